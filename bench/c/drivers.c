/* The cross-thread patterns, shared by every C implementation (see harness.h). */
#include "harness.h"

/* ---- contended lock ---- */

struct contended {
    const struct lock_ops *ops;
    void *lock;
    long per_thread;
    long counter;
    struct start_line line;
};

static void *contended_worker(void *p) {
    struct contended *c = p;
    start_line_wait(&c->line);
    for (long i = 0; i < c->per_thread; i++) {
        c->ops->lock(c->lock);
        c->counter++;
        c->ops->unlock(c->lock);
    }
    return NULL;
}

uint64_t run_lock_contended(const struct lock_ops *ops, long n) {
    struct contended c = {ops, ops->make(), n / 2, 0, {0, 0}};
    pthread_t t[2] = {spawn(contended_worker, &c), spawn(contended_worker, &c)};
    uint64_t t0 = start_line_go(&c.line, 2);
    join(t[0]);
    join(t[1]);
    uint64_t elapsed = now_ns() - t0;
    CHECK(c.counter == 2 * c.per_thread);
    ops->destroy(c.lock);
    return elapsed;
}

/* ---- reader-writer lock ---- */

struct rw_contended {
    const struct rwlock_ops *ops;
    void *lock;
    long per_thread, write_every;
    long counter; /* written under the write lock, read under a read lock */
    long seen;    /* what the reads saw, so that they are not optimized away */
    struct start_line line;
};

static void *rw_worker(void *p) {
    struct rw_contended *c = p;
    long seen = 0;
    long until_write = c->write_every;
    start_line_wait(&c->line);
    for (long i = 0; i < c->per_thread; i++) {
        if (--until_write == 0) {
            until_write = c->write_every;
            c->ops->write(c->lock);
            c->counter++;
            c->ops->write_unlock(c->lock);
        } else {
            c->ops->read(c->lock);
            seen += c->counter;
            c->ops->read_unlock(c->lock);
        }
    }
    __atomic_add_fetch(&c->seen, seen, __ATOMIC_RELAXED);
    return NULL;
}

uint64_t run_rwlock(const struct rwlock_ops *ops, int threads, long write_every, long n) {
    struct rw_contended c = {ops, ops->make(), n / threads, write_every, 0, 0, {0, 0}};
    pthread_t t[2];
    CHECK(threads >= 1 && threads <= 2);
    for (int i = 0; i < threads; i++) {
        t[i] = spawn(rw_worker, &c);
    }
    uint64_t t0 = start_line_go(&c.line, threads);
    for (int i = 0; i < threads; i++) {
        join(t[i]);
    }
    uint64_t elapsed = now_ns() - t0;
    CHECK(c.counter == (write_every ? threads * (c.per_thread / write_every) : 0));
    ops->destroy(c.lock);
    return elapsed;
}

/* ---- condition ping-pong ---- */

struct pingpong {
    const void *ops;
    void *a, *b;
    long n;
    int turn; /* guarded by the condition's lock */
    struct start_line line;
};

static void *cond_responder(void *p) {
    struct pingpong *pp = p;
    const struct cond_ops *ops = pp->ops;
    start_line_wait(&pp->line);
    ops->lock(pp->a);
    for (long i = 0; i < pp->n; i++) {
        while (pp->turn != 1) {
            ops->wait(pp->a);
        }
        pp->turn = 0;
        ops->notify(pp->a);
    }
    ops->unlock(pp->a);
    return NULL;
}

uint64_t run_cond_pingpong(const struct cond_ops *ops, long n) {
    struct pingpong pp = {ops, ops->make(), NULL, n, 0, {0, 0}};
    pthread_t t = spawn(cond_responder, &pp);
    uint64_t t0 = start_line_go(&pp.line, 1);
    ops->lock(pp.a);
    for (long i = 0; i < n; i++) {
        pp.turn = 1;
        ops->notify(pp.a);
        while (pp.turn != 0) {
            ops->wait(pp.a);
        }
    }
    ops->unlock(pp.a);
    join(t);
    uint64_t elapsed = now_ns() - t0;
    ops->destroy(pp.a);
    return elapsed;
}

/* ---- event ping-pong ---- */

static void *event_responder(void *p) {
    struct pingpong *pp = p;
    const struct event_ops *ops = pp->ops;
    start_line_wait(&pp->line);
    for (long i = 0; i < pp->n; i++) {
        ops->wait(pp->a);
        ops->clear(pp->a);
        ops->set(pp->b);
    }
    return NULL;
}

uint64_t run_event_pingpong(const struct event_ops *ops, long n) {
    struct pingpong pp = {ops, ops->make(), ops->make(), n, 0, {0, 0}};
    pthread_t t = spawn(event_responder, &pp);
    uint64_t t0 = start_line_go(&pp.line, 1);
    for (long i = 0; i < n; i++) {
        ops->set(pp.a);
        ops->wait(pp.b);
        ops->clear(pp.b);
    }
    join(t);
    uint64_t elapsed = now_ns() - t0;
    ops->destroy(pp.a);
    ops->destroy(pp.b);
    return elapsed;
}

/* ---- barrier ---- */

static void *barrier_party(void *p) {
    struct pingpong *pp = p;
    const struct barrier_ops *ops = pp->ops;
    start_line_wait(&pp->line);
    for (long i = 0; i < pp->n; i++) {
        ops->wait(pp->a);
    }
    return NULL;
}

uint64_t run_barrier(const struct barrier_ops *ops, long n) {
    struct pingpong pp = {ops, ops->make(), NULL, n, 0, {0, 0}};
    pthread_t t = spawn(barrier_party, &pp);
    uint64_t t0 = start_line_go(&pp.line, 1);
    for (long i = 0; i < n; i++) {
        ops->wait(pp.a);
    }
    join(t);
    uint64_t elapsed = now_ns() - t0;
    ops->destroy(pp.a);
    return elapsed;
}

/* ---- queue ---- */

struct queue_run {
    const struct queue_ops *ops;
    void *q;
    long per_producer;
    uintptr_t sum; /* added to atomically by the consumers */
    struct start_line line;
};

static void *producer(void *p) {
    struct queue_run *r = p;
    start_line_wait(&r->line);
    for (long i = 1; i <= r->per_producer; i++) {
        r->ops->put(r->q, (uintptr_t)i);
    }
    return NULL;
}

/* Takes items until the 0 that ends the run. */
static void *consumer(void *p) {
    struct queue_run *r = p;
    uintptr_t sum = 0;
    start_line_wait(&r->line);
    for (uintptr_t item; (item = r->ops->get(r->q)) != 0;) {
        sum += item;
    }
    __atomic_add_fetch(&r->sum, sum, __ATOMIC_RELAXED);
    return NULL;
}

uint64_t run_queue(const struct queue_ops *ops, int producers, int consumers, long n) {
    struct queue_run r = {ops, ops->make(), n / producers, 0, {0, 0}};
    pthread_t t[8];
    CHECK(producers + consumers <= 8);
    for (int i = 0; i < producers + consumers; i++) {
        t[i] = spawn(i < producers ? producer : consumer, &r);
    }
    uint64_t t0 = start_line_go(&r.line, producers + consumers);
    for (int i = 0; i < producers; i++) {
        join(t[i]);
    }
    for (int i = 0; i < consumers; i++) {
        ops->put(r.q, 0);
    }
    for (int i = producers; i < producers + consumers; i++) {
        join(t[i]);
    }
    uint64_t elapsed = now_ns() - t0;
    uintptr_t per = (uintptr_t)r.per_producer;
    CHECK(r.sum == (uintptr_t)producers * per * (per + 1) / 2);
    ops->destroy(r.q);
    return elapsed;
}

/* ---- the cases a 2-core run hides ---- */

pthread_t spawn_small(void *(*fn)(void *), void *arg) {
    pthread_attr_t attr;
    pthread_t t;
    CHECK(pthread_attr_init(&attr) == 0);
    CHECK(pthread_attr_setstacksize(&attr, 64 * 1024) == 0);
    CHECK(pthread_create(&t, &attr, fn, arg) == 0);
    pthread_attr_destroy(&attr);
    return t;
}

struct fair_run {
    const struct lock_ops *ops;
    void *lock;
    uint64_t end; /* written before the start line opens */
    long counter;
    int next;
    long counts[FAIR_MAX_THREADS];
    uint64_t longest[FAIR_MAX_THREADS];
    struct start_line line;
};

static void *fair_worker(void *p) {
    struct fair_run *f = p;
    int me = __atomic_fetch_add(&f->next, 1, __ATOMIC_RELAXED);
    long count = 0;
    uint64_t longest = 0;
    start_line_wait(&f->line);
    uint64_t last = now_ns(), now;
    do {
        f->ops->lock(f->lock);
        now = now_ns();
        f->counter++;
        f->ops->unlock(f->lock);
        if (now - last > longest) {
            longest = now - last;
        }
        last = now;
        count++;
    } while (now < f->end);
    f->counts[me] = count;
    f->longest[me] = longest;
    return NULL;
}

uint64_t run_fairness(const struct lock_ops *ops, int threads, long ms) {
    struct fair_run f = {ops, ops->make(), 0, 0, 0, {0}, {0}, {0, 0}};
    pthread_t t[FAIR_MAX_THREADS];
    CHECK(threads <= FAIR_MAX_THREADS);
    for (int i = 0; i < threads; i++) {
        t[i] = spawn(fair_worker, &f);
    }
    while (__atomic_load_n(&f.line.ready, __ATOMIC_ACQUIRE) < threads) {
        sched_yield();
    }
    f.end = now_ns() + (uint64_t)ms * 1000000u;
    uint64_t t0 = start_line_go(&f.line, threads);
    for (int i = 0; i < threads; i++) {
        join(t[i]);
    }
    uint64_t elapsed = now_ns() - t0;
    long total = 0;
    uint64_t longest = 0;
    for (int i = 0; i < threads; i++) {
        total += f.counts[i];
        longest = f.longest[i] > longest ? f.longest[i] : longest;
    }
    CHECK(f.counter == total);
    int len = snprintf(bench_extra, sizeof bench_extra, "\"acquisitions\": [");
    for (int i = 0; i < threads; i++) {
        len += snprintf(bench_extra + len, sizeof bench_extra - (size_t)len, "%s%ld",
                        i ? ", " : "", f.counts[i]);
    }
    snprintf(bench_extra + len, sizeof bench_extra - (size_t)len,
             "], \"longest_wait_ns\": %llu", (unsigned long long)longest);
    ops->destroy(f.lock);
    return elapsed;
}

uint64_t run_many_lock(const struct lock_ops *ops, int threads, long n) {
    struct contended c = {ops, ops->make(), n / threads > 0 ? n / threads : 1, 0, {0, 0}};
    pthread_t *t = malloc((size_t)threads * sizeof *t);
    for (int i = 0; i < threads; i++) {
        t[i] = spawn_small(contended_worker, &c);
    }
    uint64_t t0 = start_line_go(&c.line, threads);
    for (int i = 0; i < threads; i++) {
        join(t[i]);
    }
    uint64_t elapsed = now_ns() - t0;
    CHECK(c.counter == threads * c.per_thread);
    ops->destroy(c.lock);
    free(t);
    return elapsed;
}

struct wake_run {
    const struct wake_ops *ops;
    void *obj;
    int n;
    int arrived;
    int woken;
    uint64_t last; /* when the last waiter returned */
};

static void *wake_waiter(void *p) {
    struct wake_run *r = p;
    __atomic_add_fetch(&r->arrived, 1, __ATOMIC_ACQ_REL);
    r->ops->wait(r->obj);
    if (__atomic_add_fetch(&r->woken, 1, __ATOMIC_ACQ_REL) == r->n) {
        __atomic_store_n(&r->last, now_ns(), __ATOMIC_RELEASE);
    }
    return NULL;
}

uint64_t run_wake_all(const struct wake_ops *ops, int n) {
    struct wake_run r = {ops, ops->make(n), n, 0, 0, 0};
    pthread_t *t = malloc((size_t)n * sizeof *t);
    for (int i = 0; i < n; i++) {
        t[i] = spawn_small(wake_waiter, &r);
    }
    while (__atomic_load_n(&r.arrived, __ATOMIC_ACQUIRE) < n) {
        sched_yield();
    }
    /* Every waiter has called `wait`; give the last of them time to fall asleep. */
    struct timespec settle = {0, 20 * 1000000};
    nanosleep(&settle, NULL);
    uint64_t t0 = now_ns();
    ops->wake(r.obj);
    for (int i = 0; i < n; i++) {
        join(t[i]);
    }
    CHECK(r.woken == n);
    ops->destroy(r.obj);
    free(t);
    return __atomic_load_n(&r.last, __ATOMIC_ACQUIRE) - t0;
}
