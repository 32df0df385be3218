/*
 * Notes "Create a Custom Thread Class": a Thread subclass whose run() sleeps (5 s, scaled to
 * 0.1 s) and prints; main joins it, then continues. The seed's "form" typo is kept.
 */
#include "tutorial.h"

/* Sleepy.run */
static void *sleepy_run(void *arg) {
    (void)arg;
    sleep_s(0.1);
    printf("Hello form Thread\n");
    return NULL;
}

int main(void) {
    weft_thread *t;
    CHECK(weft_thread_new(sleepy_run, NULL, NULL, &t)); /* t = Sleepy() */
    CHECK(weft_thread_start(t)); /* start method automatic call Thread class run method. */
    CHECK(weft_thread_join(t, WEFT_TIMEOUT_FOREVER));
    printf("The main program continues to run in the foreground.\n");
    weft_thread_free(t);
    return 0;
}
