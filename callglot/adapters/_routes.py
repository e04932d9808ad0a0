"""Route tables: each command route of a dialect declared once, and what is derived from it.

A :class:`Route` says how one canonical command is one wire message: the wire's name for it, its
wire shape, the fields carried as they are (canonical attribute -> wire attribute), the fields the
dialect cannot say and why, and hooks for what a plain field map cannot say. A :class:`RouteTable`
derives from its routes what each dialect used to write by hand, each in its own place: the decode
table (wire tag -> wire shape and decoder), the encode table (canonical class -> encoder), the
capability table (the matrix, the docs and the encode policy all read it), and the wire path of
each carried field (for errors a canonical constructor raises).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

import attrs

from callglot._frozen import frozen
from callglot.canonical import COMMANDS, Command
from callglot.capabilities import Capability, Support
from callglot.errors import InvalidMessage, InvalidValue

from ._base import Encoding, join_path, wire_key

__all__ = ["Route", "RouteTable"]

#: ``decoder(wire value, *context)``, ``encoder(command, encoding, *context)``: the context is whatever
#: the dialect passes its hooks (SignalWire: its decoding notes, its control-id source); generic
#: decoders and encoders ignore it.
Decoder = Callable[..., Command]
Encoder = Callable[..., Any]


def _frozen_mapping(value: Mapping[str, str]) -> Mapping[str, str]:
    return dict(value)


@frozen(kw_only=True)
class Route:
    """One canonical command as one wire message.

    ``tag``: the wire's name for it (a ``type`` value, a path segment, a command name). ``wire``: its
    wire shape (an attrs class the dialect's converter structures), None when the tag alone is the
    message. ``fields``: canonical attribute -> wire attribute, carried unchanged both ways (an
    absent wire field is the canonical default). ``lost``: canonical attribute (or value) -> why the
    dialect cannot say it, in the order the matrix lists them. Encoding refuses a lost field under
    STRICT and drops it (reported) under LENIENT whenever it is set, except those named in
    ``decided`` or ``required``. The encode hook decides the ``decided`` ones itself (a value the
    wire cannot hold, a field that must be there, a loss reported before a value the hook
    generates). ``required``: fields the wire cannot do without, carried when set and refused under
    either policy when None, before anything else is encoded. ``decode``/``encode``: hooks for what
    ``fields`` cannot say; the encode hook runs first, then the generic drops. ``decodes``/``encodes``:
    False for a wire form only one way (a second form decoding accepts; an emulation encoding
    writes). ``support``: declared for an emulation; otherwise NATIVE without losses, PARTIAL with.
    """

    command: type
    tag: str
    wire: type | None = None
    note: str = ""
    fields: Mapping[str, str] = attrs.field(factory=dict, converter=_frozen_mapping, hash=False)
    lost: Mapping[str, str] = attrs.field(factory=dict, converter=_frozen_mapping, hash=False)
    decided: tuple[str, ...] = ()
    required: tuple[str, ...] = ()
    decode: Decoder | None = None
    encode: Encoder | None = None
    decodes: bool = True
    encodes: bool = True
    support: Support | None = None

    def __attrs_post_init__(self) -> None:
        undeclared = [name for name in (*self.decided, *self.required) if name not in self.lost]
        if undeclared:
            raise AssertionError(f"{self.tag}: decided or required but not declared lost: {', '.join(undeclared)}")
        both = [name for name in self.required if name in self.decided]
        if both:
            raise AssertionError(f"{self.tag}: both decided and required: {', '.join(both)}")
        if self.decided and self.encode is None:
            raise AssertionError(f"{self.tag}: {', '.join(self.decided)} decided by an encode hook it lacks")
        known = attrs.fields_dict(self.command)
        not_fields = [name for name in (*self.lost, *self.fields) if name not in known and name not in self.decided]
        if not_fields:  # a value loss ("channel") has no attribute to test: its hook decides it
            raise AssertionError(f"{self.tag}: not fields of {self.command.__name__}: {', '.join(not_fields)}")

    @property
    def capability(self) -> Capability:
        support = self.support or (Support.PARTIAL if self.lost else Support.NATIVE)
        return Capability(support=support, note=self.note, fields=self.lost)


class RouteTable:
    """A dialect's command routes and the tables derived from them.

    ``unsupported``: canonical class -> the note naming the alternative, for every command no route
    says. ``tag_field``: the wire attribute holding the tag, when the wire shape holds it (Chirp's
    ``type``); encoding fills it. ``wire_path``: where the wire shape sits in the message ("$", or
    SignalWire's "$.params"), the root of the paths generic decoders report errors at. Refuses at
    construction a command both routed and unsupported, a command neither, and two routes encoding
    one command or decoding one tag.
    """

    def __init__(
        self,
        routes: Iterable[Route],
        *,
        unsupported: Mapping[type, str],
        tag_field: str | None = None,
        wire_path: str = "$",
        dialect: str = "",
    ) -> None:
        self.routes = tuple(routes)
        self.tag_field = tag_field
        self.wire_path = wire_path
        encoding: dict[type, Route] = {}
        decoding: dict[str, Route] = {}
        for route in self.routes:
            if route.encodes:
                if route.command in encoding:
                    raise AssertionError(f"{dialect}: two routes encode {route.command.__name__}")
                encoding[route.command] = route
            if route.decodes:
                if route.tag in decoding:
                    raise AssertionError(f"{dialect}: two routes decode {route.tag!r}")
                decoding[route.tag] = route
        both = sorted(cls.__name__ for cls in encoding if cls in unsupported)
        missing = sorted(cls.__name__ for cls in COMMANDS if cls not in encoding and cls not in unsupported)
        if both or missing:
            raise AssertionError(f"{dialect}: routed and unsupported: {both}; neither: {missing}")
        self.capabilities: Mapping[type, Capability] = {
            cls: encoding[cls].capability
            if cls in encoding
            else Capability(support=Support.UNSUPPORTED, note=unsupported[cls])
            for cls in COMMANDS
        }
        #: wire tag -> (wire shape, decoder): what ``route_for`` looks a message up in.
        self.decoders: Mapping[str, tuple[type | None, Decoder]] = {
            tag: (route.wire, _decoder(route, wire_path)) for tag, route in decoding.items()
        }
        #: canonical class -> the tag its encoding route writes.
        self.tags: Mapping[type, str] = {cls: route.tag for cls, route in encoding.items()}
        #: canonical class -> encoder (the wire shape's instance, or what the hook returns).
        self.encoders: Mapping[type, Encoder] = {cls: _encoder(route, tag_field) for cls, route in encoding.items()}


def _field_path(route: Route, field: str, base: str) -> str:
    """The wire path of an error a canonical constructor raised for ``field`` (``url``, ``media[0].url``)
    in the wire shape at ``base``."""
    head, sep, rest = field.partition(".")
    name, bracket, index = head.partition("[")
    attribute = route.fields.get(name)
    if attribute is None or route.wire is None:
        return base
    key = wire_key(route.wire, attribute) or attribute
    return join_path(f"{base}.{key}" + (bracket + index if bracket else ""), sep + rest if sep else "")


def _decoder(route: Route, base: str) -> Decoder:
    if route.decode is not None:
        return route.decode
    command, pairs = route.command, tuple(route.fields.items())

    def decode(wire: Any, *context: Any) -> Command:
        values = {name: value for name, attribute in pairs if (value := getattr(wire, attribute)) is not None}
        try:
            made: Command = command(**values)
        except InvalidValue as exc:
            raise InvalidMessage(_field_path(route, exc.field, base), exc.reason) from None
        return made

    return decode


def _encoder(route: Route, tag_field: str | None) -> Encoder:
    dropped = tuple(name for name in route.lost if name not in route.decided and name not in route.required)
    required, hook, shape, pairs = route.required, route.encode, route.wire, tuple(route.fields.items())
    tag = {tag_field: route.tag} if tag_field is not None else {}

    def encode(command: Any, ctx: Encoding, *context: Any) -> Any:
        for name in required:
            if getattr(command, name) is None:
                ctx.lose(name, droppable=False)
        if hook is not None:
            wire = hook(command, ctx, *context)
        elif shape is None:
            wire = None
        else:
            wire = shape(**tag, **{attribute: getattr(command, name) for name, attribute in pairs})
        for name in dropped:
            if getattr(command, name) is not None:
                ctx.lose(name)
        return wire

    return encode
