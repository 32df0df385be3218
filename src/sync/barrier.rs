//! `Barrier`: Python's `threading.Barrier` on a mutex and a condvar, with a generation count.
//!
//! Each cycle of the barrier is a generation. The last thread to arrive runs the action, then
//! ends the generation (bumps the count, empties it) and wakes the waiters, who leave once they
//! see the generation move. A thread coming back for the next cycle joins the new generation at
//! once, without waiting for the previous one's threads to leave (CPython's barrier drains first).
//!
//! A generation can also end in failure: a timeout, `abort` or a panicking action breaks it, and
//! `reset` while threads wait sends them away. The failed generation's number is kept until its
//! last waiter has left; until then no new generation can start (the barrier is broken, or after
//! a reset arrivals wait for those waiters to leave, as in CPython), so a waiter that finds its
//! generation gone knows how it ended.

use std::any::Any;
use std::panic::{self, AssertUnwindSafe};

use crate::Error;
use crate::loom::{Mutex, MutexGuard};
use crate::park::Condvar;
use crate::timeout::{Deadline, Timeout};

/// What the last thread to arrive runs before the others are released.
pub type BarrierAction = Box<dyn Fn() + Send + Sync>;

#[derive(Debug)]
struct State {
    /// The current generation (cycle); bumped when it trips or fails.
    generation: u64,
    /// Threads waiting in the current generation.
    count: usize,
    /// Broken by a timeout, `abort` or a panicking action, until `reset`.
    broken: bool,
    /// The last generation that failed (broken or reset with threads waiting).
    failed: u64,
    /// Waiters of the `failed` generation that have not left yet.
    leaving: usize,
}

impl State {
    /// Ends the current generation: its waiters leave, in failure if `failed`.
    fn end_generation(&mut self, failed: bool) {
        if failed {
            // A generation with waiters starts only once the last failed
            // one's waiters have left (see the module comment), so none are forgotten here.
            debug_assert_eq!(self.leaving, 0);
            self.failed = self.generation;
            self.leaving = self.count;
        }
        self.generation += 1;
        self.count = 0;
    }
}

/// Python's `threading.Barrier`: `parties` threads wait for each other, then all go on.
pub struct Barrier {
    parties: usize,
    action: Option<BarrierAction>,
    timeout: Timeout,
    state: Mutex<State>,
    /// Notified on every phase change.
    changed: Condvar,
}

impl std::fmt::Debug for Barrier {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Barrier")
            .field("parties", &self.parties)
            .field("state", &*self.state.lock())
            .finish_non_exhaustive()
    }
}

impl Barrier {
    /// Python's `Barrier(parties, action, timeout)`: `timeout` is the default for
    /// [`Barrier::wait`]. [`Error::BarrierParties`] if `parties` is 0.
    pub fn new(
        parties: usize,
        action: Option<BarrierAction>,
        timeout: Timeout,
    ) -> Result<Barrier, Error> {
        if parties == 0 {
            return Err(Error::BarrierParties);
        }
        Ok(Barrier {
            parties,
            action,
            timeout,
            state: Mutex::new(State {
                generation: 0,
                count: 0,
                broken: false,
                // No generation has failed: generations count up from 0 and never reach it.
                failed: u64::MAX,
                leaving: 0,
            }),
            changed: Condvar::new(),
        })
    }

    /// Waits until `parties` threads are waiting, then releases them all and returns this
    /// thread's arrival index, `0..parties`. The last to arrive runs the action first, with the
    /// barrier's lock held (so the action must not call into this barrier).
    ///
    /// `timeout` (`None`: the barrier's default) bounds the wait for the others; after a
    /// `reset`, arrivals wait without limit for the threads it sent away to leave, as in
    /// CPython. [`Error::BrokenBarrier`] if the barrier is or becomes broken or reset while
    /// waiting; a timeout breaks it for everyone. If the action panics, the barrier is broken
    /// and the panic goes on in the thread that ran it.
    pub fn wait(&self, timeout: Option<Timeout>) -> Result<usize, Error> {
        let deadline = timeout.unwrap_or(self.timeout).deadline();
        let mut state = self.state.lock();
        loop {
            if state.broken {
                return Err(Error::BrokenBarrier);
            }
            if state.leaving == 0 {
                break;
            }
            self.changed.wait_locked(&mut state, Deadline::FOREVER);
        }
        let index = state.count;
        if index + 1 < self.parties {
            state.count += 1;
            return self.wait_trip(&mut state, deadline).map(|()| index);
        }
        let result = self.run_action();
        if result.is_err() {
            state.broken = true;
        }
        state.end_generation(result.is_err());
        self.changed.notify_all();
        drop(state);
        match result {
            Ok(()) => Ok(index),
            Err(payload) => panic::resume_unwind(payload),
        }
    }

    fn run_action(&self) -> Result<(), Box<dyn Any + Send>> {
        match &self.action {
            Some(action) => panic::catch_unwind(AssertUnwindSafe(action)),
            None => Ok(()),
        }
    }

    /// Waits for this thread's generation to end; breaks the barrier if the deadline passes
    /// first. Ok if the generation tripped.
    fn wait_trip(
        &self,
        state: &mut MutexGuard<'_, State>,
        deadline: Deadline,
    ) -> Result<(), Error> {
        let generation = state.generation;
        while state.generation == generation {
            if !self.changed.wait_locked(state, deadline) && state.generation == generation {
                self.break_barrier(state);
            }
        }
        if state.failed != generation {
            return Ok(());
        }
        state.leaving -= 1;
        if state.leaving == 0 {
            // Arrivals after a reset wait for the last of us.
            self.changed.notify_all();
        }
        Err(Error::BrokenBarrier)
    }

    /// Breaks the barrier; the current generation's waiters leave in failure.
    fn break_barrier(&self, state: &mut State) {
        state.broken = true;
        if state.count > 0 {
            state.end_generation(true);
        }
        self.changed.notify_all();
    }

    /// Python's `reset()`: back to the initial state. Threads waiting now leave with
    /// [`Error::BrokenBarrier`]; arrivals wait until they have left.
    pub fn reset(&self) {
        let mut state = self.state.lock();
        state.broken = false;
        if state.count > 0 {
            state.end_generation(true);
        }
        self.changed.notify_all();
    }

    /// Python's `abort()`: breaks the barrier; current and future waiters fail with
    /// [`Error::BrokenBarrier`] until [`Barrier::reset`].
    pub fn abort(&self) {
        self.break_barrier(&mut self.state.lock());
    }

    /// The number of threads needed to trip the barrier.
    pub fn parties(&self) -> usize {
        self.parties
    }

    /// The number of threads waiting for the barrier to fill (a snapshot).
    pub fn n_waiting(&self) -> usize {
        self.state.lock().count
    }

    /// Whether the barrier is broken.
    pub fn broken(&self) -> bool {
        self.state.lock().broken
    }
}
