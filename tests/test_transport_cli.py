"""``callglot send`` (callglot/transport/_cli.py): called directly over httpx.MockTransport, and as a process."""

from __future__ import annotations

import argparse
import io
import json
import os
import subprocess
import sys
from typing import Any

import httpx
import pytest
from scripted_vendor import Vendor
from vendor_server import serve

import callglot
from callglot import Policy, ProviderError
from callglot.canonical.events import Receipt, ReceiptStatus
from callglot.transport._cli import add_send_parser, run_send

SENTINEL = "S3NT1NEL-77ab"
CHIRP_CALL = "call_test_2bWzHx1dfK9Rj3zYVqPcLmN0aTe"
GATEWAY_CALL = "acW68-f47ac10b-58cc-4372-a567-0e02b2c3d479"
ENV = {
    "CALLGLOT_CHIRP_API_KEY": f"sk_test_app_{SENTINEL}",
    "CALLGLOT_GATEWAY_APP_ID": "app_1",
    "CALLGLOT_GATEWAY_API_KEY": f"key-{SENTINEL}",
    "CALLGLOT_SIGNALWIRE_PROJECT": "proj-1",
    "CALLGLOT_SIGNALWIRE_TOKEN": f"PT{SENTINEL}",
}


def parse(*argv: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="callglot")
    add_send_parser(parser.add_subparsers(dest="command", required=True))
    return parser.parse_args(["send", *argv])


def answer(dialect: str, result: Receipt | ProviderError) -> httpx.Response:
    wire = callglot.get_dialect(dialect).encode_response(result, policy=Policy.LENIENT).value
    return httpx.Response(wire.status, json=wire.body, headers=wire.headers)


def send(
    argv: list[str], text: str, vendor: Vendor, environ: dict[str, str] | None = None
) -> tuple[int, list[Any], str]:
    stdout, stderr = io.StringIO(), io.StringIO()
    code = run_send(
        parse(*argv),
        io.BytesIO(text.encode()),
        stdout,
        stderr,
        environ=ENV if environ is None else environ,
        http_client=httpx.Client(transport=httpx.MockTransport(vendor)),
    )
    return code, [json.loads(line) for line in stdout.getvalue().splitlines()], stderr.getvalue()


def chirp_ok() -> httpx.Response:
    return answer("chirp", Receipt(status=ReceiptStatus.ACCEPTED, call_id=CHIRP_CALL, command="hangup"))


def test_each_command_gets_one_line_with_its_receipt() -> None:
    vendor = Vendor(chirp_ok(), chirp_ok())
    code, lines, err = send(
        ["--dialect", "chirp", "--call-id", CHIRP_CALL], '{"type":"hangup"}\n{"type":"answer"}\n', vendor
    )
    assert code == 0
    assert lines == [
        {
            "line": n,
            "status": 200,
            "attempts": 1,
            "receipt": {"status": "accepted", "call_id": CHIRP_CALL, "command": "hangup"},
        }
        for n in (1, 2)
    ]
    assert err == ""
    assert [json.loads(r.content) for r in vendor.requests] == [{"type": "hangup"}, {"type": "answer"}]
    assert all(r.headers["authorization"] == f"Bearer sk_test_app_{SENTINEL}" for r in vendor.requests)
    assert str(vendor.requests[0].url).startswith("https://api.buildwithchirp.com/v1/calls/")


def test_refusals_and_bad_lines_are_error_lines_and_the_rest_still_goes() -> None:
    refusal = answer("chirp", ProviderError(404, "no such call", code="call_not_found"))
    vendor = Vendor(refusal, chirp_ok())
    code, lines, _ = send(
        ["--dialect", "chirp", "--call-id", CHIRP_CALL], '{"type":"hangup"}\n{oops\n{"type":"hangup"}\n', vendor
    )
    assert code == 1
    assert lines[0]["error"] == {
        "type": "ProviderError",
        "message": "HTTP 404 call_not_found: no such call",
        "path": None,
        "line": 1,
        "status": 404,
        "code": "call_not_found",
        "retry_after": None,
        "attempts": 1,
    }
    assert lines[1]["error"]["type"] == "InvalidJSON"
    assert lines[1]["error"]["line"] == 2
    assert lines[2]["receipt"]["status"] == "accepted"


def test_a_transport_failure_says_whether_the_request_may_have_arrived() -> None:
    vendor = Vendor(*[httpx.ConnectError] * 5)
    code, lines, _ = send(["--dialect", "chirp", "--call-id", CHIRP_CALL], '{"type":"hangup"}\n', vendor)
    assert code == 1
    error = lines[0]["error"]
    assert (error["type"], error["may_have_reached"], error["attempts"]) == ("TransportError", False, 5)


def test_gateway_requests_keep_their_command_uid_and_get_one_otherwise() -> None:
    accepted = answer("gateway", Receipt(status=ReceiptStatus.IN_PROGRESS, operation_id="op-1", timeout=2.0))
    vendor = Vendor(httpx.ReadTimeout, accepted, accepted)
    path = f"/api/v1/sessions/{GATEWAY_CALL}/commands/hangup"
    text = json.dumps({"method": "POST", "path": path, "body": {"command_uid": "uid-1"}}) + "\n"
    text += json.dumps({"method": "POST", "path": path, "body": {}}) + "\n"
    code, lines, _ = send(["--dialect", "gateway", "--base-url", "https://gw.example.com"], text, vendor)
    assert code == 0
    uids = [json.loads(r.content)["command_uid"] for r in vendor.requests]
    assert uids[:2] == ["uid-1", "uid-1"]  # retried after the read timeout with the same key
    assert lines[0]["command_id"] == "uid-1"
    assert lines[0]["attempts"] == 2
    assert lines[1]["command_id"] == uids[2] != "uid-1"
    assert vendor.requests[0].headers["x-app-id"] == "app_1"


def test_adaptations_are_reported_on_stderr() -> None:
    sw_call = "3fa85f64-5717-4562-b3fc-2c963f66afa6"
    vendor = Vendor(answer("signalwire", Receipt(status=ReceiptStatus.ACCEPTED, call_id=sw_call)))
    play = {
        "command": "calling.play",
        "id": sw_call,
        "params": {"play": [{"type": "audio", "params": {"url": "https://cdn.example.com/a.mp3"}}]},
    }
    document = {"method": "POST", "path": "/api/calling/calls", "body": play}
    code, lines, err = send(
        ["--dialect", "signalwire", "--base-url", "https://x.signalwire.com"], json.dumps(document), vendor
    )
    assert code == 0
    assert lines[0]["receipt"]["call_id"] == sw_call
    assert err.startswith("callglot: line 1: generated Play.control_id: ")  # SignalWire needs one: sent with a new one
    assert json.loads(vendor.requests[0].content)["params"]["control_id"]


@pytest.mark.parametrize(
    ("argv", "environ", "message"),
    [
        (["--dialect", "chirp"], {}, "needs CALLGLOT_CHIRP_API_KEY in the environment"),
        (
            ["--dialect", "signalwire", "--base-url", "https://x.signalwire.com"],
            {"CALLGLOT_SIGNALWIRE_PROJECT": "p"},
            "needs CALLGLOT_SIGNALWIRE_TOKEN",
        ),
        (
            ["--dialect", "gateway", "--base-url", "https://gw.example.com"],
            {},
            "CALLGLOT_GATEWAY_APP_ID and CALLGLOT_GATEWAY_API_KEY",
        ),
        (["--dialect", "signalwire"], ENV, "needs base_url"),
        (["--dialect", "chirp", "--base-url", f"https://u:{SENTINEL}@h.example.com"], ENV, "must not hold credentials"),
        (["--dialect", "nope"], ENV, "unknown dialect 'nope'"),
        (
            ["--dialect", "chirp"],
            {"CALLGLOT_CHIRP_API_KEY": f"{SENTINEL}\n"},
            "CALLGLOT_CHIRP_API_KEY: api_key: must be visible ASCII",
        ),
    ],
)
def test_usage_errors_exit_2_before_sending(argv: list[str], environ: dict[str, str], message: str) -> None:
    vendor = Vendor()
    stdout, stderr = io.StringIO(), io.StringIO()
    client = httpx.Client(transport=httpx.MockTransport(vendor))
    code = run_send(parse(*argv), io.BytesIO(b'{"type":"hangup"}'), stdout, stderr, environ=environ, http_client=client)
    assert code == 2
    assert message in stderr.getvalue()
    assert SENTINEL not in stderr.getvalue()
    assert (stdout.getvalue(), vendor.requests) == ("", [])


def test_credentials_are_not_taken_from_flags() -> None:
    for flag in ("--api-key", "--token", "--auth"):
        with pytest.raises(SystemExit):
            parse("--dialect", "chirp", flag, "x")


def test_credentials_appear_in_no_output() -> None:
    refusal = answer("chirp", ProviderError(401, "bad key"))
    vendor = Vendor(chirp_ok(), refusal, httpx.ReadTimeout)
    code, lines, err = send(["--dialect", "chirp", "--call-id", CHIRP_CALL], '{"type":"hangup"}\n' * 3, vendor)
    assert code == 1
    assert len(lines) == 3
    assert SENTINEL not in json.dumps(lines) + err


def test_send_runs_as_a_process_against_a_local_server(tmp_path: Any) -> None:
    commands = tmp_path / "commands.jsonl"
    commands.write_text('{"type":"hangup"}\n')
    with serve("chirp") as (url, vendor):
        done = subprocess.run(
            [
                sys.executable,
                "-m",
                "callglot",
                "send",
                "--dialect",
                "chirp",
                "--base-url",
                url,
                "--call-id",
                CHIRP_CALL,
                str(commands),
            ],
            capture_output=True,
            text=True,
            timeout=60,
            env={**os.environ, "CALLGLOT_CHIRP_API_KEY": "sk_test_app_local1"},
        )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == {
        "line": 1,
        "status": 200,
        "attempts": 1,
        "receipt": {"status": "accepted", "call_id": CHIRP_CALL, "command": "hangup"},
    }
    assert vendor.received[0]["headers"]["authorization"] == "Bearer sk_test_app_local1"


def test_retried_attempts_do_not_print_log_lines_when_logging_is_not_configured(tmp_path: Any) -> None:
    from vendor_server import closed_port

    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "callglot.transport._cli",
            "send",
            "--dialect",
            "chirp",
            "--base-url",
            f"http://127.0.0.1:{closed_port()}",
            "--call-id",
            CHIRP_CALL,
        ],
        input='{"type":"hangup"}\n',
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "CALLGLOT_CHIRP_API_KEY": "sk_test_app_local1"},
    )
    assert done.returncode == 1
    assert json.loads(done.stdout)["error"]["may_have_reached"] is False
    assert done.stderr == ""  # the records go to the application's logging, not Python's last-resort handler


def test_blank_lines_send_nothing() -> None:
    vendor = Vendor(chirp_ok(), chirp_ok())
    code, lines, _ = send(
        ["--dialect", "chirp", "--call-id", CHIRP_CALL], '{"type":"hangup"}\n\n{"type":"answer"}\n', vendor
    )
    assert code == 0
    assert [line["line"] for line in lines if "receipt" in line] == [1, 3]
    assert all(line == {"line": 2, "skipped": "blank line"} for line in lines if "receipt" not in line)
    assert len(vendor.requests) == 2
