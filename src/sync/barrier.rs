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
//!
//! The action runs with the barrier's mutex held, as CPython runs it under the barrier's
//! condition, in the cycle's "filling done" state. Its thread may still look at the barrier:
//! the barrier knows which thread runs the action and answers it without the mutex (the cycle
//! is full and not broken), and an `abort` or `reset` from it is recorded and applied to the
//! cycle when the action returns. A `wait` from it is refused.
//!
//! In a child made by `fork()`, the threads counted in the barrier are the parent's and do not
//! exist: the state remembers the process it counted them in (`table::forks()`, one load and a
//! comparison under the mutex every call takes anyway), and the child's first call breaks a
//! cycle they were waiting in and forgets a failed cycle's leavers, so that `wait` fails with
//! [`Error::BrokenBarrier`] instead of waiting for them, and `reset` makes the barrier usable.
//! A thread of the parent that was inside the mutex at the fork (running the action, arriving,
//! leaving) left it held there for ever, over a state it may have half-updated: the barrier is
//! then broken by the fork, and every call on it fails with [`Error::Forked`].

use std::any::Any;
use std::panic::{self, AssertUnwindSafe};

use super::thread_token;
use crate::Error;
use crate::loom::atomic::{AtomicUsize, Ordering};
use crate::loom::{Mutex, MutexGuard, table};
use crate::park::{Condvar, Forked};
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
    /// The process `count` and `leaving` count threads of, as `table::forks()`.
    forks: u64,
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

    /// In a child made by `fork()`, the first time the barrier is used: the threads that were
    /// waiting in it are the parent's, and do not exist here. A cycle they were waiting in is
    /// broken (its waiters will never all arrive, as after a timeout): `wait` fails with
    /// [`Error::BrokenBarrier`] until `reset`. The failed cycle's waiters have left.
    #[cold]
    fn forget_the_parents_waiters(&mut self, forks: u64) {
        self.forks = forks;
        if self.count > 0 {
            self.broken = true;
            self.generation += 1;
            self.count = 0;
        }
        self.leaving = 0;
    }
}

/// What the action asked of the cycle it ends, in [`Barrier::asked`]: the last of its
/// `abort` and `reset` calls.
const ASKED_NOTHING: usize = 0;
const ASKED_RESET: usize = 1;
const ASKED_ABORT: usize = 2;

/// Python's `threading.Barrier`: `parties` threads wait for each other, then all go on.
pub struct Barrier {
    parties: usize,
    action: Option<BarrierAction>,
    timeout: Timeout,
    state: Mutex<State>,
    /// Notified on every phase change.
    changed: Condvar,
    /// `thread_token()` of the thread running the action, 0 when none does. Written only by
    /// that thread (set before the action, cleared after, with `state` held), so a thread
    /// comparing it with its own token sees its own token exactly when it runs the action.
    action_thread: AtomicUsize,
    /// One of the `ASKED_*`; read and written only by the thread running the action.
    asked: AtomicUsize,
}

impl std::fmt::Debug for Barrier {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Through the accessors, so that the action may print its barrier.
        f.debug_struct("Barrier")
            .field("parties", &self.parties)
            .field("n_waiting", &self.n_waiting())
            .field("broken", &self.broken())
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
                forks: table::forks(),
            }),
            changed: Condvar::new(),
            action_thread: AtomicUsize::new(0),
            asked: AtomicUsize::new(ASKED_NOTHING),
        })
    }

    /// The state, locked; in a child made by `fork()`, rid of the parent's waiters first, or
    /// [`Forked`] if a thread of the parent was inside the barrier's lock at the fork (running
    /// the action, or about to wait): the barrier is broken by the fork there.
    fn lock(&self) -> Result<MutexGuard<'_, State>, Forked> {
        let mut state = self.state.lock_checked()?;
        let forks = table::forks();
        if state.forks != forks {
            state.forget_the_parents_waiters(forks);
        }
        Ok(state)
    }

    /// Waits until `parties` threads are waiting, then releases them all and returns this
    /// thread's arrival index, `0..parties`. The last to arrive runs the action first, with the
    /// barrier's lock held: other threads calling into the barrier meanwhile wait for it to
    /// return, and the action's own thread may call [`Barrier::parties`],
    /// [`Barrier::n_waiting`], [`Barrier::broken`], [`Barrier::abort`] and [`Barrier::reset`]
    /// (see each), but not `wait` ([`Error::WrongState`]).
    ///
    /// `timeout` (`None`: the barrier's default) bounds the wait for the others; after a
    /// `reset`, arrivals wait without limit for the threads it sent away to leave, as in
    /// CPython. [`Error::BrokenBarrier`] if the barrier is or becomes broken or reset while
    /// waiting (the action's thread included, when the action aborted or reset the barrier); a
    /// timeout breaks it for everyone. [`Error::Forked`] in a child made by `fork()` where the barrier
    /// is broken by the fork: a thread of the parent was inside its lock (running the action,
    /// arriving, leaving) at the fork, and every call on it in the child fails so (`broken` is
    /// true, `n_waiting` 0). If the action panics, the barrier is broken and the
    /// panic goes on in the thread that ran it.
    pub fn wait(&self, timeout: Option<Timeout>) -> Result<usize, Error> {
        if self.in_action() {
            // CPython deadlocks: the action runs under the lock `wait` takes.
            return Err(Error::WrongState);
        }
        let deadline = timeout.unwrap_or(self.timeout).deadline();
        let mut state = self.lock()?;
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
        if !matches!(result, Ok(ASKED_NOTHING)) {
            return self.fail_cycle(state, result);
        }
        state.end_generation(false);
        self.changed.notify_all();
        Ok(index)
    }

    /// Ends the cycle whose action panicked (`result` is the panic), or aborted or reset the
    /// barrier; the waiters leave with [`Error::BrokenBarrier`], and so does this thread.
    #[cold]
    fn fail_cycle(
        &self,
        mut state: MutexGuard<'_, State>,
        result: Result<usize, Box<dyn Any + Send>>,
    ) -> Result<usize, Error> {
        // A panic breaks the barrier, as an abort from the action does.
        if !matches!(result, Ok(ASKED_RESET)) {
            state.broken = true;
        }
        state.end_generation(true);
        self.changed.notify_all();
        drop(state);
        match result {
            Ok(_) => Err(Error::BrokenBarrier),
            Err(payload) => panic::resume_unwind(payload),
        }
    }

    /// Runs the action, if any; what it asked of its cycle (an `ASKED_*`), or its panic.
    fn run_action(&self) -> Result<usize, Box<dyn Any + Send>> {
        let Some(action) = &self.action else {
            return Ok(ASKED_NOTHING);
        };
        let me = thread_token();
        // Relaxed: see the fields' comments.
        self.action_thread.store(me, Ordering::Relaxed);
        let result = panic::catch_unwind(AssertUnwindSafe(action));
        self.action_thread.store(0, Ordering::Relaxed);
        let asked = self.asked.swap(ASKED_NOTHING, Ordering::Relaxed);
        result.map(|()| asked)
    }

    /// Whether the calling thread is running this barrier's action.
    fn in_action(&self) -> bool {
        // Relaxed: see the field's comment; only our own writes can make this equal our token.
        self.action.is_some() && self.action_thread.load(Ordering::Relaxed) == thread_token()
    }

    /// Records what the action's thread asked of the cycle; the cycle's end applies it.
    fn ask(&self, asked: usize) {
        // Relaxed: only this thread reads it, in `run_action`.
        self.asked.store(asked, Ordering::Relaxed);
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
    ///
    /// From the action (where CPython deadlocks), applied when the action returns: the
    /// cycle's threads, the action's own included, leave with [`Error::BrokenBarrier`] and the
    /// barrier is not broken (it undoes an `abort` made earlier in the action).
    ///
    /// [`Error::Forked`] in a child where the barrier is broken by the fork (see `wait`).
    pub fn reset(&self) -> Result<(), Error> {
        if self.in_action() {
            self.ask(ASKED_RESET);
            return Ok(());
        }
        let mut state = self.lock()?;
        state.broken = false;
        if state.count > 0 {
            state.end_generation(true);
        }
        self.changed.notify_all();
        Ok(())
    }

    /// Python's `abort()`: breaks the barrier; current and future waiters fail with
    /// [`Error::BrokenBarrier`] until [`Barrier::reset`].
    ///
    /// From the action (where CPython deadlocks), applied when the action returns, as a
    /// panicking action is: the barrier is broken, and the cycle's threads, the action's own
    /// included, leave with [`Error::BrokenBarrier`]. This is how an action that cannot panic
    /// (a C action) fails its cycle.
    ///
    /// [`Error::Forked`] in a child where the barrier is broken by the fork (see `wait`).
    pub fn abort(&self) -> Result<(), Error> {
        if self.in_action() {
            self.ask(ASKED_ABORT);
            return Ok(());
        }
        self.break_barrier(&mut *self.lock()?);
        Ok(())
    }

    /// The number of threads needed to trip the barrier.
    pub fn parties(&self) -> usize {
        self.parties
    }

    /// The number of threads waiting for the barrier to fill (a snapshot). From the action:
    /// `parties`, as in CPython (the cycle is full, the action's thread counted).
    pub fn n_waiting(&self) -> usize {
        if self.in_action() {
            return self.parties;
        }
        // 0 in a child where the barrier is broken by the fork: its count is not to be read.
        self.lock().map_or(0, |state| state.count)
    }

    /// Whether the barrier is broken. From the action: whether the action aborted it (it was
    /// not broken when the action started, and only the action can change that until it
    /// returns). True in a child where the barrier is broken by the fork (see `wait`).
    pub fn broken(&self) -> bool {
        if self.in_action() {
            // Relaxed: see `ask`.
            return self.asked.load(Ordering::Relaxed) == ASKED_ABORT;
        }
        self.lock().map_or(true, |state| state.broken)
    }
}
