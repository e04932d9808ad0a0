"""Declared support equals observed behaviour, for every (dialect, command) cell.

UNSUPPORTED: encoding raises UnsupportedCommand under every policy.
NATIVE: encoding never raises, reports nothing, and decoding gives the command back.
PARTIAL / EMULATED: strict raises UnsupportedField only for declared fields; lenient
drops exactly what strict refused (or still raises for fields no policy can drop);
every declared field is observably lost for some command.
"""

from __future__ import annotations

import contextlib
from typing import Any

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from profiles import repeatable
from strategies import STRATEGIES, cells, command_of

import callglot
from callglot import canonical
from callglot.canonical import COMMANDS, Channel
from callglot.capabilities import Action, Policy, Support

DIALECTS = callglot.dialects()
CALL_ID = "3fa85f64-5717-4562-b3fc-2c963f66afa6"  # a UUID: valid in every dialect


def command_cells() -> list[tuple[str, type]]:
    return cells((name, cls) for name in DIALECTS for cls in COMMANDS)


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
    """The dialect as its test profile makes it for repeatable encodes (SignalWire: a constant control-id generator)."""
    return repeatable(name)


def _with_generated(command: object, decoded: object, report: tuple[callglot.Adaptation, ...]) -> object:
    """``command`` with the fields the encoder generated taken from ``decoded``."""
    generated = {a.field for a in report if a.action is Action.GENERATED and a.field}
    return attrs.evolve(command, **{f: getattr(decoded, f) for f in generated}) if generated else command


@pytest.mark.parametrize("cell", command_cells(), ids=cell_id)
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


# Witnesses for the declared losses, fixed so the check below cannot miss by chance: a few commands
# per class (BASES) with the declared field set to each value of SAMPLES (or left out: some dialects
# need a field), or for a field inside a value, the commands in NESTED.
_URL = "https://media.example.com/a.wav"
_PSTN = canonical.Destination(address="+15551230000")
_DESTINATIONS = (
    _PSTN,
    canonical.Destination(address="sip:bob@example.com"),
    canonical.Destination(address="sip:bob@example.com", channel=Channel.SIP),
    canonical.Destination(address="+15551230000", channel=Channel.PSTN),
    canonical.Destination(address="+15551230000", channel=Channel.WHATSAPP),
    canonical.Destination(address="alice", channel=Channel.WEBRTC),
)
_START = canonical.LiveStart(language="en-US", direction=(next(iter(canonical.LiveDirection)),))
BASES: dict[type, list[dict[str, Any]]] = {
    canonical.Dial: [
        {"source": _PSTN, "destination": _PSTN},
        {"source": _PSTN, "destination": _PSTN, "swml_url": _URL},
        {"source": _PSTN, "destination_script": _URL},
    ],
    canonical.AddParticipant: [{"destination": _PSTN}],
    canonical.Play: [{"media": (canonical.Audio(url=_URL),)}, {"media": (canonical.Audio(url=_URL),) * 2}],
    canonical.SeekPlayback: [{"position": 1}],
    canonical.SetPlaybackVolume: [{"volume": 1}],
    canonical.Collect: [{"digits": canonical.DigitCollect(max=4)}],
}
SAMPLES: dict[str, list[Any]] = {
    "destination": list(_DESTINATIONS),
    "swml_url": [_URL],
    "swml": [{"sections": {"main": [{"answer": {}}]}}],
    "destination_script": [_URL],
    "sip_username": ["user"],
    "sip_password": ["secret"],
    "caller_id": ["+15551230000"],
    "fallback_url": [_URL],
    "status_url": [_URL],
    "status_events": [(canonical.DialEvent.ANSWERED,)],
    "url_method": ["POST"],
    "codecs": [("PCMU",)],
    "timeout": [30, 1.5],
    "max_price_per_minute": [0.5],
    "send_digits": ["123"],
    "region": [("us-east",)],
    "custom_variables": [{"k": "v"}],
    "metadata": [{"k": 1}],
    "reason": ["busy here"],
    "cause": list(canonical.HangupCause),
    "participant_id": ["p-1"],
    "loop": [0, 1, 2],
    "volume": [2.0],
    "direction": list(canonical.Direction),
    "language": ["en-US"],
    "voice": ["Polly.Joanna"],
    "gender": list(canonical.Gender),
    "offset": [1.5, 2],
    "control_id": ["ctl-1"],
    "position": [1.5],
    "format": list(canonical.RecordingFormat),
    "beep": [True],
    "stereo": [True],
    "initial_timeout": [5],
    "end_silence_timeout": [5],
    "max_length": [60],
    "terminators": ["#"],
    "input_sensitivity": [50],
    "prompt": ["hold on", (canonical.Audio(url=_URL),)],
}
NESTED: dict[tuple[type, str], list[Any]] = {
    (canonical.Dial, "channel"): [
        *(canonical.Dial(source=_PSTN, destination=d, swml_url=_URL) for d in _DESTINATIONS),
        *(canonical.Dial(source=d, destination=_PSTN, swml_url=_URL) for d in _DESTINATIONS),
    ],
    (canonical.Play, "media"): [
        canonical.Play(media=(m,))
        for m in (canonical.Tts(text="hi"), canonical.Silence(duration=1), canonical.Ringtone(name="us"))
    ],
    **{
        (cls, name): [cls(action=attrs.evolve(_START, **extra, **{name: 1.0005}))]
        for cls, extra in ((canonical.LiveTranscribe, {}), (canonical.LiveTranslate, {"to_language": "es-ES"}))
        for name in ("speech_timeout", "vad_silence")
    },
}


def loss_candidates(cls: type, field: str) -> list[Any]:
    """The witnesses tried for ``field`` of ``cls`` (each valid: the classes' validators pass)."""
    if (cls, field) in NESTED:
        return NESTED[(cls, field)]
    out = []
    for base in BASES.get(cls, [{}]):
        for value in [None, *SAMPLES[field]]:
            with contextlib.suppress(callglot.InvalidValue):  # e.g. Dial(swml_url=..., swml=...)
                out.append(cls(**{**base, field: value}))
    return out


@pytest.mark.parametrize(
    ("name", "cls", "field"), cells(declared_fields()), ids=lambda v: getattr(v, "__name__", str(v))
)
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

    candidates = loss_candidates(cls, field)
    assert any(lost(command) for command in candidates), f"no witness among {len(candidates)} commands"


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
