/*
 * Python Notes "Communicating between threads": a producer puts data on a Queue, a consumer gets
 * it, processes it and calls task_done(). The seed's loops run forever; here the producer makes
 * ten items, main waits until every item has been processed with join(), then shuts the queue
 * down (Python 3.13's Queue.shutdown), which ends the consumer's loop.
 */
#include "tutorial.h"

#define ITEMS 10

static int data_computation(int i) {
    return i * i;
}

/* create a data producer */
static void *producer(void *arg) {
    weft_queue *output_queue = arg;
    for (int i = 0; i < ITEMS; i++) {
        int *data = malloc(sizeof *data);
        if (data == NULL) {
            abort();
        }
        *data = data_computation(i);
        printf("produced %d\n", *data);
        CHECK(weft_queue_put(output_queue, data, true, WEFT_TIMEOUT_FOREVER));
    }
    return NULL;
}

/* create a consumer */
static void *consumer(void *arg) {
    weft_queue *input_queue = arg;
    void *item;
    weft_status status;
    /* retrieve data (blocking), until the queue is shut down and empty */
    while ((status = weft_queue_get(input_queue, true, WEFT_TIMEOUT_FOREVER, &item)) ==
           WEFT_STATUS_OK) {
        int *data = item;
        printf("consumed %d\n", *data); /* do something with the data */
        free(data);
        CHECK(weft_queue_task_done(input_queue)); /* indicate data has been consumed */
    }
    if (status != WEFT_STATUS_SHUT_DOWN) {
        CHECK(status);
    }
    return NULL;
}

int main(void) {
    weft_queue *q;
    /* q = Queue(); items left in it at the end would be released with free() */
    CHECK(weft_queue_new(WEFT_QUEUE_FIFO, 0, free, &q));

    weft_thread *t1 = spawn(consumer, q, NULL);
    weft_thread *t2 = spawn(producer, q, NULL);

    CHECK(weft_thread_join(t2, WEFT_TIMEOUT_FOREVER));
    CHECK(weft_queue_join(q, WEFT_TIMEOUT_FOREVER)); /* every item got and task_done() */
    printf("all %d items processed\n", ITEMS);
    CHECK(weft_queue_shutdown(q, false, NULL, NULL));
    CHECK(weft_thread_join(t1, WEFT_TIMEOUT_FOREVER));

    weft_thread_free(t1);
    weft_thread_free(t2);
    weft_queue_free(q);
    return 0;
}
