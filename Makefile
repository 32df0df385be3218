# weft: the two set-up commands are `make tour` and `make test` (see README.md).
PREFIX ?= /usr/local
LIBDIR ?= $(PREFIX)/lib
INCLUDEDIR ?= $(PREFIX)/include
VERSION := $(shell sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -n 1)
MAJOR := $(firstword $(subst ., ,$(VERSION)))
PYTHON ?= python3

.PHONY: all tour test test-rust test-python verify verify-quick verify-ci bench bench-quick install uninstall clean

all:
	cargo build --release

# Builds the library and runs every tutorial example as a C program, checking its output.
tour: all
	cargo run --release --example tour

# Every test: Rust (core, header, C and C++ programs, ABI; clippy with warnings as errors), then
# the Python binding.
test: test-rust test-python

test-rust:
	cargo clippy --workspace --all-targets -- -D warnings
	cargo test --workspace

test-python:
	cargo build
	$(PYTHON) -m pytest bindings/python/tests -q

# Race and memory-error hunting: loom, Miri, ThreadSanitizer, AddressSanitizer, valgrind,
# cargo-fuzz and stress tests (ci/verify.sh; each tier installs what it needs, or says it is
# skipped and why). One tier: `ci/verify.sh tsan`.
verify:
	ci/verify.sh

# The stable tiers (a few minutes): loom models, every C program under valgrind memcheck, and the
# stress tests.
verify-quick:
	ci/verify.sh loom valgrind stress

# What CI runs after `make test`: the stable tiers, then the nightly ones sized for CI (Miri on
# the core and C-API unit tests, ThreadSanitizer and AddressSanitizer on the Rust tests and the
# C API programs, 30 s of fuzzing), each SKIPPED with the reason if nightly or its components
# cannot be installed. Measured cold times are in ci/verify.sh and the README.
verify-ci:
	VERIFY_PROFILE=ci ci/verify.sh loom valgrind stress miri tsan asan fuzz

# Every benchmark figure in BENCHMARKS.md comes from `make bench` (a few minutes; run it on an
# idle machine). `make bench-quick` checks the harness in seconds and writes target/bench/quick.md.
# Both install what they need (GLib headers, strace, the Rust anchors' crates); see BENCHMARKS.md.
bench:
	$(PYTHON) bench/run.py

bench-quick:
	$(PYTHON) bench/run.py --quick

# The headers weft.h includes, one per object (include/weft/*.h), as installed under $(INCLUDEDIR).
PARTS := $(patsubst include/%,%,$(wildcard include/weft/*.h))

# Installs libweft.so (with its soname link), libweft.a, weft.h and the weft/ headers it
# includes, weft.hpp and weft.pc under $(PREFIX).
install: all
	install -d $(DESTDIR)$(LIBDIR)/pkgconfig $(DESTDIR)$(INCLUDEDIR)/weft
	install -m 0755 target/release/libweft.so $(DESTDIR)$(LIBDIR)/libweft.so.$(VERSION)
	ln -sf libweft.so.$(VERSION) $(DESTDIR)$(LIBDIR)/libweft.so.$(MAJOR)
	ln -sf libweft.so.$(MAJOR) $(DESTDIR)$(LIBDIR)/libweft.so
	install -m 0644 target/release/libweft.a $(DESTDIR)$(LIBDIR)/libweft.a
	install -m 0644 include/weft.h $(DESTDIR)$(INCLUDEDIR)/weft.h
	install -m 0644 $(addprefix include/,$(PARTS)) $(DESTDIR)$(INCLUDEDIR)/weft
	install -m 0644 bindings/cpp/include/weft.hpp $(DESTDIR)$(INCLUDEDIR)/weft.hpp
	sed -e 's|@PREFIX@|$(PREFIX)|; s|@LIBDIR@|$(LIBDIR)|; s|@INCLUDEDIR@|$(INCLUDEDIR)|; s|@VERSION@|$(VERSION)|' \
		weft.pc.in > $(DESTDIR)$(LIBDIR)/pkgconfig/weft.pc

uninstall:
	rm -f $(DESTDIR)$(LIBDIR)/libweft.so* $(DESTDIR)$(LIBDIR)/libweft.a \
		$(DESTDIR)$(INCLUDEDIR)/weft.h $(addprefix $(DESTDIR)$(INCLUDEDIR)/,$(PARTS)) \
		$(DESTDIR)$(INCLUDEDIR)/weft.hpp $(DESTDIR)$(LIBDIR)/pkgconfig/weft.pc
	-rmdir $(DESTDIR)$(INCLUDEDIR)/weft

clean:
	cargo clean
