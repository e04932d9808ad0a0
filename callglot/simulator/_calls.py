"""Simulated calls and operations: their lifecycles as canonical commands and canonical events.

Dialect-free: a command comes in as a canonical value, is refused (a :class:`Refusal`, which the
server answers in the vendor's error form) or changes the world, and the world emits canonical
events as simulated time passes. The server turns those into the vendor's webhooks.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Mapping
from typing import Any

import attrs

from callglot._server import OPERATION_ACTS, OPERATION_STARTS, OPERATION_STOPS
from callglot.canonical import commands as c
from callglot.canonical import events as ev
from callglot.canonical.types import Audio, Channel, HangupCause, Ringtone, Silence, Tts

from ._clock import Clock

__all__ = ["Call", "FarEnd", "Operation", "Refusal", "World"]

#: How long the simulated media lasts when nothing says: an audio file, and a synthesised word.
AUDIO_SECONDS = 3.0
SECONDS_PER_WORD = 0.4
#: A collect with no scripted input times out after this when its command sets no initial timeout.
DEFAULT_INITIAL_TIMEOUT = 5.0
#: A key press takes this long; the scripted caller starts pressing at once.
SECONDS_PER_DIGIT = 0.2
#: Where simulated recordings are (a vendor URL: never fetched).
RECORDINGS = "https://recordings.sim.callglot.dev"
#: A call that is not answered rings this long, then ends as not answered (the vendors' usual 30 s).
DEFAULT_RING_TIMEOUT = 30.0


@attrs.define(kw_only=True)
class FarEnd:
    """How the simulated party behaves: the callee of an outbound call, or the caller of an inbound one.

    ``answer_after``: seconds of ringing before the callee answers (None: never; the call ends as not
    answered after the ring timeout). ``busy``/``fail``: the call ends at once that way.
    ``hangup_after``: seconds after the answer when the party hangs up. ``digits``/``speech``: what the
    party presses or says when a collect starts.
    """

    answer_after: float | None = 1.0
    busy: bool = False
    fail: bool = False
    hangup_after: float | None = None
    digits: str | None = None
    speech: str | None = None

    @classmethod
    def from_json(cls, data: Any) -> FarEnd:
        """A far end from a control-API object; raises ValueError naming the bad key."""
        if not isinstance(data, dict):
            raise ValueError("far_end must be a JSON object")
        fields = {f.name: f for f in attrs.fields(cls)}
        unknown = sorted(set(data) - set(fields))
        if unknown:
            raise ValueError(f"far_end: unknown key(s) {', '.join(unknown)} (known: {', '.join(fields)})")
        for key, value in data.items():
            if key in ("busy", "fail"):
                ok = type(value) is bool
            elif key in ("digits", "speech"):
                ok = value is None or (type(value) is str and 0 < len(value) <= 256)
            else:
                ok = value is None or (type(value) in (int, float) and 0 <= value <= 86_400)
            if not ok:
                raise ValueError(f"far_end.{key}: bad value {value!r}")
        if data.get("digits") is not None and not all(ch in "0123456789ABCD*#" for ch in data["digits"]):
            raise ValueError("far_end.digits: use only 0-9 A-D * #")
        return cls(**data)


#: The SWML verbs the simulator runs from a number's script; it stops at the first other one.
SWML_VERBS_RUN = ("answer", "hangup")


def swml_verbs(swml: Any) -> tuple[str, ...]:
    """The leading verbs of an SWML document's ``main`` section that the simulator runs.

    Raises ValueError naming the path when ``swml`` is not a document: an object whose ``sections``
    holds a ``main`` list of verbs, each a one-key object (``{"answer": {}}``) or a verb's name.
    """
    if not isinstance(swml, Mapping):
        raise ValueError("swml: an SWML document is a JSON object")
    sections = swml.get("sections")
    if not isinstance(sections, Mapping) or not isinstance(sections.get("main"), list | tuple):
        raise ValueError("swml.sections.main: an SWML document needs a main section (a list of verbs)")
    verbs: list[str] = []
    for index, item in enumerate(sections["main"]):
        if isinstance(item, str):
            name = item
        elif isinstance(item, Mapping) and len(item) == 1:
            [name] = item
        else:
            raise ValueError(f"swml.sections.main[{index}]: a verb is a one-key object or a verb's name")
        if name not in SWML_VERBS_RUN:
            break
        verbs.append(name)
        if name == "hangup":
            break
    return tuple(verbs)


class Refusal(Exception):
    """A command the simulated vendor refuses: HTTP ``status``, a message, a code."""

    def __init__(self, status: int, message: str, code: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.code = code


@attrs.define(kw_only=True, eq=False)
class Operation:
    """A running play, record, collect, detect, tap, stream or transcription on a call."""

    id: str
    kind: str
    command: Any
    control_id: str | None
    command_id: str | None
    started_at: float
    timer: object | None = None
    paused: bool = False


@attrs.define(kw_only=True, eq=False)
class Call:
    """One simulated call: its ends, its canonical state, its operations and what it said and heard."""

    id: str
    direction: ev.CallDirection
    source: str
    destination: str
    channel: Channel | None
    far_end: FarEnd
    created_at: float
    state: ev.CallState = ev.CallState.CREATED
    cause: HangupCause | None = None
    status_url: str | None = None
    status_events: tuple[str, ...] | None = None
    operations: dict[str, Operation] = attrs.field(factory=dict)
    timers: list[object] = attrs.field(factory=list)
    commands: list[dict[str, Any]] = attrs.field(factory=list)
    webhooks: list[dict[str, Any]] = attrs.field(factory=list)
    sequence: int = 0
    #: The idempotency key of the command whose state change is pending (the gateway's call.answered and
    #: call.hangup carry the command_uid of the command that caused them).
    command_id: str | None = None

    @property
    def live(self) -> bool:
        return self.state not in (ev.CallState.ENDED, ev.CallState.FAILED)


#: The world tells the server about each event: (call, the operation it reports on, the event).
Emit = Callable[[Call, "Operation | None", Any], None]


def media_seconds(play: c.Play) -> float | None:
    """How long ``play`` lasts (None: forever, a loop of 0)."""
    total = 0.0
    for item in play.media:
        if isinstance(item, Audio):
            total += AUDIO_SECONDS
        elif isinstance(item, Tts):
            total += max(1.0, SECONDS_PER_WORD * len(item.text.split()))
        elif isinstance(item, Silence):
            total += float(item.duration)
        elif isinstance(item, Ringtone):
            total += float(item.duration) if item.duration is not None else AUDIO_SECONDS
    if play.loop == 0:
        return None
    return total * (play.loop or 1)


class World:
    """The calls and their clocks: commands in, canonical events out (through ``emit``)."""

    def __init__(self, clock: Clock, rng: random.Random, emit: Emit) -> None:
        self.clock = clock
        self.rng = rng
        self.emit = emit
        self.calls: dict[str, Call] = {}
        self.far_ends: dict[str, FarEnd] = {}  # outbound calls to a number behave so
        self.scripts: dict[str, tuple[str, ...]] = {}  # SignalWire: the SWML verbs run on calls to a number
        self._ops = 0

    # -- timers

    def after(self, call: Call, seconds: float, action: Callable[[], None]) -> object:
        handle = self.clock.call_at(self.clock.now() + seconds, action)
        call.timers.append(handle)
        return handle

    def _stop_timers(self, call: Call) -> None:
        for handle in call.timers:
            self.clock.cancel(handle)
        call.timers.clear()

    # -- call lifecycle

    def new_call(
        self,
        call_id: str,
        direction: ev.CallDirection,
        source: str,
        destination: str,
        channel: Channel | None,
        far_end: FarEnd,
        *,
        status_url: str | None = None,
        status_events: tuple[str, ...] | None = None,
    ) -> Call:
        call = Call(
            id=call_id,
            direction=direction,
            source=source,
            destination=destination,
            channel=channel,
            far_end=far_end,
            created_at=self.clock.now(),
            status_url=status_url,
            status_events=status_events,
        )
        self.calls[call_id] = call
        self.after(call, 0.0, lambda: self._state(call, ev.CallState.CREATED))
        if direction is ev.CallDirection.OUTBOUND:
            self._ring_outbound(call)
        else:
            self.after(call, 0.0, lambda: self._state(call, ev.CallState.RINGING))
            if far_end.hangup_after is not None:  # the caller gives up (before or after the answer)
                self.after(call, far_end.hangup_after, lambda: self.end(call, HangupCause.NORMAL_CLEARING))
        return call

    def run_script(self, call: Call, verbs: tuple[str, ...]) -> None:
        """Run a number's SWML (its leading answer/hangup verbs, see swml_verbs) on an inbound call."""
        for verb in verbs:
            if verb == "answer":
                self.after(call, 0.0, lambda: self._answer(call))
            else:  # hangup: the script ends the call; nothing after it runs
                self.after(call, 0.0, lambda: self.end(call, HangupCause.NORMAL_CLEARING))
                return

    def _ring_outbound(self, call: Call) -> None:
        far = call.far_end
        if far.busy:
            self.after(call, 0.5, lambda: self.end(call, HangupCause.USER_BUSY))
            return
        if far.fail:
            self.after(call, 0.5, lambda: self.end(call, HangupCause.NORMAL_TEMPORARY_FAILURE, failed=True))
            return
        self.after(call, 0.0, lambda: self._state(call, ev.CallState.RINGING))
        if far.answer_after is None:
            self.after(call, DEFAULT_RING_TIMEOUT, lambda: self.end(call, HangupCause.NO_ANSWER))
            return
        self.after(call, far.answer_after, lambda: self._answer(call))

    def _answer(self, call: Call) -> None:
        if not call.live or call.state is ev.CallState.ANSWERED:
            return
        self._state(call, ev.CallState.ANSWERED)
        if call.direction is ev.CallDirection.OUTBOUND and call.far_end.hangup_after is not None:
            self.after(call, call.far_end.hangup_after, lambda: self.end(call, HangupCause.NORMAL_CLEARING))

    def _state(self, call: Call, state: ev.CallState) -> None:
        if not call.live:
            return
        call.state = state
        self.emit(call, None, self._state_event(call))

    def _state_event(self, call: Call) -> ev.CallStateChanged:
        command_id, call.command_id = call.command_id, None
        return ev.CallStateChanged(
            call_id=call.id,
            command_id=command_id,
            state=call.state,
            direction=call.direction,
            source=call.source,
            destination=call.destination,
            source_channel=call.channel,
            destination_channel=call.channel,
            cause=call.cause,
        )

    def end(self, call: Call, cause: HangupCause, *, failed: bool = False) -> None:
        """End ``call`` (and every operation on it) with ``cause``."""
        if not call.live:
            return
        for operation in list(call.operations.values()):
            self._finish(call, operation, ev.OperationState.FINISHED)
        self._stop_timers(call)
        call.cause = cause
        call.state = ev.CallState.FAILED if failed else ev.CallState.ENDED
        self.emit(call, None, self._state_event(call))

    # -- commands

    def apply(self, call: Call, command: Any, command_id: str | None = None) -> Operation | None:
        """Carry out ``command`` on ``call`` or raise :class:`Refusal` (the call unchanged).

        ``command_id``: the command's idempotency key (the gateway's ``command_uid``), which the
        events of an operation it starts carry. Returns the operation it started, if any.
        """
        if not call.live:
            raise Refusal(409, f"the call has {call.state.value}", "call_ended")
        if type(command) in OPERATION_STARTS:
            return self.begin(call, command, command_id)
        handler = _HANDLERS.get(type(command))
        if handler is None:
            self._require_answered(call, command)  # accepted, with no simulated effect beyond the receipt
            return None
        call.command_id = command_id
        handler(self, call, command)
        return None

    def _require_answered(self, call: Call, command: Any) -> None:
        if call.state is not ev.CallState.ANSWERED:
            raise Refusal(
                409, f"{type(command).__name__} needs an answered call (it is {call.state.value})", "not_answered"
            )

    def _answer_command(self, call: Call, command: c.Answer) -> None:
        if call.direction is ev.CallDirection.OUTBOUND:
            raise Refusal(409, "an outbound call is answered by the callee, not by a command", "outbound_call")
        if call.state is ev.CallState.ANSWERED:
            raise Refusal(409, "the call is already answered", "already_answered")
        self._answer(call)  # at once: a second answer is refused even before time moves

    def _reject(self, call: Call, command: c.Reject) -> None:
        if call.direction is ev.CallDirection.OUTBOUND or call.state is ev.CallState.ANSWERED:
            raise Refusal(409, "only an inbound call not yet answered can be rejected", "not_rejectable")
        cause = command.cause or HangupCause.CALL_REJECTED
        self.end(call, cause)

    def _hangup(self, call: Call, command: c.Hangup) -> None:
        self.end(call, command.cause or HangupCause.NORMAL_CLEARING)

    def _cancel(self, call: Call, command: c.Cancel) -> None:
        if call.state is ev.CallState.ANSWERED:
            raise Refusal(409, "an answered call is hung up, not cancelled", "already_answered")
        self.end(call, HangupCause.ORIGINATOR_CANCEL)

    # -- operations

    def _operation_id(self, command: Any, command_id: str | None) -> str:
        self._ops += 1
        return getattr(command, "control_id", None) or command_id or f"op-{self._ops}"

    def start(self, call: Call, command: Any, kind: str, command_id: str | None) -> Operation:
        self._require_answered(call, command)
        control_id = getattr(command, "control_id", None)
        if control_id is not None and any(
            op.control_id == control_id and op.kind == kind for op in call.operations.values()
        ):
            raise Refusal(409, f"control_id {control_id} is already running a {kind}", "control_id_in_use")
        operation = Operation(
            id=self._operation_id(command, command_id),
            kind=kind,
            command=command,
            control_id=control_id,
            command_id=command_id,
            started_at=self.clock.now(),
        )
        if kind == "play":  # the last playback wins (the gateway's rule; harmless elsewhere)
            for other in [op for op in call.operations.values() if op.kind == "play"]:
                self._finish(call, other, ev.OperationState.FINISHED)
        call.operations[operation.id] = operation
        return operation

    def _finish(self, call: Call, operation: Operation, state: ev.OperationState, **fields: Any) -> None:
        if call.operations.pop(operation.id, None) is None:
            return
        if operation.timer is not None:
            self.clock.cancel(operation.timer)
        event = _operation_event(operation, state, call, self.clock.now(), **fields)
        if event is not None:
            self.emit(call, operation, event)

    def _schedule_end(self, call: Call, operation: Operation, seconds: float | None) -> None:
        if seconds is None:
            return
        operation.timer = self.after(call, seconds, lambda: self._natural_end(call, operation))

    def _natural_end(self, call: Call, operation: Operation) -> None:
        if operation.kind == "collect":
            self._finish(call, operation, ev.OperationState.FINISHED, **self._collected(call, operation))
        else:
            self._finish(call, operation, ev.OperationState.FINISHED)

    def _collected(self, call: Call, operation: Operation) -> dict[str, Any]:
        far = call.far_end
        command: c.Collect = operation.command
        if far.digits is not None and command.digits is not None:
            digits = far.digits[: command.digits.max]
            return {"kind": ev.CollectKind.DIGIT, "digits": digits}
        if far.speech is not None and command.speech is not None:
            return {"kind": ev.CollectKind.SPEECH, "text": far.speech, "confidence": 0.95}
        return {"kind": ev.CollectKind.NO_INPUT}

    def begin(self, call: Call, command: Any, command_id: str | None) -> Operation | None:
        """Start the operation ``command`` starts, if any (see ``OPERATION_STARTS``)."""
        kind = OPERATION_STARTS.get(type(command))
        if kind is None:
            return None
        operation = self.start(call, command, kind, command_id)
        started = _operation_event(operation, ev.OperationState.STARTED, call, self.clock.now())
        if started is not None:  # now, before anything this command stops reports the stop
            self.emit(call, operation, started)
        if kind == "play":
            self._schedule_end(call, operation, media_seconds(command))
        elif kind == "record" and command.max_length:
            self._schedule_end(call, operation, float(command.max_length))
        elif kind == "collect":
            far = call.far_end
            if far.digits is not None and command.digits is not None:
                wait = SECONDS_PER_DIGIT * min(len(far.digits), command.digits.max)
            elif far.speech is not None and command.speech is not None:
                wait = 1.0 + SECONDS_PER_WORD * len(far.speech.split())
            else:
                wait = command.initial_timeout or DEFAULT_INITIAL_TIMEOUT
            self._schedule_end(call, operation, wait)
        elif kind == "detect":
            self._schedule_end(call, operation, 2.0)
        return operation

    def stop(self, call: Call, command: Any) -> None:
        """Stop what ``command`` names: its control_id's operation, or every one of its kind."""
        kind = OPERATION_STOPS[type(command)]
        control_id = getattr(command, "control_id", None)
        targets = [
            op
            for op in call.operations.values()
            if op.kind == kind and (control_id is None or op.control_id == control_id)
        ]
        if not targets:
            raise Refusal(
                404,
                f"no {kind} is running" + (f" with control_id {control_id}" if control_id else ""),
                "operation_not_found",
            )
        for operation in targets:
            self._finish(call, operation, ev.OperationState.FINISHED)

    def pause(self, call: Call, command: Any, paused: bool) -> None:
        control_id = getattr(command, "control_id", None)
        kind = OPERATION_ACTS[type(command)]
        targets = [
            op
            for op in call.operations.values()
            if op.kind == kind and (control_id is None or op.control_id == control_id)
        ]
        if not targets:
            raise Refusal(404, f"no {kind} is running", "operation_not_found")
        for operation in targets:
            operation.paused = paused
            state = ev.OperationState.PAUSED if paused else ev.OperationState.STARTED
            event = _operation_event(operation, state, call, self.clock.now())
            if event is not None:
                self.emit(call, operation, event)


def _operation_event(operation: Operation, state: ev.OperationState, call: Call, now: float, **fields: Any) -> Any:
    """The canonical event reporting ``operation`` in ``state`` (None: this kind reports nothing)."""
    ids: dict[str, Any] = {"call_id": call.id, "control_id": operation.control_id, "command_id": operation.command_id}
    kind = operation.kind
    if kind == "play":
        finished = state is ev.OperationState.FINISHED
        return ev.PlaybackEvent(**ids, state=state, duration=round(now - operation.started_at, 3) if finished else None)
    if kind == "record":
        if state is not ev.OperationState.FINISHED:
            return ev.RecordingEvent(**ids, state=state)
        duration = round(now - operation.started_at, 3)
        return ev.RecordingEvent(
            **ids,
            state=state,
            url=f"{RECORDINGS}/{call.id}/{operation.id}.wav",
            duration=duration,
            size=int(duration * 16_000),
            recording_id=operation.id,
        )
    if kind == "collect":
        if state is not ev.OperationState.FINISHED:
            return None
        return ev.CollectResult(**ids, **({"kind": ev.CollectKind.NO_INPUT} | fields))
    if kind == "detect":
        if state is not ev.OperationState.FINISHED:
            return None
        return ev.DetectEvent(**ids, detector=ev.DetectKind.MACHINE, result="HUMAN")
    if kind == "tap":
        return ev.TapEvent(**ids, state=state)
    if kind == "stream":
        url = getattr(operation.command, "url", None)
        return ev.StreamEvent(**ids, state=state, url=url)
    if kind == "transcribe":
        return ev.TranscriptionEvent(**ids, state=state)
    return None


_HANDLERS: dict[type, Callable[[World, Call, Any], None]] = {
    c.Answer: World._answer_command,
    c.Reject: World._reject,
    c.Hangup: World._hangup,
    c.Cancel: World._cancel,
    **dict.fromkeys(OPERATION_STOPS, lambda world, call, command: world.stop(call, command)),
    c.PausePlayback: lambda world, call, command: world.pause(call, command, True),
    c.ResumePlayback: lambda world, call, command: world.pause(call, command, False),
    c.PauseRecording: lambda world, call, command: world.pause(call, command, True),
    c.ResumeRecording: lambda world, call, command: world.pause(call, command, False),
}
