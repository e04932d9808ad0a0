"""The canonical dialect: callglot's own JSON form, lossless for every command, event and response.

Commands: ``POST /v1/calls/{call_id}/commands`` with ``{"command": "<tag>", ...}``,
snake_case fields named as the canonical classes name them; ``Dial`` is
``POST /v1/calls``. Nested unions carry a ``type`` tag (media items,
detectors, tap devices, live actions). An optional top-level ``command_id``
is the idempotency key. The schema is the contract other tools can implement.

Events (webhooks): a ``POST`` (to whatever path the receiver chose; decoding
ignores it) whose body is ``{"event": "<tag>", ...fields}``: the tag is
``callglot.canonical.events.EVENT_TAGS[cls]`` (``call_state_changed``,
``playback``, ...), the fields are the attribute names, absent when None
(an explicit null is rejected), enums as their values, tuples as arrays,
JSON fields (``metadata``, ``detail``, ``origin``) as objects. Every field is
kept, ``origin`` included: the canonical form is the lossless intermediate,
so another vendor's account fields (and the fields it sent that callglot does
not know, ``origin["unknown"]``) survive a trip through it. A field this form
does not know, in an event or a receipt, is kept the same way (under
``origin["unknown"]["canonical"]``) and put back when re-encoded. Schema:
``canonical.events.schema.json`` (the body).

Responses to commands (not covered by a schema file; this is the contract):

- a ``Receipt``: HTTP 200 (202 when ``status`` is ``in_progress``) with the body
  ``{"status": "accepted"|"queued"|"in_progress", "call_id"?, "command"?,
  "operation_id"?, "timeout"?, "call"?: {"id", "state"?, "direction"?,
  "source"?, "destination"?, "details"?: {...}}, "origin"?: {...}}``; ``command`` is the canonical
  command tag by convention (any string is carried), ``timeout`` is seconds.
  Any other 2xx status, or a status that disagrees with ``status``, is not
  the canonical form and is rejected.
- a ``ProviderError``: its HTTP status (4xx or 5xx) with the body
  ``{"error": {"message", "code"?, "parameter"?, "kind"?, "details"?: {...},
  "retry_after"?}}``. ``retry_after`` (seconds, 0..1e9) travels in the
  ``Retry-After`` header when it is a whole number of seconds (as HTTP
  allows only integers there: written without leading zeros), and in the
  body's ``retry_after`` otherwise; so every value round-trips exactly. An
  HTTP-date ``Retry-After``, a whole number in the body, or both forms at
  once are rejected. ``decode_response`` raises the ProviderError.

Other response headers are ignored, except ``Retry-After`` on a 2xx, which a
receipt cannot hold and is rejected.
"""

from __future__ import annotations

import enum
import math
import re
import typing
from collections.abc import Callable, Mapping
from typing import Any, ClassVar

import attrs
import cattrs
from cattrs.gen import make_dict_structure_fn, make_dict_unstructure_fn, override

from callglot._wire import HttpRequest, HttpResponse
from callglot.adapters.testing import TestProfile
from callglot.canonical import (
    BY_TAG,
    COMMANDS,
    TAGS,
    AiReset,
    Audio,
    Command,
    Destination,
    Detector,
    Dial,
    DigitCollect,
    DigitDetector,
    FaxDetector,
    FrozenJson,
    LiveAction,
    LiveInject,
    LiveStart,
    LiveStop,
    LiveSummarize,
    MachineDetector,
    Media,
    Ringtone,
    RtpDevice,
    Silence,
    SpeechCollect,
    TapDevice,
    Tts,
    WsDevice,
    freeze_json,
    thaw_json,
)
from callglot.canonical._validators import item_bounds
from callglot.canonical.events import (
    EVENT_TAGS,
    EVENTS,
    AnyEvent,
    CallLeg,
    Event,
    ProviderError,
    Receipt,
    ReceiptStatus,
    TranscriptionEvent,
    UnknownEvent,
    VoicemailReceived,
)
from callglot.capabilities import Capability, native
from callglot.errors import InvalidMessage, InvalidValue

from . import _base, _structure
from ._base import COMMAND_ID, Decoded, Dialect, Encoding, route_for
from ._structure import WireTypeError, structure

#: Tagged unions nested inside commands: union -> {class: tag}.
UNIONS: Mapping[Any, Mapping[type, str]] = {
    Media: {Audio: "audio", Tts: "tts", Silence: "silence", Ringtone: "ringtone"},
    Detector: {MachineDetector: "machine", FaxDetector: "fax", DigitDetector: "digit"},
    TapDevice: {RtpDevice: "rtp", WsDevice: "ws"},
    LiveAction: {LiveStart: "start", LiveSummarize: "summarize", LiveInject: "inject", LiveStop: "stop"},
}
# LiveTranscribe.action is a narrower union than LiveAction.
_LIVE_TRANSCRIBE_ACTION = LiveStart | LiveSummarize | LiveStop
VALUE_CLASSES: tuple[type, ...] = (Destination, DigitCollect, SpeechCollect, AiReset)


def _is_union(tp: Any) -> bool:
    return typing.get_origin(tp) in (typing.Union, getattr(__import__("types"), "UnionType", None))


def _build_converter() -> cattrs.Converter:
    conv = _structure.cattrs_converter()

    conv.register_unstructure_hook_func(
        lambda t: isinstance(t, type) and issubclass(t, enum.Enum), lambda value: value.value
    )

    def structure_json(value: Any, _type: Any) -> FrozenJson:
        if not isinstance(value, dict):
            raise WireTypeError(f"expected a JSON object, got {_structure._json_type(value)}")
        return freeze_json(value, "")  # errors name a path relative to the field (".a", "[0]")

    conv.register_structure_hook(FrozenJson, structure_json)
    conv.register_unstructure_hook(FrozenJson, thaw_json)

    conv.register_structure_hook_func(
        lambda t: _is_homogeneous_tuple(t),
        _detailed_tuple(conv),
    )

    for union, members in UNIONS.items():
        _register_union(conv, union, members)
    _register_union(
        conv, _LIVE_TRANSCRIBE_ACTION, {c: UNIONS[LiveAction][c] for c in (LiveStart, LiveSummarize, LiveStop)}
    )

    # Dial.destination_script: a script URL or inline SWML.
    script_type = attrs.fields(Dial).destination_script.type

    def structure_script(value: Any, _type: Any) -> Any:
        if type(value) is str:
            return value
        if isinstance(value, dict):
            return freeze_json(value, "")  # errors name a path relative to the field, as structure_json's
        raise WireTypeError(f"expected a string or an object, got {_structure._json_type(value)}")

    conv.register_structure_hook_func(lambda t: t == script_type or t == str | FrozenJson, structure_script)
    conv.register_unstructure_hook_func(lambda t: t == script_type or t == str | FrozenJson, thaw_json)

    # Per-class hooks last: they capture the union and leaf hooks registered above.
    # Value classes before the commands that nest them (hooks are captured when generated).
    for cls in (*VALUE_CLASSES, *(c for members in UNIONS.values() for c in members), *COMMANDS):
        conv.register_structure_hook(
            cls, make_dict_structure_fn(cls, conv, _cattrs_forbid_extra_keys=True, **_capped_arrays(conv, cls))
        )
        conv.register_unstructure_hook(cls, make_dict_unstructure_fn(cls, conv, _cattrs_omit_if_default=True))

    # Events and responses: enums become plain strings (a StrEnum would reach the str hook first).
    # Registered after the commands, whose generated hooks are already captured and stay as they are.
    response_classes = (CallLeg, Receipt, *EVENTS, UnknownEvent, _ErrorDetail, _ErrorBody)
    for cls in response_classes:
        attrs.resolve_types(cls)
        for attribute in attrs.fields(cls):
            for kind in (attribute.type, *typing.get_args(attribute.type)):
                if isinstance(kind, type) and issubclass(kind, enum.Enum):
                    conv.register_unstructure_hook(kind, _enum_to_value)
    for cls in response_classes:
        # Transcripts may be longer than the wire's usual string cap: the class validators bound them.
        long_text: dict[str, Any] = {name: override(struct_hook=_long_text) for name in _LONG_TEXT.get(cls, ())}
        long_text.update(_capped_arrays(conv, cls))
        conv.register_structure_hook(
            cls, make_dict_structure_fn(cls, conv, _cattrs_forbid_extra_keys=True, **long_text)
        )
        conv.register_unstructure_hook(cls, make_dict_unstructure_fn(cls, conv, _cattrs_omit_if_default=True))

    return conv


def _capped_arrays(conv: cattrs.Converter, cls: type) -> dict[str, Any]:
    """Overrides refusing an array longer than its canonical field holds, before any item is structured."""
    return {
        field.name: override(struct_hook=_structure.length_first(conv, field.type, bounds[1]))
        for field in attrs.fields(attrs.resolve_types(cls))
        if (bounds := item_bounds(field)) is not None
    }


def _enum_to_value(value: enum.Enum) -> Any:
    return value.value


#: Event text fields longer than ``_structure.MAX_STRING`` allows (their validators bound them).
_LONG_TEXT: Mapping[type, tuple[str, ...]] = {TranscriptionEvent: ("text",), VoicemailReceived: ("transcription",)}


def _long_text(value: Any, _type: Any) -> str:
    if value is None:
        raise WireTypeError(_structure.NULL_NOT_ALLOWED)
    if type(value) is not str:
        raise WireTypeError(f"expected a string, got {_structure._json_type(value)}")
    return value


@_base.wire
class _ErrorDetail:
    """The ``error`` object of an error response (see the module docstring)."""

    message: str
    code: str | None = None
    parameter: str | None = None
    kind: str | None = None
    details: FrozenJson | None = None
    retry_after: float | None = None


@_base.wire
class _ErrorBody:
    error: _ErrorDetail


def _is_homogeneous_tuple(tp: Any) -> bool:
    return typing.get_origin(tp) is tuple and typing.get_args(tp)[-1:] == (Ellipsis,)


def _detailed_tuple(conv: cattrs.Converter) -> Callable[[Any, Any], tuple[Any, ...]]:
    """Arrays only (cattrs would take any iterable, even a string), errors per index."""
    from cattrs.errors import IterableValidationError, IterableValidationNote

    def structure_tuple(value: Any, kind: Any) -> tuple[Any, ...]:
        if type(value) is not list:
            raise WireTypeError(f"expected an array, got {_structure._json_type(value)}")
        item_type = typing.get_args(kind)[0]
        out = []
        for index, item in enumerate(value):
            try:
                out.append(conv.structure(item, item_type))
            except Exception as exc:
                exc.__notes__ = [
                    *getattr(exc, "__notes__", []),
                    IterableValidationNote(f"@ index {index}", index, item_type),
                ]
                raise IterableValidationError("While structuring an array", [exc], kind) from None
        return tuple(out)

    return structure_tuple


def _register_union(conv: cattrs.Converter, union: Any, members: Mapping[type, str]) -> None:
    by_tag = {tag: cls for cls, tag in members.items()}
    names = ", ".join(by_tag)

    def structure_union(value: Any, _type: Any) -> Any:
        if not isinstance(value, dict):
            raise WireTypeError(f"expected a JSON object, got {_structure._json_type(value)}")
        tag = value.get("type")
        cls = by_tag.get(tag) if type(tag) is str else None
        if cls is None:
            raise InvalidValue("type", f"must be one of {names}")  # at the tag, not at the object holding it
        return conv.structure({k: v for k, v in value.items() if k != "type"}, cls)

    def unstructure_union(value: Any) -> dict[str, Any]:
        out: dict[str, Any] = {"type": members[type(value)]}
        out.update(conv.unstructure(value, type(value)))
        return out

    conv.register_structure_hook_func(lambda t: t == union, structure_union)
    conv.register_unstructure_hook_func(lambda t: t == union, unstructure_union)


converter = _build_converter()

CAPABILITIES: Mapping[type, Capability] = {cls: native() for cls in COMMANDS}
EVENT_CAPABILITIES: Mapping[type, Capability] = {cls: native() for cls in EVENTS}
#: The tag of the form that carries another dialect's UnknownEvent.
UNKNOWN_EVENT_TAG = "unknown"
RESPONSE_CAPABILITIES: Mapping[type, Capability] = {Receipt: native(), ProviderError: native()}
EVENT_BY_TAG: Mapping[str, type] = {tag: cls for cls, tag in EVENT_TAGS.items()}

#: Longest wait a Retry-After may ask for, in seconds (either form).
MAX_RETRY_AFTER = 10**9
_RETRY_AFTER = re.compile(r"0|[1-9][0-9]{0,9}")

_PATH = re.compile(r"/v1/calls/([^/]+)/commands")
_RESERVED = ("command", "command_id")


class CanonicalDialect(Dialect):
    name = "canonical"
    summary = (
        'callglot\'s own JSON form: `POST /v1/calls/{call_id}/commands` with `{"command": "<tag>", ...}` '
        "(Dial: `POST /v1/calls`); lossless for every command, with `command_id` as the idempotency key."
    )
    schema_file = "canonical.schema.json"
    test_profile = TestProfile(
        call_id="call_abc123", command_tag="command", event_tag="event", wrong_paths=("/v1/calls/call_abc123/command",)
    )
    capabilities: ClassVar[Mapping[type, Capability]] = CAPABILITIES
    call_free = frozenset({Dial})
    carries_command_id = True
    event_capabilities: ClassVar[Mapping[type, Capability]] = EVENT_CAPABILITIES
    response_capabilities: ClassVar[Mapping[type, Capability]] = RESPONSE_CAPABILITIES
    keeps_foreign_unknown = True
    unknown_event_capability = native(
        'carries any vendor\'s unknown event whole: {"event": "unknown", "dialect", "event_type", "call_id", "body"}; '
        "a canonical tag callglot does not model decodes to UnknownEvent too"
    )

    def _encode(self, command: Command, ctx: Encoding, call_id: str | None, command_id: str | None) -> HttpRequest:
        body: dict[str, Any] = {"command": TAGS[type(command)]}
        if command_id is not None:
            body["command_id"] = command_id
        body.update(converter.unstructure(command, type(command)))
        path = "/v1/calls" if isinstance(command, Dial) else f"/v1/calls/{call_id}/commands"
        return HttpRequest(method="POST", path=path, body=body)

    def request_for_body(self, body: Any, call_id: str | None) -> HttpRequest:
        if isinstance(body, dict) and body.get("command") == "dial":
            return HttpRequest(method="POST", path="/v1/calls", body=body)
        return HttpRequest(method="POST", path=f"/v1/calls/{_base.require_call_id(call_id)}/commands", body=body)

    def _decode(self, request: HttpRequest) -> Decoded:
        if request.method.upper() != "POST":
            raise _base.wrong_method("commands", request.method)
        body = request.body
        _structure.require_object(body)
        if "command" not in body:
            raise InvalidMessage("$.command", "required field missing")
        cls = route_for(BY_TAG, body["command"], "$.command", "command")
        call_id: str | None = None
        if request.path == "/v1/calls":
            if cls is not Dial:
                raise InvalidMessage("$.command", "only dial is sent to /v1/calls")
        else:
            match = _PATH.fullmatch(request.path)
            if match is None:
                raise _base.wrong_path("/v1/calls/{call_id}/commands or /v1/calls")
            if cls is Dial:
                raise InvalidMessage("$.command", "dial is sent to /v1/calls")
            call_id = _base.check_call_id(match.group(1), part="path")
        command_id = body.get("command_id")
        if "command_id" in body and (type(command_id) is not str or COMMAND_ID.fullmatch(command_id) is None):
            raise InvalidMessage("$.command_id", "must be 1..128 characters of letters, digits and ._-")
        fields = {key: value for key, value in body.items() if key not in _RESERVED}
        command = structure(converter, fields, cls)
        return Decoded(command=command, call_id=call_id, command_id=command_id)

    # -- events

    def _decode_event(self, request: HttpRequest) -> AnyEvent:
        if type(request.method) is not str or request.method.upper() != "POST":
            raise InvalidMessage("$", "webhooks are POSTed", part="method")
        body = request.body
        _structure.require_object(body)
        if "event" not in body:
            raise InvalidMessage("$.event", "required field missing")
        tag = body["event"]
        if tag == UNKNOWN_EVENT_TAG:
            carried: UnknownEvent = structure(converter, {k: v for k, v in body.items() if k != "event"}, UnknownEvent)
            if carried.dialect == self.name:
                raise InvalidMessage(
                    "$.dialect", "the canonical form's own unknown events are not carried: give the body"
                )
            return carried
        if type(tag) is str and tag not in EVENT_BY_TAG:
            return _base.unknown_event(self.name, body, tag, "$.event", body.get("call_id"))
        cls = route_for(EVENT_BY_TAG, tag, "$.event", "event")
        fields = {key: value for key, value in body.items() if key != "event"}
        event: Event = structure(converter, fields, cls)
        return event

    def _carry_unknown_event(self, event: UnknownEvent) -> dict[str, Any] | None:
        return {"event": UNKNOWN_EVENT_TAG, **converter.unstructure(event, UnknownEvent)}

    def _encode_event(self, event: Event, ctx: Encoding) -> dict[str, Any]:
        cls = type(event)
        body: dict[str, Any] = {"event": EVENT_TAGS[cls]}
        body.update(converter.unstructure(event, cls))
        return body

    # -- responses

    def _decode_response(self, response: HttpResponse) -> Receipt:
        status = response.status
        retry_after: float | None = _retry_after_header(response.headers)
        if 200 <= status <= 299:
            if retry_after is not None:
                raise InvalidMessage("$", "Retry-After on a success response: a receipt has no retry hint")
            receipt: Receipt = structure(converter, response.body, Receipt)
            expected = _receipt_status(receipt)
            if status != expected:
                raise InvalidMessage("$.status", f"a {receipt.status.value} receipt is sent with HTTP {expected}")
            return receipt
        if not 400 <= status <= 599:
            raise InvalidMessage("$", f"HTTP {status} is neither a receipt (2xx) nor an error (4xx/5xx)")
        detail: _ErrorDetail = structure(converter, response.body, _ErrorBody).error
        if detail.retry_after is not None:
            if retry_after is not None:
                raise InvalidMessage("$.error.retry_after", "give Retry-After once: header or body")
            retry_after = _body_retry_after(detail.retry_after)
        raise ProviderError(
            status,
            detail.message,
            code=detail.code,
            parameter=detail.parameter,
            retry_after=retry_after,
            kind=detail.kind,
            details=detail.details,
        )

    def _encode_response(self, result: Receipt | ProviderError, ctx: Encoding, answers: str | None) -> HttpResponse:
        if isinstance(result, Receipt):
            return HttpResponse(status=_receipt_status(result), body=converter.unstructure(result, Receipt))
        _check_error(result)
        error: dict[str, Any] = {"message": result.message}
        for name in ("code", "parameter", "kind"):
            value = getattr(result, name)
            if value is not None:
                error[name] = value
        if result.details is not None:
            error["details"] = thaw_json(result.details)
        headers: dict[str, str] = {}
        if result.retry_after is not None:
            if float(result.retry_after).is_integer():
                headers["Retry-After"] = str(int(result.retry_after))
            else:
                error["retry_after"] = result.retry_after
        return HttpResponse(status=result.status, body={"error": error}, headers=headers)


def _receipt_status(receipt: Receipt) -> int:
    return 202 if receipt.status is ReceiptStatus.IN_PROGRESS else 200


def _retry_after_header(headers: Mapping[str, str]) -> int | None:
    values = [value for key, value in headers.items() if type(key) is str and key.lower() == "retry-after"]
    if not values:
        return None
    if len(values) > 1:
        raise InvalidMessage("$", "Retry-After header given more than once")
    value = values[0]
    if type(value) is not str or _RETRY_AFTER.fullmatch(value) is None or int(value) > MAX_RETRY_AFTER:
        raise InvalidMessage("$", f"Retry-After must be whole seconds 0..{MAX_RETRY_AFTER} (no HTTP-date)")
    return int(value)


def _body_retry_after(value: float) -> float:
    if not 0 <= value <= MAX_RETRY_AFTER or not math.isfinite(value):  # range first: huge ints overflow isfinite
        raise InvalidMessage("$.error.retry_after", f"must be seconds 0..{MAX_RETRY_AFTER}")
    if float(value).is_integer():
        raise InvalidMessage("$.error.retry_after", "whole seconds go in the Retry-After header")
    return value


def _check_error(error: ProviderError) -> None:
    """ProviderError does not validate its fields; refuse what the canonical form cannot carry back."""
    if type(error.status) is not int or not 400 <= error.status <= 599:
        raise InvalidValue("status", "an error response needs a 4xx or 5xx status")
    if type(error.message) is not str or len(error.message) > _structure.MAX_STRING:
        raise InvalidValue("message", f"must be a string of at most {_structure.MAX_STRING} characters")
    for name in ("code", "parameter", "kind"):
        value = getattr(error, name)
        if value is not None and (type(value) is not str or len(value) > _structure.MAX_STRING):
            raise InvalidValue(name, f"must be a string of at most {_structure.MAX_STRING} characters")
    seconds = error.retry_after
    if seconds is not None and (
        type(seconds) not in (int, float) or not 0 <= seconds <= MAX_RETRY_AFTER or not math.isfinite(seconds)
    ):
        raise InvalidValue("retry_after", f"must be seconds 0..{MAX_RETRY_AFTER}")


_base.check_capability_table(CanonicalDialect)
