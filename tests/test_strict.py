"""Strict means strict: a STRICT encode raises, or decodes back equal, or says what it changed.

For every (dialect, command class) and every (dialect, event class): an encode under
``Policy.STRICT`` either raises an ``EncodeError``, or decodes back to the value it was given,
except for fields its report names (GENERATED ids, a dropped foreign ``origin``) or a
command-level emulation the report declares. A value changed with nothing in the report is a
silent loss, which STRICT promises never to make.
"""

from __future__ import annotations

from typing import Any

import attrs
import pytest
from event_strategies import event_of
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from profiles import repeatable
from strategies import command_of

import callglot
from callglot.canonical import COMMANDS, Dial
from callglot.canonical.events import EVENTS
from callglot.capabilities import Action, Adaptation, Policy

DIALECTS = callglot.dialects()
CALL_ID = "3fa85f64-5717-4562-b3fc-2c963f66afa6"  # a UUID: valid in every dialect
SLOW = settings(suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


def _cells(classes: tuple[type, ...] | list[type]) -> list[tuple[str, type]]:
    cells = [(name, cls) for name in DIALECTS for cls in classes]
    if not cells:  # an empty parametrization would pass without checking anything
        raise AssertionError("no (dialect, class) cells to check")
    return cells


COMMAND_CELLS = _cells(COMMANDS)
EVENT_CELLS = _cells(EVENTS)


def _cell_id(cell: tuple[str, type]) -> str:
    return f"{cell[0]}-{cell[1].__name__}"


def _dialect(name: str) -> callglot.Dialect:
    """The dialect as its test profile makes it for repeatable encodes (SignalWire: a constant control-id generator)."""
    return repeatable(name)


def _differences(original: Any, decoded: Any, path: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    """The attribute paths (``("destination", "channel")``) at which two values differ."""
    if original == decoded:
        return []
    if type(original) is type(decoded) and attrs.has(type(original)):
        return [
            found
            for f in attrs.fields(type(original))
            for found in _differences(getattr(original, f.name), getattr(decoded, f.name), (*path, f.name))
        ]
    return [path]


def silent_changes(original: Any, decoded: Any, report: tuple[Adaptation, ...]) -> list[str]:
    """Where ``decoded`` differs from ``original`` without ``report`` naming the field (at any depth).

    A command-level adaptation (no field: an emulation by another wire command) accounts for
    every change.
    """
    if any(a.field is None for a in report):
        return []
    reported = {part for a in report if a.field for part in a.field.split(".")}
    return [
        ".".join(path) or f"{type(original).__name__} -> {type(decoded).__name__}"
        for path in _differences(original, decoded)
        if not reported & set(path)
    ]


def _strict_command_outcome(dialect: callglot.Dialect, command: Any) -> list[str]:
    """[] when STRICT raised or changed nothing unreported; else the silent changes."""
    call_id = None if isinstance(command, Dial) else CALL_ID
    try:
        out = dialect.encode(command, call_id=call_id, policy=Policy.STRICT)
    except callglot.EncodeError:
        return []
    return silent_changes(command, dialect.decode(out.value).command, out.report)


@pytest.mark.parametrize("cell", COMMAND_CELLS, ids=_cell_id)
@SLOW
@given(data=st.data())
def test_strict_command_encode_raises_round_trips_or_reports(cell: tuple[str, type], data: st.DataObject) -> None:
    name, cls = cell
    command = data.draw(command_of(cls))
    assert _strict_command_outcome(_dialect(name), command) == []


@pytest.mark.parametrize("cell", COMMAND_CELLS, ids=_cell_id)
@SLOW
@given(data=st.data())
def test_strict_re_encode_of_a_decoded_wire_command_raises_round_trips_or_reports(
    cell: tuple[str, type], data: st.DataObject
) -> None:
    """The fuzz run's shape: a wire message (here: any LENIENT encoding) decoded, then strictly re-encoded."""
    name, cls = cell
    dialect = _dialect(name)
    command = data.draw(command_of(cls))
    call_id = None if isinstance(command, Dial) else CALL_ID
    try:
        wire = dialect.encode(command, call_id=call_id, policy=Policy.LENIENT).value
    except callglot.EncodeError:
        wire = None  # nothing on this dialect's wire stands for it: start from the command itself
    decoded = command if wire is None else dialect.decode(wire).command
    assert _strict_command_outcome(dialect, decoded) == []


def _strict_event_outcome(dialect: callglot.Dialect, event: Any) -> list[str]:
    """[] when STRICT raised or changed nothing unreported; else the silent changes."""
    try:
        out = dialect.encode_event(event, policy=Policy.STRICT)
    except callglot.EncodeError:
        return []
    return silent_changes(event, dialect.decode_event(out.value), out.report)


@pytest.mark.parametrize("cell", EVENT_CELLS, ids=_cell_id)
@SLOW
@given(data=st.data())
def test_strict_event_encode_raises_round_trips_or_reports(cell: tuple[str, type], data: st.DataObject) -> None:
    name, cls = cell
    assert _strict_event_outcome(callglot.get_dialect(name), data.draw(event_of(cls))) == []


@pytest.mark.parametrize("cell", EVENT_CELLS, ids=_cell_id)
@SLOW
@given(data=st.data())
def test_strict_re_encode_of_a_decoded_webhook_raises_round_trips_or_reports(
    cell: tuple[str, type], data: st.DataObject
) -> None:
    name, cls = cell
    dialect = callglot.get_dialect(name)
    event = data.draw(event_of(cls))
    try:
        wire = dialect.encode_event(event, policy=Policy.LENIENT).value
    except callglot.EncodeError:
        wire = None  # nothing on this dialect's wire stands for it: start from the event itself
    decoded = event if wire is None else dialect.decode_event(wire)
    assert _strict_event_outcome(dialect, decoded) == []


# ---------------------------------------------------------------- seconds <-> milliseconds: one rule


def _live_transcribe(seconds: float) -> Any:
    from callglot.canonical import LiveStart, LiveTranscribe

    return LiveTranscribe(action=LiveStart(language="en-US", direction=("remote-caller",), speech_timeout=seconds))


def _stopped_playback(seconds: float) -> Any:
    from callglot.canonical.events import OperationState, PlaybackEvent

    return PlaybackEvent(call_id="s1", state=OperationState.FINISHED, duration=seconds)


def _encode_ms(dialect: str, seconds: float, policy: Policy) -> tuple[int | None, tuple[Adaptation, ...]]:
    """``seconds`` encoded where ``dialect`` writes milliseconds: (the wire's number, the report)."""
    if dialect == "signalwire":
        out = _dialect(dialect).encode(_live_transcribe(seconds), call_id=CALL_ID, policy=policy)
        return out.value.body["params"]["action"]["start"].get("speech_timeout"), out.report
    event_out = callglot.get_dialect(dialect).encode_event(_stopped_playback(seconds), policy=policy)
    return event_out.value.body["data"].get("duration_ms"), event_out.report


def _decode_ms(dialect: str, seconds: float) -> float:
    """``seconds`` through ``dialect``'s milliseconds and back (STRICT)."""
    if dialect == "signalwire":
        out = _dialect(dialect).encode(_live_transcribe(seconds), call_id=CALL_ID)
        return _dialect(dialect).decode(out.value).command.action.speech_timeout  # type: ignore[no-any-return,attr-defined]
    event_out = callglot.get_dialect(dialect).encode_event(_stopped_playback(seconds))
    return callglot.get_dialect(dialect).decode_event(event_out.value).duration  # type: ignore[attr-defined,no-any-return]


MS_DIALECTS = ("signalwire", "gateway")


@pytest.mark.parametrize("dialect", MS_DIALECTS)
@pytest.mark.parametrize(("seconds", "millis"), [(2.5, 2500), (0.007, 7), (0, 0), (7, 7000), (2147483.647, 2**31 - 1)])
def test_whole_milliseconds_convert_exactly(dialect: str, seconds: float, millis: int) -> None:
    """0.007 * 1000 is 7.000000000000001, yet 7 ms reads back as 0.007 exactly: exact means the round trip."""
    assert _encode_ms(dialect, seconds, Policy.STRICT) == (millis, ())
    assert _decode_ms(dialect, seconds) == seconds


@pytest.mark.parametrize("dialect", MS_DIALECTS)
@pytest.mark.parametrize(("seconds", "rounded"), [(2.5e-10, 0), (0.1 + 0.2, 300), (1.0005, 1000), (0.0015, 2)])
def test_milliseconds_that_do_not_read_back_are_refused_or_rounded_and_reported(
    dialect: str, seconds: float, rounded: int
) -> None:
    """SignalWire allowed 1e-6 ms of slack: 2.5e-10 s went out as 0 and 0.1 + 0.2 s came back 0.3, unreported."""
    field = "speech_timeout" if dialect == "signalwire" else "duration"
    with pytest.raises(callglot.UnsupportedField) as caught:
        _encode_ms(dialect, seconds, Policy.STRICT)
    assert caught.value.field == field
    millis, report = _encode_ms(dialect, seconds, Policy.LENIENT)
    assert millis == rounded
    assert [(a.field, a.action) for a in report] == [(field, Action.DROPPED)]
    assert "LENIENT rounds" in report[0].note


def test_gateway_receipt_timeout_follows_the_same_rule() -> None:
    from callglot.canonical.events import Receipt, ReceiptStatus

    gateway = callglot.get_dialect("gateway")
    receipt = Receipt(status=ReceiptStatus.IN_PROGRESS, operation_id="op-1", timeout=0.1 + 0.2)
    with pytest.raises(callglot.UnsupportedField):
        gateway.encode_response(receipt)
    out = gateway.encode_response(receipt, policy=Policy.LENIENT)
    assert out.value.body["timeout_ms"] == 300
    assert [(a.field, a.action) for a in out.report] == [("timeout", Action.DROPPED)]


# ---------------------------------------------------------------- one meaning, one canonical value

PHONE = "+15559876543"
SIP = "sip:bob@example.com"
SWML_URL = "https://app.example.com/swml/call.json"
AUDIO = "https://cdn.example.com/a.mp3"


def test_a_channel_the_address_implies_is_the_same_destination() -> None:
    """E.164 means pstn and a SIP URI means sip in every dialect: SignalWire's wire cannot tell them apart."""
    from callglot.canonical import Channel, Destination

    assert Destination(address=PHONE, channel=Channel.PSTN) == Destination(address=PHONE)
    assert Destination(address=PHONE, channel="pstn").channel is None
    assert Destination(address=SIP, channel=Channel.SIP) == Destination(address=SIP)
    # A channel the address does not imply is kept.
    assert Destination(address=PHONE, channel=Channel.WHATSAPP).channel is Channel.WHATSAPP
    assert Destination(address="alice", channel=Channel.WEBRTC).channel is Channel.WEBRTC
    assert Destination(address=SIP, channel=Channel.WEBRTC).channel is Channel.WEBRTC


def test_a_normal_clearing_is_a_plain_hangup_and_one_play_is_the_default() -> None:
    from callglot.canonical import Audio, Hangup, HangupCause, Play
    from callglot.errors import InvalidValue

    assert Hangup(cause=HangupCause.NORMAL_CLEARING) == Hangup()
    assert Hangup(cause="NORMAL_CLEARING").cause is None
    assert Hangup(cause="USER_BUSY").cause is HangupCause.USER_BUSY
    media = (Audio(url=AUDIO),)
    assert Play(media=media, loop=1) == Play(media=media)
    assert Play(media=media, loop=0).loop == 0
    assert Play(media=media, loop=2).loop == 2
    for not_a_count in (True, 1.0):
        with pytest.raises(InvalidValue):
            Play(media=media, loop=not_a_count)


def _issue_cases() -> list[tuple[str, Any]]:
    from callglot.canonical import Audio, Channel, Destination, Hangup, HangupCause, Play, Transfer

    media = (Audio(url=AUDIO),)
    return [
        ("signalwire", Transfer(destination=Destination(address=PHONE, channel=Channel.PSTN))),
        ("signalwire", Transfer(destination=Destination(address=SIP, channel=Channel.SIP))),
        (
            "signalwire",
            Dial(
                source=Destination(address="+15551230000", channel=Channel.PSTN),
                swml_url=SWML_URL,
                destination=Destination(address=SIP, channel=Channel.SIP),
            ),
        ),
        ("chirp", Hangup(cause=HangupCause.NORMAL_CLEARING)),
        ("chirp", Transfer(destination=Destination(address=PHONE, channel=Channel.PSTN))),
        ("gateway", Play(media=media, loop=1)),
        ("signalwire", Play(media=media, loop=1, control_id="play-1")),
        ("chirp", Play(media=media, loop=1)),
    ]


@pytest.mark.parametrize(("name", "command"), _issue_cases(), ids=lambda v: getattr(v, "__name__", None))
def test_the_fuzz_runs_silent_changes_now_round_trip(name: str, command: Any) -> None:
    """Each read back changed before (channel=None, cause=None, loop=None) with an empty report."""
    dialect = _dialect(name)
    out = dialect.encode(command, call_id=None if isinstance(command, Dial) else CALL_ID)
    assert [a for a in out.report if a.action is not Action.GENERATED] == []
    assert dialect.decode(out.value).command == command


@pytest.mark.parametrize(
    ("name", "path", "bodies", "normal"),
    [
        (
            "signalwire",
            "/api/calling/calls",
            [{"params": {}}, {"params": {"reason": "hangup"}}],
            {"params": {"reason": "hangup"}},
        ),
        (
            "gateway",
            "/api/v1/sessions/s1/commands/hangup",
            [{}, {"cause": "NORMAL_CLEARING"}],
            {},
        ),
        (
            "chirp",
            f"/v1/calls/{CALL_ID}/commands",
            [
                {"type": "play_audio", "url": AUDIO},
                {"type": "play_audio", "url": AUDIO, "loop": False},
            ],
            {"type": "play_audio", "url": AUDIO, "loop": False},
        ),
    ],
)
def test_wire_forms_of_one_meaning_decode_to_one_value(
    name: str, path: str, bodies: list[dict[str, Any]], normal: dict[str, Any]
) -> None:
    dialect = _dialect(name)
    envelope = {"command": "calling.end", "id": CALL_ID} if name == "signalwire" else {}
    decoded = [
        dialect.decode(callglot.HttpRequest(method="POST", path=path, body={**envelope, **body})) for body in bodies
    ]
    assert len({d.command for d in decoded}) == 1
    again = dialect.encode(decoded[0].command, call_id=decoded[0].call_id)
    assert again.value.body == {**envelope, **normal}


# ---------------------------------------------------------------- one rule for commands and events


def _call_ended(reason: str) -> callglot.HttpRequest:
    params = {"call_id": CALL_ID, "call_state": "ended", "end_reason": reason}
    return callglot.HttpRequest(
        method="POST", path="/hooks", body={"event_type": "calling.call.state", "params": params}
    )


def _signalwire_end(reason: str) -> callglot.HttpRequest:
    body = {"command": "calling.end", "id": CALL_ID, "params": {"reason": reason}}
    return callglot.HttpRequest(method="POST", path="/api/calling/calls", body=body)


@pytest.mark.parametrize("reason", ["hangup", "busy"])
@pytest.mark.parametrize("kind", ["command", "event"])
def test_strict_raises_exactly_when_the_target_reads_back_something_else(kind: str, reason: str) -> None:
    """One rule, commands and events alike: STRICT refuses what the target's message would read back differently.

    A command's cause None is defined as a normal clearing, which Chirp's plain hangup performs, so
    calling.end reason hangup reaches Chirp; an event's cause None means the vendor did not say, and
    Chirp's calls.completed (sent for any ending) cannot say it, so an ended call's cause is refused.
    """
    chirp = callglot.get_dialect("chirp")
    signalwire = callglot.get_dialect("signalwire")
    if kind == "command":
        value: Any = signalwire.decode(_signalwire_end(reason)).command
        lenient = chirp.encode(value, call_id=CALL_ID, policy=Policy.LENIENT)
        read_back: Any = chirp.decode(lenient.value).command
    else:
        value = signalwire.decode_event(_call_ended(reason))
        lenient = chirp.encode_event(value, policy=Policy.LENIENT)
        read_back = chirp.decode_event(lenient.value)
    request = _signalwire_end(reason) if kind == "command" else _call_ended(reason)
    translate = callglot.translate if kind == "command" else callglot.translate_event
    if read_back == value:
        assert lenient.report == ()
        assert translate(request, source="signalwire", target="chirp").report == ()
    else:
        assert [(a.field, a.action) for a in lenient.report] == [("cause", Action.DROPPED)]
        with pytest.raises(callglot.UnsupportedField) as caught:
            translate(request, source="signalwire", target="chirp")
        assert caught.value.field == "cause"
    # What each reason gives: a normal hang-up command reaches Chirp; a cause on an event never does.
    assert (read_back == value) is (kind == "command" and reason == "hangup")
