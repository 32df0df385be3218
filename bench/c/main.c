/*
 * bench_c: runs one C benchmark case and prints its samples as one JSON line.
 *
 *   bench_c list                          every "impl case" pair this build knows
 *   bench_c run IMPL CASE N REPEATS       a warm-up run of N/5 operations, then REPEATS timed runs
 *                                         of N operations
 *
 * Output: {"impl": ..., "case": ..., "n": N, "ns": [elapsed ns of each timed run], and any
 * fields the case left in bench_extra}, or
 * {"impl": ..., "case": ..., "missing": "why"} when this build cannot run the case.
 */
#include <string.h>

#include "harness.h"

static const struct bench_impl *const impls[] = {&impl_pthread, &impl_c11, &impl_glib, &impl_weft,
                                                 &impl_weft_timer};

char bench_extra[8192];

static void *nothing(void *arg) { return arg; }

int main(int argc, char **argv) {
    size_t n_impls = sizeof impls / sizeof impls[0];
    if (argc == 2 && strcmp(argv[1], "list") == 0) {
        for (size_t i = 0; i < n_impls; i++) {
            for (size_t j = 0; j < impls[i]->count; j++) {
                printf("%s %s\n", impls[i]->name, impls[i]->cases[j].name);
            }
        }
        return 0;
    }
    if (argc != 6 || strcmp(argv[1], "run") != 0) {
        fprintf(stderr, "usage: %s list | run IMPL CASE N REPEATS\n", argv[0]);
        return 2;
    }
    const char *impl = argv[2], *name = argv[3];
    long n = atol(argv[4]), repeats = atol(argv[5]);
    const struct bench_case *c = NULL;
    for (size_t i = 0; i < n_impls; i++) {
        for (size_t j = 0; j < impls[i]->count; j++) {
            if (!strcmp(impls[i]->name, impl) && !strcmp(impls[i]->cases[j].name, name)) {
                c = &impls[i]->cases[j];
            }
        }
    }
    if (!c) {
        fprintf(stderr, "no case %s %s\n", impl, name);
        return 2;
    }
    if (c->missing) {
        printf("{\"impl\": \"%s\", \"case\": \"%s\", \"missing\": \"%s\"}\n", impl, name,
               c->missing);
        return 0;
    }
    /* glibc takes its single-threaded shortcuts (no atomics in locks) until a process starts its
     * first thread: start one, so every case measures the multi-threaded code paths. */
    join(spawn(nothing, NULL));
    c->fn(n / 5 > 0 ? n / 5 : 1);
    uint64_t *ns = calloc((size_t)repeats, sizeof *ns);
    for (long r = 0; r < repeats; r++) {
        ns[r] = c->fn(n);
    }
    printf("{\"impl\": \"%s\", \"case\": \"%s\", \"n\": %ld, \"ns\": [", impl, name, n);
    for (long r = 0; r < repeats; r++) {
        printf("%s%llu", r ? ", " : "", (unsigned long long)ns[r]);
    }
    printf("]%s%s}\n", bench_extra[0] ? ", " : "", bench_extra);
    free(ns);
    return 0;
}
