"""An app, the proxy and a simulated vendor wired together in one event loop (httpx's ASGI transport).

The app's transport client talks to the proxy in the app's dialect; the proxy talks to the simulator
in the vendor's; the simulator's webhooks go to the proxy's ``/hooks/{vendor}``, and the proxy's go to
the app's receiver. Loopback URLs pass every URL policy involved.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx
from sim_harness import AUTH, CREDENTIALS, Receiver

from callglot.canonical.urls import url_policy
from callglot.proxy import create_app, parse_config
from callglot.simulator import LOOPBACK, Simulator
from callglot.transport import AsyncClient

PUBLIC = "http://127.0.0.1:8000"
APP_HOOKS = "http://127.0.0.1:8080/hooks"
VENDOR_KEY = "vendor-signing-key-1"
APP_KEY = "app-signing-key-1"


#: The SWML a SignalWire number runs to answer its inbound calls (its REST API has no answer).
ANSWERING_SWML = {"version": "1.0.0", "sections": {"main": [{"answer": {}}]}}


def config_data(app: str, vendor: str, **top: Any) -> dict[str, Any]:
    return {
        "public_url": PUBLIC,
        "policy": "lenient",
        "app": {
            "dialect": app,
            "credentials": {name: f"env:APP_{name.upper()}" for name in CREDENTIALS[app]},
            "webhook_url": APP_HOOKS,
            "signing_key": "env:APP_SIGNING_KEY",
        },
        "vendor": {
            "dialect": vendor,
            "base_url": "http://127.0.0.1:9000",
            "credentials": {name: f"env:VENDOR_{name.upper()}" for name in CREDENTIALS[vendor]},
            "signing_key": "env:VENDOR_SIGNING_KEY",
        },
        "url_policy": {"allow_insecure": True, "allow_networks": ["127.0.0.0/8"]},
        **top,
    }


def environment(app: str, vendor: str) -> dict[str, str]:
    env = {f"APP_{k.upper()}": v for k, v in CREDENTIALS[app].items()}
    env.update({f"VENDOR_{k.upper()}": v for k, v in CREDENTIALS[vendor].items()})
    env.update(APP_SIGNING_KEY=APP_KEY, VENDOR_SIGNING_KEY=VENDOR_KEY)
    return env


class Wired:
    def __init__(
        self, sim: Simulator, proxy: Any, app: AsyncClient, receiver: Receiver, http: httpx.AsyncClient
    ) -> None:
        self.sim = sim
        self.proxy_app = proxy
        self.app = app  # the application's client, in its own dialect, pointed at the proxy
        self.receiver = receiver  # the application's webhook endpoint
        self.http = http  # raw requests to the proxy


@asynccontextmanager
async def wired(
    app_dialect: str, vendor_dialect: str, *, config: dict[str, Any] | None = None, **sim_options: Any
) -> AsyncIterator[Wired]:
    """The three wired together; ``config``: top-level keys to add to the proxy's config (a Redis
    ``store``, the delivery settings: then its delivery worker runs, as a served instance's lifespan
    starts it)."""
    receiver = Receiver()
    data = config_data(app_dialect, vendor_dialect, **(config or {}))
    settings = parse_config(data, environment(app_dialect, vendor_dialect))
    with url_policy(LOOPBACK):
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=receiver.app)) as to_app:
            holder: dict[str, Any] = {}

            async def proxy_asgi(scope: Any, receive: Any, send: Any) -> None:
                await holder["proxy"](scope, receive, send)

            async with httpx.AsyncClient(transport=httpx.ASGITransport(app=proxy_asgi)) as to_proxy:
                sim_options.setdefault("seed", 11)
                sim = Simulator(
                    vendor_dialect,
                    credentials=CREDENTIALS[vendor_dialect],
                    webhook_url=f"{PUBLIC}/hooks/{vendor_dialect}",
                    signing_key=VENDOR_KEY,
                    http_client=to_proxy,
                    **sim_options,
                )
                async with httpx.AsyncClient(transport=httpx.ASGITransport(app=sim)) as to_vendor:
                    proxy = create_app(settings, vendor_http=to_vendor, app_http=to_app)
                    holder["proxy"] = proxy
                    await proxy.state.proxy.start()  # (Redis mode only: the delivery worker)
                    async with (
                        httpx.AsyncClient(transport=httpx.ASGITransport(app=proxy), base_url=PUBLIC) as http,
                        httpx.AsyncClient(transport=httpx.ASGITransport(app=proxy)) as for_client,
                        AsyncClient(
                            app_dialect, base_url=PUBLIC, auth=AUTH[app_dialect](), http_client=for_client
                        ) as client,
                    ):
                        yield Wired(sim, proxy, client, receiver, http)
                    await proxy.state.proxy.aclose()
                    await sim.aclose()
