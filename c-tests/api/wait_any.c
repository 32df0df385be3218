/*
 * weft_wait_any: a thread waits for any of a queue, an event, a future and a second queue; the
 * main thread waits until the waiter registered with all of them (it then counts as a getter
 * of the last queue: weft_queue_getters), makes one ready, and checks the index reported. Then
 * a timeout, objects ready on entry, a cancellation token ending the wait, and bad input (NULL
 * array, NULL or wrong handles, an empty array, a NULL out-parameter, bad timeouts). Waits use
 * a long timeout, so that a wake-up that fails shows as a slow, failing check, not a hang.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <sched.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>

#include "asleep.h"
#include "check.h"

/* Long enough that only the wake-up under test ends the waits in time. */
#define LONG 30.0
/* What "at once" means on a loaded machine, in seconds. */
#define SOON 10.0

/* The objects, in the order they are passed: QUEUE, EVENT, FUTURE, LAST (a queue). */
enum { QUEUE, EVENT, FUTURE, LAST, COUNT };

struct objects {
    weft_queue *queue;
    weft_event *event;
    weft_future *future;
    weft_queue *last;
    const void *list[COUNT];
};

static void objects_new(struct objects *o) {
    EXPECT_STATUS(weft_queue_new(WEFT_QUEUE_FIFO, 0, NULL, &o->queue), WEFT_STATUS_OK);
    EXPECT_STATUS(weft_event_new(&o->event), WEFT_STATUS_OK);
    EXPECT_STATUS(weft_future_new(&o->future), WEFT_STATUS_OK);
    EXPECT_STATUS(weft_queue_new(WEFT_QUEUE_FIFO, 0, NULL, &o->last), WEFT_STATUS_OK);
    o->list[QUEUE] = o->queue;
    o->list[EVENT] = o->event;
    o->list[FUTURE] = o->future;
    o->list[LAST] = o->last;
}

static void objects_free(struct objects *o) {
    weft_queue_free(o->queue);
    weft_event_free(o->event);
    weft_future_free(o->future);
    weft_queue_free(o->last);
}

/* A thread in weft_wait_any over `o->list`, with `token` installed (NULL: none). */
struct waiter {
    struct objects *o;
    weft_cancel *token;
    pthread_t thread;
    weft_status status;
    size_t index;
    bool cancelled;
    double took;
};

static void *run_waiter(void *arg) {
    struct waiter *w = arg;
    EXPECT_STATUS(weft_cancel_install(w->token), WEFT_STATUS_OK);
    double start = now();
    w->status = weft_wait_any(w->o->list, COUNT, LONG, &w->index);
    w->took = now() - start;
    w->cancelled = weft_cancelled();
    return NULL;
}

/* Starts a waiter and returns once it registered with every object. */
static void start(struct waiter *w, struct objects *o, weft_cancel *token) {
    w->o = o;
    w->token = token;
    w->index = (size_t)-1;
    EXPECT(pthread_create(&w->thread, NULL, run_waiter, w) == 0);
    while (weft_queue_getters(o->last) == 0) {
        sched_yield();
    }
}

static void finish(struct waiter *w) {
    EXPECT(pthread_join(w->thread, NULL) == 0);
    EXPECT(w->took < SOON);
    EXPECT(weft_queue_getters(w->o->queue) == 0);
    EXPECT(weft_queue_getters(w->o->last) == 0);
}

static int item = 7;

static void woken(void) {
    for (int which = QUEUE; which < LAST; which++) {
        struct objects o;
        struct waiter w;
        objects_new(&o);
        start(&w, &o, NULL);
        switch (which) {
        case QUEUE:
            EXPECT_STATUS(weft_queue_put(o.queue, &item, true, WEFT_TIMEOUT_FOREVER),
                          WEFT_STATUS_OK);
            break;
        case EVENT:
            EXPECT_STATUS(weft_event_set(o.event), WEFT_STATUS_OK);
            break;
        default:
            EXPECT_STATUS(weft_future_set_result(o.future, &item, NULL), WEFT_STATUS_OK);
        }
        finish(&w);
        EXPECT_STATUS(w.status, WEFT_STATUS_OK);
        EXPECT(w.index == (size_t)which);
        EXPECT(!w.cancelled);
        if (which == QUEUE) { /* the item was not taken */
            void *got = NULL;
            EXPECT_STATUS(weft_queue_get(o.queue, false, 0.0, &got), WEFT_STATUS_OK);
            EXPECT(got == &item);
        }
        objects_free(&o);
    }
}

static void timeout_and_ready_on_entry(void) {
    struct objects o;
    size_t index = 99;
    objects_new(&o);
    double start = now();
    EXPECT_STATUS(weft_wait_any(o.list, COUNT, 0.02, &index), WEFT_STATUS_TIMEOUT);
    EXPECT(now() - start >= 0.02);
    EXPECT_STATUS(weft_wait_any(o.list, COUNT, 0.0, &index), WEFT_STATUS_TIMEOUT);
    EXPECT(index == 99); /* written only on success */
    EXPECT(weft_queue_getters(o.queue) == 0);
    EXPECT_STATUS(weft_event_set(o.event), WEFT_STATUS_OK);
    EXPECT_STATUS(weft_queue_put(o.last, &item, true, 0.0), WEFT_STATUS_OK);
    EXPECT_STATUS(weft_wait_any(o.list, COUNT, LONG, &index), WEFT_STATUS_OK);
    EXPECT(index == EVENT); /* the first ready one */
    EXPECT_STATUS(weft_wait_any(&o.list[FUTURE], 2, 0.0, &index), WEFT_STATUS_OK);
    EXPECT(index == 1);
    objects_free(&o);
}

static void interrupted(void) {
    struct objects o;
    struct waiter w;
    weft_cancel *token = NULL;
    objects_new(&o);
    EXPECT_STATUS(weft_cancel_new(&token), WEFT_STATUS_OK);
    start(&w, &o, token);
    EXPECT_STATUS(weft_cancel_set(token), WEFT_STATUS_OK);
    finish(&w);
    EXPECT_STATUS(w.status, WEFT_STATUS_INTERRUPTED);
    EXPECT(w.cancelled);
    EXPECT(w.index == (size_t)-1);
    weft_cancel_free(token);
    objects_free(&o);
}

static const void *t_list[COUNT];

static weft_status wait_for(double seconds) {
    size_t index;
    return weft_wait_any(t_list, COUNT, seconds, &index);
}

static void bad_input(void) {
    struct objects o;
    weft_lock *lock = NULL;
    size_t index = 99;
    objects_new(&o);
    EXPECT_STATUS(weft_lock_new(&lock), WEFT_STATUS_OK);
    EXPECT_STATUS(weft_wait_any(NULL, COUNT, 0.0, &index), WEFT_STATUS_NULL_ARGUMENT);
    EXPECT_STATUS(weft_wait_any(o.list, 0, 0.0, &index), WEFT_STATUS_INVALID_ARGUMENT);
    EXPECT_STATUS(weft_wait_any(NULL, 0, 0.0, &index), WEFT_STATUS_INVALID_ARGUMENT);
    EXPECT_STATUS(weft_wait_any(o.list, COUNT, 0.0, NULL), WEFT_STATUS_NULL_ARGUMENT);
    const void *with_null[2] = {o.event, NULL};
    EXPECT_STATUS(weft_wait_any(with_null, 2, LONG, &index), WEFT_STATUS_NULL_ARGUMENT);
    const void *with_lock[2] = {o.queue, lock};
    EXPECT_STATUS(weft_wait_any(with_lock, 2, LONG, &index), WEFT_STATUS_WRONG_HANDLE);
    EXPECT(index == 99);
    for (int i = 0; i < COUNT; i++) {
        t_list[i] = o.list[i];
    }
    check_bad_timeouts(wait_for, "weft_wait_any");
    EXPECT(weft_queue_getters(o.queue) == 0);
    weft_lock_free(lock);
    objects_free(&o);
}

int main(void) {
    woken();
    timeout_and_ready_on_entry();
    interrupted();
    bad_input();
    return check_summary();
}
