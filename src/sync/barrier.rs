//! `Barrier`: Python's `threading.Barrier`, CPython's state machine on a mutex and a condvar.
//!
//! | phase       | meaning                                                                  |
//! |-------------|--------------------------------------------------------------------------|
//! | `Filling`   | threads arrive and wait; the last to arrive runs the action, then drains |
//! | `Draining`  | the barrier tripped: waiters leave with their index; arrivals wait       |
//! | `Resetting` | `reset` while threads waited: they leave broken; arrivals wait           |
//! | `Broken`    | a timeout or `abort`: every waiter and arrival fails until `reset`       |
//!
//! When the last thread leaves a draining or resetting barrier, it fills again. A cycle cannot
//! start before the previous one has drained, so the barrier can be reused at once.

use std::any::Any;
use std::panic::{self, AssertUnwindSafe};

use crate::Error;
use crate::loom::{Condvar, Mutex, MutexGuard};
use crate::timeout::{Deadline, Timeout};

/// What the last thread to arrive runs before the others are released.
pub type BarrierAction = Box<dyn Fn() + Send + Sync>;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Phase {
    Filling,
    Draining,
    Resetting,
    Broken,
}

#[derive(Debug)]
struct State {
    phase: Phase,
    /// Threads inside `wait` (arrived and not yet left).
    count: usize,
}

/// Python's `threading.Barrier`: `parties` threads wait for each other, then all go on.
pub struct Barrier {
    parties: usize,
    action: Option<BarrierAction>,
    timeout: Timeout,
    state: Mutex<State>,
    /// Signalled on every phase change.
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
                phase: Phase::Filling,
                count: 0,
            }),
            changed: Condvar::new(),
        })
    }

    /// Waits until `parties` threads are waiting, then releases them all and returns this
    /// thread's arrival index, `0..parties`. The last to arrive runs the action first, with the
    /// barrier's lock held (so the action must not call into this barrier).
    ///
    /// `timeout` (`None`: the barrier's default) bounds the wait for the others; while the
    /// previous cycle drains, arrivals wait without limit, as in CPython.
    /// [`Error::BrokenBarrier`] if the barrier is or becomes broken or reset while waiting; a
    /// timeout breaks it for everyone. If the action panics, the barrier is broken and the panic
    /// goes on in the thread that ran it.
    pub fn wait(&self, timeout: Option<Timeout>) -> Result<usize, Error> {
        let deadline = timeout.unwrap_or(self.timeout).deadline();
        let mut state = self.state.lock();
        while matches!(state.phase, Phase::Draining | Phase::Resetting) {
            self.changed.wait(&mut state);
        }
        if state.phase == Phase::Broken {
            return Err(Error::BrokenBarrier);
        }
        let index = state.count;
        state.count += 1;
        let mut panicked = None;
        let result = if index + 1 == self.parties {
            if let Err(payload) = self.run_action() {
                self.break_barrier(&mut state);
                panicked = Some(payload);
            } else {
                state.phase = Phase::Draining;
                self.changed.notify_all();
            }
            Ok(())
        } else {
            self.wait_trip(&mut state, deadline)
        };
        state.count -= 1;
        if state.count == 0 && matches!(state.phase, Phase::Draining | Phase::Resetting) {
            state.phase = Phase::Filling;
            self.changed.notify_all();
        }
        drop(state);
        if let Some(payload) = panicked {
            panic::resume_unwind(payload);
        }
        result.map(|()| index)
    }

    fn run_action(&self) -> Result<(), Box<dyn Any + Send>> {
        match &self.action {
            Some(action) => panic::catch_unwind(AssertUnwindSafe(action)),
            None => Ok(()),
        }
    }

    /// Waits while the barrier fills; breaks it if the deadline passes first.
    fn wait_trip(
        &self,
        state: &mut MutexGuard<'_, State>,
        deadline: Deadline,
    ) -> Result<(), Error> {
        while state.phase == Phase::Filling {
            if deadline.wait(&self.changed, state) && state.phase == Phase::Filling {
                self.break_barrier(state);
            }
        }
        match state.phase {
            Phase::Draining => Ok(()),
            _ => Err(Error::BrokenBarrier),
        }
    }

    fn break_barrier(&self, state: &mut State) {
        state.phase = Phase::Broken;
        self.changed.notify_all();
    }

    /// Python's `reset()`: back to the initial, filling state. Threads waiting now leave with
    /// [`Error::BrokenBarrier`]; arrivals wait until they have left.
    pub fn reset(&self) {
        let mut state = self.state.lock();
        if state.count > 0 {
            if matches!(state.phase, Phase::Filling | Phase::Broken) {
                state.phase = Phase::Resetting;
            }
        } else {
            state.phase = Phase::Filling;
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

    /// The number of threads waiting for the barrier to fill (a snapshot; 0 while it drains).
    pub fn n_waiting(&self) -> usize {
        let state = self.state.lock();
        if state.phase == Phase::Filling {
            state.count
        } else {
            0
        }
    }

    /// Whether the barrier is broken.
    pub fn broken(&self) -> bool {
        self.state.lock().phase == Phase::Broken
    }
}
