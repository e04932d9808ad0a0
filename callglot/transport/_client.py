"""Send canonical commands to a vendor over HTTP and get canonical answers back.

One :class:`Client` (or :class:`AsyncClient`) per vendor account, holding one pooled httpx client.
``send`` encodes the command with the dialect (an ``EncodeError`` before anything is sent), POSTs it
as JSON bytes (replayable), and decodes the vendor's answer: a :class:`Sent` with the ``Receipt``, or
the dialect's ``ProviderError``; a timeout or a broken connection is a :class:`TransportError`.

Retries never double a command (reference/security.md §3.2):

- a failure before the request left (connect error, connect or pool timeout) is always retried;
- 429 and 503 are retried honouring ``Retry-After`` (seconds or HTTP-date): a wait over the cap, or
  past the deadline, gives up at once with the vendor's error (its ``retry_after`` says when);
- other 5xx answers, read/write timeouts and broken connections are retried only when the command
  carries an idempotency key the vendor honours: the gateway's ``command_uid`` (and the canonical
  ``command_id``), generated once per ``send`` when the caller gave none, the same on every attempt.
  Chirp and SignalWire document no such key: after the request may have been received, never again.

Waits are exponential with full jitter; no attempt starts after the total deadline. The clock, sleep
and random source are parameters, so tests run instantly and deterministically.
"""

from __future__ import annotations

import json
import logging
import random as _random
import threading
import time
import uuid
from collections import deque
from collections.abc import Awaitable, Callable, Mapping
from typing import Any, ClassVar, Final, NoReturn

import anyio
import attrs
import httpx
import tenacity

from callglot._secrets import refuse_pickle
from callglot._wire import HttpRequest, HttpResponse
from callglot.adapters import Dialect, get_dialect
from callglot.adapters._base import retry_after
from callglot.canonical import Command
from callglot.canonical.events import ProviderError, Receipt
from callglot.capabilities import Adaptation, Policy
from callglot.errors import CallglotError, InvalidValue

from ._auth import BearerAuth, ChirpAuth, GatewayAuth, SignalWireAuth, VendorAuth

__all__ = [
    "DEFAULT_TIMEOUT",
    "NO_RETRY",
    "AsyncClient",
    "Client",
    "RateLimit",
    "Retry",
    "Sent",
    "TransportError",
    "to_http_response",
]

logger = logging.getLogger("callglot.transport")
# A library's records go where the application configures logging; unconfigured, Python's last-resort
# handler would print every retried attempt's WARNING on stderr (the CLI's error lines already say it).
logger.addHandler(logging.NullHandler())

#: Connect 5 s; read, write and pool 15 s.
DEFAULT_TIMEOUT: Final = httpx.Timeout(15.0, connect=5.0)


# ---------------------------------------------------------------- errors and results


class TransportError(CallglotError):
    """No answer from the vendor: a timeout, a refused or broken connection.

    ``may_have_reached`` is False only when the failure happened before the request left (connect
    errors, connect and pool timeouts): then the vendor certainly did not act on it. ``reason`` names
    httpx's error (its class and message; never a header). ``attempts`` counts the HTTP attempts.
    The error keeps no reference to httpx's exception, whose request holds the credentials.
    """

    def __init__(
        self, reason: str, *, may_have_reached: bool, attempts: int, dialect: str = "", command: str = ""
    ) -> None:
        self.reason = reason
        self.may_have_reached = may_have_reached
        self.attempts = attempts
        self.dialect = dialect
        self.command = command
        reached = "may have reached the vendor" if may_have_reached else "did not reach the vendor"
        plural = "" if attempts == 1 else "s"
        super().__init__(f"{dialect} {command}: {reason}; the request {reached} ({attempts} attempt{plural})")

    def __reduce__(self) -> tuple[Any, ...]:
        return (
            _rebuild_transport_error,
            (self.reason, self.may_have_reached, self.attempts, self.dialect, self.command),
        )


def _rebuild_transport_error(
    reason: str, may_have_reached: bool, attempts: int, dialect: str, command: str
) -> TransportError:
    return TransportError(
        reason, may_have_reached=may_have_reached, attempts=attempts, dialect=dialect, command=command
    )


@attrs.frozen(kw_only=True)
class Sent:
    """A command the vendor took.

    ``request`` is the request as sent (the dialect's path and body, the headers with credentials
    masked); ``report`` the encode report (LENIENT adaptations); ``command_id`` the idempotency key
    sent (generated when the dialect has one and the caller gave none), else None; ``status`` the
    HTTP status of the answer.
    """

    receipt: Receipt
    request: HttpRequest
    report: tuple[Adaptation, ...]
    attempts: int
    command_id: str | None = None
    status: int = 200


def _positive(instance: object, attribute: attrs.Attribute[float], value: float) -> None:
    if type(value) not in (int, float) or not value > 0:
        raise InvalidValue(attribute.name, "must be a positive number of seconds")


def _at_least_one(instance: object, attribute: attrs.Attribute[int], value: int) -> None:
    if type(value) is not int or value < 1:
        raise InvalidValue(attribute.name, "must be an integer of at least 1")


@attrs.frozen(kw_only=True)
class Retry:
    """When to try again (see the module docstring for which failures qualify).

    ``attempts`` counts the first one; ``deadline`` is seconds from the start of ``send``: no attempt
    starts after it, and a wait that would cross it gives up instead. ``retry_after_cap``: a
    ``Retry-After`` longer than this gives up at once (the error carries it). ``backoff`` and
    ``backoff_max``: the n-th wait is uniform in [0, min(backoff_max, backoff * 2**(n-1))] (full jitter).
    """

    attempts: int = attrs.field(default=5, validator=_at_least_one)
    deadline: float = attrs.field(default=45.0, validator=_positive)
    retry_after_cap: float = attrs.field(default=30.0, validator=_positive)
    backoff: float = attrs.field(default=0.5, validator=_positive)
    backoff_max: float = attrs.field(default=8.0, validator=_positive)


#: One attempt, never a retry.
NO_RETRY: Final = Retry(attempts=1)


@attrs.frozen
class RateLimit:
    """At most ``requests`` attempts in any ``per`` seconds (a sliding window; waits, never refuses)."""

    requests: int = attrs.field(validator=_at_least_one)
    per: float = attrs.field(validator=_positive)

    #: The vendors' documented limits (reference/dialects.md): Chirp 120/min per app key; the gateway
    #: 10,000/s per app id and client IP. SignalWire publishes none for this endpoint.
    DOCUMENTED: ClassVar[Mapping[str, tuple[int, float]]] = {"chirp": (120, 60.0), "gateway": (10_000, 1.0)}

    @classmethod
    def documented(cls, dialect: str) -> RateLimit:
        """The limit ``dialect``'s vendor documents; ValueError when it documents none."""
        found = cls.DOCUMENTED.get(dialect)
        if found is None:
            raise ValueError(f"{dialect} documents no rate limit: give RateLimit(requests, per=seconds)")
        return cls(*found)


class _Window:
    """The start times of the last ``requests`` attempts; each new one is scheduled ``per`` after the oldest."""

    __slots__ = ("_lock", "_per", "_starts")

    def __init__(self, limit: RateLimit) -> None:
        self._starts: deque[float] = deque(maxlen=limit.requests)
        self._per = limit.per
        self._lock = threading.Lock()  # the reservation is atomic; the wait happens outside

    def reserve(self, now: float) -> float:
        """Book the next slot; seconds to wait for it."""
        with self._lock:
            start = now
            if len(self._starts) == self._starts.maxlen:
                start = max(now, self._starts[0] + self._per)
            self._starts.append(start)
            return start - now


# ---------------------------------------------------------------- the wire boundary


def _json_media(content_type: str) -> bool:
    media = content_type.split(";", 1)[0].strip().lower()
    return media == "application/json" or media.endswith("+json")


def to_http_response(response: httpx.Response) -> HttpResponse:
    """The sans-IO response a dialect decodes: the JSON body parsed when the content is JSON, else the text.

    The one place an httpx response becomes a callglot value. An empty body is None; a body labelled
    JSON that does not parse is kept as its text, for the dialect to refuse or explain.
    """
    # From the raw pairs: httpx's Headers lookups normalise on every call (a third of this function's cost).
    headers = {name.decode("latin-1").lower(): value.decode("latin-1") for name, value in response.headers.raw}
    content = response.content
    body: Any = None
    if content:
        if _json_media(headers.get("content-type", "")):
            try:
                body = json.loads(content)
            except (ValueError, RecursionError):
                body = response.text
        else:
            body = response.text
    return HttpResponse(status=response.status_code, body=body, headers=headers)


_ENCODER: Final = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))

#: Failures that happen before a request leaves: the vendor never saw it.
_NOT_SENT: Final = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout, httpx.UnsupportedProtocol)
#: Failures worth another try when the vendor saw nothing, or would ignore a duplicate.
_TRANSIENT: Final = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout, httpx.TimeoutException,
                     httpx.NetworkError, httpx.RemoteProtocolError)  # fmt: skip
#: Statuses that say "not now" rather than "no": the command was not carried out.
_TRY_LATER: Final = frozenset({429, 503})
#: Parsed request URLs kept per client (one per path: per call id for dialects that put it in the path).
_MAX_URLS: Final = 1024
#: Headers whose values are credentials wherever they appear (httpx masks only the first two).
_SECRET_HEADERS: Final = frozenset({"authorization", "proxy-authorization", "x-api-key", "cookie"})
#: Body keys whose values are not logged even with ``log_bodies`` (a Dial's SIP password).
_SECRET_KEYS: Final = ("password", "secret", "token", "api_key", "apikey", "authorization")


class _RetryableReply(Exception):
    """A 429 or 5xx answer, raised inside an attempt so the retry policy sees it."""

    def __init__(self, response: httpx.Response) -> None:
        self.response = response
        super().__init__(response.status_code)


# ---------------------------------------------------------------- what sync and async share


#: The credentials each built-in dialect takes, and its default base URL (reference/dialects.md).
_VENDORS: Final[Mapping[str, tuple[type[VendorAuth], str | None, str]]] = {
    "canonical": (BearerAuth, None, "the server's URL, e.g. http://127.0.0.1:8000"),
    "chirp": (BearerAuth, "https://api.buildwithchirp.com", "https://api.buildwithchirp.com"),
    "gateway": (GatewayAuth, None, "the gateway's URL, e.g. https://gateway.example.com"),
    "signalwire": (SignalWireAuth, None, "https://{space}.signalwire.com (your SignalWire space)"),
}


def _base_url(dialect: str, given: str | None) -> str:
    default = _VENDORS.get(dialect, (VendorAuth, None, "the vendor's URL"))
    if given is None:
        if default[1] is None:
            raise ValueError(f"{dialect} needs base_url: {default[2]}")
        given = default[1]
    if not isinstance(given, str):
        raise TypeError(f"base_url must be str, not {type(given).__name__}")
    try:
        url = httpx.URL(given)
    except httpx.InvalidURL:
        raise ValueError("base_url is not a valid URL") from None
    if url.scheme not in ("http", "https") or not url.host:
        raise ValueError("base_url must be an http:// or https:// URL with a host")
    if url.userinfo or url.query or url.fragment:
        # Credentials go in headers (the auth classes), never in URLs, which end up in logs and errors.
        raise ValueError("base_url must not hold credentials, a query or a fragment")
    return str(url.copy_with(path=url.path.rstrip("/") or "")).rstrip("/")


def _check_auth(dialect: str, auth: httpx.Auth | None) -> httpx.Auth | None:
    if auth is None:
        return None
    if not isinstance(auth, httpx.Auth):
        raise TypeError(f"auth must be an httpx.Auth (e.g. ChirpAuth), not {type(auth).__name__}")
    expected = _VENDORS.get(dialect)
    if expected is not None and isinstance(auth, VendorAuth) and not isinstance(auth, expected[0]):
        # Another vendor's credentials would be sent to this vendor.
        raise TypeError(f"{dialect} takes {expected[0].__name__}, not {type(auth).__name__}")
    return auth


def _masked_headers(headers: httpx.Headers) -> dict[str, str]:
    """The headers as sent, credentials masked (an Authorization header keeps its scheme: ``Bearer ***``)."""
    masked: dict[str, str] = {}
    for raw_name, raw_value in headers.raw:
        name = raw_name.decode("latin-1").lower()
        if name in _SECRET_HEADERS:
            scheme, space, _ = raw_value.partition(b" ") if name.endswith("authorization") else (b"", b"", b"")
            masked[name] = f"{scheme.decode('latin-1')} ***" if space else "***"
        else:
            masked[name] = raw_value.decode("latin-1")
    return masked


def _redacted(value: Any, depth: int = 0) -> Any:
    if depth > 64:
        return "..."
    if isinstance(value, dict):
        return {
            key: "***"
            if isinstance(key, str) and any(word in key.lower() for word in _SECRET_KEYS)
            else _redacted(item, depth + 1)
            for key, item in value.items()
        }
    if isinstance(value, list):
        return [_redacted(item, depth + 1) for item in value]
    return value


@attrs.define(slots=True, kw_only=True)
class _Send:
    """One ``send``: the encoded request (built once, re-sent as is) and its progress."""

    command: str
    call_id: str | None
    command_id: str | None
    idempotent: bool
    translation: Any = attrs.field(repr=False)  # a Dial body may hold a SIP password (tracebacks show locals)
    request: httpx.Request
    started: float
    attempts: int = 0
    delay: float = 0.0


class _Core:
    """Encoding, the retry decision, logging and decoding: everything but the I/O."""

    def __init__(
        self,
        dialect: str | Dialect,
        *,
        base_url: str | None,
        auth: httpx.Auth | None,
        retry: Retry | None,
        timeout: httpx.Timeout | float | None,
        rate_limit: RateLimit | None,
        log_bodies: bool,
        clock: Callable[[], float],
        random: Callable[[], float],
    ) -> None:
        self.dialect = get_dialect(dialect) if isinstance(dialect, str) else dialect
        if not isinstance(self.dialect, Dialect):
            raise TypeError(f"dialect must be a dialect name or a Dialect, not {type(dialect).__name__}")
        name = self.dialect.name
        self.base_url = _base_url(name, base_url)
        self.auth = _check_auth(name, auth)
        if retry is not None and not isinstance(retry, Retry):
            raise TypeError(f"retry must be a Retry or None, not {type(retry).__name__}")
        self.retry = NO_RETRY if retry is None else retry
        self.timeout = httpx.Timeout(timeout) if not isinstance(timeout, httpx.Timeout) else timeout
        self._urls: dict[str, httpx.URL] = {}
        if rate_limit is not None and not isinstance(rate_limit, RateLimit):
            raise TypeError(f"rate_limit must be a RateLimit or None, not {type(rate_limit).__name__}")
        self.rate_limit = rate_limit
        self.window = None if rate_limit is None else _Window(rate_limit)
        self.log_bodies = log_bodies
        self.clock = clock
        self.random = random

    def describe(self, kind: str) -> str:
        retry = "" if self.retry == Retry() else f", retry={self.retry!r}"
        return f"{kind}({self.dialect.name!r}, base_url={self.base_url!r}, auth={self.auth!r}{retry})"

    # -- before sending

    def prepare(
        self, http: httpx.Client | httpx.AsyncClient, command: Command, call_id: str | None, command_id: str | None,
        policy: Policy,
    ) -> _Send:  # fmt: skip
        idempotent = self.dialect.carries_command_id
        if idempotent and command_id is None:
            command_id = str(uuid.uuid4())  # once per send: every attempt carries the same key
        translation = self.dialect.encode(command, call_id=call_id, command_id=command_id, policy=policy)
        wire: HttpRequest = translation.value
        headers = {"Content-Type": "application/json", "Accept": "application/json", **wire.headers}
        content = b"" if wire.body is None else _ENCODER.encode(wire.body).encode("utf-8")
        request = http.build_request(
            wire.method, self._url(wire.path), content=content, headers=headers, timeout=self.timeout
        )
        return _Send(
            command=type(command).__name__,
            call_id=call_id,
            command_id=command_id if idempotent else None,
            idempotent=idempotent,
            translation=translation,
            request=request,
            started=self.clock(),
        )

    def _url(self, path: str) -> httpx.URL:
        """``base_url + path``, parsed once per path (httpx parses a string on every request: 20 µs)."""
        url = self._urls.get(path)
        if url is None:
            if len(self._urls) >= _MAX_URLS:  # one entry per call id for some dialects: bounded
                self._urls.clear()
            url = self._urls[path] = httpx.URL(self.base_url + path)
        return url

    def reserve(self) -> float:
        return 0.0 if self.window is None else self.window.reserve(self.clock())

    # -- the retry decision

    def plan(self, send: _Send, failure: BaseException | None) -> bool:
        """Whether to try again after ``failure``; sets ``send.delay`` to the wait before the next attempt."""
        retry = self.retry
        if failure is None or send.attempts >= retry.attempts:
            return False
        wait: float | None = None
        if isinstance(failure, _RetryableReply):
            status = failure.response.status_code
            if status in _TRY_LATER:
                wait = retry_after(failure.response.headers)
                if wait is not None and wait > retry.retry_after_cap:
                    return False
            elif not send.idempotent:
                return False
        elif isinstance(failure, _NOT_SENT):
            if isinstance(failure, httpx.UnsupportedProtocol):  # a wrong URL: the next try fails the same way
                return False
        elif not (send.idempotent and isinstance(failure, _TRANSIENT)):
            return False
        if wait is None:
            ceiling = min(retry.backoff_max, retry.backoff * 2.0 ** min(send.attempts - 1, 64))
            wait = self.random() * ceiling
        if self.clock() + wait > send.started + retry.deadline:
            return False
        send.delay = wait
        return True

    def retrying_options(self, send: _Send) -> dict[str, Any]:
        """tenacity's arguments for the attempts after the first: the decision and the wait are ours.

        tenacity (which stamina wraps) runs the retry loop: stamina's sleeps are time.sleep and
        asyncio.sleep and its clock tenacity's monotonic one, none injectable per client, while the
        clock, sleep and random source must be (instant, deterministic tests). The loop is entered only
        after a first attempt failed: building it costs ~30-40 µs (measured: about 10% of a loopback
        send on the reference machine), which the common case, a first attempt that succeeds, skips.
        """
        return {
            "retry": lambda state: self.plan(send, state.outcome.exception() if state.outcome else None),
            "wait": lambda state: send.delay,
            "reraise": True,
        }

    @staticmethod
    def outcome(failure: BaseException) -> httpx.Response | httpx.HTTPError:
        """What a failed last attempt leaves: the vendor's answer, or httpx's error."""
        if isinstance(failure, _RetryableReply):
            return failure.response
        assert isinstance(failure, httpx.HTTPError)
        return failure

    def result(self, send: _Send, outcome: httpx.Response | httpx.HTTPError) -> Sent:
        if isinstance(outcome, httpx.HTTPError):
            error = self.transport_error(send, outcome)
            del outcome  # raised outside any except block: no __context__ holding httpx's request
            raise error
        return self.finish(send, outcome)

    # -- observability

    def log_attempt(self, send: _Send, started: float, *, response: httpx.Response | None, error: str | None) -> None:
        status: int | str = response.status_code if response is not None else (error or "error")
        level = logging.INFO if response is not None and response.status_code < 400 else logging.WARNING
        if not logger.isEnabledFor(level):
            return
        elapsed_ms = round((self.clock() - started) * 1000.0, 3)
        extra: dict[str, Any] = {
            "dialect": self.dialect.name,
            "command": send.command,
            "call_id": send.call_id,
            "command_id": send.command_id,
            "status": status,
            "attempt": send.attempts,
            "elapsed_ms": elapsed_ms,
        }
        if self.log_bodies:
            extra["request_body"] = _redacted(send.translation.value.body)
            extra["response_body"] = None if response is None else _redacted(to_http_response(response).body)
        logger.log(
            level,
            "%s %s call=%s: %s (attempt %d, %.1f ms)",
            self.dialect.name,
            send.command,
            send.call_id,
            status,
            send.attempts,
            elapsed_ms,
            extra=extra,
        )

    # -- after sending

    def transport_error(self, send: _Send, failure: httpx.HTTPError) -> TransportError:
        detail = str(failure).splitlines()[0][:200] if str(failure) else ""
        reason = f"{type(failure).__name__}: {detail}" if detail else type(failure).__name__
        return TransportError(
            reason,
            may_have_reached=not isinstance(failure, _NOT_SENT),
            attempts=send.attempts,
            dialect=self.dialect.name,
            command=send.command,
        )

    def finish(self, send: _Send, response: httpx.Response) -> Sent:
        try:
            receipt = self.dialect.decode_response(to_http_response(response))
        except ProviderError as exc:
            exc.attempts = send.attempts
            raise
        wire: HttpRequest = send.translation.value
        return Sent(
            receipt=receipt,
            request=HttpRequest(
                method=wire.method, path=wire.path, body=wire.body, headers=_masked_headers(response.request.headers)
            ),
            report=send.translation.report,
            attempts=send.attempts,
            command_id=send.command_id,
            status=response.status_code,
        )


# ---------------------------------------------------------------- the clients


#: callglot's auths (exactly these classes: a subclass may override its flow).
_SINGLE_SHOT_AUTHS: Final = (BearerAuth, ChirpAuth, SignalWireAuth, GatewayAuth)


def _single_shot(auth: httpx.Auth | None) -> bool:
    """Whether a client may skip ``httpx.Client.send`` and call its own pool's transport.

    ``send`` runs machinery a vendor command needs none of: the auth flow as a generator protocol
    (challenges, body-reading auths), redirects (off here), cookies (vendors' APIs set none), event
    hooks (none on a client callglot made) and a response stream wrapper. It costs about 140 µs
    of CPU per request, a quarter of the proxy's HTTP client cost (measured on loopback). Taken only
    for a client that made its own httpx client and has no auth or one of callglot's, whose flow
    sets headers and yields once; any other ``httpx.Auth`` (digest, a user's) goes through ``send``.
    """
    return auth is None or type(auth) in _SINGLE_SHOT_AUTHS


def _authorise(auth: httpx.Auth | None, request: httpx.Request) -> None:
    """Run a single-shot auth's one step: it sets its headers on ``request``."""
    if auth is not None:
        flow = auth.auth_flow(request)
        next(flow)
        flow.close()


class Client:
    """A synchronous client for one vendor account: ``send`` commands, get receipts.

    ``dialect``: a registered dialect's name (or a Dialect). ``base_url``: the vendor's API root
    (Chirp has a default; SignalWire needs ``https://{space}.signalwire.com``; the gateway and the
    canonical dialect need theirs). ``auth``: the vendor's credentials class. ``retry``: a
    :class:`Retry` (None: one attempt). ``timeout``: seconds or an ``httpx.Timeout`` (default connect
    5 s, read 15 s). ``http_client``: an ``httpx.Client`` to use instead of a new pooled one (not
    closed by this client). ``rate_limit``: an optional :class:`RateLimit` (e.g.
    ``RateLimit.documented("chirp")``). ``log_bodies``: also log the bodies (credentials-like keys
    masked). ``clock``/``sleep``/``random``: injectable for tests.
    """

    def __init__(
        self,
        dialect: str | Dialect,
        *,
        base_url: str | None = None,
        auth: httpx.Auth | None = None,
        retry: Retry | None = Retry(),
        timeout: httpx.Timeout | float | None = DEFAULT_TIMEOUT,
        http_client: httpx.Client | None = None,
        rate_limit: RateLimit | None = None,
        log_bodies: bool = False,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
        random: Callable[[], float] = _random.random,
    ) -> None:
        self._core = _Core(
            dialect,
            base_url=base_url,
            auth=auth,
            retry=retry,
            timeout=timeout,
            rate_limit=rate_limit,
            log_bodies=log_bodies,
            clock=clock,
            random=random,
        )
        if http_client is not None and not isinstance(http_client, httpx.Client):
            raise TypeError(f"http_client must be an httpx.Client, not {type(http_client).__name__}")
        self._owned = http_client is None
        # trust_env=False: proxy variables must not route credentials elsewhere; no redirects: a redirect
        # could carry them to another host (reference/security.md §1.1, §3.2).
        self._transport = httpx.HTTPTransport(trust_env=False) if http_client is None else None
        self._http = http_client or httpx.Client(
            transport=self._transport, timeout=self._core.timeout, trust_env=False, follow_redirects=False
        )
        self._sleep = sleep
        self._auth: Any = self._core.auth if self._core.auth is not None else httpx.USE_CLIENT_DEFAULT
        self._direct = self._transport is not None and _single_shot(self._core.auth)

    @property
    def dialect(self) -> Dialect:
        return self._core.dialect

    @property
    def base_url(self) -> str:
        return self._core.base_url

    def send(
        self,
        command: Command,
        *,
        call_id: str | None = None,
        command_id: str | None = None,
        policy: Policy = Policy.STRICT,
    ) -> Sent:
        """Send ``command`` (to the call ``call_id``; Dial places a new call: its receipt names it).

        Raises EncodeError before sending, ProviderError when the vendor said no, TransportError
        when no answer came.
        """
        core = self._core
        send = core.prepare(self._http, command, call_id, command_id, policy)
        try:
            outcome: httpx.Response | httpx.HTTPError = self._attempt(send)
        except (_RetryableReply, httpx.HTTPError) as failure:
            outcome = self._retry(send, failure)
        return core.result(send, outcome)

    def _retry(self, send: _Send, failure: BaseException) -> httpx.Response | httpx.HTTPError:
        core = self._core
        if not core.plan(send, failure):
            return core.outcome(failure)
        self._sleep(send.delay)
        try:
            for attempt in tenacity.Retrying(sleep=self._sleep, **core.retrying_options(send)):
                with attempt:
                    return self._attempt(send)
        except (_RetryableReply, httpx.HTTPError) as last:
            return core.outcome(last)
        raise AssertionError("unreachable: tenacity returns or raises")  # pragma: no cover

    def _attempt(self, send: _Send) -> httpx.Response:
        core = self._core
        wait = core.reserve()
        if wait > 0:
            self._sleep(wait)
        send.attempts += 1
        started = core.clock()
        try:
            response = (
                self._send_direct(send.request) if self._direct else self._http.send(send.request, auth=self._auth)
            )
        except httpx.HTTPError as exc:
            core.log_attempt(send, started, response=None, error=type(exc).__name__)
            raise
        core.log_attempt(send, started, response=response, error=None)
        if response.status_code in _TRY_LATER or response.status_code >= 500:
            raise _RetryableReply(response)
        return response

    def _send_direct(self, request: httpx.Request) -> httpx.Response:
        """What ``httpx.Client.send`` does for this client, without its per-request machinery
        (see :func:`_single_shot`): the auth's one step, then the pool's transport."""
        _authorise(self._core.auth, request)
        assert self._transport is not None
        response = self._transport.handle_request(request)
        response.request = request
        try:
            response.read()
        finally:
            response.close()
        return response

    def close(self) -> None:
        """Close the pooled connections (not those of an ``http_client`` passed in)."""
        if self._owned:
            self._http.close()

    def __enter__(self) -> Client:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return self._core.describe("Client")

    def __reduce__(self) -> NoReturn:
        refuse_pickle(self)


class AsyncClient:
    """The asynchronous twin of :class:`Client` (same arguments; ``sleep`` is a coroutine function)."""

    def __init__(
        self,
        dialect: str | Dialect,
        *,
        base_url: str | None = None,
        auth: httpx.Auth | None = None,
        retry: Retry | None = Retry(),
        timeout: httpx.Timeout | float | None = DEFAULT_TIMEOUT,
        http_client: httpx.AsyncClient | None = None,
        rate_limit: RateLimit | None = None,
        log_bodies: bool = False,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = anyio.sleep,
        random: Callable[[], float] = _random.random,
    ) -> None:
        self._core = _Core(
            dialect,
            base_url=base_url,
            auth=auth,
            retry=retry,
            timeout=timeout,
            rate_limit=rate_limit,
            log_bodies=log_bodies,
            clock=clock,
            random=random,
        )
        if http_client is not None and not isinstance(http_client, httpx.AsyncClient):
            raise TypeError(f"http_client must be an httpx.AsyncClient, not {type(http_client).__name__}")
        self._owned = http_client is None
        self._transport = httpx.AsyncHTTPTransport(trust_env=False) if http_client is None else None
        self._http = http_client or httpx.AsyncClient(
            transport=self._transport, timeout=self._core.timeout, trust_env=False, follow_redirects=False
        )
        self._sleep = sleep
        self._auth: Any = self._core.auth if self._core.auth is not None else httpx.USE_CLIENT_DEFAULT
        self._direct = self._transport is not None and _single_shot(self._core.auth)

    @property
    def dialect(self) -> Dialect:
        return self._core.dialect

    @property
    def base_url(self) -> str:
        return self._core.base_url

    async def send(
        self,
        command: Command,
        *,
        call_id: str | None = None,
        command_id: str | None = None,
        policy: Policy = Policy.STRICT,
    ) -> Sent:
        """See :meth:`Client.send`."""
        core = self._core
        send = core.prepare(self._http, command, call_id, command_id, policy)
        try:
            outcome: httpx.Response | httpx.HTTPError = await self._attempt(send)
        except (_RetryableReply, httpx.HTTPError) as failure:
            outcome = await self._retry(send, failure)
        return core.result(send, outcome)

    async def _retry(self, send: _Send, failure: BaseException) -> httpx.Response | httpx.HTTPError:
        core = self._core
        if not core.plan(send, failure):
            return core.outcome(failure)
        await self._sleep(send.delay)
        try:
            async for attempt in tenacity.AsyncRetrying(sleep=self._sleep, **core.retrying_options(send)):
                with attempt:
                    return await self._attempt(send)
        except (_RetryableReply, httpx.HTTPError) as last:
            return core.outcome(last)
        raise AssertionError("unreachable: tenacity returns or raises")  # pragma: no cover

    async def _attempt(self, send: _Send) -> httpx.Response:
        core = self._core
        wait = core.reserve()
        if wait > 0:
            await self._sleep(wait)
        send.attempts += 1
        started = core.clock()
        try:
            if self._direct:
                response = await self._send_direct(send.request)
            else:
                response = await self._http.send(send.request, auth=self._auth)
        except httpx.HTTPError as exc:
            core.log_attempt(send, started, response=None, error=type(exc).__name__)
            raise
        core.log_attempt(send, started, response=response, error=None)
        if response.status_code in _TRY_LATER or response.status_code >= 500:
            raise _RetryableReply(response)
        return response

    async def _send_direct(self, request: httpx.Request) -> httpx.Response:
        """See :meth:`Client._send_direct`."""
        _authorise(self._core.auth, request)
        assert self._transport is not None
        response = await self._transport.handle_async_request(request)
        response.request = request
        try:
            await response.aread()
        finally:
            await response.aclose()
        return response

    async def aclose(self) -> None:
        """Close the pooled connections (not those of an ``http_client`` passed in)."""
        if self._owned:
            await self._http.aclose()

    async def __aenter__(self) -> AsyncClient:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()

    def __repr__(self) -> str:
        return self._core.describe("AsyncClient")

    def __reduce__(self) -> NoReturn:
        refuse_pickle(self)
