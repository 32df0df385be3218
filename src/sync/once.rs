//! `Once`: an initializer run exactly once across threads (`pthread_once`, C++
//! `std::call_once`, GLib's `g_once_init_enter`).
//!
//! State (one `AtomicUsize`, all zeros when new, so that C can initialize one statically):
//!
//! | state              | meaning                                                        |
//! |--------------------|----------------------------------------------------------------|
//! | 0                  | not done, nobody runs the initializer                          |
//! | `RUNNING`          | a thread runs it                                               |
//! | `RUNNING \| PARKED`| a thread runs it, others may be parked on the word             |
//! | `DONE`             | done: the fast path is one Acquire load                        |
//!
//! Waiters park with the protocol of [`park::word`](crate::park::word). An initializer that
//! fails (returns an error, panics, or its thread is torn down by a forced unwind such as
//! `pthread_exit()`) leaves the once not done, as C++'s `call_once` does when the callable
//! throws: every waiter is woken and the next caller runs the initializer again.

use crate::loom::atomic::{AtomicUsize, Ordering};
use crate::park::word;
use crate::timeout::Deadline;

const RUNNING: usize = 0b01;
const PARKED: usize = 0b10;
const DONE: usize = 0b100;

/// Runs an initializer exactly once; callers that come while it runs wait for it.
#[derive(Debug, Default)]
#[repr(transparent)]
pub struct Once {
    state: AtomicUsize,
}

/// The caller's turn to run the initializer ([`Once::begin`]). Dropped without
/// [`OnceTurn::done`] (failure, panic, forced unwind), it gives the turn back: the once is not
/// done, and the waiters wake to take a turn of their own.
#[must_use = "dropping the turn gives it back: the once is not done"]
pub struct OnceTurn<'a>(&'a Once);

impl Once {
    crate::loom::const_fn! {
        /// A once not done yet.
        pub fn new() -> Once {
            Once {
                state: AtomicUsize::new(0),
            }
        }
    }

    /// Runs `init` unless it already succeeded, here or in another thread; a caller that comes
    /// while another thread runs it waits for that run's end. Returns `Ok` once it has
    /// succeeded; `init`'s error if this caller ran it and it failed (the once is then not
    /// done: the next caller, or a waiter, runs it again).
    #[inline]
    pub fn call<E>(&self, init: impl FnOnce() -> Result<(), E>) -> Result<(), E> {
        match self.begin() {
            None => Ok(()),
            Some(turn) => {
                init()?;
                turn.done();
                Ok(())
            }
        }
    }

    /// Returns `None` once the initializer has succeeded; otherwise waits until nobody runs it
    /// and returns the caller's turn to run it.
    #[inline]
    pub fn begin(&self) -> Option<OnceTurn<'_>> {
        // Acquire: whoever sees DONE sees everything the initializer wrote (its Release in
        // `OnceTurn::done`).
        if self.state.load(Ordering::Acquire) == DONE {
            return None;
        }
        self.begin_slow()
    }

    #[cold]
    fn begin_slow(&self) -> Option<OnceTurn<'_>> {
        // Acquire: as in `begin`.
        let mut state = self.state.load(Ordering::Acquire);
        loop {
            if state == DONE {
                return None;
            }
            if state == 0 {
                // Acquire: a turn taken after a failed run sees what that run wrote.
                match self.state.compare_exchange_weak(
                    0,
                    RUNNING,
                    Ordering::Acquire,
                    Ordering::Acquire,
                ) {
                    Ok(_) => return Some(OnceTurn(self)),
                    Err(now) => state = now,
                }
                continue;
            }
            if state & PARKED == 0 {
                // Relaxed: re-validated under the bucket lock before parking.
                if let Err(now) = self.state.compare_exchange_weak(
                    state,
                    state | PARKED,
                    Ordering::Relaxed,
                    Ordering::Acquire,
                ) {
                    state = now;
                    continue;
                }
            }
            word::park(&self.state, RUNNING | PARKED, PARKED, Deadline::FOREVER);
            // Acquire: as in `begin`.
            state = self.state.load(Ordering::Acquire);
        }
    }

    /// Whether the initializer has succeeded (a snapshot; `true` is final). Its writes are
    /// visible to the caller once this returns `true`.
    pub fn is_done(&self) -> bool {
        // Acquire: as in `begin`.
        self.state.load(Ordering::Acquire) == DONE
    }

    /// The end of a turn: `state` is the once's next state; waiters are woken.
    fn end(&self, state: usize) {
        // Release: publishes the initializer's writes to every caller that sees DONE, or to the
        // next turn.
        if self.state.swap(state, Ordering::Release) & PARKED != 0 {
            word::unpark(&self.state, PARKED, usize::MAX);
        }
    }
}

impl OnceTurn<'_> {
    /// The initializer succeeded: the once is done for good.
    pub fn done(self) {
        self.0.end(DONE);
        std::mem::forget(self);
    }
}

impl Drop for OnceTurn<'_> {
    fn drop(&mut self) {
        self.0.end(0);
    }
}
