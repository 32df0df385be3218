//! `weft_barrier`: Python's `threading.Barrier` in C.

use std::ffi::c_void;

use super::args::{OwnedArg, weft_free_fn};
use super::cancel::gave_up;
use super::handle::{self, Handle, Tag};
use super::weft_status;
use crate::sync::BarrierAction;
use crate::{Barrier, Error, Timeout};

/// A barrier (Python: `threading.Barrier`): a fixed number of threads wait for each other, then
/// all go on; it can be used again at once. Reference counted: see `weft_barrier_clone` /
/// `weft_barrier_free`.
///
/// In a child made by `fork()`, a cycle the parent's threads were waiting in is broken (those
/// threads do not exist in the child): `weft_barrier_wait` returns `WEFT_STATUS_BROKEN_BARRIER` until
/// `weft_barrier_reset`. A parent thread inside a call on the barrier at the very moment of the
/// fork (running the action, arriving, leaving) leaves its internal lock held for ever in the
/// child, over a state it may have half-updated (CPython's `threading.Barrier` hangs the child's
/// first call): the barrier is then broken by the fork, `weft_barrier_wait`,
/// `weft_barrier_reset` and `weft_barrier_abort` return `WEFT_STATUS_FORKED` at once,
/// `weft_barrier_broken` is true and `weft_barrier_n_waiting` 0.
pub struct weft_barrier {
    _opaque: [u8; 0],
}

impl Handle for weft_barrier {
    type Inner = Barrier;
    const TAG: Tag = Tag::Barrier;
}

/// A barrier's action: receives the `arg` given to `weft_barrier_new`. It runs in the last
/// thread to arrive, with the barrier's lock held: other threads calling `weft_barrier_*` on
/// the barrier meanwhile wait for it to return. The action itself may call
/// `weft_barrier_parties`, `weft_barrier_n_waiting` (`parties`: the cycle is full, as in
/// CPython), `weft_barrier_broken`, and `weft_barrier_abort` or `weft_barrier_reset`, which
/// apply to the cycle when it returns; `weft_barrier_wait` returns `WEFT_STATUS_WRONG_STATE`.
/// `weft_barrier_abort` is how an action fails its cycle. It must not unwind.
pub type weft_barrier_action_fn = Option<unsafe extern "C" fn(arg: *mut c_void)>;

/// Creates a barrier for `parties` threads. Python:
/// `threading.Barrier(parties, action=None, timeout=None)`.
///
/// `action`, if not NULL, is called as `action(arg)` by the last thread to arrive, before the
/// others are released, once per cycle. `timeout` is the default for `weft_barrier_wait`
/// (`WEFT_TIMEOUT_FOREVER`: none). `arg` is used from other threads: the caller must make that
/// safe. `arg_free`, if not NULL, is called on `arg` once, when the barrier's last reference is
/// freed (with `action` NULL, `arg` is unused and `arg_free` is not called).
///
/// Ownership: on success `*barrier_out` is a new handle the caller releases with
/// `weft_barrier_free`. On failure `arg_free` is not called. Statuses: `WEFT_STATUS_OK`;
/// `WEFT_STATUS_BARRIER_PARTIES` ("parties must be > 0") if `parties` is 0; the timeout
/// statuses; `WEFT_STATUS_NULL_ARGUMENT` if `barrier_out` is NULL.
/// Thread safety: safe from any thread.
///
/// # Safety
/// `barrier_out` is NULL or valid for writes; `action` and `arg_free` are each NULL or a function
/// that may run in any thread and does not unwind; `arg` may be used from any thread.
#[must_use]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn weft_barrier_new(
    parties: usize,
    action: weft_barrier_action_fn,
    arg: *mut c_void,
    arg_free: weft_free_fn,
    timeout: f64,
    barrier_out: *mut *mut weft_barrier,
) -> weft_status {
    ffi_status!({
        let out = handle::out_ptr(barrier_out)?;
        let timeout = Timeout::from_secs_f64(timeout)?;
        // Before `arg` is taken over, so that a failure leaves it to the caller.
        if parties == 0 {
            return Err(Error::BarrierParties.into());
        }
        let action = action.map(|action| {
            let arg = OwnedArg::new(arg, arg_free);
            Box::new(move || {
                let arg = &arg; // capture the whole `OwnedArg`, not just its pointer
                // SAFETY: the caller's action with its own argument, as it asked; `arg` is
                // freed when the barrier (which owns this closure) is dropped.
                unsafe { action(arg.arg.0) }
            }) as BarrierAction
        });
        let barrier = Barrier::new(parties, action, timeout)?;
        // SAFETY: checked non-NULL above.
        unsafe { handle::write(out, handle::new::<weft_barrier>(barrier)) };
        Ok(())
    })
}

/// Returns another reference to `barrier` (the same pointer); NULL for a NULL or wrong handle.
/// Thread safety: safe from any thread.
///
/// # Safety
/// `barrier` is NULL or a handle from weft the caller holds a reference to during the call.
#[must_use]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn weft_barrier_clone(barrier: *mut weft_barrier) -> *mut weft_barrier {
    ffi_value!(std::ptr::null_mut(), {
        // SAFETY: `barrier` is NULL or a handle from weft; the caller holds it.
        unsafe { handle::clone(barrier) }
    })
}

/// Releases one reference to `barrier`; the last one frees it and calls its `arg_free`. NULL is
/// ignored. Freeing a barrier some thread waits on without a reference of its own is a bug in
/// the caller. Thread safety: safe from any thread.
///
/// # Safety
/// `barrier` is NULL or a handle from weft whose reference the caller gives up: it does not use
/// that reference again.
/// What a use after the last reference is freed does: see `WEFT_STATUS_WRONG_HANDLE`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn weft_barrier_free(barrier: *mut weft_barrier) {
    ffi_value!((), {
        // SAFETY: `barrier` is NULL or a handle from weft; the caller gives up this reference.
        unsafe { handle::free(barrier) }
    })
}

/// Waits until `parties` threads wait on the barrier, then releases them all. Python:
/// `barrier.wait(timeout=None)`.
///
/// Blocking: at most `timeout` seconds for the others to arrive; `WEFT_TIMEOUT_FOREVER` uses the
/// barrier's default timeout (see the timeout rule at `WEFT_TIMEOUT_FOREVER`). After a
/// `weft_barrier_reset`, an arrival waits without limit for the threads it sent away to leave.
/// `*index_out` receives this thread's arrival index, `0` to `parties - 1`, distinct in each cycle.
/// Statuses: `WEFT_STATUS_OK`; `WEFT_STATUS_BROKEN_BARRIER` ("broken barrier") if the barrier is
/// broken, or is reset, aborted or broken while waiting (the thread that ran the action included,
/// if the action aborted or reset the barrier); a timeout breaks it, for every waiter, until
/// `weft_barrier_reset`; `WEFT_STATUS_WRONG_STATE` from the barrier's own action (CPython
/// deadlocks); the timeout statuses; `WEFT_STATUS_FORKED` (a barrier broken by a fork: see
/// `weft_barrier`); `WEFT_STATUS_NULL_ARGUMENT`, `WEFT_STATUS_WRONG_HANDLE`. Thread safety: safe
/// from any thread.
///
/// # Safety
/// `barrier` is NULL or a handle from weft the caller holds a reference to during the call;
/// `index_out` is NULL or valid for writes.
#[must_use]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn weft_barrier_wait(
    barrier: *mut weft_barrier,
    timeout: f64,
    index_out: *mut usize,
) -> weft_status {
    ffi_status!({
        // SAFETY: `barrier` is NULL or a handle the caller holds (this function's contract).
        let barrier = unsafe { handle::borrow(barrier) }?;
        let out = handle::out_ptr(index_out)?;
        let timeout = match timeout {
            crate::timeout::FOREVER => None,
            secs => Some(Timeout::from_secs_f64(secs)?),
        };
        let index = barrier
            .wait(timeout)
            .map_err(|error| gave_up(timeout.unwrap_or(Timeout::Forever), error.into()))?;
        // SAFETY: checked non-NULL above.
        unsafe { handle::write(out, index) };
        Ok(())
    })
}

/// Returns the barrier to its initial state. Python: `barrier.reset()`.
///
/// Threads waiting on it now return `WEFT_STATUS_BROKEN_BARRIER`; later arrivals wait for them to
/// leave, then fill a new cycle. From the barrier's action, it applies when the action returns:
/// every thread of the cycle, the action's own included, returns `WEFT_STATUS_BROKEN_BARRIER`, and
/// the barrier is not broken (an earlier abort in the same action is undone). Never blocks for
/// long. Statuses: `WEFT_STATUS_OK`; `WEFT_STATUS_FORKED` (a barrier broken by a fork: see
/// `weft_barrier`); `WEFT_STATUS_NULL_ARGUMENT`, `WEFT_STATUS_WRONG_HANDLE`. Thread safety: safe
/// from any thread.
///
/// # Safety
/// `barrier` is NULL or a handle from weft the caller holds a reference to during the call.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn weft_barrier_reset(barrier: *mut weft_barrier) -> weft_status {
    ffi_status!({
        // SAFETY: `barrier` is NULL or a handle the caller holds (this function's contract).
        unsafe { handle::borrow(barrier) }?.reset()?;
        Ok(())
    })
}

/// Breaks the barrier: current and later waits return `WEFT_STATUS_BROKEN_BARRIER` until
/// `weft_barrier_reset`. Python: `barrier.abort()`.
///
/// From the barrier's action, it applies when the action returns: the barrier is broken and every
/// thread of the cycle, the action's own included, returns `WEFT_STATUS_BROKEN_BARRIER` (in Python,
/// an exception in the action does this). Never blocks for long. Statuses: `WEFT_STATUS_OK`;
/// `WEFT_STATUS_FORKED` (a barrier broken by a fork: see `weft_barrier`);
/// `WEFT_STATUS_NULL_ARGUMENT`, `WEFT_STATUS_WRONG_HANDLE`. Thread safety: safe from any thread.
///
/// # Safety
/// `barrier` is NULL or a handle from weft the caller holds a reference to during the call.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn weft_barrier_abort(barrier: *mut weft_barrier) -> weft_status {
    ffi_status!({
        // SAFETY: `barrier` is NULL or a handle the caller holds (this function's contract).
        unsafe { handle::borrow(barrier) }?.abort()?;
        Ok(())
    })
}

/// Whether the barrier is broken. Python: `barrier.broken`. From the barrier's action: whether
/// the action aborted it. False for a NULL or wrong handle. Thread safety: safe from any thread.
///
/// # Safety
/// `barrier` is NULL or a handle from weft the caller holds a reference to during the call.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn weft_barrier_broken(barrier: *const weft_barrier) -> bool {
    ffi_value!(false, {
        // SAFETY: `barrier` is NULL or a handle the caller holds (this function's contract).
        unsafe { handle::borrow(barrier) }.is_ok_and(Barrier::broken)
    })
}

/// How many threads wait for the barrier to fill (a snapshot). Python:
/// `barrier.n_waiting`. From the barrier's action: `parties`, as in CPython (the cycle is full).
/// 0 for a NULL or wrong handle. Thread safety: safe from any thread.
///
/// # Safety
/// `barrier` is NULL or a handle from weft the caller holds a reference to during the call.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn weft_barrier_n_waiting(barrier: *const weft_barrier) -> usize {
    ffi_value!(0, {
        // SAFETY: `barrier` is NULL or a handle the caller holds (this function's contract).
        unsafe { handle::borrow(barrier) }.map_or(0, Barrier::n_waiting)
    })
}

/// How many threads the barrier waits for. Python: `barrier.parties`.
/// 0 for a NULL or wrong handle. Thread safety: safe from any thread.
///
/// # Safety
/// `barrier` is NULL or a handle from weft the caller holds a reference to during the call.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn weft_barrier_parties(barrier: *const weft_barrier) -> usize {
    ffi_value!(0, {
        // SAFETY: `barrier` is NULL or a handle the caller holds (this function's contract).
        unsafe { handle::borrow(barrier) }.map_or(0, Barrier::parties)
    })
}
