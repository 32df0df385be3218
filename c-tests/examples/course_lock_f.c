/*
 * Course "Locks": three threads run f(), which holds the lock while it prints and sleeps (1 s,
 * scaled to 0.05 s), so they take it in turn. The program stops with an error if two threads
 * are ever inside at once.
 */
#include "tutorial.h"

#include <stdatomic.h>

static weft_lock *lock;
static atomic_int holders; /* threads between acquire and release; must never exceed 1 */

static void *f(void *arg) {
    (void)arg;
    char name[64];
    CHECK(weft_lock_acquire(lock, true, WEFT_TIMEOUT_FOREVER));
    if (atomic_fetch_add(&holders, 1) != 0) {
        fprintf(stderr, "two threads hold the lock\n");
        exit(1);
    }
    printf("%s got lock\n", current_name(name, sizeof name));
    fflush(stdout);
    sleep_s(0.05);
    atomic_fetch_sub(&holders, 1);
    CHECK(weft_lock_release(lock));
    return NULL;
}

int main(void) {
    CHECK(weft_lock_new(&lock));
    for (int i = 0; i < 3; i++) {
        weft_thread *t;
        CHECK(weft_thread_new(f, NULL, NULL, &t)); /* threading.Thread(target=f).start() */
        CHECK(weft_thread_start(t));
        weft_thread_free(t);
    }
    return 0; /* weft waits for the three threads; `lock` lives as long as the process */
}
