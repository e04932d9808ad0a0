"""The vendor simulator: each dialect's wire, call and operation lifecycles, webhooks, control API, faults.

The transport client drives the calls (in process here; over loopback sockets in
test_simulator_server.py); every webhook the simulator sends is checked against the dialect's
events schema, decoded with callglot's decoder and, with a signing key, verified.
"""

from __future__ import annotations

import base64
import itertools
import json
import re
from typing import Any

import anyio
import pytest
from sim_harness import CREDENTIALS, HOOKS, SIGNING_KEY, harness

import callglot
from callglot.canonical import (
    Answer,
    Collect,
    Dial,
    DigitCollect,
    Hangup,
    Play,
    Record,
    Reject,
    StopPlayback,
    StopRecording,
)
from callglot.canonical import events as ev
from callglot.canonical.types import Audio, Destination, HangupCause, Silence
from callglot.signatures import SharedSecretHeader, SignalWireSignature
from callglot.simulator import RETRY_SCHEDULES, FarEnd, Faults, VirtualClock
from callglot.simulator._app import EPOCH

CALLER, CALLEE = "+15550001111", "+15550002222"
MEDIA = "https://media.example.com/hello.wav"
DIALING = ("chirp", "signalwire", "canonical")  # the gateway places no calls: its calls are inbound


def run(coroutine_function: Any) -> Any:
    return anyio.run(coroutine_function)


def dial(dialect: str, **extra: Any) -> Dial:
    if dialect == "signalwire":  # a SignalWire dial needs its call script; status events: all four
        extra.setdefault("swml_url", "https://example.com/app.swml")
        extra.setdefault("status_url", HOOKS)
        extra.setdefault("status_events", ("created", "ringing", "answered", "ended"))
    return Dial(source=Destination(address=CALLER), destination=Destination(address=CALLEE), **extra)


def play(dialect: str, control_id: str = "play-1", *media: Any) -> Play:
    extra = {"control_id": control_id, "status_url": HOOKS} if dialect == "signalwire" else {}
    return Play(media=media or (Audio(url=MEDIA),), **extra)


async def answered_call(h: Any, dialect: str) -> str:
    """A call in the answered state: dialled (answered by the far end after 1 s) or inbound and answered."""
    if dialect in DIALING:
        sent = await h.client.send(dial(dialect))
        call_id = sent.receipt.call_id or sent.receipt.call.id
    else:
        call_id = h.sim.place_call(source=CALLER, destination=CALLEE)
        await h.sim.advance(0)
        await h.client.send(Answer(), call_id=call_id, command_id="answer-1")
    await h.sim.advance(1)
    assert h.sim.history(call_id)["state"] == "answered"
    return call_id


def states(events: list[Any]) -> list[str]:
    return [e.state.value for e in events if isinstance(e, ev.CallStateChanged)]


# ---------------------------------------------------------------- lifecycles


WIRE_STATES = {  # each dialect's own names for created, ringing, answered, ended
    "chirp": ["calls.initiated", "calls.ringing", "calls.answered", "calls.completed"],
    "signalwire": ["created", "ringing", "answered", "ended"],
    "canonical": ["created", "ringing", "answered", "ended"],
}


@pytest.mark.parametrize("dialect", DIALING)
def test_an_outbound_call_rings_is_answered_and_ends_in_the_vendors_own_state_names(dialect: str) -> None:
    async def main() -> None:
        async with harness(dialect, signing_key=SIGNING_KEY) as h:
            sent = await h.client.send(dial(dialect))
            call_id = sent.receipt.call_id or sent.receipt.call.id
            await h.sim.advance(1)
            await h.client.send(Hangup(), call_id=call_id)
            await h.sim.advance(0)
            events = h.receiver.events(dialect)
            assert states(events) == ["created", "ringing", "answered", "ended"]
            assert {e.call_id for e in events} == {call_id}
            bodies = h.receiver.bodies()
            key = {"chirp": ("event",), "signalwire": ("params", "call_state"), "canonical": ("state",)}[dialect]
            said = [body[key[0]] if len(key) == 1 else body[key[0]][key[1]] for body in bodies]
            assert said == WIRE_STATES[dialect]
            stamps = [e.timestamp - EPOCH for e in events if e.timestamp is not None]
            assert stamps == sorted(stamps)  # virtual time, in order
            for request in h.receiver.requests:  # signed the vendor's way
                if dialect == "signalwire":
                    SignalWireSignature(SIGNING_KEY).verify(request["url"], request["raw"], request["headers"])
                else:
                    SharedSecretHeader(SIGNING_KEY).verify(request["headers"])

    run(main)


def test_an_inbound_call_is_offered_answered_and_reported_by_the_gateway_with_its_session() -> None:
    async def main() -> None:
        async with harness("gateway", signing_key=SIGNING_KEY) as h:
            call_id = h.sim.place_call(source=CALLER, destination=CALLEE)
            await h.sim.advance(0)
            sent = await h.client.send(Answer(), call_id=call_id, command_id="answer-1")
            assert sent.receipt.status is ev.ReceiptStatus.IN_PROGRESS
            await h.sim.advance(0)
            await h.client.send(Hangup(cause=HangupCause.USER_BUSY), call_id=call_id, command_id="bye-1")
            await h.sim.advance(0)
            events = h.receiver.events("gateway")
            assert states(events) == ["created", "answered", "ended"]  # the gateway has no ringing event
            new, answered, hangup = (e for e in events if isinstance(e, ev.CallStateChanged))
            assert (new.direction, new.source, new.destination) == (ev.CallDirection.INBOUND, CALLER, CALLEE)
            assert answered.command_id == "answer-1"  # call.answered carries the answer's command_uid
            assert (hangup.cause, hangup.command_id) == (HangupCause.USER_BUSY, "bye-1")
            results = [e for e in events if isinstance(e, ev.CommandResult)]
            assert [(r.command_id, r.success) for r in results] == [("answer-1", True), ("bye-1", True)]
            assert [e.sequence for e in events] == list(range(1, len(events) + 1))  # per session, from 1
            assert h.receiver.bodies()[0]["session_uuid"] == call_id
            for request in h.receiver.requests:
                SharedSecretHeader(SIGNING_KEY).verify(request["headers"])

    run(main)


@pytest.mark.parametrize(
    ("far_end", "expected"),
    [
        (FarEnd(busy=True), ("ended", HangupCause.USER_BUSY)),
        (FarEnd(answer_after=None), ("ended", HangupCause.NO_ANSWER)),
        (FarEnd(fail=True), ("failed", HangupCause.NORMAL_TEMPORARY_FAILURE)),
        (FarEnd(answer_after=2, hangup_after=5), ("ended", HangupCause.NORMAL_CLEARING)),
    ],
)
def test_a_scripted_callee_is_busy_does_not_answer_fails_or_hangs_up(far_end: FarEnd, expected: Any) -> None:
    async def main() -> None:
        async with harness("canonical") as h:
            h.sim.script(CALLEE, far_end)
            sent = await h.client.send(dial("canonical"))
            await h.sim.advance(60)
            history = h.sim.history(sent.receipt.call_id)
            assert (history["state"], history["cause"]) == (expected[0], expected[1].value)
            last = h.receiver.events("canonical")[-1]
            assert (last.state.value, last.cause) == expected

    run(main)


def test_signalwire_sends_only_the_status_events_the_dial_asked_for_ended_by_default() -> None:
    async def main() -> None:
        async with harness("signalwire") as h:
            await h.client.send(dial("signalwire", status_events=None))
            await h.sim.advance(5)
            sent = await h.client.send(dial("signalwire", status_events=("answered",)))
            await h.sim.advance(5)
            await h.client.send(Hangup(), call_id=sent.receipt.call.id)
            await h.sim.advance(0)
            assert states(h.receiver.events("signalwire")) == ["answered"]

    run(main)


# ---------------------------------------------------------------- operations


def test_a_playback_finishes_after_its_media_and_a_stop_names_its_control_id() -> None:
    async def main() -> None:
        async with harness("signalwire") as h:
            call_id = await answered_call(h, "signalwire")
            start = h.sim.clock.now()
            await h.client.send(play("signalwire", "p1", Audio(url=MEDIA), Silence(duration=2)), call_id=call_id)
            await h.client.send(play("signalwire", "p2"), call_id=call_id)  # the last one wins: p1 stops
            await h.sim.advance(10)
            plays = [e for e in h.receiver.events("signalwire") if isinstance(e, ev.PlaybackEvent)]
            assert [(e.control_id, e.state.value) for e in plays] == [
                ("p1", "started"), ("p1", "finished"), ("p2", "started"), ("p2", "finished"),
            ]  # fmt: skip
            assert plays[-1].timestamp - EPOCH == pytest.approx(start + 3.0)  # an audio file lasts 3 s
            with pytest.raises(callglot.ProviderError) as caught:  # nothing left to stop
                await h.client.send(StopPlayback(control_id="p2"), call_id=call_id)
            assert caught.value.status == 404

    run(main)


def test_chirps_stop_audio_stops_every_playback() -> None:
    async def main() -> None:
        async with harness("chirp") as h:
            call_id = await answered_call(h, "chirp")
            await h.client.send(play("chirp", "x", Audio(url=MEDIA)), call_id=call_id)
            await h.client.send(StopPlayback(), call_id=call_id)
            await h.sim.advance(0)
            history = h.sim.history(call_id)
            assert [c["command"] for c in history["commands"]] == ["dial", "play", "stop_playback"]
            assert [w["event"] for w in history["webhooks"]][-2:] == ["PlaybackEvent", "PlaybackEvent"]
            assert all("cannot express PlaybackEvent" in w["skipped"] for w in history["webhooks"][-2:])

    run(main)


def test_the_gateways_playback_stop_reports_the_original_command_uid() -> None:
    async def main() -> None:
        async with harness("gateway") as h:
            call_id = await answered_call(h, "gateway")
            await h.client.send(play("gateway"), call_id=call_id, command_id="pb-1")
            await h.client.send(StopPlayback(), call_id=call_id, command_id="stop-1")
            await h.sim.advance(0)
            bodies = h.receiver.bodies()
            stopped = [b for b in bodies if b["event"] == "playback.stopped"]
            assert [b["data"]["command_uid"] for b in stopped] == ["pb-1"]

    run(main)


@pytest.mark.parametrize(("far_end", "expected"), [
    (FarEnd(digits="1234#"), {"kind": "digit", "digits": "1234"}),
    (FarEnd(), {"kind": "no_input"}),
])  # fmt: skip
def test_a_collect_ends_with_what_the_caller_pressed_or_times_out(far_end: FarEnd, expected: dict[str, Any]) -> None:
    async def main() -> None:
        async with harness("signalwire") as h:
            h.sim.script(CALLEE, far_end)
            call_id = await answered_call(h, "signalwire")
            collect = Collect(digits=DigitCollect(max=4), control_id="c1", status_url=HOOKS, initial_timeout=4)
            await h.client.send(collect, call_id=call_id)
            await h.sim.advance(10)
            [result] = [e for e in h.receiver.events("signalwire") if isinstance(e, ev.CollectResult)]
            assert {k: getattr(result, k).value if k == "kind" else getattr(result, k) for k in expected} == expected
            assert result.control_id == "c1"

    run(main)


def test_a_recording_stops_with_its_url_duration_and_size() -> None:
    async def main() -> None:
        async with harness("canonical") as h:
            call_id = await answered_call(h, "canonical")
            await h.client.send(Record(), call_id=call_id)
            await h.sim.advance(7.5)
            await h.client.send(StopRecording(), call_id=call_id)
            await h.sim.advance(0)
            [*_, done] = [e for e in h.receiver.events("canonical") if isinstance(e, ev.RecordingEvent)]
            assert done.state is ev.OperationState.FINISHED
            assert done.duration == 7.5
            assert done.url.startswith("https://recordings.sim.callglot.dev/")

    run(main)


# ---------------------------------------------------------------- refusals, in the vendor's words


UNKNOWN_CALLS = {
    "chirp": "call_000000000000000000000000000",
    "signalwire": "3fa85f64-5717-4562-b3fc-2c963f66afa6",
    "gateway": "sim01-3fa85f64-5717-4562-b3fc-2c963f66afa6",
    "canonical": "nope-1",
}


@pytest.mark.parametrize("dialect", ["chirp", "signalwire", "gateway", "canonical"])
def test_refusals_come_in_the_vendors_error_form(dialect: str) -> None:
    async def main() -> None:
        async with harness(dialect) as h:
            with pytest.raises(callglot.ProviderError) as unknown:
                await h.client.send(Hangup(), call_id=UNKNOWN_CALLS[dialect])
            assert unknown.value.status == 404
            call_id = await answered_call(h, dialect)
            if dialect in ("chirp", "canonical"):  # (SignalWire's REST API has no answer to send)
                with pytest.raises(callglot.ProviderError) as outbound:  # the callee answers an outbound call
                    await h.client.send(Answer(), call_id=call_id)
                assert outbound.value.status == 409
            await h.client.send(Hangup(), call_id=call_id)
            await h.sim.advance(0)
            with pytest.raises(callglot.ProviderError) as ended:
                await h.client.send(play(dialect), call_id=call_id)
            assert ended.value.status == (422 if dialect == "signalwire" else 409)
            assert "ended" in ended.value.message

    run(main)


def test_signalwire_refuses_an_update_the_way_its_state_rules_say() -> None:
    async def main() -> None:
        async with harness("signalwire") as h:
            call_id = await answered_call(h, "signalwire")
            update = {"command": "update", "params": {"id": call_id, "status": "canceled"}}
            response = await h.http.post("/api/calling/calls", json=update, headers=GOOD_HEADERS["signalwire"])
            assert response.status_code == 422  # status canceled once answered
            [error] = response.json()["errors"]
            assert "only while the call is queued or ringing" in error["message"]
            assert (error["type"], error["code"]) == ("validation_error", "invalid_state")
            assert h.sim.history(call_id)["state"] == "answered"

    run(main)


def test_an_inbound_call_can_be_rejected_but_not_hung_up_before_it_is_answered_twice() -> None:
    async def main() -> None:
        async with harness("chirp") as h:
            call_id = h.sim.place_call(source=CALLER, destination=CALLEE)
            await h.sim.advance(0)
            await h.client.send(Reject(), call_id=call_id)
            await h.sim.advance(0)
            assert h.sim.history(call_id)["cause"] == "CALL_REJECTED"
            other = h.sim.place_call(source=CALLER, destination=CALLEE)
            await h.sim.advance(0)
            await h.client.send(Answer(), call_id=other)
            await h.sim.advance(0)
            with pytest.raises(callglot.ProviderError) as caught:
                await h.client.send(Answer(), call_id=other)
            assert (caught.value.status, caught.value.code) == (409, "already_answered")

    run(main)


AUTH_HEADERS = {
    "chirp": {"Authorization": "Bearer sk_test_app_wrong"},
    "signalwire": {"Authorization": "Basic " + base64.b64encode(b"proj-sim:wrong").decode()},
    "gateway": {"X-App-ID": "app_sim", "X-API-Key": "wrong"},
    "canonical": {"Authorization": "Bearer wrong"},
}
GOOD_HEADERS = {
    "chirp": {"Authorization": "Bearer " + CREDENTIALS["chirp"]["api_key"]},
    "signalwire": {"Authorization": "Basic " + base64.b64encode(b"proj-sim:PT-sim-1").decode()},
    "gateway": {"X-App-ID": "app_sim", "X-API-Key": "gw-sim-1"},
    "canonical": {"Authorization": "Bearer canonical-sim-1"},
}
PATHS = {
    "chirp": "/v1/calls",
    "signalwire": "/api/calling/calls",
    "gateway": "/api/v1/sessions/sim01-x/commands/answer",
    "canonical": "/v1/calls",
}
ERROR_BODIES = {
    "chirp": {"error": {"type": "authentication_error", "message": "Unauthorized"}},
    "signalwire": {"error": "Unauthorized"},
    "gateway": {"success": False, "error": "Unauthorized"},
    "canonical": {"error": {"message": "Unauthorized"}},
}


@pytest.mark.parametrize("dialect", ["chirp", "signalwire", "gateway", "canonical"])
def test_wrong_credentials_get_the_vendors_401_and_nothing_happens(dialect: str) -> None:
    async def main() -> None:
        async with harness(dialect) as h:
            for headers in (AUTH_HEADERS[dialect], {}):
                response = await h.http.post(PATHS[dialect], json={}, headers=headers)
                assert (response.status_code, response.json()) == (401, ERROR_BODIES[dialect])
            assert h.sim.calls() == []

    run(main)


def test_any_credentials_of_the_right_form_pass_when_none_are_configured() -> None:
    async def main() -> None:
        async with harness("gateway", credentials=None) as h:
            call_id = h.sim.place_call(source=CALLER, destination=CALLEE)
            headers = {"X-App-ID": "any_app", "X-API-Key": "any"}
            ok = await h.http.post(f"/api/v1/sessions/{call_id}/commands/answer", json={}, headers=headers)
            assert ok.status_code == 202
            bad = await h.http.post(f"/api/v1/sessions/{call_id}/commands/answer", json={}, headers={"X-App-ID": "a b"})
            assert bad.status_code == 401

    run(main)


@pytest.mark.parametrize(("dialect", "status"), [("chirp", 400), ("signalwire", 422), ("gateway", 400)])
def test_a_malformed_command_is_refused_with_its_json_path(dialect: str, status: int) -> None:
    bodies = {
        "chirp": ("/v1/calls/call_x/commands", {"type": "play", "audioUrl": 5}),
        "signalwire": ("/api/calling/calls", {"command": "calling.play", "id": "x", "params": {"play": "no"}}),
        "gateway": ("/api/v1/sessions/s-1/commands/playback/start", {"urls": []}),
    }

    async def main() -> None:
        async with harness(dialect) as h:
            path, body = bodies[dialect]
            response = await h.http.post(path, json=body, headers=GOOD_HEADERS[dialect])
            assert response.status_code == status
            with pytest.raises(callglot.ProviderError) as caught:  # the vendor's error form, with the path
                callglot.get_dialect(dialect).decode_response(
                    callglot.HttpResponse(status=response.status_code, body=response.json())
                )
            assert "$" in (caught.value.parameter or caught.value.message)

    run(main)


# ---------------------------------------------------------------- the control API


def test_the_http_control_api_places_calls_scripts_advances_reads_and_resets() -> None:
    async def main() -> None:
        async with harness("chirp") as h:
            placed = await h.http.post(
                "/_sim/calls", json={"from": CALLER, "to": CALLEE, "far_end": {"hangup_after": 3}}
            )
            assert placed.status_code == 201
            call_id = placed.json()["call_id"]
            assert call_id.startswith("call_")
            assert (await h.http.post("/_sim/far_ends", json={"number": CALLEE, "busy": True})).json() == {"ok": True}
            assert (await h.http.post("/_sim/advance", json={"seconds": 5})).json() == {"now": 5.0}
            history = (await h.http.get(f"/_sim/calls/{call_id}")).json()
            assert (history["state"], history["direction"]) == ("ended", "inbound")
            assert [w["event"] for w in history["webhooks"]] == ["CallStateChanged"] * 3
            assert all(w["delivered"] for w in history["webhooks"])
            assert (await h.http.get("/_sim/calls")).json() == {"calls": [call_id]}
            assert (await h.http.post("/_sim/reset")).json() == {"ok": True}
            assert (await h.http.get("/_sim/calls")).json() == {"calls": []}
            assert (await h.http.get(f"/_sim/calls/{call_id}")).status_code == 404
            bad = await h.http.post("/_sim/calls", json={"from": CALLER, "to": CALLEE, "far_end": {"ring": 1}})
            assert bad.status_code == 400
            assert "unknown key(s) ring" in bad.json()["error"]

    run(main)


ANSWERING_SWML = {"version": "1.0.0", "sections": {"main": [{"answer": {}}, {"play": {"url": "silence:60"}}]}}


@pytest.mark.parametrize(
    ("swml", "expected"),
    [
        (ANSWERING_SWML, ["created", "ringing", "answered"]),
        ({"sections": {"main": ["answer", "hangup", "answer"]}}, ["created", "ringing", "answered", "ended"]),
        ({"sections": {"main": [{"hangup": {}}]}}, ["created", "ringing", "ended"]),
        ({"sections": {"main": [{"play": {"url": "silence:1"}}, {"answer": {}}]}}, ["created", "ringing"]),
    ],
)
def test_a_signalwire_numbers_swml_runs_its_leading_answer_and_hangup_on_inbound_calls(
    swml: dict[str, Any], expected: list[str]
) -> None:
    async def main() -> None:
        async with harness("signalwire") as h:
            h.sim.attach_swml(CALLEE, swml)
            call_id = h.sim.place_call(source=CALLER, destination=CALLEE)
            other = h.sim.place_call(source=CALLER, destination=CALLER)  # a number without SWML only rings
            await h.sim.advance(1)
            assert states([e for e in h.receiver.events("signalwire") if e.call_id == call_id]) == expected
            assert states([e for e in h.receiver.events("signalwire") if e.call_id == other]) == ["created", "ringing"]
            if expected[-1] == "answered":  # answered by the number: REST commands now act on it
                await h.client.send(play("signalwire"), call_id=call_id)

    run(main)


@pytest.mark.parametrize(
    ("swml", "path"),
    [
        ([{"answer": {}}], "swml"),
        ({"version": "1.0.0"}, "swml.sections.main"),
        ({"sections": {"main": {"answer": {}}}}, "swml.sections.main"),
        ({"sections": {"main": [{"answer": {}, "hangup": {}}]}}, "swml.sections.main[0]"),
        ({"sections": {"main": [{"answer": {}}, 7]}}, "swml.sections.main[1]"),
    ],
)
def test_a_numbers_swml_that_is_no_document_is_refused_with_its_path(swml: Any, path: str) -> None:
    async def main() -> None:
        async with harness("signalwire") as h:
            with pytest.raises(ValueError, match=rf"^{re.escape(path)}:"):
                h.sim.attach_swml(CALLEE, swml)
            refused = await h.http.post("/_sim/numbers", json={"number": CALLEE, "swml": swml})
            assert refused.status_code == 400
            assert refused.json()["error"].startswith(path + ":")
            taken = await h.http.post("/_sim/numbers", json={"number": CALLEE, "swml": ANSWERING_SWML})
            assert taken.json() == {"ok": True}

    run(main)


@pytest.mark.parametrize("dialect", ["chirp", "gateway", "canonical"])
def test_only_signalwire_numbers_run_swml(dialect: str) -> None:
    async def main() -> None:
        async with harness(dialect) as h:
            with pytest.raises(ValueError, match="only SignalWire numbers run SWML"):
                h.sim.attach_swml(CALLEE, ANSWERING_SWML)

    run(main)


# ---------------------------------------------------------------- faults


def test_chirps_documented_rate_limit_answers_429_with_retry_after() -> None:
    async def main() -> None:
        async with harness("chirp", faults=Faults(rate_limit=True)) as h:
            headers = {"Authorization": "Bearer " + CREDENTIALS["chirp"]["api_key"]}
            answers = [
                (await h.http.post("/v1/calls/call_x/commands", json={"type": "hangup"}, headers=headers))
                for _ in range(121)
            ]
            assert [a.status_code for a in answers[:120]] == [404] * 120  # counted, then refused: no such call
            limited = answers[120]
            assert limited.status_code == 429
            assert limited.headers["Retry-After"] == "60"
            assert limited.headers["X-RateLimit-Limit"] == "120"
            assert limited.json() == {"error": "Rate limit exceeded. Try again in 60 seconds."}
            await h.sim.advance(60)
            again = await h.http.post("/v1/calls/call_x/commands", json={"type": "hangup"}, headers=headers)
            assert again.status_code == 404

    run(main)


def test_a_rate_limit_the_vendor_does_not_document_must_be_given() -> None:
    with pytest.raises(ValueError, match="signalwire documents no rate limit"):
        callglot.simulator.Simulator("signalwire", faults=Faults(rate_limit=True))
    assert Faults(rate_limit=30).limit_for("signalwire") == (30, 60.0)


def test_injected_5xx_refuses_the_command_before_it_takes_effect() -> None:
    async def main() -> None:
        async with harness("canonical", faults=Faults(error_rate=1.0)) as h:
            with pytest.raises(callglot.ProviderError) as caught:
                await h.client.send(dial("canonical"))
            assert caught.value.status == 503
            assert h.sim.calls() == []

    run(main)


def test_duplicated_delayed_and_reordered_webhooks() -> None:
    async def main() -> None:
        async with harness("chirp", faults=Faults(duplicate_webhooks=1.0, webhook_delay=2.0)) as h:
            await h.client.send(dial("chirp"))
            await h.sim.advance(1.5)
            assert h.receiver.requests == []  # every webhook waits 2 s
            await h.sim.advance(2)
            ids = [b["eventId"] for b in h.receiver.bodies()]
            assert len(ids) == 6  # created, ringing, answered: each twice, with the same eventId
            assert ids[::2] == ids[1::2]
        async with harness("chirp", faults=Faults(reorder_webhooks=True), seed=3) as h:
            for _ in range(4):
                await h.client.send(dial("chirp"))
            await h.sim.advance(0)
            sent = [b["eventId"] for b in h.receiver.bodies()]
            made = [w["body"]["eventId"] for c in h.sim.calls() for w in h.sim.history(c)["webhooks"]]
            assert sorted(sent) == sorted(made)
            assert sent != sorted(sent, key=made.index)  # this seed shuffles them

    run(main)


@pytest.mark.parametrize("dialect", ["chirp", "gateway", "signalwire"])
def test_a_receiver_that_is_down_is_retried_on_the_vendors_schedule(dialect: str) -> None:
    async def main() -> None:
        async with harness(dialect) as h:
            h.receiver.down = True
            if dialect == "gateway":
                h.sim.place_call(source=CALLER, destination=CALLEE)
            else:
                await h.client.send(
                    dial(dialect, status_events=("created",)) if dialect == "signalwire" else dial(dialect)
                )
            await h.sim.advance(0)
            await h.sim.advance(3600)
            [call_id] = h.sim.calls()
            first = h.sim.history(call_id)["webhooks"][0]
            schedule = RETRY_SCHEDULES[dialect]
            times = [a["at"] for a in first["attempts"]]
            assert len(times) == 1 + len(schedule)
            assert [round(b - a, 6) for a, b in itertools.pairwise(times)] == list(schedule)
            assert first["dead"] is True
            assert first["delivered"] is False

    run(main)


def test_a_receiver_that_comes_back_gets_the_webhook_on_a_retry() -> None:
    async def main() -> None:
        async with harness("chirp") as h:
            h.receiver.down = True
            await h.client.send(dial("chirp"))
            await h.sim.advance(0)
            h.receiver.down = False
            await h.sim.advance(1)
            [call_id] = h.sim.calls()
            first = h.sim.history(call_id)["webhooks"][0]
            assert [a["status"] for a in first["attempts"]] == [503, 200]
            assert first["delivered"] is True

    run(main)


def test_latency_is_waited_before_each_command(monkeypatch: pytest.MonkeyPatch) -> None:
    slept: list[float] = []

    async def fake_sleep(seconds: float) -> None:
        slept.append(seconds)

    async def main() -> None:
        async with harness("canonical", faults=Faults(latency=0.25)) as h:
            monkeypatch.setattr("callglot.simulator._app.asyncio.sleep", fake_sleep)
            await h.client.send(dial("canonical"))
            assert slept == [0.25]

    run(main)


# ---------------------------------------------------------------- determinism


def _transcript(seed: int) -> list[Any]:
    async def main() -> list[Any]:
        async with harness("chirp", seed=seed, faults=Faults(duplicate_webhooks=0.5, reorder_webhooks=True)) as h:
            for _ in range(3):
                await h.client.send(dial("chirp"))
            h.sim.place_call(source=CALLER, destination=CALLEE, far_end=FarEnd(hangup_after=2))
            await h.sim.advance(10)
            return [h.sim.calls(), h.receiver.bodies()]

    result: list[Any] = run(main)
    return result


def test_a_seed_repeats_ids_webhooks_and_faults_exactly() -> None:
    first, again, other = _transcript(7), _transcript(7), _transcript(8)
    assert json.dumps(first) == json.dumps(again)
    assert first[0] != other[0]


def test_real_time_needs_no_advance_and_refuses_one() -> None:
    async def main() -> None:
        from callglot.simulator import RealClock

        async with harness("canonical", clock=RealClock()) as h:
            h.sim.script(CALLEE, FarEnd(answer_after=0.01))
            await h.client.send(dial("canonical"))
            with anyio.fail_after(10):
                while len(h.receiver.requests) < 3:
                    await anyio.sleep(0.01)
            assert states(h.receiver.events("canonical")) == ["created", "ringing", "answered"]
            with pytest.raises(RuntimeError, match="VirtualClock"):
                await h.sim.advance(1)

    run(main)


def test_the_virtual_clock_breaks_ties_in_the_order_timers_were_set() -> None:
    clock = VirtualClock()
    fired: list[str] = []
    for name in "abc":
        clock.call_at(1.0, lambda name=name: fired.append(name))
    handle = clock.call_at(0.5, lambda: fired.append("cancelled"))
    clock.cancel(handle)
    while (callback := clock.pop_due(2.0)) is not None:
        callback()
    assert fired == ["a", "b", "c"]
    assert clock.now() == 1.0


# ---------------------------------------------------------------- each command, accepted or refused, per state

#: One command of each kind the state rules tell apart, as the canonical form says it.
STATE_COMMANDS: dict[str, Any] = {
    "answer": Answer(),
    "reject": Reject(),
    "hangup": Hangup(),
    "play": Play(media=(Audio(url=MEDIA),)),
    "record": Record(),
    "collect": Collect(digits=DigitCollect(max=1)),
}
#: The outcome in each state of an inbound call: ringing (offered), answered, ended.
STATE_RULES: dict[str, tuple[int, int, int]] = {
    "answer": (200, 409, 409),
    "reject": (200, 409, 409),
    "hangup": (200, 200, 409),
    "play": (409, 200, 409),
    "record": (409, 200, 409),
    "collect": (409, 200, 409),
}


@pytest.mark.parametrize("name", sorted(STATE_COMMANDS))
@pytest.mark.parametrize("state", ["ringing", "answered", "ended"])
def test_each_command_is_accepted_or_refused_per_state(name: str, state: str) -> None:
    async def main() -> None:
        async with harness("canonical") as h:
            call_id = h.sim.place_call(source=CALLER, destination=CALLEE)
            await h.sim.advance(0)
            if state != "ringing":
                await h.client.send(Answer(), call_id=call_id)
                await h.sim.advance(0)
            if state == "ended":
                h.sim.hang_up(call_id)
            assert h.sim.history(call_id)["state"] == state
            expected = STATE_RULES[name][["ringing", "answered", "ended"].index(state)]
            try:
                await h.client.send(STATE_COMMANDS[name], call_id=call_id)
                status = 200
            except callglot.ProviderError as refusal:
                status = refusal.status
            assert status == expected
            assert h.sim.history(call_id)["commands"][-1]["status"] == expected

    run(main)


@pytest.mark.parametrize("dialect", ["chirp", "signalwire", "gateway", "canonical"])
def test_receipts_and_errors_validate_against_the_dialects_published_schema(dialect: str) -> None:
    from jsonschema import Draft202012Validator

    from callglot.schemas import load_schema

    schema = load_schema(f"{dialect}.events" if dialect != "canonical" else "canonical")
    names = {"chirp": ("receipt", "call_object", "error_response"), "signalwire": ("call_leg_response", "error_response"),
             "gateway": ("response_accepted", "response_error")}.get(dialect)  # fmt: skip

    async def main() -> list[Any]:
        async with harness(dialect) as h:
            bodies: list[Any] = []
            if dialect in DIALING:
                response = await h.http.post(
                    PATHS[dialect],
                    json=h.client.dialect.encode(dial(dialect)).value.body,
                    headers=GOOD_HEADERS[dialect],
                )
                bodies.append(response.json())
            call_id = h.sim.place_call(source=CALLER, destination=CALLEE)
            await h.sim.advance(0)
            answer = h.client.dialect.encode(Answer() if dialect != "signalwire" else Hangup(), call_id=call_id).value
            ok = await h.http.post(answer.path, json=answer.body, headers=GOOD_HEADERS[dialect])
            again = await h.http.post(answer.path, json=answer.body, headers=GOOD_HEADERS[dialect])
            assert (ok.status_code < 300, again.status_code >= 400) == (True, True)
            bodies += [ok.json(), again.json()]
            return bodies

    bodies = run(main)
    if names is None:  # the canonical form's responses are described in callglot/adapters/canonical.py
        return
    validators = [Draft202012Validator({"$defs": schema["$defs"], "$ref": f"#/$defs/{name}"}) for name in names]
    for body in bodies:
        assert any(v.is_valid(body) for v in validators), body


def test_a_chirp_inbound_call_not_answered_within_30_s_is_rejected_busy() -> None:
    async def main() -> None:
        async with harness("chirp") as h:
            waiting = h.sim.place_call(source=CALLER, destination=CALLEE)
            answered = h.sim.place_call(source=CALLER, destination=CALLEE)
            await h.sim.advance(29)
            await h.client.send(Answer(), call_id=answered)
            await h.sim.advance(2)
            assert (h.sim.history(waiting)["state"], h.sim.history(waiting)["cause"]) == ("ended", "USER_BUSY")
            assert h.sim.history(answered)["state"] == "answered"

    run(main)
