//! `weft_once`: an initializer run exactly once across threads (`pthread_once`) in C.

use std::ffi::{c_int, c_void};

use super::weft_status::{self, WEFT_STATUS_NULL_ARGUMENT, WEFT_STATUS_TASK_FAILED};
use crate::Once;

/// A once (pthreads: `pthread_once_t`; C++: `std::once_flag`): a word the caller allocates,
/// anywhere (a `static` is usual), initialized with `WEFT_ONCE_INIT` and then only ever passed to
/// `weft_once_call` and `weft_once_done`: never read, written or copied directly. Needs no
/// freeing.
pub type weft_once = usize;

/// The initial value of every `weft_once`, for static and automatic initialization:
/// `static weft_once once = WEFT_ONCE_INIT;` (pthreads: `PTHREAD_ONCE_INIT`).
pub const WEFT_ONCE_INIT: weft_once = 0;

/// An initializer for `weft_once_call`, called with the caller's `arg`: returns 0 when it
/// succeeded; anything else is a failure, which leaves the once not done (the next caller runs
/// the initializer again).
pub type weft_once_fn = Option<unsafe extern "C-unwind" fn(arg: *mut c_void) -> c_int>;

/// Runs `init(arg)` unless an initializer already succeeded on `once`. pthreads: `pthread_once`;
/// C++: `std::call_once`.
///
/// Exactly one caller at a time runs an initializer; the others wait for it. When it succeeds
/// (returns 0), the once is done for good: every waiter, and every later call, returns
/// `WEFT_STATUS_OK` without calling its own `init`, and sees everything the initializer wrote.
/// When it fails (returns nonzero), its caller gets `WEFT_STATUS_TASK_FAILED` and the once stays
/// not done, as with C++'s `call_once` when the callable throws: the waiters wake and one of
/// them runs its own `init`, as does any later caller. The same happens when the initializer's
/// thread is torn down in the middle (`pthread_exit()`, `pthread_cancel()`, a C++ exception
/// thrown through it): weft gives the turn back on the way out. An initializer that never
/// returns (it longjmps out, or calls `weft_once_call` on the same once) blocks the others for
/// ever, as with `pthread_once`.
///
/// Blocking: waits, without limit, while another thread runs an initializer. The done path is
/// one atomic load. Statuses: `WEFT_STATUS_OK` (done); `WEFT_STATUS_TASK_FAILED` (this caller's
/// initializer failed); `WEFT_STATUS_NULL_ARGUMENT` if `once` or `init` is NULL.
/// Thread safety: safe from any thread.
///
/// # Safety
/// `once` is NULL or points to a `weft_once` initialized with `WEFT_ONCE_INIT`, accessed only
/// through weft, valid during the call; `init` is NULL or a function that takes `arg`.
#[must_use]
#[unsafe(no_mangle)]
pub unsafe extern "C-unwind" fn weft_once_call(
    once: *mut weft_once,
    init: weft_once_fn,
    arg: *mut c_void,
) -> weft_status {
    let (Some(init), false) = (init, once.is_null()) else {
        return WEFT_STATUS_NULL_ARGUMENT;
    };
    // SAFETY: non-NULL; per the contract it is a live, aligned word accessed only atomically
    // through weft, and `Once` is a transparent `AtomicUsize`, laid out as a `usize`.
    let once = unsafe { &*once.cast::<Once>() };
    let mut turn = None;
    let status = ffi_status!({
        turn = once.begin();
        Ok(())
    });
    let Some(turn) = turn else {
        return status;
    };
    // Outside the panic boundary: a forced unwind (pthread_exit) passes through, dropping `turn`,
    // which gives it back; `catch_unwind` would abort the process instead.
    // SAFETY: the caller's initializer with its argument, as the contract says.
    let failed = unsafe { init(arg) } != 0;
    ffi_status!({
        if failed {
            drop(turn);
            return Err(WEFT_STATUS_TASK_FAILED);
        }
        turn.done();
        Ok(())
    })
}

/// Whether an initializer has succeeded on `once` (`true` is final, and the caller then sees
/// everything it wrote). False for NULL. Never blocks. Thread safety: safe from any thread.
///
/// # Safety
/// `once` is NULL or points to a `weft_once` initialized with `WEFT_ONCE_INIT`, accessed only
/// through weft, valid during the call.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn weft_once_done(once: *const weft_once) -> bool {
    ffi_value!(false, {
        if once.is_null() {
            return false;
        }
        // SAFETY: as in `weft_once_call`.
        unsafe { &*once.cast::<Once>() }.is_done()
    })
}
