"""Per-send overhead of callglot.transport over loopback, side by side with a raw ``httpx.Client.post``.

``python bench/transport.py`` (``--quick`` for a smoke run). One local server (uvicorn, in a child
process so its work does not share this interpreter's GIL) answers every POST with the same Chirp
receipt. In one run, alternating batches:

- **raw httpx**: ``httpx.Client.post(url, content=body, headers=...)`` of the exact bytes callglot
  sends (the Chirp body of the command, the bearer header), one pooled client;
- **callglot**: ``Client("chirp", ...).send(command, call_id=...)``: encode, the auth flow, the retry
  wrapper, the per-attempt log check, the response's decode into a ``Receipt`` and the ``Sent``.

Times are medians over batches of the mean per send, wall time (the goal, issue 12: callglot ≤ 1.3x raw)
and this process's CPU time (what callglot adds, without the server and the network).
Results go to bench/results/transport.json. The machine is shared: compare ratios within one run.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
RESULTS = BENCH / "results"
CALL = "call_test_2bWzHx1dfK9Rj3zYVqPcLmN0aTe"
KEY = "sk_test_app_bench0000000000"
RECEIPT = json.dumps({"callId": CALL, "command": "hangup", "status": "accepted"}).encode()
GOAL = 1.3


async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
    """The whole server: read the request, answer the receipt."""
    if scope["type"] != "http":
        return
    while (await receive()).get("more_body"):
        pass
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(RECEIPT)).encode())]
    await send({"type": "http.response.start", "status": 200, "headers": headers})
    await send({"type": "http.response.body", "body": RECEIPT})


def serve(fd: int) -> None:
    import uvicorn

    sock = socket.socket(fileno=fd)
    config = uvicorn.Config(app, lifespan="off", log_level="warning", access_log=False)
    uvicorn.Server(config).run(sockets=[sock])


def commands() -> list[Any]:
    from callglot.canonical import Audio, Hangup, Play

    return [Hangup(), Play(media=(Audio(url="https://cdn.example.com/hold.mp3"),), loop=0)]


def measure(url: str, batch: int, rounds: int) -> dict[str, float]:
    import httpx

    import callglot
    from callglot.transport import ChirpAuth, Client

    work = commands()
    chirp = callglot.get_dialect("chirp")
    wire = [chirp.encode(command, call_id=CALL).value for command in work]
    bodies = [(url + request.path, json.dumps(request.body, separators=(",", ":")).encode()) for request in wire]
    headers = {"Authorization": f"Bearer {KEY}", "Content-Type": "application/json", "Accept": "application/json"}

    raw = httpx.Client(trust_env=False)
    client = Client("chirp", base_url=url, auth=ChirpAuth(KEY))

    def run_raw() -> None:
        for i in range(batch):
            target, body = bodies[i % len(bodies)]
            raw.post(target, content=body, headers=headers)

    def run_callglot() -> None:
        for i in range(batch):
            client.send(work[i % len(work)], call_id=CALL)

    # Same answers from both (the check that they do the same work), then warm-up.
    assert raw.post(bodies[0][0], content=bodies[0][1], headers=headers).content == RECEIPT
    assert client.send(work[0], call_id=CALL).receipt.call_id == CALL
    run_raw()
    run_callglot()
    times: dict[str, list[float]] = {"raw": [], "callglot": [], "raw_cpu": [], "callglot_cpu": []}
    for number in range(rounds):
        order = [("raw", run_raw), ("callglot", run_callglot)]
        for name, run in order if number % 2 == 0 else order[::-1]:  # alternate: no side always goes first
            start, cpu = time.perf_counter(), time.process_time()
            run()
            times[name].append((time.perf_counter() - start) / batch * 1e6)
            times[f"{name}_cpu"].append((time.process_time() - cpu) / batch * 1e6)  # this process only
    raw.close()
    client.close()
    return {name: statistics.median(values) for name, values in times.items()}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="a smoke run (few short batches)")
    parser.add_argument("--serve-fd", type=int, help=argparse.SUPPRESS)  # the child: serve on this socket
    args = parser.parse_args()
    if args.serve_fd is not None:
        serve(args.serve_fd)
        return 0
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(128)  # listening before the child starts: the first requests wait in the backlog
    url = f"http://127.0.0.1:{sock.getsockname()[1]}"
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(BENCH.parent), os.environ.get("PYTHONPATH", "")])}
    child = subprocess.Popen(
        [sys.executable, str(Path(__file__).resolve()), "--serve-fd", str(sock.fileno())],
        pass_fds=[sock.fileno()],
        env=env,
    )
    try:
        figures = measure(url, batch=50 if args.quick else 200, rounds=5 if args.quick else 21)
    finally:
        child.terminate()
        child.wait(timeout=10)
        sock.close()
    ratio = figures["callglot"] / figures["raw"]
    verdict = "met" if ratio <= GOAL else "NOT met"
    overhead = figures["callglot"] - figures["raw"]
    cpu_ratio = figures["callglot_cpu"] / figures["raw_cpu"]
    cpu_overhead = figures["callglot_cpu"] - figures["raw_cpu"]
    print(
        "| per send, Chirp Hangup/Play (µs, median) | raw httpx.Client.post | callglot Client.send | ratio | overhead |"
    )
    print("|---|---:|---:|---:|---:|")
    print(f"| wall time, loopback | {figures['raw']:.0f} | {figures['callglot']:.0f} | {ratio:.2f}x | {overhead:.0f} |")
    print(
        f"| client CPU time | {figures['raw_cpu']:.0f} | {figures['callglot_cpu']:.0f} | {cpu_ratio:.2f}x "
        f"| {cpu_overhead:.0f} |"
    )
    print(f"\ncallglot send vs raw httpx post: {ratio:.2f}x (goal ≤ {GOAL}x: {verdict})")
    RESULTS.mkdir(exist_ok=True)
    result = {**figures, "ratio": ratio, "goal": GOAL, "quick": args.quick, "python": sys.version.split()[0]}
    (RESULTS / "transport.json").write_text(json.dumps(result, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
