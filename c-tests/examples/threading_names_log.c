/*
 * PyMOTW threading_names_log: threading_names with the thread name in every log line, in
 * logging's format '[%(levelname)s] (%(threadName)-10s) %(message)s'. Sleeps scaled from 2 s
 * and 3 s to 0.1 s and 0.15 s.
 */
#include "tutorial.h"

/* logging.debug(msg) */
static void debug(const char *msg) {
    char name[64];
    printf("[DEBUG] (%-10s) %s\n", current_name(name, sizeof name), msg);
    fflush(stdout);
}

static void *worker(void *arg) {
    (void)arg;
    debug("Starting");
    sleep_s(0.1);
    debug("Exiting");
    return NULL;
}

static void *my_service(void *arg) {
    (void)arg;
    debug("Starting");
    sleep_s(0.15);
    debug("Exiting");
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
