/*
 * PyMOTW threading_rlock: threading_lock_reacquire with an RLock, which the thread that holds it
 * may acquire again, so the second try succeeds.
 */
#include "tutorial.h"

static weft_rlock *lock;

static void second(void) {
    bool ok = acquired(weft_rlock_acquire(lock, false, WEFT_TIMEOUT_FOREVER));
    printf("Second try: %s\n", py_bool(ok));
}

static void first(void) {
    bool ok = acquired(weft_rlock_acquire(lock, true, WEFT_TIMEOUT_FOREVER));
    printf("First try: %s\n", py_bool(ok));
    second();
}

int main(void) {
    CHECK(weft_rlock_new(&lock));
    first();
    weft_rlock_free(lock);
    return 0;
}
