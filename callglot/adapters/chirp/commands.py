"""Chirp's commands: ``POST /v1/calls/{callId}/commands`` with ``{"type": ..., ...}`` (seed 000).

Sixteen command types with flat camelCase parameters, plus ``POST /v1/calls``
to place a call (reference/dialects.md §2): their wire shapes, capabilities,
decoders and encoders.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from callglot._frozen import frozen
from callglot.adapters._base import Encoding, at, enum_value, route_for
from callglot.adapters._routes import Route, RouteTable
from callglot.adapters._structure import require_object, structure
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
from callglot.canonical.types import is_e164, is_sip_uri
from callglot.capabilities import Capability, Support
from callglot.errors import InvalidMessage, InvalidValue

from ._wire import (
    FORMATS,
    OP_IDS,
    converter,
    decode_channel,
    decode_format,
    encode_choice,
    invalid_at,
    register,
)

# ---------------------------------------------------------------- wire shapes


@frozen(kw_only=True)
class _Answer:
    type: str


@frozen(kw_only=True)
class _Reject:
    type: str
    reason: str | None = None


@frozen(kw_only=True)
class _Hangup:
    type: str


@frozen(kw_only=True)
class _Hold:
    type: str
    music_url: str | None = None


@frozen(kw_only=True)
class _Unhold:
    type: str


@frozen(kw_only=True)
class _Mute:
    type: str
    participant_id: str


@frozen(kw_only=True)
class _Unmute:
    type: str
    participant_id: str


@frozen(kw_only=True)
class _Transfer:
    type: str
    destination: str
    channel: str | None = None


@frozen(kw_only=True)
class _AddParticipant:
    type: str
    destination: str
    channel: str
    role: str | None = None


@frozen(kw_only=True)
class _RemoveParticipant:
    type: str
    participant_id: str


@frozen(kw_only=True)
class _SendDtmf:
    type: str
    digits: str
    participant_id: str | None = None


@frozen(kw_only=True)
class _PlayAudio:
    type: str
    url: str
    loop: bool | None = None


@frozen(kw_only=True)
class _StopAudio:
    type: str


@frozen(kw_only=True)
class _StartRecording:
    type: str
    format: str | None = None


@frozen(kw_only=True)
class _StopRecording:
    type: str


@frozen(kw_only=True)
class _SendToVoicemail:
    type: str


@frozen(kw_only=True)
class _CreateCall:
    from_: str
    to: str
    from_channel: str | None = None
    to_channel: str | None = None
    metadata: dict[str, Any] | None = None


register(
    _Answer, _Reject, _Hangup, _Hold, _Unhold, _Mute, _Unmute, _Transfer, _AddParticipant, _RemoveParticipant,
    _SendDtmf, _PlayAudio, _StopAudio, _StartRecording, _StopRecording, _SendToVoicemail, _CreateCall,
)  # fmt: skip

ROLES = tuple(ParticipantRole)

# ---------------------------------------------------------------- hooks


def _destination(address: str, channel: str | None, path: str, channel_path: str = "$.channel") -> Destination:
    kind = None if channel is None else decode_channel(channel, channel_path)
    if kind is None and is_sip_uri(address):
        raise InvalidMessage(path, "Chirp destinations are phone numbers or identifiers, not SIP URIs")
    with at(path):
        return Destination(address=address, channel=kind)


def _is_sip(destination: Destination) -> bool:
    """Whether ``destination`` is a SIP endpoint, by the rule _destination decodes with: an explicit
    Chirp channel makes the address an identifier of that channel, whatever it looks like."""
    channel = destination.channel
    return channel is Channel.SIP or (channel is None and is_sip_uri(destination.address))


def _enc_destination(destination: Destination, ctx: Encoding, *, required_channel: bool) -> tuple[str, str | None]:
    channel = destination.channel
    if channel is None and is_e164(destination.address):
        channel = Channel.PSTN  # what channel None means for an E.164 number, said as the seed says it
    if _is_sip(destination) or (required_channel and channel is None):
        ctx.lose("destination", droppable=False)
    return destination.address, None if channel is None else str(channel)


def _dec_dial(w: _CreateCall) -> Dial:
    source = _destination(w.from_, w.from_channel, "$.from", "$.fromChannel")
    destination = _destination(w.to, w.to_channel, "$.to", "$.toChannel")
    with at("$.metadata"):
        metadata = None if w.metadata is None else freeze_json(w.metadata, "metadata")
    return Dial(source=source, destination=destination, metadata=metadata)


def _enc_dial(c: Dial, ctx: Encoding) -> _CreateCall:
    if c.destination is None:
        ctx.lose("destination", droppable=False)
    assert c.destination is not None
    for end in (c.source, c.destination):
        if _is_sip(end):
            ctx.lose("channel", droppable=False)
    return _CreateCall(
        from_=c.source.address,
        to=c.destination.address,
        from_channel=None if c.source.channel is None else str(c.source.channel),
        to_channel=None if c.destination.channel is None else str(c.destination.channel),
        metadata=None if c.metadata is None else thaw_json(c.metadata),
    )


def _dec_transfer(w: _Transfer) -> Transfer:
    return Transfer(destination=_destination(w.destination, w.channel, "$.destination"))


def _enc_transfer(c: Transfer, ctx: Encoding) -> _Transfer:
    if c.destination is None:
        ctx.lose("swml_url" if c.swml_url is not None else "swml", droppable=False)
    assert c.destination is not None
    address, channel = _enc_destination(c.destination, ctx, required_channel=False)
    return _Transfer(type="transfer", destination=address, channel=channel)


def _dec_add(w: _AddParticipant) -> AddParticipant:
    role = None if w.role is None else enum_value(ParticipantRole, w.role, "$.role", ROLES)
    return AddParticipant(destination=_destination(w.destination, w.channel, "$.destination"), role=role)


def _enc_add(c: AddParticipant, ctx: Encoding) -> _AddParticipant:
    address, channel = _enc_destination(c.destination, ctx, required_channel=True)
    assert channel is not None
    return _AddParticipant(
        type="add_participant", destination=address, channel=channel, role=None if c.role is None else str(c.role)
    )


def _enc_participant(wire: type) -> Callable[[Any, Encoding], Any]:
    def encode(c: Mute | Unmute, ctx: Encoding) -> Any:
        if c.participant_id is None:
            ctx.lose("participant_id", droppable=False)
        return wire(type="mute" if wire is _Mute else "unmute", participant_id=c.participant_id)

    return encode


def _dec_play(w: _PlayAudio) -> Play:
    with at("$.url"):
        media = (Audio(url=w.url),)
    return Play(media=media, loop=None if w.loop is None else (0 if w.loop else 1))


def _enc_play(c: Play, ctx: Encoding) -> _PlayAudio:
    if len(c.media) != 1 or not isinstance(c.media[0], Audio):
        ctx.lose("media", droppable=False)
    media = c.media[0]
    assert isinstance(media, Audio)
    loop: bool | None = False  # once (canonical None) is said as the seed says it, not by leaving loop out
    if c.loop == 0:
        loop = True
    elif c.loop is not None:
        ctx.lose("loop")  # and plays once, said in the normal form
    return _PlayAudio(type="play_audio", url=media.url, loop=loop)


def _dec_record(w: _StartRecording) -> Record:
    return Record(format=None if w.format is None else decode_format(w.format, "$.format"))


def _enc_record(c: Record, ctx: Encoding) -> _StartRecording:
    return _StartRecording(type="start_recording", format=encode_choice(c.format, FORMATS, "format", ctx))


# ---------------------------------------------------------------- the routes

_SCRIPTS = "Chirp has no call-control scripts"
_PER_APP = "Chirp webhooks are registered per app (POST /v1/webhooks), not per call"
_NO_TTS = "Chirp has no TTS"
_UNTIL_STOPPED = "Chirp records until stopped or the call ends"

ROUTES = RouteTable(
    (
        Route(
            command=Dial,
            tag="dial",  # POST /v1/calls: the path names it, not a type (see decode_dial)
            wire=_CreateCall,
            note="POST /v1/calls with from, to, fromChannel, toChannel and metadata",
            lost={
                "destination": "Chirp needs a destination address (no destination scripts)",
                "channel": "Chirp channels are pstn, whatsapp and webrtc; SIP addresses cannot be dialled",
                "swml_url": _SCRIPTS,
                "swml": _SCRIPTS,
                "destination_script": _SCRIPTS,
                "sip_username": "Chirp does not dial SIP",
                "sip_password": "Chirp does not dial SIP",
                "caller_id": "Chirp presents the from address",
                "fallback_url": _SCRIPTS,
                "status_url": _PER_APP,
                "status_events": _PER_APP,
                "url_method": _SCRIPTS,
                "codecs": "Chirp picks codecs itself",
                "timeout": "Chirp has no ring timeout parameter",
                "max_price_per_minute": "Chirp has no price cap",
                "send_digits": "send send_dtmf once the call is answered",
                "region": "Chirp has no region parameter",
                "custom_variables": "use metadata (an object stored with the call)",
            },
            decided=("destination", "channel"),
            decode=_dec_dial,
            encode=_enc_dial,
            decodes=False,
        ),
        Route(command=Answer, tag="answer", wire=_Answer),
        Route(
            command=Reject,
            tag="reject",
            wire=_Reject,
            note="reject",
            fields={"reason": "reason"},
            lost={"cause": "Chirp's reject has no cause code, only a free-text reason"},
        ),
        Route(
            command=Hangup,
            tag="hangup",
            wire=_Hangup,
            note="hangup",
            lost={"cause": "Chirp's hangup has no cause; NORMAL_CLEARING is what it means"},
        ),
        Route(
            command=Cancel,
            tag="hangup",
            wire=_Hangup,
            support=Support.EMULATED,
            note="Chirp has no cancel: hangup ends an unanswered outbound call",
            decodes=False,
        ),
        Route(command=SendToVoicemail, tag="send_to_voicemail", wire=_SendToVoicemail),
        Route(
            command=Transfer,
            tag="transfer",
            wire=_Transfer,
            note="transfer to a phone number or identifier",
            lost={
                "destination": "Chirp transfers to pstn, whatsapp or webrtc destinations, not SIP URIs",
                "swml_url": _SCRIPTS,
                "swml": _SCRIPTS,
            },
            decided=("destination", "swml_url", "swml"),
            decode=_dec_transfer,
            encode=_enc_transfer,
        ),
        Route(
            command=AddParticipant,
            tag="add_participant",
            wire=_AddParticipant,
            note="add_participant",
            lost={
                "destination": "Chirp needs a channel of pstn, whatsapp or webrtc (an E.164 number without one goes "
                "by pstn)"
            },
            decided=("destination",),
            decode=_dec_add,
            encode=_enc_add,
        ),
        Route(
            command=RemoveParticipant,
            tag="remove_participant",
            wire=_RemoveParticipant,
            fields={"participant_id": "participant_id"},
        ),
        Route(command=Hold, tag="hold", wire=_Hold, fields={"music_url": "music_url"}),
        Route(command=Unhold, tag="unhold", wire=_Unhold),
        Route(
            command=Mute,
            tag="mute",
            wire=_Mute,
            note="mute",
            fields={"participant_id": "participant_id"},
            lost={"participant_id": "Chirp mutes a named participant only"},
            decided=("participant_id",),
            encode=_enc_participant(_Mute),
        ),
        Route(
            command=Unmute,
            tag="unmute",
            wire=_Unmute,
            note="unmute",
            fields={"participant_id": "participant_id"},
            lost={"participant_id": "Chirp unmutes a named participant only"},
            decided=("participant_id",),
            encode=_enc_participant(_Unmute),
        ),
        Route(
            command=SendDigits,
            tag="send_dtmf",
            wire=_SendDtmf,
            fields={"digits": "digits", "participant_id": "participant_id"},
        ),
        Route(
            command=Play,
            tag="play_audio",
            wire=_PlayAudio,
            note="play_audio plays one audio URL, once or looped forever",
            lost={
                "media": "Chirp plays exactly one audio URL (no TTS, silence or ringtones)",
                "loop": "Chirp loops once (false) or forever (true)",
                "volume": "Chirp has no playback volume",
                "direction": "Chirp plays to the whole call",
                "language": _NO_TTS,
                "voice": _NO_TTS,
                "gender": _NO_TTS,
                "offset": "Chirp always plays from the start",
                "status_url": "Chirp webhooks are registered per app",
                "control_id": OP_IDS,
            },
            decided=("media", "loop"),
            decode=_dec_play,
            encode=_enc_play,
        ),
        Route(
            command=StopPlayback,
            tag="stop_audio",
            wire=_StopAudio,
            note="stop_audio stops any audio",
            lost={"control_id": OP_IDS},
        ),
        Route(
            command=Record,
            tag="start_recording",
            wire=_StartRecording,
            note="start_recording with a format of mp4, ogg or webm",
            lost={
                "format": "Chirp records mp4, ogg or webm",
                "beep": "Chirp has no recording beep",
                "stereo": "Chirp has no stereo option",
                "direction": "Chirp records the whole call",
                "initial_timeout": _UNTIL_STOPPED,
                "end_silence_timeout": _UNTIL_STOPPED,
                "max_length": "Chirp's maximum length is app configuration",
                "terminators": _UNTIL_STOPPED,
                "input_sensitivity": "Chirp has no sensitivity setting",
                "status_url": "calls.recording.completed goes to the app's webhooks",
                "control_id": OP_IDS,
            },
            decided=("format",),
            decode=_dec_record,
            encode=_enc_record,
        ),
        Route(
            command=StopRecording,
            tag="stop_recording",
            wire=_StopRecording,
            note="stop_recording",
            lost={"control_id": OP_IDS},
        ),
    ),
    unsupported={
        Redirect: f"{_SCRIPTS}: send the commands themselves",
        ReturnToDialplan: "Chirp has no dialplan: use hangup or transfer",
        Unbridge: "Chirp has no bridge to break: use remove_participant",
        Refer: "Chirp has no SIP REFER: use transfer",
        JoinConference: "Chirp has no conference rooms: use add_participant",
        LeaveConference: "Chirp has no conference rooms: use remove_participant",
        PausePlayback: "Chirp cannot pause audio: use stop_audio",
        ResumePlayback: "Chirp cannot pause audio: play_audio again",
        SetPlaybackVolume: "Chirp has no playback volume",
        SeekPlayback: "Chirp cannot seek: stop_audio and play_audio again",
        PauseRecording: "Chirp cannot pause a recording: stop_recording and start again",
        ResumeRecording: "Chirp cannot pause a recording: start_recording again",
        Collect: "Chirp's REST commands collect no input (and no DTMF webhook is documented)",
        StopCollect: "Chirp has no input collection",
        StartInputTimers: "Chirp has no input collection",
        Detect: "Chirp has no detectors",
        StopDetect: "Chirp has no detectors",
        Tap: "Chirp has no media tap",
        StopTap: "Chirp has no media tap",
        Stream: "Chirp has no media streaming command",
        StopStream: "Chirp has no media streaming command",
        Denoise: "Chirp has no noise reduction",
        StopDenoise: "Chirp has no noise reduction",
        Transcribe: "Chirp transcribes voicemails only",
        StopTranscribe: "Chirp transcribes voicemails only",
        LiveTranscribe: "Chirp has no live transcription",
        LiveTranslate: "Chirp has no live translation",
        AiHold: "Chirp has no AI agent: use hold",
        AiUnhold: "Chirp has no AI agent: use unhold",
        AiMessage: "Chirp has no AI agent",
        AiStop: "Chirp has no AI agent",
        StopFaxSend: "Chirp has no fax",
        StopFaxReceive: "Chirp has no fax",
        UserEvent: "Chirp has no custom call events: keep them in call metadata",
    },
    tag_field="type",
    dialect="chirp",
)
CAPABILITIES: Mapping[type, Capability] = ROUTES.capabilities
#: wire tag -> (wire class, decoder)
DECODERS = ROUTES.decoders
#: canonical command -> encoder of its wire shape
ENCODERS = ROUTES.encoders
# Canonical field -> wire key, for an error a canonical constructor raises outside the routes' own mapping.
_FIELD_PATHS = {"music_url": "$.musicUrl", "participant_id": "$.participantId", "reason": "$.reason",
                "digits": "$.digits", "url": "$.url"}  # fmt: skip

# ---------------------------------------------------------------- requests


def decode_dial(body: Any) -> Dial:
    """A ``POST /v1/calls`` body as the Dial it places."""
    return _dec_dial(structure(converter, body, _CreateCall))


def decode_command(body: Any) -> Command:
    """A ``POST /v1/calls/{callId}/commands`` body as its canonical command."""
    require_object(body)
    if "type" not in body:
        raise InvalidMessage("$.type", "required field missing")
    wire_cls, decoder = route_for(DECODERS, body["type"], "$.type", "command type")
    parsed = structure(converter, body, wire_cls)
    try:
        command: Command = decoder(parsed)
    except InvalidValue as exc:
        raise invalid_at(exc, _FIELD_PATHS) from None
    return command


def encode_dial(c: Dial, ctx: Encoding) -> dict[str, Any]:
    """``POST /v1/calls``'s body."""
    out: dict[str, Any] = converter.unstructure(ENCODERS[Dial](c, ctx))
    return out


def encode_command(command: Command, ctx: Encoding) -> dict[str, Any]:
    """A call's command as its ``POST /v1/calls/{callId}/commands`` body."""
    body: dict[str, Any] = converter.unstructure(ENCODERS[type(command)](command, ctx))
    return body
