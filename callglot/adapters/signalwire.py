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
import os
import re
from collections.abc import Callable, Mapping
from typing import Any, ClassVar, TypeVar

import attrs

from callglot._wire import HttpRequest, HttpResponse
from callglot.adapters.testing import TestProfile
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
from callglot.canonical import events as ev
from callglot.capabilities import Capability, Support, emulated, native, partial, unsupported
from callglot.errors import InvalidMessage, InvalidValue

from . import _base
from ._base import Decoded, Dialect, Encoding, enum_value, register_wire, route_for, structure

PATH = "/api/calling/calls"
UUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")

#: The SDK-compatibility rules decoding applies, by name. Encoding always emits the spec's form.
LENIENCIES: Mapping[str, str] = {
    "record-flat-audio": "calling.record settings sent flat as params.audio (signalwire-python's REST record()) "
    "are read as params.record.audio",
    "record-default-audio": "calling.record with neither record nor audio (signalwire-python's record() without "
    "arguments) records with SignalWire's defaults: read as record.audio {}",
    "missing-control-id": "calling.play/record/collect/detect/tap/stream/transcribe without control_id (the SDKs "
    "treat it as optional) decode with control_id None",
    "tap-flat-params": "calling.tap tap {type, direction} and device {type, addr, port, ...} sent flat "
    "(signalwire-python's REST example) are read as tap.params and device.params",
    "ai-hold-integer-timeout": "calling.ai_hold timeout sent as an integer (the older RPC description) is read as "
    "seconds; the spec sends a string",
    "ai-unhold-prompt-dropped": "calling.ai_unhold with a prompt (the older RPC description; signalwire-python's "
    "docs send one) decodes without it: the published schema has no prompt, and this rule is the report of the drop",
    "live-start-both-directions": "calling.live_transcribe/live_translate start without direction (signalwire-python's "
    "REST docs) covers both parties: direction [remote-caller, local-caller]; SignalWire documents no default",
    "live-transcribe-language": "calling.live_transcribe start with language instead of lang (signalwire-python's REST "
    "example) is read as lang",
    "refer-flat-device": "calling.refer device sent flat as {to, from?, username?, password?}, with type sip or none "
    "(signalwire-python's REST docs), is read as {type: sip, params: {...}}",
    "dial-sdk-status-events": "dial status_events values of signalwire-python's Literal (queued, initiated, "
    "ending) map to the spec's created/ended",
    "codecs-string": "dial codecs sent as one comma-separated string (the spec allows it) become the array form, "
    "callglot's normal form",
    "update-status-only": "update with a status and no url/swml (described by the state rules, absent from the "
    "schema) decodes as Hangup (completed) or Cancel (canceled)",
    "update-status-wins": "update with a status and a redirect (url or swml, the form the published schema requires) "
    "decodes as Hangup (completed) or Cancel (canceled): the status ends the call, so the redirect (with its "
    "fallback_url and status_url) is dropped, and this rule is the report of the drop",
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
    control_id: str | None = None
    tap: Any  # the spec's {type, params} or (leniency "tap-flat-params") the SDK's flat form
    device: Any
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
    lang: str | None = None
    language: str | None = None  # leniency "live-transcribe-language"
    direction: list[str] | None = None  # leniency "live-start-both-directions" when absent
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
    direction: list[str] | None = None  # leniency "live-start-both-directions" when absent
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
    device: Any  # the spec's {type, params} or (leniency "refer-flat-device") the SDK's flat form
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
# Arrays as capped as the canonical fields they become: refused by their length before any item is built.
_base.limit_arrays(converter, _PlayParams, play=_base.max_items(Play, "media"))
_base.limit_arrays(converter, _SpeechSpec, hints=_base.max_items(SpeechCollect, "hints"))
for _cls in (_LiveTranscribeStart, _LiveTranslateStart):
    _base.limit_arrays(converter, _cls, direction=_base.max_items(LiveStart, "direction"))

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


def _json(value: dict[str, Any] | None, field: str) -> FrozenJson | None:
    return None if value is None else freeze_json(value, field)  # errors name the field, then the path inside


def _enum(kind: type[enum.Enum], value: str | None, path: str, allowed: Any = None) -> Any:
    return None if value is None else enum_value(kind, value, path, allowed)


def _ms(seconds: float | None, ctx: Encoding, field: str) -> int | None:
    """Seconds (canonical) to whole milliseconds (an int32 on the wire), or a declared loss."""
    return None if seconds is None else _base.to_millis(seconds, ctx, field, INT32_MAX)


INT32_MAX = 2**31 - 1


def _seconds(millis: int | None, path: str) -> float | None:
    """Whole milliseconds (an int32 on the wire) to seconds."""
    return None if millis is None else _base.from_millis(millis, path, INT32_MAX)


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
        d.lenient("record-default-audio")
        audio, base = _RecordAudio(), f"{P}.record.audio"
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


def _typed_spec(value: Any, path: str, d: _Decoding, rule: str) -> tuple[_DeviceSpec, str]:
    """The spec's ``{type, params}``, or an SDK's flat ``{type, ...params}`` by ``rule``: (it, where its params are)."""
    if isinstance(value, dict) and "params" not in value and set(value) - {"type"}:
        d.lenient(rule)
        if "type" not in value:
            raise InvalidMessage(f"{path}.type", "required field missing")
        if type(value["type"]) is not str:
            raise InvalidMessage(f"{path}.type", f"expected a string, got {_base._json_type(value['type'])}")
        return _DeviceSpec(type=value["type"], params={k: v for k, v in value.items() if k != "type"}), path
    return structure(converter, value, _DeviceSpec, path), f"{path}.params"


def _dec_tap(w: _TapParams, d: _Decoding) -> Tap:
    tap, tap_base = _typed_spec(w.tap, f"{P}.tap", d, "tap-flat-params")
    if tap.type != "audio":
        raise InvalidMessage(f"{P}.tap.type", "must be audio")
    audio = structure(converter, tap.params, _TapAudio, tap_base)
    direction = enum_value(Direction, audio.direction, f"{tap_base}.direction")
    spec, base = _typed_spec(w.device, f"{P}.device", d, "tap-flat-params")
    device: Any
    if spec.type == "rtp":
        r = structure(converter, spec.params, _RtpParams, base)
        codec = None if r.codec is None else route_for(CODEC_SPELLINGS, r.codec, f"{base}.codec", "codec")
        try:
            device = RtpDevice(addr=r.addr, port=r.port, codec=codec, ptime=r.ptime)
        except InvalidValue as exc:
            raise InvalidMessage(f"{base}.{exc.field}", exc.reason) from None
    elif spec.type == "ws":
        s = structure(converter, spec.params, _WsParams, base)
        codec = None if s.codec is None else route_for(CODEC_SPELLINGS, s.codec, f"{base}.codec", "codec")
        with _base.at(f"{base}.uri"):
            device = WsDevice(uri=s.uri, codec=codec)
    else:
        raise InvalidMessage(f"{P}.device.type", "must be one of rtp, ws")
    return Tap(device=device, direction=direction, status_url=w.status_url, control_id=d.control_id(w.control_id))


def _dec_stream(w: _StreamParams, d: _Decoding) -> Stream:
    return Stream(
        url=w.url,
        name=w.name,
        codec=w.codec,
        track=_enum(StreamTrack, w.track, f"{P}.track"),
        authorization_bearer_token=w.authorization_bearer_token,
        custom_parameters=_json(w.custom_parameters, "custom_parameters"),
        status_url=w.status_url,
        status_url_method=_enum(HttpMethod, w.status_url_method, f"{P}.status_url_method"),
        control_id=d.control_id(w.control_id),
    )


def _dec_ai_hold(w: _AiHoldParams, d: _Decoding) -> AiHold:
    timeout: float | None = None
    if type(w.timeout) is int or (type(w.timeout) is float and w.timeout.is_integer()):
        d.lenient("ai-hold-integer-timeout")
        timeout = int(w.timeout)
    elif type(w.timeout) is str:
        if re.fullmatch(r"[0-9]{1,6}", w.timeout) is None:
            raise InvalidMessage(f"{P}.timeout", 'must be a whole number of seconds as a string, e.g. "300"')
        timeout = int(w.timeout)
    elif w.timeout is not None:
        raise InvalidMessage(f"{P}.timeout", "must be a string of seconds")
    return AiHold(timeout=timeout, prompt=w.prompt)


def _dec_ai_unhold(w: _AiUnholdParams, d: _Decoding) -> AiUnhold:
    if w.prompt is not None:
        with _base.at(f"{P}.prompt"):
            AiUnhold(prompt=w.prompt)  # a bad prompt is still an error, though a good one is dropped
        d.lenient("ai-unhold-prompt-dropped")
    return AiUnhold()


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
        global_data=_json(w.global_data, "global_data"),
    )


def _live_directions(values: list[str], path: str) -> tuple[LiveDirection, ...]:
    return tuple(enum_value(LiveDirection, value, f"{path}[{i}]") for i, value in enumerate(values))


#: What a live start without direction covers (leniency "live-start-both-directions"): the whole call, both
#: parties, as every SignalWire example sends it; the schema and the SWML reference require direction and
#: document no default.
BOTH_LIVE_DIRECTIONS = (LiveDirection.REMOTE_CALLER, LiveDirection.LOCAL_CALLER)


def _live_action(action: Any, translate: bool, d: _Decoding) -> Any:
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
    directions: tuple[LiveDirection, ...] = BOTH_LIVE_DIRECTIONS
    if w.direction is None:
        d.lenient("live-start-both-directions")
    else:
        directions = _live_directions(w.direction, f"{path}.direction")
    fields: dict[str, Any] = {
        "direction": directions,
        "webhook": w.webhook,
        "live_events": w.live_events,
        "ai_summary": w.ai_summary,
        "ai_summary_prompt": w.ai_summary_prompt,
        "speech_engine": _enum(LiveSpeechEngine, w.speech_engine, f"{path}.speech_engine"),
        "speech_timeout": _seconds(w.speech_timeout, f"{path}.speech_timeout"),
        "vad_silence": _seconds(w.vad_silence_ms, f"{path}.vad_silence_ms"),
        "vad_thresh": w.vad_thresh,
        "debug_level": w.debug_level,
    }
    if translate:
        fields.update(language=w.from_lang, to_language=w.to_lang, from_voice=w.from_voice, to_voice=w.to_voice,
                      filter_from=w.filter_from, filter_to=w.filter_to)  # fmt: skip
    else:
        fields["language"] = _transcribe_language(w, path, d)
    try:
        return LiveStart(**fields)
    except InvalidValue as exc:
        language = "from_lang" if translate else ("lang" if w.language is None else "language")
        wire_name = {"language": language, "to_language": "to_lang",
                     "vad_silence": "vad_silence_ms"}.get(exc.field, exc.field)  # fmt: skip
        raise InvalidMessage(f"{path}.{wire_name}", exc.reason) from None


def _transcribe_language(w: _LiveTranscribeStart, path: str, d: _Decoding) -> str:
    if w.language is None:
        if w.lang is None:
            raise InvalidMessage(f"{path}.lang", "required field missing")
        return w.lang
    if w.lang is not None:
        raise InvalidMessage(f"{path}.language", "give lang or (SDK form) language, not both")
    d.lenient("live-transcribe-language")
    return w.language


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


def _live_transcribe(w: _LiveParams, d: _Decoding) -> LiveTranscribe:
    if w.status_url is not None:
        raise InvalidMessage(f"{P}.status_url", "calling.live_transcribe has no status_url (live_translate has)")
    return LiveTranscribe(action=_live_action(w.action, False, d))


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
        _live_transcribe,
    ),
    "calling.live_translate": (
        _LiveParams,
        lambda w, d: LiveTranslate(action=_live_action(w.action, True, d), status_url=w.status_url),
    ),
    "calling.send_fax.stop": (_Control, _control(StopFaxSend)),
    "calling.receive_fax.stop": (_Control, _control(StopFaxReceive)),
    "calling.refer": (_ReferParams, _dec_refer),
    "calling.user_event": (_UserEventParams, lambda w, d: UserEvent(event=w.event)),
}


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


# ---------------------------------------------------------------- webhooks (reference/dialects.md §1.7)
#
# Every status callback is ``{"event_type", "event_channel"?, "timestamp"?, "project_id"?, "space_id"?,
# "params"}``: the envelope is required for dispatch (a bare ``params`` object cannot say which operation
# it reports on). ``event_channel``, ``project_id``, ``space_id`` and, inside ``params``, ``node_id``,
# ``segment_id``, ``tag``, the peer's ``node_id`` and a tap's ``tap``/``device`` objects (the media route
# of the operation) are SignalWire routing metadata: they go to the event's ``origin`` and come back from
# it. Optional wire fields are omitted when absent (never null), which is the normal form.

EVENT_PATH = "$.params"


@attrs.frozen(kw_only=True)
class _PhoneEnds:
    from_number: str | None = None
    to_number: str | None = None


@attrs.frozen(kw_only=True)
class _AddressEnds:
    from_: str | None = None
    to: str | None = None


@attrs.frozen(kw_only=True)
class _CallDevice:
    type: str
    params: dict[str, Any] | None = None


@attrs.frozen(kw_only=True)
class _Peer:
    call_id: str | None = None
    node_id: str | None = None


@attrs.frozen(kw_only=True)
class _StateEvt:
    call_id: str  # routing: the call the event is about
    node_id: str | None = None
    call_state: str
    direction: str | None = None
    device: _CallDevice | None = None
    end_reason: str | None = None
    peer: _Peer | None = None


@attrs.frozen(kw_only=True)
class _PlayEvt:
    control_id: str  # matching: the operation the event reports on
    call_id: str  # routing: the call the event is about
    node_id: str | None = None
    state: str


@attrs.frozen(kw_only=True)
class _RecordEvtAudio:
    format: str | None = None
    direction: str | None = None
    stereo: bool | None = None


@attrs.frozen(kw_only=True)
class _RecordEvtSpec:
    audio: _RecordEvtAudio


@attrs.frozen(kw_only=True)
class _RecordEvt:
    control_id: str  # matching: the operation the event reports on
    call_id: str  # routing: the call the event is about
    node_id: str | None = None
    state: str
    url: str | None = None
    duration: float | None = None
    size: int | None = None
    recording_id: str | None = None
    start_time: float | None = None
    end_time: float | None = None
    record: _RecordEvtSpec | None = None


@attrs.frozen(kw_only=True)
class _CollectOutcome:
    type: str
    params: dict[str, Any] | None = None


@attrs.frozen(kw_only=True)
class _DigitOutcome:
    digits: str | None = None
    terminator: str | None = None


@attrs.frozen(kw_only=True)
class _SpeechOutcome:
    text: str | None = None
    confidence: float | None = None


@attrs.frozen(kw_only=True)
class _CollectEvt:
    control_id: str  # matching: the operation the event reports on
    call_id: str  # routing: the call the event is about
    node_id: str | None = None
    result: _CollectOutcome
    final: bool | None = None
    state: str | None = None


@attrs.frozen(kw_only=True)
class _DetectFinding:
    event: str
    beep: bool | None = None


@attrs.frozen(kw_only=True)
class _DetectOutcome:
    type: str
    params: _DetectFinding


@attrs.frozen(kw_only=True)
class _DetectEvt:
    control_id: str  # matching: the operation the event reports on
    call_id: str  # routing: the call the event is about
    node_id: str | None = None
    segment_id: str | None = None
    detect: _DetectOutcome


@attrs.frozen(kw_only=True)
class _TapEvt:
    control_id: str  # matching: the operation the event reports on
    call_id: str  # routing: the call the event is about
    node_id: str | None = None
    segment_id: str | None = None
    state: str
    tap: dict[str, Any] | None = None
    device: dict[str, Any] | None = None


@attrs.frozen(kw_only=True)
class _StreamEvt:
    control_id: str  # matching: the operation the event reports on
    call_id: str  # routing: the call the event is about
    node_id: str | None = None
    segment_id: str | None = None
    tag: str | None = None
    state: str
    url: str | None = None
    name: str | None = None


@attrs.frozen(kw_only=True)
class _TranscriptEvt:
    id: str
    call_id: str  # routing: the call the event is about
    segment_id: str | None = None
    text: Any = _base.ABSENT  # a whole call's transcript may pass the wire string bound: checked in _dec_transcript


@attrs.frozen(kw_only=True)
class _TranscribeEvt:
    control_id: str  # matching: the operation the event reports on
    call_id: str  # routing: the call the event is about
    node_id: str | None = None
    state: str
    url: str | None = None
    recording_id: str | None = None
    duration: float | None = None
    size: int | None = None


@attrs.frozen(kw_only=True)
class _ReferEvt:
    control_id: str | None = None
    call_id: str  # routing: the call the event is about
    node_id: str | None = None
    state: str
    sip_refer_to: str | None = None
    sip_refer_response_code: int | None = None
    sip_notify_response_code: int | None = None


@attrs.frozen(kw_only=True)
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


@attrs.frozen(kw_only=True)
class _ConnectPeer:
    call_id: str | None = None
    node_id: str | None = None
    tag: str | None = None
    device: _CallDevice | None = None
    queue_id: str | None = None
    queue_name: str | None = None


@attrs.frozen(kw_only=True)
class _ConnectEvt:
    call_id: str  # routing: the call the event is about
    node_id: str | None = None
    segment_id: str | None = None
    tag: str | None = None
    connect_state: str
    failed_reason: str | None = None
    peer: _ConnectPeer | None = None


@attrs.frozen(kw_only=True)
class _FaxOutcome:
    type: str
    params: dict[str, Any] | None = None


@attrs.frozen(kw_only=True)
class _FaxPage:
    direction: str | None = None
    number: int | None = None


@attrs.frozen(kw_only=True)
class _FaxFinished:
    direction: str | None = None
    identity: str | None = None
    remote_identity: str | None = None
    document: str | None = None
    pages: int | None = None
    success: bool | None = None
    result: int | None = None
    result_text: str | None = None
    format: str | None = None


@attrs.frozen(kw_only=True)
class _FaxError:
    description: str | None = None


@attrs.frozen(kw_only=True)
class _FaxEvt:
    control_id: str  # matching: the operation the event reports on
    call_id: str  # routing: the call the event is about
    node_id: str | None = None
    fax: _FaxOutcome


@attrs.frozen(kw_only=True)
class _SendDigitsEvt:
    control_id: str  # matching: the operation the event reports on
    call_id: str  # routing: the call the event is about
    node_id: str | None = None
    state: str


@attrs.frozen(kw_only=True)
class _DialEvt:
    node_id: str | None = None
    tag: str | None = None
    dial_state: str
    call: dict[str, Any] | None = None  # the leg that answered: its call_id is the event's call
    reason: str | None = None
    source: str | None = None


@attrs.frozen(kw_only=True)
class _DenoiseEvt:
    call_id: str  # routing: the call the event is about
    node_id: str | None = None
    denoised: bool


@attrs.frozen(kw_only=True)
class _HoldEvt:
    call_id: str  # routing: the call the event is about
    node_id: str | None = None
    state: str


@attrs.frozen(kw_only=True)
class _ErrorEvt:
    call_id: str | None = None  # a call-level error names its call; the SDK's own tests also send none
    node_id: str | None = None
    code: str | None = None
    message: str | None = None


@attrs.frozen(kw_only=True)
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


@attrs.frozen(kw_only=True)
class _RestError:
    type: str
    code: str
    message: str
    attribute: Any = None  # a string, null or absent
    url: str


for _wcls in (
    _PhoneEnds, _AddressEnds, _CallDevice, _Peer, _StateEvt, _PlayEvt, _RecordEvtAudio, _RecordEvtSpec, _RecordEvt,
    _CollectOutcome, _DigitOutcome, _SpeechOutcome, _CollectEvt, _DetectFinding, _DetectOutcome, _DetectEvt, _TapEvt,
    _StreamEvt, _TranscriptEvt, _TranscribeEvt, _ReferEvt, _RestError, _ReceiveEvt, _ConnectPeer, _ConnectEvt,
    _FaxOutcome, _FaxPage, _FaxFinished, _FaxError, _FaxEvt, _SendDigitsEvt, _DialEvt, _DenoiseEvt, _HoldEvt,
    _ErrorEvt, _ConferenceEvt,
):  # fmt: skip
    register_wire(converter, _wcls)

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
#: origin keys that are not params of the same name (the peer's ids live in params.peer; receive and call
#: are spread or nested by their encoders).
_ORIGIN_PLACED = frozenset({"peer_node_id", "peer_tag", "peer_queue_id", "peer_queue_name", "receive", "call"})
ORIGIN_KEYS = frozenset({*ENVELOPE_ORIGIN, *(key for keys in PARAMS_ORIGIN.values() for key in keys)})

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
EVENT_REASON_FOR_CAUSE: Mapping[HangupCause, str] = {cause: reason for reason, cause in EVENT_END_REASONS.items()}
CALL_STATES: Mapping[str, ev.CallState] = {
    state.value: state for state in ev.CallState if state is not ev.CallState.FAILED
}
DEVICE_CHANNELS: Mapping[str, Channel] = {"phone": Channel.PSTN, "sip": Channel.SIP, "webrtc": Channel.WEBRTC}
CHANNEL_DEVICES: Mapping[Channel, str] = {channel: name for name, channel in DEVICE_CHANNELS.items()}
PLAY_STATES: Mapping[str, ev.OperationState] = {
    "playing": ev.OperationState.STARTED, "paused": ev.OperationState.PAUSED,
    "finished": ev.OperationState.FINISHED, "error": ev.OperationState.ERROR,
}  # fmt: skip
RECORD_STATES: Mapping[str, ev.OperationState] = {
    "recording": ev.OperationState.STARTED, "paused": ev.OperationState.PAUSED,
    "finished": ev.OperationState.FINISHED, "no_input": ev.OperationState.NO_INPUT,
}  # fmt: skip
TAP_STATES: Mapping[str, ev.OperationState] = {
    "tapping": ev.OperationState.STARTED,
    "finished": ev.OperationState.FINISHED,
}
STREAM_STATES: Mapping[str, ev.OperationState] = {
    "streaming": ev.OperationState.STARTED, "finished": ev.OperationState.FINISHED,
}  # fmt: skip
TRANSCRIBE_STATES: Mapping[str, ev.OperationState] = {
    "transcribing": ev.OperationState.STARTED, "finished": ev.OperationState.FINISHED,
}  # fmt: skip
CONNECT_STATES: Mapping[str, ev.ConnectState] = {state.value: state for state in ev.ConnectState}
DIAL_STATES: Mapping[str, ev.DialState] = {state.value: state for state in ev.DialState}
#: calling.call.hold's state: "hold" is in the SDK's own tests; "unhold" is inferred (SignalWire names no values).
HOLD_STATES: Mapping[str, ev.HoldState] = {"hold": ev.HoldState.HELD, "unhold": ev.HoldState.UNHELD}
#: calling.call.send_digits reports only finished (the SDKs type no other state).
SEND_DIGITS_STATES: Mapping[str, ev.OperationState] = {"finished": ev.OperationState.FINISHED}
FAX_STATES: Mapping[str, ev.FaxState] = {state.value: state for state in ev.FaxState}
FAX_DIRECTIONS: Mapping[str, ev.FaxDirection] = {d.value: d for d in ev.FaxDirection}
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
COLLECT_KINDS: Mapping[str, ev.CollectKind] = {kind.value: kind for kind in ev.CollectKind}
DETECT_KINDS: Mapping[str, ev.DetectKind] = {kind.value: kind for kind in ev.DetectKind}
DETECT_RESULTS: Mapping[ev.DetectKind, re.Pattern[str]] = {
    ev.DetectKind.MACHINE: re.compile(r"MACHINE|HUMAN|UNKNOWN|READY|NOT_READY|finished|error"),
    ev.DetectKind.FAX: re.compile(r"CED|CNG|finished|error"),
    ev.DetectKind.DIGIT: re.compile(r"[0-9A-D#*]+|finished|error"),
}


def _reverse(table: Mapping[str, Any]) -> dict[Any, str]:
    return {value: key for key, value in table.items()}


_ENVELOPE = {
    "sequence": "SignalWire webhooks carry no sequence number",
    "command_id": "SignalWire has no idempotency key: operations are matched by control_id",
    "call_id": "every SignalWire webhook names its call (params.call_id): a receiver routes by it",
}
_CONTROL_ID = {
    "control_id": "an operation's webhooks carry its control_id: it ties them to the command that started it"
}
#: Events of an operation (started by a command with a control_id): they need that control_id.
OPERATION_EVENTS = frozenset(
    {ev.PlaybackEvent, ev.RecordingEvent, ev.CollectResult, ev.DetectEvent, ev.TapEvent, ev.StreamEvent,
     ev.TranscriptionEvent, ev.FaxEvent, ev.SendDigitsEvent}
)  # fmt: skip
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

RESPONSE_CAPABILITIES: Mapping[type, Capability] = {
    ev.Receipt: partial(
        "200 with the call leg (CallLeg or FabricDeviceLeg): id, status, direction, from and to are the call's; "
        "every other field is kept verbatim in call.details",
        status="SignalWire answers 200 with the call leg: a queued or in-progress receipt reads back as accepted",
        command="the call leg does not name the command",
        operation_id="SignalWire has no operation id",
        timeout="SignalWire has no deferred result timeout",
        call="SignalWire's success body is the call leg: it needs at least the call id",
        call_id="the call leg's id is the call id",
        **{
            "call.state": "a call leg's status is queued, initiated, created, ringing, answered, ending, ended, "
            "failed, canceled or completed",
            "call.direction": "a call leg's direction is inbound, outbound or outbound-api",
            "call.details": "only the call leg's own fields (url, charge, created_at, charge_details, source, "
            "duration, duration_ms, billing_ms, type, parent_id) can be said",
        },
    ),
    ev.ProviderError: partial(
        '422-style {"errors": [{type, code, message, attribute, url}]} when the error has a kind and a code, '
        'otherwise {"error": message}',
        status="SignalWire errors are HTTP 4xx or 5xx",
        code='the {"error"} form has only a message',
        parameter='the {"error"} form has only a message',
        kind='the {"error"} form has only a message',
        details="SignalWire's errors carry a url and further errors, nothing else",
        retry_after="Retry-After is whole seconds",
    ),
}


def _wire_str(value: Any, path: str) -> str:
    if type(value) is not str:
        raise InvalidMessage(path, f"expected a string, got {_base._json_type(value)}")
    if len(value) > _base.MAX_STRING:
        raise InvalidMessage(path, f"string longer than {_base.MAX_STRING} characters")
    return value


_T = TypeVar("_T")


def _make(cls: type[_T], paths: Mapping[str, str], **fields: Any) -> _T:
    """Build a canonical value; a field it rejects is reported at its wire path."""
    try:
        return cls(**fields)
    except InvalidValue as exc:
        head = exc.field.split(".")[0].split("[")[0]
        if head in ("details", "origin"):  # free-form JSON kept verbatim: its keys are the wire's keys
            raise InvalidMessage(paths.get(head, EVENT_PATH) + exc.field[len(head) :], exc.reason) from None
        raise InvalidMessage(paths.get(head, f"{EVENT_PATH}.{head}"), exc.reason) from None


_ENVELOPE_PATHS = {"timestamp": "$.timestamp"}


class _EventEnvelope:
    """What the envelope and params say besides the event itself: timestamp, origin, common ids."""

    __slots__ = ("origin", "timestamp")

    def __init__(self, origin: dict[str, Any], timestamp: float | None) -> None:
        self.origin = origin
        self.timestamp = timestamp

    def common(self, w: Any, **extra_origin: Any) -> dict[str, Any]:
        origin = dict(self.origin)
        origin.update({key: value for key, value in extra_origin.items() if value is not None})
        fields: dict[str, Any] = {
            "call_id": getattr(w, "call_id", None),
            "control_id": getattr(w, "control_id", None),
            "timestamp": self.timestamp,
            "origin": origin or None,
        }
        return fields


def _state_of(table: Mapping[str, Any], value: str, path: str) -> Any:
    found = table.get(value)
    if found is None:
        raise InvalidMessage(path, f"must be one of {', '.join(table)}")
    return found


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


def _dec_play_event(w: _PlayEvt, env: _EventEnvelope) -> ev.PlaybackEvent:
    state = _state_of(PLAY_STATES, w.state, f"{EVENT_PATH}.state")
    return _make(ev.PlaybackEvent, _ENVELOPE_PATHS, **env.common(w, node_id=w.node_id), state=state)


def _dec_record_event(w: _RecordEvt, env: _EventEnvelope) -> ev.RecordingEvent:
    p = EVENT_PATH
    state = _state_of(RECORD_STATES, w.state, f"{p}.state")
    fmt = direction = stereo = None
    if w.record is not None:
        audio = w.record.audio
        fmt = _enum(RecordingFormat, audio.format, f"{p}.record.audio.format", RECORD_FORMATS)
        direction = _enum(Direction, audio.direction, f"{p}.record.audio.direction")
        stereo = audio.stereo
    return _make(
        ev.RecordingEvent,
        {**_ENVELOPE_PATHS, "started_at": f"{p}.start_time", "ended_at": f"{p}.end_time"},
        **env.common(w, node_id=w.node_id),
        state=state,
        url=w.url,
        duration=w.duration,
        size=w.size,
        format=fmt,
        recording_id=w.recording_id,
        direction=direction,
        stereo=stereo,
        started_at=w.start_time,
        ended_at=w.end_time,
    )


def _dec_collect_event(w: _CollectEvt, env: _EventEnvelope) -> ev.CollectResult:
    base = f"{EVENT_PATH}.result"
    kind = _state_of(COLLECT_KINDS, w.result.type, f"{base}.type")
    fields: dict[str, Any] = {}
    paths = {**_ENVELOPE_PATHS}
    if kind in (ev.CollectKind.DIGIT, ev.CollectKind.SPEECH):
        if w.result.params is None:
            raise InvalidMessage(f"{base}.params", "required field missing")
        if kind is ev.CollectKind.DIGIT:
            digit = structure(converter, w.result.params, _DigitOutcome, f"{base}.params")
            fields.update(digits=digit.digits, terminator=digit.terminator)
            paths.update(digits=f"{base}.params.digits", terminator=f"{base}.params.terminator")
        else:
            speech = structure(converter, w.result.params, _SpeechOutcome, f"{base}.params")
            fields.update(text=speech.text, confidence=speech.confidence)
            paths.update(text=f"{base}.params.text", confidence=f"{base}.params.confidence")
    elif w.result.params is not None:
        raise InvalidMessage(f"{base}.params", f"a {kind.value} result has no params")
    return _make(
        ev.CollectResult,
        paths,
        **env.common(w, node_id=w.node_id),
        kind=kind,
        final=w.final,
        state=w.state,
        **fields,
    )


def _dec_detect_event(w: _DetectEvt, env: _EventEnvelope) -> ev.DetectEvent:
    base = f"{EVENT_PATH}.detect"
    kind = _state_of(DETECT_KINDS, w.detect.type, f"{base}.type")
    finding = w.detect.params
    if DETECT_RESULTS[kind].fullmatch(finding.event) is None:
        raise InvalidMessage(f"{base}.params.event", f"not a result of the {kind.value} detector")
    if finding.beep is not None and kind is not ev.DetectKind.MACHINE:
        raise InvalidMessage(f"{base}.params.beep", "only the machine detector reports a beep")
    return _make(
        ev.DetectEvent,
        {**_ENVELOPE_PATHS, "result": f"{base}.params.event", "beep": f"{base}.params.beep"},
        **env.common(w, node_id=w.node_id, segment_id=w.segment_id),
        detector=kind,
        result=finding.event,
        beep=finding.beep,
    )


def _check_tap_objects(tap: dict[str, Any] | None, device: dict[str, Any] | None, path: str) -> None:
    """The tap and device objects go to origin verbatim: check they have the command's shapes."""
    if tap is not None:
        spec = structure(converter, tap, _TapSpec, f"{path}.tap")
        enum_value(Direction, spec.params.direction, f"{path}.tap.params.direction")
        if spec.type != "audio":
            raise InvalidMessage(f"{path}.tap.type", "must be audio")
    if device is not None:
        dev = structure(converter, device, _DeviceSpec, f"{path}.device")
        if dev.type == "rtp":
            structure(converter, dev.params, _RtpParams, f"{path}.device.params")
        elif dev.type == "ws":
            structure(converter, dev.params, _WsParams, f"{path}.device.params")
        else:
            raise InvalidMessage(f"{path}.device.type", "must be one of rtp, ws")


def _dec_tap_event(w: _TapEvt, env: _EventEnvelope) -> ev.TapEvent:
    state = _state_of(TAP_STATES, w.state, f"{EVENT_PATH}.state")
    _check_tap_objects(w.tap, w.device, EVENT_PATH)
    return _make(
        ev.TapEvent,
        _ENVELOPE_PATHS,
        **env.common(w, node_id=w.node_id, segment_id=w.segment_id, tap=w.tap, device=w.device),
        state=state,
    )


def _dec_stream_event(w: _StreamEvt, env: _EventEnvelope) -> ev.StreamEvent:
    state = _state_of(STREAM_STATES, w.state, f"{EVENT_PATH}.state")
    return _make(
        ev.StreamEvent,
        _ENVELOPE_PATHS,
        **env.common(w, node_id=w.node_id, segment_id=w.segment_id, tag=w.tag),
        state=state,
        url=w.url,
        name=w.name,
    )


def _dec_transcript(state: ev.OperationState) -> Callable[[_TranscriptEvt, _EventEnvelope], ev.TranscriptionEvent]:
    def decode(w: _TranscriptEvt, env: _EventEnvelope) -> ev.TranscriptionEvent:
        text = None if w.text is _base.ABSENT else w.text
        if text is None and w.text is not _base.ABSENT:
            raise InvalidMessage(f"{EVENT_PATH}.text", "null is not allowed: omit the field instead")
        if text is not None and type(text) is not str:
            raise InvalidMessage(f"{EVENT_PATH}.text", f"expected a string, got {_base._json_type(text)}")
        return _make(
            ev.TranscriptionEvent,
            {**_ENVELOPE_PATHS, "transcript_id": f"{EVENT_PATH}.id"},
            **env.common(w, segment_id=w.segment_id),
            transcript_id=w.id,
            state=state,
            text=text,
        )

    return decode


def _dec_transcribe_event(w: _TranscribeEvt, env: _EventEnvelope) -> ev.TranscriptionEvent:
    state = _state_of(TRANSCRIBE_STATES, w.state, f"{EVENT_PATH}.state")
    return _make(
        ev.TranscriptionEvent,
        _ENVELOPE_PATHS,
        **env.common(w, node_id=w.node_id),
        state=state,
        url=w.url,
        recording_id=w.recording_id,
        duration=w.duration,
        size=w.size,
    )


def _dec_refer_event(w: _ReferEvt, env: _EventEnvelope) -> ev.ReferEvent:
    p = EVENT_PATH
    return _make(
        ev.ReferEvent,
        {
            **_ENVELOPE_PATHS,
            "refer_to": f"{p}.sip_refer_to",
            "refer_response_code": f"{p}.sip_refer_response_code",
            "notify_response_code": f"{p}.sip_notify_response_code",
        },
        **env.common(w, node_id=w.node_id),
        state=w.state,
        refer_to=w.sip_refer_to,
        refer_response_code=w.sip_refer_response_code,
        notify_response_code=w.sip_notify_response_code,
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


def _dec_fax_event(w: _FaxEvt, env: _EventEnvelope) -> ev.FaxEvent:
    base = f"{EVENT_PATH}.fax"
    state = _state_of(FAX_STATES, w.fax.type, f"{base}.type")
    at = f"{base}.params"
    params = {} if w.fax.params is None else w.fax.params
    if w.fax.params is None and state is not ev.FaxState.ERROR:
        raise InvalidMessage(at, "required field missing")
    fields: dict[str, Any]
    if state is ev.FaxState.PAGE:
        page = structure(converter, params, _FaxPage, at)
        fields = {"direction": page.direction, "page": page.number}
    elif state is ev.FaxState.FINISHED:
        done = structure(converter, params, _FaxFinished, at)
        fields = {
            "direction": done.direction, "identity": done.identity, "remote_identity": done.remote_identity,
            "document": done.document, "pages": done.pages, "success": done.success, "result": done.result,
            "result_text": done.result_text, "format": done.format,
        }  # fmt: skip
    else:
        failed = structure(converter, params, _FaxError, at)
        fields = {"description": failed.description}
        if w.fax.params is not None and failed.description is None:
            raise InvalidMessage(at, "an error's params name its description")  # {} would not re-encode
    if fields.get("direction") is not None:
        fields["direction"] = _state_of(FAX_DIRECTIONS, fields["direction"], f"{at}.direction")
    return _make(
        ev.FaxEvent,
        {**_ENVELOPE_PATHS, "page": f"{at}.number", **{key: f"{at}.{key}" for key in fields if key != "page"}},
        **env.common(w, node_id=w.node_id),
        state=state,
        **fields,
    )


def _dec_send_digits_event(w: _SendDigitsEvt, env: _EventEnvelope) -> ev.SendDigitsEvent:
    state = _state_of(SEND_DIGITS_STATES, w.state, f"{EVENT_PATH}.state")
    return _make(ev.SendDigitsEvent, _ENVELOPE_PATHS, **env.common(w, node_id=w.node_id), state=state)


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
    if not isinstance(body, dict):
        raise InvalidMessage("$", f"expected a JSON object, got {_base._json_type(body)}")
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


def _common_params(event: Any, params_origin: dict[str, Any], ctx: Encoding, *, control: bool = True) -> dict[str, Any]:
    """The ids every event carries: ``call_id`` always, ``control_id`` for an operation's events."""
    out: dict[str, Any] = {}
    if control:
        if event.control_id is not None:
            out["control_id"] = event.control_id
        elif type(event) in OPERATION_EVENTS:
            ctx.lose("control_id", droppable=False)
    if event.call_id is None:
        ctx.lose("call_id", droppable=False)
    out["call_id"] = event.call_id
    out.update({key: value for key, value in params_origin.items() if key not in _ORIGIN_PLACED})
    return out


def _lose_envelope(event: Any, ctx: Encoding) -> None:
    for field in ("sequence", "command_id", "event_id"):
        if getattr(event, field) is not None:
            ctx.lose(field)


def _wire_state(table: Mapping[str, Any], state: Any, ctx: Encoding) -> str:
    reverse = _reverse(table)
    if state not in reverse:
        ctx.lose("state", droppable=False)
    return reverse[state]


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


def _enc_play_event(e: ev.PlaybackEvent, ctx: Encoding, po: dict[str, Any]) -> dict[str, Any]:
    params = _common_params(e, po, ctx)
    params["state"] = _wire_state(PLAY_STATES, e.state, ctx)
    for field in ("urls", "offset", "duration"):
        if getattr(e, field) is not None:
            ctx.lose(field)
    return params


def _enc_record_event(e: ev.RecordingEvent, ctx: Encoding, po: dict[str, Any]) -> dict[str, Any]:
    params = _common_params(e, po, ctx)
    params["state"] = _wire_state(RECORD_STATES, e.state, ctx)
    params.update(
        _drop_none(
            {
                "url": e.url,
                "duration": e.duration,
                "size": e.size,
                "recording_id": e.recording_id,
                "start_time": e.started_at,
                "end_time": e.ended_at,
            }
        )
    )
    fmt = None
    if e.format is not None:
        if e.format in RECORD_FORMATS:
            fmt = e.format.value
        else:
            ctx.lose("format")
    audio = _drop_none({"format": fmt, "direction": _str(e.direction), "stereo": e.stereo})
    if audio:
        params["record"] = {"audio": audio}
    return params


def _enc_collect_event(e: ev.CollectResult, ctx: Encoding, po: dict[str, Any]) -> dict[str, Any]:
    params = _common_params(e, po, ctx)
    result: dict[str, Any] = {"type": e.kind.value}
    digit_fields = {"digits": e.digits, "terminator": e.terminator}
    speech_fields = {"text": e.text, "confidence": e.confidence}
    if e.kind is ev.CollectKind.DIGIT:
        result["params"] = _drop_none(digit_fields)
    elif e.kind is ev.CollectKind.SPEECH:
        result["params"] = _drop_none(speech_fields)
    for field, value in (*digit_fields.items(), *speech_fields.items()):
        belongs = field in (digit_fields if e.kind is ev.CollectKind.DIGIT else speech_fields)
        if value is not None and not (belongs and e.kind in (ev.CollectKind.DIGIT, ev.CollectKind.SPEECH)):
            ctx.lose(field)
    params["result"] = result
    params.update(_drop_none({"final": e.final, "state": e.state}))
    return params


def _enc_detect_event(e: ev.DetectEvent, ctx: Encoding, po: dict[str, Any]) -> dict[str, Any]:
    params = _common_params(e, po, ctx)
    if DETECT_RESULTS[e.detector].fullmatch(e.result) is None:
        ctx.lose("result", droppable=False)
    finding: dict[str, Any] = {"event": e.result}
    if e.beep is not None:
        if e.detector is ev.DetectKind.MACHINE:
            finding["beep"] = e.beep
        else:
            ctx.lose("beep")
    params["detect"] = {"type": e.detector.value, "params": finding}
    return params


def _enc_tap_event(e: ev.TapEvent, ctx: Encoding, po: dict[str, Any]) -> dict[str, Any]:
    params = _common_params(e, po, ctx)
    params["state"] = _wire_state(TAP_STATES, e.state, ctx)
    return params


def _enc_stream_event(e: ev.StreamEvent, ctx: Encoding, po: dict[str, Any]) -> dict[str, Any]:
    params = _common_params(e, po, ctx)
    params["state"] = _wire_state(STREAM_STATES, e.state, ctx)
    params.update(_drop_none({"url": e.url, "name": e.name}))
    return params


def _enc_refer_event(e: ev.ReferEvent, ctx: Encoding, po: dict[str, Any]) -> dict[str, Any]:
    params = _common_params(e, po, ctx)
    params["state"] = e.state
    params.update(
        _drop_none(
            {
                "sip_refer_to": e.refer_to,
                "sip_refer_response_code": e.refer_response_code,
                "sip_notify_response_code": e.notify_response_code,
            }
        )
    )
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


def _enc_fax_event(e: ev.FaxEvent, ctx: Encoding, po: dict[str, Any]) -> dict[str, Any]:
    params = _common_params(e, po, ctx)
    direction = None if e.direction is None else e.direction.value
    owned: tuple[str, ...]
    if e.state is ev.FaxState.PAGE:
        kept = {"direction": direction, "number": e.page}
        owned = ("direction", "page")
    elif e.state is ev.FaxState.FINISHED:
        kept = {
            "direction": direction, "identity": e.identity, "remote_identity": e.remote_identity,
            "document": e.document, "pages": e.pages, "success": e.success, "result": e.result,
            "result_text": e.result_text, "format": e.format,
        }  # fmt: skip
        owned = tuple(kept)
    else:
        kept = {"description": e.description}
        owned = ("description",)
    for field in ("direction", "page", "pages", "document", "success", "result", "result_text", "identity",
                  "remote_identity", "format", "description"):  # fmt: skip
        if field not in owned and getattr(e, field) is not None:
            ctx.lose(field)
    fax: dict[str, Any] = {"type": e.state.value}
    values = _drop_none(kept)
    if values or e.state is not ev.FaxState.ERROR:
        fax["params"] = values
    params["fax"] = fax
    return params


def _enc_send_digits_event(e: ev.SendDigitsEvent, ctx: Encoding, po: dict[str, Any]) -> dict[str, Any]:
    params = _common_params(e, po, ctx)
    params["state"] = _wire_state(SEND_DIGITS_STATES, e.state, ctx)
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


_RECORDING_FIELDS = ("url", "recording_id", "duration", "size", "control_id")


def _transcription_type(e: ev.TranscriptionEvent) -> str:
    """A failed transcription, or a finished one with its transcript id, is a calling.transcript.* event."""
    if e.state is ev.OperationState.ERROR:
        return "calling.transcript.failed"
    if e.state is ev.OperationState.FINISHED and e.transcript_id is not None:
        return "calling.transcript.completed"
    return "calling.call.transcribe"


def _enc_transcription(e: ev.TranscriptionEvent, ctx: Encoding, po: dict[str, Any], event_type: str) -> dict[str, Any]:
    if event_type == "calling.call.transcribe":
        for field in ("transcript_id", "text"):
            if getattr(e, field) is not None:
                ctx.lose(field)
        params = _common_params(e, po, ctx)
        params["state"] = _wire_state(TRANSCRIBE_STATES, e.state, ctx)
        params.update(
            _drop_none({"url": e.url, "recording_id": e.recording_id, "duration": e.duration, "size": e.size})
        )
        return params
    if e.transcript_id is None:
        ctx.lose("transcript_id", droppable=False)
    for field in _RECORDING_FIELDS:
        if getattr(e, field) is not None:
            ctx.lose(field)
    params = {"id": e.transcript_id}
    params.update(_common_params(e, po, ctx, control=False))
    if e.text is not None:
        params["text"] = e.text
    return params


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


# ---------------------------------------------------------------- responses (reference/dialects.md §1.2, §1.3)

CALL_STATUSES = ("queued", "initiated", "created", "ringing", "answered", "ending", "ended", "failed", "canceled",
                 "completed")  # fmt: skip
CALL_DIRECTIONS = ("inbound", "outbound", "outbound-api")
CALL_TYPES = ("relay_pstn_call", "relay_sip_call", "relay_webrtc_call", "fabric_subscriber_device_leg")
ERROR_DOCS = "https://signalwire.com/docs/apis/error-codes"


def _is_number(value: Any) -> bool:
    return type(value) in (int, float)


def _is_int(value: Any) -> bool:
    return type(value) is int or (type(value) is float and value.is_integer())


def _is_text(value: Any) -> bool:
    return type(value) is str and len(value) <= _base.MAX_STRING


def _charge_details(value: Any) -> bool:
    return type(value) is list and all(
        isinstance(item, dict)
        and set(item) == {"description", "charge"}
        and _is_text(item["description"])
        and _is_number(item["charge"])
        for item in value
    )


#: call-leg fields besides id/from/to/direction/status and their checks (null allowed where the spec says).
_LEG_DETAILS: Mapping[str, tuple[Callable[[Any], bool], str]] = {
    "source": (lambda v: v == "realtime_api", 'must be "realtime_api"'),
    "url": (lambda v: v is None or _is_text(v), "expected a string or null"),
    "charge": (_is_number, "expected a number"),
    "created_at": (_is_text, "expected a date-time string"),
    "charge_details": (_charge_details, "expected an array of {description, charge}"),
    "duration": (lambda v: v is None or _is_int(v), "expected an integer or null"),
    "duration_ms": (lambda v: v is None or _is_int(v), "expected an integer or null"),
    "billing_ms": (lambda v: v is None or _is_int(v), "expected an integer or null"),
    "type": (lambda v: v in CALL_TYPES, f"must be one of {', '.join(CALL_TYPES)}"),
    "parent_id": (lambda v: v is None or _is_text(v), "expected a string or null"),
}
_LEG_ENUMS: Mapping[str, tuple[str, ...]] = {"status": CALL_STATUSES, "direction": CALL_DIRECTIONS}


def _decode_call_leg(body: dict[str, Any]) -> ev.Receipt:
    extra = set(body) - {"id", "from", "to", "direction", "status", *_LEG_DETAILS}
    if extra:
        raise _base.UnexpectedFields("$", extra)
    if "id" not in body:
        raise InvalidMessage("$.id", "required field missing")
    call_id = _wire_str(body["id"], "$.id")
    named: dict[str, str | None] = {}
    details: dict[str, Any] = {}
    for key in ("from", "to", "direction", "status"):
        if key not in body:
            continue
        value = body[key]
        if value is None and key == "status":
            details[key] = None  # FabricDeviceLeg: status is always null
            continue
        text = _wire_str(value, f"$.{key}")
        if key in _LEG_ENUMS and text not in _LEG_ENUMS[key]:
            raise InvalidMessage(f"$.{key}", f"must be one of {', '.join(_LEG_ENUMS[key])}")
        named[key] = text
    for key, (check, reason) in _LEG_DETAILS.items():
        if key in body:
            if not check(body[key]):
                raise InvalidMessage(f"$.{key}", reason)
            details[key] = body[key]
    leg = _make(
        ev.CallLeg,
        {
            "id": "$.id",
            "state": "$.status",
            "direction": "$.direction",
            "source": "$.from",
            "destination": "$.to",
            "details": "$",  # the leg's other keys, kept verbatim
        },
        id=call_id,
        state=named.get("status"),
        direction=named.get("direction"),
        source=named.get("from"),
        destination=named.get("to"),
        details=details or None,
    )
    return ev.Receipt(status=ev.ReceiptStatus.ACCEPTED, call_id=call_id, call=leg)


def _encode_call_leg(receipt: ev.Receipt, ctx: Encoding) -> dict[str, Any]:
    if receipt.status is not ev.ReceiptStatus.ACCEPTED:
        ctx.lose("status")
    for field in ("command", "operation_id", "timeout"):
        if getattr(receipt, field) is not None:
            ctx.lose(field)
    leg = receipt.call
    if leg is None:
        if receipt.call_id is None:
            ctx.lose("call", droppable=False)
        assert receipt.call_id is not None
        ctx.generated("call", "SignalWire answers with the call leg: only its id is known")
        return {"id": receipt.call_id}
    if receipt.call_id is None:
        ctx.generated("call_id", "the call leg's id is the call id")
    elif receipt.call_id != leg.id:
        ctx.lose("call_id")
    body: dict[str, Any] = {}
    if leg.details is not None:
        if not leg.details:  # {} is not "no details", and the leg has no way to say it
            ctx.lose("call.details")
        for key, value in thaw_json(leg.details).items():
            check = _LEG_DETAILS.get(key)
            if (check is not None and check[0](value)) or (key == "status" and value is None and leg.state is None):
                body[key] = value
            else:
                ctx.lose("call.details")
    body["id"] = leg.id
    if leg.source is not None:
        body["from"] = leg.source
    if leg.destination is not None:
        body["to"] = leg.destination
    for key, field, value in (("direction", "call.direction", leg.direction), ("status", "call.state", leg.state)):
        if value is None:
            continue
        if value in _LEG_ENUMS[key]:
            body[key] = value
        else:
            ctx.lose(field)
    return body


_ERROR_FIELDS = {"message": "message", "code": "code", "parameter": "attribute", "kind": "type"}


def _error_field_path(field: str) -> str:
    """Where in ``{"errors": [...]}`` a ProviderError field came from (details.url is the first error's url,
    details.errors[i] the (i+1)th error)."""
    head, _, rest = field.partition(".")
    if head in _ERROR_FIELDS:
        return f"$.errors[0].{_ERROR_FIELDS[head]}"
    if rest.startswith("url"):
        return f"$.errors[0].{rest}"
    if rest.startswith("errors["):
        index, _, tail = rest[len("errors[") :].partition("]")
        if index.isdigit():
            return f"$.errors[{int(index) + 1}]{tail}"
    return "$.errors"


def _decode_error(response: HttpResponse) -> ev.ProviderError:
    body = response.body
    retry_after = _base.retry_after(response.headers)
    if not isinstance(body, dict):
        raise InvalidMessage("$", f"expected a SignalWire error object, got {_base._json_type(body)}")
    if "errors" in body:
        if set(body) != {"errors"}:
            raise _base.UnexpectedFields("$", set(body) - {"errors"})
        items = body["errors"]
        if type(items) is not list or not items:
            raise InvalidMessage("$.errors", "expected a non-empty array of errors")
        parsed = [structure(converter, item, _RestError, f"$.errors[{index}]") for index, item in enumerate(items)]
        for index, item in enumerate(parsed):
            if item.attribute is not None and not _is_text(item.attribute):
                raise InvalidMessage(f"$.errors[{index}].attribute", "expected a string or null")
        first = parsed[0]
        details: dict[str, Any] = {"url": first.url}
        if len(items) > 1:
            details["errors"] = items[1:]
        try:
            return ev.ProviderError(
                response.status,
                first.message,
                code=first.code,
                parameter=first.attribute,
                kind=first.type,
                details=details,
                retry_after=retry_after,
            )
        except InvalidValue as exc:
            raise InvalidMessage(_error_field_path(exc.field), exc.reason) from None
    if "error" in body:
        if set(body) != {"error"}:
            raise _base.UnexpectedFields("$", set(body) - {"error"})
        return ev.ProviderError(response.status, _wire_str(body["error"], "$.error"), retry_after=retry_after)
    raise InvalidMessage("$", 'expected {"errors": [...]} or {"error": "..."}')


def _encode_error(error: ev.ProviderError, ctx: Encoding) -> HttpResponse:
    status = error.status
    if type(status) is not int or not 400 <= status <= 599:
        ctx.lose("status", droppable=False)
    headers: dict[str, str] = {}
    if error.retry_after is not None:
        if float(error.retry_after).is_integer() and 0 <= error.retry_after < _base.RETRY_AFTER_LIMIT:
            headers["Retry-After"] = str(int(error.retry_after))
        else:
            ctx.lose("retry_after")
    details = {} if error.details is None else thaw_json(error.details)
    if error.kind is not None and error.code is not None:
        first: dict[str, Any] = {"type": error.kind, "code": error.code, "message": error.message}
        first["attribute"] = error.parameter  # the normal form: always sent, null when no parameter
        if "url" in details and type(details["url"]) is not str:
            ctx.lose("details")  # a url that is not a string: SignalWire's is a link
            del details["url"]
        url = details.pop("url", None)
        if url is None:
            ctx.generated("details", "SignalWire errors link their documentation: the error-codes page was used")
            url = ERROR_DOCS
        first["url"] = url
        more = details.pop("errors", None)
        items = [first]
        if more is not None:
            if more and _valid_more_errors(more):
                items += more
            else:
                ctx.lose("details")
        if details:
            ctx.lose("details")
        return HttpResponse(status=status, body={"errors": items}, headers=headers)
    for field in ("code", "parameter", "kind"):
        if getattr(error, field) is not None:
            ctx.lose(field)
    if error.details is not None:  # even empty details: this form has no place for them
        ctx.lose("details")
    return HttpResponse(status=status, body={"error": error.message}, headers=headers)


def _valid_more_errors(items: Any) -> bool:
    if type(items) is not list:
        return False
    for item in items:
        try:
            w = structure(converter, item, _RestError)
        except InvalidMessage:
            return False
        if w.attribute is not None and not _is_text(w.attribute):
            return False
    return True


def decode_http_response(response: HttpResponse) -> ev.Receipt:
    """The receipt of a 200 call-leg response; a ProviderError for 4xx/5xx SignalWire error bodies."""
    if response.status == 200:
        if not isinstance(response.body, dict):
            raise InvalidMessage("$", f"expected the call leg (a JSON object), got {_base._json_type(response.body)}")
        return _decode_call_leg(response.body)
    if 400 <= response.status <= 599:
        raise _decode_error(response)
    raise InvalidMessage("$", f"SignalWire answers 200 or an error status, not {response.status}")


def encode_http_response(result: ev.Receipt | ev.ProviderError, ctx: Encoding) -> HttpResponse:
    if isinstance(result, ev.ProviderError):
        return _encode_error(result, ctx)
    return HttpResponse(status=200, body=_encode_call_leg(result, ctx))


# ---------------------------------------------------------------- the dialect


def _new_control_id() -> str:
    # uuid.uuid4()'s layout, without building a UUID object (a third of the cost, on every start command).
    h = os.urandom(16).hex()
    return f"{h[:8]}-{h[8:12]}-4{h[13:16]}-{_VARIANT[h[16]]}{h[17:20]}-{h[20:]}"


#: RFC 9562 variant bits (10xx) for the first hex digit of the fourth group.
_VARIANT = {digit: "89ab"[int(digit, 16) & 3] for digit in "0123456789abcdef"}


class SignalWireDialect(Dialect):
    name = "signalwire"
    summary = (
        'SignalWire REST Calling: `POST /api/calling/calls` with `{"command", "id", "params"}` '
        "(`dial` without id; `update` with the id inside params). Start commands carry a `control_id`, "
        "generated when the canonical command has none; call ids are UUIDs."
    )
    schema_file = "signalwire.schema.json"
    test_profile = TestProfile(
        call_id="3fa85f64-5717-4562-b3fc-2c963f66afa6",
        command_tag="command",
        event_tag="event_type",
        wrong_paths=("/api/calling/call",),
        repeatable=lambda: SignalWireDialect(control_ids=lambda: "generated-control-id"),
    )
    capabilities: ClassVar[Mapping[type, Capability]] = CAPABILITIES
    call_free = frozenset({Dial})
    command_id_note = "SignalWire has no idempotency key"
    leniencies: ClassVar[Mapping[str, str]] = LENIENCIES
    dropping_leniencies: ClassVar[Mapping[str, str]] = {
        "ai-unhold-prompt-dropped": "prompt",
        "update-status-wins": "redirect",
    }

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
        """A bare body; ``call_id`` (the CLI's --call-id) becomes its ``id`` when it has none (update: in params)."""
        if call_id is not None and isinstance(body, dict) and body.get("command") != "dial":
            if UUID.fullmatch(call_id) is None:
                raise InvalidValue("call_id", "SignalWire call ids are UUIDs: give --call-id a UUID")
            params = body.get("params")
            if body.get("command") != "update" and "id" not in body:
                body = {**body, "id": call_id}
            elif body.get("command") == "update" and isinstance(params, dict) and "id" not in params:
                body = {**body, "params": {**params, "id": call_id}}
        return HttpRequest(method="POST", path=PATH, body=body)

    # -- webhooks and responses

    event_capabilities: ClassVar[Mapping[type, Capability]] = EVENT_CAPABILITIES
    response_capabilities: ClassVar[Mapping[type, Capability]] = RESPONSE_CAPABILITIES

    def _decode_event(self, request: HttpRequest) -> ev.AnyEvent:
        return decode_webhook(request.body)

    def _encode_event(self, event: ev.Event, ctx: Encoding) -> dict[str, Any]:
        return encode_webhook(event, ctx)

    def _decode_response(self, response: HttpResponse) -> ev.Receipt:
        return decode_http_response(response)

    def _encode_response(
        self, result: ev.Receipt | ev.ProviderError, ctx: Encoding, answers: str | None
    ) -> HttpResponse:
        return encode_http_response(result, ctx)

    def _decode(self, request: HttpRequest) -> Decoded:
        if request.method.upper() != "POST":
            raise _base.wrong_method("SignalWire commands", request.method)
        if request.path != PATH:
            raise _base.wrong_path(PATH)
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
            raise InvalidMessage("$", _base.unexpected_fields(extra, known=allowed))
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
        raise InvalidMessage(f"{P}.{exc.field}", exc.reason) from None


_base.check_capability_table(SignalWireDialect)
