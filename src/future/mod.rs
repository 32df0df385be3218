//! `Future`: Python's `concurrent.futures.Future`, with the module's `wait` and `as_completed`.
//!
//! A future is pending, then running, then done with an [`Outcome`]; a pending future may be
//! cancelled instead. One atomic status word says which, and counts the references to the
//! future: whether a pending future runs or is cancelled is decided by its first claim, and the
//! outcome, written once by the claimer, is published by setting its done bit. Listeners are
//! kept under a mutex, which a completion takes only if one registered (or a sleeper), so that
//! starting, completing and reading a future that nobody waits on takes no lock. Threads
//! waiting for one future park on its status word, until the done bit is set, as on a futex.
//! Threads waiting for several ([`wait`], [`AsCompleted`], [`as_completed_next`]) register a
//! waiter of their own once with each of them, as CPython registers a `_Waiter`: completing a
//! future reports its index to every waiter registered with it, so that a wait never looks at
//! the futures again and costs time linear in their number.
//!
//! One difference with CPython: a cancelled future counts as done for [`wait`] and
//! [`AsCompleted`] at once. CPython only reports it there once an executor has noticed the
//! cancellation (`set_running_or_notify_cancel`), which never happens to futures cancelled by
//! `shutdown(cancel_futures=True)`.
//!
//! One file per part: how a future ended (`outcome.rs`), its one allocation and the references
//! to it (`handle.rs`), the status word that moves it from pending to done (`status.rs`), its
//! task, type-erased for the pool (`task.rs`), the waiter of a thread waiting for several
//! (`waiter.rs`), and waiting for one future or several (`waiting.rs`).
// Under loom the pool, which creates and completes futures, is not built.
#![cfg_attr(loom, allow(dead_code))]

mod handle;
mod outcome;
mod status;
mod task;
mod waiter;
mod waiting;

pub use handle::Future;
pub use outcome::Outcome;
#[cfg(loom)]
pub use task::model_task;
#[cfg(not(loom))]
pub(crate) use task::{Queued, TaskFn};
pub use waiter::ReturnWhen;
#[cfg(not(loom))]
pub(crate) use waiter::Waiter;
pub use waiting::{AsCompleted, InOrder, Waited, as_completed_next, wait};
#[cfg(not(loom))]
pub(crate) use waiting::{register, unregister};
