"""Send canonical commands to a vendor and get canonical answers back (httpx, sync and async).

>>> from callglot.transport import Client, ChirpAuth
>>> from callglot.canonical import Hangup
>>> with Client("chirp", auth=ChirpAuth("sk_test_app_example")) as client:  # doctest: +SKIP
...     sent = client.send(Hangup(), call_id="call_test_2bWzHx1dfK9Rj3zYVqPcLmN0aTe")
...     sent.receipt.status

The only part of callglot that imports httpx, and only when one of these names is first used
(PEP 562): ``import callglot`` does not load it, nor does building the command line's parser.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from callglot import _lazy

if TYPE_CHECKING:
    from ._auth import BearerAuth, ChirpAuth, GatewayAuth, SignalWireAuth, VendorAuth
    from ._client import (
        DEFAULT_TIMEOUT,
        NO_RETRY,
        AsyncClient,
        Client,
        RateLimit,
        Retry,
        Sent,
        TransportError,
        to_http_response,
    )
    from ._webhooks import Delivery, WebhookSender, encode_body

_AUTH = ("BearerAuth", "ChirpAuth", "GatewayAuth", "SignalWireAuth", "VendorAuth")
_CLIENT = ("DEFAULT_TIMEOUT", "NO_RETRY", "AsyncClient", "Client", "RateLimit", "Retry", "Sent", "TransportError")
_LAZY: dict[str, str] = {
    **dict.fromkeys(_AUTH, "callglot.transport._auth"),
    **dict.fromkeys(_CLIENT, "callglot.transport._client"),
    "to_http_response": "callglot.transport._client",
    **dict.fromkeys(("Delivery", "WebhookSender", "encode_body"), "callglot.transport._webhooks"),
}


def __getattr__(name: str) -> Any:
    return _lazy.load(__name__, _LAZY, globals(), name)


def __dir__() -> list[str]:
    return sorted({*globals(), *_LAZY})


__all__ = [
    "DEFAULT_TIMEOUT",
    "NO_RETRY",
    "AsyncClient",
    "BearerAuth",
    "ChirpAuth",
    "Client",
    "GatewayAuth",
    "RateLimit",
    "Retry",
    "Sent",
    "SignalWireAuth",
    "TransportError",
    "VendorAuth",
    "Delivery",
    "WebhookSender",
    "encode_body",
    "to_http_response",
]
