"""callglot.transport over real loopback sockets against a local uvicorn vendor (tests/vendor_server.py)."""

from __future__ import annotations

from typing import Any

import anyio
import httpx
import pytest
from vendor_server import CREDENTIALS, NEW_CALL_IDS, closed_port, serve

import callglot
from callglot import ProviderError
from callglot.canonical import Audio, Destination, Dial, Hangup, Play
from callglot.transport import (
    AsyncClient,
    BearerAuth,
    ChirpAuth,
    Client,
    GatewayAuth,
    Retry,
    Sent,
    SignalWireAuth,
    TransportError,
)

CALL_IDS = {
    "canonical": "call_x1",
    "chirp": "call_test_2bWzHx1dfK9Rj3zYVqPcLmN0aTe",
    "gateway": "acW68-f47ac10b-58cc-4372-a567-0e02b2c3d479",
    "signalwire": "3fa85f64-5717-4562-b3fc-2c963f66afa6",
}
AUTH = {
    "canonical": lambda: BearerAuth("proxy-token-1"),
    "chirp": lambda: ChirpAuth("sk_test_app_local1"),
    "gateway": lambda: GatewayAuth("app_local", "gw-key-1"),
    "signalwire": lambda: SignalWireAuth(project_id="proj-local", token="PT-local-1"),
}
DIALECTS = tuple(AUTH)
#: Retries without real waits (full jitter drawn at 0), short read timeouts: every test is bounded.
FAST = {"retry": Retry(attempts=3, deadline=10), "random": lambda: 0.0, "timeout": 2.0}
DIAL = {
    name: Dial(
        source=Destination(address="+15551234567"),
        destination=Destination(address="+15557654321"),
        swml_url="https://app.example.com/swml" if name == "signalwire" else None,
    )
    for name in ("canonical", "chirp", "signalwire")
}


def send(mode: str, dialect: str, base_url: str, command: Any, **options: Any) -> Sent:
    call_id = None if isinstance(command, Dial) else CALL_IDS[dialect]
    settings = {"base_url": base_url, "auth": AUTH[dialect](), **FAST, **options}
    if mode == "sync":
        with Client(dialect, **settings) as client:
            return client.send(command, call_id=call_id)

    async def main() -> Sent:
        async with AsyncClient(dialect, **settings) as client:
            return await client.send(command, call_id=call_id)

    return anyio.run(main)


MODES = pytest.mark.parametrize("mode", ["sync", "async"])


@MODES
@pytest.mark.parametrize("dialect", DIALECTS)
def test_every_dialect_round_trips_over_loopback(mode: str, dialect: str) -> None:
    with serve(dialect) as (url, vendor):
        sent = send(mode, dialect, url, Hangup())
    assert sent.attempts == 1
    assert sent.receipt.call_id == (None if dialect == "gateway" else CALL_IDS[dialect])
    (received,) = vendor.received
    decoded = callglot.get_dialect(dialect).decode(
        callglot.HttpRequest(method="POST", path=received["path"], body=received["body"])
    )
    assert (decoded.command, decoded.call_id) == (Hangup(), CALL_IDS[dialect])
    for name, value in CREDENTIALS[dialect].items():
        assert received["headers"][name] == value


class _CountingAuth(httpx.Auth):
    """A user's auth (not one of callglot's): its flow must run through httpx's own send."""

    def __init__(self) -> None:
        self.flows = 0

    def auth_flow(self, request: httpx.Request) -> Any:
        self.flows += 1
        request.headers["Authorization"] = "Bearer sk_test_app_local1"
        yield request


@MODES
@pytest.mark.parametrize("dialect", DIALECTS)
def test_a_client_of_its_own_sends_what_httpx_client_send_sends(mode: str, dialect: str) -> None:
    # A client that made its own httpx client calls the pool's transport directly (no
    # httpx.Client.send); one given an httpx client goes through its send. The vendor must see the
    # same request from both: method, path, body and every header (the auth's included).
    call_id, settings = CALL_IDS[dialect], {"auth": AUTH[dialect](), **FAST}
    key = "k1" if callglot.get_dialect(dialect).carries_command_id else None  # the same key on both

    def sync_pair(url: str) -> tuple[Sent, Sent]:
        with (
            httpx.Client() as given,
            Client(dialect, base_url=url, **settings) as own,
            Client(dialect, base_url=url, http_client=given, **settings) as through,
        ):
            return own.send(Hangup(), call_id=call_id, command_id=key), through.send(
                Hangup(), call_id=call_id, command_id=key
            )

    async def async_pair(url: str) -> tuple[Sent, Sent]:
        async with (
            httpx.AsyncClient() as given,
            AsyncClient(dialect, base_url=url, **settings) as own,
            AsyncClient(dialect, base_url=url, http_client=given, **settings) as through,
        ):
            return await own.send(Hangup(), call_id=call_id, command_id=key), await through.send(
                Hangup(), call_id=call_id, command_id=key
            )

    with serve(dialect) as (url, vendor):
        own, through_httpx = sync_pair(url) if mode == "sync" else anyio.run(async_pair, url)
    direct, via_send = vendor.received
    assert direct == via_send
    assert own.request == through_httpx.request
    assert (own.receipt, own.status) == (through_httpx.receipt, through_httpx.status)


@MODES
def test_an_auth_that_is_not_callglots_runs_through_httpx(mode: str) -> None:
    auth = _CountingAuth()
    with serve("chirp") as (url, vendor):
        sent = send(mode, "chirp", url, Hangup(), auth=auth)
    assert (sent.attempts, auth.flows) == (1, 1)
    assert vendor.received[0]["headers"]["authorization"] == "Bearer sk_test_app_local1"


@MODES
@pytest.mark.parametrize("dialect", ["canonical", "chirp", "signalwire"])
def test_dial_over_loopback_returns_the_new_call_id(mode: str, dialect: str) -> None:
    with serve(dialect) as (url, _vendor):
        sent = send(mode, dialect, url, DIAL[dialect])
    assert sent.receipt.call_id == NEW_CALL_IDS[dialect]


@MODES
def test_a_503_is_retried_over_loopback(mode: str) -> None:
    with serve("signalwire") as (url, vendor):
        vendor.script = ["503"]
        sent = send(mode, "signalwire", url, Play(media=(Audio(url="https://cdn.example.com/a.mp3"),)))
    assert sent.attempts == 2
    assert len(vendor.received) == 2
    assert vendor.received[0]["body"] == vendor.received[1]["body"]  # the same control_id


@MODES
def test_a_read_timeout_is_not_retried_for_chirp(mode: str) -> None:
    with serve("chirp") as (url, vendor):
        vendor.script = ["hang"]
        with pytest.raises(TransportError) as caught:
            send(mode, "chirp", url, Hangup(), timeout=0.3)
        assert len(vendor.received) == 1
    assert (caught.value.may_have_reached, caught.value.attempts) == (True, 1)
    assert "ReadTimeout" in caught.value.reason


@MODES
def test_a_read_timeout_is_retried_for_the_gateway_with_the_same_command_uid(mode: str) -> None:
    with serve("gateway") as (url, vendor):
        vendor.script = ["hang"]
        sent = send(mode, "gateway", url, Hangup(), timeout=0.3)
    assert sent.attempts == 2
    uids = [request["body"]["command_uid"] for request in vendor.received]
    assert uids == [sent.command_id, sent.command_id]


@MODES
def test_a_refused_connection_is_retried_then_reported_as_never_sent(mode: str) -> None:
    with pytest.raises(TransportError) as caught:
        send(mode, "chirp", f"http://127.0.0.1:{closed_port()}", Hangup())
    assert (caught.value.may_have_reached, caught.value.attempts) == (False, 3)


@MODES
def test_wrong_credentials_are_the_vendors_refusal(mode: str) -> None:
    with serve("gateway") as (url, _vendor), pytest.raises(ProviderError) as caught:
        send(mode, "gateway", url, Hangup(), auth=GatewayAuth("app_local", "wrong"))
    assert (caught.value.status, caught.value.attempts) == (401, 1)


def test_one_async_client_sends_concurrently_over_its_pool() -> None:
    async def main() -> list[Sent]:
        results: list[Sent] = []
        async with AsyncClient("chirp", base_url=url, auth=AUTH["chirp"](), **FAST) as client:

            async def one() -> None:
                results.append(await client.send(Hangup(), call_id=CALL_IDS["chirp"]))

            async with anyio.create_task_group() as group:
                for _ in range(20):
                    group.start_soon(one)
        return results

    with serve("chirp") as (url, vendor):
        results = anyio.run(main)
    assert [sent.attempts for sent in results] == [1] * 20
    assert len(vendor.received) == 20
