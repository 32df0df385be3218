#!/usr/bin/env bash
# Installs everything the test suite needs beyond a Rust toolchain, a C compiler and Python 3:
# libclang for bindgen (the ABI checks), pkg-config, a C++ compiler, CMake (the install test's
# consumer), libabigail (the ABI check), Doxygen
# (make docs), clippy, the Python test runner, and Ruby with the ffi gem (Debian's ruby and
# ruby-ffi; Ruby ships minitest) for the Ruby binding. `make test` runs it first; safe to run again, it
# skips what is already there.
set -euo pipefail

sudo_() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

need_apt=()
# libclang itself, not libclang-cpp (which other packages bring without it).
[ -n "$(ls /usr/lib/llvm-*/lib/libclang.so* /usr/lib/*/libclang-[0-9]*.so* 2>/dev/null)" ] ||
    need_apt+=(libclang-dev)
command -v pkg-config >/dev/null || need_apt+=(pkg-config)
command -v c++ >/dev/null || need_apt+=(g++)
command -v cmake >/dev/null || need_apt+=(cmake)
command -v abidw >/dev/null || need_apt+=(abigail-tools)
command -v doxygen >/dev/null || need_apt+=(doxygen)
command -v ruby >/dev/null || need_apt+=(ruby)
ruby -rffi -e '' 2>/dev/null || need_apt+=(ruby-ffi)
if [ ${#need_apt[@]} -gt 0 ]; then
    sudo_ apt-get update -qq
    sudo_ env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_apt[@]}"
fi

cargo clippy --version >/dev/null 2>&1 || rustup component add clippy

python3 -c "import pytest" 2>/dev/null || python3 -m pip install -q pytest
