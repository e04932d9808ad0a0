"""Chirp: ``POST /v1/calls/{callId}/commands`` with ``{"type": ..., ...}`` (seed 000).

Sixteen command types with flat camelCase parameters, plus ``POST /v1/calls``
to place a call (reference/dialects.md §2).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any, ClassVar

import attrs

from callglot._wire import HttpRequest
from callglot.canonical import (
    AddParticipant,
    AiHold,
    AiMessage,
    AiStop,
    AiUnhold,
    Answer,
    Audio,
    Cancel,
    Channel,
    Collect,
    Command,
    Denoise,
    Destination,
    Detect,
    Dial,
    Hangup,
    HangupCause,
    Hold,
    JoinConference,
    LeaveConference,
    LiveTranscribe,
    LiveTranslate,
    Mute,
    ParticipantRole,
    PausePlayback,
    PauseRecording,
    Play,
    Record,
    RecordingFormat,
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
from callglot.canonical.types import is_sip_uri
from callglot.capabilities import Capability, emulated, native, partial, unsupported
from callglot.errors import InvalidMessage, InvalidValue

from . import _base
from ._base import Decoded, Dialect, Encoding, at, enum_value, register_wire, route_for, structure

# ---------------------------------------------------------------- wire shapes


@attrs.frozen(kw_only=True)
class _Answer:
    type: str


@attrs.frozen(kw_only=True)
class _Reject:
    type: str
    reason: str | None = None


@attrs.frozen(kw_only=True)
class _Hangup:
    type: str


@attrs.frozen(kw_only=True)
class _Hold:
    type: str
    music_url: str | None = None


@attrs.frozen(kw_only=True)
class _Unhold:
    type: str


@attrs.frozen(kw_only=True)
class _Mute:
    type: str
    participant_id: str


@attrs.frozen(kw_only=True)
class _Unmute:
    type: str
    participant_id: str


@attrs.frozen(kw_only=True)
class _Transfer:
    type: str
    destination: str
    channel: str | None = None


@attrs.frozen(kw_only=True)
class _AddParticipant:
    type: str
    destination: str
    channel: str
    role: str | None = None


@attrs.frozen(kw_only=True)
class _RemoveParticipant:
    type: str
    participant_id: str


@attrs.frozen(kw_only=True)
class _SendDtmf:
    type: str
    digits: str
    participant_id: str | None = None


@attrs.frozen(kw_only=True)
class _PlayAudio:
    type: str
    url: str
    loop: bool | None = None


@attrs.frozen(kw_only=True)
class _StopAudio:
    type: str


@attrs.frozen(kw_only=True)
class _StartRecording:
    type: str
    format: str | None = None


@attrs.frozen(kw_only=True)
class _StopRecording:
    type: str


@attrs.frozen(kw_only=True)
class _SendToVoicemail:
    type: str


@attrs.frozen(kw_only=True)
class _CreateCall:
    from_: str
    to: str
    from_channel: str | None = None
    to_channel: str | None = None
    metadata: dict[str, Any] | None = None


_CAMEL = {
    "music_url": "musicUrl",
    "participant_id": "participantId",
    "from_channel": "fromChannel",
    "to_channel": "toChannel",
}

converter = _base.make_converter()
for _cls in (
    _Answer, _Reject, _Hangup, _Hold, _Unhold, _Mute, _Unmute, _Transfer, _AddParticipant, _RemoveParticipant,
    _SendDtmf, _PlayAudio, _StopAudio, _StartRecording, _StopRecording, _SendToVoicemail, _CreateCall,
):  # fmt: skip
    register_wire(converter, _cls, {k: v for k, v in _CAMEL.items() if k in attrs.fields_dict(_cls)})

CHANNELS = (Channel.PSTN, Channel.WHATSAPP, Channel.WEBRTC)
FORMATS = (RecordingFormat.MP4, RecordingFormat.OGG, RecordingFormat.WEBM)
ROLES = tuple(ParticipantRole)

# ---------------------------------------------------------------- capabilities

_SCRIPTS = "Chirp has no call-control scripts"
_OP_IDS = "Chirp has no operation ids: the command applies to whatever is active"

CAPABILITIES: Mapping[type, Capability] = {
    Dial: partial(
        "POST /v1/calls with from, to, fromChannel, toChannel and metadata",
        destination="Chirp needs a destination address (no destination scripts)",
        channel="Chirp channels are pstn, whatsapp and webrtc; SIP addresses cannot be dialled",
        swml_url=_SCRIPTS,
        swml=_SCRIPTS,
        destination_script=_SCRIPTS,
        sip_username="Chirp does not dial SIP",
        sip_password="Chirp does not dial SIP",
        caller_id="Chirp presents the from address",
        fallback_url=_SCRIPTS,
        status_url="Chirp webhooks are registered per app (POST /v1/webhooks), not per call",
        status_events="Chirp webhooks are registered per app (POST /v1/webhooks), not per call",
        url_method=_SCRIPTS,
        codecs="Chirp picks codecs itself",
        timeout="Chirp has no ring timeout parameter",
        max_price_per_minute="Chirp has no price cap",
        send_digits="send send_dtmf once the call is answered",
        region="Chirp has no region parameter",
        custom_variables="use metadata (an object stored with the call)",
    ),
    Answer: native(),
    Reject: partial("reject", cause="Chirp's reject has no cause code, only a free-text reason"),
    Hangup: partial("hangup", cause="Chirp's hangup has no cause; NORMAL_CLEARING is what it means"),
    Cancel: emulated("Chirp has no cancel: hangup ends an unanswered outbound call"),
    Redirect: unsupported(f"{_SCRIPTS}: send the commands themselves"),
    ReturnToDialplan: unsupported("Chirp has no dialplan: use hangup or transfer"),
    Unbridge: unsupported("Chirp has no bridge to break: use remove_participant"),
    SendToVoicemail: native(),
    Transfer: partial(
        "transfer to a phone number or identifier",
        destination="Chirp transfers to pstn, whatsapp or webrtc destinations, not SIP URIs",
        swml_url=_SCRIPTS,
        swml=_SCRIPTS,
    ),
    Refer: unsupported("Chirp has no SIP REFER: use transfer"),
    AddParticipant: partial(
        "add_participant", destination="Chirp needs an explicit channel of pstn, whatsapp or webrtc"
    ),
    RemoveParticipant: native(),
    JoinConference: unsupported("Chirp has no conference rooms: use add_participant"),
    LeaveConference: unsupported("Chirp has no conference rooms: use remove_participant"),
    Hold: native(),
    Unhold: native(),
    Mute: partial("mute", participant_id="Chirp mutes a named participant only"),
    Unmute: partial("unmute", participant_id="Chirp unmutes a named participant only"),
    SendDigits: native(),
    Play: partial(
        "play_audio plays one audio URL, once or looped forever",
        media="Chirp plays exactly one audio URL (no TTS, silence or ringtones)",
        loop="Chirp loops once (false) or forever (true)",
        volume="Chirp has no playback volume",
        direction="Chirp plays to the whole call",
        language="Chirp has no TTS",
        voice="Chirp has no TTS",
        gender="Chirp has no TTS",
        offset="Chirp always plays from the start",
        status_url="Chirp webhooks are registered per app",
        control_id=_OP_IDS,
    ),
    PausePlayback: unsupported("Chirp cannot pause audio: use stop_audio"),
    ResumePlayback: unsupported("Chirp cannot pause audio: play_audio again"),
    StopPlayback: partial("stop_audio stops any audio", control_id=_OP_IDS),
    SetPlaybackVolume: unsupported("Chirp has no playback volume"),
    SeekPlayback: unsupported("Chirp cannot seek: stop_audio and play_audio again"),
    Record: partial(
        "start_recording with a format of mp4, ogg or webm",
        format="Chirp records mp4, ogg or webm",
        beep="Chirp has no recording beep",
        stereo="Chirp has no stereo option",
        direction="Chirp records the whole call",
        initial_timeout="Chirp records until stopped or the call ends",
        end_silence_timeout="Chirp records until stopped or the call ends",
        max_length="Chirp's maximum length is app configuration",
        terminators="Chirp records until stopped or the call ends",
        input_sensitivity="Chirp has no sensitivity setting",
        status_url="calls.recording.completed goes to the app's webhooks",
        control_id=_OP_IDS,
    ),
    PauseRecording: unsupported("Chirp cannot pause a recording: stop_recording and start again"),
    ResumeRecording: unsupported("Chirp cannot pause a recording: start_recording again"),
    StopRecording: partial("stop_recording", control_id=_OP_IDS),
    Collect: unsupported("Chirp's REST commands collect no input: use its DTMF webhooks"),
    StopCollect: unsupported("Chirp has no input collection"),
    StartInputTimers: unsupported("Chirp has no input collection"),
    Detect: unsupported("Chirp has no detectors"),
    StopDetect: unsupported("Chirp has no detectors"),
    Tap: unsupported("Chirp has no media tap"),
    StopTap: unsupported("Chirp has no media tap"),
    Stream: unsupported("Chirp has no media streaming command"),
    StopStream: unsupported("Chirp has no media streaming command"),
    Denoise: unsupported("Chirp has no noise reduction"),
    StopDenoise: unsupported("Chirp has no noise reduction"),
    Transcribe: unsupported("Chirp transcribes voicemails only"),
    StopTranscribe: unsupported("Chirp transcribes voicemails only"),
    LiveTranscribe: unsupported("Chirp has no live transcription"),
    LiveTranslate: unsupported("Chirp has no live translation"),
    AiHold: unsupported("Chirp has no AI agent: use hold"),
    AiUnhold: unsupported("Chirp has no AI agent: use unhold"),
    AiMessage: unsupported("Chirp has no AI agent"),
    AiStop: unsupported("Chirp has no AI agent"),
    StopFaxSend: unsupported("Chirp has no fax"),
    StopFaxReceive: unsupported("Chirp has no fax"),
    UserEvent: unsupported("Chirp has no custom call events: keep them in call metadata"),
}

# ---------------------------------------------------------------- decode


def _destination(address: str, channel: str | None, path: str, channel_path: str = "$.channel") -> Destination:
    kind = None if channel is None else enum_value(Channel, channel, channel_path, CHANNELS)
    if kind is None and is_sip_uri(address):
        raise InvalidMessage(path, "Chirp destinations are phone numbers or identifiers, not SIP URIs")
    with at(path):
        return Destination(address=address, channel=kind)


def _dec_play(w: _PlayAudio) -> Play:
    with at("$.url"):
        media = (Audio(url=w.url),)
    return Play(media=media, loop=None if w.loop is None else (0 if w.loop else 1))


def _dec_record(w: _StartRecording) -> Record:
    fmt = None if w.format is None else enum_value(RecordingFormat, w.format, "$.format", FORMATS)
    return Record(format=fmt)


def _dec_add(w: _AddParticipant) -> AddParticipant:
    role = None if w.role is None else enum_value(ParticipantRole, w.role, "$.role", ROLES)
    return AddParticipant(destination=_destination(w.destination, w.channel, "$.destination"), role=role)


#: wire tag -> (wire class, decoder)
DECODERS: Mapping[str, tuple[type, Callable[[Any], Command]]] = {
    "answer": (_Answer, lambda w: Answer()),
    "reject": (_Reject, lambda w: Reject(reason=w.reason)),
    "hangup": (_Hangup, lambda w: Hangup()),
    "hold": (_Hold, lambda w: Hold(music_url=w.music_url)),
    "unhold": (_Unhold, lambda w: Unhold()),
    "mute": (_Mute, lambda w: Mute(participant_id=w.participant_id)),
    "unmute": (_Unmute, lambda w: Unmute(participant_id=w.participant_id)),
    "transfer": (_Transfer, lambda w: Transfer(destination=_destination(w.destination, w.channel, "$.destination"))),
    "add_participant": (_AddParticipant, _dec_add),
    "remove_participant": (_RemoveParticipant, lambda w: RemoveParticipant(participant_id=w.participant_id)),
    "send_dtmf": (_SendDtmf, lambda w: SendDigits(digits=w.digits, participant_id=w.participant_id)),
    "play_audio": (_PlayAudio, _dec_play),
    "stop_audio": (_StopAudio, lambda w: StopPlayback()),
    "start_recording": (_StartRecording, _dec_record),
    "stop_recording": (_StopRecording, lambda w: StopRecording()),
    "send_to_voicemail": (_SendToVoicemail, lambda w: SendToVoicemail()),
}

# Canonical field -> wire key, for errors raised by canonical constructors.
_FIELD_PATHS = {"music_url": "$.musicUrl", "participant_id": "$.participantId", "reason": "$.reason",
                "digits": "$.digits", "url": "$.url"}  # fmt: skip

# ---------------------------------------------------------------- encode


def _enc_destination(destination: Destination, ctx: Encoding, *, required_channel: bool) -> tuple[str, str | None]:
    channel = destination.channel
    sip = channel is Channel.SIP or is_sip_uri(destination.address)
    if sip or (required_channel and channel is None):
        ctx.lose("destination", droppable=False)
    return destination.address, None if channel is None else str(channel)


def _enc_play(c: Play, ctx: Encoding) -> _PlayAudio:
    if len(c.media) != 1 or not isinstance(c.media[0], Audio):
        ctx.lose("media", droppable=False)
    media = c.media[0]
    assert isinstance(media, Audio)
    loop: bool | None = None
    if c.loop is not None:
        if c.loop in (0, 1):
            loop = c.loop == 0
        else:
            ctx.lose("loop")
    for name in ("volume", "direction", "language", "voice", "gender", "offset", "status_url", "control_id"):
        if getattr(c, name) is not None:
            ctx.lose(name)
    return _PlayAudio(type="play_audio", url=media.url, loop=loop)


_RECORD_EXTRAS = ("beep", "stereo", "direction", "initial_timeout", "end_silence_timeout", "max_length",
                  "terminators", "input_sensitivity", "status_url", "control_id")  # fmt: skip


def _enc_record(c: Record, ctx: Encoding) -> _StartRecording:
    fmt: str | None = None
    if c.format is not None:
        if c.format in FORMATS:
            fmt = str(c.format)
        else:
            ctx.lose("format")
    for name in _RECORD_EXTRAS:
        if getattr(c, name) is not None:
            ctx.lose(name)
    return _StartRecording(type="start_recording", format=fmt)


def _enc_reject(c: Reject, ctx: Encoding) -> _Reject:
    if c.cause is not None:
        ctx.lose("cause")
    return _Reject(type="reject", reason=c.reason)


def _enc_hangup(c: Hangup, ctx: Encoding) -> _Hangup:
    if c.cause not in (None, HangupCause.NORMAL_CLEARING):
        ctx.lose("cause")
    return _Hangup(type="hangup")


def _enc_transfer(c: Transfer, ctx: Encoding) -> _Transfer:
    if c.destination is None:
        ctx.lose("swml_url" if c.swml_url is not None else "swml", droppable=False)
    assert c.destination is not None
    address, channel = _enc_destination(c.destination, ctx, required_channel=False)
    return _Transfer(type="transfer", destination=address, channel=channel)


def _enc_add(c: AddParticipant, ctx: Encoding) -> _AddParticipant:
    address, channel = _enc_destination(c.destination, ctx, required_channel=True)
    assert channel is not None
    return _AddParticipant(
        type="add_participant", destination=address, channel=channel, role=None if c.role is None else str(c.role)
    )


def _enc_participant(c: Mute | Unmute, ctx: Encoding) -> _Mute | _Unmute:
    if c.participant_id is None:
        ctx.lose("participant_id", droppable=False)
    assert c.participant_id is not None
    if isinstance(c, Mute):
        return _Mute(type="mute", participant_id=c.participant_id)
    return _Unmute(type="unmute", participant_id=c.participant_id)


def _enc_stop(wire_cls: type, tag: str) -> Callable[[Any, Encoding], Any]:
    def encode(c: Any, ctx: Encoding) -> Any:
        if c.control_id is not None:
            ctx.lose("control_id")
        return wire_cls(type=tag)

    return encode


ENCODERS: Mapping[type, Callable[[Any, Encoding], Any]] = {
    Answer: lambda c, ctx: _Answer(type="answer"),
    Reject: _enc_reject,
    Hangup: _enc_hangup,
    Cancel: lambda c, ctx: _Hangup(type="hangup"),
    SendToVoicemail: lambda c, ctx: _SendToVoicemail(type="send_to_voicemail"),
    Transfer: _enc_transfer,
    AddParticipant: _enc_add,
    RemoveParticipant: lambda c, ctx: _RemoveParticipant(type="remove_participant", participant_id=c.participant_id),
    Hold: lambda c, ctx: _Hold(type="hold", music_url=c.music_url),
    Unhold: lambda c, ctx: _Unhold(type="unhold"),
    Mute: _enc_participant,
    Unmute: _enc_participant,
    SendDigits: lambda c, ctx: _SendDtmf(type="send_dtmf", digits=c.digits, participant_id=c.participant_id),
    Play: _enc_play,
    StopPlayback: _enc_stop(_StopAudio, "stop_audio"),
    Record: _enc_record,
    StopRecording: _enc_stop(_StopRecording, "stop_recording"),
}

_DIAL_EXTRAS = ("swml_url", "swml", "destination_script", "sip_username", "sip_password", "caller_id",
                "fallback_url", "status_url", "status_events", "url_method", "codecs", "timeout",
                "max_price_per_minute", "send_digits", "region", "custom_variables")  # fmt: skip


def _enc_dial(c: Dial, ctx: Encoding) -> dict[str, Any]:
    if c.destination is None:
        ctx.lose("destination", droppable=False)
    assert c.destination is not None
    for end in (c.source, c.destination):
        if end.channel is Channel.SIP or is_sip_uri(end.address):
            ctx.lose("channel", droppable=False)
    for name in _DIAL_EXTRAS:
        if getattr(c, name) is not None:
            ctx.lose(name)
    body = _CreateCall(
        from_=c.source.address,
        to=c.destination.address,
        from_channel=None if c.source.channel is None else str(c.source.channel),
        to_channel=None if c.destination.channel is None else str(c.destination.channel),
        metadata=None if c.metadata is None else thaw_json(c.metadata),
    )
    out: dict[str, Any] = converter.unstructure(body)
    return out


# ---------------------------------------------------------------- the dialect

_COMMANDS_PATH = re.compile(r"/v1/calls/([^/]+)/commands")


class ChirpDialect(Dialect):
    name = "chirp"
    summary = (
        "Chirp (api.buildwithchirp.com): `POST /v1/calls/{callId}/commands` with a `type` field and flat "
        "camelCase parameters; `POST /v1/calls` places a call. No idempotency key, no operation ids."
    )
    schema_file = "chirp.schema.json"
    capabilities: ClassVar[Mapping[type, Capability]] = CAPABILITIES
    call_free = frozenset({Dial})
    command_id_note = "Chirp has no idempotency key"

    def _encode(self, command: Command, ctx: Encoding, call_id: str | None, command_id: str | None) -> HttpRequest:
        if isinstance(command, Dial):
            return HttpRequest(method="POST", path="/v1/calls", body=_enc_dial(command, ctx))
        body: dict[str, Any] = converter.unstructure(ENCODERS[type(command)](command, ctx))
        return HttpRequest(method="POST", path=f"/v1/calls/{call_id}/commands", body=body)

    def request_for_body(self, body: Any, call_id: str | None) -> HttpRequest:
        if isinstance(body, dict) and "type" not in body and "from" in body:
            return HttpRequest(method="POST", path="/v1/calls", body=body)
        return HttpRequest(method="POST", path=f"/v1/calls/{_base.require_call_id(call_id)}/commands", body=body)

    def _decode(self, request: HttpRequest) -> Decoded:
        if request.method.upper() != "POST":
            raise InvalidMessage("$", f"Chirp commands are POSTed, not sent with {request.method[:16]}")
        body = request.body
        if request.path == "/v1/calls":
            return Decoded(command=_dec_dial(structure(converter, body, _CreateCall)))
        match = _COMMANDS_PATH.fullmatch(request.path)
        if match is None:
            raise InvalidMessage("$", "path must be /v1/calls/{callId}/commands or /v1/calls")
        call_id = _base.check_call_id(match.group(1))
        if not isinstance(body, dict):
            raise InvalidMessage("$", f"expected a JSON object, got {_base._json_type(body)}")
        if "type" not in body:
            raise InvalidMessage("$.type", "required field missing")
        wire_cls, decoder = route_for(DECODERS, body["type"], "$.type", "command type")
        parsed = structure(converter, body, wire_cls)
        try:
            command = decoder(parsed)
        except InvalidValue as exc:
            raise InvalidMessage(_FIELD_PATHS.get(exc.field, "$"), exc.reason) from None
        return Decoded(command=command, call_id=call_id)


def _dec_dial(w: _CreateCall) -> Dial:
    source = _destination(w.from_, w.from_channel, "$.from", "$.fromChannel")
    destination = _destination(w.to, w.to_channel, "$.to", "$.toChannel")
    with at("$.metadata"):
        metadata = None if w.metadata is None else freeze_json(w.metadata, "metadata")
    return Dial(source=source, destination=destination, metadata=metadata)


_base.check_capability_table(ChirpDialect)
