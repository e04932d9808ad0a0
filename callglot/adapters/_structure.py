"""Wire structuring: a JSON body into a dialect's wire shape, strictly, with errors at JSON paths.

A converter from :func:`make_converter` never coerces: its strict hooks refuse a value of another JSON
type, an explicit null, an unknown key, a string or an array too long. :func:`register_wire` gives it
a dialect's wire shapes; :func:`structure` takes the fused path (see :mod:`._fused`) and falls back on
:func:`structure_reference`, which words cattrs' errors at the JSON path of the first one.
:mod:`._base` (the Dialect contract) imports this module, never the other way round.
"""

from __future__ import annotations

import enum
import threading
import types
import typing
from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any

import attrs

from callglot.adapters._fused import MISS as _MISS
from callglot.adapters._fused import Refusal
from callglot.canonical._validators import LONE_SURROGATE, has_lone_surrogate, item_bounds
from callglot.errors import InvalidMessage, InvalidValue

if TYPE_CHECKING:  # cattrs itself loads with a converter's first use (see make_converter)
    import cattrs

MAX_STRING = 100_000  # longest string accepted anywhere on the wire
#: The words for an explicit null where a field may only be left out (one normal form), and for a string
#: over MAX_STRING: every hook, decoder and the fused path say them alike.
NULL_NOT_ALLOWED = "null is not allowed: omit the field instead"
STRING_TOO_LONG = f"string longer than {MAX_STRING} characters"


# ---------------------------------------------------------------- wire converters


class WireTypeError(Exception):
    """A JSON value of the wrong type (caught and turned into a DecodeError)."""


def _strict_str(value: Any, _type: Any) -> Any:
    if _type is not str and isinstance(_type, type) and issubclass(_type, enum.Enum):
        for option in _type:
            if option.value == value:
                return option
        raise WireTypeError(_choices(_type))
    if type(value) is not str:
        raise WireTypeError(f"expected a string, got {_json_type(value)}")
    if len(value) > MAX_STRING:
        raise WireTypeError(STRING_TOO_LONG)
    if has_lone_surrogate(value):  # refused at the wire key, not later at the canonical field
        raise WireTypeError(LONE_SURROGATE)
    return value


def _choices(kind: type[enum.Enum]) -> str:
    values = [str(option.value) for option in kind]
    if len(values) <= 12:
        return f"must be one of {', '.join(values)}"
    return f"must be a {kind.__name__} name such as {', '.join(values[:5])}, ... ({len(values)} names)"


def _is_optional(tp: Any) -> bool:
    return typing.get_origin(tp) in (typing.Union, types.UnionType) and type(None) in typing.get_args(tp)


def _optional_factory(tp: Any, conv: cattrs.Converter) -> Callable[[Any, Any], Any]:
    """``T | None``: an absent key means None; an explicit null is an error (one normal form)."""
    rest = tuple(arg for arg in typing.get_args(tp) if arg is not type(None))
    inner: Any = rest[0] if len(rest) == 1 else typing.Union[rest]  # noqa: UP007
    hook = conv.get_structure_hook(inner)
    if inner is str:  # the commonest wire field: one call instead of two

        def structure_optional_str(value: Any, _type: Any) -> Any:
            if type(value) is str and len(value) <= MAX_STRING and value.isascii():  # has_lone_surrogate's fast path
                return value
            if value is None:
                raise WireTypeError(NULL_NOT_ALLOWED)
            return _strict_str(value, str)

        return structure_optional_str

    def structure_optional(value: Any, _type: Any) -> Any:
        if value is None:
            raise WireTypeError(NULL_NOT_ALLOWED)
        return hook(value, inner)

    return structure_optional


def _is_list(tp: Any) -> bool:
    return typing.get_origin(tp) is list


def _list_factory(tp: Any, conv: cattrs.Converter) -> Callable[[Any, Any], Any]:
    """``list[T]`` from a JSON array only (cattrs would take any iterable: an object's keys, a string's letters)."""
    from cattrs.errors import IterableValidationError, IterableValidationNote

    (item_type,) = typing.get_args(tp)
    hook = conv.get_structure_hook(item_type)

    def structure_list(value: Any, _type: Any) -> list[Any]:
        if type(value) is not list:
            raise WireTypeError(f"expected an array, got {_json_type(value)}")
        out = []
        for index, item in enumerate(value):
            try:
                out.append(hook(item, item_type))
            except Exception as exc:
                exc.__notes__ = [
                    *getattr(exc, "__notes__", []),
                    IterableValidationNote(f"@ index {index}", index, item_type),
                ]
                raise IterableValidationError("While structuring an array", [exc], tp) from None
        return out

    return structure_list


def _strict_int(value: Any, _type: Any) -> int:
    if type(value) is not int:
        if type(value) is float and value.is_integer() and abs(value) < 2**53:
            return int(value)  # JSON has one number type: 3.0 is the integer 3
        raise WireTypeError(f"expected an integer, got {_json_type(value)}")
    return value


def _strict_float(value: Any, _type: Any) -> float:
    if type(value) is int:
        return value  # ints are exact; keep them so re-encoding is identical
    if type(value) is not float:
        raise WireTypeError(f"expected a number, got {_json_type(value)}")
    return value


def _strict_bool(value: Any, _type: Any) -> bool:
    if type(value) is not bool:
        raise WireTypeError(f"expected a boolean, got {_json_type(value)}")
    return value


def _any_json(value: Any, _type: Any) -> Any:
    return value


_JSON_TYPES = {bool: "boolean", int: "integer", float: "number", str: "string", list: "array", dict: "object"}


def _json_type(value: Any) -> str:
    if value is None:
        return "null"
    return _JSON_TYPES.get(type(value), type(value).__name__)


class _Override:
    """What :func:`register_wire` and :func:`limit_arrays` say of one attribute of a wire shape: its wire
    key (``rename``) and a structure hook of its own; given to cattrs as its ``override`` when the
    converter is first used."""

    __slots__ = ("rename", "struct_hook")

    def __init__(self, rename: str | None = None, struct_hook: Callable[[Any, Any], Any] | None = None) -> None:
        self.rename = rename
        self.struct_hook = struct_hook


class _LazyConverter:
    """A cattrs ``Converter`` made (with cattrs itself, ~10 ms of a cold start) on first use.

    :func:`register_wire` and :func:`limit_arrays` need none: they record :class:`_Override` values, and
    the fused path (see :mod:`._fused`) builds the plain messages without cattrs. The reference path, an
    encoder's ``unstructure`` or any other converter method makes it; from then on ``structure`` and
    ``unstructure`` are the real converter's own bound methods, with nothing in between.
    """

    def __init__(self, wire: dict[type, dict[str, _Override]]) -> None:
        self._wire = wire
        self._made: Any = None

    def __getattr__(self, name: str) -> Any:  # only for what the instance lacks: before the first use
        if name.startswith("__") or name in ("_wire", "_made"):  # not yet set: no converter to make
            raise AttributeError(name)
        return getattr(self._make(), name)

    def _make(self) -> Any:
        if self._made is None:
            with _MAKING:  # one converter, whichever thread uses it first
                if self._made is None:
                    made = cattrs_converter(self._wire)
                    self.structure = made.structure
                    self.unstructure = made.unstructure
                    self._made = made
        return self._made


_MAKING = threading.Lock()


def cattrs_converter(wire: dict[type, dict[str, _Override]] | None = None) -> cattrs.Converter:
    """The strict cattrs converter itself, made now, structuring the wire shapes in ``wire`` as registered
    (:func:`make_converter`'s, on first use; a dialect that registers cattrs hooks of its own, as the
    canonical dialect does, takes one with none)."""
    import cattrs
    from cattrs.gen import make_dict_structure_fn, make_dict_unstructure_fn, override

    if wire is None:
        wire = {}
    conv = cattrs.Converter(forbid_extra_keys=True)
    # cattrs consults singledispatch first, so these replace its coercing builtins;
    # StrEnum subclasses of str arrive at the str hook, which handles them.
    conv.register_structure_hook(str, _strict_str)
    conv.register_structure_hook(int, _strict_int)
    conv.register_structure_hook(float, _strict_float)
    conv.register_structure_hook(bool, _strict_bool)
    conv.register_structure_hook_func(lambda t: t is Any, _any_json)
    conv.register_structure_hook_factory(_is_optional, _optional_factory)
    conv.register_structure_hook_factory(_is_list, _list_factory)

    # Wire classes get their generated (un)structure functions on first use, not at import: each costs a
    # compile(), and a process that translates a few command types needs a few of the ~100 per dialect.
    def overrides(cls: type) -> dict[str, Any]:
        return {name: override(rename=o.rename, struct_hook=o.struct_hook) for name, o in wire[cls].items()}

    conv.register_structure_hook_factory(
        wire.__contains__,
        lambda cls: make_dict_structure_fn(cls, conv, _cattrs_forbid_extra_keys=True, **overrides(cls)),
    )
    conv.register_unstructure_hook_factory(
        wire.__contains__,
        lambda cls: make_dict_unstructure_fn(cls, conv, _cattrs_omit_if_default=True, **overrides(cls)),
    )
    return conv


if TYPE_CHECKING:  # type checkers see the cattrs converter it stands for
    WireConverter = cattrs.Converter
else:
    WireConverter = _LazyConverter


def make_converter() -> WireConverter:
    """A converter that never coerces: wrong JSON types are errors, extra keys too.

    It stands for a cattrs ``Converter`` made on its first use (the first structure that the fused path
    leaves to cattrs, the first unstructure, the first call of any other converter method), which hands
    it every attribute; it is not an instance of one.
    """
    wire: dict[type, dict[str, _Override]] = {}
    conv = typing.cast(WireConverter, _LazyConverter(wire))
    _WIRE_OVERRIDES[id(conv)] = wire
    CONVERTERS.append(conv)
    return conv


#: Every converter make_converter made (the fused-structuring test walks their wire shapes).
CONVERTERS: list[WireConverter] = []
#: id(converter) -> {wire class: {attribute: what it overrides}}, filled by register_wire.
_WIRE_OVERRIDES: dict[int, dict[type, dict[str, _Override]]] = {}


def register_wire(conv: WireConverter, cls: type, renames: Mapping[str, str] | None = None) -> None:
    """Register ``cls`` both ways: renamed keys, no extra keys, None fields omitted."""
    overrides = {name: _Override(rename=key) for name, key in (renames or {}).items()}
    for attribute in attrs.fields(cls):
        if attribute.name not in overrides and attribute.name.endswith("_"):
            overrides[attribute.name] = _Override(rename=attribute.name.rstrip("_"))  # from_ -> from
    _WIRE_OVERRIDES[id(conv)][cls] = overrides
    _WIRE_KEYS[cls] = {
        attribute.name: (overrides[attribute.name].rename or attribute.name)
        if attribute.name in overrides
        else attribute.name
        for attribute in attrs.fields(cls)
    }


#: attribute name -> wire key, per registered wire class (for error paths).
_WIRE_KEYS: dict[type, dict[str, str]] = {}


def too_many_items(limit: int, count: int) -> str:
    return f"must hold at most {limit} items, got {count}"


def length_first(conv: cattrs.Converter, tp: Any, limit: int) -> Callable[[Any, Any], Any]:
    """A structure hook for ``tp`` that refuses an array longer than ``limit`` before structuring any item.

    A 100k-item array then costs one length check, not 100k items built (and URL-checked) before the
    canonical class counts them, and the error names the array and the limit whatever its items hold.
    """
    hook: Callable[[Any, Any], Any] | None = None

    def structure_capped(value: Any, _type: Any) -> Any:
        nonlocal hook
        if type(value) is list and len(value) > limit:
            raise WireTypeError(too_many_items(limit, len(value)))
        if hook is None:  # looked up on first use: the item hooks may be registered after this one
            hook = conv.get_structure_hook(tp)
        return hook(value, tp)

    structure_capped.limit = limit  # type: ignore[attr-defined]  # what array_caps reads
    return structure_capped


def array_caps(conv: cattrs.Converter, cls: type) -> dict[str, int]:
    """The capped arrays of the wire shape ``cls`` (attribute -> the most items), read off their hooks."""
    overrides = _WIRE_OVERRIDES.get(id(conv), {}).get(cls, {})
    hooks = {name: getattr(o, "struct_hook", None) for name, o in overrides.items()}
    return {name: hook.limit for name, hook in hooks.items() if hook is not None and hasattr(hook, "limit")}


def limit_arrays(conv: cattrs.Converter, cls: type, **limits: int) -> None:
    """Cap the wire arrays of ``cls`` (``field=limit``): longer ones are refused before any item is structured.

    Call after :func:`register_wire`, before the class is first structured.
    """
    overrides = _WIRE_OVERRIDES[id(conv)][cls]
    fields = attrs.fields_dict(attrs.resolve_types(cls))
    for name, limit in limits.items():
        rename = overrides[name].rename if name in overrides else None
        overrides[name] = _Override(rename=rename, struct_hook=length_first(conv, fields[name].type, limit))


def max_items(cls: type, name: str) -> int:
    """The most items the canonical field ``cls.name`` holds (its :func:`~callglot.canonical._validators.items`)."""
    bounds = item_bounds(attrs.fields_dict(cls)[name])
    if bounds is None:
        raise AssertionError(f"{cls.__name__}.{name} has no item limit")
    return bounds[1]


def refuse_long_array(value: Any, limit: int, path: str) -> None:
    """For a wire field typed ``Any`` that may be an array: refuse one longer than ``limit`` at ``path``."""
    if type(value) is list and len(value) > limit:
        raise InvalidMessage(path, too_many_items(limit, len(value)))


def wire_key(cls: type, name: str) -> str | None:
    return _WIRE_KEYS.get(cls, {}).get(name)


#: (id(converter), wire shape) -> its fused structuring function (see _fused), made on first use.
_FUSED: dict[tuple[int, type], Callable[[Any], Any]] = {}


def _fused_for(conv: cattrs.Converter, cls: type) -> Callable[[Any], Any]:
    from ._fused import fused

    overrides = _WIRE_OVERRIDES.get(id(conv), {}).get(cls)
    if overrides is None:  # not a registered wire shape: the reference alone
        function: Callable[[Any], Any] = lambda data: _MISS
    else:
        _FUSED[(id(conv), cls)] = lambda data: _MISS  # while it is made: a shape nested in itself declines
        caps = array_caps(conv, cls)
        hooked = frozenset(
            name for name, o in overrides.items() if getattr(o, "struct_hook", None) is not None and name not in caps
        )
        try:
            function = fused(cls, _WIRE_KEYS[cls], hooked, caps, lambda nested: _nested_fused(conv, nested))
        except BaseException:
            del _FUSED[(id(conv), cls)]
            raise
    _FUSED[(id(conv), cls)] = function
    return function


def _nested_fused(conv: cattrs.Converter, cls: type) -> Callable[[Any], Any] | None:
    """The fused function of ``cls`` nested in another wire shape: None unless ``conv`` structures it as one."""
    if cls not in _WIRE_OVERRIDES.get(id(conv), {}):
        return None
    return _FUSED.get((id(conv), cls)) or _fused_for(conv, cls)


def require_object(body: Any, path: str = "$") -> None:
    """Refuse a body (or a part of one) that is not a JSON object."""
    if not isinstance(body, dict):
        raise InvalidMessage(path, f"expected a JSON object, got {_json_type(body)}")


def structure(conv: cattrs.Converter, data: Any, cls: type[Any], path: str = "$") -> Any:
    """Structure ``data`` into ``cls``, turning any failure into InvalidMessage at a JSON path.

    The common case takes the fused path (see :mod:`._fused`), and so do the errors it is certain of
    (the reference's own words, at the same path); anything else, the reference below.
    """
    function = _FUSED.get((id(conv), cls)) or _fused_for(conv, cls)
    try:
        value = function(data)
    except Refusal as refusal:
        raise InvalidMessage(f"{path}.{refusal.key}", refusal.reason) from None
    if value is not _MISS:
        return value
    return structure_reference(conv, data, cls, path)


def structure_reference(conv: cattrs.Converter, data: Any, cls: type[Any], path: str = "$") -> Any:
    """:func:`structure` without the fused path: cattrs and the strict hooks, errors at JSON paths."""
    from cattrs.errors import ClassValidationError, ForbiddenExtraKeysError, IterableValidationError

    require_object(data, path)
    try:
        return conv.structure(data, cls)
    except (ClassValidationError, IterableValidationError, ForbiddenExtraKeysError) as exc:
        where, reason = _first_error(exc, cls, path)
        extra = _extra_keys(exc)
        if extra is not None:
            raise UnexpectedFields(where, extra, reason) from None
        known = _WIRE_KEYS.get(cls)
        if known is not None and where.startswith(f"{path}.") and reason == "required field missing":
            # A missing field beside an unexpected one is usually a typo ("ulr" for "url"): name the typo.
            typos = [key for key in data if key not in known.values()]
            if typos:
                raise UnexpectedFields(path, typos, unexpected_fields(typos, known=known.values())) from None
        raise InvalidMessage(where, reason) from None
    except InvalidValue as exc:  # a canonical constructor rejected a field
        raise InvalidMessage(join_path(path, exc.field), exc.reason) from None
    except RecursionError:
        raise InvalidMessage(path, "nesting too deep") from None


def join_path(path: str, field: str) -> str:
    """``path`` extended by a field name (``a``), or by a relative path (``.a.b``, ``[0]``; empty: ``path``)."""
    if not field or field[0] in ".[":
        return path + field
    return f"{path}.{field}"


def unexpected_fields(keys: Iterable[Any], note: str = "", known: Iterable[str] = ()) -> str:
    """The reason for unexpected keys, safe to print on one line.

    Keys come from a hostile peer: a printable string is shown as is (cut at 40 characters), anything
    else (a non-string key of a dict built in Python, too) as its escaped repr; at most five, sorted,
    then how many more. A shown key close to one of the ``known`` field names (a typo) is followed by
    ``(did you mean url?)``.
    """
    names = sorted(key[:40] if type(key) is str and key.isprintable() else repr(key)[:42] for key in keys)
    more = f" and {len(names) - 5} more" if len(names) > 5 else ""
    shown = names[:5]
    candidates = [name for name in known if type(name) is str]
    if candidates:
        # Imported here: difflib is only needed on this error path, and costs an import at start-up.
        from difflib import get_close_matches

        for index, name in enumerate(shown):
            close = get_close_matches(name, candidates, n=1)
            if close:
                shown[index] = f"{name} (did you mean {close[0]}?)"
    return f"unexpected field(s): {', '.join(shown)}{more}{note}"


class UnexpectedFields(InvalidMessage):
    """The object at ``path`` has keys its wire shape does not know (``keys``).

    A command with one is refused; a vendor's event or response keeps them (see :func:`take_unknown`).
    """

    def __init__(self, path: str, keys: Iterable[Any], reason: str | None = None) -> None:
        self.keys = tuple(keys)
        super().__init__(path, reason if reason is not None else unexpected_fields(self.keys))

    def __reduce__(self) -> Any:
        return (type(self), (self.path, self.keys, self.reason), {"part": self.part})


def _extra_keys(exc: BaseException) -> tuple[Any, ...] | None:
    """The unexpected keys of the error :func:`_first_error` reports, if that is what it is."""
    from cattrs.errors import ClassValidationError, ForbiddenExtraKeysError, IterableValidationError

    while True:
        if isinstance(exc, ForbiddenExtraKeysError):
            return tuple(exc.extra_fields)
        if isinstance(exc, ClassValidationError | IterableValidationError):
            with_notes, without = exc.group_exceptions()
            if with_notes:
                exc = with_notes[0][0]
                continue
            if without:
                exc = without[0]
                continue
        return None


def _first_error(exc: BaseException, cls: type | None, path: str) -> tuple[str, str]:
    from cattrs.errors import ClassValidationError, ForbiddenExtraKeysError, IterableValidationError

    if isinstance(exc, ForbiddenExtraKeysError):
        known = _WIRE_KEYS.get(exc.cl) or ({a.name: a.name for a in attrs.fields(exc.cl)} if attrs.has(exc.cl) else {})
        return path, unexpected_fields(exc.extra_fields, known=known.values())
    if isinstance(exc, ClassValidationError):
        with_notes, without = exc.group_exceptions()
        for sub, note in with_notes:
            key = (wire_key(cls, note.name) if cls else None) or note.name
            sub_cls = note.type if attrs.has(note.type) else None
            return _first_error(sub, sub_cls, f"{path}.{key}")
        if without:
            return _first_error(without[0], cls, path)
        return path, "invalid object"
    if isinstance(exc, IterableValidationError):
        with_inotes, iwithout = exc.group_exceptions()
        for sub, inote in with_inotes:
            sub_cls = inote.type if attrs.has(inote.type) else None
            return _first_error(sub, sub_cls, f"{path}[{inote.index}]")
        if iwithout:
            return _first_error(iwithout[0], cls, path)
        return path, "invalid array"
    if isinstance(exc, KeyError):
        return path, "required field missing"
    if isinstance(exc, WireTypeError):
        return path, str(exc)
    if isinstance(exc, InvalidValue):
        return join_path(path, exc.field), exc.reason
    if isinstance(exc, AttributeError | TypeError):
        return path, "expected a JSON object" if cls is not None else "wrong JSON type"
    if isinstance(exc, ValueError):
        return path, f"invalid value ({exc})"
    return path, f"invalid value ({type(exc).__name__})"
