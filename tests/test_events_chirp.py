"""Chirp webhooks and command responses: golden examples, round trips, bad input, schema, capabilities.

Reference: reference/dialects.md §2.2 (receipts), §2.4 (call object), §2.5 (webhooks), §2.6 (recording and
voicemail objects), §2.7 (errors and rate limits).
"""

from __future__ import annotations

import contextlib
import copy
import json
import math
from typing import Any

import pytest
from event_strategies import event_of
from hypothesis import example, given
from hypothesis import strategies as st
from jsonschema import Draft202012Validator
from strategies import https_urls, json_objects, json_values, safe_text

import callglot
from callglot import HttpRequest, HttpResponse
from callglot.adapters import chirp
from callglot.adapters.chirp import events as chirp_events
from callglot.canonical import Channel, HangupCause, RecordingFormat
from callglot.canonical import events as ev
from callglot.canonical.events import (
    EVENTS,
    CallDirection,
    CallLeg,
    CallState,
    CallStateChanged,
    CollectKind,
    CollectResult,
    CommandResult,
    DetectEvent,
    DetectKind,
    DtmfReceived,
    OperationState,
    PlaybackEvent,
    ProviderError,
    Receipt,
    ReceiptStatus,
    RecordingEvent,
    ReferEvent,
    StreamEvent,
    TapEvent,
    TranscriptionEvent,
    UnknownEvent,
    VoicemailReceived,
)
from callglot.capabilities import Action, Policy, Support
from callglot.errors import DecodeError, UnsupportedCommand, UnsupportedField
from callglot.schemas import load_schema, validator_for

D = callglot.get_dialect("chirp")
CALL = "call_2DbBs7GWhGvVNJGrDXr5RG0mBWI"
APP = "app_2DbBs7GWhGvVNJGrDXr5RG0mBWI"
T0 = 1776081600.0  # 2026-04-13T12:00:00.000Z


# ---------------------------------------------------------------- helpers


def webhook(body: Any) -> HttpRequest:
    return HttpRequest(method="POST", path="/webhooks/chirp", body=body)


def decode_event(body: Any) -> Any:
    return D.decode_event(webhook(body))


def assert_event_schema(body: Any) -> None:
    errors = sorted(validator_for("chirp.events").iter_errors(body), key=str)
    assert not errors, [e.message for e in errors]


def _def_validator(name: str) -> Draft202012Validator:
    schema = load_schema("chirp.events")
    sub = {key: schema[key] for key in ("$schema", "$id", "$defs")}
    sub["$ref"] = f"#/$defs/{name}"
    return Draft202012Validator(sub)


RESPONSE_VALIDATORS = {name: _def_validator(name) for name in ("receipt", "call_object", "error_response")}


def assert_response_schema(response: HttpResponse) -> None:
    body = response.body
    if response.status >= 400:
        name = "error_response"
    elif isinstance(body, dict) and "callId" in body:
        name = "receipt"
    else:
        name = "call_object"
    errors = list(RESPONSE_VALIDATORS[name].iter_errors(body))
    assert not errors, [e.message for e in errors]


def roundtrip_event(body: dict[str, Any]) -> Any:
    """Decode, re-encode identically (no report), validate; returns the event."""
    event = decode_event(body)
    translation = D.encode_event(event, path="/hooks/in")
    assert translation.value.body == body
    assert translation.value.method == "POST"
    assert translation.value.path == "/hooks/in"
    assert translation.report == ()
    assert_event_schema(translation.value.body)
    return event


def decode_error(response: HttpResponse) -> ProviderError:
    with pytest.raises(ProviderError) as info:
        D.decode_response(response)
    return info.value


def call_data(**extra: Any) -> dict[str, Any]:
    return {
        "id": CALL,
        "direction": "inbound",
        "from": "+15559876543",
        "to": "+15551234567",
        "fromChannel": "pstn",
        "toChannel": "pstn",
        **extra,
    }


# ---------------------------------------------------------------- golden webhooks

INITIATED = {  # docs.buildwithchirp.com/calling/receiving-calls, verbatim
    "event": "calls.initiated",
    "eventId": f"evt_{CALL}_initiated",
    "timestamp": "2026-04-13T12:00:00.000Z",
    "data": {
        "call": {
            "id": CALL,
            "direction": "inbound",
            "from": "+15559876543",
            "to": "+15551234567",
            "fromChannel": "pstn",
            "toChannel": "pstn",
            "livekitRoomName": "call-abc123",
        },
        "app": {"id": APP},
    },
}


def test_initiated_is_a_new_inbound_call() -> None:
    event = roundtrip_event(INITIATED)
    assert event == CallStateChanged(
        call_id=CALL,
        event_id=f"evt_{CALL}_initiated",
        timestamp=T0,
        state=CallState.CREATED,
        direction=CallDirection.INBOUND,
        source="+15559876543",
        destination="+15551234567",
        source_channel=Channel.PSTN,
        destination_channel=Channel.PSTN,
        origin={"app": {"id": APP}, "call": {"livekitRoomName": "call-abc123"}},
    )


STATE_GOLDEN = [
    ("calls.initiated", CallState.CREATED, None),
    ("calls.ringing", CallState.RINGING, None),
    ("calls.answered", CallState.ANSWERED, None),
    ("calls.completed", CallState.ENDED, None),
    ("calls.failed", CallState.FAILED, None),
    ("calls.no_answer", CallState.ENDED, HangupCause.NO_ANSWER),
]


@pytest.mark.parametrize(("name", "state", "cause"), STATE_GOLDEN)
def test_call_lifecycle_events(name: str, state: CallState, cause: HangupCause | None) -> None:
    suffix = name.split(".")[1]
    body = {
        "event": name,
        "eventId": f"evt_{CALL}_{suffix}",
        "timestamp": "2026-04-13T12:00:05.250Z",
        "data": {
            "call": {
                "id": CALL,
                "direction": "outbound",
                "from": "+15551234567",
                "to": "user_42",
                "fromChannel": "pstn",
                "toChannel": "webrtc",
                "livekitRoomName": "room-9",
                "metadata": {"campaignId": "camp_123", "tags": ["a", 1, None, True], "nested": {"x": 1.5}},
            },
            "app": {"id": APP, "name": "Support line"},
        },
    }
    event = roundtrip_event(body)
    assert event == CallStateChanged(
        call_id=CALL,
        event_id=f"evt_{CALL}_{suffix}",
        timestamp=T0 + 5.25,
        state=state,
        cause=cause,
        direction=CallDirection.OUTBOUND,
        source="+15551234567",
        destination="user_42",
        source_channel=Channel.PSTN,
        destination_channel=Channel.WEBRTC,
        metadata={"campaignId": "camp_123", "tags": ["a", 1, None, True], "nested": {"x": 1.5}},
        origin={"app": {"id": APP, "name": "Support line"}, "call": {"livekitRoomName": "room-9"}},
    )


def test_minimal_webhook() -> None:
    body = {"event": "calls.completed", "data": {"call": {"id": CALL}}}
    assert roundtrip_event(body) == CallStateChanged(call_id=CALL, state=CallState.ENDED)


RECORDING = {
    "event": "calls.recording.completed",
    "eventId": f"evt_{CALL}_recording_completed",
    "timestamp": "2026-01-15T10:32:06.120Z",
    "data": {
        "call": call_data(metadata={"ticket": 42}),
        "app": {"id": APP},
        "recording": {
            "id": "call_rec_abc123",
            "callId": CALL,
            "status": "completed",
            "format": "mp4",
            "duration": 120,
            "fileUrl": "https://storage.buildwithchirp.com/recordings/call_rec_abc123.mp4?sig=x",
            "fileSize": 1048576,
            "startedAt": "2026-01-15T10:30:05.000Z",
            "endedAt": "2026-01-15T10:32:05.000Z",
            "createdAt": "2026-01-15T10:30:05Z",
        },
    },
}


def test_recording_completed() -> None:
    event = roundtrip_event(RECORDING)
    assert event == RecordingEvent(
        call_id=CALL,
        event_id=f"evt_{CALL}_recording_completed",
        timestamp=1768473126.12,
        state=OperationState.FINISHED,
        url="https://storage.buildwithchirp.com/recordings/call_rec_abc123.mp4?sig=x",
        duration=120,
        size=1048576,
        format=RecordingFormat.MP4,
        recording_id="call_rec_abc123",
        started_at=1768473005.0,
        ended_at=1768473125.0,
        origin={
            "app": {"id": APP},
            "call": {k: v for k, v in call_data(metadata={"ticket": 42}).items() if k != "id"},
            "recording": {"createdAt": "2026-01-15T10:30:05Z"},  # kept verbatim: no canonical field
        },
    )


def test_recording_times_are_read_in_any_rfc3339_form_and_written_in_chirps() -> None:
    recording = {
        **RECORDING["data"]["recording"],
        "startedAt": "2026-01-15T11:30:05+01:00",
        "endedAt": "2026-01-15T10:32:05Z",
    }
    body = {**RECORDING, "data": {**RECORDING["data"], "recording": recording}}
    event = decode_event(body)
    assert (event.started_at, event.ended_at) == (1768473005.0, 1768473125.0)
    assert D.encode_event(event).value.body == RECORDING


@pytest.mark.parametrize("key", ["startedAt", "endedAt"])
def test_recording_times_must_be_times(key: str) -> None:
    body = {**RECORDING, "data": {**RECORDING["data"], "recording": {**RECORDING["data"]["recording"], key: "noon"}}}
    with pytest.raises(DecodeError) as info:
        decode_event(body)
    assert info.value.path == f"$.data.recording.{key}"


VOICEMAIL = {
    "event": "calls.voicemail.received",
    "eventId": f"evt_{CALL}_voicemail_received",
    "timestamp": "2026-01-15T10:35:00.000Z",
    "data": {
        "call": call_data(),
        "app": {"id": APP},
        "voicemail": {
            "id": "call_vm_2DbBs7GWhGvVNJGrDXr5RG0mBWI",
            "callId": CALL,
            "callerNumber": "+15559876543",
            "callerChannel": "pstn",
            "duration": 30,
            "isRead": False,
            "transcription": "Hi, I was calling about my order. Please call me back.",
            "recordingId": "call_rec_abc123",
            "createdAt": "2026-01-15T10:35:00Z",
        },
    },
}


def test_voicemail_received() -> None:
    event = roundtrip_event(VOICEMAIL)
    assert event == VoicemailReceived(
        call_id=CALL,
        event_id=f"evt_{CALL}_voicemail_received",
        timestamp=1768473300.0,
        voicemail_id="call_vm_2DbBs7GWhGvVNJGrDXr5RG0mBWI",
        source="+15559876543",
        duration=30,
        transcription="Hi, I was calling about my order. Please call me back.",
        recording_id="call_rec_abc123",
        origin={
            "app": {"id": APP},
            "call": {k: v for k, v in call_data().items() if k != "id"},
            "voicemail": {"callerChannel": "pstn", "isRead": False, "createdAt": "2026-01-15T10:35:00Z"},
        },
    )


def test_voicemail_nullable_fields() -> None:
    body = copy.deepcopy(VOICEMAIL)
    body["data"]["voicemail"].update(duration=None, transcription=None, recordingId=None)
    event = roundtrip_event(body)
    assert (event.duration, event.transcription, event.recording_id) == (None, None, None)


def test_voicemail_absent_nullable_fields_are_written_as_null() -> None:
    body = {"event": "calls.voicemail.received", "data": {"call": {"id": CALL}, "voicemail": {"id": "call_vm_1"}}}
    event = decode_event(body)
    assert event == VoicemailReceived(call_id=CALL, voicemail_id="call_vm_1")
    out = D.encode_event(event).value.body
    assert out["data"]["voicemail"] == {
        "id": "call_vm_1",
        "callId": CALL,
        "duration": None,
        "transcription": None,
        "recordingId": None,
    }
    assert decode_event(out) == event


def test_request_path_is_ignored_and_encode_uses_path() -> None:
    event = D.decode_event(HttpRequest(method="POST", path="/anything/at/all?x=1", body=INITIATED))
    assert D.encode_event(event, path="/v2/in").value.path == "/v2/in"
    assert D.encode_event(event).value.path == "/"


@pytest.mark.parametrize(
    ("wire", "seconds", "normal"),
    [
        ("2026-04-13T12:00:00.000Z", T0, "2026-04-13T12:00:00.000Z"),
        ("2026-04-13T12:00:00Z", T0, "2026-04-13T12:00:00.000Z"),
        ("2026-04-13T12:00:00.5Z", T0 + 0.5, "2026-04-13T12:00:00.500Z"),
        ("2026-04-13T14:00:00.000+02:00", T0, "2026-04-13T12:00:00.000Z"),
        ("2026-04-13T11:30:00.001-00:30", T0 + 0.001, "2026-04-13T12:00:00.001Z"),
        ("1970-01-01T00:00:00.000Z", 0.0, "1970-01-01T00:00:00.000Z"),
        ("9999-12-31T23:59:59.999Z", 253402300799.999, "9999-12-31T23:59:59.999Z"),
    ],
)
def test_timestamps(wire: str, seconds: float, normal: str) -> None:
    body = {"event": "calls.answered", "timestamp": wire, "data": {"call": {"id": CALL}}}
    event = decode_event(body)
    assert event.timestamp == pytest.approx(seconds, abs=1e-6)
    assert D.encode_event(event).value.body["timestamp"] == normal


def test_microseconds_are_kept_and_finer_is_a_loss() -> None:
    micro = decode_event(
        {"event": "calls.answered", "timestamp": "2026-04-13T12:00:00.000250Z", "data": {"call": {"id": CALL}}}
    )
    assert micro.timestamp == T0 + 0.00025
    assert D.encode_event(micro).value.body["timestamp"] == "2026-04-13T12:00:00.000250Z"
    event = CallStateChanged(call_id=CALL, state=CallState.ANSWERED, timestamp=T0 + 0.0000004)
    with pytest.raises(UnsupportedField) as info:
        D.encode_event(event)
    assert info.value.field == "timestamp"
    lenient = D.encode_event(event, policy=Policy.LENIENT)
    assert lenient.value.body["timestamp"] == "2026-04-13T12:00:00.000Z"
    assert [a.field for a in lenient.report] == ["timestamp"]


def test_times_a_float_cannot_hold_are_refused() -> None:
    with pytest.raises(DecodeError) as info:
        decode_event(
            {"event": "calls.answered", "timestamp": "9999-12-31T23:59:59.000001Z", "data": {"call": {"id": CALL}}}
        )
    assert info.value.path == "$.timestamp"


# ---------------------------------------------------------------- golden responses

COMMAND_TYPES = {
    "answer": "answer",
    "reject": "reject",
    "hangup": "hangup",
    "hold": "hold",
    "unhold": "unhold",
    "mute": "mute",
    "unmute": "unmute",
    "transfer": "transfer",
    "add_participant": "add_participant",
    "remove_participant": "remove_participant",
    "send_dtmf": "send_digits",
    "play_audio": "play",
    "stop_audio": "stop_playback",
    "start_recording": "record",
    "stop_recording": "stop_recording",
    "send_to_voicemail": "send_to_voicemail",
}


def test_seed_receipt() -> None:
    response = HttpResponse(status=200, body={"callId": "call_abc123", "command": "hangup", "status": "accepted"})
    receipt = D.decode_response(response)
    assert receipt == Receipt(status=ReceiptStatus.ACCEPTED, call_id="call_abc123", command="hangup")
    translation = D.encode_response(receipt)
    assert translation.value == response
    assert translation.report == ()


@pytest.mark.parametrize("wire_type", sorted(COMMAND_TYPES))
@pytest.mark.parametrize("status", ["accepted", "queued"])
def test_receipt_for_every_command(wire_type: str, status: str) -> None:
    response = HttpResponse(status=200, body={"callId": CALL, "command": wire_type, "status": status})
    receipt = D.decode_response(response)
    assert receipt == Receipt(status=ReceiptStatus(status), call_id=CALL, command=COMMAND_TYPES[wire_type])
    assert receipt.command in callglot.canonical.BY_TAG
    out = D.encode_response(receipt).value
    assert out == response
    assert out.headers == {}
    assert_response_schema(out)


CALL_OBJECT = {  # the create-call response (§2.4), with the docs' example values
    "id": CALL,
    "appId": APP,
    "direction": "outbound",
    "status": "initiated",
    "fromAddress": "+15551234567",
    "toAddress": "+15559876543",
    "fromChannel": "pstn",
    "toChannel": "pstn",
    "duration": None,
    "endReason": None,
    "metadata": {"campaignId": "camp_123"},
    "livekitRoomName": None,
    "startedAt": "2026-01-15T10:30:00Z",
    "answeredAt": None,
    "endedAt": None,
    "createdAt": "2026-01-15T10:30:00Z",
}


def test_create_call_response_is_a_dial_receipt_with_the_call_leg() -> None:
    response = HttpResponse(status=200, body=CALL_OBJECT)
    receipt = D.decode_response(response)
    details = {
        k: v for k, v in CALL_OBJECT.items() if k not in ("id", "status", "direction", "fromAddress", "toAddress")
    }
    assert receipt == Receipt(
        status=ReceiptStatus.ACCEPTED,
        call_id=CALL,
        command="dial",
        call=CallLeg(
            id=CALL,
            state="initiated",
            direction="outbound",
            source="+15551234567",
            destination="+15559876543",
            details=details,
        ),
    )
    translation = D.encode_response(receipt)
    assert translation.value == response
    assert translation.report == ()
    assert_response_schema(translation.value)


def test_completed_call_object() -> None:
    body = {
        **CALL_OBJECT,
        "status": "completed",
        "duration": 120,
        "endReason": "hangup",
        "answeredAt": "2026-01-15T10:30:05Z",
        "endedAt": "2026-01-15T10:32:05Z",
        "livekitRoomName": "r1",
    }
    response = HttpResponse(status=200, body=body)
    assert D.encode_response(D.decode_response(response)).value == response


def test_call_object_number_too_large_for_a_float_round_trips() -> None:
    # JSON integers have no bound; the check must not convert them to float (math.isfinite overflows).
    response = HttpResponse(status=200, body={"id": CALL, "duration": 10**400})
    receipt = D.decode_response(response)
    assert receipt.call is not None
    assert receipt.call.details["duration"] == 10**400
    assert D.encode_response(receipt).value == response


def test_bare_call_object() -> None:
    response = HttpResponse(status=200, body={"id": CALL})
    receipt = D.decode_response(response)
    assert receipt == Receipt(status=ReceiptStatus.ACCEPTED, call_id=CALL, command="dial", call=CallLeg(id=CALL))
    assert D.encode_response(receipt).value == response


ERRORS = [
    (
        400,
        {
            "error": {
                "type": "invalid_request_error",
                "message": "Invalid phone number",
                "code": "invalid_phone_number",
                "doc_url": "https://docs.buildwithchirp.com/api_reference/error-codes#invalid_phone_number",
                "param": "to",
            }
        },
        {},
        ProviderError(
            400,
            "Invalid phone number",
            code="invalid_phone_number",
            parameter="to",
            kind="invalid_request_error",
            details={"doc_url": "https://docs.buildwithchirp.com/api_reference/error-codes#invalid_phone_number"},
        ),
    ),
    (
        404,
        {"error": {"type": "invalid_request_error", "message": "Call not found"}},
        {},
        ProviderError(404, "Call not found", kind="invalid_request_error"),
    ),
    (
        409,
        {"error": {"type": "invalid_request_error", "message": "Call is not active", "code": "call_not_active"}},
        {},
        ProviderError(409, "Call is not active", code="call_not_active", kind="invalid_request_error"),
    ),
    (
        401,
        {"error": {"type": "authentication_error", "message": "Invalid API key"}},
        {},
        ProviderError(401, "Invalid API key", kind="authentication_error"),
    ),
    (
        403,
        {"error": {"type": "authentication_error", "message": "Key not allowed for this app"}},
        {},
        ProviderError(403, "Key not allowed for this app", kind="authentication_error"),
    ),
    (
        424,
        {
            "error": {
                "type": "provider_error",
                "message": "Upstream rejected the call",
                "code": "provider_failure",
                "provider": {
                    "source": "meta",
                    "code": 131026,
                    "message": "Message undeliverable",
                    "fbtrace_id": "AbC123",
                },
            }
        },
        {},
        ProviderError(
            424,
            "Upstream rejected the call",
            code="provider_failure",
            kind="provider_error",
            details={
                "provider": {
                    "source": "meta",
                    "code": 131026,
                    "message": "Message undeliverable",
                    "fbtrace_id": "AbC123",
                }
            },
        ),
    ),
    (
        402,
        {
            "error": {
                "type": "provider_error",
                "message": "Carrier error",
                "provider": {"source": "telnyx", "code": "10007", "message": "Unexpected error"},
            }
        },
        {},
        ProviderError(
            402,
            "Carrier error",
            kind="provider_error",
            details={"provider": {"source": "telnyx", "code": "10007", "message": "Unexpected error"}},
        ),
    ),
    (
        500,
        {"error": {"type": "api_error", "message": "Internal error"}},
        {},
        ProviderError(500, "Internal error", kind="api_error"),
    ),
    (
        503,
        {"error": {"type": "api_error", "message": "Service unavailable"}},
        {"Retry-After": "5"},
        ProviderError(503, "Service unavailable", kind="api_error", retry_after=5.0),
    ),
    (
        429,
        {"error": "Rate limit exceeded. Try again in 30 seconds."},
        {
            "Retry-After": "30",
            "X-RateLimit-Limit": "120",
            "X-RateLimit-Remaining": "0",
            "X-RateLimit-Reset": "1776081630",
        },
        ProviderError(
            429,
            "Rate limit exceeded. Try again in 30 seconds.",
            retry_after=30.0,
            details={"rate_limit": {"limit": "120", "remaining": "0", "reset": "1776081630"}},
        ),
    ),
    (
        429,
        {"error": "Rate limit exceeded. Try again in 30 seconds."},
        {},
        ProviderError(429, "Rate limit exceeded. Try again in 30 seconds."),
    ),
]


@pytest.mark.parametrize(("status", "body", "headers", "expected"), ERRORS)
def test_error_responses(status: int, body: Any, headers: dict[str, str], expected: ProviderError) -> None:
    response = HttpResponse(status=status, body=body, headers=headers)
    error = decode_error(response)
    assert error == expected
    assert (error.status, error.message, error.code, error.parameter, error.kind, error.retry_after) == (
        expected.status,
        expected.message,
        expected.code,
        expected.parameter,
        expected.kind,
        expected.retry_after,
    )
    translation = D.encode_response(error)
    assert translation.value == response
    assert translation.value.headers == headers
    assert translation.report == ()
    assert_response_schema(translation.value)


def test_headers_are_read_case_insensitively() -> None:
    error = decode_error(
        HttpResponse(status=429, body={"error": "slow down"}, headers={"retry-after": "7", "x-ratelimit-limit": "60"})
    )
    assert error.retry_after == 7.0
    assert error.details == {"rate_limit": {"limit": "60"}}
    assert D.encode_response(error).value.headers == {"Retry-After": "7", "X-RateLimit-Limit": "60"}


def test_retry_after_http_date_is_read_and_written_as_seconds() -> None:
    headers = {"Retry-After": "Mon, 13 Apr 2026 12:00:30 GMT", "Date": "Mon, 13 Apr 2026 12:00:00 GMT"}
    error = decode_error(HttpResponse(status=429, body={"error": "Rate limit exceeded."}, headers=headers))
    assert error.retry_after == 30.0
    assert D.encode_response(error).value.headers == {"Retry-After": "30"}


def test_retry_after_http_date_in_the_past_is_zero() -> None:
    headers = {"Retry-After": "Mon, 13 Apr 2026 11:59:00 GMT", "Date": "Mon, 13 Apr 2026 12:00:00 GMT"}
    assert decode_error(HttpResponse(status=503, body={"error": "x"}, headers=headers)).retry_after == 0.0


def test_retry_after_http_date_without_date_header_uses_the_clock() -> None:
    headers = {"Retry-After": "Fri, 31 Dec 9999 23:59:59 GMT"}
    assert decode_error(HttpResponse(status=429, body={"error": "x"}, headers=headers)).retry_after > 1e9


@pytest.mark.parametrize("value", ["soon", "-5", "1.5", "", "99999999999", "Mon, 99 Foo 2026", "\uff13\uff10"])
def test_garbage_retry_after_is_treated_as_absent(value: str) -> None:
    error = decode_error(HttpResponse(status=429, body={"error": "x"}, headers={"Retry-After": value}))
    assert error.retry_after is None


def test_fractional_retry_after_is_rounded_up_as_a_loss() -> None:
    error = ProviderError(429, "slow down", retry_after=2.5)
    with pytest.raises(UnsupportedField):
        D.encode_response(error)
    lenient = D.encode_response(error, policy=Policy.LENIENT)
    assert lenient.value.headers == {"Retry-After": "3"}
    assert [a.field for a in lenient.report] == ["retry_after"]


def test_retry_after_too_large_for_a_float_is_a_loss() -> None:
    error = ProviderError(429, "slow down", retry_after=10**400)
    with pytest.raises(UnsupportedField):
        D.encode_response(error)
    lenient = D.encode_response(error, policy=Policy.LENIENT)
    assert "Retry-After" not in lenient.value.headers
    assert [a.field for a in lenient.report] == ["retry_after"]


def test_foreign_errors_get_a_chirp_type() -> None:
    # The gateway's {success: false, error} has no kind: Chirp always sends a type.
    translation = D.encode_response(ProviderError(404, "session not found"))
    assert translation.value.body == {"error": {"type": "invalid_request_error", "message": "session not found"}}
    assert [(a.action, a.field) for a in translation.report] == [(Action.GENERATED, "kind")]
    # SignalWire's 422 validation_error is not a Chirp type.
    sw = ProviderError(
        422,
        "url must be a valid http or https url",
        code="missing_required_parameter",
        parameter="url",
        kind="validation_error",
    )
    with pytest.raises(UnsupportedField) as info:
        D.encode_response(sw)
    assert info.value.field == "kind"
    lenient = D.encode_response(sw, policy=Policy.LENIENT).value
    assert lenient.body["error"]["type"] == "invalid_request_error"
    assert_response_schema(lenient)
    for status, kind in ((401, "authentication_error"), (402, "provider_error"), (502, "api_error")):
        assert D.encode_response(ProviderError(status, "x")).value.body["error"]["type"] == kind


def test_foreign_details_are_a_loss() -> None:
    error = ProviderError(400, "bad", kind="invalid_request_error", details={"detail": {"field": "urls"}})
    with pytest.raises(UnsupportedField):
        D.encode_response(error)
    lenient = D.encode_response(error, policy=Policy.LENIENT)
    assert lenient.value.body == {"error": {"type": "invalid_request_error", "message": "bad"}}
    assert [a.field for a in lenient.report] == ["details"]


def test_error_status_must_be_an_error() -> None:
    with pytest.raises(UnsupportedField):
        D.encode_response(ProviderError(200, "odd"), policy=Policy.LENIENT)


def test_receipt_losses() -> None:
    gateway = Receipt(status=ReceiptStatus.IN_PROGRESS, call_id=CALL, command="hangup", operation_id="op-1", timeout=2)
    with pytest.raises(UnsupportedField):
        D.encode_response(gateway)
    lenient = D.encode_response(gateway, policy=Policy.LENIENT)
    assert lenient.value.body == {"callId": CALL, "command": "hangup", "status": "accepted"}
    assert {a.field for a in lenient.report} == {"status", "operation_id", "timeout"}
    # SignalWire returns the call leg for every command: Chirp only for a created call.
    sw = Receipt(status=ReceiptStatus.ACCEPTED, call_id=CALL, command="play", call=CallLeg(id=CALL, state="answered"))
    lenient = D.encode_response(sw, policy=Policy.LENIENT)
    assert lenient.value.body == {"callId": CALL, "command": "play_audio", "status": "accepted"}
    assert [a.field for a in lenient.report] == ["call"]
    # Commands Chirp has no type for.
    with pytest.raises(UnsupportedField):
        D.encode_response(
            Receipt(status=ReceiptStatus.ACCEPTED, call_id=CALL, command="collect"), policy=Policy.LENIENT
        )
    with pytest.raises(UnsupportedField):
        D.encode_response(Receipt(status=ReceiptStatus.ACCEPTED, call_id=CALL), policy=Policy.LENIENT)
    with pytest.raises(UnsupportedField):
        D.encode_response(Receipt(status=ReceiptStatus.ACCEPTED, command="hangup"), policy=Policy.LENIENT)
    cancel = Receipt(status=ReceiptStatus.ACCEPTED, call_id=CALL, command="cancel")
    with pytest.raises(UnsupportedField):
        D.encode_response(cancel)
    assert D.encode_response(cancel, policy=Policy.LENIENT).value.body["command"] == "hangup"


def test_dial_receipt_from_other_dialects() -> None:
    sw_leg = CallLeg(
        id=CALL,
        state="answered",
        direction="outbound-api",
        source="+1555",
        destination="+1666",
        details={"charge": 0.01, "type": "relay_pstn_call"},
    )
    receipt = Receipt(status=ReceiptStatus.ACCEPTED, call_id=CALL, command="dial", call=sw_leg)
    with pytest.raises(UnsupportedField):
        D.encode_response(receipt)
    lenient = D.encode_response(receipt, policy=Policy.LENIENT)
    assert lenient.value.body == {"id": CALL, "fromAddress": "+1555", "toAddress": "+1666"}
    assert {a.field for a in lenient.report} == {"call.state", "call.direction", "call.details"}
    assert_response_schema(lenient.value)
    # No call leg at all: the call object is built from the call id (reported as generated).
    bare = D.encode_response(Receipt(status=ReceiptStatus.ACCEPTED, call_id=CALL, command="dial"))
    assert bare.value.body == {"id": CALL}
    assert [(a.action, a.field) for a in bare.report] == [(Action.GENERATED, "call")]
    mismatch = Receipt(status=ReceiptStatus.ACCEPTED, call_id="call_other", command="dial", call=CallLeg(id=CALL))
    with pytest.raises(UnsupportedField):
        D.encode_response(mismatch, policy=Policy.LENIENT)


# ---------------------------------------------------------------- bad input


BAD_EVENTS = [
    (None, "$"),
    ([], "$"),
    ("calls.initiated", "$"),
    ({}, "$.event"),
    ({"event": "", "data": {"call": {"id": CALL}}}, "$.event"),
    ({"event": 7, "data": {"call": {"id": CALL}}}, "$.event"),
    ({"event": "calls.answered"}, "$.data"),
    ({"event": "calls.answered", "data": {}}, "$.data.call"),
    ({"event": "calls.answered", "data": {"call": {}}}, "$.data.call.id"),
    ({"event": "calls.answered", "data": {"call": {"id": 5}}}, "$.data.call.id"),
    ({"event": "calls.answered", "data": {"call": {"id": ""}}}, "$.data.call.id"),
    ({"event": "calls.answered", "data": {"call": {"id": CALL, "direction": "sideways"}}}, "$.data.call.direction"),
    ({"event": "calls.answered", "data": {"call": {"id": CALL, "fromChannel": "sip"}}}, "$.data.call.fromChannel"),
    ({"event": "calls.answered", "data": {"call": {"id": CALL, "toChannel": "fax"}}}, "$.data.call.toChannel"),
    ({"event": "calls.answered", "data": {"call": {"id": CALL, "from": None}}}, "$.data.call.from"),
    ({"event": "calls.answered", "data": {"call": {"id": CALL, "metadata": []}}}, "$.data.call.metadata"),
    ({"event": "calls.answered", "data": {"call": {"id": CALL}, "app": {}}}, "$.data.app.id"),
    ({"event": "calls.answered", "data": {"call": {"id": CALL}, "app": None}}, "$.data.app"),
    ({"event": "calls.answered", "timestamp": "yesterday", "data": {"call": {"id": CALL}}}, "$.timestamp"),
    ({"event": "calls.answered", "timestamp": "2026-02-30T00:00:00Z", "data": {"call": {"id": CALL}}}, "$.timestamp"),
    ({"event": "calls.answered", "timestamp": "1969-12-31T23:59:59Z", "data": {"call": {"id": CALL}}}, "$.timestamp"),
    (
        {"event": "calls.answered", "timestamp": "2026-04-13T12:00:00.0000001Z", "data": {"call": {"id": CALL}}},
        "$.timestamp",
    ),
    (
        {"event": "calls.answered", "timestamp": "2026-04-13T12:00:00+99:00", "data": {"call": {"id": CALL}}},
        "$.timestamp",
    ),
    ({"event": "calls.answered", "eventId": "", "data": {"call": {"id": CALL}}}, "$.eventId"),
    ({"event": "calls.answered", "data": {"call": {"id": CALL}, "recording": {}}}, "$.data"),
    ({"event": "calls.recording.completed", "data": {"call": {"id": CALL}}}, "$.data.recording"),
    ({"event": "calls.voicemail.received", "data": {"call": {"id": CALL}}}, "$.data.voicemail"),
    (
        {"event": "calls.recording.completed", "data": {"call": {"id": CALL}, "voicemail": {}, "recording": {}}},
        "$.data",
    ),
    (
        {"event": "calls.recording.completed", "data": {"call": {"id": CALL}, "recording": {"callId": "call_x"}}},
        "$.data.recording.callId",
    ),
    (
        {"event": "calls.recording.completed", "data": {"call": {"id": CALL}, "recording": {"status": "failed"}}},
        "$.data.recording.status",
    ),
    (
        {"event": "calls.recording.completed", "data": {"call": {"id": CALL}, "recording": {"format": "mp3"}}},
        "$.data.recording.format",
    ),
    (
        {"event": "calls.recording.completed", "data": {"call": {"id": CALL}, "recording": {"duration": -1}}},
        "$.data.recording.duration",
    ),
    (
        {"event": "calls.recording.completed", "data": {"call": {"id": CALL}, "recording": {"fileSize": 1.5}}},
        "$.data.recording.fileSize",
    ),
    (
        {"event": "calls.recording.completed", "data": {"call": {"id": CALL}, "recording": {"fileUrl": "ftp://x"}}},
        "$.data.recording.fileUrl",
    ),
    (
        {"event": "calls.recording.completed", "data": {"call": {"id": CALL}, "recording": {"endedAt": "noon"}}},
        "$.data.recording.endedAt",
    ),
    (
        {"event": "calls.voicemail.received", "data": {"call": {"id": CALL}, "voicemail": {"duration": "30"}}},
        "$.data.voicemail.duration",
    ),
    (
        {"event": "calls.voicemail.received", "data": {"call": {"id": CALL}, "voicemail": {"duration": True}}},
        "$.data.voicemail.duration",
    ),
    (
        {"event": "calls.voicemail.received", "data": {"call": {"id": CALL}, "voicemail": {"transcription": 1}}},
        "$.data.voicemail.transcription",
    ),
    (
        {"event": "calls.voicemail.received", "data": {"call": {"id": CALL}, "voicemail": {"recordingId": ""}}},
        "$.data.voicemail.recordingId",
    ),
    (
        {"event": "calls.voicemail.received", "data": {"call": {"id": CALL}, "voicemail": {"callerChannel": "sip"}}},
        "$.data.voicemail.callerChannel",
    ),
    (
        {"event": "calls.voicemail.received", "data": {"call": {"id": CALL}, "voicemail": {"isRead": "no"}}},
        "$.data.voicemail.isRead",
    ),
    (
        {"event": "calls.voicemail.received", "data": {"call": {"id": CALL}, "voicemail": {"callId": "call_y"}}},
        "$.data.voicemail.callId",
    ),
    (
        {"event": "calls.voicemail.received", "data": {"call": {"id": CALL}, "voicemail": {"createdAt": "x"}}},
        "$.data.voicemail.createdAt",
    ),
]


@pytest.mark.parametrize(("body", "path"), BAD_EVENTS)
def test_bad_webhooks(body: Any, path: str) -> None:
    with pytest.raises(DecodeError) as info:
        decode_event(body)
    assert info.value.path == path
    assert info.value.reason
    assert "\n" not in str(info.value)


def test_an_event_callglot_does_not_model_is_kept_whole() -> None:
    body = {"event": "calls.transcript.ready", "eventId": "evt_1", "data": {"call": {"id": CALL}, "text": "hi"}}
    event = decode_event(body)
    assert event == UnknownEvent(dialect="chirp", event_type="calls.transcript.ready", body=body, call_id=CALL)
    assert D.encode_event(event).value.body == body


def test_not_a_request() -> None:
    with pytest.raises(DecodeError):
        D.decode_event({"event": "calls.answered"})  # type: ignore[arg-type]
    with pytest.raises(DecodeError):
        D.decode_response({"callId": CALL})  # type: ignore[arg-type]


BAD_RESPONSES = [
    (200, None, "$"),
    (200, "accepted", "$"),
    (200, {}, "$.callId"),
    (200, {"callId": CALL, "command": "hangup"}, "$.status"),
    (200, {"callId": CALL, "command": "hangup", "status": "in_progress"}, "$.status"),
    (200, {"callId": CALL, "command": "dial", "status": "accepted"}, "$.command"),
    (200, {"callId": "", "command": "hangup", "status": "accepted"}, "$.callId"),
    (200, {"id": CALL, "status": "ended"}, "$.status"),
    (200, {"id": CALL, "fromChannel": "sip"}, "$.fromChannel"),
    (200, {"id": CALL, "direction": None}, "$.direction"),
    (200, {"id": CALL, "duration": "5"}, "$.duration"),
    (200, {"id": CALL, "startedAt": "today"}, "$.startedAt"),
    (200, {"id": CALL, "metadata": [1]}, "$.metadata"),
    (200, {"id": 7}, "$.id"),
    (200, {"id": ""}, "$.id"),
    (204, {"id": CALL}, "$"),
    (302, None, "$"),
    (400, None, "$"),
    (400, "Bad Request", "$"),
    (400, {}, "$.error"),
    (400, {"error": 5}, "$.error"),
    (400, {"error": None}, "$.error"),
    (400, {"error": {"message": "x"}}, "$.error.type"),
    (400, {"error": {"type": "validation_error", "message": "x"}}, "$.error.type"),
    (400, {"error": {"type": "api_error", "message": "x", "code": 400}}, "$.error.code"),
    (
        424,
        {"error": {"type": "provider_error", "message": "x", "provider": {"source": "meta"}}},
        "$.error.provider.code",
    ),
    (
        424,
        {
            "error": {
                "type": "provider_error",
                "message": "x",
                "provider": {"source": "meta", "code": True, "message": "m"},
            }
        },
        "$.error.provider.code",
    ),
    (424, {"error": {"type": "provider_error", "message": "x", "provider": []}}, "$.error.provider"),
]


@pytest.mark.parametrize(("status", "body", "path"), [case for case in BAD_RESPONSES if 200 <= case[0] <= 299])
def test_bad_responses(status: int, body: Any, path: str) -> None:
    with pytest.raises(DecodeError) as info:
        D.decode_response(HttpResponse(status=status, body=body))
    assert info.value.path == path
    assert "\n" not in str(info.value)


@pytest.mark.parametrize(("status", "body"), [case[:2] for case in BAD_RESPONSES if not 200 <= case[0] <= 299])
def test_error_replies_not_in_chirp_form_are_kept_as_they_came(status: int, body: Any) -> None:
    reply = HttpResponse(status=status, body=body)
    error = decode_error(reply)
    assert (error.status, error.code, error.kind, error.parameter) == (status, None, None, None)
    assert error.details == (None if body is None else {"body": body})
    if body is not None:
        assert D.encode_response(error).value == reply  # sent back as it came


# ---------------------------------------------------------------- any input: a value or a DecodeError

json_bodies = json_values(max_depth=4)
GOLDEN_BODIES = [INITIATED, RECORDING, VOICEMAIL]


def _mutations() -> st.SearchStrategy[Any]:
    """A golden body with one value somewhere replaced by arbitrary JSON (reaches the deep decoders)."""

    def mutate(body: Any, pick: int, value: Any) -> Any:
        body = copy.deepcopy(body)
        slots: list[tuple[Any, Any]] = []

        def walk(node: Any) -> None:
            if isinstance(node, dict):
                for key in list(node):
                    slots.append((node, key))
                    walk(node[key])

        walk(body)
        node, key = slots[pick % len(slots)]
        if value == "__delete__":
            del node[key]
        else:
            node[key] = value
        return body

    return st.builds(
        mutate,
        st.sampled_from(GOLDEN_BODIES),
        st.integers(0, 100),
        st.one_of(json_bodies, st.just("__delete__"), st.sampled_from(["", "call_x", "2026-01-01T00:00:00Z", -1, 1.5])),
    )


@given(body=st.one_of(json_bodies, _mutations(), st.text(max_size=30)))
@example(body={"event": "calls.answered", "data": {"call": {"id": CALL, "metadata": {"a": [[[[[[[[[[[]]]]]]]]]]]}}}})
@example(body={"event": "calls.answered", "data": {"call": {"id": CALL}}, "timestamp": "0000-01-01T00:00:00Z"})
@example(body={**INITIATED, "event": "0"})  # an event type callglot does not model
def test_any_webhook_body_decodes_or_raises_decode_error(body: Any) -> None:
    try:
        event = decode_event(body)
    except DecodeError as exc:
        assert exc.path.startswith("$")
        assert exc.reason
        assert "\n" not in str(exc)
        return
    assert isinstance(event, (*EVENTS, UnknownEvent))
    # Whatever decodes re-encodes (normal form) and decodes to the same event.
    out = D.encode_event(event).value.body
    if isinstance(event, UnknownEvent):  # passed on to Chirp as it came (the schema lists the known events)
        assert event.event_type == body["event"]
        assert out == body
    else:
        assert_event_schema(out)
    assert decode_event(out) == event


STATUSES = st.one_of(
    st.sampled_from([200, 201, 204, 301, 400, 401, 402, 404, 409, 424, 429, 500, 503]), st.integers(100, 599)
)
HEADERS = st.dictionaries(
    st.sampled_from(["Retry-After", "retry-after", "Date", "X-RateLimit-Limit", "X-RateLimit-Reset", "X-Other"]),
    st.one_of(st.text(max_size=30), st.sampled_from(["30", "Mon, 13 Apr 2026 12:00:30 GMT", "0"])),
    max_size=4,
)


def _response_mutations() -> st.SearchStrategy[Any]:
    bodies = [
        {"callId": CALL, "command": "play_audio", "status": "queued"},
        CALL_OBJECT,
        ERRORS[0][1],
        ERRORS[5][1],
        {"error": "Rate limit exceeded."},
    ]

    def mutate(body: Any, key_pick: int, value: Any) -> Any:
        body = copy.deepcopy(body)
        node = body["error"] if isinstance(body.get("error"), dict) else body
        keys = list(node)
        node[keys[key_pick % len(keys)]] = value
        return body

    return st.builds(mutate, st.sampled_from(bodies), st.integers(0, 20), json_bodies)


@given(
    status=STATUSES,
    body=st.one_of(json_bodies, _response_mutations(), st.text(max_size=30)),
    headers=HEADERS,
)
def test_any_response_decodes_or_raises(status: int, body: Any, headers: dict[str, str]) -> None:
    try:
        receipt = D.decode_response(HttpResponse(status=status, body=body, headers=headers))
    except ProviderError as error:
        assert not 200 <= status <= 299
        assert error.status == status
        assert error.retry_after is None or (math.isfinite(error.retry_after) and error.retry_after >= 0)
        out = D.encode_response(error, policy=Policy.LENIENT).value
        if not 400 <= status <= 599 or (error.details is not None and "body" in error.details):  # as it came
            assert decode_error(out) == error
        else:
            assert_response_schema(out)
        return
    except DecodeError as exc:
        assert exc.path.startswith("$")
        assert "\n" not in str(exc)
        return
    assert status == 200
    assert isinstance(receipt, Receipt)
    out = D.encode_response(receipt).value
    assert out == HttpResponse(status=200, body=body)
    assert_response_schema(out)


# ---------------------------------------------------------------- round trips of canonical values

ids = st.text(
    st.sampled_from("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_"), min_size=1, max_size=40
)
ms_timestamps = st.one_of(
    st.integers(0, 253402300799999).map(lambda ms: float(ms // 1000) + ms % 1000 / 1000),
    st.integers(0, 2**31 * 10**6).map(lambda us: float(us // 10**6) + us % 10**6 / 10**6),  # microseconds
    st.integers(0, 2**33),
)
times = st.builds(
    lambda y, mo, d, h, mi, s, frac: f"{y:04d}-{mo:02d}-{d:02d}T{h:02d}:{mi:02d}:{s:02d}{frac}Z",
    st.integers(1970, 9999),
    st.integers(1, 12),
    st.integers(1, 28),
    st.integers(0, 23),
    st.integers(0, 59),
    st.integers(0, 59),
    st.sampled_from(["", ".000", ".5", ".123", ".123456"]),
)
chirp_channels = st.sampled_from([Channel.PSTN, Channel.WHATSAPP, Channel.WEBRTC])
durations = st.one_of(st.integers(0, 10**6), st.floats(0, 1e6, allow_nan=False))


def opt(strategy: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.one_of(st.none(), strategy)


apps = st.fixed_dictionaries({"id": ids}, optional={"name": safe_text(0, 20)})
call_extras = st.fixed_dictionaries(
    {},
    optional={
        "direction": st.sampled_from(["inbound", "outbound"]),
        "from": safe_text(1, 20),
        "to": safe_text(1, 20),
        "fromChannel": st.sampled_from(["pstn", "whatsapp", "webrtc"]),
        "toChannel": st.sampled_from(["pstn", "whatsapp", "webrtc"]),
        "livekitRoomName": safe_text(0, 20),
        "metadata": json_objects(frozen=False),
    },
)


def origins(**sections: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.fixed_dictionaries({}, optional={"app": apps, **sections}).map(lambda o: o or None)


@st.composite
def state_events(draw: st.DrawFn) -> CallStateChanged:
    state = draw(st.sampled_from([s for s in CallState if s is not CallState.ENDING]))
    cause = HangupCause.NO_ANSWER if state is CallState.ENDED and draw(st.booleans()) else None
    return CallStateChanged(
        call_id=draw(ids),
        event_id=draw(opt(safe_text(1, 30))),
        timestamp=draw(opt(ms_timestamps)),
        state=state,
        cause=cause,
        direction=draw(opt(st.sampled_from(CallDirection))),
        source=draw(opt(safe_text(1, 30))),
        destination=draw(opt(safe_text(1, 30))),
        source_channel=draw(opt(chirp_channels)),
        destination_channel=draw(opt(chirp_channels)),
        metadata=draw(opt(json_objects())),
        origin=draw(origins(call=st.fixed_dictionaries({"livekitRoomName": safe_text(0, 20)}))),
    )


@st.composite
def recording_events(draw: st.DrawFn) -> RecordingEvent:
    recording = st.fixed_dictionaries({}, optional={"createdAt": times})
    return RecordingEvent(
        call_id=draw(ids),
        event_id=draw(opt(safe_text(1, 30))),
        timestamp=draw(opt(ms_timestamps)),
        state=OperationState.FINISHED,
        url=draw(opt(https_urls())),
        duration=draw(opt(durations)),
        size=draw(opt(st.integers(0, 2**40))),
        format=draw(opt(st.sampled_from([RecordingFormat.MP4, RecordingFormat.OGG, RecordingFormat.WEBM]))),
        recording_id=draw(opt(ids)),
        started_at=draw(opt(ms_timestamps)),
        ended_at=draw(opt(ms_timestamps)),
        origin=draw(origins(call=call_extras.filter(bool), recording=recording.filter(bool))),
    )


@st.composite
def voicemail_events(draw: st.DrawFn) -> VoicemailReceived:
    voicemail = st.fixed_dictionaries(
        {},
        optional={
            "callerChannel": st.sampled_from(["pstn", "whatsapp", "webrtc"]),
            "isRead": st.booleans(),
            "createdAt": times,
        },
    )
    return VoicemailReceived(
        call_id=draw(ids),
        event_id=draw(opt(safe_text(1, 30))),
        timestamp=draw(opt(ms_timestamps)),
        voicemail_id=draw(opt(ids)),
        source=draw(opt(safe_text(1, 30))),
        duration=draw(opt(durations)),
        transcription=draw(opt(safe_text(1, 200))),
        recording_id=draw(opt(ids)),
        origin=draw(origins(call=call_extras.filter(bool), voicemail=voicemail.filter(bool))),
    )


@given(event=st.one_of(state_events(), recording_events(), voicemail_events()))
def test_event_roundtrip(event: Any) -> None:
    translation = D.encode_event(event, path="/in")
    assert translation.report == ()
    assert_event_schema(translation.value.body)
    decoded = D.decode_event(translation.value)
    assert decoded == event
    # and the wire form is the normal form
    assert D.encode_event(decoded, path="/in").value == translation.value


@given(
    event=st.one_of(
        state_events(), recording_events(), voicemail_events(), *map(event_of, chirp_events.ROUTES.encoders)
    ),
    policy=st.sampled_from(Policy),
)
def test_webhook_bodies_are_what_the_converter_makes_of_the_wire_shapes(event: Any, policy: Policy) -> None:
    """encode_webhook writes the webhook and its data out itself (_webhook_body): the converter's own
    unstructuring of the two wire shapes is the reference."""
    written = chirp_events._webhook_body

    def reference(
        name: str, event_id: str | None, timestamp: str | None, app: Any, call: Any, section: str, part: Any
    ) -> Any:
        data = chirp_events._WhData(app=app, **{"call": call, section: part})
        webhook = chirp_events._Webhook(event=name, event_id=event_id, timestamp=timestamp, data=data)
        return chirp_events.converter.unstructure(webhook)

    def compared(*parts: Any) -> dict[str, Any]:
        body = written(*parts)
        expected = reference(*parts)
        assert repr(body) == repr(expected)
        assert json.dumps(body) == json.dumps(expected)
        return body

    chirp_events._webhook_body = compared  # type: ignore[assignment]
    try:
        with contextlib.suppress(UnsupportedField):
            D.encode_event(event, policy=policy)
    finally:
        chirp_events._webhook_body = written  # type: ignore[assignment]


call_statuses = st.sampled_from(chirp.CALL_STATUSES)
call_details = st.fixed_dictionaries(
    {},
    optional={
        "appId": ids,
        "fromChannel": st.sampled_from(["pstn", "whatsapp", "webrtc"]),
        "toChannel": st.sampled_from(["pstn", "whatsapp", "webrtc"]),
        "duration": opt(durations),
        "endReason": opt(safe_text(0, 20)),
        "metadata": opt(json_objects(frozen=False)),
        "livekitRoomName": opt(safe_text(0, 20)),
        "startedAt": opt(times),
        "answeredAt": opt(times),
        "endedAt": opt(times),
        "createdAt": times,
    },
)


@st.composite
def receipts(draw: st.DrawFn) -> Receipt:
    if draw(st.booleans()):
        leg = CallLeg(
            id=draw(ids),
            state=draw(opt(call_statuses)),
            direction=draw(opt(st.sampled_from(["inbound", "outbound"]))),
            source=draw(opt(safe_text(1, 30))),
            destination=draw(opt(safe_text(1, 30))),
            details=draw(call_details) or None,
        )
        return Receipt(status=ReceiptStatus.ACCEPTED, call_id=leg.id, command="dial", call=leg)
    return Receipt(
        status=draw(st.sampled_from([ReceiptStatus.ACCEPTED, ReceiptStatus.QUEUED])),
        call_id=draw(ids),
        command=draw(st.sampled_from(sorted(COMMAND_TYPES.values()))),
    )


rate_limits = st.fixed_dictionaries(
    {}, optional={"limit": st.sampled_from(["120", "60"]), "remaining": st.sampled_from(["0", "7"]), "reset": ids}
).filter(bool)
providers = st.fixed_dictionaries(
    {
        "source": st.sampled_from(["meta", "telnyx"]),
        "code": st.one_of(st.integers(0, 10**6), ids),
        "message": st.text(max_size=20),
    },
    optional={"fbtrace_id": ids},
)


@st.composite
def provider_errors(draw: st.DrawFn) -> ProviderError:
    retry = draw(opt(st.integers(0, 10**9).map(float)))
    if draw(st.booleans()):
        rate = draw(opt(rate_limits))
        details = None if rate is None else {"rate_limit": rate}
        return ProviderError(429, draw(st.text(max_size=40)), retry_after=retry, details=details)
    details = draw(
        st.fixed_dictionaries(
            {}, optional={"doc_url": st.text(max_size=20), "provider": providers, "rate_limit": rate_limits}
        )
    )
    return ProviderError(
        draw(st.integers(400, 599)),
        draw(st.text(max_size=40)),
        code=draw(opt(st.text(max_size=20))),
        parameter=draw(opt(st.text(max_size=20))),
        retry_after=retry,
        kind=draw(st.sampled_from(chirp.ERROR_TYPES)),
        details=details or None,
    )


@given(result=st.one_of(receipts(), provider_errors()))
def test_response_roundtrip(result: Receipt | ProviderError) -> None:
    translation = D.encode_response(result)
    assert translation.report == ()
    response = translation.value
    assert_response_schema(response)
    # Responses cross the wire as JSON text.
    response = HttpResponse(
        status=response.status, body=json.loads(json.dumps(response.body)), headers=response.headers
    )
    if isinstance(result, ProviderError):
        with pytest.raises(ProviderError) as info:
            D.decode_response(response)
        assert info.value == result
    else:
        assert D.decode_response(response) == result
    assert D.encode_response(result).value == translation.value


# ---------------------------------------------------------------- capabilities: declared == observed

SAMPLES: dict[type, Any] = {
    CallStateChanged: CallStateChanged(call_id=CALL, state=CallState.ANSWERED),
    PlaybackEvent: PlaybackEvent(call_id=CALL, state=OperationState.FINISHED),
    RecordingEvent: RecordingEvent(call_id=CALL, state=OperationState.FINISHED),
    CollectResult: CollectResult(call_id=CALL, kind=CollectKind.DIGIT, digits="12"),
    DetectEvent: DetectEvent(call_id=CALL, detector=DetectKind.MACHINE, result="HUMAN"),
    TapEvent: TapEvent(call_id=CALL, state=OperationState.STARTED),
    StreamEvent: StreamEvent(call_id=CALL, state=OperationState.STARTED),
    TranscriptionEvent: TranscriptionEvent(call_id=CALL, state=OperationState.FINISHED, text="hi"),
    ReferEvent: ReferEvent(call_id=CALL, state="ok"),
    CommandResult: CommandResult(call_id=CALL, success=True),
    DtmfReceived: DtmfReceived(call_id=CALL, digit="5"),
    VoicemailReceived: VoicemailReceived(call_id=CALL),
    ev.ConnectEvent: ev.ConnectEvent(call_id=CALL, state=ev.ConnectState.CONNECTED),
    ev.DialStateChanged: ev.DialStateChanged(call_id=CALL, state=ev.DialState.ANSWERED),
    ev.HoldEvent: ev.HoldEvent(call_id=CALL, state=ev.HoldState.HELD),
    ev.DenoiseEvent: ev.DenoiseEvent(call_id=CALL, denoised=True),
    ev.SendDigitsEvent: ev.SendDigitsEvent(call_id=CALL, state=OperationState.FINISHED),
    ev.FaxEvent: ev.FaxEvent(call_id=CALL, state=ev.FaxState.FINISHED, success=True),
    ev.ErrorEvent: ev.ErrorEvent(call_id=CALL, code="500"),
    ev.ConferenceEvent: ev.ConferenceEvent(call_id=CALL, state=ev.ConferenceState.PARTICIPANT_JOINED),
}


def test_event_capabilities_cover_every_event() -> None:
    assert set(D.event_capabilities) == set(EVENTS)
    assert set(SAMPLES) == set(EVENTS)
    for cls, capability in D.event_capabilities.items():
        assert capability.note, cls
    assert set(D.response_capabilities) == {Receipt, ProviderError}


@pytest.mark.parametrize("cls", EVENTS, ids=lambda c: c.__name__)
def test_declared_support_is_observed(cls: type) -> None:
    capability = D.event_capabilities[cls]
    sample = SAMPLES[cls]
    if capability.support is Support.UNSUPPORTED:
        for policy in Policy:
            with pytest.raises(UnsupportedCommand):
                D.encode_event(sample, policy=policy)
        return
    translation = D.encode_event(sample)
    assert translation.report == ()
    assert D.decode_event(translation.value) == sample
    if capability.support is Support.NATIVE:
        assert not capability.fields


ENVELOPE_LOSSES = {"sequence": 3, "command_id": "cmd-1", "control_id": "ctl-1"}
FIELD_LOSSES: list[tuple[Any, str, bool]] = [  # (event, field, droppable)
    (CallStateChanged(call_id=CALL, state=CallState.ENDING), "state", False),
    (CallStateChanged(call_id=CALL, state=CallState.ENDED, cause=HangupCause.USER_BUSY), "cause", True),
    (CallStateChanged(call_id=CALL, state=CallState.FAILED, cause=HangupCause.NO_ANSWER), "cause", True),
    (CallStateChanged(call_id=CALL, state=CallState.ANSWERED, peer_call_id="c2"), "peer_call_id", True),
    (CallStateChanged(call_id=CALL, state=CallState.ANSWERED, source_channel=Channel.SIP), "source_channel", True),
    (
        CallStateChanged(call_id=CALL, state=CallState.CREATED, destination_channel=Channel.SIP),
        "destination_channel",
        True,
    ),
    (CallStateChanged(state=CallState.ANSWERED), "call_id", False),
    (CallStateChanged(call_id=CALL, state=CallState.ANSWERED, timestamp=1e12), "timestamp", True),
    (RecordingEvent(call_id=CALL, state=OperationState.STARTED), "state", False),
    (RecordingEvent(call_id=CALL, state=OperationState.FINISHED, format=RecordingFormat.WAV), "format", True),
    (RecordingEvent(call_id=CALL, state=OperationState.FINISHED, stereo=True), "stereo", True),
    (RecordingEvent(call_id=CALL, state=OperationState.FINISHED, direction="both"), "direction", True),
    (VoicemailReceived(voicemail_id="vm1"), "call_id", False),
    *[
        (attrs_evolve, name, True)
        for name, value in ENVELOPE_LOSSES.items()
        for attrs_evolve in (
            CallStateChanged(call_id=CALL, state=CallState.ANSWERED, **{name: value}),
            RecordingEvent(call_id=CALL, state=OperationState.FINISHED, **{name: value}),
            VoicemailReceived(call_id=CALL, **{name: value}),
        )
    ],
]


@pytest.mark.parametrize(("event", "field", "droppable"), FIELD_LOSSES)
def test_declared_losses_are_observed(event: Any, field: str, droppable: bool) -> None:
    capability = D.event_capabilities[type(event)]
    assert capability.support is Support.PARTIAL
    assert field in capability.fields
    with pytest.raises(UnsupportedField) as info:
        D.encode_event(event)
    assert info.value.field == field
    if not droppable:
        with pytest.raises(UnsupportedField):
            D.encode_event(event, policy=Policy.LENIENT)
        return
    translation = D.encode_event(event, policy=Policy.LENIENT)
    assert field in [a.field for a in translation.report]
    assert_event_schema(translation.value.body)


def test_no_answer_is_an_ended_call() -> None:
    event = CallStateChanged(call_id=CALL, state=CallState.ENDED, cause=HangupCause.NO_ANSWER)
    assert D.encode_event(event).value.body["event"] == "calls.no_answer"
    lenient = D.encode_event(
        CallStateChanged(call_id=CALL, state=CallState.FAILED, cause=HangupCause.NO_ANSWER), policy=Policy.LENIENT
    )
    assert lenient.value.body["event"] == "calls.failed"


@pytest.mark.parametrize(
    "origin",
    [
        {"project_id": "p1", "space_id": "s1", "event_channel": "swml:x"},  # SignalWire's
        {"app": {"id": APP}, "call": {"from": "+1555"}},  # a field the event models itself
        {"app": {"id": APP, "plan": "pro"}},
        {"app": "app_1"},
        {"call": {"fromChannel": "sip"}},
    ],
)
def test_foreign_origin_is_dropped_and_reported_under_any_policy(origin: Any) -> None:
    event = CallStateChanged(call_id=CALL, state=CallState.ANSWERED, origin=origin)
    for policy in Policy:
        translation = D.encode_event(event, policy=policy)
        assert translation.value.body == {"event": "calls.answered", "data": {"call": {"id": CALL}}}
        assert [(a.action, a.field) for a in translation.report] == [(Action.DROPPED, "origin")]


@pytest.mark.parametrize(
    ("cls", "origin"),
    [
        (RecordingEvent, {"recording": {"startedAt": "noon"}}),
        (RecordingEvent, {"voicemail": {"isRead": True}}),
        (VoicemailReceived, {"voicemail": {"callerChannel": "sip"}}),
        (VoicemailReceived, {"voicemail": {"isRead": True, "id": "vm"}}),
        (VoicemailReceived, {"call": {"direction": "up"}}),
        # An empty section would read back as none: reported, not lost in silence.
        (RecordingEvent, {"recording": {}}),
        (RecordingEvent, {"call": {}}),
        (VoicemailReceived, {"voicemail": {}}),
    ],
)
def test_malformed_chirp_origin_is_dropped(cls: type, origin: Any) -> None:
    fields = {"state": OperationState.FINISHED} if cls is RecordingEvent else {}
    translation = D.encode_event(cls(call_id=CALL, origin=origin, **fields))
    assert [a.field for a in translation.report] == ["origin"]
    assert_event_schema(translation.value.body)


def test_declared_response_losses() -> None:
    receipt_fields = set(D.response_capabilities[Receipt].fields)
    assert {"status", "operation_id", "timeout", "command", "call", "call_id"} <= receipt_fields
    error_fields = set(D.response_capabilities[ProviderError].fields)
    assert {"kind", "details", "retry_after", "status"} <= error_fields


def test_provider_error_repr_and_messages_hold_no_header_values() -> None:
    secret = "sk_live_app_SECRET"
    error = decode_error(
        HttpResponse(
            status=401,
            body={"error": {"type": "authentication_error", "message": "Invalid API key"}},
            headers={"Authorization": f"Bearer {secret}"},
        )
    )
    assert secret not in repr(error)
    assert secret not in str(error)
    assert secret not in repr(error.details)


@pytest.mark.parametrize("status", [200, 201, 202])
def test_receipts_decode_from_any_success_status_the_reference_allows(status: int) -> None:
    """§2.2 saw the bodies, not the status ("probably 200 or 202"); callglot writes 200."""
    body = {"callId": CALL, "command": "hangup", "status": "accepted"}
    receipt = D.decode_response(HttpResponse(status=status, body=body))
    assert D.encode_response(receipt).value == HttpResponse(status=200, body=body)


_CONTROL_CHAR_FIELDS = [
    ({"event": "calls.answered", "eventId": "evt_1", "data": {"call": {"id": CALL}}}, ("eventId",)),
    ({"event": "calls.answered", "data": {"call": {"id": CALL}}}, ("data", "call", "id")),
    ({"event": "calls.answered", "data": {"call": {"id": CALL, "from": "+15551230000"}}}, ("data", "call", "from")),
    ({"event": "calls.answered", "data": {"call": {"id": CALL, "to": "+15557650000"}}}, ("data", "call", "to")),
    ({"event": "calls.recording.completed", "data": {"call": {"id": CALL}, "recording": {"id": "rec_1"}}},
     ("data", "recording", "id")),
    ({"event": "calls.recording.completed", "data": {"call": {"id": CALL}, "recording": {"callId": CALL}}},
     ("data", "recording", "callId")),
    ({"event": "calls.voicemail.received", "data": {"call": {"id": CALL}, "voicemail": {"id": "vm_1"}}},
     ("data", "voicemail", "id")),
    ({"event": "calls.voicemail.received", "data": {"call": {"id": CALL}, "voicemail": {"callId": CALL}}},
     ("data", "voicemail", "callId")),
    ({"event": "calls.voicemail.received", "data": {"call": {"id": CALL}, "voicemail": {"callerNumber": "+1555"}}},
     ("data", "voicemail", "callerNumber")),
    ({"event": "calls.voicemail.received", "data": {"call": {"id": CALL}, "voicemail": {"recordingId": "r1"}}},
     ("data", "voicemail", "recordingId")),
]  # fmt: skip


@pytest.mark.parametrize(("body", "where"), _CONTROL_CHAR_FIELDS)
def test_schema_and_runtime_both_refuse_control_characters_in_ids_and_addresses(
    body: dict[str, Any], where: tuple[str, ...]
) -> None:
    assert list(validator_for("chirp.events").iter_errors(body)) == []
    D.decode_event(HttpRequest(method="POST", path="/", body=body))  # the clean body is fine
    bad = json.loads(json.dumps(body))
    parent = bad
    for key in where[:-1]:
        parent = parent[key]
    parent[where[-1]] += "\n"
    assert list(validator_for("chirp.events").iter_errors(bad)) != []
    with pytest.raises(DecodeError) as info:
        D.decode_event(HttpRequest(method="POST", path="/", body=bad))
    assert info.value.path == "$." + ".".join(where)


@pytest.mark.parametrize("body", [RECORDING, VOICEMAIL], ids=["recording", "voicemail"])
@pytest.mark.parametrize(("key", "value"), [("from", ""), ("to", ""), ("from", "+1555\x00"), ("to", "x" * 513)])
def test_a_bad_party_is_refused_in_every_event_that_carries_the_call(body: Any, key: str, value: str) -> None:
    """Recording and voicemail events keep the call's from/to in origin: they obey the state events' rule there too."""
    bad = copy.deepcopy(body)
    bad["data"]["call"][key] = value
    with pytest.raises(DecodeError) as info:
        decode_event(bad)
    assert info.value.path == f"$.data.call.{key}"
    assert list(validator_for("chirp.events").iter_errors(bad))  # the schema refuses it too
