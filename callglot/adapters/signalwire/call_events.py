"""SignalWire webhooks that report on the call itself (reference/dialects.md §1.7).

calling.call.state (and calling.call.receive, a new inbound call's state), connect, dial, denoise,
hold, calling.error and calling.conference: their wire shapes, value maps and the hooks of their routes
(declared in :mod:`.events`) for what a field map cannot say. They carry no ``control_id``; a dial
before it is answered, an error and a conference's events need not name their call.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from operator import attrgetter
from typing import Any

from callglot._frozen import frozen
from callglot.adapters._base import Encoding
from callglot.adapters._structure import register_wire, structure
from callglot.canonical import Channel, HangupCause, freeze_json
from callglot.canonical import events as ev
from callglot.errors import InvalidMessage, InvalidValue

from ._webhook import _state_of, states
from ._wire import END_REASONS, _drop_none, _reverse, _str, _wire_str, converter

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

HOLD = states(HOLD_STATES)

# ---------------------------------------------------------------- hooks: what the routes' field maps cannot say


def _dec_state(w: _StateEvt, base: str) -> dict[str, Any]:
    state = _state_of(CALL_STATES, w.call_state, f"{base}.call_state")
    direction = None
    if w.direction is not None:
        direction = _state_of({d.value: d for d in ev.CallDirection}, w.direction, f"{base}.direction")
    source, destination, channel = _device_ends(w.device, f"{base}.device")
    cause = None
    if w.end_reason is not None:
        cause = _state_of(EVENT_END_REASONS, w.end_reason, f"{base}.end_reason")
    peer_call = peer_node = None
    if w.peer is not None:
        peer_call, peer_node = w.peer.call_id, w.peer.node_id
        if peer_call is None and peer_node is None:  # {} would not re-encode: not a normal form
            raise InvalidMessage(f"{base}.peer", "a peer names its call_id or node_id")
    return {
        "state": state,
        "direction": direction,
        "source": source,
        "destination": destination,
        "source_channel": channel if source is not None else None,
        "destination_channel": channel if destination is not None else None,
        "cause": cause,
        "peer_call_id": peer_call,
        "origin": {"peer_node_id": peer_node},
    }


def _device_ends(device: _CallDevice | None, path: str) -> tuple[str | None, str | None, Channel | None]:
    """(from, to, channel) of a device: phone numbers or sip/webrtc addresses."""
    if device is None:
        return None, None, None
    channel = _state_of(DEVICE_CHANNELS, device.type, f"{path}.type")
    params = {} if device.params is None else device.params
    if channel is Channel.PSTN:
        phone = structure(converter, params, _PhoneEnds, f"{path}.params")
        ends = phone.from_number, phone.to_number
    else:
        address = structure(converter, params, _AddressEnds, f"{path}.params")
        ends = address.from_, address.to
    if ends == (None, None):  # the device type alone has no place in the event
        raise InvalidMessage(f"{path}.params", "a device names its from and/or to (its type alone is not kept)")
    return ends[0], ends[1], channel


def _ends(at: str, source: str, destination: str) -> dict[str, Callable[[Any], str]]:
    """The wire paths (below params) of the ends of the device at ``at``: a phone's are from_number, to_number."""
    device = attrgetter(at)

    def end(key: str) -> Callable[[Any], str]:
        return lambda w: f"{at}.params.{key}_number" if device(w).type == "phone" else f"{at}.params.{key}"

    return {source: end("from"), destination: end("to")}


STATE_PATHS = {**_ends("device", "source", "destination"), "peer_call_id": "peer.call_id"}


def _dec_receive(w: _ReceiveEvt, base: str) -> dict[str, Any]:
    state = _StateEvt(
        call_id=w.call_id, node_id=w.node_id, call_state=w.call_state, direction=w.direction, device=w.device
    )
    receive = _drop_none({"context": w.context, "tag": w.tag, "segment_id": w.segment_id, "project_id": w.project_id})
    return {**_dec_state(state, base), "origin": {"receive": receive}}


def _enc_state(e: ev.CallStateChanged, ctx: Encoding, carried: Any, origin: Any) -> dict[str, Any]:
    if e.state is ev.CallState.FAILED:
        ctx.lose("state")
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
    reason = None
    if e.cause is not None:
        reason = EVENT_REASON_FOR_CAUSE.get(e.cause)
        if reason is None:
            ctx.lose("cause")
    peer = _drop_none({"call_id": e.peer_call_id, "node_id": origin.params.get("peer_node_id")})
    return {
        "call_state": "ended" if e.state is ev.CallState.FAILED else e.state.value,
        "direction": _str(e.direction),
        "device": _device(e.source, e.destination, channel),
        "end_reason": reason,
        "peer": peer or None,
    }


def _device(source: str | None, destination: str | None, channel: Channel | None) -> dict[str, Any] | None:
    """The device naming two ends on one channel (phone numbers unless the channel says otherwise)."""
    if source is None and destination is None:
        return None
    kind = CHANNEL_DEVICES.get(channel, "phone") if channel is not None else "phone"
    keys = ("from_number", "to_number") if kind == "phone" else ("from", "to")
    return {"type": kind, "params": _drop_none({keys[0]: source, keys[1]: destination})}


def _enc_receive(e: ev.CallStateChanged, ctx: Encoding, carried: Any, origin: Any) -> dict[str, Any]:
    """A call state (what receive adds, its origin's ``receive``, follows it: see events.encode_webhook)."""
    return _drop_none(_enc_state(e, ctx, carried, origin))  # calling.call.receive has no end_reason or peer


def _dec_connect(w: _ConnectEvt, base: str) -> dict[str, Any]:
    state = _state_of(CONNECT_STATES, w.connect_state, f"{base}.connect_state")
    peer = w.peer
    if w.failed_reason is not None and state is not ev.ConnectState.FAILED:
        raise InvalidMessage(f"{base}.failed_reason", "only a failed connect has a failed_reason")
    source = destination = channel = None
    extra: dict[str, Any] = dict.fromkeys(("peer_node_id", "peer_tag", "peer_queue_id", "peer_queue_name"))
    if peer is not None:
        source, destination, channel = _device_ends(peer.device, f"{base}.peer.device")
        extra = {"peer_node_id": peer.node_id, "peer_tag": peer.tag, "peer_queue_id": peer.queue_id,
                 "peer_queue_name": peer.queue_name}  # fmt: skip
        if peer.call_id is None and source is None and destination is None and not _drop_none(extra):
            raise InvalidMessage(
                f"{base}.peer", "a peer names its call_id, node_id or device"
            )  # {} would not re-encode
    return {
        "state": state,
        "peer_call_id": None if peer is None else peer.call_id,
        "peer_source": source,
        "peer_destination": destination,
        "peer_channel": channel,
        "reason": w.failed_reason,
        "origin": extra,
    }


CONNECT_PATHS = {
    "reason": "failed_reason", "peer_call_id": "peer.call_id", **_ends("peer.device", "peer_source", "peer_destination")
}  # fmt: skip


def _enc_connect(e: ev.ConnectEvent, ctx: Encoding, carried: Any, origin: Any) -> dict[str, Any]:
    reason = e.reason
    if reason is not None and e.state is not ev.ConnectState.FAILED:
        ctx.lose("reason")
        reason = None
    channel = e.peer_channel
    if channel is not None and (
        channel not in CHANNEL_DEVICES or (e.peer_source is None and e.peer_destination is None)
    ):
        ctx.lose("peer_channel")
        channel = None
    elif channel is None and (e.peer_source is not None or e.peer_destination is not None):
        ctx.lose("peer_channel")  # a device always states its type: sent as phone
    po = origin.params
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
    return {"connect_state": e.state.value, "failed_reason": reason, "peer": peer or None}


def _dec_dial(w: _DialEvt, base: str) -> dict[str, Any]:
    state = _state_of(DIAL_STATES, w.dial_state, f"{base}.dial_state")
    call_id = None
    rest = None
    if w.call is not None:
        rest = dict(w.call)
        call_id = rest.pop("call_id", None)
        if call_id is not None:
            _wire_str(call_id, f"{base}.call.call_id")
        try:
            freeze_json(rest, "")
        except InvalidValue as bad:
            raise InvalidMessage(f"{base}.call{bad.field}", bad.reason) from None
    for field, value in (("reason", w.reason), ("source", w.source)):
        if value is not None and state is not ev.DialState.FAILED:
            raise InvalidMessage(f"{base}.{field}", f"only a failed dial has a {field}")
    if call_id is not None and not rest:  # {"call_id"} alone is what the call id says: no origin of its own
        rest = None
    return {"state": state, "reason": w.reason, "call_id": call_id, "origin": {"call": rest}}


def _enc_dial(e: ev.DialStateChanged, ctx: Encoding, carried: Any, origin: Any) -> dict[str, Any]:
    params: dict[str, Any] = {"dial_state": e.state.value}
    if "source" in origin.params and e.state is not ev.DialState.FAILED:
        params["source"] = None
        ctx.drop_origin()
    call = origin.params.get("call")
    if e.call_id is not None:
        call = {"call_id": e.call_id, **(call or {})}
    params["call"] = call
    if e.reason is not None:
        if e.state is ev.DialState.FAILED:
            params["reason"] = e.reason
        else:
            ctx.lose("reason")
    return params


def _dec_conference(w: _ConferenceEvt, base: str) -> dict[str, Any]:
    state = _state_of(CONFERENCE_STATES, w.status, f"{base}.status")
    if w.reason_ended is not None and state is not ev.ConferenceState.ENDED:
        raise InvalidMessage(f"{base}.reason_ended", "only conference-end has a reason_ended")
    return {"state": state, "reason": w.reason_ended}


def _enc_conference(e: ev.ConferenceEvent, ctx: Encoding, carried: Any, origin: Any) -> dict[str, Any]:
    reason = e.reason
    if reason is not None and e.state is not ev.ConferenceState.ENDED:
        ctx.lose("reason")
        reason = None
    return {"status": _reverse(CONFERENCE_STATES)[e.state], "reason_ended": reason}
