"""callglot's value classes: frozen attrs classes whose methods are compiled on first use.

``@frozen`` is ``@attrs.frozen(kw_only=True)`` with one difference: attrs compiles each class's
``__init__``, ``__repr__``, ``__eq__`` and ``__hash__`` when the class is made, and callglot has some
250 value classes (commands, events, wire shapes) of which a process uses a few; compiling them all
took about 65 ms of a fresh process's first translation. Here attrs makes the class (fields, slots,
frozen ``__setattr__``) and each of the four methods is a stub that generates the real one on its
first call. The generated methods do what attrs' do, in the same order, with one deliberate
difference in ``__init__``: an optional field whose default is None and whose value is None skips its
converter and validators when both are known to leave None alone (the converter returns None for
None, asked once; every validator is marked ``none_passes`` by :mod:`callglot.canonical._validators`,
as the ``optional=True`` ones are). :func:`reference_class` builds the same class with attrs' own
methods: a property test checks both give equal values, equal errors, the same repr, equality and
hash.
"""

from __future__ import annotations

import threading
import types
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

import attrs
from attr import _make as _attrs_make

__all__ = ["frozen", "reference_class"]

_T = TypeVar("_T", bound=type)
_NOTHING = attrs.NOTHING


def _frozen(*, kw_only: bool) -> Callable[[_T], _T]:
    """``@attrs.frozen(kw_only=True)`` with its methods generated on first use (see the module)."""
    if not kw_only:
        raise TypeError("callglot's value classes are keyword-only: @frozen(kw_only=True)")

    def decorate(cls: _T) -> _T:
        made: _T = _without_attrs_init(attrs.frozen(kw_only=True, init=False, repr=False, eq=False), cls)
        for name, maker in _MAKERS.items():
            setattr(made, name, _stub(made, name, maker))
        return made

    return decorate


if TYPE_CHECKING:  # type checkers see attrs' own decorator: fields, converters and evolve as attrs says
    from attrs import frozen
else:
    frozen = _frozen


def reference_class(cls: type) -> type:
    """``cls`` as plain ``attrs.frozen(kw_only=True)`` makes it: the reference the tests compare with."""
    these = {
        a.name: attrs.field(
            default=a.default,
            validator=a.validator,
            converter=a.converter,
            repr=a.repr,
            eq=a.eq_key or a.eq,
            hash=a.hash,
            init=a.init,
            alias=a.alias,
        )
        for a in attrs.fields(cls)
    }
    body = {"__attrs_post_init__": cls.__attrs_post_init__} if hasattr(cls, "__attrs_post_init__") else {}
    reference: type = attrs.make_class(cls.__name__, these, frozen=True, kw_only=True, class_body=body)
    reference.__qualname__ = cls.__qualname__
    return reference


_PATCH = threading.Lock()


def _without_attrs_init(decorator: Callable[[_T], _T], cls: _T) -> _T:
    """``decorator(cls)`` without the ``__attrs_init__`` attrs adds to a class made with ``init=False``.

    attrs compiles that method (a third of what compiling the class costs) for classes that call it
    from their own ``__init__``; callglot's do not, and generate theirs on first use. attrs has no
    option for it, so its builder's step is skipped while this class is built; should attrs change
    that private step, the class is built as attrs builds it, ``__attrs_init__`` and all.
    """
    builder = getattr(_attrs_make, "_ClassBuilder", None)
    step = getattr(builder, "add_attrs_init", None)
    if step is None:
        return decorator(cls)
    with _PATCH:
        builder.add_attrs_init = lambda self: self  # type: ignore[union-attr]
        try:
            return decorator(cls)
        finally:
            builder.add_attrs_init = step  # type: ignore[union-attr]


def _stub(cls: type, name: str, maker: Callable[[type], Callable[..., Any]]) -> Callable[..., Any]:
    def first_call(self: Any, *args: Any, **kwargs: Any) -> Any:
        owner = next(klass for klass in type(self).__mro__ if klass.__dict__.get(name) is first_call)
        method = maker(owner)
        setattr(owner, name, method)
        return method(self, *args, **kwargs)

    first_call.__qualname__ = f"{cls.__qualname__}.{name}"
    return first_call


def _compile(cls: type, name: str, source: str, namespace: dict[str, Any]) -> Callable[..., Any]:
    filename = f"<callglot {name} {cls.__module__}.{cls.__qualname__}>"
    exec(compile(source, filename, "exec"), namespace)
    method: Callable[..., Any] = namespace[name]
    method.__qualname__ = f"{cls.__qualname__}.{name}"
    return method


# ---------------------------------------------------------------- __init__


def _validators(attribute: attrs.Attribute[Any]) -> tuple[Callable[..., Any], ...]:
    validator = attribute.validator
    if validator is None:
        return ()
    inner = getattr(validator, "_validators", None)  # attrs' and_() of a list of validators
    return tuple(inner) if inner is not None else (validator,)


def _converter(attribute: attrs.Attribute[Any]) -> tuple[Callable[..., Any], bool] | None:
    """(the callable, whether it takes the field), or None."""
    converter = attribute.converter
    if converter is None:
        return None
    if isinstance(converter, attrs.Converter):
        if converter.takes_self:  # type: ignore[attr-defined]
            raise TypeError(f"{attribute.name}: a converter taking self is not supported")
        return converter.converter, bool(converter.takes_field)  # type: ignore[attr-defined]
    return converter, False


def _setter(cls: type, name: str) -> Callable[[Any, Any], None] | None:
    """The slot's own setter for field ``name``, when ``cls`` keeps it in a slot: about a third cheaper
    than ``object.__setattr__(self, name, value)`` (no name lookup), and as blind to the frozen
    ``__setattr__``."""
    for klass in cls.__mro__:
        if name in klass.__dict__:
            found = klass.__dict__[name]
            return found.__set__ if isinstance(found, types.MemberDescriptorType) else None
    return None


def init_source(cls: type) -> tuple[str, dict[str, Any]]:
    """The source of ``cls.__init__`` and its globals (see the module docstring)."""
    namespace: dict[str, Any] = {"_setattr": object.__setattr__, "NOTHING": _NOTHING}
    params: list[str] = []
    sets: list[str] = []
    checks: list[str] = []
    for index, attribute in enumerate(attrs.fields(cls)):
        name, alias, default = attribute.name, attribute.alias, attribute.default
        converter = _converter(attribute)
        validators = _validators(attribute)
        namespace[f"_a{index}"] = attribute
        factory = isinstance(default, attrs.Factory)  # type: ignore[arg-type]
        if factory and default.takes_self:
            raise TypeError(f"{cls.__qualname__}.{name}: a factory taking self is not supported")
        if factory:
            namespace[f"_f{index}"] = default.factory
        if not attribute.init:  # not a parameter: always its default
            if default is _NOTHING:
                raise TypeError(f"{cls.__qualname__}.{name}: a field outside __init__ needs a default")
            value = f"_f{index}()" if factory else f"_d{index}"
            namespace[f"_d{index}"] = default
            sets.append(_set(cls, index, name, value, namespace))
            continue
        skips_none = default is None
        if skips_none and converter is not None:
            function, takes_field = converter
            try:
                skips_none = (function(None, attribute) if takes_field else function(None)) is None
            except Exception:
                skips_none = False
        if skips_none and not all(getattr(check, "none_passes", False) for check in validators):
            skips_none = False
        if default is _NOTHING:
            params.append(alias)
            prelude = []
        elif factory:
            params.append(f"{alias}=NOTHING")
            prelude = [f"    if {alias} is NOTHING:", f"        {alias} = _f{index}()"]
        else:
            namespace[f"_d{index}"] = default
            params.append(f"{alias}=_d{index}")
            prelude = []
        value = alias
        if converter is not None:
            function, takes_field = converter
            namespace[f"_c{index}"] = function
            value = f"_c{index}({alias}, _a{index})" if takes_field else f"_c{index}({alias})"
            if skips_none:
                value = f"None if {alias} is None else {value}"
        sets += prelude
        sets.append(_set(cls, index, name, value, namespace))
        for number, check in enumerate(validators):
            namespace[f"_v{index}_{number}"] = check
            call = f"_v{index}_{number}(self, _a{index}, self.{name})"
            checks.append(f"    if self.{name} is not None: {call}" if skips_none else f"    {call}")
    post = ["    self.__attrs_post_init__()"] if hasattr(cls, "__attrs_post_init__") else []
    body = sets + checks + post or ["    pass"]
    signature = f"self, *, {', '.join(params)}" if params else "self"
    return f"def __init__({signature}):\n" + "\n".join(body) + "\n", namespace


def _set(cls: type, index: int, name: str, value: str, namespace: dict[str, Any]) -> str:
    """The line of ``__init__`` that stores ``value`` in the field ``name``."""
    setter = _setter(cls, name)
    if setter is None:
        return f"    _setattr(self, {name!r}, {value})"
    namespace[f"_s{index}"] = setter
    return f"    _s{index}(self, {value})"


def _make_init(cls: type) -> Callable[..., Any]:
    source, namespace = init_source(cls)
    return _compile(cls, "__init__", source, namespace)


# ---------------------------------------------------------------- __repr__, __eq__, __hash__


def _make_repr(cls: type) -> Callable[..., Any]:
    namespace: dict[str, Any] = {}
    parts = []
    for index, attribute in enumerate(attrs.fields(cls)):
        if attribute.repr is False:
            continue
        if attribute.repr is True:
            parts.append(f"{attribute.name}={{self.{attribute.name}!r}}")
        else:
            namespace[f"_r{index}"] = attribute.repr
            parts.append(f"{attribute.name}={{_r{index}(self.{attribute.name})}}")
    source = (
        "def __repr__(self):\n"
        '    return f\'{self.__class__.__qualname__.rsplit(">.", 1)[-1]}(' + ", ".join(parts) + ")'\n"
    )
    return _compile(cls, "__repr__", source, namespace)


def _make_eq(cls: type) -> Callable[..., Any]:
    namespace: dict[str, Any] = {}
    terms = []
    for index, attribute in enumerate(attrs.fields(cls)):
        if not attribute.eq:
            continue
        if attribute.eq_key is not None:
            namespace[f"_k{index}"] = attribute.eq_key
            terms.append(f"_k{index}(self.{attribute.name}) == _k{index}(other.{attribute.name})")
        else:
            terms.append(f"self.{attribute.name} == other.{attribute.name}")
    source = (
        "def __eq__(self, other):\n"
        "    if other.__class__ is not self.__class__:\n"
        "        return NotImplemented\n"
        f"    return {' and '.join(terms) or 'True'}\n"
    )
    return _compile(cls, "__eq__", source, namespace)


def _make_hash(cls: type) -> Callable[..., Any]:
    namespace: dict[str, Any] = {"_seed": hash(f"{cls.__module__}.{cls.__qualname__}")}
    items = ["_seed"]
    for index, attribute in enumerate(attrs.fields(cls)):
        hashed = attribute.eq if attribute.hash is None else attribute.hash
        if not hashed:
            continue
        if attribute.eq_key is not None:
            namespace[f"_k{index}"] = attribute.eq_key
            items.append(f"_k{index}(self.{attribute.name})")
        else:
            items.append(f"self.{attribute.name}")
    source = f"def __hash__(self):\n    return hash(({', '.join(items)},))\n"
    return _compile(cls, "__hash__", source, namespace)


_MAKERS: dict[str, Callable[[type], Callable[..., Any]]] = {
    "__init__": _make_init,
    "__repr__": _make_repr,
    "__eq__": _make_eq,
    "__hash__": _make_hash,
}
