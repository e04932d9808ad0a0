"""The gateway: ``POST /api/v1/sessions/{uuid}/commands/<path>`` (seed 002; reference §3).

A FreeSWITCH-style "Voice Platform API". This package holds the dialect class;
its parts live beside it:

- :mod:`.commands`: the command paths and bodies, their capabilities, decoders and encoders (§3, §3.3);
- :mod:`.events`: the webhooks, their capabilities, decoders and encoders (§3.4);
- :mod:`.responses`: the 202 receipt and the error body (§3.2);
- :mod:`._wire`: what they share (the converter, ``command_uid`` and cause patterns, milliseconds).

``commands`` imports neither ``events`` nor ``responses`` (nor they each other), so
the webhook and response parts can be loaded on first use.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

from callglot._wire import HttpRequest, HttpResponse
from callglot.adapters import _base
from callglot.adapters._base import Decoded, Dialect, Encoding
from callglot.canonical import Command
from callglot.canonical.events import AnyEvent, Event, ProviderError, Receipt
from callglot.capabilities import Capability

from .commands import CAPABILITIES, DECODERS, ENCODERS, decode_request, encode_request
from .events import CONFERENCE_EVENTS, EVENT_CAPABILITIES, EVENT_DECODERS, decode_webhook, encode_webhook
from .responses import RESPONSE_CAPABILITIES, decode_reply, encode_reply

__all__ = [
    "CAPABILITIES",
    "CONFERENCE_EVENTS",
    "DECODERS",
    "ENCODERS",
    "EVENT_CAPABILITIES",
    "EVENT_DECODERS",
    "RESPONSE_CAPABILITIES",
    "GatewayDialect",
]


class GatewayDialect(Dialect):
    name = "gateway"
    summary = (
        "The gateway (a FreeSWITCH-style Voice Platform API): `POST /api/v1/sessions/{uuid}/commands/<path>`; "
        "the body holds the parameters and the optional idempotency key `command_uid`, carried as `command_id`. "
        "Commands answer 202 with a deferred operation; results arrive as `command.result` webhooks."
    )
    schema_file = "gateway.schema.json"
    capabilities: ClassVar[Mapping[type, Capability]] = CAPABILITIES
    carries_command_id = True

    def _encode(self, command: Command, ctx: Encoding, call_id: str | None, command_id: str | None) -> HttpRequest:
        return encode_request(command, ctx, call_id, command_id)

    def _decode(self, request: HttpRequest) -> Decoded:
        return decode_request(request)

    # -- webhooks and responses

    event_capabilities: ClassVar[Mapping[type, Capability]] = EVENT_CAPABILITIES
    response_capabilities: ClassVar[Mapping[type, Capability]] = RESPONSE_CAPABILITIES

    def _decode_event(self, request: HttpRequest) -> AnyEvent:
        return decode_webhook(request.body)

    def _encode_event(self, event: Event, ctx: Encoding) -> dict[str, Any]:
        return encode_webhook(event, ctx)

    def _decode_response(self, response: HttpResponse) -> Receipt:
        return decode_reply(response)

    def _encode_response(self, result: Receipt | ProviderError, ctx: Encoding, answers: str | None) -> HttpResponse:
        return encode_reply(result, ctx)


_base.check_capability_table(GatewayDialect)
