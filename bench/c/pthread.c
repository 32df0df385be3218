/* The POSIX anchors: pthread mutexes and conditions, sem_t, pthread_barrier_t, pthread_create,
 * and a hand-written pool (a mutex and condition over a linked list of tasks). */
#include <semaphore.h>

#define MUTEX_T pthread_mutex_t
#define MUTEX_INIT(m) CHECK(pthread_mutex_init(m, NULL) == 0)
#define MUTEX_DESTROY(m) pthread_mutex_destroy(m)
#define MUTEX_LOCK(m) pthread_mutex_lock(m)
#define MUTEX_UNLOCK(m) pthread_mutex_unlock(m)
#define COND_T pthread_cond_t
#define COND_INIT(c) CHECK(pthread_cond_init(c, NULL) == 0)
#define COND_DESTROY(c) pthread_cond_destroy(c)
#define COND_WAIT(c, m) pthread_cond_wait(c, m)
#define COND_SIGNAL(c) pthread_cond_signal(c)
#define COND_BROADCAST(c) pthread_cond_broadcast(c)
#include "generic.h"

static uint64_t rlock_3(long n) {
    pthread_mutexattr_t attr;
    pthread_mutex_t m;
    pthread_mutexattr_init(&attr);
    pthread_mutexattr_settype(&attr, PTHREAD_MUTEX_RECURSIVE);
    CHECK(pthread_mutex_init(&m, &attr) == 0);
    uint64_t t0 = now_ns();
    for (long i = 0; i < n; i++) {
        pthread_mutex_lock(&m);
        pthread_mutex_lock(&m);
        pthread_mutex_lock(&m);
        pthread_mutex_unlock(&m);
        pthread_mutex_unlock(&m);
        pthread_mutex_unlock(&m);
    }
    uint64_t elapsed = now_ns() - t0;
    pthread_mutex_destroy(&m);
    pthread_mutexattr_destroy(&attr);
    return elapsed;
}

static uint64_t sem_pair(long n) {
    sem_t s;
    CHECK(sem_init(&s, 0, 1) == 0);
    uint64_t t0 = now_ns();
    for (long i = 0; i < n; i++) {
        sem_wait(&s);
        sem_post(&s);
    }
    uint64_t elapsed = now_ns() - t0;
    sem_destroy(&s);
    return elapsed;
}

static void *barrier_make(void) {
    pthread_barrier_t *b = malloc(sizeof *b);
    CHECK(pthread_barrier_init(b, NULL, 2) == 0);
    return b;
}
static void barrier_wait(void *b) { pthread_barrier_wait(b); }
static void barrier_destroy(void *b) {
    pthread_barrier_destroy(b);
    free(b);
}
static const struct barrier_ops barrier_ops = {barrier_make, barrier_wait, barrier_destroy};

static uint64_t barrier_round(long n) { return run_barrier(&barrier_ops, n); }

static void *nothing(void *arg) { return arg; }

static uint64_t thread_create_join(long n) {
    uint64_t t0 = now_ns();
    for (long i = 0; i < n; i++) {
        join(spawn(nothing, NULL));
    }
    return now_ns() - t0;
}

/* ---- a hand-written pool ---- */

struct task {
    struct task *next;
    void (*fn)(void *);
    void *arg;
};

struct pool {
    pthread_mutex_t m;
    pthread_cond_t work, done;
    struct task *head, *tail;
    long pending; /* submitted and not finished */
    int stop;
    pthread_t workers[POOL_WORKERS];
};

static void *pool_worker(void *p) {
    struct pool *pool = p;
    pthread_mutex_lock(&pool->m);
    for (;;) {
        while (!pool->head && !pool->stop) {
            pthread_cond_wait(&pool->work, &pool->m);
        }
        struct task *t = pool->head;
        if (!t) {
            break;
        }
        pool->head = t->next;
        if (!pool->head) {
            pool->tail = NULL;
        }
        pthread_mutex_unlock(&pool->m);
        t->fn(t->arg);
        free(t);
        pthread_mutex_lock(&pool->m);
        if (--pool->pending == 0) {
            pthread_cond_broadcast(&pool->done);
        }
    }
    pthread_mutex_unlock(&pool->m);
    return NULL;
}

static void pool_submit(struct pool *pool, void (*fn)(void *), void *arg) {
    struct task *t = malloc(sizeof *t);
    *t = (struct task){NULL, fn, arg};
    pthread_mutex_lock(&pool->m);
    if (pool->tail) {
        pool->tail->next = t;
    } else {
        pool->head = t;
    }
    pool->tail = t;
    pool->pending++;
    pthread_cond_signal(&pool->work);
    pthread_mutex_unlock(&pool->m);
}

static void pool_wait(struct pool *pool) {
    pthread_mutex_lock(&pool->m);
    while (pool->pending) {
        pthread_cond_wait(&pool->done, &pool->m);
    }
    pthread_mutex_unlock(&pool->m);
}

static void tiny_task(void *counter) { __atomic_add_fetch((long *)counter, 1, __ATOMIC_RELAXED); }

static uint64_t pool_tasks(long n) {
    struct pool pool = {.m = PTHREAD_MUTEX_INITIALIZER,
                        .work = PTHREAD_COND_INITIALIZER,
                        .done = PTHREAD_COND_INITIALIZER};
    long counter = 0;
    for (int i = 0; i < POOL_WORKERS; i++) {
        pool.workers[i] = spawn(pool_worker, &pool);
    }
    uint64_t t0 = now_ns();
    for (long i = 0; i < n; i++) {
        pool_submit(&pool, tiny_task, &counter);
    }
    pool_wait(&pool);
    uint64_t elapsed = now_ns() - t0;
    CHECK(counter == n);
    pthread_mutex_lock(&pool.m);
    pool.stop = 1;
    pthread_cond_broadcast(&pool.work);
    pthread_mutex_unlock(&pool.m);
    for (int i = 0; i < POOL_WORKERS; i++) {
        join(pool.workers[i]);
    }
    return elapsed;
}

/* ---- the cases a 2-core run hides ---- */

static void *rmutex_make(void) {
    pthread_mutexattr_t attr;
    pthread_mutex_t *m = malloc(sizeof *m);
    pthread_mutexattr_init(&attr);
    pthread_mutexattr_settype(&attr, PTHREAD_MUTEX_RECURSIVE);
    CHECK(pthread_mutex_init(m, &attr) == 0);
    pthread_mutexattr_destroy(&attr);
    return m;
}
static const struct lock_ops rmutex_ops = {rmutex_make, mc_lock_lock, mc_lock_unlock,
                                           mc_lock_destroy};

static void *sem_make(void) {
    sem_t *s = malloc(sizeof *s);
    CHECK(sem_init(s, 0, 1) == 0);
    return s;
}
static void sem_lock(void *s) { sem_wait(s); }
static void sem_unlock(void *s) { sem_post(s); }
static void sem_destroy_(void *s) {
    sem_destroy(s);
    free(s);
}
static const struct lock_ops sem_ops = {sem_make, sem_lock, sem_unlock, sem_destroy_};

static uint64_t fair_lock_4(long ms) { return run_fairness(&mc_lock_ops, 4, ms); }
static uint64_t fair_lock_16(long ms) { return run_fairness(&mc_lock_ops, 16, ms); }
static uint64_t fair_rlock_4(long ms) { return run_fairness(&rmutex_ops, 4, ms); }
static uint64_t fair_rlock_16(long ms) { return run_fairness(&rmutex_ops, 16, ms); }
static uint64_t fair_sem_4(long ms) { return run_fairness(&sem_ops, 4, ms); }
static uint64_t fair_sem_16(long ms) { return run_fairness(&sem_ops, 16, ms); }
static uint64_t lock_2000_threads(long n) { return run_many_lock(&mc_lock_ops, 2000, n); }

/* A flag under a mutex with a condition: what notify_all, an event's set and a queue's shutdown
 * wake in a pthread program (CPython's Event and Queue are built the same way). */
struct flag_cond {
    pthread_mutex_t m;
    pthread_cond_t c;
    int waiting, waiters, flag;
};
static void *flag_make(int waiters) {
    struct flag_cond *f = calloc(1, sizeof *f);
    pthread_mutex_init(&f->m, NULL);
    pthread_cond_init(&f->c, NULL);
    f->waiters = waiters;
    return f;
}
static void flag_wait(void *p) {
    struct flag_cond *f = p;
    pthread_mutex_lock(&f->m);
    f->waiting++;
    while (!f->flag) {
        pthread_cond_wait(&f->c, &f->m);
    }
    pthread_mutex_unlock(&f->m);
}
static void flag_wake(void *p) {
    struct flag_cond *f = p;
    pthread_mutex_lock(&f->m);
    CHECK(f->waiting == f->waiters); /* each released the mutex in pthread_cond_wait */
    f->flag = 1;
    pthread_cond_broadcast(&f->c);
    pthread_mutex_unlock(&f->m);
}
static void flag_destroy(void *p) {
    struct flag_cond *f = p;
    pthread_cond_destroy(&f->c);
    pthread_mutex_destroy(&f->m);
    free(f);
}
static const struct wake_ops flag_ops = {flag_make, flag_wait, flag_wake, flag_destroy};

static void *wbarrier_make(int waiters) {
    pthread_barrier_t *b = malloc(sizeof *b);
    CHECK(pthread_barrier_init(b, NULL, (unsigned)waiters + 1) == 0);
    return b;
}
static const struct wake_ops wbarrier_ops = {wbarrier_make, barrier_wait, barrier_wait,
                                             barrier_destroy};

static uint64_t wake_flag(long n) { return run_wake_all(&flag_ops, (int)n); }
static uint64_t wake_barrier(long n) { return run_wake_all(&wbarrier_ops, (int)n); }

/* PTHREAD_KEYS_MAX is 1,024 on glibc: 1,000 keys is as many as a program can have. */
#define PTHREAD_LOCALS 1000

static uint64_t local_10000(long n) {
    static pthread_key_t keys[PTHREAD_LOCALS];
    static long values[PTHREAD_LOCALS];
    for (int i = 0; i < PTHREAD_LOCALS; i++) {
        CHECK(pthread_key_create(&keys[i], NULL) == 0);
        CHECK(pthread_setspecific(keys[i], &values[i]) == 0);
    }
    uintptr_t sum = 0;
    uint64_t t0 = now_ns();
    for (long i = 0, k = 0; i < n; i++) {
        sum += (uintptr_t)pthread_getspecific(keys[k]);
        k = k + 1 == PTHREAD_LOCALS ? 0 : k + 1;
    }
    uint64_t elapsed = now_ns() - t0;
    CHECK(sum != 0);
    for (int i = 0; i < PTHREAD_LOCALS; i++) {
        pthread_key_delete(keys[i]);
    }
    return elapsed;
}

/* pthread_rwlock_t with its default attributes (glibc: readers first). */
static void *rw_make(void) {
    pthread_rwlock_t *l = malloc(sizeof *l);
    CHECK(pthread_rwlock_init(l, NULL) == 0);
    return l;
}
static void rw_read(void *l) { pthread_rwlock_rdlock(l); }
static void rw_write(void *l) { pthread_rwlock_wrlock(l); }
static void rw_unlock(void *l) { pthread_rwlock_unlock(l); }
static void rw_destroy(void *l) {
    pthread_rwlock_destroy(l);
    free(l);
}
static const struct rwlock_ops rw_ops = {rw_make, rw_read, rw_unlock, rw_write, rw_unlock,
                                         rw_destroy};
RWLOCK_CASES(rw_ops)

static int once_runs;
static void once_init(void) { once_runs++; }

/* pthread_once on a once already done. */
static uint64_t once_done(long n) {
    static pthread_once_t once = PTHREAD_ONCE_INIT;
    uint64_t t0 = now_ns();
    for (long i = 0; i < n; i++) {
        pthread_once(&once, once_init);
    }
    uint64_t elapsed = now_ns() - t0;
    CHECK(once_runs == 1);
    return elapsed;
}

static const struct bench_case cases[] = {
    {"lock_uncontended", mc_lock_uncontended, NULL},
    {"lock_contended", mc_lock_contended, NULL},
    {"rlock_3", rlock_3, NULL},
    {"notify_empty", mc_notify_empty, NULL},
    {"cond_pingpong", mc_cond_pingpong, NULL},
    {"event_pingpong", mc_event_pingpong, NULL},
    {"sem_pair", sem_pair, NULL},
    {"barrier_round", barrier_round, NULL},
    {"queue_1p1c", mc_queue_1p1c, NULL},
    {"queue_2p2c", mc_queue_2p2c, NULL},
    {"thread_create_join", thread_create_join, NULL},
    {"pool_tasks", pool_tasks, NULL},
    {"fair_lock_4", fair_lock_4, NULL},
    {"fair_lock_16", fair_lock_16, NULL},
    {"fair_rlock_4", fair_rlock_4, NULL},
    {"fair_rlock_16", fair_rlock_16, NULL},
    {"fair_sem_4", fair_sem_4, NULL},
    {"fair_sem_16", fair_sem_16, NULL},
    {"wake_condition", wake_flag, NULL},
    {"wake_event", wake_flag, NULL},
    {"wake_barrier", wake_barrier, NULL},
    {"wake_queue", wake_flag, NULL},
    {"lock_2000_threads", lock_2000_threads, NULL},
    {"local_10000", local_10000, NULL},
    {"rwlock_read", rwlock_read, NULL},
    {"rwlock_read_mostly", rwlock_read_mostly, NULL},
    {"rwlock_write_heavy", rwlock_write_heavy, NULL},
    {"once_done", once_done, NULL},
};
CASES(pthread, cases);
