/*
 * Thread creation refused by the OS is reported as WEFT_STATUS_CANT_START_THREAD ("can't start
 * new thread") wherever weft creates a thread, and nothing is lost or half-done: here the
 * process-wide stack size (weft_stack_size) is set larger than the address space, so every
 * thread weft creates is refused, then reset.
 *
 * 1. a thread: refused, not alive, not enumerated; starts once resources are back;
 * 2. a Timer (started with weft_thread_start): refused without calling its function or freeing
 *    its argument; starts and fires later; a timer never started frees its argument when its
 *    handle is freed;
 * 3. a pool whose submit needs a new worker: the task is refused (no future, argument not
 *    freed, no worker left behind) and the pool stays usable; a submit that needs no new worker
 *    (an idle one, or max_workers running) is accepted even while threads are refused.
 *
 * Prints "N passed, N failed".
 */
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "weft.h"

static int passed, failed;

#define EXPECT(cond)                                                                       \
    do {                                                                                   \
        if (cond) {                                                                        \
            passed++;                                                                      \
        } else {                                                                           \
            failed++;                                                                      \
            fprintf(stderr, "%s:%d: expected %s\n", __FILE__, __LINE__, #cond);            \
        }                                                                                  \
    } while (0)

/* Counts arg_free calls, made from weft's threads. */
static atomic_int frees;
static void count_free(void *arg) {
    (void)arg;
    atomic_fetch_add(&frees, 1);
}

static void refuse_threads(void) { EXPECT(weft_stack_size(SIZE_MAX / 2, NULL) == WEFT_STATUS_OK); }
static void allow_threads(void) { EXPECT(weft_stack_size(0, NULL) == WEFT_STATUS_OK); }

static void *return_arg(void *arg) { return arg; }

static void thread_start_is_refused(void) {
    size_t previous = 1;
    EXPECT(weft_stack_size(SIZE_MAX / 2, &previous) == WEFT_STATUS_OK && previous == 0);

    weft_thread *t;
    EXPECT(weft_thread_new(return_arg, &passed, NULL, &t) == WEFT_STATUS_OK);
    weft_status status = weft_thread_start(t);
    EXPECT(status == WEFT_STATUS_CANT_START_THREAD);
    EXPECT(strcmp(weft_status_str((int)status), "can't start new thread") == 0);
    EXPECT(!weft_thread_is_alive(t));
    EXPECT(weft_thread_join(t, 0.0) == WEFT_STATUS_NOT_STARTED);
    EXPECT(weft_active_count() == 1);

    /* Resources are back: the same thread starts. */
    allow_threads();
    EXPECT(weft_thread_start(t) == WEFT_STATUS_OK);
    EXPECT(weft_thread_join(t, WEFT_TIMEOUT_FOREVER) == WEFT_STATUS_OK);
    void *result = NULL;
    EXPECT(weft_thread_result(t, &result) == WEFT_STATUS_OK && result == &passed);
    weft_thread_free(t);
}

static atomic_int fired;
static void *fire(void *arg) {
    atomic_fetch_add(&fired, 1);
    return arg;
}

static void timer_start_is_refused(void) {
    atomic_store(&frees, 0);
    weft_thread *timer;
    EXPECT(weft_timer_new(0.0, fire, &passed, count_free, &timer) == WEFT_STATUS_OK);
    refuse_threads();
    EXPECT(weft_thread_start(timer) == WEFT_STATUS_CANT_START_THREAD);
    EXPECT(!weft_thread_is_alive(timer));
    EXPECT(weft_thread_join(timer, 0.0) == WEFT_STATUS_NOT_STARTED);
    EXPECT(weft_active_count() == 1);
    EXPECT(atomic_load(&fired) == 0 && atomic_load(&frees) == 0);

    /* Resources are back: the same timer starts and fires, once. */
    allow_threads();
    EXPECT(weft_thread_start(timer) == WEFT_STATUS_OK);
    EXPECT(weft_thread_join(timer, WEFT_TIMEOUT_FOREVER) == WEFT_STATUS_OK);
    void *result = NULL;
    EXPECT(weft_thread_result(timer, &result) == WEFT_STATUS_OK && result == &passed);
    EXPECT(atomic_load(&fired) == 1 && atomic_load(&frees) == 1);
    weft_thread_free(timer);

    /* A timer refused and then dropped frees its argument with its last handle. */
    EXPECT(weft_timer_new(0.0, fire, &passed, count_free, &timer) == WEFT_STATUS_OK);
    refuse_threads();
    EXPECT(weft_thread_start(timer) == WEFT_STATUS_CANT_START_THREAD);
    allow_threads();
    weft_thread_free(timer);
    EXPECT(atomic_load(&fired) == 1 && atomic_load(&frees) == 2);
}

/* A task that waits for the event given as its argument, so that its worker stays busy. */
static int wait_for_event(void *arg, void **result_out) {
    *result_out = arg;
    return weft_event_wait(arg, WEFT_TIMEOUT_FOREVER) == WEFT_STATUS_OK ? 0 : 1;
}

static int return_task_arg(void *arg, void **result_out) {
    *result_out = arg;
    return 0;
}

static void pool_submit_is_refused(void) {
    atomic_store(&frees, 0);
    weft_pool *pool;
    EXPECT(weft_pool_new(2, "refused", NULL, NULL, NULL, &pool) == WEFT_STATUS_OK);

    /* No worker yet: the first submit needs one. */
    refuse_threads();
    weft_future *future = NULL;
    EXPECT(weft_pool_submit(pool, return_task_arg, &passed, count_free, &future) ==
           WEFT_STATUS_CANT_START_THREAD);
    EXPECT(future == NULL);
    EXPECT(weft_active_count() == 1);

    /* Resources are back: worker 0 starts and stays busy. */
    allow_threads();
    weft_event *release;
    EXPECT(weft_event_new(&release) == WEFT_STATUS_OK);
    weft_future *busy = NULL;
    EXPECT(weft_pool_submit(pool, wait_for_event, release, NULL, &busy) == WEFT_STATUS_OK);
    EXPECT(weft_active_count() == 2);

    /* No worker idle and fewer than max_workers running: the submit needs worker 1. */
    refuse_threads();
    EXPECT(weft_pool_submit(pool, return_task_arg, &passed, count_free, &future) ==
           WEFT_STATUS_CANT_START_THREAD);
    EXPECT(future == NULL);
    EXPECT(weft_active_count() == 2);
    EXPECT(atomic_load(&frees) == 0);

    allow_threads();
    EXPECT(weft_pool_submit(pool, return_task_arg, &passed, count_free, &future) ==
           WEFT_STATUS_OK);
    void *result = NULL;
    EXPECT(weft_future_result(future, WEFT_TIMEOUT_FOREVER, &result) == WEFT_STATUS_OK &&
           result == &passed);
    weft_future_free(future);

    /* max_workers run: a submit needs no new thread, and is accepted while threads are refused. */
    refuse_threads();
    future = NULL;
    EXPECT(weft_pool_submit(pool, return_task_arg, &frees, count_free, &future) ==
           WEFT_STATUS_OK);
    EXPECT(weft_event_set(release) == WEFT_STATUS_OK);
    EXPECT(weft_future_result(future, WEFT_TIMEOUT_FOREVER, &result) == WEFT_STATUS_OK &&
           result == &frees);
    EXPECT(weft_future_result(busy, WEFT_TIMEOUT_FOREVER, &result) == WEFT_STATUS_OK &&
           result == release);
    allow_threads();

    EXPECT(weft_pool_shutdown(pool, true, false) == WEFT_STATUS_OK);
    EXPECT(weft_active_count() == 1);
    EXPECT(atomic_load(&frees) == 2);
    weft_future_free(future);
    weft_future_free(busy);
    weft_event_free(release);
    weft_pool_free(pool);
}

int main(void) {
    thread_start_is_refused();
    timer_start_is_refused();
    pool_submit_is_refused();
    printf("%d passed, %d failed\n", passed, failed);
    return failed != 0;
}
