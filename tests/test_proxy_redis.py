"""Several proxy instances sharing one real Redis (RedisStore): state and idempotency across instances."""

from __future__ import annotations

import asyncio
import itertools
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import anyio
import httpx
import pytest
import redis.asyncio
from proxy_harness import PUBLIC, VENDOR_KEY, config_data, environment
from redis_server import redis_server
from sim_harness import AUTH, CREDENTIALS, Receiver

from callglot.canonical import Destination, Dial, Hangup, Play, StopPlayback
from callglot.canonical import events as ev
from callglot.canonical.types import Audio
from callglot.canonical.urls import url_policy
from callglot.proxy import OperationIds, RedisStore, create_app, parse_config
from callglot.simulator import LOOPBACK, Simulator
from callglot.transport import AsyncClient


@pytest.fixture(scope="module")
def redis_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with redis_server(tmp_path_factory.mktemp("redis")) as url:
        yield url


@pytest.fixture
def flushed(redis_url: str) -> str:
    async def flush() -> None:
        client = redis.asyncio.Redis.from_url(redis_url)
        await client.flushdb()
        await client.aclose()

    anyio.run(flush)
    return redis_url


class Alternating:
    """An ASGI app that hands each request to the next instance in turn (a round-robin load balancer)."""

    def __init__(self, apps: list[Any]) -> None:
        self.apps = apps
        self.turn = itertools.cycle(range(len(apps)))
        self.served: list[int] = []

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        index = next(self.turn)
        self.served.append(index)
        await self.apps[index](scope, receive, send)


async def two_instances(url: str, app_dialect: str, vendor_dialect: str, **options: Any) -> Any:
    receiver = Receiver()
    data = config_data(app_dialect, vendor_dialect, store=url)
    config = parse_config(data, environment(app_dialect, vendor_dialect))
    return receiver, config


#: (call, n) in the order webhooks reached the app, across instances.
ORDER: list[tuple[int, int]] = []


def run(main: Any) -> Any:
    return anyio.run(main)


async def delivered(receiver: Receiver, count: int, within: float = 20) -> None:
    """Wait (a bound, not a timing assertion) until the workers delivered ``count`` webhooks."""
    with anyio.fail_after(within):
        while len(receiver.requests) < count:
            await anyio.sleep(0.02)


def test_commands_for_one_call_alternate_between_two_instances_and_stop_finds_its_play(flushed: str) -> None:
    async def main() -> None:
        receiver, config = await two_instances(flushed, "chirp", "signalwire")
        with url_policy(LOOPBACK):
            async with httpx.AsyncClient(transport=httpx.ASGITransport(app=receiver.app)) as to_app:
                holder: dict[str, Any] = {}

                async def balancer(scope: Any, receive: Any, send: Any) -> None:
                    await holder["lb"](scope, receive, send)

                async with httpx.AsyncClient(transport=httpx.ASGITransport(app=balancer)) as to_proxy:
                    sim = Simulator("signalwire", credentials=CREDENTIALS["signalwire"], webhook_url=f"{PUBLIC}/hooks/signalwire",
                                    signing_key=VENDOR_KEY, seed=3, http_client=to_proxy)  # fmt: skip
                    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=sim)) as to_vendor:
                        instances = [create_app(config, vendor_http=to_vendor, app_http=to_app) for _ in range(2)]
                        for instance in instances:  # each runs a delivery worker (the lifespan does this when served)
                            await instance.state.proxy.start()
                        holder["lb"] = lb = Alternating(instances)
                        async with (
                            httpx.AsyncClient(transport=httpx.ASGITransport(app=lb)) as http,
                            AsyncClient("chirp", base_url=PUBLIC, auth=AUTH["chirp"](), http_client=http) as app,
                        ):
                            dial = Dial(
                                source=Destination(address="+15550001111"),
                                destination=Destination(address="+15550002222"),
                            )
                            call_id = (await app.send(dial)).receipt.call.id
                            await sim.advance(1)
                            await app.send(Play(media=(Audio(url="https://media.example.com/a.wav"),)), call_id=call_id)
                            await app.send(StopPlayback(), call_id=call_id)  # on the other instance
                            await app.send(Hangup(), call_id=call_id)
                            await sim.advance(0)
                            await delivered(receiver, 4)
                        for instance in instances:
                            await instance.state.proxy.aclose()
                    [vendor_call] = sim.calls()
                    bodies = [c["body"] for c in sim.history(vendor_call)["commands"]]
                    assert [b["command"] for b in bodies] == [
                        "dial",
                        "calling.play",
                        "calling.play.stop",
                        "calling.end",
                    ]
                    assert bodies[1]["params"]["control_id"] == bodies[2]["params"]["control_id"]
                    assert set(lb.served) == {0, 1}
        states = [e.state.value for e in receiver.events("chirp") if isinstance(e, ev.CallStateChanged)]
        assert states == ["created", "ringing", "answered", "ended"]  # webhooks through both instances too

    run(main)


def test_the_same_idempotency_key_on_both_instances_sends_once(flushed: str) -> None:
    async def main() -> None:
        receiver, config = await two_instances(flushed, "canonical", "signalwire")
        with url_policy(LOOPBACK):
            sim = Simulator("signalwire", credentials=CREDENTIALS["signalwire"], seed=4)
            async with (
                httpx.AsyncClient(transport=httpx.ASGITransport(app=sim)) as to_vendor,
                httpx.AsyncClient(transport=httpx.ASGITransport(app=receiver.app)) as to_app,
            ):
                instances = [create_app(config, vendor_http=to_vendor, app_http=to_app) for _ in range(2)]
                body = {"command": "dial", "command_id": "dial-once-1", "source": {"address": "+15550001111"},
                        "destination": {"address": "+15550002222"}}  # fmt: skip
                headers = {"Authorization": "Bearer " + CREDENTIALS["canonical"]["token"]}
                replies = []
                for instance in instances:  # the app retries its request; the balancer picks the other instance
                    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=instance), base_url=PUBLIC) as http:
                        replies.append(await http.post("/v1/calls", json=body, headers=headers))
                for instance in instances:
                    await instance.state.proxy.aclose()
            assert [r.status_code for r in replies] == [200, 200]
            assert replies[0].json() == replies[1].json()
            assert len(sim.calls()) == 1  # sent once

    run(main)


def test_redis_state_is_hash_tagged_per_call_and_expires(flushed: str) -> None:
    async def main() -> None:
        store = RedisStore(flushed, ttl=600, ended_ttl=30)
        winners = await asyncio.gather(*(store.bind_call(f"app-{n}", "vendor-1") for n in range(5)))
        assert len(set(winners)) == 1  # five instances racing to bind one vendor call: one id wins
        assert await store.vendor_call(winners[0]) == "vendor-1"
        await store.start_operation("vendor-1", OperationIds(kind="play", app_id=None, vendor_id="ctl-1"))
        taken = await asyncio.gather(*(store.end_operation("vendor-1", "ctl-1") for _ in range(3)))
        assert [t is not None for t in taken].count(True) == 1  # one instance takes an operation out
        assert await store.call_state("vendor-1") is None
        await store.set_call_state("vendor-1", "answered")  # what another instance's answer is acknowledged from
        assert await store.call_state("vendor-1") == "answered"
        raw = store.redis
        keys = sorted(key.decode() if isinstance(key, bytes) else key for key in await raw.keys("*"))
        assert keys == ["{app:" + winners[0] + "}:vendor", "{call:vendor-1}:app", "{call:vendor-1}:state"]
        assert all(0 < ttl <= 600 for ttl in [await raw.ttl(key) for key in keys])
        await store.end_call("vendor-1")
        ttls = [await raw.ttl(key) for key in keys]
        assert all(0 < ttl <= 30 for ttl in ttls)  # state expires a while after the call ends
        first = await store.claim("k1", 60)
        second = await store.claim("k1", 60)
        assert first is None
        assert second is not None
        assert second.pending
        await store.aclose()

    run(main)


def test_a_redis_store_is_chosen_in_the_config(flushed: str, tmp_path: Path) -> None:
    config = parse_config(
        config_data("chirp", "signalwire", store="env:REDIS_URL"),
        {**environment("chirp", "signalwire"), "REDIS_URL": flushed},
    )
    assert config.store == flushed
    app = create_app(config)
    assert type(app.state.proxy.store).__name__ == "RedisStore"
    anyio.run(app.state.proxy.aclose)


def test_two_instances_share_the_delivery_partitions_and_each_call_stays_in_order(flushed: str) -> None:
    from callglot.proxy._delivery import DurableQueue

    ORDER.clear()

    async def main() -> dict[str, list[tuple[str, int, int]]]:
        client = redis.asyncio.Redis.from_url(flushed, decode_responses=True)
        queue = DurableQueue(client, lease_ms=1000)
        for n in range(10):  # 40 calls, 10 events each, queued in order
            for call in range(40):
                await queue.enqueue(call_id=f"call-{call}", dedupe=f"{call}-{n}", url="http://127.0.0.1/hooks",
                                    content=json.dumps({"call": call, "n": n}).encode(), headers={})  # fmt: skip
        seen: dict[str, list[tuple[str, int, int]]] = {}
        stop = asyncio.Event()

        def deliverer(owner: str) -> Any:
            async def deliver(url: str, content: bytes, headers: dict[str, str]) -> bool:
                await asyncio.sleep(0.001)
                body = json.loads(content)
                seen.setdefault(owner, []).append((headers["Webhook-Id"], body["call"], body["n"]))
                ORDER.append((body["call"], body["n"]))
                return True

            return deliver

        workers = [
            asyncio.create_task(DurableQueue(client, lease_ms=1000).work(deliverer(owner), owner, stop))
            for owner in ("instance-a", "instance-b")
        ]
        with anyio.fail_after(30):
            while sum(len(v) for v in seen.values()) < 400:
                await asyncio.sleep(0.02)
        stop.set()
        await asyncio.gather(*workers)
        assert await queue.pending() == 0
        assert sum([await client.xlen(queue.stream(p)) for p in range(queue.partitions)]) == 0  # taken: removed
        await client.aclose()
        return seen

    seen = anyio.run(main)
    assert set(seen) == {"instance-a", "instance-b"}  # both deliver: the partitions are shared out
    delivered = [item for items in seen.values() for item in items]
    assert len({webhook_id for webhook_id, _, _ in delivered}) == 400  # each once
    for call in range(40):  # a call's events, whichever instance took them, in the order they were queued
        assert [n for c, n in ORDER if c == call] == list(range(10))
