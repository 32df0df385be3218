/*
 * Small helpers shared by the tutorial examples in c-tests/examples/: sleeping in seconds (the
 * seeds' time.sleep), the calling thread's name, and a check that stops the program with the
 * status message when a weft call fails unexpectedly.
 */
#ifndef WEFT_TUTORIAL_H
#define WEFT_TUTORIAL_H

#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "weft.h"

/* Stops the program if a weft call did not return WEFT_STATUS_OK. */
#define CHECK(call)                                                                        \
    do {                                                                                   \
        weft_status check_status_ = (call);                                                \
        if (check_status_ != WEFT_STATUS_OK) {                                             \
            fprintf(stderr, "%s:%d: %s: %s\n", __FILE__, __LINE__, #call,                  \
                    weft_status_str((int)check_status_));                                  \
            exit(1);                                                                       \
        }                                                                                  \
    } while (0)

/* time.sleep(seconds) */
static inline void sleep_s(double seconds) {
    struct timespec ts;
    ts.tv_sec = (time_t)seconds;
    ts.tv_nsec = (long)((seconds - (double)ts.tv_sec) * 1e9);
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {
    }
}

/* threading.current_thread().name, copied into buf. */
static inline const char *current_name(char *buf, size_t size) {
    weft_thread *me = weft_current_thread();
    CHECK(weft_thread_get_name(me, buf, size, NULL));
    weft_thread_free(me);
    return buf;
}

/* Starts a thread running fn(arg), optionally named, and returns its handle. */
static inline weft_thread *spawn(weft_thread_fn fn, void *arg, const char *name) {
    weft_thread *t;
    CHECK(weft_thread_new(fn, arg, NULL, &t));
    if (name != NULL) {
        CHECK(weft_thread_set_name(t, name));
    }
    CHECK(weft_thread_start(t));
    return t;
}

#endif
