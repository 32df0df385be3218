//! `Future`: Python's `concurrent.futures.Future`, with the module's `wait` and `as_completed`.
//!
//! A future is pending, then running, then done with an [`Outcome`]; a pending future may be
//! cancelled instead. Its state is guarded by a mutex; threads waiting for one future park on its
//! `done` `Signal`. Threads waiting for several ([`wait`], [`as_completed_next`]) register a
//! signal of their own with each of them, as CPython registers a `_Waiter`: completing a future
//! wakes every signal registered with it.
//!
//! One difference with CPython: a cancelled future counts as done for [`wait`] and
//! [`as_completed_next`] at once. CPython only reports it there once an executor has noticed the
//! cancellation (`set_running_or_notify_cancel`), which never happens to futures cancelled by
//! `shutdown(cancel_futures=True)`.
// Under loom the pool, which creates and completes futures, is not built.
#![cfg_attr(loom, allow(dead_code))]

use std::panic::{self, AssertUnwindSafe};
use std::sync::Arc;

use crate::Error;
use crate::loom::{Mutex, MutexGuard};
use crate::sync::Signal;
use crate::timeout::{Deadline, Timeout};

/// How a done future ended.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Outcome<T, E> {
    /// The task returned this value. Python: `result()` returns it.
    Returned(T),
    /// The task failed with this error. Python: `result()` raises the task's exception.
    Failed(E),
    /// The future was cancelled before it ran. Python: `CancelledError`.
    Cancelled,
    /// The pool broke (a worker initializer failed) before the task ran. Python:
    /// `BrokenThreadPool`.
    Broken,
    /// The task panicked (Rust tasks only; the panic is not propagated).
    Panicked,
}

impl<T, E> Outcome<T, E> {
    /// Whether this counts as an exception for `ReturnWhen::FirstException`: everything but a
    /// returned value and a cancellation, as in Python.
    fn is_exception(&self) -> bool {
        !matches!(self, Outcome::Returned(_) | Outcome::Cancelled)
    }
}

/// The result of an asynchronous task. Cloning gives another handle to the same future.
pub struct Future<T, E>(Arc<Inner<T, E>>);

impl<T, E> Clone for Future<T, E> {
    fn clone(&self) -> Self {
        Future(Arc::clone(&self.0))
    }
}

type Callback<T, E> = Box<dyn FnOnce(&Future<T, E>) + Send>;

struct Inner<T, E> {
    state: Mutex<State<T, E>>,
    /// Threads waiting for this future alone park here; notified once, on completion.
    done: Signal,
}

struct State<T, E> {
    phase: Phase<T, E>,
    /// Run once, on completion, in the completing thread, in the order they were added.
    callbacks: Vec<Callback<T, E>>,
    /// The signals of threads waiting for several futures, this one among them.
    waiters: Vec<Arc<Signal>>,
}

enum Phase<T, E> {
    Pending,
    Running,
    Done(Outcome<T, E>),
}

impl<T, E> Future<T, E> {
    /// A pending future, for an executor to run and complete.
    pub(crate) fn new() -> Future<T, E> {
        Future(Arc::new(Inner {
            state: Mutex::new(State {
                phase: Phase::Pending,
                callbacks: Vec::new(),
                waiters: Vec::new(),
            }),
            done: Signal::new(),
        }))
    }

    fn state(&self) -> MutexGuard<'_, State<T, E>> {
        self.0.state.lock()
    }

    /// Cancels the future if it has not started; returns whether it is cancelled. Python:
    /// `future.cancel()`.
    ///
    /// A running or finished future is not cancelled (false); cancelling twice is true twice.
    /// Cancelling completes the future: its callbacks run now, in the calling thread.
    pub fn cancel(&self) -> bool {
        let state = self.state();
        match state.phase {
            Phase::Pending => {
                self.complete(state, Outcome::Cancelled);
                true
            }
            Phase::Done(Outcome::Cancelled) => true,
            _ => false,
        }
    }

    /// Whether the future was cancelled. Python: `future.cancelled()`.
    pub fn cancelled(&self) -> bool {
        matches!(self.state().phase, Phase::Done(Outcome::Cancelled))
    }

    /// Whether the task is running now. Python: `future.running()`.
    pub fn running(&self) -> bool {
        matches!(self.state().phase, Phase::Running)
    }

    /// Whether the future is done: finished, failed or cancelled. Python: `future.done()`.
    pub fn done(&self) -> bool {
        matches!(self.state().phase, Phase::Done(_))
    }

    /// Waits at most `timeout` for the future to be done and returns how it ended; `None` if
    /// it is not done in time. Python: `future.result(timeout)` and `future.exception(timeout)`.
    pub fn outcome(&self, timeout: Timeout) -> Option<Outcome<T, E>>
    where
        T: Clone,
        E: Clone,
    {
        let mut state = self.state();
        let mut deadline = None;
        loop {
            if let Phase::Done(outcome) = &state.phase {
                return Some(outcome.clone());
            }
            let deadline = *deadline.get_or_insert_with(|| timeout.deadline());
            if deadline.expired() {
                return None;
            }
            let seen = self.0.done.epoch();
            MutexGuard::unlocked(&mut state, || self.0.done.wait(seen, deadline));
        }
    }

    /// Attaches a callback, run with the future once it is done, in the thread that completes
    /// it (a worker, or the canceller); run at once, in the calling thread, if it is already
    /// done. Python: `future.add_done_callback(fn)`.
    ///
    /// A panicking callback is reported on stderr and does not keep the others from running.
    pub fn add_done_callback(&self, callback: impl FnOnce(&Future<T, E>) + Send + 'static) {
        let mut state = self.state();
        if matches!(state.phase, Phase::Done(_)) {
            drop(state);
            self.invoke(Box::new(callback));
        } else {
            state.callbacks.push(Box::new(callback));
        }
    }

    fn invoke(&self, callback: Callback<T, E>) {
        if panic::catch_unwind(AssertUnwindSafe(|| callback(self))).is_err() {
            eprintln!("exception calling callback for a future: a Rust panic");
        }
    }

    /// Marks the future running, unless it was cancelled; returns whether the task should run.
    /// Python: `set_running_or_notify_cancel()`.
    pub(crate) fn set_running_or_notify_cancel(&self) -> bool {
        let mut state = self.state();
        match state.phase {
            Phase::Pending => {
                state.phase = Phase::Running;
                true
            }
            _ => false,
        }
    }

    /// Completes a pending or running future; does nothing to a done one (a cancelled future
    /// stays cancelled). Python: `set_result()` / `set_exception()`.
    pub(crate) fn set_outcome(&self, outcome: Outcome<T, E>) {
        let state = self.state();
        if !matches!(state.phase, Phase::Done(_)) {
            self.complete(state, outcome);
        }
    }

    /// Stores the outcome, then, with the lock released, wakes every waiter and runs the
    /// callbacks.
    fn complete(&self, mut state: MutexGuard<'_, State<T, E>>, outcome: Outcome<T, E>) {
        state.phase = Phase::Done(outcome);
        let callbacks = std::mem::take(&mut state.callbacks);
        let waiters = state.waiters.clone();
        drop(state);
        self.0.done.notify_all();
        for waiter in waiters {
            waiter.notify_one();
        }
        for callback in callbacks {
            self.invoke(callback);
        }
    }

    /// The outcome's kind, if done: `Some(is_exception)`.
    fn finished(&self) -> Option<bool> {
        match &self.state().phase {
            Phase::Done(outcome) => Some(outcome.is_exception()),
            _ => None,
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
/// The condition is checked first without registering; if it does not hold, a signal is
/// registered with every future (a completion from then on wakes it) and the condition checked
/// again before each wait. The epoch is read before each check, so a completion that the check
/// missed moves it and the wait does not sleep.
fn wait_for<T, E, R>(
    futures: &[&Future<T, E>],
    timeout: Timeout,
    mut condition: impl FnMut() -> Option<R>,
) -> Option<R> {
    if let Some(found) = condition() {
        return Some(found);
    }
    let waiter = Arc::new(Signal::new());
    for future in futures {
        future.state().waiters.push(Arc::clone(&waiter));
    }
    let deadline: Deadline = timeout.deadline();
    let found = loop {
        let seen = waiter.epoch();
        if let Some(found) = condition() {
            break Some(found);
        }
        if deadline.expired() {
            break None;
        }
        waiter.wait(seen, deadline);
    };
    for future in futures {
        future.state().waiters.retain(|w| !Arc::ptr_eq(w, &waiter));
    }
    found
}
