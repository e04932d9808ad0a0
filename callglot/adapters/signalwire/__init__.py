"""SignalWire REST Calling: ``POST /api/calling/calls`` with a ``command`` union (seeds 001, 003).

The dialect class, and the names other modules import from ``callglot.adapters.signalwire``. The
dialect is split by what it translates:

- :mod:`.commands`: the route table (every command's route declared once; the capability, decode
  and encode tables derived from it), the call-control commands and the state rules of ``update``
  (reference/dialects.md §1.1); the media commands' wire shapes and hooks are in
  :mod:`.media_commands`, the AI agent and live commands' in :mod:`.ai_live_commands`;
- :mod:`.events`: status callbacks (webhooks) as events (§1.7), the events themselves in
  :mod:`.call_events` and :mod:`.operation_events`;
- :mod:`.responses`: the call leg as a receipt, errors as ProviderError (§1.2, §1.3);
- ``_wire`` and ``_webhook``: what more than one of them uses.

``commands`` imports neither ``events`` nor ``responses``, and those two do not import each other.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, ClassVar

from callglot import _lazy
from callglot._wire import HttpRequest, HttpResponse
from callglot.adapters import _base, _structure
from callglot.adapters._base import Decoded, Dialect, Encoding, on_first_use, route_for
from callglot.adapters._structure import structure
from callglot.adapters.testing import TestProfile
from callglot.canonical import Command, Dial
from callglot.capabilities import Capability
from callglot.errors import InvalidMessage, InvalidValue

from ._wire import END_REASONS, LENIENCIES, RECORD_FORMATS, P, _Decoding, _field_error, converter
from .commands import (
    CAPABILITIES,
    DECODERS,
    ENCODERS,
    PATH,
    ROUTES,
    TERMINAL_STATES,
    UUID,
    CallState,
    _decode_update,
    update_refusal,
)
from .media_commands import CODEC_SPELLINGS

#: What other modules import from here (the simulator's update rules; the tables tests check).
__all__ = [
    "CODEC_SPELLINGS",
    "CONFERENCE_STATES",
    "DECODERS",
    "END_REASONS",
    "EVENT_DECODERS",
    "EVENT_END_REASONS",
    "EVENT_REASON_FOR_CAUSE",
    "LENIENCIES",
    "OPERATION_EVENTS",
    "RECORD_FORMATS",
    "TERMINAL_STATES",
    "CallState",
    "SignalWireDialect",
    "update_refusal",
]


if TYPE_CHECKING:
    from callglot.canonical import events as ev

#: Names of the webhook parts, bound on first use: a command translation never loads them.
_LAZY = {
    "CONFERENCE_STATES": f"{__name__}.call_events",
    "EVENT_END_REASONS": f"{__name__}.call_events",
    "EVENT_REASON_FOR_CAUSE": f"{__name__}.call_events",
    "EVENT_DECODERS": f"{__name__}.events",
    "OPERATION_EVENTS": f"{__name__}.events",
}


def __getattr__(name: str) -> Any:
    return _lazy.load(__name__, _LAZY, globals(), name)


def _new_control_id() -> str:
    # uuid.uuid4()'s layout, without building a UUID object (a third of the cost, on every start command).
    h = os.urandom(16).hex()
    return f"{h[:8]}-{h[8:12]}-4{h[13:16]}-{_VARIANT[h[16]]}{h[17:20]}-{h[20:]}"


#: RFC 9562 variant bits (10xx) for the first hex digit of the fourth group.
_VARIANT = {digit: "89ab"[int(digit, 16) & 3] for digit in "0123456789abcdef"}


class SignalWireDialect(Dialect):
    name = "signalwire"
    summary = (
        'SignalWire REST Calling: `POST /api/calling/calls` with `{"command", "id", "params"}` '
        "(`dial` without id; `update` with the id inside params). Start commands carry a `control_id`, "
        "generated when the canonical command has none; call ids are UUIDs."
    )
    schema_file = "signalwire.schema.json"
    test_profile = TestProfile(
        call_id="3fa85f64-5717-4562-b3fc-2c963f66afa6",
        command_tag="command",
        event_tag="event_type",
        wrong_paths=("/api/calling/call",),
        repeatable=lambda: SignalWireDialect(control_ids=lambda: "generated-control-id"),
    )
    capabilities: ClassVar[Mapping[type, Capability]] = CAPABILITIES
    call_free = frozenset({Dial})
    command_id_note = "SignalWire has no idempotency key"
    leniencies: ClassVar[Mapping[str, str]] = LENIENCIES
    dropping_leniencies: ClassVar[Mapping[str, str]] = {
        "ai-unhold-prompt-dropped": "prompt",
        "update-status-wins": "redirect",
    }

    def __init__(self, *, control_ids: Callable[[], str] = _new_control_id) -> None:
        self._control_ids = control_ids  # the context the start commands' encode hooks generate control_ids from

    def _encode(self, command: Command, ctx: Encoding, call_id: str | None, command_id: str | None) -> HttpRequest:
        cls = type(command)
        if cls is not Dial:
            assert call_id is not None
            if UUID.fullmatch(call_id) is None:
                raise InvalidValue("call_id", "SignalWire call ids are UUIDs")
        params = ENCODERS[cls](command, ctx, self._control_ids)
        if type(params) is not dict:  # a wire shape (a hook may build the params dict itself)
            params = converter.unstructure(params)
        name = ROUTES.tags[cls]
        if cls is Dial:
            return HttpRequest(method="POST", path=PATH, body={"command": name, "params": params})
        if name == "update":  # update carries the call id first in its params
            return HttpRequest(method="POST", path=PATH, body={"command": name, "params": {"id": call_id, **params}})
        return HttpRequest(method="POST", path=PATH, body={"command": name, "id": call_id, "params": params})

    def request_for_body(self, body: Any, call_id: str | None) -> HttpRequest:
        """A bare body; ``call_id`` (the CLI's --call-id) becomes its ``id`` when it has none (update: in params)."""
        if call_id is not None and isinstance(body, dict) and body.get("command") != "dial":
            if UUID.fullmatch(call_id) is None:
                raise InvalidValue("call_id", "SignalWire call ids are UUIDs: give --call-id a UUID")
            params = body.get("params")
            if body.get("command") != "update" and "id" not in body:
                body = {**body, "id": call_id}
            elif body.get("command") == "update" and isinstance(params, dict) and "id" not in params:
                body = {**body, "params": {**params, "id": call_id}}
        return HttpRequest(method="POST", path=PATH, body=body)

    # -- webhooks and responses (the only attributes and methods that need .events and .responses)

    event_capabilities: ClassVar[Mapping[type, Capability]] = on_first_use(".events", "EVENT_CAPABILITIES")  # type: ignore[assignment]
    response_capabilities: ClassVar[Mapping[type, Capability]] = on_first_use(".responses", "RESPONSE_CAPABILITIES")  # type: ignore[assignment]
    _events: ClassVar[Any] = on_first_use(".events")
    _responses: ClassVar[Any] = on_first_use(".responses")

    def _decode_event(self, request: HttpRequest) -> ev.AnyEvent:
        event: ev.AnyEvent = self._events.decode_webhook(request.body)
        return event

    def _encode_event(self, event: ev.Event, ctx: Encoding) -> dict[str, Any]:
        body: dict[str, Any] = self._events.encode_webhook(event, ctx)
        return body

    def _decode_response(self, response: HttpResponse) -> ev.Receipt:
        receipt: ev.Receipt = self._responses.decode_http_response(response)
        return receipt

    def _encode_response(
        self, result: ev.Receipt | ev.ProviderError, ctx: Encoding, answers: str | None
    ) -> HttpResponse:
        encoded: HttpResponse = self._responses.encode_http_response(result, ctx)
        return encoded

    def _decode(self, request: HttpRequest) -> Decoded:
        if request.method.upper() != "POST":
            raise _base.wrong_method("SignalWire commands", request.method)
        if request.path != PATH:
            raise _base.wrong_path(PATH)
        body = request.body
        _structure.require_object(body)
        if "command" not in body:
            raise InvalidMessage("$.command", "required field missing")
        name = body["command"]
        d = _Decoding()
        if name == "update":
            command, call_id = _decode_update(body, d)
            return Decoded(command=command, call_id=call_id, leniencies=tuple(d.applied))
        params_cls, decoder = route_for(DECODERS, name, "$.command", "command")
        allowed = {"command", "params"} if name == "dial" else {"command", "id", "params"}
        extra = set(body) - allowed
        if extra:
            raise InvalidMessage("$", _structure.unexpected_fields(extra, known=allowed))
        if "params" not in body:
            raise InvalidMessage("$.params", "required field missing (send {} when there are none)")
        addressed: str | None = None
        if name != "dial":
            if "id" not in body:
                raise InvalidMessage("$.id", "required field missing")
            addressed = body["id"]
            if type(addressed) is not str or UUID.fullmatch(addressed) is None:
                raise InvalidMessage("$.id", "must be a call UUID")
        params = structure(converter, body["params"], params_cls, P)
        try:
            command = decoder(params, d)
        except InvalidValue as exc:
            raise _field_error(P, exc) from None
        return Decoded(command=command, call_id=addressed, leniencies=tuple(d.applied))


_base.check_capability_table(SignalWireDialect)
