"""The gateway's webhooks: their wire shapes and their event routes (reference §3.4).

``ROUTES`` declares each event once (an :class:`~callglot.adapters._routes.EventRoute` per event class
and webhook name, the envelope as the table's frame); the event capability, decode and encode tables
derive from it.

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

from collections.abc import Mapping
from typing import Any

import attrs

from callglot._frozen import frozen
from callglot.adapters import _base, _structure
from callglot.adapters._base import Encoding, route_for
from callglot.adapters._routes import Codec, EventFrame, EventRoute, EventRouteTable
from callglot.adapters._structure import register_wire, require_object
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
from callglot.capabilities import Capability
from callglot.errors import InvalidMessage

from ._wire import (
    COMMAND_UID_RE,
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
    _structure.limit_arrays(converter, _wire_cls, urls=_structure.max_items(PlaybackEvent, "urls"))

# ---------------------------------------------------------------- webhooks: notes and conversions

_NO_EVENT_ID = "the gateway's webhooks carry no event id (order and dedupe by sequence)"
_NO_TIMESTAMP = "the gateway's webhooks carry no timestamp"
_NO_CONTROL_ID = "the gateway has no operation ids: correlate by command_uid (command_id)"
_SESSION = "gateway webhooks belong to a session: session_uuid (a call id of one path segment) is required"
_SEQUENCE = "gateway sequences start at 1"
_COMMAND_UID_NOTE = (
    "command_uid (1..128 of letters, digits, ._-) rides only on asynchronous completions: "
    "call.answered, call.hangup, playback.*, recording.completed, command.result"
)


def _lose_bad_session(value: str, field: str, ctx: Encoding) -> str | None:
    """A session's webhook names it by session_uuid: a call id of one path segment, or it cannot be written."""
    if _base.CALL_ID.fullmatch(value) is None:
        ctx.lose(field, droppable=False)
    return value


def _decode_uid(value: str, path: str) -> str:
    if COMMAND_UID_RE.fullmatch(value) is None:
        raise InvalidMessage(path, "must be 1..128 characters of letters, digits and ._-")
    return value


def _encode_uid(value: str, field: str, ctx: Encoding) -> str | None:
    if COMMAND_UID_RE.fullmatch(value) is None:
        ctx.lose(field)
        return None
    return value


_SESSION_UUID = Codec(decode=lambda value, path: _base.check_call_id(value, path), encode=_lose_bad_session)
_COMMAND_UID = Codec(decode=_decode_uid, encode=_encode_uid)
_MILLISECONDS = Codec(decode=ms_to_seconds, encode=seconds_to_ms)
_CAUSE = Codec(decode=hangup_cause, encode=lambda value, field, ctx: str(value))

# ---------------------------------------------------------------- webhooks: the envelope


def _enc_envelope(e: Event, ctx: Encoding, carried: Mapping[str, Any]) -> dict[str, Any]:
    if e.origin is not None:  # the gateway keeps no origin (an empty one included: it reads back as none)
        ctx.drop_origin()
    if e.sequence == 0:
        ctx.lose("sequence")
        return {"sequence": None}
    return {"sequence": e.sequence}


ENVELOPE = EventFrame(
    lost={
        "call_id": _SESSION,
        "event_id": _NO_EVENT_ID,
        "timestamp": _NO_TIMESTAMP,
        "control_id": _NO_CONTROL_ID,
        "sequence": _SEQUENCE,
    },
    fields={"call_id": "session_uuid", "sequence": "sequence"},
    convert={"call_id": _SESSION_UUID},
    required=("call_id",),
    decided=("sequence",),
    encode=_enc_envelope,
)

# ---------------------------------------------------------------- webhooks: hooks


def _urls(w: _Playback | _PlaybackStopped, base: str) -> dict[str, Any]:
    if w.file_path is not None:
        if w.urls is None:
            raise InvalidMessage(
                f"{base}.file_path", "file_path (deprecated) comes with urls, as their comma-joined form"
            )
        if w.file_path != ",".join(w.urls):
            raise InvalidMessage(f"{base}.file_path", "must be the urls joined with commas (its deprecated form)")
    return {"urls": None if w.urls is None else tuple(w.urls)}


def _enc_urls(e: PlaybackEvent, ctx: Encoding, carried: Mapping[str, Any]) -> dict[str, Any]:
    urls = None if e.urls is None else list(e.urls)
    return {"urls": urls, "file_path": None if urls is None else ",".join(urls)}


def _dec_answered(w: _CallAnswered, base: str) -> dict[str, Any]:
    if w.success is False:
        raise InvalidMessage(f"{base}.success", "call.answered reports an answer: a failed answer is a command.result")
    if w.success is not None and w.command_uid is None:
        raise InvalidMessage(f"{base}.success", "success comes only with command_uid (an answer a command asked for)")
    return {}


def _dec_command_result(w: _CommandResult, base: str) -> dict[str, Any]:
    if w.command_uid is None and w.operation_id is None:  # nothing could match it to its command
        raise InvalidMessage(f"{base}.command_uid", "required field missing (or operation_id: what names the command)")
    return {"detail": check_detail(w.detail, f"{base}.detail")}


def _enc_command_result(e: CommandResult, ctx: Encoding, carried: Mapping[str, Any]) -> dict[str, Any]:
    if carried["command_uid"] is None and e.operation_id is None:
        ctx.lose("command_id", droppable=False)
    return {"detail": _base.ABSENT if e.detail is None else thaw_json(e.detail)}


def _dec_room(w: _ConferenceCreated | _ConferenceDestroyed, base: str) -> dict[str, Any]:
    return {"origin": None if w.app_id is None else {"app_id": w.app_id}}


def _enc_room(e: ConferenceEvent, ctx: Encoding, carried: Mapping[str, Any]) -> dict[str, Any]:
    """A room event keeps an origin of exactly ``{"app_id": <string>}`` as its app_id; drops any other."""
    origin = e.origin
    if origin is None:
        return {}
    if set(origin) == {"app_id"} and type(origin["app_id"]) is str:
        return {"app_id": origin["app_id"]}
    ctx.drop_origin()
    return {}


def _enc_member(e: ConferenceEvent, ctx: Encoding, carried: Mapping[str, Any]) -> None:
    if e.origin is not None:
        ctx.drop_origin()


# ---------------------------------------------------------------- webhooks: the routes

_CALL_LOST = {
    "command_id": _COMMAND_UID_NOTE,
    "state": "the gateway reports only created (call.new), answered and ended (call.hangup); "
    "failed is sent as call.hangup under LENIENT; ringing and ending have no event",
    "direction": "call.new is an inbound call; no other event carries a direction",
    "source": "only call.new carries the caller (caller_id)",
    "destination": "only call.new carries the called number (did)",
    "cause": "only call.hangup carries a cause",
    "source_channel": "the gateway's call events carry no channel",
    "destination_channel": "the gateway's call events carry no channel",
    "peer_call_id": "the gateway's call events name no peer",
    "metadata": "the gateway's call events carry no metadata",
}
_CALL_EXTRAS = ("source_channel", "destination_channel", "peer_call_id", "metadata")  # dropped first
_PLAYBACK_LOST = {
    "command_id": _COMMAND_UID_NOTE,
    "state": "the gateway has no paused or no-input playback event",
    "offset": "offset_ms is whole milliseconds (LENIENT rounds), on playback.stopped only",
    "duration": "duration_ms is whole milliseconds (LENIENT rounds), on playback.stopped only",
}
_PLAYBACK_NOTE = (
    "playback.started, playback.stopped (finished or stopped: offset_ms, duration_ms), "
    "playback.file_not_found (error); file_path is written as the comma-joined urls"
)
_CONFERENCE_LOST = {
    "state": "the gateway reports only a room created or destroyed and a member joining or leaving",
    "conference_id": "every conference event names its room (room_id)",
    "call_id": "a member event belongs to the member's session (session_uuid, required); a room event to none",
    "name": "only conference.created carries the room's name",
    "source": "only conference.member.joined carries the member's caller id",
    "reason": "only conference.member.left carries a reason",
    "size": "the gateway's conference events carry no participant count",
    "recording_url": "the gateway's conference events carry no recording",
    "recording_duration": "the gateway's conference events carry no recording",
    "recording_size": "the gateway's conference events carry no recording",
    "event_id": _NO_EVENT_ID,
    "timestamp": _NO_TIMESTAMP,
    "control_id": _NO_CONTROL_ID,
    "sequence": "the gateway's conference events carry no sequence",
    "command_id": "the gateway's conference events carry no command_uid",
}
#: what a conference event cannot carry at all, dropped first; then its room and its member
_CONFERENCE_ORDER = (
    "event_id", "timestamp", "control_id", "sequence", "command_id", "size", "recording_url", "recording_duration",
    "recording_size", "conference_id", "call_id",
)  # fmt: skip


def _conference(name: str, wire: type, state: ConferenceState, **route: Any) -> EventRoute:
    """A conference page's event: flat (no envelope, no sequence); its fields other events own are dropped last."""
    owned = {"name": ConferenceState.STARTED, "source": ConferenceState.PARTICIPANT_JOINED,
             "reason": ConferenceState.PARTICIPANT_LEFT}  # fmt: skip
    return EventRoute(
        event=ConferenceEvent,
        name=name,
        wire=wire,
        framed=False,
        values={"state": state},
        lost=_CONFERENCE_LOST,
        order=_CONFERENCE_ORDER,
        after=tuple(field for field, owner in owned.items() if owner is not state),
        **route,
    )


ROUTES = EventRouteTable(
    (
        EventRoute(
            event=CallStateChanged,
            name="call.new",
            wire=_CallNew,
            note="call.new (created, inbound: caller_id, did), call.answered, call.hangup (cause: Q.850 name)",
            values={"state": CallState.CREATED, "direction": CallDirection.INBOUND},
            fields={"source": "caller_id", "destination": "did"},
            lost=_CALL_LOST,
            order=(*_CALL_EXTRAS, "direction", "cause", "command_id"),
        ),
        EventRoute(
            event=CallStateChanged,
            name="call.answered",
            wire=_CallAnswered,
            values={"state": CallState.ANSWERED},
            fields={"command_id": "command_uid"},
            convert={"command_id": _COMMAND_UID},
            lost=_CALL_LOST,
            order=(*_CALL_EXTRAS, "direction", "source", "destination", "cause", "command_id"),
            decode=_dec_answered,
            encode=lambda e, ctx, carried: {"success": None if carried["command_uid"] is None else True},
        ),
        EventRoute(
            event=CallStateChanged,
            name="call.hangup",
            wire=_CallHangup,
            values={"state": CallState.ENDED},
            approximates=(CallState.FAILED,),
            fallback=True,
            fields={"cause": "cause", "command_id": "command_uid"},
            convert={"cause": _CAUSE, "command_id": _COMMAND_UID},
            lost=_CALL_LOST,
            order=(*_CALL_EXTRAS, "direction", "source", "destination", "state", "cause", "command_id"),
        ),
        EventRoute(
            event=DtmfReceived,
            name="dtmf",
            wire=_Dtmf,
            note="dtmf, one per digit (field name digit decided by callglot)",
            fields={"digit": "digit"},
            lost={"command_id": "this gateway event carries no command_uid"},
        ),
        EventRoute(
            event=PlaybackEvent,
            name="playback.started",
            wire=_Playback,
            note=_PLAYBACK_NOTE,
            values={"state": OperationState.STARTED},
            fields={"command_id": "command_uid"},
            convert={"command_id": _COMMAND_UID},
            lost=_PLAYBACK_LOST,
            decode=_urls,
            encode=_enc_urls,
        ),
        EventRoute(
            event=PlaybackEvent,
            name="playback.stopped",
            wire=_PlaybackStopped,
            values={"state": OperationState.FINISHED},
            fields={"offset": "offset_ms", "duration": "duration_ms", "command_id": "command_uid"},
            convert={"offset": _MILLISECONDS, "duration": _MILLISECONDS, "command_id": _COMMAND_UID},
            lost=_PLAYBACK_LOST,
            decode=_urls,
            encode=_enc_urls,
        ),
        EventRoute(
            event=PlaybackEvent,
            name="playback.file_not_found",
            wire=_Playback,
            values={"state": OperationState.ERROR},
            fields={"command_id": "command_uid"},
            convert={"command_id": _COMMAND_UID},
            lost=_PLAYBACK_LOST,
            decode=_urls,
            encode=_enc_urls,
        ),
        EventRoute(
            event=RecordingEvent,
            name="recording.completed",
            wire=_RecordingCompleted,
            note="recording.completed (url, duration_ms; field names decided by callglot: not published)",
            values={"state": OperationState.FINISHED},
            fields={"url": "url", "duration": "duration_ms", "command_id": "command_uid"},
            convert={"duration": _MILLISECONDS, "command_id": _COMMAND_UID},
            lost={
                "command_id": _COMMAND_UID_NOTE,
                "state": "the gateway reports only a completed recording",
                "duration": "duration_ms is whole milliseconds (LENIENT rounds)",
                "size": "recording.completed carries no size",
                "format": "recording format is server configuration",
                "recording_id": "recording.completed carries no recording id",
                "direction": "recording.completed carries no direction",
                "stereo": "recording.completed carries no channel layout",
                "started_at": "recording.completed carries no start time",
                "ended_at": "recording.completed carries no end time",
            },
            order=("size", "format", "recording_id", "direction", "stereo", "started_at", "ended_at", "duration"),
        ),
        EventRoute(
            event=CommandResult,
            name="command.result",
            wire=_CommandResult,
            note="command.result {command_uid, success, detail} (detail decided by callglot: the field list is not "
            "published)",
            fields={"command_id": "command_uid", "operation_id": "operation_id", "success": "success"},
            convert={"command_id": _COMMAND_UID},
            lost={
                "command_id": "a command.result names its command by command_uid (1..128 of letters, digits, ._-) "
                "or operation_id: one of them is required"
            },
            decode=_dec_command_result,
            encode=_enc_command_result,
        ),
        _conference(
            "conference.created",
            _ConferenceCreated,
            ConferenceState.STARTED,
            note="conference.created (room_id, name, app_id), conference.destroyed (room_id, app_id), "
            "conference.member.joined (session_uuid, room_id, caller_id) and conference.member.left (session_uuid, "
            "room_id, reason), flat as the gateway's conference pages show them; app_id is kept in origin",
            fields={"conference_id": "room_id", "name": "name"},
            required=("conference_id",),
            decode=_dec_room,
            encode=_enc_room,
        ),
        _conference(
            "conference.destroyed",
            _ConferenceDestroyed,
            ConferenceState.ENDED,
            fields={"conference_id": "room_id"},
            required=("conference_id",),
            decode=_dec_room,
            encode=_enc_room,
        ),
        _conference(
            "conference.member.joined",
            _MemberJoined,
            ConferenceState.PARTICIPANT_JOINED,
            fields={"call_id": "session_uuid", "conference_id": "room_id", "source": "caller_id"},
            convert={"call_id": _SESSION_UUID},
            required=("conference_id", "call_id"),
            encode=_enc_member,
        ),
        _conference(
            "conference.member.left",
            _MemberLeft,
            ConferenceState.PARTICIPANT_LEFT,
            fields={"call_id": "session_uuid", "conference_id": "room_id", "reason": "reason"},
            convert={"call_id": _SESSION_UUID},
            required=("conference_id", "call_id"),
            encode=_enc_member,
        ),
    ),
    unsupported={
        CollectResult: "play_and_get_digits results are not published; digits arrive one by one as dtmf (DtmfReceived)",
        DetectEvent: "the gateway has no detectors",
        TapEvent: "the gateway has no media tap",
        StreamEvent: "the gateway has no media streaming",
        TranscriptionEvent: "the gateway has no transcription",
        ReferEvent: "the gateway has no SIP REFER",
        VoicemailReceived: "the gateway has no voicemail: record in the dialplan",
        ConnectEvent: "the gateway's webhooks report no bridging progress",
        DialStateChanged: "the gateway reports a call's progress as call.new, call.answered and call.hangup: "
        "CallStateChanged",
        HoldEvent: "the gateway's webhooks report no hold",
        DenoiseEvent: "the gateway has no noise reduction",
        SendDigitsEvent: "the gateway reports a command's completion as command.result: CommandResult",
        FaxEvent: "the gateway has no fax",
        ErrorEvent: "the gateway reports failures per command (command.result with success false) or per playback "
        "(playback.file_not_found)",
    },
    frame=ENVELOPE,
    tag_field="event",
    dialect="gateway",
)
EVENT_CAPABILITIES: Mapping[type, Capability] = ROUTES.capabilities
#: gateway event name -> (data wire class, decoder): the events in the envelope (or its flat form)
EVENT_DECODERS: Mapping[str, tuple[type | None, Any]] = {
    name: decoder for name, decoder in ROUTES.decoders.items() if ROUTES.by_name[name].framed
}
#: The conference pages' events (flat, no data, no sequence): name -> (wire class, state).
CONFERENCE_EVENTS: Mapping[str, tuple[type | None, ConferenceState]] = {
    name: (route.wire, route.values["state"]) for name, route in ROUTES.by_name.items() if not route.framed
}
EVENT_ENCODERS = ROUTES.encoders

# ---------------------------------------------------------------- webhooks: decode and encode

_HEADER_KEYS = ("event", "session_uuid", "sequence")
#: an unframed wire shape's keys in its attribute order (the converter writes required ones first)
_KEY_ORDER = {
    route.wire: tuple(attribute.name for attribute in attrs.fields(route.wire))
    for route in ROUTES.routes
    if not route.framed and route.wire is not None
}


def decode_webhook(body: Any) -> AnyEvent:
    require_object(body)
    if "event" not in body:
        raise InvalidMessage("$.event", "required field missing")
    name = body["event"]
    if type(name) is str and name in CONFERENCE_EVENTS:  # flat, as the conference pages show them
        wire_cls, decode = ROUTES.decoders[name]
        assert wire_cls is not None
        event: Event = decode(structure_closed(body, wire_cls, "$"), "$", {})
        return event
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
    event = decoder(data, base, {"call_id": call_id, "sequence": header.sequence})
    return event


def encode_webhook(event: Event, ctx: Encoding) -> dict[str, Any]:
    name, data, header = EVENT_ENCODERS[type(event)](event, ctx)
    if header is None:  # a conference page's event: the wire shape is the body, keys in its order
        body: dict[str, Any] = converter.unstructure(data)
        return {key: body[key] for key in _KEY_ORDER[type(data)] if key in body}
    return {"event": name, **header, "data": converter.unstructure(data)}
