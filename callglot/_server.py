"""What the simulator and the proxy share as servers of a dialect: reading its credentials off a
request, and answering with an error shaped the way that vendor's errors are.
"""

from __future__ import annotations

import base64
import binascii
import gc
import hmac
import socket
from collections.abc import Mapping
from typing import Any

from callglot.canonical import commands as c
from callglot.canonical.events import ProviderError

__all__ = [
    "OPERATION_ACTS",
    "OPERATION_STARTS",
    "OPERATION_STOPS",
    "RETRY_SCHEDULES",
    "GC_THRESHOLD0",
    "credentials_in",
    "freeze_heap",
    "load_starlette",
    "same_credentials",
    "vendor_error",
]

#: The commands that start an operation (a playback, a recording, ...), and its kind.
OPERATION_STARTS: Mapping[type, str] = {
    c.Play: "play", c.Record: "record", c.Collect: "collect", c.Detect: "detect", c.Tap: "tap",
    c.Stream: "stream", c.Transcribe: "transcribe",
}  # fmt: skip
#: The commands that stop one, and the kind they stop.
OPERATION_STOPS: Mapping[type, str] = {
    c.StopPlayback: "play", c.StopRecording: "record", c.StopCollect: "collect", c.StopDetect: "detect",
    c.StopTap: "tap", c.StopStream: "stream", c.StopTranscribe: "transcribe",
}  # fmt: skip
#: Every command that acts on a running operation (stops, pauses, resumes, volume, seek, timers), and its kind.
OPERATION_ACTS: Mapping[type, str] = {
    **OPERATION_STOPS,
    c.PausePlayback: "play", c.ResumePlayback: "play", c.SetPlaybackVolume: "play", c.SeekPlayback: "play",
    c.PauseRecording: "record", c.ResumeRecording: "record", c.StartInputTimers: "collect",
}  # fmt: skip

#: Seconds between a failed webhook delivery and each retry. Chirp: 5 retries with exponential backoff
#: (its base is not documented: 1 s, doubling). The gateway retries with backoff, then dead-letters
#: (the count is not documented: 3). SignalWire calls its callbacks best effort: no retry. The canonical
#: form (callglot's own servers) follows Chirp's.
RETRY_SCHEDULES: Mapping[str, tuple[float, ...]] = {
    "chirp": (1.0, 2.0, 4.0, 8.0, 16.0),
    "gateway": (1.0, 2.0, 4.0),
    "signalwire": (),
    "canonical": (1.0, 2.0, 4.0, 8.0, 16.0),
}


def load_starlette(what: str) -> Any:
    """The starlette package (its submodules imported), or ImportError saying which extra to install."""
    try:
        import starlette.applications
        import starlette.requests
        import starlette.responses
        import starlette.routing
    except ImportError:  # pragma: no cover - the extra is missing
        raise ImportError(f"{what} needs Starlette: pip install 'callglot[server]'") from None
    return starlette


def credentials_in(dialect: str, headers: Mapping[str, str]) -> dict[str, str] | None:
    """The credentials a request carries for ``dialect`` (the transport's argument names), or None
    when they are missing or malformed: Chirp's and canonical Bearer token, SignalWire's Basic
    ``project:token``, the gateway's ``X-App-ID``/``X-API-Key``."""
    lower = {key.lower(): value for key, value in headers.items()}
    if dialect == "gateway":
        app, key = lower.get("x-app-id", ""), lower.get("x-api-key", "")
        if not app or not key or len(app) > 64 or not app.replace("_", "").replace("-", "").isalnum():
            return None
        return {"app_id": app, "api_key": key}
    scheme, _, value = lower.get("authorization", "").partition(" ")
    if dialect == "signalwire":
        if scheme.lower() != "basic":
            return None
        try:
            project, sep, token = base64.b64decode(value, validate=True).decode("utf-8").partition(":")
        except (binascii.Error, UnicodeDecodeError):
            return None
        return {"project_id": project, "token": token} if sep and project and token else None
    if scheme.lower() != "bearer" or not value:
        return None
    return {"api_key": value} if dialect == "chirp" else {"token": value}


def same_credentials(given: Mapping[str, str], expected: Mapping[str, str]) -> bool:
    """Whether ``given`` are ``expected``, compared in constant time, every field."""
    matches = [
        hmac.compare_digest(given.get(name, "").encode("utf-8"), value.encode("utf-8"))
        for name, value in expected.items()
    ]
    return all(matches) and set(given) == set(expected)


def vendor_error(
    dialect: str,
    status: int,
    message: str,
    *,
    code: str | None = None,
    parameter: str | None = None,
    retry_after: float | None = None,
) -> ProviderError:
    """The error a server of ``dialect`` answers ``status`` with, shaped the way the vendor's are.

    Chirp: its error type by status (``authentication_error`` 401/403, ``api_error`` 5xx, else
    ``invalid_request_error``) and its 429 as a plain string. SignalWire: the 422 validation form
    with a code and the attribute, else ``{"error": <message>}``. The gateway: ``{success, error}``.
    No vendor documents a code on a 401 or a 429.
    """
    kind = None
    if status in (401, 429):
        code = None
    if dialect == "chirp" and status != 429:
        kind = (
            "authentication_error"
            if status in (401, 403)
            else "api_error"
            if status >= 500
            else "invalid_request_error"
        )
    elif dialect == "signalwire":
        if status == 422:
            kind = "validation_error"
        else:
            code = parameter = None
    elif dialect == "gateway":
        code = parameter = None
    return ProviderError(status, message, code=code, parameter=parameter, kind=kind, retry_after=retry_after)


#: The collector's first threshold (allocations less deallocations of tracked objects between two
#: youngest-generation collections) for a long-running server: CPython's default is 700.
GC_THRESHOLD0 = 10_000


def freeze_heap(threshold0: int = GC_THRESHOLD0) -> None:
    """Tune the garbage collector of a server that has just started (its modules imported, its app
    built): everything alive now is collected once and moved to the permanent generation
    (``gc.freeze()``), where no collection traverses it again, and the youngest generation is collected
    after ``threshold0`` allocations instead of 700. A full collection then walks only what was made
    since, so its pause is a few milliseconds instead of tens; frozen objects that become garbage later
    are still freed by reference counting, only cycles among them are kept. Call it once."""
    gc.collect()
    gc.freeze()
    _, threshold1, threshold2 = gc.get_threshold()
    gc.set_threshold(threshold0, threshold1, threshold2)


def serve(app: Any, *, host: str = "127.0.0.1", port: int = 8000, sockets: list[socket.socket] | None = None) -> None:
    """Serve ``app`` (the proxy, the simulator) with uvicorn until it is stopped (SIGINT, SIGTERM);
    ``sockets``: listen on these instead of ``host``/``port`` (bench/proxy.py passes one, so it measures
    exactly this).

    uvicorn picks its fastest event loop and HTTP parser installed: uvloop and httptools, which the
    ``server`` extra installs (except uvloop on Windows), else asyncio and h11. Log level warning, so
    no access log: uvicorn would still format each request's access line only to drop it. Once the
    server has started (the app built, the sockets bound), the garbage collector is tuned
    (:func:`callglot._server.freeze_heap`): its full collections otherwise pause the proxy for tens of
    milliseconds.
    """
    import uvicorn

    class Server(uvicorn.Server):
        async def startup(self, sockets: list[socket.socket] | None = None) -> None:
            await super().startup(sockets=sockets)
            freeze_heap()

    config = uvicorn.Config(app, host=host, port=port, log_level="warning", access_log=False)
    Server(config).run(sockets=sockets)
