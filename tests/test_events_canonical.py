"""The canonical dialect's events and responses: lossless both ways, one normal form.

Golden bodies for every event tag and every response shape (decode to the
expected value, re-encode to the identical body, status and headers), error
responses raising the right ProviderError, round-trip properties over the
event strategies, bad input (any JSON or text) giving a DecodeError, every
encoded body validating against ``canonical.events.schema.json``, and the
schema agreeing with the decoder.
"""

from __future__ import annotations

import json
import math
from typing import Any

import attrs
import pytest
from event_strategies import events, provider_errors, receipts
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from strategies import any_json

import callglot
from callglot import HttpRequest, HttpResponse
from callglot.adapters.canonical import MAX_RETRY_AFTER, CanonicalDialect
from callglot.canonical import HangupCause
from callglot.canonical.events import (
    EVENT_TAGS,
    EVENTS,
    CallDirection,
    CallLeg,
    CallState,
    CallStateChanged,
    CollectKind,
    CollectResult,
    CommandResult,
    ConferenceEvent,
    ConferenceState,
    ConnectEvent,
    ConnectState,
    DenoiseEvent,
    DetectEvent,
    DetectKind,
    DialState,
    DialStateChanged,
    DtmfReceived,
    ErrorEvent,
    FaxDirection,
    FaxEvent,
    FaxState,
    HoldEvent,
    HoldState,
    OperationState,
    PlaybackEvent,
    ProviderError,
    Receipt,
    ReceiptStatus,
    RecordingEvent,
    ReferEvent,
    SendDigitsEvent,
    StreamEvent,
    TapEvent,
    TranscriptionEvent,
    UnknownEvent,
    VoicemailReceived,
)
from callglot.canonical.types import Channel, Direction, RecordingFormat
from callglot.capabilities import Policy, Support
from callglot.schemas import load_schema, validator_for

D = callglot.get_dialect("canonical")
SCHEMA = "canonical.events"


def webhook(body: Any, *, method: str = "POST", path: str = "/hooks/callglot") -> HttpRequest:
    return HttpRequest(method=method, path=path, body=body)


def schema_errors(body: Any) -> list[str]:
    return [f"{e.json_path}: {e.message}" for e in validator_for(SCHEMA).iter_errors(body)]


def raised(response: HttpResponse) -> ProviderError:
    with pytest.raises(ProviderError) as caught:
        D.decode_response(response)
    return caught.value


# ---------------------------------------------------------------- tables


def test_the_dialect_is_registered_with_complete_tables() -> None:
    assert isinstance(D, CanonicalDialect)
    assert set(D.event_capabilities) == set(EVENTS)
    assert all(cap.support is Support.NATIVE and not cap.fields for cap in D.event_capabilities.values())
    assert set(D.response_capabilities) == {Receipt, ProviderError}
    assert all(cap.support is Support.NATIVE for cap in D.response_capabilities.values())


def test_the_schema_dispatches_every_tag_in_order() -> None:
    schema = load_schema(SCHEMA)
    assert schema["$id"] == "urn:callglot:dialect:canonical:events:v1"
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    tags = [EVENT_TAGS[cls] for cls in EVENTS] + ["unknown"]  # last: the form carrying a vendor's UnknownEvent
    assert "enum" not in schema["properties"]["event"]  # any other tag is an UnknownEvent, not an error
    table = {
        rule["if"]["properties"]["event"]["const"]: rule["then"]["$ref"].removeprefix("#/$defs/")
        for rule in schema["allOf"]
    }
    assert list(table) == list(table.values()) == tags
    for cls in EVENTS:
        node = schema["$defs"][EVENT_TAGS[cls]]
        assert "additionalProperties" not in node  # a vendor's message: unknown fields are kept, not refused
        assert set(node["properties"]) == {"event"} | {f.name for f in attrs.fields(cls)}, cls
        required = {f.name for f in attrs.fields(cls) if f.default is attrs.NOTHING}
        assert set(node["required"]) == {"event"} | required, cls


def _refs(node: Any) -> list[str]:
    if isinstance(node, dict):
        return [v for k, v in node.items() if k == "$ref"] + [r for v in node.values() for r in _refs(v)]
    if isinstance(node, list):
        return [r for v in node for r in _refs(v)]
    return []


def test_the_schema_is_self_contained() -> None:
    schema = load_schema(SCHEMA)
    refs = _refs(schema)
    assert refs
    assert all(ref.startswith("#/$defs/") for ref in refs)
    assert {ref.removeprefix("#/$defs/") for ref in refs} <= set(schema["$defs"])


def test_every_schema_example_validates_decodes_and_re_encodes() -> None:
    schema = load_schema(SCHEMA)
    seen = set()
    for name, node in schema["$defs"].items():
        for example in node.get("examples", ()):
            assert not schema_errors(example), (name, example)
            event = D.decode_event(webhook(example))
            assert D.encode_event(event).value.body == example
            seen.add(example["event"])
    assert seen == {*EVENT_TAGS.values(), "unknown"}


# ---------------------------------------------------------------- golden events

GOLDEN_EVENTS: list[tuple[dict[str, Any], Any]] = [
    (
        {
            "event": "call_state_changed",
            "state": "created",
            "call_id": "call_1",
            "event_id": "evt_1",
            "timestamp": 1700000000.25,
            "direction": "inbound",
            "source": "+15551230000",
            "destination": "sip:support@example.com",
            "source_channel": "pstn",
            "destination_channel": "sip",
            "metadata": {"campaign": "spring", "tags": ["a", None]},
        },
        CallStateChanged(
            state=CallState.CREATED,
            call_id="call_1",
            event_id="evt_1",
            timestamp=1700000000.25,
            direction=CallDirection.INBOUND,
            source="+15551230000",
            destination="sip:support@example.com",
            source_channel=Channel.PSTN,
            destination_channel=Channel.SIP,
            metadata={"campaign": "spring", "tags": ["a", None]},
        ),
    ),
    (
        {
            "event": "call_state_changed",
            "state": "ended",
            "call_id": "call_1",
            "sequence": 9,
            "cause": "USER_BUSY",
            "peer_call_id": "call_2",
            "origin": {"app": "app_42", "project_id": "p-1"},
        },
        CallStateChanged(
            state=CallState.ENDED,
            call_id="call_1",
            sequence=9,
            cause=HangupCause.USER_BUSY,
            peer_call_id="call_2",
            origin={"app": "app_42", "project_id": "p-1"},
        ),
    ),
    (
        {
            "event": "playback",
            "state": "finished",
            "control_id": "pb-1",
            "urls": ["https://cdn.example.com/a.mp3", "https://cdn.example.com/b.mp3"],
            "offset": 12.345,
            "duration": 30,
        },
        PlaybackEvent(
            state=OperationState.FINISHED,
            control_id="pb-1",
            urls=("https://cdn.example.com/a.mp3", "https://cdn.example.com/b.mp3"),
            offset=12.345,
            duration=30,
        ),
    ),
    ({"event": "playback", "state": "error"}, PlaybackEvent(state=OperationState.ERROR)),
    (
        {
            "event": "recording",
            "state": "finished",
            "command_id": "rec-cmd-1",
            "url": "https://rec.example.com/r1.wav",
            "duration": 8.5,
            "size": 132000,
            "format": "wav",
            "recording_id": "rec_1",
            "direction": "speak",
            "stereo": True,
        },
        RecordingEvent(
            state=OperationState.FINISHED,
            command_id="rec-cmd-1",
            url="https://rec.example.com/r1.wav",
            duration=8.5,
            size=132000,
            format=RecordingFormat.WAV,
            recording_id="rec_1",
            direction=Direction.SPEAK,
            stereo=True,
        ),
    ),
    ({"event": "recording", "state": "no_input"}, RecordingEvent(state=OperationState.NO_INPUT)),
    (
        {"event": "collect_result", "kind": "digit", "digits": "1234", "terminator": "#", "state": "finished"},
        CollectResult(kind=CollectKind.DIGIT, digits="1234", terminator="#", state="finished"),
    ),
    (
        {"event": "collect_result", "kind": "speech", "text": "billing", "confidence": 0.5, "final": False},
        CollectResult(kind=CollectKind.SPEECH, text="billing", confidence=0.5, final=False),
    ),
    (
        {"event": "collect_result", "kind": "no_match", "digits": ""},
        CollectResult(kind=CollectKind.NO_MATCH, digits=""),
    ),
    ({"event": "collect_result", "kind": "start_of_input"}, CollectResult(kind=CollectKind.START_OF_INPUT)),
    (
        {"event": "detect", "detector": "machine", "result": "MACHINE", "beep": True},
        DetectEvent(detector=DetectKind.MACHINE, result="MACHINE", beep=True),
    ),
    ({"event": "detect", "detector": "fax", "result": "CED"}, DetectEvent(detector=DetectKind.FAX, result="CED")),
    (
        {"event": "tap", "state": "started", "control_id": "t-1"},
        TapEvent(state=OperationState.STARTED, control_id="t-1"),
    ),
    (
        {"event": "stream", "state": "finished", "url": "wss://stream.example.com/m", "name": "assist"},
        StreamEvent(state=OperationState.FINISHED, url="wss://stream.example.com/m", name="assist"),
    ),
    (
        {
            "event": "transcription",
            "state": "finished",
            "text": "hello",
            "url": "http://rec.example.com/t.mp3",
            "recording_id": "r2",
            "duration": 4,
            "size": 64000,
        },
        TranscriptionEvent(
            state=OperationState.FINISHED,
            text="hello",
            url="http://rec.example.com/t.mp3",
            recording_id="r2",
            duration=4,
            size=64000,
        ),
    ),
    (
        {
            "event": "refer",
            "state": "success",
            "refer_to": "sip:a@example.com",
            "refer_response_code": 202,
            "notify_response_code": 200,
        },
        ReferEvent(state="success", refer_to="sip:a@example.com", refer_response_code=202, notify_response_code=200),
    ),
    (
        {"event": "command_result", "success": False, "command_id": "c-1", "sequence": 0, "detail": {"why": "x"}},
        CommandResult(success=False, command_id="c-1", sequence=0, detail={"why": "x"}),
    ),
    ({"event": "dtmf_received", "digit": "#"}, DtmfReceived(digit="#")),
    (
        {
            "event": "voicemail_received",
            "voicemail_id": "vm1",
            "source": "+15551230000",
            "duration": 21.5,
            "transcription": "call me",
            "recording_id": "r9",
        },
        VoicemailReceived(
            voicemail_id="vm1", source="+15551230000", duration=21.5, transcription="call me", recording_id="r9"
        ),
    ),
    ({"event": "voicemail_received"}, VoicemailReceived()),
    (
        {
            "event": "connect",
            "call_id": "call_1",
            "state": "connected",
            "peer_call_id": "call_2",
            "peer_source": "+15551230000",
            "peer_destination": "+15557650000",
            "peer_channel": "pstn",
        },
        ConnectEvent(
            call_id="call_1",
            state=ConnectState.CONNECTED,
            peer_call_id="call_2",
            peer_source="+15551230000",
            peer_destination="+15557650000",
            peer_channel=Channel.PSTN,
        ),
    ),
    (
        {"event": "dial_state_changed", "state": "failed", "reason": "busy"},
        DialStateChanged(state=DialState.FAILED, reason="busy"),
    ),
    ({"event": "hold", "call_id": "call_1", "state": "unheld"}, HoldEvent(call_id="call_1", state=HoldState.UNHELD)),
    ({"event": "denoise", "call_id": "call_1", "denoised": False}, DenoiseEvent(call_id="call_1", denoised=False)),
    (
        {"event": "send_digits", "call_id": "call_1", "control_id": "op-1", "state": "finished"},
        SendDigitsEvent(call_id="call_1", control_id="op-1", state=OperationState.FINISHED),
    ),
    (
        {"event": "fax", "call_id": "call_1", "state": "page", "direction": "send", "page": 2},
        FaxEvent(call_id="call_1", state=FaxState.PAGE, direction=FaxDirection.SEND, page=2),
    ),
    ({"event": "error", "code": "5001", "message": "synthetic"}, ErrorEvent(code="5001", message="synthetic")),
    (
        {"event": "conference", "state": "ended", "conference_id": "room-1", "reason": "orphan", "size": 0},
        ConferenceEvent(state=ConferenceState.ENDED, conference_id="room-1", reason="orphan", size=0),
    ),
]


@pytest.mark.parametrize(("body", "expected"), GOLDEN_EVENTS, ids=lambda v: v["event"] if isinstance(v, dict) else "")
def test_golden_event(body: dict[str, Any], expected: Any) -> None:
    event = D.decode_event(webhook(body))
    assert event == expected
    out = D.encode_event(event, path="/hooks/callglot")
    assert out.report == ()
    assert out.value == webhook(body)
    assert not schema_errors(out.value.body)


def test_golden_events_cover_every_tag() -> None:
    assert {body["event"] for body, _ in GOLDEN_EVENTS} == set(EVENT_TAGS.values())


def test_decoding_ignores_the_path_and_encoding_uses_the_given_one() -> None:
    body = {"event": "dtmf_received", "digit": "1"}
    assert D.decode_event(webhook(body, path="/anything/at/all?x=1")) == DtmfReceived(digit="1")
    assert D.encode_event(DtmfReceived(digit="1"), path="/hook").value.path == "/hook"
    assert D.encode_event(DtmfReceived(digit="1")).value.path == "/"


def test_enum_values_are_plain_strings() -> None:
    body = D.encode_event(CallStateChanged(state="ended", cause="NORMAL_CLEARING", direction="outbound")).value.body
    assert [type(body[k]) for k in ("state", "cause", "direction")] == [str, str, str]
    receipt = D.encode_response(Receipt(status="queued")).value.body
    assert type(receipt["status"]) is str


def test_origin_is_kept_under_both_policies() -> None:
    event = TapEvent(state="started", origin={"app": "a1", "nested": {"k": [1, 2.5, None]}})
    for policy in Policy:
        out = D.encode_event(event, policy=policy)
        assert out.report == ()
        assert out.value.body["origin"] == {"app": "a1", "nested": {"k": [1, 2.5, None]}}
        assert D.decode_event(out.value) == event


def test_long_transcripts_round_trip() -> None:
    text = "word " * 50_000  # longer than the usual 100k wire-string cap
    for event in (TranscriptionEvent(state="finished", text=text), VoicemailReceived(transcription=text)):
        assert D.decode_event(D.encode_event(event).value) == event


# ---------------------------------------------------------------- golden responses

GOLDEN_RECEIPTS: list[tuple[HttpResponse, Receipt]] = [
    (HttpResponse(status=200, body={"status": "accepted"}), Receipt(status=ReceiptStatus.ACCEPTED)),
    (
        HttpResponse(status=200, body={"status": "queued", "call_id": "call_1", "command": "play"}),
        Receipt(status=ReceiptStatus.QUEUED, call_id="call_1", command="play"),
    ),
    (
        HttpResponse(
            status=202,
            body={"status": "in_progress", "call_id": "s1", "command": "hangup", "operation_id": "op-9", "timeout": 30},
        ),
        Receipt(status=ReceiptStatus.IN_PROGRESS, call_id="s1", command="hangup", operation_id="op-9", timeout=30),
    ),
    (
        HttpResponse(
            status=200,
            body={
                "status": "accepted",
                "call_id": "c-1",
                "call": {
                    "id": "c-1",
                    "state": "answered",
                    "direction": "outbound",
                    "source": "+15551230000",
                    "destination": "+15557650000",
                    "details": {"duration": 12, "project_id": "p"},
                },
            },
        ),
        Receipt(
            status=ReceiptStatus.ACCEPTED,
            call_id="c-1",
            call=CallLeg(
                id="c-1",
                state="answered",
                direction="outbound",
                source="+15551230000",
                destination="+15557650000",
                details={"duration": 12, "project_id": "p"},
            ),
        ),
    ),
]


@pytest.mark.parametrize(("response", "expected"), GOLDEN_RECEIPTS)
def test_golden_receipt(response: HttpResponse, expected: Receipt) -> None:
    assert D.decode_response(response) == expected
    out = D.encode_response(expected)
    assert out.report == ()
    assert out.value == response
    assert out.value.headers == response.headers


GOLDEN_ERRORS: list[tuple[HttpResponse, ProviderError]] = [
    (HttpResponse(status=404, body={"error": {"message": "call not found"}}), ProviderError(404, "call not found")),
    (
        HttpResponse(
            status=422,
            body={
                "error": {
                    "message": "url must be https",
                    "code": "invalid_parameter",
                    "parameter": "media[0].url",
                    "kind": "invalid_request_error",
                    "details": {"doc_url": "https://docs.example.com/e", "errors": [{"code": "x"}]},
                }
            },
        ),
        ProviderError(
            422,
            "url must be https",
            code="invalid_parameter",
            parameter="media[0].url",
            kind="invalid_request_error",
            details={"doc_url": "https://docs.example.com/e", "errors": [{"code": "x"}]},
        ),
    ),
    (
        HttpResponse(status=429, body={"error": {"message": "Too Many Requests"}}, headers={"Retry-After": "30"}),
        ProviderError(429, "Too Many Requests", retry_after=30),
    ),
    (
        HttpResponse(status=503, body={"error": {"message": "busy", "retry_after": 1.5}}),
        ProviderError(503, "busy", retry_after=1.5),
    ),
    (
        HttpResponse(status=429, body={"error": {"message": ""}}, headers={"Retry-After": "0"}),
        ProviderError(429, "", retry_after=0),
    ),
    (
        HttpResponse(status=500, body={"error": {"message": "boom", "code": "E1"}}),
        ProviderError(500, "boom", code="E1"),
    ),
]


@pytest.mark.parametrize(("response", "expected"), GOLDEN_ERRORS)
def test_golden_error(response: HttpResponse, expected: ProviderError) -> None:
    error = raised(response)
    assert error == expected
    assert (error.status, error.message, error.code, error.parameter, error.retry_after, error.kind) == (
        expected.status,
        expected.message,
        expected.code,
        expected.parameter,
        expected.retry_after,
        expected.kind,
    )
    assert error.details == expected.details
    out = D.encode_response(expected)
    assert out.report == ()
    assert out.value == response
    assert out.value.headers == response.headers


def test_whole_retry_after_goes_in_the_header_and_fractions_in_the_body() -> None:
    whole = D.encode_response(ProviderError(429, "slow", retry_after=7.0)).value
    assert whole.headers == {"Retry-After": "7"}
    assert "retry_after" not in whole.body["error"]
    assert raised(whole).retry_after == 7
    part = D.encode_response(ProviderError(429, "slow", retry_after=0.25)).value
    assert part.headers == {}
    assert part.body["error"]["retry_after"] == 0.25
    assert raised(part).retry_after == 0.25


def test_the_retry_after_header_is_found_whatever_its_case() -> None:
    response = HttpResponse(status=429, body={"error": {"message": "m"}}, headers={"retry-after": "5"})
    assert raised(response).retry_after == 5


def test_other_headers_are_ignored() -> None:
    response = HttpResponse(status=200, body={"status": "accepted"}, headers={"Content-Type": "application/json"})
    assert D.decode_response(response) == Receipt(status="accepted")


# ---------------------------------------------------------------- bad input (fixed regressions)

BAD_EVENTS: list[tuple[Any, str]] = [
    (None, "$"),
    ("text", "$"),
    ([], "$"),
    ({}, "$.event"),
    ({"event": 3}, "$.event"),
    ({"event": ""}, "$.event"),  # an untyped event is no event (an unknown type decodes: test_unknown_events.py)
    ({"event": "playback"}, "$.state"),
    ({"event": "playback", "state": "stopped"}, "$.state"),
    ({"event": "playback", "state": "started", "call_id": None}, "$.call_id"),
    ({"event": "playback", "state": "started", "urls": "https://a.example.com"}, "$.urls"),
    ({"event": "playback", "state": "started", "urls": ["ok", 3]}, "$.urls[1]"),
    ({"event": "playback", "state": "started", "offset": -1}, "$.offset"),
    ({"event": "playback", "state": "started", "offset": True}, "$.offset"),
    ({"event": "dtmf_received", "digit": "E"}, "$.digit"),
    ({"event": "dtmf_received", "digit": "1", "sequence": 1.5}, "$.sequence"),
    ({"event": "call_state_changed", "state": "created", "metadata": []}, "$.metadata"),
    ({"event": "call_state_changed", "state": "created", "cause": "normal"}, "$.cause"),
    ({"event": "recording", "state": "finished", "url": "ftp://x"}, "$.url"),
    ({"event": "stream", "state": "finished", "url": "https://x.example.com"}, "$.url"),
    ({"event": "collect_result", "kind": "speech", "confidence": 2}, "$.confidence"),
    ({"event": "refer", "state": "x", "refer_response_code": 99}, "$.refer_response_code"),
    ({"event": "command_result"}, "$.success"),
    ({"event": "transcription", "state": "finished", "text": None}, "$.text"),
    ({"event": "detect", "detector": "machine", "result": "NOT READY"}, "$.result"),
]


@pytest.mark.parametrize(("body", "path"), BAD_EVENTS)
def test_bad_event_bodies(body: Any, path: str) -> None:
    with pytest.raises(callglot.DecodeError) as caught:
        D.decode_event(webhook(body))
    assert caught.value.path == path
    assert caught.value.reason


def test_unexpected_key_names_stay_one_line() -> None:
    with pytest.raises(callglot.DecodeError) as caught:  # a command (events keep unknown keys)
        D.decode(HttpRequest(method="POST", path="/v1/calls/c1/commands", body={"command": "hangup", "a\nb": 1}))
    assert "\n" not in str(caught.value)


def test_webhooks_are_posted() -> None:
    with pytest.raises(callglot.InvalidMessage):
        D.decode_event(webhook({"event": "dtmf_received", "digit": "1"}, method="GET"))


def test_an_unknown_event_tag_decodes_to_an_unknown_event() -> None:
    body = {"event": "not_an_event", "call_id": "c-1", "n": [1]}
    event = D.decode_event(webhook(body))
    assert event == UnknownEvent(dialect="canonical", event_type="not_an_event", body=body, call_id="c-1")


BAD_RESPONSES: list[tuple[HttpResponse, str]] = [
    (HttpResponse(status=200, body=None), "$"),
    (HttpResponse(status=200, body="OK"), "$"),
    (HttpResponse(status=200, body={}), "$.status"),
    (HttpResponse(status=200, body={"status": "done"}), "$.status"),
    (HttpResponse(status=202, body={"status": "accepted"}), "$.status"),
    (HttpResponse(status=200, body={"status": "in_progress"}), "$.status"),
    (HttpResponse(status=201, body={"status": "accepted"}), "$.status"),
    (HttpResponse(status=200, body={"status": "accepted", "call": {}}), "$.call.id"),
    (HttpResponse(status=200, body={"status": "accepted", "timeout": -1}), "$.timeout"),
    (HttpResponse(status=200, body={"status": "accepted"}, headers={"Retry-After": "5"}), "$"),
    (HttpResponse(status=302, body={"status": "accepted"}), "$"),
    (HttpResponse(status=429, body="Too Many Requests"), "$"),
    (HttpResponse(status=429, body={"message": "x"}), "$.error"),
    (HttpResponse(status=429, body={"error": "x"}), "$.error"),
    (HttpResponse(status=429, body={"error": {}}), "$.error.message"),
    (HttpResponse(status=429, body={"error": {"message": "x", "code": None}}), "$.error.code"),
    (HttpResponse(status=429, body={"error": {"message": "x", "details": [1]}}), "$.error.details"),
    (HttpResponse(status=429, body={"error": {"message": "x", "retry_after": 2}}), "$.error.retry_after"),
    (HttpResponse(status=429, body={"error": {"message": "x", "retry_after": 2.0}}), "$.error.retry_after"),
    (HttpResponse(status=429, body={"error": {"message": "x", "retry_after": -0.5}}), "$.error.retry_after"),
    (HttpResponse(status=429, body={"error": {"message": "x", "retry_after": 1e10 + 0.5}}), "$.error.retry_after"),
    (HttpResponse(status=429, body={"error": {"message": "x", "retry_after": 10**400}}), "$.error.retry_after"),
    (HttpResponse(status=429, body={"error": {"message": "x", "retry_after": math.nan}}), "$.error.retry_after"),
    (
        HttpResponse(status=429, body={"error": {"message": "x", "retry_after": 0.5}}, headers={"Retry-After": "1"}),
        "$.error.retry_after",
    ),
    (HttpResponse(status=429, body={"error": {"message": "x"}}, headers={"Retry-After": "05"}), "$"),
    (HttpResponse(status=429, body={"error": {"message": "x"}}, headers={"Retry-After": " 5"}), "$"),
    (HttpResponse(status=429, body={"error": {"message": "x"}}, headers={"Retry-After": "-1"}), "$"),
    (HttpResponse(status=429, body={"error": {"message": "x"}}, headers={"Retry-After": "1.5"}), "$"),
    (HttpResponse(status=429, body={"error": {"message": "x"}}, headers={"Retry-After": "99999999999"}), "$"),
    (
        HttpResponse(
            status=429, body={"error": {"message": "x"}}, headers={"Retry-After": "Wed, 21 Oct 2015 07:28:00 GMT"}
        ),
        "$",
    ),
    (HttpResponse(status=429, body={"error": {"message": "x"}}, headers={"Retry-After": "1", "retry-after": "2"}), "$"),
]


@pytest.mark.parametrize(("response", "path"), [case for case in BAD_RESPONSES if 200 <= case[0].status <= 299])
def test_bad_responses(response: HttpResponse, path: str) -> None:
    with pytest.raises(callglot.DecodeError) as caught:
        D.decode_response(response)
    assert caught.value.path == path
    assert caught.value.reason


@pytest.mark.parametrize("response", [case[0] for case in BAD_RESPONSES if not 200 <= case[0].status <= 299])
def test_error_replies_not_in_canonical_form_are_kept_as_they_came(response: HttpResponse) -> None:
    with pytest.raises(ProviderError) as caught:
        D.decode_response(response)
    error = caught.value
    assert (error.status, error.code, error.kind, error.parameter) == (response.status, None, None, None)
    kept = error.details["body"]
    assert kept == response.body or kept == json.dumps(response.body)  # NaN is not JSON: kept as its text


@pytest.mark.parametrize(
    "error",
    [
        ProviderError(200, "not an error status"),
        ProviderError(399, "x"),
        ProviderError(600, "x"),
        ProviderError(429, "x", retry_after=-1),
        ProviderError(429, "x", retry_after=math.inf),
        ProviderError(429, "x", retry_after=math.nan),
        ProviderError(429, "x", retry_after=MAX_RETRY_AFTER + 1),
        ProviderError(429, "x", retry_after=10**400),
        ProviderError(429, "x", retry_after=True),
        ProviderError(429, "x", kind=5),  # type: ignore[arg-type]
        ProviderError(429, None),  # type: ignore[arg-type]
    ],
    ids=repr,
)
def test_errors_the_canonical_form_cannot_carry_are_refused(error: ProviderError) -> None:
    with pytest.raises(callglot.InvalidValue):
        D.encode_response(error)


# ---------------------------------------------------------------- properties

SLOW = settings(suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


@SLOW
@given(event=events())
def test_events_round_trip_and_validate(event: Any) -> None:
    for policy in Policy:
        out = D.encode_event(event, policy=policy)
        assert out.report == ()
        assert not schema_errors(out.value.body)
        decoded = D.decode_event(out.value)
        assert decoded == event
        assert type(decoded) is type(event)
        assert D.encode_event(decoded, policy=policy).value == out.value


@SLOW
@given(receipt=receipts())
def test_receipts_round_trip(receipt: Receipt) -> None:
    out = D.encode_response(receipt)
    assert out.report == ()
    assert out.value.status == (202 if receipt.status is ReceiptStatus.IN_PROGRESS else 200)
    assert out.value.headers == {}
    decoded = D.decode_response(out.value)
    assert decoded == receipt
    assert D.encode_response(decoded).value == out.value


@SLOW
@given(error=provider_errors())
def test_provider_errors_round_trip(error: ProviderError) -> None:
    out = D.encode_response(error)
    assert out.report == ()
    assert out.value.status == error.status
    decoded = raised(out.value)
    assert decoded == error
    assert decoded.retry_after == error.retry_after
    assert D.encode_response(decoded).value == out.value
    assert set(out.value.headers) <= {"Retry-After"}


@given(seconds=st.integers(min_value=0, max_value=MAX_RETRY_AFTER) | st.floats(min_value=0, max_value=MAX_RETRY_AFTER))
def test_every_retry_after_round_trips_exactly(seconds: float) -> None:
    decoded = raised(D.encode_response(ProviderError(429, "m", retry_after=seconds)).value)
    assert decoded.retry_after == seconds


json_values = any_json()


@given(body=json_values, tag=st.none() | st.sampled_from(sorted(EVENT_TAGS.values())))
def test_any_json_event_decodes_or_raises_decode_error(body: Any, tag: str | None) -> None:
    if tag is not None and isinstance(body, dict):
        body["event"] = tag
    try:
        event = D.decode_event(webhook(body))
    except callglot.DecodeError as exc:
        assert exc.path.startswith("$")
        assert exc.reason
        assert "\n" not in str(exc)
    else:
        assert D.encode_event(event).value.body == body


@given(text=st.text(max_size=50))
def test_any_text_event_is_a_decode_error(text: str) -> None:
    with pytest.raises(callglot.DecodeError):
        D.decode_event(webhook(text))


@given(
    status=st.integers(min_value=100, max_value=599),
    body=json_values | st.text(max_size=30),
    headers=st.dictionaries(st.sampled_from(["Retry-After", "retry-after", "X-Other"]), st.text(max_size=12)),
)
def test_any_response_decodes_or_raises(status: int, body: Any, headers: dict[str, str]) -> None:
    response = HttpResponse(status=status, body=body, headers=headers)
    try:
        receipt = D.decode_response(response)
    except ProviderError as exc:
        assert exc.status == status
        assert not 200 <= status <= 299
        with pytest.raises(ProviderError) as again:
            D.decode_response(D.encode_response(exc).value)
        assert again.value == exc
    except callglot.DecodeError as exc:
        assert exc.path.startswith("$")
        assert "\n" not in str(exc)
    else:
        assert 200 <= status <= 299
        assert D.encode_response(receipt).value.body == body


# ---------------------------------------------------------------- schema == decoder

_MUTATIONS = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**53), max_value=2**53)
    | st.floats(allow_nan=False, allow_infinity=False, min_value=-(2**52), max_value=2**52)
    | st.text(max_size=12)
    | st.sampled_from(["", "#", "A", "5", "ws://x.example.com", "https://x.example.com/a", "started", "MACHINE"])
    | st.lists(st.text(max_size=5), max_size=2)
    | st.dictionaries(st.text(max_size=5), st.integers(), max_size=2)
)


@SLOW
@given(event=events(), data=st.data())
def test_schema_and_decoder_agree(event: Any, data: st.DataObject) -> None:
    body = dict(D.encode_event(event).value.body)
    tag = body["event"]
    keys = sorted({"event", "bogus", *(f.name for f in attrs.fields(type(event)))})
    key = data.draw(st.sampled_from(keys))
    if data.draw(st.booleans()) and key in body:
        del body[key]
    else:
        body[key] = data.draw(_MUTATIONS)
    schema_ok = not schema_errors(body)
    try:
        D.decode_event(webhook(body))
    except callglot.DecodeError:
        runtime_ok = False
    else:
        runtime_ok = True
    assert schema_ok == runtime_ok, (tag, key, body)


@pytest.mark.parametrize(
    ("metadata", "path"),
    [
        ({"a": "\ud800"}, "$.metadata.a"),
        ({"a": [1, "\ud800"]}, "$.metadata.a[1]"),
        ({"a": {"b": float("nan")}}, "$.metadata.a.b"),
    ],
)
def test_bad_metadata_errors_point_inside_it(metadata: dict[str, Any], path: str) -> None:
    with pytest.raises(callglot.DecodeError) as caught:
        D.decode_event(webhook({"event": "call_state_changed", "state": "ended", "metadata": metadata}))
    assert caught.value.path == path
