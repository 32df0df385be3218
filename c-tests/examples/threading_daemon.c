/*
 * PyMOTW threading_daemon: a daemon thread does not keep the process alive. main returns while
 * the daemon sleeps; weft waits for the non-daemon thread only, so "Exiting : daemon" is never
 * printed.
 */
#include "tutorial.h"

/* Set once the daemon has printed: main ends only after that, as in the seed (where the daemon
 * prints at once and then sleeps). Otherwise exit()'s flush of stdout, which does not lock
 * against other threads, could race the daemon's own printf and write its line twice. */
static weft_event *daemon_started;

static void *daemon_fn(void *arg) {
    (void)arg;
    char name[64];
    printf("Starting: %s\n", current_name(name, sizeof name));
    fflush(stdout);
    CHECK(weft_event_set(daemon_started));
    sleep_s(2);
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
    CHECK(weft_event_new(&daemon_started));
    CHECK(weft_thread_new(daemon_fn, NULL, NULL, &d));
    CHECK(weft_thread_set_name(d, "daemon"));
    CHECK(weft_thread_set_daemon(d, true));
    CHECK(weft_thread_new(non_daemon, NULL, NULL, &t));
    CHECK(weft_thread_set_name(t, "non-daemon"));

    CHECK(weft_thread_start(d));
    CHECK(weft_thread_start(t));
    CHECK(weft_event_wait(daemon_started, WEFT_TIMEOUT_FOREVER));
    weft_thread_free(d);
    weft_thread_free(t);
    return 0; /* weft waits for "non-daemon" here, not for "daemon" */
}
