//! Cancellation tokens (`weft::cancel`): a token set by another thread ends every blocking wait
//! of the threads that installed it, once they have parked; nothing else changes.
//!
//! Each case starts a thread that installs a token and blocks (with a long timeout, so that a
//! wait the token fails to end shows as a slow, failing test, not a hung one), waits until that
//! thread sleeps in the kernel, sets the token, and checks what the wait returned, and how soon.

mod common;

use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use weft::cancel::{self, CancelToken};
use weft::{
    Barrier, Condition, Error, Event, Lock, Outcome, Pool, Queue, QueueKind, RLock, ReturnWhen,
    Semaphore, Thread, Timeout,
};

/// Long enough that only the token ends the waits below in time.
const LONG: Timeout = Timeout::After(Duration::from_secs(30));
/// What "at once" means on a loaded machine.
const SOON: Duration = Duration::from_secs(10);

/// What a wait the token ended gave back, and whether the thread then saw its token set.
struct Ended<R> {
    result: R,
    cancelled: bool,
    took: Duration,
}

/// Runs `wait` in a new thread that installed `token`, and returns once that thread sleeps.
fn parked_with<R: Send + 'static>(
    token: &Arc<CancelToken>,
    wait: impl FnOnce() -> R + Send + 'static,
) -> JoinHandle<Ended<R>> {
    let (tx, rx) = std::sync::mpsc::channel();
    let token = Arc::clone(token);
    let handle = std::thread::spawn(move || {
        cancel::install(Some(token));
        tx.send(weft::thread::get_native_id()).unwrap();
        let start = Instant::now();
        let result = wait();
        Ended {
            result,
            cancelled: cancel::cancelled(),
            took: start.elapsed(),
        }
    });
    common::wait_until_asleep(rx.recv().unwrap());
    handle
}

/// Parks a thread in `wait` with a token, sets the token, and returns what the wait gave.
fn interrupt<R: Send + 'static>(wait: impl FnOnce() -> R + Send + 'static) -> R {
    let token = Arc::new(CancelToken::new());
    let waiter = parked_with(&token, wait);
    token.set();
    let ended = waiter.join().unwrap();
    assert!(ended.cancelled, "the waiter sees its token set");
    assert!(ended.took < SOON, "ended by the token, not the timeout");
    ended.result
}

#[test]
fn a_lock_acquire_ends() {
    let lock = Arc::new(Lock::new());
    assert!(lock.acquire(Timeout::Forever));
    let held = Arc::clone(&lock);
    assert!(!interrupt(move || held.acquire(LONG)));
    assert!(lock.locked(), "still the holder's");
    lock.release().unwrap();
    assert!(
        lock.acquire(Timeout::After(Duration::ZERO)),
        "nobody else holds it"
    );
}

#[test]
fn an_rlock_acquire_ends() {
    let rlock = Arc::new(RLock::new());
    assert!(rlock.acquire(Timeout::Forever).unwrap());
    let held = Arc::clone(&rlock);
    assert_eq!(interrupt(move || held.acquire(LONG)), Ok(false));
    rlock.release().unwrap();
}

#[test]
fn a_semaphore_acquire_ends() {
    let semaphore = Arc::new(Semaphore::new(0).unwrap());
    let empty = Arc::clone(&semaphore);
    assert!(!interrupt(move || empty.acquire(LONG)));
    assert_eq!(semaphore.value(), 0);
}

#[test]
fn an_event_wait_ends() {
    let event = Arc::new(Event::new());
    let unset = Arc::clone(&event);
    assert!(!interrupt(move || unset.wait(LONG)));
}

#[test]
fn a_condition_wait_ends_with_the_lock_held_again() {
    let condition = Arc::new(Condition::new());
    let mine = Arc::clone(&condition);
    let result = interrupt(move || {
        assert!(mine.acquire(Timeout::Forever).unwrap());
        let notified = mine.wait(LONG);
        // Held again: releasing it succeeds.
        (notified, mine.release())
    });
    assert_eq!(result, (Ok(false), Ok(())));
}

/// The lock is held by someone else when the token ends the wait: the waiter takes it back
/// (as long as that takes: the token does not end that part), then returns.
#[test]
fn an_interrupted_condition_wait_waits_for_its_lock() {
    let condition = Arc::new(Condition::new());
    let token = Arc::new(CancelToken::new());
    let mine = Arc::clone(&condition);
    let waiter = parked_with(&token, move || {
        assert!(mine.acquire(Timeout::Forever).unwrap());
        let notified = mine.wait(LONG);
        (notified, mine.release())
    });
    assert!(condition.acquire(Timeout::Forever).unwrap());
    token.set();
    // The waiter leaves the condition's queue and waits for the lock, which the token does
    // not end. The pause only gives a wrong implementation (one that gave up on the lock too)
    // time to show; the outcome checked below does not depend on it.
    std::thread::sleep(Duration::from_millis(50));
    assert!(!waiter.is_finished());
    condition.release().unwrap();
    let ended = waiter.join().unwrap();
    assert_eq!(ended.result, (Ok(false), Ok(())));
}

#[test]
fn a_barrier_wait_ends_and_breaks_the_barrier() {
    let barrier = Arc::new(Barrier::new(2, None, LONG).unwrap());
    let mine = Arc::clone(&barrier);
    assert_eq!(
        interrupt(move || mine.wait(None)),
        Err(Error::BrokenBarrier)
    );
    assert!(
        barrier.broken(),
        "as CPython's Barrier does on an exception"
    );
}

#[test]
fn queue_waits_end() {
    let queue = Arc::new(Queue::<u32>::new(QueueKind::Fifo, 1).unwrap());
    let empty = Arc::clone(&queue);
    assert_eq!(interrupt(move || empty.get(LONG)), Err(Error::QueueEmpty));
    queue.put(1, Timeout::Forever).unwrap();
    let full = Arc::clone(&queue);
    let refused = interrupt(move || full.put(2, LONG).map_err(|r| (r.error, r.value)));
    assert_eq!(refused, Err((Error::QueueFull, 2)));
    let unfinished = Arc::clone(&queue);
    assert_eq!(interrupt(move || unfinished.join(LONG)), Ok(false));
    assert_eq!(queue.get(Timeout::Forever), Ok(1), "the item stayed");
}

#[test]
fn future_waits_and_thread_joins_end() {
    let pool = Pool::new(1, "", None);
    let gate = Arc::new(Event::new());
    let open = Arc::clone(&gate);
    let future = Arc::new(
        pool.submit(move || {
            open.wait(Timeout::Forever);
            Ok::<_, ()>(7)
        })
        .map_err(|r| r.error)
        .unwrap(),
    );
    let f = Arc::clone(&future);
    assert!(interrupt(move || f.outcome(LONG).is_none()));
    let f = Arc::clone(&future);
    assert!(!interrupt(move || weft::future::wait(
        &[&*f],
        LONG,
        ReturnWhen::AllCompleted
    )
    .satisfied));
    let f = Arc::clone(&future);
    assert_eq!(
        interrupt(move || weft::future::AsCompleted::new(&[&*f]).next(LONG)),
        Ok(None)
    );
    let closed = Arc::clone(&gate);
    let thread = Arc::new(Thread::new(move || {
        closed.wait(Timeout::Forever);
    }));
    thread.start().unwrap();
    let t = Arc::clone(&thread);
    assert_eq!(interrupt(move || t.join(LONG)), Ok(false));
    let pool = Arc::new(pool);
    let p = Arc::clone(&pool);
    assert_eq!(
        interrupt(move || p.shutdown(true, false)),
        Err(Error::Interrupted)
    );
    // Nothing was lost: the gate opens, everything completes.
    assert!(thread.is_alive() && !future.done());
    gate.set();
    assert_eq!(thread.join(LONG), Ok(true));
    assert!(matches!(future.outcome(LONG), Some(Outcome::Returned(7))));
    pool.shutdown(true, false).unwrap();
}

#[test]
fn a_set_token_ends_only_the_waits_that_would_block() {
    let token = Arc::new(CancelToken::new());
    token.set();
    cancel::install(Some(Arc::clone(&token)));
    let lock = Lock::new();
    assert!(lock.acquire(Timeout::Forever), "free: taken at once");
    let start = Instant::now();
    assert!(!lock.acquire(LONG), "held: would block, so ends at once");
    assert!(start.elapsed() < SOON);
    let queue = Queue::<u32>::new(QueueKind::Fifo, 0).unwrap();
    queue.put(5, Timeout::Forever).unwrap();
    assert_eq!(queue.get(Timeout::Forever), Ok(5), "an item: given at once");
    assert_eq!(queue.get(LONG), Err(Error::QueueEmpty));
    assert!(cancel::cancelled());
    // Sticky until reset; then waits block again (here until their timeout).
    token.reset();
    assert!(!cancel::cancelled());
    let start = Instant::now();
    assert!(!lock.acquire(Timeout::After(Duration::from_millis(20))));
    assert!(start.elapsed() >= Duration::from_millis(20));
    assert!(cancel::install(None).is_some_and(|t| Arc::ptr_eq(&t, &token)));
    assert!(cancel::installed().is_none());
    lock.release().unwrap();
}

#[test]
fn one_token_ends_the_waits_of_every_thread_that_installed_it() {
    let token = Arc::new(CancelToken::new());
    let event = Arc::new(Event::new());
    let waiters: Vec<_> = (0..3)
        .map(|_| {
            let event = Arc::clone(&event);
            parked_with(&token, move || event.wait(LONG))
        })
        .collect();
    token.set();
    for waiter in waiters {
        let ended = waiter.join().unwrap();
        assert!(!ended.result && ended.cancelled);
    }
}

/// A thread parked with a token sleeps on the token's word: an ordinary wake-up must still
/// reach it, and reach the right one of several threads sharing the token.
#[test]
fn ordinary_wake_ups_reach_threads_parked_with_a_token() {
    let token = Arc::new(CancelToken::new());
    let lock = Arc::new(Lock::new());
    let event = Arc::new(Event::new());
    assert!(lock.acquire(Timeout::Forever));
    let on_lock = {
        let lock = Arc::clone(&lock);
        parked_with(&token, move || lock.acquire(LONG))
    };
    let on_event = {
        let event = Arc::clone(&event);
        parked_with(&token, move || event.wait(LONG))
    };
    lock.release().unwrap();
    let ended = on_lock.join().unwrap();
    assert!(ended.result && !ended.cancelled);
    assert!(
        !on_event.is_finished(),
        "woken for nothing, it sleeps again"
    );
    event.set();
    assert!(on_event.join().unwrap().result);
}

/// Many hand-offs between threads that all installed one token (never set): every wake-up goes
/// through the token's word, and none is lost.
#[test]
fn contended_locks_with_a_token_installed_lose_no_wake_up() {
    const ROUNDS: usize = if cfg!(miri) { 20 } else { 20_000 };
    let token = Arc::new(CancelToken::new());
    let lock = Arc::new(Lock::new());
    let count = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let threads: Vec<_> = (0..4)
        .map(|_| {
            let (token, lock, count) = (Arc::clone(&token), Arc::clone(&lock), Arc::clone(&count));
            std::thread::spawn(move || {
                cancel::install(Some(token));
                for _ in 0..ROUNDS {
                    assert!(lock.acquire(LONG));
                    count.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    lock.release().unwrap();
                }
            })
        })
        .collect();
    for t in threads {
        t.join().unwrap();
    }
    assert_eq!(count.load(std::sync::atomic::Ordering::Relaxed), 4 * ROUNDS);
}

/// weft's own waits are not ended by a token: a pool's worker whose task left a set token
/// installed still takes the next task.
#[test]
fn a_workers_idle_wait_ignores_a_token_its_task_left() {
    let pool = Pool::new(1, "", None);
    let first = pool
        .submit(|| {
            let token = Arc::new(CancelToken::new());
            token.set();
            cancel::install(Some(token));
            Ok::<_, ()>(1)
        })
        .map_err(|r| r.error)
        .unwrap();
    assert!(matches!(
        first.outcome(Timeout::Forever),
        Some(Outcome::Returned(1))
    ));
    // The worker now idles with a set token; the next task must still reach it.
    let second = pool.submit(|| Ok::<_, ()>(2)).map_err(|r| r.error).unwrap();
    assert!(matches!(second.outcome(LONG), Some(Outcome::Returned(2))));
    pool.shutdown(true, false).unwrap();
}

/// `Future::interrupt` reaches a task a worker is running: its wait ends, it sees
/// `cancelled()`, and the future ends with what it returns (not cancelled).
#[test]
fn interrupting_a_running_task_ends_its_wait_and_keeps_its_result() {
    let pool = Pool::new(1, "", None);
    let event = Arc::new(Event::new());
    let (tx, rx) = std::sync::mpsc::channel();
    let waits = Arc::clone(&event);
    let future = pool
        .submit(move || {
            tx.send(weft::thread::get_native_id()).unwrap();
            let start = Instant::now();
            let set = waits.wait(LONG);
            Ok::<_, ()>((set, cancel::cancelled(), start.elapsed()))
        })
        .map_err(|r| r.error)
        .unwrap();
    common::wait_until_asleep(rx.recv().unwrap());
    assert!(future.running());
    assert!(future.interrupt(), "a running task is interrupted");
    let Some(Outcome::Returned((set, cancelled, took))) = future.outcome(LONG) else {
        panic!("the task's own result");
    };
    assert!(!set && cancelled && took < SOON);
    assert!(!future.cancelled());
    assert!(!future.interrupt(), "a done task is not");
    pool.shutdown(true, false).unwrap();
}

/// An interrupt reaches only the task running: not a pending one, not the worker's next task,
/// not a future no worker runs.
#[test]
fn an_interrupt_ends_with_its_task() {
    let pool = Pool::new(1, "", None);
    let (started_tx, started) = std::sync::mpsc::channel();
    let (open, gate) = std::sync::mpsc::channel::<()>();
    let first = pool
        .submit(move || {
            started_tx.send(()).unwrap();
            gate.recv().unwrap();
            Ok::<_, ()>(cancel::cancelled())
        })
        .map_err(|r| r.error)
        .unwrap();
    let second = pool
        .submit(|| Ok::<_, ()>(cancel::cancelled()))
        .map_err(|r| r.error)
        .unwrap();
    started.recv().unwrap();
    assert!(!second.interrupt(), "a pending task is not interrupted");
    assert!(first.interrupt());
    assert!(first.interrupt(), "true again while it runs");
    open.send(()).unwrap();
    assert!(matches!(first.outcome(LONG), Some(Outcome::Returned(true))));
    assert!(matches!(
        second.outcome(LONG),
        Some(Outcome::Returned(false))
    ));
    let standalone = weft::Future::<(), ()>::new();
    assert!(standalone.set_running_or_notify_cancel().unwrap());
    assert!(
        !standalone.interrupt(),
        "no worker runs a standalone future"
    );
    pool.shutdown(true, false).unwrap();
}
