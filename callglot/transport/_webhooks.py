"""POST a webhook body to a receiver, once: what the simulator (and, later, the proxy) deliver with.

Retries belong to the caller, which runs them on its own schedule (a vendor's documented one, on a
virtual clock in tests). One delivery is one request: the status the receiver answered, or why
there was none. The URL is checked against the URL policy in force before anything is sent.
"""

from __future__ import annotations

import json
import time
from collections.abc import Mapping
from typing import Any

import attrs
import httpx

from callglot.canonical.urls import UrlPolicy, check_url

__all__ = ["Delivery", "WebhookSender"]


@attrs.frozen(kw_only=True)
class Delivery:
    """One attempt: ``status`` the receiver's HTTP status (None when there was no answer: ``error``)."""

    url: str
    status: int | None
    error: str | None = None
    elapsed: float = 0.0

    @property
    def delivered(self) -> bool:
        """A 2xx answer: the receiver took the webhook."""
        return self.status is not None and 200 <= self.status <= 299


def encode_body(body: Any) -> bytes:
    """The exact bytes a webhook carries (compact JSON, UTF-8): what a signature is computed over."""
    return json.dumps(body, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


class WebhookSender:
    """POSTs webhook bodies with one pooled ``httpx.AsyncClient`` (``http_client`` to use another).

    ``timeout`` is the vendor's delivery timeout (Chirp: 5 s). Every URL passes the URL policy
    (``policy``, else the one in force) before anything is sent: https to public hosts unless it
    allows more. No redirects are followed and no proxy is read from the environment.
    """

    def __init__(
        self, *, timeout: float = 5.0, policy: UrlPolicy | None = None, http_client: httpx.AsyncClient | None = None
    ) -> None:
        self._own = http_client is None
        self._client = http_client or httpx.AsyncClient(trust_env=False, follow_redirects=False)
        self.timeout = timeout
        self.policy = policy

    async def send(self, url: str, content: bytes, headers: Mapping[str, str]) -> Delivery:
        """POST ``content`` (JSON) to ``url`` with ``headers``; never raises for the receiver's failures."""
        checked = check_url(url, policy=self.policy)
        started = time.monotonic()
        try:
            response = await self._client.post(
                checked,
                content=content,
                headers={"Content-Type": "application/json", **headers},
                timeout=self.timeout,
            )
        except httpx.TimeoutException:
            return Delivery(url=url, status=None, error="timed out", elapsed=time.monotonic() - started)
        except httpx.TransportError as exc:
            return Delivery(url=url, status=None, error=type(exc).__name__, elapsed=time.monotonic() - started)
        return Delivery(url=url, status=response.status_code, elapsed=time.monotonic() - started)

    async def aclose(self) -> None:
        if self._own:
            await self._client.aclose()
