"""SignalWire's answers to commands: receipts and errors (reference/dialects.md §1.2, §1.3).

A command's 200 response is the call leg (CallLeg or FabricDeviceLeg), read as a Receipt; a 4xx or
5xx is the 422-style ``{"errors": [{type, code, message, attribute, url}]}`` or ``{"error": message}``,
read as a ProviderError.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from callglot._frozen import frozen
from callglot._wire import HttpResponse
from callglot.adapters import _base, _structure
from callglot.adapters._base import Encoding
from callglot.adapters._structure import register_wire, structure
from callglot.canonical import events as ev
from callglot.canonical import thaw_json
from callglot.capabilities import Capability, partial
from callglot.errors import InvalidMessage, InvalidValue

from ._wire import _make, _wire_str, converter

RESPONSE_CAPABILITIES: Mapping[type, Capability] = {
    ev.Receipt: partial(
        "200 with the call leg (CallLeg or FabricDeviceLeg): id, status, direction, from and to are the call's; "
        "every other field is kept verbatim in call.details",
        status="SignalWire answers 200 with the call leg: a queued or in-progress receipt reads back as accepted",
        command="the call leg does not name the command",
        operation_id="SignalWire has no operation id",
        timeout="SignalWire has no deferred result timeout",
        call="SignalWire's success body is the call leg: it needs at least the call id",
        call_id="the call leg's id is the call id",
        **{
            "call.state": "a call leg's status is queued, initiated, created, ringing, answered, ending, ended, "
            "failed, canceled or completed",
            "call.direction": "a call leg's direction is inbound, outbound or outbound-api",
            "call.details": "only the call leg's own fields (url, charge, created_at, charge_details, source, "
            "duration, duration_ms, billing_ms, type, parent_id) can be said",
        },
    ),
    ev.ProviderError: partial(
        '422-style {"errors": [{type, code, message, attribute, url}]} when the error has a kind and a code, '
        'otherwise {"error": message}',
        status="SignalWire errors are HTTP 4xx or 5xx",
        code='the {"error"} form has only a message',
        parameter='the {"error"} form has only a message',
        kind='the {"error"} form has only a message',
        details="SignalWire's errors carry a url and further errors, nothing else",
        retry_after="Retry-After is whole seconds",
    ),
}


# ---------------------------------------------------------------- wire shapes


@frozen(kw_only=True)
class _RestError:
    type: str
    code: str
    message: str
    attribute: Any = None  # a string, null or absent
    url: str


register_wire(converter, _RestError)

# ---------------------------------------------------------------- the call leg

CALL_STATUSES = ("queued", "initiated", "created", "ringing", "answered", "ending", "ended", "failed", "canceled",
                 "completed")  # fmt: skip
CALL_DIRECTIONS = ("inbound", "outbound", "outbound-api")
CALL_TYPES = ("relay_pstn_call", "relay_sip_call", "relay_webrtc_call", "fabric_subscriber_device_leg")
ERROR_DOCS = "https://signalwire.com/docs/apis/error-codes"


def _is_number(value: Any) -> bool:
    return type(value) in (int, float)


def _is_int(value: Any) -> bool:
    return type(value) is int or (type(value) is float and value.is_integer())


def _is_text(value: Any) -> bool:
    return type(value) is str and len(value) <= _structure.MAX_STRING


def _charge_details(value: Any) -> bool:
    return type(value) is list and all(
        isinstance(item, dict)
        and set(item) == {"description", "charge"}
        and _is_text(item["description"])
        and _is_number(item["charge"])
        for item in value
    )


#: call-leg fields besides id/from/to/direction/status and their checks (null allowed where the spec says).
_LEG_DETAILS: Mapping[str, tuple[Callable[[Any], bool], str]] = {
    "source": (lambda v: v == "realtime_api", 'must be "realtime_api"'),
    "url": (lambda v: v is None or _is_text(v), "expected a string or null"),
    "charge": (_is_number, "expected a number"),
    "created_at": (_is_text, "expected a date-time string"),
    "charge_details": (_charge_details, "expected an array of {description, charge}"),
    "duration": (lambda v: v is None or _is_int(v), "expected an integer or null"),
    "duration_ms": (lambda v: v is None or _is_int(v), "expected an integer or null"),
    "billing_ms": (lambda v: v is None or _is_int(v), "expected an integer or null"),
    "type": (lambda v: v in CALL_TYPES, f"must be one of {', '.join(CALL_TYPES)}"),
    "parent_id": (lambda v: v is None or _is_text(v), "expected a string or null"),
}
_LEG_ENUMS: Mapping[str, tuple[str, ...]] = {"status": CALL_STATUSES, "direction": CALL_DIRECTIONS}


def _decode_call_leg(body: dict[str, Any]) -> ev.Receipt:
    extra = set(body) - {"id", "from", "to", "direction", "status", *_LEG_DETAILS}
    if extra:
        raise _structure.UnexpectedFields("$", extra)
    if "id" not in body:
        raise InvalidMessage("$.id", "required field missing")
    call_id = _wire_str(body["id"], "$.id")
    named: dict[str, str | None] = {}
    details: dict[str, Any] = {}
    for key in ("from", "to", "direction", "status"):
        if key not in body:
            continue
        value = body[key]
        if value is None and key == "status":
            details[key] = None  # FabricDeviceLeg: status is always null
            continue
        text = _wire_str(value, f"$.{key}")
        if key in _LEG_ENUMS and text not in _LEG_ENUMS[key]:
            raise InvalidMessage(f"$.{key}", f"must be one of {', '.join(_LEG_ENUMS[key])}")
        named[key] = text
    for key, (check, reason) in _LEG_DETAILS.items():
        if key in body:
            if not check(body[key]):
                raise InvalidMessage(f"$.{key}", reason)
            details[key] = body[key]
    leg = _make(
        ev.CallLeg,
        {
            "id": "$.id",
            "state": "$.status",
            "direction": "$.direction",
            "source": "$.from",
            "destination": "$.to",
            "details": "$",  # the leg's other keys, kept verbatim
        },
        id=call_id,
        state=named.get("status"),
        direction=named.get("direction"),
        source=named.get("from"),
        destination=named.get("to"),
        details=details or None,
    )
    return ev.Receipt(status=ev.ReceiptStatus.ACCEPTED, call_id=call_id, call=leg)


def _encode_call_leg(receipt: ev.Receipt, ctx: Encoding) -> dict[str, Any]:
    if receipt.status is not ev.ReceiptStatus.ACCEPTED:
        ctx.lose("status")
    for field in ("command", "operation_id", "timeout"):
        if getattr(receipt, field) is not None:
            ctx.lose(field)
    leg = receipt.call
    if leg is None:
        if receipt.call_id is None:
            ctx.lose("call", droppable=False)
        assert receipt.call_id is not None
        ctx.generated("call", "SignalWire answers with the call leg: only its id is known")
        return {"id": receipt.call_id}
    if receipt.call_id is None:
        ctx.generated("call_id", "the call leg's id is the call id")
    elif receipt.call_id != leg.id:
        ctx.lose("call_id")
    body: dict[str, Any] = {}
    if leg.details is not None:
        if not leg.details:  # {} is not "no details", and the leg has no way to say it
            ctx.lose("call.details")
        for key, value in thaw_json(leg.details).items():
            check = _LEG_DETAILS.get(key)
            if (check is not None and check[0](value)) or (key == "status" and value is None and leg.state is None):
                body[key] = value
            else:
                ctx.lose("call.details")
    body["id"] = leg.id
    if leg.source is not None:
        body["from"] = leg.source
    if leg.destination is not None:
        body["to"] = leg.destination
    for key, field, value in (("direction", "call.direction", leg.direction), ("status", "call.state", leg.state)):
        if value is None:
            continue
        if value in _LEG_ENUMS[key]:
            body[key] = value
        else:
            ctx.lose(field)
    return body


# ---------------------------------------------------------------- errors

_ERROR_FIELDS = {"message": "message", "code": "code", "parameter": "attribute", "kind": "type"}


def _error_field_path(field: str) -> str:
    """Where in ``{"errors": [...]}`` a ProviderError field came from (details.url is the first error's url,
    details.errors[i] the (i+1)th error)."""
    head, _, rest = field.partition(".")
    if head in _ERROR_FIELDS:
        return f"$.errors[0].{_ERROR_FIELDS[head]}"
    if rest.startswith("url"):
        return f"$.errors[0].{rest}"
    if rest.startswith("errors["):
        index, _, tail = rest[len("errors[") :].partition("]")
        if index.isdigit():
            return f"$.errors[{int(index) + 1}]{tail}"
    return "$.errors"


def _decode_error(response: HttpResponse) -> ev.ProviderError:
    body = response.body
    retry_after = _base.retry_after(response.headers)
    if not isinstance(body, dict):
        raise InvalidMessage("$", f"expected a SignalWire error object, got {_structure._json_type(body)}")
    if "errors" in body:
        if set(body) != {"errors"}:
            raise _structure.UnexpectedFields("$", set(body) - {"errors"})
        items = body["errors"]
        if type(items) is not list or not items:
            raise InvalidMessage("$.errors", "expected a non-empty array of errors")
        parsed = [structure(converter, item, _RestError, f"$.errors[{index}]") for index, item in enumerate(items)]
        for index, item in enumerate(parsed):
            if item.attribute is not None and not _is_text(item.attribute):
                raise InvalidMessage(f"$.errors[{index}].attribute", "expected a string or null")
        first = parsed[0]
        details: dict[str, Any] = {"url": first.url}
        if len(items) > 1:
            details["errors"] = items[1:]
        try:
            return ev.ProviderError(
                response.status,
                first.message,
                code=first.code,
                parameter=first.attribute,
                kind=first.type,
                details=details,
                retry_after=retry_after,
            )
        except InvalidValue as exc:
            raise InvalidMessage(_error_field_path(exc.field), exc.reason) from None
    if "error" in body:
        if set(body) != {"error"}:
            raise _structure.UnexpectedFields("$", set(body) - {"error"})
        return ev.ProviderError(response.status, _wire_str(body["error"], "$.error"), retry_after=retry_after)
    raise InvalidMessage("$", 'expected {"errors": [...]} or {"error": "..."}')


def _encode_error(error: ev.ProviderError, ctx: Encoding) -> HttpResponse:
    status = error.status
    if type(status) is not int or not 400 <= status <= 599:
        ctx.lose("status", droppable=False)
    headers: dict[str, str] = {}
    if error.retry_after is not None:
        if float(error.retry_after).is_integer() and 0 <= error.retry_after < _base.RETRY_AFTER_LIMIT:
            headers["Retry-After"] = str(int(error.retry_after))
        else:
            ctx.lose("retry_after")
    details = {} if error.details is None else thaw_json(error.details)
    if error.kind is not None and error.code is not None:
        first: dict[str, Any] = {"type": error.kind, "code": error.code, "message": error.message}
        first["attribute"] = error.parameter  # the normal form: always sent, null when no parameter
        if "url" in details and type(details["url"]) is not str:
            ctx.lose("details")  # a url that is not a string: SignalWire's is a link
            del details["url"]
        url = details.pop("url", None)
        if url is None:
            ctx.generated("details", "SignalWire errors link their documentation: the error-codes page was used")
            url = ERROR_DOCS
        first["url"] = url
        more = details.pop("errors", None)
        items = [first]
        if more is not None:
            if more and _valid_more_errors(more):
                items += more
            else:
                ctx.lose("details")
        if details:
            ctx.lose("details")
        return HttpResponse(status=status, body={"errors": items}, headers=headers)
    for field in ("code", "parameter", "kind"):
        if getattr(error, field) is not None:
            ctx.lose(field)
    if error.details is not None:  # even empty details: this form has no place for them
        ctx.lose("details")
    return HttpResponse(status=status, body={"error": error.message}, headers=headers)


def _valid_more_errors(items: Any) -> bool:
    if type(items) is not list:
        return False
    for item in items:
        try:
            w = structure(converter, item, _RestError)
        except InvalidMessage:
            return False
        if w.attribute is not None and not _is_text(w.attribute):
            return False
    return True


# ---------------------------------------------------------------- the response


def decode_http_response(response: HttpResponse) -> ev.Receipt:
    """The receipt of a 200 call-leg response; a ProviderError for 4xx/5xx SignalWire error bodies."""
    if response.status == 200:
        if not isinstance(response.body, dict):
            raise InvalidMessage(
                "$", f"expected the call leg (a JSON object), got {_structure._json_type(response.body)}"
            )
        return _decode_call_leg(response.body)
    if 400 <= response.status <= 599:
        raise _decode_error(response)
    raise InvalidMessage("$", f"SignalWire answers 200 or an error status, not {response.status}")


def encode_http_response(result: ev.Receipt | ev.ProviderError, ctx: Encoding) -> HttpResponse:
    if isinstance(result, ev.ProviderError):
        return _encode_error(result, ctx)
    return HttpResponse(status=200, body=_encode_call_leg(result, ctx))
