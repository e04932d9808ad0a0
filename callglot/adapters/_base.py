"""What every dialect shares: the Dialect contract, wire helpers, encode context.

Adapters are pure codecs (no I/O). Each dialect module declares its wire
classes, a route table and a capability table; this module turns those into
``encode``/``decode`` with uniform errors and policy handling. Wire shapes
are structured by :mod:`._structure` (strict converters, errors at JSON paths).
"""

from __future__ import annotations

import copy
import re
import typing
from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any, ClassVar, Final

import attrs

from callglot._frozen import frozen
from callglot._wire import HttpRequest, HttpResponse
from callglot.adapters._structure import UnexpectedFields, _json_type
from callglot.adapters.testing import TestProfile
from callglot.canonical import COMMANDS, TAGS, Command
from callglot.canonical._validators import has_lone_surrogate
from callglot.canonical.types import UNKNOWN_FIELDS, FrozenJson, freeze_json, thaw_json
from callglot.capabilities import Action, Adaptation, Capability, Policy, Support, Translation
from callglot.errors import (
    CallglotError,
    DecodeError,
    InvalidMessage,
    InvalidValue,
    UnknownCommand,
    UnsupportedCommand,
    UnsupportedField,
)

if TYPE_CHECKING:  # the events module loads with the first event or response, not with a command translation
    from datetime import datetime

    from callglot.canonical.events import AnyEvent, Event, ProviderError, Receipt, UnknownEvent

__all__ = ["Decoded", "Dialect", "Encoding"]

wire = frozen(kw_only=True)

#: A call id must be one safe path segment (no '/', '..', '%', spaces).
CALL_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:-]{0,127}")


@frozen(kw_only=True)
class Decoded:
    """A decoded command with where it was addressed and its idempotency key.

    ``leniencies`` names the dialect's documented leniency rules that were
    applied to accept a message that strays from the vendor's spec (empty for
    messages in spec form).
    """

    command: Command
    call_id: str | None = None
    command_id: str | None = None
    leniencies: tuple[str, ...] = ()


# ---------------------------------------------------------------- wire helpers


class _Absent:
    """A wire field that was not sent (distinct from an explicit null)."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "<absent>"


#: Default of wire fields that must tell "not sent" from an explicit null.
ABSENT: Any = _Absent()


def header(headers: Mapping[str, str], name: str) -> str | None:
    """The first ``name`` header, whatever its case; None when absent or not a string."""
    lowered = name.lower()
    for key, value in headers.items():
        if type(key) is str and key.lower() == lowered:
            return value if type(value) is str else None
    return None


def _http_date(text: str) -> datetime | None:
    # Imported here: email.utils pulls in socket and the email package (~7 ms of a cold start), and only
    # a Retry-After given as an HTTP-date needs it.
    from datetime import UTC
    from email.utils import parsedate_to_datetime

    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError, OverflowError, AttributeError):
        return None
    return when if when.tzinfo is not None else when.replace(tzinfo=UTC)


#: Encoders write ``Retry-After`` as whole seconds below this (ten digits: what :func:`retry_after` reads).
RETRY_AFTER_LIMIT = 10**10


def retry_after(headers: Mapping[str, str]) -> float | None:
    """``Retry-After`` in seconds: delay-seconds, or an HTTP-date measured from the ``Date`` header (else now).

    The same parser for every dialect. Past dates give 0; a value that is neither form is treated as
    absent, never as an error that would hide the provider's error (reference/security.md §3.2).
    """
    raw = header(headers, "Retry-After")
    if raw is None:
        return None
    raw = raw.strip()
    if 1 <= len(raw) <= 10 and raw.isascii() and raw.isdigit():
        return float(int(raw))
    when = _http_date(raw)
    if when is None:
        return None
    date = header(headers, "Date")
    if date is None or (now := _http_date(date)) is None:
        from datetime import UTC, datetime  # only for a Retry-After given as a date: not at start

        now = datetime.now(UTC)
    try:
        return max(0.0, (when - now).total_seconds())
    except (OverflowError, ValueError):
        return None


#: The origin key of the fields a vendor sent that callglot does not know: ``{dialect: {path: {key: value}}}``.
UNKNOWN = UNKNOWN_FIELDS
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
#: The matrix cell of UnknownEvent in every vendor dialect (the canonical form carries them whole).
UNKNOWN_EVENT_CAPABILITY = Capability(
    support=Support.PARTIAL,
    note="an event type callglot does not model decodes to UnknownEvent, its body kept whole: this dialect's own "
    "encode back to that body unchanged; another dialect's are refused under STRICT and dropped (reported) under "
    "LENIENT",
)

#: Most objects with unknown fields one message may have.
MAX_UNKNOWN_OBJECTS = 64
_UNPLACED = "fields the vendor added that have no place in this message"
_PATH_PART = re.compile(r"\.([^.\[\]]+)|\[([0-9]+)\]")
_T = typing.TypeVar("_T")
_Originated = typing.TypeVar("_Originated", bound="Event | Receipt")


def _locate(body: Any, path: str) -> Any:
    """The value at a JSON path (``$.data.call``, ``$.errors[0]``) in ``body``; None when there is none."""
    if not path.startswith("$"):
        return None
    node, position = body, 1
    while position < len(path):
        match = _PATH_PART.match(path, position)
        if match is None:
            return None
        key, index = match.groups()
        if key is not None:
            if not isinstance(node, dict) or key not in node:
                return None
            node = node[key]
        else:
            if not isinstance(node, list) or int(index) >= len(node):
                return None
            node = node[int(index)]
        position = match.end()
    return node


def take_unknown(decode: Callable[[Any], _T], body: Any) -> tuple[_T, dict[str, dict[str, Any]]]:
    """Decode ``body`` (a vendor's event or response), setting its unknown fields aside.

    A key the wire shape does not know (an :class:`UnexpectedFields` error) is taken out of a copy of
    the body and decoding starts again: the result and ``{path of its object: {key: value}}``. The
    fields a decoder requires and the values it checks are as strict as ever.
    """
    unknown: dict[str, dict[str, Any]] = {}
    copied = False
    for _ in range(MAX_UNKNOWN_OBJECTS):
        try:
            return decode(body), unknown
        except UnexpectedFields as exc:
            if not copied:
                body, copied = copy.deepcopy(body), True
            target = _locate(body, exc.path)
            if not isinstance(target, dict) or not all(type(key) is str and key in target for key in exc.keys):
                raise
            # In the body's order: exc.keys come from a set, whose order varies with the hash seed.
            taken = {key: target[key] for key in target if key in exc.keys}
            for key in taken:
                del target[key]
            try:
                freeze_json(taken, "")
            except InvalidValue as bad:
                raise InvalidMessage(exc.path + bad.field, bad.reason) from None
            unknown.setdefault(exc.path, {}).update(taken)
    raise InvalidMessage("$", f"more than {MAX_UNKNOWN_OBJECTS} objects with unknown fields")


def with_unknown(origin: Any, dialect: str, unknown: Mapping[str, Any]) -> dict[str, Any]:
    """``origin`` with ``dialect``'s unknown fields (``{path: {key: value}}``) under ``origin["unknown"]``."""
    data = {} if origin is None else thaw_json(origin)
    held = data.get(UNKNOWN, {})
    if not isinstance(held, dict) or dialect in held:
        raise InvalidMessage("$", f"unknown fields beside an origin that already holds {dialect}'s")
    data[UNKNOWN] = {**held, dialect: dict(unknown)}
    return data


_Message = typing.TypeVar("_Message", HttpRequest, HttpResponse)


def _with_body(message: _Message, body: Any) -> _Message:
    """``message`` with ``body`` (itself when it is its body: the first, usual, attempt builds nothing)."""
    return message if body is message.body else attrs.evolve(message, body=body)


def _merge_unknown(body: Any, own: Mapping[str, Any], ctx: Encoding, field: str = "origin") -> None:
    """Put a dialect's own unknown fields back where they were; report those that have no place."""
    for path, fields in own.items():
        target = _locate(body, path)
        if isinstance(target, dict) and not set(fields) & set(target):
            target.update(fields)
        else:
            ctx.drop_unknown(_UNPLACED, field)


class at:  # lower case: used like contextlib's helpers, ``with at("$.x"):``
    """Report canonical validation errors raised in the block at wire ``path``.

    A class rather than a ``@contextmanager`` generator: it sits on the hot path of every decode.
    """

    __slots__ = ("path",)

    def __init__(self, path: str) -> None:
        self.path = path

    def __enter__(self) -> None:
        return None

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: object) -> None:
        if isinstance(exc, InvalidValue):
            raise InvalidMessage(self.path, exc.reason) from None


# ---------------------------------------------------------------- encoding context


class Encoding:
    """Collects the report of one encode and applies the policy to each loss."""

    __slots__ = ("_capability", "_command", "_dialect", "policy", "report")

    def __init__(self, dialect: str, command: str, capability: Capability, policy: Policy) -> None:
        self._dialect = dialect
        self._command = command
        self._capability = capability
        self.policy = policy
        self.report: list[Adaptation] = []

    def lose(self, field: str, *, droppable: bool = True) -> None:
        """``field`` (declared in the capability) cannot be said: raise or record."""
        note = self._capability.fields.get(field)
        if note is None:
            raise AssertionError(f"{self._dialect}: undeclared loss of {self._command}.{field}")
        if self.policy is Policy.STRICT or not droppable:
            raise UnsupportedField(self._dialect, self._command, field, note)
        self.report.append(Adaptation(command=self._command, action=Action.DROPPED, field=field, note=note))

    def drop_origin(self) -> None:
        """Record that another vendor's account fields (an event's ``origin``) were left out.

        Never raises, under either policy: an account of one vendor says nothing
        about the call to another (see callglot.canonical.events).
        """
        self.report.append(
            Adaptation(
                command=self._command, action=Action.DROPPED, field="origin", note="another vendor's account fields"
            )
        )

    def drop_unknown(self, note: str, field: str = "origin") -> None:
        """Record that fields a vendor sent and callglot does not know (in ``origin``) were left out.

        Never raises, as :meth:`drop_origin`: they say nothing the canonical value holds.
        """
        self.report.append(Adaptation(command=self._command, action=Action.DROPPED, field=field, note=note))

    def generated(self, field: str, note: str) -> None:
        self.report.append(Adaptation(command=self._command, action=Action.GENERATED, field=field, note=note))


def lose_set(value: Any, names: Iterable[str], ctx: Encoding) -> None:
    """Each of the fields ``names`` that ``value`` sets is a loss: the wire has no place for them."""
    for name in names:
        if getattr(value, name) is not None:
            ctx.lose(name)


# ---------------------------------------------------------------- seconds <-> milliseconds


def to_millis(seconds: float, ctx: Encoding, field: str, maximum: int) -> int | None:
    """Canonical seconds as the wire's whole milliseconds (0..``maximum``), or a loss of ``field``.

    The one rule of every dialect: the conversion is exact when :func:`from_millis` gives the identical
    float back (0.007 s is 7 ms; 0.1 + 0.2 s is not 300 ms, nor is 2.5e-10 s 0 ms). Otherwise STRICT
    raises UnsupportedField and LENIENT rounds to the millisecond and reports the loss. A value outside
    the range (NaN, infinities, huge ints included) has no millisecond to round to: LENIENT drops it
    (None).
    """
    scaled = seconds * 1000
    if not 0 <= scaled <= maximum:  # also refuses NaN; a huge int stays an int here, never inf
        ctx.lose(field)
        return None
    millis = round(scaled)
    if millis / 1000 != seconds:
        ctx.lose(field)  # LENIENT: rounded to the millisecond
    return millis


def from_millis(millis: int, path: str, maximum: int) -> float:
    """The wire's whole milliseconds (0..``maximum``) as canonical seconds; what :func:`to_millis` inverts."""
    if not 0 <= millis <= maximum:
        raise InvalidMessage(path, f"must be 0..{maximum} milliseconds")
    return millis / 1000


# ---------------------------------------------------------------- parts loaded on first use


class on_first_use:  # lower case: read like a function, ``events = on_first_use(".events")``
    """A class attribute loaded on first use: the module ``module`` (relative to the class's package
    when it starts with a dot), or its attribute ``attribute``. The value then replaces this
    descriptor on the class, so later lookups cost what any class attribute costs.

    A dialect's webhook and response parts are not needed to translate a command: declared so, a
    process that only translates commands never imports them.
    """

    def __init__(self, module: str, attribute: str | None = None) -> None:
        self.module = module
        self.attribute = attribute
        self.name = ""

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    def __get__(self, instance: object, owner: type) -> Any:
        from importlib import import_module

        package = owner.__module__ if self.module.startswith(".") else None
        if package is not None and not hasattr(import_module(package), "__path__"):
            package = package.rpartition(".")[0]  # the class sits in a module of the package
        value = import_module(self.module, package)
        if self.attribute is not None:
            value = getattr(value, self.attribute)
        for cls in owner.__mro__:  # replace the descriptor where it was declared
            if cls.__dict__.get(self.name) is self:
                setattr(cls, self.name, value)
                break
        return value


# ---------------------------------------------------------------- the dialect contract


class Dialect:
    """A vendor dialect: encode canonical commands to requests, decode requests back.

    Subclasses set ``name``, ``summary``, ``capabilities`` (every canonical
    command), ``carries_command_id`` and implement ``_encode`` / ``_decode``.
    """

    name: ClassVar[str]
    summary: ClassVar[str] = ""
    schema_file: ClassVar[str]
    capabilities: ClassVar[Mapping[type, Capability]]
    #: Whether the wire has an idempotency key (gateway ``command_uid``).
    carries_command_id: ClassVar[bool] = False
    command_id_note: ClassVar[str] = "the dialect has no idempotency key"
    #: The documented leniency rules ``decode`` may apply (name: what it accepts), see ``Decoded.leniencies``.
    leniencies: ClassVar[Mapping[str, str]] = {}
    #: The leniency rules that set part of a message aside (name: the wire field they drop): the
    #: canonical command cannot hold it, so a translation reports it (see :meth:`decode_losses`).
    dropping_leniencies: ClassVar[Mapping[str, str]] = {}
    #: What the generic tests need to know about the wire and cannot derive (see callglot.adapters.testing).
    test_profile: ClassVar[TestProfile | None] = None

    def decode_losses(self, decoded: Decoded) -> tuple[Adaptation, ...]:
        """What ``decode`` set aside by a leniency rule, as DROPPED adaptations (names only, never values).

        A translation starts from the decoded command, so it reports these before its own adaptations,
        under either policy: the source vendor acts on the normalised message too, so nothing the
        target could say is refused, but nothing is lost silently either.
        """
        if not decoded.leniencies or not self.dropping_leniencies:
            return ()
        command = type(decoded.command).__name__
        return tuple(
            Adaptation(
                command=command,
                action=Action.DROPPED,
                field=self.dropping_leniencies[rule],
                note=f"set aside when decoding {self.name} (leniency rule {rule})",
            )
            for rule in decoded.leniencies
            if rule in self.dropping_leniencies
        )

    # -- encode

    def encode(
        self,
        command: Command,
        *,
        call_id: str | None = None,
        command_id: str | None = None,
        policy: Policy = Policy.STRICT,
    ) -> Translation[HttpRequest]:
        """Encode ``command`` for the call ``call_id``.

        Raises UnsupportedCommand when the dialect cannot say the command at all,
        and (under STRICT) UnsupportedField when a field would be lost.
        """
        cls = type(command)
        name = cls.__name__
        capability = self.capabilities.get(cls)
        if capability is None:
            raise TypeError(f"not a canonical command: {name}")
        if capability.support is Support.UNSUPPORTED:
            raise UnsupportedCommand(self.name, name, capability.note)
        if call_id is not None and (type(call_id) is not str or CALL_ID.fullmatch(call_id) is None):
            raise InvalidValue("call_id", "must be 1..128 characters of letters, digits and ._:- (one path segment)")
        if command_id is not None and (type(command_id) is not str or COMMAND_ID.fullmatch(command_id) is None):
            raise InvalidValue("command_id", "must be 1..128 characters of letters, digits and ._-")
        ctx = Encoding(self.name, name, capability, policy)
        if capability.support is Support.EMULATED:
            ctx.report.append(Adaptation(command=name, action=Action.EMULATED, note=capability.note))
        if command_id is not None and not self.carries_command_id:
            if policy is Policy.STRICT:
                raise UnsupportedField(self.name, name, "command_id", self.command_id_note)
            ctx.report.append(
                Adaptation(command=name, action=Action.DROPPED, field="command_id", note=self.command_id_note)
            )
            command_id = None
        if call_id is None and cls not in self.call_free:
            raise InvalidValue("call_id", f"{name} is addressed to a call: give call_id")
        request = self._encode(command, ctx, call_id, command_id)
        return Translation(value=request, report=tuple(ctx.report))

    #: Commands sent without a call id (they create the call).
    call_free: ClassVar[frozenset[type]] = frozenset()

    def _encode(self, command: Command, ctx: Encoding, call_id: str | None, command_id: str | None) -> HttpRequest:
        raise NotImplementedError

    # -- decode

    def decode(self, request: HttpRequest) -> Decoded:
        """Decode a request; raises DecodeError (with a JSON path) for anything wrong."""
        if not isinstance(request, HttpRequest):
            raise InvalidMessage("$", f"expected an HttpRequest, got {type(request).__name__}")
        if type(request.method) is not str:  # two plain checks: this runs on every decode
            raise InvalidMessage("$", "the method must be a string", part="method")
        if type(request.path) is not str:
            raise InvalidMessage("$", "the path must be a string", part="path")
        try:
            return self._decode(request)
        except (InvalidValue, RecursionError) as exc:  # a canonical constructor outside any at(...) block
            raise _decode_error(exc) from None

    def _decode(self, request: HttpRequest) -> Decoded:
        raise NotImplementedError

    def request_for_body(self, body: Any, call_id: str | None) -> HttpRequest:
        """The request a bare body stands for (CLI input without method and path)."""
        raise InvalidMessage("$", f"{self.name} commands are named by the URL path: give {{method, path, body}}")

    # -- events (webhooks) and responses

    #: Support for every canonical event class (the matrix's second section).
    event_capabilities: ClassVar[Mapping[type, Capability]] = {}
    #: What becomes of the event types callglot does not model (:class:`UnknownEvent`): the matrix's last event row.
    unknown_event_capability: ClassVar[Capability] = UNKNOWN_EVENT_CAPABILITY

    def decode_event(self, request: HttpRequest) -> AnyEvent:
        """Decode a webhook request; raises DecodeError (with a JSON path) for anything wrong.

        An event of a type this dialect does not model decodes to an :class:`UnknownEvent` holding
        its body; a body that is not an event at all (not an object, no event type) is a DecodeError.
        """
        from callglot.canonical.events import UnknownEvent

        if not isinstance(request, HttpRequest):
            raise InvalidMessage("$", f"expected an HttpRequest, got {type(request).__name__}")
        try:
            event, unknown = take_unknown(lambda body: self._decode_event(_with_body(request, body)), request.body)
            if not unknown:
                return event
            if isinstance(event, UnknownEvent):  # kept whole: the body as it came, not the copy set aside
                return unknown_event(self.name, request.body, event.event_type, "$", event.call_id)
            return attrs.evolve(event, origin=with_unknown(event.origin, self.name, unknown))
        except (InvalidValue, RecursionError) as exc:
            raise _decode_error(exc) from None

    @typing.overload
    def encode_event(self, event: Event, *, policy: Policy = ..., path: str = ...) -> Translation[HttpRequest]: ...

    @typing.overload
    def encode_event(
        self, event: AnyEvent, *, policy: Policy = ..., path: str = ...
    ) -> Translation[HttpRequest | None]: ...

    def encode_event(self, event: AnyEvent, *, policy: Policy = Policy.STRICT, path: str = "/") -> Translation[Any]:
        """Encode ``event`` as this dialect's webhook request (POSTed to ``path``).

        An :class:`UnknownEvent` of this dialect is its body again; another dialect's has no event
        here: refused under STRICT, and under LENIENT the value is None with the drop reported.
        """
        from callglot.canonical.events import UnknownEvent

        if isinstance(event, UnknownEvent):
            return self._encode_unknown_event(event, policy, path)
        cls = type(event)
        name = cls.__name__
        capability = self.event_capabilities.get(cls)
        if capability is None:
            raise TypeError(f"not a canonical event: {name}")
        if capability.support is Support.UNSUPPORTED:
            raise UnsupportedCommand(self.name, name, capability.note)
        ctx = Encoding(self.name, name, capability, policy)
        if capability.support is Support.EMULATED:
            ctx.report.append(Adaptation(command=name, action=Action.EMULATED, note=capability.note))
        event, own = self._split_unknown(event, ctx)
        body = self._encode_event(event, ctx)
        if own:
            _merge_unknown(body, own, ctx)
        return Translation(value=HttpRequest(method="POST", path=path, body=body), report=tuple(ctx.report))

    def _encode_unknown_event(self, event: UnknownEvent, policy: Policy, path: str) -> Translation[HttpRequest | None]:
        from callglot.canonical.events import UnknownEvent

        if event.dialect == self.name:  # the body again, once it is checked to read back as this very event
            request = HttpRequest(method="POST", path=path, body=thaw_json(event.body))
            try:
                decoded = self.decode_event(request)
            except CallglotError as exc:
                raise InvalidValue("body", f"is not a {self.name} webhook: {exc}") from None
            if not isinstance(decoded, UnknownEvent):
                raise InvalidValue("body", f"is a {type(decoded).__name__}: {self.name} models it")
            for field in ("event_type", "call_id"):
                if getattr(decoded, field) != getattr(event, field):
                    raise InvalidValue(field, f"the body says {getattr(decoded, field)!r}")
            return Translation(value=request)
        carried = self._carry_unknown_event(event)
        if carried is not None:
            return Translation(value=HttpRequest(method="POST", path=path, body=carried))
        note = (
            f"{event.dialect}'s event type {event.event_type!r} is not modelled by callglot, "
            f"so {self.name} has no event for it"
        )
        if policy is Policy.STRICT:
            raise UnsupportedCommand(self.name, "UnknownEvent", note)
        return Translation(value=None, report=(Adaptation(command="UnknownEvent", action=Action.DROPPED, note=note),))

    def _carry_unknown_event(self, event: UnknownEvent) -> dict[str, Any] | None:
        """The body that carries another dialect's unknown event whole, where this dialect has one."""
        return None

    def decode_response(self, response: HttpResponse) -> Receipt:
        """The receipt of a command's HTTP response; raises ProviderError for any other status.

        Every non-2xx reply is a ProviderError with its status and ``Retry-After``: one in the
        dialect's error form gives its fields, anything else (an empty body, a load balancer's text
        or HTML page, JSON of another shape) keeps its body in ``details["body"]`` (see
        :func:`unrecognised_error`). Raises DecodeError when a 2xx body is not a receipt.
        """
        from callglot.canonical.events import ProviderError

        if not isinstance(response, HttpResponse):
            raise InvalidMessage("$", f"expected an HttpResponse, got {type(response).__name__}")
        if type(response.status) is not int or not 100 <= response.status <= 599:
            raise InvalidMessage("$", "status must be an HTTP status code")
        if 200 <= response.status <= 299:
            try:
                receipt, unknown = take_unknown(
                    lambda body: self._decode_response(_with_body(response, body)), response.body
                )
            except (InvalidValue, RecursionError) as exc:
                raise _decode_error(exc) from None
            if unknown:
                receipt = attrs.evolve(receipt, origin=with_unknown(receipt.origin, self.name, unknown))
            return receipt

        def error_of(body: Any) -> ProviderError:
            try:
                self._decode_response(_with_body(response, body))
            except ProviderError as error:
                return error
            raise InvalidMessage("$", "not an error body")  # pragma: no cover - no dialect answers so

        try:
            error, unknown = take_unknown(error_of, response.body)
            if unknown:  # kept in the details, as an event keeps them in its origin
                error = error.with_details(with_unknown(error.details, self.name, unknown))
        except (DecodeError, InvalidValue, RecursionError):
            raise unrecognised_error(response) from None  # not the dialect's error form: kept as it came
        raise error

    def encode_response(
        self,
        result: Receipt | ProviderError,
        *,
        policy: Policy = Policy.STRICT,
        command: Command | type[Command] | None = None,
    ) -> Translation[HttpResponse]:
        """The HTTP response this dialect sends for ``result`` (a receipt or an error).

        ``command`` is the canonical command the response answers, as a class (``Play``) or an
        instance: what a proxy that translated the command knows. A dialect whose receipts name their
        command (Chirp) takes it from there when the receipt names none (a receipt decoded from
        SignalWire or the gateway); the other dialects ignore it, and so does every dialect for an
        error. A receipt that names another command is refused (InvalidValue).

        An error whose body was not its dialect's error form (``details == {"body": ...}``, see
        :func:`unrecognised_error`) is sent back as it came, with its status and ``Retry-After``,
        when that reads back as the same error here.
        """
        from callglot.canonical.events import ProviderError, Receipt

        name = type(result).__name__
        capability = self.response_capabilities.get(type(result))
        if capability is None:
            raise TypeError(f"not a Receipt or ProviderError: {name}")
        answers: str | None = None
        if command is not None:
            answers = TAGS.get(command if isinstance(command, type) else type(command))
            if answers is None:
                raise TypeError(f"not a canonical command: {getattr(command, '__name__', type(command).__name__)}")
            if isinstance(result, Receipt) and result.command not in (None, answers):
                raise InvalidValue("command", f"the receipt answers {result.command}, not {answers}")
        if isinstance(result, ProviderError):
            reply = self._unrecognised_reply(result)
            if reply is not None:
                return Translation(value=reply, report=())
        ctx = Encoding(self.name, name, capability, policy)
        own = None
        if isinstance(result, Receipt):
            result, own = self._split_unknown(result, ctx)
            if result.origin is not None and not self.keeps_foreign_unknown:  # a receipt has no account fields
                ctx.drop_origin()
                result = attrs.evolve(result, origin=None)
        elif isinstance(result.details, FrozenJson) and UNKNOWN in result.details:
            details, own = self._own_unknown(result.details, ctx, "details")
            result = result.with_details(details)
        reply = self._encode_response(result, ctx, answers)
        if own:
            _merge_unknown(reply.body, own, ctx, "origin" if isinstance(result, Receipt) else "details")
        return Translation(value=reply, report=tuple(ctx.report))

    #: Whether another dialect's unknown fields stay in ``origin`` (the canonical form keeps everything).
    keeps_foreign_unknown: ClassVar[bool] = False

    def _split_unknown(self, value: _Originated, ctx: Encoding) -> tuple[_Originated, dict[str, Any] | None]:
        """``value`` without the unknown fields in its origin, and this dialect's own (to merge back)."""
        origin = value.origin
        if origin is None or UNKNOWN not in origin:
            return value, None
        rest, own = self._own_unknown(origin, ctx)
        return attrs.evolve(value, origin=rest), own

    def _own_unknown(
        self, holder: FrozenJson, ctx: Encoding, field: str = "origin"
    ) -> tuple[dict[str, Any] | None, dict[str, Any] | None]:
        """``holder`` (an origin, an error's details) without its unknown fields; this dialect's own apart."""
        rest = thaw_json(holder)
        unknown = rest.pop(UNKNOWN)
        own = None
        if isinstance(unknown, dict):
            own = unknown.pop(self.name, None)
            if own is not None and not (
                isinstance(own, dict) and all(isinstance(fields, dict) for fields in own.values())
            ):
                own = None
                ctx.drop_unknown(_UNPLACED, field)
        if self.keeps_foreign_unknown and unknown:
            rest[UNKNOWN] = unknown
        elif unknown:
            ctx.drop_unknown("another vendor's fields that callglot does not know", field)
        return rest or None, own

    def _unrecognised_reply(self, error: ProviderError) -> HttpResponse | None:
        """The reply an unrecognised error came from, when it reads back as ``error`` in this dialect."""
        from callglot.canonical.events import ProviderError

        details = error.details
        if type(error.status) is not int or not 100 <= error.status <= 599 or 200 <= error.status <= 299:
            return None
        if error.code is not None or error.parameter is not None or error.kind is not None:
            return None
        if details is None:  # no body: only a status no dialect has an error form for (1xx, 3xx)
            if 400 <= error.status <= 599:
                return None
        elif not (isinstance(details, FrozenJson) and set(details) == {"body"}):
            return None
        headers: dict[str, str] = {}
        seconds = error.retry_after
        if seconds is not None:
            if type(seconds) not in (int, float) or not 0 <= seconds < RETRY_AFTER_LIMIT or seconds != int(seconds):
                return None
            headers["Retry-After"] = str(int(seconds))
        body = None if details is None else thaw_json(details["body"])
        reply = HttpResponse(status=error.status, body=body, headers=headers)
        try:
            self.decode_response(reply)
        except ProviderError as again:
            return reply if again == error else None
        except CallglotError:
            return None
        return None  # pragma: no cover - a non-2xx reply never decodes to a receipt

    #: Receipt and ProviderError: what each cannot carry in this dialect.
    response_capabilities: ClassVar[Mapping[type, Capability]] = {}

    def _decode_event(self, request: HttpRequest) -> AnyEvent:
        raise InvalidMessage("$", f"{self.name} webhooks are not supported yet")

    def _encode_event(self, event: Event, ctx: Encoding) -> dict[str, Any]:
        raise NotImplementedError

    def _decode_response(self, response: HttpResponse) -> Receipt:
        raise InvalidMessage("$", f"{self.name} responses are not supported yet")

    def _encode_response(self, result: Receipt | ProviderError, ctx: Encoding, answers: str | None) -> HttpResponse:
        """``answers``: the tag of the command the response answers, when the caller gave it."""
        raise NotImplementedError

    # -- schema

    #: The package holding this dialect's ``<name>.schema.json`` and ``<name>.events.schema.json``
    #: (callglot's own for the built-in dialects; a plugin dialect ships its own).
    schema_package: ClassVar[str] = "callglot.schemas"

    def schema(self, *, events: bool = False) -> dict[str, Any]:
        """This dialect's JSON Schema (2020-12) of its commands, or of its webhooks (``events``), loaded
        lazily from package data; raises :class:`callglot.schemas.SchemaError` when none ships."""
        from callglot.schemas import load_schema

        return load_schema(f"{self.name}.events" if events else self.name, self.schema_package)

    def validator(self, *, events: bool = False) -> Any:
        """A validator (jsonschema, Draft 2020-12, built once) for :meth:`schema`."""
        from callglot.schemas import validator_for

        return validator_for(f"{self.name}.events" if events else self.name, self.schema_package)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.name!r}>"


#: Longest text of an unrecognised error body kept in ProviderError.details (an HTML error page, say).
MAX_ERROR_TEXT = 4096
#: Message of an unrecognised error response whose status has no standard reason phrase.
UNRECOGNISED_ERROR = "unrecognised error response"


def error_phrase(status: int) -> str:
    """The message of an unrecognised error response: the status's reason phrase (``Bad Gateway``)."""
    from http import HTTPStatus  # only error paths need it

    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return UNRECOGNISED_ERROR


def unrecognised_error(response: HttpResponse) -> ProviderError:
    """The ProviderError for a non-2xx reply that is not the dialect's error form.

    ``status`` and ``retry_after`` as sent; the message is the status's reason phrase; the body, if
    any, is kept in ``details["body"]``: text (or bytes, read as UTF-8) cut at MAX_ERROR_TEXT
    characters, JSON as it came (as its escaped JSON text when it cannot be held as JSON).
    """
    from callglot.canonical.events import ProviderError

    body = response.body
    if isinstance(body, bytes | bytearray):
        body = bytes(body[: MAX_ERROR_TEXT * 4]).decode("utf-8", "replace")
    if type(body) is str:
        body = body[:MAX_ERROR_TEXT].encode("utf-8", "backslashreplace").decode("utf-8")
    details: dict[str, Any] | None = None
    if body is not None:
        try:
            details = {"body": freeze_json({"body": body}, "details")["body"]}
        except (InvalidValue, RecursionError):
            try:
                import json  # an error path: not at start

                details = {"body": json.dumps(body, ensure_ascii=True, default=repr)[:MAX_ERROR_TEXT]}
            except (TypeError, ValueError, RecursionError):
                details = {"body": type(body).__name__}
    return ProviderError(
        response.status, error_phrase(response.status), retry_after=retry_after(response.headers), details=details
    )


def _decode_error(exc: InvalidValue | RecursionError) -> InvalidMessage:
    """Canonical validation and runaway nesting inside a decoder become DecodeErrors."""
    if isinstance(exc, InvalidValue):
        return InvalidMessage(f"$.{exc.field}", exc.reason)
    return InvalidMessage("$", "nesting too deep")


COMMAND_ID = re.compile(r"[a-zA-Z0-9._-]{1,128}")

Decoder = Callable[[Any], Command]


def check_call_id(call_id: str, path: str = "$", *, part: str = "body") -> str:
    if CALL_ID.fullmatch(call_id) is None:
        raise InvalidMessage(path, "call id must be 1..128 characters of letters, digits and ._:-", part=part)
    return call_id


def wrong_method(what: str, method: str) -> InvalidMessage:
    """The error for a request that is not a POST (``what``: "Chirp commands", "webhooks")."""
    return InvalidMessage("$", f"{what} are POSTed, not sent with {method[:16]}", part="method")


def wrong_path(expected: str) -> InvalidMessage:
    """The error for a request whose URL path is not the dialect's (``expected``: its form)."""
    return InvalidMessage("$", f"path must be {expected}", part="path")


def require_call_id(call_id: str | None) -> str:
    """A bare body needs the call id from elsewhere (the CLI's --call-id)."""
    if call_id is None:
        raise InvalidValue("call_id", "a bare body needs a call id: pass --call-id or give {method, path, body}")
    if CALL_ID.fullmatch(call_id) is None:
        raise InvalidValue("call_id", "must be 1..128 characters of letters, digits and ._:- (one path segment)")
    return call_id


def check_capability_table(dialect: type[Dialect]) -> None:
    """Fail at import when a dialect's table misses a canonical command."""
    missing = [cls.__name__ for cls in COMMANDS if cls not in dialect.capabilities]
    if missing:
        raise AssertionError(f"{dialect.name}: no capability for {', '.join(missing)}")


NO_BODY: Final = object()


def enum_value(kind: type[Any], value: str, path: str, allowed: Any = None) -> Any:
    """Map a wire string to ``kind`` (restricted to ``allowed``) or fail at ``path``."""
    options: list[Any] = list(allowed) if allowed is not None else [*kind.__members__.values()]
    for option in options:
        if option.value == value:
            return option
    raise InvalidMessage(path, f"must be one of {', '.join(str(o.value) for o in options)}")


def unknown_event(dialect: str, body: dict[str, Any], event_type: str, type_path: str, call_id: Any) -> UnknownEvent:
    """The :class:`UnknownEvent` of a webhook ``body`` whose ``event_type`` ``dialect`` does not model.

    ``call_id`` is what the body holds where the dialect's events name their call: kept when it is
    a valid call id (the body keeps it either way).
    """
    from callglot.canonical.events import UnknownEvent

    if not event_type or len(event_type) > 256 or has_lone_surrogate(event_type) or _CONTROL.search(event_type):
        shown = event_type if len(event_type) <= 64 else event_type[:61] + "..."
        raise InvalidMessage(type_path, f"not an event type: {shown!r}")
    try:
        frozen = freeze_json(body, "")
    except InvalidValue as bad:
        raise InvalidMessage("$" + bad.field, bad.reason) from None
    call = call_id if type(call_id) is str and CALL_ID.fullmatch(call_id) is not None else None
    return UnknownEvent(dialect=dialect, event_type=event_type, body=frozen, call_id=call)


def route_for(table: Mapping[str, Any], key: Any, path: str, what: str, *, part: str = "body") -> Any:
    """Look ``key`` up in a route table or raise UnknownCommand at ``path`` (of the request's ``part``)."""
    if type(key) is not str:
        raise InvalidMessage(path, f"{what} must be a string, got {_json_type(key)}", part=part)
    try:
        return table[key]
    except KeyError:
        shown = key if len(key) <= 64 else key[:61] + "..."
        raise UnknownCommand(path, f"unknown {what} {shown!r} (valid: {_valid_keys(table)})", part=part) from None


#: id(route table) -> (the table, its keys, route_for's list of them): an unknown name is what a fuzzer or a
#: misconfigured client sends on every request, and joining some 50 names was a third of its refusal. The
#: table is held (its id stays its own) and its keys compared (a table changed since is listed anew); at
#: most _VALID_KEYS_MAX tables, so tables built per call cannot grow it.
_VALID_KEYS: dict[int, tuple[Mapping[str, Any], tuple[Any, ...], str]] = {}
_VALID_KEYS_MAX = 64


def _valid_keys(table: Mapping[str, Any]) -> str:
    keys = tuple(table)
    known = _VALID_KEYS.get(id(table))
    if known is None or known[0] is not table or known[1] != keys:
        if len(_VALID_KEYS) >= _VALID_KEYS_MAX:
            _VALID_KEYS.clear()
        known = (table, keys, ", ".join(name for name in keys if type(name) is str))
        _VALID_KEYS[id(table)] = known
    return known[2]
