/*
 * effbot "Using the threading module": ten Worker threads (a Thread subclass in Python; a
 * thread function here) each increment a Lock-protected counter ten times, pausing 10-100 ms
 * (scaled down), and print "Thread-N -- task i finished value". main starts them and returns:
 * weft waits for the non-daemon workers at exit.
 */
#include "tutorial.h"

static weft_lock *lock;
static int value;

static int increment(void) {
    CHECK(weft_lock_acquire(lock, true, WEFT_TIMEOUT_FOREVER)); /* critical section */
    int v = ++value;
    CHECK(weft_lock_release(lock));
    return v;
}

static void *worker_run(void *arg) {
    unsigned seed = (unsigned)(size_t)arg;
    char name[64];
    current_name(name, sizeof name);
    for (int i = 0; i < 10; i++) {
        int v = increment();
        sleep_s((10 + rand_r(&seed) % 91) / 10000.0);
        printf("%s -- task %d finished %d\n", name, i, v);
    }
    return NULL;
}

int main(void) {
    CHECK(weft_lock_new(&lock));
    for (size_t i = 0; i < 10; i++) {
        weft_thread_free(spawn(worker_run, (void *)(i + 1), NULL)); /* Worker().start() */
    }
    return 0;
}
