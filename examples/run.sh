#!/usr/bin/env bash
# The main job: a Chirp-speaking application moved onto SignalWire through the translating
# proxy, against the SignalWire simulator, on loopback (examples/migration.py prints every hop).
# Then the second example, on the shipped example data: every Chirp command type translated to
# canonical JSON and to the gateway dialect. Output goes to out/; error lines are the commands
# the target cannot express (see docs/capabilities.md).
#
# It runs callglot from a private .venv built from this checkout (only python3 >= 3.11
# is needed), or from $CALLGLOT_PYTHON, an interpreter that already has callglot.
# Any failure - no python3, a failed install, a crash, output that does not pair
# with the input - ends it with one "examples/run.sh: ..." line and exit status 1.
set -euo pipefail
cd "$(dirname "$0")/.."

die() {
    echo "examples/run.sh: $*" >&2
    exit 1
}

venv_ready() {
    # Ready only when the marker written after a complete install matches this checkout's
    # pyproject.toml, and callglot imports with its dependencies: a half-done install is rebuilt.
    [ -f .venv/callglot-installed ] &&
        [ "$(cat .venv/callglot-installed)" = "$1" ] &&
        .venv/bin/python -c "import callglot.cli, cattrs, starlette, uvicorn, prometheus_client" 2>/dev/null
}

if [ -n "${CALLGLOT_PYTHON:-}" ]; then
    python=$CALLGLOT_PYTHON
    "$python" -c "import callglot.cli" 2>/dev/null || die "CALLGLOT_PYTHON=$python cannot import callglot"
    "$python" -c "import starlette, uvicorn, prometheus_client" 2>/dev/null ||
        die "CALLGLOT_PYTHON=$python lacks the server extra (pip install 'callglot[server]')"
else
    command -v python3 >/dev/null || die "python3 not found on PATH (callglot needs Python 3.11 or newer)"
    python3 -c "import sys; sys.exit(sys.version_info < (3, 11))" ||
        die "callglot needs Python 3.11 or newer; python3 is $(python3 -V 2>&1)"
    stamp="$(python3 -V 2>&1) $(python3 -c "import hashlib; print(hashlib.sha256(open('pyproject.toml', 'rb').read()).hexdigest())")"
    if ! venv_ready "$stamp"; then
        rm -rf .venv
        echo "examples/run.sh: installing callglot into .venv (once)" >&2
        python3 -m venv .venv ||
            { rm -rf .venv; die "cannot create a virtual environment with $(command -v python3) (Debian/Ubuntu: apt-get install python3-venv)"; }
        # Editable: later edits to callglot/ take effect without a reinstall.
        .venv/bin/python -m pip install --quiet --disable-pip-version-check --editable ".[server]" ||
            { rm -rf .venv; die "installing callglot into .venv failed (pip's output is above)"; }
        echo "$stamp" >.venv/callglot-installed
        venv_ready "$stamp" || { rm -rf .venv; die "callglot was installed into .venv but does not import"; }
    fi
    python=.venv/bin/python
fi

"$python" examples/migration.py || die "the migration did not complete (its last line says why)"

input=examples/chirp-commands.jsonl
mkdir -p out
for target in canonical gateway; do
    out="out/chirp-to-$target.jsonl"
    log="out/chirp-to-$target.log"
    rc=0
    "$python" -m callglot translate --from chirp --to "$target" --lenient "$input" >"$out" 2>"$log" || rc=$?
    # Exit 1 is "some lines could not be said in the target", but only when the output says so
    # line for line; check_output.py tells that apart from a crash.
    "$python" examples/check_output.py "$input" "$out" "$rc" "$log" "chirp -> $target" || exit 1
    cat "$out"
done
