"""The published SignalWire schema: well-formed, closed, and in agreement with the runtime.

The schema describes what callglot's SignalWire decoder accepts: SignalWire's published request form plus
the named SDK leniencies (``LENIENCIES``). Every ``examples`` body validates, decodes without a leniency and
re-encodes to itself; one body per leniency rule validates and decodes with that rule; hand-picked negatives
are refused by both, and ``best_match`` points where it should; whatever the encoder emits validates.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from functools import cache
from importlib.resources import files
from pathlib import Path
from typing import Any

import attrs
import pytest
from dialect_cells import SAID, command_cells, sayable
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator
from jsonschema.exceptions import best_match
from test_signalwire import EXAMPLES

import callglot
from callglot.adapters import _structure
from callglot.adapters.signalwire import (
    CODEC_SPELLINGS,
    DECODERS,
    END_REASONS,
    LENIENCIES,
    RECORD_FORMATS,
)
from callglot.adapters.signalwire.commands import _SDK_STATUS_EVENTS, _UpdateParams
from callglot.canonical import DialEvent
from callglot.canonical.commands import DIAL_CODECS
from callglot.canonical.types import RINGTONE_NAMES
from callglot.schemas import load_schema, validator_for

NAME = "signalwire"
PATH = "/api/calling/calls"
CALL = "3fa85f64-5717-4562-b3fc-2c963f66afa6"
URL = "https://example.com/swml"
FROM_TO = {"from": "+15551230000", "to": "+15557650000"}


@cache
def schema() -> dict[str, Any]:
    return load_schema(NAME)


def document(body: Any) -> dict[str, Any]:
    return {"method": "POST", "path": PATH, "body": body}


def schema_errors(doc: Any) -> list[Any]:
    return list(validator_for(NAME).iter_errors(doc))


def decode(body: Any, method: str = "POST", path: str = PATH) -> callglot.Decoded:
    return callglot.get_dialect(NAME).decode(callglot.HttpRequest(method=method, path=path, body=body))


def shown(errors: list[Any]) -> list[str]:
    return [f"{e.json_path}: {e.message[:200]}" for e in errors]


#: keyword -> how its value holds subschemas
_ONE = ("items", "additionalProperties", "propertyNames", "not", "if", "then", "else", "contains")
_MANY = ("allOf", "anyOf", "oneOf", "prefixItems")
_MAP = ("properties", "$defs", "patternProperties", "dependentSchemas")


def subschemas(node: Any, pointer: str = "#", in_if: bool = False) -> Iterator[tuple[str, Any, bool]]:
    """Every (sub)schema as (JSON pointer, schema, inside an ``if``), walking only schema keywords."""
    yield pointer, node, in_if
    if not isinstance(node, dict):
        return
    for key in _ONE:
        if key in node:
            yield from subschemas(node[key], f"{pointer}/{key}", in_if or key == "if")
    for key in _MANY:
        for index, item in enumerate(node.get(key, ())):
            yield from subschemas(item, f"{pointer}/{key}/{index}", in_if)
    for key in _MAP:
        for name, item in node.get(key, {}).items():
            yield from subschemas(item, f"{pointer}/{key}/{name}", in_if)


def deref(node: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in node:
        node = schema()["$defs"][node["$ref"].removeprefix("#/$defs/")]
    return node


def dispatch_table(node: dict[str, Any]) -> dict[str, str]:
    """tag value -> def name of a tag dispatcher (``properties.<tag>.enum`` + ``allOf`` of if/then)."""
    [tag] = node["properties"]
    table = {}
    for rule in node["allOf"]:
        assert set(rule) == {"if", "then"}
        assert rule["if"]["required"] == [tag]
        table[rule["if"]["properties"][tag]["const"]] = rule["then"]["$ref"].removeprefix("#/$defs/")
    assert list(table) == node["properties"][tag]["enum"], "the enum lists exactly the dispatched tags, in order"
    return table


def is_dispatcher(node: dict[str, Any]) -> bool:
    props = node.get("properties", {})
    return (
        len(props) == 1
        and "enum" in next(iter(props.values()))
        and bool(node.get("allOf"))
        and all(set(rule) == {"if", "then"} for rule in node["allOf"])
    )


def command_table() -> dict[str, str]:
    return dispatch_table(schema()["$defs"]["command"])


def params_def(command: str) -> dict[str, Any]:
    return deref(schema()["$defs"][command]["properties"]["params"])


# ---------------------------------------------------------------- the file itself


def test_schema_is_valid_2020_12_and_loads() -> None:
    raw = json.loads(files("callglot.schemas").joinpath(f"{NAME}.schema.json").read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(raw)
    assert load_schema(NAME) == raw
    validator = validator_for(NAME)
    assert isinstance(validator, Draft202012Validator)
    assert validator is validator_for(NAME)
    dialect = callglot.get_dialect(NAME)
    assert dialect.schema_file == f"{NAME}.schema.json"
    assert dialect.schema() == raw


def test_top_level_is_the_request_document() -> None:
    s = schema()
    assert s["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert s["$id"] == f"urn:callglot:dialect:{NAME}:v1"
    assert s["title"]
    assert s["description"]
    assert s["type"] == "object"
    assert s["required"] == ["method", "path", "body"]
    assert set(s["properties"]) == {"method", "path", "body"}
    assert s["additionalProperties"] is False
    assert s["properties"]["method"] == {"const": "POST"}
    assert s["properties"]["path"]["const"] == PATH
    assert s["properties"]["body"]["$ref"] == "#/$defs/command"
    for unsaid in ("URL safety", "E.164", "SIP"):
        assert unsaid in s["description"], f"the description says the schema cannot express {unsaid}"


def test_every_ref_is_local_and_every_def_is_used() -> None:
    s = schema()
    refs = 0
    for pointer, node, _ in subschemas(s):
        if not isinstance(node, dict):
            continue
        assert "$dynamicRef" not in node
        assert "$id" not in node or pointer == "#", f"{pointer}: only the root has an $id"
        if "$ref" in node:
            refs += 1
            ref = node["$ref"]
            assert ref.startswith("#/$defs/"), f"{pointer}: non-local $ref {ref}"
            assert ref.removeprefix("#/$defs/") in s["$defs"], f"{pointer}: dangling $ref {ref}"
    assert refs > 50
    text = json.dumps(s)
    for d in s["$defs"]:
        assert f'"#/$defs/{d}"' in text, f"unused def {d}"


#: Objects that are free-form JSON by design (their pointer ends with one of these).
FREE_FORM = ("/json_object", "/swml_section/items")


def test_every_object_schema_is_closed() -> None:
    s = schema()
    free = []
    for pointer, node, in_if in subschemas(s):
        if not isinstance(node, dict) or in_if:
            continue
        kinds = node.get("type")
        if kinds == "object" or (isinstance(kinds, list) and "object" in kinds):
            if is_dispatcher(node):
                for target in dispatch_table(node).values():
                    closed = s["$defs"][target]
                    assert closed["type"] == "object"
                    assert closed["additionalProperties"] is False, target
                continue
            extra = node.get("additionalProperties", True)
            if extra is False or (isinstance(extra, dict) and extra != {}):
                if "properties" in node:
                    assert extra is False or pointer.endswith("/sections"), pointer
                continue
            assert "properties" not in node, f"{pointer} is not closed"
            free.append(pointer)
        elif "properties" in node and node.get("additionalProperties", False) is not False:
            pytest.fail(f"{pointer} opens an object")
    assert free
    for pointer in free:
        assert pointer.endswith(FREE_FORM), f"{pointer}: unexpected free-form object"


def _typed(node: Any) -> bool:
    """Says what it is; ``{"not": {}}`` (a field that must be absent) admits nothing, null included."""
    return isinstance(node, dict) and (bool({"type", "$ref", "enum", "const"} & set(node)) or node.get("not") == {})


def test_no_schema_admits_null() -> None:
    for pointer, node, in_if in subschemas(schema()):
        if not isinstance(node, dict) or in_if:
            continue
        kinds = node.get("type", [])
        assert "null" not in (kinds if isinstance(kinds, list) else [kinds]), pointer
        assert None not in node.get("enum", []), pointer
        assert "const" not in node or node["const"] is not None, pointer
        refines = "/then" in pointer or "/else" in pointer
        if re.search(r"/(properties/[^/]+|items|additionalProperties)$", pointer) and not refines:
            assert _typed(node) or (node.get("anyOf") and all(map(_typed, node["anyOf"]))), (
                f"{pointer} accepts any JSON value"
            )


def test_patterns_compile_and_are_anchored() -> None:
    for pointer, node, in_if in subschemas(schema()):
        if not isinstance(node, dict) or "pattern" not in node:
            continue
        re.compile(node["pattern"])
        if in_if or pointer.endswith("/propertyNames/not"):
            continue
        assert node["pattern"].startswith("^"), pointer
        assert node["pattern"].endswith("$(?!\\n)"), pointer


# ---------------------------------------------------------------- coverage of the runtime's commands


def test_a_def_for_every_command() -> None:
    table = command_table()
    assert table == {name: name for name in ["dial", "update", *(n for n in DECODERS if n != "dial")]}
    for name, d in table.items():
        definition = schema()["$defs"][d]
        assert definition["title"] == name
        assert definition["properties"]["command"] == {"const": name}
        assert definition["additionalProperties"] is False
        if name.startswith("calling."):
            assert definition["required"] == ["command", "id", "params"], name
            assert definition["properties"]["id"] == {"$ref": "#/$defs/call_id"}, name
        else:
            assert definition["required"] == ["command", "params"], name
            assert "id" not in definition["properties"], name


def _wire_fields(cls: type) -> tuple[set[str], set[str]]:
    keys = {_structure.wire_key(cls, a.name) or a.name for a in attrs.fields(cls)}
    required = {_structure.wire_key(cls, a.name) or a.name for a in attrs.fields(cls) if a.default is attrs.NOTHING}
    return keys, required


@pytest.mark.parametrize("command", [*DECODERS, "update"])
def test_params_fields_are_the_wire_class_fields(command: str) -> None:
    cls = _UpdateParams if command == "update" else DECODERS[command][0]
    fields, required = _wire_fields(cls)
    d = params_def(command)
    assert d["type"] == "object"
    assert d["additionalProperties"] is False
    assert set(d.get("properties", {})) == fields
    assert set(d.get("required", [])) == required


def test_enums_match_the_runtime() -> None:
    defs = schema()["$defs"]
    assert params_def("calling.end")["properties"]["reason"]["enum"] == list(END_REASONS)
    assert set(defs["dial_codec"]["enum"]) == DIAL_CODECS
    assert set(defs["tap_codec"]["enum"]) == set(CODEC_SPELLINGS)
    assert set(defs["ringtone"]["properties"]["params"]["properties"]["name"]["enum"]) == RINGTONE_NAMES
    assert defs["record_audio"]["properties"]["format"]["enum"] == [str(f) for f in RECORD_FORMATS]
    events = params_def("dial")["properties"]["status_events"]["items"]["enum"]
    assert events == [e.value for e in DialEvent] + list(_SDK_STATUS_EVENTS)


def test_every_leniency_rule_is_named_in_the_schema() -> None:
    text = json.dumps(schema())
    for rule in LENIENCIES:
        assert text.count(rule) >= 2, f"{rule}: in the top-level description and where it applies"


# ---------------------------------------------------------------- examples: schema and runtime agree

SCHEMA_EXAMPLES = [
    pytest.param(d, index, example, id=f"{d}-{index}")
    for d in command_table().values()
    for index, example in enumerate(schema()["$defs"][d].get("examples", []))
]


def test_every_command_def_has_examples() -> None:
    for d in command_table().values():
        assert schema()["$defs"][d].get("examples"), f"{d} has no examples"


@pytest.mark.parametrize(("d", "index", "example"), SCHEMA_EXAMPLES)
def test_example_validates_decodes_and_is_in_normal_form(d: str, index: int, example: Any) -> None:
    assert example["command"] == d
    assert shown(schema_errors(document(example))) == []
    decoded = decode(example)
    assert decoded.leniencies == (), "examples are in the spec's form"
    assert decoded.call_id == (None if d == "dial" else CALL)
    again = callglot.get_dialect(NAME).encode(decoded.command, call_id=decoded.call_id)
    assert again.value.to_json() == document(example), "re-encoding gives the example back"


ORACLE = Path(__file__).resolve().parents[2] / "shared" / "oracles" / "signalwire_calling_request.schema.json"


@pytest.fixture(scope="module")
def oracle() -> Any:
    if not ORACLE.is_file():
        pytest.skip(f"SignalWire's published request schema is not at {ORACLE}")
    raw = json.loads(ORACLE.read_text(encoding="utf-8"))
    return Draft202012Validator(raw, format_checker=Draft202012Validator.FORMAT_CHECKER)


@pytest.mark.parametrize(("d", "index", "example"), SCHEMA_EXAMPLES)
def test_example_conforms_to_signalwires_own_schema(oracle: Any, d: str, index: int, example: Any) -> None:
    """The examples are in the spec's form, so SignalWire's published request schema accepts them too."""
    assert shown(list(oracle.iter_errors(example))) == []


@pytest.mark.parametrize("name", sorted(EXAMPLES))
def test_golden_examples_of_the_adapter_tests_validate(name: str) -> None:
    assert shown(schema_errors(document(EXAMPLES[name]))) == []


#: Spec-form variants that are valid but not what the encoder writes (so not in ``examples``).
SPEC_VARIANTS: list[dict[str, Any]] = [
    {"command": "dial", "params": {**FROM_TO, "url": URL, "region": "us-east"}},
    {"command": "dial", "params": {**FROM_TO, "url": URL, "status_events": ["ended", "ended"]}},
    {"command": "calling.end", "id": CALL.upper(), "params": {}},
    {"command": "calling.detect", "id": CALL, "params": {"control_id": "d", "detect": {"type": "fax"}}},
    {"command": "calling.detect", "id": CALL, "params": {"control_id": "d", "detect": {"type": "fax", "params": {"tone": "ced"}}}},
    {"command": "calling.detect", "id": CALL, "params": {"control_id": "d", "detect": {"type": "digit", "params": {"digits": ""}}}},
    {"command": "calling.tap", "id": CALL, "params": {"control_id": "t", "tap": {"type": "audio", "params": {"direction": "both"}},
                                                       "device": {"type": "rtp", "params": {"addr": "2606:2800:220:1::248", "port": 5004, "codec": "pcmu"}}}},
    {"command": "calling.play", "id": CALL, "params": {"control_id": "p", "play": [{"type": "silence", "params": {"duration": 2.0}}], "loop": 3.0}},
    {"command": "calling.collect", "id": CALL, "params": {"control_id": "c", "speech": {}}},
    {"command": "calling.user_event", "id": CALL, "params": {"event": {}}},
]  # fmt: skip


@pytest.mark.parametrize("body", SPEC_VARIANTS, ids=lambda b: b["command"])
def test_spec_variants_validate_and_decode(body: dict[str, Any]) -> None:
    assert shown(schema_errors(document(body))) == []
    assert decode(body).leniencies == ()


# ---------------------------------------------------------------- the leniency rules, each accepted by both

LENIENT: dict[str, list[dict[str, Any]]] = {
    "record-flat-audio": [
        {"command": "calling.record", "id": CALL, "params": {"control_id": "r", "audio": {"format": "wav", "beep": True}}},
        {"command": "calling.record", "id": CALL, "params": {"control_id": "r", "audio": {}}},
    ],
    "missing-control-id": [
        {"command": "calling.play", "id": CALL, "params": {"play": [{"type": "silence", "params": {"duration": 1}}]}},
        {"command": "calling.record", "id": CALL, "params": {"record": {"audio": {}}}},
        {"command": "calling.collect", "id": CALL, "params": {"digits": {"max": 1}}},
        {"command": "calling.detect", "id": CALL, "params": {"detect": {"type": "fax", "params": {}}}},
        {"command": "calling.stream", "id": CALL, "params": {"url": "wss://s.example.com/a"}},
        {"command": "calling.transcribe", "id": CALL, "params": {}},
    ],
    "ai-hold-integer-timeout": [{"command": "calling.ai_hold", "id": CALL, "params": {"timeout": 120}}],
    "ai-unhold-prompt-dropped": [{"command": "calling.ai_unhold", "id": CALL, "params": {"prompt": "Welcome back"}}],
    "record-default-audio": [{"command": "calling.record", "id": CALL, "params": {"control_id": "r"}}],
    "tap-flat-params": [
        {"command": "calling.tap", "id": CALL, "params": {"control_id": "t", "tap": {"type": "audio", "direction": "both"},
                                                           "device": {"type": "ws", "params": {"uri": "wss://tap.example.com/a"}}}},
        {"command": "calling.tap", "id": CALL, "params": {"control_id": "t", "tap": {"type": "audio", "params": {"direction": "both"}},
                                                           "device": {"type": "rtp", "addr": "93.184.215.14", "port": 9000, "ptime": 20}}},
        {"command": "calling.tap", "id": CALL, "params": {"control_id": "t", "tap": {"type": "audio", "direction": "speak"},
                                                           "device": {"type": "ws", "uri": "wss://tap.example.com/a", "codec": "OPUS"}}},
    ],
    "live-start-both-directions": [
        {"command": "calling.live_transcribe", "id": CALL, "params": {"action": {"start": {"lang": "en"}}}},
        {"command": "calling.live_translate", "id": CALL, "params": {"action": {"start": {"from_lang": "en", "to_lang": "es"}}}},
    ],
    "live-transcribe-language": [
        {"command": "calling.live_transcribe", "id": CALL, "params": {"action": {"start": {"language": "en-US", "direction": ["local-caller"]}}}},
    ],
    "refer-flat-device": [
        {"command": "calling.refer", "id": CALL, "params": {"device": {"to": "sip:bob@example.com"}}},
        {"command": "calling.refer", "id": CALL, "params": {"device": {"type": "sip", "to": "sip:bob@example.com", "from": "sip:a@example.com",
                                                                       "username": "u", "password": "p"}}},
    ],
    "dial-sdk-status-events": [
        {"command": "dial", "params": {**FROM_TO, "url": URL, "status_events": ["queued", "initiated", "ringing", "ending", "ended"]}},
    ],
    "codecs-string": [
        {"command": "dial", "params": {**FROM_TO, "url": URL, "codecs": "PCMU,OPUS"}},
        {"command": "dial", "params": {**FROM_TO, "url": URL, "codecs": "OPUS@48000H@20I , G722"}},
        {"command": "dial", "params": {**FROM_TO, "url": URL, "codecs": "PCMA"}},
    ],
    "update-status-only": [
        {"command": "update", "params": {"id": CALL, "status": "completed"}},
        {"command": "update", "params": {"id": CALL, "status": "canceled"}},
    ],
    "update-status-wins": [
        {"command": "update", "params": {"id": CALL, "status": "completed", "url": URL}},
        {"command": "update", "params": {"id": CALL, "status": "canceled", "swml": {"sections": {"main": []}}, "fallback_url": URL, "status_url": URL}},
    ],
}  # fmt: skip


def test_every_leniency_rule_has_an_example() -> None:
    assert set(LENIENT) == set(LENIENCIES)


@pytest.mark.parametrize(
    ("rule", "body"),
    [pytest.param(rule, body, id=f"{rule}-{i}") for rule, bodies in LENIENT.items() for i, body in enumerate(bodies)],
)
def test_leniency_is_accepted_by_schema_and_runtime(rule: str, body: dict[str, Any]) -> None:
    assert shown(schema_errors(document(body))) == []
    assert decode(body).leniencies == (rule,)


# ---------------------------------------------------------------- negatives: both refuse, best_match agrees


def end(params: Any = None, **envelope: Any) -> dict[str, Any]:
    return {"command": "calling.end", "id": CALL, "params": {} if params is None else params, **envelope}


def cmd(command: str, params: dict[str, Any]) -> dict[str, Any]:
    return {"command": command, "id": CALL, "params": params}


def dial(**params: Any) -> dict[str, Any]:
    return {"command": "dial", "params": {**FROM_TO, "url": URL, **params}}


def update(**params: Any) -> dict[str, Any]:
    return {"command": "update", "params": {"id": CALL, **params}}


SILENCE: list[dict[str, Any]] = [{"type": "silence", "params": {"duration": 1}}]
TAP: dict[str, Any] = {"type": "audio", "params": {"direction": "both"}}
WS: dict[str, Any] = {"type": "ws", "params": {"uri": "wss://tap.example.com/a"}}
MAIN: dict[str, Any] = {"sections": {"main": [{"hangup": {}}]}}

#: (body, where best_match must point, or None to skip that check)
NEGATIVES: list[tuple[Any, str | None]] = [
    # unknown command, wrong body type
    ({"command": "calling.join_conference", "id": CALL, "params": {}}, "$.body.command"),
    ({"command": "hangup", "id": CALL, "params": {}}, "$.body.command"),
    ({"command": 7, "id": CALL, "params": {}}, "$.body.command"),
    ({"id": CALL, "params": {}}, "$.body"),
    (["calling.end"], "$.body"),
    # extra key
    (end(extra=1), "$.body"),
    (end({"reason": "hangup", "cause": "USER_BUSY"}), "$.body.params"),
    (cmd("calling.denoise", {"level": 1}), "$.body.params"),
    (cmd("calling.play", {"control_id": "p", "play": [{"type": "silence", "params": {"duration": 1, "x": 1}}]}),
     "$.body.params.play[0].params"),
    (cmd("calling.tap", {"control_id": "t", "tap": TAP, "device": WS, "direction": "both"}), "$.body.params"),
    # explicit null
    (end({"reason": None}), "$.body.params.reason"),
    (end(id=None), "$.body.id"),
    (cmd("calling.play", {"control_id": None, "play": SILENCE}), "$.body.params.control_id"),
    (dial(to=None), "$.body.params.to"),
    (update(url=URL, status_url=None), "$.body.params.status_url"),
    (cmd("calling.detect", {"control_id": "d", "detect": {"type": "fax", "params": None}}), "$.body.params.detect.params"),
    # envelopes: missing id, id on dial/update, non-UUID id, params missing
    ({"command": "calling.end", "params": {}}, "$.body"),
    ({"command": "dial", "id": CALL, "params": {"from": "+15551230000", "to": "+15557650000", "url": URL}}, "$.body"),
    ({"command": "update", "id": CALL, "params": {"id": CALL, "url": URL}}, "$.body"),
    ({"command": "update", "params": {"url": URL}}, "$.body.params"),
    (end(id="call_abc123"), "$.body.id"),
    (end(id="3fa85f64-5717-4562-b3fc-2c963f66afa6\n"), "$.body.id"),
    (update(id="call_abc123", url=URL), "$.body.params.id"),
    ({"command": "calling.end", "id": CALL}, "$.body"),
    ({"command": "calling.disconnect", "id": CALL}, "$.body"),
    ({"command": "dial"}, "$.body"),
    (end("hangup"), "$.body.params"),
    # bad enum values
    (end({"reason": "bored"}), "$.body.params.reason"),
    (cmd("calling.record", {"control_id": "r", "record": {"audio": {"format": "ogg"}}}), "$.body.params.record.audio.format"),
    (cmd("calling.detect", {"control_id": "d", "detect": {"type": "fax", "params": {"tone": "Cng"}}}),
     "$.body.params.detect.params.tone"),
    (cmd("calling.detect", {"control_id": "d", "detect": {"type": "voice"}}), "$.body.params.detect.type"),
    (cmd("calling.tap", {"control_id": "t", "tap": TAP, "device": {"type": "ws", "params": {"uri": "wss://t.example.com/a", "codec": "G722"}}}),
     "$.body.params.device.params.codec"),
    (cmd("calling.play", {"control_id": "p", "play": [{"type": "video", "params": {}}]}), "$.body.params.play[0].type"),
    (dial(status_events=["busy"]), "$.body.params.status_events[0]"),
    (update(status="busy"), "$.body.params.status"),
    (cmd("calling.record.pause", {"control_id": "r", "behavior": "mute"}), "$.body.params.behavior"),
    (cmd("calling.stream", {"control_id": "s", "url": "wss://s.example.com/a", "track": "both"}), "$.body.params.track"),
    # out of range, wrong type, bad shape
    (cmd("calling.play.volume", {"control_id": "p", "volume": 41}), "$.body.params.volume"),
    (cmd("calling.play.volume", {"control_id": "p", "volume": "6"}), "$.body.params.volume"),
    (cmd("calling.play", {"control_id": "p", "play": SILENCE, "loop": -1}), "$.body.params.loop"),
    (cmd("calling.play", {"control_id": "p", "play": SILENCE, "loop": 1.5}), "$.body.params.loop"),
    (cmd("calling.play", {"control_id": "p", "play": []}), "$.body.params.play"),
    (cmd("calling.play", {"control_id": "p", "play": [{"type": "silence", "params": {"duration": 0}}]}),
     "$.body.params.play[0].params.duration"),
    (cmd("calling.play", {"control_id": "p", "play": [{"type": "ringtone", "params": {"name": "xx"}}]}),
     "$.body.params.play[0].params.name"),
    (cmd("calling.play", {"control_id": "p", "play": SILENCE, "language": "english!"}), "$.body.params.language"),
    (cmd("calling.play", {"control_id": "", "play": SILENCE}), "$.body.params.control_id"),
    (dial(timeout=601), "$.body.params.timeout"),
    (dial(timeout=0), "$.body.params.timeout"),
    (dial(send_digits="12x"), "$.body.params.send_digits"),
    (dial(custom_variables={"ok": ""}), "$.body.params.custom_variables.ok"),
    (dial(custom_variables={"sw_secret": "x"}), None),
    (dial(codecs=[]), "$.body.params.codecs"),
    (dial(codecs="PCMU,FOO"), "$.body.params.codecs"),
    (dial(codecs=["pcmu"]), None),
    (dial(status_events=[]), "$.body.params.status_events"),
    (dial(region=[]), "$.body.params.region"),
    (dial(region="us east"), "$.body.params.region"),
    (cmd("calling.collect", {"control_id": "c", "digits": {"max": 0}}), "$.body.params.digits.max"),
    (cmd("calling.collect", {"control_id": "c", "digits": {"max": 4, "digit_timeout": 0}}), "$.body.params.digits.digit_timeout"),
    (cmd("calling.tap", {"control_id": "t", "tap": TAP, "device": {"type": "rtp", "params": {"addr": "93.184.216.34", "port": 5004, "ptime": 25}}}),
     "$.body.params.device.params.ptime"),
    (cmd("calling.tap", {"control_id": "t", "tap": TAP, "device": {"type": "rtp", "params": {"addr": "93.184.216.34", "port": 0}}}),
     "$.body.params.device.params.port"),
    (cmd("calling.tap", {"control_id": "t", "tap": TAP, "device": {"type": "rtp", "params": {"addr": "media.example.com", "port": 5004}}}),
     "$.body.params.device.params.addr"),
    (cmd("calling.tap", {"control_id": "t", "tap": {"type": "video", "params": {"direction": "both"}}, "device": WS}),
     "$.body.params.tap.type"),
    (cmd("calling.tap", {"control_id": "t", "tap": {"type": "audio", "params": {}}, "device": WS}), "$.body.params.tap.params"),
    (cmd("calling.ai_hold", {"timeout": "soon"}), None),
    (cmd("calling.ai_hold", {"timeout": "0"}), None),
    (cmd("calling.ai_hold", {"timeout": "1234567"}), None),
    (cmd("calling.ai_hold", {"timeout": 0}), None),
    (cmd("calling.ai_hold", {"timeout": True}), None),
    (cmd("calling.ai_hold", {"timeout": 1.5}), None),
    (cmd("calling.live_transcribe", {"action": {"start": {"lang": "en", "direction": ["local-caller"], "debug_level": 3}}}),
     "$.body.params.action.start.debug_level"),
    (cmd("calling.live_translate", {"action": {"start": {"from_lang": "en", "to_lang": "de", "direction": ["local-caller", "local-caller"]}}}),
     "$.body.params.action.start.direction"),
    (cmd("calling.live_translate", {"action": {"start": {"from_lang": "en", "direction": ["local-caller"]}}}), None),
    (cmd("calling.live_translate", {"action": {"start": {"from_lang": "en", "to_lang": "de", "direction": ["local-caller"], "filter_to": "angry"}}}),
     "$.body.params.action.start.filter_to"),
    (cmd("calling.user_event", {"event": ["a"]}), "$.body.params.event"),
    (cmd("calling.record", {"control_id": "r", "record": {"audio": {"beep": 1}}}), "$.body.params.record.audio.beep"),
    (cmd("calling.record", {"control_id": "r", "record": {}}), "$.body.params.record"),
    # URLs: empty, wrong scheme, user info, whitespace, no host
    (dial(url=""), "$.body.params.url"),
    (dial(url="http://example.com/swml"), "$.body.params.url"),
    (dial(url="https://u:p@example.com/swml"), "$.body.params.url"),
    (dial(url="https://example.com/a b"), "$.body.params.url"),
    (dial(url="https:///swml"), "$.body.params.url"),
    (cmd("calling.stream", {"control_id": "s", "url": "ws://stream.example.com/a"}), "$.body.params.url"),
    (cmd("calling.stream", {"control_id": "s", "url": "https://stream.example.com/a"}), "$.body.params.url"),
    (cmd("calling.tap", {"control_id": "t", "tap": TAP, "device": {"type": "ws", "params": {"uri": "https://t.example.com/a"}}}),
     "$.body.params.device.params.uri"),
    (cmd("calling.transfer", {"dest": "http://example.com/swml"}), "$.body.params.dest"),
    (cmd("calling.refer", {"device": {"type": "sip", "params": {"to": "tel:+15557650000"}}}), "$.body.params.device.params.to"),
    # addresses
    (dial(**{"from": "+0123"}), "$.body.params.from"),
    (dial(**{"from": "+1 555 123"}), "$.body.params.from"),
    (dial(to="sip:alice"), "$.body.params.to"),
    (cmd("calling.transfer", {"dest": 5}), "$.body.params.dest"),
    (cmd("calling.refer", {"device": {"type": "tel", "params": {"to": "sip:bob@example.com"}}}), "$.body.params.device.type"),
    # SWML documents
    ({"command": "dial", "params": {**FROM_TO, "swml": {"sections": {}}}}, "$.body.params.swml.sections"),
    ({"command": "dial", "params": {**FROM_TO, "swml": {"version": "2.0.0", **MAIN}}}, "$.body.params.swml.version"),
    ({"command": "dial", "params": {**FROM_TO, "swml": {**MAIN, "name": "x"}}}, "$.body.params.swml"),
    ({"command": "dial", "params": {**FROM_TO, "swml": {"sections": {"main": [{"hangup": {}}], "other": {}}}}},
     "$.body.params.swml.sections.other"),
    (cmd("calling.transfer", {"dest": {"sections": {"main": [1]}}}), None),
    # cross-field rules
    (cmd("calling.record", {"control_id": "r", "record": {"audio": {}}, "audio": {}}), "$.body.params.audio"),
    (update(status="completed", url=URL, swml=MAIN), None),
    (update(status="completed", fallback_url=URL), None),
    (update(status="completed", status_url=URL), None),
    (update(url=URL, swml=MAIN), None),
    (update(), "$.body.params"),
    (update(fallback_url=URL), "$.body.params"),
    (cmd("calling.collect", {"control_id": "c"}), "$.body.params"),
    (cmd("calling.collect", {"control_id": "c", "initial_timeout": 5}), "$.body.params"),
    (cmd("calling.tap", {"control_id": "t", "tap": {"direction": "both"}, "device": WS}), None),
    (cmd("calling.tap", {"control_id": "t", "tap": {**TAP, "direction": "both"}, "device": WS}), None),
    (cmd("calling.tap", {"control_id": "t", "tap": {"type": "audio"}, "device": WS}), None),
    (cmd("calling.tap", {"control_id": "t", "tap": TAP, "device": {"type": "ws"}}), None),
    (cmd("calling.tap", {"control_id": "t", "tap": TAP, "device": {**WS, "uri": "wss://tap.example.com/a"}}), None),
    (cmd("calling.tap", {"control_id": "t", "tap": TAP, "device": {"type": "rtp", "uri": "wss://tap.example.com/a"}}), None),
    (cmd("calling.tap", {"control_id": "t", "tap": TAP, "device": {"uri": "wss://tap.example.com/a"}}), None),
    (cmd("calling.refer", {"device": {"params": {"to": "sip:bob@example.com"}}}), None),
    (cmd("calling.refer", {"device": {"params": {"to": "sip:bob@example.com"}, "to": "sip:bob@example.com"}}), None),
    (cmd("calling.refer", {"device": {"type": "sip", "params": {"to": "sip:bob@example.com"}, "to": "sip:b@example.com"}}), None),
    (cmd("calling.refer", {"device": {"type": "ws", "to": "sip:bob@example.com"}}), None),
    (cmd("calling.refer", {"device": {"to": "sip:bob@example.com", "uri": "x"}}), None),
    (cmd("calling.refer", {"device": {"from": "sip:bob@example.com"}}), None),
    (cmd("calling.live_transcribe", {"action": {"start": {"direction": ["local-caller"]}}}), None),
    (cmd("calling.live_transcribe", {"action": {"start": {"lang": "en", "language": "en"}}}), None),
    (cmd("calling.live_translate", {"action": {"start": {"from_lang": "en", "to_lang": "es", "language": "en"}}}), None),
    (cmd("calling.play.stop", {}), "$.body.params"),
    (cmd("calling.send_fax.stop", {}), "$.body.params"),
    (cmd("calling.live_transcribe", {"action": "stop", "status_url": "https://hooks.example.com/l"}), "$.body.params.status_url"),
    (cmd("calling.live_transcribe", {"action": {"inject": {"message": "hi", "direction": "remote-caller"}}}), None),
    (cmd("calling.live_transcribe", {"action": {"start": {"lang": "en", "direction": ["local-caller"]}, "summarize": {}}}), None),
    (cmd("calling.live_transcribe", {"action": {}}), None),
    (cmd("calling.live_transcribe", {"action": "start"}), None),
    ({"command": "dial", "params": {"from": "+15551230000", "url": URL}}, "$.body.params"),
    (dial(swml=MAIN), "$.body.params"),
]  # fmt: skip


@pytest.mark.parametrize(("body", "where"), NEGATIVES, ids=lambda x: None)
def test_negative_is_refused_by_schema_and_runtime(body: Any, where: str | None) -> None:
    errors = schema_errors(document(body))
    assert errors, "the schema accepts it"
    with pytest.raises(callglot.DecodeError):
        decode(body)
    if where is not None:
        best = best_match(errors)
        assert best is not None
        assert best.json_path == where, best.message


@pytest.mark.parametrize(
    "request_doc",
    [
        {"method": "GET", "path": PATH, "body": end()},
        {"method": "POST", "path": "/api/calling/calls/", "body": end()},
        {"method": "POST", "path": "/api/calling/rpc", "body": end()},
    ],
    ids=["get", "trailing-slash", "other-path"],
)
def test_method_and_path_are_fixed(request_doc: dict[str, Any]) -> None:
    assert schema_errors(request_doc)
    with pytest.raises(callglot.DecodeError):
        decode(request_doc["body"], method=request_doc["method"], path=request_doc["path"])


#: Where the schema is deliberately stricter than the decoder (see the schema's descriptions).
SCHEMA_STRICTER: list[tuple[str, dict[str, Any]]] = [
    # The decoder accepts a dial without url or swml (no named rule covers it); the encoder then refuses it.
    ("dial-without-script", {"command": "dial", "params": FROM_TO}),
    # URL schemes in capitals are normalised by the decoder; the schema asks for the normal form.
    ("url-scheme-case", dial(url="HTTPS://example.com/swml")),
    # Any whitespace around codecs-string items is stripped by the decoder; the schema allows spaces only.
    ("codecs-tab", dial(codecs="PCMU,\tOPUS")),
    # A null SWML version passes the decoder (free-form JSON); the schema wants "1.0.0" or nothing.
    ("swml-null-version", {"command": "dial", "params": {**FROM_TO, "swml": {"version": None, **MAIN}}}),
]


@pytest.mark.parametrize(("label", "body"), SCHEMA_STRICTER, ids=[label for label, _ in SCHEMA_STRICTER])
def test_schema_refuses_what_it_deliberately_leaves_out(label: str, body: dict[str, Any]) -> None:
    assert schema_errors(document(body)), label


def test_method_must_be_upper_case_in_the_schema() -> None:
    assert schema_errors({"method": "post", "path": PATH, "body": end()})  # the decoder upper-cases it


# ---------------------------------------------------------------- whatever the encoder emits is valid

CALL_ID = CALL


@pytest.mark.parametrize(
    ("name", "cls"), command_cells(*SAID, dialects=[NAME]), ids=lambda v: getattr(v, "__name__", v)
)
@settings(suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(data=st.data())
def test_everything_the_encoder_emits_validates(name: str, cls: type, data: st.DataObject) -> None:
    dialect = callglot.get_dialect(name)
    out = dialect.encode(data.draw(sayable(name, cls)), call_id=CALL_ID, policy=callglot.Policy.LENIENT)
    doc = out.value.to_json()
    assert shown(schema_errors(doc)) == [], (cls.__name__, doc)
    decoded = decode(doc["body"])
    assert decoded.leniencies == ()
