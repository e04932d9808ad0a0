"""Events and responses, for every dialect: declared support equals observed behaviour.

The event half of ``test_capabilities.py``. Every dialect declares every event and both
response kinds, and publishes a webhook-body schema that everything it sends validates against.

- UNSUPPORTED: ``encode_event`` raises UnsupportedCommand under every policy.
- NATIVE: encoding never drops anything but another vendor's ``origin``, and
  decoding gives the event back (``origin`` ignored where the dialect dropped it).
- PARTIAL / EMULATED: strict raises UnsupportedField only for declared fields;
  lenient drops (or generates) what strict refused and reports it; what is sent is the
  dialect's normal form; every declared field is observably lost for some event.
- Cross-dialect: A -> B -> A that nothing was lost on (``callglot.translate_event``)
  is the identity.
- The CLI's ``translate-events`` follows the JSON Lines contract.
- Receipts and provider errors: the same rules through ``encode_response`` /
  ``decode_response``.
"""

from __future__ import annotations

import contextlib
import enum
import functools
import io
import json
import os
import tempfile
from typing import Any

import attrs
import pytest
from event_strategies import EVENT_FIELDS, EVENT_STRATEGIES, event_of, provider_errors, receipts
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from profiles import DIALECTS
from strategies import any_json, cells

import callglot
from callglot.adapters.signalwire import OPERATION_EVENTS
from callglot.canonical import Channel, Direction, HangupCause, RecordingFormat
from callglot.canonical import events as ev
from callglot.canonical.events import EVENTS, CallLeg, ProviderError, Receipt
from callglot.capabilities import Action, Adaptation, Policy, Support
from callglot.cli import main
from callglot.schemas import validator_for

SLOW = settings(suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


def event_cells() -> list[tuple[str, type]]:
    return cells((name, cls) for name in DIALECTS for cls in EVENTS)


def cell_id(cell: tuple[str, type]) -> str:
    return f"{cell[0]}-{cell[1].__name__}"


# ---------------------------------------------------------------- tables and strategies


@pytest.mark.parametrize("name", DIALECTS)
def test_every_dialect_declares_every_event(name: str) -> None:
    assert set(callglot.get_dialect(name).event_capabilities) == set(EVENTS), name


@pytest.mark.parametrize("name", DIALECTS)
def test_response_capabilities_cover_receipt_and_error(name: str) -> None:
    assert set(callglot.get_dialect(name).response_capabilities) == {Receipt, ProviderError}


def test_strategies_cover_every_event() -> None:
    assert set(EVENT_STRATEGIES) >= {*EVENTS, Receipt, ProviderError, CallLeg}


@pytest.mark.parametrize("cls", [*EVENTS, Receipt, CallLeg], ids=lambda c: c.__name__)
def test_strategies_draw_every_field(cls: type) -> None:
    assert EVENT_FIELDS[cls] == {f.name for f in attrs.fields(cls)}


@pytest.mark.parametrize("cls", EVENTS, ids=lambda c: c.__name__)
@given(data=st.data())
def test_strategies_yield_valid_values(cls: type, data: st.DataObject) -> None:
    event = data.draw(event_of(cls))
    assert type(event) is cls
    # Valid and normalised: rebuilding from the fields gives an equal value.
    assert attrs.evolve(event) == event


# ---------------------------------------------------------------- declared == observed


def _with_generated(event: Any, decoded: Any, report: tuple[Adaptation, ...]) -> Any:
    """``event`` with the fields the encoder generated (and the origin it dropped) taken from ``decoded``."""
    names = {f.name for f in attrs.fields(type(event))}
    taken = {a.field for a in report if a.field in names and (a.action is Action.GENERATED or a.field == "origin")}
    return attrs.evolve(event, **{f: getattr(decoded, f) for f in taken}) if taken else event


def _origin_dropped(report: tuple[Adaptation, ...]) -> bool:
    return any(a.field == "origin" and a.action is Action.DROPPED for a in report)


def _check_schema(name: str, body: Any) -> None:
    errors = [f"{e.json_path}: {e.message}" for e in validator_for(f"{name}.events").iter_errors(body)]
    assert not errors, errors[:3]


@pytest.mark.parametrize("cell", event_cells(), ids=cell_id)
@SLOW
@given(data=st.data())
def test_declared_event_support_is_observed(cell: tuple[str, type], data: st.DataObject) -> None:
    name, cls = cell
    dialect = callglot.get_dialect(name)
    capability = dialect.event_capabilities[cls]
    event = data.draw(event_of(cls))

    if capability.support is Support.UNSUPPORTED:
        for policy in Policy:
            with pytest.raises(callglot.UnsupportedCommand):
                dialect.encode_event(event, policy=policy)
        return

    if capability.support is Support.NATIVE:
        out = dialect.encode_event(event, policy=Policy.STRICT)
        for adaptation in out.report:
            assert adaptation.action is Action.GENERATED or (
                adaptation.field == "origin" and adaptation.action is Action.DROPPED
            ), adaptation
        if _origin_dropped(out.report):
            assert event.origin, "only a non-empty origin is dropped"
        _check_schema(name, out.value.body)
        decoded = dialect.decode_event(out.value)
        assert decoded == _with_generated(event, decoded, out.report)
        return

    declared = set(capability.fields)
    try:
        strict = dialect.encode_event(event, policy=Policy.STRICT)
    except callglot.UnsupportedField as exc:
        assert exc.field in declared
        try:
            lenient = dialect.encode_event(event, policy=Policy.LENIENT)
        except callglot.UnsupportedField as again:
            assert again.field in declared  # a loss no policy can drop
            return
        dropped = {a.field for a in lenient.report if a.action is Action.DROPPED}
        generated = {a.field for a in lenient.report if a.action is Action.GENERATED}
        assert exc.field in dropped | generated  # lenient drops what strict refused, or makes it up
        assert dropped <= declared | {"origin"}
        _check_schema(name, lenient.value.body)
    else:
        assert all(a.action is not Action.DROPPED or a.field == "origin" for a in strict.report)
        lenient = dialect.encode_event(event, policy=Policy.LENIENT)
        assert lenient == strict
        if capability.support is Support.EMULATED:
            kept = [a.action for a in strict.report if a.action is not Action.GENERATED and a.field != "origin"]
            assert kept == [Action.EMULATED]
        _check_schema(name, strict.value.body)
        # Whatever was sent is the dialect's normal form: decoding and re-encoding is stable.
        again = dialect.encode_event(dialect.decode_event(strict.value), policy=Policy.STRICT)
        assert again.value == strict.value


def declared_event_fields() -> list[tuple[str, type, str]]:
    out = []
    for name in DIALECTS:
        for cls, capability in callglot.get_dialect(name).event_capabilities.items():
            out.extend((name, cls, field) for field in capability.fields)
    return out


# Witnesses for the declared losses, fixed so the check below cannot miss by chance: each class with
# each of a few values of its required fields (REQUIRED), the call id set, and the declared field set
# to each value of SAMPLES (or left out: some dialects need a field).
_CALL = "3fa85f64-5717-4562-b3fc-2c963f66afa6"
_URL = "https://media.example.com/a.wav"
_OPERATION_STATES = [{"state": s} for s in ev.OperationState]
REQUIRED: dict[type, list[dict[str, Any]]] = {
    ev.CallStateChanged: [{"state": s} for s in ev.CallState],
    ev.PlaybackEvent: _OPERATION_STATES,
    ev.RecordingEvent: _OPERATION_STATES,
    ev.TapEvent: _OPERATION_STATES,
    ev.StreamEvent: _OPERATION_STATES,
    # SignalWire's transcript events (a transcript id and text) are the ones that cannot carry the rest.
    ev.TranscriptionEvent: [
        *_OPERATION_STATES,
        *({**s, "transcript_id": "tr-1", "text": "hi"} for s in _OPERATION_STATES),
    ],
    ev.CollectResult: [{"kind": k} for k in ev.CollectKind],
    ev.DetectEvent: [
        {"detector": d, "result": r} for d in ev.DetectKind for r in ("MACHINE", "HUMAN", "CED", "1", "x")
    ],
    ev.ReferEvent: [{"state": "inProgress"}],
    ev.CommandResult: [{"success": True}, {"success": False}],
    ev.DtmfReceived: [{"digit": "1"}],
    ev.VoicemailReceived: [{}],
    ev.ConnectEvent: [{"state": s} for s in ev.ConnectState],
    ev.DialStateChanged: [{"state": s} for s in ev.DialState],
    ev.HoldEvent: [{"state": s} for s in ev.HoldState],
    ev.DenoiseEvent: [{"denoised": True}, {"denoised": False}],
    ev.SendDigitsEvent: _OPERATION_STATES,
    ev.FaxEvent: [{"state": s} for s in ev.FaxState],
    ev.ErrorEvent: [{}],
    # the gateway's conference events always name their room: with and without one
    ev.ConferenceEvent: [
        *({"state": s} for s in ev.ConferenceState),
        *({"state": s, "conference_id": "cf-1"} for s in ev.ConferenceState),
    ],
}
SAMPLES: dict[str, list[Any]] = {
    "call_id": ["a/b", _CALL],
    "event_id": ["evt-1"],
    "timestamp": [1.0000005, 1.5, 1_700_000_000.25],
    "sequence": [0, 7],
    "command_id": ["cmd-1", "bad id!"],
    "control_id": ["ctl-1"],
    "origin": [{"k": 1}],
    "direction": [*ev.CallDirection, *Direction, *ev.FaxDirection],
    "source": ["+15551230000"],
    "destination": ["+15551230000"],
    "source_channel": list(Channel),
    "destination_channel": list(Channel),
    "cause": list(HangupCause),
    "peer_call_id": ["call-2"],
    "metadata": [{"k": 1}],
    "urls": [(_URL,)],
    "offset": [1.0005, 1.5],
    "duration": [1.0005, 1.5],
    "size": [10],
    "format": [*RecordingFormat, "pdf"],
    "recording_id": ["rec-1"],
    "stereo": [True, False],
    "started_at": [1.0000005],
    "ended_at": [1.0000005],
    "digits": ["12"],
    "terminator": ["#"],
    "text": ["hello"],
    "confidence": [0.5],
    "result": ["MACHINE", "HUMAN", "BEEP", "x", 0, 7],
    "beep": [True],
    "transcript_id": ["tr-1"],
    "url": [_URL],
    "reason": ["no_answer"],
    "peer_source": ["+15551230000"],
    "peer_destination": ["+15551230000"],
    "peer_channel": list(Channel),
    "page": [1],
    "pages": [3],
    "document": [_URL],
    "success": [True, False],
    "result_text": ["OK"],
    "identity": ["+15551230000"],
    "remote_identity": ["+15551230000"],
    "description": ["no answer"],
    "code": ["500"],
    "message": ["Server error"],
    "conference_id": ["cf-1"],
    "name": ["room"],
    "recording_url": [_URL],
    "recording_duration": [1.5],
    "recording_size": [10],
}


ROUTING_IDS = {"control_id": "ctl-1", "command_id": "cmd-1"}


def loss_candidates(cls: type, field: str) -> list[Any]:
    """The witnesses tried for ``field`` of ``cls`` (each valid: the classes' validators pass)."""
    out = []
    for required in REQUIRED[cls]:
        values = [required[field]] if field in required else [None, *SAMPLES[field]]
        # With and without the ids that tie an event to its operation: SignalWire's operation events and
        # the gateway's command results cannot be said without them (nor decoded).
        for routing in ({}, ROUTING_IDS):
            for value in values:
                with contextlib.suppress(callglot.InvalidValue):
                    out.append(cls(**{"call_id": _CALL, **routing, **required, field: value}))
    return out


@pytest.mark.parametrize(
    ("name", "cls", "field"), cells(declared_event_fields()), ids=lambda v: getattr(v, "__name__", str(v))
)
def test_every_declared_event_loss_happens(name: str, cls: type, field: str) -> None:
    """No dead table entries: each declared field is lost for some event."""
    dialect = callglot.get_dialect(name)
    optional = {f.name for f in attrs.fields(cls) if f.default is None}

    def lost(event: Any) -> bool:
        for _ in range(len(optional) + 1):
            try:
                out = dialect.encode_event(event, policy=Policy.LENIENT)
            except callglot.UnsupportedField as exc:
                if exc.field == field:
                    return True
                if exc.field not in optional or getattr(event, exc.field) is None:
                    return False
                event = attrs.evolve(event, **{exc.field: None})  # another loss in the way: leave it out
                continue
            return any(a.field == field and a.action in (Action.DROPPED, Action.GENERATED) for a in out.report)
        return False

    candidates = loss_candidates(cls, field)
    assert any(lost(event) for event in candidates), f"no witness among {len(candidates)} events"


# ---------------------------------------------------------------- responses


def _decode_response(dialect: callglot.Dialect, response: callglot.HttpResponse) -> Receipt | ProviderError:
    try:
        return dialect.decode_response(response)
    except ProviderError as exc:
        return exc


RESPONSES = {Receipt: receipts(), ProviderError: provider_errors()}


@pytest.mark.parametrize("name", DIALECTS)
@pytest.mark.parametrize("cls", [Receipt, ProviderError], ids=lambda c: c.__name__)
@SLOW
@given(data=st.data())
def test_declared_response_support_is_observed(name: str, cls: type, data: st.DataObject) -> None:
    dialect = callglot.get_dialect(name)
    capability = dialect.response_capabilities[cls]
    result = data.draw(RESPONSES[cls])
    assert capability.support is not Support.UNSUPPORTED, "every dialect answers commands"

    declared = set(capability.fields)
    try:
        strict = dialect.encode_response(result, policy=Policy.STRICT)
    except callglot.UnsupportedField as exc:
        assert capability.support is not Support.NATIVE
        assert exc.field in declared
        try:
            lenient = dialect.encode_response(result, policy=Policy.LENIENT)
        except callglot.UnsupportedField as again:
            assert again.field in declared
            return
        dropped = {a.field for a in lenient.report if a.action is Action.DROPPED}
        generated = {a.field for a in lenient.report if a.action is Action.GENERATED}
        assert exc.field in dropped | generated  # lenient drops what strict refused, or makes it up
        assert dropped <= declared | {"origin"}  # a receipt's origin: another vendor's
        return
    assert all(a.action is not Action.DROPPED or a.field == "origin" for a in strict.report)
    assert dialect.encode_response(result, policy=Policy.LENIENT) == strict
    decoded = _decode_response(dialect, strict.value)
    assert isinstance(decoded, cls)
    if not any(a.action is Action.GENERATED for a in strict.report):
        expected = attrs.evolve(result, origin=None) if _origin_dropped(strict.report) else result
        assert decoded == expected, "nothing was reported lost, so nothing may be"
    # The normal form is stable.
    assert dialect.encode_response(decoded, policy=Policy.STRICT).value == strict.value


# ---------------------------------------------------------------- cross-dialect


@functools.cache
def _needs_control_id(name: str, cls: type) -> bool:
    """``name`` cannot say ``cls`` without its control_id under either policy (SignalWire's operation events)."""
    if callglot.get_dialect(name).event_capabilities[cls].support is Support.UNSUPPORTED:
        return False
    try:
        callglot.get_dialect(name).encode_event(cls(call_id=_CALL, **REQUIRED[cls][0]), policy=Policy.LENIENT)
    except callglot.UnsupportedField as exc:
        return exc.field == "control_id"
    return False


def _required_id_lost(a: str, b: str, cls: type) -> bool:
    """One side cannot say the event without its control_id, and the other never carries it."""
    return any(
        _needs_control_id(x, cls) and "control_id" in callglot.get_dialect(y).event_capabilities[cls].fields
        for x, y in ((a, b), (b, a))
    )


def translatable_cells() -> list[tuple[str, str, type]]:
    """(A, B, event class) with A != B where both say the event natively or partially, and no id one side
    requires is one the other side drops (no STRICT round trip can exist there)."""
    kinds = (Support.NATIVE, Support.PARTIAL)
    return cells(
        (a, b, cls)
        for a in DIALECTS
        for b in DIALECTS
        if a != b
        for cls in EVENTS
        if callglot.get_dialect(a).event_capabilities[cls].support in kinds
        and callglot.get_dialect(b).event_capabilities[cls].support in kinds
        and not _required_id_lost(a, b, cls)
    )


def test_an_operation_event_without_its_control_id_cannot_reach_signalwire() -> None:
    """Why the cells above are left out: the loss is declared and refused under either policy."""
    for cls in sorted(OPERATION_EVENTS, key=lambda c: c.__name__):
        event = cls(call_id=_CALL, **REQUIRED[cls][0])
        for policy in Policy:
            with pytest.raises(callglot.UnsupportedField) as info:
                callglot.get_dialect("signalwire").encode_event(event, policy=policy)
            assert info.value.field == "control_id"


@pytest.mark.parametrize(
    ("source", "target", "cls"),
    translatable_cells(),
    ids=lambda v: getattr(v, "__name__", str(v)),
)
@settings(max_examples=25, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(data=st.data())
def test_lossless_translations_are_identity(source: str, target: str, cls: type, data: st.DataObject) -> None:
    """A -> B -> A that STRICT lets through (nothing lost) gives the original back (NATIVE pairs included)."""
    event = attrs.evolve(data.draw(event_of(cls)), origin=None)
    first, there, back, event = _lossless_round_trip(event, source, target)
    report = (*first.report, *there.report, *back.report)
    assert all(a.action is not Action.DROPPED for a in report), report
    decoded = callglot.get_dialect(source).decode_event(back.value)
    if any(a.action is Action.GENERATED for a in report):
        assert decoded == _with_generated(event, decoded, report)
    else:
        assert back.value == first.value
        assert decoded == event


def _fill_values(event: Any, field: str) -> list[Any]:
    """Values to try for a field neither side can say as it is: the enum's members, or the witnesses' samples."""
    current = getattr(event, field)
    if isinstance(current, enum.Enum):
        return list(type(current))
    return [required[field] for required in REQUIRED[type(event)] if field in required] + SAMPLES.get(field, [])


# Fields a dialect says with one value: SignalWire's one device type describes both ends of a call.
_TOGETHER = {"source_channel": ("destination_channel",), "destination_channel": ("source_channel",)}


def _lossless_round_trip(event: Any, source: str, target: str) -> tuple[Any, Any, Any, Any]:
    """STRICT A -> B -> A of ``event`` made sayable on the way, with the event it ended on.

    Each declared loss met is taken out of the event: an optional field that cannot be said is left
    out; a required field (or one that must be present) gets the first value of ``_fill_values`` that
    gets past that loss. The drawn event keeps every field both sides can say, unless fields that
    depend on each other defeat that (then only its required fields and call id are kept).
    """
    dialect = callglot.get_dialect(source)
    optional = {f.name for f in attrs.fields(type(event)) if f.default is None}
    tried: set[tuple[str, Any]] = set()
    for _ in range(4 * len(attrs.fields(type(event)))):
        try:
            first = dialect.encode_event(event)
            there = callglot.translate_event(first.value, source=source, target=target)
            back = callglot.translate_event(there.value, source=target, target=source)
        except callglot.UnsupportedField as exc:
            field = exc.field
            if field in optional and getattr(event, field) is not None and (field, None) not in tried:
                tried.add((field, None))
                event = attrs.evolve(event, **{field: None})
                continue
            for value in _fill_values(event, field):
                if (field, value) not in tried:
                    tried.add((field, value))
                    with contextlib.suppress(callglot.InvalidValue):
                        event = attrs.evolve(event, **dict.fromkeys((field, *_TOGETHER.get(field, ())), value))
                        break
            else:
                # Fields that depend on each other (an address and its channel): start again from the
                # required fields and the call id alone, which every translatable class gets across.
                bare = attrs.evolve(event, **dict.fromkeys(optional - {"call_id"}))
                if bare == event:
                    raise AssertionError(f"no value of {field} gets {type(event).__name__} from {source} to {target}")
                event, tried = bare, set()
            continue
        return first, there, back, event
    raise AssertionError(f"{type(event).__name__} did not get from {source} to {target} and back: {event!r}")


# ---------------------------------------------------------------- the CLI


def cli_pairs() -> list[tuple[str, str]]:
    return [(a, b) for a in DIALECTS for b in DIALECTS]


def _run_cli(argv: list[str]) -> tuple[int, list[Any], str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(argv)
    lines = out.getvalue().splitlines()
    return code, [json.loads(line) for line in lines], err.getvalue()


def _expected(document: Any, source: str, target: str) -> dict[str, Any] | str:
    """The translated request document, or the error type name."""
    if isinstance(document, dict) and set(document) == {"method", "path", "body"}:
        request = callglot.HttpRequest(method=document["method"], path=document["path"], body=document["body"])
    else:
        request = callglot.HttpRequest(method="POST", path="/", body=document)
    try:
        out = callglot.translate_event(request, source=source, target=target, path=request.path)
    except callglot.CallglotError as exc:
        return type(exc).__name__
    return out.value.to_json()


@pytest.mark.parametrize(("source", "target"), cli_pairs())
@settings(max_examples=10, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large], deadline=None)
@given(data=st.data())
def test_cli_translate_events_json_lines(source: str, target: str, data: st.DataObject) -> None:
    dialect = callglot.get_dialect(source)
    encodable = [c for c in EVENTS if dialect.event_capabilities[c].support is not Support.UNSUPPORTED]
    lines: list[str] = []
    documents: list[Any] = []  # None for lines that are not JSON
    for _ in range(data.draw(st.integers(min_value=1, max_value=5))):
        kind = data.draw(st.sampled_from(("body", "request", "body", "garbage", "not-json")))
        request = None
        if kind in ("body", "request"):
            cls = data.draw(st.sampled_from(encodable))
            with contextlib.suppress(callglot.UnsupportedField):  # a loss no policy drops: a garbage line instead
                request = dialect.encode_event(data.draw(event_of(cls)), policy=Policy.LENIENT).value
        if request is not None:
            document: Any = request.body if kind == "body" else {**request.to_json(), "path": "/hooks/in"}
        elif kind != "not-json" or not lines:  # a first line that is not JSON would make the input one document
            document = data.draw(st.sampled_from([42, [], {"event": 7}, {"type": None}, "text", {}]))
        else:
            lines.append("{not json")
            documents.append(None)
            continue
        lines.append(json.dumps(document, ensure_ascii=False))
        documents.append(document)

    fd, path = tempfile.mkstemp(suffix=".jsonl")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write("\n".join(lines) + "\n")
        code, outputs, _stderr = _run_cli(["translate-events", "--from", source, "--to", target, path])
    finally:
        os.unlink(path)

    assert len(outputs) == len(lines), "one output line per input line"
    failed = False
    for number, (document, output) in enumerate(zip(documents, outputs, strict=True), start=1):
        if document is None:
            assert set(output) == {"line", "error"}
            assert output["error"]["type"] == "InvalidJSON"
            assert output["error"]["line"] == number
            failed = True
            continue
        expected = _expected(document, source, target)
        if isinstance(expected, str):
            assert set(output) == {"line", "error"}, output
            error = output["error"]
            assert set(error) == {"type", "message", "path", "line"}
            assert error["type"] == expected
            assert error["line"] == number
            if error["path"] is not None:
                assert error["path"].startswith("$")
            failed = True
        else:
            assert output == {"line": number, **expected}
    assert code == (1 if failed else 0)


@pytest.mark.parametrize(("source", "target"), cli_pairs())
def test_cli_translate_events_path_option(source: str, target: str) -> None:
    dialect = callglot.get_dialect(source)
    bodies = [
        _first_encodable(dialect, cls)
        for cls in EVENTS
        if dialect.event_capabilities[cls].support is not Support.UNSUPPORTED
    ]
    event = next(body for body in bodies if body is not None)
    fd, path = tempfile.mkstemp(suffix=".jsonl")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(json.dumps(event) + "\n")
        code, outputs, _ = _run_cli(
            ["translate-events", "--from", source, "--to", target, "--lenient", "--path", "/out", path]
        )
    finally:
        os.unlink(path)
    assert len(outputs) == 1
    if "error" in outputs[0]:
        assert code == 1
        assert outputs[0]["error"]["type"] in ("UnsupportedCommand", "UnsupportedField")
    else:
        assert code == 0
        assert outputs[0]["path"] == "/out"
        assert outputs[0]["method"] == "POST"


SIMPLE_EVENTS = (
    ev.CallStateChanged(state="ended", call_id="call-1"),
    ev.PlaybackEvent(state="finished", call_id="call-1"),
    ev.DtmfReceived(digit="1", call_id="call-1"),
    ev.RecordingEvent(state="finished", call_id="call-1"),
    ev.CollectResult(kind="digit", digits="12", call_id="call-1"),
    ev.CommandResult(success=True, command_id="cmd-1"),
)


def _first_encodable(dialect: callglot.Dialect, cls: type) -> Any:
    """The body of a simple event the dialect encodes, or None."""
    for event in SIMPLE_EVENTS:
        if type(event) is not cls:
            continue
        try:
            return dialect.encode_event(event, policy=Policy.LENIENT).value.body
        except callglot.UnsupportedField:
            return None
    return None


# ---------------------------------------------------------------- bad input, every dialect

json_values = any_json()


@pytest.mark.parametrize("name", DIALECTS)
@given(body=json_values)
def test_any_json_event_decodes_or_raises_decode_error(name: str, body: Any) -> None:
    dialect = callglot.get_dialect(name)
    try:
        dialect.decode_event(callglot.HttpRequest(method="POST", path="/", body=body))
    except callglot.DecodeError as exc:
        assert exc.path.startswith("$")
        assert "\n" not in str(exc)


@pytest.mark.parametrize("name", DIALECTS)
@given(
    status=st.sampled_from([200, 201, 202, 204, 400, 401, 404, 409, 422, 429, 500, 503]),
    body=json_values,
    retry=st.none() | st.sampled_from(["1", "120", "Wed, 21 Oct 2015 07:28:00 GMT", "-1", "x"]),
)
def test_any_json_response_decodes_or_raises(name: str, status: int, body: Any, retry: str | None) -> None:
    dialect = callglot.get_dialect(name)
    headers = {} if retry is None else {"Retry-After": retry}
    try:
        dialect.decode_response(callglot.HttpResponse(status=status, body=body, headers=headers))
    except ProviderError as exc:
        assert exc.status == status
    except callglot.DecodeError as exc:
        assert exc.path.startswith("$")
        assert "\n" not in str(exc)


# ---------------------------------------------------------------- review findings (regressions)


@pytest.mark.parametrize("name", DIALECTS)
def test_an_empty_origin_is_reported_when_it_does_not_come_back(name: str) -> None:
    dialect = callglot.get_dialect(name)
    call = "3fa85f64-5717-4562-b3fc-2c963f66afa6"
    event = next(
        e
        for e in (
            ev.PlaybackEvent(call_id=call, control_id="play-1", state="finished", origin={}),
            ev.CallStateChanged(call_id=call, state="ended", origin={}),
        )
        if dialect.event_capabilities[type(e)].support is not Support.UNSUPPORTED
    )
    out = dialect.encode_event(event, policy=Policy.LENIENT)
    back = dialect.decode_event(out.value)
    if back.origin is None:
        assert any(a.field == "origin" for a in out.report)
    else:
        assert back.origin == {}  # a dialect that carries origins (canonical) gives the empty one back
        assert not any(a.field == "origin" for a in out.report)


@pytest.mark.parametrize("name", DIALECTS)
def test_encode_response_refuses_what_is_not_a_response(name: str) -> None:
    with pytest.raises(TypeError):
        callglot.get_dialect(name).encode_response(CallLeg(id="x"))  # type: ignore[arg-type]


@pytest.mark.parametrize("name", DIALECTS)
@pytest.mark.parametrize(
    ("header", "seconds"),
    [("120", 120.0), ("Wed, 21 Oct 2015 07:28:00 GMT", 0.0), ("later", None), ("12345678901", None)],
)
def test_every_vendor_dialect_reads_retry_after_alike(name: str, header: str, seconds: float | None) -> None:
    dialect = callglot.get_dialect(name)
    error = ProviderError(429, "slow down")
    response = dialect.encode_response(error).value
    response = callglot.HttpResponse(status=429, body=response.body, headers={"Retry-After": header})
    with pytest.raises(ProviderError) as info:
        dialect.decode_response(response)
    assert info.value.retry_after == seconds


def _retry_after_lossy() -> list[str]:
    """The dialects that declare a ProviderError's retry_after may be lost (their Retry-After is whole seconds)."""
    return cells(
        n for n in DIALECTS if "retry_after" in callglot.get_dialect(n).response_capabilities[ProviderError].fields
    )


@pytest.mark.parametrize("name", _retry_after_lossy())
def test_a_retry_after_too_long_to_read_back_is_reported(name: str) -> None:
    out = callglot.get_dialect(name).encode_response(ProviderError(429, "m", retry_after=10**10), policy=Policy.LENIENT)
    assert "Retry-After" not in out.value.headers
    assert [a.field for a in out.report] == ["retry_after"]


@pytest.mark.parametrize(
    ("name", "response", "path"),
    [
        (
            "signalwire",
            callglot.HttpResponse(status=200, body={"id": "3fa85f64-5717-4562-b3fc-2c963f66afa6", "url": "\ud800"}),
            "$.url",
        ),
    ],
)
def test_bad_free_form_values_point_at_their_wire_key(name: str, response: callglot.HttpResponse, path: str) -> None:
    with pytest.raises(callglot.DecodeError) as caught:
        callglot.get_dialect(name).decode_response(response)
    assert caught.value.path == path


@pytest.mark.parametrize(
    ("name", "response"),
    [
        (
            "gateway",
            callglot.HttpResponse(status=409, body={"success": False, "error": "dup", "detail": {"room": "\ud800"}}),
        ),
        (
            "signalwire",
            callglot.HttpResponse(
                status=422,
                body={"errors": [{"type": "t", "code": "c", "message": "m", "url": "https://x"}], "x": "\ud800"},
            ),
        ),
        ("chirp", callglot.HttpResponse(status=400, body="\ud800 <html>")),
    ],
)
def test_an_error_body_with_lone_surrogates_is_kept_escaped(name: str, response: callglot.HttpResponse) -> None:
    """Text that could not be sent on (UnicodeEncodeError) is kept as its escaped JSON text, status and all."""
    with pytest.raises(ProviderError) as caught:
        callglot.get_dialect(name).decode_response(response)
    kept = caught.value.details["body"]
    assert caught.value.status == response.status
    assert type(kept) is str
    assert "\\ud800" in kept
    kept.encode("utf-8")
