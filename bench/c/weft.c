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

/* ---- the cases a 2-core run hides ---- */

static void *rlock_make(void) {
    weft_rlock *l;
    OK(weft_rlock_new(&l));
    return l;
}
static void rlock_lock(void *l) { weft_rlock_acquire(l, true, FOREVER); }
static void rlock_unlock(void *l) { weft_rlock_release(l); }
static void rlock_destroy(void *l) { weft_rlock_free(l); }
static const struct lock_ops rlock_ops = {rlock_make, rlock_lock, rlock_unlock, rlock_destroy};

static uint64_t fair_lock_4(long ms) { return run_fairness(&lock_ops, 4, ms); }
static uint64_t fair_lock_16(long ms) { return run_fairness(&lock_ops, 16, ms); }
static uint64_t fair_rlock_4(long ms) { return run_fairness(&rlock_ops, 4, ms); }
static uint64_t fair_rlock_16(long ms) { return run_fairness(&rlock_ops, 16, ms); }
static uint64_t lock_2000_threads(long n) { return run_many_lock(&lock_ops, 2000, n); }

#ifdef HAVE_SEMAPHORE
static void *sem_make(void) {
    weft_semaphore *s;
    OK(weft_semaphore_new(1, &s));
    return s;
}
static void sem_lock(void *s) { weft_semaphore_acquire(s, true, FOREVER); }
static void sem_unlock(void *s) { weft_semaphore_release(s, 1); }
static void sem_destroy(void *s) { weft_semaphore_free(s); }
static const struct lock_ops sem_ops = {sem_make, sem_lock, sem_unlock, sem_destroy};

static uint64_t fair_sem_4(long ms) { return run_fairness(&sem_ops, 4, ms); }
static uint64_t fair_sem_16(long ms) { return run_fairness(&sem_ops, 16, ms); }
#endif

#ifdef HAVE_CONDITION
/* notify_all on a condition over a Lock, with the flag and count a program keeps beside it. */
struct flag_cond {
    weft_condition *c;
    int waiting, waiters, flag;
};
static void *wcond_make(int waiters) {
    struct flag_cond *f = calloc(1, sizeof *f);
    f->c = condition_new();
    f->waiters = waiters;
    return f;
}
static void wcond_wait(void *p) {
    struct flag_cond *f = p;
    OK(weft_condition_acquire(f->c, true, FOREVER));
    f->waiting++;
    while (!f->flag) {
        OK(weft_condition_wait(f->c, FOREVER));
    }
    OK(weft_condition_release(f->c));
}
static void wcond_wake(void *p) {
    struct flag_cond *f = p;
    OK(weft_condition_acquire(f->c, true, FOREVER));
    CHECK(f->waiting == f->waiters); /* each released the lock in weft_condition_wait */
    f->flag = 1;
    OK(weft_condition_notify_all(f->c));
    OK(weft_condition_release(f->c));
}
static void wcond_destroy(void *p) {
    struct flag_cond *f = p;
    weft_condition_free(f->c);
    free(f);
}
static const struct wake_ops wcond_ops = {wcond_make, wcond_wait, wcond_wake, wcond_destroy};
static uint64_t wake_condition(long n) { return run_wake_all(&wcond_ops, (int)n); }
#endif

#ifdef HAVE_EVENT
static void *wevent_make(int waiters) {
    (void)waiters;
    return event_make();
}
static void wevent_wait(void *e) { OK(weft_event_wait(e, FOREVER)); }
static const struct wake_ops wevent_ops = {wevent_make, wevent_wait, event_set, event_destroy};
static uint64_t wake_event(long n) { return run_wake_all(&wevent_ops, (int)n); }
#endif

#ifdef HAVE_BARRIER
static void *wbarrier_make(int waiters) {
    weft_barrier *b;
    OK(weft_barrier_new((size_t)waiters + 1, NULL, NULL, NULL, FOREVER, &b));
    return b;
}
static const struct wake_ops wbarrier_ops = {wbarrier_make, barrier_wait, barrier_wait,
                                             barrier_destroy};
static uint64_t wake_barrier(long n) { return run_wake_all(&wbarrier_ops, (int)n); }
#endif

#ifdef HAVE_QUEUE
/* Getters blocked on an empty queue, woken by shutdown (Python 3.13's Queue.shutdown). */
static void *wqueue_make(int waiters) {
    (void)waiters;
    return queue_make();
}
static void wqueue_wait(void *q) {
    void *item;
    CHECK(weft_queue_get(q, true, FOREVER, &item) == WEFT_STATUS_SHUT_DOWN);
}
static void wqueue_wake(void *q) { OK(weft_queue_shutdown(q, false, NULL, NULL)); }
static const struct wake_ops wqueue_ops = {wqueue_make, wqueue_wait, wqueue_wake, queue_destroy};
static uint64_t wake_queue(long n) { return run_wake_all(&wqueue_ops, (int)n); }
#endif

#define LOCALS 10000

static uint64_t local_10000(long n) {
    static weft_local *locals[LOCALS];
    static long values[LOCALS];
    for (int i = 0; i < LOCALS; i++) {
        OK(weft_local_new(NULL, NULL, NULL, NULL, &locals[i]));
        OK(weft_local_set(locals[i], &values[i]));
    }
    uintptr_t sum = 0;
    uint64_t t0 = now_ns();
    for (long i = 0, k = 0; i < n; i++) {
        void *value;
        weft_local_get(locals[k], &value);
        sum += (uintptr_t)value;
        k = k + 1 == LOCALS ? 0 : k + 1;
    }
    uint64_t elapsed = now_ns() - t0;
    CHECK(sum != 0);
    for (int i = 0; i < LOCALS; i++) {
        weft_local_free(locals[i]);
    }
    return elapsed;
}

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

/* ---- Timers: the scheduler against a thread per timer (weft_timer) ---- */

#if defined(HAVE_weft_scheduler_new) && defined(HAVE_weft_scheduler_call_later)
#define HAVE_SCHEDULER 1

#define HOUR 3600.0

/* Counts the timers fired; the last one sets `all`. */
struct fired {
    long left;
    weft_event *all;
};

static int fire_once(void *arg, void **result_out) {
    (void)result_out;
    struct fired *f = arg;
    if (__atomic_sub_fetch(&f->left, 1, __ATOMIC_ACQ_REL) == 0) {
        OK(weft_event_set(f->all));
    }
    return 0;
}

static void *fire_thread(void *arg) {
    fire_once(arg, NULL);
    return NULL;
}

/* n timers an hour away: the time to schedule them (then all cancelled, off the clock). */
static uint64_t scheduler_schedule(long n) {
    weft_scheduler *s;
    OK(weft_scheduler_new(&s));
    weft_future **futures = malloc((size_t)n * sizeof *futures);
    uint64_t t0 = now_ns();
    for (long i = 0; i < n; i++) {
        OK(weft_scheduler_call_later(s, HOUR, fire_once, NULL, NULL, &futures[i]));
    }
    uint64_t elapsed = now_ns() - t0;
    OK(weft_scheduler_shutdown(s, true));
    for (long i = 0; i < n; i++) {
        weft_future_free(futures[i]);
    }
    weft_scheduler_free(s);
    free(futures);
    return elapsed;
}

static uint64_t timer_threads_schedule(long n) {
    weft_thread **timers = malloc((size_t)n * sizeof *timers);
    uint64_t t0 = now_ns();
    for (long i = 0; i < n; i++) {
        OK(weft_timer_new(HOUR, fire_thread, NULL, NULL, &timers[i]));
        OK(weft_thread_start(timers[i]));
    }
    uint64_t elapsed = now_ns() - t0;
    for (long i = 0; i < n; i++) {
        OK(weft_timer_cancel(timers[i]));
        OK(weft_thread_join(timers[i], FOREVER));
        weft_thread_free(timers[i]);
    }
    free(timers);
    return elapsed;
}

/* n timers all due now: from the first scheduled to the last fired (the firing rate). */
static uint64_t scheduler_fire(long n) {
    weft_scheduler *s;
    OK(weft_scheduler_new(&s));
    struct fired f = {.left = n};
    OK(weft_event_new(&f.all));
    uint64_t t0 = now_ns();
    for (long i = 0; i < n; i++) {
        weft_future *future;
        OK(weft_scheduler_call_later(s, 0.0, fire_once, &f, NULL, &future));
        weft_future_free(future);
    }
    OK(weft_event_wait(f.all, FOREVER));
    uint64_t elapsed = now_ns() - t0;
    OK(weft_scheduler_shutdown(s, true));
    weft_scheduler_free(s);
    weft_event_free(f.all);
    return elapsed;
}

static uint64_t timer_threads_fire(long n) {
    weft_thread **timers = malloc((size_t)n * sizeof *timers);
    struct fired f = {.left = n};
    OK(weft_event_new(&f.all));
    uint64_t t0 = now_ns();
    for (long i = 0; i < n; i++) {
        OK(weft_timer_new(0.0, fire_thread, &f, NULL, &timers[i]));
        OK(weft_thread_start(timers[i]));
    }
    OK(weft_event_wait(f.all, FOREVER));
    uint64_t elapsed = now_ns() - t0;
    for (long i = 0; i < n; i++) {
        OK(weft_thread_join(timers[i], FOREVER));
        weft_thread_free(timers[i]);
    }
    weft_event_free(f.all);
    free(timers);
    return elapsed;
}
#endif

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
    {"fair_lock_4", fair_lock_4, NULL},
    {"fair_lock_16", fair_lock_16, NULL},
    {"fair_rlock_4", fair_rlock_4, NULL},
    {"fair_rlock_16", fair_rlock_16, NULL},
#ifdef HAVE_SEMAPHORE
    {"fair_sem_4", fair_sem_4, NULL},
    {"fair_sem_16", fair_sem_16, NULL},
#endif
#ifdef HAVE_CONDITION
    {"wake_condition", wake_condition, NULL},
#endif
#ifdef HAVE_EVENT
    {"wake_event", wake_event, NULL},
#endif
#ifdef HAVE_BARRIER
    {"wake_barrier", wake_barrier, NULL},
#endif
#ifdef HAVE_QUEUE
    {"wake_queue", wake_queue, NULL},
#endif
    {"lock_2000_threads", lock_2000_threads, NULL},
    {"local_10000", local_10000, NULL},
#ifdef HAVE_SCHEDULER
    {"timers_schedule", scheduler_schedule, NULL},
    {"timers_fire", scheduler_fire, NULL},
#else
    MISSING("timers_schedule", "weft_scheduler_*"),
    MISSING("timers_fire", "weft_scheduler_*"),
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

/* The anchor of the timer cases: weft_timer, a thread per timer (CPython's threading.Timer). */
static const struct bench_case timer_cases[] = {
#ifdef HAVE_SCHEDULER
    {"timers_schedule", timer_threads_schedule, NULL},
    {"timers_fire", timer_threads_fire, NULL},
#else
    MISSING("timers_schedule", "weft_scheduler_*"),
    MISSING("timers_fire", "weft_scheduler_*"),
#endif
};
CASES(weft_timer, timer_cases);
