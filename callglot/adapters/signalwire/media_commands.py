"""SignalWire's media commands: calling.play, record, collect, detect, tap, stream and transcribe.

Their wire shapes and the decode and encode hooks their routes name (the route table is in
:mod:`.commands`; reference/dialects.md §1.1), plus the params shapes of calling.play.volume and
calling.record.pause. Each starts an operation that later commands address by its ``control_id``:
decoding keeps a missing one as None (leniency rule ``missing-control-id``), encoding generates one
from the dialect's source when the canonical command has none. The commands that pause, resume or
stop these operations carry only the control_id (generic routes in :mod:`.commands`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import attrs

from callglot._frozen import frozen
from callglot.adapters import _base, _structure
from callglot.adapters._base import Encoding, enum_value, route_for
from callglot.adapters._structure import register_wire, structure
from callglot.canonical import (
    Audio,
    Codec,
    Collect,
    Detect,
    DigitCollect,
    DigitDetector,
    Direction,
    FaxDetector,
    FaxTone,
    Gender,
    HttpMethod,
    MachineDetector,
    Play,
    Record,
    RecordingFormat,
    Ringtone,
    RtpDevice,
    Silence,
    SpeechCollect,
    SpeechEngine,
    Stream,
    StreamTrack,
    Tap,
    Transcribe,
    Tts,
    WsDevice,
    thaw_json,
)
from callglot.errors import InvalidMessage, InvalidValue

from ._wire import (
    RECORD_FORMATS,
    P,
    _Decoding,
    _DeviceSpec,
    _drop_none,
    _enum,
    _field_error,
    _json,
    _record_format,
    _RtpParams,
    _str,
    _TapAudio,
    _wire_value,
    _WsParams,
    converter,
)

# ---------------------------------------------------------------- wire shapes


@frozen(kw_only=True)
class _MediaItem:
    type: str
    params: dict[str, Any]


@frozen(kw_only=True)
class _AudioParams:
    url: str


@frozen(kw_only=True)
class _TtsParams:
    text: str
    language: str | None = None
    gender: str | None = None
    voice: str | None = None


@frozen(kw_only=True)
class _SilenceParams:
    duration: float


@frozen(kw_only=True)
class _RingtoneParams:
    name: str
    duration: float | None = None


@frozen(kw_only=True)
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


@frozen(kw_only=True)
class _VolumeParams:
    control_id: str
    volume: float


@frozen(kw_only=True)
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


@frozen(kw_only=True)
class _RecordSpec:
    audio: _RecordAudio


@frozen(kw_only=True)
class _RecordParams:
    control_id: str | None = None
    record: _RecordSpec | None = None
    audio: _RecordAudio | None = None  # leniency "record-flat-audio"
    status_url: str | None = None


@frozen(kw_only=True)
class _RecordPauseParams:
    control_id: str
    behavior: str | None = None


@frozen(kw_only=True)
class _DigitsSpec:
    max: int
    terminators: str | None = None
    digit_timeout: float | None = None


@frozen(kw_only=True)
class _SpeechSpec:
    end_silence_timeout: float | None = None
    speech_timeout: float | None = None
    language: str | None = None
    hints: list[str] | None = None
    model: str | None = None
    engine: str | None = None


@frozen(kw_only=True)
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


@frozen(kw_only=True)
class _DetectSpec:
    type: str
    params: dict[str, Any] | None = None


@frozen(kw_only=True)
class _MachineParams:
    initial_timeout: float | None = None
    end_silence_timeout: float | None = None
    machine_ready_timeout: float | None = None
    machine_voice_threshold: float | None = None
    machine_words_threshold: int | None = None
    detect_interruptions: bool | None = None
    detect_message_end: bool | None = None


@frozen(kw_only=True)
class _FaxParams:
    tone: str | None = None


@frozen(kw_only=True)
class _DigitParams:
    digits: str | None = None


@frozen(kw_only=True)
class _DetectParams:
    control_id: str | None = None
    detect: _DetectSpec
    timeout: float | None = None
    status_url: str | None = None


@frozen(kw_only=True)
class _TapParams:
    control_id: str | None = None
    tap: Any  # the spec's {type, params} or (leniency "tap-flat-params") the SDK's flat form
    device: Any
    status_url: str | None = None


@frozen(kw_only=True)
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


@frozen(kw_only=True)
class _TranscribeParams:
    control_id: str | None = None
    status_url: str | None = None


for _cls in (
    _MediaItem, _AudioParams, _TtsParams, _SilenceParams, _RingtoneParams, _PlayParams, _VolumeParams, _RecordAudio,
    _RecordSpec, _RecordParams, _RecordPauseParams, _DigitsSpec, _SpeechSpec, _CollectParams, _DetectSpec,
    _MachineParams, _FaxParams, _DigitParams, _DetectParams, _TapParams, _StreamParams, _TranscribeParams,
):  # fmt: skip
    register_wire(converter, _cls)
# Arrays as capped as the canonical fields they become: refused by their length before any item is built.
_structure.limit_arrays(converter, _PlayParams, play=_structure.max_items(Play, "media"))
_structure.limit_arrays(converter, _SpeechSpec, hints=_structure.max_items(SpeechCollect, "hints"))

# ---------------------------------------------------------------- value maps

CODEC_SPELLINGS = {"PCMA": Codec.PCMA, "PCMU": Codec.PCMU, "OPUS": Codec.OPUS, "pcma": Codec.PCMA,
                   "pcmu": Codec.PCMU, "opus": Codec.OPUS}  # fmt: skip
MEDIA_TAGS: Mapping[type, str] = {Audio: "audio", Tts: "tts", Silence: "silence", Ringtone: "ringtone"}

# ---------------------------------------------------------------- decode


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
        raise _field_error(path, exc) from None


def _dec_silence(w: _SilenceParams, path: str) -> Silence:
    with _base.at(f"{path}.duration"):
        return Silence(duration=w.duration)


def _dec_ringtone(w: _RingtoneParams, path: str) -> Ringtone:
    try:
        return Ringtone(name=w.name, duration=w.duration)
    except InvalidValue as exc:
        raise _field_error(path, exc) from None


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
            raise _field_error(f"{P}.digits", exc) from None
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
        raise _field_error(base, exc) from None
    return Detect(detector=detector, timeout=w.timeout, status_url=w.status_url, control_id=d.control_id(w.control_id))


def _typed_spec(value: Any, path: str, d: _Decoding, rule: str) -> tuple[_DeviceSpec, str]:
    """The spec's ``{type, params}``, or an SDK's flat ``{type, ...params}`` by ``rule``: (it, where its params are)."""
    if isinstance(value, dict) and "params" not in value and set(value) - {"type"}:
        d.lenient(rule)
        if "type" not in value:
            raise InvalidMessage(f"{path}.type", "required field missing")
        if type(value["type"]) is not str:
            raise InvalidMessage(f"{path}.type", f"expected a string, got {_structure._json_type(value['type'])}")
        return _DeviceSpec(type=value["type"], params={k: v for k, v in value.items() if k != "type"}), path
    return structure(converter, value, _DeviceSpec, path), f"{path}.params"


def _codec(spelling: str | None, path: str) -> Any:
    return None if spelling is None else route_for(CODEC_SPELLINGS, spelling, path, "codec")


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
        codec = _codec(r.codec, f"{base}.codec")
        try:
            device = RtpDevice(addr=r.addr, port=r.port, codec=codec, ptime=r.ptime)
        except InvalidValue as exc:
            raise _field_error(base, exc) from None
    elif spec.type == "ws":
        s = structure(converter, spec.params, _WsParams, base)
        codec = _codec(s.codec, f"{base}.codec")
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


def _dec_transcribe(w: _TranscribeParams, d: _Decoding) -> Transcribe:
    return Transcribe(status_url=w.status_url, control_id=d.control_id(w.control_id))


# ---------------------------------------------------------------- encode


#: Each media class's field names, in order: what ``attrs.asdict`` would walk, read once (it costs 3 µs an item).
_MEDIA_FIELDS: Mapping[type, tuple[str, ...]] = {cls: tuple(f.name for f in attrs.fields(cls)) for cls in MEDIA_TAGS}


def _media_item(item: Any) -> dict[str, Any]:
    params = {}
    for name in _MEDIA_FIELDS[type(item)]:
        value = getattr(item, name)
        if value is not None:
            params[name] = _wire_value(value)
    return {"type": MEDIA_TAGS[type(item)], "params": params}


#: Where a start command gets the control_id it generates: the dialect's source, passed to these hooks.
ControlIds = Callable[[], str]


def _control_id(command: Any, ctx: Encoding, control_ids: ControlIds) -> str:
    """The command's control_id, or (reported) a generated one: SignalWire addresses the operation by it."""
    if command.control_id is not None:
        return str(command.control_id)
    ctx.generated("control_id", "SignalWire needs a control_id to address the operation later: one was generated")
    return control_ids()


def _enc_play(c: Play, ctx: Encoding, control_ids: ControlIds) -> dict[str, Any]:
    if c.offset is not None:
        ctx.lose("offset")  # decided here: its loss is reported before the control_id generated
    params = {
        "control_id": _control_id(c, ctx, control_ids),
        "play": [_media_item(item) for item in c.media],
        "volume": c.volume,
        "direction": _str(c.direction),
        "loop": c.loop,
        "language": c.language,
        "voice": c.voice,
        "gender": _str(c.gender),
        "status_url": c.status_url,
    }
    return _drop_none(params)


def _enc_record(c: Record, ctx: Encoding, control_ids: ControlIds) -> dict[str, Any]:
    audio = _drop_none(
        {
            "beep": c.beep,
            "format": _record_format(c.format, ctx),
            "stereo": c.stereo,
            "direction": _str(c.direction),
            "initial_timeout": c.initial_timeout,
            "end_silence_timeout": c.end_silence_timeout,
            "max_length": c.max_length,
            "terminators": c.terminators,
            "input_sensitivity": c.input_sensitivity,
        }
    )
    params = {"control_id": _control_id(c, ctx, control_ids), "record": {"audio": audio}, "status_url": c.status_url}
    return _drop_none(params)


def _enc_collect(c: Collect, ctx: Encoding, control_ids: ControlIds) -> dict[str, Any]:
    if c.prompt is not None:
        ctx.lose("prompt")  # decided here: its loss is reported before the control_id generated
    params = {
        "control_id": _control_id(c, ctx, control_ids),
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
    return _drop_none(params)


def _enc_detect(c: Detect, ctx: Encoding, control_ids: ControlIds) -> dict[str, Any]:
    detector = c.detector
    if isinstance(detector, MachineDetector):
        spec: dict[str, Any] = {"type": "machine", "params": _drop_none(attrs.asdict(detector))}
    elif isinstance(detector, FaxDetector):
        spec = {"type": "fax", "params": _drop_none({"tone": _str(detector.tone)})}
    else:
        spec = {"type": "digit", "params": _drop_none({"digits": detector.digits})}
    params = {
        "control_id": _control_id(c, ctx, control_ids),
        "detect": spec,
        "timeout": c.timeout,
        "status_url": c.status_url,
    }
    return _drop_none(params)


def _enc_tap(c: Tap, ctx: Encoding, control_ids: ControlIds) -> dict[str, Any]:
    device = c.device
    if isinstance(device, RtpDevice):
        rtp = {"addr": device.addr, "port": device.port, "codec": _str(device.codec), "ptime": device.ptime}
        spec = {"type": "rtp", "params": _drop_none(rtp)}
    else:
        spec = {"type": "ws", "params": _drop_none({"uri": device.uri, "codec": _str(device.codec)})}
    params = {
        "control_id": _control_id(c, ctx, control_ids),
        "tap": {"type": "audio", "params": {"direction": str(c.direction)}},
        "device": spec,
        "status_url": c.status_url,
    }
    return _drop_none(params)


def _enc_stream(c: Stream, ctx: Encoding, control_ids: ControlIds) -> dict[str, Any]:
    params = {
        "control_id": _control_id(c, ctx, control_ids),
        "url": c.url,
        "name": c.name,
        "codec": c.codec,
        "track": _str(c.track),
        "authorization_bearer_token": c.authorization_bearer_token,
        "custom_parameters": thaw_json(c.custom_parameters),
        "status_url": c.status_url,
        "status_url_method": _str(c.status_url_method),
    }
    return _drop_none(params)


def _enc_transcribe(c: Transcribe, ctx: Encoding, control_ids: ControlIds) -> dict[str, Any]:
    return _drop_none({"control_id": _control_id(c, ctx, control_ids), "status_url": c.status_url})
