/*
 * PyMOTW threading_enumerate: main waits for daemon workers it kept no handles to, by joining
 * every thread enumerate() lists except itself (joining oneself is an error). Each worker sleeps
 * a random 1-5 units, printed as in the seed; a unit is scaled from 1 s to 0.05 s.
 */
#include "tutorial.h"

/* thread worker function */
static void *worker(void *arg) {
    (void)arg;
    char name[64];
    current_name(name, sizeof name); /* t = threading.currentThread() */
    int pause = random_randint(1, 5);
    printf("Starting: %s sleeping %d\n", name, pause);
    fflush(stdout);
    sleep_s(pause * 0.05);
    printf("Ending : %s\n", name);
    fflush(stdout);
    return NULL;
}

int main(void) {
    for (int i = 0; i < 3; i++) {
        weft_thread *t;
        CHECK(weft_thread_new(worker, NULL, NULL, &t));
        CHECK(weft_thread_set_daemon(t, true));
        CHECK(weft_thread_start(t));
        weft_thread_free(t);
    }

    weft_thread *main_thread = weft_current_thread();
    weft_thread **threads;
    size_t count;
    CHECK(weft_enumerate(&threads, &count));
    for (size_t i = 0; i < count; i++) {
        weft_thread *t = threads[i];
        /* `t is main_thread` */
        if (weft_thread_is(t, main_thread)) {
            continue;
        }
        char name[64];
        CHECK(weft_thread_get_name(t, name, sizeof name, NULL));
        printf("Joining : %s\n", name);
        fflush(stdout);
        CHECK(weft_thread_join(t, WEFT_TIMEOUT_FOREVER));
    }
    weft_thread_array_free(threads, count);
    weft_thread_free(main_thread);
    return 0;
}
