//! `weft_scheduler`: one thread serving many timers, one-shot and periodic (Java's
//! `ScheduledExecutorService`), each a `weft_future`.

use std::ffi::{c_int, c_void};
use std::ptr;

use super::args::{OwnedArg, weft_free_fn};
use super::future::{CFuture, CTask, Header, into_handle, weft_future};
use super::handle::{self, Handle, Tag};
use super::pool::weft_task_fn;
use super::weft_status::{self, WEFT_STATUS_INVALID_ARGUMENT, WEFT_STATUS_NULL_ARGUMENT};
use crate::scheduler::{Period, Scheduler};
use crate::{Error, Timeout};

/// A timer service: one daemon thread (named `Scheduler-N`) running one-shot and periodic
/// timers from a heap, so that a pending timer costs a few hundred bytes and no thread (a
/// `weft_timer_new` timer is a whole thread). Java: `ScheduledExecutorService` with one thread;
/// Python: `loop.call_later` without the event loop. Reference counted: see
/// `weft_scheduler_clone` / `weft_scheduler_free`; freeing the last reference shuts it down.
///
/// The calls run in the scheduler's thread, one at a time, in the order they fall due (timers
/// due at the same instant in the order they were made): a call that takes long delays the
/// others (submit long work to a `weft_pool` from the call). At process exit the thread, a
/// daemon, is abandoned: timers not yet due never fire and nothing waits for them (shut the
/// scheduler down first to have their futures cancelled). A child made by `fork()` has no
/// scheduler thread: there a scheduler made before the fork acts as one shut down (new timers
/// are refused with `WEFT_STATUS_POOL_SHUT_DOWN`, `weft_scheduler_pending` is 0, shutting it
/// down does nothing), and the parent's timers never fire: make a new scheduler in the child.
pub struct weft_scheduler {
    _opaque: [u8; 0],
}

impl Handle for weft_scheduler {
    type Inner = Scheduler;
    const TAG: Tag = Tag::Scheduler;
}

/// A periodic timer's call: receives the `arg` given to `weft_scheduler_call_every`; returns 0
/// to be called again, or a nonzero failure code, which fails the timer's future (read it with
/// `weft_future_exception`) and ends the timer. It must not unwind.
pub type weft_periodic_fn = Option<unsafe extern "C" fn(arg: *mut c_void) -> c_int>;

/// How a periodic timer's runs are spaced: `WEFT_FIXED_RATE` or `WEFT_FIXED_DELAY`. An `int`, so
/// that any value passed from C is checked.
pub type weft_schedule_kind = c_int;

/// Runs start `period` apart, counted from when each was due: a run that starts late (the thread
/// was busy) is followed by the next as soon as it is due, to catch up; runs never overlap.
/// Java: `scheduleAtFixedRate`.
pub const WEFT_FIXED_RATE: weft_schedule_kind = 0;
/// Each run starts `period` after the previous one ended. Java: `scheduleWithFixedDelay`.
pub const WEFT_FIXED_DELAY: weft_schedule_kind = 1;

/// A delay: the timeout rule, but `WEFT_TIMEOUT_FOREVER`, which is no delay, is refused
/// (`WEFT_STATUS_INVALID_TIMEOUT`).
fn delay(seconds: f64) -> Result<std::time::Duration, weft_status> {
    match Timeout::from_secs_f64(seconds)? {
        Timeout::After(delay) => Ok(delay),
        Timeout::Forever => Err(Error::InvalidTimeout.into()),
    }
}

/// Creates a scheduler and starts its thread.
///
/// Ownership: on success `*scheduler_out` is a new handle the caller releases with
/// `weft_scheduler_free`. Statuses: `WEFT_STATUS_OK`; `WEFT_STATUS_CANT_START_THREAD` if the OS
/// cannot create the thread; `WEFT_STATUS_NULL_ARGUMENT` if `scheduler_out` is NULL.
/// Thread safety: safe from any thread.
///
/// # Safety
/// `scheduler_out` is NULL or valid for writes.
#[must_use]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn weft_scheduler_new(
    scheduler_out: *mut *mut weft_scheduler,
) -> weft_status {
    ffi_status!({
        let out = handle::out_ptr(scheduler_out)?;
        let scheduler = Scheduler::new()?;
        // SAFETY: checked non-NULL above.
        unsafe { handle::write(out, handle::new::<weft_scheduler>(scheduler)) };
        Ok(())
    })
}

/// Returns another reference to `scheduler` (the same pointer); NULL for a NULL or wrong handle.
/// Thread safety: safe from any thread.
///
/// # Safety
/// `scheduler` is NULL or a handle from weft the caller holds a reference to during the call.
#[must_use]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn weft_scheduler_clone(
    scheduler: *mut weft_scheduler,
) -> *mut weft_scheduler {
    ffi_value!(ptr::null_mut(), {
        // SAFETY: `scheduler` is NULL or a handle from weft; the caller holds it.
        unsafe { handle::clone(scheduler) }
    })
}

/// Releases one reference to `scheduler`. The last one shuts it down without waiting (as
/// `weft_scheduler_shutdown(scheduler, false)`). NULL is ignored. Thread safety: safe from any
/// thread, a timer's call included.
///
/// # Safety
/// `scheduler` is NULL or a handle from weft whose reference the caller gives up: it does not use
/// that reference again.
/// What a use after the last reference is freed does: see `WEFT_STATUS_WRONG_HANDLE`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn weft_scheduler_free(scheduler: *mut weft_scheduler) {
    ffi_value!((), {
        // SAFETY: `scheduler` is NULL or a handle from weft; the caller gives up this reference.
        unsafe { handle::free(scheduler) }
    })
}

/// Calls `task(arg, &result)` once, `delay` seconds from now, in the scheduler's thread, and
/// returns its future. Java: `schedule(callable, delay, SECONDS)`; Python:
/// `loop.call_later(delay, fn)` (whose handle's `cancel` is `weft_future_cancel` here).
///
/// `delay` follows the timeout rule (`WEFT_TIMEOUT_FOREVER` excepted). The future is a pool
/// task's: it is running while the call runs, then has its result or failure code;
/// `weft_future_cancel` before it is due keeps the call from running (the timer is then
/// removed when it falls due, or sooner as the scheduler sweeps). `arg_free`, if not NULL, is
/// called on `arg` once: after the call, or, if it never runs (cancelled, or the scheduler
/// shut down), when the timer is dropped. Never blocks. Ownership: on success `*future_out` is
/// a new handle the caller releases with `weft_future_free` (freeing it does not cancel the
/// timer). On failure nothing is scheduled and `arg_free` is not called. Statuses:
/// `WEFT_STATUS_OK`; `WEFT_STATUS_POOL_SHUT_DOWN` after `weft_scheduler_shutdown` (or in a
/// child made by `fork()`);
/// `WEFT_STATUS_INVALID_TIMEOUT`, `WEFT_STATUS_TIMEOUT_TOO_LARGE` for a bad `delay`;
/// `WEFT_STATUS_NULL_ARGUMENT` if `task` or `future_out` is NULL; `WEFT_STATUS_WRONG_HANDLE`.
/// Thread safety: safe from any thread, a timer's call included.
///
/// # Safety
/// `scheduler` is NULL or a handle from weft the caller holds a reference to during the call;
/// `future_out` is NULL or valid for writes; `task` and `arg_free` are each NULL or a function
/// that may run in any thread and does not unwind; `arg` may be used from any thread.
#[must_use]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn weft_scheduler_call_later(
    scheduler: *mut weft_scheduler,
    delay: f64,
    task: weft_task_fn,
    arg: *mut c_void,
    arg_free: weft_free_fn,
    future_out: *mut *mut weft_future,
) -> weft_status {
    ffi_status!({
        // SAFETY: `scheduler` is NULL or a handle the caller holds (this function's contract).
        let scheduler = unsafe { handle::borrow(scheduler) }?;
        let task = task.ok_or(WEFT_STATUS_NULL_ARGUMENT)?;
        let out = handle::out_ptr(future_out)?;
        let delay = self::delay(delay)?;
        let task = CTask {
            task,
            arg: OwnedArg::new(arg, arg_free),
        };
        let future: CFuture = scheduler
            .call_later_with_header(delay, Header::header(Tag::Future), task)
            .map_err(CTask::refused)?;
        // SAFETY: checked non-NULL above.
        unsafe { handle::write(out, into_handle(future)) };
        Ok(())
    })
}

/// Calls `call(arg)` `delay` seconds from now, then again every `period` seconds (`kind`:
/// `WEFT_FIXED_RATE` or `WEFT_FIXED_DELAY`), in the scheduler's thread, until its future is
/// cancelled or a call fails. Java: `scheduleAtFixedRate` / `scheduleWithFixedDelay`.
///
/// `delay` follows the timeout rule (`WEFT_TIMEOUT_FOREVER` excepted); `period` too, and must
/// not be 0. The future never gets a result (Java's `ScheduledFuture` of a periodic task): it
/// stays pending while the timer runs (`weft_future_running` is false even during a call), is
/// cancelled by `weft_future_cancel` (at any time: a call under way finishes, no other
/// starts) or by the scheduler's shutdown, and fails with the code of the first call that
/// returns nonzero, which ends the timer (`weft_future_result` gives
/// `WEFT_STATUS_TASK_FAILED`). `weft_future_set_result` and `weft_future_set_exception` end it
/// too. `arg_free`, if not NULL, is called on `arg` once the timer is over: after its last call,
/// or when it is dropped. Never blocks. Ownership: on success `*future_out` is a new handle the
/// caller releases with `weft_future_free` (freeing it does not cancel the timer: keep it to
/// cancel). On failure nothing is scheduled and `arg_free` is not called. Statuses:
/// `WEFT_STATUS_OK`; `WEFT_STATUS_POOL_SHUT_DOWN` after `weft_scheduler_shutdown` (or in a
/// child made by `fork()`);
/// `WEFT_STATUS_INVALID_ARGUMENT` for an unknown `kind` or a zero `period`;
/// `WEFT_STATUS_INVALID_TIMEOUT`, `WEFT_STATUS_TIMEOUT_TOO_LARGE` for a bad `delay` or `period`;
/// `WEFT_STATUS_NULL_ARGUMENT` if `call` or `future_out` is NULL; `WEFT_STATUS_WRONG_HANDLE`.
/// Thread safety: safe from any thread, a timer's call included.
///
/// # Safety
/// `scheduler` is NULL or a handle from weft the caller holds a reference to during the call;
/// `future_out` is NULL or valid for writes; `call` and `arg_free` are each NULL or a function
/// that may run in any thread and does not unwind; `arg` may be used from any thread.
#[must_use]
#[unsafe(no_mangle)]
#[allow(clippy::too_many_arguments)]
pub unsafe extern "C" fn weft_scheduler_call_every(
    scheduler: *mut weft_scheduler,
    delay: f64,
    period: f64,
    kind: weft_schedule_kind,
    call: weft_periodic_fn,
    arg: *mut c_void,
    arg_free: weft_free_fn,
    future_out: *mut *mut weft_future,
) -> weft_status {
    ffi_status!({
        // SAFETY: `scheduler` is NULL or a handle the caller holds (this function's contract).
        let scheduler = unsafe { handle::borrow(scheduler) }?;
        let call = call.ok_or(WEFT_STATUS_NULL_ARGUMENT)?;
        let out = handle::out_ptr(future_out)?;
        let (delay, every) = (self::delay(delay)?, self::delay(period)?);
        let period = match kind {
            WEFT_FIXED_RATE => Period::FixedRate(every),
            WEFT_FIXED_DELAY => Period::FixedDelay(every),
            _ => return Err(WEFT_STATUS_INVALID_ARGUMENT),
        };
        let arg = OwnedArg::new(arg, arg_free);
        let future = CFuture::standalone::<Header, CTask>(Header::header(Tag::Future));
        let repeat = move || {
            let arg = &arg; // the whole `OwnedArg`, not its raw field
            // SAFETY: the caller's function and argument, called as documented; the argument
            // lives as long as the timer does.
            match unsafe { call(arg.arg.0) } {
                0 => Ok(()),
                code => Err(code),
            }
        };
        scheduler
            .call_every_with(delay, period, CFuture::clone(&future), repeat)
            .map_err(|rejected| {
                // Never called: its argument goes back to the caller unfreed.
                let (error, repeat) = (rejected.error, rejected.value);
                std::mem::forget(repeat);
                error
            })?;
        // SAFETY: checked non-NULL above.
        unsafe { handle::write(out, into_handle(future)) };
        Ok(())
    })
}

/// Shuts the scheduler down: every timer not yet run is cancelled now (their futures cancelled,
/// their done callbacks run in the calling thread, their `arg_free` called; a periodic call
/// under way finishes), and later calls to `weft_scheduler_call_later` and
/// `weft_scheduler_call_every` fail with `WEFT_STATUS_POOL_SHUT_DOWN`. Java: `shutdownNow()`.
/// Blocking: with `wait`, until the scheduler's thread has ended (no limit). Calling it again is
/// harmless. Statuses: `WEFT_STATUS_OK`; `WEFT_STATUS_JOIN_CURRENT` if called with `wait` from a
/// timer's call (which runs in the scheduler's thread); `WEFT_STATUS_NULL_ARGUMENT`,
/// `WEFT_STATUS_WRONG_HANDLE`. Thread safety: safe from any thread.
///
/// # Safety
/// `scheduler` is NULL or a handle from weft the caller holds a reference to during the call.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn weft_scheduler_shutdown(
    scheduler: *mut weft_scheduler,
    wait: bool,
) -> weft_status {
    ffi_status!({
        // SAFETY: `scheduler` is NULL or a handle the caller holds (this function's contract).
        Ok(unsafe { handle::borrow(scheduler) }?.shutdown(wait)?)
    })
}

/// How many timers the scheduler holds: those pending, and cancelled ones not yet removed (a
/// cancelled timer is removed when it falls due, or when the heap has doubled since it was
/// last swept, so this is at most about twice the timers alive). 0 for a NULL or wrong handle.
/// Thread safety: safe from any thread.
///
/// # Safety
/// `scheduler` is NULL or a handle from weft the caller holds a reference to during the call.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn weft_scheduler_pending(scheduler: *const weft_scheduler) -> usize {
    ffi_value!(0, {
        // SAFETY: `scheduler` is NULL or a handle the caller holds (this function's contract).
        unsafe { handle::borrow(scheduler) }.map_or(0, Scheduler::len)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::capi::WEFT_TIMEOUT_FOREVER;
    use crate::capi::future::{
        weft_future_cancel, weft_future_cancelled, weft_future_exception, weft_future_free,
        weft_future_result,
    };
    use crate::capi::pool::tests::{count, echo, ptr_to};
    use crate::capi::weft_status::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    /// Counts a call on the counter at `arg`; fails with code 4 on the third.
    unsafe extern "C" fn third_fails(arg: *mut c_void) -> c_int {
        // SAFETY: the tests pass a counter that outlives the timer.
        let calls = unsafe { &*arg.cast::<AtomicUsize>() };
        if calls.fetch_add(1, Ordering::Relaxed) == 2 {
            4
        } else {
            0
        }
    }

    #[test]
    fn one_shot_periodic_and_shutdown() {
        // SAFETY: every handle comes from weft and is freed once, after its last use; the
        // pointers passed point at live locals.
        unsafe {
            let mut s = ptr::null_mut();
            assert_eq!(
                weft_scheduler_new(ptr::null_mut()),
                WEFT_STATUS_NULL_ARGUMENT
            );
            assert_eq!(weft_scheduler_new(&mut s), WEFT_STATUS_OK);
            let mut f = ptr::null_mut();
            let frees = AtomicUsize::new(0);
            let arg = ptr_to(&frees);
            for (delay, status) in [
                (WEFT_TIMEOUT_FOREVER, WEFT_STATUS_INVALID_TIMEOUT),
                (-2.0, WEFT_STATUS_INVALID_TIMEOUT),
                (f64::INFINITY, WEFT_STATUS_TIMEOUT_TOO_LARGE),
            ] {
                assert_eq!(
                    weft_scheduler_call_later(s, delay, Some(echo), arg, Some(count), &mut f),
                    status
                );
            }
            assert_eq!(
                weft_scheduler_call_every(
                    s,
                    0.0,
                    0.0,
                    WEFT_FIXED_RATE,
                    Some(third_fails),
                    arg,
                    Some(count),
                    &mut f
                ),
                WEFT_STATUS_INVALID_ARGUMENT
            );
            assert_eq!(
                weft_scheduler_call_every(
                    s,
                    0.0,
                    1.0,
                    2,
                    Some(third_fails),
                    arg,
                    Some(count),
                    &mut f
                ),
                WEFT_STATUS_INVALID_ARGUMENT
            );
            assert_eq!(
                weft_scheduler_call_later(s, 0.0, None, arg, None, &mut f),
                WEFT_STATUS_NULL_ARGUMENT
            );
            assert_eq!(frees.load(Ordering::Relaxed), 0, "not freed on failure");

            assert_eq!(
                weft_scheduler_call_later(s, 0.0, Some(echo), arg, Some(count), &mut f),
                WEFT_STATUS_OK
            );
            let mut result = ptr::null_mut();
            assert_eq!(
                weft_future_result(f, WEFT_TIMEOUT_FOREVER, &mut result),
                WEFT_STATUS_OK
            );
            assert_eq!(result, arg);
            weft_future_free(f);

            let calls = AtomicUsize::new(0);
            assert_eq!(
                weft_scheduler_call_every(
                    s,
                    0.0,
                    0.001,
                    WEFT_FIXED_DELAY,
                    Some(third_fails),
                    ptr_to(&calls),
                    None,
                    &mut f
                ),
                WEFT_STATUS_OK
            );
            let mut code = 0;
            assert_eq!(
                weft_future_exception(f, WEFT_TIMEOUT_FOREVER, &mut code),
                WEFT_STATUS_OK
            );
            assert_eq!((code, calls.load(Ordering::Relaxed)), (4, 3));
            weft_future_free(f);

            let (mut later, mut every) = (ptr::null_mut(), ptr::null_mut());
            assert_eq!(
                weft_scheduler_call_later(s, 3600.0, Some(echo), arg, Some(count), &mut later),
                WEFT_STATUS_OK
            );
            assert_eq!(
                weft_scheduler_call_every(
                    s,
                    3600.0,
                    1.0,
                    WEFT_FIXED_RATE,
                    Some(third_fails),
                    arg,
                    Some(count),
                    &mut every
                ),
                WEFT_STATUS_OK
            );
            assert_eq!(weft_scheduler_pending(s), 2);
            assert_eq!(weft_scheduler_shutdown(s, true), WEFT_STATUS_OK);
            assert!(weft_future_cancelled(later) && weft_future_cancelled(every));
            assert!(!weft_future_cancel(ptr::null_mut()));
            // The echo's argument after its call, and both timers' when dropped unrun.
            assert_eq!(frees.load(Ordering::Relaxed), 3);
            assert_eq!(
                weft_scheduler_call_later(s, 0.0, Some(echo), arg, Some(count), &mut f),
                WEFT_STATUS_POOL_SHUT_DOWN
            );
            assert_eq!(frees.load(Ordering::Relaxed), 3, "not freed when refused");
            weft_future_free(later);
            weft_future_free(every);
            let other = weft_scheduler_clone(s);
            assert_eq!(other, s);
            weft_scheduler_free(other);
            weft_scheduler_free(s);
            assert_eq!(weft_scheduler_pending(ptr::null()), 0);
            assert_eq!(
                weft_scheduler_shutdown(ptr::null_mut(), false),
                WEFT_STATUS_NULL_ARGUMENT
            );
        }
    }
}
