"""Fused structuring (callglot.adapters._fused) against the reference (cattrs and the strict hooks).

The fused function of a wire shape may decline (MISS: the reference decides, errors included);
when it builds a value, the reference must build the same one. Checked on every dict inside the
messages each dialect encodes from the strategies, and on mutants of them, against every wire shape
of every dialect.
"""

from __future__ import annotations

import enum
import types
import typing
from typing import Any

import attrs
import pytest
from event_strategies import events
from hypothesis import given
from hypothesis import strategies as st
from strategies import commands, json_values

import callglot
from callglot import CallglotError, Policy
from callglot._frozen import frozen
from callglot.adapters import _structure
from callglot.adapters._fused import MISS, Refusal
from callglot.canonical import COMMANDS
from callglot.errors import InvalidMessage

DIALECTS = callglot.dialects()


def _shapes() -> list[tuple[Any, type]]:
    for name in DIALECTS:  # load every part of every dialect, so each registers its wire shapes
        dialect = callglot.get_dialect(name)
        _ = dialect.event_capabilities, dialect.response_capabilities
    return [(conv, cls) for conv in _structure.CONVERTERS for cls in _structure._WIRE_OVERRIDES[id(conv)]]


def _dicts(node: Any) -> list[dict[str, Any]]:
    found = []
    if isinstance(node, dict):
        found.append(node)
        for value in node.values():
            found += _dicts(value)
    elif isinstance(node, list):
        for value in node:
            found += _dicts(value)
    return found


def _fused(conv: Any, cls: type) -> Any:
    return _structure._FUSED.get((id(conv), cls)) or _structure._fused_for(conv, cls)


def _error(exc: CallglotError) -> tuple[Any, ...]:
    return (type(exc), str(exc), exc.path, exc.reason, exc.part, getattr(exc, "keys", None))


def _reference(conv: Any, data: Any, cls: type, path: str = "$.p") -> Any:
    try:
        return ("value", _structure.structure_reference(conv, data, cls, path))
    except CallglotError as exc:
        return ("error", _error(exc))


def _decided(conv: Any, data: Any, cls: type, path: str = "$.p") -> Any:
    """What the fused path decides (a value, or the error ``structure`` raises for its refusal), None when
    it declines."""
    try:
        built = _fused(conv, cls)(data)
    except Refusal:
        try:
            _structure.structure(conv, data, cls, path)
        except CallglotError as exc:
            return ("error", _error(exc))
        raise AssertionError("structure took no notice of the refusal") from None
    return None if built is MISS else ("value", built)


def _check(conv: Any, data: Any, cls: type) -> bool:
    """The fused path decides as the reference does, or declines; True when it decided."""
    decided = _decided(conv, data, cls)
    if decided is None:
        return False
    reference = _reference(conv, data, cls)
    assert reference == decided, (cls.__qualname__, data)
    if decided[0] == "value":  # of the same types too (3 == 3.0, True == 1: repr tells them apart)
        assert repr(reference[1]) == repr(decided[1]), (cls.__qualname__, data)
    return True


@given(st.sampled_from(DIALECTS), st.one_of(commands(), events()), st.data())
def test_the_fused_path_builds_only_what_the_reference_builds(name: str, value: Any, data: st.DataObject) -> None:
    dialect = callglot.get_dialect(name)
    try:
        if type(value) in COMMANDS:
            body = dialect.encode(
                value, call_id="3fa85f64-5717-4562-b3fc-2c963f66afa6", policy=Policy.LENIENT
            ).value.body
        else:
            body = dialect.encode_event(value, policy=Policy.LENIENT).value.body
    except CallglotError:
        return
    nodes = _dicts(body)
    if nodes:  # and a mutant of one of them: a key dropped, added, or a value replaced
        node = dict(data.draw(st.sampled_from(nodes)))
        keys = sorted(node)
        change = data.draw(st.sampled_from(["drop", "add", "replace"] if keys else ["add"]))
        if change == "drop":
            del node[data.draw(st.sampled_from(keys))]
        elif change == "add":
            node[data.draw(st.text(max_size=8))] = data.draw(json_values())
        else:
            node[data.draw(st.sampled_from(keys))] = data.draw(st.one_of(st.none(), json_values()))
        nodes.append(node)
    for conv, cls in SHAPES:
        for node in nodes:
            _check(conv, node, cls)


SHAPES = _shapes()

#: Values at the edges of the fused checks: each JSON type, integral and fractional floats, ASCII and
#: other text, a lone surrogate, a string one past the longest the wire takes.
EDGES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-3, 3),
    st.sampled_from([0.0, 3.0, 2.5, -1.0, 1e300]),
    st.text(max_size=6),
    st.sampled_from(["\udfff", "é", "x" * (_structure.MAX_STRING + 1), "x" * _structure.MAX_STRING]),
    st.lists(st.integers(0, 2), max_size=2),
    st.lists(st.sampled_from(["a", "b", "é", "\udfff", 1, None]), max_size=3),
    st.dictionaries(st.text(max_size=3), st.integers(0, 2), max_size=2),
)


def _node(conv: Any, cls: type, data: st.DataObject, depth: int = 0, plain: bool = False) -> dict[str, Any]:
    """A dict for the wire shape ``cls``: each key sent or not, its value plain for its type (what the
    fused path builds: nested shapes, arrays up to their cap and one past it) or an edge. ``plain``:
    every key sent with a plain value, nothing else."""
    types = {field.name: field.type for field in attrs.fields(attrs.resolve_types(cls))}
    caps = _structure.array_caps(conv, cls)
    node = {}
    for name, key in _structure._WIRE_KEYS[cls].items():
        if plain or data.draw(st.booleans(), label=f"send {key}"):
            node[key] = _value(conv, types[name], caps.get(name), data, depth, plain)
    if not plain and data.draw(st.integers(0, 4), label="an extra key") == 0:
        node[data.draw(st.text(max_size=4), label="extra")] = 1
    if plain and node and data.draw(st.booleans(), label="one key odd"):  # the first error, on its own
        key = data.draw(st.sampled_from(sorted(node)), label="odd key")
        if data.draw(st.booleans(), label="dropped"):
            del node[key]
        else:
            node[key] = data.draw(ODD_ITEMS, label="odd value")
    return node


#: An array's one odd item: strings the reference refuses or takes slowly, or any edge.
ODD_ITEMS = st.one_of(st.sampled_from(["\udfff", "é", "x" * (_structure.MAX_STRING + 1)]), EDGES)
PLAIN = {str: "a", int: 1, bool: True, float: 1.5, Any: [1]}


def _value(conv: Any, tp: Any, cap: int | None, data: st.DataObject, depth: int, plain: bool) -> Any:
    inner = _inner(tp)
    if not plain and (depth > 2 or data.draw(st.integers(0, 3), label="an edge") == 0):
        return data.draw(EDGES, label="edge")
    if inner in _structure._WIRE_OVERRIDES[id(conv)]:
        return _node(conv, inner, data, depth + 1, plain)
    if typing.get_origin(inner) is list:
        (item,) = typing.get_args(inner)
        count = data.draw(st.sampled_from([0, 1, 2] + ([cap, cap + 1] if cap is not None else [])), label="items")
        all_plain = plain or data.draw(st.booleans(), label="plain items")
        items = [_value(conv, item, None, data, depth + 1, all_plain) for _ in range(count)]
        if items and data.draw(st.booleans(), label="one item an edge"):
            items[data.draw(st.integers(0, count - 1), label="which")] = data.draw(ODD_ITEMS, label="odd item")
        return items
    if typing.get_origin(inner) is dict:
        keys = st.sampled_from(["a", "b"] if plain else ["a", "b", "é", "\udfff", ""])
        return data.draw(st.dictionaries(keys, EDGES, max_size=3), label="object")
    return PLAIN.get(inner, "a")


@pytest.mark.parametrize("shape", SHAPES, ids=[f"{cls.__module__}.{cls.__qualname__}" for _, cls in SHAPES])
@given(data=st.data())
def test_each_wire_shape_fused_builds_only_what_the_reference_builds(
    shape: tuple[Any, type], data: st.DataObject
) -> None:
    conv, cls = shape
    node = _node(conv, cls, data, plain=data.draw(st.booleans(), label="plain"))
    _check(conv, node, cls)


def _plain_type(conv: Any, tp: Any) -> bool:
    """Whether the module's docstring says a present value of type ``tp`` is fused (not left to the reference)."""
    if tp in (str, int, bool, float, Any) or tp in _structure._WIRE_OVERRIDES[id(conv)]:
        return True
    if typing.get_origin(tp) is list:
        return _plain_type(conv, _inner(typing.get_args(tp)[0]))
    return typing.get_origin(tp) is dict


def _inner(tp: Any) -> Any:
    """``T`` for ``T | None``, else ``tp``."""
    args = [arg for arg in typing.get_args(tp) if arg is not type(None)]
    return args[0] if typing.get_origin(tp) in (typing.Union, types.UnionType) and len(args) == 1 else tp


def _every_key(conv: Any, cls: type) -> tuple[dict[str, Any], bool]:
    """The wire shape's message with every key sent, each value plain and arrays of one item, and whether
    every field is of a type the fused path builds (a field of another type, or with a hook of its own, is
    sent as ``"a"``: the fused path must leave it to the reference)."""
    fields = attrs.fields_dict(attrs.resolve_types(cls))
    overrides = _structure._WIRE_OVERRIDES[id(conv)][cls]
    caps = _structure.array_caps(conv, cls)
    node: dict[str, Any] = {}
    fused = True
    for name, key in _structure._WIRE_KEYS[cls].items():
        tp = _inner(fields[name].type)
        hooked = name in overrides and overrides[name].struct_hook is not None and name not in caps
        if hooked or not _plain_type(conv, tp):
            node[key], fused = "a", False
        elif tp in _structure._WIRE_OVERRIDES[id(conv)]:
            node[key], nested_fused = _every_key(conv, tp)
            fused = fused and nested_fused
        elif typing.get_origin(tp) is list:
            item = _inner(typing.get_args(tp)[0])
            one, item_fused = (
                _every_key(conv, item) if item in _structure._WIRE_OVERRIDES[id(conv)] else (PLAIN[item], True)
            )
            node[key], fused = [one], fused and item_fused
        elif typing.get_origin(tp) is dict:
            node[key] = {"a": 1}
        else:
            node[key] = PLAIN[tp]
    return node, fused


def _takes_plain_messages(conv: Any, cls: type) -> None:
    node, fused = _every_key(conv, cls)
    if not fused:
        assert _decided(conv, node, cls) is None, f"{cls.__qualname__} decided a field it does not fuse: {node}"
        return
    assert _check(conv, node, cls), f"{cls.__qualname__} declined a plain message: {node}"
    assert _decided(conv, node, cls)[0] == "value"


@pytest.mark.parametrize("shape", SHAPES, ids=[f"{cls.__module__}.{cls.__qualname__}" for _, cls in SHAPES])
def test_each_wire_shape_takes_a_plain_message_on_the_fused_path(shape: tuple[Any, type]) -> None:
    """The property test above allows declining; this one pins down that a shape of fused types takes a
    plain message (every key sent, plain values) on the fused path, so that test compares something for
    every shape, and that a field of another type is left to the reference."""
    _takes_plain_messages(*shape)


class _Colour(enum.Enum):
    RED = "red"


@frozen(kw_only=True)
class _WithEnum:
    """A field type the fused path does not build (an enum), beside plain ones."""

    name: str
    colour: _Colour | None = None


def test_a_field_the_fused_path_does_not_build_is_left_to_the_reference() -> None:
    conv = _structure.make_converter()
    _structure.register_wire(conv, _WithEnum)
    assert _every_key(conv, _WithEnum)[1] is False
    _takes_plain_messages(conv, _WithEnum)
    assert _check(conv, {"name": "a"}, _WithEnum)  # the enum absent: fused again


@pytest.mark.parametrize(
    ("name", "body"),
    [
        ("chirp", {"type": "play_audio", "url": "https://cdn.example.com/a.mp3", "loop": True}),
        ("chirp", {"type": "send_dtmf", "digits": "12#"}),
        ("gateway", {"cause": "USER_BUSY"}),
    ],
)
def test_plain_messages_take_the_fused_path(name: str, body: dict[str, Any]) -> None:
    matches = [(conv, cls) for conv, cls in SHAPES if cls.__module__.startswith(f"callglot.adapters.{name}.")]
    decided = [_decided(conv, body, cls) for conv, cls in matches]
    assert any(outcome is not None and outcome[0] == "value" for outcome in decided), (
        "no wire shape of the dialect took it on the fused path"
    )


@pytest.mark.parametrize(
    ("name", "body", "error"),
    [
        ("chirp", {"type": "play_audio", "loop": True}, "$.url: required field missing"),
        ("chirp", {"type": "play_audio", "url": "https://cdn.example.com/a.mp3", "loop": "yes"},
         "$.loop: expected a boolean, got string"),
        ("gateway", {"urls": "https://cdn.example.com/a.wav"}, "$.urls: expected an array, got string"),
        ("gateway", {"cause": None}, "$.cause: null is not allowed: omit the field instead"),
    ],
)  # fmt: skip
def test_common_errors_are_refused_on_the_fused_path(name: str, body: dict[str, Any], error: str) -> None:
    matches = [(conv, cls) for conv, cls in SHAPES if cls.__module__.startswith(f"callglot.adapters.{name}.")]
    decided = [_decided(conv, body, cls, "$") for conv, cls in matches]
    assert any(outcome is not None and outcome[0] == "error" and outcome[1][:2] == (InvalidMessage, error)
               for outcome in decided)  # fmt: skip


@frozen(kw_only=True)
class _Unusual:
    """Field forms no dialect's shape has today: a required ``T | None``, plain types with defaults."""

    need: str | None
    flag: bool = False
    count: int = 0
    names: list[str] = ["a"]  # noqa: RUF012 - a frozen value's default, never mutated


@frozen(kw_only=True)
class _Validated:
    text: str = attrs.field(validator=attrs.validators.max_len(3))


@pytest.mark.parametrize(
    "body",
    [{}, {"need": None}, {"need": "x", "flag": None}, {"need": "x", "count": None}, {"need": "x", "names": None},
     {"need": "x", "flag": 1}, {"need": "x", "names": "a"}, {"need": "x", "count": 2.5}, {"need": "x", "flag": True}],
)  # fmt: skip
def test_refusals_word_a_null_as_the_fields_own_type_does(body: dict[str, Any]) -> None:
    """``T | None`` refuses a null as "not allowed"; a plain type names it as the wrong JSON type, default or not."""
    conv = _structure.make_converter()
    _structure.register_wire(conv, _Unusual)
    assert _check(conv, body, _Unusual)


def test_a_shape_whose_constructor_checks_is_left_to_the_reference() -> None:
    conv = _structure.make_converter()
    _structure.register_wire(conv, _Validated)
    assert _decided(conv, {"text": "abcd"}, _Validated) is None
    assert _reference(conv, {"text": "abcd"}, _Validated)[0] == "error"
