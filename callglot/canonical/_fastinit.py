"""Constructors that skip the converter and validators of an optional field left None.

attrs' generated ``__init__`` calls every field's converter and validators, and most canonical
fields are optional and None (a Play names media and maybe a loop; eight more fields stay None).
:func:`fast_init` gives a class an ``__init__`` that does exactly what attrs' does, in the same
order (every field set, then every field validated, then ``__attrs_post_init__``), except that a
field whose default is None and whose value is None skips its converter and validators when both
are known to leave None as it is: the converter returns None for None (asked once), and every
validator is marked ``none_passes`` by :mod:`callglot.canonical._validators` (those built with
``optional=True``). Anything else (a factory default, an unmarked validator, a converter that
takes ``self``) keeps attrs' own ``__init__`` for that class.

The code is generated on a class's first construction, not at import. attrs' own ``__init__``
stays as ``__attrs_reference_init__``: a property test checks both give equal values and equal
errors.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

import attrs

__all__ = ["fast_init", "fast_init_module"]

_NOTHING = attrs.NOTHING


def _validators(attribute: attrs.Attribute[Any]) -> tuple[Callable[..., Any], ...]:
    validator = attribute.validator
    if validator is None:
        return ()
    inner = getattr(validator, "_validators", None)  # attrs' and_() of a list of validators
    return tuple(inner) if inner is not None else (validator,)


def _converter(attribute: attrs.Attribute[Any]) -> tuple[Callable[..., Any], bool] | None:
    """(the callable, whether it takes the field) or None; raises LookupError when it takes ``self``."""
    converter = attribute.converter
    if converter is None:
        return None
    if isinstance(converter, attrs.Converter):
        if converter.takes_self:  # type: ignore[attr-defined]
            raise LookupError("a converter taking self")
        return converter.converter, bool(converter.takes_field)  # type: ignore[attr-defined]
    return converter, False


def _source(cls: type) -> tuple[str, dict[str, Any]] | None:
    """The ``__init__`` source and its globals, or None when the class must keep attrs' own."""
    fields = attrs.fields(cls)
    namespace: dict[str, Any] = {"_setattr": object.__setattr__}
    params: list[str] = []
    sets: list[str] = []
    checks: list[str] = []
    for index, attribute in enumerate(fields):
        name = attribute.name
        if not attribute.init or not attribute.kw_only or attribute.alias != name:
            return None
        if isinstance(attribute.default, attrs.Factory):  # type: ignore[arg-type]
            return None
        try:
            converter = _converter(attribute)
        except LookupError:
            return None
        validators = _validators(attribute)
        optional_none = attribute.default is None
        if optional_none and converter is not None:
            function, takes_field = converter
            try:
                optional_none = (function(None, attribute) if takes_field else function(None)) is None
            except Exception:
                optional_none = False
        if optional_none and not all(getattr(check, "none_passes", False) for check in validators):
            optional_none = False
        namespace[f"_a{index}"] = attribute
        if attribute.default is _NOTHING:
            params.append(name)
        else:
            namespace[f"_d{index}"] = attribute.default
            params.append(f"{name}=_d{index}")
        value = name
        if converter is not None:
            function, takes_field = converter
            namespace[f"_c{index}"] = function
            value = f"_c{index}({name}, _a{index})" if takes_field else f"_c{index}({name})"
            if optional_none:
                value = f"None if {name} is None else {value}"
        sets.append(f"    _setattr(self, {name!r}, {value})")
        for number, check in enumerate(validators):
            namespace[f"_v{index}_{number}"] = check
            call = f"_v{index}_{number}(self, _a{index}, self.{name})"
            checks.append(f"    if self.{name} is not None: {call}" if optional_none else f"    {call}")
    post = ["    self.__attrs_post_init__()"] if hasattr(cls, "__attrs_post_init__") else []
    body = sets + checks + post or ["    pass"]
    signature = f"self, *, {', '.join(params)}" if params else "self"
    return f"def __init__({signature}):\n" + "\n".join(body) + "\n", namespace


def _compile(cls: type) -> Callable[..., None]:
    found = _source(cls)
    if found is None:
        reference: Callable[..., None] = cls.__attrs_reference_init__  # type: ignore[attr-defined]
        return reference
    source, namespace = found
    exec(compile(source, f"<callglot fast init {cls.__module__}.{cls.__qualname__}>", "exec"), namespace)
    made: Callable[..., None] = namespace["__init__"]
    made.__qualname__ = f"{cls.__qualname__}.__init__"
    return made


def fast_init(classes: Iterable[type]) -> None:
    """Give each attrs class of ``classes`` the constructor described above, built on first use."""
    for cls in classes:
        if "__attrs_reference_init__" in cls.__dict__:
            continue
        reference = cls.__dict__["__init__"]
        cls.__attrs_reference_init__ = reference  # type: ignore[attr-defined]

        def first(self: Any, *args: Any, _cls: type = cls, **kwargs: Any) -> None:
            built = _compile(_cls)
            _cls.__init__ = built  # type: ignore[misc]
            built(self, *args, **kwargs)

        first.__doc__ = reference.__doc__
        cls.__init__ = first  # type: ignore[misc]


def fast_init_module(namespace: dict[str, Any]) -> None:
    """:func:`fast_init` for every attrs class a module defines (call at its end with ``globals()``)."""
    module = namespace["__name__"]
    fast_init(
        value
        for value in list(namespace.values())
        if isinstance(value, type) and value.__module__ == module and attrs.has(value)
    )
