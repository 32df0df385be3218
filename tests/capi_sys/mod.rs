//! The C API as Rust sees it through the exported symbols, for the tests and the fuzz target
//! that call weft the way C does (so that Miri and the sanitizers check the C layer too).
//! Handles are opaque pointers, declared as `void *`; `include/weft.h` is the reference.
#![allow(dead_code)] // each includer uses part of it

use std::ffi::{c_char, c_int, c_void};

pub use weft::capi::weft_status::{self, *};

/// `weft_thread_fn`.
pub type ThreadFn = Option<unsafe extern "C" fn(*mut c_void) -> *mut c_void>;
/// `weft_free_fn`.
pub type FreeFn = Option<unsafe extern "C" fn(*mut c_void)>;

pub const WEFT_TIMEOUT_FOREVER: f64 = -1.0;

unsafe extern "C" {
    pub fn weft_status_str(status: c_int) -> *const c_char;

    pub fn weft_lock_new(lock_out: *mut *mut c_void) -> weft_status;
    pub fn weft_lock_clone(lock: *mut c_void) -> *mut c_void;
    pub fn weft_lock_free(lock: *mut c_void);
    pub fn weft_lock_acquire(lock: *mut c_void, blocking: bool, timeout: f64) -> weft_status;
    pub fn weft_lock_release(lock: *mut c_void) -> weft_status;
    pub fn weft_lock_locked(lock: *const c_void) -> bool;

    pub fn weft_rlock_new(rlock_out: *mut *mut c_void) -> weft_status;
    pub fn weft_rlock_clone(rlock: *mut c_void) -> *mut c_void;
    pub fn weft_rlock_free(rlock: *mut c_void);
    pub fn weft_rlock_acquire(rlock: *mut c_void, blocking: bool, timeout: f64) -> weft_status;
    pub fn weft_rlock_release(rlock: *mut c_void) -> weft_status;
    pub fn weft_rlock_locked(rlock: *const c_void) -> bool;
    pub fn weft_rlock_is_owned(rlock: *const c_void) -> bool;
    pub fn weft_rlock_recursion_count(rlock: *const c_void) -> usize;

    pub fn weft_thread_new(
        target: ThreadFn,
        arg: *mut c_void,
        arg_free: FreeFn,
        thread_out: *mut *mut c_void,
    ) -> weft_status;
    pub fn weft_thread_clone(thread: *mut c_void) -> *mut c_void;
    pub fn weft_thread_free(thread: *mut c_void);
    pub fn weft_thread_start(thread: *mut c_void) -> weft_status;
    pub fn weft_thread_join(thread: *mut c_void, timeout: f64) -> weft_status;
    pub fn weft_thread_is_alive(thread: *const c_void) -> bool;
    pub fn weft_thread_get_name(
        thread: *const c_void,
        buf: *mut c_char,
        size: usize,
        len_out: *mut usize,
    ) -> weft_status;
    pub fn weft_thread_set_name(thread: *mut c_void, name: *const c_char) -> weft_status;
    pub fn weft_thread_is_daemon(thread: *const c_void) -> bool;
    pub fn weft_thread_set_daemon(thread: *mut c_void, daemon: bool) -> weft_status;
    pub fn weft_thread_set_stack_size(thread: *mut c_void, size: usize) -> weft_status;
    pub fn weft_thread_ident(thread: *const c_void) -> u64;
    pub fn weft_thread_native_id(thread: *const c_void) -> u64;
    pub fn weft_thread_result(thread: *const c_void, result_out: *mut *mut c_void) -> weft_status;
    pub fn weft_current_thread() -> *mut c_void;
    pub fn weft_main_thread() -> *mut c_void;
    pub fn weft_enumerate(threads_out: *mut *mut *mut c_void, count_out: *mut usize)
    -> weft_status;
    pub fn weft_thread_array_free(threads: *mut *mut c_void, count: usize);
    pub fn weft_active_count() -> usize;
    pub fn weft_stack_size(size: usize, previous_out: *mut usize) -> weft_status;
    pub fn weft_stack_size_get() -> usize;
    pub fn weft_shutdown(timeout: f64, remaining_out: *mut usize) -> weft_status;

    pub fn weft_cancel_new(cancel_out: *mut *mut c_void) -> weft_status;
    pub fn weft_cancel_clone(cancel: *mut c_void) -> *mut c_void;
    pub fn weft_cancel_free(cancel: *mut c_void);
    pub fn weft_cancel_set(cancel: *mut c_void) -> weft_status;
    pub fn weft_cancel_reset(cancel: *mut c_void) -> weft_status;
    pub fn weft_cancel_is_set(cancel: *mut c_void) -> bool;
    pub fn weft_cancel_install(cancel: *mut c_void) -> weft_status;
    pub fn weft_cancel_installed() -> *mut c_void;
    pub fn weft_cancelled() -> bool;
}
