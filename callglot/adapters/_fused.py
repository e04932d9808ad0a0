"""Fused structuring: a wire shape checked and built in one generated function, the common case only.

:func:`callglot.adapters._base.structure` is the reference: cattrs with strict hooks, errors at JSON
paths. For each registered wire shape, :func:`fused` generates (on first use, as cattrs does) a
function that takes a dict and returns the same wire value the reference would, checking each key
inline, or :data:`MISS` whenever anything is less than plain: an unknown or missing key, a value of
another JSON type, a string that is not ASCII or is too long (the reference then names the lone
surrogate or the length), a float given for an integer, an explicit null, a field of a type it does
not fuse (arrays, objects, nested shapes, enums) present at all. On MISS the reference runs, so
every error, and every value the fused code does not build, comes from the reference: the two can
only differ if the fused code builds a value the reference would not, which a property test checks
on every strategy draw and its mutants.
"""

from __future__ import annotations

import types
import typing
from collections.abc import Callable
from typing import Any

import attrs

__all__ = ["MISS", "fused"]

#: What a fused function returns when the reference must decide.
MISS: Any = object()
_ABSENT_KEY = object()


def _scalar(tp: Any) -> str | None:
    """The fused check of a non-None value of type ``tp`` (a format string over ``v``), or None."""
    from ._base import MAX_STRING

    if tp is str:
        return f"type({{v}}) is str and {{v}}.isascii() and len({{v}}) <= {MAX_STRING}"
    if tp is bool:
        return "type({v}) is bool"
    if tp is int:
        return "type({v}) is int"
    if tp is float:
        return "(type({v}) is float or type({v}) is int)"
    if tp is Any:
        return "True"
    return None


def _optional(tp: Any) -> Any:
    """``T`` for ``T | None``, else None."""
    if typing.get_origin(tp) in (typing.Union, types.UnionType):
        args = typing.get_args(tp)
        if len(args) == 2 and type(None) in args:
            return next(arg for arg in args if arg is not type(None))
    return None


def _source(cls: type, keys: dict[str, str], hooked: frozenset[str]) -> tuple[str, dict[str, Any]]:
    fields = attrs.fields(attrs.resolve_types(cls))
    namespace: dict[str, Any] = {"MISS": MISS, "_ABSENT": _ABSENT_KEY, "_cls": cls}
    namespace["_keys"] = frozenset(keys.get(field.name, field.name) for field in fields)
    lines = [
        "def fused(data):",
        "    if type(data) is not dict or not data.keys() <= _keys:",
        "        return MISS",
    ]
    arguments = []
    for index, field in enumerate(fields):
        key = keys.get(field.name, field.name)
        value = f"v{index}"
        inner = _optional(field.type)
        required = field.default is attrs.NOTHING
        check = None if field.name in hooked else _scalar(inner if inner is not None else field.type)
        lines.append(f"    {value} = data.get({key!r}, _ABSENT)")
        if check is None:  # a type this code does not fuse: only its absence is plain
            if required:
                return "def fused(data):\n    return MISS\n", namespace
            namespace[f"_d{index}"] = field.default
            lines.append(f"    if {value} is not _ABSENT:")
            lines.append("        return MISS")
            lines.append(f"    {value} = _d{index}")
        else:
            if required:
                lines.append(f"    if {value} is _ABSENT or not ({check.format(v=value)}):")
                lines.append("        return MISS")
            else:
                namespace[f"_d{index}"] = field.default
                lines.append(f"    if {value} is _ABSENT:")
                lines.append(f"        {value} = _d{index}")
                lines.append(f"    elif not ({check.format(v=value)}):")  # an explicit null included
                lines.append("        return MISS")
        arguments.append(f"{field.alias}={value}")
    lines.append(f"    return _cls({', '.join(arguments)})")
    return "\n".join(lines) + "\n", namespace


def fused(cls: type, keys: dict[str, str], hooked: frozenset[str]) -> Callable[[Any], Any]:
    """The fused structuring function of the wire shape ``cls`` (``keys``: attribute -> wire key;
    ``hooked``: attributes with a structure hook of their own, never fused)."""
    source, namespace = _source(cls, keys, hooked)
    exec(compile(source, f"<callglot fused {cls.__module__}.{cls.__qualname__}>", "exec"), namespace)
    function: Callable[[Any], Any] = namespace["fused"]
    return function
