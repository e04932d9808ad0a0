"""Check one ``callglot translate`` run of the main job and print its summary line.

Usage: check_output.py INPUT OUTPUT EXIT_STATUS STDERR_LOG LABEL

The CLI exits 1 both when a line cannot be said in the target (expected: the
gateway has no hold) and when Python itself fails. This tells them apart: a
good run answers every input line with one JSON object, in order, its refusals
are the target's (an EncodeError type), never a decoding error on the shipped
examples, and its exit status agrees with the refusals.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

#: What a dialect may refuse in valid input: it cannot express a command or one of its fields.
EXPECTED_REFUSALS = frozenset({"UnsupportedCommand", "UnsupportedField"})


def _last_line(log: Path) -> str:
    lines = [line for line in log.read_text(encoding="utf-8", errors="replace").splitlines() if line.strip()]
    return lines[-1] if lines else "(nothing on stderr)"


def check(input_path: Path, output_path: Path, status: int, log: Path) -> tuple[int, int]:
    """(translated, total), or raise SystemExit with the one line that says what is wrong."""
    inputs = input_path.read_text(encoding="utf-8").splitlines()
    outputs = output_path.read_text(encoding="utf-8").splitlines()
    if status not in (0, 1):
        raise SystemExit(f"callglot exited {status}: {_last_line(log)}")
    if len(outputs) != len(inputs):
        raise SystemExit(f"callglot answered {len(outputs)} of {len(inputs)} lines: {_last_line(log)}")
    refused = 0
    for number, text in enumerate(outputs, 1):
        try:
            answer = json.loads(text)
        except ValueError:
            raise SystemExit(f"output line {number} is not JSON: {text[:80]!r}") from None
        if not isinstance(answer, dict):
            raise SystemExit(f"output line {number} is not a JSON object: {text[:80]!r}")
        error = answer.get("error")
        if error is None:
            continue
        refused += 1
        kind = error.get("type") if isinstance(error, dict) else None
        if kind not in EXPECTED_REFUSALS:
            raise SystemExit(f"line {number} of {input_path} failed to translate ({kind}): {error}")
    if (status == 1) != (refused > 0):
        raise SystemExit(f"callglot exited {status} with {refused} refused lines: {_last_line(log)}")
    return len(inputs) - refused, len(inputs)


def main(argv: list[str]) -> int:
    if len(argv) != 5:
        print(__doc__.splitlines()[2], file=sys.stderr)
        return 2
    input_path, output_path, status, log, label = argv
    try:
        translated, total = check(Path(input_path), Path(output_path), int(status), Path(log))
    except SystemExit as failure:
        print(f"examples/run.sh: {label}: {failure}", file=sys.stderr)
        return 1
    note = f"; adaptations in {log}" if Path(log).stat().st_size else ""
    print(f"== {label}: {translated} of {total} commands translated ({output_path}{note})")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
