package weft_test

import (
	"context"
	"testing"
	"time"

	"weft"
	"weft/internal/shared"
)

// C creates a lock and a queue; Go uses the same handles; each sees the other's effects.
func TestCAndGoShareALockAndAQueue(t *testing.T) {
	lockHandle, queueHandle := shared.New()
	defer shared.Free(lockHandle, queueHandle)
	lock := weft.WrapLock(lockHandle)
	defer lock.Close()
	queue := weft.WrapQueue(queueHandle)
	defer queue.Close()

	lock.Lock()
	if shared.TryLock(lock.Handle()) {
		t.Fatal("C took the lock Go holds")
	}
	ok(t, queue.Put(7))
	if got := shared.Get(queue.Handle()); got != 7 {
		t.Fatalf("C got %d", got)
	}

	threadHandle := shared.Start(lock.Handle(), queue.Handle())
	thread := weft.WrapThread(threadHandle)
	shared.FreeThread(threadHandle)
	defer thread.Close()
	_, err := queue.GetContext(within(t, 100*time.Millisecond))
	is(t, err, context.DeadlineExceeded) // C waits for the lock Go holds
	lock.Unlock()
	got, err := queue.GetContext(soon(t)) // what C put once it had the lock
	ok(t, err)
	if got != 42 {
		t.Fatalf("Go got %d", got)
	}
	ok(t, thread.JoinContext(soon(t)))
	if lock.Locked() || !shared.TryLock(lock.Handle()) {
		t.Fatal("the lock is not free")
	}
}
