/*
 * Course "Part 5: The Threading Module": three threads each print their name five times,
 * sleeping between lines (1 s, scaled to 0.02 s), competing for stdout.
 */
#include "tutorial.h"

static void *func(void *arg) {
    (void)arg;
    char name[64];
    for (int i = 0; i < 5; i++) {
        printf("hello from thread %s\n", current_name(name, sizeof name));
        fflush(stdout);
        sleep_s(0.02);
    }
    return NULL;
}

int main(void) {
    weft_thread *threads[3];
    for (int i = 0; i < 3; i++) {
        CHECK(weft_thread_new(func, NULL, NULL, &threads[i])); /* Thread(target=func, args=()) */
        CHECK(weft_thread_start(threads[i]));
    }
    for (int i = 0; i < 3; i++) {
        weft_thread_free(threads[i]);
    }
    return 0;
}
