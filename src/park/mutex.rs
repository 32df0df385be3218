//! `Mutex<T>`: the lock around weft's own state (a queue's items, a pool's work list, a
//! thread's state, the registries), a [`Lock`] that owns the data it guards.
//!
//! Built on [`Lock`] so that internal state waits like everything else in weft: in weft's
//! parking lot (a child made by `fork()` starts with an empty one), spinning a little and then
//! yielding before it parks, which on an oversubscribed machine lets a descheduled holder run
//! (`std`'s futex mutex spins and then sleeps; BENCHMARKS.md compares the two). Conditions are
//! waited for with a [`Condvar`](super::Condvar), and [`MutexGuard::unlocked`] releases the
//! mutex meanwhile.
//!
//! No poisoning: a panic while the mutex is held releases it (the guard's destructor), and
//! weft's code keeps the guarded state consistent across every call that may panic.

use std::cell::UnsafeCell;
use std::fmt;
use std::marker::PhantomData;
use std::ops::{Deref, DerefMut};
use std::ptr::NonNull;
use std::sync::Arc;

use crate::sync::Lock;

/// A value only one thread at a time can reach, through the guard [`Mutex::lock`] returns.
pub(crate) struct Mutex<T> {
    lock: Lock,
    value: UnsafeCell<T>,
}

// SAFETY: the value is reached only through a `MutexGuard`, and `lock` lets one guard exist at
// a time, so sharing the mutex hands the value from thread to thread, one at a time, which
// `T: Send` allows (std's `Mutex` makes the same promise).
unsafe impl<T: Send> Sync for Mutex<T> {}

/// Access to a [`Mutex`]'s value; the mutex is released when it is dropped.
pub(crate) struct MutexGuard<'a, T> {
    mutex: &'a Mutex<T>,
    /// Send and Sync as `&mut T` is: a guard shared between threads shares the value.
    _value: PhantomData<&'a mut T>,
}

impl<T> Mutex<T> {
    /// An unlocked mutex holding `value`.
    pub(crate) const fn new(value: T) -> Mutex<T> {
        Mutex {
            lock: Lock::new(),
            value: UnsafeCell::new(value),
        }
    }

    /// Waits until the mutex is free and takes it.
    #[inline]
    pub(crate) fn lock(&self) -> MutexGuard<'_, T> {
        self.lock.lock();
        MutexGuard {
            mutex: self,
            _value: PhantomData,
        }
    }
}

/// A guard that owns a reference to the object its mutex is in, so that no borrow limits how
/// long it lives: a fork handler keeps one from before `fork()` to after (see `fork.rs`).
pub(crate) struct ArcGuard<O, T> {
    /// Keeps `mutex` where it is.
    owner: Arc<O>,
    mutex: NonNull<Mutex<T>>,
}

impl<T> Mutex<T> {
    /// Waits until the mutex that `mutex` finds in `owner` is free and takes it.
    pub(crate) fn lock_arc<O>(
        owner: Arc<O>,
        mutex: impl FnOnce(&O) -> &Mutex<T>,
    ) -> ArcGuard<O, T> {
        let mutex = NonNull::from(mutex(&owner));
        // SAFETY: `mutex` points into `owner`'s allocation (a borrow of it, returned by
        // `mutex`), alive as long as the Arc.
        unsafe { mutex.as_ref() }.lock.lock();
        ArcGuard { owner, mutex }
    }
}

impl<O, T> ArcGuard<O, T> {
    /// The object the mutex is in.
    pub(crate) fn owner(this: &Self) -> &Arc<O> {
        &this.owner
    }

    fn mutex(&self) -> &Mutex<T> {
        // SAFETY: `owner` keeps the allocation `mutex` points into alive and unmoved (an Arc's
        // contents never move) for as long as this guard lives.
        unsafe { self.mutex.as_ref() }
    }
}

impl<O, T> Deref for ArcGuard<O, T> {
    type Target = T;
    fn deref(&self) -> &T {
        // SAFETY: as in `MutexGuard::deref`: this guard holds the mutex.
        unsafe { &*self.mutex().value.get() }
    }
}

impl<O, T> DerefMut for ArcGuard<O, T> {
    fn deref_mut(&mut self) -> &mut T {
        // SAFETY: as in `MutexGuard::deref_mut`.
        unsafe { &mut *self.mutex().value.get() }
    }
}

impl<O, T> Drop for ArcGuard<O, T> {
    fn drop(&mut self) {
        self.mutex().lock.unlock();
    }
}

impl<T> MutexGuard<'_, T> {
    /// Runs `f` with the mutex released, then takes it again.
    pub(crate) fn unlocked<U>(this: &mut Self, f: impl FnOnce() -> U) -> U {
        this.mutex.lock.unlock();
        // Taken again even if `f` panics: the guard's destructor releases it once more.
        struct Relock<'b, T>(&'b Mutex<T>);
        impl<T> Drop for Relock<'_, T> {
            fn drop(&mut self) {
                self.0.lock.lock();
            }
        }
        let _relock = Relock(this.mutex);
        f()
    }
}

impl<T> Deref for MutexGuard<'_, T> {
    type Target = T;
    #[inline]
    fn deref(&self) -> &T {
        // SAFETY: this guard holds the mutex, so no other guard exists and nobody else reaches
        // the value; the borrow cannot outlive the guard.
        unsafe { &*self.mutex.value.get() }
    }
}

impl<T> DerefMut for MutexGuard<'_, T> {
    #[inline]
    fn deref_mut(&mut self) -> &mut T {
        // SAFETY: as in `deref`; `&mut self` makes this the only borrow through the guard.
        unsafe { &mut *self.mutex.value.get() }
    }
}

impl<T> Drop for MutexGuard<'_, T> {
    #[inline]
    fn drop(&mut self) {
        self.mutex.lock.unlock();
    }
}

impl<T> fmt::Debug for Mutex<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Mutex").finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::panic::{self, AssertUnwindSafe};
    use std::sync::Arc;

    #[test]
    fn one_holder_at_a_time() {
        const THREADS: usize = 4;
        let rounds = if cfg!(miri) { 50 } else { 1000 };
        let shared = Arc::new(Mutex::new((0usize, false)));
        let threads: Vec<_> = (0..THREADS)
            .map(|_| {
                let shared = shared.clone();
                std::thread::spawn(move || {
                    for _ in 0..rounds {
                        let mut guard = shared.lock();
                        assert!(!guard.1, "two holders");
                        guard.1 = true;
                        guard.0 += 1;
                        std::hint::spin_loop();
                        guard.1 = false;
                    }
                })
            })
            .collect();
        for t in threads {
            t.join().unwrap();
        }
        assert_eq!(shared.lock().0, THREADS * rounds);
    }

    #[test]
    fn unlocked_lets_others_in_and_takes_the_mutex_back_even_after_a_panic() {
        let shared = Arc::new(Mutex::new(0));
        let mut guard = shared.lock();
        let other = shared.clone();
        // Another thread can take the mutex while `unlocked` runs its closure.
        MutexGuard::unlocked(&mut guard, || {
            std::thread::spawn(move || *other.lock() = 1)
                .join()
                .unwrap();
        });
        assert_eq!(*guard, 1);
        let panicked = panic::catch_unwind(AssertUnwindSafe(|| {
            MutexGuard::unlocked(&mut guard, || panic!("in the closure"));
        }));
        assert!(panicked.is_err());
        // Held again: the guard still works, and dropping it frees the mutex for good.
        *guard = 2;
        drop(guard);
        let other = shared.clone();
        assert_eq!(std::thread::spawn(move || *other.lock()).join().unwrap(), 2);
    }
}
