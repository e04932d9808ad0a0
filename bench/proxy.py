"""Latency the translating proxy adds over loopback, side by side with calling the simulator directly.

``PYTHONPATH=. python bench/proxy.py [--seconds S] [--rate R]`` (defaults: 10 s per target at 200
requests/s). The goal (the proxy issue): at a steady 200 requests/s the proxy adds ≤ 2 ms at p99 on
this machine; the report gives p50/p90/p99/max of both, the overhead, and the proxy's RSS.

Three processes on loopback sockets:

- the **vendor**: the SignalWire simulator (``Simulator("signalwire", ...)``, virtual clock), served by
  uvicorn in a child process;
- the **proxy**: ``create_app(parse_config(...))``, app dialect Chirp, vendor SignalWire (the pair of
  examples/migration.py), served in a second child process by ``callglot._server.serve``, the
  function ``callglot proxy`` serves it with (uvicorn, its garbage collector tuned once started);
- the **client**: this process, one ``httpx.AsyncClient`` (keep-alive pool) per target.

Separate processes, not threads as in examples/migration.py: in one process the client, the proxy
and the simulator share one GIL, and a thread waiting for it can wait a whole switch interval (5 ms),
more than the 2 ms being measured; what one piece costs would be charged to the others. Each as its
own interpreter is also how the proxy runs (``callglot proxy``). The machine has 2 cores and three
processes: the report gives each process's CPU time per request, so one can see that the load fits
(at 200/s the busiest, the proxy, uses about 30% of one core).

The same logical command on both paths, on an answered call (two outbound calls placed through the
proxy and answered at set-up): a play of one audio file. It is the cheapest command Chirp and
SignalWire both say that can be repeated on one call for ever: Chirp's send_dtmf, hold and mute have
no SignalWire REST form (docs/capabilities.md), a hangup ends the call, and a stop needs a running
play. Each play replaces the one before (the simulator finishes it), so the call's state stays the
same from the first request to the last. The simulator keeps its virtual clock, so the webhooks
the plays cause (the new play started, the one before finished) wait at the vendor while a slice
runs and the proxy does only the command path. Between slices, outside the timing, the clock is
advanced by 0 s: those webhooks go through the proxy as from a live vendor, so the proxy's store stays
at its steady state (the "finished" event ends the play it tracked) and the simulator's queue empties.

- **direct**: ``POST /api/calling/calls`` ``calling.play`` in SignalWire's dialect to the simulator,
  with the body the proxy itself sends (the same media, the proxy's ``status_url``, a fresh
  ``control_id`` per request as the proxy mints one): checked after the warm-up against what the
  simulator recorded from the proxy;
- **via proxy**: ``POST /v1/calls/{id}/commands`` ``play_audio`` in Chirp's dialect to the proxy,
  which decodes it, maps the call id, encodes SignalWire's play, sends it to the simulator with its
  transport client, and answers with Chirp's receipt.

Open loop: request ``i`` of a slice is due at ``start + i / rate`` and is sent then whether or not the
ones before it were answered (each its own task), so a server that falls behind shows as latency,
not as a lower rate. Latency is ``time.perf_counter()`` around each request (``client.post``: send,
wait, read the body). The two targets take turns in slices of 1 s (direct then proxy, then proxy then
direct, ...) after a 1 s warm-up of each, so a change in the machine's load falls on both; each
slice ends when its last answer is in. The client's lag (how late a request left against its
timetable) and CPU are reported to show the client is not the bottleneck; the client's garbage
collector is frozen after set-up and off while a slice runs (it is not under test: a full collection
of its own stalls it for over 10 ms). The simulator's is off for the whole run: it is the stand-in
vendor, it keeps a history of every request and webhook, and its full collections (13 ms at the
start, over 30 ms by the end of a run) would land on either target at random. The proxy's collector
runs as in production (``callglot._server.freeze_heap``: once started, the heap is frozen and the
youngest generation collected every 10,000 allocations, not 700): its pauses are part of what it adds.

The machine is a shared 2-core VM: compare the two targets within one run (the overhead and the
ratio), not figures across runs. uvicorn, in the proxy and in the simulator, picks uvloop and
httptools when they are installed (the ``server`` extra installs both; uvloop not on Windows), else
asyncio and h11; the report says which the proxy ran on. Results go to bench/results/proxy.json
(``--results``).
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import gc
import json
import math
import os
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
RESULTS = BENCH / "results"
GOAL_MS = 2.0
SLICE = 1.0  # seconds per turn of each target
APP_KEY = "sk_test_app_bench0000000000"
VENDOR = {"project_id": "proj-bench", "token": "PT-bench-0000"}
MEDIA = "https://media.example.com/hold.mp3"
CALLER, CALLEE = "+15550100001", "+15550100002"
SENTINEL = "00000000-0000-4000-8000-000000000000"  # the control_id each direct request replaces
TARGETS = ("direct", "proxy")
LABELS = {"direct": "direct: simulator, SignalWire `calling.play`", "proxy": "via proxy: Chirp `play_audio`"}


# -- the servers (child processes)


def proxy_config(sim_url: str, proxy_url: str) -> dict[str, Any]:
    return {
        "public_url": proxy_url,
        "policy": "lenient",
        "app": {"dialect": "chirp", "credentials": {"api_key": "env:APP_KEY"}},
        "vendor": {
            "dialect": "signalwire",
            "base_url": sim_url,
            "credentials": {"project_id": "env:SW_PROJECT", "token": "env:SW_TOKEN"},
        },
        "url_policy": {"allow_insecure": True, "allow_networks": ["127.0.0.0/8"]},
    }


def serve(role: str, fd: int, sim_url: str, proxy_url: str) -> None:
    sock = socket.socket(fileno=fd)
    if role == "proxy":  # exactly as `callglot proxy` serves it
        from callglot._server import serve as serve_proxy
        from callglot.proxy import create_app, parse_config

        environ = {"APP_KEY": APP_KEY, "SW_PROJECT": VENDOR["project_id"], "SW_TOKEN": VENDOR["token"]}
        serve_proxy(create_app(parse_config(proxy_config(sim_url, proxy_url), environ)), sockets=[sock])
        return
    import uvicorn

    from callglot.simulator import Simulator

    app = Simulator("signalwire", credentials=VENDOR, webhook_url=f"{proxy_url}/hooks/signalwire", seed=2026)
    gc.disable()  # the stand-in vendor's pauses are noise on both sides (see the module's docstring)
    config = uvicorn.Config(app, lifespan="off", log_level="warning", access_log=False)  # uvloop, httptools if there
    uvicorn.Server(config).run(sockets=[sock])


def spawn(role: str, sock: socket.socket, sim_url: str, proxy_url: str) -> subprocess.Popen[bytes]:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(BENCH.parent), os.environ.get("PYTHONPATH", "")])}
    args = ["--serve", role, "--serve-fd", str(sock.fileno()), "--sim-url", sim_url, "--proxy-url", proxy_url]
    return subprocess.Popen([sys.executable, str(Path(__file__).resolve()), *args], pass_fds=[sock.fileno()], env=env)


def listening() -> socket.socket:
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(128)  # listening before the child starts: the first requests wait in the backlog
    return sock


# -- what the processes use


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of process ``pid`` (Linux /proc; clock ticks)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def machine_busy() -> float:
    """CPU seconds every core of the machine spent not idle (Linux /proc/stat), since boot."""
    fields = [int(value) for value in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:9]]
    return (sum(fields) - fields[3] - fields[4]) / os.sysconf("SC_CLK_TCK")  # less idle and iowait


def memory(pid: int) -> dict[str, float | None]:
    """RSS (psutil if installed, else /proc VmRSS) and peak RSS (/proc VmHWM), MiB."""
    status: dict[str, float] = {}
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            key, _, value = line.partition(":")
            if key in ("VmRSS", "VmHWM"):
                status[key] = int(value.split()[0]) / 1024
    except OSError:
        pass
    try:
        import psutil

        rss: float | None = psutil.Process(pid).memory_info().rss / 2**20
    except ImportError:
        rss = status.get("VmRSS")
    return {"rss": rss, "peak": status.get("VmHWM")}


def server_stack() -> dict[str, str]:
    """What uvicorn's "auto" picks in the children (this interpreter's packages), and sniffio's presence."""
    import importlib.util

    def have(name: str) -> bool:
        return importlib.util.find_spec(name) is not None

    return {
        "loop": "uvloop" if have("uvloop") else "asyncio",
        "http": "httptools" if have("httptools") else "h11",
        "sniffio": "installed" if have("sniffio") else "missing",
    }


def percentile(ordered: list[float], q: float) -> float:
    """Nearest rank: the smallest value with at least ``q`` of the values at or below it."""
    return ordered[max(0, math.ceil(q * len(ordered)) - 1)]


# -- the client (this process)


class Target:
    """One side: where requests go, with which headers, and the bodies to send in turn."""

    def __init__(self, client: Any, url: str, headers: dict[str, str], bodies: list[bytes]) -> None:
        self.client = client
        self.url = url
        self.headers = headers
        self.bodies = bodies
        self.sent = 0

    def next_body(self) -> bytes:
        body = self.bodies[self.sent % len(self.bodies)]
        self.sent += 1
        return body


async def one(target: Target, body: bytes, due: float, out: list[tuple[float, float, bool]]) -> None:
    import httpx

    start = time.perf_counter()
    try:
        response = await target.client.post(target.url, content=body, headers=target.headers)
        ok = response.is_success
    except httpx.HTTPError:
        ok = False
    out.append((start - due, time.perf_counter() - start, ok))


async def steady(target: Target, rate: float, seconds: float) -> list[tuple[float, float, bool]]:
    """Send ``rate`` requests/s for ``seconds`` on a fixed timetable; (lag, latency, ok) per request."""
    out: list[tuple[float, float, bool]] = []
    tasks = []
    count = round(rate * seconds)
    bodies = [target.next_body() for _ in range(count)]  # ready before the clock starts
    start = time.perf_counter() + 0.002
    for i in range(count):
        due = start + i / rate
        wait = due - time.perf_counter()
        if wait > 0:
            await asyncio.sleep(wait)
        tasks.append(asyncio.create_task(one(target, bodies[i], due, out)))
    await asyncio.gather(*tasks)
    return out


def dumps(body: Any) -> bytes:
    return json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


async def set_up(
    sim_url: str, proxy_url: str, clients: dict[str, Any], capacity: int
) -> tuple[dict[str, Target], list[str]]:
    """Two outbound calls through the proxy, answered; the play requests of both targets."""
    import callglot
    from callglot import HttpResponse
    from callglot.canonical import Audio, Destination, Dial, Play
    from callglot.canonical.urls import UrlPolicy, url_policy

    chirp, signalwire = callglot.get_dialect("chirp"), callglot.get_dialect("signalwire")
    json_headers = {"Content-Type": "application/json", "Accept": "application/json"}
    app_headers = {**json_headers, "Authorization": f"Bearer {APP_KEY}"}
    basic = base64.b64encode(f"{VENDOR['project_id']}:{VENDOR['token']}".encode()).decode()
    vendor_headers = {**json_headers, "Authorization": f"Basic {basic}"}
    control = clients["control"]

    dial = chirp.encode(Dial(source=Destination(address=CALLER), destination=Destination(address=CALLEE))).value
    app_calls = []
    for _ in TARGETS:
        response = await control.post(proxy_url + dial.path, content=dumps(dial.body), headers=app_headers)
        receipt = chirp.decode_response(HttpResponse(status=response.status_code, body=response.json()))
        app_calls.append(receipt.call_id or receipt.call.id)
    vendor_calls = (await control.get(f"{sim_url}/_sim/calls")).json()["calls"]
    assert len(vendor_calls) == 2, vendor_calls
    (await control.post(f"{sim_url}/_sim/advance", json={"seconds": 2})).raise_for_status()  # the callee answers
    for call in vendor_calls:
        state = (await control.get(f"{sim_url}/_sim/calls/{call}")).json()["state"]
        assert state == "answered", f"call {call} is {state}, not answered"

    play = Play(media=(Audio(url=MEDIA),))
    mine = chirp.encode(play, call_id=app_calls[1]).value
    with url_policy(UrlPolicy(allow_insecure=True, allow_networks=("127.0.0.0/8",))):  # the proxy's http hook
        theirs = signalwire.encode(
            Play(media=play.media, control_id=SENTINEL, status_url=f"{proxy_url}/hooks/signalwire"),
            call_id=vendor_calls[0],
            policy=callglot.Policy.LENIENT,
        ).value
    template = dumps(theirs.body)
    direct_bodies = [template.replace(SENTINEL.encode(), str(uuid.uuid4()).encode()) for _ in range(capacity)]
    targets = {
        "direct": Target(clients["direct"], sim_url + theirs.path, {**vendor_headers, **theirs.headers}, direct_bodies),
        "proxy": Target(clients["proxy"], proxy_url + mine.path, {**app_headers, **mine.headers}, [dumps(mine.body)]),
    }
    return targets, vendor_calls


async def same_work(sim_url: str, control: Any, calls: list[str]) -> None:
    """The simulator got the same play from both targets (bar the control_id) and accepted both."""
    last = []
    for call in calls:
        commands = (await control.get(f"{sim_url}/_sim/calls/{call}")).json()["commands"]
        body = json.loads(json.dumps(commands[-1]["body"]).replace(call, "<call>"))
        body["params"].pop("control_id", None)
        last.append((commands[-1]["command"], commands[-1]["status"], body))
    assert last[0] == last[1], f"the targets' plays differ at the vendor: {last}"
    assert last[0][1] == 200, f"the vendor answered {last[0][1]}"


async def measure(sim_url: str, proxy_url: str, rate: float, seconds: float, pids: dict[str, int]) -> dict[str, Any]:
    import httpx

    slices = max(1, math.ceil(seconds / SLICE))
    each = seconds / slices
    capacity = round(rate * (SLICE + seconds)) + 1
    timeout = httpx.Timeout(10.0)
    async with (
        httpx.AsyncClient(trust_env=False, timeout=timeout) as control,
        httpx.AsyncClient(trust_env=False, timeout=timeout) as direct,
        httpx.AsyncClient(trust_env=False, timeout=timeout) as proxy,
    ):
        clients = {"control": control, "direct": direct, "proxy": proxy}
        targets, calls = await set_up(sim_url, proxy_url, clients, capacity)

        async def between() -> None:  # outside the timing: the webhooks due go out, the client collects
            (await control.post(f"{sim_url}/_sim/advance", json={"seconds": 0}, timeout=120)).raise_for_status()
            gc.collect()

        for name in TARGETS:  # warm-up: connections, caches, cattrs' generated functions
            await steady(targets[name], rate, SLICE)
        await same_work(sim_url, control, calls)
        await between()
        gc.freeze()
        memory_after_warmup = memory(pids["proxy"])
        samples: dict[str, list[tuple[float, float, bool]]] = {name: [] for name in TARGETS}
        cpu = {name: dict.fromkeys(("sim", "proxy", "client"), 0.0) for name in TARGETS}
        wall = busy = 0.0
        for number in range(slices):
            for name in TARGETS if number % 2 == 0 else TARGETS[::-1]:  # alternate: no side always goes first
                before = {role: cpu_seconds(pid) for role, pid in pids.items()}
                machine, client_cpu, started = machine_busy(), time.process_time(), time.perf_counter()
                gc.disable()
                samples[name] += await steady(targets[name], rate, each)
                gc.enable()
                wall += time.perf_counter() - started
                cpu[name]["client"] += time.process_time() - client_cpu
                busy += machine_busy() - machine
                for role, pid in pids.items():
                    cpu[name][role] += cpu_seconds(pid) - before[role]
                await between()
        client_cpu_total = sum(cpu[name]["client"] for name in TARGETS)
        ours = sum(sum(used.values()) for used in cpu.values())

    figures: dict[str, Any] = {}
    for name in TARGETS:
        latencies = sorted(latency * 1e3 for _, latency, ok in samples[name] if ok) or [math.nan]
        lags = sorted(lag * 1e3 for lag, _, _ in samples[name])
        count = len(samples[name])
        figures[name] = {
            "count": count,
            "errors": sum(1 for _, _, ok in samples[name] if not ok),
            **{f"p{round(q * 100)}": percentile(latencies, q) for q in (0.5, 0.9, 0.99)},
            "max": latencies[-1],
            "lag_p99": percentile(lags, 0.99),
            "lag_max": lags[-1],
            "cpu_ms_per_request": {role: used / count * 1e3 for role, used in cpu[name].items()},
        }
    figures["proxy_memory_after_warmup"] = memory_after_warmup
    figures["proxy_memory_end"] = memory(pids["proxy"])
    figures["sim_memory_end"] = memory(pids["sim"])
    figures["client_cpu_share"] = client_cpu_total / wall  # of one core, while sending
    figures["other_cpu_share"] = max(0.0, busy - ours) / wall  # cores busy outside the three processes
    return figures


def mib(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.1f} MiB"


def report(figures: dict[str, Any], rate: float, seconds: float) -> tuple[float, str]:
    direct, proxy = figures["direct"], figures["proxy"]
    overhead = {key: proxy[key] - direct[key] for key in ("p50", "p90", "p99")}  # a max is one outlier: none
    ratio = {key: proxy[key] / direct[key] for key in ("p50", "p90", "p99")}
    print(f"| steady {rate:g} requests/s, {seconds:g} s each, loopback (ms) | count | errors | p50 | p90 | p99 | max |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for name in TARGETS:
        row = figures[name]
        print(
            f"| {LABELS[name]} | {row['count']} | {row['errors']} | {row['p50']:.2f} | {row['p90']:.2f} "
            f"| {row['p99']:.2f} | {row['max']:.2f} |"
        )
    print("| overhead (proxy - direct) | | | " + " | ".join(f"{overhead[k]:.2f}" for k in overhead) + " | |")
    print("| ratio (proxy / direct) | | | " + " | ".join(f"{ratio[k]:.2f}x" for k in ratio) + " | |")
    print()
    print("| CPU per request (ms) | simulator | proxy | client | client send lag p99 / max (ms) |")
    print("|---|---:|---:|---:|---:|")
    for name in TARGETS:
        used = figures[name]["cpu_ms_per_request"]
        print(
            f"| {LABELS[name]} | {used['sim']:.2f} | {used['proxy']:.2f} | {used['client']:.2f} "
            f"| {figures[name]['lag_p99']:.2f} / {figures[name]['lag_max']:.2f} |"
        )
    warm, end = figures["proxy_memory_after_warmup"], figures["proxy_memory_end"]
    print(
        f"\nproxy RSS: {mib(warm['rss'])} after the warm-up, {mib(end['rss'])} at the end (peak {mib(end['peak'])});"
        f" simulator {mib(figures['sim_memory_end']['rss'])} at the end."
        f" Client CPU while sending: {figures['client_cpu_share']:.0%} of one core; the rest of the machine"
        f" (other processes, the kernel): {figures['other_cpu_share']:.0%} of one core."
    )
    stack = figures["server_stack"]
    print(f"uvicorn on {stack['loop']} and {stack['http']}, sniffio {stack['sniffio']}.")
    verdict = "met" if overhead["p99"] <= GOAL_MS else "NOT met"
    print(
        f"\nproxy overhead at p99: {overhead['p99']:.2f} ms, at p50: {overhead['p50']:.2f} ms"
        f" (goal ≤ {GOAL_MS:g} ms at p99: {verdict})"
    )
    return overhead["p99"], verdict


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=10.0, help="seconds of measurement per target (default 10)")
    parser.add_argument("--rate", type=float, default=200.0, help="requests per second (default 200)")
    parser.add_argument("--results", type=Path, default=RESULTS / "proxy.json", help="where the JSON results go")
    parser.add_argument("--serve", choices=("sim", "proxy"), help=argparse.SUPPRESS)  # a child: serve this
    parser.add_argument("--serve-fd", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--sim-url", help=argparse.SUPPRESS)
    parser.add_argument("--proxy-url", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve is not None:
        serve(args.serve, args.serve_fd, args.sim_url, args.proxy_url)
        return 0
    if args.seconds <= 0 or args.rate <= 0:
        parser.error("--seconds and --rate must be positive")
    sim_sock, proxy_sock = listening(), listening()
    sim_url = f"http://127.0.0.1:{sim_sock.getsockname()[1]}"
    proxy_url = f"http://127.0.0.1:{proxy_sock.getsockname()[1]}"
    children = {
        "sim": spawn("sim", sim_sock, sim_url, proxy_url),
        "proxy": spawn("proxy", proxy_sock, sim_url, proxy_url),
    }
    try:
        pids = {role: child.pid for role, child in children.items()}
        figures = asyncio.run(measure(sim_url, proxy_url, args.rate, args.seconds, pids))
        figures["server_stack"] = server_stack()
    finally:
        for child in children.values():
            child.terminate()
        for child in children.values():
            child.wait(timeout=10)
        sim_sock.close()
        proxy_sock.close()
    overhead, verdict = report(figures, args.rate, args.seconds)
    args.results.parent.mkdir(parents=True, exist_ok=True)
    result = {
        **figures,
        "rate": args.rate,
        "seconds": args.seconds,
        "overhead_p99_ms": overhead,
        "goal_ms": GOAL_MS,
        "verdict": verdict,
        "python": sys.version.split()[0],
    }
    args.results.write_text(json.dumps(result, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
