//! Condition, Event, Semaphore and Barrier: the core API and the C layer, every status path.
//!
//! Threads are ordered with the primitives themselves (a condition over the same lock, events,
//! barriers), never with sleeps. Timeouts are only asserted to have expired, never to be quick.

mod barrier;
mod condition;
mod event;
mod ffi;
mod semaphore;

use std::time::{Duration, Instant};

use weft::capi::weft_status;

/// A C handle shared with other test threads (the C API is thread-safe).
#[derive(Clone, Copy)]
pub struct Shared<T>(pub *mut T);

// SAFETY: every weft handle may be used from any thread.
unsafe impl<T> Send for Shared<T> {}
// SAFETY: as above.
unsafe impl<T> Sync for Shared<T> {}

/// A short timeout that tests wait out.
pub const SHORT: f64 = 0.05;

/// Runs `f` and asserts it took at least `secs` (a timeout that expired, not early).
pub fn expires<R>(secs: f64, f: impl FnOnce() -> R) -> R {
    let start = Instant::now();
    let result = f();
    assert!(
        start.elapsed() >= Duration::from_secs_f64(secs),
        "returned after {:?}, before its {secs} s timeout",
        start.elapsed()
    );
    result
}

/// Asserts the message of `status` is CPython's `message`.
pub fn says(status: weft_status, message: &str) {
    // SAFETY: weft_status_str accepts any status and returns a static NUL-terminated string.
    let got = unsafe { std::ffi::CStr::from_ptr(weft::capi::weft_status_str(status as i32)) };
    assert_eq!(got.to_str().unwrap(), message, "{status:?}");
}

/// Spins (yielding) until `cond` holds: for states only observable by polling, like a barrier's
/// `n_waiting`. Never a sleep: the outcome does not depend on timing.
pub fn until(mut cond: impl FnMut() -> bool) {
    while !cond() {
        std::thread::yield_now();
    }
}
