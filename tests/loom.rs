//! loom models of Lock, RLock, Condition, Event, Semaphore, Barrier, Queue and Future, over the
//! model parking table of `src/park/table/loom_model.rs`. Run with:
//!
//!     RUSTFLAGS="--cfg loom" cargo test --release --test loom
//!
//! Shared data lives in `loom::cell::UnsafeCell`, so loom also reports any access the primitive
//! fails to order (a lock that does not exclude, a wakeup without happens-before).
#![cfg(loom)]

use std::sync::Arc as StdArc;
use std::time::Duration;

use loom::cell::UnsafeCell;
use loom::sync::Arc;
use loom::sync::atomic::{AtomicUsize, Ordering};
use loom::thread;

use weft::cancel::{self, CancelToken};
use weft::sync::ConditionLock;
use weft::{
    Barrier, Condition, Error, Event, Lock, Once, Queue, QueueKind, RLock, RwLock, Semaphore,
    Timeout,
};

const FOREVER: Timeout = Timeout::Forever;

fn model(f: impl Fn() + Sync + Send + 'static) {
    let mut builder = loom::model::Builder::new();
    builder.preemption_bound = Some(3);
    builder.check(f);
}

/// Reads the cell (loom checks the read is ordered after every write).
fn read(cell: &UnsafeCell<usize>) -> usize {
    // SAFETY: the models only touch a cell under the primitive that orders it; if it does not,
    // loom reports the race instead of this being undefined behaviour.
    cell.with(|p| unsafe { *p })
}

fn write(cell: &UnsafeCell<usize>, value: usize) {
    // SAFETY: as in `read`.
    cell.with_mut(|p| unsafe { *p = value })
}

/// A state change made and notified under the lock is seen by the waiter: no lost wakeup,
/// whether the notify finds the waiter parked (requeued onto the lock) or not yet waiting.
fn condition_handoff(lock: StdArc<dyn ConditionLock>) {
    let c = Arc::new((Condition::with_lock(lock), UnsafeCell::new(0)));
    let waiter = {
        let c = c.clone();
        thread::spawn(move || {
            let (c, state) = &*c;
            c.acquire(FOREVER).unwrap();
            while read(state) == 0 {
                assert_eq!(c.wait(FOREVER), Ok(true));
            }
            c.release().unwrap();
        })
    };
    let (cond, state) = &*c;
    cond.acquire(FOREVER).unwrap();
    write(state, 1);
    cond.notify(1).unwrap();
    cond.release().unwrap();
    waiter.join().unwrap();
}

#[test]
fn condition_over_a_lock() {
    model(|| condition_handoff(StdArc::new(Lock::new())));
}

#[test]
fn condition_over_an_rlock() {
    model(|| condition_handoff(StdArc::new(RLock::new())));
}

/// A timed wait either is notified or times out, and holds the lock again either way.
#[test]
fn condition_timed_wait() {
    model(|| {
        let c = Arc::new((Condition::new(), UnsafeCell::new(0)));
        let waiter = {
            let c = c.clone();
            thread::spawn(move || {
                let (c, state) = &*c;
                c.acquire(FOREVER).unwrap();
                let notified = c.wait(Timeout::from_secs_f64(1.0).unwrap()).unwrap();
                write(state, read(state) + 1); // we hold the lock again
                c.release().unwrap();
                notified
            })
        };
        let (cond, state) = &*c;
        cond.acquire(FOREVER).unwrap();
        write(state, read(state) + 1);
        cond.notify_all().unwrap();
        cond.release().unwrap();
        waiter.join().unwrap();
        cond.acquire(FOREVER).unwrap();
        assert_eq!(read(state), 2);
        cond.release().unwrap();
    });
}

#[test]
fn event_set_wakes_waiter() {
    model(|| {
        let e = Arc::new((Event::new(), UnsafeCell::new(0)));
        let waiter = {
            let e = e.clone();
            thread::spawn(move || {
                let (event, data) = &*e;
                assert!(event.wait(FOREVER));
                assert_eq!(read(data), 7); // written before set
            })
        };
        let (event, data) = &*e;
        write(data, 7);
        event.set();
        waiter.join().unwrap();
        assert!(event.is_set());
    });
}

/// Regression (found by the event ping-pong benchmark): a `set` that had cleared PARKED but not
/// yet unparked could wake the waiter's *next* wait, which then returned true with the flag
/// clear and no new `set`.
#[test]
fn event_stale_unpark_does_not_end_a_later_wait() {
    model(|| {
        let e = Arc::new(Event::new());
        let setter = {
            let e = e.clone();
            thread::spawn(move || e.set())
        };
        assert!(e.wait(FOREVER));
        e.clear();
        // No set follows: this wait can only time out.
        assert!(!e.wait(Timeout::from_secs_f64(1.0).unwrap()));
        setter.join().unwrap();
    });
}

#[test]
fn event_timed_wait_and_clear() {
    model(|| {
        let e = Arc::new(Event::new());
        let waiter = {
            let e = e.clone();
            thread::spawn(move || e.wait(Timeout::from_secs_f64(1.0).unwrap()))
        };
        e.set();
        e.clear();
        // Woken by the set (true), or saw it set (true), or timed out before it (false).
        let _ = waiter.join().unwrap();
        assert!(!e.is_set());
    });
}

/// A one-permit semaphore excludes, and its permit comes back.
#[test]
fn semaphore_excludes() {
    model(|| {
        let s = Arc::new((Semaphore::new(1).unwrap(), UnsafeCell::new(0)));
        let threads: Vec<_> = (0..2)
            .map(|_| {
                let s = s.clone();
                thread::spawn(move || {
                    let (sem, data) = &*s;
                    assert!(sem.acquire(FOREVER));
                    write(data, read(data) + 1);
                    sem.release(1).unwrap();
                })
            })
            .collect();
        for t in threads {
            t.join().unwrap();
        }
        let (sem, data) = &*s;
        assert!(sem.acquire(FOREVER));
        assert_eq!(read(data), 2);
        assert_eq!(sem.value(), 0);
    });
}

/// `release(2)` admits both blocked acquirers (no permit is lost to a wakeup race).
#[test]
fn semaphore_release_n() {
    model(|| {
        let s = Arc::new(Semaphore::bounded(2).unwrap());
        assert!(s.acquire(FOREVER) && s.acquire(FOREVER));
        let threads: Vec<_> = (0..2)
            .map(|_| {
                let s = s.clone();
                thread::spawn(move || assert!(s.acquire(FOREVER)))
            })
            .collect();
        s.release(2).unwrap();
        for t in threads {
            t.join().unwrap();
        }
        assert_eq!(s.value(), 0);
        assert_eq!(s.release(3), Err(Error::SemaphoreOverRelease));
    });
}

/// Two parties: distinct indices, the action runs once, before either leaves.
#[test]
fn barrier_trips_once() {
    model(|| {
        let actions = Arc::new(AtomicUsize::new(0));
        let counter = actions.clone();
        let action = Box::new(move || {
            counter.fetch_add(1, Ordering::Relaxed);
        });
        let b = Arc::new(Barrier::new(2, Some(action), FOREVER).unwrap());
        let other = {
            let (b, actions) = (b.clone(), actions.clone());
            thread::spawn(move || {
                let index = b.wait(None).unwrap();
                assert_eq!(actions.load(Ordering::Relaxed), 1);
                index
            })
        };
        let mine = b.wait(None).unwrap();
        assert_eq!(actions.load(Ordering::Relaxed), 1);
        assert_eq!(mine + other.join().unwrap(), 1);
        assert_eq!(b.n_waiting(), 0);
    });
}

/// An abort racing with a wait: the waiter leaves broken, whichever comes first.
#[test]
fn barrier_abort() {
    model(|| {
        let b = Arc::new(Barrier::new(2, None, FOREVER).unwrap());
        let waiter = {
            let b = b.clone();
            thread::spawn(move || b.wait(None))
        };
        b.abort().unwrap();
        assert_eq!(waiter.join().unwrap(), Err(Error::BrokenBarrier));
        assert!(b.broken());
    });
}

/// Two cycles back to back: a thread comes back for the second while the other may not have
/// left the first yet; each cycle hands out both indices.
#[test]
fn barrier_next_cycle_starts_before_the_last_leaves() {
    model(|| {
        let b = Arc::new(Barrier::new(2, None, FOREVER).unwrap());
        let other = {
            let b = b.clone();
            thread::spawn(move || [b.wait(None).unwrap(), b.wait(None).unwrap()])
        };
        let mine = [b.wait(None).unwrap(), b.wait(None).unwrap()];
        let theirs = other.join().unwrap();
        assert_eq!([mine[0] + theirs[0], mine[1] + theirs[1]], [1, 1]);
        assert_eq!(b.n_waiting(), 0);
    });
}

/// An abort racing with a cycle: both parties trip or both leave broken, never one of each (a
/// waiter woken after the abort still sees that its cycle tripped).
#[test]
fn barrier_abort_racing_a_trip() {
    model(|| {
        let b = Arc::new(Barrier::new(2, None, FOREVER).unwrap());
        let threads: Vec<_> = (0..2)
            .map(|_| {
                let b = b.clone();
                thread::spawn(move || b.wait(None))
            })
            .collect();
        b.abort().unwrap();
        let results: Vec<_> = threads.into_iter().map(|t| t.join().unwrap()).collect();
        match results[..] {
            [Ok(x), Ok(y)] => assert_eq!(x + y, 1),
            [Err(x), Err(y)] => assert_eq!([x, y], [Error::BrokenBarrier; 2]),
            _ => panic!("one tripped, one broken: {results:?}"),
        }
        assert!(b.broken());
    });
}

/// A reset racing with a waiter: if it sends the waiter away, the resetting thread's own wait
/// waits for it to leave, and the waiter's retry trips the barrier with it.
#[test]
fn barrier_reset_then_refill() {
    model(|| {
        let b = Arc::new(Barrier::new(2, None, FOREVER).unwrap());
        let waiter = {
            let b = b.clone();
            thread::spawn(move || {
                let mut failures = 0;
                loop {
                    match b.wait(None) {
                        Ok(index) => return (index, failures),
                        Err(e) => {
                            assert_eq!(e, Error::BrokenBarrier);
                            failures += 1;
                        }
                    }
                }
            })
        };
        b.reset().unwrap();
        let mine = b.wait(None).unwrap();
        let (theirs, failures) = waiter.join().unwrap();
        assert_eq!(mine + theirs, 1);
        assert!(failures <= 1);
        assert!(!b.broken());
    });
}

// Lock and RLock: exclusion, release from another thread, no lost wakeup, timed acquires.

const NOW: Timeout = Timeout::After(Duration::ZERO);
/// Any positive timeout: the model lets it expire whenever loom decides.
const SOON: Timeout = Timeout::After(Duration::from_secs(1));

/// Data that loom checks is never accessed by two threads at once.
#[derive(Default)]
struct Guarded(UnsafeCell<usize>);

impl Guarded {
    fn bump(&self) {
        // SAFETY: only called with the lock under test held; loom fails the model if two threads
        // get here at the same time.
        self.0.with_mut(|n| unsafe { *n += 1 });
    }

    fn get(&self) -> usize {
        // SAFETY: called after every thread that writes it was joined.
        self.0.with(|n| unsafe { *n })
    }
}

#[test]
fn lock_excludes() {
    model(|| {
        let lock = Arc::new(Lock::new());
        let data = Arc::new(Guarded::default());
        let threads: Vec<_> = (0..2)
            .map(|_| {
                let (lock, data) = (lock.clone(), data.clone());
                thread::spawn(move || {
                    assert!(lock.acquire(Timeout::Forever));
                    data.bump();
                    lock.release().unwrap();
                })
            })
            .collect();
        assert!(lock.acquire(Timeout::Forever));
        data.bump();
        lock.release().unwrap();
        threads.into_iter().for_each(|t| t.join().unwrap());
        assert_eq!(data.get(), 3);
        assert!(!lock.locked());
    });
}

#[test]
fn lock_released_by_another_thread_wakes_a_waiter() {
    model(|| {
        let lock = Arc::new(Lock::new());
        assert!(lock.acquire(Timeout::Forever));
        let waiter = {
            let lock = lock.clone();
            thread::spawn(move || assert!(lock.acquire(Timeout::Forever)))
        };
        let releaser = {
            let lock = lock.clone();
            thread::spawn(move || lock.release().unwrap())
        };
        releaser.join().unwrap();
        waiter.join().unwrap();
        assert!(lock.locked());
    });
}

#[test]
fn lock_no_lost_wakeup_with_two_waiters() {
    // Two threads park behind the holder; each release must hand the lock on, or loom reports
    // the remaining waiter deadlocked.
    model(|| {
        let lock = Arc::new(Lock::new());
        assert!(lock.acquire(Timeout::Forever));
        let waiters: Vec<_> = (0..2)
            .map(|_| {
                let lock = lock.clone();
                thread::spawn(move || {
                    assert!(lock.acquire(Timeout::Forever));
                    lock.release().unwrap();
                })
            })
            .collect();
        lock.release().unwrap();
        waiters.into_iter().for_each(|t| t.join().unwrap());
        assert!(!lock.locked());
    });
}

#[test]
fn lock_timed_acquire_leaves_a_consistent_state() {
    timed_acquire_racing_a_release(false);
}

/// A timed acquire racing with a release either wins the lock or times out; either way the
/// parked bit is cleaned up, so a later blocking acquire and release do not hang. `fair`: every
/// release that wakes a waiter hands it the lock.
fn timed_acquire_racing_a_release(fair: bool) {
    model(move || {
        weft::loom_set_fair(fair);
        let lock = Arc::new(Lock::new());
        assert!(lock.acquire(Timeout::Forever));
        let timed = {
            let lock = lock.clone();
            thread::spawn(move || {
                let got = lock.acquire(SOON);
                if got {
                    lock.release().unwrap();
                }
                got
            })
        };
        let blocking = {
            let lock = lock.clone();
            thread::spawn(move || {
                assert!(lock.acquire(Timeout::Forever));
                lock.release().unwrap();
            })
        };
        lock.release().unwrap();
        timed.join().unwrap();
        blocking.join().unwrap();
        assert!(!lock.locked());
        assert!(lock.acquire(NOW));
    });
}

#[test]
fn lock_racing_releases_succeed_once() {
    model(|| {
        let lock = Arc::new(Lock::new());
        assert!(lock.acquire(Timeout::Forever));
        let released = Arc::new(AtomicUsize::new(0));
        let threads: Vec<_> = (0..2)
            .map(|_| {
                let (lock, released) = (lock.clone(), released.clone());
                thread::spawn(move || match lock.release() {
                    Ok(()) => {
                        released.fetch_add(1, Ordering::Relaxed);
                    }
                    Err(e) => assert_eq!(e, Error::ReleaseUnlocked),
                })
            })
            .collect();
        threads.into_iter().for_each(|t| t.join().unwrap());
        assert_eq!(released.load(Ordering::Relaxed), 1);
        assert!(!lock.locked());
    });
}

#[test]
fn rlock_excludes_and_recurses() {
    model(|| {
        let lock = Arc::new(RLock::new());
        let data = Arc::new(Guarded::default());
        let other = {
            let (lock, data) = (lock.clone(), data.clone());
            thread::spawn(move || {
                assert!(lock.acquire(Timeout::Forever).unwrap());
                assert!(lock.acquire(NOW).unwrap(), "the owner re-acquires at once");
                data.bump();
                lock.release().unwrap();
                data.bump();
                lock.release().unwrap();
                assert!(!lock.is_owned());
            })
        };
        assert!(lock.acquire(Timeout::Forever).unwrap());
        assert_eq!(lock.recursion_count(), 1);
        data.bump();
        lock.release().unwrap();
        assert_eq!(lock.release(), Err(Error::NotOwner));
        other.join().unwrap();
        assert_eq!(data.get(), 3);
        assert!(!lock.locked());
    });
}

#[test]
fn rlock_non_owner_cannot_release() {
    model(|| {
        let lock = Arc::new(RLock::new());
        assert!(lock.acquire(Timeout::Forever).unwrap());
        let other = {
            let lock = lock.clone();
            thread::spawn(move || {
                assert!(!lock.is_owned());
                assert_eq!(lock.release(), Err(Error::NotOwner));
                // Blocks until the owner's last release.
                assert!(lock.acquire(Timeout::Forever).unwrap());
                assert_eq!(lock.recursion_count(), 1);
                lock.release().unwrap();
            })
        };
        let saved = lock.release_save().unwrap();
        lock.acquire_restore(saved);
        assert_eq!(lock.recursion_count(), 1);
        lock.release().unwrap();
        other.join().unwrap();
        assert!(!lock.locked());
    });
}

// Queue: put/get handoff through a full or empty queue, task_done/join, shutdown. The waits are
// untimed: the queue re-checks a timed wait's deadline on the real clock, which a model cannot
// advance, so a timed wait would spin.

/// Starts a model thread that runs `f` on its own handle to `q`.
fn on_queue<R: 'static>(
    q: &Arc<Queue<usize>>,
    f: impl FnOnce(&Queue<usize>) -> R + Send + 'static,
) -> thread::JoinHandle<R> {
    let q = q.clone();
    thread::spawn(move || f(&q))
}

fn fifo(maxsize: usize) -> Arc<Queue<usize>> {
    Arc::new(Queue::new(QueueKind::Fifo, maxsize).unwrap())
}

/// One cell per item, written by whoever puts the item and read by whoever gets it: loom checks
/// that the queue orders the two.
fn cells(n: usize) -> Arc<Vec<UnsafeCell<usize>>> {
    Arc::new((0..n).map(|_| UnsafeCell::new(0)).collect())
}

/// A producer putting `n` items and a consumer, through a queue of `maxsize`: every item is got
/// once, in order, and its data with it; each side blocks in turn (a full queue, an empty one)
/// and no wake-up is lost.
fn items_pass_once_in_order(maxsize: usize, n: usize) {
    model(move || {
        let (q, data) = (fifo(maxsize), cells(n));
        let producer = {
            let (q, data) = (q.clone(), data.clone());
            thread::spawn(move || {
                for i in 0..n {
                    write(&data[i], i + 10);
                    q.put(i, FOREVER).unwrap();
                }
            })
        };
        for expected in 0..n {
            let i = q.get(FOREVER).unwrap();
            assert_eq!(i, expected);
            assert_eq!(read(&data[i]), i + 10);
        }
        producer.join().unwrap();
        assert!(q.empty());
    });
}

#[test]
fn queue_items_pass_once_in_order_through_one_slot() {
    items_pass_once_in_order(1, 2);
}

/// The same through a queue of two whose ring (one slot in the models) doubles while the
/// consumer takes items: the growth moves the items in order and the consumer never reads a
/// slot of the old ring; then the ring is full at `maxsize`.
#[test]
fn queue_ring_grows_under_a_consumer() {
    items_pass_once_in_order(2, 3);
}

/// Two getters, waiting with these timeouts on an empty queue, and two puts: both getters get
/// an item (none is left asleep beside a waiting item).
fn two_puts_for_two_getters(timeouts: [Timeout; 2]) {
    model(move || {
        let q = fifo(0);
        let getters: Vec<_> = timeouts
            .into_iter()
            .map(|timeout| on_queue(&q, move |q| q.get(timeout).unwrap()))
            .collect();
        for i in 0..2 {
            q.put(i, FOREVER).unwrap();
        }
        let mut got: Vec<usize> = getters.into_iter().map(|g| g.join().unwrap()).collect();
        got.sort();
        assert_eq!(got, [0, 1]);
    });
}

/// Each put wakes a getter that has not been woken yet.
#[test]
fn queue_two_puts_wake_two_blocked_getters() {
    two_puts_for_two_getters([FOREVER, FOREVER]);
}

/// One getter in a timed wait, which the model parking lot ends early at any point (the queue
/// then waits again, its deadline not passed): that getter counts itself out without knowing
/// whether a put picked it to wake, and the other getter must not be stranded.
#[test]
fn queue_early_timed_wake_does_not_strand_a_getter() {
    two_puts_for_two_getters([SOON, FOREVER]);
}

/// The same for two puts blocked on a full queue and two gets.
#[test]
fn queue_two_gets_wake_two_blocked_putters() {
    model(|| {
        let q = fifo(1);
        q.put(0, NOW).unwrap();
        let putters: Vec<_> = (1..3)
            .map(|i| on_queue(&q, move |q| q.put(i, FOREVER).unwrap()))
            .collect();
        let mut got: Vec<usize> = (0..2).map(|_| q.get(FOREVER).unwrap()).collect();
        putters.into_iter().for_each(|p| p.join().unwrap());
        got.push(q.get(NOW).unwrap());
        got.sort();
        assert_eq!(got, [0, 1, 2]);
    });
}

/// A put blocked on a full queue is woken by the get that frees the slot.
#[test]
fn queue_get_wakes_a_put_blocked_on_a_full_queue() {
    model(|| {
        let q = fifo(1);
        q.put(1, NOW).unwrap();
        let putter = on_queue(&q, |q| q.put(2, FOREVER).unwrap());
        assert_eq!(q.get(FOREVER), Ok(1));
        putter.join().unwrap();
        assert_eq!(q.get(NOW), Ok(2));
    });
}

/// `join` returns only after the last `task_done`, with the work done before it visible; one
/// more `task_done` is refused and leaves the count at zero.
#[test]
fn queue_join_returns_after_the_last_task_done() {
    model(|| {
        let (q, data) = (fifo(0), cells(2));
        for i in 0..2 {
            q.put(i, NOW).unwrap();
        }
        let worker = {
            let (q, data) = (q.clone(), data.clone());
            thread::spawn(move || {
                for _ in 0..2 {
                    let i = q.get(FOREVER).unwrap();
                    write(&data[i], 1);
                    q.task_done().unwrap();
                }
            })
        };
        assert_eq!(q.join(FOREVER), Ok(true));
        assert_eq!((read(&data[0]), read(&data[1])), (1, 1));
        assert_eq!(q.task_done(), Err(Error::TaskDoneTooMany));
        assert_eq!(q.unfinished_tasks(), 0);
        worker.join().unwrap();
    });
}

/// An immediate shutdown marks the items it removes done, which releases a blocked `join`.
#[test]
fn queue_immediate_shutdown_releases_a_blocked_join() {
    model(|| {
        let q = fifo(0);
        q.put(1, NOW).unwrap();
        let joiner = on_queue(&q, |q| q.join(FOREVER));
        assert_eq!(q.shutdown(true).unwrap(), [1]);
        assert_eq!(joiner.join().unwrap(), Ok(true));
        assert_eq!(q.unfinished_tasks(), 0);
    });
}

/// A shutdown, immediate or not, wakes a get blocked on an empty queue.
fn shutdown_wakes_a_blocked_get(immediate: bool) {
    model(move || {
        let q = fifo(0);
        let getter = on_queue(&q, |q| q.get(FOREVER));
        assert_eq!(q.shutdown(immediate).unwrap(), []);
        assert_eq!(getter.join().unwrap(), Err(Error::QueueShutDown));
    });
}

#[test]
fn queue_shutdown_wakes_a_blocked_get() {
    shutdown_wakes_a_blocked_get(false);
}

#[test]
fn queue_immediate_shutdown_wakes_a_blocked_get() {
    shutdown_wakes_a_blocked_get(true);
}

/// A shutdown wakes a put blocked on a full queue, which gets its item back; the items already
/// in the queue are still handed out (or handed back by an immediate shutdown).
fn shutdown_wakes_a_blocked_put(immediate: bool) {
    model(move || {
        let q = fifo(1);
        q.put(1, NOW).unwrap();
        let putter = on_queue(&q, |q| q.put(2, FOREVER).map_err(|r| (r.error, r.value)));
        let drained = q.shutdown(immediate).unwrap();
        assert_eq!(putter.join().unwrap(), Err((Error::QueueShutDown, 2)));
        if immediate {
            assert_eq!(drained, [1]);
        } else {
            assert_eq!(drained, []);
            assert_eq!(q.get(FOREVER), Ok(1));
        }
        assert_eq!(q.get(FOREVER), Err(Error::QueueShutDown));
    });
}

#[test]
fn queue_shutdown_wakes_a_blocked_put() {
    shutdown_wakes_a_blocked_put(false);
}

#[test]
fn queue_immediate_shutdown_wakes_a_blocked_put() {
    shutdown_wakes_a_blocked_put(true);
}

/// An immediate shutdown racing with a put and a get loses no item: each is got, handed back
/// by the shutdown or refused to its putter, exactly once; the drained items count as done.
#[test]
fn queue_immediate_shutdown_loses_no_item() {
    model(|| {
        let q = fifo(1);
        q.put(1, NOW).unwrap();
        let putter = on_queue(&q, |q| q.put(2, FOREVER).err().map(|r| r.value));
        let getter = on_queue(&q, |q| q.get(FOREVER).ok());
        let mut items = q.shutdown(true).unwrap();
        let got = getter.join().unwrap();
        items.extend(got);
        items.extend(putter.join().unwrap());
        items.sort();
        assert_eq!(items, [1, 2]);
        assert_eq!(q.unfinished_tasks(), usize::from(got.is_some()));
        assert_eq!(q.get(NOW), Err(Error::QueueShutDown));
    });
}

/// A future run by a worker while other threads look at it (`weft::future::model_task` stands in
/// for the pool).
type ModelFuture = weft::Future<usize, ()>;

/// A thread waiting in `outcome` (Python: `result()`) is woken by the completion and sees its
/// value, whether it parks before the worker completes the future or after.
#[test]
fn future_result_woken_by_completion() {
    model(|| {
        let (future, run): (ModelFuture, _) = weft::future::model_task(|| Ok(7));
        let waiter = {
            let future = future.clone();
            thread::spawn(move || future.outcome(FOREVER))
        };
        run();
        assert_eq!(waiter.join().unwrap(), Some(weft::Outcome::Returned(7)));
    });
}

/// A done callback added while the worker completes the future runs exactly once (by the
/// worker, or by the adder if the future is done by then), and sees the future done.
#[test]
fn future_callback_added_during_completion_runs_once() {
    model(|| {
        let (future, run): (ModelFuture, _) = weft::future::model_task(|| Ok(1));
        let calls = Arc::new(AtomicUsize::new(0));
        let adder = {
            let (future, calls) = (future.clone(), calls.clone());
            thread::spawn(move || {
                future.add_done_callback(move |f| {
                    assert!(f.done());
                    calls.fetch_add(1, Ordering::Relaxed);
                })
            })
        };
        run();
        adder.join().unwrap();
        assert_eq!(calls.load(Ordering::Relaxed), 1);
    });
}

/// `cancel` racing with the worker's `set_running_or_notify_cancel`: exactly one wins. A
/// cancelled task never runs; a task that runs cannot be cancelled and completes.
#[test]
fn future_cancel_races_set_running() {
    model(|| {
        let ran = Arc::new(AtomicUsize::new(0));
        let (future, run): (ModelFuture, _) = {
            let ran = ran.clone();
            weft::future::model_task(move || {
                ran.fetch_add(1, Ordering::Relaxed);
                Ok(5)
            })
        };
        let canceller = {
            let future = future.clone();
            thread::spawn(move || future.cancel())
        };
        run();
        let cancelled = canceller.join().unwrap();
        assert_eq!(future.cancelled(), cancelled);
        assert_eq!(ran.load(Ordering::Relaxed), usize::from(!cancelled));
        let expected = if cancelled {
            weft::Outcome::Cancelled
        } else {
            weft::Outcome::Returned(5)
        };
        assert_eq!(future.outcome(FOREVER), Some(expected));
    });
}

/// `wait` for the first of two futures to complete is woken by the completion of either: the
/// waiter's signal, registered with both, is notified (no lost wake-up), and it leaves neither
/// future holding it.
#[test]
fn futures_wait_first_completed() {
    model(|| {
        let (first, _unrun): (ModelFuture, _) = weft::future::model_task(|| Ok(1));
        let (second, run): (ModelFuture, _) = weft::future::model_task(|| Ok(2));
        let waiter = {
            let (first, second) = (first.clone(), second.clone());
            thread::spawn(move || {
                weft::future::wait(
                    &[&first, &second],
                    FOREVER,
                    weft::ReturnWhen::FirstCompleted,
                )
            })
        };
        run();
        let waited = waiter.join().unwrap();
        assert!(waited.satisfied);
        assert_eq!(waited.done, [false, true]);
    });
}

/// `wait` for all of two futures, each completed by its own thread: the waiter counts both
/// completions in (whether each comes before the registration or after), is woken by the last,
/// and sees both done.
#[test]
fn futures_wait_all_completed() {
    model(|| {
        let (first, run_first): (ModelFuture, _) = weft::future::model_task(|| Ok(1));
        let (second, run_second): (ModelFuture, _) = weft::future::model_task(|| Ok(2));
        let worker = thread::spawn(run_first);
        let waiter = {
            let (first, second) = (first.clone(), second.clone());
            thread::spawn(move || {
                weft::future::wait(&[&first, &second], FOREVER, weft::ReturnWhen::AllCompleted)
            })
        };
        run_second();
        worker.join().unwrap();
        let waited = waiter.join().unwrap();
        assert!(waited.satisfied);
        assert_eq!(waited.done, [true, true]);
    });
}

/// An `AsCompleted` iterator made while a worker completes one of its futures hands out both,
/// each once (the racing one queued by its completion, or found done at registration: then
/// first, as the lower index), the racing one seen done, and then reports the end.
#[test]
fn as_completed_iterator_queues_completions() {
    model(|| {
        let (done, run_done): (ModelFuture, _) = weft::future::model_task(|| Ok(1));
        let (racing, run_racing): (ModelFuture, _) = weft::future::model_task(|| Ok(2));
        run_done();
        let worker = thread::spawn(run_racing);
        let iterator = weft::future::AsCompleted::new(&[&racing, &done]);
        let first = iterator.next(FOREVER).unwrap().unwrap();
        let second = iterator.next(FOREVER).unwrap().unwrap();
        assert!(matches!((first, second), (1, 0) | (0, 1)));
        assert_eq!(
            racing.outcome(Timeout::After(Duration::ZERO)),
            Some(weft::Outcome::Returned(2))
        );
        assert_eq!(iterator.next(FOREVER), Err(Error::InvalidArgument));
        worker.join().unwrap();
    });
}

/// A standalone future (`Future::new`) whose owner marks it running and completes it, racing a
/// canceller: exactly one wins. If the owner is told to go ahead, `cancel` fails and its result
/// stands; if the future was cancelled first, the owner is told not to run it and its
/// `set_result` is refused as cancelled. A waiter sees the winner's outcome either way.
#[test]
fn standalone_future_set_running_races_cancel() {
    model(|| {
        let future = ModelFuture::new();
        let owner = {
            let future = future.clone();
            thread::spawn(move || {
                let run = future.set_running_or_notify_cancel().unwrap();
                let set = future.set_result(3).map_err(|rejected| rejected.error);
                assert_eq!(
                    set,
                    if run {
                        Ok(())
                    } else {
                        Err(Error::InvalidStateCancelled)
                    }
                );
                run
            })
        };
        let cancelled = future.cancel();
        let ran = owner.join().unwrap();
        assert_ne!(ran, cancelled);
        let expected = if cancelled {
            weft::Outcome::Cancelled
        } else {
            weft::Outcome::Returned(3)
        };
        assert_eq!(future.outcome(FOREVER), Some(expected));
    });
}

/// `set_result` and `cancel` racing on a pending standalone future while a thread waits on it:
/// exactly one completes it, the loser is told who won (`cancel` false, or `set_result` refused
/// as cancelled), the waiter wakes with the winner's outcome, and a later `set_exception` is
/// refused with the status naming it (finished, or cancelled).
#[test]
fn standalone_future_set_result_races_cancel_and_wakes_a_waiter() {
    model(|| {
        let future = ModelFuture::new();
        let setter = {
            let future = future.clone();
            thread::spawn(move || future.set_result(1).map_err(|r| r.error))
        };
        let canceller = {
            let future = future.clone();
            thread::spawn(move || future.cancel())
        };
        let waited = future.outcome(FOREVER);
        let (set, cancelled) = (setter.join().unwrap(), canceller.join().unwrap());
        let late = future.set_exception(()).map_err(|r| r.error);
        if cancelled {
            assert_eq!(waited, Some(weft::Outcome::Cancelled));
            assert_eq!(set, Err(Error::InvalidStateCancelled));
            assert_eq!(late, Err(Error::InvalidStateCancelled));
        } else {
            assert_eq!(waited, Some(weft::Outcome::Returned(1)));
            assert_eq!(set, Ok(()));
            assert_eq!(late, Err(Error::InvalidStateFinished));
        }
    });
}

/// A writer and a reader exclude each other, and a reader that finds the writer in parks and is
/// handed the lock by its release (no lost wake-up, the write visible).
#[test]
fn rwlock_writer_and_reader() {
    model(|| {
        let c = Arc::new((RwLock::new(), UnsafeCell::new(0)));
        let reader = reader(&c);
        let (lock, cell) = &*c;
        assert_eq!(lock.acquire_write(FOREVER), Ok(true));
        write(cell, 1);
        lock.release_write().unwrap();
        assert!(reader.join().unwrap() <= 1);
    });
}

/// Starts a model thread that takes a read hold, reads the cell and returns what it saw.
fn reader(c: &Arc<(RwLock, UnsafeCell<usize>)>) -> thread::JoinHandle<usize> {
    let c = c.clone();
    thread::spawn(move || {
        let (lock, cell) = &*c;
        assert_eq!(lock.acquire_read(FOREVER), Ok(true));
        let seen = read(cell);
        lock.release_read().unwrap();
        seen
    })
}

/// Starts a model thread that takes the write lock and adds one to the cell.
fn incrementing_writer(c: &Arc<(RwLock, UnsafeCell<usize>)>) -> thread::JoinHandle<()> {
    let c = c.clone();
    thread::spawn(move || {
        let (lock, cell) = &*c;
        assert_eq!(lock.acquire_write(FOREVER), Ok(true));
        write(cell, read(cell) + 1);
        lock.release_write().unwrap();
    })
}

/// Two writers and a reader: every hold ends, whichever hand-offs happen.
#[test]
fn rwlock_two_writers_and_a_reader() {
    model(|| {
        let c = Arc::new((RwLock::new(), UnsafeCell::new(0)));
        let writer = incrementing_writer(&c);
        let reader = reader(&c);
        let (lock, cell) = &*c;
        assert_eq!(lock.acquire_write(FOREVER), Ok(true));
        write(cell, read(cell) + 1);
        lock.release_write().unwrap();
        writer.join().unwrap();
        assert!(reader.join().unwrap() <= 2);
        assert_eq!(lock.acquire_write(FOREVER), Ok(true));
        assert_eq!(read(cell), 2);
        lock.release_write().unwrap();
    });
}

/// A reader whose hold is counted in the lock's slot, one whose hold is counted in its thread's
/// list, and a writer: whichever reader is the last out hands the lock to the parked writer,
/// and the listed reader gets in before or after the writer, never with it.
#[test]
fn rwlock_slot_and_listed_readers_and_a_writer() {
    model(|| {
        let c = Arc::new((RwLock::new(), UnsafeCell::new(0)));
        let (lock, cell) = &*c;
        assert_eq!(lock.acquire_read(FOREVER), Ok(true), "the slot");
        let writer = incrementing_writer(&c);
        let reader = reader(&c);
        assert_eq!(read(cell), 0);
        lock.release_read().unwrap();
        assert!(reader.join().unwrap() <= 1);
        writer.join().unwrap();
        assert_eq!(lock.readers(), 0);
    });
}

/// A writer that times out while a reader holds the lock and another waits behind it: the
/// waiting reader still gets in.
#[test]
fn rwlock_writer_timeout_lets_readers_in() {
    model(|| {
        let lock = Arc::new(RwLock::new());
        assert_eq!(lock.acquire_read(FOREVER), Ok(true));
        let writer = {
            let lock = lock.clone();
            thread::spawn(move || {
                if lock.acquire_write(Timeout::After(Duration::from_secs(1))) == Ok(true) {
                    lock.release_write().unwrap();
                }
            })
        };
        let reader = {
            let lock = lock.clone();
            thread::spawn(move || {
                assert_eq!(lock.acquire_read(FOREVER), Ok(true));
                lock.release_read().unwrap();
            })
        };
        reader.join().unwrap();
        lock.release_read().unwrap();
        writer.join().unwrap();
    });
}

/// Two threads call a once: one initializer runs, and both see its write.
#[test]
fn once_runs_once() {
    model(|| {
        let c = Arc::new((Once::new(), UnsafeCell::new(0)));
        let other = {
            let c = c.clone();
            thread::spawn(move || {
                let (once, cell) = &*c;
                once.call(|| {
                    write(cell, read(cell) + 1);
                    Ok::<(), ()>(())
                })
                .unwrap();
                read(cell)
            })
        };
        let (once, cell) = &*c;
        once.call(|| {
            write(cell, read(cell) + 1);
            Ok::<(), ()>(())
        })
        .unwrap();
        assert_eq!(read(cell), 1);
        assert_eq!(other.join().unwrap(), 1);
    });
}

// --- Cancellation tokens ------------------------------------------------------------------------
//
// The waiter installs a token; the other thread sets it while also doing what ends the wait the
// ordinary way. Whichever comes first, the wait ends (no interleaving leaves it parked), and
// what it leaves is consistent.

/// Runs `wait` in a thread that installed a token, while the main thread runs `release` and
/// sets the token; returns what `wait` gave and whether the waiter saw its token set.
fn interrupted_while<R: Send + 'static>(
    wait: impl FnOnce() -> R + Send + 'static,
    release: impl FnOnce(),
) -> (R, bool) {
    let token = StdArc::new(CancelToken::new());
    let waiter = {
        let token = token.clone();
        thread::spawn(move || {
            cancel::install(Some(token));
            let result = wait();
            (result, cancel::cancelled())
        })
    };
    release();
    token.set();
    waiter.join().unwrap()
}

/// A lock acquire the token ends, while the holder also releases the lock (`release`) or keeps
/// it (then only the token ends the wait, whenever it comes: before the waiter looks, between its
/// look and its sleep, once it sleeps). `fair`: every release that wakes the waiter hands it
/// the lock.
fn lock_acquire_cancelled(release: bool, fair: bool) {
    model(move || {
        weft::loom_set_fair(fair);
        let lock = Arc::new(Lock::new());
        assert!(lock.acquire(FOREVER));
        let waiter = lock.clone();
        let (acquired, cancelled) = interrupted_while(
            move || {
                let acquired = waiter.acquire(FOREVER);
                if acquired {
                    waiter.release().unwrap();
                }
                acquired
            },
            || {
                if release {
                    lock.release().unwrap();
                }
            },
        );
        assert!(acquired || cancelled);
        if !release {
            assert!(!acquired);
            lock.release().unwrap();
        }
        // Free, and nobody left parked on it.
        assert!(lock.acquire(NOW));
        lock.release().unwrap();
    });
}

#[test]
fn cancel_ends_a_lock_acquire() {
    lock_acquire_cancelled(true, false);
}

#[test]
fn cancel_alone_ends_a_lock_acquire() {
    lock_acquire_cancelled(false, false);
}

/// A condition wait the token ends, while another thread also notifies (`notify`) or not: the
/// waiter holds the lock again either way.
fn condition_wait_cancelled(notify: bool) {
    model(move || {
        let c = Arc::new(Condition::new());
        let waiter = c.clone();
        let ((notified, released), cancelled) = interrupted_while(
            move || {
                waiter.acquire(FOREVER).unwrap();
                let notified = waiter.wait(FOREVER);
                (notified, waiter.release())
            },
            || {
                if notify {
                    c.acquire(FOREVER).unwrap();
                    c.notify(1).unwrap();
                    c.release().unwrap();
                }
            },
        );
        assert_eq!(released, Ok(()), "the lock is held again");
        // Not notified (the notify came first, or the token won): only the token ended it.
        assert!(notified == Ok(true) || cancelled, "{notified:?}");
        assert!(notify || notified == Ok(false));
    });
}

#[test]
fn cancel_ends_a_condition_wait_with_the_lock_held() {
    condition_wait_cancelled(true);
}

#[test]
fn cancel_alone_ends_a_condition_wait() {
    condition_wait_cancelled(false);
}

#[test]
fn cancel_ends_an_event_wait() {
    model(|| {
        let event = Arc::new(Event::new());
        let waiter = event.clone();
        let (set, cancelled) = interrupted_while(move || waiter.wait(FOREVER), || event.set());
        assert!(set || cancelled);
    });
}

#[test]
fn cancel_breaks_a_barrier_and_the_other_party_sees_it() {
    model(|| {
        let barrier = Arc::new(Barrier::new(2, None, FOREVER).unwrap());
        let waiter = barrier.clone();
        let (waited, cancelled) = interrupted_while(
            move || waiter.wait(None),
            || {
                // Either both pass, or the token broke the barrier for both.
                match barrier.wait(None) {
                    Ok(_) => {}
                    Err(error) => assert_eq!(error, Error::BrokenBarrier),
                }
            },
        );
        assert!(waited.is_ok() || (cancelled && waited == Err(Error::BrokenBarrier)));
    });
}

#[test]
fn cancel_ends_a_queue_get_without_losing_the_item() {
    model(|| {
        let queue = Arc::new(Queue::<u32>::new(QueueKind::Fifo, 0).unwrap());
        let waiter = queue.clone();
        let (got, cancelled) = interrupted_while(
            move || waiter.get(FOREVER),
            || queue.put(7, FOREVER).unwrap(),
        );
        match got {
            Ok(item) => assert_eq!(item, 7),
            Err(error) => {
                assert!(cancelled);
                assert_eq!(error, Error::QueueEmpty);
                assert_eq!(queue.get(NOW), Ok(7), "the item stayed");
            }
        }
    });
}

// Eventual fairness: with the model table's fairness switched on, every release that wakes a
// waiter hands it the lock (`park::word::HANDOFF`) instead of freeing it.

/// A handed-off lock is owned by exactly the woken waiter: a thread that tries to barge in
/// meanwhile fails (or gets it after the waiter released it), and loom reports any two
/// holders at once through `Guarded`.
#[test]
fn fair_release_hands_the_lock_to_the_woken_waiter() {
    model(|| {
        weft::loom_set_fair(true);
        let lock = Arc::new(Lock::new());
        let data = Arc::new(Guarded::default());
        assert!(lock.acquire(FOREVER));
        let waiter = {
            let (lock, data) = (lock.clone(), data.clone());
            thread::spawn(move || {
                assert!(lock.acquire(FOREVER));
                data.bump();
                lock.release().unwrap();
            })
        };
        let barger = {
            let (lock, data) = (lock.clone(), data.clone());
            thread::spawn(move || {
                if lock.acquire(NOW) {
                    data.bump();
                    lock.release().unwrap();
                    1
                } else {
                    0
                }
            })
        };
        data.bump();
        lock.release().unwrap();
        waiter.join().unwrap();
        let barged = barger.join().unwrap();
        assert_eq!(data.get(), 2 + barged);
        assert!(!lock.locked());
        assert!(lock.acquire(NOW), "nobody is left parked on a held lock");
    });
}

/// Each fair release hands the lock on to the next of two waiters; none is left parked.
#[test]
fn fair_releases_hand_the_lock_down_a_queue() {
    model(|| {
        weft::loom_set_fair(true);
        let lock = Arc::new(Lock::new());
        let data = Arc::new(Guarded::default());
        assert!(lock.acquire(FOREVER));
        let waiters: Vec<_> = (0..2)
            .map(|_| {
                let (lock, data) = (lock.clone(), data.clone());
                thread::spawn(move || {
                    assert!(lock.acquire(FOREVER));
                    data.bump();
                    lock.release().unwrap();
                })
            })
            .collect();
        lock.release().unwrap();
        waiters.into_iter().for_each(|t| t.join().unwrap());
        assert_eq!(data.get(), 2);
        assert!(!lock.locked());
    });
}

/// A timed acquire whose timeout races with a fair release: the waiter either was handed the
/// lock (and says so) or timed out before it was picked (and the lock went to the other waiter
/// or stayed free). The lock is never left held by nobody.
#[test]
fn fair_release_racing_a_timeout_never_loses_the_lock() {
    timed_acquire_racing_a_release(true);
}

/// A cancellation token set just after a fair release: the interrupted waiter owns the lock it
/// was handed (`acquire` is true) or the lock is free.
#[test]
fn fair_release_racing_a_cancellation_never_loses_the_lock() {
    lock_acquire_cancelled(true, true);
}

/// A notified condition waiter, moved onto the lock's queue, is handed the lock by the
/// notifier's fair release and holds it without taking it again (taking it again would
/// deadlock, which loom reports).
#[test]
fn fair_release_hands_the_lock_to_a_condition_waiter() {
    model(|| {
        weft::loom_set_fair(true);
        condition_handoff(StdArc::new(Lock::new()));
    });
}

#[test]
fn fair_release_hands_an_rlock_to_a_condition_waiter() {
    model(|| {
        weft::loom_set_fair(true);
        condition_handoff(StdArc::new(RLock::new()));
    });
}

/// An RLock handed over by a fair release is owned by the woken thread, which can recurse and
/// release it.
#[test]
fn fair_release_hands_an_rlock_to_its_waiter() {
    model(|| {
        weft::loom_set_fair(true);
        let lock = Arc::new(RLock::new());
        let data = Arc::new(Guarded::default());
        assert!(lock.acquire(FOREVER).unwrap());
        let other = {
            let (lock, data) = (lock.clone(), data.clone());
            thread::spawn(move || {
                assert!(lock.acquire(FOREVER).unwrap());
                assert!(lock.is_owned());
                assert!(lock.acquire(NOW).unwrap(), "the owner re-acquires at once");
                data.bump();
                lock.release().unwrap();
                lock.release().unwrap();
            })
        };
        data.bump();
        lock.release().unwrap();
        other.join().unwrap();
        assert_eq!(data.get(), 2);
        assert!(!lock.locked());
    });
}
