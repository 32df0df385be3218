//! The status word: where a future is in its life, decided without a lock, and the transitions
//! that move it from pending to done.
//!
//! One `AtomicU64` (`Inner::status`): seven flag bits at the bottom, above them the number of the
//! pool worker that claimed the task (`RUNNER`, see `runners.rs`), and in the upper half the
//! count of references to the future's allocation, in units of `REF` (see `handle.rs`). The
//! life of a future, in `CLAIMED` and `DONE`:
//!
//! | `DONE` | `CLAIMED` | meaning                                                                |
//! |--------|-----------|------------------------------------------------------------------------|
//! | 0      | 0         | pending: the first claim decides whether it runs or is cancelled       |
//! | 0      | 1         | claimed: running (a worker claims without the lock), or being cancelled  |
//! |        |           | or abandoned (a canceller or a pool claims and completes under the lock) |
//! | 1      | 1         | done: the outcome is written; `CANCELLED` or `EXCEPTION` tell its kind  |
//!
//! "`CLAIMED`" here stands for the bit or a worker's number: a pool's worker claims a task by
//! adding its number (`Future::claim_as`), so that an interrupt finds it. `DONE` is never set
//! without a claim, and no bit is ever cleared. Beside them, `WATCHED`
//! says that a listener or a sleeper registered (under the state lock): the completion then
//! takes the lock to wake or run them; a future nobody waits on is started, completed and read
//! without a lock. `WATCHED` and `DONE` are both set by read-modify-writes, so whichever comes
//! second sees the first: a registration that finds `DONE` is handled by the registering thread.
//! A sleeper (a thread waiting for this future alone) sets `SLEEPING` with `WATCHED`, and parks
//! on the status word's address while `DONE` is not set, as on a futex: the word is the
//! future's condition variable, so that a future carries no other (see `Future::sleep`).
use std::mem::ManuallyDrop;
use std::panic::{self, AssertUnwindSafe};

use super::handle::{Callback, Future, Inner, Listener, REF, State, free};
use super::outcome::Outcome;
use crate::loom::MutexGuard;
use crate::loom::atomic::Ordering;
use crate::loom::table::{self, DEFAULT_PARK_TOKEN, DEFAULT_UNPARK_TOKEN, SpinWait};
use crate::timeout::Deadline;
use crate::{Error, Rejected};

/// `Inner::status`: set by the first of the worker about to run the task and a canceller of
/// the pending future (or a pool abandoning it): whoever sets it decides (the task runs, or the
/// future is cancelled or failed as broken) and completes the future. The worker sets it
/// without the state lock (or adds its number instead, see `RUNNER`); a canceller or a pool
/// abandoning the task, with it.
const CLAIMED: u64 = 1;

/// `Inner::status`: the outcome is written; set by the claimer, with the kind bits below.
pub(super) const DONE: u64 = 2;

/// `Inner::status`, with `DONE`: the outcome is `Cancelled`.
const CANCELLED: u64 = 4;

/// `Inner::status`, with `DONE`: the outcome counts as an exception (`Outcome::is_exception`).
const EXCEPTION: u64 = 8;

/// `Inner::status`: a listener or a sleeper registered, under the state lock; the completion
/// then takes the lock to notify or run them. Whichever of this and `DONE` is set first decides:
/// a registration that finds `DONE` already set is handled by the registering thread.
const WATCHED: u64 = 16;

/// `Inner::status`, from the start: the future was made without a task ([`Future::new`]), to be
/// completed by its owner's [`Future::set_result`] or [`Future::set_exception`] (under the state
/// lock, as a canceller), never by a worker.
pub(super) const STANDALONE: u64 = 32;

/// `Inner::status`, with `WATCHED`: a thread waiting for this future alone may be parked on the
/// status word (see [`Future::sleep`]); the completion then wakes every thread parked there.
pub(super) const SLEEPING: u64 = 64;

/// `Inner::status`: the lowest bit of the number of the pool worker that claimed the task
/// ([`Future::claim_as`]); bits 7 to 31, 0 if no worker did. A number there claims the future
/// as `CLAIMED` does (see [`claimed`]).
const RUNNER: u64 = 128;

/// `Inner::status`: the bits of the worker's number, up to the reference count (`runners::MAX`
/// is the largest number they hold).
const RUNNER_BITS: u64 = REF - RUNNER;

/// Whether the status says claimed: `CLAIMED`, or a worker's number (which a worker's claim
/// adds instead of setting `CLAIMED`).
fn claimed(status: u64) -> bool {
    status & (CLAIMED | RUNNER_BITS) != 0
}

/// Whether the status says that an outcome is stored: done, and not cancelled (a cancellation
/// stores none: see `OutcomeCell::set`).
fn outcome_stored(status: u64) -> bool {
    status & (DONE | CANCELLED) == DONE
}

// Here, beside the status bits it reads: `handle.rs`, which this file imports, cannot import
// them (tests/layering.rs forbids the cycle).
impl<T, E, S: ?Sized> Drop for Inner<T, E, S> {
    /// Drops the outcome, if one is stored (the slot's other part, the task, is always taken
    /// by then: see `Queued`'s drop); the tail's own drop leaves the slot alone.
    fn drop(&mut self) {
        // Relaxed: the last reference is gone, and `free` read the status with acquire.
        let status = self.status.load(Ordering::Relaxed);
        if outcome_stored(status) {
            // SAFETY: stored, and never dropped before: this is the allocation's drop.
            unsafe { self.outcome().drop_in_place() };
        }
    }
}

impl<T, E> Future<T, E> {
    /// The status word (see `CLAIMED` and the other bits).
    pub(super) fn status(&self) -> u64 {
        // Acquire: pairs with the completion's release, so a caller that sees `DONE` may read
        // the outcome.
        self.inner().status.load(Ordering::Acquire)
    }

    /// Sets `WATCHED`, under the state lock, before registering a listener; returns the status
    /// before: if it has `DONE`, the completion will not look at the registrations (or has
    /// already), so the caller must not register.
    pub(super) fn watch(&self, locked: &MutexGuard<'_, State<T, E>>) -> u64 {
        self.watch_with(locked, WATCHED)
    }

    /// [`Future::watch`] for a sleeper, before it parks ([`Future::sleep`]): sets `SLEEPING`
    /// too.
    pub(super) fn watch_sleeping(&self, locked: &MutexGuard<'_, State<T, E>>) -> u64 {
        self.watch_with(locked, WATCHED | SLEEPING)
    }

    fn watch_with(&self, _locked: &MutexGuard<'_, State<T, E>>, bits: u64) -> u64 {
        // AcqRel: acquire as in `status`. Both this and the completion's `DONE` are
        // read-modify-writes of one word, so one of them sees the other: the completion sees
        // `WATCHED` (and then takes the lock, after this registration) or this sees `DONE`.
        self.inner().status.fetch_or(bits, Ordering::AcqRel)
    }

    /// Parks the calling thread, which set `SLEEPING` ([`Future::watch_sleeping`]) and did not
    /// see `DONE`, until the future is done or `deadline`; may return early, so the caller
    /// looks again. Called without the state lock.
    ///
    /// The status word is the key in the parking lot, and `DONE` the condition, as a futex's
    /// word and value: the validation, under the bucket's lock, sees `DONE` unless the
    /// completion's wake-up (which takes that lock after setting `DONE`, having seen
    /// `SLEEPING`) comes after this thread is queued. Nothing is lost.
    pub(super) fn sleep(&self, deadline: Deadline) {
        let status = &self.inner().status;
        // Relaxed: a hint; the caller reads the status again with acquire ordering.
        let done = || status.load(Ordering::Relaxed) & DONE != 0;
        // A task often ends within a few hundred nanoseconds: spin a little first, as
        // `Condvar::wait` does, since parking and being woken cost two system calls.
        let mut spin = SpinWait::new();
        while spin.spin() {
            if done() {
                return;
            }
        }
        // Relaxed: runs under the bucket lock, which orders it with the completion's `DONE`,
        // set before the completion takes the same lock to wake (see `notify_listeners`).
        let validate = || !done();
        table::park(
            self.sleep_key(),
            validate,
            || {},
            |_, _| {},
            DEFAULT_PARK_TOKEN,
            deadline,
        );
    }

    /// Where sleepers park: the status word's address.
    fn sleep_key(&self) -> usize {
        std::ptr::from_ref(&self.inner().status) as usize
    }

    /// Cancels the future if it has not started; returns whether it is cancelled. Python:
    /// `future.cancel()`.
    ///
    /// A running or finished future is not cancelled (false); cancelling twice is true twice.
    /// Cancelling completes the future: its callbacks run now, in the calling thread.
    pub fn cancel(&self) -> bool {
        // Claimed and completed under the lock: a canceller that loses to another finds the
        // cancellation done when it gets the lock, and returns true too.
        // A future broken by a fork counts as finished (`Outcome::Forked`): not cancelled.
        let Ok(state) = self.state() else {
            return false;
        };
        if self.claim() {
            self.complete(Some(state), Outcome::Cancelled);
            return true;
        }
        drop(state);
        self.status() & CANCELLED != 0
    }

    /// Interrupts the task if a pool's worker is running it: sets the worker's cancellation
    /// token, so that the task's [`cancelled`](crate::cancel::cancelled) is true and its waits
    /// end (as if the task's thread had installed a token and it were set), until the task
    /// returns. Returns whether it did. Java: `future.cancel(true)` for a running task, without
    /// marking the future cancelled: the task decides what it returns, and the future ends with
    /// that, a result or an error. A [`Scheduler`](crate::Scheduler)'s one-shot timer is
    /// interrupted the same way while its call runs. False for a pending task (see
    /// [`Future::cancel`]), one done, and a future made by [`Future::new`] (no worker runs it);
    /// true again while it runs.
    #[cfg(not(loom))]
    pub fn interrupt(&self) -> bool {
        // Under the lock, with `WATCHED` set: a worker completing the task now takes the lock
        // (see `complete_and_release`), so it has not gone on to another task while the token
        // is set. A canceller claims and completes under the lock: a future claimed and not
        // done, seen here, is being run by a worker, which wrote its number in the claim.
        let Ok(state) = self.state() else {
            return false;
        };
        let status = self.watch(&state);
        if !claimed(status) || status & DONE != 0 {
            return false;
        }
        let runner = (status & RUNNER_BITS) / RUNNER;
        let interrupted = runner != 0 && crate::runners::interrupt(runner as u32);
        drop(state);
        interrupted
    }

    /// Whether the future was cancelled. Python: `future.cancelled()`.
    pub fn cancelled(&self) -> bool {
        self.status() & CANCELLED != 0
    }

    /// Whether the task is running now. Python: `future.running()`.
    pub fn running(&self) -> bool {
        let running = |status| claimed(status) && status & DONE == 0;
        if !running(self.status()) {
            return false;
        }
        // Only a worker about to run the task claims it without the lock; a canceller (or a
        // pool abandoning it) claims and completes under it: looking again under the lock, a
        // future being cancelled is not taken for running. One broken by a fork counts as
        // finished.
        let Ok(_state) = self.state() else {
            return false;
        };
        running(self.status())
    }

    /// Whether the future is done: finished, failed or cancelled. Python: `future.done()`. In a
    /// child made by `fork()` where the future is broken by the fork, true: it counts as finished
    /// there ([`Outcome::Forked`]), as waits count it.
    pub fn done(&self) -> bool {
        self.completed() || self.inner().state.broken_by_fork()
    }

    /// Whether `DONE` is set, seen with acquire ordering (see [`Future::status`]): after which
    /// the outcome may be read.
    #[inline]
    pub(super) fn completed(&self) -> bool {
        self.status() & DONE != 0
    }

    pub(super) fn invoke(&self, callback: Callback<T, E>) {
        if panic::catch_unwind(AssertUnwindSafe(|| callback(self))).is_err() {
            eprintln!("exception calling callback for a future: a Rust panic");
        }
    }

    /// Marks a future made by [`Future::new`] running, unless it was cancelled: `Ok(true)` if
    /// its work should go ahead, `Ok(false)` if it was cancelled (the work must not be done).
    /// Python: `future.set_running_or_notify_cancel()`.
    ///
    /// [`Error::WrongState`] (CPython: `RuntimeError('Future in unexpected state')`) if it is
    /// already running or finished, or if it is a pool's future (its worker does this). Unlike
    /// CPython, a cancelled future answers `Ok(false)` every time it is asked.
    pub fn set_running_or_notify_cancel(&self) -> Result<bool, Error> {
        // Under the lock, as a canceller claims: see `running`.
        let _state = self.state()?;
        if self.status() & STANDALONE == 0 {
            return Err(Error::WrongState);
        }
        if self.claim() {
            return Ok(true);
        }
        if self.cancelled() {
            Ok(false)
        } else {
            Err(Error::WrongState)
        }
    }

    /// Completes a future made by [`Future::new`] with `value`, pending or running: its waiters
    /// wake and its callbacks run now, in the calling thread. Python: `future.set_result(value)`.
    ///
    /// Refused, `value` handed back: [`Error::InvalidStateFinished`] if the future is done,
    /// [`Error::InvalidStateCancelled`] if it was cancelled (CPython: `InvalidStateError`),
    /// [`Error::WrongState`] for a pool's future (its task completes it).
    pub fn set_result(&self, value: T) -> Result<(), Rejected<T>> {
        self.settle(Outcome::Returned(value))
            .map_err(|rejected| Rejected {
                error: rejected.error,
                value: match rejected.value {
                    Outcome::Returned(value) => value,
                    _ => unreachable!("the outcome given back is the one given"),
                },
            })
    }

    /// Completes a future made by [`Future::new`] as failed with `error`, as a task that fails:
    /// otherwise as [`Future::set_result`]. Python: `future.set_exception(exception)`.
    pub fn set_exception(&self, error: E) -> Result<(), Rejected<E>> {
        self.settle(Outcome::Failed(error))
            .map_err(|rejected| Rejected {
                error: rejected.error,
                value: match rejected.value {
                    Outcome::Failed(error) => error,
                    _ => unreachable!("the outcome given back is the one given"),
                },
            })
    }

    /// Completes a future made by [`Future::new`] with `outcome`, under the state lock (as a
    /// canceller does): [`Future::set_result`]'s work, for any outcome.
    pub(crate) fn settle(&self, outcome: Outcome<T, E>) -> Result<(), Rejected<Outcome<T, E>>> {
        match self.lock_to_settle() {
            Ok(state) => {
                self.settle_locked(state, outcome);
                Ok(())
            }
            Err(error) => Err(Rejected {
                error,
                value: outcome,
            }),
        }
    }

    /// Takes the state lock to complete a future made by [`Future::new`], or refuses (see
    /// [`Future::set_result`]) unless it is pending or running.
    pub(super) fn lock_to_settle(&self) -> Result<MutexGuard<'_, State<T, E>>, Error> {
        let state = self.state()?;
        let status = self.status();
        if status & STANDALONE == 0 {
            Err(Error::WrongState)
        } else if status & CANCELLED != 0 {
            Err(Error::InvalidStateCancelled)
        } else if status & DONE != 0 {
            Err(Error::InvalidStateFinished)
        } else {
            Ok(state)
        }
    }

    /// Completes with `outcome` the future whose lock [`Future::lock_to_settle`] gave.
    pub(super) fn settle_locked(&self, state: MutexGuard<'_, State<T, E>>, outcome: Outcome<T, E>) {
        // Pending (then claimed here) or running (claimed by `set_running_or_notify_cancel`):
        // with the lock held, nobody else completes it meanwhile.
        self.claim();
        self.complete(Some(state), outcome);
    }

    /// Completes a future made by [`Future::new`] with `value` as [`Future::set_result`] does,
    /// and keeps `keep` with it until its allocation is freed: for an owner whose result must
    /// live and be released with the future (the C API's result and the function that frees
    /// it), at no cost to a pool's futures. Kept in the listeners' place, which a done future no
    /// longer uses. Refused as [`Future::set_result`] is, `value` and `keep` handed back.
    #[cfg(feature = "capi")] // for the C API only
    pub(crate) fn set_result_keeping<K: Send + 'static>(
        &self,
        value: T,
        keep: K,
    ) -> Result<(), Rejected<(T, K)>> {
        let state = match self.lock_to_settle() {
            Ok(state) => state,
            Err(error) => {
                return Err(Rejected {
                    error,
                    value: (value, keep),
                });
            }
        };
        self.settle_locked(state, Outcome::Returned(value));
        // Done: the completion took the listeners, and no registration adds any now.
        match self.state() {
            Ok(mut state) => state.listeners = Some(Box::new(vec![Listener::Kept(Box::new(keep))])),
            // Broken by a fork since (in a child, this thread having forked in a callback): the
            // state is leaked there, and `keep` with it.
            Err(_) => std::mem::forget(keep),
        }
        Ok(())
    }

    /// Whether this caller is the first to claim the pending future (see `CLAIMED`); if so, it
    /// must complete it.
    pub(super) fn claim(&self) -> bool {
        // Relaxed: only the read-modify-write's atomicity matters (one winner); the outcome is
        // published by `DONE`.
        !claimed(self.inner().status.fetch_or(CLAIMED, Ordering::Relaxed))
    }

    /// [`Future::claim`] by the pool worker numbered `runner` (see `runners.rs`; not 0), which
    /// its claim records, for [`Future::interrupt`].
    #[inline]
    pub(super) fn claim_as(&self, runner: u32) -> bool {
        debug_assert_ne!(runner, 0, "a runner's number");
        // An addition, one instruction as `claim`'s is: the number's bits are zero before (one
        // worker claims a task, once), so nothing carries. A worker that loses to a canceller
        // leaves its number in a cancelled future, where nothing reads it. Relaxed: as in
        // `claim`; `interrupt` reads the number under the state lock, in the read-modify-write
        // that sets `WATCHED`, which follows this one on the same word.
        !claimed(
            self.inner()
                .status
                .fetch_add(u64::from(runner) * RUNNER, Ordering::Relaxed),
        )
    }

    /// Stores the outcome and sets `DONE`; then, if anyone registered, with the lock released,
    /// wakes every waiter and runs the callbacks. Called once, by the future's claimer, holding
    /// the state lock (`held`) or not.
    pub(super) fn complete(
        &self,
        held: Option<MutexGuard<'_, State<T, E>>>,
        outcome: Outcome<T, E>,
    ) {
        let done = self.store_outcome(outcome);
        // Release: whoever sees `DONE` (acquire) sees the outcome written before. The listeners
        // are read under the lock, which orders them; the sleepers are woken by `SLEEPING`.
        if self.inner().status.fetch_or(done, Ordering::Release) & WATCHED != 0 {
            self.notify_listeners(held);
        }
    }

    /// [`Future::complete`] by the worker that ran the task, giving up this reference (the
    /// worker's): in one read-modify-write of the status word when nobody registered.
    pub(super) fn complete_and_release(self, outcome: Outcome<T, E>) {
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
        // SAFETY: the claimer completes once, before `DONE` is set, having taken the task (a
        // worker, or a pool abandoning it), or for a future with none (standalone), unless it
        // cancels (no task is taken then, and no outcome stored).
        unsafe { self.inner().outcome().set(outcome) };
        DONE | kind
    }

    /// After `DONE` is set on a watched future: wakes every waiter and, with the lock released,
    /// runs the callbacks. `held`: the state lock, if the caller holds it.
    ///
    /// In a child made by `fork()` where the future is broken by the fork, nobody is told: the
    /// listeners, registered by the parent's threads (none of this child's could register), are
    /// leaked with the state, and the callbacks registered before the fork never run here.
    fn notify_listeners(&self, held: Option<MutexGuard<'_, State<T, E>>>) {
        let Some(mut state) = held.or_else(|| self.state().ok()) else {
            return;
        };
        let listeners = state.listeners.take().map_or_else(Vec::new, |l| *l);
        drop(state);
        // `DONE` is set: a sleeper that set `SLEEPING` before it either sees `DONE` when it
        // validates its park or is parked when `unpark_all` takes the bucket's lock; one that
        // sets it after sees `DONE` and does not park (see `Future::sleep`).
        let status = self.status();
        if status & SLEEPING != 0 {
            table::unpark_all(self.sleep_key(), DEFAULT_UNPARK_TOKEN);
        }
        let failed = status & EXCEPTION != 0;
        for listener in &listeners {
            if let Listener::Waiter(waiter, index) = listener {
                waiter.completed(*index, failed);
            }
        }
        for listener in listeners {
            if let Listener::Callback(callback) = listener {
                self.invoke(callback);
            }
        }
    }

    /// The outcome of a done future: `Cancelled`, which is not stored, or the one stored.
    ///
    /// # Safety
    /// `DONE` was seen set with acquire ordering (or by a read ordered after such a one); and
    /// the reference is used only with the state lock held, unless `T` and `E` are `Sync`.
    pub(super) unsafe fn done_outcome(&self) -> &Outcome<T, E> {
        if !outcome_stored(self.status()) {
            return const { &Outcome::Cancelled };
        }
        // SAFETY: done and not cancelled, so stored; the rest is the caller's contract.
        unsafe { self.inner().outcome().get() }
    }

    /// The outcome's kind, if done: `Some(is_exception)`.
    pub(super) fn finished(&self) -> Option<bool> {
        let status = self.status();
        (status & DONE != 0).then_some(status & EXCEPTION != 0)
    }
}
