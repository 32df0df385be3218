package weft

// #include <weft.h>
import "C"

import (
	"context"
	"os"
)

// Go ends a program without C's exit(): main returning and os.Exit end the process at once, and
// the C library's exit handler, which waits for the non-daemon threads as Python does at
// interpreter exit, never runs. So a program does what that handler does itself (README.md,
// Exit):
//
//	func main() {
//		defer weft.Shutdown()
//		...
//	}
//
// and calls weft.Exit(code) where it would call os.Exit(code).

// Shutdown does what the process exit does in C and Python: it shuts down every Pool not
// closed, running the tasks still queued, then waits for every non-daemon weft thread (the
// threads of C code included) other than the caller. Daemon threads are abandoned.
func Shutdown() {
	_ = ShutdownContext(context.Background())
}

// ShutdownContext is Shutdown, ending with ctx's error if ctx ends first (the pools' shutdown
// goes on meanwhile).
func ShutdownContext(ctx context.Context) error {
	done := make(chan struct{})
	go func() {
		shutDownPools()
		close(done)
	}()
	select {
	case <-done:
	case <-ctx.Done():
		return ctxError(ctx)
	}
	return wait(ctx, C.WEFT_STATUS_TIMEOUT, func(t C.double) C.enum_weft_status {
		return C.weft_shutdown(t, nil)
	})
}

// Exit is os.Exit after Shutdown: the exit of C and Python, waiting for the non-daemon threads.
func Exit(code int) {
	Shutdown()
	os.Exit(code)
}
