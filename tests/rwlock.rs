//! `RwLock` and `Once`: every outcome and error, exclusion, the fairness policy (neither
//! writers nor readers starve), and a once's initializer run exactly once, again after a failure.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::thread;
use std::time::{Duration, Instant};

use weft::{Error, Once, RwLock, Timeout};

const NOW: Timeout = Timeout::After(Duration::ZERO);
const LONG: Timeout = Timeout::After(Duration::from_secs(20));

#[test]
fn readers_share_writers_exclude() {
    let lock = Arc::new(RwLock::new());
    assert_eq!(lock.acquire_read(NOW), Ok(true));
    assert_eq!(lock.acquire_read(NOW), Ok(true), "a reader reads again");
    assert_eq!(lock.reads(), 2);
    let other = Arc::clone(&lock);
    thread::spawn(move || {
        assert_eq!(other.acquire_read(NOW), Ok(true), "readers share");
        assert_eq!(other.acquire_write(NOW), Err(Error::Deadlock), "no upgrade");
        other.release_read().unwrap();
        assert_eq!(
            other.release_read(),
            Err(Error::NotOwner),
            "not this thread's hold"
        );
        assert_eq!(
            other.acquire_write(NOW),
            Ok(false),
            "readers exclude the writer"
        );
    })
    .join()
    .unwrap();
    assert_eq!(lock.readers(), 2);
    lock.release_read().unwrap();
    lock.release_read().unwrap();
    assert_eq!(lock.release_read(), Err(Error::NotOwner));
    assert_eq!(lock.acquire_write(NOW), Ok(true));
    assert!(lock.writes() && lock.write_locked());
    assert_eq!(lock.acquire_write(NOW), Err(Error::Deadlock));
    assert_eq!(lock.acquire_read(NOW), Err(Error::Deadlock));
    let other = Arc::clone(&lock);
    thread::spawn(move || {
        assert_eq!(other.acquire_read(NOW), Ok(false));
        assert_eq!(other.acquire_write(NOW), Ok(false));
        assert_eq!(other.release_write(), Err(Error::NotOwner));
    })
    .join()
    .unwrap();
    lock.release_write().unwrap();
    assert_eq!(lock.release_write(), Err(Error::NotOwner));
    assert!(!lock.write_locked());
    assert_eq!(
        Error::Deadlock.to_string(),
        "resource deadlock avoided: the calling thread already holds the lock"
    );
}

/// A thread's read holds may be counted in the lock's slot (the first reader's) and in its
/// thread's list at once: every count, re-entry and release stays exact, and the last hold out,
/// whichever way it is counted, hands the lock to a waiting writer.
#[test]
fn read_holds_in_the_slot_and_the_list_add_up() {
    let lock = Arc::new(RwLock::new());
    assert_eq!(lock.acquire_read(NOW), Ok(true), "takes the slot");
    let other = Arc::clone(&lock);
    let (listed, go) = (std::sync::mpsc::channel(), std::sync::mpsc::channel::<()>());
    let reader = thread::spawn(move || {
        let pause = || {
            listed.0.send(()).unwrap();
            go.1.recv().unwrap();
        };
        assert_eq!(other.acquire_read(NOW), Ok(true), "counted in its list");
        pause();
        let slot = other.acquire_read(NOW);
        assert_eq!(slot, Ok(true), "takes the slot, now free");
        assert_eq!((other.reads(), other.readers()), (2, 2));
        assert_eq!(other.acquire_write(NOW), Err(Error::Deadlock));
        pause();
        let again = other.acquire_read(NOW);
        assert_eq!(again, Ok(true), "again, with a writer waiting");
        assert_eq!(other.reads(), 3);
        for _ in 0..3 {
            other.release_read().unwrap();
        }
        assert_eq!(other.release_read(), Err(Error::NotOwner));
        assert_eq!(other.reads(), 0);
    });
    listed.1.recv().unwrap();
    assert_eq!(lock.reads(), 1);
    assert_eq!(lock.readers(), 2);
    lock.release_read().unwrap();
    assert_eq!(lock.release_read(), Err(Error::NotOwner));
    go.0.send(()).unwrap();
    listed.1.recv().unwrap();
    let writer = {
        let lock = Arc::clone(&lock);
        thread::spawn(move || {
            assert_eq!(lock.acquire_write(LONG), Ok(true));
            lock.release_write().unwrap();
        })
    };
    until_a_writer_waits(&lock);
    go.0.send(()).unwrap();
    reader.join().unwrap();
    writer.join().unwrap();
    assert_eq!(lock.readers(), 0);
    assert_eq!(lock.acquire_write(NOW), Ok(true));
    lock.release_write().unwrap();
}

/// Writers change two counters together; readers must never see them differ.
#[test]
fn writers_exclude_readers_under_contention() {
    let lock = Arc::new(RwLock::new());
    let pair = Arc::new((AtomicUsize::new(0), AtomicUsize::new(0)));
    let threads: Vec<_> = (0..4)
        .map(|i| {
            let (lock, pair) = (Arc::clone(&lock), Arc::clone(&pair));
            thread::spawn(move || {
                for _ in 0..2000 {
                    if i % 2 == 0 {
                        assert_eq!(lock.acquire_write(Timeout::Forever), Ok(true));
                        let a = pair.0.load(Ordering::Relaxed);
                        pair.0.store(a + 1, Ordering::Relaxed);
                        thread::yield_now();
                        pair.1.store(a + 1, Ordering::Relaxed);
                        lock.release_write().unwrap();
                    } else {
                        assert_eq!(lock.acquire_read(Timeout::Forever), Ok(true));
                        let a = pair.0.load(Ordering::Relaxed);
                        thread::yield_now();
                        assert_eq!(a, pair.1.load(Ordering::Relaxed));
                        lock.release_read().unwrap();
                    }
                }
            })
        })
        .collect();
    for t in threads {
        t.join().unwrap();
    }
    assert_eq!(pair.0.load(Ordering::Relaxed), 4000);
}

/// How long a test waits for what a correct lock does at once: long enough for a loaded machine,
/// short enough that a wrong lock fails the test instead of hanging the suite.
const BOUND: Duration = Duration::from_secs(5);

/// Waits until a thread other than the caller can no longer take a read hold: a writer waits.
/// Fails the test if that does not happen within `BOUND` (readers that ignore a waiting writer).
fn until_a_writer_waits(lock: &Arc<RwLock>) {
    let probe = Arc::clone(lock);
    let start = Instant::now();
    let refused = thread::spawn(move || {
        while probe.acquire_read(NOW) == Ok(true) {
            probe.release_read().unwrap();
            if start.elapsed() > BOUND {
                return false;
            }
            thread::yield_now();
        }
        true
    })
    .join()
    .unwrap();
    assert!(refused, "new readers still get in while a writer waits");
}

/// Readers overlapping so that some reader always holds the lock do not keep a writer out: once
/// it waits, new readers wait behind it. With readers first, it would wait for ever.
#[test]
fn readers_do_not_starve_a_writer() {
    let lock = Arc::new(RwLock::new());
    let stop = Arc::new(AtomicBool::new(false));
    assert_eq!(lock.acquire_read(NOW), Ok(true));
    let readers: Vec<_> = (0..2)
        .map(|_| {
            let (lock, stop) = (Arc::clone(&lock), Arc::clone(&stop));
            thread::spawn(move || {
                while !stop.load(Ordering::Relaxed) {
                    assert_eq!(lock.acquire_read(LONG), Ok(true));
                    thread::yield_now();
                    lock.release_read().unwrap();
                }
            })
        })
        .collect();
    let writer = {
        let lock = Arc::clone(&lock);
        thread::spawn(move || {
            let took = lock.acquire_write(LONG);
            lock.release_write().unwrap();
            took
        })
    };
    until_a_writer_waits(&lock);
    // A thread that reads may read again while the writer waits (it would deadlock otherwise).
    assert_eq!(lock.acquire_read(NOW), Ok(true));
    lock.release_read().unwrap();
    lock.release_read().unwrap();
    assert_eq!(writer.join().unwrap(), Ok(true));
    stop.store(true, Ordering::Relaxed);
    for r in readers {
        r.join().unwrap();
    }
}

/// Writers taking turns so that some writer always holds or waits for the lock do not keep a
/// reader out: a writer's release hands the lock to the readers waiting.
#[test]
fn writers_do_not_starve_a_reader() {
    let lock = Arc::new(RwLock::new());
    let stop = Arc::new(AtomicBool::new(false));
    let writers: Vec<_> = (0..3)
        .map(|_| {
            let (lock, stop) = (Arc::clone(&lock), Arc::clone(&stop));
            thread::spawn(move || {
                while !stop.load(Ordering::Relaxed) {
                    assert_eq!(lock.acquire_write(LONG), Ok(true));
                    thread::yield_now();
                    lock.release_write().unwrap();
                }
            })
        })
        .collect();
    for _ in 0..50 {
        assert_eq!(lock.acquire_read(LONG), Ok(true), "a reader starved");
        lock.release_read().unwrap();
    }
    stop.store(true, Ordering::Relaxed);
    for w in writers {
        w.join().unwrap();
    }
}

/// A writer that gives up waiting lets in the readers that queued behind it, though a reader
/// still holds the lock (nobody else would wake them).
#[test]
fn a_writer_timing_out_lets_readers_in() {
    // Long enough for the reader below to queue behind the writer on a loaded machine.
    const WRITER_WAITS: Duration = Duration::from_secs(1);
    let lock = Arc::new(RwLock::new());
    assert_eq!(lock.acquire_read(NOW), Ok(true));
    let writer = {
        let lock = Arc::clone(&lock);
        thread::spawn(move || lock.acquire_write(Timeout::After(WRITER_WAITS)))
    };
    until_a_writer_waits(&lock);
    let reader = {
        let lock = Arc::clone(&lock);
        thread::spawn(move || {
            // Bounded: a reader nobody wakes fails the test instead of hanging it.
            let took = lock.acquire_read(Timeout::After(WRITER_WAITS + BOUND));
            if took == Ok(true) {
                lock.release_read().unwrap();
            }
            took
        })
    };
    assert_eq!(
        reader.join().unwrap(),
        Ok(true),
        "the reader was left parked"
    );
    assert_eq!(writer.join().unwrap(), Ok(false));
    lock.release_read().unwrap();
    assert_eq!(lock.acquire_write(NOW), Ok(true));
    lock.release_write().unwrap();
}

#[test]
fn once_runs_its_initializer_once_and_the_others_wait() {
    let once = Arc::new(Once::new());
    let runs = Arc::new(AtomicUsize::new(0));
    let value = Arc::new(AtomicUsize::new(0));
    let threads: Vec<_> = (0..8)
        .map(|_| {
            let (once, runs, value) = (Arc::clone(&once), Arc::clone(&runs), Arc::clone(&value));
            thread::spawn(move || {
                once.call(|| {
                    runs.fetch_add(1, Ordering::Relaxed);
                    thread::sleep(Duration::from_millis(20));
                    value.store(42, Ordering::Relaxed);
                    Ok::<(), ()>(())
                })
                .unwrap();
                // Every caller returns after the initializer's writes.
                assert_eq!(value.load(Ordering::Relaxed), 42);
            })
        })
        .collect();
    for t in threads {
        t.join().unwrap();
    }
    assert_eq!(runs.load(Ordering::Relaxed), 1);
    assert!(once.is_done());
}

#[test]
fn a_failed_or_panicking_initializer_leaves_the_once_not_done() {
    let once = Once::new();
    assert_eq!(once.call(|| Err("no")), Err("no"));
    assert!(!once.is_done());
    let panicked = std::panic::catch_unwind(|| once.call(|| -> Result<(), ()> { panic!("init") }));
    assert!(panicked.is_err());
    assert!(!once.is_done());
    assert_eq!(once.call(|| Ok::<(), ()>(())), Ok(()));
    assert!(once.is_done());
    assert_eq!(once.call(|| Err("not run")), Ok(()));
}

/// Threads waiting for a run that fails wake, and one of them runs its own initializer.
#[test]
fn waiters_take_over_after_a_failure() {
    let once = Arc::new(Once::new());
    let turn = once.begin().expect("first turn");
    let waiters: Vec<_> = (0..3)
        .map(|_| {
            let once = Arc::clone(&once);
            thread::spawn(move || once.call(|| Ok::<(), ()>(())))
        })
        .collect();
    drop(turn);
    for w in waiters {
        assert_eq!(w.join().unwrap(), Ok(()));
    }
    assert!(once.is_done());
}
