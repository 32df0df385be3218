/* The C side of the cross-language tests of the bindings (bindings/ruby/test/test_cross_language.rb,
 * bindings/go/cross_language_test.go): C makes a lock and a queue, the host language uses the same
 * handles. */
#include <stdint.h>
#include <weft.h>

int shared_new(weft_lock **lock, weft_queue **queue) {
    if (weft_lock_new(lock) != WEFT_STATUS_OK) return -1;
    return weft_queue_new(WEFT_QUEUE_FIFO, 0, NULL, queue) == WEFT_STATUS_OK ? 0 : -1;
}

/* Whether C can take the lock now (it cannot while the host holds it). */
int shared_try_lock(weft_lock *lock) {
    if (weft_lock_acquire(lock, false, WEFT_TIMEOUT_FOREVER) != WEFT_STATUS_OK) return 0;
    (void)weft_lock_release(lock);
    return 1;
}

/* Takes an item the host put, waiting at most a second; -1 if none came. */
intptr_t shared_get(weft_queue *queue) {
    void *item;
    return weft_queue_get(queue, true, 1.0, &item) == WEFT_STATUS_OK ? (intptr_t)item : -1;
}

static void *worker(void *arg) {
    void **objects = arg;
    /* Blocks until the host releases the lock, then answers through the queue. */
    if (weft_lock_acquire(objects[0], true, 5.0) != WEFT_STATUS_OK) return NULL;
    (void)weft_queue_put(objects[1], (void *)(intptr_t)42, true, WEFT_TIMEOUT_FOREVER);
    (void)weft_lock_release(objects[0]);
    return NULL;
}

/* Starts a C thread (no host code in it) that waits for the lock, then puts 42. */
int shared_start(weft_lock *lock, weft_queue *queue, weft_thread **thread) {
    static void *objects[2];
    objects[0] = lock;
    objects[1] = queue;
    if (weft_thread_new(worker, objects, NULL, thread) != WEFT_STATUS_OK) return -1;
    return weft_thread_start(*thread) == WEFT_STATUS_OK ? 0 : -1;
}
