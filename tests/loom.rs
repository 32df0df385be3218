//! loom models of Condition, Event, Semaphore and Barrier, over the model parking lot of
//! `src/loom.rs`. Run with:
//!
//!     RUSTFLAGS="--cfg loom" cargo test --release --test loom
//!
//! Shared data lives in `loom::cell::UnsafeCell`, so loom also reports any access the primitive
//! fails to order (a lock that does not exclude, a wakeup without happens-before).
#![cfg(loom)]

use std::sync::Arc as StdArc;

use loom::cell::UnsafeCell;
use loom::sync::Arc;
use loom::sync::atomic::{AtomicUsize, Ordering};
use loom::thread;

use weft::sync::ConditionLock;
use weft::{Barrier, Condition, Error, Event, Lock, RLock, Semaphore, Timeout};

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
        b.abort();
        assert_eq!(waiter.join().unwrap(), Err(Error::BrokenBarrier));
        assert!(b.broken());
    });
}
