"""What more than one SignalWire module uses: the converter, shared wire shapes and values, small helpers.

Every wire shape of the package registers with the one :data:`converter`. The tap and device shapes
serve both the calling.tap command and the calling.call.tap event (which repeats them as routing
metadata); the leniency rules and the per-message decode state serve every command family; the
canonical-value builders serve events and responses.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from typing import Any, TypeVar

from callglot._frozen import frozen
from callglot.adapters import _structure
from callglot.adapters._base import Encoding, enum_value
from callglot.adapters._structure import register_wire
from callglot.canonical import FrozenJson, HangupCause, RecordingFormat, freeze_json
from callglot.errors import InvalidMessage, InvalidValue

converter = _structure.make_converter()

# ---------------------------------------------------------------- wire shapes of calling.tap (command and event)


@frozen(kw_only=True)
class _TapAudio:
    direction: str


@frozen(kw_only=True)
class _TapSpec:
    type: str
    params: _TapAudio


@frozen(kw_only=True)
class _DeviceSpec:
    type: str
    params: dict[str, Any]


@frozen(kw_only=True)
class _RtpParams:
    addr: str
    port: int
    codec: str | None = None
    ptime: int | None = None


@frozen(kw_only=True)
class _WsParams:
    uri: str
    codec: str | None = None


for _cls in (_TapAudio, _TapSpec, _DeviceSpec, _RtpParams, _WsParams):
    register_wire(converter, _cls)

# ---------------------------------------------------------------- value maps


def _reverse(table: Mapping[str, Any]) -> dict[Any, str]:
    """A table read the other way (a value given twice keeps its last key)."""
    return {value: key for key, value in table.items()}


#: calling.end reasons <-> Q.850 causes (``error`` is a failure of the call: NORMAL_TEMPORARY_FAILURE).
END_REASONS: Mapping[str, HangupCause] = {
    "hangup": HangupCause.NORMAL_CLEARING,
    "cancel": HangupCause.ORIGINATOR_CANCEL,
    "busy": HangupCause.USER_BUSY,
    "noAnswer": HangupCause.NO_ANSWER,
    "decline": HangupCause.CALL_REJECTED,
    "error": HangupCause.NORMAL_TEMPORARY_FAILURE,
}
REASON_FOR_CAUSE: Mapping[HangupCause, str] = _reverse(END_REASONS)
RECORD_FORMATS = (RecordingFormat.MP3, RecordingFormat.WAV, RecordingFormat.MP4)

# ---------------------------------------------------------------- command decoding (shared by the command families)

#: The SDK-compatibility rules decoding applies, by name. Encoding always emits the spec's form.
LENIENCIES: Mapping[str, str] = {
    "record-flat-audio": "calling.record settings sent flat as params.audio (signalwire-python's REST record()) "
    "are read as params.record.audio",
    "record-default-audio": "calling.record with neither record nor audio (signalwire-python's record() without "
    "arguments) records with SignalWire's defaults: read as record.audio {}",
    "missing-control-id": "calling.play/record/collect/detect/tap/stream/transcribe without control_id (the SDKs "
    "treat it as optional) decode with control_id None",
    "tap-flat-params": "calling.tap tap {type, direction} and device {type, addr, port, ...} sent flat "
    "(signalwire-python's REST example) are read as tap.params and device.params",
    "ai-hold-integer-timeout": "calling.ai_hold timeout sent as an integer (the older RPC description) is read as "
    "seconds; the spec sends a string",
    "ai-unhold-prompt-dropped": "calling.ai_unhold with a prompt (the older RPC description; signalwire-python's "
    "docs send one) decodes without it: the published schema has no prompt, and this rule is the report of the drop",
    "live-start-both-directions": "calling.live_transcribe/live_translate start without direction (signalwire-python's "
    "REST docs) covers both parties: direction [remote-caller, local-caller]; SignalWire documents no default",
    "live-transcribe-language": "calling.live_transcribe start with language instead of lang (signalwire-python's REST "
    "example) is read as lang",
    "refer-flat-device": "calling.refer device sent flat as {to, from?, username?, password?}, with type sip or none "
    "(signalwire-python's REST docs), is read as {type: sip, params: {...}}",
    "dial-sdk-status-events": "dial status_events values of signalwire-python's Literal (queued, initiated, "
    "ending) map to the spec's created/ended",
    "codecs-string": "dial codecs sent as one comma-separated string (the spec allows it) become the array form, "
    "callglot's normal form",
    "update-status-only": "update with a status and no url/swml (described by the state rules, absent from the "
    "schema) decodes as Hangup (completed) or Cancel (canceled)",
    "update-status-wins": "update with a status and a redirect (url or swml, the form the published schema requires) "
    "decodes as Hangup (completed) or Cancel (canceled): the status ends the call, so the redirect (with its "
    "fallback_url and status_url) is dropped, and this rule is the report of the drop",
}


class _Decoding:
    """Per-message decode state: the leniency rules applied."""

    __slots__ = ("applied",)

    def __init__(self) -> None:
        self.applied: list[str] = []

    def lenient(self, rule: str) -> None:
        assert rule in LENIENCIES
        if rule not in self.applied:
            self.applied.append(rule)

    def control_id(self, value: str | None) -> str | None:
        if value is None:
            self.lenient("missing-control-id")
        return value


#: Where a command's params are (its envelope's keys are at $).
P = "$.params"


def _field_error(path: str, exc: InvalidValue) -> InvalidMessage:
    """A canonical class's rejection of a field, at ``path``.<that field> (its wire name there).

    Raised ``from None`` in an ``except InvalidValue`` clause, which costs nothing when no error is
    raised (unlike a ``with`` block, as :class:`_base.at` is): it sits on the path of every command decode.
    """
    return InvalidMessage(f"{path}.{exc.field}", exc.reason)


def _json(value: dict[str, Any] | None, field: str) -> FrozenJson | None:
    return None if value is None else freeze_json(value, field)  # errors name the field, then the path inside


def _enum(kind: type[enum.Enum], value: str | None, path: str, allowed: Any = None) -> Any:
    return None if value is None else enum_value(kind, value, path, allowed)


# ---------------------------------------------------------------- encoding


def _str(value: Any) -> str | None:
    return None if value is None else str(value)


def _wire_value(value: Any) -> Any:
    """An enum member as its wire string; any other value as it is."""
    return str(value) if isinstance(value, enum.Enum) else value


def _drop_none(values: Mapping[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in values.items() if value is not None}


def _record_format(value: RecordingFormat | None, ctx: Encoding) -> str | None:
    """A recording format as calling.record and its events say it, or a loss of ``format``."""
    if value is None:
        return None
    if value in RECORD_FORMATS:
        return str(value)
    ctx.lose("format")
    return None


# ---------------------------------------------------------------- events and responses

#: Where an event's params are (its envelope's keys are at $).
EVENT_PATH = "$.params"


def _wire_str(value: Any, path: str) -> str:
    if type(value) is not str:
        raise InvalidMessage(path, f"expected a string, got {_structure._json_type(value)}")
    if len(value) > _structure.MAX_STRING:
        raise InvalidMessage(path, _structure.STRING_TOO_LONG)
    return value


_T = TypeVar("_T")


def _make(cls: type[_T], paths: Mapping[str, str], **fields: Any) -> _T:
    """Build a canonical value; a field it rejects is reported at its wire path."""
    try:
        return cls(**fields)
    except InvalidValue as exc:
        head = exc.field.split(".")[0].split("[")[0]
        if head in ("details", "origin"):  # free-form JSON kept verbatim: its keys are the wire's keys
            raise InvalidMessage(paths.get(head, EVENT_PATH) + exc.field[len(head) :], exc.reason) from None
        raise InvalidMessage(paths.get(head, f"{EVENT_PATH}.{head}"), exc.reason) from None
