// Package weft is the Go binding of weft (libweft.so, include/weft.h): Python's threading, queue
// and concurrent.futures thread pool, with Go names. Every primitive is weft's own; the binding
// only converts arguments, statuses and Go values (see README.md).
//
// A weft thread is an OS thread of weft's, not a goroutine; Go code runs on it through exported
// callbacks. Blocking calls block the calling goroutine's OS thread inside C, as any cgo call
// does. Waits that take a context.Context end when the context does, with the context's error:
// what ctx.Err() says when it is cancelled (context.Canceled), and ErrTimeout when its deadline
// passes, which errors.Is also reports as context.DeadlineExceeded (see [wait]).
package weft

/*
#cgo pkg-config: weft
#include <weft.h>
*/
import "C"

import (
	"context"
	"math"
	"runtime"
	"sync"
	"time"
)

// Error is a weft status other than OK: Status is the C value (weft_status), Message the
// library's message, which is CPython's for the same misuse ("release unlocked lock").
//
// Each status has one Error value (ErrTimeout, ErrReleaseUnlocked, ...), and every error this
// package returns for a status is that value, so errors.Is(err, weft.ErrEmpty) tells them apart.
type Error struct {
	Status  int
	Message string
}

// Error is the library's message for the status.
func (e *Error) Error() string { return e.Message }

// Is makes ErrTimeout, what a wait returns when its context's deadline passes, also match
// context.DeadlineExceeded, so that both errors.Is(err, weft.ErrTimeout) and
// errors.Is(err, context.DeadlineExceeded) hold. Every other Error is only itself.
func (e *Error) Is(target error) bool {
	return e == ErrTimeout && target == context.DeadlineExceeded
}

func newError(status C.enum_weft_status) *Error {
	return &Error{Status: int(status), Message: C.GoString(C.weft_status_str(C.int(status)))}
}

// One error per status of include/weft/base.h (in its order), with the library's message.
var (
	ErrTimeout               = newError(C.WEFT_STATUS_TIMEOUT)
	ErrNullArgument          = newError(C.WEFT_STATUS_NULL_ARGUMENT)
	ErrWrongHandle           = newError(C.WEFT_STATUS_WRONG_HANDLE)
	ErrPanic                 = newError(C.WEFT_STATUS_PANIC)
	ErrInvalidArgument       = newError(C.WEFT_STATUS_INVALID_ARGUMENT)
	ErrInvalidUTF8           = newError(C.WEFT_STATUS_INVALID_UTF8)
	ErrInvalidTimeout        = newError(C.WEFT_STATUS_INVALID_TIMEOUT)
	ErrTimeoutTooLarge       = newError(C.WEFT_STATUS_TIMEOUT_TOO_LARGE)
	ErrNonblockingTimeout    = newError(C.WEFT_STATUS_NONBLOCKING_TIMEOUT)
	ErrOverflow              = newError(C.WEFT_STATUS_OVERFLOW)
	ErrReleaseUnlocked       = newError(C.WEFT_STATUS_RELEASE_UNLOCKED)
	ErrNotOwner              = newError(C.WEFT_STATUS_NOT_OWNER)
	ErrAlreadyStarted        = newError(C.WEFT_STATUS_ALREADY_STARTED)
	ErrNotStarted            = newError(C.WEFT_STATUS_NOT_STARTED)
	ErrJoinCurrent           = newError(C.WEFT_STATUS_JOIN_CURRENT)
	ErrDaemonAfterStart      = newError(C.WEFT_STATUS_DAEMON_AFTER_START)
	ErrCantStartThread       = newError(C.WEFT_STATUS_CANT_START_THREAD)
	ErrStackSize             = newError(C.WEFT_STATUS_STACK_SIZE)
	ErrWrongState            = newError(C.WEFT_STATUS_WRONG_STATE)
	ErrWaitUnacquired        = newError(C.WEFT_STATUS_WAIT_UNACQUIRED)
	ErrNotifyUnacquired      = newError(C.WEFT_STATUS_NOTIFY_UNACQUIRED)
	ErrSemaphoreNegative     = newError(C.WEFT_STATUS_SEMAPHORE_NEGATIVE)
	ErrReleaseCount          = newError(C.WEFT_STATUS_RELEASE_COUNT)
	ErrSemaphoreOverRelease  = newError(C.WEFT_STATUS_SEMAPHORE_OVER_RELEASE)
	ErrBrokenBarrier         = newError(C.WEFT_STATUS_BROKEN_BARRIER)
	ErrBarrierParties        = newError(C.WEFT_STATUS_BARRIER_PARTIES)
	ErrEmpty                 = newError(C.WEFT_STATUS_EMPTY)
	ErrFull                  = newError(C.WEFT_STATUS_FULL)
	ErrShutDown              = newError(C.WEFT_STATUS_SHUT_DOWN)
	ErrTaskDoneTooMany       = newError(C.WEFT_STATUS_TASK_DONE_TOO_MANY)
	ErrPoolShutDown          = newError(C.WEFT_STATUS_POOL_SHUT_DOWN)
	ErrPoolBroken            = newError(C.WEFT_STATUS_POOL_BROKEN)
	ErrCancelled             = newError(C.WEFT_STATUS_CANCELLED)
	ErrTaskFailed            = newError(C.WEFT_STATUS_TASK_FAILED)
	ErrMaxWorkers            = newError(C.WEFT_STATUS_MAX_WORKERS)
	ErrInterrupted           = newError(C.WEFT_STATUS_INTERRUPTED)
	ErrDeadlock              = newError(C.WEFT_STATUS_DEADLOCK)
	ErrInvalidStateFinished  = newError(C.WEFT_STATUS_INVALID_STATE_FINISHED)
	ErrInvalidStateCancelled = newError(C.WEFT_STATUS_INVALID_STATE_CANCELLED)
	ErrForked                = newError(C.WEFT_STATUS_FORKED)
)

// statusErrors holds the values above, indexed by status (index 0, OK, is nil).
var statusErrors = []*Error{nil,
	ErrTimeout, ErrNullArgument, ErrWrongHandle, ErrPanic, ErrInvalidArgument, ErrInvalidUTF8,
	ErrInvalidTimeout, ErrTimeoutTooLarge, ErrNonblockingTimeout, ErrOverflow, ErrReleaseUnlocked,
	ErrNotOwner, ErrAlreadyStarted, ErrNotStarted, ErrJoinCurrent, ErrDaemonAfterStart,
	ErrCantStartThread, ErrStackSize, ErrWrongState, ErrWaitUnacquired, ErrNotifyUnacquired,
	ErrSemaphoreNegative, ErrReleaseCount, ErrSemaphoreOverRelease, ErrBrokenBarrier,
	ErrBarrierParties, ErrEmpty, ErrFull, ErrShutDown, ErrTaskDoneTooMany, ErrPoolShutDown,
	ErrPoolBroken, ErrCancelled, ErrTaskFailed, ErrMaxWorkers, ErrInterrupted, ErrDeadlock,
	ErrInvalidStateFinished, ErrInvalidStateCancelled, ErrForked,
}

// check turns a status into nil or its Error. cgo gives a function's `enum weft_status` as
// C.enum_weft_status (a uint32), which the typedef C.weft_status is not: every call site passes
// the former.
func check(status C.enum_weft_status) error {
	return StatusError(int(status))
}

// StatusError is the error for a C status (nil for WEFT_STATUS_OK): for Go code that calls C
// functions of its own which return weft statuses. A status this package does not know (from a
// newer library) is an *Error of its own, with the library's message.
func StatusError(status int) error {
	if status == C.WEFT_STATUS_OK {
		return nil
	}
	if status > 0 && status < len(statusErrors) {
		return statusErrors[status]
	}
	return newError(C.enum_weft_status(status))
}

// must panics with the error of a status that only a bug or an exhausted process can give
// (a constructor's NULL_ARGUMENT, say), as Go's make panics when memory runs out.
func must(status C.enum_weft_status) {
	if err := check(status); err != nil {
		panic(err)
	}
}

// Version is the library's version string ("0.1.0").
func Version() string { return C.GoString(C.weft_version_string()) }

// forever is WEFT_TIMEOUT_FOREVER: wait without a limit.
const forever = C.double(C.WEFT_TIMEOUT_FOREVER)

// seconds converts a duration to a C timeout; a negative one is 0 (try once), as a context
// whose deadline has passed has nothing left to wait.
func seconds(d time.Duration) C.double {
	return C.double(math.Max(d.Seconds(), 0))
}

// wait runs the C wait `try` until it ends, or until ctx does: one C call, with a limit of
// ctx's deadline if it has one, and, when ctx can end early (ctx.Done() is not nil), a
// cancellation token of weft's (weft_cancel) installed on the calling OS thread for the call,
// which a goroutine sets when ctx is done: the C wait then ends at once with
// WEFT_STATUS_INTERRUPTED. It returns the wait's error (nil when it succeeded), or ctx's error
// (ctxError) when ctx has ended (before the wait, or during it) or the wait reached ctx's
// deadline.
//
// A token is installed per OS thread, while a goroutine moves between threads: the goroutine
// is locked to its thread from the install to the uninstall (runtime.LockOSThread, which
// nests, so an RLock's lock stays), and the token is taken off the thread before it is
// unlocked, so no later wait of another goroutine on that thread sees it.
func wait(ctx context.Context, timedOut C.enum_weft_status, try func(timeout C.double) C.enum_weft_status) error {
	if ctx.Done() == nil {
		return check(try(forever))
	}
	if ctx.Err() != nil {
		return ctxError(ctx)
	}
	timeout := forever
	deadline, hasDeadline := ctx.Deadline()
	if hasDeadline {
		timeout = seconds(time.Until(deadline))
	}
	token := tokens.Get().(*cancelToken)
	runtime.LockOSThread()
	C.weft_cancel_install(token.h)
	stop, stopped := make(chan struct{}), make(chan struct{})
	interrupted := false
	go func() {
		defer close(stopped)
		select {
		case <-ctx.Done():
			C.weft_cancel_set(token.h)
			interrupted = true
		case <-stop:
		}
	}()
	status := try(timeout)
	close(stop)
	<-stopped // no set in flight, and `interrupted` is read after its write
	C.weft_cancel_install(nil)
	runtime.UnlockOSThread()
	if interrupted {
		C.weft_cancel_reset(token.h)
	}
	tokens.Put(token)
	switch {
	case status == C.WEFT_STATUS_INTERRUPTED && interrupted:
		return ctxError(ctx)
	case status == timedOut && hasDeadline:
		return ErrTimeout
	}
	return check(status)
}

// ctxError is the error of a wait that ctx ended: ErrTimeout if its deadline passed (which is
// context.DeadlineExceeded to errors.Is), else ctx.Err().
func ctxError(ctx context.Context) error {
	if err := ctx.Err(); err != context.DeadlineExceeded {
		return err
	}
	return ErrTimeout
}

// cancelToken is a weft_cancel handle, released when the Go value is collected.
type cancelToken struct{ h *C.weft_cancel }

// tokens keeps the tokens of ended waits for the next ones (reset, not set), so that a wait
// costs two C calls besides itself (install, uninstall), not four (new, free).
var tokens = sync.Pool{New: func() any {
	token := &cancelToken{}
	must(C.weft_cancel_new(&token.h))
	runtime.SetFinalizer(token, func(t *cancelToken) { C.weft_cancel_free(t.h) })
	return token
}}
