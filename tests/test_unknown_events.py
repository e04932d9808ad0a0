"""Every event a vendor sends decodes: an event type callglot does not model is an UnknownEvent.

The body is kept whole, so the same dialect gets it back unchanged; the canonical form carries it;
another dialect has no event for it (refused under STRICT, dropped and reported under LENIENT). A
body that is not an event at all (not an object, no event type) stays a DecodeError.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from strategies import json_values, safe_text

import callglot
from callglot import HttpRequest, Policy
from callglot.adapters import chirp, gateway, signalwire
from callglot.adapters._base import CALL_ID
from callglot.canonical.events import EVENT_TAGS, UnknownEvent
from callglot.cli import main

VENDORS = ("chirp", "gateway", "signalwire")
DIALECTS = (*VENDORS, "canonical")
CALL = "3fa85f64-5717-4562-b3fc-2c963f66afa6"

#: The event types each dialect models (everything else is an UnknownEvent).
MODELLED: dict[str, frozenset[str]] = {
    "signalwire": frozenset(signalwire.EVENT_DECODERS),
    "chirp": frozenset(chirp.EVENT_NAMES),
    "gateway": frozenset({*gateway.EVENT_DECODERS, *gateway.CONFERENCE_EVENTS}),
    "canonical": frozenset({*EVENT_TAGS.values(), "unknown"}),
}


def hook(body: Any) -> HttpRequest:
    return HttpRequest(method="POST", path="/hooks", body=body)


def event_types(name: str) -> st.SearchStrategy[str]:
    """Event type strings ``name`` does not model: plausible ones and any text without control characters."""
    plausible = {
        "signalwire": st.sampled_from(["calling.call.pay", "calling.call.queue", "calling.call.echo", "calling.new"]),
        "chirp": st.sampled_from(["calls.participant.joined", "calls.participant_left", "calls.transcript.ready"]),
        "gateway": st.sampled_from(["conference.play.started", "call.bridged", "amd.result"]),
        "canonical": st.sampled_from(["bridge", "payment", "call_state"]),
    }[name]
    return st.one_of(plausible, safe_text(1, 40)).filter(lambda t: t not in MODELLED[name])


call_ids = st.one_of(st.just(CALL), st.sampled_from(["call_1", "a/b", "", "x" * 200]), safe_text(1, 20))


def _with_call(name: str, event_type: str, call_id: str, extra: dict[str, Any]) -> dict[str, Any]:
    """A body of ``name``'s shape naming ``call_id`` where its events do."""
    if name == "signalwire":
        return {"event_type": event_type, **extra, "params": {"call_id": call_id, **extra}}
    if name == "chirp":
        return {"event": event_type, **extra, "data": {"call": {"id": call_id}, **extra}}
    if name == "gateway":
        return {"event": event_type, "session_uuid": call_id, **extra}
    return {"event": event_type, "call_id": call_id, **extra}


_EXTRA_KEYS = ("x", "state", "payload", "sequence", "data_extra")
extras = st.dictionaries(st.sampled_from(_EXTRA_KEYS), json_values(2), max_size=3)


@pytest.mark.parametrize("name", DIALECTS)
@given(data=st.data())
def test_an_event_type_not_modelled_round_trips_through_its_own_dialect(name: str, data: st.DataObject) -> None:
    event_type = data.draw(event_types(name))
    call_id = data.draw(call_ids)
    body = _with_call(name, event_type, call_id, data.draw(extras))
    dialect = callglot.get_dialect(name)

    event = dialect.decode_event(hook(body))

    assert isinstance(event, UnknownEvent)
    assert (event.dialect, event.event_type, event.body) == (name, event_type, body)
    assert event.call_id == (call_id if CALL_ID.fullmatch(call_id) else None)  # a call id, or none
    for policy in Policy:
        again = dialect.encode_event(event, policy=policy, path="/out")
        assert again.value == HttpRequest(method="POST", path="/out", body=body)
        assert again.report == ()
    carried = callglot.get_dialect("canonical").encode_event(event)  # the canonical form carries it whole
    assert callglot.get_dialect("canonical").decode_event(carried.value) == event


@pytest.mark.parametrize("name", VENDORS)
@given(data=st.data())
def test_another_dialect_refuses_it_strict_and_drops_it_lenient(name: str, data: st.DataObject) -> None:
    body = _with_call(name, data.draw(event_types(name)), CALL, data.draw(extras))
    for target in VENDORS:
        if target == name:
            continue
        with pytest.raises(callglot.UnsupportedCommand) as caught:
            callglot.translate_event(hook(body), source=name, target=target)
        assert caught.value.command == "UnknownEvent"
        dropped = callglot.translate_event(hook(body), source=name, target=target, policy=Policy.LENIENT)
        assert dropped.value is None
        [adaptation] = dropped.report
        assert (adaptation.command, adaptation.action, adaptation.field) == ("UnknownEvent", "dropped", None)
        assert name in adaptation.note
        assert target in adaptation.note


NOT_EVENTS = [
    ("signalwire", [], "$"),
    ("signalwire", {"params": {"call_id": CALL}}, "$.event_type"),
    ("signalwire", {"event_type": 7, "params": {}}, "$.event_type"),
    ("signalwire", {"event_type": "", "params": {}}, "$.event_type"),
    ("signalwire", {"event_type": "calling.call.x\n", "params": {}}, "$.event_type"),
    ("chirp", "calls.answered", "$"),
    ("chirp", {"data": {"call": {"id": "call_1"}}}, "$.event"),
    ("chirp", {"event": None}, "$.event"),
    ("gateway", {"session_uuid": "s-1"}, "$.event"),
    ("gateway", {"event": ["call.new"]}, "$.event"),
    ("canonical", {"event": {"tag": "x"}}, "$.event"),
    ("canonical", {"event": "x" * 257}, "$.event"),
]


@pytest.mark.parametrize(("name", "body", "path"), NOT_EVENTS)
def test_a_body_that_is_not_an_event_is_still_a_decode_error(name: str, body: Any, path: str) -> None:
    with pytest.raises(callglot.DecodeError) as caught:
        callglot.get_dialect(name).decode_event(hook(body))
    assert caught.value.path == path


def test_an_unknown_event_whose_body_does_not_read_back_as_itself_is_refused() -> None:
    sw = callglot.get_dialect("signalwire")
    body = {"event_type": "calling.call.echo", "params": {"call_id": CALL}}
    with pytest.raises(callglot.InvalidValue) as caught:  # the body says another type
        sw.encode_event(UnknownEvent(dialect="signalwire", event_type="calling.call.pay", body=body))
    assert caught.value.field == "event_type"
    with pytest.raises(callglot.InvalidValue) as caught:  # the body names another call
        sw.encode_event(UnknownEvent(dialect="signalwire", event_type="calling.call.echo", body=body, call_id="c-9"))
    assert caught.value.field == "call_id"
    modelled = {"event_type": "calling.call.hold", "params": {"call_id": CALL, "state": "hold"}}
    with pytest.raises(callglot.InvalidValue) as caught:  # a modelled type: that event, not an unknown one
        sw.encode_event(UnknownEvent(dialect="signalwire", event_type="calling.call.hold", body=modelled, call_id=CALL))
    assert caught.value.field == "body"
    with pytest.raises(callglot.DecodeError) as decoding:  # the carrier is for another dialect's events
        callglot.get_dialect("canonical").decode_event(
            hook({"event": "unknown", "dialect": "canonical", "event_type": "x", "body": {"event": "x"}})
        )
    assert decoding.value.path == "$.dialect"


#: One body per event type the SignalWire Python SDK parses (relay/event.py EVENT_CLASS_MAP, calling
#: events), from its tests and SignalWire's docs: each decodes, to its modelled event or an UnknownEvent.
SDK_EVENT_TYPES: dict[str, tuple[dict[str, Any], str]] = {
    "calling.call.state": ({"call_id": CALL, "call_state": "answered"}, "CallStateChanged"),
    "calling.call.receive": ({"call_id": CALL, "call_state": "created", "context": "office"}, "CallStateChanged"),
    "calling.call.play": ({"call_id": CALL, "control_id": "p1", "state": "playing"}, "PlaybackEvent"),
    "calling.call.record": ({"call_id": CALL, "control_id": "r1", "state": "recording"}, "RecordingEvent"),
    "calling.call.collect": ({"call_id": CALL, "control_id": "c1", "result": {"type": "no_input"}}, "CollectResult"),
    "calling.call.connect": ({"call_id": CALL, "connect_state": "connecting"}, "ConnectEvent"),
    "calling.call.detect": (
        {"call_id": CALL, "control_id": "d1", "detect": {"type": "machine", "params": {"event": "HUMAN"}}},
        "DetectEvent",
    ),
    "calling.call.fax": (
        {"call_id": CALL, "control_id": "f1", "fax": {"type": "page", "params": {"direction": "send", "number": 1}}},
        "FaxEvent",
    ),
    "calling.call.tap": ({"call_id": CALL, "control_id": "t1", "state": "tapping"}, "TapEvent"),
    "calling.call.stream": ({"call_id": CALL, "control_id": "s1", "state": "streaming"}, "StreamEvent"),
    "calling.call.send_digits": ({"call_id": CALL, "control_id": "sd", "state": "finished"}, "SendDigitsEvent"),
    "calling.call.dial": ({"tag": "t", "dial_state": "dialing", "node_id": "n"}, "DialStateChanged"),
    "calling.call.refer": ({"call_id": CALL, "state": "inProgress"}, "ReferEvent"),
    "calling.call.denoise": ({"call_id": CALL, "denoised": True}, "DenoiseEvent"),
    "calling.call.pay": ({"call_id": CALL, "control_id": "py", "state": "finished"}, "UnknownEvent"),
    "calling.call.queue": (
        {"call_id": CALL, "control_id": "q", "status": "enqueue", "id": "q-1", "name": "support", "position": 1},
        "UnknownEvent",
    ),
    "calling.call.echo": ({"call_id": CALL, "state": "echoing"}, "UnknownEvent"),
    "calling.call.transcribe": ({"call_id": CALL, "control_id": "tr", "state": "transcribing"}, "TranscriptionEvent"),
    "calling.call.hold": ({"call_id": CALL, "state": "hold"}, "HoldEvent"),
    "calling.conference": ({"conference_id": "cf", "name": "n", "status": "conference-start"}, "ConferenceEvent"),
    "calling.error": ({"code": "5001", "message": "synthetic error"}, "ErrorEvent"),
}


@pytest.mark.parametrize("event_type", sorted(SDK_EVENT_TYPES))
def test_every_calling_event_type_the_signalwire_sdk_parses_decodes(event_type: str) -> None:
    params, expected = SDK_EVENT_TYPES[event_type]
    body = {"event_type": event_type, "params": params}
    sw = callglot.get_dialect("signalwire")
    event = sw.decode_event(hook(body))
    assert type(event).__name__ == expected
    assert sw.encode_event(event).value.body == body


def test_the_cli_reports_a_dropped_event_and_keeps_the_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = tmp_path / "events.jsonl"
    lines = [
        {"event_type": "calling.call.echo", "params": {"call_id": CALL, "state": "echoing"}},
        {"event_type": "calling.call.state", "params": {"call_id": CALL, "call_state": "answered"}},
    ]
    source.write_text("".join(json.dumps(line) + "\n" for line in lines))
    argv = ["translate-events", "--from", "signalwire", "--to", "chirp", str(source)]
    assert main([*argv, "--lenient"]) == 0
    captured = capsys.readouterr()
    out = [json.loads(line) for line in captured.out.splitlines()]
    assert out[0]["line"] == 1
    assert "dropped" in out[0]
    assert "dropped UnknownEvent" in captured.err
    assert "calling.call.echo" in captured.err
    assert out[1]["line"] == 2
    assert out[1]["body"]["event"] == "calls.answered"
    assert main(argv) == 1  # STRICT: the unknown event is an error line
    strict = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert strict[0]["error"]["type"] == "UnsupportedCommand"


#: Each event of Chirp's list (reference/dialects.md §2.5) and the gateway's (§3.4 and its conference
#: pages), with the canonical class it decodes to: the participant events and conference.play.* are
#: named by the vendors without a published payload, so they are kept whole.
CHIRP_CALL = {"call": {"id": "call_2DbBs7GWhGvVNJGrDXr5RG0mBWI"}}
SESSION = "acW68-f47ac10b-58cc-4372-a567-0e02b2c3d479"
VENDOR_LISTS: list[tuple[str, dict[str, Any], str]] = [
    *(
        ("chirp", {"event": name, "eventId": f"evt_{name}", "data": CHIRP_CALL}, "CallStateChanged")
        for name in ("calls.initiated", "calls.ringing", "calls.answered", "calls.completed", "calls.failed")
    ),
    ("chirp", {"event": "calls.no_answer", "data": CHIRP_CALL}, "CallStateChanged"),
    (
        "chirp",
        {"event": "calls.recording.completed", "data": {**CHIRP_CALL, "recording": {"id": "rec_1"}}},
        "RecordingEvent",
    ),
    (
        "chirp",
        {"event": "calls.voicemail.received", "data": {**CHIRP_CALL, "voicemail": {"id": "vm_1"}}},
        "VoicemailReceived",
    ),
    ("chirp", {"event": "calls.participant.joined", "data": CHIRP_CALL}, "UnknownEvent"),
    ("chirp", {"event": "calls.participant.left", "data": CHIRP_CALL}, "UnknownEvent"),
    ("gateway", {"event": "call.new", "session_uuid": SESSION, "caller_id": "+15551234567", "did": "+1555"}, "CallStateChanged"),
    ("gateway", {"event": "call.answered", "session_uuid": SESSION, "command_uid": "a-1", "success": True}, "CallStateChanged"),
    ("gateway", {"event": "call.hangup", "session_uuid": SESSION, "cause": "NORMAL_CLEARING"}, "CallStateChanged"),
    ("gateway", {"event": "dtmf", "session_uuid": SESSION, "digit": "5"}, "DtmfReceived"),
    ("gateway", {"event": "playback.started", "session_uuid": SESSION, "urls": ["https://a.example.com/x.wav"]}, "PlaybackEvent"),
    ("gateway", {"event": "playback.stopped", "session_uuid": SESSION, "offset_ms": 10, "duration_ms": 20}, "PlaybackEvent"),
    ("gateway", {"event": "playback.file_not_found", "session_uuid": SESSION}, "PlaybackEvent"),
    ("gateway", {"event": "recording.completed", "session_uuid": SESSION, "url": "https://r.example.com/1.wav"}, "RecordingEvent"),
    ("gateway", {"event": "command.result", "session_uuid": SESSION, "command_uid": "c-1", "success": False}, "CommandResult"),
    ("gateway", {"event": "conference.created", "app_id": "my-app", "room_id": "acW68-room-abc123", "name": "Team Standup"}, "ConferenceEvent"),
    ("gateway", {"event": "conference.destroyed", "app_id": "my-app", "room_id": "acW68-room-abc123"}, "ConferenceEvent"),
    ("gateway", {"event": "conference.member.joined", "session_uuid": SESSION, "room_id": "acW68-room-abc123", "caller_id": "+15551234567"}, "ConferenceEvent"),
    ("gateway", {"event": "conference.member.left", "session_uuid": SESSION, "room_id": "acW68-room-abc123", "reason": "orphan"}, "ConferenceEvent"),
    ("gateway", {"event": "conference.play.started", "room_id": "acW68-room-abc123"}, "UnknownEvent"),
]  # fmt: skip


@pytest.mark.parametrize(("name", "body", "expected"), VENDOR_LISTS, ids=lambda v: v if isinstance(v, str) else "")
def test_every_event_of_each_vendors_list_decodes(name: str, body: dict[str, Any], expected: str) -> None:
    event = callglot.get_dialect(name).decode_event(hook(body))
    assert type(event).__name__ == expected
    if expected == "UnknownEvent":
        assert callglot.get_dialect(name).encode_event(event).value.body == body


def test_every_modelled_vendor_event_type_is_in_the_events_page() -> None:
    page = (Path(__file__).parent.parent / "docs" / "events.md").read_text(encoding="utf-8")
    for name in VENDORS:
        for event_type in MODELLED[name]:
            tail = event_type.rsplit(".", 1)[-1] if name == "signalwire" else event_type
            assert tail in page, (name, event_type)
    for event_type in ("calling.call.pay", "calling.call.queue", "calling.call.echo"):
        assert f"`{event_type}`" in page
