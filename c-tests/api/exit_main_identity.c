/*
 * The main thread keeps its identity for the whole life of the process: in atexit handlers and
 * in thread-local destructors at exit, after glibc has destroyed its thread-locals (before the
 * fix, weft_current_thread() there made a daemon stand-in, Dummy-N).
 *
 * - A weft_local value set by main is destroyed at exit by a thread-local destructor; its
 *   value_free finds MainThread there. (The value is set before main first asks for its own
 *   thread object, so the thread-local holding that object is destroyed first.)
 * - cleanup, an atexit handler registered before any thread starts, runs after weft's own
 *   exit-time wait. There weft_current_thread() is MainThread (weft_thread_is, same ident, not a
 *   daemon); joining the main thread gives WEFT_STATUS_JOIN_CURRENT; a thread it starts is not a
 *   daemon and, as documented, is waited for too: weft waits again once cleanup returns.
 * - report, registered first, runs last: it checks that thread finished, and prints the results.
 *
 * An alarm turns a hang into a failure.
 */
#define _POSIX_C_SOURCE 200809L
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "check.h" /* EXPECT and the summary; main is the only thread that checks */

static uint64_t main_ident;
static weft_local *local;
static atomic_int late_done;
static atomic_int value_freed_in_main = -1; /* -1: not run; 1: MainThread, not a daemon */

/* Whether the calling thread is MainThread, by every measure. */
static int is_main(void) {
    weft_thread *current = weft_current_thread();
    weft_thread *main_thread = weft_main_thread();
    char name[32] = "";
    (void)weft_thread_get_name(current, name, sizeof name, NULL);
    int ok = current != NULL && weft_thread_is(current, main_thread) &&
             weft_thread_ident(current) == main_ident && weft_get_ident() == main_ident &&
             !weft_thread_is_daemon(current) && name[0] == 'M';
    if (!ok) {
        printf("current thread at exit: %s (daemon: %d)\n", name, weft_thread_is_daemon(current));
    }
    weft_thread_free(main_thread);
    weft_thread_free(current);
    return ok;
}

static void value_free(void *value) {
    (void)value;
    atomic_store(&value_freed_in_main, is_main());
}

static void *late(void *arg) {
    (void)arg;
    struct timespec ts = {0, 200 * 1000 * 1000};
    nanosleep(&ts, NULL); /* cleanup and weft's hook have returned by now, most likely */
    atomic_store(&late_done, 1);
    return NULL;
}

static void cleanup(void) {
    EXPECT(atomic_load(&value_freed_in_main) == 1);
    EXPECT(is_main());
    weft_thread *main_thread = weft_main_thread();
    EXPECT_STATUS(weft_thread_join(main_thread, 0.0), WEFT_STATUS_JOIN_CURRENT);
    weft_thread_free(main_thread);
    weft_thread *t;
    EXPECT_STATUS(weft_thread_new(late, NULL, NULL, &t), WEFT_STATUS_OK);
    EXPECT(!weft_thread_is_daemon(t));
    EXPECT_STATUS(weft_thread_start(t), WEFT_STATUS_OK);
    weft_thread_free(t);
}

static void report(void) {
    EXPECT(atomic_load(&late_done) == 1);
    weft_local_free(local);
    int status = check_summary();
    fflush(stdout);
    if (status != 0) {
        _exit(status);
    }
}

int main(void) {
    alarm(10); /* a hang at exit: killed by SIGALRM, a failure */
    atexit(report);
    atexit(cleanup);
    main_ident = weft_get_ident();
    if (weft_local_new(NULL, NULL, NULL, value_free, &local) != WEFT_STATUS_OK ||
        weft_local_set(local, &local) != WEFT_STATUS_OK) {
        return 1;
    }
    EXPECT(is_main());
    /* Starting a thread installs weft's exit hook, after cleanup's. */
    weft_thread *t;
    if (weft_thread_new(late, NULL, NULL, &t) != WEFT_STATUS_OK ||
        weft_thread_start(t) != WEFT_STATUS_OK || weft_thread_join(t, WEFT_TIMEOUT_FOREVER) != WEFT_STATUS_OK) {
        return 1;
    }
    weft_thread_free(t);
    atomic_store(&late_done, 0);
    return 0;
}
