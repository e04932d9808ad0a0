"""Round trips: within each dialect, across dialects, and through the published schemas."""

from __future__ import annotations

import json

import attrs
import pytest
from dialect_cells import SAID, command_cells, pair_cells, sayable, support
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from strategies import command_of

import callglot
from callglot.canonical import COMMANDS
from callglot.capabilities import Action, Policy, Support
from callglot.schemas import validator_for

DIALECTS = callglot.dialects()
# UUIDs: SignalWire's call ids are UUIDs, and a UUID is a valid id in every dialect.
CALL_IDS = st.uuids().map(str)
COMMAND_IDS = st.none() | st.from_regex(r"[a-zA-Z0-9._-]{1,40}", fullmatch=True)
SLOW = settings(suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


def _with_generated(command: object, decoded: object, report: tuple[callglot.Adaptation, ...]) -> object:
    generated = {a.field for a in report if a.action is Action.GENERATED and a.field}
    return attrs.evolve(command, **{f: getattr(decoded, f) for f in generated}) if generated else command


def native(name: str, cls: type) -> bool:
    return support(name, cls) is Support.NATIVE


def cell_id(value: object) -> str:
    return getattr(value, "__name__", str(value))


@pytest.mark.parametrize(("name", "cls"), command_cells(Support.NATIVE), ids=cell_id)
@SLOW
@given(data=st.data(), call_id=CALL_IDS, command_id=COMMAND_IDS)
def test_decode_inverts_encode_for_native_commands(
    name: str, cls: type, data: st.DataObject, call_id: str, command_id: str | None
) -> None:
    dialect = callglot.get_dialect(name)
    command = data.draw(command_of(cls))
    if not dialect.carries_command_id:
        command_id = None
    out = dialect.encode(command, call_id=call_id, command_id=command_id)
    decoded = dialect.decode(out.value)
    assert decoded.command == _with_generated(command, decoded.command, out.report)
    assert decoded.call_id == (None if isinstance(command, callglot.canonical.Dial) else call_id)
    assert decoded.command_id == command_id


@pytest.mark.parametrize(("name", "cls"), command_cells(*SAID), ids=cell_id)
@SLOW
@given(data=st.data(), call_id=CALL_IDS)
def test_encode_inverts_decode_on_normal_form_wire_messages(
    name: str, cls: type, data: st.DataObject, call_id: str
) -> None:
    """What a dialect sends (losses reported, under LENIENT) is its normal form: decode, strict re-encode, same."""
    dialect = callglot.get_dialect(name)
    request = dialect.encode(data.draw(sayable(name, cls)), call_id=call_id, policy=Policy.LENIENT).value
    # Through JSON text, as it travels: what we emit is plain JSON and reads back the same.
    wire = json.loads(json.dumps(request.to_json()))
    decoded = dialect.decode(callglot.HttpRequest(method=wire["method"], path=wire["path"], body=wire["body"]))
    again = dialect.encode(decoded.command, call_id=decoded.call_id, command_id=decoded.command_id)
    assert again.value.to_json() == wire


@pytest.mark.parametrize(("source", "target", "cls"), pair_cells(Support.NATIVE), ids=cell_id)
@SLOW
@given(data=st.data(), call_id=CALL_IDS)
def test_cross_dialect_round_trip_where_native_in_both(
    source: str, target: str, cls: type, data: st.DataObject, call_id: str
) -> None:
    command = data.draw(command_of(cls))
    for name in (source, target):  # start from a command where neither side must generate a control id
        out = callglot.get_dialect(name).encode(command, call_id=call_id)
        if out.report:
            command = callglot.get_dialect(name).decode(out.value).command
    original = callglot.get_dialect(source).encode(command, call_id=call_id).value
    there = callglot.translate(original, source=source, target=target)
    back = callglot.translate(there.value, source=target, target=source)
    assert there.report == back.report == ()
    assert back.value == original


CHIRP_CALL = "call_2DbBs7GWhGvVNJGrDXr5RG0mBWI"


# The Chirp requests whose identifier looks like a SIP URI (with an explicit channel, decode takes the
# address as that channel's identifier, so encode must too) are fixtures: tests/fixtures/chirp/positive/.


def test_chirp_participant_at_an_e164_number_without_a_channel_goes_by_pstn() -> None:
    """Canonical channel=None means "as the address implies": for E.164 that is pstn, which Chirp says (not generated)."""
    from callglot.canonical import AddParticipant, Destination

    chirp = callglot.get_dialect("chirp")
    out = chirp.encode(AddParticipant(destination=Destination(address="+15559876543")), call_id=CHIRP_CALL)
    assert out.value.body == {"type": "add_participant", "destination": "+15559876543", "channel": "pstn"}
    assert out.report == ()
    with pytest.raises(callglot.UnsupportedField):  # an identifier implies no channel
        chirp.encode(
            AddParticipant(destination=Destination(address="alice")), call_id=CHIRP_CALL, policy=Policy.LENIENT
        )


def test_some_commands_are_native_in_several_dialects() -> None:
    shared = [cls.__name__ for cls in COMMANDS if sum(native(n, cls) for n in DIALECTS) >= 3]
    assert "Answer" in shared


@pytest.mark.parametrize(("name", "cls"), command_cells(*SAID), ids=cell_id)
@SLOW
@given(data=st.data(), call_id=CALL_IDS, command_id=COMMAND_IDS)
def test_everything_encoded_validates_against_the_schema(
    name: str, cls: type, data: st.DataObject, call_id: str, command_id: str | None
) -> None:
    dialect = callglot.get_dialect(name)
    out = dialect.encode(
        data.draw(sayable(name, cls)),
        call_id=call_id,
        command_id=command_id if dialect.carries_command_id else None,
        policy=Policy.LENIENT,
    )
    errors = list(validator_for(name).iter_errors(out.value.to_json()))
    assert errors == [], [e.message for e in errors]
