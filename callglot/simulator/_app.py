"""The simulated vendor: an ASGI application speaking one dialect's exact wire, with a control API.

Commands arrive on the vendor's own paths with its authentication; callglot's decoder reads them,
the simulated world (``_calls``) carries them out, and the reply is the vendor's receipt or error
body, encoded by callglot. The world's canonical events become the vendor's webhooks, encoded,
signed and POSTed the vendor's way, retried on its schedule. ``/_sim/`` is the control API.
"""

from __future__ import annotations

import asyncio
import collections
import json
import math
import random
import uuid
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

import attrs

import callglot
from callglot import HttpRequest, Policy
from callglot._server import credentials_in, load_starlette, same_credentials, vendor_error
from callglot.adapters.signalwire import update_refusal
from callglot.canonical import TAGS
from callglot.canonical import commands as c
from callglot.canonical import events as ev
from callglot.canonical.types import Channel, HangupCause
from callglot.canonical.urls import UrlPolicy, url_policy
from callglot.errors import CallglotError, DecodeError
from callglot.signatures import SharedSecretHeader, SignalWireSignature

from ._calls import Call, FarEnd, Operation, Refusal, World, swml_verbs
from ._clock import Clock, VirtualClock
from ._faults import RETRY_SCHEDULES, Faults

__all__ = ["LOOPBACK", "Simulator"]

#: The URL policy the simulator decodes commands and delivers webhooks under: public https as always,
#: plus http to this machine (a local tool's receivers), through the policy rather than around it.
LOOPBACK = UrlPolicy(
    allow_insecure=True, allow_networks=("127.0.0.0/8", "::1/128"), allow_hosts=frozenset({"localhost"})
)
#: Unix time of the simulated clock's zero: webhook timestamps are this plus simulated seconds.
EPOCH = 1_767_225_600.0  # 2026-01-01T00:00:00Z
_MAX_BODY = 1_000_000
#: Chirp: an inbound call the app has not answered within 30 s gets the app's default (dialects.md §2.5);
#: of voicemail and "reject with busy" the simulator plays the second.
CHIRP_ANSWER_WINDOW = 30.0
_SW_STATES = {
    ev.CallState.CREATED: "created", ev.CallState.RINGING: "ringing", ev.CallState.ANSWERED: "answered",
    ev.CallState.ENDING: "ending", ev.CallState.ENDED: "ended", ev.CallState.FAILED: "failed",
}  # fmt: skip
#: The credentials each dialect's requests carry (names as the transport's classes take them).
CREDENTIALS: Mapping[str, tuple[str, ...]] = {
    "chirp": ("api_key",),
    "signalwire": ("project_id", "token"),
    "gateway": ("app_id", "api_key"),
    "canonical": ("token",),
}


def _starlette() -> Any:
    return load_starlette("the simulator")


@attrs.define(kw_only=True, eq=False)
class _Pending:
    call: Call
    record: dict[str, Any]
    url: str
    content: bytes
    headers: dict[str, str]
    attempt: int = 0


class Simulator:
    """A local, stateful stand-in for one vendor (``dialect``): an ASGI application.

    ``credentials``: what requests must carry (for ``chirp`` ``{"api_key"}``, ``signalwire``
    ``{"project_id", "token"}``, ``gateway`` ``{"app_id", "api_key"}``, ``canonical`` ``{"token"}``);
    None accepts any credentials of the right form. ``webhook_url``: the registered webhook (Chirp),
    the configured callback (the gateway), or where SignalWire events go when a command names no
    ``status_url``. ``signing_key``: sign webhooks the vendor's way (SignalWire's signature header,
    Chirp's and the gateway's shared-secret header). ``clock``: a :class:`VirtualClock` (the
    default: time moves when :meth:`advance` is called) or :class:`RealClock`. ``seed``: ids and
    faults repeat exactly. ``http_client``: an ``httpx.AsyncClient`` to deliver webhooks with.
    """

    def __init__(
        self,
        dialect: str,
        *,
        credentials: Mapping[str, str] | None = None,
        webhook_url: str | None = None,
        signing_key: str | None = None,
        clock: Clock | None = None,
        seed: int | None = None,
        faults: Faults | None = None,
        url_policy: UrlPolicy = LOOPBACK,
        http_client: Any = None,
    ) -> None:
        self.dialect = callglot.get_dialect(dialect)
        self.name = self.dialect.name
        if self.name not in CREDENTIALS:
            raise ValueError(f"no simulator for dialect {dialect!r} (known: {', '.join(CREDENTIALS)})")
        if credentials is not None:
            missing = [key for key in CREDENTIALS[self.name] if not credentials.get(key)]
            if missing:
                raise ValueError(f"{self.name} credentials need {', '.join(missing)}")
        self._credentials = dict(credentials) if credentials is not None else None
        self.url_policy = url_policy
        self.webhook_url = None if webhook_url is None else self._check_url(webhook_url, "webhook_url")
        self._signing_key = signing_key
        self.clock = clock if clock is not None else VirtualClock()
        self.seed = seed
        self.faults = faults if faults is not None else Faults()
        self.faults.limit_for(self.name)  # a limit the vendor does not document is refused now
        self._http_client = http_client
        self._sender: Any = None
        self._flushing = False
        self._reset_state()
        self._app = self._build_app()

    # -- ASGI

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        await self._app(scope, receive, send)

    # -- the Python control API (the HTTP one under /_sim/ calls these)

    def reset(self) -> None:
        """Forget every call, scripted far end and number's SWML (faults and credentials stay)."""
        for call in self.world.calls.values():
            for handle in call.timers:
                self.clock.cancel(handle)
        self._reset_state()

    def script(self, number: str, far_end: FarEnd) -> None:
        """Outbound calls to ``number`` meet ``far_end`` (the default answers after a second)."""
        self.world.far_ends[number] = far_end

    def attach_swml(self, number: str, swml: Mapping[str, Any]) -> None:
        """SignalWire: inbound calls to ``number`` run ``swml``, the script attached to the number.

        SignalWire's REST API has no answer: a number's SWML answers its inbound calls. The simulator
        runs the script's leading ``answer`` and ``hangup`` verbs (in ``sections.main``, when the call
        arrives) and stops at the first other verb: the call then waits, answered, for REST commands.
        Raises ValueError naming the path of what is not an SWML document.
        """
        if self.name != "signalwire":
            raise ValueError(f"only SignalWire numbers run SWML ({self.name} answers inbound calls by command)")
        if not isinstance(number, str) or not number:
            raise ValueError("number: give the number the script is attached to")
        self.world.scripts[number] = swml_verbs(swml)

    def place_call(
        self, *, source: str, destination: str, far_end: FarEnd | None = None, channel: Channel | None = None
    ) -> str:
        """An inbound call from ``source`` to ``destination`` (your number); its id."""
        call = self.world.new_call(
            self._new_call_id(),
            ev.CallDirection.INBOUND,
            source,
            destination,
            channel if channel is not None else _channel_of(source),
            far_end if far_end is not None else FarEnd(answer_after=None),
        )
        self.world.run_script(call, self.world.scripts.get(destination, ()))
        if self.name == "chirp":  # Chirp: no answer within 30 s and the app's default applies (reject, busy)
            self.world.after(call, CHIRP_ANSWER_WINDOW, lambda: self._chirp_default(call))
        return call.id

    def _chirp_default(self, call: Call) -> None:
        if call.live and call.state is not ev.CallState.ANSWERED:
            self.world.end(call, HangupCause.USER_BUSY)

    def hang_up(self, call_id: str, cause: HangupCause = HangupCause.NORMAL_CLEARING) -> None:
        """The far end hangs up ``call_id`` now."""
        self.world.end(self._call(call_id), cause)

    def history(self, call_id: str) -> dict[str, Any]:
        """What happened on ``call_id``: its state, every command received and every webhook sent."""
        call = self._call(call_id)
        return {
            "call_id": call.id,
            "dialect": self.name,
            "direction": call.direction.value,
            "state": call.state.value,
            "cause": None if call.cause is None else call.cause.value,
            "commands": list(call.commands),
            "webhooks": list(call.webhooks),
        }

    def calls(self) -> list[str]:
        return list(self.world.calls)

    async def advance(self, seconds: float) -> None:
        """Move the virtual clock ``seconds`` on, firing what falls due and delivering its webhooks."""
        if not isinstance(self.clock, VirtualClock):
            raise RuntimeError("advance() needs a VirtualClock (this simulator runs in real time)")
        if type(seconds) not in (int, float) or not 0 <= seconds <= 86_400 * 366 or math.isnan(seconds):
            raise ValueError("seconds must be a number in 0..31622400")
        target = self.clock.now() + seconds
        await self._flush()
        while (due := self.clock.next_due()) is not None and due <= target:
            while (callback := self.clock.pop_due(due)) is not None:  # what falls due together goes out together
                callback()
            await self._flush()
        self.clock.move_to(target)
        await self._flush()

    async def aclose(self) -> None:
        if self._sender is not None:
            await self._sender.aclose()
            self._sender = None

    # -- state

    def _reset_state(self) -> None:
        self.rng = random.Random(self.seed)
        self.world = World(self.clock, self.rng, self._emit)
        self._ready: collections.deque[_Pending] = collections.deque()
        self._windows: dict[str, collections.deque[float]] = {}
        self._event_count = 0

    def _call(self, call_id: str) -> Call:
        call = self.world.calls.get(call_id)
        if call is None:
            raise KeyError(call_id)
        return call

    def _uuid(self) -> str:
        return str(uuid.UUID(int=self.rng.getrandbits(128), version=4))

    def _new_call_id(self) -> str:
        if self.name == "chirp":
            alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
            return "call_" + "".join(self.rng.choice(alphabet) for _ in range(27))
        if self.name == "gateway":
            return "sim01-" + self._uuid()
        return self._uuid()

    def _check_url(self, url: str, field: str) -> str:
        from callglot.canonical.urls import check_url

        try:
            return check_url(url, policy=self.url_policy)
        except CallglotError as exc:
            raise ValueError(f"{field}: {exc}") from None

    # -- webhooks

    def _emit(self, call: Call, operation: Operation | None, event: Any) -> None:
        """Turn a canonical event into this vendor's webhook and queue it (or note why not)."""
        now = self.clock.now()
        self._event_count += 1
        record: dict[str, Any] = {"at": now, "event": type(event).__name__, "attempts": []}
        call.webhooks.append(record)
        fields: dict[str, Any] = {"timestamp": round(EPOCH + now, 6)}
        if self.name == "chirp":
            fields["event_id"] = f"evt_{call.id}_{self._event_count}"
        if self.name == "gateway":  # per session, from 1, counting only the webhooks it sends
            fields["sequence"] = call.sequence + 1
        event = attrs.evolve(event, **fields)
        url = self._target(call, operation)
        if url is None:
            record["skipped"] = "no webhook URL: the command named no status_url and none is configured"
            return
        if isinstance(event, ev.CallStateChanged) and call.status_events is not None:
            said = "ended" if event.state is ev.CallState.FAILED else event.state.value
            if said not in call.status_events:
                record["skipped"] = f"status_events does not ask for {said}"
                return
        try:
            out = self.dialect.encode_event(event, policy=Policy.LENIENT, path=urlsplit(url).path or "/")
        except callglot.EncodeError as exc:
            record["skipped"] = str(exc)  # this vendor has no such webhook
            return
        from callglot.transport import encode_body

        if self.name == "gateway":
            call.sequence += 1
        body = out.value.body
        content = encode_body(body)
        record.update(url=url, body=body, delivered=False)
        pending = _Pending(call=call, record=record, url=url, content=content, headers=self._sign(url, content))
        copies = 2 if self.faults.duplicate_webhooks and self.rng.random() < self.faults.duplicate_webhooks else 1
        for _ in range(copies):
            self._enqueue(attrs.evolve(pending), self.faults.webhook_delay)

    def _target(self, call: Call, operation: Operation | None) -> str | None:
        if self.name == "signalwire":
            if operation is not None:
                status_url = getattr(operation.command, "status_url", None)
                if status_url is not None:
                    return str(status_url)
            elif call.status_url is not None:
                return call.status_url
        return self.webhook_url

    def _sign(self, url: str, content: bytes) -> dict[str, str]:
        if self._signing_key is None:
            return {}
        if self.name == "signalwire":
            return SignalWireSignature(self._signing_key).sign(url, content)
        return SharedSecretHeader(self._signing_key).headers()

    def _enqueue(self, pending: _Pending, delay: float) -> None:
        if delay > 0:
            self.clock.call_at(self.clock.now() + delay, lambda: self._ready_now(pending))
        else:
            self._ready_now(pending)

    def _ready_now(self, pending: _Pending) -> None:
        self._ready.append(pending)
        if not self.clock.virtual:
            self._kick()

    def _kick(self) -> None:
        if not self._flushing:
            asyncio.get_running_loop().create_task(self._flush())

    async def _flush(self) -> None:
        """Deliver every webhook that is ready, in order (or shuffled, with that fault)."""
        if self._flushing:
            return
        self._flushing = True
        try:
            while self._ready:
                if self.faults.reorder_webhooks and len(self._ready) > 1:
                    batch = list(self._ready)
                    self.rng.shuffle(batch)
                    self._ready = collections.deque(batch)
                await self._deliver(self._ready.popleft())
        finally:
            self._flushing = False

    async def _deliver(self, pending: _Pending) -> None:
        if self._sender is None:
            from callglot.transport import WebhookSender

            self._sender = WebhookSender(policy=self.url_policy, http_client=self._http_client)
        with url_policy(self.url_policy):
            delivery = await self._sender.send(pending.url, pending.content, pending.headers)
        pending.record["attempts"].append({"at": self.clock.now(), "status": delivery.status, "error": delivery.error})
        if delivery.delivered:
            pending.record["delivered"] = True
            return
        schedule = RETRY_SCHEDULES[self.name]
        if pending.attempt < len(schedule):
            pending.attempt += 1
            retry = attrs.evolve(pending)
            self.clock.call_at(self.clock.now() + schedule[pending.attempt - 1], lambda: self._ready_now(retry))
        else:
            pending.record["dead"] = True  # out of retries (the vendor's dead-letter queue)

    # -- HTTP

    def _build_app(self) -> Any:
        s = _starlette()
        Route = s.routing.Route
        routes = [
            Route("/_sim/calls", self._http_calls, methods=["GET", "POST"]),
            Route("/_sim/calls/{call_id}", self._http_history, methods=["GET"]),
            Route("/_sim/calls/{call_id}/hangup", self._http_hang_up, methods=["POST"]),
            Route("/_sim/far_ends", self._http_script, methods=["POST"]),
            Route("/_sim/numbers", self._http_attach_swml, methods=["POST"]),
            Route("/_sim/advance", self._http_advance, methods=["POST"]),
            Route("/_sim/reset", self._http_reset, methods=["POST"]),
            Route("/_sim/faults", self._http_faults, methods=["GET", "POST"]),
            Route("/{path:path}", self._http_vendor, methods=["GET", "POST", "PUT", "PATCH", "DELETE"]),
        ]
        return s.applications.Starlette(routes=routes)

    @staticmethod
    def _json(body: Any, status: int = 200, headers: Mapping[str, str] | None = None) -> Any:
        return _starlette().responses.JSONResponse(body, status_code=status, headers=dict(headers or {}))

    async def _read_json(self, request: Any) -> Any:
        raw = await request.body()
        if not raw:
            return None
        if len(raw) > _MAX_BODY:
            raise ValueError(f"body larger than {_MAX_BODY} bytes")
        return json.loads(raw)

    async def _http_vendor(self, request: Any) -> Any:
        if self.faults.latency:
            await asyncio.sleep(self.faults.latency)
        key = self._credential_key(request.headers)
        if key is None:
            return self._error(401, "Unauthorized", "unauthorized")
        limited = self._rate_limited(key)
        if limited is not None:
            return limited
        if self.faults.error_rate and self.rng.random() < self.faults.error_rate:
            return self._error(503, "Service Unavailable", "unavailable")
        try:
            body = await self._read_json(request)
        except (ValueError, UnicodeDecodeError) as exc:
            return self._error(400, f"the body is not JSON: {str(exc)[:200]}", "invalid_json")
        wire = HttpRequest(method=request.method, path=request.url.path, body=body, headers=dict(request.headers))
        try:
            with url_policy(self.url_policy):
                decoded = self.dialect.decode(wire)
        except DecodeError as exc:
            if self.name in ("gateway", "canonical"):  # their error bodies have no parameter field: say it
                return self._error(400, f"{exc.path}: {exc.reason}", "invalid_parameter")
            return self._error(400 if self.name == "chirp" else 422, exc.reason, "invalid_parameter", exc.path)
        command = decoded.command
        if isinstance(command, c.Dial):
            return self._dial(command, body)
        call = self.world.calls.get(decoded.call_id or "")
        if call is None:
            return self._error(404, f"call {decoded.call_id} not found", "call_not_found")
        entry: dict[str, Any] = {"at": self.clock.now(), "command": TAGS[type(command)], "body": body}
        call.commands.append(entry)
        if self.name == "signalwire" and isinstance(body, dict) and body.get("command") == "update":
            refusal = update_refusal(_SW_STATES[call.state] if call.live else "ended", command)
            if refusal is not None:
                entry["status"] = 422
                return self._error(422, refusal, "invalid_state")
        command_id = decoded.command_id
        if self.name == "gateway" and command_id is None:
            command_id = self._uuid()  # the gateway generates one when the command names none
        try:
            operation = self.world.apply(call, command, command_id)
        except Refusal as refusal:  # SignalWire says a state refusal in its 422 validation form
            status = refusal.status if self.name != "signalwire" or refusal.status == 404 else 422
            entry["status"] = status
            return self._error(status, refusal.message, refusal.code)
        if self.name == "gateway":
            result = ev.CommandResult(call_id=call.id, command_id=command_id, success=True, operation_id=self._uuid())
            # on the clock, not the call's timers: a hangup's result still goes out after the call ends
            self.clock.call_at(self.clock.now(), lambda: self._emit(call, None, result))
        reply = self._receipt(call, command, operation)
        entry["status"] = reply.status
        return self._json(reply.body, reply.status, reply.headers)

    def _dial(self, command: c.Dial, body: Any) -> Any:
        destination = command.destination
        number = destination.address if destination is not None else "sip:script@sim.callglot.dev"
        far_end = self.world.far_ends.get(number, FarEnd())
        status_events = None
        if self.name == "signalwire":  # SignalWire sends only the states asked for; ended by default
            status_events = tuple(e.value for e in command.status_events) if command.status_events else ("ended",)
        call = self.world.new_call(
            self._new_call_id(),
            ev.CallDirection.OUTBOUND,
            command.source.address,
            number,
            command.source.channel or (destination.channel if destination is not None else None),
            far_end,
            status_url=command.status_url,
            status_events=status_events,
        )
        call.commands.append({"at": self.clock.now(), "command": "dial", "body": body})
        reply = self._receipt(call, command, None)
        call.commands[-1]["status"] = reply.status
        return self._json(reply.body, reply.status, reply.headers)

    def _receipt(self, call: Call, command: Any, operation: Operation | None) -> Any:
        leg = ev.CallLeg(
            id=call.id,
            state="initiated" if self.name == "chirp" and isinstance(command, c.Dial) else _SW_STATES[call.state],
            direction=call.direction.value,
            source=call.source,
            destination=call.destination,
        )
        if self.name == "gateway":
            receipt = ev.Receipt(status=ev.ReceiptStatus.IN_PROGRESS, operation_id=self._uuid(), timeout=2.0)
        else:
            receipt = ev.Receipt(
                status=ev.ReceiptStatus.ACCEPTED,
                call_id=call.id,
                command=TAGS[type(command)] if self.name != "signalwire" else None,
                call=leg if self.name == "signalwire" or isinstance(command, c.Dial) else None,
                operation_id=None if operation is None or self.name != "canonical" else operation.id,
            )
        return self.dialect.encode_response(receipt, policy=Policy.LENIENT, command=type(command)).value

    def _error(
        self, status: int, message: str, code: str, parameter: str | None = None, retry_after: float | None = None
    ) -> Any:
        error = vendor_error(self.name, status, message, code=code, parameter=parameter, retry_after=retry_after)
        reply = self.dialect.encode_response(error, policy=Policy.LENIENT).value
        return self._json(reply.body, reply.status, reply.headers)

    def _credential_key(self, headers: Mapping[str, str]) -> str | None:
        """The key the request authenticates with (rate limits count per key), or None: 401."""
        given = credentials_in(self.name, headers)
        if given is None or (self._credentials is not None and not same_credentials(given, self._credentials)):
            return None
        return next(iter(given.values()))  # the api key, the project id or the app id

    def _rate_limited(self, key: str) -> Any:
        limit = self.faults.limit_for(self.name)
        if limit is None:
            return None
        requests, per = limit
        now = self.clock.now()
        window = self._windows.setdefault(key, collections.deque())
        while window and window[0] <= now - per:
            window.popleft()
        if len(window) >= requests:
            wait = max(1, math.ceil(window[0] + per - now))
            message = f"Rate limit exceeded. Try again in {wait} seconds."
            response = self._error(429, message, "rate_limited", retry_after=wait)
            if self.name == "chirp":
                response.headers.update(
                    {"X-RateLimit-Limit": str(requests), "X-RateLimit-Remaining": "0", "X-RateLimit-Reset": str(wait)}
                )
            return response
        window.append(now)
        return None

    # -- the HTTP control API

    async def _http_calls(self, request: Any) -> Any:
        if request.method == "GET":
            return self._json({"calls": self.calls()})
        try:
            data = await self._read_json(request)
            if not isinstance(data, dict) or type(data.get("from")) is not str or type(data.get("to")) is not str:
                raise ValueError('give {"from": "<caller>", "to": "<your number>", "far_end"?: {...}}')
            far_end = FarEnd.from_json(data["far_end"]) if "far_end" in data else None
        except ValueError as exc:
            return self._json({"error": str(exc)}, 400)
        call_id = self.place_call(source=data["from"], destination=data["to"], far_end=far_end)
        if not self.clock.virtual:
            self._kick()
        return self._json({"call_id": call_id}, 201)

    async def _http_history(self, request: Any) -> Any:
        try:
            return self._json(self.history(request.path_params["call_id"]))
        except KeyError:
            return self._json({"error": "no such call"}, 404)

    async def _http_hang_up(self, request: Any) -> Any:
        try:
            self.hang_up(request.path_params["call_id"])
        except KeyError:
            return self._json({"error": "no such call"}, 404)
        return self._json({"ok": True})

    async def _http_script(self, request: Any) -> Any:
        try:
            data = await self._read_json(request)
            if not isinstance(data, dict) or type(data.get("number")) is not str:
                raise ValueError('give {"number": "<callee>", ...far end keys}')
            far_end = FarEnd.from_json({k: v for k, v in data.items() if k != "number"})
        except ValueError as exc:
            return self._json({"error": str(exc)}, 400)
        self.script(data["number"], far_end)
        return self._json({"ok": True})

    async def _http_attach_swml(self, request: Any) -> Any:
        try:
            data = await self._read_json(request)
            if not isinstance(data, dict) or type(data.get("number")) is not str or "swml" not in data:
                raise ValueError('give {"number": "<your number>", "swml": {<SWML document>}}')
            self.attach_swml(data["number"], data["swml"])
        except ValueError as exc:
            return self._json({"error": str(exc)}, 400)
        return self._json({"ok": True})

    async def _http_advance(self, request: Any) -> Any:
        try:
            data = await self._read_json(request)
            if not isinstance(data, dict) or "seconds" not in data:
                raise ValueError('give {"seconds": <number>}')
            await self.advance(data["seconds"])
        except (ValueError, RuntimeError) as exc:
            return self._json({"error": str(exc)}, 400)
        return self._json({"now": self.clock.now()})

    async def _http_reset(self, request: Any) -> Any:
        self.reset()
        return self._json({"ok": True})

    async def _http_faults(self, request: Any) -> Any:
        if request.method == "POST":
            try:
                faults = Faults.from_json(await self._read_json(request))
                faults.limit_for(self.name)
            except (ValueError, TypeError) as exc:
                return self._json({"error": str(exc)}, 400)
            self.faults = faults
        return self._json(self.faults.to_json())


def _channel_of(address: str) -> Channel:
    return Channel.SIP if address.startswith(("sip:", "sips:")) else Channel.PSTN
