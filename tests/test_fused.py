"""Fused structuring (callglot.adapters._fused) against the reference (cattrs and the strict hooks).

The fused function of a wire shape may decline (MISS: the reference decides, errors included);
when it builds a value, the reference must build the same one. Checked on every dict inside the
messages each dialect encodes from the strategies, and on mutants of them, against every wire shape
of every dialect.
"""

from __future__ import annotations

from typing import Any

import pytest
from event_strategies import events
from hypothesis import given
from hypothesis import strategies as st
from strategies import commands, json_values

import callglot
from callglot import CallglotError, Policy
from callglot.adapters import _base
from callglot.adapters._fused import MISS
from callglot.canonical import COMMANDS

DIALECTS = callglot.dialects()


def _shapes() -> list[tuple[Any, type]]:
    for name in DIALECTS:  # load every part of every dialect, so each registers its wire shapes
        dialect = callglot.get_dialect(name)
        _ = dialect.event_capabilities, dialect.response_capabilities
    return [(conv, cls) for conv in _base.CONVERTERS for cls in _base._WIRE_OVERRIDES[id(conv)]]


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
    return _base._FUSED.get((id(conv), cls)) or _base._fused_for(conv, cls)


def _reference(conv: Any, data: Any, cls: type) -> Any:
    try:
        return ("value", _base.structure_reference(conv, data, cls))
    except CallglotError as exc:
        return ("error", str(exc))


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
        function = _fused(conv, cls)
        for node in nodes:
            built = function(node)
            if built is not MISS:  # equal, and of the same types (3 == 3.0, True == 1: repr tells them apart)
                reference = _reference(conv, node, cls)
                assert reference == ("value", built), (cls.__qualname__, node)
                assert repr(reference[1]) == repr(built), (cls.__qualname__, node)


SHAPES = _shapes()

#: Values at the edges of the fused checks: each JSON type, integral and fractional floats, ASCII and
#: other text, a lone surrogate, a string one past the longest the wire takes.
EDGES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-3, 3),
    st.sampled_from([0.0, 3.0, 2.5, -1.0, 1e300]),
    st.text(max_size=6),
    st.sampled_from(["\udfff", "é", "x" * (_base.MAX_STRING + 1), "x" * _base.MAX_STRING]),
    st.lists(st.integers(0, 2), max_size=2),
    st.dictionaries(st.text(max_size=3), st.integers(0, 2), max_size=2),
)


@pytest.mark.parametrize("shape", SHAPES, ids=[f"{cls.__module__}.{cls.__qualname__}" for _, cls in SHAPES])
@given(data=st.data())
def test_each_wire_shape_fused_builds_only_what_the_reference_builds(
    shape: tuple[Any, type], data: st.DataObject
) -> None:
    conv, cls = shape
    keys = list(_base._WIRE_KEYS[cls].values())
    node = {key: data.draw(EDGES, label=key) for key in keys if data.draw(st.booleans(), label=f"send {key}")}
    if data.draw(st.booleans(), label="an extra key"):
        node[data.draw(st.text(max_size=4), label="extra")] = 1
    built = _fused(conv, cls)(node)
    if built is not MISS:
        reference = _reference(conv, node, cls)
        assert reference == ("value", built), (cls.__qualname__, node)
        assert repr(reference[1]) == repr(built), (cls.__qualname__, node)


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
    built = [_fused(conv, cls)(body) for conv, cls in matches]
    assert any(value is not MISS for value in built), "no wire shape of the dialect took it on the fused path"
