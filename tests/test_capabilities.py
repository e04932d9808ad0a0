"""Declared support equals observed behaviour, for every (dialect, command) cell.

UNSUPPORTED: encoding raises UnsupportedCommand under every policy.
NATIVE: encoding never raises, reports nothing, and decoding gives the command back.
PARTIAL / EMULATED: strict raises UnsupportedField only for declared fields; lenient
drops exactly what strict refused (or still raises for fields no policy can drop);
every declared field is observably lost for some command.
"""

from __future__ import annotations

import attrs
import pytest
from hypothesis import HealthCheck, Phase, find, given, settings
from hypothesis import strategies as st
from strategies import STRATEGIES, command_of

import callglot
from callglot.canonical import COMMANDS
from callglot.capabilities import Action, Policy, Support

DIALECTS = callglot.dialects()
CALL_ID = "3fa85f64-5717-4562-b3fc-2c963f66afa6"  # a UUID: valid in every dialect


def cells() -> list[tuple[str, type]]:
    return [(name, cls) for name in DIALECTS for cls in COMMANDS]


def cell_id(cell: tuple[str, type]) -> str:
    return f"{cell[0]}-{cell[1].__name__}"


def test_every_dialect_declares_every_command() -> None:
    for name in DIALECTS:
        assert set(callglot.get_dialect(name).capabilities) == set(COMMANDS), name


def test_strategies_cover_every_command() -> None:
    assert set(STRATEGIES) >= set(COMMANDS)


def _encode(dialect: callglot.Dialect, command: object, policy: Policy) -> callglot.Translation[callglot.HttpRequest]:
    return dialect.encode(command, call_id=CALL_ID, policy=policy)  # type: ignore[arg-type]


def _fresh(name: str) -> callglot.Dialect:
    """The registry's dialect, except SignalWire with a constant control-id generator (repeatable encodes)."""
    if name == "signalwire":
        from callglot.adapters.signalwire import SignalWireDialect

        return SignalWireDialect(control_ids=lambda: "generated-control-id")
    return callglot.get_dialect(name)


def _with_generated(command: object, decoded: object, report: tuple[callglot.Adaptation, ...]) -> object:
    """``command`` with the fields the encoder generated taken from ``decoded``."""
    generated = {a.field for a in report if a.action is Action.GENERATED and a.field}
    return attrs.evolve(command, **{f: getattr(decoded, f) for f in generated}) if generated else command


@pytest.mark.parametrize("cell", cells(), ids=cell_id)
@settings(suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(data=st.data())
def test_declared_support_is_observed(cell: tuple[str, type], data: st.DataObject) -> None:
    name, cls = cell
    dialect = _fresh(name)
    capability = dialect.capabilities[cls]
    command = data.draw(command_of(cls))

    if capability.support is Support.UNSUPPORTED:
        for policy in Policy:
            with pytest.raises(callglot.UnsupportedCommand):
                _encode(dialect, command, policy)
        return

    if capability.support is Support.NATIVE:
        out = _encode(dialect, command, Policy.STRICT)
        assert all(a.action is Action.GENERATED for a in out.report)
        decoded = dialect.decode(out.value).command
        assert decoded == _with_generated(command, decoded, out.report)
        return

    declared = set(capability.fields)
    try:
        strict = _encode(dialect, command, Policy.STRICT)
    except callglot.UnsupportedField as exc:
        assert exc.field in declared
        try:
            lenient = _encode(dialect, command, Policy.LENIENT)
        except callglot.UnsupportedField as again:
            assert again.field in declared  # a loss no policy can drop
            return
        dropped = {a.field for a in lenient.report if a.action is Action.DROPPED}
        assert exc.field in dropped
        assert dropped <= declared
    else:
        assert all(a.action is not Action.DROPPED for a in strict.report)
        lenient = _encode(dialect, command, Policy.LENIENT)
        assert lenient == strict
        if capability.support is Support.EMULATED:
            assert [a.action for a in strict.report if a.action is not Action.GENERATED] == [Action.EMULATED]
        # Whatever was sent is the dialect's normal form: decoding and re-encoding is stable.
        again = _encode(dialect, dialect.decode(strict.value).command, Policy.STRICT)
        assert again.value == strict.value


def declared_fields() -> list[tuple[str, type, str]]:
    out = []
    for name in DIALECTS:
        for cls, capability in callglot.get_dialect(name).capabilities.items():
            out.extend((name, cls, field) for field in capability.fields)
    return out


@pytest.mark.parametrize(("name", "cls", "field"), declared_fields(), ids=lambda v: getattr(v, "__name__", str(v)))
def test_every_declared_loss_happens(name: str, cls: type, field: str) -> None:
    """No dead table entries: each declared field is lost for some command.

    Lenient encoding goes past droppable losses, so every lost field shows in its
    report (or in the UnsupportedField raised for a loss no policy can drop);
    the property test above ties the report to what STRICT refuses.
    """
    dialect = callglot.get_dialect(name)

    def lost(command: object) -> bool:
        try:
            out = _encode(dialect, command, Policy.LENIENT)
        except callglot.UnsupportedField as exc:
            return exc.field == field
        return any(a.field == field and a.action is Action.DROPPED for a in out.report)

    find(
        command_of(cls),
        lost,
        # Existence is all we ask: no shrinking (it costs far more than the search).
        settings=settings(
            max_examples=1000,
            database=None,
            phases=[Phase.explicit, Phase.reuse, Phase.generate],
            suppress_health_check=list(HealthCheck),
        ),
    )


@pytest.mark.parametrize("name", DIALECTS)
def test_command_id_needs_a_dialect_that_carries_it(name: str) -> None:
    dialect = callglot.get_dialect(name)
    command = callglot.canonical.Hangup()
    if dialect.capabilities[type(command)].support is Support.UNSUPPORTED:
        pytest.skip("command unsupported")
    if dialect.carries_command_id:
        out = dialect.encode(command, call_id=CALL_ID, command_id="cmd-1")
        assert dialect.decode(out.value).command_id == "cmd-1"
    else:
        with pytest.raises(callglot.UnsupportedField) as caught:
            dialect.encode(command, call_id=CALL_ID, command_id="cmd-1")
        assert caught.value.field == "command_id"
        lenient = dialect.encode(command, call_id=CALL_ID, command_id="cmd-1", policy=Policy.LENIENT)
        assert [(a.field, a.action) for a in lenient.report] == [("command_id", Action.DROPPED)]


def test_reports_never_carry_values() -> None:
    secret = "https://cdn.example.com/S3NT1NEL-secret.mp3"
    command = callglot.canonical.Play(media=(callglot.canonical.Audio(url=secret),), loop=3, volume=2.0)
    out = callglot.get_dialect("gateway").encode(command, call_id=CALL_ID, policy=Policy.LENIENT)
    assert out.report
    assert "S3NT1NEL" not in repr(out.report)
    assert all("2.0" not in a.note and "3" not in (a.field or "") for a in out.report)
