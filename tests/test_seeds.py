"""Golden tests: every JSON body in the seed documents decodes and re-encodes identically."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

import callglot

SEEDS = Path(__file__).parent / "fixtures" / "seeds"
SESSION = "acW68-f47ac10b-58cc-4372-a567-0e02b2c3d479"

# `curl -X POST https://host/path \` ... `-d '<json>'` (the body may span lines).
CURL = re.compile(r"curl -X POST https://[^/\s]+(?P<path>/\S+)[^\n]*\n(?:[^\n]*\n)*?[ \t]*-d '(?P<body>[^']*)'", re.S)


def seed_requests(prefix: str) -> list[tuple[str, dict[str, object]]]:
    [seed] = SEEDS.glob(f"{prefix}_*.txt")
    found = []
    for match in CURL.finditer(seed.read_text(encoding="utf-8")):
        path = match.group("path").replace("{uuid}", SESSION)
        found.append((path, json.loads(match.group("body"))))
    return found


CHIRP = seed_requests("000")
GATEWAY = seed_requests("002")


def test_the_seeds_hold_what_we_expect() -> None:
    # Seed 000 has a curl example for all 16 Chirp command types; seed 002 for answer/hangup/disconnect.
    assert sorted({body["type"] for _, body in CHIRP}) == sorted(
        [
            "answer", "reject", "hangup", "hold", "unhold", "mute", "unmute", "transfer", "add_participant",
            "remove_participant", "send_dtmf", "play_audio", "stop_audio", "start_recording", "stop_recording",
            "send_to_voicemail",
        ]
    )  # fmt: skip
    assert [path.rsplit("/", 1)[1] for path, _ in GATEWAY] == ["answer", "hangup", "disconnect"]


@pytest.mark.parametrize(
    ("dialect", "path", "body"), [("chirp", *r) for r in CHIRP] + [("gateway", *r) for r in GATEWAY]
)
def test_seed_body_round_trips(dialect: str, path: str, body: dict[str, object]) -> None:
    codec = callglot.get_dialect(dialect)
    request = callglot.HttpRequest(method="POST", path=path, body=body)
    decoded = codec.decode(request)
    again = codec.encode(decoded.command, call_id=decoded.call_id, command_id=decoded.command_id)
    assert again.report == ()
    assert again.value.path == path
    assert again.value.body == body
    assert json.dumps(again.value.body, sort_keys=True) == json.dumps(body, sort_keys=True)


def test_seed_bodies_validate_against_the_schema() -> None:
    from callglot.schemas import validator_for

    for dialect, requests in (("chirp", CHIRP), ("gateway", GATEWAY)):
        validator = validator_for(dialect)
        for path, body in requests:
            document = {"method": "POST", "path": path, "body": body}
            assert list(validator.iter_errors(document)) == [], (dialect, path)


def test_chirp_hangup_is_the_gateway_default_hangup() -> None:
    # Seed 002: the cause defaults to NORMAL_CLEARING; seed 000's hangup has no cause.
    [(path, body)] = [(p, b) for p, b in CHIRP if b["type"] == "hangup"]
    out = callglot.translate(
        callglot.HttpRequest(method="POST", path=path, body=body), source="chirp", target="gateway"
    )
    assert out.value.path == "/api/v1/sessions/call_abc123/commands/hangup"
    assert out.value.body == {}
    assert out.report == ()


def test_gateway_user_busy_keeps_its_cause_in_canonical() -> None:
    [(path, body)] = [(p, b) for p, b in GATEWAY if p.endswith("/hangup")]
    assert body == {"cause": "USER_BUSY"}
    out = callglot.translate(
        callglot.HttpRequest(method="POST", path=path, body=body), source="gateway", target="canonical"
    )
    assert out.value.body == {"command": "hangup", "cause": "USER_BUSY"}
    assert out.value.path == f"/v1/calls/{SESSION}/commands"


def test_user_busy_cannot_be_said_by_chirp() -> None:
    [(path, body)] = [(p, b) for p, b in GATEWAY if p.endswith("/hangup")]
    request = callglot.HttpRequest(method="POST", path=path, body=body)
    with pytest.raises(callglot.UnsupportedField) as caught:
        callglot.translate(request, source="gateway", target="chirp")
    assert caught.value.field == "cause"
    lenient = callglot.translate(request, source="gateway", target="chirp", policy=callglot.Policy.LENIENT)
    assert lenient.value.body == {"type": "hangup"}
    assert [(a.command, a.field, str(a.action)) for a in lenient.report] == [("Hangup", "cause", "dropped")]
