"""A stand-in vendor for the transport's integration tests: a Starlette app served by uvicorn on loopback.

It speaks each dialect with callglot's own codecs: it checks the dialect's credentials, decodes the
command (a malformed one is a 400), and answers with the dialect's receipt (Dial: a new call id).
``script`` holds faults for the next requests: ``"503"`` (Retry-After: 0), ``"hang"`` (no answer
until the server stops; the client's read timeout fires first).
"""

from __future__ import annotations

import asyncio
import base64
import json
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

import callglot
from callglot import HttpRequest, Policy
from callglot.canonical import Dial
from callglot.canonical.events import CallLeg, ProviderError, Receipt, ReceiptStatus

CREDENTIALS = {
    "canonical": {"authorization": "Bearer proxy-token-1"},
    "chirp": {"authorization": "Bearer sk_test_app_local1"},
    "gateway": {"x-app-id": "app_local", "x-api-key": "gw-key-1"},
    "signalwire": {"authorization": "Basic " + base64.b64encode(b"proj-local:PT-local-1").decode()},
}
NEW_CALL_IDS = {
    "canonical": "call_new_1",
    "chirp": "call_test_7aWzHx1dfK9Rj3zYVqPcLmN0aTe",
    "signalwire": "7fa85f64-5717-4562-b3fc-2c963f66afa6",
}


class Vendor:
    """State shared between the test (one thread) and the server (another): what came in, what to do next."""

    def __init__(self, dialect: str) -> None:
        self.dialect = dialect
        self.script: list[str] = []
        self.received: list[dict[str, Any]] = []
        self.release = asyncio.Event()  # set at shutdown: a "hang" ends

    def reply(self, result: Receipt | ProviderError, headers: dict[str, str] | None = None) -> Response:
        answer = callglot.get_dialect(self.dialect).encode_response(result, policy=Policy.LENIENT).value
        return Response(
            json.dumps(answer.body),
            status_code=answer.status,
            headers={**answer.headers, **(headers or {})},
            media_type="application/json",
        )

    async def handle(self, request: Request) -> Response:
        raw = await request.body()
        body = json.loads(raw) if raw else None
        self.received.append({"path": request.url.path, "body": body, "headers": dict(request.headers)})
        fault = self.script.pop(0) if self.script else None
        if fault == "hang":
            await self.release.wait()
        if fault == "503":
            return self.reply(ProviderError(503, "busy"), {"Retry-After": "0"})
        expected = CREDENTIALS[self.dialect]
        if any(request.headers.get(name) != value for name, value in expected.items()):
            return self.reply(ProviderError(401, "bad credentials"))
        dialect = callglot.get_dialect(self.dialect)
        try:
            decoded = dialect.decode(HttpRequest(method=request.method, path=request.url.path, body=body))
        except callglot.DecodeError as exc:
            return self.reply(ProviderError(400, exc.reason))
        if isinstance(decoded.command, Dial):
            new = NEW_CALL_IDS[self.dialect]
            return self.reply(Receipt(status=ReceiptStatus.ACCEPTED, call_id=new, command="dial", call=CallLeg(id=new)))
        call_id = decoded.call_id
        if self.dialect == "gateway":
            return self.reply(Receipt(status=ReceiptStatus.IN_PROGRESS, operation_id="op-1", timeout=2.0))
        if self.dialect == "signalwire":
            assert call_id is not None
            return self.reply(Receipt(status=ReceiptStatus.ACCEPTED, call_id=call_id, call=CallLeg(id=call_id)))
        tag = "hangup" if self.dialect == "chirp" else None
        return self.reply(Receipt(status=ReceiptStatus.ACCEPTED, call_id=call_id, command=tag))


@contextmanager
def serve(dialect: str) -> Iterator[tuple[str, Vendor]]:
    """Run a vendor for ``dialect`` on a free loopback port; yields its base URL and its state.

    The socket listens before the server thread starts, so clients can connect at once (the kernel
    queues them until uvicorn accepts): no polling for readiness.
    """
    vendor = Vendor(dialect)
    app = Starlette(routes=[Route("/{path:path}", vendor.handle, methods=["POST"])])
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    sock.listen(64)
    port = sock.getsockname()[1]
    config = uvicorn.Config(app, lifespan="off", log_level="warning", access_log=False, timeout_graceful_shutdown=5)
    server = uvicorn.Server(config)
    loop: list[asyncio.AbstractEventLoop] = []

    async def run() -> None:
        loop.append(asyncio.get_running_loop())
        vendor.release = asyncio.Event()  # bound to the server's loop
        await server.serve(sockets=[sock])

    thread = threading.Thread(target=asyncio.run, args=(run(),), daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{port}", vendor
    finally:
        server.should_exit = True
        if loop:
            loop[0].call_soon_threadsafe(vendor.release.set)
        thread.join(timeout=10)
        sock.close()
        assert not thread.is_alive(), "the vendor server did not stop"


def closed_port() -> int:
    """A loopback port nothing listens on (bound, then released)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])
