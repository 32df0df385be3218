//! The parking lot: where every blocked weft thread sleeps, in one process-wide table of
//! queues keyed by an address (the word or object the thread waits on).
//!
//! It offers the operations of `parking_lot_core` that weft's primitives are written against
//! (`park` with a validation under the queue's lock, `unpark_one`, `unpark_all`,
//! `unpark_filter`, `unpark_requeue`) and is weft's own for one reason: `fork()`. A child made
//! by `fork()` has only the thread that forked, but inherits the table with the queue entries of
//! the parent's other threads; a wake-up meant for the child's own waiters would go to a thread
//! that does not exist there, and a queue lock a vanished thread held would never be released.
//! So the child starts with an empty table ([`after_fork_in_child`]): every thread that can
//! ever wait there is one the child starts itself.
//!
//! - The table is a fixed array of buckets (no resizing, so no global lock); a key's bucket is
//!   picked by hashing the address. Each bucket is a `std` mutex around a deque of entries, in
//!   arrival order, so each key's queue is FIFO. Waking the oldest takes it off the front; waking
//!   or moving many is one pass through the bucket, so waking N threads costs O(N) with the
//!   bucket locked, not O(N²).
//! - Each bucket also keeps a fairness timer: an unpark that wakes a thread after it has run
//!   out is fair (`UnparkResult::be_fair`), and sets it again 0 to 1 ms on. A Lock's release
//!   then hands the lock to the thread it wakes (`park::word`), so that a waiter is not
//!   starved by threads that keep re-taking the lock.
//! - Each thread has a `Parker` (shared with the entries that name it, so that a late wake-up
//!   never touches freed memory): a futex word it sleeps on, the unpark token, and the key it is
//!   queued under now (a requeue moves it).
//! - A thread parked with a cancellation token (`crate::cancel`; a wait whose deadline takes
//!   one) sleeps on the token's word instead of its parker's: setting the token wakes it, and it
//!   leaves the queue as on a timeout. Its unparkers wake it through that word.
//! - An unparker removes the entry and marks the parker woken under the bucket lock, and makes
//!   the wake-up system call after releasing it (when it wakes several, from a list it
//!   allocates: the only allocations, with that of a requeue between two keys that share a
//!   bucket). A parker that times out re-takes its bucket lock: if no unparker got there first
//!   it removes its own entry, so a wake-up is either delivered or never sent, never lost.
//!
//! Callbacks run with the bucket (or, for a requeue, both buckets) locked: they must not call
//! into the parking lot, except `park`'s `before_sleep`, which runs after the lock is released.
//! A callback that panicked would leave the bucket consistent (entries are moved before or
//! after callbacks run, never during), and the lock ignores poisoning.

#[cfg(not(loom))]
mod buckets;
#[cfg(loom)]
pub(crate) mod loom_model;
#[cfg(all(test, not(loom)))]
mod tests;

#[cfg(not(loom))]
pub(crate) use buckets::{SpinWait, after_fork_in_child, forks, park, unpark_all, unpark_filter};
#[cfg(not(loom))]
pub(crate) use buckets::{unpark_one, unpark_requeue};

/// What a parked thread leaves for its unparkers' filters (Condition: the thread's token).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct ParkToken(pub(crate) usize);

/// What an unparker hands to the thread it wakes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct UnparkToken(pub(crate) usize);

/// The park token of a parker with nothing to say.
pub(crate) const DEFAULT_PARK_TOKEN: ParkToken = ParkToken(0);
/// The unpark token of an unparker with nothing to say.
pub(crate) const DEFAULT_UNPARK_TOKEN: UnparkToken = UnparkToken(0);

/// How a [`park`] ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum ParkResult {
    /// Woken by an unparker, with its token.
    Unparked(UnparkToken),
    /// `validate` said no: the thread never slept.
    Invalid,
    /// The deadline passed first.
    TimedOut,
}

/// What an unpark did, as its callback and its caller see it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct UnparkResult {
    /// Threads woken.
    pub(crate) unparked_threads: usize,
    /// Threads moved to the other key (`unpark_requeue`).
    pub(crate) requeued_threads: usize,
    /// Whether threads remain queued under the key.
    pub(crate) have_more_threads: bool,
    /// Whether this unpark should be fair: hand what it releases to the thread it wakes
    /// instead of letting any thread take it (a Lock's release, see `park::word`). True, when
    /// a thread is woken, about once every 0.5 ms per bucket (a timer with a random jitter,
    /// as in `parking_lot_core`).
    pub(crate) be_fair: bool,
}

/// An `unpark_filter` filter's verdict on one parked thread.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum FilterOp {
    /// Wake it.
    Unpark,
    /// Leave it and look at the next one.
    Skip,
    /// Leave it and every later one.
    Stop,
}

/// What an `unpark_requeue` does, as its `validate` decides.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum RequeueOp {
    /// Wake the first thread; leave the others.
    UnparkOne,
    /// Move the first thread.
    RequeueOne,
    /// Move every thread.
    RequeueAll,
}
