"""Serving an ASGI app on a loopback socket for a test: uvicorn in a thread, the socket listening first.

The socket is bound and listening before uvicorn starts, so clients may connect at once (the kernel
queues them until uvicorn accepts): no polling for readiness, and no port picked then bound later.
"""

from __future__ import annotations

import asyncio
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import uvicorn


def listening_socket() -> socket.socket:
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(64)
    return sock


def url_of(sock: socket.socket) -> str:
    return f"http://127.0.0.1:{sock.getsockname()[1]}"


@contextmanager
def serve(app: Any, sock: socket.socket | None = None) -> Iterator[str]:
    """``app`` on ``sock`` (a new listening socket when None) until the block ends; its base URL."""
    sock = sock if sock is not None else listening_socket()
    server = uvicorn.Server(uvicorn.Config(app, lifespan="off", log_level="error", access_log=False))
    thread = threading.Thread(target=asyncio.run, args=(server.serve(sockets=[sock]),), daemon=True)
    thread.start()
    try:
        yield url_of(sock)
    finally:
        server.should_exit = True
        thread.join(10)
        sock.close()
