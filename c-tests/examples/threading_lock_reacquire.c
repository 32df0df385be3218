/*
 * PyMOTW threading_lock_reacquire: a Lock is not reentrant. first() takes the lock and calls
 * second(), whose non-blocking acquire fails: a blocking one would wait forever.
 */
#include "tutorial.h"

static weft_lock *lock;

static void second(void) {
    bool ok = acquired(weft_lock_acquire(lock, false, WEFT_TIMEOUT_FOREVER));
    printf("Second try: %s\n", py_bool(ok));
}

static void first(void) {
    bool ok = acquired(weft_lock_acquire(lock, true, WEFT_TIMEOUT_FOREVER));
    printf("First try: %s\n", py_bool(ok));
    second();
}

int main(void) {
    CHECK(weft_lock_new(&lock));
    first();
    weft_lock_free(lock);
    return 0;
}
