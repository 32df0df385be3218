/*
 * Course "Race Conditions" (race_condition.py): threads add to a shared counter by reading it,
 * increasing the value and writing it back. Without a lock two threads can read the same value
 * and one update is lost; with a Lock around the three steps, none is. The read and the write are
 * separate atomic operations, so the race loses updates without being undefined behaviour in C.
 */
#include "tutorial.h"

#include <stdatomic.h>

enum { THREADS = 4, INCREMENTS = 100000 };

static atomic_int counter;
static weft_lock *counter_lock;

static void increment(void) {
    int value = atomic_load_explicit(&counter, memory_order_relaxed); /* read value */
    value = value + 1;                                                 /* increase value */
    atomic_store_explicit(&counter, value, memory_order_relaxed);      /* write back */
}

static void *unlocked_worker(void *arg) {
    (void)arg;
    for (int i = 0; i < INCREMENTS; i++) {
        increment();
    }
    return NULL;
}

static void *locked_worker(void *arg) {
    (void)arg;
    for (int i = 0; i < INCREMENTS; i++) {
        CHECK(weft_lock_acquire(counter_lock, true, WEFT_TIMEOUT_FOREVER)); /* with lock: */
        increment();
        CHECK(weft_lock_release(counter_lock));
    }
    return NULL;
}

/* Runs THREADS threads of `worker` on a counter starting at 0 and returns the final count. */
static int run(weft_thread_fn worker) {
    weft_thread *threads[THREADS];
    atomic_store(&counter, 0);
    for (int i = 0; i < THREADS; i++) {
        CHECK(weft_thread_new(worker, NULL, NULL, &threads[i]));
        CHECK(weft_thread_start(threads[i]));
    }
    for (int i = 0; i < THREADS; i++) {
        CHECK(weft_thread_join(threads[i], WEFT_TIMEOUT_FOREVER));
        weft_thread_free(threads[i]);
    }
    return atomic_load(&counter);
}

int main(void) {
    CHECK(weft_lock_new(&counter_lock));
    printf("expected: %d\n", THREADS * INCREMENTS);
    printf("without lock: %d\n", run(unlocked_worker));
    printf("with lock: %d\n", run(locked_worker));
    weft_lock_free(counter_lock);
    return 0;
}
