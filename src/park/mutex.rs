//! `Mutex<T>`: the lock around weft's own state (a queue's items, a pool's work list, a
//! thread's state, the registries), a lock that owns the data it guards.
//!
//! It waits like everything else in weft: with the protocol of [`park::word`](super::word) (the
//! one [`Lock`](crate::sync::Lock)'s word follows), in weft's parking lot (a child made by
//! `fork()` starts with an empty one), spinning a little and then yielding before it parks,
//! which on an oversubscribed machine lets a descheduled holder run (`std`'s futex mutex spins
//! and then sleeps; BENCHMARKS.md compares the two). Conditions are waited for with a
//! [`Condvar`](super::Condvar), and [`MutexGuard::unlocked`] releases the mutex meanwhile.
//!
//! # Fork
//!
//! A child made by `fork()` has only the thread that forked: a mutex another thread held at that
//! moment stays held for ever in the child, over a state that thread may have left half-updated
//! (a `VecDeque` caught growing). So the word records, beside `LOCKED` and `PARKED`, the fork
//! generation its holder took it in ([`table::forks`]: 0 in the first process, one more in each
//! child, bumped by the child's first fork handler, before anything else in the child runs:
//! each of weft's child handlers, which the library's constructor installs, starts there).
//! It is part of the value the taking CAS writes, so there is no moment when the mutex is held
//! and the generation not yet recorded. A thread that finds the mutex held by an older
//! generation knows that its holder is gone: [`Mutex::lock_checked`] returns [`Forked`] instead
//! of waiting for ever, and the object is "broken by the fork" in that child (the word never
//! changes again there: nobody will release it, and nobody steals it). The forking thread's own
//! guards (a fork handler keeps some from `prepare` to the child's handler, see `fork.rs`) are
//! released by it in the child, by the slow path, which clears whatever generation is there.
//! [`Mutex::lock`] is for the state those handlers hold across `fork()` (the registries, the
//! pools' and the locals' states, Thread objects), which no child ever finds broken.
//!
//! No poisoning: a panic while the mutex is held releases it (the guard's destructor), and
//! weft's code keeps the guarded state consistent across every call that may panic.

use std::cell::UnsafeCell;
use std::fmt;
use std::marker::PhantomData;
use std::mem::ManuallyDrop;
use std::ops::{Deref, DerefMut};
use std::ptr::NonNull;
use std::sync::Arc;

use super::Forked;
use super::table;
use super::word;
use crate::loom::atomic::{AtomicUsize, Ordering};
use crate::timeout::Deadline;

const LOCKED: usize = 0b01;
const PARKED: usize = 0b10;
/// The bits above `LOCKED` and `PARKED`: the fork generation of the holder (wrapping, which
/// would take 2^62 forks in one line of descent to matter).
const GENERATION: usize = !(LOCKED | PARKED);

/// The word a thread of this process writes when it takes a mutex: `LOCKED` and this process's
/// fork generation.
#[inline]
fn held_here() -> usize {
    LOCKED | (table::forks() as usize) << GENERATION.trailing_zeros()
}

/// A value only one thread at a time can reach, through the guard [`Mutex::lock`] returns.
pub(crate) struct Mutex<T> {
    /// `LOCKED`, `PARKED` and the holder's fork generation (see "Fork" above).
    state: AtomicUsize,
    /// Dropped with the mutex, unless the mutex is broken by a fork (see `Drop`).
    value: ManuallyDrop<UnsafeCell<T>>,
}

// SAFETY: the value is reached only through a `MutexGuard`, and `state` lets one guard exist at
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
            state: AtomicUsize::new(0),
            value: ManuallyDrop::new(UnsafeCell::new(value)),
        }
    }

    /// Waits until the mutex is free and takes it, for state that weft's fork handlers hold
    /// across `fork()` (see "Fork" above): it is never broken by a fork.
    ///
    /// # Panics
    /// If it is (a mutex that no fork handler holds, in a child): a bug in weft, better a
    /// panic, which the C boundary reports, than a wait for ever.
    #[inline]
    pub(crate) fn lock(&self) -> MutexGuard<'_, T> {
        self.raw_lock()
            .expect("a mutex held across fork() by its fork handlers");
        MutexGuard {
            mutex: self,
            _value: PhantomData,
        }
    }

    /// Waits until the mutex is free and takes it; in a child made by `fork()`, [`Forked`] if a
    /// thread of the parent held it at the fork (the object is broken by the fork there: see
    /// "Fork" above).
    #[inline]
    pub(crate) fn lock_checked(&self) -> Result<MutexGuard<'_, T>, Forked> {
        self.raw_lock()?;
        Ok(MutexGuard {
            mutex: self,
            _value: PhantomData,
        })
    }

    /// Whether a thread of the parent held the mutex at the fork that made this process (see
    /// "Fork" above).
    pub(crate) fn broken_by_fork(&self) -> bool {
        // Relaxed: a broken word never changes in this process; a live one is not looked into.
        let state = self.state.load(Ordering::Relaxed);
        state & LOCKED != 0 && state & GENERATION != held_here() & GENERATION
    }

    /// Takes the mutex: one CAS when it is free and nobody waits.
    #[inline]
    fn raw_lock(&self) -> Result<(), Forked> {
        let held = held_here();
        // Acquire: the critical section sees everything the last holder wrote before its
        // Release in `unlock`.
        match self
            .state
            .compare_exchange_weak(0, held, Ordering::Acquire, Ordering::Relaxed)
        {
            Ok(_) => Ok(()),
            Err(_) => self.lock_slow(held),
        }
    }

    /// Once is enough to look for a holder of an older generation: one that was running when
    /// this thread first looks could only turn into one by a fork, which this thread (not the
    /// one that forks: it is waiting here) does not live through.
    #[cold]
    fn lock_slow(&self, held: usize) -> Result<(), Forked> {
        if self.broken_by_fork() {
            return Err(Forked);
        }
        word::acquire_slow(&self.state, PARKED, Deadline::FOREVER, |s| {
            // Free: nothing but `PARKED` is left in the word (see `unlock_slow`).
            (s & LOCKED == 0).then_some(s | held)
        });
        Ok(())
    }

    /// Releases the mutex: one CAS when nobody waits.
    #[inline]
    fn unlock(&self) {
        // Release: publishes the critical section to the next holder.
        if self
            .state
            .compare_exchange(held_here(), 0, Ordering::Release, Ordering::Relaxed)
            .is_err()
        {
            self.unlock_slow();
        }
    }

    /// The release `unlock` could not do: threads may be waiting (one is woken, now and then
    /// handed the mutex, as a `Lock`'s waiters are), or the holder is the forking thread, in the
    /// child, releasing a guard a fork handler took in the parent, of the older generation.
    #[cold]
    fn unlock_slow(&self) {
        let released = word::release_one(&self.state, PARKED, |s| {
            (s & LOCKED != 0).then_some(s & PARKED)
        });
        debug_assert!(released, "unlocked by its holder");
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
        unsafe { mutex.as_ref() }
            .raw_lock()
            .expect("a mutex held across fork() by its fork handlers");
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
        self.mutex().unlock();
    }
}

impl<T> MutexGuard<'_, T> {
    /// Runs `f` with the mutex released, then takes it again.
    pub(crate) fn unlocked<U>(this: &mut Self, f: impl FnOnce() -> U) -> U {
        this.mutex.unlock();
        // Taken again even if `f` panics: the guard's destructor releases it once more. Never
        // broken by a fork: this thread did not live through one since it took the mutex (the
        // forking thread is not inside `f`, a wait).
        struct Relock<'b, T>(&'b Mutex<T>);
        impl<T> Drop for Relock<'_, T> {
            fn drop(&mut self) {
                let _ = self.0.raw_lock();
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
        self.mutex.unlock();
    }
}

/// A value a thread of the parent was updating at the fork (a mutex broken by the fork) is
/// leaked, not dropped: it may be half-updated, and its destructor would read it.
impl<T> Drop for Mutex<T> {
    fn drop(&mut self) {
        if !self.broken_by_fork() {
            // SAFETY: dropped once, here, and never reached again: the mutex is being dropped,
            // so no guard borrows it.
            unsafe { ManuallyDrop::drop(&mut self.value) }
        }
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
