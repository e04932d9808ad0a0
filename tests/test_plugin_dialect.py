"""A dialect from outside callglot, made with the public toolkit alone (tests/acme_dialect), registered
at run time: it translates to and from the built-in dialects, its capability table comes from its
route table, the matrix and the CLI show it, and its own schema package is used."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from acme_dialect import AcmeDialect

import callglot
import callglot.adapters as registry
from callglot import HttpRequest, Policy
from callglot.canonical import Audio, Cancel, Hangup, HangupCause, Play, SendDigits
from callglot.capabilities import Action, Support
from callglot.cli import main
from callglot.errors import InvalidMessage, UnknownCommand, UnsupportedCommand, UnsupportedField
from callglot.matrix import matrix


@pytest.fixture
def acme() -> Iterator[callglot.adapters.Dialect]:
    dialect = registry.register_dialect(AcmeDialect)
    try:
        yield dialect
    finally:  # the other tests iterate the registry: leave it as it was
        registry._registered.pop("acme", None)
        registry._loaded.pop("acme", None)


def test_a_registered_plugin_translates_both_ways_with_the_built_in_dialects(acme: callglot.adapters.Dialect) -> None:
    assert "acme" in callglot.dialects()
    assert callglot.get_dialect("acme") is acme
    chirp = HttpRequest(method="POST", path="/v1/calls/call_1/commands", body={"type": "send_dtmf", "digits": "12#"})
    out = callglot.translate(chirp, source="chirp", target="acme")
    assert out.value == HttpRequest(method="POST", path="/calls/call_1/dtmf", body={"digits": "12#"})
    back = callglot.translate(out.value, source="acme", target="chirp")
    assert back.value == chirp
    hangup = callglot.translate(
        HttpRequest(method="POST", path="/calls/c9/hangup", body={}),
        source="acme",
        target="signalwire",
        call_id="3fa85f64-5717-4562-b3fc-2c963f66afa6",
    )
    assert hangup.value.body["command"] == "calling.end"


def test_the_plugins_capabilities_come_from_its_route_table(acme: callglot.adapters.Dialect) -> None:
    assert acme.capabilities[SendDigits].support is Support.PARTIAL  # it declared a lost field
    assert acme.capabilities[Cancel].support is Support.EMULATED
    assert acme.capabilities[Play].support is Support.UNSUPPORTED
    with pytest.raises(UnsupportedField, match="participant_id"):
        acme.encode(SendDigits(digits="1", participant_id="p1"), call_id="c1")
    lenient = acme.encode(SendDigits(digits="1", participant_id="p1"), call_id="c1", policy=Policy.LENIENT)
    assert [(a.action, a.field) for a in lenient.report] == [(Action.DROPPED, "participant_id")]
    assert lenient.value.body == {"digits": "1"}
    cancel = acme.encode(Cancel(), call_id="c1")  # the emulation, reported as such
    assert (cancel.value.path, [a.action for a in cancel.report]) == ("/calls/c1/hangup", [Action.EMULATED])
    assert acme.decode(cancel.value).command == Hangup()  # the hangup tag decodes to Hangup alone
    with pytest.raises(UnsupportedField, match="cause"):
        acme.encode(Hangup(cause=HangupCause.USER_BUSY), call_id="c1")
    with pytest.raises(UnsupportedCommand):
        acme.encode(Play(media=(Audio(url="https://cdn.example.com/a.mp3"),)), call_id="c1")


def test_the_plugins_bad_input_gets_errors_at_json_paths(acme: callglot.adapters.Dialect) -> None:
    def refused(path: str, body: object) -> InvalidMessage:
        with pytest.raises(InvalidMessage) as error:
            acme.decode(HttpRequest(method="POST", path=path, body=body))
        return error.value

    assert refused("/calls/c1/dtmf", {"digits": "12x"}).path == "$.digits"  # the canonical check, at its wire key
    assert refused("/calls/c1/dtmf", {"digits": 12}).path == "$.digits"
    assert refused("/calls/c1/dtmf", {"digits": "1", "loud": True}).path == "$"
    assert refused("/calls/c1/dtmf", []).path == "$"
    with pytest.raises(UnknownCommand, match="valid: answer, hangup, dtmf"):
        acme.decode(HttpRequest(method="POST", path="/calls/c1/transfer", body={}))


def test_the_matrix_and_the_cli_show_the_plugin_with_its_own_schema(
    acme: callglot.adapters.Dialect, capsys: pytest.CaptureFixture[str]
) -> None:
    data = matrix([callglot.get_dialect(name) for name in callglot.dialects()])
    assert data["commands"]["SendDigits"]["acme"] == {
        "support": "partial",
        "note": "participant_id: Acme sends digits to the whole call",
    }
    assert main(["schema", "acme"]) == 0
    assert json.loads(capsys.readouterr().out)["title"].startswith("Acme command request")
    with pytest.raises(SystemExit) as usage:  # none ships: said, not a crash
        main(["schema", "acme.events"])
    assert usage.value.code == 2
    assert "no events schema ships for dialect 'acme'" in capsys.readouterr().err
