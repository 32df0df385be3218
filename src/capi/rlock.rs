//! `weft_rlock`: Python's `threading.RLock` in C.

use super::boundary;
use super::cancel::gave_up;
use super::handle::{self, Handle, Tag};
use super::timeouts::WEFT_TIMEOUT_FOREVER;
use super::weft_status::{self, WEFT_STATUS_TIMEOUT};
use crate::RLock;
use crate::timeout::acquire_timeout;

/// A reentrant lock (Python: `threading.RLock`): the owning thread may acquire it again, and
/// must release it as many times. Only the owner may release it.
pub struct weft_rlock {
    _opaque: [u8; 0],
}

impl Handle for weft_rlock {
    type Inner = RLock;
    const TAG: Tag = Tag::RLock;
}

/// Creates an unowned reentrant lock. Python: `threading.RLock()`.
///
/// Ownership: on success `*rlock_out` is a new handle the caller releases with
/// `weft_rlock_free`. Statuses: `WEFT_STATUS_OK`; `WEFT_STATUS_NULL_ARGUMENT`.
/// Thread safety: safe from any thread.
///
/// # Safety
/// `rlock_out` is NULL or valid for writes.
#[must_use]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn weft_rlock_new(rlock_out: *mut *mut weft_rlock) -> weft_status {
    ffi_status!({
        let out = handle::out_ptr(rlock_out)?;
        // SAFETY: checked non-NULL above; the caller provides a writable pointer.
        unsafe { handle::write(out, handle::new::<weft_rlock>(RLock::new())) };
        Ok(())
    })
}

/// Returns another reference to `rlock` (the same pointer); NULL for a NULL or wrong handle.
/// Thread safety: safe from any thread.
///
/// # Safety
/// `rlock` is NULL or a handle from weft the caller holds a reference to during the call.
#[must_use]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn weft_rlock_clone(rlock: *mut weft_rlock) -> *mut weft_rlock {
    ffi_value!(std::ptr::null_mut(), {
        // SAFETY: `rlock` is NULL or a handle from weft; the caller holds it.
        unsafe { handle::clone(rlock) }
    })
}

/// Releases one reference to `rlock`; the last one frees it. NULL is ignored.
/// Thread safety: safe from any thread.
///
/// # Safety
/// `rlock` is NULL or a handle from weft whose reference the caller gives up: it does not use that
/// reference again.
/// What a use after the last reference is freed does: see `WEFT_STATUS_WRONG_HANDLE`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn weft_rlock_free(rlock: *mut weft_rlock) {
    ffi_value!((), {
        // SAFETY: `rlock` is NULL or a handle from weft; the caller gives up this reference.
        unsafe { handle::free(rlock) }
    })
}

/// Acquires the lock, or one more level of it if the caller owns it.
/// Python: `rlock.acquire(blocking=True, timeout=-1)`.
///
/// Blocking and timeout as `weft_lock_acquire`. Statuses: `WEFT_STATUS_OK`;
/// `WEFT_STATUS_TIMEOUT` (not acquired); `WEFT_STATUS_OVERFLOW` if the recursion count would
/// overflow; the timeout statuses; `WEFT_STATUS_NULL_ARGUMENT`, `WEFT_STATUS_WRONG_HANDLE`.
/// Thread safety: safe from any thread.
///
/// # Safety
/// `rlock` is NULL or a handle from weft the caller holds a reference to during the call.
#[must_use]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn weft_rlock_acquire(
    rlock: *mut weft_rlock,
    blocking: bool,
    timeout: f64,
) -> weft_status {
    ffi_status!({
        // SAFETY: `rlock` is NULL or a handle from weft; the caller holds a reference.
        let rlock = unsafe { handle::borrow(rlock)? };
        // As `weft_lock_acquire`: the common call that needs no wait, then the rest out of line.
        if timeout == WEFT_TIMEOUT_FOREVER && rlock.acquire_fast() {
            return Ok(());
        }
        boundary::out_of_line(move || {
            let timeout = acquire_timeout(blocking, timeout)?;
            if rlock.acquire(timeout)? {
                Ok(())
            } else {
                Err(gave_up(timeout, WEFT_STATUS_TIMEOUT))
            }
        })
    })
}

/// Releases one level; the last release frees the lock for other threads.
/// Python: `rlock.release()`.
///
/// Never blocks. Statuses: `WEFT_STATUS_OK`; `WEFT_STATUS_NOT_OWNER` ("cannot release
/// un-acquired lock") if the calling thread does not own it; `WEFT_STATUS_NULL_ARGUMENT`,
/// `WEFT_STATUS_WRONG_HANDLE`. Thread safety: safe from any thread.
///
/// # Safety
/// `rlock` is NULL or a handle from weft the caller holds a reference to during the call.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn weft_rlock_release(rlock: *mut weft_rlock) -> weft_status {
    ffi_status!({
        // SAFETY: `rlock` is NULL or a handle from weft; the caller holds a reference.
        let rlock = unsafe { handle::borrow(rlock)? };
        if rlock.release_fast() {
            return Ok(());
        }
        boundary::out_of_line(move || Ok(rlock.release_slow()?))
    })
}

/// Whether some thread holds the lock (a snapshot). Python: `rlock.locked()` (3.14).
/// False for a NULL or wrong handle. Thread safety: safe from any thread.
///
/// # Safety
/// `rlock` is NULL or a handle from weft the caller holds a reference to during the call.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn weft_rlock_locked(rlock: *const weft_rlock) -> bool {
    ffi_value!(false, {
        // SAFETY: `rlock` is NULL or a handle from weft; the caller holds a reference.
        unsafe { handle::borrow(rlock) }.is_ok_and(RLock::locked)
    })
}

/// Whether the calling thread owns the lock. Python: `rlock._is_owned()`.
/// False for a NULL or wrong handle. Thread safety: safe from any thread.
///
/// # Safety
/// `rlock` is NULL or a handle from weft the caller holds a reference to during the call.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn weft_rlock_is_owned(rlock: *const weft_rlock) -> bool {
    ffi_value!(false, {
        // SAFETY: `rlock` is NULL or a handle from weft; the caller holds a reference.
        unsafe { handle::borrow(rlock) }.is_ok_and(RLock::is_owned)
    })
}

/// How many times the calling thread holds the lock; 0 if it does not own it.
/// Python: `rlock._recursion_count()`. 0 for a NULL or wrong handle.
/// Thread safety: safe from any thread.
///
/// # Safety
/// `rlock` is NULL or a handle from weft the caller holds a reference to during the call.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn weft_rlock_recursion_count(rlock: *const weft_rlock) -> usize {
    ffi_value!(0, {
        // SAFETY: `rlock` is NULL or a handle from weft; the caller holds a reference.
        unsafe { handle::borrow(rlock) }.map_or(0, RLock::recursion_count)
    })
}

/// The ident (`weft_get_ident()`, `weft_thread_ident()`) of the thread that owns the lock, 0
/// while it is free (a snapshot: by the time the caller looks, the owner may have changed,
/// unless the caller is the owner). Python shows it in `repr(rlock)` (`owner=<ident>`, from
/// `rlock._owner`, `None` when free). 0 for a NULL or wrong handle. Never blocks.
/// Thread safety: safe from any thread.
///
/// # Safety
/// `rlock` is NULL or a handle from weft the caller holds a reference to during the call.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn weft_rlock_owner(rlock: *const weft_rlock) -> u64 {
    ffi_value!(0, {
        // SAFETY: `rlock` is NULL or a handle from weft; the caller holds a reference.
        unsafe { handle::borrow(rlock) }.map_or(0, |r| r.owner().unwrap_or(0))
    })
}
