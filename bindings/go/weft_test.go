package weft_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sort"
	"sync"
	"testing"
	"time"

	"weft"
)

// within is a context ending after d: for waits that must end by a timeout.
func within(t *testing.T, d time.Duration) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), d)
	t.Cleanup(cancel)
	return ctx
}

// soon is a generous limit for waits that must succeed, so that a broken binding fails the test
// instead of hanging it.
func soon(t *testing.T) context.Context { return within(t, 10*time.Second) }

func ok(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func is(t *testing.T, err, want error) {
	t.Helper()
	if !errors.Is(err, want) {
		t.Fatalf("got %v, want %v", err, want)
	}
}

// goThread starts fn on a weft thread.
func goThread(t *testing.T, fn func(), opts ...weft.ThreadOption) *weft.Thread {
	t.Helper()
	th, err := weft.Go(fn, opts...)
	ok(t, err)
	t.Cleanup(func() { th.Close() })
	return th
}

func TestErrorsCarryStatusAndCPythonMessage(t *testing.T) {
	l := weft.NewLock()
	err := l.Release()
	is(t, err, weft.ErrReleaseUnlocked)
	var werr *weft.Error
	if !errors.As(err, &werr) || werr.Status != 11 || err.Error() != "release unlocked lock" {
		t.Fatalf("%#v", err)
	}
	is(t, fmt.Errorf("wrapped: %w", err), weft.ErrReleaseUnlocked)
	if errors.Is(err, weft.ErrTimeout) {
		t.Fatal("every status is its own error")
	}
	th, err := weft.NewThread(func() {})
	ok(t, err)
	ok(t, th.Start())
	if err := th.Start(); !errors.Is(err, weft.ErrAlreadyStarted) ||
		err.Error() != "threads can only be started once" {
		t.Fatal(err)
	}
	ok(t, th.Join())
	// One error per status, in the header's order, each with its own message.
	messages := map[string]bool{}
	for status := 1; status <= 39; status++ { // WEFT_STATUS_TIMEOUT to _INVALID_STATE_CANCELLED
		var e *weft.Error
		if !errors.As(weft.StatusError(status), &e) || e.Status != status || messages[e.Message] {
			t.Fatalf("status %d: %#v", status, e)
		}
		messages[e.Message] = true
	}
	if weft.StatusError(0) != nil || weft.StatusError(31) != weft.ErrPoolShutDown ||
		weft.StatusError(39) != weft.ErrInvalidStateCancelled ||
		weft.StatusError(1000).(*weft.Error).Status != 1000 {
		t.Fatal("StatusError")
	}
	if weft.Version() == "" {
		t.Fatal("no version")
	}
}

func TestLockIsALockerSharedByGoroutinesAndThreads(t *testing.T) {
	var locker sync.Locker = weft.NewLock()
	counter := 0
	var wg sync.WaitGroup
	work := func() {
		for i := 0; i < 1000; i++ {
			locker.Lock()
			counter++
			locker.Unlock()
		}
	}
	for i := 0; i < 4; i++ {
		wg.Add(1)
		go func() { defer wg.Done(); work() }()
	}
	threads := []*weft.Thread{goThread(t, work), goThread(t, work)}
	wg.Wait()
	for _, th := range threads {
		ok(t, th.JoinContext(soon(t)))
	}
	if counter != 6000 {
		t.Fatalf("counter = %d", counter)
	}
}

func TestLockMisuseAndTryLock(t *testing.T) {
	l := weft.NewLock()
	defer l.Close()
	func() {
		defer func() {
			if r := recover(); r != weft.ErrReleaseUnlocked {
				t.Fatalf("Unlock of an unlocked Lock: %v", r)
			}
		}()
		l.Unlock()
	}()
	if !l.TryLock() || l.TryLock() || !l.Locked() {
		t.Fatal("TryLock")
	}
	// Released by another goroutine, as Python's Lock (and sync.Mutex) allow.
	done := make(chan error)
	go func() { done <- l.Release() }()
	ok(t, <-done)
	if l.Locked() {
		t.Fatal("still locked")
	}
}

func TestAcquireContextEndsWithTheContext(t *testing.T) {
	l := weft.NewLock()
	l.Lock()
	start := time.Now()
	is(t, l.AcquireContext(within(t, 100*time.Millisecond)), context.DeadlineExceeded)
	if elapsed := time.Since(start); elapsed < 100*time.Millisecond {
		t.Fatalf("gave up after %v", elapsed)
	}
	ctx, cancel := context.WithCancel(context.Background())
	go func() { time.Sleep(20 * time.Millisecond); cancel() }()
	is(t, l.AcquireContext(ctx), context.Canceled)
	if !l.Locked() {
		t.Fatal("the holder lost the lock")
	}
	// A wait that succeeds: a weft thread releases the lock this goroutine waits for.
	goThread(t, l.Unlock)
	ok(t, l.AcquireContext(soon(t)))
}

func TestRLockIsReentrantAndOwned(t *testing.T) {
	r := weft.NewRLock()
	var locker sync.Locker = r
	locker.Lock()
	r.Lock() // the same goroutine, again
	if r.RecursionCount() != 2 || !r.Owned() {
		t.Fatalf("count %d", r.RecursionCount())
	}
	other := make(chan error)
	go func() {
		if r.TryLock() {
			other <- errors.New("another goroutine took a held RLock")
			return
		}
		other <- r.Release()
	}()
	is(t, <-other, weft.ErrNotOwner)
	r.Unlock()
	r.Unlock()
	if r.Locked() {
		t.Fatal("still locked")
	}
	is(t, r.Release(), weft.ErrNotOwner)
	go func() { r.Lock(); other <- nil }()
	<-other
	is(t, r.AcquireContext(within(t, 60*time.Millisecond)), context.DeadlineExceeded)
}

func TestConditionProducerConsumer(t *testing.T) {
	c := weft.NewCondition(nil)
	items := []int{}
	results := make(chan int, 10)
	consume := func() {
		c.Lock()
		defer c.Unlock()
		for n := 0; n < 5; n++ {
			ok(t, c.WaitForContext(soon(t), func() bool { return len(items) > 0 }))
			results <- items[0]
			items = items[1:]
		}
	}
	consumer := goThread(t, consume)
	for i := 0; i < 5; i++ {
		c.Lock()
		items = append(items, i)
		ok(t, c.Notify(1))
		c.Unlock()
	}
	ok(t, consumer.JoinContext(soon(t)))
	for i := 0; i < 5; i++ {
		if got := <-results; got != i {
			t.Fatalf("got %d, want %d", got, i)
		}
	}
}

func TestConditionWaitContext(t *testing.T) {
	c := weft.NewCondition(nil)
	is(t, c.Wait(), weft.ErrWaitUnacquired)
	is(t, c.Notify(1), weft.ErrNotifyUnacquired)
	c.Lock()
	is(t, c.WaitContext(within(t, 80*time.Millisecond)), context.DeadlineExceeded)
	if !c.L.(*weft.Lock).Locked() {
		t.Fatal("the lock is not held again after a timed-out wait")
	}
	// A notifier can take the lock only once this wait has released it: the wait is woken,
	// and the cancellable context never ends.
	go func() {
		c.Lock()
		_ = c.NotifyAll()
		c.Unlock()
	}()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	ok(t, c.WaitContext(ctx))
	c.Unlock()

	// A cancelled wait holds the lock again.
	c.Lock()
	ctx, cancel = context.WithCancel(context.Background())
	go cancel()
	is(t, c.WaitContext(ctx), context.Canceled)
	if !c.L.(*weft.Lock).Locked() {
		t.Fatal("the lock is not held again after a cancelled wait")
	}
	c.Unlock()

	r := weft.NewRLock()
	cr := weft.NewConditionRLock(r)
	cr.Lock()
	cr.Lock()
	is(t, cr.WaitContext(within(t, 20*time.Millisecond)), context.DeadlineExceeded)
	if r.RecursionCount() != 2 {
		t.Fatalf("recursion %d after the wait", r.RecursionCount())
	}
	cr.Unlock()
	cr.Unlock()
}

func TestEvent(t *testing.T) {
	e := weft.NewEvent()
	is(t, e.WaitContext(within(t, 30*time.Millisecond)), context.DeadlineExceeded)
	goThread(t, e.Set)
	ok(t, e.WaitContext(soon(t)))
	e.Wait()
	if !e.IsSet() {
		t.Fatal("not set")
	}
	e.Clear()
	if e.IsSet() {
		t.Fatal("set")
	}
}

func TestSemaphores(t *testing.T) {
	_, err := weft.NewSemaphore(-1)
	is(t, err, weft.ErrSemaphoreNegative)
	s, err := weft.NewSemaphore(2)
	ok(t, err)
	if !s.TryAcquire() || !s.TryAcquire() || s.TryAcquire() {
		t.Fatal("a Semaphore(2) gave other than two")
	}
	is(t, s.AcquireContext(within(t, 30*time.Millisecond)), context.DeadlineExceeded)
	goThread(t, func() { _ = s.Release(1) })
	ok(t, s.AcquireContext(soon(t)))
	ok(t, s.Release(3)) // unbounded
	b, err := weft.NewBoundedSemaphore(1)
	ok(t, err)
	b.Acquire()
	ok(t, b.Release(1))
	is(t, b.Release(1), weft.ErrSemaphoreOverRelease)
}

func TestBarrier(t *testing.T) {
	_, err := weft.NewBarrier(0, nil, 0)
	is(t, err, weft.ErrBarrierParties)
	actions := 0
	b, err := weft.NewBarrier(3, func() { actions++ }, 0)
	ok(t, err)
	indexes := make(chan int, 3)
	for i := 0; i < 3; i++ {
		goThread(t, func() {
			index, err := b.WaitTimeout(10 * time.Second)
			if err != nil {
				index = -1
			}
			indexes <- index
		})
	}
	got := []int{<-indexes, <-indexes, <-indexes}
	sort.Ints(got)
	if fmt.Sprint(got) != "[0 1 2]" || actions != 1 || b.Parties() != 3 {
		t.Fatalf("indexes %v, %d actions", got, actions)
	}
	// A timeout breaks the barrier.
	_, err = b.WaitTimeout(20 * time.Millisecond)
	is(t, err, weft.ErrBrokenBarrier)
	if !b.Broken() {
		t.Fatal("not broken")
	}
	b.Reset()
	if b.Broken() || b.NWaiting() != 0 {
		t.Fatal("reset")
	}
	// A context's end breaks it too: the other parties get ErrBrokenBarrier, the party whose
	// deadline passed ErrTimeout, a cancelled one context.Canceled.
	other := make(chan error, 2)
	goThread(t, func() { _, err := b.WaitContext(soon(t)); other <- err })
	for b.NWaiting() != 1 {
		time.Sleep(time.Millisecond)
	}
	_, err = b.WaitContext(within(t, 20*time.Millisecond))
	is(t, err, weft.ErrTimeout)
	is(t, <-other, weft.ErrBrokenBarrier)
	b.Reset()
	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		for b.NWaiting() != 1 {
			time.Sleep(time.Millisecond)
		}
		cancel()
	}()
	_, err = b.WaitContext(ctx)
	is(t, err, context.Canceled)
	if !b.Broken() {
		t.Fatal("a cancelled wait did not break the barrier")
	}
	b.Reset()
	for i := 0; i < 2; i++ {
		goThread(t, func() { _, err := b.WaitContext(soon(t)); other <- err })
	}
	index, err := b.WaitContext(soon(t))
	ok(t, err)
	ok(t, <-other)
	ok(t, <-other)
	if index < 0 || index > 2 || actions != 2 {
		t.Fatalf("index %d, %d actions", index, actions)
	}
}

func TestThread(t *testing.T) {
	e := weft.NewEvent()
	ran := make(chan string, 1)
	th, err := weft.NewThread(func() { e.Wait(); ran <- "ran" }, weft.Name("worker"))
	ok(t, err)
	is(t, th.Join(), weft.ErrNotStarted)
	if th.IsDaemon() || th.Name() != "worker" || th.IsAlive() {
		t.Fatal("a new thread")
	}
	ok(t, th.Start())
	if !th.IsAlive() || th.Ident() == 0 || th.NativeID() == 0 {
		t.Fatal("a started thread")
	}
	is(t, th.JoinContext(within(t, 30*time.Millisecond)), context.DeadlineExceeded)
	is(t, th.SetDaemon(true), weft.ErrDaemonAfterStart)
	e.Set()
	ok(t, th.JoinContext(soon(t)))
	if <-ran != "ran" || th.IsAlive() {
		t.Fatal("joined")
	}
	ok(t, th.SetName("renamed"))
	if th.Name() != "renamed" {
		t.Fatal(th.Name())
	}
	d := goThread(t, func() {}, weft.Daemon())
	if !d.IsDaemon() {
		t.Fatal("Daemon()")
	}
	// Joining itself.
	self := make(chan error, 1)
	var me *weft.Thread
	started := weft.NewEvent()
	me = goThread(t, func() { started.Wait(); self <- me.Join() })
	started.Set()
	is(t, <-self, weft.ErrJoinCurrent)
}

func TestTimer(t *testing.T) {
	fired := make(chan string, 2)
	t1, err := weft.NewTimer(10*time.Millisecond, func() { fired <- "t1" }, weft.Name("t1"))
	ok(t, err)
	t2, err := weft.NewTimer(10*time.Second, func() { fired <- "t2" })
	ok(t, err)
	ok(t, t1.Start())
	ok(t, t2.Start())
	t2.Cancel()
	ok(t, t2.JoinContext(soon(t)))
	ok(t, t1.JoinContext(soon(t)))
	if t1.Name() != "t1" || <-fired != "t1" || len(fired) != 0 {
		t.Fatal("timers")
	}
}

type point struct {
	x, y int
	next *point // a Go pointer: the value must not be stored in C memory
}

func TestTypedQueues(t *testing.T) {
	q, err := weft.NewQueue[*point](weft.FIFO, 2)
	ok(t, err)
	defer q.Close()
	p := &point{1, 2, &point{3, 4, nil}}
	ok(t, q.Put(p))
	ok(t, q.PutNowait(&point{}))
	is(t, q.PutNowait(&point{}), weft.ErrFull)
	is(t, q.PutContext(within(t, 20*time.Millisecond), &point{}), context.DeadlineExceeded)
	if q.Len() != 2 || !q.Full() {
		t.Fatal("len")
	}
	got, err := q.Get()
	ok(t, err)
	if got != p || got.next.y != 4 {
		t.Fatal("not the value put")
	}
	_, _ = q.Get()
	_, err = q.GetNowait()
	is(t, err, weft.ErrEmpty)
	_, err = q.GetContext(within(t, 20*time.Millisecond))
	is(t, err, context.DeadlineExceeded)

	order := func(kind weft.Kind) string {
		q, err := weft.NewQueue[string](kind, 0)
		ok(t, err)
		defer q.Close()
		for i, s := range []string{"b", "c", "a"} {
			if kind == weft.Priority {
				ok(t, q.PutPriority(s, int64(map[string]int{"a": 1, "b": 2, "c": 3}[s])))
			} else {
				ok(t, q.Put(s))
			}
			_ = i
		}
		out := ""
		for !q.Empty() {
			s, err := q.Get()
			ok(t, err)
			out += s
		}
		return out
	}
	if order(weft.FIFO) != "bca" || order(weft.LIFO) != "acb" || order(weft.Priority) != "abc" ||
		order(weft.Simple) != "bca" {
		t.Fatal("order")
	}
	errs, err := weft.NewQueue[error](weft.Simple, 0)
	ok(t, err)
	ok(t, errs.Put(nil))
	if e, err := errs.Get(); e != nil || err != nil {
		t.Fatal("a nil interface value", e, err)
	}
	_, err = weft.NewQueue[int](weft.Simple, 3)
	is(t, err, weft.ErrInvalidArgument)
}

func TestQueueBetweenThreadsTaskDoneJoinShutdown(t *testing.T) {
	q, err := weft.NewQueue[string](weft.FIFO, 1)
	ok(t, err)
	got := make(chan string, 10)
	consumer := goThread(t, func() {
		for {
			s, err := q.Get()
			if err != nil {
				got <- err.Error()
				return
			}
			got <- s
			_ = q.TaskDone()
		}
	})
	for i := 0; i < 5; i++ {
		ok(t, q.PutContext(soon(t), fmt.Sprint("item ", i)))
	}
	ok(t, q.JoinContext(soon(t)))
	is(t, q.TaskDone(), weft.ErrTaskDoneTooMany)
	q.Shutdown(false)
	ok(t, consumer.JoinContext(soon(t)))
	is(t, q.Put("late"), weft.ErrShutDown)
	close(got)
	var all []string
	for s := range got {
		all = append(all, s)
	}
	if fmt.Sprint(all) != "[item 0 item 1 item 2 item 3 item 4 "+weft.ErrShutDown.Error()+"]" {
		t.Fatal(all)
	}
	// Items left behind are dropped (their handles deleted) by an immediate shutdown and Close.
	q2, err := weft.NewQueue[[]byte](weft.FIFO, 0)
	ok(t, err)
	ok(t, q2.Put([]byte("x")))
	ok(t, q2.Put([]byte("y")))
	q2.Shutdown(true)
	if q2.Len() != 0 || !q2.IsShutDown() {
		t.Fatal("immediate shutdown")
	}
	q.Close()
	q2.Close()
}

func TestRawQueue(t *testing.T) {
	q, err := weft.NewRawQueue(weft.LIFO, 0)
	ok(t, err)
	defer q.Close()
	ok(t, q.Put(7))
	ok(t, q.Put(8))
	if v, _ := q.Get(); v != 8 {
		t.Fatal(v)
	}
	w := weft.WrapQueue(q.Handle()) // a second reference to the same queue
	if v, _ := w.Get(); v != 7 {
		t.Fatal(v)
	}
	w.Close()
}

func TestPool(t *testing.T) {
	pool, err := weft.NewPool(2, "go")
	ok(t, err)
	defer pool.Close()
	if pool.MaxWorkers() != 2 {
		t.Fatal(pool.MaxWorkers())
	}
	var futures []*weft.Future[int]
	for i := 0; i < 6; i++ {
		i := i
		f, err := weft.Submit(pool, func() (int, error) { return i * i, nil })
		ok(t, err)
		futures = append(futures, f)
	}
	for i, f := range futures {
		v, err := f.Result(soon(t))
		ok(t, err)
		if v != i*i || !f.Done() {
			t.Fatalf("%d: %d", i, v)
		}
	}
	failure := errors.New("task failed")
	f, err := weft.Submit(pool, func() (string, error) { return "partial", failure })
	ok(t, err)
	v, err := f.Result(soon(t))
	is(t, err, failure)
	if v != "partial" {
		t.Fatal(v)
	}
	// Both workers blocked: a third task stays queued, cancelled before it runs.
	release := weft.NewEvent()
	for i := 0; i < 2; i++ {
		_, err := weft.Submit(pool, func() (int, error) { release.Wait(); return 0, nil })
		ok(t, err)
	}
	queued, err := weft.Submit(pool, func() (int, error) { return 1, nil })
	ok(t, err)
	_, err = queued.Result(within(t, 30*time.Millisecond))
	is(t, err, context.DeadlineExceeded)
	if !queued.Cancel() || !queued.Cancelled() {
		t.Fatal("cancel")
	}
	_, err = queued.Result(soon(t))
	is(t, err, weft.ErrCancelled)
	release.Set()
	pool.Shutdown(true, false)
	_, err = weft.Submit(pool, func() (int, error) { return 0, nil })
	is(t, err, weft.ErrPoolShutDown)
	_, err = weft.NewPool(-1, "")
	is(t, err, weft.ErrMaxWorkers)
}

// A cancelled context ends a wait at once: its token wakes the C wait, with no slices to wait
// out (with 50 ms slices, as before tokens, a cancel made 5 ms into a wait was seen 45 ms later).
func TestCancelEndsWaitsAtOnce(t *testing.T) {
	l := weft.NewLock()
	l.Lock()
	e := weft.NewEvent()
	c := weft.NewCondition(nil)
	q, err := weft.NewQueue[int](weft.FIFO, 0)
	ok(t, err)
	th := goThread(t, func() { e.Wait() })
	b, err := weft.NewBarrier(2, nil, 0)
	ok(t, err)
	waits := map[string]func(context.Context) error{
		"barrier": func(ctx context.Context) error {
			b.Reset() // the last cancel broke it
			_, err := b.WaitContext(ctx)
			return err
		},
		"lock":      l.AcquireContext,
		"event":     e.WaitContext,
		"queue get": func(ctx context.Context) error { _, err := q.GetContext(ctx); return err },
		"join":      th.JoinContext,
		"condition": func(ctx context.Context) error {
			c.Lock()
			defer c.Unlock()
			return c.WaitContext(ctx)
		},
	}
	for name, wait := range waits {
		best := time.Hour
		for i := 0; i < 5; i++ {
			ctx, cancel := context.WithCancel(context.Background())
			cancelled := make(chan time.Time, 1)
			go func() {
				time.Sleep(5 * time.Millisecond)
				cancelled <- time.Now()
				cancel()
			}()
			is(t, wait(ctx), context.Canceled)
			if d := time.Since(<-cancelled); d < best {
				best = d
			}
		}
		t.Logf("%s: ended %v after the cancel at best", name, best)
		if best > 25*time.Millisecond {
			t.Errorf("%s: a cancelled wait ended %v after the cancel at best", name, best)
		}
	}
	e.Set()
	ok(t, th.JoinContext(soon(t)))
}

// Goroutines move between OS threads and tokens are per OS thread: a cancel ends its own wait
// only, and leaves no token behind for the next wait made on that thread.
func TestCancelEndsOnlyItsOwnWait(t *testing.T) {
	e := weft.NewEvent()
	const n = 40
	results := make(chan error, n)
	cancels := make([]context.CancelFunc, n)
	for i := 0; i < n; i++ {
		ctx, cancel := context.WithCancel(context.Background())
		cancels[i] = cancel
		go func() { results <- e.WaitContext(ctx) }()
	}
	for i := 0; i < n; i += 2 {
		cancels[i]()
	}
	for i := 0; i < n/2; i++ {
		is(t, <-results, context.Canceled)
	}
	select {
	case err := <-results:
		t.Fatalf("a wait whose context is live ended: %v", err)
	case <-time.After(50 * time.Millisecond):
	}
	e.Set()
	for i := 0; i < n/2; i++ {
		ok(t, <-results)
	}
	for _, cancel := range cancels {
		cancel()
	}
	// Waits on the threads those waits ran on: none is interrupted.
	e.Clear()
	for i := 0; i < n; i++ {
		go func() { results <- e.WaitContext(within(t, 30*time.Millisecond)) }()
	}
	for i := 0; i < n; i++ {
		is(t, <-results, context.DeadlineExceeded)
	}
	for i := 0; i < n; i++ {
		go func() { e.Wait(); results <- nil }()
	}
	e.Set()
	for i := 0; i < n; i++ {
		ok(t, <-results)
	}
}

// A wait whose context's deadline passes returns ErrTimeout, which errors.Is also reports as
// context.DeadlineExceeded (before the wait, or during it); a cancelled one context.Canceled,
// which is not ErrTimeout.
func TestDeadlineIsErrTimeout(t *testing.T) {
	l := weft.NewLock()
	l.Lock()
	e := weft.NewEvent()
	s, err := weft.NewSemaphore(0)
	ok(t, err)
	c := weft.NewCondition(nil)
	q, err := weft.NewQueue[int](weft.FIFO, 1)
	ok(t, err)
	full, err := weft.NewQueue[int](weft.FIFO, 1)
	ok(t, err)
	ok(t, full.Put(1))
	th := goThread(t, e.Wait)
	pool, err := weft.NewPool(1, "")
	ok(t, err)
	defer pool.Close()
	f, err := weft.Submit(pool, func() (int, error) { e.Wait(); return 0, nil })
	ok(t, err)
	waits := map[string]func(context.Context) error{
		"Lock.AcquireContext":      l.AcquireContext,
		"Event.WaitContext":        e.WaitContext,
		"Semaphore.AcquireContext": s.AcquireContext,
		"Condition.WaitContext": func(ctx context.Context) error {
			c.Lock()
			defer c.Unlock()
			return c.WaitContext(ctx)
		},
		"Queue.GetContext":   func(ctx context.Context) error { _, err := q.GetContext(ctx); return err },
		"Queue.PutContext":   func(ctx context.Context) error { return full.PutContext(ctx, 2) },
		"Queue.JoinContext":  full.JoinContext,
		"Thread.JoinContext": th.JoinContext,
		"Future.Result":      func(ctx context.Context) error { _, err := f.Result(ctx); return err },
	}
	past, cancelPast := context.WithDeadline(context.Background(), time.Now().Add(-time.Second))
	defer cancelPast()
	cancelled, cancel := context.WithCancel(context.Background())
	cancel()
	for name, wait := range waits {
		for _, ctx := range []context.Context{within(t, 10*time.Millisecond), past} {
			err := wait(ctx)
			if !errors.Is(err, weft.ErrTimeout) || !errors.Is(err, context.DeadlineExceeded) {
				t.Errorf("%s: %v is not both ErrTimeout and DeadlineExceeded", name, err)
			}
		}
		if err := wait(cancelled); err != context.Canceled || errors.Is(err, weft.ErrTimeout) {
			t.Errorf("%s, cancelled: %v", name, err)
		}
	}
	e.Set()
	ok(t, th.JoinContext(soon(t)))
	if errors.Is(weft.ErrEmpty, context.DeadlineExceeded) || errors.Is(context.DeadlineExceeded, weft.ErrTimeout) {
		t.Fatal("only ErrTimeout matches DeadlineExceeded")
	}
}

// Every type is an io.Closer, so it fits where Go code closes things (defer, errors.Join of
// Close errors, t.Cleanup wrappers); Close returns nil, and a second Close does nothing.
func TestEveryTypeIsAnIOCloser(t *testing.T) {
	lock := weft.NewLock()
	rlock := weft.NewRLock()
	queue, err := weft.NewQueue[int](weft.FIFO, 0)
	ok(t, err)
	semaphore, err := weft.NewSemaphore(1)
	ok(t, err)
	barrier, err := weft.NewBarrier(1, nil, 0)
	ok(t, err)
	pool, err := weft.NewPool(1, "closer")
	ok(t, err)
	future, err := weft.Submit(pool, func() (int, error) { return 1, nil })
	ok(t, err)
	thread, err := weft.NewThread(func() {})
	ok(t, err)
	closers := []io.Closer{
		weft.NewCondition(lock), weft.NewConditionRLock(rlock), lock, rlock, weft.NewEvent(),
		queue, semaphore, barrier, future, pool, thread,
	}
	for _, closer := range closers {
		for i := 0; i < 2; i++ {
			if err := closer.Close(); err != nil {
				t.Fatalf("%T: Close #%d: %v", closer, i+1, err)
			}
		}
	}
}
