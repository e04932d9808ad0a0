"""Webhook authenticity checks: SignalWire HMAC signatures and Chirp's shared-secret header.

Pure functions of bytes and headers (no I/O, standard library only). Every
failed check raises the one type :class:`SignatureError`; misuse (a ``str`` or
parsed JSON where the raw body bytes belong) raises ``TypeError``; bad
configuration (an empty key, a bad header name) raises
:class:`~callglot.errors.InvalidValue`. Header values that are not text
(``bytes`` or ``None`` from a framework's raw headers) fail closed with
:class:`SignatureError`.

>>> signer = SignalWireSignature("PSKexample")
>>> headers = signer.sign("https://example.com/hook", b'{"event":"call.state"}')
>>> sorted(headers)
['X-SignalWire-SHA256-Signature', 'X-SignalWire-Signature']
>>> signer.verify("https://example.com/hook", b'{"event":"call.state"}', headers)
>>> signer
SignalWireSignature(signing_key='***')

Secrets stay inside the objects: ``repr``/``str`` are masked, pickling and
``__getstate__`` are refused, a refused secret is not left in the raising
frame's locals nor in the error's ``__context__``, and error messages name only the header and the kind of failure,
never the key, the secret, the expected signature or the received one. The
expected digest is computed and compared in a helper that returns a bool, so
it is not a local variable of the frame that raises (tracebacks that capture
locals do not show it).
"""

from __future__ import annotations

import hmac
from collections.abc import Mapping
from typing import ClassVar

from callglot._secrets import MASK, Frozen, header_secret_problem, secret_bytes
from callglot.errors import CallglotError, InvalidValue

__all__ = ["SharedSecretHeader", "SignalWireSignature", "SignatureError"]

# What a raw body may be: bytes as received (bytearray/memoryview are the same bytes).
Body = bytes | bytearray | memoryview

_HEX_DIGITS = frozenset("0123456789abcdefABCDEF")
# RFC 9110 §5.6.2 tchar.
_TCHAR = frozenset("!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")


class SignatureError(CallglotError):
    """A webhook failed its authenticity check.

    ``kind`` says what went wrong: ``"missing"``, ``"empty"``, ``"malformed"``,
    ``"length"``, ``"ambiguous"`` (the header appears twice with different
    values), ``"mismatch"`` or ``"url"`` (the URL cannot be encoded).
    ``header`` names the header involved, or is None. The message never
    contains a key, a secret or a signature value.
    """

    def __init__(self, kind: str, header: str | None, reason: str) -> None:
        self.kind = kind
        self.header = header
        self.reason = reason
        super().__init__(f"{header}: {reason}" if header else reason)

    def __reduce__(self) -> tuple[type[SignatureError], tuple[str, str | None, str]]:
        return (type(self), (self.kind, self.header, self.reason))


# ---------------------------------------------------------------- helpers


def _body_bytes(body: object) -> bytes:
    if isinstance(body, bytes):
        return body
    if isinstance(body, bytearray | memoryview):
        return bytes(body)
    if isinstance(body, str):
        raise TypeError(
            "body must be the raw request bytes as received, not str: the signature covers the exact bytes "
            "(pass e.g. await request.body() / request.get_data(), not decoded text)"
        )
    raise TypeError(
        f"body must be the raw request bytes as received, not {type(body).__name__}: the signature covers the "
        "exact bytes, never re-serialised JSON"
    )


def _lookup(headers: Mapping[str, str], name: str) -> str | None:
    """The value of header ``name`` (case-insensitive), None when absent.

    Fails closed when a plain mapping holds the name twice (differing only in
    case) with different values, or when the value is not a ``str``.
    """
    items = getattr(headers, "items", None)
    if not callable(items):
        raise TypeError(f"headers must be a mapping of header names to values, not {type(headers).__name__}")
    target = name.lower()
    found: str | None = None
    for key, value in items():
        if not isinstance(key, str) or key.lower() != target:
            continue
        if not isinstance(value, str):
            # bytes or None from a framework's raw headers: fail closed with the one error type a
            # handler catches, not a TypeError it would answer with a 500.
            raise SignatureError("malformed", name, f"header value is {type(value).__name__}, not text")
        if found is not None and value != found:
            raise SignatureError("ambiguous", name, "header appears more than once with different values")
        found = value
    return found


def _parse_hex_digest(value: str, header: str, size: int) -> bytes:
    """Decode a hex signature header of exactly ``size`` bytes (either case), or raise SignatureError."""
    if not value:
        raise SignatureError("empty", header, "header is empty")
    if not all(char in _HEX_DIGITS for char in value):
        raise SignatureError("malformed", header, "header is not a hex string")
    if len(value) != 2 * size:
        raise SignatureError("length", header, f"header must be {2 * size} hex digits")
    return bytes.fromhex(value)


def _hmac_matches(key: bytes, message: bytes, algorithm: str, received: bytes) -> bool:
    # Kept separate so the expected digest never lives in the frame that raises.
    return hmac.compare_digest(hmac.digest(key, message, algorithm), received)


# ---------------------------------------------------------------- SignalWire


class SignalWireSignature(Frozen):
    """SignalWire's webhook signatures over ``url + raw_body`` (no separator).

    ``X-SignalWire-Signature`` is hex HMAC-SHA1 and ``X-SignalWire-SHA256-Signature``
    hex HMAC-SHA256, both keyed with the project Signing Key (``PSK…``, not the
    API token). ``url`` must be exactly the URL configured at SignalWire,
    including its query string. This is the RELAY/SWML/JSON scheme, not the
    Twilio-compatible cXML one (base64 over sorted form parameters).
    """

    __slots__ = ("_key",)

    SHA1_HEADER: ClassVar[str] = "X-SignalWire-Signature"
    SHA256_HEADER: ClassVar[str] = "X-SignalWire-SHA256-Signature"

    _key: bytes

    def __init__(self, signing_key: str | bytes) -> None:
        """Raise InvalidValue (a ValueError) for an empty key, TypeError for a key that is not str/bytes."""
        key, problem = secret_bytes(signing_key, "signing_key")
        if problem is not None:
            del signing_key, key  # not in this frame's locals when it raises
            raise problem
        object.__setattr__(self, "_key", key)

    def __repr__(self) -> str:
        return f"{type(self).__name__}(signing_key={MASK})"

    def sign(self, url: str, body: Body) -> dict[str, str]:
        """Both signature headers for ``body`` delivered to ``url``."""
        message = self._message(url, body, verifying=False)
        return {
            self.SHA1_HEADER: hmac.digest(self._key, message, "sha1").hex(),
            self.SHA256_HEADER: hmac.digest(self._key, message, "sha256").hex(),
        }

    def verify(self, url: str, body: Body, headers: Mapping[str, str]) -> None:
        """Return None if ``headers`` carry a valid signature, else raise SignatureError.

        The SHA-256 header wins when present: if it is wrong (or empty, or
        malformed) the check fails even when the SHA-1 header is right. Without
        it the SHA-1 header is checked. Header names are case-insensitive; hex
        digits may be upper or lower case.
        """
        message = self._message(url, body, verifying=True)
        received = _lookup(headers, self.SHA256_HEADER)
        if received is not None:
            header, algorithm, size = self.SHA256_HEADER, "sha256", 32
        else:
            received = _lookup(headers, self.SHA1_HEADER)
            if received is None:
                raise SignatureError(
                    "missing", None, f"neither {self.SHA256_HEADER} nor {self.SHA1_HEADER} header is present"
                )
            header, algorithm, size = self.SHA1_HEADER, "sha1", 20
        digest = _parse_hex_digest(received, header, size)
        if not _hmac_matches(self._key, message, algorithm, digest):
            raise SignatureError("mismatch", header, "signature does not match")

    @staticmethod
    def _message(url: str, body: Body, *, verifying: bool) -> bytes:
        if not isinstance(url, str):
            raise TypeError(f"url must be str, not {type(url).__name__}")
        raw_body = _body_bytes(body)
        try:
            raw_url = url.encode("utf-8")
        except UnicodeEncodeError:
            if verifying:
                raise SignatureError("url", None, "url is not encodable as UTF-8") from None
            raise InvalidValue("url", "must be encodable as UTF-8") from None
        return raw_url + raw_body


# ---------------------------------------------------------------- shared secret header (Chirp)


class SharedSecretHeader(Frozen):
    """A fixed secret sent in a custom header (Chirp: ``POST /v1/webhooks {url, events[], headers{}}``).

    Register ``headers()`` as the webhook's ``headers`` and call ``verify`` on
    each delivery. The secret must be a usable HTTP header value: visible
    ASCII, inner spaces allowed, no leading or trailing whitespace (frameworks
    strip it, which would make every check fail).
    """

    __slots__ = ("_header", "_secret")

    DEFAULT_HEADER: ClassVar[str] = "X-Webhook-Secret"

    _header: str
    _secret: bytes

    def __init__(self, secret: str | bytes, *, header: str = DEFAULT_HEADER) -> None:
        """Raise InvalidValue (a ValueError) for an empty/unusable secret or a header name that is not a token.

        ``header`` is keyword-only: both arguments are tokens, so a swapped positional call would be
        accepted and would show the secret as the header name in reprs and error messages.
        """
        if not isinstance(header, str):
            raise TypeError(f"header must be str, not {type(header).__name__}")
        if not header or not all(char in _TCHAR for char in header):
            raise InvalidValue("header", "must be a non-empty HTTP token (letters, digits, !#$%&'*+-.^_`|~)")
        raw, problem = secret_bytes(secret, "secret")
        problem = problem or header_secret_problem(raw, "secret")
        if problem is not None:
            del secret, raw  # not in this frame's locals when it raises
            raise problem
        object.__setattr__(self, "_header", header)
        object.__setattr__(self, "_secret", raw)

    @property
    def header(self) -> str:
        """The header name (not secret)."""
        return self._header

    def __repr__(self) -> str:
        # getattr: a traceback that captures locals reprs ``self`` while __init__ is still refusing it.
        return f"{type(self).__name__}(secret={MASK}, header={getattr(self, '_header', None)!r})"

    def headers(self) -> dict[str, str]:
        """The header to register with Chirp's webhook (and to send, when acting as the sender)."""
        return {self._header: self._secret.decode("ascii")}

    def verify(self, headers: Mapping[str, str]) -> None:
        """Return None if the header carries the secret, else raise SignatureError.

        The lookup is case-insensitive; the value is compared byte for byte
        (UTF-8) in constant time, with no trimming or case folding.
        """
        received = _lookup(headers, self._header)
        if received is None:
            raise SignatureError("missing", self._header, "header is missing")
        if not received:
            raise SignatureError("empty", self._header, "header is empty")
        if not hmac.compare_digest(received.encode("utf-8", "surrogatepass"), self._secret):
            raise SignatureError("mismatch", self._header, "secret does not match")
