"""Send canonical commands to a vendor and get canonical answers back (httpx, sync and async).

>>> from callglot.transport import Client, ChirpAuth
>>> from callglot.canonical import Hangup
>>> with Client("chirp", auth=ChirpAuth("sk_test_app_example")) as client:  # doctest: +SKIP
...     sent = client.send(Hangup(), call_id="call_test_2bWzHx1dfK9Rj3zYVqPcLmN0aTe")
...     sent.receipt.status

The only part of callglot that imports httpx; ``import callglot`` does not load it.
"""

from __future__ import annotations

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
    "to_http_response",
]
