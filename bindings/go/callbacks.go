package weft

// The Go side of trampoline.c: weft threads call these with the runtime/cgo.Handle of a Go
// value. A file with //export may only declare C functions in its preamble, so the C side is a
// file of its own.

// #include <stdbool.h>
// #include <stdint.h>
import "C"

import "runtime/cgo"

// weftGoRun calls the func() behind a handle: a Thread's or Timer's function, a Barrier's
// action. It runs on the weft thread, its goroutine locked to it for the call. A panic in it
// ends the program, as one in a goroutine does.
//
//export weftGoRun
func weftGoRun(handle C.uintptr_t) {
	cgo.Handle(handle).Value().(func())()
}

// weftGoTask runs the pool task behind a handle (see Submit); false: the task returned an error.
//
//export weftGoTask
func weftGoTask(handle C.uintptr_t) C.bool {
	return C.bool(cgo.Handle(handle).Value().(func() bool)())
}

// weftGoDelete deletes a handle weft no longer needs: a callback's, once its thread, barrier or
// task is done with it, and a queue item weft drops.
//
//export weftGoDelete
func weftGoDelete(handle C.uintptr_t) {
	cgo.Handle(handle).Delete()
}

// newHandle makes the handle that carries v through weft.
func newHandle(v any) C.uintptr_t { return C.uintptr_t(cgo.NewHandle(v)) }

// deleteHandle deletes a handle weft did not take (0: none).
func deleteHandle(handle C.uintptr_t) {
	if handle != 0 {
		cgo.Handle(handle).Delete()
	}
}
