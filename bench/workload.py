"""The benchmark workloads: real commands per translation direction, webhook events, commands to encode.

Built once at import, deterministically (no randomness, no clock): literals, the repository's examples
and seeds, and callglot's own encoders with a counting control-id generator. Every message is a plain,
JSON-ready ``{"method", "path", "body"}`` dict; :func:`to_request` makes the ``callglot.HttpRequest``.

Each direction holds only messages callglot translates under ``Policy.STRICT`` (no field lost), plus
about 10% that callglot refuses at decode (a ``DecodeError``): ``COMMAND_VALID`` says which is which.
Candidates that decode but cannot be translated without loss are kept apart in ``UNTRANSLATABLE``
(the agreement test checks that the baselines refuse them too; the benchmark does not time them).
"""

from __future__ import annotations

import copy
import itertools
import json
import re
import uuid
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

import callglot
from callglot import DecodeError, HttpRequest, Policy
from callglot.adapters.gateway import GatewayDialect
from callglot.adapters.signalwire import SignalWireDialect
from callglot.canonical import Answer as AnswerCmd
from callglot.canonical import (
    Audio,
    Cancel,
    Collect,
    Destination,
    DigitCollect,
    Hangup,
    HangupCause,
    Play,
    Record,
    RecordingFormat,
    Redirect,
    StopPlayback,
    StopRecording,
    Transfer,
    Tts,
    Unbridge,
)
from callglot.canonical.events import (
    CallDirection,
    CallState,
    CallStateChanged,
    CollectKind,
    CollectResult,
    CommandResult,
    DtmfReceived,
    OperationState,
    PlaybackEvent,
    RecordingEvent,
)
from callglot.canonical.types import Channel, Direction

__all__ = [
    "COMMANDS",
    "COMMAND_VALID",
    "DIRECTIONS",
    "ENCODE",
    "EVENTS",
    "EVENT_VALID",
    "UNTRANSLATABLE",
    "counting_control_ids",
    "to_request",
]

Message = dict[str, Any]

ROOT = Path(__file__).resolve().parent.parent
DIRECTIONS: dict[str, tuple[str, str]] = {
    "chirp->signalwire": ("chirp", "signalwire"),
    "signalwire->gateway": ("signalwire", "gateway"),
    "gateway->chirp": ("gateway", "chirp"),
}

#: SignalWire's example call id (reference §1.1). SignalWire call ids are UUIDs, so the Chirp commands
#: bound for SignalWire are addressed to it too (callglot refuses to encode a non-UUID call id).
SW_CALL = "3fa85f64-5717-4562-b3fc-2c963f66afa6"
SW_PATH = "/api/calling/calls"
#: Gateway session ids: the seed's, then two more of the same shape (node hash + UUID).
SESSIONS = (
    "acW68-f47ac10b-58cc-4372-a567-0e02b2c3d479",
    f"acW68-{uuid.uuid5(uuid.NAMESPACE_URL, 'callglot-bench/session/1')}",
    f"bxK21-{uuid.uuid5(uuid.NAMESPACE_URL, 'callglot-bench/session/2')}",
)


def to_request(message: Message) -> HttpRequest:
    """The ``callglot.HttpRequest`` for a workload message."""
    return HttpRequest(method=message["method"], path=message["path"], body=message["body"])


def counting_control_ids(prefix: str = "callglot-bench") -> Callable[[], str]:
    """A reproducible control-id generator for ``SignalWireDialect(control_ids=...)``: UUIDs 5 of a counter."""
    counter = itertools.count(1)
    return lambda: str(uuid.uuid5(uuid.NAMESPACE_URL, f"{prefix}/control/{next(counter)}"))


def _chirp(body: dict[str, Any], call_id: str = SW_CALL) -> Message:
    return {"method": "POST", "path": f"/v1/calls/{call_id}/commands", "body": body}


def _signalwire(body: dict[str, Any]) -> Message:
    return {"method": "POST", "path": SW_PATH, "body": body}


def _interleave(groups: Iterable[list[Message]]) -> list[Message]:
    """Round-robin over the groups: a mixed order (no runs of one command type) without randomness."""
    out: list[Message] = []
    for row in itertools.zip_longest(*groups):
        out.extend(message for message in row if message is not None)
    return out


def _unique(messages: Iterable[Message]) -> list[Message]:
    seen: set[str] = set()
    out = []
    for message in messages:
        key = json.dumps(message, sort_keys=True)
        if key not in seen:
            seen.add(key)
            out.append(message)
    return out


# ---------------------------------------------------------------- chirp -> signalwire

# tests/test_seeds.py's extraction of the curl examples: `curl -X POST https://host/path \` ... `-d '<json>'`.
_CURL = re.compile(r"curl -X POST https://[^/\s]+(?P<path>/\S+)[^\n]*\n(?:[^\n]*\n)*?[ \t]*-d '(?P<body>[^']*)'", re.S)


def _seed_bodies(prefix: str) -> list[tuple[str, dict[str, Any]]]:
    [seed] = (ROOT / "tests" / "fixtures" / "seeds").glob(f"{prefix}_*.txt")
    return [(m.group("path"), json.loads(m.group("body"))) for m in _CURL.finditer(seed.read_text(encoding="utf-8"))]


def _real_chirp_bodies() -> list[tuple[str, dict[str, Any]]]:
    """Every Chirp command of examples/chirp-commands.jsonl and seed 000, as (path, body)."""
    lines = (ROOT / "examples" / "chirp-commands.jsonl").read_text(encoding="utf-8").splitlines()
    examples = [(doc["path"], doc["body"]) for doc in map(json.loads, filter(None, lines))]
    return examples + _seed_bodies("000")


def _chirp_candidates() -> list[Message]:
    real = [
        {"method": "POST", "path": path, "body": body} if path == "/v1/calls" else _chirp(body)
        for path, body in _real_chirp_bodies()
    ]
    transfers = [
        {"type": "transfer", "destination": "+14155550123", "channel": "pstn"},
        {"type": "transfer", "destination": "+442071838750"},  # no channel: E.164 means the phone network
        {"type": "transfer", "destination": "+4930901820", "channel": "pstn"},
        {"type": "transfer", "destination": "+61293744000"},
        {"type": "transfer", "destination": "agent_42"},  # an identity (no channel)
        {"type": "transfer", "destination": "support.queue-eu"},
        {"type": "transfer", "destination": "+13105550199", "channel": "pstn"},
        {"type": "transfer", "destination": "+819012345678"},
        {"type": "transfer", "destination": "ops-desk"},
        {"type": "transfer", "destination": "+33142685300", "channel": "pstn"},
    ]
    plays = [
        {"type": "play_audio", "url": "https://cdn.example.com/prompts/welcome.mp3"},
        {"type": "play_audio", "url": "https://cdn.example.com/hold-music.mp3", "loop": True},
        {"type": "play_audio", "url": "https://media.example.org/ivr/menu-en-US.wav", "loop": False},
        {"type": "play_audio", "url": "https://CDN.Example.com/Prompts/Goodbye.mp3"},  # scheme/host normalised
        {"type": "play_audio", "url": "https://s3.eu-west-1.amazonaws.com/bucket/a%20b.mp3?X-Amz-Signature=ab12"},
        {"type": "play_audio", "url": "https://[2606:4700:0:0:0:0:0:1111]/tone.wav"},  # IPv6 literal, compressed
        {"type": "play_audio", "url": "https://cdn.example.com:8443/queue/position-3.mp3", "loop": True},
        {"type": "play_audio", "url": "https://bücher.example/ansage.mp3"},  # IDNA-encoded host
        {"type": "play_audio", "url": "https://cdn.example.com/prompts/after-hours.mp3", "loop": False},
        {"type": "play_audio", "url": "https://assets.example.net/audio/beep.wav"},
        {"type": "play_audio", "url": "https://cdn.example.com/prompts/welcome.mp3", "loop": True},
        {"type": "play_audio", "url": "https://media.example.org/ivr/menu-fr-FR.wav"},
        {"type": "play_audio", "url": "https://cdn.example.com/prompts/queue-full.mp3", "loop": False},
        {"type": "play_audio", "url": "https://static.example.io/sounds/ring.wav"},
    ]
    records = [{"type": "start_recording"}, {"type": "start_recording", "format": "mp4"}]
    rejects = [{"type": "reject"}, {"type": "hangup"}]
    lossy = [
        {"type": "transfer", "destination": "+15559876543", "channel": "whatsapp"},
        {"type": "start_recording", "format": "ogg"},
        {"type": "reject", "reason": "Busy in a meeting"},
        {"type": "stop_audio"},  # SignalWire stops an operation by control_id, which Chirp never names
    ]
    return _unique([*real, *map(_chirp, [*transfers, *plays, *records, *rejects, *lossy])])


_CHIRP_INVALID = [
    _chirp({"type": "play_audio", "url": "https://169.254.169.254/latest/meta-data/iam.mp3"}),  # link-local
    _chirp({"type": "dance"}),  # unknown command type
    _chirp({"type": "play_audio", "loop": True}),  # url missing
    _chirp({"type": "play_audio", "url": "https://cdn.example.com/a.mp3", "loop": "yes"}),  # wrong JSON type
]

# ---------------------------------------------------------------- signalwire -> gateway

_AUDIO = [
    "https://cdn.example.com/prompts/welcome.wav",
    "https://cdn.example.com/prompts/menu.wav",
    "https://media.example.org/music/hold-loop.mp3",
    "https://assets.example.net/audio/beep.wav",
    "https://cdn.example.com/prompts/goodbye.mp3",
    "https://files.example.com/tts-cache/7f3a9c.mp3",
    "https://cdn.example.com:8443/queue/position-3.mp3",
    "https://s3.eu-west-1.amazonaws.com/bucket/a%20b.mp3?X-Amz-Signature=ab12",
]


def _sdk_form(body: dict[str, Any]) -> dict[str, Any]:
    """The body without ``params.control_id``: what the SignalWire SDKs send (callglot's "missing-control-id").

    Under STRICT a control_id cannot reach the gateway (it has no operation ids), so the start commands
    that translate losslessly are exactly the SDK-form ones.
    """
    out = copy.deepcopy(body)
    out["params"].pop("control_id", None)
    return out


def _signalwire_candidates() -> list[Message]:
    sw = SignalWireDialect(control_ids=counting_control_ids("signalwire-source"))

    def encode(command: Any) -> dict[str, Any]:
        body: dict[str, Any] = sw.encode(command, call_id=SW_CALL, policy=Policy.STRICT).value.body
        return body

    ends = [encode(Hangup()), encode(Cancel())] + [
        encode(Hangup(cause=cause))
        for cause in (
            HangupCause.NORMAL_CLEARING,
            HangupCause.USER_BUSY,
            HangupCause.NO_ANSWER,
            HangupCause.CALL_REJECTED,
            HangupCause.NORMAL_TEMPORARY_FAILURE,
        )
    ]
    playlists = [_AUDIO[i : i + n] for n in (1, 2, 3, 4) for i in range(0, len(_AUDIO) - n + 1, n)]
    playlists += [_AUDIO[i : i + 2] for i in (1, 3, 5)]
    plays = [
        _sdk_form(encode(Play(media=tuple(Audio(url=url) for url in urls), loop=1 if i % 3 == 0 else None)))
        for i, urls in enumerate(playlists)
    ]
    record = encode(Record())
    records = [_sdk_form(record), {"command": "calling.record", "id": SW_CALL, "params": {"audio": {}}}]
    # update with a status and no url/swml: the state rules' form (callglot's "update-status-only"); the
    # encoder never emits it, so it is written out.
    updates = [
        {"command": "update", "params": {"id": SW_CALL, "status": status}} for status in ("completed", "canceled")
    ]
    lossy = [
        encode(Play(media=(Audio(url=_AUDIO[0]),))),  # spec form: the control_id cannot be said by the gateway
        _sdk_form(encode(Play(media=(Tts(text="Please hold."),)))),
        _sdk_form(encode(Play(media=(Audio(url=_AUDIO[1]),), volume=-6))),
        _sdk_form(encode(Record(format=RecordingFormat.MP3, beep=True))),
        encode(StopPlayback(control_id="play-1")),
        encode(StopRecording(control_id="rec-1")),
        encode(Transfer(destination=Destination(address="+15559876543"))),
        encode(Unbridge()),
        encode(Collect(digits=DigitCollect(max=4))),
        encode(Redirect(url="https://example.com/swml.json")),
    ]
    groups = [ends, plays, records, updates]
    return _unique(map(_signalwire, [*_interleave(groups), *lossy]))


_SIGNALWIRE_INVALID = [
    _signalwire({"command": "calling.play", "id": SW_CALL,
                 "params": {"play": [{"type": "audio", "params": {"url": "https://127.0.0.1/x.mp3"}}]}}),
    _signalwire({"command": "calling.end", "id": SW_CALL, "params": {"reason": "vanish"}}),  # not an end reason
    _signalwire({"command": "calling.play", "id": SW_CALL,
                 "params": {"play": [{"type": "audio", "params": {"url": _AUDIO[0]}}], "loop": -1}}),  # out of range
    _signalwire({"command": "calling.end", "id": "call-123", "params": {}}),  # call id not a UUID
]  # fmt: skip

# ---------------------------------------------------------------- gateway -> chirp


def _gateway_candidates() -> list[Message]:
    gw = GatewayDialect()

    def encode(command: Any, session: str) -> Message:
        request = gw.encode(command, call_id=session, policy=Policy.STRICT).value
        return {"method": request.method, "path": request.path, "body": request.body}

    seeds = [{"method": "POST", "path": path.replace("{uuid}", SESSIONS[0]), "body": body}
             for path, body in _seed_bodies("002")]  # fmt: skip
    per_session = [
        encode(command, session)
        for session in SESSIONS
        for command in (AnswerCmd(), Hangup(), StopPlayback(), Record(), StopRecording())
    ]
    plays = [
        encode(Play(media=(Audio(url=url),)), SESSIONS[i % len(SESSIONS)]) for i, url in enumerate(_AUDIO + _AUDIO[:4])
    ]
    extra = [
        encode(Hangup(cause=HangupCause.NORMAL_CLEARING), SESSIONS[1]),
        # A POST with no body at all: the gateway reads it as {} (the commands' fields are optional).
        {"method": "POST", "path": f"/api/v1/sessions/{SESSIONS[2]}/commands/answer", "body": None},
    ]
    lossy = [
        encode(Play(media=(Audio(url=_AUDIO[0]), Audio(url=_AUDIO[1]))), SESSIONS[0]),  # Chirp plays one URL
        encode(Play(media=(Audio(url=_AUDIO[0]),), offset=30), SESSIONS[0]),
        {**encode(AnswerCmd(), SESSIONS[0]), "body": {"command_uid": "answer-0001"}},  # no idempotency in Chirp
        {"method": "POST", "path": f"/api/v1/sessions/{SESSIONS[0]}/commands/conference/mute", "body": {}},
        {"method": "POST", "path": f"/api/v1/sessions/{SESSIONS[0]}/commands/playback/pause", "body": {}},
    ]
    ordered = _interleave([per_session, plays, extra])
    return _unique([*seeds, *ordered, *lossy])


_GATEWAY_INVALID = [
    {"method": "POST", "path": f"/api/v1/sessions/{SESSIONS[0]}/commands/playback/start",
     "body": {"urls": ["https://10.0.0.1/a.wav"]}},  # private address
    {"method": "POST", "path": f"/api/v1/sessions/{SESSIONS[1]}/commands/hangup",
     "body": {"cause": "user_busy"}},  # not ^[A-Z_]+$
    {"method": "POST", "path": f"/api/v1/sessions/{SESSIONS[2]}/commands/playback/dance", "body": {}},
    {"method": "POST", "path": f"/api/v1/sessions/{SESSIONS[0]}/commands/playback/start",
     "body": {"urls": "https://cdn.example.com/a.wav"}},  # a string, not an array
]  # fmt: skip

# ---------------------------------------------------------------- assembling the command workloads


def _translates(message: Message, source: str, target: str) -> bool:
    """True when callglot translates ``message`` under STRICT; False when it decodes but cannot say it losslessly."""
    request = to_request(message)
    callglot.get_dialect(source).decode(request)  # a DecodeError here is a bug in this file: let it propagate
    try:
        callglot.translate(request, source=source, target=target, policy=Policy.STRICT)
    except callglot.CallglotError:
        return False
    return True


def _with_invalid(valid: list[Message], invalid: list[Message], source: str) -> tuple[list[Message], list[bool]]:
    """Spread the invalid messages evenly through the valid ones."""
    for message in invalid:
        try:
            callglot.get_dialect(source).decode(to_request(message))
        except DecodeError:
            continue
        raise AssertionError(f"expected a DecodeError from {source}: {message}")
    step = max(1, len(valid) // len(invalid))
    messages: list[Message] = []
    flags: list[bool] = []
    bad = iter(invalid)
    for index, message in enumerate(valid, 1):
        messages.append(message)
        flags.append(True)
        if index % step == 0 and (extra := next(bad, None)) is not None:
            messages.append(extra)
            flags.append(False)
    for extra in bad:
        messages.append(extra)
        flags.append(False)
    return messages, flags


def _build() -> tuple[dict[str, list[Message]], dict[str, list[bool]], dict[str, list[Message]]]:
    candidates = {
        "chirp->signalwire": (_chirp_candidates(), _CHIRP_INVALID),
        "signalwire->gateway": (_signalwire_candidates(), _SIGNALWIRE_INVALID),
        "gateway->chirp": (_gateway_candidates(), _GATEWAY_INVALID),
    }
    commands, valid_flags, untranslatable = {}, {}, {}
    for direction, (found, invalid) in candidates.items():
        source, target = DIRECTIONS[direction]
        ok = [message for message in found if _translates(message, source, target)]
        untranslatable[direction] = [message for message in found if message not in ok]
        commands[direction], valid_flags[direction] = _with_invalid(ok, invalid, source)
    return commands, valid_flags, untranslatable


COMMANDS, COMMAND_VALID, UNTRANSLATABLE = _build()


def _encode_workload() -> dict[str, list[tuple[Any, str | None]]]:
    """Per target dialect: the canonical commands decoded from the valid sources bound for it, with their call ids."""
    out: dict[str, list[tuple[Any, str | None]]] = {}
    for direction, messages in COMMANDS.items():
        source, target = DIRECTIONS[direction]
        decoder = callglot.get_dialect(source)
        out[target] = [
            (decoded.command, decoded.call_id)
            for decoded in (
                decoder.decode(to_request(m)) for m, ok in zip(messages, COMMAND_VALID[direction], strict=True) if ok
            )
        ]
    return out


ENCODE = _encode_workload()

# ---------------------------------------------------------------- webhook events

_NODE = "a0d4e6e5-5d07-413d-9668-55542992eec0"
_PROJECT = "4d0d6f16-5881-4fcc-92a4-02c51a91954d"
_SPACE = "451ed9ff-e568-4222-8af9-4f9ab7428d09"
_ORIGIN = {"event_channel": f"swml:{_SPACE}", "project_id": _PROJECT, "space_id": _SPACE, "node_id": _NODE}
_TS = 1777565701.5623918
_RECORDING = "https://files.signalwire.com/recordings/5a2f0e1c.mp3"
_RECORDING_ID = "5a2f0e1c-0000-4000-8000-000000000001"


def _signalwire_events() -> Iterator[Any]:
    ts = (round(_TS + i * 0.25, 4) for i in itertools.count())
    base = {"call_id": SW_CALL, "origin": _ORIGIN}
    yield CallStateChanged(**base, timestamp=next(ts), state=CallState.CREATED, direction=CallDirection.INBOUND,
                           source="+15551234567", destination="+15557654321", source_channel=Channel.PSTN,
                           destination_channel=Channel.PSTN)  # fmt: skip
    yield PlaybackEvent(**base, control_id="play-1", timestamp=next(ts), state=OperationState.STARTED)
    yield CollectResult(**base, control_id="collect-1", timestamp=next(ts), kind=CollectKind.DIGIT, digits="1234",
                        terminator="#")  # fmt: skip
    yield CallStateChanged(**base, timestamp=next(ts), state=CallState.ANSWERED, direction=CallDirection.INBOUND)
    yield PlaybackEvent(**base, control_id="play-1", timestamp=next(ts), state=OperationState.FINISHED)
    yield RecordingEvent(**base, control_id="rec-1", timestamp=next(ts), state=OperationState.STARTED)
    yield CollectResult(**base, control_id="collect-2", timestamp=next(ts), kind=CollectKind.SPEECH,
                        text="talk to an agent", confidence=0.92, final=True)  # fmt: skip
    yield PlaybackEvent(**base, control_id="play-2", timestamp=next(ts), state=OperationState.ERROR)
    yield RecordingEvent(**base, control_id="rec-1", timestamp=next(ts), state=OperationState.FINISHED,
                         url=_RECORDING, duration=12.5, size=200160, recording_id=_RECORDING_ID,
                         format=RecordingFormat.MP3, direction=Direction.BOTH, stereo=False)  # fmt: skip
    yield CollectResult(**base, control_id="collect-3", timestamp=next(ts), kind=CollectKind.NO_INPUT)
    yield PlaybackEvent(**base, control_id="play-3", timestamp=next(ts), state=OperationState.PAUSED)
    yield CallStateChanged(call_id=SW_CALL, timestamp=next(ts), origin={**_ORIGIN, "peer_node_id": "peer-node-7"},
                           state=CallState.ENDED, direction=CallDirection.OUTBOUND, source="sip:alice@example.com",
                           destination="sip:bob@example.com", source_channel=Channel.SIP,
                           destination_channel=Channel.SIP, cause=HangupCause.USER_BUSY,
                           peer_call_id="9c2e66e5-5d07-413d-9668-55542992eec0")  # fmt: skip
    yield CollectResult(**base, control_id="collect-4", timestamp=next(ts), kind=CollectKind.DIGIT, digits="9",
                        final=False, state="collecting")  # fmt: skip
    yield RecordingEvent(**base, control_id="rec-2", timestamp=next(ts), state=OperationState.NO_INPUT)
    yield CallStateChanged(**base, timestamp=next(ts), state=CallState.ENDED, cause=HangupCause.NORMAL_CLEARING)
    yield PlaybackEvent(call_id=SW_CALL, control_id="play-4", state=OperationState.FINISHED)  # no envelope extras


def _gateway_events() -> Iterator[tuple[Any, bool]]:
    """(event, flat): ``flat`` sends the per-event pages' flat shape instead of the envelope."""
    a, b = _AUDIO[0], _AUDIO[1]
    for n, session in enumerate(SESSIONS[:2]):
        seq = itertools.count(1)
        flat = n == 1
        yield CallStateChanged(call_id=session, sequence=next(seq), state=CallState.CREATED,
                               direction=CallDirection.INBOUND, source="+15551234567",
                               destination="+15557654321"), flat  # fmt: skip
        yield CallStateChanged(call_id=session, sequence=next(seq), state=CallState.ANSWERED,
                               command_id="answer-0001"), False  # fmt: skip
        yield CommandResult(call_id=session, sequence=next(seq), success=True, command_id="answer-0001"), flat
        yield PlaybackEvent(call_id=session, sequence=next(seq), state=OperationState.STARTED, urls=(a, b),
                            command_id="pb-1"), False  # fmt: skip
        yield DtmfReceived(call_id=session, sequence=next(seq), digit="1"), flat
        yield DtmfReceived(call_id=session, sequence=next(seq), digit="#"), not flat
        yield PlaybackEvent(call_id=session, sequence=next(seq), state=OperationState.FINISHED, urls=(a, b),
                            offset=1.5, duration=4.0, command_id="pb-1"), flat  # fmt: skip
        yield RecordingEvent(call_id=session, sequence=next(seq), state=OperationState.FINISHED,
                             url="https://recordings.example.com/r1.wav", duration=12.345,
                             command_id="rec-1"), not flat  # fmt: skip
        yield CommandResult(call_id=session, sequence=next(seq), success=False, command_id="answer-0002",
                            detail={"reason": "timeout", "after_ms": 2000}), False  # fmt: skip
        yield CallStateChanged(call_id=session, sequence=next(seq), state=CallState.ENDED,
                               cause=HangupCause.NORMAL_CLEARING, command_id="hangup-1"), flat  # fmt: skip
    # The per-event pages' examples carry neither data nor sequence.
    yield CallStateChanged(call_id=SESSIONS[2], state=CallState.CREATED, direction=CallDirection.INBOUND,
                           source="+442071838750", destination="+15557654321"), True  # fmt: skip
    yield PlaybackEvent(call_id=SESSIONS[2], state=OperationState.ERROR, urls=(a,), command_id="pb-9"), True


def _flat(body: dict[str, Any]) -> dict[str, Any]:
    out = {key: value for key, value in body.items() if key != "data"}
    out.update(body["data"])
    return out


def _hook(dialect: str, body: Any) -> dict[str, Any]:
    return {"dialect": dialect, "message": {"method": "POST", "path": f"/hooks/{dialect}", "body": body}}


_EVENTS_INVALID = [
    _hook("signalwire", {"event_type": "calling.call.play", "timestamp": _TS,
                         "params": {"call_id": SW_CALL, "control_id": "play-1", "state": "stopped"}}),  # not a state
    _hook("gateway", {"event": "dtmf", "session_uuid": SESSIONS[0], "sequence": 4, "data": {"digit": "x"}}),
    _hook("signalwire", {"event_type": "calling.call.record", "params": {"call_id": SW_CALL, "state": "finished",
                                                                         "url": "ftp://files.example.com/r.mp3"}}),
    _hook("gateway", {"event": "call.hangup", "session_uuid": "../etc/passwd", "cause": "NORMAL_CLEARING"}),
]  # fmt: skip


def _build_events() -> tuple[list[dict[str, Any]], list[bool]]:
    sw = callglot.get_dialect("signalwire")
    gw = callglot.get_dialect("gateway")
    signalwire = [
        _hook("signalwire", sw.encode_event(event, policy=Policy.STRICT).value.body) for event in _signalwire_events()
    ]
    gateway = []
    for event, flat in _gateway_events():
        body = gw.encode_event(event, policy=Policy.STRICT).value.body
        gateway.append(_hook("gateway", _flat(body) if flat else body))
    valid = _interleave([signalwire, gateway])
    for item in valid:
        callglot.get_dialect(item["dialect"]).decode_event(to_request(item["message"]))
    for item in _EVENTS_INVALID:
        try:
            callglot.get_dialect(item["dialect"]).decode_event(to_request(item["message"]))
        except DecodeError:
            continue
        raise AssertionError(f"expected a DecodeError: {item}")
    events: list[dict[str, Any]] = []
    flags: list[bool] = []
    step = len(valid) // len(_EVENTS_INVALID)
    bad = iter(_EVENTS_INVALID)
    for index, item in enumerate(valid, 1):
        events.append(item)
        flags.append(True)
        if index % step == 0 and (extra := next(bad, None)) is not None:
            events.append(extra)
            flags.append(False)
    return events, flags


#: Webhook requests, each ``{"dialect": "signalwire" | "gateway", "message": {"method", "path", "body"}}``.
EVENTS, EVENT_VALID = _build_events()


if __name__ == "__main__":  # a summary, for eyeballing the workload
    for name, flags in COMMAND_VALID.items():
        print(f"{name}: {sum(flags)} valid, {flags.count(False)} invalid, {len(UNTRANSLATABLE[name])} untranslatable")
    print(f"events: {sum(EVENT_VALID)} valid, {EVENT_VALID.count(False)} invalid")
    print({target: len(items) for target, items in ENCODE.items()})
