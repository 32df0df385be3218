/*
 * PyMOTW threading_simpleargs: passing an argument to the thread function, here the loop index
 * carried in the `void *` argument (Python: `args=(i,)`). Each worker prints "Worker: i".
 */
#include "tutorial.h"

#include <stdint.h>

/* thread worker function */
static void *worker(void *arg) {
    int num = (int)(intptr_t)arg;
    printf("Worker: %d\n", num);
    return NULL;
}

int main(void) {
    weft_thread *threads[5];
    for (int i = 0; i < 5; i++) {
        CHECK(weft_thread_new(worker, (void *)(intptr_t)i, NULL, &threads[i]));
        CHECK(weft_thread_start(threads[i]));
    }
    for (int i = 0; i < 5; i++) {
        weft_thread_free(threads[i]);
    }
    return 0;
}
