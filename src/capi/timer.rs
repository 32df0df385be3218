//! `weft_timer_*`: Python's `threading.Timer` in C. A timer is a `weft_thread`: every
//! `weft_thread_*` function works on it.

use std::ffi::c_void;

use super::args::{self, OwnedArg, weft_free_fn};
use super::handle;
use super::thread::{weft_thread, weft_thread_fn};
use super::weft_status::{self, WEFT_STATUS_INVALID_TIMEOUT, WEFT_STATUS_NULL_ARGUMENT};
use crate::Thread;
use crate::timeout::Timeout;

/// Creates a timer: a thread that, once started, waits `interval` seconds and then calls
/// `function(arg)`, unless `weft_timer_cancel` is called first. Python:
/// `threading.Timer(interval, function, args=(arg,))`.
///
/// The timer is a `weft_thread` in every other way: start it with `weft_thread_start`, join,
/// rename, query it with the `weft_thread_*` functions. It is named `Thread-N` and is a daemon if
/// the calling thread is one, so by default the process waits for it at exit: a timer started by
/// `main` fires even after `main` returns. `weft_thread_result` gives `function`'s return value
/// once it has run, and `WEFT_STATUS_WRONG_STATE` for a cancelled timer.
///
/// `interval` follows the timeout rule (see `WEFT_TIMEOUT_FOREVER`), except that
/// `WEFT_TIMEOUT_FOREVER` itself, a timer that never fires, is refused with
/// `WEFT_STATUS_INVALID_TIMEOUT`. `0.0` fires as soon as the timer starts.
///
/// Ownership: on success `*timer_out` is a new handle the caller releases with
/// `weft_thread_free`. `arg_free`, if not NULL, is called on `arg` once: after `function`
/// returns, or once the timer has been cancelled, in the timer's thread; or, if the timer is
/// never started, when its last handle is freed. `arg` is used from another thread: the caller
/// must make that safe, as with `pthread_create`. On failure `arg_free` is not called.
/// Statuses: `WEFT_STATUS_OK`; `WEFT_STATUS_NULL_ARGUMENT` if `function` or `timer_out` is NULL;
/// `WEFT_STATUS_INVALID_TIMEOUT`, `WEFT_STATUS_TIMEOUT_TOO_LARGE`. Thread safety: safe from any
/// thread.
///
/// # Safety
/// `timer_out` is NULL or valid for writes; `function` and `arg_free` are each NULL or a function
/// that may run in any thread and does not unwind (`function` may end its thread with
/// `pthread_exit`); `arg` may be used from any thread.
#[must_use]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn weft_timer_new(
    interval: f64,
    function: weft_thread_fn,
    arg: *mut c_void,
    arg_free: weft_free_fn,
    timer_out: *mut *mut weft_thread,
) -> weft_status {
    ffi_status!({
        let function = function.ok_or(WEFT_STATUS_NULL_ARGUMENT)?;
        let out = handle::out_ptr(timer_out)?;
        let interval = match Timeout::from_secs_f64(interval)? {
            Timeout::After(interval) => interval,
            Timeout::Forever => return Err(WEFT_STATUS_INVALID_TIMEOUT),
        };
        let function = args::call_with(function, OwnedArg::new(arg, arg_free));
        let timer = Thread::timer(interval, function);
        // SAFETY: checked non-NULL above.
        unsafe { handle::write(out, handle::new::<weft_thread>(timer)) };
        Ok(())
    })
}

/// Stops the timer if it has not fired yet: its function will never run. Python:
/// `timer.cancel()`.
///
/// Never blocks. Works before `weft_thread_start` too (the started timer then ends at once).
/// Cancelling a timer whose function has started or finished, or cancelling twice, does
/// nothing. The timer's thread ends soon after; join it to wait for that. Statuses:
/// `WEFT_STATUS_OK`; `WEFT_STATUS_WRONG_HANDLE` if `timer` is not a timer (a thread from
/// `weft_thread_new`, say); `WEFT_STATUS_NULL_ARGUMENT`. Thread safety: safe from any thread.
///
/// # Safety
/// `timer` is NULL or a handle from weft the caller holds a reference to during the call.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn weft_timer_cancel(timer: *mut weft_thread) -> weft_status {
    ffi_status!({
        // SAFETY: `timer` is NULL or a handle the caller holds (this function's contract).
        if unsafe { handle::borrow(timer) }?.cancel() {
            Ok(())
        } else {
            Err(weft_status::WEFT_STATUS_WRONG_HANDLE)
        }
    })
}

#[cfg(test)]
mod tests {
    use std::ptr;
    use std::sync::atomic::{AtomicUsize, Ordering};

    use super::*;
    use crate::capi::thread::{
        weft_thread_free, weft_thread_join, weft_thread_new, weft_thread_result, weft_thread_start,
    };
    use crate::capi::weft_status::*;

    unsafe extern "C-unwind" fn count(arg: *mut c_void) -> *mut c_void {
        // SAFETY: every test passes a pointer to a live AtomicUsize.
        unsafe { &*(arg as *const AtomicUsize) }.fetch_add(1, Ordering::SeqCst);
        arg
    }

    unsafe extern "C" fn count_free(arg: *mut c_void) {
        // SAFETY: as in `count`; the freed counter is the second one of a pair.
        unsafe { &*(arg as *const AtomicUsize).add(1) }.fetch_add(1, Ordering::SeqCst);
    }

    fn new_timer(interval: f64, calls: &[AtomicUsize; 2]) -> *mut weft_thread {
        // SAFETY: every handle comes from weft and is freed once, after its last use; the
        // pointers passed point at live locals.
        unsafe {
            let mut t = ptr::null_mut();
            let arg = calls.as_ptr() as *mut c_void;
            assert_eq!(
                weft_timer_new(interval, Some(count), arg, Some(count_free), &mut t),
                WEFT_STATUS_OK
            );
            assert!(!t.is_null());
            t
        }
    }

    #[test]
    fn new_checks_its_arguments() {
        // SAFETY: every handle comes from weft and is freed once, after its last use; the
        // pointers passed point at live locals.
        unsafe {
            let mut t = ptr::null_mut();
            let arg = ptr::null_mut();
            for (interval, status) in [
                (
                    crate::capi::WEFT_TIMEOUT_FOREVER,
                    WEFT_STATUS_INVALID_TIMEOUT,
                ),
                (-0.5, WEFT_STATUS_INVALID_TIMEOUT),
                (f64::NAN, WEFT_STATUS_INVALID_TIMEOUT),
                (f64::INFINITY, WEFT_STATUS_TIMEOUT_TOO_LARGE),
            ] {
                assert_eq!(
                    weft_timer_new(interval, Some(count), arg, None, &mut t),
                    status
                );
            }
            assert_eq!(
                weft_timer_new(1.0, None, arg, None, &mut t),
                WEFT_STATUS_NULL_ARGUMENT
            );
            assert_eq!(
                weft_timer_new(1.0, Some(count), arg, None, ptr::null_mut()),
                WEFT_STATUS_NULL_ARGUMENT
            );
            assert!(t.is_null(), "written on failure");
        }
    }

    #[test]
    fn fires_and_frees_its_argument_once() {
        // SAFETY: every handle comes from weft and is freed once, after its last use; the
        // pointers passed point at live locals.
        unsafe {
            let calls = [AtomicUsize::new(0), AtomicUsize::new(0)];
            let t = new_timer(0.0, &calls);
            assert_eq!(weft_thread_start(t), WEFT_STATUS_OK);
            assert_eq!(weft_thread_join(t, 10.0), WEFT_STATUS_OK);
            let mut result = ptr::null_mut();
            assert_eq!(weft_thread_result(t, &mut result), WEFT_STATUS_OK);
            assert_eq!(result, calls.as_ptr() as *mut c_void);
            assert_eq!(weft_timer_cancel(t), WEFT_STATUS_OK, "after firing");
            weft_thread_free(t);
            assert_eq!(calls.each_ref().map(|c| c.load(Ordering::SeqCst)), [1, 1]);
        }
    }

    #[test]
    fn cancelled_never_runs_and_frees_its_argument_once() {
        // SAFETY: every handle comes from weft and is freed once, after its last use; the
        // pointers passed point at live locals.
        unsafe {
            let calls = [AtomicUsize::new(0), AtomicUsize::new(0)];
            let t = new_timer(3600.0, &calls);
            assert_eq!(weft_thread_start(t), WEFT_STATUS_OK);
            assert_eq!(weft_timer_cancel(t), WEFT_STATUS_OK);
            assert_eq!(weft_timer_cancel(t), WEFT_STATUS_OK, "twice");
            assert_eq!(weft_thread_join(t, 10.0), WEFT_STATUS_OK);
            let mut result = ptr::null_mut();
            assert_eq!(weft_thread_result(t, &mut result), WEFT_STATUS_WRONG_STATE);
            weft_thread_free(t);
            assert_eq!(calls.each_ref().map(|c| c.load(Ordering::SeqCst)), [0, 1]);
        }
    }

    #[test]
    fn never_started_frees_its_argument_with_the_last_handle() {
        // SAFETY: every handle comes from weft and is freed once, after its last use; the
        // pointers passed point at live locals.
        unsafe {
            let calls = [AtomicUsize::new(0), AtomicUsize::new(0)];
            let t = new_timer(0.0, &calls);
            weft_thread_free(t);
            assert_eq!(calls.each_ref().map(|c| c.load(Ordering::SeqCst)), [0, 1]);
        }
    }

    #[test]
    fn cancel_refuses_what_is_not_a_timer() {
        // SAFETY: every handle comes from weft and is freed once, after its last use; the
        // pointers passed point at live locals.
        unsafe {
            let mut t = ptr::null_mut();
            assert_eq!(
                weft_thread_new(Some(count), ptr::null_mut(), None, &mut t),
                WEFT_STATUS_OK
            );
            assert_eq!(weft_timer_cancel(t), WEFT_STATUS_WRONG_HANDLE);
            weft_thread_free(t);
            assert_eq!(
                weft_timer_cancel(ptr::null_mut()),
                WEFT_STATUS_NULL_ARGUMENT
            );
            let mut lock = ptr::null_mut();
            assert_eq!(crate::capi::lock::weft_lock_new(&mut lock), WEFT_STATUS_OK);
            assert_eq!(
                weft_timer_cancel(lock.cast::<weft_thread>()),
                WEFT_STATUS_WRONG_HANDLE
            );
            crate::capi::lock::weft_lock_free(lock);
        }
    }
}
