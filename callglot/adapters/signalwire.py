"""SignalWire REST Calling: ``POST /api/calling/calls`` with a ``command`` union (seeds 001, 003).

Three envelopes (reference/dialects.md §1.1): ``dial`` has no id;
``update`` carries the call id inside ``params``; every ``calling.*`` command
is ``{"command", "id", "params"}`` with ``params`` always present. Encoding
emits what SignalWire's published request schema accepts; decoding also
accepts what its official Python SDK really sends, through named leniency
rules (:data:`LENIENCIES`), and normalises it.
"""

from __future__ import annotations

import enum
import re
import uuid
from collections.abc import Callable, Mapping
from typing import Any, ClassVar

import attrs

from callglot._wire import HttpRequest
from callglot.canonical import (
    AddParticipant,
    AiHold,
    AiMessage,
    AiReset,
    AiRole,
    AiStop,
    AiUnhold,
    Answer,
    Audio,
    Cancel,
    Channel,
    Codec,
    Collect,
    Command,
    Denoise,
    Destination,
    Detect,
    Dial,
    DialEvent,
    DigitCollect,
    DigitDetector,
    Direction,
    FaxDetector,
    FaxTone,
    FrozenJson,
    Gender,
    Hangup,
    HangupCause,
    Hold,
    HttpMethod,
    JoinConference,
    LeaveConference,
    LiveDirection,
    LiveInject,
    LiveSpeechEngine,
    LiveStart,
    LiveStop,
    LiveSummarize,
    LiveTranscribe,
    LiveTranslate,
    MachineDetector,
    Mute,
    PauseBehavior,
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
    Ringtone,
    RtpDevice,
    SeekPlayback,
    SendDigits,
    SendToVoicemail,
    SetPlaybackVolume,
    Silence,
    SpeechCollect,
    SpeechEngine,
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
    StreamTrack,
    Tap,
    Transcribe,
    Transfer,
    Tts,
    Unbridge,
    Unhold,
    Unmute,
    UserEvent,
    WsDevice,
    freeze_json,
    thaw_json,
)
from callglot.capabilities import Capability, emulated, native, partial, unsupported
from callglot.errors import InvalidMessage, InvalidValue

from . import _base
from ._base import Decoded, Dialect, Encoding, enum_value, register_wire, route_for, structure

PATH = "/api/calling/calls"
UUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")

#: The SDK-compatibility rules decoding applies, by name. Encoding always emits the spec's form.
LENIENCIES: Mapping[str, str] = {
    "record-flat-audio": "calling.record settings sent flat as params.audio (signalwire-python's REST record()) "
    "are read as params.record.audio",
    "missing-control-id": "calling.play/record/collect/detect/stream/transcribe without control_id (the SDKs treat "
    "it as optional) decode with control_id None",
    "ai-hold-integer-timeout": "calling.ai_hold timeout sent as an integer (the older RPC description) is read as "
    "seconds; the spec sends a string",
    "ai-unhold-prompt": "calling.ai_unhold with a prompt (the older RPC description) keeps the prompt",
    "dial-sdk-status-events": "dial status_events values of signalwire-python's Literal (queued, initiated, "
    "ending) map to the spec's created/ended",
    "codecs-string": "dial codecs sent as one comma-separated string become the array form",
    "update-status-only": "update with a status and no url/swml (described by the state rules, absent from the "
    "schema) decodes as Hangup (completed) or Cancel (canceled)",
}

_SDK_STATUS_EVENTS = {"queued": DialEvent.CREATED, "initiated": DialEvent.CREATED, "ending": DialEvent.ENDED}

# ---------------------------------------------------------------- wire shapes

wire = attrs.frozen(kw_only=True)


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
class _MediaItem:
    type: str
    params: dict[str, Any]


@attrs.frozen(kw_only=True)
class _AudioParams:
    url: str


@attrs.frozen(kw_only=True)
class _TtsParams:
    text: str
    language: str | None = None
    gender: str | None = None
    voice: str | None = None


@attrs.frozen(kw_only=True)
class _SilenceParams:
    duration: float


@attrs.frozen(kw_only=True)
class _RingtoneParams:
    name: str
    duration: float | None = None


@attrs.frozen(kw_only=True)
class _PlayParams:
    control_id: str | None = None
    play: list[_MediaItem]
    volume: float | None = None
    direction: str | None = None
    loop: int | None = None
    language: str | None = None
    voice: str | None = None
    gender: str | None = None
    status_url: str | None = None


@attrs.frozen(kw_only=True)
class _VolumeParams:
    control_id: str
    volume: float


@attrs.frozen(kw_only=True)
class _RecordAudio:
    beep: bool | None = None
    format: str | None = None
    stereo: bool | None = None
    direction: str | None = None
    initial_timeout: float | None = None
    end_silence_timeout: float | None = None
    max_length: int | None = None
    terminators: str | None = None
    input_sensitivity: float | None = None


@attrs.frozen(kw_only=True)
class _RecordSpec:
    audio: _RecordAudio


@attrs.frozen(kw_only=True)
class _RecordParams:
    control_id: str | None = None
    record: _RecordSpec | None = None
    audio: _RecordAudio | None = None  # leniency "record-flat-audio"
    status_url: str | None = None


@attrs.frozen(kw_only=True)
class _RecordPauseParams:
    control_id: str
    behavior: str | None = None


@attrs.frozen(kw_only=True)
class _DigitsSpec:
    max: int
    terminators: str | None = None
    digit_timeout: float | None = None


@attrs.frozen(kw_only=True)
class _SpeechSpec:
    end_silence_timeout: float | None = None
    speech_timeout: float | None = None
    language: str | None = None
    hints: list[str] | None = None
    model: str | None = None
    engine: str | None = None


@attrs.frozen(kw_only=True)
class _CollectParams:
    control_id: str | None = None
    initial_timeout: float | None = None
    digits: _DigitsSpec | None = None
    speech: _SpeechSpec | None = None
    continuous: bool | None = None
    partial_results: bool | None = None
    send_start_of_input: bool | None = None
    start_input_timers: bool | None = None
    status_url: str | None = None


@attrs.frozen(kw_only=True)
class _DetectSpec:
    type: str
    params: dict[str, Any] | None = None


@attrs.frozen(kw_only=True)
class _MachineParams:
    initial_timeout: float | None = None
    end_silence_timeout: float | None = None
    machine_ready_timeout: float | None = None
    machine_voice_threshold: float | None = None
    machine_words_threshold: int | None = None
    detect_interruptions: bool | None = None
    detect_message_end: bool | None = None


@attrs.frozen(kw_only=True)
class _FaxParams:
    tone: str | None = None


@attrs.frozen(kw_only=True)
class _DigitParams:
    digits: str | None = None


@attrs.frozen(kw_only=True)
class _DetectParams:
    control_id: str | None = None
    detect: _DetectSpec
    timeout: float | None = None
    status_url: str | None = None


@attrs.frozen(kw_only=True)
class _TapAudio:
    direction: str


@attrs.frozen(kw_only=True)
class _TapSpec:
    type: str
    params: _TapAudio


@attrs.frozen(kw_only=True)
class _DeviceSpec:
    type: str
    params: dict[str, Any]


@attrs.frozen(kw_only=True)
class _RtpParams:
    addr: str
    port: int
    codec: str | None = None
    ptime: int | None = None


@attrs.frozen(kw_only=True)
class _WsParams:
    uri: str
    codec: str | None = None


@attrs.frozen(kw_only=True)
class _TapParams:
    control_id: str
    tap: _TapSpec
    device: _DeviceSpec
    status_url: str | None = None


@attrs.frozen(kw_only=True)
class _StreamParams:
    control_id: str | None = None
    url: str
    name: str | None = None
    codec: str | None = None
    track: str | None = None
    authorization_bearer_token: str | None = attrs.field(default=None, repr=False)
    custom_parameters: dict[str, Any] | None = None
    status_url: str | None = None
    status_url_method: str | None = None


@attrs.frozen(kw_only=True)
class _TranscribeParams:
    control_id: str | None = None
    status_url: str | None = None


@attrs.frozen(kw_only=True)
class _AiHoldParams:
    timeout: Any = None
    prompt: str | None = None


@attrs.frozen(kw_only=True)
class _AiUnholdParams:
    prompt: str | None = None


@attrs.frozen(kw_only=True)
class _AiReset:
    full_reset: bool | None = None
    user_prompt: str | None = None
    system_prompt: str | None = None


@attrs.frozen(kw_only=True)
class _AiMessageParams:
    role: str | None = None
    message_text: str | None = None
    reset: _AiReset | None = None
    global_data: dict[str, Any] | None = None


@attrs.frozen(kw_only=True)
class _LiveParams:
    action: Any
    status_url: str | None = None


@attrs.frozen(kw_only=True)
class _LiveTranscribeStart:
    lang: str
    direction: list[str]
    webhook: str | None = None
    live_events: bool | None = None
    ai_summary: bool | None = None
    ai_summary_prompt: str | None = None
    speech_engine: str | None = None
    speech_timeout: int | None = None
    vad_silence_ms: int | None = None
    vad_thresh: int | None = None
    debug_level: int | None = None


@attrs.frozen(kw_only=True)
class _LiveTranslateStart:
    from_lang: str
    to_lang: str
    direction: list[str]
    from_voice: str | None = None
    to_voice: str | None = None
    filter_from: str | None = None
    filter_to: str | None = None
    webhook: str | None = None
    live_events: bool | None = None
    ai_summary: bool | None = None
    ai_summary_prompt: str | None = None
    speech_engine: str | None = None
    speech_timeout: int | None = None
    vad_silence_ms: int | None = None
    vad_thresh: int | None = None
    debug_level: int | None = None


@attrs.frozen(kw_only=True)
class _LiveSummarize:
    webhook: str | None = None
    prompt: str | None = None


@attrs.frozen(kw_only=True)
class _LiveInject:
    message: str
    direction: str


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
    device: _ReferDevice
    status_url: str | None = None


@attrs.frozen(kw_only=True)
class _UserEventParams:
    event: dict[str, Any]


converter = _base.make_converter()
for _cls in (
    _DialParams, _UpdateParams, _Empty, _EndParams, _TransferParams, _Control, _OptionalControl, _MediaItem,
    _AudioParams, _TtsParams, _SilenceParams, _RingtoneParams, _PlayParams, _VolumeParams, _RecordAudio,
    _RecordSpec, _RecordParams, _RecordPauseParams, _DigitsSpec, _SpeechSpec, _CollectParams, _DetectSpec,
    _MachineParams, _FaxParams, _DigitParams, _DetectParams, _TapAudio, _TapSpec, _DeviceSpec, _RtpParams,
    _WsParams, _TapParams, _StreamParams, _TranscribeParams, _AiHoldParams, _AiUnholdParams, _AiReset,
    _AiMessageParams, _LiveParams, _LiveTranscribeStart, _LiveTranslateStart, _LiveSummarize, _LiveInject,
    _SipParams, _ReferDevice, _ReferParams, _UserEventParams,
):  # fmt: skip
    register_wire(converter, _cls)

# ---------------------------------------------------------------- value maps

#: calling.end reasons <-> Q.850 causes (``error`` is a failure of the call: NORMAL_TEMPORARY_FAILURE).
END_REASONS: Mapping[str, HangupCause] = {
    "hangup": HangupCause.NORMAL_CLEARING,
    "cancel": HangupCause.ORIGINATOR_CANCEL,
    "busy": HangupCause.USER_BUSY,
    "noAnswer": HangupCause.NO_ANSWER,
    "decline": HangupCause.CALL_REJECTED,
    "error": HangupCause.NORMAL_TEMPORARY_FAILURE,
}
REASON_FOR_CAUSE: Mapping[HangupCause, str] = {cause: reason for reason, cause in END_REASONS.items()}
RECORD_FORMATS = (RecordingFormat.MP3, RecordingFormat.WAV, RecordingFormat.MP4)
CODEC_SPELLINGS = {"PCMA": Codec.PCMA, "PCMU": Codec.PCMU, "OPUS": Codec.OPUS, "pcma": Codec.PCMA,
                   "pcmu": Codec.PCMU, "opus": Codec.OPUS}  # fmt: skip
MEDIA_TAGS: Mapping[type, str] = {Audio: "audio", Tts: "tts", Silence: "silence", Ringtone: "ringtone"}


def _json(value: dict[str, Any] | None) -> FrozenJson | None:
    return None if value is None else freeze_json(value)


def _enum(kind: type[enum.Enum], value: str | None, path: str, allowed: Any = None) -> Any:
    return None if value is None else enum_value(kind, value, path, allowed)


def _ms(seconds: float | None, ctx: Encoding, field: str) -> int | None:
    """Seconds (canonical) to whole milliseconds (the wire), or a declared loss."""
    if seconds is None:
        return None
    millis = round(seconds * 1000)
    if abs(millis - seconds * 1000) > 1e-6:
        ctx.lose(field)
        return None
    return millis


def _seconds(millis: int | None) -> float | None:
    return None if millis is None else millis / 1000


# ---------------------------------------------------------------- capabilities

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
            what="answer", instead="answer in SWML (Redirect to a document starting with answer) or over RELAY"
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
        speech_timeout="the wire counts whole milliseconds",
        vad_silence="the wire counts whole milliseconds",
    ),
    LiveTranslate: partial(
        "calling.live_translate",
        speech_timeout="the wire counts whole milliseconds",
        vad_silence="the wire counts whole milliseconds",
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


class _Decoding:
    """Per-message decode state: the leniency rules applied."""

    __slots__ = ("applied",)

    def __init__(self) -> None:
        self.applied: list[str] = []

    def lenient(self, rule: str) -> None:
        assert rule in LENIENCIES
        if rule not in self.applied:
            self.applied.append(rule)

    def control_id(self, value: str | None) -> str | None:
        if value is None:
            self.lenient("missing-control-id")
        return value


P = "$.params"


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
    source = _destination(w.from_, f"{P}.from")
    destination = None if w.to is None else _destination(w.to, f"{P}.to")
    try:
        return Dial(
            source=source,
            destination=destination,
            swml_url=w.url,
            swml=_json(w.swml),
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
        raise InvalidMessage(_dial_path(exc.field), exc.reason) from None


_DIAL_WIRE = {"swml_url": "url", "destination_script": "to_script", "sip_username": "username",
              "sip_password": "password", "source": "from", "destination": "to"}  # fmt: skip


def _dial_path(field: str) -> str:
    head, sep, rest = field.partition("[")
    head, dot, tail = head.partition(".")
    return f"{P}.{_DIAL_WIRE.get(head, head)}{dot}{tail}{sep}{rest}"


def _media(items: list[_MediaItem]) -> tuple[Any, ...]:
    out: list[Any] = []
    for index, item in enumerate(items):
        path = f"{P}.play[{index}]"
        kind = route_for(_MEDIA_DECODERS, item.type, f"{path}.type", "media type")
        out.append(kind(structure(converter, item.params, _MEDIA_WIRE[item.type], f"{path}.params"), f"{path}.params"))
    return tuple(out)


def _dec_audio(w: _AudioParams, path: str) -> Audio:
    with _base.at(f"{path}.url"):
        return Audio(url=w.url)


def _dec_tts(w: _TtsParams, path: str) -> Tts:
    gender = _enum(Gender, w.gender, f"{path}.gender")
    try:
        return Tts(text=w.text, language=w.language, gender=gender, voice=w.voice)
    except InvalidValue as exc:
        raise InvalidMessage(f"{path}.{exc.field}", exc.reason) from None


def _dec_silence(w: _SilenceParams, path: str) -> Silence:
    with _base.at(f"{path}.duration"):
        return Silence(duration=w.duration)


def _dec_ringtone(w: _RingtoneParams, path: str) -> Ringtone:
    try:
        return Ringtone(name=w.name, duration=w.duration)
    except InvalidValue as exc:
        raise InvalidMessage(f"{path}.{exc.field}", exc.reason) from None


_MEDIA_DECODERS: Mapping[str, Callable[[Any, str], Any]] = {
    "audio": _dec_audio, "tts": _dec_tts, "silence": _dec_silence, "ringtone": _dec_ringtone,
}  # fmt: skip
_MEDIA_WIRE: Mapping[str, type] = {
    "audio": _AudioParams, "tts": _TtsParams, "silence": _SilenceParams, "ringtone": _RingtoneParams,
}  # fmt: skip


def _dec_play(w: _PlayParams, d: _Decoding) -> Play:
    if not w.play:
        raise InvalidMessage(f"{P}.play", "must hold at least one media item")
    return Play(
        media=_media(w.play),
        volume=w.volume,
        direction=_enum(Direction, w.direction, f"{P}.direction"),
        loop=w.loop,
        language=w.language,
        voice=w.voice,
        gender=_enum(Gender, w.gender, f"{P}.gender"),
        status_url=w.status_url,
        control_id=d.control_id(w.control_id),
    )


def _dec_record(w: _RecordParams, d: _Decoding) -> Record:
    if w.record is not None and w.audio is not None:
        raise InvalidMessage(f"{P}.audio", "give record.audio or (SDK form) audio, not both")
    if w.record is not None:
        audio, base = w.record.audio, f"{P}.record.audio"
    elif w.audio is not None:
        d.lenient("record-flat-audio")
        audio, base = w.audio, f"{P}.audio"
    else:
        raise InvalidMessage(f"{P}.record", "required field missing")
    try:
        return Record(
            format=_enum(RecordingFormat, audio.format, f"{base}.format", RECORD_FORMATS),
            beep=audio.beep,
            stereo=audio.stereo,
            direction=_enum(Direction, audio.direction, f"{base}.direction"),
            initial_timeout=audio.initial_timeout,
            end_silence_timeout=audio.end_silence_timeout,
            max_length=audio.max_length,
            terminators=audio.terminators,
            input_sensitivity=audio.input_sensitivity,
            status_url=w.status_url,
            control_id=d.control_id(w.control_id),
        )
    except InvalidValue as exc:
        where = f"{P}.{exc.field}" if exc.field in ("status_url", "control_id") else f"{base}.{exc.field}"
        raise InvalidMessage(where, exc.reason) from None


def _dec_collect(w: _CollectParams, d: _Decoding) -> Collect:
    digits = speech = None
    if w.digits is not None:
        try:
            digits = DigitCollect(
                max=w.digits.max, terminators=w.digits.terminators, digit_timeout=w.digits.digit_timeout
            )
        except InvalidValue as exc:
            raise InvalidMessage(f"{P}.digits.{exc.field}", exc.reason) from None
    if w.speech is not None:
        s = w.speech
        try:
            speech = SpeechCollect(
                end_silence_timeout=s.end_silence_timeout,
                speech_timeout=s.speech_timeout,
                language=s.language,
                hints=None if s.hints is None else tuple(s.hints),
                model=s.model,
                engine=_enum(SpeechEngine, s.engine, f"{P}.speech.engine"),
            )
        except InvalidValue as exc:
            raise InvalidMessage(f"{P}.speech.{exc.field.split('[')[0]}", exc.reason) from None
    if digits is None and speech is None:
        raise InvalidMessage(P, "give digits, speech or both")
    return Collect(
        digits=digits,
        speech=speech,
        initial_timeout=w.initial_timeout,
        continuous=w.continuous,
        partial_results=w.partial_results,
        send_start_of_input=w.send_start_of_input,
        start_input_timers=w.start_input_timers,
        status_url=w.status_url,
        control_id=d.control_id(w.control_id),
    )


def _dec_detect(w: _DetectParams, d: _Decoding) -> Detect:
    base = f"{P}.detect.params"
    params = {} if w.detect.params is None else w.detect.params
    detector: Any
    try:
        if w.detect.type == "machine":
            m = structure(converter, params, _MachineParams, base)
            detector = MachineDetector(**attrs.asdict(m))
        elif w.detect.type == "fax":
            f = structure(converter, params, _FaxParams, base)
            tone = None if f.tone is None else enum_value(FaxTone, f.tone.upper(), f"{base}.tone")
            if f.tone is not None and f.tone not in ("CNG", "CED", "cng", "ced"):
                raise InvalidMessage(f"{base}.tone", "must be one of CNG, CED, cng, ced")
            detector = FaxDetector(tone=tone)
        elif w.detect.type == "digit":
            g = structure(converter, params, _DigitParams, base)
            detector = DigitDetector(digits=g.digits)
        else:
            raise InvalidMessage(f"{P}.detect.type", "must be one of machine, fax, digit")
    except InvalidValue as exc:
        raise InvalidMessage(f"{base}.{exc.field}", exc.reason) from None
    return Detect(detector=detector, timeout=w.timeout, status_url=w.status_url, control_id=d.control_id(w.control_id))


def _dec_tap(w: _TapParams, d: _Decoding) -> Tap:
    if w.tap.type != "audio":
        raise InvalidMessage(f"{P}.tap.type", "must be audio")
    direction = enum_value(Direction, w.tap.params.direction, f"{P}.tap.params.direction")
    base = f"{P}.device.params"
    device: Any
    if w.device.type == "rtp":
        r = structure(converter, w.device.params, _RtpParams, base)
        codec = None if r.codec is None else route_for(CODEC_SPELLINGS, r.codec, f"{base}.codec", "codec")
        try:
            device = RtpDevice(addr=r.addr, port=r.port, codec=codec, ptime=r.ptime)
        except InvalidValue as exc:
            raise InvalidMessage(f"{base}.{exc.field}", exc.reason) from None
    elif w.device.type == "ws":
        s = structure(converter, w.device.params, _WsParams, base)
        codec = None if s.codec is None else route_for(CODEC_SPELLINGS, s.codec, f"{base}.codec", "codec")
        with _base.at(f"{base}.uri"):
            device = WsDevice(uri=s.uri, codec=codec)
    else:
        raise InvalidMessage(f"{P}.device.type", "must be one of rtp, ws")
    return Tap(device=device, direction=direction, status_url=w.status_url, control_id=w.control_id)


def _dec_stream(w: _StreamParams, d: _Decoding) -> Stream:
    return Stream(
        url=w.url,
        name=w.name,
        codec=w.codec,
        track=_enum(StreamTrack, w.track, f"{P}.track"),
        authorization_bearer_token=w.authorization_bearer_token,
        custom_parameters=_json(w.custom_parameters),
        status_url=w.status_url,
        status_url_method=_enum(HttpMethod, w.status_url_method, f"{P}.status_url_method"),
        control_id=d.control_id(w.control_id),
    )


def _dec_ai_hold(w: _AiHoldParams, d: _Decoding) -> AiHold:
    timeout: float | None = None
    if type(w.timeout) is int:
        d.lenient("ai-hold-integer-timeout")
        timeout = w.timeout
    elif type(w.timeout) is str:
        if re.fullmatch(r"[0-9]{1,6}", w.timeout) is None:
            raise InvalidMessage(f"{P}.timeout", 'must be a whole number of seconds as a string, e.g. "300"')
        timeout = int(w.timeout)
    elif w.timeout is not None:
        raise InvalidMessage(f"{P}.timeout", "must be a string of seconds")
    return AiHold(timeout=timeout, prompt=w.prompt)


def _dec_ai_unhold(w: _AiUnholdParams, d: _Decoding) -> AiUnhold:
    if w.prompt is not None:
        d.lenient("ai-unhold-prompt")
    return AiUnhold(prompt=w.prompt)


def _dec_ai_message(w: _AiMessageParams, d: _Decoding) -> AiMessage:
    reset = None
    if w.reset is not None:
        with _base.at(f"{P}.reset"):
            reset = AiReset(
                full_reset=w.reset.full_reset, user_prompt=w.reset.user_prompt, system_prompt=w.reset.system_prompt
            )
    return AiMessage(
        role=_enum(AiRole, w.role, f"{P}.role"),
        message_text=w.message_text,
        reset=reset,
        global_data=_json(w.global_data),
    )


def _live_directions(values: list[str], path: str) -> tuple[LiveDirection, ...]:
    return tuple(enum_value(LiveDirection, value, f"{path}[{i}]") for i, value in enumerate(values))


def _live_action(action: Any, translate: bool) -> Any:
    base = f"{P}.action"
    if action == "stop":
        return LiveStop()
    if not isinstance(action, dict) or len(action) != 1:
        raise InvalidMessage(
            base, 'must be "stop" or an object with one of start, summarize' + (", inject" if translate else "")
        )
    [(kind, body)] = action.items()
    path = f"{base}.{kind}"
    if kind == "summarize":
        s = structure(converter, body, _LiveSummarize, path)
        try:
            return LiveSummarize(webhook=s.webhook, prompt=s.prompt)
        except InvalidValue as exc:
            raise InvalidMessage(f"{path}.{exc.field}", exc.reason) from None
    if kind == "inject" and translate:
        j = structure(converter, body, _LiveInject, path)
        direction = enum_value(LiveDirection, j.direction, f"{path}.direction")
        with _base.at(f"{path}.message"):
            return LiveInject(message=j.message, direction=direction)
    if kind != "start":
        raise InvalidMessage(base, f"unknown live action {kind[:40]!r}")
    w = structure(converter, body, _LiveTranslateStart if translate else _LiveTranscribeStart, path)
    fields: dict[str, Any] = {
        "direction": _live_directions(w.direction, f"{path}.direction"),
        "webhook": w.webhook,
        "live_events": w.live_events,
        "ai_summary": w.ai_summary,
        "ai_summary_prompt": w.ai_summary_prompt,
        "speech_engine": _enum(LiveSpeechEngine, w.speech_engine, f"{path}.speech_engine"),
        "speech_timeout": _seconds(w.speech_timeout),
        "vad_silence": _seconds(w.vad_silence_ms),
        "vad_thresh": w.vad_thresh,
        "debug_level": w.debug_level,
    }
    if translate:
        fields.update(language=w.from_lang, to_language=w.to_lang, from_voice=w.from_voice, to_voice=w.to_voice,
                      filter_from=w.filter_from, filter_to=w.filter_to)  # fmt: skip
    else:
        fields["language"] = w.lang
    try:
        return LiveStart(**fields)
    except InvalidValue as exc:
        wire_name = {"language": "from_lang" if translate else "lang", "to_language": "to_lang",
                     "vad_silence": "vad_silence_ms"}.get(exc.field, exc.field)  # fmt: skip
        raise InvalidMessage(f"{path}.{wire_name}", exc.reason) from None


def _dec_refer(w: _ReferParams, d: _Decoding) -> Refer:
    if w.device.type != "sip":
        raise InvalidMessage(f"{P}.device.type", "must be sip")
    sip = w.device.params
    try:
        return Refer(to=sip.to, source=sip.from_, username=sip.username, password=sip.password,
                     status_url=w.status_url)  # fmt: skip
    except InvalidValue as exc:
        where = (
            f"{P}.status_url"
            if exc.field == "status_url"
            else f"{P}.device.params.{ {'source': 'from'}.get(exc.field, exc.field) }"
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
    "calling.live_transcribe": (
        _LiveParams,
        lambda w, d: _live_transcribe(w),
    ),
    "calling.live_translate": (
        _LiveParams,
        lambda w, d: LiveTranslate(action=_live_action(w.action, translate=True), status_url=w.status_url),
    ),
    "calling.send_fax.stop": (_Control, _control(StopFaxSend)),
    "calling.receive_fax.stop": (_Control, _control(StopFaxReceive)),
    "calling.refer": (_ReferParams, _dec_refer),
    "calling.user_event": (_UserEventParams, lambda w, d: UserEvent(event=w.event)),
}


def _live_transcribe(w: _LiveParams) -> LiveTranscribe:
    if w.status_url is not None:
        raise InvalidMessage(f"{P}.status_url", "calling.live_transcribe has no status_url (live_translate has)")
    return LiveTranscribe(action=_live_action(w.action, translate=False))


# ---------------------------------------------------------------- encode


def _media_item(item: Any) -> dict[str, Any]:
    params = {k: v for k, v in attrs.asdict(item, recurse=False).items() if v is not None}
    return {
        "type": MEDIA_TAGS[type(item)],
        "params": {k: str(v) if isinstance(v, enum.Enum) else v for k, v in params.items()},
    }


def _str(value: Any) -> str | None:
    return None if value is None else str(value)


class _Encoder:
    """Per-dialect-instance encoders (the control id generator is injectable)."""

    def __init__(self, control_ids: Callable[[], str]) -> None:
        self._control_ids = control_ids

    def control_id(self, command: Any, ctx: Encoding) -> str:
        if command.control_id is not None:
            return str(command.control_id)
        ctx.generated("control_id", "SignalWire needs a control_id to address the operation later: one was generated")
        return self._control_ids()

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
            LiveTranscribe: lambda c, ctx: ("calling.live_transcribe", {"action": _live(c.action, ctx, False)}),
            LiveTranslate: lambda c, ctx: (
                "calling.live_translate",
                _drop_none({"action": _live(c.action, ctx, True), "status_url": c.status_url}),
            ),
            AiHold: self.ai_hold,
            AiUnhold: self.ai_unhold,
            AiMessage: lambda c, ctx: (
                "calling.ai_message",
                _drop_none(
                    {
                        "role": _str(c.role),
                        "message_text": c.message_text,
                        "reset": None if c.reset is None else _drop_none(attrs.asdict(c.reset)),
                        "global_data": thaw_json(c.global_data),
                    }
                ),
            ),
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
                    params[field] = str(value) if isinstance(value, enum.Enum) else value
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
        if c.cause is None:
            return "calling.end", {}
        reason = REASON_FOR_CAUSE.get(c.cause)
        if reason is None:
            ctx.lose("cause")
            return "calling.end", {}
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

    def play(self, c: Play, ctx: Encoding) -> tuple[str, Any]:
        if c.offset is not None:
            ctx.lose("offset")
        params = {
            "control_id": self.control_id(c, ctx),
            "play": [_media_item(item) for item in c.media],
            "volume": c.volume,
            "direction": _str(c.direction),
            "loop": c.loop,
            "language": c.language,
            "voice": c.voice,
            "gender": _str(c.gender),
            "status_url": c.status_url,
        }
        return "calling.play", _drop_none(params)

    def record(self, c: Record, ctx: Encoding) -> tuple[str, Any]:
        fmt = None
        if c.format is not None:
            if c.format in RECORD_FORMATS:
                fmt = str(c.format)
            else:
                ctx.lose("format")
        audio = _drop_none(
            {
                "beep": c.beep,
                "format": fmt,
                "stereo": c.stereo,
                "direction": _str(c.direction),
                "initial_timeout": c.initial_timeout,
                "end_silence_timeout": c.end_silence_timeout,
                "max_length": c.max_length,
                "terminators": c.terminators,
                "input_sensitivity": c.input_sensitivity,
            }
        )
        params = {"control_id": self.control_id(c, ctx), "record": {"audio": audio}, "status_url": c.status_url}
        return "calling.record", _drop_none(params)

    def collect(self, c: Collect, ctx: Encoding) -> tuple[str, Any]:
        if c.prompt is not None:
            ctx.lose("prompt")
        params = {
            "control_id": self.control_id(c, ctx),
            "initial_timeout": c.initial_timeout,
            "digits": None if c.digits is None else _drop_none(attrs.asdict(c.digits)),
            "speech": None
            if c.speech is None
            else _drop_none(
                {
                    "end_silence_timeout": c.speech.end_silence_timeout,
                    "speech_timeout": c.speech.speech_timeout,
                    "language": c.speech.language,
                    "hints": None if c.speech.hints is None else list(c.speech.hints),
                    "model": c.speech.model,
                    "engine": _str(c.speech.engine),
                }
            ),
            "continuous": c.continuous,
            "partial_results": c.partial_results,
            "send_start_of_input": c.send_start_of_input,
            "start_input_timers": c.start_input_timers,
            "status_url": c.status_url,
        }
        return "calling.collect", _drop_none(params)

    def detect(self, c: Detect, ctx: Encoding) -> tuple[str, Any]:
        detector = c.detector
        if isinstance(detector, MachineDetector):
            spec: dict[str, Any] = {"type": "machine", "params": _drop_none(attrs.asdict(detector))}
        elif isinstance(detector, FaxDetector):
            spec = {"type": "fax", "params": _drop_none({"tone": _str(detector.tone)})}
        else:
            spec = {"type": "digit", "params": _drop_none({"digits": detector.digits})}
        params = {
            "control_id": self.control_id(c, ctx),
            "detect": spec,
            "timeout": c.timeout,
            "status_url": c.status_url,
        }
        return "calling.detect", _drop_none(params)

    def tap(self, c: Tap, ctx: Encoding) -> tuple[str, Any]:
        device = c.device
        if isinstance(device, RtpDevice):
            rtp = {"addr": device.addr, "port": device.port, "codec": _str(device.codec), "ptime": device.ptime}
            spec = {"type": "rtp", "params": _drop_none(rtp)}
        else:
            spec = {"type": "ws", "params": _drop_none({"uri": device.uri, "codec": _str(device.codec)})}
        params = {
            "control_id": self.control_id(c, ctx),
            "tap": {"type": "audio", "params": {"direction": str(c.direction)}},
            "device": spec,
            "status_url": c.status_url,
        }
        return "calling.tap", _drop_none(params)

    def stream(self, c: Stream, ctx: Encoding) -> tuple[str, Any]:
        params = {
            "control_id": self.control_id(c, ctx),
            "url": c.url,
            "name": c.name,
            "codec": c.codec,
            "track": _str(c.track),
            "authorization_bearer_token": c.authorization_bearer_token,
            "custom_parameters": thaw_json(c.custom_parameters),
            "status_url": c.status_url,
            "status_url_method": _str(c.status_url_method),
        }
        return "calling.stream", _drop_none(params)

    def ai_hold(self, c: AiHold, ctx: Encoding) -> tuple[str, Any]:
        timeout = None
        if c.timeout is not None:
            if float(c.timeout).is_integer():
                timeout = str(int(c.timeout))
            else:
                ctx.lose("timeout")
        return "calling.ai_hold", _drop_none({"timeout": timeout, "prompt": c.prompt})

    def ai_unhold(self, c: AiUnhold, ctx: Encoding) -> tuple[str, Any]:
        if c.prompt is not None:
            ctx.lose("prompt")
        return "calling.ai_unhold", {}


def _live(action: Any, ctx: Encoding, translate: bool) -> Any:
    if isinstance(action, LiveStop):
        return "stop"
    if isinstance(action, LiveSummarize):
        return {"summarize": _drop_none({"webhook": action.webhook, "prompt": action.prompt})}
    if isinstance(action, LiveInject):
        return {"inject": {"message": action.message, "direction": str(action.direction)}}
    assert isinstance(action, LiveStart)
    start: dict[str, Any] = {}
    if translate:
        start.update(from_lang=action.language, to_lang=action.to_language)
    else:
        start["lang"] = action.language
    start["direction"] = [str(d) for d in action.direction]
    if translate:
        start.update(from_voice=action.from_voice, to_voice=action.to_voice, filter_from=action.filter_from,
                     filter_to=action.filter_to)  # fmt: skip
    start.update(
        webhook=action.webhook,
        live_events=action.live_events,
        ai_summary=action.ai_summary,
        ai_summary_prompt=action.ai_summary_prompt,
        speech_engine=_str(action.speech_engine),
        speech_timeout=_ms(action.speech_timeout, ctx, "speech_timeout"),
        vad_silence_ms=_ms(action.vad_silence, ctx, "vad_silence"),
        vad_thresh=action.vad_thresh,
        debug_level=action.debug_level,
    )
    return {"start": _drop_none(start)}


def _drop_none(values: Mapping[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in values.items() if value is not None}


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


# ---------------------------------------------------------------- the dialect


def _new_control_id() -> str:
    return str(uuid.uuid4())


class SignalWireDialect(Dialect):
    name = "signalwire"
    summary = (
        'SignalWire REST Calling: `POST /api/calling/calls` with `{"command", "id", "params"}` '
        "(`dial` without id; `update` with the id inside params). Start commands carry a `control_id`, "
        "generated when the canonical command has none; call ids are UUIDs."
    )
    schema_file = "signalwire.schema.json"
    capabilities: ClassVar[Mapping[type, Capability]] = CAPABILITIES
    call_free = frozenset({Dial})
    command_id_note = "SignalWire has no idempotency key"
    leniencies: ClassVar[Mapping[str, str]] = LENIENCIES

    def __init__(self, *, control_ids: Callable[[], str] = _new_control_id) -> None:
        self._encoder = _Encoder(control_ids)
        self._encoders = self._encoder.commands()

    def _encode(self, command: Command, ctx: Encoding, call_id: str | None, command_id: str | None) -> HttpRequest:
        if isinstance(command, Dial):
            return HttpRequest(method="POST", path=PATH, body=self._encoder.dial(command, ctx))
        assert call_id is not None
        if UUID.fullmatch(call_id) is None:
            raise InvalidValue("call_id", "SignalWire call ids are UUIDs")
        if isinstance(command, Redirect):
            params = _drop_none(
                {
                    "id": call_id,
                    "url": command.url,
                    "swml": thaw_json(command.swml),
                    "fallback_url": command.fallback_url,
                    "status_url": command.status_url,
                }
            )
            return HttpRequest(method="POST", path=PATH, body={"command": "update", "params": params})
        name, params = self._encoders[type(command)](command, ctx)
        return HttpRequest(method="POST", path=PATH, body={"command": name, "id": call_id, "params": params})

    def request_for_body(self, body: Any, call_id: str | None) -> HttpRequest:
        return HttpRequest(method="POST", path=PATH, body=body)

    def _decode(self, request: HttpRequest) -> Decoded:
        if request.method.upper() != "POST":
            raise InvalidMessage("$", f"SignalWire commands are POSTed, not sent with {request.method[:16]}")
        if request.path != PATH:
            raise InvalidMessage("$", f"path must be {PATH}")
        body = request.body
        if not isinstance(body, dict):
            raise InvalidMessage("$", f"expected a JSON object, got {_base._json_type(body)}")
        if "command" not in body:
            raise InvalidMessage("$.command", "required field missing")
        name = body["command"]
        d = _Decoding()
        if name == "update":
            command, call_id = _decode_update(body, d)
            return Decoded(command=command, call_id=call_id, leniencies=tuple(d.applied))
        params_cls, decoder = route_for(DECODERS, name, "$.command", "command")
        allowed = {"command", "params"} if name == "dial" else {"command", "id", "params"}
        extra = set(body) - allowed
        if extra:
            raise InvalidMessage("$", f"unexpected field(s): {', '.join(sorted(extra))}")
        if "params" not in body:
            raise InvalidMessage("$.params", "required field missing (send {} when there are none)")
        addressed: str | None = None
        if name != "dial":
            if "id" not in body:
                raise InvalidMessage("$.id", "required field missing")
            addressed = body["id"]
            if type(addressed) is not str or UUID.fullmatch(addressed) is None:
                raise InvalidMessage("$.id", "must be a call UUID")
        params = structure(converter, body["params"], params_cls, P)
        try:
            command = decoder(params, d)
        except InvalidValue as exc:
            raise InvalidMessage(f"{P}.{exc.field}", exc.reason) from None
        return Decoded(command=command, call_id=addressed, leniencies=tuple(d.applied))


def _decode_update(body: dict[str, Any], d: _Decoding) -> tuple[Command, str]:
    extra = set(body) - {"command", "params"}
    if extra:
        raise InvalidMessage("$", f"unexpected field(s): {', '.join(sorted(extra))} (update carries the id in params)")
    w = structure(converter, body.get("params"), _UpdateParams, P)
    if UUID.fullmatch(w.id) is None:
        raise InvalidMessage(f"{P}.id", "must be a call UUID")
    redirect = w.url is not None or w.swml is not None
    if w.status is not None:
        status = w.status
        if status not in ("canceled", "completed"):
            raise InvalidMessage(f"{P}.status", "must be one of canceled, completed")
        if redirect:
            raise InvalidMessage(f"{P}.status", "an update that both ends and redirects the call has no single meaning")
        for field in ("fallback_url", "status_url"):
            if getattr(w, field) is not None:
                raise InvalidMessage(f"{P}.{field}", "only a redirect takes this field")
        d.lenient("update-status-only")
        return (Cancel() if status == "canceled" else Hangup()), w.id
    if not redirect:
        raise InvalidMessage(P, "update needs url or swml (or a status)")
    try:
        return Redirect(url=w.url, swml=w.swml, fallback_url=w.fallback_url, status_url=w.status_url), w.id
    except InvalidValue as exc:
        raise InvalidMessage(f"{P}.{exc.field}", exc.reason) from None


_base.check_capability_table(SignalWireDialect)
