/*
 * PyMOTW threading_lock_noblock: three workers each need the lock three times, but only try
 * for it without blocking (acquire(0)), counting their tries. Logging format
 * '%(asctime)s (%(threadName)-8s) %(message)s'. Random pauses scaled from 0-1 s to 0-0.05 s.
 */
#include "tutorial.h"

#include <stdarg.h>

/* logging.debug(fmt, ...) */
static void debug(const char *fmt, ...) {
    char now[32], name[64], msg[128];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    printf("%s (%-8s) %s\n", asctime_now(now, sizeof now), current_name(name, sizeof name), msg);
}

static void random_pause(void) {
    double pause = random_random();
    sleep_s(pause / 20);
}

static void *worker(void *arg) {
    weft_lock *lock = arg;
    debug("Starting");
    int num_tries = 0;
    int num_acquires = 0;
    while (num_acquires < 3) {
        random_pause();
        bool have_it = acquired(weft_lock_acquire(lock, false, WEFT_TIMEOUT_FOREVER));
        /* try: */
        num_tries += 1;
        if (have_it) {
            debug("Iteration %d: Acquired", num_tries);
            num_acquires += 1;
            random_pause();
        } else {
            debug("Iteration %d: Not acquired", num_tries);
        }
        /* finally: */
        if (have_it) {
            CHECK(weft_lock_release(lock));
        }
    }
    debug("Done after %d iterations", num_tries);
    return NULL;
}

/* Drops a worker's reference to the lock when it is done with it. */
static void lock_free(void *lock) {
    weft_lock_free(lock);
}

int main(void) {
    weft_lock *lock;
    CHECK(weft_lock_new(&lock));
    for (int i = 0; i < 3; i++) {
        weft_thread *t;
        CHECK(weft_thread_new(worker, weft_lock_clone(lock), lock_free, &t));
        CHECK(weft_thread_start(t));
        weft_thread_free(t);
    }
    weft_lock_free(lock);
    return 0;
}
