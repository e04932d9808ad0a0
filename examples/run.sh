#!/usr/bin/env bash
# The main job on the shipped example data: every Chirp command type translated
# to canonical JSON and to the gateway dialect. Output goes to out/; error lines
# are the commands the target cannot express (see docs/capabilities.md).
set -euo pipefail
cd "$(dirname "$0")/.."
if ! python3 -c "import callglot" 2>/dev/null; then
    if [ ! -x .venv/bin/python ]; then
        python3 -m venv .venv
        .venv/bin/python -m pip install --quiet .
    fi
    export PATH="$PWD/.venv/bin:$PATH"
fi
mkdir -p out
status=0
for target in canonical gateway; do
    out="out/chirp-to-$target.jsonl"
    # Exit 1 means some lines could not be said in the target: expected for the gateway.
    python3 -m callglot translate --from chirp --to "$target" --lenient examples/chirp-commands.jsonl >"$out" || rc=$?
    rc=${rc:-0}
    if [ "$rc" -gt 1 ]; then status=$rc; fi
    total=$(wc -l <"$out")
    errors=$(grep -c '"error"' "$out" || true)
    echo "== chirp -> $target: $((total - errors)) of $total commands translated ($out)"
    cat "$out"
    unset rc
done
exit "$status"
