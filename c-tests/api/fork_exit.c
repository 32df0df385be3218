/*
 * exit() in a child made by fork() while other threads were busy in weft: every child must
 * finish (an alarm turns a hang into a failure). Unlike fork_child.c, whose children mostly
 * leave with _exit(), these children leave with exit(), so weft's exit handlers run in them.
 *
 * 1. Threads submit to a pool while main forks; each child calls exit(), which shuts every pool
 *    down, the parent's included (regression, issue 14 item 4: 5-10% of children hung there,
 *    on the pool's state lock, held at the fork by a thread the child does not have).
 * 2. main has a value in a thread-local that threads are setting while main forks; each child
 *    calls exit(), which destroys main's value (regression, issue 14 item 5: 80-100% of
 *    children hung there, on the local's lock, held at the fork).
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

/* Children per case: enough to catch a hang in 1 child in 20 almost always (0.95^100 < 1%). */
#define CHILDREN 100
#define BUSY_THREADS 3

static atomic_int busy;
static atomic_int rounds;
static weft_pool *pool;
static weft_local *local;

static int nothing(void *arg, void **result_out) {
    *result_out = arg;
    return 0;
}

/* Submits tasks and waits for each, until `busy` is cleared. */
static void *submit(void *arg) {
    (void)arg;
    while (atomic_load(&busy)) {
        weft_future *future;
        if (weft_pool_submit(pool, nothing, NULL, NULL, &future) == WEFT_STATUS_OK) {
            void *result;
            if (weft_future_result(future, WEFT_TIMEOUT_FOREVER, &result) != WEFT_STATUS_OK) {
                abort();
            }
            weft_future_free(future);
        }
        atomic_fetch_add(&rounds, 1);
    }
    return NULL;
}

/* Sets its value in `local`, again and again, until `busy` is cleared. */
static void *set_local(void *arg) {
    while (atomic_load(&busy)) {
        if (weft_local_set(local, arg) != WEFT_STATUS_OK) {
            abort();
        }
        atomic_fetch_add(&rounds, 1);
    }
    return NULL;
}

/* Forks CHILDREN children while BUSY_THREADS threads run `work`; each child calls exit(0) at
 * once, and must end with status 0 before its alarm. */
static void fork_and_exit_while(void *(*work)(void *)) {
    weft_thread *threads[BUSY_THREADS];
    atomic_store(&busy, 1);
    atomic_store(&rounds, 0);
    for (int i = 0; i < BUSY_THREADS; i++) {
        EXPECT(weft_thread_new(work, (void *)(uintptr_t)(i + 1), NULL, &threads[i]) ==
               WEFT_STATUS_OK);
        EXPECT(weft_thread_start(threads[i]) == WEFT_STATUS_OK);
    }
    while (atomic_load(&rounds) < 2 * BUSY_THREADS) {
        sched_yield();
    }
    int hung = 0;
    for (int i = 0; i < CHILDREN && hung == 0; i++) {
        fflush(NULL);
        pid_t pid = fork();
        if (pid == 0) {
            alarm(10);
            exit(0);
        }
        int status;
        EXPECT(pid > 0 && waitpid(pid, &status, 0) == pid);
        if (!(WIFEXITED(status) && WEXITSTATUS(status) == 0)) {
            hung = 1;
            fprintf(stderr, "child %d did not finish exit() (status %#x)\n", i, status);
        }
    }
    EXPECT(!hung);
    atomic_store(&busy, 0);
    for (int i = 0; i < BUSY_THREADS; i++) {
        EXPECT(weft_thread_join(threads[i], WEFT_TIMEOUT_FOREVER) == WEFT_STATUS_OK);
        weft_thread_free(threads[i]);
    }
}

int main(void) {
    EXPECT(weft_pool_new(2, "busy", NULL, NULL, NULL, &pool) == WEFT_STATUS_OK);
    fork_and_exit_while(submit);
    EXPECT(weft_pool_shutdown(pool, true, false) == WEFT_STATUS_OK);
    weft_pool_free(pool);

    EXPECT(weft_local_new(NULL, NULL, NULL, NULL, &local) == WEFT_STATUS_OK);
    EXPECT(weft_local_set(local, &busy) == WEFT_STATUS_OK);
    fork_and_exit_while(set_local);
    weft_local_free(local);

    return check_summary();
}
