"""Route tables: each command route of a dialect declared once, and what is derived from it.

A :class:`Route` says how one canonical command is one wire message: the wire's name for it, its
wire shape, the fields carried as they are (canonical attribute -> wire attribute), the fields the
dialect cannot say and why, and hooks for what a plain field map cannot say. A :class:`RouteTable`
derives from its routes what each dialect used to write by hand, each in its own place: the decode
table (wire tag -> wire shape and decoder), the encode table (canonical class -> encoder), the
capability table (the matrix, the docs and the encode policy all read it), and the wire path of
each carried field (for errors a canonical constructor raises).

An :class:`EventRoute` says the same of one webhook event: one canonical event class as one wire
event name. An :class:`EventRouteTable` derives from its routes the event decode table (wire name ->
wire shape and decoder), the event encode table (canonical class -> encoder) and the event
capability table. What the framed routes share around their wire shape (an envelope, a header) is
declared once, as the table's :class:`EventFrame`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from typing import Any

import attrs

from callglot._frozen import frozen
from callglot.canonical import COMMANDS, Command
from callglot.capabilities import Capability, Support
from callglot.errors import InvalidMessage, InvalidValue

from ._base import Encoding, lose_set
from ._structure import join_path, wire_key

__all__ = ["Codec", "EventFrame", "EventRoute", "EventRouteTable", "Route", "RouteTable"]

#: ``decoder(wire value, *context)``, ``encoder(command, encoding, *context)``: the context is whatever
#: the dialect passes its hooks (SignalWire: its decoding notes, its control-id source); generic
#: decoders and encoders ignore it.
Decoder = Callable[..., Command]
Encoder = Callable[..., Any]


def _own_dict(value: Mapping[str, Any]) -> dict[str, Any]:
    """A table's mapping, copied: a caller's dict changed later does not change the route."""
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
    fields: Mapping[str, str] = attrs.field(factory=dict, converter=_own_dict, hash=False)
    lost: Mapping[str, str] = attrs.field(factory=dict, converter=_own_dict, hash=False)
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
        lose_set(command, dropped, ctx)
        return wire

    return encode


# ---------------------------------------------------------------- event routes

#: ``decoder(wire value, base path, header, *context)`` -> the event: ``header`` is what the dialect's
#: frame decoded (``{"call_id": ..., "sequence": ...}``; empty for an unframed route), passed to the
#: event class as it is. ``encoder(event, encoding, *context)`` -> ``(wire name, wire value, header)``:
#: the header is the frame's entries (wire key -> value, None left out), None for an unframed route.
#: The context is whatever the dialect passes its hooks (SignalWire: the envelope's origin); the
#: gateway passes none.
EventDecoder = Callable[..., Any]
EventEncoder = Callable[..., tuple[str, Any, "dict[str, Any] | None"]]
#: An event route's decode hook ``(wire value, base path, *context) -> {canonical field: value}`` and
#: encode hook ``(event, encoding, carried, *context) -> {wire attribute: value}`` (``carried``: the wire
#: attributes the generic part carried and converted so far; a frame's hook returns header entries).
EventDecodeHook = Callable[..., Mapping[str, Any]]
EventEncodeHook = Callable[..., "Mapping[str, Any] | None"]


@frozen(kw_only=True)
class Codec:
    """How a carried field's value changes on the wire (milliseconds for seconds, a checked pattern).

    ``decode(wire value, its JSON path)``: the canonical value, or InvalidMessage at that path.
    ``encode(canonical value, canonical field, encoding)``: the wire value, or None once it called
    ``encoding.lose(field, ...)`` (a field whose conversion can lose must be declared ``lost``). Neither
    is called for None: an absent value stays absent.
    """

    decode: Callable[[Any, str], Any]
    encode: Callable[[Any, str, Encoding], Any]


def _walk_check(
    owner: str,
    cls: type,
    lost: Mapping[str, str],
    fields: Mapping[str, str],
    convert: Mapping[str, Codec],
    decided: tuple[str, ...],
    required: tuple[str, ...],
    order: tuple[str, ...],
    after: tuple[str, ...],
) -> None:
    known = attrs.fields_dict(cls)
    not_fields = [name for name in (*lost, *fields) if name not in known]
    if not_fields:
        raise AssertionError(f"{owner}: not fields of {cls.__name__}: {', '.join(not_fields)}")
    undeclared = [name for name in (*decided, *required, *order, *after) if name not in lost]
    if undeclared:
        raise AssertionError(f"{owner}: decided, required or ordered but not declared lost: {', '.join(undeclared)}")
    not_carried = [name for name in (*convert, *required) if name not in fields]
    if not_carried:
        raise AssertionError(f"{owner}: converted or required but not carried: {', '.join(not_carried)}")
    twice = [name for name in order if name in after]
    if twice or len(set(order)) != len(order) or len(set(after)) != len(after):
        raise AssertionError(f"{owner}: walked twice: {', '.join(twice) or 'order or after repeats a field'}")


@frozen(kw_only=True)
class EventFrame:
    """What a dialect's framed event routes share around their wire shape: an envelope or a header.

    ``lost``: the frame's losses, in the matrix's order; they head the capability of every event class
    routed framed (before the route's own ``lost``, unless the routes place them). ``fields``: canonical
    attribute -> header key, carried as it is (``call_id`` -> ``session_uuid``); also where a canonical
    constructor's error on that attribute is reported (``$.<key>``); ``paths``: that JSON path for
    other header attributes (Chirp's ``origin``). ``convert``, ``required``, ``decided``, ``order``,
    ``after``: as an :class:`EventRoute`'s. ``encode``: the hook, run after the frame's own losses,
    returning header entries of its own (``sequence``). Encoding runs the frame before the route (and
    before the route is chosen), its ``after`` fields once the route ran; decoding the frame (which
    form, which header) is the dialect's: it passes the header to the route's decoder.
    """

    lost: Mapping[str, str] = attrs.field(factory=dict, converter=_own_dict, hash=False)
    fields: Mapping[str, str] = attrs.field(factory=dict, converter=_own_dict, hash=False)
    convert: Mapping[str, Codec] = attrs.field(factory=dict, converter=_own_dict, hash=False)
    required: tuple[str, ...] = ()
    decided: tuple[str, ...] = ()
    order: tuple[str, ...] = ()
    after: tuple[str, ...] = ()
    encode: EventEncodeHook | None = None
    paths: Mapping[str, str] = attrs.field(factory=dict, converter=_own_dict, hash=False)

    def check(self, event: type) -> None:
        _walk_check(
            "frame", event, self.lost, self.fields, self.convert, self.decided, self.required, self.order, self.after
        )
        if self.decided and self.encode is None:
            raise AssertionError(f"frame: {', '.join(self.decided)} decided by an encode hook it lacks")


@frozen(kw_only=True)
class EventRoute:
    """One canonical event class as one wire event (a webhook's ``event`` name and its shape).

    ``event``: the canonical class; ``name``: the wire's name for it. ``wire``: the wire shape of the
    route's part of the message (the envelope's data for a framed route, the whole message for an
    unframed one), None when the name alone says it. ``framed``: the route sits in the table's
    :class:`EventFrame` (every route of one class alike). ``note``: the class's capability note, given
    on its first route (a later route of the class leaves it empty). ``lost``: what the class may
    lose, in the order the matrix lists them; every route of a class declares the same (one
    capability per class: share one mapping); each route carries some of them, drops the rest.

    ``values``: canonical attribute -> the value this wire name implies (``state``: ``CREATED``).
    Decoding sets them. Encoding picks the route by the first (the class's *selector*): the route
    with the event's value (of several, the first with the most ``values`` that the event has all of,
    else the one with the fewest), else the route that ``approximates`` it (writes it, the selector lost,
    droppable), else the class's ``fallback`` route (the selector lost, not droppable, at its place
    below), else the selector is refused (not droppable) before any route runs. An event whose other
    ``values`` differ loses that field, not droppable.

    ``fields``: canonical attribute -> wire attribute, carried both ways (an absent wire field is the
    canonical default); ``convert``: a :class:`Codec` for those that change on the way (milliseconds,
    a checked id). ``required``: carried fields the wire cannot do without: None is refused (not
    droppable) at the field's place below.

    Encoding walks the route's ``lost`` fields, ``order`` first (the order the dialect meets them
    in, when not the matrix's), then the rest in ``lost`` order, except ``after``; then runs the
    ``encode`` hook; then walks ``after``. At each: a ``decided`` field is the hook's; the selector
    and ``values`` are checked as above; a carried field is converted (a Codec may lose it) or
    refused if required and None; any other is dropped when set (refused under STRICT, reported
    under LENIENT). The hook returns wire attributes to add to those carried (those not lost are
    carried first); the wire shape is built from both (with the table's ``tag_field``, when the shape
    has it). Decoding runs the ``decode`` hook first, then converts the carried fields in ``fields``
    order, and builds the event from the frame's header, ``values``, carried fields and the hook's
    (None left out); a canonical constructor's error is reported at the field's wire path (``paths``:
    canonical attribute -> that path below the base, or a function of the wire value giving it, for a
    value the hook gives). ``decodes``/``encodes``: False for a wire form only one way; ``support``:
    declared for an emulation, otherwise NATIVE without losses, PARTIAL with.
    """

    event: type
    name: str
    wire: type | None = None
    framed: bool = True
    note: str = ""
    fields: Mapping[str, str] = attrs.field(factory=dict, converter=_own_dict, hash=False)
    convert: Mapping[str, Codec] = attrs.field(factory=dict, converter=_own_dict, hash=False)
    values: Mapping[str, Any] = attrs.field(factory=dict, converter=_own_dict, hash=False)
    approximates: tuple[Any, ...] = ()
    fallback: bool = False
    lost: Mapping[str, str] = attrs.field(factory=dict, converter=_own_dict, hash=False)
    decided: tuple[str, ...] = ()
    required: tuple[str, ...] = ()
    order: tuple[str, ...] = ()
    after: tuple[str, ...] = ()
    decode: EventDecodeHook | None = None
    encode: EventEncodeHook | None = None
    paths: Mapping[str, Any] = attrs.field(factory=dict, converter=_own_dict, hash=False)
    decodes: bool = True
    encodes: bool = True
    support: Support | None = None

    def __attrs_post_init__(self) -> None:
        owner = f"{self.event.__name__} {self.name}"
        _walk_check(
            owner, self.event, self.lost, self.fields, self.convert, self.decided, self.required, self.order, self.after
        )
        if self.decided and self.encode is None:
            raise AssertionError(f"{owner}: {', '.join(self.decided)} decided by an encode hook it lacks")
        unknown = [name for name in (*self.values, *self.paths) if name not in attrs.fields_dict(self.event)]
        if unknown:
            raise AssertionError(f"{owner}: values or paths of no field: {', '.join(unknown)}")
        unchecked = [name for name in list(self.values)[1:] if name not in self.lost]
        if unchecked:  # encoding checks a value where its field is walked: a lost field
            raise AssertionError(f"{owner}: values beyond the selector not declared lost: {', '.join(unchecked)}")
        if (self.approximates or self.fallback) and (not self.values or next(iter(self.values)) not in self.lost):
            raise AssertionError(f"{owner}: approximates or falls back on a selector it does not declare lost")


class EventRouteTable:
    """A dialect's event routes and the tables derived from them.

    ``unsupported``: canonical class -> the note naming the alternative, for every event class
    (``callglot.canonical.events.EVENTS``) no route says. ``frame``: what the framed routes share.
    ``tag_field``: the wire attribute holding the wire name in shapes that have it (an unframed
    message's ``event``); encoding fills it. ``pick``: canonical class -> a function naming the route
    (its wire name) that encodes an event, for a class whose routes no selector tells apart.
    ``member_paths``: False reports a constructor's error on a member of a field (``metadata.a``,
    ``urls[3]``) at the field's path (Chirp). ``build_wire``: False has an encoder give the wire
    attributes it carried (a dict) instead of the wire shape built of them, for a dialect that only
    reads them back (SignalWire: building the shape cost over a microsecond an event); such a table
    has no ``tag_field``. Refuses at construction a class both routed and unsupported, a class
    neither, two routes decoding one name, a class whose routes disagree on ``lost``, ``framed`` or
    the selector, and a class of several routes without a selector or a ``pick``.

    Derived: ``capabilities`` (every class in EVENTS order: the frame's losses then the route's, the
    first route's note; a class whose routes list the frame's losses, all of them with the frame's
    notes, has them where its routes place them), ``decoders`` (wire name -> (wire shape, decoder)),
    ``encoders`` (class -> encoder), ``by_name`` (wire name -> its decoding route).
    """

    def __init__(
        self,
        routes: Iterable[EventRoute],
        *,
        unsupported: Mapping[type, str],
        frame: EventFrame | None = None,
        tag_field: str | None = None,
        pick: Mapping[type, Callable[[Any], str]] | None = None,
        dialect: str = "",
        member_paths: bool = True,
        build_wire: bool = True,
    ) -> None:
        from callglot.canonical.events import EVENTS

        if tag_field is not None and not build_wire:
            raise AssertionError(f"{dialect}: a tag_field is filled in built wire shapes: build_wire False has none")
        pick = pick or {}
        self.routes = tuple(routes)
        self.frame = frame
        by_class: dict[type, list[EventRoute]] = {}
        decoding: dict[str, EventRoute] = {}
        for route in self.routes:
            if route.framed and frame is None:
                raise AssertionError(f"{dialect}: {route.name} is framed but the table has no frame")
            if route.decodes:
                if route.name in decoding:
                    raise AssertionError(f"{dialect}: two routes decode {route.name!r}")
                decoding[route.name] = route
            by_class.setdefault(route.event, []).append(route)
        both = sorted(cls.__name__ for cls in by_class if cls in unsupported)
        missing = sorted(cls.__name__ for cls in EVENTS if cls not in by_class and cls not in unsupported)
        if both or missing:
            raise AssertionError(f"{dialect}: routed and unsupported: {both}; neither: {missing}")
        capabilities: dict[type, Capability] = {}
        for cls, group in by_class.items():
            first = group[0]
            for route in group[1:]:
                if list(route.lost.items()) != list(first.lost.items()) or route.framed != first.framed:
                    raise AssertionError(f"{dialect}: the routes of {cls.__name__} disagree on lost or framed")
                if route.note and route.note != first.note:
                    raise AssertionError(f"{dialect}: {route.name}: the note of {cls.__name__} is its first route's")
            encoding = [route for route in group if route.encodes]
            selectors = {next(iter(route.values), None) for route in encoding}
            if len(encoding) > 1 and cls not in pick and (len(selectors) != 1 or None in selectors):
                raise AssertionError(f"{dialect}: the routes of {cls.__name__} need one selector (values' first key)")
            framing: Mapping[str, str] = {}  # the frame's losses, when the routes do not place them
            if frame is not None and first.framed:
                frame.check(cls)
                overlap = {name: note for name, note in first.lost.items() if name in frame.lost}
                if overlap and overlap != dict(frame.lost):
                    raise AssertionError(f"{dialect}: {cls.__name__} declares some of the frame's losses: {overlap}")
                framing = {} if overlap else frame.lost
            lost = {**framing, **first.lost}
            support = next((route.support for route in group if route.support is not None), None)
            capabilities[cls] = Capability(
                support=support or (Support.PARTIAL if lost else Support.NATIVE), note=first.note, fields=lost
            )
        self.capabilities: Mapping[type, Capability] = {
            cls: capabilities[cls]
            if cls in capabilities
            else Capability(support=Support.UNSUPPORTED, note=unsupported[cls])
            for cls in EVENTS
        }
        frame_paths = (
            {} if frame is None else {**{name: f"$.{key}" for name, key in frame.fields.items()}, **frame.paths}
        )
        #: wire name -> its decoding route.
        self.by_name: Mapping[str, EventRoute] = decoding
        #: wire name -> (wire shape, decoder).
        self.decoders: Mapping[str, tuple[type | None, EventDecoder]] = {
            name: (route.wire, _event_decoder(route, frame_paths if route.framed else {}, member_paths))
            for name, route in decoding.items()
        }
        walks: list[tuple[type, _Walk]] = []
        #: canonical class -> encoder.
        self.encoders: Mapping[type, EventEncoder] = {
            cls: _event_encoder(
                [route for route in group if route.encodes],
                frame if group[0].framed else None,
                tag_field,
                walks,
                build_wire,
            )
            if cls not in pick
            else _picked(
                pick[cls],
                {
                    r.name: _event_encoder([r], frame if r.framed else None, tag_field, walks, build_wire)
                    for r in group
                    if r.encodes
                },
            )
            for cls, group in by_class.items()
            if any(route.encodes for route in group)
        }
        #: (canonical class, walk) of every encoder's frame and routes: what the test comparing each
        #: walk's generated code with its reference loop walks.
        self.walks: tuple[tuple[type, _Walk], ...] = tuple(walks)


def _picked(pick: Callable[[Any], str], encoders: Mapping[str, EventEncoder]) -> EventEncoder:
    def encode(event: Any, ctx: Encoding, *context: Any) -> tuple[str, Any, dict[str, Any] | None]:
        return encoders[pick(event)](event, ctx, *context)

    return encode


def _event_decoder(route: EventRoute, frame_paths: Mapping[str, str], members: bool = True) -> EventDecoder:
    cls, hook, values, shape = route.event, route.decode, tuple(route.values.items()), route.wire
    keys = {
        name: (wire_key(shape, attribute) if shape is not None else None) or attribute
        for name, attribute in route.fields.items()
    }
    carried = tuple((name, attribute, keys[name], route.convert.get(name)) for name, attribute in route.fields.items())
    paths = route.paths

    def decode(wire: Any, base: str, header: Mapping[str, Any], *context: Any) -> Any:
        made: dict[str, Any] = dict(values)
        if hook is not None:
            made.update(hook(wire, base, *context))
        for name, attribute, key, codec in carried:
            value = getattr(wire, attribute)
            if value is not None and codec is not None:
                value = codec.decode(value, f"{base}.{key}")
            made[name] = value
        try:
            return cls(**header, **{name: value for name, value in made.items() if value is not None})
        except InvalidValue as exc:
            head, _, rest = (exc.field if members else _FIELD_END.split(exc.field, maxsplit=1)[0]).partition("[")
            path = paths.get(head)
            if callable(path):
                path = path(wire)
            where = frame_paths.get(head) or f"{base}.{path or keys.get(head, head)}"
            raise InvalidMessage(where + (f"[{rest}" if rest else ""), exc.reason) from None

    return decode


_FIELD_END = re.compile(r"[.\[]")
_DROP, _CARRY, _VALUE, _SELECT = 0, 1, 2, 3  # the kinds of a walk's steps


class _Walk:
    """One route's (or the frame's) encode walk, compiled once: a step per field.

    ``carry_plain`` and ``run`` walk the steps one by one: the reference. Encoding calls ``run_before``
    (the plain fields, then the steps before the hook) and ``run_after`` (the steps after it), the same
    steps as straight-line code generated on first use: a loop over the steps cost about a microsecond
    per event. A property test compares both.
    """

    def __init__(
        self,
        lost: Mapping[str, str],
        fields: Mapping[str, str],
        convert: Mapping[str, Codec],
        decided: tuple[str, ...],
        required: tuple[str, ...],
        order: tuple[str, ...],
        after: tuple[str, ...],
        values: Mapping[str, Any],
        selector: str | None,
        route: EventRoute | None = None,
        label: str = "frame",
    ) -> None:
        def step(name: str) -> tuple[int, str, Any, Any]:
            if name == selector:
                return (_SELECT, name, None, None)
            if name in values:
                return (_VALUE, name, values[name], None)
            if name in fields:
                return (_CARRY, name, fields[name], convert.get(name))
            return (_DROP, name, None, None)

        walked = [*order, *(name for name in lost if name not in order and name not in after)]
        self.before = tuple(step(name) for name in walked if name not in decided)  # a decided field is the hook's
        self.after = tuple(step(name) for name in after if name not in decided)
        self.plain = tuple(
            (name, attribute, convert.get(name)) for name, attribute in fields.items() if name not in lost
        )
        self.required = frozenset(required)
        self.route = route
        self.label = label
        self.run_before: Callable[[Any, Encoding, dict[str, Any]], None] = self._compiled_before
        self.run_after: Callable[[Any, Encoding, dict[str, Any]], None] = self._compiled_after

    def _compiled_before(self, event: Any, ctx: Encoding, carried: dict[str, Any]) -> None:
        self._compile()
        self.run_before(event, ctx, carried)

    def _compiled_after(self, event: Any, ctx: Encoding, carried: dict[str, Any]) -> None:
        self._compile()
        self.run_after(event, ctx, carried)

    def _compile(self) -> None:
        """Replace ``run_before`` and ``run_after`` by their generated code (see the class)."""
        namespace: dict[str, Any] = {}
        before = _plain_source(self.plain, namespace) + self._steps_source(self.before, namespace)
        after = self._steps_source(self.after, namespace)
        source = (
            "def run_before(event, ctx, carried):\n" + "".join(before or ["    pass\n"])
            + "def run_after(event, ctx, carried):\n" + "".join(after or ["    pass\n"])
        )  # fmt: skip
        exec(compile(source, f"<callglot event walk {self.label}>", "exec"), namespace)
        self.run_before, self.run_after = namespace["run_before"], namespace["run_after"]

    def _steps_source(self, steps: tuple[tuple[int, str, Any, Any], ...], namespace: dict[str, Any]) -> list[str]:
        """What :meth:`run` does for ``steps``, a few lines per step (constants bound in ``namespace``)."""
        lines = []
        for kind, name, extra, codec in steps:
            assert name.isidentifier()
            here = f"_{len(namespace)}"
            if kind is _DROP:
                lines += [f"    if event.{name} is not None:\n", f"        ctx.lose({name!r})\n"]
            elif kind is _CARRY:
                lines.append(f"    value = event.{name}\n")
                if name in self.required:
                    lines += ["    if value is None:\n", f"        ctx.lose({name!r}, droppable=False)\n"]
                if codec is not None:
                    namespace[here] = codec.encode
                    lines.append("    else:\n" if name in self.required else "    if value is not None:\n")
                    lines.append(f"        value = {here}(value, {name!r}, ctx)\n")
                lines.append(f"    carried[{extra!r}] = value\n")
            elif kind is _VALUE:
                namespace[here] = extra
                lines += [f"    if event.{name} != {here}:\n", f"        ctx.lose({name!r}, droppable=False)\n"]
            else:
                assert self.route is not None
                namespace[here] = self.route.values[name]
                namespace[f"{here}_approximates"] = self.route.approximates
                lines += [
                    f"    value = event.{name}\n",
                    f"    if value != {here}:\n",
                    f"        ctx.lose({name!r}, droppable=value in {here}_approximates)\n",
                ]
        return lines

    def run(
        self,
        steps: tuple[tuple[int, str, Any, Any], ...],
        event: Any,
        ctx: Encoding,
        carried: dict[str, Any],
        route: EventRoute | None,
    ) -> None:
        for kind, name, extra, codec in steps:
            value = getattr(event, name)
            if kind is _DROP:
                if value is not None:
                    ctx.lose(name)
            elif kind is _CARRY:
                if value is None:
                    if name in self.required:
                        ctx.lose(name, droppable=False)
                elif codec is not None:
                    value = codec.encode(value, name, ctx)
                carried[extra] = value
            elif kind is _VALUE:
                if value != extra:
                    ctx.lose(name, droppable=False)
            else:  # the selector: the route was picked by it (or approximates it, or falls back)
                assert route is not None
                if value != route.values[name]:
                    ctx.lose(name, droppable=value in route.approximates)

    def carry_plain(self, event: Any, ctx: Encoding, carried: dict[str, Any]) -> None:
        for name, attribute, codec in self.plain:
            value = getattr(event, name)
            carried[attribute] = value if value is None or codec is None else codec.encode(value, name, ctx)


def _plain_source(plain: tuple[tuple[str, str, Codec | None], ...], namespace: dict[str, Any]) -> list[str]:
    """What :meth:`_Walk.carry_plain` does, a line or three per field."""
    lines = []
    for name, attribute, codec in plain:
        assert name.isidentifier()
        if codec is None:
            lines.append(f"    carried[{attribute!r}] = event.{name}\n")
            continue
        here = f"_{len(namespace)}"
        namespace[here] = codec.encode
        lines += [
            f"    value = event.{name}\n",
            f"    carried[{attribute!r}] = value if value is None else {here}(value, {name!r}, ctx)\n",
        ]
    return lines


def _has_values(event: Any, route: EventRoute) -> bool:
    return all(getattr(event, name) == value for name, value in route.values.items())


def _event_encoder(
    routes: list[EventRoute],
    frame: EventFrame | None,
    tag_field: str | None,
    walks: list[tuple[type, _Walk]],
    build_wire: bool = True,
) -> EventEncoder:
    selector = next(iter(routes[0].values), None)
    frame_walk = None
    if frame is not None:
        frame_walk = _Walk(
            frame.lost,
            frame.fields,
            frame.convert,
            frame.decided,
            frame.required,
            frame.order,
            frame.after,
            {},
            None,
            label=f"{routes[0].event.__name__} frame",
        )
    compiled = []
    for route in routes:
        tagged = tag_field is not None and route.wire is not None and tag_field in attrs.fields_dict(route.wire)
        tag: dict[str, str] = {tag_field: route.name} if tagged and tag_field is not None else {}
        walk = _Walk(
            {name: note for name, note in route.lost.items() if frame is None or name not in frame.lost},
            route.fields,
            route.convert,
            route.decided,
            route.required,
            route.order,
            route.after,
            route.values,
            selector,
            route,
            f"{route.event.__name__} {route.name}",
        )
        compiled.append((route, walk, tag))
        walks.append((route.event, walk))
    if frame_walk is not None:
        walks.append((routes[0].event, frame_walk))
    exact: dict[Any, list[Any]] = {}  # selector value -> its routes, the most values first
    if selector is not None:
        for entry in sorted(compiled, key=lambda entry: -len(entry[0].values)):
            exact.setdefault(entry[0].values[selector], []).append(entry)
    approximate = {value: entry for entry in compiled for value in entry[0].approximates}
    fallback = next((entry for entry in compiled if entry[0].fallback), None)
    frame_hook = None if frame is None else frame.encode

    def encode(event: Any, ctx: Encoding, *context: Any) -> tuple[str, Any, dict[str, Any] | None]:
        found: dict[str, Any] = {}
        if frame_walk is not None:
            frame_walk.run_before(event, ctx, found)
            if frame_hook is not None:
                found.update(frame_hook(event, ctx, found, *context) or {})
        if selector is None:
            entry = compiled[0]
        else:
            value = getattr(event, selector)
            options = exact.get(value)
            if options:
                entry = next((option for option in options[:-1] if _has_values(event, option[0])), options[-1])
            else:
                entry = approximate.get(value) or fallback  # type: ignore[assignment]
            if entry is None:
                ctx.lose(selector, droppable=False)
                raise AssertionError("unreachable")  # pragma: no cover
        route, walk, tag = entry
        carried: dict[str, Any] = {}
        walk.run_before(event, ctx, carried)
        if route.encode is not None:
            carried.update(route.encode(event, ctx, carried, *context) or {})
        walk.run_after(event, ctx, carried)
        if route.wire is None:
            wire = None
        elif build_wire:
            wire = route.wire(**tag, **carried)
        else:
            wire = carried  # the attributes as they are (no tag_field: the table refuses one)
        if frame_walk is None:
            return route.name, wire, None
        frame_walk.run_after(event, ctx, found)
        return route.name, wire, {key: value for key, value in found.items() if value is not None}

    return encode
