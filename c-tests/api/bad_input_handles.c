/*
 * Every function of include/weft.h that takes a handle, given a NULL handle and the handle of
 * every other type (cast), plus an object that is not weft's at all: each must return
 * WEFT_STATUS_NULL_ARGUMENT / WEFT_STATUS_WRONG_HANDLE (queries false / 0, clones NULL), write
 * no out-parameter, call no callback, and leave both objects as they were. Freeing a handle
 * through another type's _free must do nothing. The objects are put in states (held, set,
 * holding an item, ...) where a call that skipped the type check would show.
 */
#define _POSIX_C_SOURCE 200809L
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "check.h"

#define FOREVER WEFT_TIMEOUT_FOREVER

/* The kinds of object, each the handle type of the functions listed under it below. */
enum kind {
    LOCK,
    RLOCK,
    THREAD,
    CONDITION,
    EVENT,
    SEMAPHORE,
    BARRIER,
    LOCAL,
    QUEUE,
    POOL,
    FUTURE,
    SCHEDULER,
    MAP,
    RWLOCK,
    CANCEL,
    FOREIGN, /* not a weft object: an aligned word that is no type's tag */
    N_KINDS
};

static const char *const kind_names[N_KINDS] = {
    "lock", "rlock",  "thread", "condition", "event", "semaphore",
    "barrier", "local", "queue", "pool",  "future", "scheduler", "map", "rwlock", "cancel", "foreign",
};

static void *objects[N_KINDS];

/* "weft" followed by a type number no type has. */
static uint64_t foreign_object[4] = {0x77656674000000ffu, 0, 0, 0};

/* ---- out-parameters and callbacks: none may be written or called --------------------------- */

static void *out_ptr;
static weft_condition *out_condition;
static weft_future *out_future;
static size_t out_size;
static bool out_bool;
static int out_int;
static char out_name[8];
static int callbacks; /* every callback and arg_free below counts here */

#define PTR_SENTINEL ((void *)&out_ptr)
#define CONDITION_SENTINEL ((weft_condition *)&out_condition)
#define FUTURE_SENTINEL ((weft_future *)&out_future)

static void reset_outs(void) {
    out_ptr = PTR_SENTINEL;
    out_condition = CONDITION_SENTINEL;
    out_future = FUTURE_SENTINEL;
    out_size = 777;
    out_bool = true;
    out_int = 777;
    strcpy(out_name, "xxxxxxx");
    callbacks = 0;
}

static bool outs_untouched(void) {
    return out_ptr == PTR_SENTINEL && out_condition == CONDITION_SENTINEL &&
           out_future == FUTURE_SENTINEL && out_size == 777 && out_bool && out_int == 777 &&
           strcmp(out_name, "xxxxxxx") == 0 && callbacks == 0;
}

static void count_callback(void *arg) {
    (void)arg;
    callbacks++;
}
static bool predicate(void *arg) {
    (void)arg;
    callbacks++;
    return true;
}
static int task(void *arg, void **result_out) {
    (void)arg;
    (void)result_out;
    callbacks++;
    return 0;
}
static void done_callback(weft_future *f, void *arg) {
    (void)f;
    (void)arg;
    callbacks++;
}
static void drain(void *item, void *arg) {
    (void)item;
    (void)arg;
    callbacks++;
}

/* ---- the functions, each as a call on one handle --------------------------------------------- */

/* Functions returning a status (expected: NULL_ARGUMENT for NULL, WRONG_HANDLE otherwise). */
static weft_status lock_acquire(void *h) { return weft_lock_acquire(h, true, 0.0); }
static weft_status lock_acquire_nb(void *h) { return weft_lock_acquire(h, false, FOREVER); }
static weft_status lock_release(void *h) { return weft_lock_release(h); }
static weft_status condition_new_with_lock(void *h) {
    return weft_condition_new_with_lock(h, &out_condition);
}

static weft_status rlock_acquire(void *h) { return weft_rlock_acquire(h, true, 0.0); }
static weft_status rlock_release(void *h) { return weft_rlock_release(h); }
static weft_status condition_new_with_rlock(void *h) {
    return weft_condition_new_with_rlock(h, &out_condition);
}

static weft_status thread_start(void *h) { return weft_thread_start(h); }
static weft_status thread_join(void *h) { return weft_thread_join(h, 0.0); }
static weft_status thread_get_name(void *h) {
    return weft_thread_get_name(h, out_name, sizeof out_name, &out_size);
}
static weft_status thread_set_name(void *h) { return weft_thread_set_name(h, "name"); }
static weft_status thread_set_daemon(void *h) { return weft_thread_set_daemon(h, true); }
static weft_status thread_set_stack_size(void *h) { return weft_thread_set_stack_size(h, 0); }
static weft_status thread_result(void *h) { return weft_thread_result(h, &out_ptr); }
static weft_status timer_cancel(void *h) { return weft_timer_cancel(h); }

static weft_status condition_acquire(void *h) { return weft_condition_acquire(h, true, 0.0); }
static weft_status condition_release(void *h) { return weft_condition_release(h); }
static weft_status condition_wait(void *h) { return weft_condition_wait(h, 0.0); }
static weft_status condition_wait_for(void *h) {
    return weft_condition_wait_for(h, predicate, NULL, 0.0, &out_bool);
}
static weft_status condition_notify(void *h) { return weft_condition_notify(h, 1); }
static weft_status condition_notify_all(void *h) { return weft_condition_notify_all(h); }

static weft_status event_set(void *h) { return weft_event_set(h); }
static weft_status event_clear(void *h) { return weft_event_clear(h); }
static weft_status event_wait(void *h) { return weft_event_wait(h, 0.0); }

static weft_status semaphore_acquire(void *h) { return weft_semaphore_acquire(h, true, 0.0); }
static weft_status semaphore_release(void *h) { return weft_semaphore_release(h, 1); }

static weft_status barrier_wait(void *h) { return weft_barrier_wait(h, 0.0, &out_size); }
static weft_status barrier_reset(void *h) { return weft_barrier_reset(h); }
static weft_status barrier_abort(void *h) { return weft_barrier_abort(h); }

static weft_status local_get(void *h) { return weft_local_get(h, &out_ptr); }
static weft_status local_set(void *h) { return weft_local_set(h, &out_int); }

static weft_status queue_put(void *h) { return weft_queue_put(h, &out_int, false, FOREVER); }
static weft_status queue_put_priority(void *h) {
    return weft_queue_put_priority(h, &out_int, 1, false, FOREVER);
}
static weft_status queue_get(void *h) { return weft_queue_get(h, false, FOREVER, &out_ptr); }
static weft_status queue_task_done(void *h) { return weft_queue_task_done(h); }
static weft_status queue_join(void *h) { return weft_queue_join(h, 0.0); }
static weft_status queue_shutdown(void *h) { return weft_queue_shutdown(h, true, drain, NULL); }

static weft_status pool_submit(void *h) {
    return weft_pool_submit(h, task, &callbacks, count_callback, &out_future);
}
static weft_status pool_shutdown(void *h) { return weft_pool_shutdown(h, true, true); }
static weft_status pool_submit_timeout(void *h) {
    return weft_pool_submit_timeout(h, task, &callbacks, count_callback, true, 0.0, &out_future);
}
static weft_status pool_set_max_workers(void *h) { return weft_pool_set_max_workers(h, 5); }
static weft_status pool_set_max_pending(void *h) { return weft_pool_set_max_pending(h, 5); }
static weft_status pool_counts(void *h) { return weft_pool_counts(h, &out_size, NULL, NULL); }

static weft_status rwlock_acquire_read(void *h) { return weft_rwlock_acquire_read(h, true, 0.0); }
static weft_status rwlock_release_read(void *h) { return weft_rwlock_release_read(h); }
static weft_status rwlock_acquire_write(void *h) {
    return weft_rwlock_acquire_write(h, false, FOREVER);
}
static weft_status rwlock_release_write(void *h) { return weft_rwlock_release_write(h); }

static weft_status future_result(void *h) { return weft_future_result(h, 0.0, &out_ptr); }
static weft_status future_exception(void *h) { return weft_future_exception(h, 0.0, &out_int); }
static weft_status future_add_done_callback(void *h) {
    return weft_future_add_done_callback(h, done_callback, NULL);
}
static weft_status future_set_result(void *h) { return weft_future_set_result(h, NULL, NULL); }
static weft_status future_set_exception(void *h) { return weft_future_set_exception(h, 1); }
static weft_status future_set_running_or_notify_cancel(void *h) {
    return weft_future_set_running_or_notify_cancel(h);
}
static int periodic(void *arg) {
    (void)arg;
    callbacks++;
    return 0;
}
static weft_status scheduler_call_later(void *h) {
    return weft_scheduler_call_later(h, 0.0, task, NULL, count_callback, &out_future);
}
static weft_status scheduler_call_every(void *h) {
    return weft_scheduler_call_every(h, 0.0, 1.0, WEFT_FIXED_RATE, periodic, NULL,
                                     count_callback, &out_future);
}
static weft_status scheduler_shutdown(void *h) { return weft_scheduler_shutdown(h, true); }
static weft_status pool_map(void *h) {
    void *args[1] = {NULL};
    weft_map *map = NULL;
    weft_status status = weft_pool_map(h, task, args, 1, count_callback, FOREVER, &map);
    if (status == WEFT_STATUS_OK) {
        weft_map_free(map);
    }
    return status;
}
static weft_status map_next(void *h) { return weft_map_next(h, &out_ptr, &out_int); }
static weft_status futures_wait(void *h) {
    weft_future *fs[2];
    fs[0] = objects[FUTURE];
    fs[1] = h;
    return weft_futures_wait(fs, 2, 0.0, WEFT_ALL_COMPLETED, &out_bool);
}
static weft_status futures_as_completed(void *h) {
    weft_future *fs[2];
    bool yielded[2] = {false, false};
    weft_status status;
    fs[0] = objects[FUTURE];
    fs[1] = h;
    status = weft_futures_as_completed(fs, 2, yielded, 0.0, &out_size);
    if (yielded[0] || yielded[1]) {
        callbacks++; /* a flag set: something was consumed */
    }
    return status;
}

/* Functions returning a value (expected: 0 / false / NULL). */
static uintptr_t lock_clone(void *h) { return (uintptr_t)weft_lock_clone(h); }
static uintptr_t lock_locked(void *h) { return weft_lock_locked(h); }

static uintptr_t rlock_clone(void *h) { return (uintptr_t)weft_rlock_clone(h); }
static uintptr_t rlock_locked(void *h) { return weft_rlock_locked(h); }
static uintptr_t rlock_is_owned(void *h) { return weft_rlock_is_owned(h); }
static uintptr_t rlock_recursion_count(void *h) { return weft_rlock_recursion_count(h); }
static uintptr_t rlock_owner(void *h) { return weft_rlock_owner(h); }

static uintptr_t thread_clone(void *h) { return (uintptr_t)weft_thread_clone(h); }
static uintptr_t thread_is_self(void *h) { return weft_thread_is(h, h); }
static uintptr_t thread_is_thread(void *h) { return weft_thread_is(objects[THREAD], h); }
static uintptr_t thread_is_alive(void *h) { return weft_thread_is_alive(h); }
static uintptr_t thread_is_daemon(void *h) { return weft_thread_is_daemon(h); }
static uintptr_t thread_ident(void *h) { return weft_thread_ident(h); }
static uintptr_t thread_native_id(void *h) { return weft_thread_native_id(h); }

static uintptr_t condition_clone(void *h) { return (uintptr_t)weft_condition_clone(h); }

static uintptr_t event_clone(void *h) { return (uintptr_t)weft_event_clone(h); }
static uintptr_t event_is_set(void *h) { return weft_event_is_set(h); }

static uintptr_t semaphore_clone(void *h) { return (uintptr_t)weft_semaphore_clone(h); }
static uintptr_t semaphore_value(void *h) { return weft_semaphore_value(h); }

static uintptr_t barrier_clone(void *h) { return (uintptr_t)weft_barrier_clone(h); }
static uintptr_t barrier_broken(void *h) { return weft_barrier_broken(h); }
static uintptr_t barrier_n_waiting(void *h) { return weft_barrier_n_waiting(h); }
static uintptr_t barrier_parties(void *h) { return weft_barrier_parties(h); }

static uintptr_t local_clone(void *h) { return (uintptr_t)weft_local_clone(h); }
static uintptr_t local_is_set(void *h) { return weft_local_is_set(h); }

static uintptr_t queue_clone(void *h) { return (uintptr_t)weft_queue_clone(h); }
static uintptr_t queue_is_shutdown(void *h) { return weft_queue_is_shutdown(h); }
static uintptr_t queue_qsize(void *h) { return weft_queue_qsize(h); }
static uintptr_t queue_empty(void *h) { return weft_queue_empty(h); }
static uintptr_t queue_full(void *h) { return weft_queue_full(h); }
static uintptr_t queue_maxsize(void *h) { return weft_queue_maxsize(h); }
static uintptr_t queue_unfinished_tasks(void *h) { return weft_queue_unfinished_tasks(h); }
static uintptr_t queue_getters(void *h) { return weft_queue_getters(h); }
static uintptr_t queue_putters(void *h) { return weft_queue_putters(h); }

static uintptr_t pool_clone(void *h) { return (uintptr_t)weft_pool_clone(h); }
static uintptr_t pool_max_workers(void *h) { return weft_pool_max_workers(h); }
static uintptr_t pool_max_pending(void *h) { return weft_pool_max_pending(h); }

static uintptr_t rwlock_clone(void *h) { return (uintptr_t)weft_rwlock_clone(h); }

static uintptr_t future_clone(void *h) { return (uintptr_t)weft_future_clone(h); }
static uintptr_t future_cancel(void *h) { return weft_future_cancel(h); }
static uintptr_t future_interrupt(void *h) { return weft_future_interrupt(h); }
static uintptr_t future_cancelled(void *h) { return weft_future_cancelled(h); }
static uintptr_t future_running(void *h) { return weft_future_running(h); }
static uintptr_t future_done(void *h) { return weft_future_done(h); }
static uintptr_t scheduler_clone(void *h) { return (uintptr_t)weft_scheduler_clone(h); }
static uintptr_t scheduler_pending(void *h) { return weft_scheduler_pending(h); }
static uintptr_t map_clone(void *h) { return (uintptr_t)weft_map_clone(h); }

/* _free through each type. */
static void lock_free(void *h) { weft_lock_free(h); }
static void rlock_free(void *h) { weft_rlock_free(h); }
static void thread_free(void *h) { weft_thread_free(h); }
static void condition_free(void *h) { weft_condition_free(h); }
static void event_free(void *h) { weft_event_free(h); }
static void semaphore_free(void *h) { weft_semaphore_free(h); }
static void barrier_free(void *h) { weft_barrier_free(h); }
static void local_free(void *h) { weft_local_free(h); }
static void queue_free(void *h) { weft_queue_free(h); }
static void pool_free(void *h) { weft_pool_free(h); }
static void future_free(void *h) { weft_future_free(h); }
static void scheduler_free(void *h) { weft_scheduler_free(h); }
static void map_free(void *h) { weft_map_free(h); }
static void rwlock_free(void *h) { weft_rwlock_free(h); }
static void cancel_free(void *h) { weft_cancel_free(h); }

static weft_status cancel_set(void *h) { return weft_cancel_set(h); }
static weft_status cancel_reset(void *h) { return weft_cancel_reset(h); }
static uintptr_t cancel_clone(void *h) { return (uintptr_t)weft_cancel_clone(h); }
static uintptr_t cancel_is_set(void *h) { return weft_cancel_is_set(h); }

#define STATUS_CALL(kind, fn) {kind, #fn, fn, NULL}
#define VALUE_CALL(kind, fn) {kind, #fn, NULL, fn}

static const struct call {
    enum kind kind; /* the handle type the function takes */
    const char *name;
    weft_status (*status)(void *h);
    uintptr_t (*value)(void *h);
} calls[] = {
    STATUS_CALL(LOCK, lock_acquire),
    STATUS_CALL(LOCK, lock_acquire_nb),
    STATUS_CALL(LOCK, lock_release),
    STATUS_CALL(LOCK, condition_new_with_lock),
    VALUE_CALL(LOCK, lock_clone),
    VALUE_CALL(LOCK, lock_locked),

    STATUS_CALL(RLOCK, rlock_acquire),
    STATUS_CALL(RLOCK, rlock_release),
    STATUS_CALL(RLOCK, condition_new_with_rlock),
    VALUE_CALL(RLOCK, rlock_clone),
    VALUE_CALL(RLOCK, rlock_locked),
    VALUE_CALL(RLOCK, rlock_is_owned),
    VALUE_CALL(RLOCK, rlock_recursion_count),
    VALUE_CALL(RLOCK, rlock_owner),

    STATUS_CALL(THREAD, thread_start),
    STATUS_CALL(THREAD, thread_join),
    STATUS_CALL(THREAD, thread_get_name),
    STATUS_CALL(THREAD, thread_set_name),
    STATUS_CALL(THREAD, thread_set_daemon),
    STATUS_CALL(THREAD, thread_set_stack_size),
    STATUS_CALL(THREAD, thread_result),
    STATUS_CALL(THREAD, timer_cancel),
    VALUE_CALL(THREAD, thread_clone),
    VALUE_CALL(THREAD, thread_is_self),
    VALUE_CALL(THREAD, thread_is_thread),
    VALUE_CALL(THREAD, thread_is_alive),
    VALUE_CALL(THREAD, thread_is_daemon),
    VALUE_CALL(THREAD, thread_ident),
    VALUE_CALL(THREAD, thread_native_id),

    STATUS_CALL(CONDITION, condition_acquire),
    STATUS_CALL(CONDITION, condition_release),
    STATUS_CALL(CONDITION, condition_wait),
    STATUS_CALL(CONDITION, condition_wait_for),
    STATUS_CALL(CONDITION, condition_notify),
    STATUS_CALL(CONDITION, condition_notify_all),
    VALUE_CALL(CONDITION, condition_clone),

    STATUS_CALL(EVENT, event_set),
    STATUS_CALL(EVENT, event_clear),
    STATUS_CALL(EVENT, event_wait),
    VALUE_CALL(EVENT, event_clone),
    VALUE_CALL(EVENT, event_is_set),

    STATUS_CALL(SEMAPHORE, semaphore_acquire),
    STATUS_CALL(SEMAPHORE, semaphore_release),
    VALUE_CALL(SEMAPHORE, semaphore_clone),
    VALUE_CALL(SEMAPHORE, semaphore_value),

    STATUS_CALL(BARRIER, barrier_wait),
    STATUS_CALL(BARRIER, barrier_reset),
    STATUS_CALL(BARRIER, barrier_abort),
    VALUE_CALL(BARRIER, barrier_clone),
    VALUE_CALL(BARRIER, barrier_broken),
    VALUE_CALL(BARRIER, barrier_n_waiting),
    VALUE_CALL(BARRIER, barrier_parties),

    STATUS_CALL(LOCAL, local_get),
    STATUS_CALL(LOCAL, local_set),
    VALUE_CALL(LOCAL, local_clone),
    VALUE_CALL(LOCAL, local_is_set),

    STATUS_CALL(QUEUE, queue_put),
    STATUS_CALL(QUEUE, queue_put_priority),
    STATUS_CALL(QUEUE, queue_get),
    STATUS_CALL(QUEUE, queue_task_done),
    STATUS_CALL(QUEUE, queue_join),
    STATUS_CALL(QUEUE, queue_shutdown),
    VALUE_CALL(QUEUE, queue_clone),
    VALUE_CALL(QUEUE, queue_is_shutdown),
    VALUE_CALL(QUEUE, queue_qsize),
    VALUE_CALL(QUEUE, queue_empty),
    VALUE_CALL(QUEUE, queue_full),
    VALUE_CALL(QUEUE, queue_maxsize),
    VALUE_CALL(QUEUE, queue_unfinished_tasks),
    VALUE_CALL(QUEUE, queue_getters),
    VALUE_CALL(QUEUE, queue_putters),

    STATUS_CALL(POOL, pool_submit),
    STATUS_CALL(POOL, pool_shutdown),
    STATUS_CALL(POOL, pool_map),
    STATUS_CALL(POOL, pool_submit_timeout),
    STATUS_CALL(POOL, pool_set_max_workers),
    STATUS_CALL(POOL, pool_set_max_pending),
    STATUS_CALL(POOL, pool_counts),
    VALUE_CALL(POOL, pool_clone),
    VALUE_CALL(POOL, pool_max_workers),
    VALUE_CALL(POOL, pool_max_pending),

    STATUS_CALL(FUTURE, future_result),
    STATUS_CALL(FUTURE, future_exception),
    STATUS_CALL(FUTURE, future_add_done_callback),
    STATUS_CALL(FUTURE, futures_wait),
    STATUS_CALL(FUTURE, futures_as_completed),
    VALUE_CALL(FUTURE, future_clone),
    VALUE_CALL(FUTURE, future_cancel),
    VALUE_CALL(FUTURE, future_interrupt),
    VALUE_CALL(FUTURE, future_cancelled),
    VALUE_CALL(FUTURE, future_running),
    VALUE_CALL(FUTURE, future_done),
    STATUS_CALL(FUTURE, future_set_result),
    STATUS_CALL(FUTURE, future_set_exception),
    STATUS_CALL(FUTURE, future_set_running_or_notify_cancel),

    STATUS_CALL(SCHEDULER, scheduler_call_later),
    STATUS_CALL(SCHEDULER, scheduler_call_every),
    STATUS_CALL(SCHEDULER, scheduler_shutdown),
    VALUE_CALL(SCHEDULER, scheduler_clone),
    VALUE_CALL(SCHEDULER, scheduler_pending),

    STATUS_CALL(MAP, map_next),
    VALUE_CALL(MAP, map_clone),

    STATUS_CALL(RWLOCK, rwlock_acquire_read),
    STATUS_CALL(RWLOCK, rwlock_release_read),
    STATUS_CALL(RWLOCK, rwlock_acquire_write),
    STATUS_CALL(RWLOCK, rwlock_release_write),
    VALUE_CALL(RWLOCK, rwlock_clone),

    STATUS_CALL(CANCEL, cancel_set),
    STATUS_CALL(CANCEL, cancel_reset),
    VALUE_CALL(CANCEL, cancel_clone),
    VALUE_CALL(CANCEL, cancel_is_set),
};

static void (*const frees[N_KINDS])(void *h) = {
    lock_free,  rlock_free, thread_free, condition_free, event_free, semaphore_free,
    barrier_free, local_free, queue_free,  pool_free,      future_free, scheduler_free,
    map_free,     rwlock_free, cancel_free, NULL,
};

/* ---- the objects ------------------------------------------------------------------------------ */

static int queued_item;
static int local_value;

static void *return_arg(void *arg) {
    return arg;
}

static int return_arg_task(void *arg, void **result_out) {
    *result_out = arg;
    return 0;
}

/* Makes one object of each kind, in a state where a call that skipped the type check would
 * change something or report something other than false / 0. */
static void make_objects(void) {
    weft_lock *lock = NULL;
    weft_rlock *rlock = NULL;
    weft_thread *thread = NULL;
    weft_condition *condition = NULL;
    weft_event *event = NULL;
    weft_semaphore *semaphore = NULL;
    weft_barrier *barrier = NULL;
    weft_local *local = NULL;
    weft_queue *queue = NULL;
    weft_pool *pool = NULL;
    weft_future *future = NULL;
    weft_scheduler *scheduler = NULL;
    weft_map *map = NULL;
    weft_rwlock *rwlock = NULL;
    weft_cancel *cancel = NULL;
    void *result = NULL;

    EXPECT_STATUS(weft_lock_new(&lock), WEFT_STATUS_OK);
    EXPECT_STATUS(weft_lock_acquire(lock, true, FOREVER), WEFT_STATUS_OK);

    EXPECT_STATUS(weft_rlock_new(&rlock), WEFT_STATUS_OK);
    EXPECT_STATUS(weft_rlock_acquire(rlock, true, FOREVER), WEFT_STATUS_OK);

    /* A finished thread with a result. */
    EXPECT_STATUS(weft_thread_new(return_arg, &queued_item, NULL, &thread), WEFT_STATUS_OK);
    EXPECT_STATUS(weft_thread_start(thread), WEFT_STATUS_OK);
    EXPECT_STATUS(weft_thread_join(thread, FOREVER), WEFT_STATUS_OK);

    /* A condition whose (reentrant) lock this thread holds. */
    EXPECT_STATUS(weft_condition_new(&condition), WEFT_STATUS_OK);
    EXPECT_STATUS(weft_condition_acquire(condition, true, FOREVER), WEFT_STATUS_OK);

    EXPECT_STATUS(weft_event_new(&event), WEFT_STATUS_OK);
    EXPECT_STATUS(weft_event_set(event), WEFT_STATUS_OK);

    /* One permit left of two. */
    EXPECT_STATUS(weft_bounded_semaphore_new(2, &semaphore), WEFT_STATUS_OK);
    EXPECT_STATUS(weft_semaphore_acquire(semaphore, false, FOREVER), WEFT_STATUS_OK);

    EXPECT_STATUS(weft_barrier_new(1, NULL, NULL, NULL, FOREVER, &barrier), WEFT_STATUS_OK);

    EXPECT_STATUS(weft_local_new(NULL, NULL, NULL, NULL, &local), WEFT_STATUS_OK);
    EXPECT_STATUS(weft_local_set(local, &local_value), WEFT_STATUS_OK);

    /* One item, with room for another. */
    EXPECT_STATUS(weft_queue_new(WEFT_QUEUE_PRIORITY, 2, NULL, &queue), WEFT_STATUS_OK);
    EXPECT_STATUS(weft_queue_put(queue, &queued_item, false, FOREVER), WEFT_STATUS_OK);

    EXPECT_STATUS(weft_pool_new(2, "matrix", NULL, NULL, NULL, &pool), WEFT_STATUS_OK);

    /* A future done with a result. */
    EXPECT_STATUS(weft_pool_submit(pool, return_arg_task, &queued_item, NULL, &future),
                  WEFT_STATUS_OK);
    EXPECT_STATUS(weft_future_result(future, FOREVER, &result), WEFT_STATUS_OK);
    EXPECT(result == &queued_item);

    /* A scheduler with a timer pending. */
    EXPECT_STATUS(weft_scheduler_new(&scheduler), WEFT_STATUS_OK);
    weft_future *timer = NULL;
    EXPECT_STATUS(weft_scheduler_call_later(scheduler, 3600.0, return_arg_task, NULL, NULL, &timer),
                  WEFT_STATUS_OK);
    weft_future_free(timer);

    /* A map with one result to hand out. */
    void *map_args[1] = {&queued_item};
    EXPECT_STATUS(weft_pool_map(pool, return_arg_task, map_args, 1, NULL, FOREVER, &map),
                  WEFT_STATUS_OK);

    objects[LOCK] = lock;
    objects[RLOCK] = rlock;
    objects[THREAD] = thread;
    objects[CONDITION] = condition;
    objects[EVENT] = event;
    objects[SEMAPHORE] = semaphore;
    objects[BARRIER] = barrier;
    objects[LOCAL] = local;
    objects[QUEUE] = queue;
    objects[POOL] = pool;
    /* Read by this thread. */
    EXPECT_STATUS(weft_rwlock_new(&rwlock), WEFT_STATUS_OK);
    EXPECT_STATUS(weft_rwlock_acquire_read(rwlock, true, FOREVER), WEFT_STATUS_OK);

    /* A set token. */
    EXPECT_STATUS(weft_cancel_new(&cancel), WEFT_STATUS_OK);
    EXPECT_STATUS(weft_cancel_set(cancel), WEFT_STATUS_OK);

    objects[FUTURE] = future;
    objects[SCHEDULER] = scheduler;
    objects[MAP] = map;
    objects[RWLOCK] = rwlock;
    objects[CANCEL] = cancel;
    objects[FOREIGN] = foreign_object;
}

/* Every object is as make_objects left it. */
static void objects_intact(const char *when) {
    void *value = NULL;
    int code = 1;
    char name[64];
    size_t len = 0;
    printf("checking the objects %s\n", when);

    EXPECT(weft_lock_locked(objects[LOCK]));

    EXPECT(weft_rlock_is_owned(objects[RLOCK]));
    EXPECT(weft_rlock_recursion_count(objects[RLOCK]) == 1);
    EXPECT(weft_rlock_owner(objects[RLOCK]) == weft_get_ident());

    EXPECT(!weft_thread_is_alive(objects[THREAD]));
    EXPECT(!weft_thread_is_daemon(objects[THREAD]));
    EXPECT(weft_thread_ident(objects[THREAD]) != 0);
    EXPECT_STATUS(weft_thread_result(objects[THREAD], &value), WEFT_STATUS_OK);
    EXPECT(value == &queued_item);
    EXPECT_STATUS(weft_thread_get_name(objects[THREAD], name, sizeof name, &len), WEFT_STATUS_OK);
    EXPECT(strcmp(name, "Thread-1") == 0 && len == 8);

    /* Still held by this thread: notify needs the lock. */
    EXPECT_STATUS(weft_condition_notify(objects[CONDITION], 1), WEFT_STATUS_OK);

    EXPECT(weft_event_is_set(objects[EVENT]));

    /* One permit of two: one more acquire succeeds, then none; two releases fit, not three. */
    EXPECT(weft_semaphore_value(objects[SEMAPHORE]) == 1);
    EXPECT_STATUS(weft_semaphore_acquire(objects[SEMAPHORE], false, FOREVER), WEFT_STATUS_OK);
    EXPECT_STATUS(weft_semaphore_acquire(objects[SEMAPHORE], false, FOREVER), WEFT_STATUS_TIMEOUT);
    EXPECT_STATUS(weft_semaphore_release(objects[SEMAPHORE], 1), WEFT_STATUS_OK);

    EXPECT(weft_barrier_parties(objects[BARRIER]) == 1);
    EXPECT(!weft_barrier_broken(objects[BARRIER]));
    EXPECT(weft_barrier_n_waiting(objects[BARRIER]) == 0);

    EXPECT(weft_local_is_set(objects[LOCAL]));
    EXPECT_STATUS(weft_local_get(objects[LOCAL], &value), WEFT_STATUS_OK);
    EXPECT(value == &local_value);

    EXPECT(weft_queue_qsize(objects[QUEUE]) == 1);
    EXPECT(weft_queue_unfinished_tasks(objects[QUEUE]) == 1);
    EXPECT(weft_queue_maxsize(objects[QUEUE]) == 2);
    EXPECT(!weft_queue_is_shutdown(objects[QUEUE]));

    EXPECT(weft_pool_max_workers(objects[POOL]) == 2);
    EXPECT(weft_pool_max_pending(objects[POOL]) == 0);
    {
        size_t pending = 9;
        EXPECT_STATUS(weft_pool_counts(objects[POOL], &pending, NULL, NULL), WEFT_STATUS_OK);
        EXPECT(pending <= 1); /* the map's one task may not have been taken yet */
    }

    /* Read by this thread: a write would wait for itself; another read hold fits. */
    EXPECT_STATUS(weft_rwlock_acquire_write(objects[RWLOCK], false, FOREVER),
                  WEFT_STATUS_DEADLOCK);
    EXPECT_STATUS(weft_rwlock_acquire_read(objects[RWLOCK], false, FOREVER), WEFT_STATUS_OK);
    EXPECT_STATUS(weft_rwlock_release_read(objects[RWLOCK]), WEFT_STATUS_OK);

    EXPECT(weft_future_done(objects[FUTURE]));
    EXPECT(!weft_future_cancelled(objects[FUTURE]));
    EXPECT_STATUS(weft_future_exception(objects[FUTURE], 0.0, &code), WEFT_STATUS_OK);
    EXPECT(code == 0);

    EXPECT(weft_scheduler_pending(objects[SCHEDULER]) == 1);

    EXPECT(weft_cancel_is_set(objects[CANCEL]));
    EXPECT(!weft_cancelled()); /* nothing was installed */

    EXPECT(foreign_object[0] == 0x77656674000000ffu && foreign_object[1] == 0);
}

static void free_objects(void) {
    void *item = NULL;
    int code = 0;
    weft_future *after_shutdown = NULL;
    EXPECT_STATUS(weft_lock_release(objects[LOCK]), WEFT_STATUS_OK);
    EXPECT_STATUS(weft_rlock_release(objects[RLOCK]), WEFT_STATUS_OK);
    EXPECT_STATUS(weft_rwlock_release_read(objects[RWLOCK]), WEFT_STATUS_OK);
    EXPECT_STATUS(weft_condition_release(objects[CONDITION]), WEFT_STATUS_OK);
    EXPECT_STATUS(weft_queue_get(objects[QUEUE], false, FOREVER, &item), WEFT_STATUS_OK);
    EXPECT(item == &queued_item);
    EXPECT_STATUS(weft_pool_shutdown(objects[POOL], true, false), WEFT_STATUS_OK);
    /* The pool was never shut down before: pool_shutdown's wrong calls did nothing. */
    EXPECT_STATUS(weft_pool_submit(objects[POOL], task, NULL, NULL, &after_shutdown),
                  WEFT_STATUS_POOL_SHUT_DOWN);
    /* The map's one result, not taken by the wrong calls. */
    EXPECT_STATUS(weft_map_next(objects[MAP], &item, &code), WEFT_STATUS_OK);
    EXPECT(item == &queued_item);
    for (int k = 0; k < FOREIGN; k++) {
        frees[k](objects[k]);
    }
}

/* ---- the matrix ------------------------------------------------------------------------------- */

static void call_with(const struct call *c, void *h, const char *handle_name) {
    char what[128];
    snprintf(what, sizeof what, "%s(%s)", c->name, handle_name);
    reset_outs();
    if (c->status != NULL) {
        weft_status want = h == NULL ? WEFT_STATUS_NULL_ARGUMENT : WEFT_STATUS_WRONG_HANDLE;
        check_status(c->status(h), want, what, __LINE__);
    } else {
        check_record(c->value(h) == 0, what, __LINE__);
    }
    snprintf(what, sizeof what, "%s(%s): nothing written or called", c->name, handle_name);
    check_record(outs_untouched(), what, __LINE__);
}

static void every_call_with_every_wrong_handle(void) {
    for (size_t i = 0; i < sizeof calls / sizeof calls[0]; i++) {
        call_with(&calls[i], NULL, "NULL");
        for (int k = 0; k < N_KINDS; k++) {
            if (k != (int)calls[i].kind) {
                call_with(&calls[i], objects[k], kind_names[k]);
            }
        }
    }
}

/* A timer is a thread, but a thread is not a timer; the main thread is not one either. */
static void timer_cancel_on_threads(void) {
    weft_thread *main_thread = weft_main_thread();
    EXPECT_STATUS(weft_timer_cancel(objects[THREAD]), WEFT_STATUS_WRONG_HANDLE);
    EXPECT_STATUS(weft_timer_cancel(main_thread), WEFT_STATUS_WRONG_HANDLE);
    weft_thread_free(main_thread);
}

/* weft_cancel_install takes NULL (no token) but no other type's handle. */
static void cancel_install_with_every_wrong_handle(void) {
    for (int k = 0; k < N_KINDS; k++) {
        if (k != CANCEL) {
            EXPECT_STATUS(weft_cancel_install(objects[k]), WEFT_STATUS_WRONG_HANDLE);
        }
    }
    EXPECT_STATUS(weft_cancel_install(NULL), WEFT_STATUS_OK);
    EXPECT(weft_cancel_installed() == NULL);
}

/* weft_wait_any takes queues, events and futures in one array, told apart by their tags: any
 * other handle in it is refused before anything is waited for. */
static void wait_any_with_every_wrong_handle(void) {
    size_t index = 99;
    for (int k = 0; k < N_KINDS; k++) {
        if (k != QUEUE && k != EVENT && k != FUTURE) {
            const void *list[2] = {objects[EVENT], objects[k]};
            EXPECT_STATUS(weft_wait_any(list, 2, 0.0, &index), WEFT_STATUS_WRONG_HANDLE);
        }
    }
    EXPECT(index == 99);
}

/* _free through another type, and of NULL, does nothing. */
static void free_with_every_wrong_handle(void) {
    for (int t = 0; t < FOREIGN; t++) {
        frees[t](NULL);
        for (int k = 0; k < N_KINDS; k++) {
            if (k != t) {
                frees[t](objects[k]);
            }
        }
    }
}

int main(void) {
    make_objects();
    objects_intact("after making them");
    every_call_with_every_wrong_handle();
    timer_cancel_on_threads();
    cancel_install_with_every_wrong_handle();
    wait_any_with_every_wrong_handle();
    objects_intact("after the wrong calls");
    free_with_every_wrong_handle();
    objects_intact("after the wrong frees");
    free_objects();
    return check_summary();
}
