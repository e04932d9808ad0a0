"""Hand-written hypothesis strategies for every canonical value (DESIGN §5).

``st.builds`` cannot honour the attrs validators (length bounds, patterns,
cross-field rules, the URL safety policy), so every class has a strategy
written against its validators. Every strategy yields *valid, already
normalised* values: rebuilding a value from its fields gives an equal value,
and URLs / SIP URIs are in the form the URL policy returns unchanged.

Optional fields are drawn per instance in one of three modes: ``minimal``
(every optional field absent), ``full`` (every optional field present, as far
as the cross-field rules allow) or ``mixed`` (each one absent or present), so
both extremes occur often.

Public API::

    commands()            any canonical command
    command_of(cls)       one command class
    STRATEGIES            {class: strategy} for every command and value class
    FIELDS                {class: field names the strategy draws} (coverage is tested)
    destinations(), media(), https_urls(), wss_urls(), json_objects(), digits(), ...
"""

from __future__ import annotations

import contextvars
import functools
import string
from collections.abc import Callable, Iterable, Mapping
from typing import Any, TypeVar

from hypothesis import strategies as st
from hypothesis.strategies import SearchStrategy

from callglot.canonical import commands as c
from callglot.canonical import types as t

__all__ = [
    "FIELDS",
    "STRATEGIES",
    "ai_resets",
    "audio",
    "cells",
    "channels_and_addresses",
    "codecs",
    "command_of",
    "commands",
    "control_ids",
    "custom_variables",
    "destinations",
    "detectors",
    "digit_collects",
    "digit_detectors",
    "digits",
    "e164_numbers",
    "fax_detectors",
    "hangup_causes",
    "https_urls",
    "identities",
    "in_mode",
    "json_objects",
    "json_values",
    "languages",
    "live_injects",
    "live_starts",
    "live_stops",
    "live_summarizes",
    "machine_detectors",
    "media",
    "participant_ids",
    "public_hosts",
    "ringtones",
    "rtp_devices",
    "safe_text",
    "silences",
    "sip_uris",
    "speech_collects",
    "tap_devices",
    "tts",
    "voices",
    "value_classes",
    "ws_devices",
    "wss_urls",
]

# ---------------------------------------------------------------- parametrization

_T = TypeVar("_T")


def cells(items: Iterable[_T]) -> list[_T]:
    """``items`` as a parametrize list, refused when empty.

    A property parametrized over the cells where it applies (computed from the capability
    tables) would otherwise silently test nothing once a table change empties the list.
    """
    out = list(items)
    if not out:
        raise ValueError("empty parametrization: the property applies to no cell, so it would test nothing")
    return out


# ---------------------------------------------------------------- primitives

_ALNUM = string.ascii_letters + string.digits
_LOWER_ALNUM = string.ascii_lowercase + string.digits

# Printable text: no C0/C1 controls, DEL or lone surrogates (all valid UTF-8).
_TEXT_CHARS = st.characters(codec="utf-8", exclude_categories=("Cc", "Cs"))


def safe_text(min_size: int = 1, max_size: int = 40) -> SearchStrategy[str]:
    """Text without control characters (what ``v.text`` accepts without a pattern)."""
    return st.text(_TEXT_CHARS, min_size=min_size, max_size=max_size)


def _chars(first: str, rest: str, max_rest: int) -> SearchStrategy[str]:
    """One character from ``first`` then 0..max_rest from ``rest``."""
    return st.builds(
        lambda a, b: a + b,
        st.sampled_from(first),
        st.text(st.sampled_from(rest), max_size=max_rest),
    )


def _no_neg_zero(x: float) -> float:
    return x + 0.0  # -0.0 + 0.0 == +0.0; everything else unchanged


def _numbers(
    minimum: float | None = None,
    maximum: float | None = None,
    *,
    exclusive_minimum: bool = False,
) -> SearchStrategy[float]:
    """Finite numbers in bounds, ints mixed in (JSON keeps ints)."""
    lo_int = None if minimum is None else int(minimum) + (1 if exclusive_minimum else 0)
    hi_int = None if maximum is None else int(maximum)
    ints = st.integers(
        min_value=lo_int if lo_int is not None else -(10**9),
        max_value=hi_int if hi_int is not None else 10**9,
    )
    floats = st.floats(
        min_value=minimum,
        max_value=maximum,
        exclude_min=exclusive_minimum and minimum is not None,
        allow_nan=False,
        allow_infinity=False,
    ).map(_no_neg_zero)
    if exclusive_minimum and minimum is not None:
        floats = floats.filter(lambda x: x > minimum)
    return st.one_of(ints, floats)


def _ints(minimum: int, maximum: int) -> SearchStrategy[int]:
    return st.integers(min_value=minimum, max_value=maximum)


def _enum_values(kind: type[Any]) -> SearchStrategy[Any]:
    """An enum member, or (as the converters allow) its string value."""
    members = list(kind)
    return st.one_of(st.sampled_from(members), st.sampled_from([m.value for m in members]))


def _not_normal_clearing(cause: Any) -> bool:
    return cause not in (t.HangupCause.NORMAL_CLEARING, t.HangupCause.NORMAL_CLEARING.value)


@functools.cache
def hangup_causes() -> SearchStrategy[t.HangupCause]:
    return st.sampled_from(list(t.HangupCause))


# ---------------------------------------------------------------- ids, text patterns

_ID_REST = _ALNUM + "._:@+-"


@functools.cache
def participant_ids() -> SearchStrategy[str]:
    """``[A-Za-z0-9][A-Za-z0-9._:@+-]{0,127}`` (kept short)."""
    return st.one_of(
        st.uuids().map(str),
        _chars(_ALNUM, _ID_REST, 39),
    )


@functools.cache
def control_ids() -> SearchStrategy[str]:
    """1..128 characters without control characters."""
    return st.one_of(st.uuids().map(str), safe_text(1, 40))


def digits(min_size: int = 1, max_size: int = 50) -> SearchStrategy[str]:
    """DTMF digits ``[0-9*#A-D]``."""
    return st.text(st.sampled_from("0123456789*#ABCD"), min_size=min_size, max_size=min(max_size, 50))


def _terminators(lower_ok: bool = False) -> SearchStrategy[str]:
    alphabet = "0123456789*#ABCD" + ("abcd" if lower_ok else "")
    return st.text(st.sampled_from(alphabet), min_size=0, max_size=16)


_PRIMARY_LANGS = ("en", "es", "fr", "de", "pt", "ja", "zh", "cmn", "yue", "nl", "sv")
_REGIONS = ("US", "GB", "AU", "IN", "MX", "BR", "CA", "419", "Hans", "Latn")


@functools.cache
def languages() -> SearchStrategy[str]:
    """BCP-47 tags (``en``, ``en-US``, ``zh-Hans-CN``) and ``Engine:tag`` forms."""
    letters = st.text(st.sampled_from(string.ascii_letters), min_size=2, max_size=8)
    subtag = st.text(st.sampled_from(_ALNUM), min_size=1, max_size=8)
    primary = st.one_of(st.sampled_from(_PRIMARY_LANGS), letters)
    tag = st.builds(
        lambda p, subs: "-".join([p, *subs]),
        primary,
        st.lists(st.one_of(st.sampled_from(_REGIONS), subtag), max_size=2),
    )
    engine = st.builds(
        lambda e, tg: f"{e}:{tg}",
        st.one_of(
            st.sampled_from(("Google", "Google.V2", "Deepgram", "gcloud")),
            st.text(st.sampled_from(_ALNUM + "."), min_size=1, max_size=12),
        ),
        tag,
    )
    return st.one_of(tag, tag, engine)


@functools.cache
def voices() -> SearchStrategy[str]:
    """``[A-Za-z0-9][A-Za-z0-9.-]{0,127}`` (``Polly.Joanna``, ``en-US-Neural2-A``)."""
    known = st.sampled_from(
        ("Polly.Joanna", "Polly.Matthew-Neural", "en-US-Neural2-A", "rachel", "gcloud.en-US-Wavenet-F")
    )
    return st.one_of(known, _chars(_ALNUM, _ALNUM + ".-", 39))


# ---------------------------------------------------------------- URLs

_HOSTS = (
    "media.example.com",
    "cdn.example.org",
    "api.example.net",
    "hooks.example.com",
    "xn--bcher-kva.example",
    "my_host.example.com",
    "example.com",
)


@functools.cache
def public_hosts() -> SearchStrategy[str]:
    """Public-looking, already normalised (lower-case ASCII) host names."""
    numbered = st.builds(lambda n, tld: f"cdn{n}.example.{tld}", _ints(0, 99), st.sampled_from(("com", "org", "net")))
    label = st.text(st.sampled_from(_LOWER_ALNUM + "-"), min_size=1, max_size=12)
    sub = st.builds(lambda a, b: f"{a}.{b}", label, st.sampled_from(("example.com", "example.org", "example.net")))
    return st.one_of(st.sampled_from(_HOSTS), numbered, sub)


_PATH_CHARS = _ALNUM + "-._~!$&'()*+,;=:@"
_QUERY_CHARS = _ALNUM + "-._~!$'()*+,;:@/?"


@functools.cache
def _paths() -> SearchStrategy[str]:
    segment = st.text(st.sampled_from(_PATH_CHARS), min_size=0, max_size=12)
    short = st.lists(segment, max_size=4).map(lambda segs: "".join("/" + s for s in segs))
    # One in 25: a path long enough to pass a dialect's URL length limit (the gateway's 2048 characters).
    long = st.integers(2040, 2100).map(lambda n: "/" + "a" * n)
    return st.integers(0, 24).flatmap(lambda i: long if i == 0 else short)


@functools.cache
def _queries() -> SearchStrategy[str]:
    key = st.text(st.sampled_from(_ALNUM + "_-."), min_size=1, max_size=8)
    value = st.text(st.sampled_from(_QUERY_CHARS), max_size=12)
    pair = st.builds(lambda k, v: f"{k}={v}", key, value)
    return st.one_of(
        st.just(""),
        st.lists(pair, min_size=1, max_size=3).map(lambda ps: "?" + "&".join(ps)),
    )


def _urls(scheme: str) -> SearchStrategy[str]:
    port = st.one_of(st.just(""), _ints(1, 65535).map(lambda p: f":{p}"))
    fragment = st.one_of(st.just(""), st.text(st.sampled_from(_ALNUM + "-_"), max_size=8).map(lambda f: "#" + f))
    return st.builds(
        lambda host, p, path, q, frag: f"{scheme}://{host}{p}{path}{q}{frag}",
        public_hosts(),
        port,
        _paths(),
        _queries(),
        fragment,
    )


@functools.cache
def https_urls() -> SearchStrategy[str]:
    """Public https URLs in normalised form (the URL policy returns them unchanged)."""
    return _urls("https")


@functools.cache
def wss_urls() -> SearchStrategy[str]:
    """Public wss URLs in normalised form."""
    return _urls("wss")


_SIP_USER_CHARS = _ALNUM + "-_.!~*'()&=+$,;/"


@functools.cache
def sip_uris() -> SearchStrategy[str]:
    """``sip:``/``sips:`` URIs with a user part, a public host, optional port and parameters."""
    user = st.one_of(
        st.sampled_from(("alice", "bob", "+15551234567", "support", "agent.7")),
        # Not starting with '/': sip://host/...@x reads as the host 'host' to a generic URL parser.
        st.text(st.sampled_from(_SIP_USER_CHARS), min_size=1, max_size=16).filter(lambda u: u[0] != "/"),
    )
    port = st.one_of(st.just(""), st.sampled_from((":5060", ":5061", ":5080")), _ints(1, 65535).map(lambda p: f":{p}"))
    params = st.one_of(
        st.just(""),
        st.sampled_from(("udp", "tcp", "tls", "ws", "wss")).map(lambda tr: f";transport={tr}"),
        st.just(";user=phone"),
        st.just(";lr;transport=tls"),
    )
    return st.builds(
        lambda scheme, u, h, p, par: f"{scheme}:{u}@{h}{p}{par}",
        st.sampled_from(("sip", "sips")),
        user,
        public_hosts(),
        port,
        params,
    )


# ---------------------------------------------------------------- JSON

_JSON_INT = st.integers(min_value=-(2**53), max_value=2**53)
_JSON_FLOAT = st.floats(allow_nan=False, allow_infinity=False).map(_no_neg_zero)
_JSON_KEYS = st.text(_TEXT_CHARS, min_size=0, max_size=10)
_JSON_SCALARS = st.one_of(st.none(), st.booleans(), _JSON_INT, _JSON_FLOAT, safe_text(0, 20))


def json_values(max_depth: int = 2) -> SearchStrategy[Any]:
    """A plain JSON value (dicts and lists), nested at most ``max_depth`` containers deep."""
    if max_depth <= 0:
        return _JSON_SCALARS
    inner = json_values(max_depth - 1)
    return st.one_of(
        _JSON_SCALARS,
        st.lists(inner, max_size=3),
        st.dictionaries(_JSON_KEYS, inner, max_size=3),
    )


def any_json(max_leaves: int = 20) -> SearchStrategy[Any]:
    """Any JSON a hostile peer might send, for bad-input properties: any text (keys too), any int or float.

    Unlike :func:`json_values` (well-formed values for valid messages), nothing here is filtered.
    """
    scalars = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20)
    return st.recursive(
        scalars,
        lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=5),
        max_leaves=max_leaves,
    )


def json_objects(max_depth: int = 3, *, frozen: bool = True) -> SearchStrategy[Any]:
    """A small JSON object (depth <= ``max_depth``), frozen (:class:`FrozenJson`) unless ``frozen=False``."""
    plain = st.dictionaries(_JSON_KEYS, json_values(max_depth - 1), max_size=4)
    return plain.map(t.freeze_json) if frozen else plain


@functools.cache
def _json_field() -> SearchStrategy[Any]:
    """What a JSON field may be given: a plain dict (frozen by the converter) or a FrozenJson."""
    return st.one_of(json_objects(frozen=False), json_objects())


_RESERVED_PREFIXES = ("signalwire_", "sw_", "rtc_", "internal_")


@functools.cache
def custom_variables() -> SearchStrategy[dict[str, str]]:
    """Dial.custom_variables: <= 20 keys ``[A-Za-z_][A-Za-z0-9_]*`` without reserved prefixes."""
    key = _chars(string.ascii_letters + "_", _ALNUM + "_", 20).filter(
        lambda k: not k.lower().startswith(_RESERVED_PREFIXES)
    )
    return st.dictionaries(key, safe_text(1, 40), max_size=6)


# ---------------------------------------------------------------- composition helpers

_MODES = st.sampled_from(("minimal", "full", "mixed", "mixed"))
_FORCED_MODE: contextvars.ContextVar[str | None] = contextvars.ContextVar("forced_mode", default=None)


def _mode(draw: Callable[[SearchStrategy[Any]], Any]) -> str:
    """The optional-field mode of the value being drawn: drawn, or the one ``in_mode`` forces."""
    return _FORCED_MODE.get() or draw(_MODES)


def in_mode(strategy: SearchStrategy[Any], mode: str) -> SearchStrategy[Any]:
    """``strategy`` with every value (nested ones too) drawn in ``mode`` (minimal, full or mixed)."""
    if mode not in ("minimal", "full", "mixed"):
        raise ValueError(f"unknown mode {mode!r}")

    @st.composite
    def forced(draw: Any) -> Any:
        token = _FORCED_MODE.set(mode)
        try:
            return draw(strategy)
        finally:
            _FORCED_MODE.reset(token)

    return forced()


def _opt(draw: Callable[[SearchStrategy[Any]], Any], mode: str, strategy: SearchStrategy[Any]) -> Any:
    if mode == "minimal":
        return None
    if mode == "full" or draw(_COIN):
        return draw(strategy)
    return None  # no fresh one_of per draw: building strategies inside draws re-validates them every time


_COIN = st.booleans()


#: For each class, the field names its strategy draws (a test checks these equal the attrs fields).
FIELDS: dict[type, frozenset[str]] = {}


def _record(
    cls: type,
    required: Mapping[str, SearchStrategy[Any]] | None = None,
    optional: Mapping[str, SearchStrategy[Any]] | None = None,
) -> SearchStrategy[Any]:
    """A strategy for ``cls`` with independent fields (no cross-field rules)."""
    req = dict(required or {})
    opt = dict(optional or {})
    FIELDS[cls] = frozenset(req) | frozenset(opt)

    @st.composite
    def build(draw: Any) -> Any:
        mode = _mode(draw)
        kwargs = {name: draw(s) for name, s in req.items()}
        for name, s in opt.items():
            value = _opt(draw, mode, s)
            if value is not None:
                kwargs[name] = value
        return cls(**kwargs)

    return build()


def _register(cls: type, *names: str) -> None:
    FIELDS[cls] = frozenset(names)


# ---------------------------------------------------------------- destinations


@functools.cache
def e164_numbers() -> SearchStrategy[str]:
    """``+[1-9][0-9]{1,14}``."""
    return st.builds(
        lambda first, rest: f"+{first}{rest}",
        st.sampled_from("123456789"),
        st.text(st.sampled_from(string.digits), min_size=1, max_size=14),
    )


def _not_sip_shaped(identity: str) -> bool:
    # With channel=None an identity must not look like a SIP URI or an E.164 number.
    return identity[:4].lower() not in ("sip:", "sips")


@functools.cache
def identities() -> SearchStrategy[str]:
    """WebRTC / client identities ``[A-Za-z0-9][A-Za-z0-9._@:+-]{0,255}``."""
    known = st.sampled_from(("alice", "client:bob", "user@example.com", "verto:1000@example.com", "agent_7"))
    return st.one_of(known, _chars(_ALNUM, _ALNUM + "._@:+-", 39))


@functools.cache
def channels_and_addresses() -> SearchStrategy[tuple[t.Channel | None, str]]:
    """(channel, address) pairs valid together; addresses already normalised."""
    return st.one_of(
        st.tuples(st.sampled_from((None, t.Channel.PSTN, t.Channel.WHATSAPP)), e164_numbers()),
        st.tuples(st.sampled_from((None, t.Channel.SIP)), sip_uris()),
        st.tuples(st.just(t.Channel.WEBRTC), identities()),
        st.tuples(st.just(None), identities().filter(_not_sip_shaped)),
    )


#: Channels a full value states: the ones its address does not already imply. Destination stores an
#: implied channel (pstn for an E.164 number, sip for a SIP URI) as None: one value per meaning.
_STATED_CHANNELS = st.one_of(
    st.tuples(st.just(t.Channel.WHATSAPP), e164_numbers()), st.tuples(st.just(t.Channel.WEBRTC), identities())
)


@st.composite
def _destinations(draw: Any) -> t.Destination:
    mode = _mode(draw)
    channel, address = draw(_STATED_CHANNELS if mode == "full" else channels_and_addresses())
    if mode == "minimal" and (channel is not t.Channel.WEBRTC or _not_sip_shaped(address)):
        channel = None  # the address alone says it (an identity shaped like a SIP URI needs its webrtc)
    if channel is None:
        return t.Destination(address=address) if draw(st.booleans()) else t.Destination(address=address, channel=None)
    value = draw(st.sampled_from((channel, channel.value)))
    return t.Destination(address=address, channel=value)


@functools.cache
def destinations() -> SearchStrategy[t.Destination]:
    return _destinations()


_register(t.Destination, "address", "channel")

# ---------------------------------------------------------------- media


@functools.cache
def audio() -> SearchStrategy[t.Audio]:
    return _record(t.Audio, {"url": https_urls()})


@functools.cache
def tts() -> SearchStrategy[t.Tts]:
    text = st.one_of(safe_text(1, 40), st.text(st.sampled_from(_ALNUM + " .,!?\n\t'<>&"), min_size=1, max_size=40))
    return _record(
        t.Tts,
        {"text": text},
        {"language": languages(), "gender": _enum_values(t.Gender), "voice": voices()},
    )


@functools.cache
def silences() -> SearchStrategy[t.Silence]:
    return _record(t.Silence, {"duration": _numbers(0, 86_400, exclusive_minimum=True)})


@functools.cache
def ringtones() -> SearchStrategy[t.Ringtone]:
    return _record(
        t.Ringtone,
        {"name": st.sampled_from(sorted(t.RINGTONE_NAMES))},
        {"duration": _numbers(0, 86_400, exclusive_minimum=True)},
    )


@functools.cache
def media() -> SearchStrategy[t.Audio | t.Tts | t.Silence | t.Ringtone]:
    return st.one_of(audio(), tts(), silences(), ringtones())


def _media_lists(max_size: int = 4) -> SearchStrategy[Any]:
    """1..max_size media items, as a tuple or a list (the converter makes a tuple)."""
    return st.one_of(
        st.tuples(media()),
        st.lists(media(), min_size=1, max_size=max_size),
        st.lists(media(), min_size=1, max_size=max_size).map(tuple),
    )


def _seq(strategy: SearchStrategy[Any], min_size: int = 0, max_size: int = 4) -> SearchStrategy[Any]:
    """A list or tuple of items (tuple-typed fields convert lists)."""
    items = st.lists(strategy, min_size=min_size, max_size=max_size)
    return st.one_of(items, items.map(tuple))


# ---------------------------------------------------------------- value classes used by commands


@functools.cache
def digit_collects() -> SearchStrategy[c.DigitCollect]:
    return _record(
        c.DigitCollect,
        {"max": _ints(1, 128)},
        {"terminators": _terminators(), "digit_timeout": _numbers(0, 3600, exclusive_minimum=True)},
    )


@functools.cache
def speech_collects() -> SearchStrategy[c.SpeechCollect]:
    return _record(
        c.SpeechCollect,
        optional={
            "end_silence_timeout": _numbers(0, 3600, exclusive_minimum=True),
            "speech_timeout": _numbers(0, 3600, exclusive_minimum=True),
            "language": languages(),
            "hints": _seq(safe_text(1, 30)),
            "model": safe_text(1, 30),
            "engine": _enum_values(c.SpeechEngine),
        },
    )


@functools.cache
def machine_detectors() -> SearchStrategy[c.MachineDetector]:
    return _record(
        c.MachineDetector,
        optional={
            "initial_timeout": _numbers(0, 3600),
            "end_silence_timeout": _numbers(0, 3600),
            "machine_ready_timeout": _numbers(0, 3600),
            "machine_voice_threshold": _numbers(0, 3600),
            "machine_words_threshold": _ints(0, 1000),
            "detect_interruptions": st.booleans(),
            "detect_message_end": st.booleans(),
        },
    )


@functools.cache
def fax_detectors() -> SearchStrategy[c.FaxDetector]:
    return _record(c.FaxDetector, optional={"tone": _enum_values(c.FaxTone)})


@functools.cache
def digit_detectors() -> SearchStrategy[c.DigitDetector]:
    return _record(c.DigitDetector, optional={"digits": _terminators()})


@functools.cache
def detectors() -> SearchStrategy[Any]:
    return st.one_of(machine_detectors(), fax_detectors(), digit_detectors())


_PUBLIC_IPS = ("8.8.8.8", "1.1.1.1", "93.184.216.34", "9.9.9.9", "2606:4700:4700::1111", "2001:4860:4860::8888")


@functools.cache
def rtp_devices() -> SearchStrategy[c.RtpDevice]:
    return _record(
        c.RtpDevice,
        {"addr": st.sampled_from(_PUBLIC_IPS), "port": _ints(1, 65_535)},
        {"codec": _enum_values(t.Codec), "ptime": st.sampled_from(range(10, 121, 10))},
    )


@functools.cache
def ws_devices() -> SearchStrategy[c.WsDevice]:
    return _record(c.WsDevice, {"uri": wss_urls()}, {"codec": _enum_values(t.Codec)})


@functools.cache
def tap_devices() -> SearchStrategy[Any]:
    return st.one_of(rtp_devices(), ws_devices())


_FILTERS = st.one_of(
    st.sampled_from(("polite", "rude", "professional", "shakespeare", "gen-z")),
    st.text(
        st.characters(codec="utf-8", exclude_categories=("Cs",), exclude_characters="".join(map(chr, range(32)))),
        min_size=1,
        max_size=30,
    ).map(lambda p: "prompt:" + p),
)


def live_starts(translation: bool | None = None) -> SearchStrategy[c.LiveStart]:
    """LiveStart; ``translation`` True: with ``to_language``, False: without, None: either."""

    @st.composite
    def build(draw: Any) -> c.LiveStart:
        mode = _mode(draw)
        kwargs: dict[str, Any] = {
            "language": draw(languages()),
            "direction": draw(
                st.one_of(
                    st.sampled_from(list(c.LiveDirection)).map(lambda d: (d,)),
                    st.permutations(list(c.LiveDirection)).map(tuple),
                    st.lists(_enum_values(c.LiveDirection), min_size=1, max_size=2, unique_by=lambda d: str(d)),
                )
            ),
        }
        if translation is True:
            kwargs["to_language"] = draw(languages())
        elif translation is None:
            kwargs["to_language"] = _opt(draw, mode, languages())
        for name, s in _LIVE_START_OPTIONAL.items():
            if name in _TRANSLATION_ONLY and kwargs.get("to_language") is None:
                continue  # transcription has one language: no voices or filters
            kwargs[name] = _opt(draw, mode, s)
        return c.LiveStart(**kwargs)

    return build()


_TRANSLATION_ONLY = frozenset({"from_voice", "to_voice", "filter_from", "filter_to"})
_LIVE_START_OPTIONAL: dict[str, SearchStrategy[Any]] = {
    "from_voice": safe_text(1, 30),
    "to_voice": safe_text(1, 30),
    "filter_from": _FILTERS,
    "filter_to": _FILTERS,
    "webhook": https_urls(),
    "live_events": st.booleans(),
    "ai_summary": st.booleans(),
    "ai_summary_prompt": safe_text(1, 40),
    "speech_engine": _enum_values(c.LiveSpeechEngine),
    "speech_timeout": _numbers(0, 3600),
    "vad_silence": _numbers(0, 3600),
    "vad_thresh": _ints(0, 1800),
    "debug_level": _ints(0, 2),
}
_register(c.LiveStart, "language", "direction", "to_language", *_LIVE_START_OPTIONAL)


@functools.cache
def live_summarizes() -> SearchStrategy[c.LiveSummarize]:
    return _record(c.LiveSummarize, optional={"webhook": https_urls(), "prompt": safe_text(1, 40)})


@functools.cache
def live_injects() -> SearchStrategy[c.LiveInject]:
    return _record(c.LiveInject, {"message": safe_text(1, 40), "direction": _enum_values(c.LiveDirection)})


@functools.cache
def live_stops() -> SearchStrategy[c.LiveStop]:
    return _record(c.LiveStop)


@functools.cache
def ai_resets() -> SearchStrategy[c.AiReset]:
    return _record(
        c.AiReset,
        optional={"full_reset": st.booleans(), "user_prompt": safe_text(1, 40), "system_prompt": safe_text(1, 40)},
    )


# ---------------------------------------------------------------- commands: call lifecycle

_STATUS_EVENTS = _enum_values(c.DialEvent)


@functools.cache
def codecs() -> SearchStrategy[str]:
    """Dial codec names (SignalWire's set)."""
    return st.sampled_from(sorted(c.DIAL_CODECS))


_SWML_METHODS = st.sampled_from(
    [
        {"answer": {}},
        {"hangup": {}},
        {"hangup": {"reason": "busy"}},
        {"answer": {"max_duration": 3600}},
        {"play": {"url": "https://cdn.example.com/welcome.mp3"}},
        {"denoise": {}},
    ]
)


def swml_documents(*, frozen: bool | None = None) -> SearchStrategy[Any]:
    """Small inline SWML documents (``{"version", "sections": {"main": [...]}}``)."""
    plain = st.builds(
        lambda main, versioned: (
            {"version": "1.0.0", "sections": {"main": main}} if versioned else {"sections": {"main": main}}
        ),
        st.lists(_SWML_METHODS, min_size=1, max_size=3),
        st.booleans(),
    )
    if frozen is True:
        return plain.map(t.freeze_json)
    if frozen is False:
        return plain
    return st.one_of(plain, plain.map(t.freeze_json))


@functools.cache
def _send_digits() -> SearchStrategy[str]:
    return st.text(st.sampled_from("0123456789ABCD*#w,"), min_size=1, max_size=40)


@functools.cache
def _regions() -> SearchStrategy[str]:
    return st.one_of(
        st.sampled_from(("us-east", "eu_west", "ap-1")),
        st.text(st.sampled_from(_ALNUM + "_-"), min_size=1, max_size=20),
    )


@functools.cache
def _destination_scripts() -> SearchStrategy[Any]:
    return st.one_of(https_urls(), swml_documents())


_DIAL_OPTIONAL: dict[str, SearchStrategy[Any]] = {
    "sip_username": safe_text(1, 30),
    "sip_password": safe_text(1, 30),
    "caller_id": safe_text(1, 30),
    "fallback_url": https_urls(),
    "status_url": https_urls(),
    "status_events": st.lists(_STATUS_EVENTS, min_size=1, max_size=4, unique_by=str).map(tuple),
    "url_method": _enum_values(c.HttpMethod),
    "codecs": _seq(codecs(), 1),
    "timeout": _ints(1, 600),
    "max_price_per_minute": _numbers(0, 100),
    "send_digits": _send_digits(),
    "region": _seq(_regions(), 1),
    "custom_variables": custom_variables(),
    "metadata": _json_field(),
}


@st.composite
def _dials(draw: Any) -> c.Dial:
    mode = _mode(draw)
    kwargs: dict[str, Any] = {"source": draw(destinations())}
    kwargs["destination"] = _opt(draw, mode, destinations())
    kwargs["destination_script"] = _opt(draw, mode, _destination_scripts())
    if kwargs["destination"] is None and kwargs["destination_script"] is None:
        if mode == "minimal" or draw(st.booleans()):
            kwargs["destination"] = draw(destinations())
        else:
            kwargs["destination_script"] = draw(_destination_scripts())
    script = (
        "none"
        if mode == "minimal"
        else draw(st.sampled_from(("url", "swml") if mode == "full" else ("none", "url", "swml")))
    )
    if script == "url":
        kwargs["swml_url"] = draw(https_urls())
    elif script == "swml":
        kwargs["swml"] = draw(swml_documents())
    for name, s in _DIAL_OPTIONAL.items():
        kwargs[name] = _opt(draw, mode, s)
    return c.Dial(**kwargs)


_register(c.Dial, "source", "destination", "destination_script", "swml_url", "swml", *_DIAL_OPTIONAL)


@st.composite
def _redirects(draw: Any) -> c.Redirect:
    mode = _mode(draw)
    if draw(st.booleans()):
        kwargs: dict[str, Any] = {"url": draw(https_urls())}
    else:
        kwargs = {"swml": draw(swml_documents())}
    kwargs["fallback_url"] = _opt(draw, mode, https_urls())
    kwargs["status_url"] = _opt(draw, mode, https_urls())
    return c.Redirect(**kwargs)


_register(c.Redirect, "url", "swml", "fallback_url", "status_url")


@st.composite
def _transfers(draw: Any) -> c.Transfer:
    which = draw(st.sampled_from(("destination", "swml_url", "swml")))
    strategy = {"destination": destinations(), "swml_url": https_urls(), "swml": swml_documents()}[which]
    return c.Transfer(**{which: draw(strategy)})


_register(c.Transfer, "destination", "swml_url", "swml")


@functools.cache
def _refers() -> SearchStrategy[c.Refer]:
    return _record(
        c.Refer,
        {"to": sip_uris()},
        {"source": sip_uris(), "username": safe_text(1, 30), "password": safe_text(1, 30), "status_url": https_urls()},
    )


# ---------------------------------------------------------------- commands: input


_COLLECT_OPTIONAL: dict[str, SearchStrategy[Any]] = {
    "prompt": _media_lists(3),
    "initial_timeout": _numbers(0, 3600, exclusive_minimum=True),
    "continuous": st.booleans(),
    "partial_results": st.booleans(),
    "send_start_of_input": st.booleans(),
    "start_input_timers": st.booleans(),
    "status_url": https_urls(),
    "control_id": control_ids(),
}


@st.composite
def _collects(draw: Any) -> c.Collect:
    mode = _mode(draw)
    if mode == "full":
        kwargs: dict[str, Any] = {"digits": draw(digit_collects()), "speech": draw(speech_collects())}
    else:
        which = draw(st.sampled_from(("digits", "speech") if mode == "minimal" else ("digits", "speech", "both")))
        kwargs = {}
        if which in ("digits", "both"):
            kwargs["digits"] = draw(digit_collects())
        if which in ("speech", "both"):
            kwargs["speech"] = draw(speech_collects())
    for name, s in _COLLECT_OPTIONAL.items():
        kwargs[name] = _opt(draw, mode, s)
    return c.Collect(**kwargs)


_register(c.Collect, "digits", "speech", *_COLLECT_OPTIONAL)


# ---------------------------------------------------------------- the table

_ctl = {"control_id": control_ids()}

STRATEGIES: dict[type, SearchStrategy[Any]] = {
    # value classes
    t.Destination: destinations(),
    t.Audio: audio(),
    t.Tts: tts(),
    t.Silence: silences(),
    t.Ringtone: ringtones(),
    t.FrozenJson: json_objects(),
    c.DigitCollect: digit_collects(),
    c.SpeechCollect: speech_collects(),
    c.MachineDetector: machine_detectors(),
    c.FaxDetector: fax_detectors(),
    c.DigitDetector: digit_detectors(),
    c.RtpDevice: rtp_devices(),
    c.WsDevice: ws_devices(),
    c.LiveStart: live_starts(),
    c.LiveSummarize: live_summarizes(),
    c.LiveInject: live_injects(),
    c.LiveStop: live_stops(),
    c.AiReset: ai_resets(),
    # call lifecycle
    c.Dial: _dials(),
    c.Answer: _record(c.Answer),
    c.Reject: _record(c.Reject, optional={"reason": safe_text(1, 40), "cause": _enum_values(t.HangupCause)}),
    # NORMAL_CLEARING is what Hangup() means: Hangup stores it as None, so a full value states another cause.
    c.Hangup: _record(c.Hangup, optional={"cause": _enum_values(t.HangupCause).filter(_not_normal_clearing)}),
    c.Cancel: _record(c.Cancel),
    c.Redirect: _redirects(),
    c.ReturnToDialplan: _record(c.ReturnToDialplan),
    c.Unbridge: _record(c.Unbridge),
    c.SendToVoicemail: _record(c.SendToVoicemail),
    # routing
    c.Transfer: _transfers(),
    c.Refer: _refers(),
    c.AddParticipant: _record(
        c.AddParticipant, {"destination": destinations()}, {"role": _enum_values(t.ParticipantRole)}
    ),
    c.RemoveParticipant: _record(c.RemoveParticipant, {"participant_id": participant_ids()}),
    c.JoinConference: _record(c.JoinConference, {"conference": participant_ids()}),
    c.LeaveConference: _record(c.LeaveConference),
    # hold / mute
    c.Hold: _record(c.Hold, optional={"music_url": https_urls()}),
    c.Unhold: _record(c.Unhold),
    c.Mute: _record(c.Mute, optional={"participant_id": participant_ids()}),
    c.Unmute: _record(c.Unmute, optional={"participant_id": participant_ids()}),
    # DTMF
    c.SendDigits: _record(c.SendDigits, {"digits": digits()}, {"participant_id": participant_ids()}),
    # playback
    c.Play: _record(
        c.Play,
        {"media": _media_lists()},
        {
            # once (1) is what no loop means: Play stores it as None, so a stated loop is 0 (forever) or 2+.
            "loop": st.one_of(st.sampled_from((0, 2)), _ints(2, 1_000_000)),
            "volume": _numbers(-40, 40),
            "direction": _enum_values(t.Direction),
            "language": languages(),
            "voice": voices(),
            "gender": _enum_values(t.Gender),
            "offset": _numbers(0, 86_400),
            "status_url": https_urls(),
            **_ctl,
        },
    ),
    c.PausePlayback: _record(c.PausePlayback, optional=_ctl),
    c.ResumePlayback: _record(c.ResumePlayback, optional=_ctl),
    c.StopPlayback: _record(c.StopPlayback, optional=_ctl),
    c.SetPlaybackVolume: _record(c.SetPlaybackVolume, {"volume": _numbers(-40, 40)}, _ctl),
    c.SeekPlayback: _record(c.SeekPlayback, {"position": _numbers(0, 86_400)}, _ctl),
    # recording
    c.Record: _record(
        c.Record,
        optional={
            "format": _enum_values(t.RecordingFormat),
            "beep": st.booleans(),
            "stereo": st.booleans(),
            "direction": _enum_values(t.Direction),
            "initial_timeout": _numbers(0, 3600),
            "end_silence_timeout": _numbers(0, 3600),
            "max_length": _ints(0, 86_400),
            "terminators": _terminators(lower_ok=True),
            "input_sensitivity": _numbers(0, 100),
            "status_url": https_urls(),
            **_ctl,
        },
    ),
    c.PauseRecording: _record(c.PauseRecording, optional={**_ctl, "behavior": _enum_values(c.PauseBehavior)}),
    c.ResumeRecording: _record(c.ResumeRecording, optional=_ctl),
    c.StopRecording: _record(c.StopRecording, optional=_ctl),
    # input
    c.Collect: _collects(),
    c.StopCollect: _record(c.StopCollect, optional=_ctl),
    c.StartInputTimers: _record(c.StartInputTimers, optional=_ctl),
    # detection
    c.Detect: _record(
        c.Detect,
        {"detector": detectors()},
        {"timeout": _numbers(0, 3600), "status_url": https_urls(), **_ctl},
    ),
    c.StopDetect: _record(c.StopDetect, optional=_ctl),
    # media out
    c.Tap: _record(
        c.Tap,
        {"device": tap_devices(), "direction": _enum_values(t.Direction)},
        {"status_url": https_urls(), **_ctl},
    ),
    c.StopTap: _record(c.StopTap, optional=_ctl),
    c.Stream: _record(
        c.Stream,
        {"url": wss_urls()},
        {
            "name": safe_text(1, 30),
            "codec": st.one_of(
                st.sampled_from(("PCMU", "PCMA", "OPUS@48000h", "L16@16000h", "audio/x-mulaw")),
                st.text(st.sampled_from(_ALNUM + "@/_.-"), min_size=1, max_size=20),
            ),
            "track": _enum_values(c.StreamTrack),
            "authorization_bearer_token": st.text(st.sampled_from(_ALNUM + "-._~+/="), min_size=1, max_size=40),
            "custom_parameters": _json_field(),
            "status_url": https_urls(),
            "status_url_method": _enum_values(c.HttpMethod),
            **_ctl,
        },
    ),
    c.StopStream: _record(c.StopStream, optional=_ctl),
    c.Denoise: _record(c.Denoise),
    c.StopDenoise: _record(c.StopDenoise),
    # transcription
    c.Transcribe: _record(c.Transcribe, optional={"status_url": https_urls(), **_ctl}),
    c.StopTranscribe: _record(c.StopTranscribe, optional=_ctl),
    c.LiveTranscribe: _record(
        c.LiveTranscribe,
        {"action": st.one_of(live_starts(translation=False), live_summarizes(), live_stops())},
    ),
    c.LiveTranslate: _record(
        c.LiveTranslate,
        {"action": st.one_of(live_starts(translation=True), live_summarizes(), live_injects(), live_stops())},
        {"status_url": https_urls()},
    ),
    # AI agent
    c.AiHold: _record(
        c.AiHold, optional={"timeout": _numbers(0, 3600, exclusive_minimum=True), "prompt": safe_text(1, 40)}
    ),
    c.AiUnhold: _record(c.AiUnhold, optional={"prompt": safe_text(1, 40)}),
    c.AiMessage: _record(
        c.AiMessage,
        optional={
            "role": _enum_values(c.AiRole),
            "message_text": safe_text(1, 40),
            "reset": ai_resets(),
            "global_data": _json_field(),
        },
    ),
    c.AiStop: _record(c.AiStop, optional=_ctl),
    # fax
    c.StopFaxSend: _record(c.StopFaxSend, optional=_ctl),
    c.StopFaxReceive: _record(c.StopFaxReceive, optional=_ctl),
    # custom
    c.UserEvent: _record(c.UserEvent, {"event": _json_field()}),
}

# Fields of the two live_starts variants and the value classes built elsewhere are registered above.
FIELDS.setdefault(t.FrozenJson, frozenset())


def command_of(cls: type) -> SearchStrategy[Any]:
    """The strategy for one canonical command class."""
    if cls not in c.COMMANDS:
        raise KeyError(f"{cls!r} is not a canonical command class")
    return STRATEGIES[cls]


@functools.cache
def commands() -> SearchStrategy[Any]:
    """Any canonical command (every class in ``COMMANDS`` equally likely)."""
    return st.one_of([STRATEGIES[cls] for cls in c.COMMANDS])


def value_classes() -> tuple[type, ...]:
    """The non-command classes that have a strategy here."""
    return tuple(cls for cls in STRATEGIES if cls not in c.COMMANDS)
