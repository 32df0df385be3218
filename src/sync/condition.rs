//! `Condition`: Python's `threading.Condition`, a condition variable over a [`Lock`] or an
//! [`RLock`].
//!
//! Waiters park in the parking table (`park/table`) keyed by the condition's address, in FIFO order.
//! `notify` does not wake them into a fight for the lock the notifier still holds: it moves them
//! (`unpark_requeue`) onto the lock's own queue, marking the lock `PARKED`, so each is woken by
//! the lock's release in turn (as parking_lot's `Condvar` does); a fair release hands the lock
//! to the waiter it wakes (`park::word::HANDOFF`), which then holds it without taking it
//! again (as with parking_lot's `Condvar` too). A waiter gives the lock up
//! in `park`'s `before_sleep`, after it is queued, so no notify can slip between the release and
//! the sleep.

use std::sync::Arc;

use crate::Error;
use crate::loom::atomic::{AtomicBool, Ordering};
use crate::loom::table::{
    self, DEFAULT_UNPARK_TOKEN, FilterOp, ParkResult, ParkToken, RequeueOp, UnparkResult,
};
use crate::park::word;
use crate::sync::{Lock, RLock, RLockSaved, thread_token};
use crate::timeout::{Deadline, Timeout};

pub(crate) mod sealed {
    /// Keeps [`super::ConditionLock`] implemented only inside weft: the condition relies on the
    /// exact behaviour of each method.
    pub trait Sealed {}
}

/// A lock a [`Condition`] can be built on: [`Lock`] or [`RLock`] (CPython's `Condition(lock)`
/// takes either). The C layer implements it for its lock handles too.
///
/// The methods mirror the private interface CPython's `Condition` uses (`_release_save`,
/// `_acquire_restore`, `_is_owned`).
pub trait ConditionLock: sealed::Sealed + Send + Sync {
    /// The lock's `acquire(timeout)`; returns whether it was acquired.
    fn acquire(&self, timeout: Timeout) -> Result<bool, Error>;
    /// The lock's `release()`.
    fn release(&self) -> Result<(), Error>;
    /// Whether the calling thread holds the lock (for a [`Lock`], which has no owner: whether
    /// anyone holds it, as in CPython).
    fn is_owned(&self) -> bool;
    /// Releases the lock completely (every level of a recursive hold) and returns what
    /// [`ConditionLock::acquire_restore`] needs to take it back.
    fn release_save(&self) -> Result<usize, Error>;
    /// Acquires the lock, waiting as long as it takes, and restores what `release_save` saved.
    /// `handed`: a fair release of the lock already handed it to the caller, which only
    /// restores.
    fn acquire_restore(&self, saved: usize, handed: bool);
    /// The [`Lock`] whose queue blocked acquirers park on, where notified waiters are moved.
    fn raw(&self) -> &Lock;
}

/// Python's `threading.Condition`: threads wait (releasing the lock) until another thread
/// holding the lock notifies them.
///
/// ```
/// use std::sync::Arc;
/// use std::sync::atomic::{AtomicBool, Ordering};
/// use weft::{Condition, Thread, Timeout};
///
/// // What the condition guards: read and written with its lock held, which orders the accesses
/// // (so Relaxed).
/// let shared = Arc::new((Condition::new(), AtomicBool::new(false)));
/// let producer = Thread::new({
///     let shared = Arc::clone(&shared);
///     move || -> Result<(), weft::Error> {
///         let (condition, ready) = &*shared;
///         assert!(condition.acquire(Timeout::Forever)?);
///         ready.store(true, Ordering::Relaxed);
///         condition.notify_all()?;
///         condition.release()
///     }
/// });
/// producer.start()?;
/// let (condition, ready) = &*shared;
/// assert!(condition.acquire(Timeout::Forever)?);
/// assert!(condition.wait_for(|| ready.load(Ordering::Relaxed), Timeout::Forever)?);
/// condition.release()?;
/// assert!(producer.join(Timeout::Forever)?);
/// # Ok::<(), weft::Error>(())
/// ```
pub struct Condition {
    lock: Arc<dyn ConditionLock>,
    /// Whether threads may be parked on this condition, so that `notify` can skip the parking
    /// lot when nobody waits. Set by each waiter in `park`'s `validate` (bucket locked, and the
    /// waiter holds the lock), cleared under the bucket lock when the last waiter leaves the
    /// queue. A notifier holds the lock, so it sees every waiter that released it.
    waiting: AtomicBool,
}

impl Default for Condition {
    fn default() -> Condition {
        Condition::new()
    }
}

impl std::fmt::Debug for Condition {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Condition").finish_non_exhaustive()
    }
}

impl Condition {
    /// A condition over a new [`RLock`], as Python's `Condition()` makes.
    pub fn new() -> Condition {
        Condition::with_lock(Arc::new(RLock::new()))
    }

    /// A condition over `lock` (Python's `Condition(lock)`); it keeps its own reference.
    pub fn with_lock(lock: Arc<dyn ConditionLock>) -> Condition {
        Condition {
            lock,
            waiting: AtomicBool::new(false),
        }
    }

    /// Acquires the underlying lock, waiting at most `timeout`; returns whether it was acquired.
    ///
    /// [`Error::Overflow`] if an [`RLock`]'s recursion count would overflow.
    pub fn acquire(&self, timeout: Timeout) -> Result<bool, Error> {
        self.lock.acquire(timeout)
    }

    /// Releases the underlying lock: [`Error::ReleaseUnlocked`] (a [`Lock`] not held) or
    /// [`Error::NotOwner`] (an [`RLock`] the caller does not own).
    pub fn release(&self) -> Result<(), Error> {
        self.lock.release()
    }

    /// Releases the lock, waits until notified or until `timeout` passes, then re-acquires the
    /// lock (as long as that takes) and returns whether it was notified.
    ///
    /// An [`RLock`] held recursively is released completely and its depth restored after.
    /// [`Error::WaitUnacquired`] if the caller does not hold the lock.
    pub fn wait(&self, timeout: Timeout) -> Result<bool, Error> {
        self.wait_until(timeout.deadline())
    }

    /// Waits until `predicate` returns true, at most `timeout`, and returns its last result.
    ///
    /// The predicate is evaluated with the lock held: first before any wait, then after each
    /// wakeup. [`Error::WaitUnacquired`] if the caller does not hold the lock.
    pub fn wait_for(
        &self,
        mut predicate: impl FnMut() -> bool,
        timeout: Timeout,
    ) -> Result<bool, Error> {
        let deadline = timeout.deadline();
        let mut result = predicate();
        let mut waited = false;
        while !result {
            // As CPython: the first wait happens even with a zero timeout (releasing the lock
            // once); later ones only while time is left.
            if waited && deadline.expired() {
                break;
            }
            self.wait_until(deadline)?;
            waited = true;
            result = predicate();
        }
        Ok(result)
    }

    fn key(&self) -> usize {
        self as *const Condition as usize
    }

    fn wait_until(&self, deadline: Deadline) -> Result<bool, Error> {
        if !self.lock.is_owned() {
            return Err(Error::WaitUnacquired);
        }
        let key = self.key();
        let me = ParkToken(thread_token());
        let mut saved = None;
        let mut requeued = false;
        let validate = || {
            // Relaxed: see the field's comment.
            self.waiting.store(true, Ordering::Relaxed);
            true
        };
        let before_sleep = || {
            let released = self.lock.release_save();
            if released.is_err() {
                // Only possible for a `Lock` another thread released meanwhile: do not sleep.
                self.unpark_self(me);
            }
            saved = Some(released);
        };
        let timed_out = |at: usize, was_last_thread: bool| {
            // Moved onto the lock's queue by a notify: notified, whatever the clock says.
            requeued = at != key;
            if !requeued && was_last_thread {
                // Relaxed: bucket lock held; see the field's comment.
                self.waiting.store(false, Ordering::Relaxed);
            }
        };
        // `validate` and `timed_out` run under the bucket lock and only store to
        // `self.waiting`; `before_sleep` runs after it, so it may release the lock (which may
        // unpark) and `unpark_filter`.
        let result = table::park(key, validate, before_sleep, timed_out, me, deadline);
        let notified = match result {
            ParkResult::TimedOut => requeued,
            ParkResult::Unparked(_) | ParkResult::Invalid => true,
        };
        let saved = saved.expect("validate always accepts, so before_sleep ran")?;
        // Woken on the lock's queue by a fair release: the lock is ours already.
        let handed = result == ParkResult::Unparked(word::HANDOFF);
        self.lock.acquire_restore(saved, handed);
        Ok(notified)
    }

    /// Wakes the calling thread, parked on this condition with token `me`.
    fn unpark_self(&self, me: ParkToken) {
        let filter = |token: ParkToken| {
            if token == me {
                FilterOp::Unpark
            } else {
                FilterOp::Skip
            }
        };
        let callback = |result: UnparkResult| {
            if !result.have_more_threads {
                // Relaxed: bucket lock held; see the field's comment.
                self.waiting.store(false, Ordering::Relaxed);
            }
            DEFAULT_UNPARK_TOKEN
        };
        table::unpark_filter(self.key(), filter, callback);
    }

    /// Wakes at most `n` waiters, oldest first (`n == 0` does nothing).
    ///
    /// [`Error::NotifyUnacquired`] if the caller does not hold the lock. With nobody waiting it
    /// is the ownership check and one load: no parking lot, no bucket lock.
    #[inline]
    pub fn notify(&self, n: usize) -> Result<(), Error> {
        if !self.lock.is_owned() {
            return Err(Error::NotifyUnacquired);
        }
        if self.has_waiters() {
            self.wake(n);
        }
        Ok(())
    }

    /// Whether a notify, by a thread holding the lock, may have threads to wake: one load. `n`
    /// is not looked at here: a notify of 0 with threads waiting reaches `wake`, which does
    /// nothing, so the common call pays one test less. (The C layer checks the lock and calls
    /// `wake` itself.)
    #[inline]
    pub(crate) fn has_waiters(&self) -> bool {
        // Relaxed: see the field's comment.
        self.waiting.load(Ordering::Relaxed)
    }

    /// Wakes every waiter. [`Error::NotifyUnacquired`] if the caller does not hold the lock.
    #[inline]
    pub fn notify_all(&self) -> Result<(), Error> {
        self.notify(usize::MAX)
    }

    /// Moves up to `n` waiters onto the lock's queue (all of them in one step for
    /// `usize::MAX`), or unparks them one by one if the lock is free. Out of line: `notify`'s
    /// check for waiters stays small enough to inline.
    #[cold]
    #[inline(never)]
    pub(crate) fn wake(&self, mut n: usize) {
        let raw = self.lock.raw();
        // Relaxed: see the field's comment.
        while n > 0 && self.waiting.load(Ordering::Relaxed) {
            let validate = || {
                if !raw.mark_parked_if_locked() {
                    RequeueOp::UnparkOne
                } else if n == usize::MAX {
                    RequeueOp::RequeueAll
                } else {
                    RequeueOp::RequeueOne
                }
            };
            let callback = |_, result: UnparkResult| {
                if !result.have_more_threads {
                    // Relaxed: bucket lock held; see the field's comment.
                    self.waiting.store(false, Ordering::Relaxed);
                }
                DEFAULT_UNPARK_TOKEN
            };
            // `validate` and `callback` touch only atomics (they run with both buckets locked).
            let result = table::unpark_requeue(self.key(), raw.park_key(), validate, callback);
            let woken = result.unparked_threads + result.requeued_threads;
            if woken == 0 {
                break;
            }
            n = n.saturating_sub(woken);
        }
    }
}

impl sealed::Sealed for Lock {}

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

    fn acquire_restore(&self, _saved: usize, handed: bool) {
        // No timeout, and no cancellation token: the waiter always gets its lock back.
        if !handed {
            self.lock();
        }
    }

    fn raw(&self) -> &Lock {
        self
    }
}

impl sealed::Sealed for RLock {}

/// CPython's `Condition` over an `RLock`: the whole recursive hold is saved and restored.
impl ConditionLock for RLock {
    fn acquire(&self, timeout: Timeout) -> Result<bool, Error> {
        RLock::acquire(self, timeout)
    }

    fn release(&self) -> Result<(), Error> {
        RLock::release(self)
    }

    fn is_owned(&self) -> bool {
        RLock::is_owned(self)
    }

    fn release_save(&self) -> Result<usize, Error> {
        RLock::release_save(self).map(|saved| saved.0)
    }

    fn acquire_restore(&self, saved: usize, handed: bool) {
        if handed {
            self.restore(RLockSaved(saved));
        } else {
            RLock::acquire_restore(self, RLockSaved(saved));
        }
    }

    fn raw(&self) -> &Lock {
        &self.lock
    }
}
