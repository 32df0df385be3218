package weft

// #include <stdlib.h>
// #include "trampoline.h"
import "C"

import (
	"context"
	"runtime"
	"time"
	"unsafe"
)

// Thread is Python's threading.Thread: an OS thread of weft's running a Go function. The
// function runs with its goroutine locked to the thread; a panic in it ends the program, as one
// in a goroutine does.
//
// A Thread is not a daemon unless made with Daemon(): when the program ends through Exit or a
// deferred Shutdown, non-daemon threads are waited for and daemon threads abandoned, as in
// Python (see README.md, Exit).
type Thread struct{ h *C.weft_thread }

// ThreadOption configures NewThread, Go and NewTimer.
type ThreadOption func(*threadConfig)

type threadConfig struct {
	name   string
	daemon bool
}

// Name names the thread (the default is Python's Thread-N).
func Name(name string) ThreadOption { return func(c *threadConfig) { c.name = name } }

// Daemon makes the thread a daemon: the end of the program does not wait for it.
func Daemon() ThreadOption { return func(c *threadConfig) { c.daemon = true } }

func configure(opts []ThreadOption) threadConfig {
	var c threadConfig
	for _, opt := range opts {
		opt(&c)
	}
	return c
}

// NewThread makes a Thread that calls fn once started (Start).
func NewThread(fn func(), opts ...ThreadOption) (*Thread, error) {
	c := configure(opts)
	var name *C.char
	if c.name != "" {
		name = C.CString(c.name)
		defer C.free(unsafe.Pointer(name))
	}
	handle := newHandle(fn)
	var h *C.weft_thread
	if err := check(C.weft_go_thread_new(handle, name, &h)); err != nil {
		deleteHandle(handle) // on failure weft does not free the argument
		return nil, err
	}
	return wrapThread(h, c.daemon)
}

// Go makes a Thread that calls fn, and starts it.
func Go(fn func(), opts ...ThreadOption) (*Thread, error) {
	t, err := NewThread(fn, opts...)
	if err != nil {
		return nil, err
	}
	if err := t.Start(); err != nil {
		t.Close()
		return nil, err
	}
	return t, nil
}

// wrapThread sets the daemon flag explicitly: weft's default (the creating thread's flag) would
// depend on which OS thread the goroutine runs on.
func wrapThread(h *C.weft_thread, daemon bool) (*Thread, error) {
	t := &Thread{h}
	runtime.SetFinalizer(t, (*Thread).Close)
	if err := t.SetDaemon(daemon); err != nil {
		t.Close()
		return nil, err
	}
	return t, nil
}

// WrapThread takes a reference of its own to a weft_thread that C code made.
func WrapThread(handle unsafe.Pointer) *Thread {
	t := &Thread{C.weft_thread_clone((*C.weft_thread)(handle))}
	runtime.SetFinalizer(t, (*Thread).Close)
	return t
}

// Close releases t's reference; the thread itself runs on. It returns nil (every type is an
// io.Closer); a second Close does nothing.
func (t *Thread) Close() error {
	C.weft_thread_free(t.h)
	t.h = nil
	runtime.SetFinalizer(t, nil)
	return nil
}

// Start starts the thread: ErrAlreadyStarted the second time.
func (t *Thread) Start() error {
	defer runtime.KeepAlive(t)
	return check(C.weft_thread_start(t.h))
}

// Join waits until the thread has finished: ErrNotStarted before Start, ErrJoinCurrent from the
// thread itself.
func (t *Thread) Join() error {
	return t.JoinContext(context.Background())
}

// JoinContext is Join, ending with ctx's error if ctx ends first. Python: join(timeout), then
// is_alive().
func (t *Thread) JoinContext(ctx context.Context) error {
	defer runtime.KeepAlive(t)
	return wait(ctx, C.WEFT_STATUS_TIMEOUT, func(timeout C.double) C.enum_weft_status {
		return C.weft_thread_join(t.h, timeout)
	})
}

// IsAlive reports whether the thread has started and not finished.
func (t *Thread) IsAlive() bool {
	defer runtime.KeepAlive(t)
	return bool(C.weft_thread_is_alive(t.h))
}

// Name is the thread's name.
func (t *Thread) Name() string {
	defer runtime.KeepAlive(t)
	var length C.size_t
	must(C.weft_thread_get_name(t.h, nil, 0, &length))
	buf := make([]byte, length+1)
	must(C.weft_thread_get_name(t.h, (*C.char)(unsafe.Pointer(&buf[0])), length+1, &length))
	return string(buf[:length])
}

// SetName renames the thread (ErrInvalidUTF8 for a name that is not UTF-8).
func (t *Thread) SetName(name string) error {
	defer runtime.KeepAlive(t)
	cname := C.CString(name)
	defer C.free(unsafe.Pointer(cname))
	return check(C.weft_thread_set_name(t.h, cname))
}

// IsDaemon reports whether the thread is a daemon.
func (t *Thread) IsDaemon() bool {
	defer runtime.KeepAlive(t)
	return bool(C.weft_thread_is_daemon(t.h))
}

// SetDaemon sets the daemon flag, before Start only (ErrDaemonAfterStart).
func (t *Thread) SetDaemon(daemon bool) error {
	defer runtime.KeepAlive(t)
	return check(C.weft_thread_set_daemon(t.h, C.bool(daemon)))
}

// Ident is Python's thread.ident (0 before Start).
func (t *Thread) Ident() uint64 {
	defer runtime.KeepAlive(t)
	return uint64(C.weft_thread_ident(t.h))
}

// NativeID is the OS thread id (0 before Start).
func (t *Thread) NativeID() uint64 {
	defer runtime.KeepAlive(t)
	return uint64(C.weft_thread_native_id(t.h))
}

// Handle is the weft_thread for C code, valid while t is open.
func (t *Thread) Handle() unsafe.Pointer { return unsafe.Pointer(t.h) }

// ActiveCount is Python's threading.active_count(): the weft threads alive, the stand-ins for
// the other threads that used weft included.
func ActiveCount() int { return int(C.weft_active_count()) }

// Timer is Python's threading.Timer: a Thread that calls its function after an interval,
// unless cancelled first.
type Timer struct{ *Thread }

// NewTimer makes a Timer that calls fn interval after Start.
func NewTimer(interval time.Duration, fn func(), opts ...ThreadOption) (*Timer, error) {
	c := configure(opts)
	handle := newHandle(fn)
	var h *C.weft_thread
	if err := check(C.weft_go_timer_new(seconds(interval), handle, &h)); err != nil {
		deleteHandle(handle)
		return nil, err
	}
	t, err := wrapThread(h, c.daemon)
	if err != nil {
		return nil, err
	}
	if c.name != "" {
		if err := t.SetName(c.name); err != nil {
			t.Close()
			return nil, err
		}
	}
	return &Timer{t}, nil
}

// Cancel stops the timer if its function has not started; the thread then ends.
func (t *Timer) Cancel() {
	defer runtime.KeepAlive(t.Thread)
	must(C.weft_timer_cancel(t.h))
}
