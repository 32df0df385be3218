//! macOS: the kernel's `__ulock` wait on a 32-bit word (what `std` and libc++ use for their
//! futex-like waits), `pthread_threadid_np`, `pthread_main_np`. Checked to build, not tested.

use std::ffi::{c_int, c_void};
use std::sync::atomic::AtomicU32;
use std::time::Duration;

/// Compare the 32-bit word at `addr` with `value` and sleep while equal.
const UL_COMPARE_AND_WAIT: u32 = 1;
/// Return an error number instead of setting `errno`.
const ULF_NO_ERRNO: u32 = 0x0100_0000;
/// `__ulock_wake`: wake every waiter, not one (xnu's `ULF_WAKE_ALL`).
const ULF_WAKE_ALL: u32 = 0x0000_0100;

unsafe extern "C" {
    // Darwin's system calls behind `os_sync_wait_on_address`, present since macOS 10.12.
    fn __ulock_wait(operation: u32, addr: *mut c_void, value: u64, timeout_us: u32) -> c_int;
    fn __ulock_wake(operation: u32, addr: *mut c_void, wake_value: u64) -> c_int;
}

/// The kernel's id for the calling thread (Python's `get_native_id()`).
pub(crate) fn native_id() -> u64 {
    let mut id = 0u64;
    // SAFETY: a zero `pthread_t` means the calling thread; `id` is a valid place to write.
    unsafe { libc::pthread_threadid_np(0, &mut id) };
    id
}

/// Whether the calling thread is the process's initial thread.
pub(crate) fn is_process_main_thread() -> bool {
    // SAFETY: pthread_main_np has no preconditions.
    unsafe { libc::pthread_main_np() != 0 }
}

/// Names the thread `thread` (see `OsThread::set_name`). macOS lets a thread name only itself:
/// another thread's name is left as it is.
pub(super) fn set_thread_name(thread: libc::pthread_t, name: &[u8; 16]) {
    // SAFETY: pthread_self and pthread_equal have no preconditions; `name` is NUL-terminated.
    unsafe {
        if libc::pthread_equal(thread, libc::pthread_self()) != 0 {
            libc::pthread_setname_np(name.as_ptr().cast());
        }
    }
}

/// Sleeps while `word` holds `expected`, at most `timeout` (`None`: no limit; a timeout above
/// about 71 minutes sleeps that long). Returns early on a [`futex_wake`], a signal, or
/// spuriously: callers re-check `word`.
pub(crate) fn futex_wait(word: &AtomicU32, expected: u32, timeout: Option<Duration>) {
    // 0 waits without limit; a timeout rounds up to a whole microsecond, at least 1.
    let timeout_us = timeout.map_or(0, |t| {
        u32::try_from(t.as_micros().max(1)).unwrap_or(u32::MAX)
    });
    // SAFETY: `word` is a live, aligned 32-bit atomic for the whole call, which the kernel only
    // reads. Every outcome leaves the caller to re-check.
    unsafe {
        __ulock_wait(
            UL_COMPARE_AND_WAIT | ULF_NO_ERRNO,
            word.as_ptr().cast(),
            u64::from(expected),
            timeout_us,
        );
    }
}

/// Wakes one thread sleeping in [`futex_wait`] on `word`.
pub(crate) fn futex_wake(word: &AtomicU32) {
    wake(word, 0);
}

/// Wakes every thread sleeping in [`futex_wait`] on `word`. Async-signal-safe (one system call).
pub(crate) fn futex_wake_all(word: &AtomicU32) {
    wake(word, ULF_WAKE_ALL);
}

fn wake(word: &AtomicU32, flags: u32) {
    // SAFETY: `word` is a live, aligned 32-bit atomic; the kernel uses its address as a key.
    unsafe {
        __ulock_wake(
            UL_COMPARE_AND_WAIT | ULF_NO_ERRNO | flags,
            word.as_ptr().cast(),
            0,
        );
    }
}
