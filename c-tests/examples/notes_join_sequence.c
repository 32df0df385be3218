/*
 * Notes "Waiting for threads to finish before continuing": start two threads, continue in main,
 * then join them one after the other, in list order; main's last line comes after both have
 * finished. The seed leaves foo and bar open: here each sleeps a little, then prints.
 */
#include "tutorial.h"

static void *foo(void *arg) {
    (void)arg;
    sleep_s(0.1);
    printf("foo finished\n");
    return NULL;
}

static void *bar(void *arg) {
    (void)arg;
    sleep_s(0.05);
    printf("bar finished\n");
    return NULL;
}

int main(void) {
    /* prepare threads */
    weft_thread *threads[2];
    CHECK(weft_thread_new(foo, NULL, NULL, &threads[0])); /* foo_thread */
    CHECK(weft_thread_new(bar, NULL, NULL, &threads[1])); /* bar_thread */

    /* start threads */
    for (int i = 0; i < 2; i++) {
        CHECK(weft_thread_start(threads[i]));
    }

    /* continue main execution... */
    printf("main continues\n");

    /* wait for each thread to finish */
    for (int i = 0; i < 2; i++) {
        char name[64];
        CHECK(weft_thread_join(threads[i], WEFT_TIMEOUT_FOREVER));
        CHECK(weft_thread_get_name(threads[i], name, sizeof name, NULL));
        printf("joined %s\n", name);
        weft_thread_free(threads[i]);
    }
    printf("all threads finished\n");
    return 0;
}
