package weft

// #include "trampoline.h"
import "C"

import (
	"context"
	"runtime"
	"runtime/cgo"
	"unsafe"
)

// Kind is a queue's kind: the order gets take items in.
type Kind int

// The kinds of queue.Queue: first in first out, last in first out, lowest priority first
// (PutPriority), and SimpleQueue (unbounded, no task_done/join).
const (
	FIFO     Kind = C.WEFT_QUEUE_FIFO
	LIFO     Kind = C.WEFT_QUEUE_LIFO
	Priority Kind = C.WEFT_QUEUE_PRIORITY
	Simple   Kind = C.WEFT_QUEUE_SIMPLE
)

// Queue is Python's queue.Queue (or LifoQueue, PriorityQueue, SimpleQueue) of T.
//
// A Go value cannot be stored in C memory (cgo's pointer rules), so a Queue made by NewQueue
// carries each item as a runtime/cgo.Handle, made by the put and deleted by the get (or by weft,
// for items an immediate Shutdown or the queue's last Close drops). A Queue[uintptr] made by
// NewRawQueue or WrapQueue carries plain integers instead, C's `void *` items, so that C and Go
// exchange items through it.
type Queue[T any] struct {
	h *C.weft_queue
	// in makes the item weft stores for a value, out the value back, and drop undoes in for an
	// item that was not put.
	in   func(T) C.uintptr_t
	out  func(C.uintptr_t) T
	drop func(C.uintptr_t)
}

// NewQueue makes a queue of Go values; maxsize 0 or less is no limit (a Simple queue has none:
// ErrInvalidArgument).
func NewQueue[T any](kind Kind, maxsize int) (*Queue[T], error) {
	q := &Queue[T]{
		in: func(v T) C.uintptr_t { return newHandle(v) },
		out: func(item C.uintptr_t) T {
			handle := cgo.Handle(item)
			defer handle.Delete()
			v, _ := handle.Value().(T) // a nil interface value comes back as nil
			return v
		},
		drop: deleteHandle,
	}
	return q, q.create(kind, maxsize, true)
}

// NewRawQueue makes a queue of integers (C's `void *` items), for C code to share.
func NewRawQueue(kind Kind, maxsize int) (*Queue[uintptr], error) {
	q := rawQueue()
	return q, q.create(kind, maxsize, false)
}

// WrapQueue takes a reference of its own to a weft_queue that C code made; its items are
// integers (C's `void *` items).
func WrapQueue(handle unsafe.Pointer) *Queue[uintptr] {
	q := rawQueue()
	q.h = C.weft_queue_clone((*C.weft_queue)(handle))
	runtime.SetFinalizer(q, (*Queue[uintptr]).Close)
	return q
}

func rawQueue() *Queue[uintptr] {
	return &Queue[uintptr]{
		in:   func(v uintptr) C.uintptr_t { return C.uintptr_t(v) },
		out:  func(item C.uintptr_t) uintptr { return uintptr(item) },
		drop: func(C.uintptr_t) {},
	}
}

func (q *Queue[T]) create(kind Kind, maxsize int, handles bool) error {
	if maxsize < 0 {
		maxsize = 0
	}
	if err := check(C.weft_go_queue_new(C.int(kind), C.size_t(maxsize), C.bool(handles), &q.h)); err != nil {
		return err
	}
	runtime.SetFinalizer(q, (*Queue[T]).Close)
	return nil
}

// Close releases q's reference; weft drops the items left when the last reference goes. It returns
// nil (every type is an io.Closer); a second Close does nothing.
func (q *Queue[T]) Close() error {
	C.weft_queue_free(q.h)
	q.h = nil
	runtime.SetFinalizer(q, nil)
	return nil
}

// Handle is the weft_queue for C code, valid while q is open.
func (q *Queue[T]) Handle() unsafe.Pointer { return unsafe.Pointer(q.h) }

func (q *Queue[T]) put(ctx context.Context, v T, priority int64, block bool) error {
	defer runtime.KeepAlive(q)
	item := q.in(v)
	var err error
	if block {
		err = wait(ctx, C.WEFT_STATUS_FULL, func(t C.double) C.enum_weft_status {
			return C.weft_go_queue_put(q.h, item, C.int64_t(priority), true, t)
		})
	} else {
		err = check(C.weft_go_queue_put(q.h, item, C.int64_t(priority), false, forever))
	}
	if err != nil {
		q.drop(item)
	}
	return err
}

// Put puts v, waiting for a free slot: ErrShutDown once the queue is shut down.
func (q *Queue[T]) Put(v T) error { return q.put(context.Background(), v, 0, true) }

// PutContext is Put, ending with ctx's error (v not put) if ctx ends first.
func (q *Queue[T]) PutContext(ctx context.Context, v T) error { return q.put(ctx, v, 0, true) }

// PutNowait puts v if a slot is free: ErrFull otherwise.
func (q *Queue[T]) PutNowait(v T) error { return q.put(context.Background(), v, 0, false) }

// PutPriority puts v with a priority on a Priority queue (lower first; equal ones in the order
// put), waiting for a free slot. On other kinds a priority other than 0 is ErrInvalidArgument.
func (q *Queue[T]) PutPriority(v T, priority int64) error {
	return q.put(context.Background(), v, priority, true)
}

func (q *Queue[T]) get(ctx context.Context, block bool) (T, error) {
	defer runtime.KeepAlive(q)
	var item C.uintptr_t
	var err error
	if block {
		err = wait(ctx, C.WEFT_STATUS_EMPTY, func(t C.double) C.enum_weft_status {
			return C.weft_go_queue_get(q.h, true, t, &item)
		})
	} else {
		err = check(C.weft_go_queue_get(q.h, false, forever, &item))
	}
	if err != nil {
		var zero T
		return zero, err
	}
	return q.out(item), nil
}

// Get takes an item, waiting for one: ErrShutDown once the queue is shut down and empty.
func (q *Queue[T]) Get() (T, error) { return q.get(context.Background(), true) }

// GetContext is Get, ending with ctx's error (nothing taken) if ctx ends first.
func (q *Queue[T]) GetContext(ctx context.Context) (T, error) { return q.get(ctx, true) }

// GetNowait takes an item if there is one: ErrEmpty otherwise.
func (q *Queue[T]) GetNowait() (T, error) { return q.get(context.Background(), false) }

// TaskDone marks a task taken by Get as done: ErrTaskDoneTooMany if more than were put.
func (q *Queue[T]) TaskDone() error {
	defer runtime.KeepAlive(q)
	return check(C.weft_queue_task_done(q.h))
}

// Join waits until every item put has been marked done.
func (q *Queue[T]) Join() error { return q.JoinContext(context.Background()) }

// JoinContext is Join, ending with ctx's error if ctx ends first.
func (q *Queue[T]) JoinContext(ctx context.Context) error {
	defer runtime.KeepAlive(q)
	return wait(ctx, C.WEFT_STATUS_TIMEOUT, func(t C.double) C.enum_weft_status {
		return C.weft_queue_join(q.h, t)
	})
}

// Shutdown shuts the queue down (Python 3.13): puts fail with ErrShutDown, gets take the items
// left, then fail the same way; with immediate, the items left are dropped now.
func (q *Queue[T]) Shutdown(immediate bool) {
	defer runtime.KeepAlive(q)
	must(C.weft_queue_shutdown(q.h, C.bool(immediate), nil, nil))
}

// IsShutDown reports whether Shutdown was called.
func (q *Queue[T]) IsShutDown() bool {
	defer runtime.KeepAlive(q)
	return bool(C.weft_queue_is_shutdown(q.h))
}

// Len is the number of items queued (Python's qsize()).
func (q *Queue[T]) Len() int {
	defer runtime.KeepAlive(q)
	return int(C.weft_queue_qsize(q.h))
}

// Empty reports whether no item is queued.
func (q *Queue[T]) Empty() bool {
	defer runtime.KeepAlive(q)
	return bool(C.weft_queue_empty(q.h))
}

// Full reports whether the queue holds maxsize items.
func (q *Queue[T]) Full() bool {
	defer runtime.KeepAlive(q)
	return bool(C.weft_queue_full(q.h))
}
