"""SignalWire's AI agent and live commands: calling.ai_hold, ai_unhold, ai_message, live_transcribe, live_translate.

Their wire shapes and the decode and encode hooks their routes name (the route table is in
:mod:`.commands`; reference/dialects.md §1.1). The live commands take one action (start, stop,
summarize; inject for live_translate); their timings are whole milliseconds on the wire. calling.ai_unhold
encodes generically (its one field, prompt, is a declared loss); calling.ai.stop carries only an
optional control_id and is a generic route in :mod:`.commands`.
"""

from __future__ import annotations

import re
from typing import Any

import attrs

from callglot._frozen import frozen
from callglot.adapters import _base, _structure
from callglot.adapters._base import Encoding, enum_value
from callglot.adapters._structure import register_wire, structure
from callglot.canonical import (
    AiHold,
    AiMessage,
    AiReset,
    AiRole,
    AiUnhold,
    LiveDirection,
    LiveInject,
    LiveSpeechEngine,
    LiveStart,
    LiveStop,
    LiveSummarize,
    LiveTranscribe,
    LiveTranslate,
    thaw_json,
)
from callglot.errors import InvalidMessage, InvalidValue

from ._wire import P, _Decoding, _drop_none, _enum, _field_error, _json, _str, converter

# ---------------------------------------------------------------- wire shapes


@frozen(kw_only=True)
class _AiHoldParams:
    timeout: Any = None
    prompt: str | None = None


@frozen(kw_only=True)
class _AiUnholdParams:
    prompt: str | None = None


@frozen(kw_only=True)
class _AiReset:
    full_reset: bool | None = None
    user_prompt: str | None = None
    system_prompt: str | None = None


@frozen(kw_only=True)
class _AiMessageParams:
    role: str | None = None
    message_text: str | None = None
    reset: _AiReset | None = None
    global_data: dict[str, Any] | None = None


@frozen(kw_only=True)
class _LiveParams:
    action: Any
    status_url: str | None = None


@frozen(kw_only=True)
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


@frozen(kw_only=True)
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


@frozen(kw_only=True)
class _LiveSummarize:
    webhook: str | None = None
    prompt: str | None = None


@frozen(kw_only=True)
class _LiveInject:
    message: str
    direction: str


for _cls in (
    _AiHoldParams, _AiUnholdParams, _AiReset, _AiMessageParams, _LiveParams, _LiveTranscribeStart,
    _LiveTranslateStart, _LiveSummarize, _LiveInject,
):  # fmt: skip
    register_wire(converter, _cls)
# Arrays as capped as the canonical fields they become: refused by their length before any item is built.
for _cls in (_LiveTranscribeStart, _LiveTranslateStart):
    _structure.limit_arrays(converter, _cls, direction=_structure.max_items(LiveStart, "direction"))

# ---------------------------------------------------------------- milliseconds

INT32_MAX = 2**31 - 1


def _ms(seconds: float | None, ctx: Encoding, field: str) -> int | None:
    """Seconds (canonical) to whole milliseconds (an int32 on the wire), or a declared loss."""
    return None if seconds is None else _base.to_millis(seconds, ctx, field, INT32_MAX)


def _seconds(millis: int | None, path: str) -> float | None:
    """Whole milliseconds (an int32 on the wire) to seconds."""
    return None if millis is None else _base.from_millis(millis, path, INT32_MAX)


# ---------------------------------------------------------------- decode


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
            raise _field_error(path, exc) from None
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


def _dec_live_transcribe(w: _LiveParams, d: _Decoding) -> LiveTranscribe:
    if w.status_url is not None:
        raise InvalidMessage(f"{P}.status_url", "calling.live_transcribe has no status_url (live_translate has)")
    return LiveTranscribe(action=_live_action(w.action, False, d))


def _dec_live_translate(w: _LiveParams, d: _Decoding) -> LiveTranslate:
    return LiveTranslate(action=_live_action(w.action, True, d), status_url=w.status_url)


# ---------------------------------------------------------------- encode


def _enc_ai_hold(c: AiHold, ctx: Encoding, *_: Any) -> dict[str, Any]:
    timeout = None
    if c.timeout is not None:
        if float(c.timeout).is_integer():
            timeout = str(int(c.timeout))
        else:
            ctx.lose("timeout")
    return _drop_none({"timeout": timeout, "prompt": c.prompt})


def _enc_ai_message(c: AiMessage, ctx: Encoding, *_: Any) -> dict[str, Any]:
    params = {
        "role": _str(c.role),
        "message_text": c.message_text,
        "reset": None if c.reset is None else _drop_none(attrs.asdict(c.reset)),
        "global_data": thaw_json(c.global_data),
    }
    return _drop_none(params)


def _enc_live_transcribe(c: LiveTranscribe, ctx: Encoding, *_: Any) -> dict[str, Any]:
    return {"action": _live(c.action, ctx, False)}


def _enc_live_translate(c: LiveTranslate, ctx: Encoding, *_: Any) -> dict[str, Any]:
    return _drop_none({"action": _live(c.action, ctx, True), "status_url": c.status_url})


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
