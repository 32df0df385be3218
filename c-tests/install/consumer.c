/*
 * A program built against an installed weft (ci/test-install.sh builds it with pkg-config,
 * shared and static, and with CMake): a thread returns its argument through a queue, and the
 * header's version matches the library's.
 */
#include <stdio.h>
#include <weft.h>

static weft_queue *queue;

static void *worker(void *arg) {
    if (weft_queue_put(queue, arg, true, WEFT_TIMEOUT_FOREVER) != WEFT_STATUS_OK) {
        return NULL;
    }
    return arg;
}

int main(void) {
    weft_thread *thread;
    void *item = NULL;
    if (weft_queue_new(WEFT_QUEUE_FIFO, 0, NULL, &queue) != WEFT_STATUS_OK ||
        weft_thread_new(worker, (void *)"hello", NULL, &thread) != WEFT_STATUS_OK ||
        weft_thread_start(thread) != WEFT_STATUS_OK ||
        weft_queue_get(queue, true, 5.0, &item) != WEFT_STATUS_OK ||
        weft_thread_join(thread, 5.0) != WEFT_STATUS_OK) {
        fprintf(stderr, "consumer: a weft call failed\n");
        return 1;
    }
    printf("%s from weft %s\n", (const char *)item, weft_version_string());
    weft_thread_free(thread);
    weft_queue_free(queue);
    return weft_version_number() == WEFT_VERSION_NUMBER ? 0 : 1;
}
