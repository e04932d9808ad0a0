"""The canonical command algebra (DESIGN §3).

One class per meaning. Every class is frozen, keyword-only, hashable and
validated at construction; a bad field raises
:class:`~callglot.errors.InvalidValue` naming it. Optional fields default to
None, meaning "not said": adapters never invent a value for them.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Collection, Mapping
from typing import Any, TypeAlias

import attrs

from callglot._frozen import frozen
from callglot.errors import InvalidValue, UnsafeUrl

from . import _validators as v
from . import urls
from .types import (
    LANGUAGE_PATTERN,
    MEDIA_TYPES,
    VOICE_PATTERN,
    Codec,
    Destination,
    Direction,
    FrozenJson,
    Gender,
    HangupCause,
    Media,
    ParticipantRole,
    RecordingFormat,
    freeze_json,
    is_sip_uri,
    json_field_converter,
)

command = frozen(kw_only=True)

# ---------------------------------------------------------------- field helpers

_ID = r"[A-Za-z0-9][A-Za-z0-9._:@+-]{0,127}"
_DTMF = r"[0-9*#A-D]+"
#: A set of DTMF keys (terminators, keys to detect): either case, as SignalWire takes them; "" is allowed.
_DTMF_KEYS = r"[0-9A-Da-d*#]*"


def _text(max_len: int, pattern: str | None = None, describe: str = "") -> Any:
    return attrs.field(validator=v.text(max_len=max_len, pattern=pattern, describe=describe))


def _opt_text(max_len: int, pattern: str | None = None, describe: str = "", min_len: int = 1) -> Any:
    return attrs.field(
        default=None,
        validator=v.text(max_len=max_len, min_len=min_len, pattern=pattern, describe=describe, optional=True),
    )


def _opt_secret(max_len: int) -> Any:
    # repr=False: secrets never reach a repr, a log line or an exception.
    return attrs.field(default=None, repr=False, validator=v.text(max_len=max_len, optional=True))


def _opt_number(
    minimum: float | None = None,
    maximum: float | None = None,
    *,
    exclusive_minimum: bool = False,
    integer: bool = False,
) -> Any:
    return attrs.field(
        default=None,
        validator=v.number(
            minimum=minimum, maximum=maximum, exclusive_minimum=exclusive_minimum, integer=integer, optional=True
        ),
    )


_HANGUP_CAUSE = v.to_enum(HangupCause)


def _cause_unless_normal(value: Any) -> Any:
    """Converter: NORMAL_CLEARING is a plain hang-up, None (see Hangup)."""
    value = _HANGUP_CAUSE(value)
    return None if value is HangupCause.NORMAL_CLEARING else value


def _plays_unless_once(value: Any) -> Any:
    """Converter: one play is the default, None (see Play); bools and floats reach the validator."""
    return None if type(value) is int and value == 1 else value


def _opt_bool() -> Any:
    return attrs.field(default=None, validator=v.boolean())


def _opt_enum(kind: type[enum.Enum]) -> Any:
    return attrs.field(default=None, converter=v.to_enum(kind), validator=v.member(kind))


def _enum(kind: type[enum.Enum]) -> Any:
    return attrs.field(converter=v.to_enum(kind), validator=v.member(kind, optional=False))


def _opt_url(schemes: Collection[str] = ("https",)) -> Any:
    return attrs.field(default=None, converter=v.normalise_url(schemes), validator=v.url(schemes))


def _url(schemes: Collection[str] = ("https",)) -> Any:
    return attrs.field(converter=v.normalise_url(schemes), validator=v.url(schemes, optional=False))


def _opt_json() -> Any:
    return attrs.field(default=None, converter=json_field_converter, validator=v.member(FrozenJson))


def _check_swml(_inst: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    """An inline SWML document: at least ``{"sections": {"main": [<method objects>]}}``."""
    if value is None or isinstance(value, str):
        return
    if not isinstance(value, FrozenJson):
        raise InvalidValue(attribute.name, "expected a SWML document (a JSON object)")
    sections = value.get("sections")
    if not isinstance(sections, FrozenJson) or not isinstance(sections.get("main"), tuple):
        raise InvalidValue(attribute.name, 'a SWML document needs "sections" with a "main" array')
    for name, section in sections.items():
        if not isinstance(section, tuple) or not all(isinstance(step, FrozenJson | str) for step in section):
            raise InvalidValue(attribute.name, f"SWML section {name[:40]!r} must be an array of methods")
    if "version" in value and value["version"] != "1.0.0":
        raise InvalidValue(attribute.name, 'SWML "version" must be "1.0.0"')
    if set(value) - {"version", "sections"}:
        raise InvalidValue(attribute.name, 'a SWML document holds only "version" and "sections"')


def _opt_swml() -> Any:
    return attrs.field(default=None, converter=json_field_converter, validator=[v.member(FrozenJson), _check_swml])


# Built once: a post-init check runs on every construction (every decode).
_ONE_REDIRECT_TARGET = v.exactly_one("url", "swml")
_ONE_TRANSFER_TARGET = v.exactly_one("destination", "swml_url", "swml")


def _control_id() -> Any:
    """Correlates an operation with its sub-commands and events (SignalWire ``control_id``)."""
    return _opt_text(128, r"[^\x00-\x1f\x7f]+", "contain no control characters")


def _participant_id(required: bool = False) -> Any:
    if required:
        return _text(128, _ID, "be an id of letters, digits and ._:@+-")
    return _opt_text(128, _ID, "be an id of letters, digits and ._:@+-")


def _string_tuple(max_len: int, item_pattern: str | None = None, *, min_items: int = 0) -> Any:
    return attrs.field(
        default=None,
        converter=v.to_tuple,
        validator=v.items(v.text(max_len=max_len, pattern=item_pattern), min_len=min_items),
    )


# ---------------------------------------------------------------- call lifecycle

CUSTOM_VARIABLE_KEY = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,127}")
_RESERVED_VARIABLE_PREFIXES = ("signalwire_", "sw_", "rtc_", "internal_")


def _check_custom_variables(_inst: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    if value is None:
        return
    if not isinstance(value, FrozenJson):
        raise InvalidValue(attribute.name, "expected a JSON object of strings")
    if len(value) > 20:
        raise InvalidValue(attribute.name, "at most 20 variables")
    for key, item in value.items():
        if CUSTOM_VARIABLE_KEY.fullmatch(key) is None or key.lower().startswith(_RESERVED_VARIABLE_PREFIXES):
            raise InvalidValue(
                f"{attribute.name}.{key}",
                "keys start with a letter or _, use [A-Za-z0-9_], and avoid signalwire_/sw_/rtc_/internal_",
            )
        if type(item) is not str or not 1 <= len(item.encode("utf-8", "surrogatepass")) <= 1024:
            raise InvalidValue(f"{attribute.name}.{key}", "values are non-empty strings of at most 1024 bytes")


def _script(value: Any, field: attrs.Attribute[Any]) -> Any:
    """A destination script: a SWML URL (checked like every URL) or inline SWML."""
    if value is None:
        return None
    if isinstance(value, str):
        v.refuse_lone_surrogates(field.name, value)
        try:
            return urls.check_url(value)
        except UnsafeUrl as exc:
            raise InvalidValue(field.name, exc.reason) from None
    return freeze_json(value, field.name)


class DialEvent(enum.StrEnum):
    """Call progress events a dialled call reports to its status URL."""

    CREATED = "created"
    RINGING = "ringing"
    ANSWERED = "answered"
    ENDED = "ended"


DIAL_CODECS: frozenset[str] = frozenset(
    (
        "OPUS",
        "OPUS@48000H@20I",
        "OPUS@24000H@20I",
        "OPUS@16000H@20I",
        "OPUS@8000H@20I",
        "G722",
        "PCMU",
        "PCMA",
        "G729",
        "VP8",
        "H264",
    )
)


def _dial_codec(_inst: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    v.refuse_lone_surrogates(attribute.name, value)
    if type(value) is not str or value not in DIAL_CODECS:
        raise InvalidValue(attribute.name, f"must be one of {', '.join(sorted(DIAL_CODECS))}")


class HttpMethod(enum.StrEnum):
    GET = "GET"
    POST = "POST"


@frozen(kw_only=True)
class Dial:
    """Place a new outbound call.

    ``source``/``destination`` are the caller and callee. ``swml_url``/``swml``
    name the call-control script (SignalWire); ``destination_script`` runs on
    the callee leg. ``metadata`` is an opaque object stored with the call (Chirp).
    """

    source: Destination = attrs.field(validator=v.member(Destination, optional=False))
    destination: Destination | None = attrs.field(default=None, validator=v.member(Destination))
    swml_url: str | None = _opt_url()
    swml: FrozenJson | None = _opt_swml()
    destination_script: str | FrozenJson | None = attrs.field(
        default=None,
        converter=attrs.Converter(_script, takes_field=True),  # type: ignore[misc]
        validator=[v.one_of_types((str, FrozenJson)), _check_swml],
    )
    sip_username: str | None = _opt_text(256)
    sip_password: str | None = _opt_secret(256)
    caller_id: str | None = _opt_text(256)
    fallback_url: str | None = _opt_url()
    status_url: str | None = _opt_url()
    status_events: tuple[DialEvent, ...] | None = attrs.field(
        default=None,
        converter=v.to_tuple_of(v.to_enum(DialEvent), max_len=4),  # type: ignore[misc]
        validator=v.items(v.member(DialEvent, optional=False), min_len=1, max_len=4, distinct=True),
    )
    url_method: HttpMethod | None = _opt_enum(HttpMethod)
    codecs: tuple[str, ...] | None = attrs.field(
        default=None, converter=v.to_tuple, validator=v.items(_dial_codec, min_len=1, max_len=16)
    )
    timeout: int | None = _opt_number(1, 600, integer=True)
    max_price_per_minute: float | None = _opt_number(0)
    send_digits: str | None = _opt_text(128, r"[0-9A-D*#w,]+", "use only 0-9 A-D * # w ,")
    region: tuple[str, ...] | None = _string_tuple(64, r"[A-Za-z0-9_-]+", min_items=1)
    custom_variables: FrozenJson | None = attrs.field(
        default=None,
        converter=json_field_converter,  # type: ignore[misc]
        validator=_check_custom_variables,
    )
    metadata: FrozenJson | None = _opt_json()

    def __attrs_post_init__(self) -> None:
        if self.swml_url is not None and self.swml is not None:
            raise InvalidValue("swml_url", "give swml_url or swml, not both")
        if self.destination is None and self.destination_script is None:
            raise InvalidValue("destination", "a destination (or a destination_script) is required")


@frozen(kw_only=True)
class Answer:
    """Answer an incoming call."""


@frozen(kw_only=True)
class Reject:
    """Refuse an incoming call before it is answered."""

    reason: str | None = _opt_text(500)
    cause: HangupCause | None = _opt_enum(HangupCause)


@frozen(kw_only=True)
class Hangup:
    """End the call. ``cause`` None means a normal hang-up: NORMAL_CLEARING in every dialect.

    Chirp's causeless hangup, SignalWire's calling.end (reason hangup) and the gateway's default
    cause all say NORMAL_CLEARING, so it is stored as None: one meaning, one value.
    """

    cause: HangupCause | None = attrs.field(
        default=None, converter=_cause_unless_normal, validator=v.member(HangupCause)
    )


@frozen(kw_only=True)
class Cancel:
    """Abandon an outbound call that has not been answered yet."""


@frozen(kw_only=True)
class Redirect:
    """Hand the live call to a new call-control script (SWML URL or inline SWML)."""

    url: str | None = _opt_url()
    swml: FrozenJson | None = _opt_swml()
    fallback_url: str | None = _opt_url()
    status_url: str | None = _opt_url()

    def __attrs_post_init__(self) -> None:
        _ONE_REDIRECT_TARGET(self)


@frozen(kw_only=True)
class ReturnToDialplan:
    """Release the session back to the switch's dialplan (it usually hangs up soon after)."""


@frozen(kw_only=True)
class Unbridge:
    """Break a bridge between two legs without hanging up either."""


@frozen(kw_only=True)
class SendToVoicemail:
    """Route the call to the application's voicemail."""


# ---------------------------------------------------------------- routing


@frozen(kw_only=True)
class Transfer:
    """Cold-transfer the call to a destination, a SWML URL or inline SWML."""

    destination: Destination | None = attrs.field(default=None, validator=v.member(Destination))
    swml_url: str | None = _opt_url()
    swml: FrozenJson | None = _opt_swml()

    def __attrs_post_init__(self) -> None:
        _ONE_TRANSFER_TARGET(self)


def _check_sip(_inst: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    if value is None:
        return
    if type(value) is not str or not is_sip_uri(value):
        raise InvalidValue(attribute.name, "must be a sip: or sips: URI")


def _sip_converter(value: Any, field: attrs.Attribute[Any]) -> Any:
    if type(value) is not str:
        return value
    v.refuse_lone_surrogates(field.name, value)
    try:
        return urls.check_sip_uri(value)
    except UnsafeUrl as exc:
        raise InvalidValue(field.name, exc.reason) from None


_sip = attrs.Converter(_sip_converter, takes_field=True)


@frozen(kw_only=True)
class Refer:
    """Transfer a SIP call with SIP REFER."""

    to: str = attrs.field(converter=_sip, validator=_check_sip)  # type: ignore[misc]
    source: str | None = attrs.field(default=None, converter=_sip, validator=_check_sip)  # type: ignore[misc]
    username: str | None = _opt_text(256)
    password: str | None = _opt_secret(256)
    status_url: str | None = _opt_url()

    def __attrs_post_init__(self) -> None:
        if self.to is None:  # converter passes None through; ``to`` is required
            raise InvalidValue("to", "is required")


@frozen(kw_only=True)
class AddParticipant:
    """Bring another party into the call."""

    destination: Destination = attrs.field(validator=v.member(Destination, optional=False))
    role: ParticipantRole | None = _opt_enum(ParticipantRole)


@frozen(kw_only=True)
class RemoveParticipant:
    participant_id: str = _participant_id(required=True)


@frozen(kw_only=True)
class JoinConference:
    """Put the call into a conference room (by room id or name)."""

    conference: str = _text(128, _ID, "be a room id or name of letters, digits and ._:@+-")


@frozen(kw_only=True)
class LeaveConference:
    """Take the call out of its conference."""


# ---------------------------------------------------------------- hold / mute


@frozen(kw_only=True)
class Hold:
    """Put the call on hold, optionally with music from a public https URL."""

    music_url: str | None = _opt_url()


@frozen(kw_only=True)
class Unhold:
    pass


@frozen(kw_only=True)
class Mute:
    """Mute a participant; ``participant_id`` None means the call's own leg."""

    participant_id: str | None = _participant_id()


@frozen(kw_only=True)
class Unmute:
    participant_id: str | None = _participant_id()


# ---------------------------------------------------------------- DTMF


@frozen(kw_only=True)
class SendDigits:
    """Send DTMF tones; ``participant_id`` None means everyone on the call."""

    digits: str = _text(50, _DTMF, "use only 0-9 * # A-D")
    participant_id: str | None = _participant_id()


# ---------------------------------------------------------------- playback


def _media_item(_inst: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    if not isinstance(value, MEDIA_TYPES):
        raise InvalidValue(attribute.name, f"expected Audio, Tts, Silence or Ringtone, got {type(value).__name__}")


@frozen(kw_only=True)
class Play:
    """Play media in order.

    ``loop``: total plays, 0 = forever (None: once, the default of every dialect; 1 is
    stored as None, so one meaning is one value). ``volume`` in dB -40..40.
    ``language``/``voice``/``gender`` are defaults for TTS items. ``offset``
    starts the first item that many seconds in.
    """

    media: tuple[Media, ...] = attrs.field(
        converter=v.to_tuple, validator=v.items(_media_item, min_len=1, max_len=128, optional=False)
    )
    loop: int | None = attrs.field(
        default=None,
        converter=_plays_unless_once,
        validator=v.number(minimum=0, maximum=1_000_000, integer=True, optional=True),
    )
    volume: float | None = _opt_number(-40, 40)
    direction: Direction | None = _opt_enum(Direction)
    language: str | None = _opt_text(64, LANGUAGE_PATTERN, "be a BCP-47 tag")
    voice: str | None = _opt_text(128, VOICE_PATTERN, "use only letters, digits, '.' and '-'")
    gender: Gender | None = _opt_enum(Gender)
    offset: float | None = _opt_number(0, 86_400)
    status_url: str | None = _opt_url()
    control_id: str | None = _control_id()


@frozen(kw_only=True)
class PausePlayback:
    control_id: str | None = _control_id()


@frozen(kw_only=True)
class ResumePlayback:
    control_id: str | None = _control_id()


@frozen(kw_only=True)
class StopPlayback:
    """Stop playback (``control_id`` None: whatever is playing)."""

    control_id: str | None = _control_id()


@frozen(kw_only=True)
class SetPlaybackVolume:
    volume: float = attrs.field(validator=v.number(minimum=-40, maximum=40))
    control_id: str | None = _control_id()


@frozen(kw_only=True)
class SeekPlayback:
    """Move the current playback to ``position`` seconds from the start of the file."""

    position: float = attrs.field(validator=v.number(minimum=0, maximum=86_400))
    control_id: str | None = _control_id()


# ---------------------------------------------------------------- recording


class PauseBehavior(enum.StrEnum):
    SKIP = "skip"
    SILENCE = "silence"


@frozen(kw_only=True)
class Record:
    """Record the call. Timeouts and lengths in seconds; ``terminators`` are DTMF keys that stop it."""

    format: RecordingFormat | None = _opt_enum(RecordingFormat)
    beep: bool | None = _opt_bool()
    stereo: bool | None = _opt_bool()
    direction: Direction | None = _opt_enum(Direction)
    initial_timeout: float | None = _opt_number(0)
    end_silence_timeout: float | None = _opt_number(0)
    max_length: int | None = _opt_number(0, integer=True)
    terminators: str | None = _opt_text(16, _DTMF_KEYS, "use only 0-9 A-D * #", min_len=0)
    input_sensitivity: float | None = _opt_number(0, 100)
    status_url: str | None = _opt_url()
    control_id: str | None = _control_id()


@frozen(kw_only=True)
class PauseRecording:
    control_id: str | None = _control_id()
    behavior: PauseBehavior | None = _opt_enum(PauseBehavior)


@frozen(kw_only=True)
class ResumeRecording:
    control_id: str | None = _control_id()


@frozen(kw_only=True)
class StopRecording:
    control_id: str | None = _control_id()


# ---------------------------------------------------------------- input


class SpeechEngine(enum.StrEnum):
    GOOGLE = "Google"
    GOOGLE_V2 = "Google.V2"
    DEEPGRAM = "Deepgram"


@frozen(kw_only=True)
class DigitCollect:
    """Collect up to ``max`` DTMF digits; ``terminators`` "" disables terminating keys."""

    max: int = attrs.field(validator=v.number(minimum=1, maximum=128, integer=True))
    terminators: str | None = _opt_text(16, _DTMF_KEYS, "use only 0-9 A-D * #", min_len=0)
    digit_timeout: float | None = _opt_number(0, exclusive_minimum=True)


@frozen(kw_only=True)
class SpeechCollect:
    end_silence_timeout: float | None = _opt_number(0, exclusive_minimum=True)
    speech_timeout: float | None = _opt_number(0, exclusive_minimum=True)
    language: str | None = _opt_text(64, LANGUAGE_PATTERN, "be a BCP-47 tag or Engine:tag")
    hints: tuple[str, ...] | None = _string_tuple(256)
    model: str | None = _opt_text(64)
    engine: SpeechEngine | None = _opt_enum(SpeechEngine)


@frozen(kw_only=True)
class Collect:
    """Collect DTMF and/or speech, optionally after prompt media."""

    digits: DigitCollect | None = attrs.field(default=None, validator=v.member(DigitCollect))
    speech: SpeechCollect | None = attrs.field(default=None, validator=v.member(SpeechCollect))
    prompt: tuple[Media, ...] | None = attrs.field(
        default=None, converter=v.to_tuple, validator=v.items(_media_item, min_len=1)
    )
    initial_timeout: float | None = _opt_number(0, exclusive_minimum=True)
    continuous: bool | None = _opt_bool()
    partial_results: bool | None = _opt_bool()
    send_start_of_input: bool | None = _opt_bool()
    start_input_timers: bool | None = _opt_bool()
    status_url: str | None = _opt_url()
    control_id: str | None = _control_id()

    def __attrs_post_init__(self) -> None:
        if self.digits is None and self.speech is None:
            raise InvalidValue("digits", "give digits, speech or both")


@frozen(kw_only=True)
class StopCollect:
    control_id: str | None = _control_id()


@frozen(kw_only=True)
class StartInputTimers:
    control_id: str | None = _control_id()


# ---------------------------------------------------------------- detection


@frozen(kw_only=True)
class MachineDetector:
    """Answering-machine detection; times in seconds."""

    initial_timeout: float | None = _opt_number(0)
    end_silence_timeout: float | None = _opt_number(0)
    machine_ready_timeout: float | None = _opt_number(0)
    machine_voice_threshold: float | None = _opt_number(0)
    machine_words_threshold: int | None = _opt_number(0, integer=True)
    detect_interruptions: bool | None = _opt_bool()
    detect_message_end: bool | None = _opt_bool()


class FaxTone(enum.StrEnum):
    CNG = "CNG"
    CED = "CED"


@frozen(kw_only=True)
class FaxDetector:
    """Fax tone detection; ``tone`` None means either tone."""

    tone: FaxTone | None = _opt_enum(FaxTone)


@frozen(kw_only=True)
class DigitDetector:
    """DTMF detection; ``digits`` "" or None matches any digit."""

    digits: str | None = _opt_text(16, _DTMF_KEYS, "use only 0-9 A-D * #", min_len=0)


Detector: TypeAlias = MachineDetector | FaxDetector | DigitDetector


@frozen(kw_only=True)
class Detect:
    detector: Detector = attrs.field(
        validator=v.one_of_types((MachineDetector, FaxDetector, DigitDetector), optional=False)
    )
    timeout: float | None = _opt_number(0)
    status_url: str | None = _opt_url()
    control_id: str | None = _control_id()


@frozen(kw_only=True)
class StopDetect:
    control_id: str | None = _control_id()


# ---------------------------------------------------------------- media out


def _rtp_addr(_inst: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    if type(value) is not str:
        raise InvalidValue(attribute.name, "expected an IP address string")
    v.refuse_lone_surrogates(attribute.name, value)


@frozen(kw_only=True)
class RtpDevice:
    """Send tapped audio as RTP to a public ``addr``:``port``; ``ptime`` in ms (10..120, step 10)."""

    addr: str = attrs.field(validator=_rtp_addr)
    port: int = attrs.field(validator=v.number(minimum=1, maximum=65_535, integer=True))
    codec: Codec | None = _opt_enum(Codec)
    ptime: int | None = _opt_number(10, 120, integer=True)

    def __attrs_post_init__(self) -> None:
        if self.ptime is not None and self.ptime % 10:
            raise InvalidValue("ptime", "must be a multiple of 10")
        try:
            normalised = urls.check_ip_port(self.addr, self.port)
        except UnsafeUrl as exc:
            raise InvalidValue("addr", exc.reason) from None
        if normalised != self.addr:
            object.__setattr__(self, "addr", normalised)


@frozen(kw_only=True)
class WsDevice:
    """Send tapped audio over a WebSocket (wss:// by default policy)."""

    uri: str = _url(("wss",))
    codec: Codec | None = _opt_enum(Codec)


TapDevice: TypeAlias = RtpDevice | WsDevice


@frozen(kw_only=True)
class Tap:
    device: TapDevice = attrs.field(validator=v.one_of_types((RtpDevice, WsDevice), optional=False))
    direction: Direction = _enum(Direction)
    status_url: str | None = _opt_url()
    control_id: str | None = _control_id()


@frozen(kw_only=True)
class StopTap:
    control_id: str | None = _control_id()


class StreamTrack(enum.StrEnum):
    INBOUND = "inbound_track"
    OUTBOUND = "outbound_track"
    BOTH = "both_tracks"


@frozen(kw_only=True)
class Stream:
    """Stream call audio to a wss:// endpoint."""

    url: str = _url(("wss",))
    name: str | None = _opt_text(256)
    codec: str | None = _opt_text(64, r"[A-Za-z0-9@/_.-]+", "be a codec name")
    track: StreamTrack | None = _opt_enum(StreamTrack)
    authorization_bearer_token: str | None = _opt_secret(4096)
    custom_parameters: FrozenJson | None = _opt_json()
    status_url: str | None = _opt_url()
    status_url_method: HttpMethod | None = _opt_enum(HttpMethod)
    control_id: str | None = _control_id()


@frozen(kw_only=True)
class StopStream:
    control_id: str | None = _control_id()


@frozen(kw_only=True)
class Denoise:
    """Turn on noise reduction (one filter per call)."""


@frozen(kw_only=True)
class StopDenoise:
    pass


# ---------------------------------------------------------------- transcription


@frozen(kw_only=True)
class Transcribe:
    """Transcribe the whole call in the background until it ends."""

    status_url: str | None = _opt_url()
    control_id: str | None = _control_id()


@frozen(kw_only=True)
class StopTranscribe:
    control_id: str | None = _control_id()


class LiveDirection(enum.StrEnum):
    REMOTE_CALLER = "remote-caller"
    LOCAL_CALLER = "local-caller"


class LiveSpeechEngine(enum.StrEnum):
    DEEPGRAM = "deepgram"
    GOOGLE = "google"


def _live_directions() -> Any:
    return attrs.field(
        converter=v.to_tuple_of(v.to_enum(LiveDirection), max_len=2),
        validator=v.items(v.member(LiveDirection, optional=False), min_len=1, max_len=2, optional=False, distinct=True),
    )


_FILTER = r"polite|rude|professional|shakespeare|gen-z|prompt:[^\x00-\x1f]{1,2000}"


@frozen(kw_only=True)
class LiveStart:
    """Start live transcription (``to_language`` None) or translation (``to_language`` set).

    Timeouts in seconds (the wire says milliseconds).
    """

    language: str = _text(64, LANGUAGE_PATTERN, "be a BCP-47 tag")
    direction: tuple[LiveDirection, ...] = _live_directions()
    to_language: str | None = _opt_text(64, LANGUAGE_PATTERN, "be a BCP-47 tag")
    from_voice: str | None = _opt_text(128)
    to_voice: str | None = _opt_text(128)
    filter_from: str | None = _opt_text(
        2010, _FILTER, "be polite, rude, professional, shakespeare, gen-z or prompt:<text>"
    )
    filter_to: str | None = _opt_text(
        2010, _FILTER, "be polite, rude, professional, shakespeare, gen-z or prompt:<text>"
    )
    webhook: str | None = _opt_url()
    live_events: bool | None = _opt_bool()
    ai_summary: bool | None = _opt_bool()
    ai_summary_prompt: str | None = _opt_text(10_000)
    speech_engine: LiveSpeechEngine | None = _opt_enum(LiveSpeechEngine)
    speech_timeout: float | None = _opt_number(0)
    vad_silence: float | None = _opt_number(0)
    vad_thresh: int | None = _opt_number(0, 1800, integer=True)
    debug_level: int | None = _opt_number(0, 2, integer=True)


@frozen(kw_only=True)
class LiveSummarize:
    webhook: str | None = _opt_url()
    prompt: str | None = _opt_text(10_000)


@frozen(kw_only=True)
class LiveInject:
    """Speak ``message`` into a live translation towards ``direction``."""

    message: str = _text(10_000)
    direction: LiveDirection = _enum(LiveDirection)


@frozen(kw_only=True)
class LiveStop:
    pass


LiveAction: TypeAlias = LiveStart | LiveSummarize | LiveInject | LiveStop


_TRANSLATION_ONLY = ("from_voice", "to_voice", "filter_from", "filter_to")


@frozen(kw_only=True)
class LiveTranscribe:
    action: LiveStart | LiveSummarize | LiveStop = attrs.field(
        validator=v.one_of_types((LiveStart, LiveSummarize, LiveStop), optional=False)
    )

    def __attrs_post_init__(self) -> None:
        if isinstance(self.action, LiveStart):
            for name in ("to_language", *_TRANSLATION_ONLY):
                if getattr(self.action, name) is not None:
                    raise InvalidValue("action", f"{name} is for LiveTranslate; transcription has one language")


@frozen(kw_only=True)
class LiveTranslate:
    action: LiveAction = attrs.field(
        validator=v.one_of_types((LiveStart, LiveSummarize, LiveInject, LiveStop), optional=False)
    )
    status_url: str | None = _opt_url()

    def __attrs_post_init__(self) -> None:
        if isinstance(self.action, LiveStart) and self.action.to_language is None:
            raise InvalidValue("action", "translation needs to_language")


# ---------------------------------------------------------------- AI agent


@frozen(kw_only=True)
class AiHold:
    """Put an AI agent conversation on hold (not a media hold); ``timeout`` in seconds."""

    timeout: float | None = _opt_number(0, 86_400, exclusive_minimum=True)
    prompt: str | None = _opt_text(10_000)


@frozen(kw_only=True)
class AiUnhold:
    prompt: str | None = _opt_text(10_000)


class AiRole(enum.StrEnum):
    SYSTEM = "system"
    USER = "user"
    ASSISTANT = "assistant"


@frozen(kw_only=True)
class AiReset:
    full_reset: bool | None = _opt_bool()
    user_prompt: str | None = _opt_text(10_000)
    system_prompt: str | None = _opt_text(10_000)


@frozen(kw_only=True)
class AiMessage:
    role: AiRole | None = _opt_enum(AiRole)
    message_text: str | None = _opt_text(100_000)
    reset: AiReset | None = attrs.field(default=None, validator=v.member(AiReset))
    global_data: FrozenJson | None = _opt_json()


@frozen(kw_only=True)
class AiStop:
    control_id: str | None = _control_id()


# ---------------------------------------------------------------- fax


@frozen(kw_only=True)
class StopFaxSend:
    control_id: str | None = _control_id()


@frozen(kw_only=True)
class StopFaxReceive:
    control_id: str | None = _control_id()


# ---------------------------------------------------------------- custom


@frozen(kw_only=True)
class UserEvent:
    """Fire an application-defined event on the call."""

    event: FrozenJson = attrs.field(converter=json_field_converter, validator=v.member(FrozenJson, optional=False))  # type: ignore[misc]


# ---------------------------------------------------------------- the union

Command: TypeAlias = (
    Dial | Answer | Reject | Hangup | Cancel | Redirect | ReturnToDialplan | Unbridge | SendToVoicemail
    | Transfer | Refer | AddParticipant | RemoveParticipant | JoinConference | LeaveConference
    | Hold | Unhold | Mute | Unmute | SendDigits
    | Play | PausePlayback | ResumePlayback | StopPlayback | SetPlaybackVolume | SeekPlayback
    | Record | PauseRecording | ResumeRecording | StopRecording
    | Collect | StopCollect | StartInputTimers | Detect | StopDetect
    | Tap | StopTap | Stream | StopStream | Denoise | StopDenoise
    | Transcribe | StopTranscribe | LiveTranscribe | LiveTranslate
    | AiHold | AiUnhold | AiMessage | AiStop | StopFaxSend | StopFaxReceive | UserEvent
)  # fmt: skip

#: Every canonical command class, in the DESIGN §3 order (drives the matrix and the docs).
COMMANDS: tuple[type, ...] = Command.__args__


def _snake(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


#: Canonical tags: the snake_case class name (``StopPlayback`` → ``stop_playback``).
TAGS: Mapping[type, str] = {cls: _snake(cls.__name__) for cls in COMMANDS}
BY_TAG: Mapping[str, type] = {tag: cls for cls, tag in TAGS.items()}
