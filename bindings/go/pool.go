package weft

// #include <stdlib.h>
// #include "trampoline.h"
import "C"

import (
	"context"
	"runtime"
	"sync"
	"unsafe"
)

// Pool is Python's concurrent.futures.ThreadPoolExecutor: weft worker threads running Go tasks
// (Submit). Every pool is shut down by Shutdown (the program's exit, see Exit), which runs the
// tasks still queued, as CPython does at interpreter exit.
type Pool struct{ h *C.weft_pool }

// pools holds a reference to every pool made here and not yet closed, for Shutdown.
var pools = struct {
	sync.Mutex
	all map[*C.weft_pool]*C.weft_pool // a Pool's handle -> the registry's own reference
}{all: map[*C.weft_pool]*C.weft_pool{}}

// NewPool makes a pool of at most maxWorkers threads (0: Python's default, min(32, CPUs + 4))
// named prefix_N (prefix "": ThreadPoolExecutor-M_N).
func NewPool(maxWorkers int, prefix string) (*Pool, error) {
	if maxWorkers < 0 {
		return nil, ErrMaxWorkers
	}
	var name *C.char
	if prefix != "" {
		name = C.CString(prefix)
		defer C.free(unsafe.Pointer(name))
	}
	var h *C.weft_pool
	if err := check(C.weft_pool_new(C.size_t(maxWorkers), name, nil, nil, nil, &h)); err != nil {
		return nil, err
	}
	pools.Lock()
	pools.all[h] = C.weft_pool_clone(h)
	pools.Unlock()
	p := &Pool{h}
	runtime.SetFinalizer(p, (*Pool).release)
	return p, nil
}

// MaxWorkers is the most threads the pool runs.
func (p *Pool) MaxWorkers() int {
	defer runtime.KeepAlive(p)
	return int(C.weft_pool_max_workers(p.h))
}

// Shutdown refuses new tasks (ErrPoolShutDown); with cancelFutures, cancels the queued ones;
// with wait, waits until the running and queued tasks are done.
func (p *Pool) Shutdown(wait, cancelFutures bool) {
	defer runtime.KeepAlive(p)
	must(C.weft_pool_shutdown(p.h, C.bool(wait), C.bool(cancelFutures)))
}

// Close shuts the pool down, waiting for its tasks, and releases p's reference (once: a second
// Close does nothing). It returns nil (every type is an io.Closer).
func (p *Pool) Close() error {
	if p.h == nil {
		return nil
	}
	p.Shutdown(true, false)
	p.release()
	return nil
}

// release is Close without the wait: a pool collected without Close shuts down without
// waiting, as a Python executor does when it is collected.
func (p *Pool) release() {
	pools.Lock()
	own, ok := pools.all[p.h]
	delete(pools.all, p.h)
	pools.Unlock()
	if ok {
		_ = C.weft_pool_shutdown(own, false, false)
		C.weft_pool_free(own)
	}
	C.weft_pool_free(p.h)
	p.h = nil
	runtime.SetFinalizer(p, nil)
}

// shutDownPools shuts down every pool not closed, running their queued tasks, and waits for
// them (what weft's exit handler does in C).
func shutDownPools() {
	pools.Lock()
	all := make([]*C.weft_pool, 0, len(pools.all))
	for _, own := range pools.all {
		all = append(all, C.weft_pool_clone(own))
	}
	pools.Unlock()
	for _, h := range all {
		_ = C.weft_pool_shutdown(h, true, false)
		C.weft_pool_free(h)
	}
}

// Future is Python's concurrent.futures.Future of a task's result.
type Future[T any] struct {
	h     *C.weft_future
	state *outcome[T]
}

// outcome is what the task returned, written by the worker before weft marks the future done
// and read after weft reports it done.
type outcome[T any] struct {
	value T
	err   error
}

// Submit schedules task on p: ErrPoolShutDown after Shutdown. Its future's Result is what task
// returns. (A function, not a method: Go methods take no type parameters.)
func Submit[T any](p *Pool, task func() (T, error)) (*Future[T], error) {
	defer runtime.KeepAlive(p)
	state := &outcome[T]{}
	handle := newHandle(func() bool {
		state.value, state.err = task()
		return state.err == nil
	})
	var h *C.weft_future
	if err := check(C.weft_go_pool_submit(p.h, handle, &h)); err != nil {
		deleteHandle(handle) // on failure weft does not free the argument
		return nil, err
	}
	f := &Future[T]{h, state}
	runtime.SetFinalizer(f, (*Future[T]).Close)
	return f, nil
}

// Close releases f's reference; the task is not affected. It returns nil (every type is an
// io.Closer); a second Close does nothing.
func (f *Future[T]) Close() error {
	C.weft_future_free(f.h)
	f.h = nil
	runtime.SetFinalizer(f, nil)
	return nil
}

// Result waits until the task has finished and returns what it returned; ErrCancelled if it was
// cancelled; ctx's error if ctx ends first. Python: future.result(timeout).
func (f *Future[T]) Result(ctx context.Context) (T, error) {
	defer runtime.KeepAlive(f)
	var result unsafe.Pointer
	err := wait(ctx, C.WEFT_STATUS_TIMEOUT, func(t C.double) C.enum_weft_status {
		return C.weft_future_result(f.h, t, &result)
	})
	switch err {
	case nil:
		return f.state.value, nil
	case ErrTaskFailed:
		return f.state.value, f.state.err
	default:
		var zero T
		return zero, err
	}
}

// Cancel cancels the task if it has not started; reports whether it is cancelled.
func (f *Future[T]) Cancel() bool {
	defer runtime.KeepAlive(f)
	return bool(C.weft_future_cancel(f.h))
}

// Cancelled reports whether the task was cancelled.
func (f *Future[T]) Cancelled() bool {
	defer runtime.KeepAlive(f)
	return bool(C.weft_future_cancelled(f.h))
}

// Running reports whether the task is running.
func (f *Future[T]) Running() bool {
	defer runtime.KeepAlive(f)
	return bool(C.weft_future_running(f.h))
}

// Done reports whether the task finished or was cancelled.
func (f *Future[T]) Done() bool {
	defer runtime.KeepAlive(f)
	return bool(C.weft_future_done(f.h))
}
