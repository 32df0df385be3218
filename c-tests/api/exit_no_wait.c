/*
 * weft_set_exit_wait(false): the exit abandons the non-daemon threads and the pools' work, as
 * a host whose code those threads run needs once it has stopped running it (a JVM after its
 * shutdown hooks, Ruby after at_exit): the exit ends at once, and the rest of it still runs.
 *
 * When main returns, a non-daemon thread and a pool's worker are blocked for ever on a lock
 * main holds, and the pool has a task queued behind it: with the default, the exit would wait
 * for them for ever. An alarm turns such a hang into a failure (the test harness also has its
 * time limit). An atexit handler registered before weft's hook, which runs after it, checks that
 * the exit went on (it runs), that nothing was waited for (the threads are still blocked, the
 * queued task never ran), and prints the summary that stdio's flush at exit must deliver.
 */
#define _POSIX_C_SOURCE 200809L
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "weft.h"

static weft_lock *never; /* held by main for ever: the thread and the task block on it */
static atomic_int returned;
static atomic_int queued_ran;

static void *blocked(void *arg) {
    (void)arg;
    weft_status status = weft_lock_acquire(never, true, WEFT_TIMEOUT_FOREVER);
    atomic_fetch_add(&returned, 1 + (int)status); /* any return, which must not happen */
    return NULL;
}

static int blocked_task(void *arg, void **result_out) {
    (void)result_out;
    blocked(arg);
    return 0;
}

static int queued_task(void *arg, void **result_out) {
    (void)arg;
    (void)result_out;
    atomic_store(&queued_ran, 1);
    return 0;
}

static void check_at_exit(void) {
    int ok = atomic_load(&returned) == 0 && atomic_load(&queued_ran) == 0;
    /* No newline flushed by hand: exit() flushes stdout after the handlers, as usual. */
    printf("blocked threads abandoned: %s; queued task run: %s\n%d passed, %d failed\n",
           atomic_load(&returned) ? "no" : "yes", atomic_load(&queued_ran) ? "yes" : "no", ok, !ok);
    if (!ok) {
        fflush(stdout);
        _exit(1);
    }
}

int main(void) {
    atexit(check_at_exit);
    alarm(10);
    setvbuf(stdout, NULL, _IOFBF, BUFSIZ); /* output only at the exit's flush, also to a tty */
    weft_thread *t;
    weft_pool *pool;
    weft_future *first, *second;
    if (weft_lock_new(&never) != WEFT_STATUS_OK ||
        weft_lock_acquire(never, true, WEFT_TIMEOUT_FOREVER) != WEFT_STATUS_OK ||
        weft_thread_new(blocked, NULL, NULL, &t) != WEFT_STATUS_OK ||
        weft_thread_start(t) != WEFT_STATUS_OK ||
        weft_pool_new(1, NULL, NULL, NULL, NULL, &pool) != WEFT_STATUS_OK ||
        weft_pool_submit(pool, blocked_task, NULL, NULL, &first) != WEFT_STATUS_OK ||
        weft_pool_submit(pool, queued_task, NULL, NULL, &second) != WEFT_STATUS_OK) {
        return 1;
    }
    /* The task runs (its worker is blocked) before main returns: the exit would wait for it. */
    while (!weft_future_running(first)) {
        struct timespec ms = {0, 1000 * 1000};
        nanosleep(&ms, NULL);
    }
    weft_set_exit_wait(false);
    weft_thread_free(t);
    weft_future_free(first);
    weft_future_free(second);
    weft_pool_free(pool);
    return 0;
}
