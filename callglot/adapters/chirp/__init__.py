"""Chirp (reference/dialects.md §2): the dialect, still in one module (commands.py) while it is split up."""

from __future__ import annotations

from .commands import CALL_STATUSES, CHANNELS, DECODERS, ERROR_TYPES, EVENT_NAMES, FORMATS, ChirpDialect, _CreateCall

__all__ = [
    "CALL_STATUSES",
    "CHANNELS",
    "DECODERS",
    "ERROR_TYPES",
    "EVENT_NAMES",
    "FORMATS",
    "ChirpDialect",
    "_CreateCall",
]
