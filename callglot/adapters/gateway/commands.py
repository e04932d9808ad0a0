"""The gateway's commands: ``POST /api/v1/sessions/{uuid}/commands/<path>`` (seed 002; reference §3).

The command wire shapes (one per body form), the capability table, and the
decoders and encoders between each command path and its canonical command.

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
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

import attrs

from callglot._wire import HttpRequest
from callglot.adapters import _base
from callglot.adapters._base import Decoded, Encoding, at, register_wire, route_for, structure
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
from callglot.capabilities import Capability, emulated, native, partial, unsupported
from callglot.errors import InvalidMessage

from ._wire import check_command_uid, converter, hangup_cause, lose_set

# ---------------------------------------------------------------- wire shapes


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


def _check_offset(offset_sec: int) -> None:
    if not 0 <= offset_sec <= MAX_OFFSET:
        raise InvalidMessage("$.offset_sec", f"must be 0..{MAX_OFFSET}")


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
        _check_offset(w.offset_sec)
    return Play(media=tuple(media), offset=w.offset_sec)


def _dec_seek(w: _PlaybackSeek) -> SeekPlayback:
    _check_offset(w.offset_sec)
    return SeekPlayback(position=w.offset_sec)


def _dec_join(w: _ConferenceJoin) -> JoinConference:
    with at("$.room_id"):
        return JoinConference(conference=w.room_id)


#: command path -> (wire class, decoder)
DECODERS: Mapping[str, tuple[type, Callable[[Any], Command]]] = {
    "answer": (_Empty, lambda w: Answer()),
    "hangup": (_Hangup, lambda w: Hangup(cause=hangup_cause(w.cause, "$.cause"))),
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
    lose_set(c, ctx, _PLAY_EXTRAS)
    return "playback/start", _PlaybackStart(urls=urls, offset_sec=offset)


def _enc_seek(c: SeekPlayback, ctx: Encoding) -> tuple[str, Any]:
    if not float(c.position).is_integer():
        ctx.lose("position", droppable=False)
    lose_set(c, ctx, ("control_id",))
    return "playback/seek", _PlaybackSeek(offset_sec=int(c.position))


def _enc_record(c: Record, ctx: Encoding) -> tuple[str, Any]:
    lose_set(c, ctx, _RECORD_EXTRAS)
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

# ---------------------------------------------------------------- requests

_PATH = re.compile(r"/api/v1/sessions/([^/]+)/commands/([a-z_]+(?:/[a-z_]+)?)")


def encode_request(command: Command, ctx: Encoding, call_id: str | None, command_id: str | None) -> HttpRequest:
    path, wire_body = ENCODERS[type(command)](command, ctx)
    body: dict[str, Any] = converter.unstructure(wire_body)
    if command_id is not None:
        body["command_uid"] = command_id
    return HttpRequest(method="POST", path=f"/api/v1/sessions/{call_id}/commands/{path}", body=body)


def decode_request(request: HttpRequest) -> Decoded:
    if request.method.upper() != "POST":
        raise _base.wrong_method("gateway commands", request.method)
    match = _PATH.fullmatch(request.path)
    if match is None:
        raise _base.wrong_path("/api/v1/sessions/{uuid}/commands/<command>")
    call_id = _base.check_call_id(match.group(1), part="path")
    wire_cls, decoder = route_for(DECODERS, match.group(2), "$", "gateway command path", part="path")
    body = {} if request.body is None else request.body
    parsed = structure(converter, body, wire_cls)
    command_uid = check_command_uid(parsed.command_uid, "$")
    return Decoded(command=decoder(parsed), call_id=call_id, command_id=command_uid)
