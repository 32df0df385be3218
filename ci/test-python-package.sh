#!/usr/bin/env bash
# `make test-python-package`: checks the Python package in DIST (what `make python-dist` made) as a
# user gets it: the wheel has a manylinux tag (`auditwheel show`) and carries libweft.so in
# platlib without debug info; the wheel, then the sdist (which builds libweft from the crate it
# carries: CARGO_TARGET_DIR, if set, reuses compiled dependencies), each installed in a fresh venv
# runs a small program on the package's own library; and `mypy --strict` accepts the examples
# against the installed package's stubs.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
DIST=$(cd "${1:?usage: $0 DIST}" && pwd)
PYTHON=${PYTHON:-python3}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
unset WEFT_LIBRARY PYTHONPATH
started=$SECONDS

wheels=("$DIST"/*manylinux*.whl) sdists=("$DIST"/*.tar.gz)
[ ${#wheels[@]} -eq 1 ] && [ -f "${wheels[0]}" ] || { echo "FAILED: no single manylinux wheel in $DIST" >&2; exit 1; }
[ ${#sdists[@]} -eq 1 ] && [ -f "${sdists[0]}" ] || { echo "FAILED: no single sdist in $DIST" >&2; exit 1; }
wheel=${wheels[0]} sdist=${sdists[0]}

# The tag auditwheel reads from the wheel's contents (not from its name).
show=$("$PYTHON" -m auditwheel show "$wheel")
grep -q 'consistent with the following platform tag: "manylinux_' <<<"${show//$'\n'/ }" ||
    { echo "FAILED: auditwheel show: $show" >&2; exit 1; }
echo "ok     auditwheel show: $(grep -o '"manylinux_[^"]*"' <<<"$show" | head -n 1)"

# libweft.so in platlib (Root-Is-Purelib: false), without debug sections.
unzip -q "$wheel" -d "$tmp/unpacked"
grep -qx 'Root-Is-Purelib: false' "$tmp"/unpacked/*.dist-info/WHEEL || { echo "FAILED: wheel is purelib" >&2; exit 1; }
if readelf -S "$tmp/unpacked/weft/libweft.so" | grep '\.debug_' >/dev/null; then
    echo "FAILED: libweft.so in the wheel has debug sections" >&2; exit 1
fi
echo "ok     wheel: platlib weft/libweft.so, $(stat -c %s "$tmp/unpacked/weft/libweft.so") bytes, no debug info"

# A small program, run outside the checkout: threads, a queue and a pool on the package's library.
cat >"$tmp/program.py" <<'PY'
import sys
import weft
import weft.futures
import weft.queue

q: "weft.queue.Queue[int]" = weft.queue.Queue()
t = weft.Thread(target=lambda: q.put(6 * 7))
t.start()
t.join()
with weft.futures.ThreadPoolExecutor(2) as pool:
    power = pool.submit(pow, 2, 10).result()
with open("/proc/self/maps") as maps:
    library = {line.split()[-1] for line in maps if "libweft" in line}
assert library == {weft.__file__.replace("__init__.py", "libweft.so")}, library
assert weft.__file__.startswith(sys.prefix), weft.__file__
print(q.get(), power, "from", library.pop().replace(sys.prefix, "<venv>"))
PY

install_and_run() { # install_and_run NAME WHAT: a fresh venv, pip install WHAT, run the program
    local name=$1 what=$2 out
    "$PYTHON" -m venv "$tmp/$name"
    "$tmp/$name/bin/python" -m pip install -q "$what"
    out=$(cd "$tmp" && "$tmp/$name/bin/python" program.py) || { echo "FAILED: $name: $out" >&2; exit 1; }
    [[ $out == "42 1024 from <venv>/"*"/site-packages/weft/libweft.so" ]] ||
        { echo "FAILED: $name: $out" >&2; exit 1; }
    echo "ok     $name installed in a fresh venv: $out"
}
install_and_run wheel "$wheel"

# The examples type-check against the stubs the wheel installed (py.typed, *.pyi).
(cd "$tmp" && "$PYTHON" -m mypy --strict --no-incremental --python-executable "$tmp/wheel/bin/python" \
    "$ROOT"/bindings/python/examples/*.py "$tmp/program.py")
echo "ok     mypy --strict on bindings/python/examples"

install_and_run sdist "$sdist"
echo "passed in $((SECONDS - started)) s"
