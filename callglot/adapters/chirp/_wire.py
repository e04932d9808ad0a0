"""What Chirp's commands, webhooks and responses share (reference/dialects.md §2).

The one converter every Chirp wire shape registers on, with Chirp's camelCase keys; the channels
and recording formats Chirp knows; its ISO-8601 time rule; and the small checks each part would
otherwise write again (a JSON object body, a canonical error at its wire path, a value Chirp cannot say).
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping
from typing import Any

import attrs

from callglot.adapters import _structure
from callglot.adapters._base import Encoding, enum_value
from callglot.adapters._structure import register_wire
from callglot.canonical import Channel, RecordingFormat
from callglot.errors import InvalidMessage, InvalidValue

converter = _structure.make_converter()

#: snake_case attribute -> Chirp's camelCase key, for every Chirp wire class (``from_`` -> ``from`` is
#: register_wire's own rule).
CAMEL = {
    "music_url": "musicUrl", "participant_id": "participantId", "from_channel": "fromChannel",
    "to_channel": "toChannel", "call_id": "callId", "event_id": "eventId", "livekit_room_name": "livekitRoomName",
    "file_url": "fileUrl", "file_size": "fileSize", "started_at": "startedAt", "ended_at": "endedAt",
    "created_at": "createdAt", "caller_number": "callerNumber", "caller_channel": "callerChannel",
    "is_read": "isRead", "recording_id": "recordingId",
}  # fmt: skip


def register(*classes: type) -> None:
    """Register Chirp wire classes on the converter (nested classes first, as their containers use them)."""
    for cls in classes:
        fields = attrs.fields_dict(cls)
        register_wire(converter, cls, {k: v for k, v in CAMEL.items() if k in fields})


CHANNELS = (Channel.PSTN, Channel.WHATSAPP, Channel.WEBRTC)
FORMATS = (RecordingFormat.MP4, RecordingFormat.OGG, RecordingFormat.WEBM)

OP_IDS = "Chirp has no operation ids: the command applies to whatever is active"

# ---------------------------------------------------------------- times

ISO = re.compile(
    r"([0-9]{4})-([0-9]{2})-([0-9]{2})T([0-9]{2}):([0-9]{2}):([0-9]{2})(?:\.([0-9]{1,6}))?(Z|[+-][0-9]{2}:[0-9]{2})"
)


def time_problem(text: str, example: str = "2026-01-15T10:30:00Z") -> str | None:
    """Why ``text`` is not a Chirp time (None when it is); ``example`` is the reference's for the field."""
    if ISO.fullmatch(text) is None:
        return f"expected an ISO-8601 time such as {example}"
    return None


# ---------------------------------------------------------------- decode


_FIELD_END = re.compile(r"[.\[]")


def invalid_at(exc: InvalidValue, paths: Mapping[str, str]) -> InvalidMessage:
    """A canonical constructor's error at the wire key of its field: the field's first part
    (``details.x``, ``media[0]``) looked up in ``paths``, ``$`` when it has none."""
    return InvalidMessage(paths.get(_FIELD_END.split(exc.field, maxsplit=1)[0], "$"), exc.reason)


def decode_channel(text: str, path: str) -> Channel:
    channel: Channel = enum_value(Channel, text, path, CHANNELS)
    return channel


def decode_format(text: str, path: str) -> RecordingFormat:
    fmt: RecordingFormat = enum_value(RecordingFormat, text, path, FORMATS)
    return fmt


# ---------------------------------------------------------------- encode


def encode_choice(value: Any, allowed: Collection[Any], field: str, ctx: Encoding) -> str | None:
    """``value`` as Chirp writes it when Chirp knows it (one of ``allowed``); otherwise a loss of ``field``."""
    if value is None:
        return None
    if value not in allowed:
        ctx.lose(field)
        return None
    return str(value)
