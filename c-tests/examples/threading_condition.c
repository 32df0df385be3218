/*
 * PyMOTW threading_condition: two consumers wait on a Condition until the producer makes the
 * resource available and notifies them all. Sleeps are scaled down (2 s become 0.25 s); log lines
 * keep the seed's "(%(threadName)-2s) %(message)s" without the timestamp.
 */
#include "tutorial.h"

static void logline(const char *message) {
    char name[64];
    printf("(%-2s) %s\n", current_name(name, sizeof name), message);
}

/* wait for the condition and use the resource */
static void *consumer(void *arg) {
    weft_condition *cond = arg;
    logline("Starting consumer thread");
    CHECK(weft_condition_acquire(cond, true, WEFT_TIMEOUT_FOREVER)); /* with cond: */
    CHECK(weft_condition_wait(cond, WEFT_TIMEOUT_FOREVER));
    logline("Resource is available to consumer");
    CHECK(weft_condition_release(cond));
    return NULL;
}

/* set up the resource to be used by the consumer */
static void *producer(void *arg) {
    weft_condition *cond = arg;
    logline("Starting producer thread");
    CHECK(weft_condition_acquire(cond, true, WEFT_TIMEOUT_FOREVER)); /* with cond: */
    logline("Making resource available");
    CHECK(weft_condition_notify_all(cond));
    CHECK(weft_condition_release(cond));
    return NULL;
}

static void free_condition(void *cond) {
    weft_condition_free(cond);
}

/* Starts fn with its own reference to cond, released when the thread is done with it. */
static weft_thread *start(weft_thread_fn fn, weft_condition *cond, const char *name) {
    weft_thread *t;
    CHECK(weft_thread_new(fn, weft_condition_clone(cond), free_condition, &t));
    CHECK(weft_thread_set_name(t, name));
    CHECK(weft_thread_start(t));
    return t;
}

int main(void) {
    weft_condition *condition;
    CHECK(weft_condition_new(&condition));
    weft_thread *c1 = start(consumer, condition, "c1");
    sleep_s(0.25);
    weft_thread *c2 = start(consumer, condition, "c2");
    sleep_s(0.25);
    weft_thread *p = start(producer, condition, "p");

    weft_thread_free(c1);
    weft_thread_free(c2);
    weft_thread_free(p);
    weft_condition_free(condition); /* each thread holds its own reference */
    return 0;                       /* weft waits for the three threads at exit */
}
