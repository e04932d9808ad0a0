"""What the SignalWire Python SDK really sends decodes, names its leniency rules, and re-encodes to the spec form.

``fixtures/signalwire_sdk/requests.json`` holds the HTTP requests of signalwire-sdk's REST calling
methods, each driven as its bundled docs and examples show and captured at its transport
(``capture.py`` beside it says how). Each one decodes strictly, lists exactly the leniency rules its
deviations need, and re-encodes to a body that callglot's schema and SignalWire's own published request
schema both accept, and that decodes back with no leniency and re-encodes to itself.
"""

from __future__ import annotations

import itertools
import json
from pathlib import Path
from typing import Any

import pytest

import callglot
from callglot.adapters.signalwire import DECODERS, SignalWireDialect
from callglot.capabilities import Action
from callglot.schemas import validator_for

CAPTURES: list[dict[str, Any]] = json.loads(
    (Path(__file__).parent / "fixtures" / "signalwire_sdk" / "requests.json").read_text(encoding="utf-8")
)
ORACLE = Path("shared") / "oracles" / "signalwire_calling_request.schema.json"

#: The rules each capture needs, in the order the decoder applies them; every other capture needs none.
LENIENCIES: dict[str, tuple[str, ...]] = {
    'play(call_id, play=[{"type": "tts", "params": {"text": "Hello!"}}], volume=5.0)': ("missing-control-id",),
    'record(call_id, control_id="rec-1", audio={"beep": True, "format": "wav", "stereo": True})': ("record-flat-audio",),
    'ai_hold(call_id, timeout=60, prompt="Please wait while I transfer you.")': ("ai-hold-integer-timeout",),
    'ai_unhold(call_id, prompt="I\'m back, how can I help?")': ("ai-unhold-prompt-dropped",),
    'live_transcribe(call_id, action={"start": {"lang": "en", "webhook": "https://example.com/transcripts"}})': (
        "live-start-both-directions",
    ),
    'live_translate(call_id, action={"start": {"from_lang": "en", "to_lang": "es"}})': ("live-start-both-directions",),
    'refer(call_id, device={"to": "sip:agent@example.com"})': ("refer-flat-device",),
    'record(call_id, control_id="demo-record-control-id", audio={"format": "mp3", "beep": True})': (
        "record-flat-audio",
    ),
    'live_transcribe(CALL_ID, action={"start": {"language": "en-US"}})': (
        "live-start-both-directions",
        "live-transcribe-language",
    ),
    'live_translate(CALL_ID, action={"start": {"from_lang": "en-US", "to_lang": "es"}})': (
        "live-start-both-directions",
    ),
    'tap(CALL_ID, tap={"type": "audio", "direction": "both"}, device={"type": "rtp", "addr": PUBLIC_RTP, "port": 9000})': (
        "tap-flat-params",
        "missing-control-id",
    ),
    'stream(CALL_ID, url="wss://example.com/audio-stream")': ("missing-control-id",),
    'refer(CALL_ID, device={"type": "sip", "to": "sip:support@example.com"})': ("refer-flat-device",),
    'update(id=CALL_ID, status="completed")': ("update-status-only",),
    "signature: record(call_id)": ("record-default-audio", "missing-control-id"),
    'signature: update(id=call_id, status="completed", url="https://example.com/new-handler")': (
        "update-status-wins",
    ),
    'signature: update(id=call_id, status="canceled", swml={"version": "1.0.0", "sections": {"main": []}})': (
        "update-status-wins",
    ),
    'signature: dial(from_=..., to=..., url=..., status_events=["queued", "answered", "ending"], codecs="PCMU,PCMA")': (
        "dial-sdk-status-events",
        "codecs-string",
    ),
}  # fmt: skip


def sw() -> SignalWireDialect:
    counter = itertools.count(1)
    return SignalWireDialect(control_ids=lambda: f"ctl-{next(counter)}")


def as_request(request: dict[str, Any]) -> callglot.HttpRequest:
    return callglot.HttpRequest(method=request["method"], path=request["path"], body=request["body"])


@pytest.fixture(scope="module")
def oracle() -> Any:
    """SignalWire's published request schema, read where it sits (shared/oracles/ beside a checkout), never copied."""
    found = [parent / ORACLE for parent in Path(__file__).resolve().parents if (parent / ORACLE).is_file()]
    if not found:
        pytest.skip(f"SignalWire's published request schema ({ORACLE}) is not beside this checkout")
    from jsonschema import Draft202012Validator

    schema = json.loads(found[0].read_text(encoding="utf-8"))
    return Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)


def test_the_captures_cover_every_calling_method_and_name_their_rules_truly() -> None:
    assert {capture["request"]["body"]["command"] for capture in CAPTURES} == {*DECODERS, "update"}
    assert set(LENIENCIES) <= {capture["sdk_call"] for capture in CAPTURES}, "a rule list names no capture"
    assert len({capture["sdk_call"] for capture in CAPTURES}) == len(CAPTURES)


@pytest.mark.parametrize("capture", CAPTURES, ids=lambda capture: capture["sdk_call"][:60])
def test_what_the_sdk_sends_decodes_and_reencodes_to_the_spec_form(capture: dict[str, Any], oracle: Any) -> None:
    sent = capture["request"]
    own = validator_for("signalwire")
    assert [e.message[:200] for e in own.iter_errors(sent)] == [], "callglot's schema describes what it accepts"
    decoded = sw().decode(as_request(sent))
    assert decoded.leniencies == LENIENCIES.get(capture["sdk_call"], ())

    out = sw().encode(decoded.command, call_id=decoded.call_id)  # strict
    assert Action.DROPPED not in {a.action for a in out.report}, out.report  # a control id or Cancel's emulation
    spec = {"method": out.value.method, "path": out.value.path, "body": out.value.body}
    assert [e.message[:200] for e in own.iter_errors(spec)] == []
    assert [f"{e.json_path}: {e.message[:200]}" for e in oracle.iter_errors(out.value.body)] == []

    again = sw().decode(out.value)
    assert again.leniencies == ()
    assert sw().encode(again.command, call_id=again.call_id).value == out.value


def test_every_dropping_rule_is_a_documented_leniency() -> None:
    dialect = callglot.get_dialect("signalwire")
    assert dialect.dropping_leniencies
    assert set(dialect.dropping_leniencies) <= set(dialect.leniencies)


def _captured(sdk_call: str) -> callglot.HttpRequest:
    return as_request(next(c["request"] for c in CAPTURES if c["sdk_call"] == sdk_call))


@pytest.mark.parametrize("policy", list(callglot.Policy))
@pytest.mark.parametrize(
    ("sdk_call", "field"),
    [
        ('ai_unhold(call_id, prompt="I\'m back, how can I help?")', "prompt"),
        ('signature: update(id=call_id, status="completed", url="https://example.com/new-handler")', "redirect"),
        (
            'signature: update(id=call_id, status="canceled", swml={"version": "1.0.0", "sections": {"main": []}})',
            "redirect",
        ),
    ],
)
def test_what_a_leniency_rule_sets_aside_is_reported_by_translate(
    sdk_call: str, field: str, policy: callglot.Policy
) -> None:
    """The canonical command has no place for it, so every translation, strict or lenient, says it went."""
    request = _captured(sdk_call)
    for target in ("signalwire", "canonical"):
        out = callglot.translate(request, source="signalwire", target=target, policy=policy)
        dropped = [a for a in out.report if a.action is Action.DROPPED and a.field == field]
        assert len(dropped) == 1, out.report
        assert "leniency rule" in dropped[0].note


def test_a_capture_in_spec_form_translates_with_no_leniency_report() -> None:
    request = _captured('refer(call_id, device={"to": "sip:agent@example.com"})')  # normalised, nothing dropped
    assert callglot.translate(request, source="signalwire", target="signalwire").report == ()


def test_the_command_line_reports_what_a_leniency_rule_set_aside(tmp_path: Path) -> None:
    import subprocess
    import sys

    request = _captured('ai_unhold(call_id, prompt="I\'m back, how can I help?")')
    document = tmp_path / "in.jsonl"
    document.write_text(json.dumps(request.to_json()) + "\n", encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "callglot", "translate", "--from", "signalwire", "--to", "canonical", str(document)],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert "callglot: line 1: dropped AiUnhold.prompt: set aside when decoding signalwire" in done.stderr
