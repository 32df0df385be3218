// Package shared is the C side of the cross-language test (c-tests/cross_language.c, through
// shared.c), since cgo is not allowed in a _test.go file. Handles cross as unsafe.Pointer, as
// weft.WrapLock and Handle take and give them.
package shared

/*
#cgo pkg-config: weft
#include <stdint.h>
#include <weft.h>
int shared_new(weft_lock **lock, weft_queue **queue);
int shared_try_lock(weft_lock *lock);
intptr_t shared_get(weft_queue *queue);
int shared_start(weft_lock *lock, weft_queue *queue, weft_thread **thread);
*/
import "C"

import "unsafe"

// New makes a lock and a queue in C; the caller frees C's references with Free.
func New() (lock, queue unsafe.Pointer) {
	var l *C.weft_lock
	var q *C.weft_queue
	if C.shared_new(&l, &q) != 0 {
		panic("shared_new")
	}
	return unsafe.Pointer(l), unsafe.Pointer(q)
}

// Free drops C's references from New.
func Free(lock, queue unsafe.Pointer) {
	C.weft_lock_free((*C.weft_lock)(lock))
	C.weft_queue_free((*C.weft_queue)(queue))
}

// TryLock reports whether C can take the lock now.
func TryLock(lock unsafe.Pointer) bool { return C.shared_try_lock((*C.weft_lock)(lock)) == 1 }

// Get is the item C takes from the queue within a second, -1 if none came.
func Get(queue unsafe.Pointer) int { return int(C.shared_get((*C.weft_queue)(queue))) }

// Start starts a C thread that waits for the lock, then puts 42; the caller frees the handle
// (weft.WrapThread takes a reference of its own).
func Start(lock, queue unsafe.Pointer) (thread unsafe.Pointer) {
	var t *C.weft_thread
	if C.shared_start((*C.weft_lock)(lock), (*C.weft_queue)(queue), &t) != 0 {
		panic("shared_start")
	}
	return unsafe.Pointer(t)
}

// FreeThread drops the reference Start gave.
func FreeThread(thread unsafe.Pointer) { C.weft_thread_free((*C.weft_thread)(thread)) }
