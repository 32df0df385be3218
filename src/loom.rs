//! The one place the core takes its synchronization building blocks from.
//!
//! Every primitive imports atomics, parking and mutexes from here and nowhere else, so that a
//! model checker can be swapped in under `cfg(loom)` without touching the primitives (the
//! pattern tokio's `src/loom/mod.rs` uses).

pub(crate) mod atomic {
    pub(crate) use std::sync::atomic::{AtomicBool, AtomicU8, AtomicU64, AtomicUsize, Ordering};
}

pub(crate) use parking_lot::{Condvar, Mutex, MutexGuard};
pub(crate) use parking_lot_core as parking;
