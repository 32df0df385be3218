//! `Event`: Python's `threading.Event`, a flag threads can wait for, on one state word.
//!
//! State word: bit 0 `SET`, bit 1 `PARKED`, and above them a generation count that every `set`
//! bumps (wrapping; only compared for equality).
//!
//! | `PARKED` | `SET` | meaning                                                          |
//! |----------|-------|------------------------------------------------------------------|
//! | 0        | 0     | clear, nobody waits                                              |
//! | 0        | 1     | set: `wait` returns at once                                      |
//! | 1        | 0     | clear, threads may be parked: `set` unparks them all             |
//!
//! A waiter notes the generation when it starts and returns true once the flag is set or the
//! generation moved (a `set` happened during the wait, even if a `clear` followed: CPython's
//! `wait` returns True then too). A wake-up proves nothing by itself: a `set` that cleared
//! `PARKED` but had not yet unparked when its waiter returned may wake that thread's *next* wait,
//! which then looks at the state again and parks anew. A waiter parks only if the whole word
//! (generation included) is unchanged under the bucket lock, so no `set` is missed. Neither `set`
//! nor `wait` makes a system call when nobody waits.

use crate::loom::atomic::{AtomicUsize, Ordering};
use crate::loom::table::ParkResult;
use crate::park::word;
use crate::timeout::Timeout;

const SET: usize = 0b01;
const PARKED: usize = 0b10;
/// One step of the generation count, in the bits above `SET` and `PARKED`.
const GENERATION: usize = 0b100;

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
        // Release: publishes the setter's writes to whoever sees the flag or the new generation.
        // Clears PARKED: the waiters parked now are all unparked below, later ones re-set it.
        let previous = self
            .state
            .fetch_update(Ordering::Release, Ordering::Relaxed, |s| {
                Some((s & !PARKED | SET).wrapping_add(GENERATION))
            })
            .unwrap_or_else(|s| s); // the closure never refuses
        if previous & PARKED != 0 {
            word::unpark(&self.state, PARKED, usize::MAX);
            #[cfg(not(loom))]
            crate::wait_any::registry::notify(self.address());
        }
    }

    /// For [`wait_any`](crate::wait_any::wait_any): whether the flag is set now. If not, calls
    /// `watch` (which adds the caller to the registry) and sets `PARKED`, so that the next `set`
    /// takes its slow path and notifies the registry; true as well if a `set` came in between.
    #[cfg(not(loom))]
    pub(crate) fn watch(&self, watch: impl FnOnce(usize)) -> bool {
        // Acquire: as in `wait`.
        let mut state = self.state.load(Ordering::Acquire);
        if state & SET != 0 {
            return true;
        }
        let generation = state & !(SET | PARKED);
        watch(self.address());
        loop {
            // Release on success: a `set` that reads PARKED from here sees the registry entry
            // `watch` added (see `wait_any::registry::notify`). Acquire on failure: as above.
            match self.state.compare_exchange(
                state,
                state | PARKED,
                Ordering::Release,
                Ordering::Acquire,
            ) {
                Ok(_) => return false,
                Err(now) if now & SET != 0 || now & !(SET | PARKED) != generation => return true,
                Err(now) => state = now,
            }
        }
    }

    /// The event's address: its key in the registry of `wait_any`.
    #[cfg(not(loom))]
    fn address(&self) -> usize {
        self as *const Event as usize
    }

    /// Clears the flag; later `wait` calls block until the next `set`.
    pub fn clear(&self) {
        // Relaxed: clearing publishes nothing. Only SET is cleared: PARKED is never set with it.
        self.state.fetch_and(!SET, Ordering::Relaxed);
    }

    /// Waits until the flag is set, at most `timeout`; returns whether it is set, or was set
    /// during the wait (true even if cleared since, as in CPython).
    pub fn wait(&self, timeout: Timeout) -> bool {
        // Acquire: seeing SET, or a new generation, shows what the setter wrote before `set`.
        let mut state = self.state.load(Ordering::Acquire);
        if state & SET != 0 {
            return true;
        }
        if timeout.is_zero() {
            return false;
        }
        let generation = state & !(SET | PARKED);
        let deadline = timeout.deadline();
        loop {
            if state & SET != 0 || state & !(SET | PARKED) != generation {
                return true;
            }
            if state & PARKED == 0 {
                // Relaxed on success: the word is re-validated under the bucket lock before
                // parking. Acquire on failure: as for the first load.
                match self.state.compare_exchange(
                    state,
                    state | PARKED,
                    Ordering::Relaxed,
                    Ordering::Acquire,
                ) {
                    Ok(_) => state |= PARKED,
                    Err(now) => {
                        state = now;
                        continue;
                    }
                }
            }
            let timed_out = matches!(
                word::park(&self.state, state, PARKED, deadline),
                ParkResult::TimedOut
            );
            // Acquire: as for the first load (and the bucket lock orders an unparking `set`).
            state = self.state.load(Ordering::Acquire);
            if timed_out {
                return state & SET != 0 || state & !(SET | PARKED) != generation;
            }
        }
    }
}
