//! `weft_condition`: Python's `threading.Condition` in C.

use std::ffi::c_void;
use std::sync::Arc;

use super::boundary;
use super::cancel::gave_up;
use super::handle::{self, Handle, Tag, Tagged};
use super::weft_status::{
    self, WEFT_STATUS_INTERRUPTED, WEFT_STATUS_NULL_ARGUMENT, WEFT_STATUS_TIMEOUT,
};
use super::{weft_lock, weft_rlock};
use crate::Error;
use crate::sync::condition::sealed::Sealed;
use crate::sync::{Condition, ConditionLock, Lock, RLock};
use crate::timeout::{Timeout, acquire_timeout};

/// A condition variable (Python: `threading.Condition`) over a `weft_lock` or a `weft_rlock`.
/// Threads holding the lock wait on it (releasing the lock meanwhile) until another thread
/// holding the lock notifies them. Reference counted: see `weft_condition_clone` /
/// `weft_condition_free`.
pub struct weft_condition {
    _opaque: [u8; 0],
}

impl Handle for weft_condition {
    type Inner = CCondition;
    const TAG: Tag = Tag::Condition;
}

/// What a `weft_condition` handle holds: the condition, and its lock once more, by its type,
/// so that `weft_condition_notify` checks that the caller holds it without the call through
/// the lock's vtable that `Condition::notify` makes (BENCHMARKS.md, "Locks through the C API").
pub(crate) struct CCondition {
    condition: Condition,
    lock: HeldLock,
}

/// A condition's lock, the same object as the condition's own reference.
enum HeldLock {
    Lock(Arc<Tagged<Lock>>),
    RLock(Arc<Tagged<RLock>>),
}

impl CCondition {
    fn new(lock: HeldLock) -> CCondition {
        let condition = Condition::with_lock(match &lock {
            HeldLock::Lock(lock) => Arc::clone(lock) as Arc<dyn ConditionLock>,
            HeldLock::RLock(rlock) => Arc::clone(rlock) as Arc<dyn ConditionLock>,
        });
        CCondition { condition, lock }
    }

    /// `ConditionLock::is_owned` of the lock, inlined.
    #[inline]
    fn lock_is_owned(&self) -> bool {
        match &self.lock {
            HeldLock::Lock(lock) => lock.locked(),
            HeldLock::RLock(rlock) => rlock.is_owned(),
        }
    }
}

impl std::ops::Deref for CCondition {
    type Target = Condition;
    fn deref(&self) -> &Condition {
        &self.condition
    }
}

/// A predicate for `weft_condition_wait_for`: receives the `arg` given with it and returns
/// whether the state waited for holds. Called with the condition's lock held; it must not
/// unwind.
pub type weft_predicate_fn = Option<unsafe extern "C" fn(arg: *mut c_void) -> bool>;

impl<T: Sealed> Sealed for Tagged<T> {}

/// A lock handle's `Arc<Tagged<Lock>>` (or `RLock`) is what a condition keeps.
impl<T: ConditionLock> ConditionLock for Tagged<T> {
    fn acquire(&self, timeout: Timeout) -> Result<bool, crate::Error> {
        (**self).acquire(timeout)
    }

    fn release(&self) -> Result<(), crate::Error> {
        (**self).release()
    }

    fn is_owned(&self) -> bool {
        (**self).is_owned()
    }

    fn release_save(&self) -> Result<usize, crate::Error> {
        (**self).release_save()
    }

    fn acquire_restore(&self, saved: usize, handed: bool) {
        (**self).acquire_restore(saved, handed)
    }

    fn raw(&self) -> &Lock {
        (**self).raw()
    }
}

/// Creates a condition over a new reentrant lock. Python: `threading.Condition()`.
///
/// Ownership: on success `*condition_out` is a new handle the caller releases with
/// `weft_condition_free`. Statuses: `WEFT_STATUS_OK`; `WEFT_STATUS_NULL_ARGUMENT`.
/// Thread safety: safe from any thread.
///
/// # Safety
/// `condition_out` is NULL or valid for writes.
#[must_use]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn weft_condition_new(
    condition_out: *mut *mut weft_condition,
) -> weft_status {
    ffi_status!({
        let out = handle::out_ptr(condition_out)?;
        let rlock = HeldLock::RLock(handle::tagged::<weft_rlock>(RLock::new()));
        // SAFETY: checked non-NULL above; the caller provides a writable pointer.
        unsafe { handle::write(out, handle::new::<weft_condition>(CCondition::new(rlock))) };
        Ok(())
    })
}

/// Creates a condition over `lock`. Python: `threading.Condition(lock)` with a `Lock`.
///
/// Ownership: the condition keeps its own reference to `lock`, so the caller may free its own;
/// on success `*condition_out` is a new handle the caller releases with `weft_condition_free`.
/// Statuses: `WEFT_STATUS_OK`; `WEFT_STATUS_NULL_ARGUMENT`; `WEFT_STATUS_WRONG_HANDLE` if
/// `lock` is not a lock. Thread safety: safe from any thread.
///
/// # Safety
/// `lock` is NULL or a handle from weft the caller holds a reference to during the call;
/// `condition_out` is NULL or valid for writes.
#[must_use]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn weft_condition_new_with_lock(
    lock: *mut weft_lock,
    condition_out: *mut *mut weft_condition,
) -> weft_status {
    ffi_status!({
        let out = handle::out_ptr(condition_out)?;
        // SAFETY: `lock` is NULL or a handle from weft; the caller holds a reference.
        let lock = HeldLock::Lock(unsafe { handle::arc::<weft_lock>(lock)? });
        let condition = handle::new::<weft_condition>(CCondition::new(lock));
        // SAFETY: checked non-NULL above.
        unsafe { handle::write(out, condition) };
        Ok(())
    })
}

/// Creates a condition over `rlock`. Python: `threading.Condition(lock)` with an `RLock`.
///
/// A wait releases every level the caller holds and restores them after. Ownership: as
/// `weft_condition_new_with_lock`. Statuses: `WEFT_STATUS_OK`; `WEFT_STATUS_NULL_ARGUMENT`;
/// `WEFT_STATUS_WRONG_HANDLE` if `rlock` is not a reentrant lock.
/// Thread safety: safe from any thread.
///
/// # Safety
/// `rlock` is NULL or a handle from weft the caller holds a reference to during the call;
/// `condition_out` is NULL or valid for writes.
#[must_use]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn weft_condition_new_with_rlock(
    rlock: *mut weft_rlock,
    condition_out: *mut *mut weft_condition,
) -> weft_status {
    ffi_status!({
        let out = handle::out_ptr(condition_out)?;
        // SAFETY: `rlock` is NULL or a handle from weft; the caller holds a reference.
        let rlock = HeldLock::RLock(unsafe { handle::arc::<weft_rlock>(rlock)? });
        let condition = handle::new::<weft_condition>(CCondition::new(rlock));
        // SAFETY: checked non-NULL above.
        unsafe { handle::write(out, condition) };
        Ok(())
    })
}

/// Returns another reference to `condition` (the same pointer); NULL for a NULL or wrong
/// handle. Thread safety: safe from any thread.
///
/// # Safety
/// `condition` is NULL or a handle from weft the caller holds a reference to during the call.
#[must_use]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn weft_condition_clone(
    condition: *mut weft_condition,
) -> *mut weft_condition {
    ffi_value!(std::ptr::null_mut(), {
        // SAFETY: `condition` is NULL or a handle from weft; the caller holds it.
        unsafe { handle::clone(condition) }
    })
}

/// Releases one reference to `condition`; the last one frees it (and its reference to the
/// lock). NULL is ignored. Freeing a condition some thread waits on without a reference of its
/// own is a bug in the caller. Thread safety: safe from any thread.
///
/// # Safety
/// `condition` is NULL or a handle from weft whose reference the caller gives up: it does not use
/// that reference again.
/// What a use after the last reference is freed does: see `WEFT_STATUS_WRONG_HANDLE`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn weft_condition_free(condition: *mut weft_condition) {
    ffi_value!((), {
        // SAFETY: `condition` is NULL or a handle from weft; the caller gives up this reference.
        unsafe { handle::free(condition) }
    })
}

/// Acquires the condition's lock. Python: `condition.acquire(blocking=True, timeout=-1)`.
///
/// Blocking and timeout as `weft_lock_acquire` (or `weft_rlock_acquire`, whose reentrancy
/// applies). Statuses: `WEFT_STATUS_OK`; `WEFT_STATUS_TIMEOUT` (not acquired);
/// `WEFT_STATUS_OVERFLOW` (recursion count, reentrant lock only); the timeout statuses;
/// `WEFT_STATUS_NULL_ARGUMENT`, `WEFT_STATUS_WRONG_HANDLE`. Thread safety: safe from any thread.
///
/// # Safety
/// `condition` is NULL or a handle from weft the caller holds a reference to during the call.
#[must_use]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn weft_condition_acquire(
    condition: *mut weft_condition,
    blocking: bool,
    timeout: f64,
) -> weft_status {
    ffi_status!({
        // SAFETY: `condition` is NULL or a handle the caller holds (this function's contract).
        let condition = unsafe { handle::borrow(condition) }?;
        let timeout = acquire_timeout(blocking, timeout)?;
        if condition.acquire(timeout)? {
            Ok(())
        } else {
            Err(gave_up(timeout, WEFT_STATUS_TIMEOUT))
        }
    })
}

/// Releases the condition's lock. Python: `condition.release()`.
///
/// Never blocks. Statuses: `WEFT_STATUS_OK`; `WEFT_STATUS_RELEASE_UNLOCKED` (a lock that is not
/// held) or `WEFT_STATUS_NOT_OWNER` (a reentrant lock the caller does not own);
/// `WEFT_STATUS_NULL_ARGUMENT`, `WEFT_STATUS_WRONG_HANDLE`. Thread safety: safe from any thread.
///
/// # Safety
/// `condition` is NULL or a handle from weft the caller holds a reference to during the call.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn weft_condition_release(condition: *mut weft_condition) -> weft_status {
    ffi_status!({
        // SAFETY: `condition` is NULL or a handle the caller holds (this function's contract).
        Ok(unsafe { handle::borrow(condition) }?.release()?)
    })
}

/// Releases the lock, waits until notified or until `timeout` passes, and re-acquires the lock
/// before returning. Python: `condition.wait(timeout=None)`.
///
/// Blocking: at most `timeout` seconds for the notification (`WEFT_TIMEOUT_FOREVER`: no limit;
/// see the timeout rule at `WEFT_TIMEOUT_FOREVER`), then as long as it takes to get the lock
/// back. A reentrant lock held several times is released completely and its depth restored.
/// Waiters are notified oldest first. Statuses: `WEFT_STATUS_OK` (notified: Python's `True`);
/// `WEFT_STATUS_TIMEOUT` (not notified in time: Python's `False`); in both cases the caller
/// holds the lock again. `WEFT_STATUS_WAIT_UNACQUIRED` ("cannot wait on un-acquired lock") if
/// the caller does not hold the lock; `WEFT_STATUS_RELEASE_UNLOCKED` if another thread released
/// the (non-reentrant) lock as this one started to wait (the lock is then not re-acquired);
/// the timeout statuses; `WEFT_STATUS_NULL_ARGUMENT`, `WEFT_STATUS_WRONG_HANDLE`.
/// Thread safety: safe from any thread holding the lock.
///
/// # Safety
/// `condition` is NULL or a handle from weft the caller holds a reference to during the call.
#[must_use]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn weft_condition_wait(
    condition: *mut weft_condition,
    timeout: f64,
) -> weft_status {
    ffi_status!({
        // SAFETY: `condition` is NULL or a handle the caller holds (this function's contract).
        let condition = unsafe { handle::borrow(condition) }?;
        let timeout = Timeout::from_secs_f64(timeout)?;
        if condition.wait(timeout)? {
            Ok(())
        } else {
            Err(gave_up(timeout, WEFT_STATUS_TIMEOUT))
        }
    })
}

/// Waits until `predicate(arg)` returns true, at most `timeout` seconds. Python:
/// `condition.wait_for(predicate, timeout=None)`.
///
/// The predicate is called with the lock held: once before waiting, then after each wakeup.
/// Blocking: as `weft_condition_wait`, with one deadline for the whole call. `*result_out`
/// receives the predicate's last result (false: the timeout passed first). `arg` is only
/// passed to `predicate`. Statuses: `WEFT_STATUS_OK` (whatever the predicate's result);
/// `WEFT_STATUS_WAIT_UNACQUIRED`; the statuses of `weft_condition_wait`;
/// `WEFT_STATUS_NULL_ARGUMENT` if `condition`, `predicate` or `result_out` is NULL;
/// `WEFT_STATUS_WRONG_HANDLE`. Thread safety: safe from any thread holding the lock.
///
/// # Safety
/// `condition` is NULL or a handle from weft the caller holds a reference to during the call;
/// `predicate` is NULL or a function that does not unwind, called in the calling thread with `arg`;
/// `result_out` is NULL or valid for writes.
#[must_use]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn weft_condition_wait_for(
    condition: *mut weft_condition,
    predicate: weft_predicate_fn,
    arg: *mut c_void,
    timeout: f64,
    result_out: *mut bool,
) -> weft_status {
    ffi_status!({
        // SAFETY: `condition` is NULL or a handle the caller holds (this function's contract).
        let condition = unsafe { handle::borrow(condition) }?;
        let predicate = predicate.ok_or(WEFT_STATUS_NULL_ARGUMENT)?;
        let out = handle::out_ptr(result_out)?;
        let timeout = Timeout::from_secs_f64(timeout)?;
        // SAFETY: the caller's predicate with its own argument, called in the caller's thread.
        let result = condition.wait_for(|| unsafe { predicate(arg) }, timeout)?;
        if !result && gave_up(timeout, WEFT_STATUS_TIMEOUT) == WEFT_STATUS_INTERRUPTED {
            return Err(WEFT_STATUS_INTERRUPTED);
        }
        // SAFETY: checked non-NULL above.
        unsafe { handle::write(out, result) };
        Ok(())
    })
}

/// Wakes at most `n` of the threads waiting on the condition, oldest first; 0 wakes none.
/// Python: `condition.notify(n=1)`.
///
/// Never blocks. The woken threads are moved to the lock's queue: each returns from its wait
/// once it gets the lock, after the caller releases it. Statuses: `WEFT_STATUS_OK` (also when
/// nobody waits); `WEFT_STATUS_NOTIFY_UNACQUIRED` ("cannot notify on un-acquired lock") if the
/// caller does not hold the lock; `WEFT_STATUS_NULL_ARGUMENT`, `WEFT_STATUS_WRONG_HANDLE`.
/// Thread safety: safe from any thread holding the lock.
///
/// # Safety
/// `condition` is NULL or a handle from weft the caller holds a reference to during the call.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn weft_condition_notify(
    condition: *mut weft_condition,
    n: usize,
) -> weft_status {
    ffi_status!({
        // SAFETY: `condition` is NULL or a handle the caller holds (this function's contract).
        let condition = unsafe { handle::borrow(condition) }?;
        if !condition.lock_is_owned() {
            return Err(Error::NotifyUnacquired.into());
        }
        if !condition.has_waiters() {
            return Ok(());
        }
        boundary::out_of_line(move || {
            condition.wake(n);
            Ok(())
        })
    })
}

/// Wakes every thread waiting on the condition. Python: `condition.notify_all()`.
///
/// Never blocks; as `weft_condition_notify`. Statuses: `WEFT_STATUS_OK`;
/// `WEFT_STATUS_NOTIFY_UNACQUIRED`; `WEFT_STATUS_NULL_ARGUMENT`, `WEFT_STATUS_WRONG_HANDLE`.
/// Thread safety: safe from any thread holding the lock.
///
/// # Safety
/// `condition` is NULL or a handle from weft the caller holds a reference to during the call.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn weft_condition_notify_all(condition: *mut weft_condition) -> weft_status {
    // SAFETY: forwarded contract; `usize::MAX` wakes every waiter, as `Condition::notify_all`.
    unsafe { weft_condition_notify(condition, usize::MAX) }
}
