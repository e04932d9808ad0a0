"""``callglot send``: send each command of the input to a vendor and print one JSON line per command.

The input forms are ``translate``'s (one JSON document or JSON Lines; each a ``{method, path, body}``
request or a bare body with ``--call-id``), in the ``--dialect`` the commands are sent in. Each line
out is ``{"line", "status", "attempts", "receipt"}`` (the canonical receipt; plus ``command_id`` when
one was sent) or ``{"error": {"type", "message", "path", "line", ...}}``, where a vendor's refusal adds
``status``, ``code``, ``retry_after`` and ``attempts``, and a transport failure ``may_have_reached``
and ``attempts``. Adaptations (``--lenient``) are reported on standard error, as translate does.

Credentials come only from the environment (flags end up in shell history and process lists):
``CALLGLOT_CHIRP_API_KEY``; ``CALLGLOT_SIGNALWIRE_PROJECT`` and ``CALLGLOT_SIGNALWIRE_TOKEN``;
``CALLGLOT_GATEWAY_APP_ID`` and ``CALLGLOT_GATEWAY_API_KEY``; ``CALLGLOT_CANONICAL_TOKEN`` (optional).
Exit status: 0 when every command was taken, 1 when any failed, 2 on usage errors.

This module imports httpx only when a send runs, so the main parser can add the command cheaply.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Mapping, Sequence
from typing import IO, TYPE_CHECKING, Any

if TYPE_CHECKING:
    import httpx

__all__ = ["ENVIRONMENT", "add_send_parser", "cmd_send", "main", "run_send"]

#: The environment variables holding each dialect's credentials (argument name -> variable).
ENVIRONMENT: Mapping[str, Mapping[str, str]] = {
    "chirp": {"api_key": "CALLGLOT_CHIRP_API_KEY"},
    "signalwire": {"project_id": "CALLGLOT_SIGNALWIRE_PROJECT", "token": "CALLGLOT_SIGNALWIRE_TOKEN"},
    "gateway": {"app_id": "CALLGLOT_GATEWAY_APP_ID", "api_key": "CALLGLOT_GATEWAY_API_KEY"},
    "canonical": {"token": "CALLGLOT_CANONICAL_TOKEN"},
}
#: Dialects that may be sent to without credentials (callglot's own proxy or simulator on loopback).
_OPTIONAL = frozenset({"canonical"})


class _Usage(Exception):
    pass


def _call_id(value: str) -> str:
    from callglot.cli import _call_id as check  # the translate command's rule and message

    return check(value)


def add_send_parser(subparsers: Any) -> argparse.ArgumentParser:
    """Add ``send`` to the main parser's subcommands (``run`` is :func:`cmd_send`)."""
    send: argparse.ArgumentParser = subparsers.add_parser(
        "send",
        help="send commands to a vendor and print its answers (credentials from CALLGLOT_* variables)",
        description="Send each command of the input (translate's forms) to a vendor; print one JSON line per "
        "command: the receipt or the error. Credentials come from the environment: "
        + "; ".join(f"{dialect}: {' and '.join(names.values())}" for dialect, names in ENVIRONMENT.items()),
    )
    send.add_argument("--dialect", required=True, help="the vendor's dialect (the input's too)")
    send.add_argument("--base-url", help="the vendor's API root (Chirp has a default)")
    send.add_argument("--call-id", type=_call_id, help="call id for bare bodies (also overrides the one in requests)")
    send.add_argument("--lenient", action="store_true", help="drop what the dialect cannot say, and report it")
    send.add_argument("--timeout", type=float, default=None, help="read timeout in seconds (default 15; connect 5)")
    send.add_argument("input", nargs="?", default="-", metavar="FILE", help="JSON or JSON Lines ('-': stdin)")
    send.set_defaults(run=cmd_send)
    return send


def cmd_send(args: argparse.Namespace) -> int:
    """The ``run`` of the parsed arguments, on the process's standard streams and environment."""
    return run_send(args, sys.stdin.buffer if sys.stdin is not None else None, sys.stdout, sys.stderr)


def _credentials(dialect: str, environ: Mapping[str, str]) -> Any:
    from callglot.transport import BearerAuth, ChirpAuth, GatewayAuth, SignalWireAuth

    names = ENVIRONMENT.get(dialect)
    if names is None:
        return None
    values = {argument: environ.get(variable, "") for argument, variable in names.items()}
    missing = [names[argument] for argument, value in values.items() if not value]
    if missing:
        if dialect in _OPTIONAL and len(missing) == len(names):
            return None
        raise _Usage(f"send --dialect {dialect} needs {' and '.join(missing)} in the environment")
    make = {"chirp": ChirpAuth, "signalwire": SignalWireAuth, "gateway": GatewayAuth, "canonical": BearerAuth}
    try:
        return make[dialect](**values)
    except ValueError as exc:  # InvalidValue names the argument, never the value
        raise _Usage(f"{', '.join(names.values())}: {exc}") from None


def run_send(
    args: argparse.Namespace,
    stdin: IO[bytes] | None,
    stdout: IO[str],
    stderr: IO[str] | None,
    *,
    environ: Mapping[str, str] | None = None,
    http_client: httpx.Client | None = None,
) -> int:
    """Run ``send`` with explicit streams and environment (``http_client``: e.g. over a MockTransport)."""
    from callglot import cli
    from callglot.adapters import get_dialect
    from callglot.capabilities import Policy
    from callglot.cli import InputError, _error, as_request, documents
    from callglot.errors import CallglotError
    from callglot.transport import DEFAULT_TIMEOUT, Client

    def usage(message: str) -> int:
        if stderr is not None:
            stderr.write(f"callglot: {message}\n")
        return 2

    environ = os.environ if environ is None else environ
    try:
        dialect = get_dialect(args.dialect)
        auth = _credentials(dialect.name, environ)
        timeout = DEFAULT_TIMEOUT if args.timeout is None else _timeout(args.timeout)
        client = Client(dialect, base_url=args.base_url, auth=auth, timeout=timeout, http_client=http_client)
    except (ValueError, _Usage) as exc:
        return usage(str(exc))
    if args.input == "-":
        if stdin is None:
            return usage("standard input is closed")
        stream = stdin
    else:
        try:
            stream = open(args.input, "rb")  # noqa: SIM115 - closed below
        except OSError as exc:
            return usage(f"cannot read {args.input}: {exc.strerror}")
    policy = Policy.LENIENT if args.lenient else Policy.STRICT
    canonical = get_dialect("canonical")
    # Newer readers mark a blank line (an output line says it was skipped, keeping lines paired with
    # the input); older ones leave blank lines out.
    blank = getattr(cli, "BLANK", None)
    failed = False
    try:
        with client:
            for line, document in documents(stream):
                prefix = "$"
                result: dict[str, Any]
                if blank is not None and document is blank:
                    stdout.write(json.dumps({"line": line, "skipped": getattr(cli, "_SKIPPED", "blank line")}) + "\n")
                    continue
                try:
                    if isinstance(document, InputError):
                        raise document
                    request, prefix = as_request(document, dialect, args.call_id)
                    decoded = dialect.decode(request)
                    sent = client.send(
                        decoded.command,
                        call_id=args.call_id if args.call_id is not None else decoded.call_id,
                        command_id=decoded.command_id,
                        policy=policy,
                    )
                except (CallglotError, InputError) as exc:
                    failed = True
                    result = _error(exc, line, prefix)
                    result["error"].update(_error_details(exc))
                else:
                    receipt = canonical.encode_response(sent.receipt, policy=Policy.LENIENT).value.body
                    result = {"line": line, "status": sent.status, "attempts": sent.attempts, "receipt": receipt}
                    if sent.command_id is not None:
                        result["command_id"] = sent.command_id
                    if stderr is not None:
                        for adaptation in sent.report:
                            where = (
                                f"{adaptation.command}.{adaptation.field}" if adaptation.field else adaptation.command
                            )
                            stderr.write(f"callglot: line {line}: {adaptation.action} {where}: {adaptation.note}\n")
                stdout.write(json.dumps(result, ensure_ascii=False, separators=(",", ":")) + "\n")
                stdout.flush()  # one answer per command as it comes: a pipe reader sees each at once
    finally:
        if stream is not stdin:
            stream.close()
    return 1 if failed else 0


def _timeout(read: float) -> httpx.Timeout:
    import httpx

    if not read > 0:
        raise ValueError("--timeout must be a positive number of seconds")
    return httpx.Timeout(read, connect=min(5.0, read))


def _error_details(exc: BaseException) -> dict[str, Any]:
    from callglot.canonical.events import ProviderError
    from callglot.transport import TransportError

    if isinstance(exc, ProviderError):
        return {"status": exc.status, "code": exc.code, "retry_after": exc.retry_after, "attempts": exc.attempts}
    if isinstance(exc, TransportError):
        return {"may_have_reached": exc.may_have_reached, "attempts": exc.attempts}
    return {}


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m callglot.transport._cli [send options]``: the send command on its own."""
    parser = argparse.ArgumentParser(prog="callglot")
    add_send_parser(parser.add_subparsers(dest="command", required=True, metavar="COMMAND"))
    args = parser.parse_args(argv)
    code: int = args.run(args)
    return code


if __name__ == "__main__":
    raise SystemExit(main())
