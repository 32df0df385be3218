//! The threads that run a pool's tasks, by number: each has a cancellation token of its own,
//! installed for its whole life, so that [`Future::interrupt`](crate::Future::interrupt) can
//! end the waits of the task it is running (Java's `future.cancel(true)`).
//!
//! A worker registers once, when it starts, and gets a small number ([`Runner::number`]); it
//! claims a task by adding that number to the future's status word (see `future/status.rs`),
//! one instruction as the claim was before. So a task costs nothing more than that claim, and
//! no token is made per task: an interrupt reads the number back from the future and sets the
//! worker's token found here. The worker resets its token after a task that was interrupted,
//! before it takes the next.
//!
//! The scheduler's thread (`scheduler.rs`) registers as one too. Numbers start at 1 (0: no
//! runner) and are reused once their thread has left, so they stay below the number of threads
//! alive at once, which the system keeps far below [`MAX`] (Linux's `pid_max` is at most 2^22).

use std::cell::RefCell;
use std::sync::Arc;

use crate::cancel::{self, CancelToken};
use crate::fork;
use crate::park::mutex::{Mutex, MutexGuard};

/// The largest number a runner may have: what the future's status word has room for.
pub(crate) const MAX: u32 = (1 << 25) - 1;

/// Slot `n - 1` holds the token of runner `n`, `None` once it has left.
type Tokens = Vec<Option<Arc<CancelToken>>>;

static RUNNERS: Mutex<Tokens> = Mutex::new(Vec::new());

thread_local! {
    static RUNNERS_HELD_FOR_FORK: RefCell<Option<MutexGuard<'static, Tokens>>> =
        const { RefCell::new(None) };
}

/// A pool's worker thread, registered: its number and its token, installed for the thread's
/// waits. Dropping it (when the worker leaves) unregisters it.
pub(crate) struct Runner {
    number: u32,
    token: Arc<CancelToken>,
}

impl Runner {
    /// Registers the calling thread, a worker about to take tasks, and installs its token.
    pub(crate) fn register() -> Runner {
        let token = Arc::new(CancelToken::new());
        let mut runners = RUNNERS.lock();
        let index = runners.iter().position(Option::is_none).unwrap_or_else(|| {
            runners.push(None);
            runners.len() - 1
        });
        assert!(index < MAX as usize, "more threads than a system has");
        runners[index] = Some(Arc::clone(&token));
        drop(runners);
        cancel::install(Some(Arc::clone(&token)));
        let number = u32::try_from(index + 1).expect("below MAX");
        Runner { number, token }
    }

    /// The number a future's status word records for the task this runner claims (never 0).
    pub(crate) fn number(&self) -> u32 {
        self.number
    }

    /// After a task: clears an interrupt aimed at it, so that the next task starts without one.
    #[inline]
    pub(crate) fn task_done(&self) {
        if self.token.is_set() {
            self.token.reset();
        }
    }
}

impl Drop for Runner {
    fn drop(&mut self) {
        let mut runners = RUNNERS.lock();
        // Still its own: in a child made by `fork()` from this worker, the number may be
        // another's by now.
        if let Some(slot) = runners.get_mut(self.number as usize - 1)
            && slot.as_ref().is_some_and(|t| Arc::ptr_eq(t, &self.token))
        {
            *slot = None;
        }
    }
}

/// Sets the token of runner `number`: the task it runs sees `cancelled()`, and its waits end.
/// False if there is no such runner (it left, or the number was made in a parent before
/// `fork()`). The caller makes sure the runner is still running the task meant (see
/// `Future::interrupt`).
pub(crate) fn interrupt(number: u32) -> bool {
    let runners = RUNNERS.lock();
    let Some(Some(token)) = (number as usize)
        .checked_sub(1)
        .and_then(|i| runners.get(i))
    else {
        return false;
    };
    token.set();
    true
}

/// For the pools' `prepare` fork handler (which takes the pools' states first, see
/// `pool::arm_fork_handlers`): holds the list across `fork()`, so that the child never inherits
/// it locked by a thread it does not have.
pub(crate) fn lock_before_fork() {
    fork::hold_for_fork(&RUNNERS_HELD_FOR_FORK, || RUNNERS.lock());
}

/// For the pools' `parent` fork handler.
pub(crate) fn unlock_in_parent() {
    drop(fork::held_in_parent(&RUNNERS_HELD_FOR_FORK));
}

/// For the pools' `child` fork handler: the parent's workers are not the child's, so their
/// numbers are forgotten (an interrupt of a future they ran in the parent finds no runner).
pub(crate) fn unlock_in_child() {
    if let Some(mut runners) = fork::held_in_child(&RUNNERS_HELD_FOR_FORK) {
        runners.clear();
    }
}
