//! `Future`: Python's `concurrent.futures.Future`, with the module's `wait` and `as_completed`.
//!
//! A future is pending, then running, then done with an [`Outcome`]; a pending future may be
//! cancelled instead. One atomic status word says which, and counts the references to the
//! future: whether a pending future runs or is cancelled is decided by its first claim, and the
//! outcome, written once by the claimer, is published by setting its done bit. Listeners and
//! sleepers are kept under a mutex, which a completion takes only if one registered, so that
//! starting, completing and reading a future that nobody waits on takes no lock. Threads
//! waiting for one future park on its `done` `Condvar`. Threads waiting for several ([`wait`],
//! [`as_completed_next`]) register a condvar of their own with each of them, as CPython
//! registers a `_Waiter`: completing a future wakes every condvar registered with it.
//!
//! One difference with CPython: a cancelled future counts as done for [`wait`] and
//! [`as_completed_next`] at once. CPython only reports it there once an executor has noticed the
//! cancellation (`set_running_or_notify_cancel`), which never happens to futures cancelled by
//! `shutdown(cancel_futures=True)`.
// Under loom the pool, which creates and completes futures, is not built.
#![cfg_attr(loom, allow(dead_code))]

use std::cell::UnsafeCell;
use std::mem::ManuallyDrop;
use std::panic::{self, AssertUnwindSafe};
use std::ptr::NonNull;
use std::sync::Arc;

use crate::Error;
use crate::loom::atomic::{AtomicU64, Ordering};
use crate::loom::{Mutex, MutexGuard};
use crate::park::{Condvar, Waiters};
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
///
/// A counted reference to the future's allocation, as an `Arc` would be, without the weak count,
/// starting with the queue's reference counted in (see `Future::with_task`), and counted in the
/// status word, so that a worker completes a future and gives up its reference at once.
pub struct Future<T, E>(NonNull<Inner<T, E, dyn Send + Sync>>);

// SAFETY: a `Future` is a counted shared reference to its `Inner`, like an `Arc`, which is
// `Send` and `Sync` when the `Inner` is both: here when `T` and `E` are `Send` (the task is
// `Send + Sync`, the outcome cell `Sync` for `Send` contents, the rest under a mutex).
unsafe impl<T: Send, E: Send> Send for Future<T, E> {}
// SAFETY: as for `Send`.
unsafe impl<T: Send, E: Send> Sync for Future<T, E> {}

/// The most references a future may have: beyond, the count could wrap (`Arc`'s rule).
const MAX_REFS: u64 = i32::MAX as u64;

impl<T, E> Clone for Future<T, E> {
    fn clone(&self) -> Self {
        // Relaxed: a reference is made from one held, which keeps the future alive; as
        // `Arc::clone`.
        if self.inner().status.fetch_add(REF, Ordering::Relaxed) / REF > MAX_REFS {
            std::process::abort();
        }
        Future(self.0)
    }
}

impl<T, E> Drop for Future<T, E> {
    fn drop(&mut self) {
        // SAFETY: this handle holds one reference to a future from `with_task`, given up here.
        unsafe { release(self.0) };
    }
}

/// What a future's allocation is known as (its `Inner`, or its task): counted references to it.
trait Counted {
    /// The status word, which counts the references to the allocation in units of `REF`.
    fn status_word(&self) -> &AtomicU64;
}

impl<T, E, S: ?Sized> Counted for Inner<T, E, S> {
    fn status_word(&self) -> &AtomicU64 {
        &self.status
    }
}

/// Gives up one reference to a future's allocation; the last one frees it.
///
/// # Safety
/// `ptr` points at a future's allocation from `Future::with_task` (its `Inner`, or its task),
/// and the caller holds one reference to it, which it gives up.
unsafe fn release<X: Counted + ?Sized>(ptr: NonNull<X>) {
    // SAFETY: the caller's reference keeps the allocation alive until this decrement.
    let status = unsafe { ptr.as_ref() }.status_word();
    // Release: this holder's uses of the future happen before the last holder frees it.
    if status.fetch_sub(REF, Ordering::Release) / REF == 1 {
        // SAFETY: that was the last reference; the caller's contract.
        unsafe { free(ptr) };
    }
}

/// Frees a future's allocation once its last reference is given up.
///
/// # Safety
/// `ptr` points at a future's allocation from `Future::with_task` (its `Inner`, or its task),
/// whose last reference the caller gave up with release ordering.
unsafe fn free<X: Counted + ?Sized>(ptr: NonNull<X>) {
    // Acquire: reads what the last decrement wrote; each holder's release decrement heads a
    // release sequence that the later decrements (read-modify-writes) continue, so every
    // holder's uses happen before the free (as in `Arc`'s drop). A load, not an acquire
    // fence: ThreadSanitizer does not model fences, and reported the free as a race with
    // another holder's last read (std's `Arc` loads for the same reason).
    // SAFETY: no reference is left, so nothing else changes the allocation or frees it.
    unsafe { ptr.as_ref() }
        .status_word()
        .load(Ordering::Acquire);
    // SAFETY: no reference is left, so nothing else reaches the allocation; it is a `Box`'s
    // (see `with_task`), of the type `X` was made from.
    drop(unsafe { Box::from_raw(ptr.as_ptr()) });
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
    /// `CLAIMED`, `DONE` and the outcome's kind, `WATCHED` (see their definitions), and the
    /// references held, the `Future`s and the `Queued`, in units of `REF` (see `release`).
    status: AtomicU64,
    /// The outcome, once `DONE` is set.
    outcome: OutcomeCell<T, E>,
    /// Threads waiting for this future alone park here; notified once, on completion.
    done: Condvar,
    /// The task, until it is taken to run or dropped unrun: a `TaskCell<F>`.
    task: S,
}

/// `Inner::status`: set by the first of the worker about to run the task and a canceller of
/// the pending future (or a pool abandoning it): whoever sets it decides (the task runs, or the
/// future is cancelled or failed as broken) and completes the future. The worker sets it
/// without the state lock; a canceller or a pool abandoning the task, with it.
const CLAIMED: u64 = 1;
/// `Inner::status`: the outcome is written; set by the claimer, with the kind bits below.
const DONE: u64 = 2;
/// `Inner::status`, with `DONE`: the outcome is `Cancelled`.
const CANCELLED: u64 = 4;
/// `Inner::status`, with `DONE`: the outcome counts as an exception (`Outcome::is_exception`).
const EXCEPTION: u64 = 8;
/// `Inner::status`: a listener or a sleeper registered, under the state lock; the completion
/// then takes the lock to notify or run them. Whichever of this and `DONE` is set first decides:
/// a registration that finds `DONE` already set is handled by the registering thread.
const WATCHED: u64 = 16;
/// `Inner::status`: one reference to the future, counted in the upper half.
const REF: u64 = 1 << 32;

struct State<T, E> {
    /// Notified or run once, on completion, in the completing thread, then removed. One list
    /// for both keeps the future small (see `Future::with_task`).
    listeners: Vec<Listener<T, E>>,
    /// Threads in `wait_done` about to wait on `done`, or waiting: completion skips the wake-up
    /// (a call into the parking lot) when there are none.
    sleepers: Waiters,
}

/// A future's outcome: written once, by the thread that claimed the future, before it sets
/// `DONE`; then only read, by whoever saw `DONE`.
struct OutcomeCell<T, E>(UnsafeCell<Option<Outcome<T, E>>>);

// SAFETY: the one write (`set`) happens before `DONE` is set (release), and every read (`get`)
// after `DONE` was seen (acquire), so no read races the write. Reads by several threads at once
// happen only if `T` and `E` are `Sync` (`Future::outcome_ref`); otherwise (`Future::outcome`)
// they take turns under the state lock, as a `Mutex<Outcome<T, E>>` would, which needs `Send`.
unsafe impl<T: Send, E: Send> Sync for OutcomeCell<T, E> {}

impl<T, E> OutcomeCell<T, E> {
    /// Stores the outcome.
    ///
    /// # Safety
    /// Called once per future, by the thread that claimed it, before `DONE` is set.
    unsafe fn set(&self, outcome: Outcome<T, E>) {
        // SAFETY: no other access meanwhile: per the contract, readers wait for `DONE`.
        unsafe { *self.0.get() = Some(outcome) };
    }

    /// The outcome.
    ///
    /// # Safety
    /// `DONE` was seen set with acquire ordering (or by a read ordered after such a one); and
    /// the reference is used only with the state lock held, unless `T` and `E` are `Sync`.
    unsafe fn get(&self) -> &Outcome<T, E> {
        // SAFETY: written before `DONE` and never again (see the `Sync` impl).
        unsafe { (*self.0.get()).as_ref() }.expect("a done future has an outcome")
    }
}

enum Listener<T, E> {
    /// A done callback; callbacks run in the order they were added.
    Callback(Callback<T, E>),
    /// The condvar of a thread waiting for several futures, this one among them.
    Waiter(Arc<Condvar>),
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

/// A future's task, taken once without a lock: only the future's one [`Queued`] takes it.
struct TaskCell<F>(UnsafeCell<Option<F>>);

// SAFETY: the cell is only read through `TaskCell::take`, which only `Task::run` and
// `Task::abandon` call; those are private to this module and called only by `Queued::run` and
// `Queued::abandon`, which consume the one `Queued` that `with_task` makes for the future. So
// one thread, once, moves the task out (`F: Send`); the future's other references never touch
// the cell.
unsafe impl<F: Send> Sync for TaskCell<F> {}

impl<F> TaskCell<F> {
    /// Moves the task out. Called once per future (see the `Sync` impl).
    fn take(&self) -> Option<F> {
        // SAFETY: no other access to the cell can happen meanwhile (see the `Sync` impl).
        unsafe { (*self.0.get()).take() }
    }
}

/// A task stored with its future, its types erased. Only [`Queued`] calls these, with its own
/// pointer to the future (`this`, pointing at `self`).
trait Task: Counted + Send + Sync {
    /// The function that runs the task of `this` (a `Queued` for it) and completes its future,
    /// unless the future was cancelled (the task is then dropped unrun), giving up the reference
    /// of `this`. A function, not a method: it may free the allocation, which must not be
    /// borrowed meanwhile (as a method's `&self` would be).
    fn runner(&self) -> fn(Queued);
    /// Drops the task unrun, then completes its future: cancelled, or failed as broken.
    fn abandon(&self, this: &Queued, broken: bool);
}

/// A submitted task with its future: what a pool queues, to run or abandon once. A counted
/// reference to the future's allocation (see [`Future`]).
pub(crate) struct Queued(NonNull<dyn Task>);

// SAFETY: a counted reference to a `dyn Task`, which is `Send + Sync`, like an `Arc<dyn Task>`.
unsafe impl Send for Queued {}

impl Queued {
    /// Runs the task and completes its future, unless the future was cancelled (the task is
    /// then dropped unrun).
    pub(crate) fn run(self) {
        let run = self.task().runner();
        run(self);
    }

    /// Drops the task unrun, then completes its future: cancelled, or failed as broken.
    pub(crate) fn abandon(self, broken: bool) {
        self.task().abandon(&self, broken);
    }

    fn task(&self) -> &dyn Task {
        // SAFETY: this holds a reference, which keeps the allocation alive.
        unsafe { self.0.as_ref() }
    }
}

impl Drop for Queued {
    fn drop(&mut self) {
        // SAFETY: this holds one reference to a future from `with_task`, given up here.
        unsafe { release(self.0) };
    }
}

impl<T, E, F> Task for Inner<T, E, TaskCell<F>>
where
    T: Send + 'static,
    E: Send + 'static,
    F: TaskFn<T, E>,
{
    fn runner(&self) -> fn(Queued) {
        Self::run
    }

    fn abandon(&self, this: &Queued, broken: bool) {
        // The task's captures are released before anyone waiting on the future wakes.
        drop(self.task.take());
        let future = Self::future(this);
        if !broken {
            future.cancel();
            return;
        }
        // Under the lock, as a canceller claims (see `running`).
        let state = future.state();
        if future.claim() {
            future.complete(Some(state), Outcome::Broken);
        }
    }
}

impl<T, E, F> Inner<T, E, TaskCell<F>>
where
    T: Send + 'static,
    E: Send + 'static,
    F: TaskFn<T, E>,
{
    /// The future that `this` (a `Queued` for this task) stands for, borrowed: the reference
    /// stays the `Queued`'s.
    fn future(this: &Queued) -> ManuallyDrop<Future<T, E>> {
        // `this` points at an `Inner` of this type: `Task` is implemented for it alone, and a
        // `Queued`'s pointer comes from `with_task`, made from a `Box<Self>`.
        ManuallyDrop::new(Future(this.0.cast::<Self>()))
    }

    /// [`Task::runner`]'s function.
    fn run(this: Queued) {
        // SAFETY: `this` holds a reference, which keeps the allocation alive, and points at an
        // `Inner` of this type (see `future`).
        let task = unsafe { this.0.cast::<Self>().as_ref() }.task.take();
        let task = task.expect("a task runs once");
        // The reference of `this` passes to a future.
        let this = ManuallyDrop::new(this);
        let future = ManuallyDrop::into_inner(Self::future(&this));
        if !future.set_running_or_notify_cancel() {
            return;
        }
        let outcome = match panic::catch_unwind(AssertUnwindSafe(|| task.call())) {
            Ok(Ok(value)) => Outcome::Returned(value),
            Ok(Err(error)) => Outcome::Failed(error),
            Err(_) => Outcome::Panicked,
        };
        future.complete_and_release(outcome);
    }
}

impl<T: Send + 'static, E: Send + 'static> Future<T, E> {
    /// A pending future holding `task` and labelled `label`, and the task, for an executor to
    /// run or abandon once.
    pub(crate) fn with_task<F: TaskFn<T, E>>(label: u64, task: F) -> (Future<T, E>, Queued) {
        let inner = Box::new(Inner {
            label,
            state: Mutex::new(State {
                listeners: Vec::new(),
                sleepers: Waiters::default(),
            }),
            // Pending, and two references: the future returned and the `Queued`.
            status: AtomicU64::new(2 * REF),
            outcome: OutcomeCell(UnsafeCell::new(None)),
            done: Condvar::new(),
            task: TaskCell(UnsafeCell::new(Some(task))),
        });
        let inner = NonNull::from(Box::leak(inner));
        (Future(inner), Queued(inner))
    }

    /// Gives up this reference as a pointer to the future's `label`, for [`Future::from_raw`].
    pub(crate) fn into_raw(self) -> *const u64 {
        ManuallyDrop::new(self).0.as_ptr().cast_const().cast()
    }

    /// Takes back a reference given up by [`Future::into_raw`].
    ///
    /// # Safety
    /// `raw` came from `into_raw` of a future made by `with_task` with a task of type `F`, and
    /// the reference it stands for is given up by the caller.
    pub(crate) unsafe fn from_raw<F: TaskFn<T, E>>(raw: *const u64) -> Future<T, E> {
        // SAFETY: per the contract, `raw` points at an `Inner` of this type (thin: its task's
        // type is known), from `into_raw`, so it is not null; the reference is taken back.
        Future(unsafe { NonNull::new_unchecked(raw.cast::<Inner<T, E, TaskCell<F>>>().cast_mut()) })
    }
}

impl<T, E> Future<T, E> {
    fn inner(&self) -> &Inner<T, E, dyn Send + Sync> {
        // SAFETY: this handle holds a reference, which keeps the allocation alive.
        unsafe { self.0.as_ref() }
    }

    fn state(&self) -> MutexGuard<'_, State<T, E>> {
        self.inner().state.lock()
    }

    /// The status word (see `CLAIMED` and the other bits).
    fn status(&self) -> u64 {
        // Acquire: pairs with the completion's release, so a caller that sees `DONE` may read
        // the outcome.
        self.inner().status.load(Ordering::Acquire)
    }

    /// Sets `WATCHED`, under the state lock, before registering a listener or a sleeper; returns
    /// the status before: if it has `DONE`, the completion will not look at the registrations
    /// (or has already), so the caller must not register.
    fn watch(&self, _locked: &MutexGuard<'_, State<T, E>>) -> u64 {
        // AcqRel: acquire as in `status`. Both this and the completion's `DONE` are
        // read-modify-writes of one word, so one of them sees the other: the completion sees
        // `WATCHED` (and then takes the lock, after this registration) or this sees `DONE`.
        self.inner().status.fetch_or(WATCHED, Ordering::AcqRel)
    }

    /// Cancels the future if it has not started; returns whether it is cancelled. Python:
    /// `future.cancel()`.
    ///
    /// A running or finished future is not cancelled (false); cancelling twice is true twice.
    /// Cancelling completes the future: its callbacks run now, in the calling thread.
    pub fn cancel(&self) -> bool {
        // Claimed and completed under the lock: a canceller that loses to another finds the
        // cancellation done when it gets the lock, and returns true too.
        let state = self.state();
        if self.claim() {
            self.complete(Some(state), Outcome::Cancelled);
            return true;
        }
        drop(state);
        self.status() & CANCELLED != 0
    }

    /// Whether the future was cancelled. Python: `future.cancelled()`.
    pub fn cancelled(&self) -> bool {
        self.status() & CANCELLED != 0
    }

    /// Whether the task is running now. Python: `future.running()`.
    pub fn running(&self) -> bool {
        let claimed = |status| status & (CLAIMED | DONE) == CLAIMED;
        if !claimed(self.status()) {
            return false;
        }
        // Only a worker about to run the task claims it without the lock; a canceller (or a
        // pool abandoning it) claims and completes under it: looking again under the lock, a
        // future being cancelled is not taken for running.
        let _state = self.state();
        claimed(self.status())
    }

    /// Whether the future is done: finished, failed or cancelled. Python: `future.done()`.
    pub fn done(&self) -> bool {
        self.status() & DONE != 0
    }

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

    fn invoke(&self, callback: Callback<T, E>) {
        if panic::catch_unwind(AssertUnwindSafe(|| callback(self))).is_err() {
            eprintln!("exception calling callback for a future: a Rust panic");
        }
    }

    /// Marks the future running, unless it was cancelled; returns whether the task should run.
    /// Python: `set_running_or_notify_cancel()`.
    pub(crate) fn set_running_or_notify_cancel(&self) -> bool {
        self.claim()
    }

    /// Whether this caller is the first to claim the pending future (see `CLAIMED`); if so, it
    /// must complete it.
    fn claim(&self) -> bool {
        // Relaxed: only the read-modify-write's atomicity matters (one winner); the outcome is
        // published by `DONE`.
        self.inner().status.fetch_or(CLAIMED, Ordering::Relaxed) & CLAIMED == 0
    }

    /// Stores the outcome and sets `DONE`; then, if anyone registered, with the lock released,
    /// wakes every waiter and runs the callbacks. Called once, by the future's claimer, holding
    /// the state lock (`held`) or not.
    fn complete(&self, held: Option<MutexGuard<'_, State<T, E>>>, outcome: Outcome<T, E>) {
        let done = self.store_outcome(outcome);
        // Release: whoever sees `DONE` (acquire) sees the outcome written before. The listeners
        // and sleepers are read under the lock, which orders them.
        if self.inner().status.fetch_or(done, Ordering::Release) & WATCHED != 0 {
            self.notify_listeners(held);
        }
    }

    /// [`Future::complete`] by the worker that ran the task, giving up this reference (the
    /// worker's): in one read-modify-write of the status word when nobody registered.
    fn complete_and_release(self, outcome: Outcome<T, E>) {
        let done = self.store_outcome(outcome);
        // The reference is given up below, by hand.
        let this = ManuallyDrop::new(self);
        let status = &this.inner().status;
        let mut old = status.load(Ordering::Relaxed);
        while old & WATCHED == 0 {
            // Release: as in `complete` for the outcome, and as in `release` for this holder's
            // uses of the future.
            match status.compare_exchange_weak(
                old,
                (old | done) - REF,
                Ordering::Release,
                Ordering::Relaxed,
            ) {
                Ok(_) => {
                    if old / REF == 1 {
                        // SAFETY: that was the last reference, given up with release ordering.
                        unsafe { free(this.0) };
                    }
                    return;
                }
                Err(now) => old = now,
            }
        }
        // `WATCHED` is never cleared: the listeners are told, then the reference given up.
        status.fetch_or(done, Ordering::Release);
        this.notify_listeners(None);
        drop(ManuallyDrop::into_inner(this));
    }

    /// Stores the outcome; returns the status bits that publish it (`DONE` and its kind).
    /// Called once, by the future's claimer.
    fn store_outcome(&self, outcome: Outcome<T, E>) -> u64 {
        let kind = match &outcome {
            Outcome::Cancelled => CANCELLED,
            o if o.is_exception() => EXCEPTION,
            _ => 0,
        };
        // SAFETY: the claimer completes once, before `DONE` is set.
        unsafe { self.inner().outcome.set(outcome) };
        DONE | kind
    }

    /// After `DONE` is set on a watched future: wakes every waiter and, with the lock released,
    /// runs the callbacks. `held`: the state lock, if the caller holds it.
    fn notify_listeners(&self, held: Option<MutexGuard<'_, State<T, E>>>) {
        let mut state = held.unwrap_or_else(|| self.state());
        let listeners = std::mem::take(&mut state.listeners);
        // A thread that counts itself in `sleepers` read the epoch under this lock, before this
        // completion: it either sees the bump or is parked when `notify_all` runs. A thread that
        // is not counted sees `DONE` when it sets `WATCHED`, before it waits.
        let wake = state.sleepers.pick_all();
        drop(state);
        if wake {
            self.inner().done.notify_all();
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
        let status = self.status();
        (status & DONE != 0).then_some(status & EXCEPTION != 0)
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
