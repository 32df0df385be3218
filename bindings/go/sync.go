package weft

// #include "trampoline.h"
import "C"

import (
	"context"
	"runtime"
	"time"
	"unsafe"
)

// Every object holds one reference to its weft handle. Close releases it; a finalizer releases
// it if the object is collected first. Each method keeps its object alive until its C call has
// returned (runtime.KeepAlive), so that the finalizer never frees a handle in use.

// Lock is Python's threading.Lock: not reentrant, and released by any goroutine or thread (as
// sync.Mutex). It satisfies sync.Locker.
type Lock struct{ h *C.weft_lock }

// NewLock makes an unlocked Lock.
func NewLock() *Lock {
	var h *C.weft_lock
	must(C.weft_lock_new(&h))
	return wrapLock(h)
}

func wrapLock(h *C.weft_lock) *Lock {
	l := &Lock{h}
	runtime.SetFinalizer(l, (*Lock).Close)
	return l
}

// WrapLock takes a reference of its own to a weft_lock that C code made (the caller keeps its
// reference).
func WrapLock(handle unsafe.Pointer) *Lock {
	return wrapLock(C.weft_lock_clone((*C.weft_lock)(handle)))
}

// Handle is the weft_lock for C code, valid while l is open; C takes a reference of its own with
// weft_lock_clone to keep it longer.
func (l *Lock) Handle() unsafe.Pointer { return unsafe.Pointer(l.h) }

// Close releases l's reference; l is unusable after it. It returns nil (every type is an
// io.Closer); a second Close does nothing.
func (l *Lock) Close() error {
	C.weft_lock_free(l.h)
	l.h = nil
	runtime.SetFinalizer(l, nil)
	return nil
}

// Lock waits until l is free and takes it.
func (l *Lock) Lock() {
	defer runtime.KeepAlive(l)
	must(C.weft_lock_acquire(l.h, true, forever))
}

// Unlock releases l. It panics with ErrReleaseUnlocked if l is not locked, as sync.Mutex's
// Unlock fails; Release returns that error instead.
func (l *Lock) Unlock() {
	if err := l.Release(); err != nil {
		panic(err)
	}
}

// Release releases l: ErrReleaseUnlocked if it is not locked.
func (l *Lock) Release() error {
	defer runtime.KeepAlive(l)
	return check(C.weft_lock_release(l.h))
}

// TryLock takes l if it is free, without waiting.
func (l *Lock) TryLock() bool {
	defer runtime.KeepAlive(l)
	return C.weft_lock_acquire(l.h, false, forever) == C.WEFT_STATUS_OK
}

// AcquireContext waits until l is free and takes it (nil), or until ctx ends (ctx's error, l not
// taken). Python: lock.acquire(timeout=...), with context.WithTimeout.
func (l *Lock) AcquireContext(ctx context.Context) error {
	defer runtime.KeepAlive(l)
	return wait(ctx, C.WEFT_STATUS_TIMEOUT, func(t C.double) C.enum_weft_status {
		return C.weft_lock_acquire(l.h, true, t)
	})
}

// Locked reports whether l is held (a snapshot).
func (l *Lock) Locked() bool {
	defer runtime.KeepAlive(l)
	return bool(C.weft_lock_locked(l.h))
}

// RLock is Python's threading.RLock: reentrant, owned by the OS thread that took it. A goroutine
// moves between OS threads, so Lock and AcquireContext lock the goroutine to its OS thread
// (runtime.LockOSThread) until the matching Unlock: hold an RLock in one goroutine, as any Go
// lock. It satisfies sync.Locker.
type RLock struct{ h *C.weft_rlock }

// NewRLock makes an unowned RLock.
func NewRLock() *RLock {
	var h *C.weft_rlock
	must(C.weft_rlock_new(&h))
	r := &RLock{h}
	runtime.SetFinalizer(r, (*RLock).Close)
	return r
}

// Close releases r's reference; r is unusable after it. It returns nil (every type is an
// io.Closer); a second Close does nothing.
func (r *RLock) Close() error {
	C.weft_rlock_free(r.h)
	r.h = nil
	runtime.SetFinalizer(r, nil)
	return nil
}

// Lock waits until r is free or owned by this goroutine, and takes it (once more).
func (r *RLock) Lock() {
	if err := r.AcquireContext(context.Background()); err != nil {
		panic(err)
	}
}

// AcquireContext is Lock, ending with ctx's error (r not taken) if ctx ends first.
func (r *RLock) AcquireContext(ctx context.Context) error {
	defer runtime.KeepAlive(r)
	runtime.LockOSThread()
	err := wait(ctx, C.WEFT_STATUS_TIMEOUT, func(t C.double) C.enum_weft_status {
		return C.weft_rlock_acquire(r.h, true, t)
	})
	if err != nil {
		runtime.UnlockOSThread()
	}
	return err
}

// TryLock takes r if it is free or owned by this goroutine, without waiting.
func (r *RLock) TryLock() bool {
	defer runtime.KeepAlive(r)
	runtime.LockOSThread()
	if C.weft_rlock_acquire(r.h, false, forever) != C.WEFT_STATUS_OK {
		runtime.UnlockOSThread()
		return false
	}
	return true
}

// Unlock releases r once; it panics with ErrNotOwner if this goroutine does not own it.
func (r *RLock) Unlock() {
	if err := r.Release(); err != nil {
		panic(err)
	}
}

// Release releases r once: ErrNotOwner if this goroutine does not own it.
func (r *RLock) Release() error {
	defer runtime.KeepAlive(r)
	if err := check(C.weft_rlock_release(r.h)); err != nil {
		return err
	}
	runtime.UnlockOSThread()
	return nil
}

// Locked reports whether some thread holds r (a snapshot).
func (r *RLock) Locked() bool {
	defer runtime.KeepAlive(r)
	return bool(C.weft_rlock_locked(r.h))
}

// Owned reports whether the calling goroutine (its OS thread) holds r.
func (r *RLock) Owned() bool {
	defer runtime.KeepAlive(r)
	return bool(C.weft_rlock_is_owned(r.h))
}

// RecursionCount is how many times the calling goroutine holds r (0 if it does not own it).
func (r *RLock) RecursionCount() int {
	defer runtime.KeepAlive(r)
	return int(C.weft_rlock_recursion_count(r.h))
}

// Condition is Python's threading.Condition over L, a *Lock or an *RLock. Its Lock and Unlock
// are L's; Wait and Notify require it held (ErrWaitUnacquired, ErrNotifyUnacquired otherwise).
type Condition struct {
	h *C.weft_condition
	// L is the condition's lock.
	L interface {
		Lock()
		Unlock()
	}
}

// NewCondition makes a Condition over lock, or over a new Lock if lock is nil. (Python's default
// is an RLock; a Lock is the one goroutines share freely.)
func NewCondition(lock *Lock) *Condition {
	if lock == nil {
		lock = NewLock()
	}
	var h *C.weft_condition
	must(C.weft_condition_new_with_lock(lock.h, &h))
	runtime.KeepAlive(lock)
	return newCondition(h, lock)
}

// NewConditionRLock makes a Condition over rlock.
func NewConditionRLock(rlock *RLock) *Condition {
	var h *C.weft_condition
	must(C.weft_condition_new_with_rlock(rlock.h, &h))
	runtime.KeepAlive(rlock)
	return newCondition(h, rlock)
}

func newCondition(h *C.weft_condition, lock interface {
	Lock()
	Unlock()
}) *Condition {
	c := &Condition{h: h, L: lock}
	runtime.SetFinalizer(c, (*Condition).Close)
	return c
}

// Close releases c's reference (not L's); c is unusable after it. It returns nil (every type is an
// io.Closer); a second Close does nothing.
func (c *Condition) Close() error {
	C.weft_condition_free(c.h)
	c.h = nil
	runtime.SetFinalizer(c, nil)
	return nil
}

// Lock takes c.L.
func (c *Condition) Lock() { c.L.Lock() }

// Unlock releases c.L.
func (c *Condition) Unlock() { c.L.Unlock() }

// Wait releases the lock, waits for a notification, and takes the lock again. As in Python, a
// wait may also end without one: check the condition waited for in a loop (or use WaitFor).
func (c *Condition) Wait() error {
	defer runtime.KeepAlive(c)
	return check(C.weft_condition_wait(c.h, forever))
}

// WaitContext is Wait, ending with ctx's error if ctx ends first; the lock is held again either
// way. Python: condition.wait(timeout), whose False is ErrTimeout here.
func (c *Condition) WaitContext(ctx context.Context) error {
	defer runtime.KeepAlive(c)
	return wait(ctx, C.WEFT_STATUS_TIMEOUT, func(t C.double) C.enum_weft_status {
		return C.weft_condition_wait(c.h, t)
	})
}

// WaitFor waits until predicate, called with the lock held, returns true.
func (c *Condition) WaitFor(predicate func() bool) error {
	return c.WaitForContext(context.Background(), predicate)
}

// WaitForContext is WaitFor, ending with ctx's error if ctx ends while predicate is still false.
func (c *Condition) WaitForContext(ctx context.Context, predicate func() bool) error {
	for !predicate() {
		if err := c.WaitContext(ctx); err != nil {
			if ctx.Err() != nil && predicate() {
				return nil
			}
			return err
		}
	}
	return nil
}

// Notify wakes at most n of the goroutines and threads waiting on c, oldest first.
func (c *Condition) Notify(n int) error {
	defer runtime.KeepAlive(c)
	if n < 0 {
		return ErrInvalidArgument
	}
	return check(C.weft_condition_notify(c.h, C.size_t(n)))
}

// NotifyAll wakes every goroutine and thread waiting on c.
func (c *Condition) NotifyAll() error {
	defer runtime.KeepAlive(c)
	return check(C.weft_condition_notify_all(c.h))
}

// Event is Python's threading.Event: a flag that waits end on.
type Event struct{ h *C.weft_event }

// NewEvent makes an Event, not set.
func NewEvent() *Event {
	var h *C.weft_event
	must(C.weft_event_new(&h))
	e := &Event{h}
	runtime.SetFinalizer(e, (*Event).Close)
	return e
}

// Close releases e's reference; e is unusable after it. It returns nil (every type is an
// io.Closer); a second Close does nothing.
func (e *Event) Close() error {
	C.weft_event_free(e.h)
	e.h = nil
	runtime.SetFinalizer(e, nil)
	return nil
}

// Set sets the flag, waking every waiter.
func (e *Event) Set() {
	defer runtime.KeepAlive(e)
	must(C.weft_event_set(e.h))
}

// Clear clears the flag.
func (e *Event) Clear() {
	defer runtime.KeepAlive(e)
	must(C.weft_event_clear(e.h))
}

// IsSet reports whether the flag is set.
func (e *Event) IsSet() bool {
	defer runtime.KeepAlive(e)
	return bool(C.weft_event_is_set(e.h))
}

// Wait waits until the flag is set.
func (e *Event) Wait() {
	defer runtime.KeepAlive(e)
	must(C.weft_event_wait(e.h, forever))
}

// WaitContext waits until the flag is set (nil) or ctx ends (ctx's error). Python:
// event.wait(timeout), whose False is ErrTimeout here.
func (e *Event) WaitContext(ctx context.Context) error {
	defer runtime.KeepAlive(e)
	return wait(ctx, C.WEFT_STATUS_TIMEOUT, func(t C.double) C.enum_weft_status {
		return C.weft_event_wait(e.h, t)
	})
}

// Semaphore is Python's threading.Semaphore or BoundedSemaphore.
type Semaphore struct{ h *C.weft_semaphore }

// NewSemaphore makes a Semaphore with value (ErrSemaphoreNegative if below 0).
func NewSemaphore(value int64) (*Semaphore, error) {
	var h *C.weft_semaphore
	return newSemaphore(h, C.weft_semaphore_new(C.int64_t(value), &h))
}

// NewBoundedSemaphore makes a BoundedSemaphore: releasing it above value is ErrSemaphoreOverRelease.
func NewBoundedSemaphore(value int64) (*Semaphore, error) {
	var h *C.weft_semaphore
	return newSemaphore(h, C.weft_bounded_semaphore_new(C.int64_t(value), &h))
}

func newSemaphore(h *C.weft_semaphore, status C.enum_weft_status) (*Semaphore, error) {
	if err := check(status); err != nil {
		return nil, err
	}
	s := &Semaphore{h}
	runtime.SetFinalizer(s, (*Semaphore).Close)
	return s, nil
}

// Close releases s's reference; s is unusable after it. It returns nil (every type is an
// io.Closer); a second Close does nothing.
func (s *Semaphore) Close() error {
	C.weft_semaphore_free(s.h)
	s.h = nil
	runtime.SetFinalizer(s, nil)
	return nil
}

// Acquire waits until the value is above 0 and decrements it.
func (s *Semaphore) Acquire() {
	defer runtime.KeepAlive(s)
	must(C.weft_semaphore_acquire(s.h, true, forever))
}

// TryAcquire decrements the value if it is above 0, without waiting.
func (s *Semaphore) TryAcquire() bool {
	defer runtime.KeepAlive(s)
	return C.weft_semaphore_acquire(s.h, false, forever) == C.WEFT_STATUS_OK
}

// AcquireContext is Acquire, ending with ctx's error (nothing taken) if ctx ends first.
func (s *Semaphore) AcquireContext(ctx context.Context) error {
	defer runtime.KeepAlive(s)
	return wait(ctx, C.WEFT_STATUS_TIMEOUT, func(t C.double) C.enum_weft_status {
		return C.weft_semaphore_acquire(s.h, true, t)
	})
}

// Release adds n to the value, waking up to n waiters.
func (s *Semaphore) Release(n int) error {
	defer runtime.KeepAlive(s)
	if n < 0 {
		return ErrReleaseCount
	}
	return check(C.weft_semaphore_release(s.h, C.size_t(n)))
}

// Barrier is Python's threading.Barrier.
type Barrier struct{ h *C.weft_barrier }

// NewBarrier makes a Barrier for parties goroutines or threads (ErrBarrierParties if not above
// 0). action, if not nil, is called by the last to arrive before the others are released, once
// per cycle; timeout, if above 0, is Wait's default limit (Python's Barrier(timeout=...)).
func NewBarrier(parties int, action func(), timeout time.Duration) (*Barrier, error) {
	if parties <= 0 {
		return nil, ErrBarrierParties
	}
	t := forever
	if timeout > 0 {
		t = seconds(timeout)
	}
	var fn C.uintptr_t
	if action != nil {
		fn = newHandle(action)
	}
	var h *C.weft_barrier
	if err := check(C.weft_go_barrier_new(C.size_t(parties), fn, t, &h)); err != nil {
		deleteHandle(fn) // on failure weft does not free the action
		return nil, err
	}
	b := &Barrier{h}
	runtime.SetFinalizer(b, (*Barrier).Close)
	return b, nil
}

// Close releases b's reference; b is unusable after it. It returns nil (every type is an
// io.Closer); a second Close does nothing.
func (b *Barrier) Close() error {
	C.weft_barrier_free(b.h)
	b.h = nil
	runtime.SetFinalizer(b, nil)
	return nil
}

// Wait waits until parties goroutines or threads wait, at most the barrier's default timeout,
// and returns this one's arrival index (0 to parties-1). ErrBrokenBarrier if the barrier is or
// becomes broken: a timeout breaks it for every waiter (Python's BrokenBarrierError).
func (b *Barrier) Wait() (int, error) {
	return b.wait(forever)
}

// WaitTimeout is Wait with its own limit.
func (b *Barrier) WaitTimeout(timeout time.Duration) (int, error) {
	return b.wait(seconds(timeout))
}

// WaitContext is Wait, ending with ctx's error if ctx ends first (its deadline, if it has one,
// replaces the barrier's default timeout). Ending a wait breaks the barrier, as a timeout
// does: the other parties get ErrBrokenBarrier (CPython breaks it on any exception in a wait).
func (b *Barrier) WaitContext(ctx context.Context) (int, error) {
	defer runtime.KeepAlive(b)
	var index C.size_t
	// weft gives a wait that timed out (and broke the barrier) BROKEN_BARRIER, as every party's.
	err := wait(ctx, C.WEFT_STATUS_TIMEOUT, func(t C.double) C.enum_weft_status {
		return C.weft_barrier_wait(b.h, t, &index)
	})
	if err == ErrBrokenBarrier {
		if deadline, ok := ctx.Deadline(); ok && !time.Now().Before(deadline) {
			return 0, ErrTimeout // this party's time ran out
		}
	}
	if err != nil {
		return 0, err
	}
	return int(index), nil
}

func (b *Barrier) wait(t C.double) (int, error) {
	defer runtime.KeepAlive(b)
	var index C.size_t
	if err := check(C.weft_barrier_wait(b.h, t, &index)); err != nil {
		return 0, err
	}
	return int(index), nil
}

// Reset returns the barrier to its initial state; goroutines waiting get ErrBrokenBarrier.
func (b *Barrier) Reset() {
	defer runtime.KeepAlive(b)
	must(C.weft_barrier_reset(b.h))
}

// Abort breaks the barrier: waits, current and future, get ErrBrokenBarrier until Reset.
func (b *Barrier) Abort() {
	defer runtime.KeepAlive(b)
	must(C.weft_barrier_abort(b.h))
}

// Broken reports whether the barrier is broken.
func (b *Barrier) Broken() bool {
	defer runtime.KeepAlive(b)
	return bool(C.weft_barrier_broken(b.h))
}

// NWaiting is how many wait in the current cycle.
func (b *Barrier) NWaiting() int {
	defer runtime.KeepAlive(b)
	return int(C.weft_barrier_n_waiting(b.h))
}

// Parties is the number of parties.
func (b *Barrier) Parties() int {
	defer runtime.KeepAlive(b)
	return int(C.weft_barrier_parties(b.h))
}
