#!/usr/bin/env bash
# `make test-install`: installs weft into a temporary prefix (`make install`, as a packager or a
# user would), builds a small consumer (c-tests/install/) against it four ways and runs each:
# pkg-config with the shared library, pkg-config with the static one (weft-static.pc: libweft.so
# must not be needed), CMake's find_package(weft CONFIG) with both imported targets, and C++
# through weft.hpp. Then it checks a program built against the build tree (weft-uninstalled.pc)
# and that `make uninstall` removes exactly what was installed.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
prefix=$tmp/prefix
passed=0 failures=0
fail() { echo "FAILED $*"; failures=$((failures + 1)); }

check() { # check NAME PROGRAM: runs it, expects its line, and says which libweft it loads
    local name=$1 program=$2 out
    if ! out=$("$program" 2>&1) || [[ $out != *"from weft "* ]]; then
        fail "$name: $out"
        return
    fi
    passed=$((passed + 1))
    echo "ok     $name: $out; libweft: $(ldd "$program" | awk '/libweft/ {print $3}' | sed "s|$tmp|\$tmp|")"
}

# A version installed beside this one (another soname's file) must survive the uninstall.
mkdir -p "$prefix/lib"
touch "$prefix/lib/libweft.so.9.9.9"

make -s all install CARGO="cargo -q" PREFIX="$prefix" DIST="$tmp/dist" >/dev/null
export PKG_CONFIG_PATH=$prefix/lib/pkgconfig
src=$ROOT/c-tests/install

# shellcheck disable=SC2046  # pkg-config's flags are meant to be split
cc -o "$tmp/pc-shared" "$src/consumer.c" $(pkg-config --cflags --libs weft) -Wl,-rpath,"$prefix/lib"
check "pkg-config, shared" "$tmp/pc-shared"
ldd "$tmp/pc-shared" | grep "$prefix/lib/libweft.so.0" >/dev/null ||
    fail "pkg-config, shared: libweft.so.0 not from the prefix"

# shellcheck disable=SC2046
cc -o "$tmp/pc-static" "$src/consumer.c" $(pkg-config --cflags --libs weft-static)
check "pkg-config, static" "$tmp/pc-static"
if ldd "$tmp/pc-static" | grep libweft >/dev/null; then
    fail "pkg-config, static: the program loads libweft.so"
fi

cmake -S "$src" -B "$tmp/cmake" -DCMAKE_PREFIX_PATH="$prefix" -DCMAKE_BUILD_RPATH="$prefix/lib" \
    >/dev/null && cmake --build "$tmp/cmake" >/dev/null
check "CMake weft::weft" "$tmp/cmake/consumer_shared"
check "CMake weft::weft_static" "$tmp/cmake/consumer_static"
if ldd "$tmp/cmake/consumer_static" | grep libweft >/dev/null; then
    fail "CMake weft::weft_static: the program loads libweft.so"
fi

# shellcheck disable=SC2046
c++ -std=c++17 -o "$tmp/cpp" "$src/consumer.cpp" $(pkg-config --cflags --libs weft) \
    -Wl,-rpath,"$prefix/lib"
check "C++, weft.hpp" "$tmp/cpp"

# The build tree, before any install: weft-uninstalled.pc, found through PKG_CONFIG_PATH.
# shellcheck disable=SC2046
cc -o "$tmp/tree" "$src/consumer.c" \
    $(PKG_CONFIG_PATH="${RELEASE:-$ROOT/target/release}" pkg-config --cflags --libs weft)
check "build tree (weft-uninstalled.pc)" "$tmp/tree"

make -s uninstall PREFIX="$prefix" >/dev/null
left=$(cd "$prefix" && find . -mindepth 1 \( -type f -o -type l \) | sort | tr '\n' ' ')
if [[ $left != "./lib/libweft.so.9.9.9 " ]]; then
    fail "make uninstall left: $left (expected only ./lib/libweft.so.9.9.9)"
else
    passed=$((passed + 1))
    echo "ok     make uninstall: removed what it installed, kept another version's library"
fi
echo "test-install: $passed passed, $failures failed"
[ "$failures" -eq 0 ]
