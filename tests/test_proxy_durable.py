"""Redis mode: no webhook the proxy acknowledged is lost, and no command is sent twice.

A real redis-server (append-only file on), the chirp simulator as the vendor, the canonical form as
the app's dialect (it says every call state and cause). The app's receiver goes down; an instance is
killed with SIGKILL; Redis itself is killed and restarted. Time is compressed: the delivery schedule
is tenths of seconds, and waits are bounds, never timing assertions.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import anyio
import httpx
import pytest
from loopback import listening_socket, serve
from proxy_harness import VENDOR_KEY, config_data, environment, wired
from redis_server import RedisServer, free_port, running_redis
from sim_harness import AUTH, CREDENTIALS, Receiver

from callglot.canonical import Destination, Dial, Hangup
from callglot.canonical import events as ev
from callglot.canonical.urls import url_policy
from callglot.simulator import LOOPBACK, Simulator
from callglot.transport import AsyncClient

ROOT = Path(__file__).resolve().parent.parent
FAST = {"delivery_schedule": [0.1] * 60, "delivery_idle_ms": 1000, "delivery_lease_ms": 1000}


@pytest.fixture
def redis(tmp_path: Path) -> Iterator[RedisServer]:
    with running_redis(tmp_path) as server:
        yield server


async def wait_for(predicate: Any, within: float = 30) -> None:
    with anyio.fail_after(within):
        while not predicate():
            await anyio.sleep(0.05)


def per_call(receiver: Receiver) -> dict[str, list[str]]:
    calls: dict[str, list[str]] = {}
    for event in receiver.events("canonical"):
        if isinstance(event, ev.CallStateChanged):
            calls.setdefault(event.call_id, []).append(event.state.value)
    return calls


def acknowledged(sim: Simulator) -> int:
    """Webhooks the proxy answered 200 to: queued durably, so they must all reach the app."""
    return sum(1 for call in sim.calls() for hook in sim.history(call)["webhooks"] if hook.get("delivered"))


async def calls_through(app: AsyncClient, sim: Simulator, count: int) -> None:
    for n in range(count):
        dial = Dial(source=Destination(address="+15550001111"), destination=Destination(address=f"+1555000300{n}"))
        call_id = (await app.send(dial)).receipt.call_id
        await sim.advance(1)
        await app.send(Hangup(), call_id=call_id)
        await sim.advance(0)


def test_an_app_that_is_down_gets_everything_after_it_returns_in_order_per_call(redis: RedisServer) -> None:
    async def main() -> Receiver:
        async with wired("canonical", "chirp", config={"store": redis.url, **FAST}, seed=21) as w:
            w.receiver.down = True
            await calls_through(w.app, w.sim, 3)
            assert acknowledged(w.sim) == 12  # the vendor was answered: every webhook is queued
            await anyio.sleep(1.5)  # the app stays down a while (its failures are retried)
            w.receiver.down = False
            await wait_for(lambda: len(w.receiver.bodies()) >= 12 and len(per_call(w.receiver)) == 3
                           and all(s[-1] == "ended" for s in per_call(w.receiver).values()))  # fmt: skip
            return w.receiver

    receiver = anyio.run(main)
    calls = per_call(receiver)
    assert len(calls) == 3
    assert all(states == ["created", "ringing", "answered", "ended"] for states in calls.values()), calls
    taken = [r for r in receiver.requests if r["taken"]]
    assert len({r["headers"]["webhook-id"] for r in taken}) == 12  # one id per webhook, the same on every attempt
    failed = {r["headers"]["webhook-id"] for r in receiver.requests if not r["taken"]}
    assert failed <= {r["headers"]["webhook-id"] for r in taken}


def start_instance(config_path: Path, port: int, env: dict[str, str]) -> subprocess.Popen[str]:
    command = [sys.executable, "-m", "callglot", "proxy", "--config", str(config_path), "--port", str(port)]
    process = subprocess.Popen(command, env=env, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 30
    while True:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz", trust_env=False).status_code == 200:
                return process
        except httpx.TransportError:
            pass
        assert process.poll() is None, process.stderr.read() if process.stderr else ""
        assert time.monotonic() < deadline, "the proxy did not start"
        time.sleep(0.1)


def test_kill_9_of_an_instance_loses_no_acknowledged_webhook(redis: RedisServer, tmp_path: Path) -> None:
    receiver = Receiver()
    receiver.down = True
    vendor_sock, receiver_sock = listening_socket(), listening_socket()
    vendor_port, receiver_port = vendor_sock.getsockname()[1], receiver_sock.getsockname()[1]
    port_a, port_b = free_port(), free_port()  # (the instances are subprocesses: they bind their own)
    data = config_data("canonical", "chirp", store=redis.url, **FAST)
    data["public_url"] = f"http://127.0.0.1:{port_a}"
    data["vendor"]["base_url"] = f"http://127.0.0.1:{vendor_port}"
    data["app"]["webhook_url"] = f"http://127.0.0.1:{receiver_port}/hooks"
    config_path = tmp_path / "proxy.toml"
    config_path.write_text(_toml(data))
    env = {**os.environ, **environment("canonical", "chirp"), "PYTHONPATH": str(ROOT)}
    with url_policy(LOOPBACK):
        sim = Simulator("chirp", credentials=CREDENTIALS["chirp"], webhook_url=f"http://127.0.0.1:{port_a}/hooks/chirp",
                        signing_key=VENDOR_KEY, seed=22)  # fmt: skip
        with serve(sim, vendor_sock), serve(receiver.app, receiver_sock):
            a = start_instance(config_path, port_a, env)
            b = start_instance(config_path, port_b, env)
            try:

                async def drive() -> int:
                    async with AsyncClient(
                        "canonical", base_url=f"http://127.0.0.1:{port_a}", auth=AUTH["canonical"]()
                    ) as app:
                        for n in range(3):
                            dial = Dial(
                                source=Destination(address="+15550001111"),
                                destination=Destination(address=f"+1555000400{n}"),
                            )
                            call_id = (await app.send(dial)).receipt.call_id
                            httpx.post(
                                f"http://127.0.0.1:{vendor_port}/_sim/advance", json={"seconds": 1}, trust_env=False
                            )
                            await app.send(Hangup(), call_id=call_id)
                        httpx.post(f"http://127.0.0.1:{vendor_port}/_sim/advance", json={"seconds": 0}, trust_env=False)
                    return acknowledged(sim)

                sent = anyio.run(drive)
                assert sent == 12  # instance A acknowledged every webhook: it is in Redis
                a.send_signal(signal.SIGKILL)  # A dies mid-delivery: its pending entries stay in the group
                a.wait(10)
                receiver.down = False

                async def settle() -> None:
                    await wait_for(lambda: sum(len(s) for s in per_call(receiver).values()) >= 12, within=60)

                anyio.run(settle)
            finally:
                for process in (a, b):
                    if process.poll() is None:
                        process.terminate()
                        process.wait(10)
    calls = per_call(receiver)
    assert len(calls) == 3
    assert all(states[-4:] == ["created", "ringing", "answered", "ended"] for states in calls.values())
    ids = {r["headers"]["webhook-id"] for r in receiver.requests if r["taken"]}
    assert len(ids) == 12  # at least once: every webhook, a redelivery shows as a repeated webhook-id


def test_a_redis_restart_loses_no_acknowledged_webhook_and_sends_no_command_twice(redis: RedisServer) -> None:
    async def main() -> None:
        async with wired("canonical", "chirp", config={"store": redis.url, **FAST}, seed=23) as w:
            w.receiver.down = True
            headers = {"Authorization": "Bearer " + CREDENTIALS["canonical"]["token"]}
            dial = {"command": "dial", "command_id": "dial-once-2", "source": {"address": "+15550001111"},
                    "destination": {"address": "+15550002222"}}  # fmt: skip
            first = await w.http.post("/v1/calls", json=dial, headers=headers)
            await w.sim.advance(1)
            assert acknowledged(w.sim) == 3
            await anyio.to_thread.run_sync(redis.kill)  # SIGKILL: only the AOF survives
            await anyio.to_thread.run_sync(redis.start)
            again = await w.http.post("/v1/calls", json=dial, headers=headers)  # the app retries
            w.receiver.down = False
            await wait_for(lambda: len(per_call(w.receiver).get(first.json()["call_id"], [])) >= 3)
        assert (first.status_code, again.status_code) == (200, 200)
        assert again.json() == first.json()
        assert len(w.sim.calls()) == 1  # the retry after the restart was answered from Redis, not sent
        assert per_call(w.receiver)[first.json()["call_id"]] == ["created", "ringing", "answered"]

    anyio.run(main)


def _toml(data: dict[str, Any]) -> str:
    """The config as TOML (the tests' dicts hold strings, numbers, lists and tables only)."""
    lines: list[str] = []
    tables: list[tuple[str, dict[str, Any]]] = []
    for key, value in data.items():
        if isinstance(value, dict):
            tables.append((key, value))
        else:
            lines.append(f"{key} = {json.dumps(value)}")
    for name, table in tables:
        lines.append(f"[{name}]")
        for key, value in table.items():
            if isinstance(value, dict):
                inner = ", ".join(f"{k} = {json.dumps(v)}" for k, v in value.items())
                lines.append(f"{key} = {{ {inner} }}")
            else:
                lines.append(f"{key} = {json.dumps(value)}")
    return "\n".join(lines) + "\n"
