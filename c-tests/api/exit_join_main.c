/*
 * Non-daemon threads that join the main thread do not keep the process from exiting: as CPython's
 * threading._shutdown() does, weft marks the main thread finished when main returns, before it
 * waits for the non-daemon threads, so their joins return at once (with WEFT_STATUS_OK).
 *
 * One joiner waits without a limit (before the fix: the process never exited), one with a long
 * timeout (before: it timed out, long after main returned). An alarm turns a hang into a failure;
 * an atexit handler registered before any thread starts runs after weft's wait and checks what
 * the joiners saw.
 */
#define _POSIX_C_SOURCE 200809L
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "weft.h"

/* What each joiner saw: its join's status + 1 (0: not returned), and the main thread's
 * is_alive after the join (1 alive, 2 not). */
static atomic_int joined_forever, joined_timed, alive_after[2];

static void *join_main(void *arg) {
    double timeout = arg ? 20.0 : WEFT_TIMEOUT_FOREVER;
    weft_thread *main_thread = weft_main_thread();
    weft_status status = weft_thread_join(main_thread, timeout);
    atomic_store(arg ? &joined_timed : &joined_forever, 1 + (int)status);
    atomic_store(&alive_after[arg != NULL], weft_thread_is_alive(main_thread) ? 1 : 2);
    weft_thread_free(main_thread);
    return NULL;
}

static void check_at_exit(void) {
    int forever = atomic_load(&joined_forever) - 1, timed = atomic_load(&joined_timed) - 1;
    int ok = forever == WEFT_STATUS_OK && timed == WEFT_STATUS_OK &&
             atomic_load(&alive_after[0]) == 2 && atomic_load(&alive_after[1]) == 2;
    printf("join(main, forever): %s; join(main, 20 s): %s; main alive after: %d %d\n",
           forever < 0 ? "(not returned)" : weft_status_str((weft_status)forever),
           timed < 0 ? "(not returned)" : weft_status_str((weft_status)timed),
           atomic_load(&alive_after[0]) == 1, atomic_load(&alive_after[1]) == 1);
    printf("%d passed, %d failed\n", ok, !ok);
    fflush(stdout);
    if (!ok) {
        _exit(1);
    }
}

int main(void) {
    alarm(10); /* a hang at exit: killed by SIGALRM, a failure */
    atexit(check_at_exit);
    weft_thread *main_thread = weft_main_thread();
    int alive = weft_thread_is_alive(main_thread);
    weft_thread_free(main_thread);
    if (!alive) {
        return 1;
    }
    weft_thread *forever, *timed;
    if (weft_thread_new(join_main, NULL, NULL, &forever) != WEFT_STATUS_OK ||
        weft_thread_new(join_main, &joined_timed, NULL, &timed) != WEFT_STATUS_OK ||
        weft_thread_start(forever) != WEFT_STATUS_OK || weft_thread_start(timed) != WEFT_STATUS_OK) {
        return 1;
    }
    weft_thread_free(forever);
    weft_thread_free(timed);
    return 0;
}
