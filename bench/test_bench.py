"""Side-by-side timings (pytest-benchmark): callglot against the floor and two baselines, per message.

Every benchmark runs a whole workload (valid messages and the ones that must be rejected, see
workload.py) once per round; ``bench/run.py`` divides by the workload's length to get the time per
message and writes the ratios. Run through ``python bench/run.py`` (or ``tox -e bench``), never in the
test suite: these are measurements, not assertions.
"""

from __future__ import annotations

import operator
from collections.abc import Callable
from typing import Any

import attrs
import handwritten
import orjson
import pydantic_pipeline
import pytest
import workload

import callglot
from callglot import CallglotError, HttpRequest, Translation

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
    benchmark: Any,
    messages: list[Any],
    one: Callable[[Any], Any],
    errors: tuple[type[BaseException], ...],
    per: int | None = None,
) -> None:
    """Time ``one`` over ``messages``; run.py divides by ``per`` (default: their number) for a time per message."""
    benchmark.extra_info["messages"] = len(messages) if per is None else per
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


def _expression(value: Any, names: dict[str, Any]) -> str:
    """Python source that rebuilds ``value`` by its constructors (classes and leaves bound in ``names``).

    attrs values are rebuilt through their constructors and tuples element by element; anything else
    (strings, numbers, enum members, JSON dicts and lists, FrozenJson) is a ready-made leaf. A field
    equal to its plain default (same type, equal value) is not passed, so this is the cheapest way to
    build the value; ``attrs.Factory`` defaults are always passed.
    """
    if attrs.has(type(value)):
        cls = type(value)
        binding = names.setdefault(f"_class_{cls.__module__}.{cls.__qualname__}", f"_C{len(names)}")
        names[binding] = cls
        args = []
        for field in attrs.fields(cls):
            given = getattr(value, field.name)
            default = field.default
            if not field.init or (
                default is not attrs.NOTHING
                and not isinstance(default, attrs.Factory)
                and type(given) is type(default)
                and given == default
            ):
                continue
            args.append(f"{field.alias}={_expression(given, names)}")
        return f"{binding}({', '.join(args)})"
    if type(value) is tuple:
        return f"({''.join(_expression(item, names) + ', ' for item in value)})"
    leaf = f"_leaf{len(names)}"
    names[leaf] = value
    return leaf


def _straight_line(body: str, names: dict[str, Any]) -> Callable[[], Any]:
    """Compile ``body`` (statements ending in a return) into a function: constructor calls and nothing else."""
    source = "def build():\n" + "".join(f"    {line}\n" for line in body.splitlines())
    exec(compile(source, "<bench floor>", "exec"), names)  # our own rendering of workload values
    built: Callable[[], Any] = names["build"]
    return built


def _floors(direction: str) -> tuple[list[Callable[[], Any]], list[Callable[[], Any]]]:
    """Per valid message of ``direction``: (build its canonical values, build what ``translate`` handles).

    The API floor is what an implementation of DESIGN §2/§3 constructs for one ``translate``, as
    straight-line code with nothing parsed, checked or mapped: the ``HttpRequest`` the caller passes in
    (the callglot timings build it too; the baselines take the dict), the validated canonical values
    (their attrs validators and the URL policy), and the ``Translation`` returned: the target's
    ``HttpRequest`` (its body taken ready-made) and the report's ``Adaptation`` values. ``decode``'s
    ``Decoded`` is left out: ``translate`` need not build one. Each builder is checked to return exactly
    what callglot returned.
    """
    source, target = workload.DIRECTIONS[direction]
    canonical, api = [], []
    for message, valid in zip(workload.COMMANDS[direction], workload.COMMAND_VALID[direction], strict=True):
        if not valid:
            continue  # a refusal must build nothing
        request = workload.to_request(message)
        decoded = callglot.get_dialect(source).decode(request)
        translation = callglot.translate(request, source=source, target=target)
        out = translation.value
        names: dict[str, Any] = {"HttpRequest": HttpRequest, "Translation": Translation}
        command = _expression(decoded.command, names)
        report = _expression(translation.report, names)
        names.update(_in=(message["method"], message["path"], message["body"]), _out=(out.method, out.path, out.body))
        build_command = _straight_line(f"return {command}", names)
        build_api = _straight_line(
            "HttpRequest(method=_in[0], path=_in[1], body=_in[2])\n"
            f"_command = {command}\n"
            f"return Translation(value=HttpRequest(method=_out[0], path=_out[1], body=_out[2]), report={report})",
            names,
        )
        if build_command() != decoded.command or build_api() != translation:  # the very values callglot builds
            raise AssertionError(f"{direction}: the floor does not rebuild {translation!r}")
        canonical.append(build_command)
        api.append(build_api)
    return canonical, api


def _run_floor(benchmark: Any, direction: str, builders: list[Callable[[], Any]]) -> None:
    # Per message of the whole workload (refusals build nothing), called like every other timed message.
    _run(benchmark, builders, operator.call, (), per=len(workload.COMMANDS[direction]))


@pytest.mark.parametrize("direction", DIRECTIONS)
def test_callglot_canonical(benchmark: Any, direction: str) -> None:
    """Only the canonical values' constructors (a call per field validator, the URL policy), for scale."""
    _run_floor(benchmark, direction, _floors(direction)[0])


@pytest.mark.parametrize("direction", DIRECTIONS)
def test_api_floor(benchmark: Any, direction: str) -> None:
    """The request in, the canonical values and the translation out: what translate builds, and nothing else."""
    _run_floor(benchmark, direction, _floors(direction)[1])


def _handwritten_urls(direction: str) -> list[str]:
    """Every URL the hand-written translator passes to ``check_url`` over the direction's workload."""
    urls: list[str] = []
    checker = handwritten.check_url

    def recording(url: str, **kwargs: Any) -> str:
        if kwargs:  # the replay below calls check_url(url) alone
            raise AssertionError(f"check_url called with {kwargs}: replay them too")
        urls.append(url)
        return checker(url)

    handwritten.check_url = recording
    try:
        _loop(workload.COMMANDS[direction], getattr(handwritten, BASELINE_FUNCTIONS[direction]), REJECTED)()
    finally:
        handwritten.check_url = checker
    return urls


@pytest.mark.parametrize("direction", DIRECTIONS)
def test_handwritten_url_checks(benchmark: Any, direction: str) -> None:
    """The part of the hand-written translator's time spent in the URL policy (callglot's floor pays it too)."""
    urls = _handwritten_urls(direction)
    _run(benchmark, urls, handwritten.check_url, (ValueError,), per=len(workload.COMMANDS[direction]))


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


# ---------------------------------------------------------------- refusals


def _refused(direction: str) -> list[Any]:
    """The workload's messages that must be refused: a direction's invalid commands, or the invalid events."""
    if direction == "events":
        return [item for item, valid in zip(workload.EVENTS, workload.EVENT_VALID, strict=True) if not valid]
    return [
        m for m, valid in zip(workload.COMMANDS[direction], workload.COMMAND_VALID[direction], strict=True) if not valid
    ]


def _refusers(direction: str) -> dict[str, tuple[Callable[[Any], Any], tuple[type[BaseException], ...]]]:
    if direction == "events":
        dialects = {item["dialect"]: callglot.get_dialect(item["dialect"]) for item in workload.EVENTS}

        def callglot_event(item: dict[str, Any]) -> Any:
            message = item["message"]
            request = HttpRequest(method=message["method"], path=message["path"], body=message["body"])
            return dialects[item["dialect"]].decode_event(request)

        return {
            "handwritten": (lambda item: handwritten.decode_event(item["message"], item["dialect"]), REJECTED),
            "pydantic": (lambda item: pydantic_pipeline.decode_event(item["message"], item["dialect"]), REJECTED),
            "callglot": (callglot_event, (CallglotError,)),
        }
    source, target = workload.DIRECTIONS[direction]

    def callglot_command(message: dict[str, Any]) -> Any:
        request = HttpRequest(method=message["method"], path=message["path"], body=message["body"])
        return callglot.translate(request, source=source, target=target).value

    return {
        "handwritten": (getattr(handwritten, BASELINE_FUNCTIONS[direction]), REJECTED),
        "pydantic": (getattr(pydantic_pipeline, BASELINE_FUNCTIONS[direction]), REJECTED),
        "callglot": (callglot_command, (CallglotError,)),
    }


@pytest.mark.parametrize("direction", [*DIRECTIONS, "events"])
@pytest.mark.parametrize("implementation", ["handwritten", "pydantic", "callglot"])
def test_refusals(benchmark: Any, implementation: str, direction: str) -> None:
    """Only the messages that must be refused (the cost of an error, its message and path included)."""
    messages = _refused(direction)
    one, errors = _refusers(direction)[implementation]
    for message in messages:  # each one is refused, or this is not timing a refusal
        with pytest.raises(errors):
            one(message)
    _run(benchmark, messages, one, errors)
