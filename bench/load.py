"""Load: many concurrent calls through two proxy instances sharing one Redis, on loopback.

``PYTHONPATH=. python bench/load.py [--calls N] [--concurrency C] [--seconds LIMIT]`` (defaults: 500
calls, 50 at a time, at most 600 s of driving, then at most ``--drain`` 120 s for the last webhooks).
The whole run is bounded: ``--calls``, and ``--seconds`` after which no call starts and calls in progress
hang up (plus at most ``--webhook-timeout`` for their last webhook and ``--drain`` to settle).
The report: throughput (commands/s and webhooks/s), command latency p50/p99, webhook latency p50/p99,
lost (must be 0), sent twice (must be 0), peak RSS and CPU time of every process, and what each proxy
instance did. Results go to bench/results/load.json (``--results``).

Processes, all on 127.0.0.1:

- **Redis**: ``redis-server`` with the append-only file on (``appendfsync everysec``), in a temporary
  directory, as tests/redis_server.py starts it;
- **the vendor**: ``callglot simulate --dialect signalwire`` (the SignalWire simulator, uvicorn, real
  time), one far end scripted through ``/_sim/far_ends`` to answer after ``--answer-after`` s;
- **two proxies**: ``callglot proxy --config FILE --port P`` (subprocesses, as a deployment runs them),
  app dialect canonical, vendor SignalWire, ``store`` = the Redis URL: state, idempotency keys and the
  durable webhook queue are shared; each instance's ``public_url`` is its own address;
- **the app**: this process. Its commands go to the two instances in turn (round robin over every
  request); its webhook receiver is a bare ASGI app served by uvicorn on this event loop, so a call
  can wait for the webhook its last command causes.

Why canonical -> SignalWire: the canonical form has an idempotency key on every command
(``command_id``), so every command the app sends is idempotent across instances; SignalWire reports
every call state the proxy asks for and a started and a finished event for each play and record, and
its callbacks go to the ``status_url`` of the command that caused them, which the proxy sets to its
own ``public_url``: the vendor's webhooks reach both instances, as they would behind a load balancer
(Chirp has one registered webhook URL: every webhook would enter through one instance).

Why real time (``RealClock``) and not the virtual clock: the virtual clock is one clock for the whole
simulated world, and webhooks leave only when someone calls ``/_sim/advance``; with 50 calls at
different steps, one call's advance would move every other call's time, and a ticker would decide
when webhooks go out. In real time the simulator sends each webhook as soon as its event happens, as
a vendor does. Nothing in the run depends on simulated durations: plays loop forever (``loop = 0``),
records have no maximum length, and both end only when the app stops them; the only timer is the
callee's answer (``--answer-after``).

One call, 20 commands and 22 webhooks (``--commands`` changes the number of play/record pairs):

1. ``dial`` -> webhooks ``created``, ``ringing``, ``answered`` (the app waits for ``answered``);
2. nine times, alternating: ``play`` (loop forever) or ``record`` -> its ``started`` webhook, then its
   stop (``stop_playback``/``stop_recording`` naming the operation) -> its ``finished`` webhook;
3. ``hangup`` -> ``ended``.

Each command waits for the webhook it causes before the next one goes (an app that acts on events);
a webhook not seen within ``--webhook-timeout`` s is counted and the call goes on. Each command
carries a fresh ``command_id``. Every ``--replay-every``-th command is sent again, with the same key,
to the other instance once its first answer is in (an app's retry): the answer must be the first one,
read from Redis, and nothing reaches the vendor again.

Checks, after the run (from the simulator's own records, ``/_sim/calls/{id}``):

- **lost**: webhooks the proxies acknowledged to the vendor (the simulator's last attempt got 200; a
  proxy in Redis mode answers 200 once the webhook is queued durably) that never reached the app.
  Events are matched by (call, event, state, operation id), each side decoded by callglot;
- **sent twice**: commands that reached the simulator more than once (the same call, command and
  operation id, or a dial that made a call the app does not know);
- also: commands the app got a 200 for that the simulator never saw, webhooks delivered twice
  (same ``Webhook-Id``: at-least-once redelivery), calls whose events arrived out of order, webhooks
  the proxies refused or left unanswered (SignalWire does not retry), dead letters, queue backlog.

Latency is ``time.perf_counter()`` around each request (send, wait, read the body); the first
``--concurrency`` dials go out together to cold proxies and are reported apart. The webhook latency is
from sending the command to the app receiving the webhook it caused (through the simulator, a proxy,
Redis and a delivery worker); its last leg, from the entry's ``XADD`` (the stream entry id's
milliseconds) to the app, is reported too: the rest is the vendor's side and the proxy's ingest. Each
proxy's own mean time to answer comes from its ``/metrics`` histogram. Peak RSS is ``VmHWM`` from ``/proc/<pid>/status``
(psutil gives no peak on Linux); CPU time from ``/proc/<pid>/stat``. The machine is a shared 2-core
VM running six busy processes: the figures say what this box sustains, not what the proxy could.
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import contextlib
import json
import math
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
RESULTS = BENCH / "results"
HOST = "127.0.0.1"
APP_TOKEN = "canonical-load-token-0"
APP_KEY = "app-load-signing-key-0"
VENDOR = {"project_id": "proj-load", "token": "PT-load-token-0"}
VENDOR_KEY = "PSK_load_vendor_key_0"
CALLER, CALLEE = "+15550100001", "+15550100002"
MEDIA = "https://media.example.com/hold.mp3"
PARTITIONS = 8  # DurableQueue's default
Key = tuple[Any, ...]


# -- processes


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return int(probe.getsockname()[1])


def proc_memory(pid: int) -> dict[str, int]:
    """VmHWM (peak RSS) and VmRSS in KiB, from /proc (empty when the process is gone)."""
    out = {}
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            name, _, value = line.partition(":")
            if name in ("VmHWM", "VmRSS"):
                out[name] = int(value.split()[0])
    except OSError:
        pass
    return out


def proc_cpu(pid: int) -> float | None:
    """User + system CPU seconds of ``pid`` (None when the process is gone)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class Child:
    """A process this script started (and stops): its name, Popen and log file."""

    def __init__(self, name: str, command: list[str], env: dict[str, str], log: Path) -> None:
        self.name = name
        self.log = log
        with log.open("wb") as out:
            self.process = subprocess.Popen(command, env=env, stdout=out, stderr=subprocess.STDOUT)
        self.pid = self.process.pid

    def alive(self) -> bool:
        return self.process.poll() is None

    def stats(self) -> dict[str, Any]:
        memory = proc_memory(self.pid)
        return {"pid": self.pid, "peak_rss_kib": memory.get("VmHWM"), "rss_kib": memory.get("VmRSS"),
                "cpu_s": proc_cpu(self.pid)}  # fmt: skip

    def tail(self, lines: int = 20) -> str:
        try:
            return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(5)


def wait_ready(child: Child, probe: Any, within: float = 60) -> None:
    deadline = time.monotonic() + within
    while not probe():
        if not child.alive():
            raise SystemExit(f"load: {child.name} exited at start:\n{child.tail()}")
        if time.monotonic() > deadline:
            raise SystemExit(f"load: {child.name} did not start within {within:.0f} s:\n{child.tail()}")
        time.sleep(0.1)


def http_ok(url: str) -> bool:
    import httpx

    try:
        return httpx.get(url, trust_env=False, timeout=2).status_code == 200
    except httpx.HTTPError:
        return False


def redis_pong(port: int) -> bool:
    try:
        with socket.create_connection((HOST, port), timeout=0.5) as conn:
            conn.sendall(b"PING\r\n")
            return conn.recv(16).startswith(b"+PONG")
    except OSError:
        return False


def proxy_toml(port: int, redis_port: int, sim_port: int, receiver_port: int) -> str:
    return f"""\
public_url = "http://{HOST}:{port}"
policy = "lenient"
store = "redis://{HOST}:{redis_port}/0"

[app]
dialect = "canonical"
credentials = {{ token = "env:LOAD_APP_TOKEN" }}
webhook_url = "http://{HOST}:{receiver_port}/hooks"
signing_key = "env:LOAD_APP_SIGNING_KEY"

[vendor]
dialect = "signalwire"
base_url = "http://{HOST}:{sim_port}"
credentials = {{ project_id = "env:LOAD_VENDOR_PROJECT", token = "env:LOAD_VENDOR_TOKEN" }}
signing_key = "env:LOAD_VENDOR_SIGNING_KEY"

[url_policy]
allow_insecure = true
allow_networks = ["127.0.0.0/8"]
"""


# -- the app's webhook receiver (this process, this event loop)


class Receiver:
    """A bare ASGI app: keeps every webhook (arrival time, Webhook-Id, body) and wakes the call waiting for it."""

    def __init__(self) -> None:
        from callglot.signatures import SharedSecretHeader, SignatureError

        self.signature_error = SignatureError
        self.signature = SharedSecretHeader(APP_KEY)
        self.requests: list[tuple[float, float, str, bytes]] = []  # perf_counter, time.time(), Webhook-Id, body
        self.arrived: dict[Key, float] = {}
        #: operation events that came without their operation id: (call, event, state) -> arrival times
        self.anonymous: dict[Key, collections.deque[float]] = collections.defaultdict(collections.deque)
        self.signals: dict[str, asyncio.Event] = {}  # per call: something arrived
        self.bad_signature = 0
        self.unreadable = 0
        self.reply = json.dumps({"ok": True}).encode()

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            return
        chunks = []
        while True:
            message = await receive()
            chunks.append(message.get("body", b""))
            if not message.get("more_body"):
                break
        body = b"".join(chunks)
        now = time.perf_counter()
        headers = {name.decode("latin-1"): value.decode("latin-1") for name, value in scope["headers"]}
        try:
            self.signature.verify(headers)
        except self.signature_error:  # counted; the webhook is still kept
            self.bad_signature += 1
        self.requests.append((now, time.time(), headers.get("webhook-id", ""), body))
        try:
            data = json.loads(body)
            key: Key = (data.get("call_id"), data.get("event"), data.get("state"), data.get("command_id"))
        except (ValueError, AttributeError):
            self.unreadable += 1
        else:
            if key[3] is None and key[1] not in ("call_state_changed", None):
                self.anonymous[key[:3]].append(now)
            else:
                self.arrived.setdefault(key, now)
            signal = self.signals.get(key[0])
            if signal is not None:
                signal.set()
        reply_headers = [(b"content-type", b"application/json"), (b"content-length", str(len(self.reply)).encode())]
        await send({"type": "http.response.start", "status": 200, "headers": reply_headers})
        await send({"type": "http.response.body", "body": self.reply})

    async def wait(self, key: Key, timeout: float) -> tuple[float, bool] | None:
        """When the webhook ``key`` arrived (perf_counter) and whether it carried its operation id, or None
        after ``timeout`` seconds. An operation event of this call, state and kind that came without any
        operation id stands in for it (the proxy did not know the operation yet): it is taken once."""
        deadline = time.monotonic() + timeout
        signal = self.signals.setdefault(key[0], asyncio.Event())
        while True:
            if key in self.arrived:
                return self.arrived[key], True
            anonymous = self.anonymous.get(key[:3])
            if key[3] is not None and anonymous:
                return anonymous.popleft(), False
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return None
            signal.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(signal.wait(), remaining)

    def forget(self, call_id: str) -> None:
        self.signals.pop(call_id, None)


# -- the app: calls driven concurrently


class Driver:
    def __init__(self, args: argparse.Namespace, http: Any, instances: list[str], receiver: Receiver) -> None:
        import callglot

        self.args = args
        self.http = http
        self.instances = instances
        self.receiver = receiver
        self.canonical = callglot.get_dialect("canonical")
        self.run = uuid.uuid4().hex[:8]
        self.headers = {"Authorization": f"Bearer {APP_TOKEN}", "Content-Type": "application/json"}
        self.turn = 0
        self.sent = 0  # requests the app sent (commands and replays)
        self.next_call = 0
        self.deadline = 0.0
        self.latency: dict[str, list[float]] = collections.defaultdict(list)
        self.webhook_latency: list[float] = []
        self.replay_latency: list[float] = []
        self.replays = 0
        self.replay_mismatch: collections.Counter[str] = collections.Counter()
        self.errors: collections.Counter[str] = collections.Counter()
        self.timeouts: collections.Counter[str] = collections.Counter()
        self.without_id: collections.Counter[str] = collections.Counter()  # operation events with no id
        self.calls: dict[str, int] = {}  # app call id -> call number
        self.ok: set[Key] = set()  # (call, command, operation id) the app got a 200 for
        self.completed = 0
        self.cut_short = 0
        self.failed = 0
        self.commands_ok = 0
        self.first = self.last = 0.0

    def _instance(self) -> int:
        index = self.turn % len(self.instances)
        self.turn += 1
        return index

    async def _post(self, index: int, method: str, path: str, content: bytes) -> tuple[int, Any, float]:
        import httpx

        started = time.perf_counter()
        try:
            response = await self.http.request(method, self.instances[index] + path, content=content,
                                               headers=self.headers)  # fmt: skip
        except httpx.HTTPError as exc:
            return -1, f"{type(exc).__name__}: {exc}"[:200], time.perf_counter() - started
        elapsed = time.perf_counter() - started
        try:
            body = response.json() if response.content else None
        except ValueError:
            body = response.text[:200]
        return response.status_code, body, elapsed

    async def command(
        self, command: Any, tag: str, call_id: str | None, key: str, op: str | None, *, label: str | None = None
    ) -> Any:
        """Send ``command`` (idempotency key ``key``) to the next instance; its reply body, or None on an error.
        ``label``: where its latency is counted (default ``tag``)."""
        wire = self.canonical.encode(command, call_id=call_id, command_id=key).value
        content = json.dumps(wire.body).encode()
        index = self._instance()
        self.sent += 1
        status, body, elapsed = await self._post(index, wire.method, wire.path, content)
        self.latency[label or tag].append(elapsed)
        if status != 200:
            self.errors[f"{tag} -> {status}: {json.dumps(body)[:160]}"] += 1
            return None
        self.commands_ok += 1
        self.last = time.perf_counter()
        if self.args.replay_every and self.sent % self.args.replay_every == 0:
            other = (index + 1) % len(self.instances)
            self.replays += 1
            self.sent += 1
            again, replayed, elapsed = await self._post(other, wire.method, wire.path, content)
            self.replay_latency.append(elapsed)
            if again != 200 or replayed != body:
                self.replay_mismatch[f"{tag}: {again} {str(replayed)[:120]}"] += 1
        call = call_id if call_id is not None else (body or {}).get("call_id")
        self.ok.add((call, tag, op))
        return body

    async def expect(self, call_id: str, event: str, state: str, op: str | None, since: float | None) -> bool:
        found = await self.receiver.wait((call_id, event, state, op), self.args.webhook_timeout)
        if found is None:
            self.timeouts[f"{event} {state}"] += 1
            return False
        arrived, with_id = found
        if not with_id:
            self.without_id[f"{event} {state}"] += 1
        if since is not None:
            self.webhook_latency.append(max(0.0, arrived - since))
        return True

    async def call(self, n: int) -> None:
        from callglot.canonical import Audio, Destination, Dial, Hangup, Play, Record, StopPlayback, StopRecording

        prefix = f"{self.run}-{n}"
        dial = Dial(source=Destination(address=CALLER), destination=Destination(address=CALLEE))
        wave = "dial, first wave (cold proxies)" if n < self.args.concurrency else "dial"
        reply = await self.command(dial, "dial", None, f"{prefix}-dial", None, label=wave)
        call_id = reply.get("call_id") if isinstance(reply, dict) else None
        if call_id is None:
            self.failed += 1
            return
        self.calls[call_id] = n
        whole = await self.expect(call_id, "call_state_changed", "answered", None, None)
        for i in range(self.args.pairs if whole else 0):
            if time.monotonic() > self.deadline:
                whole = False
                break
            play = i % 2 == 0
            op = f"{prefix}-{'play' if play else 'rec'}{i}"
            event = "playback" if play else "recording"
            start: Any = Play(media=(Audio(url=MEDIA),), loop=0) if play else Record()
            stop: Any = StopPlayback(control_id=op) if play else StopRecording(control_id=op)
            sent = time.perf_counter()
            if await self.command(start, "play" if play else "record", call_id, op, op) is None:
                whole = False
                break
            await self.expect(call_id, event, "started", op, sent)
            sent = time.perf_counter()
            stop_tag = "stop_playback" if play else "stop_recording"
            if await self.command(stop, stop_tag, call_id, f"{op}-stop", op) is None:
                whole = False
                break
            await self.expect(call_id, event, "finished", op, sent)
        sent = time.perf_counter()
        if await self.command(Hangup(), "hangup", call_id, f"{prefix}-hangup", None) is not None:
            await self.expect(call_id, "call_state_changed", "ended", None, sent)
        else:
            whole = False
        self.receiver.forget(call_id)
        if whole:
            self.completed += 1
        else:
            self.cut_short += 1

    async def worker(self) -> None:
        while self.next_call < self.args.calls and time.monotonic() < self.deadline:
            n = self.next_call
            self.next_call += 1
            await self.call(n)

    async def drive(self) -> None:
        self.deadline = time.monotonic() + self.args.seconds
        self.first = time.perf_counter()
        await asyncio.gather(*(self.worker() for _ in range(self.args.concurrency)))
        self.last = max(self.last, time.perf_counter())


# -- checks against the simulator's records


def _ident(event: Any) -> Key:
    state = getattr(event, "state", None)
    op = getattr(event, "control_id", None) or getattr(event, "command_id", None)
    return (event.call_id, type(event).__name__, getattr(state, "value", state), op)


async def histories(http: Any, sim: str) -> dict[str, Any]:
    calls = (await http.get(f"{sim}/_sim/calls")).json()["calls"]
    limit = asyncio.Semaphore(8)

    async def one(call_id: str) -> tuple[str, Any]:
        async with limit:
            return call_id, (await http.get(f"{sim}/_sim/calls/{call_id}")).json()

    return dict(await asyncio.gather(*(one(call_id) for call_id in calls)))


def check(driver: Driver, receiver: Receiver, history: dict[str, Any]) -> dict[str, Any]:
    import callglot
    from callglot import HttpRequest

    signalwire, canonical = callglot.get_dialect("signalwire"), callglot.get_dialect("canonical")
    acked: collections.Counter[Key] = collections.Counter()
    order: dict[str, list[Key]] = collections.defaultdict(list)
    refused: collections.Counter[str] = collections.Counter()
    unsent = skipped = undecodable = 0
    seen: collections.Counter[Key] = collections.Counter()
    unknown_calls = 0
    for call_id, record in history.items():
        if call_id not in driver.calls:
            unknown_calls += 1  # a dial that reached the vendor again made a second call
        for entry in record["commands"]:
            params = entry.get("body", {}).get("params", {}) if isinstance(entry.get("body"), dict) else {}
            seen[(call_id, entry["command"], params.get("control_id"))] += 1
        for hook in record["webhooks"]:
            if "skipped" in hook:
                skipped += 1
                continue
            if not hook["attempts"]:
                unsent += 1
                continue
            last = hook["attempts"][-1]
            if last["status"] != 200:
                refused[f"{last['status']} {last['error'] or ''}".strip()[:120]] += 1
                continue
            try:
                key = _ident(signalwire.decode_event(HttpRequest(method="POST", path="/", body=hook["body"])))
            except callglot.CallglotError:
                undecodable += 1
                continue
            acked[key] += 1
            order[key[0]].append(key)
    received: collections.Counter[Key] = collections.Counter()
    arrivals: dict[str, list[Key]] = collections.defaultdict(list)
    ids: set[str] = set()
    redelivered = 0
    for _, _, webhook_id, raw in sorted(receiver.requests, key=lambda r: r[0]):
        if webhook_id in ids:
            redelivered += 1  # at least once: the same Webhook-Id again
            continue
        ids.add(webhook_id)
        try:
            event = canonical.decode_event(HttpRequest(method="POST", path="/", body=json.loads(raw)))
        except (callglot.CallglotError, ValueError):
            undecodable += 1
            continue
        key = _ident(event)
        received[key] += 1
        arrivals[key[0]].append(key)
    out_of_order = 0
    for call_id, sent in order.items():
        got = [k for k in arrivals.get(call_id, []) if k in acked]
        if [k for k in sent if k in received] != got:
            out_of_order += 1
    # An operation event that reached the app without its operation id (the proxy did not know the
    # operation yet) is not lost: it is matched by call, event and state, and counted apart.
    missing, extra = acked - received, received - acked
    anonymous = collections.Counter(k[:3] for k in extra.elements() if k[3] is None)
    lost: list[Key] = []
    without_id = 0
    for key in missing.elements():
        if key[3] is not None and anonymous[key[:3]] > 0:
            anonymous[key[:3]] -= 1
            without_id += 1
        else:
            lost.append(key)
    # a call the app does not know: a dial that reached the vendor twice, unless the app's dial failed
    twice = sum(n - 1 for n in seen.values() if n > 1) + max(0, unknown_calls - driver.failed)
    return {
        "acknowledged": sum(acked.values()),
        "received": sum(received.values()),
        "lost": len(lost),
        "lost_examples": [list(k) for k in lost[:5]],
        "without_operation_id": without_id,
        "delivered_unacknowledged": sum(extra.values()) - without_id,
        "redelivered": redelivered,
        "out_of_order_calls": out_of_order,
        "refused_by_proxy": dict(refused),
        "unsent_at_vendor": unsent,
        "skipped_at_vendor": skipped,
        "undecodable": undecodable,
        "vendor_commands": sum(seen.values()),
        "sent_twice": twice,
        "sent_twice_examples": [list(k) for k, n in seen.items() if n > 1][:5],
        "unknown_calls_at_vendor": unknown_calls,
        "ok_but_not_at_vendor": len({k for k in driver.ok if k not in seen}),
        "vendor_errors": sum(1 for r in history.values() for e in r["commands"] if e.get("status") != 200),
    }


async def settle(driver: Driver, receiver: Receiver, http: Any, sim: str, within: float) -> dict[str, Any]:
    """Wait (at most ``within`` s) until the vendor sent everything and the app has every acknowledged webhook."""
    deadline = time.monotonic() + within
    while True:
        history = await histories(http, sim)
        result = check(driver, receiver, history)
        if (result["lost"] == 0 and result["unsent_at_vendor"] == 0) or time.monotonic() > deadline:
            result["settle_s"] = round(within - max(0.0, deadline - time.monotonic()), 1)
            return result
        await asyncio.sleep(1.0)


# -- what the proxies and Redis say


def metrics(text: str) -> dict[str, float]:
    """The proxy's Prometheus counters and its latency histogram's sums and counts: ``name{labels}`` -> value."""
    out: dict[str, float] = {}
    for line in text.splitlines():
        name = line.split("{")[0].split(" ")[0]
        if line.startswith("callglot_proxy_") and name.endswith(("_total", "_sum", "_count")):
            name, _, value = line.rpartition(" ")
            out[name] = float(value)
    return out


def summarise(counters: dict[str, float]) -> dict[str, Any]:
    def total(prefix: str, **labels: str) -> int:
        found = 0.0
        for name, value in counters.items():
            if name.startswith(prefix + "{") and all(f'{k}="{v}"' in name for k, v in labels.items()):
                found += value
        return int(found)

    return {
        "commands_200": total("callglot_proxy_requests_total", route="command", status="200"),
        "commands_other": total("callglot_proxy_requests_total", route="command")
        - total("callglot_proxy_requests_total", route="command", status="200"),
        "replayed": total("callglot_proxy_requests_total", route="command-replayed"),
        "hooks_200": total("callglot_proxy_requests_total", route="hook", status="200"),
        "hooks_other": total("callglot_proxy_requests_total", route="hook")
        - total("callglot_proxy_requests_total", route="hook", status="200"),
        "queued": total("callglot_proxy_deliveries_total", result="queued"),
        "duplicate": total("callglot_proxy_deliveries_total", result="duplicate"),
        "delivered": total("callglot_proxy_deliveries_total", result="delivered"),
        "delivery_failed": total("callglot_proxy_deliveries_total", result="failed"),
        "vendor_errors": total("callglot_proxy_vendor_errors_total"),
        # the proxy's own time to answer (its histogram's mean: from the request to the reply, in the app)
        "command_mean_ms": mean_ms(counters, "command"),
        "hook_mean_ms": mean_ms(counters, "hook"),
    }


def mean_ms(counters: dict[str, float], route: str) -> float:
    total = counters.get(f'callglot_proxy_seconds_sum{{route="{route}"}}', math.nan)
    count = counters.get(f'callglot_proxy_seconds_count{{route="{route}"}}', 0.0)
    return total / count * 1000 if count else math.nan


def redis_calls(port: int) -> int:
    """Commands Redis has run so far (INFO commandstats)."""
    import redis

    client = redis.Redis(host=HOST, port=port, decode_responses=True)
    try:
        return sum(int(value["calls"]) for value in client.info("commandstats").values())
    finally:
        client.close()


def queued_at(port: int) -> dict[str, float]:
    """Webhook-Id -> when its entry was added to the queue (the stream entry id's milliseconds), for the
    entries the streams still hold."""
    import redis

    client = redis.Redis(host=HOST, port=port, decode_responses=True)
    out = {}
    try:
        for p in range(PARTITIONS):
            for entry_id, fields in client.xrange(f"{{wh:{p}}}:stream"):
                out[json.loads(fields["entry"])["webhook_id"]] = int(entry_id.partition("-")[0]) / 1000
    finally:
        client.close()
    return out


def redis_report(port: int) -> dict[str, Any]:
    import redis

    client = redis.Redis(host=HOST, port=port, decode_responses=True)
    try:
        stats = client.info("commandstats")
        memory = client.info("memory")
        retained = pending = dead = 0
        for p in range(PARTITIONS):
            stream = f"{{wh:{p}}}:stream"
            if client.exists(stream):
                retained += int(client.xlen(stream))
                for group in client.xinfo_groups(stream):
                    pending += int(group.get("lag") or 0) + int(group["pending"])
            dead += int(client.xlen(f"{{wh:{p}}}:dead"))
        commands = {name.removeprefix("cmdstat_"): int(value["calls"]) for name, value in stats.items()}
        return {
            "commands": commands,
            "total_commands": sum(commands.values()),
            "used_memory_peak": int(memory["used_memory_peak"]),
            "used_memory": int(memory["used_memory"]),
            "stream_entries_retained": retained,
            "queue_backlog": pending,
            "dead_letters": dead,
            "keys": int(client.dbsize()),
        }
    finally:
        client.close()


# -- figures


def percentile(values: list[float], q: float) -> float:
    """Nearest-rank percentile (``q`` in 0..1); nan for no values."""
    if not values:
        return math.nan
    ordered = sorted(values)
    return ordered[max(0, math.ceil(q * len(ordered)) - 1)]


def ms(value: float) -> str:
    return "-" if math.isnan(value) else f"{value * 1000:.1f}"


def mib(kib: int | None) -> str:
    return "-" if kib is None else f"{kib / 1024:.0f}"


def report(result: dict[str, Any]) -> None:
    r = result
    p = r["params"]
    print(
        f"\nLoad: {r['calls_started']} calls started of {p['calls']}, {p['concurrency']} at a time, "
        f"{p['pairs']} play/record pairs each; canonical -> SignalWire; 2 proxies, 1 Redis (AOF)."
    )
    print(
        f"Driving {r['drive_s']:.1f} s, then {r['checks']['settle_s']:.1f} s to settle; whole run {r['run_s']:.1f} s."
    )
    print("\n| throughput | count | per second |")
    print("|---|---:|---:|")
    print(f"| commands answered 200 (replays excluded) | {r['commands_ok']} | {r['commands_per_s']:.1f} |")
    print(f"| webhooks received by the app (driving) | {r['webhooks_in_drive']} | {r['webhooks_per_s']:.1f} |")
    print(f"| all requests to the proxies (commands, replays, webhooks) | {r['proxy_requests']} | "
          f"{r['proxy_requests_per_s']:.1f} |")  # fmt: skip
    print("\n| latency (ms) | n | p50 | p99 | max |")
    print("|---|---:|---:|---:|---:|")
    for name, figures in r["latency"].items():
        print(f"| {name} | {figures['n']} | {ms(figures['p50'])} | {ms(figures['p99'])} | {ms(figures['max'])} |")
    c = r["checks"]
    print("\n| check | value |")
    print("|---|---:|")
    rows = [
        ("**lost** (acknowledged to the vendor, never at the app)", c["lost"]),
        ("**sent twice** (reached the vendor more than once)", c["sent_twice"]),
        ("webhooks acknowledged by the proxies / received by the app", f"{c['acknowledged']} / {c['received']}"),
        ("commands at the vendor / answered 200 to the app", f"{c['vendor_commands']} / {r['commands_ok']}"),
        ("answered 200 but never at the vendor", c["ok_but_not_at_vendor"]),
        ("replays (same key, other instance) / answered differently", f"{r['replays']} / {r['replay_mismatches']}"),
        ("webhooks at the app without their operation id (the proxy raced the vendor)", c["without_operation_id"]),
        ("webhooks at the app that the proxies did not acknowledge", c["delivered_unacknowledged"]),
        ("webhooks delivered again (same Webhook-Id)", c["redelivered"]),
        ("calls with events out of order at the app", c["out_of_order_calls"]),
        ("webhooks the proxies did not acknowledge", sum(c["refused_by_proxy"].values())),
        ("webhooks still unsent at the vendor", c["unsent_at_vendor"]),
        ("command errors the app got", sum(r["errors"].values())),
        ("webhook waits timed out", sum(r["timeouts"].values())),
        ("calls complete / cut short / failed to dial", f"{r['completed']} / {r['cut_short']} / {r['failed']}"),
        ("queue backlog / dead letters after the run", f"{r['redis']['queue_backlog']} / {r['redis']['dead_letters']}"),
        ("bad app signatures / unreadable bodies at the receiver", f"{r['bad_signature']} / {r['unreadable']}"),
    ]
    for name, value in rows:
        print(f"| {name} | {value} |")
    print(
        "\n| process | peak RSS (MiB) | CPU (s) | commands 200 | webhooks in (200) | webhooks delivered to app "
        "| proxy's own mean ms: command / webhook in |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|")
    for name, proc in r["processes"].items():
        m = r["instances"].get(name)
        extra = (
            f"{m['commands_200']} | {m['hooks_200']} | {m['delivered']} | "
            f"{m['command_mean_ms']:.1f} / {m['hook_mean_ms']:.1f}"
            if m
            else " |  |  | "
        )
        cpu = "-" if proc["cpu_s"] is None else f"{proc['cpu_s']:.1f}"
        print(f"| {name} | {mib(proc['peak_rss_kib'])} | {cpu} | {extra} |")
    redis = r["redis"]
    per = redis["total_commands"] / max(1, r["commands_ok"] + c["acknowledged"])
    print(f"\nRedis: {redis['total_commands']} commands ({per:.1f} per command or webhook, idle polling included), "
          f"peak memory {redis['used_memory_peak'] / 2**20:.1f} MiB, {redis['stream_entries_retained']} stream "
          f"entries retained, {redis['keys']} keys.")  # fmt: skip
    top = sorted(redis["commands"].items(), key=lambda item: -item[1])[:8]
    print(f"Redis idle (before driving): {redis.get('idle_commands_per_s', math.nan):.0f} commands/s; "
          f"busiest: {', '.join(f'{name} {n}' for name, n in top)}.")  # fmt: skip
    for title, counter in (("errors", r["errors"]), ("webhook waits timed out", r["timeouts"]),
                           ("replays answered differently", r["replay_errors"]),
                           ("operation events without their operation id", r["without_id"]),
                           ("not acknowledged by the proxies", c["refused_by_proxy"])):  # fmt: skip
        if counter:
            print(f"\n{title}:")
            for text, n in sorted(counter.items(), key=lambda item: -item[1])[:10]:
                print(f"  {n:6d}  {text}")
    if c["lost_examples"] or c["sent_twice_examples"]:
        print(f"\nlost, e.g.: {c['lost_examples']}\nsent twice, e.g.: {c['sent_twice_examples']}")


# -- the run


def figures(values: list[float]) -> dict[str, float]:
    return {"n": len(values), "p50": percentile(values, 0.5), "p99": percentile(values, 0.99),
            "max": max(values) if values else math.nan}  # fmt: skip


async def run_load(args: argparse.Namespace, ports: dict[str, int], children: dict[str, Child]) -> dict[str, Any]:
    import httpx
    import uvicorn

    receiver = Receiver()
    server = uvicorn.Server(uvicorn.Config(receiver, host=HOST, port=ports["receiver"], lifespan="off",
                                           log_level="error", access_log=False))  # fmt: skip
    serving = asyncio.get_running_loop().create_task(server.serve())
    while not server.started:
        if serving.done():
            raise SystemExit(f"load: the receiver did not start: {serving.exception()}")
        await asyncio.sleep(0.02)
    sim = f"http://{HOST}:{ports['sim']}"
    instances = [f"http://{HOST}:{ports['a']}", f"http://{HOST}:{ports['b']}"]
    limits = httpx.Limits(max_connections=4 * args.concurrency + 20, max_keepalive_connections=4 * args.concurrency)
    try:
        async with httpx.AsyncClient(trust_env=False, timeout=60, limits=limits) as http:
            scripted = await http.post(
                f"{sim}/_sim/far_ends", json={"number": CALLEE, "answer_after": args.answer_after}
            )
            scripted.raise_for_status()
            driver = Driver(args, http, instances, receiver)
            started = time.perf_counter()
            await driver.drive()
            drive_s = driver.last - driver.first
            in_drive = sum(1 for t, _, _, _ in receiver.requests if t <= driver.last)
            print(f"load: driving done in {drive_s:.1f} s; checking", file=sys.stderr)
            checks = await settle(driver, receiver, http, sim, args.drain)
            run_s = time.perf_counter() - started
            instance_metrics = {}
            for name, base in (("proxy A", instances[0]), ("proxy B", instances[1])):
                response = await http.get(base + "/metrics")
                instance_metrics[name] = summarise(metrics(response.text))
    finally:
        server.should_exit = True
        await serving
    own = {"pid": os.getpid(), "peak_rss_kib": proc_memory(os.getpid()).get("VmHWM"), "cpu_s": proc_cpu(os.getpid())}
    processes = {name: child.stats() for name, child in children.items()}
    processes["app (driver + receiver)"] = own
    latency = {f"command: {tag}": figures(values) for tag, values in sorted(driver.latency.items())}
    everything = [v for values in driver.latency.values() for v in values]
    latency = {"command: all": figures(everything), **latency}
    latency["replay (same key, other instance)"] = figures(driver.replay_latency)
    latency["webhook: command sent -> event at the app"] = figures(driver.webhook_latency)
    queued = queued_at(ports["redis"])
    first: dict[str, float] = {}
    for _, wall, webhook_id, _ in receiver.requests:
        first.setdefault(webhook_id, wall)
    waits = [max(0.0, wall - queued[w]) for w, wall in first.items() if w in queued]
    if waits:  # taken entries are deleted from the streams: only a run that left some can say this
        latency["webhook: queued in Redis -> at the app (1 ms clock)"] = figures(waits)
    proxy_requests = sum(m["commands_200"] + m["commands_other"] + m["replayed"] + m["hooks_200"] + m["hooks_other"]
                         for m in instance_metrics.values())  # fmt: skip
    return {
        "params": vars(args) | {"results": str(args.results)},
        "calls_started": driver.next_call,
        "completed": driver.completed,
        "cut_short": driver.cut_short,
        "failed": driver.failed,
        "drive_s": drive_s,
        "run_s": run_s,
        "commands_ok": driver.commands_ok,
        "commands_per_s": driver.commands_ok / drive_s if drive_s else math.nan,
        "webhooks_in_drive": in_drive,
        "webhooks_per_s": in_drive / drive_s if drive_s else math.nan,
        "proxy_requests": proxy_requests,
        "proxy_requests_per_s": proxy_requests / drive_s if drive_s else math.nan,
        "latency": latency,
        "replays": driver.replays,
        "replay_mismatches": sum(driver.replay_mismatch.values()),
        "replay_errors": dict(driver.replay_mismatch),
        "errors": dict(driver.errors),
        "timeouts": dict(driver.timeouts),
        "without_id": dict(driver.without_id),
        "bad_signature": receiver.bad_signature,
        "unreadable": receiver.unreadable,
        "checks": checks,
        "instances": instance_metrics,
        "processes": processes,
        "redis": redis_report(ports["redis"]),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--calls", type=int, default=500, help="calls to make (default 500)")
    parser.add_argument("--concurrency", type=int, default=50, help="calls in progress at once (default 50)")
    parser.add_argument("--seconds", type=float, default=600, help="wall-clock limit for driving (default 600)")
    parser.add_argument("--commands", type=int, default=20, help="commands per call, even, >= 2 (default 20)")
    parser.add_argument("--replay-every", type=int, default=10, help="resend every Nth command (0: never)")
    parser.add_argument("--answer-after", type=float, default=0.1, help="seconds the callee rings (default 0.1)")
    parser.add_argument("--webhook-timeout", type=float, default=30, help="wait for a call's webhook at most (s)")
    parser.add_argument("--drain", type=float, default=120, help="after driving, wait for webhooks at most (s)")
    parser.add_argument("--results", type=Path, default=RESULTS / "load.json", help="where the JSON results go")
    args = parser.parse_args()
    if args.commands < 2 or args.commands % 2 or args.calls < 1 or args.concurrency < 1 or args.seconds <= 0:
        parser.error("--commands must be even and >= 2; --calls, --concurrency and --seconds positive")
    args.pairs = (args.commands - 2) // 2
    redis_server = shutil.which("redis-server")
    if redis_server is None:
        parser.error("redis-server is not installed (apt-get install redis-server)")
    ports = {name: free_port() for name in ("redis", "sim", "a", "b", "receiver")}
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(p for p in (str(ROOT), os.environ.get("PYTHONPATH", "")) if p),
        "LOAD_APP_TOKEN": APP_TOKEN,
        "LOAD_APP_SIGNING_KEY": APP_KEY,
        "LOAD_VENDOR_PROJECT": VENDOR["project_id"],
        "LOAD_VENDOR_TOKEN": VENDOR["token"],
        "LOAD_VENDOR_SIGNING_KEY": VENDOR_KEY,
        "CALLGLOT_SIGNALWIRE_PROJECT": VENDOR["project_id"],
        "CALLGLOT_SIGNALWIRE_TOKEN": VENDOR["token"],
        "CALLGLOT_SIMULATOR_SIGNING_KEY": VENDOR_KEY,
    }
    children: dict[str, Child] = {}
    with tempfile.TemporaryDirectory(prefix="callglot-load-") as tmp:
        work = Path(tmp)
        try:
            children["redis-server"] = child = Child(
                "redis-server",
                [redis_server, "--port", str(ports["redis"]), "--bind", HOST, "--dir", str(work), "--save", "",
                 "--appendonly", "yes", "--appendfsync", "everysec", "--daemonize", "no", "--loglevel", "warning"],
                env, work / "redis.log",
            )  # fmt: skip
            wait_ready(child, lambda: redis_pong(ports["redis"]))
            sim_command = [sys.executable, "-m", "callglot", "simulate", "--dialect", "signalwire", "--port",
                           str(ports["sim"]), "--seed", "1",
                           "--webhook-url", f"http://{HOST}:{ports['a']}/hooks/signalwire"]  # fmt: skip
            children["simulator"] = child = Child("simulator", sim_command, env, work / "sim.log")
            wait_ready(child, lambda: http_ok(f"http://{HOST}:{ports['sim']}/_sim/calls"))
            for name, port in (("proxy A", ports["a"]), ("proxy B", ports["b"])):
                config = work / f"proxy-{port}.toml"
                config.write_text(proxy_toml(port, ports["redis"], ports["sim"], ports["receiver"]))
                command = [sys.executable, "-m", "callglot", "proxy", "--config", str(config), "--port", str(port)]
                children[name] = child = Child(name, command, env, work / f"proxy-{port}.log")
                wait_ready(child, lambda port=port: http_ok(f"http://{HOST}:{port}/healthz"))
            before, idle = redis_calls(ports["redis"]), time.perf_counter()
            time.sleep(3)  # the proxies' delivery workers poll Redis even with nothing queued
            idle_rate = (redis_calls(ports["redis"]) - before) / (time.perf_counter() - idle)
            result = asyncio.run(run_load(args, ports, children))
            result["redis"]["idle_commands_per_s"] = idle_rate
            dead = [name for name, child in children.items() if not child.alive()]
            result["exited_during_run"] = dead
            result["logs"] = {name: child.tail(30) for name, child in children.items() if child.tail(1)}
        finally:
            for child in reversed(list(children.values())):
                child.stop()
    result["machine"] = {"cpus": os.cpu_count(), "python": sys.version.split()[0]}
    report(result)
    for name in result["exited_during_run"]:
        print(f"\n{name} EXITED during the run:\n{result['logs'].get(name, '')}")
    noisy = {name: text for name, text in result["logs"].items() if "Traceback" in text or "ERROR" in text}
    for name, text in noisy.items():
        print(f"\n{name} log (last lines):\n{text}")
    args.results.parent.mkdir(parents=True, exist_ok=True)
    args.results.write_text(json.dumps(result, indent=2, default=str) + "\n")
    checks = result["checks"]
    return 0 if checks["lost"] == 0 and checks["sent_twice"] == 0 and not result["exited_during_run"] else 1


if __name__ == "__main__":
    raise SystemExit(main())
