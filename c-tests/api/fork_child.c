/*
 * fork() in a threaded program: the child can use weft at once, and sees only itself.
 *
 * 1. main forks while a worker is blocked on a lock: in the child the worker is not alive, is
 *    not enumerated, joins at once; new locks and threads work; exit() does not wait for the
 *    worker (it does not exist in the child).
 * 2. a worker forks while main waits to join it: in the child, the worker is the only thread
 *    alive (MainThread is not).
 * 3. main forks repeatedly while another thread starts and joins threads in a loop, so that
 *    fork() often lands while weft's thread registry is busy: every child must still be able to
 *    start and join a thread (a registry lock left held by a thread that does not exist in the
 *    child would hang it; an alarm turns a hang into a failure).
 *
 * Children leave with _exit(), except the one that checks exit(). Prints "N passed, N failed".
 */
#define _POSIX_C_SOURCE 200809L
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

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
    weft_lock_new(&gate);
    weft_lock_acquire(gate, true, WEFT_TIMEOUT_FOREVER);
    weft_thread_new(wait_for_lock, gate, NULL, &worker);
    EXPECT(weft_thread_start(worker) == WEFT_STATUS_OK); /* non-daemon */

    fflush(NULL);
    pid_t pid = fork();
    if (pid == 0) {
        passed = failed = 0;
        alarm(30);
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
    EXPECT(pid > 0);
    reap(pid);
    EXPECT(weft_thread_is_alive(worker));
    weft_lock_release(gate);
    EXPECT(weft_thread_join(worker, WEFT_TIMEOUT_FOREVER) == WEFT_STATUS_OK);
    weft_thread_free(worker);
    weft_lock_free(gate);
}

static void *fork_from_worker(void *arg) {
    (void)arg;
    fflush(NULL);
    pid_t pid = fork();
    if (pid == 0) {
        passed = failed = 0;
        alarm(30);
        weft_thread *me = weft_current_thread();
        weft_thread *main_thread = weft_main_thread();
        EXPECT(weft_thread_is_alive(me));
        EXPECT(!weft_thread_is_alive(main_thread));
        EXPECT(weft_active_count() == 1);
        weft_thread_free(me);
        weft_thread_free(main_thread);
        use_weft_in_child();
        _exit(failed);
    }
    EXPECT(pid > 0);
    reap(pid);
    return NULL;
}

static atomic_int churning = 1;

static void *churn(void *arg) {
    (void)arg;
    while (atomic_load(&churning)) {
        weft_thread *t;
        if (weft_thread_new(return_arg, NULL, NULL, &t) == WEFT_STATUS_OK) {
            if (weft_thread_start(t) == WEFT_STATUS_OK) {
                weft_thread_join(t, WEFT_TIMEOUT_FOREVER);
            }
            weft_thread_free(t);
        }
    }
    return NULL;
}

static void fork_while_threads_come_and_go(void) {
    weft_thread *churner;
    weft_thread_new(churn, NULL, NULL, &churner);
    EXPECT(weft_thread_start(churner) == WEFT_STATUS_OK);
    for (int i = 0; i < 20; i++) {
        fflush(NULL);
        pid_t pid = fork();
        if (pid == 0) {
            passed = failed = 0;
            alarm(30);
            EXPECT(weft_active_count() == 1);
            use_weft_in_child();
            _exit(failed);
        }
        EXPECT(pid > 0);
        reap(pid);
    }
    atomic_store(&churning, 0);
    EXPECT(weft_thread_join(churner, WEFT_TIMEOUT_FOREVER) == WEFT_STATUS_OK);
    weft_thread_free(churner);
}

int main(void) {
    main_forks_while_a_worker_waits(0);
    main_forks_while_a_worker_waits(1);

    weft_thread *forker;
    weft_thread_new(fork_from_worker, NULL, NULL, &forker);
    EXPECT(weft_thread_start(forker) == WEFT_STATUS_OK);
    EXPECT(weft_thread_join(forker, WEFT_TIMEOUT_FOREVER) == WEFT_STATUS_OK);
    weft_thread_free(forker);

    fork_while_threads_come_and_go();

    printf("%d passed, %d failed\n", passed, failed);
    return failed != 0;
}
