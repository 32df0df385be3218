//! `weft_wait_any`: waiting for any of several queues, events and futures in C (Go's `select`,
//! Windows' `WaitForMultipleObjects`).
//!
//! The objects are passed as their handles, in one array of `void *`: every weft handle starts
//! with its type's tag, so each is told apart by it, and no wrapper struct is needed.

use std::ffi::c_void;
use std::mem::ManuallyDrop;

use super::cancel::gave_up;
use super::future::{CFuture, future};
use super::handle::{self, Tag};
use super::weft_status::{self, WEFT_STATUS_INVALID_ARGUMENT, WEFT_STATUS_TIMEOUT};
use super::{weft_event, weft_queue};
use crate::Timeout;
use crate::wait_any::{Waitable, wait_any};

/// One handle of the caller's array, borrowed.
enum Borrowed<'a> {
    Queue(&'a crate::Queue<super::args::OwnedArg>),
    Event(&'a crate::Event),
    Future(ManuallyDrop<CFuture>),
}

/// Borrows one handle of a queue, an event or a future, told apart by its tag.
///
/// # Safety
/// `object` is NULL or a handle from weft the caller holds a reference to during `'a`.
unsafe fn borrow<'a>(object: *const c_void) -> Result<Borrowed<'a>, weft_status> {
    // SAFETY: per the contract, a non-NULL handle starts with its aligned u64 tag: checking it
    // against the Queue tag reads it, and tells NULL apart.
    match unsafe { handle::check(object.cast(), Tag::Queue) } {
        Ok(()) => {
            // SAFETY: the tag says it is a queue handle; forwarded contract.
            let queue = unsafe { handle::borrow(object.cast::<weft_queue>()) }?;
            return Ok(Borrowed::Queue(&queue.queue));
        }
        Err(status) if object.is_null() => return Err(status),
        Err(_) => {}
    }
    // SAFETY: not NULL, and a handle per the contract.
    if unsafe { handle::check(object.cast(), Tag::Event) }.is_ok() {
        // SAFETY: the tag says it is an event handle; forwarded contract.
        return Ok(Borrowed::Event(unsafe {
            handle::borrow(object.cast::<weft_event>())
        }?));
    }
    // SAFETY: forwarded contract; a handle of any other type gives WEFT_STATUS_WRONG_HANDLE.
    Ok(Borrowed::Future(unsafe { future(object.cast()) }?))
}

/// Waits until any of `count` queues, events and futures is ready, and writes its index in
/// `objects` to `*index_out`. Go: `select` on several receives; Windows:
/// `WaitForMultipleObjects(count, handles, FALSE, ms)`; Python: `concurrent.futures.wait` with
/// `FIRST_COMPLETED`, across kinds.
///
/// `objects` holds `count` handles, each a `weft_queue *`, a `weft_event *` or a
/// `weft_future *` (told apart by the tag every weft handle starts with), the same one possibly
/// more than once. Ready means: a queue holds an item or is shut down (a `weft_queue_get` would
/// not block), an event is set, a future is done. **A queue's item is not taken**: the call
/// reports that the queue was ready at some moment, like `select` on a socket's readability, so
/// get it with a timeout of 0, and expect `WEFT_STATUS_EMPTY` if other threads consume from the
/// same queue (then wait again). An object ready on entry is reported without waiting, the
/// first in the array; otherwise the first to become ready (an event set during the wait counts
/// even if cleared since, as for `weft_event_wait`).
///
/// Blocking: waits at most `timeout` seconds (`WEFT_TIMEOUT_FOREVER`: no limit; see the timeout
/// rule at `WEFT_TIMEOUT_FOREVER`); the calling thread's cancellation token (`weft_cancel`) ends
/// the wait. While it waits, the thread counts as a waiting getter of each queue
/// (`weft_queue_getters`). Statuses: `WEFT_STATUS_OK` (`*index_out` set); `WEFT_STATUS_TIMEOUT`
/// (nothing became ready in time); `WEFT_STATUS_INTERRUPTED` (the thread's token ended the
/// wait); the timeout statuses; `WEFT_STATUS_INVALID_ARGUMENT` (`count` is 0: nothing could
/// ever be ready); `WEFT_STATUS_NULL_ARGUMENT` (`objects`, one of its handles, or `index_out`
/// is NULL); `WEFT_STATUS_WRONG_HANDLE` (a handle that is not a queue, an event or a future).
/// `*index_out` is written only on success. Thread safety: safe from any thread.
///
/// # Safety
/// `objects` is NULL or points to `count` pointers, each NULL or a handle from weft the caller
/// holds a reference to during the call; `index_out` is NULL or valid for writing a `size_t`.
#[must_use]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn weft_wait_any(
    objects: *const *const c_void,
    count: usize,
    timeout: f64,
    index_out: *mut usize,
) -> weft_status {
    ffi_status!({
        let index_out = handle::out_ptr(index_out)?;
        if count == 0 {
            return Err(WEFT_STATUS_INVALID_ARGUMENT);
        }
        if objects.is_null() {
            return Err(weft_status::WEFT_STATUS_NULL_ARGUMENT);
        }
        // SAFETY: per the contract, `objects` points at `count` pointers, valid for the call.
        let handles = unsafe { std::slice::from_raw_parts(objects, count) };
        // SAFETY: per the contract, each is NULL or a handle the caller holds.
        let borrowed: Vec<Borrowed<'_>> = handles
            .iter()
            .map(|&object| unsafe { borrow(object) })
            .collect::<Result<_, _>>()?;
        let waitables: Vec<Waitable<'_, _, _, _>> = borrowed
            .iter()
            .map(|object| match object {
                Borrowed::Queue(queue) => Waitable::Queue(queue),
                Borrowed::Event(event) => Waitable::Event(event),
                Borrowed::Future(future) => Waitable::Future(&**future),
            })
            .collect();
        let timeout = Timeout::from_secs_f64(timeout)?;
        match wait_any(&waitables, timeout)? {
            Some(index) => {
                // SAFETY: `index_out` was checked non-NULL, and is writable per the contract.
                unsafe { handle::write(index_out, index) };
                Ok(())
            }
            None => Err(gave_up(timeout, WEFT_STATUS_TIMEOUT)),
        }
    })
}
