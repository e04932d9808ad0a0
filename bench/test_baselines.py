"""The baselines do the work callglot does: same accepted messages, same outputs, same refusals.

Run: ``PYTHONPATH=. python3 -m pytest bench/test_baselines.py -q`` (from the repository root).

For every workload message, every candidate callglot cannot translate losslessly, and a few thousand
deterministic mutants of them (a field deleted, added, retyped, or swapped for a value seen elsewhere),
callglot, the hand-written translators and the pydantic pipeline must all refuse, or all return the same
request, compared as sorted JSON (so 1 and 1.0, or true and 1, differ). SignalWire control ids are random
uuid4s in all three: they are checked for shape and masked. Events compare the canonical event callglot
decodes, flattened, with the baselines' dicts. Baselines must refuse with ``ValueError`` only, and must not
modify their input.
"""

from __future__ import annotations

import copy
import enum
import json
import sys
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import attrs
import orjson
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))  # pytest's importlib mode leaves bench/ off the path

import handwritten
import pydantic_pipeline
import workload

import callglot
from callglot.canonical.events import EVENT_TAGS
from callglot.canonical.types import FrozenJson, thaw_json

Message = dict[str, Any]
Outcome = tuple[str, bytes]  # ("ok", sorted JSON) or ("refused", b"")
REFUSED: Outcome = ("refused", b"")
NAMES = {"chirp->signalwire": "chirp_to_signalwire", "signalwire->gateway": "signalwire_to_gateway",
         "gateway->chirp": "gateway_to_chirp"}  # fmt: skip
BASELINES = {"handwritten": handwritten, "pydantic": pydantic_pipeline}


def _json(value: Any) -> bytes:
    try:
        return orjson.dumps(value, option=orjson.OPT_SORT_KEYS)
    except orjson.JSONEncodeError as exc:  # orjson writes UTF-8 only: a mutant's lone surrogate, as an escape
        if "surrogates" not in str(exc):
            raise
        return json.dumps(value, sort_keys=True, separators=(",", ":")).encode()


def _masked(request: Message) -> Message:
    """The request with a SignalWire control_id replaced by a marker, after checking it is a fresh uuid4."""
    body = request["body"]
    params = body.get("params") if isinstance(body, dict) else None
    if not isinstance(params, dict) or "control_id" not in params:
        return request
    control_id = params["control_id"]
    assert uuid.UUID(control_id).version == 4, control_id
    assert str(uuid.UUID(control_id)) == control_id, control_id
    return {**request, "body": {**body, "params": {**params, "control_id": "<uuid4>"}}}


def _callglot_command(direction: str) -> Callable[[Message], Message]:
    source, target = workload.DIRECTIONS[direction]

    def translate(message: Message) -> Message:
        request = workload.to_request(message)
        return callglot.translate(request, source=source, target=target, policy=callglot.Policy.STRICT).value.to_json()

    return translate


def _plain(value: Any) -> Any:
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, tuple):
        return [_plain(item) for item in value]
    if isinstance(value, FrozenJson):
        return thaw_json(value)
    return value


def _callglot_event(message: Message, dialect: str) -> dict[str, Any]:
    """callglot's canonical event as the baselines' flat dict: the tag, then every non-null field."""
    event = callglot.get_dialect(dialect).decode_event(workload.to_request(message))
    out = {"event": EVENT_TAGS.get(type(event), "unknown")}  # an UnknownEvent: its type, body and call id
    for field in attrs.fields(type(event)):
        value = getattr(event, field.name)
        if value is not None:
            out[field.name] = _plain(value)
    return out


def _outcome(run: Callable[[], Any], refusal: type[Exception], message: Message, mask: bool = False) -> Outcome:
    before = _json(message)
    try:
        out = run()
    except refusal:
        out = None
    assert _json(message) == before, "the input was modified"
    if out is None:
        return REFUSED
    return ("ok", _json(_masked(out) if mask else out))


def _disagreements(cases: list[tuple[Message, Callable[[Message], tuple[Outcome, dict[str, Outcome]]]]]) -> list[str]:
    found = []
    for message, judge in cases:
        expected, got = judge(message)
        wrong = {name: outcome for name, outcome in got.items() if outcome != expected}
        if wrong:
            found.append(f"{_json(message).decode()[:300]}\n    callglot: {expected}\n    differ: {wrong}")
    return found


def _command_judge(direction: str) -> Callable[[Message], tuple[Outcome, dict[str, Outcome]]]:
    translate = _callglot_command(direction)
    baselines = {label: getattr(module, NAMES[direction]) for label, module in BASELINES.items()}

    def judge(message: Message) -> tuple[Outcome, dict[str, Outcome]]:
        expected = _outcome(lambda: translate(message), callglot.CallglotError, message, mask=True)
        got = {
            label: _outcome(lambda fn=fn: fn(message), ValueError, message, mask=True)
            for label, fn in baselines.items()
        }
        return expected, got

    return judge


def _event_judge(dialect: str) -> Callable[[Message], tuple[Outcome, dict[str, Outcome]]]:
    def judge(message: Message) -> tuple[Outcome, dict[str, Outcome]]:
        expected = _outcome(lambda: _callglot_event(message, dialect), callglot.CallglotError, message)
        got = {
            label: _outcome(lambda m=module: m.decode_event(message, dialect), ValueError, message)
            for label, module in BASELINES.items()
        }
        return expected, got

    return judge


# ---------------------------------------------------------------- the workload itself


def test_the_workload_has_the_promised_shape() -> None:
    for direction, messages in workload.COMMANDS.items():
        valid = workload.COMMAND_VALID[direction]
        assert len(messages) == len(valid)
        assert 20 <= sum(valid) <= 40, direction
        assert 0.08 <= valid.count(False) / len(valid) <= 0.15, direction
        assert len({_json(m) for m in messages}) == len(messages), "messages are distinct"
        for message in messages:
            assert set(message) == {"method", "path", "body"}
            assert orjson.loads(_json(message)) == message  # JSON-ready
    assert 0.08 <= workload.EVENT_VALID.count(False) / len(workload.EVENTS) <= 0.15
    assert {item["dialect"] for item in workload.EVENTS} == {"signalwire", "gateway"}
    assert set(workload.ENCODE) == {"signalwire", "gateway", "chirp"}


@pytest.mark.parametrize("direction", list(workload.COMMANDS))
def test_callglot_translates_the_valid_messages_and_refuses_the_invalid_at_decode(direction: str) -> None:
    source, target = workload.DIRECTIONS[direction]
    for message, valid in zip(workload.COMMANDS[direction], workload.COMMAND_VALID[direction], strict=True):
        request = workload.to_request(message)
        if valid:
            callglot.translate(request, source=source, target=target, policy=callglot.Policy.STRICT)
        else:
            with pytest.raises(callglot.DecodeError):
                callglot.get_dialect(source).decode(request)


@pytest.mark.parametrize("target", list(workload.ENCODE))
def test_the_encode_workload_encodes(target: str) -> None:
    dialect = callglot.get_dialect(target)
    for command, call_id in workload.ENCODE[target]:
        dialect.encode(command, call_id=call_id, policy=callglot.Policy.STRICT)


@pytest.mark.parametrize("direction", list(workload.COMMANDS))
def test_the_baselines_agree_on_the_workload(direction: str) -> None:
    judge = _command_judge(direction)
    for message, valid in zip(workload.COMMANDS[direction], workload.COMMAND_VALID[direction], strict=True):
        expected, got = judge(message)
        assert (expected != REFUSED) is valid, message
        assert got == {"handwritten": expected, "pydantic": expected}, message


@pytest.mark.parametrize("direction", list(workload.COMMANDS))
def test_the_baselines_refuse_what_callglot_cannot_translate_losslessly(direction: str) -> None:
    judge = _command_judge(direction)
    for message in workload.UNTRANSLATABLE[direction]:
        expected, got = judge(message)
        assert expected == REFUSED
        assert got == {"handwritten": REFUSED, "pydantic": REFUSED}, message


def test_the_baselines_agree_on_the_events() -> None:
    for item, valid in zip(workload.EVENTS, workload.EVENT_VALID, strict=True):
        expected, got = _event_judge(item["dialect"])(item["message"])
        assert (expected != REFUSED) is valid, item
        assert got == {"handwritten": expected, "pydantic": expected}, item


@pytest.mark.parametrize("module", list(BASELINES.values()), ids=list(BASELINES))
def test_control_ids_are_fresh_uuid4s(module: Any) -> None:
    message = next(m for m in workload.COMMANDS["chirp->signalwire"] if m["body"].get("type") == "play_audio")
    ids = {module.chirp_to_signalwire(message)["body"]["params"]["control_id"] for _ in range(3)}
    assert len(ids) == 3
    assert all(uuid.UUID(i).version == 4 for i in ids)


# ---------------------------------------------------------------- mutants

_DEEP: dict[str, Any] = {}
_node = _DEEP
for _ in range(40):  # deeper than callglot's 32 levels of JSON nesting
    _node["a"] = {}
    _node = _node["a"]

#: Replacements tried at every position of a message.
GENERIC: list[Any] = [
    None, True, False, 0, 1, -1, 2, 1.0, 1.5, -0.5, 2**53, 1e300, "", "x", " ", "a\nb", "+15551234567",
    "https://cdn.example.com/x.mp3", "HTTPS://CDN.Example.COM/x.mp3", "http://cdn.example.com/x.mp3",
    "https://169.254.169.254/latest", "https://localhost/x.mp3", "https://[::1]/x", "https://0x7f.1/x",
    "https://user@cdn.example.com/x", "sip:alice@example.com", "x" * 2049, [], {}, ["https://cdn.example.com/x.mp3"],
    {"url": "https://cdn.example.com/x.mp3"}, _DEEP, "a\udfffb",
]  # fmt: skip
#: More replacements per key: the neighbours of valid values (other enum members, bounds).
EXTRA: dict[str, list[Any]] = {
    "method": ["GET", "post", " POST"],
    "channel": ["whatsapp", "webrtc", "sip", "PSTN"],
    "format": ["ogg", "webm", "mp3", "wav", "mp4"],
    "reason": ["hangup", "cancel", "busy", "noAnswer", "decline", "error", "User is unavailable", "x" * 501],
    "status": ["canceled", "completed", "ringing"],
    "cause": ["USER_BUSY", "NORMAL_CLEARING", "CALL_REJECTED", "NOT_A_CAUSE", "normal_clearing", "A" * 65],
    "end_reason": ["not_found", "max_duration", "abandoned", "gone", "hangup"],
    "call_state": ["created", "ringing", "ending", "ended", "failed", "busy"],
    "direction": ["inbound", "outbound", "outbound-api", "listen", "speak", "both", "sideways"],
    "destination": ["+15551234567", "+0123", "alice", "agent_42", "sip:alice@example.com", "SIPS:bob@example.com",
                    "a b", "+1555123456789012"],
    "digit": ["0", "A", "D", "E", "*", "#", "12", "a"],
    "digits": ["", "12x", "1a", "ABCD*#", "1" * 257],
    "terminator": ["", "#", "##", "a"],
    "confidence": [0, 1, 0.5, 1.01, -0.1],
    "sequence": [0, 1, 1.0, 2.5, -3, 7],
    "offset_ms": [0, 10**12, 10**12 + 1, 1.0, 1.5],
    "duration_ms": [0, 10**12, 10**12 + 1, 1.0, 1.5],
    "loop": [0, 1, 2, 1.0, 1_000_001, True, False],
    "session_uuid": ["../x", "a", "a" * 129, "acW68-x y", "acW68:x.y"],
    "id": ["3FA85F64-5717-4562-B3FC-2C963F66AFA6", "call-123", "3fa85f64-5717-4562-b3fc-2c963f66afa"],
    "event_channel": [5, ""],
    "project_id": [5, ""],
    "timestamp": [0, -1, 1.5, "now", float(2**60)],
    "final": [True, False, 1],
    "success": [True, False],
    "detail": [{}, {"k": [1, {"x": None}]}],
    "control_id": ["", "play-9", "x" * 129, "a\tb"],
    "call_id": ["", "x" * 257, "9c2e66e5-5d07-413d-9668-55542992eec0"],
    "node_id": ["", "n"],
    "size": [0, -1, 1.0, 1.5],
    "duration": [0, -1, 1.5, "1"],
    "text": ["", "hi\x00", "x" * 100_001],
    "caller_id": ["", "x" * 513],
    "did": ["", "x" * 513],
    "file_path": ["", "https://cdn.example.com/a.wav"],
    "offset_sec": [0, 30, 86_401],
    "command_uid": ["ok-1", "bad uid", ""],
    "urls": [["https://cdn.example.com/a.wav"] * 2, ["https://cdn.example.com/" + "a" * 2030]],
    "record": [{"audio": {"beep": True}}, {"audio": {"format": "mp3"}}],
    "audio": [{"format": "mp3"}, {"x": 1}],
    "peer": [{"call_id": "x"}, {"node_id": "n"}],
    "device": [{"type": "phone"}, {"type": "fax"}, {"type": "sip", "params": {"from": "a", "to": "b"}}],
    "result": [{"type": "digit"}, {"type": "no_input", "params": {}}, {"type": "digit", "params": {}}],
    "type": ["answer", "reject", "audio", "tts", "silence", "digit", "speech", "no_match", "phone", "webrtc"],
    "command": ["calling.end", "calling.play", "calling.record", "update", "calling.play.stop", "dial"],
    "event": ["call.new", "dtmf", "command.result", "conference.created"],
    "event_type": ["calling.call.play", "calling.call.state", "calling.call.record", "calling.call.collect"],
    "state": ["playing", "paused", "finished", "error", "recording", "no_input", "collecting", "tapping"],
}  # fmt: skip
DELETE = object()


def _positions(value: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[tuple[Any, ...], Any]]:
    yield path, value
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _positions(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _positions(item, (*path, index))


def _with(message: Message, path: tuple[Any, ...], new: Any) -> Message:
    out: Message = orjson.loads(_json(message))  # a deep copy
    parent: Any = out
    for step in path[:-1]:
        parent = parent[step]
    if new is DELETE:
        del parent[path[-1]]
    else:
        parent[path[-1]] = copy.deepcopy(new)
    return out


def _mutants(message: Message) -> list[Message]:
    found: dict[bytes, Message] = {}

    def add(mutant: Message) -> None:
        found.setdefault(_json(mutant), mutant)

    for path, value in _positions(message):
        if not path:
            continue
        key = next((step for step in reversed(path) if isinstance(step, str)), "")
        for new in [*GENERIC, *EXTRA.get(key, [])]:
            add(_with(message, path, new))
        if len(path) > 1 and isinstance(path[-1], str):
            add(_with(message, path, DELETE))
        if isinstance(value, dict):
            add(_with(message, path, {**value, "zz_extra": 1}))
            add(_with(message, path, {**value, "zz_extra": "\ud800"}))  # kept in origin: a JSON value, checked
        if isinstance(value, list) and value:
            add(_with(message, path, [*value, value[-1]]))
            add(_with(message, path, value[:1] * 129))
    return list(found.values())


def _path_variants(message: Message) -> list[Message]:
    path = message["path"]
    return [{**message, "path": new} for new in (path + "/", " " + path, path.upper(), path.replace("/", "//", 1),
                                                  path.replace(workload.SW_CALL, "call_abc123"))]  # fmt: skip


@pytest.mark.parametrize("direction", list(workload.COMMANDS))
def test_the_baselines_agree_on_mutants_of_the_commands(direction: str) -> None:
    seeds = [*workload.COMMANDS[direction], *workload.UNTRANSLATABLE[direction]]
    cases = [mutant for message in seeds for mutant in [*_mutants(message), *_path_variants(message)]]
    judge = _command_judge(direction)
    disagreements = _disagreements([(mutant, judge) for mutant in cases])
    assert not disagreements, f"{len(disagreements)} of {len(cases)} mutants:\n" + "\n".join(disagreements[:8])


def test_the_baselines_agree_on_mutants_of_the_events() -> None:
    cases = []
    for item in workload.EVENTS:
        judge = _event_judge(item["dialect"])
        cases.extend((mutant, judge) for mutant in _mutants(item["message"]))
    disagreements = _disagreements(cases)
    assert not disagreements, f"{len(disagreements)} of {len(cases)} mutants:\n" + "\n".join(disagreements[:8])
