//! `RLock`: Python's `threading.RLock`, an owner and a recursion count over a [`Lock`].

use crate::Error;
use crate::loom::atomic::{AtomicUsize, Ordering};
use crate::sync::{Lock, thread_token};
use crate::timeout::Timeout;

/// Python's `threading.RLock`: the owning thread may acquire it again; each acquire needs a
/// release by the same thread.
#[derive(Debug, Default)]
pub struct RLock {
    /// The lock held while owned (a [`Condition`](super::Condition) moves its waiters onto its
    /// queue).
    pub(super) lock: Lock,
    /// `thread_token()` of the owner, 0 when free. Written only by the owner (set after it takes
    /// `lock`, cleared before it releases it), so a thread comparing it with its own token sees
    /// its own token exactly when it owns the lock.
    owner: AtomicUsize,
    /// Recursion depth; read and written only by the owner.
    count: AtomicUsize,
}

/// What [`RLock::release_save`] hands back to [`RLock::acquire_restore`]: the recursion depth
/// to restore (CPython's `_release_save` / `_acquire_restore`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[must_use = "the saved state must be given back to acquire_restore"]
pub struct RLockSaved(pub(super) usize);

impl RLock {
    crate::loom::const_fn! {
        /// A new, unowned RLock.
        pub fn new() -> RLock {
            RLock {
                lock: Lock::new(),
                owner: AtomicUsize::new(0),
                count: AtomicUsize::new(0),
            }
        }
    }

    /// Acquires the lock (once more, if the caller owns it), waiting at most `timeout`.
    ///
    /// Returns whether it was acquired; [`Error::Overflow`] if the recursion count would overflow.
    #[inline]
    pub fn acquire(&self, timeout: Timeout) -> Result<bool, Error> {
        if self.acquire_fast() {
            return Ok(true);
        }
        self.acquire_slow(timeout)
    }

    /// Acquires without calling into the parking lot: one more level for the owner, or a free
    /// lock nobody waits for. False, having changed nothing, when that needs `acquire_slow` (the
    /// lock is taken or contended, or the count would overflow).
    #[inline]
    pub(crate) fn acquire_fast(&self) -> bool {
        let me = thread_token();
        // Relaxed: see the field's comment; only our own writes can make this equal `me`.
        if self.owner.load(Ordering::Relaxed) == me {
            let count = self.count.load(Ordering::Relaxed);
            if count == usize::MAX {
                return false;
            }
            self.count.store(count + 1, Ordering::Relaxed);
            return true;
        }
        if !self.lock.acquire_fast() {
            return false;
        }
        // Relaxed: `lock` orders these with other owners' accesses.
        self.owner.store(me, Ordering::Relaxed);
        self.count.store(1, Ordering::Relaxed);
        true
    }

    /// The acquire `acquire_fast` could not do: waits for the lock, or reports the overflow.
    #[cold]
    pub(crate) fn acquire_slow(&self, timeout: Timeout) -> Result<bool, Error> {
        let me = thread_token();
        // Relaxed: see the field's comment; only our own writes can make this equal `me`.
        if self.owner.load(Ordering::Relaxed) == me {
            let count = self.count.load(Ordering::Relaxed);
            let count = count.checked_add(1).ok_or(Error::Overflow)?;
            self.count.store(count, Ordering::Relaxed);
            return Ok(true);
        }
        if !self.lock.acquire(timeout) {
            return Ok(false);
        }
        // Relaxed: `lock` orders these with other owners' accesses.
        self.owner.store(me, Ordering::Relaxed);
        self.count.store(1, Ordering::Relaxed);
        Ok(true)
    }

    /// Releases one level; the last release frees the lock.
    ///
    /// [`Error::NotOwner`] if the calling thread does not own it.
    #[inline]
    pub fn release(&self) -> Result<(), Error> {
        if self.release_fast() {
            Ok(())
        } else {
            self.release_slow()
        }
    }

    /// Releases one level without calling into the parking lot: false, having changed nothing,
    /// when that needs `release_slow` (the caller does not own the lock, or threads wait for it).
    #[inline]
    pub(crate) fn release_fast(&self) -> bool {
        let me = thread_token();
        // Relaxed: see the fields' comments (only the owner writes them).
        if self.owner.load(Ordering::Relaxed) != me {
            return false;
        }
        let count = self.count.load(Ordering::Relaxed);
        if count > 1 {
            self.count.store(count - 1, Ordering::Relaxed);
            return true;
        }
        self.owner.store(0, Ordering::Relaxed);
        self.count.store(0, Ordering::Relaxed);
        if self.lock.release_fast() {
            return true;
        }
        // Threads wait: the lock is still ours, so are the fields, which get their values back.
        self.owner.store(me, Ordering::Relaxed);
        self.count.store(count, Ordering::Relaxed);
        false
    }

    /// The release `release_fast` could not do: [`Error::NotOwner`], or the last level with
    /// threads waiting (one is woken).
    #[cold]
    pub(crate) fn release_slow(&self) -> Result<(), Error> {
        if !self.is_owned() {
            return Err(Error::NotOwner);
        }
        let count = self.count.load(Ordering::Relaxed) - 1;
        self.count.store(count, Ordering::Relaxed);
        if count == 0 {
            self.owner.store(0, Ordering::Relaxed);
            self.lock.release()?;
        }
        Ok(())
    }

    /// Whether some thread holds the lock (a snapshot).
    pub fn locked(&self) -> bool {
        self.lock.locked()
    }

    /// Whether the calling thread owns the lock.
    #[inline]
    pub fn is_owned(&self) -> bool {
        self.owner.load(Ordering::Relaxed) == thread_token()
    }

    /// The owning thread's ident ([`get_ident`](crate::thread::get_ident)), `None` while the
    /// lock is free (a snapshot). Python shows it in `repr(rlock)` (`owner=<ident>`, read from `_owner`).
    pub fn owner(&self) -> Option<u64> {
        // Relaxed: a snapshot that orders nothing. The token is the thread's ident.
        match self.owner.load(Ordering::Relaxed) {
            0 => None,
            token => Some(token as u64),
        }
    }

    /// How many times the calling thread holds the lock (0 when it does not own it).
    pub fn recursion_count(&self) -> usize {
        if self.is_owned() {
            self.count.load(Ordering::Relaxed)
        } else {
            0
        }
    }

    /// Releases every level the caller holds and returns them, for a condition wait.
    ///
    /// [`Error::NotOwner`] if the calling thread does not own it.
    pub fn release_save(&self) -> Result<RLockSaved, Error> {
        if !self.is_owned() {
            return Err(Error::NotOwner);
        }
        let count = self.count.swap(0, Ordering::Relaxed);
        self.owner.store(0, Ordering::Relaxed);
        self.lock.release()?;
        Ok(RLockSaved(count))
    }

    /// Re-acquires the lock (waiting as long as it takes) and restores the saved depth.
    pub fn acquire_restore(&self, saved: RLockSaved) {
        // No timeout, and no cancellation token: the waiter always gets its lock back.
        self.lock.lock();
        self.restore(saved);
    }

    /// Makes the caller, which holds `lock` (taken, or handed to it by a fair release), the
    /// owner at the saved depth.
    pub(super) fn restore(&self, saved: RLockSaved) {
        self.owner.store(thread_token(), Ordering::Relaxed);
        self.count.store(saved.0, Ordering::Relaxed);
    }
}
