/*
 * A child made by fork() uses the very object threads of the parent were inside at the fork
 * (regression, issue 14): the object's internal lock, held by a thread the child does not
 * have, hung the child's first call on it for ever. Now the object is broken by the fork in
 * that child: every call returns WEFT_STATUS_FORKED at once, and freeing it leaks its state
 * (the child must never read a state left half-updated, nor hang).
 *
 * Threads put and get on one queue as fast as they can while main forks CHILDREN children;
 * each child, under an alarm, gets and puts without blocking, asks its size, shuts it down,
 * frees it and exits with exit() (weft's exit hooks run). Every call must return at once, with
 * a status that makes sense: the queue works (OK, EMPTY, FULL) or is broken (FORKED), the same
 * for every call in one child.
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

/* Children: before the fix, about 1 child in 50 hung (0.98^600 < 0.001%). */
#define CHILDREN 600
#define BUSY_THREADS 4

static atomic_int busy;
static atomic_int rounds;
static weft_queue *queue;

/* Puts (even threads) or gets (odd ones) without blocking, until `busy` is cleared. */
static void *hammer(void *arg) {
    uintptr_t i = (uintptr_t)arg;
    while (atomic_load(&busy)) {
        void *item;
        weft_status status = i % 2 == 0 ? weft_queue_put(queue, &busy, false, 0)
                                        : weft_queue_get(queue, false, 0, &item);
        if (status != WEFT_STATUS_OK && status != WEFT_STATUS_FULL &&
            status != WEFT_STATUS_EMPTY) {
            abort();
        }
        atomic_fetch_add(&rounds, 1);
    }
    return NULL;
}

/* In the child: 0 if the queue works, 1 if it is broken by the fork, 2 for anything else. */
static int use_queue_in_child(void) {
    void *item;
    weft_status got = weft_queue_get(queue, false, 0, &item);
    weft_status put = weft_queue_put(queue, &busy, false, 0);
    weft_status shut = weft_queue_shutdown(queue, true, NULL, NULL);
    int broken = got == WEFT_STATUS_FORKED;
    int ok = broken ? put == WEFT_STATUS_FORKED && shut == WEFT_STATUS_FORKED &&
                          weft_queue_qsize(queue) == 0 && !weft_queue_is_shutdown(queue)
                    : (got == WEFT_STATUS_OK || got == WEFT_STATUS_EMPTY) &&
                          (put == WEFT_STATUS_OK || put == WEFT_STATUS_FULL) &&
                          shut == WEFT_STATUS_OK && weft_queue_is_shutdown(queue);
    /* The last reference: a broken queue's items are leaked, not destroyed. */
    weft_queue_free(queue);
    return ok ? broken : 2;
}

int main(void) {
    EXPECT(weft_queue_new(WEFT_QUEUE_FIFO, 64, NULL, &queue) == WEFT_STATUS_OK);
    weft_thread *threads[BUSY_THREADS];
    atomic_store(&busy, 1);
    for (int i = 0; i < BUSY_THREADS; i++) {
        EXPECT(weft_thread_new(hammer, (void *)(uintptr_t)i, NULL, &threads[i]) ==
               WEFT_STATUS_OK);
        EXPECT(weft_thread_start(threads[i]) == WEFT_STATUS_OK);
    }
    while (atomic_load(&rounds) < 2 * BUSY_THREADS) {
        sched_yield();
    }
    int failures = 0, broken = 0;
    for (int i = 0; i < CHILDREN && failures == 0; i++) {
        fflush(NULL);
        pid_t pid = fork();
        if (pid == 0) {
            alarm(5);
            exit(use_queue_in_child());
        }
        int status;
        EXPECT(pid > 0 && waitpid(pid, &status, 0) == pid);
        if (WIFEXITED(status) && WEXITSTATUS(status) <= 1) {
            broken += WEXITSTATUS(status);
        } else {
            failures++;
            fprintf(stderr, "child %d failed (status %#x: %s)\n", i, status,
                    WIFSIGNALED(status) ? "killed, hung until its alarm" : "a wrong status");
        }
    }
    EXPECT(failures == 0);
    printf("%d children of %d found the queue broken by the fork\n", broken, CHILDREN);
    atomic_store(&busy, 0);
    for (int i = 0; i < BUSY_THREADS; i++) {
        EXPECT(weft_thread_join(threads[i], WEFT_TIMEOUT_FOREVER) == WEFT_STATUS_OK);
        weft_thread_free(threads[i]);
    }
    EXPECT(weft_queue_get(queue, false, 0, &(void *){NULL}) != WEFT_STATUS_FORKED);
    weft_queue_free(queue);
    return check_summary();
}
