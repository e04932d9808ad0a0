"""``callglot simulate``: serve a simulated vendor with uvicorn, in real time.

Credentials come from the same environment variables as ``callglot send`` (with none set, any
credentials of the right form are accepted); the signing key from ``CALLGLOT_SIMULATOR_SIGNING_KEY``.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Mapping
from typing import Any

__all__ = ["SIGNING_KEY_VARIABLE", "add_simulate_parser", "cmd_simulate", "simulator_from_args"]

SIGNING_KEY_VARIABLE = "CALLGLOT_SIMULATOR_SIGNING_KEY"
#: The environment variables of each dialect's credentials (as ``callglot send`` reads them).
_ENVIRONMENT: Mapping[str, Mapping[str, str]] = {
    "chirp": {"api_key": "CALLGLOT_CHIRP_API_KEY"},
    "signalwire": {"project_id": "CALLGLOT_SIGNALWIRE_PROJECT", "token": "CALLGLOT_SIGNALWIRE_TOKEN"},
    "gateway": {"app_id": "CALLGLOT_GATEWAY_APP_ID", "api_key": "CALLGLOT_GATEWAY_API_KEY"},
    "canonical": {"token": "CALLGLOT_CANONICAL_TOKEN"},
}


class UsageError(Exception):
    """A bad flag or environment: one line for the user, exit status 2."""


def add_simulate_parser(sub: Any) -> argparse.ArgumentParser:
    simulate = sub.add_parser(
        "simulate",
        help="run a local stand-in for a vendor (needs the server extra: pip install 'callglot[server]')",
        description="Serve a simulated vendor: its API paths, auth, receipts and errors, stateful calls, "
        "and its webhooks to --webhook-url (signed with $" + SIGNING_KEY_VARIABLE + " when set). Control "
        "API under /_sim/. Credentials from the environment as for `callglot send`; with none set, any "
        "credentials of the right form are accepted.",
    )
    simulate.add_argument("--dialect", required=True, choices=sorted(_ENVIRONMENT), help="the vendor to simulate")
    simulate.add_argument("--host", default="127.0.0.1", help="interface to listen on (default 127.0.0.1)")
    simulate.add_argument("--port", type=int, default=9000, help="port (default 9000; 0 picks a free one)")
    simulate.add_argument("--webhook-url", help="the registered webhook / callback URL (loopback http is allowed)")
    simulate.add_argument("--seed", type=int, help="seed: ids and injected faults repeat exactly")
    simulate.set_defaults(run=cmd_simulate)
    parser: argparse.ArgumentParser = simulate
    return parser


def simulator_from_args(args: argparse.Namespace, environ: Mapping[str, str]) -> Any:
    """The simulator the parsed flags and ``environ`` describe (real time)."""
    from callglot.simulator import RealClock, Simulator

    names = _ENVIRONMENT[args.dialect]
    values = {argument: environ.get(variable, "") for argument, variable in names.items()}
    given = [names[argument] for argument, value in values.items() if value]
    if given and len(given) != len(names):
        missing = [names[argument] for argument, value in values.items() if not value]
        raise UsageError(f"simulate --dialect {args.dialect}: set {' and '.join(missing)} too, or none of them")
    try:
        return Simulator(
            args.dialect,
            credentials=values if given else None,
            webhook_url=args.webhook_url,
            signing_key=environ.get(SIGNING_KEY_VARIABLE) or None,
            clock=RealClock(),
            seed=args.seed,
        )
    except ValueError as exc:
        raise UsageError(f"simulate: {exc}") from None


def cmd_simulate(args: argparse.Namespace) -> int:
    try:
        simulator = simulator_from_args(args, os.environ)
        import uvicorn  # noqa: F401 - the server extra, checked before anything starts
    except UsageError as exc:
        print(f"callglot: {exc}", file=sys.stderr)
        return 2
    except ImportError as exc:
        print(f"callglot: simulate needs the server extra ({exc}): pip install 'callglot[server]'", file=sys.stderr)
        return 2
    print(
        f"callglot: simulating {args.dialect} on http://{args.host}:{args.port} (control API: /_sim/)",
        file=sys.stderr,
    )
    from callglot._server import serve

    serve(simulator, host=args.host, port=args.port)
    return 0
