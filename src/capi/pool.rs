//! `weft_pool`: Python's `concurrent.futures.ThreadPoolExecutor` in C.

use super::cancel::gave_up;
use std::ffi::{c_char, c_int, c_void};
use std::ptr;

use super::args::{OwnedArg, c_str, weft_free_fn};
use super::future::{CFuture, CTask, Header, into_handle, weft_future};
use super::handle::{self, Handle, Tag};
use super::weft_status::{self, WEFT_STATUS_NULL_ARGUMENT};
use crate::pool::Initializer;
use crate::timeout::block_timeout;
use crate::{Pool, Timeout};

/// A pool of worker threads running submitted tasks (Python:
/// `concurrent.futures.ThreadPoolExecutor`). Reference counted: see `weft_pool_clone` /
/// `weft_pool_free`; freeing the last reference shuts the pool down without waiting.
pub struct weft_pool {
    _opaque: [u8; 0],
}

impl Handle for weft_pool {
    type Inner = Pool;
    const TAG: Tag = Tag::Pool;
}

/// A task: receives the `arg` given to `weft_pool_submit` and `*result_out` set to NULL. It
/// returns 0 for success, having stored its result (any pointer, or none) in `*result_out`, or a
/// nonzero failure code (Python: the task raised), read with `weft_future_exception`; the result
/// is then ignored. It must not unwind.
pub type weft_task_fn =
    Option<unsafe extern "C" fn(arg: *mut c_void, result_out: *mut *mut c_void) -> c_int>;

/// A worker initializer: receives the `arg` given to `weft_pool_new`, at the start of each
/// worker thread; returns 0 for success, anything else breaks the pool. It must not unwind.
pub type weft_init_fn = Option<unsafe extern "C" fn(arg: *mut c_void) -> c_int>;

/// Creates a thread pool. Python: `ThreadPoolExecutor(max_workers, thread_name_prefix,
/// initializer, initargs)`.
///
/// `max_workers` is the most threads the pool runs, 0 for the default `min(32, CPUs + 4)`.
/// Workers are started on demand, one per submit while none is idle, and named
/// `<thread_name_prefix>_N` (N from 0); a NULL or empty prefix gives `ThreadPoolExecutor-M_N`.
/// Workers are ordinary weft threads (listed by `weft_enumerate`), daemons only if the thread
/// that starts them (the submitting thread) is one. `initializer`, if not NULL, runs at the
/// start of each worker with `init_arg`; if it fails, the pool is broken: the queued tasks and
/// every later submit fail with `WEFT_STATUS_POOL_BROKEN`. `init_arg_free`, if not NULL, is
/// called on `init_arg` once the pool and all its workers are gone (not if this call fails).
///
/// At process exit (`main` returns or `exit()` is called), every pool is shut down: queued
/// tasks still run and weft waits for the workers, as CPython does, so idle workers never keep
/// the process alive. Ownership: on success `*pool_out` is a new handle the caller releases with
/// `weft_pool_free`. Statuses: `WEFT_STATUS_OK`; `WEFT_STATUS_INVALID_UTF8` for a prefix that is
/// not UTF-8; `WEFT_STATUS_NULL_ARGUMENT` if `pool_out` is NULL. Thread safety: safe from any
/// thread.
///
/// # Safety
/// `thread_name_prefix` is NULL or a NUL-terminated string; `pool_out` is NULL or valid for writes;
/// `initializer` and `init_arg_free` are each NULL or a function that may run in any thread and
/// does not unwind; `init_arg` may be used from any thread.
#[must_use]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn weft_pool_new(
    max_workers: usize,
    thread_name_prefix: *const c_char,
    initializer: weft_init_fn,
    init_arg: *mut c_void,
    init_arg_free: weft_free_fn,
    pool_out: *mut *mut weft_pool,
) -> weft_status {
    ffi_status!({
        let out = handle::out_ptr(pool_out)?;
        let prefix = if thread_name_prefix.is_null() {
            ""
        } else {
            // SAFETY: a NUL-terminated string (this function's contract).
            unsafe { c_str(thread_name_prefix) }?
        };
        let arg = OwnedArg::new(init_arg, init_arg_free);
        // Made even without an initializer: it owns `arg`, which must live as long as the pool
        // and its workers do.
        let initializer: Initializer = Box::new(move || {
            let arg = &arg; // the whole `OwnedArg`, not its raw field
            // SAFETY: the caller's initializer and argument, called as documented; the
            // argument lives as long as the pool's workers do.
            initializer.is_none_or(|init| unsafe { init(arg.arg.0) == 0 })
        });
        let pool = Pool::new(max_workers, prefix, Some(initializer));
        // SAFETY: checked non-NULL above.
        unsafe { handle::write(out, handle::new::<weft_pool>(pool)) };
        Ok(())
    })
}

/// Returns another reference to `pool` (the same pointer); NULL for a NULL or wrong handle.
/// Thread safety: safe from any thread.
///
/// # Safety
/// `pool` is NULL or a handle from weft the caller holds a reference to during the call.
#[must_use]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn weft_pool_clone(pool: *mut weft_pool) -> *mut weft_pool {
    ffi_value!(ptr::null_mut(), {
        // SAFETY: `pool` is NULL or a handle from weft; the caller holds it.
        unsafe { handle::clone(pool) }
    })
}

/// Releases one reference to `pool`. The last one shuts the pool down without waiting (as
/// `weft_pool_shutdown(pool, false, false)`): the workers run the queued tasks, then exit, and
/// everything is released. NULL is ignored. Thread safety: safe from any thread, a worker's
/// included.
///
/// # Safety
/// `pool` is NULL or a handle from weft whose reference the caller gives up: it does not use that
/// reference again.
/// What a use after the last reference is freed does: see `WEFT_STATUS_WRONG_HANDLE`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn weft_pool_free(pool: *mut weft_pool) {
    ffi_value!((), {
        // SAFETY: `pool` is NULL or a handle from weft; the caller gives up this reference.
        unsafe { handle::free(pool) }
    })
}

/// Schedules `task(arg, &result)` on the pool and returns its future. Python:
/// `executor.submit(fn, arg)`.
///
/// Starts a worker if none is idle and fewer than `max_workers` run. Blocking: only when the
/// pool's work list is full (`weft_pool_set_max_pending`), until a worker takes a task (no
/// limit; see `weft_pool_submit_timeout`). `arg` is used from a worker thread: the caller must make that safe. `arg_free`, if not NULL,
/// is called on `arg` once: after the task returns, in the worker, before the future is done;
/// or, if the task never runs (cancelled, or the pool broke), when the task is dropped.
/// Ownership: on success `*future_out` is a new handle the caller releases with
/// `weft_future_free` (freeing it does not cancel the task). On failure nothing is scheduled and
/// `arg_free` is not called. Statuses: `WEFT_STATUS_OK`; `WEFT_STATUS_POOL_SHUT_DOWN`
/// (also to a submit waiting for room when the pool shuts down) ("cannot
/// schedule new futures after shutdown") after `weft_pool_shutdown`, or once the process is
/// exiting; `WEFT_STATUS_POOL_BROKEN` if a worker initializer failed;
/// `WEFT_STATUS_CANT_START_THREAD` if a needed worker could not be started;
/// `WEFT_STATUS_NULL_ARGUMENT` if `task` or `future_out` is NULL; `WEFT_STATUS_WRONG_HANDLE`.
/// Thread safety: safe from any thread, a worker's included.
///
/// # Safety
/// `pool` is NULL or a handle from weft the caller holds a reference to during the call;
/// `future_out` is NULL or valid for writes; `task` and `arg_free` are each NULL or a function that
/// may run in any thread and does not unwind; `arg` may be used from any thread.
#[must_use]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn weft_pool_submit(
    pool: *mut weft_pool,
    task: weft_task_fn,
    arg: *mut c_void,
    arg_free: weft_free_fn,
    future_out: *mut *mut weft_future,
) -> weft_status {
    // SAFETY: forwarded contract.
    unsafe { submit(pool, task, arg, arg_free, Ok(Timeout::Forever), future_out) }
}

/// `weft_pool_submit` that waits at most `timeout` seconds for room in a full work list
/// (`weft_pool_set_max_pending`), or, with `block` false, not at all (`timeout` is then
/// ignored, as by `weft_queue_put`). Java: `BlockingQueue.offer(task, timeout)` in front of an
/// executor.
///
/// Statuses: as `weft_pool_submit`, and `WEFT_STATUS_FULL` if no room came in time, or at once
/// when not blocking (nothing is scheduled; `arg_free` is not called); the timeout statuses.
/// Thread safety: safe from any thread, a worker's included.
///
/// # Safety
/// As `weft_pool_submit`.
#[must_use]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn weft_pool_submit_timeout(
    pool: *mut weft_pool,
    task: weft_task_fn,
    arg: *mut c_void,
    arg_free: weft_free_fn,
    block: bool,
    timeout: f64,
    future_out: *mut *mut weft_future,
) -> weft_status {
    let timeout = block_timeout(block, timeout).map_err(weft_status::from);
    // SAFETY: forwarded contract.
    unsafe { submit(pool, task, arg, arg_free, timeout, future_out) }
}

/// The submits' common body, `timeout` already converted.
///
/// # Safety
/// As `weft_pool_submit`.
#[inline]
unsafe fn submit(
    pool: *mut weft_pool,
    task: weft_task_fn,
    arg: *mut c_void,
    arg_free: weft_free_fn,
    timeout: Result<Timeout, weft_status>,
    future_out: *mut *mut weft_future,
) -> weft_status {
    ffi_status!({
        // SAFETY: `pool` is NULL or a handle the caller holds (this function's contract).
        let pool = unsafe { handle::borrow(pool) }?;
        let task = task.ok_or(WEFT_STATUS_NULL_ARGUMENT)?;
        let out = handle::out_ptr(future_out)?;
        let timeout = timeout?;
        let task = CTask {
            task,
            arg: OwnedArg::new(arg, arg_free),
        };
        let future: CFuture = pool
            .submit_with_header(Header::header(Tag::Future), task, timeout)
            .map_err(|rejected| gave_up(timeout, CTask::refused(rejected).into()))?;
        // SAFETY: checked non-NULL above.
        unsafe { handle::write(out, into_handle(future)) };
        Ok(())
    })
}

/// Shuts the pool down. Python: `executor.shutdown(wait=True, cancel_futures=False)`.
///
/// From now on `weft_pool_submit` fails with `WEFT_STATUS_POOL_SHUT_DOWN`. Queued tasks still
/// run, unless `cancel_futures`: then they are cancelled now (their done callbacks run in the
/// calling thread, their `arg_free` is called), but for one per worker still starting (not yet
/// past its initializer), which the submit that started it handed it, as in CPython. Blocking: with `wait`, until every worker has
/// finished its tasks and exited (no limit). Calling it again is harmless. Statuses:
/// `WEFT_STATUS_OK`; `WEFT_STATUS_JOIN_CURRENT` if called with `wait` from one of the pool's own
/// workers (which cannot wait for itself; the others are waited for);
/// `WEFT_STATUS_NULL_ARGUMENT`, `WEFT_STATUS_WRONG_HANDLE`. Thread safety: safe from any thread.
///
/// # Safety
/// `pool` is NULL or a handle from weft the caller holds a reference to during the call.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn weft_pool_shutdown(
    pool: *mut weft_pool,
    wait: bool,
    cancel_futures: bool,
) -> weft_status {
    ffi_status!({
        // SAFETY: `pool` is NULL or a handle the caller holds (this function's contract).
        Ok(unsafe { handle::borrow(pool) }?.shutdown(wait, cancel_futures)?)
    })
}

/// The most threads the pool runs (the default resolved). Python: `executor._max_workers`.
/// 0 for a NULL or wrong handle. Thread safety: safe from any thread.
///
/// # Safety
/// `pool` is NULL or a handle from weft the caller holds a reference to during the call.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn weft_pool_max_workers(pool: *const weft_pool) -> usize {
    ffi_value!(0, {
        // SAFETY: `pool` is NULL or a handle the caller holds (this function's contract).
        unsafe { handle::borrow(pool) }.map_or(0, Pool::max_workers)
    })
}

/// Changes the most threads the pool runs; 0 for the default `min(32, CPUs + 4)`. Java:
/// `ThreadPoolExecutor.setMaximumPoolSize` (Python's executor cannot be resized).
///
/// A larger limit starts a worker now for each queued task that no idle or starting worker will
/// take, up to the limit; a smaller one retires workers as they next look for a task (a running
/// task is never interrupted), idle ones at once. Never blocks for long. Statuses:
/// `WEFT_STATUS_OK`; `WEFT_STATUS_CANT_START_THREAD` if a worker could not be started (the limit
/// is set anyway; a later submit starts it); `WEFT_STATUS_NULL_ARGUMENT`,
/// `WEFT_STATUS_WRONG_HANDLE`. Thread safety: safe from any thread, a worker's included.
///
/// # Safety
/// `pool` is NULL or a handle from weft the caller holds a reference to during the call.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn weft_pool_set_max_workers(
    pool: *mut weft_pool,
    max_workers: usize,
) -> weft_status {
    ffi_status!({
        // SAFETY: `pool` is NULL or a handle the caller holds (this function's contract).
        Ok(unsafe { handle::borrow(pool) }?.set_max_workers(max_workers)?)
    })
}

/// Bounds the tasks queued at once (submitted, not yet taken by a worker) to `max_pending`; 0
/// (the default) for no limit. A submit that finds that many waits for a worker to take one
/// (back-pressure): `weft_pool_submit` without limit, `weft_pool_submit_timeout` as told.
/// Tasks already queued beyond a lowered limit stay queued. A task that submits to its own
/// pool waits like any caller: when every worker does so on a full list, none ever makes room
/// (use `weft_pool_submit_timeout` there). Never blocks. Statuses:
/// `WEFT_STATUS_OK`; `WEFT_STATUS_NULL_ARGUMENT`, `WEFT_STATUS_WRONG_HANDLE`.
/// Thread safety: safe from any thread.
///
/// # Safety
/// `pool` is NULL or a handle from weft the caller holds a reference to during the call.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn weft_pool_set_max_pending(
    pool: *mut weft_pool,
    max_pending: usize,
) -> weft_status {
    ffi_status!({
        // SAFETY: `pool` is NULL or a handle the caller holds (this function's contract).
        unsafe { handle::borrow(pool) }?.set_max_pending(max_pending);
        Ok(())
    })
}

/// The most tasks queued at once (`weft_pool_set_max_pending`), 0 for no limit. 0 for a NULL
/// or wrong handle. Thread safety: safe from any thread.
///
/// # Safety
/// `pool` is NULL or a handle from weft the caller holds a reference to during the call.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn weft_pool_max_pending(pool: *const weft_pool) -> usize {
    ffi_value!(0, {
        // SAFETY: `pool` is NULL or a handle the caller holds (this function's contract).
        unsafe { handle::borrow(pool) }.map_or(0, Pool::max_pending)
    })
}

/// Reads the pool's counts at one instant (a snapshot): `*pending_out` the tasks submitted that
/// no worker has taken yet (Python: `executor._work_queue.qsize()`), `*active_out` the workers
/// running a task or starting, `*idle_out` the workers waiting for one. Each out pointer may be
/// NULL (that count is not wanted). Workers that exited (after a shutdown, or retired by
/// `weft_pool_set_max_workers`) are not counted. Never blocks for long. Statuses:
/// `WEFT_STATUS_OK`; `WEFT_STATUS_NULL_ARGUMENT`, `WEFT_STATUS_WRONG_HANDLE` (the out values are
/// then not written). Thread safety: safe from any thread.
///
/// # Safety
/// `pool` is NULL or a handle from weft the caller holds a reference to during the call; each
/// out pointer is NULL or valid for writes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn weft_pool_counts(
    pool: *const weft_pool,
    pending_out: *mut usize,
    active_out: *mut usize,
    idle_out: *mut usize,
) -> weft_status {
    ffi_status!({
        // SAFETY: `pool` is NULL or a handle the caller holds (this function's contract).
        let counts = unsafe { handle::borrow(pool) }?.counts();
        for (out, value) in [
            (pending_out, counts.pending),
            (active_out, counts.active),
            (idle_out, counts.idle),
        ] {
            if !out.is_null() {
                // SAFETY: non-NULL, so valid for writes (this function's contract).
                unsafe { out.write(value) };
            }
        }
        Ok(())
    })
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::capi::WEFT_TIMEOUT_FOREVER;
    use crate::capi::future::{weft_future_exception, weft_future_free, weft_future_result};
    use crate::capi::lock::{weft_lock, weft_lock_free, weft_lock_new};
    use crate::capi::weft_status::*;
    use std::sync::Barrier;
    use std::sync::atomic::{AtomicUsize, Ordering};

    /// Stores `arg` as its result.
    pub(crate) unsafe extern "C" fn echo(arg: *mut c_void, result_out: *mut *mut c_void) -> c_int {
        // SAFETY: weft passes a valid result pointer.
        unsafe { *result_out = arg };
        0
    }

    /// Fails with `arg` as its code.
    pub(crate) unsafe extern "C" fn fail(arg: *mut c_void, _: *mut *mut c_void) -> c_int {
        arg as c_int
    }

    /// `arg` points at two barriers: waits on the first (the task runs), then on the second (the
    /// test lets it finish).
    pub(crate) unsafe extern "C" fn gated(arg: *mut c_void, _: *mut *mut c_void) -> c_int {
        // SAFETY: the tests pass a pair of barriers that outlive the task.
        let gate = unsafe { &*arg.cast::<(Barrier, Barrier)>() };
        gate.0.wait();
        gate.1.wait();
        0
    }

    /// Counts a call on the counter `arg` points at.
    pub(crate) unsafe extern "C" fn count(arg: *mut c_void) {
        // SAFETY: the tests pass a counter that outlives every call.
        unsafe { &*arg.cast::<AtomicUsize>() }.fetch_add(1, Ordering::Relaxed);
    }

    unsafe extern "C" fn init_ok(arg: *mut c_void) -> c_int {
        // SAFETY: as for `count`.
        unsafe { count(arg) };
        0
    }

    unsafe extern "C" fn init_fail(_: *mut c_void) -> c_int {
        -1
    }

    pub(crate) fn ptr_to<T>(value: &T) -> *mut c_void {
        ptr::from_ref(value).cast_mut().cast()
    }

    pub(crate) fn new_pool(max_workers: usize) -> *mut weft_pool {
        // SAFETY: NULL or no callbacks, and `pool` is a local.
        unsafe {
            let mut pool = ptr::null_mut();
            let status = weft_pool_new(
                max_workers,
                ptr::null(),
                None,
                ptr::null_mut(),
                None,
                &mut pool,
            );
            assert_eq!(status, WEFT_STATUS_OK);
            pool
        }
    }

    /// Submits `task(arg)` and returns its future.
    ///
    /// # Safety
    /// `pool` is a pool handle the caller holds; `arg` is what `task` expects.
    pub(crate) unsafe fn submit(
        pool: *mut weft_pool,
        task: weft_task_fn,
        arg: *mut c_void,
    ) -> *mut weft_future {
        let mut future = ptr::null_mut();
        // SAFETY: per the contract; `future` is a local.
        let status = unsafe { weft_pool_submit(pool, task, arg, None, &mut future) };
        assert_eq!(status, WEFT_STATUS_OK);
        future
    }

    #[test]
    fn new_and_bad_arguments() {
        // SAFETY: every handle comes from weft and is freed once, after its last use; the
        // pointers passed point at live locals.
        unsafe {
            let mut pool = ptr::null_mut();
            assert_eq!(
                weft_pool_new(0, ptr::null(), None, ptr::null_mut(), None, ptr::null_mut()),
                WEFT_STATUS_NULL_ARGUMENT
            );
            let bad_utf8 = c"\xff\xfe".as_ptr();
            let frees = AtomicUsize::new(0);
            assert_eq!(
                weft_pool_new(1, bad_utf8, None, ptr_to(&frees), Some(count), &mut pool),
                WEFT_STATUS_INVALID_UTF8
            );
            assert!(pool.is_null());
            assert_eq!(frees.load(Ordering::Relaxed), 0, "not freed on failure");
            let pool = new_pool(0);
            assert_eq!(
                weft_pool_max_workers(pool),
                crate::pool::default_max_workers()
            );
            let other = weft_pool_clone(pool);
            assert_eq!(other, pool);
            weft_pool_free(other);
            weft_pool_free(pool);

            let null = ptr::null_mut::<weft_pool>();
            let mut future = ptr::null_mut();
            assert_eq!(
                weft_pool_submit(null, Some(echo), ptr::null_mut(), None, &mut future),
                WEFT_STATUS_NULL_ARGUMENT
            );
            assert_eq!(
                weft_pool_shutdown(null, true, false),
                WEFT_STATUS_NULL_ARGUMENT
            );
            assert_eq!(weft_pool_max_workers(null), 0);
            assert!(weft_pool_clone(null).is_null());
            weft_pool_free(null);
            let mut lock = ptr::null_mut::<weft_lock>();
            assert_eq!(weft_lock_new(&mut lock), WEFT_STATUS_OK);
            let wrong = lock.cast::<weft_pool>();
            assert_eq!(
                weft_pool_shutdown(wrong, false, false),
                WEFT_STATUS_WRONG_HANDLE
            );
            assert_eq!(weft_pool_max_workers(wrong), 0);
            weft_lock_free(lock);

            let pool = new_pool(1);
            assert_eq!(
                weft_pool_submit(pool, None, ptr::null_mut(), None, &mut future),
                WEFT_STATUS_NULL_ARGUMENT
            );
            assert_eq!(
                weft_pool_submit(
                    pool,
                    Some(echo),
                    ptr_to(&frees),
                    Some(count),
                    ptr::null_mut()
                ),
                WEFT_STATUS_NULL_ARGUMENT
            );
            assert!(future.is_null());
            assert_eq!(weft_pool_shutdown(pool, true, false), WEFT_STATUS_OK);
            assert_eq!(frees.load(Ordering::Relaxed), 0, "nothing was scheduled");
            weft_pool_free(pool);
        }
    }

    #[test]
    fn arguments_are_freed_once_whether_run_or_cancelled() {
        // SAFETY: every handle comes from weft and is freed once, after its last use; the
        // pointers passed point at live locals.
        unsafe {
            let frees = AtomicUsize::new(0);
            let gate = (Barrier::new(2), Barrier::new(2));
            let pool = new_pool(1);
            let mut running = ptr::null_mut();
            assert_eq!(
                weft_pool_submit(pool, Some(gated), ptr_to(&gate), None, &mut running),
                WEFT_STATUS_OK
            );
            gate.0.wait();
            let mut queued = Vec::new();
            for _ in 0..3 {
                let mut f = ptr::null_mut();
                assert_eq!(
                    weft_pool_submit(pool, Some(echo), ptr_to(&frees), Some(count), &mut f),
                    WEFT_STATUS_OK
                );
                queued.push(f);
            }
            // Cancel them with the shutdown, then let the running task finish.
            assert_eq!(weft_pool_shutdown(pool, false, true), WEFT_STATUS_OK);
            assert_eq!(frees.load(Ordering::Relaxed), 3);
            let mut result = ptr::null_mut();
            for f in queued {
                assert_eq!(
                    weft_future_result(f, 0.0, &mut result),
                    WEFT_STATUS_CANCELLED
                );
                weft_future_free(f);
            }
            gate.1.wait();
            assert_eq!(
                weft_future_result(running, WEFT_TIMEOUT_FOREVER, &mut result),
                WEFT_STATUS_OK
            );
            weft_future_free(running);
            let mut f = ptr::null_mut();
            assert_eq!(
                weft_pool_submit(pool, Some(echo), ptr_to(&frees), Some(count), &mut f),
                WEFT_STATUS_POOL_SHUT_DOWN
            );
            assert!(f.is_null());
            assert_eq!(
                frees.load(Ordering::Relaxed),
                3,
                "a refused argument stays the caller's"
            );
            assert_eq!(weft_pool_shutdown(pool, true, false), WEFT_STATUS_OK);
            weft_pool_free(pool);

            // Run: freed after the task, once.
            let pool = new_pool(2);
            let futures: Vec<_> = (0..4)
                .map(|_| {
                    let mut f = ptr::null_mut();
                    assert_eq!(
                        weft_pool_submit(pool, Some(echo), ptr_to(&frees), Some(count), &mut f),
                        WEFT_STATUS_OK
                    );
                    f
                })
                .collect();
            for f in futures {
                assert_eq!(
                    weft_future_result(f, WEFT_TIMEOUT_FOREVER, &mut result),
                    WEFT_STATUS_OK
                );
                assert_eq!(result, ptr_to(&frees));
                weft_future_free(f);
            }
            weft_pool_free(pool); // shuts down without waiting
            // Every future is done, and each argument was freed before its future completed.
            assert_eq!(frees.load(Ordering::Relaxed), 7);
        }
    }

    #[test]
    fn initializers() {
        // SAFETY: every handle comes from weft and is freed once, after its last use; the
        // pointers passed point at live locals.
        unsafe {
            let calls = AtomicUsize::new(0);
            let frees = AtomicUsize::new(0);
            let mut pool = ptr::null_mut();
            let prefix = c"init".as_ptr();
            assert_eq!(
                weft_pool_new(1, prefix, Some(init_ok), ptr_to(&calls), None, &mut pool),
                WEFT_STATUS_OK
            );
            for _ in 0..3 {
                let f = submit(pool, Some(echo), ptr::null_mut());
                let mut result = ptr::null_mut();
                assert_eq!(
                    weft_future_result(f, WEFT_TIMEOUT_FOREVER, &mut result),
                    WEFT_STATUS_OK
                );
                weft_future_free(f);
            }
            assert_eq!(weft_pool_shutdown(pool, true, false), WEFT_STATUS_OK);
            weft_pool_free(pool);
            assert_eq!(calls.load(Ordering::Relaxed), 1, "once per worker");

            assert_eq!(
                weft_pool_new(
                    2,
                    ptr::null(),
                    Some(init_fail),
                    ptr_to(&frees),
                    Some(count),
                    &mut pool
                ),
                WEFT_STATUS_OK
            );
            let f = submit(pool, Some(echo), ptr::null_mut());
            let mut result = ptr::null_mut();
            assert_eq!(
                weft_future_result(f, WEFT_TIMEOUT_FOREVER, &mut result),
                WEFT_STATUS_POOL_BROKEN
            );
            let mut code = 0;
            assert_eq!(
                weft_future_exception(f, WEFT_TIMEOUT_FOREVER, &mut code),
                WEFT_STATUS_POOL_BROKEN
            );
            weft_future_free(f);
            let mut refused = ptr::null_mut();
            assert_eq!(
                weft_pool_submit(pool, Some(echo), ptr::null_mut(), None, &mut refused),
                WEFT_STATUS_POOL_BROKEN
            );
            assert_eq!(weft_pool_shutdown(pool, true, false), WEFT_STATUS_OK);
            assert_eq!(
                frees.load(Ordering::Relaxed),
                0,
                "the pool still holds init_arg"
            );
            weft_pool_free(pool);
            assert_eq!(
                frees.load(Ordering::Relaxed),
                1,
                "freed with the pool, once"
            );
        }
    }

    #[test]
    fn failure_codes() {
        // SAFETY: every handle comes from weft and is freed once, after its last use; the
        // pointers passed point at live locals.
        unsafe {
            let pool = new_pool(1);
            let f = submit(pool, Some(fail), 42 as *mut c_void);
            let mut result = ptr::null_mut();
            let mut code = 0;
            assert_eq!(
                weft_future_result(f, WEFT_TIMEOUT_FOREVER, &mut result),
                WEFT_STATUS_TASK_FAILED
            );
            assert!(result.is_null(), "not written on failure");
            assert_eq!(weft_future_exception(f, 0.0, &mut code), WEFT_STATUS_OK);
            assert_eq!(code, 42);
            weft_future_free(f);
            let f = submit(pool, Some(echo), 9 as *mut c_void);
            assert_eq!(
                weft_future_exception(f, WEFT_TIMEOUT_FOREVER, &mut code),
                WEFT_STATUS_OK
            );
            assert_eq!(code, 0, "0 for a task that succeeded");
            assert_eq!(weft_future_result(f, 0.0, &mut result), WEFT_STATUS_OK);
            assert_eq!(result as usize, 9);
            weft_future_free(f);
            weft_pool_free(pool);
        }
    }
}
