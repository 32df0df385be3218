//! `Condvar`: a place for threads to sleep until the state they wait for, guarded by some mutex,
//! may have changed. The building block of the queue's and the futures' waits.
//!
//! It is a condition variable without its own lock: the waiter reads the condvar's epoch while it
//! still holds the mutex and has seen that it must wait, releases the mutex, then parks only if
//! the epoch has not moved. A notifier changes the state under the mutex and bumps the epoch
//! (after releasing it) before it unparks. Whatever the interleaving, a notification that follows
//! the waiter's last look at the state is either seen by the parking thread's validation (the
//! epoch moved: it does not sleep) or finds that thread parked and wakes it. Nothing is lost, and
//! waking is left to the caller's judgment: `notify_one` per item, `notify_all` for a state
//! change every waiter must see.
//!
//! [`Waiters`] goes with a condvar, in the state its mutex guards: it counts the threads that wait,
//! so that a notifier wakes each sleeper once and makes no call at all when every waiter has
//! already been woken (or there is none).
//!
//! The key in the parking lot is the address of the epoch, so several condvars in one
//! object (a queue's "not empty" and "not full") keep separate waiter lists.

use crate::loom::MutexGuard;
use crate::loom::atomic::{AtomicUsize, Ordering};
use crate::loom::table::{self, DEFAULT_PARK_TOKEN, DEFAULT_UNPARK_TOKEN, ParkResult, SpinWait};
use crate::timeout::Deadline;

/// Threads wait here until notified; see the module documentation for the protocol.
#[derive(Debug, Default)]
pub(crate) struct Condvar {
    /// Bumped by every notification. Only compared for equality, so wrapping is harmless.
    epoch: AtomicUsize,
}

impl Condvar {
    crate::loom::const_fn! {
        /// A condvar nobody waits on.
        pub(crate) fn new() -> Condvar {
            Condvar {
                epoch: AtomicUsize::new(0),
            }
        }
    }

    /// The epoch to hand to [`Condvar::wait`]; read it no later than the last look at the state
    /// waited for: while still holding the mutex that guards it, or before locking the mutexes
    /// to look (for a state spread over several objects).
    #[inline]
    pub(crate) fn epoch(&self) -> usize {
        // Relaxed: every bump that matters to the caller is made after a critical section that
        // follows its look at the state, so the value read is never too new; an old value only
        // makes `wait` return at once, which callers handle like a spurious wakeup.
        self.epoch.load(Ordering::Relaxed)
    }

    /// Parks until a notification that follows the reading of `seen`, or until `deadline`.
    /// Returns false if the deadline passed. Call it without holding the mutex.
    ///
    /// Like any condition wait it may return early: callers re-check their state.
    pub(crate) fn wait(&self, seen: usize, deadline: Deadline) -> bool {
        // A notification often follows within a few hundred nanoseconds (a producer and a
        // consumer in step): spin a little first, as parking_lot's mutex does, since parking and
        // being woken cost two system calls.
        let mut spin = SpinWait::new();
        while spin.spin() {
            if self.epoch() != seen {
                return true;
            }
        }
        let key = self.key();
        // Relaxed: runs under the bucket lock, which orders it with the notifier's bump (made
        // before the notifier takes the same bucket lock to unpark).
        let validate = || self.epoch.load(Ordering::Relaxed) == seen;
        let result = table::park(
            key,
            validate,
            || {},
            |_, _| {},
            DEFAULT_PARK_TOKEN,
            deadline,
        );
        !matches!(result, ParkResult::TimedOut)
    }

    /// A condition variable's wait, for a thread that holds the mutex (`state`) and has seen
    /// that it must wait: releases the mutex, waits until notified or `deadline`, locks again.
    /// Returns false if the deadline passed. The caller then re-checks its state.
    pub(crate) fn wait_locked<S>(&self, state: &mut MutexGuard<'_, S>, deadline: Deadline) -> bool {
        // Read under the mutex, after the caller's look at the state: a notifier that changes
        // the state from now on bumps it.
        let seen = self.epoch();
        MutexGuard::unlocked(state, || self.wait(seen, deadline))
    }

    /// [`Condvar::wait_locked`], with `waiters` the caller's count for this condvar: counts the
    /// caller in before and out after.
    pub(crate) fn wait_counted<S>(
        &self,
        state: &mut MutexGuard<'_, S>,
        waiters: fn(&mut S) -> &mut Waiters,
        deadline: Deadline,
    ) {
        waiters(state).count_in();
        self.wait_locked(state, deadline);
        waiters(state).count_out();
    }

    /// Wakes one waiter, if any. Call after the guarded state changed and the mutex was released.
    #[inline]
    pub(crate) fn notify_one(&self) {
        self.bump();
        table::unpark_one(self.key(), |_| DEFAULT_UNPARK_TOKEN);
    }

    /// Wakes every waiter. Call after the guarded state changed, best after the mutex was
    /// released (under it, the woken threads may find it still held).
    pub(crate) fn notify_all(&self) {
        self.bump();
        table::unpark_all(self.key(), DEFAULT_UNPARK_TOKEN);
    }

    fn bump(&self) {
        // Relaxed: the unpark that follows takes the bucket lock, whose release publishes the new
        // epoch to every later validation; nothing else is ordered by it.
        self.epoch.fetch_add(1, Ordering::Relaxed);
    }

    fn key(&self) -> usize {
        &self.epoch as *const AtomicUsize as usize
    }
}

/// The threads waiting on one [`Condvar`], kept under the mutex that guards the state they wait
/// for. A notifier picks the threads it wakes off the `waiting` count, as CPython's
/// `Condition.notify` removes the waiters it wakes from its list, so a second notification does
/// not go to a thread already woken: one wake-up per sleeper.
///
/// Wake-ups are anonymous (the first parked thread takes one, and a thread that has not parked
/// yet skips its sleep), so a thread counting itself out does not know whether it was the one
/// picked. It takes itself off `woken` while that is nonzero, else off `waiting`. Every picked
/// wake-up ends the wait of some thread counted in, each of which counts itself out once, so
/// `woken` never exceeds the threads that are awake or about to be: a thread asleep with no
/// wake-up on its way always leaves `waiting` nonzero, and the next notification wakes it. A
/// guess that takes a timed-out thread off `woken` only leaves `waiting` too high, which costs at
/// most one wake-up for nobody.
#[derive(Debug, Default)]
pub(crate) struct Waiters {
    /// Threads counted in and not picked by a notifier. (u32s keep a future small enough for
    /// glibc's fastbins.)
    waiting: u32,
    /// Threads picked by a notifier and not yet counted out.
    woken: u32,
}

impl Waiters {
    /// Counts the caller in, before it reads the condvar's epoch and releases the mutex to wait.
    pub(crate) fn count_in(&mut self) {
        // Cannot overflow: each waiting thread counts once.
        self.waiting += 1;
    }

    /// Counts the caller out, once it holds the mutex again after its wait, however it ended.
    pub(crate) fn count_out(&mut self) {
        if self.woken > 0 {
            self.woken -= 1;
        } else {
            // Nonzero: the caller counted itself in, and is not among `woken` (which is zero).
            self.waiting -= 1;
        }
    }

    /// How many threads are counted in and not yet out: waiting, or woken and not yet back.
    pub(crate) fn count(&self) -> usize {
        // Widening: u32 to usize.
        (self.waiting + self.woken) as usize
    }

    /// Picks one waiter to wake, if any has not been woken yet; the caller then calls
    /// [`Condvar::notify_one`] (after releasing the mutex) if this returned true.
    pub(crate) fn pick_one(&mut self) -> bool {
        if self.waiting == 0 {
            return false;
        }
        self.waiting -= 1;
        self.woken += 1;
        true
    }

    /// Picks every waiter not woken yet; the caller then calls [`Condvar::notify_all`] if this
    /// returned true.
    pub(crate) fn pick_all(&mut self) -> bool {
        if self.waiting == 0 {
            return false;
        }
        self.woken += std::mem::take(&mut self.waiting);
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::loom::Mutex;
    use crate::timeout::Timeout;
    use std::sync::Arc;
    use std::time::Duration;

    #[test]
    fn a_moved_epoch_does_not_park() {
        let condvar = Condvar::new();
        let seen = condvar.epoch();
        condvar.notify_one();
        // Would park forever if the notification were lost.
        assert!(condvar.wait(seen, Deadline::FOREVER));
    }

    #[test]
    fn wait_times_out_without_notification() {
        let condvar = Condvar::new();
        let deadline = Timeout::After(Duration::from_millis(10)).deadline();
        assert!(!condvar.wait(condvar.epoch(), deadline));
        assert!(deadline.expired());
    }

    #[test]
    fn waiters_are_picked_once_each() {
        let mut waiters = Waiters::default();
        assert!(!waiters.pick_one());
        waiters.count_in();
        waiters.count_in();
        assert!(waiters.pick_one());
        // The first woken thread is back, and sleeps again before the second is picked.
        waiters.count_out();
        waiters.count_in();
        assert!(waiters.pick_all());
        assert!(!waiters.pick_one());
        assert!(!waiters.pick_all());
        waiters.count_out();
        waiters.count_out();
        assert!(!waiters.pick_one());
        // A thread that timed out while another was picked: `waiting` stays counted, so the
        // next notification still wakes whoever is left.
        waiters.count_in();
        waiters.count_in();
        assert!(waiters.pick_one());
        waiters.count_out();
        assert!(waiters.pick_one());
    }

    #[test]
    fn a_notification_wakes_a_parked_waiter() {
        let shared = Arc::new((Mutex::new(false), Condvar::new()));
        let waiter = {
            let shared = Arc::clone(&shared);
            std::thread::spawn(move || {
                let (flag, condvar) = &*shared;
                let mut set = flag.lock();
                while !*set {
                    let seen = condvar.epoch();
                    drop(set);
                    condvar.wait(seen, Deadline::FOREVER);
                    set = flag.lock();
                }
            })
        };
        let (flag, condvar) = &*shared;
        *flag.lock() = true;
        condvar.notify_all();
        waiter.join().unwrap();
    }
}
