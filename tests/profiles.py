"""The registry's dialects as the generic tests see them: each one's TestProfile, what is derived, its fixtures.

``DIALECTS`` is the registry when the test session starts (``conftest.py`` imports this module first):
the built-in dialects and those installed through the ``callglot.dialects`` entry points. A dialect a
test registers for itself later is not in it, so it cannot break the generic tests.

What a dialect declares is in its ``test_profile`` (``callglot.adapters.testing.TestProfile``); the
rest is derived here from its API: the path of a command (``command_request``), of a dial
(``dial_path``), the body key of the idempotency key (``command_id_key``), the command and event types
(``command_tags``, ``event_tags``, read off its schemas). The example wire messages are the files in
``tests/fixtures/<dialect>/`` (``fixtures``; see ``tests/fixtures/README.md``).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

import attrs

import callglot
from callglot.adapters.testing import TestProfile
from callglot.canonical import Destination, Dial, Hangup
from callglot.capabilities import Policy, Support
from callglot.schemas import load_schema

__all__ = [
    "DIALECTS",
    "FIXTURES",
    "KINDS",
    "Fixture",
    "command_id_key",
    "command_path",
    "command_request",
    "command_tags",
    "dial_path",
    "event_tags",
    "fixture_params",
    "fixtures",
    "profile",
    "repeatable",
]

DIALECTS: tuple[str, ...] = callglot.dialects()
FIXTURES = Path(__file__).parent / "fixtures"
#: The fixture folders under tests/fixtures/<dialect>/: what is in them is wire requests of these kinds.
KINDS = ("positive", "negative", "events/positive", "events/negative")
#: The keys of a fixture file that are not part of the request document.
META = frozenset({"description", "error_path", "error_part", "schema_rejects", "schema_error_path", "normal_form"})


def profile(name: str) -> TestProfile:
    """The dialect's declared test profile; fails, saying what to add, when it has none."""
    dialect = callglot.get_dialect(name)
    found = type(dialect).test_profile
    assert isinstance(found, TestProfile), (
        f"dialect {name!r} ({type(dialect).__name__}) has no test profile: set the class attribute "
        "`test_profile = TestProfile(...)` (callglot.adapters.testing) so the generic tests know its wire"
    )
    return found


def repeatable(name: str) -> callglot.Dialect:
    """An instance of the dialect whose encodes repeat exactly (the profile's ``repeatable``, else the registry's)."""
    make = profile(name).repeatable
    return callglot.get_dialect(name) if make is None else make()


@cache
def command_request(name: str) -> callglot.HttpRequest:
    """A Hangup for the profile's call id: the dialect's path for a command to a call, and a body."""
    return callglot.get_dialect(name).encode(Hangup(), call_id=profile(name).call_id, policy=Policy.LENIENT).value


def command_path(name: str) -> str:
    return command_request(name).path


#: A dial every dialect that dials can say (LENIENT): two numbers and a call-control URL.
_DIAL = Dial(
    source=Destination(address="+15551230000"),
    destination=Destination(address="+15559876543"),
    swml_url="https://app.example.com/swml",
)


@cache
def dial_path(name: str) -> str | None:
    """Where the dialect places a call (None: it cannot)."""
    dialect = callglot.get_dialect(name)
    if dialect.capabilities[Dial].support is Support.UNSUPPORTED:
        return None
    return dialect.encode(_DIAL, policy=Policy.LENIENT).value.path


@cache
def command_id_key(name: str) -> str | None:
    """The body key that carries the idempotency key (None: the dialect has none)."""
    dialect = callglot.get_dialect(name)
    if not dialect.carries_command_id:
        return None
    body = dialect.encode(Hangup(), call_id=profile(name).call_id, command_id="probe-command-id").value.body
    [key] = [key for key, value in body.items() if value == "probe-command-id"]
    return key


def _tag_values(schema: Any, tag: str) -> Iterator[str]:
    """Every ``const`` / ``enum`` string a schema gives the property ``tag``, at any depth."""
    if isinstance(schema, dict):
        prop = schema.get("properties", {}).get(tag) if isinstance(schema.get("properties"), dict) else None
        if isinstance(prop, dict):
            if isinstance(prop.get("const"), str):
                yield prop["const"]
            yield from (value for value in prop.get("enum", ()) if isinstance(value, str))
        for value in schema.values():
            yield from _tag_values(value, tag)
    elif isinstance(schema, list):
        for value in schema:
            yield from _tag_values(value, tag)


@cache
def command_tags(name: str) -> frozenset[str]:
    """The command types the dialect's schema names under its command tag (empty when the path names them)."""
    tag = profile(name).command_tag
    return frozenset() if tag is None else frozenset(_tag_values(callglot.get_dialect(name).schema(), tag))


@cache
def event_tags(name: str) -> frozenset[str]:
    """The event types the dialect's webhook schema names under its event tag."""
    return frozenset(_tag_values(load_schema(f"{name}.events"), profile(name).event_tag))


# ---------------------------------------------------------------- fixtures


@attrs.frozen
class Fixture:
    """One fixture file: the request it holds and what it says about it."""

    dialect: str
    kind: str
    file: Path
    request: callglot.HttpRequest
    meta: dict[str, Any]

    @property
    def id(self) -> str:
        return f"{self.dialect}/{self.kind}/{self.file.stem}"

    def document(self) -> dict[str, Any]:
        """The request document a command schema validates (``HttpRequest.to_json()``)."""
        return self.request.to_json()


def _load(name: str, kind: str, file: Path) -> Fixture:
    data = json.loads(file.read_text(encoding="utf-8"))
    assert isinstance(data, dict), f"{file}: a fixture is a JSON object"
    unknown = set(data) - META - {"method", "path", "body", "headers"}
    assert not unknown, f"{file}: unknown keys {sorted(unknown)} (see tests/fixtures/README.md)"
    assert {"method", "path", "body"} <= set(data), f"{file}: method, path and body are required"
    request = callglot.HttpRequest(
        method=data["method"], path=data["path"], body=data["body"], headers=data.get("headers", {})
    )
    return Fixture(name, kind, file, request, {key: data[key] for key in META & set(data)})


def fixtures(name: str, kind: str) -> list[Fixture]:
    """The fixtures of one kind for one dialect, in file name order (none when the folder is missing)."""
    folder = FIXTURES / name / kind
    return [_load(name, kind, file) for file in sorted(folder.glob("*.json"))]


def fixture_params(kind: str) -> list[Any]:
    """pytest params: every fixture of ``kind`` of every dialect, with readable ids."""
    import pytest

    return [pytest.param(f, id=f.id) for name in DIALECTS for f in fixtures(name, kind)]
