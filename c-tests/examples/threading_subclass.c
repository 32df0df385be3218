/*
 * PyMOTW threading_subclass: a Thread subclass overriding run(). In C the thread function is
 * the run method; the thread object it belongs to is the current thread.
 */
#include "tutorial.h"

/* MyThread.run */
static void *my_thread_run(void *arg) {
    (void)arg;
    char name[64];
    printf("MyThread: %s\n", current_name(name, sizeof name));
    return NULL;
}

int main(void) {
    for (int i = 0; i < 5; i++) {
        weft_thread *t;
        CHECK(weft_thread_new(my_thread_run, NULL, NULL, &t)); /* t = MyThread() */
        CHECK(weft_thread_start(t));
        weft_thread_free(t);
    }
    return 0;
}
