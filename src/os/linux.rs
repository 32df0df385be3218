//! Linux: futexes, `gettid`, `pthread_setname_np`.

use std::ptr;
use std::sync::atomic::AtomicU32;
use std::time::Duration;

/// The kernel's id for the calling thread (Python's `get_native_id()`).
pub(crate) fn native_id() -> u64 {
    // SAFETY: gettid has no preconditions and cannot fail.
    unsafe { libc::gettid() as u64 }
}

/// Whether the calling thread is the process's initial thread: its kernel id is the process's.
pub(crate) fn is_process_main_thread() -> bool {
    // SAFETY: getpid has no preconditions and cannot fail.
    native_id() == u64::from(unsafe { libc::getpid() }.unsigned_abs())
}

/// Names the thread `thread` (see `OsThread::set_name`).
pub(super) fn set_thread_name(thread: libc::pthread_t, name: &[u8; 16]) {
    // SAFETY: `name` is NUL-terminated and 16 bytes long at most, as pthread_setname_np
    // requires; the caller guarantees the thread is alive. The result is ignored: a name the OS
    // refuses only affects diagnostics.
    unsafe {
        libc::pthread_setname_np(thread, name.as_ptr().cast());
    }
}

/// Sleeps while `word` holds `expected`, at most `timeout` (`None`: no limit). Returns early on
/// a [`futex_wake`], a signal, or spuriously: callers re-check `word`.
pub(crate) fn futex_wait(word: &AtomicU32, expected: u32, timeout: Option<Duration>) {
    let timespec = timeout.map(|t| libc::timespec {
        // Saturates far beyond any deadline a `Timeout` makes (see `timeout.rs`).
        tv_sec: libc::time_t::try_from(t.as_secs()).unwrap_or(libc::time_t::MAX),
        tv_nsec: t.subsec_nanos() as libc::c_long, // below 10^9: fits any `long`
    });
    let timespec_ptr = timespec
        .as_ref()
        .map_or(ptr::null(), |t| t as *const libc::timespec);
    // SAFETY: `word` is a live, aligned 32-bit atomic for the whole call, and the kernel only
    // reads it (atomically); `timespec_ptr` is null or points to `timespec`, alive until the
    // call returns. A relative FUTEX_WAIT measures the timeout on CLOCK_MONOTONIC, the clock
    // `Instant` uses. Every outcome (woken, EAGAIN: the value changed, ETIMEDOUT, EINTR) leaves
    // the caller to re-check, so the result is not needed.
    unsafe {
        libc::syscall(
            libc::SYS_futex,
            word.as_ptr(),
            libc::FUTEX_WAIT | libc::FUTEX_PRIVATE_FLAG,
            expected,
            timespec_ptr,
        );
    }
}

/// Wakes one thread sleeping in [`futex_wait`] on `word`.
pub(crate) fn futex_wake(word: &AtomicU32) {
    wake(word, 1);
}

/// Wakes every thread sleeping in [`futex_wait`] on `word`. Async-signal-safe (one system call).
pub(crate) fn futex_wake_all(word: &AtomicU32) {
    wake(word, libc::c_int::MAX);
}

fn wake(word: &AtomicU32, count: libc::c_int) {
    // SAFETY: `word` is a live, aligned 32-bit atomic; FUTEX_WAKE only uses its address as a key
    // and never touches memory.
    unsafe {
        libc::syscall(
            libc::SYS_futex,
            word.as_ptr(),
            libc::FUTEX_WAKE | libc::FUTEX_PRIVATE_FLAG,
            count,
        );
    }
}
