//! `weft_lock`: Python's `threading.Lock` in C.

use super::boundary;
use super::cancel::gave_up;
use super::handle::{self, Handle, Tag};
use super::timeouts::WEFT_TIMEOUT_FOREVER;
use super::weft_status::{self, WEFT_STATUS_TIMEOUT};
use crate::Lock;
use crate::timeout::acquire_timeout;

/// A lock (Python: `threading.Lock`). Not reentrant: a second acquire by the holder blocks.
/// Any thread may release it. Reference counted: see `weft_lock_clone` / `weft_lock_free`.
///
/// It has no owner to read back (no `weft_lock_owner`; use a `weft_rlock`, whose
/// `weft_rlock_owner` names its owner): as in Python, any thread may release a lock another
/// took, so "owner" means nothing once a lock is handed over, and recording the holder would add
/// a store to every acquire and release, the uncontended path that a lock exists to make cheap.
pub struct weft_lock {
    _opaque: [u8; 0],
}

impl Handle for weft_lock {
    type Inner = Lock;
    const TAG: Tag = Tag::Lock;
}

/// Creates an unlocked lock. Python: `threading.Lock()`.
///
/// Ownership: on success `*lock_out` is a new handle the caller releases with `weft_lock_free`.
/// Statuses: `WEFT_STATUS_OK`; `WEFT_STATUS_NULL_ARGUMENT` if `lock_out` is NULL.
/// Thread safety: safe from any thread.
///
/// # Safety
/// `lock_out` is NULL or valid for writes.
#[must_use]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn weft_lock_new(lock_out: *mut *mut weft_lock) -> weft_status {
    ffi_status!({
        let out = handle::out_ptr(lock_out)?;
        // SAFETY: checked non-NULL above; the caller provides a writable pointer.
        unsafe { handle::write(out, handle::new::<weft_lock>(Lock::new())) };
        Ok(())
    })
}

/// Returns another reference to `lock` (the same pointer), for another thread or owner to
/// release independently with `weft_lock_free`. NULL if `lock` is NULL or not a lock.
/// Thread safety: safe from any thread.
///
/// # Safety
/// `lock` is NULL or a handle from weft the caller holds a reference to during the call.
#[must_use]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn weft_lock_clone(lock: *mut weft_lock) -> *mut weft_lock {
    ffi_value!(std::ptr::null_mut(), {
        // SAFETY: `lock` is NULL or a handle from weft (the API contract); the caller holds it.
        unsafe { handle::clone(lock) }
    })
}

/// Releases one reference to `lock`; the last one frees it. NULL is ignored.
/// Freeing a lock that is held, or waited for, by a thread that has no reference of its own is a
/// bug in the caller: give every thread its own reference with `weft_lock_clone`.
/// Thread safety: safe from any thread.
///
/// # Safety
/// `lock` is NULL or a handle from weft whose reference the caller gives up: it does not use that
/// reference again.
/// What a use after the last reference is freed does: see `WEFT_STATUS_WRONG_HANDLE`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn weft_lock_free(lock: *mut weft_lock) {
    ffi_value!((), {
        // SAFETY: `lock` is NULL or a handle from weft; the caller gives up this reference.
        unsafe { handle::free(lock) }
    })
}

/// Acquires the lock. Python: `lock.acquire(blocking=True, timeout=-1)`.
///
/// Blocking: with `blocking` true, waits until the lock is free or `timeout` seconds pass
/// (`WEFT_TIMEOUT_FOREVER` for no limit; see the timeout rule at `WEFT_TIMEOUT_FOREVER`).
/// With `blocking` false, tries once; `timeout` must then be `WEFT_TIMEOUT_FOREVER`.
/// Statuses: `WEFT_STATUS_OK` (acquired); `WEFT_STATUS_TIMEOUT` (not acquired: Python's `False`);
/// `WEFT_STATUS_NONBLOCKING_TIMEOUT`, `WEFT_STATUS_INVALID_TIMEOUT`,
/// `WEFT_STATUS_TIMEOUT_TOO_LARGE`; `WEFT_STATUS_NULL_ARGUMENT`, `WEFT_STATUS_WRONG_HANDLE`.
/// Thread safety: safe from any thread.
///
/// Fairness: a free lock goes to whichever thread asks first (a thread that releases and
/// re-acquires at once usually gets it back), but about every 0.5 ms a release hands the lock
/// to the longest-parked waiter instead. So no waiter waits forever while others keep
/// acquiring: its wait is bounded by roughly (waiters ahead of it + 1) x 0.5 ms plus the hold
/// times. A waiter whose timeout passes, or whose cancellation token is set, just as the lock
/// is handed to it returns `WEFT_STATUS_OK` holding the lock; a handed lock is never lost.
///
/// # Safety
/// `lock` is NULL or a handle from weft the caller holds a reference to during the call.
#[must_use]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn weft_lock_acquire(
    lock: *mut weft_lock,
    blocking: bool,
    timeout: f64,
) -> weft_status {
    ffi_status!({
        // SAFETY: `lock` is NULL or a handle from weft; the caller holds a reference.
        let lock = unsafe { handle::borrow(lock)? };
        // The common call, without a timeout on a free lock: one CAS. `blocking` is not looked
        // at: with `WEFT_TIMEOUT_FOREVER` both values are valid, and a lock taken at the first
        // try is the outcome of both. Anything else (parsing the timeout, waiting, a try that
        // failed) runs out of line.
        if timeout == WEFT_TIMEOUT_FOREVER && lock.acquire_fast() {
            return Ok(());
        }
        boundary::out_of_line(move || {
            let timeout = acquire_timeout(blocking, timeout)?;
            if lock.acquire(timeout) {
                Ok(())
            } else {
                Err(gave_up(timeout, WEFT_STATUS_TIMEOUT))
            }
        })
    })
}

/// Releases the lock. Python: `lock.release()`. Any thread may release it.
///
/// Never blocks. Statuses: `WEFT_STATUS_OK`; `WEFT_STATUS_RELEASE_UNLOCKED` ("release unlocked
/// lock") if it is not locked; `WEFT_STATUS_NULL_ARGUMENT`, `WEFT_STATUS_WRONG_HANDLE`.
/// Thread safety: safe from any thread.
///
/// # Safety
/// `lock` is NULL or a handle from weft the caller holds a reference to during the call.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn weft_lock_release(lock: *mut weft_lock) -> weft_status {
    ffi_status!({
        // SAFETY: `lock` is NULL or a handle from weft; the caller holds a reference.
        let lock = unsafe { handle::borrow(lock)? };
        if lock.release_fast() {
            return Ok(());
        }
        boundary::out_of_line(move || Ok(lock.release_slow()?))
    })
}

/// Whether the lock is held (a snapshot). Python: `lock.locked()`.
///
/// Never blocks. False for a NULL or wrong handle. Thread safety: safe from any thread.
///
/// # Safety
/// `lock` is NULL or a handle from weft the caller holds a reference to during the call.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn weft_lock_locked(lock: *const weft_lock) -> bool {
    ffi_value!(false, {
        // SAFETY: `lock` is NULL or a handle from weft; the caller holds a reference.
        unsafe { handle::borrow(lock) }.is_ok_and(Lock::locked)
    })
}
