"""Faults a simulated vendor can inject, each off by default, and the vendors' documented limits."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import attrs

from callglot._server import RETRY_SCHEDULES  # the vendors' webhook retry schedules (re-exported)

__all__ = ["RETRY_SCHEDULES", "VENDOR_RATE_LIMITS", "Faults"]

#: (requests, per seconds) a vendor documents per key: Chirp 120/min for app keys (dialects.md §2.7),
#: the gateway 10,000/s per app id and client IP (§3.2). SignalWire documents none for calling.
VENDOR_RATE_LIMITS: Mapping[str, tuple[int, float]] = {"chirp": (120, 60.0), "gateway": (10_000, 1.0)}


def _probability(_: Any, attribute: attrs.Attribute[float], value: float) -> None:
    if type(value) not in (int, float) or not 0.0 <= value <= 1.0:
        raise ValueError(f"{attribute.name} must be a probability in 0..1, got {value!r}")


def _seconds(_: Any, attribute: attrs.Attribute[float], value: float) -> None:
    if type(value) not in (int, float) or not 0.0 <= value <= 3600.0 or math.isnan(value):
        raise ValueError(f"{attribute.name} must be seconds in 0..3600, got {value!r}")


def _rate_limit(_: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    if value is None or value is True:
        return
    if type(value) is not int or value < 1:
        raise ValueError(f"{attribute.name} must be None, True (the vendor's documented limit) or requests per minute")


@attrs.frozen(kw_only=True)
class Faults:
    """What goes wrong, on purpose. Random choices use the simulator's seeded generator.

    ``rate_limit``: True for the vendor's documented limit, or requests per minute per key; over it a
    command gets 429 with ``Retry-After``. ``error_rate``: the chance a command gets a 503 (before it
    takes effect). ``latency``: seconds (wall clock) before each command is answered.
    ``duplicate_webhooks``: the chance a webhook is sent twice. ``reorder_webhooks``: webhooks that
    are due together go out in a random order. ``webhook_delay``: seconds (simulated) before each
    webhook goes out.
    """

    rate_limit: int | bool | None = attrs.field(default=None, validator=_rate_limit)
    error_rate: float = attrs.field(default=0.0, validator=_probability)
    latency: float = attrs.field(default=0.0, validator=_seconds)
    duplicate_webhooks: float = attrs.field(default=0.0, validator=_probability)
    reorder_webhooks: bool = attrs.field(default=False, validator=attrs.validators.instance_of(bool))
    webhook_delay: float = attrs.field(default=0.0, validator=_seconds)

    def limit_for(self, dialect: str) -> tuple[int, float] | None:
        """(requests, per seconds) in force for ``dialect``, or None."""
        if self.rate_limit is None or self.rate_limit is False:
            return None
        if self.rate_limit is True:
            documented = VENDOR_RATE_LIMITS.get(dialect)
            if documented is None:
                raise ValueError(f"{dialect} documents no rate limit: give rate_limit as requests per minute")
            return documented
        return (int(self.rate_limit), 60.0)

    @classmethod
    def from_json(cls, data: Any) -> Faults:
        """Faults from a control-API object; raises ValueError naming the bad key."""
        if not isinstance(data, dict):
            raise ValueError("faults must be a JSON object")
        names = {f.name for f in attrs.fields(cls)}
        unknown = sorted(set(data) - names)
        if unknown:
            raise ValueError(f"faults: unknown key(s) {', '.join(unknown)} (known: {', '.join(sorted(names))})")
        return cls(**data)

    def to_json(self) -> dict[str, Any]:
        return attrs.asdict(self)
