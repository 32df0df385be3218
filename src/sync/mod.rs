//! Locks and the primitives built on them, one file each.

mod barrier;
pub(crate) mod condition;
mod event;
mod lock;
mod parking;
mod rlock;
mod semaphore;
mod signal;

pub use barrier::{Barrier, BarrierAction};
pub use condition::{Condition, ConditionLock};
pub use event::Event;
pub use lock::Lock;
pub use rlock::{RLock, RLockSaved};
pub use semaphore::Semaphore;
pub(crate) use signal::{Signal, Waiters};

use std::cell::Cell;

#[cfg(not(loom))]
crate::loom::thread_local! {
    // Only its address is used: unique among live threads, and a const-initialised
    // thread-local with no destructor costs one TLS offset computation to reach.
    static TOKEN: Cell<u8> = const { Cell::new(0) };
}

// loom's macro takes no `const` initializer.
#[cfg(loom)]
crate::loom::thread_local! {
    static TOKEN: Cell<u8> = Cell::new(0);
}

/// A nonzero number that identifies the calling thread among the threads alive now (like
/// CPython's `get_ident()`, it may be reused once a thread has exited).
#[inline]
pub(crate) fn thread_token() -> usize {
    TOKEN.with(|t| t as *const Cell<u8> as usize)
}
