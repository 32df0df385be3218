//! `Event`: Python's `threading.Event`, a flag threads can wait for, on one state byte.
//!
//! State table (two bits of one `AtomicUsize`; `SET | PARKED` never occurs):
//!
//! | `PARKED` | `SET` | meaning                                                          |
//! |----------|-------|------------------------------------------------------------------|
//! | 0        | 0     | clear, nobody waits                                              |
//! | 0        | 1     | set: `wait` returns at once, `set` and `clear` are one atomic op |
//! | 1        | 0     | clear, threads may be parked: `set` unparks them all             |
//!
//! Only a thread about to park sets `PARKED` (from a clear, unparked state); `set` clears it in
//! the same swap that sets `SET`, and a waiter that times out last clears it with the bucket
//! locked. A waiter parks only if it sees `PARKED` alone under the bucket lock, so the `set`
//! that ends the wait either happens before (and the waiter does not sleep) or finds it queued.
//! Neither `set` nor `wait` makes a system call when nobody waits.

use crate::loom::atomic::{AtomicUsize, Ordering};
use crate::loom::parking::ParkResult;
use crate::sync::parking;
use crate::timeout::Timeout;

const SET: usize = 0b01;
const PARKED: usize = 0b10;

/// Python's `threading.Event`: a flag, initially false, that threads can wait to become true.
#[derive(Debug, Default)]
pub struct Event {
    state: AtomicUsize,
}

impl Event {
    crate::loom::const_fn! {
        /// A new event, not set.
        pub fn new() -> Event {
            Event {
                state: AtomicUsize::new(0),
            }
        }
    }

    /// Whether the flag is set (a snapshot).
    #[inline]
    pub fn is_set(&self) -> bool {
        // Acquire: a caller that sees the flag set also sees what the setter wrote before `set`.
        self.state.load(Ordering::Acquire) & SET != 0
    }

    /// Sets the flag and wakes every waiting thread.
    pub fn set(&self) {
        // Release: publishes the setter's writes to whoever sees the flag. Clears PARKED: the
        // waiters parked now are all unparked below, later ones re-set it.
        if self.state.swap(SET, Ordering::Release) & PARKED != 0 {
            parking::unpark(&self.state, PARKED, usize::MAX);
        }
    }

    /// Clears the flag; later `wait` calls block until the next `set`.
    pub fn clear(&self) {
        // Relaxed: clearing publishes nothing. Only SET is cleared: PARKED is never set with it.
        self.state.fetch_and(!SET, Ordering::Relaxed);
    }

    /// Waits until the flag is set, at most `timeout`; returns whether it is set (true when a
    /// `set` woke us even if the flag was cleared since, as in CPython).
    pub fn wait(&self, timeout: Timeout) -> bool {
        if self.is_set() {
            return true;
        }
        if timeout.is_zero() {
            return false;
        }
        let deadline = timeout.deadline();
        loop {
            // Relaxed on success: PARKED is re-validated under the bucket lock before parking.
            // Acquire on failure: seeing SET must show what the setter wrote, as in `is_set`.
            let marked =
                self.state
                    .compare_exchange(0, PARKED, Ordering::Relaxed, Ordering::Acquire);
            if marked.is_err_and(|state| state & SET != 0) {
                return true;
            }
            let result = parking::park(&self.state, PARKED, PARKED, deadline);
            match result {
                // Woken by `set`: the bucket lock it took orders its writes before us.
                ParkResult::Unparked(_) => return true,
                ParkResult::TimedOut => return self.is_set(),
                // The flag changed before we slept: look again.
                ParkResult::Invalid => {}
            }
        }
    }
}
