//! How a future ended ([`Outcome`]), and the cell that holds it once it has.

use std::cell::UnsafeCell;

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
    /// In a child made by `fork()`: the future is broken by the fork (a thread of the parent
    /// was inside it at that moment, leaving its internal lock held for ever there), and was
    /// not done; it cannot be waited for in this child. C: `WEFT_STATUS_FORKED`.
    Forked,
}

impl<T, E> Outcome<T, E> {
    /// Whether this counts as an exception for `ReturnWhen::FirstException`: everything but a
    /// returned value and a cancellation, as in Python.
    pub(super) fn is_exception(&self) -> bool {
        !matches!(self, Outcome::Returned(_) | Outcome::Cancelled)
    }
}

/// A future's outcome: written once, by the thread that claimed the future, before it sets
/// `DONE`; then only read, by whoever saw `DONE`. Kept where the task was (see `Slot` in
/// `task.rs`), written only after the task is taken. A cancellation writes nothing: the status
/// word's `CANCELLED` says it, and the task may still be in the slot.
pub(super) struct OutcomeCell<T, E>(UnsafeCell<Option<Outcome<T, E>>>);

// SAFETY: the one write (`set`) happens before `DONE` is set (release), and every read (`get`)
// after `DONE` was seen (acquire), so no read races the write. Reads by several threads at once
// happen only if `T` and `E` are `Sync` (`Future::outcome_ref`); otherwise (`Future::outcome`)
// they take turns under the state lock, as a `Mutex<Outcome<T, E>>` would, which needs `Send`.
unsafe impl<T: Send, E: Send> Sync for OutcomeCell<T, E> {}

impl<T, E> OutcomeCell<T, E> {
    /// Stores the outcome, unless it is `Cancelled`, which the status word says alone (see
    /// `Future::done_outcome`).
    ///
    /// # Safety
    /// Called once per future, by the thread that claimed it, before `DONE` is set, with the
    /// future's task taken (or none: a standalone future), unless the outcome is `Cancelled`.
    pub(super) unsafe fn set(&self, outcome: Outcome<T, E>) {
        if !matches!(outcome, Outcome::Cancelled) {
            // SAFETY: no other access meanwhile: per the contract, readers wait for `DONE`, and
            // the task that held the place is taken. Written without dropping what was there.
            unsafe { self.0.get().write(Some(outcome)) };
        }
    }

    /// The outcome.
    ///
    /// # Safety
    /// `DONE` was seen set with acquire ordering (or by a read ordered after such a one), and
    /// not `CANCELLED` (a cancellation stores nothing); and the reference is used only with the
    /// state lock held, unless `T` and `E` are `Sync`.
    pub(super) unsafe fn get(&self) -> &Outcome<T, E> {
        // SAFETY: written before `DONE` and never again (see the `Sync` impl).
        unsafe { (*self.0.get()).as_ref() }.expect("a done future has an outcome")
    }

    /// Drops the outcome.
    ///
    /// # Safety
    /// It is stored (the future is done and not cancelled), and nothing uses it from now on: the
    /// future's last reference is gone.
    pub(super) unsafe fn drop_in_place(&self) {
        // SAFETY: the contract.
        unsafe { std::ptr::drop_in_place(self.0.get()) };
    }
}
