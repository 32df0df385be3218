/* The C side of the Go binding's callbacks (trampoline.c). A Go value travels through weft as a
 * runtime/cgo.Handle, an integer that C carries as a `void *` and never dereferences; these
 * functions take it as a uintptr_t, so that Go code never turns an integer into a pointer. */
#ifndef WEFT_GO_TRAMPOLINE_H
#define WEFT_GO_TRAMPOLINE_H
#include <weft.h>

/* A weft thread running the Go func() behind `fn`; the handle is deleted with the thread. */
enum weft_status weft_go_thread_new(uintptr_t fn, const char *name, weft_thread **thread_out);
/* A weft Timer calling the Go func() behind `fn` after `interval` seconds. */
enum weft_status weft_go_timer_new(double interval, uintptr_t fn, weft_thread **timer_out);
/* A barrier whose action is the Go func() behind `action` (0: none). */
enum weft_status weft_go_barrier_new(size_t parties, uintptr_t action, double timeout,
                                     weft_barrier **barrier_out);
/* A queue; with `handles`, its items are handles, deleted when weft drops them. */
enum weft_status weft_go_queue_new(int kind, size_t maxsize, bool handles, weft_queue **queue_out);
enum weft_status weft_go_queue_put(weft_queue *queue, uintptr_t item, int64_t priority,
                                   bool block, double timeout);
enum weft_status weft_go_queue_get(weft_queue *queue, bool block, double timeout,
                                   uintptr_t *item_out);
/* Submits the Go func() bool behind `task` (false: the task failed). */
enum weft_status weft_go_pool_submit(weft_pool *pool, uintptr_t task, weft_future **future_out);
#endif
