//! Waiting for futures: for one ([`Future::outcome`], with done callbacks), or for several
//! ([`wait`], [`as_completed_next`]).

use std::sync::Arc;

use super::handle::{Future, Listener};
use super::outcome::Outcome;
use super::status::DONE;
use crate::Error;
use crate::park::Condvar;
use crate::timeout::{Deadline, Timeout};

impl<T, E> Future<T, E> {
    /// Waits at most `timeout` for the future to be done and returns how it ended; `None` if
    /// it is not done in time. Python: `future.result(timeout)` and `future.exception(timeout)`.
    pub fn outcome(&self, timeout: Timeout) -> Option<Outcome<T, E>>
    where
        T: Clone,
        E: Clone,
    {
        if !self.wait_done(timeout) {
            return None;
        }
        // `T` and `E` may not be `Sync`: threads clone the outcome one at a time, under the lock.
        let _state = self.state();
        // SAFETY: `wait_done` saw `DONE` (acquire); the reference is used under the lock.
        Some(unsafe { self.inner().outcome.get() }.clone())
    }

    /// [`Future::outcome`] without a copy or a lock, for outcomes that threads may share.
    pub(crate) fn outcome_ref(&self, timeout: Timeout) -> Option<&Outcome<T, E>>
    where
        T: Sync,
        E: Sync,
    {
        // SAFETY: `wait_done` saw `DONE` (acquire); `T` and `E` are `Sync`.
        self.wait_done(timeout)
            .then(|| unsafe { self.inner().outcome.get() })
    }

    /// Waits at most `timeout` for the future to be done; whether it is (having seen `DONE`
    /// with acquire ordering).
    fn wait_done(&self, timeout: Timeout) -> bool {
        if self.done() {
            return true;
        }
        let mut state = self.state();
        let mut deadline = None;
        loop {
            if self.watch(&state) & DONE != 0 {
                return true;
            }
            let deadline = *deadline.get_or_insert_with(|| timeout.deadline());
            if deadline.expired() {
                return false;
            }
            self.inner()
                .done
                .wait_counted(&mut state, |s| &mut s.sleepers, deadline);
        }
    }

    /// Attaches a callback, run with the future once it is done, in the thread that completes
    /// it (a worker, or the canceller); run at once, in the calling thread, if it is already
    /// done. Python: `future.add_done_callback(fn)`.
    ///
    /// A panicking callback is reported on stderr and does not keep the others from running.
    pub fn add_done_callback(&self, callback: impl FnOnce(&Future<T, E>) + Send + 'static) {
        let mut state = self.state();
        if self.watch(&state) & DONE != 0 {
            drop(state);
            self.invoke(Box::new(callback));
        } else {
            state.listeners.push(Listener::Callback(Box::new(callback)));
        }
    }
}

/// When [`wait`] returns. Python: `concurrent.futures.FIRST_COMPLETED` and its siblings.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ReturnWhen {
    /// When any future is done (or cancelled).
    FirstCompleted,
    /// When any future fails (not by cancellation); if none does, when all are done.
    FirstException,
    /// When every future is done.
    AllCompleted,
}

/// What [`wait`] found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Waited {
    /// Whether each future, in the order given, was done when `wait` returned. Python: the
    /// `done` and `not_done` sets.
    pub done: Vec<bool>,
    /// Whether the `return_when` condition held, rather than the timeout passing first.
    pub satisfied: bool,
}

/// Waits at most `timeout` until `return_when` holds for `futures`. Python:
/// `concurrent.futures.wait(fs, timeout, return_when)`. An empty list is satisfied at once.
pub fn wait<T, E>(futures: &[&Future<T, E>], timeout: Timeout, return_when: ReturnWhen) -> Waited {
    let condition = || {
        let finished: Vec<Option<bool>> = futures.iter().map(|f| f.finished()).collect();
        let all = finished.iter().all(Option::is_some);
        let met = match return_when {
            ReturnWhen::FirstCompleted => finished.iter().any(Option::is_some) || all,
            ReturnWhen::FirstException => all || finished.contains(&Some(true)),
            ReturnWhen::AllCompleted => all,
        };
        met.then_some(())
    };
    let satisfied = wait_for(futures, timeout, condition).is_some();
    Waited {
        done: futures.iter().map(|f| f.done()).collect(),
        satisfied,
    }
}

/// Waits at most `timeout` until one of `futures` not yet marked in `yielded` is done, marks it
/// and returns its index: called once per future, this hands them out as they complete (those
/// already done first, lowest index first). Python: `concurrent.futures.as_completed(fs)`,
/// one step at a time; `Ok(None)` if none completed in time.
///
/// [`Error::InvalidArgument`] if `yielded` is not as long as `futures`, or if every future was
/// already handed out.
pub fn as_completed_next<T, E>(
    futures: &[&Future<T, E>],
    yielded: &mut [bool],
    timeout: Timeout,
) -> Result<Option<usize>, Error> {
    if yielded.len() != futures.len() || yielded.iter().all(|&y| y) {
        return Err(Error::InvalidArgument);
    }
    let next = {
        let yielded = &*yielded;
        wait_for(futures, timeout, || {
            (0..futures.len()).find(|&i| !yielded[i] && futures[i].done())
        })
    };
    if let Some(i) = next {
        yielded[i] = true;
    }
    Ok(next)
}

/// Waits at most `timeout` until `condition`, which looks at `futures`, gives a value.
///
/// The condition is checked first without registering; if it does not hold, a condvar is
/// registered with every future (a completion from then on wakes it) and the condition checked
/// again before each wait. The epoch is read before each check (and ordered before it by the
/// futures' locks), so a completion that the check missed moves it and the wait does not sleep.
fn wait_for<T, E, R>(
    futures: &[&Future<T, E>],
    timeout: Timeout,
    mut condition: impl FnMut() -> Option<R>,
) -> Option<R> {
    if let Some(found) = condition() {
        return Some(found);
    }
    let waiter = Arc::new(Condvar::new());
    for future in futures {
        let mut state = future.state();
        // A future done already needs no registration: the condition finds it.
        if future.watch(&state) & DONE == 0 {
            state.listeners.push(Listener::Waiter(Arc::clone(&waiter)));
        }
    }
    let deadline: Deadline = timeout.deadline();
    let found = loop {
        let seen = waiter.epoch();
        // The condition reads the futures' status words without their locks, so each lock is
        // taken once between reading the epoch and looking: a completion that takes it later
        // (to notify this waiter) bumps the epoch after this read; one that took it earlier set
        // `DONE` before, and the look sees it.
        for future in futures {
            drop(future.state());
        }
        if let Some(found) = condition() {
            break Some(found);
        }
        if deadline.expired() {
            break None;
        }
        waiter.wait(seen, deadline);
    };
    for future in futures {
        // Gone already if the future completed since.
        future
            .state()
            .listeners
            .retain(|l| !matches!(l, Listener::Waiter(w) if Arc::ptr_eq(w, &waiter)));
    }
    found
}
