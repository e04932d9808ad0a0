"""SignalWire: the published contract, SDK leniencies, control ids, update state rules, cross-dialect examples."""

from __future__ import annotations

import itertools
import json
from pathlib import Path
from typing import Any

import pytest
from dialect_cells import SAID, command_cells, sayable
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import callglot
from callglot.adapters.signalwire import (
    LENIENCIES,
    TERMINAL_STATES,
    CallState,
    SignalWireDialect,
    update_refusal,
)
from callglot.canonical import (
    AiUnhold,
    Audio,
    Cancel,
    Collect,
    DialEvent,
    DigitCollect,
    Hangup,
    HangupCause,
    Play,
    Record,
    RecordingFormat,
    Redirect,
    StopPlayback,
)
from callglot.capabilities import Action, Policy

CALL = "3fa85f64-5717-4562-b3fc-2c963f66afa6"
PATH = "/api/calling/calls"
ORACLE = Path(__file__).resolve().parents[2] / "shared" / "oracles" / "signalwire_calling_request.schema.json"


def sw() -> SignalWireDialect:
    counter = itertools.count(1)
    return SignalWireDialect(control_ids=lambda: f"ctl-{next(counter)}")


def request(body: dict[str, Any]) -> callglot.HttpRequest:
    return callglot.HttpRequest(method="POST", path=PATH, body=body)


# ---------------------------------------------------------------- the vendor's own schema


@pytest.fixture(scope="module")
def oracle() -> Any:
    if not ORACLE.is_file():
        pytest.skip(
            f"SignalWire's published request schema is not at {ORACLE} (it sits in shared/oracles/ beside a checkout)"
        )
    from jsonschema import Draft202012Validator

    schema = json.loads(ORACLE.read_text(encoding="utf-8"))
    return Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)


@settings(suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.function_scoped_fixture])
@pytest.mark.parametrize(
    "cls", [cls for _, cls in command_cells(*SAID, dialects=["signalwire"])], ids=lambda c: c.__name__
)
@given(data=st.data())
def test_signalwire_accepts_everything_we_emit(oracle: Any, cls: type, data: st.DataObject) -> None:
    # LENIENT: what STRICT sends, when it sends anything, is the same (test_capabilities).
    out = sw().encode(data.draw(sayable("signalwire", cls)), call_id=CALL, policy=Policy.LENIENT)
    errors = [f"{e.json_path}: {e.message[:200]}" for e in oracle.iter_errors(out.value.body)]
    assert errors == [], (cls.__name__, out.value.body)


def test_every_signalwire_command_has_a_conforming_example(oracle: Any) -> None:
    from callglot.adapters.signalwire import DECODERS

    emitted = set()
    for body in EXAMPLES.values():
        assert list(oracle.iter_errors(body)) == [], body
        emitted.add(body["command"])
    assert emitted == {*DECODERS, "update"}


# ---------------------------------------------------------------- golden examples in spec form

EXAMPLES: dict[str, dict[str, Any]] = {
    "dial": {"command": "dial", "params": {"from": "+15551230000", "to": "+15557650000", "url": "https://example.com/swml"}},
    "update": {"command": "update", "params": {"id": CALL, "url": "https://example.com/next-swml"}},
    "calling.end": {"command": "calling.end", "id": CALL, "params": {"reason": "hangup"}},
    "calling.transfer": {"command": "calling.transfer", "id": CALL, "params": {"dest": "sip:support@example.com"}},
    "calling.disconnect": {"command": "calling.disconnect", "id": CALL, "params": {}},
    "calling.play": {
        "command": "calling.play",
        "id": CALL,
        "params": {
            "control_id": "play-1",
            "play": [
                {"type": "audio", "params": {"url": "https://cdn.example.com/welcome.mp3"}},
                {"type": "tts", "params": {"text": "Welcome", "language": "en-US", "gender": "female"}},
                {"type": "silence", "params": {"duration": 1.5}},
                {"type": "ringtone", "params": {"name": "us", "duration": 10}},
            ],
            "volume": -4,
            "direction": "listen",
            "loop": 2,
        },
    },
    "calling.play.pause": {"command": "calling.play.pause", "id": CALL, "params": {"control_id": "play-1"}},
    "calling.play.resume": {"command": "calling.play.resume", "id": CALL, "params": {"control_id": "play-1"}},
    "calling.play.stop": {"command": "calling.play.stop", "id": CALL, "params": {"control_id": "play-1"}},
    "calling.play.volume": {"command": "calling.play.volume", "id": CALL, "params": {"control_id": "play-1", "volume": 6}},
    "calling.record": {
        "command": "calling.record",
        "id": CALL,
        "params": {
            "control_id": "rec-1",
            "record": {"audio": {"beep": True, "format": "mp3", "stereo": False, "direction": "both", "initial_timeout": 4.0,
                                 "end_silence_timeout": 0.5, "max_length": 600, "terminators": "#", "input_sensitivity": 44.0}},
            "status_url": "https://hooks.example.com/recording",
        },
    },
    "calling.record.pause": {"command": "calling.record.pause", "id": CALL, "params": {"control_id": "rec-1", "behavior": "silence"}},
    "calling.record.resume": {"command": "calling.record.resume", "id": CALL, "params": {"control_id": "rec-1"}},
    "calling.record.stop": {"command": "calling.record.stop", "id": CALL, "params": {"control_id": "rec-1"}},
    "calling.collect": {
        "command": "calling.collect",
        "id": CALL,
        "params": {
            "control_id": "col-1",
            "initial_timeout": 5.0,
            "digits": {"max": 4, "terminators": "#", "digit_timeout": 2.0},
            "speech": {"end_silence_timeout": 1.0, "language": "Deepgram:en-US", "hints": ["yes", "no"], "engine": "Deepgram"},
            "start_input_timers": True,
        },
    },
    "calling.collect.stop": {"command": "calling.collect.stop", "id": CALL, "params": {"control_id": "col-1"}},
    "calling.collect.start_input_timers": {"command": "calling.collect.start_input_timers", "id": CALL, "params": {"control_id": "col-1"}},
    "calling.detect": {
        "command": "calling.detect",
        "id": CALL,
        "params": {"control_id": "det-1", "detect": {"type": "machine", "params": {"initial_timeout": 4.5}}, "timeout": 30},
    },
    "calling.detect.stop": {"command": "calling.detect.stop", "id": CALL, "params": {"control_id": "det-1"}},
    "calling.tap": {
        "command": "calling.tap",
        "id": CALL,
        "params": {
            "control_id": "tap-1",
            "tap": {"type": "audio", "params": {"direction": "both"}},
            "device": {"type": "ws", "params": {"uri": "wss://tap.example.com/audio", "codec": "PCMU"}},
        },
    },
    "calling.tap.stop": {"command": "calling.tap.stop", "id": CALL, "params": {"control_id": "tap-1"}},
    "calling.stream": {
        "command": "calling.stream",
        "id": CALL,
        "params": {"control_id": "str-1", "url": "wss://stream.example.com/audio", "track": "both_tracks", "custom_parameters": {"k": "v"}},
    },
    "calling.stream.stop": {"command": "calling.stream.stop", "id": CALL, "params": {"control_id": "str-1"}},
    "calling.denoise": {"command": "calling.denoise", "id": CALL, "params": {}},
    "calling.denoise.stop": {"command": "calling.denoise.stop", "id": CALL, "params": {}},
    "calling.transcribe": {"command": "calling.transcribe", "id": CALL, "params": {"control_id": "tr-1", "status_url": "https://hooks.example.com/t"}},
    "calling.transcribe.stop": {"command": "calling.transcribe.stop", "id": CALL, "params": {"control_id": "tr-1"}},
    "calling.ai_hold": {"command": "calling.ai_hold", "id": CALL, "params": {"timeout": "300", "prompt": "Tell the user you are putting them on hold."}},
    "calling.ai_unhold": {"command": "calling.ai_unhold", "id": CALL, "params": {}},
    "calling.ai_message": {"command": "calling.ai_message", "id": CALL, "params": {"role": "system", "message_text": "Be brief.", "reset": {"full_reset": True}}},
    "calling.ai.stop": {"command": "calling.ai.stop", "id": CALL, "params": {}},
    "calling.live_transcribe": {
        "command": "calling.live_transcribe",
        "id": CALL,
        "params": {"action": {"start": {"lang": "en-US", "direction": ["remote-caller", "local-caller"], "speech_timeout": 60000, "vad_thresh": 400}}},
    },
    "calling.live_translate": {
        "command": "calling.live_translate",
        "id": CALL,
        "params": {"action": {"start": {"from_lang": "en-US", "to_lang": "es-ES", "direction": ["remote-caller"], "filter_to": "polite"}}},
    },
    "calling.send_fax.stop": {"command": "calling.send_fax.stop", "id": CALL, "params": {"control_id": "fax-1"}},
    "calling.receive_fax.stop": {"command": "calling.receive_fax.stop", "id": CALL, "params": {"control_id": "fax-2"}},
    "calling.refer": {"command": "calling.refer", "id": CALL, "params": {"device": {"type": "sip", "params": {"to": "sip:bob@example.com"}}}},
    "calling.user_event": {"command": "calling.user_event", "id": CALL, "params": {"event": {"name": "checkpoint", "step": 3}}},
}  # fmt: skip


@pytest.mark.parametrize("name", sorted(EXAMPLES))
def test_spec_form_examples_round_trip(name: str) -> None:
    body = EXAMPLES[name]
    decoded = sw().decode(request(body))
    assert decoded.leniencies == ()
    again = sw().encode(decoded.command, call_id=decoded.call_id)
    assert again.report == ()
    assert again.value.body == body


def test_every_live_action_shape_round_trips() -> None:
    for action in ("stop", {"summarize": {"webhook": "https://hooks.example.com/s", "prompt": "Summarise"}}):
        body = {"command": "calling.live_transcribe", "id": CALL, "params": {"action": action}}
        assert sw().encode(sw().decode(request(body)).command, call_id=CALL).value.body == body
    inject = {"inject": {"message": "Hello", "direction": "remote-caller"}}
    body = {
        "command": "calling.live_translate",
        "id": CALL,
        "params": {"action": inject, "status_url": "https://hooks.example.com/l"},
    }
    assert sw().encode(sw().decode(request(body)).command, call_id=CALL).value.body == body


# ---------------------------------------------------------------- SDK leniencies, one named rule each


TAP_SPEC: dict[str, Any] = {"type": "audio", "params": {"direction": "both"}}
WS_SPEC: dict[str, Any] = {"type": "ws", "params": {"uri": "wss://tap.example.com/a"}}
RTP_SPEC: dict[str, Any] = {"type": "rtp", "params": {"addr": "93.184.215.14", "port": 9000, "codec": "PCMU"}}


def test_leniency_record_flat_audio() -> None:
    sdk = {
        "command": "calling.record",
        "id": CALL,
        "params": {"control_id": "r", "audio": {"format": "wav", "beep": True}},
    }
    decoded = sw().decode(request(sdk))
    assert decoded.leniencies == ("record-flat-audio",)
    assert decoded.command == Record(format=RecordingFormat.WAV, beep=True, control_id="r")
    spec = sw().encode(decoded.command, call_id=CALL).value.body
    assert spec["params"] == {"control_id": "r", "record": {"audio": {"format": "wav", "beep": True}}}


def test_record_in_both_forms_is_refused() -> None:
    both = {
        "command": "calling.record",
        "id": CALL,
        "params": {"control_id": "r", "audio": {}, "record": {"audio": {}}},
    }
    with pytest.raises(callglot.DecodeError) as caught:
        sw().decode(request(both))
    assert caught.value.path == "$.params.audio"


@pytest.mark.parametrize(
    "body",
    [
        {"command": "calling.play", "id": CALL, "params": {"play": [{"type": "silence", "params": {"duration": 1}}]}},
        {"command": "calling.record", "id": CALL, "params": {"record": {"audio": {}}}},
        {"command": "calling.collect", "id": CALL, "params": {"digits": {"max": 1}}},
        {"command": "calling.detect", "id": CALL, "params": {"detect": {"type": "fax", "params": {}}}},
        {"command": "calling.tap", "id": CALL, "params": {"tap": TAP_SPEC, "device": WS_SPEC}},
        {"command": "calling.stream", "id": CALL, "params": {"url": "wss://s.example.com/a"}},
        {"command": "calling.transcribe", "id": CALL, "params": {}},
    ],
    ids=lambda body: body["command"],
)
def test_leniency_missing_control_id(body: dict[str, Any]) -> None:
    decoded = sw().decode(request(body))
    assert decoded.leniencies == ("missing-control-id",)
    assert decoded.command.control_id is None  # type: ignore[union-attr]
    out = sw().encode(decoded.command, call_id=CALL)
    assert out.value.body["params"]["control_id"] == "ctl-1"
    assert [(a.field, a.action) for a in out.report] == [("control_id", Action.GENERATED)]


def test_missing_control_id_on_a_sub_command_is_an_error() -> None:
    with pytest.raises(callglot.DecodeError) as caught:
        sw().decode(request({"command": "calling.play.stop", "id": CALL, "params": {}}))
    assert caught.value.path == "$.params.control_id"


def test_leniency_ai_hold_integer_timeout() -> None:
    decoded = sw().decode(request({"command": "calling.ai_hold", "id": CALL, "params": {"timeout": 120}}))
    assert decoded.leniencies == ("ai-hold-integer-timeout",)
    assert sw().encode(decoded.command, call_id=CALL).value.body["params"] == {"timeout": "120"}


def test_leniency_ai_unhold_prompt_dropped() -> None:
    """The SDK's docs send ai_unhold(prompt=...); the published schema has none: dropped, and the rule says so."""
    decoded = sw().decode(request({"command": "calling.ai_unhold", "id": CALL, "params": {"prompt": "Welcome back"}}))
    assert decoded.leniencies == ("ai-unhold-prompt-dropped",)
    assert decoded.command == AiUnhold()
    out = sw().encode(decoded.command, call_id=CALL)
    assert (out.value.body["params"], out.report) == ({}, ())


def test_a_bad_ai_unhold_prompt_is_refused_though_a_good_one_is_dropped() -> None:
    with pytest.raises(callglot.DecodeError) as caught:
        sw().decode(request({"command": "calling.ai_unhold", "id": CALL, "params": {"prompt": "a\u0000b"}}))
    assert caught.value.path == "$.params.prompt"


def test_a_canonical_ai_unhold_prompt_is_still_a_declared_loss() -> None:
    with pytest.raises(callglot.UnsupportedField):  # the published schema has no prompt: never emitted
        sw().encode(AiUnhold(prompt="Welcome back"), call_id=CALL)
    lenient = sw().encode(AiUnhold(prompt="Welcome back"), call_id=CALL, policy=Policy.LENIENT)
    assert lenient.value.body["params"] == {}


def test_leniency_dial_sdk_status_events() -> None:
    body = {"command": "dial", "params": {"from": "+15551230000", "to": "+15557650000", "url": "https://example.com/s",
                                          "status_events": ["queued", "initiated", "ringing", "ending", "ended"]}}  # fmt: skip
    decoded = sw().decode(request(body))
    assert decoded.leniencies == ("dial-sdk-status-events",)
    assert decoded.command.status_events == (DialEvent.CREATED, DialEvent.RINGING, DialEvent.ENDED)  # type: ignore[union-attr]
    assert sw().encode(decoded.command).value.body["params"]["status_events"] == ["created", "ringing", "ended"]


@pytest.mark.parametrize(
    ("params", "path", "reason"),
    [
        ({"codecs": "PCMU,G711"}, "$.params.codecs", "item 2 of the list: must be one of"),
        ({"codecs": ["PCMU", "G711"]}, "$.params.codecs[1]", "must be one of"),
        ({"region": "bad region!"}, "$.params.region", "must match"),
        ({"region": ["us", "bad region!"]}, "$.params.region[1]", "must match"),
    ],
)
def test_a_bad_item_of_a_string_form_points_at_the_string(params: dict[str, Any], path: str, reason: str) -> None:
    """codecs and region may be sent as one string: an error names that string, not an array item."""
    body = {"command": "dial", "params": {"from": "+15551230000", "to": "+15557650000", "url": "https://example.com/s"}}
    body["params"].update(params)
    with pytest.raises(callglot.DecodeError) as info:
        sw().decode(request(body))
    assert info.value.path == path
    assert info.value.reason.startswith(reason)


@pytest.mark.parametrize(
    "params",
    [
        {"control_id": "c1", "digits": {"max": 4, "terminators": "d#"}},
        {"control_id": "c1", "detect": {"type": "digit", "params": {"digits": "abcd"}}},
    ],
)
def test_dtmf_letters_are_taken_in_either_case(params: dict[str, Any]) -> None:
    """SignalWire's schema: terminators and detect digits allow A-D "case insensitive" (as record does)."""
    command = "calling.collect" if "digits" in params else "calling.detect"
    body = {"command": command, "id": CALL, "params": params}
    decoded = sw().decode(request(body))
    assert sw().encode(decoded.command, call_id=CALL).value.body == body


@pytest.mark.parametrize("seconds", [1e307, 10**4299, 2**31 / 1000 + 1])
def test_a_timeout_past_the_wire_int32_is_a_loss_not_a_crash(seconds: float) -> None:
    """speech_timeout is int32 milliseconds on the wire (what decode reads back); 1e307 s overflowed to inf."""
    from callglot.canonical import LiveStart, LiveTranscribe

    command = LiveTranscribe(action=LiveStart(language="en-US", direction=("remote-caller",), speech_timeout=seconds))
    with pytest.raises(callglot.UnsupportedField):
        sw().encode(command, call_id=CALL)
    out = sw().encode(command, call_id=CALL, policy=Policy.LENIENT)
    assert [a.field for a in out.report if a.action is Action.DROPPED] == ["speech_timeout"]
    json.dumps(out.value.body)  # no number too long to write


def test_leniency_codecs_string() -> None:
    body = {
        "command": "dial",
        "params": {"from": "+15551230000", "to": "+15557650000", "url": "https://example.com/s", "codecs": "PCMU,OPUS"},
    }
    decoded = sw().decode(request(body))
    assert decoded.leniencies == ("codecs-string",)
    assert sw().encode(decoded.command).value.body["params"]["codecs"] == ["PCMU", "OPUS"]


@pytest.mark.parametrize(("status", "command"), [("completed", Hangup()), ("canceled", Cancel())])
def test_leniency_update_status_only(status: str, command: object) -> None:
    decoded = sw().decode(request({"command": "update", "params": {"id": CALL, "status": status}}))
    assert decoded.leniencies == ("update-status-only",)
    assert decoded.command == command
    assert decoded.call_id == CALL


@pytest.mark.parametrize(
    ("params", "command"),
    [
        ({"status": "completed", "url": "https://example.com/s"}, Hangup()),
        ({"status": "completed", "url": "https://example.com/s", "fallback_url": "https://example.com/f",
          "status_url": "https://hooks.example.com/u"}, Hangup()),
        ({"status": "canceled", "swml": {"version": "1.0.0", "sections": {"main": [{"hangup": {}}]}}}, Cancel()),
    ],
)  # fmt: skip
def test_leniency_update_status_wins(params: dict[str, Any], command: object) -> None:
    """The only status update the published schema lets through carries a redirect: the status wins."""
    decoded = sw().decode(request({"command": "update", "params": {"id": CALL, **params}}))
    assert decoded.leniencies == ("update-status-wins",)
    assert (decoded.command, decoded.call_id) == (command, CALL)


@pytest.mark.parametrize(
    ("params", "path"),
    [
        ({"status": "completed", "url": "http://example.com/s"}, "$.params.url"),
        ({"status": "completed", "url": "https://example.com/s", "swml": {"sections": {"main": []}}}, "$.params.url"),
        ({"status": "completed", "fallback_url": "https://example.com/f"}, "$.params.fallback_url"),
    ],
)
def test_a_status_update_with_a_bad_redirect_is_refused(params: dict[str, Any], path: str) -> None:
    """The dropped redirect is checked like any other: what it cannot be is still an error."""
    with pytest.raises(callglot.DecodeError) as caught:
        sw().decode(request({"command": "update", "params": {"id": CALL, **params}}))
    assert caught.value.path == path


def test_leniency_record_default_audio() -> None:
    """signalwire-python's record() without arguments sends params {}: SignalWire's defaults, record.audio {}."""
    decoded = sw().decode(request({"command": "calling.record", "id": CALL, "params": {"control_id": "r"}}))
    assert decoded.leniencies == ("record-default-audio",)
    assert decoded.command == Record(control_id="r")
    assert sw().encode(decoded.command, call_id=CALL).value.body["params"] == {
        "control_id": "r",
        "record": {"audio": {}},
    }


@pytest.mark.parametrize(
    ("tap", "device"),
    [
        ({"type": "audio", "direction": "both"}, {"type": "rtp", "addr": "93.184.215.14", "port": 9000, "codec": "PCMU"}),
        ({"type": "audio", "direction": "both"}, RTP_SPEC),
        (TAP_SPEC, {"type": "rtp", "addr": "93.184.215.14", "port": 9000, "codec": "PCMU"}),
    ],
)  # fmt: skip
def test_leniency_tap_flat_params(tap: dict[str, Any], device: dict[str, Any]) -> None:
    body = {"command": "calling.tap", "id": CALL, "params": {"control_id": "t", "tap": tap, "device": device}}
    decoded = sw().decode(request(body))
    assert decoded.leniencies == ("tap-flat-params",)
    spec = sw().encode(decoded.command, call_id=CALL).value.body["params"]
    assert spec == {"control_id": "t", "tap": TAP_SPEC, "device": RTP_SPEC}


@pytest.mark.parametrize(
    ("tap", "device", "path"),
    [
        ({"type": "audio", "direction": "up"}, RTP_SPEC, "$.params.tap.direction"),
        ({"direction": "both"}, RTP_SPEC, "$.params.tap.type"),
        ({"type": "video", "direction": "both"}, RTP_SPEC, "$.params.tap.type"),
        (TAP_SPEC, {"type": "rtp", "addr": "93.184.215.14", "port": 0}, "$.params.device.port"),
        (TAP_SPEC, {"type": "ws", "uri": "wss://tap.example.com/a", "extra": 1}, "$.params.device"),
        (TAP_SPEC, {"type": 7, "uri": "wss://tap.example.com/a"}, "$.params.device.type"),
        (TAP_SPEC, {"type": "rtp", "params": {"addr": "93.184.215.14", "port": 0}}, "$.params.device.params.port"),
    ],
)
def test_a_bad_flat_tap_points_where_the_sdk_put_it(tap: Any, device: Any, path: str) -> None:
    body = {"command": "calling.tap", "id": CALL, "params": {"control_id": "t", "tap": tap, "device": device}}
    with pytest.raises(callglot.DecodeError) as caught:
        sw().decode(request(body))
    assert caught.value.path == path


LIVE_START = {"lang": "en-US", "webhook": "https://hooks.example.com/live"}


@pytest.mark.parametrize(
    ("command", "start"),
    [("calling.live_transcribe", LIVE_START), ("calling.live_translate", {"from_lang": "en-US", "to_lang": "es"})],
)
def test_leniency_live_start_both_directions(command: str, start: dict[str, Any]) -> None:
    """SignalWire requires direction and documents no default: absent, it is the whole call (both parties)."""
    decoded = sw().decode(request({"command": command, "id": CALL, "params": {"action": {"start": start}}}))
    assert decoded.leniencies == ("live-start-both-directions",)
    assert decoded.command.action.direction == ("remote-caller", "local-caller")  # type: ignore[union-attr]
    spec = sw().encode(decoded.command, call_id=CALL).value.body["params"]["action"]["start"]
    assert spec == {**start, "direction": ["remote-caller", "local-caller"]}


def test_leniency_live_transcribe_language() -> None:
    start = {"language": "en-US", "direction": ["local-caller"]}
    decoded = sw().decode(
        request({"command": "calling.live_transcribe", "id": CALL, "params": {"action": {"start": start}}})
    )
    assert decoded.leniencies == ("live-transcribe-language",)
    spec = sw().encode(decoded.command, call_id=CALL).value.body["params"]["action"]["start"]
    assert spec == {"lang": "en-US", "direction": ["local-caller"]}


@pytest.mark.parametrize(
    ("start", "path"),
    [
        ({"language": "en-US", "lang": "en-US"}, "$.params.action.start.language"),
        ({"language": "not a tag"}, "$.params.action.start.language"),
        ({"lang": "not a tag"}, "$.params.action.start.lang"),
        ({"webhook": "https://hooks.example.com/live"}, "$.params.action.start.lang"),
    ],
)
def test_a_bad_live_transcribe_language_points_at_its_key(start: dict[str, Any], path: str) -> None:
    with pytest.raises(callglot.DecodeError) as caught:
        sw().decode(request({"command": "calling.live_transcribe", "id": CALL, "params": {"action": {"start": start}}}))
    assert caught.value.path == path


@pytest.mark.parametrize(
    "device",
    [
        {"to": "sip:agent@example.com"},
        {"type": "sip", "to": "sip:agent@example.com"},
        {"to": "sip:agent@example.com", "from": "sip:me@example.com", "username": "u", "password": "p"},
    ],
)
def test_leniency_refer_flat_device(device: dict[str, Any]) -> None:
    decoded = sw().decode(request({"command": "calling.refer", "id": CALL, "params": {"device": device}}))
    assert decoded.leniencies == ("refer-flat-device",)
    spec = sw().encode(decoded.command, call_id=CALL).value.body["params"]
    assert spec == {"device": {"type": "sip", "params": {k: v for k, v in device.items() if k != "type"}}}


@pytest.mark.parametrize(
    ("device", "path"),
    [
        ({"type": "ws", "to": "sip:agent@example.com"}, "$.params.device.type"),
        ({"to": "tel:+15551230000"}, "$.params.device.to"),
        ({"to": "sip:agent@example.com", "uri": "x"}, "$.params.device"),
        ({"type": "sip", "params": {"to": "sip:agent@example.com"}, "to": "sip:b@example.com"}, "$.params.device"),
    ],
)
def test_a_bad_flat_refer_device_points_where_the_sdk_put_it(device: dict[str, Any], path: str) -> None:
    with pytest.raises(callglot.DecodeError) as caught:
        sw().decode(request({"command": "calling.refer", "id": CALL, "params": {"device": device}}))
    assert caught.value.path == path


def test_every_leniency_is_exercised_by_a_test() -> None:
    source = Path(__file__).read_text(encoding="utf-8")
    for rule in LENIENCIES:
        assert f'"{rule}"' in source.replace(f'"{rule}": ', ""), rule


# ---------------------------------------------------------------- envelopes


@pytest.mark.parametrize(
    ("body", "path"),
    [
        ({"command": "calling.end", "params": {}}, "$.id"),
        ({"command": "calling.end", "id": CALL}, "$.params"),
        ({"command": "calling.end", "id": "call_abc123", "params": {}}, "$.id"),
        ({"command": "calling.end", "id": CALL, "params": {}, "extra": 1}, "$"),
        ({"command": "dial", "id": CALL, "params": {"from": "+15551230000", "url": "https://example.com/s"}}, "$"),
        ({"command": "update", "id": CALL, "params": {"id": CALL, "url": "https://example.com/s"}}, "$"),
        ({"command": "update", "params": {"url": "https://example.com/s"}}, "$.params.id"),
        ({"command": "calling.end", "id": CALL, "params": {"reason": "bored"}}, "$.params.reason"),
        ({"command": "calling.join_conference", "id": CALL, "params": {}}, "$.command"),
        (
            {
                "command": "calling.play",
                "id": CALL,
                "params": {"control_id": "p", "play": [{"type": "audio", "params": {"url": "https://10.0.0.1/a.mp3"}}]},
            },
            "$.params.play[0].params.url",
        ),
        (
            {
                "command": "calling.play",
                "id": CALL,
                "params": {"control_id": "p", "play": [{"type": "video", "params": {}}]},
            },
            "$.params.play[0].type",
        ),
        (
            {
                "command": "calling.tap",
                "id": CALL,
                "params": {
                    "control_id": "t",
                    "tap": {"type": "audio", "params": {"direction": "both"}},
                    "device": {"type": "rtp", "params": {"addr": "192.168.0.10", "port": 4000}},
                },
            },
            "$.params.device.params.addr",
        ),
        (
            {
                "command": "calling.stream",
                "id": CALL,
                "params": {"control_id": "s", "url": "ws://stream.example.com/a"},
            },
            "$.params.url",
        ),
        ({"command": "calling.ai_hold", "id": CALL, "params": {"timeout": "soon"}}, "$.params.timeout"),
    ],
)
def test_bad_envelopes_and_params_point_at_the_spot(body: dict[str, Any], path: str) -> None:
    with pytest.raises(callglot.DecodeError) as caught:
        sw().decode(request(body))
    assert caught.value.path == path, str(caught.value)


def test_call_ids_are_uuids_on_encode() -> None:
    with pytest.raises(callglot.InvalidValue) as caught:
        sw().encode(Hangup(), call_id="call_abc123")
    assert caught.value.field == "call_id"


# ---------------------------------------------------------------- control ids


def test_control_ids_come_from_the_injected_generator() -> None:
    dialect = sw()
    play = Play(media=(Audio(url="https://cdn.example.com/a.mp3"),))
    first = dialect.encode(play, call_id=CALL)
    second = dialect.encode(play, call_id=CALL)
    assert first.value.body["params"]["control_id"] == "ctl-1"
    assert second.value.body["params"]["control_id"] == "ctl-2"
    assert [a.to_json() for a in first.report] == [
        {"command": "Play", "action": "generated", "field": "control_id",
         "note": "SignalWire needs a control_id to address the operation later: one was generated"}
    ]  # fmt: skip
    given = dialect.encode(Play(media=play.media, control_id="mine"), call_id=CALL)
    assert given.value.body["params"]["control_id"] == "mine"
    assert given.report == ()


def test_the_registry_generates_uuid_control_ids() -> None:
    out = callglot.get_dialect("signalwire").encode(Collect(digits=DigitCollect(max=1)), call_id=CALL)
    import uuid

    uuid.UUID(out.value.body["params"]["control_id"])


def test_stop_without_control_id_cannot_be_sent() -> None:
    for policy in Policy:
        with pytest.raises(callglot.UnsupportedField) as caught:
            sw().encode(StopPlayback(), call_id=CALL, policy=policy)
        assert caught.value.field == "control_id"


# ---------------------------------------------------------------- update state rules (seed 003)

UPDATES = [Cancel(), Hangup(), Redirect(url="https://example.com/s")]


@pytest.mark.parametrize("state", list(CallState))
@pytest.mark.parametrize("update", UPDATES, ids=lambda u: type(u).__name__)
def test_update_state_rules(state: CallState, update: object) -> None:
    refusal = update_refusal(state, update)  # type: ignore[arg-type]
    if state in TERMINAL_STATES:
        allowed = False
    elif isinstance(update, Cancel):
        allowed = state in (CallState.QUEUED, CallState.RINGING)
    else:
        allowed = state is CallState.ANSWERED
    assert (refusal is None) == allowed
    if refusal is not None:
        assert state.value in refusal


def test_update_rules_accept_state_names_and_refuse_other_commands() -> None:
    assert update_refusal("ringing", Cancel()) is None
    assert "not an update" in (
        update_refusal("answered", Play(media=(Audio(url="https://cdn.example.com/a.mp3"),))) or ""
    )
    with pytest.raises(ValueError, match="flying"):
        update_refusal("flying", Cancel())


# ---------------------------------------------------------------- the cross-dialect examples


def chirp(body: dict[str, Any]) -> callglot.HttpRequest:
    return callglot.HttpRequest(method="POST", path=f"/v1/calls/{CALL}/commands", body=body)


def test_chirp_hangup_and_calling_end() -> None:
    there = callglot.translate(chirp({"type": "hangup"}), source="chirp", target="signalwire")
    assert there.value.body == {"command": "calling.end", "id": CALL, "params": {"reason": "hangup"}}
    back = callglot.translate(
        request({"command": "calling.end", "id": CALL, "params": {"reason": "hangup"}}),
        source="signalwire",
        target="chirp",
    )
    assert back.value.body == {"type": "hangup"}
    assert back.report == ()


def test_gateway_user_busy_and_calling_end_busy() -> None:
    gateway = callglot.HttpRequest(
        method="POST", path=f"/api/v1/sessions/{CALL}/commands/hangup", body={"cause": "USER_BUSY"}
    )
    there = callglot.translate(gateway, source="gateway", target="signalwire")
    assert there.value.body == {"command": "calling.end", "id": CALL, "params": {"reason": "busy"}}
    back = callglot.translate(there.value, source="signalwire", target="gateway")
    assert back.value == gateway


@pytest.mark.parametrize(("loop", "count"), [(True, 0), (False, 1)])
def test_chirp_loop_and_signalwire_loop_count(loop: bool, count: int) -> None:
    body = {"type": "play_audio", "url": "https://cdn.example.com/greeting.mp3", "loop": loop}
    there = callglot.translate(chirp(body), source="chirp", target="signalwire")
    params = there.value.body["params"]
    assert params.get("loop") == (None if count == 1 else count)  # once is calling.play's default
    assert params["play"] == [{"type": "audio", "params": {"url": "https://cdn.example.com/greeting.mp3"}}]
    back = callglot.translate(there.value, source="signalwire", target="chirp", policy=Policy.LENIENT)
    assert back.value.body == body
    assert [(a.field, a.action) for a in back.report] == [("control_id", Action.DROPPED)]


def test_chirp_recording_formats_in_signalwire() -> None:
    there = callglot.translate(chirp({"type": "start_recording", "format": "mp4"}), source="chirp", target="signalwire")
    assert there.value.body["params"]["record"] == {"audio": {"format": "mp4"}}
    for fmt in ("ogg", "webm"):
        with pytest.raises(callglot.UnsupportedField) as caught:
            callglot.translate(chirp({"type": "start_recording", "format": fmt}), source="chirp", target="signalwire")
        assert caught.value.field == "format"


@pytest.mark.parametrize("command", ["Answer", "Hold", "Mute", "SendDigits", "AddParticipant"])
def test_unsupported_notes_name_the_alternative(command: str) -> None:
    capability = callglot.get_dialect("signalwire").capabilities[getattr(callglot.canonical, command)]
    assert capability.support is callglot.Support.UNSUPPORTED
    assert "REST" in capability.note
    assert any(word in capability.note for word in ("SWML", "RELAY", "Play", "Dial"))


def test_hangup_causes_without_a_reason_are_refused() -> None:
    with pytest.raises(callglot.UnsupportedField):
        sw().encode(Hangup(cause=HangupCause.UNALLOCATED_NUMBER), call_id=CALL)


def test_cli_translates_between_every_pair(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from callglot.cli import main

    source = tmp_path / "in.jsonl"
    source.write_text(json.dumps({"command": "hangup"}) + "\n")
    names = callglot.dialects()
    assert "signalwire" in names
    for target in names:
        assert main(["translate", "--from", "canonical", "--to", target, "--call-id", CALL, str(source)]) == 0
        line = json.loads(capsys.readouterr().out)
        middle = tmp_path / "mid.jsonl"
        middle.write_text(json.dumps(line) + "\n")
        for back in names:
            assert main(["translate", "--from", target, "--to", back, str(middle)]) == 0, (target, back)
            assert "error" not in json.loads(capsys.readouterr().out)


def test_generated_control_ids_are_random_uuid4s() -> None:
    """The fast generator must produce exactly what uuid.uuid4() would (version 4, RFC variant, lower case)."""
    import uuid

    from callglot.adapters.signalwire import _new_control_id

    ids = {_new_control_id() for _ in range(2000)}
    assert len(ids) == 2000
    for value in ids:
        parsed = uuid.UUID(value)
        assert (parsed.version, parsed.variant) == (4, uuid.RFC_4122)
        assert str(parsed) == value
    assert {value[19] for value in ids} == set("89ab")
