"""Chirp's replies to commands (reference/dialects.md §2.2, §2.4, §2.7): receipts and errors.

A command is answered ``200 {"callId", "command", "status"}`` (status accepted or queued; command is
the Chirp type). ``POST /v1/calls`` is answered with the call object (§2.4): decoded as
``Receipt(command="dial", call=CallLeg(...))`` whose ``details`` keep the object's further keys
verbatim (appId, fromChannel, toChannel, duration, endReason, metadata, livekitRoomName, startedAt,
answeredAt, endedAt, createdAt). Errors are ``{"error": {type, message, code?, doc_url?, param?,
provider?}}`` or, for 429, ``{"error": "<message>"}``; ``Retry-After`` and the ``X-RateLimit-*``
headers are read too. The success status is 200 (the only one callglot accepts).
"""

from __future__ import annotations

import math
from collections.abc import Container, Mapping
from typing import Any

import attrs

from callglot._frozen import frozen
from callglot._wire import HttpResponse
from callglot.adapters import _base, _structure
from callglot.adapters._base import Encoding, at, enum_value, lose_set, route_for
from callglot.adapters._structure import require_object, structure
from callglot.canonical import (
    TAGS,
    AddParticipant,
    Answer,
    Cancel,
    Dial,
    Hangup,
    Hold,
    Mute,
    Play,
    Record,
    Reject,
    RemoveParticipant,
    SendDigits,
    SendToVoicemail,
    StopPlayback,
    StopRecording,
    Transfer,
    Unhold,
    Unmute,
    freeze_json,
    thaw_json,
)
from callglot.canonical.events import CallLeg, ProviderError, Receipt, ReceiptStatus
from callglot.capabilities import Capability, partial
from callglot.errors import InvalidMessage, InvalidValue

from ._wire import (
    CHANNELS,
    converter,
    encode_choice,
    invalid_at,
    register,
    time_problem,
)
from .commands import DECODERS

# ---------------------------------------------------------------- wire shapes


@frozen(kw_only=True)
class _CommandReceipt:
    call_id: str
    command: str
    status: str


@frozen(kw_only=True)
class _ErrorObject:
    type: str
    message: str
    code: str | None = None
    doc_url: str | None = None
    param: str | None = None
    provider: dict[str, Any] | None = None


@frozen(kw_only=True)
class _ErrorBody:
    error: Any  # the error object, or a plain string (429)


register(_CommandReceipt, _ErrorObject, _ErrorBody)

#: Chirp command type -> canonical command (a receipt names the wire type; Receipt.command is the tag).
RECEIPT_COMMANDS: Mapping[str, type] = {
    "answer": Answer, "reject": Reject, "hangup": Hangup, "hold": Hold, "unhold": Unhold, "mute": Mute,
    "unmute": Unmute, "transfer": Transfer, "add_participant": AddParticipant,
    "remove_participant": RemoveParticipant, "send_dtmf": SendDigits, "play_audio": Play, "stop_audio": StopPlayback,
    "start_recording": Record, "stop_recording": StopRecording, "send_to_voicemail": SendToVoicemail,
}  # fmt: skip
_TAG_TO_WIRE: Mapping[str, str] = {TAGS[cls]: wire_type for wire_type, cls in RECEIPT_COMMANDS.items()}
assert set(RECEIPT_COMMANDS) == set(DECODERS)

RECEIPT_STATUSES = (ReceiptStatus.ACCEPTED, ReceiptStatus.QUEUED)
ERROR_TYPES = ("invalid_request_error", "authentication_error", "provider_error", "api_error")
CALL_STATUSES = ("initiated", "ringing", "in_progress", "voicemail", "completed", "failed", "busy", "no_answer",
                 "canceled")  # fmt: skip
DIRECTIONS = ("inbound", "outbound")
RATE_LIMIT_HEADERS = {"limit": "X-RateLimit-Limit", "remaining": "X-RateLimit-Remaining", "reset": "X-RateLimit-Reset"}

#: The call object (§2.4): wire key -> (kind, nullable). Only ``id`` is required.
_CALL_OBJECT: Mapping[str, tuple[str, bool]] = {
    "id": ("string", False), "appId": ("string", False), "direction": ("direction", False),
    "status": ("status", False), "fromAddress": ("string", False), "toAddress": ("string", False),
    "fromChannel": ("channel", False), "toChannel": ("channel", False), "duration": ("number", True),
    "endReason": ("string", True), "metadata": ("object", True), "livekitRoomName": ("string", True),
    "startedAt": ("time", True), "answeredAt": ("time", True), "endedAt": ("time", True),
    "createdAt": ("time", False),
}  # fmt: skip
_CALL_MODELLED = ("id", "status", "direction", "fromAddress", "toAddress")
_CALL_PATHS = {"id": "$.id", "state": "$.status", "direction": "$.direction", "source": "$.fromAddress",
               "destination": "$.toAddress", "details": "$"}  # fmt: skip

#: The provider object of an error: key -> required.
_PROVIDER_KEYS: Mapping[str, bool] = {"source": True, "code": True, "message": True, "fbtrace_id": False}

# ---------------------------------------------------------------- capabilities

RESPONSE_CAPABILITIES: Mapping[type, Capability] = {
    Receipt: partial(
        "200 {callId, command, status} for a command; the call object for POST /v1/calls (command dial)",
        status="Chirp says accepted or queued (a created call: accepted); in_progress is sent as accepted",
        operation_id="Chirp has no operation ids",
        timeout="Chirp has no operation timeout",
        command="Chirp's receipts name one of its 16 command types (cancel is sent as hangup)",
        call="Chirp returns the call object only for a created call (dial)",
        call_id="Chirp's receipts always name the call (and the call object's id is the call id)",
        **{
            "call.state": "Chirp call statuses are " + ", ".join(CALL_STATUSES),
            "call.direction": "Chirp call directions are inbound and outbound",
            "call.details": "Chirp's call object has no such fields",
        },
    ),
    ProviderError: partial(
        "{error: {type, message, code, doc_url, param, provider}}; 429 {error: <message>} with Retry-After",
        status="Chirp errors are HTTP 4xx or 5xx",
        kind="Chirp error types are " + ", ".join(ERROR_TYPES) + " (others are replaced by the status's type)",
        details="Chirp errors carry doc_url, provider and the X-RateLimit-* headers (rate_limit) only",
        retry_after="Retry-After is whole seconds: the value is rounded up",
    ),
}

# ---------------------------------------------------------------- decode


def _kind_problem(kind: str, value: Any) -> str | None:
    """Why ``value`` is not a wire value of ``kind`` (None when it is)."""
    if kind == "number":
        ok = type(value) in (int, float) and 0 <= value < math.inf  # no isfinite: it overflows on huge ints
        return None if ok else "expected a non-negative number"
    if kind == "bool":
        return None if type(value) is bool else "expected a boolean"
    if kind == "object":
        if type(value) is not dict:
            return "expected a JSON object"
        try:
            freeze_json(value)
        except InvalidValue as exc:
            return exc.reason
        return None
    if type(value) is not str or len(value) > _structure.MAX_STRING:
        return "expected a string"
    choices = {"channel": tuple(str(c) for c in CHANNELS), "direction": DIRECTIONS,
               "status": CALL_STATUSES}.get(kind)  # fmt: skip
    if choices is not None and value not in choices:
        return f"must be one of {', '.join(choices)}"
    if kind == "time":
        return time_problem(value)
    return None


def _call_object_problem(data: Mapping[str, Any], *, need_id: bool = True) -> tuple[str, str] | None:
    if need_id and "id" not in data:
        return "$.id", "required field missing"
    extra = [key for key in data if key not in _CALL_OBJECT]  # unexpected_fields sorts (keys may not be str)
    if extra:
        return "$", _structure.unexpected_fields(extra)
    for key, value in data.items():
        kind, nullable = _CALL_OBJECT[key]
        if value is None:
            if not nullable:
                return f"$.{key}", _structure.NULL_NOT_ALLOWED
            continue
        problem = _kind_problem(kind, value)
        if problem is not None:
            return f"$.{key}", problem
    return None


def _refuse_unexpected(data: Mapping[Any, Any], known: Container[str], path: str) -> None:
    """UnexpectedFields (the error that names the keys) before the problem checks, which only describe them."""
    extra = [key for key in data if key not in known]
    if extra:
        raise _structure.UnexpectedFields(path, extra)


def _decode_call_object(body: dict[str, Any]) -> Receipt:
    _refuse_unexpected(body, _CALL_OBJECT, "$")
    problem = _call_object_problem(body)
    if problem is not None:
        raise InvalidMessage(*problem)
    details = {key: value for key, value in body.items() if key not in _CALL_MODELLED}
    try:
        leg = CallLeg(
            id=body["id"],
            state=body.get("status"),
            direction=body.get("direction"),
            source=body.get("fromAddress"),
            destination=body.get("toAddress"),
            details=details or None,
        )
    except InvalidValue as exc:
        raise invalid_at(exc, _CALL_PATHS) from None
    return Receipt(status=ReceiptStatus.ACCEPTED, call_id=leg.id, command=TAGS[Dial], call=leg)


def _decode_receipt(body: Any) -> Receipt:
    require_object(body)
    if "id" in body and "callId" not in body:
        return _decode_call_object(body)
    wire = structure(converter, body, _CommandReceipt)
    cls = route_for(RECEIPT_COMMANDS, wire.command, "$.command", "command type")
    status = enum_value(ReceiptStatus, wire.status, "$.status", RECEIPT_STATUSES)
    with at("$.callId"):
        return Receipt(status=status, call_id=wire.call_id, command=TAGS[cls])


def _rate_limit(headers: Mapping[str, str]) -> dict[str, str]:
    found = {key: _base.header(headers, name) for key, name in RATE_LIMIT_HEADERS.items()}
    return {key: value for key, value in found.items() if value is not None}


def _provider_problem(provider: Mapping[str, Any]) -> tuple[str, str] | None:
    for key, required in _PROVIDER_KEYS.items():
        if key not in provider:
            if required:
                return f".{key}", "required field missing"
            continue
        value = provider[key]
        ok = type(value) is str or (key == "code" and type(value) is int)
        if not ok:
            return f".{key}", "expected a string or an integer" if key == "code" else "expected a string"
    extra = [key for key in provider if key not in _PROVIDER_KEYS]
    if extra:
        return "", _structure.unexpected_fields(extra)
    return None


def _decode_error(response: HttpResponse) -> ProviderError:
    wire = structure(converter, response.body, _ErrorBody)
    after = _base.retry_after(response.headers)
    rate = _rate_limit(response.headers)
    details: dict[str, Any] = {}
    if type(wire.error) is str:
        if rate:
            details["rate_limit"] = rate
        return ProviderError(response.status, wire.error, retry_after=after, details=details or None)
    error = structure(converter, wire.error, _ErrorObject, "$.error")
    if error.type not in ERROR_TYPES:
        raise InvalidMessage("$.error.type", f"must be one of {', '.join(ERROR_TYPES)}")
    if error.doc_url is not None:
        details["doc_url"] = error.doc_url
    if error.provider is not None:
        _refuse_unexpected(error.provider, _PROVIDER_KEYS, "$.error.provider")
        problem = _provider_problem(error.provider)
        if problem is not None:
            raise InvalidMessage(f"$.error.provider{problem[0]}", problem[1])
        details["provider"] = error.provider
    if rate:
        details["rate_limit"] = rate
    with at("$.error.provider"):
        return ProviderError(
            response.status,
            error.message,
            code=error.code,
            parameter=error.param,
            retry_after=after,
            kind=error.type,
            details=details or None,
        )


# ---------------------------------------------------------------- encode


def _type_for_status(status: int) -> str:
    if status in (401, 403):
        return "authentication_error"
    if status in (402, 424):
        return "provider_error"
    return "api_error" if status >= 500 else "invalid_request_error"


def _encode_error(error: ProviderError, ctx: Encoding) -> HttpResponse:
    status = error.status
    if type(status) is not int or not 400 <= status <= 599:
        ctx.lose("status", droppable=False)
    headers: dict[str, str] = {}
    if error.retry_after is not None:
        after = error.retry_after
        if type(after) not in (int, float) or not 0 <= after < 1e10:  # also NaN; isfinite overflows on huge ints
            ctx.lose("retry_after")
        else:
            whole = math.ceil(after)
            if whole != after:
                ctx.lose("retry_after")
            headers["Retry-After"] = str(whole)
    details = {} if error.details is None else dict(thaw_json(error.details))
    unknown = error.details is not None and not details  # an empty object reads back as no details
    rate = details.pop("rate_limit", None)
    if rate is not None:
        if isinstance(rate, dict) and rate and all(k in RATE_LIMIT_HEADERS and type(v) is str for k, v in rate.items()):
            headers.update({RATE_LIMIT_HEADERS[key]: value for key, value in rate.items()})
        else:
            unknown = True
    doc_url = details.pop("doc_url", None)
    if doc_url is not None and type(doc_url) is not str:
        doc_url, unknown = None, True
    provider = details.pop("provider", None)
    if provider is not None and (not isinstance(provider, dict) or _provider_problem(provider) is not None):
        provider, unknown = None, True
    if unknown or details:
        ctx.lose("details")
    plain = (status == 429 and error.kind is None and error.code is None and error.parameter is None
             and doc_url is None and provider is None)  # fmt: skip
    if plain:
        return HttpResponse(status=status, body={"error": error.message}, headers=headers)
    kind = error.kind
    if kind not in ERROR_TYPES:
        if kind is None:
            ctx.generated("kind", "Chirp errors always have a type: the HTTP status's type")
        else:
            ctx.lose("kind")
        kind = _type_for_status(status)
    assert kind is not None
    wire = _ErrorObject(
        type=kind, message=error.message, code=error.code, doc_url=doc_url, param=error.parameter, provider=provider
    )
    return HttpResponse(status=status, body={"error": converter.unstructure(wire)}, headers=headers)


def _encode_call_object(receipt: Receipt, ctx: Encoding) -> dict[str, Any]:
    if receipt.status is not ReceiptStatus.ACCEPTED:
        ctx.lose("status")
    leg = receipt.call
    if leg is None:
        if receipt.call_id is None:
            ctx.lose("call_id", droppable=False)
        ctx.generated("call", "Chirp answers POST /v1/calls with the call object: only its id is known")
        return {"id": receipt.call_id}
    if receipt.call_id is not None and receipt.call_id != leg.id:
        ctx.lose("call_id", droppable=False)
    if receipt.call_id is None:
        ctx.generated("call_id", "the call object's id is the call id: it reads back as the receipt's call_id")
    body: dict[str, Any] = {"id": leg.id}
    status = encode_choice(leg.state, CALL_STATUSES, "call.state", ctx)
    if status is not None:
        body["status"] = status
    direction = encode_choice(leg.direction, DIRECTIONS, "call.direction", ctx)
    if direction is not None:
        body["direction"] = direction
    if leg.source is not None:
        body["fromAddress"] = leg.source
    if leg.destination is not None:
        body["toAddress"] = leg.destination
    if leg.details is not None:
        details = thaw_json(leg.details)
        if not details or any(key in _CALL_MODELLED for key in details) or _call_object_problem(details, need_id=False):
            ctx.lose("call.details")
        else:
            body.update(details)
    return body


def _encode_receipt(receipt: Receipt, ctx: Encoding) -> HttpResponse:
    lose_set(receipt, ("operation_id", "timeout"), ctx)
    if receipt.command == TAGS[Dial]:
        return HttpResponse(status=200, body=_encode_call_object(receipt, ctx))
    status = receipt.status
    if status not in RECEIPT_STATUSES:
        ctx.lose("status")
        status = ReceiptStatus.ACCEPTED
    if receipt.call is not None:
        ctx.lose("call")
    call_id = receipt.call_id if receipt.call_id is not None else (None if receipt.call is None else receipt.call.id)
    if call_id is None:
        ctx.lose("call_id", droppable=False)
    assert call_id is not None
    wire_type = _TAG_TO_WIRE.get(receipt.command or "")
    if receipt.command == TAGS[Cancel]:
        ctx.lose("command")
        wire_type = "hangup"
    if wire_type is None:
        ctx.lose("command", droppable=False)
    assert wire_type is not None
    body = converter.unstructure(_CommandReceipt(call_id=call_id, command=wire_type, status=str(status)))
    return HttpResponse(status=200, body=body)


def decode_response(response: HttpResponse) -> Receipt:
    """Chirp's reply to a command: its receipt, or the error it is raised as (ProviderError)."""
    if response.status >= 400:
        raise _decode_error(response)
    if response.status not in (200, 201, 202):  # the reference saw the bodies, not the status (§2.2)
        raise InvalidMessage("$", f"Chirp answers with 200 (201, 202) or an error status, not {response.status}")
    return _decode_receipt(response.body)


def encode_response(result: Receipt | ProviderError, ctx: Encoding, answers: str | None) -> HttpResponse:
    """A receipt or error as Chirp replies with it; ``answers``: the command replied to, if the caller knows."""
    if isinstance(result, ProviderError):
        return _encode_error(result, ctx)
    if result.command is None and answers is not None:  # the caller says what it answers
        result = attrs.evolve(result, command=answers)
    return _encode_receipt(result, ctx)
