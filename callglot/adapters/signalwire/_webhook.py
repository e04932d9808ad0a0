"""What every SignalWire webhook shares: the envelope's timestamp and origin, the ids in ``params``.

Used by the event families (:mod:`.call_events`, :mod:`.operation_events`) and by :mod:`.events`,
which reads and writes the envelope itself (reference/dialects.md §1.7).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from callglot.adapters._base import Encoding
from callglot.canonical import events as ev
from callglot.errors import InvalidMessage

from ._wire import _drop_none, _reverse

#: Events of an operation (started by a command with a control_id): they need that control_id.
OPERATION_EVENTS = frozenset(
    {ev.PlaybackEvent, ev.RecordingEvent, ev.CollectResult, ev.DetectEvent, ev.TapEvent, ev.StreamEvent,
     ev.TranscriptionEvent, ev.FaxEvent, ev.SendDigitsEvent}
)  # fmt: skip
#: origin keys that are not params of the same name (the peer's ids live in params.peer; receive and call
#: are spread or nested by their encoders).
_ORIGIN_PLACED = frozenset({"peer_node_id", "peer_tag", "peer_queue_id", "peer_queue_name", "receive", "call"})

_ENVELOPE_PATHS = {"timestamp": "$.timestamp"}


class _EventEnvelope:
    """What the envelope and params say besides the event itself: timestamp, origin, common ids."""

    __slots__ = ("origin", "timestamp")

    def __init__(self, origin: dict[str, Any], timestamp: float | None) -> None:
        self.origin = origin
        self.timestamp = timestamp

    def common(self, w: Any, **extra_origin: Any) -> dict[str, Any]:
        origin = dict(self.origin)
        origin.update(_drop_none(extra_origin))
        fields: dict[str, Any] = {
            "call_id": getattr(w, "call_id", None),
            "control_id": getattr(w, "control_id", None),
            "timestamp": self.timestamp,
            "origin": origin or None,
        }
        return fields


def _state_of(table: Mapping[str, Any], value: str, path: str) -> Any:
    found = table.get(value)
    if found is None:
        raise InvalidMessage(path, f"must be one of {', '.join(table)}")
    return found


def _common_params(event: Any, params_origin: dict[str, Any], ctx: Encoding, *, control: bool = True) -> dict[str, Any]:
    """The ids every event carries: ``call_id`` always, ``control_id`` for an operation's events."""
    out: dict[str, Any] = {}
    if control:
        if event.control_id is not None:
            out["control_id"] = event.control_id
        elif type(event) in OPERATION_EVENTS:
            ctx.lose("control_id", droppable=False)
    if event.call_id is None:
        ctx.lose("call_id", droppable=False)
    out["call_id"] = event.call_id
    out.update({key: value for key, value in params_origin.items() if key not in _ORIGIN_PLACED})
    return out


def _wire_state(table: Mapping[str, Any], state: Any, ctx: Encoding) -> str:
    reverse = _reverse(table)
    if state not in reverse:
        ctx.lose("state", droppable=False)
    return reverse[state]
