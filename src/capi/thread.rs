//! `weft_thread` and the module-level thread functions of Python's `threading` in C.

use std::ffi::{c_char, c_void};
use std::ptr;

use super::args::{OwnedArg, SendPtr, c_str, call_with, weft_free_fn};
use super::cancel::gave_up;
use super::handle::{self, Handle, Tag};
use super::weft_status::{self, WEFT_STATUS_NULL_ARGUMENT, WEFT_STATUS_TIMEOUT};
use crate::thread::{self, Thread};
use crate::{Error, Timeout};

/// A thread (Python: `threading.Thread`). Configure it (name, daemon flag, stack size), start it
/// once, join it any number of times from any number of threads. Reference counted: the thread
/// runs to completion whether or not handles to it remain.
///
/// In a child made by `fork()`, every thread handle works, also one other threads were renaming
/// or joining at the fork: the parent's other threads are finished there (not alive, joined at
/// once, not enumerated), as CPython's `threading._after_fork` marks them stopped.
pub struct weft_thread {
    _opaque: [u8; 0],
}

impl Handle for weft_thread {
    type Inner = Thread;
    const TAG: Tag = Tag::Thread;
}

/// A thread's body: receives the `arg` given to `weft_thread_new` and returns a value that
/// `weft_thread_result` reads after the thread has finished. It may end its thread early with
/// `pthread_exit()` (the thread then counts as finished, with no result to read); no C++
/// exception and no `longjmp` may leave it.
pub type weft_thread_fn = Option<unsafe extern "C-unwind" fn(arg: *mut c_void) -> *mut c_void>;

/// Creates a thread that will call `target(arg)` once started. Python:
/// `threading.Thread(target=target, args=(arg,))`.
///
/// The thread is named `Thread-N` (`weft_thread_new_named` names it from the start) and is a
/// daemon if the calling thread is one. `arg_free`, if not NULL, is called on `arg` once: after
/// `target` returns, in the new thread, or, if the thread is never started, when its last handle
/// is freed. `arg` is used from another thread: the caller must make that safe, as with
/// `pthread_create`.
///
/// Ownership: on success `*thread_out` is a new handle the caller releases with
/// `weft_thread_free` (freeing it does not stop or detach anything; the thread runs on).
/// On failure `arg_free` is not called. Statuses: `WEFT_STATUS_OK`; `WEFT_STATUS_NULL_ARGUMENT`
/// if `target` or `thread_out` is NULL. Thread safety: safe from any thread.
///
/// # Safety
/// `thread_out` is NULL or valid for writes; `target` and `arg_free` are each NULL or a function
/// that may run in any thread and does not unwind (`target` may end its thread with
/// `pthread_exit`); `arg` may be used from any thread.
#[must_use]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn weft_thread_new(
    target: weft_thread_fn,
    arg: *mut c_void,
    arg_free: weft_free_fn,
    thread_out: *mut *mut weft_thread,
) -> weft_status {
    // SAFETY: the caller meets this function's contract, which covers that one (a NULL name).
    unsafe { weft_thread_new_named(target, arg, arg_free, ptr::null(), thread_out) }
}

/// Creates a thread named `name` that will call `target(arg)` once started. Python:
/// `threading.Thread(name=name, target=target, args=(arg,))`.
///
/// As `weft_thread_new`, but named from the start: a NULL `name` gives the default `Thread-N`,
/// and a thread given a name takes no number from that sequence (as in Python, so the next
/// unnamed thread is still `Thread-1` if it is the first). `name` is copied.
///
/// Ownership: as `weft_thread_new`. Statuses: `WEFT_STATUS_OK`; `WEFT_STATUS_INVALID_UTF8`;
/// `WEFT_STATUS_NULL_ARGUMENT` if `target` or `thread_out` is NULL. On failure `arg_free` is not
/// called. Thread safety: safe from any thread.
///
/// # Safety
/// `name` is NULL or a NUL-terminated string; `thread_out` is NULL or valid for writes; `target`
/// and `arg_free` are each NULL or a function that may run in any thread and does not unwind
/// (`target` may end its thread with `pthread_exit`); `arg` may be used from any thread.
#[must_use]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn weft_thread_new_named(
    target: weft_thread_fn,
    arg: *mut c_void,
    arg_free: weft_free_fn,
    name: *const c_char,
    thread_out: *mut *mut weft_thread,
) -> weft_status {
    ffi_status!({
        let target = target.ok_or(WEFT_STATUS_NULL_ARGUMENT)?;
        let out = handle::out_ptr(thread_out)?;
        let name = if name.is_null() {
            None
        } else {
            // SAFETY: a NUL-terminated string (this function's contract).
            Some(unsafe { c_str(name) }?)
        };
        let body = call_with(target, OwnedArg::new(arg, arg_free));
        let thread = Thread::foreign(name, body);
        // SAFETY: checked non-NULL above.
        unsafe { handle::write(out, handle::new::<weft_thread>(thread)) };
        Ok(())
    })
}

/// Returns another reference to `thread` (the same pointer); NULL for a NULL or wrong handle.
/// Thread safety: safe from any thread.
///
/// # Safety
/// `thread` is NULL or a handle from weft the caller holds a reference to during the call.
#[must_use]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn weft_thread_clone(thread: *mut weft_thread) -> *mut weft_thread {
    ffi_value!(ptr::null_mut(), {
        // SAFETY: `thread` is NULL or a handle from weft; the caller holds it.
        unsafe { handle::clone(thread) }
    })
}

/// Releases one reference to `thread`. The thread itself is unaffected: it runs to completion
/// (and a non-daemon thread is still waited for at exit). NULL is ignored.
/// Thread safety: safe from any thread.
///
/// # Safety
/// `thread` is NULL or a handle from weft whose reference the caller gives up: it does not use that
/// reference again.
/// What a use after the last reference is freed does: see `WEFT_STATUS_WRONG_HANDLE`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn weft_thread_free(thread: *mut weft_thread) {
    ffi_value!((), {
        // SAFETY: `thread` is NULL or a handle from weft; the caller gives up this reference.
        unsafe { handle::free(thread) }
    })
}

/// Starts the thread. Python: `thread.start()`.
///
/// Never blocks for long. Statuses: `WEFT_STATUS_OK`; `WEFT_STATUS_ALREADY_STARTED` ("threads
/// can only be started once"); `WEFT_STATUS_CANT_START_THREAD` if the OS refuses (out of
/// resources; the thread may be started again later); `WEFT_STATUS_NULL_ARGUMENT`,
/// `WEFT_STATUS_WRONG_HANDLE`. Thread safety: safe from any thread.
///
/// At exit: a non-daemon thread started once weft's exit-time wait is over (from an atexit
/// handler registered before weft's, which runs after it) is waited for too, as soon as that
/// handler returns (weft registers its wait again; glibc runs a handler registered during exit
/// right after the running one). Unlike CPython, which refuses new threads at interpreter
/// shutdown, nothing is refused: a handler may start and join threads as at any other time.
///
/// # Safety
/// `thread` is NULL or a handle from weft the caller holds a reference to during the call.
#[must_use]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn weft_thread_start(thread: *mut weft_thread) -> weft_status {
    ffi_status!({
        // SAFETY: `thread` is NULL or a handle the caller holds (this function's contract).
        Ok(unsafe { handle::borrow(thread) }?.start()?)
    })
}

/// Waits until the thread finishes. Python: `thread.join(timeout=None)`.
///
/// Blocking: at most `timeout` seconds (`WEFT_TIMEOUT_FOREVER`: no limit; see the timeout rule
/// at `WEFT_TIMEOUT_FOREVER`). Any number of threads may join the same thread, any number of
/// times. Statuses: `WEFT_STATUS_OK` (finished); `WEFT_STATUS_TIMEOUT` (still running: Python's
/// `is_alive()` is then true); `WEFT_STATUS_NOT_STARTED` ("cannot join thread before it is
/// started"); `WEFT_STATUS_JOIN_CURRENT` ("cannot join current thread");
/// `WEFT_STATUS_WRONG_STATE` for a thread weft did not start (a `Dummy-N`); the timeout
/// statuses; `WEFT_STATUS_NULL_ARGUMENT`, `WEFT_STATUS_WRONG_HANDLE`.
/// Thread safety: safe from any thread.
///
/// The main thread (`weft_main_thread`) finishes when the process exits from it (`main` returns
/// or main calls `exit()`): as CPython's interpreter exit does, weft marks it finished before it
/// waits for the non-daemon threads, so a join of the main thread then returns `WEFT_STATUS_OK`
/// and does not keep the process from exiting. (`weft_shutdown` does not: main runs on after it.)
/// From the main thread itself, atexit handlers included, it stays `WEFT_STATUS_JOIN_CURRENT`.
///
/// # Safety
/// `thread` is NULL or a handle from weft the caller holds a reference to during the call.
#[must_use]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn weft_thread_join(thread: *mut weft_thread, timeout: f64) -> weft_status {
    ffi_status!({
        // SAFETY: `thread` is NULL or a handle the caller holds (this function's contract).
        let thread = unsafe { handle::borrow(thread) }?;
        let timeout = Timeout::from_secs_f64(timeout)?;
        if thread.join(timeout)? {
            Ok(())
        } else {
            Err(gave_up(timeout, WEFT_STATUS_TIMEOUT))
        }
    })
}

/// Whether two handles refer to the same thread. Python: `a is b` for thread objects.
///
/// Handles from `weft_current_thread`, `weft_main_thread` and `weft_enumerate` are new pointers
/// each time, so compare threads with this rather than with `==`. False if either handle is
/// NULL or not a thread. Thread safety: safe from any thread.
///
/// # Safety
/// `a` and `b` are each NULL or a handle from weft the caller holds a reference to during the call.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn weft_thread_is(a: *const weft_thread, b: *const weft_thread) -> bool {
    ffi_value!(false, {
        // SAFETY: `a` and `b` are each NULL or a handle the caller holds (this function's contract).
        matches!((unsafe { handle::borrow(a) }, unsafe { handle::borrow(b) }), (Ok(a), Ok(b)) if a.ptr_eq(b))
    })
}

/// Whether the thread has started and not finished. Python: `thread.is_alive()`.
/// False for a NULL or wrong handle. Thread safety: safe from any thread.
///
/// # Safety
/// `thread` is NULL or a handle from weft the caller holds a reference to during the call.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn weft_thread_is_alive(thread: *const weft_thread) -> bool {
    ffi_value!(false, {
        // SAFETY: `thread` is NULL or a handle the caller holds (this function's contract).
        unsafe { handle::borrow(thread) }.is_ok_and(Thread::is_alive)
    })
}

/// Copies the thread's name into `buf`. Python: `thread.name`.
///
/// Writes at most `size - 1` bytes (cut at a UTF-8 character boundary) and a NUL; with `size` 0,
/// `buf` may be NULL and nothing is written. `*len_out`, if `len_out` is not NULL, receives the
/// name's full length in bytes, so a caller can tell the copy was cut (`*len_out >= size`), as
/// with `snprintf`. Never blocks. Statuses: `WEFT_STATUS_OK`; `WEFT_STATUS_NULL_ARGUMENT` if
/// `buf` is NULL while `size > 0`; `WEFT_STATUS_WRONG_HANDLE`.
/// Thread safety: safe from any thread; the name may change concurrently.
///
/// # Safety
/// `thread` is NULL or a handle from weft the caller holds a reference to during the call; `buf` is
/// NULL or valid for writing `size` bytes; `len_out` is NULL or valid for writes.
#[must_use]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn weft_thread_get_name(
    thread: *const weft_thread,
    buf: *mut c_char,
    size: usize,
    len_out: *mut usize,
) -> weft_status {
    ffi_status!({
        // SAFETY: `thread` is NULL or a handle the caller holds (this function's contract).
        let thread = unsafe { handle::borrow(thread) }?;
        if size > 0 && buf.is_null() {
            return Err(WEFT_STATUS_NULL_ARGUMENT);
        }
        let name = thread.name();
        if size > 0 {
            let mut n = name.len().min(size - 1);
            while !name.is_char_boundary(n) {
                n -= 1;
            }
            // SAFETY: `buf` is non-NULL and, per the contract, valid for `size` bytes; we write
            // `n + 1 <= size` bytes, from a source that does not overlap it.
            unsafe {
                ptr::copy_nonoverlapping(name.as_ptr(), buf.cast::<u8>(), n);
                buf.add(n).write(0);
            }
        }
        if !len_out.is_null() {
            // SAFETY: non-NULL; the caller provides a writable `size_t`.
            unsafe { handle::write(len_out, name.len()) };
        }
        Ok(())
    })
}

/// Renames the thread, at any time. Python: `thread.name = name`.
///
/// A running thread's OS-visible name (`top -H`, `gdb`) follows, cut to 15 bytes at a character
/// boundary. `name` is copied. Statuses: `WEFT_STATUS_OK`; `WEFT_STATUS_INVALID_UTF8`;
/// `WEFT_STATUS_NULL_ARGUMENT`, `WEFT_STATUS_WRONG_HANDLE`. Thread safety: safe from any thread.
///
/// # Safety
/// `thread` is NULL or a handle from weft the caller holds a reference to during the call; `name`
/// is NULL or a NUL-terminated string.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn weft_thread_set_name(
    thread: *mut weft_thread,
    name: *const c_char,
) -> weft_status {
    ffi_status!({
        // SAFETY: `thread` is NULL or a handle the caller holds (this function's contract).
        let thread = unsafe { handle::borrow(thread) }?;
        // SAFETY: `name` is NULL or a NUL-terminated string (this function's contract).
        thread.set_name(unsafe { c_str(name) }?);
        Ok(())
    })
}

/// Whether the thread is a daemon. Python: `thread.daemon`.
/// False for a NULL or wrong handle. Thread safety: safe from any thread.
///
/// # Safety
/// `thread` is NULL or a handle from weft the caller holds a reference to during the call.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn weft_thread_is_daemon(thread: *const weft_thread) -> bool {
    ffi_value!(false, {
        // SAFETY: `thread` is NULL or a handle the caller holds (this function's contract).
        unsafe { handle::borrow(thread) }.is_ok_and(Thread::is_daemon)
    })
}

/// Sets the daemon flag, before `weft_thread_start` only. Python: `thread.daemon = daemon`.
///
/// A daemon thread does not keep the process alive: at exit, weft waits for every non-daemon
/// thread and abandons daemon threads. Statuses: `WEFT_STATUS_OK`;
/// `WEFT_STATUS_DAEMON_AFTER_START` ("cannot set daemon status of active thread");
/// `WEFT_STATUS_NULL_ARGUMENT`, `WEFT_STATUS_WRONG_HANDLE`. Thread safety: safe from any thread.
///
/// # Safety
/// `thread` is NULL or a handle from weft the caller holds a reference to during the call.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn weft_thread_set_daemon(
    thread: *mut weft_thread,
    daemon: bool,
) -> weft_status {
    ffi_status!({
        // SAFETY: `thread` is NULL or a handle the caller holds (this function's contract).
        Ok(unsafe { handle::borrow(thread) }?.set_daemon(daemon)?)
    })
}

/// Sets this thread's stack size in bytes, before `weft_thread_start` only; 0 uses the
/// process-wide setting (`weft_stack_size`). Python has only the process-wide setting.
///
/// Statuses: `WEFT_STATUS_OK`; `WEFT_STATUS_STACK_SIZE` if neither 0 nor at least 32768;
/// `WEFT_STATUS_WRONG_STATE` after start; `WEFT_STATUS_NULL_ARGUMENT`,
/// `WEFT_STATUS_WRONG_HANDLE`. Thread safety: safe from any thread.
///
/// # Safety
/// `thread` is NULL or a handle from weft the caller holds a reference to during the call.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn weft_thread_set_stack_size(
    thread: *mut weft_thread,
    size: usize,
) -> weft_status {
    ffi_status!({
        // SAFETY: `thread` is NULL or a handle the caller holds (this function's contract).
        Ok(unsafe { handle::borrow(thread) }?.set_stack_size(size)?)
    })
}

/// The thread's identifier (its `pthread_t` as an integer), 0 before start. Python:
/// `thread.ident`. Identifiers may be reused after a thread exits.
/// Thread safety: safe from any thread.
///
/// # Safety
/// `thread` is NULL or a handle from weft the caller holds a reference to during the call.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn weft_thread_ident(thread: *const weft_thread) -> u64 {
    ffi_value!(0, {
        // SAFETY: `thread` is NULL or a handle the caller holds (this function's contract).
        unsafe { handle::borrow(thread) }
            .ok()
            .and_then(Thread::ident)
            .unwrap_or(0)
    })
}

/// The kernel's id for the thread (`gettid()`), 0 before start. Python: `thread.native_id`.
/// Right after start this may wait briefly for the new thread to report it.
/// Thread safety: safe from any thread.
///
/// # Safety
/// `thread` is NULL or a handle from weft the caller holds a reference to during the call.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn weft_thread_native_id(thread: *const weft_thread) -> u64 {
    ffi_value!(0, {
        // SAFETY: `thread` is NULL or a handle the caller holds (this function's contract).
        unsafe { handle::borrow(thread) }
            .ok()
            .and_then(Thread::native_id)
            .unwrap_or(0)
    })
}

/// Reads the value the thread's function returned, once it has finished (C's counterpart of
/// `pthread_join`'s `retval`; Python threads have none).
///
/// Never blocks: join first. The value is not owned by weft; it is returned as often as asked.
/// Statuses: `WEFT_STATUS_OK`; `WEFT_STATUS_WRONG_STATE` if the thread has not finished, or is
/// not one weft started with a function; `WEFT_STATUS_NULL_ARGUMENT`,
/// `WEFT_STATUS_WRONG_HANDLE`. Thread safety: safe from any thread.
///
/// # Safety
/// `thread` is NULL or a handle from weft the caller holds a reference to during the call;
/// `result_out` is NULL or valid for writes.
#[must_use]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn weft_thread_result(
    thread: *const weft_thread,
    result_out: *mut *mut c_void,
) -> weft_status {
    ffi_status!({
        // SAFETY: `thread` is NULL or a handle the caller holds (this function's contract).
        let thread = unsafe { handle::borrow(thread) }?;
        let out = handle::out_ptr(result_out)?;
        let result = thread.result::<SendPtr>()?.ok_or(Error::WrongState)?;
        // SAFETY: checked non-NULL above.
        unsafe { handle::write(out, result.0) };
        Ok(())
    })
}

/// The calling thread's object. Python: `threading.current_thread()`.
///
/// For a thread weft did not start, a stand-in is made on first use: `MainThread` for the
/// process's initial thread, a daemon `Dummy-N` for any other (alive until that thread exits).
/// The initial thread is `MainThread` for the whole life of the process, in atexit handlers and
/// thread-local destructors at exit included. Ownership: returns a new reference the caller releases with `weft_thread_free`; NULL only on
/// an internal error. Thread safety: safe from any thread.
///
/// # Safety
/// No requirement: it takes no arguments.
#[must_use]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn weft_current_thread() -> *mut weft_thread {
    ffi_value!(ptr::null_mut(), {
        handle::new::<weft_thread>(thread::current())
    })
}

/// The process's initial thread, `MainThread`. Python: `threading.main_thread()`.
///
/// In a child made by `fork()` from another thread, the main thread is the thread that forked,
/// as CPython's `threading._after_fork` makes it: its own handle if weft started it, else a new
/// `MainThread` (not a daemon; a `Dummy-N` stand-in it had before the fork is not alive there);
/// the parent's `MainThread` is not alive in the child, and joins at once.
///
/// Ownership: a new reference the caller releases with `weft_thread_free`; NULL only on an
/// internal error. Thread safety: safe from any thread.
///
/// # Safety
/// No requirement: it takes no arguments.
#[must_use]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn weft_main_thread() -> *mut weft_thread {
    ffi_value!(ptr::null_mut(), {
        handle::new::<weft_thread>(thread::main_thread())
    })
}

/// Lists the threads alive now: `MainThread` first, then started threads and stand-ins in start
/// order. Python: `threading.enumerate()`.
///
/// Ownership: on success `*threads_out` is an array of `*count_out` new references, released
/// together with `weft_thread_array_free(*threads_out, *count_out)`. Statuses: `WEFT_STATUS_OK`;
/// `WEFT_STATUS_NULL_ARGUMENT`. Thread safety: safe from any thread.
///
/// # Safety
/// `threads_out` and `count_out` are each NULL or valid for writes.
#[must_use]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn weft_enumerate(
    threads_out: *mut *mut *mut weft_thread,
    count_out: *mut usize,
) -> weft_status {
    ffi_status!({
        let out = handle::out_ptr(threads_out)?;
        let count = handle::out_ptr(count_out)?;
        let handles: Box<[*mut weft_thread]> = thread::enumerate()
            .into_iter()
            .map(handle::new::<weft_thread>)
            .collect();
        let len = handles.len();
        // SAFETY: both checked non-NULL above. The array is leaked to C and rebuilt with the
        // same length by `weft_thread_array_free`.
        unsafe {
            handle::write(count, len);
            handle::write(out, Box::into_raw(handles).cast::<*mut weft_thread>());
        }
        Ok(())
    })
}

/// Frees an array from `weft_enumerate`: each of its `count` handles, then the array. NULL is
/// ignored. Thread safety: safe from any thread.
///
/// # Safety
/// `threads` is NULL, or `threads` and `count` are what one call to `weft_enumerate` wrote, not
/// freed before; the caller gives up those references and does not use the array again.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn weft_thread_array_free(threads: *mut *mut weft_thread, count: usize) {
    ffi_value!((), {
        if threads.is_null() {
            return;
        }
        // SAFETY: per the contract, `threads` and `count` are exactly what `weft_enumerate`
        // returned: a boxed slice of `count` handles, each holding one reference.
        let handles = unsafe { Box::from_raw(ptr::slice_from_raw_parts_mut(threads, count)) };
        for &t in handles.iter() {
            // SAFETY: each element is a handle whose reference the array owned.
            unsafe { handle::free(t) };
        }
    })
}

/// How many threads are alive now, `MainThread` and stand-ins included.
/// Python: `threading.active_count()`. Thread safety: safe from any thread.
///
/// # Safety
/// No requirement: it takes no arguments.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn weft_active_count() -> usize {
    ffi_value!(0, { thread::active_count() })
}

/// The calling thread's identifier (`pthread_self()` as an integer), without making a stand-in
/// object. Python: `threading.get_ident()`. Thread safety: safe from any thread.
///
/// # Safety
/// No requirement: it takes no arguments.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn weft_get_ident() -> u64 {
    ffi_value!(0, { thread::get_ident() })
}

/// The kernel's id for the calling thread. Python: `threading.get_native_id()`.
/// Thread safety: safe from any thread.
///
/// # Safety
/// No requirement: it takes no arguments.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn weft_get_native_id() -> u64 {
    ffi_value!(0, { thread::get_native_id() })
}

/// Sets the stack size, in bytes, for threads started from now on (0: the system's default for
/// new threads, which glibc takes from `ulimit -s`). Python: `threading.stack_size(size)`.
///
/// `*previous_out`, if `previous_out` is not NULL, receives the previous setting. Statuses:
/// `WEFT_STATUS_OK`; `WEFT_STATUS_STACK_SIZE` if neither 0 nor at least 32768. A size the
/// platform would refuse is adjusted when a thread starts: raised to its minimum
/// (`PTHREAD_STACK_MIN`, 128 KiB on 64-bit ARM Linux) and rounded up to whole pages where the
/// system requires it (macOS). Thread safety: safe from any thread.
///
/// # Safety
/// `previous_out` is NULL or valid for writes.
#[must_use]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn weft_stack_size(size: usize, previous_out: *mut usize) -> weft_status {
    ffi_status!({
        let previous = thread::stack_size(Some(size))?;
        if !previous_out.is_null() {
            // SAFETY: non-NULL; the caller provides a writable `size_t`.
            unsafe { handle::write(previous_out, previous) };
        }
        Ok(())
    })
}

/// The stack size for threads started from now on (0: the default). Python:
/// `threading.stack_size()`. Thread safety: safe from any thread.
///
/// # Safety
/// No requirement: it takes no arguments.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn weft_stack_size_get() -> usize {
    ffi_value!(0, { thread::stack_size(None).unwrap_or(0) })
}

/// Waits for every running non-daemon thread other than the caller, as the process does by
/// itself when it exits (`main` returns or `exit()` is called).
///
/// Unlike the exit, it does not mark the main thread finished (CPython does so only at
/// interpreter exit; main runs on after this call): called from main, it waits for a thread that
/// is joining the main thread until `timeout`.
///
/// Blocking: at most `timeout` seconds (see the timeout rule at `WEFT_TIMEOUT_FOREVER`).
/// `*remaining_out`, if not NULL, receives how many non-daemon threads are still running (0 on
/// `WEFT_STATUS_OK`). Statuses: `WEFT_STATUS_OK`; `WEFT_STATUS_TIMEOUT`; the timeout statuses.
/// Thread safety: safe from any thread.
///
/// # Safety
/// `remaining_out` is NULL or valid for writes.
#[must_use]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn weft_shutdown(timeout: f64, remaining_out: *mut usize) -> weft_status {
    ffi_status!({
        let timeout = Timeout::from_secs_f64(timeout)?;
        let remaining = thread::shutdown(timeout);
        if !remaining_out.is_null() {
            // SAFETY: non-NULL; the caller provides a writable `size_t`.
            unsafe { handle::write(remaining_out, remaining) };
        }
        if remaining == 0 {
            Ok(())
        } else {
            Err(gave_up(timeout, WEFT_STATUS_TIMEOUT))
        }
    })
}

/// Whether the process's normal exit (`main` returns, `exit()`) shuts the pools down and waits
/// for the non-daemon threads, as it does by default (`true`), or abandons them as it abandons
/// daemon threads (`false`): the rest of the exit goes on as usual (other `atexit` handlers run,
/// stdio is flushed). Python has no such switch: its interpreter exit always waits.
///
/// For a host language whose code weft threads run and which stops running it before C's exit:
/// the JVM after its shutdown hooks, Ruby after its `at_exit` handlers. A thread calling into
/// the stopped host never returns, so the exit-time wait would hang the process. Such a host
/// does the wait itself while it still runs threads' code (`weft_pool_shutdown`,
/// `weft_shutdown`), then calls `weft_set_exit_wait(false)`; from then on nothing at exit waits
/// for a thread. A process that ends through `_exit()`, `abort()` or a signal never waits.
///
/// Never blocks. Thread safety: safe from any thread (the value the exiting thread sees counts:
/// set it before the exit, from that thread or one it synchronised with), and from a signal
/// handler (one atomic store).
///
/// # Safety
/// No requirement.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn weft_set_exit_wait(wait: bool) {
    ffi_value!((), { thread::set_exit_wait(wait) })
}
