"""The (dialect, command class) cells a property applies to, and commands a dialect can send.

Properties that hold only where a dialect can say a command are parametrized over exactly those
cells (computed from the capability tables) instead of drawing any command and returning early,
so every parametrization reaches its assertion on every run. ``cells`` refuses an empty list.

``sayable(name, cls)`` draws commands of ``cls`` that ``name`` encodes under LENIENT without
raising: the class's strategy, with the few values no policy can drop (a missing operation id, a
channel the vendor has no word for, ...) replaced by ones the dialect can say.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable
from typing import Any

import attrs
from hypothesis import strategies as st
from hypothesis.strategies import SearchStrategy
from strategies import audio, cells, command_of, control_ids, destinations, participant_ids, swml_documents
from strategies import https_urls as _https_urls

import callglot
from callglot import canonical as c
from callglot.capabilities import Support

__all__ = ["SAID", "command_cells", "pair_cells", "sayable", "support"]

DIALECTS = callglot.dialects()
#: Every support level at which a dialect sends something for the command.
SAID = (Support.NATIVE, Support.PARTIAL, Support.EMULATED)


def support(name: str, cls: type) -> Support:
    return callglot.get_dialect(name).capabilities[cls].support


def command_cells(*kinds: Support, dialects: Iterable[str] = DIALECTS) -> list[tuple[str, type]]:
    """(dialect, command class) for every class the dialect supports as one of ``kinds``."""
    return cells((name, cls) for name in dialects for cls in c.COMMANDS if support(name, cls) in kinds)


def pair_cells(*kinds: Support) -> list[tuple[str, str, type]]:
    """(source, target, command class), source != target, where both support the class as one of ``kinds``."""
    return cells(
        (a, b, cls)
        for a in DIALECTS
        for b in DIALECTS
        if a != b
        for cls in c.COMMANDS
        if support(a, cls) in kinds and support(b, cls) in kinds
    )


# ---------------------------------------------------------------- what each dialect can say

_CHIRP_CHANNELS = (c.Channel.PSTN, c.Channel.WHATSAPP, c.Channel.WEBRTC)
_SIGNALWIRE_DIAL_CHANNELS = (None, c.Channel.PSTN, c.Channel.SIP)
_SIGNALWIRE_TRANSFER_CHANNELS = (None, c.Channel.PSTN, c.Channel.SIP)


def _chirp_destination(d: c.Destination) -> bool:
    # An E.164 number without a channel goes by pstn; anything else needs one of Chirp's channels.
    return d.channel in _CHIRP_CHANNELS or (d.channel is None and d.address.startswith("+"))


def _with_destinations(
    ok: Callable[[c.Destination], bool], *fields: str
) -> Callable[[SearchStrategy[Any]], SearchStrategy[Any]]:
    """Each of ``fields`` replaced by a destination ``ok`` accepts."""
    good = destinations().filter(ok)

    def apply(strategy: SearchStrategy[Any]) -> SearchStrategy[Any]:
        return st.tuples(strategy, *([good] * len(fields))).map(
            lambda t: attrs.evolve(t[0], **dict(zip(fields, t[1:], strict=True)))
        )

    return apply


def _with(**replacements: SearchStrategy[Any]) -> Callable[[SearchStrategy[Any]], SearchStrategy[Any]]:
    """The named fields replaced by draws from the given strategies."""

    def apply(strategy: SearchStrategy[Any]) -> SearchStrategy[Any]:
        return st.tuples(strategy, st.fixed_dictionaries(replacements)).map(lambda t: attrs.evolve(t[0], **t[1]))

    return apply


def _with_control_id(strategy: SearchStrategy[Any]) -> SearchStrategy[Any]:
    """A control id where the command has none (the operation it addresses must be named)."""
    return st.tuples(strategy, control_ids()).map(
        lambda t: t[0] if t[0].control_id else attrs.evolve(t[0], control_id=t[1])
    )


def _signalwire_dial(strategy: SearchStrategy[Any]) -> SearchStrategy[Any]:
    """Both ends on a SignalWire channel, and the call-control script SignalWire's dial requires."""
    ends = _with_destinations(lambda d: d.channel in _SIGNALWIRE_DIAL_CHANNELS, "source")(strategy)
    ends = ends.filter(lambda d: d.destination is None or d.destination.channel in _SIGNALWIRE_DIAL_CHANNELS)
    script = st.one_of(
        _https_urls().map(lambda u: {"swml_url": u, "swml": None}),
        swml_documents().map(lambda s: {"swml": s, "swml_url": None}),
    )
    return st.tuples(ends, script).map(lambda t: t[0] if t[0].swml_url or t[0].swml else attrs.evolve(t[0], **t[1]))


def _short_audio() -> SearchStrategy[c.Audio]:
    """Audio whose URL fits the gateway's 2048 characters."""
    return audio().filter(lambda a: len(a.url) <= 2048)


def _chirp_dial(strategy: SearchStrategy[Any]) -> SearchStrategy[Any]:
    return _with_destinations(_chirp_destination, "source", "destination")(strategy)


_SAYABLE: dict[tuple[str, type], Callable[[SearchStrategy[Any]], SearchStrategy[Any]]] = {
    ("chirp", c.Dial): _chirp_dial,
    ("chirp", c.Transfer): lambda s: (
        destinations()
        .filter(lambda d: d.channel in _CHIRP_CHANNELS or (d.channel is None and d.address.startswith("+")))
        .map(lambda d: c.Transfer(destination=d))
    ),
    ("chirp", c.AddParticipant): _with_destinations(_chirp_destination, "destination"),
    ("chirp", c.Mute): _with(participant_id=participant_ids()),
    ("chirp", c.Unmute): _with(participant_id=participant_ids()),
    ("chirp", c.Play): _with(media=audio().map(lambda a: (a,))),
    ("gateway", c.Mute): _with(participant_id=st.none()),
    ("gateway", c.Unmute): _with(participant_id=st.none()),
    ("gateway", c.Play): _with(media=st.lists(_short_audio(), min_size=1, max_size=4).map(tuple)),
    ("gateway", c.SeekPlayback): _with(position=st.integers(min_value=0, max_value=86_400)),
    ("signalwire", c.Dial): _signalwire_dial,
    ("signalwire", c.Transfer): lambda s: s.filter(
        lambda t: t.destination is None or t.destination.channel in _SIGNALWIRE_TRANSFER_CHANNELS
    ),
    **{
        ("signalwire", cls): _with_control_id
        for cls in (
            c.PausePlayback,
            c.ResumePlayback,
            c.StopPlayback,
            c.SetPlaybackVolume,
            c.PauseRecording,
            c.ResumeRecording,
            c.StopRecording,
            c.StopCollect,
            c.StartInputTimers,
            c.StopDetect,
            c.StopTap,
            c.StopStream,
            c.StopTranscribe,
            c.StopFaxSend,
            c.StopFaxReceive,
        )
    },
}


@functools.cache
def sayable(name: str, cls: type) -> SearchStrategy[Any]:
    """Commands of ``cls`` that dialect ``name`` encodes under LENIENT (losses reported, never refused)."""
    if support(name, cls) is Support.UNSUPPORTED:
        raise ValueError(f"{name} cannot say {cls.__name__} at all")
    strategy = command_of(cls)
    repair = _SAYABLE.get((name, cls))
    return repair(strategy) if repair else strategy
