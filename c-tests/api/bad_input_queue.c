/*
 * Bad input for the queues of include/weft.h (FIFO, LIFO, priority and simple): unknown kinds,
 * NULL out-parameters (no item consumed), every invalid timeout of every call that takes one
 * (with WEFT_TIMEOUT_MAX accepted and 0.0 not waiting), and each misuse with CPython's message:
 * empty, full, task_done() called too many times, put and get after shutdown, task tracking on
 * a simple queue, a priority on a queue without priorities. A refused put must leave the item
 * with the caller (its destructor not called) and the queue as it was. Threads are ordered
 * with events, never with sleeps. NULL and wrong-type handles are in bad_input_handles.c.
 */
#define _POSIX_C_SOURCE 200809L
#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "check.h"

#define FOREVER WEFT_TIMEOUT_FOREVER

/* Items are pointers to their own counter, which the queues' destructor (count_free)
 * increments: freed[i] says how many times item i was destroyed. */
#define N_ITEMS 4
static int freed[N_ITEMS];

static bool none_freed(void) {
    for (int i = 0; i < N_ITEMS; i++) {
        if (freed[i] != 0) {
            return false;
        }
    }
    return true;
}

static const char *const kind_names[] = {"fifo", "lifo", "priority", "simple"};

/* ---- helpers for the timeout checks ----------------------------------------------------------- */

static weft_queue *t_queue;
static void *t_item;

static weft_status put_for(double s) {
    return weft_queue_put(t_queue, &freed[3], true, s);
}
static weft_status put_priority_for(double s) {
    return weft_queue_put_priority(t_queue, &freed[3], -1, true, s);
}
static weft_status get_for(double s) {
    return weft_queue_get(t_queue, true, s, &t_item);
}
static weft_status join_for(double s) {
    return weft_queue_join(t_queue, s);
}

/* "<name> (<kind>, <state>)", for the failure messages. */
static const char *label(const char *name, int kind, const char *state) {
    static char buf[96];
    snprintf(buf, sizeof buf, "%s (%s, %s)", name, kind_names[kind], state);
    return buf;
}

/* The queue holds `qsize` items and `unfinished` unfinished tasks. */
static bool holds(size_t qsize, size_t unfinished) {
    return weft_queue_qsize(t_queue) == qsize && weft_queue_unfinished_tasks(t_queue) == unfinished;
}

/* ---- creation --------------------------------------------------------------------------------- */

static void creation(void) {
    static const int bad_kinds[] = {7, -1, 4, INT_MIN, INT_MAX};
    weft_queue *q = (weft_queue *)freed; /* a sentinel that must stay */
    size_t before;
    weft_status status;
    char what[64];

    before = heap_in_use();
    status = weft_queue_new(WEFT_QUEUE_FIFO, 0, count_free, NULL);
    EXPECT(heap_in_use() == before);
    EXPECT_STATUS(status, WEFT_STATUS_NULL_ARGUMENT);
    EXPECT_STATUS(weft_queue_new(7, 0, NULL, NULL), WEFT_STATUS_NULL_ARGUMENT);

    for (size_t i = 0; i < sizeof bad_kinds / sizeof bad_kinds[0]; i++) {
        snprintf(what, sizeof what, "weft_queue_new(kind=%d)", bad_kinds[i]);
        before = heap_in_use();
        status = weft_queue_new(bad_kinds[i], 0, count_free, &q);
        check_record(heap_in_use() == before, what, __LINE__);
        check_status(status, WEFT_STATUS_INVALID_ARGUMENT, what, __LINE__);
    }
    /* A simple queue is always unbounded. */
    EXPECT_STATUS(weft_queue_new(WEFT_QUEUE_SIMPLE, 1, NULL, &q), WEFT_STATUS_INVALID_ARGUMENT);
    EXPECT_STATUS(weft_queue_new(WEFT_QUEUE_SIMPLE, SIZE_MAX, NULL, &q),
                  WEFT_STATUS_INVALID_ARGUMENT);
    EXPECT(q == (weft_queue *)freed);

    /* Freeing a queue destroys the items left, once each. */
    EXPECT_STATUS(weft_queue_new(WEFT_QUEUE_LIFO, 0, count_free, &q), WEFT_STATUS_OK);
    EXPECT_STATUS(weft_queue_put(q, &freed[0], false, FOREVER), WEFT_STATUS_OK);
    EXPECT_STATUS(weft_queue_put(q, &freed[1], false, FOREVER), WEFT_STATUS_OK);
    weft_queue_free(q);
    EXPECT(freed[0] == 1 && freed[1] == 1);
    memset(freed, 0, sizeof freed);
}

/* ---- a bounded queue of each kind with tasks ------------------------------------------------- */

static void bounded(int kind) {
    void *item;

    memset(freed, 0, sizeof freed);
    EXPECT_STATUS(weft_queue_new(kind, 2, count_free, &t_queue), WEFT_STATUS_OK);

    /* Empty: nothing to get, however asked; a refused get writes nothing. */
    t_item = &t_queue;
    EXPECT_STATUS(weft_queue_get(t_queue, false, FOREVER, &t_item), WEFT_STATUS_EMPTY);
    EXPECT_STATUS(weft_queue_get(t_queue, false, NAN, &t_item), WEFT_STATUS_EMPTY);
    EXPECT_STATUS(weft_queue_get(t_queue, true, 0.0, &t_item), WEFT_STATUS_EMPTY);
    EXPECT_STATUS(weft_queue_get(t_queue, true, 0.0, NULL), WEFT_STATUS_NULL_ARGUMENT);
    check_bad_timeouts(get_for, label("weft_queue_get", kind, "empty"));
    EXPECT(t_item == &t_queue);
    EXPECT_STATUS(weft_queue_task_done(t_queue), WEFT_STATUS_TASK_DONE_TOO_MANY);
    EXPECT(holds(0, 0));

    /* A refused put adds nothing and leaves the item to the caller. */
    check_bad_timeouts(put_for, label("weft_queue_put", kind, "empty"));
    if (kind == WEFT_QUEUE_PRIORITY) {
        check_bad_timeouts(put_priority_for, label("weft_queue_put_priority", kind, "empty"));
    } else {
        EXPECT_STATUS(weft_queue_put_priority(t_queue, &freed[3], 1, false, FOREVER),
                      WEFT_STATUS_INVALID_ARGUMENT);
        EXPECT_STATUS(weft_queue_put_priority(t_queue, &freed[3], 1, true, 0.0),
                      WEFT_STATUS_INVALID_ARGUMENT);
    }
    EXPECT(holds(0, 0) && none_freed());

    /* WEFT_TIMEOUT_MAX is accepted; a non-blocking put ignores its timeout, as CPython. */
    if (kind == WEFT_QUEUE_PRIORITY) {
        EXPECT_STATUS(weft_queue_put_priority(t_queue, &freed[0], 5, true, WEFT_TIMEOUT_MAX),
                      WEFT_STATUS_OK);
    } else {
        EXPECT_STATUS(weft_queue_put(t_queue, &freed[0], true, WEFT_TIMEOUT_MAX), WEFT_STATUS_OK);
    }
    EXPECT_STATUS(weft_queue_put(t_queue, &freed[1], false, NAN), WEFT_STATUS_OK);
    EXPECT(holds(2, 2) && weft_queue_full(t_queue));

    /* Full: nothing more goes in, however asked. */
    EXPECT_STATUS(weft_queue_put(t_queue, &freed[2], false, FOREVER), WEFT_STATUS_FULL);
    EXPECT_STATUS(weft_queue_put(t_queue, &freed[2], false, -0.5), WEFT_STATUS_FULL);
    EXPECT_STATUS(weft_queue_put(t_queue, &freed[2], true, 0.0), WEFT_STATUS_FULL);
    check_bad_timeouts(put_for, label("weft_queue_put", kind, "full"));
    if (kind == WEFT_QUEUE_PRIORITY) {
        EXPECT_STATUS(weft_queue_put_priority(t_queue, &freed[2], INT64_MIN, false, FOREVER),
                      WEFT_STATUS_FULL);
        EXPECT_STATUS(weft_queue_put_priority(t_queue, &freed[2], 0, true, 0.0),
                      WEFT_STATUS_FULL);
        check_bad_timeouts(put_priority_for, label("weft_queue_put_priority", kind, "full"));
    } else {
        EXPECT_STATUS(weft_queue_put_priority(t_queue, &freed[2], 0, false, FOREVER),
                      WEFT_STATUS_INVALID_ARGUMENT);
    }
    EXPECT(holds(2, 2) && none_freed());

    /* A refused get consumes nothing. */
    EXPECT_STATUS(weft_queue_get(t_queue, true, 0.0, NULL), WEFT_STATUS_NULL_ARGUMENT);
    EXPECT_STATUS(weft_queue_get(t_queue, false, FOREVER, NULL), WEFT_STATUS_NULL_ARGUMENT);
    t_item = &t_queue;
    check_bad_timeouts(get_for, label("weft_queue_get", kind, "full"));
    EXPECT(t_item == &t_queue && holds(2, 2));

    /* join: bad timeouts refused with tasks unfinished and without; 0.0 does not wait. */
    check_bad_timeouts(join_for, label("weft_queue_join", kind, "2 unfinished"));
    EXPECT_STATUS(join_for(0.0), WEFT_STATUS_TIMEOUT);

    /* Take both; task_done once per item put, not once more, and a refusal changes nothing. */
    EXPECT_STATUS(get_for(WEFT_TIMEOUT_MAX), WEFT_STATUS_OK);
    EXPECT_STATUS(weft_queue_get(t_queue, false, NAN, &item), WEFT_STATUS_OK);
    EXPECT((t_item == &freed[0] && item == &freed[1]) ||
           (t_item == &freed[1] && item == &freed[0]));
    EXPECT(holds(0, 2));
    EXPECT_STATUS(weft_queue_task_done(t_queue), WEFT_STATUS_OK);
    EXPECT_STATUS(join_for(0.0), WEFT_STATUS_TIMEOUT);
    EXPECT_STATUS(weft_queue_task_done(t_queue), WEFT_STATUS_OK);
    EXPECT_STATUS(weft_queue_task_done(t_queue), WEFT_STATUS_TASK_DONE_TOO_MANY);
    EXPECT_STATUS(weft_queue_task_done(t_queue), WEFT_STATUS_TASK_DONE_TOO_MANY);
    EXPECT(holds(0, 0));
    check_bad_timeouts(join_for, label("weft_queue_join", kind, "none unfinished"));
    EXPECT_STATUS(join_for(0.0), WEFT_STATUS_OK);
    EXPECT_STATUS(join_for(WEFT_TIMEOUT_MAX), WEFT_STATUS_OK);
    EXPECT(none_freed()); /* items handed out belong to the caller */

    weft_queue_free(t_queue);
}

/* ---- a simple queue --------------------------------------------------------------------------- */

static void simple(void) {
    memset(freed, 0, sizeof freed);
    EXPECT_STATUS(weft_queue_new(WEFT_QUEUE_SIMPLE, 0, count_free, &t_queue), WEFT_STATUS_OK);

    /* No task tracking: task_done and join are refused, whatever the timeout. */
    EXPECT_STATUS(weft_queue_task_done(t_queue), WEFT_STATUS_WRONG_STATE);
    EXPECT_STATUS(join_for(0.0), WEFT_STATUS_WRONG_STATE);
    EXPECT_STATUS(join_for(FOREVER), WEFT_STATUS_WRONG_STATE);

    t_item = &t_queue;
    EXPECT_STATUS(weft_queue_get(t_queue, false, FOREVER, &t_item), WEFT_STATUS_EMPTY);
    EXPECT_STATUS(get_for(0.0), WEFT_STATUS_EMPTY);
    check_bad_timeouts(get_for, label("weft_queue_get", WEFT_QUEUE_SIMPLE, "empty"));
    check_bad_timeouts(put_for, label("weft_queue_put", WEFT_QUEUE_SIMPLE, "empty"));
    EXPECT_STATUS(weft_queue_put_priority(t_queue, &freed[0], 0, false, FOREVER),
                  WEFT_STATUS_INVALID_ARGUMENT);
    EXPECT(t_item == &t_queue && holds(0, 0) && none_freed());

    EXPECT_STATUS(put_for(WEFT_TIMEOUT_MAX), WEFT_STATUS_OK);
    EXPECT_STATUS(weft_queue_put(t_queue, &freed[0], false, NAN), WEFT_STATUS_OK);
    EXPECT(holds(2, 0) && !weft_queue_full(t_queue) && weft_queue_maxsize(t_queue) == 0);
    EXPECT_STATUS(weft_queue_task_done(t_queue), WEFT_STATUS_WRONG_STATE);
    EXPECT_STATUS(weft_queue_get(t_queue, true, 0.0, NULL), WEFT_STATUS_NULL_ARGUMENT);
    check_bad_timeouts(get_for, label("weft_queue_get", WEFT_QUEUE_SIMPLE, "2 items"));
    EXPECT(t_item == &t_queue && holds(2, 0));
    EXPECT_STATUS(get_for(WEFT_TIMEOUT_MAX), WEFT_STATUS_OK);
    EXPECT(t_item == &freed[3] && holds(1, 0));

    weft_queue_free(t_queue); /* destroys the item left */
    EXPECT(freed[0] == 1 && freed[3] == 0);
}

/* ---- shutdown --------------------------------------------------------------------------------- */

/* The items an immediate shutdown hands to drain(), in order. */
static void *drained[N_ITEMS];
static size_t n_drained;

static void drain(void *item, void *arg) {
    EXPECT(arg == &n_drained);
    if (n_drained < N_ITEMS) {
        drained[n_drained] = item;
    }
    n_drained++;
}

/* A thread blocked in a get (or a put) is woken by the shutdown, whether it blocked before or
 * after: it reports WEFT_STATUS_SHUT_DOWN either way. */
static void *get_forever(void *queue) {
    void *item = &item;
    weft_status status = weft_queue_get((weft_queue *)queue, true, FOREVER, &item);
    return status == WEFT_STATUS_OK ? item : status_ptr(status);
}

static void *put_forever(void *queue) {
    return status_ptr(weft_queue_put((weft_queue *)queue, &freed[3], true, FOREVER));
}

/* Starts `fn(arg)` in a new thread and returns it. */
static weft_thread *start(weft_thread_fn fn, void *arg) {
    weft_thread *t = NULL;
    EXPECT_STATUS(weft_thread_new(fn, arg, NULL, &t), WEFT_STATUS_OK);
    EXPECT_STATUS(weft_thread_start(t), WEFT_STATUS_OK);
    return t;
}

/* Joins a thread from start() and returns its result. */
static void *finish(weft_thread *t) {
    void *result = NULL;
    EXPECT_STATUS(weft_thread_join(t, FOREVER), WEFT_STATUS_OK);
    EXPECT_STATUS(weft_thread_result(t, &result), WEFT_STATUS_OK);
    weft_thread_free(t);
    return result;
}

static void shutdown_queue(int kind) {
    weft_thread *t;

    /* Not immediate: puts are refused (the item stays the caller's), gets drain the queue. */
    memset(freed, 0, sizeof freed);
    n_drained = 0;
    EXPECT_STATUS(weft_queue_new(kind, 0, count_free, &t_queue), WEFT_STATUS_OK);
    EXPECT_STATUS(weft_queue_put(t_queue, &freed[0], false, FOREVER), WEFT_STATUS_OK);
    EXPECT_STATUS(weft_queue_shutdown(t_queue, false, drain, &n_drained), WEFT_STATUS_OK);
    EXPECT(weft_queue_is_shutdown(t_queue) && n_drained == 0);
    EXPECT_STATUS(weft_queue_put(t_queue, &freed[1], false, FOREVER), WEFT_STATUS_SHUT_DOWN);
    EXPECT_STATUS(put_for(0.0), WEFT_STATUS_SHUT_DOWN);
    EXPECT_STATUS(put_for(FOREVER), WEFT_STATUS_SHUT_DOWN);
    if (kind == WEFT_QUEUE_PRIORITY) {
        EXPECT_STATUS(put_priority_for(FOREVER), WEFT_STATUS_SHUT_DOWN);
    }
    check_bad_timeouts(put_for, label("weft_queue_put", kind, "shut down"));
    EXPECT(weft_queue_qsize(t_queue) == 1 && none_freed());
    t_item = &t_queue;
    check_bad_timeouts(get_for, label("weft_queue_get", kind, "shut down"));
    EXPECT(t_item == &t_queue);
    EXPECT_STATUS(get_for(FOREVER), WEFT_STATUS_OK);
    EXPECT(t_item == &freed[0]);
    EXPECT_STATUS(get_for(FOREVER), WEFT_STATUS_SHUT_DOWN); /* does not wait */
    EXPECT_STATUS(get_for(0.0), WEFT_STATUS_SHUT_DOWN);
    EXPECT_STATUS(weft_queue_get(t_queue, false, FOREVER, &t_item), WEFT_STATUS_SHUT_DOWN);
    EXPECT(t_item == &freed[0]);
    EXPECT_STATUS(weft_queue_shutdown(t_queue, false, NULL, NULL), WEFT_STATUS_OK); /* again */
    EXPECT_STATUS(weft_queue_shutdown(t_queue, true, NULL, NULL), WEFT_STATUS_OK);
    if (kind != WEFT_QUEUE_SIMPLE) {
        EXPECT_STATUS(weft_queue_task_done(t_queue), WEFT_STATUS_OK);
        EXPECT_STATUS(weft_queue_task_done(t_queue), WEFT_STATUS_TASK_DONE_TOO_MANY);
        EXPECT_STATUS(join_for(FOREVER), WEFT_STATUS_OK);
    }
    weft_queue_free(t_queue);
    EXPECT(none_freed());

    /* Immediate, without a drain function: the items left are destroyed, once, and count as
     * done. */
    EXPECT_STATUS(weft_queue_new(kind, 0, count_free, &t_queue), WEFT_STATUS_OK);
    EXPECT_STATUS(weft_queue_put(t_queue, &freed[0], false, FOREVER), WEFT_STATUS_OK);
    EXPECT_STATUS(weft_queue_put(t_queue, &freed[1], false, FOREVER), WEFT_STATUS_OK);
    EXPECT_STATUS(weft_queue_shutdown(t_queue, true, NULL, &n_drained), WEFT_STATUS_OK);
    EXPECT(freed[0] == 1 && freed[1] == 1 && holds(0, 0));
    EXPECT_STATUS(get_for(FOREVER), WEFT_STATUS_SHUT_DOWN);
    if (kind != WEFT_QUEUE_SIMPLE) {
        EXPECT_STATUS(join_for(0.0), WEFT_STATUS_OK);
        EXPECT_STATUS(weft_queue_task_done(t_queue), WEFT_STATUS_TASK_DONE_TOO_MANY);
    }
    weft_queue_free(t_queue);
    EXPECT(freed[0] == 1 && freed[1] == 1);

    /* Immediate, with a drain function: it gets the items instead of the destructor. */
    memset(freed, 0, sizeof freed);
    n_drained = 0;
    EXPECT_STATUS(weft_queue_new(kind, 0, count_free, &t_queue), WEFT_STATUS_OK);
    EXPECT_STATUS(weft_queue_put(t_queue, &freed[0], false, FOREVER), WEFT_STATUS_OK);
    EXPECT_STATUS(weft_queue_shutdown(t_queue, true, drain, &n_drained), WEFT_STATUS_OK);
    EXPECT(n_drained == 1 && drained[0] == &freed[0] && none_freed());
    weft_queue_free(t_queue);
    EXPECT(none_freed());

    /* Blocked threads are woken. */
    EXPECT_STATUS(weft_queue_new(kind, 0, count_free, &t_queue), WEFT_STATUS_OK);
    t = start(get_forever, t_queue);
    EXPECT_STATUS(weft_queue_shutdown(t_queue, false, NULL, NULL), WEFT_STATUS_OK);
    EXPECT_STATUS((intptr_t)finish(t), WEFT_STATUS_SHUT_DOWN);
    weft_queue_free(t_queue);
    if (kind != WEFT_QUEUE_SIMPLE) {
        EXPECT_STATUS(weft_queue_new(kind, 1, count_free, &t_queue), WEFT_STATUS_OK);
        EXPECT_STATUS(weft_queue_put(t_queue, &freed[0], false, FOREVER), WEFT_STATUS_OK);
        t = start(put_forever, t_queue);
        EXPECT_STATUS(weft_queue_shutdown(t_queue, false, NULL, NULL), WEFT_STATUS_OK);
        EXPECT_STATUS((intptr_t)finish(t), WEFT_STATUS_SHUT_DOWN);
        EXPECT(weft_queue_qsize(t_queue) == 1 && none_freed());
        weft_queue_free(t_queue);
        EXPECT(freed[0] == 1 && freed[3] == 0);
    }
}

int main(void) {
    creation();
    bounded(WEFT_QUEUE_FIFO);
    bounded(WEFT_QUEUE_LIFO);
    bounded(WEFT_QUEUE_PRIORITY);
    simple();
    for (int kind = WEFT_QUEUE_FIFO; kind <= WEFT_QUEUE_SIMPLE; kind++) {
        shutdown_queue(kind);
    }
    return check_summary();
}
