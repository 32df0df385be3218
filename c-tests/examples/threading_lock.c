/*
 * PyMOTW threading_lock: five workers increment a Lock-protected counter three times each,
 * pausing a random time before each increment; main joins every thread enumerate() lists except
 * itself, then prints the total, 15. Logging format '(%(threadName)-10s) %(message)s'. Pauses are
 * printed as in the seed (0-1 s) and scaled by 1/20 when slept.
 */
#include "tutorial.h"

#include <stdarg.h>

/* logging.debug(fmt, ...) */
static void debug(const char *fmt, ...) {
    char name[64], msg[128];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    printf("(%-10s) %s\n", current_name(name, sizeof name), msg);
}

typedef struct {
    weft_lock *lock;
    int value;
} counter;

static void counter_increment(counter *c) {
    CHECK(weft_lock_acquire(c->lock, true, WEFT_TIMEOUT_FOREVER));
    /* try: */
    debug("Acquired lock");
    c->value = c->value + 1;
    /* finally: */
    CHECK(weft_lock_release(c->lock));
}

static void *worker(void *arg) {
    counter *c = arg;
    for (int i = 0; i < 3; i++) {
        double pause = random_random();
        debug("Sleeping %0.02f", pause);
        sleep_s(pause / 20);
        counter_increment(c);
    }
    debug("Done");
    return NULL;
}

int main(void) {
    counter c = {.value = 0};
    CHECK(weft_lock_new(&c.lock));
    for (int i = 0; i < 5; i++) {
        weft_thread *t;
        CHECK(weft_thread_new(worker, &c, NULL, &t));
        CHECK(weft_thread_start(t));
        weft_thread_free(t);
    }

    debug("Waiting for worker threads");
    weft_thread *main_thread = weft_current_thread();
    weft_thread **threads;
    size_t count;
    CHECK(weft_enumerate(&threads, &count));
    for (size_t i = 0; i < count; i++) {
        if (!weft_thread_is(threads[i], main_thread)) {
            CHECK(weft_thread_join(threads[i], WEFT_TIMEOUT_FOREVER));
        }
    }
    weft_thread_array_free(threads, count);
    weft_thread_free(main_thread);
    debug("Counter: %d", c.value);
    weft_lock_free(c.lock);
    return 0;
}
