"""Every dialect in the registry has a test profile and example wire messages, and they hold.

The files are in ``tests/fixtures/<dialect>/`` (layout: ``tests/fixtures/README.md``): requests the
dialect's schema accepts and its decoder decodes (and re-encodes to the same document), and requests
its decoder refuses at a given JSON path (and its schema refuses too, or accepts, as the file says);
the same for webhooks. A dialect without a profile or without fixtures of each kind fails here, so a
new dialect cannot be forgotten; a dialect a test registers for itself is not part of ``DIALECTS``.
"""

from __future__ import annotations

from typing import Any

import pytest
from jsonschema.exceptions import best_match
from profiles import (
    DIALECTS,
    FIXTURES,
    KINDS,
    Fixture,
    command_request,
    fixture_params,
    fixtures,
    profile,
    repeatable,
)

import callglot
from callglot.adapters.testing import TestProfile
from callglot.canonical import Audio, Play
from callglot.canonical import events as ev
from callglot.capabilities import Policy, Support
from callglot.schemas import validator_for


def problems(name: str) -> list[str]:
    """What a dialect lacks for the generic tests, each said with what to add."""
    out = []
    if not isinstance(type(callglot.get_dialect(name)).test_profile, TestProfile):
        out.append(
            f"dialect {name!r} has no test profile: set `test_profile = TestProfile(...)` on its Dialect class "
            "(callglot.adapters.testing)"
        )
    for kind in KINDS:
        if not fixtures(name, kind):
            out.append(
                f"dialect {name!r} has no {kind} fixtures: add tests/fixtures/{name}/{kind}/*.json "
                "(see tests/fixtures/README.md)"
            )
    return out


@pytest.mark.parametrize("name", DIALECTS)
def test_every_dialect_has_a_test_profile_and_fixtures(name: str) -> None:
    assert problems(name) == []


def test_a_dialect_without_profile_or_fixtures_is_named_with_what_to_add() -> None:
    """A plugin registered by one test: the check names what it lacks; the others never see it."""
    from callglot import adapters
    from callglot.adapters.canonical import CanonicalDialect

    class Plugin(CanonicalDialect):
        name = "plugin-registered-by-a-test"
        test_profile = None

    adapters.register_dialect(Plugin)
    try:
        found = problems(Plugin.name)
        assert found[0].startswith(f"dialect {Plugin.name!r} has no test profile: set `test_profile")
        assert [p.split(":")[0] for p in found[1:]] == [f"dialect {Plugin.name!r} has no {k} fixtures" for k in KINDS]
        assert Plugin.name not in DIALECTS
    finally:
        adapters._registered.pop(Plugin.name, None)
        adapters._loaded.pop(Plugin.name, None)
    assert Plugin.name not in callglot.dialects()


def test_every_fixture_folder_belongs_to_a_dialect() -> None:
    for folder in sorted(p for p in FIXTURES.iterdir() if p.is_dir()):
        kinds = [kind for kind in KINDS if (folder / kind).is_dir()]
        if not kinds:
            continue  # not a dialect's folder (seeds, SDK captures)
        assert folder.name in DIALECTS, f"tests/fixtures/{folder.name}/ is for no registered dialect"
        for kind in kinds:
            stray = [p.name for p in (folder / kind).iterdir() if p.suffix != ".json" and not p.is_dir()]
            assert not stray, f"tests/fixtures/{folder.name}/{kind}/ holds {stray}: one .json file per case"


@pytest.mark.parametrize("name", DIALECTS)
def test_the_profile_fits_the_dialect(name: str) -> None:
    declared = profile(name)
    request = command_request(name)  # the call id is one the dialect encodes for
    if declared.command_tag is not None:
        assert isinstance(request.body.get(declared.command_tag), str), request.body
    event = callglot.get_dialect(name).encode_event(
        ev.CallStateChanged(call_id=declared.call_id, state="ended"), policy=Policy.LENIENT
    )
    assert isinstance(event.value.body.get(declared.event_tag), str), event.value.body
    assert declared.wrong_paths, "a near miss of the dialect's paths, for the wrong-path tests"
    dialect = repeatable(name)
    play = Play(media=(Audio(url="https://cdn.example.com/a.mp3"),))
    if dialect.capabilities[Play].support is not Support.UNSUPPORTED:
        first, second = (dialect.encode(play, call_id=declared.call_id, policy=Policy.LENIENT) for _ in "12")
        assert first == second, "the profile's repeatable instance encodes the same twice"


# ---------------------------------------------------------------- commands


def schema_errors(name: str, document: Any) -> list[Any]:
    return list(validator_for(name).iter_errors(document))


@pytest.mark.parametrize("fixture", fixture_params("positive"))
def test_positive_validates_decodes_and_is_in_normal_form(fixture: Fixture) -> None:
    name = fixture.dialect
    errors = schema_errors(name, fixture.document())
    assert errors == [], [f"{e.json_path}: {e.message}" for e in errors]
    dialect = callglot.get_dialect(name)
    decoded = dialect.decode(fixture.request)
    assert (decoded.call_id is None) is (type(decoded.command) in dialect.call_free)
    if fixture.meta.get("normal_form", True):
        again = dialect.encode(decoded.command, call_id=decoded.call_id, command_id=decoded.command_id)
        assert again.value.to_json() == fixture.document()


@pytest.mark.parametrize("fixture", fixture_params("negative"))
def test_negative_is_refused_where_it_says(fixture: Fixture) -> None:
    name, meta = fixture.dialect, fixture.meta
    assert "error_path" in meta, f"{fixture.file}: a negative says where the decoder refuses it (error_path)"
    assert "schema_rejects" in meta, f"{fixture.file}: a negative says whether the schema refuses it (schema_rejects)"
    where = meta["error_path"]
    if where is None:  # a normal-form rule only the schema enforces
        callglot.get_dialect(name).decode(fixture.request)
        assert meta["schema_rejects"] is True, "a request both accept is no negative"
        assert meta.get("description"), "say why only the schema refuses it"
    else:
        with pytest.raises(callglot.DecodeError) as caught:
            callglot.get_dialect(name).decode(fixture.request)
        assert caught.value.path == where, str(caught.value)
        if "error_part" in meta:
            assert caught.value.part == meta["error_part"]
    errors = schema_errors(name, fixture.document())
    assert bool(errors) is meta["schema_rejects"], "the schema refuses it" if errors else "the schema accepts it"
    if "schema_error_path" in meta:
        best = best_match(errors)
        assert best is not None
        assert best.json_path == meta["schema_error_path"], (best.json_path, best.message)
        if where is not None and where != "$" and meta["schema_error_path"].startswith("$.body"):
            # The decoder reports paths inside the body; the schema's are inside the request document.
            assert same_place(best.validator, meta["schema_error_path"], "$.body" + where[1:]), (where, best.message)


def same_place(keyword: str, schema_path: str, runtime_path: str) -> bool:
    if schema_path == runtime_path:
        return True
    if keyword in ("required", "oneOf", "anyOf", "not") and runtime_path.startswith(schema_path + "."):
        return True  # a missing field or a cross-field rule: the schema names the object, the decoder the field
    # The schema is more precise inside a value the decoder checks as a whole (a union's tag, a SWML document).
    return schema_path.startswith((runtime_path + ".", runtime_path + "["))


# ---------------------------------------------------------------- events


@pytest.mark.parametrize("fixture", fixture_params("events/positive"))
def test_event_positive_validates_decodes_and_is_in_normal_form(fixture: Fixture) -> None:
    name = fixture.dialect
    errors = list(validator_for(f"{name}.events").iter_errors(fixture.request.body))
    assert errors == [], [f"{e.json_path}: {e.message}" for e in errors]
    dialect = callglot.get_dialect(name)
    event = dialect.decode_event(fixture.request)
    assert not isinstance(event, ev.UnknownEvent), "an event type the dialect models"
    if fixture.meta.get("normal_form", True):
        assert dialect.encode_event(event, path=fixture.request.path).value == fixture.request


@pytest.mark.parametrize("fixture", fixture_params("events/negative"))
def test_event_negative_is_refused_where_it_says(fixture: Fixture) -> None:
    name, meta = fixture.dialect, fixture.meta
    assert isinstance(meta.get("error_path"), str), f"{fixture.file}: where the decoder refuses it (error_path)"
    assert "schema_rejects" in meta, f"{fixture.file}: whether the schema refuses it (schema_rejects)"
    with pytest.raises(callglot.DecodeError) as caught:
        callglot.get_dialect(name).decode_event(fixture.request)
    assert caught.value.path == meta["error_path"], str(caught.value)
    errors = list(validator_for(f"{name}.events").iter_errors(fixture.request.body))
    assert bool(errors) is meta["schema_rejects"], "the schema refuses it" if errors else "the schema accepts it"
