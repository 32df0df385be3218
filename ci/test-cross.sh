#!/usr/bin/env bash
# `make test-cross`: the cross build a packager makes for another architecture, checked by
# running it. `make TARGET=aarch64-unknown-linux-gnu` builds libweft for 64-bit ARM Linux with
# Debian's cross toolchain; this checks that the result is an AArch64 library with the soname
# and every function of the header exported, then builds every C API program (c-tests/api) with
# the cross compiler against the shared library, and one against the static library, and runs
# them under qemu-user: each must pass its own checks as it does natively (but the fork
# programs, which qemu-user cannot run).
# Installs the cross compiler and qemu-user (Debian packages) if they are missing.
set -euo pipefail
cd "$(dirname "$0")/.."

TARGET=aarch64-unknown-linux-gnu
CROSS=aarch64-linux-gnu-
SYSROOT=/usr/aarch64-linux-gnu
sudo_() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }
fail() { echo "FAILED: $*" >&2; exit 1; }

need=()
command -v ${CROSS}gcc >/dev/null || need+=(gcc-aarch64-linux-gnu libc6-dev-arm64-cross)
command -v qemu-aarch64 >/dev/null || need+=(qemu-user)
if [ ${#need[@]} -gt 0 ]; then
    sudo_ apt-get update -qq
    sudo_ env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
fi
rustup target add $TARGET >/dev/null 2>&1

# As a distribution builds it: PREFIX=/usr, so the library directory is the multiarch one.
make --no-print-directory TARGET=$TARGET PREFIX=/usr all >/dev/null
target_dir=${CARGO_TARGET_DIR:-$PWD/target}
release=$target_dir/$TARGET/release
dist=$release/dist
grep -qx 'libdir=/usr/lib/aarch64-linux-gnu' "$dist/weft.pc" || fail "weft.pc: $(grep libdir= "$dist/weft.pc")"
staging=$(mktemp -d)
trap 'rm -rf "$staging"' EXIT
make --no-print-directory TARGET=$TARGET PREFIX=/usr DESTDIR="$staging" install >/dev/null
for f in libweft.so.0 libweft.a pkgconfig/weft.pc cmake/weft/weftConfig.cmake; do
    [ -e "$staging/usr/lib/aarch64-linux-gnu/$f" ] || fail "make install: no /usr/lib/aarch64-linux-gnu/$f"
done
echo "ok     $TARGET: PREFIX=/usr installs in /usr/lib/aarch64-linux-gnu (multiarch)"

readelf -h "$dist/libweft.so" | grep 'Machine:.*AArch64' >/dev/null || fail "dist/libweft.so is not AArch64"
readelf -d "$dist/libweft.so" | grep 'SONAME.*\[libweft\.so\.0\]' >/dev/null || fail "no soname libweft.so.0"
declared=$(grep -ho '\bweft_[a-z0-9_]*(' include/weft/*.h | tr -d '(' | sort -u)
exported=$(${CROSS}nm -D --defined-only "$dist/libweft.so" | awk '{print $3}' | sort -u)
missing=$(comm -23 <(echo "$declared") <(echo "$exported"))
[ -z "$missing" ] || fail "declared in the header but not exported: $missing"
extra=$(comm -13 <(echo "$declared") <(echo "$exported"))
[ -z "$extra" ] || fail "exported but not in the header: $extra"
echo "ok     $TARGET: AArch64, soname libweft.so.0, $(echo "$exported" | wc -l) functions exported"

out=$release/c-tests
mkdir -p "$out"
passed=0
run() { # name exe
    local start=$SECONDS
    if timeout 120 qemu-aarch64 -L $SYSROOT "$2" >"$out/$1.log" 2>&1; then
        passed=$((passed + 1))
        echo "  $1: $((SECONDS - start)) s"
    else
        cat "$out/$1.log" >&2
        fail "$1 under qemu-aarch64"
    fi
}
for src in c-tests/api/*.c; do
    name=$(basename "$src" .c)
    # qemu-user (7.2) cannot fork a process whose other threads are running: its translator
    # fails its own assertions in the child (qemu_plugin_vcpu_init_hook, cpu_exec). The fork
    # programs run natively, under valgrind and in the stress tier.
    [[ $name != fork_* ]] || continue
    ${CROSS}gcc -std=c2x -O1 -Wall -Wextra -Werror -pthread -Iinclude -Ic-tests "$src" \
        -o "$out/$name" -L"$release" -Wl,-rpath,"$release" -lweft -lm
    run "$name" "$out/$name"
done
# The static library: the program must not load libweft.so.
${CROSS}gcc -std=c2x -O1 -pthread -Iinclude -Ic-tests c-tests/api/bad_input.c -o "$out/static" \
    "$dist/libweft.a" $(sed -n 's/^Libs.private: //p' "$dist/weft.pc") -lm
${CROSS}readelf -d "$out/static" | grep 'libweft' >/dev/null && fail "the static program needs libweft.so"
run static "$out/static"
echo "ok     $TARGET: $passed C programs passed under qemu-aarch64 (one linked statically)"
