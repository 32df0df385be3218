//! The C API as Rust sees it through the exported symbols, for the tests and the fuzz target
//! that call weft the way C does (so that Miri and the sanitizers check the C layer too).
//! Handles are opaque pointers, declared as `void *`; `include/weft.h` is the reference.
#![allow(dead_code)] // each includer uses part of it

use std::ffi::{c_char, c_int, c_void};

pub use weft::capi::weft_status::{self, *};

/// `weft_thread_fn`.
pub type ThreadFn = Option<unsafe extern "C" fn(*mut c_void) -> *mut c_void>;
/// `weft_task_fn`.
pub type TaskFn = Option<unsafe extern "C" fn(*mut c_void, *mut *mut c_void) -> c_int>;
/// `weft_free_fn`.
pub type FreeFn = Option<unsafe extern "C" fn(*mut c_void)>;
/// `weft_once_fn`.
pub type OnceFn = Option<unsafe extern "C-unwind" fn(*mut c_void) -> c_int>;

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
    pub fn weft_rlock_owner(rlock: *const c_void) -> u64;

    pub fn weft_rwlock_new(rwlock_out: *mut *mut c_void) -> weft_status;
    pub fn weft_rwlock_clone(rwlock: *mut c_void) -> *mut c_void;
    pub fn weft_rwlock_free(rwlock: *mut c_void);
    pub fn weft_rwlock_acquire_read(
        rwlock: *mut c_void,
        blocking: bool,
        timeout: f64,
    ) -> weft_status;
    pub fn weft_rwlock_release_read(rwlock: *mut c_void) -> weft_status;
    pub fn weft_rwlock_acquire_write(
        rwlock: *mut c_void,
        blocking: bool,
        timeout: f64,
    ) -> weft_status;
    pub fn weft_rwlock_release_write(rwlock: *mut c_void) -> weft_status;

    pub fn weft_once_call(once: *mut usize, init: OnceFn, arg: *mut c_void) -> weft_status;
    pub fn weft_once_done(once: *const usize) -> bool;

    pub fn weft_semaphore_value(semaphore: *const c_void) -> usize;
    pub fn weft_queue_getters(queue: *const c_void) -> usize;
    pub fn weft_wait_any(
        objects: *const *const c_void,
        count: usize,
        timeout: f64,
        index_out: *mut usize,
    ) -> weft_status;
    pub fn weft_queue_putters(queue: *const c_void) -> usize;
    pub fn weft_pool_set_max_workers(pool: *mut c_void, max_workers: usize) -> weft_status;
    pub fn weft_pool_set_max_pending(pool: *mut c_void, max_pending: usize) -> weft_status;
    pub fn weft_pool_max_pending(pool: *const c_void) -> usize;
    pub fn weft_pool_counts(
        pool: *const c_void,
        pending_out: *mut usize,
        active_out: *mut usize,
        idle_out: *mut usize,
    ) -> weft_status;

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
    pub fn weft_set_exit_wait(wait: bool);

    pub fn weft_future_new(future_out: *mut *mut c_void) -> weft_status;
    pub fn weft_future_set_result(
        future: *mut c_void,
        result: *mut c_void,
        result_free: FreeFn,
    ) -> weft_status;
    pub fn weft_future_set_exception(future: *mut c_void, code: c_int) -> weft_status;
    pub fn weft_future_set_running_or_notify_cancel(future: *mut c_void) -> weft_status;
    pub fn weft_future_result(
        future: *mut c_void,
        timeout: f64,
        result_out: *mut *mut c_void,
    ) -> weft_status;
    pub fn weft_future_cancel(future: *mut c_void) -> bool;
    pub fn weft_future_interrupt(future: *mut c_void) -> bool;
    pub fn weft_future_free(future: *mut c_void);
    pub fn weft_scheduler_new(scheduler_out: *mut *mut c_void) -> weft_status;
    pub fn weft_scheduler_call_later(
        scheduler: *mut c_void,
        delay: f64,
        task: TaskFn,
        arg: *mut c_void,
        arg_free: FreeFn,
        future_out: *mut *mut c_void,
    ) -> weft_status;
    pub fn weft_scheduler_call_every(
        scheduler: *mut c_void,
        delay: f64,
        period: f64,
        kind: c_int,
        call: Option<unsafe extern "C" fn(*mut c_void) -> c_int>,
        arg: *mut c_void,
        arg_free: FreeFn,
        future_out: *mut *mut c_void,
    ) -> weft_status;
    pub fn weft_scheduler_shutdown(scheduler: *mut c_void, wait: bool) -> weft_status;
    pub fn weft_scheduler_pending(scheduler: *const c_void) -> usize;
    pub fn weft_scheduler_free(scheduler: *mut c_void);

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
