"""A third-party dialect built with callglot's public toolkit alone: what a plugin looks like.

"Acme" is a test fixture, not a vendor: ``POST /calls/{call_id}/{command}`` with a flat JSON body.
It answers, hangs up (and so cancels), and sends digits; it says nothing else, and sends no webhooks.
Its schema ships in its own package (``acme_dialect.schemas``), as a plugin's would.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any, ClassVar

import attrs

from callglot import HttpRequest
from callglot.adapters.toolkit import (
    Capability,
    Decoded,
    Dialect,
    Encoding,
    InvalidMessage,
    Route,
    RouteTable,
    Support,
    check_call_id,
    make_converter,
    register_wire,
    route_for,
    structure,
    unsupported,
    wrong_method,
    wrong_path,
)
from callglot.canonical import COMMANDS, Answer, Cancel, Command, Hangup, SendDigits
from callglot.canonical.events import EVENTS, ProviderError, Receipt


@attrs.frozen(kw_only=True)
class _Empty:
    pass


@attrs.frozen(kw_only=True)
class _Dtmf:
    digits: str


converter = make_converter()
register_wire(converter, _Empty)
register_wire(converter, _Dtmf)

_ROUTES = (
    Route(command=Answer, tag="answer", wire=_Empty),
    Route(command=Hangup, tag="hangup", wire=_Empty, lost={"cause": "Acme's hangup carries no cause"}),
    Route(
        command=Cancel,
        tag="hangup",
        wire=_Empty,
        decodes=False,
        support=Support.EMULATED,
        note="Acme has no cancel: hangup ends an unanswered call",
    ),
    Route(
        command=SendDigits,
        tag="dtmf",
        wire=_Dtmf,
        fields={"digits": "digits"},
        lost={"participant_id": "Acme sends digits to the whole call"},
    ),
)
ROUTES = RouteTable(
    _ROUTES,
    unsupported={cls: "Acme cannot say it" for cls in COMMANDS if cls not in {r.command for r in _ROUTES}},
    dialect="acme",
)
_PATH = re.compile(r"/calls/([^/]+)/([a-z_]+)")


class AcmeDialect(Dialect):
    name = "acme"
    summary = "Acme (a test plugin): `POST /calls/{call_id}/{command}` with a flat body."
    schema_file = "acme.schema.json"
    schema_package = "acme_dialect.schemas"
    capabilities: ClassVar[Mapping[type, Capability]] = ROUTES.capabilities
    command_id_note = "Acme has no idempotency key"
    event_capabilities: ClassVar[Mapping[type, Capability]] = {
        cls: unsupported("Acme sends no webhooks") for cls in EVENTS
    }
    response_capabilities: ClassVar[Mapping[type, Capability]] = {
        Receipt: unsupported("Acme answers 204 with no body"),
        ProviderError: unsupported("Acme's errors are not modelled"),
    }

    def _encode(self, command: Command, ctx: Encoding, call_id: str | None, command_id: str | None) -> HttpRequest:
        body: dict[str, Any] = converter.unstructure(ROUTES.encoders[type(command)](command, ctx))
        return HttpRequest(method="POST", path=f"/calls/{call_id}/{ROUTES.tags[type(command)]}", body=body)

    def _decode(self, request: HttpRequest) -> Decoded:
        if request.method.upper() != "POST":
            raise wrong_method("Acme commands", request.method)
        match = _PATH.fullmatch(request.path)
        if match is None:
            raise wrong_path("/calls/{call_id}/{command}")
        call_id = check_call_id(match.group(1), part="path")
        wire, decoder = route_for(ROUTES.decoders, match.group(2), "$", "command", part="path")
        if not isinstance(request.body, dict):
            raise InvalidMessage("$", "expected a JSON object")
        return Decoded(command=decoder(structure(converter, request.body, wire)), call_id=call_id)
