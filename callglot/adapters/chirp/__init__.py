"""Chirp: ``POST /v1/calls/{callId}/commands`` with ``{"type": ..., ...}`` (seed 000; reference/dialects.md §2).

The dialect class. Its parts: :mod:`.commands` (the sixteen command types and ``POST /v1/calls``),
:mod:`.events` (webhooks, §2.5, §2.6), :mod:`.responses` (receipts and errors, §2.2, §2.4, §2.7) and
:mod:`._wire` (what they share). Commands import neither events nor responses.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, ClassVar

from callglot import _lazy
from callglot._wire import HttpRequest, HttpResponse
from callglot.adapters import _base
from callglot.adapters._base import Decoded, Dialect, Encoding, on_first_use
from callglot.adapters.testing import TestProfile
from callglot.canonical import Command, Dial
from callglot.capabilities import Capability

from ._wire import CHANNELS, FORMATS
from .commands import CAPABILITIES, DECODERS, decode_command, decode_dial, encode_command, encode_dial

if TYPE_CHECKING:
    from callglot.canonical.events import AnyEvent, Event, ProviderError, Receipt

__all__ = ["CALL_STATUSES", "CHANNELS", "DECODERS", "ERROR_TYPES", "EVENT_NAMES", "FORMATS", "ChirpDialect"]

#: Names of the webhook and response parts, bound on first use: a command translation never loads them.
_LAZY = {
    "EVENT_NAMES": f"{__name__}.events",
    "CALL_STATUSES": f"{__name__}.responses",
    "ERROR_TYPES": f"{__name__}.responses",
}


def __getattr__(name: str) -> Any:
    return _lazy.load(__name__, _LAZY, globals(), name)


_COMMANDS_PATH = re.compile(r"/v1/calls/([^/]+)/commands")


class ChirpDialect(Dialect):
    name = "chirp"
    summary = (
        "Chirp (api.buildwithchirp.com): `POST /v1/calls/{callId}/commands` with a `type` field and flat "
        "camelCase parameters; `POST /v1/calls` places a call. No idempotency key, no operation ids."
    )
    schema_file = "chirp.schema.json"
    test_profile = TestProfile(
        call_id="call_abc123", command_tag="type", event_tag="event", wrong_paths=("/v1/call/call_abc123/commands",)
    )
    capabilities: ClassVar[Mapping[type, Capability]] = CAPABILITIES
    call_free = frozenset({Dial})
    command_id_note = "Chirp has no idempotency key"
    event_capabilities: ClassVar[Mapping[type, Capability]] = on_first_use(".events", "EVENT_CAPABILITIES")  # type: ignore[assignment]
    response_capabilities: ClassVar[Mapping[type, Capability]] = on_first_use(".responses", "RESPONSE_CAPABILITIES")  # type: ignore[assignment]
    _events: ClassVar[Any] = on_first_use(".events")
    _responses: ClassVar[Any] = on_first_use(".responses")

    def _encode(self, command: Command, ctx: Encoding, call_id: str | None, command_id: str | None) -> HttpRequest:
        if isinstance(command, Dial):
            return HttpRequest(method="POST", path="/v1/calls", body=encode_dial(command, ctx))
        return HttpRequest(method="POST", path=f"/v1/calls/{call_id}/commands", body=encode_command(command, ctx))

    def request_for_body(self, body: Any, call_id: str | None) -> HttpRequest:
        if isinstance(body, dict) and "type" not in body and "from" in body:
            return HttpRequest(method="POST", path="/v1/calls", body=body)
        return HttpRequest(method="POST", path=f"/v1/calls/{_base.require_call_id(call_id)}/commands", body=body)

    def _decode(self, request: HttpRequest) -> Decoded:
        if request.method.upper() != "POST":
            raise _base.wrong_method("Chirp commands", request.method)
        if request.path == "/v1/calls":
            return Decoded(command=decode_dial(request.body))
        match = _COMMANDS_PATH.fullmatch(request.path)
        if match is None:
            raise _base.wrong_path("/v1/calls/{callId}/commands or /v1/calls")
        call_id = _base.check_call_id(match.group(1), part="path")
        return Decoded(command=decode_command(request.body), call_id=call_id)

    # -- webhooks and responses

    def _decode_event(self, request: HttpRequest) -> AnyEvent:
        event: AnyEvent = self._events.decode_webhook(request.body)  # request.path is the receiver's URL: ignored
        return event

    def _encode_event(self, event: Event, ctx: Encoding) -> dict[str, Any]:
        body: dict[str, Any] = self._events.encode_webhook(event, ctx)
        return body

    def _decode_response(self, response: HttpResponse) -> Receipt:
        receipt: Receipt = self._responses.decode_response(response)
        return receipt

    def _encode_response(self, result: Receipt | ProviderError, ctx: Encoding, answers: str | None) -> HttpResponse:
        encoded: HttpResponse = self._responses.encode_response(result, ctx, answers)
        return encoded


_base.check_capability_table(ChirpDialect)
