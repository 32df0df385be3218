/*
 * PyMOTW threading_local_defaults: a local with an initializer (the seed's threading.local
 * subclass with __init__) starts every thread at the same value; the initializer runs once in
 * each thread, on the same local (printed as its address: the seed's id(self)). Python runs
 * __init__ at once in the creating thread, so main reads the value right after creating the
 * local; the workers initialize on first read, in the middle of their first line.
 * flockfile keeps each thread's lines whole, as Python 2's print under the GIL did.
 */
#include "tutorial.h"

static weft_local *local_data;

static void *make_value(void *arg) {
    (void)arg;
    char name[64];
    printf("(Initializing %p for %s) ", (void *)local_data, current_name(name, sizeof name));
    int *v = malloc(sizeof *v);
    if (v == NULL) {
        exit(1);
    }
    *v = 1000;
    return v;
}

static void show_value(weft_local *data) {
    char name[64];
    flockfile(stdout);
    printf("%s : value= ", current_name(name, sizeof name));
    void *value;
    CHECK(weft_local_get(data, &value)); /* the first read in a thread runs make_value */
    printf("%d\n", *(int *)value);
    funlockfile(stdout);
}

static void *worker(void *arg) {
    weft_local *data = arg;
    unsigned seed = (unsigned)weft_get_native_id();
    show_value(data);
    int *v = malloc(sizeof *v);
    if (v == NULL) {
        exit(1);
    }
    *v = 1 + rand_r(&seed) % 100; /* random.randint(1, 100); the local frees the 1000 */
    CHECK(weft_local_set(data, v));
    show_value(data);
    return NULL;
}

static void local_release(void *local) { weft_local_free(local); }

int main(void) {
    CHECK(weft_local_new(make_value, NULL, NULL, free, &local_data));
    void *value;
    CHECK(weft_local_get(local_data, &value)); /* MyLocal(1000): __init__ in MainThread */
    show_value(local_data);

    for (int i = 0; i < 2; i++) {
        weft_thread *t;
        CHECK(weft_thread_new(worker, weft_local_clone(local_data), local_release, &t));
        CHECK(weft_thread_start(t));
        weft_thread_free(t);
    }
    weft_local_free(local_data);
    return 0;
}
