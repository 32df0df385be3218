/*
 * A child made by fork() uses the very object threads of the parent were inside at the fork
 * (regression, issue 14): the object's internal lock, held by a thread the child does not
 * have, hung the child's first call on it for ever. Now the object is broken by the fork in
 * that child: every call that returns a status returns WEFT_STATUS_FORKED at once, and freeing
 * it leaks its state (the child must never read a state left half-updated, nor hang).
 *
 * For a queue, a future and a barrier in turn: threads call into the object as fast as they
 * can while main forks CHILDREN children; each child, under an alarm, calls into the same
 * object, frees it and leaves with exit() (weft's exit hooks run). Every call must return at
 * once, with statuses that agree: the object works (as it would in the parent) or is broken
 * (WEFT_STATUS_FORKED everywhere).
 *
 * Prints "N passed, M failed" (check.h).
 */
#define _POSIX_C_SOURCE 200809L
#include <sched.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check.h"

/* Children per object: before the fix, the first child or one of the first few hung. */
#define CHILDREN 200
#define BUSY_THREADS 4

static atomic_int busy;
static atomic_int rounds;
static weft_queue *queue;
static weft_future *future;
static weft_barrier *barrier;

/* A call in a busy thread: any status but those listed aborts the test. */
static void must_be(weft_status status, weft_status a, weft_status b, weft_status c) {
    if (status != a && status != b && status != c) {
        fprintf(stderr, "unexpected status %d in a busy thread\n", (int)status);
        abort();
    }
}

/* Puts (even threads) or gets (odd ones) without blocking. */
static void *use_queue(void *arg) {
    uintptr_t i = (uintptr_t)arg;
    while (atomic_load(&busy)) {
        void *item;
        must_be(i % 2 == 0 ? weft_queue_put(queue, &busy, false, 0)
                           : weft_queue_get(queue, false, 0, &item),
                WEFT_STATUS_OK, WEFT_STATUS_FULL, WEFT_STATUS_EMPTY);
        atomic_fetch_add(&rounds, 1);
    }
    return NULL;
}

/* Waits for the pending future without waiting (counted in and out as a sleeper), or with
 * weft_futures_wait (a listener registered and taken back). */
static void *use_future(void *arg) {
    uintptr_t i = (uintptr_t)arg;
    while (atomic_load(&busy)) {
        void *result;
        bool done;
        must_be(i % 2 == 0 ? weft_future_result(future, 0, &result)
                           : weft_futures_wait(&future, 1, 0, WEFT_FIRST_COMPLETED, &done),
                WEFT_STATUS_TIMEOUT, WEFT_STATUS_TIMEOUT, WEFT_STATUS_TIMEOUT);
        atomic_fetch_add(&rounds, 1);
    }
    return NULL;
}

/* Trips the two-party barrier (its action runs with the barrier's lock held); a wait that
 * times out (the other thread not started yet) breaks it, and it is reset. */
static void *use_barrier(void *arg) {
    (void)arg;
    while (atomic_load(&busy)) {
        size_t index;
        weft_status status = weft_barrier_wait(barrier, 0.1, &index);
        if (status == WEFT_STATUS_BROKEN_BARRIER) {
            must_be(weft_barrier_reset(barrier), WEFT_STATUS_OK, WEFT_STATUS_OK, WEFT_STATUS_OK);
        } else {
            must_be(status, WEFT_STATUS_OK, WEFT_STATUS_OK, WEFT_STATUS_OK);
        }
        atomic_fetch_add(&rounds, 1);
    }
    return NULL;
}

/* The barrier's action: a little work with the barrier's lock held. */
static void action(void *arg) {
    (void)arg;
    for (volatile int i = 0; i < 100; i++) {
    }
}

/* In a child: 0 if the object works, 1 if it is broken by the fork, 2 for anything else. */
static int queue_in_child(void) {
    void *item;
    weft_status got = weft_queue_get(queue, false, 0, &item);
    weft_status put = weft_queue_put(queue, &busy, false, 0);
    weft_status shut = weft_queue_shutdown(queue, true, NULL, NULL);
    int broken = got == WEFT_STATUS_FORKED;
    int ok = broken ? put == WEFT_STATUS_FORKED && shut == WEFT_STATUS_FORKED &&
                          weft_queue_task_done(queue) == WEFT_STATUS_FORKED &&
                          weft_queue_join(queue, 0) == WEFT_STATUS_FORKED &&
                          weft_queue_qsize(queue) == 0 && !weft_queue_is_shutdown(queue)
                    : (got == WEFT_STATUS_OK || got == WEFT_STATUS_EMPTY) &&
                          (put == WEFT_STATUS_OK || put == WEFT_STATUS_FULL) &&
                          shut == WEFT_STATUS_OK && weft_queue_is_shutdown(queue);
    /* The last reference: a broken queue's items are leaked, not destroyed. */
    weft_queue_free(queue);
    return ok ? broken : 2;
}

static int future_in_child(void) {
    void *result;
    bool done = false;
    weft_status waited = weft_future_result(future, 0, &result);
    int broken = waited == WEFT_STATUS_FORKED;
    int ok;
    if (broken) {
        /* It counts as finished here, done: no wait waits for it, callbacks run at once. */
        int code;
        ok = weft_future_set_result(future, NULL, NULL) == WEFT_STATUS_FORKED &&
             weft_future_exception(future, WEFT_TIMEOUT_FOREVER, &code) == WEFT_STATUS_FORKED &&
             !weft_future_cancel(future) && !weft_future_running(future) &&
             weft_future_done(future) &&
             weft_futures_wait(&future, 1, WEFT_TIMEOUT_FOREVER, WEFT_ALL_COMPLETED, &done) ==
                 WEFT_STATUS_OK &&
             done;
    } else {
        ok = waited == WEFT_STATUS_TIMEOUT &&
             weft_future_set_result(future, &busy, NULL) == WEFT_STATUS_OK &&
             weft_future_result(future, WEFT_TIMEOUT_FOREVER, &result) == WEFT_STATUS_OK &&
             result == &busy;
    }
    weft_future_free(future);
    return ok ? broken : 2;
}

static int barrier_in_child(void) {
    size_t index;
    weft_status aborted = weft_barrier_abort(barrier);
    int broken = aborted == WEFT_STATUS_FORKED;
    int ok = broken ? weft_barrier_wait(barrier, 0, &index) == WEFT_STATUS_FORKED &&
                          weft_barrier_reset(barrier) == WEFT_STATUS_FORKED &&
                          weft_barrier_broken(barrier) && weft_barrier_n_waiting(barrier) == 0
                    : aborted == WEFT_STATUS_OK &&
                          weft_barrier_wait(barrier, 0, &index) == WEFT_STATUS_BROKEN_BARRIER &&
                          weft_barrier_reset(barrier) == WEFT_STATUS_OK &&
                          !weft_barrier_broken(barrier);
    weft_barrier_free(barrier);
    return ok ? broken : 2;
}

/* Forks CHILDREN children while `threads` threads run `work`; each child runs `in_child` and
 * leaves with exit(), before its alarm. */
static void fork_while(const char *name, int threads, void *(*work)(void *),
                       int (*in_child)(void)) {
    weft_thread *workers[BUSY_THREADS];
    atomic_store(&busy, 1);
    atomic_store(&rounds, 0);
    for (int i = 0; i < threads; i++) {
        EXPECT(weft_thread_new(work, (void *)(uintptr_t)i, NULL, &workers[i]) ==
               WEFT_STATUS_OK);
        EXPECT(weft_thread_start(workers[i]) == WEFT_STATUS_OK);
    }
    while (atomic_load(&rounds) < 2 * threads) {
        sched_yield();
    }
    int failures = 0, broken = 0;
    for (int i = 0; i < CHILDREN && failures == 0; i++) {
        fflush(NULL);
        pid_t pid = fork();
        if (pid == 0) {
            alarm(5);
            exit(in_child());
        }
        int status;
        EXPECT(pid > 0 && waitpid(pid, &status, 0) == pid);
        if (WIFEXITED(status) && WEXITSTATUS(status) <= 1) {
            broken += WEXITSTATUS(status);
        } else {
            failures++;
            fprintf(stderr, "%s: child %d failed (status %#x: %s)\n", name, i, status,
                    WIFSIGNALED(status) ? "killed, hung until its alarm" : "a wrong status");
        }
    }
    EXPECT(failures == 0);
    printf("%s: %d children of %d found it broken by the fork\n", name, broken, CHILDREN);
    atomic_store(&busy, 0);
    for (int i = 0; i < threads; i++) {
        EXPECT(weft_thread_join(workers[i], WEFT_TIMEOUT_FOREVER) == WEFT_STATUS_OK);
        weft_thread_free(workers[i]);
    }
}

int main(void) {
    EXPECT(weft_queue_new(WEFT_QUEUE_FIFO, 64, NULL, &queue) == WEFT_STATUS_OK);
    fork_while("queue", BUSY_THREADS, use_queue, queue_in_child);
    EXPECT(weft_queue_get(queue, false, 0, &(void *){NULL}) != WEFT_STATUS_FORKED);
    weft_queue_free(queue);

    EXPECT(weft_future_new(&future) == WEFT_STATUS_OK);
    fork_while("future", BUSY_THREADS, use_future, future_in_child);
    EXPECT(weft_future_cancel(future));
    weft_future_free(future);

    EXPECT(weft_barrier_new(2, action, NULL, NULL, WEFT_TIMEOUT_FOREVER, &barrier) ==
           WEFT_STATUS_OK);
    fork_while("barrier", 2, use_barrier, barrier_in_child);
    EXPECT(!weft_barrier_broken(barrier));
    weft_barrier_free(barrier);

    return check_summary();
}
