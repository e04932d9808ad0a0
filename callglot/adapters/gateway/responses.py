"""The gateway's command responses: receipts and errors (reference §3.2).

``202 {"operation_id", "status": "in_progress", "timeout_ms"}`` (all three
required, nothing else) is a ``Receipt(IN_PROGRESS, operation_id,
timeout=timeout_ms / 1000)``; it names neither the session nor the command.
``4xx/5xx {"success": false, "error", "detail"?}`` is a ``ProviderError``
(message = ``error``, details = ``detail``, retry_after = the ``Retry-After``
header, whole seconds only). Any other status or body is a DecodeError.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from typing import Any

from callglot._frozen import frozen
from callglot._wire import HttpResponse
from callglot.adapters import _base
from callglot.adapters._base import Encoding, at, lose_set
from callglot.adapters._structure import register_wire
from callglot.canonical.events import ProviderError, Receipt, ReceiptStatus
from callglot.canonical.types import thaw_json
from callglot.capabilities import Capability, Policy, partial
from callglot.errors import InvalidMessage, InvalidValue

from ._wire import MAX_MS, check_detail, converter, ms_to_seconds, seconds_to_ms, structure_closed

# ---------------------------------------------------------------- wire shapes


@frozen(kw_only=True)
class _Accepted:
    operation_id: str
    status: str
    timeout_ms: int


@frozen(kw_only=True)
class _ErrorBody:
    success: bool
    error: str
    detail: Any = _base.ABSENT  # tells an explicit null (refused, as the schema does) from no detail


for _wire_cls in (_Accepted, _ErrorBody):
    register_wire(converter, _wire_cls)

#: The gateway's documented deferred-result timeout, used when LENIENT must invent one.
DEFAULT_TIMEOUT_MS = 2000

# ---------------------------------------------------------------- capabilities

RESPONSE_CAPABILITIES: Mapping[type, Capability] = {
    Receipt: partial(
        "202 {operation_id, status: in_progress, timeout_ms}; the result arrives as a command.result webhook",
        status="the gateway answers every command 202 in_progress (LENIENT sends accepted and queued so)",
        call_id="the 202 body names no session",
        command="the 202 body names no command",
        call="the 202 body carries no call leg",
        operation_id="the gateway's 202 always names its operation (LENIENT generates a UUID)",
        timeout="timeout_ms is whole milliseconds and always present (LENIENT rounds, or uses the documented 2000)",
    ),
    ProviderError: partial(
        "HTTP 4xx/5xx {success: false, error, detail?}; Retry-After in whole seconds",
        status="the gateway's errors are HTTP 4xx or 5xx",
        code="the gateway's errors have no code",
        parameter="the gateway's errors name no parameter",
        kind="the gateway's errors have no class",
        retry_after="Retry-After is whole seconds",
    ),
}

# ---------------------------------------------------------------- decode and encode


def _header(headers: Mapping[str, str], name: str) -> str | None:
    found = [value for key, value in headers.items() if isinstance(key, str) and key.lower() == name]
    if len(found) > 1:
        raise InvalidMessage(f"$.headers.{name}", "given more than once")
    return found[0] if found else None


def decode_reply(response: HttpResponse) -> Receipt:
    status, body = response.status, response.body
    if status == 202:
        accepted = structure_closed(body, _Accepted, "$")
        if accepted.status != "in_progress":
            raise InvalidMessage("$.status", "must be in_progress (the result arrives as a command.result webhook)")
        with at("$.operation_id"):
            return Receipt(
                status=ReceiptStatus.IN_PROGRESS,
                operation_id=accepted.operation_id,
                timeout=ms_to_seconds(accepted.timeout_ms, "$.timeout_ms"),
            )
    if 400 <= status <= 599:
        error = structure_closed(body, _ErrorBody, "$")
        if error.success is not False:
            raise InvalidMessage("$.success", "an error body has success: false")
        detail = check_detail(error.detail, "$.detail")
        _header(response.headers, "retry-after")  # refuses a duplicated header
        try:
            retry_after = _base.retry_after(response.headers)
            problem = ProviderError(status, error.error, details=detail, retry_after=retry_after)
        except InvalidValue as exc:
            head, sep, rest = exc.field.partition(".")  # ProviderError's names -> the body's keys
            key = {"details": "detail", "message": "error"}.get(head, head)
            raise InvalidMessage(f"$.{key}{sep}{rest}", exc.reason) from None
        raise problem
    raise InvalidMessage("$.status", f"gateway commands answer 202 or an error (4xx/5xx), not {status}")


def encode_reply(result: Receipt | ProviderError, ctx: Encoding) -> HttpResponse:
    if isinstance(result, ProviderError):
        if not 400 <= result.status <= 599:
            ctx.lose("status", droppable=False)
        lose_set(result, ("code", "parameter", "kind"), ctx)
        headers: dict[str, str] = {}
        if result.retry_after is not None:
            if 0 <= result.retry_after < _base.RETRY_AFTER_LIMIT and float(result.retry_after).is_integer():
                headers["Retry-After"] = str(int(result.retry_after))
            else:
                ctx.lose("retry_after")
        detail = _base.ABSENT if result.details is None else thaw_json(result.details)
        wire_error = _ErrorBody(success=False, error=result.message, detail=detail)
        return HttpResponse(status=result.status, body=converter.unstructure(wire_error), headers=headers)
    if result.status is not ReceiptStatus.IN_PROGRESS:
        ctx.lose("status")
    lose_set(result, ("call_id", "command", "call"), ctx)
    operation_id = result.operation_id
    if operation_id is None:
        if ctx.policy is Policy.STRICT:
            ctx.lose("operation_id")
        operation_id = str(uuid.uuid4())
        ctx.generated("operation_id", "a random UUID: the gateway's 202 always names its operation")
    timeout_ms: int | None = None
    if result.timeout is None:
        if ctx.policy is Policy.STRICT:
            ctx.lose("timeout")
        ctx.generated("timeout", f"the documented {DEFAULT_TIMEOUT_MS} ms")
        timeout_ms = DEFAULT_TIMEOUT_MS
    else:
        timeout_ms = seconds_to_ms(result.timeout, "timeout", ctx)
        if timeout_ms is None:  # LENIENT, out of range: the 202 always carries a timeout
            timeout_ms = MAX_MS
    accepted = _Accepted(operation_id=operation_id, status="in_progress", timeout_ms=timeout_ms)
    return HttpResponse(status=202, body=converter.unstructure(accepted))
