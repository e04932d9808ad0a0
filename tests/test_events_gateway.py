"""The gateway's webhooks and command responses: goldens, round trips, bad input, schema, capabilities.

Normal form of a webhook is the envelope ``{event, session_uuid, sequence?, data}``; the flat form of
the per-event pages decodes to the same event and re-encodes as the envelope. ``file_path`` is written
beside ``urls`` (their comma-joined form) and ``call.answered`` carries ``success: true`` exactly when it
carries ``command_uid``.
"""

from __future__ import annotations

import copy
import json
from typing import Any

import attrs
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator
from strategies import any_json, cells

import callglot
from callglot import HttpRequest, HttpResponse
from callglot.adapters.gateway import CONFERENCE_EVENTS, EVENT_CAPABILITIES, RESPONSE_CAPABILITIES, GatewayDialect
from callglot.canonical.events import (
    EVENTS,
    CallDirection,
    CallState,
    CallStateChanged,
    CommandResult,
    ConferenceEvent,
    DtmfReceived,
    OperationState,
    PlaybackEvent,
    ProviderError,
    Receipt,
    ReceiptStatus,
    RecordingEvent,
    UnknownEvent,
)
from callglot.canonical.types import Channel, Direction, HangupCause, RecordingFormat
from callglot.capabilities import Action, Policy, Support
from callglot.errors import DecodeError, InvalidMessage, UnsupportedCommand, UnsupportedField
from callglot.schemas import load_schema, validator_for

GW = GatewayDialect()
S = "acW68-f47ac10b-58cc-4372-a567-0e02b2c3d479"
OP = "a1b2c3d4-e5f6-7890-abcd-ef1234567890"
A = "https://cdn.example.com/a.wav"
B = "https://cdn.example.com/b,c.wav"  # a comma inside a URL: file_path is still the plain join


def webhook(body: Any) -> HttpRequest:
    return HttpRequest(method="POST", path="/hooks/gateway", body=body)


def decode(body: Any) -> Any:
    return GW.decode_event(webhook(body))


def encode(event: Any, policy: Policy = Policy.STRICT) -> Any:
    return GW.encode_event(event, policy=policy, path="/hooks/gateway")


def envelope(event: str, data: dict[str, Any], sequence: int | None = None) -> dict[str, Any]:
    body: dict[str, Any] = {"event": event, "session_uuid": S}
    if sequence is not None:
        body["sequence"] = sequence
    body["data"] = data
    return body


def flat(event: str, data: dict[str, Any], sequence: int | None = None) -> dict[str, Any]:
    body: dict[str, Any] = {"event": event, "session_uuid": S, **data}
    if sequence is not None:
        body["sequence"] = sequence
    return body


# ---------------------------------------------------------------- goldens: every webhook shape of reference §3.4

GOLDEN_EVENTS: list[tuple[str, dict[str, Any], Any]] = [
    (
        "call.new",
        {"caller_id": "+15551234567", "did": "+15557654321"},
        CallStateChanged(
            call_id=S,
            state=CallState.CREATED,
            direction=CallDirection.INBOUND,
            source="+15551234567",
            destination="+15557654321",
        ),
    ),
    ("call.answered", {}, CallStateChanged(call_id=S, state=CallState.ANSWERED)),
    (
        "call.answered",
        {"command_uid": "answer-0001", "success": True},
        CallStateChanged(call_id=S, state=CallState.ANSWERED, command_id="answer-0001"),
    ),
    ("call.hangup", {}, CallStateChanged(call_id=S, state=CallState.ENDED)),
    (
        "call.hangup",
        {"cause": "USER_BUSY", "command_uid": "hangup-1"},
        CallStateChanged(call_id=S, state=CallState.ENDED, cause=HangupCause.USER_BUSY, command_id="hangup-1"),
    ),
    ("dtmf", {"digit": "#"}, DtmfReceived(call_id=S, digit="#")),
    (
        "playback.started",
        {"command_uid": "pb-1", "urls": [A, B], "file_path": f"{A},{B}"},
        PlaybackEvent(call_id=S, state=OperationState.STARTED, urls=(A, B), command_id="pb-1"),
    ),
    (
        "playback.stopped",
        {"command_uid": "pb-1", "urls": [A], "file_path": A, "offset_ms": 1500, "duration_ms": 4000},
        PlaybackEvent(call_id=S, state=OperationState.FINISHED, urls=(A,), offset=1.5, duration=4.0, command_id="pb-1"),
    ),
    ("playback.stopped", {}, PlaybackEvent(call_id=S, state=OperationState.FINISHED)),
    (
        "playback.file_not_found",
        {"command_uid": "pb-2", "urls": [A], "file_path": A},
        PlaybackEvent(call_id=S, state=OperationState.ERROR, urls=(A,), command_id="pb-2"),
    ),
    (
        "recording.completed",
        {"command_uid": "rec-1", "url": "https://recordings.example.com/r1.wav", "duration_ms": 12345},
        RecordingEvent(
            call_id=S,
            state=OperationState.FINISHED,
            url="https://recordings.example.com/r1.wav",
            duration=12.345,
            command_id="rec-1",
        ),
    ),
    (
        "command.result",
        {"command_uid": "answer-0001", "success": True},
        CommandResult(call_id=S, success=True, command_id="answer-0001"),
    ),
    (
        "command.result",
        {"command_uid": "answer-0002", "success": False, "detail": {"reason": "timeout", "after_ms": 2000}},
        CommandResult(
            call_id=S, success=False, command_id="answer-0002", detail={"reason": "timeout", "after_ms": 2000}
        ),
    ),
]
IDS = [f"{name}-{i}" for i, (name, _, _) in enumerate(GOLDEN_EVENTS)]


def with_envelope(event: Any, sequence: int | None) -> Any:
    import attrs

    return attrs.evolve(event, sequence=sequence)


@pytest.mark.parametrize(("name", "data", "expected"), GOLDEN_EVENTS, ids=IDS)
@pytest.mark.parametrize("sequence", [None, 1, 42])
def test_envelope_decodes_and_reencodes_identically(
    name: str, data: dict[str, Any], expected: Any, sequence: Any
) -> None:
    body = envelope(name, data, sequence)
    event = decode(body)
    assert event == with_envelope(expected, sequence)
    assert event.origin is None  # the gateway keeps nothing in origin
    out = encode(event)
    assert out.report == ()
    assert out.value.method == "POST"
    assert out.value.path == "/hooks/gateway"
    assert out.value.body == body
    assert json.dumps(out.value.body, sort_keys=True) == json.dumps(body, sort_keys=True)  # same JSON types too
    assert list(validator_for("gateway.events").iter_errors(out.value.body)) == []


@pytest.mark.parametrize(("name", "data", "expected"), GOLDEN_EVENTS, ids=IDS)
@pytest.mark.parametrize("sequence", [None, 3])
def test_flat_form_decodes_to_the_same_event_and_reencodes_as_the_envelope(
    name: str, data: dict[str, Any], expected: Any, sequence: Any
) -> None:
    body = flat(name, data, sequence)
    assert list(validator_for("gateway.events").iter_errors(body)) == []
    event = decode(body)
    assert event == with_envelope(expected, sequence)
    assert encode(event).value.body == envelope(name, data, sequence)  # flat is not normal form


def test_the_reference_flat_call_new_example() -> None:
    body = {"event": "call.new", "session_uuid": S, "caller_id": "+15551234567", "did": "+15557654321"}
    assert decode(body) == GOLDEN_EVENTS[0][2]


def test_decoding_ignores_path_and_method() -> None:
    body = envelope("dtmf", {"digit": "1"}, 5)
    for method, path in (("POST", "/"), ("PUT", "/any/where?x=1"), ("post", "")):
        assert GW.decode_event(HttpRequest(method=method, path=path, body=body)) == DtmfReceived(
            call_id=S, sequence=5, digit="1"
        )


def test_call_answered_twice_network_then_command() -> None:
    first = decode(envelope("call.answered", {}, 3))
    second = decode(envelope("call.answered", {"command_uid": "ans-7", "success": True}, 4))
    assert (first.state, first.command_id, first.sequence) == (CallState.ANSWERED, None, 3)
    assert (second.state, second.command_id, second.sequence) == (CallState.ANSWERED, "ans-7", 4)


def test_not_normal_forms_are_accepted_and_normalised() -> None:
    # file_path omitted: re-encoded with it (normal form writes both)
    event = decode(envelope("playback.started", {"urls": [A, B]}))
    assert encode(event).value.body == envelope("playback.started", {"urls": [A, B], "file_path": f"{A},{B}"})
    # command_uid without success on call.answered: re-encoded with success true
    event = decode(envelope("call.answered", {"command_uid": "x"}))
    assert encode(event).value.body == envelope("call.answered", {"command_uid": "x", "success": True})
    # integral floats are integers
    event = decode(envelope("playback.stopped", {"offset_ms": 3.0}, 2.0))  # type: ignore[arg-type]
    assert event.offset == 0.003
    assert event.sequence == 2
    assert encode(event).value.body == envelope("playback.stopped", {"offset_ms": 3}, 2)


# ---------------------------------------------------------------- bad webhooks: clear DecodeErrors

BAD_EVENTS: list[tuple[Any, str, type[DecodeError]]] = [
    (None, "$", InvalidMessage),
    ("call.new", "$", InvalidMessage),
    ([], "$", InvalidMessage),
    ({}, "$.event", InvalidMessage),
    ({"event": 7, "session_uuid": S}, "$.event", InvalidMessage),
    ({"event": 7, "session_uuid": S}, "$.event", InvalidMessage),
    ({"event": "", "session_uuid": S}, "$.event", InvalidMessage),
    ({"event": "call.new"}, "$.session_uuid", InvalidMessage),
    ({"event": "call.new", "session_uuid": "../x"}, "$.session_uuid", InvalidMessage),
    ({"event": "call.new", "session_uuid": None}, "$.session_uuid", InvalidMessage),
    (envelope("call.new", {}, 0), "$.sequence", InvalidMessage),
    (
        envelope("command.result", {"command_uid": "c1", "success": True, "detail": None}),
        "$.data.detail",
        InvalidMessage,
    ),
    (flat("call.new", {}, -1), "$.sequence", InvalidMessage),
    (envelope("call.new", {}) | {"sequence": "1"}, "$.sequence", InvalidMessage),
    ({"event": "call.new", "session_uuid": S, "data": []}, "$.data", InvalidMessage),
    ({"event": "call.new", "session_uuid": S, "data": None}, "$.data", InvalidMessage),
    (envelope("call.new", {"caller_id": None}), "$.data.caller_id", InvalidMessage),
    (envelope("call.new", {"caller_id": ""}), "$.data.caller_id", InvalidMessage),
    (flat("call.new", {"did": "a\nb"}), "$.did", InvalidMessage),
    (envelope("call.answered", {"command_uid": "a", "success": False}), "$.data.success", InvalidMessage),
    (envelope("call.answered", {"success": True}), "$.data.success", InvalidMessage),
    (envelope("call.answered", {"command_uid": "a b"}), "$.data.command_uid", InvalidMessage),
    (envelope("call.hangup", {"cause": "normal_clearing"}), "$.data.cause", InvalidMessage),
    (envelope("call.hangup", {"cause": "NOT_A_CAUSE"}), "$.data.cause", InvalidMessage),
    (envelope("dtmf", {}), "$.data.digit", InvalidMessage),
    (envelope("dtmf", {"digit": "12"}), "$.data.digit", InvalidMessage),
    (envelope("dtmf", {"digit": "a"}), "$.data.digit", InvalidMessage),
    (flat("dtmf", {"digit": 1}), "$.digit", InvalidMessage),
    (envelope("playback.started", {"urls": [A], "file_path": B}), "$.data.file_path", InvalidMessage),
    (envelope("playback.started", {"file_path": A}), "$.data.file_path", InvalidMessage),
    (flat("playback.stopped", {"urls": [A, B], "file_path": f"{A};{B}"}), "$.file_path", InvalidMessage),
    (envelope("playback.started", {"urls": A}), "$.data.urls", InvalidMessage),
    (envelope("playback.started", {"urls": [A, ""]}), "$.data.urls[1]", InvalidMessage),
    (envelope("playback.stopped", {"offset_ms": -1}), "$.data.offset_ms", InvalidMessage),
    (envelope("playback.stopped", {"duration_ms": 10**400}), "$.data.duration_ms", InvalidMessage),
    (envelope("playback.stopped", {"duration_ms": 1.5}), "$.data.duration_ms", InvalidMessage),
    (envelope("recording.completed", {"url": "ftp://x/y"}), "$.data.url", InvalidMessage),
    (envelope("command.result", {}), "$.data.success", InvalidMessage),
    (envelope("command.result", {"success": "true"}), "$.data.success", InvalidMessage),
    (
        envelope("command.result", {"command_uid": "c1", "success": True, "detail": [1]}),
        "$.data.detail",
        InvalidMessage,
    ),
    (envelope("command.result", {"success": True}), "$.data.command_uid", InvalidMessage),  # nothing matches it
]


@pytest.mark.parametrize(("body", "path", "kind"), BAD_EVENTS)
def test_bad_webhooks_give_a_clear_decode_error(body: Any, path: str, kind: type[DecodeError]) -> None:
    with pytest.raises(kind) as info:
        decode(body)
    assert info.value.path == path, info.value
    assert info.value.reason
    assert "\n" not in str(info.value)


def test_an_event_callglot_does_not_model_is_kept_whole() -> None:
    body = {"event": "conference.play.started", "room_id": "acW68-room-x", "name": "s"}
    assert decode(body) == UnknownEvent(dialect="gateway", event_type="conference.play.started", body=body)


def test_not_a_request() -> None:
    with pytest.raises(InvalidMessage):
        GW.decode_event({"event": "dtmf"})  # type: ignore[arg-type]


json_values = any_json()
EVENT_NAMES = [
    "call.new", "call.answered", "call.hangup", "dtmf", "playback.started", "playback.stopped",
    "playback.file_not_found", "recording.completed", "command.result", "conference.created",
    "conference.member.left", "x",
]  # fmt: skip
FIELD_NAMES = [
    "caller_id", "did", "command_uid", "success", "cause", "digit", "urls", "file_path", "offset_ms",
    "duration_ms", "url", "detail", "sequence", "session_uuid",
]  # fmt: skip


@st.composite
def webhook_bodies(draw: st.DrawFn) -> Any:
    """Random JSON, often shaped like a gateway webhook to get past dispatch."""
    kind = draw(st.integers(0, 2))
    if kind == 0:
        return draw(json_values)
    fields = draw(st.dictionaries(st.sampled_from(FIELD_NAMES), json_values, max_size=5))
    body: dict[str, Any] = {"event": draw(st.sampled_from(EVENT_NAMES)), "session_uuid": S}
    if draw(st.booleans()):
        body["session_uuid"] = draw(json_values)
    if kind == 1:
        return body | fields
    return body | {"data": fields if draw(st.booleans()) else draw(json_values)}


@settings(suppress_health_check=[HealthCheck.too_slow])
@given(body=webhook_bodies())
@example(body={"event": "playback.stopped", "session_uuid": S, "data": {"offset_ms": 10**30}})
@example(body={"event": "call.new", "session_uuid": S, "data": {"\n": 0}})
@example(body={"event": "call.new", "session_uuid": S, "a\u2028b": 0})
@example(body={"event": "dtmf", "session_uuid": S, "data": {"digit": "\ud800"}})
@example(body={"event": "command.result", "session_uuid": S, "success": True, "detail": {"a": [[[[]]]]}})
def test_any_json_into_decode_event_gives_an_event_or_decode_error(body: Any) -> None:
    try:
        event = decode(body)
    except DecodeError as exc:
        assert exc.path.startswith("$")
        assert exc.reason
        assert "\n" not in str(exc)
        return
    if isinstance(event, UnknownEvent):  # kept whole: the same body again
        assert encode(event).value.body == body
        return
    assert type(event) in EVENTS
    # whatever decodes re-encodes (normal form) and decodes to the same event
    out = encode(event)
    assert out.report == ()
    assert list(validator_for("gateway.events").iter_errors(out.value.body)) == []
    assert decode(out.value.body) == event


@given(text=st.text(max_size=40))
def test_text_bodies_are_decode_errors(text: str) -> None:
    with pytest.raises(DecodeError):
        decode(text)


# ---------------------------------------------------------------- schema and decoder agree


def test_schema_identity_and_local_refs() -> None:
    schema = load_schema("gateway.events")
    assert schema["$id"] == "urn:callglot:dialect:gateway:events:v1"
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    Draft202012Validator.check_schema(schema)
    refs = [m for m in json.dumps(schema).split('"$ref": ')[1:]]
    assert refs
    assert all(ref.startswith('"#/$defs/') for ref in refs)
    assert "enum" not in schema["properties"]["event"]  # any other name is an UnknownEvent, not an error
    modelled = [rule["if"]["properties"]["event"] for rule in schema["allOf"]]
    assert modelled[0]["enum"] == [name for name in EVENT_NAMES if not name.startswith("conference.") and name != "x"]
    assert [rule["const"] for rule in modelled[1:]] == list(CONFERENCE_EVENTS)


def test_schema_examples_decode_in_both_shapes() -> None:
    schema = load_schema("gateway.events")
    seen = 0
    for name in schema["allOf"][0]["if"]["properties"]["event"]["enum"]:
        definition = schema["$defs"][name.replace(".", "_")]
        for data in definition["examples"]:
            for body in (envelope(name, data, 9), flat(name, data, 9)):
                assert list(validator_for("gateway.events").iter_errors(body)) == [], body
                decode(body)
                seen += 1
    assert seen >= 2 * 9
    for name in CONFERENCE_EVENTS:  # flat, as the conference pages show them: sent back as they came
        for body in schema["$defs"][name.replace(".", "_")]["examples"]:
            assert list(validator_for("gateway.events").iter_errors(body)) == [], body
            assert encode(decode(body)).value.body == body
            seen += 1
    assert seen >= 2 * 9 + 4


@pytest.mark.parametrize(("body", "path", "kind"), BAD_EVENTS)
def test_the_schema_rejects_what_the_decoder_rejects(body: Any, path: str, kind: type[DecodeError]) -> None:
    semantic = {  # rules a JSON Schema cannot say: checked at run time only
        ("playback.started", "$.data.file_path"),
        ("playback.stopped", "$.file_path"),
    }
    event = body.get("event") if isinstance(body, dict) else None
    if (event, path) in semantic and "urls" in (body.get("data") or body):
        return
    assert list(validator_for("gateway.events").iter_errors(body)) != [], body


def response_validator(name: str) -> Draft202012Validator:
    schema = load_schema("gateway.events")
    wrapper = {"$defs": schema["$defs"], "$ref": f"#/$defs/{name}"}
    return Draft202012Validator(wrapper, format_checker=Draft202012Validator.FORMAT_CHECKER)


# ---------------------------------------------------------------- generated events: round trips both ways

call_ids = st.from_regex(r"[A-Za-z0-9][A-Za-z0-9._:-]{0,40}", fullmatch=True)
uids = st.none() | st.from_regex(r"[a-zA-Z0-9._-]{1,40}", fullmatch=True)
sequences = st.none() | st.integers(1, 2**40)
texts = st.text(st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=20)
ms_seconds = st.none() | st.integers(0, 10**12).map(lambda ms: ms / 1000)
urls = st.none() | st.lists(texts, max_size=4).map(tuple)
clean_scalars = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(st.characters(blacklist_categories=("Cs",)), max_size=12)
)
json_objects = st.dictionaries(
    st.text(st.characters(blacklist_categories=("Cs",)), max_size=8),
    st.recursive(clean_scalars, lambda c: st.lists(c, max_size=3), max_leaves=6),
    max_size=4,
)


@st.composite
def gateway_events(draw: st.DrawFn) -> Any:
    """Canonical events the gateway can say without loss."""
    env: dict[str, Any] = {"call_id": draw(call_ids), "sequence": draw(sequences)}
    kind = draw(st.sampled_from(["new", "answered", "ended", "playback", "recording", "result", "dtmf"]))
    if kind == "new":
        return CallStateChanged(
            **env,
            state=CallState.CREATED,
            direction=CallDirection.INBOUND,
            source=draw(st.none() | texts),
            destination=draw(st.none() | texts),
        )
    env["command_id"] = draw(uids)
    if kind == "answered":
        return CallStateChanged(**env, state=CallState.ANSWERED)
    if kind == "ended":
        return CallStateChanged(**env, state=CallState.ENDED, cause=draw(st.none() | st.sampled_from(HangupCause)))
    if kind == "playback":
        state = draw(st.sampled_from([OperationState.STARTED, OperationState.FINISHED, OperationState.ERROR]))
        extra = {}
        if state is OperationState.FINISHED:
            extra = {"offset": draw(ms_seconds), "duration": draw(ms_seconds)}
        return PlaybackEvent(**env, state=state, urls=draw(urls), **extra)
    if kind == "recording":
        url = draw(
            st.none() | st.from_regex(r"https?://[a-z0-9-]{1,20}\.example\.com(/[a-z0-9./_-]{0,30})?", fullmatch=True)
        )
        return RecordingEvent(**env, state=OperationState.FINISHED, url=url, duration=draw(ms_seconds))
    if kind == "result":
        op = draw(st.none() | texts) if env["command_id"] is not None else draw(texts)  # one names its command
        return CommandResult(**env, success=draw(st.booleans()), operation_id=op, detail=draw(st.none() | json_objects))
    del env["command_id"]
    return DtmfReceived(**env, digit=draw(st.sampled_from("0123456789ABCD*#")))


@given(event=gateway_events())
def test_canonical_round_trip_and_schema(event: Any) -> None:
    for policy in Policy:
        out = encode(event, policy)
        assert out.report == ()
        assert list(validator_for("gateway.events").iter_errors(out.value.body)) == []
        assert decode(out.value.body) == event
        again = encode(decode(out.value.body)).value.body
        assert again == out.value.body  # the envelope is the normal form


@given(event=gateway_events())
def test_flat_form_of_every_encoded_event_decodes_the_same(event: Any) -> None:
    body = encode(event).value.body
    as_flat = {k: v for k, v in body.items() if k != "data"} | body["data"]
    assert list(validator_for("gateway.events").iter_errors(as_flat)) == []
    assert decode(as_flat) == event


# ---------------------------------------------------------------- capabilities: declared == observed


def test_event_capabilities_cover_every_canonical_event() -> None:
    assert set(EVENT_CAPABILITIES) == set(EVENTS)
    assert GW.event_capabilities is EVENT_CAPABILITIES
    assert set(GW.response_capabilities) == {Receipt, ProviderError}
    for cap in EVENT_CAPABILITIES.values():
        assert cap.note


UNSUPPORTED_EXAMPLES = {
    "CollectResult": dict(kind="digit", digits="12"),
    "DetectEvent": dict(detector="machine", result="HUMAN"),
    "TapEvent": dict(state="finished"),
    "StreamEvent": dict(state="finished"),
    "TranscriptionEvent": dict(state="finished", text="hi"),
    "ReferEvent": dict(state="ok"),
    "VoicemailReceived": dict(voicemail_id="v1"),
    "ConnectEvent": dict(state="connected"),
    "DialStateChanged": dict(state="answered"),
    "HoldEvent": dict(state="held"),
    "DenoiseEvent": dict(denoised=True),
    "SendDigitsEvent": dict(state="finished"),
    "FaxEvent": dict(state="finished", success=True),
    "ErrorEvent": dict(code="500"),
}


@pytest.mark.parametrize("cls", cells(c for c in EVENTS if EVENT_CAPABILITIES[c].support is Support.UNSUPPORTED))
def test_unsupported_events_raise_under_both_policies(cls: type) -> None:
    event = cls(call_id=S, **UNSUPPORTED_EXAMPLES[cls.__name__])
    for policy in Policy:
        with pytest.raises(UnsupportedCommand):
            encode(event, policy)


def test_no_event_is_declared_native_or_emulated() -> None:
    # every gateway event lacks event_id, timestamp and control_id: all said ones are partial
    assert {cap.support for cap in EVENT_CAPABILITIES.values()} == {Support.PARTIAL, Support.UNSUPPORTED}


ANSWERED = dict(call_id=S, state=CallState.ANSWERED)
FINISHED = dict(call_id=S, state=OperationState.FINISHED)

#: (event, lost field, droppable): every field each capability declares, observed.
LOSSES: list[tuple[Any, str, bool]] = [
    (CallStateChanged(**ANSWERED | {"call_id": None}), "call_id", False),
    (CallStateChanged(**ANSWERED | {"call_id": "a/b"}), "call_id", False),
    (CallStateChanged(**ANSWERED, event_id="evt-1"), "event_id", True),
    (CallStateChanged(**ANSWERED, timestamp=1_700_000_000.5), "timestamp", True),
    (CallStateChanged(**ANSWERED, control_id="ctl-1"), "control_id", True),
    (CallStateChanged(**ANSWERED, sequence=0), "sequence", True),
    (CallStateChanged(**ANSWERED, command_id="not a uid"), "command_id", True),
    (CallStateChanged(call_id=S, state="created", direction="inbound", command_id="x"), "command_id", True),
    (CallStateChanged(call_id=S, state="ringing"), "state", False),
    (CallStateChanged(call_id=S, state="ending"), "state", False),
    (CallStateChanged(call_id=S, state="failed", cause="USER_BUSY"), "state", True),
    (CallStateChanged(call_id=S, state="created", direction="outbound"), "direction", False),
    (CallStateChanged(call_id=S, state="created"), "direction", False),
    (CallStateChanged(**ANSWERED, direction="inbound"), "direction", True),
    (CallStateChanged(**ANSWERED, source="+1555"), "source", True),
    (CallStateChanged(**ANSWERED, destination="+1555"), "destination", True),
    (CallStateChanged(**ANSWERED, cause="NORMAL_CLEARING"), "cause", True),
    (CallStateChanged(call_id=S, state="created", direction="inbound", cause="NORMAL_CLEARING"), "cause", True),
    (CallStateChanged(**ANSWERED, source_channel=Channel.SIP), "source_channel", True),
    (CallStateChanged(**ANSWERED, destination_channel=Channel.PSTN), "destination_channel", True),
    (CallStateChanged(**ANSWERED, peer_call_id="peer"), "peer_call_id", True),
    (CallStateChanged(**ANSWERED, metadata={"k": "v"}), "metadata", True),
    (PlaybackEvent(**FINISHED | {"call_id": None}), "call_id", False),
    (PlaybackEvent(**FINISHED, event_id="e"), "event_id", True),
    (PlaybackEvent(**FINISHED, timestamp=1.0), "timestamp", True),
    (PlaybackEvent(**FINISHED, control_id="ctl"), "control_id", True),
    (PlaybackEvent(**FINISHED, sequence=0), "sequence", True),
    (PlaybackEvent(**FINISHED, command_id="bad uid"), "command_id", True),
    (PlaybackEvent(call_id=S, state="paused"), "state", False),
    (PlaybackEvent(call_id=S, state="no_input"), "state", False),
    (PlaybackEvent(**FINISHED, offset=0.0005), "offset", True),
    (PlaybackEvent(call_id=S, state="started", offset=1.0), "offset", True),
    (PlaybackEvent(**FINISHED, duration=1e300), "duration", True),
    (PlaybackEvent(**FINISHED, duration=10**400), "duration", True),  # an int too large for a float
    (PlaybackEvent(call_id=S, state="error", duration=1.0), "duration", True),
    (RecordingEvent(**FINISHED | {"call_id": None}), "call_id", False),
    (RecordingEvent(**FINISHED, event_id="e"), "event_id", True),
    (RecordingEvent(**FINISHED, timestamp=2.0), "timestamp", True),
    (RecordingEvent(**FINISHED, control_id="c"), "control_id", True),
    (RecordingEvent(**FINISHED, sequence=0), "sequence", True),
    (RecordingEvent(**FINISHED, command_id="?"), "command_id", True),
    (RecordingEvent(call_id=S, state="started"), "state", False),
    (RecordingEvent(**FINISHED, duration=0.0001), "duration", True),
    (RecordingEvent(**FINISHED, duration=10**400), "duration", True),
    (RecordingEvent(**FINISHED, size=10), "size", True),
    (RecordingEvent(**FINISHED, format=RecordingFormat.MP3), "format", True),
    (RecordingEvent(**FINISHED, recording_id="r"), "recording_id", True),
    (RecordingEvent(**FINISHED, direction=Direction.BOTH), "direction", True),
    (RecordingEvent(**FINISHED, stereo=False), "stereo", True),
    (RecordingEvent(**FINISHED, started_at=1.0), "started_at", True),
    (RecordingEvent(**FINISHED, ended_at=2.0), "ended_at", True),
    (CommandResult(success=True), "call_id", False),
    (CommandResult(call_id=S, command_id="c1", success=True, event_id="e"), "event_id", True),
    (CommandResult(call_id=S, command_id="c1", success=True, timestamp=3.0), "timestamp", True),
    (CommandResult(call_id=S, command_id="c1", success=True, control_id="c"), "control_id", True),
    (CommandResult(call_id=S, command_id="c1", success=True, sequence=0), "sequence", True),
    (CommandResult(call_id=S, operation_id="op-1", success=True, command_id="a b"), "command_id", True),
    (CommandResult(call_id=S, success=True, command_id="a b"), "command_id", False),  # then nothing names it
    (CommandResult(call_id=S, success=True), "command_id", False),
    (DtmfReceived(digit="1"), "call_id", False),
    (DtmfReceived(call_id=S, digit="1", event_id="e"), "event_id", True),
    (DtmfReceived(call_id=S, digit="1", timestamp=4.0), "timestamp", True),
    (DtmfReceived(call_id=S, digit="1", control_id="c"), "control_id", True),
    (DtmfReceived(call_id=S, digit="1", sequence=0), "sequence", True),
    (DtmfReceived(call_id=S, digit="1", command_id="uid"), "command_id", True),
    (ConferenceEvent(conference_id="r1", state="participant_muted"), "state", False),
    (ConferenceEvent(state="started"), "conference_id", False),
    (ConferenceEvent(conference_id="r1", state="participant_joined"), "call_id", False),
    (ConferenceEvent(conference_id="r1", state="started", call_id=S), "call_id", True),
    (ConferenceEvent(conference_id="r1", state="ended", name="room"), "name", True),
    (ConferenceEvent(conference_id="r1", state="participant_left", call_id=S, source="+1"), "source", True),
    (ConferenceEvent(conference_id="r1", state="started", reason="orphan"), "reason", True),
    (ConferenceEvent(conference_id="r1", state="started", size=2), "size", True),
    (
        ConferenceEvent(conference_id="r1", state="ended", recording_url="https://r.example.com/1.wav"),
        "recording_url",
        True,
    ),
    (ConferenceEvent(conference_id="r1", state="ended", recording_duration=1.5), "recording_duration", True),
    (ConferenceEvent(conference_id="r1", state="ended", recording_size=10), "recording_size", True),
    (ConferenceEvent(conference_id="r1", state="started", event_id="e"), "event_id", True),
    (ConferenceEvent(conference_id="r1", state="started", timestamp=4.0), "timestamp", True),
    (ConferenceEvent(conference_id="r1", state="started", control_id="c"), "control_id", True),
    (ConferenceEvent(conference_id="r1", state="started", sequence=3), "sequence", True),
    (ConferenceEvent(conference_id="r1", state="started", command_id="uid"), "command_id", True),
]


@pytest.mark.parametrize(("event", "field", "droppable"), LOSSES)
def test_declared_losses_are_observed(event: Any, field: str, droppable: bool) -> None:
    with pytest.raises(UnsupportedField) as info:
        encode(event, Policy.STRICT)
    assert info.value.field == field
    assert info.value.dialect == "gateway"
    assert info.value.command == type(event).__name__
    if not droppable:
        with pytest.raises(UnsupportedField) as info:
            encode(event, Policy.LENIENT)
        assert info.value.field == field
        return
    out = encode(event, Policy.LENIENT)
    assert [(a.field, a.action) for a in out.report] == [(field, Action.DROPPED)]
    assert list(validator_for("gateway.events").iter_errors(out.value.body)) == []


def test_every_declared_field_is_exercised() -> None:
    for cls, cap in EVENT_CAPABILITIES.items():
        if cap.support is Support.UNSUPPORTED:
            continue
        observed = {field for event, field, _ in LOSSES if type(event) is cls}
        assert observed == set(cap.fields), cls.__name__


def test_failed_call_is_sent_as_hangup_under_lenient() -> None:
    out = encode(CallStateChanged(call_id=S, state="failed", cause="USER_BUSY", sequence=9), Policy.LENIENT)
    assert out.value.body == envelope("call.hangup", {"cause": "USER_BUSY"}, 9)


def test_a_room_event_keeps_its_app_id_and_a_member_event_names_its_session() -> None:
    created = {"event": "conference.created", "app_id": "my-app", "room_id": "acW68-room-abc123", "name": "Standup"}
    event = decode(created)
    assert event == ConferenceEvent(
        state="started", conference_id="acW68-room-abc123", name="Standup", origin={"app_id": "my-app"}
    )
    assert encode(event).value.body == created
    with pytest.raises(InvalidMessage) as caught:
        decode({"event": "conference.member.joined", "room_id": "acW68-room-abc123"})
    assert caught.value.path == "$.session_uuid"
    with pytest.raises(InvalidMessage) as caught:
        decode({"event": "conference.member.left", "session_uuid": "a/b", "room_id": "r"})
    assert caught.value.path == "$.session_uuid"


def test_another_vendors_origin_is_dropped_under_both_policies() -> None:
    event = PlaybackEvent(call_id=S, state="finished", origin={"node_id": "n1", "project_id": "p"})
    for policy in Policy:
        out = encode(event, policy)
        assert out.value.body == envelope("playback.stopped", {})
        assert [(a.field, a.action) for a in out.report] == [("origin", Action.DROPPED)]


# ---------------------------------------------------------------- SignalWire calling.call.play <-> playback.stopped

SW_CALL = "3fa85f64-5717-4562-b3fc-2c963f66afa6"
SW_PLAY_FINISHED = {
    "event_type": "calling.call.play",
    "event_channel": "swml:3fa85f64-5717-4562-b3fc-2c963f66afa7",
    "timestamp": 1_714_500_000.123,
    "project_id": "0a1b2c3d-0000-4000-8000-000000000001",
    "space_id": "0a1b2c3d-0000-4000-8000-000000000002",
    "params": {
        "control_id": "ctl-1",
        "call_id": SW_CALL,
        "node_id": "node-1@puc",
        "state": "finished",
    },
}


def signalwire_events_ready() -> None:
    if not callglot.get_dialect("signalwire").event_capabilities:
        pytest.skip("the SignalWire dialect does not decode webhooks yet")


def test_signalwire_play_finished_becomes_playback_stopped() -> None:
    signalwire_events_ready()
    request = HttpRequest(method="POST", path="/sw", body=SW_PLAY_FINISHED)
    event = callglot.get_dialect("signalwire").decode_event(request)
    assert isinstance(event, PlaybackEvent)
    assert event.state is OperationState.FINISHED
    # STRICT refuses: the gateway has no control id (nor timestamp) to carry
    with pytest.raises(UnsupportedField):
        callglot.translate_event(request, source="signalwire", target="gateway")
    out = callglot.translate_event(request, source="signalwire", target="gateway", policy=Policy.LENIENT, path="/gw")
    body = out.value.body
    assert out.value.path == "/gw"
    assert body["event"] == "playback.stopped"
    assert body["session_uuid"] == SW_CALL
    assert list(validator_for("gateway.events").iter_errors(body)) == []
    assert {a.field for a in out.report} >= {"control_id", "origin"}
    assert decode(body).state is OperationState.FINISHED


def test_gateway_playback_stopped_becomes_signalwire_play_finished() -> None:
    signalwire_events_ready()
    body = envelope(
        "playback.stopped",
        {"command_uid": "pb-1", "urls": [A], "file_path": A, "offset_ms": 1500, "duration_ms": 4000},
        7,
    )
    with pytest.raises(callglot.UnsupportedField) as caught:  # SignalWire's play event names its operation
        callglot.translate_event(webhook(body), source="gateway", target="signalwire", policy=Policy.LENIENT)
    assert caught.value.field == "control_id"
    event = attrs.evolve(GW.decode_event(webhook(body)), control_id="play-1")  # what a proxy knows
    out = callglot.get_dialect("signalwire").encode_event(event, policy=Policy.LENIENT)
    assert out.value.body["event_type"] == "calling.call.play"
    params = out.value.body["params"]
    assert params["state"] == "finished"
    assert params["call_id"] == S
    back = callglot.get_dialect("signalwire").decode_event(out.value)
    assert isinstance(back, PlaybackEvent)
    assert back.state is OperationState.FINISHED
    assert back.call_id == S


def test_signalwire_shaped_playback_event_at_the_canonical_level() -> None:
    # What the SignalWire dialect decodes calling.call.play finished into (reference §1.7): the gateway says
    # it as playback.stopped, dropping control_id (LENIENT; STRICT raises) and SignalWire's origin.
    event = PlaybackEvent(
        call_id=SW_CALL,
        control_id="ctl-1",
        timestamp=1_714_500_000.123,
        state=OperationState.FINISHED,
        origin={"node_id": "node-1@puc", "project_id": "p", "space_id": "s"},
    )
    with pytest.raises(UnsupportedField) as info:
        encode(event)
    assert info.value.field in ("control_id", "timestamp")
    out = encode(event, Policy.LENIENT)
    assert out.value.body == {"event": "playback.stopped", "session_uuid": SW_CALL, "data": {}}
    assert sorted(a.field or "" for a in out.report) == ["control_id", "origin", "timestamp"]
    back = decode(out.value.body)
    assert (back.state, back.call_id) == (OperationState.FINISHED, SW_CALL)


# ---------------------------------------------------------------- responses

ACCEPTED = {"operation_id": OP, "status": "in_progress", "timeout_ms": 2000}


def test_the_seed_202_envelope() -> None:
    response = HttpResponse(status=202, body=ACCEPTED)
    receipt = GW.decode_response(response)
    assert receipt == Receipt(status=ReceiptStatus.IN_PROGRESS, operation_id=OP, timeout=2.0)
    out = GW.encode_response(receipt)
    assert out.report == ()
    assert out.value == response
    assert out.value.headers == {}
    assert list(response_validator("response_accepted").iter_errors(out.value.body)) == []


ERRORS: list[tuple[HttpResponse, ProviderError]] = [
    (
        HttpResponse(status=400, body={"success": False, "error": "urls: must hold at least 1 item"}),
        ProviderError(400, "urls: must hold at least 1 item"),
    ),
    (
        HttpResponse(status=401, body={"success": False, "error": "invalid API key"}),
        ProviderError(401, "invalid API key"),
    ),
    (
        HttpResponse(status=403, body={"success": False, "error": "session does not belong to this app"}),
        ProviderError(403, "session does not belong to this app"),
    ),
    (
        HttpResponse(status=404, body={"success": False, "error": "session not found"}),
        ProviderError(404, "session not found"),
    ),
    (
        HttpResponse(
            status=409,
            body={
                "success": False,
                "error": "conference name already exists",
                "detail": {"room_id": "acW68-room-6b1f0f0e-1f0a-4c4e-9a59-1c4f7e0c2b11"},
            },
        ),
        ProviderError(
            409,
            "conference name already exists",
            details={"room_id": "acW68-room-6b1f0f0e-1f0a-4c4e-9a59-1c4f7e0c2b11"},
        ),
    ),
    (
        HttpResponse(status=429, body={"success": False, "error": "rate limit exceeded"}, headers={"Retry-After": "2"}),
        ProviderError(429, "rate limit exceeded", retry_after=2.0),
    ),
    (
        HttpResponse(
            status=429,
            body={"success": False, "error": "rate limit exceeded", "detail": {"group": "playback", "window_ms": 500}},
            headers={"Retry-After": "1"},
        ),
        ProviderError(429, "rate limit exceeded", retry_after=1.0, details={"group": "playback", "window_ms": 500}),
    ),
    (
        HttpResponse(status=500, body={"success": False, "error": "internal error"}),
        ProviderError(500, "internal error"),
    ),
    (
        HttpResponse(status=503, body={"success": False, "error": "unavailable"}, headers={"Retry-After": "30"}),
        ProviderError(503, "unavailable", retry_after=30.0),
    ),
]


@pytest.mark.parametrize(("response", "expected"), ERRORS)
def test_error_responses_raise_provider_errors_and_reencode(response: HttpResponse, expected: ProviderError) -> None:
    with pytest.raises(ProviderError) as info:
        GW.decode_response(response)
    error = info.value
    assert error == expected
    assert (error.status, error.message, error.retry_after) == (expected.status, expected.message, expected.retry_after)
    assert (error.code, error.parameter, error.kind) == (None, None, None)
    out = GW.encode_response(error)
    assert out.report == ()
    assert out.value.status == response.status
    assert out.value.body == response.body
    assert dict(out.value.headers) == dict(response.headers)
    assert list(response_validator("response_error").iter_errors(out.value.body)) == []


def test_retry_after_header_name_is_case_insensitive() -> None:
    with pytest.raises(ProviderError) as info:
        GW.decode_response(
            HttpResponse(status=429, body={"success": False, "error": "slow"}, headers={"retry-after": "5"})
        )
    assert info.value.retry_after == 5.0


BAD_RESPONSES: list[tuple[HttpResponse, str]] = [
    (HttpResponse(status=200, body=ACCEPTED), "$.status"),
    (HttpResponse(status=201, body={"room_id": "acW68-room-x"}), "$.status"),
    (HttpResponse(status=302, body=None), "$.status"),
    (HttpResponse(status=202, body=None), "$"),
    (HttpResponse(status=202, body="accepted"), "$"),
    (HttpResponse(status=202, body={"operation_id": OP, "status": "done", "timeout_ms": 2000}), "$.status"),
    (HttpResponse(status=202, body={"operation_id": OP, "status": "in_progress"}), "$.timeout_ms"),
    (HttpResponse(status=202, body={"operation_id": OP, "status": "in_progress", "timeout_ms": -1}), "$.timeout_ms"),
    (HttpResponse(status=202, body={"operation_id": OP, "status": "in_progress", "timeout_ms": "2"}), "$.timeout_ms"),
    (HttpResponse(status=202, body=ACCEPTED | {"operation_id": ""}), "$.operation_id"),
    (HttpResponse(status=429, body="Too Many Requests"), "$"),
    (HttpResponse(status=500, body=None), "$"),
    (HttpResponse(status=404, body={"success": True, "error": "x"}), "$.success"),
    (HttpResponse(status=404, body={"success": False}), "$.error"),
    (HttpResponse(status=404, body={"success": False, "error": 3}), "$.error"),
    (HttpResponse(status=409, body={"success": False, "error": "x", "detail": "room"}), "$.detail"),
    (HttpResponse(status=409, body={"success": False, "error": "x", "detail": None}), "$.detail"),  # as the schema
]


@pytest.mark.parametrize(
    ("value", "seconds"),
    [("Wed, 21 Oct 2015 07:28:00 GMT", 0.0), ("-1", None), ("soon", None), ("9999999999", 9999999999.0)],
)
def test_retry_after_is_read_like_every_dialect_reads_it(value: str, seconds: float | None) -> None:
    """Delay-seconds or an HTTP-date (past: 0); anything else is absent, never a DecodeError hiding the 429."""
    response = HttpResponse(status=429, body={"success": False, "error": "x"}, headers={"Retry-After": value})
    with pytest.raises(ProviderError) as info:
        GW.decode_response(response)
    assert info.value.retry_after == seconds


@pytest.mark.parametrize(("response", "path"), [case for case in BAD_RESPONSES if 200 <= case[0].status <= 299])
def test_bad_responses_give_a_clear_decode_error(response: HttpResponse, path: str) -> None:
    with pytest.raises(DecodeError) as info:
        GW.decode_response(response)
    assert info.value.path == path, info.value


@pytest.mark.parametrize("response", [case[0] for case in BAD_RESPONSES if not 200 <= case[0].status <= 299])
def test_error_replies_not_in_gateway_form_are_kept_as_they_came(response: HttpResponse) -> None:
    with pytest.raises(ProviderError) as info:
        GW.decode_response(response)
    error = info.value
    assert (error.status, error.code, error.kind, error.parameter) == (response.status, None, None, None)
    assert error.details == (None if response.body is None else {"body": response.body})


@given(
    status=st.integers(100, 599) | st.sampled_from([202, 400, 404, 409, 429, 500]),
    body=st.one_of(
        json_values,
        st.text(max_size=30),
        st.fixed_dictionaries({"success": json_values, "error": json_values}, optional={"detail": json_values}),
        st.fixed_dictionaries(
            {"operation_id": json_values, "status": st.just("in_progress") | json_values, "timeout_ms": json_values}
        ),
    ),
    retry=st.none() | st.text(max_size=12),
)
def test_any_response_gives_a_receipt_provider_error_or_decode_error(status: int, body: Any, retry: Any) -> None:
    headers = {} if retry is None else {"Retry-After": retry}
    response = HttpResponse(status=status, body=body, headers=headers)
    try:
        receipt = GW.decode_response(response)
    except ProviderError as error:
        assert error.status == status
        assert not 200 <= status <= 299
        out = GW.encode_response(error, policy=Policy.LENIENT)
        assert out.value.status == status
        if body is not None and (error.details is None or "body" not in error.details):  # the gateway's form
            assert out.value.body == body
            assert dict(out.value.headers) == headers
        with pytest.raises(ProviderError) as again:
            GW.decode_response(out.value)
        assert again.value == error
        return
    except DecodeError as exc:
        assert exc.path.startswith("$")
        assert exc.reason
        return
    assert status == 202
    assert GW.encode_response(receipt).value == response


@given(
    operation_id=texts,
    timeout=st.integers(0, 10**12).map(lambda ms: ms / 1000),
)
def test_receipt_round_trip(operation_id: str, timeout: float) -> None:
    receipt = Receipt(status=ReceiptStatus.IN_PROGRESS, operation_id=operation_id, timeout=timeout)
    out = GW.encode_response(receipt)
    assert out.report == ()
    assert list(response_validator("response_accepted").iter_errors(out.value.body)) == []
    assert GW.decode_response(out.value) == receipt


@given(
    status=st.integers(400, 599),
    message=st.text(st.characters(blacklist_categories=("Cs",)), max_size=30),
    retry=st.none() | st.integers(0, 10**6).map(float),
    details=st.none() | json_objects,
)
def test_provider_error_round_trip(status: int, message: str, retry: Any, details: Any) -> None:
    error = ProviderError(status, message, retry_after=retry, details=details)
    out = GW.encode_response(error)
    assert out.report == ()
    assert list(response_validator("response_error").iter_errors(out.value.body)) == []
    with pytest.raises(ProviderError) as info:
        GW.decode_response(out.value)
    assert info.value == error


RECEIPT_LOSSES: list[tuple[Receipt, str, bool]] = [
    (Receipt(status="accepted", operation_id=OP, timeout=2.0), "status", True),
    (Receipt(status="queued", operation_id=OP, timeout=2.0), "status", True),
    (Receipt(status="in_progress", operation_id=OP, timeout=2.0, call_id="c1"), "call_id", True),
    (Receipt(status="in_progress", operation_id=OP, timeout=2.0, command="hangup"), "command", True),
    (Receipt(status="in_progress", operation_id=OP, timeout=0.0005), "timeout", True),
    (Receipt(status="in_progress", operation_id=OP, timeout=10**400), "timeout", True),  # too large for a float
    (Receipt(status="in_progress", timeout=2.0), "operation_id", True),
    (Receipt(status="in_progress", operation_id=OP), "timeout", True),
]


def test_receipt_call_leg_is_dropped() -> None:
    from callglot.canonical.events import CallLeg

    receipt = Receipt(status="in_progress", operation_id=OP, timeout=2.0, call=CallLeg(id="c1", state="answered"))
    with pytest.raises(UnsupportedField, match="call"):
        GW.encode_response(receipt)
    out = GW.encode_response(receipt, policy=Policy.LENIENT)
    assert out.value.body == ACCEPTED
    assert [(a.field, a.action) for a in out.report] == [("call", Action.DROPPED)]


@pytest.mark.parametrize(("receipt", "field", "droppable"), RECEIPT_LOSSES)
def test_receipt_losses(receipt: Receipt, field: str, droppable: bool) -> None:
    with pytest.raises(UnsupportedField) as info:
        GW.encode_response(receipt)
    assert info.value.field == field
    out = GW.encode_response(receipt, policy=Policy.LENIENT)
    assert field in {a.field for a in out.report}
    assert list(response_validator("response_accepted").iter_errors(out.value.body)) == []
    assert out.value.status == 202


def test_lenient_generates_operation_id_and_timeout() -> None:
    out = GW.encode_response(Receipt(status="accepted"), policy=Policy.LENIENT)
    body = out.value.body
    assert body["status"] == "in_progress"
    assert body["timeout_ms"] == 2000
    assert len(body["operation_id"]) == 36
    assert [(a.field, a.action) for a in out.report] == [
        ("status", Action.DROPPED),
        ("operation_id", Action.GENERATED),
        ("timeout", Action.GENERATED),
    ]


ERROR_LOSSES: list[tuple[ProviderError, str, bool]] = [
    (ProviderError(200, "ok?"), "status", False),
    (ProviderError(400, "bad", code="E1"), "code", True),
    (ProviderError(400, "bad", parameter="urls"), "parameter", True),
    (ProviderError(400, "bad", kind="invalid_request_error"), "kind", True),
    (ProviderError(429, "slow", retry_after=1.5), "retry_after", True),
]


@pytest.mark.parametrize(("error", "field", "droppable"), ERROR_LOSSES)
def test_provider_error_losses(error: ProviderError, field: str, droppable: bool) -> None:
    with pytest.raises(UnsupportedField) as info:
        GW.encode_response(error)
    assert info.value.field == field
    if not droppable:
        with pytest.raises(UnsupportedField):
            GW.encode_response(error, policy=Policy.LENIENT)
        return
    out = GW.encode_response(error, policy=Policy.LENIENT)
    assert [(a.field, a.action) for a in out.report] == [(field, Action.DROPPED)]
    assert list(response_validator("response_error").iter_errors(out.value.body)) == []


def test_response_capabilities_list_every_observed_loss() -> None:
    receipt_fields = {field for _, field, _ in RECEIPT_LOSSES} | {"call"}
    assert receipt_fields == set(RESPONSE_CAPABILITIES[Receipt].fields)
    assert {field for _, field, _ in ERROR_LOSSES} == set(RESPONSE_CAPABILITIES[ProviderError].fields)


def test_error_messages_never_echo_header_values() -> None:
    secret = "sk_live_SECRET_VALUE"
    with pytest.raises(ProviderError) as info:  # an unreadable Retry-After is absent: the 429 still comes through
        GW.decode_response(
            HttpResponse(status=429, body={"success": False, "error": "x"}, headers={"Retry-After": secret})
        )
    assert info.value.retry_after is None
    assert secret not in str(info.value)
    assert secret not in repr(info.value)


def test_decoded_events_are_independent_of_the_input_body() -> None:
    body = envelope("command.result", {"command_uid": "c1", "success": True, "detail": {"a": [1, 2]}})
    original = copy.deepcopy(body)
    event = decode(body)
    body["data"]["detail"]["a"].append(3)
    assert event.detail == original["data"]["detail"]


def test_a_command_result_can_be_matched_to_the_202_that_announced_it() -> None:
    op = "a1b2c3d4-e5f6-7890-abcd-ef1234567890"
    accepted = {"operation_id": op, "status": "in_progress", "timeout_ms": 2000}
    receipt = GW.decode_response(HttpResponse(status=202, body=accepted))
    body = envelope("command.result", {"operation_id": op, "success": True})
    event = decode(body)
    assert event.operation_id == receipt.operation_id == op
    assert GW.encode_event(event).value.body == body
