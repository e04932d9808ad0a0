"""What a dialect is made of: the public toolkit for callglot's own dialects and third parties' alike.

A dialect is a :class:`Dialect` subclass, registered by name (:func:`register_dialect`, or the
``callglot.dialects`` entry point group). It declares:

- its command routes in a :class:`RouteTable` of :class:`Route` values (each command once: the wire's
  tag, the wire shape, the fields carried as they are, the fields it cannot say and why, hooks for
  the rest), which gives it the decode, encode and capability tables;
- its webhook events, likewise, in an :class:`EventRouteTable` of :class:`EventRoute` values (each
  event class and wire event name once; an :class:`EventFrame` for the envelope the routes share, a
  :class:`Codec` for a field that changes on the way), which gives it the event decode, encode and
  capability tables;
- its wire shapes as attrs classes, structured strictly by a converter from :func:`make_converter`
  (wrong JSON types and unknown keys are errors with a JSON path) after :func:`register_wire`;
- its schemas, in a package named by ``Dialect.schema_package`` (``<name>.schema.json`` and
  ``<name>.events.schema.json``);
- its test profile (``Dialect.test_profile``), so callglot's generic tests cover it.

Errors: a bad wire message raises :class:`~callglot.errors.InvalidMessage` at a JSON path
(``with at("$.url"): ...`` reports a canonical constructor's refusal there); an encode that would
lose a field calls :meth:`Encoding.lose` with a field its capability declares.

``docs/dialects.md`` walks through a dialect; ``tests/acme_dialect`` is a small complete one.
"""

from __future__ import annotations

from callglot.capabilities import Capability, Support, emulated, native, partial, unsupported
from callglot.errors import InvalidMessage, InvalidValue, UnknownCommand

from . import register_dialect
from ._base import (
    ABSENT,
    CALL_ID,
    Decoded,
    Dialect,
    Encoding,
    at,
    check_call_id,
    check_capability_table,
    enum_value,
    from_millis,
    header,
    on_first_use,
    require_call_id,
    retry_after,
    route_for,
    to_millis,
    unknown_event,
    wrong_method,
    wrong_path,
)
from ._routes import Codec, EventFrame, EventRoute, EventRouteTable, Route, RouteTable
from ._structure import MAX_STRING, limit_arrays, make_converter, register_wire, structure
from ._structure import _json_type as json_type
from .testing import TestProfile

__all__ = [
    "ABSENT",
    "CALL_ID",
    "Codec",
    "MAX_STRING",
    "Capability",
    "Decoded",
    "Dialect",
    "Encoding",
    "EventFrame",
    "EventRoute",
    "EventRouteTable",
    "InvalidMessage",
    "InvalidValue",
    "Route",
    "RouteTable",
    "Support",
    "TestProfile",
    "UnknownCommand",
    "at",
    "check_call_id",
    "check_capability_table",
    "emulated",
    "enum_value",
    "from_millis",
    "header",
    "json_type",
    "limit_arrays",
    "make_converter",
    "native",
    "on_first_use",
    "partial",
    "register_dialect",
    "register_wire",
    "require_call_id",
    "retry_after",
    "route_for",
    "structure",
    "to_millis",
    "unknown_event",
    "unsupported",
    "wrong_method",
    "wrong_path",
]
