"""The issue's example across dialects, and the translate-events command line."""

from __future__ import annotations

import json
from pathlib import Path

import attrs
import pytest

import callglot
from callglot.canonical.events import OperationState, PlaybackEvent
from callglot.capabilities import Action, Policy
from callglot.cli import main

CALL = "3fa85f64-5717-4562-b3fc-2c963f66afa6"
SW_PLAY_FINISHED = {
    "event_type": "calling.call.play",
    "event_channel": "swml:b0b6f8a2-1f0e-4a9b-8d3c-2f6a1e9c7d11",
    "timestamp": 1700000000.5,
    "project_id": "4d0d6f16-5881-4fcc-92a4-02c51a91954d",
    "space_id": "451ed9ff-e568-4222-8af9-4f9ab7428d09",
    "params": {"control_id": "play-1", "call_id": CALL, "node_id": "node-1", "state": "finished"},
}
GW_PLAYBACK_STOPPED = {
    "event": "playback.stopped",
    "session_uuid": "acW68-f47ac10b-58cc-4372-a567-0e02b2c3d479",
    "sequence": 7,
    "data": {
        "command_uid": "cmd-1",
        "urls": ["https://cdn.example.com/a.mp3"],
        "file_path": "https://cdn.example.com/a.mp3",
        "offset_ms": 1200,
        "duration_ms": 5000,
    },
}


def hook(body: dict[str, object]) -> callglot.HttpRequest:
    return callglot.HttpRequest(method="POST", path="/hooks/calls", body=body)


def test_signalwire_play_finished_becomes_gateway_playback_stopped() -> None:
    event = callglot.get_dialect("signalwire").decode_event(hook(SW_PLAY_FINISHED))
    assert isinstance(event, PlaybackEvent)
    assert event.state is OperationState.FINISHED
    assert (event.call_id, event.control_id) == (CALL, "play-1")
    out = callglot.translate_event(hook(SW_PLAY_FINISHED), source="signalwire", target="gateway", policy=Policy.LENIENT)
    assert out.value.path == "/"
    assert out.value.body["event"] == "playback.stopped"
    assert out.value.body["session_uuid"] == CALL
    dropped = {a.field for a in out.report if a.action is Action.DROPPED}
    assert {"timestamp", "control_id", "origin"} <= dropped
    with pytest.raises(callglot.UnsupportedField):  # the gateway has no timestamp or operation id
        callglot.translate_event(hook(SW_PLAY_FINISHED), source="signalwire", target="gateway")


def test_gateway_playback_stopped_becomes_signalwire_play_finished() -> None:
    event = callglot.get_dialect("gateway").decode_event(hook(GW_PLAYBACK_STOPPED))
    assert isinstance(event, PlaybackEvent)
    assert event.state is OperationState.FINISHED
    assert (event.sequence, event.command_id, event.offset, event.duration) == (7, "cmd-1", 1.2, 5.0)
    with pytest.raises(callglot.UnsupportedField) as caught:  # SignalWire's play event names its operation
        callglot.translate_event(
            hook(GW_PLAYBACK_STOPPED), source="gateway", target="signalwire", policy=Policy.LENIENT
        )
    assert caught.value.field == "control_id"
    # the control_id a proxy gave the play command
    out = callglot.get_dialect("signalwire").encode_event(
        attrs.evolve(event, control_id="play-1"), policy=Policy.LENIENT
    )
    assert out.value.body["event_type"] == "calling.call.play"
    assert out.value.body["params"]["state"] == "finished"
    assert {a.field for a in out.report} >= {"sequence", "command_id"}
    back = callglot.get_dialect("signalwire").decode_event(out.value)
    assert back.state is OperationState.FINISHED  # type: ignore[union-attr]


def test_both_round_trip_within_their_dialect() -> None:
    for name, body in (("signalwire", SW_PLAY_FINISHED), ("gateway", GW_PLAYBACK_STOPPED)):
        dialect = callglot.get_dialect(name)
        again = dialect.encode_event(dialect.decode_event(hook(body)), path="/hooks/calls")
        assert again.value.body == body
        assert again.report == ()


def test_translate_events_cli(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = tmp_path / "events.jsonl"
    lines = [json.dumps(GW_PLAYBACK_STOPPED), "not json", json.dumps({"event": "", "session_uuid": "s1"})]
    source.write_text("\n".join(lines) + "\n")
    assert main(["translate-events", "--from", "gateway", "--to", "canonical", str(source)]) == 1
    out = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert len(out) == 3
    assert out[0]["method"] == "POST"
    assert out[0]["body"]["event"] == "playback"
    assert out[1]["error"]["type"] == "InvalidJSON"
    assert out[2]["error"]["line"] == 3
    assert out[2]["error"]["path"].startswith("$")
    single = tmp_path / "one.json"
    single.write_text(json.dumps({"method": "POST", "path": "/in", "body": SW_PLAY_FINISHED}, indent=2))
    assert main(["translate-events", "--from", "signalwire", "--to", "canonical", "--path", "/out", str(single)]) == 0
    [line] = capsys.readouterr().out.splitlines()
    assert json.loads(line)["path"] == "/out"
