//! `weft_semaphore`: Python's `threading.Semaphore` and `threading.BoundedSemaphore` in C.

use super::boundary;
use super::cancel::gave_up;
use super::handle::{self, Handle, Tag};
use super::timeouts::WEFT_TIMEOUT_FOREVER;
use super::weft_status::{self, WEFT_STATUS_TIMEOUT};
use crate::Semaphore;
use crate::timeout::acquire_timeout;

/// A semaphore (Python: `threading.Semaphore`, or `threading.BoundedSemaphore` when made with
/// `weft_bounded_semaphore_new`): a count of permits that `acquire` takes one from, waiting
/// while there are none, and `release` gives back. Any thread may release. Reference counted:
/// see `weft_semaphore_clone` / `weft_semaphore_free`.
pub struct weft_semaphore {
    _opaque: [u8; 0],
}

impl Handle for weft_semaphore {
    type Inner = Semaphore;
    const TAG: Tag = Tag::Semaphore;
}

/// Creates a semaphore with `value` permits. Python: `threading.Semaphore(value)`.
///
/// Ownership: on success `*semaphore_out` is a new handle the caller releases with
/// `weft_semaphore_free`. Statuses: `WEFT_STATUS_OK`; `WEFT_STATUS_SEMAPHORE_NEGATIVE`
/// ("semaphore initial value must be >= 0"); `WEFT_STATUS_OVERFLOW` if `value` exceeds
/// `SIZE_MAX / 2` (possible only where `size_t` is narrower than 64 bits);
/// `WEFT_STATUS_NULL_ARGUMENT`. Thread safety: safe from any thread.
///
/// # Safety
/// `semaphore_out` is NULL or valid for writes.
#[must_use]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn weft_semaphore_new(
    value: i64,
    semaphore_out: *mut *mut weft_semaphore,
) -> weft_status {
    ffi_status!({
        let out = handle::out_ptr(semaphore_out)?;
        let semaphore = Semaphore::new(value)?;
        // SAFETY: checked non-NULL above; the caller provides a writable pointer.
        unsafe { handle::write(out, handle::new::<weft_semaphore>(semaphore)) };
        Ok(())
    })
}

/// Creates a bounded semaphore with `value` permits: releasing it above `value` fails.
/// Python: `threading.BoundedSemaphore(value)`.
///
/// Ownership and statuses: as `weft_semaphore_new`. Thread safety: safe from any thread.
///
/// # Safety
/// `semaphore_out` is NULL or valid for writes.
#[must_use]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn weft_bounded_semaphore_new(
    value: i64,
    semaphore_out: *mut *mut weft_semaphore,
) -> weft_status {
    ffi_status!({
        let out = handle::out_ptr(semaphore_out)?;
        let semaphore = Semaphore::bounded(value)?;
        // SAFETY: checked non-NULL above; the caller provides a writable pointer.
        unsafe { handle::write(out, handle::new::<weft_semaphore>(semaphore)) };
        Ok(())
    })
}

/// Returns another reference to `semaphore` (the same pointer); NULL for a NULL or wrong
/// handle. Thread safety: safe from any thread.
///
/// # Safety
/// `semaphore` is NULL or a handle from weft the caller holds a reference to during the call.
#[must_use]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn weft_semaphore_clone(
    semaphore: *mut weft_semaphore,
) -> *mut weft_semaphore {
    ffi_value!(std::ptr::null_mut(), {
        // SAFETY: `semaphore` is NULL or a handle from weft; the caller holds it.
        unsafe { handle::clone(semaphore) }
    })
}

/// Releases one reference to `semaphore`; the last one frees it. NULL is ignored. Freeing a
/// semaphore some thread waits on without a reference of its own is a bug in the caller.
/// Thread safety: safe from any thread.
///
/// # Safety
/// `semaphore` is NULL or a handle from weft whose reference the caller gives up: it does not use
/// that reference again.
/// What a use after the last reference is freed does: see `WEFT_STATUS_WRONG_HANDLE`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn weft_semaphore_free(semaphore: *mut weft_semaphore) {
    ffi_value!((), {
        // SAFETY: `semaphore` is NULL or a handle from weft; the caller gives up this reference.
        unsafe { handle::free(semaphore) }
    })
}

/// Takes a permit. Python: `semaphore.acquire(blocking=True, timeout=None)`.
///
/// Blocking: with `blocking` true, waits until a permit is free or `timeout` seconds pass
/// (`WEFT_TIMEOUT_FOREVER` for no limit; see the timeout rule at `WEFT_TIMEOUT_FOREVER`). With
/// `blocking` false, tries once; `timeout` must then be `WEFT_TIMEOUT_FOREVER`. Waiters are
/// woken in no particular order. Statuses: `WEFT_STATUS_OK` (took one); `WEFT_STATUS_TIMEOUT`
/// (took none: Python's `False`); `WEFT_STATUS_NONBLOCKING_TIMEOUT`,
/// `WEFT_STATUS_INVALID_TIMEOUT`, `WEFT_STATUS_TIMEOUT_TOO_LARGE`; `WEFT_STATUS_NULL_ARGUMENT`,
/// `WEFT_STATUS_WRONG_HANDLE`. Thread safety: safe from any thread.
///
/// # Safety
/// `semaphore` is NULL or a handle from weft the caller holds a reference to during the call.
#[must_use]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn weft_semaphore_acquire(
    semaphore: *mut weft_semaphore,
    blocking: bool,
    timeout: f64,
) -> weft_status {
    ffi_status!({
        // SAFETY: `semaphore` is NULL or a handle the caller holds (this function's contract).
        let semaphore = unsafe { handle::borrow(semaphore) }?;
        // As `weft_lock_acquire`: the common call that needs no wait, then the rest out of line.
        if timeout == WEFT_TIMEOUT_FOREVER && semaphore.acquire_fast() {
            return Ok(());
        }
        boundary::out_of_line(move || {
            let timeout = acquire_timeout(blocking, timeout)?;
            if semaphore.acquire(timeout) {
                Ok(())
            } else {
                Err(gave_up(timeout, WEFT_STATUS_TIMEOUT))
            }
        })
    })
}

/// Gives back `n` permits, waking at most `n` waiting threads. Python:
/// `semaphore.release(n=1)`. Any thread may release.
///
/// Never blocks. On any error the count is unchanged. Statuses: `WEFT_STATUS_OK`;
/// `WEFT_STATUS_RELEASE_COUNT` ("n must be one or more") if `n` is 0;
/// `WEFT_STATUS_SEMAPHORE_OVER_RELEASE` ("Semaphore released too many times") if a bounded
/// semaphore would exceed its initial value; `WEFT_STATUS_OVERFLOW` if the count would exceed
/// `SIZE_MAX / 2`; `WEFT_STATUS_NULL_ARGUMENT`, `WEFT_STATUS_WRONG_HANDLE`.
/// Thread safety: safe from any thread.
///
/// # Safety
/// `semaphore` is NULL or a handle from weft the caller holds a reference to during the call.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn weft_semaphore_release(
    semaphore: *mut weft_semaphore,
    n: usize,
) -> weft_status {
    ffi_status!({
        // SAFETY: `semaphore` is NULL or a handle the caller holds (this function's contract).
        let semaphore = unsafe { handle::borrow(semaphore) }?;
        if semaphore.release_fast(n) {
            return Ok(());
        }
        boundary::out_of_line(move || Ok(semaphore.release_slow(n)?))
    })
}

/// The number of permits free now (a snapshot). Python: `semaphore._value`; pthreads:
/// `sem_getvalue` (never negative here: waiting threads are not counted). 0 for a NULL or wrong
/// handle. Never blocks. Thread safety: safe from any thread.
///
/// # Safety
/// `semaphore` is NULL or a handle from weft the caller holds a reference to during the call.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn weft_semaphore_value(semaphore: *const weft_semaphore) -> usize {
    ffi_value!(0, {
        // SAFETY: `semaphore` is NULL or a handle the caller holds (this function's contract).
        unsafe { handle::borrow(semaphore) }.map_or(0, Semaphore::value)
    })
}
