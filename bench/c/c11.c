/* The C11 anchors (threads.h): mtx_t, cnd_t, thrd_create. C11 has no semaphore, barrier or
 * pool. */
#include <threads.h>

#define MUTEX_T mtx_t
#define MUTEX_INIT(m) CHECK(mtx_init(m, mtx_plain) == thrd_success)
#define MUTEX_DESTROY(m) mtx_destroy(m)
#define MUTEX_LOCK(m) mtx_lock(m)
#define MUTEX_UNLOCK(m) mtx_unlock(m)
#define COND_T cnd_t
#define COND_INIT(c) CHECK(cnd_init(c) == thrd_success)
#define COND_DESTROY(c) cnd_destroy(c)
#define COND_WAIT(c, m) cnd_wait(c, m)
#define COND_SIGNAL(c) cnd_signal(c)
#define COND_BROADCAST(c) cnd_broadcast(c)
#include "generic.h"

static uint64_t rlock_3(long n) {
    mtx_t m;
    CHECK(mtx_init(&m, mtx_plain | mtx_recursive) == thrd_success);
    uint64_t t0 = now_ns();
    for (long i = 0; i < n; i++) {
        mtx_lock(&m);
        mtx_lock(&m);
        mtx_lock(&m);
        mtx_unlock(&m);
        mtx_unlock(&m);
        mtx_unlock(&m);
    }
    uint64_t elapsed = now_ns() - t0;
    mtx_destroy(&m);
    return elapsed;
}

static int nothing(void *arg) { return arg != NULL; }

static uint64_t thread_create_join(long n) {
    uint64_t t0 = now_ns();
    for (long i = 0; i < n; i++) {
        thrd_t t;
        CHECK(thrd_create(&t, nothing, NULL) == thrd_success);
        CHECK(thrd_join(t, NULL) == thrd_success);
    }
    return now_ns() - t0;
}

static const struct bench_case cases[] = {
    {"lock_uncontended", mc_lock_uncontended, NULL},
    {"lock_contended", mc_lock_contended, NULL},
    {"rlock_3", rlock_3, NULL},
    {"notify_empty", mc_notify_empty, NULL},
    {"cond_pingpong", mc_cond_pingpong, NULL},
    {"event_pingpong", mc_event_pingpong, NULL},
    {"queue_1p1c", mc_queue_1p1c, NULL},
    {"queue_2p2c", mc_queue_2p2c, NULL},
    {"thread_create_join", thread_create_join, NULL},
};
CASES(c11, cases);
