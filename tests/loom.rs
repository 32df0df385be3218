//! Model checks of the primitives with loom: every interleaving of a few threads (up to
//! `LOOM_MAX_PREEMPTIONS` preemptions each) is run, and a lost wakeup shows as a deadlock.
//!
//! `RUSTFLAGS="--cfg loom" LOOM_MAX_PREEMPTIONS=3 cargo test --release --test loom`, or
//! `make verify`. Parking is the model in `src/loom/model.rs`, where a timed wait may time out at
//! any point after it parked.
#![cfg(loom)]

use std::time::Duration;

use loom::cell::UnsafeCell;
use loom::sync::Arc;
use loom::sync::atomic::{AtomicUsize, Ordering};
use loom::thread;
use weft::{Error, Lock, RLock, Timeout};

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
    loom::model(|| {
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
    loom::model(|| {
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
    loom::model(|| {
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
    // A timed acquire racing with a release either wins the lock or times out; either way the
    // parked bit is cleaned up, so a later blocking acquire and release do not hang.
    loom::model(|| {
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
    loom::model(|| {
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
    loom::model(|| {
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
    loom::model(|| {
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
