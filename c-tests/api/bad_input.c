/*
 * Bad input for the threads and locks of include/weft.h (bad_input_handles.c passes every
 * type's handles to every function; bad_input_sync.c and bad_input_queue.c cover the other
 * types): NULL and wrong-type handles, NULL out-parameters, each misuse CPython reports (with
 * CPython's message), every invalid timeout, names that do not fit or are not UTF-8, unknown
 * status values. Every call must return its documented status (or false / 0 / NULL), leave
 * out-parameters and objects untouched when it fails, and never crash or hang. Threads are
 * ordered with locks, never with sleeps.
 *
 * Written in C99 so that the header is also checked under -std=c99 -pedantic (tests/c_api.rs).
 */
#define _POSIX_C_SOURCE 200809L
#include <limits.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "check.h"

#define FOREVER WEFT_TIMEOUT_FOREVER

/* ---- helpers ---------------------------------------------------------------------------- */

/* A thread body returning its argument. */
static void *return_arg(void *arg) {
    return arg;
}

/* A thread's name, copied into buf (size 64). */
static const char *name_of(const weft_thread *t, char *buf) {
    if (weft_thread_get_name(t, buf, 64, NULL) != WEFT_STATUS_OK) {
        strcpy(buf, "(error)");
    }
    return buf;
}

/* ---- statuses and version --------------------------------------------------------------- */

static void status_messages(void) {
    char what[64];
    int unknown[] = {-1, 41, 1000, INT_MIN, INT_MAX};
    int i;
    EXPECT(expected_message(40) != NULL && expected_message(41) == NULL);
    for (i = 0; i <= 40; i++) {
        const char *msg = weft_status_str(i);
        snprintf(what, sizeof what, "weft_status_str(%d)", i);
        check_record(msg != NULL && strcmp(msg, expected_message(i)) == 0, what, __LINE__);
    }
    for (i = 0; i < (int)(sizeof unknown / sizeof unknown[0]); i++) {
        const char *msg = weft_status_str(unknown[i]);
        snprintf(what, sizeof what, "weft_status_str(%d) is \"unknown status\"", unknown[i]);
        check_record(msg != NULL && strcmp(msg, "unknown status") == 0, what, __LINE__);
    }
}

static void version(void) {
    char want[32];
    snprintf(want, sizeof want, "%d.%d.%d", WEFT_VERSION_MAJOR, WEFT_VERSION_MINOR,
             WEFT_VERSION_PATCH);
    EXPECT(weft_version_number() == WEFT_VERSION_NUMBER);
    EXPECT(WEFT_VERSION_NUMBER ==
           WEFT_VERSION_MAJOR * 10000 + WEFT_VERSION_MINOR * 100 + WEFT_VERSION_PATCH);
    EXPECT(weft_version_string() != NULL && strcmp(weft_version_string(), want) == 0);
}

/* ---- NULL out-parameters: nothing happens, nothing is written --------------------------- */

static void null_out_parameters(void) {
    int freed = 0;
    size_t before;
    weft_thread *t = (weft_thread *)&freed; /* a sentinel that must stay as it is */
    weft_thread **array = (weft_thread **)&freed;
    size_t count = 12345;
    weft_status status;

    {
        /* The measure itself: a lock that is made shows (unless it measures nothing). */
        weft_lock *lock;
        before = heap_in_use();
        status = weft_lock_new(&lock);
        EXPECT(heap_in_use() > before || heap_in_use() == 0);
        EXPECT_STATUS(status, WEFT_STATUS_OK);
        weft_lock_free(lock);
    }
    before = heap_in_use();
    status = weft_lock_new(NULL);
    EXPECT(heap_in_use() == before);
    EXPECT_STATUS(status, WEFT_STATUS_NULL_ARGUMENT);

    before = heap_in_use();
    status = weft_rlock_new(NULL);
    EXPECT(heap_in_use() == before);
    EXPECT_STATUS(status, WEFT_STATUS_NULL_ARGUMENT);

    before = heap_in_use();
    status = weft_thread_new(return_arg, &freed, count_free, NULL);
    EXPECT(heap_in_use() == before);
    EXPECT_STATUS(status, WEFT_STATUS_NULL_ARGUMENT);
    EXPECT(freed == 0); /* on failure arg_free is not called */

    status = weft_thread_new(NULL, &freed, count_free, &t);
    EXPECT_STATUS(status, WEFT_STATUS_NULL_ARGUMENT);
    EXPECT(t == (weft_thread *)&freed);
    EXPECT(freed == 0);

    before = heap_in_use();
    status = weft_enumerate(&array, NULL);
    EXPECT(heap_in_use() == before);
    EXPECT_STATUS(status, WEFT_STATUS_NULL_ARGUMENT);
    EXPECT(array == (weft_thread **)&freed);
    EXPECT_STATUS(weft_enumerate(NULL, &count), WEFT_STATUS_NULL_ARGUMENT);
    EXPECT(count == 12345);

    /* None of the failed weft_thread_new calls used up a name: the first thread is Thread-1. */
    {
        char name[64];
        EXPECT_STATUS(weft_thread_new(return_arg, &freed, count_free, &t), WEFT_STATUS_OK);
        EXPECT(strcmp(name_of(t, name), "Thread-1") == 0);
        EXPECT(freed == 0);
        weft_thread_free(t); /* never started: arg_free runs now, once */
        EXPECT(freed == 1);
    }

    /* Optional out-parameters may be NULL. */
    EXPECT_STATUS(weft_stack_size(0, NULL), WEFT_STATUS_OK);
    EXPECT_STATUS(weft_shutdown(0.0, NULL), WEFT_STATUS_OK);

    /* Any bool is valid input (C's bool is 0 or 1); set back to the default for the exit. */
    weft_set_exit_wait(false);
    weft_set_exit_wait(true);
}

/* ---- NULL handles: a status, or false / 0 / NULL; _free(NULL) does nothing --------------- */

static void null_handles(void) {
    char buf[8] = "xxxxxxx";
    size_t len = 777;
    void *result = &len;

    EXPECT(weft_lock_clone(NULL) == NULL);
    weft_lock_free(NULL);
    EXPECT_STATUS(weft_lock_acquire(NULL, true, FOREVER), WEFT_STATUS_NULL_ARGUMENT);
    EXPECT_STATUS(weft_lock_acquire(NULL, false, FOREVER), WEFT_STATUS_NULL_ARGUMENT);
    EXPECT_STATUS(weft_lock_release(NULL), WEFT_STATUS_NULL_ARGUMENT);
    EXPECT(!weft_lock_locked(NULL));

    EXPECT(weft_rlock_clone(NULL) == NULL);
    weft_rlock_free(NULL);
    EXPECT_STATUS(weft_rlock_acquire(NULL, true, FOREVER), WEFT_STATUS_NULL_ARGUMENT);
    EXPECT_STATUS(weft_rlock_release(NULL), WEFT_STATUS_NULL_ARGUMENT);
    EXPECT(!weft_rlock_locked(NULL));
    EXPECT(!weft_rlock_is_owned(NULL));
    EXPECT(weft_rlock_recursion_count(NULL) == 0);

    EXPECT(weft_thread_clone(NULL) == NULL);
    weft_thread_free(NULL);
    weft_thread_array_free(NULL, 0);
    weft_thread_array_free(NULL, 3);
    EXPECT_STATUS(weft_thread_start(NULL), WEFT_STATUS_NULL_ARGUMENT);
    EXPECT_STATUS(weft_thread_join(NULL, FOREVER), WEFT_STATUS_NULL_ARGUMENT);
    EXPECT(!weft_thread_is_alive(NULL));
    EXPECT_STATUS(weft_thread_get_name(NULL, buf, sizeof buf, &len), WEFT_STATUS_NULL_ARGUMENT);
    EXPECT(len == 777 && strcmp(buf, "xxxxxxx") == 0);
    EXPECT_STATUS(weft_thread_set_name(NULL, "name"), WEFT_STATUS_NULL_ARGUMENT);
    EXPECT(!weft_thread_is_daemon(NULL));
    EXPECT_STATUS(weft_thread_set_daemon(NULL, true), WEFT_STATUS_NULL_ARGUMENT);
    EXPECT_STATUS(weft_thread_set_stack_size(NULL, 0), WEFT_STATUS_NULL_ARGUMENT);
    EXPECT(weft_thread_ident(NULL) == 0);
    EXPECT(weft_thread_native_id(NULL) == 0);
    EXPECT_STATUS(weft_thread_result(NULL, &result), WEFT_STATUS_NULL_ARGUMENT);
    EXPECT(result == &len);
}

/* ---- wrong-type handles ------------------------------------------------------------------ */

static void wrong_type_handles(void) {
    weft_lock *lock;
    weft_rlock *rlock;
    weft_thread *thread;
    weft_thread *as_thread;
    char buf[8] = "xxxxxxx";
    size_t len = 777;
    void *result = &len;

    EXPECT_STATUS(weft_lock_new(&lock), WEFT_STATUS_OK);
    EXPECT_STATUS(weft_rlock_new(&rlock), WEFT_STATUS_OK);
    EXPECT_STATUS(weft_thread_new(return_arg, NULL, NULL, &thread), WEFT_STATUS_OK);
    /* Both locks held: a wrong-type query that skipped the type check would likely say true. */
    EXPECT_STATUS(weft_lock_acquire(lock, true, FOREVER), WEFT_STATUS_OK);
    EXPECT_STATUS(weft_rlock_acquire(rlock, true, FOREVER), WEFT_STATUS_OK);

    /* As a lock: an rlock and a thread. */
    EXPECT(weft_lock_clone((weft_lock *)rlock) == NULL);
    EXPECT(weft_lock_clone((weft_lock *)thread) == NULL);
    EXPECT_STATUS(weft_lock_acquire((weft_lock *)rlock, false, FOREVER),
                  WEFT_STATUS_WRONG_HANDLE);
    EXPECT_STATUS(weft_lock_acquire((weft_lock *)thread, true, 0.0), WEFT_STATUS_WRONG_HANDLE);
    EXPECT_STATUS(weft_lock_release((weft_lock *)rlock), WEFT_STATUS_WRONG_HANDLE);
    EXPECT_STATUS(weft_lock_release((weft_lock *)thread), WEFT_STATUS_WRONG_HANDLE);
    EXPECT(!weft_lock_locked((const weft_lock *)rlock));
    EXPECT(!weft_lock_locked((const weft_lock *)thread));

    /* As an rlock: a lock and a thread. */
    EXPECT(weft_rlock_clone((weft_rlock *)lock) == NULL);
    EXPECT(weft_rlock_clone((weft_rlock *)thread) == NULL);
    EXPECT_STATUS(weft_rlock_acquire((weft_rlock *)lock, true, 0.0), WEFT_STATUS_WRONG_HANDLE);
    EXPECT_STATUS(weft_rlock_acquire((weft_rlock *)thread, false, FOREVER),
                  WEFT_STATUS_WRONG_HANDLE);
    EXPECT_STATUS(weft_rlock_release((weft_rlock *)lock), WEFT_STATUS_WRONG_HANDLE);
    EXPECT_STATUS(weft_rlock_release((weft_rlock *)thread), WEFT_STATUS_WRONG_HANDLE);
    EXPECT(!weft_rlock_locked((const weft_rlock *)lock));
    EXPECT(!weft_rlock_is_owned((const weft_rlock *)lock));
    EXPECT(weft_rlock_recursion_count((const weft_rlock *)lock) == 0);
    EXPECT(weft_rlock_recursion_count((const weft_rlock *)thread) == 0);

    /* As a thread: a lock (and an rlock for the queries). */
    as_thread = (weft_thread *)lock;
    EXPECT(weft_thread_clone(as_thread) == NULL);
    EXPECT_STATUS(weft_thread_start(as_thread), WEFT_STATUS_WRONG_HANDLE);
    EXPECT_STATUS(weft_thread_join(as_thread, 0.0), WEFT_STATUS_WRONG_HANDLE);
    EXPECT(!weft_thread_is_alive(as_thread));
    EXPECT(!weft_thread_is_alive((const weft_thread *)rlock));
    EXPECT_STATUS(weft_thread_get_name(as_thread, buf, sizeof buf, &len),
                  WEFT_STATUS_WRONG_HANDLE);
    EXPECT(len == 777 && strcmp(buf, "xxxxxxx") == 0);
    EXPECT_STATUS(weft_thread_get_name(as_thread, NULL, 0, &len), WEFT_STATUS_WRONG_HANDLE);
    EXPECT(len == 777);
    EXPECT_STATUS(weft_thread_set_name(as_thread, "name"), WEFT_STATUS_WRONG_HANDLE);
    EXPECT(!weft_thread_is_daemon(as_thread));
    EXPECT_STATUS(weft_thread_set_daemon(as_thread, true), WEFT_STATUS_WRONG_HANDLE);
    EXPECT_STATUS(weft_thread_set_stack_size(as_thread, 0), WEFT_STATUS_WRONG_HANDLE);
    EXPECT(weft_thread_ident(as_thread) == 0);
    EXPECT(weft_thread_native_id(as_thread) == 0);
    EXPECT_STATUS(weft_thread_result(as_thread, &result), WEFT_STATUS_WRONG_HANDLE);
    EXPECT(result == &len);

    /* Freeing through the wrong type does nothing: every object still works. */
    weft_lock_free((weft_lock *)rlock);
    weft_lock_free((weft_lock *)thread);
    weft_rlock_free((weft_rlock *)lock);
    weft_rlock_free((weft_rlock *)thread);
    weft_thread_free((weft_thread *)lock);
    weft_thread_free((weft_thread *)rlock);
    EXPECT(weft_lock_locked(lock));
    EXPECT_STATUS(weft_lock_release(lock), WEFT_STATUS_OK);
    EXPECT(weft_rlock_recursion_count(rlock) == 1);
    EXPECT_STATUS(weft_rlock_release(rlock), WEFT_STATUS_OK);
    EXPECT_STATUS(weft_thread_start(thread), WEFT_STATUS_OK);
    EXPECT_STATUS(weft_thread_join(thread, FOREVER), WEFT_STATUS_OK);

    weft_lock_free(lock);
    weft_rlock_free(rlock);
    weft_thread_free(thread);
}

/* ---- Lock misuse -------------------------------------------------------------------------- */

static void lock_misuse(void) {
    weft_lock *lock;
    EXPECT_STATUS(weft_lock_new(&lock), WEFT_STATUS_OK);

    EXPECT_STATUS(weft_lock_release(lock), WEFT_STATUS_RELEASE_UNLOCKED);
    EXPECT(!weft_lock_locked(lock));

    /* Non-blocking with a timeout, even 0: refused, and the lock is not taken. */
    EXPECT_STATUS(weft_lock_acquire(lock, false, 0.0), WEFT_STATUS_NONBLOCKING_TIMEOUT);
    EXPECT_STATUS(weft_lock_acquire(lock, false, 1.0), WEFT_STATUS_NONBLOCKING_TIMEOUT);
    EXPECT_STATUS(weft_lock_acquire(lock, false, NAN), WEFT_STATUS_NONBLOCKING_TIMEOUT);
    EXPECT(!weft_lock_locked(lock));

    /* Held: a non-blocking try and a 0.0 timeout both give up at once. */
    EXPECT_STATUS(weft_lock_acquire(lock, false, FOREVER), WEFT_STATUS_OK);
    EXPECT_STATUS(weft_lock_acquire(lock, false, FOREVER), WEFT_STATUS_TIMEOUT);
    EXPECT_STATUS(weft_lock_acquire(lock, true, 0.0), WEFT_STATUS_TIMEOUT);
    EXPECT_STATUS(weft_lock_release(lock), WEFT_STATUS_OK);
    EXPECT_STATUS(weft_lock_release(lock), WEFT_STATUS_RELEASE_UNLOCKED);

    weft_lock_free(lock);
}

/* ---- RLock misuse ------------------------------------------------------------------------- */

static void *release_rlock(void *rlock) {
    return status_ptr(weft_rlock_release((weft_rlock *)rlock));
}

static void rlock_misuse(void) {
    weft_rlock *rlock;
    EXPECT_STATUS(weft_rlock_new(&rlock), WEFT_STATUS_OK);

    /* Unowned. */
    EXPECT_STATUS(weft_rlock_release(rlock), WEFT_STATUS_NOT_OWNER);
    EXPECT_STATUS(weft_rlock_acquire(rlock, false, 0.5), WEFT_STATUS_NONBLOCKING_TIMEOUT);
    EXPECT(!weft_rlock_locked(rlock));

    /* Owned by this thread, released by another: refused, and the lock stays ours. */
    EXPECT_STATUS(weft_rlock_acquire(rlock, true, FOREVER), WEFT_STATUS_OK);
    EXPECT_STATUS(weft_rlock_acquire(rlock, false, FOREVER), WEFT_STATUS_OK);
    EXPECT_STATUS((intptr_t)run_in_thread(release_rlock, rlock), WEFT_STATUS_NOT_OWNER);
    EXPECT(weft_rlock_is_owned(rlock));
    EXPECT(weft_rlock_recursion_count(rlock) == 2);
    EXPECT_STATUS(weft_rlock_release(rlock), WEFT_STATUS_OK);
    EXPECT_STATUS(weft_rlock_release(rlock), WEFT_STATUS_OK);
    EXPECT_STATUS(weft_rlock_release(rlock), WEFT_STATUS_NOT_OWNER);
    EXPECT(!weft_rlock_locked(rlock));

    weft_rlock_free(rlock);
}

/* ---- Thread misuse ------------------------------------------------------------------------ */

struct self_join {
    weft_thread *self; /* the handle main created, set before start */
    weft_status via_handle;
    weft_status via_current;
    weft_status via_current_timed;
};

static void *join_self(void *arg) {
    struct self_join *s = (struct self_join *)arg;
    weft_thread *me = weft_current_thread();
    s->via_handle = weft_thread_join(s->self, FOREVER);
    s->via_current = weft_thread_join(me, FOREVER);
    s->via_current_timed = weft_thread_join(me, 0.0);
    weft_thread_free(me);
    return NULL;
}

static void *current_thread_of_pthread(void *arg) {
    (void)arg;
    return weft_current_thread(); /* a Dummy-N stand-in */
}

static void thread_misuse(void) {
    weft_thread *t;
    weft_thread *main_thread = weft_main_thread();
    struct self_join s;
    void *result = &s;

    EXPECT_STATUS(weft_thread_new(return_arg, &s, NULL, &t), WEFT_STATUS_OK);
    EXPECT_STATUS(weft_thread_join(t, FOREVER), WEFT_STATUS_NOT_STARTED);
    EXPECT_STATUS(weft_thread_join(t, 0.0), WEFT_STATUS_NOT_STARTED);
    EXPECT_STATUS(weft_thread_result(t, &result), WEFT_STATUS_WRONG_STATE);
    EXPECT(result == &s);
    EXPECT(!weft_thread_is_alive(t));
    EXPECT(weft_thread_ident(t) == 0 && weft_thread_native_id(t) == 0);
    EXPECT_STATUS(weft_thread_set_daemon(t, false), WEFT_STATUS_OK);
    EXPECT_STATUS(weft_thread_start(t), WEFT_STATUS_OK);
    EXPECT_STATUS(weft_thread_start(t), WEFT_STATUS_ALREADY_STARTED);
    EXPECT_STATUS(weft_thread_set_daemon(t, true), WEFT_STATUS_DAEMON_AFTER_START);
    EXPECT_STATUS(weft_thread_set_stack_size(t, 65536), WEFT_STATUS_WRONG_STATE);
    EXPECT_STATUS(weft_thread_join(t, FOREVER), WEFT_STATUS_OK);
    EXPECT_STATUS(weft_thread_join(t, FOREVER), WEFT_STATUS_OK); /* any number of times */
    EXPECT_STATUS(weft_thread_start(t), WEFT_STATUS_ALREADY_STARTED);
    EXPECT_STATUS(weft_thread_set_daemon(t, true), WEFT_STATUS_DAEMON_AFTER_START);
    EXPECT(!weft_thread_is_daemon(t));
    EXPECT_STATUS(weft_thread_set_stack_size(t, 0), WEFT_STATUS_WRONG_STATE);
    EXPECT_STATUS(weft_thread_result(t, NULL), WEFT_STATUS_NULL_ARGUMENT);
    EXPECT_STATUS(weft_thread_result(t, &result), WEFT_STATUS_OK);
    EXPECT(result == &s);
    weft_thread_free(t);

    /* A thread joining itself, through the handle main made and through current_thread. */
    EXPECT_STATUS(weft_thread_new(join_self, &s, NULL, &t), WEFT_STATUS_OK);
    s.self = t;
    EXPECT_STATUS(weft_thread_start(t), WEFT_STATUS_OK);
    EXPECT_STATUS(weft_thread_join(t, FOREVER), WEFT_STATUS_OK);
    EXPECT_STATUS(s.via_handle, WEFT_STATUS_JOIN_CURRENT);
    EXPECT_STATUS(s.via_current, WEFT_STATUS_JOIN_CURRENT);
    EXPECT_STATUS(s.via_current_timed, WEFT_STATUS_JOIN_CURRENT);
    weft_thread_free(t);

    /* The main thread: running, not weft's to start, join or reconfigure. */
    EXPECT(main_thread != NULL && weft_thread_is_alive(main_thread));
    EXPECT_STATUS(weft_thread_join(main_thread, FOREVER), WEFT_STATUS_JOIN_CURRENT);
    EXPECT_STATUS(weft_thread_start(main_thread), WEFT_STATUS_ALREADY_STARTED);
    EXPECT_STATUS(weft_thread_set_daemon(main_thread, true), WEFT_STATUS_DAEMON_AFTER_START);
    EXPECT_STATUS(weft_thread_set_stack_size(main_thread, 0), WEFT_STATUS_WRONG_STATE);
    EXPECT_STATUS(weft_thread_result(main_thread, &result), WEFT_STATUS_WRONG_STATE);
    EXPECT(result == &s);
    weft_thread_free(main_thread);

    /* A thread weft did not start (a Dummy-N), here after it has exited. */
    {
        pthread_t pt;
        void *dummy = NULL;
        char name[64];
        EXPECT(pthread_create(&pt, NULL, current_thread_of_pthread, NULL) == 0);
        EXPECT(pthread_join(pt, &dummy) == 0);
        EXPECT(dummy != NULL);
        EXPECT(strncmp(name_of((weft_thread *)dummy, name), "Dummy-", 6) == 0);
        EXPECT(weft_thread_is_daemon((weft_thread *)dummy));
        EXPECT(!weft_thread_is_alive((weft_thread *)dummy));
        EXPECT_STATUS(weft_thread_join((weft_thread *)dummy, FOREVER), WEFT_STATUS_WRONG_STATE);
        EXPECT_STATUS(weft_thread_start((weft_thread *)dummy), WEFT_STATUS_ALREADY_STARTED);
        EXPECT_STATUS(weft_thread_result((weft_thread *)dummy, &result),
                      WEFT_STATUS_WRONG_STATE);
        weft_thread_free((weft_thread *)dummy);
    }
}

/* ---- stack sizes -------------------------------------------------------------------------- */

static void stack_sizes(void) {
    size_t previous = 777;
    weft_thread *t;

    EXPECT(weft_stack_size_get() == 0);
    EXPECT_STATUS(weft_stack_size(1000, &previous), WEFT_STATUS_STACK_SIZE);
    EXPECT_STATUS(weft_stack_size(32767, &previous), WEFT_STATUS_STACK_SIZE);
    EXPECT(previous == 777 && weft_stack_size_get() == 0);
    EXPECT_STATUS(weft_stack_size(32768, &previous), WEFT_STATUS_OK);
    EXPECT(previous == 0 && weft_stack_size_get() == 32768);
    EXPECT_STATUS(weft_stack_size(1, NULL), WEFT_STATUS_STACK_SIZE);
    EXPECT(weft_stack_size_get() == 32768);
    EXPECT(run_in_thread(return_arg, &previous) == &previous); /* runs on a 32 KiB stack */

    /* A size no system can give: the start fails, and the thread can be started later. */
    EXPECT_STATUS(weft_stack_size(SIZE_MAX, &previous), WEFT_STATUS_OK);
    EXPECT(previous == 32768);
    EXPECT_STATUS(weft_thread_new(return_arg, &previous, NULL, &t), WEFT_STATUS_OK);
    EXPECT_STATUS(weft_thread_start(t), WEFT_STATUS_CANT_START_THREAD);
    EXPECT(!weft_thread_is_alive(t));
    EXPECT_STATUS(weft_thread_join(t, 0.0), WEFT_STATUS_NOT_STARTED);
    EXPECT_STATUS(weft_stack_size(0, &previous), WEFT_STATUS_OK);
    EXPECT(previous == SIZE_MAX && weft_stack_size_get() == 0);

    EXPECT_STATUS(weft_thread_set_stack_size(t, 1000), WEFT_STATUS_STACK_SIZE);
    EXPECT_STATUS(weft_thread_set_stack_size(t, 32767), WEFT_STATUS_STACK_SIZE);
    EXPECT_STATUS(weft_thread_set_stack_size(t, SIZE_MAX - 4095), WEFT_STATUS_OK);
    EXPECT_STATUS(weft_thread_start(t), WEFT_STATUS_CANT_START_THREAD);
    EXPECT_STATUS(weft_thread_set_stack_size(t, 32768), WEFT_STATUS_OK);
    EXPECT_STATUS(weft_thread_start(t), WEFT_STATUS_OK);
    EXPECT_STATUS(weft_thread_set_stack_size(t, 65536), WEFT_STATUS_WRONG_STATE);
    EXPECT_STATUS(weft_thread_join(t, FOREVER), WEFT_STATUS_OK);
    weft_thread_free(t);
}

/* ---- timeouts: every function that takes one ---------------------------------------------- */

/* The objects the adapters below act on. */
static weft_lock *t_lock;
static weft_rlock *t_rlock;
static weft_thread *t_thread;
static size_t t_remaining;

static weft_status lock_acquire_for(double s) {
    return weft_lock_acquire(t_lock, true, s);
}
static weft_status rlock_acquire_for(double s) {
    return weft_rlock_acquire(t_rlock, true, s);
}
static weft_status thread_join_for(double s) {
    return weft_thread_join(t_thread, s);
}
static weft_status shutdown_for(double s) {
    return weft_shutdown(s, &t_remaining);
}

/* Holds t_rlock, reports it through `ready` (held by main), then waits for `gate`. */
struct holder {
    weft_lock *ready;
    weft_lock *gate;
};

static void *hold_rlock(void *arg) {
    struct holder *h = (struct holder *)arg;
    weft_status got = weft_rlock_acquire(t_rlock, true, FOREVER);
    weft_lock_release(h->ready);
    if (got == WEFT_STATUS_OK) {
        got = weft_lock_acquire(h->gate, true, FOREVER);
        weft_lock_release(h->gate);
    }
    if (got == WEFT_STATUS_OK) {
        got = weft_rlock_release(t_rlock);
    }
    return status_ptr(got);
}

static void timeouts(void) {
    struct holder h;
    void *result = NULL;

    /* Lock: unlocked, so a bad timeout wrongly accepted would take it. */
    EXPECT_STATUS(weft_lock_new(&t_lock), WEFT_STATUS_OK);
    check_bad_timeouts(lock_acquire_for, "weft_lock_acquire");
    EXPECT(!weft_lock_locked(t_lock));
    EXPECT_STATUS(lock_acquire_for(WEFT_TIMEOUT_MAX), WEFT_STATUS_OK);
    EXPECT_STATUS(lock_acquire_for(0.0), WEFT_STATUS_TIMEOUT); /* held: 0.0 does not wait */
    check_bad_timeouts(lock_acquire_for, "weft_lock_acquire (held)");
    EXPECT_STATUS(weft_lock_release(t_lock), WEFT_STATUS_OK);
    EXPECT_STATUS(lock_acquire_for(0.0), WEFT_STATUS_OK);
    EXPECT_STATUS(weft_lock_release(t_lock), WEFT_STATUS_OK);

    /* RLock: likewise, then held by another thread. */
    EXPECT_STATUS(weft_rlock_new(&t_rlock), WEFT_STATUS_OK);
    check_bad_timeouts(rlock_acquire_for, "weft_rlock_acquire");
    EXPECT(!weft_rlock_locked(t_rlock));
    EXPECT_STATUS(rlock_acquire_for(WEFT_TIMEOUT_MAX), WEFT_STATUS_OK);
    EXPECT_STATUS(rlock_acquire_for(0.0), WEFT_STATUS_OK); /* ours: one more level */
    EXPECT(weft_rlock_recursion_count(t_rlock) == 2);
    EXPECT_STATUS(weft_rlock_release(t_rlock), WEFT_STATUS_OK);
    EXPECT_STATUS(weft_rlock_release(t_rlock), WEFT_STATUS_OK);

    EXPECT_STATUS(weft_lock_new(&h.ready), WEFT_STATUS_OK);
    EXPECT_STATUS(weft_lock_new(&h.gate), WEFT_STATUS_OK);
    EXPECT_STATUS(weft_lock_acquire(h.ready, true, FOREVER), WEFT_STATUS_OK);
    EXPECT_STATUS(weft_lock_acquire(h.gate, true, FOREVER), WEFT_STATUS_OK);
    EXPECT_STATUS(weft_thread_new(hold_rlock, &h, NULL, &t_thread), WEFT_STATUS_OK);
    EXPECT_STATUS(weft_thread_start(t_thread), WEFT_STATUS_OK);
    EXPECT_STATUS(weft_lock_acquire(h.ready, true, FOREVER), WEFT_STATUS_OK);

    /* The holder owns t_rlock and waits for the gate. */
    EXPECT_STATUS(rlock_acquire_for(0.0), WEFT_STATUS_TIMEOUT);
    check_bad_timeouts(rlock_acquire_for, "weft_rlock_acquire (held elsewhere)");
    EXPECT_STATUS(weft_rlock_release(t_rlock), WEFT_STATUS_NOT_OWNER);
    EXPECT(weft_rlock_locked(t_rlock) && !weft_rlock_is_owned(t_rlock));
    EXPECT(weft_rlock_recursion_count(t_rlock) == 0);

    EXPECT_STATUS(thread_join_for(0.0), WEFT_STATUS_TIMEOUT);
    EXPECT(weft_thread_is_alive(t_thread));
    check_bad_timeouts(thread_join_for, "weft_thread_join (running)");

    t_remaining = 777;
    check_bad_timeouts(shutdown_for, "weft_shutdown (one thread running)");
    EXPECT(t_remaining == 777);
    EXPECT_STATUS(shutdown_for(0.0), WEFT_STATUS_TIMEOUT);
    EXPECT(t_remaining == 1);

    EXPECT_STATUS(weft_lock_release(h.gate), WEFT_STATUS_OK);
    EXPECT_STATUS(thread_join_for(WEFT_TIMEOUT_MAX), WEFT_STATUS_OK);
    EXPECT_STATUS(weft_thread_result(t_thread, &result), WEFT_STATUS_OK);
    EXPECT_STATUS((intptr_t)result, WEFT_STATUS_OK);
    check_bad_timeouts(thread_join_for, "weft_thread_join (finished)");
    EXPECT_STATUS(thread_join_for(0.0), WEFT_STATUS_OK);

    /* Nothing left running: a bad timeout must not be taken for "no wait needed". */
    t_remaining = 777;
    check_bad_timeouts(shutdown_for, "weft_shutdown (none running)");
    EXPECT(t_remaining == 777);
    EXPECT_STATUS(shutdown_for(WEFT_TIMEOUT_MAX), WEFT_STATUS_OK);
    EXPECT(t_remaining == 0);
    t_remaining = 777;
    EXPECT_STATUS(shutdown_for(0.0), WEFT_STATUS_OK);
    EXPECT(t_remaining == 0);

    weft_thread_free(t_thread);
    weft_lock_free(h.ready);
    weft_lock_free(h.gate);
    weft_lock_free(t_lock);
    weft_rlock_free(t_rlock);
}

/* ---- names ---------------------------------------------------------------------------------- */

static void names(void) {
    /* "a€😀": 1 + 3 + 4 bytes; character boundaries at 0, 1, 4 and 8. */
    static const char name[] = "a\xe2\x82\xac\xf0\x9f\x98\x80";
    static const char *const invalid[] = {
        "\xff",             /* never valid */
        "ab\xc3",           /* cut inside a character */
        "\xc0\xaf",         /* overlong '/' */
        "\xed\xa0\x80",     /* a UTF-16 surrogate */
        "\xf4\x90\x80\x80", /* above U+10FFFF */
    };
    weft_thread *t;
    char buf[16];
    char what[64];
    size_t len;
    size_t size;
    size_t i;

    EXPECT_STATUS(weft_thread_new(return_arg, NULL, NULL, &t), WEFT_STATUS_OK);
    EXPECT_STATUS(weft_thread_set_name(t, name), WEFT_STATUS_OK);

    for (size = 1; size <= 10; size++) {
        size_t want = size > 8 ? 8 : size > 4 ? 4 : size > 1 ? 1 : 0;
        memset(buf, 'X', sizeof buf);
        len = 0;
        snprintf(what, sizeof what, "weft_thread_get_name size %zu", size);
        check_status(weft_thread_get_name(t, buf, size, &len), WEFT_STATUS_OK, what, __LINE__);
        check_record(len == 8, what, __LINE__);
        check_record(memcmp(buf, name, want) == 0 && buf[want] == '\0', what, __LINE__);
        check_record(buf[want + 1] == 'X', what, __LINE__); /* nothing past the NUL */
    }
    memset(buf, 'X', sizeof buf);
    len = 0;
    EXPECT_STATUS(weft_thread_get_name(t, NULL, 0, &len), WEFT_STATUS_OK);
    EXPECT(len == 8);
    len = 0;
    EXPECT_STATUS(weft_thread_get_name(t, buf, 0, &len), WEFT_STATUS_OK);
    EXPECT(len == 8 && buf[0] == 'X');
    EXPECT_STATUS(weft_thread_get_name(t, buf, sizeof buf, NULL), WEFT_STATUS_OK);
    EXPECT(strcmp(buf, name) == 0);
    len = 777;
    EXPECT_STATUS(weft_thread_get_name(t, NULL, 4, &len), WEFT_STATUS_NULL_ARGUMENT);
    EXPECT(len == 777);

    /* Invalid names are refused and the name stays as it was. */
    for (i = 0; i < sizeof invalid / sizeof invalid[0]; i++) {
        snprintf(what, sizeof what, "weft_thread_set_name(invalid[%zu])", i);
        check_status(weft_thread_set_name(t, invalid[i]), WEFT_STATUS_INVALID_UTF8, what,
                     __LINE__);
    }
    EXPECT_STATUS(weft_thread_set_name(t, NULL), WEFT_STATUS_NULL_ARGUMENT);
    EXPECT_STATUS(weft_thread_get_name(t, buf, sizeof buf, NULL), WEFT_STATUS_OK);
    EXPECT(strcmp(buf, name) == 0);

    /* The empty name is a name. */
    EXPECT_STATUS(weft_thread_set_name(t, ""), WEFT_STATUS_OK);
    len = 777;
    EXPECT_STATUS(weft_thread_get_name(t, buf, sizeof buf, &len), WEFT_STATUS_OK);
    EXPECT(len == 0 && buf[0] == '\0');

    weft_thread_free(t);

    /* Named from the start: refused like set_name, nothing made, arg_free not called. */
    {
        int freed = 0;
        t = (weft_thread *)&freed; /* a sentinel that must stay */
        for (i = 0; i < sizeof invalid / sizeof invalid[0]; i++) {
            snprintf(what, sizeof what, "weft_thread_new_named(invalid[%zu])", i);
            check_status(weft_thread_new_named(return_arg, &freed, count_free, invalid[i], &t),
                         WEFT_STATUS_INVALID_UTF8, what, __LINE__);
        }
        EXPECT_STATUS(weft_thread_new_named(NULL, &freed, count_free, name, &t),
                      WEFT_STATUS_NULL_ARGUMENT);
        EXPECT_STATUS(weft_thread_new_named(return_arg, &freed, count_free, name, NULL),
                      WEFT_STATUS_NULL_ARGUMENT);
        EXPECT(t == (weft_thread *)&freed && freed == 0);
        EXPECT_STATUS(weft_thread_new_named(return_arg, &freed, count_free, NULL, &t),
                      WEFT_STATUS_OK);
        EXPECT_STATUS(weft_thread_get_name(t, buf, sizeof buf, NULL), WEFT_STATUS_OK);
        EXPECT(strncmp(buf, "Thread-", 7) == 0);
        weft_thread_free(t);
        EXPECT(freed == 1);
    }
}

int main(void) {
    null_out_parameters(); /* first: it checks that the first thread is named Thread-1 */
    status_messages();
    version();
    null_handles();
    wrong_type_handles();
    lock_misuse();
    rlock_misuse();
    thread_misuse();
    stack_sizes();
    timeouts();
    names();
    return check_summary();
}
