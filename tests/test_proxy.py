"""The translating proxy, end to end against the simulator: the app keeps its dialect, the vendor is another.

Every hop is real callglot code: the app's transport client, the proxy (decode, complete from state,
encode, send), the simulated vendor, its signed webhooks back through the proxy (verify, translate,
deliver with the app dialect's authentication), and the app's receiver decoding what it got.
"""

from __future__ import annotations

import json
from typing import Any

import anyio
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from proxy_harness import ANSWERING_SWML, APP_HOOKS, APP_KEY, PUBLIC, config_data, environment, wired
from strategies import any_json

import callglot
import callglot.proxy._app
from callglot.canonical import Answer, Destination, Dial, Hangup, Play, Record, StopPlayback, StopRecording
from callglot.canonical import events as ev
from callglot.canonical.types import Audio
from callglot.proxy import ConfigError, parse_config
from callglot.signatures import SharedSecretHeader, SignalWireSignature
from callglot.simulator import FarEnd

CALLER, CALLEE = "+15550001111", "+15550002222"
MEDIA = "https://media.example.com/hello.wav"


def run(main: Any) -> Any:
    return anyio.run(main)


def app_states(w: Any, dialect: str) -> list[str]:
    return [e.state.value for e in w.receiver.events(dialect) if isinstance(e, ev.CallStateChanged)]


def verify_app_signatures(w: Any, dialect: str) -> None:
    for request in w.receiver.requests:
        if dialect == "signalwire":
            SignalWireSignature(APP_KEY).verify(request["url"], request["raw"], request["headers"])
        else:
            SharedSecretHeader(APP_KEY).verify(request["headers"])


def dial(app: str) -> Dial:
    extra = {"swml_url": "https://example.com/app.swml", "status_url": APP_HOOKS} if app == "signalwire" else {}
    return Dial(source=Destination(address=CALLER), destination=Destination(address=CALLEE), **extra)


@pytest.mark.parametrize(
    ("app", "vendor"), [("chirp", "signalwire"), ("signalwire", "chirp"), ("canonical", "signalwire")]
)
def test_an_outbound_call_through_the_proxy_plays_stops_records_and_hangs_up(app: str, vendor: str) -> None:
    async def main() -> None:
        async with wired(app, vendor) as w:
            sent = await w.app.send(dial(app))
            app_call = sent.receipt.call_id or sent.receipt.call.id
            [vendor_call] = w.sim.calls()
            if app == "signalwire":  # Chirp's call_… is no SignalWire UUID: the proxy mints one and maps both ways
                assert app_call != vendor_call
            else:  # an id that fits both dialects is kept
                assert app_call == vendor_call
            await w.sim.advance(1)
            play = Play(media=(Audio(url=MEDIA),), control_id="app-play-1" if app == "signalwire" else None)
            await w.app.send(play, call_id=app_call)
            await w.app.send(StopPlayback(control_id="app-play-1" if app == "signalwire" else None), call_id=app_call)
            record_id = "app-rec-1" if app == "signalwire" else None
            await w.app.send(Record(control_id=record_id), call_id=app_call)
            await w.sim.advance(2)
            await w.app.send(StopRecording(control_id=record_id), call_id=app_call)
            await w.app.send(Hangup(), call_id=app_call)
            await w.sim.advance(0)
            assert app_states(w, app) == ["created", "ringing", "answered", "ended"]
            events = w.receiver.events(app)
            assert {e.call_id for e in events} == {app_call}  # every webhook names the app's call id
            verify_app_signatures(w, app)
            vendor_commands = [c["command"] for c in w.sim.history(vendor_call)["commands"]]
            assert vendor_commands == ["dial", "play", "stop_playback", "record", "stop_recording", "hangup"]
            if vendor == "signalwire":  # the stop found its start: the control_id the proxy gave the play
                bodies = [c["body"] for c in w.sim.history(vendor_call)["commands"]]
                assert bodies[1]["params"]["control_id"] == bodies[2]["params"]["control_id"]
            if app == "signalwire":  # the app's own control_id comes back on its playback events
                plays = [e for e in events if isinstance(e, ev.PlaybackEvent)]
                assert plays == [] or {e.control_id for e in plays} == {"app-play-1"}

    run(main)


@pytest.mark.parametrize(("app", "vendor"), [("chirp", "gateway"), ("gateway", "chirp"), ("canonical", "gateway")])
def test_an_inbound_call_through_the_proxy_is_offered_answered_played_and_hung_up(app: str, vendor: str) -> None:
    async def main() -> None:
        async with wired(app, vendor) as w:
            vendor_call = w.sim.place_call(source=CALLER, destination=CALLEE)
            await w.sim.advance(0)
            [offered, *_] = w.receiver.events(app)
            assert isinstance(offered, ev.CallStateChanged)
            assert (offered.state, offered.direction, offered.source) == (
                ev.CallState.CREATED,
                ev.CallDirection.INBOUND,
                CALLER,
            )
            app_call = offered.call_id
            await w.app.send(Answer(), call_id=app_call, command_id="ans-1" if app != "chirp" else None)
            await w.sim.advance(0)
            await w.app.send(
                Play(media=(Audio(url=MEDIA),)), call_id=app_call, command_id="pb-1" if app != "chirp" else None
            )
            await w.app.send(StopPlayback(), call_id=app_call)
            await w.app.send(Hangup(), call_id=app_call)
            await w.sim.advance(0)
            assert "answered" in app_states(w, app)
            assert app_states(w, app)[-1] == "ended"
            history = w.sim.history(vendor_call)
            assert [c["command"] for c in history["commands"]] == ["answer", "play", "stop_playback", "hangup"]
            assert all(c["status"] < 300 for c in history["commands"])
            verify_app_signatures(w, app)
            if app == "gateway":  # the app's command_uid comes back on the playback's events
                plays = [e for e in w.receiver.events(app) if isinstance(e, ev.PlaybackEvent)]
                assert plays == [] or {e.command_id for e in plays} == {"pb-1"}

    run(main)


@pytest.mark.parametrize("app", ["chirp", "signalwire", "gateway", "canonical"])
def test_the_proxy_is_not_an_open_relay(app: str) -> None:
    vendor = "chirp" if app != "chirp" else "signalwire"
    paths = {"chirp": "/v1/calls", "signalwire": "/api/calling/calls", "gateway": "/api/v1/sessions/s-1/commands/answer",
             "canonical": "/v1/calls"}  # fmt: skip

    async def main() -> None:
        async with wired(app, vendor) as w:
            for headers in ({}, {"Authorization": "Bearer nope", "X-App-ID": "app_sim", "X-API-Key": "nope"}):
                response = await w.http.post(paths[app], json={}, headers=headers)
                assert response.status_code == 401
                with pytest.raises(callglot.ProviderError) as caught:  # the app dialect's 401 form
                    callglot.get_dialect(app).decode_response(callglot.HttpResponse(status=401, body=response.json()))
                assert caught.value.status == 401
            assert w.sim.calls() == []  # nothing was sent

    run(main)


def test_a_vendor_error_comes_back_in_the_apps_dialect() -> None:
    async def main() -> None:
        async with wired("chirp", "signalwire") as w:
            sent = await w.app.send(dial("chirp"))
            app_call = sent.receipt.call.id
            await w.sim.advance(1)
            await w.app.send(Hangup(), call_id=app_call)
            with pytest.raises(callglot.ProviderError) as caught:  # SignalWire's 422 for an ended call
                await w.app.send(Hangup(), call_id=app_call)
            assert caught.value.status == 422
            assert "ended" in caught.value.message
            with pytest.raises(callglot.ProviderError) as unknown:  # a call the proxy never saw
                await w.app.send(Hangup(), call_id="call_000000000000000000000000000")
            assert unknown.value.status == 404

    run(main)


def test_a_webhook_with_a_bad_signature_is_refused_and_not_forwarded() -> None:
    async def main() -> None:
        async with wired("chirp", "signalwire") as w:
            body = {
                "event_type": "calling.call.state",
                "params": {"call_id": "3fa85f64-5717-4562-b3fc-2c963f66afa6", "call_state": "created"},
            }
            raw = json.dumps(body).encode()
            forged = SignalWireSignature("not-the-key").sign(f"{PUBLIC}/hooks/signalwire", raw)
            for headers in (forged, {}):
                response = await w.http.post("/hooks/signalwire", content=raw, headers=headers)
                assert response.status_code == 401
            assert w.receiver.requests == []

    run(main)


def test_an_event_the_apps_dialect_cannot_say_is_dropped_and_the_vendor_answered() -> None:
    async def main() -> None:
        async with wired("chirp", "signalwire") as w:
            sent = await w.app.send(dial("chirp"))
            await w.sim.advance(1)
            await w.app.send(Play(media=(Audio(url=MEDIA),)), call_id=sent.receipt.call.id)
            await w.sim.advance(5)
            [vendor_call] = w.sim.calls()
            plays = [h for h in w.sim.history(vendor_call)["webhooks"] if h["event"] == "PlaybackEvent"]
            assert [h["attempts"][-1]["status"] for h in plays] == [200, 200]  # taken, though Chirp has none
            assert all(type(e) is ev.CallStateChanged for e in w.receiver.events("chirp"))

    run(main)


def test_when_the_app_is_down_the_vendor_is_told_so_and_retries() -> None:
    async def main() -> None:
        async with wired("gateway", "chirp") as w:
            w.receiver.down = True
            vendor_call = w.sim.place_call(source=CALLER, destination=CALLEE)
            await w.sim.advance(0)
            first = w.sim.history(vendor_call)["webhooks"][0]
            assert [a["status"] for a in first["attempts"]] == [502]  # the proxy answered after the app failed
            w.receiver.down = False
            await w.sim.advance(1)  # Chirp retries after 1 s
            assert [a["status"] for a in first["attempts"]] == [502, 200]
            assert w.receiver.events("gateway")[0].state is ev.CallState.CREATED

    run(main)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(body=any_json(), path=st.sampled_from(["/v1/calls", "/v1/calls/call_x/commands", "/other", "/hooks/signalwire"]))
def test_any_input_is_answered_in_the_apps_dialect_never_with_a_500(body: Any, path: str) -> None:
    async def main() -> None:
        async with wired("chirp", "signalwire") as w:
            headers = {"Authorization": "Bearer sk_test_app_sim1"}
            response = await w.http.post(path, content=json.dumps(body), headers=headers)
            assert response.status_code < 500
            if path != "/hooks/signalwire" and response.status_code >= 400:
                with pytest.raises(callglot.ProviderError):  # Chirp's error form
                    callglot.get_dialect("chirp").decode_response(
                        callglot.HttpResponse(status=response.status_code, body=response.json())
                    )

    run(main)


def test_health_and_metrics() -> None:
    async def main() -> None:
        async with wired("chirp", "signalwire") as w:
            await w.app.send(dial("chirp"))
            await w.sim.advance(1)
            assert (await w.http.get("/healthz")).json() == {"ok": True}
            metrics = (await w.http.get("/metrics")).text
            assert 'callglot_proxy_requests_total{route="command",status="200"} 1.0' in metrics
            assert 'callglot_proxy_deliveries_total{result="delivered"} 3.0' in metrics

    run(main)


@pytest.mark.parametrize(
    ("change", "key"),
    [
        (lambda d: d.pop("public_url"), "public_url"),
        (lambda d: d.update(policy="loose"), "policy"),
        (lambda d: d["app"].update(dialect="telnyx"), "app.dialect"),
        (lambda d: d["vendor"]["credentials"].update(token="PT-in-the-file"), "vendor.credentials.token"),
        (lambda d: d["app"].update(signing_key="plain-secret"), "app.signing_key"),
        (lambda d: d["vendor"].pop("base_url"), "vendor.base_url"),
        (lambda d: d["app"].update(webhook_url="http://10.0.0.8/hooks"), "app.webhook_url"),
        (lambda d: d.update(extra=1), "extra"),
        (lambda d: d["vendor"].update(dialect="chirp", credentials={"api_key": "env:APP_API_KEY"}), "vendor.dialect"),
    ],
)
def test_a_bad_config_is_refused_at_start_with_the_key_and_the_reason(change: Any, key: str) -> None:
    data = config_data("chirp", "signalwire")
    change(data)
    with pytest.raises(ConfigError) as caught:
        parse_config(data, environment("chirp", "signalwire"))
    assert caught.value.key == key
    with pytest.raises(ConfigError, match="APP_API_KEY is not set"):
        parse_config(config_data("chirp", "signalwire"), {})


def test_scripted_far_ends_reach_the_app_through_the_proxy() -> None:
    async def main() -> None:
        async with wired("canonical", "signalwire") as w:  # (the canonical form says every cause)
            w.sim.script(CALLEE, FarEnd(busy=True))
            await w.app.send(dial("canonical"))
            await w.sim.advance(5)
            [*_, last] = w.receiver.events("canonical")
            assert (last.state, last.cause) == (ev.CallState.ENDED, callglot.canonical.HangupCause.USER_BUSY)

    run(main)


@pytest.mark.parametrize("app", ["chirp", "gateway", "canonical"])
def test_an_answer_on_a_signalwire_vendor_is_acknowledged_once_the_numbers_swml_answered(app: str) -> None:
    # SignalWire's REST API has no answer: the SWML attached to the number answers, and the proxy
    # acknowledges the app's answer from the call's state, sending the vendor nothing.
    async def main() -> None:
        async with wired(app, "signalwire") as w:
            w.sim.attach_swml(CALLEE, ANSWERING_SWML)
            vendor_call = w.sim.place_call(source=CALLER, destination=CALLEE)
            await w.sim.advance(0)
            states = app_states(w, app)  # (the gateway has no ringing event)
            assert (states[0], states[-1]) == ("created", "answered")
            app_call = w.receiver.events(app)[0].call_id
            sent = await w.app.send(Answer(), call_id=app_call, command_id="ans-1" if app != "chirp" else None)
            assert sent.receipt.status is not ev.ReceiptStatus.QUEUED
            await w.app.send(Hangup(), call_id=app_call)
            await w.sim.advance(0)
            assert app_states(w, app)[-1] == "ended"
            assert [c["command"] for c in w.sim.history(vendor_call)["commands"]] == ["hangup"]
            verify_app_signatures(w, app)

    run(main)


@pytest.mark.parametrize("app", ["chirp", "gateway", "canonical"])
def test_an_answer_on_a_signalwire_vendor_whose_number_does_not_answer_is_refused_after_a_wait(
    app: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(callglot.proxy._app, "ANSWER_WAIT", 0.2)

    async def main() -> None:
        async with wired(app, "signalwire") as w:
            vendor_call = w.sim.place_call(source=CALLER, destination=CALLEE)  # no SWML: it only rings
            await w.sim.advance(0)
            app_call = w.receiver.events(app)[0].call_id
            with pytest.raises(callglot.ProviderError) as refused:
                await w.app.send(Answer(), call_id=app_call, command_id="ans-1" if app != "chirp" else None)
            assert refused.value.status == 409
            assert "SWML attached to the number" in refused.value.message
            assert "ringing" in refused.value.message
            assert w.sim.history(vendor_call)["commands"] == []

    run(main)


def test_an_answer_sent_before_the_vendors_answered_event_arrives_waits_for_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The app answers as soon as it is offered the call; the vendor's answered event reaches the proxy
    # a moment later (here: told to the store, as the proxy's webhook route does), and the answer is
    # acknowledged then, not refused.
    async def main() -> None:
        async with wired("chirp", "signalwire") as w:
            vendor_call = w.sim.place_call(source=CALLER, destination=CALLEE)
            await w.sim.advance(0)
            app_call = w.receiver.events("chirp")[0].call_id
            store = w.proxy_app.state.proxy.store
            assert await store.call_state(vendor_call) == "ringing"
            async with anyio.create_task_group() as tasks:

                async def vendor_answers() -> None:
                    await anyio.sleep(0.3)
                    await store.set_call_state(vendor_call, "answered")

                tasks.start_soon(vendor_answers)
                sent = await w.app.send(Answer(), call_id=app_call)
            assert sent.receipt.command == "answer"
            assert w.sim.history(vendor_call)["commands"] == []

    run(main)


def test_stop_any_audio_skips_a_playback_the_vendor_had_already_ended() -> None:
    # play, play, stop_audio before the first play's finished webhook: the proxy still holds both plays;
    # the vendor says 404 for the stale one, and the one that runs is stopped all the same.
    async def main() -> None:
        async with wired("chirp", "signalwire") as w:
            call_id = (await w.app.send(dial("chirp"))).receipt.call.id
            await w.sim.advance(1)
            for _ in range(2):
                await w.app.send(Play(media=(Audio(url=MEDIA),)), call_id=call_id)
            sent = await w.app.send(StopPlayback(), call_id=call_id)
            assert sent.receipt.status is ev.ReceiptStatus.ACCEPTED
            [vendor_call] = w.sim.calls()
            stops = [c for c in w.sim.history(vendor_call)["commands"] if c["command"] == "stop_playback"]
            assert [c["status"] for c in stops] == [404, 200]
            plays = [
                c["body"]["params"]["control_id"]
                for c in w.sim.history(vendor_call)["commands"]
                if c["command"] == "play"
            ]
            assert stops[1]["body"]["params"]["control_id"] == plays[1]
            with pytest.raises(callglot.ProviderError) as nothing:  # nothing left to stop
                await w.app.send(StopPlayback(), call_id=call_id)
            assert nothing.value.status == 404

    run(main)


@pytest.mark.parametrize(("app", "schedule"), [("chirp", (1, 2, 4, 8, 16)), ("gateway", (1, 2, 4)), ("signalwire", ())])
def test_redis_mode_retries_the_app_on_its_own_dialects_schedule_unless_the_config_says(
    app: str, schedule: tuple[float, ...]
) -> None:
    vendor = "chirp" if app != "chirp" else "signalwire"
    assert parse_config(config_data(app, vendor), environment(app, vendor)).delivery_schedule == schedule
    given = parse_config(config_data(app, vendor, delivery_schedule=[0.5, 5]), environment(app, vendor))
    assert given.delivery_schedule == (0.5, 5.0)


_STARTS_LOADED = """
import asyncio, json, sys
from callglot.proxy import create_app, parse_config
data, env = json.loads(sys.argv[1]), json.loads(sys.argv[2])
proxy = create_app(parse_config(data, env)).state.proxy
lazy = ["httpx", "callglot.transport", "callglot.adapters.chirp.events", "callglot.adapters.chirp.responses",
        "callglot.adapters.signalwire.events", "callglot.adapters.signalwire.responses"]
before = [name for name in lazy if name in sys.modules]
async def main():
    await proxy.start()
    after = [name for name in lazy if name in sys.modules]
    await proxy.aclose()
    return after
print(json.dumps({"lazy": lazy, "before": before, "after": asyncio.run(main())}))
"""


def test_the_proxy_loads_its_clients_and_codecs_at_start_not_on_the_first_request() -> None:
    # Served, the lifespan's start runs before the heap is frozen and the first request arrives: the
    # first request then pays no import (httpx alone is ~100 ms). A fresh interpreter: nothing else loaded them.
    import subprocess
    import sys

    data, env = config_data("chirp", "signalwire"), environment("chirp", "signalwire")
    run = subprocess.run(
        [sys.executable, "-c", _STARTS_LOADED, json.dumps(data), json.dumps(env)],
        capture_output=True, text=True, timeout=120, check=True,
    )  # fmt: skip
    seen = json.loads(run.stdout)
    assert seen["before"] == []  # building the app loads none of them...
    assert seen["after"] == seen["lazy"]  # ...starting it loads all
