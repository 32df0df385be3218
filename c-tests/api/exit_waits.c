/*
 * When main returns, weft waits for every non-daemon thread, and not for daemon threads.
 *
 * Self-checking: an atexit handler registered before any thread starts runs after weft's own
 * exit hook (handlers run in reverse order of registration), so it sees the state the wait left:
 * the non-daemon worker finished, the daemon did not. It turns a wrong state into exit code 1.
 */
#define _POSIX_C_SOURCE 200809L
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "weft.h"

static atomic_int worker_done;
static atomic_int daemon_done;
static weft_lock *never; /* held by main forever: the daemon blocks on it */

static void *worker(void *arg) {
    (void)arg;
    struct timespec ts = {0, 100 * 1000 * 1000};
    nanosleep(&ts, NULL); /* main has returned by now, most likely */
    atomic_store(&worker_done, 1);
    return NULL;
}

static void *daemon_fn(void *arg) {
    (void)arg;
    weft_status status = weft_lock_acquire(never, true, WEFT_TIMEOUT_FOREVER);
    atomic_store(&daemon_done, 1 + (int)status); /* any return, which must not happen */
    return NULL;
}

static void check_at_exit(void) {
    int ok = atomic_load(&worker_done) == 1 && atomic_load(&daemon_done) == 0;
    printf("worker finished before exit: %s; daemon abandoned: %s\n",
           atomic_load(&worker_done) ? "yes" : "no", atomic_load(&daemon_done) ? "no" : "yes");
    printf("%d passed, %d failed\n", ok, !ok);
    fflush(stdout);
    if (!ok) {
        _exit(1);
    }
}

int main(void) {
    atexit(check_at_exit);
    if (weft_lock_new(&never) != WEFT_STATUS_OK ||
        weft_lock_acquire(never, true, WEFT_TIMEOUT_FOREVER) != WEFT_STATUS_OK) {
        return 1;
    }
    weft_thread *w, *d;
    if (weft_thread_new(worker, NULL, NULL, &w) != WEFT_STATUS_OK ||
        weft_thread_new(daemon_fn, NULL, NULL, &d) != WEFT_STATUS_OK ||
        weft_thread_set_daemon(d, true) != WEFT_STATUS_OK ||
        weft_thread_start(w) != WEFT_STATUS_OK || weft_thread_start(d) != WEFT_STATUS_OK) {
        return 1;
    }
    weft_thread_free(w);
    weft_thread_free(d);
    return 0;
}
