//! loom's mutex with the API of weft's own (`mutex.rs`): the internal mutex's stand-in in the
//! loom models, picked by the facade (`src/loom.rs`).

use std::ops::{Deref, DerefMut};

use super::Forked;

/// loom's mutex without poisoning (a model run that panics fails).
#[derive(Debug)]
pub(crate) struct Mutex<T>(loom::sync::Mutex<T>);

/// Holds `Some` except in the middle of `unlocked`.
pub(crate) struct MutexGuard<'a, T> {
    mutex: &'a Mutex<T>,
    guard: Option<loom::sync::MutexGuard<'a, T>>,
}

impl<T> Mutex<T> {
    pub(crate) fn new(value: T) -> Mutex<T> {
        Mutex(loom::sync::Mutex::new(value))
    }

    pub(crate) fn lock(&self) -> MutexGuard<'_, T> {
        MutexGuard {
            mutex: self,
            guard: Some(self.0.lock().expect("no panics in models")),
        }
    }

    /// Models have no fork: never [`Forked`].
    pub(crate) fn lock_checked(&self) -> Result<MutexGuard<'_, T>, Forked> {
        Ok(self.lock())
    }

    /// Models have no fork: never broken by one.
    pub(crate) fn broken_by_fork(&self) -> bool {
        false
    }
}

impl<T> MutexGuard<'_, T> {
    /// Runs `f` with the mutex released, then locks it again.
    pub(crate) fn unlocked<U>(this: &mut Self, f: impl FnOnce() -> U) -> U {
        drop(this.guard.take());
        let result = f();
        this.guard = Some(this.mutex.0.lock().expect("no panics in models"));
        result
    }
}

impl<T> Deref for MutexGuard<'_, T> {
    type Target = T;
    fn deref(&self) -> &T {
        self.guard.as_ref().expect("guard held")
    }
}

impl<T> DerefMut for MutexGuard<'_, T> {
    fn deref_mut(&mut self) -> &mut T {
        self.guard.as_mut().expect("guard held")
    }
}
