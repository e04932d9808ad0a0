"""The canonical dialect: callglot's own JSON form, lossless for every command.

``POST /v1/calls/{call_id}/commands`` with ``{"command": "<tag>", ...}``,
snake_case fields named as the canonical classes name them; ``Dial`` is
``POST /v1/calls``. Nested unions carry a ``type`` tag (media items,
detectors, tap devices, live actions). An optional top-level ``command_id``
is the idempotency key. The schema is the contract other tools can implement.
"""

from __future__ import annotations

import enum
import re
import typing
from collections.abc import Callable, Mapping
from typing import Any, ClassVar

import attrs
import cattrs
from cattrs.gen import make_dict_structure_fn, make_dict_unstructure_fn

from callglot._wire import HttpRequest
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
from callglot.capabilities import Capability, native
from callglot.errors import InvalidMessage

from . import _base
from ._base import COMMAND_ID, Decoded, Dialect, Encoding, WireTypeError, route_for, structure

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
    conv = _base.make_converter()

    conv.register_unstructure_hook_func(
        lambda t: isinstance(t, type) and issubclass(t, enum.Enum), lambda value: value.value
    )

    def structure_json(value: Any, _type: Any) -> FrozenJson:
        if not isinstance(value, dict):
            raise WireTypeError(f"expected a JSON object, got {_base._json_type(value)}")
        return freeze_json(value, "value")

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
            return freeze_json(value, "destination_script")
        raise WireTypeError(f"expected a string or an object, got {_base._json_type(value)}")

    conv.register_structure_hook_func(lambda t: t == script_type or t == str | FrozenJson, structure_script)
    conv.register_unstructure_hook_func(lambda t: t == script_type or t == str | FrozenJson, thaw_json)

    # Per-class hooks last: they capture the union and leaf hooks registered above.
    # Value classes before the commands that nest them (hooks are captured when generated).
    for cls in (*VALUE_CLASSES, *(c for members in UNIONS.values() for c in members), *COMMANDS):
        conv.register_structure_hook(cls, make_dict_structure_fn(cls, conv, _cattrs_forbid_extra_keys=True))
        conv.register_unstructure_hook(cls, make_dict_unstructure_fn(cls, conv, _cattrs_omit_if_default=True))

    return conv


def _is_homogeneous_tuple(tp: Any) -> bool:
    return typing.get_origin(tp) is tuple and typing.get_args(tp)[-1:] == (Ellipsis,)


def _detailed_tuple(conv: cattrs.Converter) -> Callable[[Any, Any], tuple[Any, ...]]:
    """Arrays only (cattrs would take any iterable, even a string), errors per index."""
    from cattrs.errors import IterableValidationError, IterableValidationNote

    def structure_tuple(value: Any, kind: Any) -> tuple[Any, ...]:
        if type(value) is not list:
            raise WireTypeError(f"expected an array, got {_base._json_type(value)}")
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
            raise WireTypeError(f"expected a JSON object, got {_base._json_type(value)}")
        tag = value.get("type")
        cls = by_tag.get(tag) if type(tag) is str else None
        if cls is None:
            raise WireTypeError(f"'type' must be one of {names}")
        return conv.structure({k: v for k, v in value.items() if k != "type"}, cls)

    def unstructure_union(value: Any) -> dict[str, Any]:
        out: dict[str, Any] = {"type": members[type(value)]}
        out.update(conv.unstructure(value, type(value)))
        return out

    conv.register_structure_hook_func(lambda t: t == union, structure_union)
    conv.register_unstructure_hook_func(lambda t: t == union, unstructure_union)


converter = _build_converter()

CAPABILITIES: Mapping[type, Capability] = {cls: native() for cls in COMMANDS}

_PATH = re.compile(r"/v1/calls/([^/]+)/commands")
_RESERVED = ("command", "command_id")


class CanonicalDialect(Dialect):
    name = "canonical"
    summary = (
        'callglot\'s own JSON form: `POST /v1/calls/{call_id}/commands` with `{"command": "<tag>", ...}` '
        "(Dial: `POST /v1/calls`); lossless for every command, with `command_id` as the idempotency key."
    )
    schema_file = "canonical.schema.json"
    capabilities: ClassVar[Mapping[type, Capability]] = CAPABILITIES
    call_free = frozenset({Dial})
    carries_command_id = True

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
            raise InvalidMessage("$", f"commands are POSTed, not sent with {request.method[:16]}")
        body = request.body
        if not isinstance(body, dict):
            raise InvalidMessage("$", f"expected a JSON object, got {_base._json_type(body)}")
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
                raise InvalidMessage("$", "path must be /v1/calls/{call_id}/commands or /v1/calls")
            if cls is Dial:
                raise InvalidMessage("$.command", "dial is sent to /v1/calls")
            call_id = _base.check_call_id(match.group(1))
        command_id = body.get("command_id")
        if "command_id" in body and (type(command_id) is not str or COMMAND_ID.fullmatch(command_id) is None):
            raise InvalidMessage("$.command_id", "must be 1..128 characters of letters, digits and ._-")
        fields = {key: value for key, value in body.items() if key not in _RESERVED}
        command = structure(converter, fields, cls)
        return Decoded(command=command, call_id=call_id, command_id=command_id)


_base.check_capability_table(CanonicalDialect)
