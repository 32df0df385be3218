//! The waiter of a thread waiting for several futures ([`wait`](super::wait),
//! [`AsCompleted`](super::AsCompleted)): CPython's `_Waiter`. Registered once with each future
//! not yet done, under the index the future has in the caller's list; each completion reports
//! that index to it, so the waiting thread never looks at the futures again while it waits, and
//! a whole wait costs time linear in the number of futures.

use std::collections::VecDeque;

use crate::loom::Mutex;
use crate::park::{Condvar, Forked, Waiters};
use crate::timeout::Deadline;

/// When [`wait`](super::wait) returns. Python: `concurrent.futures.FIRST_COMPLETED` and its
/// siblings.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ReturnWhen {
    /// When any future is done (or cancelled).
    FirstCompleted,
    /// When any future fails (not by cancellation); if none does, when all are done.
    FirstException,
    /// When every future is done.
    AllCompleted,
}

/// What a waiter has heard of its futures, under its lock.
pub(super) struct Tally {
    /// The indices of the futures that completed, in the order they did, not yet taken; kept
    /// only by a waiter woken at every completion (`ReturnWhen::FirstCompleted`).
    pub(super) ready: VecDeque<usize>,
    /// The futures not yet heard of as done.
    pub(super) pending: usize,
    /// Whether one of the futures heard of failed (`Outcome::is_exception`).
    failed: bool,
    /// The waiting thread, while it waits: a completion that does not meet the waiter's
    /// condition, or finds nobody waiting, makes no call into the parking lot.
    sleepers: Waiters,
}

impl Tally {
    /// Whether `return_when` holds for the futures heard of.
    pub(super) fn met(&self, return_when: ReturnWhen) -> bool {
        match return_when {
            ReturnWhen::FirstCompleted => !self.ready.is_empty(),
            ReturnWhen::FirstException => self.failed || self.pending == 0,
            ReturnWhen::AllCompleted => self.pending == 0,
        }
    }
}

/// A thread waiting for several futures; see the module documentation.
pub(crate) struct Waiter {
    tally: Mutex<Tally>,
    /// The waiting thread parks here until its condition holds.
    signal: Condvar,
    /// When the waiting thread is woken.
    wake: ReturnWhen,
}

impl Waiter {
    /// A waiter for `count` futures, whose thread is woken when `wake` holds for them
    /// (`FirstCompleted`: at every completion, each queued in [`Tally::ready`]).
    pub(crate) fn new(count: usize, wake: ReturnWhen) -> Waiter {
        Waiter {
            tally: Mutex::new(Tally {
                ready: VecDeque::new(),
                pending: count,
                failed: false,
                sleepers: Waiters::default(),
            }),
            signal: Condvar::new(),
            wake,
        }
    }

    /// The future at `index` in the waiter's list completed (`failed`: as an exception): called
    /// once per future, by the thread that completes it, or by the waiting thread for a future
    /// it found done when it registered.
    ///
    /// Nothing happens in a child made by `fork()` where a thread of the parent was inside the
    /// waiter at the fork (its waiting thread, the parent's, is not there).
    pub(crate) fn completed(&self, index: usize, failed: bool) {
        let Ok(mut tally) = self.tally.lock_checked() else {
            return;
        };
        tally.pending -= 1;
        tally.failed |= failed;
        if self.wake == ReturnWhen::FirstCompleted {
            tally.ready.push_back(index);
        }
        let wake = tally.met(self.wake) && tally.sleepers.pick_one();
        drop(tally);
        if wake {
            self.signal.notify_one();
        }
    }

    /// Waits until a completion is queued (a `FirstCompleted` waiter), at most until `deadline`,
    /// and takes the first one's index.
    #[cfg(not(loom))]
    pub(crate) fn first(&self, deadline: Deadline) -> Option<usize> {
        self.wait(deadline, |tally| tally.ready.pop_front())
    }

    /// Waits until `take` gives a value from the tally, or until `deadline` (then `None`).
    /// `take` is called under the waiter's lock, once before waiting and after every wake-up.
    /// For a waiter of the calling thread's own (an [`AsCompleted`](super::AsCompleted), which
    /// threads may share, has [`Waiter::wait_shared`]).
    pub(super) fn wait<R>(
        &self,
        deadline: Deadline,
        take: impl FnMut(&mut Tally) -> Option<R>,
    ) -> Option<R> {
        self.wait_shared(deadline, take)
            .expect("a waiter made in this process")
    }

    /// [`Waiter::wait`]; [`Forked`] in a child made by `fork()` where a thread of the parent
    /// was inside the waiter at the fork.
    pub(super) fn wait_shared<R>(
        &self,
        deadline: Deadline,
        mut take: impl FnMut(&mut Tally) -> Option<R>,
    ) -> Result<Option<R>, Forked> {
        let mut tally = self.tally.lock_checked()?;
        loop {
            if let Some(found) = take(&mut tally) {
                return Ok(Some(found));
            }
            if deadline.expired() {
                return Ok(None);
            }
            // Counted in and reading the epoch under the lock: a completion that meets the
            // condition from now on picks this thread and bumps the epoch after.
            self.signal
                .wait_counted(&mut tally, |t| &mut t.sleepers, deadline);
        }
    }
}
