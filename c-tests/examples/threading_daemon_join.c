/*
 * PyMOTW threading_daemon_join: threading_daemon, but main joins both threads, so it waits for
 * the daemon too and its "Exiting : daemon" is printed. Sleep scaled from 2 s to 0.1 s.
 */
#include "tutorial.h"

static void *daemon_fn(void *arg) {
    (void)arg;
    char name[64];
    printf("Starting: %s\n", current_name(name, sizeof name));
    fflush(stdout);
    sleep_s(0.1);
    printf("Exiting : %s\n", current_name(name, sizeof name));
    return NULL;
}

static void *non_daemon(void *arg) {
    (void)arg;
    char name[64];
    printf("Starting: %s\n", current_name(name, sizeof name));
    printf("Exiting : %s\n", current_name(name, sizeof name));
    fflush(stdout);
    return NULL;
}

int main(void) {
    weft_thread *d, *t;
    CHECK(weft_thread_new_named(daemon_fn, NULL, NULL, "daemon", &d));
    CHECK(weft_thread_set_daemon(d, true));
    CHECK(weft_thread_new_named(non_daemon, NULL, NULL, "non-daemon", &t));

    CHECK(weft_thread_start(d));
    CHECK(weft_thread_start(t));
    CHECK(weft_thread_join(d, WEFT_TIMEOUT_FOREVER));
    CHECK(weft_thread_join(t, WEFT_TIMEOUT_FOREVER));
    weft_thread_free(d);
    weft_thread_free(t);
    return 0;
}
