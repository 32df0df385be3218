/*
 * Notes "A very basic example on threading": five workers start, all sleep at the same time
 * (10 s, printed as in the seed, scaled to 0.2 s), then all finish.
 */
#include "tutorial.h"

#include <stdint.h>

static void *worker(void *arg) {
    int i = (int)(intptr_t)arg;
    printf("sleeping 10 sec from thread %d\n", i);
    fflush(stdout);
    sleep_s(0.2);
    printf("finished sleeping from thread %d\n", i);
    fflush(stdout);
    return NULL;
}

int main(void) {
    for (int i = 0; i < 5; i++) {
        weft_thread *t;
        CHECK(weft_thread_new(worker, (void *)(intptr_t)i, NULL, &t)); /* args=(i,) */
        CHECK(weft_thread_start(t));
        weft_thread_free(t);
    }
    return 0;
}
