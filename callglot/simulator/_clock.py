"""The simulator's time: a virtual clock the test advances, or real time for interactive use.

Every delay in the simulator (ring time, media length, collect timeouts, webhook retries) goes
through one of these, so a test that advances a :class:`VirtualClock` sees the same events, in the
same order, on every run (ties broken by the order they were scheduled).
"""

from __future__ import annotations

import asyncio
import heapq
import itertools
import time
from collections.abc import Callable
from typing import Any

__all__ = ["Clock", "RealClock", "VirtualClock"]

Callback = Callable[[], Any]


class Clock:
    """What the simulator needs of time: ``now()`` in seconds and a timer that can be cancelled."""

    virtual = False

    def now(self) -> float:
        raise NotImplementedError

    def call_at(self, when: float, callback: Callback) -> object:
        raise NotImplementedError

    def cancel(self, handle: object) -> None:
        raise NotImplementedError


class VirtualClock(Clock):
    """Time that moves only when the simulator is told to advance it (``Simulator.advance``)."""

    virtual = True

    def __init__(self, start: float = 0.0) -> None:
        self._now = float(start)
        self._heap: list[list[Any]] = []
        self._order = itertools.count()

    def now(self) -> float:
        return self._now

    def call_at(self, when: float, callback: Callback) -> object:
        entry = [max(when, self._now), next(self._order), callback, False]
        heapq.heappush(self._heap, entry)
        return entry

    def cancel(self, handle: object) -> None:
        if isinstance(handle, list):
            handle[3] = True

    def pop_due(self, until: float) -> Callback | None:
        """The next timer due at or before ``until`` (time moves to it), or None."""
        while self._heap and self._heap[0][0] <= until:
            when, _, callback, cancelled = heapq.heappop(self._heap)
            if cancelled:
                continue
            self._now = max(self._now, when)
            return callback  # type: ignore[no-any-return]
        return None

    def move_to(self, when: float) -> None:
        self._now = max(self._now, when)

    def next_due(self) -> float | None:
        """When the next live timer fires (None when there is none)."""
        while self._heap and self._heap[0][3]:
            heapq.heappop(self._heap)
        return self._heap[0][0] if self._heap else None


class RealClock(Clock):
    """Monotonic seconds since the simulator started; timers on the running event loop."""

    def __init__(self) -> None:
        self._start = time.monotonic()

    def now(self) -> float:
        return time.monotonic() - self._start

    def call_at(self, when: float, callback: Callback) -> object:
        loop = asyncio.get_running_loop()
        return loop.call_later(max(0.0, when - self.now()), callback)

    def cancel(self, handle: object) -> None:
        if isinstance(handle, asyncio.TimerHandle):
            handle.cancel()
