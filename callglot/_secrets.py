"""Holding secrets (webhook keys, API credentials) so they never show: shared by signatures and transport.

Standard library only. A secret is checked by functions that *return* the error to raise rather than
raising it, so the caller can drop the secret from its frame first (tracebacks that capture locals do
not show it) and the error has no ``__context__`` holding it.
"""

from __future__ import annotations

from typing import NoReturn, Self

from callglot.errors import InvalidValue

__all__ = ["MASK", "Frozen", "header_secret_problem", "refuse_pickle", "secret_bytes"]

#: What a repr shows in place of a secret.
MASK = "'***'"


def secret_bytes(value: object, field: str) -> tuple[bytes, Exception | None]:
    """A key or secret as bytes (``str`` is UTF-8 encoded), or the error to raise for it.

    The error is built outside any ``except`` block: a ``UnicodeEncodeError`` keeps the whole string in
    ``.object``, and as the refusal's ``__context__`` it would carry the secret along.
    """
    if isinstance(value, str):
        encodable = True
        try:
            raw = value.encode("utf-8")
        except UnicodeEncodeError:
            encodable = False
        if not encodable:
            return b"", InvalidValue(field, "must be encodable as UTF-8 (it holds a lone surrogate)")
    elif isinstance(value, bytes | bytearray):
        raw = bytes(value)
    else:
        return b"", TypeError(f"{field} must be str or bytes, not {type(value).__name__}")
    if not raw:
        # An empty HMAC key would make "verification" accept signatures anyone can compute.
        return b"", InvalidValue(field, "must not be empty")
    return raw, None


def header_secret_problem(raw: bytes, field: str) -> Exception | None:
    """Why ``raw`` cannot be sent as an HTTP header value, or None."""
    if any(byte < 0x20 or byte > 0x7E for byte in raw):
        # Typically a secret read from a file with its trailing newline.
        return InvalidValue(field, "must be visible ASCII (spaces allowed inside), no control characters")
    if raw[:1] == b" " or raw[-1:] == b" ":
        # Frameworks strip it from the received header, which would make every check fail.
        return InvalidValue(field, "must not start or end with whitespace")
    return None


def refuse_pickle(obj: object) -> NoReturn:
    raise TypeError(f"{type(obj).__name__} holds a secret and cannot be pickled")


class Frozen:
    """Immutable, no pickling, copies are the object itself.

    With slots only in the subclass there is no ``__dict__`` for ``vars()`` to dump.
    """

    __slots__ = ()

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError(f"{type(self).__name__} is immutable")

    def __delattr__(self, name: str) -> None:
        raise AttributeError(f"{type(self).__name__} is immutable")

    def __reduce__(self) -> NoReturn:
        refuse_pickle(self)

    def __getstate__(self) -> NoReturn:
        # object.__getstate__ (3.11+) would hand the slots, secret included, to any caller.
        refuse_pickle(self)

    def __copy__(self) -> Self:
        return self

    def __deepcopy__(self, memo: dict[int, object]) -> Self:
        return self
