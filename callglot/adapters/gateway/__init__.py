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
from typing import TYPE_CHECKING, Any, ClassVar

from callglot import _lazy
from callglot._wire import HttpRequest, HttpResponse
from callglot.adapters import _base
from callglot.adapters._base import Decoded, Dialect, Encoding, on_first_use
from callglot.adapters.testing import TestProfile
from callglot.canonical import Command
from callglot.capabilities import Capability

from .commands import CAPABILITIES, DECODERS, ENCODERS, decode_request, encode_request

#: Names of the webhook and response parts, bound on first use (see the module docstring).
_LAZY = {
    "CONFERENCE_EVENTS": f"{__name__}.events",
    "EVENT_CAPABILITIES": f"{__name__}.events",
    "EVENT_DECODERS": f"{__name__}.events",
    "RESPONSE_CAPABILITIES": f"{__name__}.responses",
}


def __getattr__(name: str) -> Any:
    return _lazy.load(__name__, _LAZY, globals(), name)


if TYPE_CHECKING:
    from callglot.canonical.events import AnyEvent, Event, ProviderError, Receipt

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
    test_profile = TestProfile(
        call_id="acW68-f47ac10b-58cc-4372-a567-0e02b2c3d479",
        command_tag=None,
        event_tag="event",
        wrong_paths=("/api/v1/sessions/acW68-f47ac10b-58cc-4372-a567-0e02b2c3d479/commands/playback/strat",),
    )
    capabilities: ClassVar[Mapping[type, Capability]] = CAPABILITIES
    carries_command_id = True

    def _encode(self, command: Command, ctx: Encoding, call_id: str | None, command_id: str | None) -> HttpRequest:
        return encode_request(command, ctx, call_id, command_id)

    def _decode(self, request: HttpRequest) -> Decoded:
        return decode_request(request)

    # -- webhooks and responses

    event_capabilities: ClassVar[Mapping[type, Capability]] = on_first_use(".events", "EVENT_CAPABILITIES")  # type: ignore[assignment]
    response_capabilities: ClassVar[Mapping[type, Capability]] = on_first_use(".responses", "RESPONSE_CAPABILITIES")  # type: ignore[assignment]
    _events: ClassVar[Any] = on_first_use(".events")
    _responses: ClassVar[Any] = on_first_use(".responses")

    def _decode_event(self, request: HttpRequest) -> AnyEvent:
        decoded: AnyEvent = self._events.decode_webhook(request.body)
        return decoded

    def _encode_event(self, event: Event, ctx: Encoding) -> dict[str, Any]:
        encoded: dict[str, Any] = self._events.encode_webhook(event, ctx)
        return encoded

    def _decode_response(self, response: HttpResponse) -> Receipt:
        receipt: Receipt = self._responses.decode_reply(response)
        return receipt

    def _encode_response(self, result: Receipt | ProviderError, ctx: Encoding, answers: str | None) -> HttpResponse:
        encoded: HttpResponse = self._responses.encode_reply(result, ctx)
        return encoded


_base.check_capability_table(GatewayDialect)
