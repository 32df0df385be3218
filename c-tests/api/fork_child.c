/*
 * fork() in a threaded program: the child can use weft at once, and sees only itself.
 *
 * 1. main forks while a worker is blocked on a lock: in the child the worker is not alive, is
 *    not enumerated, joins at once; new locks and threads work; exit() does not wait for the
 *    worker (it does not exist in the child).
 * 2. a worker forks while main waits to join it: in the child, the worker is the only thread
 *    alive, and the main thread (weft_main_thread()), as CPython's threading._after_fork makes
 *    it; the parent's MainThread is not alive and joins at once (regression, issue 14: the
 *    child's weft_main_thread() was the parent's MainThread, lost there).
 * 3. main forks repeatedly while another thread starts and joins threads in a loop, so that
 *    fork() often lands while weft's thread registry is busy: every child must still be able to
 *    start and join a thread (a registry lock left held by a thread that does not exist in the
 *    child would hang it; an alarm turns a hang into a failure).
 * 4. main forks while a worker holds a Lock and waits on an Event, with items in a queue: in the
 *    child the Lock stays locked (its holder is gone; any thread may release a Lock, and the
 *    child can), the Event can be set, the queue's items can be got and marked done, and a new
 *    pool runs tasks; a thread the child starts can hand items over through the parent's queue.
 * 5. a thread weft did not create (a plain pthread) forks: the child can use weft at once, and
 *    its current thread is alive, the only one enumerated, and the main thread: `MainThread`,
 *    not a daemon, also when the thread had a `Dummy-N` stand-in before the fork.
 * 6. main forks repeatedly while another thread creates and frees pools: every child must be
 *    able to make a pool and run a task on it (regression: the list of pools, left locked by a
 *    thread that does not exist in the child, hung its first weft_pool_new).
 * 7. main forks while three threads are parked on a lock it holds: in the child, a thread of
 *    its own parks on that same lock and main's release wakes it (regression: weft parked in
 *    parking_lot_core's table, which the child inherited with the parent's entries, so the
 *    wake-up went to a thread the child does not have and its own slept for ever).
 *
 * Children leave with _exit(), except the one that checks exit(). Prints "N passed, N failed".
 */
#define _POSIX_C_SOURCE 200809L
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "asleep.h"
#include "weft.h"

static int passed, failed;

#define EXPECT(cond)                                                                       \
    do {                                                                                   \
        if (cond) {                                                                        \
            passed++;                                                                      \
        } else {                                                                           \
            failed++;                                                                      \
            fprintf(stderr, "%s:%d: [pid %d] expected %s\n", __FILE__, __LINE__,          \
                    (int)getpid(), #cond);                                                 \
        }                                                                                  \
    } while (0)

/* A call that must succeed in a worker thread, where EXPECT's counters are not safe to use. */
#define MUST(call)                                                                         \
    do {                                                                                   \
        if ((call) != WEFT_STATUS_OK) {                                                    \
            fprintf(stderr, "%s:%d: [pid %d] failed: %s\n", __FILE__, __LINE__,           \
                    (int)getpid(), #call);                                                 \
            abort();                                                                       \
        }                                                                                  \
    } while (0)

static void *return_arg(void *arg) { return arg; }

static void *wait_for_lock(void *arg) {
    weft_lock *gate = arg;
    if (weft_lock_acquire(gate, true, WEFT_TIMEOUT_FOREVER) == WEFT_STATUS_OK) {
        weft_lock_release(gate);
    }
    return NULL;
}

/* In a child: locks, an RLock and a new thread work at once. */
static void use_weft_in_child(void) {
    weft_lock *lock;
    EXPECT(weft_lock_new(&lock) == WEFT_STATUS_OK);
    EXPECT(weft_lock_acquire(lock, true, WEFT_TIMEOUT_FOREVER) == WEFT_STATUS_OK);
    EXPECT(weft_lock_acquire(lock, true, 0.01) == WEFT_STATUS_TIMEOUT);
    EXPECT(weft_lock_release(lock) == WEFT_STATUS_OK);
    weft_lock_free(lock);

    weft_rlock *rlock;
    EXPECT(weft_rlock_new(&rlock) == WEFT_STATUS_OK);
    EXPECT(weft_rlock_acquire(rlock, true, WEFT_TIMEOUT_FOREVER) == WEFT_STATUS_OK);
    EXPECT(weft_rlock_acquire(rlock, true, WEFT_TIMEOUT_FOREVER) == WEFT_STATUS_OK);
    EXPECT(weft_rlock_release(rlock) == WEFT_STATUS_OK);
    EXPECT(weft_rlock_release(rlock) == WEFT_STATUS_OK);
    weft_rlock_free(rlock);

    weft_thread *t;
    void *result = NULL;
    EXPECT(weft_thread_new(return_arg, (void *)&passed, NULL, &t) == WEFT_STATUS_OK);
    EXPECT(weft_thread_start(t) == WEFT_STATUS_OK);
    EXPECT(weft_thread_join(t, 10.0) == WEFT_STATUS_OK);
    EXPECT(weft_thread_result(t, &result) == WEFT_STATUS_OK && result == &passed);
    weft_thread_free(t);
}

/* In a child: `me` is the only thread enumerated. */
static void expect_only(weft_thread *me) {
    weft_thread **threads;
    size_t count;
    EXPECT(weft_enumerate(&threads, &count) == WEFT_STATUS_OK && count == 1);
    EXPECT(count == 1 && weft_thread_ident(threads[0]) == weft_thread_ident(me));
    weft_thread_array_free(threads, count);
}

/* Forks, flushing stdio first so that the child does not write the parent's buffered output
 * again. In the child, the counts start from zero (its exit code is its number of failures) and
 * an alarm turns a hang into a failure. */
static pid_t fork_checked(void) {
    fflush(NULL);
    pid_t pid = fork();
    if (pid == 0) {
        passed = failed = 0;
        alarm(30);
    }
    EXPECT(pid >= 0);
    return pid;
}

/* Waits for a child and adds its counts (its exit code is its number of failures). */
static void reap(pid_t pid) {
    int status;
    if (waitpid(pid, &status, 0) != pid) {
        failed++;
        return;
    }
    EXPECT(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

static void main_forks_while_a_worker_waits(int use_exit) {
    weft_lock *gate;
    weft_thread *worker;
    EXPECT(weft_lock_new(&gate) == WEFT_STATUS_OK);
    EXPECT(weft_lock_acquire(gate, true, WEFT_TIMEOUT_FOREVER) == WEFT_STATUS_OK);
    EXPECT(weft_thread_new(wait_for_lock, gate, NULL, &worker) == WEFT_STATUS_OK);
    EXPECT(weft_thread_start(worker) == WEFT_STATUS_OK); /* non-daemon */

    pid_t pid = fork_checked();
    if (pid == 0) {
        EXPECT(!weft_thread_is_alive(worker));
        EXPECT(weft_active_count() == 1);
        weft_thread **threads;
        size_t count;
        EXPECT(weft_enumerate(&threads, &count) == WEFT_STATUS_OK && count == 1);
        weft_thread *main_thread = weft_main_thread();
        EXPECT(count == 1 && weft_thread_ident(threads[0]) == weft_thread_ident(main_thread));
        weft_thread_array_free(threads, count);
        weft_thread_free(main_thread);
        EXPECT(weft_thread_join(worker, WEFT_TIMEOUT_FOREVER) == WEFT_STATUS_OK);
        use_weft_in_child();
        if (use_exit) {
            exit(failed); /* must not wait for the worker, which does not exist here */
        }
        _exit(failed);
    }
    reap(pid);
    EXPECT(weft_thread_is_alive(worker));
    weft_lock_release(gate);
    EXPECT(weft_thread_join(worker, WEFT_TIMEOUT_FOREVER) == WEFT_STATUS_OK);
    weft_thread_free(worker);
    weft_lock_free(gate);
}

/* In a child forked from a thread other than main: `me` is the main thread, alive, and the
 * parent's main thread `parent_main` is not alive and joins at once. */
static void expect_main_in_child(weft_thread *me, weft_thread *parent_main) {
    weft_thread *main_thread = weft_main_thread();
    EXPECT(weft_thread_is_alive(me));
    EXPECT(weft_thread_is(main_thread, me));
    EXPECT(!weft_thread_is_alive(parent_main) && !weft_thread_is(main_thread, parent_main));
    EXPECT(weft_thread_join(parent_main, WEFT_TIMEOUT_FOREVER) == WEFT_STATUS_OK);
    EXPECT(weft_active_count() == 1);
    expect_only(me);
    weft_thread_free(main_thread);
}

static void *fork_from_worker(void *arg) {
    weft_thread *parent_main = arg;
    pid_t pid = fork_checked();
    if (pid == 0) {
        weft_thread *me = weft_current_thread();
        expect_main_in_child(me, parent_main);
        char name[32];
        EXPECT(weft_thread_get_name(me, name, sizeof name, NULL) == WEFT_STATUS_OK &&
               strncmp(name, "Thread-", 7) == 0);
        weft_thread_free(me);
        use_weft_in_child();
        _exit(failed);
    }
    reap(pid);
    return NULL;
}

static atomic_int churning;

static void *churn(void *arg) {
    (void)arg;
    while (atomic_load(&churning)) {
        weft_thread *t;
        if (weft_thread_new(return_arg, NULL, NULL, &t) == WEFT_STATUS_OK) {
            if (weft_thread_start(t) == WEFT_STATUS_OK) {
                MUST(weft_thread_join(t, WEFT_TIMEOUT_FOREVER));
            }
            weft_thread_free(t);
        }
    }
    return NULL;
}

/* Forks `forks` times while a thread runs `churner` (until `churning` is cleared); each child
 * runs `in_child` and leaves with the number of its failed checks. */
static void fork_while(void *(*churner)(void *), int forks, void (*in_child)(void)) {
    atomic_store(&churning, 1);
    weft_thread *thread;
    EXPECT(weft_thread_new(churner, NULL, NULL, &thread) == WEFT_STATUS_OK);
    EXPECT(weft_thread_start(thread) == WEFT_STATUS_OK);
    for (int i = 0; i < forks; i++) {
        pid_t pid = fork_checked();
        if (pid == 0) {
            in_child();
            _exit(failed);
        }
        reap(pid);
    }
    atomic_store(&churning, 0);
    EXPECT(weft_thread_join(thread, WEFT_TIMEOUT_FOREVER) == WEFT_STATUS_OK);
    weft_thread_free(thread);
}

static void alone_in_child(void) {
    EXPECT(weft_active_count() == 1);
    use_weft_in_child();
}

struct holder {
    weft_lock *held;
    weft_event *holding, *release;
};

/* Holds `held` until `release` is set. */
static void *hold_lock(void *arg) {
    struct holder *h = arg;
    if (weft_lock_acquire(h->held, true, WEFT_TIMEOUT_FOREVER) == WEFT_STATUS_OK) {
        weft_event_set(h->holding);
        MUST(weft_event_wait(h->release, WEFT_TIMEOUT_FOREVER));
        weft_lock_release(h->held);
    }
    return NULL;
}

static int add_one(void *arg, void **result_out) {
    *result_out = (char *)arg + 1;
    return 0;
}

/* A pool of the child's own, with `workers` workers, runs a task and shuts down. */
static void use_a_new_pool(size_t workers) {
    weft_pool *pool;
    EXPECT(weft_pool_new(workers, "child", NULL, NULL, NULL, &pool) == WEFT_STATUS_OK);
    weft_future *future;
    EXPECT(weft_pool_submit(pool, add_one, &passed, NULL, &future) == WEFT_STATUS_OK);
    void *result = NULL;
    EXPECT(weft_future_result(future, 10.0, &result) == WEFT_STATUS_OK &&
           result == (char *)&passed + 1);
    weft_future_free(future);
    EXPECT(weft_pool_shutdown(pool, true, false) == WEFT_STATUS_OK);
    weft_pool_free(pool);
}

/* Puts the items 1..3 on the queue given. */
static void *put_three(void *arg) {
    for (uintptr_t i = 1; i <= 3; i++) {
        MUST(weft_queue_put(arg, (void *)i, true, WEFT_TIMEOUT_FOREVER));
    }
    return NULL;
}

static void fork_while_a_worker_holds_a_lock(void) {
    struct holder h;
    EXPECT(weft_lock_new(&h.held) == WEFT_STATUS_OK);
    EXPECT(weft_event_new(&h.holding) == WEFT_STATUS_OK);
    EXPECT(weft_event_new(&h.release) == WEFT_STATUS_OK);
    weft_queue *queue;
    EXPECT(weft_queue_new(WEFT_QUEUE_FIFO, 0, NULL, &queue) == WEFT_STATUS_OK);
    EXPECT(weft_queue_put(queue, &passed, true, WEFT_TIMEOUT_FOREVER) == WEFT_STATUS_OK);
    EXPECT(weft_queue_put(queue, &failed, true, WEFT_TIMEOUT_FOREVER) == WEFT_STATUS_OK);
    weft_thread *worker;
    EXPECT(weft_thread_new(hold_lock, &h, NULL, &worker) == WEFT_STATUS_OK);
    EXPECT(weft_thread_start(worker) == WEFT_STATUS_OK);
    EXPECT(weft_event_wait(h.holding, WEFT_TIMEOUT_FOREVER) == WEFT_STATUS_OK);

    pid_t pid = fork_checked();
    if (pid == 0) {
        EXPECT(!weft_thread_is_alive(worker));
        EXPECT(weft_active_count() == 1);

        /* The lock's holder is gone; the lock stays locked until someone releases it. */
        EXPECT(weft_lock_locked(h.held));
        EXPECT(weft_lock_acquire(h.held, false, WEFT_TIMEOUT_FOREVER) == WEFT_STATUS_TIMEOUT);
        EXPECT(weft_lock_acquire(h.held, true, 0.01) == WEFT_STATUS_TIMEOUT);
        EXPECT(weft_lock_release(h.held) == WEFT_STATUS_OK);
        EXPECT(weft_lock_acquire(h.held, true, 0.01) == WEFT_STATUS_OK);
        EXPECT(weft_lock_release(h.held) == WEFT_STATUS_OK);

        /* The event the worker waited on. */
        EXPECT(weft_event_wait(h.release, 0.01) == WEFT_STATUS_TIMEOUT);
        EXPECT(weft_event_set(h.release) == WEFT_STATUS_OK);
        EXPECT(weft_event_wait(h.release, WEFT_TIMEOUT_FOREVER) == WEFT_STATUS_OK);

        /* The parent's queue: its items, in order, then items from a thread of the child. */
        void *item = NULL;
        EXPECT(weft_queue_get(queue, false, WEFT_TIMEOUT_FOREVER, &item) == WEFT_STATUS_OK &&
               item == &passed);
        EXPECT(weft_queue_get(queue, true, 0.01, &item) == WEFT_STATUS_OK && item == &failed);
        EXPECT(weft_queue_task_done(queue) == WEFT_STATUS_OK);
        EXPECT(weft_queue_task_done(queue) == WEFT_STATUS_OK);
        EXPECT(weft_queue_join(queue, 0.0) == WEFT_STATUS_OK);
        weft_thread *producer;
        EXPECT(weft_thread_new(put_three, queue, NULL, &producer) == WEFT_STATUS_OK);
        EXPECT(weft_thread_start(producer) == WEFT_STATUS_OK);
        for (uintptr_t i = 1; i <= 3; i++) {
            EXPECT(weft_queue_get(queue, true, 10.0, &item) == WEFT_STATUS_OK &&
                   item == (void *)i);
            EXPECT(weft_queue_task_done(queue) == WEFT_STATUS_OK);
        }
        EXPECT(weft_queue_join(queue, 10.0) == WEFT_STATUS_OK);
        EXPECT(weft_thread_join(producer, 10.0) == WEFT_STATUS_OK);
        weft_thread_free(producer);

        use_a_new_pool(2);
        EXPECT(weft_active_count() == 1);
        _exit(failed);
    }
    reap(pid);

    /* The parent is untouched: the worker still holds the lock, the queue its items. */
    EXPECT(weft_thread_is_alive(worker) && weft_lock_locked(h.held));
    EXPECT(weft_queue_qsize(queue) == 2);
    EXPECT(weft_event_set(h.release) == WEFT_STATUS_OK);
    EXPECT(weft_thread_join(worker, WEFT_TIMEOUT_FOREVER) == WEFT_STATUS_OK);
    EXPECT(!weft_lock_locked(h.held));
    weft_thread_free(worker);
    weft_queue_free(queue);
    weft_event_free(h.release);
    weft_event_free(h.holding);
    weft_lock_free(h.held);
}

/* Forks from a thread weft did not create, which has never called into weft (`arg` NULL) or
 * has a stand-in `Dummy-N` (`arg` non-NULL). Regression: in the child that thread is the initial
 * thread to the OS (its id is the pid), and weft took it for MainThread, which is lost there:
 * its current thread was not alive nor enumerated. Regression (issue 14): it was not the main
 * thread (weft_main_thread() was the parent's, lost there). */
static void *foreign_thread_forks(void *arg) {
    weft_thread *parent_main = weft_main_thread();
    weft_thread *dummy = arg ? weft_current_thread() : NULL;
    pid_t pid = fork_checked();
    if (pid == 0) {
        use_weft_in_child();
        weft_thread *me = weft_current_thread();
        EXPECT(me != NULL && weft_thread_is_alive(me));
        expect_main_in_child(me, parent_main);
        char name[32];
        EXPECT(weft_thread_get_name(me, name, sizeof name, NULL) == WEFT_STATUS_OK &&
               strcmp(name, "MainThread") == 0);
        EXPECT(!weft_thread_is_daemon(me));
        if (dummy) {
            EXPECT(!weft_thread_is(me, dummy) && !weft_thread_is_alive(dummy));
        }
        weft_thread_free(me);
        _exit(failed);
    }
    reap(pid);
    weft_thread_free(dummy);
    weft_thread_free(parent_main);
    return NULL;
}


/* Starts a weft thread that waits for `lock`, and returns once it is parked. */
static weft_thread *parked_on(weft_lock *lock) {
    weft_thread *t;
    EXPECT(weft_thread_new(wait_for_lock, lock, NULL, &t) == WEFT_STATUS_OK);
    EXPECT(weft_thread_start(t) == WEFT_STATUS_OK);
    wait_until_asleep(weft_thread_native_id(t));
    return t;
}

static void fork_while_threads_are_parked_on_a_lock(void) {
    weft_lock *lock;
    EXPECT(weft_lock_new(&lock) == WEFT_STATUS_OK);
    EXPECT(weft_lock_acquire(lock, true, WEFT_TIMEOUT_FOREVER) == WEFT_STATUS_OK);
    weft_thread *parked[3];
    for (int i = 0; i < 3; i++) {
        parked[i] = parked_on(lock);
    }
    pid_t pid = fork_checked();
    if (pid == 0) {
        weft_thread *mine = parked_on(lock);
        EXPECT(weft_lock_release(lock) == WEFT_STATUS_OK);
        EXPECT(weft_thread_join(mine, 10.0) == WEFT_STATUS_OK && !weft_thread_is_alive(mine));
        weft_thread_free(mine);
        _exit(failed);
    }
    reap(pid);
    EXPECT(weft_lock_release(lock) == WEFT_STATUS_OK);
    for (int i = 0; i < 3; i++) {
        EXPECT(weft_thread_join(parked[i], WEFT_TIMEOUT_FOREVER) == WEFT_STATUS_OK);
        weft_thread_free(parked[i]);
    }
    weft_lock_free(lock);
}

static void *churn_pools(void *arg) {
    (void)arg;
    while (atomic_load(&churning)) {
        weft_pool *pool;
        if (weft_pool_new(1, "churn", NULL, NULL, NULL, &pool) == WEFT_STATUS_OK) {
            weft_pool_free(pool);
        }
    }
    return NULL;
}

static void use_a_pool_in_child(void) { use_a_new_pool(1); }

int main(void) {
    main_forks_while_a_worker_waits(0);
    main_forks_while_a_worker_waits(1);

    weft_thread *forker;
    weft_thread *main_thread = weft_main_thread();
    EXPECT(weft_thread_new(fork_from_worker, main_thread, NULL, &forker) == WEFT_STATUS_OK);
    EXPECT(weft_thread_start(forker) == WEFT_STATUS_OK);
    EXPECT(weft_thread_join(forker, WEFT_TIMEOUT_FOREVER) == WEFT_STATUS_OK);
    weft_thread_free(forker);
    weft_thread_free(main_thread);

    /* Forks while threads come and go: the child is alone and can use weft. */
    fork_while(churn, 20, alone_in_child);
    fork_while_a_worker_holds_a_lock();

    for (int with_dummy = 0; with_dummy < 2; with_dummy++) {
        pthread_t foreign;
        EXPECT(pthread_create(&foreign, NULL, foreign_thread_forks, with_dummy ? &passed : NULL) == 0);
        EXPECT(pthread_join(foreign, NULL) == 0);
    }

    /* Forks while another thread makes and frees pools: the child can make one. */
    fork_while(churn_pools, 50, use_a_pool_in_child);

    fork_while_threads_are_parked_on_a_lock();

    printf("%d passed, %d failed\n", passed, failed);
    return failed != 0;
}
