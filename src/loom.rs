//! The one place the core takes its synchronization building blocks from.
//!
//! Every primitive imports atomics, parking, mutexes and thread-locals from here and nowhere
//! else, so that a model checker can be swapped in under `cfg(loom)` without touching the
//! primitives (the pattern tokio's `src/loom/mod.rs` uses):
//!
//! | item              | normal build                    | `RUSTFLAGS="--cfg loom"`             |
//! |-------------------|---------------------------------|--------------------------------------|
//! | `atomic`          | `std::sync::atomic`             | `loom::sync::atomic`                 |
//! | `parking`         | `parking_lot_core`              | `loom/parking.rs`, over loom's mutex |
//! | `Mutex`, `Condvar`| over `std::sync`                | over `loom::sync`                    |
//! | `thread_local!`   | `std::thread_local!`            | `loom::thread_local!`                |
//!
//! `Mutex` and `Condvar` have `parking_lot`'s interface (`lock()` cannot fail, `wait` takes the
//! guard by `&mut`), but are built on `std::sync`, whose futex-based locks keep no list of
//! waiters outside the lock word: in a child made by `fork()`, a lock the forking thread held can
//! be released even if threads that no longer exist were queued on it (`thread.rs` relies on
//! this). `parking_lot`'s locks can hand themselves over to such a dead waiter and hang the
//! child.
//!
//! Under loom only the primitives are compiled: `thread`, `capi` and whatever starts real OS
//! threads are left out (loom runs its threads itself).

// Under loom, `thread.rs` (the main user of `Mutex` and `Condvar`) is not compiled, and the
// parking model offers the whole parking API whether or not every part of it is used yet.
#![cfg_attr(loom, allow(dead_code))]

/// The model of `parking_lot_core` used under loom.
#[cfg(loom)]
pub(crate) mod parking;

pub(crate) mod atomic {
    #[cfg(loom)]
    #[allow(unused_imports)]
    // `AtomicBool` is only used by `thread.rs`, not built under loom
    pub(crate) use loom::sync::atomic::{AtomicBool, AtomicU8, AtomicUsize, Ordering};
    #[cfg(not(loom))]
    pub(crate) use std::sync::atomic::{AtomicBool, AtomicU8, AtomicUsize, Ordering};
}

#[cfg(not(loom))]
pub(crate) use std::thread_local;

/// `loom::thread_local!` for std's const-initialised form, which loom's macro does not parse.
#[cfg(loom)]
macro_rules! loom_thread_local {
    ($(#[$attr:meta])* $vis:vis static $name:ident: $t:ty = const { $init:expr };) => {
        loom::thread_local!($(#[$attr])* $vis static $name: $t = $init);
    };
}
#[cfg(loom)]
pub(crate) use loom_thread_local as thread_local;

#[cfg(not(loom))]
pub(crate) use parking_lot_core as parking;

#[cfg(loom)]
use loom::sync as backend;
#[cfg(not(loom))]
use std::sync as backend;

use std::ops::{Deref, DerefMut};
use std::sync::PoisonError;
use std::time::Instant;

/// Declares a `const fn` that is a plain `fn` under loom, whose atomics and mutexes cannot be
/// built in a const context.
macro_rules! const_fn {
    ($(#[$attr:meta])* $vis:vis fn $($rest:tt)*) => {
        #[cfg(not(loom))]
        $(#[$attr])* $vis const fn $($rest)*
        #[cfg(loom)]
        $(#[$attr])* $vis fn $($rest)*
    };
}
pub(crate) use const_fn;

/// A mutex with `parking_lot`'s interface. A panic while it is held does not poison it: the
/// data is used as the panicking thread left it, as with `parking_lot`.
pub(crate) struct Mutex<T>(backend::Mutex<T>);

/// The guard of a [`Mutex`]. The inner guard is only `None` for the instant a [`Condvar`] wait
/// hands it to the backend and takes it back.
pub(crate) struct MutexGuard<'a, T>(Option<backend::MutexGuard<'a, T>>);

impl<T> Mutex<T> {
    const_fn! {
        /// A new unlocked mutex holding `value`.
        pub(crate) fn new(value: T) -> Mutex<T> {
            Mutex(backend::Mutex::new(value))
        }
    }

    /// Locks the mutex, waiting as long as it takes.
    pub(crate) fn lock(&self) -> MutexGuard<'_, T> {
        MutexGuard(Some(self.0.lock().unwrap_or_else(PoisonError::into_inner)))
    }
}

impl<T> Deref for MutexGuard<'_, T> {
    type Target = T;
    fn deref(&self) -> &T {
        self.0
            .as_deref()
            .expect("a guard is only empty inside Condvar::wait")
    }
}

impl<T> DerefMut for MutexGuard<'_, T> {
    fn deref_mut(&mut self) -> &mut T {
        self.0
            .as_deref_mut()
            .expect("a guard is only empty inside Condvar::wait")
    }
}

/// A condition variable with `parking_lot`'s interface. Waits may wake spuriously: callers loop
/// on their condition (and deadline).
pub(crate) struct Condvar(backend::Condvar);

/// Whether a [`Condvar::wait_until`] returned because its deadline passed.
#[derive(Debug, Clone, Copy)]
pub(crate) struct WaitTimeoutResult(bool);

impl WaitTimeoutResult {
    /// Whether the wait timed out.
    pub(crate) fn timed_out(self) -> bool {
        self.0
    }
}

impl Condvar {
    const_fn! {
        /// A new condition variable.
        pub(crate) fn new() -> Condvar {
            Condvar(backend::Condvar::new())
        }
    }

    /// Unlocks `guard`'s mutex, waits for a notification, and locks it again.
    pub(crate) fn wait<T>(&self, guard: &mut MutexGuard<'_, T>) {
        let inner = guard.0.take().expect("a guard is only empty inside wait");
        guard.0 = Some(self.0.wait(inner).unwrap_or_else(PoisonError::into_inner));
    }

    /// As [`Condvar::wait`], giving up at `deadline`.
    ///
    /// Under loom a timed wait is an untimed one (loom's `wait_timeout` never times out): a model
    /// must not rely on a condition-variable timeout to make progress.
    pub(crate) fn wait_until<T>(
        &self,
        guard: &mut MutexGuard<'_, T>,
        deadline: Instant,
    ) -> WaitTimeoutResult {
        let inner = guard.0.take().expect("a guard is only empty inside wait");
        let timeout = deadline.saturating_duration_since(Instant::now());
        let (inner, result) = self
            .0
            .wait_timeout(inner, timeout)
            .unwrap_or_else(PoisonError::into_inner);
        guard.0 = Some(inner);
        WaitTimeoutResult(result.timed_out())
    }

    /// Wakes every waiter.
    pub(crate) fn notify_all(&self) {
        self.0.notify_all();
    }
}
