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
from collections.abc import Mapping
from typing import Any

from callglot._frozen import frozen
from callglot._wire import HttpRequest
from callglot.adapters import _base, _structure
from callglot.adapters._base import Decoded, Encoding, at, route_for
from callglot.adapters._routes import Route, RouteTable
from callglot.adapters._structure import register_wire, structure
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
from callglot.capabilities import Capability, Support
from callglot.errors import InvalidMessage

from ._wire import check_command_uid, converter, hangup_cause

# ---------------------------------------------------------------- wire shapes


@frozen(kw_only=True)
class _Empty:
    command_uid: str | None = None


@frozen(kw_only=True)
class _Hangup:
    cause: str | None = None
    command_uid: str | None = None


@frozen(kw_only=True)
class _PlaybackStart:
    urls: list[str]
    offset_sec: int | None = None
    command_uid: str | None = None


@frozen(kw_only=True)
class _PlaybackSeek:
    offset_sec: int
    command_uid: str | None = None


@frozen(kw_only=True)
class _ConferenceJoin:
    room_id: str
    command_uid: str | None = None


for _cls in (_Empty, _Hangup, _PlaybackStart, _PlaybackSeek, _ConferenceJoin):
    register_wire(converter, _cls)

MAX_URLS = 128
MAX_URL_LENGTH = 2048  # per playback URL (reference §3.3)
MAX_OFFSET = 86_400

_structure.limit_arrays(converter, _PlaybackStart, urls=MAX_URLS)  # refused by length before any URL is read

# ---------------------------------------------------------------- hooks


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


def _enc_play(c: Play, ctx: Encoding) -> _PlaybackStart:
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
    return _PlaybackStart(urls=urls, offset_sec=offset)


def _dec_seek(w: _PlaybackSeek) -> SeekPlayback:
    _check_offset(w.offset_sec)
    return SeekPlayback(position=w.offset_sec)


def _enc_seek(c: SeekPlayback, ctx: Encoding) -> _PlaybackSeek:
    if not float(c.position).is_integer():
        ctx.lose("position", droppable=False)
    return _PlaybackSeek(offset_sec=int(c.position))


def _enc_reject(c: Reject, ctx: Encoding) -> _Hangup:
    cause = c.cause or HangupCause.CALL_REJECTED
    # NORMAL_CLEARING is the gateway's default: its hangup normal form leaves it out, as Hangup's does.
    return _Hangup(cause=None if cause is HangupCause.NORMAL_CLEARING else str(cause))


def _enc_participant(c: Mute | Unmute, ctx: Encoding) -> _Empty:
    if c.participant_id is not None:
        ctx.lose("participant_id", droppable=False)
    return _Empty()


# ---------------------------------------------------------------- the routes

_SESSION_ONLY = "the gateway acts on the session's current one: there are no operation ids"
_NO_RECORDING_OPTIONS = "no recording options"

ROUTES = RouteTable(
    (
        Route(command=Answer, tag="answer", wire=_Empty, note="answer"),
        Route(
            command=Hangup,
            tag="hangup",
            wire=_Hangup,
            note="hangup with a Q.850 cause (the gateway defaults to NORMAL_CLEARING)",
            decode=lambda w: Hangup(cause=hangup_cause(w.cause, "$.cause")),
            encode=lambda c, ctx: _Hangup(cause=None if c.cause is None else str(c.cause)),
        ),
        Route(
            command=Reject,
            tag="hangup",
            wire=_Hangup,
            support=Support.EMULATED,
            note="hangup before answer with cause CALL_REJECTED (or the Reject's cause)",
            lost={"reason": "the gateway's hangup carries a Q.850 cause, not a text reason"},
            encode=_enc_reject,
            decodes=False,
        ),
        Route(
            command=Cancel,
            tag="hangup",
            wire=_Hangup,
            support=Support.EMULATED,
            note="hangup with cause ORIGINATOR_CANCEL",
            encode=lambda c, ctx: _Hangup(cause=str(HangupCause.ORIGINATOR_CANCEL)),
            decodes=False,
        ),
        Route(command=ReturnToDialplan, tag="disconnect", wire=_Empty, note="disconnect"),
        Route(
            command=JoinConference,
            tag="conference/join",
            wire=_ConferenceJoin,
            note="conference/join with room_id (field decided by callglot: not published)",
            fields={"conference": "room_id"},
        ),
        Route(command=LeaveConference, tag="conference/leave", wire=_Empty, note="conference/leave"),
        Route(
            command=Mute,
            tag="conference/mute",
            wire=_Empty,
            note="conference/mute mutes this session in its conference",
            lost={"participant_id": "the gateway mutes the session itself, not another participant"},
            decided=("participant_id",),
            encode=_enc_participant,
        ),
        Route(
            command=Unmute,
            tag="conference/unmute",
            wire=_Empty,
            note="conference/unmute",
            lost={"participant_id": "the gateway unmutes the session itself, not another participant"},
            decided=("participant_id",),
            encode=_enc_participant,
        ),
        Route(
            command=Play,
            tag="playback/start",
            wire=_PlaybackStart,
            note="playback/start plays up to 128 audio URLs; a new playback replaces the active one",
            lost={
                "media": "the gateway plays audio URLs only (no TTS, silence or ringtones): up to 128, each up to "
                "2048 characters",
                "loop": "the gateway plays once (no loop)",
                "offset": "offset_sec is whole seconds and only with a single URL",
                "volume": "the gateway has no playback volume per session",
                "direction": "the gateway plays to the session",
                "language": "the gateway has no TTS",
                "voice": "the gateway has no TTS",
                "gender": "the gateway has no TTS",
                "status_url": "playback webhooks go to the app's webhook URL",
                "control_id": _SESSION_ONLY,
            },
            decided=("media", "loop", "offset"),
            decode=_dec_play,
            encode=_enc_play,
        ),
        Route(
            command=PausePlayback,
            tag="playback/pause",
            wire=_Empty,
            note="playback/pause",
            lost={"control_id": _SESSION_ONLY},
        ),
        Route(
            command=ResumePlayback,
            tag="playback/resume",
            wire=_Empty,
            note="playback/resume",
            lost={"control_id": _SESSION_ONLY},
        ),
        Route(
            command=StopPlayback,
            tag="playback/stop",
            wire=_Empty,
            note="playback/stop",
            lost={"control_id": _SESSION_ONLY},
        ),
        Route(
            command=SeekPlayback,
            tag="playback/seek",
            wire=_PlaybackSeek,
            note="playback/seek with offset_sec (decided by callglot: not published)",
            lost={"position": "offset_sec is whole seconds", "control_id": _SESSION_ONLY},
            decided=("position",),
            decode=_dec_seek,
            encode=_enc_seek,
        ),
        Route(
            command=Record,
            tag="record/start",
            wire=_Empty,
            note="record/start; format and destination are server configuration",
            lost={
                "format": "recording format is server configuration",
                "beep": _NO_RECORDING_OPTIONS,
                "stereo": _NO_RECORDING_OPTIONS,
                "direction": _NO_RECORDING_OPTIONS,
                "initial_timeout": _NO_RECORDING_OPTIONS,
                "end_silence_timeout": _NO_RECORDING_OPTIONS,
                "max_length": _NO_RECORDING_OPTIONS,
                "terminators": _NO_RECORDING_OPTIONS,
                "input_sensitivity": _NO_RECORDING_OPTIONS,
                "status_url": "recording.completed goes to the app's webhook URL",
                "control_id": _SESSION_ONLY,
            },
        ),
        Route(
            command=StopRecording,
            tag="record/stop",
            wire=_Empty,
            note="record/stop",
            lost={"control_id": _SESSION_ONLY},
        ),
    ),
    unsupported={
        Dial: "the gateway's API starts no calls: originate them from the dialplan",
        Redirect: "the gateway runs no call-control scripts: use disconnect (ReturnToDialplan)",
        Unbridge: "the gateway has no unbridge: use disconnect to hand the call back to the dialplan",
        SendToVoicemail: "route to voicemail in the dialplan after disconnect",
        Transfer: "the gateway has no transfer: disconnect hands the call back to the dialplan",
        Refer: "the gateway has no SIP REFER: route in the dialplan after disconnect",
        AddParticipant: "the gateway adds parties through conferences: JoinConference",
        RemoveParticipant: "the gateway removes parties through conferences: LeaveConference",
        Hold: "the gateway has no hold: play music with playback/start instead",
        Unhold: "the gateway has no hold: playback/stop ends the music",
        SendDigits: "the gateway has no DTMF sending",
        SetPlaybackVolume: "only conference rooms have a volume (/conferences/{room_id}/volume)",
        PauseRecording: "the gateway cannot pause a recording",
        ResumeRecording: "the gateway cannot pause a recording",
        Collect: "play_and_get_digits exists but its parameters are not published",
        StopCollect: "no input collection command is published",
        StartInputTimers: "no input collection command is published",
        Detect: "the gateway has no detectors",
        StopDetect: "the gateway has no detectors",
        Tap: "the gateway has no media tap",
        StopTap: "the gateway has no media tap",
        Stream: "the gateway has no media streaming command",
        StopStream: "the gateway has no media streaming command",
        Denoise: "the gateway has no noise reduction",
        StopDenoise: "the gateway has no noise reduction",
        Transcribe: "the gateway has no transcription",
        StopTranscribe: "the gateway has no transcription",
        LiveTranscribe: "the gateway has no transcription",
        LiveTranslate: "the gateway has no translation",
        AiHold: "the gateway has no AI agent",
        AiUnhold: "the gateway has no AI agent",
        AiMessage: "the gateway has no AI agent",
        AiStop: "the gateway has no AI agent",
        StopFaxSend: "the gateway has no fax",
        StopFaxReceive: "the gateway has no fax",
        UserEvent: "the gateway has no custom call events",
    },
    dialect="gateway",
)
CAPABILITIES: Mapping[type, Capability] = ROUTES.capabilities
#: command path -> (wire class, decoder)
DECODERS = ROUTES.decoders
ENCODERS = ROUTES.encoders

# ---------------------------------------------------------------- requests

_PATH = re.compile(r"/api/v1/sessions/([^/]+)/commands/([a-z_]+(?:/[a-z_]+)?)")


def encode_request(command: Command, ctx: Encoding, call_id: str | None, command_id: str | None) -> HttpRequest:
    path = ROUTES.tags[type(command)]
    body: dict[str, Any] = converter.unstructure(ENCODERS[type(command)](command, ctx))
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
