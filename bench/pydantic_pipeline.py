"""Baseline: a pydantic v2 pipeline, validate the source dict against strict models, then map by hand.

Each source dialect is a discriminated union of strict models (``extra="forbid"``, ``strict=True``):
Chirp on ``type``, SignalWire on ``command``; the gateway names the command in the URL path, so the path
picks a ``TypeAdapter``. Constraints are ``Field`` bounds and patterns; URLs go through callglot's own
checker in an ``AfterValidator`` (one URL policy for all). The mapping then refuses what the target
cannot say (``ValueError``), as callglot does under ``Policy.STRICT``. Functions and results are those of
``handwritten.py``; invalid input raises ``pydantic.ValidationError`` (a ``ValueError``) or ``ValueError``.

Optional fields default to ``ABSENT`` (None) without accepting an explicit null: callglot reads a JSON
null as an error, and a strict non-Optional type rejects None while an absent key keeps the default.
"""

from __future__ import annotations

import math
import re
import uuid
from collections.abc import Callable
from typing import Annotated, Any, Literal, Union, get_args

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, TypeAdapter, model_validator

from callglot.canonical.types import RINGTONE_NAMES, HangupCause  # data tables (names), not logic
from callglot.canonical.urls import check_url, check_vendor_url  # the URL policy callglot applies

__all__ = ["chirp_to_signalwire", "decode_event", "gateway_to_chirp", "signalwire_to_gateway"]

Message = dict[str, Any]
ABSENT: Any = None  # the default of optional fields: absent keys only (see the module docstring)

MAX_STRING = 100_000
UUID = r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"
CALL_ID = r"[A-Za-z0-9][A-Za-z0-9._:-]{0,127}"
SW_PATH = "/api/calling/calls"
CHIRP_PATH = re.compile(rf"/v1/calls/({UUID})/commands")  # SignalWire call ids are UUIDs
GATEWAY_PATH = re.compile(rf"/api/v1/sessions/({CALL_ID})/commands/([a-z_]+(?:/[a-z_]+)?)")
Q850 = frozenset(cause.value for cause in HangupCause)
SURROGATE = re.compile(r"[\ud800-\udfff]")


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)


def _json_int(value: Any) -> Any:
    """JSON has one number type: callglot reads 3.0 as the integer 3 (strict int alone would refuse it)."""
    if type(value) is float and value.is_integer() and abs(value) < 2**53:
        return int(value)
    return value


def _text(max_len: int, min_len: int = 1, pattern: str = r"[^\x00-\x1f\x7f]*") -> Any:
    return Annotated[str, Field(min_length=min_len, max_length=max_len, pattern=rf"^(?:{pattern})$")]


def _python_pattern(pattern: str) -> Callable[[str], str]:
    """A fullmatch with Python's re where it differs from pydantic's Rust regex (``\\s`` covers \\x1c-\\x1f)."""
    compiled = re.compile(pattern)

    def check(value: str) -> str:
        if compiled.fullmatch(value) is None:
            raise ValueError(f"must match {pattern}")
        return value

    return check


def _json_object(value: dict[str, Any]) -> dict[str, Any]:
    """What callglot stores as a frozen JSON object: at most 32 levels and finite numbers."""

    def walk(item: Any, depth: int) -> None:
        if depth > 32:
            raise ValueError("nesting deeper than 32 levels")
        if type(item) is float and not math.isfinite(item):
            raise ValueError("NaN and infinities are not JSON")
        if type(item) is str and not item.isascii() and SURROGATE.search(item) is not None:
            raise ValueError("strings must not hold lone surrogates")
        if type(item) is dict:
            for child in item.values():
                walk(child, depth + 1)
        elif type(item) is list:
            for child in item:
                walk(child, depth + 1)

    walk(value, 1)
    return value


WireStr = Annotated[str, Field(max_length=MAX_STRING)]
JsonInt = Annotated[int, BeforeValidator(_json_int)]
# callglot keeps an int an int (12 stays 12, not 12.0): the int member wins for ints in a strict union.
Number = Union[int, Annotated[float, Field(allow_inf_nan=False)]]  # noqa: UP007
HttpsUrl = Annotated[str, Field(max_length=MAX_STRING), AfterValidator(check_url)]
CallUuid = Annotated[str, Field(pattern=rf"^{UUID}$")]
Text64, Text128, Text256, Text512, Text4096 = _text(64), _text(128), _text(256), _text(512), _text(4096)
Text100k = _text(100_000)
ParticipantId = _text(128, pattern=r"[A-Za-z0-9][A-Za-z0-9._:@+-]{0,127}")
Language = _text(64, pattern=r"[A-Za-z]{2,8}(-[A-Za-z0-9]{1,8})*|[A-Za-z0-9.]+:[A-Za-z]{2,8}(-[A-Za-z0-9]{1,8})*")
Voice = _text(128, pattern=r"[A-Za-z0-9][A-Za-z0-9.\-]{0,127}")
Direction = Literal["listen", "speak", "both"]
Gender = Literal["male", "female"]


def _known_cause(value: str) -> str:
    if value not in Q850:
        raise ValueError("not a known Q.850 cause name")
    return value


def _ringtone(value: str) -> str:
    if value not in RINGTONE_NAMES:
        raise ValueError("must be a ringtone country code (us, uk, de, ...) or 'bong'")
    return value


Cause = Annotated[str, Field(pattern=r"^[A-Z_]{1,64}$"), AfterValidator(_known_cause)]
CommandUid = Annotated[str, Field(pattern=r"^[a-zA-Z0-9._-]{1,128}$")]

# ---------------------------------------------------------------- chirp: the 16 command types

E164 = re.compile(r"\+[1-9][0-9]{1,14}")
IDENTITY = re.compile(r"[A-Za-z0-9][A-Za-z0-9._@:+-]{0,255}")
Channel = Literal["pstn", "whatsapp", "webrtc"]


def _check_destination(destination: str, channel: str | None) -> None:
    """Chirp addresses: E.164 for pstn and whatsapp (or a leading +), else an identity; never a SIP URI."""
    if channel in ("pstn", "whatsapp") or (channel is None and destination[:1] == "+"):
        if E164.fullmatch(destination) is None:
            raise ValueError("must be an E.164 number (+ and 2..15 digits)")
    elif (channel is None and destination[:5].lower().startswith(("sip:", "sips:"))) or IDENTITY.fullmatch(
        destination
    ) is None:
        raise ValueError("Chirp destinations are phone numbers or identifiers")


class ChirpAnswer(Strict):
    type: Literal["answer"]


class ChirpReject(Strict):
    type: Literal["reject"]
    reason: Annotated[str, Field(min_length=1, max_length=500, pattern=r"^[^\x00-\x1f\x7f]*$")] = ABSENT


class ChirpHangup(Strict):
    type: Literal["hangup"]


class ChirpHold(Strict):
    type: Literal["hold"]
    musicUrl: HttpsUrl = ABSENT  # camelCase: the wire's names


class ChirpUnhold(Strict):
    type: Literal["unhold"]


class ChirpMute(Strict):
    type: Literal["mute", "unmute"]
    participantId: ParticipantId


class ChirpTransfer(Strict):
    type: Literal["transfer"]
    destination: Text512
    channel: Channel = ABSENT

    @model_validator(mode="after")
    def _address(self) -> ChirpTransfer:
        _check_destination(self.destination, self.channel)
        return self


class ChirpAddParticipant(Strict):
    type: Literal["add_participant"]
    destination: Text512
    channel: Channel
    role: Literal["callee", "observer"] = ABSENT

    @model_validator(mode="after")
    def _address(self) -> ChirpAddParticipant:
        _check_destination(self.destination, self.channel)
        return self


class ChirpRemoveParticipant(Strict):
    type: Literal["remove_participant"]
    participantId: ParticipantId


class ChirpSendDtmf(Strict):
    type: Literal["send_dtmf"]
    digits: Annotated[str, Field(min_length=1, max_length=50, pattern=r"^[0-9*#A-D]+$")]
    participantId: ParticipantId = ABSENT


class ChirpPlayAudio(Strict):
    type: Literal["play_audio"]
    url: HttpsUrl
    loop: bool = ABSENT


class ChirpStartRecording(Strict):
    type: Literal["start_recording"]
    format: Literal["mp4", "ogg", "webm"] = ABSENT


class ChirpBare(Strict):
    type: Literal["stop_audio", "stop_recording", "send_to_voicemail"]


ChirpCommand = Annotated[
    Union[  # noqa: UP007
        ChirpAnswer, ChirpReject, ChirpHangup, ChirpHold, ChirpUnhold, ChirpMute, ChirpTransfer, ChirpAddParticipant,
        ChirpRemoveParticipant, ChirpSendDtmf, ChirpPlayAudio, ChirpStartRecording, ChirpBare,
    ],
    Field(discriminator="type"),
]  # fmt: skip
CHIRP = TypeAdapter(ChirpCommand)


def _to_signalwire(command: Any) -> tuple[str, dict[str, Any]]:
    if isinstance(command, ChirpHangup):
        return "calling.end", {"reason": "hangup"}
    if isinstance(command, ChirpReject):
        if command.reason is not None:
            raise ValueError("calling.end carries a reason code, not a text reason")
        return "calling.end", {"reason": "decline"}
    if isinstance(command, ChirpTransfer):
        if command.channel not in (None, "pstn"):
            raise ValueError("SignalWire transfers to phone numbers, SIP URIs and identities")
        return "calling.transfer", {"dest": command.destination}
    if isinstance(command, ChirpPlayAudio):
        params: dict[str, Any] = {
            "control_id": str(uuid.uuid4()),  # SignalWire needs one to address the operation later
            "play": [{"type": "audio", "params": {"url": command.url}}],
        }
        if command.loop:
            params["loop"] = 0  # SignalWire counts plays: 0 is forever, and once (1) is its default
        return "calling.play", params
    if isinstance(command, ChirpStartRecording):
        if command.format not in (None, "mp4"):
            raise ValueError("the only format Chirp and SignalWire share is mp4")
        audio = {} if command.format is None else {"format": "mp4"}
        return "calling.record", {"control_id": str(uuid.uuid4()), "record": {"audio": audio}}
    raise ValueError(f"SignalWire's REST API cannot say Chirp's {command.type}")


def _post(message: Message) -> str:
    method, path = message["method"], message["path"]
    if type(method) is not str or type(path) is not str:
        raise ValueError("method and path must be strings")
    if method.upper() != "POST":
        raise ValueError("commands are POSTed")
    return path


def chirp_to_signalwire(message: Message) -> Message:
    match = CHIRP_PATH.fullmatch(_post(message))
    if match is None:
        raise ValueError("path must be /v1/calls/{callId}/commands with a UUID call id")
    command, params = _to_signalwire(CHIRP.validate_python(message["body"]))
    return {"method": "POST", "path": SW_PATH, "body": {"command": command, "id": match.group(1), "params": params}}


# ---------------------------------------------------------------- signalwire: the commands with a gateway counterpart

TimeoutSeconds = Annotated[Number, Field(ge=0)]
Volume = Annotated[Number, Field(ge=-40, le=40)]
Duration = Annotated[Number, Field(gt=0, le=86_400)]


class AudioParams(Strict):
    url: HttpsUrl


class TtsParams(Strict):
    text: Annotated[str, Field(min_length=1, max_length=10_000, pattern=r"^[^\x00]+$")]
    language: Language = ABSENT
    gender: Gender = ABSENT
    voice: Voice = ABSENT


class SilenceParams(Strict):
    duration: Duration


class RingtoneParams(Strict):
    name: Annotated[str, AfterValidator(_ringtone)]
    duration: Duration = ABSENT


class AudioItem(Strict):
    type: Literal["audio"]
    params: AudioParams


class TtsItem(Strict):
    type: Literal["tts"]
    params: TtsParams


class SilenceItem(Strict):
    type: Literal["silence"]
    params: SilenceParams


class RingtoneItem(Strict):
    type: Literal["ringtone"]
    params: RingtoneParams


MediaItem = Annotated[Union[AudioItem, TtsItem, SilenceItem, RingtoneItem], Field(discriminator="type")]  # noqa: UP007


class EndParams(Strict):
    reason: Literal["hangup", "cancel", "busy", "noAnswer", "decline", "error"] = ABSENT


class PlayParams(Strict):
    control_id: Text128 = ABSENT
    play: Annotated[list[MediaItem], Field(min_length=1, max_length=128)]
    volume: Volume = ABSENT
    direction: Direction = ABSENT
    loop: Annotated[JsonInt, Field(ge=0, le=1_000_000)] = ABSENT
    language: Language = ABSENT
    voice: Voice = ABSENT
    gender: Gender = ABSENT
    status_url: HttpsUrl = ABSENT


class ControlParams(Strict):
    control_id: Text128


class VolumeParams(Strict):
    control_id: Text128
    volume: Volume


class RecordAudio(Strict):
    beep: bool = ABSENT
    format: Literal["mp3", "wav", "mp4"] = ABSENT
    stereo: bool = ABSENT
    direction: Direction = ABSENT
    initial_timeout: TimeoutSeconds = ABSENT
    end_silence_timeout: TimeoutSeconds = ABSENT
    max_length: Annotated[JsonInt, Field(ge=0)] = ABSENT
    terminators: Annotated[str, Field(max_length=16, pattern=r"^[0-9A-Da-d*#]*$")] = ABSENT
    input_sensitivity: Annotated[Number, Field(ge=0, le=100)] = ABSENT


class RecordSpec(Strict):
    audio: RecordAudio


class RecordParams(Strict):
    control_id: Text128 = ABSENT
    record: RecordSpec = ABSENT
    audio: RecordAudio = ABSENT  # the SDKs' flat form (callglot's "record-flat-audio")
    status_url: HttpsUrl = ABSENT

    @model_validator(mode="after")
    def _one_audio(self) -> RecordParams:
        if self.record is not None and self.audio is not None:
            raise ValueError("give record.audio or (SDK form) audio, not both")  # neither: record-default-audio
        return self


class RecordPauseParams(Strict):
    control_id: Text128
    behavior: Literal["skip", "silence"] = ABSENT


class UpdateParams(Strict):
    id: CallUuid
    url: HttpsUrl = ABSENT
    swml: dict[str, Any] = ABSENT
    fallback_url: HttpsUrl = ABSENT
    status: Literal["canceled", "completed"] = ABSENT
    status_url: HttpsUrl = ABSENT


class SwEnd(Strict):
    command: Literal["calling.end"]
    id: CallUuid
    params: EndParams


class SwPlay(Strict):
    command: Literal["calling.play"]
    id: CallUuid
    params: PlayParams


class SwControl(Strict):
    command: Literal[
        "calling.play.pause", "calling.play.resume", "calling.play.stop", "calling.record.resume", "calling.record.stop"
    ]
    id: CallUuid
    params: ControlParams


class SwVolume(Strict):
    command: Literal["calling.play.volume"]
    id: CallUuid
    params: VolumeParams


class SwRecord(Strict):
    command: Literal["calling.record"]
    id: CallUuid
    params: RecordParams


class SwRecordPause(Strict):
    command: Literal["calling.record.pause"]
    id: CallUuid
    params: RecordPauseParams


class SwUpdate(Strict):
    command: Literal["update"]
    params: UpdateParams


SignalWireCommand = Annotated[
    Union[SwEnd, SwPlay, SwControl, SwVolume, SwRecord, SwRecordPause, SwUpdate],  # noqa: UP007
    Field(discriminator="command"),
]
SIGNALWIRE = TypeAdapter(SignalWireCommand)

END_CAUSES = {
    "hangup": "NORMAL_CLEARING",
    "cancel": "ORIGINATOR_CANCEL",
    "busy": "USER_BUSY",
    "noAnswer": "NO_ANSWER",
    "decline": "CALL_REJECTED",
    "error": "NORMAL_TEMPORARY_FAILURE",
}


def _to_gateway(command: Any) -> tuple[str, str, dict[str, Any]]:
    """(call id, command path, body)."""
    if isinstance(command, SwEnd):
        reason = command.params.reason
        cause = None if reason is None else END_CAUSES[reason]
        return command.id, "hangup", {} if cause in (None, "NORMAL_CLEARING") else {"cause": cause}
    if isinstance(command, SwPlay):
        params = command.params
        if params.model_fields_set - {"play", "loop"}:
            raise ValueError("the gateway plays audio URLs only: no control_id, volume, direction or TTS settings")
        if params.loop not in (None, 1):
            raise ValueError("the gateway plays once")
        urls = []
        for item in params.play:
            if not isinstance(item, AudioItem):
                raise ValueError("the gateway plays audio items only")
            urls.append(item.params.url)
        return command.id, "playback/start", {"urls": urls}
    if isinstance(command, SwRecord):
        params = command.params
        audio = params.audio if params.record is None else params.record.audio
        if params.control_id is not None or params.status_url is not None or (audio and audio.model_fields_set):
            raise ValueError("the gateway's record/start takes no settings (server configuration)")
        return command.id, "record/start", {}
    if isinstance(command, SwUpdate):
        params = command.params
        if params.model_fields_set != {"id", "status"}:
            raise ValueError("only a status-only update (end or cancel) can be said by the gateway")
        return params.id, "hangup", {} if params.status == "completed" else {"cause": "ORIGINATOR_CANCEL"}
    raise ValueError(f"the gateway cannot say SignalWire's {command.command}")


def signalwire_to_gateway(message: Message) -> Message:
    if _post(message) != SW_PATH:
        raise ValueError(f"path must be {SW_PATH}")
    call_id, path, body = _to_gateway(SIGNALWIRE.validate_python(message["body"]))
    return {"method": "POST", "path": f"/api/v1/sessions/{call_id}/commands/{path}", "body": body}


# ---------------------------------------------------------------- gateway: a TypeAdapter per command path


class GwEmpty(Strict):
    command_uid: CommandUid = ABSENT


class GwHangup(GwEmpty):
    cause: Cause = ABSENT


class GwPlaybackStart(GwEmpty):
    urls: Annotated[
        list[Annotated[str, Field(max_length=2048), AfterValidator(check_url)]], Field(min_length=1, max_length=128)
    ]
    offset_sec: Annotated[JsonInt, Field(ge=0, le=86_400)] = ABSENT

    @model_validator(mode="after")
    def _offset_one_url(self) -> GwPlaybackStart:
        if self.offset_sec is not None and len(self.urls) > 1:
            raise ValueError("offset_sec is not allowed with several URLs")
        return self


class GwSeek(GwEmpty):
    offset_sec: Annotated[JsonInt, Field(ge=0, le=86_400)]


class GwJoin(GwEmpty):
    room_id: Annotated[str, Field(max_length=128, pattern=r"^[A-Za-z0-9][A-Za-z0-9._:@+-]{0,127}$")]


_EMPTY = TypeAdapter(GwEmpty)
GATEWAY: dict[str, TypeAdapter[Any]] = {
    "answer": _EMPTY,
    "hangup": TypeAdapter(GwHangup),
    "disconnect": _EMPTY,
    "playback/start": TypeAdapter(GwPlaybackStart),
    "playback/stop": _EMPTY,
    "playback/pause": _EMPTY,
    "playback/resume": _EMPTY,
    "playback/seek": TypeAdapter(GwSeek),
    "record/start": _EMPTY,
    "record/stop": _EMPTY,
    "conference/join": TypeAdapter(GwJoin),
    "conference/leave": _EMPTY,
    "conference/mute": _EMPTY,
    "conference/unmute": _EMPTY,
}
_CHIRP_BARE = {"answer": "answer", "playback/stop": "stop_audio", "record/start": "start_recording",
               "record/stop": "stop_recording"}  # fmt: skip


def _to_chirp(path: str, command: Any) -> dict[str, Any]:
    if command.command_uid is not None:
        raise ValueError("Chirp has no idempotency key: command_uid would be lost")
    if path in _CHIRP_BARE:
        return {"type": _CHIRP_BARE[path]}
    if isinstance(command, GwHangup):
        if command.cause not in (None, "NORMAL_CLEARING"):
            raise ValueError("Chirp's hangup carries no cause")
        return {"type": "hangup"}
    if isinstance(command, GwPlaybackStart):
        if len(command.urls) != 1 or command.offset_sec is not None:
            raise ValueError("Chirp plays exactly one URL, from its start")
        return {"type": "play_audio", "url": command.urls[0], "loop": False}  # once, as Chirp's seed says it
    raise ValueError(f"Chirp cannot say the gateway's {path}")


def gateway_to_chirp(message: Message) -> Message:
    match = GATEWAY_PATH.fullmatch(_post(message))
    if match is None:
        raise ValueError("path must be /api/v1/sessions/{uuid}/commands/<command>")
    session, path = match.groups()
    adapter = GATEWAY.get(path)
    if adapter is None:
        raise ValueError(f"unknown gateway command {path!r}")
    body = message["body"]
    command = adapter.validate_python({} if body is None else body)
    return {"method": "POST", "path": f"/v1/calls/{session}/commands", "body": _to_chirp(path, command)}


# ---------------------------------------------------------------- events: signalwire


class Tolerant(BaseModel):
    """A vendor's event object: strict values, and the keys callglot does not know kept (it keeps them in origin)."""

    model_config = ConfigDict(extra="allow", strict=True)


Unknown = dict[str, dict[str, Any]]  # {JSON path of an object: {key callglot does not know: value}}


def _holds_model(annotation: Any) -> bool:
    if isinstance(annotation, type):
        return issubclass(annotation, BaseModel)
    return any(_holds_model(arg) for arg in get_args(annotation))


_NESTED: dict[type[BaseModel], tuple[tuple[str, str], ...]] = {}


def _nested(cls: type[BaseModel]) -> tuple[tuple[str, str], ...]:
    """(attribute, JSON key) of the fields of ``cls`` that hold a model: where unknown keys can nest."""
    found = _NESTED.get(cls)
    if found is None:
        fields = cls.model_fields.items()
        found = _NESTED[cls] = tuple((n, f.alias or n) for n, f in fields if _holds_model(f.annotation))
    return found


def _unknown(model: BaseModel, path: str, unknown: Unknown) -> None:
    """Collect the unknown keys of ``model`` and of the objects it holds, by JSON path (checked as JSON values)."""
    extra = model.__pydantic_extra__
    if extra:
        taken = unknown.setdefault(path, {})
        taken.update(extra)
        _json_object(taken)
    for name, key in _nested(type(model)):
        value = getattr(model, name)
        if value is not None:  # ABSENT
            _unknown(value, f"{path}.{key}", unknown)


def _with_unknown(out: dict[str, Any], dialect: str, unknown: Unknown) -> dict[str, Any]:
    if unknown:
        out.setdefault("origin", {})["unknown"] = {dialect: unknown}
    return out


EventUrl = Annotated[str, Field(min_length=1, max_length=4096), AfterValidator(check_vendor_url)]
Digits = Annotated[str, Field(max_length=256, pattern=r"^[0-9A-Da-d*#]*$")]


class SwEventParams(Tolerant):
    call_id: Text256  # routing: required
    node_id: WireStr = ABSENT


class SwOperationParams(SwEventParams):
    control_id: Text128  # matching: required


class PlayEvtParams(SwOperationParams):
    state: Literal["playing", "paused", "finished", "error"]


class RecordEvtAudio(Tolerant):
    format: Literal["mp3", "wav", "mp4"] = ABSENT
    direction: Direction = ABSENT
    stereo: bool = ABSENT


class RecordEvtSpec(Tolerant):
    audio: RecordEvtAudio


class RecordEvtParams(SwOperationParams):
    state: Literal["recording", "paused", "finished", "no_input"]
    url: EventUrl = ABSENT
    duration: TimeoutSeconds = ABSENT
    size: Annotated[JsonInt, Field(ge=0)] = ABSENT
    recording_id: Text256 = ABSENT
    record: RecordEvtSpec = ABSENT


class PhoneEnds(Tolerant):
    from_number: Text512 = ABSENT
    to_number: Text512 = ABSENT


class AddressEnds(Tolerant):
    from_: Text512 = Field(ABSENT, alias="from")
    to: Text512 = ABSENT


class PhoneDevice(Tolerant):
    type: Literal["phone"]
    params: PhoneEnds = ABSENT


class AddressDevice(Tolerant):
    type: Literal["sip", "webrtc"]
    params: AddressEnds = ABSENT


class Peer(Tolerant):
    call_id: Text256 = ABSENT
    node_id: WireStr = ABSENT

    @model_validator(mode="after")
    def _names_one(self) -> Peer:
        if self.call_id is None and self.node_id is None:
            raise ValueError("a peer names its call_id or node_id")
        return self


class StateEvtParams(SwEventParams):
    call_state: Literal["created", "ringing", "answered", "ending", "ended"]
    direction: Literal["inbound", "outbound"] = ABSENT
    device: Annotated[Union[PhoneDevice, AddressDevice], Field(discriminator="type")] = ABSENT  # noqa: UP007
    end_reason: Literal["hangup", "cancel", "busy", "noAnswer", "decline", "error", "not_found", "max_duration",
                        "abandoned"] = ABSENT  # fmt: skip
    peer: Peer = ABSENT


class DigitParams(Tolerant):
    digits: Digits = ABSENT
    terminator: Annotated[str, Field(max_length=1, pattern=r"^[0-9A-Da-d*#]?$")] = ABSENT


class SpeechParams(Tolerant):
    text: Text100k = ABSENT
    confidence: Annotated[Number, Field(ge=0, le=1)] = ABSENT


class DigitOutcome(Tolerant):
    type: Literal["digit"]
    params: DigitParams


class SpeechOutcome(Tolerant):
    type: Literal["speech"]
    params: SpeechParams


class OtherOutcome(Tolerant):
    type: Literal["no_input", "no_match", "error", "start_of_input"]
    params: Any = ABSENT  # a known key that these outcomes refuse

    @model_validator(mode="after")
    def _no_params(self) -> OtherOutcome:
        if "params" in self.model_fields_set:
            raise ValueError(f"a {self.type} result has no params")
        return self


class CollectEvtParams(SwOperationParams):
    result: Annotated[Union[DigitOutcome, SpeechOutcome, OtherOutcome], Field(discriminator="type")]  # noqa: UP007
    final: bool = ABSENT
    state: Text64 = ABSENT


class SwEnvelope(Tolerant):
    event_channel: WireStr = ABSENT
    project_id: WireStr = ABSENT
    space_id: WireStr = ABSENT
    timestamp: TimeoutSeconds = ABSENT


class PlayEvt(SwEnvelope):
    event_type: Literal["calling.call.play"]
    params: PlayEvtParams


class StateEvt(SwEnvelope):
    event_type: Literal["calling.call.state"]
    params: StateEvtParams


class RecordEvt(SwEnvelope):
    event_type: Literal["calling.call.record"]
    params: RecordEvtParams


class CollectEvt(SwEnvelope):
    event_type: Literal["calling.call.collect"]
    params: CollectEvtParams


SignalWireEvent = Annotated[Union[PlayEvt, StateEvt, RecordEvt, CollectEvt], Field(discriminator="event_type")]  # noqa: UP007
SIGNALWIRE_EVENT = TypeAdapter(SignalWireEvent)

PLAY_STATES = {"playing": "started", "paused": "paused", "finished": "finished", "error": "error"}
RECORD_STATES = {"recording": "started", "paused": "paused", "finished": "finished", "no_input": "no_input"}
EVENT_END_CAUSES = {**END_CAUSES, "not_found": "UNALLOCATED_NUMBER", "max_duration": "ALLOTTED_TIMEOUT",
                    "abandoned": "NORMAL_UNSPECIFIED"}  # fmt: skip
DEVICE_CHANNELS = {"phone": "pstn", "sip": "sip", "webrtc": "webrtc"}


def _drop_none(values: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in values.items() if value is not None}


def _signalwire_event(evt: Any) -> dict[str, Any]:
    p = evt.params
    origin = _drop_none({"event_channel": evt.event_channel, "project_id": evt.project_id,
                         "space_id": evt.space_id, "node_id": p.node_id})  # fmt: skip
    out: dict[str, Any] = {"call_id": p.call_id, "timestamp": evt.timestamp}
    if isinstance(evt, PlayEvt):
        out.update(event="playback", control_id=p.control_id, state=PLAY_STATES[p.state])
    elif isinstance(evt, RecordEvt):
        audio = p.record.audio if p.record is not None else RecordEvtAudio()
        out.update(event="recording", control_id=p.control_id, state=RECORD_STATES[p.state], url=p.url,
                   duration=p.duration, size=p.size, recording_id=p.recording_id, format=audio.format,
                   direction=audio.direction, stereo=audio.stereo)  # fmt: skip
    elif isinstance(evt, StateEvt):
        out.update(event="call_state_changed", state=p.call_state, direction=p.direction)
        if p.device is not None:
            channel = DEVICE_CHANNELS[p.device.type]
            ends = p.device.params
            if ends is None:
                raise ValueError("a device names its from and/or to")
            source, destination = (ends.from_number, ends.to_number) if channel == "pstn" else (ends.from_, ends.to)
            if source is None and destination is None:
                raise ValueError("a device names its from and/or to")
            out.update(source=source, destination=destination,
                       source_channel=None if source is None else channel,
                       destination_channel=None if destination is None else channel)  # fmt: skip
        if p.end_reason is not None:
            out["cause"] = EVENT_END_CAUSES[p.end_reason]
        if p.peer is not None:
            out["peer_call_id"] = p.peer.call_id
            if p.peer.node_id is not None:
                origin["peer_node_id"] = p.peer.node_id
    else:
        result = p.result
        out.update(event="collect_result", control_id=p.control_id, kind=result.type, final=p.final, state=p.state)
        if isinstance(result, DigitOutcome):
            out.update(digits=result.params.digits, terminator=result.params.terminator)
        elif isinstance(result, SpeechOutcome):
            out.update(text=result.params.text, confidence=result.params.confidence)
    if origin:
        out["origin"] = origin
    return _drop_none(out)


# ---------------------------------------------------------------- events: gateway

Uid = CommandUid
MilliSeconds = Annotated[JsonInt, Field(ge=0, le=10**12)]


class GwHeader(Tolerant):
    event: str
    session_uuid: Annotated[str, Field(pattern=rf"^{CALL_ID}$")]
    sequence: Annotated[JsonInt, Field(ge=1)] = ABSENT


class GwEnvelope(GwHeader):
    data: dict[str, Any]


class CallNew(Tolerant):
    caller_id: Text512 = ABSENT
    did: Text512 = ABSENT


class CallAnswered(Tolerant):
    command_uid: Uid = ABSENT
    success: bool = ABSENT

    @model_validator(mode="after")
    def _success(self) -> CallAnswered:
        if self.success is False or (self.success is not None and self.command_uid is None):
            raise ValueError("success comes only with command_uid and is true (a failed answer is a command.result)")
        return self


class CallHangup(Tolerant):
    cause: Cause = ABSENT
    command_uid: Uid = ABSENT


class Dtmf(Tolerant):
    digit: Annotated[str, Field(pattern=r"^[0-9A-D*#]$")]


class Playback(Tolerant):
    command_uid: Uid = ABSENT
    urls: Annotated[list[Text4096], Field(max_length=128)] = ABSENT
    file_path: WireStr = ABSENT

    @model_validator(mode="after")
    def _file_path(self) -> Playback:
        if self.file_path is not None and (self.urls is None or self.file_path != ",".join(self.urls)):
            raise ValueError("file_path (deprecated) is the urls joined with commas")
        return self


class PlaybackStopped(Playback):
    offset_ms: MilliSeconds = ABSENT
    duration_ms: MilliSeconds = ABSENT


class RecordingCompleted(Tolerant):
    command_uid: Uid = ABSENT
    url: EventUrl = ABSENT
    duration_ms: MilliSeconds = ABSENT


class GwCommandResult(Tolerant):
    command_uid: Uid = ABSENT
    operation_id: Text256 = ABSENT
    success: bool
    detail: Annotated[dict[str, Any], AfterValidator(_json_object)] = ABSENT

    @model_validator(mode="after")
    def _names_its_command(self) -> GwCommandResult:
        if self.command_uid is None and self.operation_id is None:
            raise ValueError("a command.result names its command by command_uid or operation_id")
        return self


def _ms(value: int | None) -> float | None:
    return None if value is None else value / 1000


def _call_new(d: CallNew) -> dict[str, Any]:
    return {"event": "call_state_changed", "state": "created", "direction": "inbound", "source": d.caller_id,
            "destination": d.did}  # fmt: skip


def _playback(state: str) -> Callable[[Any], dict[str, Any]]:
    def convert(d: Any) -> dict[str, Any]:
        out = {"event": "playback", "state": state, "urls": d.urls, "command_id": d.command_uid}
        if isinstance(d, PlaybackStopped):
            out.update(offset=_ms(d.offset_ms), duration=_ms(d.duration_ms))
        return out

    return convert


GATEWAY_EVENTS: dict[str, tuple[TypeAdapter[Any], Callable[[Any], dict[str, Any]]]] = {
    "call.new": (TypeAdapter(CallNew), _call_new),
    "call.answered": (
        TypeAdapter(CallAnswered),
        lambda d: {"event": "call_state_changed", "state": "answered", "command_id": d.command_uid},
    ),
    "call.hangup": (
        TypeAdapter(CallHangup),
        lambda d: {"event": "call_state_changed", "state": "ended", "cause": d.cause, "command_id": d.command_uid},
    ),
    "dtmf": (TypeAdapter(Dtmf), lambda d: {"event": "dtmf_received", "digit": d.digit}),
    "playback.started": (TypeAdapter(Playback), _playback("started")),
    "playback.stopped": (TypeAdapter(PlaybackStopped), _playback("finished")),
    "playback.file_not_found": (TypeAdapter(Playback), _playback("error")),
    "recording.completed": (
        TypeAdapter(RecordingCompleted),
        lambda d: {
            "event": "recording",
            "state": "finished",
            "url": d.url,
            "duration": _ms(d.duration_ms),
            "command_id": d.command_uid,
        },
    ),
    "command.result": (
        TypeAdapter(GwCommandResult),
        lambda d: {
            "event": "command_result",
            "success": d.success,
            "detail": d.detail,
            "command_id": d.command_uid,
            "operation_id": d.operation_id,
        },
    ),
}
GW_HEADER = TypeAdapter(GwHeader)
GW_ENVELOPE = TypeAdapter(GwEnvelope)
_HEADER_KEYS = ("event", "session_uuid", "sequence")


def _gateway_event(body: Any) -> dict[str, Any]:
    if not isinstance(body, dict):
        raise ValueError("body must be a JSON object")
    name = body.get("event")
    found = GATEWAY_EVENTS.get(name) if type(name) is str else None
    if found is None:
        raise ValueError(f"unknown gateway event {name!r}")  # conference.* events too: rooms are not calls
    adapter, convert = found
    unknown: Unknown = {}
    if "data" in body:  # the envelope
        header = GW_ENVELOPE.validate_python(body)
        data = adapter.validate_python(header.data)
        _unknown(header, "$", unknown)
        _unknown(data, "$.data", unknown)
    else:  # the flat form: the data fields beside the header
        header = GW_HEADER.validate_python({key: body[key] for key in _HEADER_KEYS if key in body})
        data = adapter.validate_python({key: value for key, value in body.items() if key not in _HEADER_KEYS})
        _unknown(data, "$", unknown)
    out = convert(data)
    out.update(call_id=header.session_uuid, sequence=header.sequence)
    return _with_unknown(_drop_none(out), "gateway", unknown)


#: The event types callglot models for each dialect (its own lists): any other is kept whole.
MODELLED_EVENTS: dict[str, frozenset[str]] = {
    "signalwire": frozenset({
        "calling.call.state", "calling.call.play", "calling.call.record", "calling.call.collect", "calling.call.detect",
        "calling.call.tap", "calling.call.stream", "calling.transcript.completed", "calling.transcript.failed",
        "calling.call.transcribe", "calling.call.refer", "calling.call.receive", "calling.call.connect",
        "calling.call.fax", "calling.call.send_digits", "calling.call.dial", "calling.call.denoise",
        "calling.call.hold", "calling.error", "calling.conference",
    }),
    "gateway": frozenset({
        "call.new", "call.answered", "call.hangup", "dtmf", "playback.started", "playback.stopped",
        "playback.file_not_found", "recording.completed", "command.result", "conference.created",
        "conference.destroyed", "conference.member.joined", "conference.member.left",
    }),
}  # fmt: skip
_CALL_ID_RE = re.compile(CALL_ID)
_EVENT_TYPE = re.compile(r"[^\x00-\x1f\x7f]{1,256}")


def _unknown_event(dialect: str, body: Any, type_key: str, call_id: Any) -> dict[str, Any] | None:
    """callglot's rule for an event type it does not model: the body kept whole (a JSON value, checked),
    with the call id where the dialect's events name it; None for a modelled type."""
    event_type = body.get(type_key) if isinstance(body, dict) else None
    if type(event_type) is not str or event_type in MODELLED_EVENTS[dialect]:
        return None
    if _EVENT_TYPE.fullmatch(event_type) is None or (not event_type.isascii() and SURROGATE.search(event_type)):
        raise ValueError(f"not an event type: {event_type[:64]!r}")
    _json_object(body)
    out = {"event": "unknown", "dialect": dialect, "event_type": event_type, "body": body}
    if type(call_id) is str and _CALL_ID_RE.fullmatch(call_id) is not None:
        out["call_id"] = call_id
    return out


def decode_event(message: Message, dialect: str) -> dict[str, Any]:
    """The webhook ``message`` of ``dialect`` (signalwire or gateway) as a flat canonical-event dict."""
    body = message["body"]
    if dialect == "signalwire":
        params = body.get("params") if isinstance(body, dict) else None
        call_id = params.get("call_id") if isinstance(params, dict) else None
        kept = _unknown_event(dialect, body, "event_type", call_id)
        if kept is not None:
            return kept
        event = SIGNALWIRE_EVENT.validate_python(body)
        unknown: Unknown = {}
        _unknown(event, "$", unknown)
        return _with_unknown(_signalwire_event(event), "signalwire", unknown)
    if dialect == "gateway":
        session = body.get("session_uuid") if isinstance(body, dict) else None
        return _unknown_event(dialect, body, "event", session) or _gateway_event(body)
    raise ValueError(f"no event decoder for {dialect!r}")
