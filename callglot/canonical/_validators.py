"""attrs validators that raise :class:`~callglot.errors.InvalidValue` naming the field.

Kept small and allocation-free: every validator is built once at class
definition and called on every construction (decoding runs them too).
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Collection
from typing import Any

import attrs

from callglot.errors import InvalidValue, UnsafeUrl

from . import urls

Validator = Callable[[Any, "attrs.Attribute[Any]", Any], None]

_PRINTABLE_NO_CONTROL = re.compile(r"[^\x00-\x1f\x7f]*")

#: Why a string with a lone surrogate is refused: every text field and JSON string says it this way.
LONE_SURROGATE = "must not hold lone surrogates (U+D800..U+DFFF), which UTF-8 cannot encode"


def has_lone_surrogate(value: str) -> bool:
    """Whether ``value`` holds a lone surrogate: the one check every text field uses.

    ``json.loads`` makes them from escapes such as ``"\\udfff"``; a value holding one
    would fail with ``UnicodeEncodeError`` only later, when the output is sent.
    """
    if value.isascii():  # the common case, without the copy
        return False
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def refuse_lone_surrogates(field: str, value: Any) -> None:
    """Raise InvalidValue naming ``field`` when ``value`` is a string holding a lone surrogate."""
    if type(value) is str and has_lone_surrogate(value):
        raise InvalidValue(field, LONE_SURROGATE)


def _none_passes(check: Validator, optional: bool) -> Validator:
    """Mark ``check`` as one that passes None without a look (an optional field's): a constructor may
    skip it for None (see callglot.canonical._fastinit)."""
    check.none_passes = optional  # type: ignore[attr-defined]
    return check


def _fail(attribute: attrs.Attribute[Any], reason: str) -> InvalidValue:
    return InvalidValue(attribute.name, reason)


def text(
    *,
    max_len: int,
    min_len: int = 1,
    pattern: str | None = None,
    describe: str = "",
    optional: bool = False,
) -> Validator:
    """A string of bounded length, no lone surrogates, no control characters, optional regex (fullmatch)."""
    compiled = re.compile(pattern) if pattern is not None else _PRINTABLE_NO_CONTROL
    shape = describe or (f"match {pattern}" if pattern else "contain no control characters")

    def check(_inst: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
        if value is None and optional:
            return
        if type(value) is not str:
            raise _fail(attribute, f"expected a string, got {type(value).__name__}")
        if not min_len <= len(value) <= max_len:
            raise _fail(attribute, f"length must be {min_len}..{max_len}, got {len(value)}")
        if has_lone_surrogate(value):  # before the pattern: one reason for every field, ids included
            raise _fail(attribute, LONE_SURROGATE)
        if compiled.fullmatch(value) is None:
            raise _fail(attribute, f"must {shape}")

    return _none_passes(check, optional)


def show(value: Any) -> str:
    """A short, safe rendering of a rejected value (huge ints cannot be repr'd)."""
    try:
        text = repr(value)
    except ValueError:
        return "a number too large to show"
    return text if len(text) <= 40 else text[:37] + "..."


def number(
    *,
    minimum: float | None = None,
    maximum: float | None = None,
    exclusive_minimum: bool = False,
    integer: bool = False,
    optional: bool = False,
) -> Validator:
    """A finite int or float (never a bool) within bounds; ``integer`` requires an int."""

    def check(_inst: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
        if value is None and optional:
            return
        kind = type(value)
        if kind is bool or kind not in ((int,) if integer else (int, float)):
            raise _fail(attribute, f"expected {'an integer' if integer else 'a number'}, got {kind.__name__}")
        if kind is float and not math.isfinite(value):
            raise _fail(attribute, "must be a finite number")
        if minimum is not None and (value <= minimum if exclusive_minimum else value < minimum):
            raise _fail(attribute, f"must be {'>' if exclusive_minimum else '>='} {minimum:g}, got {show(value)}")
        if maximum is not None and value > maximum:
            raise _fail(attribute, f"must be <= {maximum:g}, got {show(value)}")

    return _none_passes(check, optional)


def boolean(*, optional: bool = True) -> Validator:
    def check(_inst: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
        if value is None and optional:
            return
        if type(value) is not bool:
            raise _fail(attribute, f"expected a boolean, got {type(value).__name__}")

    return _none_passes(check, optional)


def member(kind: type, *, optional: bool = True) -> Validator:
    """An instance of ``kind`` (an enum or a value class)."""

    def check(_inst: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
        if value is None and optional:
            return
        if not isinstance(value, kind):
            raise _fail(attribute, f"expected {kind.__name__}, got {type(value).__name__}")

    return _none_passes(check, optional)


def one_of_types(kinds: tuple[type, ...], *, optional: bool = True) -> Validator:
    names = " or ".join(k.__name__ for k in kinds)

    def check(_inst: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
        if value is None and optional:
            return
        if not isinstance(value, kinds):
            raise _fail(attribute, f"expected {names}, got {type(value).__name__}")

    return _none_passes(check, optional)


#: The (min_len, max_len) of every validator :func:`items` built (see :func:`item_bounds`).
_ITEM_BOUNDS: dict[Validator, tuple[int, int]] = {}


def items(
    item: Validator,
    *,
    min_len: int = 0,
    max_len: int = 128,
    optional: bool = True,
    distinct: bool = False,
) -> Validator:
    """A tuple of ``min_len..max_len`` elements, each passing ``item`` (errors name ``field[i]``).

    The length is checked before any element; ``distinct`` refuses a repeated element.
    """

    def check(inst: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
        if value is None and optional:
            return
        if type(value) is not tuple:
            raise _fail(attribute, f"expected a tuple, got {type(value).__name__}")
        if not min_len <= len(value) <= max_len:
            raise _fail(attribute, f"must hold {min_len}..{max_len} items, got {len(value)}")
        for index, element in enumerate(value):
            try:
                item(inst, attribute, element)
            except InvalidValue as exc:
                raise InvalidValue(f"{attribute.name}[{index}]", exc.reason) from None
        if distinct and len(set(value)) != len(value):
            raise _fail(attribute, "must not repeat a value")

    _ITEM_BOUNDS[check] = (min_len, max_len)
    return _none_passes(check, optional)


def item_bounds(attribute: attrs.Attribute[Any]) -> tuple[int, int] | None:
    """The (min_len, max_len) of a field validated by :func:`items`, else None.

    Decoders refuse a wire array longer than ``max_len`` before structuring any of its items.
    """
    return _ITEM_BOUNDS.get(attribute.validator)  # type: ignore[arg-type]


def to_tuple_of(convert: Callable[[Any], Any], max_len: int) -> Callable[[Any], Any]:
    """Converter: a list or tuple becomes a tuple of ``convert(item)``.

    One longer than ``max_len`` is left unconverted: the :func:`items` validator refuses it by its
    length, before any item is looked at.
    """

    def convert_all(value: Any) -> Any:
        if type(value) in (list, tuple):
            return tuple(convert(item) for item in value) if len(value) <= max_len else tuple(value)
        return value

    return convert_all


def url(schemes: Collection[str] = ("https",), *, optional: bool = True) -> Validator:
    """A URL that passes the safety policy (see :mod:`callglot.canonical.urls`).

    Normalisation happens in the matching converter (:func:`normalise_url`); the
    validator only re-checks type, so the policy runs once per value.
    """

    def check(_inst: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
        if value is None and optional:
            return
        if type(value) is not str:
            raise _fail(attribute, f"expected a URL string, got {type(value).__name__}")

    return _none_passes(check, optional)


def normalise_url(schemes: Collection[str] = ("https",)) -> attrs.Converter:  # type: ignore[type-arg]
    """An attrs converter applying the URL policy and returning the normalised URL."""
    allowed = tuple(schemes)

    def convert(value: Any, field: attrs.Attribute[Any]) -> Any:
        if type(value) is not str:
            return value  # the validator reports the type
        refuse_lone_surrogates(field.name, value)
        try:
            return urls.check_url(value, schemes=allowed)
        except UnsafeUrl as exc:
            raise InvalidValue(field.name, exc.reason) from None

    return attrs.Converter(convert, takes_field=True)


def normalise_vendor_url(schemes: Collection[str], *, max_len: int = 4096) -> attrs.Converter:  # type: ignore[type-arg]
    """The converter of a URL a vendor reports in an event: :func:`urls.check_vendor_url`, then its normalised form.

    Parsed and normalised like a command's URL; the address policy does not apply (callglot never fetches it).
    """
    allowed = tuple(schemes)

    def convert(value: Any, field: attrs.Attribute[Any]) -> Any:
        if type(value) is not str:
            return value  # the validator reports the type
        if not 1 <= len(value) <= max_len:
            raise InvalidValue(field.name, f"length must be 1..{max_len}, got {len(value)}")
        refuse_lone_surrogates(field.name, value)
        try:
            return urls.check_vendor_url(value, schemes=allowed)
        except UnsafeUrl as exc:
            raise InvalidValue(field.name, exc.reason) from None

    return attrs.Converter(convert, takes_field=True)


def exactly_one(*names: str) -> Callable[[Any], None]:
    """Post-init check that exactly one of ``names`` is set (not None)."""

    def check(inst: Any) -> None:
        present = [n for n in names if getattr(inst, n) is not None]
        if len(present) != 1:
            raise InvalidValue(names[0], f"exactly one of {', '.join(names)} must be given")

    return check


def to_enum(kind: type[Any]) -> Callable[[Any], Any]:
    """Converter: accept an enum member or its string value (``"both"`` → ``Direction.BOTH``)."""
    by_value = {member.value: member for member in kind}

    def convert(value: Any) -> Any:
        if type(value) is str:
            return by_value.get(value, value)  # unknown strings reach the validator
        return value

    return convert


def to_tuple(value: Any) -> Any:
    """Converter: a list becomes a tuple (values stay immutable and hashable)."""
    return tuple(value) if type(value) is list else value
