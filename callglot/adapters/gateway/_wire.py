"""What the gateway's commands, webhooks and responses share on the wire (reference §3).

The one converter every wire class of the package registers with, the ``command_uid``
and Q.850 cause patterns, and the helpers more than one part needs: closed-class
structuring, the ``detail`` object, millisecond conversions, losing set fields.

Milliseconds map to seconds (÷ 1000); encoding back needs whole milliseconds.
"""

from __future__ import annotations

import re
from typing import Any

import attrs

from callglot.adapters import _base, _structure
from callglot.adapters._base import Encoding
from callglot.adapters._structure import structure
from callglot.canonical import HangupCause
from callglot.errors import InvalidMessage

#: Each part registers its own wire classes here (commands, events and responses need not load together).
converter = _structure.make_converter()

COMMAND_UID = r"[a-zA-Z0-9._-]{1,128}"
COMMAND_UID_RE = re.compile(COMMAND_UID)
CAUSE = re.compile(r"[A-Z_]{1,64}")

#: Milliseconds accepted on the wire (about 31 years): below this, ms -> s -> ms is exact.
MAX_MS = 10**12


def check_command_uid(value: str | None, base: str) -> str | None:
    """``value`` (a command's or webhook's ``command_uid`` under ``base``), refused unless it fits the pattern."""
    if value is not None and COMMAND_UID_RE.fullmatch(value) is None:
        raise InvalidMessage(f"{base}.command_uid", "must be 1..128 characters of letters, digits and ._-")
    return value


def hangup_cause(value: str | None, path: str) -> HangupCause | None:
    """A wire ``cause`` (the Q.850 name, in the hangup command and call.hangup alike) at ``path``."""
    if value is None:
        return None
    if CAUSE.fullmatch(value) is None:
        raise InvalidMessage(path, "must match ^[A-Z_]+$ and be at most 64 characters")
    try:
        return HangupCause(value)
    except ValueError:
        raise InvalidMessage(path, "not a known Q.850 cause name") from None


def ms_to_seconds(ms: int | None, path: str) -> float | None:
    return None if ms is None else _base.from_millis(ms, path, MAX_MS)


def seconds_to_ms(value: float, field: str, ctx: Encoding) -> int | None:
    """Whole milliseconds for ``value`` seconds (exact, or a loss: LENIENT rounds, or drops what is out of range)."""
    return _base.to_millis(value, ctx, field, MAX_MS)


def check_detail(value: Any, path: str) -> dict[str, Any] | None:
    """A wire ``detail``: absent is None; present, it must be a JSON object (not null)."""
    if value is _base.ABSENT:
        return None
    if value is None:
        raise InvalidMessage(path, _structure.NULL_NOT_ALLOWED)
    if not isinstance(value, dict):
        raise InvalidMessage(path, "expected a JSON object")
    return value


_KNOWN_KEYS: dict[type, frozenset[str]] = {}


def _wire_keys(cls: type[Any]) -> frozenset[str]:
    """The wire keys of ``cls`` (computed once per class: this runs on every webhook)."""
    known = _KNOWN_KEYS.get(cls)
    if known is None:
        known = _KNOWN_KEYS[cls] = frozenset(_structure.wire_key(cls, a.name) or a.name for a in attrs.fields(cls))
    return known


def structure_closed(data: Any, cls: type[Any], path: str) -> Any:
    """``structure`` for a closed wire class, naming unexpected keys safely (escaped, shortened)."""
    if isinstance(data, dict) and not _wire_keys(cls).issuperset(data):
        known = _wire_keys(cls)
        extra = [key for key in data if key not in known]
        raise _structure.UnexpectedFields(path, extra, _structure.unexpected_fields(extra, known=known))
    return structure(converter, data, cls, path)
