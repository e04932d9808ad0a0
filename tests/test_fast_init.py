"""The canonical constructors callglot generates (callglot.canonical._fastinit) against attrs' own.

They skip the converter and validators of an optional field left None; everything else must be
exactly what attrs' generated ``__init__`` does: equal values for every strategy draw, and the same
outcome (equal value, or the same exception and message) when one field is replaced by anything.
"""

from __future__ import annotations

from typing import Any

import attrs
from event_strategies import events
from hypothesis import given
from hypothesis import strategies as st
from strategies import commands, json_values

from callglot.canonical import Audio, Play
from callglot.canonical._fastinit import _source


def _values(value: Any) -> list[Any]:
    """``value`` and every canonical attrs value inside it (media items, destinations, devices...)."""
    found = []
    if attrs.has(type(value)) and hasattr(type(value), "__attrs_reference_init__"):
        found.append(value)
        for field in attrs.fields(type(value)):
            found += _values(getattr(value, field.name))
    elif isinstance(value, tuple):
        for item in value:
            found += _values(item)
    return found


def _kwargs(value: Any) -> dict[str, Any]:
    return {field.name: getattr(value, field.name) for field in attrs.fields(type(value))}


def _outcome(build: Any, cls: type, kwargs: dict[str, Any]) -> Any:
    try:
        return ("value", build(cls, kwargs))
    except Exception as exc:
        return ("error", type(exc), str(exc))


def _generated(cls: type, kwargs: dict[str, Any]) -> Any:
    return cls(**kwargs)


def _reference(cls: type, kwargs: dict[str, Any]) -> Any:
    made = object.__new__(cls)
    cls.__attrs_reference_init__(made, **kwargs)  # type: ignore[attr-defined]
    return made


@given(st.one_of(commands(), events()), st.data())
def test_generated_constructors_agree_with_attrs_on_every_value_and_every_mutant(
    value: Any, data: st.DataObject
) -> None:
    for inner in _values(value):
        cls, kwargs = type(inner), _kwargs(inner)
        assert _outcome(_generated, cls, kwargs) == ("value", inner) == _outcome(_reference, cls, kwargs)
        if not kwargs:
            continue
        name = data.draw(st.sampled_from(sorted(kwargs)))
        others = [v for k, v in kwargs.items() if k != name]
        replacement = data.draw(st.one_of(st.none(), json_values(), st.sampled_from(others or [None])))
        mutant = {**kwargs, name: replacement}
        assert _outcome(_generated, cls, mutant) == _outcome(_reference, cls, mutant), (cls.__name__, name)


def test_the_generated_constructor_is_the_one_used_and_skips_what_it_may() -> None:
    media = (Audio(url="https://cdn.example.com/a.mp3"),)
    assert Play(media=media, loop=0) == _reference(Play, {"media": media, "loop": 0})
    assert Play.__init__ is not Play.__attrs_reference_init__  # type: ignore[attr-defined]
    source = _source(Play)
    assert source is not None
    assert "if self.volume is not None:" in source[0]  # an optional field's validator is skipped for None
    assert "if self.media is not None:" not in source[0]  # a required one never is
