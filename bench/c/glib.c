/* The GLib anchors: GMutex, GCond, GRecMutex, GAsyncQueue, GThread and GThreadPool. GLib has no
 * semaphore or barrier. */
#include <glib.h>

#define MUTEX_T GMutex
#define MUTEX_INIT(m) g_mutex_init(m)
#define MUTEX_DESTROY(m) g_mutex_clear(m)
#define MUTEX_LOCK(m) g_mutex_lock(m)
#define MUTEX_UNLOCK(m) g_mutex_unlock(m)
#define COND_T GCond
#define COND_INIT(c) g_cond_init(c)
#define COND_DESTROY(c) g_cond_clear(c)
#define COND_WAIT(c, m) g_cond_wait(c, m)
#define COND_SIGNAL(c) g_cond_signal(c)
#define COND_BROADCAST(c) g_cond_broadcast(c)
#include "generic.h"

static uint64_t rlock_3(long n) {
    GRecMutex m;
    g_rec_mutex_init(&m);
    uint64_t t0 = now_ns();
    for (long i = 0; i < n; i++) {
        g_rec_mutex_lock(&m);
        g_rec_mutex_lock(&m);
        g_rec_mutex_lock(&m);
        g_rec_mutex_unlock(&m);
        g_rec_mutex_unlock(&m);
        g_rec_mutex_unlock(&m);
    }
    uint64_t elapsed = now_ns() - t0;
    g_rec_mutex_clear(&m);
    return elapsed;
}

/* GAsyncQueue is unbounded: its producers never wait for room. Items are offset by one because
 * it cannot hold NULL. */
static void *async_make(void) { return g_async_queue_new(); }
static void async_put(void *q, uintptr_t item) { g_async_queue_push(q, (void *)(item + 1)); }
static uintptr_t async_get(void *q) { return (uintptr_t)g_async_queue_pop(q) - 1; }
static void async_destroy(void *q) { g_async_queue_unref(q); }
static const struct queue_ops async_ops = {async_make, async_put, async_get, async_destroy};

static uint64_t queue_1p1c(long n) { return run_queue(&async_ops, 1, 1, n); }
static uint64_t queue_2p2c(long n) { return run_queue(&async_ops, 2, 2, n); }

static void *nothing(void *arg) { return arg; }

static uint64_t thread_create_join(long n) {
    uint64_t t0 = now_ns();
    for (long i = 0; i < n; i++) {
        g_thread_join(g_thread_new(NULL, nothing, NULL));
    }
    return now_ns() - t0;
}

struct pool_run {
    GMutex m;
    GCond done;
    long remaining;
};

static void tiny_task(void *data, void *user) {
    (void)data;
    struct pool_run *r = user;
    if (__atomic_sub_fetch(&r->remaining, 1, __ATOMIC_ACQ_REL) == 0) {
        g_mutex_lock(&r->m);
        g_cond_signal(&r->done);
        g_mutex_unlock(&r->m);
    }
}

static uint64_t pool_tasks(long n) {
    struct pool_run r = {.remaining = n};
    g_mutex_init(&r.m);
    g_cond_init(&r.done);
    GThreadPool *pool = g_thread_pool_new(tiny_task, &r, POOL_WORKERS, TRUE, NULL);
    CHECK(pool != NULL);
    uint64_t t0 = now_ns();
    for (long i = 0; i < n; i++) {
        g_thread_pool_push(pool, GINT_TO_POINTER(1), NULL);
    }
    g_mutex_lock(&r.m);
    while (__atomic_load_n(&r.remaining, __ATOMIC_ACQUIRE) != 0) {
        g_cond_wait(&r.done, &r.m);
    }
    g_mutex_unlock(&r.m);
    uint64_t elapsed = now_ns() - t0;
    g_thread_pool_free(pool, FALSE, TRUE);
    g_cond_clear(&r.done);
    g_mutex_clear(&r.m);
    return elapsed;
}

static void *rw_make(void) {
    GRWLock *l = g_new(GRWLock, 1);
    g_rw_lock_init(l);
    return l;
}
static void rw_read(void *l) { g_rw_lock_reader_lock(l); }
static void rw_read_unlock(void *l) { g_rw_lock_reader_unlock(l); }
static void rw_write(void *l) { g_rw_lock_writer_lock(l); }
static void rw_write_unlock(void *l) { g_rw_lock_writer_unlock(l); }
static void rw_destroy(void *l) {
    g_rw_lock_clear(l);
    g_free(l);
}
static const struct rwlock_ops rw_ops = {rw_make,  rw_read,         rw_read_unlock,
                                         rw_write, rw_write_unlock, rw_destroy};
RWLOCK_CASES(rw_ops)

/* g_once_init_enter on a value already initialized. */
static uint64_t once_done(long n) {
    static gsize once = 0;
    long runs = 0;
    uint64_t t0 = now_ns();
    for (long i = 0; i < n; i++) {
        if (g_once_init_enter(&once)) {
            runs++;
            g_once_init_leave(&once, 1);
        }
    }
    uint64_t elapsed = now_ns() - t0;
    CHECK(runs <= 1);
    return elapsed;
}

static const struct bench_case cases[] = {
    {"lock_uncontended", mc_lock_uncontended, NULL},
    {"lock_contended", mc_lock_contended, NULL},
    {"rlock_3", rlock_3, NULL},
    {"notify_empty", mc_notify_empty, NULL},
    {"cond_pingpong", mc_cond_pingpong, NULL},
    {"event_pingpong", mc_event_pingpong, NULL},
    {"queue_1p1c", queue_1p1c, NULL},
    {"queue_2p2c", queue_2p2c, NULL},
    {"thread_create_join", thread_create_join, NULL},
    {"pool_tasks", pool_tasks, NULL},
    {"rwlock_read", rwlock_read, NULL},
    {"rwlock_read_mostly", rwlock_read_mostly, NULL},
    {"rwlock_write_heavy", rwlock_write_heavy, NULL},
    {"once_done", once_done, NULL},
};
CASES(glib, cases);
