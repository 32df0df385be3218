/*
 * PyMOTW threading_timer: two Timers (threads that run a function after a delay); t2 is
 * cancelled before it fires and never runs. t1 is not a daemon, so it fires after main has
 * printed "Main thread done" and returned: weft waits for it at exit. The seed's 3 s delay and
 * 2 s wait are scaled to 1 s and 0.5 s.
 */
#include "tutorial.h"

static void *delayed(void *arg) {
    (void)arg;
    char name[64];
    printf("Worker running %s\n", current_name(name, sizeof name));
    return NULL;
}

int main(void) {
    weft_thread *t1, *t2;
    CHECK(weft_timer_new(1.0, delayed, NULL, NULL, &t1));
    CHECK(weft_thread_set_name(t1, "t1"));
    CHECK(weft_timer_new(1.0, delayed, NULL, NULL, &t2));
    CHECK(weft_thread_set_name(t2, "t2"));

    printf("Starting timers\n");
    CHECK(weft_thread_start(t1));
    CHECK(weft_thread_start(t2));

    char name[64];
    CHECK(weft_thread_get_name(t2, name, sizeof name, NULL));
    printf("Waiting before canceling %s\n", name);
    sleep_s(0.5);
    printf("Canceling %s\n", name);
    CHECK(weft_timer_cancel(t2));
    printf("Main thread done\n");

    weft_thread_free(t1);
    weft_thread_free(t2);
    return 0; /* weft waits for the non-daemon t1 here */
}
