"""The one exception hierarchy of callglot.

Local errors (the caller asked for something impossible) and remote errors (a
wire message is bad) are separate branches, as in h11. Every class also
subclasses ``ValueError`` so code that predates callglot keeps working.
Messages never carry secrets: they name fields and commands, never the values
of credentials.
"""

from __future__ import annotations

__all__ = [
    "CallglotError",
    "DecodeError",
    "EncodeError",
    "InvalidMessage",
    "InvalidValue",
    "UnknownCommand",
    "UnsafeUrl",
    "UnsupportedCommand",
    "UnsupportedField",
]


class CallglotError(ValueError):
    """Base of every error callglot raises on purpose."""


class InvalidValue(CallglotError):
    """A canonical value was constructed with a bad field.

    ``field`` is the attribute name (``"url"``, ``"digits"``); ``reason`` is a
    one-line explanation that never echoes secret values.
    """

    def __init__(self, field: str, reason: str) -> None:
        self.field = field
        self.reason = reason
        super().__init__(f"{field}: {reason}")

    def __reduce__(self) -> tuple[type[InvalidValue], tuple[str, str]]:
        return (type(self), (self.field, self.reason))


class UnsafeUrl(CallglotError):
    """A URL, host or address fails the safety policy (private, reserved, malformed)."""

    def __init__(self, reason: str) -> None:
        self.reason = reason
        super().__init__(reason)

    def __reduce__(self) -> tuple[type[UnsafeUrl], tuple[str]]:
        return (type(self), (self.reason,))


class EncodeError(CallglotError):
    """The caller asked a dialect to say something it cannot say."""


class UnsupportedCommand(EncodeError):
    """The target dialect has no way to express this command."""

    def __init__(self, dialect: str, command: str, note: str = "") -> None:
        self.dialect = dialect
        self.command = command
        self.note = note
        message = f"{dialect} cannot express {command}"
        super().__init__(f"{message}: {note}" if note else message)

    def __reduce__(self) -> tuple[type[UnsupportedCommand], tuple[str, str, str]]:
        return (type(self), (self.dialect, self.command, self.note))


class UnsupportedField(EncodeError):
    """The target dialect can express the command but not some of its fields or values."""

    def __init__(self, dialect: str, command: str, field: str, note: str = "") -> None:
        self.dialect = dialect
        self.command = command
        self.field = field
        self.note = note
        message = f"{dialect} cannot express {command}.{field}"
        super().__init__(f"{message}: {note}" if note else message)

    def __reduce__(self) -> tuple[type[UnsupportedField], tuple[str, str, str, str]]:
        return (type(self), (self.dialect, self.command, self.field, self.note))


class DecodeError(CallglotError):
    """A wire message is malformed, unknown or invalid.

    ``path`` is a JSON path into the request body (``$.params.play[0].url``);
    ``reason`` is one line. ``part`` is the part of the request at fault: ``"body"``
    (``path`` points into it), or ``"method"`` or ``"path"``, the request line (a
    path-style dialect names its commands and calls in the URL path), where
    ``path`` is ``$``.
    """

    def __init__(self, path: str, reason: str, *, part: str = "body") -> None:
        self.path = path
        self.reason = reason
        self.part = part
        super().__init__(f"{path}: {reason}")

    def __reduce__(self) -> tuple[type[DecodeError], tuple[str, str], dict[str, str]]:
        return (type(self), (self.path, self.reason), {"part": self.part})


class UnknownCommand(DecodeError):
    """The message names a command (tag or route) the dialect does not have."""


class InvalidMessage(DecodeError):
    """The message names a known command but its content is wrong."""
