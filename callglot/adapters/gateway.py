"""The gateway: ``POST /api/v1/sessions/{uuid}/commands/<path>`` (seed 002; reference §3).

A FreeSWITCH-style "Voice Platform API". The command is the URL path; the
body holds its parameters plus the optional idempotency key ``command_uid``,
which callglot carries as the request's ``command_id``.

The reference lists some paths without their parameters. Decisions, also
written into the schema and the matrix notes:

- ``playback/pause``, ``playback/resume``, ``playback/stop``, ``record/stop``,
  ``conference/leave``, ``conference/mute``, ``conference/unmute``: no body
  fields beyond ``command_uid`` (they act on the session's current playback,
  recording or conference, like ``playback/stop`` which is documented so).
- ``playback/seek``: ``offset_sec`` (integer seconds 0..86400, required), the
  absolute position, named and bounded like ``playback/start``'s offset.
- ``conference/join``: ``room_id`` (required), the id ``POST /api/v1/conferences``
  returns (``acW68-room-<uuid>``) or a room name (letters, digits, ``-``, ``_``).

Responses (reference §3.2): ``202 {"operation_id", "status": "in_progress",
"timeout_ms"}`` (all three required, nothing else) is a ``Receipt(IN_PROGRESS,
operation_id, timeout=timeout_ms / 1000)``; it names neither the session nor the
command. ``4xx/5xx {"success": false, "error", "detail"?}`` is a ``ProviderError``
(message = ``error``, details = ``detail``, retry_after = the ``Retry-After``
header, whole seconds only). Any other status or body is a DecodeError.

Webhooks (reference §3.4) come in two shapes, both decoded:

- the envelope ``{"event", "session_uuid", "sequence"?, "data": {...}}``: the
  NORMAL FORM, the only one encoded (it carries ``sequence``);
- the flat form ``{"event", "session_uuid", "sequence"?, ...the data fields}``
  (the per-event pages). A body with a ``data`` key is an envelope, one without is
  flat. Flat is not normal form: it re-encodes as the envelope with the same
  fields. Nothing about the shape is kept in ``origin``: the gateway's webhooks
  carry no account fields, so its events never have an ``origin``.

``session_uuid`` is ``call_id``, ``sequence`` (>= 1) is ``sequence``, the data's
``command_uid`` is ``command_id``. There is no event id, timestamp or control id.
Event fields, where the reference stops (decisions marked *):

- ``call.new {caller_id?, did?}``: CallStateChanged(CREATED, INBOUND, source, destination).
- ``call.answered {command_uid?, success?}``: CallStateChanged(ANSWERED). ``success``
  comes only with ``command_uid`` and is always true (* a failed answer is a
  ``command.result`` with success false): ``success: false`` or ``success``
  without ``command_uid`` is rejected; ``command_uid`` without ``success`` is
  accepted and re-encodes with ``success: true`` (normal form).
- ``call.hangup {cause?, command_uid?}``: CallStateChanged(ENDED, cause) (* ``cause``
  is the Q.850 name, like the hangup command's).
- ``dtmf {digit}``: DtmfReceived (* one ``digit`` of ``0-9 A-D * #``).
- ``playback.started`` / ``playback.file_not_found {command_uid?, urls?, file_path?}``:
  PlaybackEvent(STARTED / ERROR) (* file_not_found takes playback.started's fields).
- ``playback.stopped {command_uid?, urls?, file_path?, offset_ms?, duration_ms?}``:
  PlaybackEvent(FINISHED, offset, duration in seconds). ``file_path`` is the
  deprecated comma-joined ``urls``: not stored; it must equal ``",".join(urls)``
  (else, or without ``urls``, the message is rejected) and encoding always
  writes it beside ``urls`` (normal form).
- ``recording.completed {command_uid?, url?, duration_ms?}``: RecordingEvent(FINISHED)
  (* field names ``url`` and ``duration_ms``, milliseconds like the playback events).
- ``command.result {command_uid?, success, detail?}``: CommandResult (* ``detail``
  is an object, like the error body's).
- ``conference.created``, ``conference.play.*`` and other ``conference.*`` events:
  no canonical event (rooms are not calls): UnknownCommand naming the event.

Milliseconds map to seconds (÷ 1000); encoding back needs whole milliseconds.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable, Mapping
from typing import Any, ClassVar

import attrs

from callglot._wire import HttpRequest, HttpResponse
from callglot.adapters.testing import TestProfile
from callglot.canonical import (
    AddParticipant,
    AiHold,
    AiMessage,
    AiStop,
    AiUnhold,
    Answer,
    Audio,
    Cancel,
    Collect,
    Command,
    Denoise,
    Detect,
    Dial,
    Hangup,
    HangupCause,
    Hold,
    JoinConference,
    LeaveConference,
    LiveTranscribe,
    LiveTranslate,
    Mute,
    PausePlayback,
    PauseRecording,
    Play,
    Record,
    Redirect,
    Refer,
    Reject,
    RemoveParticipant,
    ResumePlayback,
    ResumeRecording,
    ReturnToDialplan,
    SeekPlayback,
    SendDigits,
    SendToVoicemail,
    SetPlaybackVolume,
    StartInputTimers,
    StopCollect,
    StopDenoise,
    StopDetect,
    StopFaxReceive,
    StopFaxSend,
    StopPlayback,
    StopRecording,
    StopStream,
    StopTap,
    StopTranscribe,
    Stream,
    Tap,
    Transcribe,
    Transfer,
    Unbridge,
    Unhold,
    Unmute,
    UserEvent,
)
from callglot.canonical.events import (
    AnyEvent,
    CallDirection,
    CallState,
    CallStateChanged,
    CollectResult,
    CommandResult,
    ConferenceEvent,
    ConferenceState,
    ConnectEvent,
    DenoiseEvent,
    DetectEvent,
    DialStateChanged,
    DtmfReceived,
    ErrorEvent,
    Event,
    FaxEvent,
    HoldEvent,
    OperationState,
    PlaybackEvent,
    ProviderError,
    Receipt,
    ReceiptStatus,
    RecordingEvent,
    ReferEvent,
    SendDigitsEvent,
    StreamEvent,
    TapEvent,
    TranscriptionEvent,
    VoicemailReceived,
)
from callglot.canonical.types import thaw_json
from callglot.capabilities import Capability, Policy, emulated, native, partial, unsupported
from callglot.errors import InvalidMessage, InvalidValue

from . import _base
from ._base import Decoded, Dialect, Encoding, at, register_wire, route_for, structure

# ---------------------------------------------------------------- wire shapes

COMMAND_UID = r"[a-zA-Z0-9._-]{1,128}"
_COMMAND_UID = re.compile(COMMAND_UID)
CAUSE = re.compile(r"[A-Z_]{1,64}")


@attrs.frozen(kw_only=True)
class _Empty:
    command_uid: str | None = None


@attrs.frozen(kw_only=True)
class _Hangup:
    cause: str | None = None
    command_uid: str | None = None


@attrs.frozen(kw_only=True)
class _PlaybackStart:
    urls: list[str]
    offset_sec: int | None = None
    command_uid: str | None = None


@attrs.frozen(kw_only=True)
class _PlaybackSeek:
    offset_sec: int
    command_uid: str | None = None


@attrs.frozen(kw_only=True)
class _ConferenceJoin:
    room_id: str
    command_uid: str | None = None


converter = _base.make_converter()
for _cls in (_Empty, _Hangup, _PlaybackStart, _PlaybackSeek, _ConferenceJoin):
    register_wire(converter, _cls)

MAX_URLS = 128
MAX_URL_LENGTH = 2048  # per playback URL (reference §3.3)
MAX_OFFSET = 86_400

_base.limit_arrays(converter, _PlaybackStart, urls=MAX_URLS)  # refused by length before any URL is read

# ---------------------------------------------------------------- capabilities

_SESSION_ONLY = "the gateway acts on the session's current one: there are no operation ids"

CAPABILITIES: Mapping[type, Capability] = {
    Dial: unsupported("the gateway's API starts no calls: originate them from the dialplan"),
    Answer: native("answer"),
    Reject: emulated(
        "hangup before answer with cause CALL_REJECTED (or the Reject's cause)",
        reason="the gateway's hangup carries a Q.850 cause, not a text reason",
    ),
    Hangup: native("hangup with a Q.850 cause (the gateway defaults to NORMAL_CLEARING)"),
    Cancel: emulated("hangup with cause ORIGINATOR_CANCEL"),
    Redirect: unsupported("the gateway runs no call-control scripts: use disconnect (ReturnToDialplan)"),
    ReturnToDialplan: native("disconnect"),
    Unbridge: unsupported("the gateway has no unbridge: use disconnect to hand the call back to the dialplan"),
    SendToVoicemail: unsupported("route to voicemail in the dialplan after disconnect"),
    Transfer: unsupported("the gateway has no transfer: disconnect hands the call back to the dialplan"),
    Refer: unsupported("the gateway has no SIP REFER: route in the dialplan after disconnect"),
    AddParticipant: unsupported("the gateway adds parties through conferences: JoinConference"),
    RemoveParticipant: unsupported("the gateway removes parties through conferences: LeaveConference"),
    JoinConference: native("conference/join with room_id (field decided by callglot: not published)"),
    LeaveConference: native("conference/leave"),
    Hold: unsupported("the gateway has no hold: play music with playback/start instead"),
    Unhold: unsupported("the gateway has no hold: playback/stop ends the music"),
    Mute: partial(
        "conference/mute mutes this session in its conference",
        participant_id="the gateway mutes the session itself, not another participant",
    ),
    Unmute: partial(
        "conference/unmute", participant_id="the gateway unmutes the session itself, not another participant"
    ),
    SendDigits: unsupported("the gateway has no DTMF sending"),
    Play: partial(
        "playback/start plays up to 128 audio URLs; a new playback replaces the active one",
        media="the gateway plays audio URLs only (no TTS, silence or ringtones): up to 128, each up to 2048 characters",
        loop="the gateway plays once (no loop)",
        offset="offset_sec is whole seconds and only with a single URL",
        volume="the gateway has no playback volume per session",
        direction="the gateway plays to the session",
        language="the gateway has no TTS",
        voice="the gateway has no TTS",
        gender="the gateway has no TTS",
        status_url="playback webhooks go to the app's webhook URL",
        control_id=_SESSION_ONLY,
    ),
    PausePlayback: partial("playback/pause", control_id=_SESSION_ONLY),
    ResumePlayback: partial("playback/resume", control_id=_SESSION_ONLY),
    StopPlayback: partial("playback/stop", control_id=_SESSION_ONLY),
    SetPlaybackVolume: unsupported("only conference rooms have a volume (/conferences/{room_id}/volume)"),
    SeekPlayback: partial(
        "playback/seek with offset_sec (decided by callglot: not published)",
        position="offset_sec is whole seconds",
        control_id=_SESSION_ONLY,
    ),
    Record: partial(
        "record/start; format and destination are server configuration",
        format="recording format is server configuration",
        beep="no recording options",
        stereo="no recording options",
        direction="no recording options",
        initial_timeout="no recording options",
        end_silence_timeout="no recording options",
        max_length="no recording options",
        terminators="no recording options",
        input_sensitivity="no recording options",
        status_url="recording.completed goes to the app's webhook URL",
        control_id=_SESSION_ONLY,
    ),
    PauseRecording: unsupported("the gateway cannot pause a recording"),
    ResumeRecording: unsupported("the gateway cannot pause a recording"),
    StopRecording: partial("record/stop", control_id=_SESSION_ONLY),
    Collect: unsupported("play_and_get_digits exists but its parameters are not published"),
    StopCollect: unsupported("no input collection command is published"),
    StartInputTimers: unsupported("no input collection command is published"),
    Detect: unsupported("the gateway has no detectors"),
    StopDetect: unsupported("the gateway has no detectors"),
    Tap: unsupported("the gateway has no media tap"),
    StopTap: unsupported("the gateway has no media tap"),
    Stream: unsupported("the gateway has no media streaming command"),
    StopStream: unsupported("the gateway has no media streaming command"),
    Denoise: unsupported("the gateway has no noise reduction"),
    StopDenoise: unsupported("the gateway has no noise reduction"),
    Transcribe: unsupported("the gateway has no transcription"),
    StopTranscribe: unsupported("the gateway has no transcription"),
    LiveTranscribe: unsupported("the gateway has no transcription"),
    LiveTranslate: unsupported("the gateway has no translation"),
    AiHold: unsupported("the gateway has no AI agent"),
    AiUnhold: unsupported("the gateway has no AI agent"),
    AiMessage: unsupported("the gateway has no AI agent"),
    AiStop: unsupported("the gateway has no AI agent"),
    StopFaxSend: unsupported("the gateway has no fax"),
    StopFaxReceive: unsupported("the gateway has no fax"),
    UserEvent: unsupported("the gateway has no custom call events"),
}

# ---------------------------------------------------------------- decode


def _cause(value: str | None) -> HangupCause | None:
    if value is None:
        return None
    if CAUSE.fullmatch(value) is None:
        raise InvalidMessage("$.cause", "must match ^[A-Z_]+$ and be at most 64 characters")
    try:
        return HangupCause(value)
    except ValueError:
        raise InvalidMessage("$.cause", "not a known Q.850 cause name") from None


def _dec_play(w: _PlaybackStart) -> Play:
    if not 1 <= len(w.urls) <= MAX_URLS:
        raise InvalidMessage("$.urls", f"must hold 1..{MAX_URLS} URLs")
    media = []
    for index, url in enumerate(w.urls):
        if len(url) > MAX_URL_LENGTH:
            raise InvalidMessage(f"$.urls[{index}]", f"URLs are at most {MAX_URL_LENGTH} characters")
        with at(f"$.urls[{index}]"):
            media.append(Audio(url=url))
    if w.offset_sec is not None:
        if len(w.urls) > 1:
            raise InvalidMessage("$.offset_sec", "offset_sec is not allowed with several URLs")
        if not 0 <= w.offset_sec <= MAX_OFFSET:
            raise InvalidMessage("$.offset_sec", f"must be 0..{MAX_OFFSET}")
    return Play(media=tuple(media), offset=w.offset_sec)


def _dec_seek(w: _PlaybackSeek) -> SeekPlayback:
    if not 0 <= w.offset_sec <= MAX_OFFSET:
        raise InvalidMessage("$.offset_sec", f"must be 0..{MAX_OFFSET}")
    return SeekPlayback(position=w.offset_sec)


def _dec_join(w: _ConferenceJoin) -> JoinConference:
    with at("$.room_id"):
        return JoinConference(conference=w.room_id)


#: command path -> (wire class, decoder)
DECODERS: Mapping[str, tuple[type, Callable[[Any], Command]]] = {
    "answer": (_Empty, lambda w: Answer()),
    "hangup": (_Hangup, lambda w: Hangup(cause=_cause(w.cause))),
    "disconnect": (_Empty, lambda w: ReturnToDialplan()),
    "playback/start": (_PlaybackStart, _dec_play),
    "playback/stop": (_Empty, lambda w: StopPlayback()),
    "playback/pause": (_Empty, lambda w: PausePlayback()),
    "playback/resume": (_Empty, lambda w: ResumePlayback()),
    "playback/seek": (_PlaybackSeek, _dec_seek),
    "record/start": (_Empty, lambda w: Record()),
    "record/stop": (_Empty, lambda w: StopRecording()),
    "conference/join": (_ConferenceJoin, _dec_join),
    "conference/leave": (_Empty, lambda w: LeaveConference()),
    "conference/mute": (_Empty, lambda w: Mute()),
    "conference/unmute": (_Empty, lambda w: Unmute()),
}

# ---------------------------------------------------------------- encode


def _drop_set(command: Any, ctx: Encoding, names: tuple[str, ...]) -> None:
    for name in names:
        if getattr(command, name) is not None:
            ctx.lose(name)


_PLAY_EXTRAS = ("volume", "direction", "language", "voice", "gender", "status_url", "control_id")
_RECORD_EXTRAS = ("format", "beep", "stereo", "direction", "initial_timeout", "end_silence_timeout",
                  "max_length", "terminators", "input_sensitivity", "status_url", "control_id")  # fmt: skip


def _enc_play(c: Play, ctx: Encoding) -> tuple[str, Any]:
    if not all(isinstance(item, Audio) for item in c.media):
        ctx.lose("media", droppable=False)
    urls = [item.url for item in c.media if isinstance(item, Audio)]
    if any(len(url) > MAX_URL_LENGTH for url in urls):
        ctx.lose("media", droppable=False)
    if c.loop not in (None, 1):
        ctx.lose("loop")
    offset: int | None = None
    if c.offset is not None:
        if len(urls) == 1 and float(c.offset).is_integer():
            offset = int(c.offset)
        else:
            ctx.lose("offset")
    _drop_set(c, ctx, _PLAY_EXTRAS)
    return "playback/start", _PlaybackStart(urls=urls, offset_sec=offset)


def _enc_seek(c: SeekPlayback, ctx: Encoding) -> tuple[str, Any]:
    if not float(c.position).is_integer():
        ctx.lose("position", droppable=False)
    _drop_set(c, ctx, ("control_id",))
    return "playback/seek", _PlaybackSeek(offset_sec=int(c.position))


def _enc_record(c: Record, ctx: Encoding) -> tuple[str, Any]:
    _drop_set(c, ctx, _RECORD_EXTRAS)
    return "record/start", _Empty()


def _enc_reject(c: Reject, ctx: Encoding) -> tuple[str, Any]:
    if c.reason is not None:
        ctx.lose("reason")
    cause = c.cause or HangupCause.CALL_REJECTED
    # NORMAL_CLEARING is the gateway's default: its hangup normal form leaves it out, as Hangup's does.
    return "hangup", _Hangup(cause=None if cause is HangupCause.NORMAL_CLEARING else str(cause))


def _enc_participant(path: str) -> Callable[[Any, Encoding], tuple[str, Any]]:
    def encode(c: Any, ctx: Encoding) -> tuple[str, Any]:
        if c.participant_id is not None:
            ctx.lose("participant_id", droppable=False)
        return path, _Empty()

    return encode


def _enc_session(path: str) -> Callable[[Any, Encoding], tuple[str, Any]]:
    def encode(c: Any, ctx: Encoding) -> tuple[str, Any]:
        if getattr(c, "control_id", None) is not None:
            ctx.lose("control_id")
        return path, _Empty()

    return encode


ENCODERS: Mapping[type, Callable[[Any, Encoding], tuple[str, Any]]] = {
    Answer: lambda c, ctx: ("answer", _Empty()),
    Reject: _enc_reject,
    Hangup: lambda c, ctx: ("hangup", _Hangup(cause=None if c.cause is None else str(c.cause))),
    Cancel: lambda c, ctx: ("hangup", _Hangup(cause=str(HangupCause.ORIGINATOR_CANCEL))),
    ReturnToDialplan: lambda c, ctx: ("disconnect", _Empty()),
    JoinConference: lambda c, ctx: ("conference/join", _ConferenceJoin(room_id=c.conference)),
    LeaveConference: lambda c, ctx: ("conference/leave", _Empty()),
    Mute: _enc_participant("conference/mute"),
    Unmute: _enc_participant("conference/unmute"),
    Play: _enc_play,
    PausePlayback: _enc_session("playback/pause"),
    ResumePlayback: _enc_session("playback/resume"),
    StopPlayback: _enc_session("playback/stop"),
    SeekPlayback: _enc_seek,
    Record: _enc_record,
    StopRecording: _enc_session("record/stop"),
}

# ---------------------------------------------------------------- webhooks: wire shapes


@attrs.frozen(kw_only=True)
class _EnvelopeWire:
    event: str
    session_uuid: str
    sequence: int | None = None
    data: Any


@attrs.frozen(kw_only=True)
class _FlatHeader:
    event: str
    session_uuid: str
    sequence: int | None = None


@attrs.frozen(kw_only=True)
class _ConferenceCreated:
    event: str
    app_id: str | None = None
    room_id: str
    name: str | None = None


@attrs.frozen(kw_only=True)
class _ConferenceDestroyed:
    event: str
    app_id: str | None = None
    room_id: str


@attrs.frozen(kw_only=True)
class _MemberJoined:
    event: str
    session_uuid: str
    room_id: str
    caller_id: str | None = None


@attrs.frozen(kw_only=True)
class _MemberLeft:
    event: str
    session_uuid: str
    room_id: str
    reason: str | None = None  # hangup, removed, orphan: "accept any string for forward compatibility"


@attrs.frozen(kw_only=True)
class _CallNew:
    caller_id: str | None = None
    did: str | None = None


@attrs.frozen(kw_only=True)
class _CallAnswered:
    command_uid: str | None = None
    success: bool | None = None


@attrs.frozen(kw_only=True)
class _CallHangup:
    cause: str | None = None
    command_uid: str | None = None


@attrs.frozen(kw_only=True)
class _Dtmf:
    digit: str


@attrs.frozen(kw_only=True)
class _Playback:
    command_uid: str | None = None
    urls: list[str] | None = None
    file_path: str | None = None


@attrs.frozen(kw_only=True)
class _PlaybackStopped:
    command_uid: str | None = None
    urls: list[str] | None = None
    file_path: str | None = None
    offset_ms: int | None = None
    duration_ms: int | None = None


@attrs.frozen(kw_only=True)
class _RecordingCompleted:
    command_uid: str | None = None
    url: str | None = None
    duration_ms: int | None = None


@attrs.frozen(kw_only=True)
class _CommandResult:
    command_uid: str | None = None
    operation_id: str | None = None  # the 202's operation_id (callglot's decision: the field list is unpublished)
    success: bool
    detail: Any = _base.ABSENT  # tells an explicit null (refused, as the schema does) from no detail


@attrs.frozen(kw_only=True)
class _Accepted:
    operation_id: str
    status: str
    timeout_ms: int


@attrs.frozen(kw_only=True)
class _ErrorBody:
    success: bool
    error: str
    detail: Any = _base.ABSENT  # as _CommandResult.detail


_EVENT_WIRE: tuple[type, ...] = (
    _EnvelopeWire, _FlatHeader, _CallNew, _CallAnswered, _CallHangup, _Dtmf, _Playback, _PlaybackStopped,
    _RecordingCompleted, _CommandResult, _Accepted, _ErrorBody, _ConferenceCreated, _ConferenceDestroyed,
    _MemberJoined, _MemberLeft,
)  # fmt: skip
for _wire_cls in _EVENT_WIRE:
    register_wire(converter, _wire_cls)
for _wire_cls in (_Playback, _PlaybackStopped):
    _base.limit_arrays(converter, _wire_cls, urls=_base.max_items(PlaybackEvent, "urls"))

#: Milliseconds accepted on the wire (about 31 years): below this, ms -> s -> ms is exact.
MAX_MS = 10**12
#: The gateway's documented deferred-result timeout, used when LENIENT must invent one.
DEFAULT_TIMEOUT_MS = 2000

# ---------------------------------------------------------------- webhooks: capabilities

_NO_EVENT_ID = "the gateway's webhooks carry no event id (order and dedupe by sequence)"
_NO_TIMESTAMP = "the gateway's webhooks carry no timestamp"
_NO_CONTROL_ID = "the gateway has no operation ids: correlate by command_uid (command_id)"
_SESSION = "gateway webhooks belong to a session: session_uuid (a call id of one path segment) is required"
_SEQUENCE = "gateway sequences start at 1"
_COMMAND_UID_NOTE = (
    "command_uid (1..128 of letters, digits, ._-) rides only on asynchronous completions: "
    "call.answered, call.hangup, playback.*, recording.completed, command.result"
)


def _envelope_fields(*, command_uid: bool) -> dict[str, str]:
    fields = {
        "call_id": _SESSION,
        "event_id": _NO_EVENT_ID,
        "timestamp": _NO_TIMESTAMP,
        "control_id": _NO_CONTROL_ID,
        "sequence": _SEQUENCE,
        "command_id": _COMMAND_UID_NOTE if command_uid else "this gateway event carries no command_uid",
    }
    return fields


EVENT_CAPABILITIES: Mapping[type, Capability] = {
    CallStateChanged: partial(
        "call.new (created, inbound: caller_id, did), call.answered, call.hangup (cause: Q.850 name)",
        **_envelope_fields(command_uid=True),
        state="the gateway reports only created (call.new), answered and ended (call.hangup); "
        "failed is sent as call.hangup under LENIENT; ringing and ending have no event",
        direction="call.new is an inbound call; no other event carries a direction",
        source="only call.new carries the caller (caller_id)",
        destination="only call.new carries the called number (did)",
        cause="only call.hangup carries a cause",
        source_channel="the gateway's call events carry no channel",
        destination_channel="the gateway's call events carry no channel",
        peer_call_id="the gateway's call events name no peer",
        metadata="the gateway's call events carry no metadata",
    ),
    PlaybackEvent: partial(
        "playback.started, playback.stopped (finished or stopped: offset_ms, duration_ms), "
        "playback.file_not_found (error); file_path is written as the comma-joined urls",
        **_envelope_fields(command_uid=True),
        state="the gateway has no paused or no-input playback event",
        offset="offset_ms is whole milliseconds (LENIENT rounds), on playback.stopped only",
        duration="duration_ms is whole milliseconds (LENIENT rounds), on playback.stopped only",
    ),
    RecordingEvent: partial(
        "recording.completed (url, duration_ms; field names decided by callglot: not published)",
        **_envelope_fields(command_uid=True),
        state="the gateway reports only a completed recording",
        duration="duration_ms is whole milliseconds (LENIENT rounds)",
        size="recording.completed carries no size",
        format="recording format is server configuration",
        recording_id="recording.completed carries no recording id",
        direction="recording.completed carries no direction",
        stereo="recording.completed carries no channel layout",
        started_at="recording.completed carries no start time",
        ended_at="recording.completed carries no end time",
    ),
    CollectResult: unsupported(
        "play_and_get_digits results are not published; digits arrive one by one as dtmf (DtmfReceived)"
    ),
    DetectEvent: unsupported("the gateway has no detectors"),
    TapEvent: unsupported("the gateway has no media tap"),
    StreamEvent: unsupported("the gateway has no media streaming"),
    TranscriptionEvent: unsupported("the gateway has no transcription"),
    ReferEvent: unsupported("the gateway has no SIP REFER"),
    CommandResult: partial(
        "command.result {command_uid, success, detail} (detail decided by callglot: the field list is not published)",
        **{
            **_envelope_fields(command_uid=True),
            "command_id": "a command.result names its command by command_uid (1..128 of letters, digits, ._-) or "
            "operation_id: one of them is required",
        },
    ),
    DtmfReceived: partial(
        "dtmf, one per digit (field name digit decided by callglot)", **_envelope_fields(command_uid=False)
    ),
    VoicemailReceived: unsupported("the gateway has no voicemail: record in the dialplan"),
    ConnectEvent: unsupported("the gateway's webhooks report no bridging progress"),
    DialStateChanged: unsupported(
        "the gateway reports a call's progress as call.new, call.answered and call.hangup: CallStateChanged"
    ),
    HoldEvent: unsupported("the gateway's webhooks report no hold"),
    DenoiseEvent: unsupported("the gateway has no noise reduction"),
    SendDigitsEvent: unsupported("the gateway reports a command's completion as command.result: CommandResult"),
    FaxEvent: unsupported("the gateway has no fax"),
    ErrorEvent: unsupported(
        "the gateway reports failures per command (command.result with success false) or per playback "
        "(playback.file_not_found)"
    ),
    ConferenceEvent: partial(
        "conference.created (room_id, name, app_id), conference.destroyed (room_id, app_id), "
        "conference.member.joined (session_uuid, room_id, caller_id) and conference.member.left (session_uuid, "
        "room_id, reason), flat as the gateway's conference pages show them; app_id is kept in origin",
        state="the gateway reports only a room created or destroyed and a member joining or leaving",
        conference_id="every conference event names its room (room_id)",
        call_id="a member event belongs to the member's session (session_uuid, required); a room event to none",
        name="only conference.created carries the room's name",
        source="only conference.member.joined carries the member's caller id",
        reason="only conference.member.left carries a reason",
        size="the gateway's conference events carry no participant count",
        recording_url="the gateway's conference events carry no recording",
        recording_duration="the gateway's conference events carry no recording",
        recording_size="the gateway's conference events carry no recording",
        event_id=_NO_EVENT_ID,
        timestamp=_NO_TIMESTAMP,
        control_id=_NO_CONTROL_ID,
        sequence="the gateway's conference events carry no sequence",
        command_id="the gateway's conference events carry no command_uid",
    ),
}

RESPONSE_CAPABILITIES: Mapping[type, Capability] = {
    Receipt: partial(
        "202 {operation_id, status: in_progress, timeout_ms}; the result arrives as a command.result webhook",
        status="the gateway answers every command 202 in_progress (LENIENT sends accepted and queued so)",
        call_id="the 202 body names no session",
        command="the 202 body names no command",
        call="the 202 body carries no call leg",
        operation_id="the gateway's 202 always names its operation (LENIENT generates a UUID)",
        timeout="timeout_ms is whole milliseconds and always present (LENIENT rounds, or uses the documented 2000)",
    ),
    ProviderError: partial(
        "HTTP 4xx/5xx {success: false, error, detail?}; Retry-After in whole seconds",
        status="the gateway's errors are HTTP 4xx or 5xx",
        code="the gateway's errors have no code",
        parameter="the gateway's errors name no parameter",
        kind="the gateway's errors have no class",
        retry_after="Retry-After is whole seconds",
    ),
}

# ---------------------------------------------------------------- webhooks: decode

#: canonical field -> wire key (for errors a canonical constructor raises)
_FIELD_KEYS = {
    "source": "caller_id",
    "destination": "did",
    "command_id": "command_uid",
    "offset": "offset_ms",
    "duration": "duration_ms",
}


def _uid(value: str | None, base: str) -> str | None:
    if value is not None and _COMMAND_UID.fullmatch(value) is None:
        raise InvalidMessage(f"{base}.command_uid", "must be 1..128 characters of letters, digits and ._-")
    return value


def _seconds(ms: int | None, path: str) -> float | None:
    return None if ms is None else _base.from_millis(ms, path, MAX_MS)


def _urls(w: _Playback | _PlaybackStopped, base: str) -> tuple[str, ...] | None:
    if w.file_path is not None:
        if w.urls is None:
            raise InvalidMessage(
                f"{base}.file_path", "file_path (deprecated) comes with urls, as their comma-joined form"
            )
        if w.file_path != ",".join(w.urls):
            raise InvalidMessage(f"{base}.file_path", "must be the urls joined with commas (its deprecated form)")
    return None if w.urls is None else tuple(w.urls)


def _ev_call_new(w: _CallNew, base: str) -> tuple[type, dict[str, Any]]:
    return CallStateChanged, {
        "state": CallState.CREATED,
        "direction": CallDirection.INBOUND,
        "source": w.caller_id,
        "destination": w.did,
    }


def _ev_call_answered(w: _CallAnswered, base: str) -> tuple[type, dict[str, Any]]:
    if w.success is False:
        raise InvalidMessage(f"{base}.success", "call.answered reports an answer: a failed answer is a command.result")
    if w.success is not None and w.command_uid is None:
        raise InvalidMessage(f"{base}.success", "success comes only with command_uid (an answer a command asked for)")
    return CallStateChanged, {"state": CallState.ANSWERED, "command_id": _uid(w.command_uid, base)}


def _ev_call_hangup(w: _CallHangup, base: str) -> tuple[type, dict[str, Any]]:
    cause = None
    if w.cause is not None:
        if CAUSE.fullmatch(w.cause) is None:
            raise InvalidMessage(f"{base}.cause", "must match ^[A-Z_]+$ and be at most 64 characters")
        try:
            cause = HangupCause(w.cause)
        except ValueError:
            raise InvalidMessage(f"{base}.cause", "not a known Q.850 cause name") from None
    return CallStateChanged, {"state": CallState.ENDED, "cause": cause, "command_id": _uid(w.command_uid, base)}


def _ev_playback(state: OperationState) -> Callable[[Any, str], tuple[type, dict[str, Any]]]:
    def decode(w: _Playback, base: str) -> tuple[type, dict[str, Any]]:
        return PlaybackEvent, {"state": state, "urls": _urls(w, base), "command_id": _uid(w.command_uid, base)}

    return decode


def _ev_playback_stopped(w: _PlaybackStopped, base: str) -> tuple[type, dict[str, Any]]:
    return PlaybackEvent, {
        "state": OperationState.FINISHED,
        "urls": _urls(w, base),
        "offset": _seconds(w.offset_ms, f"{base}.offset_ms"),
        "duration": _seconds(w.duration_ms, f"{base}.duration_ms"),
        "command_id": _uid(w.command_uid, base),
    }


def _ev_recording(w: _RecordingCompleted, base: str) -> tuple[type, dict[str, Any]]:
    return RecordingEvent, {
        "state": OperationState.FINISHED,
        "url": w.url,
        "duration": _seconds(w.duration_ms, f"{base}.duration_ms"),
        "command_id": _uid(w.command_uid, base),
    }


def _ev_command_result(w: _CommandResult, base: str) -> tuple[type, dict[str, Any]]:
    if w.command_uid is None and w.operation_id is None:  # nothing could match it to its command
        raise InvalidMessage(f"{base}.command_uid", "required field missing (or operation_id: what names the command)")
    detail = _detail(w.detail, f"{base}.detail")
    return CommandResult, {
        "success": w.success,
        "detail": detail,
        "command_id": _uid(w.command_uid, base),
        "operation_id": w.operation_id,
    }


#: gateway event name -> (data wire class, decoder(data, base path) -> (event class, fields))
EVENT_DECODERS: Mapping[str, tuple[type, Callable[[Any, str], tuple[type, dict[str, Any]]]]] = {
    "call.new": (_CallNew, _ev_call_new),
    "call.answered": (_CallAnswered, _ev_call_answered),
    "call.hangup": (_CallHangup, _ev_call_hangup),
    "dtmf": (_Dtmf, lambda w, base: (DtmfReceived, {"digit": w.digit})),
    "playback.started": (_Playback, _ev_playback(OperationState.STARTED)),
    "playback.stopped": (_PlaybackStopped, _ev_playback_stopped),
    "playback.file_not_found": (_Playback, _ev_playback(OperationState.ERROR)),
    "recording.completed": (_RecordingCompleted, _ev_recording),
    "command.result": (_CommandResult, _ev_command_result),
}

_HEADER_KEYS = ("event", "session_uuid", "sequence")


_KNOWN_KEYS: dict[type, frozenset[str]] = {}


def _wire_keys(cls: type[Any]) -> frozenset[str]:
    """The wire keys of ``cls`` (computed once per class: this runs on every webhook)."""
    known = _KNOWN_KEYS.get(cls)
    if known is None:
        known = _KNOWN_KEYS[cls] = frozenset(_base.wire_key(cls, a.name) or a.name for a in attrs.fields(cls))
    return known


def _structure(data: Any, cls: type[Any], path: str) -> Any:
    """``structure`` for a closed wire class, naming unexpected keys safely (escaped, shortened)."""
    if isinstance(data, dict) and not _wire_keys(cls).issuperset(data):
        known = _wire_keys(cls)
        extra = [key for key in data if key not in known]
        raise _base.UnexpectedFields(path, extra, _base.unexpected_fields(extra, known=known))
    return structure(converter, data, cls, path)


def _decode_webhook(body: Any) -> AnyEvent:
    if not isinstance(body, dict):
        raise InvalidMessage("$", f"expected a JSON object, got {_base._json_type(body)}")
    if "event" not in body:
        raise InvalidMessage("$.event", "required field missing")
    name = body["event"]
    if type(name) is str and name in CONFERENCE_EVENTS:
        return _decode_conference(body, name)
    if type(name) is str and name not in EVENT_DECODERS:
        return _base.unknown_event("gateway", body, name, "$.event", body.get("session_uuid"))
    data_cls, decoder = route_for(EVENT_DECODERS, name, "$.event", "gateway event")
    if "data" in body:  # the envelope (normal form)
        header = _structure(body, _EnvelopeWire, "$")
        base = "$.data"
        data = _structure(header.data, data_cls, base)
    else:  # the flat form of the per-event pages
        header = _structure({k: v for k, v in body.items() if k in _HEADER_KEYS}, _FlatHeader, "$")
        base = "$"
        data = _structure({k: v for k, v in body.items() if k not in _HEADER_KEYS}, data_cls, base)
    call_id = _base.check_call_id(header.session_uuid, "$.session_uuid")
    if header.sequence is not None and header.sequence < 1:
        raise InvalidMessage("$.sequence", "must be >= 1 (sequences start at 1 per session)")
    cls, fields = decoder(data, base)
    fields = {key: value for key, value in fields.items() if value is not None}
    try:
        event: Event = cls(call_id=call_id, sequence=header.sequence, **fields)
    except InvalidValue as exc:
        head, _, rest = exc.field.partition("[")
        key = _FIELD_KEYS.get(head, head)
        where = "$.session_uuid" if head == "call_id" else "$.sequence" if head == "sequence" else f"{base}.{key}"
        raise InvalidMessage(where + (f"[{rest}" if rest else ""), exc.reason) from None
    return event


#: The conference pages' events (flat, no data, no sequence): name -> (wire class, state).
CONFERENCE_EVENTS: Mapping[str, tuple[type, ConferenceState]] = {
    "conference.created": (_ConferenceCreated, ConferenceState.STARTED),
    "conference.destroyed": (_ConferenceDestroyed, ConferenceState.ENDED),
    "conference.member.joined": (_MemberJoined, ConferenceState.PARTICIPANT_JOINED),
    "conference.member.left": (_MemberLeft, ConferenceState.PARTICIPANT_LEFT),
}
_CONFERENCE_NAMES: Mapping[ConferenceState, str] = {state: name for name, (_, state) in CONFERENCE_EVENTS.items()}
_CONFERENCE_PATHS = {"call_id": "$.session_uuid", "conference_id": "$.room_id", "source": "$.caller_id"}


def _decode_conference(body: dict[str, Any], name: str) -> ConferenceEvent:
    wire_cls, state = CONFERENCE_EVENTS[name]
    w = _structure(body, wire_cls, "$")
    session = getattr(w, "session_uuid", None)
    call_id = None if session is None else _base.check_call_id(session, "$.session_uuid")
    app_id = getattr(w, "app_id", None)
    fields = {
        "call_id": call_id,
        "origin": None if app_id is None else {"app_id": app_id},
        "state": state,
        "conference_id": w.room_id,
        "name": getattr(w, "name", None),
        "source": getattr(w, "caller_id", None),
        "reason": getattr(w, "reason", None),
    }
    try:
        return ConferenceEvent(**fields)
    except InvalidValue as exc:
        head = exc.field.split(".")[0]
        raise InvalidMessage(_CONFERENCE_PATHS.get(head, f"$.{head}"), exc.reason) from None


def _encode_conference(e: ConferenceEvent, ctx: Encoding) -> dict[str, Any]:
    name = _CONFERENCE_NAMES.get(e.state)
    if name is None:
        ctx.lose("state", droppable=False)
    assert name is not None
    _lose_set(e, ctx, ("event_id", "timestamp", "control_id", "sequence", "command_id", "size", "recording_url",
                       "recording_duration", "recording_size"))  # fmt: skip
    if e.conference_id is None:
        ctx.lose("conference_id", droppable=False)
    member = e.state in (ConferenceState.PARTICIPANT_JOINED, ConferenceState.PARTICIPANT_LEFT)
    body: dict[str, Any] = {"event": name}
    if member:
        if e.call_id is None or _base.CALL_ID.fullmatch(e.call_id) is None:
            ctx.lose("call_id", droppable=False)
        body["session_uuid"] = e.call_id
    elif e.call_id is not None:
        ctx.lose("call_id")
    origin = e.origin
    app_id = None
    if origin is not None:
        if not member and set(origin) == {"app_id"} and type(origin["app_id"]) is str:
            app_id = origin["app_id"]
        else:
            ctx.drop_origin()
    if app_id is not None:
        body["app_id"] = app_id
    body["room_id"] = e.conference_id
    for field, key, owner in (
        ("name", "name", ConferenceState.STARTED),
        ("source", "caller_id", ConferenceState.PARTICIPANT_JOINED),
        ("reason", "reason", ConferenceState.PARTICIPANT_LEFT),
    ):
        value = getattr(e, field)
        if value is None:
            continue
        if e.state is owner:
            body[key] = value
        else:
            ctx.lose(field)
    return body


# ---------------------------------------------------------------- webhooks: encode


def _ms(seconds: float, field: str, ctx: Encoding) -> int | None:
    """Whole milliseconds for ``seconds`` (exact, or a loss: LENIENT rounds, or drops what is out of range)."""
    return _base.to_millis(seconds, ctx, field, MAX_MS)


def _command_uid(event: Event, ctx: Encoding) -> str | None:
    if event.command_id is None:
        return None
    if _COMMAND_UID.fullmatch(event.command_id) is None:
        ctx.lose("command_id")
        return None
    return event.command_id


def _lose_set(event: Any, ctx: Encoding, names: tuple[str, ...]) -> None:
    for name in names:
        if getattr(event, name) is not None:
            ctx.lose(name)


def _enc_call_state(e: CallStateChanged, ctx: Encoding) -> tuple[str, Any]:
    _lose_set(e, ctx, ("source_channel", "destination_channel", "peer_call_id", "metadata"))
    if e.state is CallState.CREATED:
        if e.direction is not CallDirection.INBOUND:
            ctx.lose("direction", droppable=False)
        _lose_set(e, ctx, ("cause", "command_id"))
        return "call.new", _CallNew(caller_id=e.source, did=e.destination)
    _lose_set(e, ctx, ("direction", "source", "destination"))
    if e.state is CallState.ANSWERED:
        _lose_set(e, ctx, ("cause",))
        uid = _command_uid(e, ctx)
        return "call.answered", _CallAnswered(command_uid=uid, success=None if uid is None else True)
    if e.state is CallState.FAILED:
        ctx.lose("state")  # LENIENT: a failed call is an ended one
    elif e.state is not CallState.ENDED:
        ctx.lose("state", droppable=False)
    cause = None if e.cause is None else str(e.cause)
    return "call.hangup", _CallHangup(cause=cause, command_uid=_command_uid(e, ctx))


_PLAYBACK_EVENTS = {
    OperationState.STARTED: "playback.started",
    OperationState.FINISHED: "playback.stopped",
    OperationState.ERROR: "playback.file_not_found",
}


def _enc_playback(e: PlaybackEvent, ctx: Encoding) -> tuple[str, Any]:
    name = _PLAYBACK_EVENTS.get(e.state)
    if name is None:
        ctx.lose("state", droppable=False)
        raise AssertionError("unreachable")  # pragma: no cover
    urls = None if e.urls is None else list(e.urls)
    file_path = None if urls is None else ",".join(urls)
    uid = _command_uid(e, ctx)
    if e.state is not OperationState.FINISHED:
        _lose_set(e, ctx, ("offset", "duration"))
        return name, _Playback(command_uid=uid, urls=urls, file_path=file_path)
    offset = None if e.offset is None else _ms(e.offset, "offset", ctx)
    duration = None if e.duration is None else _ms(e.duration, "duration", ctx)
    return name, _PlaybackStopped(
        command_uid=uid, urls=urls, file_path=file_path, offset_ms=offset, duration_ms=duration
    )


def _enc_recording(e: RecordingEvent, ctx: Encoding) -> tuple[str, Any]:
    if e.state is not OperationState.FINISHED:
        ctx.lose("state", droppable=False)
    _lose_set(e, ctx, ("size", "format", "recording_id", "direction", "stereo", "started_at", "ended_at"))
    duration = None if e.duration is None else _ms(e.duration, "duration", ctx)
    return "recording.completed", _RecordingCompleted(command_uid=_command_uid(e, ctx), url=e.url, duration_ms=duration)


def _detail(value: Any, path: str) -> dict[str, Any] | None:
    """A wire ``detail``: absent is None; present, it must be a JSON object (not null)."""
    if value is _base.ABSENT:
        return None
    if value is None:
        raise InvalidMessage(path, "null is not allowed: omit the field instead")
    if not isinstance(value, dict):
        raise InvalidMessage(path, "expected a JSON object")
    return value


def _enc_command_result(e: CommandResult, ctx: Encoding) -> tuple[str, Any]:
    detail = _base.ABSENT if e.detail is None else thaw_json(e.detail)
    uid = _command_uid(e, ctx)
    if uid is None and e.operation_id is None:
        ctx.lose("command_id", droppable=False)
    return "command.result", _CommandResult(
        command_uid=uid, operation_id=e.operation_id, success=e.success, detail=detail
    )


def _enc_dtmf(e: DtmfReceived, ctx: Encoding) -> tuple[str, Any]:
    _lose_set(e, ctx, ("command_id",))
    return "dtmf", _Dtmf(digit=e.digit)


EVENT_ENCODERS: Mapping[type, Callable[[Any, Encoding], tuple[str, Any]]] = {
    CallStateChanged: _enc_call_state,
    PlaybackEvent: _enc_playback,
    RecordingEvent: _enc_recording,
    CommandResult: _enc_command_result,
    DtmfReceived: _enc_dtmf,
}


def _encode_webhook(event: Event, ctx: Encoding) -> dict[str, Any]:
    if isinstance(event, ConferenceEvent):
        return _encode_conference(event, ctx)
    if event.call_id is None or _base.CALL_ID.fullmatch(event.call_id) is None:
        ctx.lose("call_id", droppable=False)
    _lose_set(event, ctx, ("event_id", "timestamp", "control_id"))
    if event.origin is not None:  # the gateway keeps no origin (an empty one included: it reads back as none)
        ctx.drop_origin()
    sequence = event.sequence
    if sequence == 0:
        ctx.lose("sequence")
        sequence = None
    name, data = EVENT_ENCODERS[type(event)](event, ctx)
    body: dict[str, Any] = {"event": name, "session_uuid": event.call_id}
    if sequence is not None:
        body["sequence"] = sequence
    body["data"] = converter.unstructure(data)
    return body


# ---------------------------------------------------------------- responses


def _header(headers: Mapping[str, str], name: str) -> str | None:
    found = [value for key, value in headers.items() if isinstance(key, str) and key.lower() == name]
    if len(found) > 1:
        raise InvalidMessage(f"$.headers.{name}", "given more than once")
    return found[0] if found else None


def _decode_reply(response: HttpResponse) -> Receipt:
    status, body = response.status, response.body
    if status == 202:
        accepted = _structure(body, _Accepted, "$")
        if accepted.status != "in_progress":
            raise InvalidMessage("$.status", "must be in_progress (the result arrives as a command.result webhook)")
        with at("$.operation_id"):
            return Receipt(
                status=ReceiptStatus.IN_PROGRESS,
                operation_id=accepted.operation_id,
                timeout=_seconds(accepted.timeout_ms, "$.timeout_ms"),
            )
    if 400 <= status <= 599:
        error = _structure(body, _ErrorBody, "$")
        if error.success is not False:
            raise InvalidMessage("$.success", "an error body has success: false")
        detail = _detail(error.detail, "$.detail")
        _header(response.headers, "retry-after")  # refuses a duplicated header
        try:
            retry_after = _base.retry_after(response.headers)
            problem = ProviderError(status, error.error, details=detail, retry_after=retry_after)
        except InvalidValue as exc:
            head, sep, rest = exc.field.partition(".")  # ProviderError's names -> the body's keys
            key = {"details": "detail", "message": "error"}.get(head, head)
            raise InvalidMessage(f"$.{key}{sep}{rest}", exc.reason) from None
        raise problem
    raise InvalidMessage("$.status", f"gateway commands answer 202 or an error (4xx/5xx), not {status}")


def _encode_reply(result: Receipt | ProviderError, ctx: Encoding) -> HttpResponse:
    if isinstance(result, ProviderError):
        if not 400 <= result.status <= 599:
            ctx.lose("status", droppable=False)
        _lose_set(result, ctx, ("code", "parameter", "kind"))
        headers: dict[str, str] = {}
        if result.retry_after is not None:
            if 0 <= result.retry_after < _base.RETRY_AFTER_LIMIT and float(result.retry_after).is_integer():
                headers["Retry-After"] = str(int(result.retry_after))
            else:
                ctx.lose("retry_after")
        detail = _base.ABSENT if result.details is None else thaw_json(result.details)
        wire_error = _ErrorBody(success=False, error=result.message, detail=detail)
        return HttpResponse(status=result.status, body=converter.unstructure(wire_error), headers=headers)
    if result.status is not ReceiptStatus.IN_PROGRESS:
        ctx.lose("status")
    _lose_set(result, ctx, ("call_id", "command", "call"))
    operation_id = result.operation_id
    if operation_id is None:
        if ctx.policy is Policy.STRICT:
            ctx.lose("operation_id")
        operation_id = str(uuid.uuid4())
        ctx.generated("operation_id", "a random UUID: the gateway's 202 always names its operation")
    timeout_ms: int | None = None
    if result.timeout is None:
        if ctx.policy is Policy.STRICT:
            ctx.lose("timeout")
        ctx.generated("timeout", f"the documented {DEFAULT_TIMEOUT_MS} ms")
        timeout_ms = DEFAULT_TIMEOUT_MS
    else:
        timeout_ms = _base.to_millis(result.timeout, ctx, "timeout", MAX_MS)
        if timeout_ms is None:  # LENIENT, out of range: the 202 always carries a timeout
            timeout_ms = MAX_MS
    accepted = _Accepted(operation_id=operation_id, status="in_progress", timeout_ms=timeout_ms)
    return HttpResponse(status=202, body=converter.unstructure(accepted))


# ---------------------------------------------------------------- the dialect

_PATH = re.compile(r"/api/v1/sessions/([^/]+)/commands/([a-z_]+(?:/[a-z_]+)?)")


class GatewayDialect(Dialect):
    name = "gateway"
    summary = (
        "The gateway (a FreeSWITCH-style Voice Platform API): `POST /api/v1/sessions/{uuid}/commands/<path>`; "
        "the body holds the parameters and the optional idempotency key `command_uid`, carried as `command_id`. "
        "Commands answer 202 with a deferred operation; results arrive as `command.result` webhooks."
    )
    schema_file = "gateway.schema.json"
    test_profile = TestProfile(
        call_id="acW68-f47ac10b-58cc-4372-a567-0e02b2c3d479",
        command_tag=None,
        event_tag="event",
        wrong_paths=("/api/v1/sessions/acW68-f47ac10b-58cc-4372-a567-0e02b2c3d479/commands/playback/strat",),
    )
    capabilities: ClassVar[Mapping[type, Capability]] = CAPABILITIES
    carries_command_id = True

    def _encode(self, command: Command, ctx: Encoding, call_id: str | None, command_id: str | None) -> HttpRequest:
        path, wire_body = ENCODERS[type(command)](command, ctx)
        body: dict[str, Any] = converter.unstructure(wire_body)
        if command_id is not None:
            body["command_uid"] = command_id
        return HttpRequest(method="POST", path=f"/api/v1/sessions/{call_id}/commands/{path}", body=body)

    def _decode(self, request: HttpRequest) -> Decoded:
        if request.method.upper() != "POST":
            raise _base.wrong_method("gateway commands", request.method)
        match = _PATH.fullmatch(request.path)
        if match is None:
            raise _base.wrong_path("/api/v1/sessions/{uuid}/commands/<command>")
        call_id = _base.check_call_id(match.group(1), part="path")
        wire_cls, decoder = route_for(DECODERS, match.group(2), "$", "gateway command path", part="path")
        body = {} if request.body is None else request.body
        parsed = structure(converter, body, wire_cls)
        command_uid = parsed.command_uid
        if command_uid is not None and _COMMAND_UID.fullmatch(command_uid) is None:
            raise InvalidMessage("$.command_uid", "must be 1..128 characters of letters, digits and ._-")
        return Decoded(command=decoder(parsed), call_id=call_id, command_id=command_uid)

    # -- webhooks and responses

    event_capabilities: ClassVar[Mapping[type, Capability]] = EVENT_CAPABILITIES
    response_capabilities: ClassVar[Mapping[type, Capability]] = RESPONSE_CAPABILITIES

    def _decode_event(self, request: HttpRequest) -> AnyEvent:
        return _decode_webhook(request.body)

    def _encode_event(self, event: Event, ctx: Encoding) -> dict[str, Any]:
        return _encode_webhook(event, ctx)

    def _decode_response(self, response: HttpResponse) -> Receipt:
        return _decode_reply(response)

    def _encode_response(self, result: Receipt | ProviderError, ctx: Encoding, answers: str | None) -> HttpResponse:
        return _encode_reply(result, ctx)


_base.check_capability_table(GatewayDialect)
