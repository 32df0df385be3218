# weft: the two set-up commands are `make tour` and `make test` (see README.md).
PREFIX ?= /usr/local
# TARGET, a Rust target triple, cross-builds (`make TARGET=aarch64-unknown-linux-gnu`): cargo
# builds with --target and links with $(CROSS)gcc, and the library is finished with $(CROSS)'s
# binutils. CROSS is the GNU triple's tool prefix, aarch64-linux-gnu- for the example.
TARGET ?=
CROSS ?= $(if $(TARGET),$(subst -unknown-,-,$(TARGET))-)
CC_FOR_TARGET := $(CROSS)gcc
# The library directory: $(PREFIX)/lib, except that with PREFIX=/usr on a multiarch system
# (Debian, Ubuntu) it is /usr/lib/<multiarch triple>, as Meson and Debian's packaging do.
MULTIARCH := $(shell $(CC_FOR_TARGET) -print-multiarch 2>/dev/null)
LIBDIR ?= $(PREFIX)/lib$(if $(and $(filter /usr,$(PREFIX)),$(MULTIARCH)),/$(MULTIARCH))
INCLUDEDIR ?= $(PREFIX)/include
VERSION := $(shell sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -n 1)
MAJOR := $(firstword $(subst ., ,$(VERSION)))
PYTHON ?= python3
CARGO ?= cargo
# Where cargo builds: CARGO_TARGET_DIR if set, else ./target (RELEASE may be given instead, for
# `sudo make install` where root has no cargo or another environment).
TARGET_DIR ?= $(or $(CARGO_TARGET_DIR),$(CURDIR)/target)
RELEASE ?= $(TARGET_DIR)/$(if $(TARGET),$(TARGET)/)release
DIST ?= $(RELEASE)/dist
# What rustc says a program linking libweft.a statically needs (`--print native-static-libs`).
NATIVE_STATIC_LIBS := -lgcc_s -lutil -lrt -lpthread -lm -ldl -lc

.PHONY: all tour docs test deps test-rust test-python test-python-cpython test-python-binding \
	test-python-versions test-python-package python-dist test-node test-ruby test-java \
	test-install test-abi test-platforms test-cross test-go verify verify-quick verify-ci \
	bench bench-quick install uninstall clean

# The library, ready to link from the build tree and to install: libweft.so with its soname link,
# and in dist/ what `make install` copies: the shared library without its debug info, the static
# one with only weft's own symbols global (Rust's std stays inside it, so that two Rust static
# libraries linked into one program do not clash) and without the LLVM bitcode that the system's
# nm and ld plugins cannot read, weft.pc and the CMake package. weft-uninstalled.pc and
# weft-static-uninstalled.pc in $(RELEASE) link against the build tree (PKG_CONFIG_PATH).
all:
	$(if $(TARGET),CARGO_TARGET_$(shell echo '$(TARGET)' | tr 'a-z-' 'A-Z_')_LINKER=$(CC_FOR_TARGET)) \
		$(CARGO) capi --release $(if $(TARGET),--target $(TARGET))
	ln -sf libweft.so $(RELEASE)/libweft.so.$(MAJOR)
	rm -rf $(DIST) && mkdir -p $(DIST)
	$(CROSS)strip --strip-debug -o $(DIST)/libweft.so $(RELEASE)/libweft.so
	$(CROSS)objcopy --strip-debug --remove-section=.llvmbc --remove-section=.llvmcmd \
		$(RELEASE)/libweft.a $(DIST)/full.a
	$(CROSS)nm -g --defined-only $(DIST)/full.a 2>/dev/null | awk '$$3 ~ /^weft_/ {print $$3}' \
		| sort -u > $(DIST)/exports.txt
	$(CROSS)ld -r --whole-archive $(DIST)/full.a -o $(DIST)/weft.o
	$(CROSS)objcopy --keep-global-symbols=$(DIST)/exports.txt $(DIST)/weft.o
	$(CROSS)ar rcs $(DIST)/libweft.a $(DIST)/weft.o
	rm $(DIST)/full.a $(DIST)/weft.o $(DIST)/exports.txt
	$(call pc,$(CURDIR),$(RELEASE),$(CURDIR)/include,-Wl$(comma)-rpath$(comma)$${libdir}) \
		> $(RELEASE)/weft-uninstalled.pc
	$(call static_pc,$(CURDIR),$(DIST),$(CURDIR)/include) > $(RELEASE)/weft-static-uninstalled.pc
	$(call pc,$(PREFIX),$(LIBDIR),$(INCLUDEDIR),) > $(DIST)/weft.pc
	$(call static_pc,$(PREFIX),$(LIBDIR),$(INCLUDEDIR)) > $(DIST)/weft-static.pc
	sed -e 's|@LIBDIR@|$(LIBDIR)|g; s|@INCLUDEDIR@|$(INCLUDEDIR)|g; s|@VERSION@|$(VERSION)|g' \
		-e 's|@MAJOR@|$(MAJOR)|g; s|@NATIVE_STATIC_LIBS@|$(subst $(space),;,$(NATIVE_STATIC_LIBS))|g' \
		weftConfig.cmake.in > $(DIST)/weftConfig.cmake
	sed -e 's|@VERSION@|$(VERSION)|g; s|@MAJOR@|$(MAJOR)|g' \
		weftConfigVersion.cmake.in > $(DIST)/weftConfigVersion.cmake

comma := ,
space := $(subst ,, )
# weft.pc for prefix $(1), libdir $(2), includedir $(3), extra Libs $(4).
pc = sed -e 's|@PREFIX@|$(1)|; s|@LIBDIR@|$(2)|; s|@INCLUDEDIR@|$(3)|; s|@VERSION@|$(VERSION)|' \
	-e 's|@NATIVE_STATIC_LIBS@|$(NATIVE_STATIC_LIBS)|; s|@EXTRA_LIBS@|$(4)|; s| *$$||' weft.pc.in
# weft-static.pc: the same, linking libweft.a by its path (a plain -lweft finds libweft.so first).
static_pc = $(call pc,$(1),$(2),$(3),) | sed -e 's|^Name: weft|Name: weft-static|' \
	-e 's|^Libs: .*|Libs: $${libdir}/libweft.a $(NATIVE_STATIC_LIBS)|; /^Libs.private:/d'

# Builds the library and runs every tutorial example as a C program, checking its output.
tour: all
	$(CARGO) run --release --example tour

# The C API reference, from the headers, in target/docs/html (Doxygen; a warning, such as an
# undocumented function, fails it).
docs:
	rm -rf target/docs
	doxygen Doxyfile

# Every test: Rust (core, header, C and C++ programs, ABI; clippy with warnings as errors), the
# build for macOS, FreeBSD and Linux on ARM (and the ARM one run under qemu-user), the Python
# binding and its package, the Node, Ruby, Java and Go bindings, the ABI against its baseline
# (ci/abi-check.sh), the reference (make docs), and the install (a consumer built four ways
# against `make install`). It first installs what the
# tests need that a bare machine lacks (ci/install-deps.sh; it skips what is there).
# After the Rust tests, the other suites run TEST_JOBS at a time, each one's output printed whole
# when it ends: most of them wait far more than they compute (the Python suites sleep in
# timeouts, qemu, the JVM, npm and pip run on one core or on the network), so they overlap with
# each other and with the release and cross builds. The install test runs last, alone, as it
# rebuilds the links and .pc files in $(RELEASE) that the Go test reads. The Python and Node
# tests name the debug library they test (WEFT_LIBRARY), as the release one appears meanwhile.
# Their commands do not get MAKEFLAGS: cargo and the make of ci/test-cross.sh would find the
# jobserver's descriptors in it, closed, and warn.
TEST_JOBS ?= 4
ifdef SIDE_BY_SIDE
unexport MAKEFLAGS MFLAGS
endif
test: deps
	$(MAKE) test-rust
	$(MAKE) -j$(TEST_JOBS) --output-sync=target SIDE_BY_SIDE=1 test-python test-python-package \
		test-cross test-go test-node test-java test-ruby test-platforms test-abi docs
	$(MAKE) test-install

deps:
	ci/install-deps.sh

test-rust:
	$(CARGO) fmt --all -- --check
	$(CARGO) clippy --workspace --all-targets -- -D warnings
	$(CARGO) test --workspace

# The Python binding's tests, against the debug build, in two halves that `make test` runs side
# by side: CPython's own suites run on weft (test_cpython_*.py, mostly waiting in their timeouts),
# and the binding's.
PYTEST := WEFT_LIBRARY=$(TARGET_DIR)/debug/libweft.so $(PYTHON) -m pytest -q
test-python: test-python-cpython test-python-binding

test-python-cpython:
	$(CARGO) capi
	$(PYTEST) bindings/python/tests/test_cpython_*.py

test-python-binding:
	$(CARGO) capi
	$(PYTEST) bindings/python/tests --ignore-glob='*/test_cpython_*.py'

# The binding's tests on other Pythons than $(PYTHON) (not part of `make test`): each of PYTHONS
# gets a venv with pytest in $(TARGET_DIR)/pyvenv-X.Y, made once (a download of pytest), and runs
# the suite (about a minute each), e.g.
# make test-python-versions PYTHONS="/root/.pyenv/versions/3.12.1/bin/python3 python3.13"
PYTHONS ?= python3.12 python3.13

test-python-versions:
	$(CARGO) capi
	set -e; for python in $(PYTHONS); do \
		venv=$(TARGET_DIR)/pyvenv-$$($$python -c 'import sys; print("%d.%d" % sys.version_info[:2])'); \
		[ -x $$venv/bin/pytest ] || { $$python -m venv $$venv && $$venv/bin/pip install -q pytest; }; \
		$$venv/bin/python -m pytest bindings/python/tests -q; \
	done

# The Python package (bindings/python; weft-threading on PyPI, `import weft`), as it is published,
# in $(PYDIST): the sdist, which carries the crate, and the wheel built from that sdist (by
# setuptools-rust: libweft.so without its debug info, in platlib), repaired by auditwheel to a
# manylinux tag. The sdist's crate builds in $(PYTARGET), not in $(TARGET_DIR): its libweft.so
# would replace the one `make` built in $(RELEASE), which other tests link and run meanwhile.
PYDIST ?= $(TARGET_DIR)/python-dist
PYTARGET := $(TARGET_DIR)/python

python-dist:
	rm -rf $(PYDIST)
	CARGO_TARGET_DIR=$(PYTARGET) $(PYTHON) -m build bindings/python --outdir $(PYDIST)/built
	PATH="$$($(PYTHON) -c 'import sysconfig; print(sysconfig.get_path("scripts"))'):$$PATH" \
		$(PYTHON) -m auditwheel repair --wheel-dir $(PYDIST) $(PYDIST)/built/*.whl
	mv $(PYDIST)/built/*.tar.gz $(PYDIST)/ && rm -r $(PYDIST)/built

# Checks what python-dist made as a user gets it (ci/test-python-package.sh): the wheel's
# manylinux tag, the wheel and then the sdist each installed in a fresh venv and run, and
# `mypy --strict` on the examples against the installed package's stubs.
test-python-package: python-dist
	CARGO_TARGET_DIR=$(PYTARGET) PYTHON=$(PYTHON) ci/test-python-package.sh $(PYDIST)

# The Node.js binding (bindings/node): its pinned packages (package-lock.json), then node --test,
# against the debug build.
test-node:
	$(CARGO) capi
	cd bindings/node && npm ci --no-audit --no-fund --loglevel=error && \
		WEFT_LIBRARY=$(TARGET_DIR)/debug/libweft.so npm test

# The Ruby binding (bindings/ruby): its minitest suite (primitives, every exit path in a
# subprocess, the examples, a lock and a queue shared with C), against the debug build, and the
# gem built from its gemspec.
RUBY ?= ruby
test-ruby:
	$(CARGO) capi
	WEFT_LIBRARY=$(TARGET_DIR)/debug/libweft.so $(RUBY) -Ibindings/ruby/lib \
		-e 'Dir["bindings/ruby/test/test_*.rb"].sort.each { |f| require "./#{f}" }'
	cd bindings/ruby && gem build --quiet weft.gemspec -o $(TARGET_DIR)/weft-ruby.gem

# The Go binding (bindings/go, a cgo module with no dependencies): go vet, then go test (the
# primitives, every exit path in a subprocess, the examples, a lock and a queue shared with C)
# with cgo's full pointer checks, against the release build in the tree (weft-uninstalled.pc).
# Nothing is fetched: no module proxy, and the toolchain is the one installed.
GO ?= go
GO_ENV := PKG_CONFIG_PATH=$(RELEASE) GOPROXY=off GOFLAGS=-mod=mod GOTOOLCHAIN=local
test-go: all
	cd bindings/go && $(GO_ENV) $(GO) vet ./... && GODEBUG=cgocheck=2 $(GO_ENV) $(GO) test -count=1 ./...

# The Java binding (bindings/java): javac with Debian's JNA jar (no Maven or Gradle), then its
# tests (primitives and interrupts, every exit path in a child JVM, the examples, a lock and a
# queue shared with C) by its own runner, which prints "N passed, N failed", against the debug
# build; the binding's classes also go into a jar.
JNA_JAR ?= /usr/share/java/jna.jar
JAVA_OUT := $(TARGET_DIR)/java
test-java:
	$(CARGO) capi
	rm -rf $(JAVA_OUT) && mkdir -p $(JAVA_OUT)
	javac -XDignore.symbol.file -d $(JAVA_OUT)/classes -cp $(JNA_JAR) bindings/java/src/weft/*.java
	jar --create --file $(JAVA_OUT)/weft.jar -C $(JAVA_OUT)/classes weft
	javac -d $(JAVA_OUT)/test-classes -cp $(JNA_JAR):$(JAVA_OUT)/classes \
		bindings/java/test/weft/*.java bindings/java/examples/*.java
	WEFT_LIBRARY=$(TARGET_DIR)/debug/libweft.so java -Dweft.test=bindings/java/test \
		-Dweft.examples=bindings/java/examples \
		-cp $(JNA_JAR):$(JAVA_OUT)/weft.jar:$(JAVA_OUT)/test-classes weft.TestRunner \
		weft.PrimitivesTest weft.CrossLanguageTest weft.ExitTest weft.ExamplesTest

# The platforms weft is checked to build for besides this one (rustup adds their standard
# libraries once); clippy's warnings are errors there too.
PLATFORMS := x86_64-apple-darwin aarch64-apple-darwin x86_64-unknown-freebsd aarch64-unknown-linux-gnu

test-platforms:
	rustup target add $(PLATFORMS)
	for target in $(PLATFORMS); do \
		echo "== $$target"; $(CARGO) clippy --lib --features capi --target $$target -- -D warnings || exit 1; \
	done

# A cross build for 64-bit ARM Linux as a distribution makes it (make TARGET=... PREFIX=/usr, the
# multiarch library directory), its exports, and the C API programs run under qemu-user
# (ci/test-cross.sh; it installs Debian's cross compiler and qemu-user if they are missing).
test-cross:
	ci/test-cross.sh

test-abi:
	ci/abi-check.sh

test-install: all
	ci/test-install.sh

# Race and memory-error hunting: loom, Miri, ThreadSanitizer, AddressSanitizer, valgrind,
# cargo-fuzz and stress tests (ci/verify.sh; each tier installs what it needs, or says it is
# skipped and why). One tier: `ci/verify.sh tsan`.
verify:
	ci/verify.sh

# The stable tiers (a few minutes): loom models, every C program under valgrind memcheck, and the
# stress tests.
verify-quick:
	ci/verify.sh loom valgrind stress

# What CI runs after `make test`: the stable tiers, then the nightly ones, sized for CI (loom
# with 2 preemptions, 30 forked children per fork-matrix case, Miri on the core and C-API unit
# tests, ThreadSanitizer and AddressSanitizer on the Rust tests and the C API programs, 15 s of
# fuzzing: see ci/verify.sh), each SKIPPED with the reason if nightly or its components
# cannot be installed. Two tiers run at a time (VERIFY_JOBS), the longest first. Measured times
# are in BENCHMARKS.md.
verify-ci:
	VERIFY_PROFILE=ci VERIFY_JOBS=2 ci/verify.sh tsan loom miri stress asan valgrind fuzz

# Every benchmark figure in BENCHMARKS.md comes from `make bench` (a few minutes; run it on an
# idle machine). `make bench-quick` checks the harness in seconds and writes target/bench/quick.md.
# Both install what they need (GLib headers, strace, the Rust anchors' crates); see BENCHMARKS.md.
bench:
	$(PYTHON) bench/run.py

bench-quick:
	$(PYTHON) bench/run.py --quick

# Installs what `make` built (it does not build: run `make` first, as yourself, then
# `sudo make install`): libweft.so.$(VERSION) with its links libweft.so.$(MAJOR) and libweft.so,
# libweft.a, the headers (weft.h, weft/*.h, weft.hpp), weft.pc and weft-static.pc, and the CMake
# package (find_package(weft CONFIG): weft::weft, weft::weft_static). PREFIX, LIBDIR, INCLUDEDIR
# and DESTDIR as usual; `make PREFIX=...` must have been given the same PREFIX/LIBDIR.
install:
	@test -f $(DIST)/libweft.so || { echo "nothing built in $(DIST): run make first" >&2; exit 1; }
	@grep -qx 'libdir=$(LIBDIR)' $(DIST)/weft.pc || { \
		echo "$(DIST) was built for another LIBDIR: run make with PREFIX/LIBDIR as here" >&2; exit 1; }
	install -d $(DESTDIR)$(LIBDIR)/pkgconfig $(DESTDIR)$(LIBDIR)/cmake/weft \
		$(DESTDIR)$(INCLUDEDIR)/weft
	install -m 0755 $(DIST)/libweft.so $(DESTDIR)$(LIBDIR)/libweft.so.$(VERSION)
	ln -sf libweft.so.$(VERSION) $(DESTDIR)$(LIBDIR)/libweft.so.$(MAJOR)
	ln -sf libweft.so.$(MAJOR) $(DESTDIR)$(LIBDIR)/libweft.so
	install -m 0644 $(DIST)/libweft.a $(DESTDIR)$(LIBDIR)/libweft.a
	install -m 0644 include/weft.h bindings/cpp/include/weft.hpp $(DESTDIR)$(INCLUDEDIR)/
	install -m 0644 include/weft/*.h $(DESTDIR)$(INCLUDEDIR)/weft/
	install -m 0644 $(DIST)/weft.pc $(DIST)/weft-static.pc $(DESTDIR)$(LIBDIR)/pkgconfig/
	install -m 0644 $(DIST)/weftConfig.cmake $(DIST)/weftConfigVersion.cmake \
		$(DESTDIR)$(LIBDIR)/cmake/weft/

# Removes exactly what `make install` of this version installed (another version's
# libweft.so.X.Y.Z stays; the libweft.so.$(MAJOR) and libweft.so links go only if they point
# at this version).
uninstall:
	rm -f $(DESTDIR)$(LIBDIR)/libweft.so.$(VERSION) $(DESTDIR)$(LIBDIR)/libweft.a
	for link in libweft.so.$(MAJOR) libweft.so; do \
		target=$$(readlink $(DESTDIR)$(LIBDIR)/$$link) || continue; \
		case $$target in libweft.so.$(VERSION)|libweft.so.$(MAJOR)) \
			[ -e $(DESTDIR)$(LIBDIR)/$$link ] || rm -f $(DESTDIR)$(LIBDIR)/$$link;; esac; \
	done
	rm -f $(DESTDIR)$(INCLUDEDIR)/weft.h $(DESTDIR)$(INCLUDEDIR)/weft.hpp \
		$(addprefix $(DESTDIR)$(INCLUDEDIR)/weft/,$(notdir $(wildcard include/weft/*.h))) \
		$(DESTDIR)$(LIBDIR)/pkgconfig/weft.pc $(DESTDIR)$(LIBDIR)/pkgconfig/weft-static.pc \
		$(DESTDIR)$(LIBDIR)/cmake/weft/weftConfig.cmake \
		$(DESTDIR)$(LIBDIR)/cmake/weft/weftConfigVersion.cmake
	-rmdir $(DESTDIR)$(INCLUDEDIR)/weft $(DESTDIR)$(LIBDIR)/cmake/weft 2>/dev/null

clean:
	$(CARGO) clean
