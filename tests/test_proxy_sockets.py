"""The proxy over real loopback sockets for every app/vendor pair among chirp, signalwire and the gateway.

The simulated vendor, the proxy and the app's webhook receiver each listen on their own socket
(uvicorn, in threads); the app's sync transport client and the simulator's control API go over TCP.
The flow is what each pair can say: a dial where both sides dial, else an inbound call; an answer
where the vendor has one; a hangup. Every webhook the app gets is schema-valid, decodable and signed.
"""

from __future__ import annotations

import time
from typing import Any

import httpx
import pytest
from loopback import listening_socket, serve, url_of
from proxy_harness import ANSWERING_SWML, APP_KEY, VENDOR_KEY, config_data, environment
from sim_harness import AUTH, CREDENTIALS, Receiver

from callglot.canonical import Answer, Destination, Dial, Hangup
from callglot.canonical import events as ev
from callglot.canonical.urls import url_policy
from callglot.proxy import create_app, parse_config
from callglot.signatures import SharedSecretHeader, SignalWireSignature
from callglot.simulator import LOOPBACK, Simulator
from callglot.transport import Client

PAIRS = [(a, v) for a in ("chirp", "signalwire", "gateway") for v in ("chirp", "signalwire", "gateway") if a != v]


def wait_for(predicate: Any, within: float = 20) -> None:
    deadline = time.monotonic() + within  # a bound for the other threads, not a timing assertion
    while not predicate():
        assert time.monotonic() < deadline, "the webhooks did not arrive"
        time.sleep(0.02)


@pytest.mark.parametrize(("app", "vendor"), PAIRS, ids=[f"{a}-{v}" for a, v in PAIRS])
def test_a_call_through_the_proxy_over_loopback_sockets(app: str, vendor: str) -> None:
    receiver = Receiver()
    sock = listening_socket()  # the proxy's, first: its URL goes into the vendor's config and its own
    proxy_url = url_of(sock)
    with url_policy(LOOPBACK), serve(receiver.app) as app_url:
        sim = Simulator(vendor, credentials=CREDENTIALS[vendor], webhook_url=f"{proxy_url}/hooks/{vendor}",
                        signing_key=VENDOR_KEY, seed=31)  # fmt: skip
        with serve(sim) as vendor_url:
            data = config_data(app, vendor)
            data.update(public_url=proxy_url)
            data["vendor"]["base_url"] = vendor_url
            data["app"]["webhook_url"] = f"{app_url}/hooks"
            proxy = create_app(parse_config(data, environment(app, vendor)))
            with serve(proxy, sock):
                run_flow(app, vendor, sim, vendor_url, proxy_url, receiver)
    states = [e.state.value for e in receiver.events(app) if isinstance(e, ev.CallStateChanged)]
    assert states[0] == "created"
    assert states[-1] == "ended"
    for request in receiver.requests:  # signed with the app dialect's scheme
        if app == "signalwire":
            SignalWireSignature(APP_KEY).verify(request["url"], request["raw"], request["headers"])
        else:
            SharedSecretHeader(APP_KEY).verify(request["headers"])


def states(receiver: Receiver, app: str) -> list[str]:
    return [e.state.value for e in receiver.events(app) if isinstance(e, ev.CallStateChanged)]


def run_flow(app: str, vendor: str, sim: Simulator, vendor_url: str, proxy_url: str, receiver: Receiver) -> None:
    control = httpx.Client(base_url=vendor_url, trust_env=False)

    def advance(seconds: float) -> None:
        assert control.post("/_sim/advance", json={"seconds": seconds}).status_code == 200

    with Client(app, base_url=proxy_url, auth=AUTH[app]()) as client:
        dials = app != "gateway" and vendor != "gateway"
        if dials:
            extra = {"swml_url": "https://example.com/app.swml"} if app == "signalwire" else {}
            dial = Dial(
                source=Destination(address="+15550001111"), destination=Destination(address="+15550002222"), **extra
            )
            sent = client.send(dial)
            call_id = sent.receipt.call_id or sent.receipt.call.id
            advance(1)
        else:
            if vendor == "signalwire":  # its REST API has no answer: the SWML attached to the number answers
                answering = {"number": "+15550002222", "swml": ANSWERING_SWML}
                assert control.post("/_sim/numbers", json=answering).status_code == 200
            placed = control.post("/_sim/calls", json={"from": "+15550001111", "to": "+15550002222"})
            assert placed.status_code == 201
            advance(0)
            wait_for(lambda: len(receiver.bodies()) >= 1)
            call_id = receiver.events(app)[0].call_id
            if app != "signalwire":  # (a SignalWire app has no answer to send; on a SignalWire vendor the
                # proxy acknowledges it once the number's SWML answered)
                wait_for(lambda: vendor != "signalwire" or "answered" in states(receiver, app))
                client.send(Answer(), call_id=call_id, command_id="ans-1" if app == "gateway" else None)
                advance(0)
                wait_for(lambda: "answered" in states(receiver, app))
        expected = len(receiver.bodies())
        client.send(Hangup(), call_id=call_id)
        advance(0)
        wait_for(lambda: any(
            isinstance(e, ev.CallStateChanged) and e.state is ev.CallState.ENDED for e in receiver.events(app)[expected:]
        ))  # fmt: skip
    control.close()
