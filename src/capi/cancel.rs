//! `weft_cancel`: a cancellation token that ends blocking calls from outside (Java's
//! `Thread.interrupt()`, Go's `context.Context`), and how blocking calls report it.

use std::sync::Arc;

use super::handle::{self, Handle, Tag};
use super::weft_status::{
    self, WEFT_STATUS_BROKEN_BARRIER, WEFT_STATUS_EMPTY, WEFT_STATUS_FULL, WEFT_STATUS_INTERRUPTED,
    WEFT_STATUS_TIMEOUT,
};
use crate::cancel::{self, CancelToken};
use crate::timeout::Timeout;

/// A cancellation token (Java: a thread's interrupt status; Go: `context.Context`'s
/// cancellation). A thread installs a token for its own blocking calls with
/// `weft_cancel_install`; any thread (or a signal handler) sets it with `weft_cancel_set`, and
/// every blocking call of every thread that installed it ends at once with
/// `WEFT_STATUS_INTERRUPTED`.
///
/// - Every blocking call honours it: Lock, RLock and Semaphore acquires, Condition and Event
///   waits, Barrier waits, Queue put, get and join, Future result, exception, `weft_futures_wait`
///   and as-completed steps, thread join, `weft_pool_shutdown` with `wait`, `weft_shutdown`.
/// - Sticky: the token stays set until `weft_cancel_reset` (as a Go context stays cancelled;
///   Java clears its interrupt status when it throws, which a caller does here with
///   `weft_cancel_reset`).
/// - Checked only when a call would block: a call that can proceed at once does, set token or
///   not (a free lock is acquired, a queue holding an item gives it, a non-blocking call returns
///   what it always returns); one that must wait returns `WEFT_STATUS_INTERRUPTED` at once. So
///   the token costs nothing on the paths that do not wait.
/// - What an interrupted call leaves: what its timeout would. A Condition wait holds the lock
///   again before returning (as `pthread_cond_wait` does on cancellation); a Barrier wait breaks
///   the barrier (as CPython's does on an exception: the other parties get
///   `WEFT_STATUS_BROKEN_BARRIER`); a queue put did not put its item, a get took none.
/// - Running code checks `weft_cancelled()` where it chooses (cooperative cancellation).
///
/// Reference counted: see `weft_cancel_clone` / `weft_cancel_free`.
pub struct weft_cancel {
    _opaque: [u8; 0],
}

impl Handle for weft_cancel {
    type Inner = Arc<CancelToken>;
    const TAG: Tag = Tag::Cancel;
}

/// What a blocking call that gave up with `status` reports: `WEFT_STATUS_INTERRUPTED` if it was
/// allowed to wait (`timeout` not zero) and the calling thread's token is set, `status`
/// otherwise. Only the statuses of a wait that ended without its result are replaced.
///
/// Cold: a caller's fast path then returns its status as before (not through the register this
/// call's result would need), which keeps an uncontended `weft_lock_acquire` at its
/// instruction count (BENCHMARKS.md, "Cancellation").
#[cold]
pub(crate) fn gave_up(timeout: Timeout, status: weft_status) -> weft_status {
    match status {
        WEFT_STATUS_TIMEOUT | WEFT_STATUS_EMPTY | WEFT_STATUS_FULL | WEFT_STATUS_BROKEN_BARRIER
            if !timeout.is_zero() && cancel::cancelled() =>
        {
            WEFT_STATUS_INTERRUPTED
        }
        other => other,
    }
}

/// Creates a token, not set. Java: a new thread's interrupt status; Go:
/// `context.WithCancel(ctx)`.
///
/// Ownership: on success `*cancel_out` is a new handle the caller releases with
/// `weft_cancel_free`. Statuses: `WEFT_STATUS_OK`; `WEFT_STATUS_NULL_ARGUMENT`.
/// Thread safety: safe from any thread.
///
/// # Safety
/// `cancel_out` is NULL or valid for writes.
#[must_use]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn weft_cancel_new(cancel_out: *mut *mut weft_cancel) -> weft_status {
    ffi_status!({
        let out = handle::out_ptr(cancel_out)?;
        let token = handle::new::<weft_cancel>(Arc::new(CancelToken::new()));
        // SAFETY: checked non-NULL above; the caller provides a writable pointer.
        unsafe { handle::write(out, token) };
        Ok(())
    })
}

/// Returns another reference to `cancel` (the same pointer); NULL for a NULL or wrong handle.
/// Thread safety: safe from any thread.
///
/// # Safety
/// `cancel` is NULL or a handle from weft the caller holds a reference to during the call.
#[must_use]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn weft_cancel_clone(cancel: *mut weft_cancel) -> *mut weft_cancel {
    ffi_value!(std::ptr::null_mut(), {
        // SAFETY: `cancel` is NULL or a handle from weft; the caller holds it.
        unsafe { handle::clone(cancel) }
    })
}

/// Releases one reference to `cancel`; the last one frees it. NULL is ignored. A thread that
/// installed the token keeps a reference of its own until it installs another or exits.
/// Thread safety: safe from any thread.
///
/// # Safety
/// `cancel` is NULL or a handle from weft whose reference the caller gives up: it does not use
/// that reference again.
/// What a use after the last reference is freed does: see `WEFT_STATUS_WRONG_HANDLE`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn weft_cancel_free(cancel: *mut weft_cancel) {
    ffi_value!((), {
        // SAFETY: `cancel` is NULL or a handle from weft; the caller gives up this reference.
        unsafe { handle::free(cancel) }
    })
}

/// Sets the token: every blocking call of every thread that installed it returns
/// `WEFT_STATUS_INTERRUPTED` now, and later ones that would block return it at once, until
/// `weft_cancel_reset`. Java: `thread.interrupt()`; Go: the context's `cancel()`.
///
/// Never blocks. Async-signal-safe: one atomic operation and one futex wake, no lock and no
/// allocation, so a signal handler may call it (on a handle it holds a reference to), e.g. to
/// make Ctrl-C end the main thread's waits. Statuses: `WEFT_STATUS_OK`;
/// `WEFT_STATUS_NULL_ARGUMENT`, `WEFT_STATUS_WRONG_HANDLE`.
/// Thread safety: safe from any thread, and from a signal handler.
///
/// # Safety
/// `cancel` is NULL or a handle from weft the caller holds a reference to during the call.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn weft_cancel_set(cancel: *mut weft_cancel) -> weft_status {
    ffi_status!({
        // SAFETY: `cancel` is NULL or a handle from weft; the caller holds a reference.
        unsafe { handle::borrow(cancel)? }.set();
        Ok(())
    })
}

/// Clears the token: blocking calls of the threads that installed it wait again. Java:
/// `Thread.interrupted()` (which clears); Go has none (a new context is made instead).
///
/// Never blocks. Statuses: `WEFT_STATUS_OK`; `WEFT_STATUS_NULL_ARGUMENT`,
/// `WEFT_STATUS_WRONG_HANDLE`. Thread safety: safe from any thread.
///
/// # Safety
/// `cancel` is NULL or a handle from weft the caller holds a reference to during the call.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn weft_cancel_reset(cancel: *mut weft_cancel) -> weft_status {
    ffi_status!({
        // SAFETY: `cancel` is NULL or a handle from weft; the caller holds a reference.
        unsafe { handle::borrow(cancel)? }.reset();
        Ok(())
    })
}

/// Whether the token is set; false for a NULL or wrong handle. Java: `isInterrupted()`; Go:
/// `ctx.Err() != nil`. Thread safety: safe from any thread, and from a signal handler.
///
/// # Safety
/// `cancel` is NULL or a handle from weft the caller holds a reference to during the call.
#[must_use]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn weft_cancel_is_set(cancel: *mut weft_cancel) -> bool {
    ffi_value!(false, {
        // SAFETY: `cancel` is NULL or a handle from weft; the caller holds a reference.
        unsafe { handle::borrow(cancel) }.is_ok_and(|token| token.is_set())
    })
}

/// Installs `cancel` for the calling thread's blocking calls, replacing the token it had (NULL:
/// none). The thread takes a reference of its own, released when it installs another token or
/// exits. Several threads may install one token, and each thread has at most one.
///
/// Never blocks. Statuses: `WEFT_STATUS_OK`; `WEFT_STATUS_WRONG_HANDLE`.
/// Thread safety: affects the calling thread only.
///
/// # Safety
/// `cancel` is NULL or a handle from weft the caller holds a reference to during the call.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn weft_cancel_install(cancel: *mut weft_cancel) -> weft_status {
    ffi_status!({
        let token = if cancel.is_null() {
            None
        } else {
            // SAFETY: `cancel` is a handle from weft; the caller holds a reference.
            Some(Arc::clone(unsafe { handle::borrow(cancel)? }))
        };
        cancel::install(token);
        Ok(())
    })
}

/// The token the calling thread installed, as a new reference the caller frees with
/// `weft_cancel_free` (a new handle to the same token, not necessarily the pointer installed),
/// or NULL if it has none: to put it back after installing another.
/// Thread safety: reads the calling thread's own state.
///
/// # Safety
/// No requirement.
#[must_use]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn weft_cancel_installed() -> *mut weft_cancel {
    ffi_value!(std::ptr::null_mut(), {
        cancel::installed().map_or(std::ptr::null_mut(), handle::new::<weft_cancel>)
    })
}

/// Whether the calling thread's token is set (false if it installed none): the check running
/// code makes at points of its choosing to stop early. Java: `Thread.currentThread()
/// .isInterrupted()`; Go: `ctx.Err() != nil`.
/// Thread safety: reads the calling thread's own state.
///
/// # Safety
/// No requirement.
#[must_use]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn weft_cancelled() -> bool {
    ffi_value!(false, { cancel::cancelled() })
}
