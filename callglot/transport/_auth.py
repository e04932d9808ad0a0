"""Credentials for each vendor, as ``httpx.Auth`` classes that add their headers at send time.

The secret never sits in a plain attribute: it is held by a :class:`_Secret` (slots only, masked
``repr``, no pickling), so ``vars()``, ``repr``, ``pickle`` and a traceback's captured locals show
``'***'``. It is revealed only inside ``auth_flow``, on the request being sent. Bad credentials raise
:class:`~callglot.errors.InvalidValue` naming the field, never echoing the value.
"""

from __future__ import annotations

import base64
from collections.abc import Generator
from typing import ClassVar

import httpx

from callglot._secrets import MASK, Frozen, header_secret_problem, secret_bytes
from callglot.errors import InvalidValue

__all__ = ["BearerAuth", "ChirpAuth", "GatewayAuth", "SignalWireAuth", "VendorAuth"]


class _Secret(Frozen):
    """A credential: masked everywhere, revealed only by :meth:`reveal`."""

    __slots__ = ("_value",)

    _value: str

    def __init__(self, value: str) -> None:
        object.__setattr__(self, "_value", value)

    def reveal(self) -> str:
        return self._value

    def __repr__(self) -> str:
        return MASK

    __str__ = __repr__


def _header_value(value: object, field: str) -> tuple[str, Exception | None]:
    """``value`` as a header-safe string, or the error to raise (built outside any except block).

    Same rules as the webhook secrets (callglot.signatures): non-empty visible ASCII, no leading or
    trailing space, so a key read from a file with its newline is refused instead of sent broken.
    """
    if isinstance(value, bytes):
        return "", TypeError(f"{field} must be str, not bytes")
    raw, problem = secret_bytes(value, field)
    problem = problem or header_secret_problem(raw, field)
    return ("", problem) if problem is not None else (raw.decode("ascii"), None)


class VendorAuth(Frozen, httpx.Auth):
    """Base of callglot's credentials: immutable, masked, refuses pickling and copying by value."""

    #: Header names this auth sets whose values are secret (masked in ``Sent.request``).
    secret_headers: ClassVar[frozenset[str]] = frozenset({"authorization"})


class BearerAuth(VendorAuth):
    """``Authorization: Bearer <token>`` (the canonical dialect's servers: callglot's own proxy)."""

    _token: _Secret

    def __init__(self, token: str) -> None:
        value, problem = _header_value(token, "token")
        if problem is not None:
            del token, value  # not in this frame's locals when it raises
            raise problem
        object.__setattr__(self, "_token", _Secret(value))

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        request.headers["Authorization"] = "Bearer " + self._token.reveal()
        yield request

    def __repr__(self) -> str:
        return f"{type(self).__name__}(token={MASK})"


class ChirpAuth(BearerAuth):
    """Chirp: ``Authorization: Bearer <app key>`` (``sk_live_app_…`` or ``sk_test_app_…``)."""

    def __init__(self, api_key: str) -> None:
        value, problem = _header_value(api_key, "api_key")
        if problem is not None:
            del api_key, value
            raise problem
        object.__setattr__(self, "_token", _Secret(value))

    def __repr__(self) -> str:
        return f"ChirpAuth(api_key={MASK})"


class SignalWireAuth(VendorAuth):
    """SignalWire: HTTP Basic with ``project_id:token`` (the token needs the Voice scope).

    The project id is not secret and shows in ``repr``; the token does not, nor the Basic header
    (base64 of both), which is built at send time rather than kept.
    """

    _project_id: str
    _token: _Secret

    def __init__(self, *, project_id: str, token: str) -> None:
        project, problem = _header_value(project_id, "project_id")
        if problem is None and ":" in project:
            problem = InvalidValue("project_id", "must not contain ':' (HTTP Basic separates it from the token)")
        if problem is not None:
            raise problem
        value, problem = _header_value(token, "token")
        if problem is not None:
            del token, value
            raise problem
        object.__setattr__(self, "_project_id", project)
        object.__setattr__(self, "_token", _Secret(value))

    @property
    def project_id(self) -> str:
        return self._project_id

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        pair = f"{self._project_id}:{self._token.reveal()}".encode("ascii")
        request.headers["Authorization"] = "Basic " + base64.b64encode(pair).decode("ascii")
        yield request

    def __repr__(self) -> str:
        return f"SignalWireAuth(project_id={getattr(self, '_project_id', None)!r}, token={MASK})"


class GatewayAuth(VendorAuth):
    """The gateway: ``X-App-ID`` (alphanumeric, ``_``, ``-``; at most 64) and ``X-API-Key`` headers."""

    secret_headers: ClassVar[frozenset[str]] = frozenset({"x-api-key"})

    _app_id: str
    _api_key: _Secret

    def __init__(self, app_id: str, api_key: str) -> None:
        app, problem = _header_value(app_id, "app_id")
        if problem is None and not (len(app) <= 64 and app.replace("_", "").replace("-", "").isalnum()):
            problem = InvalidValue("app_id", "must be 1..64 letters, digits, '_' or '-'")
        if problem is not None:
            raise problem
        value, problem = _header_value(api_key, "api_key")
        if problem is not None:
            del api_key, value
            raise problem
        object.__setattr__(self, "_app_id", app)
        object.__setattr__(self, "_api_key", _Secret(value))

    @property
    def app_id(self) -> str:
        return self._app_id

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        request.headers["X-App-ID"] = self._app_id
        request.headers["X-API-Key"] = self._api_key.reveal()
        yield request

    def __repr__(self) -> str:
        return f"GatewayAuth(app_id={getattr(self, '_app_id', None)!r}, api_key={MASK})"
