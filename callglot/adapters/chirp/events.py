"""Chirp's webhooks (reference/dialects.md §2.5, §2.6): their wire shapes, event capabilities, decode and encode.

A webhook is ``{"event", "eventId", "timestamp", "data": {"call", "app"}}``;
``calls.recording.completed`` carries the recording object (§2.6) in ``data.recording`` and
``calls.voicemail.received`` the voicemail object in ``data.voicemail`` (callglot's decision: the
reference names the objects, not where they sit). What the canonical event cannot hold but Chirp needs
to re-encode identically goes to ``origin``, by wire position: ``origin.app`` (data.app),
``origin.call`` (data.call fields the event class has no place for: livekitRoomName, and for recording
and voicemail events the call's direction, from, to, channels and metadata), ``origin.recording``
(createdAt; startedAt and endedAt are the event's started_at and ended_at) and ``origin.voicemail``
(callerChannel, isRead, createdAt).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import attrs

from callglot._frozen import frozen
from callglot.adapters import _base
from callglot.adapters._base import Encoding, at, enum_value, lose_set, require_object, route_for, structure
from callglot.canonical import Channel, HangupCause, thaw_json
from callglot.canonical.events import (
    AnyEvent,
    CallDirection,
    CallState,
    CallStateChanged,
    CollectResult,
    CommandResult,
    ConferenceEvent,
    ConnectEvent,
    DenoiseEvent,
    DetectEvent,
    DialStateChanged,
    DtmfReceived,
    ErrorEvent,
    Event,
    FaxEvent,
    HoldEvent,
    OperationState,
    PlaybackEvent,
    RecordingEvent,
    ReferEvent,
    SendDigitsEvent,
    StreamEvent,
    TapEvent,
    TranscriptionEvent,
    VoicemailReceived,
)
from callglot.capabilities import Capability, partial, unsupported
from callglot.errors import DecodeError, InvalidMessage, InvalidValue

from ._wire import (
    CHANNELS,
    FORMATS,
    ISO,
    OP_IDS,
    converter,
    decode_channel,
    decode_format,
    encode_choice,
    invalid_at,
    register,
    time_problem,
)

# ---------------------------------------------------------------- wire shapes

ABSENT = _base.ABSENT  # a nullable wire field that was not sent


@frozen(kw_only=True)
class _WhCall:
    id: str
    direction: str | None = None
    from_: str | None = None
    to: str | None = None
    from_channel: str | None = None
    to_channel: str | None = None
    livekit_room_name: str | None = None
    metadata: dict[str, Any] | None = None


@frozen(kw_only=True)
class _WhApp:
    id: str
    name: str | None = None


@frozen(kw_only=True)
class _WhRecording:
    id: str | None = None
    call_id: str | None = None
    status: str | None = None
    format: str | None = None
    duration: float | None = None
    file_url: str | None = None
    file_size: int | None = None
    started_at: str | None = None
    ended_at: str | None = None
    created_at: str | None = None


@frozen(kw_only=True)
class _WhVoicemail:
    id: str | None = None
    call_id: str | None = None
    caller_number: str | None = None
    caller_channel: str | None = None
    duration: Any = ABSENT  # number or null
    is_read: bool | None = None
    transcription: Any = ABSENT  # string or null
    recording_id: Any = ABSENT  # string or null
    created_at: str | None = None


@frozen(kw_only=True)
class _WhData:
    call: _WhCall
    app: _WhApp | None = None
    recording: _WhRecording | None = None
    voicemail: _WhVoicemail | None = None


@frozen(kw_only=True)
class _Webhook:
    event: str
    event_id: str | None = None
    timestamp: str | None = None
    data: _WhData


# Nested classes first: a container's generated hooks capture its members' hooks.
register(_WhCall, _WhApp, _WhRecording, _WhVoicemail, _WhData, _Webhook)

STATE_EVENTS: Mapping[str, CallState] = {
    "calls.initiated": CallState.CREATED,
    "calls.ringing": CallState.RINGING,  # [I] named by pattern (reference §2.5)
    "calls.answered": CallState.ANSWERED,
    "calls.completed": CallState.ENDED,
    "calls.failed": CallState.FAILED,
    "calls.no_answer": CallState.ENDED,  # [I] named by pattern; cause NO_ANSWER
}
_STATE_NAMES: Mapping[CallState, str] = {
    CallState.CREATED: "calls.initiated", CallState.RINGING: "calls.ringing", CallState.ANSWERED: "calls.answered",
    CallState.ENDED: "calls.completed", CallState.FAILED: "calls.failed",
}  # fmt: skip
RECORDING_EVENT = "calls.recording.completed"
VOICEMAIL_EVENT = "calls.voicemail.received"
EVENT_NAMES: Mapping[str, str] = {name: name for name in (*STATE_EVENTS, RECORDING_EVENT, VOICEMAIL_EVENT)}

_ENVELOPE_PATHS = {"call_id": "$.data.call.id", "event_id": "$.eventId", "timestamp": "$.timestamp", "origin": "$.data"}
_EVENT_PATHS: Mapping[type, Mapping[str, str]] = {
    CallStateChanged: {"source": "$.data.call.from", "destination": "$.data.call.to",
                       "metadata": "$.data.call.metadata"},
    RecordingEvent: {"url": "$.data.recording.fileUrl", "duration": "$.data.recording.duration",
                     "size": "$.data.recording.fileSize", "recording_id": "$.data.recording.id",
                     "started_at": "$.data.recording.startedAt", "ended_at": "$.data.recording.endedAt"},
    VoicemailReceived: {"voicemail_id": "$.data.voicemail.id", "source": "$.data.voicemail.callerNumber",
                        "duration": "$.data.voicemail.duration", "transcription": "$.data.voicemail.transcription",
                        "recording_id": "$.data.voicemail.recordingId"},
}  # fmt: skip
#: Both, per event class (its own paths first), for errors raised by the event's constructor.
_BUILD_PATHS: Mapping[type, Mapping[str, str]] = {
    cls: {**_ENVELOPE_PATHS, **paths} for cls, paths in _EVENT_PATHS.items()
}

# ---------------------------------------------------------------- capabilities

_TIME_LOSS = "Chirp times are ISO-8601 UTC to the microsecond (1970..9999): finer parts are rounded off"
_ENVELOPE_LOSSES = {
    "call_id": "every Chirp webhook names its call (data.call.id)",
    "timestamp": _TIME_LOSS,
    "sequence": "Chirp webhooks have no sequence number: order them by timestamp",
    "command_id": "Chirp has no idempotency key",
    "control_id": OP_IDS,
}
_NO_EVENTS = "Chirp sends no webhook for it"

EVENT_CAPABILITIES: Mapping[type, Capability] = {
    CallStateChanged: partial(
        "calls.initiated, calls.ringing, calls.answered, calls.completed, calls.failed, calls.no_answer "
        "(ringing and no_answer are named by pattern, not seen verbatim)",
        state="Chirp has no event for a call that is ending",
        cause="Chirp's call events carry no cause; only NO_ANSWER on an ended call is said (calls.no_answer)",
        peer_call_id="Chirp's call events name no peer call",
        source_channel="Chirp channels are pstn, whatsapp and webrtc",
        destination_channel="Chirp channels are pstn, whatsapp and webrtc",
        **_ENVELOPE_LOSSES,
    ),
    PlaybackEvent: unsupported(f"{_NO_EVENTS}: play_audio is fire-and-forget"),
    RecordingEvent: partial(
        "calls.recording.completed with the recording object in data.recording",
        state="Chirp reports finished recordings only (calls.recording.completed)",
        format="Chirp records mp4, ogg or webm",
        direction="Chirp records the whole call",
        stereo="Chirp has no stereo option",
        started_at=_TIME_LOSS,
        ended_at=_TIME_LOSS,
        **_ENVELOPE_LOSSES,
    ),
    CollectResult: unsupported("Chirp collects no input"),
    DetectEvent: unsupported("Chirp has no detectors"),
    TapEvent: unsupported("Chirp has no media tap"),
    StreamEvent: unsupported("Chirp has no media streaming"),
    TranscriptionEvent: unsupported("Chirp transcribes voicemails only: see calls.voicemail.received"),
    ReferEvent: unsupported("Chirp has no SIP REFER"),
    CommandResult: unsupported("Chirp answers commands synchronously (accepted or queued); no result webhook"),
    DtmfReceived: unsupported("no DTMF webhook is documented for Chirp"),
    VoicemailReceived: partial(
        "calls.voicemail.received with the voicemail object in data.voicemail", **_ENVELOPE_LOSSES
    ),
    ConnectEvent: unsupported("Chirp's webhooks report no bridging of the call to another party"),
    DialStateChanged: unsupported(
        "Chirp reports an outbound call's progress as call events (calls.initiated, calls.ringing, "
        "calls.answered, calls.failed): CallStateChanged"
    ),
    HoldEvent: unsupported("Chirp's webhooks report no hold"),
    DenoiseEvent: unsupported("Chirp has no noise reduction"),
    SendDigitsEvent: unsupported("Chirp's send_dtmf reports no completion"),
    FaxEvent: unsupported("Chirp has no fax"),
    ErrorEvent: unsupported(
        "Chirp reports a call that failed as calls.failed (CallStateChanged), and no other call error"
    ),
    ConferenceEvent: unsupported(
        "Chirp's calls have participants, not conference rooms; its participant join/leave webhooks are named "
        "in its docs but their event names and payloads are not published, so they decode as UnknownEvent"
    ),
}

# ---------------------------------------------------------------- times

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MAX_TIME = 253402300800  # 10000-01-01T00:00:00Z


def parse_time(text: str, path: str) -> float:
    """An RFC 3339 time (``2026-04-13T12:00:00.000Z``; other offsets, 0..6 fraction digits) as Unix seconds.

    A time a float cannot hold to the microsecond (far-future times with microseconds) is refused, so
    that decoding never rounds silently.
    """
    match = ISO.fullmatch(text)
    if match is None:
        raise InvalidMessage(path, "expected an ISO-8601 time such as 2026-04-13T12:00:00.000Z")
    year, month, day, hour, minute, second = (int(group) for group in match.groups()[:6])
    zone = match.group(8)
    try:
        offset = timedelta(0) if zone == "Z" else timedelta(hours=int(zone[1:3]), minutes=int(zone[4:6]))
        zone_info = timezone(-offset if zone[0] == "-" else offset)
        moment = datetime(year, month, day, hour, minute, second, tzinfo=zone_info)
        seconds = (moment - _EPOCH) // timedelta(seconds=1)
    except (ValueError, OverflowError):
        raise InvalidMessage(path, "not a valid date and time") from None
    if not 0 <= seconds < _MAX_TIME:
        raise InvalidMessage(path, "times must fall in the years 1970..9999 (UTC)")
    micros = int((match.group(7) or "").ljust(6, "0"))
    timestamp = float(seconds) + micros / 1_000_000
    if _split_time(timestamp) != (seconds, micros):
        raise InvalidMessage(path, "more precise than Unix seconds (a float) can hold")
    return timestamp


def _split_time(timestamp: float) -> tuple[int, int] | None:
    """``(seconds, microseconds)`` that parse_time turns into exactly ``timestamp``; None if there are none."""
    for unit in (1000, 1_000_000):  # whole milliseconds first: the normal form
        seconds, part = divmod(round(timestamp * unit), unit)
        micros = part * (1_000_000 // unit)
        if float(seconds) + micros / 1_000_000 == timestamp:
            return seconds, micros
    return None


def format_time(timestamp: float, ctx: Encoding, field: str = "timestamp") -> str | None:
    """Unix seconds as Chirp writes them: ``2026-04-13T12:00:00.000Z`` (UTC, milliseconds).

    A time with microseconds keeps them (six digits); anything finer is a loss of ``field`` (rounded to the
    millisecond).
    """
    if not 0 <= timestamp < _MAX_TIME - 0.0005:
        ctx.lose(field)
        return None
    split = _split_time(timestamp)
    if split is None:
        ctx.lose(field)  # LENIENT: rounded to the millisecond
        seconds, millis = divmod(round(timestamp * 1000), 1000)
        split = seconds, millis * 1000
    seconds, micros = split
    fraction = f"{micros // 1000:03d}" if micros % 1000 == 0 else f"{micros:06d}"
    return f"{_EPOCH + timedelta(seconds=seconds):%Y-%m-%dT%H:%M:%S}.{fraction}Z"


# ---------------------------------------------------------------- decode

#: The rule a call's ``from``/``to`` obey in every Chirp webhook: a state event makes them CallStateChanged's
#: source/destination, and a recording or voicemail event keeps them in ``origin``, where nothing else checks them.
_PARTY = attrs.fields(CallStateChanged).source


def _check_call(call: _WhCall, path: str) -> None:
    for key, party in (("from", call.from_), ("to", call.to)):
        with at(f"{path}.{key}"):
            _PARTY.validator(None, _PARTY, party)  # type: ignore[misc]
    if call.direction is not None:
        enum_value(CallDirection, call.direction, f"{path}.direction")
    if call.from_channel is not None:
        decode_channel(call.from_channel, f"{path}.fromChannel")
    if call.to_channel is not None:
        decode_channel(call.to_channel, f"{path}.toChannel")


def _channel(value: str | None) -> Channel | None:
    return None if value is None else Channel(value)


def _build(cls: type, fields: dict[str, Any], envelope: dict[str, Any]) -> Any:
    try:
        return cls(**fields, **envelope)
    except InvalidValue as exc:
        raise invalid_at(exc, _BUILD_PATHS[cls]) from None


def decode_webhook(body: Any) -> AnyEvent:
    """A webhook body as its canonical event (an unmodelled event type as UnknownEvent)."""
    require_object(body)
    if "event" not in body:
        raise InvalidMessage("$.event", "required field missing")
    name = body["event"]
    if type(name) is str and name not in EVENT_NAMES:
        data = body.get("data")
        call = data.get("call") if isinstance(data, dict) else None
        return _base.unknown_event("chirp", body, name, "$.event", call.get("id") if isinstance(call, dict) else None)
    name = route_for(EVENT_NAMES, name, "$.event", "Chirp event")
    data_in = body.get("data")
    if isinstance(data_in, dict):  # the optional objects first: their errors then name wire keys
        for key, cls in (("app", _WhApp), ("recording", _WhRecording), ("voicemail", _WhVoicemail)):
            if key in data_in:
                structure(converter, data_in[key], cls, f"$.data.{key}")
    wire: _Webhook = structure(converter, body, _Webhook)
    data = wire.data
    for key, owner in (("recording", RECORDING_EVENT), ("voicemail", VOICEMAIL_EVENT)):
        present = getattr(data, key) is not None
        if name == owner and not present:
            raise InvalidMessage(f"$.data.{key}", "required field missing")
        if name != owner and present:
            raise InvalidMessage("$.data", f"unexpected field(s): {key} (only {owner} carries it)")
    call = data.call
    _check_call(call, "$.data.call")
    origin: dict[str, Any] = {}
    if data.app is not None:
        origin["app"] = converter.unstructure(data.app)
    envelope: dict[str, Any] = {
        "call_id": call.id,
        "event_id": wire.event_id,
        "timestamp": None if wire.timestamp is None else parse_time(wire.timestamp, "$.timestamp"),
    }
    if name in STATE_EVENTS:
        if call.livekit_room_name is not None:
            origin["call"] = {"livekitRoomName": call.livekit_room_name}
        envelope["origin"] = origin or None
        fields = {
            "state": STATE_EVENTS[name],
            "cause": HangupCause.NO_ANSWER if name == "calls.no_answer" else None,
            "direction": None if call.direction is None else CallDirection(call.direction),
            "source": call.from_,
            "destination": call.to,
            "source_channel": _channel(call.from_channel),
            "destination_channel": _channel(call.to_channel),
            "metadata": call.metadata,
        }
        return _build(CallStateChanged, fields, envelope)  # type: ignore[no-any-return]
    call_rest = converter.unstructure(call)
    del call_rest["id"]
    if call_rest:
        origin["call"] = call_rest
    if name == RECORDING_EVENT:
        return _decode_recording(data, envelope, origin)
    return _decode_voicemail(data, envelope, origin)


def _check_call_id(value: str | None, call_id: str, path: str) -> None:
    if value is not None and value != call_id:
        raise InvalidMessage(path, "must be the call of $.data.call.id")


def _decode_recording(data: _WhData, envelope: dict[str, Any], origin: dict[str, Any]) -> RecordingEvent:
    rec = data.recording
    assert rec is not None
    _check_call_id(rec.call_id, data.call.id, "$.data.recording.callId")
    if rec.status is not None and rec.status != "completed":
        raise InvalidMessage("$.data.recording.status", f"{RECORDING_EVENT} reports a completed recording")
    fmt = None if rec.format is None else decode_format(rec.format, "$.data.recording.format")
    if rec.created_at is not None:
        problem = time_problem(rec.created_at)
        if problem is not None:
            raise InvalidMessage("$.data.recording.createdAt", problem)
        origin["recording"] = {"createdAt": rec.created_at}
    envelope["origin"] = origin or None
    fields = {
        "state": OperationState.FINISHED,
        "url": rec.file_url,
        "duration": rec.duration,
        "size": rec.file_size,
        "format": fmt,
        "recording_id": rec.id,
        "started_at": None if rec.started_at is None else parse_time(rec.started_at, "$.data.recording.startedAt"),
        "ended_at": None if rec.ended_at is None else parse_time(rec.ended_at, "$.data.recording.endedAt"),
    }
    return _build(RecordingEvent, fields, envelope)  # type: ignore[no-any-return]


def _nullable(value: Any, kind: str, path: str) -> Any:
    if value is ABSENT or value is None:
        return None
    if kind == "string":
        if type(value) is not str:  # transcriptions may exceed MAX_STRING: the event class bounds them
            raise InvalidMessage(path, f"expected a string or null, got {_base._json_type(value)}")
        return value
    if type(value) not in (int, float):
        raise InvalidMessage(path, f"expected a number or null, got {_base._json_type(value)}")
    return value


def _decode_voicemail(data: _WhData, envelope: dict[str, Any], origin: dict[str, Any]) -> VoicemailReceived:
    vm = data.voicemail
    assert vm is not None
    _check_call_id(vm.call_id, data.call.id, "$.data.voicemail.callId")
    extra: dict[str, Any] = {}
    if vm.caller_channel is not None:
        decode_channel(vm.caller_channel, "$.data.voicemail.callerChannel")
        extra["callerChannel"] = vm.caller_channel
    if vm.is_read is not None:
        extra["isRead"] = vm.is_read
    if vm.created_at is not None:
        problem = time_problem(vm.created_at, "2026-01-15T10:35:00Z")  # the voicemail object's own example
        if problem is not None:
            raise InvalidMessage("$.data.voicemail.createdAt", problem)
        extra["createdAt"] = vm.created_at
    if extra:
        origin["voicemail"] = extra
    envelope["origin"] = origin or None
    fields = {
        "voicemail_id": vm.id,
        "source": vm.caller_number,
        "duration": _nullable(vm.duration, "number", "$.data.voicemail.duration"),
        "transcription": _nullable(vm.transcription, "string", "$.data.voicemail.transcription"),
        "recording_id": _nullable(vm.recording_id, "string", "$.data.voicemail.recordingId"),
    }
    return _build(VoicemailReceived, fields, envelope)  # type: ignore[no-any-return]


_ORIGIN_CALL_KEYS: Mapping[type, frozenset[str]] = {
    CallStateChanged: frozenset({"livekitRoomName"}),
    RecordingEvent: frozenset({"direction", "from", "to", "fromChannel", "toChannel", "livekitRoomName", "metadata"}),
    VoicemailReceived: frozenset(
        {"direction", "from", "to", "fromChannel", "toChannel", "livekitRoomName", "metadata"}
    ),
}
_ORIGIN_SECTIONS: Mapping[type, Mapping[str, frozenset[str]]] = {
    CallStateChanged: {},
    RecordingEvent: {"recording": frozenset({"createdAt"})},
    VoicemailReceived: {"voicemail": frozenset({"callerChannel", "isRead", "createdAt"})},
}


@frozen(kw_only=True)
class _Origin:
    """A Chirp ``origin`` that passed validation, as wire values."""

    app: _WhApp | None = None
    call: _WhCall
    recording: _WhRecording = _WhRecording()
    voicemail: _WhVoicemail = _WhVoicemail()


def _origin(event: Any, call_id: str, ctx: Encoding) -> _Origin:
    """The event's origin when it is Chirp's (see the module docstring); another vendor's is dropped."""
    bare = _Origin(call=_WhCall(id=call_id))
    if event.origin is None:
        return bare
    if not event.origin:  # an empty origin reads back as none
        ctx.drop_origin()
        return bare
    raw = thaw_json(event.origin)
    cls = type(event)
    sections = {"app": None, "call": _ORIGIN_CALL_KEYS[cls], **_ORIGIN_SECTIONS[cls]}
    try:
        for key, value in raw.items():
            if key not in sections or type(value) is not dict or not value:  # an empty section reads back as none
                raise InvalidMessage("$", key)
            allowed = sections[key]
            if allowed is not None and not set(value) <= allowed:
                raise InvalidMessage("$", key)
        call = structure(converter, {**raw.get("call", {}), "id": call_id}, _WhCall)
        _check_call(call, "$")
        recording = structure(converter, raw.get("recording", {}), _WhRecording)
        voicemail = structure(converter, raw.get("voicemail", {}), _WhVoicemail)
        times = [recording.created_at, voicemail.created_at]
        if any(value is not None and time_problem(value) is not None for value in times):
            raise InvalidMessage("$", "time")
        if voicemail.caller_channel is not None:
            decode_channel(voicemail.caller_channel, "$")
        app = None if "app" not in raw else structure(converter, raw["app"], _WhApp)
    except DecodeError:
        ctx.drop_origin()
        return bare
    return _Origin(app=app, call=call, recording=recording, voicemail=voicemail)


def _enc_state_event(event: CallStateChanged, ctx: Encoding, origin: _Origin) -> tuple[str, _WhData]:
    state, cause = event.state, event.cause
    if state is CallState.ENDING:
        ctx.lose("state", droppable=False)
    if state is CallState.ENDED and cause is HangupCause.NO_ANSWER:
        name = "calls.no_answer"
    else:
        if cause is not None:
            ctx.lose("cause")
        name = _STATE_NAMES[state]
    if event.peer_call_id is not None:
        ctx.lose("peer_call_id")
    assert event.call_id is not None
    call = _WhCall(
        id=event.call_id,
        direction=None if event.direction is None else str(event.direction),
        from_=event.source,
        to=event.destination,
        from_channel=encode_choice(event.source_channel, CHANNELS, "source_channel", ctx),
        to_channel=encode_choice(event.destination_channel, CHANNELS, "destination_channel", ctx),
        livekit_room_name=origin.call.livekit_room_name,
        metadata=None if event.metadata is None else thaw_json(event.metadata),
    )
    return name, _WhData(call=call, app=origin.app)


def _enc_recording_event(event: RecordingEvent, ctx: Encoding, origin: _Origin) -> tuple[str, _WhData]:
    if event.state is not OperationState.FINISHED:
        ctx.lose("state", droppable=False)
    fmt = encode_choice(event.format, FORMATS, "format", ctx)
    lose_set(event, ("direction", "stereo"), ctx)
    extra = origin.recording
    recording = _WhRecording(
        id=event.recording_id,
        call_id=event.call_id,
        status="completed",
        format=fmt,
        duration=event.duration,
        file_url=event.url,
        file_size=event.size,
        started_at=None if event.started_at is None else format_time(event.started_at, ctx, "started_at"),
        ended_at=None if event.ended_at is None else format_time(event.ended_at, ctx, "ended_at"),
        created_at=extra.created_at,
    )
    return RECORDING_EVENT, _WhData(call=origin.call, app=origin.app, recording=recording)


def _enc_voicemail_event(event: VoicemailReceived, ctx: Encoding, origin: _Origin) -> tuple[str, _WhData]:
    extra = origin.voicemail
    voicemail = _WhVoicemail(
        id=event.voicemail_id,
        call_id=event.call_id,
        caller_number=event.source,
        caller_channel=extra.caller_channel,
        duration=event.duration,
        is_read=extra.is_read,
        transcription=event.transcription,
        recording_id=event.recording_id,
        created_at=extra.created_at,
    )
    return VOICEMAIL_EVENT, _WhData(call=origin.call, app=origin.app, voicemail=voicemail)


_EVENT_ENCODERS: Mapping[type, Callable[[Any, Encoding, _Origin], tuple[str, _WhData]]] = {
    CallStateChanged: _enc_state_event,
    RecordingEvent: _enc_recording_event,
    VoicemailReceived: _enc_voicemail_event,
}


def encode_webhook(event: Event, ctx: Encoding) -> dict[str, Any]:
    """A canonical event as Chirp's webhook body."""
    lose_set(event, ("sequence", "command_id", "control_id"), ctx)
    if event.call_id is None:
        ctx.lose("call_id", droppable=False)
    assert event.call_id is not None
    origin = _origin(event, event.call_id, ctx)
    name, data = _EVENT_ENCODERS[type(event)](event, ctx, origin)
    timestamp = None if event.timestamp is None else format_time(event.timestamp, ctx)
    body: dict[str, Any] = converter.unstructure(
        _Webhook(event=name, event_id=event.event_id, timestamp=timestamp, data=data)
    )
    return body
