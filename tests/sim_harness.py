"""A simulator with an in-process webhook receiver and a transport client, for the simulator's tests.

Everything runs in one event loop, through httpx's ASGI transport: the client's commands reach the
simulator's app, and the simulator's webhooks reach the receiver's app (a Starlette app that keeps
each request: its path, its raw body and its headers). Loopback URLs pass the simulator's URL policy.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

import callglot
from callglot import HttpRequest
from callglot.canonical.urls import url_policy
from callglot.schemas import validator_for
from callglot.simulator import LOOPBACK, Simulator
from callglot.transport import AsyncClient, BearerAuth, ChirpAuth, GatewayAuth, SignalWireAuth

HOOKS = "http://127.0.0.1:8080/hooks"
SIGNING_KEY = "PSK_sim_test_key_1"
CREDENTIALS = {
    "chirp": {"api_key": "sk_test_app_sim1"},
    "signalwire": {"project_id": "proj-sim", "token": "PT-sim-1"},
    "gateway": {"app_id": "app_sim", "api_key": "gw-sim-1"},
    "canonical": {"token": "canonical-sim-1"},
}
AUTH = {
    "chirp": lambda: ChirpAuth(**CREDENTIALS["chirp"]),
    "signalwire": lambda: SignalWireAuth(**CREDENTIALS["signalwire"]),
    "gateway": lambda: GatewayAuth(**CREDENTIALS["gateway"]),
    "canonical": lambda: BearerAuth(**CREDENTIALS["canonical"]),
}


class Receiver:
    """The application's webhook endpoint: records every request; ``down`` answers 503."""

    def __init__(self) -> None:
        self.requests: list[dict[str, Any]] = []
        self.down = False
        self.app = Starlette(routes=[Route("/{path:path}", self._hook, methods=["POST"])])

    async def _hook(self, request: Request) -> JSONResponse:
        raw = await request.body()
        self.requests.append(
            {
                "url": str(request.url),
                "path": request.url.path,
                "raw": raw,
                "headers": dict(request.headers),
                "taken": not self.down,
            }
        )
        return JSONResponse({"ok": False}, status_code=503) if self.down else JSONResponse({"ok": True})

    def bodies(self) -> list[Any]:
        """The bodies of the requests it took (not those it answered 503 while down)."""
        return [json.loads(r["raw"]) for r in self.requests if r["taken"]]

    def events(self, dialect: str) -> list[Any]:
        """Each delivered body decoded by callglot, after checking it against the dialect's events schema."""
        decoded = []
        validator = validator_for(f"{dialect}.events")
        for body in self.bodies():
            errors = [f"{e.json_path}: {e.message}" for e in validator.iter_errors(body)]
            assert not errors, (body, errors[:2])
            decoded.append(callglot.get_dialect(dialect).decode_event(HttpRequest(method="POST", path="/", body=body)))
        return decoded


class Harness:
    def __init__(self, simulator: Simulator, client: AsyncClient, receiver: Receiver, http: httpx.AsyncClient) -> None:
        self.sim = simulator
        self.client = client
        self.receiver = receiver
        self.http = http  # raw requests to the simulator (control API, malformed commands)


@asynccontextmanager
async def harness(dialect: str, **options: Any) -> AsyncIterator[Harness]:
    receiver = Receiver()
    options.setdefault("webhook_url", HOOKS)
    options.setdefault("credentials", CREDENTIALS[dialect])
    options.setdefault("seed", 1)
    with url_policy(LOOPBACK):
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=receiver.app)) as hooks:
            simulator = Simulator(dialect, http_client=hooks, **options)
            transport = httpx.ASGITransport(app=simulator)
            async with (
                httpx.AsyncClient(transport=transport, base_url="http://sim.test") as http,
                httpx.AsyncClient(transport=transport) as for_client,
                AsyncClient(
                    dialect, base_url="http://sim.test", auth=AUTH[dialect](), http_client=for_client
                ) as client,
            ):
                yield Harness(simulator, client, receiver, http)
            await simulator.aclose()
