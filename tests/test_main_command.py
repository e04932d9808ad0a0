"""The README's main command, ``bash examples/run.sh``: it works, and when it cannot, it says so and fails.

Each test runs the real script on a copy of ``examples/`` in a temporary folder. The
path that installs callglot from PyPI into a fresh venv needs the network, so ``.ci/run``
runs it on every submission; here the interpreter is the test's own (``CALLGLOT_PYTHON``)
or a stand-in ``python3`` whose install step fails.
"""

from __future__ import annotations

import json
import os
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
COMMANDS = (EXAMPLES / "chirp-commands.jsonl").read_text(encoding="utf-8").splitlines()

pytestmark = pytest.mark.skipif(shutil.which("bash") is None, reason="the main command is a bash script")


@pytest.fixture
def checkout(tmp_path: Path) -> Path:
    shutil.copytree(EXAMPLES, tmp_path / "examples", ignore=shutil.ignore_patterns("__pycache__"))
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'stand-in'\n", encoding="utf-8")
    return tmp_path


def _run(checkout: Path, **env: str) -> subprocess.CompletedProcess[str]:
    environment = {key: value for key, value in os.environ.items() if key != "CALLGLOT_PYTHON"}
    return subprocess.run(
        ["bash", str(checkout / "examples" / "run.sh")],
        env={**environment, **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def _executable(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    path.chmod(path.stat().st_mode | stat.S_IXUSR)
    return path


def test_the_main_command_translates_every_example_and_pairs_output_with_input(checkout: Path) -> None:
    done = _run(checkout, CALLGLOT_PYTHON=sys.executable)
    assert done.returncode == 0, done.stderr
    total = len(COMMANDS)
    assert f"== chirp -> canonical: {total} of {total} commands translated" in done.stdout
    gateway = [json.loads(line) for line in (checkout / "out" / "chirp-to-gateway.jsonl").read_text().splitlines()]
    assert len(gateway) == total
    refused = sum("error" in answer for answer in gateway)
    assert 0 < refused < total  # the gateway has no hold, transfer or dial: some lines must be refused
    assert f"== chirp -> gateway: {total - refused} of {total} commands translated" in done.stdout


def test_a_crash_is_a_failure_not_lines_refused(checkout: Path, tmp_path: Path) -> None:
    """The CLI's crash and its "some lines refused" both exit 1; only the output tells them apart."""
    crashing = _executable(
        tmp_path / "crashing-python",
        f'#!/bin/sh\nif [ "$1 $2" = "-m callglot" ]; then\n'
        f'  echo "Traceback (most recent call last):" >&2; echo "ModuleNotFoundError: boom" >&2; exit 1\n'
        f'fi\nexec "{sys.executable}" "$@"\n',
    )
    done = _run(checkout, CALLGLOT_PYTHON=str(crashing))
    assert done.returncode == 1
    last = done.stderr.strip().splitlines()[-1]
    assert (
        last
        == f"examples/run.sh: chirp -> canonical: callglot answered 0 of {len(COMMANDS)} lines: ModuleNotFoundError: boom"
    )
    assert "commands translated" not in done.stdout


def test_an_interpreter_without_callglot_is_one_clear_line(checkout: Path, tmp_path: Path) -> None:
    bare = _executable(tmp_path / "bare-python", f'#!/bin/sh\nexec "{sys.executable}" -I -S "$@"\n')
    done = _run(checkout, CALLGLOT_PYTHON=str(bare))
    assert done.returncode == 1
    assert done.stderr.strip() == f"examples/run.sh: CALLGLOT_PYTHON={bare} cannot import callglot"


def test_an_install_that_fails_half_way_leaves_no_venv_to_trust(checkout: Path, tmp_path: Path) -> None:
    """A python3 whose venvs have no pip: the install fails after .venv exists, and the venv must go."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    _executable(
        bin_dir / "python3",
        f'#!/bin/sh\nif [ "$1 $2" = "-m venv" ]; then exec "{sys.executable}" -m venv --without-pip "$3"; fi\n'
        f'exec "{sys.executable}" "$@"\n',
    )
    (checkout / ".venv" / "bin").mkdir(parents=True)  # an earlier broken attempt: must not be trusted
    environment = {"PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}"}
    for _attempt in range(2):  # and the next run does not trust what the first left either
        done = _run(checkout, **environment)
        assert done.returncode == 1
        assert done.stderr.strip().splitlines()[-1] == (
            "examples/run.sh: installing callglot into .venv failed (pip's output is above)"
        )
        assert not (checkout / ".venv").exists()
    assert not (checkout / "out").exists()


def test_an_old_python3_is_refused_before_anything_is_installed(checkout: Path, tmp_path: Path) -> None:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    _executable(bin_dir / "python3", '#!/bin/sh\nif [ "$1" = "-V" ]; then echo "Python 3.9.2"; exit 0; fi\nexit 1\n')
    done = _run(checkout, PATH=f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
    assert done.returncode == 1
    assert done.stderr.strip() == "examples/run.sh: callglot needs Python 3.11 or newer; python3 is Python 3.9.2"
    assert not (checkout / ".venv").exists()
