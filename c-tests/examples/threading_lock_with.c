/*
 * PyMOTW threading_lock_with: the lock taken by a `with` block and by acquire/try/finally. C has
 * no `with`, so both workers acquire and release explicitly; the first keeps the critical section
 * to the block the `with` statement covers.
 */
#include "tutorial.h"

static void *worker_with(void *arg) {
    weft_lock *lock = arg;
    CHECK(weft_lock_acquire(lock, true, WEFT_TIMEOUT_FOREVER)); /* with lock: */
    {
        printf("Lock acquired via with\n");
    }
    CHECK(weft_lock_release(lock));
    return NULL;
}

static void *worker_no_with(void *arg) {
    weft_lock *lock = arg;
    CHECK(weft_lock_acquire(lock, true, WEFT_TIMEOUT_FOREVER));
    /* try: */
    printf("Lock acquired directly\n");
    /* finally: */
    CHECK(weft_lock_release(lock));
    return NULL;
}

/* Drops a worker's reference to the lock when it is done with it. */
static void lock_free(void *lock) {
    weft_lock_free(lock);
}

int main(void) {
    weft_lock *lock;
    weft_thread *w, *nw;
    CHECK(weft_lock_new(&lock));
    CHECK(weft_thread_new(worker_with, weft_lock_clone(lock), lock_free, &w));
    CHECK(weft_thread_new(worker_no_with, weft_lock_clone(lock), lock_free, &nw));
    CHECK(weft_thread_start(w));
    CHECK(weft_thread_start(nw));
    weft_thread_free(w);
    weft_thread_free(nw);
    weft_lock_free(lock);
    return 0;
}
