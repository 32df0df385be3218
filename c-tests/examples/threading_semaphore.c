/*
 * PyMOTW threading_semaphore: twenty workers share a Semaphore(5), so at most five are in the
 * ActivePool at once. Each logs the pool (as Python prints a list of names) when it gets in, then
 * sleeps up to 1 s (scaled down to 0.05 s). Log lines keep the seed's
 * "(%(threadName)-2s) %(message)s" without the timestamp.
 */
#include "tutorial.h"

#include <string.h>

#define WORKERS 20

/* ActivePool: the names of the active threads, under a lock. */
static struct {
    char active[WORKERS][8];
    size_t len;
    weft_lock *lock;
} pool;

static void make_active(const char *name) {
    CHECK(weft_lock_acquire(pool.lock, true, WEFT_TIMEOUT_FOREVER));
    snprintf(pool.active[pool.len++], sizeof pool.active[0], "%s", name);
    CHECK(weft_lock_release(pool.lock));
}

static void make_inactive(const char *name) {
    CHECK(weft_lock_acquire(pool.lock, true, WEFT_TIMEOUT_FOREVER));
    for (size_t i = 0; i < pool.len; i++) {
        if (strcmp(pool.active[i], name) == 0) { /* list.remove keeps the order */
            memmove(pool.active[i], pool.active[i + 1], (pool.len - i - 1) * sizeof pool.active[0]);
            pool.len--;
            break;
        }
    }
    CHECK(weft_lock_release(pool.lock));
}

/* str(pool): "['0', '1']" */
static void pool_str(char *buf, size_t size) {
    CHECK(weft_lock_acquire(pool.lock, true, WEFT_TIMEOUT_FOREVER));
    size_t n = (size_t)snprintf(buf, size, "[");
    for (size_t i = 0; i < pool.len && n < size; i++) {
        n += (size_t)snprintf(buf + n, size - n, "%s'%s'", i ? ", " : "", pool.active[i]);
    }
    if (n < size) {
        snprintf(buf + n, size - n, "]");
    }
    CHECK(weft_lock_release(pool.lock));
}

static weft_semaphore *s;

static void *worker(void *arg) {
    unsigned seed = (unsigned)(size_t)arg;
    char name[8], active[256]; /* names are "0".."19" */
    CHECK(weft_semaphore_acquire(s, true, WEFT_TIMEOUT_FOREVER)); /* with s: */
    current_name(name, sizeof name);
    make_active(name);
    pool_str(active, sizeof active);
    printf("(%-2s) Running: %s\n", name, active);
    sleep_s((rand_r(&seed) % 1000) / 20000.0); /* time.sleep(random.random()) */
    make_inactive(name);
    CHECK(weft_semaphore_release(s, 1));
    return NULL;
}

int main(void) {
    CHECK(weft_lock_new(&pool.lock));
    CHECK(weft_semaphore_new(5, &s));
    for (size_t i = 0; i < WORKERS; i++) {
        char name[8];
        snprintf(name, sizeof name, "%zu", i);
        weft_thread_free(spawn(worker, (void *)(i + 1), name));
    }
    return 0; /* weft waits for the workers at exit */
}
