/*
 * Cases written once over a mutex and a condition variable, for the implementations that have
 * those (pthread.c, c11.c, glib.c). The including file defines:
 *   MUTEX_T, MUTEX_INIT(m), MUTEX_DESTROY(m), MUTEX_LOCK(m), MUTEX_UNLOCK(m),
 *   COND_T, COND_INIT(c), COND_DESTROY(c), COND_WAIT(c, m), COND_SIGNAL(c), COND_BROADCAST(c)
 * (each taking pointers) and gets static cases and operation tables:
 *   mc_lock_uncontended, mc_lock_contended, mc_notify_empty, mc_cond_pingpong,
 *   mc_event_pingpong, mc_queue_1p1c, mc_queue_2p2c.
 * The event is CPython's (a flag under a lock, set with notify_all); the queue is a ring of
 * QUEUE_CAPACITY slots under one mutex with `not_empty` and `not_full` conditions, the classic
 * bounded buffer (and the shape of CPython's queue.Queue).
 */
#include "harness.h"

/* Not every including file uses every case. */
#define MC_CASE static __attribute__((unused)) uint64_t

MC_CASE mc_lock_uncontended(long n) {
    MUTEX_T m;
    MUTEX_INIT(&m);
    uint64_t t0 = now_ns();
    for (long i = 0; i < n; i++) {
        MUTEX_LOCK(&m);
        MUTEX_UNLOCK(&m);
    }
    uint64_t elapsed = now_ns() - t0;
    MUTEX_DESTROY(&m);
    return elapsed;
}

MC_CASE mc_notify_empty(long n) {
    MUTEX_T m;
    COND_T c;
    MUTEX_INIT(&m);
    COND_INIT(&c);
    MUTEX_LOCK(&m);
    uint64_t t0 = now_ns();
    for (long i = 0; i < n; i++) {
        COND_SIGNAL(&c);
    }
    uint64_t elapsed = now_ns() - t0;
    MUTEX_UNLOCK(&m);
    COND_DESTROY(&c);
    MUTEX_DESTROY(&m);
    return elapsed;
}

/* ---- lock ---- */

static void *mc_lock_make(void) {
    MUTEX_T *m = malloc(sizeof *m);
    MUTEX_INIT(m);
    return m;
}
static void mc_lock_lock(void *m) { MUTEX_LOCK((MUTEX_T *)m); }
static void mc_lock_unlock(void *m) { MUTEX_UNLOCK((MUTEX_T *)m); }
static void mc_lock_destroy(void *m) {
    MUTEX_DESTROY((MUTEX_T *)m);
    free(m);
}
static const struct lock_ops mc_lock_ops = {mc_lock_make, mc_lock_lock, mc_lock_unlock,
                                            mc_lock_destroy};

MC_CASE mc_lock_contended(long n) { return run_lock_contended(&mc_lock_ops, n); }

/* ---- condition ---- */

struct mc_cond {
    MUTEX_T m;
    COND_T c;
    int flag; /* the event's flag */
};

static void *mc_cond_make(void) {
    struct mc_cond *c = calloc(1, sizeof *c);
    MUTEX_INIT(&c->m);
    COND_INIT(&c->c);
    return c;
}
static void mc_cond_lock(void *p) { MUTEX_LOCK(&((struct mc_cond *)p)->m); }
static void mc_cond_unlock(void *p) { MUTEX_UNLOCK(&((struct mc_cond *)p)->m); }
static void mc_cond_wait(void *p) {
    struct mc_cond *c = p;
    COND_WAIT(&c->c, &c->m);
}
static void mc_cond_notify(void *p) { COND_SIGNAL(&((struct mc_cond *)p)->c); }
static void mc_cond_destroy(void *p) {
    struct mc_cond *c = p;
    COND_DESTROY(&c->c);
    MUTEX_DESTROY(&c->m);
    free(c);
}
static const struct cond_ops mc_cond_ops = {mc_cond_make, mc_cond_lock,   mc_cond_unlock,
                                            mc_cond_wait, mc_cond_notify, mc_cond_destroy};

MC_CASE mc_cond_pingpong(long n) { return run_cond_pingpong(&mc_cond_ops, n); }

/* ---- event ---- */

static void mc_event_set(void *p) {
    struct mc_cond *c = p;
    MUTEX_LOCK(&c->m);
    c->flag = 1;
    COND_BROADCAST(&c->c);
    MUTEX_UNLOCK(&c->m);
}
static void mc_event_wait(void *p) {
    struct mc_cond *c = p;
    MUTEX_LOCK(&c->m);
    while (!c->flag) {
        COND_WAIT(&c->c, &c->m);
    }
    MUTEX_UNLOCK(&c->m);
}
static void mc_event_clear(void *p) {
    struct mc_cond *c = p;
    MUTEX_LOCK(&c->m);
    c->flag = 0;
    MUTEX_UNLOCK(&c->m);
}
static const struct event_ops mc_event_ops = {mc_cond_make, mc_event_set, mc_event_wait,
                                              mc_event_clear, mc_cond_destroy};

MC_CASE mc_event_pingpong(long n) { return run_event_pingpong(&mc_event_ops, n); }

/* ---- bounded queue ---- */

struct mc_ring {
    MUTEX_T m;
    COND_T not_empty, not_full;
    size_t head, count;
    uintptr_t slots[QUEUE_CAPACITY];
};

static void *mc_ring_make(void) {
    struct mc_ring *r = calloc(1, sizeof *r);
    MUTEX_INIT(&r->m);
    COND_INIT(&r->not_empty);
    COND_INIT(&r->not_full);
    return r;
}
static void mc_ring_put(void *p, uintptr_t item) {
    struct mc_ring *r = p;
    MUTEX_LOCK(&r->m);
    while (r->count == QUEUE_CAPACITY) {
        COND_WAIT(&r->not_full, &r->m);
    }
    r->slots[(r->head + r->count++) % QUEUE_CAPACITY] = item;
    COND_SIGNAL(&r->not_empty);
    MUTEX_UNLOCK(&r->m);
}
static uintptr_t mc_ring_get(void *p) {
    struct mc_ring *r = p;
    MUTEX_LOCK(&r->m);
    while (r->count == 0) {
        COND_WAIT(&r->not_empty, &r->m);
    }
    uintptr_t item = r->slots[r->head];
    r->head = (r->head + 1) % QUEUE_CAPACITY;
    r->count--;
    COND_SIGNAL(&r->not_full);
    MUTEX_UNLOCK(&r->m);
    return item;
}
static void mc_ring_destroy(void *p) {
    struct mc_ring *r = p;
    COND_DESTROY(&r->not_full);
    COND_DESTROY(&r->not_empty);
    MUTEX_DESTROY(&r->m);
    free(r);
}
static const struct queue_ops mc_ring_ops = {mc_ring_make, mc_ring_put, mc_ring_get,
                                             mc_ring_destroy};

MC_CASE mc_queue_1p1c(long n) { return run_queue(&mc_ring_ops, 1, 1, n); }
MC_CASE mc_queue_2p2c(long n) { return run_queue(&mc_ring_ops, 2, 2, n); }
