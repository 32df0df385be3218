//! `Lock`: Python's `threading.Lock`, a binary semaphore on one state word.
//!
//! Unlike a guard-based mutex, Python's lock may be released by any thread, so there is no owner:
//! the state word is the whole truth. Waiters park with the protocol in
//! [`park::word`](crate::park::word), keyed by the state word's address.
//!
//! State table (two bits of one `AtomicUsize`):
//!
//! | `PARKED` | `LOCKED` | meaning                                                       |
//! |----------|----------|---------------------------------------------------------------|
//! | 0        | 0        | free, nobody waits: `acquire` is one CAS                      |
//! | 0        | 1        | held, nobody waits: `release` is one CAS                      |
//! | 1        | 1        | held, threads may be parked: `release` unparks one            |
//! | 1        | 0        | free, but a parked thread is being (or about to be) woken     |
//!
//! `PARKED` is only set by a thread about to park, or by a [`Condition`](super::Condition) moving
//! its waiters onto a held lock (with the bucket locked), and only cleared with the parking bucket
//! locked (in an unpark callback, or when the last waiter times out), so a parker that validated
//! `LOCKED | PARKED` under the bucket lock is always seen by the next `release`.
//!
//! # Fairness
//!
//! Acquiring barges: a thread takes a free lock whether or not others wait, and a woken waiter
//! that finds it taken again parks again. That keeps throughput up (a thread that releases and
//! re-acquires at once does not wait for a sleeper to wake), but alone it would let a waiter
//! wait for as long as other threads keep re-taking the lock. So the lock is eventually fair,
//! as `parking_lot`'s is: a release with waiters, when the parking bucket's timer (0 to 1 ms,
//! 0.5 ms on average) has run out since the last fair one, keeps `LOCKED` set and hands the
//! lock to the oldest waiter ([`word::release_one`]), who returns from `acquire` owning it. A
//! waiter is therefore not passed over forever while others keep acquiring: the waiters ahead
//! of it in the queue (FIFO) are handed the lock first, one per fair release, so its wait is
//! bounded by roughly (waiters ahead + 1) x 0.5 ms plus the hold times. The uncontended paths
//! (one CAS each way) and a release with nobody parked do not change.
//!
//! A handed-over lock is never lost: the release picks its waiter with the bucket locked, and
//! a waiter whose timeout passes (or whose cancellation token is set) just then finds, under
//! the same lock, that it was picked, and returns owning the lock (`acquire` is true); one that
//! left the queue first is never picked.

use crate::Error;
use crate::loom::atomic::{AtomicUsize, Ordering};
use crate::park::word;
use crate::timeout::{Deadline, Timeout};

const LOCKED: usize = 0b01;
const PARKED: usize = 0b10;

/// Python's `threading.Lock`: not reentrant, releasable from any thread.
#[derive(Debug, Default)]
pub struct Lock {
    state: AtomicUsize,
}

impl Lock {
    crate::loom::const_fn! {
        /// A new, unlocked lock.
        pub fn new() -> Lock {
            Lock {
                state: AtomicUsize::new(0),
            }
        }
    }

    /// Acquires the lock, waiting at most `timeout`; returns whether it was acquired.
    ///
    /// `Timeout::After(ZERO)` tries once without waiting (Python's `acquire(blocking=False)`).
    #[inline]
    pub fn acquire(&self, timeout: Timeout) -> bool {
        self.acquire_fast() || self.acquire_slow(timeout)
    }

    /// The uncontended acquire: one CAS from free (nobody waiting) to held; false, having
    /// changed nothing, otherwise. The C layer calls it before its slow path, which it runs out
    /// of line (`capi/boundary.rs`).
    #[inline]
    pub(crate) fn acquire_fast(&self) -> bool {
        // Acquire: the critical section must see everything the last holder wrote before its
        // Release in `release`.
        self.state
            .compare_exchange_weak(0, LOCKED, Ordering::Acquire, Ordering::Relaxed)
            .is_ok()
    }

    /// Acquires the lock without waiting; returns whether it was acquired.
    #[inline]
    pub fn try_acquire(&self) -> bool {
        let mut state = self.state.load(Ordering::Relaxed);
        while state & LOCKED == 0 {
            // Acquire: as in `acquire`.
            match self.state.compare_exchange_weak(
                state,
                state | LOCKED,
                Ordering::Acquire,
                Ordering::Relaxed,
            ) {
                Ok(_) => return true,
                Err(now) => state = now,
            }
        }
        false
    }

    #[cold]
    pub(crate) fn acquire_slow(&self, timeout: Timeout) -> bool {
        if timeout.is_zero() {
            return self.try_acquire();
        }
        self.park_until(timeout.deadline())
    }

    fn park_until(&self, deadline: Deadline) -> bool {
        word::acquire_slow(&self.state, PARKED, deadline, |s| {
            (s & LOCKED == 0).then_some(s | LOCKED)
        })
    }

    /// Releases the lock; any thread may release it, as in Python.
    ///
    /// Fails with [`Error::ReleaseUnlocked`] if the lock is not held.
    #[inline]
    pub fn release(&self) -> Result<(), Error> {
        if self.release_fast() {
            Ok(())
        } else {
            self.release_slow()
        }
    }

    /// The uncontended release: one CAS from held, nobody waiting, to free; false, having
    /// changed nothing, otherwise (threads may wait, or the lock is not held: `release_slow`
    /// tells).
    #[inline]
    pub(crate) fn release_fast(&self) -> bool {
        // Release: publishes the critical section to the next acquirer.
        self.state
            .compare_exchange(LOCKED, 0, Ordering::Release, Ordering::Relaxed)
            .is_ok()
    }

    /// `acquire(Timeout::Forever)` that no cancellation token ends, for a
    /// [`Condition`](super::Condition) taking its lock back: the fast path without a timeout to
    /// pass along.
    #[inline]
    pub(crate) fn lock(&self) {
        if !self.acquire_fast() {
            self.lock_slow();
        }
    }

    #[cold]
    fn lock_slow(&self) {
        self.park_until(Deadline::FOREVER);
    }

    /// The release `release_fast` could not do: the lock is not held
    /// ([`Error::ReleaseUnlocked`]), or threads may be waiting (one is woken, and now and then
    /// handed the lock: see "Fairness" above).
    #[cold]
    pub(crate) fn release_slow(&self) -> Result<(), Error> {
        // Relaxed: only spares an unlocked lock's release the bucket lock; `release_one` checks
        // again with it held, where exactly one of several racing releasers finds LOCKED set.
        if self.state.load(Ordering::Relaxed) & LOCKED == 0 {
            return Err(Error::ReleaseUnlocked);
        }
        if word::release_one(&self.state, PARKED, |s| {
            (s & LOCKED != 0).then_some(s & !LOCKED)
        }) {
            Ok(())
        } else {
            Err(Error::ReleaseUnlocked)
        }
    }

    /// The parking lot key this lock's waiters park on: its state word's address.
    pub(crate) fn park_key(&self) -> usize {
        word::key(&self.state)
    }

    /// Sets `PARKED` if the lock is held and returns whether it is held, for a condition about
    /// to requeue its waiters onto this lock (parking_lot's `Condvar` does the same).
    ///
    /// Call only with this lock's parking bucket locked (inside `unpark_requeue`'s `validate`),
    /// so that the bit and the queue change together. Nothing is set on a free lock: its waiters
    /// are then unparked instead, as nobody would release the lock to wake them.
    pub(crate) fn mark_parked_if_locked(&self) -> bool {
        // Relaxed: the bucket lock orders this with every other change of PARKED, and the
        // requeued threads synchronize through the bucket lock when they are woken.
        self.state
            .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |s| {
                (s & LOCKED != 0).then_some(s | PARKED)
            })
            .is_ok()
    }

    /// Whether the lock is held by some thread (a snapshot).
    #[inline]
    pub fn locked(&self) -> bool {
        // Relaxed: a snapshot that orders nothing; callers must not infer data visibility.
        self.state.load(Ordering::Relaxed) & LOCKED != 0
    }
}
