"""The proxy's structured log lines: JSON on the ``callglot.proxy`` logger, never bodies or secrets."""

from __future__ import annotations

import json
import logging
from typing import Any

__all__ = ["LogFields", "log"]

log = logging.getLogger("callglot.proxy")


class LogFields:
    """A structured log line: its JSON is built only if the record is emitted (INFO is off by default)."""

    __slots__ = ("fields",)

    def __init__(self, fields: dict[str, Any]) -> None:
        self.fields = fields

    def __str__(self) -> str:
        return json.dumps(self.fields)
