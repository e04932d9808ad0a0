"""SignalWire status callbacks (webhooks) as canonical events, and back (reference/dialects.md §1.7).

Every status callback is ``{"event_type", "event_channel"?, "timestamp"?, "project_id"?, "space_id"?,
"params"}``: the envelope is required for dispatch (a bare ``params`` object cannot say which operation
it reports on). ``event_channel``, ``project_id``, ``space_id`` and, inside ``params``, ``node_id``,
``segment_id``, ``tag``, the peer's ``node_id`` and a tap's ``tap``/``device`` objects (the media route
of the operation) are SignalWire routing metadata: they go to the event's ``origin`` and come back from
it. Optional wire fields are omitted when absent (never null), which is the normal form.

This module holds the envelope, the origin rules, the event capabilities and the event_type tables;
the events themselves are in :mod:`.call_events` (the call's own) and :mod:`.operation_events` (an
operation's).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from callglot.adapters import _base
from callglot.adapters._base import Encoding, route_for, structure
from callglot.canonical import FrozenJson, thaw_json
from callglot.canonical import events as ev
from callglot.capabilities import Capability, Support, unsupported
from callglot.errors import InvalidMessage

from ._webhook import _EventEnvelope
from ._wire import EVENT_PATH, _wire_str, converter
from .call_events import (
    _ConferenceEvt,
    _ConnectEvt,
    _dec_conference_event,
    _dec_connect_event,
    _dec_denoise_event,
    _dec_dial_event,
    _dec_error_event,
    _dec_hold_event,
    _dec_receive_event,
    _dec_state_event,
    _DenoiseEvt,
    _DialEvt,
    _enc_conference_event,
    _enc_connect_event,
    _enc_denoise_event,
    _enc_dial_event,
    _enc_error_event,
    _enc_hold_event,
    _enc_receive_event,
    _enc_state_event,
    _ErrorEvt,
    _HoldEvt,
    _ReceiveEvt,
    _StateEvt,
)
from .operation_events import (
    _check_tap_objects,
    _CollectEvt,
    _dec_collect_event,
    _dec_detect_event,
    _dec_fax_event,
    _dec_play_event,
    _dec_record_event,
    _dec_refer_event,
    _dec_send_digits_event,
    _dec_stream_event,
    _dec_tap_event,
    _dec_transcribe_event,
    _dec_transcript,
    _DetectEvt,
    _enc_collect_event,
    _enc_detect_event,
    _enc_fax_event,
    _enc_play_event,
    _enc_record_event,
    _enc_refer_event,
    _enc_send_digits_event,
    _enc_stream_event,
    _enc_tap_event,
    _enc_transcription,
    _FaxEvt,
    _PlayEvt,
    _RecordEvt,
    _ReferEvt,
    _SendDigitsEvt,
    _StreamEvt,
    _TapEvt,
    _TranscribeEvt,
    _TranscriptEvt,
    _transcription_type,
)

# ---------------------------------------------------------------- origin

ENVELOPE_ORIGIN = ("event_channel", "project_id", "space_id")
#: origin keys and where they live in params ("peer_node_id" is params.peer.node_id; tap/device are objects).
PARAMS_ORIGIN: Mapping[str, tuple[str, ...]] = {
    "calling.call.state": ("node_id", "peer_node_id"),
    "calling.call.play": ("node_id",),
    "calling.call.record": ("node_id",),
    "calling.call.collect": ("node_id",),
    "calling.call.detect": ("node_id", "segment_id"),
    "calling.call.tap": ("node_id", "segment_id", "tap", "device"),
    "calling.call.stream": ("node_id", "segment_id", "tag"),
    "calling.transcript.completed": ("segment_id",),
    "calling.transcript.failed": ("segment_id",),
    "calling.call.transcribe": ("node_id",),
    "calling.call.refer": ("node_id",),
    "calling.call.receive": ("node_id", "receive"),
    "calling.call.connect": (
        "node_id", "segment_id", "tag", "peer_node_id", "peer_tag", "peer_queue_id", "peer_queue_name",
    ),
    "calling.call.fax": ("node_id",),
    "calling.call.send_digits": ("node_id",),
    "calling.call.dial": ("node_id", "tag", "call", "source"),
    "calling.call.denoise": ("node_id",),
    "calling.call.hold": ("node_id",),
    "calling.error": ("node_id",),
    "calling.conference": (
        "node_id", "segment_id", "region", "tag", "call_id_ending_conf", "muted", "hold", "start_on_join",
        "end_on_leave", "coaching",
    ),
}  # fmt: skip
#: origin keys holding objects (the rest hold strings, or booleans: _ORIGIN_FLAGS). ``receive`` holds what
#: calling.call.receive adds to a call-state event (context, tag, segment_id, project_id): it marks one.
_ORIGIN_OBJECTS = ("tap", "device", "receive", "call")
_ORIGIN_FLAGS = ("muted", "hold", "start_on_join", "end_on_leave", "coaching")
_RECEIVE_KEYS = ("context", "tag", "segment_id", "project_id")
ORIGIN_KEYS = frozenset({*ENVELOPE_ORIGIN, *(key for keys in PARAMS_ORIGIN.values() for key in keys)})

# ---------------------------------------------------------------- capabilities

_ENVELOPE = {
    "sequence": "SignalWire webhooks carry no sequence number",
    "command_id": "SignalWire has no idempotency key: operations are matched by control_id",
    "call_id": "every SignalWire webhook names its call (params.call_id): a receiver routes by it",
}
_CONTROL_ID = {
    "control_id": "an operation's webhooks carry its control_id: it ties them to the command that started it"
}
_NO_EVENT_ID = {"event_id": "SignalWire webhooks have no event id"}


def _event_cap(support: Support, note: str, **fields: str) -> Capability:
    return Capability(support=support, note=note, fields={**fields, **_ENVELOPE})


def _call_free_event_cap(support: Support, note: str, **fields: str) -> Capability:
    """An event that need not name its call (a dial before it is answered, an error, a conference's)."""
    envelope = {key: value for key, value in _ENVELOPE.items() if key != "call_id"}
    return Capability(support=support, note=note, fields={**fields, **envelope})


_CALL_LEVEL = {"control_id": "this event reports on the call, not on an operation: it has no control_id"}


EVENT_CAPABILITIES: Mapping[type, Capability] = {
    ev.CallStateChanged: _event_cap(
        Support.PARTIAL,
        "calling.call.state; a new inbound call is call_state created with direction inbound; the device type "
        "(phone, sip, webrtc) is the channel of both ends; end_reason not_found, max_duration and abandoned read as "
        "UNALLOCATED_NUMBER, ALLOTTED_TIMEOUT and NORMAL_UNSPECIFIED",
        state="SignalWire has no failed call state: sent as ended (the cause says why)",
        cause="only NORMAL_CLEARING, ORIGINATOR_CANCEL, USER_BUSY, NO_ANSWER, CALL_REJECTED, NORMAL_TEMPORARY_FAILURE, "
        "UNALLOCATED_NUMBER, ALLOTTED_TIMEOUT and NORMAL_UNSPECIFIED have an end_reason",
        source_channel="SignalWire devices are phone, sip or webrtc and always state their type: a WhatsApp "
        "or unknown channel cannot be said (sent as phone when dropped)",
        destination_channel="one device type describes both ends: they must share a channel, and it must be "
        "known (sent as phone when dropped)",
        metadata="SignalWire call-state events carry no metadata",
        control_id="calling.call.state reports on the call, not on an operation",
        **_NO_EVENT_ID,
    ),
    ev.PlaybackEvent: _event_cap(
        Support.PARTIAL,
        "calling.call.play: playing, paused, finished, error",
        state="no_input is not a playback state",
        urls="SignalWire's play events do not repeat the media",
        offset="SignalWire's play events carry no offset",
        duration="SignalWire's play events carry no duration",
        **_CONTROL_ID,
        **_NO_EVENT_ID,
    ),
    ev.RecordingEvent: _event_cap(
        Support.PARTIAL,
        "calling.call.record: recording, paused, finished, no_input; record.audio gives format, direction, stereo; "
        "start_time and end_time are started_at and ended_at",
        state="SignalWire's recordings have no error state",
        format="SignalWire records mp3, wav or mp4",
        **_CONTROL_ID,
        **_NO_EVENT_ID,
    ),
    ev.CollectResult: _event_cap(
        Support.PARTIAL,
        "calling.call.collect: result digit, speech, no_input, no_match, error or start_of_input; final and state",
        digits="only a digit result carries digits",
        terminator="only a digit result carries a terminator",
        text="only a speech result carries text",
        confidence="only a speech result carries a confidence",
        **_CONTROL_ID,
        **_NO_EVENT_ID,
    ),
    ev.DetectEvent: _event_cap(
        Support.PARTIAL,
        "calling.call.detect with detect.type machine, fax or digit",
        result="SignalWire's detectors say MACHINE, HUMAN, UNKNOWN, READY, NOT_READY (machine), CED, CNG (fax), "
        "DTMF digits (digit), finished or error",
        beep="only the machine detector reports a beep",
        **_CONTROL_ID,
        **_NO_EVENT_ID,
    ),
    ev.TapEvent: _event_cap(
        Support.PARTIAL,
        "calling.call.tap: tapping, finished; the tap and device objects (the media route) are kept in origin",
        state="a tap is tapping or finished",
        **_CONTROL_ID,
        **_NO_EVENT_ID,
    ),
    ev.StreamEvent: _event_cap(
        Support.PARTIAL,
        "calling.call.stream: streaming, finished; tag is kept in origin",
        state="a stream is streaming or finished",
        **_CONTROL_ID,
        **_NO_EVENT_ID,
    ),
    ev.TranscriptionEvent: _event_cap(
        Support.PARTIAL,
        "calling.call.transcribe (transcribing, finished: the recording) or calling.transcript.completed/failed "
        "(the text, with the transcript's id)",
        state="calling.call.transcribe is transcribing or finished",
        transcript_id="a transcript's id exists only on calling.transcript.completed (finished) and .failed (error), "
        "which need it",
        text="only calling.transcript.completed/failed carries text (with the transcript's id)",
        url="calling.transcript.* carries no recording url",
        recording_id="calling.transcript.* carries no recording id",
        duration="calling.transcript.* carries no duration",
        size="calling.transcript.* carries no size",
        control_id="calling.transcript.* carries no control_id; calling.call.transcribe needs it (it names the "
        "operation)",
        **_NO_EVENT_ID,
    ),
    ev.ReferEvent: _event_cap(
        Support.PARTIAL, "calling.call.refer: state, sip_refer_to and the SIP response codes", **_NO_EVENT_ID
    ),
    ev.ConnectEvent: _event_cap(
        Support.PARTIAL,
        "calling.call.connect: connecting, connected, disconnected, failed (failed_reason); peer.call_id and "
        "peer.device (phone, sip, webrtc) give the other leg; its node_id, tag and queue are kept in origin",
        reason="only a failed connect has a failed_reason",
        peer_channel="the peer's device states its type (phone, sip or webrtc) and needs an end: a WhatsApp or "
        "unknown channel cannot be said (sent as phone)",
        **_CALL_LEVEL,
        **_NO_EVENT_ID,
    ),
    ev.DialStateChanged: _call_free_event_cap(
        Support.PARTIAL,
        "calling.call.dial: dialing, answered (params.call is the leg that answered: its call_id is the event's "
        "call, the rest of it is kept in origin), failed (reason); the dial's tag is kept in origin",
        reason="only a failed dial has a reason",
        **_CALL_LEVEL,
        **_NO_EVENT_ID,
    ),
    ev.HoldEvent: _event_cap(
        Support.PARTIAL,
        "calling.call.hold: state hold or unhold (SignalWire documents no values: hold is in its SDK's tests, "
        "unhold is inferred)",
        **_CALL_LEVEL,
        **_NO_EVENT_ID,
    ),
    ev.DenoiseEvent: _event_cap(
        Support.PARTIAL, "calling.call.denoise: denoised true or false", **_CALL_LEVEL, **_NO_EVENT_ID
    ),
    ev.SendDigitsEvent: _event_cap(
        Support.PARTIAL,
        "calling.call.send_digits: finished",
        state="calling.call.send_digits reports only finished",
        **_CONTROL_ID,
        **_NO_EVENT_ID,
    ),
    ev.FaxEvent: _event_cap(
        Support.PARTIAL,
        "calling.call.fax: fax.type page (direction, number), finished (direction, identity, remote_identity, "
        "document, pages, success, result, result_text, format) or error (description)",
        direction="an error event carries no direction",
        page="only a page event carries its page number",
        pages="only a finished event carries the page count",
        document="only a finished event carries the document",
        success="only a finished event carries success",
        result="only a finished event carries the result",
        result_text="only a finished event carries the result text",
        identity="only a finished event carries the identities",
        remote_identity="only a finished event carries the identities",
        format="only a finished event carries the format",
        description="only an error event carries a description",
        **_CONTROL_ID,
        **_NO_EVENT_ID,
    ),
    ev.ErrorEvent: _call_free_event_cap(
        Support.PARTIAL,
        "calling.error: code and message (SignalWire documents no example; the SDK reads these two)",
        **_CALL_LEVEL,
        **_NO_EVENT_ID,
    ),
    ev.ConferenceEvent: _call_free_event_cap(
        Support.PARTIAL,
        "calling.conference: status conference-start/-end, participant-join/-leave/-mute/-unmute/-hold/-unhold/"
        "-speech-start/-speech-stop/-modify, record-start/-pause/-resume/-stop; reason_ended is the reason; the "
        "participant's flags (muted, hold, start_on_join, end_on_leave, coaching), region and routing ids are "
        "kept in origin",
        source="SignalWire's conference events carry no caller id",
        reason="only conference-end carries a reason (reason_ended)",
        **_CALL_LEVEL,
        **_NO_EVENT_ID,
    ),
    ev.CommandResult: unsupported(
        "SignalWire answers every command synchronously (the call leg in the HTTP response): no deferred result"
    ),
    ev.DtmfReceived: unsupported(
        "SignalWire reports no single key presses: Collect digits (calling.call.collect) or Detect with a digit "
        "detector (calling.call.detect)"
    ),
    ev.VoicemailReceived: unsupported(
        "SignalWire has no voicemail box: Play a greeting and Record; the calling.call.record finished event has "
        "the message"
    ),
}

# ---------------------------------------------------------------- webhook decoding

#: event_type -> (params wire class, decoder).
EVENT_DECODERS: Mapping[str, tuple[type, Callable[[Any, _EventEnvelope], Any]]] = {
    "calling.call.state": (_StateEvt, _dec_state_event),
    "calling.call.play": (_PlayEvt, _dec_play_event),
    "calling.call.record": (_RecordEvt, _dec_record_event),
    "calling.call.collect": (_CollectEvt, _dec_collect_event),
    "calling.call.detect": (_DetectEvt, _dec_detect_event),
    "calling.call.tap": (_TapEvt, _dec_tap_event),
    "calling.call.stream": (_StreamEvt, _dec_stream_event),
    "calling.transcript.completed": (_TranscriptEvt, _dec_transcript(ev.OperationState.FINISHED)),
    "calling.transcript.failed": (_TranscriptEvt, _dec_transcript(ev.OperationState.ERROR)),
    "calling.call.transcribe": (_TranscribeEvt, _dec_transcribe_event),
    "calling.call.refer": (_ReferEvt, _dec_refer_event),
    "calling.call.receive": (_ReceiveEvt, _dec_receive_event),
    "calling.call.connect": (_ConnectEvt, _dec_connect_event),
    "calling.call.fax": (_FaxEvt, _dec_fax_event),
    "calling.call.send_digits": (_SendDigitsEvt, _dec_send_digits_event),
    "calling.call.dial": (_DialEvt, _dec_dial_event),
    "calling.call.denoise": (_DenoiseEvt, _dec_denoise_event),
    "calling.call.hold": (_HoldEvt, _dec_hold_event),
    "calling.error": (_ErrorEvt, _dec_error_event),
    "calling.conference": (_ConferenceEvt, _dec_conference_event),
}
_ENVELOPE_KEYS = frozenset({"event_type", "event_channel", "timestamp", "project_id", "space_id", "params"})


def decode_webhook(body: Any) -> ev.AnyEvent:
    """A status callback body (the envelope with ``params``) as a canonical event."""
    _base.require_object(body)
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
        raise _base.UnexpectedFields("$", extra)
    params_cls, decoder = route_for(EVENT_DECODERS, event_type, "$.event_type", "event type")
    origin: dict[str, Any] = {}
    for key in ENVELOPE_ORIGIN:
        if key in body:
            origin[key] = _wire_str(body[key], f"$.{key}")
    timestamp = None
    if "timestamp" in body:
        value = body["timestamp"]
        if type(value) not in (int, float):
            raise InvalidMessage("$.timestamp", f"expected a number (Unix seconds), got {_base._json_type(value)}")
        timestamp = value
    if "params" not in body:
        raise InvalidMessage(EVENT_PATH, "required field missing")
    params = body["params"]
    w = structure(converter, params, params_cls, EVENT_PATH)
    return decoder(w, _EventEnvelope(origin, timestamp))  # type: ignore[no-any-return]


# ---------------------------------------------------------------- webhook encoding


def _enc_origin(event: Any, event_type: str, ctx: Encoding) -> tuple[dict[str, Any], dict[str, Any]]:
    """(envelope fields, params fields) from a SignalWire origin; another vendor's origin is dropped."""
    origin = event.origin
    if origin is None:
        return {}, {}
    if not origin:  # an empty origin reads back as none
        ctx.drop_origin()
        return {}, {}
    data = thaw_json(origin)
    if not _is_signalwire_origin(data):
        ctx.drop_origin()
        return {}, {}
    envelope = {key: data[key] for key in ENVELOPE_ORIGIN if key in data}
    allowed = PARAMS_ORIGIN[event_type]
    params = {key: data[key] for key in allowed if key in data}
    if set(data) - set(envelope) - set(params):
        ctx.drop_origin()  # routing fields of another SignalWire event type
    return envelope, params


def _is_signalwire_origin(data: dict[str, Any]) -> bool:
    if not data or not set(data) <= ORIGIN_KEYS:
        return False
    for key, value in data.items():
        if key in _ORIGIN_OBJECTS:
            if not isinstance(value, dict):
                return False
        elif key in _ORIGIN_FLAGS:
            if type(value) is not bool:
                return False
        elif type(value) is not str:
            return False
    receive = data.get("receive")
    if receive is not None and not (
        set(receive) <= set(_RECEIVE_KEYS) and all(type(value) is str for value in receive.values())
    ):
        return False
    try:
        _check_tap_objects(data.get("tap"), data.get("device"), "$.origin")
    except InvalidMessage:
        return False
    return True


def _lose_envelope(event: Any, ctx: Encoding) -> None:
    for field in ("sequence", "command_id", "event_id"):
        if getattr(event, field) is not None:
            ctx.lose(field)


#: canonical event class -> (event_type, params encoder); TranscriptionEvent picks its type per event.
EVENT_ENCODERS: Mapping[type, tuple[str, Callable[[Any, Encoding, dict[str, Any]], dict[str, Any]]]] = {
    ev.CallStateChanged: ("calling.call.state", _enc_state_event),
    ev.PlaybackEvent: ("calling.call.play", _enc_play_event),
    ev.RecordingEvent: ("calling.call.record", _enc_record_event),
    ev.CollectResult: ("calling.call.collect", _enc_collect_event),
    ev.DetectEvent: ("calling.call.detect", _enc_detect_event),
    ev.TapEvent: ("calling.call.tap", _enc_tap_event),
    ev.StreamEvent: ("calling.call.stream", _enc_stream_event),
    ev.ReferEvent: ("calling.call.refer", _enc_refer_event),
    ev.ConnectEvent: ("calling.call.connect", _enc_connect_event),
    ev.FaxEvent: ("calling.call.fax", _enc_fax_event),
    ev.SendDigitsEvent: ("calling.call.send_digits", _enc_send_digits_event),
    ev.DialStateChanged: ("calling.call.dial", _enc_dial_event),
    ev.DenoiseEvent: ("calling.call.denoise", _enc_denoise_event),
    ev.HoldEvent: ("calling.call.hold", _enc_hold_event),
    ev.ErrorEvent: ("calling.error", _enc_error_event),
    ev.ConferenceEvent: ("calling.conference", _enc_conference_event),
}


def _is_receive(e: ev.CallStateChanged) -> bool:
    """A call-state event from calling.call.receive (its origin holds what receive adds), sent back as one."""
    origin = e.origin
    return (
        origin is not None
        and isinstance(origin.get("receive"), FrozenJson)
        and e.cause is None
        and e.peer_call_id is None
        and e.state is not ev.CallState.FAILED
        and e.metadata is None
    )


def encode_webhook(event: ev.Event, ctx: Encoding) -> dict[str, Any]:
    """The status callback body for ``event`` (see :func:`decode_webhook`)."""
    if isinstance(event, ev.TranscriptionEvent):
        event_type = _transcription_type(event)
        _lose_envelope(event, ctx)
        envelope, po = _enc_origin(event, event_type, ctx)
        params = _enc_transcription(event, ctx, po, event_type)
    elif isinstance(event, ev.CallStateChanged) and _is_receive(event):
        event_type = "calling.call.receive"
        _lose_envelope(event, ctx)
        envelope, po = _enc_origin(event, event_type, ctx)
        params = _enc_receive_event(event, ctx, po)
    else:
        event_type, encoder = EVENT_ENCODERS[type(event)]
        _lose_envelope(event, ctx)
        envelope, po = _enc_origin(event, event_type, ctx)
        params = encoder(event, ctx, po)
    body: dict[str, Any] = {"event_type": event_type, **envelope}
    if event.timestamp is not None:
        body["timestamp"] = event.timestamp
    body["params"] = params
    return body
