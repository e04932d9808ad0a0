"""Baseline: hand-written dict-to-dict translators with the checks callglot makes (see BASELINES.md).

One function per direction takes ``{"method", "path", "body"}`` and returns the target's
``{"method", "path", "body"}``, or raises ``ValueError``. Each accepts exactly the messages callglot
translates under ``Policy.STRICT``: a field the target cannot say is refused like a malformed one (callglot
refuses both too, at decode or at encode). URLs go through callglot's own checker, so the two share one
URL policy and the comparison measures translation, not URL parsing.

``decode_event`` validates a webhook of the event types in the workload and returns the canonical event
as a flat dict (the ``event`` tag, then the event's non-null fields, enums as strings).
"""

from __future__ import annotations

import math
import re
import uuid
from collections.abc import Callable
from typing import Any

from callglot.canonical.types import HangupCause  # a data table (the Q.850 names), not logic
from callglot.canonical.urls import check_url, check_vendor_url  # the URL policy callglot applies (see docstring)

__all__ = ["chirp_to_signalwire", "decode_event", "gateway_to_chirp", "signalwire_to_gateway"]

Message = dict[str, Any]

MAX_STRING = 100_000  # callglot's bound on every wire string
UUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")
CALL_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:-]{0,127}")
COMMAND_UID = re.compile(r"[a-zA-Z0-9._-]{1,128}")
TEXT = re.compile(r"[^\x00-\x1f\x7f]*")  # no control characters
E164 = re.compile(r"\+[1-9][0-9]{1,14}")
IDENTITY = re.compile(r"[A-Za-z0-9][A-Za-z0-9._@:+-]{0,255}")
SURROGATE = re.compile(r"[\ud800-\udfff]")
Q850 = frozenset(cause.value for cause in HangupCause)
CAUSE = re.compile(r"[A-Z_]{1,64}")

SW_PATH = "/api/calling/calls"
CHIRP_PATH = re.compile(rf"/v1/calls/({UUID.pattern})/commands")  # SignalWire call ids are UUIDs
GATEWAY_PATH = re.compile(rf"/api/v1/sessions/({CALL_ID.pattern})/commands/([a-z_]+(?:/[a-z_]+)?)")


def _post(message: Message) -> str:
    method, path = message["method"], message["path"]
    if type(method) is not str or type(path) is not str:
        raise ValueError("method and path must be strings")
    if method.upper() != "POST":
        raise ValueError("commands are POSTed")
    return path


def _text(value: Any, max_len: int, min_len: int = 1) -> str:
    if type(value) is not str or not min_len <= len(value) <= max_len or TEXT.fullmatch(value) is None:
        raise ValueError(f"expected a string of {min_len}..{max_len} characters without control characters")
    if not value.isascii() and SURROGATE.search(value) is not None:  # callglot's text check refuses them too
        raise ValueError("strings must not hold lone surrogates")
    return value


def _json_int(value: Any) -> int:
    """An integer; JSON has one number type, so 3.0 is the integer 3 (as callglot reads it)."""
    if type(value) is int:
        return value
    if type(value) is float and value.is_integer() and abs(value) < 2**53:
        return int(value)
    raise ValueError("expected an integer")


def _number(value: Any, minimum: float, maximum: float = math.inf) -> float:
    """A finite int or float (never a bool) in ``minimum..maximum``, kept as given: an int stays an int."""
    if (type(value) is not int and type(value) is not float) or not minimum <= value <= maximum or value == math.inf:
        raise ValueError(f"expected a finite number in {minimum}..{maximum}")  # NaN fails the comparison
    return value


def _https(value: Any, max_len: int = MAX_STRING) -> str:
    if type(value) is not str or len(value) > max_len:
        raise ValueError("expected a URL string")
    return check_url(value)  # raises UnsafeUrl, a ValueError


# ---------------------------------------------------------------- chirp -> signalwire

_TRANSFER_KEYS = frozenset({"type", "destination", "channel"})
_PLAY_AUDIO_KEYS = frozenset({"type", "url", "loop"})
_START_RECORDING_KEYS = frozenset({"type", "format"})


def _chirp_end(body: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    if len(body) != 1:  # hangup has no fields; a reject reason cannot be said by calling.end
        raise ValueError("unexpected field(s)")
    return "calling.end", {"reason": "hangup" if body["type"] == "hangup" else "decline"}


def _chirp_transfer(body: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    if not _TRANSFER_KEYS.issuperset(body) or "destination" not in body:
        raise ValueError("transfer takes destination and channel")
    destination = body["destination"]
    if type(destination) is not str:
        raise ValueError("destination must be a string")
    if "channel" in body:
        if body["channel"] != "pstn":  # whatsapp and webrtc cannot be said by SignalWire; anything else is invalid
            raise ValueError("SignalWire transfers to phone numbers, SIP URIs and identities")
        if E164.fullmatch(destination) is None:
            raise ValueError("a pstn destination is an E.164 number")
    elif destination[:1] == "+":
        if E164.fullmatch(destination) is None:
            raise ValueError("a destination starting with + is an E.164 number")
    elif destination[:5].lower().startswith(("sip:", "sips:")) or IDENTITY.fullmatch(destination) is None:
        raise ValueError("Chirp destinations are phone numbers or identifiers")
    return "calling.transfer", {"dest": destination}


def _chirp_play(body: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    if not _PLAY_AUDIO_KEYS.issuperset(body) or "url" not in body:
        raise ValueError("play_audio takes url and loop")
    params: dict[str, Any] = {
        "control_id": str(uuid.uuid4()),  # SignalWire needs one to address the operation later
        "play": [{"type": "audio", "params": {"url": _https(body["url"])}}],
    }
    if "loop" in body:
        loop = body["loop"]
        if type(loop) is not bool:
            raise ValueError("loop must be a boolean")
        if loop:
            params["loop"] = 0  # SignalWire counts plays: 0 is forever, and once (1) is its default
    return "calling.play", params


def _chirp_record(body: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    if not _START_RECORDING_KEYS.issuperset(body):
        raise ValueError("start_recording takes format")
    audio = {}
    if "format" in body:
        if body["format"] != "mp4":  # ogg and webm cannot be said by SignalWire; anything else is invalid
            raise ValueError("the only format Chirp and SignalWire share is mp4")
        audio["format"] = "mp4"
    return "calling.record", {"control_id": str(uuid.uuid4()), "record": {"audio": audio}}


_CHIRP_TO_SIGNALWIRE: dict[str, Callable[[dict[str, Any]], tuple[str, dict[str, Any]]]] = {
    "hangup": _chirp_end,
    "reject": _chirp_end,
    "transfer": _chirp_transfer,
    "play_audio": _chirp_play,
    "start_recording": _chirp_record,
}


def chirp_to_signalwire(message: Message) -> Message:
    match = CHIRP_PATH.fullmatch(_post(message))
    if match is None:
        raise ValueError("path must be /v1/calls/{callId}/commands with a UUID call id")
    body = message["body"]
    if not isinstance(body, dict):
        raise ValueError("body must be a JSON object")
    kind = body.get("type")
    translate = _CHIRP_TO_SIGNALWIRE.get(kind) if type(kind) is str else None
    if translate is None:
        raise ValueError(f"cannot translate Chirp command type {kind!r} to SignalWire")
    command, params = translate(body)
    return {"method": "POST", "path": SW_PATH, "body": {"command": command, "id": match.group(1), "params": params}}


# ---------------------------------------------------------------- signalwire -> gateway

_CALLING_KEYS = frozenset({"command", "id", "params"})
_UPDATE_KEYS = frozenset({"command", "params"})
_PLAY_KEYS = frozenset({"play", "loop"})  # control_id, volume, direction, TTS defaults: the gateway has none
_END_CAUSES = {
    "hangup": "NORMAL_CLEARING",
    "cancel": "ORIGINATOR_CANCEL",
    "busy": "USER_BUSY",
    "noAnswer": "NO_ANSWER",
    "decline": "CALL_REJECTED",
    "error": "NORMAL_TEMPORARY_FAILURE",
}


def _sw_end(params: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    if not params:
        return "hangup", {}
    reason = params.get("reason")
    cause = _END_CAUSES.get(reason) if type(reason) is str else None
    if cause is None or len(params) != 1:
        raise ValueError("calling.end takes a reason of hangup, cancel, busy, noAnswer, decline or error")
    return "hangup", {} if cause == "NORMAL_CLEARING" else {"cause": cause}  # the gateway's default cause


def _sw_play(params: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    if not _PLAY_KEYS.issuperset(params) or "play" not in params:
        raise ValueError("the gateway plays audio URLs only: no control_id, volume, direction or TTS settings")
    if "loop" in params and _json_int(params["loop"]) != 1:
        raise ValueError("the gateway plays once")
    items = params["play"]
    if type(items) is not list or not 1 <= len(items) <= 128:
        raise ValueError("play must hold 1..128 media items")
    urls = []
    for item in items:
        if not isinstance(item, dict) or len(item) != 2 or item.get("type") != "audio":
            raise ValueError("the gateway plays audio items only")
        audio = item.get("params")
        if not isinstance(audio, dict) or len(audio) != 1 or "url" not in audio:
            raise ValueError("an audio item's params are {url}")
        urls.append(_https(audio["url"]))
    return "playback/start", {"urls": urls}


def _sw_record(params: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    # At most one of record.audio (spec) or audio (SDK form), neither meaning SignalWire's defaults (SDK form);
    # any setting, control_id or status_url is lost.
    if not params:
        return "record/start", {}
    if len(params) != 1:
        raise ValueError("the gateway's record/start takes no settings")
    if "record" in params:
        spec = params["record"]
        if not isinstance(spec, dict) or len(spec) != 1 or "audio" not in spec:
            raise ValueError("record holds audio")
        audio = spec["audio"]
    elif "audio" in params:
        audio = params["audio"]
    else:
        raise ValueError("calling.record needs record.audio")
    if not isinstance(audio, dict) or audio:
        raise ValueError("the gateway's recording format and options are server configuration")
    return "record/start", {}


_SIGNALWIRE_TO_GATEWAY: dict[str, Callable[[dict[str, Any]], tuple[str, dict[str, Any]]]] = {
    "calling.end": _sw_end,
    "calling.play": _sw_play,
    "calling.record": _sw_record,
}


def _sw_update(body: dict[str, Any]) -> Message:
    # Only a status-only update reaches the gateway (a redirect to SWML cannot be said there).
    if not _UPDATE_KEYS.issuperset(body):
        raise ValueError("update carries the call id in params")
    params = body.get("params")
    if not isinstance(params, dict) or len(params) != 2:
        raise ValueError("update takes params {id, status}")
    call_id = params.get("id")
    if type(call_id) is not str or UUID.fullmatch(call_id) is None:
        raise ValueError("params.id must be a call UUID")
    status = params.get("status")
    if status == "completed":
        out: dict[str, Any] = {}
    elif status == "canceled":
        out = {"cause": "ORIGINATOR_CANCEL"}
    else:
        raise ValueError("status must be canceled or completed")
    return {"method": "POST", "path": f"/api/v1/sessions/{call_id}/commands/hangup", "body": out}


def signalwire_to_gateway(message: Message) -> Message:
    if _post(message) != SW_PATH:
        raise ValueError(f"path must be {SW_PATH}")
    body = message["body"]
    if not isinstance(body, dict):
        raise ValueError("body must be a JSON object")
    command = body.get("command")
    if command == "update":
        return _sw_update(body)
    translate = _SIGNALWIRE_TO_GATEWAY.get(command) if type(command) is str else None
    if translate is None:
        raise ValueError(f"cannot translate SignalWire command {command!r} to the gateway")
    if len(body) != 3 or not _CALLING_KEYS.issuperset(body):
        raise ValueError("a calling.* command is {command, id, params}")
    call_id, params = body["id"], body["params"]
    if type(call_id) is not str or UUID.fullmatch(call_id) is None:
        raise ValueError("id must be a call UUID")
    if not isinstance(params, dict):
        raise ValueError("params must be a JSON object")
    path, out = translate(params)
    return {"method": "POST", "path": f"/api/v1/sessions/{call_id}/commands/{path}", "body": out}


# ---------------------------------------------------------------- gateway -> chirp


def _gw_bare(kind: str) -> Callable[[dict[str, Any]], dict[str, Any]]:
    def translate(body: dict[str, Any]) -> dict[str, Any]:
        if body:
            raise ValueError("unexpected field(s)")
        return {"type": kind}

    return translate


def _gw_hangup(body: dict[str, Any]) -> dict[str, Any]:
    # Chirp's hangup has no cause: only the default (NORMAL_CLEARING) can be said.
    if body and (len(body) != 1 or body.get("cause") != "NORMAL_CLEARING"):
        raise ValueError("Chirp's hangup carries no cause")
    return {"type": "hangup"}


def _gw_play(body: dict[str, Any]) -> dict[str, Any]:
    # Chirp plays exactly one URL from its start: no offset_sec, no second URL.
    if len(body) != 1 or "urls" not in body:
        raise ValueError("Chirp's play_audio takes one URL and no offset")
    urls = body["urls"]
    if type(urls) is not list or len(urls) != 1:
        raise ValueError("Chirp plays exactly one URL")
    return {"type": "play_audio", "url": _https(urls[0], 2048), "loop": False}  # once, as Chirp's seed says it


_GATEWAY_TO_CHIRP: dict[str, Callable[[dict[str, Any]], dict[str, Any]]] = {
    "answer": _gw_bare("answer"),
    "hangup": _gw_hangup,
    "playback/start": _gw_play,
    "playback/stop": _gw_bare("stop_audio"),
    "record/start": _gw_bare("start_recording"),
    "record/stop": _gw_bare("stop_recording"),
}


def gateway_to_chirp(message: Message) -> Message:
    match = GATEWAY_PATH.fullmatch(_post(message))
    if match is None:
        raise ValueError("path must be /api/v1/sessions/{uuid}/commands/<command>")
    session, command = match.groups()
    translate = _GATEWAY_TO_CHIRP.get(command)
    if translate is None:
        raise ValueError(f"cannot translate gateway command {command!r} to Chirp")
    body = message["body"]
    if body is None:
        body = {}
    elif not isinstance(body, dict):
        raise ValueError("body must be a JSON object")
    elif "command_uid" in body:
        raise ValueError("Chirp has no idempotency key: command_uid would be lost")
    return {"method": "POST", "path": f"/v1/calls/{session}/commands", "body": translate(body)}


# ---------------------------------------------------------------- events


def _json_value(value: Any, depth: int = 1) -> None:
    """What callglot stores as a frozen JSON object: at most 32 levels, finite numbers, UTF-8 strings."""
    if depth > 32:
        raise ValueError("nesting deeper than 32 levels")
    kind = type(value)
    if kind is str:
        if not value.isascii() and SURROGATE.search(value) is not None:
            raise ValueError("strings must not hold lone surrogates")
    elif kind is float:
        if not math.isfinite(value):
            raise ValueError("NaN and infinities are not JSON")
    elif kind is dict:
        for key, item in value.items():
            if type(key) is not str:
                raise ValueError("object keys must be strings")
            _json_value(item, depth + 1)
    elif kind is list:
        for item in value:
            _json_value(item, depth + 1)
    elif kind is not bool and kind is not int and value is not None:
        raise ValueError(f"{kind.__name__} is not a JSON value")


Unknown = dict[str, dict[str, Any]]  # {JSON path of an object: {key callglot does not know: value}}


def _unknown(obj: dict[str, Any], known: frozenset[str], path: str, unknown: Unknown) -> None:
    """Set aside the keys of a vendor's event object that callglot does not know (it keeps them in origin)."""
    for key in obj:
        if key not in known:
            taken = unknown.setdefault(path, {})
            taken[key] = obj[key]
            _json_value(taken)


def _with_unknown(out: dict[str, Any], dialect: str, unknown: Unknown) -> dict[str, Any]:
    if unknown:
        out.setdefault("origin", {})["unknown"] = {dialect: unknown}
    return out


def _origin_str(value: Any) -> str:
    if type(value) is not str or len(value) > MAX_STRING:
        raise ValueError("expected a string")
    _json_value(value)
    return value


# -- signalwire

_SW_ENVELOPE_KEYS = frozenset({"event_type", "event_channel", "timestamp", "project_id", "space_id", "params"})
_PLAY_STATES = {"playing": "started", "paused": "paused", "finished": "finished", "error": "error"}
_RECORD_STATES = {"recording": "started", "paused": "paused", "finished": "finished", "no_input": "no_input"}
_CALL_STATES = frozenset({"created", "ringing", "answered", "ending", "ended"})
_DEVICE_CHANNELS = {"phone": "pstn", "sip": "sip", "webrtc": "webrtc"}
_EVENT_END_CAUSES = {**_END_CAUSES, "not_found": "UNALLOCATED_NUMBER", "max_duration": "ALLOTTED_TIMEOUT",
                     "abandoned": "NORMAL_UNSPECIFIED"}  # fmt: skip
_COLLECT_KINDS = frozenset({"digit", "speech", "no_input", "no_match", "error", "start_of_input"})
_DIRECTIONS = frozenset({"listen", "speak", "both"})
_DIGITS = re.compile(r"[0-9A-Da-d*#]*")
_PLAY_EVT_KEYS = frozenset({"control_id", "call_id", "node_id", "state"})
_RECORD_EVT_KEYS = frozenset({"control_id", "call_id", "node_id", "state", "url", "duration", "size",
                              "recording_id", "record"})  # fmt: skip
_STATE_EVT_KEYS = frozenset({"call_id", "node_id", "call_state", "direction", "device", "end_reason", "peer"})
_COLLECT_EVT_KEYS = frozenset({"control_id", "call_id", "node_id", "result", "final", "state"})
_RECORD_SPEC_KEYS = frozenset({"audio"})
_RECORD_AUDIO_KEYS = frozenset({"format", "direction", "stereo"})
_DEVICE_KEYS = frozenset({"type", "params"})
_PHONE_ENDS, _ADDRESS_ENDS = ("from_number", "to_number"), ("from", "to")
_PEER_KEYS = frozenset({"call_id", "node_id"})
_RESULT_KEYS = frozenset({"type", "params"})
_DIGIT_KEYS = frozenset({"digits", "terminator"})
_SPEECH_KEYS = frozenset({"text", "confidence"})


def _sw_common(params: dict[str, Any], out: dict[str, Any], origin: dict[str, Any], operation: bool = True) -> None:
    """call_id (required: routing), control_id (required for an operation's event) and node_id (to origin)."""
    if "call_id" not in params or (operation and "control_id" not in params):
        raise ValueError("a webhook names its call_id, an operation's its control_id")
    out["call_id"] = _text(params["call_id"], 256)
    if operation:
        out["control_id"] = _text(params["control_id"], 128)
    if "node_id" in params:
        origin["node_id"] = _origin_str(params["node_id"])


def _event_url(value: Any) -> str:
    if type(value) is not str or not 1 <= len(value) <= 4096:
        raise ValueError("expected an http(s) URL")
    return check_vendor_url(value)  # vendor-produced: parsed and normalised, not fetched (an UnsafeUrl is a ValueError)


def _sw_play_event(params: dict[str, Any], out: dict[str, Any], origin: dict[str, Any], unknown: Unknown) -> None:
    _unknown(params, _PLAY_EVT_KEYS, "$.params", unknown)
    _sw_common(params, out, origin)
    state = params.get("state")
    out["state"] = _PLAY_STATES.get(state) if type(state) is str else None
    if out["state"] is None:
        raise ValueError("state must be playing, paused, finished or error")


def _sw_record_event(params: dict[str, Any], out: dict[str, Any], origin: dict[str, Any], unknown: Unknown) -> None:
    _unknown(params, _RECORD_EVT_KEYS, "$.params", unknown)
    _sw_common(params, out, origin)
    state = params.get("state")
    out["state"] = _RECORD_STATES.get(state) if type(state) is str else None
    if out["state"] is None:
        raise ValueError("state must be recording, paused, finished or no_input")
    if "url" in params:
        out["url"] = _event_url(params["url"])
    if "duration" in params:
        out["duration"] = _number(params["duration"], 0)
    if "size" in params:
        size = _json_int(params["size"])
        if size < 0:
            raise ValueError("size must be >= 0")
        out["size"] = size
    if "recording_id" in params:
        out["recording_id"] = _text(params["recording_id"], 256)
    if "record" in params:
        spec = params["record"]
        if not isinstance(spec, dict) or "audio" not in spec:
            raise ValueError("record holds audio")
        _unknown(spec, _RECORD_SPEC_KEYS, "$.params.record", unknown)
        audio = spec["audio"]
        if not isinstance(audio, dict):
            raise ValueError("record.audio must be a JSON object")
        _unknown(audio, _RECORD_AUDIO_KEYS, "$.params.record.audio", unknown)
        for key, value in audio.items():
            if key == "format":
                if value not in ("mp3", "wav", "mp4") or type(value) is not str:
                    raise ValueError("record.audio.format is invalid")
                out["format"] = value
            elif key == "direction":
                if type(value) is not str or value not in _DIRECTIONS:
                    raise ValueError("record.audio.direction is invalid")
                out["direction"] = value
            elif key == "stereo":
                if type(value) is not bool:
                    raise ValueError("record.audio.stereo is invalid")
                out["stereo"] = value


def _sw_state_event(params: dict[str, Any], out: dict[str, Any], origin: dict[str, Any], unknown: Unknown) -> None:
    _unknown(params, _STATE_EVT_KEYS, "$.params", unknown)
    _sw_common(params, out, origin, operation=False)
    state = params.get("call_state")
    if type(state) is not str or state not in _CALL_STATES:
        raise ValueError("call_state must be created, ringing, answered, ending or ended")
    out["state"] = state
    if "direction" in params:
        direction = params["direction"]
        if direction != "inbound" and direction != "outbound":
            raise ValueError("direction must be inbound or outbound")
        out["direction"] = direction
    if "device" in params:
        device = params["device"]
        if not isinstance(device, dict):
            raise ValueError("device is {type, params}")
        _unknown(device, _DEVICE_KEYS, "$.params.device", unknown)
        kind = device.get("type")
        channel = _DEVICE_CHANNELS.get(kind) if type(kind) is str else None
        if channel is None:
            raise ValueError("device.type must be phone, sip or webrtc")
        ends = device.get("params", {})
        keys = _PHONE_ENDS if channel == "pstn" else _ADDRESS_ENDS
        if not isinstance(ends, dict):
            raise ValueError(f"device.params holds {keys[0]} and {keys[1]}")
        _unknown(ends, frozenset(keys), "$.params.device.params", unknown)
        if keys[0] not in ends and keys[1] not in ends:
            raise ValueError("a device names its from and/or to")
        if keys[0] in ends:
            out["source"] = _text(ends[keys[0]], 512)
            out["source_channel"] = channel
        if keys[1] in ends:
            out["destination"] = _text(ends[keys[1]], 512)
            out["destination_channel"] = channel
    if "end_reason" in params:
        reason = params["end_reason"]
        cause = _EVENT_END_CAUSES.get(reason) if type(reason) is str else None
        if cause is None:
            raise ValueError("not an end_reason")
        out["cause"] = cause
    if "peer" in params:
        peer = params["peer"]
        if not isinstance(peer, dict):
            raise ValueError("a peer is {call_id, node_id}")
        _unknown(peer, _PEER_KEYS, "$.params.peer", unknown)
        if "call_id" not in peer and "node_id" not in peer:
            raise ValueError("a peer names its call_id or node_id")
        if "call_id" in peer:
            out["peer_call_id"] = _text(peer["call_id"], 256)
        if "node_id" in peer:
            origin["peer_node_id"] = _origin_str(peer["node_id"])


def _sw_collect_event(params: dict[str, Any], out: dict[str, Any], origin: dict[str, Any], unknown: Unknown) -> None:
    _unknown(params, _COLLECT_EVT_KEYS, "$.params", unknown)
    if "result" not in params:
        raise ValueError("collect events are {control_id, call_id, node_id, result, final, state}")
    _sw_common(params, out, origin)
    result = params["result"]
    if not isinstance(result, dict):
        raise ValueError("result is {type, params}")
    _unknown(result, _RESULT_KEYS, "$.params.result", unknown)
    kind = result.get("type")
    if type(kind) is not str or kind not in _COLLECT_KINDS:
        raise ValueError("not a collect result type")
    out["kind"] = kind
    if kind == "digit" or kind == "speech":
        found = result.get("params")
        if not isinstance(found, dict):
            raise ValueError("a digit or speech result has params")
        if kind == "digit":
            _unknown(found, _DIGIT_KEYS, "$.params.result.params", unknown)
            if "digits" in found:
                digits = _text(found["digits"], 256, 0)
                if _DIGITS.fullmatch(digits) is None:
                    raise ValueError("digits are 0-9 A-D * #")
                out["digits"] = digits
            if "terminator" in found:
                terminator = _text(found["terminator"], 1, 0)
                if _DIGITS.fullmatch(terminator) is None:
                    raise ValueError("a terminator is one of 0-9 A-D * #")
                out["terminator"] = terminator
        else:
            _unknown(found, _SPEECH_KEYS, "$.params.result.params", unknown)
            if "text" in found:
                out["text"] = _text(found["text"], 100_000)
            if "confidence" in found:
                out["confidence"] = _number(found["confidence"], 0, 1)
    elif "params" in result:
        raise ValueError(f"a {kind} result has no params")
    if "final" in params:
        if type(params["final"]) is not bool:
            raise ValueError("final must be a boolean")
        out["final"] = params["final"]
    if "state" in params:
        out["state"] = _text(params["state"], 64)


_SW_EVENTS: dict[str, tuple[str, Callable[[dict[str, Any], dict[str, Any], dict[str, Any], Unknown], None]]] = {
    "calling.call.play": ("playback", _sw_play_event),
    "calling.call.state": ("call_state_changed", _sw_state_event),
    "calling.call.record": ("recording", _sw_record_event),
    "calling.call.collect": ("collect_result", _sw_collect_event),
}


def _signalwire_event(body: Any) -> dict[str, Any]:
    if not isinstance(body, dict):
        raise ValueError("a status callback is {event_type, event_channel, timestamp, project_id, space_id, params}")
    unknown: Unknown = {}
    _unknown(body, _SW_ENVELOPE_KEYS, "$", unknown)
    event_type = body.get("event_type")
    found = _SW_EVENTS.get(event_type) if type(event_type) is str else None
    if found is None:
        raise ValueError(f"event type {event_type!r} is not handled by this baseline")
    tag, decode = found
    out: dict[str, Any] = {"event": tag}
    origin: dict[str, Any] = {}
    for key in ("event_channel", "project_id", "space_id"):
        if key in body:
            origin[key] = _origin_str(body[key])
    if "timestamp" in body:
        out["timestamp"] = _number(body["timestamp"], 0)
    params = body.get("params")
    if not isinstance(params, dict):
        raise ValueError("params must be a JSON object")
    decode(params, out, origin, unknown)
    if origin:
        out["origin"] = origin
    return _with_unknown(out, "signalwire", unknown)


# -- gateway

_GW_HEADER_KEYS = frozenset({"event", "session_uuid", "sequence"})
_GW_ENVELOPE_KEYS = _GW_HEADER_KEYS | {"data"}
_MAX_MS = 10**12


def _uid(data: dict[str, Any], out: dict[str, Any]) -> None:
    if "command_uid" in data:
        uid = data["command_uid"]
        if type(uid) is not str or COMMAND_UID.fullmatch(uid) is None:
            raise ValueError("command_uid is 1..128 of letters, digits and ._-")
        out["command_id"] = uid


def _ms(data: dict[str, Any], key: str, out: dict[str, Any], field: str) -> None:
    if key in data:
        ms = _json_int(data[key])
        if not 0 <= ms <= _MAX_MS:
            raise ValueError(f"{key} must be 0..{_MAX_MS}")
        out[field] = ms / 1000


def _gw_call_new(data: dict[str, Any], out: dict[str, Any]) -> None:
    out["state"] = "created"
    out["direction"] = "inbound"
    if "caller_id" in data:
        out["source"] = _text(data["caller_id"], 512)
    if "did" in data:
        out["destination"] = _text(data["did"], 512)


def _gw_call_answered(data: dict[str, Any], out: dict[str, Any]) -> None:
    out["state"] = "answered"
    _uid(data, out)
    if "success" in data and (data["success"] is not True or "command_id" not in out):
        raise ValueError("success comes only with command_uid and is true (a failed answer is a command.result)")


def _gw_call_hangup(data: dict[str, Any], out: dict[str, Any]) -> None:
    out["state"] = "ended"
    if "cause" in data:
        cause = data["cause"]
        if type(cause) is not str or CAUSE.fullmatch(cause) is None or cause not in Q850:
            raise ValueError("cause is a Q.850 cause name")
        out["cause"] = cause
    _uid(data, out)


def _gw_dtmf(data: dict[str, Any], out: dict[str, Any]) -> None:
    digit = data.get("digit")
    if type(digit) is not str or len(digit) != 1 or digit not in "0123456789ABCD*#":
        raise ValueError("digit is one of 0-9 A-D * #")
    out["digit"] = digit


def _gw_urls(data: dict[str, Any], out: dict[str, Any]) -> None:
    if "urls" in data:
        urls = data["urls"]
        if type(urls) is not list or len(urls) > 128:
            raise ValueError("urls is an array of at most 128 URLs")
        for url in urls:
            _text(url, 4096)
        out["urls"] = urls
        if "file_path" in data and data["file_path"] != ",".join(urls):
            raise ValueError("file_path (deprecated) is the urls joined with commas")
    elif "file_path" in data:
        raise ValueError("file_path (deprecated) comes with urls")


def _gw_playback(state: str) -> Callable[[dict[str, Any], dict[str, Any]], None]:
    def decode(data: dict[str, Any], out: dict[str, Any]) -> None:
        out["state"] = state
        _gw_urls(data, out)
        _ms(data, "offset_ms", out, "offset")
        _ms(data, "duration_ms", out, "duration")
        _uid(data, out)

    return decode


def _gw_recording(data: dict[str, Any], out: dict[str, Any]) -> None:
    out["state"] = "finished"
    if "url" in data:
        out["url"] = _event_url(data["url"])
    _ms(data, "duration_ms", out, "duration")
    _uid(data, out)


def _gw_command_result(data: dict[str, Any], out: dict[str, Any]) -> None:
    if type(data.get("success")) is not bool:
        raise ValueError("success is a required boolean")
    out["success"] = data["success"]
    if "detail" in data:
        detail = data["detail"]
        if type(detail) is not dict:  # null too: omit the field instead
            raise ValueError("detail is a JSON object")
        _json_value(detail)
        out["detail"] = detail
    _uid(data, out)
    if "operation_id" in data:
        out["operation_id"] = _text(data["operation_id"], 256)
    elif "command_id" not in out:
        raise ValueError("a command.result names its command by command_uid or operation_id")


_PLAYBACK_KEYS = frozenset({"command_uid", "urls", "file_path"})
_GW_EVENTS: dict[str, tuple[str, frozenset[str], Callable[[dict[str, Any], dict[str, Any]], None]]] = {
    "call.new": ("call_state_changed", frozenset({"caller_id", "did"}), _gw_call_new),
    "call.answered": ("call_state_changed", frozenset({"command_uid", "success"}), _gw_call_answered),
    "call.hangup": ("call_state_changed", frozenset({"cause", "command_uid"}), _gw_call_hangup),
    "dtmf": ("dtmf_received", frozenset({"digit"}), _gw_dtmf),
    "playback.started": ("playback", _PLAYBACK_KEYS, _gw_playback("started")),
    "playback.stopped": ("playback", _PLAYBACK_KEYS | {"offset_ms", "duration_ms"}, _gw_playback("finished")),
    "playback.file_not_found": ("playback", _PLAYBACK_KEYS, _gw_playback("error")),
    "recording.completed": ("recording", frozenset({"command_uid", "url", "duration_ms"}), _gw_recording),
    "command.result": (
        "command_result",
        frozenset({"command_uid", "operation_id", "success", "detail"}),
        _gw_command_result,
    ),
}


def _gateway_event(body: Any) -> dict[str, Any]:
    if not isinstance(body, dict):
        raise ValueError("body must be a JSON object")
    name = body.get("event")
    found = _GW_EVENTS.get(name) if type(name) is str else None
    if found is None:
        raise ValueError(f"unknown gateway event {name!r}")  # conference.* events too: rooms are not calls
    tag, keys, decode = found
    unknown: Unknown = {}
    if "data" in body:  # the envelope
        data = body["data"]
        if not isinstance(data, dict):
            raise ValueError("data must be a JSON object")
        _unknown(body, _GW_ENVELOPE_KEYS, "$", unknown)
        _unknown(data, keys, "$.data", unknown)
    else:  # the flat form: the data fields beside the header
        data = body
        _unknown(body, keys | _GW_HEADER_KEYS, "$", unknown)
    session = body.get("session_uuid")
    if type(session) is not str or CALL_ID.fullmatch(session) is None:
        raise ValueError("session_uuid is a call id of one path segment")
    out: dict[str, Any] = {"event": tag, "call_id": session}
    if "sequence" in body:
        sequence = _json_int(body["sequence"])
        if sequence < 1:
            raise ValueError("sequences start at 1")
        out["sequence"] = sequence
    decode(data, out)
    return _with_unknown(out, "gateway", unknown)


#: The event types callglot models for each dialect (its own lists): any other is kept whole.
MODELLED_EVENTS: dict[str, frozenset[str]] = {
    "signalwire": frozenset({
        "calling.call.state", "calling.call.play", "calling.call.record", "calling.call.collect", "calling.call.detect",
        "calling.call.tap", "calling.call.stream", "calling.transcript.completed", "calling.transcript.failed",
        "calling.call.transcribe", "calling.call.refer", "calling.call.receive", "calling.call.connect",
        "calling.call.fax", "calling.call.send_digits", "calling.call.dial", "calling.call.denoise",
        "calling.call.hold", "calling.error", "calling.conference",
    }),
    "gateway": frozenset({
        "call.new", "call.answered", "call.hangup", "dtmf", "playback.started", "playback.stopped",
        "playback.file_not_found", "recording.completed", "command.result", "conference.created",
        "conference.destroyed", "conference.member.joined", "conference.member.left",
    }),
}  # fmt: skip
_EVENT_TYPE = re.compile(r"[^\x00-\x1f\x7f]{1,256}")


def _unknown_event(dialect: str, body: Any, type_key: str, call_id: Any) -> dict[str, Any] | None:
    """callglot's rule for an event type it does not model: the body kept whole (a JSON value, checked),
    with the call id where the dialect's events name it; None for a modelled type."""
    event_type = body.get(type_key) if isinstance(body, dict) else None
    if type(event_type) is not str or event_type in MODELLED_EVENTS[dialect]:
        return None
    if _EVENT_TYPE.fullmatch(event_type) is None or (not event_type.isascii() and SURROGATE.search(event_type)):
        raise ValueError(f"not an event type: {event_type[:64]!r}")
    _json_value(body)
    out = {"event": "unknown", "dialect": dialect, "event_type": event_type, "body": body}
    if type(call_id) is str and CALL_ID.fullmatch(call_id) is not None:
        out["call_id"] = call_id
    return out


def decode_event(message: Message, dialect: str) -> dict[str, Any]:
    """The webhook ``message`` of ``dialect`` (signalwire or gateway) as a flat canonical-event dict."""
    body = message["body"]
    if dialect == "signalwire":
        params = body.get("params") if isinstance(body, dict) else None
        call_id = params.get("call_id") if isinstance(params, dict) else None
        return _unknown_event(dialect, body, "event_type", call_id) or _signalwire_event(body)
    if dialect == "gateway":
        session = body.get("session_uuid") if isinstance(body, dict) else None
        return _unknown_event(dialect, body, "event", session) or _gateway_event(body)
    raise ValueError(f"no event decoder for {dialect!r}")
