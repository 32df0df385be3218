/*
 * A non-daemon thread that calls exit() must not deadlock: weft's exit hook runs in that thread
 * and waits for the other non-daemon threads, but not for the thread calling exit().
 *
 * main joins the exiting thread forever; the process must still end, with exit code 0, after the
 * other non-daemon thread finished (checked by an atexit handler that runs after weft's hook).
 */
#define _POSIX_C_SOURCE 200809L
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "weft.h"

static atomic_int other_done;

static void *other(void *arg) {
    (void)arg;
    struct timespec ts = {0, 50 * 1000 * 1000};
    nanosleep(&ts, NULL);
    atomic_store(&other_done, 1);
    return NULL;
}

static void *exiter(void *arg) {
    (void)arg;
    exit(0);
}

static void check_at_exit(void) {
    int ok = atomic_load(&other_done) == 1;
    printf("other non-daemon thread finished before exit: %s\n", ok ? "yes" : "no");
    printf("%d passed, %d failed\n", ok, !ok);
    fflush(stdout);
    if (!ok) {
        _exit(1);
    }
}

int main(void) {
    atexit(check_at_exit);
    weft_thread *o, *e;
    if (weft_thread_new(other, NULL, NULL, &o) != WEFT_STATUS_OK ||
        weft_thread_new(exiter, NULL, NULL, &e) != WEFT_STATUS_OK ||
        weft_thread_start(o) != WEFT_STATUS_OK || weft_thread_start(e) != WEFT_STATUS_OK) {
        return 1;
    }
    weft_status never = weft_thread_join(e, WEFT_TIMEOUT_FOREVER); /* e calls exit() */
    printf("the join returned: %s\n", weft_status_str(never));
    return 1;
}
