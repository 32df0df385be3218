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
pub struct Future<T, E>(Arc<Inner<T, E, dyn Send + Sync>>);

impl<T, E> Clone for Future<T, E> {
    fn clone(&self) -> Self {
        Future(Arc::clone(&self.0))
    }
}

type Callback<T, E> = Box<dyn FnOnce(&Future<T, E>) + Send>;

/// A future's shared state, followed by its task (`S`): one allocation per submitted task.
/// `repr(C)` keeps `label` first, at the address a raw pointer to the future gives.
#[repr(C)]
struct Inner<T, E, S: ?Sized> {
    /// Set by whoever submits the task and never changed: the C API stores its handle tag here,
    /// so that a future's raw pointer ([`Future::into_raw`]) is its C handle.
    label: u64,
    state: Mutex<State<T, E>>,
    /// Threads waiting for this future alone park here; notified once, on completion.
    done: Signal,
    /// The task, until it is taken to run or dropped unrun: a `Mutex<Option<F>>`.
    task: S,
}

struct State<T, E> {
    phase: Phase<T, E>,
    /// Notified or run once, on completion, in the completing thread, then removed. One list
    /// for both keeps the future small (see `Future::with_task`).
    listeners: Vec<Listener<T, E>>,
    /// Threads in `outcome` about to wait on `done`, or waiting: completion skips the wake-up
    /// (a call into the parking lot) when there are none.
    sleepers: u32,
}

enum Listener<T, E> {
    /// A done callback; callbacks run in the order they were added.
    Callback(Callback<T, E>),
    /// The signal of a thread waiting for several futures, this one among them.
    Waiter(Arc<Signal>),
}

enum Phase<T, E> {
    Pending,
    Running,
    Done(Outcome<T, E>),
}

/// What a pool runs: a closure returning the task's result or error, or another type that
/// says how to call it (the C API's task function and argument).
pub(crate) trait TaskFn<T, E>: Send + 'static {
    /// Runs the task.
    fn call(self) -> Result<T, E>;
}

impl<T, E, F: FnOnce() -> Result<T, E> + Send + 'static> TaskFn<T, E> for F {
    fn call(self) -> Result<T, E> {
        self()
    }
}

/// A task stored with its future, its types erased: what a pool queues. Each is run or
/// abandoned once.
pub(crate) trait Task: Send + Sync {
    /// Runs the task and completes its future, unless the future was cancelled (the task is
    /// then dropped unrun).
    fn run(self: Arc<Self>);
    /// Drops the task unrun, then completes its future: cancelled, or failed as broken.
    fn abandon(self: Arc<Self>, broken: bool);
}

impl<T, E, F> Task for Inner<T, E, Mutex<Option<F>>>
where
    T: Send + 'static,
    E: Send + 'static,
    F: TaskFn<T, E>,
{
    fn run(self: Arc<Self>) {
        let task = self.task.lock().take().expect("a task runs once");
        let future = Future(self);
        if !future.set_running_or_notify_cancel() {
            return;
        }
        let outcome = match panic::catch_unwind(AssertUnwindSafe(|| task.call())) {
            Ok(Ok(value)) => Outcome::Returned(value),
            Ok(Err(error)) => Outcome::Failed(error),
            Err(_) => Outcome::Panicked,
        };
        future.set_outcome(outcome);
    }

    fn abandon(self: Arc<Self>, broken: bool) {
        // The task's captures are released before anyone waiting on the future wakes.
        drop(self.task.lock().take());
        let future = Future(self);
        if broken {
            future.set_outcome(Outcome::Broken);
        } else {
            future.cancel();
        }
    }
}

impl<T: Send + 'static, E: Send + 'static> Future<T, E> {
    /// A pending future holding `task` and labelled `label`, and the task, for an executor to
    /// run or abandon once.
    pub(crate) fn with_task<F: TaskFn<T, E>>(label: u64, task: F) -> (Future<T, E>, Arc<dyn Task>) {
        let inner = Arc::new(Inner {
            label,
            state: Mutex::new(State {
                phase: Phase::Pending,
                listeners: Vec::new(),
                sleepers: 0,
            }),
            done: Signal::new(),
            task: Mutex::new(Some(task)),
        });
        (Future(inner.clone()), inner)
    }

    /// Gives up this reference as a pointer to the future's `label`, for [`Future::from_raw`].
    pub(crate) fn into_raw(self) -> *const u64 {
        Arc::into_raw(self.0).cast()
    }

    /// Takes back a reference given up by [`Future::into_raw`].
    ///
    /// # Safety
    /// `raw` came from `into_raw` of a future made by `with_task` with a task of type `F`, and
    /// the reference it stands for is given up by the caller.
    pub(crate) unsafe fn from_raw<F: TaskFn<T, E>>(raw: *const u64) -> Future<T, E> {
        // SAFETY: per the contract, `raw` points at an `Inner` of this type (thin: its task's
        // type is known), from `Arc::into_raw`, with a reference to take back.
        Future(unsafe { Arc::from_raw(raw.cast::<Inner<T, E, Mutex<Option<F>>>>()) })
    }
}

impl<T, E> Future<T, E> {
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
            state.sleepers += 1;
            MutexGuard::unlocked(&mut state, || self.0.done.wait(seen, deadline));
            state.sleepers -= 1;
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
            state.listeners.push(Listener::Callback(Box::new(callback)));
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
        let listeners = std::mem::take(&mut state.listeners);
        // A thread that counts itself in `sleepers` read the epoch under this lock, before this
        // completion: it either sees the bump or is parked when `notify_all` runs. A thread that
        // is not counted looks at the phase, now done, before it waits.
        let sleepers = state.sleepers > 0;
        drop(state);
        if sleepers {
            self.0.done.notify_all();
        }
        for listener in &listeners {
            if let Listener::Waiter(waiter) = listener {
                waiter.notify_one();
            }
        }
        for listener in listeners {
            if let Listener::Callback(callback) = listener {
                self.invoke(callback);
            }
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

/// A pending future holding `task`, and a closure that runs it once as a pool's worker does:
/// for the loom models (`tests/loom.rs`), which have no pool.
#[cfg(loom)]
pub fn model_task<T, E, F>(task: F) -> (Future<T, E>, impl FnOnce() + Send)
where
    T: Send + 'static,
    E: Send + 'static,
    F: FnOnce() -> Result<T, E> + Send + 'static,
{
    let (future, task) = Future::with_task(0, task);
    (future, move || task.run())
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
        future
            .state()
            .listeners
            .push(Listener::Waiter(Arc::clone(&waiter)));
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
        // Gone already if the future completed since.
        future
            .state()
            .listeners
            .retain(|l| !matches!(l, Listener::Waiter(w) if Arc::ptr_eq(w, &waiter)));
    }
    found
}
