"""Fused structuring: a wire shape checked and built in one generated function, the common case only.

:func:`callglot.adapters._structure.structure_reference` is the reference: cattrs with strict hooks, errors
at JSON paths. For each registered wire shape, :func:`fused` generates (on first use, as cattrs does)
a function that takes a dict and returns the same wire value the reference would, checking each key
inline. Arrays (up to their cap), JSON objects (``dict[str, Any]``) and nested wire shapes are fused
item by item, each item as plain as a field must be.

Whatever is less than plain stops it at the first field, in the shape's order, that is not (the
order in which the reference reports errors). When that field's error is certain (a required key
missing, a value of another JSON type, an explicit null, a string or an array too long) it raises
:class:`Refusal` with the reference's own words, and the caller puts the key under its path. Otherwise
it returns :data:`MISS` and the reference decides: an unknown key, a string that is not ASCII (the
reference looks for a lone surrogate), a float given for an integer, an error inside an array item
or a nested shape (the reference words its path), a field of a type it does not fuse (enums, a field
with a structure hook of its own) present at all. A property test checks, on every strategy draw and
its mutants, that each value built and each refusal is exactly the reference's.
"""

from __future__ import annotations

import types
import typing
from collections.abc import Callable
from typing import Any

import attrs

__all__ = ["MISS", "Refusal", "fused"]

#: What a fused function returns when the reference must decide.
MISS: Any = object()
_ABSENT_KEY = object()
#: The source of a shape's fused function when it leaves every message to the reference.
_DECLINE = "def fused(data):\n    return MISS\n"


class Refusal(Exception):
    """What a fused function raises for a message the reference refuses with exactly this error: at the
    first field in the shape's order that is not plain, when that field's error is certain (a required
    key missing, a value of another JSON type, a null, a string or array too long). ``key``: the wire
    key; the caller puts it under its path."""

    def __init__(self, key: str, reason: str) -> None:
        self.key = key
        self.reason = reason


_NAMES = {str: "a string", bool: "a boolean", int: "an integer", float: "a number"}


def _refuse(tp: Any, optional: bool, key: str, cap: int | None) -> Callable[[Any], Any]:
    """What the reference says of a value of the field ``key`` (type ``tp``, or ``tp | None`` when
    ``optional``) that failed the fused check: raises :class:`Refusal` with its reason, or returns MISS
    when the reference must look closer (a string that is not ASCII, a float that may be integral, an
    array's items)."""
    from ._structure import MAX_STRING, NULL_NOT_ALLOWED, STRING_TOO_LONG, _json_type, too_many_items

    is_list = typing.get_origin(tp) is list

    def refuse(value: Any) -> Any:
        if value is _ABSENT_KEY:  # asked only of a field without a default
            raise Refusal(key, "required field missing")
        if value is None and optional:  # the optional hook's words; a plain type's hook names the null
            raise Refusal(key, NULL_NOT_ALLOWED)
        if is_list:
            if type(value) is not list:
                raise Refusal(key, f"expected an array, got {_json_type(value)}")
            if cap is not None and len(value) > cap:
                raise Refusal(key, too_many_items(cap, len(value)))
            return MISS
        if tp is str and type(value) is str:
            if len(value) > MAX_STRING:
                raise Refusal(key, STRING_TOO_LONG)
            return MISS
        if tp is int and type(value) is float and value.is_integer() and abs(value) < 2**53:
            return MISS
        if tp in _NAMES and type(value) is not tp and not (tp is float and type(value) is int):
            raise Refusal(key, f"expected {_NAMES[tp]}, got {_json_type(value)}")
        return MISS

    return refuse


def _scalar(tp: Any) -> str | None:
    """The fused check of a non-None value of type ``tp`` (a format string over ``v``), or None."""
    from ._structure import MAX_STRING

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


def _item_check(tp: Any) -> Callable[[Any], bool] | None:
    """:func:`_scalar`'s check as a function, for the items of an array."""
    check = _scalar(tp)
    if check is None:
        return None
    function: Callable[[Any], bool] = eval(f"lambda v: {check.format(v='v')}", {})  # builtins only
    return function


Shapes = Callable[[type], Callable[[Any], Any] | None]


def _piece(tp: Any, cap: int | None, shape: Shapes) -> Callable[[Any], Any] | None:
    """A function building a present, non-null value of type ``tp`` as the reference would (or MISS),
    for the types fused as a whole: arrays (``cap``: their length limit), JSON objects and nested wire
    shapes. None for any other type."""
    if typing.get_origin(tp) is list:
        (item,) = typing.get_args(tp)
        limit = cap if cap is not None else float("inf")
        plain = _item_check(item)
        if plain is not None:
            is_plain = plain

            def build_list(value: Any) -> Any:
                if type(value) is not list or len(value) > limit:
                    return MISS
                for one in value:
                    if not is_plain(one):
                        return MISS
                return list(value)

            return build_list
        build_item = _piece(item, None, shape)
        if build_item is None:
            return None
        builder = build_item

        def build_items(value: Any) -> Any:
            if type(value) is not list or len(value) > limit:
                return MISS
            out = []
            for one in value:
                built = builder(one)  # a nested shape's refusal is already a MISS (build_nested)
                if built is MISS:
                    return MISS
                out.append(built)
            return out

        return build_items
    if typing.get_origin(tp) is dict and typing.get_args(tp) == (str, Any):
        plain_key = _item_check(str)
        assert plain_key is not None

        def build_object(value: Any) -> Any:
            if type(value) is not dict:
                return MISS
            for key in value:  # keys go through the reference's string hook; values (Any) as they are
                if not plain_key(key):
                    return MISS
            return dict(value)

        return build_object
    if isinstance(tp, type) and attrs.has(tp):
        nested = shape(tp)
        if nested is None:
            return None
        build_shape = nested

        def build_nested(value: Any) -> Any:
            try:
                return build_shape(value)
            except Refusal:  # a nested field's error: the reference words it, at its path
                return MISS

        return build_nested
    return None


def _source(
    cls: type,
    keys: dict[str, str],
    hooked: frozenset[str],
    caps: dict[str, int],
    shape: Shapes,
) -> tuple[str, dict[str, Any]]:
    fields = attrs.fields(attrs.resolve_types(cls))
    namespace: dict[str, Any] = {"MISS": MISS, "_ABSENT": _ABSENT_KEY, "_cls": cls}
    if hasattr(cls, "__attrs_post_init__") or any(f.validator is not None or not f.init for f in fields):
        # The constructor could refuse (outside cattrs' error paths) or take other arguments: the reference.
        return _DECLINE, namespace
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
        kind = inner if inner is not None else field.type
        required = field.default is attrs.NOTHING
        if isinstance(field.default, attrs.Factory):  # type: ignore[arg-type]
            return _DECLINE, namespace
        check = build = None
        if field.name not in hooked:
            check = _scalar(kind)
            if check is None:
                build = _piece(kind, caps.get(field.name), shape)
        lines.append(f"    {value} = data.get({key!r}, _ABSENT)")
        if check is None and build is None:  # a type this code does not fuse: only its absence is plain
            if required:
                return _DECLINE, namespace
            namespace[f"_d{index}"] = field.default
            lines.append(f"    if {value} is not _ABSENT:")
            lines.append("        return MISS")
            lines.append(f"    {value} = _d{index}")
        else:
            namespace[f"_r{index}"] = _refuse(kind, inner is not None, key, caps.get(field.name))
            # A scalar fails its inline check (an explicit null included); anything else only a null here.
            failing = f"{value} is None" if check is None else f"not ({check.format(v=value)})"
            if required:
                lines.append(f"    if {value} is _ABSENT or {failing}:")
                lines.append(f"        return _r{index}({value})")
            else:
                namespace[f"_d{index}"] = field.default
                lines.append(f"    if {value} is _ABSENT:")
                lines.append(f"        {value} = _d{index}")
                lines.append(f"    elif {failing}:")
                lines.append(f"        return _r{index}({value})")
            if check is None:  # built by its piece function, or refused by its own words, or MISS
                namespace[f"_b{index}"] = build
                indent = "    "
                if not required:
                    lines.append("    else:")
                    indent = "        "
                lines.append(f"{indent}w = _b{index}({value})")
                lines.append(f"{indent}if w is MISS:")
                lines.append(f"{indent}    return _r{index}({value})")
                lines.append(f"{indent}{value} = w")
        arguments.append(f"{field.alias}={value}")
    lines.append(f"    return _cls({', '.join(arguments)})")
    return "\n".join(lines) + "\n", namespace


def fused(
    cls: type,
    keys: dict[str, str],
    hooked: frozenset[str],
    caps: dict[str, int] | None = None,
    shape: Shapes = lambda cls: None,
) -> Callable[[Any], Any]:
    """The fused structuring function of the wire shape ``cls`` (``keys``: attribute -> wire key;
    ``hooked``: attributes with a structure hook of their own, never fused; ``caps``: attribute ->
    the most items its array may hold; ``shape``: the fused function of a nested wire shape, None for
    a class that is not one)."""
    source, namespace = _source(cls, keys, hooked, caps or {}, shape)
    exec(compile(source, f"<callglot fused {cls.__module__}.{cls.__qualname__}>", "exec"), namespace)
    function: Callable[[Any], Any] = namespace["fused"]
    return function
