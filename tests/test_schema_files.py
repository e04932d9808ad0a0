"""The published JSON Schemas: well-formed, closed, self-contained, and in agreement with the runtime.

Each schema validates a request document ``{"method", "path", "body"}`` (``HttpRequest.to_json()``).
Every ``examples`` entry of every command def must validate *and* decode; hand-picked negatives must
be rejected by both the schema and the decoder, and ``best_match`` must point where the decoder does.
"""

from __future__ import annotations

import enum
import json
import re
from collections.abc import Iterator
from functools import cache
from importlib.resources import files
from pathlib import Path
from typing import Any

import attrs
import pytest
from jsonschema import Draft202012Validator
from profiles import DIALECTS, command_id_key, command_path, command_request, dial_path, profile

import callglot
from callglot.adapters import _base, _structure, chirp, gateway
from callglot.adapters.chirp import commands as chirp_commands
from callglot.canonical import COMMANDS, TAGS, HangupCause
from callglot.canonical.urls import _has_bad_chars
from callglot.errors import DecodeError
from callglot.schemas import load_schema, schema_names, validator_for

#: The gateway's session id in its documentation's examples (the seeds' ``{uuid}``).
SESSION = "acW68-f47ac10b-58cc-4372-a567-0e02b2c3d479"
SEEDS = Path(__file__).parent / "fixtures" / "seeds"

#: keyword -> how its value holds subschemas
_ONE = ("items", "additionalProperties", "propertyNames", "not", "if", "then", "else", "contains",
        "unevaluatedProperties", "unevaluatedItems")  # fmt: skip
_MANY = ("allOf", "anyOf", "oneOf", "prefixItems")
_MAP = ("properties", "$defs", "patternProperties", "dependentSchemas")


@cache
def schema(name: str) -> dict[str, Any]:
    return load_schema(name)


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


def dispatch_table(name: str, node: dict[str, Any]) -> dict[str, str]:
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


# ---------------------------------------------------------------- command defs and where they are sent


def _body_refs(node: dict[str, Any]) -> list[str]:
    """The defs a request document's ``body`` refers to at this level and in its then/else branches."""
    out = []
    for branch in (node, node.get("then", {}), node.get("else", {})):
        ref = branch.get("properties", {}).get("body", {}).get("$ref")
        if ref:
            out.append(ref.removeprefix("#/$defs/"))
    return out


def command_defs(name: str) -> dict[str, str]:
    """def name -> request path, for every def that is a whole request body.

    Read off the schema: the defs ``body`` refers to (a tag dispatcher stands for its targets), each at
    the path its rule names (the gateway's ``.../commands/<command>`` suffixes) or else at whichever of
    the dialect's two paths (a command to a call, a dial; derived from the dialect) its first example
    validates at (the examples tests then decode and re-encode it there).
    """
    s = schema(name)
    validator = validator_for(name)
    command, dial = command_path(name), dial_path(name)
    out: dict[str, str] = {}
    for rule in (s, *s.get("allOf", [])):
        suffix = rule.get("if", {}).get("properties", {}).get("path", {}).get("pattern")
        for d in _body_refs(rule):
            node = s["$defs"][d]
            targets = list(dispatch_table(name, node).values()) if is_dispatcher(node) else [d]
            for target in targets:
                if suffix is not None:  # the rule's path: the command path with its command swapped
                    [own] = [r for r in s["allOf"] if re.search(r["if"]["properties"]["path"]["pattern"], command)]
                    base = command.removesuffix(own["if"]["properties"]["path"]["pattern"].removesuffix("$"))
                    out[target] = base + suffix.removesuffix("$")
                    continue
                examples = s["$defs"][target].get("examples", [])
                paths = [p for p in (command, dial) if p is not None]
                fits = [p for p in paths if examples and validator.is_valid(document(p, examples[0]))]
                out[target] = fits[0] if fits else command
    return out


def document(path: str, body: Any) -> dict[str, Any]:
    return {"method": "POST", "path": path, "body": body}


def schema_errors(name: str, doc: Any) -> list[Any]:
    return list(validator_for(name).iter_errors(doc))


def decode(name: str, path: str, body: Any) -> callglot.Decoded:
    return callglot.get_dialect(name).decode(callglot.HttpRequest(method="POST", path=path, body=body))


EXAMPLES = [
    pytest.param(name, d, path, index, example, id=f"{name}-{d}-{index}")
    for name in DIALECTS
    for d, path in command_defs(name).items()
    for index, example in enumerate(schema(name)["$defs"][d].get("examples", []))
]


# ---------------------------------------------------------------- the files themselves


def test_every_dialect_ships_a_schema() -> None:
    assert set(DIALECTS) <= set(schema_names())
    for name in DIALECTS:
        assert callglot.get_dialect(name).schema_file == f"{name}.schema.json"
        assert callglot.get_dialect(name).schema() == schema(name)


@pytest.mark.parametrize("name", DIALECTS)
def test_schema_is_valid_2020_12(name: str) -> None:
    raw = json.loads(files("callglot.schemas").joinpath(f"{name}.schema.json").read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(raw)
    assert load_schema(name) == raw
    assert load_schema(name) is not load_schema(name), "load_schema hands out fresh copies"
    validator = validator_for(name)
    assert isinstance(validator, Draft202012Validator)
    assert validator is validator_for(name)


@pytest.mark.parametrize("name", DIALECTS)
def test_top_level_is_the_request_document(name: str) -> None:
    s = schema(name)
    assert s["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert s["$id"] == f"urn:callglot:dialect:{name}:v1"
    assert s["title"]
    assert s["description"]
    assert s["type"] == "object"
    assert s["required"] == ["method", "path", "body"]
    assert set(s["properties"]) == {"method", "path", "body"}
    assert s["additionalProperties"] is False
    assert s["properties"]["method"] == {"const": "POST"}


@pytest.mark.parametrize("name", DIALECTS)
def test_every_ref_is_local_and_resolves(name: str) -> None:
    s = schema(name)
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
    assert refs > 10
    # Every def is used (no dead definitions).
    text = json.dumps(s)
    for d in s["$defs"]:
        assert f'"#/$defs/{d}"' in text, f"unused def {d}"


#: Objects that are free-form JSON by design (their pointer ends with one of these).
FREE_FORM = ("/json_object", "/metadata", "/swml_section/items")


def is_closed(node: dict[str, Any]) -> bool:
    """No unknown member goes unchecked: additionalProperties is false, or a real schema (a map)."""
    extra = node.get("additionalProperties", True)
    return extra is False or (isinstance(extra, dict) and extra != {})


@pytest.mark.parametrize("name", DIALECTS)
def test_every_object_schema_is_closed(name: str) -> None:
    s = schema(name)
    free = []
    for pointer, node, in_if in subschemas(s):
        if not isinstance(node, dict) or in_if:
            continue
        kinds = node.get("type")
        if kinds == "object" or (isinstance(kinds, list) and "object" in kinds):
            if is_dispatcher(node):
                # Closed through its branches: every target is a closed object with the tag as a const.
                for target in dispatch_table(name, node).values():
                    closed = s["$defs"][target]
                    assert closed["type"] == "object"
                    assert closed["additionalProperties"] is False, target
                continue
            if is_closed(node):
                if "properties" in node:
                    assert node["additionalProperties"] is False or pointer.endswith("/sections"), pointer
                continue
            assert "properties" not in node, f"{pointer} is not closed"
            free.append(pointer)
        elif "properties" in node and node.get("additionalProperties", False) is not False:
            pytest.fail(f"{pointer} opens an object")
    # The free-form objects are found: those the schema has (the gateway has none).
    assert bool(free) is any(pointer.endswith(FREE_FORM) for pointer, _, _ in subschemas(s))
    for pointer in free:
        assert pointer.endswith(FREE_FORM), f"{pointer}: unexpected free-form object"


def _typed(node: dict[str, Any]) -> bool:
    return bool({"type", "$ref", "enum", "const"} & set(node))


@pytest.mark.parametrize("name", DIALECTS)
def test_no_schema_admits_null(name: str) -> None:
    for pointer, node, in_if in subschemas(schema(name)):
        if not isinstance(node, dict) or in_if:
            continue
        kinds = node.get("type", [])
        assert "null" not in (kinds if isinstance(kinds, list) else [kinds]), pointer
        assert None not in node.get("enum", []), pointer
        assert "const" not in node or node["const"] is not None, pointer
        refines = "/then" in pointer or "/else" in pointer or pointer == "#/properties/body"
        if re.search(r"/(properties/[^/]+|items|additionalProperties)$", pointer) and not refines:
            # Every field and array item says what it is (an untyped one would take null).
            refuses_all = node.get("not") == {}  # a field that cannot be present at all
            assert _typed(node) or refuses_all or (node.get("anyOf") and all(map(_typed, node["anyOf"]))), (
                f"{pointer} accepts any JSON value"
            )


@pytest.mark.parametrize("name", DIALECTS)
def test_patterns_compile_and_are_anchored(name: str) -> None:
    for pointer, node, in_if in subschemas(schema(name)):
        if not isinstance(node, dict) or "pattern" not in node:
            continue
        re.compile(node["pattern"])
        if in_if or pointer.endswith("/propertyNames/not"):
            continue  # conditions and prefix exclusions are deliberately unanchored at the end
        assert node["pattern"].startswith("^"), pointer
        assert node["pattern"].endswith("$(?!\\n)"), pointer


# ---------------------------------------------------------------- coverage of the runtime's commands


def test_canonical_has_a_def_for_every_command_class() -> None:
    table = dispatch_table("canonical", schema("canonical")["$defs"]["command"])
    assert table == {TAGS[cls]: TAGS[cls] for cls in COMMANDS}


def test_chirp_has_a_def_for_every_command_type() -> None:
    table = dispatch_table("chirp", schema("chirp")["$defs"]["command"])
    assert table == {tag: tag for tag in chirp.DECODERS}
    assert "create_call" in schema("chirp")["$defs"]


def test_gateway_has_a_def_for_every_command_path() -> None:
    paths = {path.rsplit("/commands/", 1)[1] for path in command_defs("gateway").values()}
    assert paths == set(gateway.DECODERS)
    pattern = schema("gateway")["properties"]["path"]["pattern"]
    for command in gateway.DECODERS:
        assert re.search(pattern, f"/api/v1/sessions/{SESSION}/commands/{command}")
    assert not re.search(pattern, f"/api/v1/sessions/{SESSION}/commands/playback/restart")


def _wire_fields(cls: type) -> tuple[set[str], set[str]]:
    keys = {_structure.wire_key(cls, a.name) or a.name for a in attrs.fields(cls)}
    required = {_structure.wire_key(cls, a.name) or a.name for a in attrs.fields(cls) if a.default is attrs.NOTHING}
    return keys, required


def test_canonical_fields_are_the_attrs_attributes() -> None:
    from callglot.adapters.canonical import UNIONS

    defs = schema("canonical")["$defs"]
    for cls in COMMANDS:
        d = defs[TAGS[cls]]
        fields, required = _wire_fields(cls)
        assert set(d["properties"]) == {"command", "command_id", *fields}, cls.__name__
        assert set(d.get("required", [])) == {"command", *required}, cls.__name__
        assert d["properties"]["command"] == {"const": TAGS[cls]}
        assert d["title"] == cls.__name__
    for union_members in UNIONS.values():
        for cls, tag in union_members.items():
            [d] = [d for d in defs.values() if d.get("title") == cls.__name__]
            fields, required = _wire_fields(cls)
            assert set(d["properties"]) == {"type", *fields}, cls.__name__
            assert set(d["required"]) == {"type", *required}, cls.__name__
            assert d["properties"]["type"] == {"const": tag}
    for d, cls_name in (("destination", "Destination"), ("digit_collect", "DigitCollect"),
                        ("speech_collect", "SpeechCollect"), ("ai_reset", "AiReset")):  # fmt: skip
        cls = getattr(callglot.canonical, cls_name)
        fields, required = _wire_fields(cls)
        assert set(defs[d]["properties"]) == fields, d
        assert set(defs[d].get("required", [])) == required, d


def _deref(defs: dict[str, Any], node: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in node:
        extra = {key: value for key, value in node.items() if key != "$ref"}
        node = {**defs[node["$ref"].removeprefix("#/$defs/")], **extra}
    return node


def _validators(validator: Any) -> list[Any]:
    if validator is None:
        return []
    if hasattr(validator, "_validators"):  # attrs' and_(...) of a validator list
        return [inner for part in validator._validators for inner in _validators(part)]
    return [validator]


def _closure(function: Any) -> dict[str, Any]:
    code = getattr(function, "__code__", None)
    if code is None or function.__closure__ is None:
        return {}
    return dict(zip(code.co_freevars, (cell.cell_contents for cell in function.__closure__), strict=True))


_SAMPLES = ("a", "A1", "", "xyz", "1234#", "en-US", "a b", "a\tb", "\x7f", "é", "-a", "sip:x@y.com", "abc\n",
            "w,1", "a@b", "Polly.J", "polite", "prompt:x", "*#", "a_b-c", "PCMU@8000h", "x.y:en", "Google:en-US")  # fmt: skip


def test_canonical_constraints_match_the_attrs_validators() -> None:
    """Lengths, patterns, bounds, enums and array sizes are read off the validators' closures and compared.

    This catches a runtime change the schema has not followed. Validators it cannot read (URL policy,
    SWML shape, nested classes) are covered by the examples and negatives instead.
    """
    from callglot.adapters.canonical import UNIONS, VALUE_CLASSES

    defs = schema("canonical")["$defs"]
    targets = [(cls, TAGS[cls]) for cls in COMMANDS]
    targets += [(cls, d) for members in UNIONS.values() for cls in members for d, node in defs.items()
                if node.get("title") == cls.__name__ and d not in TAGS.values()]  # fmt: skip
    targets += [
        (cls, next(d for d, node in defs.items() if node.get("title") == cls.__name__)) for cls in VALUE_CLASSES
    ]
    checked = 0
    for cls, d in dict.fromkeys(targets):
        for field in attrs.fields(cls):
            where = f"{d}.{field.name}"
            prop = _deref(defs, defs[d]["properties"][field.name])
            for validator in _validators(field.validator):
                c = _closure(validator)
                if {"max_len", "min_len", "compiled"} <= set(c):  # text(...)
                    checked += 1
                    assert (prop.get("minLength", 0), prop.get("maxLength")) == (c["min_len"], c["max_len"]), where
                    for sample in _SAMPLES:
                        expected = c["compiled"].fullmatch(sample) is not None
                        assert (re.search(prop["pattern"], sample) is not None) is expected, (where, sample)
                elif {"minimum", "maximum", "exclusive_minimum", "integer"} <= set(c):  # number(...)
                    checked += 1
                    assert prop["type"] == ("integer" if c["integer"] else "number"), where
                    low = "exclusiveMinimum" if c["exclusive_minimum"] else "minimum"
                    assert prop.get(low) == c["minimum"], where
                    assert prop.get("maximum") == c["maximum"], where
                elif {"item", "min_len", "max_len"} <= set(c):  # items(...)
                    checked += 1
                    assert prop["type"] == "array", where
                    assert (prop.get("minItems", 0), prop.get("maxItems")) == (c["min_len"], c["max_len"]), where
                    kind = _closure(c["item"]).get("kind")
                    if isinstance(kind, type) and issubclass(kind, enum.Enum):
                        assert _deref(defs, prop["items"])["enum"] == [m.value for m in kind], where
                elif isinstance(c.get("kind"), type) and issubclass(c["kind"], enum.Enum):  # member(SomeEnum)
                    checked += 1
                    assert prop["enum"] == [m.value for m in c["kind"]], where
                elif getattr(validator, "__name__", "") == "_distinct":
                    checked += 1
                    assert prop.get("uniqueItems") is True, where
    assert checked > 100, f"only {checked} validators were read: has callglot.canonical._validators changed shape?"


def test_wire_fields_are_the_wire_classes() -> None:
    defs = schema("chirp")["$defs"]
    for tag, (cls, _) in chirp.DECODERS.items():
        fields, required = _wire_fields(cls)
        assert set(defs[tag]["properties"]) == fields, tag
        assert set(defs[tag]["required"]) == required, tag
    fields, required = _wire_fields(chirp_commands._CreateCall)
    assert set(defs["create_call"]["properties"]) == fields
    assert set(defs["create_call"]["required"]) == required
    gdefs = schema("gateway")["$defs"]
    for d, path in command_defs("gateway").items():
        cls, _ = gateway.DECODERS[path.rsplit("/commands/", 1)[1]]
        fields, required = _wire_fields(cls)
        assert set(gdefs[d]["properties"]) == fields, d
        assert set(gdefs[d].get("required", [])) == required, d


def test_enums_match_the_runtime() -> None:
    assert schema("canonical")["$defs"]["hangup_cause"]["enum"] == [c.value for c in HangupCause]
    cause = schema("gateway")["$defs"]["hangup"]["properties"]["cause"]
    assert cause["enum"] == [c.value for c in HangupCause]
    assert all(len(c) <= cause["maxLength"] and re.search(cause["pattern"], c) for c in cause["enum"])
    from callglot.canonical.commands import DIAL_CODECS, DialEvent

    dial = schema("canonical")["$defs"]["dial"]["properties"]
    assert dial["status_events"]["items"]["enum"] == [e.value for e in DialEvent]
    assert set(dial["codecs"]["items"]["enum"]) == DIAL_CODECS
    assert schema("chirp")["$defs"]["channel"]["enum"] == [str(c) for c in chirp.CHANNELS]
    assert schema("chirp")["$defs"]["start_recording"]["properties"]["format"]["enum"] == [
        str(f) for f in chirp.FORMATS
    ]


# ---------------------------------------------------------------- examples: schema and runtime agree


def test_every_command_def_has_examples() -> None:
    for name in DIALECTS:
        for d in command_defs(name):
            assert schema(name)["$defs"][d].get("examples"), f"{name}: {d} has no examples"


@pytest.mark.parametrize(("name", "d", "path", "index", "example"), EXAMPLES)
def test_example_validates_and_decodes(name: str, d: str, path: str, index: int, example: Any) -> None:
    assert schema_errors(name, document(path, example)) == []
    decoded = decode(name, path, example)
    if profile(name).call_id in command_path(name):  # the path names the call
        assert decoded.call_id == (None if path == dial_path(name) else profile(name).call_id)
    assert (decoded.call_id is None) is (type(decoded.command) in callglot.get_dialect(name).call_free)
    key = command_id_key(name)
    assert decoded.command_id == (example.get(key) if key else None)


@pytest.mark.parametrize(("name", "d", "path", "index", "example"), EXAMPLES)
def test_example_is_in_normal_form(name: str, d: str, path: str, index: int, example: Any) -> None:
    """Re-encoding a decoded example gives it back, so the examples double as golden wire messages."""
    decoded = decode(name, path, example)
    again = callglot.get_dialect(name).encode(decoded.command, call_id=decoded.call_id, command_id=decoded.command_id)
    assert again.value.to_json() == document(path, example)


# ---------------------------------------------------------------- the seeds

CURL = re.compile(r"curl -X POST https://[^/\s]+(?P<path>/\S+)[^\n]*\n(?:[^\n]*\n)*?[ \t]*-d '(?P<body>[^']*)'", re.S)


def seed_requests(prefix: str) -> list[tuple[str, Any]]:
    [seed] = SEEDS.glob(f"{prefix}_*.txt")
    text = seed.read_text(encoding="utf-8")
    found = [(m.group("path").replace("{uuid}", SESSION), json.loads(m.group("body"))) for m in CURL.finditer(text)]
    assert len(found) == len(re.findall(r"(?m)^\s*-d '", text)), "every -d body is found"
    return found


SEED_REQUESTS = [("chirp", *r) for r in seed_requests("000")] + [("gateway", *r) for r in seed_requests("002")]


def test_seed_counts() -> None:
    assert sum(1 for r in SEED_REQUESTS if r[0] == "chirp") == 16
    assert sum(1 for r in SEED_REQUESTS if r[0] == "gateway") == 3


@pytest.mark.parametrize(("name", "path", "body"), SEED_REQUESTS)
def test_seed_bodies_are_accepted_and_are_examples(name: str, path: str, body: Any) -> None:
    assert schema_errors(name, document(path, body)) == []
    decode(name, path, body)
    [d] = [d for d, p in command_defs(name).items() if p == path and (name != "chirp" or d == body.get("type"))]
    assert body in schema(name)["$defs"][d]["examples"], f"the seed body is an example of {d} verbatim"


# ---------------------------------------------------------------- the request document's method
#
# The hand-picked negatives (refused by schema and decoder, best_match pointing where the decoder does),
# the normal forms only the schema requires and the runtime bugs this file found are fixture files now:
# tests/fixtures/<dialect>/negative/, checked by tests/test_fixtures.py.


@pytest.mark.parametrize("name", DIALECTS)
def test_method_is_post(name: str) -> None:
    path, body = command_request(name).path, command_request(name).body
    assert schema_errors(name, {"method": "POST", "path": path, "body": body}) == []
    for method in ("GET", "PUT", "post"):
        assert schema_errors(name, {"method": method, "path": path, "body": body})
    with pytest.raises(DecodeError):
        callglot.get_dialect(name).decode(callglot.HttpRequest(method="GET", path=path, body=body))
    assert schema_errors(name, {"method": "POST", "path": path, "body": body, "headers": {}})
    assert schema_errors(name, {"method": "POST", "path": path})


# ---------------------------------------------------------------- patterns that mirror runtime regexes


def test_url_pattern_refuses_exactly_the_characters_the_url_policy_refuses() -> None:
    pattern = re.compile(schema("canonical")["$defs"]["https_url"]["pattern"])
    for code in range(0x10000):
        char = chr(code)
        accepted = pattern.search(f"https://cdn.example.com/a{char}b") is not None
        if char in "@/?#" or 0xD800 <= code <= 0xDFFF:
            continue  # URL syntax; lone surrogates are not Unicode text (and hypothesis cannot negate them)
        assert accepted is not _has_bad_chars(char), hex(code)


@pytest.mark.parametrize(
    ("value", "ok"),
    [("abc", True), ("abc\n", False), ("a\nb", False), ("", True), ("é", True), ("a\x7f", False), ("\t", False)],
)
def test_end_anchor_is_end_of_string(value: str, ok: bool) -> None:
    # Python's $ matches before a final newline; the schemas' $(?!\n) does not.
    pattern = schema("chirp")["$defs"]["reject"]["properties"]["reason"]["pattern"]
    assert (re.search(pattern, value) is not None) is ok


def test_runtime_regexes_and_schema_patterns_agree_on_samples() -> None:
    from callglot.canonical import types
    from callglot.canonical.commands import _DTMF, _ID

    defs = schema("canonical")["$defs"]
    cases = [  # (runtime regex, runtime length bounds, schema def)
        (_ID, (1, 128), defs["participant_id"]),
        (_DTMF, (1, 50), defs["send_digits"]["properties"]["digits"]),
        (types.LANGUAGE_PATTERN, (1, 64), defs["language"]),
        (types.VOICE_PATTERN, (1, 128), defs["voice"]),
        (_base.COMMAND_ID.pattern, (0, 10**6), defs["command_id"]),
        (r"[^\x00-\x1f\x7f]+", (1, 128), defs["control_id"]),
    ]
    samples = ["a", "A1", "en-US", "en", "Google:en-US", "x.y:en", "-a", "a-", "1234#", "*#AD", "E", "",
               "Polly.Joanna", "a b", "part_xyz789", "a@b+c:d", "abc\n", "é", "x" * 128, "x" * 129,
               "en-US-x-12345678", "en-123456789", "a\x7f", "1" * 50, "1" * 51]  # fmt: skip
    for runtime, (low, high), subschema in cases:
        validator = Draft202012Validator(subschema)
        for sample in samples:
            expected = re.fullmatch(runtime, sample) is not None and low <= len(sample) <= high
            assert validator.is_valid(sample) is expected, (runtime, sample)
