"""Strict means strict: a STRICT encode raises, or decodes back equal, or says what it changed.

For every (dialect, command class) and every (dialect, event class): an encode under
``Policy.STRICT`` either raises an ``EncodeError``, or decodes back to the value it was given,
except for fields its report names (GENERATED ids, a dropped foreign ``origin``) or a
command-level emulation the report declares. A value changed with nothing in the report is a
silent loss, which STRICT promises never to make.
"""

from __future__ import annotations

from typing import Any

import attrs
import pytest
from hypothesis import HealthCheck, settings

import callglot
from callglot.canonical import COMMANDS
from callglot.canonical.events import EVENTS
from callglot.capabilities import Action, Adaptation, Policy

DIALECTS = callglot.dialects()
CALL_ID = "3fa85f64-5717-4562-b3fc-2c963f66afa6"  # a UUID: valid in every dialect
SLOW = settings(suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


def _cells(classes: tuple[type, ...] | list[type]) -> list[tuple[str, type]]:
    cells = [(name, cls) for name in DIALECTS for cls in classes]
    if not cells:  # an empty parametrization would pass without checking anything
        raise AssertionError("no (dialect, class) cells to check")
    return cells


COMMAND_CELLS = _cells(COMMANDS)
EVENT_CELLS = _cells(EVENTS)


def _cell_id(cell: tuple[str, type]) -> str:
    return f"{cell[0]}-{cell[1].__name__}"


def _dialect(name: str) -> callglot.Dialect:
    """The registry's dialect, except SignalWire with a constant control-id generator (repeatable encodes)."""
    if name == "signalwire":
        from callglot.adapters.signalwire import SignalWireDialect

        return SignalWireDialect(control_ids=lambda: "generated-control-id")
    return callglot.get_dialect(name)


def silent_changes(original: Any, decoded: Any, report: tuple[Adaptation, ...]) -> list[str]:
    """The fields of ``original`` that ``decoded`` changed and ``report`` does not name.

    A command-level adaptation (no field: an emulation by another wire command) accounts for
    every change; a different class is a change of the whole value.
    """
    if any(a.field is None for a in report):
        return []
    if type(decoded) is not type(original):
        return [f"class {type(original).__name__} -> {type(decoded).__name__}"]
    reported = {a.field.split(".")[0] for a in report if a.field}
    return [
        f"{f.name}: {getattr(original, f.name)!r} -> {getattr(decoded, f.name)!r}"
        for f in attrs.fields(type(original))
        if getattr(original, f.name) != getattr(decoded, f.name) and f.name not in reported
    ]


# ---------------------------------------------------------------- seconds <-> milliseconds: one rule


def _live_transcribe(seconds: float) -> Any:
    from callglot.canonical import LiveStart, LiveTranscribe

    return LiveTranscribe(action=LiveStart(language="en-US", direction=("remote-caller",), speech_timeout=seconds))


def _stopped_playback(seconds: float) -> Any:
    from callglot.canonical.events import OperationState, PlaybackEvent

    return PlaybackEvent(call_id="s1", state=OperationState.FINISHED, duration=seconds)


def _encode_ms(dialect: str, seconds: float, policy: Policy) -> tuple[int | None, tuple[Adaptation, ...]]:
    """``seconds`` encoded where ``dialect`` writes milliseconds: (the wire's number, the report)."""
    if dialect == "signalwire":
        out = _dialect(dialect).encode(_live_transcribe(seconds), call_id=CALL_ID, policy=policy)
        return out.value.body["params"]["action"]["start"].get("speech_timeout"), out.report
    event_out = callglot.get_dialect(dialect).encode_event(_stopped_playback(seconds), policy=policy)
    return event_out.value.body["data"].get("duration_ms"), event_out.report


def _decode_ms(dialect: str, seconds: float) -> float:
    """``seconds`` through ``dialect``'s milliseconds and back (STRICT)."""
    if dialect == "signalwire":
        out = _dialect(dialect).encode(_live_transcribe(seconds), call_id=CALL_ID)
        return _dialect(dialect).decode(out.value).command.action.speech_timeout  # type: ignore[no-any-return,attr-defined]
    event_out = callglot.get_dialect(dialect).encode_event(_stopped_playback(seconds))
    return callglot.get_dialect(dialect).decode_event(event_out.value).duration  # type: ignore[attr-defined,no-any-return]


MS_DIALECTS = ("signalwire", "gateway")


@pytest.mark.parametrize("dialect", MS_DIALECTS)
@pytest.mark.parametrize(("seconds", "millis"), [(2.5, 2500), (0.007, 7), (0, 0), (7, 7000), (2147483.647, 2**31 - 1)])
def test_whole_milliseconds_convert_exactly(dialect: str, seconds: float, millis: int) -> None:
    """0.007 * 1000 is 7.000000000000001, yet 7 ms reads back as 0.007 exactly: exact means the round trip."""
    assert _encode_ms(dialect, seconds, Policy.STRICT) == (millis, ())
    assert _decode_ms(dialect, seconds) == seconds


@pytest.mark.parametrize("dialect", MS_DIALECTS)
@pytest.mark.parametrize(("seconds", "rounded"), [(2.5e-10, 0), (0.1 + 0.2, 300), (1.0005, 1000), (0.0015, 2)])
def test_milliseconds_that_do_not_read_back_are_refused_or_rounded_and_reported(
    dialect: str, seconds: float, rounded: int
) -> None:
    """SignalWire allowed 1e-6 ms of slack: 2.5e-10 s went out as 0 and 0.1 + 0.2 s came back 0.3, unreported."""
    field = "speech_timeout" if dialect == "signalwire" else "duration"
    with pytest.raises(callglot.UnsupportedField) as caught:
        _encode_ms(dialect, seconds, Policy.STRICT)
    assert caught.value.field == field
    millis, report = _encode_ms(dialect, seconds, Policy.LENIENT)
    assert millis == rounded
    assert [(a.field, a.action) for a in report] == [(field, Action.DROPPED)]
    assert "LENIENT rounds" in report[0].note


def test_gateway_receipt_timeout_follows_the_same_rule() -> None:
    from callglot.canonical.events import Receipt, ReceiptStatus

    gateway = callglot.get_dialect("gateway")
    receipt = Receipt(status=ReceiptStatus.IN_PROGRESS, operation_id="op-1", timeout=0.1 + 0.2)
    with pytest.raises(callglot.UnsupportedField):
        gateway.encode_response(receipt)
    out = gateway.encode_response(receipt, policy=Policy.LENIENT)
    assert out.value.body["timeout_ms"] == 300
    assert [(a.field, a.action) for a in out.report] == [("timeout", Action.DROPPED)]
