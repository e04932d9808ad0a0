"""SignalWire status callbacks (webhooks) as canonical events, and back (reference/dialects.md §1.7).

Every status callback is ``{"event_type", "event_channel"?, "timestamp"?, "project_id"?, "space_id"?,
"params"}``: the envelope is required for dispatch (a bare ``params`` object cannot say which operation
it reports on). ``event_channel``, ``project_id``, ``space_id`` and, inside ``params``, ``node_id``,
``segment_id``, ``tag``, the peer's ``node_id`` and a tap's ``tap``/``device`` objects (the media route
of the operation) are SignalWire routing metadata: they go to the event's ``origin`` and come back from
it. Optional wire fields are omitted when absent (never null), which is the normal form.

``ROUTES`` declares each event once (an :class:`~callglot.adapters._routes.EventRoute` per event class
and event_type: its params shape, carried fields, state table, losses in the matrix's order, the
routing ids of its params that go to ``origin``, hooks for the rest); the envelope is the table's
frame. The event capability, decode and encode tables derive from it. What stays hand-written here:
the envelope itself (its origin fields, its timestamp, the dispatch on event_type) and the origin
rules, which no field map says. The wire shapes and hooks are in :mod:`.call_events` (the call's own
events) and :mod:`.operation_events` (an operation's).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import attrs

from callglot.adapters import _base, _structure
from callglot.adapters._base import Encoding, route_for
from callglot.adapters._routes import EventFrame, EventRoute, EventRouteTable
from callglot.adapters._structure import structure, wire_key
from callglot.canonical import FrozenJson, thaw_json
from callglot.canonical import events as ev
from callglot.capabilities import Capability
from callglot.errors import InvalidMessage

from . import call_events as ce
from . import operation_events as oe
from ._webhook import _ORIGIN_PLACED
from ._wire import EVENT_PATH, _wire_str, converter

# ---------------------------------------------------------------- origin

ENVELOPE_ORIGIN = ("event_channel", "project_id", "space_id")
#: origin keys holding objects (the rest hold strings, or booleans: _ORIGIN_FLAGS). ``receive`` holds what
#: calling.call.receive adds to a call-state event (context, tag, segment_id, project_id): it marks one.
_ORIGIN_OBJECTS = ("tap", "device", "receive", "call")
_ORIGIN_FLAGS = ("muted", "hold", "start_on_join", "end_on_leave", "coaching")
_RECEIVE_KEYS = ("context", "tag", "segment_id", "project_id")
#: event_type -> the origin keys its params hold, in their order ("peer_node_id" is params.peer.node_id;
#: tap/device are objects): filled by :func:`_route`.
PARAMS_ORIGIN: dict[str, tuple[str, ...]] = {}


class _Origin:
    """The context of an event's encoding: its origin's envelope fields and params fields (the routes place those)."""

    __slots__ = ("envelope", "params")

    def __init__(self) -> None:
        self.envelope: dict[str, Any] = {}
        self.params: dict[str, Any] = {}


def _with_origin(keys: tuple[str, ...], own: Callable[[Any, str], dict[str, Any]] | None) -> Any:
    """A route's decode hook: ``own``'s fields, and the origin (the envelope's, then the params' ``keys``)."""

    def decode(w: Any, base: str, envelope: dict[str, Any]) -> dict[str, Any]:
        made = {} if own is None else own(w, base)
        placed = made.pop("origin", {})  # the keys no params attribute of the same name holds
        origin = dict(envelope)
        for key in keys:
            value = placed[key] if key in placed else getattr(w, key)
            if value is not None:
                origin[key] = value
        made["origin"] = origin or None
        return made

    return decode


def _placing(own: Callable[..., dict[str, Any]] | None) -> Any:
    """A route's encode hook: the origin's params fields (those named alike), then ``own``'s."""

    def encode(e: Any, ctx: Encoding, carried: Any, origin: _Origin) -> dict[str, Any]:
        params = {key: value for key, value in origin.params.items() if key not in _ORIGIN_PLACED}
        if own is not None:
            params.update(own(e, ctx, carried, origin))
        return params

    return encode


def _route(
    event: type,
    name: str,
    wire: type,
    origin: tuple[str, ...],
    *,
    decode: Callable[[Any, str], dict[str, Any]] | None = None,
    encode: Callable[..., dict[str, Any]] | None = None,
    **route: Any,
) -> EventRoute:
    """A SignalWire event route; ``origin``: the routing ids of its params that go to the event's origin."""
    PARAMS_ORIGIN[name] = origin
    return EventRoute(
        event=event, name=name, wire=wire, decode=_with_origin(origin, decode), encode=_placing(encode), **route
    )


# ---------------------------------------------------------------- the envelope

_ENVELOPE = {  # the frame's losses, which every route places before call_id
    "event_id": "SignalWire webhooks have no event id",
    "sequence": "SignalWire webhooks carry no sequence number",
    "command_id": "SignalWire has no idempotency key: operations are matched by control_id",
}
_CALL = {"call_id": "every SignalWire webhook names its call (params.call_id): a receiver routes by it"}
_CONTROL_ID = {
    "control_id": "an operation's webhooks carry its control_id: it ties them to the command that started it"
}
_CALL_LEVEL = {"control_id": "this event reports on the call, not on an operation: it has no control_id"}
_OPERATION = {**_CONTROL_ID, **_ENVELOPE, **_CALL}  # an operation's event: its control_id and its call
_CALL_EVENT = {**_CALL_LEVEL, **_ENVELOPE, **_CALL}  # an event about the call: no control_id


def _same(*names: str, **renamed: str) -> dict[str, str]:
    """Canonical attributes carried as the params' attributes of the same names (or ``renamed``)."""
    return {**{name: name for name in names}, **renamed}


_IDS = _same("control_id", "call_id")
_BOTH = ("control_id", "call_id")


def _enc_origin(e: Any, ctx: Encoding, found: Any, out: _Origin) -> None:
    """The envelope's and params' fields from a SignalWire origin; another vendor's origin is dropped."""
    origin = e.origin
    if origin is None:
        return
    if not origin:  # an empty origin reads back as none
        ctx.drop_origin()
        return
    data = thaw_json(origin)
    if not _is_signalwire_origin(data):
        ctx.drop_origin()
        return
    out.envelope = {key: data[key] for key in ENVELOPE_ORIGIN if key in data}
    out.params = {key: data[key] for key in PARAMS_ORIGIN[_event_type(e)] if key in data}
    if len(data) > len(out.envelope) + len(out.params):
        ctx.drop_origin()  # routing fields of another SignalWire event type


def _is_signalwire_origin(data: dict[str, Any]) -> bool:
    if not data:
        return False
    for key, value in data.items():
        kind = _ORIGIN_TYPES.get(key)
        if kind is None:  # not a SignalWire routing field
            return False
        if kind is dict:
            if not isinstance(value, dict):
                return False
        elif type(value) is not kind:
            return False
    receive = data.get("receive")
    if receive is not None and not (
        set(receive) <= set(_RECEIVE_KEYS) and all(type(value) is str for value in receive.values())
    ):
        return False
    if "tap" in data or "device" in data:
        try:
            oe._check_tap_objects(data.get("tap"), data.get("device"), "$.origin")
        except InvalidMessage:
            return False
    return True


ENVELOPE = EventFrame(
    lost=_ENVELOPE, fields={"timestamp": "timestamp"}, order=("sequence", "command_id", "event_id"), encode=_enc_origin
)

# ---------------------------------------------------------------- the routes

_PLAYBACK = {
    "state": "no_input is not a playback state",
    "urls": "SignalWire's play events do not repeat the media",
    "offset": "SignalWire's play events carry no offset",
    "duration": "SignalWire's play events carry no duration",
    **_OPERATION,
}
_TRANSCRIPTION = {
    "state": "calling.call.transcribe is transcribing or finished",
    "transcript_id": "a transcript's id exists only on calling.transcript.completed (finished) and .failed (error), "
    "which need it",
    "text": "only calling.transcript.completed/failed carries text (with the transcript's id)",
    "url": "calling.transcript.* carries no recording url",
    "recording_id": "calling.transcript.* carries no recording id",
    "duration": "calling.transcript.* carries no duration",
    "size": "calling.transcript.* carries no size",
    "control_id": "calling.transcript.* carries no control_id; calling.call.transcribe needs it (it names the "
    "operation)",
    **_ENVELOPE,
    **_CALL,
}
_TRANSCRIPT_WALK = ("transcript_id", "url", "recording_id", "duration", "size", "control_id", "call_id")
_CALL_STATE = {
    "state": "SignalWire has no failed call state: sent as ended (the cause says why)",
    "cause": "only NORMAL_CLEARING, ORIGINATOR_CANCEL, USER_BUSY, NO_ANSWER, CALL_REJECTED, NORMAL_TEMPORARY_FAILURE, "
    "UNALLOCATED_NUMBER, ALLOTTED_TIMEOUT and NORMAL_UNSPECIFIED have an end_reason",
    "source_channel": "SignalWire devices are phone, sip or webrtc and always state their type: a WhatsApp "
    "or unknown channel cannot be said (sent as phone when dropped)",
    "destination_channel": "one device type describes both ends: they must share a channel, and it must be "
    "known (sent as phone when dropped)",
    "metadata": "SignalWire call-state events carry no metadata",
    "control_id": "calling.call.state reports on the call, not on an operation",
    **_ENVELOPE,
    **_CALL,
}
_CALL_STATE_WALK = {
    "fields": _same("call_id"),
    "lost": _CALL_STATE,
    "decided": ("state", "source_channel", "destination_channel", "cause"),
    "required": ("call_id",),
    "order": _BOTH,
    "after": ("metadata",),
    "paths": ce.STATE_PATHS,
}
_FAX = (
    "direction", "page", "pages", "document", "success", "result", "result_text", "identity", "remote_identity",
    "format", "description",
)  # fmt: skip
_FAX_NOTES = (
    "an error event carries no direction", "only a page event carries its page number",
    "only a finished event carries the page count", "only a finished event carries the document",
    "only a finished event carries success", "only a finished event carries the result",
    "only a finished event carries the result text", "only a finished event carries the identities",
    "only a finished event carries the identities", "only a finished event carries the format",
    "only an error event carries a description",
)  # fmt: skip

_REFER_FIELDS = _same(*_IDS, "state", refer_to="sip_refer_to", refer_response_code="sip_refer_response_code",
                      notify_response_code="sip_notify_response_code")  # fmt: skip
_CONFERENCE_FIELDS = _same("call_id", "conference_id", "name", "size", "recording_url", "recording_duration",
                           recording_size="recording_file_size")  # fmt: skip
_CONFERENCE_ORIGIN = ("node_id", "segment_id", "region", "tag", "call_id_ending_conf", "muted", "hold", "start_on_join",
                      "end_on_leave", "coaching")  # fmt: skip


def _state_or_receive(e: ev.CallStateChanged) -> str:
    """A call-state event from calling.call.receive (its origin holds what receive adds) is sent back as one."""
    origin = e.origin
    receive = (
        origin is not None
        and isinstance(origin.get("receive"), FrozenJson)
        and e.cause is None
        and e.peer_call_id is None
        and e.state is not ev.CallState.FAILED
        and e.metadata is None
    )
    return "calling.call.receive" if receive else "calling.call.state"


def _transcription_type(e: ev.TranscriptionEvent) -> str:
    """A failed transcription, or a finished one with its transcript id, is a calling.transcript.* event."""
    if e.state is ev.OperationState.ERROR:
        return "calling.transcript.failed"
    if e.state is ev.OperationState.FINISHED and e.transcript_id is not None:
        return "calling.transcript.completed"
    return "calling.call.transcribe"


_PICK: Mapping[type, Callable[[Any], str]] = {
    ev.CallStateChanged: _state_or_receive,
    ev.TranscriptionEvent: _transcription_type,
}

ROUTES = EventRouteTable(
    (
        _route(
            ev.CallStateChanged,
            "calling.call.state",
            ce._StateEvt,
            ("node_id", "peer_node_id"),
            note="calling.call.state; a new inbound call is call_state created with direction inbound; the device "
            "type (phone, sip, webrtc) is the channel of both ends; end_reason not_found, max_duration and abandoned "
            "read as UNALLOCATED_NUMBER, ALLOTTED_TIMEOUT and NORMAL_UNSPECIFIED",
            decode=ce._dec_state,
            encode=ce._enc_state,
            **_CALL_STATE_WALK,
        ),
        _route(
            ev.CallStateChanged,
            "calling.call.receive",
            ce._ReceiveEvt,
            ("node_id", "receive"),
            decode=ce._dec_receive,
            encode=ce._enc_receive,
            **_CALL_STATE_WALK,
        ),
        _route(
            ev.PlaybackEvent,
            "calling.call.play",
            oe._PlayEvt,
            ("node_id",),
            note="calling.call.play: playing, paused, finished, error",
            fields=_same(*_IDS, "state"),
            convert={"state": oe.PLAY},
            lost=_PLAYBACK,
            required=_BOTH,
            order=_BOTH,
        ),
        _route(
            ev.RecordingEvent,
            "calling.call.record",
            oe._RecordEvt,
            ("node_id",),
            note="calling.call.record: recording, paused, finished, no_input; record.audio gives format, direction, "
            "stereo; start_time and end_time are started_at and ended_at",
            fields=_same(
                *_IDS, "url", "duration", "size", "recording_id", started_at="start_time", ended_at="end_time"
            ),
            lost={
                "state": "SignalWire's recordings have no error state",
                "format": "SignalWire records mp3, wav or mp4",
                **_OPERATION,
            },
            decided=("state", "format"),
            required=_BOTH,
            decode=oe._dec_record,
            encode=oe._enc_record,
        ),
        _route(
            ev.CollectResult,
            "calling.call.collect",
            oe._CollectEvt,
            ("node_id",),
            note="calling.call.collect: result digit, speech, no_input, no_match, error or start_of_input; final and "
            "state",
            fields=_same(*_IDS, "final", "state"),
            lost={
                "digits": "only a digit result carries digits",
                "terminator": "only a digit result carries a terminator",
                "text": "only a speech result carries text",
                "confidence": "only a speech result carries a confidence",
                **_OPERATION,
            },
            decided=("digits", "terminator", "text", "confidence"),
            required=_BOTH,
            decode=oe._dec_collect,
            encode=oe._enc_collect,
            paths={name: f"result.params.{name}" for name in ("digits", "terminator", "text", "confidence")},
        ),
        _route(
            ev.DetectEvent,
            "calling.call.detect",
            oe._DetectEvt,
            ("node_id", "segment_id"),
            note="calling.call.detect with detect.type machine, fax or digit",
            fields=_IDS,
            lost={
                "result": "SignalWire's detectors say MACHINE, HUMAN, UNKNOWN, READY, NOT_READY (machine), CED, CNG "
                "(fax), DTMF digits (digit), finished or error",
                "beep": "only the machine detector reports a beep",
                **_OPERATION,
            },
            decided=("result", "beep"),
            required=_BOTH,
            decode=oe._dec_detect,
            encode=oe._enc_detect,
            paths={"result": "detect.params.event", "beep": "detect.params.beep"},
        ),
        _route(
            ev.TapEvent,
            "calling.call.tap",
            oe._TapEvt,
            ("node_id", "segment_id", "tap", "device"),
            note="calling.call.tap: tapping, finished; the tap and device objects (the media route) are kept in origin",
            fields=_IDS,
            lost={"state": "a tap is tapping or finished", **_OPERATION},
            decided=("state",),
            required=_BOTH,
            decode=oe._dec_tap,
            encode=lambda e, ctx, carried, origin: {"state": oe.TAP.encode(e.state, "state", ctx)},
        ),
        _route(
            ev.StreamEvent,
            "calling.call.stream",
            oe._StreamEvt,
            ("node_id", "segment_id", "tag"),
            note="calling.call.stream: streaming, finished; tag is kept in origin",
            fields=_same(*_IDS, "state", "url", "name"),
            convert={"state": oe.STREAM},
            lost={"state": "a stream is streaming or finished", **_OPERATION},
            required=_BOTH,
            order=_BOTH,
        ),
        _route(
            ev.TranscriptionEvent,
            "calling.call.transcribe",
            oe._TranscribeEvt,
            ("node_id",),
            note="calling.call.transcribe (transcribing, finished: the recording) or calling.transcript.completed/"
            "failed (the text, with the transcript's id)",
            fields=_same(*_IDS, "state", "url", "recording_id", "duration", "size"),
            convert={"state": oe.TRANSCRIBE},
            lost=_TRANSCRIPTION,
            required=_BOTH,
            order=("transcript_id", "text", "control_id", "call_id", "state"),
        ),
        *(
            _route(
                ev.TranscriptionEvent,
                name,
                oe._TranscriptEvt,
                ("segment_id",),
                values={"state": state},
                fields=_same("call_id", transcript_id="id"),
                lost=_TRANSCRIPTION,
                decided=("text",),
                required=("transcript_id", "call_id"),
                order=_TRANSCRIPT_WALK,
                decode=oe._dec_transcript,
                encode=lambda e, ctx, carried, origin: {"text": _base.ABSENT if e.text is None else e.text},
            )
            for name, state in (
                ("calling.transcript.completed", ev.OperationState.FINISHED),
                ("calling.transcript.failed", ev.OperationState.ERROR),
            )
        ),
        _route(
            ev.ReferEvent,
            "calling.call.refer",
            oe._ReferEvt,
            ("node_id",),
            note="calling.call.refer: state, sip_refer_to and the SIP response codes",
            fields=_REFER_FIELDS,
            lost={**_ENVELOPE, **_CALL},
            required=("call_id",),
        ),
        _route(
            ev.ConnectEvent,
            "calling.call.connect",
            ce._ConnectEvt,
            ("node_id", "segment_id", "tag", "peer_node_id", "peer_tag", "peer_queue_id", "peer_queue_name"),
            note="calling.call.connect: connecting, connected, disconnected, failed (failed_reason); peer.call_id and "
            "peer.device (phone, sip, webrtc) give the other leg; its node_id, tag and queue are kept in origin",
            fields=_same("call_id"),
            lost={
                "reason": "only a failed connect has a failed_reason",
                "peer_channel": "the peer's device states its type (phone, sip or webrtc) and needs an end: a WhatsApp "
                "or unknown channel cannot be said (sent as phone)",
                **_CALL_EVENT,
            },
            decided=("reason", "peer_channel"),
            required=("call_id",),
            order=_BOTH,
            decode=ce._dec_connect,
            encode=ce._enc_connect,
            paths=ce.CONNECT_PATHS,
        ),
        _route(
            ev.FaxEvent,
            "calling.call.fax",
            oe._FaxEvt,
            ("node_id",),
            note="calling.call.fax: fax.type page (direction, number), finished (direction, identity, "
            "remote_identity, document, pages, success, result, result_text, format) or error (description)",
            fields=_IDS,
            lost={**dict(zip(_FAX, _FAX_NOTES, strict=True)), **_OPERATION},
            decided=_FAX,
            required=_BOTH,
            decode=oe._dec_fax,
            encode=oe._enc_fax,
            paths=oe.FAX_PATHS,
        ),
        _route(
            ev.SendDigitsEvent,
            "calling.call.send_digits",
            oe._SendDigitsEvt,
            ("node_id",),
            note="calling.call.send_digits: finished",
            fields=_same(*_IDS, "state"),
            convert={"state": oe.SEND_DIGITS},
            lost={"state": "calling.call.send_digits reports only finished", **_OPERATION},
            required=_BOTH,
            order=_BOTH,
        ),
        _route(
            ev.DialStateChanged,
            "calling.call.dial",
            ce._DialEvt,
            ("node_id", "tag", "call", "source"),
            note="calling.call.dial: dialing, answered (params.call is the leg that answered: its call_id is the "
            "event's call, the rest of it is kept in origin), failed (reason); the dial's tag is kept in origin",
            lost={"reason": "only a failed dial has a reason", **_CALL_LEVEL, **_ENVELOPE},
            decided=("reason",),
            order=("control_id",),
            decode=ce._dec_dial,
            encode=ce._enc_dial,
            paths={"call_id": "call.call_id"},
        ),
        _route(
            ev.DenoiseEvent,
            "calling.call.denoise",
            ce._DenoiseEvt,
            ("node_id",),
            note="calling.call.denoise: denoised true or false",
            fields=_same("call_id", "denoised"),
            lost=_CALL_EVENT,
            required=("call_id",),
        ),
        _route(
            ev.HoldEvent,
            "calling.call.hold",
            ce._HoldEvt,
            ("node_id",),
            note="calling.call.hold: state hold or unhold (SignalWire documents no values: hold is in its SDK's "
            "tests, unhold is inferred)",
            fields=_same("call_id", "state"),
            convert={"state": ce.HOLD},
            lost=_CALL_EVENT,
            required=("call_id",),
        ),
        _route(
            ev.ErrorEvent,
            "calling.error",
            ce._ErrorEvt,
            ("node_id",),
            note="calling.error: code and message (SignalWire documents no example; the SDK reads these two)",
            fields=_same("call_id", "code", "message"),
            lost={**_CALL_LEVEL, **_ENVELOPE},
        ),
        _route(
            ev.ConferenceEvent,
            "calling.conference",
            ce._ConferenceEvt,
            _CONFERENCE_ORIGIN,
            note="calling.conference: status conference-start/-end, participant-join/-leave/-mute/-unmute/-hold/"
            "-unhold/-speech-start/-speech-stop/-modify, record-start/-pause/-resume/-stop; reason_ended is the "
            "reason; the participant's flags (muted, hold, start_on_join, end_on_leave, coaching), region and "
            "routing ids are kept in origin",
            fields=_CONFERENCE_FIELDS,
            lost={
                "source": "SignalWire's conference events carry no caller id",
                "reason": "only conference-end carries a reason (reason_ended)",
                **_CALL_LEVEL,
                **_ENVELOPE,
            },
            decided=("reason",),
            order=("control_id", "source"),
            decode=ce._dec_conference,
            encode=ce._enc_conference,
            paths={"reason": "reason_ended"},
        ),
    ),
    unsupported={
        ev.CommandResult: "SignalWire answers every command synchronously (the call leg in the HTTP response): no "
        "deferred result",
        ev.DtmfReceived: "SignalWire reports no single key presses: Collect digits (calling.call.collect) or Detect "
        "with a digit detector (calling.call.detect)",
        ev.VoicemailReceived: "SignalWire has no voicemail box: Play a greeting and Record; the calling.call.record "
        "finished event has the message",
    },
    frame=ENVELOPE,
    pick=_PICK,
    dialect="signalwire",
    build_wire=False,  # encode_webhook reads the params' attributes in _KEY_ORDER
)
EVENT_CAPABILITIES: Mapping[type, Capability] = ROUTES.capabilities
#: event_type -> (params wire class, decoder).
EVENT_DECODERS: Mapping[str, tuple[type | None, Any]] = ROUTES.decoders
ORIGIN_KEYS = frozenset({*ENVELOPE_ORIGIN, *(key for keys in PARAMS_ORIGIN.values() for key in keys)})
#: origin key -> the type of its value (one lookup per key: the origin check runs on every event that has one).
_ORIGIN_TYPES: Mapping[str, type] = {
    key: dict if key in _ORIGIN_OBJECTS else bool if key in _ORIGIN_FLAGS else str for key in ORIGIN_KEYS
}
#: Events of an operation (started by a command with a control_id): they need that control_id.
OPERATION_EVENTS = frozenset(route.event for route in ROUTES.routes if "control_id" in route.required)
_NAMES = {route.event: route.name for route in ROUTES.routes}  # the route of a class of one route


def _event_type(e: Any) -> str:
    pick = _PICK.get(type(e))
    return pick(e) if pick is not None else _NAMES[type(e)]


def _key_order(route: EventRoute) -> tuple[tuple[str, str], ...]:
    """The params' (key, wire attribute) pairs: the wire shape's order, the routing ids right after the ids
    before them (as SignalWire's own events place them); what calling.call.receive adds to a call state
    follows it in the order its origin holds it."""
    assert route.wire is not None
    names = [a.name for a in attrs.fields(route.wire)]
    if route.name == "calling.call.receive":
        names = [name for name in names if name not in _RECEIVE_KEYS]
    routing = [key for key in PARAMS_ORIGIN[route.name] if key in names and key not in _ORIGIN_PLACED]
    first = min(names.index(key) for key in routing)
    rest = [name for name in names if name not in routing]
    return tuple((wire_key(route.wire, name) or name, name) for name in (*rest[:first], *routing, *rest[first:]))


_KEY_ORDER = {name: _key_order(route) for name, route in ROUTES.by_name.items()}

# ---------------------------------------------------------------- webhook decoding and encoding

_ENVELOPE_KEYS = frozenset({"event_type", "event_channel", "timestamp", "project_id", "space_id", "params"})


def decode_webhook(body: Any) -> ev.AnyEvent:
    """A status callback body (the envelope with ``params``) as a canonical event."""
    _structure.require_object(body)
    if "event_type" not in body:
        raise InvalidMessage(
            "$.event_type", "required field missing (a bare params object cannot say which operation it reports on)"
        )
    event_type = body["event_type"]
    if type(event_type) is str and event_type not in EVENT_DECODERS:
        params = body.get("params")
        call_id = params.get("call_id") if isinstance(params, dict) else None
        return _base.unknown_event("signalwire", body, event_type, "$.event_type", call_id)
    extra = set(body) - _ENVELOPE_KEYS
    if extra:
        raise _structure.UnexpectedFields("$", extra)
    params_cls, decoder = route_for(EVENT_DECODERS, event_type, "$.event_type", "event type")
    origin: dict[str, Any] = {}
    for key in ENVELOPE_ORIGIN:
        if key in body:
            origin[key] = _wire_str(body[key], f"$.{key}")
    timestamp = None
    if "timestamp" in body:
        value = body["timestamp"]
        if type(value) not in (int, float):
            raise InvalidMessage("$.timestamp", f"expected a number (Unix seconds), got {_structure._json_type(value)}")
        timestamp = value
    if "params" not in body:
        raise InvalidMessage(EVENT_PATH, "required field missing")
    w = structure(converter, body["params"], params_cls, EVENT_PATH)
    event: ev.AnyEvent = decoder(w, EVENT_PATH, {"timestamp": timestamp}, origin)
    return event


def encode_webhook(event: ev.Event, ctx: Encoding) -> dict[str, Any]:
    """The status callback body for ``event`` (see :func:`decode_webhook`)."""
    origin = _Origin()
    name, attributes, header = ROUTES.encoders[type(event)](event, ctx, origin)
    absent = _base.ABSENT  # the wire shape's attributes; the hooks give its nested parts as JSON already
    params = {
        key: value
        for key, attribute in _KEY_ORDER[name]
        if (value := attributes.get(attribute)) is not None and value is not absent
    }
    params.update(origin.params.get("receive", ()))  # what calling.call.receive adds, in its origin's order
    return {"event_type": name, **origin.envelope, **(header or {}), "params": params}
