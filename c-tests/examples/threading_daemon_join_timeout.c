/*
 * PyMOTW threading_daemon_join_timeout: join(timeout) gives up before the daemon finishes, so the
 * daemon is still alive afterwards; main then returns and the daemon is abandoned. The join
 * timeout is scaled from 1 s to 0.1 s; the daemon keeps its 2 s sleep (the process does not wait
 * for it), so the join always times out.
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
    CHECK(weft_thread_new_named(daemon_fn, NULL, NULL, "daemon", &d));
    CHECK(weft_thread_set_daemon(d, true));
    CHECK(weft_thread_new_named(non_daemon, NULL, NULL, "non-daemon", &t));

    CHECK(weft_thread_start(d));
    CHECK(weft_thread_start(t));
    weft_status status = weft_thread_join(d, 0.1); /* d.join(1): returns when the time is up */
    if (status != WEFT_STATUS_TIMEOUT) {
        CHECK(status);
    }
    printf("d.isAlive() %s\n", py_bool(weft_thread_is_alive(d)));
    CHECK(weft_thread_join(t, WEFT_TIMEOUT_FOREVER));
    CHECK(weft_event_wait(daemon_started, WEFT_TIMEOUT_FOREVER));
    weft_thread_free(d);
    weft_thread_free(t);
    return 0;
}
