/* The C side of CrossLanguageTest.java: C makes a lock and a queue, Java uses the same handles. */
#include <stdint.h>
#include <weft.h>

static weft_lock *lock;
static weft_queue *queue;

/* Makes the shared lock and queue; the Java side wraps them (taking references of its own). */
int java_shared_new(weft_lock **lock_out, weft_queue **queue_out) {
    if (weft_lock_new(&lock) != WEFT_STATUS_OK) return -1;
    if (weft_queue_new(WEFT_QUEUE_FIFO, 0, NULL, &queue) != WEFT_STATUS_OK) return -1;
    *lock_out = lock;
    *queue_out = queue;
    return 0;
}

/* 1 if C can take the lock now, 0 if someone (Java) holds it. */
int java_shared_lock_free_now(void) {
    if (weft_lock_acquire(lock, false, WEFT_TIMEOUT_FOREVER) != WEFT_STATUS_OK) return 0;
    (void)weft_lock_release(lock);
    return 1;
}

/* Takes an item Java put, waiting at most a second; -1 if none came. */
intptr_t java_shared_get(void) {
    void *item;
    return weft_queue_get(queue, true, 1.0, &item) == WEFT_STATUS_OK ? (intptr_t)item : -1;
}

static void *producer(void *arg) {
    (void)arg;
    /* Waits until Java releases the lock, then puts 1, 2, 3 while holding it. */
    if (weft_lock_acquire(lock, true, 5.0) != WEFT_STATUS_OK) return NULL;
    for (intptr_t i = 1; i <= 3; i++) {
        if (weft_queue_put(queue, (void *)i, true, WEFT_TIMEOUT_FOREVER) != WEFT_STATUS_OK) break;
    }
    (void)weft_lock_release(lock);
    return NULL;
}

/* Starts a C thread (no Java in it) running producer; the caller joins and frees it. */
int java_shared_start(weft_thread **thread_out) {
    if (weft_thread_new(producer, NULL, NULL, thread_out) != WEFT_STATUS_OK) return -1;
    return weft_thread_start(*thread_out) == WEFT_STATUS_OK ? 0 : -1;
}

/* Drops C's own references. */
void java_shared_free(void) {
    weft_lock_free(lock);
    weft_queue_free(queue);
}
