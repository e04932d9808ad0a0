"""Source dialect -> canonical -> target dialect."""

from __future__ import annotations

from typing import TYPE_CHECKING

import attrs

from callglot._wire import HttpRequest
from callglot.adapters import get_dialect
from callglot.capabilities import Policy, Translation

if TYPE_CHECKING:
    from callglot.canonical.events import AnyEvent

__all__ = ["translate", "translate_event"]


def translate(
    request: HttpRequest,
    *,
    source: str,
    target: str,
    policy: Policy = Policy.STRICT,
    call_id: str | None = None,
) -> Translation[HttpRequest]:
    """Translate a command request from ``source``'s dialect to ``target``'s.

    The call id and idempotency key travel with the command; ``call_id``
    overrides the one in the request (vendors name calls differently).
    Raises DecodeError for a bad request and EncodeError when the target cannot
    say the command (under STRICT, also when any field would be lost). What the
    source's leniency rules set aside while decoding (an SDK's field the
    vendor's spec has no place for) leads the report, under either policy.
    """
    reader = get_dialect(source)
    decoded = reader.decode(request)
    out = get_dialect(target).encode(
        decoded.command,
        call_id=call_id if call_id is not None else decoded.call_id,
        command_id=decoded.command_id,
        policy=policy,
    )
    set_aside = reader.decode_losses(decoded)
    return attrs.evolve(out, report=set_aside + out.report) if set_aside else out


def translate_event(
    request: HttpRequest,
    *,
    source: str,
    target: str,
    policy: Policy = Policy.STRICT,
    path: str = "/",
) -> Translation[HttpRequest | None]:
    """Translate a webhook request from ``source``'s dialect to ``target``'s (POSTed to ``path``).

    An event type the source dialect has that callglot does not model (an :class:`UnknownEvent`)
    reaches the same dialect unchanged; another dialect has no event for it: EncodeError under
    STRICT, and under LENIENT the value is None with the drop in the report.
    """
    event: AnyEvent = get_dialect(source).decode_event(request)
    return get_dialect(target).encode_event(event, policy=policy, path=path)
