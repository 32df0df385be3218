//! The one place the core takes its synchronization building blocks from: `std`'s and weft's
//! own normally, loom's and models of weft's own under `cfg(loom)`, so that a model checker can
//! be swapped in without touching the primitives (tokio's `src/loom/mod.rs` does the same).
//! The primitives in `sync`, the queue and futures are built under loom (`tests/loom.rs`).

#[cfg(not(loom))]
pub(crate) mod atomic {
    pub(crate) use std::sync::atomic::{AtomicBool, AtomicU32, AtomicU64, AtomicUsize, Ordering};
}
#[cfg(loom)]
pub(crate) mod atomic {
    pub(crate) use loom::sync::atomic::{AtomicBool, AtomicU32, AtomicU64, AtomicUsize, Ordering};
}

/// An `UnsafeCell` reached through raw pointers in closures, as loom's is, so that loom can
/// check each access (the FIFO queue's slots).
#[cfg(not(loom))]
pub(crate) mod cell {
    /// std's `UnsafeCell` with loom's API.
    #[derive(Debug)]
    pub(crate) struct UnsafeCell<T>(std::cell::UnsafeCell<T>);

    impl<T> UnsafeCell<T> {
        pub(crate) fn new(value: T) -> UnsafeCell<T> {
            UnsafeCell(std::cell::UnsafeCell::new(value))
        }

        /// Runs `f` on a pointer to the value; the caller's SAFETY note says why nobody else
        /// reaches it meanwhile.
        #[inline(always)]
        pub(crate) fn with_mut<R>(&self, f: impl FnOnce(*mut T) -> R) -> R {
            f(self.0.get())
        }
    }
}
#[cfg(loom)]
pub(crate) mod cell {
    pub(crate) use loom::cell::UnsafeCell;
}

#[cfg(not(loom))]
pub(crate) use crate::park::mutex::{ArcGuard, Mutex, MutexGuard};
#[cfg(loom)]
pub(crate) use crate::park::mutex_model::{Mutex, MutexGuard};

#[cfg(not(loom))]
pub(crate) use crate::park::table;
#[cfg(loom)]
pub(crate) use crate::park::table::loom_model as table;

#[cfg(loom)]
pub(crate) use loom::thread_local;

/// A `const fn` normally; a plain `fn` under loom, whose atomics cannot be made in constants.
macro_rules! const_fn {
    ($(#[$attr:meta])* $vis:vis fn $name:ident() -> $ret:ty $body:block) => {
        #[cfg(not(loom))]
        $(#[$attr])*
        $vis const fn $name() -> $ret $body

        #[cfg(loom)]
        $(#[$attr])*
        $vis fn $name() -> $ret $body
    };
}
pub(crate) use const_fn;
