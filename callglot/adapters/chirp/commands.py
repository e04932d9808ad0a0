"""Chirp's commands: ``POST /v1/calls/{callId}/commands`` with ``{"type": ..., ...}`` (seed 000).

Sixteen command types with flat camelCase parameters, plus ``POST /v1/calls``
to place a call (reference/dialects.md §2): their wire shapes, capabilities,
decoders and encoders.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import attrs

from callglot.adapters._base import Encoding, at, enum_value, route_for, structure
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
from callglot.capabilities import Capability, emulated, native, partial, unsupported
from callglot.errors import InvalidMessage, InvalidValue

from ._wire import (
    FORMATS,
    OP_IDS,
    converter,
    decode_channel,
    decode_format,
    encode_choice,
    invalid_at,
    lose_present,
    register,
    require_object,
)

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


register(
    _Answer, _Reject, _Hangup, _Hold, _Unhold, _Mute, _Unmute, _Transfer, _AddParticipant, _RemoveParticipant,
    _SendDtmf, _PlayAudio, _StopAudio, _StartRecording, _StopRecording, _SendToVoicemail, _CreateCall,
)  # fmt: skip

ROLES = tuple(ParticipantRole)

# ---------------------------------------------------------------- capabilities

_SCRIPTS = "Chirp has no call-control scripts"

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
        "add_participant",
        destination="Chirp needs a channel of pstn, whatsapp or webrtc (an E.164 number without one goes by pstn)",
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
        control_id=OP_IDS,
    ),
    PausePlayback: unsupported("Chirp cannot pause audio: use stop_audio"),
    ResumePlayback: unsupported("Chirp cannot pause audio: play_audio again"),
    StopPlayback: partial("stop_audio stops any audio", control_id=OP_IDS),
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
        control_id=OP_IDS,
    ),
    PauseRecording: unsupported("Chirp cannot pause a recording: stop_recording and start again"),
    ResumeRecording: unsupported("Chirp cannot pause a recording: start_recording again"),
    StopRecording: partial("stop_recording", control_id=OP_IDS),
    Collect: unsupported("Chirp's REST commands collect no input (and no DTMF webhook is documented)"),
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
    kind = None if channel is None else decode_channel(channel, channel_path)
    if kind is None and is_sip_uri(address):
        raise InvalidMessage(path, "Chirp destinations are phone numbers or identifiers, not SIP URIs")
    with at(path):
        return Destination(address=address, channel=kind)


def _dec_play(w: _PlayAudio) -> Play:
    with at("$.url"):
        media = (Audio(url=w.url),)
    return Play(media=media, loop=None if w.loop is None else (0 if w.loop else 1))


def _dec_record(w: _StartRecording) -> Record:
    return Record(format=None if w.format is None else decode_format(w.format, "$.format"))


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


def _dec_dial(w: _CreateCall) -> Dial:
    source = _destination(w.from_, w.from_channel, "$.from", "$.fromChannel")
    destination = _destination(w.to, w.to_channel, "$.to", "$.toChannel")
    with at("$.metadata"):
        metadata = None if w.metadata is None else freeze_json(w.metadata, "metadata")
    return Dial(source=source, destination=destination, metadata=metadata)


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


# ---------------------------------------------------------------- encode


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
    lose_present(c, ("volume", "direction", "language", "voice", "gender", "offset", "status_url", "control_id"), ctx)
    return _PlayAudio(type="play_audio", url=media.url, loop=loop)


_RECORD_EXTRAS = ("beep", "stereo", "direction", "initial_timeout", "end_silence_timeout", "max_length",
                  "terminators", "input_sensitivity", "status_url", "control_id")  # fmt: skip


def _enc_record(c: Record, ctx: Encoding) -> _StartRecording:
    fmt = encode_choice(c.format, FORMATS, "format", ctx)
    lose_present(c, _RECORD_EXTRAS, ctx)
    return _StartRecording(type="start_recording", format=fmt)


def _enc_reject(c: Reject, ctx: Encoding) -> _Reject:
    if c.cause is not None:
        ctx.lose("cause")
    return _Reject(type="reject", reason=c.reason)


def _enc_hangup(c: Hangup, ctx: Encoding) -> _Hangup:
    if c.cause is not None:  # None is NORMAL_CLEARING, what Chirp's causeless hangup means
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


#: canonical command -> encoder of its wire shape (Dial, which needs no call, has encode_dial).
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


def encode_dial(c: Dial, ctx: Encoding) -> dict[str, Any]:
    """``POST /v1/calls``'s body."""
    if c.destination is None:
        ctx.lose("destination", droppable=False)
    assert c.destination is not None
    for end in (c.source, c.destination):
        if _is_sip(end):
            ctx.lose("channel", droppable=False)
    lose_present(c, _DIAL_EXTRAS, ctx)
    body = _CreateCall(
        from_=c.source.address,
        to=c.destination.address,
        from_channel=None if c.source.channel is None else str(c.source.channel),
        to_channel=None if c.destination.channel is None else str(c.destination.channel),
        metadata=None if c.metadata is None else thaw_json(c.metadata),
    )
    out: dict[str, Any] = converter.unstructure(body)
    return out


def encode_command(command: Command, ctx: Encoding) -> dict[str, Any]:
    """A call's command as its ``POST /v1/calls/{callId}/commands`` body."""
    body: dict[str, Any] = converter.unstructure(ENCODERS[type(command)](command, ctx))
    return body
