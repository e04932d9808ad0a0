"""SignalWire webhooks that report on an operation a command started (reference/dialects.md §1.7).

calling.call.play, record, collect, detect, tap, stream, transcribe (and calling.transcript.completed /
failed, the transcript's text), fax, send_digits and refer: their wire shapes, value maps and the hooks
of their routes (declared in :mod:`.events`) for what a field map cannot say. All but refer carry the
operation's ``control_id``, which ties them to the command that started it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from callglot._frozen import frozen
from callglot.adapters import _base, _structure
from callglot.adapters._base import Encoding, enum_value
from callglot.adapters._structure import register_wire, structure
from callglot.canonical import Direction, RecordingFormat
from callglot.canonical import events as ev
from callglot.errors import InvalidMessage

from ._webhook import _state_of, states
from ._wire import (
    RECORD_FORMATS,
    _DeviceSpec,
    _drop_none,
    _enum,
    _record_format,
    _RtpParams,
    _str,
    _TapSpec,
    _WsParams,
    converter,
)

# ---------------------------------------------------------------- wire shapes


@frozen(kw_only=True)
class _PlayEvt:
    control_id: str  # matching: the operation the event reports on
    call_id: str  # routing: the call the event is about
    node_id: str | None = None
    state: str


@frozen(kw_only=True)
class _RecordEvtAudio:
    format: str | None = None
    direction: str | None = None
    stereo: bool | None = None


@frozen(kw_only=True)
class _RecordEvtSpec:
    audio: _RecordEvtAudio


@frozen(kw_only=True)
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


@frozen(kw_only=True)
class _CollectOutcome:
    type: str
    params: dict[str, Any] | None = None


@frozen(kw_only=True)
class _DigitOutcome:
    digits: str | None = None
    terminator: str | None = None


@frozen(kw_only=True)
class _SpeechOutcome:
    text: str | None = None
    confidence: float | None = None


@frozen(kw_only=True)
class _CollectEvt:
    control_id: str  # matching: the operation the event reports on
    call_id: str  # routing: the call the event is about
    node_id: str | None = None
    result: _CollectOutcome
    final: bool | None = None
    state: str | None = None


@frozen(kw_only=True)
class _DetectFinding:
    event: str
    beep: bool | None = None


@frozen(kw_only=True)
class _DetectOutcome:
    type: str
    params: _DetectFinding


@frozen(kw_only=True)
class _DetectEvt:
    control_id: str  # matching: the operation the event reports on
    call_id: str  # routing: the call the event is about
    node_id: str | None = None
    segment_id: str | None = None
    detect: _DetectOutcome


@frozen(kw_only=True)
class _TapEvt:
    control_id: str  # matching: the operation the event reports on
    call_id: str  # routing: the call the event is about
    node_id: str | None = None
    segment_id: str | None = None
    state: str
    tap: dict[str, Any] | None = None
    device: dict[str, Any] | None = None


@frozen(kw_only=True)
class _StreamEvt:
    control_id: str  # matching: the operation the event reports on
    call_id: str  # routing: the call the event is about
    node_id: str | None = None
    segment_id: str | None = None
    tag: str | None = None
    state: str
    url: str | None = None
    name: str | None = None


@frozen(kw_only=True)
class _TranscriptEvt:
    id: str
    call_id: str  # routing: the call the event is about
    segment_id: str | None = None
    text: Any = _base.ABSENT  # a whole call's transcript may pass the wire string bound: checked in _dec_transcript


@frozen(kw_only=True)
class _TranscribeEvt:
    control_id: str  # matching: the operation the event reports on
    call_id: str  # routing: the call the event is about
    node_id: str | None = None
    state: str
    url: str | None = None
    recording_id: str | None = None
    duration: float | None = None
    size: int | None = None


@frozen(kw_only=True)
class _ReferEvt:
    control_id: str | None = None
    call_id: str  # routing: the call the event is about
    node_id: str | None = None
    state: str
    sip_refer_to: str | None = None
    sip_refer_response_code: int | None = None
    sip_notify_response_code: int | None = None


@frozen(kw_only=True)
class _FaxOutcome:
    type: str
    params: dict[str, Any] | None = None


@frozen(kw_only=True)
class _FaxPage:
    direction: str | None = None
    number: int | None = None


@frozen(kw_only=True)
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


@frozen(kw_only=True)
class _FaxError:
    description: str | None = None


@frozen(kw_only=True)
class _FaxEvt:
    control_id: str  # matching: the operation the event reports on
    call_id: str  # routing: the call the event is about
    node_id: str | None = None
    fax: _FaxOutcome


@frozen(kw_only=True)
class _SendDigitsEvt:
    control_id: str  # matching: the operation the event reports on
    call_id: str  # routing: the call the event is about
    node_id: str | None = None
    state: str


for _wcls in (
    _PlayEvt, _RecordEvtAudio, _RecordEvtSpec, _RecordEvt, _CollectOutcome, _DigitOutcome, _SpeechOutcome,
    _CollectEvt, _DetectFinding, _DetectOutcome, _DetectEvt, _TapEvt, _StreamEvt, _TranscriptEvt, _TranscribeEvt,
    _ReferEvt, _FaxOutcome, _FaxPage, _FaxFinished, _FaxError, _FaxEvt, _SendDigitsEvt,
):  # fmt: skip
    register_wire(converter, _wcls)

# ---------------------------------------------------------------- value maps

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
#: calling.call.send_digits reports only finished (the SDKs type no other state).
SEND_DIGITS_STATES: Mapping[str, ev.OperationState] = {"finished": ev.OperationState.FINISHED}
FAX_STATES: Mapping[str, ev.FaxState] = {state.value: state for state in ev.FaxState}
FAX_DIRECTIONS: Mapping[str, ev.FaxDirection] = {d.value: d for d in ev.FaxDirection}
COLLECT_KINDS: Mapping[str, ev.CollectKind] = {kind.value: kind for kind in ev.CollectKind}
DETECT_KINDS: Mapping[str, ev.DetectKind] = {kind.value: kind for kind in ev.DetectKind}
DETECT_RESULTS: Mapping[ev.DetectKind, re.Pattern[str]] = {
    ev.DetectKind.MACHINE: re.compile(r"MACHINE|HUMAN|UNKNOWN|READY|NOT_READY|finished|error"),
    ev.DetectKind.FAX: re.compile(r"CED|CNG|finished|error"),
    ev.DetectKind.DIGIT: re.compile(r"[0-9A-D#*]+|finished|error"),
}

PLAY, RECORD, TAP, STREAM, TRANSCRIBE, SEND_DIGITS = map(
    states, (PLAY_STATES, RECORD_STATES, TAP_STATES, STREAM_STATES, TRANSCRIBE_STATES, SEND_DIGITS_STATES)
)

# ---------------------------------------------------------------- hooks: what the routes' field maps cannot say


def _dec_record(w: _RecordEvt, base: str) -> dict[str, Any]:
    state = _state_of(RECORD_STATES, w.state, f"{base}.state")
    if w.record is None:
        return {"state": state}
    audio = w.record.audio
    return {
        "state": state,
        "format": _enum(RecordingFormat, audio.format, f"{base}.record.audio.format", RECORD_FORMATS),
        "direction": _enum(Direction, audio.direction, f"{base}.record.audio.direction"),
        "stereo": audio.stereo,
    }


def _enc_record(e: ev.RecordingEvent, ctx: Encoding, carried: Any, origin: Any) -> dict[str, Any]:
    state = RECORD.encode(e.state, "state", ctx)
    audio = _drop_none({"format": _record_format(e.format, ctx), "direction": _str(e.direction), "stereo": e.stereo})
    return {"state": state, "record": {"audio": audio} if audio else None}


_DIGIT, _SPEECH = ev.CollectKind.DIGIT, ev.CollectKind.SPEECH


def _dec_collect(w: _CollectEvt, base: str) -> dict[str, Any]:
    at = f"{base}.result"
    kind = _state_of(COLLECT_KINDS, w.result.type, f"{at}.type")
    if kind not in (_DIGIT, _SPEECH):
        if w.result.params is not None:
            raise InvalidMessage(f"{at}.params", f"a {kind.value} result has no params")
        return {"kind": kind}
    if w.result.params is None:
        raise InvalidMessage(f"{at}.params", "required field missing")
    if kind is _DIGIT:
        digit = structure(converter, w.result.params, _DigitOutcome, f"{at}.params")
        return {"kind": kind, "digits": digit.digits, "terminator": digit.terminator}
    speech = structure(converter, w.result.params, _SpeechOutcome, f"{at}.params")
    return {"kind": kind, "text": speech.text, "confidence": speech.confidence}


def _enc_collect(e: ev.CollectResult, ctx: Encoding, carried: Any, origin: Any) -> dict[str, Any]:
    digit_fields = {"digits": e.digits, "terminator": e.terminator}
    speech_fields = {"text": e.text, "confidence": e.confidence}
    said = digit_fields if e.kind is _DIGIT else speech_fields if e.kind is _SPEECH else {}
    for field, value in (*digit_fields.items(), *speech_fields.items()):
        if value is not None and field not in said:
            ctx.lose(field)
    params = _drop_none(said) if e.kind in (_DIGIT, _SPEECH) else None
    return {"result": {"type": e.kind.value} if params is None else {"type": e.kind.value, "params": params}}


def _dec_detect(w: _DetectEvt, base: str) -> dict[str, Any]:
    at = f"{base}.detect"
    kind = _state_of(DETECT_KINDS, w.detect.type, f"{at}.type")
    finding = w.detect.params
    if DETECT_RESULTS[kind].fullmatch(finding.event) is None:
        raise InvalidMessage(f"{at}.params.event", f"not a result of the {kind.value} detector")
    if finding.beep is not None and kind is not ev.DetectKind.MACHINE:
        raise InvalidMessage(f"{at}.params.beep", "only the machine detector reports a beep")
    return {"detector": kind, "result": finding.event, "beep": finding.beep}


def _enc_detect(e: ev.DetectEvent, ctx: Encoding, carried: Any, origin: Any) -> dict[str, Any]:
    if DETECT_RESULTS[e.detector].fullmatch(e.result) is None:
        ctx.lose("result", droppable=False)
    finding: dict[str, Any] = {"event": e.result}
    if e.beep is not None:
        if e.detector is ev.DetectKind.MACHINE:
            finding["beep"] = e.beep
        else:
            ctx.lose("beep")
    return {"detect": {"type": e.detector.value, "params": finding}}


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


def _dec_tap(w: _TapEvt, base: str) -> dict[str, Any]:
    state = _state_of(TAP_STATES, w.state, f"{base}.state")
    _check_tap_objects(w.tap, w.device, base)
    return {"state": state}


def _dec_transcript(w: _TranscriptEvt, base: str) -> dict[str, Any]:
    text = None if w.text is _base.ABSENT else w.text
    if text is None and w.text is not _base.ABSENT:
        raise InvalidMessage(f"{base}.text", _structure.NULL_NOT_ALLOWED)
    if text is not None and type(text) is not str:
        raise InvalidMessage(f"{base}.text", f"expected a string, got {_structure._json_type(text)}")
    return {"text": text}


def _dec_fax(w: _FaxEvt, base: str) -> dict[str, Any]:
    state = _state_of(FAX_STATES, w.fax.type, f"{base}.fax.type")
    at = f"{base}.fax.params"
    params = {} if w.fax.params is None else w.fax.params
    if w.fax.params is None and state is not ev.FaxState.ERROR:
        raise InvalidMessage(at, "required field missing")
    fields: dict[str, Any]
    if state is ev.FaxState.PAGE:
        page = structure(converter, params, _FaxPage, at)
        fields = {"direction": page.direction, "page": page.number}
    elif state is ev.FaxState.FINISHED:
        done = structure(converter, params, _FaxFinished, at)
        fields = {key: getattr(done, key) for key in _FAX_FINISHED}
    else:
        failed = structure(converter, params, _FaxError, at)
        fields = {"description": failed.description}
        if w.fax.params is not None and failed.description is None:
            raise InvalidMessage(at, "an error's params name its description")  # {} would not re-encode
    if fields.get("direction") is not None:
        fields["direction"] = _state_of(FAX_DIRECTIONS, fields["direction"], f"{at}.direction")
    return {"state": state, **fields}


_FAX_FINISHED = ("direction", "identity", "remote_identity", "document", "pages", "success", "result", "result_text",
                 "format")  # fmt: skip
#: the fax fields' wire paths below params (a page's number is its page)
FAX_PATHS = {"page": "fax.params.number", **{key: f"fax.params.{key}" for key in (*_FAX_FINISHED, "description")}}


def _enc_fax(e: ev.FaxEvent, ctx: Encoding, carried: Any, origin: Any) -> dict[str, Any]:
    direction = None if e.direction is None else e.direction.value
    kept: dict[str, Any]
    if e.state is ev.FaxState.PAGE:
        kept = {"direction": direction, "number": e.page}
        owned: tuple[str, ...] = ("direction", "page")
    elif e.state is ev.FaxState.FINISHED:
        kept = {key: getattr(e, key) for key in _FAX_FINISHED}
        kept["direction"] = direction
        owned = _FAX_FINISHED
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
    return {"fax": fax}
