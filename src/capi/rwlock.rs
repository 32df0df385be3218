//! `weft_rwlock`: a reader-writer lock (`pthread_rwlock_t`, GLib's `GRWLock`) in C.

use super::boundary;
use super::cancel::gave_up;
use super::handle::{self, Handle, Tag};
use super::timeouts::WEFT_TIMEOUT_FOREVER;
use super::weft_status::{self, WEFT_STATUS_TIMEOUT};
use crate::timeout::{Timeout, acquire_timeout};
use crate::{Error, RwLock};

/// A reader-writer lock (pthreads: `pthread_rwlock_t`; GLib: `GRWLock`; Java:
/// `ReentrantReadWriteLock`): any number of readers at once, or one writer.
///
/// Fairness, writers first in phases: while a writer waits, no new reader gets in (a thread
/// that already reads may read again); a writer's release hands the lock to every reader waiting
/// then, if any, else to the writer that has waited longest; the last reader out hands it to the
/// writer that has waited longest. Readers and writers alternate while both wait: nobody waits
/// for ever.
///
/// Each hold belongs to the thread that took it: only that thread releases it. A thread holding
/// the lock that asks for it in a way that would wait for itself (a reader asking to write: no
/// upgrade; the writer asking again, to read or to write) gets `WEFT_STATUS_DEADLOCK`.
/// Reference counted: see `weft_rwlock_clone` / `weft_rwlock_free`.
pub struct weft_rwlock {
    _opaque: [u8; 0],
}

impl Handle for weft_rwlock {
    type Inner = RwLock;
    const TAG: Tag = Tag::RwLock;
}

/// Creates a free reader-writer lock. pthreads: `pthread_rwlock_init`.
///
/// Ownership: on success `*rwlock_out` is a new handle the caller releases with
/// `weft_rwlock_free`. Statuses: `WEFT_STATUS_OK`; `WEFT_STATUS_NULL_ARGUMENT` if `rwlock_out`
/// is NULL. Thread safety: safe from any thread.
///
/// # Safety
/// `rwlock_out` is NULL or valid for writes.
#[must_use]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn weft_rwlock_new(rwlock_out: *mut *mut weft_rwlock) -> weft_status {
    ffi_status!({
        let out = handle::out_ptr(rwlock_out)?;
        // SAFETY: checked non-NULL above; the caller provides a writable pointer.
        unsafe { handle::write(out, handle::new::<weft_rwlock>(RwLock::new())) };
        Ok(())
    })
}

/// Returns another reference to `rwlock` (the same pointer), for another thread or owner to
/// release independently with `weft_rwlock_free`. NULL if `rwlock` is NULL or not a
/// reader-writer lock. Thread safety: safe from any thread.
///
/// # Safety
/// `rwlock` is NULL or a handle from weft the caller holds a reference to during the call.
#[must_use]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn weft_rwlock_clone(rwlock: *mut weft_rwlock) -> *mut weft_rwlock {
    ffi_value!(std::ptr::null_mut(), {
        // SAFETY: `rwlock` is NULL or a handle from weft (the API contract); the caller holds it.
        unsafe { handle::clone(rwlock) }
    })
}

/// Releases one reference to `rwlock`; the last one frees it. NULL is ignored.
/// Freeing a lock that is held, or waited for, by a thread that has no reference of its own is a
/// bug in the caller: give every thread its own reference with `weft_rwlock_clone`.
/// Thread safety: safe from any thread.
///
/// # Safety
/// `rwlock` is NULL or a handle from weft whose reference the caller gives up: it does not use
/// that reference again.
/// What a use after the last reference is freed does: see `WEFT_STATUS_WRONG_HANDLE`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn weft_rwlock_free(rwlock: *mut weft_rwlock) {
    ffi_value!((), {
        // SAFETY: `rwlock` is NULL or a handle from weft; the caller gives up this reference.
        unsafe { handle::free(rwlock) }
    })
}

/// Takes a read hold. pthreads: `pthread_rwlock_rdlock`, `_timedrdlock`, `_tryrdlock`.
///
/// Blocking: with `blocking` true, waits until no writer holds or waits for the lock, or
/// `timeout` seconds pass (`WEFT_TIMEOUT_FOREVER` for no limit; see the timeout rule at
/// `WEFT_TIMEOUT_FOREVER`). With `blocking` false, tries once; `timeout` must then be
/// `WEFT_TIMEOUT_FOREVER`. A thread that already reads takes another hold at once, even while a
/// writer waits (each hold needs its own `weft_rwlock_release_read`).
/// Statuses: `WEFT_STATUS_OK` (taken); `WEFT_STATUS_TIMEOUT` (not taken);
/// `WEFT_STATUS_DEADLOCK` if the calling thread holds the write lock; `WEFT_STATUS_OVERFLOW`
/// past the most readers a word counts; `WEFT_STATUS_NONBLOCKING_TIMEOUT`,
/// `WEFT_STATUS_INVALID_TIMEOUT`, `WEFT_STATUS_TIMEOUT_TOO_LARGE`; `WEFT_STATUS_NULL_ARGUMENT`,
/// `WEFT_STATUS_WRONG_HANDLE`. Thread safety: safe from any thread.
///
/// # Safety
/// `rwlock` is NULL or a handle from weft the caller holds a reference to during the call.
#[must_use]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn weft_rwlock_acquire_read(
    rwlock: *mut weft_rwlock,
    blocking: bool,
    timeout: f64,
) -> weft_status {
    ffi_status!({
        // SAFETY: `rwlock` is NULL or a handle from weft; the caller holds a reference.
        let rwlock = unsafe { handle::borrow(rwlock)? };
        // As `weft_lock_acquire`: the common call that needs no wait, then the rest out of line.
        if timeout == WEFT_TIMEOUT_FOREVER && rwlock.acquire_read_fast() {
            return Ok(());
        }
        boundary::out_of_line(move || take(rwlock, blocking, timeout, RwLock::acquire_read_slow))
    })
}

/// `take(rwlock, timeout)` with the C arguments converted, its outcome as a status.
fn take(
    rwlock: &RwLock,
    blocking: bool,
    timeout: f64,
    take: fn(&RwLock, Timeout) -> Result<bool, Error>,
) -> Result<(), weft_status> {
    let timeout = acquire_timeout(blocking, timeout)?;
    if take(rwlock, timeout)? {
        Ok(())
    } else {
        Err(gave_up(timeout, WEFT_STATUS_TIMEOUT))
    }
}

/// Gives back one read hold of the calling thread. pthreads: `pthread_rwlock_unlock`.
///
/// Never blocks. Statuses: `WEFT_STATUS_OK`; `WEFT_STATUS_NOT_OWNER` if the calling thread has
/// no read hold; `WEFT_STATUS_NULL_ARGUMENT`, `WEFT_STATUS_WRONG_HANDLE`.
/// Thread safety: safe from any thread.
///
/// # Safety
/// `rwlock` is NULL or a handle from weft the caller holds a reference to during the call.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn weft_rwlock_release_read(rwlock: *mut weft_rwlock) -> weft_status {
    ffi_status!({
        // SAFETY: `rwlock` is NULL or a handle from weft; the caller holds a reference.
        let rwlock = unsafe { handle::borrow(rwlock)? };
        if rwlock.release_read_fast() {
            return Ok(());
        }
        boundary::out_of_line(move || Ok(rwlock.release_read_slow()?))
    })
}

/// Takes the write hold. pthreads: `pthread_rwlock_wrlock`, `_timedwrlock`, `_trywrlock`.
///
/// Blocking: with `blocking` true, waits until the lock is free or `timeout` seconds pass
/// (`WEFT_TIMEOUT_FOREVER` for no limit; see the timeout rule at `WEFT_TIMEOUT_FOREVER`).
/// With `blocking` false, tries once; `timeout` must then be `WEFT_TIMEOUT_FOREVER`.
/// Statuses: `WEFT_STATUS_OK` (taken); `WEFT_STATUS_TIMEOUT` (not taken);
/// `WEFT_STATUS_DEADLOCK` if the calling thread already holds the lock, to read (a read hold
/// cannot be upgraded: give it back first) or to write; `WEFT_STATUS_NONBLOCKING_TIMEOUT`,
/// `WEFT_STATUS_INVALID_TIMEOUT`, `WEFT_STATUS_TIMEOUT_TOO_LARGE`; `WEFT_STATUS_NULL_ARGUMENT`,
/// `WEFT_STATUS_WRONG_HANDLE`. Thread safety: safe from any thread.
///
/// # Safety
/// `rwlock` is NULL or a handle from weft the caller holds a reference to during the call.
#[must_use]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn weft_rwlock_acquire_write(
    rwlock: *mut weft_rwlock,
    blocking: bool,
    timeout: f64,
) -> weft_status {
    ffi_status!({
        // SAFETY: `rwlock` is NULL or a handle from weft; the caller holds a reference.
        take(
            unsafe { handle::borrow(rwlock)? },
            blocking,
            timeout,
            RwLock::acquire_write,
        )
    })
}

/// Gives back the calling thread's write hold. pthreads: `pthread_rwlock_unlock`.
///
/// Never blocks. Statuses: `WEFT_STATUS_OK`; `WEFT_STATUS_NOT_OWNER` if the calling thread does
/// not hold the write lock; `WEFT_STATUS_NULL_ARGUMENT`, `WEFT_STATUS_WRONG_HANDLE`.
/// Thread safety: safe from any thread.
///
/// # Safety
/// `rwlock` is NULL or a handle from weft the caller holds a reference to during the call.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn weft_rwlock_release_write(rwlock: *mut weft_rwlock) -> weft_status {
    ffi_status!({
        // SAFETY: `rwlock` is NULL or a handle from weft; the caller holds a reference.
        let rwlock = unsafe { handle::borrow(rwlock)? };
        Ok(rwlock.release_write()?)
    })
}
