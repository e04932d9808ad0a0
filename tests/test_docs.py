"""The generated docs match the capability data; the README's examples hold."""

from __future__ import annotations

import json
from pathlib import Path

import callglot
from callglot.canonical import COMMANDS
from callglot.canonical.events import EVENTS
from callglot.capabilities import Support
from callglot.matrix import GENERATED_HEADER, matrix, render_matrix

ROOT = Path(__file__).parent.parent


def all_dialects() -> list[callglot.Dialect]:
    return [callglot.get_dialect(name) for name in callglot.dialects()]


def test_capabilities_doc_is_up_to_date() -> None:
    expected = render_matrix(all_dialects(), "markdown")
    actual = (ROOT / "docs" / "capabilities.md").read_text(encoding="utf-8")
    assert actual == expected, (
        "docs/capabilities.md is stale: run `callglot matrix --format markdown > docs/capabilities.md`"
    )
    assert actual.startswith(GENERATED_HEADER)


def test_matrix_covers_every_command_in_every_dialect() -> None:
    data = matrix(all_dialects())
    assert data["dialects"] == list(callglot.dialects())
    assert {"canonical", "chirp", "gateway"} <= set(data["dialects"])
    assert list(data["commands"]) == [cls.__name__ for cls in COMMANDS]
    for row in data["commands"].values():
        assert set(row) == set(data["dialects"])
        for cell in row.values():
            assert cell["support"] in {s.value for s in Support}
            assert isinstance(cell["note"], str)


def test_every_non_native_cell_explains_itself() -> None:
    for dialect in all_dialects():
        for cls, capability in dialect.capabilities.items():
            if capability.support is not Support.NATIVE:
                assert capability.describe(), f"{dialect.name}.{cls.__name__} has no note"
            if capability.support is Support.PARTIAL:
                assert capability.fields, f"{dialect.name}.{cls.__name__} is partial but lists no field"


def test_json_matrix_round_trips_through_json() -> None:
    text = render_matrix(all_dialects(), "json")
    assert json.loads(text) == matrix(all_dialects())


def test_text_matrix_has_a_row_per_command_and_per_event() -> None:
    lines = render_matrix(all_dialects(), "text").splitlines()
    assert len(lines) == len(COMMANDS) + 1 + 1 + len(EVENTS) + 1 + 1  # the last row: UnknownEvent
    assert lines[0].split() == ["command", *callglot.dialects()]
    events_header = len(COMMANDS) + 2
    assert lines[events_header - 1] == ""
    assert lines[events_header].split() == ["event", *callglot.dialects()]
    assert [line.split()[0] for line in lines[events_header + 1 :]] == [cls.__name__ for cls in EVENTS] + [
        "UnknownEvent"
    ]


def test_matrix_covers_every_event_in_every_dialect() -> None:
    data = matrix(all_dialects())
    assert list(data["events"]) == [cls.__name__ for cls in EVENTS] + ["UnknownEvent"]
    for row in data["events"].values():
        assert set(row) == set(data["dialects"])
    for dialect in all_dialects():
        assert set(dialect.event_capabilities) == set(EVENTS), dialect.name


def test_readme_webhook_example_holds() -> None:
    """The README's 'Responses and webhooks' example, claim by claim."""
    import pytest

    from callglot.canonical.events import OperationState, PlaybackEvent

    call = "0b7c1a2e-3f4d-4e5f-8a9b-0c1d2e3f4a5b"
    body = {
        "event_type": "calling.call.play",
        "timestamp": 1764000000.5,
        "params": {"control_id": "play-1", "call_id": call, "state": "finished"},
    }
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert (
        '"params": {"control_id": "play-1", "call_id": "0b7c1a2e-3f4d-4e5f-8a9b-0c1d2e3f4a5b", "state": "finished"}'
        in readme
    )
    hook = callglot.HttpRequest(method="POST", path="/hooks", body=body)
    assert callglot.get_dialect("signalwire").decode_event(hook) == PlaybackEvent(
        call_id=call, timestamp=1764000000.5, control_id="play-1", state=OperationState.FINISHED
    )
    with pytest.raises(callglot.UnsupportedField) as caught:
        callglot.translate_event(hook, source="signalwire", target="gateway")
    assert caught.value.field == "timestamp"
    out = callglot.translate_event(
        hook, source="signalwire", target="gateway", policy=callglot.Policy.LENIENT, path="/gw"
    )
    assert out.value.body == {"event": "playback.stopped", "session_uuid": call, "data": {}}
    assert [a.field for a in out.report] == ["timestamp", "control_id"]


def _python_blocks(markdown: str) -> list[str]:
    blocks, current = [], None
    for line in markdown.splitlines():
        if current is None and line.strip() == "```python":
            current = []
        elif current is not None and line.strip() == "```":
            blocks.append("\n".join(current))
            current = None
        elif current is not None:
            current.append(line)
    return blocks


def test_every_python_block_in_the_readme_runs_top_to_bottom() -> None:
    """A reader copies a snippet whole: it must run as written, its refusals caught where it shows them."""
    blocks = _python_blocks((ROOT / "README.md").read_text(encoding="utf-8"))
    assert len(blocks) >= 2
    for number, block in enumerate(blocks, 1):
        exec(compile(block, f"README.md python block {number}", "exec"), {"__name__": f"readme_{number}"})
