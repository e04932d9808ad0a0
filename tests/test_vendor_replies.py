"""What vendors send back, for every dialect (issue 11 §5).

- Any non-2xx reply is a ProviderError with its status, ``Retry-After`` and whatever body it had:
  a reply that is not the dialect's error form (a load balancer's text or HTML page, an empty body,
  JSON of another shape) keeps its body in ``details["body"]`` and is sent back as it came.
- ``encode_response(receipt, command=...)``: the caller says which command a receipt answers.
"""

from __future__ import annotations

import copy
import json
from typing import Any

import attrs
import pytest
from event_strategies import event_of, provider_errors
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from strategies import any_json, json_values

import callglot
from callglot import HttpResponse
from callglot.adapters._base import MAX_ERROR_TEXT, _locate
from callglot.canonical import Dial, Hangup, Play, StopPlayback
from callglot.canonical import events as ev
from callglot.canonical.events import ProviderError, Receipt, ReceiptStatus
from callglot.capabilities import Action, Policy, Support
from callglot.schemas import validator_for

DIALECTS = callglot.dialects()
CALL = "3fa85f64-5717-4562-b3fc-2c963f66afa6"


def decode_error(name: str, reply: HttpResponse) -> ProviderError:
    with pytest.raises(ProviderError) as caught:
        callglot.get_dialect(name).decode_response(reply)
    return caught.value


# ---------------------------------------------------------------- any non-2xx reply is a ProviderError

HTML = "<!DOCTYPE html>\n<html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>\n"


@pytest.mark.parametrize("name", DIALECTS)
@pytest.mark.parametrize(
    ("reply", "message", "kept"),
    [
        (HttpResponse(status=401, body=None), "Unauthorized", None),
        (HttpResponse(status=401, body=""), "Unauthorized", {"body": ""}),
        (
            HttpResponse(status=429, body="Too Many Requests", headers={"Retry-After": "30"}),
            "Too Many Requests",
            {"body": "Too Many Requests"},
        ),
        (HttpResponse(status=502, body=HTML), "Bad Gateway", {"body": HTML}),
        (HttpResponse(status=503, body={"message": "upstream down"}), "Service Unavailable", None),
        (HttpResponse(status=599, body=[1, 2]), "unrecognised error response", {"body": [1, 2]}),
    ],
    ids=["401-empty", "401-blank", "429-text", "502-html", "503-other-json", "599-array"],
)
def test_an_error_reply_in_no_dialect_form_keeps_status_retry_after_and_body(
    name: str, reply: HttpResponse, message: str, kept: Any
) -> None:
    error = decode_error(name, reply)
    assert error.status == reply.status
    assert error.retry_after == (30.0 if "Retry-After" in reply.headers else None)
    assert error.message == message
    assert (error.code, error.kind, error.parameter) == (None, None, None)
    if isinstance(reply.body, dict):
        assert error.details == {"body": reply.body}
    else:
        assert error.details == kept


@pytest.mark.parametrize("name", DIALECTS)
def test_a_long_text_body_is_truncated(name: str) -> None:
    error = decode_error(name, HttpResponse(status=500, body="x" * (MAX_ERROR_TEXT * 3)))
    assert error.details == {"body": "x" * MAX_ERROR_TEXT}


@pytest.mark.parametrize("name", DIALECTS)
def test_a_bytes_body_is_read_as_text(name: str) -> None:
    error = decode_error(name, HttpResponse(status=502, body=b"Bad \xffGateway"))
    assert error.details == {"body": "Bad \ufffdGateway"}


@pytest.mark.parametrize("name", DIALECTS)
@pytest.mark.parametrize(
    "reply",
    [
        HttpResponse(status=429, body="Too Many Requests", headers={"Retry-After": "30"}),
        HttpResponse(status=502, body=HTML),
        HttpResponse(status=503, body={"message": "upstream down", "n": [1, {"a": None}]}),
        HttpResponse(status=302, body=None),
        HttpResponse(status=304, body=None, headers={"Retry-After": "5"}),
    ],
    ids=["429-text", "502-html", "503-json", "302-empty", "304-retry"],
)
def test_an_unrecognised_error_is_sent_back_as_it_came(name: str, reply: HttpResponse) -> None:
    dialect = callglot.get_dialect(name)
    error = decode_error(name, reply)
    out = dialect.encode_response(error, policy=Policy.STRICT)
    assert out.value == reply
    assert dict(out.value.headers) == dict(reply.headers)
    assert out.report == ()


@pytest.mark.parametrize("source", DIALECTS)
@pytest.mark.parametrize("target", DIALECTS)
def test_an_unrecognised_error_crosses_dialects_unchanged(source: str, target: str) -> None:
    reply = HttpResponse(status=502, body=HTML, headers={"Retry-After": "7"})
    error = decode_error(source, reply)
    out = callglot.get_dialect(target).encode_response(error)
    assert out.value == reply
    assert decode_error(target, out.value) == error


def _error_bodies(name: str) -> st.SearchStrategy[Any]:
    """Bodies in ``name``'s own error form (its encoder's output), and anything else."""
    dialect = callglot.get_dialect(name)

    def encoded(error: ProviderError) -> Any:
        try:
            return dialect.encode_response(error, policy=Policy.LENIENT).value.body
        except callglot.EncodeError:
            return None

    return st.one_of(
        st.none(),
        st.text(max_size=60),
        st.binary(max_size=30),
        any_json(),
        provider_errors().map(encoded),
    )


@pytest.mark.parametrize("name", DIALECTS)
@settings(suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(
    data=st.data(),
    status=st.integers(300, 599),
    retry=st.none() | st.integers(0, 10**9),
)
def test_every_non_2xx_reply_is_a_provider_error(
    name: str, data: st.DataObject, status: int, retry: int | None
) -> None:
    body = data.draw(_error_bodies(name))
    headers = {} if retry is None else {"Retry-After": str(retry)}
    reply = HttpResponse(status=status, body=body, headers=headers)
    error = decode_error(name, reply)
    assert error.status == status
    if retry is not None:  # (without the header, the canonical form may carry a fraction in its body)
        assert error.retry_after == retry
    if type(body) is str:  # text is never a dialect's error form: kept, cut to the limit
        assert error.details == {"body": body[:MAX_ERROR_TEXT]} or "\\u" in error.details["body"]


@pytest.mark.parametrize("name", DIALECTS)
@pytest.mark.parametrize("status", [200, 201, 202, 204])
@pytest.mark.parametrize("body", [None, "OK", [1], {"unexpected": "shape"}])
def test_a_2xx_that_is_not_a_receipt_stays_a_decode_error(name: str, status: int, body: Any) -> None:
    with pytest.raises(callglot.InvalidMessage) as caught:
        callglot.get_dialect(name).decode_response(HttpResponse(status=status, body=body))
    assert caught.value.path.startswith("$")


# ---------------------------------------------------------------- encode_response(receipt, command=...)


def _signalwire_receipt() -> Receipt:
    return callglot.get_dialect("signalwire").decode_response(
        HttpResponse(status=200, body={"id": CALL, "status": "answered"})
    )


@pytest.mark.parametrize("command", [Play, StopPlayback(), Hangup], ids=["class", "instance", "hangup"])
def test_chirp_encodes_a_receipt_from_signalwire_when_told_the_command(command: Any) -> None:
    receipt = _signalwire_receipt()
    chirp = callglot.get_dialect("chirp")
    assert receipt.command is None
    with pytest.raises(callglot.UnsupportedField) as caught:  # even LENIENT cannot make the command up
        chirp.encode_response(receipt, policy=Policy.LENIENT)
    assert caught.value.field == "command"
    out = chirp.encode_response(receipt, policy=Policy.LENIENT, command=command)
    wire = {Play: "play_audio", StopPlayback: "stop_audio", Hangup: "hangup"}
    expected = wire[command if isinstance(command, type) else type(command)]
    assert out.value.body == {"callId": CALL, "command": expected, "status": "accepted"}
    assert [a.field for a in out.report] == ["call"]  # the leg: Chirp's receipt has none (the command is not lost)


def test_a_strict_receipt_without_a_command_is_encoded_when_told() -> None:
    receipt = Receipt(status=ReceiptStatus.ACCEPTED, call_id="call_1")
    out = callglot.get_dialect("chirp").encode_response(receipt, command=Play)
    assert out.value.body == {"callId": "call_1", "command": "play_audio", "status": "accepted"}
    assert out.report == ()


def test_chirp_answers_a_dial_with_the_call_object_when_told() -> None:
    out = callglot.get_dialect("chirp").encode_response(_signalwire_receipt(), policy=Policy.LENIENT, command=Dial)
    assert out.value.body == {"id": CALL}
    assert [a.field for a in out.report] == ["call.state"]  # answered is not a Chirp call status


def test_a_receipt_naming_its_command_is_encoded_as_before() -> None:
    receipt = Receipt(status=ReceiptStatus.ACCEPTED, call_id="call_1", command="play")
    chirp = callglot.get_dialect("chirp")
    assert chirp.encode_response(receipt, command=Play) == chirp.encode_response(receipt)


def test_a_receipt_naming_another_command_is_refused() -> None:
    receipt = Receipt(status=ReceiptStatus.ACCEPTED, call_id="call_1", command="hangup")
    with pytest.raises(callglot.InvalidValue) as caught:
        callglot.get_dialect("chirp").encode_response(receipt, command=Play)
    assert caught.value.field == "command"


@pytest.mark.parametrize("name", DIALECTS)
def test_every_dialect_takes_the_command(name: str) -> None:
    """The proxy passes the command it translated, whatever the target: dialects that need no name ignore it."""
    receipt = Receipt(status=ReceiptStatus.IN_PROGRESS, call_id="call_1", operation_id="op-1", timeout=2.0)
    dialect = callglot.get_dialect(name)
    with_command = dialect.encode_response(receipt, policy=Policy.LENIENT, command=Play)
    if name == "chirp":
        assert with_command.value.body["command"] == "play_audio"
    else:
        assert with_command == dialect.encode_response(receipt, policy=Policy.LENIENT)


@pytest.mark.parametrize("command", ["play", object(), Receipt])
def test_command_must_be_a_canonical_command(command: Any) -> None:
    receipt = Receipt(status=ReceiptStatus.ACCEPTED, call_id="call_1")
    with pytest.raises(TypeError):
        callglot.get_dialect("chirp").encode_response(receipt, command=command)


# ---------------------------------------------------------------- the ids that route and match an event are required

SW_OPERATIONS = {
    "calling.call.play": {"state": "finished"},
    "calling.call.record": {"state": "finished"},
    "calling.call.collect": {"result": {"type": "no_input"}},
    "calling.call.detect": {"detect": {"type": "machine", "params": {"event": "HUMAN"}}},
    "calling.call.tap": {"state": "finished"},
    "calling.call.stream": {"state": "finished"},
    "calling.call.transcribe": {"state": "finished"},
}
SW_CALL_EVENTS = {
    "calling.call.state": {"call_state": "ended"},
    "calling.transcript.completed": {"id": "t-1"},
    "calling.transcript.failed": {"id": "t-1"},
    "calling.call.refer": {"state": "finished"},
}


def _sw_hook(event_type: str, params: dict[str, Any]) -> callglot.HttpRequest:
    return callglot.HttpRequest(method="POST", path="/hooks", body={"event_type": event_type, "params": params})


def _missing(event_type: str, params: dict[str, Any], field: str) -> None:
    body = {key: value for key, value in params.items() if key != field}
    request = _sw_hook(event_type, body)
    with pytest.raises(callglot.InvalidMessage) as caught:
        callglot.get_dialect("signalwire").decode_event(request)
    assert caught.value.path == f"$.params.{field}"
    assert "required" in caught.value.reason
    assert not validator_for("signalwire.events").is_valid(request.body), "the schema agrees"


@pytest.mark.parametrize("event_type", sorted(SW_OPERATIONS))
@pytest.mark.parametrize("field", ["call_id", "control_id"])
def test_a_signalwire_operation_event_needs_its_call_and_control_id(event_type: str, field: str) -> None:
    params = {"control_id": "op-1", "call_id": CALL, **SW_OPERATIONS[event_type]}
    callglot.get_dialect("signalwire").decode_event(_sw_hook(event_type, params))  # complete: accepted
    _missing(event_type, params, field)


@pytest.mark.parametrize("event_type", sorted(SW_CALL_EVENTS))
def test_every_signalwire_event_needs_its_call_id(event_type: str) -> None:
    params = {"call_id": CALL, **SW_CALL_EVENTS[event_type]}
    callglot.get_dialect("signalwire").decode_event(_sw_hook(event_type, params))
    _missing(event_type, params, "call_id")


@pytest.mark.parametrize(
    "event",
    [
        ev.PlaybackEvent(call_id=CALL, state="finished"),
        ev.TapEvent(call_id=CALL, state="started"),
        ev.TranscriptionEvent(call_id=CALL, state="started"),
        ev.CallStateChanged(state="ended"),
        ev.ReferEvent(control_id="r", state="x"),
    ],
    ids=lambda e: type(e).__name__,
)
def test_signalwire_sends_no_event_it_would_refuse(event: Any) -> None:
    """What decoding refuses, encoding cannot make up, under either policy (a proxy fills the ids it knows)."""
    for policy in Policy:
        with pytest.raises(callglot.UnsupportedField) as caught:
            callglot.get_dialect("signalwire").encode_event(event, policy=policy)
        assert caught.value.field in ("call_id", "control_id")


# ---------------------------------------------------------------- unknown fields from a vendor are kept

NEW_KEY = "added_by_the_vendor_later"
#: Free-form JSON fields: a key inside one is data, not an unknown field.
FREE_FORM = frozenset({"metadata", "detail", "origin"})
#: Free-form objects of one dialect: SignalWire's dial event keeps the answered leg (params.call) verbatim.
FREE_FORM_PATHS = {"signalwire": frozenset({"$.params.call"})}
#: A call id every dialect accepts (a UUID: SignalWire's form).
ANY_CALL = "3fa85f64-5717-4562-b3fc-2c963f66afa6"


def event_cells() -> list[tuple[str, type]]:
    cells = [
        (name, cls)
        for name in DIALECTS
        for cls in ev.EVENTS
        if callglot.get_dialect(name).event_capabilities[cls].support is not Support.UNSUPPORTED
    ]
    assert cells
    return cells


def object_paths(value: Any, path: str = "$", free: frozenset[str] = frozenset()) -> list[str]:
    """The JSON paths of the objects in ``value`` (outside free-form fields and ``free``), as decoders name them."""
    out: list[str] = []
    if path in free:
        return out
    if isinstance(value, dict):
        out.append(path)
        for key, item in value.items():
            if key not in FREE_FORM:
                out.extend(object_paths(item, f"{path}.{key}", free))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            out.extend(object_paths(item, f"{path}[{index}]", free))
    return out


def webhook_in(name: str, cls: type, data: st.DataObject) -> dict[str, Any]:
    """A valid webhook body of ``name`` for an event of ``cls`` (its normal form)."""
    dialect = callglot.get_dialect(name)
    event = data.draw(event_of(cls))
    event = attrs.evolve(event, call_id=ANY_CALL, control_id=event.control_id or "op-1", origin=None)
    optional = {f.name for f in attrs.fields(cls) if f.default is None}
    for _ in range(len(optional) + 1):
        try:
            sent = dialect.encode_event(event, policy=Policy.LENIENT)
            break
        except callglot.UnsupportedField as exc:  # a loss no policy can drop: leave the field out if it may be
            assume(exc.field in optional and getattr(event, exc.field) is not None)
            event = attrs.evolve(event, **{exc.field: None})
    else:
        assume(False)
    body: dict[str, Any] = dialect.encode_event(dialect.decode_event(sent.value)).value.body
    return body


@pytest.mark.parametrize(("name", "cls"), event_cells(), ids=lambda v: getattr(v, "__name__", str(v)))
@settings(suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much, HealthCheck.data_too_large])
@given(data=st.data(), value=json_values(2))
def test_an_unknown_field_at_any_level_of_a_webhook_is_kept(
    name: str, cls: type, data: st.DataObject, value: Any
) -> None:
    dialect = callglot.get_dialect(name)
    body = webhook_in(name, cls, data)
    where = data.draw(st.sampled_from(object_paths(body, free=FREE_FORM_PATHS.get(name, frozenset()))))
    mutated = copy.deepcopy(body)
    _locate(mutated, where)[NEW_KEY] = value

    event = dialect.decode_event(callglot.HttpRequest(method="POST", path="/", body=mutated))
    assert event.origin["unknown"][name][where] == {NEW_KEY: value}
    errors = [f"{e.json_path}: {e.message}" for e in validator_for(f"{name}.events").iter_errors(mutated)]
    assert not errors, errors[:2]  # the published schema agrees
    again = dialect.encode_event(event)  # the same dialect: given back where it was, nothing reported
    assert again.value.body == mutated
    assert again.report == ()

    for target in DIALECTS:
        if target == name or callglot.get_dialect(target).event_capabilities[cls].support is Support.UNSUPPORTED:
            continue
        request = callglot.HttpRequest(method="POST", path="/", body=mutated)
        try:
            there = callglot.translate_event(request, source=name, target=target, policy=Policy.LENIENT)
        except callglot.UnsupportedField:
            continue  # a loss of the event itself that no policy can drop
        if target == "canonical":  # the lossless intermediate keeps it, for the way back
            assert there.value.body["origin"]["unknown"][name][where] == {NEW_KEY: value}
        else:
            assert any(a.field == "origin" and a.action is Action.DROPPED for a in there.report)
            assert NEW_KEY not in json.dumps(there.value.body)
        try:
            strict = callglot.translate_event(request, source=name, target=target, policy=Policy.STRICT)
        except callglot.UnsupportedField as exc:
            assert exc.field != "origin"  # never refused for the unknown field: reported, like origin
        else:
            if target != "canonical":
                assert any(a.field == "origin" and a.action is Action.DROPPED for a in strict.report)


@pytest.mark.parametrize(("name", "cls"), event_cells(), ids=lambda v: getattr(v, "__name__", str(v)))
@settings(max_examples=10, suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
@given(data=st.data())
def test_unknown_fields_keep_the_order_they_came_in(name: str, cls: type, data: st.DataObject) -> None:
    # Twelve keys in a drawn order: a set's order (which varies with the hash seed) matches it by luck
    # once in 12! draws. The same dialect gives the body back byte for byte.
    dialect = callglot.get_dialect(name)
    body = webhook_in(name, cls, data)
    where = data.draw(st.sampled_from(object_paths(body, free=FREE_FORM_PATHS.get(name, frozenset()))))
    keys = [f"{NEW_KEY}_{index}" for index in data.draw(st.permutations(range(12)))]
    mutated = copy.deepcopy(body)
    _locate(mutated, where).update(dict.fromkeys(keys, 1))

    event = dialect.decode_event(callglot.HttpRequest(method="POST", path="/", body=mutated))
    assert list(event.origin["unknown"][name][where]) == keys
    assert json.dumps(dialect.encode_event(event).value.body) == json.dumps(mutated)


@pytest.mark.parametrize("name", DIALECTS)
@settings(suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(data=st.data(), value=json_values(2))
def test_an_unknown_field_at_any_level_of_a_receipt_is_kept(name: str, data: st.DataObject, value: Any) -> None:
    dialect = callglot.get_dialect(name)
    receipt = Receipt(
        status=ReceiptStatus.IN_PROGRESS if name == "gateway" else ReceiptStatus.ACCEPTED,
        call_id=None if name == "gateway" else ANY_CALL,
        command="play" if name in ("chirp", "canonical") else None,
        operation_id="op-1" if name == "gateway" else None,
        timeout=2.0 if name == "gateway" else None,
        call=None,
    )
    if name == "signalwire":
        receipt = attrs.evolve(receipt, call=data.draw(st.sampled_from([None, ev.CallLeg(id=ANY_CALL, state="ended")])))
    reply = dialect.encode_response(receipt, policy=Policy.LENIENT).value
    where = data.draw(st.sampled_from(object_paths(reply.body)))
    mutated = copy.deepcopy(reply.body)
    _locate(mutated, where)[NEW_KEY] = value
    decoded = dialect.decode_response(HttpResponse(status=reply.status, body=mutated))
    assert decoded.origin["unknown"][name][where] == {NEW_KEY: value}
    again = dialect.encode_response(decoded)
    assert again.value.body == mutated
    assert again.report == ()
    for target in DIALECTS:
        if target != name:
            try:
                out = callglot.get_dialect(target).encode_response(decoded, policy=Policy.LENIENT, command=Play)
            except callglot.UnsupportedField:
                continue  # a loss of the receipt itself that no policy can drop (the gateway's names no call)
            if target == "canonical":
                assert out.value.body["origin"]["unknown"][name][where] == {NEW_KEY: value}
            else:
                assert any(a.field == "origin" and a.action is Action.DROPPED for a in out.report)
                assert NEW_KEY not in json.dumps(out.value.body)


# The fields the issue names: Chirp's call object, the gateway's event data.
ISSUE_EXAMPLES = [
    (
        "chirp",
        {
            "event": "calls.completed",
            "eventId": "evt_1",
            "timestamp": "2026-04-13T12:00:00.000Z",
            "data": {"call": {"id": "call_1", "status": "completed", "duration": 42, "endReason": "hangup"}},
        },
        "$.data.call",
    ),
    (
        "gateway",
        {
            "event": "recording.completed",
            "session_uuid": "s-1",
            "data": {"url": "https://r.example.com/1.wav", "duration": 5, "error": None},
        },
        "$.data",
    ),
    ("gateway", {"event": "call.hangup", "session_uuid": "s-1", "cause": "NORMAL_CLEARING", "duration": 5}, "$"),
]


@pytest.mark.parametrize(("name", "body", "where"), ISSUE_EXAMPLES)
def test_the_fields_vendors_added_are_kept_not_refused(name: str, body: dict[str, Any], where: str) -> None:
    dialect = callglot.get_dialect(name)
    event = dialect.decode_event(callglot.HttpRequest(method="POST", path="/", body=body))
    assert set(event.origin["unknown"][name]) == {where}
    if where != "$":  # (the flat form is sent back in the normal form, the envelope)
        assert dialect.encode_event(event).value.body == body


@pytest.mark.parametrize(
    ("name", "path", "body"),
    [
        ("chirp", "/v1/calls/call_1/commands", {"type": "hangup", "reason": "done"}),
        ("gateway", "/api/v1/sessions/s-1/commands/hangup", {"cause": "NORMAL_CLEARING", "later": 1}),
        ("signalwire", "/api/calling/calls", {"command": "calling.end", "id": ANY_CALL, "params": {"x": 1}}),
        ("canonical", "/v1/calls/call_1/commands", {"command": "hangup", "later": 1}),
    ],
)
def test_commands_stay_strict(name: str, path: str, body: dict[str, Any]) -> None:
    with pytest.raises(callglot.InvalidMessage) as caught:
        callglot.get_dialect(name).decode(callglot.HttpRequest(method="POST", path=path, body=body))
    assert "unexpected" in caught.value.reason


def test_a_known_field_in_the_wrong_place_is_still_refused() -> None:
    body = {"event": "calls.answered", "data": {"call": {"id": "call_1"}, "recording": {"id": "r"}}}
    with pytest.raises(callglot.InvalidMessage):
        callglot.get_dialect("chirp").decode_event(callglot.HttpRequest(method="POST", path="/", body=body))


ERRORS_WITH_ADDED_FIELDS = [
    ("chirp", 400, {"error": {"type": "api_error", "message": "x", "request_id": "r-1"}}, "$.error"),
    (
        "chirp",
        424,
        {"error": {"type": "provider_error", "message": "x", "provider": {"source": "meta", "code": 1, "message": "m",
                                                                           "more": 1}}},
        "$.error.provider",
    ),
    ("chirp", 429, {"error": "Rate limit exceeded.", "retry_in": 30}, "$"),
    ("gateway", 409, {"success": False, "error": "x", "code": "E1"}, "$"),
    (
        "signalwire",
        422,
        {"errors": [{"type": "validation_error", "code": "c", "message": "m", "attribute": None,
                     "url": "https://x.example.com", "hint": "h"}], "request_id": "r-1"},
        "$",
    ),
    ("canonical", 409, {"error": {"message": "x", "code": "busy", "trace": "t"}}, "$.error"),
]  # fmt: skip


@pytest.mark.parametrize(("name", "status", "body", "where"), ERRORS_WITH_ADDED_FIELDS)
def test_an_error_reply_with_added_fields_keeps_its_own_and_the_added(
    name: str, status: int, body: dict[str, Any], where: str
) -> None:
    reply = HttpResponse(status=status, body=body)
    error = decode_error(name, reply)
    assert error.message != callglot.adapters._base.error_phrase(status)  # the vendor's error form was read
    assert where in error.details["unknown"][name]
    assert callglot.get_dialect(name).encode_response(error).value.body == body  # given back where they were
    for target in DIALECTS:
        if target == name:
            continue
        out = callglot.get_dialect(target).encode_response(error, policy=Policy.LENIENT)
        if target == "canonical":  # the lossless intermediate keeps them
            assert out.value.body["error"]["details"]["unknown"][name] == error.details["unknown"][name]
        else:
            assert ("details", Action.DROPPED) in {(a.field, a.action) for a in out.report}
            assert "unknown" not in json.dumps(out.value.body)


MALFORMED_UNKNOWN = [
    (None, "origin.unknown"),
    ({}, "origin.unknown"),
    ([], "origin.unknown"),
    ({"chirp": None}, "origin.unknown.chirp"),
    ({"chirp": {}}, "origin.unknown.chirp"),
    ({"chirp": {"data.call": {"x": 1}}}, "origin.unknown.chirp"),  # a path must start at $
    ({"chirp": {"$.data": {}}}, "origin.unknown.chirp"),
    ({"chirp": {"$.data": 1}}, "origin.unknown.chirp"),
    ({"a b": {"$": []}}, 'origin.unknown["a b"]'),
]


@pytest.mark.parametrize(("unknown", "field"), MALFORMED_UNKNOWN)
def test_a_reserved_unknown_key_of_another_shape_is_refused_where_the_value_is_made(unknown: Any, field: str) -> None:
    # Encoders put origin["unknown"] back by path and decoders set it aside again: any other shape
    # would change in a round trip with nothing to report (canonical dropped {"unknown": null} silently).
    with pytest.raises(callglot.InvalidValue) as caught:
        ev.TapEvent(state="started", origin={"app": "a1", "unknown": unknown})
    assert caught.value.field == field
    with pytest.raises(callglot.InvalidValue) as caught:
        Receipt(status=ReceiptStatus.ACCEPTED, origin={"unknown": unknown})
    assert caught.value.field == field
    with pytest.raises(callglot.InvalidValue) as caught:
        ProviderError(400, "bad", details={"unknown": unknown})
    assert caught.value.field == field.replace("origin", "details", 1)
    body = {"event": "tap", "state": "started", "origin": {"unknown": unknown}}
    with pytest.raises(callglot.InvalidMessage) as refused:
        callglot.get_dialect("canonical").decode_event(callglot.HttpRequest(method="POST", path="/", body=body))
    assert refused.value.path == "$." + field
    assert not validator_for("canonical.events").is_valid(body), "the schema agrees"


@given(data=st.data())
def test_another_dialects_unknown_fields_of_the_right_shape_round_trip_through_canonical(data: st.DataObject) -> None:
    from event_strategies import unknown_fields

    unknown = data.draw(unknown_fields())
    event = ev.TapEvent(state="started", origin={"unknown": unknown})
    canonical = callglot.get_dialect("canonical")
    out = canonical.encode_event(event, policy=Policy.STRICT)
    assert out.report == ()
    assert validator_for("canonical.events").is_valid(out.value.body)
    assert canonical.decode_event(out.value) == event
