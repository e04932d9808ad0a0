"""Chirp: ``POST /v1/calls/{callId}/commands`` with ``{"type": ..., ...}`` (seed 000; reference/dialects.md §2).

The dialect class. Its parts: :mod:`.commands` (the sixteen command types and ``POST /v1/calls``),
:mod:`.events` (webhooks, §2.5, §2.6), :mod:`.responses` (receipts and errors, §2.2, §2.4, §2.7) and
:mod:`._wire` (what they share). Commands import neither events nor responses.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any, ClassVar

from callglot._wire import HttpRequest, HttpResponse
from callglot.adapters import _base
from callglot.adapters._base import Decoded, Dialect, Encoding
from callglot.canonical import Command, Dial
from callglot.canonical.events import AnyEvent, Event, ProviderError, Receipt
from callglot.capabilities import Capability

from ._wire import CHANNELS, FORMATS
from .commands import CAPABILITIES, DECODERS, decode_command, decode_dial, encode_command, encode_dial
from .events import EVENT_CAPABILITIES, EVENT_NAMES, decode_webhook, encode_webhook
from .responses import CALL_STATUSES, ERROR_TYPES, RESPONSE_CAPABILITIES, decode_response, encode_response

__all__ = ["CALL_STATUSES", "CHANNELS", "DECODERS", "ERROR_TYPES", "EVENT_NAMES", "FORMATS", "ChirpDialect"]

_COMMANDS_PATH = re.compile(r"/v1/calls/([^/]+)/commands")


class ChirpDialect(Dialect):
    name = "chirp"
    summary = (
        "Chirp (api.buildwithchirp.com): `POST /v1/calls/{callId}/commands` with a `type` field and flat "
        "camelCase parameters; `POST /v1/calls` places a call. No idempotency key, no operation ids."
    )
    schema_file = "chirp.schema.json"
    capabilities: ClassVar[Mapping[type, Capability]] = CAPABILITIES
    call_free = frozenset({Dial})
    command_id_note = "Chirp has no idempotency key"
    event_capabilities: ClassVar[Mapping[type, Capability]] = EVENT_CAPABILITIES
    response_capabilities: ClassVar[Mapping[type, Capability]] = RESPONSE_CAPABILITIES

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
        return decode_webhook(request.body)  # request.path is the receiver's URL: ignored

    def _encode_event(self, event: Event, ctx: Encoding) -> dict[str, Any]:
        return encode_webhook(event, ctx)

    def _decode_response(self, response: HttpResponse) -> Receipt:
        return decode_response(response)

    def _encode_response(self, result: Receipt | ProviderError, ctx: Encoding, answers: str | None) -> HttpResponse:
        return encode_response(result, ctx, answers)


_base.check_capability_table(ChirpDialect)
