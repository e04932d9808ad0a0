"""callglot.transport with httpx.MockTransport: auth per dialect, the retry matrix, errors, secrets, logs.

Every client here runs on a fake clock whose sleep advances it, and a fixed random source, so the
waits the retry policy chooses are asserted exactly and no test sleeps.
"""

from __future__ import annotations

import base64
import copy
import json
import logging
import os
import pickle
import traceback
from collections.abc import Callable
from typing import Any

import anyio
import httpx
import pytest
from scripted_vendor import Vendor

import callglot
from callglot import Policy, ProviderError, UnsupportedCommand, UnsupportedField
from callglot.canonical import Audio, Destination, Dial, Hangup, Play
from callglot.canonical.events import CallLeg, Receipt, ReceiptStatus
from callglot.errors import InvalidValue
from callglot.transport import (
    DEFAULT_TIMEOUT,
    AsyncClient,
    BearerAuth,
    ChirpAuth,
    Client,
    GatewayAuth,
    RateLimit,
    Retry,
    Sent,
    SignalWireAuth,
    TransportError,
    to_http_response,
)

SENTINEL = "S3NT1NEL-2f9c1e"  # every credential in this file contains it

CALL_IDS = {
    "canonical": "call_x1",
    "chirp": "call_test_2bWzHx1dfK9Rj3zYVqPcLmN0aTe",
    "gateway": "acW68-f47ac10b-58cc-4372-a567-0e02b2c3d479",
    "signalwire": "3fa85f64-5717-4562-b3fc-2c963f66afa6",
}
NEW_CALL = {
    "canonical": "call_new1",
    "chirp": "call_test_9xWzHx1dfK9Rj3zYVqPcLmN0aTe",
    "signalwire": "9fa85f64-5717-4562-b3fc-2c963f66afa7",
}
BASE = "https://vendor.example.com"
DIALECTS = ("canonical", "chirp", "gateway", "signalwire")
#: Dialects whose every command carries an idempotency key (gateway command_uid, canonical command_id).
KEYED = ("canonical", "gateway")
UNKEYED = ("chirp", "signalwire")


def auth_for(dialect: str) -> httpx.Auth:
    if dialect == "gateway":
        return GatewayAuth("app_1", f"key-{SENTINEL}")
    if dialect == "signalwire":
        return SignalWireAuth(project_id="proj-1", token=f"PT{SENTINEL}")
    return ChirpAuth(f"sk_test_app_{SENTINEL}") if dialect == "chirp" else BearerAuth(f"tok-{SENTINEL}")


class FakeTime:
    """A clock that only moves when slept on."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.sleeps: list[float] = []

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds

    async def async_sleep(self, seconds: float) -> None:
        self.sleep(seconds)


def receipt_for(dialect: str) -> Receipt:
    call_id = CALL_IDS[dialect]
    if dialect == "signalwire":
        return Receipt(status=ReceiptStatus.ACCEPTED, call_id=call_id, call=CallLeg(id=call_id))
    if dialect == "gateway":
        return Receipt(status=ReceiptStatus.IN_PROGRESS, operation_id="op-1", timeout=2.0)
    return Receipt(status=ReceiptStatus.ACCEPTED, call_id=call_id, command="hangup")


def wire(dialect: str, result: Receipt | ProviderError, headers: dict[str, str] | None = None) -> httpx.Response:
    """The vendor's own HTTP answer for ``result``, written by callglot's encoder for that dialect."""
    answer = callglot.get_dialect(dialect).encode_response(result, policy=Policy.LENIENT).value
    return httpx.Response(answer.status, json=answer.body, headers={**answer.headers, **(headers or {})})


def ok(dialect: str) -> httpx.Response:
    return wire(dialect, receipt_for(dialect))


def refusal(dialect: str, status: int, headers: dict[str, str] | None = None) -> httpx.Response:
    return wire(dialect, ProviderError(status, "no"), headers)


def run_send(
    mode: str,
    dialect: str,
    vendor: Vendor,
    command: Any = None,
    *,
    time: FakeTime | None = None,
    client_options: dict[str, Any] | None = None,
    random: Callable[[], float] = lambda: 0.5,
    **send_options: Any,
) -> Sent:
    """Send one command with a sync or async client over ``vendor``; the fake clock drives every wait."""
    time = time or FakeTime()
    command = Hangup() if command is None else command
    if "call_id" not in send_options and not isinstance(command, Dial):
        send_options["call_id"] = CALL_IDS[dialect]
    options: dict[str, Any] = {"base_url": BASE, "auth": auth_for(dialect), "clock": time.clock, "random": random}
    options.update(client_options or {})
    transport = httpx.MockTransport(vendor)
    if mode == "sync":
        with Client(dialect, http_client=httpx.Client(transport=transport), sleep=time.sleep, **options) as client:
            return client.send(command, **send_options)

    async def main() -> Sent:
        http = httpx.AsyncClient(transport=transport)
        async with AsyncClient(dialect, http_client=http, sleep=time.async_sleep, **options) as client:
            return await client.send(command, **send_options)

    return anyio.run(main)


MODES = pytest.mark.parametrize("mode", ["sync", "async"])


# ---------------------------------------------------------------- auth, receipts, defaults


@MODES
@pytest.mark.parametrize("dialect", DIALECTS)
def test_each_dialect_sends_its_auth_headers_and_decodes_its_receipt(mode: str, dialect: str) -> None:
    vendor = Vendor(ok(dialect))
    sent = run_send(mode, dialect, vendor)
    assert sent.receipt == callglot.get_dialect(dialect).decode_response(to_http_response(ok(dialect)))
    assert sent.attempts == 1
    assert sent.status == ok(dialect).status_code
    (request,) = vendor.requests
    expected = callglot.get_dialect(dialect).encode(Hangup(), call_id=CALL_IDS[dialect], command_id=sent.command_id)
    assert request.url == BASE + expected.value.path
    assert json.loads(request.content) == expected.value.body
    assert request.headers["content-type"] == "application/json"
    headers = {
        "canonical": {"authorization": f"Bearer tok-{SENTINEL}"},
        "chirp": {"authorization": f"Bearer sk_test_app_{SENTINEL}"},
        "gateway": {"x-app-id": "app_1", "x-api-key": f"key-{SENTINEL}"},
        "signalwire": {"authorization": "Basic " + base64.b64encode(f"proj-1:PT{SENTINEL}".encode()).decode()},
    }[dialect]
    for name, value in headers.items():
        assert request.headers[name] == value
    if dialect != "gateway":
        assert "x-api-key" not in request.headers
    else:
        assert "authorization" not in request.headers


@MODES
@pytest.mark.parametrize("dialect", ["canonical", "chirp", "signalwire"])
def test_dial_receipt_carries_the_new_call_id(mode: str, dialect: str) -> None:
    new = NEW_CALL[dialect]
    leg = CallLeg(id=new)
    result = Receipt(status=ReceiptStatus.ACCEPTED, call_id=new, command="dial", call=leg)
    dial = Dial(
        source=Destination(address="+15551234567"),
        destination=Destination(address="+15557654321"),
        swml_url="https://app.example.com/swml" if dialect == "signalwire" else None,
    )
    vendor = Vendor(wire(dialect, result))
    sent = run_send(mode, dialect, vendor, dial)
    assert sent.receipt.call_id == new
    assert vendor.requests[0].url.path == callglot.get_dialect(dialect).encode(dial).value.path


def test_chirp_has_a_default_base_url_and_the_others_ask_for_theirs() -> None:
    assert Client("chirp").base_url == "https://api.buildwithchirp.com"
    with pytest.raises(ValueError, match=r"https://\{space\}\.signalwire\.com"):
        Client("signalwire", auth=auth_for("signalwire"))
    for dialect in ("gateway", "canonical"):
        with pytest.raises(ValueError, match="needs base_url"):
            Client(dialect)


@pytest.mark.parametrize(
    "url",
    [
        "https://user:pw@h.example.com",
        "https://h.example.com/?api_key=x",
        "https://h.example.com/#f",
        "ftp://h.example.com",
        "/relative",
    ],
)
def test_base_url_never_carries_credentials_and_is_absolute(url: str) -> None:
    with pytest.raises(ValueError, match="base_url"):
        Client("chirp", base_url=url)


def test_base_url_keeps_its_path_prefix() -> None:
    vendor = Vendor(ok("chirp"))
    run_send("sync", "chirp", vendor, client_options={"base_url": "http://127.0.0.1:8080/prefix/"})
    assert str(vendor.requests[0].url) == f"http://127.0.0.1:8080/prefix/v1/calls/{CALL_IDS['chirp']}/commands"


def test_each_call_gets_its_own_url_and_the_parsed_urls_kept_stay_bounded() -> None:
    import callglot.transport._client as client_module

    seen: list[str] = []

    def vendor(request: httpx.Request) -> httpx.Response:
        seen.append(str(request.url))
        return httpx.Response(
            200, json={"callId": request.url.path.split("/")[3], "command": "hangup", "status": "accepted"}
        )

    count = client_module._MAX_URLS + 5
    with Client(
        "chirp", base_url=BASE, auth=auth_for("chirp"), http_client=httpx.Client(transport=httpx.MockTransport(vendor))
    ) as client:
        for _ in range(2):  # the second round from the parsed URLs kept (those the bound left)
            for n in range(count):
                client.send(Hangup(), call_id=f"call_{n}")
        kept = len(client._core._urls)
    assert seen == [f"{BASE.rstrip('/')}/v1/calls/call_{n}/commands" for _ in range(2) for n in range(count)]
    assert 0 < kept <= client_module._MAX_URLS


def test_another_vendors_credentials_are_refused() -> None:
    with pytest.raises(TypeError, match="chirp takes BearerAuth, not GatewayAuth"):
        Client("chirp", auth=auth_for("gateway"))
    with pytest.raises(TypeError, match="signalwire takes SignalWireAuth"):
        Client("signalwire", base_url=BASE, auth=auth_for("chirp"))
    Client("canonical", base_url=BASE, auth=auth_for("chirp"))  # a Chirp key is a bearer token too


def test_timeouts_by_default_and_configurable() -> None:
    vendor = Vendor(ok("chirp"), ok("chirp"))
    run_send("sync", "chirp", vendor)
    assert vendor.requests[0].extensions["timeout"] == {"connect": 5.0, "read": 15.0, "write": 15.0, "pool": 15.0}
    assert DEFAULT_TIMEOUT.connect == 5.0
    run_send("sync", "chirp", vendor, client_options={"timeout": httpx.Timeout(2.0, connect=1.0)})
    assert vendor.requests[1].extensions["timeout"] == {"connect": 1.0, "read": 2.0, "write": 2.0, "pool": 2.0}


# ---------------------------------------------------------------- errors


@MODES
@pytest.mark.parametrize("dialect", DIALECTS)
def test_a_refusal_is_the_dialects_provider_error_with_the_attempt_count(mode: str, dialect: str) -> None:
    answer = wire(
        dialect, ProviderError(404, "no such call", code="not_found" if dialect in ("canonical", "chirp") else None)
    )
    with pytest.raises(ProviderError) as caught:
        run_send(mode, dialect, Vendor(answer))
    assert caught.value.status == 404
    assert caught.value.message == "no such call"
    assert caught.value.attempts == 1


@MODES
def test_encode_errors_are_raised_before_anything_is_sent(mode: str) -> None:
    vendor = Vendor()
    with pytest.raises(UnsupportedField, match="command_id"):
        run_send(mode, "chirp", vendor, command_id="abc")
    dial = Dial(source=Destination(address="+15551234567"), destination=Destination(address="+15557654321"))
    with pytest.raises(UnsupportedCommand):
        run_send(mode, "gateway", vendor, dial, call_id=None)
    with pytest.raises(InvalidValue, match="call_id"):
        run_send(mode, "chirp", vendor, call_id="../x")
    assert vendor.requests == []


@MODES
def test_lenient_sends_report_what_was_adapted(mode: str) -> None:
    vendor = Vendor(ok("chirp"))
    sent = run_send(mode, "chirp", vendor, command_id="abc", policy=Policy.LENIENT)
    assert [(a.field, a.action.value) for a in sent.report] == [("command_id", "dropped")]
    assert sent.command_id is None
    assert "abc" not in vendor.requests[0].content.decode()


# ---------------------------------------------------------------- the retry matrix

#: Failures raised by httpx before the request left: always retried.
NOT_SENT = [httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout]
#: Failures after the request may have been received: retried only with an idempotency key.
MAYBE_RECEIVED = [httpx.ReadTimeout, httpx.WriteTimeout, httpx.ReadError, httpx.RemoteProtocolError]


@MODES
@pytest.mark.parametrize("dialect", DIALECTS)
@pytest.mark.parametrize("error", NOT_SENT)
def test_failures_before_sending_are_retried_for_every_dialect(mode: str, dialect: str, error: type) -> None:
    time = FakeTime()
    vendor = Vendor(error, error, ok(dialect))
    sent = run_send(mode, dialect, vendor, time=time)
    assert sent.attempts == 3
    assert time.sleeps == [0.25, 0.5]  # full jitter at random()=0.5 of 0.5 s, then 1 s


@MODES
@pytest.mark.parametrize("dialect", KEYED)
@pytest.mark.parametrize("error", MAYBE_RECEIVED)
def test_failures_after_sending_are_retried_with_an_idempotency_key(mode: str, dialect: str, error: type) -> None:
    vendor = Vendor(error, ok(dialect))
    assert run_send(mode, dialect, vendor).attempts == 2


@MODES
@pytest.mark.parametrize("dialect", UNKEYED)
@pytest.mark.parametrize("error", MAYBE_RECEIVED)
def test_failures_after_sending_are_never_retried_without_one(mode: str, dialect: str, error: type) -> None:
    vendor = Vendor(error, ok(dialect))
    with pytest.raises(TransportError) as caught:
        run_send(mode, dialect, vendor)
    assert caught.value.may_have_reached is True
    assert caught.value.attempts == 1
    assert len(vendor.requests) == 1
    assert error.__name__ in str(caught.value)


@MODES
@pytest.mark.parametrize("dialect", DIALECTS)
@pytest.mark.parametrize("status", [429, 503])
def test_try_later_statuses_are_retried_for_every_dialect(mode: str, dialect: str, status: int) -> None:
    time = FakeTime()
    vendor = Vendor(refusal(dialect, status, {"Retry-After": "2"}), ok(dialect))
    sent = run_send(mode, dialect, vendor, time=time)
    assert (sent.attempts, time.sleeps) == (2, [2.0])


@MODES
@pytest.mark.parametrize("dialect", KEYED)
@pytest.mark.parametrize("status", [500, 502, 504])
def test_other_5xx_are_retried_with_an_idempotency_key(mode: str, dialect: str, status: int) -> None:
    vendor = Vendor(refusal(dialect, status), ok(dialect))
    assert run_send(mode, dialect, vendor).attempts == 2


@MODES
@pytest.mark.parametrize("dialect", UNKEYED)
@pytest.mark.parametrize("status", [500, 502, 504])
def test_other_5xx_are_never_retried_without_one(mode: str, dialect: str, status: int) -> None:
    vendor = Vendor(refusal(dialect, status), ok(dialect))
    with pytest.raises(ProviderError) as caught:
        run_send(mode, dialect, vendor)
    assert (caught.value.status, caught.value.attempts, len(vendor.requests)) == (status, 1, 1)


@MODES
@pytest.mark.parametrize("dialect", DIALECTS)
@pytest.mark.parametrize("status", [400, 401, 403, 404, 409, 422])
def test_client_errors_are_never_retried(mode: str, dialect: str, status: int) -> None:
    vendor = Vendor(refusal(dialect, status), ok(dialect))
    with pytest.raises(ProviderError) as caught:
        run_send(mode, dialect, vendor)
    assert (caught.value.status, caught.value.attempts, len(vendor.requests)) == (status, 1, 1)


@MODES
@pytest.mark.parametrize("dialect", KEYED)
def test_the_same_idempotency_key_rides_on_every_attempt(mode: str, dialect: str) -> None:
    vendor = Vendor(httpx.ConnectError, httpx.ReadTimeout, refusal(dialect, 502), ok(dialect))
    sent = run_send(mode, dialect, vendor)
    key = "command_uid" if dialect == "gateway" else "command_id"
    keys = [body[key] for body in vendor.bodies()]
    assert sent.attempts == 4
    assert keys == [sent.command_id] * 4
    assert len(sent.command_id or "") == 36  # a UUID, generated once for the send
    again = Vendor(ok(dialect))
    assert run_send(mode, dialect, again).command_id != sent.command_id  # one key per logical command


@MODES
def test_a_key_the_caller_gives_is_the_one_sent(mode: str) -> None:
    vendor = Vendor(httpx.ReadTimeout, ok("gateway"))
    sent = run_send(mode, "gateway", vendor, command_id="my-key.1")
    assert [body["command_uid"] for body in vendor.bodies()] == ["my-key.1", "my-key.1"]
    assert sent.command_id == "my-key.1"


@MODES
def test_a_generated_control_id_is_the_same_on_every_attempt(mode: str) -> None:
    vendor = Vendor(httpx.ConnectError, ok("signalwire"))
    run_send(mode, "signalwire", vendor, Play(media=(Audio(url="https://cdn.example.com/a.mp3"),)))
    first, second = (body["params"]["control_id"] for body in vendor.bodies())
    assert first == second


@MODES
def test_attempts_are_bounded_and_the_last_error_says_the_request_never_left(mode: str) -> None:
    time = FakeTime()
    vendor = Vendor(*[httpx.ConnectError] * 5)
    with pytest.raises(TransportError) as caught:
        run_send(mode, "chirp", vendor, time=time, client_options={"retry": Retry(attempts=5, deadline=100)})
    assert (caught.value.attempts, caught.value.may_have_reached) == (5, False)
    assert "did not reach the vendor" in str(caught.value)
    assert time.sleeps == [0.25, 0.5, 1.0, 2.0]


def test_backoff_is_full_jitter_up_to_its_ceiling() -> None:
    draws = iter([1.0, 0.0, 1.0, 1.0, 1.0])
    time = FakeTime()
    policy = Retry(attempts=6, deadline=100, backoff=1.0, backoff_max=3.0)
    vendor = Vendor(*[httpx.ConnectError] * 5, ok("chirp"))
    run_send("sync", "chirp", vendor, time=time, random=lambda: next(draws), client_options={"retry": policy})
    assert time.sleeps == [1.0, 0.0, 3.0, 3.0, 3.0]  # uniform in [0, min(3, 1 * 2**(n-1))]


def test_no_retry_means_one_attempt() -> None:
    vendor = Vendor(httpx.ConnectError, ok("chirp"))
    with pytest.raises(TransportError):
        run_send("sync", "chirp", vendor, client_options={"retry": None})
    assert len(vendor.requests) == 1


# ---------------------------------------------------------------- Retry-After, cap, deadline

DATE = "Sun, 06 Dec 2026 18:00:00 GMT"


@pytest.mark.parametrize(
    ("retry_after", "expected"),
    [
        ("3", 3.0),
        ("0", 0.0),
        ("Sun, 06 Dec 2026 18:00:07 GMT", 7.0),  # an HTTP-date, measured from the Date header
        ("Sun, 06 Dec 2026 17:00:00 GMT", 0.0),  # in the past
        ("soon", 0.25),  # garbage: the backoff's own wait
        ("-1", 0.25),
    ],
)
@MODES
def test_retry_after_forms(mode: str, retry_after: str, expected: float) -> None:
    time = FakeTime()
    vendor = Vendor(refusal("chirp", 429, {"Retry-After": retry_after, "Date": DATE}), ok("chirp"))
    run_send(mode, "chirp", vendor, time=time)
    assert time.sleeps == [expected]


@MODES
def test_a_retry_after_over_the_cap_gives_up_at_once_with_the_hint(mode: str) -> None:
    time = FakeTime()
    vendor = Vendor(refusal("chirp", 429, {"Retry-After": "31"}), ok("chirp"))
    with pytest.raises(ProviderError) as caught:
        run_send(mode, "chirp", vendor, time=time, client_options={"retry": Retry(retry_after_cap=30, deadline=100)})
    assert (caught.value.status, caught.value.retry_after, caught.value.attempts) == (429, 31.0, 1)
    assert time.sleeps == []
    at_cap = Vendor(refusal("chirp", 429, {"Retry-After": "30"}), ok("chirp"))
    run_send(mode, "chirp", at_cap, time=time, client_options={"retry": Retry(retry_after_cap=30, deadline=100)})
    assert time.sleeps == [30.0]


@MODES
def test_no_wait_crosses_the_deadline(mode: str) -> None:
    time = FakeTime()
    vendor = Vendor(*[refusal("gateway", 503, {"Retry-After": "4"})] * 3, ok("gateway"))
    with pytest.raises(ProviderError) as caught:
        run_send(mode, "gateway", vendor, time=time, client_options={"retry": Retry(attempts=10, deadline=10)})
    assert time.sleeps == [4.0, 4.0]  # a third wait would end at 12 s, past the 10 s deadline
    assert (caught.value.status, caught.value.attempts) == (503, 3)


def test_time_spent_waiting_for_answers_counts_against_the_deadline() -> None:
    time = FakeTime()

    def slow() -> httpx.Response:
        time.now += 9.0  # the vendor took 9 s to say "try later"
        return refusal("chirp", 503)

    vendor = Vendor(slow, slow, ok("chirp"))
    with pytest.raises(ProviderError) as caught:
        run_send("sync", "chirp", vendor, time=time, client_options={"retry": Retry(deadline=10)})
    assert time.sleeps == [0.25]  # 9 s + 0.25 s is within 10 s; after the second 9 s answer no wait fits
    assert caught.value.attempts == 2


# ---------------------------------------------------------------- non-JSON replies


@pytest.mark.parametrize("dialect", DIALECTS)
def test_a_text_429_is_a_provider_error_with_its_retry_after(dialect: str) -> None:
    answer = httpx.Response(429, text="Too Many Requests", headers={"Retry-After": "120"})
    with pytest.raises(ProviderError) as caught:
        run_send("sync", dialect, Vendor(answer))
    assert (caught.value.status, caught.value.retry_after, caught.value.attempts) == (429, 120.0, 1)


@pytest.mark.parametrize("dialect", DIALECTS)
def test_an_html_or_empty_5xx_is_a_provider_error(dialect: str) -> None:
    html = httpx.Response(502, html="<html><body>Bad Gateway</body></html>")
    empty = httpx.Response(500)
    for answer in (html, empty):
        with pytest.raises(ProviderError) as caught:
            run_send("sync", dialect, Vendor(answer, answer, answer, answer, answer), client_options={"retry": None})
        assert caught.value.status == answer.status_code


@pytest.mark.parametrize("dialect", DIALECTS)
def test_text_try_later_replies_are_still_retried(dialect: str) -> None:
    time = FakeTime()
    vendor = Vendor(httpx.Response(503, text="Service Unavailable", headers={"Retry-After": "1"}), ok(dialect))
    assert run_send("sync", dialect, vendor, time=time).attempts == 2
    assert time.sleeps == [1.0]


def test_to_http_response_parses_json_and_keeps_text() -> None:
    assert to_http_response(httpx.Response(200, json={"a": 1})).body == {"a": 1}
    assert to_http_response(
        httpx.Response(200, content=b'{"a":1}', headers={"content-type": "application/problem+json"})
    ).body == {"a": 1}
    assert to_http_response(httpx.Response(429, text="Too Many Requests")).body == "Too Many Requests"
    assert (
        to_http_response(httpx.Response(502, content=b"{oops", headers={"content-type": "application/json"})).body
        == "{oops"
    )
    empty = to_http_response(httpx.Response(500, headers={"Retry-After": "5"}))
    assert (empty.status, empty.body, empty.headers["retry-after"]) == (500, None, "5")


# ---------------------------------------------------------------- rate limit


def test_the_rate_limit_spaces_attempts_in_a_sliding_window() -> None:
    time = FakeTime()
    vendor = Vendor(*[ok("chirp")] * 5)
    transport = httpx.MockTransport(vendor)
    limit = RateLimit(2, per=10.0)
    with Client(
        "chirp", auth=auth_for("chirp"), http_client=httpx.Client(transport=transport), rate_limit=limit,
        clock=time.clock, sleep=time.sleep,
    ) as client:  # fmt: skip
        for _ in range(5):
            client.send(Hangup(), call_id=CALL_IDS["chirp"])
            time.now += 1.0
    # Sends at 1000 and 1001; the third waits for 1010 (10 s after the first), the fourth goes at 1011
    # (10 s after the second), the fifth waits for 1020.
    assert time.sleeps == [8.0, 8.0]


def test_the_documented_rate_limits() -> None:
    assert RateLimit.documented("chirp") == RateLimit(120, per=60.0)
    assert RateLimit.documented("gateway") == RateLimit(10_000, per=1.0)
    with pytest.raises(ValueError, match="documents no rate limit"):
        RateLimit.documented("signalwire")
    with pytest.raises(InvalidValue):
        RateLimit(0, per=1.0)


# ---------------------------------------------------------------- logs


@MODES
def test_one_log_record_per_attempt_without_bodies(mode: str, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG, logger="callglot.transport")
    vendor = Vendor(httpx.ConnectError, refusal("gateway", 503, {"Retry-After": "1"}), ok("gateway"))
    sent = run_send(mode, "gateway", vendor, Play(media=(Audio(url="https://cdn.example.com/a.mp3"),)))
    records = [r for r in caplog.records if r.name == "callglot.transport"]
    assert [(r.attempt, r.status, r.levelname) for r in records] == [  # type: ignore[attr-defined]
        (1, "ConnectError", "WARNING"),
        (2, 503, "WARNING"),
        (3, 202, "INFO"),
    ]
    for record in records:
        assert (record.dialect, record.command, record.call_id) == ("gateway", "Play", CALL_IDS["gateway"])  # type: ignore[attr-defined]
        assert record.command_id == sent.command_id  # type: ignore[attr-defined]
        assert isinstance(record.elapsed_ms, float)  # type: ignore[attr-defined]
        assert not hasattr(record, "request_body")
        assert "cdn.example.com" not in record.getMessage()


def test_bodies_are_logged_only_when_asked_and_passwords_never(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="callglot.transport")
    dial = Dial(
        source=Destination(address="+15551234567"),
        destination=Destination(address="sip:alice@sip.example.com"),
        sip_username="alice",
        sip_password="pw-" + SENTINEL,
    )
    result = Receipt(status=ReceiptStatus.ACCEPTED, call_id="call_n", command="dial", call=CallLeg(id="call_n"))
    run_send("sync", "canonical", Vendor(wire("canonical", result)), dial, client_options={"log_bodies": True})
    (record,) = [r for r in caplog.records if r.name == "callglot.transport"]
    assert record.request_body["destination"]["address"] == "sip:alice@sip.example.com"  # type: ignore[attr-defined]
    assert record.response_body["call"] == {"id": "call_n"}  # type: ignore[attr-defined]
    assert SENTINEL not in repr(record.__dict__)


# ---------------------------------------------------------------- secrets


def _callglot_locals(exc: BaseException | None) -> list[str]:
    """The reprs of every local of callglot's frames in the traceback (and its chain), as --showlocals prints them."""
    found: list[str] = []
    while exc is not None:
        tb = exc.__traceback__
        while tb is not None:
            if f"{os.sep}callglot{os.sep}" in tb.tb_frame.f_code.co_filename:
                found += [f"{name}={value!r}" for name, value in tb.tb_frame.f_locals.items()]
            tb = tb.tb_next
        exc = exc.__cause__ or exc.__context__
    return found


def _everything_about(exc: BaseException) -> str:
    parts = [str(exc), repr(exc), "".join(traceback.format_exception(exc)), *_callglot_locals(exc)]
    try:
        parts.append(repr(pickle.loads(pickle.dumps(exc))))
        parts.append(pickle.dumps(exc).decode("latin-1"))
    except TypeError:
        pass
    return "\n".join(parts)


SCENARIOS: dict[str, Callable[[str], list[Any]]] = {
    "success": lambda d: [ok(d)],
    "refused": lambda d: [refusal(d, 401)],
    "try later, then success": lambda d: [refusal(d, 429, {"Retry-After": "1"}), ok(d)],
    "try later until the deadline": lambda d: [refusal(d, 503, {"Retry-After": "20"})] * 3,
    "never connects": lambda d: [httpx.ConnectError] * 5,
    "read timeout": lambda d: [httpx.ReadTimeout] * 5,
}


@MODES
@pytest.mark.parametrize("dialect", DIALECTS)
@pytest.mark.parametrize("scenario", list(SCENARIOS))
def test_credentials_appear_nowhere(mode: str, dialect: str, scenario: str, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)  # every logger: callglot, httpx, httpcore
    vendor = Vendor(*SCENARIOS[scenario](dialect))
    seen: list[str] = []
    try:
        sent = run_send(mode, dialect, vendor, client_options={"retry": Retry(deadline=30), "log_bodies": True})
    except (ProviderError, TransportError) as exc:
        seen.append(_everything_about(exc))
    else:
        seen += [repr(sent), repr(sent.request.headers), json.dumps(sent.request.to_json())]
        assert any(value.endswith("***") for value in sent.request.headers.values())
    seen += [caplog.text, *(repr(record.__dict__) for record in caplog.records)]
    secrets = [SENTINEL]
    if dialect == "signalwire":  # Basic: base64 of project_id:token
        secrets.append(base64.b64encode(f"proj-1:PT{SENTINEL}".encode()).decode())
    assert vendor.requests, "the scenario sent nothing"
    assert all(secrets[-1] in str(dict(r.headers)) for r in vendor.requests)  # the secret was really sent
    for text in seen:
        for secret in secrets:
            assert secret not in text


@pytest.mark.parametrize("dialect", DIALECTS)
def test_credentials_are_masked_and_cannot_be_pickled(dialect: str) -> None:
    auth = auth_for(dialect)
    client = Client(dialect, base_url=BASE, auth=auth)
    for text in (
        repr(auth),
        str(auth),
        repr(vars(auth)),
        repr(client),
        repr(copy.copy(auth)),
        repr(copy.deepcopy(auth)),
    ):
        assert SENTINEL not in text
    assert "'***'" in repr(auth)
    for value in (auth, client):
        with pytest.raises(TypeError, match="cannot be pickled"):
            pickle.dumps(value)
    with pytest.raises(TypeError, match="cannot be pickled"):
        auth.__getstate__()
    with pytest.raises(AttributeError):
        auth._token = "x"  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    "make",
    [
        lambda s: ChirpAuth(s),
        lambda s: BearerAuth(s),
        lambda s: SignalWireAuth(project_id="p", token=s),
        lambda s: GatewayAuth("app", s),
    ],
)
@pytest.mark.parametrize("bad", [f"{SENTINEL}\n", f" {SENTINEL}", "", f"{SENTINEL}\x00", f"{SENTINEL}é"])
def test_unusable_credentials_are_refused_without_echoing_them(make: Callable[[str], Any], bad: str) -> None:
    with pytest.raises(InvalidValue) as caught:
        make(bad)
    assert SENTINEL not in _everything_about(caught.value)


def test_ids_that_are_not_secret_are_checked_and_shown() -> None:
    assert repr(GatewayAuth("app_1", "k")) == "GatewayAuth(app_id='app_1', api_key='***')"
    assert repr(SignalWireAuth(project_id="p-1", token="t")) == "SignalWireAuth(project_id='p-1', token='***')"
    with pytest.raises(InvalidValue, match="app_id"):
        GatewayAuth("app 1", "k")
    with pytest.raises(InvalidValue, match="project_id"):
        SignalWireAuth(project_id="a:b", token="t")
    with pytest.raises(TypeError):
        ChirpAuth(b"sk_test_app_x")  # type: ignore[arg-type]


def test_a_transport_error_pickles_with_its_fields() -> None:
    error = TransportError(
        "ReadTimeout: timed out", may_have_reached=True, attempts=2, dialect="chirp", command="Hangup"
    )
    again = pickle.loads(pickle.dumps(error))
    assert (again.reason, again.may_have_reached, again.attempts, str(again)) == (
        error.reason,
        True,
        2,
        "chirp Hangup: ReadTimeout: timed out; the request may have reached the vendor (2 attempts)",
    )
    assert isinstance(again, callglot.CallglotError)


@MODES
def test_a_transport_error_keeps_no_reference_to_httpx_s_request(mode: str) -> None:
    with pytest.raises(TransportError) as caught:
        run_send(mode, "gateway", Vendor(*[httpx.ConnectError] * 5))
    assert caught.value.__cause__ is None
    assert caught.value.__context__ is None


@MODES
def test_a_failed_dial_does_not_show_its_sip_password_in_the_traceback(mode: str) -> None:
    dial = Dial(
        source=Destination(address="+15551234567"),
        destination=Destination(address="sip:alice@sip.example.com"),
        swml_url="https://app.example.com/swml",
        sip_username="alice",
        sip_password="pw-" + SENTINEL,
    )
    vendor = Vendor(*[httpx.ConnectError] * 5)
    with pytest.raises(TransportError) as caught:
        run_send(mode, "signalwire", vendor, dial)
    assert SENTINEL in vendor.requests[0].content.decode()  # the vendor needs it: it is in the body sent
    assert SENTINEL not in _everything_about(caught.value)


def test_a_dialect_from_elsewhere_needs_a_base_url_and_takes_any_httpx_auth() -> None:
    from callglot.adapters.chirp import ChirpDialect

    class Acme(ChirpDialect):
        name = "acme"  # type: ignore[misc]

    with pytest.raises(ValueError, match="acme needs base_url"):
        Client(Acme())
    vendor = Vendor(ok("chirp"))
    http = httpx.Client(transport=httpx.MockTransport(vendor))
    with Client(Acme(), base_url=BASE, auth=httpx.BasicAuth("u", "p"), http_client=http) as client:
        sent = client.send(Hangup(), call_id=CALL_IDS["chirp"])
    assert sent.receipt.call_id == CALL_IDS["chirp"]
    assert vendor.requests[0].headers["authorization"] == "Basic " + base64.b64encode(b"u:p").decode()


def test_the_async_client_waits_for_the_rate_limit_too() -> None:
    time = FakeTime()
    vendor = Vendor(*[ok("chirp")] * 3)

    async def main() -> None:
        http = httpx.AsyncClient(transport=httpx.MockTransport(vendor))
        limit = RateLimit(2, per=5.0)
        async with AsyncClient(
            "chirp",
            auth=auth_for("chirp"),
            http_client=http,
            rate_limit=limit,
            clock=time.clock,
            sleep=time.async_sleep,
        ) as client:
            for _ in range(3):
                await client.send(Hangup(), call_id=CALL_IDS["chirp"])

    anyio.run(main)
    assert time.sleeps == [5.0]
