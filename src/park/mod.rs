//! The substrate every blocking primitive is built on: where weft's threads wait.
//!
//! - [`table`]: the parking table, one process-wide table of queues of sleeping threads keyed by
//!   an address (weft's own `parking_lot_core`; a child made by `fork()` gets an empty one). Its
//!   loom model, `table/loom_model.rs`, stands in for it under `cfg(loom)`. It is where a
//!   cancellation token (`crate::cancel`) ends a wait: every primitive's waits honour one.
//! - [`word`]: the parking protocol of the primitives whose whole state is one word (`Lock`,
//!   `Semaphore`, `Event`): a bit of the word says that threads may be parked on its address.
//! - `mutex`: the internal [`Mutex<T>`](crate::loom::Mutex) around weft's own state (a queue's
//!   items, a thread's state, the registries), on a word of its own that also records the fork
//!   generation of its holder, so that a child made by `fork()` knows a mutex left held by a
//!   thread it does not have ([`Forked`]); `mutex_model.rs` is its loom stand-in.
//! - [`condvar`]: the condition variable that goes with that mutex ([`Condvar`], counting its
//!   sleepers in [`Waiters`]), for the waits of the queue, futures, threads, the pool and the
//!   barrier.
//!
//! The primitives reach the table and the mutex through the facade (`src/loom.rs`), which
//! swaps in the models under loom.

pub(crate) mod condvar;
#[cfg(not(loom))]
pub(crate) mod mutex;
#[cfg(loom)]
pub(crate) mod mutex_model;
pub(crate) mod table;
pub(crate) mod word;

pub(crate) use condvar::{Condvar, Waiters};

/// What [`Mutex::lock_checked`](crate::loom::Mutex::lock_checked) returns in a child made by
/// `fork()` for a mutex a thread of the parent held at the fork: the object it guards is broken
/// by the fork there ([`Error::Forked`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Forked;

impl From<Forked> for crate::Error {
    fn from(_: Forked) -> crate::Error {
        crate::Error::Forked
    }
}
