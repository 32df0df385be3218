//! `weft_future`: Python's `concurrent.futures.Future` in C, with the module's `wait` and
//! `as_completed`.

use std::ffi::{c_int, c_void};
use std::mem::ManuallyDrop;

use super::args::{OwnedArg, SendPtr, weft_free_fn};
use super::cancel::gave_up;
use super::handle::{self, Handle, Tag, Tagged};
use super::weft_status::{
    self, WEFT_STATUS_INVALID_ARGUMENT, WEFT_STATUS_NULL_ARGUMENT, WEFT_STATUS_PANIC,
    WEFT_STATUS_TIMEOUT,
};
use crate::future::{self, AsCompleted, Future, Outcome, ReturnWhen, TaskFn};
use crate::{Error, Timeout};

/// The future of a task submitted to a pool (Python: `concurrent.futures.Future`): pending,
/// running, then done with a result, a failure code, or cancelled. Reference counted: see
/// `weft_future_clone` / `weft_future_free`; the pool keeps its own reference until the task is
/// done.
///
/// In a child made by `fork()`, a future whose task a parent's worker was running stays running
/// there. A future a parent thread was calling into at the moment of the fork is broken by the
/// fork (its internal lock stays held for ever there, over a state that thread may have left
/// half-updated; CPython's `concurrent.futures` hangs the child's first call): it counts as
/// finished for everything that would wait on it or register with it. `weft_future_result` and
/// `weft_future_exception` return `WEFT_STATUS_FORKED` (or its outcome, if it was done before
/// the fork), and so do `weft_future_set_result`, `weft_future_set_exception` and
/// `weft_future_set_running_or_notify_cancel`; `weft_futures_wait` and
/// `weft_futures_as_completed` count it completed with an exception, and `weft_future_done` is
/// true; a callback added runs at once, those added before the fork never run;
/// `weft_future_cancel`, `weft_future_interrupt` and `weft_future_running` are false; its last
/// free leaks its state.
pub struct weft_future {
    _opaque: [u8; 0],
}

/// What a future's handle points at: the header of the future's own allocation (one allocation
/// per task), made by `weft_pool_submit` and given by `Future::into_raw`.
pub(crate) type Header = Tagged<()>;

/// What a C future holds: the result pointer, or its nonzero failure code. A task's result is
/// not weft's to free; a result given to `weft_future_set_result` with its free function is
/// kept, for the future's life, by its standalone future (`Future::set_result_keeping`), so
/// that a pool's futures carry no free function.
pub(crate) type CFuture = Future<SendPtr, c_int>;

/// Gives up `future`'s reference as its handle, for [`future`] (see `Future::into_raw`).
pub(super) fn into_handle(future: CFuture) -> *mut weft_future {
    // SAFETY: every C future is made with a `Header` and a `CTask` (`weft_future_new`,
    // `weft_pool_submit`, the scheduler's), as `future` reads them back.
    unsafe { future.into_raw::<Header, CTask>() }
        .cast_mut()
        .cast()
}

/// A submitted C task: its function and argument.
pub(crate) struct CTask {
    pub(super) task: unsafe extern "C" fn(arg: *mut c_void, result_out: *mut *mut c_void) -> c_int,
    /// Freed when the task is dropped: after the call, or unrun.
    pub(super) arg: OwnedArg,
}

impl CTask {
    /// A task a pool or scheduler refused: it never ran, and its argument goes back to the
    /// caller unfreed; the reason.
    pub(super) fn refused(rejected: crate::Rejected<CTask>) -> Error {
        rejected.value.arg.into_raw();
        rejected.error
    }
}

impl TaskFn<SendPtr, c_int> for CTask {
    fn call(self) -> Result<SendPtr, c_int> {
        let mut result = std::ptr::null_mut();
        // SAFETY: the caller's task and argument, called once as documented; `result` is a
        // valid place for the task to store its result. `self.arg` is freed when `self` drops,
        // after the call.
        match unsafe { (self.task)(self.arg.arg.0, &mut result) } {
            0 => Ok(SendPtr(result)),
            code => Err(code),
        }
    }
}

/// A done callback: receives the future and the `arg` given to `weft_future_add_done_callback`.
/// It must not unwind.
///
/// The `future` handle is borrowed for the call: weft holds a reference of its own until the
/// callback returns, so the callback may use it (and call any `weft_future_*` on it) whatever it
/// does with other references, and must not free it. To keep the future after the call, take a
/// reference with `weft_future_clone(future)`. To give the callback the caller's own reference
/// ("the callback owns the future now"), pass it as `arg`, let the callback free `arg`, and do not
/// use that reference after `weft_future_add_done_callback`: the callback may have run already
/// (in the calling thread, if the future was done) or may run at any moment in another thread.
pub type weft_future_callback =
    Option<unsafe extern "C" fn(future: *mut weft_future, arg: *mut c_void)>;

/// When `weft_futures_wait` returns: one of `WEFT_FIRST_COMPLETED`, `WEFT_FIRST_EXCEPTION`,
/// `WEFT_ALL_COMPLETED`. An `int`, so that any value passed from C is checked.
pub type weft_return_when = c_int;

/// Return when any future is done or cancelled. Python: `concurrent.futures.FIRST_COMPLETED`.
pub const WEFT_FIRST_COMPLETED: weft_return_when = 0;
/// Return when any future fails (its task returned a failure code, or the pool broke); if none
/// does, when all are done. Python: `concurrent.futures.FIRST_EXCEPTION`.
pub const WEFT_FIRST_EXCEPTION: weft_return_when = 1;
/// Return when every future is done or cancelled. Python: `concurrent.futures.ALL_COMPLETED`.
pub const WEFT_ALL_COMPLETED: weft_return_when = 2;

/// Borrows a future handle: the future, not to be dropped (the caller keeps its reference).
///
/// # Safety
/// `f` is NULL or a handle from weft that the caller holds a reference to while it uses the
/// result.
pub(super) unsafe fn future(f: *const weft_future) -> Result<ManuallyDrop<CFuture>, weft_status> {
    // SAFETY: `f` is NULL or a handle from weft (the contract), so it starts with a u64 tag.
    unsafe { handle::check(f.cast(), Tag::Future)? };
    // SAFETY: the tag says `f` came from `Future::into_raw` in `weft_pool_submit`, with a
    // `Header` and a `CTask`; the reference it stands for stays the caller's (ManuallyDrop).
    Ok(ManuallyDrop::new(unsafe {
        CFuture::from_raw::<Header, CTask>(f.cast())
    }))
}

/// Borrows an array of `count` future handles; NULL is accepted when `count` is 0.
///
/// # Safety
/// `futures` is NULL or points to `count` handles, each as for [`future`], and the array stays
/// valid while the result is used.
unsafe fn futures(
    futures: *const *mut weft_future,
    count: usize,
) -> Result<Vec<ManuallyDrop<CFuture>>, weft_status> {
    if count == 0 {
        return Ok(Vec::new());
    }
    if futures.is_null() {
        return Err(WEFT_STATUS_NULL_ARGUMENT);
    }
    // SAFETY: per the contract, `futures` points at `count` handles, valid for the call.
    let handles = unsafe { std::slice::from_raw_parts(futures, count) };
    // SAFETY: per the contract, each is NULL or a handle the caller holds.
    handles.iter().map(|&f| unsafe { future(f) }).collect()
}

/// Borrows a caller's array of `count` bools (NULL accepted when `count` is 0).
///
/// # Safety
/// `flags` is NULL or valid for reading and writing `count` bools, and nothing else uses them
/// during `'a`.
unsafe fn flags<'a>(flags: *mut bool, count: usize) -> Result<&'a mut [bool], weft_status> {
    if count == 0 {
        return Ok(&mut []);
    }
    let flags = handle::out_ptr(flags)?;
    // SAFETY: per the contract, `flags` points at `count` writable bools, not used elsewhere
    // during the call.
    Ok(unsafe { std::slice::from_raw_parts_mut(flags, count) })
}

/// Waits for the future, at most `timeout` seconds: the task's result or failure code, or the
/// status for a future that has neither.
///
/// # Safety
/// As for [`future`], for the call.
unsafe fn finished(
    f: *const weft_future,
    timeout: f64,
) -> Result<Result<SendPtr, c_int>, weft_status> {
    // SAFETY: forwarded contract.
    let f = unsafe { future(f) }?;
    outcome_of(&f, Timeout::from_secs_f64(timeout)?)
}

/// Waits for `f`, at most `timeout`: [`finished`]'s answer.
pub(crate) fn outcome_of(
    f: &CFuture,
    timeout: Timeout,
) -> Result<Result<SendPtr, c_int>, weft_status> {
    // By reference, without the lock: a pointer and an `int` are shared between threads.
    match f
        .outcome_ref(timeout)
        .map_err(Error::from)?
        .ok_or_else(|| gave_up(timeout, WEFT_STATUS_TIMEOUT))?
    {
        Outcome::Returned(result) => Ok(Ok(*result)),
        Outcome::Failed(code) => Ok(Err(*code)),
        Outcome::Cancelled => Err(Error::Cancelled.into()),
        Outcome::Broken => Err(Error::PoolBroken.into()),
        // Never by reference: only `Future::outcome` gives it.
        Outcome::Forked => Err(Error::Forked.into()),
        // Only a Rust task can panic; C tasks never get here.
        Outcome::Panicked => Err(WEFT_STATUS_PANIC),
    }
}

/// Returns another reference to `future` (the same pointer); NULL for a NULL or wrong handle.
/// Thread safety: safe from any thread.
///
/// # Safety
/// `future` is NULL or a handle from weft the caller holds a reference to during the call.
#[must_use]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn weft_future_clone(future: *mut weft_future) -> *mut weft_future {
    ffi_value!(std::ptr::null_mut(), {
        // SAFETY: `future` is NULL or a handle the caller holds (this function's contract).
        unsafe { self::future(future) }
            .map_or(std::ptr::null_mut(), |f| into_handle(CFuture::clone(&f)))
    })
}

/// Releases one reference to `future`; the last one frees it. The task is unaffected (free a
/// future you do not need right after `weft_pool_submit`). NULL is ignored.
/// Thread safety: safe from any thread.
///
/// # Safety
/// `future` is NULL or a handle from weft whose reference the caller gives up: it does not use that
/// reference again.
/// What a use after the last reference is freed does: see `WEFT_STATUS_WRONG_HANDLE`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn weft_future_free(future: *mut weft_future) {
    // The caller gives up this reference: dropped.
    ffi_value!((), {
        // SAFETY: `future` is NULL or a handle the caller gives up (this function's contract).
        drop(unsafe { self::future(future) }.map(ManuallyDrop::into_inner))
    })
}

/// Creates a pending future that no task completes: the caller (or whoever it hands the future
/// to) does the work and completes it with `weft_future_set_result` or
/// `weft_future_set_exception`. Python: `concurrent.futures.Future()`.
///
/// Every other `weft_future_*` call works on it as on a pool's future: waiting for it
/// (`weft_future_result`, `weft_futures_wait`, `weft_as_completed_new`), callbacks, and
/// `weft_future_cancel`, which cancels it while it is pending (before
/// `weft_future_set_running_or_notify_cancel`). Never blocks. Ownership: on success
/// `*future_out` is a new handle the caller releases with `weft_future_free`. Statuses:
/// `WEFT_STATUS_OK`; `WEFT_STATUS_NULL_ARGUMENT` if `future_out` is NULL. Thread safety: safe from
/// any thread.
///
/// # Safety
/// `future_out` is NULL or valid for writes.
#[must_use]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn weft_future_new(future_out: *mut *mut weft_future) -> weft_status {
    ffi_status!({
        let out = handle::out_ptr(future_out)?;
        let future = CFuture::standalone::<Header, CTask>(Header::header(Tag::Future));
        // SAFETY: checked non-NULL above.
        unsafe { handle::write(out, into_handle(future)) };
        Ok(())
    })
}

/// Marks a future made by `weft_future_new` running, unless it was cancelled: call it before
/// doing the future's work. Python: `future.set_running_or_notify_cancel()`.
///
/// Never blocks. Once running, the future can no longer be cancelled (`weft_future_running` is
/// true) until `weft_future_set_result` or `weft_future_set_exception` completes it. Statuses:
/// `WEFT_STATUS_OK` (it is running now: do the work); `WEFT_STATUS_CANCELLED` (it was cancelled: do
/// not do the work; its callbacks have run; every call says so, where CPython raises the second
/// time); `WEFT_STATUS_WRONG_STATE` (Python: `RuntimeError('Future in unexpected state')`) if it is
/// running or finished already, or is a pool's future (its worker does this); `WEFT_STATUS_FORKED`
/// (a future broken by a fork: see `weft_future`); `WEFT_STATUS_NULL_ARGUMENT`,
/// `WEFT_STATUS_WRONG_HANDLE`. Thread safety: safe from any thread.
///
/// # Safety
/// `future` is NULL or a handle from weft the caller holds a reference to during the call.
#[must_use]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn weft_future_set_running_or_notify_cancel(
    future: *mut weft_future,
) -> weft_status {
    ffi_status!({
        // SAFETY: `future` is NULL or a handle the caller holds (this function's contract).
        let f = unsafe { self::future(future) }?;
        if f.set_running_or_notify_cancel()? {
            Ok(())
        } else {
            Err(Error::Cancelled.into())
        }
    })
}

/// Completes a future made by `weft_future_new` with `result`. Python:
/// `future.set_result(result)`.
///
/// The future may be pending or running. Its waiters wake, and its done callbacks run now, in the
/// calling thread. Never blocks (except to run the callbacks). Ownership: on success the future
/// owns `result`: `weft_future_result` returns it as often as asked, and `result_free`, if not
/// NULL, is called on it once, when the future's last reference is freed (in the thread that frees
/// it). On failure nothing changes and `result_free` is not called. Statuses: `WEFT_STATUS_OK`;
/// `WEFT_STATUS_INVALID_STATE_FINISHED` if the future is done already,
/// `WEFT_STATUS_INVALID_STATE_CANCELLED` if it was cancelled (Python: `InvalidStateError`);
/// `WEFT_STATUS_WRONG_STATE` for a pool's future (its task completes it); `WEFT_STATUS_FORKED` (a
/// future broken by a fork: see `weft_future`); `WEFT_STATUS_NULL_ARGUMENT`,
/// `WEFT_STATUS_WRONG_HANDLE`. Thread safety: safe from any thread; of several calls at once, one
/// completes the future.
///
/// # Safety
/// `future` is NULL or a handle from weft the caller holds a reference to during the call;
/// `result_free` is NULL or a function that may run in any thread and does not unwind; `result`
/// may be used from any thread.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn weft_future_set_result(
    future: *mut weft_future,
    result: *mut c_void,
    result_free: weft_free_fn,
) -> weft_status {
    ffi_status!({
        // SAFETY: `future` is NULL or a handle the caller holds (this function's contract).
        let f = unsafe { self::future(future) }?;
        // Through a reference of this call's own: a callback run now may free the caller's.
        let f = CFuture::clone(&f);
        // The result's free function, called when the future's allocation is freed.
        let keep = OwnedArg::new(result, result_free);
        f.set_result_keeping(SendPtr(result), keep)
            .map_err(|rejected| {
                // The result goes back to the caller unfreed.
                rejected.value.1.into_raw();
                rejected.error
            })?;
        Ok(())
    })
}

/// Completes a future made by `weft_future_new` as failed with `code`, as a task that returns
/// `code`: `weft_future_result` then gives `WEFT_STATUS_TASK_FAILED` and
/// `weft_future_exception` the code. Python: `future.set_exception(exception)`.
///
/// As `weft_future_set_result` otherwise. Statuses: those of `weft_future_set_result`, and
/// `WEFT_STATUS_INVALID_ARGUMENT` if `code` is 0 (which means success to
/// `weft_future_exception`).
///
/// # Safety
/// `future` is NULL or a handle from weft the caller holds a reference to during the call.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn weft_future_set_exception(
    future: *mut weft_future,
    code: c_int,
) -> weft_status {
    ffi_status!({
        // SAFETY: `future` is NULL or a handle the caller holds (this function's contract).
        let f = unsafe { self::future(future) }?;
        if code == 0 {
            return Err(WEFT_STATUS_INVALID_ARGUMENT);
        }
        // Through a reference of this call's own: a callback run now may free the caller's.
        Ok(CFuture::clone(&f)
            .set_exception(code)
            .map_err(Error::from)?)
    })
}

/// Waits for the task and reads its result. Python: `future.result(timeout=None)`.
///
/// Blocking: at most `timeout` seconds (see the timeout rule at `WEFT_TIMEOUT_FOREVER`). Ownership:
/// on success `*result_out` is the pointer the task stored; weft does not own it and returns it as
/// often as asked. Statuses: `WEFT_STATUS_OK`; `WEFT_STATUS_TIMEOUT` if the task is not done in
/// time (Python: `TimeoutError`); `WEFT_STATUS_CANCELLED`; `WEFT_STATUS_TASK_FAILED` if the task
/// returned a failure code (read it with `weft_future_exception`); `WEFT_STATUS_POOL_BROKEN` if the
/// pool broke before the task ran; the timeout statuses; `WEFT_STATUS_FORKED` (a future broken by a
/// fork: see `weft_future`); `WEFT_STATUS_NULL_ARGUMENT`, `WEFT_STATUS_WRONG_HANDLE`. Thread
/// safety: safe from any thread, any number of times.
///
/// # Safety
/// `future` is NULL or a handle from weft the caller holds a reference to during the call;
/// `result_out` is NULL or valid for writes.
#[must_use]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn weft_future_result(
    future: *mut weft_future,
    timeout: f64,
    result_out: *mut *mut c_void,
) -> weft_status {
    ffi_status!({
        let out = handle::out_ptr(result_out)?;
        // SAFETY: `future` is NULL or a handle the caller holds (this function's contract).
        let result = unsafe { finished(future, timeout) }?.map_err(|_| Error::TaskFailed)?;
        // SAFETY: checked non-NULL above.
        unsafe { handle::write(out, result.0) };
        Ok(())
    })
}

/// Waits for the task and reads its failure code: 0 if it succeeded. Python:
/// `future.exception(timeout=None)` (`None` is 0 here).
///
/// Blocking: at most `timeout` seconds (see the timeout rule at `WEFT_TIMEOUT_FOREVER`). Statuses:
/// `WEFT_STATUS_OK` (`*code_out` written); `WEFT_STATUS_TIMEOUT`; `WEFT_STATUS_CANCELLED`;
/// `WEFT_STATUS_POOL_BROKEN` if the pool broke before the task ran (the future's exception); the
/// timeout statuses; `WEFT_STATUS_FORKED` (a future broken by a fork: see `weft_future`);
/// `WEFT_STATUS_NULL_ARGUMENT`, `WEFT_STATUS_WRONG_HANDLE`. Thread safety: safe from any thread,
/// any number of times.
///
/// # Safety
/// `future` is NULL or a handle from weft the caller holds a reference to during the call;
/// `code_out` is NULL or valid for writes.
#[must_use]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn weft_future_exception(
    future: *mut weft_future,
    timeout: f64,
    code_out: *mut c_int,
) -> weft_status {
    ffi_status!({
        let out = handle::out_ptr(code_out)?;
        // SAFETY: `future` is NULL or a handle the caller holds (this function's contract).
        let code = unsafe { finished(future, timeout) }?.err().unwrap_or(0);
        // SAFETY: checked non-NULL above.
        unsafe { handle::write(out, code) };
        Ok(())
    })
}

/// Cancels the task if it has not started; returns whether the future is cancelled. Python:
/// `future.cancel()`.
///
/// Never blocks. False if the task is running or done (not cancelled), and for a NULL or wrong
/// handle; true again for a future already cancelled. A cancelled task never runs (its
/// `arg_free` is still called); the done callbacks run now, in the calling thread.
/// Thread safety: safe from any thread.
///
/// # Safety
/// `future` is NULL or a handle from weft the caller holds a reference to during the call.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn weft_future_cancel(future: *mut weft_future) -> bool {
    ffi_value!(false, {
        // Cancelled through a reference of this call's own: the callbacks it runs may free the
        // caller's, and the pool's may be gone already (given up by a worker that found the task
        // cancelled).
        // SAFETY: `future` is NULL or a handle the caller holds (this function's contract).
        unsafe { self::future(future) }.is_ok_and(|f| CFuture::clone(&f).cancel())
    })
}

/// Interrupts the task if a pool's worker is running it; returns whether it did. Java:
/// `future.cancel(true)` (`mayInterruptIfRunning`) for a running task; Python has none (weft's
/// `Future.interrupt()`). `weft_future_cancel` stays CPython's: false for a running task.
///
/// The task cooperates: for the rest of its run, `weft_cancelled()` is true in it and every
/// blocking call it makes returns `WEFT_STATUS_INTERRUPTED` (as if its thread had installed a
/// `weft_cancel` token and it were set: see `weft_cancel`), so that it returns early. The
/// future is not cancelled: it ends with what the task returns (its result, or the error it
/// reports), and `weft_future_cancelled` stays false. The worker clears the interrupt when the
/// task returns (its done callbacks, which the worker runs, may still see it), so its next task
/// starts without it. A one-shot timer's call (`weft_scheduler_call_later`), which the
/// scheduler's thread runs, is interrupted the same way.
///
/// False (nothing done) for a task not started yet (cancel it with `weft_future_cancel`), one
/// done, a future of `weft_future_new` or `weft_scheduler_call_every` (no task of weft's runs
/// it), and a NULL or wrong handle; true again while the task runs. A task that installs a
/// token of its own (`weft_cancel_install`) is reached through that one instead, until it puts
/// back the one `weft_cancel_installed()` gave it (its worker's).
///
/// Never blocks: it takes the future's lock briefly, then sets the worker's token. Costs a
/// task nothing unless it is interrupted: each worker has one token, made when it starts, and
/// records its number in the future in the claim it makes anyway. Thread safety: safe from any
/// thread; not from a signal handler (use a `weft_cancel` token there).
///
/// # Safety
/// `future` is NULL or a handle from weft the caller holds a reference to during the call.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn weft_future_interrupt(future: *mut weft_future) -> bool {
    ffi_value!(false, {
        // SAFETY: `future` is NULL or a handle the caller holds (this function's contract).
        unsafe { self::future(future) }.is_ok_and(|f| f.interrupt())
    })
}

/// Whether the future was cancelled. Python: `future.cancelled()`.
/// False for a NULL or wrong handle. Thread safety: safe from any thread.
///
/// # Safety
/// `future` is NULL or a handle from weft the caller holds a reference to during the call.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn weft_future_cancelled(future: *const weft_future) -> bool {
    ffi_value!(false, {
        // SAFETY: `future` is NULL or a handle the caller holds (this function's contract).
        unsafe { self::future(future) }.is_ok_and(|f| f.cancelled())
    })
}

/// Whether the task is running now. Python: `future.running()`.
/// False for a NULL or wrong handle. Thread safety: safe from any thread.
///
/// # Safety
/// `future` is NULL or a handle from weft the caller holds a reference to during the call.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn weft_future_running(future: *const weft_future) -> bool {
    ffi_value!(false, {
        // SAFETY: `future` is NULL or a handle the caller holds (this function's contract).
        unsafe { self::future(future) }.is_ok_and(|f| f.running())
    })
}

/// Whether the future is done: the task finished (or failed), or it was cancelled.
/// Python: `future.done()`. False for a NULL or wrong handle. Thread safety: safe from any thread.
///
/// # Safety
/// `future` is NULL or a handle from weft the caller holds a reference to during the call.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn weft_future_done(future: *const weft_future) -> bool {
    ffi_value!(false, {
        // SAFETY: `future` is NULL or a handle the caller holds (this function's contract).
        unsafe { self::future(future) }.is_ok_and(|f| f.done())
    })
}

/// Arranges for `callback(future, arg)` to be called once the future is done. Python:
/// `future.add_done_callback(fn)`.
///
/// The callback runs exactly once: in the thread that completes the future (a pool worker, or
/// the thread that cancels it), or at once, in the calling thread, if the future is already
/// done; callbacks run in the order they were added. `arg` is the caller's: free it in the
/// callback if needed. The future stays alive until its callbacks have run, and weft holds a
/// reference across each call (see `weft_future_callback` for what a callback may do with the
/// handle it receives, and how to hand it the caller's reference).
/// Never blocks (except to run the callback). Statuses: `WEFT_STATUS_OK`;
/// `WEFT_STATUS_NULL_ARGUMENT` if `future` or `callback` is NULL; `WEFT_STATUS_WRONG_HANDLE`.
/// Thread safety: safe from any thread.
///
/// # Safety
/// `future` is NULL or a handle from weft the caller holds a reference to during the call;
/// `callback` is NULL or a function that may run in any thread and does not unwind; `arg` may be
/// used from any thread.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn weft_future_add_done_callback(
    future: *mut weft_future,
    callback: weft_future_callback,
    arg: *mut c_void,
) -> weft_status {
    ffi_status!({
        // SAFETY: `future` is NULL or a handle the caller holds (this function's contract).
        let f = unsafe { self::future(future) }?;
        let callback = callback.ok_or(WEFT_STATUS_NULL_ARGUMENT)?;
        // A reference of this call's own: a callback run now may free the caller's.
        let f = CFuture::clone(&f);
        let (ptr, arg) = (SendPtr(future.cast()), SendPtr(arg));
        f.add_done_callback(move |_| {
            let (ptr, arg) = (ptr, arg); // the whole `SendPtr`s, not their raw fields
            // SAFETY: the caller's callback and argument, called once as documented; `ptr` is
            // the future's handle (every reference has the same address), live for the call:
            // whoever runs the callback holds a reference of its own (this call's, the
            // completing worker's, or the canceller's).
            unsafe { callback(ptr.0.cast(), arg.0) };
        });
        Ok(())
    })
}

/// Waits until `return_when` holds for the `count` futures in `futures`. Python:
/// `concurrent.futures.wait(fs, timeout, return_when)`.
///
/// Blocking: at most `timeout` seconds (see the timeout rule at `WEFT_TIMEOUT_FOREVER`); no
/// futures (`count` 0) return at once. `done_out` points at `count` bools: whether each future
/// was done when the call returned (Python's `done` and `not_done` sets); it is written on
/// `WEFT_STATUS_OK` and on `WEFT_STATUS_TIMEOUT`, as Python returns the sets either way. The
/// futures' handles are borrowed for the call. Statuses: `WEFT_STATUS_OK` (the condition
/// holds); `WEFT_STATUS_TIMEOUT`; `WEFT_STATUS_INVALID_ARGUMENT` for an unknown `return_when`;
/// the timeout statuses; `WEFT_STATUS_NULL_ARGUMENT` (a NULL array with `count` > 0, or a NULL
/// handle), `WEFT_STATUS_WRONG_HANDLE`. Cost: time linear in `count` (one look at each future,
/// then, if it must wait, a waiter registered once with each future not done, which their
/// completions count in). Thread safety: safe from any thread.
///
/// # Safety
/// `futures` is NULL or points to `count` readable handles, each NULL or a handle from weft the
/// caller holds a reference to during the call; `done_out` is NULL or valid for writing `count`
/// bools.
#[must_use]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn weft_futures_wait(
    futures: *const *mut weft_future,
    count: usize,
    timeout: f64,
    return_when: weft_return_when,
    done_out: *mut bool,
) -> weft_status {
    ffi_status!({
        // SAFETY: `futures` is NULL or points to `count` handles the caller holds, and `done_out`
        // to `count` bools (this function's contract).
        let (futures, done) = unsafe { (self::futures(futures, count)?, flags(done_out, count)?) };
        let futures: Vec<&CFuture> = futures.iter().map(|f| &**f).collect();
        let timeout = Timeout::from_secs_f64(timeout)?;
        let return_when = match return_when {
            WEFT_FIRST_COMPLETED => ReturnWhen::FirstCompleted,
            WEFT_FIRST_EXCEPTION => ReturnWhen::FirstException,
            WEFT_ALL_COMPLETED => ReturnWhen::AllCompleted,
            _ => return Err(WEFT_STATUS_INVALID_ARGUMENT),
        };
        let waited = future::wait(&futures, timeout, return_when);
        done.copy_from_slice(&waited.done);
        if waited.satisfied {
            Ok(())
        } else {
            Err(gave_up(timeout, WEFT_STATUS_TIMEOUT))
        }
    })
}

/// Waits for the next of `futures` to complete and returns its index: call it `count` times to
/// take the futures as they complete. Python: `concurrent.futures.as_completed(fs)`, one step
/// at a time.
///
/// `yielded` points at `count` bools, all false before the first call, that the calls share:
/// the call picks a done future whose flag is false (those already done first, lowest index
/// first), sets its flag and writes its index to `*index_out`. Blocking: at most `timeout`
/// seconds for this step (Python's timeout covers the whole iteration). Statuses:
/// `WEFT_STATUS_OK`; `WEFT_STATUS_TIMEOUT` if none completed in time (nothing written);
/// `WEFT_STATUS_INVALID_ARGUMENT` if every flag is already set (the iteration is over); the
/// timeout statuses; `WEFT_STATUS_NULL_ARGUMENT`, `WEFT_STATUS_WRONG_HANDLE`.
/// Cost: each call looks at all `count` futures, so taking them all costs time quadratic in
/// `count` (a third of a second for 10,000 futures, half a minute for 100,000);
/// `weft_as_completed_new` takes them in linear time.
/// Thread safety: safe from any thread; `yielded` must not be shared by concurrent calls.
///
/// # Safety
/// `futures` is NULL or points to `count` readable handles, each NULL or a handle from weft the
/// caller holds a reference to during the call; `yielded` is NULL or valid for reading and writing
/// `count` bools; `index_out` is NULL or valid for writes.
#[must_use]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn weft_futures_as_completed(
    futures: *const *mut weft_future,
    count: usize,
    yielded: *mut bool,
    timeout: f64,
    index_out: *mut usize,
) -> weft_status {
    ffi_status!({
        // SAFETY: `futures` is NULL or points to `count` handles the caller holds, and `yielded`
        // to `count` bools (this function's contract).
        let (futures, yielded) =
            unsafe { (self::futures(futures, count)?, flags(yielded, count)?) };
        let futures: Vec<&CFuture> = futures.iter().map(|f| &**f).collect();
        let out = handle::out_ptr(index_out)?;
        let timeout: Timeout = Timeout::from_secs_f64(timeout)?;
        let index = future::as_completed_next(&futures, yielded, timeout)?;
        let index = index.ok_or_else(|| gave_up(timeout, WEFT_STATUS_TIMEOUT))?;
        // SAFETY: checked non-NULL above.
        unsafe { handle::write(out, index) };
        Ok(())
    })
}

/// An iterator over futures that hands each out as it completes (Python: the iterator
/// `concurrent.futures.as_completed(fs)` returns). Reference counted: see
/// `weft_as_completed_clone` / `weft_as_completed_free`.
pub struct weft_as_completed {
    _opaque: [u8; 0],
}

impl Handle for weft_as_completed {
    type Inner = AsCompleted<SendPtr, c_int>;
    const TAG: Tag = Tag::AsCompleted;
}

/// Starts handing out the `count` futures in `futures` as they complete. Python:
/// `concurrent.futures.as_completed(fs)`.
///
/// Take them with `weft_as_completed_next`: first those already done (lowest index first), then
/// the others in the order they complete. The iterator registers with each future once and each
/// completion queues the future to it, so taking all of them costs time linear in `count` (unlike
/// `weft_futures_as_completed`). A future given twice is handed out twice, once per index.
/// Never blocks. Ownership: the iterator keeps its own reference to each future, so the array and
/// the caller's references may be freed at once; on success `*iterator_out` is a new handle the
/// caller releases with `weft_as_completed_free`. Statuses: `WEFT_STATUS_OK`;
/// `WEFT_STATUS_NULL_ARGUMENT` (`futures` NULL with `count` nonzero, a NULL handle in it, or
/// `iterator_out` NULL), `WEFT_STATUS_WRONG_HANDLE`. Thread safety: safe from any thread.
///
/// # Safety
/// `futures` is NULL or points to `count` readable handles, each NULL or a handle from weft the
/// caller holds a reference to during the call; `iterator_out` is NULL or valid for writes.
#[must_use]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn weft_as_completed_new(
    futures: *const *mut weft_future,
    count: usize,
    iterator_out: *mut *mut weft_as_completed,
) -> weft_status {
    ffi_status!({
        let out = handle::out_ptr(iterator_out)?;
        // SAFETY: `futures` is NULL or points to `count` handles the caller holds (this
        // function's contract).
        let futures = unsafe { self::futures(futures, count)? };
        let futures: Vec<&CFuture> = futures.iter().map(|f| &**f).collect();
        let iterator = handle::new::<weft_as_completed>(AsCompleted::new(&futures));
        // SAFETY: checked non-NULL above; the caller provides a writable pointer.
        unsafe { handle::write(out, iterator) };
        Ok(())
    })
}

/// Returns another reference to `iterator` (the same pointer); NULL for a NULL or wrong handle.
/// Thread safety: safe from any thread.
///
/// # Safety
/// `iterator` is NULL or a handle from weft the caller holds a reference to during the call.
#[must_use]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn weft_as_completed_clone(
    iterator: *mut weft_as_completed,
) -> *mut weft_as_completed {
    ffi_value!(std::ptr::null_mut(), {
        // SAFETY: `iterator` is NULL or a handle from weft; the caller holds it.
        unsafe { handle::clone(iterator) }
    })
}

/// Releases one reference to `iterator`; the last one unregisters it from the futures not yet
/// done and releases its references to the futures (the futures themselves are unaffected). An
/// iteration may stop early: free the iterator then. NULL is ignored.
/// Thread safety: safe from any thread.
///
/// # Safety
/// `iterator` is NULL or a handle from weft whose reference the caller gives up: it does not use
/// that reference again.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn weft_as_completed_free(iterator: *mut weft_as_completed) {
    ffi_value!((), {
        // SAFETY: `iterator` is NULL or a handle from weft; the caller gives up this reference.
        unsafe { handle::free(iterator) }
    })
}

/// Waits for the next future to complete and writes its index (in the array given to
/// `weft_as_completed_new`) to `*index_out`: call it `count` times to take every future. Python:
/// `next(iterator)`.
///
/// Blocking: at most `timeout` seconds for this step (see the timeout rule at
/// `WEFT_TIMEOUT_FOREVER`; Python's timeout covers the whole iteration: pass what is left of it).
/// Statuses: `WEFT_STATUS_OK`; `WEFT_STATUS_TIMEOUT` if none completed in time (nothing written);
/// `WEFT_STATUS_INVALID_ARGUMENT` once every future was handed out (the iteration is over); the
/// timeout statuses; `WEFT_STATUS_FORKED` (a future broken by a fork: see `weft_future`);
/// `WEFT_STATUS_NULL_ARGUMENT`, `WEFT_STATUS_WRONG_HANDLE`. Thread safety: safe from any thread;
/// take the futures from one thread at a time, as from a Python iterator (calls from several
/// threads at once each get a different future, but one may wait out its timeout after another took
/// the last).
///
/// # Safety
/// `iterator` is NULL or a handle from weft the caller holds a reference to during the call;
/// `index_out` is NULL or valid for writes.
#[must_use]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn weft_as_completed_next(
    iterator: *mut weft_as_completed,
    timeout: f64,
    index_out: *mut usize,
) -> weft_status {
    ffi_status!({
        let out = handle::out_ptr(index_out)?;
        // SAFETY: `iterator` is NULL or a handle the caller holds (this function's contract).
        let iterator = unsafe { handle::borrow(iterator) }?;
        let timeout = Timeout::from_secs_f64(timeout)?;
        let index = iterator
            .next(timeout)?
            .ok_or_else(|| gave_up(timeout, WEFT_STATUS_TIMEOUT))?;
        // SAFETY: checked non-NULL above.
        unsafe { handle::write(out, index) };
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::capi::WEFT_TIMEOUT_FOREVER;
    use crate::capi::pool::tests::{echo, gated, new_pool, ptr_to, submit};
    use crate::capi::pool::{weft_pool_free, weft_pool_shutdown};
    use crate::capi::weft_status::*;
    use std::ptr;
    use std::sync::{Barrier, Mutex};

    /// Records the future pointer it is called with into the `Mutex<Vec<usize>>` at `arg`.
    unsafe extern "C" fn record(future: *mut weft_future, arg: *mut c_void) {
        // SAFETY: the tests pass a vector that outlives the callback.
        let calls = unsafe { &*arg.cast::<Mutex<Vec<usize>>>() };
        // SAFETY: weft passes the future's handle, live for the call.
        assert!(unsafe { weft_future_done(future) });
        calls.lock().unwrap().push(future as usize);
    }

    #[test]
    fn states_cancel_and_callbacks() {
        // SAFETY: every handle comes from weft and is freed once, after its last use; the
        // pointers passed point at live locals.
        unsafe {
            let gate = (Barrier::new(2), Barrier::new(2));
            let pool = new_pool(1);
            let running = submit(pool, Some(gated), ptr_to(&gate));
            gate.0.wait();
            let pending = submit(pool, Some(echo), ptr::null_mut());
            assert!(weft_future_running(running) && !weft_future_done(running));
            assert!(!weft_future_running(pending) && !weft_future_done(pending));
            let mut result = std::ptr::null_mut();
            assert_eq!(
                weft_future_result(running, 0.0, &mut result),
                WEFT_STATUS_TIMEOUT
            );
            assert_eq!(
                weft_future_result(running, 0.001, &mut result),
                WEFT_STATUS_TIMEOUT
            );
            assert_eq!(
                weft_future_result(running, -1.5, &mut result),
                WEFT_STATUS_INVALID_TIMEOUT
            );

            let calls = Mutex::new(Vec::<usize>::new());
            for f in [running, pending] {
                assert_eq!(
                    weft_future_add_done_callback(f, Some(record), ptr_to(&calls)),
                    WEFT_STATUS_OK
                );
            }
            assert_eq!(
                weft_future_add_done_callback(pending, None, ptr::null_mut()),
                WEFT_STATUS_NULL_ARGUMENT
            );
            assert!(!weft_future_cancel(running), "running: not cancelled");
            assert!(weft_future_cancel(pending));
            assert!(weft_future_cancel(pending), "still cancelled");
            assert!(weft_future_cancelled(pending) && weft_future_done(pending));
            assert_eq!(
                *calls.lock().unwrap(),
                [pending as usize],
                "the caller's own pointer"
            );
            let mut code = 0;
            assert_eq!(
                weft_future_result(pending, 0.0, &mut result),
                WEFT_STATUS_CANCELLED
            );
            assert_eq!(
                weft_future_exception(pending, 0.0, &mut code),
                WEFT_STATUS_CANCELLED
            );

            gate.1.wait();
            assert_eq!(weft_pool_shutdown(pool, true, false), WEFT_STATUS_OK);
            assert_eq!(*calls.lock().unwrap(), [pending as usize, running as usize]);
            // Already done: called at once.
            assert_eq!(
                weft_future_add_done_callback(running, Some(record), ptr_to(&calls)),
                WEFT_STATUS_OK
            );
            assert_eq!(calls.lock().unwrap().len(), 3);
            assert!(!weft_future_cancel(running), "finished: not cancelled");
            assert!(!weft_future_cancelled(running));
            weft_future_free(running);
            weft_future_free(pending);
            weft_pool_free(pool);
        }
    }

    /// What `free_then_look` is given: the caller's reference, handed to the callback.
    struct Handed {
        future: *mut weft_future,
        /// Whether the handle the callback received still read as done after the free.
        done_after_free: std::sync::atomic::AtomicBool,
    }

    /// Frees the reference in the `Handed` at `arg` (the caller's, now the callback's), then
    /// looks at the handle it received, borrowed for the call.
    unsafe extern "C" fn free_then_look(future: *mut weft_future, arg: *mut c_void) {
        // SAFETY: the tests pass a `Handed` that outlives the callback.
        let handed = unsafe { &*arg.cast::<Handed>() };
        // SAFETY: the reference handed over, given up once; then the received handle, which
        // weft keeps alive for the call.
        let done = unsafe {
            weft_future_free(handed.future);
            weft_future_done(future)
        };
        handed
            .done_after_free
            .store(done, std::sync::atomic::Ordering::Relaxed);
    }

    /// A done future whose only reference is the caller's: the pool is shut down, so its
    /// worker has given up its own.
    fn done_future() -> *mut weft_future {
        // SAFETY: the pool's handle comes from weft and is freed once, after its last use.
        unsafe {
            let pool = new_pool(1);
            let f = submit(pool, Some(echo), ptr::null_mut());
            assert_eq!(weft_pool_shutdown(pool, true, false), WEFT_STATUS_OK);
            weft_pool_free(pool);
            f
        }
    }

    #[test]
    fn a_callback_run_at_once_may_free_the_last_reference() {
        let handed = Handed {
            future: done_future(),
            done_after_free: false.into(),
        };
        // SAFETY: the handle comes from weft; its reference passes to the callback (as `arg`)
        // and is not used after the add; `handed` outlives the call.
        let status = unsafe {
            weft_future_add_done_callback(handed.future, Some(free_then_look), ptr_to(&handed))
        };
        assert_eq!(status, WEFT_STATUS_OK);
        assert!(
            handed.done_after_free.into_inner(),
            "the handle stays valid for the call"
        );
    }

    #[test]
    fn a_callback_run_by_cancel_may_free_the_callers_reference() {
        // SAFETY: every handle comes from weft and is freed once, after its last use (the
        // pending future's by the callback); the pointers passed point at live locals.
        unsafe {
            let gate = (Barrier::new(2), Barrier::new(2));
            let pool = new_pool(1);
            let running = submit(pool, Some(gated), ptr_to(&gate));
            gate.0.wait();
            let handed = Handed {
                future: submit(pool, Some(echo), ptr::null_mut()),
                done_after_free: false.into(),
            };
            let pending = handed.future;
            assert_eq!(
                weft_future_add_done_callback(pending, Some(free_then_look), ptr_to(&handed)),
                WEFT_STATUS_OK
            );
            assert!(weft_future_cancel(pending));
            assert!(handed.done_after_free.into_inner());
            gate.1.wait();
            assert_eq!(weft_pool_shutdown(pool, true, false), WEFT_STATUS_OK);
            weft_future_free(running);
            weft_pool_free(pool);
        }
    }

    /// Clones the handle it receives into the `Mutex<Vec<SendPtr>>` at `arg`.
    unsafe extern "C" fn keep(future: *mut weft_future, arg: *mut c_void) {
        // SAFETY: the tests pass a vector that outlives the callback.
        let kept = unsafe { &*arg.cast::<Mutex<Vec<SendPtr>>>() };
        // SAFETY: weft passes the future's handle, live for the call.
        let clone = unsafe { weft_future_clone(future) };
        kept.lock().unwrap().push(SendPtr(clone.cast()));
    }

    #[test]
    fn a_callback_may_clone_the_handle_and_use_it_after() {
        // SAFETY: every handle comes from weft and is freed once, after its last use; the
        // pointers passed point at live locals.
        unsafe {
            let kept = Mutex::new(Vec::<SendPtr>::new());
            // Run at once: the caller frees its reference right after the add.
            let done = done_future();
            assert_eq!(
                weft_future_add_done_callback(done, Some(keep), ptr_to(&kept)),
                WEFT_STATUS_OK
            );
            weft_future_free(done);
            // Run by the worker, after the caller freed its reference.
            let gate = (Barrier::new(2), Barrier::new(2));
            let pool = new_pool(1);
            let later = submit(pool, Some(gated), ptr_to(&gate));
            gate.0.wait();
            assert_eq!(
                weft_future_add_done_callback(later, Some(keep), ptr_to(&kept)),
                WEFT_STATUS_OK
            );
            weft_future_free(later);
            gate.1.wait();
            assert_eq!(weft_pool_shutdown(pool, true, false), WEFT_STATUS_OK);
            weft_pool_free(pool);
            let kept = kept.into_inner().unwrap();
            assert_eq!(kept.len(), 2);
            for f in kept {
                let f = f.0.cast::<weft_future>();
                assert!(weft_future_done(f) && !weft_future_cancelled(f));
                let mut code = -1;
                assert_eq!(weft_future_exception(f, 0.0, &mut code), WEFT_STATUS_OK);
                assert_eq!(code, 0);
                weft_future_free(f);
            }
        }
    }

    #[test]
    #[cfg(target_pointer_width = "64")]
    fn a_pool_future_holds_no_free_function() {
        // 56 bytes, malloc's 64-byte chunks: the result's free function that a standalone
        // future may need is kept in its listeners' place once it is done, not in every
        // future's outcome (that made a pool's future 112 bytes, and its task 8 % more
        // instructions: BENCHMARKS.md), the listeners are boxed once there are any (a `Vec` in
        // place made it 104, the benchmark's 200,000 futures 3 MB and 780 page faults more), a
        // thread waiting for the future parks on its status word (a condition variable and its
        // sleepers' count made it 88, 96-byte chunks), and the outcome takes the task's place
        // once the task is taken (side by side, 72 bytes, 80-byte chunks).
        // SAFETY: every handle comes from weft and is freed once, after its last use.
        unsafe {
            let pool = new_pool(1);
            let task = submit(pool, Some(echo), ptr::null_mut());
            assert_eq!(future(task).unwrap().allocation_size(), 56);
            let mut standalone = ptr::null_mut();
            assert_eq!(weft_future_new(&mut standalone), WEFT_STATUS_OK);
            assert_eq!(future(standalone).unwrap().allocation_size(), 56);
            weft_future_free(standalone);
            weft_future_free(task);
            weft_pool_free(pool);
        }
    }

    #[test]
    fn standalone_futures() {
        use std::sync::atomic::{AtomicUsize, Ordering};
        // SAFETY: every handle comes from weft and is freed once, after its last use; the
        // pointers passed point at live locals.
        unsafe {
            assert_eq!(weft_future_new(ptr::null_mut()), WEFT_STATUS_NULL_ARGUMENT);
            let null = ptr::null_mut();
            assert_eq!(
                weft_future_set_result(null, null.cast(), None),
                WEFT_STATUS_NULL_ARGUMENT
            );
            assert_eq!(
                weft_future_set_exception(null, 1),
                WEFT_STATUS_NULL_ARGUMENT
            );
            assert_eq!(
                weft_future_set_running_or_notify_cancel(null),
                WEFT_STATUS_NULL_ARGUMENT
            );
            let frees = AtomicUsize::new(0);
            let value = ptr_to(&frees);
            let mut f = ptr::null_mut();
            assert_eq!(weft_future_new(&mut f), WEFT_STATUS_OK);
            let mut result = ptr::null_mut();
            assert_eq!(weft_future_result(f, 0.0, &mut result), WEFT_STATUS_TIMEOUT);
            assert_eq!(weft_future_set_running_or_notify_cancel(f), WEFT_STATUS_OK);
            assert!(weft_future_running(f) && !weft_future_cancel(f));
            assert_eq!(
                weft_future_set_running_or_notify_cancel(f),
                WEFT_STATUS_WRONG_STATE
            );
            assert_eq!(
                weft_future_set_result(f, value, Some(crate::capi::pool::tests::count)),
                WEFT_STATUS_OK
            );
            assert_eq!(weft_future_result(f, 0.0, &mut result), WEFT_STATUS_OK);
            assert_eq!(result, value);
            // Refused: the value stays the caller's, not freed.
            assert_eq!(
                weft_future_set_result(f, value, Some(crate::capi::pool::tests::count)),
                WEFT_STATUS_INVALID_STATE_FINISHED
            );
            assert_eq!(
                weft_future_set_exception(f, 2),
                WEFT_STATUS_INVALID_STATE_FINISHED
            );
            let other = weft_future_clone(f);
            weft_future_free(f);
            assert_eq!(
                frees.load(Ordering::Relaxed),
                0,
                "freed with the last reference"
            );
            weft_future_free(other);
            assert_eq!(frees.load(Ordering::Relaxed), 1);

            // Failed by hand, as a task that returns a code.
            assert_eq!(weft_future_new(&mut f), WEFT_STATUS_OK);
            assert_eq!(
                weft_future_set_exception(f, 0),
                WEFT_STATUS_INVALID_ARGUMENT
            );
            assert_eq!(weft_future_set_exception(f, -3), WEFT_STATUS_OK);
            let mut code = 0;
            assert_eq!(
                weft_future_result(f, 0.0, &mut result),
                WEFT_STATUS_TASK_FAILED
            );
            assert_eq!(weft_future_exception(f, 0.0, &mut code), WEFT_STATUS_OK);
            assert_eq!(code, -3);
            weft_future_free(f);

            // Cancelled while pending: callbacks run, the owner is told not to run it.
            let calls = Mutex::new(Vec::<usize>::new());
            assert_eq!(weft_future_new(&mut f), WEFT_STATUS_OK);
            assert_eq!(
                weft_future_add_done_callback(f, Some(record), ptr_to(&calls)),
                WEFT_STATUS_OK
            );
            assert!(weft_future_cancel(f));
            assert_eq!(calls.lock().unwrap().len(), 1);
            assert_eq!(
                weft_future_set_running_or_notify_cancel(f),
                WEFT_STATUS_CANCELLED
            );
            assert_eq!(
                weft_future_set_result(f, value, Some(crate::capi::pool::tests::count)),
                WEFT_STATUS_INVALID_STATE_CANCELLED
            );
            weft_future_free(f);
            assert_eq!(frees.load(Ordering::Relaxed), 1);

            // A pool's future is its task's to complete.
            let pool = new_pool(1);
            let task = submit(pool, Some(echo), ptr::null_mut());
            assert_eq!(
                weft_future_set_result(task, value, None),
                WEFT_STATUS_WRONG_STATE
            );
            assert_eq!(
                weft_future_set_running_or_notify_cancel(task),
                WEFT_STATUS_WRONG_STATE
            );
            assert_eq!(
                weft_future_result(task, WEFT_TIMEOUT_FOREVER, &mut result),
                WEFT_STATUS_OK
            );
            weft_future_free(task);
            weft_pool_free(pool);
        }
    }

    #[test]
    fn as_completed_iterator() {
        // SAFETY: every handle comes from weft and is freed once, after its last use; the
        // pointers passed point at live locals.
        unsafe {
            let mut it = ptr::null_mut();
            let mut index = 7;
            assert_eq!(
                weft_as_completed_new(ptr::null(), 1, &mut it),
                WEFT_STATUS_NULL_ARGUMENT
            );
            assert_eq!(
                weft_as_completed_new(ptr::null(), 0, ptr::null_mut()),
                WEFT_STATUS_NULL_ARGUMENT
            );
            assert_eq!(
                weft_as_completed_next(ptr::null_mut(), 0.0, &mut index),
                WEFT_STATUS_NULL_ARGUMENT
            );
            assert!(weft_as_completed_clone(ptr::null_mut()).is_null());
            weft_as_completed_free(ptr::null_mut());
            // No futures: over at once.
            assert_eq!(
                weft_as_completed_new(ptr::null(), 0, &mut it),
                WEFT_STATUS_OK
            );
            assert_eq!(
                weft_as_completed_next(it, WEFT_TIMEOUT_FOREVER, &mut index),
                WEFT_STATUS_INVALID_ARGUMENT
            );
            weft_as_completed_free(it);

            let gate = (Barrier::new(2), Barrier::new(2));
            let pool = new_pool(2);
            let slow = submit(pool, Some(gated), ptr_to(&gate));
            gate.0.wait();
            let fast = submit(pool, Some(echo), ptr::null_mut());
            let mut result = ptr::null_mut();
            assert_eq!(
                weft_future_result(fast, WEFT_TIMEOUT_FOREVER, &mut result),
                WEFT_STATUS_OK
            );
            let wrong = [pool.cast::<weft_future>()];
            assert_eq!(
                weft_as_completed_new(wrong.as_ptr(), 1, &mut it),
                WEFT_STATUS_WRONG_HANDLE
            );
            let futures = [slow, fast];
            assert_eq!(
                weft_as_completed_new(futures.as_ptr(), 2, &mut it),
                WEFT_STATUS_OK
            );
            // The iterator holds references of its own.
            weft_future_free(fast);
            let other = weft_as_completed_clone(it);
            assert_eq!(other, it);
            weft_as_completed_free(other);
            assert_eq!(
                weft_as_completed_next(it, 0.0, ptr::null_mut()),
                WEFT_STATUS_NULL_ARGUMENT
            );
            assert_eq!(
                weft_as_completed_next(it, -2.0, &mut index),
                WEFT_STATUS_INVALID_TIMEOUT
            );
            assert_eq!(
                weft_as_completed_next(pool.cast(), 0.0, &mut index),
                WEFT_STATUS_WRONG_HANDLE
            );
            assert_eq!(weft_as_completed_next(it, 0.0, &mut index), WEFT_STATUS_OK);
            assert_eq!(index, 1);
            index = 7;
            assert_eq!(
                weft_as_completed_next(it, 0.001, &mut index),
                WEFT_STATUS_TIMEOUT
            );
            assert_eq!(index, 7, "not written on timeout");
            gate.1.wait();
            assert_eq!(
                weft_as_completed_next(it, WEFT_TIMEOUT_FOREVER, &mut index),
                WEFT_STATUS_OK
            );
            assert_eq!(index, 0);
            assert_eq!(
                weft_as_completed_next(it, WEFT_TIMEOUT_FOREVER, &mut index),
                WEFT_STATUS_INVALID_ARGUMENT
            );
            weft_as_completed_free(it);
            weft_future_free(slow);
            weft_pool_free(pool);
        }
    }

    #[test]
    fn bad_handles_and_out_pointers() {
        // SAFETY: every handle comes from weft and is freed once, after its last use; the
        // pointers passed point at live locals.
        unsafe {
            let null = ptr::null_mut::<weft_future>();
            let mut result = std::ptr::null_mut();
            let mut code = 0;
            assert_eq!(
                weft_future_result(null, 0.0, &mut result),
                WEFT_STATUS_NULL_ARGUMENT
            );
            assert_eq!(
                weft_future_exception(null, 0.0, &mut code),
                WEFT_STATUS_NULL_ARGUMENT
            );
            assert_eq!(
                weft_future_add_done_callback(null, Some(record), ptr::null_mut()),
                WEFT_STATUS_NULL_ARGUMENT
            );
            assert!(!weft_future_cancel(null) && !weft_future_cancelled(null));
            assert!(!weft_future_running(null) && !weft_future_done(null));
            assert!(weft_future_clone(null).is_null());
            weft_future_free(null);
            let pool = new_pool(1);
            let wrong = pool.cast::<weft_future>();
            assert_eq!(
                weft_future_result(wrong, 0.0, &mut result),
                WEFT_STATUS_WRONG_HANDLE
            );
            assert!(!weft_future_done(wrong));
            let f = submit(pool, Some(echo), ptr::null_mut());
            assert_eq!(
                weft_future_result(f, WEFT_TIMEOUT_FOREVER, ptr::null_mut()),
                WEFT_STATUS_NULL_ARGUMENT
            );
            assert_eq!(
                weft_future_exception(f, WEFT_TIMEOUT_FOREVER, ptr::null_mut()),
                WEFT_STATUS_NULL_ARGUMENT
            );
            let other = weft_future_clone(f);
            assert_eq!(other, f);
            weft_future_free(other);
            weft_future_free(f);
            weft_pool_free(pool);
        }
    }

    #[test]
    fn wait_and_as_completed() {
        // SAFETY: every handle comes from weft and is freed once, after its last use; the
        // pointers passed point at live locals.
        unsafe {
            let mut done = [false; 2];
            let mut index = 0;
            // No futures: done at once; the arrays may be NULL.
            assert_eq!(
                weft_futures_wait(ptr::null(), 0, 0.0, WEFT_ALL_COMPLETED, ptr::null_mut()),
                WEFT_STATUS_OK
            );
            assert_eq!(
                weft_futures_as_completed(ptr::null(), 0, ptr::null_mut(), 0.0, &mut index),
                WEFT_STATUS_INVALID_ARGUMENT
            );
            assert_eq!(
                weft_futures_wait(ptr::null(), 2, 0.0, WEFT_ALL_COMPLETED, done.as_mut_ptr()),
                WEFT_STATUS_NULL_ARGUMENT
            );

            let gate = (Barrier::new(2), Barrier::new(2));
            let pool = new_pool(2);
            let slow = submit(pool, Some(gated), ptr_to(&gate));
            gate.0.wait();
            let fast = submit(pool, Some(echo), ptr::null_mut());
            let futures = [slow, fast];
            for bad in [-1, 3, c_int::MAX] {
                assert_eq!(
                    weft_futures_wait(futures.as_ptr(), 2, 0.0, bad, done.as_mut_ptr()),
                    WEFT_STATUS_INVALID_ARGUMENT
                );
            }
            assert_eq!(
                weft_futures_wait(
                    futures.as_ptr(),
                    2,
                    0.0,
                    WEFT_ALL_COMPLETED,
                    ptr::null_mut()
                ),
                WEFT_STATUS_NULL_ARGUMENT
            );
            let with_null = [slow, ptr::null_mut()];
            assert_eq!(
                weft_futures_wait(
                    with_null.as_ptr(),
                    2,
                    0.0,
                    WEFT_ALL_COMPLETED,
                    done.as_mut_ptr()
                ),
                WEFT_STATUS_NULL_ARGUMENT
            );
            assert_eq!(
                weft_futures_wait(
                    futures.as_ptr(),
                    2,
                    -4.0,
                    WEFT_ALL_COMPLETED,
                    done.as_mut_ptr()
                ),
                WEFT_STATUS_INVALID_TIMEOUT
            );
            assert_eq!(
                weft_futures_wait(
                    futures.as_ptr(),
                    2,
                    WEFT_TIMEOUT_FOREVER,
                    WEFT_FIRST_COMPLETED,
                    done.as_mut_ptr()
                ),
                WEFT_STATUS_OK
            );
            assert_eq!(done, [false, true]);
            assert_eq!(
                weft_futures_wait(
                    futures.as_ptr(),
                    2,
                    0.001,
                    WEFT_ALL_COMPLETED,
                    done.as_mut_ptr()
                ),
                WEFT_STATUS_TIMEOUT
            );
            assert_eq!(done, [false, true], "written on timeout too");
            assert_eq!(
                weft_futures_wait(
                    futures.as_ptr(),
                    2,
                    0.0,
                    WEFT_FIRST_EXCEPTION,
                    done.as_mut_ptr()
                ),
                WEFT_STATUS_TIMEOUT
            );

            let mut yielded = [false; 2];
            assert_eq!(
                weft_futures_as_completed(
                    futures.as_ptr(),
                    2,
                    yielded.as_mut_ptr(),
                    0.0,
                    ptr::null_mut()
                ),
                WEFT_STATUS_NULL_ARGUMENT
            );
            assert_eq!(
                weft_futures_as_completed(futures.as_ptr(), 2, ptr::null_mut(), 0.0, &mut index),
                WEFT_STATUS_NULL_ARGUMENT
            );
            assert_eq!(
                weft_futures_as_completed(
                    futures.as_ptr(),
                    2,
                    yielded.as_mut_ptr(),
                    0.0,
                    &mut index
                ),
                WEFT_STATUS_OK
            );
            assert_eq!((index, yielded), (1, [false, true]));
            index = 7;
            assert_eq!(
                weft_futures_as_completed(
                    futures.as_ptr(),
                    2,
                    yielded.as_mut_ptr(),
                    0.001,
                    &mut index
                ),
                WEFT_STATUS_TIMEOUT
            );
            assert_eq!(index, 7, "not written on timeout");
            gate.1.wait();
            assert_eq!(
                weft_futures_as_completed(
                    futures.as_ptr(),
                    2,
                    yielded.as_mut_ptr(),
                    WEFT_TIMEOUT_FOREVER,
                    &mut index
                ),
                WEFT_STATUS_OK
            );
            assert_eq!((index, yielded), (0, [true, true]));
            assert_eq!(
                weft_futures_as_completed(
                    futures.as_ptr(),
                    2,
                    yielded.as_mut_ptr(),
                    0.0,
                    &mut index
                ),
                WEFT_STATUS_INVALID_ARGUMENT
            );
            assert_eq!(
                weft_futures_wait(
                    futures.as_ptr(),
                    2,
                    0.0,
                    WEFT_ALL_COMPLETED,
                    done.as_mut_ptr()
                ),
                WEFT_STATUS_OK
            );
            assert_eq!(done, [true, true]);
            for f in futures {
                weft_future_free(f);
            }
            weft_pool_free(pool);
        }
    }
}
