/*
 * PyMOTW threading_names: each thread prints its own name. Two threads are named when they are
 * created ("my_service", "worker"); the third keeps the default name, Thread-1: naming a thread
 * does not use up a number. Sleeps scaled from 2 s and 3 s to 0.1 s and 0.15 s.
 */
#include "tutorial.h"

static void *worker(void *arg) {
    (void)arg;
    char name[64];
    printf("%s Starting\n", current_name(name, sizeof name));
    fflush(stdout);
    sleep_s(0.1);
    printf("%s Exiting\n", current_name(name, sizeof name));
    return NULL;
}

static void *my_service(void *arg) {
    (void)arg;
    char name[64];
    printf("%s Starting\n", current_name(name, sizeof name));
    fflush(stdout);
    sleep_s(0.15);
    printf("%s Exiting\n", current_name(name, sizeof name));
    return NULL;
}

int main(void) {
    weft_thread *t, *w, *w2;
    CHECK(weft_thread_new_named(my_service, NULL, NULL, "my_service", &t));
    CHECK(weft_thread_new_named(worker, NULL, NULL, "worker", &w));
    CHECK(weft_thread_new(worker, NULL, NULL, &w2)); /* use default name */

    CHECK(weft_thread_start(w));
    CHECK(weft_thread_start(w2));
    CHECK(weft_thread_start(t));
    weft_thread_free(t);
    weft_thread_free(w);
    weft_thread_free(w2);
    return 0;
}
