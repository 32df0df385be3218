/*
 * Cancellation tokens (weft_cancel): a thread installs a token and blocks; once it sleeps in
 * the kernel, another thread sets the token, and the blocking call returns
 * WEFT_STATUS_INTERRUPTED, for every kind of blocking call. Then what a set token does to calls
 * that need not block, what it leaves behind (a Condition's lock held again, a broken Barrier),
 * and Ctrl-C in C: a signal handler sets the main thread's token (weft_cancel_set is
 * async-signal-safe) and ends its wait. Waits use a long timeout, so that a token that failed to
 * end one shows as a slow, failing check, not a hang.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "asleep.h"
#include "check.h"

#define FOREVER WEFT_TIMEOUT_FOREVER
/* Long enough that only the token ends the waits in time. */
#define LONG 30.0
/* What "at once" means on a loaded machine, in seconds. */
#define SOON 10.0


/* One blocking call, made by a thread that installed `token`. */
struct waiter {
    weft_cancel *token;
    weft_status (*wait)(void *object);
    void *object;
    weft_status status; /* what `wait` returned */
    bool cancelled;     /* weft_cancelled() after it */
    double took;
};

static void *run_waiter(void *arg) {
    struct waiter *w = arg;
    EXPECT_STATUS(weft_cancel_install(w->token), WEFT_STATUS_OK);
    double start = now();
    w->status = w->wait(w->object);
    w->took = now() - start;
    w->cancelled = weft_cancelled();
    return NULL;
}

/* Runs `wait(object)` in a thread that installed a token, sets the token once the thread
 * sleeps, and checks that the call returned WEFT_STATUS_INTERRUPTED at once. */
static void interrupt(const char *name, weft_status (*wait)(void *), void *object) {
    struct waiter w = {NULL, wait, object, WEFT_STATUS_OK, false, 0.0};
    weft_thread *t = NULL;
    EXPECT_STATUS(weft_cancel_new(&w.token), WEFT_STATUS_OK);
    EXPECT_STATUS(weft_thread_new(run_waiter, &w, NULL, &t), WEFT_STATUS_OK);
    EXPECT_STATUS(weft_thread_start(t), WEFT_STATUS_OK);
    wait_until_asleep(weft_thread_native_id(t));
    EXPECT_STATUS(weft_cancel_set(w.token), WEFT_STATUS_OK);
    EXPECT_STATUS(weft_thread_join(t, FOREVER), WEFT_STATUS_OK);
    if (w.status != WEFT_STATUS_INTERRUPTED) {
        printf("%s:\n", name);
    }
    EXPECT_STATUS(w.status, WEFT_STATUS_INTERRUPTED);
    EXPECT(w.cancelled);
    EXPECT(w.took < SOON);
    weft_thread_free(t);
    weft_cancel_free(w.token);
}

static weft_status lock_acquire(void *o) { return weft_lock_acquire(o, true, LONG); }
static weft_status rlock_acquire(void *o) { return weft_rlock_acquire(o, true, FOREVER); }
static weft_status semaphore_acquire(void *o) { return weft_semaphore_acquire(o, true, LONG); }
static weft_status event_wait(void *o) { return weft_event_wait(o, FOREVER); }
static weft_status barrier_wait(void *o) {
    size_t index = 0;
    return weft_barrier_wait(o, FOREVER, &index);
}
static weft_status queue_get(void *o) {
    void *item = NULL;
    return weft_queue_get(o, true, LONG, &item);
}
static int the_item;
static weft_status queue_put(void *o) { return weft_queue_put(o, &the_item, true, LONG); }
static weft_status queue_join(void *o) { return weft_queue_join(o, FOREVER); }
static weft_status thread_join(void *o) { return weft_thread_join(o, LONG); }
static weft_status future_result(void *o) {
    void *result = NULL;
    return weft_future_result(o, FOREVER, &result);
}
static weft_status future_exception(void *o) {
    int code = 0;
    return weft_future_exception(o, LONG, &code);
}
static weft_status futures_wait(void *o) {
    weft_future *fs[1] = {o};
    bool done[1] = {false};
    return weft_futures_wait(fs, 1, LONG, WEFT_ALL_COMPLETED, done);
}
static weft_status futures_as_completed(void *o) {
    weft_future *fs[1] = {o};
    bool yielded[1] = {false};
    size_t index = 0;
    return weft_futures_as_completed(fs, 1, yielded, FOREVER, &index);
}
static weft_status as_completed_next(void *o) {
    size_t index = 0;
    return weft_as_completed_next(o, LONG, &index);
}
static weft_status pool_shutdown(void *o) { return weft_pool_shutdown(o, true, false); }

/* A Condition wait interrupted holds the lock again; waited for without a predicate... */
static weft_status condition_wait(void *o) {
    weft_status s = weft_condition_acquire(o, true, FOREVER);
    if (s != WEFT_STATUS_OK) {
        return s;
    }
    s = weft_condition_wait(o, FOREVER);
    /* Held again: a notify (which needs the lock) succeeds, and so does the release. */
    EXPECT_STATUS(weft_condition_notify(o, 1), WEFT_STATUS_OK);
    EXPECT_STATUS(weft_condition_release(o), WEFT_STATUS_OK);
    return s;
}
static bool never(void *arg) {
    (void)arg;
    return false;
}
/* ... and with one: nothing is written to result_out. */
static weft_status condition_wait_for(void *o) {
    bool result = true;
    weft_status s = weft_condition_acquire(o, true, FOREVER);
    if (s != WEFT_STATUS_OK) {
        return s;
    }
    s = weft_condition_wait_for(o, never, NULL, LONG, &result);
    EXPECT(result);
    EXPECT_STATUS(weft_condition_release(o), WEFT_STATUS_OK);
    return s;
}

static void *wait_for_event(void *arg) {
    weft_status s = weft_event_wait(arg, FOREVER);
    return status_ptr(s);
}
static int wait_for_event_task(void *arg, void **result_out) {
    *result_out = NULL;
    return weft_event_wait(arg, FOREVER) == WEFT_STATUS_OK ? 0 : 1;
}

static void every_blocking_call_ends(void) {
    weft_lock *lock;
    weft_rlock *rlock;
    weft_semaphore *semaphore;
    weft_event *event;
    weft_condition *condition;
    weft_barrier *barrier;
    weft_queue *empty, *full;
    weft_thread *thread;
    weft_pool *pool;
    weft_future *future;
    weft_as_completed *iterator;
    size_t index = 0;
    void *item = NULL;

    EXPECT_STATUS(weft_lock_new(&lock), WEFT_STATUS_OK);
    EXPECT_STATUS(weft_lock_acquire(lock, true, FOREVER), WEFT_STATUS_OK);
    interrupt("lock", lock_acquire, lock);
    EXPECT(weft_lock_locked(lock));
    EXPECT_STATUS(weft_lock_release(lock), WEFT_STATUS_OK);

    EXPECT_STATUS(weft_rlock_new(&rlock), WEFT_STATUS_OK);
    EXPECT_STATUS(weft_rlock_acquire(rlock, true, FOREVER), WEFT_STATUS_OK);
    interrupt("rlock", rlock_acquire, rlock);
    EXPECT_STATUS(weft_rlock_release(rlock), WEFT_STATUS_OK);

    EXPECT_STATUS(weft_semaphore_new(0, &semaphore), WEFT_STATUS_OK);
    interrupt("semaphore", semaphore_acquire, semaphore);

    EXPECT_STATUS(weft_event_new(&event), WEFT_STATUS_OK);
    interrupt("event", event_wait, event);

    EXPECT_STATUS(weft_condition_new(&condition), WEFT_STATUS_OK);
    interrupt("condition wait", condition_wait, condition);
    interrupt("condition wait_for", condition_wait_for, condition);

    /* The interrupted party breaks the barrier, as CPython's does on an exception. */
    EXPECT_STATUS(weft_barrier_new(2, NULL, NULL, NULL, FOREVER, &barrier), WEFT_STATUS_OK);
    interrupt("barrier", barrier_wait, barrier);
    EXPECT(weft_barrier_broken(barrier));
    EXPECT_STATUS(weft_barrier_wait(barrier, FOREVER, &index), WEFT_STATUS_BROKEN_BARRIER);

    EXPECT_STATUS(weft_queue_new(WEFT_QUEUE_FIFO, 1, NULL, &empty), WEFT_STATUS_OK);
    interrupt("queue get", queue_get, empty);
    EXPECT_STATUS(weft_queue_new(WEFT_QUEUE_FIFO, 1, NULL, &full), WEFT_STATUS_OK);
    EXPECT_STATUS(weft_queue_put(full, &the_item, true, FOREVER), WEFT_STATUS_OK);
    interrupt("queue put", queue_put, full);
    interrupt("queue join", queue_join, full);
    EXPECT(weft_queue_qsize(full) == 1); /* the interrupted put put nothing */
    EXPECT_STATUS(weft_queue_get(full, false, FOREVER, &item), WEFT_STATUS_OK);

    EXPECT_STATUS(weft_thread_new(wait_for_event, event, NULL, &thread), WEFT_STATUS_OK);
    EXPECT_STATUS(weft_thread_start(thread), WEFT_STATUS_OK);
    interrupt("thread join", thread_join, thread);

    EXPECT_STATUS(weft_pool_new(1, "cancel", NULL, NULL, NULL, &pool), WEFT_STATUS_OK);
    EXPECT_STATUS(weft_pool_submit(pool, wait_for_event_task, event, NULL, &future),
                  WEFT_STATUS_OK);
    interrupt("future result", future_result, future);
    interrupt("future exception", future_exception, future);
    interrupt("futures wait", futures_wait, future);
    interrupt("futures as_completed", futures_as_completed, future);
    EXPECT_STATUS(weft_as_completed_new(&future, 1, &iterator), WEFT_STATUS_OK);
    interrupt("as_completed next", as_completed_next, iterator);
    interrupt("pool shutdown", pool_shutdown, pool);

    /* Nothing was lost: the event set, everything completes. */
    EXPECT(!weft_future_done(future) && weft_thread_is_alive(thread));
    EXPECT_STATUS(weft_event_set(event), WEFT_STATUS_OK);
    EXPECT_STATUS(weft_thread_join(thread, FOREVER), WEFT_STATUS_OK);
    EXPECT_STATUS(weft_as_completed_next(iterator, FOREVER, &index), WEFT_STATUS_OK);
    EXPECT_STATUS(weft_pool_shutdown(pool, true, false), WEFT_STATUS_OK);

    weft_as_completed_free(iterator);
    weft_future_free(future);
    weft_pool_free(pool);
    weft_thread_free(thread);
    weft_queue_free(full);
    weft_queue_free(empty);
    weft_barrier_free(barrier);
    weft_condition_free(condition);
    weft_event_free(event);
    weft_semaphore_free(semaphore);
    weft_rlock_free(rlock);
    weft_lock_free(lock);
}

/* A set token ends only the calls that would block; it stays set until reset. */
static void a_set_token(void) {
    weft_cancel *token;
    weft_cancel *installed;
    weft_lock *lock;
    weft_queue *queue;
    void *item = NULL;
    EXPECT(!weft_cancelled());
    EXPECT(weft_cancel_installed() == NULL);
    EXPECT_STATUS(weft_cancel_new(&token), WEFT_STATUS_OK);
    EXPECT(!weft_cancel_is_set(token));
    EXPECT_STATUS(weft_cancel_set(token), WEFT_STATUS_OK);
    EXPECT_STATUS(weft_cancel_set(token), WEFT_STATUS_OK); /* twice: still set */
    EXPECT(weft_cancel_is_set(token));
    EXPECT_STATUS(weft_cancel_install(token), WEFT_STATUS_OK);
    EXPECT(weft_cancelled());

    EXPECT_STATUS(weft_lock_new(&lock), WEFT_STATUS_OK);
    EXPECT_STATUS(weft_lock_acquire(lock, true, FOREVER), WEFT_STATUS_OK); /* free: taken */
    EXPECT_STATUS(weft_lock_acquire(lock, true, FOREVER), WEFT_STATUS_INTERRUPTED);
    EXPECT_STATUS(weft_lock_acquire(lock, false, FOREVER), WEFT_STATUS_TIMEOUT); /* no wait */
    EXPECT_STATUS(weft_lock_acquire(lock, true, 0.0), WEFT_STATUS_TIMEOUT);
    EXPECT_STATUS(weft_queue_new(WEFT_QUEUE_FIFO, 0, NULL, &queue), WEFT_STATUS_OK);
    EXPECT_STATUS(weft_queue_put(queue, &the_item, true, FOREVER), WEFT_STATUS_OK);
    EXPECT_STATUS(weft_queue_get(queue, true, FOREVER, &item), WEFT_STATUS_OK); /* an item */
    EXPECT(item == &the_item);
    EXPECT_STATUS(weft_queue_get(queue, true, FOREVER, &item), WEFT_STATUS_INTERRUPTED);
    EXPECT_STATUS(weft_queue_get(queue, false, FOREVER, &item), WEFT_STATUS_EMPTY);

    /* Reset: waits wait again, here until their timeout. */
    EXPECT_STATUS(weft_cancel_reset(token), WEFT_STATUS_OK);
    EXPECT(!weft_cancelled() && !weft_cancel_is_set(token));
    EXPECT_STATUS(weft_lock_acquire(lock, true, 0.01), WEFT_STATUS_TIMEOUT);

    installed = weft_cancel_installed();
    EXPECT(installed != NULL);
    EXPECT_STATUS(weft_cancel_set(installed), WEFT_STATUS_OK); /* the same token */
    EXPECT(weft_cancel_is_set(token));
    weft_cancel_free(installed);
    EXPECT_STATUS(weft_cancel_install(NULL), WEFT_STATUS_OK);
    EXPECT(!weft_cancelled() && weft_cancel_installed() == NULL);
    EXPECT_STATUS(weft_lock_acquire(lock, true, 0.01), WEFT_STATUS_TIMEOUT);

    EXPECT_STATUS(weft_lock_release(lock), WEFT_STATUS_OK);
    weft_queue_free(queue);
    weft_lock_free(lock);
    weft_cancel_free(token);
}

/* ---- Ctrl-C in C: a signal handler sets the main thread's token ---------------------------- */

static weft_cancel *main_token;

static void on_signal(int signum) {
    (void)signum;
    (void)weft_cancel_set(main_token); /* async-signal-safe */
}

static pthread_t main_pthread;

static void *signal_main(void *arg) {
    wait_until_asleep((uint64_t)(uintptr_t)arg);
    EXPECT(pthread_kill(main_pthread, SIGUSR1) == 0);
    return NULL;
}

static void a_signal_handler_ends_the_main_threads_wait(void) {
    struct sigaction action;
    weft_event *event;
    weft_thread *signaller;
    memset(&action, 0, sizeof action);
    action.sa_handler = on_signal;
    sigemptyset(&action.sa_mask);
    EXPECT(sigaction(SIGUSR1, &action, NULL) == 0);
    EXPECT_STATUS(weft_cancel_new(&main_token), WEFT_STATUS_OK);
    EXPECT_STATUS(weft_cancel_install(main_token), WEFT_STATUS_OK);
    EXPECT_STATUS(weft_event_new(&event), WEFT_STATUS_OK);
    main_pthread = pthread_self();
    EXPECT_STATUS(weft_thread_new(signal_main, (void *)(uintptr_t)weft_get_native_id(), NULL,
                                  &signaller),
                  WEFT_STATUS_OK);
    EXPECT_STATUS(weft_thread_start(signaller), WEFT_STATUS_OK);
    double start = now();
    EXPECT_STATUS(weft_event_wait(event, LONG), WEFT_STATUS_INTERRUPTED);
    EXPECT(now() - start < SOON);
    /* The token is still set: uninstall it before joining, or the join (if the signaller has not
     * yet returned from pthread_kill) is interrupted too. */
    EXPECT_STATUS(weft_cancel_install(NULL), WEFT_STATUS_OK);
    EXPECT_STATUS(weft_thread_join(signaller, FOREVER), WEFT_STATUS_OK);
    weft_thread_free(signaller);
    weft_event_free(event);
    weft_cancel_free(main_token);
}

/* weft_future_interrupt: a pool's task blocked in a wait returns WEFT_STATUS_INTERRUPTED and
 * sees weft_cancelled(); its future ends with what the task returned (not cancelled), and the
 * worker's next task starts without the interrupt. */
struct running {
    uint64_t tid;
    weft_event *started;
    weft_event *never; /* never set */
};
static int interruptible_task(void *arg, void **result_out) {
    struct running *r = arg;
    r->tid = weft_get_native_id();
    EXPECT_STATUS(weft_event_set(r->started), WEFT_STATUS_OK);
    weft_status s = weft_event_wait(r->never, FOREVER);
    *result_out = weft_cancelled() ? status_ptr(s) : NULL;
    return 0;
}
static int cancelled_task(void *arg, void **result_out) {
    (void)arg;
    *result_out = weft_cancelled() ? &the_item : NULL;
    return 0;
}

static void a_running_task_is_interrupted(void) {
    struct running r = {0, NULL, NULL};
    weft_pool *pool;
    weft_future *future, *next;
    void *result = &the_item;
    EXPECT_STATUS(weft_event_new(&r.started), WEFT_STATUS_OK);
    EXPECT_STATUS(weft_event_new(&r.never), WEFT_STATUS_OK);
    EXPECT_STATUS(weft_pool_new(1, "interrupt", NULL, NULL, NULL, &pool), WEFT_STATUS_OK);
    EXPECT_STATUS(weft_pool_submit(pool, interruptible_task, &r, NULL, &future), WEFT_STATUS_OK);
    EXPECT_STATUS(weft_pool_submit(pool, cancelled_task, NULL, NULL, &next), WEFT_STATUS_OK);
    EXPECT(!weft_future_interrupt(next)); /* pending: not interrupted (weft_future_cancel is) */
    EXPECT_STATUS(weft_event_wait(r.started, FOREVER), WEFT_STATUS_OK);
    wait_until_asleep(r.tid);
    EXPECT(!weft_future_cancel(future)); /* CPython's cancel(): false for a running task */
    double start = now();
    EXPECT(weft_future_interrupt(future));
    EXPECT_STATUS(weft_future_result(future, LONG, &result), WEFT_STATUS_OK);
    EXPECT(now() - start < SOON);
    EXPECT(result == status_ptr(WEFT_STATUS_INTERRUPTED));
    EXPECT(weft_future_done(future) && !weft_future_cancelled(future));
    EXPECT(!weft_future_interrupt(future)); /* done */
    EXPECT_STATUS(weft_future_result(next, LONG, &result), WEFT_STATUS_OK);
    EXPECT(result == NULL);
    weft_future_free(next);
    weft_future_free(future);
    EXPECT_STATUS(weft_pool_shutdown(pool, true, false), WEFT_STATUS_OK);
    weft_pool_free(pool);
    weft_event_free(r.never);
    weft_event_free(r.started);
}

int main(void) {
    every_blocking_call_ends();
    a_running_task_is_interrupted();
    a_set_token();
    a_signal_handler_ends_the_main_threads_wait();
    return check_summary();
}
