"""SignalWire REST Calling commands: ``POST /api/calling/calls`` with a ``command`` union (seeds 001, 003).

Three envelopes (reference/dialects.md §1.1): ``dial`` has no id;
``update`` carries the call id inside ``params``; every ``calling.*`` command
is ``{"command", "id", "params"}`` with ``params`` always present. Encoding
emits what SignalWire's published request schema accepts; decoding also
accepts what its official Python SDK really sends, through named leniency
rules (:data:`LENIENCIES`), and normalises it.

This module holds the command tables (capabilities, decoders, encoders), the call-control commands
(dial, update, calling.end, transfer, refer, disconnect, user_event), the commands that act on a
running operation by its control_id, and the state rules of ``update``. The media commands are in
:mod:`.media_commands`, the AI agent and live commands in :mod:`.ai_live_commands`.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Callable, Mapping
from typing import Any

import attrs

from callglot.adapters import _base
from callglot.adapters._base import Encoding, enum_value, register_wire, route_for, structure
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
from callglot.capabilities import Capability, emulated, native, partial, unsupported
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
    _wire_value,
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
    _enc_ai_unhold,
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
    _DetectParams,
    _MediaEncoder,
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


@attrs.frozen(kw_only=True)
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


@attrs.frozen(kw_only=True)
class _UpdateParams:
    id: str
    url: str | None = None
    swml: dict[str, Any] | None = None
    fallback_url: str | None = None
    status: str | None = None
    status_url: str | None = None


@attrs.frozen(kw_only=True)
class _Empty:
    pass


@attrs.frozen(kw_only=True)
class _EndParams:
    reason: str | None = None


@attrs.frozen(kw_only=True)
class _TransferParams:
    dest: Any


@attrs.frozen(kw_only=True)
class _Control:
    control_id: str


@attrs.frozen(kw_only=True)
class _OptionalControl:
    control_id: str | None = None


@attrs.frozen(kw_only=True)
class _SipParams:
    to: str
    from_: str | None = None
    username: str | None = None
    password: str | None = attrs.field(default=None, repr=False)


@attrs.frozen(kw_only=True)
class _ReferDevice:
    type: str
    params: _SipParams


@attrs.frozen(kw_only=True)
class _ReferParams:
    device: Any  # the spec's {type, params} or (leniency "refer-flat-device") the SDK's flat form
    status_url: str | None = None


@attrs.frozen(kw_only=True)
class _UserEventParams:
    event: dict[str, Any]


for _cls in (
    _DialParams, _UpdateParams, _Empty, _EndParams, _TransferParams, _Control, _OptionalControl, _SipParams,
    _ReferDevice, _ReferParams, _UserEventParams,
):  # fmt: skip
    register_wire(converter, _cls)

# ---------------------------------------------------------------- capabilities

_WHOLE_MS = "the wire counts whole milliseconds, 0..2**31-1 (LENIENT rounds to the millisecond)"
_CONTROL = "SignalWire addresses the operation by its control_id: give the one its start command used"
_NO_REST = "SignalWire's REST API has no {what}: {instead}"

CAPABILITIES: Mapping[type, Capability] = {
    Dial: partial(
        "dial with url or swml (the call-control script) and every parameter",
        swml_url="SignalWire's dial needs the call-control script: give swml_url or swml",
        channel="SignalWire dials phone numbers and SIP/WebRTC addresses; WhatsApp and Chirp channels cannot be said",
        metadata="SignalWire has no call metadata: use custom_variables (string values)",
    ),
    Answer: unsupported(
        _NO_REST.format(
            what="answer",
            instead="the SWML attached to the number answers inbound calls (the proxy acknowledges an app's "
            "answer once it did: docs/proxy.md), or RELAY's calling.answer",
        )
    ),
    Reject: emulated(
        "calling.end with reason decline (busy for cause USER_BUSY)",
        reason="calling.end carries a reason code, not a text reason",
        cause="only USER_BUSY and CALL_REJECTED have a calling.end reason",
    ),
    Hangup: partial(
        "calling.end; causes map to its reasons (hangup, cancel, busy, noAnswer, decline, error)",
        cause="only NORMAL_CLEARING, ORIGINATOR_CANCEL, USER_BUSY, NO_ANSWER, CALL_REJECTED and "
        "NORMAL_TEMPORARY_FAILURE have a calling.end reason",
    ),
    Cancel: emulated(
        "calling.end with reason cancel (update status canceled needs a url or swml in the published schema)"
    ),
    Redirect: native("update with url or swml"),
    ReturnToDialplan: unsupported("SignalWire has no dialplan: Redirect to new SWML instead"),
    Unbridge: native("calling.disconnect"),
    SendToVoicemail: unsupported(
        _NO_REST.format(what="voicemail", instead="Play a greeting then Record, or Redirect to SWML that does")
    ),
    Transfer: partial(
        "calling.transfer with dest: a phone number, SIP URI, SWML URL or inline SWML",
        destination="SignalWire transfers to phone numbers, SIP URIs and identities, not WhatsApp or WebRTC channels",
    ),
    Refer: native("calling.refer"),
    AddParticipant: unsupported(
        _NO_REST.format(what="add-participant", instead="Redirect to SWML with connect, or RELAY calling.connect")
    ),
    RemoveParticipant: unsupported(
        _NO_REST.format(what="remove-participant", instead="Unbridge (calling.disconnect) or end the other leg")
    ),
    JoinConference: unsupported(
        "calling.join_conference left the REST API in 2026-07: Redirect to SWML with join_conference"
    ),
    LeaveConference: unsupported("no conference commands over REST: Redirect to SWML, or end the call's leg"),
    Hold: unsupported(
        _NO_REST.format(
            what="media hold (calling.ai_hold holds an AI agent, not the call)",
            instead="play hold music with Play, or RELAY calling.hold",
        )
    ),
    Unhold: unsupported(_NO_REST.format(what="media unhold", instead="stop the music (StopPlayback) or RELAY")),
    Mute: unsupported(_NO_REST.format(what="mute", instead="Redirect to SWML, or mute over RELAY")),
    Unmute: unsupported(_NO_REST.format(what="unmute", instead="Redirect to SWML, or unmute over RELAY")),
    SendDigits: unsupported(
        _NO_REST.format(what="DTMF sending", instead="Dial's send_digits on a new call, or RELAY calling.send_digits")
    ),
    Play: partial(
        "calling.play; a control_id is generated when absent",
        offset="SignalWire plays from the start",
    ),
    PausePlayback: partial("calling.play.pause", control_id=_CONTROL),
    ResumePlayback: partial("calling.play.resume", control_id=_CONTROL),
    StopPlayback: partial("calling.play.stop", control_id=_CONTROL),
    SetPlaybackVolume: partial("calling.play.volume", control_id=_CONTROL),
    SeekPlayback: unsupported(_NO_REST.format(what="seek", instead="stop and Play again")),
    Record: partial(
        "calling.record with record.audio; a control_id is generated when absent",
        format="SignalWire records mp3, wav or mp4",
    ),
    PauseRecording: partial("calling.record.pause", control_id=_CONTROL),
    ResumeRecording: partial("calling.record.resume", control_id=_CONTROL),
    StopRecording: partial("calling.record.stop", control_id=_CONTROL),
    Collect: partial(
        "calling.collect; a control_id is generated when absent",
        prompt="calling.collect plays no prompt: Play it first",
    ),
    StopCollect: partial("calling.collect.stop", control_id=_CONTROL),
    StartInputTimers: partial("calling.collect.start_input_timers", control_id=_CONTROL),
    Detect: native("calling.detect; a control_id is generated when absent"),
    StopDetect: partial("calling.detect.stop", control_id=_CONTROL),
    Tap: native("calling.tap; a control_id is generated when absent"),
    StopTap: partial("calling.tap.stop", control_id=_CONTROL),
    Stream: native("calling.stream; a control_id is generated when absent"),
    StopStream: partial("calling.stream.stop", control_id=_CONTROL),
    Denoise: native("calling.denoise"),
    StopDenoise: native("calling.denoise.stop"),
    Transcribe: native("calling.transcribe; a control_id is generated when absent"),
    StopTranscribe: partial("calling.transcribe.stop", control_id=_CONTROL),
    LiveTranscribe: partial(
        "calling.live_transcribe",
        speech_timeout=_WHOLE_MS,
        vad_silence=_WHOLE_MS,
    ),
    LiveTranslate: partial(
        "calling.live_translate",
        speech_timeout=_WHOLE_MS,
        vad_silence=_WHOLE_MS,
    ),
    AiHold: partial("calling.ai_hold (an AI agent's hold)", timeout="the wire counts whole seconds"),
    AiUnhold: partial("calling.ai_unhold", prompt="the published schema has no prompt for ai_unhold"),
    AiMessage: native("calling.ai_message"),
    AiStop: native("calling.ai.stop"),
    StopFaxSend: partial("calling.send_fax.stop", control_id=_CONTROL),
    StopFaxReceive: partial("calling.receive_fax.stop", control_id=_CONTROL),
    UserEvent: native("calling.user_event"),
}

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
    _base.refuse_long_array(w.codecs, _base.max_items(Dial, "codecs"), f"{P}.codecs")
    _base.refuse_long_array(w.region, _base.max_items(Dial, "region"), f"{P}.region")
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


def _control(cls: type) -> Callable[[Any, _Decoding], Any]:
    return lambda w, d: cls(control_id=w.control_id)


#: command -> (params wire class, decoder); ``dial`` and ``update`` have their own envelopes.
DECODERS: Mapping[str, tuple[type, Callable[[Any, _Decoding], Command]]] = {
    "dial": (_DialParams, _dec_dial),
    "calling.end": (_EndParams, _dec_end),
    "calling.transfer": (_TransferParams, _dec_transfer),
    "calling.disconnect": (_Empty, lambda w, d: Unbridge()),
    "calling.play": (_PlayParams, _dec_play),
    "calling.play.pause": (_Control, _control(PausePlayback)),
    "calling.play.resume": (_Control, _control(ResumePlayback)),
    "calling.play.stop": (_Control, _control(StopPlayback)),
    "calling.play.volume": (_VolumeParams, lambda w, d: SetPlaybackVolume(control_id=w.control_id, volume=w.volume)),
    "calling.record": (_RecordParams, _dec_record),
    "calling.record.pause": (
        _RecordPauseParams,
        lambda w, d: PauseRecording(
            control_id=w.control_id, behavior=_enum(PauseBehavior, w.behavior, f"{P}.behavior")
        ),
    ),
    "calling.record.resume": (_Control, _control(ResumeRecording)),
    "calling.record.stop": (_Control, _control(StopRecording)),
    "calling.collect": (_CollectParams, _dec_collect),
    "calling.collect.stop": (_Control, _control(StopCollect)),
    "calling.collect.start_input_timers": (_Control, _control(StartInputTimers)),
    "calling.detect": (_DetectParams, _dec_detect),
    "calling.detect.stop": (_Control, _control(StopDetect)),
    "calling.tap": (_TapParams, _dec_tap),
    "calling.tap.stop": (_Control, _control(StopTap)),
    "calling.stream": (_StreamParams, _dec_stream),
    "calling.stream.stop": (_Control, _control(StopStream)),
    "calling.denoise": (_Empty, lambda w, d: Denoise()),
    "calling.denoise.stop": (_Empty, lambda w, d: StopDenoise()),
    "calling.transcribe": (
        _TranscribeParams,
        lambda w, d: Transcribe(status_url=w.status_url, control_id=d.control_id(w.control_id)),
    ),
    "calling.transcribe.stop": (_Control, _control(StopTranscribe)),
    "calling.ai_hold": (_AiHoldParams, _dec_ai_hold),
    "calling.ai_unhold": (_AiUnholdParams, _dec_ai_unhold),
    "calling.ai_message": (_AiMessageParams, _dec_ai_message),
    "calling.ai.stop": (_OptionalControl, lambda w, d: AiStop(control_id=w.control_id)),
    "calling.live_transcribe": (_LiveParams, _dec_live_transcribe),
    "calling.live_translate": (_LiveParams, _dec_live_translate),
    "calling.send_fax.stop": (_Control, _control(StopFaxSend)),
    "calling.receive_fax.stop": (_Control, _control(StopFaxReceive)),
    "calling.refer": (_ReferParams, _dec_refer),
    "calling.user_event": (_UserEventParams, lambda w, d: UserEvent(event=w.event)),
}


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
        raise InvalidMessage("$", _base.unexpected_fields(extra, " (update carries the id in params)"))
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


class _Encoder(_MediaEncoder):
    """Per-dialect-instance encoders (the control id generator is injectable)."""

    def dial(self, c: Dial, ctx: Encoding) -> dict[str, Any]:
        if c.swml_url is None and c.swml is None:
            ctx.lose("swml_url", droppable=False)
        for end in (c.source, c.destination):
            if end is not None and end.channel in (Channel.WHATSAPP, Channel.WEBRTC):
                ctx.lose("channel", droppable=False)
        if c.metadata is not None:
            ctx.lose("metadata")
        params = _DialParams(
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
        return {"command": "dial", "params": converter.unstructure(params)}

    def commands(self) -> Mapping[type, Callable[[Any, Encoding], tuple[str, Any]]]:
        return {
            Reject: self.reject,
            Hangup: self.hangup,
            Cancel: lambda c, ctx: ("calling.end", {"reason": "cancel"}),
            Unbridge: lambda c, ctx: ("calling.disconnect", {}),
            Transfer: self.transfer,
            Refer: self.refer,
            Play: self.play,
            PausePlayback: self.sub("calling.play.pause"),
            ResumePlayback: self.sub("calling.play.resume"),
            StopPlayback: self.sub("calling.play.stop"),
            SetPlaybackVolume: self.sub("calling.play.volume", "volume"),
            Record: self.record,
            PauseRecording: self.sub("calling.record.pause", "behavior"),
            ResumeRecording: self.sub("calling.record.resume"),
            StopRecording: self.sub("calling.record.stop"),
            Collect: self.collect,
            StopCollect: self.sub("calling.collect.stop"),
            StartInputTimers: self.sub("calling.collect.start_input_timers"),
            Detect: self.detect,
            StopDetect: self.sub("calling.detect.stop"),
            Tap: self.tap,
            StopTap: self.sub("calling.tap.stop"),
            Stream: self.stream,
            StopStream: self.sub("calling.stream.stop"),
            Denoise: lambda c, ctx: ("calling.denoise", {}),
            StopDenoise: lambda c, ctx: ("calling.denoise.stop", {}),
            Transcribe: lambda c, ctx: (
                "calling.transcribe",
                _drop_none({"control_id": self.control_id(c, ctx), "status_url": c.status_url}),
            ),
            StopTranscribe: self.sub("calling.transcribe.stop"),
            LiveTranscribe: _enc_live_transcribe,
            LiveTranslate: _enc_live_translate,
            AiHold: _enc_ai_hold,
            AiUnhold: _enc_ai_unhold,
            AiMessage: _enc_ai_message,
            AiStop: lambda c, ctx: ("calling.ai.stop", _drop_none({"control_id": c.control_id})),
            StopFaxSend: self.sub("calling.send_fax.stop"),
            StopFaxReceive: self.sub("calling.receive_fax.stop"),
            UserEvent: lambda c, ctx: ("calling.user_event", {"event": thaw_json(c.event)}),
        }

    def sub(self, name: str, *extra: str) -> Callable[[Any, Encoding], tuple[str, Any]]:
        def encode(c: Any, ctx: Encoding) -> tuple[str, Any]:
            if c.control_id is None:
                ctx.lose("control_id", droppable=False)
            params: dict[str, Any] = {"control_id": c.control_id}
            for field in extra:
                value = getattr(c, field)
                if value is not None:
                    params[field] = _wire_value(value)
            return name, params

        return encode

    def reject(self, c: Reject, ctx: Encoding) -> tuple[str, Any]:
        if c.reason is not None:
            ctx.lose("reason")
        reason = "decline"
        if c.cause is HangupCause.USER_BUSY:
            reason = "busy"
        elif c.cause not in (None, HangupCause.CALL_REJECTED):
            ctx.lose("cause")
        return "calling.end", {"reason": reason}

    def hangup(self, c: Hangup, ctx: Encoding) -> tuple[str, Any]:
        if c.cause is None:  # a normal hang-up: said as the spec's example and the SDK say it
            return "calling.end", {"reason": "hangup"}
        reason = REASON_FOR_CAUSE.get(c.cause)
        if reason is None:
            ctx.lose("cause")
            reason = "hangup"  # without its cause it is a normal hang-up, said in its normal form
        return "calling.end", {"reason": reason}

    def transfer(self, c: Transfer, ctx: Encoding) -> tuple[str, Any]:
        if c.swml is not None:
            return "calling.transfer", {"dest": thaw_json(c.swml)}
        if c.swml_url is not None:
            return "calling.transfer", {"dest": c.swml_url}
        assert c.destination is not None
        if c.destination.channel in (Channel.WHATSAPP, Channel.WEBRTC):
            ctx.lose("destination", droppable=False)
        return "calling.transfer", {"dest": c.destination.address}

    def refer(self, c: Refer, ctx: Encoding) -> tuple[str, Any]:
        sip = _drop_none({"to": c.to, "from": c.source, "username": c.username, "password": c.password})
        return "calling.refer", _drop_none({"device": {"type": "sip", "params": sip}, "status_url": c.status_url})


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
