/*
 * Notes "Daemon threads": a daemon thread does not keep the process alive. foo, still sleeping
 * (2 s) when main returns, is cut off: "Hello threading!" is never printed.
 */
#include "tutorial.h"

static void *foo(void *arg) {
    (void)arg;
    sleep_s(2);
    printf("Hello threading!\n");
    return NULL;
}

int main(void) {
    weft_thread *my_thread;
    CHECK(weft_thread_new(foo, NULL, NULL, &my_thread)); /* threading.Thread(target=foo) */
    CHECK(weft_thread_set_daemon(my_thread, true));      /* my_thread.setDaemon(True) */
    CHECK(weft_thread_start(my_thread));
    printf("my_thread.daemon: %s\n", py_bool(weft_thread_is_daemon(my_thread)));
    printf("my_thread.is_alive(): %s\n", py_bool(weft_thread_is_alive(my_thread)));
    weft_thread_free(my_thread);
    return 0; /* no non-daemon thread is left: the process exits without waiting for foo */
}
