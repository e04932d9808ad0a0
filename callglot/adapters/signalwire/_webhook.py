"""What the SignalWire event families share: state tables as codecs, and the origin keys nested in params.

Used by the event families (:mod:`.call_events`, :mod:`.operation_events`) and by :mod:`.events`,
which holds the envelope, the origin rules and the route table (reference/dialects.md §1.7).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from callglot.adapters._base import Encoding
from callglot.adapters._routes import Codec
from callglot.errors import InvalidMessage

from ._wire import _reverse

#: origin keys that are not params of the same name (the peer's ids live in params.peer; receive and call
#: are spread or nested by their routes' hooks).
_ORIGIN_PLACED = frozenset({"peer_node_id", "peer_tag", "peer_queue_id", "peer_queue_name", "receive", "call"})


def _state_of(table: Mapping[str, Any], value: str, path: str) -> Any:
    found = table.get(value)
    if found is None:
        raise InvalidMessage(path, f"must be one of {', '.join(table)}")
    return found


def states(table: Mapping[str, Any]) -> Codec:
    """A wire state (``table``: wire value -> canonical value) both ways; a value the table lacks is refused."""
    reverse = _reverse(table)

    def encode(value: Any, field: str, ctx: Encoding) -> str:
        if value not in reverse:
            ctx.lose(field, droppable=False)
        return reverse[value]

    return Codec(decode=lambda value, path: _state_of(table, value, path), encode=encode)
