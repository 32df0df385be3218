//! `Lock`: Python's `threading.Lock`, a binary semaphore on one state byte.
//!
//! Unlike a guard-based mutex, Python's lock may be released by any thread, so there is no owner:
//! the state byte is the whole truth. Waiters park in `parking_lot_core`'s table, keyed by the
//! lock's address.
//!
//! State table (two bits of one `AtomicU8`):
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

use crate::Error;
use crate::loom::atomic::{AtomicU8, Ordering};
use crate::loom::parking::{self, DEFAULT_PARK_TOKEN, DEFAULT_UNPARK_TOKEN, ParkResult, SpinWait};
use crate::sync::condition::{ConditionLock, sealed::Sealed};
use crate::timeout::{Deadline, Timeout};

const LOCKED: u8 = 0b01;
const PARKED: u8 = 0b10;

/// Python's `threading.Lock`: not reentrant, releasable from any thread.
#[derive(Debug, Default)]
pub struct Lock {
    state: AtomicU8,
}

impl Lock {
    crate::loom::const_fn! {
        /// A new, unlocked lock.
        pub fn new() -> Lock {
            Lock {
                state: AtomicU8::new(0),
            }
        }
    }

    /// Acquires the lock, waiting at most `timeout`; returns whether it was acquired.
    ///
    /// `Timeout::After(ZERO)` tries once without waiting (Python's `acquire(blocking=False)`).
    #[inline]
    pub fn acquire(&self, timeout: Timeout) -> bool {
        // Acquire: the critical section must see everything the last holder wrote before its
        // Release in `release`.
        if self
            .state
            .compare_exchange_weak(0, LOCKED, Ordering::Acquire, Ordering::Relaxed)
            .is_ok()
        {
            return true;
        }
        self.acquire_slow(timeout)
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
    fn acquire_slow(&self, timeout: Timeout) -> bool {
        if timeout.is_zero() {
            return self.try_acquire();
        }
        let deadline = timeout.deadline();
        let mut spin = SpinWait::new();
        let mut state = self.state.load(Ordering::Relaxed);
        loop {
            if state & LOCKED == 0 {
                // Take it even if others are parked: barging keeps throughput up, and a woken
                // waiter that loses simply parks again.
                match self.state.compare_exchange_weak(
                    state,
                    state | LOCKED,
                    Ordering::Acquire,
                    Ordering::Relaxed,
                ) {
                    Ok(_) => return true,
                    Err(now) => state = now,
                }
                continue;
            }
            // Nobody parked yet: spin a little, the holder may be about to release.
            if state & PARKED == 0 && spin.spin() {
                state = self.state.load(Ordering::Relaxed);
                continue;
            }
            if state & PARKED == 0 {
                // Relaxed: the bit is re-validated under the bucket lock before parking.
                if let Err(now) = self.state.compare_exchange_weak(
                    state,
                    state | PARKED,
                    Ordering::Relaxed,
                    Ordering::Relaxed,
                ) {
                    state = now;
                    continue;
                }
            }
            if !self.park(deadline) {
                return false;
            }
            spin.reset();
            state = self.state.load(Ordering::Relaxed);
        }
    }

    /// Parks until a release wakes us or the deadline passes; false on timeout.
    fn park(&self, deadline: Deadline) -> bool {
        let key = self.park_key();
        let validate = || self.state.load(Ordering::Relaxed) == LOCKED | PARKED;
        let before_sleep = || {};
        let timed_out = |_, was_last_thread: bool| {
            // Bucket lock held: no parker can slip in between the check and the clear.
            if was_last_thread {
                self.state.fetch_and(!PARKED, Ordering::Relaxed);
            }
        };
        // SAFETY: `park` requires that the callbacks do not panic and do not call into the
        // parking lot; they only touch `self.state`. The key is this lock's address, which stays
        // valid while we are parked because `&self` borrows the lock for the whole call.
        let result = unsafe {
            parking::park(
                key,
                validate,
                before_sleep,
                timed_out,
                DEFAULT_PARK_TOKEN,
                deadline.instant(),
            )
        };
        !matches!(result, ParkResult::TimedOut)
    }

    /// Releases the lock; any thread may release it, as in Python.
    ///
    /// Fails with [`Error::ReleaseUnlocked`] if the lock is not held.
    #[inline]
    pub fn release(&self) -> Result<(), Error> {
        // Release: publishes the critical section to the next acquirer.
        match self
            .state
            .compare_exchange(LOCKED, 0, Ordering::Release, Ordering::Relaxed)
        {
            Ok(_) => Ok(()),
            Err(state) if state & LOCKED == 0 => Err(Error::ReleaseUnlocked),
            Err(_) => self.release_slow(),
        }
    }

    #[cold]
    fn release_slow(&self) -> Result<(), Error> {
        // Clear LOCKED first, keeping PARKED: exactly one of several racing releasers wins here,
        // the others see an unlocked lock. Release: as in `release`.
        self.state
            .fetch_update(Ordering::Release, Ordering::Relaxed, |s| {
                (s & LOCKED != 0).then_some(s & !LOCKED)
            })
            .map_err(|_| Error::ReleaseUnlocked)?;
        let key = self.park_key();
        let callback = |result: parking::UnparkResult| {
            // Bucket lock held: a thread that wants to park after this re-validates and sees
            // PARKED clear, so it sets it again before it sleeps.
            if !result.have_more_threads {
                self.state.fetch_and(!PARKED, Ordering::Relaxed);
            }
            DEFAULT_UNPARK_TOKEN
        };
        // SAFETY: the callback does not panic and does not call into the parking lot; the key is
        // this lock's address, the one its waiters park on.
        unsafe {
            parking::unpark_one(key, callback);
        }
        Ok(())
    }

    /// The `parking_lot_core` key this lock's waiters park on: its address.
    pub(crate) fn park_key(&self) -> usize {
        self as *const Lock as usize
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

impl Sealed for Lock {}

/// CPython's `Condition` over a `Lock`: nothing to save, and "owned" means "held by anyone".
impl ConditionLock for Lock {
    fn acquire(&self, timeout: Timeout) -> Result<bool, Error> {
        Ok(Lock::acquire(self, timeout))
    }

    fn release(&self) -> Result<(), Error> {
        Lock::release(self)
    }

    fn is_owned(&self) -> bool {
        self.locked()
    }

    fn release_save(&self) -> Result<usize, Error> {
        Lock::release(self).map(|()| 0)
    }

    fn acquire_restore(&self, _saved: usize) {
        // Forever cannot time out.
        Lock::acquire(self, Timeout::Forever);
    }

    fn raw(&self) -> &Lock {
        self
    }
}
