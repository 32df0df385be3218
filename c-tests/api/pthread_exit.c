/*
 * A weft thread may end itself with pthread_exit() (CPython does exactly that to daemon threads
 * that touch the interpreter after shutdown began): the process must not abort, the thread must
 * count as finished (joinable, not alive, not enumerated), its argument must still be freed, and
 * it has no result to read. Non-daemon threads ended that way are not waited for at exit.
 */
#include <pthread.h>

#include "check.h"

static int reached_after_exit;

static void *ends_itself(void *arg) {
    (void)arg;
    pthread_exit(NULL);
    reached_after_exit = 1; /* never runs */
    return NULL;
}

int main(void) {
    for (int round = 0; round < 20; round++) {
        int frees = 0;
        weft_thread *t = NULL;
        EXPECT_STATUS(weft_thread_new(ends_itself, &frees, count_free, &t), WEFT_STATUS_OK);
        EXPECT_STATUS(weft_thread_start(t), WEFT_STATUS_OK);
        EXPECT_STATUS(weft_thread_join(t, WEFT_TIMEOUT_FOREVER), WEFT_STATUS_OK);
        EXPECT(!weft_thread_is_alive(t));
        EXPECT(frees == 1);
        void *result = &frees;
        EXPECT_STATUS(weft_thread_result(t, &result), WEFT_STATUS_WRONG_STATE);
        EXPECT(result == &frees); /* out-parameter untouched on failure */
        weft_thread_free(t);
    }
    EXPECT(reached_after_exit == 0);
    /* Every finished thread left the registry: only MainThread is alive. */
    EXPECT(weft_active_count() == 1);
    return check_summary();
}
