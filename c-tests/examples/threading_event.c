/*
 * PyMOTW threading_event: one thread waits for an Event without a timeout ("block"), another
 * with one ("non-block"), which expires before main sets the event. Sleeps are scaled down (2 s
 * and 3 s become 0.2 s and 0.6 s) keeping the timeout well before the set; log lines keep the
 * seed's "(%(threadName)-10s) %(message)s" without the timestamp.
 */
#include "tutorial.h"

static weft_event *e;

static void logline(const char *message) {
    char name[64];
    printf("(%-10s) %s\n", current_name(name, sizeof name), message);
}

static void log_is_set(void) {
    logline(weft_event_is_set(e) ? "e.isSet()->True" : "e.isSet()->False");
}

/* Wait for the event to be set before doing anything */
static void *wait_for_event(void *arg) {
    (void)arg;
    logline("wait_for_event starting");
    CHECK(weft_event_wait(e, WEFT_TIMEOUT_FOREVER));
    log_is_set();
    return NULL;
}

/* Wait t seconds and then timeout */
static void *wait_for_event_timeout(void *arg) {
    double t = *(const double *)arg;
    logline("wait_for_event_timeout starting");
    weft_status status = weft_event_wait(e, t);
    if (status != WEFT_STATUS_OK && status != WEFT_STATUS_TIMEOUT) {
        CHECK(status);
    }
    log_is_set();
    return NULL;
}

int main(void) {
    static const double timeout = 0.2;
    CHECK(weft_event_new(&e));
    weft_thread *t1 = spawn(wait_for_event, NULL, "block");
    weft_thread *t2 = spawn(wait_for_event_timeout, (void *)&timeout, "non-block");

    logline("Waiting before calling Event.set()");
    sleep_s(0.6);
    CHECK(weft_event_set(e));
    logline("Event is set");

    weft_thread_free(t1);
    weft_thread_free(t2);
    return 0; /* weft waits for both threads at exit */
}
