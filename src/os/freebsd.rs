//! FreeBSD: `_umtx_op` waits on a 32-bit word, `pthread_getthreadid_np`, `pthread_main_np`.
//! Checked to build, not tested.

use std::ffi::c_void;
use std::ptr;
use std::sync::atomic::AtomicU32;
use std::time::Duration;

/// The kernel's id for the calling thread (Python's `get_native_id()`).
pub(crate) fn native_id() -> u64 {
    // SAFETY: pthread_getthreadid_np has no preconditions and cannot fail.
    u64::from(unsafe { libc::pthread_getthreadid_np() }.unsigned_abs())
}

/// Whether the calling thread is the process's initial thread.
pub(crate) fn is_process_main_thread() -> bool {
    // SAFETY: pthread_main_np has no preconditions.
    unsafe { libc::pthread_main_np() == 1 }
}

/// Names the thread `thread` (see `OsThread::set_name`).
pub(super) fn set_thread_name(thread: libc::pthread_t, name: &[u8; 16]) {
    // SAFETY: `name` is NUL-terminated; the caller guarantees the thread is alive.
    unsafe { libc::pthread_set_name_np(thread, name.as_ptr().cast()) };
}

/// Sleeps while `word` holds `expected`, at most `timeout` (`None`: no limit). Returns early on
/// a [`futex_wake`], a signal, or spuriously: callers re-check `word`.
pub(crate) fn futex_wait(word: &AtomicU32, expected: u32, timeout: Option<Duration>) {
    // A relative timeout on the monotonic clock, the clock `Instant` uses.
    let umtx_time = timeout.map(|t| libc::_umtx_time {
        _timeout: libc::timespec {
            tv_sec: libc::time_t::try_from(t.as_secs()).unwrap_or(libc::time_t::MAX),
            tv_nsec: t.subsec_nanos() as libc::c_long,
        },
        _flags: 0,
        _clockid: libc::CLOCK_MONOTONIC as u32,
    });
    let (size, time) = umtx_time.as_ref().map_or((0, ptr::null()), |t| {
        (size_of::<libc::_umtx_time>(), t as *const libc::_umtx_time)
    });
    // SAFETY: `word` is a live, aligned 32-bit atomic for the whole call, which the kernel only
    // reads; with a timeout, `uaddr` carries the size of the `_umtx_time` that `uaddr2` points
    // to, alive until the call returns (the protocol of UMTX_OP_WAIT_UINT_PRIVATE). Every outcome
    // leaves the caller to re-check.
    unsafe {
        libc::_umtx_op(
            word.as_ptr().cast(),
            libc::UMTX_OP_WAIT_UINT_PRIVATE,
            libc::c_ulong::from(expected),
            ptr::without_provenance_mut(size),
            time.cast_mut().cast::<c_void>(),
        );
    }
}

/// Wakes one thread sleeping in [`futex_wait`] on `word`.
pub(crate) fn futex_wake(word: &AtomicU32) {
    wake(word, 1);
}

/// Wakes every thread sleeping in [`futex_wait`] on `word`. Async-signal-safe (one system call).
pub(crate) fn futex_wake_all(word: &AtomicU32) {
    wake(word, libc::c_ulong::from(u32::MAX >> 1));
}

fn wake(word: &AtomicU32, count: libc::c_ulong) {
    // SAFETY: `word` is a live, aligned 32-bit atomic; the kernel uses its address as a key.
    unsafe {
        libc::_umtx_op(
            word.as_ptr().cast(),
            libc::UMTX_OP_WAKE_PRIVATE,
            count,
            ptr::null_mut(),
            ptr::null_mut(),
        );
    }
}
