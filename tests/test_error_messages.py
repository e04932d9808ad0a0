"""Decoder errors that help a person fix the message: typos named with the field meant, valid types listed."""

from __future__ import annotations

import pytest

import callglot

CALL = "3fa85f64-5717-4562-b3fc-2c963f66afa6"
SW = "/api/calling/calls"
AUDIO = "https://cdn.example.com/a.mp3"


@pytest.mark.parametrize(
    ("dialect", "path", "body", "where", "shown"),
    [
        ("chirp", "/v1/calls/c1/commands", {"type": "play_audio", "ulr": AUDIO}, "$", "ulr (did you mean url?)"),
        ("chirp", "/v1/calls/c1/commands", {"type": "reject", "resaon": "x"}, "$", "resaon (did you mean reason?)"),
        (
            "canonical",
            "/v1/calls/c1/commands",
            {"command": "hangup", "caus": "USER_BUSY"},
            "$",
            "caus (did you mean cause?)",
        ),
        ("gateway", "/api/v1/sessions/s1/commands/hangup", {"casue": "USER_BUSY"}, "$", "casue (did you mean cause?)"),
        ("signalwire", SW, {"command": "calling.end", "idd": CALL, "params": {}}, "$", "idd (did you mean id?)"),
        (
            "signalwire",
            SW,
            {"command": "calling.play", "id": CALL, "params": {"play": [{"type": "audio", "params": {"ulr": AUDIO}}]}},
            "$.params.play[0].params",
            "ulr (did you mean url?)",
        ),
    ],
)
def test_an_unexpected_field_is_named_with_the_field_it_may_stand_for(dialect, path, body, where, shown) -> None:
    with pytest.raises(callglot.DecodeError) as caught:
        callglot.get_dialect(dialect).decode(callglot.HttpRequest(method="POST", path=path, body=body))
    assert caught.value.path == where
    assert caught.value.reason == f"unexpected field(s): {shown}"


def test_an_unexpected_field_like_no_known_one_gets_no_suggestion() -> None:
    from callglot.adapters._structure import unexpected_fields

    assert (
        unexpected_fields(["zzzz", "ulr"], known=["url", "loop"])
        == "unexpected field(s): ulr (did you mean url?), zzzz"
    )
    assert unexpected_fields(["ulr"]) == "unexpected field(s): ulr"


@pytest.mark.parametrize(
    ("dialect", "path", "body", "where", "valid"),
    [
        ("chirp", "/v1/calls/c1/commands", {"type": "hangpu"}, "$.type", ["answer", "hangup", "send_to_voicemail"]),
        ("canonical", "/v1/calls/c1/commands", {"command": "hangpu"}, "$.command", ["hangup", "stop_playback"]),
        ("signalwire", SW, {"command": "calling.ned", "id": CALL, "params": {}}, "$.command", ["dial", "calling.end"]),
        ("gateway", "/api/v1/sessions/s1/commands/hangpu", {}, "$", ["answer", "hangup", "playback/start"]),
    ],
)
def test_an_unknown_command_type_lists_the_valid_ones(dialect, path, body, where, valid) -> None:
    with pytest.raises(callglot.UnknownCommand) as caught:
        callglot.get_dialect(dialect).decode(callglot.HttpRequest(method="POST", path=path, body=body))
    assert caught.value.path == where
    listed = caught.value.reason.partition("(valid: ")[2].rstrip(")").split(", ")
    assert set(valid) <= set(listed)
    assert "\n" not in caught.value.reason


def test_an_unknown_name_is_refused_with_the_table_as_it_is_now() -> None:
    """route_for keeps the list of valid names it words, but never a list the table has changed since."""
    from callglot.adapters.toolkit import route_for

    table = {"answer": 1, "hangup": 2}
    for expected in ("answer, hangup", "answer, dtmf", "answer, dtmf, hold"):
        with pytest.raises(callglot.UnknownCommand, match=rf"\(valid: {expected}\)$"):
            route_for(table, "dance", "$.type", "command type")
        if "dtmf" not in table:
            del table["hangup"]
            table["dtmf"] = 2  # the same size: a list kept by size alone would still say hangup
        else:
            table["hold"] = 3


def test_tables_built_per_call_do_not_grow_what_route_for_keeps() -> None:
    from callglot.adapters import _base
    from callglot.adapters.toolkit import route_for

    for index in range(500):
        with pytest.raises(callglot.UnknownCommand):
            route_for({f"command{index}": 1}, "dance", "$.type", "command type")
    assert len(_base._VALID_KEYS) <= _base._VALID_KEYS_MAX
