//! `weft_queue`: Python's `queue` module in C. Items are `void *`.

use std::ffi::{c_int, c_void};

use super::args::{OwnedArg, SendPtr, weft_free_fn};
use super::cancel::gave_up;
use super::handle::{self, Handle, Tag};
use super::weft_status::{self, WEFT_STATUS_INVALID_ARGUMENT, WEFT_STATUS_TIMEOUT};
use crate::timeout::{Timeout, block_timeout};
use crate::{Queue, QueueKind, Rejected};

/// A multi-producer, multi-consumer queue of `void *` items (Python: `queue.Queue`,
/// `queue.LifoQueue`, `queue.PriorityQueue`, `queue.SimpleQueue`), with Python 3.13's shutdown.
/// Reference counted: see `weft_queue_clone` / `weft_queue_free`.
///
/// In a child made by `fork()`, a queue a parent thread was calling into at the moment of the
/// fork is broken by the fork (its internal lock stays held for ever there, over a state that
/// thread may have left half-updated; CPython's `queue.Queue` hangs the child's first call):
/// every call on it that returns a status returns `WEFT_STATUS_FORKED` at once (a put leaves
/// the item with the caller), the snapshots (`weft_queue_qsize`, `weft_queue_is_shutdown`...)
/// give 0 and false, and its last `weft_queue_free` leaks the items instead of destroying them.
/// The other queues work as in the parent.
pub struct weft_queue {
    _opaque: [u8; 0],
}

/// The queue and the destructor its items get when weft drops them.
pub(crate) struct ItemQueue {
    pub(super) queue: Queue<OwnedArg>,
    item_free: weft_free_fn,
}

impl Handle for weft_queue {
    type Inner = ItemQueue;
    const TAG: Tag = Tag::Queue;
}

/// The kind of a queue: one of the `WEFT_QUEUE_*` constants. An `int`, so that any value passed
/// from C is checked rather than trusted.
pub type weft_queue_kind = c_int;

/// First in, first out. Python: `queue.Queue`.
pub const WEFT_QUEUE_FIFO: weft_queue_kind = 0;
/// Last in, first out. Python: `queue.LifoQueue`.
pub const WEFT_QUEUE_LIFO: weft_queue_kind = 1;
/// Lowest priority first (an `int64_t` per item, see `weft_queue_put_priority`), first in,
/// first out among equal priorities. Python: `queue.PriorityQueue`.
pub const WEFT_QUEUE_PRIORITY: weft_queue_kind = 2;
/// Unbounded first in, first out, without task tracking. Python: `queue.SimpleQueue`.
pub const WEFT_QUEUE_SIMPLE: weft_queue_kind = 3;

/// Receives each item an immediate `weft_queue_shutdown` removes, with the `arg` given there.
pub type weft_queue_item_fn = Option<unsafe extern "C" fn(item: *mut c_void, arg: *mut c_void)>;

/// Hands a refused item back to the caller, who still owns it: its destructor is not called.
fn refused(rejected: Rejected<OwnedArg>) -> weft_status {
    rejected.value.into_raw();
    rejected.error.into()
}

/// Creates a queue. Python: `queue.Queue(maxsize)`, `queue.LifoQueue(maxsize)`,
/// `queue.PriorityQueue(maxsize)`, `queue.SimpleQueue()`.
///
/// `kind` is one of the `WEFT_QUEUE_*` constants; `maxsize` is the capacity, 0 for no limit
/// (a `WEFT_QUEUE_SIMPLE` queue is always unbounded). `item_free`, if not NULL, is the items'
/// destructor (like GLib's `g_async_queue_new_full`): weft calls it on every item it drops, that
/// is the items an immediate shutdown removes (unless given to a drain function) and the items
/// left when the queue is freed. Items handed out by `weft_queue_get` belong to the caller.
///
/// Ownership: on success `*queue_out` is a new handle the caller releases with
/// `weft_queue_free`. Statuses: `WEFT_STATUS_OK`; `WEFT_STATUS_INVALID_ARGUMENT` for an unknown
/// `kind`, or a `maxsize` on a simple queue; `WEFT_STATUS_NULL_ARGUMENT` if `queue_out` is NULL.
/// Thread safety: safe from any thread.
///
/// # Safety
/// `queue_out` is NULL or valid for writes; `item_free` is NULL or a function that may run in any
/// thread and does not unwind.
#[must_use]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn weft_queue_new(
    kind: weft_queue_kind,
    maxsize: usize,
    item_free: weft_free_fn,
    queue_out: *mut *mut weft_queue,
) -> weft_status {
    ffi_status!({
        let out = handle::out_ptr(queue_out)?;
        let kind = match kind {
            WEFT_QUEUE_FIFO => QueueKind::Fifo,
            WEFT_QUEUE_LIFO => QueueKind::Lifo,
            WEFT_QUEUE_PRIORITY => QueueKind::Priority,
            WEFT_QUEUE_SIMPLE => QueueKind::Simple,
            _ => return Err(WEFT_STATUS_INVALID_ARGUMENT),
        };
        let queue = ItemQueue {
            queue: Queue::new(kind, maxsize)?,
            item_free,
        };
        // SAFETY: checked non-NULL above; the caller provides a writable pointer.
        unsafe { handle::write(out, handle::new::<weft_queue>(queue)) };
        Ok(())
    })
}

/// Returns another reference to `queue` (the same pointer), for another thread or owner to
/// release independently with `weft_queue_free`. NULL if `queue` is NULL or not a queue.
/// Thread safety: safe from any thread.
///
/// # Safety
/// `queue` is NULL or a handle from weft the caller holds a reference to during the call.
#[must_use]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn weft_queue_clone(queue: *mut weft_queue) -> *mut weft_queue {
    ffi_value!(std::ptr::null_mut(), {
        // SAFETY: `queue` is NULL or a handle from weft; the caller holds it.
        unsafe { handle::clone(queue) }
    })
}

/// Releases one reference to `queue`; the last one frees it, calling the item destructor (if
/// any) on each item left, in the order `weft_queue_get` would have returned them (as an
/// immediate `weft_queue_shutdown` hands them out). NULL is ignored. Freeing a queue that a thread
/// without a reference of its own is blocked on is a bug in the caller: give every thread its
/// own reference with `weft_queue_clone`. Thread safety: safe from any thread.
///
/// # Safety
/// `queue` is NULL or a handle from weft whose reference the caller gives up: it does not use that
/// reference again.
/// What a use after the last reference is freed does: see `WEFT_STATUS_WRONG_HANDLE`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn weft_queue_free(queue: *mut weft_queue) {
    ffi_value!((), {
        // SAFETY: `queue` is NULL or a handle from weft; the caller gives up this reference.
        unsafe { handle::free(queue) }
    })
}

/// Puts an item. Python: `q.put(item, block=True, timeout=None)`.
///
/// Blocking: on a full bounded queue, with `block` true, waits at most `timeout` seconds for a free
/// slot (`WEFT_TIMEOUT_FOREVER`: no limit; see the timeout rule at `WEFT_TIMEOUT_FOREVER`); with
/// `block` false, does not wait and ignores `timeout`, as Python does. On a priority queue the item
/// gets priority 0. Ownership: on success the queue owns the item until a `weft_queue_get` hands it
/// out; on any other status the caller still owns it. Statuses: `WEFT_STATUS_OK`;
/// `WEFT_STATUS_FULL` if no slot freed up in time, or at once when not blocking (Python:
/// `queue.Full`); `WEFT_STATUS_SHUT_DOWN` once the queue is shut down (Python: `queue.ShutDown`);
/// the timeout statuses; `WEFT_STATUS_FORKED` (a queue broken by a fork: see `weft_queue`);
/// `WEFT_STATUS_NULL_ARGUMENT`, `WEFT_STATUS_WRONG_HANDLE`. Thread safety: safe from any thread.
///
/// # Safety
/// `queue` is NULL or a handle from weft the caller holds a reference to during the call.
#[must_use]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn weft_queue_put(
    queue: *mut weft_queue,
    item: *mut c_void,
    block: bool,
    timeout: f64,
) -> weft_status {
    ffi_status!({
        // SAFETY: `queue` is NULL or a handle the caller holds (this function's contract).
        let q = unsafe { handle::borrow(queue) }?;
        let timeout = block_timeout(block, timeout)?;
        let item = OwnedArg::new(item, q.item_free);
        q.queue
            .put(item, timeout)
            .map_err(|rejected| gave_up(timeout, refused(rejected)))
    })
}

/// Puts an item with a priority on a priority queue: lower values come out first, equal ones in
/// the order they were put. Python: `q.put((priority, count, item))` on a `PriorityQueue`.
///
/// Blocking, timeout and ownership as `weft_queue_put`. Statuses: as `weft_queue_put`, and
/// `WEFT_STATUS_INVALID_ARGUMENT` if the queue is not a `WEFT_QUEUE_PRIORITY` queue.
/// Thread safety: safe from any thread.
///
/// # Safety
/// `queue` is NULL or a handle from weft the caller holds a reference to during the call.
#[must_use]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn weft_queue_put_priority(
    queue: *mut weft_queue,
    item: *mut c_void,
    priority: i64,
    block: bool,
    timeout: f64,
) -> weft_status {
    ffi_status!({
        // SAFETY: `queue` is NULL or a handle the caller holds (this function's contract).
        let q = unsafe { handle::borrow(queue) }?;
        let timeout = block_timeout(block, timeout)?;
        let item = OwnedArg::new(item, q.item_free);
        q.queue
            .put_priority(item, priority, timeout)
            .map_err(|rejected| gave_up(timeout, refused(rejected)))
    })
}

/// Removes an item and hands it to the caller. Python: `q.get(block=True, timeout=None)`.
///
/// Blocking: on an empty queue, with `block` true, waits at most `timeout` seconds for an item (see
/// the timeout rule at `WEFT_TIMEOUT_FOREVER`); with `block` false, does not wait and ignores
/// `timeout`. Ownership: on success `*item_out` is the item, now the caller's (the destructor is
/// not called on it). Statuses: `WEFT_STATUS_OK`; `WEFT_STATUS_EMPTY` if no item came in time, or
/// at once when not blocking (Python: `queue.Empty`); `WEFT_STATUS_SHUT_DOWN` once the queue is
/// shut down and holds no item; the timeout statuses; `WEFT_STATUS_FORKED` (a queue broken by a
/// fork: see `weft_queue`); `WEFT_STATUS_NULL_ARGUMENT`, `WEFT_STATUS_WRONG_HANDLE`. Thread safety:
/// safe from any thread.
///
/// # Safety
/// `queue` is NULL or a handle from weft the caller holds a reference to during the call;
/// `item_out` is NULL or valid for writes.
#[must_use]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn weft_queue_get(
    queue: *mut weft_queue,
    block: bool,
    timeout: f64,
    item_out: *mut *mut c_void,
) -> weft_status {
    ffi_status!({
        // SAFETY: `queue` is NULL or a handle the caller holds (this function's contract).
        let q = unsafe { handle::borrow(queue) }?;
        let out = handle::out_ptr(item_out)?;
        let timeout = block_timeout(block, timeout)?;
        let item = q
            .queue
            .get(timeout)
            .map_err(|error| gave_up(timeout, error.into()))?
            .into_raw();
        // SAFETY: checked non-NULL above.
        unsafe { handle::write(out, item) };
        Ok(())
    })
}

/// Marks one item got earlier as processed. Python: `q.task_done()`.
///
/// Never blocks; may release threads blocked in `weft_queue_join`. Statuses: `WEFT_STATUS_OK`;
/// `WEFT_STATUS_TASK_DONE_TOO_MANY` ("task_done() called too many times") if no task is unfinished
/// (the count stays 0); `WEFT_STATUS_WRONG_STATE` on a simple queue, which does not track tasks;
/// `WEFT_STATUS_FORKED` (a queue broken by a fork: see `weft_queue`); `WEFT_STATUS_NULL_ARGUMENT`,
/// `WEFT_STATUS_WRONG_HANDLE`. Thread safety: safe from any thread.
///
/// # Safety
/// `queue` is NULL or a handle from weft the caller holds a reference to during the call.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn weft_queue_task_done(queue: *mut weft_queue) -> weft_status {
    ffi_status!({
        // SAFETY: `queue` is NULL or a handle the caller holds (this function's contract).
        Ok(unsafe { handle::borrow(queue) }?.queue.task_done()?)
    })
}

/// Waits until every item put has been marked done with `weft_queue_task_done` (or removed by
/// an immediate shutdown). Python: `q.join()`.
///
/// Blocking: at most `timeout` seconds (Python's `join` has no timeout; see the timeout rule at
/// `WEFT_TIMEOUT_FOREVER`). Statuses: `WEFT_STATUS_OK`; `WEFT_STATUS_TIMEOUT` if tasks are still
/// unfinished; `WEFT_STATUS_WRONG_STATE` on a simple queue; the timeout statuses;
/// `WEFT_STATUS_FORKED` (a queue broken by a fork: see `weft_queue`); `WEFT_STATUS_NULL_ARGUMENT`,
/// `WEFT_STATUS_WRONG_HANDLE`. Thread safety: safe from any thread.
///
/// # Safety
/// `queue` is NULL or a handle from weft the caller holds a reference to during the call.
#[must_use]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn weft_queue_join(queue: *mut weft_queue, timeout: f64) -> weft_status {
    ffi_status!({
        // SAFETY: `queue` is NULL or a handle the caller holds (this function's contract).
        let q = unsafe { handle::borrow(queue) }?;
        let timeout = Timeout::from_secs_f64(timeout)?;
        if q.queue.join(timeout)? {
            Ok(())
        } else {
            Err(gave_up(timeout, WEFT_STATUS_TIMEOUT))
        }
    })
}

/// Shuts the queue down. Python 3.13: `q.shutdown(immediate=False)`.
///
/// From now on puts fail with `WEFT_STATUS_SHUT_DOWN`; gets hand out the items left, then fail
/// the same way; every thread blocked in a put or a get wakes up. With `immediate`, the items
/// are removed now, each counted as done (which may release `weft_queue_join`), and no item is
/// lost: each goes, in the order gets would have returned them, to `drain(item, drain_arg)` if
/// `drain` is not NULL (the caller takes it back), else to the queue's item destructor (if it has
/// none, the items are simply forgotten, as a queue of plain values needs). `drain` runs in the
/// calling thread, after the queue's lock is released, and may use the queue. Without
/// `immediate`, `drain` is not called. Calling it again is harmless.
///
/// Never blocks. Statuses: `WEFT_STATUS_OK`; `WEFT_STATUS_FORKED` (a queue broken by a fork: see
/// `weft_queue`); `WEFT_STATUS_NULL_ARGUMENT`, `WEFT_STATUS_WRONG_HANDLE`. Thread safety: safe from
/// any thread.
///
/// # Safety
/// `queue` is NULL or a handle from weft the caller holds a reference to during the call; `drain`
/// is NULL or a function that does not unwind, called in the calling thread with `drain_arg`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn weft_queue_shutdown(
    queue: *mut weft_queue,
    immediate: bool,
    drain: weft_queue_item_fn,
    drain_arg: *mut c_void,
) -> weft_status {
    ffi_status!({
        // SAFETY: `queue` is NULL or a handle the caller holds (this function's contract).
        let q = unsafe { handle::borrow(queue) }?;
        let arg = SendPtr(drain_arg);
        for item in q.queue.shutdown(immediate)? {
            if let Some(drain) = drain {
                // SAFETY: the caller's function and argument, called as documented; the item is
                // handed over, so its destructor is not called.
                unsafe { drain(item.into_raw(), arg.0) };
            }
            // Otherwise `item` drops here, calling the item destructor.
        }
        Ok(())
    })
}

/// Whether the queue was shut down. Python 3.13: `q.is_shutdown`.
/// False for a NULL or wrong handle. Thread safety: safe from any thread.
///
/// # Safety
/// `queue` is NULL or a handle from weft the caller holds a reference to during the call.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn weft_queue_is_shutdown(queue: *const weft_queue) -> bool {
    ffi_value!(false, {
        // SAFETY: `queue` is NULL or a handle the caller holds (this function's contract).
        unsafe { handle::borrow(queue) }.is_ok_and(|q| q.queue.is_shutdown())
    })
}

/// How many items the queue holds (a snapshot: other threads may change it at once).
/// Python: `q.qsize()`. 0 for a NULL or wrong handle. Thread safety: safe from any thread.
///
/// # Safety
/// `queue` is NULL or a handle from weft the caller holds a reference to during the call.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn weft_queue_qsize(queue: *const weft_queue) -> usize {
    ffi_value!(0, {
        // SAFETY: `queue` is NULL or a handle the caller holds (this function's contract).
        unsafe { handle::borrow(queue) }.map_or(0, |q| q.queue.qsize())
    })
}

/// Whether the queue holds no item (a snapshot). Python: `q.empty()`.
/// False for a NULL or wrong handle. Thread safety: safe from any thread.
///
/// # Safety
/// `queue` is NULL or a handle from weft the caller holds a reference to during the call.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn weft_queue_empty(queue: *const weft_queue) -> bool {
    ffi_value!(false, {
        // SAFETY: `queue` is NULL or a handle the caller holds (this function's contract).
        unsafe { handle::borrow(queue) }.is_ok_and(|q| q.queue.empty())
    })
}

/// Whether the queue is bounded and holds `maxsize` items (a snapshot). Python: `q.full()`.
/// False for a NULL or wrong handle. Thread safety: safe from any thread.
///
/// # Safety
/// `queue` is NULL or a handle from weft the caller holds a reference to during the call.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn weft_queue_full(queue: *const weft_queue) -> bool {
    ffi_value!(false, {
        // SAFETY: `queue` is NULL or a handle the caller holds (this function's contract).
        unsafe { handle::borrow(queue) }.is_ok_and(|q| q.queue.full())
    })
}

/// The capacity given at creation, 0 for unbounded. Python: `q.maxsize`.
/// 0 for a NULL or wrong handle. Thread safety: safe from any thread.
///
/// # Safety
/// `queue` is NULL or a handle from weft the caller holds a reference to during the call.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn weft_queue_maxsize(queue: *const weft_queue) -> usize {
    ffi_value!(0, {
        // SAFETY: `queue` is NULL or a handle the caller holds (this function's contract).
        unsafe { handle::borrow(queue) }.map_or(0, |q| q.queue.maxsize())
    })
}

/// How many items were put and not yet marked done (a snapshot; always 0 for a simple queue).
/// Python: `q.unfinished_tasks`. 0 for a NULL or wrong handle.
/// Thread safety: safe from any thread.
///
/// # Safety
/// `queue` is NULL or a handle from weft the caller holds a reference to during the call.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn weft_queue_unfinished_tasks(queue: *const weft_queue) -> usize {
    ffi_value!(0, {
        // SAFETY: `queue` is NULL or a handle the caller holds (this function's contract).
        unsafe { handle::borrow(queue) }.map_or(0, |q| q.queue.unfinished_tasks())
    })
}

/// How many threads wait in `weft_queue_get` for an item, or in `weft_wait_any` with this queue
/// among its objects (a snapshot). CPython: `len(q.not_empty._waiters)`. 0 for a NULL or wrong
/// handle. Thread safety: safe from any
/// thread.
///
/// # Safety
/// `queue` is NULL or a handle from weft the caller holds a reference to during the call.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn weft_queue_getters(queue: *const weft_queue) -> usize {
    ffi_value!(0, {
        // SAFETY: `queue` is NULL or a handle the caller holds (this function's contract).
        unsafe { handle::borrow(queue) }.map_or(0, |q| q.queue.getters())
    })
}

/// How many threads wait in `weft_queue_put` or `weft_queue_put_priority` for a free slot (a
/// snapshot). CPython: `len(q.not_full._waiters)`. 0 for a NULL or wrong handle.
/// Thread safety: safe from any thread.
///
/// # Safety
/// `queue` is NULL or a handle from weft the caller holds a reference to during the call.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn weft_queue_putters(queue: *const weft_queue) -> usize {
    ffi_value!(0, {
        // SAFETY: `queue` is NULL or a handle the caller holds (this function's contract).
        unsafe { handle::borrow(queue) }.map_or(0, |q| q.queue.putters())
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::capi::weft_status::*;
    use crate::capi::{WEFT_TIMEOUT_FOREVER, weft_lock};
    use std::ptr;
    use std::sync::Mutex;
    use std::sync::atomic::{AtomicUsize, Ordering};

    /// An item destructor for items that point at a counter: counts the call.
    unsafe extern "C" fn count_free(item: *mut c_void) {
        // SAFETY: every item given to a queue with this destructor points at a live counter.
        unsafe { &*item.cast::<AtomicUsize>() }.fetch_add(1, Ordering::Relaxed);
    }

    /// A drain function collecting the items (small integers) into a `Mutex<Vec<usize>>`.
    unsafe extern "C" fn collect(item: *mut c_void, arg: *mut c_void) {
        // SAFETY: `arg` is the collecting vector the test passes.
        let items = unsafe { &*arg.cast::<Mutex<Vec<usize>>>() };
        items.lock().unwrap().push(item as usize);
    }

    fn new(kind: weft_queue_kind, maxsize: usize, item_free: weft_free_fn) -> *mut weft_queue {
        // SAFETY: every handle comes from weft and is freed once, after its last use; the
        // pointers passed point at live locals.
        unsafe {
            let mut q = ptr::null_mut();
            assert_eq!(
                weft_queue_new(kind, maxsize, item_free, &mut q),
                WEFT_STATUS_OK
            );
            q
        }
    }

    fn get(q: *mut weft_queue) -> Result<usize, weft_status> {
        // SAFETY: every handle comes from weft and is freed once, after its last use; the
        // pointers passed point at live locals.
        unsafe {
            let mut item = ptr::null_mut();
            match weft_queue_get(q, false, WEFT_TIMEOUT_FOREVER, &mut item) {
                WEFT_STATUS_OK => Ok(item as usize),
                status => Err(status),
            }
        }
    }

    fn put(q: *mut weft_queue, item: usize) -> weft_status {
        // SAFETY: every handle comes from weft and is freed once, after its last use; the
        // pointers passed point at live locals.
        unsafe { weft_queue_put(q, item as *mut c_void, false, WEFT_TIMEOUT_FOREVER) }
    }

    #[test]
    fn kinds_are_range_checked() {
        // SAFETY: every handle comes from weft and is freed once, after its last use; the
        // pointers passed point at live locals.
        unsafe {
            let mut q = ptr::null_mut();
            for bad in [-1, 4, c_int::MAX, c_int::MIN] {
                assert_eq!(
                    weft_queue_new(bad, 0, None, &mut q),
                    WEFT_STATUS_INVALID_ARGUMENT
                );
                assert!(q.is_null(), "written on failure");
            }
            assert_eq!(
                weft_queue_new(WEFT_QUEUE_SIMPLE, 3, None, &mut q),
                WEFT_STATUS_INVALID_ARGUMENT
            );
            assert_eq!(
                weft_queue_new(WEFT_QUEUE_FIFO, 0, None, ptr::null_mut()),
                WEFT_STATUS_NULL_ARGUMENT
            );
            for (kind, order) in [
                (WEFT_QUEUE_FIFO, [1, 2]),
                (WEFT_QUEUE_LIFO, [2, 1]),
                (WEFT_QUEUE_PRIORITY, [1, 2]),
                (WEFT_QUEUE_SIMPLE, [1, 2]),
            ] {
                let q = new(kind, 0, None);
                assert_eq!(put(q, 1), WEFT_STATUS_OK);
                assert_eq!(put(q, 2), WEFT_STATUS_OK);
                assert_eq!([get(q), get(q)], order.map(Ok), "kind {kind}");
                weft_queue_free(q);
            }
        }
    }

    #[test]
    fn bad_handles_and_out_pointers() {
        // SAFETY: every handle comes from weft and is freed once, after its last use; the
        // pointers passed point at live locals.
        unsafe {
            let mut item = ptr::null_mut();
            let null = ptr::null_mut::<weft_queue>();
            assert_eq!(put(null, 1), WEFT_STATUS_NULL_ARGUMENT);
            assert_eq!(
                weft_queue_get(null, false, 0.0, &mut item),
                WEFT_STATUS_NULL_ARGUMENT
            );
            assert_eq!(weft_queue_task_done(null), WEFT_STATUS_NULL_ARGUMENT);
            assert_eq!(weft_queue_join(null, 0.0), WEFT_STATUS_NULL_ARGUMENT);
            assert_eq!(
                weft_queue_shutdown(null, true, None, ptr::null_mut()),
                WEFT_STATUS_NULL_ARGUMENT
            );
            assert!(weft_queue_clone(null).is_null());
            weft_queue_free(null);
            assert!(
                !weft_queue_empty(null) && !weft_queue_full(null) && !weft_queue_is_shutdown(null)
            );
            assert_eq!(weft_queue_qsize(null), 0);
            assert_eq!(weft_queue_maxsize(null), 0);
            assert_eq!(weft_queue_unfinished_tasks(null), 0);

            let mut lock = ptr::null_mut::<weft_lock>();
            assert_eq!(crate::capi::lock::weft_lock_new(&mut lock), WEFT_STATUS_OK);
            let wrong = lock.cast::<weft_queue>();
            assert_eq!(put(wrong, 1), WEFT_STATUS_WRONG_HANDLE);
            assert_eq!(weft_queue_task_done(wrong), WEFT_STATUS_WRONG_HANDLE);
            assert!(weft_queue_clone(wrong).is_null());
            weft_queue_free(wrong); // ignored
            crate::capi::lock::weft_lock_free(lock);

            let q = new(WEFT_QUEUE_FIFO, 0, None);
            assert_eq!(put(q, 9), WEFT_STATUS_OK);
            assert_eq!(
                weft_queue_get(q, false, 0.0, ptr::null_mut()),
                WEFT_STATUS_NULL_ARGUMENT
            );
            assert_eq!(weft_queue_qsize(q), 1, "a NULL out-parameter takes nothing");
            let other = weft_queue_clone(q);
            assert_eq!(other, q);
            weft_queue_free(other);
            assert_eq!(get(q), Ok(9));
            weft_queue_free(q);
        }
    }

    #[test]
    fn block_and_timeout() {
        // SAFETY: every handle comes from weft and is freed once, after its last use; the
        // pointers passed point at live locals.
        unsafe {
            let q = new(WEFT_QUEUE_FIFO, 1, None);
            let mut item = ptr::null_mut();
            // Not blocking: the timeout is ignored, whatever it is (Python ignores it too).
            for ignored in [f64::NAN, -5.0, 1.0, f64::INFINITY] {
                assert_eq!(
                    weft_queue_get(q, false, ignored, &mut item),
                    WEFT_STATUS_EMPTY
                );
            }
            assert_eq!(
                weft_queue_get(q, true, 0.001, &mut item),
                WEFT_STATUS_EMPTY,
                "a timed-out get is EMPTY"
            );
            assert_eq!(
                weft_queue_get(q, true, -2.0, &mut item),
                WEFT_STATUS_INVALID_TIMEOUT
            );
            assert_eq!(
                weft_queue_get(q, true, f64::INFINITY, &mut item),
                WEFT_STATUS_TIMEOUT_TOO_LARGE
            );
            assert_eq!(put(q, 1), WEFT_STATUS_OK);
            assert_eq!(
                weft_queue_put(q, ptr::null_mut(), false, f64::NAN),
                WEFT_STATUS_FULL
            );
            assert_eq!(
                weft_queue_put(q, ptr::null_mut(), true, 0.001),
                WEFT_STATUS_FULL,
                "a timed-out put is FULL"
            );
            assert_eq!(
                weft_queue_put(q, ptr::null_mut(), true, f64::NAN),
                WEFT_STATUS_INVALID_TIMEOUT
            );
            assert!(weft_queue_full(q) && !weft_queue_empty(q));
            assert_eq!(weft_queue_maxsize(q), 1);
            weft_queue_free(q);
        }
    }

    #[test]
    fn refused_items_stay_with_the_caller() {
        // SAFETY: every handle comes from weft and is freed once, after its last use; the
        // pointers passed point at live locals.
        unsafe {
            let frees = AtomicUsize::new(0);
            let item = ptr::from_ref(&frees).cast_mut().cast::<c_void>();
            let q = new(WEFT_QUEUE_FIFO, 1, Some(count_free));
            assert_eq!(weft_queue_put(q, item, false, 0.0), WEFT_STATUS_OK);
            assert_eq!(weft_queue_put(q, item, false, 0.0), WEFT_STATUS_FULL);
            assert_eq!(
                weft_queue_put_priority(q, item, 1, false, 0.0),
                WEFT_STATUS_INVALID_ARGUMENT
            );
            assert_eq!(
                weft_queue_put(q, item, true, -3.0),
                WEFT_STATUS_INVALID_TIMEOUT
            );
            assert_eq!(frees.load(Ordering::Relaxed), 0);
            assert_eq!(get(q), Ok(item as usize), "got items are the caller's");
            assert_eq!(
                weft_queue_shutdown(q, false, None, ptr::null_mut()),
                WEFT_STATUS_OK
            );
            assert_eq!(weft_queue_put(q, item, false, 0.0), WEFT_STATUS_SHUT_DOWN);
            assert_eq!(frees.load(Ordering::Relaxed), 0);
            weft_queue_free(q);
            assert_eq!(frees.load(Ordering::Relaxed), 0);
        }
    }

    #[test]
    fn freeing_a_queue_frees_each_item_left() {
        // SAFETY: every handle comes from weft and is freed once, after its last use; the
        // pointers passed point at live locals.
        unsafe {
            let frees = AtomicUsize::new(0);
            let item = ptr::from_ref(&frees).cast_mut().cast::<c_void>();
            let q = new(WEFT_QUEUE_PRIORITY, 0, Some(count_free));
            for p in 0..5 {
                assert_eq!(
                    weft_queue_put_priority(q, item, p, true, WEFT_TIMEOUT_FOREVER),
                    WEFT_STATUS_OK
                );
            }
            assert_eq!(get(q), Ok(item as usize));
            let other = weft_queue_clone(q);
            weft_queue_free(q);
            assert_eq!(frees.load(Ordering::Relaxed), 0, "a reference remains");
            weft_queue_free(other);
            assert_eq!(frees.load(Ordering::Relaxed), 4);
        }
    }

    /// The items a queue's destructor is called on, in call order.
    static FREED: Mutex<Vec<usize>> = Mutex::new(Vec::new());

    unsafe extern "C" fn record_free(item: *mut c_void) {
        FREED.lock().unwrap().push(item as usize);
    }

    /// `weft_queue_free` destroys the items left in the order `get` would have returned them,
    /// for every kind, as an immediate shutdown hands them out. Before, a LIFO queue destroyed
    /// them in insertion order and a priority queue in its heap's order.
    #[test]
    fn free_destroys_the_items_in_get_order() {
        let puts = [(3, 3), (1, 1), (4, 4), (2, 2), (5, 5)];
        for (kind, expected) in [
            (WEFT_QUEUE_FIFO, [3, 1, 4, 2, 5]),
            (WEFT_QUEUE_SIMPLE, [3, 1, 4, 2, 5]),
            (WEFT_QUEUE_LIFO, [5, 2, 4, 1, 3]),
            (WEFT_QUEUE_PRIORITY, [1, 2, 3, 4, 5]),
        ] {
            FREED.lock().unwrap().clear();
            let q = new(kind, 0, Some(record_free));
            for (item, priority) in puts {
                let status = if kind == WEFT_QUEUE_PRIORITY {
                    // SAFETY: `q` is a live queue handle; the items are plain integers.
                    unsafe { weft_queue_put_priority(q, item as *mut c_void, priority, false, 0.0) }
                } else {
                    put(q, item)
                };
                assert_eq!(status, WEFT_STATUS_OK);
            }
            // SAFETY: the last reference, given up.
            unsafe { weft_queue_free(q) };
            assert_eq!(*FREED.lock().unwrap(), expected, "kind {kind}");
        }
    }

    #[test]
    fn immediate_shutdown_gives_each_item_to_drain_or_to_the_destructor() {
        // SAFETY: every handle comes from weft and is freed once, after its last use; the
        // pointers passed point at live locals.
        unsafe {
            // To the drain function, in get order; the destructor is not called.
            let frees = AtomicUsize::new(0);
            let q = new(WEFT_QUEUE_PRIORITY, 0, Some(count_free));
            for (item, priority) in [(30, 3), (10, 1), (20, 2)] {
                assert_eq!(
                    weft_queue_put_priority(q, item as *mut c_void, priority, false, 0.0),
                    WEFT_STATUS_OK
                );
            }
            assert_eq!(weft_queue_unfinished_tasks(q), 3);
            let drained = Mutex::new(Vec::<usize>::new());
            let arg = ptr::from_ref(&drained).cast_mut().cast::<c_void>();
            assert_eq!(
                weft_queue_shutdown(q, true, Some(collect), arg),
                WEFT_STATUS_OK
            );
            assert_eq!(*drained.lock().unwrap(), [10, 20, 30]);
            assert_eq!(weft_queue_unfinished_tasks(q), 0);
            assert_eq!(weft_queue_join(q, 0.0), WEFT_STATUS_OK);
            assert!(weft_queue_is_shutdown(q));
            assert_eq!(get(q), Err(WEFT_STATUS_SHUT_DOWN));
            weft_queue_free(q);
            assert_eq!(frees.load(Ordering::Relaxed), 0);

            // To the destructor, once each.
            let item = ptr::from_ref(&frees).cast_mut().cast::<c_void>();
            let q = new(WEFT_QUEUE_LIFO, 0, Some(count_free));
            for _ in 0..3 {
                assert_eq!(weft_queue_put(q, item, false, 0.0), WEFT_STATUS_OK);
            }
            assert_eq!(
                weft_queue_shutdown(q, true, None, ptr::null_mut()),
                WEFT_STATUS_OK
            );
            assert_eq!(frees.load(Ordering::Relaxed), 3);
            assert_eq!(weft_queue_qsize(q), 0);
            weft_queue_free(q);
            assert_eq!(frees.load(Ordering::Relaxed), 3);

            // A plain shutdown keeps the items for the getters and never calls drain.
            let q = new(WEFT_QUEUE_FIFO, 0, None);
            assert_eq!(put(q, 5), WEFT_STATUS_OK);
            assert_eq!(
                weft_queue_shutdown(q, false, Some(collect), arg),
                WEFT_STATUS_OK
            );
            assert_eq!(drained.lock().unwrap().len(), 3);
            assert_eq!(get(q), Ok(5));
            assert_eq!(get(q), Err(WEFT_STATUS_SHUT_DOWN));
            weft_queue_free(q);
        }
    }

    #[test]
    fn task_tracking() {
        // SAFETY: every handle comes from weft and is freed once, after its last use; the
        // pointers passed point at live locals.
        unsafe {
            let q = new(WEFT_QUEUE_FIFO, 0, None);
            assert_eq!(weft_queue_task_done(q), WEFT_STATUS_TASK_DONE_TOO_MANY);
            assert_eq!(weft_queue_unfinished_tasks(q), 0);
            assert_eq!(put(q, 1), WEFT_STATUS_OK);
            assert_eq!(weft_queue_join(q, 0.0), WEFT_STATUS_TIMEOUT);
            assert_eq!(weft_queue_join(q, -7.0), WEFT_STATUS_INVALID_TIMEOUT);
            assert_eq!(get(q), Ok(1));
            assert_eq!(weft_queue_task_done(q), WEFT_STATUS_OK);
            assert_eq!(weft_queue_join(q, WEFT_TIMEOUT_FOREVER), WEFT_STATUS_OK);
            weft_queue_free(q);

            let simple = new(WEFT_QUEUE_SIMPLE, 0, None);
            assert_eq!(put(simple, 1), WEFT_STATUS_OK);
            assert_eq!(weft_queue_task_done(simple), WEFT_STATUS_WRONG_STATE);
            assert_eq!(weft_queue_join(simple, 0.0), WEFT_STATUS_WRONG_STATE);
            assert_eq!(weft_queue_maxsize(simple), 0);
            weft_queue_free(simple);
        }
    }
}
