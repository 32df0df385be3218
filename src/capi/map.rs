//! `weft_map`: the iterator of Python's `Executor.map`, over a pool's tasks, in C.

use super::cancel::gave_up;
use std::ffi::{c_int, c_void};
use std::ptr;

use super::args::{OwnedArg, SendPtr, weft_free_fn};
use super::future::{CFuture, CTask, Header, outcome_of};
use super::handle::{self, Handle, Tag};
use super::pool::{weft_pool, weft_task_fn};
use super::weft_status::{
    self, WEFT_STATUS_INVALID_ARGUMENT, WEFT_STATUS_NULL_ARGUMENT, WEFT_STATUS_TASK_FAILED,
    WEFT_STATUS_TIMEOUT,
};
use crate::Timeout;
use crate::future::InOrder;

/// The results of the tasks `weft_pool_map` submitted, in the order submitted (Python: the
/// iterator `executor.map(fn, iterable, timeout)` returns). Reference counted: see
/// `weft_map_clone` / `weft_map_free`.
///
/// An iterator handle rather than an array of futures, so that weft keeps CPython's rules: one
/// timeout for the whole iteration, counted from the `weft_pool_map` call; the iteration ends at
/// the first task that fails, is cancelled or is not done in time; and the tasks not yet handed
/// out are then cancelled, as they are when the iterator is freed early (CPython's generator,
/// closed). A caller that wants the futures themselves submits with `weft_pool_submit`.
pub struct weft_map {
    _opaque: [u8; 0],
}

impl Handle for weft_map {
    type Inner = InOrder<SendPtr, c_int>;
    const TAG: Tag = Tag::Map;
}

/// Submits `task(args[i], &result)` for each of the `count` arguments and returns an iterator
/// over their results, in order. Python: `executor.map(fn, args, timeout=timeout)`.
///
/// `timeout` (see the timeout rule at `WEFT_TIMEOUT_FOREVER`) is for the whole iteration,
/// counted from this call, as in Python: each `weft_map_next` waits at most what is left of
/// it. Never blocks for long (as `weft_pool_submit`, `count` times). Ownership: `arg_free`, if
/// not NULL, is called on each `args[i]` once, as `weft_pool_submit` calls it (after the task,
/// or when the task is dropped unrun); if the pool refuses a task, the tasks already submitted
/// are cancelled (those running finish) and `arg_free` is called on every argument, submitted
/// or not. The array itself is read during the call only. On success `*map_out` is a new handle
/// the caller releases with `weft_map_free`. Statuses: `WEFT_STATUS_OK`; the pool's refusals,
/// as `weft_pool_submit` (`WEFT_STATUS_POOL_SHUT_DOWN`, `WEFT_STATUS_POOL_BROKEN`,
/// `WEFT_STATUS_CANT_START_THREAD`); and before anything is submitted or freed: the timeout
/// statuses; `WEFT_STATUS_NULL_ARGUMENT` if `task` or `map_out` is NULL, or `args` is NULL with
/// `count` nonzero; `WEFT_STATUS_WRONG_HANDLE`. Thread safety: safe from any thread, a worker's
/// included.
///
/// # Safety
/// `pool` is NULL or a handle from weft the caller holds a reference to during the call; `args`
/// is NULL or points to `count` readable pointers; `map_out` is NULL or valid for writes; `task`
/// and `arg_free` are each NULL or a function that may run in any thread and does not unwind;
/// every `args[i]` may be used from any thread.
#[must_use]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn weft_pool_map(
    pool: *mut weft_pool,
    task: weft_task_fn,
    args: *const *mut c_void,
    count: usize,
    arg_free: weft_free_fn,
    timeout: f64,
    map_out: *mut *mut weft_map,
) -> weft_status {
    ffi_status!({
        // SAFETY: `pool` is NULL or a handle the caller holds (this function's contract).
        let pool = unsafe { handle::borrow(pool) }?;
        let task = task.ok_or(WEFT_STATUS_NULL_ARGUMENT)?;
        let out = handle::out_ptr(map_out)?;
        let timeout = Timeout::from_secs_f64(timeout)?;
        let args: &[*mut c_void] = match count {
            0 => &[],
            _ if args.is_null() => return Err(WEFT_STATUS_NULL_ARGUMENT),
            // SAFETY: per the contract, `args` points at `count` readable pointers.
            _ => unsafe { std::slice::from_raw_parts(args, count) },
        };
        // Every argument owned now: a refusal drops the tasks not submitted, freeing theirs.
        let tasks: Vec<CTask> = args
            .iter()
            .map(|&arg| CTask {
                task,
                arg: OwnedArg::new(arg, arg_free),
            })
            .collect();
        let map = pool.map_with_header(|| Header::header(Tag::Future), tasks, timeout)?;
        // SAFETY: checked non-NULL above.
        unsafe { handle::write(out, handle::new::<weft_map>(map)) };
        Ok(())
    })
}

/// Returns another reference to `map` (the same pointer); NULL for a NULL or wrong handle.
/// Thread safety: safe from any thread.
///
/// # Safety
/// `map` is NULL or a handle from weft the caller holds a reference to during the call.
#[must_use]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn weft_map_clone(map: *mut weft_map) -> *mut weft_map {
    ffi_value!(ptr::null_mut(), {
        // SAFETY: `map` is NULL or a handle from weft; the caller holds it.
        unsafe { handle::clone(map) }
    })
}

/// Releases one reference to `map`; the last one cancels the tasks not yet handed out (those
/// running finish), as Python does when the iterator is closed early. NULL is ignored.
/// Thread safety: safe from any thread.
///
/// # Safety
/// `map` is NULL or a handle from weft whose reference the caller gives up: it does not use that
/// reference again.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn weft_map_free(map: *mut weft_map) {
    ffi_value!((), {
        // SAFETY: `map` is NULL or a handle from weft; the caller gives up this reference.
        unsafe { handle::free(map) }
    })
}

/// Waits for the next task, in the order submitted, and reads its result. Python:
/// `next(iterator)`.
///
/// Blocking: at most what is left of the timeout given to `weft_pool_map`. Statuses:
/// `WEFT_STATUS_OK` (`*result_out` is the task's result); `WEFT_STATUS_TASK_FAILED` (the task
/// returned a failure code, written to `*code_out`); `WEFT_STATUS_CANCELLED`,
/// `WEFT_STATUS_POOL_BROKEN` (the task never ran); `WEFT_STATUS_TIMEOUT` (the timeout passed
/// first; Python: `TimeoutError`); each of these four ends the iteration, as the exception
/// Python raises ends its generator: the tasks not yet handed out are cancelled (the one that
/// timed out too, if it has not started), and the next calls give
/// `WEFT_STATUS_INVALID_ARGUMENT`, as they do once every result was handed out (Python:
/// `StopIteration`); `WEFT_STATUS_NULL_ARGUMENT`, `WEFT_STATUS_WRONG_HANDLE`. Thread safety:
/// safe from any thread; take the results from one thread at a time, as from a Python
/// iterator.
///
/// # Safety
/// `map` is NULL or a handle from weft the caller holds a reference to during the call;
/// `result_out` and `code_out` are NULL or valid for writes.
#[must_use]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn weft_map_next(
    map: *mut weft_map,
    result_out: *mut *mut c_void,
    code_out: *mut c_int,
) -> weft_status {
    ffi_status!({
        let (out, code_out) = (handle::out_ptr(result_out)?, handle::out_ptr(code_out)?);
        // SAFETY: `map` is NULL or a handle the caller holds (this function's contract).
        let map = unsafe { handle::borrow(map) }?;
        let future: CFuture = match map.next() {
            None => return Err(WEFT_STATUS_INVALID_ARGUMENT),
            // The iteration's deadline passed, or the thread's token ended the wait.
            Some(Err(_late)) => return Err(gave_up(Timeout::Forever, WEFT_STATUS_TIMEOUT)),
            Some(Ok(done)) => done,
        };
        match outcome_of(&future, Timeout::Forever)? {
            Ok(result) => {
                // SAFETY: checked non-NULL above.
                unsafe { handle::write(out, result.0) };
                Ok(())
            }
            Err(code) => {
                // SAFETY: checked non-NULL above.
                unsafe { handle::write(code_out, code) };
                Err(WEFT_STATUS_TASK_FAILED)
            }
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::capi::WEFT_TIMEOUT_FOREVER;
    use crate::capi::pool::tests::{count, echo, fail, gated, new_pool, ptr_to};
    use crate::capi::pool::{weft_pool_free, weft_pool_shutdown};
    use crate::capi::weft_status::*;
    use std::sync::Barrier;
    use std::sync::atomic::{AtomicUsize, Ordering};

    /// Echoes its argument, but fails with code 9 for the argument 3.
    unsafe extern "C" fn echo_but_3(arg: *mut c_void, result_out: *mut *mut c_void) -> c_int {
        if arg as usize == 3 {
            return 9;
        }
        // SAFETY: forwarded from weft, which passes a valid result pointer.
        unsafe { echo(arg, result_out) }
    }

    #[test]
    fn results_in_order_until_the_first_failure() {
        // SAFETY: every handle comes from weft and is freed once, after its last use; the
        // pointers passed point at live locals.
        unsafe {
            let pool = new_pool(3);
            let args: Vec<*mut c_void> = (1..=5usize).map(|i| i as *mut c_void).collect();
            let frees = AtomicUsize::new(0);
            let mut map = ptr::null_mut();
            assert_eq!(
                weft_pool_map(
                    pool,
                    Some(echo_but_3),
                    args.as_ptr(),
                    5,
                    None,
                    -3.0,
                    &mut map
                ),
                WEFT_STATUS_INVALID_TIMEOUT
            );
            assert_eq!(
                weft_pool_map(pool, Some(echo), ptr::null(), 2, None, 1.0, &mut map),
                WEFT_STATUS_NULL_ARGUMENT
            );
            assert_eq!(
                weft_pool_map(pool, None, args.as_ptr(), 5, None, 1.0, &mut map),
                WEFT_STATUS_NULL_ARGUMENT
            );
            assert_eq!(
                weft_pool_map(
                    pool,
                    Some(echo_but_3),
                    args.as_ptr(),
                    5,
                    None,
                    WEFT_TIMEOUT_FOREVER,
                    &mut map
                ),
                WEFT_STATUS_OK
            );
            let (mut result, mut code) = (ptr::null_mut(), 0);
            assert_eq!(
                weft_map_next(map, ptr::null_mut(), &mut code),
                WEFT_STATUS_NULL_ARGUMENT
            );
            for expected in 1..=2usize {
                assert_eq!(weft_map_next(map, &mut result, &mut code), WEFT_STATUS_OK);
                assert_eq!(result as usize, expected);
            }
            assert_eq!(
                weft_map_next(map, &mut result, &mut code),
                WEFT_STATUS_TASK_FAILED
            );
            assert_eq!(code, 9);
            // Over: the rest is not handed out.
            assert_eq!(
                weft_map_next(map, &mut result, &mut code),
                WEFT_STATUS_INVALID_ARGUMENT
            );
            let other = weft_map_clone(map);
            assert_eq!(other, map);
            weft_map_free(other);
            weft_map_free(map);

            // No arguments: over at once.
            assert_eq!(
                weft_pool_map(pool, Some(echo), ptr::null(), 0, None, 0.0, &mut map),
                WEFT_STATUS_OK
            );
            assert_eq!(
                weft_map_next(map, &mut result, &mut code),
                WEFT_STATUS_INVALID_ARGUMENT
            );
            weft_map_free(map);

            // Refused by the pool: every argument is freed, submitted or not.
            assert_eq!(weft_pool_shutdown(pool, true, false), WEFT_STATUS_OK);
            let counted = [ptr_to(&frees); 4];
            assert_eq!(
                weft_pool_map(
                    pool,
                    Some(fail),
                    counted.as_ptr(),
                    4,
                    Some(count),
                    1.0,
                    &mut map
                ),
                WEFT_STATUS_POOL_SHUT_DOWN
            );
            assert_eq!(frees.load(Ordering::Relaxed), 4);
            weft_pool_free(pool);
        }
    }

    #[test]
    fn one_timeout_for_the_whole_iteration() {
        // SAFETY: as above.
        unsafe {
            let gate = (Barrier::new(2), Barrier::new(2));
            let pool = new_pool(1);
            let frees = AtomicUsize::new(0);
            // The first task holds the only worker; the second stays queued.
            let args = [ptr_to(&gate), ptr_to(&gate)];
            let mut map = ptr::null_mut();
            assert_eq!(
                weft_pool_map(pool, Some(gated), args.as_ptr(), 2, None, 0.05, &mut map),
                WEFT_STATUS_OK
            );
            gate.0.wait();
            let (mut result, mut code) = (ptr::null_mut(), 0);
            assert_eq!(
                weft_map_next(map, &mut result, &mut code),
                WEFT_STATUS_TIMEOUT
            );
            assert_eq!(
                weft_map_next(map, &mut result, &mut code),
                WEFT_STATUS_INVALID_ARGUMENT
            );
            gate.1.wait();
            // The queued task was cancelled: the worker never waits on the gate again.
            assert_eq!(weft_pool_shutdown(pool, true, false), WEFT_STATUS_OK);
            weft_map_free(map);
            assert_eq!(frees.load(Ordering::Relaxed), 0);
            weft_pool_free(pool);
        }
    }
}
