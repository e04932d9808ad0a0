"""The main job: a Chirp-speaking application moved onto SignalWire by changing one URL.

It starts, on loopback sockets, the SignalWire simulator (the vendor), the translating proxy, and a
webhook receiver for the application; then runs the application, which speaks only Chirp, through
whole calls: an outbound call (placed, answered, a prompt played and stopped, a message recorded,
hung up) and an inbound call (offered, answered, hung up). Every hop is printed: app -> proxy (Chirp),
proxy -> vendor (SignalWire), vendor webhook -> proxy (SignalWire), proxy -> app (Chirp). Exits 1,
with one line saying why, if any step does not go as it should.
"""

from __future__ import annotations

import asyncio
import json
import socket
import sys
import threading
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from typing import Any

import httpx
import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

import callglot
from callglot.canonical import Answer, Audio, Destination, Dial, Hangup, Play, Record, StopPlayback, StopRecording
from callglot.canonical.urls import url_policy
from callglot.proxy import create_app, parse_config
from callglot.simulator import LOOPBACK, FarEnd, Simulator
from callglot.transport import ChirpAuth, Client

APP_KEY = "sk_test_app_migration"  # the key the app already uses with Chirp: the proxy accepts it
VENDOR = {"project_id": "proj-migration", "token": "PT-migration"}
CALLER, CALLEE, OUR_NUMBER = "+15550100001", "+15550100002", "+15550100003"
#: What the app's number runs on SignalWire: inbound calls are answered there, not by a REST command.
ANSWERING_SWML = {"version": "1.0.0", "sections": {"main": [{"answer": {}}]}}


class Failed(Exception):
    """A step that did not go as it should: the one line the job ends with."""


def listening() -> socket.socket:
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(64)
    return sock


@contextmanager
def serve(app: Any, sock: socket.socket) -> Iterator[None]:
    server = uvicorn.Server(uvicorn.Config(app, lifespan="off", log_level="error", access_log=False))
    thread = threading.Thread(target=asyncio.run, args=(server.serve(sockets=[sock]),), daemon=True)
    thread.start()
    try:
        yield
    finally:
        server.should_exit = True
        thread.join(10)
        sock.close()


def short(body: Any) -> str:
    text = json.dumps(body, separators=(",", ":"))
    return text if len(text) <= 110 else text[:107] + "..."


class Migration:
    def __init__(self) -> None:
        self.received: list[dict[str, Any]] = []
        self.seen_commands = 0
        self.seen_webhooks = 0
        self.steps = 0

    # -- the application's webhook endpoint (Chirp's webhooks, as before the move)

    async def app_hook(self, request: Request) -> JSONResponse:
        body = await request.json()
        self.received.append(body)
        return JSONResponse({"ok": True})

    def hops(self, sim: Simulator, call_id: str) -> None:
        """Print what reached the vendor and what the vendor and the proxy sent since the last step."""
        history = sim.history(call_id)
        for command in history["commands"][self.seen_commands :]:
            print(f"    proxy -> vendor  signalwire  {short(command['body'])}  -> {command['status']}")
        self.seen_commands = len(history["commands"])

    def webhooks(self, sim: Simulator, call_id: str, before: int) -> None:
        history = sim.history(call_id)
        for hook in history["webhooks"][self.seen_webhooks :]:
            if "body" in hook:
                status = hook["attempts"][-1]["status"] if hook["attempts"] else "-"
                body = hook["body"]
                print(f"    vendor -> proxy  signalwire  {body['event_type']} {short(body['params'])}  -> {status}")
        self.seen_webhooks = len(history["webhooks"])
        for body in self.received[before:]:
            print(f"    proxy -> app     chirp       {body['event']} {short(body['data']['call'])}")

    def step(self, title: str) -> None:
        self.steps += 1
        print(f"  {self.steps}. {title}")

    def run(self) -> None:
        sim_sock, proxy_sock, app_sock = listening(), listening(), listening()
        vendor_url = f"http://127.0.0.1:{sim_sock.getsockname()[1]}"
        proxy_url = f"http://127.0.0.1:{proxy_sock.getsockname()[1]}"
        app_url = f"http://127.0.0.1:{app_sock.getsockname()[1]}"
        environ = {
            "APP_KEY": APP_KEY, "SW_PROJECT": VENDOR["project_id"], "SW_TOKEN": VENDOR["token"],
            "SW_SIGNING_KEY": "migration-signing-key", "APP_WEBHOOK_SECRET": "migration-app-secret",
        }  # fmt: skip
        config = parse_config(
            {
                "public_url": proxy_url,
                "policy": "lenient",
                "app": {
                    "dialect": "chirp",
                    "credentials": {"api_key": "env:APP_KEY"},
                    "webhook_url": f"{app_url}/hooks",
                    "signing_key": "env:APP_WEBHOOK_SECRET",
                },
                "vendor": {
                    "dialect": "signalwire",
                    "base_url": vendor_url,
                    "credentials": {"project_id": "env:SW_PROJECT", "token": "env:SW_TOKEN"},
                    "signing_key": "env:SW_SIGNING_KEY",
                },
                "url_policy": {"allow_insecure": True, "allow_networks": ["127.0.0.0/8"]},
            },
            environ,
        )
        sim = Simulator(
            "signalwire",
            credentials=VENDOR,
            webhook_url=f"{proxy_url}/hooks/signalwire",
            signing_key=environ["SW_SIGNING_KEY"],
            seed=2026,
        )
        sim.script(CALLEE, FarEnd(answer_after=2))
        receiver = Starlette(routes=[Route("/hooks", self.app_hook, methods=["POST"])])
        print(f"== migration: a Chirp app on SignalWire through the proxy ({proxy_url}; vendor {vendor_url})")
        with ExitStack() as stack, url_policy(LOOPBACK):
            stack.enter_context(serve(sim, sim_sock))
            stack.enter_context(serve(create_app(config), proxy_sock))
            stack.enter_context(serve(receiver, app_sock))
            # The one change the app makes: its Chirp base URL is the proxy's.
            app = stack.enter_context(Client("chirp", base_url=proxy_url, auth=ChirpAuth(APP_KEY)))
            control = stack.enter_context(httpx.Client(base_url=vendor_url, trust_env=False))
            self.outbound(sim, app, control)
            self.inbound(sim, app, control)
        print(f"== migration: {self.steps} steps, 2 calls, {len(self.received)} webhooks delivered to the app: all OK")

    def advance(self, control: httpx.Client, seconds: float) -> None:
        response = control.post("/_sim/advance", json={"seconds": seconds})
        if response.status_code != 200:
            raise Failed(f"the simulator's clock did not advance: {response.text}")

    def send(self, app: Client, command: Any, call_id: str | None = None) -> Any:
        tag = callglot.canonical.TAGS[type(command)]
        try:
            sent = app.send(command, call_id=call_id)
        except callglot.CallglotError as exc:
            raise Failed(f"the app's {tag} failed: {exc}") from None
        print(f"    app -> proxy     chirp       {short(sent.request.body)}  -> {sent.receipt.status}")
        return sent

    def expect(self, states: list[str], before: int) -> None:
        got = [body["event"] for body in self.received[before:]]
        if got != states:
            raise Failed(f"the app expected the webhooks {states}, got {got}")

    def outbound(self, sim: Simulator, app: Client, control: httpx.Client) -> None:
        print("-- an outbound call")
        self.step("the app places a call (Chirp dial); the callee answers after 2 s")
        sent = self.send(app, Dial(source=Destination(address=OUR_NUMBER), destination=Destination(address=CALLEE)))
        call_id = sent.receipt.call.id
        [vendor_call] = [c for c in sim.calls()]
        before = len(self.received)
        self.advance(control, 2)
        self.hops(sim, vendor_call)
        self.webhooks(sim, vendor_call, before)
        self.expect(["calls.initiated", "calls.ringing", "calls.answered"], before)
        self.step("the app plays a prompt and stops it (Chirp play, stop_audio: the proxy stops the play it started)")
        self.send(app, Play(media=(Audio(url="https://media.example.com/welcome.mp3"),)), call_id)
        self.send(app, StopPlayback(), call_id)
        self.hops(sim, vendor_call)
        before = len(self.received)
        self.advance(control, 0)
        self.webhooks(sim, vendor_call, before)
        self.expect([], before)  # Chirp has no playback webhooks: the proxy takes them and drops them
        self.step("the app records a message for 5 s")
        self.send(app, Record(), call_id)
        self.advance(control, 5)
        self.send(app, StopRecording(), call_id)
        self.hops(sim, vendor_call)
        before = len(self.received)
        self.advance(control, 0)
        self.webhooks(sim, vendor_call, before)
        self.expect(["calls.recording.completed"], before)
        before = len(self.received)
        self.step("the app hangs up")
        self.send(app, Hangup(), call_id)
        self.advance(control, 0)
        self.hops(sim, vendor_call)
        self.webhooks(sim, vendor_call, before)
        self.expect(["calls.completed"], before)
        self.seen_commands = self.seen_webhooks = 0

    def inbound(self, sim: Simulator, app: Client, control: httpx.Client) -> None:
        print("-- an inbound call")
        self.step("a caller rings the app's number; the number's SWML answers it (SignalWire has no REST answer)")
        attached = control.post("/_sim/numbers", json={"number": OUR_NUMBER, "swml": ANSWERING_SWML})
        if attached.status_code != 200:
            raise Failed(f"the simulator did not take the number's SWML: {attached.text}")
        print(f"    the vendor's number {OUR_NUMBER} runs the SWML {short(ANSWERING_SWML)}")
        before = len(self.received)
        placed = control.post("/_sim/calls", json={"from": CALLER, "to": OUR_NUMBER})
        vendor_call = placed.json()["call_id"]
        self.advance(control, 0)
        self.webhooks(sim, vendor_call, before)
        self.expect(["calls.initiated", "calls.ringing", "calls.answered"], before)
        call_id = self.received[before]["data"]["call"]["id"]
        self.step("the app answers (Chirp answer: the proxy acknowledges it from the call's state, nothing sent)")
        self.send(app, Answer(), call_id)
        self.hops(sim, vendor_call)
        if sim.history(vendor_call)["commands"]:
            raise Failed("the proxy sent the vendor a command for an answer SignalWire's REST API cannot say")
        before = len(self.received)
        self.step("the app hangs up")
        self.send(app, Hangup(), call_id)
        self.advance(control, 0)
        self.hops(sim, vendor_call)
        self.webhooks(sim, vendor_call, before)
        self.expect(["calls.completed"], before)


def main() -> int:
    try:
        Migration().run()
    except Failed as failure:
        print(f"examples/migration.py: {failure}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
