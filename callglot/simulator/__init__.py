"""A local, stateful stand-in for a telephony vendor: its exact wire, its webhooks, a control API.

>>> from callglot.simulator import Simulator, FarEnd
>>> sim = Simulator("chirp", webhook_url="http://127.0.0.1:8080/hooks", seed=7)  # doctest: +SKIP

An ASGI application (Starlette, from the ``server`` extra): use it in process with
``httpx.ASGITransport(app=sim)`` or serve it with uvicorn (``callglot simulate``). Time is virtual
unless a :class:`RealClock` is given: :meth:`Simulator.advance` moves it and delivers the webhooks
that fall due. Names load on first use (PEP 562): building the command line's parser loads none.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from callglot import _lazy

if TYPE_CHECKING:
    from ._app import LOOPBACK, Simulator
    from ._calls import FarEnd, Refusal
    from ._clock import Clock, RealClock, VirtualClock
    from ._faults import RETRY_SCHEDULES, VENDOR_RATE_LIMITS, Faults

_LAZY: dict[str, str] = {
    **dict.fromkeys(("LOOPBACK", "Simulator"), "callglot.simulator._app"),
    **dict.fromkeys(("FarEnd", "Refusal"), "callglot.simulator._calls"),
    **dict.fromkeys(("Clock", "RealClock", "VirtualClock"), "callglot.simulator._clock"),
    **dict.fromkeys(("RETRY_SCHEDULES", "VENDOR_RATE_LIMITS", "Faults"), "callglot.simulator._faults"),
}


def __getattr__(name: str) -> Any:
    return _lazy.load(__name__, _LAZY, globals(), name)


def __dir__() -> list[str]:
    return sorted({*globals(), *_LAZY})


__all__ = [
    "LOOPBACK",
    "RETRY_SCHEDULES",
    "VENDOR_RATE_LIMITS",
    "Clock",
    "FarEnd",
    "Faults",
    "RealClock",
    "Refusal",
    "Simulator",
    "VirtualClock",
]
