//! Locks and the primitives built on them, one file each.

mod barrier;
pub(crate) mod condition;
mod event;
mod lock;
mod once;
mod rlock;
mod rwlock;
mod semaphore;

pub use barrier::{Barrier, BarrierAction};
pub use condition::{Condition, ConditionLock};
pub use event::Event;
pub use lock::Lock;
pub use once::{Once, OnceTurn};
pub use rlock::{RLock, RLockSaved};
pub use rwlock::RwLock;
pub use semaphore::Semaphore;

/// A nonzero number that identifies the calling thread among the threads alive now (like
/// CPython's `get_ident()`, which its RLock uses, it may be reused once a thread has exited):
/// the thread pointer (`os::thread_token`). Reading it is one instruction, where
/// `pthread_self()` is a call into libc and a thread-local in a shared library a
/// `__tls_get_addr` call. In a child made by `fork()`, the forking thread keeps its thread
/// pointer, so it still owns the RLocks it held.
#[cfg(not(loom))]
#[inline]
pub(crate) fn thread_token() -> usize {
    crate::os::thread_token()
}

// loom runs every model thread on one OS thread: a thread-local's address tells them apart.
#[cfg(loom)]
crate::loom::thread_local! {
    static TOKEN: std::cell::Cell<u8> = std::cell::Cell::new(0);
}

#[cfg(loom)]
pub(crate) fn thread_token() -> usize {
    TOKEN.with(|t| t as *const std::cell::Cell<u8> as usize)
}
