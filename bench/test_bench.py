"""Side-by-side timings (pytest-benchmark): callglot against the floor and two baselines, per message.

Every benchmark runs a whole workload (valid messages and the ones that must be rejected, see
workload.py) once per round; ``bench/run.py`` divides by the workload's length to get the time per
message and writes the ratios. Run through ``python bench/run.py`` (or ``tox -e bench``), never in the
test suite: these are measurements, not assertions.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import attrs
import handwritten
import orjson
import pydantic_pipeline
import pytest
import workload

import callglot
from callglot import CallglotError, HttpRequest

DIRECTIONS = list(workload.DIRECTIONS)
BASELINE_FUNCTIONS = {
    "chirp->signalwire": "chirp_to_signalwire",
    "signalwire->gateway": "signalwire_to_gateway",
    "gateway->chirp": "gateway_to_chirp",
}
REJECTED = (ValueError,)  # the baselines refuse a bad message with ValueError (pydantic's errors are ValueErrors)


def _loop(
    messages: list[Any], one: Callable[[Any], Any], errors: tuple[type[BaseException], ...]
) -> Callable[[], None]:
    def run() -> None:
        for message in messages:
            try:  # noqa: SIM105 -- contextlib.suppress would add its own cost to every timed message
                one(message)
            except errors:
                pass

    return run


def _run(
    benchmark: Any, messages: list[Any], one: Callable[[Any], Any], errors: tuple[type[BaseException], ...]
) -> None:
    benchmark.extra_info["messages"] = len(messages)
    benchmark(_loop(messages, one, errors))


# ---------------------------------------------------------------- commands


@pytest.mark.parametrize("direction", DIRECTIONS)
def test_floor(benchmark: Any, direction: str) -> None:
    """orjson.loads + dumps of the same messages: the least any translator must spend."""
    raw = [orjson.dumps(message) for message in workload.COMMANDS[direction]]
    _run(benchmark, raw, lambda data: orjson.dumps(orjson.loads(data)), ())


@pytest.mark.parametrize("direction", DIRECTIONS)
def test_handwritten(benchmark: Any, direction: str) -> None:
    _run(benchmark, workload.COMMANDS[direction], getattr(handwritten, BASELINE_FUNCTIONS[direction]), REJECTED)


@pytest.mark.parametrize("direction", DIRECTIONS)
def test_pydantic(benchmark: Any, direction: str) -> None:
    _run(benchmark, workload.COMMANDS[direction], getattr(pydantic_pipeline, BASELINE_FUNCTIONS[direction]), REJECTED)


@pytest.mark.parametrize("direction", DIRECTIONS)
def test_callglot_translate(benchmark: Any, direction: str) -> None:
    """The message dict in, the target request out: what the baselines do, with callglot."""
    source, target = workload.DIRECTIONS[direction]

    def one(message: dict[str, Any]) -> Any:
        request = HttpRequest(method=message["method"], path=message["path"], body=message["body"])
        return callglot.translate(request, source=source, target=target).value

    _run(benchmark, workload.COMMANDS[direction], one, (CallglotError,))


@pytest.mark.parametrize("direction", DIRECTIONS)
def test_callglot_decode(benchmark: Any, direction: str) -> None:
    dialect = callglot.get_dialect(workload.DIRECTIONS[direction][0])
    requests = [workload.to_request(message) for message in workload.COMMANDS[direction]]
    _run(benchmark, requests, dialect.decode, (CallglotError,))


@pytest.mark.parametrize("direction", DIRECTIONS)
def test_callglot_encode(benchmark: Any, direction: str) -> None:
    """Canonical commands (the direction's valid messages, decoded) encoded for the target."""
    target = workload.DIRECTIONS[direction][1]
    dialect = callglot.get_dialect(target)
    _run(benchmark, workload.ENCODE[target], lambda item: dialect.encode(item[0], call_id=item[1]), (CallglotError,))


def _plan(value: Any) -> Any:
    """How to rebuild ``value`` through its constructors: (class, {field: plan}), ("tuple", [plans]) or a leaf."""
    if attrs.has(type(value)):
        return type(value), {f.name: _plan(getattr(value, f.name)) for f in attrs.fields(type(value)) if f.init}
    if type(value) is tuple:
        return "tuple", [_plan(item) for item in value]
    return "leaf", value


def _build(plan: Any) -> Any:
    kind, inner = plan
    if kind == "leaf":
        return inner
    if kind == "tuple":
        return tuple(_build(item) for item in inner)
    return kind(**{name: _build(child) for name, child in inner.items()})


@pytest.mark.parametrize("direction", DIRECTIONS)
def test_callglot_canonical(benchmark: Any, direction: str) -> None:
    """Only the canonical values' attrs constructors (a call per field validator, the URL policy), for scale."""
    target = workload.DIRECTIONS[direction][1]
    _run(benchmark, [_plan(command) for command, _ in workload.ENCODE[target]], _build, ())


# ---------------------------------------------------------------- events


def test_floor_events(benchmark: Any) -> None:
    raw = [orjson.dumps(item["message"]) for item in workload.EVENTS]
    _run(benchmark, raw, lambda data: orjson.dumps(orjson.loads(data)), ())


def test_handwritten_events(benchmark: Any) -> None:
    _run(benchmark, workload.EVENTS, lambda item: handwritten.decode_event(item["message"], item["dialect"]), REJECTED)


def test_pydantic_events(benchmark: Any) -> None:
    _run(
        benchmark,
        workload.EVENTS,
        lambda item: pydantic_pipeline.decode_event(item["message"], item["dialect"]),
        REJECTED,
    )


def test_callglot_events(benchmark: Any) -> None:
    dialects = {item["dialect"]: callglot.get_dialect(item["dialect"]) for item in workload.EVENTS}

    def one(item: dict[str, Any]) -> Any:
        message = item["message"]
        return dialects[item["dialect"]].decode_event(
            HttpRequest(method=message["method"], path=message["path"], body=message["body"])
        )

    _run(benchmark, workload.EVENTS, one, (CallglotError,))
