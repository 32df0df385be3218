/*
 * futures_scale: time per future of as_completed and wait over many futures (BENCHMARKS.md,
 * "Waiting for many futures"). Built and run from the root of the repository:
 *
 *   cargo capi --release
 *   cc -O2 -std=c11 -Iinclude bench/futures/scale.c target/release/libweft.a -lpthread -ldl -lm \
 *       -o target/futures_scale
 *   target/futures_scale [N ...]          (default: 1000 10000 100000)
 *
 * For each N: N futures of a 1-worker pool, either all done before the clock starts ("done"), or
 * held by a gate that opens when the clock starts, so that they complete one by one while the
 * caller waits ("live"). Each line gives the whole wait's time, its time per future, and the
 * waiting thread's CPU time per future (for "live", the wall time is mostly the tasks').
 */
#define _POSIX_C_SOURCE 199309L
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include <weft.h>

static weft_event *gate;

/* Waits for the gate, then works a little (about a microsecond), so that the futures of the
 * "live" runs complete one by one while the caller waits. */
static int gated(void *arg, void **result_out) {
    (void)arg;
    *result_out = NULL;
    if (weft_event_wait(gate, WEFT_TIMEOUT_FOREVER) != WEFT_STATUS_OK) return 1;
    for (volatile int i = 0; i < 1000; i++) {
    }
    return 0;
}

static double seconds(clockid_t clock) {
    struct timespec t;
    clock_gettime(clock, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

static void check(weft_status s, const char *what) {
    if (s != WEFT_STATUS_OK) {
        fprintf(stderr, "%s: %s\n", what, weft_status_str(s));
        exit(1);
    }
}

/* How the futures are waited for: each returns after every future was seen done. */
static void old_as_completed(weft_future **fs, size_t n) {
    bool *yielded = calloc(n, sizeof *yielded);
    for (size_t i = 0; i < n; i++) {
        size_t index;
        check(weft_futures_as_completed(fs, n, yielded, WEFT_TIMEOUT_FOREVER, &index),
              "weft_futures_as_completed");
    }
    free(yielded);
}

static void iterator(weft_future **fs, size_t n) {
    weft_as_completed *it;
    check(weft_as_completed_new(fs, n, &it), "weft_as_completed_new");
    for (size_t i = 0; i < n; i++) {
        size_t index;
        check(weft_as_completed_next(it, WEFT_TIMEOUT_FOREVER, &index), "weft_as_completed_next");
    }
    weft_as_completed_free(it);
}

static void wait_all(weft_future **fs, size_t n) {
    bool *done = malloc(n * sizeof *done);
    check(weft_futures_wait(fs, n, WEFT_TIMEOUT_FOREVER, WEFT_ALL_COMPLETED, done),
          "weft_futures_wait");
    free(done);
}

static void measure(const char *name, void (*fn)(weft_future **, size_t), size_t n, bool live) {
    weft_pool *pool;
    check(weft_pool_new(1, "scale", NULL, NULL, NULL, &pool), "weft_pool_new");
    check(weft_event_new(&gate), "weft_event_new");
    if (!live) weft_event_set(gate);
    weft_future **fs = malloc(n * sizeof *fs);
    for (size_t i = 0; i < n; i++) {
        check(weft_pool_submit(pool, gated, NULL, NULL, &fs[i]), "weft_pool_submit");
    }
    if (!live) check(weft_pool_shutdown(pool, true, false), "weft_pool_shutdown");
    double start = seconds(CLOCK_MONOTONIC), cpu = seconds(CLOCK_THREAD_CPUTIME_ID);
    if (live) weft_event_set(gate);
    fn(fs, n);
    double elapsed = seconds(CLOCK_MONOTONIC) - start;
    cpu = seconds(CLOCK_THREAD_CPUTIME_ID) - cpu;
    printf("%-25s %-4s %7zu futures: %9.4f s, %9.1f ns/future, waiter's CPU %9.1f ns/future\n",
           name, live ? "live" : "done", n, elapsed, elapsed * 1e9 / (double)n,
           cpu * 1e9 / (double)n);
    fflush(stdout);
    check(weft_pool_shutdown(pool, true, false), "weft_pool_shutdown");
    for (size_t i = 0; i < n; i++) weft_future_free(fs[i]);
    free(fs);
    weft_event_free(gate);
    weft_pool_free(pool);
}

int main(int argc, char **argv) {
    static const size_t defaults[] = {1000, 10000, 100000};
    size_t count = argc > 1 ? (size_t)(argc - 1) : sizeof defaults / sizeof defaults[0];
    /* The step function is quadratic: beyond 10,000 futures (half a minute for 100,000) only
     * when WEFT_SCALE_ALL is set. */
    size_t step_max = getenv("WEFT_SCALE_ALL") ? SIZE_MAX : 10000;
    const struct {
        const char *name;
        void (*fn)(weft_future **, size_t);
        size_t max;
    } ways[] = {
        {"wait ALL_COMPLETED", wait_all, SIZE_MAX},
        {"weft_as_completed", iterator, SIZE_MAX},
        {"weft_futures_as_completed", old_as_completed, step_max},
    };
    for (size_t w = 0; w < sizeof ways / sizeof ways[0]; w++) {
        for (int live = 0; live < 2; live++) {
            for (size_t i = 0; i < count; i++) {
                size_t n = argc > 1 ? (size_t)strtoull(argv[i + 1], NULL, 10) : defaults[i];
                if (n <= ways[w].max) measure(ways[w].name, ways[w].fn, n, live);
            }
        }
    }
    return 0;
}
