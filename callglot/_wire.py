"""Wire messages as plain frozen values (no httpx types): what adapters produce and consume."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import attrs

from callglot._frozen import frozen

__all__ = ["HttpRequest", "HttpResponse"]


def _headers(value: Mapping[str, str] | None) -> Mapping[str, str]:
    return {} if value is None else dict(value)


@frozen(kw_only=True)
class HttpRequest:
    """An HTTP request: ``body`` is the decoded JSON (normally a dict) or None."""

    method: str
    path: str
    body: Any = None
    headers: Mapping[str, str] = attrs.field(factory=dict, converter=_headers, hash=False)

    def to_json(self) -> dict[str, Any]:
        """The ``{"method", "path", "body"}`` document the CLI reads and writes."""
        return {"method": self.method, "path": self.path, "body": self.body}


@frozen(kw_only=True)
class HttpResponse:
    """An HTTP response: ``body`` is the decoded JSON, a plain string, or None.

    A reply whose body is not JSON (a load balancer's ``Too Many Requests`` or HTML page) is given as
    its text (a ``str``); no body at all is None. Decoders keep either in an error's details.
    """

    status: int
    body: Any = None
    headers: Mapping[str, str] = attrs.field(factory=dict, converter=_headers, hash=False)
