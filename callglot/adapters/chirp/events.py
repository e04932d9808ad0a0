"""Chirp's webhooks (reference/dialects.md §2.5, §2.6): their wire shapes and their event routes.

``ROUTES`` declares each event once (an :class:`~callglot.adapters._routes.EventRoute` per wire event
name, the webhook's envelope as the table's frame); the event capability, decode and encode tables
derive from it.

A webhook is ``{"event", "eventId", "timestamp", "data": {"call", "app"}}``;
``calls.recording.completed`` carries the recording object (§2.6) in ``data.recording`` and
``calls.voicemail.received`` the voicemail object in ``data.voicemail`` (callglot's decision: the
reference names the objects, not where they sit). A route's wire shape is the object of ``data`` its
event's fields come from (``call``, ``recording`` or ``voicemail``). What the canonical event cannot
hold but Chirp needs to re-encode identically goes to ``origin``, by wire position: ``origin.app``
(data.app), ``origin.call`` (data.call fields the event class has no place for: livekitRoomName, and
for recording and voicemail events the call's direction, from, to, channels and metadata),
``origin.recording`` (createdAt; startedAt and endedAt are the event's started_at and ended_at) and
``origin.voicemail`` (callerChannel, isRead, createdAt).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import attrs

from callglot._frozen import frozen
from callglot.adapters import _base, _structure
from callglot.adapters._base import Encoding, at, enum_value, route_for
from callglot.adapters._routes import Codec, EventFrame, EventRoute, EventRouteTable
from callglot.adapters._structure import require_object, structure, wire_key
from callglot.canonical import HangupCause, thaw_json
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
from callglot.capabilities import Capability
from callglot.errors import DecodeError, InvalidMessage

from ._wire import (
    CHANNELS,
    FORMATS,
    ISO,
    OP_IDS,
    converter,
    decode_channel,
    decode_format,
    encode_choice,
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


# ---------------------------------------------------------------- checks and conversions

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


def _check_time(text: str | None, path: str, *example: str) -> None:
    problem = None if text is None else time_problem(text, *example)
    if problem is not None:
        raise InvalidMessage(path, problem)


def _as_is(value: Any, path: str) -> Any:
    return value


def _nullable(kind: str) -> Codec:
    """A voicemail field that is a ``kind`` or null (absent and null both decode as None)."""

    def decode(value: Any, path: str) -> Any:
        if value is ABSENT:
            return None
        if kind == "string":
            if type(value) is not str:  # transcriptions may exceed MAX_STRING: the event class bounds them
                raise InvalidMessage(path, f"expected a string or null, got {_structure._json_type(value)}")
            return value
        if type(value) not in (int, float):
            raise InvalidMessage(path, f"expected a number or null, got {_structure._json_type(value)}")
        return value

    return Codec(decode=decode, encode=lambda value, field, ctx: value)


_TIME = Codec(decode=parse_time, encode=lambda value, field, ctx: format_time(value, ctx, field))
_CHANNEL = Codec(decode=_as_is, encode=lambda value, field, ctx: encode_choice(value, CHANNELS, field, ctx))
_TEXT = Codec(decode=_as_is, encode=lambda value, field, ctx: str(value))  # the enum's wire string
_JSON = Codec(decode=_as_is, encode=lambda value, field, ctx: thaw_json(value))
_NUMBER_OR_NULL, _TEXT_OR_NULL = _nullable("number"), _nullable("string")

# ---------------------------------------------------------------- hooks


def _dec_recording(w: _WhRecording, base: str) -> dict[str, Any]:
    if w.status is not None and w.status != "completed":
        raise InvalidMessage(f"{base}.status", "calls.recording.completed reports a completed recording")
    fmt = None if w.format is None else decode_format(w.format, f"{base}.format")
    _check_time(w.created_at, f"{base}.createdAt")
    return {"format": fmt}


def _enc_recording(e: RecordingEvent, ctx: Encoding, carried: Mapping[str, Any]) -> dict[str, Any]:
    return {"call_id": e.call_id, "status": "completed", "format": encode_choice(e.format, FORMATS, "format", ctx)}


def _dec_voicemail(w: _WhVoicemail, base: str) -> dict[str, Any]:
    if w.caller_channel is not None:
        decode_channel(w.caller_channel, f"{base}.callerChannel")
    _check_time(w.created_at, f"{base}.createdAt", "2026-01-15T10:35:00Z")  # the voicemail object's own example
    return {}


# ---------------------------------------------------------------- the routes

_TIME_LOSS = "Chirp times are ISO-8601 UTC to the microsecond (1970..9999): finer parts are rounded off"
_NO_EVENTS = "Chirp sends no webhook for it"

ENVELOPE = EventFrame(
    lost={
        "call_id": "every Chirp webhook names its call (data.call.id)",
        "timestamp": _TIME_LOSS,
        "sequence": "Chirp webhooks have no sequence number: order them by timestamp",
        "command_id": "Chirp has no idempotency key",
        "control_id": OP_IDS,
    },
    fields={"call_id": "data.call.id", "event_id": "eventId", "timestamp": "timestamp"},
    convert={"timestamp": _TIME},
    required=("call_id",),
    order=("sequence", "command_id", "control_id"),
    after=("timestamp",),  # written last, once the event's own fields are
    encode=lambda e, ctx, found: {"origin": _origin(e, e.call_id, ctx)},
    paths={"origin": "$.data"},
)
_FRAME_LOST = ENVELOPE.lost  # each route lists them last: where the matrix has them

_CALL_LOST = {
    "state": "Chirp has no event for a call that is ending",
    "cause": "Chirp's call events carry no cause; only NO_ANSWER on an ended call is said (calls.no_answer)",
    "peer_call_id": "Chirp's call events name no peer call",
    "source_channel": "Chirp channels are pstn, whatsapp and webrtc",
    "destination_channel": "Chirp channels are pstn, whatsapp and webrtc",
}


#: canonical attribute -> wire attribute of the object of data each route reads
_CALL_FIELDS = {"direction": "direction", "source": "from_", "destination": "to", "source_channel": "from_channel",
                "destination_channel": "to_channel", "metadata": "metadata"}  # fmt: skip
_RECORDING_FIELDS = {"url": "file_url", "duration": "duration", "size": "file_size", "recording_id": "id",
                     "started_at": "started_at", "ended_at": "ended_at"}  # fmt: skip
_VOICEMAIL_FIELDS = {"voicemail_id": "id", "source": "caller_number", "duration": "duration",
                     "transcription": "transcription", "recording_id": "recording_id"}  # fmt: skip


def _call(name: str, state: CallState, cause: HangupCause | None = None, **route: Any) -> EventRoute:
    """A call state event: the call object's fields (``calls.no_answer`` also implies its cause)."""
    return EventRoute(
        event=CallStateChanged,
        name=name,
        wire=_WhCall,
        values={"state": state} if cause is None else {"state": state, "cause": cause},
        fields=_CALL_FIELDS,
        convert={"direction": _TEXT, "source_channel": _CHANNEL, "destination_channel": _CHANNEL, "metadata": _JSON},
        lost={**_CALL_LOST, **_FRAME_LOST},
        encode=lambda e, ctx, carried: {"id": e.call_id},
        **route,
    )


ROUTES = EventRouteTable(
    (
        _call(
            "calls.initiated",
            CallState.CREATED,
            note="calls.initiated, calls.ringing, calls.answered, calls.completed, calls.failed, calls.no_answer "
            "(ringing and no_answer are named by pattern, not seen verbatim)",
        ),
        _call("calls.ringing", CallState.RINGING),  # [I] named by pattern (reference §2.5)
        _call("calls.answered", CallState.ANSWERED),
        _call("calls.completed", CallState.ENDED, fallback=True),  # the fallback: an ending call is refused here
        _call("calls.failed", CallState.FAILED),
        _call("calls.no_answer", CallState.ENDED, cause=HangupCause.NO_ANSWER),  # [I] named by pattern
        EventRoute(
            event=RecordingEvent,
            name="calls.recording.completed",
            wire=_WhRecording,
            note="calls.recording.completed with the recording object in data.recording",
            values={"state": OperationState.FINISHED},
            fallback=True,
            fields=_RECORDING_FIELDS,
            convert={"started_at": _TIME, "ended_at": _TIME},
            lost={
                "state": "Chirp reports finished recordings only (calls.recording.completed)",
                "format": "Chirp records mp4, ogg or webm",
                "direction": "Chirp records the whole call",
                "stereo": "Chirp has no stereo option",
                "started_at": _TIME_LOSS,
                "ended_at": _TIME_LOSS,
                **_FRAME_LOST,
            },
            decided=("format",),
            after=("direction", "stereo", "started_at", "ended_at"),
            decode=_dec_recording,
            encode=_enc_recording,
        ),
        EventRoute(
            event=VoicemailReceived,
            name="calls.voicemail.received",
            wire=_WhVoicemail,
            note="calls.voicemail.received with the voicemail object in data.voicemail",
            fields=_VOICEMAIL_FIELDS,
            convert={"duration": _NUMBER_OR_NULL, "transcription": _TEXT_OR_NULL, "recording_id": _TEXT_OR_NULL},
            lost=_FRAME_LOST,
            decode=_dec_voicemail,
            encode=lambda e, ctx, carried: {"call_id": e.call_id},
        ),
    ),
    unsupported={
        PlaybackEvent: f"{_NO_EVENTS}: play_audio is fire-and-forget",
        CollectResult: "Chirp collects no input",
        DetectEvent: "Chirp has no detectors",
        TapEvent: "Chirp has no media tap",
        StreamEvent: "Chirp has no media streaming",
        TranscriptionEvent: "Chirp transcribes voicemails only: see calls.voicemail.received",
        ReferEvent: "Chirp has no SIP REFER",
        CommandResult: "Chirp answers commands synchronously (accepted or queued); no result webhook",
        DtmfReceived: "no DTMF webhook is documented for Chirp",
        ConnectEvent: "Chirp's webhooks report no bridging of the call to another party",
        DialStateChanged: "Chirp reports an outbound call's progress as call events (calls.initiated, calls.ringing, "
        "calls.answered, calls.failed): CallStateChanged",
        HoldEvent: "Chirp's webhooks report no hold",
        DenoiseEvent: "Chirp has no noise reduction",
        SendDigitsEvent: "Chirp's send_dtmf reports no completion",
        FaxEvent: "Chirp has no fax",
        ErrorEvent: "Chirp reports a call that failed as calls.failed (CallStateChanged), and no other call error",
        ConferenceEvent: "Chirp's calls have participants, not conference rooms; its participant join/leave webhooks "
        "are named in its docs but their event names and payloads are not published, so they decode as UnknownEvent",
    },
    frame=ENVELOPE,
    dialect="chirp",
    member_paths=False,
)
EVENT_CAPABILITIES: Mapping[type, Capability] = ROUTES.capabilities
EVENT_NAMES: Mapping[str, str] = {name: name for name in ROUTES.decoders}
#: A route's wire shape -> where it sits in ``data``; the objects only one event carries -> that event.
_SECTIONS: Mapping[type, str] = {_WhCall: "call", _WhRecording: "recording", _WhVoicemail: "voicemail"}
_OWNERS = {"recording": "calls.recording.completed", "voicemail": "calls.voicemail.received"}
#: What ``origin`` keeps of each object of ``data`` (wire keys), per event class (``app`` whole).
_CALL_REST = frozenset({"direction", "from", "to", "fromChannel", "toChannel", "livekitRoomName", "metadata"})
_ORIGIN_KEYS: Mapping[type, Mapping[str, frozenset[str]]] = {
    CallStateChanged: {"call": frozenset({"livekitRoomName"})},
    RecordingEvent: {"call": _CALL_REST, "recording": frozenset({"createdAt"})},
    VoicemailReceived: {"call": _CALL_REST, "voicemail": frozenset({"callerChannel", "isRead", "createdAt"})},
}

# ---------------------------------------------------------------- decode


_SHAPES: Mapping[str, type] = {section: shape for shape, section in _SECTIONS.items()}
#: Per event class: (object of ``data``, ((its attribute, wire key), ...) that ``origin`` keeps), in
#: attribute order (the order the converter writes them).
_KEPT_ATTRIBUTES: Mapping[type, tuple[tuple[str, tuple[tuple[str, str], ...]], ...]] = {
    cls: tuple(
        (
            key,
            tuple(
                (a.name, wire) for a in attrs.fields(_SHAPES[key]) if (wire := wire_key(_SHAPES[key], a.name)) in keys
            ),
        )
        for key, keys in sections.items()
    )
    for cls, sections in _ORIGIN_KEYS.items()
}


def _kept(cls: type, data: _WhData) -> dict[str, Any] | None:
    """The ``origin`` of an event of ``cls`` from ``data``: what of it the event has no place for."""
    origin = {} if data.app is None else {"app": converter.unstructure(data.app)}
    for key, pairs in _KEPT_ATTRIBUTES[cls]:
        part = getattr(data, key)
        kept = {
            wire: converter.unstructure(value) for name, wire in pairs if (value := getattr(part, name)) is not None
        }
        if kept:
            origin[key] = kept
    return origin or None


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
    shape, decode = route_for(ROUTES.decoders, name, "$.event", "Chirp event")
    data_in = body.get("data")
    if isinstance(data_in, dict):  # the optional objects first: their errors then name wire keys
        for key, cls in (("app", _WhApp), ("recording", _WhRecording), ("voicemail", _WhVoicemail)):
            if key in data_in:
                structure(converter, data_in[key], cls, f"$.data.{key}")
    wire: _Webhook = structure(converter, body, _Webhook)
    data, section = wire.data, _SECTIONS[shape]
    for key, owner in _OWNERS.items():
        present = getattr(data, key) is not None
        if key == section and not present:
            raise InvalidMessage(f"$.data.{key}", "required field missing")
        if key != section and present:
            raise InvalidMessage("$.data", f"unexpected field(s): {key} (only {owner} carries it)")
    _check_call(data.call, "$.data.call")
    header = {
        "call_id": data.call.id,
        "event_id": wire.event_id,
        "timestamp": None if wire.timestamp is None else parse_time(wire.timestamp, "$.timestamp"),
        "origin": _kept(ROUTES.by_name[name].event, data),
    }
    part = getattr(data, section)
    if section != "call" and part.call_id is not None and part.call_id != data.call.id:
        raise InvalidMessage(f"$.data.{section}.callId", "must be the call of $.data.call.id")
    event: AnyEvent = decode(part, f"$.data.{section}", header)
    return event


# ---------------------------------------------------------------- encode


@frozen(kw_only=True)
class _Origin:
    """A Chirp ``origin`` that passed validation, as wire values."""

    app: _WhApp | None = None
    call: _WhCall
    recording: _WhRecording = _WhRecording()
    voicemail: _WhVoicemail = _WhVoicemail()


def _origin(event: Any, call_id: str, ctx: Encoding) -> _Origin | None:
    """The event's origin when it is Chirp's (see the module docstring); another vendor's is dropped (None)."""
    if event.origin is None:
        return None
    if not event.origin:  # an empty origin reads back as none
        ctx.drop_origin()
        return None
    raw = thaw_json(event.origin)
    sections = {"app": None, **_ORIGIN_KEYS[type(event)]}
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
        return None
    return _Origin(app=app, call=call, recording=recording, voicemail=voicemail)


def _with_kept(part: Any, kept: Any) -> Any:
    """The route's object of ``data`` with what ``origin`` kept in the same object (its values set)."""
    changes = {
        a.name: value
        for a in attrs.fields(type(kept))
        if (value := getattr(kept, a.name)) is not a.default and not _same(value, getattr(part, a.name))
    }  # (a string both hold, as the call's id, needs no copy)
    return attrs.evolve(part, **changes) if changes else part


def _same(value: Any, other: Any) -> bool:
    return type(value) is str and type(other) is str and value == other  # (1 == True, {"a": 1} == {"a": True})


def encode_webhook(event: Event, ctx: Encoding) -> dict[str, Any]:
    """A canonical event as Chirp's webhook body."""
    name, part, header = ROUTES.encoders[type(event)](event, ctx)
    assert header is not None
    origin: _Origin | None = header.get("origin")
    section = _SECTIONS[type(part)]
    if origin is None:  # nothing kept: the route's object as it is (no copy), the call named by its id alone
        app, call = None, part if section == "call" else _WhCall(id=header["data.call.id"])
    else:
        part = _with_kept(part, getattr(origin, section))
        app, call = origin.app, part if section == "call" else origin.call
    return _webhook_body(name, header.get("eventId"), header.get("timestamp"), app, call, section, part)


def _webhook_body(
    name: str, event_id: str | None, timestamp: str | None, app: _WhApp | None, call: _WhCall, section: str, part: Any
) -> dict[str, Any]:
    """What the converter makes of ``_Webhook(event=name, ..., data=_WhData(app=app, call=call, section=part))``,
    without building those two (a microsecond an event): its keys in the converter's order, the required
    ones first, None left out. A test compares both."""
    data = {"call": converter.unstructure(call)}
    if app is not None:
        data["app"] = converter.unstructure(app)
    if section != "call":
        data[section] = converter.unstructure(part)
    body = {"event": name, "data": data}
    if event_id is not None:
        body["eventId"] = event_id
    if timestamp is not None:
        body["timestamp"] = timestamp
    return body
