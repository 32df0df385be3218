//! The C functions under test, declared as a C program sees them in `include/weft.h`.
// The handle types are opaque and only ever passed by pointer, as in C.
#![allow(improper_ctypes)]

use std::ffi::c_void;

pub use weft::capi::{
    weft_barrier, weft_barrier_action_fn, weft_condition, weft_event, weft_free_fn, weft_lock,
    weft_predicate_fn, weft_rlock, weft_semaphore, weft_status,
};

// SAFETY: these are the signatures `include/weft.h` declares (the header test keeps it in step
// with the Rust definitions). They are declared `safe` because every one accepts NULL and any
// handle weft returned that the caller still holds, which is all these tests pass.
unsafe extern "C" {
    pub safe fn weft_lock_new(lock_out: *mut *mut weft_lock) -> weft_status;
    pub safe fn weft_lock_free(lock: *mut weft_lock);
    pub safe fn weft_lock_acquire(
        lock: *mut weft_lock,
        blocking: bool,
        timeout: f64,
    ) -> weft_status;
    pub safe fn weft_rlock_new(rlock_out: *mut *mut weft_rlock) -> weft_status;
    pub safe fn weft_rlock_free(rlock: *mut weft_rlock);
    pub safe fn weft_rlock_acquire(
        rlock: *mut weft_rlock,
        blocking: bool,
        timeout: f64,
    ) -> weft_status;
    pub safe fn weft_rlock_release(rlock: *mut weft_rlock) -> weft_status;
    pub safe fn weft_rlock_recursion_count(rlock: *const weft_rlock) -> usize;

    pub safe fn weft_condition_new(condition_out: *mut *mut weft_condition) -> weft_status;
    pub safe fn weft_condition_new_with_lock(
        lock: *mut weft_lock,
        condition_out: *mut *mut weft_condition,
    ) -> weft_status;
    pub safe fn weft_condition_new_with_rlock(
        rlock: *mut weft_rlock,
        condition_out: *mut *mut weft_condition,
    ) -> weft_status;
    pub safe fn weft_condition_clone(condition: *mut weft_condition) -> *mut weft_condition;
    pub safe fn weft_condition_free(condition: *mut weft_condition);
    pub safe fn weft_condition_acquire(
        condition: *mut weft_condition,
        blocking: bool,
        timeout: f64,
    ) -> weft_status;
    pub safe fn weft_condition_release(condition: *mut weft_condition) -> weft_status;
    pub safe fn weft_condition_wait(condition: *mut weft_condition, timeout: f64) -> weft_status;
    pub safe fn weft_condition_wait_for(
        condition: *mut weft_condition,
        predicate: weft_predicate_fn,
        arg: *mut c_void,
        timeout: f64,
        result_out: *mut bool,
    ) -> weft_status;
    pub safe fn weft_condition_notify(condition: *mut weft_condition, n: usize) -> weft_status;
    pub safe fn weft_condition_notify_all(condition: *mut weft_condition) -> weft_status;

    pub safe fn weft_event_new(event_out: *mut *mut weft_event) -> weft_status;
    pub safe fn weft_event_clone(event: *mut weft_event) -> *mut weft_event;
    pub safe fn weft_event_free(event: *mut weft_event);
    pub safe fn weft_event_set(event: *mut weft_event) -> weft_status;
    pub safe fn weft_event_clear(event: *mut weft_event) -> weft_status;
    pub safe fn weft_event_is_set(event: *const weft_event) -> bool;
    pub safe fn weft_event_wait(event: *mut weft_event, timeout: f64) -> weft_status;

    pub safe fn weft_semaphore_new(
        value: i64,
        semaphore_out: *mut *mut weft_semaphore,
    ) -> weft_status;
    pub safe fn weft_bounded_semaphore_new(
        value: i64,
        semaphore_out: *mut *mut weft_semaphore,
    ) -> weft_status;
    pub safe fn weft_semaphore_clone(semaphore: *mut weft_semaphore) -> *mut weft_semaphore;
    pub safe fn weft_semaphore_free(semaphore: *mut weft_semaphore);
    pub safe fn weft_semaphore_acquire(
        semaphore: *mut weft_semaphore,
        blocking: bool,
        timeout: f64,
    ) -> weft_status;
    pub safe fn weft_semaphore_release(semaphore: *mut weft_semaphore, n: usize) -> weft_status;

    pub safe fn weft_barrier_new(
        parties: usize,
        action: weft_barrier_action_fn,
        arg: *mut c_void,
        arg_free: weft_free_fn,
        timeout: f64,
        barrier_out: *mut *mut weft_barrier,
    ) -> weft_status;
    pub safe fn weft_barrier_clone(barrier: *mut weft_barrier) -> *mut weft_barrier;
    pub safe fn weft_barrier_free(barrier: *mut weft_barrier);
    pub safe fn weft_barrier_wait(
        barrier: *mut weft_barrier,
        timeout: f64,
        index_out: *mut usize,
    ) -> weft_status;
    pub safe fn weft_barrier_reset(barrier: *mut weft_barrier) -> weft_status;
    pub safe fn weft_barrier_abort(barrier: *mut weft_barrier) -> weft_status;
    pub safe fn weft_barrier_broken(barrier: *const weft_barrier) -> bool;
    pub safe fn weft_barrier_n_waiting(barrier: *const weft_barrier) -> usize;
    pub safe fn weft_barrier_parties(barrier: *const weft_barrier) -> usize;
}
