/*
 * Thread creation refused by the OS is reported as WEFT_STATUS_CANT_START_THREAD ("can't start
 * new thread"), and the thread can be started once resources are back: here the process-wide
 * stack size (weft_stack_size) is set larger than the address space, so every thread weft
 * creates is refused, then reset. Prints "N passed, N failed".
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "weft.h"

static int passed, failed;

#define EXPECT(cond)                                                                       \
    do {                                                                                   \
        if (cond) {                                                                        \
            passed++;                                                                      \
        } else {                                                                           \
            failed++;                                                                      \
            fprintf(stderr, "%s:%d: expected %s\n", __FILE__, __LINE__, #cond);            \
        }                                                                                  \
    } while (0)

static void *return_arg(void *arg) { return arg; }

int main(void) {
    size_t previous = 1;
    EXPECT(weft_stack_size(SIZE_MAX / 2, &previous) == WEFT_STATUS_OK && previous == 0);

    weft_thread *t;
    EXPECT(weft_thread_new(return_arg, &passed, NULL, &t) == WEFT_STATUS_OK);
    weft_status status = weft_thread_start(t);
    EXPECT(status == WEFT_STATUS_CANT_START_THREAD);
    EXPECT(strcmp(weft_status_str((int)status), "can't start new thread") == 0);
    EXPECT(!weft_thread_is_alive(t));
    EXPECT(weft_thread_join(t, 0.0) == WEFT_STATUS_NOT_STARTED);
    EXPECT(weft_active_count() == 1);

    /* Resources are back: the same thread starts. */
    EXPECT(weft_stack_size(0, NULL) == WEFT_STATUS_OK);
    EXPECT(weft_thread_start(t) == WEFT_STATUS_OK);
    EXPECT(weft_thread_join(t, WEFT_TIMEOUT_FOREVER) == WEFT_STATUS_OK);
    void *result = NULL;
    EXPECT(weft_thread_result(t, &result) == WEFT_STATUS_OK && result == &passed);
    weft_thread_free(t);

    printf("%d passed, %d failed\n", passed, failed);
    return failed != 0;
}
