"""The command line: the JSON Lines contract, exit codes, and bad input never crashing it."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from callglot.cli import main

EXAMPLES = Path(__file__).parent.parent / "examples" / "chirp-commands.jsonl"


def run(
    argv: list[str], stdin: bytes, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> tuple[int, list[Any], str]:
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(stdin)))
    code = main(argv)
    captured = capsys.readouterr()
    return code, [json.loads(line) for line in captured.out.splitlines()], captured.err


def test_translate_json_lines_one_output_per_input(capsys, monkeypatch) -> None:
    data = b'{"type":"hangup"}\n{"type":"send_dtmf","digits":"12#"}\n'
    code, out, _ = run(
        ["translate", "--from", "chirp", "--to", "canonical", "--call-id", "call_1"], data, capsys, monkeypatch
    )
    assert code == 0
    assert out == [
        {"method": "POST", "path": "/v1/calls/call_1/commands", "body": {"command": "hangup"}},
        {"method": "POST", "path": "/v1/calls/call_1/commands", "body": {"command": "send_digits", "digits": "12#"}},
    ]


def test_translate_a_single_pretty_document(capsys, monkeypatch) -> None:
    data = json.dumps({"method": "POST", "path": "/v1/calls/call_9/commands", "body": {"type": "answer"}}, indent=2)
    code, out, _ = run(["translate", "--from", "chirp", "--to", "gateway"], data.encode(), capsys, monkeypatch)
    assert code == 0
    assert out == [{"method": "POST", "path": "/api/v1/sessions/call_9/commands/answer", "body": {}}]


def test_a_broken_first_line_does_not_swallow_the_json_lines_after_it(capsys, monkeypatch) -> None:
    data = b'{not json\n\n{"type":"hangup"}\n{"type":"answer"}\n'
    code, out, _ = run(
        ["translate", "--from", "chirp", "--to", "gateway", "--call-id", "c1"], data, capsys, monkeypatch
    )
    assert code == 1
    assert [o["error"]["line"] if "error" in o else o["path"] for o in out] == [
        1,
        "/api/v1/sessions/c1/commands/hangup",
        "/api/v1/sessions/c1/commands/answer",
    ]


def test_a_broken_pretty_document_is_one_error(capsys, monkeypatch) -> None:
    data = b'{\n  "method": "POST",\n  "path": "/v1/calls/c/commands",\n  "body": {"type": "hangup"\n'
    code, out, _ = run(["translate", "--from", "chirp", "--to", "gateway"], data, capsys, monkeypatch)
    assert code == 1
    assert len(out) == 1
    assert out[0]["error"]["type"] == "InvalidJSON"
    assert out[0]["error"]["line"] == 1


def test_errors_are_lines_with_type_message_path_and_line(capsys, monkeypatch) -> None:
    data = b'{"type":"hangup"}\nnot json\n{"type":"play_audio","url":"https://10.0.0.1/a.mp3"}\n{"type":"hold"}\n[]\n'
    code, out, _ = run(
        ["translate", "--from", "chirp", "--to", "gateway", "--call-id", "c1"], data, capsys, monkeypatch
    )
    assert code == 1
    assert len(out) == 5
    assert "method" in out[0]
    assert out[1]["error"]["type"] == "InvalidJSON"
    assert out[1]["error"]["line"] == 2
    assert out[2]["error"] == {
        "type": "InvalidMessage",
        "message": "$.url: host 10.0.0.1 is a private address",
        "path": "$.url",
        "line": 3,
    }
    assert out[3]["error"]["type"] == "UnsupportedCommand"
    assert out[3]["error"]["line"] == 4
    assert out[4]["error"]["type"] == "InvalidMessage"
    assert out[4]["error"]["path"] == "$"


def test_error_paths_point_into_request_documents(capsys, monkeypatch) -> None:
    doc = {"method": "POST", "path": "/v1/calls/c1/commands", "body": {"type": "send_dtmf", "digits": "x"}}
    code, out, _ = run(
        ["translate", "--from", "chirp", "--to", "canonical"], json.dumps(doc).encode(), capsys, monkeypatch
    )
    assert code == 1
    assert out[0]["error"]["path"] == "$.body.digits"


@pytest.mark.parametrize(
    ("source", "method", "path", "where"),
    [
        ("gateway", "POST", "/api/v1/sessions/s1/commands/playback/strat", "$.path"),  # a mistyped command
        ("gateway", "POST", "/api/v1/sessions/s%201/commands/answer", "$.path"),
        ("gateway", "GET", "/api/v1/sessions/s1/commands/answer", "$.method"),
        ("chirp", "POST", "/v1/call/c1/commands", "$.path"),
        ("signalwire", "PUT", "/api/calling/calls", "$.method"),
        ("canonical", "POST", "/v1/calls/c1/command", "$.path"),
    ],
)
def test_request_line_errors_point_at_the_method_or_path(source, method, path, where, capsys, monkeypatch) -> None:
    body = {
        "chirp": {"type": "hangup"},
        "signalwire": {"command": "calling.end", "id": "3fa85f64-5717-4562-b3fc-2c963f66afa6", "params": {}},
        "canonical": {"command": "hangup"},
        "gateway": {},
    }[source]
    doc = {"method": method, "path": path, "body": body}
    code, out, _ = run(
        ["translate", "--from", source, "--to", "canonical"], json.dumps(doc).encode(), capsys, monkeypatch
    )
    assert code == 1
    assert out[0]["error"]["path"] == where


def test_blank_lines_are_skipped_but_numbered(capsys, monkeypatch) -> None:
    data = b'\n{"type":"answer"}\n\n{"type":"bogus"}\n'
    code, out, _ = run(
        ["translate", "--from", "chirp", "--to", "canonical", "--call-id", "c"], data, capsys, monkeypatch
    )
    assert code == 1
    assert out[1]["error"] == {
        "type": "UnknownCommand",
        "message": "$.type: unknown command type 'bogus'",
        "path": "$.type",
        "line": 4,
    }


def test_bare_body_without_call_id_is_an_error_line(capsys, monkeypatch) -> None:
    code, out, _ = run(
        ["translate", "--from", "chirp", "--to", "canonical"], b'{"type":"answer"}\n', capsys, monkeypatch
    )
    assert code == 1
    assert out[0]["error"]["type"] == "InvalidValue"
    assert "--call-id" in out[0]["error"]["message"]


def test_lenient_reports_on_stderr(capsys, monkeypatch) -> None:
    data = b'{"type":"play_audio","url":"https://cdn.example.com/a.mp3","loop":true}\n'
    argv = ["translate", "--from", "chirp", "--to", "gateway", "--call-id", "c1", "--lenient"]
    code, out, err = run(argv, data, capsys, monkeypatch)
    assert code == 0
    assert out[0]["body"] == {"urls": ["https://cdn.example.com/a.mp3"]}
    assert "dropped Play.loop" in err


@pytest.mark.parametrize(
    ("data", "kind"),
    [
        (b"[" * 100_000, "InvalidJSON"),
        (b'{"a":' * 100_000, "InvalidJSON"),
        (b'{"type":"hangup","x":NaN}\n', "InvalidJSON"),
        (b'{"type":"hangup","type":"answer"}\n', "InvalidJSON"),
        (b'{"type":"hangup","r":"\\ud800"}\n', "InvalidJSON"),
        (b"\xff\xfe{}\n", "InvalidJSON"),
        (b'"' + b"a" * 2_000_000 + b'"\n', "InvalidJSON"),
        (b'{"type":"reject","reason":"' + b"r" * 600 + b'"}\n', "InvalidMessage"),
        (b"1" * 5000 + b"\n", "InvalidJSON"),
    ],
    ids=[
        "deep-arrays",
        "deep-objects",
        "nan",
        "duplicate-key",
        "lone-surrogate",
        "bad-utf8",
        "huge-line",
        "long-reason",
        "huge-int",
    ],
)
def test_hostile_input_gives_an_error_line_not_a_traceback(data, kind, capsys, monkeypatch) -> None:
    code, out, err = run(
        ["translate", "--from", "chirp", "--to", "canonical", "--call-id", "c1"], data, capsys, monkeypatch
    )
    assert code == 1
    assert len(out) == 1
    assert out[0]["error"]["type"] == kind
    assert "Traceback" not in err


@given(st.binary(max_size=300))
def test_any_bytes_give_one_result_or_error_per_line(data: bytes) -> None:
    import contextlib

    stdout = io.StringIO()
    old = sys.stdin
    sys.stdin = io.TextIOWrapper(io.BytesIO(data))
    try:
        with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(io.StringIO()):
            code = main(["translate", "--from", "chirp", "--to", "gateway", "--call-id", "c1"])
    finally:
        sys.stdin = old
    assert code in (0, 1)
    for line in stdout.getvalue().splitlines():
        value = json.loads(line)
        assert "method" in value or set(value["error"]) == {"type", "message", "path", "line"}


def test_usage_errors_exit_2(capsys) -> None:
    with pytest.raises(SystemExit) as caught:
        main(["translate", "--from", "nosuch", "--to", "chirp"])
    assert caught.value.code == 2
    with pytest.raises(SystemExit) as caught:
        main(["translate", "--from", "chirp"])
    assert caught.value.code == 2
    with pytest.raises(SystemExit) as caught:
        main(["translate", "--from", "chirp", "--to", "gateway", "/no/such/file"])
    assert caught.value.code == 2
    for command in (["translate", "--from", "chirp", "--to", "gateway"], ["validate", "--dialect", "chirp"]):
        with pytest.raises(SystemExit) as caught:  # checked once, not as an error on every line
            main([*command, "--call-id", "a/b"])
        assert caught.value.code == 2
        assert "--call-id" in capsys.readouterr().err


def test_examples_translate_fully_to_canonical(capsys) -> None:
    assert main(["translate", "--from", "chirp", "--to", "canonical", str(EXAMPLES)]) == 0
    out = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert len(out) == len(EXAMPLES.read_text().splitlines()) == 17
    assert all("error" not in line for line in out)


def test_examples_to_gateway_fail_exactly_where_the_matrix_says(capsys) -> None:
    import callglot
    from callglot.capabilities import Support

    assert main(["translate", "--from", "chirp", "--to", "gateway", "--lenient", str(EXAMPLES)]) == 1
    out = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    chirp, gateway = callglot.get_dialect("chirp"), callglot.get_dialect("gateway")
    for line, result in zip(EXAMPLES.read_text().splitlines(), out, strict=True):
        doc = json.loads(line)
        command = chirp.decode(callglot.HttpRequest(method="POST", path=doc["path"], body=doc["body"])).command
        support = gateway.capabilities[type(command)].support
        if support is Support.UNSUPPORTED:
            assert result["error"]["type"] == "UnsupportedCommand"
        elif "error" in result:
            assert result["error"]["type"] == "UnsupportedField"  # a field no policy can drop


def test_validate_reports_schema_and_runtime_errors(tmp_path: Path, capsys) -> None:
    good = {"method": "POST", "path": "/v1/calls/c1/commands", "body": {"type": "hangup"}}
    extra = {"method": "POST", "path": "/v1/calls/c1/commands", "body": {"type": "hangup", "x": 1}}
    private = {
        "method": "POST",
        "path": "/v1/calls/c1/commands",
        "body": {"type": "play_audio", "url": "https://192.168.1.1/a.mp3"},
    }
    source = tmp_path / "in.jsonl"
    source.write_text("\n".join(json.dumps(d) for d in (good, extra, private)) + "\n")
    assert main(["validate", "--dialect", "chirp", str(source)]) == 1
    out = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert out[0] == {"line": 1, "valid": True}
    assert out[1]["valid"] is False
    assert out[1]["errors"][0]["source"] == "schema"
    assert out[2]["errors"] == [
        {"source": "runtime", "path": "$.body.url", "message": "host 192.168.1.1 is a private address"}
    ]


def test_schema_dialects_and_matrix_commands(capsys) -> None:
    assert main(["schema", "gateway"]) == 0
    assert json.loads(capsys.readouterr().out)["$schema"].endswith("2020-12/schema")
    assert main(["dialects"]) == 0
    assert capsys.readouterr().out.splitlines()[0].startswith("canonical\t")
    assert main(["matrix", "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["commands"]["Hangup"]["gateway"] == {
        "support": "native",
        "note": "hangup with a Q.850 cause (the gateway defaults to NORMAL_CLEARING)",
    }


def test_console_script_streams_a_large_file(tmp_path: Path) -> None:
    source = tmp_path / "big.jsonl"
    with source.open("w") as handle:
        for i in range(5000):
            handle.write(
                json.dumps({"method": "POST", "path": f"/v1/calls/c{i}/commands", "body": {"type": "hangup"}}) + "\n"
            )
    result = subprocess.run(
        [sys.executable, "-m", "callglot", "translate", "--from", "chirp", "--to", "gateway", str(source)],
        check=True,
        capture_output=True,
        text=True,
    )
    lines = result.stdout.splitlines()
    assert len(lines) == 5000
    assert json.loads(lines[-1])["path"] == "/api/v1/sessions/c4999/commands/hangup"


def test_a_broken_first_line_on_a_pipe_is_answered_line_by_line() -> None:
    """The second line decides JSON Lines at once: nothing waits for the end of input (a proxy's pipe)."""
    import select

    process = subprocess.Popen(
        [sys.executable, "-m", "callglot", "translate", "--from", "chirp", "--to", "gateway", "--call-id", "c1"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        bufsize=0,  # a buffered readline can take both answers at once, and the second select() then waits 30 s
    )
    assert process.stdin is not None
    assert process.stdout is not None
    try:
        process.stdin.write(b'{"type": "hangup"\n{"type": "answer"}\n')
        process.stdin.flush()
        answers = []
        for _ in range(2):
            ready, _, _ = select.select([process.stdout], [], [], 30)
            assert ready, "no answer while the input stays open"
            answers.append(json.loads(process.stdout.readline()))
    finally:
        process.stdin.close()
        process.wait(timeout=30)
    assert answers[0]["error"]["line"] == 1
    assert answers[1] == {"method": "POST", "path": "/api/v1/sessions/c1/commands/answer", "body": {}}


def test_a_broken_first_line_does_not_stop_a_replay_larger_than_one_document(capsys, monkeypatch) -> None:
    """JSON Lines with a bad first line stream on, however long (one pretty document is capped in size)."""
    from callglot import cli

    monkeypatch.setattr(cli, "MAX_DOCUMENT", 4096)  # the cap, small enough for a test
    good = b'{"type": "answer"}\n'
    count = 4096 // len(good) + 10
    code, out, _ = run(
        ["translate", "--from", "chirp", "--to", "gateway", "--call-id", "c1"],
        b'{"type": "hangup"\n' + good * count,
        capsys,
        monkeypatch,
    )
    assert code == 1
    assert len(out) == count + 1
    assert out[0]["error"]["line"] == 1
    assert out[-1] == {"method": "POST", "path": "/api/v1/sessions/c1/commands/answer", "body": {}}


def _environment(**env: str) -> dict[str, str]:
    """A user's environment: buffered output (this sandbox sets PYTHONUNBUFFERED; CI and users do not)."""
    import os

    return {**{k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}, **env}


def _shell(command: str, **env: str) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(["sh", "-c", command], capture_output=True, env=_environment(**env))


CLI = f"{sys.executable} -m callglot translate --from canonical --to canonical --call-id c1"


@pytest.mark.parametrize(
    ("redirect", "message"),
    [
        ("- <&-", b"standard input is closed"),
        (">&-", b"standard output is closed"),
        ("> /dev/full", b"No space left on device"),
    ],
)
def test_standard_stream_failures_are_a_message_not_a_traceback(tmp_path: Path, redirect: str, message: bytes) -> None:
    if "/dev/full" in redirect and not Path("/dev/full").exists():
        pytest.skip("no /dev/full here")
    source = tmp_path / "in.jsonl"
    source.write_text('{"command": "answer"}\n')
    argument = "" if redirect.startswith("-") else str(source)
    result = _shell(f"{CLI} {argument} {redirect}")
    assert result.returncode == 1
    assert message in result.stderr
    assert b"Traceback" not in result.stderr


def test_a_reader_that_goes_away_ends_the_run_quietly(tmp_path: Path) -> None:
    source = tmp_path / "in.jsonl"
    source.write_text('{"command": "answer"}\n' * 20000)
    command = [sys.executable, "-m", "callglot", "translate", "--from", "canonical", "--to", "canonical"]
    process = subprocess.Popen(
        [*command, "--call-id", "c1", str(source)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=_environment(),
    )
    assert process.stdout is not None
    assert process.stderr is not None
    process.stdout.readline()
    process.stdout.close()  # as `| head -1` does
    assert process.wait(timeout=60) == 1
    assert process.stderr.read() == b""


def test_output_is_utf8_whatever_the_locale_encoding(tmp_path: Path) -> None:
    source = tmp_path / "in.jsonl"
    body = {"command": "play", "media": [{"type": "audio", "url": "https://cdn.example.com/caf\u00e9.mp3"}]}
    source.write_text(json.dumps(body, ensure_ascii=False) + "\n", encoding="utf-8")
    result = _shell(f"{CLI} {source}", PYTHONIOENCODING="ascii")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout.decode("utf-8"))["body"] == body
