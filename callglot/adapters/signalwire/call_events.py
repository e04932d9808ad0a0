"""SignalWire webhooks that report on the call itself (reference/dialects.md §1.7).

calling.call.state (and calling.call.receive, a new inbound call's state), connect, dial, denoise,
hold, calling.error and calling.conference: their wire shapes, value maps, decoders and encoders.
They carry no ``control_id``; a dial before it is answered, an error and a conference's events need
not name their call.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import attrs

from callglot._frozen import frozen
from callglot.adapters._base import Encoding, register_wire, structure
from callglot.canonical import Channel, HangupCause, freeze_json
from callglot.canonical import events as ev
from callglot.errors import InvalidMessage, InvalidValue

from ._webhook import _ENVELOPE_PATHS, _ORIGIN_PLACED, _common_params, _EventEnvelope, _state_of, _wire_state
from ._wire import END_REASONS, EVENT_PATH, _drop_none, _make, _reverse, _wire_str, converter

# ---------------------------------------------------------------- wire shapes


@frozen(kw_only=True)
class _PhoneEnds:
    from_number: str | None = None
    to_number: str | None = None


@frozen(kw_only=True)
class _AddressEnds:
    from_: str | None = None
    to: str | None = None


@frozen(kw_only=True)
class _CallDevice:
    type: str
    params: dict[str, Any] | None = None


@frozen(kw_only=True)
class _Peer:
    call_id: str | None = None
    node_id: str | None = None


@frozen(kw_only=True)
class _StateEvt:
    call_id: str  # routing: the call the event is about
    node_id: str | None = None
    call_state: str
    direction: str | None = None
    device: _CallDevice | None = None
    end_reason: str | None = None
    peer: _Peer | None = None


@frozen(kw_only=True)
class _ReceiveEvt:
    call_id: str  # routing: the call the event is about
    node_id: str | None = None
    call_state: str
    direction: str | None = None
    device: _CallDevice | None = None
    context: str | None = None
    tag: str | None = None
    segment_id: str | None = None
    project_id: str | None = None


@frozen(kw_only=True)
class _ConnectPeer:
    call_id: str | None = None
    node_id: str | None = None
    tag: str | None = None
    device: _CallDevice | None = None
    queue_id: str | None = None
    queue_name: str | None = None


@frozen(kw_only=True)
class _ConnectEvt:
    call_id: str  # routing: the call the event is about
    node_id: str | None = None
    segment_id: str | None = None
    tag: str | None = None
    connect_state: str
    failed_reason: str | None = None
    peer: _ConnectPeer | None = None


@frozen(kw_only=True)
class _DialEvt:
    node_id: str | None = None
    tag: str | None = None
    dial_state: str
    call: dict[str, Any] | None = None  # the leg that answered: its call_id is the event's call
    reason: str | None = None
    source: str | None = None


@frozen(kw_only=True)
class _DenoiseEvt:
    call_id: str  # routing: the call the event is about
    node_id: str | None = None
    denoised: bool


@frozen(kw_only=True)
class _HoldEvt:
    call_id: str  # routing: the call the event is about
    node_id: str | None = None
    state: str


@frozen(kw_only=True)
class _ErrorEvt:
    call_id: str | None = None  # a call-level error names its call; the SDK's own tests also send none
    node_id: str | None = None
    code: str | None = None
    message: str | None = None


@frozen(kw_only=True)
class _ConferenceEvt:
    call_id: str | None = None  # the participant's call
    node_id: str | None = None
    segment_id: str | None = None
    region: str | None = None
    tag: str | None = None
    conference_id: str | None = None
    name: str | None = None
    status: str
    size: int | None = None
    muted: bool | None = None
    hold: bool | None = None
    start_on_join: bool | None = None
    end_on_leave: bool | None = None
    coaching: bool | None = None
    reason_ended: str | None = None
    call_id_ending_conf: str | None = None
    recording_url: str | None = None
    recording_duration: float | None = None
    recording_file_size: int | None = None


for _wcls in (
    _PhoneEnds, _AddressEnds, _CallDevice, _Peer, _StateEvt, _ReceiveEvt, _ConnectPeer, _ConnectEvt, _DialEvt,
    _DenoiseEvt, _HoldEvt, _ErrorEvt, _ConferenceEvt,
):  # fmt: skip
    register_wire(converter, _wcls)

# ---------------------------------------------------------------- value maps

#: calling.call.state end_reason <-> cause: calling.end's reasons plus the three only events say.
#: not_found is the number that does not exist (SIP 404 -> UNALLOCATED_NUMBER), max_duration the call's
#: allotted time running out (FreeSWITCH ALLOTTED_TIMEOUT), abandoned has no Q.850 meaning of its own:
#: NORMAL_UNSPECIFIED (cause 31), the generic bucket, keeps it distinct and round-trips.
EVENT_END_REASONS: Mapping[str, HangupCause] = {
    **END_REASONS,
    "not_found": HangupCause.UNALLOCATED_NUMBER,
    "max_duration": HangupCause.ALLOTTED_TIMEOUT,
    "abandoned": HangupCause.NORMAL_UNSPECIFIED,
}
EVENT_REASON_FOR_CAUSE: Mapping[HangupCause, str] = _reverse(EVENT_END_REASONS)
CALL_STATES: Mapping[str, ev.CallState] = {
    state.value: state for state in ev.CallState if state is not ev.CallState.FAILED
}
DEVICE_CHANNELS: Mapping[str, Channel] = {"phone": Channel.PSTN, "sip": Channel.SIP, "webrtc": Channel.WEBRTC}
CHANNEL_DEVICES: Mapping[Channel, str] = _reverse(DEVICE_CHANNELS)
CONNECT_STATES: Mapping[str, ev.ConnectState] = {state.value: state for state in ev.ConnectState}
DIAL_STATES: Mapping[str, ev.DialState] = {state.value: state for state in ev.DialState}
#: calling.call.hold's state: "hold" is in the SDK's own tests; "unhold" is inferred (SignalWire names no values).
HOLD_STATES: Mapping[str, ev.HoldState] = {"hold": ev.HoldState.HELD, "unhold": ev.HoldState.UNHELD}
#: calling.conference's status <-> ConferenceState (the 15 statuses of join_conference's status_callback).
CONFERENCE_STATES: Mapping[str, ev.ConferenceState] = {
    "conference-start": ev.ConferenceState.STARTED, "conference-end": ev.ConferenceState.ENDED,
    "participant-join": ev.ConferenceState.PARTICIPANT_JOINED,
    "participant-leave": ev.ConferenceState.PARTICIPANT_LEFT,
    "participant-mute": ev.ConferenceState.PARTICIPANT_MUTED,
    "participant-unmute": ev.ConferenceState.PARTICIPANT_UNMUTED,
    "participant-hold": ev.ConferenceState.PARTICIPANT_HELD,
    "participant-unhold": ev.ConferenceState.PARTICIPANT_UNHELD,
    "participant-speech-start": ev.ConferenceState.PARTICIPANT_SPEECH_STARTED,
    "participant-speech-stop": ev.ConferenceState.PARTICIPANT_SPEECH_STOPPED,
    "participant-modify": ev.ConferenceState.PARTICIPANT_MODIFIED,
    "record-start": ev.ConferenceState.RECORDING_STARTED, "record-pause": ev.ConferenceState.RECORDING_PAUSED,
    "record-resume": ev.ConferenceState.RECORDING_RESUMED, "record-stop": ev.ConferenceState.RECORDING_STOPPED,
}  # fmt: skip

# ---------------------------------------------------------------- decode


def _dec_state_event(w: _StateEvt, env: _EventEnvelope) -> ev.CallStateChanged:
    p = EVENT_PATH
    state = _state_of(CALL_STATES, w.call_state, f"{p}.call_state")
    direction = None
    if w.direction is not None:
        direction = _state_of({d.value: d for d in ev.CallDirection}, w.direction, f"{p}.direction")
    source, destination, channel, device_paths = _device_ends(w.device, f"{p}.device")
    cause = None
    if w.end_reason is not None:
        cause = _state_of(EVENT_END_REASONS, w.end_reason, f"{p}.end_reason")
    peer_call = peer_node = None
    if w.peer is not None:
        peer_call, peer_node = w.peer.call_id, w.peer.node_id
        if peer_call is None and peer_node is None:  # {} would not re-encode: not a normal form
            raise InvalidMessage(f"{p}.peer", "a peer names its call_id or node_id")
    paths = {**_ENVELOPE_PATHS, **device_paths, "peer_call_id": f"{p}.peer.call_id"}
    return _make(
        ev.CallStateChanged,
        paths,
        **env.common(w, node_id=w.node_id, peer_node_id=peer_node),
        state=state,
        direction=direction,
        source=source,
        destination=destination,
        source_channel=channel if source is not None else None,
        destination_channel=channel if destination is not None else None,
        cause=cause,
        peer_call_id=peer_call,
    )


def _device_ends(
    device: _CallDevice | None, path: str
) -> tuple[str | None, str | None, Channel | None, dict[str, str]]:
    """(from, to, channel, wire paths) of a device: phone numbers or sip/webrtc addresses."""
    if device is None:
        return None, None, None, {}
    channel = _state_of(DEVICE_CHANNELS, device.type, f"{path}.type")
    params = {} if device.params is None else device.params
    if channel is Channel.PSTN:
        phone = structure(converter, params, _PhoneEnds, f"{path}.params")
        ends = phone.from_number, phone.to_number
        paths = {"source": f"{path}.params.from_number", "destination": f"{path}.params.to_number"}
    else:
        address = structure(converter, params, _AddressEnds, f"{path}.params")
        ends = address.from_, address.to
        paths = {"source": f"{path}.params.from", "destination": f"{path}.params.to"}
    if ends == (None, None):  # the device type alone has no place in the event
        raise InvalidMessage(f"{path}.params", "a device names its from and/or to (its type alone is not kept)")
    return ends[0], ends[1], channel, paths


def _dec_receive_event(w: _ReceiveEvt, env: _EventEnvelope) -> ev.CallStateChanged:
    state = _StateEvt(
        call_id=w.call_id, node_id=w.node_id, call_state=w.call_state, direction=w.direction, device=w.device
    )
    receive = _drop_none({"context": w.context, "tag": w.tag, "segment_id": w.segment_id, "project_id": w.project_id})
    event = _dec_state_event(state, env)
    return attrs.evolve(event, origin={**(event.origin or {}), "receive": receive})


def _dec_connect_event(w: _ConnectEvt, env: _EventEnvelope) -> ev.ConnectEvent:
    p = EVENT_PATH
    state = _state_of(CONNECT_STATES, w.connect_state, f"{p}.connect_state")
    peer = w.peer
    if w.failed_reason is not None and state is not ev.ConnectState.FAILED:
        raise InvalidMessage(f"{p}.failed_reason", "only a failed connect has a failed_reason")
    source = destination = channel = None
    paths: dict[str, str] = {**_ENVELOPE_PATHS, "reason": f"{p}.failed_reason", "peer_call_id": f"{p}.peer.call_id"}
    extra: dict[str, Any] = {}
    if peer is not None:
        source, destination, channel, ends = _device_ends(peer.device, f"{p}.peer.device")
        paths.update({f"peer_{key}": path for key, path in ends.items()})
        extra = {"peer_node_id": peer.node_id, "peer_tag": peer.tag, "peer_queue_id": peer.queue_id,
                 "peer_queue_name": peer.queue_name}  # fmt: skip
        if peer.call_id is None and source is None and destination is None and not _drop_none(extra):
            raise InvalidMessage(f"{p}.peer", "a peer names its call_id, node_id or device")  # {} would not re-encode
    return _make(
        ev.ConnectEvent,
        paths,
        **env.common(w, node_id=w.node_id, segment_id=w.segment_id, tag=w.tag, **extra),
        state=state,
        peer_call_id=None if peer is None else peer.call_id,
        peer_source=source,
        peer_destination=destination,
        peer_channel=channel,
        reason=w.failed_reason,
    )


def _dec_dial_event(w: _DialEvt, env: _EventEnvelope) -> ev.DialStateChanged:
    p = EVENT_PATH
    state = _state_of(DIAL_STATES, w.dial_state, f"{p}.dial_state")
    call_id = None
    rest = None
    if w.call is not None:
        rest = dict(w.call)
        call_id = rest.pop("call_id", None)
        if call_id is not None:
            _wire_str(call_id, f"{p}.call.call_id")
        try:
            freeze_json(rest, "")
        except InvalidValue as bad:
            raise InvalidMessage(f"{p}.call{bad.field}", bad.reason) from None
    for field, value in (("reason", w.reason), ("source", w.source)):
        if value is not None and state is not ev.DialState.FAILED:
            raise InvalidMessage(f"{p}.{field}", f"only a failed dial has a {field}")
    if call_id is not None and not rest:  # {"call_id"} alone is what the call id says: no origin of its own
        rest = None
    fields = env.common(w, node_id=w.node_id, tag=w.tag, call=rest, source=w.source)
    fields["call_id"] = call_id
    return _make(
        ev.DialStateChanged,
        {**_ENVELOPE_PATHS, "call_id": f"{p}.call.call_id", "reason": f"{p}.reason"},
        **fields,
        state=state,
        reason=w.reason,
    )


def _dec_denoise_event(w: _DenoiseEvt, env: _EventEnvelope) -> ev.DenoiseEvent:
    return _make(ev.DenoiseEvent, _ENVELOPE_PATHS, **env.common(w, node_id=w.node_id), denoised=w.denoised)


def _dec_hold_event(w: _HoldEvt, env: _EventEnvelope) -> ev.HoldEvent:
    state = _state_of(HOLD_STATES, w.state, f"{EVENT_PATH}.state")
    return _make(ev.HoldEvent, _ENVELOPE_PATHS, **env.common(w, node_id=w.node_id), state=state)


def _dec_error_event(w: _ErrorEvt, env: _EventEnvelope) -> ev.ErrorEvent:
    return _make(ev.ErrorEvent, _ENVELOPE_PATHS, **env.common(w, node_id=w.node_id), code=w.code, message=w.message)


def _dec_conference_event(w: _ConferenceEvt, env: _EventEnvelope) -> ev.ConferenceEvent:
    p = EVENT_PATH
    state = _state_of(CONFERENCE_STATES, w.status, f"{p}.status")
    if w.reason_ended is not None and state is not ev.ConferenceState.ENDED:
        raise InvalidMessage(f"{p}.reason_ended", "only conference-end has a reason_ended")
    origin = {
        "node_id": w.node_id, "segment_id": w.segment_id, "region": w.region, "tag": w.tag,
        "call_id_ending_conf": w.call_id_ending_conf, "muted": w.muted, "hold": w.hold,
        "start_on_join": w.start_on_join, "end_on_leave": w.end_on_leave, "coaching": w.coaching,
    }  # fmt: skip
    return _make(
        ev.ConferenceEvent,
        {
            **_ENVELOPE_PATHS,
            "reason": f"{p}.reason_ended",
            "recording_size": f"{p}.recording_file_size",
            **{key: f"{p}.{key}" for key in ("conference_id", "name", "size", "recording_url", "recording_duration")},
        },
        **env.common(w, **origin),
        state=state,
        conference_id=w.conference_id,
        name=w.name,
        size=w.size,
        reason=w.reason_ended,
        recording_url=w.recording_url,
        recording_duration=w.recording_duration,
        recording_size=w.recording_file_size,
    )


# ---------------------------------------------------------------- encode


def _enc_state_event(e: ev.CallStateChanged, ctx: Encoding, po: dict[str, Any]) -> dict[str, Any]:
    if e.control_id is not None:
        ctx.lose("control_id")
    params = _common_params(e, po, ctx, control=False)
    if e.state is ev.CallState.FAILED:
        ctx.lose("state")
        params["call_state"] = "ended"
    else:
        params["call_state"] = e.state.value
    if e.direction is not None:
        params["direction"] = e.direction.value
    channel = Channel.PSTN  # a device needs a type: phone numbers unless a channel says otherwise
    seen: Channel | None = None
    for field, end, end_channel in (
        ("source_channel", e.source, e.source_channel),
        ("destination_channel", e.destination, e.destination_channel),
    ):
        if end_channel is None:
            if end is not None:  # a device always states its type: an unknown channel cannot be said
                ctx.lose(field)
            continue
        if end is None or end_channel not in CHANNEL_DEVICES or (seen is not None and seen is not end_channel):
            ctx.lose(field)
            continue
        channel = seen = end_channel
    device = _device(e.source, e.destination, channel)
    if device is not None:
        params["device"] = device
    if e.cause is not None:
        reason = EVENT_REASON_FOR_CAUSE.get(e.cause)
        if reason is None:
            ctx.lose("cause")
        else:
            params["end_reason"] = reason
    if e.metadata is not None:
        ctx.lose("metadata")
    peer = _drop_none({"call_id": e.peer_call_id, "node_id": po.get("peer_node_id")})
    if peer:
        params["peer"] = peer
    return params


def _device(source: str | None, destination: str | None, channel: Channel | None) -> dict[str, Any] | None:
    """The device naming two ends on one channel (phone numbers unless the channel says otherwise)."""
    if source is None and destination is None:
        return None
    kind = CHANNEL_DEVICES.get(channel, "phone") if channel is not None else "phone"
    keys = ("from_number", "to_number") if kind == "phone" else ("from", "to")
    return {"type": kind, "params": _drop_none({keys[0]: source, keys[1]: destination})}


def _enc_receive_event(e: ev.CallStateChanged, ctx: Encoding, po: dict[str, Any]) -> dict[str, Any]:
    params = _enc_state_event(e, ctx, po)
    params.update(po.get("receive", {}))
    return params


def _enc_connect_event(e: ev.ConnectEvent, ctx: Encoding, po: dict[str, Any]) -> dict[str, Any]:
    if e.control_id is not None:
        ctx.lose("control_id")
    params = _common_params(e, po, ctx, control=False)
    params["connect_state"] = e.state.value
    if e.reason is not None:
        if e.state is ev.ConnectState.FAILED:
            params["failed_reason"] = e.reason
        else:
            ctx.lose("reason")
    channel = e.peer_channel
    if channel is not None and (
        channel not in CHANNEL_DEVICES or (e.peer_source is None and e.peer_destination is None)
    ):
        ctx.lose("peer_channel")
        channel = None
    elif channel is None and (e.peer_source is not None or e.peer_destination is not None):
        ctx.lose("peer_channel")  # a device always states its type: sent as phone
    peer = _drop_none(
        {
            "call_id": e.peer_call_id,
            "node_id": po.get("peer_node_id"),
            "tag": po.get("peer_tag"),
            "device": _device(e.peer_source, e.peer_destination, channel),
            "queue_id": po.get("peer_queue_id"),
            "queue_name": po.get("peer_queue_name"),
        }
    )
    if peer:
        params["peer"] = peer
    return params


def _enc_dial_event(e: ev.DialStateChanged, ctx: Encoding, po: dict[str, Any]) -> dict[str, Any]:
    if e.control_id is not None:
        ctx.lose("control_id")
    params: dict[str, Any] = {key: value for key, value in po.items() if key not in _ORIGIN_PLACED}
    if "source" in params and e.state is not ev.DialState.FAILED:
        del params["source"]
        ctx.drop_origin()
    params["dial_state"] = e.state.value
    call = po.get("call")
    if e.call_id is not None:
        call = {"call_id": e.call_id, **(call or {})}
    if call is not None:
        params["call"] = call
    if e.reason is not None:
        if e.state is ev.DialState.FAILED:
            params["reason"] = e.reason
        else:
            ctx.lose("reason")
    return params


def _enc_denoise_event(e: ev.DenoiseEvent, ctx: Encoding, po: dict[str, Any]) -> dict[str, Any]:
    if e.control_id is not None:
        ctx.lose("control_id")
    params = _common_params(e, po, ctx, control=False)
    params["denoised"] = e.denoised
    return params


def _enc_hold_event(e: ev.HoldEvent, ctx: Encoding, po: dict[str, Any]) -> dict[str, Any]:
    if e.control_id is not None:
        ctx.lose("control_id")
    params = _common_params(e, po, ctx, control=False)
    params["state"] = _wire_state(HOLD_STATES, e.state, ctx)
    return params


def _enc_error_event(e: ev.ErrorEvent, ctx: Encoding, po: dict[str, Any]) -> dict[str, Any]:
    if e.control_id is not None:
        ctx.lose("control_id")
    params = _drop_none({"call_id": e.call_id, **po, "code": e.code, "message": e.message})
    return params


def _enc_conference_event(e: ev.ConferenceEvent, ctx: Encoding, po: dict[str, Any]) -> dict[str, Any]:
    if e.control_id is not None:
        ctx.lose("control_id")
    if e.source is not None:
        ctx.lose("source")
    reason = e.reason
    if reason is not None and e.state is not ev.ConferenceState.ENDED:
        ctx.lose("reason")
        reason = None
    params = _drop_none(
        {
            "call_id": e.call_id,
            **po,
            "conference_id": e.conference_id,
            "name": e.name,
            "status": _reverse(CONFERENCE_STATES)[e.state],
            "size": e.size,
            "reason_ended": reason,
            "recording_url": e.recording_url,
            "recording_duration": e.recording_duration,
            "recording_file_size": e.recording_size,
        }
    )
    return params
