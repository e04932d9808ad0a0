"""SignalWire REST Calling (the module moved into this package; it is split into submodules next)."""

from __future__ import annotations

from .commands import (
    _SDK_STATUS_EVENTS,
    CODEC_SPELLINGS,
    CONFERENCE_STATES,
    DECODERS,
    END_REASONS,
    EVENT_DECODERS,
    EVENT_END_REASONS,
    EVENT_REASON_FOR_CAUSE,
    LENIENCIES,
    OPERATION_EVENTS,
    RECORD_FORMATS,
    TERMINAL_STATES,
    CallState,
    SignalWireDialect,
    _new_control_id,
    _UpdateParams,
    update_refusal,
)

__all__ = [
    "CODEC_SPELLINGS",
    "CONFERENCE_STATES",
    "DECODERS",
    "END_REASONS",
    "EVENT_DECODERS",
    "EVENT_END_REASONS",
    "EVENT_REASON_FOR_CAUSE",
    "LENIENCIES",
    "OPERATION_EVENTS",
    "RECORD_FORMATS",
    "TERMINAL_STATES",
    "CallState",
    "SignalWireDialect",
    "_SDK_STATUS_EVENTS",
    "_UpdateParams",
    "_new_control_id",
    "update_refusal",
]
