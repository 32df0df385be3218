/*
 * Course "Subclassing Thread": a Thread subclass implementing run(). In C the thread function is
 * the run method.
 */
#include "tutorial.h"

/* MyThread.run */
static void *my_thread_run(void *arg) {
    (void)arg;
    char name[64];
    printf("hello from %s\n", current_name(name, sizeof name));
    return NULL;
}

int main(void) {
    weft_thread *thread;
    CHECK(weft_thread_new(my_thread_run, NULL, NULL, &thread)); /* thread = MyThread() */
    CHECK(weft_thread_start(thread));
    weft_thread_free(thread);
    return 0;
}
