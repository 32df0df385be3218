/*
 * weft through its C API (include/weft.h and the headers of include/weft/ it includes, linked
 * to target/release/libweft.so).
 *
 * bench/run.py generates weft_have.h with a HAVE_<function> macro for every function weft.h
 * declares; a primitive whose functions are not there yet gets a case that reports "not
 * available" instead of a figure.
 *
 * The lock, condition, event, semaphore and barrier loops call weft as pthread.c calls pthread,
 * without checking each status (the set-up is checked); WEFT_NODISCARD, defined empty before
 * weft.h, lets them (GCC does not let a (void) cast silence warn_unused_result).
 */
#define WEFT_NODISCARD
#include <weft.h>

#include "harness.h"
#include "weft_have.h"

#define OK(call) CHECK((call) == WEFT_STATUS_OK)
#define FOREVER WEFT_TIMEOUT_FOREVER

/* ---- Lock ---- */

static uint64_t lock_uncontended(long n) {
    weft_lock *l;
    OK(weft_lock_new(&l));
    uint64_t t0 = now_ns();
    for (long i = 0; i < n; i++) {
        weft_lock_acquire(l, true, FOREVER);
        weft_lock_release(l);
    }
    uint64_t elapsed = now_ns() - t0;
    weft_lock_free(l);
    return elapsed;
}

static void *lock_make(void) {
    weft_lock *l;
    OK(weft_lock_new(&l));
    return l;
}
static void lock_lock(void *l) { weft_lock_acquire(l, true, FOREVER); }
static void lock_unlock(void *l) { weft_lock_release(l); }
static void lock_destroy(void *l) { weft_lock_free(l); }
static const struct lock_ops lock_ops = {lock_make, lock_lock, lock_unlock, lock_destroy};

static uint64_t lock_contended(long n) { return run_lock_contended(&lock_ops, n); }

/* ---- RLock ---- */

static uint64_t rlock_3(long n) {
    weft_rlock *l;
    OK(weft_rlock_new(&l));
    uint64_t t0 = now_ns();
    for (long i = 0; i < n; i++) {
        weft_rlock_acquire(l, true, FOREVER);
        weft_rlock_acquire(l, true, FOREVER);
        weft_rlock_acquire(l, true, FOREVER);
        weft_rlock_release(l);
        weft_rlock_release(l);
        weft_rlock_release(l);
    }
    uint64_t elapsed = now_ns() - t0;
    weft_rlock_free(l);
    return elapsed;
}

/* ---- Thread ---- */

static void *nothing(void *arg) { return arg; }

static uint64_t thread_create_join(long n) {
    uint64_t t0 = now_ns();
    for (long i = 0; i < n; i++) {
        weft_thread *t;
        OK(weft_thread_new(nothing, NULL, NULL, &t));
        OK(weft_thread_start(t));
        OK(weft_thread_join(t, FOREVER));
        weft_thread_free(t);
    }
    return now_ns() - t0;
}

/* ---- Condition (over a Lock, like a pthread mutex and condition) ---- */

#if defined(HAVE_weft_condition_new) && defined(HAVE_weft_condition_wait) && \
    defined(HAVE_weft_condition_notify)
#define HAVE_CONDITION 1

static weft_condition *condition_new(void) {
    weft_lock *l;
    weft_condition *c;
    OK(weft_lock_new(&l));
    OK(weft_condition_new_with_lock(l, &c));
    weft_lock_free(l);
    return c;
}

static uint64_t notify_empty(long n) {
    weft_condition *c = condition_new();
    OK(weft_condition_acquire(c, true, FOREVER));
    uint64_t t0 = now_ns();
    for (long i = 0; i < n; i++) {
        weft_condition_notify(c, 1);
    }
    uint64_t elapsed = now_ns() - t0;
    OK(weft_condition_release(c));
    weft_condition_free(c);
    return elapsed;
}

static void *cond_make(void) { return condition_new(); }
static void cond_lock(void *c) { weft_condition_acquire(c, true, FOREVER); }
static void cond_unlock(void *c) { weft_condition_release(c); }
static void cond_wait(void *c) { weft_condition_wait(c, FOREVER); }
static void cond_notify(void *c) { weft_condition_notify(c, 1); }
static void cond_destroy(void *c) { weft_condition_free(c); }
static const struct cond_ops cond_ops = {cond_make, cond_lock,   cond_unlock,
                                         cond_wait, cond_notify, cond_destroy};

static uint64_t cond_pingpong(long n) { return run_cond_pingpong(&cond_ops, n); }
#endif

/* ---- Event ---- */

#if defined(HAVE_weft_event_new) && defined(HAVE_weft_event_wait)
#define HAVE_EVENT 1

static void *event_make(void) {
    weft_event *e;
    OK(weft_event_new(&e));
    return e;
}
static void event_set(void *e) { weft_event_set(e); }
static void event_wait(void *e) { weft_event_wait(e, FOREVER); }
static void event_clear(void *e) { weft_event_clear(e); }
static void event_destroy(void *e) { weft_event_free(e); }
static const struct event_ops event_ops = {event_make, event_set, event_wait, event_clear,
                                           event_destroy};

static uint64_t event_pingpong(long n) { return run_event_pingpong(&event_ops, n); }
#endif

/* ---- Semaphore ---- */

#if defined(HAVE_weft_semaphore_new) && defined(HAVE_weft_semaphore_acquire)
#define HAVE_SEMAPHORE 1

static uint64_t sem_pair(long n) {
    weft_semaphore *s;
    OK(weft_semaphore_new(1, &s));
    uint64_t t0 = now_ns();
    for (long i = 0; i < n; i++) {
        weft_semaphore_acquire(s, true, FOREVER);
        weft_semaphore_release(s, 1);
    }
    uint64_t elapsed = now_ns() - t0;
    weft_semaphore_free(s);
    return elapsed;
}
#endif

/* ---- Barrier ---- */

#if defined(HAVE_weft_barrier_new) && defined(HAVE_weft_barrier_wait)
#define HAVE_BARRIER 1

static void *barrier_make(void) {
    weft_barrier *b;
    OK(weft_barrier_new(2, NULL, NULL, NULL, FOREVER, &b));
    return b;
}
static void barrier_wait(void *b) {
    size_t index;
    weft_barrier_wait(b, FOREVER, &index);
}
static void barrier_destroy(void *b) { weft_barrier_free(b); }
static const struct barrier_ops barrier_ops = {barrier_make, barrier_wait, barrier_destroy};

static uint64_t barrier_round(long n) { return run_barrier(&barrier_ops, n); }
#endif

/* ---- Queue ---- */

#if defined(HAVE_weft_queue_new) && defined(HAVE_weft_queue_put) && defined(HAVE_weft_queue_get)
#define HAVE_QUEUE 1

static void *queue_make(void) {
    weft_queue *q;
    OK(weft_queue_new(WEFT_QUEUE_FIFO, QUEUE_CAPACITY, NULL, &q));
    return q;
}
static void queue_put(void *q, uintptr_t item) { OK(weft_queue_put(q, (void *)item, true, FOREVER)); }
static uintptr_t queue_get(void *q) {
    void *item;
    OK(weft_queue_get(q, true, FOREVER, &item));
    return (uintptr_t)item;
}
static void queue_destroy(void *q) { weft_queue_free(q); }
static const struct queue_ops queue_ops = {queue_make, queue_put, queue_get, queue_destroy};

static uint64_t queue_1p1c(long n) { return run_queue(&queue_ops, 1, 1, n); }
static uint64_t queue_2p2c(long n) { return run_queue(&queue_ops, 2, 2, n); }
#endif

/* ---- Pool ---- */

#if defined(HAVE_weft_pool_new) && defined(HAVE_weft_pool_submit) && \
    defined(HAVE_weft_future_result)
#define HAVE_POOL 1

static int tiny_task(void *counter, void **result_out) {
    (void)result_out;
    __atomic_add_fetch((long *)counter, 1, __ATOMIC_RELAXED);
    return 0;
}

/* Holds its worker until every worker has started one: the pool starts workers on demand. */
static int start_worker(void *started, void **result_out) {
    (void)result_out;
    __atomic_add_fetch((int *)started, 1, __ATOMIC_ACQ_REL);
    while (__atomic_load_n((int *)started, __ATOMIC_ACQUIRE) < POOL_WORKERS) {
        sched_yield();
    }
    return 0;
}

/* Python's `futures = [pool.submit(f) for ...]` then `f.result()` for each. The workers are
 * started before the clock, as the other pools' are. */
static uint64_t pool_tasks(long n) {
    weft_pool *pool;
    weft_future *started_f[POOL_WORKERS];
    long counter = 0;
    int started = 0;
    void *result;
    weft_future **futures = malloc((size_t)n * sizeof *futures);
    OK(weft_pool_new(POOL_WORKERS, NULL, NULL, NULL, NULL, &pool));
    for (int i = 0; i < POOL_WORKERS; i++) {
        OK(weft_pool_submit(pool, start_worker, &started, NULL, &started_f[i]));
    }
    for (int i = 0; i < POOL_WORKERS; i++) {
        OK(weft_future_result(started_f[i], FOREVER, &result));
        weft_future_free(started_f[i]);
    }
    uint64_t t0 = now_ns();
    for (long i = 0; i < n; i++) {
        OK(weft_pool_submit(pool, tiny_task, &counter, NULL, &futures[i]));
    }
    for (long i = 0; i < n; i++) {
        OK(weft_future_result(futures[i], FOREVER, &result));
        weft_future_free(futures[i]);
    }
    uint64_t elapsed = now_ns() - t0;
    CHECK(counter == n);
    OK(weft_pool_shutdown(pool, true, false));
    weft_pool_free(pool);
    free(futures);
    return elapsed;
}
#endif

#ifdef HAVE_weft_rwlock_new
#define HAVE_RWLOCK 1
static void *rw_make(void) {
    weft_rwlock *l;
    OK(weft_rwlock_new(&l));
    return l;
}
static void rw_read(void *l) { weft_rwlock_acquire_read(l, true, FOREVER); }
static void rw_read_unlock(void *l) { weft_rwlock_release_read(l); }
static void rw_write(void *l) { weft_rwlock_acquire_write(l, true, FOREVER); }
static void rw_write_unlock(void *l) { weft_rwlock_release_write(l); }
static void rw_destroy(void *l) { weft_rwlock_free(l); }
static const struct rwlock_ops rw_ops = {rw_make,  rw_read,         rw_read_unlock,
                                         rw_write, rw_write_unlock, rw_destroy};
RWLOCK_CASES(rw_ops)
#endif

#ifdef HAVE_weft_once_call
#define HAVE_ONCE 1
static int once_runs;
static int once_init(void *arg) {
    (void)arg;
    once_runs++;
    return 0;
}

/* weft_once_call on a once already done. */
static uint64_t once_done(long n) {
    static weft_once once = WEFT_ONCE_INIT;
    uint64_t t0 = now_ns();
    for (long i = 0; i < n; i++) {
        weft_once_call(&once, once_init, NULL);
    }
    uint64_t elapsed = now_ns() - t0;
    CHECK(once_runs == 1);
    return elapsed;
}
#endif

/* A case whose weft functions are not in this weft.h yet. */
#define MISSING(name, what) {name, NULL, what " not in include/weft.h yet"}

static const struct bench_case cases[] = {
    {"lock_uncontended", lock_uncontended, NULL},
    {"lock_contended", lock_contended, NULL},
    {"rlock_3", rlock_3, NULL},
#ifdef HAVE_CONDITION
    {"notify_empty", notify_empty, NULL},
    {"cond_pingpong", cond_pingpong, NULL},
#else
    MISSING("notify_empty", "weft_condition_*"),
    MISSING("cond_pingpong", "weft_condition_*"),
#endif
#ifdef HAVE_EVENT
    {"event_pingpong", event_pingpong, NULL},
#else
    MISSING("event_pingpong", "weft_event_*"),
#endif
#ifdef HAVE_SEMAPHORE
    {"sem_pair", sem_pair, NULL},
#else
    MISSING("sem_pair", "weft_semaphore_*"),
#endif
#ifdef HAVE_BARRIER
    {"barrier_round", barrier_round, NULL},
#else
    MISSING("barrier_round", "weft_barrier_*"),
#endif
#ifdef HAVE_QUEUE
    {"queue_1p1c", queue_1p1c, NULL},
    {"queue_2p2c", queue_2p2c, NULL},
#else
    MISSING("queue_1p1c", "weft_queue_*"),
    MISSING("queue_2p2c", "weft_queue_*"),
#endif
    {"thread_create_join", thread_create_join, NULL},
#ifdef HAVE_POOL
    {"pool_tasks", pool_tasks, NULL},
#else
    MISSING("pool_tasks", "weft_pool_* / weft_future_*"),
#endif
#ifdef HAVE_RWLOCK
    {"rwlock_read", rwlock_read, NULL},
    {"rwlock_read_mostly", rwlock_read_mostly, NULL},
    {"rwlock_write_heavy", rwlock_write_heavy, NULL},
#else
    MISSING("rwlock_read", "weft_rwlock_*"),
    MISSING("rwlock_read_mostly", "weft_rwlock_*"),
    MISSING("rwlock_write_heavy", "weft_rwlock_*"),
#endif
#ifdef HAVE_ONCE
    {"once_done", once_done, NULL},
#else
    MISSING("once_done", "weft_once_*"),
#endif
};
CASES(weft, cases);
