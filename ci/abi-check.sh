#!/usr/bin/env bash
# `make test-abi`: the C ABI that include/ declares, against the committed baseline of the
# current major version (tests/abi/libweft.so.0.abi), with libabigail. The ABI policy (README)
# allows additions only: a new function, type or constant, or a status appended to weft_status.
# A removed function, a changed signature, a changed enumerator value or type layout fails.
#
# The ABI is read as a C compiler sees the headers: a probe library takes the address of every
# declared function into a typed pointer (`__typeof__(f) *const weft_abi_f = f;`), so its debug
# information describes every signature, enum and typedef in C terms, independent of how the
# Rust sources are laid out. `WEFT_BLESS=1 ci/abi-check.sh` rewrites the baseline (at a release).
set -euo pipefail
cd "$(dirname "$0")/.."
BASELINE=tests/abi/libweft.so.0.abi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

python3 - include > "$tmp/probe.c" <<'PY'
import pathlib, re, sys
text = "\n".join(p.read_text() for p in sorted(pathlib.Path(sys.argv[1]).rglob("*.h")))
text = re.sub(r"/\*.*?\*/", " ", text, flags=re.S)
callbacks = set(re.findall(r"\(\s*\*\s*(weft_\w+)\)", text))
functions = sorted(set(re.findall(r"\b(weft_\w+)\s*\(", text)) - callbacks)
print('#include "weft.h"')
for name in functions:
    print(f"__typeof__({name}) *const weft_abi_{name} = {name};")
PY
cc -g -shared -fPIC -I include "$tmp/probe.c" -o "$tmp/libweft-abi-probe.so"
abidw --no-corpus-path --no-show-locs "$tmp/libweft-abi-probe.so" > "$tmp/current.abi"
functions=$(grep -c '^__typeof__' "$tmp/probe.c")

if [ -n "${WEFT_BLESS:-}" ]; then
    cp "$tmp/current.abi" "$BASELINE"
    echo "abi-check: $BASELINE rewritten ($functions functions)"
    exit 0
fi
report=$(abidiff "$BASELINE" "$tmp/current.abi") || true
# "Variables changes summary: R Removed, C Changed (F filtered out), A Added variables": each
# function is a variable of the probe; enumerators appended to an enum are filtered out as
# harmless by abidiff.
summary=$(grep '^Variables changes summary' <<<"$report" || echo "Variables changes summary: 0 Removed, 0 Changed, 0 Added")
read -r removed changed added < <(sed -E 's/.* ([0-9]+) Removed, ([0-9]+) Changed.* ([0-9]+) Added.*/\1 \2 \3/' <<<"$summary")
if [ "$removed" != 0 ] || [ "$changed" != 0 ]; then
    echo "$report"
    echo "abi-check: 0 passed, 1 failed: $removed removed and $changed changed against $BASELINE;"
    echo "  an incompatible change needs a new major version (README, ABI policy)"
    exit 1
fi
[ "$added" = 0 ] || { echo "$report"; echo "abi-check: $added functions added since the baseline (allowed)"; }
echo "abi-check: 1 passed, 0 failed ($functions functions, compatible with $BASELINE)"
