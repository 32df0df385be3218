/*
 * Bad input for the thread pool and futures of include/weft.h: NULL out-parameters and
 * callbacks (nothing scheduled, nothing called, no argument freed), every invalid timeout of
 * every call that takes one (with WEFT_TIMEOUT_MAX accepted and 0.0 not waiting), and each
 * misuse with CPython's message: submit after shutdown, a broken pool, the result of a cancelled,
 * failed or unfinished task, waiting on NULL arrays, no futures or an unknown return_when.
 * Tasks are ordered with events, never with sleeps. NULL and wrong-type handles are in
 * bad_input_handles.c.
 */
#define _POSIX_C_SOURCE 200809L
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "check.h"

#define FOREVER WEFT_TIMEOUT_FOREVER

/* ---- tasks ------------------------------------------------------------------------------------ */

/* A task and its arg_free, counting in the `struct calls` they are given; the task's result
 * is its arg. */
struct calls {
    int called;
    int freed;
};

static int count_task(void *arg, void **result_out) {
    ((struct calls *)arg)->called++;
    *result_out = arg;
    return 0;
}

static void count_task_free(void *arg) {
    ((struct calls *)arg)->freed++;
}

/* Fails with code 42. */
static int failing_task(void *arg, void **result_out) {
    (void)arg;
    *result_out = &result_out; /* ignored: the task failed */
    return 42;
}

/* Sets `started`, then waits for `go`. */
struct gate {
    weft_event *started;
    weft_event *go;
};

static int gated_task(void *arg, void **result_out) {
    struct gate *g = (struct gate *)arg;
    weft_event_set(g->started);
    *result_out = g;
    return weft_event_wait(g->go, FOREVER) == WEFT_STATUS_OK ? 0 : 1;
}

/* Shuts its own pool down, waiting: it cannot wait for itself. Its result is the status. */
static int shutdown_own_pool(void *pool, void **result_out) {
    *result_out = status_ptr(weft_pool_shutdown((weft_pool *)pool, true, false));
    return 0;
}

/* A worker initializer that fails, counting its calls in the int `arg` points to. */
static int failing_init(void *arg) {
    (*(int *)arg)++;
    return 1;
}

/* A done callback counting its calls in the int `arg` points to. */
static void count_callback(weft_future *future, void *arg) {
    (void)future;
    (*(int *)arg)++;
}

/* ---- the pool --------------------------------------------------------------------------------- */

static void pool_misuse(void) {
    weft_pool *pool = NULL;
    weft_pool *sentinel_pool = (weft_pool *)&pool;
    weft_pool *p = sentinel_pool;
    weft_future *sentinel_future = (weft_future *)&pool;
    weft_future *f = sentinel_future;
    int freed = 0;
    struct calls refused = {0, 0};
    struct calls ran = {0, 0};
    void *result = NULL;

    /* Creation refused: nothing made, init_arg not freed. */
    EXPECT_STATUS(weft_pool_new(1, NULL, failing_init, &freed, count_free, NULL),
                  WEFT_STATUS_NULL_ARGUMENT);
    EXPECT_STATUS(weft_pool_new(1, "\xff", failing_init, &freed, count_free, &p),
                  WEFT_STATUS_INVALID_UTF8);
    EXPECT_STATUS(weft_pool_new(1, "ab\xc3", NULL, &freed, count_free, &p),
                  WEFT_STATUS_INVALID_UTF8);
    EXPECT(p == sentinel_pool && freed == 0);

    /* 0 workers is the default, min(32, CPUs + 4). */
    EXPECT_STATUS(weft_pool_new(0, "", NULL, NULL, NULL, &pool), WEFT_STATUS_OK);
    EXPECT(weft_pool_max_workers(pool) >= 5 && weft_pool_max_workers(pool) <= 32);
    weft_pool_free(pool);

    /* One worker, so that tasks run in order. */
    EXPECT_STATUS(weft_pool_new(1, "misuse", NULL, NULL, NULL, &pool), WEFT_STATUS_OK);

    /* Submits refused: nothing scheduled, arg not freed, no future written. */
    EXPECT_STATUS(weft_pool_submit(pool, NULL, &refused, count_task_free, &f),
                  WEFT_STATUS_NULL_ARGUMENT);
    EXPECT_STATUS(weft_pool_submit(pool, count_task, &refused, count_task_free, NULL),
                  WEFT_STATUS_NULL_ARGUMENT);
    EXPECT(f == sentinel_future && refused.called == 0 && refused.freed == 0);

    /* A task run after them: had they been scheduled, they would have run first. */
    EXPECT_STATUS(weft_pool_submit(pool, count_task, &ran, count_task_free, &f), WEFT_STATUS_OK);
    EXPECT_STATUS(weft_future_result(f, FOREVER, &result), WEFT_STATUS_OK);
    EXPECT(result == &ran && ran.called == 1);
    EXPECT(refused.called == 0 && refused.freed == 0);
    weft_future_free(f);

    /* Shutting down from a worker, waiting: refused for the worker itself, and the pool is
     * shut down all the same. */
    EXPECT_STATUS(weft_pool_submit(pool, shutdown_own_pool, pool, NULL, &f), WEFT_STATUS_OK);
    EXPECT_STATUS(weft_future_result(f, FOREVER, &result), WEFT_STATUS_OK);
    EXPECT_STATUS((intptr_t)result, WEFT_STATUS_JOIN_CURRENT);
    weft_future_free(f);

    /* After shutdown: refused, nothing scheduled, arg not freed. */
    f = sentinel_future;
    EXPECT_STATUS(weft_pool_submit(pool, count_task, &refused, count_task_free, &f),
                  WEFT_STATUS_POOL_SHUT_DOWN);
    EXPECT_STATUS(weft_pool_shutdown(pool, true, false), WEFT_STATUS_OK);
    EXPECT_STATUS(weft_pool_shutdown(pool, true, true), WEFT_STATUS_OK); /* again */
    EXPECT_STATUS(weft_pool_submit(pool, count_task, &refused, count_task_free, &f),
                  WEFT_STATUS_POOL_SHUT_DOWN);
    EXPECT(f == sentinel_future);
    weft_pool_free(pool);
    EXPECT(refused.called == 0 && refused.freed == 0 && ran.called == 1 && ran.freed == 1);

    /* Without an initializer, init_arg is freed once the pool and its workers are gone. */
    EXPECT_STATUS(weft_pool_new(1, NULL, NULL, &freed, count_free, &pool), WEFT_STATUS_OK);
    EXPECT(freed == 0);
    weft_pool_free(pool); /* no worker was ever started */
    EXPECT(freed == 1);
}

static void broken_pool(void) {
    weft_pool *pool;
    weft_future *f;
    weft_future *sentinel_future = (weft_future *)&pool;
    weft_future *refused = sentinel_future;
    int inits = 0;
    struct calls never = {0, 0};
    struct calls refused_calls = {0, 0};
    int code = 777;
    void *result = &pool;

    EXPECT_STATUS(weft_pool_new(1, "broken", failing_init, &inits, NULL, &pool), WEFT_STATUS_OK);

    /* The first submit starts the worker, whose initializer fails: the task never runs. */
    EXPECT_STATUS(weft_pool_submit(pool, count_task, &never, count_task_free, &f), WEFT_STATUS_OK);
    EXPECT_STATUS(weft_future_result(f, FOREVER, &result), WEFT_STATUS_POOL_BROKEN);
    EXPECT_STATUS(weft_future_result(f, 0.0, &result), WEFT_STATUS_POOL_BROKEN);
    EXPECT_STATUS(weft_future_exception(f, FOREVER, &code), WEFT_STATUS_POOL_BROKEN);
    EXPECT(result == &pool && code == 777);
    EXPECT(weft_future_done(f) && !weft_future_cancelled(f) && !weft_future_cancel(f));
    {
        bool done = false;
        EXPECT_STATUS(weft_futures_wait(&f, 1, 0.0, WEFT_FIRST_EXCEPTION, &done), WEFT_STATUS_OK);
        EXPECT(done);
    }
    weft_future_free(f);

    /* Later submits are refused: nothing scheduled, arg not freed. */
    EXPECT_STATUS(weft_pool_submit(pool, count_task, &refused_calls, count_task_free, &refused),
                  WEFT_STATUS_POOL_BROKEN);
    EXPECT_STATUS(weft_pool_shutdown(pool, true, false), WEFT_STATUS_OK);
    EXPECT_STATUS(weft_pool_submit(pool, count_task, &refused_calls, count_task_free, &refused),
                  WEFT_STATUS_POOL_BROKEN);
    weft_pool_free(pool);
    EXPECT(refused == sentinel_future && refused_calls.called == 0 && refused_calls.freed == 0);
    /* The broken task never ran; its arg was freed when it was dropped. */
    EXPECT(never.called == 0 && never.freed == 1 && inits == 1);
}

/* ---- futures ---------------------------------------------------------------------------------- */

static weft_future *t_future;
static weft_future *t_futures[2];
static bool t_done[2];
static bool t_yielded[2];
static size_t t_index;
static void *t_result;
static int t_code;

static weft_status result_for(double s) {
    return weft_future_result(t_future, s, &t_result);
}
static weft_status exception_for(double s) {
    return weft_future_exception(t_future, s, &t_code);
}
static weft_status wait_for(double s) {
    return weft_futures_wait(t_futures, 2, s, WEFT_ALL_COMPLETED, t_done);
}
static weft_status wait_none_for(double s) {
    return weft_futures_wait(NULL, 0, s, WEFT_ALL_COMPLETED, NULL);
}
static weft_status as_completed_for(double s) {
    return weft_futures_as_completed(t_futures, 2, t_yielded, s, &t_index);
}

/* Nothing written by a refused call. */
static void reset_outs(void) {
    t_result = &t_result;
    t_code = 777;
    t_done[0] = t_done[1] = true;
    t_index = 777;
}
static bool outs_untouched(void) {
    return t_result == &t_result && t_code == 777 && t_done[0] && t_done[1] && t_index == 777;
}

/* The calls given NULL arrays, NULL elements, no futures or a bad return_when. */
static void bad_arrays(void) {
    weft_future *with_null[2];
    bool yielded[2] = {false, false};
    with_null[0] = t_futures[0];
    with_null[1] = NULL;

    reset_outs();
    EXPECT_STATUS(weft_futures_wait(NULL, 2, 0.0, WEFT_ALL_COMPLETED, t_done),
                  WEFT_STATUS_NULL_ARGUMENT);
    EXPECT_STATUS(weft_futures_wait(with_null, 2, 0.0, WEFT_ALL_COMPLETED, t_done),
                  WEFT_STATUS_NULL_ARGUMENT);
    EXPECT_STATUS(weft_futures_wait(t_futures, 2, 0.0, WEFT_ALL_COMPLETED, NULL),
                  WEFT_STATUS_NULL_ARGUMENT);
    EXPECT_STATUS(weft_futures_wait(t_futures, 2, 0.0, 3, t_done), WEFT_STATUS_INVALID_ARGUMENT);
    EXPECT_STATUS(weft_futures_wait(t_futures, 2, 0.0, -1, t_done), WEFT_STATUS_INVALID_ARGUMENT);
    EXPECT_STATUS(weft_futures_wait(t_futures, 2, FOREVER, 7, t_done),
                  WEFT_STATUS_INVALID_ARGUMENT);
    EXPECT(outs_untouched());

    /* No futures: returns at once, arrays unused; the other arguments are still checked. */
    EXPECT_STATUS(weft_futures_wait(NULL, 0, FOREVER, WEFT_ALL_COMPLETED, NULL), WEFT_STATUS_OK);
    EXPECT_STATUS(weft_futures_wait(NULL, 0, FOREVER, WEFT_FIRST_EXCEPTION, NULL),
                  WEFT_STATUS_OK);
    EXPECT_STATUS(weft_futures_wait(t_futures, 0, 0.0, WEFT_FIRST_COMPLETED, t_done),
                  WEFT_STATUS_OK);
    EXPECT_STATUS(weft_futures_wait(NULL, 0, FOREVER, 3, NULL), WEFT_STATUS_INVALID_ARGUMENT);
    check_bad_timeouts(wait_none_for, "weft_futures_wait (no futures)");
    EXPECT(outs_untouched());

    EXPECT_STATUS(weft_futures_as_completed(NULL, 2, yielded, 0.0, &t_index),
                  WEFT_STATUS_NULL_ARGUMENT);
    EXPECT_STATUS(weft_futures_as_completed(with_null, 2, yielded, 0.0, &t_index),
                  WEFT_STATUS_NULL_ARGUMENT);
    EXPECT_STATUS(weft_futures_as_completed(t_futures, 2, NULL, 0.0, &t_index),
                  WEFT_STATUS_NULL_ARGUMENT);
    EXPECT_STATUS(weft_futures_as_completed(t_futures, 2, yielded, 0.0, NULL),
                  WEFT_STATUS_NULL_ARGUMENT);
    /* No futures: the iteration is over before it starts. */
    EXPECT_STATUS(weft_futures_as_completed(NULL, 0, NULL, FOREVER, &t_index),
                  WEFT_STATUS_INVALID_ARGUMENT);
    EXPECT_STATUS(weft_futures_as_completed(t_futures, 0, yielded, 0.0, &t_index),
                  WEFT_STATUS_INVALID_ARGUMENT);
    EXPECT(!yielded[0] && !yielded[1] && outs_untouched());
}

static void futures(void) {
    weft_pool *pool;
    struct gate gate;
    struct calls cancelled = {0, 0};
    int callbacks = 0;

    EXPECT_STATUS(weft_event_new(&gate.started), WEFT_STATUS_OK);
    EXPECT_STATUS(weft_event_new(&gate.go), WEFT_STATUS_OK);
    EXPECT_STATUS(weft_pool_new(1, "futures", NULL, NULL, NULL, &pool), WEFT_STATUS_OK);

    /* t_futures[0] runs and waits for the gate; t_futures[1] waits in the queue behind it. */
    EXPECT_STATUS(weft_pool_submit(pool, gated_task, &gate, NULL, &t_futures[0]), WEFT_STATUS_OK);
    EXPECT_STATUS(weft_pool_submit(pool, count_task, &cancelled, count_task_free, &t_futures[1]),
                  WEFT_STATUS_OK);
    EXPECT_STATUS(weft_event_wait(gate.started, FOREVER), WEFT_STATUS_OK);
    EXPECT(weft_future_running(t_futures[0]) && !weft_future_done(t_futures[0]));
    EXPECT(!weft_future_running(t_futures[1]) && !weft_future_done(t_futures[1]));

    bad_arrays();

    /* Not done: 0.0 does not wait; bad timeouts are refused; nothing is written. */
    for (int i = 0; i < 2; i++) {
        t_future = t_futures[i];
        reset_outs();
        EXPECT_STATUS(result_for(0.0), WEFT_STATUS_TIMEOUT);
        EXPECT_STATUS(exception_for(0.0), WEFT_STATUS_TIMEOUT);
        check_bad_timeouts(result_for, "weft_future_result (not done)");
        check_bad_timeouts(exception_for, "weft_future_exception (not done)");
        EXPECT_STATUS(weft_future_result(t_future, 0.0, NULL), WEFT_STATUS_NULL_ARGUMENT);
        EXPECT_STATUS(weft_future_exception(t_future, 0.0, NULL), WEFT_STATUS_NULL_ARGUMENT);
        EXPECT(outs_untouched());
    }
    check_bad_timeouts(wait_for, "weft_futures_wait (none done)");
    check_bad_timeouts(as_completed_for, "weft_futures_as_completed (none done)");
    EXPECT(outs_untouched() && !t_yielded[0] && !t_yielded[1]);
    EXPECT_STATUS(weft_futures_as_completed(t_futures, 2, t_yielded, 0.0, &t_index),
                  WEFT_STATUS_TIMEOUT);
    EXPECT(t_index == 777 && !t_yielded[0] && !t_yielded[1]);
    /* A wait that times out still reports which futures are done (none). */
    EXPECT_STATUS(wait_for(0.0), WEFT_STATUS_TIMEOUT);
    EXPECT(!t_done[0] && !t_done[1]);

    /* A NULL callback is refused, and registers nothing. */
    EXPECT_STATUS(weft_future_add_done_callback(t_futures[0], NULL, &callbacks),
                  WEFT_STATUS_NULL_ARGUMENT);
    EXPECT_STATUS(weft_future_add_done_callback(t_futures[0], count_callback, &callbacks),
                  WEFT_STATUS_OK);

    /* The running task cannot be cancelled; the queued one can, and never runs. */
    EXPECT(!weft_future_cancel(t_futures[0]) && !weft_future_cancelled(t_futures[0]));
    EXPECT(weft_future_cancel(t_futures[1]) && weft_future_cancelled(t_futures[1]));
    EXPECT(weft_future_cancel(t_futures[1])); /* again: still cancelled */
    t_future = t_futures[1];
    reset_outs();
    EXPECT_STATUS(result_for(FOREVER), WEFT_STATUS_CANCELLED);
    EXPECT_STATUS(result_for(0.0), WEFT_STATUS_CANCELLED);
    EXPECT_STATUS(exception_for(WEFT_TIMEOUT_MAX), WEFT_STATUS_CANCELLED);
    check_bad_timeouts(result_for, "weft_future_result (cancelled)");
    EXPECT(outs_untouched());

    /* A cancelled future is not an exception: FIRST_EXCEPTION still waits for the other. */
    EXPECT_STATUS(weft_futures_wait(t_futures, 2, 0.0, WEFT_FIRST_EXCEPTION, t_done),
                  WEFT_STATUS_TIMEOUT);
    EXPECT(!t_done[0] && t_done[1]);

    /* The cancelled one is done: it completes the wait and comes first. */
    EXPECT_STATUS(weft_futures_wait(t_futures, 2, WEFT_TIMEOUT_MAX, WEFT_FIRST_COMPLETED, t_done),
                  WEFT_STATUS_OK);
    EXPECT(!t_done[0] && t_done[1]);
    EXPECT_STATUS(as_completed_for(WEFT_TIMEOUT_MAX), WEFT_STATUS_OK);
    EXPECT(t_index == 1 && !t_yielded[0] && t_yielded[1]);
    t_index = 777;
    EXPECT_STATUS(as_completed_for(0.0), WEFT_STATUS_TIMEOUT);
    EXPECT(t_index == 777);

    /* Let the first task finish. */
    EXPECT_STATUS(weft_event_set(gate.go), WEFT_STATUS_OK);
    EXPECT_STATUS(as_completed_for(WEFT_TIMEOUT_MAX), WEFT_STATUS_OK);
    EXPECT(t_index == 0 && t_yielded[0] && t_yielded[1]);
    t_index = 777;
    EXPECT_STATUS(as_completed_for(FOREVER), WEFT_STATUS_INVALID_ARGUMENT); /* all yielded */
    EXPECT_STATUS(as_completed_for(0.0), WEFT_STATUS_INVALID_ARGUMENT);
    EXPECT(t_index == 777);
    EXPECT_STATUS(wait_for(WEFT_TIMEOUT_MAX), WEFT_STATUS_OK);
    EXPECT(t_done[0] && t_done[1]);

    /* Done: a bad timeout is still refused, not taken for "no wait needed". */
    t_future = t_futures[0];
    reset_outs();
    check_bad_timeouts(result_for, "weft_future_result (done)");
    check_bad_timeouts(exception_for, "weft_future_exception (done)");
    check_bad_timeouts(wait_for, "weft_futures_wait (all done)");
    EXPECT(outs_untouched());
    EXPECT_STATUS(result_for(0.0), WEFT_STATUS_OK);
    EXPECT(t_result == &gate);
    t_result = NULL;
    EXPECT_STATUS(result_for(WEFT_TIMEOUT_MAX), WEFT_STATUS_OK);
    EXPECT(t_result == &gate);
    EXPECT_STATUS(exception_for(WEFT_TIMEOUT_MAX), WEFT_STATUS_OK);
    EXPECT(t_code == 0);
    weft_future_free(t_futures[0]);
    weft_future_free(t_futures[1]);

    /* A failed task: result refuses with TASK_FAILED, exception gives the code. */
    memset(t_yielded, 0, sizeof t_yielded);
    EXPECT_STATUS(weft_pool_submit(pool, failing_task, NULL, NULL, &t_future), WEFT_STATUS_OK);
    reset_outs();
    EXPECT_STATUS(result_for(FOREVER), WEFT_STATUS_TASK_FAILED);
    EXPECT_STATUS(result_for(0.0), WEFT_STATUS_TASK_FAILED);
    EXPECT(outs_untouched());
    EXPECT_STATUS(exception_for(0.0), WEFT_STATUS_OK);
    EXPECT(t_code == 42);
    EXPECT_STATUS(weft_futures_wait(&t_future, 1, 0.0, WEFT_FIRST_EXCEPTION, t_done),
                  WEFT_STATUS_OK);
    EXPECT(t_done[0]);
    weft_future_free(t_future);

    /* After the shutdown (which waits for the worker, so its callbacks have run): the cancelled
     * task never ran and its arg was freed once; the callback ran once. */
    EXPECT_STATUS(weft_pool_shutdown(pool, true, false), WEFT_STATUS_OK);
    EXPECT(cancelled.called == 0 && cancelled.freed == 1 && callbacks == 1);
    weft_pool_free(pool);
    weft_event_free(gate.started);
    weft_event_free(gate.go);
}

/* ---- futures made by hand, the scheduler, map ----------------------------------------------- */

static weft_scheduler *t_scheduler;
static weft_pool *t_pool;

static weft_status call_later_for(double s) {
    return weft_scheduler_call_later(t_scheduler, s, count_task, &t_code, NULL, &t_future);
}
static int never_called(void *arg) {
    (void)arg;
    return 1;
}
static weft_status call_every_delay_for(double s) {
    return weft_scheduler_call_every(t_scheduler, s, 1.0, WEFT_FIXED_RATE, never_called, NULL,
                                     NULL, &t_future);
}
static weft_status call_every_period_for(double s) {
    return weft_scheduler_call_every(t_scheduler, 0.0, s, WEFT_FIXED_DELAY, never_called, NULL,
                                     NULL, &t_future);
}
static weft_status map_for(double s) {
    weft_map *map = NULL;
    return weft_pool_map(t_pool, count_task, NULL, 0, NULL, s, &map);
}

static void made_by_hand(void) {
    struct calls result = {0, 0};
    weft_future *f = NULL;
    weft_map *map = NULL;
    void *value = NULL;
    int code = 0;

    /* A future of one's own: completed once; then CPython's InvalidStateError, the result not
     * taken (not freed) when refused. */
    EXPECT_STATUS(weft_future_new(NULL), WEFT_STATUS_NULL_ARGUMENT);
    EXPECT_STATUS(weft_future_new(&f), WEFT_STATUS_OK);
    EXPECT_STATUS(weft_future_set_exception(f, 0), WEFT_STATUS_INVALID_ARGUMENT);
    EXPECT_STATUS(weft_future_set_running_or_notify_cancel(f), WEFT_STATUS_OK);
    EXPECT_STATUS(weft_future_set_running_or_notify_cancel(f), WEFT_STATUS_WRONG_STATE);
    EXPECT_STATUS(weft_future_set_result(f, &result, count_task_free), WEFT_STATUS_OK);
    EXPECT_STATUS(weft_future_set_result(f, &result, count_task_free),
                  WEFT_STATUS_INVALID_STATE_FINISHED);
    EXPECT_STATUS(weft_future_set_exception(f, 3), WEFT_STATUS_INVALID_STATE_FINISHED);
    EXPECT_STATUS(weft_future_result(f, 0.0, &value), WEFT_STATUS_OK);
    EXPECT(value == &result && result.freed == 0);
    weft_future_free(f);
    EXPECT(result.freed == 1);
    EXPECT_STATUS(weft_future_new(&f), WEFT_STATUS_OK);
    EXPECT(weft_future_cancel(f));
    EXPECT_STATUS(weft_future_set_running_or_notify_cancel(f), WEFT_STATUS_CANCELLED);
    EXPECT_STATUS(weft_future_set_exception(f, 3), WEFT_STATUS_INVALID_STATE_CANCELLED);
    weft_future_free(f);

    /* The scheduler: every bad delay and period, an unknown kind, a zero period, NULL calls;
     * nothing scheduled. */
    EXPECT_STATUS(weft_scheduler_new(NULL), WEFT_STATUS_NULL_ARGUMENT);
    EXPECT_STATUS(weft_scheduler_new(&t_scheduler), WEFT_STATUS_OK);
    check_bad_timeouts(call_later_for, "weft_scheduler_call_later");
    check_bad_timeouts(call_every_delay_for, "weft_scheduler_call_every (delay)");
    check_bad_timeouts(call_every_period_for, "weft_scheduler_call_every (period)");
    EXPECT_STATUS(call_later_for(FOREVER), WEFT_STATUS_INVALID_TIMEOUT);
    EXPECT_STATUS(call_every_period_for(FOREVER), WEFT_STATUS_INVALID_TIMEOUT);
    EXPECT_STATUS(call_every_period_for(0.0), WEFT_STATUS_INVALID_ARGUMENT);
    EXPECT_STATUS(weft_scheduler_call_every(t_scheduler, 0.0, 1.0, 7, never_called, NULL, NULL,
                                            &t_future),
                  WEFT_STATUS_INVALID_ARGUMENT);
    EXPECT_STATUS(weft_scheduler_call_every(t_scheduler, 0.0, 1.0, WEFT_FIXED_RATE, NULL, NULL,
                                            NULL, &t_future),
                  WEFT_STATUS_NULL_ARGUMENT);
    EXPECT_STATUS(weft_scheduler_call_later(t_scheduler, 0.0, NULL, NULL, NULL, &t_future),
                  WEFT_STATUS_NULL_ARGUMENT);
    EXPECT_STATUS(weft_scheduler_call_later(t_scheduler, 0.0, count_task, &result, NULL, NULL),
                  WEFT_STATUS_NULL_ARGUMENT);
    EXPECT(weft_scheduler_pending(t_scheduler) == 0);
    EXPECT_STATUS(weft_scheduler_shutdown(t_scheduler, true), WEFT_STATUS_OK);
    EXPECT_STATUS(weft_scheduler_call_later(t_scheduler, 0.0, count_task, &result,
                                            count_task_free, &t_future),
                  WEFT_STATUS_POOL_SHUT_DOWN);
    EXPECT(result.called == 0 && result.freed == 1);
    weft_scheduler_free(t_scheduler);

    /* map: bad timeouts, NULL arrays and outs; a map over nothing is over at once. */
    EXPECT_STATUS(weft_pool_new(1, NULL, NULL, NULL, NULL, &t_pool), WEFT_STATUS_OK);
    check_bad_timeouts(map_for, "weft_pool_map");
    EXPECT_STATUS(weft_pool_map(t_pool, count_task, NULL, 1, NULL, 1.0, &map),
                  WEFT_STATUS_NULL_ARGUMENT);
    EXPECT_STATUS(weft_pool_map(t_pool, count_task, NULL, 0, NULL, 1.0, NULL),
                  WEFT_STATUS_NULL_ARGUMENT);
    EXPECT_STATUS(weft_pool_map(t_pool, count_task, NULL, 0, NULL, 1.0, &map), WEFT_STATUS_OK);
    EXPECT_STATUS(weft_map_next(map, NULL, &code), WEFT_STATUS_NULL_ARGUMENT);
    EXPECT_STATUS(weft_map_next(map, &value, NULL), WEFT_STATUS_NULL_ARGUMENT);
    EXPECT_STATUS(weft_map_next(map, &value, &code), WEFT_STATUS_INVALID_ARGUMENT);
    weft_map_free(map);
    weft_pool_free(t_pool);
}

int main(void) {
    pool_misuse();
    broken_pool();
    futures();
    made_by_hand();
    return check_summary();
}
