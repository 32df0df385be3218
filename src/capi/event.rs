//! `weft_event`: Python's `threading.Event` in C.

use super::cancel::gave_up;
use super::handle::{self, Handle, Tag};
use super::weft_status::{self, WEFT_STATUS_TIMEOUT};
use crate::{Event, Timeout};

/// An event (Python: `threading.Event`): a flag, initially false, that threads can wait to
/// become true. Reference counted: see `weft_event_clone` / `weft_event_free`.
pub struct weft_event {
    _opaque: [u8; 0],
}

impl Handle for weft_event {
    type Inner = Event;
    const TAG: Tag = Tag::Event;
}

/// Creates an event, not set. Python: `threading.Event()`.
///
/// Ownership: on success `*event_out` is a new handle the caller releases with
/// `weft_event_free`. Statuses: `WEFT_STATUS_OK`; `WEFT_STATUS_NULL_ARGUMENT`.
/// Thread safety: safe from any thread.
///
/// # Safety
/// `event_out` is NULL or valid for writes.
#[must_use]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn weft_event_new(event_out: *mut *mut weft_event) -> weft_status {
    ffi_status!({
        let out = handle::out_ptr(event_out)?;
        // SAFETY: checked non-NULL above; the caller provides a writable pointer.
        unsafe { handle::write(out, handle::new::<weft_event>(Event::new())) };
        Ok(())
    })
}

/// Returns another reference to `event` (the same pointer); NULL for a NULL or wrong handle.
/// Thread safety: safe from any thread.
///
/// # Safety
/// `event` is NULL or a handle from weft the caller holds a reference to during the call.
#[must_use]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn weft_event_clone(event: *mut weft_event) -> *mut weft_event {
    ffi_value!(std::ptr::null_mut(), {
        // SAFETY: `event` is NULL or a handle from weft; the caller holds it.
        unsafe { handle::clone(event) }
    })
}

/// Releases one reference to `event`; the last one frees it. NULL is ignored. Freeing an event
/// some thread waits on without a reference of its own is a bug in the caller.
/// Thread safety: safe from any thread.
///
/// # Safety
/// `event` is NULL or a handle from weft whose reference the caller gives up: it does not use that
/// reference again.
/// What a use after the last reference is freed does: see `WEFT_STATUS_WRONG_HANDLE`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn weft_event_free(event: *mut weft_event) {
    ffi_value!((), {
        // SAFETY: `event` is NULL or a handle from weft; the caller gives up this reference.
        unsafe { handle::free(event) }
    })
}

/// Sets the flag and wakes every thread waiting for it. Python: `event.set()`.
///
/// Never blocks; makes no system call when nobody waits. Statuses: `WEFT_STATUS_OK`;
/// `WEFT_STATUS_NULL_ARGUMENT`, `WEFT_STATUS_WRONG_HANDLE`. Thread safety: safe from any thread.
///
/// # Safety
/// `event` is NULL or a handle from weft the caller holds a reference to during the call.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn weft_event_set(event: *mut weft_event) -> weft_status {
    ffi_status!({
        // SAFETY: `event` is NULL or a handle the caller holds (this function's contract).
        unsafe { handle::borrow(event) }?.set();
        Ok(())
    })
}

/// Clears the flag: later waits block until the next `weft_event_set`. Python: `event.clear()`.
///
/// Never blocks. Statuses: `WEFT_STATUS_OK`; `WEFT_STATUS_NULL_ARGUMENT`,
/// `WEFT_STATUS_WRONG_HANDLE`. Thread safety: safe from any thread.
///
/// # Safety
/// `event` is NULL or a handle from weft the caller holds a reference to during the call.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn weft_event_clear(event: *mut weft_event) -> weft_status {
    ffi_status!({
        // SAFETY: `event` is NULL or a handle the caller holds (this function's contract).
        unsafe { handle::borrow(event) }?.clear();
        Ok(())
    })
}

/// Whether the flag is set (a snapshot). Python: `event.is_set()`.
///
/// Never blocks. False for a NULL or wrong handle. Thread safety: safe from any thread.
///
/// # Safety
/// `event` is NULL or a handle from weft the caller holds a reference to during the call.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn weft_event_is_set(event: *const weft_event) -> bool {
    ffi_value!(false, {
        // SAFETY: `event` is NULL or a handle the caller holds (this function's contract).
        unsafe { handle::borrow(event) }.is_ok_and(Event::is_set)
    })
}

/// Waits until the flag is set. Python: `event.wait(timeout=None)`.
///
/// Blocking: returns at once if the flag is set; otherwise waits at most `timeout` seconds
/// (`WEFT_TIMEOUT_FOREVER`: no limit; see the timeout rule at `WEFT_TIMEOUT_FOREVER`).
/// Statuses: `WEFT_STATUS_OK` (the flag is set, or a `weft_event_set` woke this wait even if the
/// flag was cleared since: Python's `True`); `WEFT_STATUS_TIMEOUT` (Python's `False`); the
/// timeout statuses; `WEFT_STATUS_NULL_ARGUMENT`, `WEFT_STATUS_WRONG_HANDLE`.
/// Thread safety: safe from any thread.
///
/// # Safety
/// `event` is NULL or a handle from weft the caller holds a reference to during the call.
#[must_use]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn weft_event_wait(event: *mut weft_event, timeout: f64) -> weft_status {
    ffi_status!({
        // SAFETY: `event` is NULL or a handle the caller holds (this function's contract).
        let event = unsafe { handle::borrow(event) }?;
        let timeout = Timeout::from_secs_f64(timeout)?;
        if event.wait(timeout) {
            Ok(())
        } else {
            Err(gave_up(timeout, WEFT_STATUS_TIMEOUT))
        }
    })
}
