"""SignalWire webhooks that report on an operation a command started (reference/dialects.md §1.7).

calling.call.play, record, collect, detect, tap, stream, transcribe (and calling.transcript.completed /
failed, the transcript's text), fax, send_digits and refer: their wire shapes, value maps, decoders and
encoders. All but refer carry the operation's ``control_id``, which ties them to the command that
started it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

from callglot._frozen import frozen
from callglot.adapters import _base
from callglot.adapters._base import Encoding, enum_value, register_wire, structure
from callglot.canonical import Direction, RecordingFormat
from callglot.canonical import events as ev
from callglot.errors import InvalidMessage

from ._webhook import _ENVELOPE_PATHS, _common_params, _EventEnvelope, _state_of, _wire_state
from ._wire import (
    EVENT_PATH,
    RECORD_FORMATS,
    _DeviceSpec,
    _drop_none,
    _enum,
    _make,
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

# ---------------------------------------------------------------- decode


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


# ---------------------------------------------------------------- encode


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
    audio = _drop_none({"format": _record_format(e.format, ctx), "direction": _str(e.direction), "stereo": e.stereo})
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
