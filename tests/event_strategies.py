"""Hand-written hypothesis strategies for canonical events, receipts and provider errors.

The companion of ``strategies.py`` (commands) for what comes back from a
vendor (``callglot.canonical.events``). Every strategy yields *valid* values:
each field passes its attrs validator, optional fields are either absent or
valid. As in ``strategies.py``, optional fields are drawn per instance in one
of three modes: ``minimal`` (all absent), ``full`` (all present) or ``mixed``.

Numbers mix the forms vendors care about: integers, whole milliseconds
(``12.345``), whole microseconds and arbitrary floats, so dialects that carry
milliseconds or ISO-8601 times meet values they can and cannot say exactly.
Timestamps stay within years 1970..9999 (what ISO-8601 wire forms can hold).

Public API::

    events()               any canonical event (every class in EVENTS equally likely)
    event_of(cls)          one event class
    EVENT_STRATEGIES       {class: strategy} for every event class plus Receipt, CallLeg and ProviderError
    EVENT_FIELDS           {class: field names the strategy draws} (coverage is tested)
    receipts(), call_legs(), provider_errors(), envelopes()
"""

from __future__ import annotations

import string
from collections.abc import Callable, Mapping
from typing import Any

from hypothesis import strategies as st
from hypothesis.strategies import SearchStrategy
from profiles import DIALECTS
from strategies import e164_numbers, https_urls, json_objects, json_values, safe_text, sip_uris, wss_urls

import callglot
from callglot.canonical import TAGS
from callglot.canonical import events as ev
from callglot.canonical import types as t

__all__ = [
    "ENVELOPE_FIELDS",
    "EVENT_FIELDS",
    "EVENT_STRATEGIES",
    "call_legs",
    "durations",
    "envelopes",
    "event_of",
    "events",
    "provider_errors",
    "receipts",
    "timestamps",
]

_ALNUM = string.ascii_letters + string.digits

# ---------------------------------------------------------------- primitives


def _enum_values(kind: type[Any]) -> SearchStrategy[Any]:
    """An enum member, or (as the attrs converters allow) its string value."""
    members = list(kind)
    return st.one_of(st.sampled_from(members), st.sampled_from([m.value for m in members]))


def _ids(max_size: int = 40) -> SearchStrategy[str]:
    """Vendor ids: UUIDs, ``[A-Za-z0-9._:-]`` tokens, or any printable text (what the validators allow)."""
    token = st.builds(
        lambda a, b: a + b,
        st.sampled_from(_ALNUM),
        st.text(st.sampled_from(_ALNUM + "._:-"), max_size=max_size - 1),
    )
    return st.one_of(st.uuids().map(str), token, safe_text(1, max_size))


def _seconds(maximum: float) -> SearchStrategy[float]:
    """Non-negative seconds up to ``maximum``: ints, whole ms, whole µs, whole ns and arbitrary floats.

    Nanoseconds give finer-than-microsecond values (which Chirp's ISO times cannot say) often enough to find.
    """
    top = int(maximum)
    return st.one_of(
        st.integers(min_value=0, max_value=top),
        st.integers(min_value=0, max_value=top * 1000).map(lambda ms: ms / 1000),
        st.integers(min_value=0, max_value=top * 1_000_000).map(lambda us: us / 1_000_000),
        st.integers(min_value=0, max_value=top * 1_000_000_000).map(lambda ns: ns / 1_000_000_000),
        st.floats(min_value=0, max_value=maximum, allow_nan=False, allow_infinity=False).map(lambda x: x + 0.0),
    )


def durations() -> SearchStrategy[float]:
    """Durations and offsets in seconds (0 .. one day)."""
    return _seconds(86_400)


def timestamps() -> SearchStrategy[float]:
    """Unix seconds from 1970 to the end of year 9999."""
    return _seconds(253_402_300_799)


def _addresses() -> SearchStrategy[str]:
    """Who called / was called: E.164 numbers, SIP URIs, or any printable text (1..512)."""
    return st.one_of(e164_numbers(), sip_uris(), safe_text(1, 40))


def _http_urls() -> SearchStrategy[str]:
    """``https?://[^\\s]+`` (recording and transcript locations)."""
    return st.one_of(https_urls(), https_urls().map(lambda u: "http://" + u.removeprefix("https://")))


def _ws_urls() -> SearchStrategy[str]:
    """``wss?://[^\\s]+``."""
    return st.one_of(wss_urls(), wss_urls().map(lambda u: "ws://" + u.removeprefix("wss://")))


def _sizes() -> SearchStrategy[int]:
    return st.integers(min_value=0, max_value=2**40)


def _dtmf(alphabet: str, min_size: int, max_size: int) -> SearchStrategy[str]:
    return st.text(st.sampled_from(alphabet), min_size=min_size, max_size=max_size)


# ---------------------------------------------------------------- composition

_MODES = st.sampled_from(("minimal", "full", "mixed", "mixed"))


def _opt(draw: Callable[[SearchStrategy[Any]], Any], mode: str, strategy: SearchStrategy[Any]) -> Any:
    if mode == "minimal":
        return None
    if mode == "full":
        return draw(strategy)
    return draw(st.one_of(st.none(), strategy))


def unknown_fields() -> SearchStrategy[dict[str, Any]]:
    """What ``origin["unknown"]`` holds: ``{dialect: {JSON path: {field: value}}}``, each level non-empty.

    Never those of a dialect that keeps other vendors' unknown fields (canonical): its form would put
    them back at their paths, which a drawn event need not have (decoding its body with added fields
    makes those).
    """
    vendors = [n for n in DIALECTS if not callglot.get_dialect(n).keeps_foreign_unknown]
    carriers = {n for n in DIALECTS if callglot.get_dialect(n).keeps_foreign_unknown}
    dialects = (st.sampled_from(vendors) | safe_text(1, 12)).filter(lambda name: name not in carriers)
    paths = st.sampled_from(("$", "$.data", "$.params", "$.data.call")) | safe_text(0, 12).map(lambda rest: "$" + rest)
    fields = st.dictionaries(safe_text(0, 10), json_values(1), min_size=1, max_size=3)
    return st.dictionaries(dialects, st.dictionaries(paths, fields, min_size=1, max_size=2), min_size=1, max_size=2)


def origins() -> SearchStrategy[Any]:
    """An origin: a JSON object whose reserved ``unknown`` key, when drawn, has the shape it must have."""
    plain = json_objects(frozen=False).map(lambda origin: {k: v for k, v in origin.items() if k != ev.UNKNOWN_FIELDS})
    return st.one_of(
        plain, st.builds(lambda origin, unknown: {**origin, ev.UNKNOWN_FIELDS: unknown}, plain, unknown_fields())
    )


#: For each class, the field names its strategy draws (a test checks these equal the attrs fields).
EVENT_FIELDS: dict[type, frozenset[str]] = {}

#: The envelope every event carries (all optional).
ENVELOPE: Mapping[str, SearchStrategy[Any]] = {
    "call_id": _ids(),
    "event_id": _ids(),
    "timestamp": timestamps(),
    "sequence": st.integers(min_value=0, max_value=2**53),
    "command_id": _ids(),
    "control_id": _ids(),
    "origin": origins(),
}
ENVELOPE_FIELDS = frozenset(ENVELOPE)


def _record(
    cls: type,
    required: Mapping[str, SearchStrategy[Any]] | None = None,
    optional: Mapping[str, SearchStrategy[Any]] | None = None,
    *,
    envelope: bool = True,
) -> SearchStrategy[Any]:
    """A strategy for ``cls`` with independent fields (events get the envelope fields too)."""
    req = dict(required or {})
    opt = {**(ENVELOPE if envelope else {}), **(optional or {})}
    EVENT_FIELDS[cls] = frozenset(req) | frozenset(opt)

    @st.composite
    def build(draw: Any) -> Any:
        mode = draw(_MODES)
        kwargs = {name: draw(s) for name, s in req.items()}
        for name, s in opt.items():
            value = _opt(draw, mode, s)
            if value is not None:
                kwargs[name] = value
        return cls(**kwargs)

    return build()


def envelopes() -> SearchStrategy[dict[str, Any]]:
    """Envelope keyword arguments alone (some fields present)."""
    return st.fixed_dictionaries({}, optional=dict(ENVELOPE))


# ---------------------------------------------------------------- responses


def call_legs() -> SearchStrategy[ev.CallLeg]:
    return _record(
        ev.CallLeg,
        {"id": _ids()},
        {
            "state": st.one_of(
                st.sampled_from(("created", "ringing", "answered", "ending", "ended")), safe_text(1, 32)
            ),
            "direction": st.one_of(st.sampled_from(("inbound", "outbound")), safe_text(1, 32)),
            "source": _addresses(),
            "destination": _addresses(),
            "details": json_objects(),
        },
        envelope=False,
    )


def receipts() -> SearchStrategy[ev.Receipt]:
    return _record(
        ev.Receipt,
        {"status": _enum_values(ev.ReceiptStatus)},
        {
            "call_id": _ids(),
            "command": st.sampled_from(sorted(TAGS.values())),
            "operation_id": _ids(),
            "timeout": durations(),
            "call": call_legs(),
            "origin": origins(),
        },
        envelope=False,
    )


@st.composite
def _provider_errors(draw: Any) -> ev.ProviderError:
    mode = draw(_MODES)
    retry_after = st.one_of(
        st.integers(min_value=0, max_value=86_400),
        st.floats(min_value=0, max_value=86_400, allow_nan=False, allow_infinity=False).map(lambda x: x + 0.0),
    )
    return ev.ProviderError(
        draw(st.integers(min_value=400, max_value=599)),
        draw(safe_text(0, 60)),
        code=_opt(draw, mode, st.one_of(st.sampled_from(("rate_limited", "not_found", "E1001")), safe_text(1, 30))),
        parameter=_opt(draw, mode, st.one_of(st.sampled_from(("url", "params.play[0].url")), safe_text(1, 30))),
        retry_after=_opt(draw, mode, retry_after),
        kind=_opt(draw, mode, st.one_of(st.sampled_from(("invalid_request_error", "api_error")), safe_text(1, 30))),
        details=_opt(draw, mode, json_objects()),
    )


def provider_errors() -> SearchStrategy[ev.ProviderError]:
    """Error responses: status 4xx/5xx, any message, optional code/parameter/kind/details/retry hint."""
    return _provider_errors()


# ---------------------------------------------------------------- events

_OPERATION = _enum_values(ev.OperationState)
_DETECT_RESULTS = ("MACHINE", "HUMAN", "UNKNOWN", "READY", "NOT_READY", "CED", "CNG", "finished", "error", "1", "#")
_REFER_STATES = ("inProgress", "cancel", "busy", "noAnswer", "error", "success", "ringing", "answered")

EVENT_STRATEGIES: dict[type, SearchStrategy[Any]] = {
    ev.CallStateChanged: _record(
        ev.CallStateChanged,
        {"state": _enum_values(ev.CallState)},
        {
            "direction": _enum_values(ev.CallDirection),
            "source": _addresses(),
            "destination": _addresses(),
            "source_channel": _enum_values(t.Channel),
            "destination_channel": _enum_values(t.Channel),
            "cause": _enum_values(t.HangupCause),
            "peer_call_id": _ids(),
            "metadata": json_objects(),
        },
    ),
    ev.PlaybackEvent: _record(
        ev.PlaybackEvent,
        {"state": _OPERATION},
        {
            "urls": st.one_of(
                st.lists(https_urls(), min_size=1, max_size=3),
                st.lists(st.one_of(https_urls(), safe_text(1, 30)), max_size=3).map(tuple),
            ),
            "offset": durations(),
            "duration": durations(),
        },
    ),
    ev.RecordingEvent: _record(
        ev.RecordingEvent,
        {"state": _OPERATION},
        {
            "url": _http_urls(),
            "duration": durations(),
            "size": _sizes(),
            "format": _enum_values(t.RecordingFormat),
            "recording_id": _ids(),
            "direction": _enum_values(t.Direction),
            "stereo": st.booleans(),
            "started_at": timestamps(),
            "ended_at": timestamps(),
        },
    ),
    ev.CollectResult: _record(
        ev.CollectResult,
        {"kind": _enum_values(ev.CollectKind)},
        {
            "digits": _dtmf("0123456789ABCDabcd*#", 0, 20),
            "terminator": _dtmf("0123456789ABCDabcd*#", 0, 1),
            "text": safe_text(1, 60),
            "confidence": st.one_of(
                st.sampled_from((0, 1)),
                st.floats(min_value=0, max_value=1, allow_nan=False).map(lambda x: x + 0.0),
            ),
            "final": st.booleans(),
            "state": st.one_of(st.sampled_from(("finished", "partial", "error")), safe_text(1, 30)),
        },
    ),
    ev.DetectEvent: _record(
        ev.DetectEvent,
        {
            "detector": _enum_values(ev.DetectKind),
            "result": st.one_of(
                st.sampled_from(_DETECT_RESULTS),
                st.text(st.sampled_from(_ALNUM + "_#*"), min_size=1, max_size=32),
            ),
        },
        {"beep": st.booleans()},
    ),
    ev.TapEvent: _record(ev.TapEvent, {"state": _OPERATION}),
    ev.StreamEvent: _record(
        ev.StreamEvent,
        {"state": _OPERATION},
        {"url": _ws_urls(), "name": safe_text(1, 30)},
    ),
    ev.TranscriptionEvent: _record(
        ev.TranscriptionEvent,
        {"state": _OPERATION},
        {
            "transcript_id": _ids(),
            "text": safe_text(1, 80),
            "url": _http_urls(),
            "recording_id": _ids(),
            "duration": durations(),
            "size": _sizes(),
        },
    ),
    ev.ReferEvent: _record(
        ev.ReferEvent,
        {"state": st.one_of(st.sampled_from(_REFER_STATES), safe_text(1, 30))},
        {
            "refer_to": st.one_of(sip_uris(), safe_text(1, 40)),
            "refer_response_code": st.integers(min_value=100, max_value=699),
            "notify_response_code": st.integers(min_value=100, max_value=699),
        },
    ),
    ev.CommandResult: _record(
        ev.CommandResult, {"success": st.booleans()}, {"operation_id": _ids(), "detail": json_objects()}
    ),
    ev.DtmfReceived: _record(ev.DtmfReceived, {"digit": st.sampled_from("0123456789ABCD*#")}),
    ev.VoicemailReceived: _record(
        ev.VoicemailReceived,
        optional={
            "voicemail_id": _ids(),
            "source": _addresses(),
            "duration": durations(),
            "transcription": safe_text(1, 80),
            "recording_id": _ids(),
        },
    ),
    ev.ConnectEvent: _record(
        ev.ConnectEvent,
        {"state": _enum_values(ev.ConnectState)},
        {
            "peer_call_id": _ids(),
            "peer_source": _addresses(),
            "peer_destination": _addresses(),
            "peer_channel": _enum_values(t.Channel),
            "reason": st.one_of(st.sampled_from(("no_answer", "busy", "decline")), safe_text(1, 30)),
        },
    ),
    ev.DialStateChanged: _record(
        ev.DialStateChanged,
        {"state": _enum_values(ev.DialState)},
        {"reason": st.one_of(st.sampled_from(("busy", "noAnswer", "error")), safe_text(1, 30))},
    ),
    ev.HoldEvent: _record(ev.HoldEvent, {"state": _enum_values(ev.HoldState)}),
    ev.DenoiseEvent: _record(ev.DenoiseEvent, {"denoised": st.booleans()}),
    ev.SendDigitsEvent: _record(ev.SendDigitsEvent, {"state": _OPERATION}),
    ev.FaxEvent: _record(
        ev.FaxEvent,
        {"state": _enum_values(ev.FaxState)},
        {
            "direction": _enum_values(ev.FaxDirection),
            "page": st.integers(min_value=0, max_value=10_000),
            "pages": st.integers(min_value=0, max_value=10_000),
            "document": _http_urls(),
            "success": st.booleans(),
            "result": st.integers(min_value=0, max_value=2**31),
            "result_text": st.one_of(st.sampled_from(("OK", "Busy")), safe_text(1, 40)),
            "identity": st.one_of(e164_numbers(), safe_text(1, 20)),
            "remote_identity": st.one_of(e164_numbers(), safe_text(1, 20)),
            "format": st.one_of(st.just("pdf"), safe_text(1, 16)),
            "description": safe_text(1, 60),
        },
    ),
    ev.ErrorEvent: _record(
        ev.ErrorEvent,
        optional={"code": st.one_of(st.sampled_from(("500", "5001")), safe_text(1, 30)), "message": safe_text(1, 60)},
    ),
    ev.ConferenceEvent: _record(
        ev.ConferenceEvent,
        {"state": _enum_values(ev.ConferenceState)},
        {
            "conference_id": _ids(),
            "name": safe_text(1, 40),
            "size": st.integers(min_value=0, max_value=10_000),
            "source": _addresses(),
            "reason": st.one_of(
                st.sampled_from(("hangup", "removed", "orphan", "last-participant-left")), safe_text(1, 30)
            ),
            "recording_url": _http_urls(),
            "recording_duration": durations(),
            "recording_size": _sizes(),
        },
    ),
    ev.Receipt: receipts(),
    ev.CallLeg: call_legs(),
    ev.ProviderError: provider_errors(),
}


def event_of(cls: type) -> SearchStrategy[Any]:
    """The strategy for one canonical event class."""
    if cls not in ev.EVENTS:
        raise KeyError(f"{cls!r} is not a canonical event class")
    return EVENT_STRATEGIES[cls]


def events() -> SearchStrategy[Any]:
    """Any canonical event (every class in ``EVENTS`` equally likely)."""
    return st.one_of([EVENT_STRATEGIES[cls] for cls in ev.EVENTS])
