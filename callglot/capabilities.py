"""Support levels, policies and translation reports.

Capability data lives in each adapter beside its mapping code; this module only defines its shapes.
:mod:`callglot.matrix` renders the matrix (text, markdown, json) from the dialects' tables, so
behaviour, docs and tests read one source.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from typing import Any, Generic, TypeVar

import attrs

from callglot._frozen import frozen

__all__ = [
    "Adaptation",
    "Capability",
    "Policy",
    "Support",
    "Translation",
]

T = TypeVar("T")


class Support(enum.StrEnum):
    """How well a dialect can say a canonical command."""

    NATIVE = "native"  # lossless both ways
    PARTIAL = "partial"  # some fields or values cannot be said (listed)
    EMULATED = "emulated"  # another wire command has the same observable effect
    UNSUPPORTED = "unsupported"  # no way to say it; the note names the alternative


class Policy(enum.Enum):
    """What to do when a translation would lose information."""

    STRICT = "strict"  # raise (the default)
    LENIENT = "lenient"  # drop or emulate, and report every adaptation


class Action(enum.StrEnum):
    DROPPED = "dropped"
    EMULATED = "emulated"
    GENERATED = "generated"


@frozen(kw_only=True)
class Adaptation:
    """One thing a translation changed: names only, never values."""

    command: str
    action: Action
    field: str | None = None
    note: str = ""

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"command": self.command, "action": str(self.action)}
        if self.field is not None:
            out["field"] = self.field
        if self.note:
            out["note"] = self.note
        return out


@frozen(kw_only=True)
class Translation(Generic[T]):
    """A translated value and the report of what was adapted to produce it."""

    value: T
    report: tuple[Adaptation, ...] = ()


def _fields(value: Mapping[str, str]) -> Mapping[str, str]:
    return dict(value)


@frozen(kw_only=True)
class Capability:
    """A dialect's support for one canonical command.

    ``fields`` maps each field (or value) the dialect may be unable to say to
    why; encoding consults it, so a loss that is not declared here is a bug.
    """

    support: Support
    note: str = ""
    fields: Mapping[str, str] = attrs.field(factory=dict, converter=_fields, hash=False)

    def describe(self) -> str:
        """The note plus the lossy fields, one line."""
        parts = [self.note] if self.note else []
        parts += [f"{name}: {why}" for name, why in self.fields.items()]
        return "; ".join(parts)


NATIVE = Capability(support=Support.NATIVE)


def native(note: str = "") -> Capability:
    return Capability(support=Support.NATIVE, note=note)


def partial(note: str = "", **fields: str) -> Capability:
    return Capability(support=Support.PARTIAL, note=note, fields=fields)


def emulated(note: str, **fields: str) -> Capability:
    return Capability(support=Support.EMULATED, note=note, fields=fields)


def unsupported(note: str) -> Capability:
    return Capability(support=Support.UNSUPPORTED, note=note)
