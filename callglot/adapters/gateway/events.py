"""The gateway's webhooks: their wire shapes, event capabilities, decoders and encoders (reference §3.4).

Webhooks come in two shapes, both decoded:

- the envelope ``{"event", "session_uuid", "sequence"?, "data": {...}}``: the
  NORMAL FORM, the only one encoded (it carries ``sequence``);
- the flat form ``{"event", "session_uuid", "sequence"?, ...the data fields}``
  (the per-event pages). A body with a ``data`` key is an envelope, one without is
  flat. Flat is not normal form: it re-encodes as the envelope with the same
  fields. Nothing about the shape is kept in ``origin``: the gateway's webhooks
  carry no account fields, so its events never have an ``origin``.

``session_uuid`` is ``call_id``, ``sequence`` (>= 1) is ``sequence``, the data's
``command_uid`` is ``command_id``. There is no event id, timestamp or control id.
Event fields, where the reference stops (decisions marked *):

- ``call.new {caller_id?, did?}``: CallStateChanged(CREATED, INBOUND, source, destination).
- ``call.answered {command_uid?, success?}``: CallStateChanged(ANSWERED). ``success``
  comes only with ``command_uid`` and is always true (* a failed answer is a
  ``command.result`` with success false): ``success: false`` or ``success``
  without ``command_uid`` is rejected; ``command_uid`` without ``success`` is
  accepted and re-encodes with ``success: true`` (normal form).
- ``call.hangup {cause?, command_uid?}``: CallStateChanged(ENDED, cause) (* ``cause``
  is the Q.850 name, like the hangup command's).
- ``dtmf {digit}``: DtmfReceived (* one ``digit`` of ``0-9 A-D * #``).
- ``playback.started`` / ``playback.file_not_found {command_uid?, urls?, file_path?}``:
  PlaybackEvent(STARTED / ERROR) (* file_not_found takes playback.started's fields).
- ``playback.stopped {command_uid?, urls?, file_path?, offset_ms?, duration_ms?}``:
  PlaybackEvent(FINISHED, offset, duration in seconds). ``file_path`` is the
  deprecated comma-joined ``urls``: not stored; it must equal ``",".join(urls)``
  (else, or without ``urls``, the message is rejected) and encoding always
  writes it beside ``urls`` (normal form).
- ``recording.completed {command_uid?, url?, duration_ms?}``: RecordingEvent(FINISHED)
  (* field names ``url`` and ``duration_ms``, milliseconds like the playback events).
- ``command.result {command_uid?, success, detail?}``: CommandResult (* ``detail``
  is an object, like the error body's).
- ``conference.created``, ``conference.destroyed``, ``conference.member.joined`` and
  ``conference.member.left``, flat as the conference pages show them: ConferenceEvent
  (``room_id`` is ``conference_id``). Other ``conference.*`` types (``conference.play.*``)
  and every event type not listed here: UnknownEvent, the body kept whole.

Milliseconds map to seconds (÷ 1000); encoding back needs whole milliseconds.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from callglot._frozen import frozen
from callglot.adapters import _base
from callglot.adapters._base import Encoding, lose_set, register_wire, require_object, route_for
from callglot.canonical.events import (
    AnyEvent,
    CallDirection,
    CallState,
    CallStateChanged,
    CollectResult,
    CommandResult,
    ConferenceEvent,
    ConferenceState,
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
from callglot.canonical.types import thaw_json
from callglot.capabilities import Capability, partial, unsupported
from callglot.errors import InvalidMessage, InvalidValue

from ._wire import (
    COMMAND_UID_RE,
    check_command_uid,
    check_detail,
    converter,
    hangup_cause,
    ms_to_seconds,
    seconds_to_ms,
    structure_closed,
)

# ---------------------------------------------------------------- webhooks: wire shapes


@frozen(kw_only=True)
class _EnvelopeWire:
    event: str
    session_uuid: str
    sequence: int | None = None
    data: Any


@frozen(kw_only=True)
class _FlatHeader:
    event: str
    session_uuid: str
    sequence: int | None = None


@frozen(kw_only=True)
class _ConferenceCreated:
    event: str
    app_id: str | None = None
    room_id: str
    name: str | None = None


@frozen(kw_only=True)
class _ConferenceDestroyed:
    event: str
    app_id: str | None = None
    room_id: str


@frozen(kw_only=True)
class _MemberJoined:
    event: str
    session_uuid: str
    room_id: str
    caller_id: str | None = None


@frozen(kw_only=True)
class _MemberLeft:
    event: str
    session_uuid: str
    room_id: str
    reason: str | None = None  # hangup, removed, orphan: "accept any string for forward compatibility"


@frozen(kw_only=True)
class _CallNew:
    caller_id: str | None = None
    did: str | None = None


@frozen(kw_only=True)
class _CallAnswered:
    command_uid: str | None = None
    success: bool | None = None


@frozen(kw_only=True)
class _CallHangup:
    cause: str | None = None
    command_uid: str | None = None


@frozen(kw_only=True)
class _Dtmf:
    digit: str


@frozen(kw_only=True)
class _Playback:
    command_uid: str | None = None
    urls: list[str] | None = None
    file_path: str | None = None


@frozen(kw_only=True)
class _PlaybackStopped:
    command_uid: str | None = None
    urls: list[str] | None = None
    file_path: str | None = None
    offset_ms: int | None = None
    duration_ms: int | None = None


@frozen(kw_only=True)
class _RecordingCompleted:
    command_uid: str | None = None
    url: str | None = None
    duration_ms: int | None = None


@frozen(kw_only=True)
class _CommandResult:
    command_uid: str | None = None
    operation_id: str | None = None  # the 202's operation_id (callglot's decision: the field list is unpublished)
    success: bool
    detail: Any = _base.ABSENT  # tells an explicit null (refused, as the schema does) from no detail


_EVENT_WIRE: tuple[type, ...] = (
    _EnvelopeWire, _FlatHeader, _CallNew, _CallAnswered, _CallHangup, _Dtmf, _Playback, _PlaybackStopped,
    _RecordingCompleted, _CommandResult, _ConferenceCreated, _ConferenceDestroyed, _MemberJoined, _MemberLeft,
)  # fmt: skip
for _wire_cls in _EVENT_WIRE:
    register_wire(converter, _wire_cls)
for _wire_cls in (_Playback, _PlaybackStopped):
    _base.limit_arrays(converter, _wire_cls, urls=_base.max_items(PlaybackEvent, "urls"))

# ---------------------------------------------------------------- webhooks: capabilities

_NO_EVENT_ID = "the gateway's webhooks carry no event id (order and dedupe by sequence)"
_NO_TIMESTAMP = "the gateway's webhooks carry no timestamp"
_NO_CONTROL_ID = "the gateway has no operation ids: correlate by command_uid (command_id)"
_SESSION = "gateway webhooks belong to a session: session_uuid (a call id of one path segment) is required"
_SEQUENCE = "gateway sequences start at 1"
_COMMAND_UID_NOTE = (
    "command_uid (1..128 of letters, digits, ._-) rides only on asynchronous completions: "
    "call.answered, call.hangup, playback.*, recording.completed, command.result"
)


def _envelope_fields(*, command_uid: bool) -> dict[str, str]:
    fields = {
        "call_id": _SESSION,
        "event_id": _NO_EVENT_ID,
        "timestamp": _NO_TIMESTAMP,
        "control_id": _NO_CONTROL_ID,
        "sequence": _SEQUENCE,
        "command_id": _COMMAND_UID_NOTE if command_uid else "this gateway event carries no command_uid",
    }
    return fields


EVENT_CAPABILITIES: Mapping[type, Capability] = {
    CallStateChanged: partial(
        "call.new (created, inbound: caller_id, did), call.answered, call.hangup (cause: Q.850 name)",
        **_envelope_fields(command_uid=True),
        state="the gateway reports only created (call.new), answered and ended (call.hangup); "
        "failed is sent as call.hangup under LENIENT; ringing and ending have no event",
        direction="call.new is an inbound call; no other event carries a direction",
        source="only call.new carries the caller (caller_id)",
        destination="only call.new carries the called number (did)",
        cause="only call.hangup carries a cause",
        source_channel="the gateway's call events carry no channel",
        destination_channel="the gateway's call events carry no channel",
        peer_call_id="the gateway's call events name no peer",
        metadata="the gateway's call events carry no metadata",
    ),
    PlaybackEvent: partial(
        "playback.started, playback.stopped (finished or stopped: offset_ms, duration_ms), "
        "playback.file_not_found (error); file_path is written as the comma-joined urls",
        **_envelope_fields(command_uid=True),
        state="the gateway has no paused or no-input playback event",
        offset="offset_ms is whole milliseconds (LENIENT rounds), on playback.stopped only",
        duration="duration_ms is whole milliseconds (LENIENT rounds), on playback.stopped only",
    ),
    RecordingEvent: partial(
        "recording.completed (url, duration_ms; field names decided by callglot: not published)",
        **_envelope_fields(command_uid=True),
        state="the gateway reports only a completed recording",
        duration="duration_ms is whole milliseconds (LENIENT rounds)",
        size="recording.completed carries no size",
        format="recording format is server configuration",
        recording_id="recording.completed carries no recording id",
        direction="recording.completed carries no direction",
        stereo="recording.completed carries no channel layout",
        started_at="recording.completed carries no start time",
        ended_at="recording.completed carries no end time",
    ),
    CollectResult: unsupported(
        "play_and_get_digits results are not published; digits arrive one by one as dtmf (DtmfReceived)"
    ),
    DetectEvent: unsupported("the gateway has no detectors"),
    TapEvent: unsupported("the gateway has no media tap"),
    StreamEvent: unsupported("the gateway has no media streaming"),
    TranscriptionEvent: unsupported("the gateway has no transcription"),
    ReferEvent: unsupported("the gateway has no SIP REFER"),
    CommandResult: partial(
        "command.result {command_uid, success, detail} (detail decided by callglot: the field list is not published)",
        **{
            **_envelope_fields(command_uid=True),
            "command_id": "a command.result names its command by command_uid (1..128 of letters, digits, ._-) or "
            "operation_id: one of them is required",
        },
    ),
    DtmfReceived: partial(
        "dtmf, one per digit (field name digit decided by callglot)", **_envelope_fields(command_uid=False)
    ),
    VoicemailReceived: unsupported("the gateway has no voicemail: record in the dialplan"),
    ConnectEvent: unsupported("the gateway's webhooks report no bridging progress"),
    DialStateChanged: unsupported(
        "the gateway reports a call's progress as call.new, call.answered and call.hangup: CallStateChanged"
    ),
    HoldEvent: unsupported("the gateway's webhooks report no hold"),
    DenoiseEvent: unsupported("the gateway has no noise reduction"),
    SendDigitsEvent: unsupported("the gateway reports a command's completion as command.result: CommandResult"),
    FaxEvent: unsupported("the gateway has no fax"),
    ErrorEvent: unsupported(
        "the gateway reports failures per command (command.result with success false) or per playback "
        "(playback.file_not_found)"
    ),
    ConferenceEvent: partial(
        "conference.created (room_id, name, app_id), conference.destroyed (room_id, app_id), "
        "conference.member.joined (session_uuid, room_id, caller_id) and conference.member.left (session_uuid, "
        "room_id, reason), flat as the gateway's conference pages show them; app_id is kept in origin",
        state="the gateway reports only a room created or destroyed and a member joining or leaving",
        conference_id="every conference event names its room (room_id)",
        call_id="a member event belongs to the member's session (session_uuid, required); a room event to none",
        name="only conference.created carries the room's name",
        source="only conference.member.joined carries the member's caller id",
        reason="only conference.member.left carries a reason",
        size="the gateway's conference events carry no participant count",
        recording_url="the gateway's conference events carry no recording",
        recording_duration="the gateway's conference events carry no recording",
        recording_size="the gateway's conference events carry no recording",
        event_id=_NO_EVENT_ID,
        timestamp=_NO_TIMESTAMP,
        control_id=_NO_CONTROL_ID,
        sequence="the gateway's conference events carry no sequence",
        command_id="the gateway's conference events carry no command_uid",
    ),
}

# ---------------------------------------------------------------- webhooks: decode

#: canonical field -> wire key (for errors a canonical constructor raises)
_FIELD_KEYS = {
    "source": "caller_id",
    "destination": "did",
    "command_id": "command_uid",
    "offset": "offset_ms",
    "duration": "duration_ms",
}


def _urls(w: _Playback | _PlaybackStopped, base: str) -> tuple[str, ...] | None:
    if w.file_path is not None:
        if w.urls is None:
            raise InvalidMessage(
                f"{base}.file_path", "file_path (deprecated) comes with urls, as their comma-joined form"
            )
        if w.file_path != ",".join(w.urls):
            raise InvalidMessage(f"{base}.file_path", "must be the urls joined with commas (its deprecated form)")
    return None if w.urls is None else tuple(w.urls)


def _ev_call_new(w: _CallNew, base: str) -> tuple[type, dict[str, Any]]:
    return CallStateChanged, {
        "state": CallState.CREATED,
        "direction": CallDirection.INBOUND,
        "source": w.caller_id,
        "destination": w.did,
    }


def _ev_call_answered(w: _CallAnswered, base: str) -> tuple[type, dict[str, Any]]:
    if w.success is False:
        raise InvalidMessage(f"{base}.success", "call.answered reports an answer: a failed answer is a command.result")
    if w.success is not None and w.command_uid is None:
        raise InvalidMessage(f"{base}.success", "success comes only with command_uid (an answer a command asked for)")
    return CallStateChanged, {"state": CallState.ANSWERED, "command_id": check_command_uid(w.command_uid, base)}


def _ev_call_hangup(w: _CallHangup, base: str) -> tuple[type, dict[str, Any]]:
    cause = hangup_cause(w.cause, f"{base}.cause")
    return CallStateChanged, {
        "state": CallState.ENDED,
        "cause": cause,
        "command_id": check_command_uid(w.command_uid, base),
    }


def _ev_playback(state: OperationState) -> Callable[[Any, str], tuple[type, dict[str, Any]]]:
    def decode(w: _Playback, base: str) -> tuple[type, dict[str, Any]]:
        return PlaybackEvent, {
            "state": state,
            "urls": _urls(w, base),
            "command_id": check_command_uid(w.command_uid, base),
        }

    return decode


def _ev_playback_stopped(w: _PlaybackStopped, base: str) -> tuple[type, dict[str, Any]]:
    return PlaybackEvent, {
        "state": OperationState.FINISHED,
        "urls": _urls(w, base),
        "offset": ms_to_seconds(w.offset_ms, f"{base}.offset_ms"),
        "duration": ms_to_seconds(w.duration_ms, f"{base}.duration_ms"),
        "command_id": check_command_uid(w.command_uid, base),
    }


def _ev_recording(w: _RecordingCompleted, base: str) -> tuple[type, dict[str, Any]]:
    return RecordingEvent, {
        "state": OperationState.FINISHED,
        "url": w.url,
        "duration": ms_to_seconds(w.duration_ms, f"{base}.duration_ms"),
        "command_id": check_command_uid(w.command_uid, base),
    }


def _ev_command_result(w: _CommandResult, base: str) -> tuple[type, dict[str, Any]]:
    if w.command_uid is None and w.operation_id is None:  # nothing could match it to its command
        raise InvalidMessage(f"{base}.command_uid", "required field missing (or operation_id: what names the command)")
    detail = check_detail(w.detail, f"{base}.detail")
    return CommandResult, {
        "success": w.success,
        "detail": detail,
        "command_id": check_command_uid(w.command_uid, base),
        "operation_id": w.operation_id,
    }


#: gateway event name -> (data wire class, decoder(data, base path) -> (event class, fields))
EVENT_DECODERS: Mapping[str, tuple[type, Callable[[Any, str], tuple[type, dict[str, Any]]]]] = {
    "call.new": (_CallNew, _ev_call_new),
    "call.answered": (_CallAnswered, _ev_call_answered),
    "call.hangup": (_CallHangup, _ev_call_hangup),
    "dtmf": (_Dtmf, lambda w, base: (DtmfReceived, {"digit": w.digit})),
    "playback.started": (_Playback, _ev_playback(OperationState.STARTED)),
    "playback.stopped": (_PlaybackStopped, _ev_playback_stopped),
    "playback.file_not_found": (_Playback, _ev_playback(OperationState.ERROR)),
    "recording.completed": (_RecordingCompleted, _ev_recording),
    "command.result": (_CommandResult, _ev_command_result),
}

_HEADER_KEYS = ("event", "session_uuid", "sequence")


def decode_webhook(body: Any) -> AnyEvent:
    require_object(body)
    if "event" not in body:
        raise InvalidMessage("$.event", "required field missing")
    name = body["event"]
    if type(name) is str and name in CONFERENCE_EVENTS:
        return _decode_conference(body, name)
    if type(name) is str and name not in EVENT_DECODERS:
        return _base.unknown_event("gateway", body, name, "$.event", body.get("session_uuid"))
    data_cls, decoder = route_for(EVENT_DECODERS, name, "$.event", "gateway event")
    if "data" in body:  # the envelope (normal form)
        header = structure_closed(body, _EnvelopeWire, "$")
        base = "$.data"
        data = structure_closed(header.data, data_cls, base)
    else:  # the flat form of the per-event pages
        header = structure_closed({k: v for k, v in body.items() if k in _HEADER_KEYS}, _FlatHeader, "$")
        base = "$"
        data = structure_closed({k: v for k, v in body.items() if k not in _HEADER_KEYS}, data_cls, base)
    call_id = _base.check_call_id(header.session_uuid, "$.session_uuid")
    if header.sequence is not None and header.sequence < 1:
        raise InvalidMessage("$.sequence", "must be >= 1 (sequences start at 1 per session)")
    cls, fields = decoder(data, base)
    fields = {key: value for key, value in fields.items() if value is not None}
    try:
        event: Event = cls(call_id=call_id, sequence=header.sequence, **fields)
    except InvalidValue as exc:
        head, _, rest = exc.field.partition("[")
        key = _FIELD_KEYS.get(head, head)
        where = "$.session_uuid" if head == "call_id" else "$.sequence" if head == "sequence" else f"{base}.{key}"
        raise InvalidMessage(where + (f"[{rest}" if rest else ""), exc.reason) from None
    return event


#: The conference pages' events (flat, no data, no sequence): name -> (wire class, state).
CONFERENCE_EVENTS: Mapping[str, tuple[type, ConferenceState]] = {
    "conference.created": (_ConferenceCreated, ConferenceState.STARTED),
    "conference.destroyed": (_ConferenceDestroyed, ConferenceState.ENDED),
    "conference.member.joined": (_MemberJoined, ConferenceState.PARTICIPANT_JOINED),
    "conference.member.left": (_MemberLeft, ConferenceState.PARTICIPANT_LEFT),
}
_CONFERENCE_NAMES: Mapping[ConferenceState, str] = {state: name for name, (_, state) in CONFERENCE_EVENTS.items()}
_CONFERENCE_PATHS = {"call_id": "$.session_uuid", "conference_id": "$.room_id", "source": "$.caller_id"}


def _decode_conference(body: dict[str, Any], name: str) -> ConferenceEvent:
    wire_cls, state = CONFERENCE_EVENTS[name]
    w = structure_closed(body, wire_cls, "$")
    session = getattr(w, "session_uuid", None)
    call_id = None if session is None else _base.check_call_id(session, "$.session_uuid")
    app_id = getattr(w, "app_id", None)
    fields = {
        "call_id": call_id,
        "origin": None if app_id is None else {"app_id": app_id},
        "state": state,
        "conference_id": w.room_id,
        "name": getattr(w, "name", None),
        "source": getattr(w, "caller_id", None),
        "reason": getattr(w, "reason", None),
    }
    try:
        return ConferenceEvent(**fields)
    except InvalidValue as exc:
        head = exc.field.split(".")[0]
        raise InvalidMessage(_CONFERENCE_PATHS.get(head, f"$.{head}"), exc.reason) from None


def _encode_conference(e: ConferenceEvent, ctx: Encoding) -> dict[str, Any]:
    name = _CONFERENCE_NAMES.get(e.state)
    if name is None:
        ctx.lose("state", droppable=False)
    assert name is not None
    lose_set(e, ("event_id", "timestamp", "control_id", "sequence", "command_id", "size", "recording_url",
                      "recording_duration", "recording_size"), ctx)  # fmt: skip
    if e.conference_id is None:
        ctx.lose("conference_id", droppable=False)
    member = e.state in (ConferenceState.PARTICIPANT_JOINED, ConferenceState.PARTICIPANT_LEFT)
    body: dict[str, Any] = {"event": name}
    if member:
        _need_session(e, ctx)
        body["session_uuid"] = e.call_id
    elif e.call_id is not None:
        ctx.lose("call_id")
    origin = e.origin
    app_id = None
    if origin is not None:
        if not member and set(origin) == {"app_id"} and type(origin["app_id"]) is str:
            app_id = origin["app_id"]
        else:
            ctx.drop_origin()
    if app_id is not None:
        body["app_id"] = app_id
    body["room_id"] = e.conference_id
    for field, key, owner in (
        ("name", "name", ConferenceState.STARTED),
        ("source", "caller_id", ConferenceState.PARTICIPANT_JOINED),
        ("reason", "reason", ConferenceState.PARTICIPANT_LEFT),
    ):
        value = getattr(e, field)
        if value is None:
            continue
        if e.state is owner:
            body[key] = value
        else:
            ctx.lose(field)
    return body


# ---------------------------------------------------------------- webhooks: encode


def _need_session(event: Event, ctx: Encoding) -> None:
    """A session's webhook names it by session_uuid: a call id of one path segment, or it cannot be written."""
    if event.call_id is None or _base.CALL_ID.fullmatch(event.call_id) is None:
        ctx.lose("call_id", droppable=False)


def _command_uid(event: Event, ctx: Encoding) -> str | None:
    if event.command_id is None:
        return None
    if COMMAND_UID_RE.fullmatch(event.command_id) is None:
        ctx.lose("command_id")
        return None
    return event.command_id


def _enc_call_state(e: CallStateChanged, ctx: Encoding) -> tuple[str, Any]:
    lose_set(e, ("source_channel", "destination_channel", "peer_call_id", "metadata"), ctx)
    if e.state is CallState.CREATED:
        if e.direction is not CallDirection.INBOUND:
            ctx.lose("direction", droppable=False)
        lose_set(e, ("cause", "command_id"), ctx)
        return "call.new", _CallNew(caller_id=e.source, did=e.destination)
    lose_set(e, ("direction", "source", "destination"), ctx)
    if e.state is CallState.ANSWERED:
        lose_set(e, ("cause",), ctx)
        uid = _command_uid(e, ctx)
        return "call.answered", _CallAnswered(command_uid=uid, success=None if uid is None else True)
    if e.state is CallState.FAILED:
        ctx.lose("state")  # LENIENT: a failed call is an ended one
    elif e.state is not CallState.ENDED:
        ctx.lose("state", droppable=False)
    cause = None if e.cause is None else str(e.cause)
    return "call.hangup", _CallHangup(cause=cause, command_uid=_command_uid(e, ctx))


_PLAYBACK_EVENTS = {
    OperationState.STARTED: "playback.started",
    OperationState.FINISHED: "playback.stopped",
    OperationState.ERROR: "playback.file_not_found",
}


def _enc_playback(e: PlaybackEvent, ctx: Encoding) -> tuple[str, Any]:
    name = _PLAYBACK_EVENTS.get(e.state)
    if name is None:
        ctx.lose("state", droppable=False)
        raise AssertionError("unreachable")  # pragma: no cover
    urls = None if e.urls is None else list(e.urls)
    file_path = None if urls is None else ",".join(urls)
    uid = _command_uid(e, ctx)
    if e.state is not OperationState.FINISHED:
        lose_set(e, ("offset", "duration"), ctx)
        return name, _Playback(command_uid=uid, urls=urls, file_path=file_path)
    offset = None if e.offset is None else seconds_to_ms(e.offset, "offset", ctx)
    duration = None if e.duration is None else seconds_to_ms(e.duration, "duration", ctx)
    return name, _PlaybackStopped(
        command_uid=uid, urls=urls, file_path=file_path, offset_ms=offset, duration_ms=duration
    )


def _enc_recording(e: RecordingEvent, ctx: Encoding) -> tuple[str, Any]:
    if e.state is not OperationState.FINISHED:
        ctx.lose("state", droppable=False)
    lose_set(e, ("size", "format", "recording_id", "direction", "stereo", "started_at", "ended_at"), ctx)
    duration = None if e.duration is None else seconds_to_ms(e.duration, "duration", ctx)
    return "recording.completed", _RecordingCompleted(command_uid=_command_uid(e, ctx), url=e.url, duration_ms=duration)


def _enc_command_result(e: CommandResult, ctx: Encoding) -> tuple[str, Any]:
    detail = _base.ABSENT if e.detail is None else thaw_json(e.detail)
    uid = _command_uid(e, ctx)
    if uid is None and e.operation_id is None:
        ctx.lose("command_id", droppable=False)
    return "command.result", _CommandResult(
        command_uid=uid, operation_id=e.operation_id, success=e.success, detail=detail
    )


def _enc_dtmf(e: DtmfReceived, ctx: Encoding) -> tuple[str, Any]:
    lose_set(e, ("command_id",), ctx)
    return "dtmf", _Dtmf(digit=e.digit)


EVENT_ENCODERS: Mapping[type, Callable[[Any, Encoding], tuple[str, Any]]] = {
    CallStateChanged: _enc_call_state,
    PlaybackEvent: _enc_playback,
    RecordingEvent: _enc_recording,
    CommandResult: _enc_command_result,
    DtmfReceived: _enc_dtmf,
}


def encode_webhook(event: Event, ctx: Encoding) -> dict[str, Any]:
    if isinstance(event, ConferenceEvent):
        return _encode_conference(event, ctx)
    _need_session(event, ctx)
    lose_set(event, ("event_id", "timestamp", "control_id"), ctx)
    if event.origin is not None:  # the gateway keeps no origin (an empty one included: it reads back as none)
        ctx.drop_origin()
    sequence = event.sequence
    if sequence == 0:
        ctx.lose("sequence")
        sequence = None
    name, data = EVENT_ENCODERS[type(event)](event, ctx)
    body: dict[str, Any] = {"event": name, "session_uuid": event.call_id}
    if sequence is not None:
        body["sequence"] = sequence
    body["data"] = converter.unstructure(data)
    return body
