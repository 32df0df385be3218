/*
 * Python in a Nutshell, "Condition objects": a thread that needs shared state s to reach some
 * value waits in a loop,
 *
 *     c.acquire()
 *     while not is_ok_state(s):
 *         c.wait()
 *     c.release()
 *
 * and each thread that changes s notifies:
 *
 *     c.acquire()
 *     c.notify()    # or, c.notifyAll()
 *     c.release()
 *
 * Here a producer changes the state from 1 to 5; a consumer waits for each value in turn and
 * acknowledges it, and the producer waits (the same loop) for the acknowledgement before the
 * next change, so the consumer sees every state it waits for. The condition is Condition()
 * over its default RLock. Last, the contract: wait and notify without the lock are refused.
 */
#include "tutorial.h"

#define STATES 5

static weft_condition *c;
static int s;     /* the shared state */
static int acked; /* the last state the consumer saw */

/* while not is_ok_state(s): c.wait() -- the caller holds c's lock. */
static void wait_until_equal(const int *value, int wanted) {
    while (*value != wanted) {
        CHECK(weft_condition_wait(c, WEFT_TIMEOUT_FOREVER));
    }
}

static void *producer(void *arg) {
    (void)arg;
    for (int i = 1; i <= STATES; i++) {
        CHECK(weft_condition_acquire(c, true, WEFT_TIMEOUT_FOREVER));
        s = i;
        printf("producer: state is now %d\n", s);
        CHECK(weft_condition_notify(c, 1));
        wait_until_equal(&acked, i);
        CHECK(weft_condition_release(c));
    }
    return NULL;
}

static void *consumer(void *arg) {
    (void)arg;
    for (int i = 1; i <= STATES; i++) {
        CHECK(weft_condition_acquire(c, true, WEFT_TIMEOUT_FOREVER));
        wait_until_equal(&s, i);
        printf("consumer: saw state %d\n", s);
        acked = i;
        CHECK(weft_condition_notify(c, 1));
        CHECK(weft_condition_release(c));
    }
    return NULL;
}

int main(void) {
    CHECK(weft_condition_new(&c));
    weft_thread *cons = spawn(consumer, NULL, "consumer");
    weft_thread *prod = spawn(producer, NULL, "producer");
    CHECK(weft_thread_join(cons, WEFT_TIMEOUT_FOREVER));
    CHECK(weft_thread_join(prod, WEFT_TIMEOUT_FOREVER));
    weft_thread_free(cons);
    weft_thread_free(prod);

    /* Waiting or notifying without the lock is refused, as in Python. */
    printf("wait without the lock: %s\n", weft_status_str(weft_condition_wait(c, 0.0)));
    printf("notify without the lock: %s\n", weft_status_str(weft_condition_notify(c, 1)));
    weft_condition_free(c);
    return 0;
}
