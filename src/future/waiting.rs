//! Waiting for futures: for one ([`Future::outcome`], with done callbacks), or for several
//! ([`wait`], [`AsCompleted`], [`as_completed_next`]), with a [`Waiter`] registered once with
//! each of them.

use std::collections::VecDeque;
use std::sync::Arc;

use super::handle::{Future, Listener};
use super::outcome::Outcome;
use super::status::DONE;
use super::waiter::{ReturnWhen, Waiter};
use crate::Error;
use crate::loom::{Mutex, MutexGuard};
use crate::park::Forked;
use crate::timeout::{Deadline, Timeout};

impl<T, E> Future<T, E> {
    /// Waits at most `timeout` for the future to be done and returns how it ended; `None` if
    /// it is not done in time. Python: `future.result(timeout)` and `future.exception(timeout)`.
    pub fn outcome(&self, timeout: Timeout) -> Option<Outcome<T, E>>
    where
        T: Clone,
        E: Clone,
    {
        match self.wait_done(timeout) {
            Ok(true) => {}
            Ok(false) => return None,
            Err(Forked) => return Some(Outcome::Forked),
        }
        // `T` and `E` may not be `Sync`: threads clone the outcome one at a time, under the lock
        // (which a thread of the parent may have held, cloning, at the fork).
        let Ok(_state) = self.state() else {
            return Some(Outcome::Forked);
        };
        // SAFETY: `wait_done` saw `DONE` (acquire); the reference is used under the lock.
        Some(unsafe { self.done_outcome() }.clone())
    }

    /// [`Future::outcome`] without a copy or a lock, for outcomes that threads may share;
    /// [`Forked`] for a future broken by a fork and not done.
    #[cfg(feature = "capi")] // for the C API only
    pub(crate) fn outcome_ref(&self, timeout: Timeout) -> Result<Option<&Outcome<T, E>>, Forked>
    where
        T: Sync,
        E: Sync,
    {
        // SAFETY: `wait_done` saw `DONE` (acquire); `T` and `E` are `Sync`.
        Ok(self
            .wait_done(timeout)?
            .then(|| unsafe { self.done_outcome() }))
    }

    /// Waits at most `timeout` for the future to be done; whether it is (having seen `DONE`
    /// with acquire ordering), or [`Forked`] if it is not and is broken by a fork.
    #[inline]
    fn wait_done(&self, timeout: Timeout) -> Result<bool, Forked> {
        if self.completed() {
            Ok(true)
        } else {
            self.wait_not_done(timeout)
        }
    }

    /// [`Future::wait_done`] for a future not yet seen done: out of line, so that the check
    /// for a done future stays small enough to inline into its callers (`weft_future_result`).
    #[inline(never)]
    fn wait_not_done(&self, timeout: Timeout) -> Result<bool, Forked> {
        let mut state = self.state()?;
        let mut deadline = None;
        loop {
            if self.watch_sleeping(&state) & DONE != 0 {
                return Ok(true);
            }
            let deadline = *deadline.get_or_insert_with(|| timeout.deadline());
            if deadline.expired() {
                return Ok(false);
            }
            MutexGuard::unlocked(&mut state, || self.sleep(deadline));
        }
    }

    /// Attaches a callback, run with the future once it is done, in the thread that completes
    /// it (a worker, or the canceller); run at once, in the calling thread, if it is already
    /// done. Python: `future.add_done_callback(fn)`.
    ///
    /// A panicking callback is reported on stderr and does not keep the others from running.
    /// In a child made by `fork()` where the future is broken by the fork, it runs at once: the
    /// future counts as finished there ([`Outcome::Forked`]).
    pub fn add_done_callback(&self, callback: impl FnOnce(&Future<T, E>) + Send + 'static) {
        match self.state() {
            Ok(mut state) if self.watch(&state) & DONE == 0 => {
                state
                    .listeners
                    .get_or_insert_default()
                    .push(Listener::Callback(Box::new(callback)));
            }
            Ok(state) => {
                drop(state);
                self.invoke(Box::new(callback));
            }
            Err(Forked) => self.invoke(Box::new(callback)),
        }
    }
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
///
/// Linear in the number of futures: one look at each, then, if the condition does not hold yet,
/// a waiter registered once with each future not done, which its completion counts in.
///
/// In a child made by `fork()`, a future broken by the fork counts as completed with an
/// exception ([`Outcome::Forked`]), and is done.
pub fn wait<T, E>(futures: &[&Future<T, E>], timeout: Timeout, return_when: ReturnWhen) -> Waited {
    let mut pending = 0;
    let mut failed = false;
    for future in futures {
        match future.finished() {
            None => pending += 1,
            Some(exception) => failed |= exception,
        }
    }
    let met = match return_when {
        ReturnWhen::FirstCompleted => pending < futures.len() || futures.is_empty(),
        ReturnWhen::FirstException => failed || pending == 0,
        ReturnWhen::AllCompleted => pending == 0,
    };
    let satisfied = met || {
        let waiter = Arc::new(Waiter::new(futures.len(), return_when));
        register(&waiter, futures.iter().copied().enumerate());
        let deadline = timeout.deadline();
        let satisfied = waiter.wait(deadline, |t| t.met(return_when).then_some(()));
        unregister(&waiter, futures.iter().copied());
        satisfied.is_some()
    };
    Waited {
        done: futures.iter().map(|f| f.done()).collect(),
        satisfied,
    }
}

/// Hands out futures as they complete. Python: `concurrent.futures.as_completed(fs)`.
///
/// Made with a list of futures (it keeps a reference to each), it registers one waiter with
/// each future not done; each completion queues the future's index to it. So each
/// [`AsCompleted::next`] takes a queued index, and the whole iteration costs time linear in the
/// number of futures. The futures done when it is made come first, lowest index first; then the
/// others in the order they complete. A future given twice is handed out twice, once per index.
pub struct AsCompleted<T, E> {
    futures: Vec<Future<T, E>>,
    waiter: Arc<Waiter>,
}

impl<T, E> AsCompleted<T, E> {
    /// Starts handing out `futures` as they complete.
    pub fn new(futures: &[&Future<T, E>]) -> AsCompleted<T, E> {
        let futures: Vec<Future<T, E>> = futures.iter().map(|&f| f.clone()).collect();
        let waiter = Arc::new(Waiter::new(futures.len(), ReturnWhen::FirstCompleted));
        register(&waiter, futures.iter().enumerate());
        AsCompleted { futures, waiter }
    }

    /// Waits at most `timeout` for the next future to complete and returns its index in the
    /// list given to [`AsCompleted::new`]; `Ok(None)` if none completed in time.
    ///
    /// [`Error::InvalidArgument`] once every future was handed out. Calls from several threads
    /// at once each get a different future, but one may then wait out its timeout after
    /// another took the last: take them from one thread at a time, as from a Python iterator.
    /// [`Error::Forked`] in a child made by `fork()` where a thread of the parent was inside
    /// this call at the fork. A future broken by a fork is handed out as if done
    /// ([`Outcome::Forked`]).
    pub fn next(&self, timeout: Timeout) -> Result<Option<usize>, Error> {
        let next =
            self.waiter
                .wait_shared(timeout.deadline(), |tally| match tally.ready.pop_front() {
                    Some(index) => Some(Ok(index)),
                    None if tally.pending == 0 => Some(Err(Error::InvalidArgument)),
                    None => None,
                })?;
        next.transpose()
    }
}

impl<T, E> Drop for AsCompleted<T, E> {
    fn drop(&mut self) {
        unregister(&self.waiter, self.futures.iter());
    }
}

/// Waits at most `timeout` until one of `futures` not yet marked in `yielded` is done, marks it
/// and returns its index: called once per future, this hands them out as they complete (those
/// already done first, lowest index first). Python: `concurrent.futures.as_completed(fs)`,
/// one step at a time; `Ok(None)` if none completed in time.
///
/// Each step looks at every future, so a whole iteration costs time quadratic in their number;
/// [`AsCompleted`] hands them out in linear time.
///
/// [`Error::InvalidArgument`] if `yielded` is not as long as `futures`, or if every future was
/// already handed out.
pub fn as_completed_next<T, E>(
    futures: &[&Future<T, E>],
    yielded: &mut [bool],
    timeout: Timeout,
) -> Result<Option<usize>, Error> {
    if yielded.len() != futures.len() {
        return Err(Error::InvalidArgument);
    }
    let left = || (0..futures.len()).filter(|&i| !yielded[i]);
    let next = match left().find(|&i| futures[i].done()) {
        Some(index) => Some(index),
        None => {
            let count = left().count();
            if count == 0 {
                return Err(Error::InvalidArgument);
            }
            let waiter = Arc::new(Waiter::new(count, ReturnWhen::FirstCompleted));
            register(&waiter, left().map(|i| (i, futures[i])));
            let next = waiter.wait(timeout.deadline(), |tally| tally.ready.pop_front());
            unregister(&waiter, left().map(|i| futures[i]));
            next
        }
    };
    if let Some(index) = next {
        yielded[index] = true;
    }
    Ok(next)
}

/// Registers `waiter` with each of `futures` (with its index) not done yet; a future found
/// done is counted in at once, by this thread.
pub(crate) fn register<'a, T: 'a, E: 'a>(
    waiter: &Arc<Waiter>,
    futures: impl Iterator<Item = (usize, &'a Future<T, E>)>,
) {
    for (index, future) in futures {
        if let Some(failed) = future.listen(waiter, index) {
            waiter.completed(index, failed);
        }
    }
}

/// Takes `waiter` back from each of `futures` that did not complete meanwhile.
pub(crate) fn unregister<'a, T: 'a, E: 'a>(
    waiter: &Arc<Waiter>,
    futures: impl Iterator<Item = &'a Future<T, E>>,
) {
    for future in futures {
        // A done future's completion takes its listeners (or has), this one among them.
        // A future broken by a fork counted in at once: nothing was registered there.
        if !future.done()
            && let Ok(mut state) = future.state()
            && let Some(listeners) = &mut state.listeners
        {
            listeners.retain(|l| !matches!(l, Listener::Waiter(w, _) if Arc::ptr_eq(w, waiter)));
        }
    }
}

impl<T, E> Future<T, E> {
    /// Registers `waiter` to hear of this future's completion as its `index`th future, unless
    /// the future is done: then nothing is registered, and whether it failed is returned. A
    /// future broken by a fork counts as done, failed ([`Outcome::Forked`]).
    fn listen(&self, waiter: &Arc<Waiter>, index: usize) -> Option<bool> {
        if let Some(failed) = self.finished() {
            return Some(failed);
        }
        let Ok(mut state) = self.state() else {
            return Some(true);
        };
        if self.watch(&state) & DONE != 0 {
            drop(state);
            return self.finished();
        }
        state
            .listeners
            .get_or_insert_default()
            .push(Listener::Waiter(Arc::clone(waiter), index));
        None
    }
}

/// Hands out futures in the order given, as each is done, under one deadline for them all.
/// Python: the iterator `Executor.map(fn, *iterables, timeout)` returns.
///
/// As CPython's, the iteration ends at the first future that does not return a value (it
/// failed or was cancelled) or is not done by the deadline: the futures not yet handed out are
/// then cancelled (those running finish), and so are they when this is dropped early.
pub struct InOrder<T, E> {
    /// The futures not yet handed out, the next at the front.
    left: Mutex<VecDeque<Future<T, E>>>,
    deadline: Deadline,
}

impl<T, E> InOrder<T, E> {
    /// Starts handing out `futures`, all by `deadline` (Python's `end_time`, taken before the
    /// tasks are submitted).
    pub fn new(futures: Vec<Future<T, E>>, deadline: Deadline) -> InOrder<T, E> {
        InOrder {
            left: Mutex::new(futures.into()),
            deadline,
        }
    }

    /// The next future: `Some(Ok(future))` once it is done; `Some(Err(future))` if it is not
    /// done by the deadline (it is cancelled if still pending); `None` once every future was
    /// handed out or the iteration ended (see the type's documentation). Take them from one
    /// thread at a time, as from a Python iterator.
    ///
    /// In a child made by `fork()`, a future broken by the fork is handed out as done
    /// ([`Outcome::Forked`]), and ends the iteration; so does an iterator a thread of the parent
    /// was inside at the fork.
    pub fn next(&self) -> Option<Result<Future<T, E>, Future<T, E>>> {
        let next = self.left.lock_checked().ok()?.pop_front()?;
        let timeout = self
            .deadline
            .remaining()
            .map_or(Timeout::Forever, Timeout::After);
        let done = next.wait_done(timeout).unwrap_or(true);
        let returned = done && next.finished() == Some(false) && !next.cancelled();
        if !returned {
            self.cancel_left();
        }
        if done {
            Some(Ok(next))
        } else {
            next.cancel();
            Some(Err(next))
        }
    }

    /// Ends the iteration: cancels the futures not handed out.
    fn cancel_left(&self) {
        let Ok(mut left) = self.left.lock_checked() else {
            return;
        };
        let left = std::mem::take(&mut *left);
        for future in left {
            future.cancel();
        }
    }
}

impl<T, E> Drop for InOrder<T, E> {
    fn drop(&mut self) {
        self.cancel_left();
    }
}
