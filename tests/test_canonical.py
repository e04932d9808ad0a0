"""Behaviour of the canonical values (DESIGN §3): validation, immutability, hashing, secrets.

Every bad field raises :class:`~callglot.errors.InvalidValue` naming the field;
values are frozen, keyword-only, hashable, with tuples not lists; secrets never
reach a repr. The hand-written strategies in ``strategies.py`` are checked here
too: they must only ever produce valid, already-normalised values.
"""

from __future__ import annotations

import copy
import math
import os
import pickle
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import attrs
import pytest
import strategies as S
from hypothesis import given
from hypothesis import strategies as st

import callglot.canonical as canonical
from callglot.canonical import (
    BY_TAG,
    COMMANDS,
    TAGS,
    AddParticipant,
    AiHold,
    AiMessage,
    AiReset,
    Audio,
    Channel,
    Codec,
    Collect,
    Detect,
    Dial,
    DigitCollect,
    DigitDetector,
    Direction,
    FaxDetector,
    FaxTone,
    FrozenJson,
    Gender,
    Hangup,
    HangupCause,
    Hold,
    HttpMethod,
    JoinConference,
    LiveDirection,
    LiveInject,
    LiveSpeechEngine,
    LiveStart,
    LiveStop,
    LiveSummarize,
    LiveTranscribe,
    LiveTranslate,
    MachineDetector,
    Mute,
    ParticipantRole,
    PauseBehavior,
    PauseRecording,
    Play,
    Record,
    RecordingFormat,
    Redirect,
    Refer,
    Reject,
    RemoveParticipant,
    Ringtone,
    RtpDevice,
    SeekPlayback,
    SendDigits,
    SetPlaybackVolume,
    Silence,
    SpeechCollect,
    SpeechEngine,
    Stream,
    StreamTrack,
    Tap,
    Transfer,
    Tts,
    UserEvent,
    WsDevice,
    freeze_json,
    thaw_json,
)
from callglot.canonical.urls import check_sip_uri, check_url
from callglot.errors import CallglotError, InvalidValue

# ---------------------------------------------------------------- fixtures and helpers

SWML = {"version": "1.0.0", "sections": {"main": [{"answer": {}}]}}
PHONE = canonical.Destination(address="+15551234567")
SIP_DEST = canonical.Destination(address="sip:alice@example.com")
AUDIO = Audio(url="https://media.example.com/a.mp3")
WSS = "wss://stream.example.com/audio"
SENTINEL = "S3NT1NEL-9f2c71d4-secret"
NAN = float("nan")
INF = float("inf")

ATTRS_CLASSES: tuple[type, ...] = tuple(cls for cls in S.STRATEGIES if attrs.has(cls))
VALUE_CLASSES: tuple[type, ...] = tuple(cls for cls in ATTRS_CLASSES if cls not in COMMANDS)

#: The DESIGN §3 table, in order.
DESIGN_COMMANDS = (
    # call lifecycle
    "Dial", "Answer", "Reject", "Hangup", "Cancel", "Redirect", "ReturnToDialplan", "Unbridge",
    "SendToVoicemail",
    # routing
    "Transfer", "Refer", "AddParticipant", "RemoveParticipant", "JoinConference", "LeaveConference",
    # hold / mute
    "Hold", "Unhold", "Mute", "Unmute",
    # DTMF
    "SendDigits",
    # playback
    "Play", "PausePlayback", "ResumePlayback", "StopPlayback", "SetPlaybackVolume", "SeekPlayback",
    # recording
    "Record", "PauseRecording", "ResumeRecording", "StopRecording",
    # input
    "Collect", "StopCollect", "StartInputTimers",
    # detection
    "Detect", "StopDetect",
    # media out
    "Tap", "StopTap", "Stream", "StopStream", "Denoise", "StopDenoise",
    # transcription
    "Transcribe", "StopTranscribe", "LiveTranscribe", "LiveTranslate",
    # AI agent
    "AiHold", "AiUnhold", "AiMessage", "AiStop",
    # fax
    "StopFaxSend", "StopFaxReceive",
    # custom
    "UserEvent",
)  # fmt: skip

SECRETS: dict[type, str] = {
    Dial: "sip_password",
    Refer: "password",
    Stream: "authorization_bearer_token",
}


def fields_of(value: Any) -> dict[str, Any]:
    return {f.name: getattr(value, f.name) for f in attrs.fields(type(value))}


def names_field(exc: InvalidValue, field: str) -> bool:
    """``exc.field`` is ``field`` itself or a path inside it (``field[0]``, ``field.key``)."""
    return exc.field == field or exc.field.startswith((f"{field}[", f"{field}."))


def nested(depth: int) -> dict[str, Any]:
    """``depth`` nested JSON objects: nested(1) == {}, nested(2) == {"k": {}}."""
    value: dict[str, Any] = {}
    for _ in range(depth - 1):
        value = {"k": value}
    return value


# ---------------------------------------------------------------- the strategies themselves


@pytest.mark.parametrize("cls", list(S.STRATEGIES), ids=lambda cls: cls.__name__)
@given(data=st.data())
def test_strategy_values_are_valid_and_normalised(cls: type, data: st.DataObject) -> None:
    value = data.draw(S.STRATEGIES[cls])
    assert type(value) is cls
    if cls is FrozenJson:
        assert freeze_json(thaw_json(value)) == value
        return
    # Rebuilding from the fields runs every converter and validator again and
    # changes nothing: the value is valid and already in normal form.
    rebuilt = cls(**fields_of(value))
    assert rebuilt == value
    assert fields_of(rebuilt) == fields_of(value)
    assert hash(rebuilt) == hash(value)


def test_strategies_cover_every_command() -> None:
    assert set(COMMANDS) <= set(S.STRATEGIES)
    for cls in COMMANDS:
        assert S.command_of(cls) is S.STRATEGIES[cls]


def test_strategies_cover_the_value_classes() -> None:
    expected = {
        canonical.Destination, Audio, Tts, Silence, Ringtone, DigitCollect, SpeechCollect,
        MachineDetector, FaxDetector, DigitDetector, RtpDevice, WsDevice, LiveStart,
        LiveSummarize, LiveInject, LiveStop, AiReset, FrozenJson,
    }  # fmt: skip
    assert expected <= set(S.STRATEGIES)


@pytest.mark.parametrize("cls", ATTRS_CLASSES, ids=lambda cls: cls.__name__)
def test_strategy_draws_every_field(cls: type) -> None:
    # A field added to a class without a strategy for it fails here.
    assert S.FIELDS[cls] == {f.name for f in attrs.fields(cls)}


def test_command_of_rejects_non_commands() -> None:
    with pytest.raises(KeyError):
        S.command_of(Audio)


def test_cells_refuses_an_empty_parametrization() -> None:
    assert S.cells(iter([("chirp", Audio)])) == [("chirp", Audio)]
    with pytest.raises(ValueError, match="empty parametrization"):
        S.cells(cls for cls in COMMANDS if cls is Audio)


@given(S.commands())
def test_commands_yields_commands(command: Any) -> None:
    assert type(command) in COMMANDS


@given(S.https_urls())
def test_https_urls_are_normalised(url: str) -> None:
    assert url.startswith("https://")
    assert check_url(url) is url


@given(S.wss_urls())
def test_wss_urls_are_normalised(url: str) -> None:
    assert url.startswith("wss://")
    assert check_url(url, schemes=("wss",)) is url


@given(S.sip_uris())
def test_sip_uris_are_normalised(uri: str) -> None:
    assert check_sip_uri(uri) is uri
    assert Refer(to=uri).to == uri


@given(S.channels_and_addresses())
def test_destination_addresses_are_normalised(pair: tuple[Channel | None, str]) -> None:
    channel, address = pair
    assert canonical.Destination(address=address, channel=channel).address == address


@given(S.e164_numbers())
def test_e164_numbers(number: str) -> None:
    assert re.fullmatch(r"\+[1-9][0-9]{1,14}", number)


@given(S.digits())
def test_digits(value: str) -> None:
    assert re.fullmatch(r"[0-9*#A-D]{1,50}", value)
    assert SendDigits(digits=value).digits == value


@given(S.json_objects(frozen=False))
def test_json_objects_are_small_and_json(value: dict[str, Any]) -> None:
    def depth(v: Any) -> int:
        if isinstance(v, dict):
            return 1 + max((depth(x) for x in v.values()), default=0)
        if isinstance(v, list):
            return 1 + max((depth(x) for x in v), default=0)
        return 0

    assert depth(value) <= 3
    assert thaw_json(freeze_json(value)) == value


# Fields that may stay set in a "minimal" value: Dial needs a destination (or a
# script), Redirect/Transfer exactly one target, Collect digits or speech.
_MIN_ALLOWANCE = {Dial: 1, Redirect: 1, Transfer: 1, Collect: 1}
# Mutually exclusive groups: a "full" value sets exactly one of each.
_EXCLUSIVE = {Dial: {"swml_url", "swml"}, Redirect: {"url", "swml"}, Transfer: {"destination", "swml_url", "swml"}}


def _defaulted(cls: type) -> list[str]:
    return [f.name for f in attrs.fields(cls) if f.default is not attrs.NOTHING]


@pytest.mark.parametrize("cls", S.cells(cls for cls in ATTRS_CLASSES if _defaulted(cls)), ids=lambda cls: cls.__name__)
@given(data=st.data())
def test_strategy_reaches_minimal_and_full_values(cls: type, data: st.DataObject) -> None:
    """Every value drawn in minimal mode leaves the optional fields out; in full mode it sets them all."""
    optional = _defaulted(cls)
    group = _EXCLUSIVE.get(cls, set())

    minimal = data.draw(S.in_mode(S.STRATEGIES[cls], "minimal"))
    assert sum(getattr(minimal, n) is not None for n in optional) <= _MIN_ALLOWANCE.get(cls, 0), minimal

    full = data.draw(S.in_mode(S.STRATEGIES[cls], "full"))
    present = {n for n in optional if getattr(full, n) is not None}
    assert set(optional) - group <= present, full
    assert not group or len(present & group) == 1, full


# ---------------------------------------------------------------- invalid fields

_129_SILENCES = [Silence(duration=1)] * 129

INVALID: list[tuple[str, Callable[[], Any], str]] = [
    # Destination
    ("dest-address-int", lambda: canonical.Destination(address=5551234567), "address"),
    ("dest-address-empty", lambda: canonical.Destination(address=""), "address"),
    ("dest-address-none", lambda: canonical.Destination(address=None), "address"),
    ("dest-e164-leading-zero", lambda: canonical.Destination(address="+0155512345"), "address"),
    ("dest-e164-too-short", lambda: canonical.Destination(address="+1"), "address"),
    ("dest-e164-too-long", lambda: canonical.Destination(address="+1234567890123456"), "address"),
    ("dest-e164-letters", lambda: canonical.Destination(address="+1555CALLNOW"), "address"),
    (
        "dest-pstn-sip-address",
        lambda: canonical.Destination(address="sip:alice@example.com", channel="pstn"),
        "address",
    ),
    ("dest-whatsapp-identity", lambda: canonical.Destination(address="alice", channel=Channel.WHATSAPP), "address"),
    ("dest-sip-no-scheme", lambda: canonical.Destination(address="alice@example.com", channel="sip"), "address"),
    ("dest-sip-no-user", lambda: canonical.Destination(address="sip:example.com"), "address"),
    ("dest-sip-private-host", lambda: canonical.Destination(address="sip:alice@10.0.0.1"), "address"),
    ("dest-sip-loopback", lambda: canonical.Destination(address="sip:alice@127.0.0.1:5060"), "address"),
    ("dest-sip-localhost", lambda: canonical.Destination(address="sips:alice@localhost"), "address"),
    ("dest-sip-password", lambda: canonical.Destination(address="sip:alice:pw@example.com"), "address"),
    ("dest-sip-maddr", lambda: canonical.Destination(address="sip:alice@example.com;maddr=10.0.0.1"), "address"),
    ("dest-identity-space", lambda: canonical.Destination(address="alice smith", channel="webrtc"), "address"),
    ("dest-identity-leading-dot", lambda: canonical.Destination(address=".alice", channel="webrtc"), "address"),
    ("dest-address-too-long", lambda: canonical.Destination(address="a" * 513, channel="webrtc"), "address"),
    ("dest-address-control", lambda: canonical.Destination(address="alice\n", channel="webrtc"), "address"),
    ("dest-channel-unknown", lambda: canonical.Destination(address="+15551234567", channel="fax"), "channel"),
    ("dest-channel-upper", lambda: canonical.Destination(address="+15551234567", channel="PSTN"), "channel"),
    ("dest-channel-int", lambda: canonical.Destination(address="+15551234567", channel=1), "channel"),
    # Audio / URL policy
    ("audio-http", lambda: Audio(url="http://media.example.com/a.mp3"), "url"),
    ("audio-ftp", lambda: Audio(url="ftp://media.example.com/a.mp3"), "url"),
    ("audio-no-scheme", lambda: Audio(url="media.example.com/a.mp3"), "url"),
    ("audio-loopback", lambda: Audio(url="https://127.0.0.1/a.mp3"), "url"),
    ("audio-private", lambda: Audio(url="https://10.1.2.3/a.mp3"), "url"),
    ("audio-private-172", lambda: Audio(url="https://172.16.0.5/a.mp3"), "url"),
    ("audio-link-local-metadata", lambda: Audio(url="https://169.254.169.254/latest/meta-data"), "url"),
    ("audio-ipv6-loopback", lambda: Audio(url="https://[::1]/a.mp3"), "url"),
    ("audio-ipv4-mapped", lambda: Audio(url="https://[::ffff:127.0.0.1]/a.mp3"), "url"),
    ("audio-decimal-ip", lambda: Audio(url="https://2130706433/a.mp3"), "url"),
    ("audio-hex-ip", lambda: Audio(url="https://0x7f.1/a.mp3"), "url"),
    ("audio-localhost", lambda: Audio(url="https://localhost/a.mp3"), "url"),
    ("audio-internal", lambda: Audio(url="https://metadata.google.internal/a"), "url"),
    ("audio-single-label", lambda: Audio(url="https://intranet/a.mp3"), "url"),
    ("audio-userinfo", lambda: Audio(url="https://user:pw@media.example.com/a.mp3"), "url"),
    ("audio-space", lambda: Audio(url="https://media.example.com/a b.mp3"), "url"),
    ("audio-backslash", lambda: Audio(url="https://media.example.com\\@10.0.0.1/"), "url"),
    ("audio-port-zero", lambda: Audio(url="https://media.example.com:0/a.mp3"), "url"),
    ("audio-port-too-big", lambda: Audio(url="https://media.example.com:65536/a.mp3"), "url"),
    ("audio-empty", lambda: Audio(url=""), "url"),
    ("audio-int", lambda: Audio(url=5), "url"),
    ("audio-none", lambda: Audio(url=None), "url"),
    # Tts
    ("tts-empty", lambda: Tts(text=""), "text"),
    ("tts-nul", lambda: Tts(text="a\x00b"), "text"),
    ("tts-int", lambda: Tts(text=5), "text"),
    ("tts-too-long", lambda: Tts(text="a" * 10_001), "text"),
    ("tts-language-short", lambda: Tts(text="hi", language="e"), "language"),
    ("tts-language-underscore", lambda: Tts(text="hi", language="en_US"), "language"),
    ("tts-gender", lambda: Tts(text="hi", gender="other"), "gender"),
    ("tts-voice-space", lambda: Tts(text="hi", voice="Polly Joanna"), "voice"),
    ("tts-voice-leading-dash", lambda: Tts(text="hi", voice="-joanna"), "voice"),
    # Silence
    ("silence-zero", lambda: Silence(duration=0), "duration"),
    ("silence-negative", lambda: Silence(duration=-1.5), "duration"),
    ("silence-too-long", lambda: Silence(duration=86_401), "duration"),
    ("silence-huge-int", lambda: Silence(duration=10**400), "duration"),
    ("silence-bool", lambda: Silence(duration=True), "duration"),
    ("silence-nan", lambda: Silence(duration=NAN), "duration"),
    ("silence-inf", lambda: Silence(duration=INF), "duration"),
    ("silence-str", lambda: Silence(duration="1"), "duration"),
    ("silence-none", lambda: Silence(duration=None), "duration"),
    # Ringtone
    ("ringtone-unknown", lambda: Ringtone(name="xx"), "name"),
    ("ringtone-upper", lambda: Ringtone(name="US"), "name"),
    ("ringtone-int", lambda: Ringtone(name=1), "name"),
    ("ringtone-list", lambda: Ringtone(name=["us"]), "name"),
    ("ringtone-zero-duration", lambda: Ringtone(name="us", duration=0), "duration"),
    # Play
    ("play-empty-tuple", lambda: Play(media=()), "media"),
    ("play-empty-list", lambda: Play(media=[]), "media"),
    ("play-none", lambda: Play(media=None), "media"),
    ("play-single-not-tuple", lambda: Play(media=AUDIO), "media"),
    ("play-url-string", lambda: Play(media=("https://media.example.com/a.mp3",)), "media[0]"),
    ("play-bad-second-item", lambda: Play(media=[AUDIO, {"url": "x"}]), "media[1]"),
    ("play-too-many", lambda: Play(media=_129_SILENCES), "media"),
    ("play-generator", lambda: Play(media=(m for m in [AUDIO])), "media"),
    ("play-loop-negative", lambda: Play(media=[AUDIO], loop=-1), "loop"),
    ("play-loop-float", lambda: Play(media=[AUDIO], loop=1.5), "loop"),
    ("play-loop-bool", lambda: Play(media=[AUDIO], loop=True), "loop"),
    ("play-loop-too-big", lambda: Play(media=[AUDIO], loop=1_000_001), "loop"),
    ("play-volume-high", lambda: Play(media=[AUDIO], volume=40.01), "volume"),
    ("play-volume-nan", lambda: Play(media=[AUDIO], volume=NAN), "volume"),
    ("play-direction", lambda: Play(media=[AUDIO], direction="up"), "direction"),
    ("play-offset-negative", lambda: Play(media=[AUDIO], offset=-0.1), "offset"),
    ("play-language", lambda: Play(media=[AUDIO], language="english!"), "language"),
    ("play-status-url-http", lambda: Play(media=[AUDIO], status_url="http://hooks.example.com/s"), "status_url"),
    ("play-control-id-newline", lambda: Play(media=[AUDIO], control_id="a\nb"), "control_id"),
    ("play-control-id-empty", lambda: Play(media=[AUDIO], control_id=""), "control_id"),
    ("play-control-id-too-long", lambda: Play(media=[AUDIO], control_id="x" * 129), "control_id"),
    # Dial
    ("dial-source-none", lambda: Dial(source=None, destination=PHONE), "source"),
    ("dial-source-str", lambda: Dial(source="+15551234567", destination=PHONE), "source"),
    ("dial-destination-str", lambda: Dial(source=PHONE, destination="+15557654321"), "destination"),
    ("dial-no-destination", lambda: Dial(source=PHONE), "destination"),
    (
        "dial-swml-url-and-swml",
        lambda: Dial(source=PHONE, destination=PHONE, swml_url="https://x.example.com/s", swml=SWML),
        "swml_url",
    ),
    (
        "dial-swml-url-private",
        lambda: Dial(source=PHONE, destination=PHONE, swml_url="https://192.168.1.1/s"),
        "swml_url",
    ),
    ("dial-swml-not-object", lambda: Dial(source=PHONE, destination=PHONE, swml=[1, 2]), "swml"),
    ("dial-swml-no-sections", lambda: Dial(source=PHONE, destination=PHONE, swml={"a": 1}), "swml"),
    (
        "dial-swml-main-not-array",
        lambda: Dial(source=PHONE, destination=PHONE, swml={"sections": {"main": {}}}),
        "swml",
    ),
    (
        "dial-swml-bad-version",
        lambda: Dial(source=PHONE, destination=PHONE, swml={"version": "2", "sections": {"main": []}}),
        "swml",
    ),
    (
        "dial-swml-null-version",
        lambda: Dial(source=PHONE, destination=PHONE, swml={"version": None, "sections": {"main": []}}),
        "swml",
    ),
    ("redirect-swml-extra-key", lambda: Redirect(swml={"sections": {"main": []}, "x": 1}), "swml"),
    ("dial-script-not-swml", lambda: Dial(source=PHONE, destination_script={"a": 1}), "destination_script"),
    (
        "dial-status-event-unknown",
        lambda: Dial(source=PHONE, destination=PHONE, status_events=("queued",)),
        "status_events[0]",
    ),
    ("dial-codec-unknown", lambda: Dial(source=PHONE, destination=PHONE, codecs=("MP3",)), "codecs[0]"),
    (
        "dial-fallback-http",
        lambda: Dial(source=PHONE, destination=PHONE, fallback_url="http://x.example.com/"),
        "fallback_url",
    ),
    ("dial-script-int", lambda: Dial(source=PHONE, destination_script=5), "destination_script"),
    ("dial-script-list", lambda: Dial(source=PHONE, destination_script=[1]), "destination_script"),
    ("dial-timeout-zero", lambda: Dial(source=PHONE, destination=PHONE, timeout=0), "timeout"),
    ("dial-timeout-too-big", lambda: Dial(source=PHONE, destination=PHONE, timeout=601), "timeout"),
    ("dial-timeout-float", lambda: Dial(source=PHONE, destination=PHONE, timeout=30.0), "timeout"),
    ("dial-timeout-bool", lambda: Dial(source=PHONE, destination=PHONE, timeout=True), "timeout"),
    ("dial-timeout-str", lambda: Dial(source=PHONE, destination=PHONE, timeout="30"), "timeout"),
    (
        "dial-price-negative",
        lambda: Dial(source=PHONE, destination=PHONE, max_price_per_minute=-0.01),
        "max_price_per_minute",
    ),
    ("dial-price-inf", lambda: Dial(source=PHONE, destination=PHONE, max_price_per_minute=INF), "max_price_per_minute"),
    ("dial-send-digits", lambda: Dial(source=PHONE, destination=PHONE, send_digits="12x"), "send_digits"),
    ("dial-status-events-empty", lambda: Dial(source=PHONE, destination=PHONE, status_events=[]), "status_events"),
    ("dial-status-events-str", lambda: Dial(source=PHONE, destination=PHONE, status_events="ended"), "status_events"),
    (
        "dial-status-events-upper",
        lambda: Dial(source=PHONE, destination=PHONE, status_events=["Ended"]),
        "status_events[0]",
    ),
    ("dial-codecs-dot", lambda: Dial(source=PHONE, destination=PHONE, codecs=["PCMU", "G.711"]), "codecs[1]"),
    ("dial-region-str", lambda: Dial(source=PHONE, destination=PHONE, region="us-east"), "region"),
    ("dial-url-method", lambda: Dial(source=PHONE, destination=PHONE, url_method="PUT"), "url_method"),
    ("dial-sip-password-int", lambda: Dial(source=PHONE, destination=SIP_DEST, sip_password=1234), "sip_password"),
    (
        "dial-sip-username-long",
        lambda: Dial(source=PHONE, destination=SIP_DEST, sip_username="u" * 257),
        "sip_username",
    ),
    (
        "dial-cv-reserved-sw",
        lambda: Dial(source=PHONE, destination=PHONE, custom_variables={"sw_x": "1"}),
        "custom_variables.sw_x",
    ),
    (
        "dial-cv-reserved-case",
        lambda: Dial(source=PHONE, destination=PHONE, custom_variables={"SignalWire_id": "1"}),
        "custom_variables.SignalWire_id",
    ),
    (
        "dial-cv-digit-key",
        lambda: Dial(source=PHONE, destination=PHONE, custom_variables={"1a": "x"}),
        "custom_variables.1a",
    ),
    (
        "dial-cv-dash-key",
        lambda: Dial(source=PHONE, destination=PHONE, custom_variables={"a-b": "x"}),
        "custom_variables.a-b",
    ),
    (
        "dial-cv-int-value",
        lambda: Dial(source=PHONE, destination=PHONE, custom_variables={"a": 1}),
        "custom_variables.a",
    ),
    (
        "dial-cv-empty-value",
        lambda: Dial(source=PHONE, destination=PHONE, custom_variables={"a": ""}),
        "custom_variables.a",
    ),
    (
        "dial-cv-long-value",
        lambda: Dial(source=PHONE, destination=PHONE, custom_variables={"a": "é" * 513}),
        "custom_variables.a",
    ),
    (
        "dial-cv-too-many",
        lambda: Dial(source=PHONE, destination=PHONE, custom_variables={f"v{i}": "x" for i in range(21)}),
        "custom_variables",
    ),
    ("dial-cv-not-object", lambda: Dial(source=PHONE, destination=PHONE, custom_variables=["a"]), "custom_variables"),
    ("dial-cv-int-key", lambda: Dial(source=PHONE, destination=PHONE, custom_variables={1: "a"}), "custom_variables"),
    ("dial-metadata-nan", lambda: Dial(source=PHONE, destination=PHONE, metadata={"a": NAN}), "metadata.a"),
    ("dial-metadata-str", lambda: Dial(source=PHONE, destination=PHONE, metadata="{}"), "metadata"),
    # Reject / Hangup
    ("reject-reason-long", lambda: Reject(reason="r" * 501), "reason"),
    ("reject-cause", lambda: Reject(cause="BOGUS"), "cause"),
    ("hangup-cause-lower", lambda: Hangup(cause="normal_clearing"), "cause"),
    ("hangup-cause-number", lambda: Hangup(cause=16), "cause"),
    ("hangup-cause-list", lambda: Hangup(cause=["NORMAL_CLEARING"]), "cause"),
    # Redirect / Transfer
    ("redirect-neither", lambda: Redirect(), "url"),
    ("redirect-both", lambda: Redirect(url="https://x.example.com/s", swml=SWML), "url"),
    ("redirect-url-http", lambda: Redirect(url="http://x.example.com/s"), "url"),
    (
        "redirect-status-private",
        lambda: Redirect(url="https://x.example.com/s", status_url="https://10.0.0.1/"),
        "status_url",
    ),
    ("transfer-none", lambda: Transfer(), "destination"),
    ("transfer-two", lambda: Transfer(destination=PHONE, swml_url="https://x.example.com/s"), "destination"),
    (
        "transfer-all-three",
        lambda: Transfer(destination=PHONE, swml_url="https://x.example.com/s", swml=SWML),
        "destination",
    ),
    ("transfer-destination-str", lambda: Transfer(destination="+15551234567"), "destination"),
    ("transfer-swml-url-http", lambda: Transfer(swml_url="http://x.example.com/s"), "swml_url"),
    # Refer
    ("refer-tel", lambda: Refer(to="tel:+15551234567"), "to"),
    ("refer-https", lambda: Refer(to="https://example.com/"), "to"),
    ("refer-no-user", lambda: Refer(to="sip:example.com"), "to"),
    ("refer-private", lambda: Refer(to="sip:bob@192.168.1.1"), "to"),
    ("refer-maddr", lambda: Refer(to="sip:bob@example.com;maddr=10.0.0.1"), "to"),
    ("refer-headers", lambda: Refer(to="sip:bob@example.com?Route=%3Csip:10.0.0.1%3E"), "to"),
    ("refer-transport", lambda: Refer(to="sip:bob@example.com;transport=sctp"), "to"),
    ("refer-none", lambda: Refer(to=None), "to"),
    ("refer-int", lambda: Refer(to=5), "to"),
    ("refer-source", lambda: Refer(to="sip:bob@example.com", source="bob"), "source"),
    ("refer-status-url", lambda: Refer(to="sip:bob@example.com", status_url="https://[fe80::1]/"), "status_url"),
    # participants / conference / hold / mute
    ("add-participant-none", lambda: AddParticipant(destination=None), "destination"),
    ("add-participant-role", lambda: AddParticipant(destination=PHONE, role="host"), "role"),
    ("remove-participant-empty", lambda: RemoveParticipant(participant_id=""), "participant_id"),
    ("remove-participant-dash", lambda: RemoveParticipant(participant_id="-abc"), "participant_id"),
    ("remove-participant-space", lambda: RemoveParticipant(participant_id="a b"), "participant_id"),
    ("remove-participant-long", lambda: RemoveParticipant(participant_id="a" * 129), "participant_id"),
    ("join-conference-space", lambda: JoinConference(conference="room 1"), "conference"),
    ("join-conference-none", lambda: JoinConference(conference=None), "conference"),
    ("hold-music-private", lambda: Hold(music_url="https://192.168.0.1/m.mp3"), "music_url"),
    ("hold-music-http", lambda: Hold(music_url="http://media.example.com/m.mp3"), "music_url"),
    ("mute-participant-int", lambda: Mute(participant_id=5), "participant_id"),
    # SendDigits
    ("send-digits-empty", lambda: SendDigits(digits=""), "digits"),
    ("send-digits-letter", lambda: SendDigits(digits="12E"), "digits"),
    ("send-digits-lower", lambda: SendDigits(digits="a"), "digits"),
    ("send-digits-space", lambda: SendDigits(digits="1 2"), "digits"),
    ("send-digits-too-long", lambda: SendDigits(digits="1" * 51), "digits"),
    ("send-digits-int", lambda: SendDigits(digits=123), "digits"),
    ("send-digits-participant", lambda: SendDigits(digits="1", participant_id="a b"), "participant_id"),
    # playback controls
    ("set-volume-low", lambda: SetPlaybackVolume(volume=-41), "volume"),
    ("set-volume-none", lambda: SetPlaybackVolume(volume=None), "volume"),
    ("set-volume-bool", lambda: SetPlaybackVolume(volume=False), "volume"),
    ("seek-negative", lambda: SeekPlayback(position=-1), "position"),
    ("seek-inf", lambda: SeekPlayback(position=INF), "position"),
    # Record
    ("record-format", lambda: Record(format="flac"), "format"),
    ("record-beep-str", lambda: Record(beep="yes"), "beep"),
    ("record-beep-int", lambda: Record(beep=1), "beep"),
    ("record-stereo-none-str", lambda: Record(stereo="false"), "stereo"),
    ("record-max-length-float", lambda: Record(max_length=1.5), "max_length"),
    ("record-max-length-negative", lambda: Record(max_length=-1), "max_length"),
    ("record-initial-timeout-nan", lambda: Record(initial_timeout=NAN), "initial_timeout"),
    ("record-terminators", lambda: Record(terminators="x"), "terminators"),
    ("record-terminators-long", lambda: Record(terminators="#" * 17), "terminators"),
    ("record-sensitivity", lambda: Record(input_sensitivity=101), "input_sensitivity"),
    ("pause-recording-behavior", lambda: PauseRecording(behavior="drop"), "behavior"),
    # DigitCollect / SpeechCollect / Collect
    ("digit-collect-zero", lambda: DigitCollect(max=0), "max"),
    ("digit-collect-too-many", lambda: DigitCollect(max=129), "max"),
    ("digit-collect-bool", lambda: DigitCollect(max=True), "max"),
    ("digit-collect-float", lambda: DigitCollect(max=4.0), "max"),
    ("digit-collect-terminators-not-dtmf", lambda: DigitCollect(max=4, terminators="e"), "terminators"),
    ("digit-collect-timeout-zero", lambda: DigitCollect(max=4, digit_timeout=0), "digit_timeout"),
    ("speech-hints-str", lambda: SpeechCollect(hints="yes"), "hints"),
    ("speech-hints-empty-item", lambda: SpeechCollect(hints=["yes", ""]), "hints[1]"),
    ("speech-hints-int-item", lambda: SpeechCollect(hints=[1]), "hints[0]"),
    ("speech-engine-case", lambda: SpeechCollect(engine="google"), "engine"),
    ("speech-timeout-zero", lambda: SpeechCollect(speech_timeout=0), "speech_timeout"),
    ("speech-language", lambda: SpeechCollect(language="en US"), "language"),
    ("collect-neither", lambda: Collect(), "digits"),
    ("collect-prompt-only", lambda: Collect(prompt=[AUDIO]), "digits"),
    ("collect-digits-dict", lambda: Collect(digits={"max": 4}), "digits"),
    ("collect-speech-wrong-type", lambda: Collect(speech=DigitCollect(max=1)), "speech"),
    ("collect-prompt-empty", lambda: Collect(digits=DigitCollect(max=1), prompt=[]), "prompt"),
    ("collect-prompt-str", lambda: Collect(digits=DigitCollect(max=1), prompt="hello"), "prompt"),
    ("collect-prompt-item", lambda: Collect(digits=DigitCollect(max=1), prompt=[AUDIO, "x"]), "prompt[1]"),
    ("collect-initial-timeout", lambda: Collect(digits=DigitCollect(max=1), initial_timeout=0), "initial_timeout"),
    ("collect-continuous", lambda: Collect(digits=DigitCollect(max=1), continuous="true"), "continuous"),
    # detection
    ("machine-words-float", lambda: MachineDetector(machine_words_threshold=1.5), "machine_words_threshold"),
    ("machine-initial-negative", lambda: MachineDetector(initial_timeout=-1), "initial_timeout"),
    ("machine-interruptions-str", lambda: MachineDetector(detect_interruptions="true"), "detect_interruptions"),
    ("fax-tone-lower", lambda: FaxDetector(tone="cng"), "tone"),
    ("digit-detector-bad", lambda: DigitDetector(digits="12x"), "digits"),
    ("detect-none", lambda: Detect(detector=None), "detector"),
    ("detect-wrong-type", lambda: Detect(detector=Silence(duration=1)), "detector"),
    ("detect-timeout", lambda: Detect(detector=FaxDetector(), timeout=-1), "timeout"),
    # RtpDevice / WsDevice / Tap
    ("rtp-documentation", lambda: RtpDevice(addr="192.0.2.1", port=5004), "addr"),
    ("rtp-documentation-v6", lambda: RtpDevice(addr="2001:db8::1", port=5004), "addr"),
    ("rtp-private", lambda: RtpDevice(addr="10.0.0.1", port=5004), "addr"),
    ("rtp-loopback-v6", lambda: RtpDevice(addr="::1", port=5004), "addr"),
    ("rtp-multicast", lambda: RtpDevice(addr="239.1.1.1", port=5004), "addr"),
    ("rtp-hostname", lambda: RtpDevice(addr="media.example.com", port=5004), "addr"),
    ("rtp-decimal", lambda: RtpDevice(addr="2130706433", port=5004), "addr"),
    ("rtp-short-form", lambda: RtpDevice(addr="8.8", port=5004), "addr"),
    ("rtp-addr-int", lambda: RtpDevice(addr=134744072, port=5004), "addr"),
    ("rtp-port-zero", lambda: RtpDevice(addr="8.8.8.8", port=0), "port"),
    ("rtp-port-too-big", lambda: RtpDevice(addr="8.8.8.8", port=65_536), "port"),
    ("rtp-port-str", lambda: RtpDevice(addr="8.8.8.8", port="5004"), "port"),
    ("rtp-port-bool", lambda: RtpDevice(addr="8.8.8.8", port=True), "port"),
    ("rtp-ptime-step", lambda: RtpDevice(addr="8.8.8.8", port=5004, ptime=15), "ptime"),
    ("rtp-ptime-high", lambda: RtpDevice(addr="8.8.8.8", port=5004, ptime=130), "ptime"),
    ("rtp-ptime-zero", lambda: RtpDevice(addr="8.8.8.8", port=5004, ptime=0), "ptime"),
    ("rtp-codec", lambda: RtpDevice(addr="8.8.8.8", port=5004, codec="G729"), "codec"),
    ("ws-scheme-ws", lambda: WsDevice(uri="ws://stream.example.com/"), "uri"),
    ("ws-scheme-https", lambda: WsDevice(uri="https://stream.example.com/"), "uri"),
    ("ws-localhost", lambda: WsDevice(uri="wss://localhost/"), "uri"),
    ("ws-codec-lower", lambda: WsDevice(uri=WSS, codec="pcmu"), "codec"),
    ("tap-device-none", lambda: Tap(device=None, direction="both"), "device"),
    ("tap-device-audio", lambda: Tap(device=AUDIO, direction="both"), "device"),
    ("tap-direction-none", lambda: Tap(device=WsDevice(uri=WSS), direction=None), "direction"),
    ("tap-direction-unknown", lambda: Tap(device=WsDevice(uri=WSS), direction="sideways"), "direction"),
    # Stream
    ("stream-private", lambda: Stream(url="wss://10.0.0.1/"), "url"),
    ("stream-https", lambda: Stream(url="https://stream.example.com/"), "url"),
    ("stream-codec", lambda: Stream(url=WSS, codec="a b"), "codec"),
    ("stream-track", lambda: Stream(url=WSS, track="both"), "track"),
    ("stream-method", lambda: Stream(url=WSS, status_url_method="PUT"), "status_url_method"),
    ("stream-params-list", lambda: Stream(url=WSS, custom_parameters=[]), "custom_parameters"),
    ("stream-token-long", lambda: Stream(url=WSS, authorization_bearer_token="t" * 4097), "authorization_bearer_token"),
    # LiveStart / LiveInject / LiveTranscribe / LiveTranslate
    ("live-language-empty", lambda: LiveStart(language="", direction=["remote-caller"]), "language"),
    ("live-direction-empty", lambda: LiveStart(language="en-US", direction=[]), "direction"),
    (
        "live-direction-three",
        lambda: LiveStart(language="en-US", direction=["remote-caller", "local-caller", "remote-caller"]),
        "direction",
    ),
    ("live-direction-str", lambda: LiveStart(language="en-US", direction="remote-caller"), "direction"),
    ("live-direction-item", lambda: LiveStart(language="en-US", direction=["remote-caller", "up"]), "direction[1]"),
    ("live-direction-none", lambda: LiveStart(language="en-US", direction=None), "direction"),
    (
        "live-filter-unknown",
        lambda: LiveStart(language="en-US", direction=["remote-caller"], filter_from="nice"),
        "filter_from",
    ),
    (
        "live-filter-empty-prompt",
        lambda: LiveStart(language="en-US", direction=["remote-caller"], filter_to="prompt:"),
        "filter_to",
    ),
    (
        "live-vad-thresh",
        lambda: LiveStart(language="en-US", direction=["remote-caller"], vad_thresh=1801),
        "vad_thresh",
    ),
    (
        "live-debug-level",
        lambda: LiveStart(language="en-US", direction=["remote-caller"], debug_level=3),
        "debug_level",
    ),
    (
        "live-webhook-http",
        lambda: LiveStart(language="en-US", direction=["remote-caller"], webhook="http://hooks.example.com/"),
        "webhook",
    ),
    (
        "live-engine",
        lambda: LiveStart(language="en-US", direction=["remote-caller"], speech_engine="Deepgram"),
        "speech_engine",
    ),
    ("live-inject-direction", lambda: LiveInject(message="hi", direction="both"), "direction"),
    ("live-inject-empty", lambda: LiveInject(message="", direction="remote-caller"), "message"),
    ("live-summarize-webhook", lambda: LiveSummarize(webhook="https://127.0.0.1/"), "webhook"),
    (
        "transcribe-with-to-language",
        lambda: LiveTranscribe(action=LiveStart(language="en", direction=["remote-caller"], to_language="es")),
        "action",
    ),
    ("transcribe-inject", lambda: LiveTranscribe(action=LiveInject(message="hi", direction="remote-caller")), "action"),
    ("transcribe-none", lambda: LiveTranscribe(action=None), "action"),
    ("transcribe-str", lambda: LiveTranscribe(action="start"), "action"),
    (
        "translate-without-to-language",
        lambda: LiveTranslate(action=LiveStart(language="en", direction=["remote-caller"])),
        "action",
    ),
    ("translate-str", lambda: LiveTranslate(action="stop"), "action"),
    ("translate-status-url", lambda: LiveTranslate(action=LiveStop(), status_url="wss://x.example.com/"), "status_url"),
    # AI
    ("ai-hold-timeout-zero", lambda: AiHold(timeout=0), "timeout"),
    ("ai-message-role", lambda: AiMessage(role="bot"), "role"),
    ("ai-message-reset-dict", lambda: AiMessage(reset={"full_reset": True}), "reset"),
    ("ai-message-global-data-key", lambda: AiMessage(global_data={1: "a"}), "global_data"),
    ("ai-reset-full-str", lambda: AiReset(full_reset="yes"), "full_reset"),
    # UserEvent / JSON
    ("user-event-none", lambda: UserEvent(event=None), "event"),
    ("user-event-list", lambda: UserEvent(event=[]), "event"),
    ("user-event-str", lambda: UserEvent(event="{}"), "event"),
    ("user-event-set", lambda: UserEvent(event={"a": {1, 2}}), "event.a"),
    ("user-event-inf", lambda: UserEvent(event={"a": INF}), "event.a"),
    ("user-event-nested-nan", lambda: UserEvent(event={"a": [{"b": NAN}]}), "event.a[0].b"),
    ("user-event-bytes", lambda: UserEvent(event={"a": b"x"}), "event.a"),
    ("user-event-tuple-key", lambda: UserEvent(event={(1, 2): 1}), "event"),
    ("user-event-too-deep", lambda: UserEvent(event=nested(40)), "event" + ".k" * 32),
]


def test_invalid_cases_have_unique_ids() -> None:
    ids = [case[0] for case in INVALID]
    assert len(ids) == len(set(ids))


@pytest.mark.parametrize(("factory", "field"), [pytest.param(f, fld, id=i) for i, f, fld in INVALID])
def test_invalid_field_raises_invalid_value(factory: Callable[[], Any], field: str) -> None:
    with pytest.raises(InvalidValue) as info:
        factory()
    assert info.value.field == field
    assert info.value.reason
    assert str(info.value) == f"{info.value.field}: {info.value.reason}"


def test_invalid_value_is_a_value_error_and_a_callglot_error() -> None:
    assert issubclass(InvalidValue, ValueError)
    assert issubclass(InvalidValue, CallglotError)
    with pytest.raises(ValueError, match="duration"):
        Silence(duration=-1)
    with pytest.raises(CallglotError):
        Silence(duration=-1)


def test_invalid_value_pickles() -> None:
    with pytest.raises(InvalidValue) as info:
        SendDigits(digits="x")
    again = pickle.loads(pickle.dumps(info.value))
    assert type(again) is InvalidValue
    assert (again.field, again.reason, str(again)) == (info.value.field, info.value.reason, str(info.value))


_JUNK = (object(), b"bytes", NAN, 1j, [object()], {"k": object()}, frozenset({1}))


@pytest.mark.parametrize("cls", S.cells(c for c in ATTRS_CLASSES if attrs.fields(c)), ids=lambda cls: cls.__name__)
@given(data=st.data())
def test_any_field_rejects_foreign_values_naming_it(cls: type, data: st.DataObject) -> None:
    value = data.draw(S.STRATEGIES[cls], label="value")
    field = data.draw(st.sampled_from([f.name for f in attrs.fields(cls)]), label="field")
    junk = data.draw(st.sampled_from(_JUNK), label="junk")
    with pytest.raises(InvalidValue) as info:
        attrs.evolve(value, **{field: junk})
    assert names_field(info.value, field), (info.value.field, field)


# ---------------------------------------------------------------- immutability, hashing, keywords


@pytest.mark.parametrize("cls", ATTRS_CLASSES, ids=lambda cls: cls.__name__)
@given(data=st.data())
def test_values_are_frozen(cls: type, data: st.DataObject) -> None:
    value = data.draw(S.STRATEGIES[cls])
    for f in attrs.fields(cls):
        with pytest.raises(attrs.exceptions.FrozenInstanceError):
            setattr(value, f.name, getattr(value, f.name))
        with pytest.raises(attrs.exceptions.FrozenInstanceError):
            delattr(value, f.name)
    with pytest.raises((attrs.exceptions.FrozenInstanceError, AttributeError)):
        value.not_a_field = 1  # type: ignore[attr-defined]


@given(S.commands())
def test_commands_are_hashable_and_equal_copies_hash_equal(command: Any) -> None:
    assert isinstance(hash(command), int)
    twin = attrs.evolve(command)
    assert twin == command
    assert twin is not command
    assert hash(twin) == hash(command)
    for other in (copy.copy(command), copy.deepcopy(command), pickle.loads(pickle.dumps(command))):
        assert other == command
        assert hash(other) == hash(command)
    assert len({command, twin}) == 1


@given(data=st.data())
def test_equal_values_hash_equal(data: st.DataObject) -> None:
    cls = data.draw(st.sampled_from(list(COMMANDS)))
    a = data.draw(S.command_of(cls))
    b = data.draw(S.command_of(cls))
    if a == b:
        assert hash(a) == hash(b)
    assert (a == b) == (fields_of(a) == fields_of(b))


def test_values_of_different_classes_are_not_equal() -> None:
    assert canonical.Answer() != canonical.Cancel()
    assert canonical.StopTap() != canonical.StopStream()
    assert canonical.StopTap(control_id="x") != canonical.StopStream(control_id="x")


@pytest.mark.parametrize("cls", ATTRS_CLASSES, ids=lambda cls: cls.__name__)
def test_keyword_only(cls: type) -> None:
    with pytest.raises(TypeError):
        cls(object())


def test_keyword_only_examples() -> None:
    with pytest.raises(TypeError):
        Audio("https://media.example.com/a.mp3")  # type: ignore[misc]
    with pytest.raises(TypeError):
        SendDigits("123")  # type: ignore[misc]
    with pytest.raises(TypeError):
        Hangup("NORMAL_CLEARING")  # type: ignore[misc]
    with pytest.raises(TypeError):
        canonical.Answer(1)  # type: ignore[call-arg]


def test_required_fields_are_required() -> None:
    with pytest.raises(TypeError):
        Audio()  # type: ignore[call-arg]
    with pytest.raises(TypeError):
        Dial(destination=PHONE)  # type: ignore[call-arg]
    with pytest.raises(TypeError):
        Tap(device=WsDevice(uri=WSS))  # type: ignore[call-arg]


def test_optional_fields_default_to_none() -> None:
    for cls in ATTRS_CLASSES:
        for f in attrs.fields(cls):
            if f.default is not attrs.NOTHING:
                assert f.default is None, f"{cls.__name__}.{f.name}"


def test_commands_are_slotted_frozen_attrs_classes() -> None:
    for cls in COMMANDS:
        assert attrs.has(cls)
        assert "__slots__" in cls.__dict__, cls
        assert cls.__hash__ is not None
        assert cls.__hash__ is not object.__hash__


# ---------------------------------------------------------------- lists become tuples, enums from strings


def test_lists_become_tuples() -> None:
    play = Play(media=[AUDIO, Silence(duration=1)])
    assert play.media == (AUDIO, Silence(duration=1))
    assert type(play.media) is tuple
    assert play == Play(media=(AUDIO, Silence(duration=1)))
    assert hash(play) == hash(Play(media=(AUDIO, Silence(duration=1))))

    collect = Collect(digits=DigitCollect(max=4), prompt=[Tts(text="Enter your PIN")])
    assert type(collect.prompt) is tuple

    speech = SpeechCollect(hints=["yes", "no"])
    assert speech.hints == ("yes", "no")

    dial = Dial(source=PHONE, destination=PHONE, codecs=["PCMU", "OPUS"], region=["us-east"], status_events=["ended"])
    assert (dial.codecs, dial.region, dial.status_events) == (("PCMU", "OPUS"), ("us-east",), ("ended",))

    live = LiveStart(language="en-US", direction=["remote-caller", "local-caller"])
    assert live.direction == (LiveDirection.REMOTE_CALLER, LiveDirection.LOCAL_CALLER)
    assert all(type(d) is LiveDirection for d in live.direction)

    event = UserEvent(event={"items": [1, [2, {"x": [3]}]]})
    assert event.event["items"] == (1, (2, FrozenJson({"x": (3,)})))
    assert type(event.event["items"][1][1]) is FrozenJson
    hash(event)


def test_empty_tuples_are_kept_where_allowed() -> None:
    assert SpeechCollect(hints=[]).hints == ()
    assert Record(terminators="").terminators == ""
    assert DigitCollect(max=1, terminators="").terminators == ""
    assert DigitDetector(digits="").digits == ""


ENUM_STRINGS: list[tuple[Callable[[Any], Any], str, Any]] = [
    (lambda v: Tap(device=WsDevice(uri=WSS), direction=v), "direction", Direction.BOTH),
    (lambda v: Tap(device=WsDevice(uri=WSS), direction=v), "direction", Direction.LISTEN),
    (lambda v: Play(media=[AUDIO], direction=v), "direction", Direction.SPEAK),
    (lambda v: Play(media=[AUDIO], gender=v), "gender", Gender.FEMALE),
    (lambda v: Tts(text="hi", gender=v), "gender", Gender.MALE),
    (lambda v: Hangup(cause=v), "cause", HangupCause.USER_BUSY),
    (lambda v: Reject(cause=v), "cause", HangupCause.CALL_REJECTED),
    (lambda v: canonical.Destination(address="sip:a@example.com", channel=v), "channel", Channel.WEBRTC),
    (lambda v: canonical.Destination(address="alice", channel=v), "channel", Channel.WEBRTC),
    (lambda v: canonical.Destination(address="+15551234567", channel=v), "channel", Channel.WHATSAPP),
    (lambda v: Record(format=v), "format", RecordingFormat.WAV),
    (lambda v: Record(direction=v), "direction", Direction.BOTH),
    (lambda v: PauseRecording(behavior=v), "behavior", PauseBehavior.SILENCE),
    (lambda v: AddParticipant(destination=PHONE, role=v), "role", ParticipantRole.OBSERVER),
    (lambda v: RtpDevice(addr="8.8.8.8", port=5004, codec=v), "codec", Codec.PCMU),
    (lambda v: WsDevice(uri=WSS, codec=v), "codec", Codec.OPUS),
    (lambda v: Dial(source=PHONE, destination=PHONE, url_method=v), "url_method", HttpMethod.GET),
    (lambda v: SpeechCollect(engine=v), "engine", SpeechEngine.GOOGLE_V2),
    (lambda v: FaxDetector(tone=v), "tone", FaxTone.CED),
    (lambda v: Stream(url=WSS, track=v), "track", StreamTrack.BOTH),
    (lambda v: Stream(url=WSS, status_url_method=v), "status_url_method", HttpMethod.POST),
    (lambda v: LiveInject(message="hi", direction=v), "direction", LiveDirection.LOCAL_CALLER),
    (
        lambda v: LiveStart(language="en", direction=["remote-caller"], speech_engine=v),
        "speech_engine",
        LiveSpeechEngine.DEEPGRAM,
    ),
    (lambda v: AiMessage(role=v), "role", canonical.AiRole.ASSISTANT),
]


@pytest.mark.parametrize(("factory", "field", "member"), ENUM_STRINGS, ids=lambda x: x if isinstance(x, str) else None)
def test_enum_fields_accept_their_string_values(factory: Callable[[Any], Any], field: str, member: Any) -> None:
    from_string = factory(member.value)
    from_member = factory(member)
    got = getattr(from_string, field)
    assert got is member
    assert type(got) is type(member)
    assert from_string == from_member
    assert hash(from_string) == hash(from_member)


def test_tap_direction_from_string() -> None:
    assert Tap(device=WsDevice(uri=WSS), direction="both").direction is Direction.BOTH


def test_enum_of_another_kind_is_rejected() -> None:
    with pytest.raises(InvalidValue) as info:
        Tap(device=WsDevice(uri=WSS), direction=Gender.MALE)
    assert info.value.field == "direction"
    with pytest.raises(InvalidValue):
        LiveInject(message="hi", direction=Direction.BOTH)


# ---------------------------------------------------------------- normalisation


def test_urls_are_normalised() -> None:
    assert Audio(url="HTTPS://Media.Example.COM/A.mp3").url == "https://media.example.com/A.mp3"
    assert Audio(url="https://bücher.example/a.mp3").url == "https://xn--bcher-kva.example/a.mp3"
    assert Stream(url="WSS://Stream.Example.com:8443/x?a=B").url == "wss://stream.example.com:8443/x?a=B"
    assert Audio(url="HTTPS://Media.Example.COM/a") == Audio(url="https://media.example.com/a")


def test_sip_addresses_are_normalised() -> None:
    dest = canonical.Destination(address="SIP:alice@Example.COM;transport=tls")
    assert dest.address == "sip:alice@example.com;transport=tls"
    assert Refer(to="SIPS:Bob@Example.com").to == "sips:Bob@example.com"


def test_rtp_addresses_are_normalised() -> None:
    assert RtpDevice(addr="2606:4700:4700:0:0:0:0:1111", port=5004).addr == "2606:4700:4700::1111"
    assert RtpDevice(addr="[2606:4700:4700::1111]", port=5004).addr == "2606:4700:4700::1111"


def test_destination_channel_inference() -> None:
    assert canonical.Destination(address="+15551234567").channel is None
    assert canonical.Destination(address="client:alice").address == "client:alice"
    assert canonical.Destination(address="user@example.com").address == "user@example.com"


# ---------------------------------------------------------------- secrets


@given(data=st.data(), secret=st.text(st.sampled_from("abcdefXYZ0123456789-_"), max_size=12))
def test_secrets_never_appear_in_repr(data: st.DataObject, secret: str) -> None:
    cls = data.draw(st.sampled_from(list(SECRETS)))
    value = attrs.evolve(data.draw(S.command_of(cls)), **{SECRETS[cls]: SENTINEL + secret})
    assert getattr(value, SECRETS[cls]) == SENTINEL + secret
    for text in (repr(value), str(value), repr([value]), repr({"k": value}), repr(attrs.evolve(value))):
        assert SENTINEL not in text


@pytest.mark.parametrize(
    ("factory", "field"),
    [
        (lambda s: Dial(source=PHONE, destination=SIP_DEST, sip_password=s), "sip_password"),
        (lambda s: Refer(to="sip:bob@example.com", password=s), "password"),
        (lambda s: Stream(url=WSS, authorization_bearer_token=s), "authorization_bearer_token"),
    ],
    ids=["dial", "refer", "stream"],
)
@pytest.mark.parametrize("bad", ["\x00", "\n", "x" * 5000], ids=["nul", "newline", "too-long"])
def test_invalid_secrets_are_not_echoed(factory: Callable[[str], Any], field: str, bad: str) -> None:
    with pytest.raises(InvalidValue) as info:
        factory(SENTINEL + bad)
    assert info.value.field == field
    assert SENTINEL not in str(info.value)
    assert SENTINEL not in repr(info.value)


def test_every_secret_like_field_is_hidden_from_repr() -> None:
    for cls in ATTRS_CLASSES:
        for f in attrs.fields(cls):
            if re.search(r"password|token|secret", f.name):
                assert f.repr is False, f"{cls.__name__}.{f.name} would reach repr"
    assert {(cls, name) for cls, name in SECRETS.items()} <= {
        (cls, f.name) for cls in COMMANDS for f in attrs.fields(cls) if f.repr is False
    }


# ---------------------------------------------------------------- FrozenJson


def test_frozen_json_is_immutable() -> None:
    fj = freeze_json({"a": 1, "b": {"c": [1, 2]}})
    with pytest.raises(TypeError):
        fj["a"] = 2  # type: ignore[index]
    with pytest.raises(TypeError):
        del fj["a"]  # type: ignore[attr-defined]
    with pytest.raises(AttributeError):
        fj.update({"a": 2})  # type: ignore[attr-defined]
    with pytest.raises(AttributeError):
        fj.anything = 1  # type: ignore[attr-defined]
    assert type(fj["b"]) is FrozenJson
    assert fj["b"]["c"] == (1, 2)


def test_frozen_json_is_hashable_and_equal_to_the_plain_dict() -> None:
    plain = {"a": 1, "b": "x", "c": None, "d": True, "e": 1.5, "f": {"g": "h"}}
    fj = freeze_json(plain)
    assert fj == plain
    assert plain == fj
    assert fj == freeze_json(dict(reversed(list(plain.items()))))
    assert hash(fj) == hash(freeze_json(plain))
    assert fj != {"a": 2}
    assert fj != "not a mapping"
    assert len({fj, freeze_json(plain)}) == 1
    assert dict(fj) == {**plain, "f": FrozenJson({"g": "h"})}
    assert list(fj) == list(plain)
    assert len(fj) == len(plain)
    assert "a" in fj
    assert "z" not in fj
    assert fj.get("z") is None
    assert thaw_json(fj) == plain
    assert type(thaw_json(fj)["f"]) is dict


@given(S.json_objects(frozen=False))
def test_freeze_thaw_round_trip(plain: dict[str, Any]) -> None:
    fj = freeze_json(plain)
    assert thaw_json(fj) == plain
    assert freeze_json(fj) is fj
    assert freeze_json(thaw_json(fj)) == fj
    assert hash(freeze_json(plain)) == hash(fj)
    assert pickle.loads(pickle.dumps(fj)) == fj


def test_freeze_json_rejects_non_json() -> None:
    cases: list[tuple[Any, str]] = [
        ({"a": NAN}, "value.a"),
        ({"a": INF}, "value.a"),
        ({"a": -INF}, "value.a"),
        ({"a": [1, {"b": NAN}]}, "value.a[1].b"),
        ({1: "a"}, "value"),
        ({None: "a"}, "value"),
        ({"a": {2: "b"}}, "value.a"),
        ({"a": {1, 2}}, "value.a"),
        ({"a": b"bytes"}, "value.a"),
        ({"a": object()}, "value.a"),
        ({"a": Direction.BOTH}, "value.a"),  # a str subclass is not a JSON string
        ({"a": 1j}, "value.a"),
        ([1, 2], "value"),
        ("{}", "value"),
        (None, "value"),
    ]
    for bad, path in cases:
        with pytest.raises(InvalidValue) as info:
            freeze_json(bad)
        assert info.value.field == path, (bad, info.value.field)
    with pytest.raises(InvalidValue) as info:
        freeze_json({"a": NAN}, "metadata")
    assert info.value.field == "metadata.a"


def test_freeze_json_depth_limit() -> None:
    assert freeze_json(nested(32)) == nested(32)
    for depth in (33, 34, 100, 10_000):
        with pytest.raises(InvalidValue, match="nesting deeper than 32"):
            freeze_json(nested(depth))
    deep_list: Any = []
    for _ in range(40):
        deep_list = [deep_list]
    with pytest.raises(InvalidValue):
        freeze_json({"a": deep_list})


def test_freeze_json_rejects_cycles_without_recursion_error() -> None:
    cyclic: dict[str, Any] = {}
    cyclic["self"] = cyclic
    with pytest.raises(InvalidValue):
        freeze_json(cyclic)
    looped: list[Any] = []
    looped.append(looped)
    with pytest.raises(InvalidValue):
        freeze_json({"a": looped})


def test_json_fields_are_frozen_and_compare_with_plain_dicts() -> None:
    event = UserEvent(event={"name": "x", "data": {"n": 1}})
    assert type(event.event) is FrozenJson
    assert event.event == {"name": "x", "data": {"n": 1}}
    assert event == UserEvent(event=freeze_json({"name": "x", "data": {"n": 1}}))
    dial = Dial(source=PHONE, destination_script=SWML)
    assert type(dial.destination_script) is FrozenJson
    assert (
        Dial(source=PHONE, destination_script="https://x.example.com/s").destination_script == "https://x.example.com/s"
    )


# ---------------------------------------------------------------- the command table


def test_commands_match_design_table() -> None:
    assert len(DESIGN_COMMANDS) == 52
    assert len(set(DESIGN_COMMANDS)) == 52
    assert tuple(cls.__name__ for cls in COMMANDS) == DESIGN_COMMANDS
    for name in DESIGN_COMMANDS:
        assert getattr(canonical, name) in COMMANDS


def _snake(name: str) -> str:
    out = []
    for i, ch in enumerate(name):
        if ch.isupper() and i:
            out.append("_")
        out.append(ch.lower())
    return "".join(out)


def test_tags_are_snake_case_names() -> None:
    assert set(TAGS) == set(COMMANDS)
    for cls, tag in TAGS.items():
        assert tag == _snake(cls.__name__)
        assert re.fullmatch(r"[a-z]+(_[a-z]+)*", tag)
        assert BY_TAG[tag] is cls
    assert len(BY_TAG) == 52
    assert TAGS[canonical.StopPlayback] == "stop_playback"
    assert TAGS[canonical.ReturnToDialplan] == "return_to_dialplan"
    assert TAGS[canonical.AiHold] == "ai_hold"
    assert TAGS[canonical.SendToVoicemail] == "send_to_voicemail"
    assert TAGS[canonical.StopFaxReceive] == "stop_fax_receive"


def test_strategies_cover_commands() -> None:
    missing = [cls.__name__ for cls in COMMANDS if cls not in S.STRATEGIES]
    assert not missing


# ---------------------------------------------------------------- regressions (bugs found and fixed)


@pytest.mark.parametrize(
    "factory",
    [
        lambda: Silence(duration=10**5000),
        lambda: Dial(source=PHONE, destination=PHONE, timeout=10**5000),
        lambda: SetPlaybackVolume(volume=-(10**5000)),
    ],
    ids=["silence", "dial-timeout", "volume-negative"],
)
def test_huge_integers_raise_invalid_value(factory: Callable[[], Any]) -> None:
    with pytest.raises(InvalidValue):
        factory()


def test_custom_variable_with_lone_surrogate_raises_invalid_value() -> None:
    with pytest.raises(InvalidValue) as info:
        Dial(source=PHONE, destination=PHONE, custom_variables={"a": "\ud800"})
    assert info.value.field == "custom_variables.a"


@pytest.mark.parametrize(
    "script",
    ["https://10.0.0.1/swml", "https://127.0.0.1/swml", "http://hooks.example.com/swml", "https://169.254.169.254/"],
)
def test_destination_script_url_passes_the_url_policy(script: str) -> None:
    with pytest.raises(InvalidValue) as info:
        Dial(source=PHONE, destination_script=script)
    assert info.value.field == "destination_script"


@pytest.mark.parametrize("script", ["", "\x00"], ids=["empty", "nul"])
def test_destination_script_string_is_validated(script: str) -> None:
    with pytest.raises(InvalidValue):
        Dial(source=PHONE, destination_script=script)


def test_identity_starting_with_sips_is_not_taken_for_a_sip_uri() -> None:
    assert canonical.Destination(address="sipsmith", channel="webrtc").address == "sipsmith"
    assert canonical.Destination(address="sipsmith").address == "sipsmith"


@pytest.mark.parametrize(
    "inner",
    [{"a": [1]}, {"a": {"b": 1}}, {"a": NAN}, {1: "a"}],
    ids=["list", "dict", "nan", "int-key"],
)
def test_json_fields_do_not_trust_unfrozen_frozen_json(inner: dict[Any, Any]) -> None:
    try:
        event = UserEvent(event=FrozenJson(inner))
    except InvalidValue:
        return
    hash(event)
    assert thaw_json(event.event) == inner
    assert all(type(k) is str for k in event.event)
    assert not any(isinstance(v, float) and math.isnan(v) for v in event.event.values())


def test_frozen_json_with_lists_equals_the_plain_dict() -> None:
    assert freeze_json({"a": [1, 2]}) == {"a": [1, 2]}
    assert UserEvent(event={"a": [1]}).event == {"a": [1]}


def test_frozen_json_distinguishes_true_from_one() -> None:
    assert UserEvent(event={"a": True}) != UserEvent(event={"a": 1})
    assert freeze_json({"a": [False]}) != freeze_json({"a": [0]})


def test_unpickled_frozen_json_hash_matches_in_another_process(tmp_path: Path) -> None:
    root = Path(__file__).resolve().parent.parent
    env = {**os.environ, "PYTHONPATH": str(root) + os.pathsep + os.environ.get("PYTHONPATH", "")}
    blob = tmp_path / "fj.pickle"
    dump = (
        "import pickle, sys\n"
        "from callglot.canonical import freeze_json\n"
        "fj = freeze_json({'name': 'value', 'other': 'text'})\n"
        "hash(fj)\n"
        f"open({str(blob)!r}, 'wb').write(pickle.dumps(fj))\n"
    )
    load = (
        "import pickle\n"
        "from callglot.canonical import freeze_json\n"
        f"fj = pickle.loads(open({str(blob)!r}, 'rb').read())\n"
        "fresh = freeze_json({'name': 'value', 'other': 'text'})\n"
        "print(fj == fresh, hash(fj) == hash(fresh), fresh in {fj})\n"
    )
    subprocess.run([sys.executable, "-c", dump], check=True, env={**env, "PYTHONHASHSEED": "1"})
    out = subprocess.run(
        [sys.executable, "-c", load], check=True, env={**env, "PYTHONHASHSEED": "2"}, capture_output=True, text=True
    ).stdout.split()
    assert out == ["True", "True", "True"]


@pytest.mark.parametrize(
    ("key", "path"),
    [("\n", 'event["\\n"]'), ("a b", 'event["a b"]'), ("a.b", 'event["a.b"]'), ("x" * 70, f'event["{"x" * 64}..."]')],
)
def test_a_free_form_key_that_would_break_the_path_is_quoted(key: str, path: str) -> None:
    """Error messages stay one line and the path stays readable, whatever keys a free-form object has."""
    with pytest.raises(InvalidValue) as info:
        canonical.UserEvent(event={key: float("inf")})
    assert info.value.field == path
    assert "\n" not in str(info.value)
