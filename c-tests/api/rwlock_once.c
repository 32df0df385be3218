/*
 * weft_rwlock and weft_once from C: every status of every call (bad input included: NULL and
 * wrong handles, NULL callbacks, every invalid timeout), holds belonging to their thread, no
 * upgrade, and a once's initializer run exactly once across threads: again after it fails, and
 * again after its thread ends itself with pthread_exit() in the middle of it. Threads are
 * ordered with weft's own objects, never with sleeps.
 */
#define _POSIX_C_SOURCE 200809L
#include <pthread.h>
#include <stdbool.h>

#include "check.h"

#define FOREVER WEFT_TIMEOUT_FOREVER

static weft_rwlock *shared_rwlock;

static weft_status read_timeout(double seconds) {
    return weft_rwlock_acquire_read(shared_rwlock, true, seconds);
}

static weft_status write_timeout(double seconds) {
    return weft_rwlock_acquire_write(shared_rwlock, true, seconds);
}

/* In another thread: the caller holds a read lock. */
static void *other_reader(void *arg) {
    weft_rwlock *rw = (weft_rwlock *)arg;
    EXPECT_STATUS(weft_rwlock_release_read(rw), WEFT_STATUS_NOT_OWNER);
    EXPECT_STATUS(weft_rwlock_acquire_read(rw, false, FOREVER), WEFT_STATUS_OK);
    EXPECT_STATUS(weft_rwlock_acquire_write(rw, false, FOREVER), WEFT_STATUS_DEADLOCK);
    EXPECT_STATUS(weft_rwlock_release_read(rw), WEFT_STATUS_OK);
    return status_ptr(weft_rwlock_acquire_write(rw, true, 0.01));
}

/* In another thread: the caller holds the write lock. */
static void *other_writer(void *arg) {
    weft_rwlock *rw = (weft_rwlock *)arg;
    EXPECT_STATUS(weft_rwlock_release_write(rw), WEFT_STATUS_NOT_OWNER);
    EXPECT_STATUS(weft_rwlock_acquire_write(rw, false, FOREVER), WEFT_STATUS_TIMEOUT);
    return status_ptr(weft_rwlock_acquire_read(rw, true, 0.01));
}

static void rwlock_statuses(void) {
    weft_rwlock *rw = NULL;
    weft_lock *lock = NULL;
    EXPECT_STATUS(weft_rwlock_new(NULL), WEFT_STATUS_NULL_ARGUMENT);
    EXPECT_STATUS(weft_rwlock_new(&rw), WEFT_STATUS_OK);
    EXPECT_STATUS(weft_lock_new(&lock), WEFT_STATUS_OK);
    shared_rwlock = rw;

    /* NULL and wrong handles. */
    EXPECT_STATUS(weft_rwlock_acquire_read(NULL, true, FOREVER), WEFT_STATUS_NULL_ARGUMENT);
    EXPECT_STATUS(weft_rwlock_acquire_write(NULL, true, FOREVER), WEFT_STATUS_NULL_ARGUMENT);
    EXPECT_STATUS(weft_rwlock_release_read(NULL), WEFT_STATUS_NULL_ARGUMENT);
    EXPECT_STATUS(weft_rwlock_release_write(NULL), WEFT_STATUS_NULL_ARGUMENT);
    EXPECT(weft_rwlock_clone(NULL) == NULL);
    weft_rwlock_free(NULL);
    weft_rwlock *wrong = (weft_rwlock *)(void *)lock;
    EXPECT_STATUS(weft_rwlock_acquire_read(wrong, true, FOREVER), WEFT_STATUS_WRONG_HANDLE);
    EXPECT_STATUS(weft_rwlock_acquire_write(wrong, true, FOREVER), WEFT_STATUS_WRONG_HANDLE);
    EXPECT_STATUS(weft_rwlock_release_read(wrong), WEFT_STATUS_WRONG_HANDLE);
    EXPECT_STATUS(weft_rwlock_release_write(wrong), WEFT_STATUS_WRONG_HANDLE);
    EXPECT(weft_rwlock_clone(wrong) == NULL);
    weft_rwlock_free(wrong); /* ignored */
    EXPECT_STATUS(weft_lock_acquire((weft_lock *)(void *)rw, false, FOREVER),
                  WEFT_STATUS_WRONG_HANDLE);
    EXPECT(!weft_lock_locked(lock));

    /* Timeouts: the rule, and the non-blocking form. */
    check_bad_timeouts(read_timeout, "weft_rwlock_acquire_read");
    check_bad_timeouts(write_timeout, "weft_rwlock_acquire_write");
    EXPECT_STATUS(weft_rwlock_acquire_read(rw, false, 1.0), WEFT_STATUS_NONBLOCKING_TIMEOUT);
    EXPECT_STATUS(weft_rwlock_acquire_write(rw, false, 1.0), WEFT_STATUS_NONBLOCKING_TIMEOUT);

    /* Releases of holds the caller does not have. */
    EXPECT_STATUS(weft_rwlock_release_read(rw), WEFT_STATUS_NOT_OWNER);
    EXPECT_STATUS(weft_rwlock_release_write(rw), WEFT_STATUS_NOT_OWNER);

    /* Read holds: shared, reentrant, not upgradable, owned by their thread. */
    EXPECT_STATUS(weft_rwlock_acquire_read(rw, true, FOREVER), WEFT_STATUS_OK);
    EXPECT_STATUS(weft_rwlock_acquire_read(rw, false, FOREVER), WEFT_STATUS_OK);
    EXPECT_STATUS(weft_rwlock_acquire_write(rw, true, FOREVER), WEFT_STATUS_DEADLOCK);
    EXPECT_STATUS(weft_rwlock_release_write(rw), WEFT_STATUS_NOT_OWNER);
    EXPECT(run_in_thread(other_reader, rw) == status_ptr(WEFT_STATUS_TIMEOUT));
    EXPECT_STATUS(weft_rwlock_release_read(rw), WEFT_STATUS_OK);
    EXPECT_STATUS(weft_rwlock_release_read(rw), WEFT_STATUS_OK);
    EXPECT_STATUS(weft_rwlock_release_read(rw), WEFT_STATUS_NOT_OWNER);

    /* The write hold: exclusive, not reentrant, owned by its thread. */
    EXPECT_STATUS(weft_rwlock_acquire_write(rw, true, 0.0), WEFT_STATUS_OK);
    EXPECT_STATUS(weft_rwlock_acquire_write(rw, true, FOREVER), WEFT_STATUS_DEADLOCK);
    EXPECT_STATUS(weft_rwlock_acquire_read(rw, true, FOREVER), WEFT_STATUS_DEADLOCK);
    EXPECT(run_in_thread(other_writer, rw) == status_ptr(WEFT_STATUS_TIMEOUT));
    weft_rwlock *again = weft_rwlock_clone(rw);
    EXPECT(again == rw);
    weft_rwlock_free(again);
    EXPECT_STATUS(weft_rwlock_release_write(rw), WEFT_STATUS_OK);
    EXPECT_STATUS(weft_rwlock_release_write(rw), WEFT_STATUS_NOT_OWNER);
    EXPECT_STATUS(weft_rwlock_acquire_read(rw, false, FOREVER), WEFT_STATUS_OK);
    EXPECT_STATUS(weft_rwlock_release_read(rw), WEFT_STATUS_OK);

    weft_lock_free(lock);
    weft_rwlock_free(rw);
}

/* ---- once ------------------------------------------------------------------------------------ */

static weft_once once_static = WEFT_ONCE_INIT;

struct init_state {
    int runs;
    int fail_first; /* initializers that fail before one succeeds */
    int exit_first; /* initializers that end their thread before one succeeds */
};

static int counting_init(void *arg) {
    struct init_state *s = (struct init_state *)arg;
    s->runs++;
    if (s->exit_first > 0) {
        s->exit_first--;
        pthread_exit(NULL);
    }
    if (s->fail_first > 0) {
        s->fail_first--;
        return -1;
    }
    return 0;
}

static void *call_once_static(void *arg) {
    return status_ptr(weft_once_call(&once_static, counting_init, arg));
}

static void once_statuses(void) {
    weft_once once = WEFT_ONCE_INIT;
    struct init_state s = {0, 2, 0};
    EXPECT_STATUS(weft_once_call(NULL, counting_init, &s), WEFT_STATUS_NULL_ARGUMENT);
    EXPECT_STATUS(weft_once_call(&once, NULL, &s), WEFT_STATUS_NULL_ARGUMENT);
    EXPECT(!weft_once_done(NULL));
    EXPECT(s.runs == 0);
    /* Failures leave it not done: each call runs the initializer again. */
    EXPECT_STATUS(weft_once_call(&once, counting_init, &s), WEFT_STATUS_TASK_FAILED);
    EXPECT(!weft_once_done(&once));
    EXPECT_STATUS(weft_once_call(&once, counting_init, &s), WEFT_STATUS_TASK_FAILED);
    EXPECT_STATUS(weft_once_call(&once, counting_init, &s), WEFT_STATUS_OK);
    EXPECT(s.runs == 3 && weft_once_done(&once));
    EXPECT_STATUS(weft_once_call(&once, counting_init, &s), WEFT_STATUS_OK);
    EXPECT(s.runs == 3);
}

/* An initializer whose thread ends in the middle (pthread_exit) gives its turn back. */
static void once_thread_exit(void) {
    struct init_state s = {0, 0, 1};
    weft_thread *t = NULL;
    EXPECT_STATUS(weft_thread_new(call_once_static, &s, NULL, &t), WEFT_STATUS_OK);
    EXPECT_STATUS(weft_thread_start(t), WEFT_STATUS_OK);
    EXPECT_STATUS(weft_thread_join(t, FOREVER), WEFT_STATUS_OK);
    weft_thread_free(t);
    EXPECT(s.runs == 1 && !weft_once_done(&once_static));
    EXPECT(call_once_static(&s) == status_ptr(WEFT_STATUS_OK));
    EXPECT(s.runs == 2 && weft_once_done(&once_static));
}

/* Many threads, one run. */
static int slow_runs;
static weft_once once_many = WEFT_ONCE_INIT;

static int slow_init(void *arg) {
    (void)arg;
    slow_runs++;
    for (volatile int i = 0; i < 100000; i++) {
    }
    return 0;
}

static void *call_many(void *arg) {
    (void)arg;
    weft_status status = weft_once_call(&once_many, slow_init, NULL);
    return status_ptr(status == WEFT_STATUS_OK && slow_runs == 1 ? WEFT_STATUS_OK
                                                                 : WEFT_STATUS_WRONG_STATE);
}

static void once_many_threads(void) {
    weft_thread *threads[8];
    for (int i = 0; i < 8; i++) {
        EXPECT_STATUS(weft_thread_new(call_many, NULL, NULL, &threads[i]), WEFT_STATUS_OK);
        EXPECT_STATUS(weft_thread_start(threads[i]), WEFT_STATUS_OK);
    }
    for (int i = 0; i < 8; i++) {
        void *result = NULL;
        EXPECT_STATUS(weft_thread_join(threads[i], FOREVER), WEFT_STATUS_OK);
        EXPECT_STATUS(weft_thread_result(threads[i], &result), WEFT_STATUS_OK);
        EXPECT(result == status_ptr(WEFT_STATUS_OK));
        weft_thread_free(threads[i]);
    }
    EXPECT(slow_runs == 1);
}

int main(void) {
    rwlock_statuses();
    once_statuses();
    once_thread_exit();
    once_many_threads();
    return check_summary();
}
