//! Core behaviour of `Lock` and `RLock`: every outcome and error, and exclusion under contention.

mod common;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use weft::{Error, Lock, RLock, Timeout};

const NOW: Timeout = Timeout::After(Duration::ZERO);
/// Rounds of the contention tests: fewer under Miri, which interprets every instruction.
const ROUNDS: usize = if cfg!(miri) { 20 } else { 2000 };

#[test]
fn lock_acquire_release() {
    let lock = Lock::new();
    assert!(!lock.locked());
    assert!(lock.acquire(Timeout::Forever));
    assert!(lock.locked());
    assert!(!lock.acquire(NOW), "not reentrant");
    assert!(!lock.try_acquire());
    lock.release().unwrap();
    assert!(!lock.locked());
    assert_eq!(lock.release(), Err(Error::ReleaseUnlocked));
    assert_eq!(Error::ReleaseUnlocked.to_string(), "release unlocked lock");
}

#[test]
fn lock_timeout_expires_not_early() {
    let lock = Lock::new();
    assert!(lock.acquire(Timeout::Forever));
    let start = Instant::now();
    assert!(!lock.acquire(Timeout::After(Duration::from_millis(30))));
    assert!(start.elapsed() >= Duration::from_millis(30));
    lock.release().unwrap();
}

#[test]
fn lock_released_by_another_thread_wakes_a_waiter() {
    // Python allows releasing a Lock from any thread; a waiter parked on it must wake.
    let lock = Arc::new(Lock::new());
    assert!(lock.acquire(Timeout::Forever));
    let waiter = {
        let lock = lock.clone();
        std::thread::spawn(move || lock.acquire(Timeout::Forever))
    };
    let releaser = {
        let lock = lock.clone();
        std::thread::spawn(move || lock.release())
    };
    releaser.join().unwrap().unwrap();
    assert!(waiter.join().unwrap());
    assert!(lock.locked());
}

#[test]
fn racing_releases_succeed_exactly_once() {
    for _ in 0..ROUNDS / 10 {
        let lock = Arc::new(Lock::new());
        assert!(lock.acquire(Timeout::Forever));
        let ok = Arc::new(AtomicUsize::new(0));
        let threads: Vec<_> = (0..2)
            .map(|_| {
                let (lock, ok) = (lock.clone(), ok.clone());
                std::thread::spawn(move || {
                    if lock.release().is_ok() {
                        ok.fetch_add(1, Ordering::SeqCst);
                    }
                })
            })
            .collect();
        threads.into_iter().for_each(|t| t.join().unwrap());
        assert_eq!(ok.load(Ordering::SeqCst), 1);
        assert!(!lock.locked());
    }
}

/// Many threads take the lock in turn; each holder checks it is alone.
fn exclusion<L: Send + Sync + 'static>(lock: L, acquire: fn(&L), release: fn(&L)) {
    let lock = Arc::new(lock);
    let inside = Arc::new(AtomicUsize::new(0));
    let total = Arc::new(AtomicUsize::new(0));
    let threads: Vec<_> = (0..8)
        .map(|_| {
            let (lock, inside, total) = (lock.clone(), inside.clone(), total.clone());
            std::thread::spawn(move || {
                for _ in 0..ROUNDS {
                    acquire(&lock);
                    assert_eq!(inside.fetch_add(1, Ordering::SeqCst), 0, "two holders");
                    total.fetch_add(1, Ordering::Relaxed);
                    inside.fetch_sub(1, Ordering::SeqCst);
                    release(&lock);
                }
            })
        })
        .collect();
    threads.into_iter().for_each(|t| t.join().unwrap());
    assert_eq!(total.load(Ordering::SeqCst), 8 * ROUNDS);
}

#[test]
fn lock_excludes() {
    exclusion(
        Lock::new(),
        |l| assert!(l.acquire(Timeout::Forever)),
        |l| l.release().unwrap(),
    );
}

#[test]
fn rlock_excludes() {
    exclusion(
        RLock::new(),
        |l| {
            assert!(l.acquire(Timeout::Forever).unwrap());
            assert!(l.acquire(Timeout::Forever).unwrap());
        },
        |l| {
            l.release().unwrap();
            l.release().unwrap();
        },
    );
}

#[test]
fn rlock_recursion_and_ownership() {
    let rlock = Arc::new(RLock::new());
    assert_eq!(rlock.release(), Err(Error::NotOwner));
    assert_eq!(
        Error::NotOwner.to_string(),
        "cannot release un-acquired lock"
    );
    assert!(rlock.acquire(Timeout::Forever).unwrap());
    assert!(rlock.acquire(NOW).unwrap());
    assert_eq!(rlock.recursion_count(), 2);
    assert!(rlock.is_owned() && rlock.locked());

    let other = {
        let rlock = rlock.clone();
        std::thread::spawn(move || {
            (
                rlock.is_owned(),
                rlock.recursion_count(),
                rlock.release(),
                rlock.acquire(NOW),
            )
        })
    };
    assert_eq!(
        other.join().unwrap(),
        (false, 0, Err(Error::NotOwner), Ok(false))
    );

    rlock.release().unwrap();
    assert!(rlock.locked(), "one level still held");
    rlock.release().unwrap();
    assert!(!rlock.locked());
    assert_eq!(rlock.release(), Err(Error::NotOwner));
}

/// Any thread reads the owner's ident; a free lock has none.
#[test]
fn rlock_owner_is_the_owning_threads_ident() {
    let rlock = Arc::new(RLock::new());
    assert_eq!(rlock.owner(), None);
    assert!(rlock.acquire(Timeout::Forever).unwrap());
    let me = weft::thread::get_ident();
    assert_eq!(rlock.owner(), Some(me));
    let seen = {
        let rlock = rlock.clone();
        std::thread::spawn(move || rlock.owner()).join().unwrap()
    };
    assert_eq!(seen, Some(me), "another thread sees the owner");
    rlock.release().unwrap();
    assert_eq!(rlock.owner(), None);
}

#[test]
fn rlock_release_save_and_restore() {
    let rlock = RLock::new();
    assert_eq!(rlock.release_save(), Err(Error::NotOwner));
    for _ in 0..3 {
        assert!(rlock.acquire(Timeout::Forever).unwrap());
    }
    let saved = rlock.release_save().unwrap();
    assert!(!rlock.locked());
    rlock.acquire_restore(saved);
    assert_eq!(rlock.recursion_count(), 3);
    for _ in 0..3 {
        rlock.release().unwrap();
    }
    assert!(!rlock.locked());
}

/// The owner is recognised by its `pthread_t`, which survives `fork()` (its kernel thread id
/// does not): in the child, the forking thread still owns what it held, and nothing another
/// thread of the parent held.
#[test]
#[cfg_attr(miri, ignore = "Miri cannot fork")]
fn rlock_ownership_survives_fork() {
    let mine = Arc::new(RLock::new());
    let theirs = Arc::new(RLock::new());
    assert!(mine.acquire(Timeout::Forever).unwrap());
    assert!(mine.acquire(Timeout::Forever).unwrap());
    let gate = Arc::new(Lock::new());
    assert!(gate.acquire(Timeout::Forever));
    let holder = {
        let (theirs, gate) = (theirs.clone(), gate.clone());
        let held = Arc::new(Lock::new());
        assert!(held.acquire(Timeout::Forever));
        let signal = held.clone();
        let t = std::thread::spawn(move || {
            assert!(theirs.acquire(Timeout::Forever).unwrap());
            signal.release().unwrap();
            assert!(gate.acquire(Timeout::Forever));
            theirs.release().unwrap();
        });
        assert!(
            held.acquire(Timeout::Forever),
            "the other thread holds `theirs`"
        );
        t
    };
    let failed = common::failed_in_forked_child(10, || {
        let m = mine.clone();
        vec![
            !theirs.is_owned(),
            theirs.release() == Err(Error::NotOwner),
            mine.is_owned(),
            mine.recursion_count() == 2,
            mine.release().is_ok() && mine.release().is_ok(),
            std::thread::spawn(move || m.acquire(NOW) == Ok(true))
                .join()
                .unwrap_or(false),
        ]
    });
    assert_eq!(failed, [], "checks that failed in the child");
    gate.release().unwrap();
    holder.join().unwrap();
    mine.release().unwrap();
    mine.release().unwrap();
    assert!(!mine.locked() && !theirs.locked());
}
