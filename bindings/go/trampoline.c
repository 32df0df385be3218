/* See trampoline.h. The exported Go functions (callbacks.go) are declared in _cgo_export.h. */
#include "trampoline.h"
#include "_cgo_export.h"

static void *run_thread(void *arg) {
    weftGoRun((uintptr_t)arg);
    return NULL;
}

static void run_action(void *arg) { weftGoRun((uintptr_t)arg); }

static void delete_handle(void *arg) { weftGoDelete((uintptr_t)arg); }

static int run_task(void *arg, void **result_out) {
    (void)result_out; /* the result stays on the Go side, in the future's state */
    return weftGoTask((uintptr_t)arg) ? 0 : 1;
}

enum weft_status weft_go_thread_new(uintptr_t fn, const char *name, weft_thread **thread_out) {
    return weft_thread_new_named(run_thread, (void *)fn, delete_handle, name, thread_out);
}

enum weft_status weft_go_timer_new(double interval, uintptr_t fn, weft_thread **timer_out) {
    return weft_timer_new(interval, run_thread, (void *)fn, delete_handle, timer_out);
}

enum weft_status weft_go_barrier_new(size_t parties, uintptr_t action, double timeout,
                                     weft_barrier **barrier_out) {
    if (action == 0) return weft_barrier_new(parties, NULL, NULL, NULL, timeout, barrier_out);
    return weft_barrier_new(parties, run_action, (void *)action, delete_handle, timeout,
                            barrier_out);
}

enum weft_status weft_go_queue_new(int kind, size_t maxsize, bool handles, weft_queue **queue_out) {
    return weft_queue_new(kind, maxsize, handles ? delete_handle : NULL, queue_out);
}

enum weft_status weft_go_queue_put(weft_queue *queue, uintptr_t item, int64_t priority,
                                   bool block, double timeout) {
    if (priority != 0) return weft_queue_put_priority(queue, (void *)item, priority, block, timeout);
    return weft_queue_put(queue, (void *)item, block, timeout);
}

enum weft_status weft_go_queue_get(weft_queue *queue, bool block, double timeout,
                                   uintptr_t *item_out) {
    void *item = NULL;
    enum weft_status status = weft_queue_get(queue, block, timeout, &item);
    *item_out = (uintptr_t)item;
    return status;
}

enum weft_status weft_go_pool_submit(weft_pool *pool, uintptr_t task, weft_future **future_out) {
    return weft_pool_submit(pool, run_task, (void *)task, delete_handle, future_out);
}
