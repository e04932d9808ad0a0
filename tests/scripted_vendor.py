"""A scripted vendor for httpx.MockTransport: each request gets the next outcome, and is kept for the test."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import httpx


class Vendor:
    """Outcomes in order: a response, an httpx error class to raise, or a callable that makes the response."""

    def __init__(self, *outcomes: httpx.Response | type[httpx.HTTPError] | Callable[[], httpx.Response]) -> None:
        self.outcomes = list(outcomes)
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        outcome = self.outcomes.pop(0)
        if isinstance(outcome, type):
            raise outcome("simulated failure", request=request)
        return outcome if isinstance(outcome, httpx.Response) else outcome()

    def bodies(self) -> list[Any]:
        return [json.loads(r.content) for r in self.requests]
