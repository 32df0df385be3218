/*
 * What C reads back: a semaphore's value, an RLock's owner, a queue's waiting getters and
 * putters, a pool's pending/active/idle counts, its resizing and its bounded work list (a
 * submit refused with WEFT_STATUS_FULL, or waiting for room). Every status of every call,
 * NULL and wrong handles included. Threads are ordered with weft's own objects; a wait for
 * something weft does at once is bounded (the program fails instead of hanging).
 */
#define _POSIX_C_SOURCE 200809L
#include <sched.h>
#include <stdbool.h>
#include <time.h>

#include "check.h"

#define FOREVER WEFT_TIMEOUT_FOREVER

/* Waits until `*count(h) == want`, at most 10 s; false if it never got there. */
static bool until_count(size_t (*count)(const weft_queue *), const weft_queue *q, size_t want) {
    time_t start = time(NULL);
    while (count(q) != want) {
        if (time(NULL) - start > 10) {
            return false;
        }
        sched_yield();
    }
    return true;
}

static void semaphore_value(void) {
    weft_semaphore *s = NULL;
    weft_lock *lock = NULL;
    EXPECT_STATUS(weft_semaphore_new(3, &s), WEFT_STATUS_OK);
    EXPECT_STATUS(weft_lock_new(&lock), WEFT_STATUS_OK);
    EXPECT(weft_semaphore_value(s) == 3);
    EXPECT_STATUS(weft_semaphore_acquire(s, false, FOREVER), WEFT_STATUS_OK);
    EXPECT(weft_semaphore_value(s) == 2);
    EXPECT_STATUS(weft_semaphore_release(s, 5), WEFT_STATUS_OK);
    EXPECT(weft_semaphore_value(s) == 7);
    EXPECT(weft_semaphore_value(NULL) == 0);
    EXPECT(weft_semaphore_value((const weft_semaphore *)(void *)lock) == 0);
    weft_semaphore_free(s);
    weft_lock_free(lock);
}

static void *owner_seen(void *rlock) {
    return (void *)(uintptr_t)weft_rlock_owner(rlock);
}

static void rlock_owner(void) {
    weft_rlock *r = NULL;
    weft_lock *lock = NULL;
    EXPECT_STATUS(weft_rlock_new(&r), WEFT_STATUS_OK);
    EXPECT_STATUS(weft_lock_new(&lock), WEFT_STATUS_OK);
    EXPECT(weft_rlock_owner(r) == 0);
    EXPECT_STATUS(weft_rlock_acquire(r, true, FOREVER), WEFT_STATUS_OK);
    EXPECT_STATUS(weft_rlock_acquire(r, true, FOREVER), WEFT_STATUS_OK);
    EXPECT(weft_rlock_owner(r) == weft_get_ident());
    /* Another thread reads the owner too. */
    EXPECT((uint64_t)(uintptr_t)run_in_thread(owner_seen, r) == weft_get_ident());
    EXPECT_STATUS(weft_rlock_release(r), WEFT_STATUS_OK);
    EXPECT(weft_rlock_owner(r) == weft_get_ident());
    EXPECT_STATUS(weft_rlock_release(r), WEFT_STATUS_OK);
    EXPECT(weft_rlock_owner(r) == 0);
    EXPECT(weft_rlock_owner(NULL) == 0);
    EXPECT(weft_rlock_owner((const weft_rlock *)(void *)lock) == 0);
    weft_rlock_free(r);
    weft_lock_free(lock);
}

static void *get_one(void *q) {
    void *item = NULL;
    weft_status status = weft_queue_get(q, true, FOREVER, &item);
    return status == WEFT_STATUS_OK ? item : NULL;
}

static void *put_one(void *q) {
    return status_ptr(weft_queue_put(q, q, true, FOREVER));
}

static void queue_waiters(void) {
    weft_queue *q = NULL;
    weft_lock *lock = NULL;
    weft_thread *t = NULL;
    void *result = NULL;
    int item = 0;
    EXPECT_STATUS(weft_queue_new(WEFT_QUEUE_FIFO, 1, NULL, &q), WEFT_STATUS_OK);
    EXPECT_STATUS(weft_lock_new(&lock), WEFT_STATUS_OK);
    EXPECT(weft_queue_maxsize(q) == 1 && weft_queue_getters(q) == 0 && weft_queue_putters(q) == 0);

    EXPECT_STATUS(weft_thread_new(get_one, q, NULL, &t), WEFT_STATUS_OK);
    EXPECT_STATUS(weft_thread_start(t), WEFT_STATUS_OK);
    EXPECT(until_count(weft_queue_getters, q, 1));
    EXPECT_STATUS(weft_queue_put(q, &item, false, FOREVER), WEFT_STATUS_OK);
    EXPECT_STATUS(weft_thread_join(t, FOREVER), WEFT_STATUS_OK);
    EXPECT_STATUS(weft_thread_result(t, &result), WEFT_STATUS_OK);
    EXPECT(result == &item && weft_queue_getters(q) == 0);
    weft_thread_free(t);

    EXPECT_STATUS(weft_queue_put(q, &item, false, FOREVER), WEFT_STATUS_OK);
    EXPECT_STATUS(weft_thread_new(put_one, q, NULL, &t), WEFT_STATUS_OK);
    EXPECT_STATUS(weft_thread_start(t), WEFT_STATUS_OK);
    EXPECT(until_count(weft_queue_putters, q, 1));
    EXPECT_STATUS(weft_queue_get(q, false, FOREVER, &result), WEFT_STATUS_OK);
    EXPECT_STATUS(weft_thread_join(t, FOREVER), WEFT_STATUS_OK);
    EXPECT_STATUS(weft_thread_result(t, &result), WEFT_STATUS_OK);
    EXPECT(result == status_ptr(WEFT_STATUS_OK) && weft_queue_putters(q) == 0);
    weft_thread_free(t);

    EXPECT(weft_queue_getters(NULL) == 0 && weft_queue_putters(NULL) == 0);
    EXPECT(weft_queue_getters((const weft_queue *)(void *)lock) == 0);
    EXPECT(weft_queue_putters((const weft_queue *)(void *)lock) == 0);
    weft_queue_free(q);
    weft_lock_free(lock);
}

/* A task that waits for its event: holds a worker. */
static int held(void *event, void **result_out) {
    (void)result_out;
    return weft_event_wait(event, FOREVER) != WEFT_STATUS_OK;
}

static int quick(void *arg, void **result_out) {
    *result_out = arg;
    return 0;
}

static weft_pool *full_pool;
static int refused_arg;

static weft_status submit_to_full_pool(double timeout) {
    weft_future *refused = NULL;
    weft_status status =
        weft_pool_submit_timeout(full_pool, quick, &refused_arg, NULL, true, timeout, &refused);
    EXPECT(refused == NULL);
    return status;
}

/* The pool's counts are `pending`, `active`, `idle`. */
static bool counts_are(weft_pool *pool, size_t pending, size_t active, size_t idle) {
    size_t p = 99, a = 99, i = 99;
    return weft_pool_counts(pool, &p, &a, &i) == WEFT_STATUS_OK && p == pending &&
           a == active && i == idle;
}

/* Waits until the pool's counts are as given, at most 10 s. */
static bool until_counts(weft_pool *pool, size_t pending, size_t active, size_t idle) {
    time_t start = time(NULL);
    while (!counts_are(pool, pending, active, idle)) {
        if (time(NULL) - start > 10) {
            return false;
        }
        sched_yield();
    }
    return true;
}

static void pool_readbacks(void) {
    weft_pool *pool = NULL;
    weft_lock *lock = NULL;
    weft_event *gate = NULL;
    weft_future *a = NULL, *b = NULL, *c = NULL, *refused = NULL;
    size_t pending = 99;
    void *result = NULL;
    int arg = 0;
    EXPECT_STATUS(weft_pool_new(1, "readback", NULL, NULL, NULL, &pool), WEFT_STATUS_OK);
    EXPECT_STATUS(weft_lock_new(&lock), WEFT_STATUS_OK);
    EXPECT_STATUS(weft_event_new(&gate), WEFT_STATUS_OK);
    EXPECT(counts_are(pool, 0, 0, 0) && weft_pool_max_pending(pool) == 0);
    EXPECT_STATUS(weft_pool_counts(pool, NULL, NULL, NULL), WEFT_STATUS_OK);

    /* One worker held, one task queued behind it. */
    EXPECT_STATUS(weft_pool_submit(pool, held, gate, NULL, &a), WEFT_STATUS_OK);
    EXPECT(until_counts(pool, 0, 1, 0));
    EXPECT_STATUS(weft_pool_set_max_pending(pool, 1), WEFT_STATUS_OK);
    EXPECT(weft_pool_max_pending(pool) == 1);
    EXPECT_STATUS(weft_pool_submit(pool, quick, &arg, NULL, &b), WEFT_STATUS_OK);
    EXPECT(counts_are(pool, 1, 1, 0));

    /* Full: refused at once, or after the timeout; nothing scheduled, nothing written. */
    refused = NULL;
    EXPECT_STATUS(weft_pool_submit_timeout(pool, quick, &arg, NULL, false, FOREVER, &refused),
                  WEFT_STATUS_FULL);
    EXPECT_STATUS(weft_pool_submit_timeout(pool, quick, &arg, NULL, true, 0.01, &refused),
                  WEFT_STATUS_FULL);
    EXPECT(refused == NULL);
    full_pool = pool;
    check_bad_timeouts(submit_to_full_pool, "weft_pool_submit_timeout");
    EXPECT(counts_are(pool, 1, 1, 0));

    /* A larger limit starts a worker for the queued task. */
    EXPECT_STATUS(weft_pool_set_max_workers(pool, 2), WEFT_STATUS_OK);
    EXPECT(weft_pool_max_workers(pool) == 2);
    EXPECT_STATUS(weft_future_result(b, 10.0, &result), WEFT_STATUS_OK);
    EXPECT(result == &arg);
    EXPECT(until_counts(pool, 0, 1, 1));

    /* Room again: a submit with a timeout gets in. */
    EXPECT_STATUS(weft_pool_submit_timeout(pool, quick, &arg, NULL, true, FOREVER, &c),
                  WEFT_STATUS_OK);
    EXPECT_STATUS(weft_future_result(c, 10.0, &result), WEFT_STATUS_OK);

    /* A smaller limit retires the idle worker. */
    EXPECT_STATUS(weft_pool_set_max_workers(pool, 1), WEFT_STATUS_OK);
    EXPECT(until_counts(pool, 0, 1, 0));
    EXPECT_STATUS(weft_event_set(gate), WEFT_STATUS_OK);
    EXPECT_STATUS(weft_future_result(a, 10.0, &result), WEFT_STATUS_OK);
    EXPECT(until_counts(pool, 0, 0, 1));
    EXPECT_STATUS(weft_pool_set_max_pending(pool, 0), WEFT_STATUS_OK);
    EXPECT(weft_pool_max_pending(pool) == 0);

    /* Bad input. */
    EXPECT_STATUS(weft_pool_counts(NULL, &pending, NULL, NULL), WEFT_STATUS_NULL_ARGUMENT);
    EXPECT_STATUS(weft_pool_counts((const weft_pool *)(void *)lock, &pending, NULL, NULL),
                  WEFT_STATUS_WRONG_HANDLE);
    EXPECT(pending == 99);
    EXPECT_STATUS(weft_pool_set_max_workers(NULL, 1), WEFT_STATUS_NULL_ARGUMENT);
    EXPECT_STATUS(weft_pool_set_max_pending(NULL, 1), WEFT_STATUS_NULL_ARGUMENT);
    EXPECT(weft_pool_max_pending(NULL) == 0);
    EXPECT_STATUS(weft_pool_submit_timeout(NULL, quick, &arg, NULL, true, FOREVER, &refused),
                  WEFT_STATUS_NULL_ARGUMENT);
    EXPECT_STATUS(weft_pool_submit_timeout(pool, NULL, &arg, NULL, true, FOREVER, &refused),
                  WEFT_STATUS_NULL_ARGUMENT);
    EXPECT_STATUS(weft_pool_submit_timeout(pool, quick, &arg, NULL, true, FOREVER, NULL),
                  WEFT_STATUS_NULL_ARGUMENT);

    EXPECT_STATUS(weft_pool_shutdown(pool, true, false), WEFT_STATUS_OK);
    EXPECT(counts_are(pool, 0, 0, 0));
    EXPECT_STATUS(weft_pool_submit_timeout(pool, quick, &arg, NULL, false, FOREVER, &refused),
                  WEFT_STATUS_POOL_SHUT_DOWN);
    weft_future_free(a);
    weft_future_free(b);
    weft_future_free(c);
    weft_pool_free(pool);
    weft_event_free(gate);
    weft_lock_free(lock);
}

int main(void) {
    semaphore_value();
    rlock_owner();
    queue_waiters();
    pool_readbacks();
    return check_summary();
}
