/*
 * PyMOTW threading_local: a thread-local value is not present in a thread until that thread
 * sets it. Each value is a malloc'd int the local frees (when replaced, when its thread exits,
 * or when the local is freed). Each worker holds its own reference to the local; main returns
 * without joining and weft waits for the workers at exit.
 */
#include "tutorial.h"

static void show_value(weft_local *data) {
    char name[64];
    current_name(name, sizeof name);
    if (!weft_local_is_set(data)) { /* Python: AttributeError */
        printf("%s : value= No value yet\n", name);
        return;
    }
    void *value;
    CHECK(weft_local_get(data, &value));
    printf("%s : value= %d\n", name, *(int *)value);
}

static void set_value(weft_local *data, int value) {
    int *v = malloc(sizeof *v);
    if (v == NULL) {
        exit(1);
    }
    *v = value;
    CHECK(weft_local_set(data, v));
}

static void *worker(void *arg) {
    weft_local *data = arg;
    unsigned seed = (unsigned)weft_get_native_id();
    show_value(data);
    set_value(data, 1 + rand_r(&seed) % 100); /* random.randint(1, 100) */
    show_value(data);
    return NULL;
}

static void local_release(void *local) { weft_local_free(local); }

int main(void) {
    weft_local *local_data;
    CHECK(weft_local_new(NULL, NULL, NULL, free, &local_data));
    show_value(local_data);
    set_value(local_data, 1000);
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
