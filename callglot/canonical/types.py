"""Canonical value types shared by commands: causes, destinations, media, JSON.

Everything here is a frozen, keyword-only attrs value validated at
construction. Wire spellings (camelCase, ``loop: true``) belong to the
adapters, never here.
"""

from __future__ import annotations

import enum
import math
import re
from collections.abc import Iterator, Mapping
from typing import Any, TypeAlias

import attrs

from callglot._frozen import frozen
from callglot.errors import InvalidValue, UnsafeUrl

from . import _validators as v
from . import urls

__all__ = [
    "Audio",
    "Channel",
    "Codec",
    "Destination",
    "Direction",
    "FrozenJson",
    "Gender",
    "HangupCause",
    "JsonObject",
    "Media",
    "ParticipantRole",
    "RecordingFormat",
    "Ringtone",
    "RINGTONE_NAMES",
    "Silence",
    "Tts",
    "freeze_json",
    "thaw_json",
]

#: The key of an origin (or an error's details) holding the fields a vendor sent that callglot does not know
#: (defined here, beside FrozenJson, so the adapters need not load the events module for it).
UNKNOWN_FIELDS = "unknown"


class HangupCause(enum.StrEnum):
    """Q.850 cause names as FreeSWITCH spells them, plus its internal causes.

    Parse by name, never by number: FreeSWITCH renumbered its internal causes
    in 1.10.10 (reference/security.md §5.4). :data:`Q850_CODES` has the numbers.
    """

    UNALLOCATED_NUMBER = "UNALLOCATED_NUMBER"
    NO_ROUTE_TRANSIT_NET = "NO_ROUTE_TRANSIT_NET"
    NO_ROUTE_DESTINATION = "NO_ROUTE_DESTINATION"
    CHANNEL_UNACCEPTABLE = "CHANNEL_UNACCEPTABLE"
    CALL_AWARDED_DELIVERED = "CALL_AWARDED_DELIVERED"
    NORMAL_CLEARING = "NORMAL_CLEARING"
    USER_BUSY = "USER_BUSY"
    NO_USER_RESPONSE = "NO_USER_RESPONSE"
    NO_ANSWER = "NO_ANSWER"
    SUBSCRIBER_ABSENT = "SUBSCRIBER_ABSENT"
    CALL_REJECTED = "CALL_REJECTED"
    NUMBER_CHANGED = "NUMBER_CHANGED"
    REDIRECTION_TO_NEW_DESTINATION = "REDIRECTION_TO_NEW_DESTINATION"
    EXCHANGE_ROUTING_ERROR = "EXCHANGE_ROUTING_ERROR"
    DESTINATION_OUT_OF_ORDER = "DESTINATION_OUT_OF_ORDER"
    INVALID_NUMBER_FORMAT = "INVALID_NUMBER_FORMAT"
    FACILITY_REJECTED = "FACILITY_REJECTED"
    RESPONSE_TO_STATUS_ENQUIRY = "RESPONSE_TO_STATUS_ENQUIRY"
    NORMAL_UNSPECIFIED = "NORMAL_UNSPECIFIED"
    NORMAL_CIRCUIT_CONGESTION = "NORMAL_CIRCUIT_CONGESTION"
    NETWORK_OUT_OF_ORDER = "NETWORK_OUT_OF_ORDER"
    NORMAL_TEMPORARY_FAILURE = "NORMAL_TEMPORARY_FAILURE"
    SWITCH_CONGESTION = "SWITCH_CONGESTION"
    ACCESS_INFO_DISCARDED = "ACCESS_INFO_DISCARDED"
    REQUESTED_CHAN_UNAVAIL = "REQUESTED_CHAN_UNAVAIL"
    PRE_EMPTED = "PRE_EMPTED"
    FACILITY_NOT_SUBSCRIBED = "FACILITY_NOT_SUBSCRIBED"
    OUTGOING_CALL_BARRED = "OUTGOING_CALL_BARRED"
    INCOMING_CALL_BARRED = "INCOMING_CALL_BARRED"
    BEARERCAPABILITY_NOTAUTH = "BEARERCAPABILITY_NOTAUTH"
    BEARERCAPABILITY_NOTAVAIL = "BEARERCAPABILITY_NOTAVAIL"
    SERVICE_UNAVAILABLE = "SERVICE_UNAVAILABLE"
    BEARERCAPABILITY_NOTIMPL = "BEARERCAPABILITY_NOTIMPL"
    CHAN_NOT_IMPLEMENTED = "CHAN_NOT_IMPLEMENTED"
    FACILITY_NOT_IMPLEMENTED = "FACILITY_NOT_IMPLEMENTED"
    SERVICE_NOT_IMPLEMENTED = "SERVICE_NOT_IMPLEMENTED"
    INVALID_CALL_REFERENCE = "INVALID_CALL_REFERENCE"
    INCOMPATIBLE_DESTINATION = "INCOMPATIBLE_DESTINATION"
    INVALID_MSG_UNSPECIFIED = "INVALID_MSG_UNSPECIFIED"
    MANDATORY_IE_MISSING = "MANDATORY_IE_MISSING"
    MESSAGE_TYPE_NONEXIST = "MESSAGE_TYPE_NONEXIST"
    WRONG_MESSAGE = "WRONG_MESSAGE"
    IE_NONEXIST = "IE_NONEXIST"
    INVALID_IE_CONTENTS = "INVALID_IE_CONTENTS"
    WRONG_CALL_STATE = "WRONG_CALL_STATE"
    RECOVERY_ON_TIMER_EXPIRE = "RECOVERY_ON_TIMER_EXPIRE"
    MANDATORY_IE_LENGTH_ERROR = "MANDATORY_IE_LENGTH_ERROR"
    PROTOCOL_ERROR = "PROTOCOL_ERROR"
    INTERWORKING = "INTERWORKING"
    ORIGINATOR_CANCEL = "ORIGINATOR_CANCEL"
    # FreeSWITCH-internal causes (not Q.850; numbered 700+ since 1.10.10).
    CRASH = "CRASH"
    SYSTEM_SHUTDOWN = "SYSTEM_SHUTDOWN"
    LOSE_RACE = "LOSE_RACE"
    MANAGER_REQUEST = "MANAGER_REQUEST"
    BLIND_TRANSFER = "BLIND_TRANSFER"
    ATTENDED_TRANSFER = "ATTENDED_TRANSFER"
    ALLOTTED_TIMEOUT = "ALLOTTED_TIMEOUT"
    USER_CHALLENGE = "USER_CHALLENGE"
    MEDIA_TIMEOUT = "MEDIA_TIMEOUT"
    PICKED_OFF = "PICKED_OFF"
    USER_NOT_REGISTERED = "USER_NOT_REGISTERED"
    PROGRESS_TIMEOUT = "PROGRESS_TIMEOUT"
    INVALID_GATEWAY = "INVALID_GATEWAY"
    GATEWAY_DOWN = "GATEWAY_DOWN"
    INVALID_URL = "INVALID_URL"
    INVALID_PROFILE = "INVALID_PROFILE"
    NO_PICKUP = "NO_PICKUP"
    SRTP_READ_ERROR = "SRTP_READ_ERROR"
    BOWOUT = "BOWOUT"
    BUSY_EVERYWHERE = "BUSY_EVERYWHERE"
    DECLINE = "DECLINE"
    DOES_NOT_EXIST_ANYWHERE = "DOES_NOT_EXIST_ANYWHERE"
    NOT_ACCEPTABLE = "NOT_ACCEPTABLE"
    UNWANTED = "UNWANTED"
    NO_IDENTITY = "NO_IDENTITY"
    BAD_IDENTITY_INFO = "BAD_IDENTITY_INFO"
    UNSUPPORTED_CERTIFICATE = "UNSUPPORTED_CERTIFICATE"
    INVALID_IDENTITY = "INVALID_IDENTITY"
    STALE_DATE = "STALE_DATE"
    REJECT_ALL = "REJECT_ALL"

    @property
    def q850(self) -> int | None:
        """The Q.850 cause number, or None for FreeSWITCH-internal causes."""
        return Q850_CODES.get(self)


Q850_CODES: Mapping[HangupCause, int] = {
    HangupCause(name): code
    for name, code in (
        ("UNALLOCATED_NUMBER", 1), ("NO_ROUTE_TRANSIT_NET", 2), ("NO_ROUTE_DESTINATION", 3),
        ("CHANNEL_UNACCEPTABLE", 6), ("CALL_AWARDED_DELIVERED", 7), ("NORMAL_CLEARING", 16),
        ("USER_BUSY", 17), ("NO_USER_RESPONSE", 18), ("NO_ANSWER", 19), ("SUBSCRIBER_ABSENT", 20),
        ("CALL_REJECTED", 21), ("NUMBER_CHANGED", 22), ("REDIRECTION_TO_NEW_DESTINATION", 23),
        ("EXCHANGE_ROUTING_ERROR", 25), ("DESTINATION_OUT_OF_ORDER", 27), ("INVALID_NUMBER_FORMAT", 28),
        ("FACILITY_REJECTED", 29), ("RESPONSE_TO_STATUS_ENQUIRY", 30), ("NORMAL_UNSPECIFIED", 31),
        ("NORMAL_CIRCUIT_CONGESTION", 34), ("NETWORK_OUT_OF_ORDER", 38), ("NORMAL_TEMPORARY_FAILURE", 41),
        ("SWITCH_CONGESTION", 42), ("ACCESS_INFO_DISCARDED", 43), ("REQUESTED_CHAN_UNAVAIL", 44),
        ("PRE_EMPTED", 45), ("FACILITY_NOT_SUBSCRIBED", 50), ("OUTGOING_CALL_BARRED", 52),
        ("INCOMING_CALL_BARRED", 54), ("BEARERCAPABILITY_NOTAUTH", 57), ("BEARERCAPABILITY_NOTAVAIL", 58),
        ("SERVICE_UNAVAILABLE", 63), ("BEARERCAPABILITY_NOTIMPL", 65), ("CHAN_NOT_IMPLEMENTED", 66),
        ("FACILITY_NOT_IMPLEMENTED", 69), ("SERVICE_NOT_IMPLEMENTED", 79), ("INVALID_CALL_REFERENCE", 81),
        ("INCOMPATIBLE_DESTINATION", 88), ("INVALID_MSG_UNSPECIFIED", 95), ("MANDATORY_IE_MISSING", 96),
        ("MESSAGE_TYPE_NONEXIST", 97), ("WRONG_MESSAGE", 98), ("IE_NONEXIST", 99),
        ("INVALID_IE_CONTENTS", 100), ("WRONG_CALL_STATE", 101), ("RECOVERY_ON_TIMER_EXPIRE", 102),
        ("MANDATORY_IE_LENGTH_ERROR", 103), ("PROTOCOL_ERROR", 111), ("INTERWORKING", 127),
        ("ORIGINATOR_CANCEL", 487),
    )
}  # fmt: skip


class Channel(enum.StrEnum):
    """How a destination is reached."""

    PSTN = "pstn"
    SIP = "sip"
    WEBRTC = "webrtc"
    WHATSAPP = "whatsapp"


class Direction(enum.StrEnum):
    """Which side of the call hears (play) or is captured (record, tap)."""

    LISTEN = "listen"  # what the call's party hears / says towards us
    SPEAK = "speak"
    BOTH = "both"


class Gender(enum.StrEnum):
    MALE = "male"
    FEMALE = "female"


class RecordingFormat(enum.StrEnum):
    MP3 = "mp3"
    WAV = "wav"
    MP4 = "mp4"
    OGG = "ogg"
    WEBM = "webm"


class ParticipantRole(enum.StrEnum):
    CALLEE = "callee"
    OBSERVER = "observer"


class Codec(enum.StrEnum):
    PCMA = "PCMA"
    PCMU = "PCMU"
    OPUS = "OPUS"


# ---------------------------------------------------------------- JSON objects


class FrozenJson(Mapping[str, Any]):
    """An immutable, hashable JSON object (nested objects frozen, arrays as tuples).

    The constructor validates and deep-freezes its argument like
    :func:`freeze_json`. Equality follows JSON: ``true`` is not ``1`` and an
    array equals a list or tuple with the same items.
    """

    __slots__ = ("_data", "_hash")

    def __init__(self, data: Mapping[str, Any]) -> None:
        frozen = _freeze(data, 1, "value")
        self._data: dict[str, Any] = frozen._data if isinstance(frozen, FrozenJson) else {}
        self._hash: int | None = None

    @classmethod
    def _trusted(cls, data: dict[str, Any]) -> FrozenJson:
        # Values already frozen and checked by _freeze.
        instance = cls.__new__(cls)
        instance._data = data
        instance._hash = None
        return instance

    def __getitem__(self, key: str) -> Any:
        return self._data[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._data)

    def __len__(self) -> int:
        return len(self._data)

    # Mapping's own ``in`` and ``get`` go through __getitem__ and catch KeyError: slow for a missing key.
    def __contains__(self, key: object) -> bool:
        return key in self._data

    def get(self, key: str, default: Any = None) -> Any:
        return self._data.get(key, default)

    def __hash__(self) -> int:
        if self._hash is None:
            self._hash = hash(frozenset(self._data.items()))
        return self._hash

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Mapping):
            return _json_equal(self, other)
        return NotImplemented

    def __reduce__(self) -> tuple[type[FrozenJson], tuple[dict[str, Any]]]:
        # Never pickle the cached hash: str hashes differ between processes.
        return (FrozenJson, (self._data,))

    def __repr__(self) -> str:
        return f"FrozenJson({self._data!r})"


def _json_equal(a: Any, b: Any) -> bool:
    """Equality of JSON values where booleans are not numbers."""
    if isinstance(a, Mapping):
        return (
            isinstance(b, Mapping)
            and len(a) == len(b)
            and all(key in b and _json_equal(item, b[key]) for key, item in a.items())
        )
    if isinstance(a, list | tuple):
        return (
            isinstance(b, list | tuple)
            and len(a) == len(b)
            and all(_json_equal(x, y) for x, y in zip(a, b, strict=True))
        )
    if type(a) is bool or type(b) is bool:
        return type(a) is type(b) and a == b
    return bool(a == b)


JsonObject: TypeAlias = FrozenJson

_MAX_JSON_DEPTH = 32


#: A key that can stand after a dot in a JSON path as it is (anything else is quoted).
_PLAIN_KEY = re.compile(r"[A-Za-z0-9_$@-]{1,64}")


def member_path(path: str, key: str) -> str:
    """``path`` to the member ``key``: ``$.a.b``, or ``$.a["\n"]`` for a key that would break the path or the line."""
    if _PLAIN_KEY.fullmatch(key):
        return f"{path}.{key}"
    import json  # for odd keys only: not at start

    shown = json.dumps(key[:64] + ("..." if len(key) > 64 else ""))  # escaped, ASCII, one line
    return f"{path}[{shown}]"


def _freeze(value: Any, depth: int, path: str) -> Any:
    if depth > _MAX_JSON_DEPTH:
        raise InvalidValue(path, f"nesting deeper than {_MAX_JSON_DEPTH} levels")
    kind = type(value)
    if kind is str:
        v.refuse_lone_surrogates(path, value)
        return value
    if kind is bool or kind is int or value is None:
        return value
    if kind is float:
        if not math.isfinite(value):
            raise InvalidValue(path, "NaN and infinities are not JSON")
        return value
    if isinstance(value, FrozenJson):
        return value  # validated when it was built
    if isinstance(value, Mapping):
        frozen = {}
        for key, item in value.items():
            if type(key) is not str:
                raise InvalidValue(path, "object keys must be strings")
            if v.has_lone_surrogate(key):
                raise InvalidValue(path, f"object keys {v.LONE_SURROGATE}")
            frozen[key] = _freeze(item, depth + 1, member_path(path, key))
        return FrozenJson._trusted(frozen)
    if kind is list or kind is tuple:
        return tuple(_freeze(item, depth + 1, f"{path}[{i}]") for i, item in enumerate(value))
    raise InvalidValue(path, f"{kind.__name__} is not a JSON value")


def freeze_json(value: Any, field: str = "value") -> FrozenJson:
    """Deep-freeze a JSON object; raises InvalidValue for non-JSON content."""
    if isinstance(value, FrozenJson):
        return value
    if not isinstance(value, Mapping):
        raise InvalidValue(field, f"expected a JSON object, got {type(value).__name__}")
    frozen = _freeze(value, 1, field)
    assert isinstance(frozen, FrozenJson)
    return frozen


#: The JSON values thaw_json returns as they are (tested first: isinstance against the ABC is slow).
_SCALARS = frozenset({str, int, float, bool, type(None)})


def thaw_json(value: Any) -> Any:
    """The plain dict/list form of a frozen JSON value (for the wire)."""
    if type(value) is FrozenJson or isinstance(value, FrozenJson):
        return {key: item if type(item) in _SCALARS else thaw_json(item) for key, item in value._data.items()}
    if type(value) is tuple:
        return [item if type(item) in _SCALARS else thaw_json(item) for item in value]
    return value


def _json_converter(value: Any, field: attrs.Attribute[Any]) -> Any:
    return None if value is None else freeze_json(value, field.name)


json_field_converter = attrs.Converter(_json_converter, takes_field=True)


# ---------------------------------------------------------------- destinations

E164 = r"\+[1-9][0-9]{1,14}"
_E164 = re.compile(E164)
# A WebRTC / client identity: printable, no whitespace, no scheme confusion.
IDENTITY = r"[A-Za-z0-9][A-Za-z0-9._@:+-]{0,255}"
_IDENTITY = re.compile(IDENTITY)


def is_sip_uri(address: str) -> bool:
    """Whether ``address`` is written as a sip: or sips: URI (scheme case-insensitive)."""
    return address[:5].lower().startswith(("sip:", "sips:"))


def is_e164(address: str) -> bool:
    """Whether ``address`` is an E.164 number (``+`` and 2..15 digits): the phone network's."""
    return _E164.fullmatch(address) is not None


def _check_address(channel: Channel | None, address: str) -> str:
    """Validate and normalise ``address`` for ``channel`` (None = infer from shape)."""
    if channel in (Channel.PSTN, Channel.WHATSAPP) or (channel is None and address.startswith("+")):
        if _E164.fullmatch(address) is None:
            raise InvalidValue("address", "must be an E.164 number (+ and 2..15 digits)")
        return address
    if channel is Channel.SIP or (channel is None and is_sip_uri(address)):
        try:
            return urls.check_sip_uri(address)
        except UnsafeUrl as exc:
            raise InvalidValue("address", exc.reason) from None
    if _IDENTITY.fullmatch(address) is None:
        raise InvalidValue("address", "must be an E.164 number, a sip:/sips: URI or an identity [A-Za-z0-9._@:+-]")
    return address


@frozen(kw_only=True)
class Destination:
    """Where a call or participant goes: an address and, optionally, how to reach it.

    ``channel=None`` means "as the address implies" (E.164 → phone network,
    ``sip:`` → SIP). That is the one form of those meanings: ``PSTN`` (which
    only an E.164 number can have) and ``SIP`` (only a SIP URI) are stored as
    None, so ``Destination(address="+15551234567", channel=PSTN)`` equals the
    one without a channel, as it does on every dialect's wire. Addresses are
    validated for their channel; SIP hosts pass the URL safety policy and are
    forwarded in normalised form.
    """

    address: str = attrs.field(validator=v.text(max_len=512))
    channel: Channel | None = attrs.field(default=None, converter=v.to_enum(Channel), validator=v.member(Channel))  # type: ignore[misc]

    def __attrs_post_init__(self) -> None:
        normalised = _check_address(self.channel, self.address)
        if normalised != self.address:
            object.__setattr__(self, "address", normalised)
        if self.channel in (Channel.PSTN, Channel.SIP):  # what the address implies: _check_address made sure
            object.__setattr__(self, "channel", None)


# ---------------------------------------------------------------- media

RINGTONE_NAMES: frozenset[str] = frozenset(
    [
        "au",
        "be",
        "ca",
        "cn",
        "cy",
        "cz",
        "de",
        "dk",
        "dz",
        "eg",
        "es",
        "fi",
        "fr",
        "hu",
        "il",
        "in",
        "jp",
        "ko",
        "pk",
        "pl",
        "ro",
        "rs",
        "ru",
        "sa",
        "tr",
        "uk",
        "us",
        "at",
        "bg",
        "br",
        "ch",
        "cl",
        "ee",
        "gr",
        "it",
        "lt",
        "mx",
        "my",
        "nl",
        "no",
        "nz",
        "ph",
        "pt",
        "se",
        "sg",
        "th",
        "za",
        "tw",
        "ve",
        "bong",
    ]
)

_LANGUAGE = r"[A-Za-z]{2,8}(-[A-Za-z0-9]{1,8})*|[A-Za-z0-9.]+:[A-Za-z]{2,8}(-[A-Za-z0-9]{1,8})*"
_VOICE = r"[A-Za-z0-9][A-Za-z0-9.\-]{0,127}"


@frozen(kw_only=True)
class Audio:
    """An audio file fetched by the vendor from a public https URL."""

    url: str = attrs.field(converter=v.normalise_url(("https",)), validator=v.url(optional=False))  # type: ignore[misc]


@frozen(kw_only=True)
class Tts:
    """Text to speech; unset language/gender/voice fall back to the command's."""

    text: str = attrs.field(validator=v.text(max_len=10_000, pattern=r"[^\x00]+", describe="not contain NUL"))
    language: str | None = attrs.field(
        default=None, validator=v.text(max_len=64, pattern=_LANGUAGE, describe="be a BCP-47 tag", optional=True)
    )
    gender: Gender | None = attrs.field(default=None, converter=v.to_enum(Gender), validator=v.member(Gender))  # type: ignore[misc]
    voice: str | None = attrs.field(
        default=None,
        validator=v.text(max_len=128, pattern=_VOICE, describe="use only letters, digits, '.' and '-'", optional=True),
    )


@frozen(kw_only=True)
class Silence:
    """Silence for ``duration`` seconds."""

    duration: float = attrs.field(validator=v.number(minimum=0, exclusive_minimum=True, maximum=86_400))


@frozen(kw_only=True)
class Ringtone:
    """A country's ringback tone (two-letter code) or ``bong``; ``duration`` None = until stopped."""

    name: str = attrs.field()
    duration: float | None = attrs.field(
        default=None, validator=v.number(minimum=0, exclusive_minimum=True, maximum=86_400, optional=True)
    )

    @name.validator
    def _check_name(self, attribute: attrs.Attribute[str], value: Any) -> None:
        v.refuse_lone_surrogates(attribute.name, value)
        if type(value) is not str or value not in RINGTONE_NAMES:
            raise InvalidValue(attribute.name, "must be a ringtone country code (us, uk, de, ...) or 'bong'")


Media: TypeAlias = Audio | Tts | Silence | Ringtone
MEDIA_TYPES: tuple[type, ...] = (Audio, Tts, Silence, Ringtone)
LANGUAGE_PATTERN = _LANGUAGE
VOICE_PATTERN = _VOICE
