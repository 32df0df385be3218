/*
 * Course "Nonblocking Locking": acquire(False) returns at once, False while the lock is held and
 * True once it is free.
 */
#include "tutorial.h"

int main(void) {
    weft_lock *lock;
    CHECK(weft_lock_new(&lock));
    CHECK(weft_lock_acquire(lock, true, WEFT_TIMEOUT_FOREVER));
    if (!acquired(weft_lock_acquire(lock, false, WEFT_TIMEOUT_FOREVER))) {
        printf("couldn't get lock\n");
    }
    CHECK(weft_lock_release(lock));
    if (acquired(weft_lock_acquire(lock, false, WEFT_TIMEOUT_FOREVER))) {
        printf("got lock\n");
    }
    weft_lock_free(lock);
    return 0;
}
