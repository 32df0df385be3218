/*
 * Notes "Basics of multithreading": a thread runs its target once started. Once it has run and
 * terminated, starting it again is an error: CPython raises RuntimeError, weft returns
 * WEFT_STATUS_ALREADY_STARTED, printed here with its message.
 */
#include "tutorial.h"

static void *foo(void *arg) {
    (void)arg;
    printf("Hello threading!\n");
    return NULL;
}

int main(void) {
    weft_thread *my_thread;
    CHECK(weft_thread_new(foo, NULL, NULL, &my_thread)); /* threading.Thread(target=foo) */
    CHECK(weft_thread_start(my_thread));                 /* prints 'Hello threading!' */
    CHECK(weft_thread_join(my_thread, WEFT_TIMEOUT_FOREVER)); /* "has run and terminated" */

    weft_status status = weft_thread_start(my_thread);
    printf("RuntimeError: %s\n", weft_status_str((int)status));
    weft_thread_free(my_thread);
    return 0;
}
