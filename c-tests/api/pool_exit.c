/*
 * A program that submits work to two pools and returns from main without shutting them down:
 * one pool's handle is freed, the other is kept. At exit weft shuts every pool down, lets the
 * queued tasks run and waits for the workers (CPython's _python_exit), so every task prints its
 * line and the idle workers do not keep the process alive.
 */
#include "tutorial.h"

#include <stdint.h>

static int task(void *arg, void **result_out) {
    (void)result_out;
    sleep_s(0.005);
    printf("task %d done\n", (int)(intptr_t)arg);
    return 0;
}

static void submit(weft_pool *pool, int id) {
    weft_future *future;
    CHECK(weft_pool_submit(pool, task, (void *)(intptr_t)id, NULL, &future));
    weft_future_free(future);
}

int main(void) {
    weft_pool *kept, *freed;
    CHECK(weft_pool_new(2, "kept", NULL, NULL, NULL, &kept));
    CHECK(weft_pool_new(1, "freed", NULL, NULL, NULL, &freed));
    for (int i = 0; i < 5; i++) {
        submit(kept, i);
    }
    for (int i = 10; i < 13; i++) {
        submit(freed, i);
    }
    weft_pool_free(freed);
    printf("main returns\n");
    return 0; /* `kept` is never shut down nor freed */
}
