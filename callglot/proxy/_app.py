"""The translating proxy: the app speaks its dialect to the proxy, the proxy speaks the vendor's.

App → proxy (the app dialect's paths and credentials) → decode → complete from state (call-id
aliases, operation ids) → encode for the vendor → send (callglot.transport) → the vendor's receipt or
error translated back into the app dialect's reply. Vendor webhook → ``/hooks/{vendor}`` → verify its
signature → decode → update state → translate into the app's dialect → deliver to the app with the
app dialect's authentication; the vendor is answered after the app took it (embedded mode), so the
vendor's own retries cover a failed delivery. Uses the core only through its public API.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import json
import logging
import re
import time
import uuid
from collections.abc import Mapping
from typing import Any

import attrs

import callglot
from callglot import HttpRequest, Policy
from callglot._server import (
    OPERATION_ACTS,
    OPERATION_STARTS,
    OPERATION_STOPS,
    credentials_in,
    load_starlette,
    same_credentials,
    vendor_error,
)
from callglot.canonical import TAGS
from callglot.canonical import commands as c
from callglot.canonical import events as ev
from callglot.canonical.urls import url_policy
from callglot.capabilities import Support
from callglot.errors import CallglotError, DecodeError, EncodeError, InvalidValue
from callglot.signatures import SharedSecretHeader, SignalWireSignature, SignatureError

from ._config import ProxyConfig
from ._log import LogFields, log
from ._store import MemoryStore, OperationIds, Store, StoredReply

__all__ = ["create_app"]

#: Operation events that end their operation.
_ENDED = frozenset({ev.OperationState.FINISHED, ev.OperationState.ERROR, ev.OperationState.NO_INPUT})
#: How long the first reply to an idempotency key is kept (seconds).
IDEMPOTENCY_TTL = 24 * 3600
#: An operation id both the gateway's command_uid and SignalWire's control_id accept.
COMMAND_ID = re.compile(r"[a-zA-Z0-9._-]{1,128}")
#: How long an answer waits for a vendor that answers inbound calls itself to say it did (seconds).
ANSWER_WAIT = 3.0
_ANSWER_POLL = 0.05
#: How ids of each dialect look, to mint one when the other side's does not fit.
_ID_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"


def _starlette() -> Any:
    return load_starlette("the proxy")


def _path(request: Any) -> str:
    """``request.url.path`` without building the URL (about 20 µs: it parses the whole URL back)."""
    path: str = request.scope["path"]
    if "?" in path or "#" in path or "\\" in path:  # escaped as Starlette's URL escapes them
        return str(request.url.path)
    return path


class _Metrics:
    """The proxy's Prometheus metrics, in a registry of its own (two apps in one process do not clash)."""

    def __init__(self) -> None:
        from prometheus_client import CollectorRegistry, Counter, Histogram

        self.registry = CollectorRegistry()
        self.requests = Counter(
            "callglot_proxy_requests", "Requests the proxy answered", ["route", "status"], registry=self.registry
        )
        self.translations = Counter(
            "callglot_proxy_translations", "Commands and events translated", ["kind", "outcome"], registry=self.registry
        )
        self.losses = Counter("callglot_proxy_losses", "Fields dropped or emulated", ["kind"], registry=self.registry)
        self.vendor_errors = Counter(
            "callglot_proxy_vendor_errors", "Errors the vendor answered", ["status"], registry=self.registry
        )
        self.deliveries = Counter(
            "callglot_proxy_deliveries", "Webhook deliveries to the app", ["result"], registry=self.registry
        )
        self.latency = Histogram(
            "callglot_proxy_seconds", "Time to answer", ["route"], registry=self.registry,
            buckets=(0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
        )  # fmt: skip


class Proxy:
    """The proxy's logic; :func:`create_app` wraps it in a Starlette app."""

    def __init__(
        self,
        config: ProxyConfig,
        *,
        store: Store | None = None,
        vendor_http: Any = None,
        app_http: Any = None,
    ) -> None:
        self.config = config
        self.app_dialect = callglot.get_dialect(config.app.dialect)
        self.vendor_dialect = callglot.get_dialect(config.vendor.dialect)
        self.queue: Any = None
        if store is None and config.store is not None:
            from ._redis import RedisStore

            store = RedisStore(config.store)
        self.store: Any = store if store is not None else MemoryStore()
        if config.store is not None and hasattr(self.store, "redis"):  # Redis mode: webhooks are queued durably
            from ._delivery import DurableQueue

            self.queue = DurableQueue(
                self.store.redis,
                schedule=config.delivery_schedule,
                idle_ms=config.delivery_idle_ms,
                lease_ms=config.delivery_lease_ms,
            )
        self._workers: list[tuple[asyncio.Task[None], asyncio.Event]] = []
        self.owner = f"proxy-{uuid.uuid4()}"
        self.policy = Policy.STRICT if config.strict else Policy.LENIENT
        self.metrics = _Metrics()
        self._vendor_http = vendor_http
        self._app_http = app_http
        self._client: Any = None
        self._sender: Any = None
        self.hook_path = f"/hooks/{self.vendor_dialect.name}"
        answer = self.vendor_dialect.capabilities.get(c.Answer)
        #: False for SignalWire: its REST API has no answer; the SWML attached to the number answers.
        self.vendor_answers = answer is not None and answer.support is not Support.UNSUPPORTED

    # -- clients, made on first use (an ASGI transport in tests runs no lifespan)

    def _vendor_client(self) -> Any:
        if self._client is None:
            from callglot.transport import AsyncClient, BearerAuth, ChirpAuth, GatewayAuth, SignalWireAuth

            make = {"chirp": ChirpAuth, "signalwire": SignalWireAuth, "gateway": GatewayAuth, "canonical": BearerAuth}
            auth = make[self.vendor_dialect.name](**self.config.vendor.credentials)
            self._client = AsyncClient(
                self.vendor_dialect, base_url=self.config.vendor.base_url, auth=auth, http_client=self._vendor_http
            )
        return self._client

    def _webhook_sender(self) -> Any:
        if self._sender is None:
            from callglot.transport import WebhookSender

            self._sender = WebhookSender(policy=self.config.url_policy, http_client=self._app_http)
        return self._sender

    async def start(self) -> None:
        """Load now what the first requests would otherwise load: the HTTP clients (httpx with them,
        about 100 ms) and both dialects' webhook and reply codecs. ``callglot proxy`` then freezes the
        heap with them in it (:func:`callglot._server.freeze_heap`). In Redis mode, also start the
        delivery worker: it delivers queued webhooks from any instance."""
        self._vendor_client()
        self._webhook_sender()
        for dialect in (self.app_dialect, self.vendor_dialect):
            dialect.event_capabilities, dialect.response_capabilities  # noqa: B018 (loads them)
        if self.queue is None or self._workers:
            return
        stop = asyncio.Event()
        task = asyncio.get_running_loop().create_task(self.queue.work(self._deliver, self.owner, stop))
        self._workers.append((task, stop))

    async def _deliver(self, url: str, content: bytes, headers: dict[str, str]) -> bool:
        delivery = await self._webhook_sender().send(url, content, headers)
        self.metrics.deliveries.labels("delivered" if delivery.delivered else "failed").inc()
        log.info("%s", LogFields({"event": "proxy.delivery", "status": delivery.status, "error": delivery.error}))
        return bool(delivery.delivered)

    async def stop(self) -> None:
        for task, stop in self._workers:
            stop.set()
            await task
        self._workers.clear()

    async def aclose(self) -> None:
        await self.stop()
        if self._client is not None:
            await self._client.aclose()
        if self._sender is not None:
            await self._sender.aclose()
        closing = getattr(self.store, "aclose", None)
        if closing is not None:
            await closing()

    # -- replies in the app's dialect

    def _reply(self, response: Any, report: tuple[Any, ...] = ()) -> Any:
        headers = dict(response.headers)
        if report:  # under LENIENT, what was adapted: names only, never values
            headers["X-Callglot-Report"] = "; ".join(
                f"{a.action} {a.command}{'.' + a.field if a.field else ''}" for a in report
            )[:2000]
        body = b"" if response.body is None else json.dumps(response.body).encode()
        return _starlette().responses.Response(
            body, status_code=response.status, headers=headers, media_type="application/json"
        )

    def _app_error(self, status: int, message: str, *, code: str | None = None, parameter: str | None = None) -> Any:
        error = vendor_error(self.app_dialect.name, status, message, code=code, parameter=parameter)
        return self._reply(self.app_dialect.encode_response(error, policy=Policy.LENIENT).value)

    # -- the app's credentials

    def _authorised(self, headers: Mapping[str, str]) -> bool:
        given = credentials_in(self.app_dialect.name, headers)
        return given is not None and same_credentials(given, self.config.app.credentials)

    # -- ids

    def _mint(self, dialect: str) -> str:
        if dialect == "chirp":
            return "call_" + "".join(_ID_ALPHABET[b % 62] for b in uuid.uuid4().bytes + uuid.uuid4().bytes[:11])
        if dialect == "gateway":
            return "px01-" + str(uuid.uuid4())
        return str(uuid.uuid4())

    def _fits(self, dialect: Any, call_id: str) -> bool:
        try:
            dialect.encode(c.Hangup(), call_id=call_id, policy=Policy.LENIENT)
        except CallglotError:
            return False
        return True

    async def _app_call_for(self, vendor_call_id: str) -> str:
        """The app's id for a vendor call, minted (and bound) on first sight."""
        known = await self.store.app_call(vendor_call_id)
        if known is not None:
            return str(known)
        app_call = vendor_call_id if self._fits(self.app_dialect, vendor_call_id) else self._mint(self.app_dialect.name)
        return str(await self.store.bind_call(app_call, vendor_call_id))

    def _vendor_op_id(self, app_id: str | None) -> str:
        """The vendor's id for an operation: the app's when it fits the vendor, else a new one."""
        if app_id is not None and COMMAND_ID.fullmatch(app_id):
            return app_id
        return str(uuid.uuid4())

    # -- commands

    async def command(self, request: Any) -> Any:
        started = time.perf_counter()
        response = await self._command(request)
        self.metrics.requests.labels("command", str(response.status_code)).inc()
        self.metrics.latency.labels("command").observe(time.perf_counter() - started)
        return response

    async def _command(self, request: Any) -> Any:
        if not self._authorised(request.headers):
            log.info("%s", LogFields({"event": "proxy.command", "status": 401, "reason": "credentials"}))
            return self._app_error(401, "Unauthorized")
        raw = await request.body()
        try:
            body = json.loads(raw) if raw else None
        except (ValueError, UnicodeDecodeError):
            return self._app_error(400, "the body is not JSON", code="invalid_json")
        wire = HttpRequest(method=request.method, path=_path(request), body=body, headers=dict(request.headers))
        try:
            with url_policy(self.config.url_policy):
                decoded = self.app_dialect.decode(wire)
        except DecodeError as exc:
            status = 422 if self.app_dialect.name == "signalwire" else 400
            message = exc.reason if self.app_dialect.name in ("chirp", "signalwire") else f"{exc.path}: {exc.reason}"
            return self._app_error(status, message, code="invalid_parameter", parameter=exc.path)
        command = decoded.command
        idempotency = self._idempotency_key(decoded)
        if idempotency is not None:
            stored = await self.store.claim(idempotency, IDEMPOTENCY_TTL)
            if stored is not None:  # a retry: the first reply, and nothing sent again
                self.metrics.requests.labels("command-replayed", str(stored.status)).inc()
                if stored.pending:
                    return self._app_error(409, "a request with this idempotency key is still running: retry")
                body = b"" if stored.body is None else json.dumps(stored.body).encode()
                return _starlette().responses.Response(body, status_code=stored.status, headers=stored.headers)
        response = await self._after_claim(command, decoded)
        if idempotency is not None:
            if response.status_code >= 500:  # not taken: a retry may try again
                await self.store.release(idempotency)
            else:
                body = json.loads(response.body) if response.body else None
                headers = {k: v for k, v in response.headers.items() if k.lower() not in ("content-length",)}
                await self.store.save_reply(
                    idempotency, StoredReply(status=response.status_code, body=body, headers=headers), IDEMPOTENCY_TTL
                )
        return response

    def _idempotency_key(self, decoded: Any) -> str | None:
        """The app's idempotency key: the gateway's command_uid (canonical command_id); SignalWire's
        control_id on a start command. Scoped to the call (a dial: to the app)."""
        key = decoded.command_id
        if key is None and self.app_dialect.name == "signalwire" and type(decoded.command) in OPERATION_STARTS:
            key = getattr(decoded.command, "control_id", None)
        if key is None:
            return None
        return f"{self.app_dialect.name}:{decoded.call_id or 'dial'}:{key}"

    async def _after_claim(self, command: Any, decoded: Any) -> Any:
        vendor_call = None
        if not isinstance(command, c.Dial):
            vendor_call = await self.store.vendor_call(decoded.call_id or "")
            if vendor_call is None:
                return self._app_error(404, f"call {decoded.call_id} not found", code="call_not_found")
        try:
            with url_policy(self.config.url_policy):
                return await self._forward(command, decoded, vendor_call)
        except EncodeError as exc:
            self.metrics.translations.labels("command", "refused").inc()
            status = 422 if self.app_dialect.name == "signalwire" else 400
            return self._app_error(
                status, f"the vendor ({self.vendor_dialect.name}) cannot do this: {exc}", code="unsupported"
            )

    async def _forward(self, command: Any, decoded: Any, vendor_call: str | None) -> Any:
        from callglot.transport import TransportError

        client = self._vendor_client()
        sends: list[tuple[Any, str | None]] = []  # (command, vendor command id)
        operation: OperationIds | None = None
        app_hook = getattr(command, "status_url", None)
        kind = OPERATION_STARTS.get(type(command))
        if isinstance(command, c.Answer) and not self.vendor_answers:
            return await self._answered_by_vendor(decoded, vendor_call or "")
        if isinstance(command, c.Dial):
            command = attrs.evolve(command, **self._dial_hooks(command))
            sends.append((command, None))
        elif kind is not None:
            app_id = getattr(command, "control_id", None) or decoded.command_id
            vendor_id = self._vendor_op_id(app_id)
            fields = {}
            if hasattr(command, "control_id"):
                fields["control_id"] = vendor_id if self.vendor_dialect.name == "signalwire" else None
            if self.vendor_dialect.name == "signalwire" and hasattr(command, "status_url"):
                fields["status_url"] = self.config.public_url + self.hook_path
            command = attrs.evolve(command, **fields)
            vendor_cid = vendor_id if self.vendor_dialect.name in ("gateway", "canonical") else None
            operation = OperationIds(kind=kind, app_id=app_id, vendor_id=vendor_id, app_hook=app_hook)
            sends.append((command, vendor_cid))
        elif type(command) in OPERATION_ACTS:
            sends.extend(await self._on_operations(command, vendor_call or ""))
            if not sends:
                return self._app_error(
                    404, f"no {OPERATION_ACTS[type(command)]} is running", code="operation_not_found"
                )
        else:
            cid = decoded.command_id if self.vendor_dialect.name in ("gateway", "canonical") else None
            sends.append((command, cid))
        if operation is not None and vendor_call is not None:  # before sending: its events may beat the reply
            await self.store.start_operation(vendor_call, operation)
        report: tuple[Any, ...] = ()
        sent: Any = None
        stale: list[Any] = []  # stops for operations the vendor had already ended (their events not in yet)
        for outgoing, command_id in sends:
            try:
                sent = await client.send(outgoing, call_id=vendor_call, command_id=command_id, policy=self.policy)
            except callglot.ProviderError as error:
                if error.status == 404 and len(sends) > 1 and type(command) in OPERATION_STOPS:
                    stale.append(outgoing)  # one of several ("stop any audio"): that one had ended already
                    await self.store.end_operation(vendor_call or "", getattr(outgoing, "control_id", None) or "")
                    if len(stale) < len(sends):
                        continue
                if operation is not None and vendor_call is not None:  # it never started
                    await self.store.end_operation(vendor_call, operation.vendor_id or "")
                self.metrics.vendor_errors.labels(str(error.status)).inc()
                if log.isEnabledFor(logging.INFO):
                    log.info(
                        "%s",
                        LogFields(
                            {"event": "proxy.command", "command": TAGS[type(command)], "vendor_status": error.status}
                        ),
                    )
                return self._reply(self.app_dialect.encode_response(_for_app(error), policy=Policy.LENIENT).value)
            except TransportError as exc:
                if operation is not None and vendor_call is not None and not exc.may_have_reached:
                    await self.store.end_operation(vendor_call, operation.vendor_id or "")
                return self._app_error(
                    502 if not exc.may_have_reached else 504, f"the vendor did not answer: {exc.reason}"
                )
            report += sent.report
        if sent is None:  # every stop was stale: the error the last one got is the answer
            return self._app_error(404, f"no {OPERATION_ACTS[type(command)]} is running", code="operation_not_found")
        self.metrics.translations.labels("command", "lossy" if report else "exact").inc()
        for adaptation in report:
            self.metrics.losses.labels(str(adaptation.action)).inc()
        receipt = sent.receipt
        if isinstance(command, c.Dial):
            vendor_call = receipt.call_id or (receipt.call.id if receipt.call is not None else None)
            if vendor_call is None:
                return self._app_error(502, "the vendor's receipt named no call")
            app_call = await self._app_call_for(vendor_call)
            if app_hook is not None:
                await self.store.set_call_hook(vendor_call, app_hook)
        else:
            app_call = decoded.call_id
        log.info("%s", LogFields({
            "event": "proxy.command", "app": self.app_dialect.name, "vendor": self.vendor_dialect.name,
            "command": TAGS[type(command)], "status": 200, "report": [a.field or a.command for a in report],
        }))  # fmt: skip
        reply = self._app_receipt(receipt, app_call or "", decoded.command)
        return self._reply(
            self.app_dialect.encode_response(reply, policy=Policy.LENIENT, command=type(decoded.command)).value, report
        )

    async def _answered_by_vendor(self, decoded: Any, vendor_call: str) -> Any:
        """An answer for a vendor that answers inbound calls itself (SignalWire: the SWML attached to
        the number, as its REST API has no answer): acknowledged once the vendor said the call is
        answered, nothing sent. A call still ringing is waited for, up to ``ANSWER_WAIT`` seconds (the
        app may answer before the vendor's answered event reached the proxy)."""
        deadline = time.monotonic() + ANSWER_WAIT
        state = await self.store.call_state(vendor_call)
        while state in ("created", "ringing") and time.monotonic() < deadline:
            await asyncio.sleep(_ANSWER_POLL)
            state = await self.store.call_state(vendor_call)
        if state != ev.CallState.ANSWERED.value:
            status = 422 if self.app_dialect.name == "signalwire" else 409
            return self._app_error(
                status,
                f"the vendor ({self.vendor_dialect.name}) answers an inbound call with the SWML attached to the "
                f"number, not by a command, and this call is {state or 'not known to be answered'}: attach SWML "
                "that starts with answer to the number",
                code="not_answered",
            )
        self.metrics.translations.labels("command", "emulated").inc()
        log.info("%s", LogFields({
            "event": "proxy.command", "app": self.app_dialect.name, "vendor": self.vendor_dialect.name,
            "command": "answer", "status": 200, "emulated": "answered by the vendor",
        }))  # fmt: skip
        receipt = ev.Receipt(status=ev.ReceiptStatus.ACCEPTED, call_id=decoded.call_id, command="answer")
        reply = self._app_receipt(receipt, decoded.call_id or "", decoded.command)
        return self._reply(self.app_dialect.encode_response(reply, policy=Policy.LENIENT, command=c.Answer).value)

    def _dial_hooks(self, command: c.Dial) -> dict[str, Any]:
        """A dial's status URL points at the proxy (the vendor's events come back through it)."""
        if self.vendor_dialect.name != "signalwire":
            return {"status_url": None}
        events = command.status_events
        if self.app_dialect.name != "signalwire":  # the app's dialect reports every state: ask for all
            events = (c.DialEvent.CREATED, c.DialEvent.RINGING, c.DialEvent.ANSWERED, c.DialEvent.ENDED)
        fields: dict[str, Any] = {"status_url": self.config.public_url + self.hook_path, "status_events": events}
        if command.swml_url is None and command.swml is None:  # SignalWire's dial needs a call script
            fields["swml"] = {"version": "1.0.0", "sections": {"main": [{"answer": {}}]}}
        return fields

    async def _on_operations(self, command: Any, vendor_call: str) -> list[tuple[Any, str | None]]:
        """A stop (pause, ...) for the operation the app names, or for every running one of its kind."""
        kind = OPERATION_ACTS[type(command)]
        app_id = getattr(command, "control_id", None)
        running = await self.store.operations(vendor_call, kind)
        if app_id is not None:
            running = [op for op in running if op.app_id == app_id]
        if self.vendor_dialect.name == "signalwire":  # one command per operation, named by its control_id
            return [(attrs.evolve(command, control_id=op.vendor_id), None) for op in running]
        if app_id is not None and not running:  # the operation the app named is not running
            return []
        if hasattr(command, "control_id"):  # the vendor acts on the session's current one: no id to give
            command = attrs.evolve(command, control_id=None)
        return [(command, None)]

    def _app_receipt(self, receipt: ev.Receipt, app_call: str, command: Any) -> ev.Receipt:
        leg = receipt.call
        if leg is not None:
            leg = attrs.evolve(leg, id=app_call, details=None)
        elif self.app_dialect.name == "signalwire" or isinstance(command, c.Dial):
            source = getattr(getattr(command, "source", None), "address", None)
            destination = getattr(getattr(command, "destination", None), "address", None)
            leg = ev.CallLeg(id=app_call, state="created" if isinstance(command, c.Dial) else None,
                             direction="outbound" if isinstance(command, c.Dial) else None,
                             source=source, destination=destination)  # fmt: skip
        status = receipt.status
        return ev.Receipt(status=status, call_id=app_call, command=TAGS[type(command)], call=leg,
                          operation_id=receipt.operation_id)  # fmt: skip

    # -- webhooks

    async def vendor_hook(self, request: Any) -> Any:
        started = time.perf_counter()
        response = await self._vendor_hook(request)
        self.metrics.requests.labels("hook", str(response.status_code)).inc()
        self.metrics.latency.labels("hook").observe(time.perf_counter() - started)
        return response

    def _plain(self, status: int, message: str) -> Any:
        return _starlette().responses.JSONResponse({"error": message}, status_code=status)

    async def _vendor_hook(self, request: Any) -> Any:
        raw = await request.body()
        key = self.config.vendor.signing_key
        if key is not None:
            try:
                if self.vendor_dialect.name == "signalwire":
                    url = (
                        self.config.public_url
                        + request.url.path
                        + (f"?{request.url.query}" if request.url.query else "")
                    )
                    SignalWireSignature(key).verify(url, raw, request.headers)
                else:
                    SharedSecretHeader(key).verify(request.headers)
            except SignatureError as exc:
                log.info("%s", LogFields({"event": "proxy.hook", "status": 401, "reason": exc.reason}))
                return self._plain(401, "the webhook's signature does not verify")
        try:
            body = json.loads(raw)
        except (ValueError, UnicodeDecodeError):
            return self._plain(400, "the body is not JSON")
        try:
            event = self.vendor_dialect.decode_event(HttpRequest(method="POST", path=_path(request), body=body))
        except DecodeError as exc:
            return self._plain(400, f"{exc.path}: {exc.reason}")
        translated, url = await self._for_app(event)
        if translated is None:
            return self._plain(200, "nothing to deliver")
        try:
            out = self.app_dialect.encode_event(translated, policy=Policy.LENIENT, path="/")
        except EncodeError as exc:
            self.metrics.translations.labels("event", "dropped").inc()
            log.info(
                "%s", LogFields({"event": "proxy.hook", "dropped": type(event).__name__, "reason": str(exc)[:200]})
            )
            return self._plain(200, "the app's dialect has no form for this event")
        if out.value is None or url is None:
            self.metrics.translations.labels("event", "dropped").inc()
            return self._plain(
                200, "dropped: " + ("no webhook URL" if url is None else "an event callglot does not model")
            )
        self.metrics.translations.labels("event", "lossy" if out.report else "exact").inc()
        from callglot.transport import encode_body

        content = encode_body(out.value.body)
        if self.queue is not None:  # Redis mode: answer the vendor once the webhook is durably queued
            queued = await self.queue.enqueue(
                call_id=str(getattr(translated, "call_id", None) or "-"),
                dedupe=hashlib.sha256(raw).hexdigest(),  # a vendor's retry sends the same bytes
                url=url,
                content=content,
                headers=self._app_signature(url, content),
            )
            self.metrics.deliveries.labels("queued" if queued else "duplicate").inc()
            return self._plain(200, "queued" if queued else "already queued")
        delivery = await self._webhook_sender().send(url, content, self._app_signature(url, content))
        self.metrics.deliveries.labels("delivered" if delivery.delivered else "failed").inc()
        log.info("%s", LogFields({
            "event": "proxy.delivery", "event_type": type(translated).__name__, "status": delivery.status,
            "error": delivery.error, "report": [a.field or a.command for a in out.report],
        }))  # fmt: skip
        if not delivery.delivered:  # the vendor retries on its schedule
            return self._plain(502, "the app did not take the webhook")
        return self._plain(200, "delivered")

    async def _for_app(self, event: Any) -> tuple[Any, str | None]:
        """``event`` in the app's terms (ids mapped, state updated) and where it goes; (None, None): nothing."""
        if isinstance(event, ev.UnknownEvent):
            return event, self.config.app.webhook_url
        vendor_call = event.call_id
        if vendor_call is None:
            return None, None
        app_call = await self._app_call_for(vendor_call)
        url = self.config.app.webhook_url
        fields: dict[str, Any] = {"call_id": app_call, "origin": None, "control_id": None, "command_id": None}
        vendor_op = event.control_id if self.vendor_dialect.name == "signalwire" else event.command_id
        operation = None
        if vendor_op is not None and not isinstance(event, ev.CallStateChanged | ev.CommandResult):
            operation = await self.store.find_operation(vendor_call, vendor_op)
        if operation is not None:
            if self.app_dialect.name == "signalwire":
                fields["control_id"] = operation.app_id or operation.vendor_id
            elif self.app_dialect.name in ("gateway", "canonical"):
                fields["command_id"] = (
                    operation.app_id if operation.app_id and COMMAND_ID.fullmatch(operation.app_id) else None
                )
            url = operation.app_hook or url
            state = getattr(event, "state", None)
            if state in _ENDED or isinstance(event, ev.CollectResult | ev.DetectEvent):
                await self.store.end_operation(vendor_call, vendor_op)
        elif isinstance(event, ev.CallStateChanged):
            url = await self.store.call_hook(vendor_call) or url
            if not self.vendor_answers:  # an app's answer is acknowledged from this (_answered_by_vendor)
                await self.store.set_call_state(vendor_call, event.state.value)
            if event.state in (ev.CallState.ENDED, ev.CallState.FAILED):
                await self.store.end_call(vendor_call)
        try:
            return attrs.evolve(event, **fields), url
        except InvalidValue:
            return None, None

    def _app_signature(self, url: str, content: bytes) -> dict[str, str]:
        key = self.config.app.signing_key
        if key is None:
            return {}
        if self.app_dialect.name == "signalwire":
            return SignalWireSignature(key).sign(url, content)
        return SharedSecretHeader(key).headers()


def _for_app(error: callglot.ProviderError) -> callglot.ProviderError:
    """The vendor's error as the app's dialect can carry it: its status and message (the vendor's own
    code, kind and details belong to the vendor's error form)."""
    return callglot.ProviderError(error.status, error.message, retry_after=error.retry_after)


def create_app(
    config: ProxyConfig, *, store: Store | None = None, vendor_http: Any = None, app_http: Any = None
) -> Any:
    """The proxy as an ASGI application (Starlette). ``vendor_http``/``app_http``: httpx.AsyncClients
    to reach the vendor and the app with (tests pass in-process transports)."""
    s = _starlette()
    proxy = Proxy(config, store=store, vendor_http=vendor_http, app_http=app_http)
    from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

    async def healthz(request: Any) -> Any:
        return s.responses.JSONResponse({"ok": True})

    async def metrics(request: Any) -> Any:
        return s.responses.Response(generate_latest(proxy.metrics.registry), media_type=CONTENT_TYPE_LATEST)

    @contextlib.asynccontextmanager
    async def lifespan(app: Any) -> Any:
        await proxy.start()
        try:
            yield
        finally:
            await proxy.aclose()

    Route = s.routing.Route
    app = s.applications.Starlette(
        lifespan=lifespan,
        routes=[
            Route("/healthz", healthz, methods=["GET"]),
            Route("/metrics", metrics, methods=["GET"]),
            Route(proxy.hook_path, proxy.vendor_hook, methods=["POST"]),
            Route("/{path:path}", proxy.command, methods=["GET", "POST", "PUT", "PATCH", "DELETE"]),
        ],
    )
    app.state.proxy = proxy
    return app
