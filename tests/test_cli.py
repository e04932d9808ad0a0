"""The command line: the JSON Lines contract, exit codes, and bad input never crashing it."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from strategies import json_values

import callglot
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
        {"line": 1, "method": "POST", "path": "/v1/calls/call_1/commands", "body": {"command": "hangup"}},
        {
            "line": 2,
            "method": "POST",
            "path": "/v1/calls/call_1/commands",
            "body": {"command": "send_digits", "digits": "12#"},
        },
    ]


def test_translate_a_single_pretty_document(capsys, monkeypatch) -> None:
    data = json.dumps({"method": "POST", "path": "/v1/calls/call_9/commands", "body": {"type": "answer"}}, indent=2)
    code, out, _ = run(["translate", "--from", "chirp", "--to", "gateway"], data.encode(), capsys, monkeypatch)
    assert code == 0
    assert out == [{"line": 1, "method": "POST", "path": "/api/v1/sessions/call_9/commands/answer", "body": {}}]


def test_a_broken_first_line_does_not_swallow_the_json_lines_after_it(capsys, monkeypatch) -> None:
    data = b'{not json\n\n{"type":"hangup"}\n{"type":"answer"}\n'
    code, out, _ = run(
        ["translate", "--from", "chirp", "--to", "gateway", "--call-id", "c1"], data, capsys, monkeypatch
    )
    assert code == 1
    assert [(o["line"], o["error"]["type"] if "error" in o else o.get("path", o.get("skipped"))) for o in out] == [
        (1, "InvalidJSON"),
        (2, "blank line"),
        (3, "/api/v1/sessions/c1/commands/hangup"),
        (4, "/api/v1/sessions/c1/commands/answer"),
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


def test_blank_lines_get_a_skip_marker_so_outputs_pair_with_inputs(capsys, monkeypatch) -> None:
    data = b'\n{"type":"answer"}\n \t\r\n{"type":"bogus"}\n\n'
    argv = ["translate", "--from", "chirp", "--to", "canonical", "--call-id", "c"]
    code, out, _ = run(argv, data, capsys, monkeypatch)
    assert code == 1
    assert [line["line"] for line in out] == [1, 2, 3, 4, 5]
    assert out[0] == {"line": 1, "skipped": "blank line"}
    assert out[2] == {"line": 3, "skipped": "blank line"}
    assert out[4] == {"line": 5, "skipped": "blank line"}
    assert out[3]["error"]["line"] == 4
    assert out[3]["error"]["message"].startswith("$.type: unknown command type 'bogus' (valid: answer, ")
    code, out, _ = run(argv, b'{"type":"answer"}\n\n', capsys, monkeypatch)
    assert code == 0, "a blank line is not a failure"
    assert out == [
        {"line": 1, "method": "POST", "path": "/v1/calls/c/commands", "body": {"command": "answer"}},
        {"line": 2, "skipped": "blank line"},
    ]


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
    numbers = []
    for line in stdout.getvalue().splitlines():
        value = json.loads(line)
        numbers.append(value["line"])
        if "error" in value:
            assert set(value) == {"line", "error"}
            assert set(value["error"]) == {"type", "message", "path", "line"}
            assert value["error"]["line"] == value["line"]
        else:
            assert set(value) in ({"line", "method", "path", "body"}, {"line", "skipped"})
    assert numbers == sorted(set(numbers)), "one output line per input line, in order"


_GOOD = '{"type": "answer"}'
_LINES = st.sampled_from(["", "  ", _GOOD, "[1]", '"text"', "7", "{not json", '{"type": "bogus"}'])


@given(st.lists(_LINES, max_size=8))
def test_every_json_lines_input_line_gives_exactly_one_output_line(lines: list[str]) -> None:
    """The README's rule, for any mix of blank, good, broken and non-object lines (one document aside)."""
    import contextlib

    data = "".join(line + "\n" for line in lines).encode()
    stdout = io.StringIO()
    old = sys.stdin
    sys.stdin = io.TextIOWrapper(io.BytesIO(data))
    try:
        with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(io.StringIO()):
            code = main(["translate", "--from", "chirp", "--to", "gateway", "--call-id", "c1"])
    finally:
        sys.stdin = old
    out = [json.loads(line) for line in stdout.getvalue().splitlines()]
    content = [number for number, line in enumerate(lines, start=1) if line.strip()]
    if content and all(lines[number - 1] == "{not json" for number in content):
        # Nothing in it is JSON: one broken document, reported once at its first line.
        assert [(o["line"], o["error"]["type"]) for o in out] == [(content[0], "InvalidJSON")]
        assert code == 1
        return
    assert [o["line"] for o in out] == list(range(1, len(lines) + 1))
    for line, o in zip(lines, out, strict=True):
        if not line.strip():
            assert o == {"line": o["line"], "skipped": "blank line"}
        elif line == _GOOD:
            assert o["path"] == "/api/v1/sessions/c1/commands/answer"
        else:
            assert "error" in o
    assert code == (1 if any(line.strip() and line != _GOOD for line in lines) else 0)


def test_usage_errors_exit_2(capsys) -> None:
    with pytest.raises(SystemExit) as caught:
        main(["translate", "--from", "nosuch", "--to", "chirp"])
    assert caught.value.code == 2
    with pytest.raises(SystemExit) as caught:
        main(["translate", "--from", "chirp"])
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
    assert out[1] == {  # schema and decoder refuse the same spot: said once, in the decoder's words
        "line": 2,
        "valid": False,
        "errors": [{"source": "runtime", "path": "$.body", "message": "unexpected field(s): x"}],
    }
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
    )
    assert process.stdin is not None
    assert process.stdout is not None
    try:
        process.stdin.write(b'{"type": "hangup"\n{"type": "answer"}\n')
        process.stdin.flush()
        # Read the descriptor itself: a buffered readline() would pull both answers into Python's buffer,
        # and select() on the descriptor would then wait for data that has already been read.
        fd = process.stdout.fileno()
        received = b""
        while received.count(b"\n") < 2:
            ready, _, _ = select.select([fd], [], [], 30)
            assert ready, "no answer while the input stays open"
            chunk = os.read(fd, 65536)
            assert chunk, "the command ended before answering both lines"
            received += chunk
        answers = [json.loads(line) for line in received.splitlines()]
    finally:
        process.stdin.close()
        process.wait(timeout=30)
    assert answers[0]["error"]["line"] == 1
    assert answers[1] == {"line": 2, "method": "POST", "path": "/api/v1/sessions/c1/commands/answer", "body": {}}


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
    assert out[-1] == {"line": count + 1, "method": "POST", "path": "/api/v1/sessions/c1/commands/answer", "body": {}}


def _environment(**env: str) -> dict[str, str]:
    """A user's environment: buffered output (this sandbox sets PYTHONUNBUFFERED; CI and users do not)."""
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


# ---------------------------------------------------------------- input forms and exit status


HANGUP = "/api/v1/sessions/c1/commands/hangup"
ANSWER = "/api/v1/sessions/c1/commands/answer"


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b'\xef\xbb\xbf{"type":"hangup"}\n{"type":"answer"}\n', [(1, HANGUP), (2, ANSWER)]),
        (b'\xef\xbb\xbf{\n  "type": "hangup"\n}\n', [(1, HANGUP)]),
        (b'\xef\xbb\xbf\n{"type":"hangup"}\n', [(1, "blank line"), (2, HANGUP)]),
    ],
    ids=["json-lines", "one-document", "on-a-blank-first-line"],
)
def test_a_utf8_byte_order_mark_at_the_start_is_not_part_of_the_first_line(data, expected, capsys, monkeypatch) -> None:
    argv = ["translate", "--from", "chirp", "--to", "gateway", "--call-id", "c1"]
    code, out, _ = run(argv, data, capsys, monkeypatch)
    assert code == 0, out
    assert [(o["line"], o.get("path", o.get("skipped"))) for o in out] == expected


def test_a_utf8_byte_order_mark_in_a_file_is_accepted(tmp_path: Path, capsys) -> None:
    source = tmp_path / "in.jsonl"
    source.write_bytes(b'\xef\xbb\xbf{"type":"hangup"}\n')
    assert main(["translate", "--from", "chirp", "--to", "gateway", "--call-id", "c1", str(source)]) == 0
    assert json.loads(capsys.readouterr().out)["path"] == HANGUP


def test_output_lines_can_be_fed_to_the_next_command(tmp_path: Path, capsys) -> None:
    """``line`` rides along on a translated request, and a request document may carry it."""
    source, middle = tmp_path / "in.jsonl", tmp_path / "mid.jsonl"
    source.write_text('{"type":"hangup"}\n{"type":"answer"}\n')
    assert main(["translate", "--from", "chirp", "--to", "canonical", "--call-id", "c1", str(source)]) == 0
    middle.write_text(capsys.readouterr().out)
    assert main(["translate", "--from", "canonical", "--to", "gateway", str(middle)]) == 0
    out = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [(o["line"], o.get("path", o.get("skipped"))) for o in out] == [(1, HANGUP), (2, ANSWER)]


@pytest.mark.parametrize("name", ["missing", "a-directory"])
def test_an_unreadable_input_is_an_io_error_with_exit_status_1(name: str, tmp_path: Path) -> None:
    path = tmp_path / name
    if name == "a-directory":
        path.mkdir()
    command = [sys.executable, "-m", "callglot", "translate", "--from", "chirp", "--to", "gateway", str(path)]
    result = subprocess.run(command, capture_output=True, text=True)
    assert result.returncode == 1
    assert result.stdout == ""
    [message] = result.stderr.splitlines()
    assert message.startswith(f"callglot: cannot read {path}: ")


@pytest.mark.parametrize("path", [b"/h/\xff", b"hooks", b"/a b", b"/a#b", b"/a\\b", b"/\x1b[2J"])
def test_a_webhook_path_that_cannot_be_written_is_a_usage_error(path: bytes) -> None:
    command = [
        sys.executable.encode(),
        b"-m",
        b"callglot",
        b"translate-events",
        b"--from",
        b"chirp",
        b"--to",
        b"gateway",
    ]
    result = subprocess.run([*command, b"--path", path], capture_output=True, stdin=subprocess.DEVNULL)
    assert result.returncode == 2
    [message] = result.stderr.decode("utf-8", "replace").splitlines()
    assert "--path" in message
    assert "Traceback" not in message


SW_PLAY_FINISHED = {
    "event_type": "calling.call.play",
    "timestamp": 1700000000.5,
    "params": {"control_id": "play-1", "call_id": "3fa85f64-5717-4562-b3fc-2c963f66afa6", "state": "finished"},
}


def test_a_webhook_path_with_a_query_or_non_ascii_letters_is_used(tmp_path: Path, capsys) -> None:
    source = tmp_path / "in.jsonl"
    source.write_text(json.dumps(SW_PLAY_FINISHED) + "\n")
    argv = ["translate-events", "--from", "signalwire", "--to", "canonical", "--path", "/hooks/caf\u00e9?key=1"]
    assert main([*argv, str(source)]) == 0
    assert json.loads(capsys.readouterr().out)["path"] == "/hooks/caf\u00e9?key=1"


# ---------------------------------------------------------------- schemas, validation, URL policy, help


@pytest.mark.parametrize("dialect", ["canonical", "chirp", "gateway", "signalwire"])
def test_schema_prints_a_dialects_events_schema(dialect: str, capsys) -> None:
    from callglot.schemas import load_schema

    assert main(["schema", f"{dialect}.events"]) == 0
    assert json.loads(capsys.readouterr().out) == load_schema(f"{dialect}.events")


@pytest.mark.parametrize("name", ["chirp.commands", "nosuch.events", "chirp.events.x"])
def test_schema_names_that_are_not_shipped_are_usage_errors(name: str, capsys) -> None:
    with pytest.raises(SystemExit) as caught:
        main(["schema", name])
    assert caught.value.code == 2
    assert len(capsys.readouterr().err.splitlines()) == 1


def test_validate_events_checks_webhooks_against_the_events_schema_and_decoder(tmp_path: Path, capsys) -> None:
    bad_state = {**SW_PLAY_FINISHED, "params": {**SW_PLAY_FINISHED["params"], "state": "dancing"}}
    source = tmp_path / "hooks.jsonl"
    documents = [SW_PLAY_FINISHED, {"method": "POST", "path": "/hooks", "body": bad_state}]
    source.write_text("".join(json.dumps(d) + "\n" for d in documents))
    assert main(["validate", "--events", "--dialect", "signalwire", str(source)]) == 1
    out = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert out[0] == {"line": 1, "valid": True}
    assert out[1]["valid"] is False
    assert out[1]["errors"][0]["source"] == "runtime"
    assert out[1]["errors"][0]["path"] == "$.body.params.state"
    # The same webhook validated as a command is refused: --events is what says what the input is.
    source.write_text(json.dumps(SW_PLAY_FINISHED) + "\n")
    assert main(["validate", "--dialect", "signalwire", str(source)]) == 1


def test_validate_speaks_the_decoders_words_not_a_schema_regex(tmp_path: Path, capsys) -> None:
    play = {"command": "calling.play", "id": "3fa85f64-5717-4562-b3fc-2c963f66afa6"}
    bodies = [
        {**play, "params": {"play": [{"type": "audio", "params": {"url": "ftp://cdn.example.com/a.mp3"}}]}},
        {**play, "params": {"play": [{"type": "audio", "params": {"url": "https://10.0.0.1/a.mp3"}}]}},
    ]
    source = tmp_path / "in.jsonl"
    source.write_text("".join(json.dumps(b) + "\n" for b in bodies))
    assert main(["validate", "--dialect", "signalwire", str(source)]) == 1
    out = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert out[0]["errors"] == [
        {
            "source": "runtime",
            "path": "$.params.play[0].params.url",
            "message": "scheme 'ftp' is not allowed (allowed: https)",
        }
    ]
    assert out[1]["errors"] == [
        {"source": "runtime", "path": "$.params.play[0].params.url", "message": "host 10.0.0.1 is a private address"}
    ]


def test_schema_pattern_errors_are_shown_without_the_pattern() -> None:
    from callglot.cli import _schema_errors

    document = {"method": "POST", "path": "/v1/calls/c1/commands", "body": {"type": "send_dtmf", "digits": "x"}}
    [(path, message, keyword, url_field)] = _schema_errors(callglot.get_dialect("chirp").validator(), document)
    assert (path, message, keyword, url_field) == (
        "$.body.digits",
        '"x" is not in the form the schema requires',
        "pattern",
        False,
    )
    document["body"] = {"type": "play_audio", "url": "ftp://cdn.example.com/" + "a" * 300}
    [(path, message, keyword, url_field)] = _schema_errors(callglot.get_dialect("chirp").validator(), document)
    assert (path, keyword, url_field) == ("$.body.url", "pattern", True)
    assert message.endswith("... is not a URL callglot accepts")
    assert len(message) < 100


LOCAL = {"type": "play_audio", "url": "http://localhost:8080/prompt.mp3"}


@pytest.mark.parametrize("command", ["translate", "validate"])
def test_url_policy_flags_admit_a_local_http_test_server(command: str, capsys, monkeypatch) -> None:
    argv = [command, *(["--from", "chirp", "--to", "gateway"] if command == "translate" else ["--dialect", "chirp"])]
    argv += ["--call-id", "c1"]
    data = json.dumps(LOCAL).encode() + b"\n"
    code, out, _ = run(argv, data, capsys, monkeypatch)
    assert code == 1, "refused by default: public https only"
    code, out, _ = run([*argv, "--allow-insecure-urls"], data, capsys, monkeypatch)
    assert code == 1, "localhost is still not a public host"
    code, out, _ = run([*argv, "--allow-insecure-urls", "--allow-host", "localhost"], data, capsys, monkeypatch)
    assert code == 0, out
    if command == "translate":
        assert out[0]["body"] == {"urls": ["http://localhost:8080/prompt.mp3"]}
    else:
        assert out == [{"line": 1, "valid": True}]


def test_allow_host_is_repeatable_and_checked(capsys, monkeypatch) -> None:
    argv = ["translate", "--from", "chirp", "--to", "gateway", "--call-id", "c1", "--allow-insecure-urls"]
    data = b"".join(
        json.dumps({"type": "play_audio", "url": url}).encode() + b"\n"
        for url in ("http://localhost:8080/a.mp3", "http://127.0.0.1/a.mp3", "http://[::1]/a.mp3")
    )
    code, out, _ = run([*argv, "--allow-host", "localhost", "--allow-host", "127.0.0.1"], data, capsys, monkeypatch)
    assert code == 1
    assert ["error" in o for o in out] == [False, False, True]
    for host in ("http://localhost", "localhost:8080", "a b", "localhost/x", ""):
        with pytest.raises(SystemExit) as caught:
            main([*argv, "--allow-host", host])
        assert caught.value.code == 2
        assert "--allow-host" in capsys.readouterr().err


def test_help_lists_the_dialects_the_exit_statuses_and_an_example(capsys) -> None:
    with pytest.raises(SystemExit) as caught:
        main(["--help"])
    assert caught.value.code == 0
    text = capsys.readouterr().out
    assert "dialects: canonical, chirp, gateway, signalwire" in text
    for status in ("0  every line", "1  a line failed", "2  usage error"):
        assert status in text
    assert "callglot translate --from chirp --to gateway" in text


def test_a_usage_error_is_one_line(capsys) -> None:
    with pytest.raises(SystemExit) as caught:
        main(["translate", "--from", "chirp"])
    assert caught.value.code == 2
    [message] = capsys.readouterr().err.splitlines()
    assert "--to" in message


# ---------------------------------------------------------------- call ids


SW_CALL = "3fa85f64-5717-4562-b3fc-2c963f66afa6"


@pytest.mark.parametrize(
    "body",
    [{"command": "calling.end", "params": {}}, {"command": "update", "params": {"status": "completed"}}],
    ids=["calling", "update"],
)
def test_call_id_names_the_call_of_bare_signalwire_bodies(body, capsys, monkeypatch) -> None:
    data = json.dumps(body).encode() + b"\n"
    argv = ["translate", "--from", "signalwire", "--to", "chirp", "--call-id", SW_CALL]
    code, out, _ = run(argv, data, capsys, monkeypatch)
    assert code == 0, out
    assert out[0]["path"] == f"/v1/calls/{SW_CALL}/commands"
    code, out, _ = run(["validate", "--dialect", "signalwire", "--call-id", SW_CALL], data, capsys, monkeypatch)
    assert out == [{"line": 1, "valid": True}]
    for command in (["translate", "--from", "signalwire", "--to", "chirp"], ["validate", "--dialect", "signalwire"]):
        with pytest.raises(SystemExit) as caught:  # checked once, not as an error on every line
            main([*command, "--call-id", "c1"])
        assert caught.value.code == 2
        assert capsys.readouterr().err.startswith("callglot: --call-id: SignalWire call ids are UUIDs")


def test_a_call_id_the_target_cannot_address_is_a_usage_error(capsys) -> None:
    with pytest.raises(SystemExit) as caught:
        main(["translate", "--from", "chirp", "--to", "signalwire", "--call-id", "c1"])
    assert caught.value.code == 2
    assert capsys.readouterr().err == "callglot: --call-id: SignalWire call ids are UUIDs\n"


def test_a_call_id_the_target_refuses_points_at_the_path_and_suggests_call_id(capsys, monkeypatch) -> None:
    document = {"method": "POST", "path": "/v1/calls/c1/commands", "body": {"type": "hangup"}}
    argv = ["translate", "--from", "chirp", "--to", "signalwire"]
    code, out, _ = run(argv, json.dumps(document).encode(), capsys, monkeypatch)
    assert code == 1
    assert out[0]["error"]["path"] == "$.path"
    assert out[0]["error"]["message"].startswith("$.path: call id 'c1': SignalWire call ids are UUIDs")
    assert "--call-id" in out[0]["error"]["message"]
    code, out, _ = run([*argv, "--call-id", SW_CALL], json.dumps(document).encode(), capsys, monkeypatch)
    assert code == 0
    assert out[0]["body"] == {"command": "calling.end", "id": SW_CALL, "params": {"reason": "hangup"}}


# ---------------------------------------------------------------- progress


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.fixture
def progress_at_once(monkeypatch):
    from callglot import cli

    monkeypatch.setattr(cli, "PROGRESS_AFTER", 0.0)  # every run counts as long: no timing in the test
    monkeypatch.setattr(cli, "PROGRESS_EVERY", 0.0)


def _lines_file(tmp_path: Path, count: int) -> Path:
    source = tmp_path / "in.jsonl"
    source.write_text('{"type":"hangup"}\n' * count)
    return source


def test_a_long_run_shows_progress_on_a_terminals_stderr(tmp_path: Path, capsys, monkeypatch, progress_at_once) -> None:
    terminal = _Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    argv = ["translate", "--from", "chirp", "--to", "gateway", "--call-id", "c1"]
    assert main([*argv, str(_lines_file(tmp_path, 50))]) == 0
    shown = terminal.getvalue()
    assert "100.0% 50 lines" in shown
    assert shown.endswith("\r"), "the progress line is erased at the end"
    assert len(capsys.readouterr().out.splitlines()) == 50, "results are not mixed with progress"


def test_progress_from_a_pipe_counts_lines(capsys, monkeypatch, progress_at_once) -> None:
    terminal = _Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(b'{"type":"hangup"}\n' * 7)))
    assert main(["validate", "--dialect", "chirp", "--call-id", "c1"]) == 0
    assert "\r7 lines" in terminal.getvalue()


def test_no_progress_when_stderr_is_not_a_terminal(tmp_path: Path, capsys, progress_at_once) -> None:
    assert (
        main(["translate", "--from", "chirp", "--to", "gateway", "--call-id", "c1", str(_lines_file(tmp_path, 50))])
        == 0
    )
    assert capsys.readouterr().err == ""


def test_no_progress_when_the_results_go_to_the_same_terminal(tmp_path: Path, monkeypatch, progress_at_once) -> None:
    terminal, screen = _Terminal(), _Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    monkeypatch.setattr(sys, "stdout", screen)
    assert (
        main(["translate", "--from", "chirp", "--to", "gateway", "--call-id", "c1", str(_lines_file(tmp_path, 5))]) == 0
    )
    assert terminal.getvalue() == ""
    assert len(screen.getvalue().splitlines()) == 5


def test_a_report_line_is_not_written_over_the_progress_line(
    tmp_path: Path, capsys, monkeypatch, progress_at_once
) -> None:
    terminal = _Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    source = tmp_path / "in.jsonl"
    source.write_text('{"type":"play_audio","url":"https://cdn.example.com/a.mp3","loop":true}\n' * 3)
    assert main(["translate", "--from", "chirp", "--to", "gateway", "--call-id", "c1", "--lenient", str(source)]) == 0
    reports = [line for line in terminal.getvalue().split("\n") if "dropped Play.loop" in line]
    assert len(reports) == 3
    assert all(line.rsplit("\r", 1)[-1].startswith("callglot: line ") for line in reports)


@given(st.dictionaries(st.text(max_size=4), json_values(), max_size=4))
def test_result_lines_are_encoded_as_the_json_encoder_encodes_them(value: dict[str, Any]) -> None:
    """The result encoder (json's C encoder, built once) writes what ``JSONEncoder.encode`` writes."""
    from callglot import cli

    assert cli._encode_result(value) == cli._ENCODER.encode(value)


def test_validate_answers_a_document_nested_as_deep_as_json_parses(capsys, monkeypatch) -> None:
    """Near the parser's depth limit the schema check (jsonschema recurses, and reprs for its messages)
    runs out of stack: each line still gets its answer, never a traceback."""
    lines = [b"[" * depth + b"]" * depth + b"\n" for depth in range(850, 1000, 5)]
    code, out, err = run(["validate", "--dialect", "chirp", "--call-id", "c1"], b"".join(lines), capsys, monkeypatch)
    assert code == 1
    assert len(out) == len(lines)
    assert all(result.get("valid") is False or result["error"]["type"] == "InvalidJSON" for result in out), out
    assert "Traceback" not in err
