/*
 * Small helpers shared by the tutorial examples in c-tests/examples/: sleeping in seconds (the
 * seeds' time.sleep), the calling thread's name, random numbers (the seeds' random module),
 * logging's timestamp, Python's bools, and checks that stop the program with the status message
 * when a weft call fails unexpectedly.
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

/* Python's result of an acquire: true for WEFT_STATUS_OK, false for WEFT_STATUS_TIMEOUT (not
 * acquired); any other status stops the program. */
static inline bool acquired(weft_status status) {
    if (status != WEFT_STATUS_TIMEOUT) {
        CHECK(status);
    }
    return status == WEFT_STATUS_OK;
}

/* How Python prints a bool. */
static inline const char *py_bool(bool b) {
    return b ? "True" : "False";
}

/* time.sleep(seconds) */
static inline void sleep_s(double seconds) {
    struct timespec ts;
    ts.tv_sec = (time_t)seconds;
    ts.tv_nsec = (long)((seconds - (double)ts.tv_sec) * 1e9);
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {
    }
}

/* random.random(): a float in [0, 1), from a generator private to the calling thread. */
static inline double random_random(void) {
    static _Thread_local unsigned seed;
    if (seed == 0) {
        seed = (unsigned)weft_get_native_id();
    }
    return rand_r(&seed) / (RAND_MAX + 1.0);
}

/* random.randint(a, b): an integer in [a, b]. */
static inline int random_randint(int a, int b) {
    return a + (int)(random_random() * (b - a + 1));
}

/* logging's %(asctime)s: the local time as "2008-01-13 14:48:27,712", copied into buf. */
static inline const char *asctime_now(char *buf, size_t size) {
    struct timespec ts;
    struct tm tm;
    clock_gettime(CLOCK_REALTIME, &ts);
    localtime_r(&ts.tv_sec, &tm);
    size_t n = strftime(buf, size, "%Y-%m-%d %H:%M:%S", &tm);
    snprintf(buf + n, size - n, ",%03ld", ts.tv_nsec / 1000000);
    return buf;
}

/* threading.current_thread().name, copied into buf. */
static inline const char *current_name(char *buf, size_t size) {
    weft_thread *me = weft_current_thread();
    CHECK(weft_thread_get_name(me, buf, size, NULL));
    weft_thread_free(me);
    return buf;
}

/* Starts a thread running fn(arg), named name (NULL: Thread-N), and returns its handle. */
static inline weft_thread *spawn(weft_thread_fn fn, void *arg, const char *name) {
    weft_thread *t;
    CHECK(weft_thread_new_named(fn, arg, NULL, name, &t));
    CHECK(weft_thread_start(t));
    return t;
}

#endif
