#!/usr/bin/env bash
# `make verify`: hunts races and memory errors with the tools the best concurrency libraries
# use. Each tier installs what it needs; one that cannot be installed is reported SKIPPED with
# the reason, never silently dropped. Heavy builds run under `nice -n 19`, one at a time.
#
#   loom      every interleaving of small models of the primitives (tests/loom.rs)
#   miri      the core and C-API tests under Miri (undefined behaviour, data races, leaks)
#   tsan      ThreadSanitizer: the Rust tests (std rebuilt with it) and every C program
#   asan      AddressSanitizer + LeakSanitizer: the Rust tests and every C program
#   valgrind  every C program under memcheck, leaks included
#   fuzz      cargo-fuzz on the C API (fuzz/), FUZZ_SECONDS long (default 60)
#   stress    many threads on few locks, thread-creation failures, forks while every kind of
#             object is busy (each child leaving by exit, _exit and exec), timeouts on a loaded
#             machine, and the C-API model with many more cases
#
# Usage: ci/verify.sh [tier...]   (all tiers by default). Each tier builds into its own
# target/<tier> directory, so a second run only rebuilds what changed, but valgrind, which checks
# the debug library of `make test` in target/debug.
#
# VERIFY_PROFILE=ci (`make verify-ci`, what .ci/run runs) sizes the nightly tiers for CI's
# budget; `make verify` runs them in full. The CI profile differs in: Miri runs the unit tests
# only (--lib); TSan and ASan run the C API programs (c-tests/api), not the tutorial examples;
# fuzzing lasts 15 s, not 60; the stress tier's fork matrix forks 30 children per case, not 200;
# loom explores interleavings with up to 2 preemptions, not 3. (Sized on 2026-12-07, when the
# Java, Go and cross-build tests took `make test` from under 4 to about 7 minutes.) In both
# profiles loom and stress build in Cargo.toml's `verify` profile (optimized, without the
# release profile's LTO and single codegen unit, which their builds do not need, and with only
# the dependencies their runs spend time in optimized), and the C programs run two at a time.
# VERIFY_JOBS=N runs N tiers at a time (`make verify-ci`: 2), each one's output printed when it
# ends.
#
# What each tier costs, cold and warm, is measured in BENCHMARKS.md ("What verification costs").
set -uo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD

HOST=x86_64-unknown-linux-gnu
NICE=(nice -n 19)
export CARGO_TERM_COLOR=never
PROFILE=${VERIFY_PROFILE:-full}
case $PROFILE in
    full) FUZZ_SECONDS=${FUZZ_SECONDS:-60} LOOM_MAX_PREEMPTIONS=${LOOM_MAX_PREEMPTIONS:-3} ;;
    ci) FUZZ_SECONDS=${FUZZ_SECONDS:-15} LOOM_MAX_PREEMPTIONS=${LOOM_MAX_PREEMPTIONS:-2} ;;
    *) echo "unknown VERIFY_PROFILE: $PROFILE (full or ci)"; exit 2 ;;
esac

ALL_TIERS=(loom miri tsan asan valgrind fuzz stress)
TIERS=("$@")
[ ${#TIERS[@]} -gt 0 ] || TIERS=("${ALL_TIERS[@]}")

RESULTS=()
PASSED=0 FAILED=0 SKIPPED=0

log() { printf '\n=== %s\n' "$*"; }
record() { # tier status seconds [reason]
    RESULTS+=("$(printf '%-9s %-8s %5ss  %s' "$1" "$2" "$3" "${4:-}")")
    case $2 in passed) PASSED=$((PASSED + 1)) ;; FAILED) FAILED=$((FAILED + 1)) ;; *) SKIPPED=$((SKIPPED + 1)) ;; esac
}

# --- installing what the tiers need ---------------------------------------------------------

have_nightly() {
    rustup run nightly rustc --version >/dev/null 2>&1 ||
        rustup toolchain install nightly --profile minimal >/dev/null 2>&1
}

# nightly_component NAME...: adds rustup components to nightly; fails if it cannot.
nightly_component() {
    have_nightly || return 1
    local missing=()
    for c in "$@"; do
        rustup component list --toolchain nightly --installed 2>/dev/null | grep "^$c" >/dev/null || missing+=("$c")
    done
    [ ${#missing[@]} -eq 0 ] || rustup component add --toolchain nightly "${missing[@]}" >/dev/null 2>&1
}

apt_install() { # command package
    command -v "$1" >/dev/null && return 0
    local sudo=()
    [ "$(id -u)" -eq 0 ] || sudo=(sudo)
    "${sudo[@]}" apt-get update -qq >/dev/null 2>&1
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$2" >/dev/null 2>&1
    command -v "$1" >/dev/null
}

# --- C programs -------------------------------------------------------------------------------

C_PROGRAMS=(c-tests/examples/*.c c-tests/api/*.c)
for f in c-tests/api/*.cpp; do [ -e "$f" ] && C_PROGRAMS+=("$f"); done
# The programs the sanitizers run: all of them, or in the CI profile the API programs (every
# function, bad input, exit, refused threads), leaving the tutorial examples, which mostly
# sleep and use the same calls, to valgrind.
SAN_C_PROGRAMS=()
for f in "${C_PROGRAMS[@]}"; do
    [[ $PROFILE = full || $f = c-tests/api/* ]] && SAN_C_PROGRAMS+=("$f")
done

# build_c LIBDIR OUTDIR PROGRAMS FLAGS...: builds the C (and C++) programs listed in the array
# named PROGRAMS against LIBDIR/libweft.so.
build_c() {
    local lib=$1 out=$2
    local -n programs=$3
    shift 3
    mkdir -p "$out"
    ln -sf libweft.so "$lib/libweft.so.0"
    local f ok=0
    for f in "${programs[@]}"; do
        local cc=(gcc -std=c11) name
        name=$(basename "${f%.*}")
        case $f in *.cpp) cc=(g++ -std=c++17) name=${name}_cpp ;; esac
        "${NICE[@]}" "${cc[@]}" -g -O1 -Wall -Wextra -pthread "$@" -Iinclude -Ic-tests "$f" \
            -o "$out/$name" -L"$lib" -Wl,-rpath,"$ROOT/$lib" -lweft -lm || ok=1
    done
    return $ok
}

# run_c OUTDIR LIMIT [runner]: runs every program built by build_c (through the shell function
# `runner`, exported with `export -f`, given the program's path), two at a time (most of them
# sleep or run under valgrind, which runs one thread at a time); any failure fails. Programs
# whose name matches the glob $C_SKIP are skipped, with the reason $C_SKIP_WHY.
run_c() {
    local out=$1 limit=$2 runner=${3:-}
    local exe ok=0 running=0
    rm -f "$out"/*.rc
    for exe in "$out"/*; do
        [ -x "$exe" ] || continue
        # shellcheck disable=SC2053 # a glob on purpose
        if [[ -n ${C_SKIP:-} && $(basename "$exe") == $C_SKIP ]]; then
            echo "skipped $(basename "$exe"): $C_SKIP_WHY"
            continue
        fi
        if [ $running -ge 2 ]; then
            wait -n
            running=$((running - 1))
        fi
        { timeout "$limit" bash -c '"$@"' _ $runner "$exe" >"$exe.log" 2>&1; echo $? >"$exe.rc"; } &
        running=$((running + 1))
    done
    wait
    for exe in "$out"/*; do
        [ -f "$exe.rc" ] || continue
        local rc
        rc=$(cat "$exe.rc")
        rm "$exe.rc"
        if [ "$rc" -eq 0 ]; then
            echo "ok      $(basename "$exe")"
        else
            echo "FAILED  $(basename "$exe") (exit $rc):"
            tail -n 60 "$exe.log"
            ok=1
        fi
    done
    return $ok
}

# --- the tiers --------------------------------------------------------------------------------

# The Rust tests Miri runs; the sanitizers also run the stress tests (not their long variants).
RUST_TESTS=(--lib --test locks --test threads --test capi_model)
SAN_TESTS=("${RUST_TESTS[@]}" --test stress)

tier_loom() {
    RUSTFLAGS="--cfg loom" LOOM_MAX_PREEMPTIONS=$LOOM_MAX_PREEMPTIONS CARGO_TARGET_DIR=target/loom \
        "${NICE[@]}" cargo test --profile verify --test loom
}

tier_miri() {
    nightly_component miri rust-src || { SKIP="rustup cannot add miri/rust-src to nightly"; return; }
    # The CI profile runs the unit tests (the core, and the C API through its handles); the
    # integration tests add minutes of interpretation for little the unit tests do not reach.
    # Starting and joining 1000 threads, a race hunt for native runs, takes Miri many minutes.
    # The full profile adds the pool's tests, the most use of the futures' hand-counted memory.
    local tests=("${RUST_TESTS[@]}" --test pool)
    [ "$PROFILE" = full ] || tests=(--lib)
    "${NICE[@]}" cargo +nightly miri setup >/dev/null 2>&1 &&
        "${NICE[@]}" cargo +nightly miri test "${tests[@]}" -- --skip a_joined_thread_is_not_enumerated
}

tier_tsan() {
    nightly_component rust-src || { SKIP="rustup cannot add rust-src to nightly"; return; }
    # gcc 12's libtsan, which the C programs link, has no __tsan_memcpy: the Rust side must
    # not instrument memcpy/memset calls. std is rebuilt with TSan so that its synchronization
    # (futex mutexes, thread join) is seen; otherwise every hand-over through it is a false race.
    local flags="-Zsanitizer=thread -Cllvm-args=-tsan-instrument-memintrinsics=false"
    local -x RUSTFLAGS=$flags CARGO_TARGET_DIR=target/tsan
    local -x TSAN_OPTIONS="halt_on_error=1 exitcode=66"
    # TSan's runtime cannot start threads in the child of a multithreaded fork() (it aborts, or
    # with die_after_fork=0 trips over the parent's thread ids): the fork tests are left out.
    local -x C_SKIP="fork_*" C_SKIP_WHY="TSan cannot start threads after a multithreaded fork"
    "${NICE[@]}" cargo +nightly -Zbuild-std test --target "$HOST" "${SAN_TESTS[@]}" -- \
        --skip fork || return 1
    "${NICE[@]}" cargo +nightly -Zbuild-std capi --target "$HOST" || return 1
    local lib=target/tsan/$HOST/debug
    build_c "$lib" "$lib/c-$PROFILE" SAN_C_PROGRAMS -fsanitize=thread && run_c "$lib/c-$PROFILE" 300
}

tier_asan() {
    have_nightly || { SKIP="no nightly toolchain"; return; }
    # std is not rebuilt: code ASan does not instrument cannot cause false reports, and weft's
    # own (unsafe) code is instrumented. LeakSanitizer runs at every exit.
    local -x RUSTFLAGS=-Zsanitizer=address CARGO_TARGET_DIR=target/asan
    local -x ASAN_OPTIONS="halt_on_error=1 detect_leaks=1"
    # ASan reserves its shadow memory up front: under a low RLIMIT_AS its own allocations fail.
    # LeakSanitizer, run when a forked child calls exit(), reports what the parent's threads
    # (which the child does not have) had allocated as leaked: the fork matrix of tests/stress.rs,
    # whose children leave by exit() among other ways, and every test that forks, are left out
    # (names with "fork" or ending in _leaves); they run in the other tiers.
    "${NICE[@]}" cargo +nightly test --target "$HOST" "${SAN_TESTS[@]}" -- \
        --skip low_rlimit_as --skip _leaves --skip fork || return 1
    "${NICE[@]}" cargo +nightly capi --target "$HOST" || return 1
    # gcc 12's ASan runtime, which the C programs link, does not reset its allocator's lock in
    # the child of a fork(): a thread the child starts can hang in ASan's free() (seen in
    # glibc's pthread_getattr_np, on a lock a thread of the parent held). The Rust fork test
    # runs, with rustc's newer runtime.
    local -x C_SKIP="fork_*" C_SKIP_WHY="gcc 12's ASan runtime can hang a fork child's new thread"
    local lib=target/asan/$HOST/debug
    build_c "$lib" "$lib/c-$PROFILE" SAN_C_PROGRAMS -fsanitize=address && run_c "$lib/c-$PROFILE" 300
}

# memcheck PROGRAM: memcheck only, as helgrind and drd misreport the futex-based locks Rust uses.
#
# Leaks: only "definitely" (and "indirectly") lost blocks fail. Memcheck says "possibly lost"
# when the only pointers left to a block point into its middle, and in weft that is by design:
# a handle is `Arc::into_raw` of its object (src/capi/handle.rs), 16 bytes into the allocation,
# and a `&T` to an `Arc`'s contents on the stack of a thread blocked at exit points there too;
# everything reachable from such a block is then "possibly lost" as well. So are the TLS blocks
# of threads still running at exit (glibc keeps `dtv + 1`). A handle that was dropped without
# `_free` has no pointer left at all, and is reported as definitely lost.
memcheck() {
    local leaks=--leak-check=full
    # A child made by fork() has its parent's heap but not the parent's other threads, whose
    # stacks held the pointers to much of it: its leak report is noise (tens of "definitely
    # lost" blocks). Programs that fork are checked for memory errors (children included), not
    # for leaks.
    case $(basename "$1") in fork_*) leaks=--leak-check=no ;; esac
    # --fair-sched: valgrind runs one thread at a time, and its default lock is not fair: a
    # thread that starts threads in a loop (fork_child's churner) can keep the main thread off
    # the CPU for minutes (fork_child: more than the 600 s limit, against 10 s with it).
    valgrind -q --fair-sched=yes --error-exitcode=1 "$leaks" --show-leak-kinds=definite,indirect \
        --errors-for-leak-kinds=definite,indirect "$1"
}
export -f memcheck

tier_valgrind() {
    apt_install valgrind valgrind || { SKIP="valgrind cannot be installed with apt-get"; return; }
    # The debug library `make test` builds (the same `cargo capi`), in target/: after it, nothing
    # to build.
    CARGO_TARGET_DIR=target "${NICE[@]}" cargo capi || return 1
    local lib=target/debug
    build_c "$lib" "$lib/c-programs" C_PROGRAMS && run_c "$lib/c-programs" 600 memcheck
}

tier_fuzz() {
    have_nightly || { SKIP="no nightly toolchain"; return; }
    # A debug build of cargo-fuzz (a driver; the fuzzing runs in the target's own code) builds in
    # half the CPU time of a release one: 40 s against 78 s, measured.
    command -v cargo-fuzz >/dev/null ||
        "${NICE[@]}" cargo install cargo-fuzz --locked --debug >/dev/null 2>&1 ||
        { SKIP="cargo install cargo-fuzz failed"; return; }
    local log=fuzz/target/fuzz.log
    mkdir -p fuzz/target
    if "${NICE[@]}" cargo +nightly fuzz run capi -- -max_total_time="$FUZZ_SECONDS" \
        -print_final_stats=1 >"$log" 2>&1; then
        grep -E '^stat::|^Done' "$log"
    else
        # The report (sanitizer or panic) and the failing input, without libFuzzer's progress.
        grep -vE '^(#[0-9]+|INFO:|".*" # Uses)' "$log" | tail -n 80
        return 1
    fi
}

tier_stress() {
    # The fork matrix's long runs fork 200 children per object kind and way of leaving; 30 in
    # CI's profile.
    local -x WEFT_FORK_CHILDREN=${WEFT_FORK_CHILDREN:-$([ "$PROFILE" = full ] && echo 200 || echo 30)}
    PROPTEST_CASES=${PROPTEST_CASES:-2000} CARGO_TARGET_DIR=target/stress "${NICE[@]}" \
        cargo test --profile verify --test capi_model --test stress -- --include-ignored
}

for tier in "${TIERS[@]}"; do
    declare -F "tier_$tier" >/dev/null || { echo "unknown tier: $tier (tiers: ${ALL_TIERS[*]})"; exit 2; }
done

# run_tier TIER: runs it and writes "status seconds reason" to $RESULT_DIR/TIER.
RESULT_DIR=target/verify-results
rm -rf "$RESULT_DIR" && mkdir -p "$RESULT_DIR"
run_tier() {
    SKIP= # a tier that cannot install what it needs sets this and returns
    local start=$SECONDS status
    if "tier_$1"; then status=passed; else status=FAILED; fi
    [ -z "$SKIP" ] || status=SKIPPED
    echo "$status $((SECONDS - start)) $SKIP" >"$RESULT_DIR/$1"
}

# VERIFY_JOBS=2 (`make verify-ci`) runs two tiers at a time, each one's output printed whole when
# it ends: a tier's build leaves a core idle on its long serial chains of crates (syn, serde's
# derive, cbindgen), and Miri and the fuzzer run on one core, so two tiers together take less
# than the sum of their times on two cores. What the tiers install (nightly and its components) is
# installed first, one at a time, as rustup cannot install into a toolchain twice at once.
JOBS=${VERIFY_JOBS:-1}
if [ "$JOBS" -gt 1 ]; then
    case " ${TIERS[*]} " in *" miri "* | *" tsan "* | *" asan "* | *" fuzz "*) have_nightly && nightly_component rust-src ;; esac
    case " ${TIERS[*]} " in *" miri "*) nightly_component miri ;; esac
    running=()
    declare -A pid
    # finished: prints the output of every running tier that has ended, and forgets it (one
    # killed before it could write its result failed).
    finished() {
        local tier still=()
        for tier in "${running[@]}"; do
            kill -0 "${pid[$tier]}" 2>/dev/null || [ -f "$RESULT_DIR/$tier" ] ||
                echo "FAILED 0 killed" >"$RESULT_DIR/$tier"
            if [ -f "$RESULT_DIR/$tier" ]; then
                log "$tier"
                cat "$RESULT_DIR/$tier.log"
            else
                still+=("$tier")
            fi
        done
        running=("${still[@]}")
    }
    for tier in "${TIERS[@]}"; do
        while [ ${#running[@]} -ge "$JOBS" ]; do
            wait -n
            finished
        done
        run_tier "$tier" >"$RESULT_DIR/$tier.log" 2>&1 &
        pid[$tier]=$!
        running+=("$tier")
    done
    while [ ${#running[@]} -gt 0 ]; do
        wait -n
        finished
    done
else
    for tier in "${TIERS[@]}"; do
        log "$tier"
        run_tier "$tier"
    done
fi
for tier in "${TIERS[@]}"; do
    read -r status seconds reason <"$RESULT_DIR/$tier"
    record "$tier" "$status" "$seconds" "$reason"
done

log "summary"
printf '%s\n' "${RESULTS[@]}"
echo "verify: $PASSED passed, $FAILED failed, $SKIPPED skipped"
[ "$FAILED" -eq 0 ]
