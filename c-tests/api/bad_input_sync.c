/*
 * Bad input for the synchronization types of include/weft.h: Condition, Event, Semaphore and
 * BoundedSemaphore, Barrier, Timer, and thread-local storage. NULL out-parameters and callbacks
 * (nothing allocated, called or consumed), each misuse CPython reports (with CPython's message),
 * every invalid timeout of every call that takes one (with WEFT_TIMEOUT_MAX accepted and 0.0 not
 * waiting). Every call must return its documented status, leave out-parameters and objects
 * untouched when it fails, and never crash or hang. Threads are ordered with events, never with
 * sleeps. NULL and wrong-type handles are in bad_input_handles.c.
 */
#define _POSIX_C_SOURCE 200809L
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "check.h"

#define FOREVER WEFT_TIMEOUT_FOREVER

/* ---- helpers -------------------------------------------------------------------------------- */

/* A predicate counting its calls in the `struct pred` it is given, returning its `result`. */
struct pred {
    int calls;
    bool result;
};

static bool count_pred(void *arg) {
    struct pred *p = (struct pred *)arg;
    p->calls++;
    return p->result;
}

/* A thread / timer function and its arg_free, counting in a `struct calls`. */
struct calls {
    int called;
    int freed;
};

static void *count_call(void *arg) {
    ((struct calls *)arg)->called++;
    return arg;
}

static void count_call_free(void *arg) {
    ((struct calls *)arg)->freed++;
}

/* An initializer for a thread-local, counting its calls in the int `arg` points to. */
static void *count_init(void *arg) {
    (*(int *)arg)++;
    return arg;
}

/* A thread's name, copied into buf (size 64). */
static const char *name_of(const weft_thread *t, char *buf) {
    if (weft_thread_get_name(t, buf, 64, NULL) != WEFT_STATUS_OK) {
        strcpy(buf, "(error)");
    }
    return buf;
}

/* Starts `fn(arg)` in a new thread and returns it, to be joined with finish(). */
static weft_thread *start(weft_thread_fn fn, void *arg) {
    weft_thread *t = NULL;
    EXPECT_STATUS(weft_thread_new(fn, arg, NULL, &t), WEFT_STATUS_OK);
    EXPECT_STATUS(weft_thread_start(t), WEFT_STATUS_OK);
    return t;
}

/* Joins a thread from start() and returns the status it reported. */
static weft_status finish(weft_thread *t) {
    void *result = NULL;
    EXPECT_STATUS(weft_thread_join(t, FOREVER), WEFT_STATUS_OK);
    EXPECT_STATUS(weft_thread_result(t, &result), WEFT_STATUS_OK);
    weft_thread_free(t);
    return (weft_status)(intptr_t)result;
}

/* ---- NULL out-parameters: nothing happens, nothing is written, nothing is called ------------ */

static void null_out_parameters(void) {
    int freed = 0;
    int inits = 0;
    size_t before;
    weft_status status;
    weft_lock *lock;
    weft_rlock *rlock;
    weft_condition *condition = (weft_condition *)&freed; /* sentinels that must stay */
    weft_thread *timer = (weft_thread *)&freed;
    struct calls calls = {0, 0};

    EXPECT_STATUS(weft_lock_new(&lock), WEFT_STATUS_OK);
    EXPECT_STATUS(weft_rlock_new(&rlock), WEFT_STATUS_OK);

    before = heap_in_use();
    status = weft_condition_new(NULL);
    EXPECT(heap_in_use() == before);
    EXPECT_STATUS(status, WEFT_STATUS_NULL_ARGUMENT);

    /* No reference to the lock is kept (valgrind would see it leak). */
    before = heap_in_use();
    status = weft_condition_new_with_lock(lock, NULL);
    EXPECT(heap_in_use() == before);
    EXPECT_STATUS(status, WEFT_STATUS_NULL_ARGUMENT);
    before = heap_in_use();
    status = weft_condition_new_with_rlock(rlock, NULL);
    EXPECT(heap_in_use() == before);
    EXPECT_STATUS(status, WEFT_STATUS_NULL_ARGUMENT);
    EXPECT_STATUS(weft_condition_new_with_lock(NULL, &condition), WEFT_STATUS_NULL_ARGUMENT);
    EXPECT_STATUS(weft_condition_new_with_rlock(NULL, &condition), WEFT_STATUS_NULL_ARGUMENT);
    EXPECT(condition == (weft_condition *)&freed);

    before = heap_in_use();
    status = weft_event_new(NULL);
    EXPECT(heap_in_use() == before);
    EXPECT_STATUS(status, WEFT_STATUS_NULL_ARGUMENT);

    before = heap_in_use();
    status = weft_cancel_new(NULL);
    EXPECT(heap_in_use() == before);
    EXPECT_STATUS(status, WEFT_STATUS_NULL_ARGUMENT);

    before = heap_in_use();
    status = weft_semaphore_new(1, NULL);
    EXPECT(heap_in_use() == before);
    EXPECT_STATUS(status, WEFT_STATUS_NULL_ARGUMENT);
    EXPECT_STATUS(weft_semaphore_new(-1, NULL), WEFT_STATUS_NULL_ARGUMENT);
    before = heap_in_use();
    status = weft_bounded_semaphore_new(1, NULL);
    EXPECT(heap_in_use() == before);
    EXPECT_STATUS(status, WEFT_STATUS_NULL_ARGUMENT);

    before = heap_in_use();
    status = weft_barrier_new(2, count_free, &freed, count_free, FOREVER, NULL);
    EXPECT(heap_in_use() == before);
    EXPECT_STATUS(status, WEFT_STATUS_NULL_ARGUMENT);
    EXPECT(freed == 0); /* on failure arg_free is not called */
    EXPECT_STATUS(weft_barrier_new(0, count_free, &freed, count_free, FOREVER, NULL),
                  WEFT_STATUS_NULL_ARGUMENT);
    EXPECT(freed == 0);

    before = heap_in_use();
    status = weft_timer_new(0.0, count_call, &calls, count_call_free, NULL);
    EXPECT(heap_in_use() == before);
    EXPECT_STATUS(status, WEFT_STATUS_NULL_ARGUMENT);
    status = weft_timer_new(0.0, NULL, &calls, count_call_free, &timer);
    EXPECT_STATUS(status, WEFT_STATUS_NULL_ARGUMENT);
    EXPECT(timer == (weft_thread *)&freed);
    EXPECT(calls.called == 0 && calls.freed == 0);

    before = heap_in_use();
    status = weft_local_new(count_init, &inits, count_free, count_free, NULL);
    EXPECT(heap_in_use() == before);
    EXPECT_STATUS(status, WEFT_STATUS_NULL_ARGUMENT);
    EXPECT(inits == 0);

    /* None of the failed weft_timer_new calls used up a name: the first timer is Thread-1. */
    {
        char name[64];
        EXPECT_STATUS(weft_timer_new(0.0, count_call, &calls, count_call_free, &timer),
                      WEFT_STATUS_OK);
        EXPECT(strcmp(name_of(timer, name), "Thread-1") == 0);
        weft_thread_free(timer); /* never started: arg_free runs now, once */
        EXPECT(calls.called == 0 && calls.freed == 1);
    }

    weft_lock_free(lock);
    weft_rlock_free(rlock);
}

/* ---- Condition -------------------------------------------------------------------------------- */

static weft_condition *t_condition;

static weft_status condition_acquire_for(double s) {
    return weft_condition_acquire(t_condition, true, s);
}
static weft_status condition_wait_for_timeout(double s) {
    return weft_condition_wait(t_condition, s);
}

static struct pred t_pred;
static bool t_pred_result;

static weft_status condition_wait_for_pred(double s) {
    t_pred_result = true;
    return weft_condition_wait_for(t_condition, count_pred, &t_pred, s, &t_pred_result);
}

/* Acquires t_condition (which waits until main's wait releases it), notifies, releases. */
static void *notify_main(void *arg) {
    weft_status status = weft_condition_acquire(t_condition, true, FOREVER);
    (void)arg;
    if (status == WEFT_STATUS_OK) {
        status = weft_condition_notify(t_condition, 1);
        weft_condition_release(t_condition);
    }
    return status_ptr(status);
}

/* A condition over a Lock: misuse without the lock, then every timeout with and without it. */
static void condition_over_lock(void) {
    weft_lock *lock;
    weft_thread *t;

    EXPECT_STATUS(weft_lock_new(&lock), WEFT_STATUS_OK);
    EXPECT_STATUS(weft_condition_new_with_lock(lock, &t_condition), WEFT_STATUS_OK);
    weft_lock_free(lock); /* the condition keeps its own reference */
    lock = NULL;

    /* Not held. */
    EXPECT_STATUS(weft_condition_release(t_condition), WEFT_STATUS_RELEASE_UNLOCKED);
    EXPECT_STATUS(weft_condition_wait(t_condition, FOREVER), WEFT_STATUS_WAIT_UNACQUIRED);
    EXPECT_STATUS(weft_condition_wait(t_condition, 0.0), WEFT_STATUS_WAIT_UNACQUIRED);
    EXPECT_STATUS(weft_condition_notify(t_condition, 1), WEFT_STATUS_NOTIFY_UNACQUIRED);
    EXPECT_STATUS(weft_condition_notify(t_condition, 0), WEFT_STATUS_NOTIFY_UNACQUIRED);
    EXPECT_STATUS(weft_condition_notify_all(t_condition), WEFT_STATUS_NOTIFY_UNACQUIRED);

    /* wait_for calls the predicate first, as CPython: true needs no wait (and no lock). */
    t_pred.calls = 0;
    t_pred.result = false;
    t_pred_result = true;
    EXPECT_STATUS(weft_condition_wait_for(t_condition, count_pred, &t_pred, FOREVER,
                                          &t_pred_result),
                  WEFT_STATUS_WAIT_UNACQUIRED);
    EXPECT(t_pred.calls == 1 && t_pred_result);
    t_pred.result = true;
    t_pred_result = false;
    EXPECT_STATUS(weft_condition_wait_for(t_condition, count_pred, &t_pred, FOREVER,
                                          &t_pred_result),
                  WEFT_STATUS_OK);
    EXPECT(t_pred.calls == 2 && t_pred_result);

    /* Non-blocking with a timeout: refused, and the lock is not taken. */
    EXPECT_STATUS(weft_condition_acquire(t_condition, false, 0.0),
                  WEFT_STATUS_NONBLOCKING_TIMEOUT);
    EXPECT_STATUS(weft_condition_acquire(t_condition, false, NAN),
                  WEFT_STATUS_NONBLOCKING_TIMEOUT);
    /* Bad timeouts: refused, and the lock is not taken (release finds it unlocked). */
    check_bad_timeouts(condition_acquire_for, "weft_condition_acquire");
    EXPECT_STATUS(weft_condition_release(t_condition), WEFT_STATUS_RELEASE_UNLOCKED);

    /* Held. */
    EXPECT_STATUS(condition_acquire_for(WEFT_TIMEOUT_MAX), WEFT_STATUS_OK);
    EXPECT_STATUS(condition_acquire_for(0.0), WEFT_STATUS_TIMEOUT); /* 0.0 does not wait */
    EXPECT_STATUS(weft_condition_acquire(t_condition, false, FOREVER), WEFT_STATUS_TIMEOUT);
    check_bad_timeouts(condition_acquire_for, "weft_condition_acquire (held)");
    EXPECT_STATUS(weft_condition_notify(t_condition, 0), WEFT_STATUS_OK);
    EXPECT_STATUS(weft_condition_notify(t_condition, SIZE_MAX), WEFT_STATUS_OK);
    EXPECT_STATUS(weft_condition_notify_all(t_condition), WEFT_STATUS_OK);

    /* A refused wait does not release the lock. */
    check_bad_timeouts(condition_wait_for_timeout, "weft_condition_wait");
    EXPECT_STATUS(condition_acquire_for(0.0), WEFT_STATUS_TIMEOUT);
    EXPECT_STATUS(weft_condition_wait(t_condition, 0.0), WEFT_STATUS_TIMEOUT);
    EXPECT_STATUS(condition_acquire_for(0.0), WEFT_STATUS_TIMEOUT); /* held again */

    /* wait_for: refused timeouts call no predicate and write nothing. */
    t_pred.calls = 0;
    t_pred.result = false;
    check_bad_timeouts(condition_wait_for_pred, "weft_condition_wait_for");
    EXPECT(t_pred.calls == 0 && t_pred_result);
    t_pred_result = true;
    EXPECT_STATUS(weft_condition_wait_for(t_condition, NULL, &t_pred, 0.0, &t_pred_result),
                  WEFT_STATUS_NULL_ARGUMENT);
    EXPECT_STATUS(weft_condition_wait_for(t_condition, count_pred, &t_pred, 0.0, NULL),
                  WEFT_STATUS_NULL_ARGUMENT);
    EXPECT(t_pred.calls == 0 && t_pred_result);
    /* 0.0: as CPython, one wait that does not block, then the predicate again. */
    EXPECT_STATUS(condition_wait_for_pred(0.0), WEFT_STATUS_OK);
    EXPECT(t_pred.calls == 2 && !t_pred_result);
    t_pred.result = true;
    EXPECT_STATUS(condition_wait_for_pred(WEFT_TIMEOUT_MAX), WEFT_STATUS_OK);
    EXPECT(t_pred.calls == 3 && t_pred_result);

    /* WEFT_TIMEOUT_MAX is a real wait, ended by a notification. */
    t = start(notify_main, NULL);
    EXPECT_STATUS(weft_condition_wait(t_condition, WEFT_TIMEOUT_MAX), WEFT_STATUS_OK);
    EXPECT_STATUS(condition_acquire_for(0.0), WEFT_STATUS_TIMEOUT); /* held again */
    EXPECT_STATUS(weft_condition_release(t_condition), WEFT_STATUS_OK);
    EXPECT_STATUS(finish(t), WEFT_STATUS_OK);

    EXPECT_STATUS(weft_condition_release(t_condition), WEFT_STATUS_RELEASE_UNLOCKED);
    weft_condition_free(t_condition);
}

/* Holds an rlock from another thread while main misuses a condition over it. */
struct rlock_holder {
    weft_rlock *rlock;
    weft_event *held;
    weft_event *go;
};

static void *hold_rlock(void *arg) {
    struct rlock_holder *h = (struct rlock_holder *)arg;
    weft_status status = weft_rlock_acquire(h->rlock, true, FOREVER);
    weft_event_set(h->held);
    if (status == WEFT_STATUS_OK) {
        status = weft_event_wait(h->go, FOREVER);
    }
    if (status == WEFT_STATUS_OK) {
        status = weft_rlock_release(h->rlock);
    }
    return status_ptr(status);
}

/* A condition over an RLock: not owned, owned elsewhere, owned twice. */
static void condition_over_rlock(void) {
    struct rlock_holder h;
    weft_thread *t;
    weft_condition *plain;

    /* weft_condition_new makes an RLock of its own. */
    EXPECT_STATUS(weft_condition_new(&plain), WEFT_STATUS_OK);
    EXPECT_STATUS(weft_condition_release(plain), WEFT_STATUS_NOT_OWNER);
    EXPECT_STATUS(weft_condition_wait(plain, 0.0), WEFT_STATUS_WAIT_UNACQUIRED);
    EXPECT_STATUS(weft_condition_notify(plain, 1), WEFT_STATUS_NOTIFY_UNACQUIRED);
    weft_condition_free(plain);

    EXPECT_STATUS(weft_rlock_new(&h.rlock), WEFT_STATUS_OK);
    EXPECT_STATUS(weft_event_new(&h.held), WEFT_STATUS_OK);
    EXPECT_STATUS(weft_event_new(&h.go), WEFT_STATUS_OK);
    EXPECT_STATUS(weft_condition_new_with_rlock(h.rlock, &t_condition), WEFT_STATUS_OK);

    EXPECT_STATUS(weft_condition_release(t_condition), WEFT_STATUS_NOT_OWNER);
    EXPECT_STATUS(weft_condition_wait(t_condition, FOREVER), WEFT_STATUS_WAIT_UNACQUIRED);
    EXPECT_STATUS(weft_condition_notify_all(t_condition), WEFT_STATUS_NOTIFY_UNACQUIRED);
    check_bad_timeouts(condition_acquire_for, "weft_condition_acquire (rlock)");
    EXPECT(!weft_rlock_locked(h.rlock));

    /* Owned by another thread: this one may neither wait, notify nor release. */
    t = start(hold_rlock, &h);
    EXPECT_STATUS(weft_event_wait(h.held, FOREVER), WEFT_STATUS_OK);
    EXPECT_STATUS(weft_condition_wait(t_condition, 0.0), WEFT_STATUS_WAIT_UNACQUIRED);
    EXPECT_STATUS(weft_condition_wait(t_condition, FOREVER), WEFT_STATUS_WAIT_UNACQUIRED);
    EXPECT_STATUS(weft_condition_notify(t_condition, 1), WEFT_STATUS_NOTIFY_UNACQUIRED);
    EXPECT_STATUS(weft_condition_notify_all(t_condition), WEFT_STATUS_NOTIFY_UNACQUIRED);
    EXPECT_STATUS(weft_condition_release(t_condition), WEFT_STATUS_NOT_OWNER);
    EXPECT_STATUS(condition_acquire_for(0.0), WEFT_STATUS_TIMEOUT);
    EXPECT_STATUS(weft_condition_acquire(t_condition, false, FOREVER), WEFT_STATUS_TIMEOUT);
    check_bad_timeouts(condition_acquire_for, "weft_condition_acquire (rlock held elsewhere)");
    EXPECT(weft_rlock_locked(h.rlock) && !weft_rlock_is_owned(h.rlock));
    EXPECT_STATUS(weft_event_set(h.go), WEFT_STATUS_OK);
    EXPECT_STATUS(finish(t), WEFT_STATUS_OK);

    /* Owned twice: a refused or timed-out wait leaves both levels held. */
    EXPECT_STATUS(condition_acquire_for(WEFT_TIMEOUT_MAX), WEFT_STATUS_OK);
    EXPECT_STATUS(condition_acquire_for(0.0), WEFT_STATUS_OK);
    check_bad_timeouts(condition_wait_for_timeout, "weft_condition_wait (rlock held twice)");
    EXPECT(weft_rlock_recursion_count(h.rlock) == 2);
    EXPECT_STATUS(weft_condition_wait(t_condition, 0.0), WEFT_STATUS_TIMEOUT);
    EXPECT(weft_rlock_recursion_count(h.rlock) == 2);
    EXPECT_STATUS(weft_condition_release(t_condition), WEFT_STATUS_OK);
    EXPECT_STATUS(weft_condition_release(t_condition), WEFT_STATUS_OK);
    EXPECT_STATUS(weft_condition_release(t_condition), WEFT_STATUS_NOT_OWNER);
    EXPECT(!weft_rlock_locked(h.rlock));

    weft_condition_free(t_condition);
    weft_rlock_free(h.rlock);
    weft_event_free(h.held);
    weft_event_free(h.go);
}

/* ---- Event ------------------------------------------------------------------------------------ */

static weft_event *t_event;

static weft_status event_wait_for(double s) {
    return weft_event_wait(t_event, s);
}

static void event_timeouts(void) {
    EXPECT_STATUS(weft_event_new(&t_event), WEFT_STATUS_OK);
    EXPECT_STATUS(weft_event_clear(t_event), WEFT_STATUS_OK); /* clearing a clear event */

    check_bad_timeouts(event_wait_for, "weft_event_wait (not set)");
    EXPECT_STATUS(event_wait_for(0.0), WEFT_STATUS_TIMEOUT);
    EXPECT_STATUS(event_wait_for(-0.0), WEFT_STATUS_TIMEOUT); /* -0.0 is 0.0, not negative */
    EXPECT(!weft_event_is_set(t_event));

    /* Set: a bad timeout must still be refused, not taken for "no wait needed". */
    EXPECT_STATUS(weft_event_set(t_event), WEFT_STATUS_OK);
    EXPECT_STATUS(weft_event_set(t_event), WEFT_STATUS_OK);
    check_bad_timeouts(event_wait_for, "weft_event_wait (set)");
    EXPECT_STATUS(event_wait_for(WEFT_TIMEOUT_MAX), WEFT_STATUS_OK);
    EXPECT_STATUS(event_wait_for(0.0), WEFT_STATUS_OK);
    EXPECT(weft_event_is_set(t_event));

    weft_event_free(t_event);
}

/* ---- Semaphore and BoundedSemaphore ----------------------------------------------------------- */

/* How many permits `s` has: takes them all without blocking, then gives them back. */
static size_t permits(weft_semaphore *s) {
    size_t n = 0;
    while (n < 100 && weft_semaphore_acquire(s, false, FOREVER) == WEFT_STATUS_OK) {
        n++;
    }
    if (n > 0) {
        EXPECT_STATUS(weft_semaphore_release(s, n), WEFT_STATUS_OK);
    }
    return n;
}

static weft_semaphore *t_semaphore;

static weft_status semaphore_acquire_for(double s) {
    return weft_semaphore_acquire(t_semaphore, true, s);
}

static void semaphore_misuse(void) {
    weft_semaphore *s = (weft_semaphore *)&t_semaphore; /* a sentinel that must stay */

    /* Negative initial values. */
    EXPECT_STATUS(weft_semaphore_new(-1, &s), WEFT_STATUS_SEMAPHORE_NEGATIVE);
    EXPECT_STATUS(weft_semaphore_new(INT64_MIN, &s), WEFT_STATUS_SEMAPHORE_NEGATIVE);
    EXPECT_STATUS(weft_bounded_semaphore_new(-1, &s), WEFT_STATUS_SEMAPHORE_NEGATIVE);
    EXPECT_STATUS(weft_bounded_semaphore_new(INT64_MIN, &s), WEFT_STATUS_SEMAPHORE_NEGATIVE);
    EXPECT(s == (weft_semaphore *)&t_semaphore);

    /* One permit: non-blocking with a timeout and bad timeouts are refused, taking none. */
    EXPECT_STATUS(weft_semaphore_new(1, &t_semaphore), WEFT_STATUS_OK);
    EXPECT_STATUS(weft_semaphore_acquire(t_semaphore, false, 0.0),
                  WEFT_STATUS_NONBLOCKING_TIMEOUT);
    EXPECT_STATUS(weft_semaphore_acquire(t_semaphore, false, 1.0),
                  WEFT_STATUS_NONBLOCKING_TIMEOUT);
    EXPECT_STATUS(weft_semaphore_acquire(t_semaphore, false, NAN),
                  WEFT_STATUS_NONBLOCKING_TIMEOUT);
    check_bad_timeouts(semaphore_acquire_for, "weft_semaphore_acquire (one permit)");
    EXPECT(permits(t_semaphore) == 1);

    /* release(0) is refused and changes nothing. */
    EXPECT_STATUS(weft_semaphore_release(t_semaphore, 0), WEFT_STATUS_RELEASE_COUNT);
    EXPECT(permits(t_semaphore) == 1);

    /* None left: 0.0 does not wait; bad timeouts are still refused. */
    EXPECT_STATUS(semaphore_acquire_for(WEFT_TIMEOUT_MAX), WEFT_STATUS_OK);
    EXPECT_STATUS(semaphore_acquire_for(0.0), WEFT_STATUS_TIMEOUT);
    EXPECT_STATUS(weft_semaphore_acquire(t_semaphore, false, FOREVER), WEFT_STATUS_TIMEOUT);
    check_bad_timeouts(semaphore_acquire_for, "weft_semaphore_acquire (no permit)");
    EXPECT_STATUS(weft_semaphore_release(t_semaphore, 0), WEFT_STATUS_RELEASE_COUNT);
    EXPECT(permits(t_semaphore) == 0);

    /* An unbounded count that would pass SIZE_MAX / 2 overflows, changing nothing. */
    EXPECT_STATUS(weft_semaphore_release(t_semaphore, SIZE_MAX), WEFT_STATUS_OVERFLOW);
    EXPECT_STATUS(weft_semaphore_release(t_semaphore, SIZE_MAX / 2 + 1), WEFT_STATUS_OVERFLOW);
    EXPECT(permits(t_semaphore) == 0);
    EXPECT_STATUS(weft_semaphore_release(t_semaphore, 2), WEFT_STATUS_OK);
    EXPECT(permits(t_semaphore) == 2);
    weft_semaphore_free(t_semaphore);

    if (SIZE_MAX / 2 >= INT64_MAX) {
        EXPECT_STATUS(weft_semaphore_new(INT64_MAX, &s), WEFT_STATUS_OK);
        EXPECT_STATUS(weft_semaphore_release(s, 1), WEFT_STATUS_OVERFLOW);
        EXPECT_STATUS(weft_semaphore_acquire(s, false, FOREVER), WEFT_STATUS_OK);
        EXPECT_STATUS(weft_semaphore_release(s, 1), WEFT_STATUS_OK);
        EXPECT_STATUS(weft_semaphore_release(s, 1), WEFT_STATUS_OVERFLOW);
        weft_semaphore_free(s);
    }

    /* Bounded: never above the initial value, and a refused release changes nothing. */
    EXPECT_STATUS(weft_bounded_semaphore_new(2, &t_semaphore), WEFT_STATUS_OK);
    EXPECT_STATUS(weft_semaphore_release(t_semaphore, 1), WEFT_STATUS_SEMAPHORE_OVER_RELEASE);
    EXPECT(permits(t_semaphore) == 2);
    EXPECT_STATUS(weft_semaphore_acquire(t_semaphore, true, FOREVER), WEFT_STATUS_OK);
    EXPECT_STATUS(weft_semaphore_release(t_semaphore, 2), WEFT_STATUS_SEMAPHORE_OVER_RELEASE);
    EXPECT_STATUS(weft_semaphore_release(t_semaphore, SIZE_MAX),
                  WEFT_STATUS_SEMAPHORE_OVER_RELEASE);
    EXPECT_STATUS(weft_semaphore_release(t_semaphore, 0), WEFT_STATUS_RELEASE_COUNT);
    EXPECT(permits(t_semaphore) == 1);
    EXPECT_STATUS(weft_semaphore_acquire(t_semaphore, false, 0.5),
                  WEFT_STATUS_NONBLOCKING_TIMEOUT);
    check_bad_timeouts(semaphore_acquire_for, "weft_semaphore_acquire (bounded)");
    EXPECT(permits(t_semaphore) == 1);
    EXPECT_STATUS(weft_semaphore_release(t_semaphore, 1), WEFT_STATUS_OK);
    EXPECT_STATUS(weft_semaphore_release(t_semaphore, 1), WEFT_STATUS_SEMAPHORE_OVER_RELEASE);
    EXPECT(permits(t_semaphore) == 2);
    weft_semaphore_free(t_semaphore);

    EXPECT_STATUS(weft_bounded_semaphore_new(0, &t_semaphore), WEFT_STATUS_OK);
    EXPECT_STATUS(weft_semaphore_release(t_semaphore, 1), WEFT_STATUS_SEMAPHORE_OVER_RELEASE);
    EXPECT_STATUS(semaphore_acquire_for(0.0), WEFT_STATUS_TIMEOUT);
    weft_semaphore_free(t_semaphore);
}

/* ---- Barrier ---------------------------------------------------------------------------------- */

static weft_barrier *t_barrier;
static size_t t_index;
static int t_actions;

/* weft_barrier_new with `s` as its default timeout; the barrier is kept in t_barrier. */
static weft_status barrier_new_with(double s) {
    weft_barrier *b = (weft_barrier *)&t_index; /* a sentinel that must stay on failure */
    weft_status status = weft_barrier_new(2, count_free, &t_actions, count_free, s, &b);
    if (status == WEFT_STATUS_OK) {
        weft_barrier_free(t_barrier);
        t_barrier = b;
    } else {
        EXPECT(b == (weft_barrier *)&t_index);
    }
    return status;
}

static weft_status barrier_wait_for(double s) {
    return weft_barrier_wait(t_barrier, s, &t_index);
}

/* Waits on the barrier `arg`, without limit, and returns the status. */
static void *wait_barrier(void *arg) {
    size_t index;
    return status_ptr(weft_barrier_wait((weft_barrier *)arg, FOREVER, &index));
}

static void barrier_misuse(void) {
    weft_barrier *b = (weft_barrier *)&t_index; /* a sentinel that must stay */
    int freed = 0;
    weft_thread *t;

    /* No parties: refused, the action's arg not freed. */
    EXPECT_STATUS(weft_barrier_new(0, NULL, NULL, NULL, FOREVER, &b),
                  WEFT_STATUS_BARRIER_PARTIES);
    EXPECT_STATUS(weft_barrier_new(0, count_free, &freed, count_free, FOREVER, &b),
                  WEFT_STATUS_BARRIER_PARTIES);
    EXPECT(b == (weft_barrier *)&t_index && freed == 0);

    /* Bad default timeouts: refused at creation, arg not freed. */
    t_actions = 0;
    check_bad_timeouts(barrier_new_with, "weft_barrier_new");
    EXPECT(t_barrier == NULL && t_actions == 0);
    EXPECT_STATUS(barrier_new_with(WEFT_TIMEOUT_MAX), WEFT_STATUS_OK);
    EXPECT(weft_barrier_parties(t_barrier) == 2);

    /* Without an action, its arg is not used: arg_free is never called. */
    EXPECT_STATUS(weft_barrier_new(1, NULL, &freed, count_free, FOREVER, &b), WEFT_STATUS_OK);
    EXPECT_STATUS(weft_barrier_wait(b, FOREVER, &t_index), WEFT_STATUS_OK);
    weft_barrier_free(b);
    EXPECT(freed == 0);

    /* One party: a refused wait does not arrive (the action does not run). */
    EXPECT_STATUS(weft_barrier_new(1, count_free, &t_actions, count_free, FOREVER, &b),
                  WEFT_STATUS_OK);
    weft_barrier_free(t_barrier);
    t_barrier = b;
    t_actions = 0;
    t_index = 777;
    EXPECT_STATUS(weft_barrier_wait(t_barrier, FOREVER, NULL), WEFT_STATUS_NULL_ARGUMENT);
    check_bad_timeouts(barrier_wait_for, "weft_barrier_wait (one party)");
    EXPECT(t_actions == 0 && t_index == 777);
    EXPECT_STATUS(barrier_wait_for(WEFT_TIMEOUT_MAX), WEFT_STATUS_OK);
    EXPECT(t_actions == 1 && t_index == 0);
    EXPECT_STATUS(barrier_wait_for(0.0), WEFT_STATUS_OK); /* full at once: no timeout */
    EXPECT(t_actions == 2 && t_index == 0);
    weft_barrier_free(t_barrier); /* the last reference: the action's arg is freed once */
    EXPECT(t_actions == 3);

    /* Two parties. */
    EXPECT_STATUS(weft_barrier_new(2, NULL, NULL, NULL, FOREVER, &t_barrier), WEFT_STATUS_OK);
    t_index = 777;
    EXPECT_STATUS(weft_barrier_wait(t_barrier, 0.0, NULL), WEFT_STATUS_NULL_ARGUMENT);
    check_bad_timeouts(barrier_wait_for, "weft_barrier_wait (two parties)");
    EXPECT(!weft_barrier_broken(t_barrier) && weft_barrier_n_waiting(t_barrier) == 0);

    /* A timeout breaks it, for every later wait, until reset. */
    EXPECT_STATUS(barrier_wait_for(0.0), WEFT_STATUS_BROKEN_BARRIER);
    EXPECT(weft_barrier_broken(t_barrier));
    EXPECT_STATUS(barrier_wait_for(0.0), WEFT_STATUS_BROKEN_BARRIER);
    EXPECT_STATUS(barrier_wait_for(FOREVER), WEFT_STATUS_BROKEN_BARRIER);
    EXPECT_STATUS(barrier_wait_for(WEFT_TIMEOUT_MAX), WEFT_STATUS_BROKEN_BARRIER);
    check_bad_timeouts(barrier_wait_for, "weft_barrier_wait (broken)");
    EXPECT(t_index == 777);
    EXPECT_STATUS(weft_barrier_reset(t_barrier), WEFT_STATUS_OK);
    EXPECT(!weft_barrier_broken(t_barrier));

    /* Abort breaks it too, waiting or not, until reset. */
    EXPECT_STATUS(weft_barrier_abort(t_barrier), WEFT_STATUS_OK);
    EXPECT(weft_barrier_broken(t_barrier));
    EXPECT_STATUS(barrier_wait_for(FOREVER), WEFT_STATUS_BROKEN_BARRIER);
    EXPECT_STATUS(weft_barrier_abort(t_barrier), WEFT_STATUS_OK);
    EXPECT_STATUS(weft_barrier_reset(t_barrier), WEFT_STATUS_OK);
    EXPECT_STATUS(weft_barrier_reset(t_barrier), WEFT_STATUS_OK);
    EXPECT(!weft_barrier_broken(t_barrier));
    EXPECT(t_index == 777);

    /* A thread waiting without limit is released by an abort (before or after it arrives). */
    t = start(wait_barrier, t_barrier);
    EXPECT_STATUS(weft_barrier_abort(t_barrier), WEFT_STATUS_OK);
    EXPECT_STATUS(finish(t), WEFT_STATUS_BROKEN_BARRIER);
    EXPECT_STATUS(weft_barrier_reset(t_barrier), WEFT_STATUS_OK);

    /* Usable again once reset: WEFT_TIMEOUT_MAX waits for the other party. */
    t = start(wait_barrier, t_barrier);
    EXPECT_STATUS(barrier_wait_for(WEFT_TIMEOUT_MAX), WEFT_STATUS_OK);
    EXPECT(t_index == 0 || t_index == 1);
    EXPECT_STATUS(finish(t), WEFT_STATUS_OK);
    weft_barrier_free(t_barrier);

    /* As many parties as can be counted: a lone arrival times out and breaks it. */
    EXPECT_STATUS(weft_barrier_new(SIZE_MAX, NULL, NULL, NULL, FOREVER, &t_barrier),
                  WEFT_STATUS_OK);
    EXPECT(weft_barrier_parties(t_barrier) == SIZE_MAX);
    EXPECT_STATUS(barrier_wait_for(0.0), WEFT_STATUS_BROKEN_BARRIER);
    EXPECT(weft_barrier_broken(t_barrier) && weft_barrier_n_waiting(t_barrier) == 0);
    weft_barrier_free(t_barrier);

    /* A default timeout of 0.0 applies to a wait given WEFT_TIMEOUT_FOREVER. */
    EXPECT_STATUS(weft_barrier_new(2, NULL, NULL, NULL, 0.0, &t_barrier), WEFT_STATUS_OK);
    EXPECT_STATUS(barrier_wait_for(FOREVER), WEFT_STATUS_BROKEN_BARRIER);
    weft_barrier_free(t_barrier);
}

/* ---- Timer ------------------------------------------------------------------------------------ */

static struct calls t_calls;

/* weft_timer_new with `s` as its interval; the timer, if made, is freed unstarted. */
static weft_status timer_new_with(double s) {
    weft_thread *t = (weft_thread *)&t_calls; /* a sentinel that must stay on failure */
    weft_status status = weft_timer_new(s, count_call, &t_calls, count_call_free, &t);
    if (status == WEFT_STATUS_OK) {
        weft_thread_free(t);
    } else {
        EXPECT(t == (weft_thread *)&t_calls);
    }
    return status;
}

struct self_cancel {
    weft_thread *timer;
    weft_status status;
};

static void *cancel_self(void *arg) {
    struct self_cancel *s = (struct self_cancel *)arg;
    s->status = weft_timer_cancel(s->timer);
    return arg;
}

static void timer_misuse(void) {
    weft_thread *t;
    weft_thread *thread;
    void *result = &t_calls;

    /* Bad intervals, and WEFT_TIMEOUT_FOREVER (a timer that never fires), are refused. */
    check_bad_timeouts(timer_new_with, "weft_timer_new");
    EXPECT_STATUS(timer_new_with(FOREVER), WEFT_STATUS_INVALID_TIMEOUT);
    EXPECT(t_calls.called == 0 && t_calls.freed == 0); /* on failure arg_free is not called */

    /* WEFT_TIMEOUT_MAX is accepted; cancelled, the timer never fires. */
    EXPECT_STATUS(weft_timer_new(WEFT_TIMEOUT_MAX, count_call, &t_calls, count_call_free, &t),
                  WEFT_STATUS_OK);
    EXPECT_STATUS(weft_thread_start(t), WEFT_STATUS_OK);
    EXPECT_STATUS(weft_timer_cancel(t), WEFT_STATUS_OK);
    EXPECT_STATUS(weft_timer_cancel(t), WEFT_STATUS_OK); /* twice does nothing */
    EXPECT_STATUS(weft_thread_join(t, FOREVER), WEFT_STATUS_OK);
    EXPECT_STATUS(weft_thread_result(t, &result), WEFT_STATUS_WRONG_STATE);
    EXPECT(result == &t_calls);
    EXPECT(t_calls.called == 0 && t_calls.freed == 1);
    EXPECT_STATUS(weft_thread_start(t), WEFT_STATUS_ALREADY_STARTED);
    weft_thread_free(t);

    /* Cancelled before it starts: the started timer ends at once. */
    EXPECT_STATUS(weft_timer_new(0.0, count_call, &t_calls, count_call_free, &t),
                  WEFT_STATUS_OK);
    EXPECT_STATUS(weft_timer_cancel(t), WEFT_STATUS_OK);
    EXPECT_STATUS(weft_thread_start(t), WEFT_STATUS_OK);
    EXPECT_STATUS(weft_thread_join(t, FOREVER), WEFT_STATUS_OK);
    EXPECT(t_calls.called == 0 && t_calls.freed == 2);
    weft_thread_free(t);

    /* 0.0 fires as soon as it starts; cancelling after that does nothing. */
    EXPECT_STATUS(weft_timer_new(0.0, count_call, &t_calls, count_call_free, &t),
                  WEFT_STATUS_OK);
    EXPECT_STATUS(weft_thread_start(t), WEFT_STATUS_OK);
    EXPECT_STATUS(weft_thread_join(t, FOREVER), WEFT_STATUS_OK);
    EXPECT_STATUS(weft_timer_cancel(t), WEFT_STATUS_OK);
    EXPECT_STATUS(weft_thread_result(t, &result), WEFT_STATUS_OK);
    EXPECT(result == &t_calls);
    EXPECT(t_calls.called == 1 && t_calls.freed == 3);
    weft_thread_free(t);

    /* A timer cancelling itself from its function: too late, so nothing happens. */
    {
        struct self_cancel s;
        EXPECT_STATUS(weft_timer_new(0.0, cancel_self, &s, NULL, &s.timer), WEFT_STATUS_OK);
        s.status = WEFT_STATUS_PANIC;
        EXPECT_STATUS(weft_thread_start(s.timer), WEFT_STATUS_OK);
        EXPECT_STATUS(weft_thread_join(s.timer, FOREVER), WEFT_STATUS_OK);
        EXPECT_STATUS(s.status, WEFT_STATUS_OK);
        EXPECT_STATUS(weft_thread_result(s.timer, &result), WEFT_STATUS_OK);
        EXPECT(result == &s);
        weft_thread_free(s.timer);
    }

    /* A thread that is not a timer cannot be cancelled, started or not. */
    EXPECT_STATUS(weft_thread_new(count_call, &t_calls, count_call_free, &thread),
                  WEFT_STATUS_OK);
    EXPECT_STATUS(weft_timer_cancel(thread), WEFT_STATUS_WRONG_HANDLE);
    EXPECT_STATUS(weft_thread_start(thread), WEFT_STATUS_OK);
    EXPECT_STATUS(weft_timer_cancel(thread), WEFT_STATUS_WRONG_HANDLE);
    EXPECT_STATUS(weft_thread_join(thread, FOREVER), WEFT_STATUS_OK);
    EXPECT_STATUS(weft_timer_cancel(thread), WEFT_STATUS_WRONG_HANDLE);
    EXPECT(t_calls.called == 2 && t_calls.freed == 4);
    weft_thread_free(thread);
    EXPECT_STATUS(weft_timer_cancel(NULL), WEFT_STATUS_NULL_ARGUMENT);
}

/* ---- thread-local storage --------------------------------------------------------------------- */

static void local_misuse(void) {
    weft_local *local;
    int inits = 0;
    int arg_freed = 0;
    int values_freed = 0;
    void *value = &local;

    /* With an initializer: a NULL out-parameter does not run it. */
    EXPECT_STATUS(weft_local_new(count_init, &inits, count_free, count_free, &local),
                  WEFT_STATUS_OK);
    EXPECT_STATUS(weft_local_get(local, NULL), WEFT_STATUS_NULL_ARGUMENT);
    EXPECT(inits == 0 && !weft_local_is_set(local));
    EXPECT_STATUS(weft_local_get(local, &value), WEFT_STATUS_OK);
    EXPECT(inits == 1 && value == &inits && weft_local_is_set(local));
    EXPECT_STATUS(weft_local_get(local, NULL), WEFT_STATUS_NULL_ARGUMENT);
    EXPECT(inits == 1);
    weft_local_free(local); /* the value (&inits) and then the init_arg (&inits) */
    EXPECT(inits == 3);

    /* Without an initializer, init_arg_free is never called; values are freed once each. */
    EXPECT_STATUS(weft_local_new(NULL, &arg_freed, count_free, count_free, &local),
                  WEFT_STATUS_OK);
    value = &local;
    EXPECT_STATUS(weft_local_get(local, &value), WEFT_STATUS_OK);
    EXPECT(value == NULL && !weft_local_is_set(local));
    EXPECT_STATUS(weft_local_set(local, &values_freed), WEFT_STATUS_OK);
    EXPECT_STATUS(weft_local_set(local, &values_freed), WEFT_STATUS_OK); /* frees the first */
    EXPECT(values_freed == 1);
    weft_local_free(local);
    EXPECT(values_freed == 2 && arg_freed == 0);
}

int main(void) {
    null_out_parameters(); /* first: it checks that the first timer is named Thread-1 */
    condition_over_lock();
    condition_over_rlock();
    event_timeouts();
    semaphore_misuse();
    barrier_misuse();
    timer_misuse();
    local_misuse();
    return check_summary();
}
