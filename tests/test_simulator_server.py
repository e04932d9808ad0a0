"""The simulator over real loopback sockets: uvicorn serves it, the sync transport client and the SignalWire SDK
drive whole calls, webhooks go to a receiver on another socket, and ``callglot simulate`` starts it."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from loopback import serve
from sim_harness import CREDENTIALS, SIGNING_KEY, Receiver

import callglot
from callglot.canonical import Collect, DigitCollect, Hangup, Play
from callglot.canonical import events as ev
from callglot.canonical.types import Audio
from callglot.canonical.urls import url_policy
from callglot.signatures import SignalWireSignature
from callglot.simulator import LOOPBACK, FarEnd, Simulator
from callglot.transport import Client, SignalWireAuth

ROOT = Path(__file__).resolve().parent.parent


def advance(base: str, seconds: float) -> None:
    response = httpx.post(f"{base}/_sim/advance", json={"seconds": seconds}, trust_env=False)
    assert response.status_code == 200, response.text


def test_the_transport_client_drives_a_whole_signalwire_call_over_loopback() -> None:
    receiver = Receiver()
    with serve(receiver.app) as hooks, url_policy(LOOPBACK):
        simulator = Simulator(
            "signalwire",
            credentials=CREDENTIALS["signalwire"],
            webhook_url=f"{hooks}/hooks",
            signing_key=SIGNING_KEY,
            seed=5,
        )
        simulator.script("+15550002222", FarEnd(answer_after=2, digits="42"))
        with serve(simulator) as base:
            auth = SignalWireAuth(**CREDENTIALS["signalwire"])
            with Client("signalwire", base_url=base, auth=auth) as client:
                dial = callglot.canonical.Dial(
                    source=callglot.canonical.Destination(address="+15550001111"),
                    destination=callglot.canonical.Destination(address="+15550002222"),
                    swml_url="https://example.com/app.swml",
                    status_url=f"{hooks}/status",
                    status_events=("answered", "ended"),
                )
                call_id = client.send(dial).receipt.call.id
                advance(base, 2)
                play = Play(media=(Audio(url="https://media.example.com/a.wav"),), control_id="p1")
                client.send(play, call_id=call_id)
                collect = Collect(digits=DigitCollect(max=2), control_id="c1", status_url=f"{hooks}/collect")
                client.send(collect, call_id=call_id)
                advance(base, 5)
                client.send(Hangup(), call_id=call_id)
                advance(base, 0)
                with pytest.raises(callglot.ProviderError) as caught:  # an ended call refuses, as SignalWire does
                    client.send(Hangup(), call_id=call_id)
                assert caught.value.status == 422
    events = receiver.events("signalwire")
    summary = [
        (r["path"], type(e).__name__, getattr(e, "state", None)) for r, e in zip(receiver.requests, events, strict=True)
    ]
    assert summary == [
        ("/status", "CallStateChanged", ev.CallState.ANSWERED),
        ("/hooks", "PlaybackEvent", ev.OperationState.STARTED),  # play named no status_url: the default
        ("/collect", "CollectResult", None),
        ("/hooks", "PlaybackEvent", ev.OperationState.FINISHED),
        ("/status", "CallStateChanged", ev.CallState.ENDED),
    ]
    assert events[2].digits == "42"
    for request in receiver.requests:  # the URL the receiver saw, signed over the raw body
        SignalWireSignature(SIGNING_KEY).verify(request["url"], request["raw"], request["headers"])


def test_the_signalwire_python_sdk_works_against_the_simulator() -> None:
    from signalwire import rest  # signalwire-sdk, in the tests dependency group
    from signalwire.rest._base import SignalWireRestError

    receiver = Receiver()
    with serve(receiver.app) as hooks, url_policy(LOOPBACK):
        simulator = Simulator("signalwire", credentials=CREDENTIALS["signalwire"], webhook_url=f"{hooks}/hooks", seed=9)
        with serve(simulator) as base:
            host = base.removeprefix("http://")  # the SDK speaks plain http to a loopback host
            client = rest.RestClient(project="proj-sim", token="PT-sim-1", host=host)
            calling = client.calling
            leg = calling.dial(from_="+15559876543", to="+15551234567", url="https://example.com/call-handler")
            call_id = leg["id"]
            assert leg["status"] == "created"
            advance(base, 1)
            calling.play(call_id, play=[{"type": "tts", "params": {"text": "Hello!"}}], control_id="sdk-play-1")
            calling.play_pause(call_id, control_id="sdk-play-1")
            calling.play_resume(call_id, control_id="sdk-play-1")
            calling.play_stop(call_id, control_id="sdk-play-1")
            calling.record(call_id, control_id="rec-1", audio={"beep": True, "format": "wav", "stereo": True})
            calling.record_stop(call_id, control_id="rec-1")
            calling.collect(call_id, control_id="coll-1", digits={"max": 4, "terminators": "#"})
            calling.collect_stop(call_id, control_id="coll-1")
            calling.denoise(call_id)
            calling.update(id=call_id, url="https://example.com/new-handler")
            calling.end(call_id, reason="hangup")
            advance(base, 0)
            with pytest.raises(SignalWireRestError) as refused:  # the SDK reads the simulator's 422
                calling.end(call_id, reason="hangup")
            assert refused.value.status_code == 422
            history = simulator.history(call_id)
    assert [c["command"] for c in history["commands"]] == [
        "dial", "play", "pause_playback", "resume_playback", "stop_playback", "record", "stop_recording", "collect",
        "stop_collect", "denoise", "redirect", "hangup", "hangup",
    ]  # fmt: skip
    assert [c["status"] for c in history["commands"]] == [200] * 12 + [422]
    assert history["state"] == "ended"


def test_callglot_simulate_serves_the_vendor_and_reads_credentials_from_the_environment(tmp_path: Path) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "CALLGLOT_CHIRP_API_KEY": "sk_test_app_cli1",
        "CALLGLOT_SIMULATOR_SIGNING_KEY": "whsec-cli",
    }
    command = [sys.executable, "-m", "callglot", "simulate", "--dialect", "chirp", "--port", str(port), "--seed", "1"]
    process = subprocess.Popen(command, env=env, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 30
        while True:  # wait until it listens (not a timing assertion: it must come up at all)
            try:
                response = httpx.post(f"http://127.0.0.1:{port}/_sim/calls", json={"from": "+1555", "to": "+1666"})
                break
            except httpx.TransportError:
                assert process.poll() is None, process.stderr.read() if process.stderr else ""
                assert time.monotonic() < deadline, "callglot simulate did not start listening"
                time.sleep(0.1)
        assert response.status_code == 201
        call_id = response.json()["call_id"]
        wrong = httpx.post(
            f"http://127.0.0.1:{port}/v1/calls/{call_id}/commands",
            json={"type": "answer"},
            headers={"Authorization": "Bearer sk_test_app_other"},
        )
        assert wrong.status_code == 401
        right = httpx.post(
            f"http://127.0.0.1:{port}/v1/calls/{call_id}/commands",
            json={"type": "answer"},
            headers={"Authorization": "Bearer sk_test_app_cli1"},
        )
        assert right.status_code == 200
        assert json.loads(right.text)["command"] == "answer"
    finally:
        process.terminate()
        process.wait(10)
    assert f"simulating chirp on http://127.0.0.1:{port}" in (process.stderr.read() if process.stderr else "")


def test_simulate_refuses_half_the_credentials(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from callglot.cli import main

    monkeypatch.setenv("CALLGLOT_SIGNALWIRE_PROJECT", "p")
    monkeypatch.delenv("CALLGLOT_SIGNALWIRE_TOKEN", raising=False)
    assert main(["simulate", "--dialect", "signalwire"]) == 2
    assert "set CALLGLOT_SIGNALWIRE_TOKEN too, or none of them" in capsys.readouterr().err
