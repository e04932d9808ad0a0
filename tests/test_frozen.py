"""callglot's value classes (callglot._frozen: methods generated on first use) against attrs' own.

``reference_class`` builds each class as plain ``attrs.frozen(kw_only=True)`` would. For every value
the strategies draw (commands, events and every value inside them) the generated ``__init__`` gives
an equal value, with the same repr, equality and hash; and when one field is replaced by anything,
both give the same outcome (an equal value, or the same exception and message). The generated
``__init__`` skips the converter and validators of an optional field left None: that skip is the one
thing it does differently, and these tests are what show it changes nothing.
"""

from __future__ import annotations

from functools import cache
from typing import Any

import attrs
import pytest
from event_strategies import events
from hypothesis import given
from hypothesis import strategies as st
from strategies import commands, json_values

from callglot import HttpRequest
from callglot._frozen import init_source, reference_class
from callglot.canonical import Audio, Play


@cache
def _reference(cls: type) -> type:
    return reference_class(cls)


def _values(value: Any) -> list[Any]:
    """``value`` and every value-class instance inside it (media items, destinations, devices...)."""
    found = []
    if attrs.has(type(value)):
        found.append(value)
        for field in attrs.fields(type(value)):
            found += _values(getattr(value, field.name))
    elif isinstance(value, tuple):
        for item in value:
            found += _values(item)
    return found


def _kwargs(value: Any) -> dict[str, Any]:
    return {field.alias: getattr(value, field.name) for field in attrs.fields(type(value)) if field.init}


def _outcome(cls: type, kwargs: dict[str, Any]) -> Any:
    try:
        made = cls(**kwargs)
    except Exception as exc:  # the exception itself is what is compared
        return ("error", type(exc), str(exc))
    return ("value", attrs.astuple(made, recurse=False), repr(made))


def _same(value: Any) -> None:
    cls, kwargs = type(value), _kwargs(value)
    reference = _reference(cls)
    ours, theirs = cls(**kwargs), reference(**kwargs)
    assert attrs.astuple(ours, recurse=False) == attrs.astuple(theirs, recurse=False)
    assert repr(ours) == repr(theirs) == repr(value)
    assert ours == value
    assert not ours != value  # noqa: SIM202 - __ne__ is what is checked
    assert hash(ours) == hash(value)
    assert ours != theirs  # another class: never equal, as attrs says


@given(st.one_of(commands(), events()), st.data())
def test_generated_methods_agree_with_attrs_on_every_value_and_every_mutant(value: Any, data: st.DataObject) -> None:
    for inner in _values(value):
        _same(inner)
        kwargs = _kwargs(inner)
        if not kwargs:
            continue
        name = data.draw(st.sampled_from(sorted(kwargs)))
        others = [v for k, v in kwargs.items() if k != name]
        replacement = data.draw(st.one_of(st.none(), json_values(), st.sampled_from(others or [None])))
        mutant = {**kwargs, name: replacement}
        cls = type(inner)
        ours, theirs = _outcome(cls, mutant), _outcome(_reference(cls), mutant)
        assert ours[:2] == theirs[:2], (cls.__name__, name)
        if ours[0] == "value":
            assert ours[2] == theirs[2]


def test_defaults_factories_and_keyword_only_as_attrs() -> None:
    request = HttpRequest(method="POST", path="/x")
    assert request.headers == {}
    assert request.body is None
    assert request == HttpRequest(method="POST", path="/x", headers={})
    assert hash(request) == hash(HttpRequest(method="POST", path="/x", headers={"a": "b"}))  # headers: hash=False
    with pytest.raises(TypeError):
        HttpRequest("POST", "/x")  # type: ignore[misc]
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        request.path = "/y"  # type: ignore[misc]
    assert attrs.evolve(request, path="/y").path == "/y"


def test_the_generated_constructor_skips_what_it_may() -> None:
    media = (Audio(url="https://cdn.example.com/a.mp3"),)
    assert Play(media=media, loop=0) == Play(media=media, loop=0)
    source = init_source(Play)[0]
    assert "if self.volume is not None:" in source  # an optional field's validator is skipped for None
    assert "if self.media is not None:" not in source  # a required one never is
