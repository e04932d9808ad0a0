"""Any JSON or text given to a decoder decodes or raises DecodeError: nothing else escapes."""

from __future__ import annotations

import copy

import pytest
from dialect_cells import SAID, command_cells, sayable
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from profiles import DIALECTS, command_path, command_request, command_tags, dial_path, fixtures, profile
from strategies import any_json

import callglot
from callglot.canonical import COMMANDS
from callglot.capabilities import Policy

CALL_ID = "3fa85f64-5717-4562-b3fc-2c963f66afa6"

json_values = any_json()


def fuzz_paths(name: str) -> list[str]:
    """The dialect's own paths (derived, and those of its fixtures), near misses, and broken call ids."""
    dial = dial_path(name)
    own = {command_path(name), *(f.request.path for f in fixtures(name, "positive")), *([dial] if dial else [])}
    call_id = profile(name).call_id
    broken = {command_path(name).replace(call_id, bad) for bad in ("", "..", "a b", "%2e%2e", "a/b")}
    return sorted({*own, *profile(name).wrong_paths, *broken, "/", "/x"})


def decode_or_decode_error(name: str, request: callglot.HttpRequest) -> None:
    try:
        decoded = callglot.get_dialect(name).decode(request)
    except callglot.DecodeError as exc:
        assert exc.path.startswith("$")
        assert exc.reason
        assert "\n" not in str(exc)
    else:
        assert type(decoded.command) in COMMANDS


@pytest.mark.parametrize("name", DIALECTS)
@given(data=st.data(), body=json_values)
def test_any_json_body(name: str, data: st.DataObject, body: object) -> None:
    path = data.draw(st.sampled_from(fuzz_paths(name)))
    tag = profile(name).command_tag
    if tag is not None and isinstance(body, dict) and data.draw(st.booleans()):
        body[tag] = data.draw(st.sampled_from(sorted(command_tags(name)) or ["x"]))  # any known tag, past dispatch
    decode_or_decode_error(name, callglot.HttpRequest(method="POST", path=path, body=body))


@pytest.mark.parametrize("name", DIALECTS)
@given(text=st.text(max_size=50), method=st.sampled_from(["POST", "GET", "post", ""]))
def test_text_bodies_and_odd_methods(name: str, text: str, method: str) -> None:
    decode_or_decode_error(name, callglot.HttpRequest(method=method, path=text or "/", body=text))


@pytest.mark.parametrize(("name", "cls"), command_cells(*SAID), ids=lambda v: getattr(v, "__name__", str(v)))
@settings(suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(data=st.data(), junk=json_values)
def test_mutated_valid_messages(name: str, cls: type, data: st.DataObject, junk: object) -> None:
    """Start from a valid message and break one spot: drop, retype or add a key, at any depth.

    An added key may be a non-string, as in a body built in Python rather than parsed from JSON.
    """
    command = data.draw(sayable(name, cls))
    request = callglot.get_dialect(name).encode(command, call_id=CALL_ID, policy=Policy.LENIENT).value
    body = request.body
    spots = list(_spots(body))
    # An empty body (the gateway's path-only commands) can only gain a key.
    parent, key = data.draw(st.sampled_from(spots)) if spots else (body, "key")
    adds = ["add", "add a non-string key"]
    action = data.draw(st.sampled_from(["drop", "replace", *adds] if spots else adds))
    if action == "drop" and isinstance(parent, dict):
        del parent[key]
    elif action == "add" and isinstance(parent, dict):
        parent[f"{key}_extra"] = junk
    elif action == "add a non-string key" and isinstance(parent, dict):
        parent[data.draw(st.sampled_from([1, None, 1.5, (1, 2)]))] = junk
    else:
        parent[key] = junk
    decode_or_decode_error(name, callglot.HttpRequest(method="POST", path=request.path, body=body))


def _spots(value: object):  # type: ignore[no-untyped-def]
    if isinstance(value, dict):
        for key, item in value.items():
            yield value, key
            yield from _spots(item)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield value, index
            yield from _spots(item)


def _requests(name: str) -> list[callglot.HttpRequest]:
    """The dialect's own requests: a derived Hangup and its positive fixtures."""
    return [command_request(name), *(f.request for f in fixtures(name, "positive"))]


@pytest.mark.parametrize("name", DIALECTS)
@example(depth=5000)
@given(depth=st.integers(min_value=1, max_value=200))
def test_deep_nesting_is_a_decode_error(name: str, depth: int) -> None:
    """Each value of each of the dialect's own requests in turn, free-form JSON included, nested ``depth`` deep."""
    nested: object = "x"
    for _ in range(depth):
        nested = {"a": nested}
    for request in _requests(name):
        body = copy.deepcopy(request.body)
        for parent, key in list(_spots(body)):
            kept = parent[key]
            parent[key] = nested
            decode_or_decode_error(name, callglot.HttpRequest(method="POST", path=request.path, body=body))
            parent[key] = kept
        if isinstance(body, dict):
            decode_or_decode_error(
                name, callglot.HttpRequest(method="POST", path=request.path, body={**body, "x": nested})
            )


def test_unexpected_field_names_are_shown_on_one_line_and_bounded() -> None:
    from callglot.adapters._structure import unexpected_fields

    reason = unexpected_fields(["b", "a\nb", "x" * 100, "c", "d", "e", "f"])
    assert "\n" not in reason
    assert reason.startswith("unexpected field(s): ")
    assert "'a\\nb'" in reason
    assert "x" * 41 not in reason
    assert reason.endswith(" and 2 more")


@pytest.mark.parametrize("name", DIALECTS)
@given(key=st.text(min_size=1, max_size=8).filter(lambda k: not k.isprintable()))
def test_unprintable_unexpected_keys_never_break_the_error_line(name: str, key: str) -> None:
    dialect = callglot.get_dialect(name)
    events = [f.request for f in fixtures(name, "events/positive")]
    for decode, requests in ((dialect.decode, _requests(name)), (dialect.decode_event, events)):
        for request in requests:
            if not isinstance(request.body, dict):
                continue
            for path in (request.path, "/"):
                try:
                    decode(callglot.HttpRequest(method="POST", path=path, body={**request.body, key: 1}))
                except callglot.DecodeError as exc:
                    assert "\n" not in str(exc)
                    assert "\r" not in str(exc)


@pytest.mark.parametrize("name", DIALECTS)
def test_decode_errors_say_which_part_of_the_request_is_wrong(name: str) -> None:
    import pickle

    dialect = callglot.get_dialect(name)
    good = command_request(name)
    wrong = [*profile(name).wrong_paths, good.path[:-1], "/nowhere"]  # declared near misses, a cut-off path
    cases = [
        (callglot.HttpRequest(method="GET", path=good.path, body=good.body), "method"),
        *((callglot.HttpRequest(method="POST", path=path, body=good.body), "path") for path in wrong),
        (callglot.HttpRequest(method="POST", path=good.path, body={**(good.body or {}), "unexpected": 1}), "body"),
    ]
    for request, part in cases:
        with pytest.raises(callglot.DecodeError) as info:
            dialect.decode(request)
        assert info.value.part == part, request
        again = pickle.loads(pickle.dumps(info.value))
        assert (type(again), again.path, again.reason, again.part) == (
            type(info.value),
            info.value.path,
            info.value.reason,
            part,
        )
