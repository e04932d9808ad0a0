"""Chirp: ``POST /v1/calls/{callId}/commands`` with ``{"type": ..., ...}`` (seed 000).

Sixteen command types with flat camelCase parameters, plus ``POST /v1/calls``
to place a call (reference/dialects.md §2).
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping
from datetime import UTC, datetime, timedelta, timezone
from typing import Any, ClassVar

import attrs

from callglot._wire import HttpRequest, HttpResponse
from callglot.adapters.testing import TestProfile
from callglot.canonical import (
    TAGS,
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
from callglot.canonical.events import (
    AnyEvent,
    CallDirection,
    CallLeg,
    CallState,
    CallStateChanged,
    CollectResult,
    CommandResult,
    ConferenceEvent,
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
    ProviderError,
    Receipt,
    ReceiptStatus,
    RecordingEvent,
    ReferEvent,
    SendDigitsEvent,
    StreamEvent,
    TapEvent,
    TranscriptionEvent,
    VoicemailReceived,
)
from callglot.canonical.types import is_e164, is_sip_uri
from callglot.capabilities import Capability, emulated, native, partial, unsupported
from callglot.errors import DecodeError, InvalidMessage, InvalidValue

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
        if _is_sip(end):
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


# ---------------------------------------------------------------- responses and webhooks: wire shapes
#
# Responses (reference §2.2, §2.4, §2.7). A command is answered ``200 {"callId", "command", "status"}``
# (status accepted or queued; command is the Chirp type). ``POST /v1/calls`` is answered with the call
# object (§2.4): decoded as ``Receipt(command="dial", call=CallLeg(...))`` whose ``details`` keep the
# object's further keys verbatim (appId, fromChannel, toChannel, duration, endReason, metadata,
# livekitRoomName, startedAt, answeredAt, endedAt, createdAt). Errors are ``{"error": {type, message,
# code?, doc_url?, param?, provider?}}`` or, for 429, ``{"error": "<message>"}``; ``Retry-After`` and the
# ``X-RateLimit-*`` headers are read too. The success status is 200 (the only one callglot accepts).
#
# Webhooks (reference §2.5, §2.6): ``{"event", "eventId", "timestamp", "data": {"call", "app"}}``;
# ``calls.recording.completed`` carries the recording object (§2.6) in ``data.recording`` and
# ``calls.voicemail.received`` the voicemail object in ``data.voicemail`` (callglot's decision: the
# reference names the objects, not where they sit). What the canonical event cannot hold but Chirp needs
# to re-encode identically goes to ``origin``, by wire position: ``origin.app`` (data.app),
# ``origin.call`` (data.call fields the event class has no place for: livekitRoomName, and for recording
# and voicemail events the call's direction, from, to, channels and metadata), ``origin.recording``
# (createdAt; startedAt and endedAt are the event's started_at and ended_at) and ``origin.voicemail``
# (callerChannel, isRead, createdAt).


ABSENT = _base.ABSENT  # a nullable wire field that was not sent


@attrs.frozen(kw_only=True)
class _CommandReceipt:
    call_id: str
    command: str
    status: str


@attrs.frozen(kw_only=True)
class _ErrorObject:
    type: str
    message: str
    code: str | None = None
    doc_url: str | None = None
    param: str | None = None
    provider: dict[str, Any] | None = None


@attrs.frozen(kw_only=True)
class _ErrorBody:
    error: Any  # the error object, or a plain string (429)


@attrs.frozen(kw_only=True)
class _WhCall:
    id: str
    direction: str | None = None
    from_: str | None = None
    to: str | None = None
    from_channel: str | None = None
    to_channel: str | None = None
    livekit_room_name: str | None = None
    metadata: dict[str, Any] | None = None


@attrs.frozen(kw_only=True)
class _WhApp:
    id: str
    name: str | None = None


@attrs.frozen(kw_only=True)
class _WhRecording:
    id: str | None = None
    call_id: str | None = None
    status: str | None = None
    format: str | None = None
    duration: float | None = None
    file_url: str | None = None
    file_size: int | None = None
    started_at: str | None = None
    ended_at: str | None = None
    created_at: str | None = None


@attrs.frozen(kw_only=True)
class _WhVoicemail:
    id: str | None = None
    call_id: str | None = None
    caller_number: str | None = None
    caller_channel: str | None = None
    duration: Any = ABSENT  # number or null
    is_read: bool | None = None
    transcription: Any = ABSENT  # string or null
    recording_id: Any = ABSENT  # string or null
    created_at: str | None = None


@attrs.frozen(kw_only=True)
class _WhData:
    call: _WhCall
    app: _WhApp | None = None
    recording: _WhRecording | None = None
    voicemail: _WhVoicemail | None = None


@attrs.frozen(kw_only=True)
class _Webhook:
    event: str
    event_id: str | None = None
    timestamp: str | None = None
    data: _WhData


_EVENT_CAMEL = {
    "call_id": "callId", "event_id": "eventId", "from_channel": "fromChannel", "to_channel": "toChannel",
    "livekit_room_name": "livekitRoomName", "file_url": "fileUrl", "file_size": "fileSize",
    "started_at": "startedAt", "ended_at": "endedAt", "created_at": "createdAt", "caller_number": "callerNumber",
    "caller_channel": "callerChannel", "is_read": "isRead", "recording_id": "recordingId",
}  # fmt: skip

# Nested classes first: a container's generated hooks capture its members' hooks.
_RESPONSE_AND_EVENT_WIRE: tuple[type, ...] = (
    _CommandReceipt, _ErrorObject, _ErrorBody, _WhCall, _WhApp, _WhRecording, _WhVoicemail, _WhData, _Webhook,
)  # fmt: skip
for _wire_cls in _RESPONSE_AND_EVENT_WIRE:
    register_wire(converter, _wire_cls, {k: v for k, v in _EVENT_CAMEL.items() if k in attrs.fields_dict(_wire_cls)})

#: Chirp command type -> canonical command (a receipt names the wire type; Receipt.command is the tag).
RECEIPT_COMMANDS: Mapping[str, type] = {
    "answer": Answer, "reject": Reject, "hangup": Hangup, "hold": Hold, "unhold": Unhold, "mute": Mute,
    "unmute": Unmute, "transfer": Transfer, "add_participant": AddParticipant,
    "remove_participant": RemoveParticipant, "send_dtmf": SendDigits, "play_audio": Play, "stop_audio": StopPlayback,
    "start_recording": Record, "stop_recording": StopRecording, "send_to_voicemail": SendToVoicemail,
}  # fmt: skip
_TAG_TO_WIRE: Mapping[str, str] = {TAGS[cls]: wire_type for wire_type, cls in RECEIPT_COMMANDS.items()}
assert set(RECEIPT_COMMANDS) == set(DECODERS)

RECEIPT_STATUSES = (ReceiptStatus.ACCEPTED, ReceiptStatus.QUEUED)
ERROR_TYPES = ("invalid_request_error", "authentication_error", "provider_error", "api_error")
CALL_STATUSES = ("initiated", "ringing", "in_progress", "voicemail", "completed", "failed", "busy", "no_answer",
                 "canceled")  # fmt: skip
RATE_LIMIT_HEADERS = {"limit": "X-RateLimit-Limit", "remaining": "X-RateLimit-Remaining", "reset": "X-RateLimit-Reset"}

#: The call object (§2.4): wire key -> (kind, nullable). Only ``id`` is required.
_CALL_OBJECT: Mapping[str, tuple[str, bool]] = {
    "id": ("string", False), "appId": ("string", False), "direction": ("direction", False),
    "status": ("status", False), "fromAddress": ("string", False), "toAddress": ("string", False),
    "fromChannel": ("channel", False), "toChannel": ("channel", False), "duration": ("number", True),
    "endReason": ("string", True), "metadata": ("object", True), "livekitRoomName": ("string", True),
    "startedAt": ("time", True), "answeredAt": ("time", True), "endedAt": ("time", True),
    "createdAt": ("time", False),
}  # fmt: skip
_CALL_MODELLED = ("id", "status", "direction", "fromAddress", "toAddress")
_CALL_PATHS = {"id": "$.id", "state": "$.status", "direction": "$.direction", "source": "$.fromAddress",
               "destination": "$.toAddress", "details": "$"}  # fmt: skip

STATE_EVENTS: Mapping[str, CallState] = {
    "calls.initiated": CallState.CREATED,
    "calls.ringing": CallState.RINGING,  # [I] named by pattern (reference §2.5)
    "calls.answered": CallState.ANSWERED,
    "calls.completed": CallState.ENDED,
    "calls.failed": CallState.FAILED,
    "calls.no_answer": CallState.ENDED,  # [I] named by pattern; cause NO_ANSWER
}
_STATE_NAMES: Mapping[CallState, str] = {
    CallState.CREATED: "calls.initiated", CallState.RINGING: "calls.ringing", CallState.ANSWERED: "calls.answered",
    CallState.ENDED: "calls.completed", CallState.FAILED: "calls.failed",
}  # fmt: skip
RECORDING_EVENT = "calls.recording.completed"
VOICEMAIL_EVENT = "calls.voicemail.received"
EVENT_NAMES: Mapping[str, str] = {name: name for name in (*STATE_EVENTS, RECORDING_EVENT, VOICEMAIL_EVENT)}

_ENVELOPE_PATHS = {"call_id": "$.data.call.id", "event_id": "$.eventId", "timestamp": "$.timestamp", "origin": "$.data"}
_EVENT_PATHS: Mapping[type, Mapping[str, str]] = {
    CallStateChanged: {"source": "$.data.call.from", "destination": "$.data.call.to",
                       "metadata": "$.data.call.metadata"},
    RecordingEvent: {"url": "$.data.recording.fileUrl", "duration": "$.data.recording.duration",
                     "size": "$.data.recording.fileSize", "recording_id": "$.data.recording.id",
                     "started_at": "$.data.recording.startedAt", "ended_at": "$.data.recording.endedAt"},
    VoicemailReceived: {"voicemail_id": "$.data.voicemail.id", "source": "$.data.voicemail.callerNumber",
                        "duration": "$.data.voicemail.duration", "transcription": "$.data.voicemail.transcription",
                        "recording_id": "$.data.voicemail.recordingId"},
}  # fmt: skip

# ---------------------------------------------------------------- responses and webhooks: capabilities

_TIME_LOSS = "Chirp times are ISO-8601 UTC to the microsecond (1970..9999): finer parts are rounded off"
_ENVELOPE_LOSSES = {
    "call_id": "every Chirp webhook names its call (data.call.id)",
    "timestamp": _TIME_LOSS,
    "sequence": "Chirp webhooks have no sequence number: order them by timestamp",
    "command_id": "Chirp has no idempotency key",
    "control_id": _OP_IDS,
}
_NO_EVENTS = "Chirp sends no webhook for it"

EVENT_CAPABILITIES: Mapping[type, Capability] = {
    CallStateChanged: partial(
        "calls.initiated, calls.ringing, calls.answered, calls.completed, calls.failed, calls.no_answer "
        "(ringing and no_answer are named by pattern, not seen verbatim)",
        state="Chirp has no event for a call that is ending",
        cause="Chirp's call events carry no cause; only NO_ANSWER on an ended call is said (calls.no_answer)",
        peer_call_id="Chirp's call events name no peer call",
        source_channel="Chirp channels are pstn, whatsapp and webrtc",
        destination_channel="Chirp channels are pstn, whatsapp and webrtc",
        **_ENVELOPE_LOSSES,
    ),
    PlaybackEvent: unsupported(f"{_NO_EVENTS}: play_audio is fire-and-forget"),
    RecordingEvent: partial(
        "calls.recording.completed with the recording object in data.recording",
        state="Chirp reports finished recordings only (calls.recording.completed)",
        format="Chirp records mp4, ogg or webm",
        direction="Chirp records the whole call",
        stereo="Chirp has no stereo option",
        started_at=_TIME_LOSS,
        ended_at=_TIME_LOSS,
        **_ENVELOPE_LOSSES,
    ),
    CollectResult: unsupported("Chirp collects no input"),
    DetectEvent: unsupported("Chirp has no detectors"),
    TapEvent: unsupported("Chirp has no media tap"),
    StreamEvent: unsupported("Chirp has no media streaming"),
    TranscriptionEvent: unsupported("Chirp transcribes voicemails only: see calls.voicemail.received"),
    ReferEvent: unsupported("Chirp has no SIP REFER"),
    CommandResult: unsupported("Chirp answers commands synchronously (accepted or queued); no result webhook"),
    DtmfReceived: unsupported("no DTMF webhook is documented for Chirp"),
    VoicemailReceived: partial(
        "calls.voicemail.received with the voicemail object in data.voicemail", **_ENVELOPE_LOSSES
    ),
    ConnectEvent: unsupported("Chirp's webhooks report no bridging of the call to another party"),
    DialStateChanged: unsupported(
        "Chirp reports an outbound call's progress as call events (calls.initiated, calls.ringing, "
        "calls.answered, calls.failed): CallStateChanged"
    ),
    HoldEvent: unsupported("Chirp's webhooks report no hold"),
    DenoiseEvent: unsupported("Chirp has no noise reduction"),
    SendDigitsEvent: unsupported("Chirp's send_dtmf reports no completion"),
    FaxEvent: unsupported("Chirp has no fax"),
    ErrorEvent: unsupported(
        "Chirp reports a call that failed as calls.failed (CallStateChanged), and no other call error"
    ),
    ConferenceEvent: unsupported(
        "Chirp's calls have participants, not conference rooms; its participant join/leave webhooks are named "
        "in its docs but their event names and payloads are not published, so they decode as UnknownEvent"
    ),
}

RESPONSE_CAPABILITIES: Mapping[type, Capability] = {
    Receipt: partial(
        "200 {callId, command, status} for a command; the call object for POST /v1/calls (command dial)",
        status="Chirp says accepted or queued (a created call: accepted); in_progress is sent as accepted",
        operation_id="Chirp has no operation ids",
        timeout="Chirp has no operation timeout",
        command="Chirp's receipts name one of its 16 command types (cancel is sent as hangup)",
        call="Chirp returns the call object only for a created call (dial)",
        call_id="Chirp's receipts always name the call (and the call object's id is the call id)",
        **{
            "call.state": "Chirp call statuses are " + ", ".join(CALL_STATUSES),
            "call.direction": "Chirp call directions are inbound and outbound",
            "call.details": "Chirp's call object has no such fields",
        },
    ),
    ProviderError: partial(
        "{error: {type, message, code, doc_url, param, provider}}; 429 {error: <message>} with Retry-After",
        status="Chirp errors are HTTP 4xx or 5xx",
        kind="Chirp error types are " + ", ".join(ERROR_TYPES) + " (others are replaced by the status's type)",
        details="Chirp errors carry doc_url, provider and the X-RateLimit-* headers (rate_limit) only",
        retry_after="Retry-After is whole seconds: the value is rounded up",
    ),
}

# ---------------------------------------------------------------- responses and webhooks: helpers

_ISO = re.compile(
    r"([0-9]{4})-([0-9]{2})-([0-9]{2})T([0-9]{2}):([0-9]{2}):([0-9]{2})(?:\.([0-9]{1,6}))?(Z|[+-][0-9]{2}:[0-9]{2})"
)
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MAX_TIME = 253402300800  # 10000-01-01T00:00:00Z


def parse_time(text: str, path: str) -> float:
    """An RFC 3339 time (``2026-04-13T12:00:00.000Z``; other offsets, 0..6 fraction digits) as Unix seconds.

    A time a float cannot hold to the microsecond (far-future times with microseconds) is refused, so
    that decoding never rounds silently.
    """
    match = _ISO.fullmatch(text)
    if match is None:
        raise InvalidMessage(path, "expected an ISO-8601 time such as 2026-04-13T12:00:00.000Z")
    year, month, day, hour, minute, second = (int(group) for group in match.groups()[:6])
    zone = match.group(8)
    try:
        offset = timedelta(0) if zone == "Z" else timedelta(hours=int(zone[1:3]), minutes=int(zone[4:6]))
        zone_info = timezone(-offset if zone[0] == "-" else offset)
        moment = datetime(year, month, day, hour, minute, second, tzinfo=zone_info)
        seconds = (moment - _EPOCH) // timedelta(seconds=1)
    except (ValueError, OverflowError):
        raise InvalidMessage(path, "not a valid date and time") from None
    if not 0 <= seconds < _MAX_TIME:
        raise InvalidMessage(path, "times must fall in the years 1970..9999 (UTC)")
    micros = int((match.group(7) or "").ljust(6, "0"))
    timestamp = float(seconds) + micros / 1_000_000
    if _split_time(timestamp) != (seconds, micros):
        raise InvalidMessage(path, "more precise than Unix seconds (a float) can hold")
    return timestamp


def _split_time(timestamp: float) -> tuple[int, int] | None:
    """``(seconds, microseconds)`` that parse_time turns into exactly ``timestamp``; None if there are none."""
    for unit in (1000, 1_000_000):  # whole milliseconds first: the normal form
        seconds, part = divmod(round(timestamp * unit), unit)
        micros = part * (1_000_000 // unit)
        if float(seconds) + micros / 1_000_000 == timestamp:
            return seconds, micros
    return None


def format_time(timestamp: float, ctx: Encoding, field: str = "timestamp") -> str | None:
    """Unix seconds as Chirp writes them: ``2026-04-13T12:00:00.000Z`` (UTC, milliseconds).

    A time with microseconds keeps them (six digits); anything finer is a loss of ``field`` (rounded to the
    millisecond).
    """
    if not 0 <= timestamp < _MAX_TIME - 0.0005:
        ctx.lose(field)
        return None
    split = _split_time(timestamp)
    if split is None:
        ctx.lose(field)  # LENIENT: rounded to the millisecond
        seconds, millis = divmod(round(timestamp * 1000), 1000)
        split = seconds, millis * 1000
    seconds, micros = split
    fraction = f"{micros // 1000:03d}" if micros % 1000 == 0 else f"{micros:06d}"
    return f"{_EPOCH + timedelta(seconds=seconds):%Y-%m-%dT%H:%M:%S}.{fraction}Z"


def _kind_problem(kind: str, value: Any) -> str | None:
    """Why ``value`` is not a wire value of ``kind`` (None when it is)."""
    if kind == "number":
        ok = type(value) in (int, float) and 0 <= value < math.inf  # no isfinite: it overflows on huge ints
        return None if ok else "expected a non-negative number"
    if kind == "bool":
        return None if type(value) is bool else "expected a boolean"
    if kind == "object":
        if type(value) is not dict:
            return "expected a JSON object"
        try:
            freeze_json(value)
        except InvalidValue as exc:
            return exc.reason
        return None
    if type(value) is not str or len(value) > _base.MAX_STRING:
        return "expected a string"
    choices = {"channel": tuple(str(c) for c in CHANNELS), "direction": ("inbound", "outbound"),
               "status": CALL_STATUSES}.get(kind)  # fmt: skip
    if choices is not None and value not in choices:
        return f"must be one of {', '.join(choices)}"
    if kind == "time" and _ISO.fullmatch(value) is None:
        return "expected an ISO-8601 time such as 2026-01-15T10:30:00Z"
    return None


def _call_object_problem(data: Mapping[str, Any], *, need_id: bool = True) -> tuple[str, str] | None:
    if need_id and "id" not in data:
        return "$.id", "required field missing"
    extra = [key for key in data if key not in _CALL_OBJECT]  # unexpected_fields sorts (keys may not be str)
    if extra:
        return "$", _base.unexpected_fields(extra)
    for key, value in data.items():
        kind, nullable = _CALL_OBJECT[key]
        if value is None:
            if not nullable:
                return f"$.{key}", "null is not allowed: omit the field instead"
            continue
        problem = _kind_problem(kind, value)
        if problem is not None:
            return f"$.{key}", problem
    return None


def _decode_call_object(body: dict[str, Any]) -> Receipt:
    extra = [key for key in body if key not in _CALL_OBJECT]
    if extra:
        raise _base.UnexpectedFields("$", extra)
    problem = _call_object_problem(body)
    if problem is not None:
        raise InvalidMessage(*problem)
    details = {key: value for key, value in body.items() if key not in _CALL_MODELLED}
    try:
        leg = CallLeg(
            id=body["id"],
            state=body.get("status"),
            direction=body.get("direction"),
            source=body.get("fromAddress"),
            destination=body.get("toAddress"),
            details=details or None,
        )
    except InvalidValue as exc:
        raise InvalidMessage(_CALL_PATHS.get(exc.field.split(".")[0], "$"), exc.reason) from None
    return Receipt(status=ReceiptStatus.ACCEPTED, call_id=leg.id, command=TAGS[Dial], call=leg)


def _decode_receipt(body: Any) -> Receipt:
    if not isinstance(body, dict):
        raise InvalidMessage("$", f"expected a JSON object, got {_base._json_type(body)}")
    if "id" in body and "callId" not in body:
        return _decode_call_object(body)
    wire = structure(converter, body, _CommandReceipt)
    cls = route_for(RECEIPT_COMMANDS, wire.command, "$.command", "command type")
    status = enum_value(ReceiptStatus, wire.status, "$.status", RECEIPT_STATUSES)
    with at("$.callId"):
        return Receipt(status=status, call_id=wire.call_id, command=TAGS[cls])


def _rate_limit(headers: Mapping[str, str]) -> dict[str, str]:
    found = {key: _base.header(headers, name) for key, name in RATE_LIMIT_HEADERS.items()}
    return {key: value for key, value in found.items() if value is not None}


def _provider_problem(provider: Mapping[str, Any]) -> tuple[str, str] | None:
    for key, required in (("source", True), ("code", True), ("message", True), ("fbtrace_id", False)):
        if key not in provider:
            if required:
                return f".{key}", "required field missing"
            continue
        value = provider[key]
        ok = type(value) is str or (key == "code" and type(value) is int)
        if not ok:
            return f".{key}", "expected a string or an integer" if key == "code" else "expected a string"
    extra = [key for key in provider if key not in ("source", "code", "message", "fbtrace_id")]
    if extra:
        return "", _base.unexpected_fields(extra)
    return None


def _decode_error(response: HttpResponse) -> ProviderError:
    wire = structure(converter, response.body, _ErrorBody)
    after = _base.retry_after(response.headers)
    rate = _rate_limit(response.headers)
    details: dict[str, Any] = {}
    if type(wire.error) is str:
        if rate:
            details["rate_limit"] = rate
        return ProviderError(response.status, wire.error, retry_after=after, details=details or None)
    error = structure(converter, wire.error, _ErrorObject, "$.error")
    if error.type not in ERROR_TYPES:
        raise InvalidMessage("$.error.type", f"must be one of {', '.join(ERROR_TYPES)}")
    if error.doc_url is not None:
        details["doc_url"] = error.doc_url
    if error.provider is not None:
        extra = [key for key in error.provider if key not in ("source", "code", "message", "fbtrace_id")]
        if extra:
            raise _base.UnexpectedFields("$.error.provider", extra)
        problem = _provider_problem(error.provider)
        if problem is not None:
            raise InvalidMessage(f"$.error.provider{problem[0]}", problem[1])
        details["provider"] = error.provider
    if rate:
        details["rate_limit"] = rate
    with at("$.error.provider"):
        return ProviderError(
            response.status,
            error.message,
            code=error.code,
            parameter=error.param,
            retry_after=after,
            kind=error.type,
            details=details or None,
        )


def _type_for_status(status: int) -> str:
    if status in (401, 403):
        return "authentication_error"
    if status in (402, 424):
        return "provider_error"
    return "api_error" if status >= 500 else "invalid_request_error"


def _encode_error(error: ProviderError, ctx: Encoding) -> HttpResponse:
    status = error.status
    if type(status) is not int or not 400 <= status <= 599:
        ctx.lose("status", droppable=False)
    headers: dict[str, str] = {}
    if error.retry_after is not None:
        after = error.retry_after
        if type(after) not in (int, float) or not 0 <= after < 1e10:  # also NaN; isfinite overflows on huge ints
            ctx.lose("retry_after")
        else:
            whole = math.ceil(after)
            if whole != after:
                ctx.lose("retry_after")
            headers["Retry-After"] = str(whole)
    details = {} if error.details is None else dict(thaw_json(error.details))
    unknown = error.details is not None and not details  # an empty object reads back as no details
    rate = details.pop("rate_limit", None)
    if rate is not None:
        if isinstance(rate, dict) and rate and all(k in RATE_LIMIT_HEADERS and type(v) is str for k, v in rate.items()):
            headers.update({RATE_LIMIT_HEADERS[key]: value for key, value in rate.items()})
        else:
            unknown = True
    doc_url = details.pop("doc_url", None)
    if doc_url is not None and type(doc_url) is not str:
        doc_url, unknown = None, True
    provider = details.pop("provider", None)
    if provider is not None and (not isinstance(provider, dict) or _provider_problem(provider) is not None):
        provider, unknown = None, True
    if unknown or details:
        ctx.lose("details")
    plain = (status == 429 and error.kind is None and error.code is None and error.parameter is None
             and doc_url is None and provider is None)  # fmt: skip
    if plain:
        return HttpResponse(status=status, body={"error": error.message}, headers=headers)
    kind = error.kind
    if kind not in ERROR_TYPES:
        if kind is None:
            ctx.generated("kind", "Chirp errors always have a type: the HTTP status's type")
        else:
            ctx.lose("kind")
        kind = _type_for_status(status)
    assert kind is not None
    wire = _ErrorObject(
        type=kind, message=error.message, code=error.code, doc_url=doc_url, param=error.parameter, provider=provider
    )
    return HttpResponse(status=status, body={"error": converter.unstructure(wire)}, headers=headers)


def _encode_call_object(receipt: Receipt, ctx: Encoding) -> dict[str, Any]:
    if receipt.status is not ReceiptStatus.ACCEPTED:
        ctx.lose("status")
    leg = receipt.call
    if leg is None:
        if receipt.call_id is None:
            ctx.lose("call_id", droppable=False)
        ctx.generated("call", "Chirp answers POST /v1/calls with the call object: only its id is known")
        return {"id": receipt.call_id}
    if receipt.call_id is not None and receipt.call_id != leg.id:
        ctx.lose("call_id", droppable=False)
    if receipt.call_id is None:
        ctx.generated("call_id", "the call object's id is the call id: it reads back as the receipt's call_id")
    body: dict[str, Any] = {"id": leg.id}
    if leg.state is not None:
        if leg.state in CALL_STATUSES:
            body["status"] = leg.state
        else:
            ctx.lose("call.state")
    if leg.direction is not None:
        if leg.direction in ("inbound", "outbound"):
            body["direction"] = leg.direction
        else:
            ctx.lose("call.direction")
    if leg.source is not None:
        body["fromAddress"] = leg.source
    if leg.destination is not None:
        body["toAddress"] = leg.destination
    if leg.details is not None:
        details = thaw_json(leg.details)
        if not details or any(key in _CALL_MODELLED for key in details) or _call_object_problem(details, need_id=False):
            ctx.lose("call.details")
        else:
            body.update(details)
    return body


def _encode_receipt(receipt: Receipt, ctx: Encoding) -> HttpResponse:
    if receipt.operation_id is not None:
        ctx.lose("operation_id")
    if receipt.timeout is not None:
        ctx.lose("timeout")
    if receipt.command == TAGS[Dial]:
        return HttpResponse(status=200, body=_encode_call_object(receipt, ctx))
    status = receipt.status
    if status not in RECEIPT_STATUSES:
        ctx.lose("status")
        status = ReceiptStatus.ACCEPTED
    if receipt.call is not None:
        ctx.lose("call")
    call_id = receipt.call_id if receipt.call_id is not None else (None if receipt.call is None else receipt.call.id)
    if call_id is None:
        ctx.lose("call_id", droppable=False)
    assert call_id is not None
    wire_type = _TAG_TO_WIRE.get(receipt.command or "")
    if receipt.command == TAGS[Cancel]:
        ctx.lose("command")
        wire_type = "hangup"
    if wire_type is None:
        ctx.lose("command", droppable=False)
    assert wire_type is not None
    body = converter.unstructure(_CommandReceipt(call_id=call_id, command=wire_type, status=str(status)))
    return HttpResponse(status=200, body=body)


#: The rule a call's ``from``/``to`` obey in every Chirp webhook: a state event makes them CallStateChanged's
#: source/destination, and a recording or voicemail event keeps them in ``origin``, where nothing else checks them.
_PARTY = attrs.fields(CallStateChanged).source


def _check_call(call: _WhCall, path: str) -> None:
    for key, party in (("from", call.from_), ("to", call.to)):
        with at(f"{path}.{key}"):
            _PARTY.validator(None, _PARTY, party)  # type: ignore[misc]
    if call.direction is not None:
        enum_value(CallDirection, call.direction, f"{path}.direction")
    if call.from_channel is not None:
        enum_value(Channel, call.from_channel, f"{path}.fromChannel", CHANNELS)
    if call.to_channel is not None:
        enum_value(Channel, call.to_channel, f"{path}.toChannel", CHANNELS)


def _channel(value: str | None) -> Channel | None:
    return None if value is None else Channel(value)


def _build(cls: type, fields: dict[str, Any], envelope: dict[str, Any]) -> Any:
    try:
        return cls(**fields, **envelope)
    except InvalidValue as exc:
        key = re.split(r"[.\[]", exc.field, maxsplit=1)[0]
        path = _EVENT_PATHS[cls].get(key) or _ENVELOPE_PATHS.get(key, "$")
        raise InvalidMessage(path, exc.reason) from None


def _decode_webhook(body: Any) -> AnyEvent:
    if not isinstance(body, dict):
        raise InvalidMessage("$", f"expected a JSON object, got {_base._json_type(body)}")
    if "event" not in body:
        raise InvalidMessage("$.event", "required field missing")
    name = body["event"]
    if type(name) is str and name not in EVENT_NAMES:
        data = body.get("data")
        call = data.get("call") if isinstance(data, dict) else None
        return _base.unknown_event("chirp", body, name, "$.event", call.get("id") if isinstance(call, dict) else None)
    name = route_for(EVENT_NAMES, name, "$.event", "Chirp event")
    data_in = body.get("data")
    if isinstance(data_in, dict):  # the optional objects first: their errors then name wire keys
        for key, cls in (("app", _WhApp), ("recording", _WhRecording), ("voicemail", _WhVoicemail)):
            if key in data_in:
                structure(converter, data_in[key], cls, f"$.data.{key}")
    wire: _Webhook = structure(converter, body, _Webhook)
    data = wire.data
    for key, owner in (("recording", RECORDING_EVENT), ("voicemail", VOICEMAIL_EVENT)):
        present = getattr(data, key) is not None
        if name == owner and not present:
            raise InvalidMessage(f"$.data.{key}", "required field missing")
        if name != owner and present:
            raise InvalidMessage("$.data", f"unexpected field(s): {key} (only {owner} carries it)")
    call = data.call
    _check_call(call, "$.data.call")
    origin: dict[str, Any] = {}
    if data.app is not None:
        origin["app"] = converter.unstructure(data.app)
    envelope: dict[str, Any] = {
        "call_id": call.id,
        "event_id": wire.event_id,
        "timestamp": None if wire.timestamp is None else parse_time(wire.timestamp, "$.timestamp"),
    }
    if name in STATE_EVENTS:
        if call.livekit_room_name is not None:
            origin["call"] = {"livekitRoomName": call.livekit_room_name}
        envelope["origin"] = origin or None
        fields = {
            "state": STATE_EVENTS[name],
            "cause": HangupCause.NO_ANSWER if name == "calls.no_answer" else None,
            "direction": None if call.direction is None else CallDirection(call.direction),
            "source": call.from_,
            "destination": call.to,
            "source_channel": _channel(call.from_channel),
            "destination_channel": _channel(call.to_channel),
            "metadata": call.metadata,
        }
        return _build(CallStateChanged, fields, envelope)  # type: ignore[no-any-return]
    call_rest = converter.unstructure(call)
    del call_rest["id"]
    if call_rest:
        origin["call"] = call_rest
    if name == RECORDING_EVENT:
        return _decode_recording(data, envelope, origin)
    return _decode_voicemail(data, envelope, origin)


def _check_call_id(value: str | None, call_id: str, path: str) -> None:
    if value is not None and value != call_id:
        raise InvalidMessage(path, "must be the call of $.data.call.id")


def _decode_recording(data: _WhData, envelope: dict[str, Any], origin: dict[str, Any]) -> RecordingEvent:
    rec = data.recording
    assert rec is not None
    _check_call_id(rec.call_id, data.call.id, "$.data.recording.callId")
    if rec.status is not None and rec.status != "completed":
        raise InvalidMessage("$.data.recording.status", f"{RECORDING_EVENT} reports a completed recording")
    fmt = None if rec.format is None else enum_value(RecordingFormat, rec.format, "$.data.recording.format", FORMATS)
    if rec.created_at is not None:
        if _ISO.fullmatch(rec.created_at) is None:
            raise InvalidMessage("$.data.recording.createdAt", "expected an ISO-8601 time such as 2026-01-15T10:30:00Z")
        origin["recording"] = {"createdAt": rec.created_at}
    envelope["origin"] = origin or None
    fields = {
        "state": OperationState.FINISHED,
        "url": rec.file_url,
        "duration": rec.duration,
        "size": rec.file_size,
        "format": fmt,
        "recording_id": rec.id,
        "started_at": None if rec.started_at is None else parse_time(rec.started_at, "$.data.recording.startedAt"),
        "ended_at": None if rec.ended_at is None else parse_time(rec.ended_at, "$.data.recording.endedAt"),
    }
    return _build(RecordingEvent, fields, envelope)  # type: ignore[no-any-return]


def _nullable(value: Any, kind: str, path: str) -> Any:
    if value is ABSENT or value is None:
        return None
    if kind == "string":
        if type(value) is not str:  # transcriptions may exceed MAX_STRING: the event class bounds them
            raise InvalidMessage(path, f"expected a string or null, got {_base._json_type(value)}")
        return value
    if type(value) not in (int, float):
        raise InvalidMessage(path, f"expected a number or null, got {_base._json_type(value)}")
    return value


def _decode_voicemail(data: _WhData, envelope: dict[str, Any], origin: dict[str, Any]) -> VoicemailReceived:
    vm = data.voicemail
    assert vm is not None
    _check_call_id(vm.call_id, data.call.id, "$.data.voicemail.callId")
    extra: dict[str, Any] = {}
    if vm.caller_channel is not None:
        enum_value(Channel, vm.caller_channel, "$.data.voicemail.callerChannel", CHANNELS)
        extra["callerChannel"] = vm.caller_channel
    if vm.is_read is not None:
        extra["isRead"] = vm.is_read
    if vm.created_at is not None:
        if _ISO.fullmatch(vm.created_at) is None:
            raise InvalidMessage("$.data.voicemail.createdAt", "expected an ISO-8601 time such as 2026-01-15T10:35:00Z")
        extra["createdAt"] = vm.created_at
    if extra:
        origin["voicemail"] = extra
    envelope["origin"] = origin or None
    fields = {
        "voicemail_id": vm.id,
        "source": vm.caller_number,
        "duration": _nullable(vm.duration, "number", "$.data.voicemail.duration"),
        "transcription": _nullable(vm.transcription, "string", "$.data.voicemail.transcription"),
        "recording_id": _nullable(vm.recording_id, "string", "$.data.voicemail.recordingId"),
    }
    return _build(VoicemailReceived, fields, envelope)  # type: ignore[no-any-return]


_ORIGIN_CALL_KEYS: Mapping[type, frozenset[str]] = {
    CallStateChanged: frozenset({"livekitRoomName"}),
    RecordingEvent: frozenset({"direction", "from", "to", "fromChannel", "toChannel", "livekitRoomName", "metadata"}),
    VoicemailReceived: frozenset(
        {"direction", "from", "to", "fromChannel", "toChannel", "livekitRoomName", "metadata"}
    ),
}
_ORIGIN_SECTIONS: Mapping[type, Mapping[str, frozenset[str]]] = {
    CallStateChanged: {},
    RecordingEvent: {"recording": frozenset({"createdAt"})},
    VoicemailReceived: {"voicemail": frozenset({"callerChannel", "isRead", "createdAt"})},
}


@attrs.frozen(kw_only=True)
class _Origin:
    """A Chirp ``origin`` that passed validation, as wire values."""

    app: _WhApp | None = None
    call: _WhCall
    recording: _WhRecording = _WhRecording()
    voicemail: _WhVoicemail = _WhVoicemail()


def _origin(event: Any, call_id: str, ctx: Encoding) -> _Origin:
    """The event's origin when it is Chirp's (see the wire-shape notes); another vendor's is dropped."""
    bare = _Origin(call=_WhCall(id=call_id))
    if event.origin is None:
        return bare
    if not event.origin:  # an empty origin reads back as none
        ctx.drop_origin()
        return bare
    raw = thaw_json(event.origin)
    cls = type(event)
    sections = {"app": None, "call": _ORIGIN_CALL_KEYS[cls], **_ORIGIN_SECTIONS[cls]}
    try:
        for key, value in raw.items():
            if key not in sections or type(value) is not dict or not value:  # an empty section reads back as none
                raise InvalidMessage("$", key)
            allowed = sections[key]
            if allowed is not None and not set(value) <= allowed:
                raise InvalidMessage("$", key)
        call = structure(converter, {**raw.get("call", {}), "id": call_id}, _WhCall)
        _check_call(call, "$")
        recording = structure(converter, raw.get("recording", {}), _WhRecording)
        voicemail = structure(converter, raw.get("voicemail", {}), _WhVoicemail)
        times = [recording.created_at, voicemail.created_at]
        if any(value is not None and _ISO.fullmatch(value) is None for value in times):
            raise InvalidMessage("$", "time")
        if voicemail.caller_channel is not None:
            enum_value(Channel, voicemail.caller_channel, "$", CHANNELS)
        app = None if "app" not in raw else structure(converter, raw["app"], _WhApp)
    except DecodeError:
        ctx.drop_origin()
        return bare
    return _Origin(app=app, call=call, recording=recording, voicemail=voicemail)


def _enc_channel(channel: Channel | None, field: str, ctx: Encoding) -> str | None:
    if channel is None:
        return None
    if channel not in CHANNELS:
        ctx.lose(field)
        return None
    return str(channel)


def _enc_state_event(event: CallStateChanged, ctx: Encoding, origin: _Origin) -> tuple[str, _WhData]:
    state, cause = event.state, event.cause
    if state is CallState.ENDING:
        ctx.lose("state", droppable=False)
    if state is CallState.ENDED and cause is HangupCause.NO_ANSWER:
        name = "calls.no_answer"
    else:
        if cause is not None:
            ctx.lose("cause")
        name = _STATE_NAMES[state]
    if event.peer_call_id is not None:
        ctx.lose("peer_call_id")
    assert event.call_id is not None
    call = _WhCall(
        id=event.call_id,
        direction=None if event.direction is None else str(event.direction),
        from_=event.source,
        to=event.destination,
        from_channel=_enc_channel(event.source_channel, "source_channel", ctx),
        to_channel=_enc_channel(event.destination_channel, "destination_channel", ctx),
        livekit_room_name=origin.call.livekit_room_name,
        metadata=None if event.metadata is None else thaw_json(event.metadata),
    )
    return name, _WhData(call=call, app=origin.app)


def _enc_recording_event(event: RecordingEvent, ctx: Encoding, origin: _Origin) -> tuple[str, _WhData]:
    if event.state is not OperationState.FINISHED:
        ctx.lose("state", droppable=False)
    fmt: str | None = None
    if event.format is not None:
        if event.format in FORMATS:
            fmt = str(event.format)
        else:
            ctx.lose("format")
    for name in ("direction", "stereo"):
        if getattr(event, name) is not None:
            ctx.lose(name)
    extra = origin.recording
    recording = _WhRecording(
        id=event.recording_id,
        call_id=event.call_id,
        status="completed",
        format=fmt,
        duration=event.duration,
        file_url=event.url,
        file_size=event.size,
        started_at=None if event.started_at is None else format_time(event.started_at, ctx, "started_at"),
        ended_at=None if event.ended_at is None else format_time(event.ended_at, ctx, "ended_at"),
        created_at=extra.created_at,
    )
    return RECORDING_EVENT, _WhData(call=origin.call, app=origin.app, recording=recording)


def _enc_voicemail_event(event: VoicemailReceived, ctx: Encoding, origin: _Origin) -> tuple[str, _WhData]:
    extra = origin.voicemail
    voicemail = _WhVoicemail(
        id=event.voicemail_id,
        call_id=event.call_id,
        caller_number=event.source,
        caller_channel=extra.caller_channel,
        duration=event.duration,
        is_read=extra.is_read,
        transcription=event.transcription,
        recording_id=event.recording_id,
        created_at=extra.created_at,
    )
    return VOICEMAIL_EVENT, _WhData(call=origin.call, app=origin.app, voicemail=voicemail)


_EVENT_ENCODERS: Mapping[type, Callable[[Any, Encoding, _Origin], tuple[str, _WhData]]] = {
    CallStateChanged: _enc_state_event,
    RecordingEvent: _enc_recording_event,
    VoicemailReceived: _enc_voicemail_event,
}


def _encode_webhook(event: Event, ctx: Encoding) -> dict[str, Any]:
    for name in ("sequence", "command_id", "control_id"):
        if getattr(event, name) is not None:
            ctx.lose(name)
    if event.call_id is None:
        ctx.lose("call_id", droppable=False)
    assert event.call_id is not None
    origin = _origin(event, event.call_id, ctx)
    name, data = _EVENT_ENCODERS[type(event)](event, ctx, origin)
    timestamp = None if event.timestamp is None else format_time(event.timestamp, ctx)
    body: dict[str, Any] = converter.unstructure(
        _Webhook(event=name, event_id=event.event_id, timestamp=timestamp, data=data)
    )
    return body


# ---------------------------------------------------------------- the dialect

_COMMANDS_PATH = re.compile(r"/v1/calls/([^/]+)/commands")


class ChirpDialect(Dialect):
    name = "chirp"
    summary = (
        "Chirp (api.buildwithchirp.com): `POST /v1/calls/{callId}/commands` with a `type` field and flat "
        "camelCase parameters; `POST /v1/calls` places a call. No idempotency key, no operation ids."
    )
    schema_file = "chirp.schema.json"
    test_profile = TestProfile(
        call_id="call_abc123", command_tag="type", event_tag="event", wrong_paths=("/v1/call/call_abc123/commands",)
    )
    capabilities: ClassVar[Mapping[type, Capability]] = CAPABILITIES
    call_free = frozenset({Dial})
    command_id_note = "Chirp has no idempotency key"
    event_capabilities: ClassVar[Mapping[type, Capability]] = EVENT_CAPABILITIES
    response_capabilities: ClassVar[Mapping[type, Capability]] = RESPONSE_CAPABILITIES

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
            raise _base.wrong_method("Chirp commands", request.method)
        body = request.body
        if request.path == "/v1/calls":
            return Decoded(command=_dec_dial(structure(converter, body, _CreateCall)))
        match = _COMMANDS_PATH.fullmatch(request.path)
        if match is None:
            raise _base.wrong_path("/v1/calls/{callId}/commands or /v1/calls")
        call_id = _base.check_call_id(match.group(1), part="path")
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

    # -- webhooks and responses

    def _decode_event(self, request: HttpRequest) -> AnyEvent:
        return _decode_webhook(request.body)  # request.path is the receiver's URL: ignored

    def _encode_event(self, event: Event, ctx: Encoding) -> dict[str, Any]:
        return _encode_webhook(event, ctx)

    def _decode_response(self, response: HttpResponse) -> Receipt:
        if response.status >= 400:
            raise _decode_error(response)
        if response.status not in (200, 201, 202):  # the reference saw the bodies, not the status (§2.2)
            raise InvalidMessage("$", f"Chirp answers with 200 (201, 202) or an error status, not {response.status}")
        return _decode_receipt(response.body)

    def _encode_response(self, result: Receipt | ProviderError, ctx: Encoding, answers: str | None) -> HttpResponse:
        if isinstance(result, ProviderError):
            return _encode_error(result, ctx)
        if result.command is None and answers is not None:  # the caller says what it answers
            result = attrs.evolve(result, command=answers)
        return _encode_receipt(result, ctx)


def _dec_dial(w: _CreateCall) -> Dial:
    source = _destination(w.from_, w.from_channel, "$.from", "$.fromChannel")
    destination = _destination(w.to, w.to_channel, "$.to", "$.toChannel")
    with at("$.metadata"):
        metadata = None if w.metadata is None else freeze_json(w.metadata, "metadata")
    return Dial(source=source, destination=destination, metadata=metadata)


_base.check_capability_table(ChirpDialect)
