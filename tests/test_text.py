"""Text and URLs in canonical values and on the wire (issue 11 §4).

``json.loads`` turns the escape ``"\\udfff"`` into a lone surrogate, which no
UTF-8 output can carry: a value holding one would fail with
``UnicodeEncodeError`` only when it is sent. Every canonical text field refuses
it at construction (``InvalidValue`` naming the field) and every decoder at the
wire key (``DecodeError`` with its JSON path).

URLs a vendor reports in events (a recording's) are parsed and normalised like
command URLs, without the address policy: callglot never fetches them.
"""

from __future__ import annotations

import json
import re
import types
import typing
from typing import Any

import attrs
import pytest
from event_strategies import EVENT_STRATEGIES
from hypothesis import given
from hypothesis import strategies as st
from strategies import STRATEGIES

import callglot
from callglot.canonical import COMMANDS, FrozenJson, freeze_json
from callglot.canonical._validators import LONE_SURROGATE, item_bounds
from callglot.canonical.events import EVENTS, Receipt, RecordingEvent, StreamEvent
from callglot.canonical.urls import UrlPolicy, check_url, check_vendor_url, url_policy
from callglot.errors import DecodeError, InvalidValue, UnsafeUrl

SURROGATES = st.integers(min_value=0xD800, max_value=0xDFFF).map(chr)


def _kinds(tp: Any) -> list[Any]:
    """The types a field type is made of (unions and tuple items unpacked)."""
    if typing.get_origin(tp) in (typing.Union, types.UnionType, tuple):
        return [kind for arg in typing.get_args(tp) if arg is not Ellipsis for kind in _kinds(arg)]
    return [tp]


def _canonical_classes() -> tuple[type, ...]:
    """Every command, event and Receipt, and every attrs class their fields hold (the value types)."""
    found: list[type] = []
    pending = [*COMMANDS, *EVENTS, Receipt]
    while pending:
        cls = pending.pop(0)
        if cls in found:
            continue
        found.append(cls)
        pending.extend(
            kind for field in attrs.fields(attrs.resolve_types(cls)) for kind in _kinds(field.type) if attrs.has(kind)
        )
    return tuple(found)


def _text_fields() -> list[tuple[type, str, bool]]:
    """(class, field, holds a tuple of strings) for every field of a canonical class that can hold a str."""
    cells = []
    for cls in _canonical_classes():
        for field in attrs.fields(cls):
            if str in _kinds(field.type):
                in_tuple = any(typing.get_origin(arg) is tuple for arg in (field.type, *typing.get_args(field.type)))
                cells.append((cls, field.name, in_tuple))
    if not cells:
        raise AssertionError("introspection found no text fields: the parametrization would be empty")
    return cells


TEXT_FIELDS = _text_fields()
VALID = {**STRATEGIES, **EVENT_STRATEGIES}


def test_the_introspection_sees_the_value_types_and_every_class_has_a_strategy() -> None:
    classes = _canonical_classes()
    names = {cls.__name__ for cls in classes}
    assert {"Destination", "Tts", "Ringtone", "RtpDevice", "LiveStart", "AiReset", "CallLeg"} <= names
    assert [cls.__name__ for cls in classes if cls not in VALID] == []
    fields = {(cls.__name__, name) for cls, name, _ in TEXT_FIELDS}
    assert {("Tts", "text"), ("Dial", "sip_password"), ("Reject", "reason"), ("PlaybackEvent", "event_id")} <= fields
    assert {("StopPlayback", "control_id"), ("Refer", "to"), ("SpeechCollect", "hints")} <= fields


@pytest.mark.parametrize(
    ("cls", "name", "in_tuple"), TEXT_FIELDS, ids=[f"{cls.__name__}.{name}" for cls, name, _ in TEXT_FIELDS]
)
@given(data=st.data())
def test_every_text_field_refuses_a_lone_surrogate(cls: type, name: str, in_tuple: bool, data: Any) -> None:
    instance = data.draw(VALID[cls])
    surrogate = data.draw(SURROGATES)
    current = getattr(instance, name)
    # A valid value with one character replaced (so length and shape still fit), or the surrogate alone.
    items = list(current) if in_tuple and current else [current if isinstance(current, str) else "x"]
    index = data.draw(st.integers(0, len(items) - 1))
    text = items[index] or surrogate
    at = data.draw(st.integers(0, len(text) - 1))
    items[index] = text[:at] + surrogate + text[at + 1 :]
    with pytest.raises(InvalidValue) as caught:
        attrs.evolve(instance, **{name: tuple(items) if in_tuple else items[index]})
    assert caught.value.field == (f"{name}[{index}]" if in_tuple else name)
    assert caught.value.reason == LONE_SURROGATE


@pytest.mark.parametrize(
    ("value", "path"),
    [
        ({"a": "b\udfff"}, "value.a"),
        ({"a": [1, {"b": "\ud800"}]}, "value.a[1].b"),
        ({"\udc80": 1}, "value"),
        ({"a": {"k\ud834": None}}, "value.a"),
    ],
)
def test_free_form_json_refuses_lone_surrogates_in_values_and_keys(value: Any, path: str) -> None:
    with pytest.raises(InvalidValue) as caught:
        FrozenJson(value)
    assert caught.value.field == path
    assert LONE_SURROGATE in caught.value.reason
    with pytest.raises(InvalidValue):
        freeze_json(value)


def test_text_with_paired_surrogates_and_astral_characters_is_accepted() -> None:
    from callglot.canonical import Reject, Tts

    assert Tts(text="\U0001f600 ok").text == "\U0001f600 ok"  # one code point, not a surrogate pair
    assert Reject(reason="caf\u00e9").reason == "caf\u00e9"
    with pytest.raises(InvalidValue):
        Tts(text="\ud83d\ude00")  # a pair of surrogate code points is still two lone surrogates in a str


# ---------------------------------------------------------------- through the decoders

DIALECTS = callglot.dialects()
CALL_IDS = st.uuids().map(str)  # a UUID is a valid call id in every dialect
#: Free-form JSON fields whose decoders report a bad value at the field itself, not inside it.
FREE_FORM_AT_FIELD = {("chirp", "$.metadata"), ("chirp", "$.data.call.metadata"), ("signalwire", "$.params.dest")}


def _member(path: str, key: str) -> str:
    """How a JSON path names a member: ``.key`` for a plain key, else the key quoted as JSON (one line)."""
    if re.fullmatch(r"[A-Za-z0-9_$@-]{1,64}", key):
        return f"{path}.{key}"
    return f"{path}[{json.dumps(key[:64] + ('...' if len(key) > 64 else ''))}]"


def _string_leaves(node: Any, path: str = "$", keys: tuple[Any, ...] = ()) -> list[tuple[str, tuple[Any, ...]]]:
    """(JSON path, key path) of every string in a JSON document."""
    if isinstance(node, dict):
        return [leaf for key, item in node.items() for leaf in _string_leaves(item, _member(path, key), (*keys, key))]
    if isinstance(node, list):
        return [leaf for i, item in enumerate(node) for leaf in _string_leaves(item, f"{path}[{i}]", (*keys, i))]
    return [(path, keys)] if isinstance(node, str) else []


def _with_surrogate(body: Any, keys: tuple[Any, ...], surrogate: str) -> Any:
    """A deep copy of ``body`` whose string at ``keys`` has ``surrogate`` appended."""
    if not keys:
        return body + surrogate
    copy = dict(body) if isinstance(body, dict) else list(body)
    copy[keys[0]] = _with_surrogate(body[keys[0]], keys[1:], surrogate)
    return copy


def _refused_at(decode: Any, request: callglot.HttpRequest, dialect: str, path: str) -> None:
    with pytest.raises(DecodeError) as caught:
        decode(request)
    where = caught.value.path
    inside = path.startswith((where + ".", where + "["))  # a member of the free-form object, plain or quoted
    assert where == path or ((dialect, where) in FREE_FORM_AT_FIELD and inside), (path, where)


def _supported(dialect: str, events: bool) -> list[type]:
    codec = callglot.get_dialect(dialect)
    table = codec.event_capabilities if events else codec.capabilities
    return [cls for cls, capability in table.items() if capability.support is not callglot.Support.UNSUPPORTED]


@pytest.mark.parametrize("events", [False, True], ids=["commands", "events"])
@pytest.mark.parametrize("dialect", DIALECTS)
@given(data=st.data())
def test_every_wire_string_with_a_lone_surrogate_is_refused_at_its_path(dialect: str, events: bool, data: Any) -> None:
    codec = callglot.get_dialect(dialect)
    cls = data.draw(st.sampled_from(_supported(dialect, events)))
    call_id = data.draw(CALL_IDS)

    def encode(value: Any) -> callglot.HttpRequest | None:
        try:
            if events:
                return codec.encode_event(value, policy=callglot.Policy.LENIENT).value
            return codec.encode(value, call_id=call_id, policy=callglot.Policy.LENIENT).value
        except callglot.EncodeError:  # a value the dialect cannot say even leniently (Chirp's Mute of no one)
            return None

    request = data.draw(VALID[cls].map(encode).filter(bool))
    decode = codec.decode_event if events else codec.decode
    decode(request)  # the message itself decodes: a refusal below is the surrogate's doing
    surrogate = data.draw(SURROGATES)
    for path, keys in _string_leaves(request.body):
        bad = attrs.evolve(request, body=_with_surrogate(request.body, keys, surrogate))
        _refused_at(decode, bad, dialect, path)


CALL = "6f9c1c3e-1a2b-4c3d-8e9f-0a1b2c3d4e5f"
REPRESENTATIVE = [
    ("canonical", {"command": "play", "media": [{"type": "tts", "text": "hi"}]}, ("media", 0, "text")),
    ("canonical", {"command": "dial", "source": {"address": "+15551234567"}, "destination": {"address": "+15551234567"},
                   "sip_password": "pw"}, ("sip_password",)),
    ("canonical", {"command": "reject", "reason": "busy"}, ("reason",)),
    ("chirp", {"type": "reject", "reason": "busy"}, ("reason",)),
    ("chirp", {"type": "play_audio", "url": "https://cdn.example.com/a.mp3"}, ("url",)),
    ("gateway", {"urls": ["https://cdn.example.com/a.mp3"]}, ("urls", 0)),
    ("signalwire", {"command": "calling.play", "id": CALL,
                    "params": {"control_id": "c1", "play": [{"type": "tts", "params": {"text": "hi"}}]}},
     ("params", "play", 0, "params", "text")),
    ("signalwire", {"command": "calling.play.stop", "id": CALL, "params": {"control_id": "c1"}},
     ("params", "control_id")),
]  # fmt: skip
PATHS = {
    "canonical": f"/v1/calls/{CALL}/commands",
    "chirp": f"/v1/calls/{CALL}/commands",
    "gateway": f"/api/v1/sessions/{CALL}/commands/playback/start",
    "signalwire": "/api/calling/calls",
}
REPRESENTATIVE_EVENTS = [
    ("canonical", {"event": "recording", "state": "finished", "event_id": "e1", "recording_id": "r1"}, ("event_id",)),
    ("canonical", {"event": "dtmf_received", "digit": "1", "call_id": CALL}, ("call_id",)),
    ("chirp", {"event": "calls.recording.completed", "eventId": "e1",
               "data": {"call": {"id": CALL}, "recording": {"id": "r1", "callId": CALL, "status": "completed"}}},
     ("eventId",)),
    ("chirp", {"event": "calls.recording.completed", "eventId": "e1",
               "data": {"call": {"id": CALL}, "recording": {"id": "r1", "callId": CALL, "status": "completed"}}},
     ("data", "recording", "id")),
    ("gateway", {"event": "dtmf", "session_uuid": CALL, "data": {"digit": "1"}}, ("session_uuid",)),
    ("signalwire", {"event_type": "calling.call.record",
                    "params": {"call_id": CALL, "control_id": "c1", "state": "finished", "recording_id": "r1"}},
     ("params", "recording_id")),
]  # fmt: skip


def _json_path(keys: tuple[Any, ...]) -> str:
    return "$" + "".join(f"[{key}]" if type(key) is int else f".{key}" for key in keys)


@pytest.mark.parametrize(("dialect", "body", "keys"), REPRESENTATIVE, ids=[_json_path(r[2]) for r in REPRESENTATIVE])
def test_a_lone_surrogate_in_a_command_is_a_decode_error_at_its_wire_key(
    dialect: str, body: dict[str, Any], keys: tuple[Any, ...]
) -> None:
    codec = callglot.get_dialect(dialect)
    path = "/v1/calls" if body.get("command") == "dial" else PATHS[dialect]
    codec.decode(callglot.HttpRequest(method="POST", path=path, body=body))  # valid as it stands
    with pytest.raises(DecodeError) as caught:
        codec.decode(callglot.HttpRequest(method="POST", path=path, body=_with_surrogate(body, keys, "\udfff")))
    assert (caught.value.path, caught.value.reason) == (_json_path(keys), LONE_SURROGATE)


@pytest.mark.parametrize(
    ("dialect", "body", "keys"), REPRESENTATIVE_EVENTS, ids=[_json_path(r[2]) for r in REPRESENTATIVE_EVENTS]
)
def test_a_lone_surrogate_in_an_event_is_a_decode_error_at_its_wire_key(
    dialect: str, body: dict[str, Any], keys: tuple[Any, ...]
) -> None:
    codec = callglot.get_dialect(dialect)
    codec.decode_event(callglot.HttpRequest(method="POST", path="/hooks", body=body))  # valid as it stands
    with pytest.raises(DecodeError) as caught:
        codec.decode_event(
            callglot.HttpRequest(method="POST", path="/hooks", body=_with_surrogate(body, keys, "\ud800"))
        )
    assert (caught.value.path, caught.value.reason) == (_json_path(keys), LONE_SURROGATE)


# ---------------------------------------------------------------- URLs a vendor reports in events

VENDOR_URL_REFUSED = [
    ("https://rec.example.com/a\x00b.wav", "control"),
    ("https://rec.example.com/a b.wav", "whitespace"),
    ("https://rec.example.com/a\tb.wav", "whitespace"),
    ("https://rec.example.com/r.wav\r\nX-Injected: 1", "control"),
    ("https://rec.example.com/\x7f", "control"),
    ("https://rec.example.com/\x85", "control"),
    ("https://rec.example.com/\u200b", "invisible"),
    ("https://rec.example.com/\u202e", "invisible"),
    ("https://rec.example.com\\@evil.example.net/", "backslash"),
    ("https://user:secret@rec.example.com/r.wav", "userinfo"),
    ("https://user@rec.example.com/r.wav", "userinfo"),
    ("ftp://rec.example.com/r.wav", "scheme 'ftp' is not allowed"),
    ("javascript:alert(1)", "scheme 'javascript' is not allowed"),
    ("file:///etc/passwd", "scheme 'file' is not allowed"),
    ("rec.example.com/r.wav", "no scheme"),
    ("https:///r.wav", "no host"),
    ("https://rec.example.com:0/r.wav", "out of range"),
    ("https://rec.example.com:65536/r.wav", "out of range"),
    ("https://rec.example.com:x/r.wav", "not a number"),
    ("http://2130706433/r.wav", "non-canonical numeric IPv4"),
    ("http://0x7f.1/r.wav", "non-canonical numeric IPv4"),
    ("https://rec%2eexample.com/r.wav", "'%'"),
    ("http://[fe80::1%25eth0]/r.wav", "'%'"),
]

#: Where a self-hosted engine keeps its recordings: private, loopback, reserved and single-label hosts.
ONLY_AS_VENDOR_URLS = [
    ("http://10.0.0.5:8080/rec/1.wav", "http://10.0.0.5:8080/rec/1.wav"),
    ("http://127.0.0.1/r.wav", "http://127.0.0.1/r.wav"),
    ("http://[FE80::1]/r.wav", "http://[fe80::1]/r.wav"),
    ("http://localhost:8021/r.wav", "http://localhost:8021/r.wav"),
    ("https://recordings.internal/r.wav", "https://recordings.internal/r.wav"),
    ("http://mediaserver/r.wav", "http://mediaserver/r.wav"),
]
VENDOR_URL_ACCEPTED = [
    ("https://Rec.Example.COM/R1.wav", "https://rec.example.com/R1.wav"),
    ("HTTP://rec.example.com/r.wav?sig=a%20b", "http://rec.example.com/r.wav?sig=a%20b"),
    ("https://b\u00fccher.example/r.wav", "https://xn--bcher-kva.example/r.wav"),
    *ONLY_AS_VENDOR_URLS,
]


def _refusing_resolver(name: str) -> list[str]:
    raise AssertionError(f"a vendor URL's host must not be resolved ({name})")


@pytest.mark.parametrize(("url", "why"), VENDOR_URL_REFUSED)
def test_vendor_urls_are_parsed_like_command_urls(url: str, why: str) -> None:
    with pytest.raises(UnsafeUrl) as caught:
        check_vendor_url(url)
    assert why in caught.value.reason


@pytest.mark.parametrize(("url", "normal"), VENDOR_URL_ACCEPTED)
def test_vendor_urls_are_normalised_without_the_address_policy(url: str, normal: str) -> None:
    # Whatever policy is in force: the operator's resolver and allowlist are for URLs callglot sends.
    with url_policy(UrlPolicy(resolver=_refusing_resolver)):
        assert check_vendor_url(url) == normal
        assert check_vendor_url(normal) is normal  # a normal URL comes back as it is


@pytest.mark.parametrize(("url", "_normal"), ONLY_AS_VENDOR_URLS)
def test_the_address_policy_still_applies_to_the_same_urls_in_commands(url: str, _normal: str) -> None:
    with pytest.raises(UnsafeUrl):
        check_url(url, schemes=("https",), policy=UrlPolicy(allow_insecure=True))


URL_EVENTS = [cls for cls in EVENTS if "url" in attrs.fields_dict(cls)]


def _for(cls: type, url: str) -> str:
    """``url`` with the scheme the event's field takes (a stream's is ws/wss)."""
    return re.sub(r"^(?i:http)(s?)://", r"ws\1://", url) if cls is StreamEvent else url


def test_the_events_with_urls_are_the_three_vendor_hosted_ones() -> None:
    assert [cls.__name__ for cls in URL_EVENTS] == ["RecordingEvent", "StreamEvent", "TranscriptionEvent"]


@pytest.mark.parametrize("cls", URL_EVENTS, ids=lambda cls: cls.__name__)
@pytest.mark.parametrize(("url", "why"), VENDOR_URL_REFUSED)
def test_an_event_refuses_a_malformed_url_naming_the_field(cls: type, url: str, why: str) -> None:
    with pytest.raises(InvalidValue) as caught:
        cls(state="finished", url=_for(cls, url))
    assert caught.value.field == "url"
    assert why in caught.value.reason


@pytest.mark.parametrize("cls", URL_EVENTS, ids=lambda cls: cls.__name__)
@pytest.mark.parametrize(("url", "normal"), VENDOR_URL_ACCEPTED)
def test_an_event_keeps_the_normalised_vendor_url(cls: type, url: str, normal: str) -> None:
    assert cls(state="finished", url=_for(cls, url)).url == _for(cls, normal)


def test_an_event_url_takes_only_its_schemes_and_at_most_4096_characters() -> None:
    with pytest.raises(InvalidValue, match="scheme 'wss' is not allowed"):
        RecordingEvent(state="finished", url="wss://rec.example.com/r.wav")
    with pytest.raises(InvalidValue, match="scheme 'https' is not allowed"):
        StreamEvent(state="started", url="https://rec.example.com/s")
    longest = "https://rec.example.com/" + "a" * (4096 - 24)
    assert RecordingEvent(state="finished", url=longest).url == longest
    with pytest.raises(InvalidValue, match=r"length must be 1\.\.4096"):
        RecordingEvent(state="finished", url=longest + "a")


RECORDING_WEBHOOKS = [
    ("canonical", {"event": "recording", "state": "finished", "url": "URL"}, "$.url"),
    ("chirp", {"event": "calls.recording.completed", "eventId": "e1",
               "data": {"call": {"id": CALL}, "recording": {"id": "r1", "callId": CALL, "status": "completed",
                                                           "fileUrl": "URL"}}}, "$.data.recording.fileUrl"),
    ("gateway", {"event": "recording.completed", "session_uuid": CALL, "data": {"url": "URL"}}, "$.data.url"),
    ("signalwire", {"event_type": "calling.call.record",
                    "params": {"call_id": CALL, "control_id": "c1", "state": "finished", "url": "URL"}}, "$.params.url"),
]  # fmt: skip


def _put(node: Any, url: str) -> Any:
    if isinstance(node, dict):
        return {key: _put(item, url) for key, item in node.items()}
    return url if node == "URL" else node


@pytest.mark.parametrize(("dialect", "body", "path"), RECORDING_WEBHOOKS, ids=[r[0] for r in RECORDING_WEBHOOKS])
def test_a_recording_webhook_with_a_malformed_url_is_a_decode_error_at_its_wire_key(
    dialect: str, body: dict[str, Any], path: str
) -> None:
    codec = callglot.get_dialect(dialect)

    def decode(url: str) -> Any:
        return codec.decode_event(callglot.HttpRequest(method="POST", path="/hooks", body=_put(body, url)))

    assert decode("https://Rec.Example.com/r.wav").url == "https://rec.example.com/r.wav"
    assert decode("http://10.0.0.5/r.wav").url == "http://10.0.0.5/r.wav"  # a self-hosted engine's storage
    for url, why in VENDOR_URL_REFUSED:
        with pytest.raises(DecodeError) as caught:
            decode(url)
        assert caught.value.path == path, url
        assert why in caught.value.reason, url


# ---------------------------------------------------------------- capped lists: the length before the items

PHONE = {"address": "+15551234567"}
SW_DIAL = {"from": "+15551234567", "to": "+15551234567", "url": "https://x.example.com/s"}
#: (dialect, kind, request path, body with ARRAY where the array goes, JSON path of the array, its limit).
CAPPED_ARRAYS = [
    ("canonical", "command", f"/v1/calls/{CALL}/commands", {"command": "play", "media": "ARRAY"}, "$.media", 128),
    ("canonical", "command", f"/v1/calls/{CALL}/commands", {"command": "collect", "digits": {"max": 1}, "prompt": "ARRAY"},
     "$.prompt", 128),
    ("canonical", "command", f"/v1/calls/{CALL}/commands", {"command": "collect", "speech": {"hints": "ARRAY"}},
     "$.speech.hints", 128),
    ("canonical", "command", f"/v1/calls/{CALL}/commands",
     {"command": "live_transcribe", "action": {"type": "start", "language": "en-US", "direction": "ARRAY"}},
     "$.action.direction", 2),
    ("canonical", "command", "/v1/calls", {"command": "dial", "source": PHONE, "destination": PHONE, "status_events": "ARRAY"},
     "$.status_events", 4),
    ("canonical", "command", "/v1/calls", {"command": "dial", "source": PHONE, "destination": PHONE, "codecs": "ARRAY"},
     "$.codecs", 16),
    ("canonical", "command", "/v1/calls", {"command": "dial", "source": PHONE, "destination": PHONE, "region": "ARRAY"},
     "$.region", 128),
    ("canonical", "event", "/hooks", {"event": "playback", "state": "started", "urls": "ARRAY"}, "$.urls", 128),
    ("signalwire", "command", "/api/calling/calls", {"command": "calling.play", "id": CALL, "params": {"play": "ARRAY"}},
     "$.params.play", 128),
    ("signalwire", "command", "/api/calling/calls",
     {"command": "calling.collect", "id": CALL, "params": {"control_id": "c1", "speech": {"hints": "ARRAY"}}},
     "$.params.speech.hints", 128),
    ("signalwire", "command", "/api/calling/calls",
     {"command": "calling.live_transcribe", "id": CALL, "params": {"action": {"start": {"lang": "en-US", "direction": "ARRAY"}}}},
     "$.params.action.start.direction", 2),
    ("signalwire", "command", "/api/calling/calls",
     {"command": "calling.live_translate", "id": CALL,
      "params": {"action": {"start": {"from_lang": "en-US", "to_lang": "de-DE", "direction": "ARRAY"}}}},
     "$.params.action.start.direction", 2),
    ("signalwire", "command", "/api/calling/calls", {"command": "dial", "params": {**SW_DIAL, "codecs": "ARRAY"}},
     "$.params.codecs", 16),
    ("signalwire", "command", "/api/calling/calls", {"command": "dial", "params": {**SW_DIAL, "region": "ARRAY"}},
     "$.params.region", 128),
    ("gateway", "command", f"/api/v1/sessions/{CALL}/commands/playback/start", {"urls": "ARRAY"}, "$.urls", 128),
    ("gateway", "event", "/hooks", {"event": "playback.started", "session_uuid": CALL, "data": {"urls": "ARRAY"}},
     "$.data.urls", 128),
]  # fmt: skip


def _with_array(node: Any, array: list[Any]) -> Any:
    if isinstance(node, dict):
        return {key: _with_array(item, array) for key, item in node.items()}
    return array if node == "ARRAY" else node


def _decode(dialect: str, kind: str, path: str, body: dict[str, Any]) -> Any:
    codec = callglot.get_dialect(dialect)
    request = callglot.HttpRequest(method="POST", path=path, body=body)
    return codec.decode(request) if kind == "command" else codec.decode_event(request)


def test_the_capped_arrays_cover_every_capped_canonical_field() -> None:
    capped = {
        (cls.__name__, field.name)
        for cls in _canonical_classes()
        for field in attrs.fields(cls)
        if item_bounds(field) is not None
    }
    assert capped == {
        ("Play", "media"), ("Collect", "prompt"), ("SpeechCollect", "hints"), ("LiveStart", "direction"),
        ("Dial", "status_events"), ("Dial", "codecs"), ("Dial", "region"), ("PlaybackEvent", "urls"),
    }  # fmt: skip
    canonical_paths = {path for dialect, *_, path, _ in CAPPED_ARRAYS if dialect == "canonical"}
    assert len(canonical_paths) == len(capped)


@pytest.mark.parametrize(
    ("dialect", "kind", "path", "body", "where", "limit"),
    CAPPED_ARRAYS,
    ids=[f"{dialect}-{where}" for dialect, _, _, _, where, _ in CAPPED_ARRAYS],
)
@pytest.mark.parametrize("count", ["limit+1", "100000"])
def test_an_array_over_its_limit_is_refused_by_its_length_before_its_items(
    dialect: str, kind: str, path: str, body: dict[str, Any], where: str, limit: int, count: str
) -> None:
    size = limit + 1 if count == "limit+1" else 100_000
    # Every item is invalid (a number where an object or a string goes): an item error would show they were read.
    with pytest.raises(DecodeError) as caught:
        _decode(dialect, kind, path, _with_array(body, [12345] * size))
    assert (caught.value.path, caught.value.reason) == (where, f"must hold at most {limit} items, got {size}")


@pytest.mark.parametrize(
    ("dialect", "kind", "path", "body", "where", "limit"),
    CAPPED_ARRAYS,
    ids=[f"{dialect}-{where}" for dialect, _, _, _, where, _ in CAPPED_ARRAYS],
)
def test_an_array_within_its_limit_has_its_items_read(
    dialect: str, kind: str, path: str, body: dict[str, Any], where: str, limit: int
) -> None:
    with pytest.raises(DecodeError) as caught:
        _decode(dialect, kind, path, _with_array(body, [12345] * limit))
    # An item is refused (SignalWire's codecs and region say so at the array, which may also be a string).
    assert caught.value.path.startswith(where)
    assert "must hold at most" not in caught.value.reason


def test_canonical_construction_counts_a_list_before_its_items() -> None:
    from callglot.canonical import Destination, Dial, LiveStart, Play

    junk = [object()] * 100_000
    with pytest.raises(InvalidValue) as caught:
        Play(media=junk)
    assert (caught.value.field, caught.value.reason) == ("media", "must hold 1..128 items, got 100000")
    phone = Destination(address="+15551234567")
    for make, field, bounds in (
        (lambda: Dial(source=phone, destination=phone, status_events=junk), "status_events", "1..4"),
        (lambda: LiveStart(language="en-US", direction=junk), "direction", "1..2"),
    ):
        with pytest.raises(InvalidValue) as caught:
            make()
        assert (caught.value.field, caught.value.reason) == (field, f"must hold {bounds} items, got 100000")
