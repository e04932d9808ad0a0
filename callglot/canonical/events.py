"""Canonical responses and webhook events: what comes back from a vendor.

Commands go out; receipts (the HTTP response to a command) and events (the
webhooks that report what happened) come back. Like commands, each class
means one thing, is frozen, keyword-only and validated at construction.

Every event carries the same envelope fields, all optional because vendors
send different subsets: ``call_id``; ``event_id`` (the vendor's dedupe key);
``timestamp`` (Unix seconds); ``sequence`` (per-call order, gateway);
``command_id`` (the idempotency key of the command that caused it, gateway
``command_uid``); ``control_id`` (the operation it reports on, SignalWire);
``origin``: the source vendor's account and routing fields (Chirp's ``app``,
SignalWire's ``project_id``/``space_id``/``event_channel``, ...), kept so the
same dialect re-encodes a webhook identically. Another dialect has accounts of
its own, so it drops ``origin`` and reports that, under either policy: an
account id of one vendor says nothing about the call to another.

Vendors add fields to their webhooks and replies over time. A field callglot
does not know is kept, not refused: ``origin["unknown"][dialect]`` maps the
JSON path of its object to the fields (``{"chirp": {"$.data.call": {"status":
"in_progress"}}}``), so the same dialect puts them back where they were, and
another drops them and reports it (field ``origin``), under either policy, as
for the account fields. Receipts carry an ``origin`` for the same reason.
Commands, which the application writes, stay strict.
"""

from __future__ import annotations

import enum
import typing
from typing import Any, TypeAlias

import attrs

from callglot._frozen import frozen
from callglot.errors import CallglotError, InvalidValue

from . import _validators as v
from .types import (
    UNKNOWN_FIELDS,
    Channel,
    Direction,
    FrozenJson,
    HangupCause,
    RecordingFormat,
    freeze_json,
    json_field_converter,
    member_path,
)

__all__ = [
    "EVENTS",
    "EVENT_TAGS",
    "AnyEvent",
    "CallDirection",
    "CallLeg",
    "CallState",
    "CallStateChanged",
    "CollectKind",
    "CollectResult",
    "CommandResult",
    "ConferenceEvent",
    "ConferenceState",
    "ConnectEvent",
    "ConnectState",
    "DenoiseEvent",
    "DetectEvent",
    "DetectKind",
    "DialState",
    "DialStateChanged",
    "DtmfReceived",
    "ErrorEvent",
    "Event",
    "FaxDirection",
    "FaxEvent",
    "FaxState",
    "HoldEvent",
    "HoldState",
    "OperationState",
    "PlaybackEvent",
    "ProviderError",
    "Receipt",
    "ReceiptStatus",
    "RecordingEvent",
    "ReferEvent",
    "SendDigitsEvent",
    "StreamEvent",
    "TapEvent",
    "TranscriptionEvent",
    "UnknownEvent",
    "VoicemailReceived",
]


def _opt_text(max_len: int = 2048) -> Any:
    return attrs.field(default=None, validator=v.text(max_len=max_len, optional=True))


def _opt_number(minimum: float | None = 0, maximum: float | None = None, *, integer: bool = False) -> Any:
    return attrs.field(
        default=None, validator=v.number(minimum=minimum, maximum=maximum, integer=integer, optional=True)
    )


def _opt_enum(kind: type[enum.Enum]) -> Any:
    return attrs.field(default=None, converter=v.to_enum(kind), validator=v.member(kind))


def _enum(kind: type[enum.Enum]) -> Any:
    return attrs.field(converter=v.to_enum(kind), validator=v.member(kind, optional=False))


def _opt_bool() -> Any:
    return attrs.field(default=None, validator=v.boolean())


def check_unknown_fields(holder: FrozenJson | None, field: str) -> None:
    """Refuse a ``holder[UNKNOWN_FIELDS]`` that is not ``{dialect: {path: {key: value}}}``, each level non-empty.

    Encoders put those fields back where the path says and decoders set them aside again, so any
    other shape (``{"unknown": null}``, an empty dialect) could not survive a round trip: it would
    change with nothing to report. Refused here, where the value is made.
    """
    if holder is None or UNKNOWN_FIELDS not in holder:
        return
    where = f"{field}.{UNKNOWN_FIELDS}"
    unknown = holder[UNKNOWN_FIELDS]
    if not isinstance(unknown, FrozenJson) or not unknown:
        raise InvalidValue(where, "must be a non-empty object {dialect: {JSON path: {field: value}}}")
    for dialect, paths in unknown.items():
        at = member_path(where, dialect)
        if not isinstance(paths, FrozenJson) or not paths:
            raise InvalidValue(at, "must be a non-empty object {JSON path: {field: value}}")
        for path, fields in paths.items():
            if not path.startswith("$"):
                raise InvalidValue(at, f"keys must be JSON paths starting with $, got {path!r}")
            if not isinstance(fields, FrozenJson) or not fields:
                raise InvalidValue(at, f"{path}: must be a non-empty object {{field: value}}")


def _unknown_fields_shape(inst: Any, attribute: attrs.Attribute[Any], value: FrozenJson | None) -> None:
    check_unknown_fields(value, attribute.name)


_unknown_fields_shape.none_passes = True  # type: ignore[attr-defined]  # (None holds no unknown fields)


def _opt_url(schemes: tuple[str, ...] = ("https", "http")) -> Any:
    # Event URLs (recordings, streams) are produced by the vendor, not fetched by callglot: parsed and
    # normalised like command URLs (urls.check_vendor_url), without the address (SSRF) policy.
    return attrs.field(default=None, converter=v.normalise_vendor_url(schemes), validator=v.url(schemes))


@frozen(kw_only=True)
class _Envelope:
    call_id: str | None = _opt_text(256)
    event_id: str | None = _opt_text(256)
    timestamp: float | None = _opt_number(0)
    sequence: int | None = _opt_number(0, integer=True)
    command_id: str | None = _opt_text(128)
    control_id: str | None = _opt_text(128)
    origin: FrozenJson | None = attrs.field(
        default=None,
        converter=json_field_converter,  # type: ignore[misc]
        validator=[v.member(FrozenJson), _unknown_fields_shape],
    )


# ---------------------------------------------------------------- call state


class CallState(enum.StrEnum):
    CREATED = "created"
    RINGING = "ringing"
    ANSWERED = "answered"
    ENDING = "ending"
    ENDED = "ended"
    FAILED = "failed"


class CallDirection(enum.StrEnum):
    INBOUND = "inbound"
    OUTBOUND = "outbound"


@frozen(kw_only=True)
class CallStateChanged(_Envelope):
    """The call moved to ``state``; a new inbound call is ``created`` + ``inbound``.

    ``cause`` says why an ended or failed call ended.
    """

    state: CallState = _enum(CallState)
    direction: CallDirection | None = _opt_enum(CallDirection)
    source: str | None = _opt_text(512)
    destination: str | None = _opt_text(512)
    source_channel: Channel | None = _opt_enum(Channel)
    destination_channel: Channel | None = _opt_enum(Channel)
    cause: HangupCause | None = _opt_enum(HangupCause)
    peer_call_id: str | None = _opt_text(256)
    metadata: FrozenJson | None = attrs.field(
        default=None,
        converter=json_field_converter,  # type: ignore[misc]
        validator=v.member(FrozenJson),
    )


# ---------------------------------------------------------------- operations


class OperationState(enum.StrEnum):
    """Where an operation (playback, recording, tap, stream, transcription) stands."""

    STARTED = "started"
    PAUSED = "paused"
    FINISHED = "finished"
    ERROR = "error"
    NO_INPUT = "no_input"  # a recording that heard nothing


@frozen(kw_only=True)
class PlaybackEvent(_Envelope):
    """Playback started, paused, finished (or was stopped) or failed; offsets and durations in seconds."""

    state: OperationState = _enum(OperationState)
    urls: tuple[str, ...] | None = attrs.field(
        default=None, converter=v.to_tuple, validator=v.items(v.text(max_len=4096))
    )
    offset: float | None = _opt_number(0)
    duration: float | None = _opt_number(0)


@frozen(kw_only=True)
class RecordingEvent(_Envelope):
    """A recording's progress; ``url`` is where the finished file is (duration in seconds, size in bytes).

    ``started_at`` / ``ended_at`` are when the recording ran, in Unix seconds like ``timestamp``.
    """

    state: OperationState = _enum(OperationState)
    url: str | None = _opt_url()
    duration: float | None = _opt_number(0)
    size: int | None = _opt_number(0, integer=True)
    format: RecordingFormat | None = _opt_enum(RecordingFormat)
    recording_id: str | None = _opt_text(256)
    direction: Direction | None = _opt_enum(Direction)
    stereo: bool | None = _opt_bool()
    started_at: float | None = _opt_number(0)
    ended_at: float | None = _opt_number(0)


class CollectKind(enum.StrEnum):
    DIGIT = "digit"
    SPEECH = "speech"
    NO_INPUT = "no_input"
    NO_MATCH = "no_match"
    ERROR = "error"
    START_OF_INPUT = "start_of_input"


@frozen(kw_only=True)
class CollectResult(_Envelope):
    """What input collection heard. ``final`` False marks a partial result."""

    kind: CollectKind = _enum(CollectKind)
    digits: str | None = attrs.field(
        default=None, validator=v.text(max_len=256, min_len=0, pattern=r"[0-9A-Da-d*#]*", optional=True)
    )
    terminator: str | None = attrs.field(
        default=None, validator=v.text(max_len=1, min_len=0, pattern=r"[0-9A-Da-d*#]?", optional=True)
    )
    text: str | None = _opt_text(100_000)
    confidence: float | None = _opt_number(0, 1)
    final: bool | None = _opt_bool()
    state: str | None = _opt_text(64)


class DetectKind(enum.StrEnum):
    MACHINE = "machine"
    FAX = "fax"
    DIGIT = "digit"


@frozen(kw_only=True)
class DetectEvent(_Envelope):
    """A detector's finding: MACHINE/HUMAN/UNKNOWN/READY/NOT_READY, CED/CNG, a digit, finished or error."""

    detector: DetectKind = _enum(DetectKind)
    result: str = attrs.field(validator=v.text(max_len=32, pattern=r"[A-Za-z0-9_#*]+"))
    beep: bool | None = _opt_bool()


@frozen(kw_only=True)
class TapEvent(_Envelope):
    state: OperationState = _enum(OperationState)


@frozen(kw_only=True)
class StreamEvent(_Envelope):
    state: OperationState = _enum(OperationState)
    url: str | None = _opt_url(("wss", "ws"))
    name: str | None = _opt_text(256)


@frozen(kw_only=True)
class TranscriptionEvent(_Envelope):
    """Transcription progress or its result (``text`` with the vendor's ``transcript_id``; ``url`` of the recording)."""

    state: OperationState = _enum(OperationState)
    transcript_id: str | None = _opt_text(256)
    text: str | None = _opt_text(1_000_000)
    url: str | None = _opt_url()
    recording_id: str | None = _opt_text(256)
    duration: float | None = _opt_number(0)
    size: int | None = _opt_number(0, integer=True)


@frozen(kw_only=True)
class ReferEvent(_Envelope):
    """Progress of a SIP REFER: its state and the SIP response codes seen."""

    state: str = attrs.field(validator=v.text(max_len=64))
    refer_to: str | None = _opt_text(512)
    refer_response_code: int | None = _opt_number(100, 699, integer=True)
    notify_response_code: int | None = _opt_number(100, 699, integer=True)


@frozen(kw_only=True)
class CommandResult(_Envelope):
    """The deferred outcome of a command (gateway ``command.result``).

    Matched to its command by ``command_id`` (the idempotency key the command carried) or by
    ``operation_id`` (the id the provider's receipt gave, :attr:`Receipt.operation_id`).
    """

    success: bool = attrs.field(validator=v.boolean(optional=False))
    operation_id: str | None = _opt_text(256)
    detail: FrozenJson | None = attrs.field(
        default=None,
        converter=json_field_converter,  # type: ignore[misc]
        validator=v.member(FrozenJson),
    )


@frozen(kw_only=True)
class DtmfReceived(_Envelope):
    """One DTMF digit the caller pressed."""

    digit: str = attrs.field(validator=v.text(max_len=1, pattern=r"[0-9A-D*#]"))


@frozen(kw_only=True)
class VoicemailReceived(_Envelope):
    """A caller left a voicemail (duration in seconds)."""

    voicemail_id: str | None = _opt_text(256)
    source: str | None = _opt_text(512)
    duration: float | None = _opt_number(0)
    transcription: str | None = _opt_text(1_000_000)
    recording_id: str | None = _opt_text(256)


# ---------------------------------------------------------------- call control progress


class ConnectState(enum.StrEnum):
    CONNECTING = "connecting"
    CONNECTED = "connected"
    DISCONNECTED = "disconnected"
    FAILED = "failed"


@frozen(kw_only=True)
class ConnectEvent(_Envelope):
    """Bridging the call to another party: connecting, connected, disconnected, or failed (``reason``).

    ``peer_call_id`` is the other leg; ``peer_source``/``peer_destination`` its ends, on ``peer_channel``.
    """

    state: ConnectState = _enum(ConnectState)
    peer_call_id: str | None = _opt_text(256)
    peer_source: str | None = _opt_text(512)
    peer_destination: str | None = _opt_text(512)
    peer_channel: Channel | None = _opt_enum(Channel)
    reason: str | None = _opt_text(64)


class DialState(enum.StrEnum):
    DIALING = "dialing"
    ANSWERED = "answered"
    FAILED = "failed"


@frozen(kw_only=True)
class DialStateChanged(_Envelope):
    """Where an outbound dial stands: dialing, answered (``call_id`` is the leg that answered) or failed."""

    state: DialState = _enum(DialState)
    reason: str | None = _opt_text(64)


class HoldState(enum.StrEnum):
    HELD = "held"
    UNHELD = "unheld"


@frozen(kw_only=True)
class HoldEvent(_Envelope):
    """The call was put on hold or taken off it."""

    state: HoldState = _enum(HoldState)


@frozen(kw_only=True)
class DenoiseEvent(_Envelope):
    """Noise reduction on the call was turned on (``denoised``) or off."""

    denoised: bool = attrs.field(validator=v.boolean(optional=False))


@frozen(kw_only=True)
class SendDigitsEvent(_Envelope):
    """Sending DTMF digits into the call finished (or failed)."""

    state: OperationState = _enum(OperationState)


class FaxState(enum.StrEnum):
    PAGE = "page"  # one more page went through
    FINISHED = "finished"  # the fax is done: ``success`` says how it went
    ERROR = "error"


class FaxDirection(enum.StrEnum):
    SEND = "send"
    RECEIVE = "receive"


@frozen(kw_only=True)
class FaxEvent(_Envelope):
    """A fax being sent or received: a page went through, it finished (with its result) or failed.

    ``page`` is the page just processed; ``pages`` the total; ``document`` where the fax is;
    ``result`` the vendor's result code (0 is success) with ``result_text``; ``identity`` and
    ``remote_identity`` the two fax ends; ``description`` why it failed.
    """

    state: FaxState = _enum(FaxState)
    direction: FaxDirection | None = _opt_enum(FaxDirection)
    page: int | None = _opt_number(0, integer=True)
    pages: int | None = _opt_number(0, integer=True)
    document: str | None = _opt_url()
    success: bool | None = _opt_bool()
    result: int | None = _opt_number(0, integer=True)
    result_text: str | None = _opt_text(512)
    identity: str | None = _opt_text(512)
    remote_identity: str | None = _opt_text(512)
    format: str | None = _opt_text(16)
    description: str | None = _opt_text(2048)


@frozen(kw_only=True)
class ErrorEvent(_Envelope):
    """The vendor reports an error on the call outside any operation: its ``code`` and ``message``."""

    code: str | None = _opt_text(64)
    message: str | None = _opt_text(2048)


class ConferenceState(enum.StrEnum):
    STARTED = "started"
    ENDED = "ended"
    PARTICIPANT_JOINED = "participant_joined"
    PARTICIPANT_LEFT = "participant_left"
    PARTICIPANT_MUTED = "participant_muted"
    PARTICIPANT_UNMUTED = "participant_unmuted"
    PARTICIPANT_HELD = "participant_held"
    PARTICIPANT_UNHELD = "participant_unheld"
    PARTICIPANT_SPEECH_STARTED = "participant_speech_started"
    PARTICIPANT_SPEECH_STOPPED = "participant_speech_stopped"
    PARTICIPANT_MODIFIED = "participant_modified"
    RECORDING_STARTED = "recording_started"
    RECORDING_PAUSED = "recording_paused"
    RECORDING_RESUMED = "recording_resumed"
    RECORDING_STOPPED = "recording_stopped"


@frozen(kw_only=True)
class ConferenceEvent(_Envelope):
    """Something happened in a conference room: it started or ended, a participant joined, left, ...

    ``call_id`` is the participant's call (participant events); ``size`` the participants now in
    the room; ``source`` a joining participant's caller id; ``reason`` why the room ended or the
    participant left; ``recording_*`` the room's recording (seconds, bytes) when one stopped.
    """

    state: ConferenceState = _enum(ConferenceState)
    conference_id: str | None = _opt_text(256)
    name: str | None = _opt_text(256)
    size: int | None = _opt_number(0, integer=True)
    source: str | None = _opt_text(512)
    reason: str | None = _opt_text(128)
    recording_url: str | None = _opt_url()
    recording_duration: float | None = _opt_number(0)
    recording_size: int | None = _opt_number(0, integer=True)


@frozen(kw_only=True)
class UnknownEvent:
    """A webhook of a type callglot does not model, kept whole: ``dialect``'s ``event_type`` and its ``body``.

    Vendors add event types; a receiver must still read them. The same dialect encodes it back to
    ``body`` unchanged; another dialect has no event for it, so it is refused under STRICT and dropped,
    with a report, under LENIENT. The canonical form carries it whole. ``call_id`` is the call the
    body names, when it names one where the dialect's events do (for routing).
    """

    dialect: str = attrs.field(validator=v.text(max_len=64))
    event_type: str = attrs.field(validator=v.text(max_len=256))
    body: FrozenJson = attrs.field(
        converter=json_field_converter,  # type: ignore[misc]
        validator=v.member(FrozenJson, optional=False),
    )
    call_id: str | None = _opt_text(256)


Event: TypeAlias = (
    CallStateChanged | PlaybackEvent | RecordingEvent | CollectResult | DetectEvent | TapEvent | StreamEvent
    | TranscriptionEvent | ReferEvent | CommandResult | DtmfReceived | VoicemailReceived | ConnectEvent
    | DialStateChanged | HoldEvent | DenoiseEvent | SendDigitsEvent | FaxEvent | ErrorEvent | ConferenceEvent
)  # fmt: skip
#: The modelled events (each has a canonical meaning and a capability in every dialect's matrix).
EVENTS: tuple[type, ...] = typing.get_args(Event)
#: What a webhook decodes to: a modelled event or an :class:`UnknownEvent`.
AnyEvent: TypeAlias = Event | UnknownEvent
EVENT_TAGS: dict[type, str] = {
    CallStateChanged: "call_state_changed",
    PlaybackEvent: "playback",
    RecordingEvent: "recording",
    CollectResult: "collect_result",
    DetectEvent: "detect",
    TapEvent: "tap",
    StreamEvent: "stream",
    TranscriptionEvent: "transcription",
    ReferEvent: "refer",
    CommandResult: "command_result",
    DtmfReceived: "dtmf_received",
    VoicemailReceived: "voicemail_received",
    ConnectEvent: "connect",
    DialStateChanged: "dial_state_changed",
    HoldEvent: "hold",
    DenoiseEvent: "denoise",
    SendDigitsEvent: "send_digits",
    FaxEvent: "fax",
    ErrorEvent: "error",
    ConferenceEvent: "conference",
}

# ---------------------------------------------------------------- responses


class ReceiptStatus(enum.StrEnum):
    ACCEPTED = "accepted"  # taken; done or being done
    QUEUED = "queued"  # taken; waits its turn
    IN_PROGRESS = "in_progress"  # taken; the result comes later (a webhook)


@frozen(kw_only=True)
class CallLeg:
    """The call a response describes (SignalWire returns the call leg for every command)."""

    id: str = attrs.field(validator=v.text(max_len=256))
    state: str | None = _opt_text(32)
    direction: str | None = _opt_text(32)
    source: str | None = _opt_text(512)
    destination: str | None = _opt_text(512)
    details: FrozenJson | None = attrs.field(
        default=None,
        converter=json_field_converter,  # type: ignore[misc]
        validator=v.member(FrozenJson),
    )


@frozen(kw_only=True)
class Receipt:
    """A command was taken. ``operation_id``/``timeout`` describe a deferred result (gateway).

    ``origin``: as an event's, what the source vendor sent that the receipt has no field for (the
    fields callglot does not know, under ``origin["unknown"]``).
    """

    status: ReceiptStatus = _enum(ReceiptStatus)
    call_id: str | None = _opt_text(256)
    command: str | None = _opt_text(64)
    operation_id: str | None = _opt_text(256)
    timeout: float | None = _opt_number(0)
    call: CallLeg | None = attrs.field(default=None, validator=v.member(CallLeg))
    origin: FrozenJson | None = attrs.field(
        default=None,
        converter=json_field_converter,  # type: ignore[misc]
        validator=[v.member(FrozenJson), _unknown_fields_shape],
    )


class ProviderError(CallglotError):
    """The vendor refused a command: HTTP status, its code, message, offending parameter, retry hint.

    ``retry_after`` is seconds (from ``Retry-After``); ``kind`` is the vendor's
    error class (Chirp ``type``, SignalWire ``type``); ``details`` holds the
    vendor's further fields (a JSON object: Chirp ``doc_url``/``provider``, the
    gateway's ``detail``, SignalWire's further ``errors``).
    """

    #: How many HTTP attempts callglot.transport made before this answer (None: it did not send the
    #: command). It describes the sending, not the vendor's answer: not compared, not pickled.
    attempts: int | None = None

    def __init__(
        self,
        status: int,
        message: str,
        *,
        code: str | None = None,
        parameter: str | None = None,
        retry_after: float | None = None,
        kind: str | None = None,
        details: Any = None,
    ) -> None:
        self.status = status
        self.details = None if details is None else freeze_json(details, "details")
        check_unknown_fields(self.details, "details")
        self.message = message
        self.code = code
        self.parameter = parameter
        self.retry_after = retry_after
        self.kind = kind
        where = f" ({parameter})" if parameter else ""
        super().__init__(f"HTTP {status}{' ' + code if code else ''}: {message}{where}")

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, ProviderError):
            return NotImplemented
        return self._key() == other._key()

    def __hash__(self) -> int:
        return hash(self._key())

    def _key(self) -> tuple[Any, ...]:
        return (self.status, self.message, self.code, self.parameter, self.retry_after, self.kind, self.details)

    def __reduce__(self) -> Any:
        return (_rebuild_provider_error, self._key())

    def __repr__(self) -> str:
        return f"ProviderError(status={self.status}, code={self.code!r}, message={self.message!r})"

    def with_details(self, details: Any) -> ProviderError:
        """The same error with other ``details`` (a new error: errors are values)."""
        return ProviderError(
            self.status,
            self.message,
            code=self.code,
            parameter=self.parameter,
            retry_after=self.retry_after,
            kind=self.kind,
            details=details,
        )


def _rebuild_provider_error(
    status: int,
    message: str,
    code: str | None,
    parameter: str | None,
    retry_after: float | None,
    kind: str | None,
    details: Any,
) -> ProviderError:
    return ProviderError(
        status, message, code=code, parameter=parameter, retry_after=retry_after, kind=kind, details=details
    )
