/*
 * PyMOTW threading_simple: five threads, each given a target function and started; each prints
 * "Worker". main keeps the handles in a list, as the seed does, and returns: weft waits for the
 * non-daemon workers at exit.
 */
#include "tutorial.h"

/* thread worker function */
static void *worker(void *arg) {
    (void)arg;
    printf("Worker\n");
    return NULL;
}

int main(void) {
    weft_thread *threads[5];
    for (int i = 0; i < 5; i++) {
        CHECK(weft_thread_new(worker, NULL, NULL, &threads[i])); /* Thread(target=worker) */
        CHECK(weft_thread_start(threads[i]));
    }
    for (int i = 0; i < 5; i++) {
        weft_thread_free(threads[i]);
    }
    return 0;
}
