"""Any JSON or text given to a decoder decodes or raises DecodeError: nothing else escapes."""

from __future__ import annotations

import pytest
from dialect_cells import SAID, command_cells, sayable
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from strategies import any_json

import callglot
from callglot.canonical import COMMANDS, Hangup
from callglot.capabilities import Policy

DIALECTS = callglot.dialects()
CALL_ID = "3fa85f64-5717-4562-b3fc-2c963f66afa6"

json_values = any_json()

PATHS = {
    "canonical": st.sampled_from(["/v1/calls/c1/commands", "/v1/calls", "/v1/calls/../commands", "/x"]),
    "chirp": st.sampled_from(["/v1/calls/c1/commands", "/v1/calls", "/v1/calls//commands", "/v1/calls/a b/commands"]),
    "gateway": st.sampled_from(
        [
            "/api/v1/sessions/s1/commands/hangup",
            "/api/v1/sessions/s1/commands/playback/start",
            "/api/v1/sessions/s1/commands/playback/seek",
            "/api/v1/sessions/s1/commands/conference/join",
            "/api/v1/sessions/s1/commands/nope",
            "/api/v1/sessions/%2e%2e/commands/answer",
        ]
    ),
}
PATHS["signalwire"] = st.sampled_from(["/api/calling/calls", "/api/calling/call", "/"])
TAG_KEYS = {"canonical": "command", "chirp": "type", "gateway": None, "signalwire": "command"}


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
    path = data.draw(PATHS[name])
    tag = TAG_KEYS[name]
    if tag is not None and isinstance(body, dict) and data.draw(st.booleans()):
        known = list(callglot.get_dialect(name).capabilities)  # any known tag, to get past dispatch
        body[tag] = data.draw(st.sampled_from(sorted(_tags(name)) or ["x"]))
        del known
    decode_or_decode_error(name, callglot.HttpRequest(method="POST", path=path, body=body))


def _tags(name: str) -> set[str]:
    if name == "canonical":
        from callglot.canonical import BY_TAG

        return set(BY_TAG)
    if name == "signalwire":
        from callglot.adapters import signalwire

        return {*signalwire.DECODERS, "update"}
    from callglot.adapters import chirp

    return set(chirp.DECODERS)


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


@pytest.mark.parametrize("name", DIALECTS)
@example(depth=5000)
@given(depth=st.integers(min_value=1, max_value=200))
def test_deep_nesting_is_a_decode_error(name: str, depth: int) -> None:
    nested: object = "x"
    for _ in range(depth):
        nested = {"a": nested}
    body = {"command": "user_event", "event": nested, "type": "hold", "musicUrl": nested, "urls": [nested]}
    if name == "signalwire":
        body = {"command": "calling.user_event", "id": CALL_ID, "params": {"event": nested}}
    path = {
        "canonical": "/v1/calls/c1/commands",
        "chirp": "/v1/calls/c1/commands",
        "signalwire": "/api/calling/calls",
    }.get(name, "/api/v1/sessions/s1/commands/playback/start")
    decode_or_decode_error(name, callglot.HttpRequest(method="POST", path=path, body=body))


@pytest.mark.parametrize(
    ("name", "path", "body", "where"),
    [
        ("chirp", "/v1/calls/c1/commands", {"type": "play_audio", "url": "https://169.254.169.254/latest"}, "$.url"),
        ("chirp", "/v1/calls/c1/commands", {"type": "hold", "musicUrl": "http://cdn.example.com/a.mp3"}, "$.musicUrl"),
        ("chirp", "/v1/calls/c1/commands", {"type": "transfer", "destination": "+1"}, "$.destination"),
        (
            "chirp",
            "/v1/calls/c1/commands",
            {"type": "transfer", "destination": "+15551234567", "channel": "sip"},
            "$.channel",
        ),
        ("chirp", "/v1/calls/c1/commands", {"type": "send_dtmf", "digits": "12", "extra": 1}, "$"),
        ("chirp", "/v1/calls/c1/commands", {"type": "send_dtmf"}, "$.digits"),
        (
            "chirp",
            "/v1/calls/c1/commands",
            {"type": "play_audio", "url": "https://a.example.com/x", "loop": "yes"},
            "$.loop",
        ),
        ("chirp", "/v1/calls/c1/commands", {"type": 7}, "$.type"),
        ("chirp", "/v1/calls/c1/commands", {}, "$.type"),
        ("chirp", "/v1/calls", {"from": "+15551230000", "to": "+15559876543", "toChannel": "fax"}, "$.toChannel"),
        ("gateway", "/api/v1/sessions/s1/commands/hangup", {"cause": "busy"}, "$.cause"),
        ("gateway", "/api/v1/sessions/s1/commands/hangup", {"cause": "NOT_A_CAUSE"}, "$.cause"),
        ("gateway", "/api/v1/sessions/s1/commands/hangup", {"command_uid": "a b"}, "$.command_uid"),
        ("gateway", "/api/v1/sessions/s1/commands/playback/start", {"urls": []}, "$.urls"),
        (
            "gateway",
            "/api/v1/sessions/s1/commands/playback/start",
            {"urls": ["https://a.example.com/x", "ftp://b"]},
            "$.urls[1]",
        ),
        (
            "gateway",
            "/api/v1/sessions/s1/commands/playback/start",
            {"urls": ["https://a.example.com/1", "https://a.example.com/2"], "offset_sec": 3},
            "$.offset_sec",
        ),
        ("gateway", "/api/v1/sessions/s1/commands/playback/seek", {"offset_sec": -1}, "$.offset_sec"),
        (
            "canonical",
            "/v1/calls/c1/commands",
            {"command": "play", "media": [{"type": "audio", "url": "https://[::1]/a"}]},
            "$.media[0].url",
        ),
        (
            "canonical",
            "/v1/calls/c1/commands",
            {"command": "tap", "direction": "both", "device": {"type": "rtp", "addr": "10.1.2.3", "port": 5004}},
            "$.device.addr",
        ),
        ("canonical", "/v1/calls/c1/commands", {"command": "hangup", "cause": None}, "$.cause"),
        ("canonical", "/v1/calls/c1/commands", {"command": "play", "media": [], "volume": 1}, "$.media"),
        (
            "canonical",
            "/v1/calls/c1/commands",
            {"command": "play", "media": [{"type": "silence", "duration": 1}], "volume": 99},
            "$.volume",
        ),
    ],
)
def test_bad_messages_point_at_the_offending_spot(name: str, path: str, body: dict[str, object], where: str) -> None:
    with pytest.raises(callglot.DecodeError) as caught:
        callglot.get_dialect(name).decode(callglot.HttpRequest(method="POST", path=path, body=body))
    assert caught.value.path == where, str(caught.value)


def test_unexpected_field_names_are_shown_on_one_line_and_bounded() -> None:
    from callglot.adapters._base import unexpected_fields

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
    for body in ({"type": "hangup", key: 1}, {"command": "calling.end", key: 1}, {"event": "dtmf", key: 1}):
        for decode in (dialect.decode, dialect.decode_event):
            try:
                decode(callglot.HttpRequest(method="POST", path="/", body=body))
            except callglot.DecodeError as exc:
                assert "\n" not in str(exc)
                assert "\r" not in str(exc)


WRONG_PATHS = {
    "canonical": "/v1/calls/c1/command",
    "chirp": "/v1/call/c1/commands",
    "gateway": "/api/v1/sessions/s1/commands/playback/strat",
    "signalwire": "/api/calling/call",
}


@pytest.mark.parametrize("name", DIALECTS)
def test_decode_errors_say_which_part_of_the_request_is_wrong(name: str) -> None:
    import pickle

    dialect = callglot.get_dialect(name)
    good = dialect.encode(Hangup(), call_id=CALL_ID).value
    cases = [
        (callglot.HttpRequest(method="GET", path=good.path, body=good.body), "method"),
        (callglot.HttpRequest(method="POST", path=WRONG_PATHS.get(name, "/nowhere"), body=good.body), "path"),
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
