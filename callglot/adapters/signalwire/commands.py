"""SignalWire REST Calling commands: ``POST /api/calling/calls`` with a ``command`` union (seeds 001, 003).

Three envelopes (reference/dialects.md §1.1): ``dial`` has no id;
``update`` carries the call id inside ``params``; every ``calling.*`` command
is ``{"command", "id", "params"}`` with ``params`` always present. Encoding
emits what SignalWire's published request schema accepts; decoding also
accepts what its official Python SDK really sends, through named leniency
rules (:data:`LENIENCIES`), and normalises it.

This module holds the route table, :data:`ROUTES`: each command's route declared once (its
``command`` name, params shape, carried fields, losses and why, hooks for the rest), from which the
capability, decode and encode tables are derived. Beside it: the wire shapes and hooks of the
call-control commands (dial, update, calling.end, transfer, refer, disconnect, user_event) and of
the commands that act on a running operation by its control_id, and the state rules of ``update``.
The media commands' shapes and hooks are in :mod:`.media_commands`, the AI agent and live
commands' in :mod:`.ai_live_commands`. ``update`` is decoded by its own dispatch, since one update
is a Redirect, a Hangup or a Cancel by its status.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Mapping
from typing import Any

import attrs

from callglot._frozen import frozen
from callglot.adapters import _base, _structure
from callglot.adapters._base import Encoding, enum_value, route_for
from callglot.adapters._routes import Route, RouteTable
from callglot.adapters._structure import register_wire, structure
from callglot.canonical import (
    AddParticipant,
    AiHold,
    AiMessage,
    AiStop,
    AiUnhold,
    Answer,
    Cancel,
    Channel,
    Collect,
    Command,
    Denoise,
    Destination,
    Detect,
    Dial,
    DialEvent,
    Hangup,
    HangupCause,
    Hold,
    HttpMethod,
    JoinConference,
    LeaveConference,
    LiveTranscribe,
    LiveTranslate,
    Mute,
    PauseBehavior,
    PausePlayback,
    PauseRecording,
    Play,
    Record,
    Redirect,
    Refer,
    Reject,
    RemoveParticipant,
    ResumePlayback,
    ResumeRecording,
    ReturnToDialplan,
    SeekPlayback,
    SendDigits,
    SendToVoicemail,
    SetPlaybackVolume,
    StartInputTimers,
    StopCollect,
    StopDenoise,
    StopDetect,
    StopFaxReceive,
    StopFaxSend,
    StopPlayback,
    StopRecording,
    StopStream,
    StopTap,
    StopTranscribe,
    Stream,
    Tap,
    Transcribe,
    Transfer,
    Unbridge,
    Unhold,
    Unmute,
    UserEvent,
    freeze_json,
    thaw_json,
)
from callglot.capabilities import Capability, Support
from callglot.errors import InvalidMessage, InvalidValue

from ._wire import (
    END_REASONS,
    REASON_FOR_CAUSE,
    P,
    _Decoding,
    _drop_none,
    _enum,
    _field_error,
    _json,
    _str,
    converter,
)
from .ai_live_commands import (
    _AiHoldParams,
    _AiMessageParams,
    _AiUnholdParams,
    _dec_ai_hold,
    _dec_ai_message,
    _dec_ai_unhold,
    _dec_live_transcribe,
    _dec_live_translate,
    _enc_ai_hold,
    _enc_ai_message,
    _enc_live_transcribe,
    _enc_live_translate,
    _LiveParams,
)
from .media_commands import (
    _CollectParams,
    _dec_collect,
    _dec_detect,
    _dec_play,
    _dec_record,
    _dec_stream,
    _dec_tap,
    _dec_transcribe,
    _DetectParams,
    _enc_collect,
    _enc_detect,
    _enc_play,
    _enc_record,
    _enc_stream,
    _enc_tap,
    _enc_transcribe,
    _PlayParams,
    _RecordParams,
    _RecordPauseParams,
    _StreamParams,
    _TapParams,
    _TranscribeParams,
    _VolumeParams,
)

PATH = "/api/calling/calls"
UUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")

_SDK_STATUS_EVENTS = {"queued": DialEvent.CREATED, "initiated": DialEvent.CREATED, "ending": DialEvent.ENDED}

# ---------------------------------------------------------------- wire shapes (media, AI and live: in their modules)


@frozen(kw_only=True)
class _DialParams:
    from_: str
    to: str | None = None
    url: str | None = None
    swml: dict[str, Any] | None = None
    to_script: Any = None
    username: str | None = None
    password: str | None = None
    caller_id: str | None = None
    fallback_url: str | None = None
    status_url: str | None = None
    status_events: list[str] | None = None
    url_method: str | None = None
    codecs: Any = None
    timeout: int | None = None
    max_price_per_minute: float | None = None
    send_digits: str | None = None
    region: Any = None
    custom_variables: dict[str, Any] | None = None


@frozen(kw_only=True)
class _UpdateParams:
    id: str
    url: str | None = None
    swml: dict[str, Any] | None = None
    fallback_url: str | None = None
    status: str | None = None
    status_url: str | None = None


@frozen(kw_only=True)
class _Empty:
    pass


@frozen(kw_only=True)
class _EndParams:
    reason: str | None = None


@frozen(kw_only=True)
class _TransferParams:
    dest: Any


@frozen(kw_only=True)
class _Control:
    control_id: str


@frozen(kw_only=True)
class _OptionalControl:
    control_id: str | None = None


@frozen(kw_only=True)
class _SipParams:
    to: str
    from_: str | None = None
    username: str | None = None
    password: str | None = attrs.field(default=None, repr=False)


@frozen(kw_only=True)
class _ReferDevice:
    type: str
    params: _SipParams


@frozen(kw_only=True)
class _ReferParams:
    device: Any  # the spec's {type, params} or (leniency "refer-flat-device") the SDK's flat form
    status_url: str | None = None


@frozen(kw_only=True)
class _UserEventParams:
    event: dict[str, Any]


for _cls in (
    _DialParams, _UpdateParams, _Empty, _EndParams, _TransferParams, _Control, _OptionalControl, _SipParams,
    _ReferDevice, _ReferParams, _UserEventParams,
):  # fmt: skip
    register_wire(converter, _cls)

# ---------------------------------------------------------------- decode


def _destination(address: str, path: str) -> Destination:
    with _base.at(path):
        return Destination(address=address)


def _dec_dial(w: _DialParams, d: _Decoding) -> Dial:
    events: tuple[DialEvent, ...] | None = None
    if w.status_events is not None:
        found: list[DialEvent] = []
        for index, name in enumerate(w.status_events):
            if name in _SDK_STATUS_EVENTS:
                d.lenient("dial-sdk-status-events")
                event = _SDK_STATUS_EVENTS[name]
            else:
                event = enum_value(DialEvent, name, f"{P}.status_events[{index}]")
            if event not in found:
                found.append(event)
        events = tuple(found)
    codecs: tuple[str, ...] | None = None
    _structure.refuse_long_array(w.codecs, _structure.max_items(Dial, "codecs"), f"{P}.codecs")
    _structure.refuse_long_array(w.region, _structure.max_items(Dial, "region"), f"{P}.region")
    if isinstance(w.codecs, str):
        d.lenient("codecs-string")
        codecs = tuple(part.strip() for part in w.codecs.split(","))
    elif isinstance(w.codecs, list) and all(type(item) is str for item in w.codecs):
        codecs = tuple(w.codecs)
    elif w.codecs is not None:
        raise InvalidMessage(f"{P}.codecs", "expected an array of codec names or a comma-separated string")
    region: tuple[str, ...] | None = None
    if isinstance(w.region, str):
        region = (w.region,)
    elif isinstance(w.region, list) and all(type(item) is str for item in w.region):
        region = tuple(w.region)
    elif w.region is not None:
        raise InvalidMessage(f"{P}.region", "expected a string or an array of strings")
    if w.to_script is not None and not isinstance(w.to_script, str | dict):
        raise InvalidMessage(f"{P}.to_script", "expected a URL string or a SWML object")
    if w.url is None and w.swml is None:
        raise InvalidMessage(P, "dial needs url or swml (the call-control script)")
    source = _destination(w.from_, f"{P}.from")
    destination = None if w.to is None else _destination(w.to, f"{P}.to")
    try:
        return Dial(
            source=source,
            destination=destination,
            swml_url=w.url,
            swml=_json(w.swml, "swml"),
            destination_script=w.to_script,
            sip_username=w.username,
            sip_password=w.password,
            caller_id=w.caller_id,
            fallback_url=w.fallback_url,
            status_url=w.status_url,
            status_events=events,
            url_method=_enum(HttpMethod, w.url_method, f"{P}.url_method"),
            codecs=codecs,
            timeout=w.timeout,
            max_price_per_minute=w.max_price_per_minute,
            send_digits=w.send_digits,
            region=region,
            custom_variables=w.custom_variables,
        )
    except InvalidValue as exc:
        head, _, position = exc.field.partition("[")
        if position and isinstance(getattr(w, head, None), str):
            # Sent as one string (codecs comma-separated, a single region): no array item to point at.
            item = f"item {int(position.rstrip(']')) + 1} of the list: " if head == "codecs" else ""
            raise InvalidMessage(f"{P}.{head}", item + exc.reason) from None
        raise InvalidMessage(_dial_path(exc.field), exc.reason) from None


_DIAL_WIRE = {"swml_url": "url", "destination_script": "to_script", "sip_username": "username",
              "sip_password": "password", "source": "from", "destination": "to"}  # fmt: skip


def _dial_path(field: str) -> str:
    head, sep, rest = field.partition("[")
    head, dot, tail = head.partition(".")
    return f"{P}.{_DIAL_WIRE.get(head, head)}{dot}{tail}{sep}{rest}"


def _dec_refer(w: _ReferParams, d: _Decoding) -> Refer:
    device, base = w.device, f"{P}.device.params"
    if isinstance(device, dict) and "params" not in device and "to" in device:
        d.lenient("refer-flat-device")
        base = f"{P}.device"
        if device.get("type", "sip") != "sip":
            raise InvalidMessage(f"{P}.device.type", "must be sip")
        sip = structure(converter, {k: v for k, v in device.items() if k != "type"}, _SipParams, base)
    else:
        spec = structure(converter, device, _ReferDevice, f"{P}.device")
        if spec.type != "sip":
            raise InvalidMessage(f"{P}.device.type", "must be sip")
        sip = spec.params
    try:
        return Refer(to=sip.to, source=sip.from_, username=sip.username, password=sip.password,
                     status_url=w.status_url)  # fmt: skip
    except InvalidValue as exc:
        where = (
            f"{P}.status_url"
            if exc.field == "status_url"
            else f"{base}.{ {'source': 'from'}.get(exc.field, exc.field) }"
        )
        raise InvalidMessage(where, exc.reason) from None


def _dec_transfer(w: _TransferParams, d: _Decoding) -> Transfer:
    dest = w.dest
    path = f"{P}.dest"
    if isinstance(dest, dict):
        with _base.at(path):
            return Transfer(swml=freeze_json(dest, "swml"))
    if type(dest) is not str:
        raise InvalidMessage(path, "expected a destination string or a SWML object")
    if dest[:8].lower() == "https://" or dest[:7].lower() == "http://":
        with _base.at(path):
            return Transfer(swml_url=dest)
    return Transfer(destination=_destination(dest, path))


def _dec_end(w: _EndParams, d: _Decoding) -> Hangup:
    cause = None if w.reason is None else route_for(END_REASONS, w.reason, f"{P}.reason", "calling.end reason")
    return Hangup(cause=cause)


def _dec_record_pause(w: _RecordPauseParams, d: _Decoding) -> PauseRecording:
    return PauseRecording(control_id=w.control_id, behavior=_enum(PauseBehavior, w.behavior, f"{P}.behavior"))


def _decode_update(body: dict[str, Any], d: _Decoding) -> tuple[Command, str]:
    """``update``: a redirect, or a status that ends the call.

    A status with a redirect (the only status update the published schema lets through, since it
    requires url or swml on every update) means the status: canceled applies while the leg is queued
    or ringing, where a redirect does not (seed 003's state rules), and completed ends the call, which
    leaves nothing to redirect. So it decodes as Cancel or Hangup and the redirect, checked like any
    other, is dropped: leniency rule ``update-status-wins`` is the report of that drop.
    """
    extra = set(body) - {"command", "params"}
    if extra:
        raise InvalidMessage("$", _structure.unexpected_fields(extra, " (update carries the id in params)"))
    w = structure(converter, body.get("params"), _UpdateParams, P)
    if UUID.fullmatch(w.id) is None:
        raise InvalidMessage(f"{P}.id", "must be a call UUID")
    redirect = w.url is not None or w.swml is not None
    if w.status is not None:
        status = w.status
        if status not in ("canceled", "completed"):
            raise InvalidMessage(f"{P}.status", "must be one of canceled, completed")
        if redirect:
            _redirect(w)
            d.lenient("update-status-wins")
        else:
            for field in ("fallback_url", "status_url"):
                if getattr(w, field) is not None:
                    raise InvalidMessage(f"{P}.{field}", "only a redirect takes this field")
            d.lenient("update-status-only")
        return (Cancel() if status == "canceled" else Hangup()), w.id
    if not redirect:
        raise InvalidMessage(P, "update needs url or swml (or a status)")
    return _redirect(w), w.id


def _redirect(w: _UpdateParams) -> Redirect:
    swml: Any = w.swml  # Redirect's converter freezes it (and names the field in its errors)
    try:
        return Redirect(url=w.url, swml=swml, fallback_url=w.fallback_url, status_url=w.status_url)
    except InvalidValue as exc:
        raise _field_error(P, exc) from None


# ---------------------------------------------------------------- encode


def _enc_dial(c: Dial, ctx: Encoding, *_: Any) -> _DialParams:
    if c.swml_url is None and c.swml is None:
        ctx.lose("swml_url", droppable=False)
    for end in (c.source, c.destination):
        if end is not None and end.channel in (Channel.WHATSAPP, Channel.WEBRTC):
            ctx.lose("channel", droppable=False)
    return _DialParams(
        from_=c.source.address,
        to=None if c.destination is None else c.destination.address,
        url=c.swml_url,
        swml=None if c.swml is None else thaw_json(c.swml),
        to_script=thaw_json(c.destination_script),
        username=c.sip_username,
        password=c.sip_password,
        caller_id=c.caller_id,
        fallback_url=c.fallback_url,
        status_url=c.status_url,
        status_events=None if c.status_events is None else [str(e) for e in c.status_events],
        url_method=_str(c.url_method),
        codecs=None if c.codecs is None else list(c.codecs),
        timeout=c.timeout,
        max_price_per_minute=c.max_price_per_minute,
        send_digits=c.send_digits,
        region=None if c.region is None else list(c.region),
        custom_variables=None if c.custom_variables is None else thaw_json(c.custom_variables),
    )


def _enc_reject(c: Reject, ctx: Encoding, *_: Any) -> dict[str, Any]:
    if c.reason is not None:
        ctx.lose("reason")  # decided here: reported before the cause, as the matrix lists them
    reason = "decline"
    if c.cause is HangupCause.USER_BUSY:
        reason = "busy"
    elif c.cause not in (None, HangupCause.CALL_REJECTED):
        ctx.lose("cause")
    return {"reason": reason}


def _enc_hangup(c: Hangup, ctx: Encoding, *_: Any) -> dict[str, Any]:
    if c.cause is None:  # a normal hang-up: said as the spec's example and the SDK say it
        return {"reason": "hangup"}
    reason = REASON_FOR_CAUSE.get(c.cause)
    if reason is None:
        ctx.lose("cause")
        reason = "hangup"  # without its cause it is a normal hang-up, said in its normal form
    return {"reason": reason}


def _enc_redirect(c: Redirect, ctx: Encoding, *_: Any) -> dict[str, Any]:
    """update's params but the call id, which the dialect puts first (update carries it in params)."""
    return _drop_none(
        {"url": c.url, "swml": thaw_json(c.swml), "fallback_url": c.fallback_url, "status_url": c.status_url}
    )


def _enc_transfer(c: Transfer, ctx: Encoding, *_: Any) -> dict[str, Any]:
    if c.swml is not None:
        return {"dest": thaw_json(c.swml)}
    if c.swml_url is not None:
        return {"dest": c.swml_url}
    assert c.destination is not None
    if c.destination.channel in (Channel.WHATSAPP, Channel.WEBRTC):
        ctx.lose("destination", droppable=False)
    return {"dest": c.destination.address}


def _enc_refer(c: Refer, ctx: Encoding, *_: Any) -> dict[str, Any]:
    sip = _drop_none({"to": c.to, "from": c.source, "username": c.username, "password": c.password})
    return _drop_none({"device": {"type": "sip", "params": sip}, "status_url": c.status_url})


def _enc_record_pause(c: PauseRecording, ctx: Encoding, *_: Any) -> dict[str, Any]:
    params: dict[str, Any] = {"control_id": c.control_id}
    if c.behavior is not None:
        params["behavior"] = str(c.behavior)
    return params


def _enc_user_event(c: UserEvent, ctx: Encoding, *_: Any) -> dict[str, Any]:
    return {"event": thaw_json(c.event)}


# ---------------------------------------------------------------- the routes

_WHOLE_MS = "the wire counts whole milliseconds, 0..2**31-1 (LENIENT rounds to the millisecond)"
_CONTROL = "SignalWire addresses the operation by its control_id: give the one its start command used"
_NO_REST = "SignalWire's REST API has no {what}: {instead}"
_GENERATED = "a control_id is generated when absent"


def _control(command: type, tag: str) -> Route:
    """A command that acts on a running operation: its control_id alone, which the wire requires."""
    return Route(
        command=command,
        tag=tag,
        wire=_Control,
        note=tag,
        fields={"control_id": "control_id"},
        lost={"control_id": _CONTROL},
        required=("control_id",),
    )


ROUTES = RouteTable(
    (
        Route(
            command=Dial,
            tag="dial",  # its own envelope: no id (see SignalWireDialect)
            wire=_DialParams,
            note="dial with url or swml (the call-control script) and every parameter",
            lost={
                "swml_url": "SignalWire's dial needs the call-control script: give swml_url or swml",
                "channel": "SignalWire dials phone numbers and SIP/WebRTC addresses; WhatsApp and Chirp channels "
                "cannot be said",
                "metadata": "SignalWire has no call metadata: use custom_variables (string values)",
            },
            decided=("swml_url", "channel"),
            decode=_dec_dial,
            encode=_enc_dial,
        ),
        Route(
            command=Hangup,
            tag="calling.end",  # decodes every reason, "cancel" and "decline" included, as Hangup with its cause
            wire=_EndParams,
            note="calling.end; causes map to its reasons (hangup, cancel, busy, noAnswer, decline, error)",
            lost={
                "cause": "only NORMAL_CLEARING, ORIGINATOR_CANCEL, USER_BUSY, NO_ANSWER, CALL_REJECTED and "
                "NORMAL_TEMPORARY_FAILURE have a calling.end reason"
            },
            decided=("cause",),
            decode=_dec_end,
            encode=_enc_hangup,
        ),
        Route(
            command=Reject,
            tag="calling.end",
            wire=_EndParams,
            support=Support.EMULATED,
            note="calling.end with reason decline (busy for cause USER_BUSY)",
            lost={
                "reason": "calling.end carries a reason code, not a text reason",
                "cause": "only USER_BUSY and CALL_REJECTED have a calling.end reason",
            },
            decided=("reason", "cause"),
            encode=_enc_reject,
            decodes=False,
        ),
        Route(
            command=Cancel,
            tag="calling.end",
            wire=_EndParams,
            support=Support.EMULATED,
            note="calling.end with reason cancel (update status canceled needs a url or swml in the published schema)",
            encode=lambda c, ctx, *_: {"reason": "cancel"},
            decodes=False,
        ),
        Route(
            command=Redirect,
            # update decodes to Redirect, Hangup or Cancel by its status (_decode_update, the envelope's own
            # dispatch): no route decodes it.
            tag="update",
            wire=_UpdateParams,
            note="update with url or swml",
            encode=_enc_redirect,
            decodes=False,
        ),
        Route(
            command=Transfer,
            tag="calling.transfer",
            wire=_TransferParams,
            note="calling.transfer with dest: a phone number, SIP URI, SWML URL or inline SWML",
            lost={
                "destination": "SignalWire transfers to phone numbers, SIP URIs and identities, not WhatsApp or "
                "WebRTC channels"
            },
            decided=("destination",),
            decode=_dec_transfer,
            encode=_enc_transfer,
        ),
        Route(command=Unbridge, tag="calling.disconnect", wire=_Empty, note="calling.disconnect"),
        Route(
            command=Play,
            tag="calling.play",
            wire=_PlayParams,
            note=f"calling.play; {_GENERATED}",
            lost={"offset": "SignalWire plays from the start"},
            decided=("offset",),
            decode=_dec_play,
            encode=_enc_play,
        ),
        _control(PausePlayback, "calling.play.pause"),
        _control(ResumePlayback, "calling.play.resume"),
        _control(StopPlayback, "calling.play.stop"),
        Route(
            command=SetPlaybackVolume,
            tag="calling.play.volume",
            wire=_VolumeParams,
            note="calling.play.volume",
            fields={"control_id": "control_id", "volume": "volume"},
            lost={"control_id": _CONTROL},
            required=("control_id",),
        ),
        Route(
            command=Record,
            tag="calling.record",
            wire=_RecordParams,
            note=f"calling.record with record.audio; {_GENERATED}",
            lost={"format": "SignalWire records mp3, wav or mp4"},
            decided=("format",),
            decode=_dec_record,
            encode=_enc_record,
        ),
        Route(
            command=PauseRecording,
            tag="calling.record.pause",
            wire=_RecordPauseParams,
            note="calling.record.pause",
            lost={"control_id": _CONTROL},
            required=("control_id",),
            decode=_dec_record_pause,
            encode=_enc_record_pause,
        ),
        _control(ResumeRecording, "calling.record.resume"),
        _control(StopRecording, "calling.record.stop"),
        Route(
            command=Collect,
            tag="calling.collect",
            wire=_CollectParams,
            note=f"calling.collect; {_GENERATED}",
            lost={"prompt": "calling.collect plays no prompt: Play it first"},
            decided=("prompt",),
            decode=_dec_collect,
            encode=_enc_collect,
        ),
        _control(StopCollect, "calling.collect.stop"),
        _control(StartInputTimers, "calling.collect.start_input_timers"),
        Route(
            command=Detect,
            tag="calling.detect",
            wire=_DetectParams,
            note=f"calling.detect; {_GENERATED}",
            decode=_dec_detect,
            encode=_enc_detect,
        ),
        _control(StopDetect, "calling.detect.stop"),
        Route(
            command=Tap,
            tag="calling.tap",
            wire=_TapParams,
            note=f"calling.tap; {_GENERATED}",
            decode=_dec_tap,
            encode=_enc_tap,
        ),
        _control(StopTap, "calling.tap.stop"),
        Route(
            command=Stream,
            tag="calling.stream",
            wire=_StreamParams,
            note=f"calling.stream; {_GENERATED}",
            decode=_dec_stream,
            encode=_enc_stream,
        ),
        _control(StopStream, "calling.stream.stop"),
        Route(command=Denoise, tag="calling.denoise", wire=_Empty, note="calling.denoise"),
        Route(command=StopDenoise, tag="calling.denoise.stop", wire=_Empty, note="calling.denoise.stop"),
        Route(
            command=Transcribe,
            tag="calling.transcribe",
            wire=_TranscribeParams,
            note=f"calling.transcribe; {_GENERATED}",
            decode=_dec_transcribe,
            encode=_enc_transcribe,
        ),
        _control(StopTranscribe, "calling.transcribe.stop"),
        Route(
            command=AiHold,
            tag="calling.ai_hold",
            wire=_AiHoldParams,
            note="calling.ai_hold (an AI agent's hold)",
            lost={"timeout": "the wire counts whole seconds"},
            decided=("timeout",),
            decode=_dec_ai_hold,
            encode=_enc_ai_hold,
        ),
        Route(
            command=AiUnhold,
            tag="calling.ai_unhold",
            wire=_AiUnholdParams,
            note="calling.ai_unhold",
            lost={"prompt": "the published schema has no prompt for ai_unhold"},
            decode=_dec_ai_unhold,  # a prompt sent (an SDK form) is checked, then dropped by a leniency rule
        ),
        Route(
            command=AiMessage,
            tag="calling.ai_message",
            wire=_AiMessageParams,
            note="calling.ai_message",
            decode=_dec_ai_message,
            encode=_enc_ai_message,
        ),
        Route(
            command=AiStop,
            tag="calling.ai.stop",
            wire=_OptionalControl,
            note="calling.ai.stop",
            fields={"control_id": "control_id"},
        ),
        Route(
            command=LiveTranscribe,
            tag="calling.live_transcribe",
            wire=_LiveParams,
            note="calling.live_transcribe",
            lost={"speech_timeout": _WHOLE_MS, "vad_silence": _WHOLE_MS},
            decided=("speech_timeout", "vad_silence"),  # values of the action's start, converted there
            decode=_dec_live_transcribe,
            encode=_enc_live_transcribe,
        ),
        Route(
            command=LiveTranslate,
            tag="calling.live_translate",
            wire=_LiveParams,
            note="calling.live_translate",
            lost={"speech_timeout": _WHOLE_MS, "vad_silence": _WHOLE_MS},
            decided=("speech_timeout", "vad_silence"),
            decode=_dec_live_translate,
            encode=_enc_live_translate,
        ),
        _control(StopFaxSend, "calling.send_fax.stop"),
        _control(StopFaxReceive, "calling.receive_fax.stop"),
        Route(
            command=Refer,
            tag="calling.refer",
            wire=_ReferParams,
            note="calling.refer",
            decode=_dec_refer,
            encode=_enc_refer,
        ),
        Route(
            command=UserEvent,
            tag="calling.user_event",
            wire=_UserEventParams,
            note="calling.user_event",
            fields={"event": "event"},
            encode=_enc_user_event,
        ),
    ),
    unsupported={
        Answer: _NO_REST.format(
            what="answer",
            instead="the SWML attached to the number answers inbound calls (the proxy acknowledges an app's "
            "answer once it did: docs/proxy.md), or RELAY's calling.answer",
        ),
        ReturnToDialplan: "SignalWire has no dialplan: Redirect to new SWML instead",
        SendToVoicemail: _NO_REST.format(
            what="voicemail", instead="Play a greeting then Record, or Redirect to SWML that does"
        ),
        AddParticipant: _NO_REST.format(
            what="add-participant", instead="Redirect to SWML with connect, or RELAY calling.connect"
        ),
        RemoveParticipant: _NO_REST.format(
            what="remove-participant", instead="Unbridge (calling.disconnect) or end the other leg"
        ),
        JoinConference: "calling.join_conference left the REST API in 2026-07: Redirect to SWML with join_conference",
        LeaveConference: "no conference commands over REST: Redirect to SWML, or end the call's leg",
        Hold: _NO_REST.format(
            what="media hold (calling.ai_hold holds an AI agent, not the call)",
            instead="play hold music with Play, or RELAY calling.hold",
        ),
        Unhold: _NO_REST.format(what="media unhold", instead="stop the music (StopPlayback) or RELAY"),
        Mute: _NO_REST.format(what="mute", instead="Redirect to SWML, or mute over RELAY"),
        Unmute: _NO_REST.format(what="unmute", instead="Redirect to SWML, or unmute over RELAY"),
        SendDigits: _NO_REST.format(
            what="DTMF sending", instead="Dial's send_digits on a new call, or RELAY calling.send_digits"
        ),
        SeekPlayback: _NO_REST.format(what="seek", instead="stop and Play again"),
    },
    wire_path=P,
    dialect="signalwire",
)
CAPABILITIES: Mapping[type, Capability] = ROUTES.capabilities
#: command -> (params wire class, decoder(params, decoding notes)); ``update`` has its own dispatch.
DECODERS = ROUTES.decoders
#: canonical command -> encoder(command, ctx, control_ids): the params, a wire shape or the dict a hook built.
ENCODERS = ROUTES.encoders


# ---------------------------------------------------------------- state rules of update (seed 003)


class CallState(enum.StrEnum):
    """A call leg's state as the update rules name it (call-leg statuses plus the terminal ones)."""

    QUEUED = "queued"
    INITIATED = "initiated"
    CREATED = "created"
    RINGING = "ringing"
    ANSWERED = "answered"
    ENDING = "ending"
    ENDED = "ended"
    BUSY = "busy"
    FAILED = "failed"
    NO_ANSWER = "no-answer"
    CANCELED = "canceled"
    COMPLETED = "completed"


TERMINAL_STATES = frozenset({CallState.ENDED, CallState.BUSY, CallState.FAILED, CallState.NO_ANSWER,
                             CallState.CANCELED, CallState.COMPLETED})  # fmt: skip


def update_refusal(state: CallState | str, command: Command) -> str | None:
    """Why SignalWire refuses this ``update`` in ``state``, or None when it is allowed.

    The rules of seed 003: ``status: canceled`` only while queued or ringing;
    ``status: completed`` only while answered; a redirect (url/swml) only while
    answered; nothing once the call is in a terminal state. ``command`` is what
    an update decodes to (Cancel, Hangup, Redirect); other commands are not
    updates and get a reason saying so.
    """
    state = CallState(state)
    if state in TERMINAL_STATES:
        return f"the call is {state.value}: a call in a terminal state cannot be updated"
    if isinstance(command, Cancel):
        if state in (CallState.QUEUED, CallState.RINGING):
            return None
        return f"status canceled is valid only while the call is queued or ringing, not {state.value}"
    if isinstance(command, Hangup):
        if state is CallState.ANSWERED:
            return None
        hint = " (cancel it instead)" if state in (CallState.QUEUED, CallState.RINGING) else ""
        return f"status completed is valid only while the call is answered, not {state.value}{hint}"
    if isinstance(command, Redirect):
        if state is CallState.ANSWERED:
            return None
        return f"a redirect (url or swml) is valid only while the call is answered, not {state.value}"
    return f"{type(command).__name__} is not an update (updates cancel, complete or redirect a call)"
