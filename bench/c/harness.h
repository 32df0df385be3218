/*
 * The C benchmark harness: each implementation file (pthread.c, c11.c, glib.c, weft.c) defines
 * a table of cases; main.c runs one case and prints its samples as a JSON line for
 * bench/run.py.
 *
 * A case is a function that performs `n` operations and returns the nanoseconds its timed part
 * took (set-up such as creating threads or objects stays outside the clock unless creating
 * threads is what is measured).
 */
#ifndef WEFT_BENCH_HARNESS_H
#define WEFT_BENCH_HARNESS_H

#include <pthread.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

typedef uint64_t (*bench_fn)(long n);

struct bench_case {
    const char *name;
    bench_fn fn;
    /* Why the case cannot run in this build (NULL when it can), e.g. a missing weft symbol. */
    const char *missing;
};

struct bench_impl {
    const char *name;
    const struct bench_case *cases;
    size_t count;
};

extern const struct bench_impl impl_pthread, impl_c11, impl_glib, impl_weft, impl_weft_timer;

/* The queue benchmarks' capacity and the number of workers of the pool benchmarks. */
#define QUEUE_CAPACITY 1024
#define POOL_WORKERS 2

static inline uint64_t now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* Aborts the benchmark: a primitive failed, so no figure from this run can be trusted. */
#define CHECK(cond)                                                                      \
    do {                                                                                 \
        if (!(cond)) {                                                                   \
            fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond);    \
            exit(2);                                                                     \
        }                                                                                \
    } while (0)

/* Helper threads for the cross-thread cases of the non-weft implementations. */
static inline pthread_t spawn(void *(*fn)(void *), void *arg) {
    pthread_t t;
    CHECK(pthread_create(&t, NULL, fn, arg) == 0);
    return t;
}

static inline void join(pthread_t t) { CHECK(pthread_join(t, NULL) == 0); }

/* A start line: timed threads spin here until the main thread lets them all go at once. */
struct start_line {
    int go;
    int ready;
};

static inline void start_line_wait(struct start_line *s) {
    __atomic_add_fetch(&s->ready, 1, __ATOMIC_ACQ_REL);
    while (!__atomic_load_n(&s->go, __ATOMIC_ACQUIRE)) {
        sched_yield();
    }
}

/* Waits until `parties` threads are at the line, then starts the clock and lets them go. */
static inline uint64_t start_line_go(struct start_line *s, int parties) {
    while (__atomic_load_n(&s->ready, __ATOMIC_ACQUIRE) < parties) {
        sched_yield();
    }
    uint64_t t0 = now_ns();
    __atomic_store_n(&s->go, 1, __ATOMIC_RELEASE);
    return t0;
}

/*
 * Drivers: the cross-thread patterns, written once over small tables of operations so that every
 * implementation runs exactly the same pattern (drivers.c). The indirect calls cost the same
 * nanosecond or so for every implementation.
 */

/* A lock: `make` returns the object, which `destroy` frees. */
struct lock_ops {
    void *(*make)(void);
    void (*lock)(void *);
    void (*unlock)(void *);
    void (*destroy)(void *);
};

/* A condition with its own lock; `wait` is called with the lock held, `notify` wakes one. */
struct cond_ops {
    void *(*make)(void);
    void (*lock)(void *);
    void (*unlock)(void *);
    void (*wait)(void *);
    void (*notify)(void *);
    void (*destroy)(void *);
};

/* An event: Python's `threading.Event`. */
struct event_ops {
    void *(*make)(void);
    void (*set)(void *);
    void (*wait)(void *);
    void (*clear)(void *);
    void (*destroy)(void *);
};

/* A barrier for two parties. */
struct barrier_ops {
    void *(*make)(void);
    void (*wait)(void *);
    void (*destroy)(void *);
};

/* A queue of non-zero integers with capacity QUEUE_CAPACITY (where the implementation has one). */
struct queue_ops {
    void *(*make)(void);
    void (*put)(void *, uintptr_t);
    uintptr_t (*get)(void *);
    void (*destroy)(void *);
};

/* A reader-writer lock. */
struct rwlock_ops {
    void *(*make)(void);
    void (*read)(void *);
    void (*read_unlock)(void *);
    void (*write)(void *);
    void (*write_unlock)(void *);
    void (*destroy)(void *);
};

/* 2 threads each doing n/2 acquire/increment/release. */
uint64_t run_lock_contended(const struct lock_ops *ops, long n);
/* n round trips: A hands the turn to B, B hands it back, each with a wait and a notify. */
uint64_t run_cond_pingpong(const struct cond_ops *ops, long n);
/* n round trips: A sets e1 and waits for e2; B waits for e1, clears it and sets e2. */
uint64_t run_event_pingpong(const struct event_ops *ops, long n);
/* n rounds of a 2-party barrier. */
uint64_t run_barrier(const struct barrier_ops *ops, long n);
/* n items through the queue from `producers` threads to `consumers` threads. */
uint64_t run_queue(const struct queue_ops *ops, int producers, int consumers, long n);

/*
 * The cases a 2-core run hides (issue 20): fairness under a hot lock, many threads woken at
 * once, thousands of threads on one lock, thousands of thread-locals.
 */

/* Extra JSON fields ("name": value, ...) the last run of a case leaves for main.c to print with
 * its samples; empty for most cases. */
extern char bench_extra[8192];

/* A helper thread with a small stack (64 KiB), for the cases that start thousands. */
pthread_t spawn_small(void *(*fn)(void *), void *arg);

/* The most threads a fairness run takes. */
#define FAIR_MAX_THREADS 16

/* `threads` threads take and give back the lock as fast as they can for `ms` milliseconds (a
 * counter incremented inside). Leaves in bench_extra each thread's count of acquisitions
 * ("acquisitions") and the longest time any thread went without acquiring ("longest_wait_ns"). */
uint64_t run_fairness(const struct lock_ops *ops, int threads, long ms);

/* `threads` threads share `n` acquisitions of one lock (a counter incremented inside). */
uint64_t run_many_lock(const struct lock_ops *ops, int threads, long n);

/* Something many threads wait on, and the one call that wakes them all: `make(waiters)` makes
 * it for that many waiters; `wait` blocks until `wake`; `wake`, called once every waiter has
 * called `wait`, wakes them all (notify_all, set, the last party's arrival, shutdown). */
struct wake_ops {
    void *(*make)(int waiters);
    void (*wait)(void *);
    void (*wake)(void *);
    void (*destroy)(void *);
};

/* `n` threads wait; once they all have been waiting for 20 ms, one `wake`: the time from the
 * call until the last waiter has returned from its wait. */
uint64_t run_wake_all(const struct wake_ops *ops, int n);

/* `threads` threads doing n operations in all: every `write_every`-th of each thread's a write
 * (an increment), the others reads of the counter; `write_every` 0: reads only. */
uint64_t run_rwlock(const struct rwlock_ops *ops, int threads, long write_every, long n);

/* The reader-writer lock cases over `ops`: rwlock_read (one thread, reads only),
 * rwlock_read_mostly (2 threads, 1 write in 10), rwlock_write_heavy (2 threads, 1 in 2). */
#define RWLOCK_CASES(ops)                                                                  \
    static uint64_t rwlock_read(long n) { return run_rwlock(&ops, 1, 0, n); }              \
    static uint64_t rwlock_read_mostly(long n) { return run_rwlock(&ops, 2, 10, n); }      \
    static uint64_t rwlock_write_heavy(long n) { return run_rwlock(&ops, 2, 2, n); }

/* Defines `impl_<name>`, the table main.c looks cases up in. */
#define CASES(name, table) \
    const struct bench_impl impl_##name = {#name, table, sizeof(table) / sizeof(table[0])}

#endif
