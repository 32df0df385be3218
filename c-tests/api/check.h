/*
 * A tiny self-checking harness for the programs in c-tests/api/, usable from C (C99 and later)
 * and C++. A failed check prints "FAIL" with its line and what it checked; check_summary()
 * prints "N passed, M failed" alone on a line and returns the exit status (nonzero if any
 * check failed).
 *
 * EXPECT_STATUS(call, status) checks both the status a call returns and the message
 * weft_status_str gives for it, against expected_message(), the messages written out here
 * independently of the library (CPython's words where CPython has them).
 *
 * Also the helpers the bad-input programs share: check_bad_timeouts() (every invalid timeout),
 * count_free() (an arg_free that counts), heap_in_use() (did a call allocate?), status_ptr()
 * and run_in_thread() (a status reported from another thread).
 */
#ifndef WEFT_CHECK_H
#define WEFT_CHECK_H

#include <malloc.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "weft.h"

static int check_passed_;
static int check_failed_;

/* The message each status must have; NULL past the last known status. */
static inline const char *expected_message(int status) {
    static const char *const messages[] = {
        "ok",
        "timed out",
        "a required pointer argument is NULL",
        "the handle is not of the expected type, or was already freed",
        "internal error: a Rust panic was caught at the weft API boundary",
        "invalid argument",
        "string is not valid UTF-8",
        "timeout value must be positive",
        "timeout value is too large",
        "can't specify a timeout for a non-blocking call",
        "Internal lock count overflowed",
        "release unlocked lock",
        "cannot release un-acquired lock",
        "threads can only be started once",
        "cannot join thread before it is started",
        "cannot join current thread",
        "cannot set daemon status of active thread",
        "can't start new thread",
        "size not valid: must be 0 or at least 32768 bytes",
        "operation not valid in the object's current state",
        "cannot wait on un-acquired lock",
        "cannot notify on un-acquired lock",
        "semaphore initial value must be >= 0",
        "n must be one or more",
        "Semaphore released too many times",
        "broken barrier",
        "parties must be > 0",
        "queue is empty",
        "queue is full",
        "queue is shut down",
        "task_done() called too many times",
        "cannot schedule new futures after shutdown",
        "A thread initializer failed, the thread pool is not usable anymore",
        "the future was cancelled",
        "the task failed",
        "max_workers must be greater than 0",
        "interrupted",
        "resource deadlock avoided: the calling thread already holds the lock",
        "FINISHED: <Future state=finished>",
        "CANCELLED: <Future state=cancelled>",
        "the object was in use by another thread when the process forked",
    };
    if (status < 0 || (size_t)status >= sizeof messages / sizeof messages[0]) {
        return NULL;
    }
    return messages[status];
}

/* Records one check; `what` and `line` say which on failure. Returns `ok`. */
static inline int check_record(int ok, const char *what, int line) {
    /* Atomic: the programs also check from their own threads (ThreadSanitizer saw the race). */
    if (ok) {
        __atomic_fetch_add(&check_passed_, 1, __ATOMIC_RELAXED);
    } else {
        __atomic_fetch_add(&check_failed_, 1, __ATOMIC_RELAXED);
        printf("FAIL line %d: %s\n", line, what);
    }
    return ok;
}

/* Checks a status and its message. */
static inline void check_status(int got, int want, const char *call, int line) {
    const char *got_msg = weft_status_str(got);
    const char *want_msg = expected_message(want);
    int ok = got == want && got_msg != NULL && want_msg != NULL && strcmp(got_msg, want_msg) == 0;
    if (check_record(ok, call, line)) {
        return;
    }
    printf("    got  %d \"%s\"\n    want %d \"%s\"\n", got, got_msg ? got_msg : "(NULL)", want,
           want_msg ? want_msg : "(no expected message)");
}

/* The call returns `status`, whose message is expected_message(status). */
#define EXPECT_STATUS(call, status) check_status((int)(call), (int)(status), #call, __LINE__)

/* A condition that must hold. */
#define EXPECT(cond) ((void)check_record((cond) ? 1 : 0, #cond, __LINE__))

/* NaN, negative and too-large timeouts are refused before anything happens: `call(seconds)`
 * must return the status each gets. `name` says which call on failure. */
static inline void check_bad_timeouts(weft_status (*call)(double), const char *name) {
    static const struct {
        double seconds;
        weft_status status;
    } cases[] = {
        {NAN, WEFT_STATUS_INVALID_TIMEOUT},
        {-0.5, WEFT_STATUS_INVALID_TIMEOUT},
        {-2.0, WEFT_STATUS_INVALID_TIMEOUT},
        {-INFINITY, WEFT_STATUS_INVALID_TIMEOUT},
        {INFINITY, WEFT_STATUS_TIMEOUT_TOO_LARGE},
        {WEFT_TIMEOUT_MAX * 2, WEFT_STATUS_TIMEOUT_TOO_LARGE},
    };
    char what[128];
    size_t i;
    for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        snprintf(what, sizeof what, "%s(timeout=%g)", name, cases[i].seconds);
        check_status(call(cases[i].seconds), cases[i].status, what, __LINE__);
    }
}

/* An arg_free (or any callback of one pointer) counting its calls in the int `arg` points to. */
static inline void count_free(void *arg) {
    (*(int *)arg)++;
}

/* Bytes the C heap (glibc's malloc, which Rust uses too) has handed out: unchanged across a
 * call means the call allocated nothing (measure only while no other thread runs). Always 0
 * under valgrind, whose malloc glibc cannot see: valgrind checks the heap itself. */
static inline size_t heap_in_use(void) {
    return mallinfo2().uordblks;
}

/* A status carried as a thread's result. */
static inline void *status_ptr(weft_status status) {
    return (void *)(intptr_t)status;
}

/* Starts `fn(arg)` in a new thread, joins it and returns its result. */
static inline void *run_in_thread(weft_thread_fn fn, void *arg) {
    weft_thread *t = NULL;
    void *result = NULL;
    EXPECT_STATUS(weft_thread_new(fn, arg, NULL, &t), WEFT_STATUS_OK);
    EXPECT_STATUS(weft_thread_start(t), WEFT_STATUS_OK);
    EXPECT_STATUS(weft_thread_join(t, WEFT_TIMEOUT_FOREVER), WEFT_STATUS_OK);
    EXPECT_STATUS(weft_thread_result(t, &result), WEFT_STATUS_OK);
    weft_thread_free(t);
    return result;
}

/* Prints "N passed, M failed" and returns the process's exit status. */
static inline int check_summary(void) {
    printf("%d passed, %d failed\n", check_passed_, check_failed_);
    return check_failed_ > 0 ? 1 : 0;
}

#endif
