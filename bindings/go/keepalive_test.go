package weft_test

import (
	"context"
	"runtime"
	"sync/atomic"
	"testing"
	"time"

	"weft"
)

// collectedDuring waits on a fresh object nothing else refers to (wait's last use of it) with a
// context that times out, while the garbage collector runs, and reports whether the object was
// collected before the deadline, that is during the wait: its finalizer would then have freed
// the weft handle under the C call waiting on it.
func collectedDuring[T any](t *testing.T, obj *T, wait func(*T, context.Context) error) bool {
	t.Helper()
	const limit = 50 * time.Millisecond
	ctx, cancel := context.WithTimeout(context.Background(), limit)
	defer cancel()
	deadline, _ := ctx.Deadline()
	var early atomic.Bool
	runtime.SetFinalizer(obj, nil) // the binding's, which frees the handle
	runtime.SetFinalizer(obj, func(*T) { early.Store(time.Now().Before(deadline)) })
	stop := make(chan struct{})
	gc := make(chan struct{})
	go func() {
		defer close(gc)
		for {
			select {
			case <-stop:
				return
			default:
				runtime.GC()
				time.Sleep(time.Millisecond)
			}
		}
	}()
	err := wait(obj, ctx)
	close(stop)
	<-gc
	if err == nil {
		t.Fatal("the wait did not time out")
	}
	return early.Load()
}

// Every wait with a context keeps its object alive until the C call has returned
// (runtime.KeepAlive), as the methods without one do: an object collected during the wait
// would have its handle freed under the C wait (a use after free).
func TestContextWaitsKeepTheirObjectAlive(t *testing.T) {
	check := func(name string, collected bool) {
		if collected {
			t.Errorf("%s: collected during its wait", name)
		}
	}
	pool, err := weft.NewPool(1, "")
	ok(t, err)
	defer pool.Close()
	for i := 0; i < 3; i++ {
		l := weft.NewLock()
		l.Lock()
		check("Lock.AcquireContext", collectedDuring(t, l, (*weft.Lock).AcquireContext))
		e := weft.NewEvent()
		check("Event.WaitContext", collectedDuring(t, e, (*weft.Event).WaitContext))
		s, err := weft.NewSemaphore(0)
		ok(t, err)
		check("Semaphore.AcquireContext", collectedDuring(t, s, (*weft.Semaphore).AcquireContext))
		c := weft.NewCondition(nil)
		c.Lock()
		check("Condition.WaitContext", collectedDuring(t, c, (*weft.Condition).WaitContext))
		q, err := weft.NewQueue[int](weft.FIFO, 0)
		ok(t, err)
		check("Queue.GetContext", collectedDuring(t, q, func(q *weft.Queue[int], ctx context.Context) error {
			_, err := q.GetContext(ctx)
			return err
		}))
		full, err := weft.NewQueue[int](weft.FIFO, 1)
		ok(t, err)
		ok(t, full.Put(1))
		check("Queue.PutContext", collectedDuring(t, full, func(q *weft.Queue[int], ctx context.Context) error {
			return q.PutContext(ctx, 2)
		}))
		unfinished, err := weft.NewQueue[int](weft.FIFO, 0)
		ok(t, err)
		ok(t, unfinished.Put(1))
		check("Queue.JoinContext", collectedDuring(t, unfinished, (*weft.Queue[int]).JoinContext))
		gate := weft.NewEvent()
		th, err := weft.Go(gate.Wait)
		ok(t, err)
		check("Thread.JoinContext", collectedDuring(t, th, (*weft.Thread).JoinContext))
		f, err := weft.Submit(pool, func() (int, error) { gate.Wait(); return 0, nil })
		ok(t, err)
		check("Future.Result", collectedDuring(t, f, func(f *weft.Future[int], ctx context.Context) error {
			_, err := f.Result(ctx)
			return err
		}))
		b, err := weft.NewBarrier(2, nil, 0)
		ok(t, err)
		check("Barrier.WaitContext", collectedDuring(t, b, func(b *weft.Barrier, ctx context.Context) error {
			_, err := b.WaitContext(ctx)
			return err
		}))
		gate.Set()
	}
}
