//! The `Future` handle: a counted reference to a future's one allocation, its shared state
//! ([`Inner`], followed by its task), the references counted by hand in the status word as an
//! `Arc` would count them.

use std::marker::PhantomData;
use std::ptr::NonNull;
use std::sync::Arc;

use super::outcome::OutcomeCell;
use super::waiter::Waiter;
use crate::loom::atomic::{AtomicU64, Ordering};
use crate::loom::{Mutex, MutexGuard};
use crate::park::Forked;

/// The result of an asynchronous task. Cloning gives another handle to the same future.
///
/// A counted reference to the future's allocation, as an `Arc` would be, without the weak count,
/// starting with the queue's reference counted in (see `Future::with_task`), and counted in the
/// status word, so that a worker completes a future and gives up its reference at once.
pub struct Future<T, E>(pub(super) NonNull<Inner<T, E, dyn Send + Sync>>);

// SAFETY: a `Future` is a counted shared reference to its `Inner`, like an `Arc`, which is
// `Send` and `Sync` when the `Inner` is both: here when `T` and `E` are `Send` (the task is
// `Send + Sync`, the outcome cell `Sync` for `Send` contents, the rest under a mutex).
unsafe impl<T: Send, E: Send> Send for Future<T, E> {}

// SAFETY: as for `Send`.
unsafe impl<T: Send, E: Send> Sync for Future<T, E> {}

/// The most references a future may have: beyond, the count could wrap (`Arc`'s rule).
const MAX_REFS: u64 = i32::MAX as u64;

/// `Inner::status`: one reference to the future, counted in the upper half.
pub(super) const REF: u64 = 1 << 32;

impl<T, E> Clone for Future<T, E> {
    fn clone(&self) -> Self {
        // Relaxed: a reference is made from one held, which keeps the future alive; as
        // `Arc::clone`.
        if self.inner().status.fetch_add(REF, Ordering::Relaxed) / REF > MAX_REFS {
            std::process::abort();
        }
        Future(self.0)
    }
}

impl<T, E> Drop for Future<T, E> {
    fn drop(&mut self) {
        // SAFETY: this handle holds one reference to a future from `with_task`, given up here.
        unsafe { release(self.0) };
    }
}

/// What a future's allocation is known as (its `Inner`, or its task): counted references to it.
pub(super) trait Counted {
    /// The status word, which counts the references to the allocation in units of `REF`.
    fn status_word(&self) -> &AtomicU64;
}

impl<T, E, S: ?Sized> Counted for Inner<T, E, S> {
    fn status_word(&self) -> &AtomicU64 {
        &self.status
    }
}

/// Gives up one reference to a future's allocation; the last one frees it.
///
/// # Safety
/// `ptr` points at a future's allocation from `Future::with_task` (its `Inner`, or its task),
/// and the caller holds one reference to it, which it gives up.
pub(super) unsafe fn release<X: Counted + ?Sized>(ptr: NonNull<X>) {
    // SAFETY: the caller's reference keeps the allocation alive until this decrement.
    let status = unsafe { ptr.as_ref() }.status_word();
    // Release: this holder's uses of the future happen before the last holder frees it.
    if status.fetch_sub(REF, Ordering::Release) / REF == 1 {
        // SAFETY: that was the last reference; the caller's contract.
        unsafe { free(ptr) };
    }
}

/// Frees a future's allocation once its last reference is given up.
///
/// # Safety
/// `ptr` points at a future's allocation from `Future::with_task` (its `Inner`, or its task),
/// whose last reference the caller gave up with release ordering.
pub(super) unsafe fn free<X: Counted + ?Sized>(ptr: NonNull<X>) {
    // Acquire: reads what the last decrement wrote; each holder's release decrement heads a
    // release sequence that the later decrements (read-modify-writes) continue, so every
    // holder's uses happen before the free (as in `Arc`'s drop). A load, not an acquire
    // fence: ThreadSanitizer does not model fences, and reported the free as a race with
    // another holder's last read (std's `Arc` loads for the same reason).
    // SAFETY: no reference is left, so nothing else changes the allocation or frees it.
    unsafe { ptr.as_ref() }
        .status_word()
        .load(Ordering::Acquire);
    // SAFETY: no reference is left, so nothing else reaches the allocation; it is laid out as
    // a `Box`'s (the global allocator's, with its type's layout: see `Future::allocate`), of
    // the type `X` was made from.
    drop(unsafe { Box::from_raw(ptr.as_ptr()) });
}

pub(super) type Callback<T, E> = Box<dyn FnOnce(&Future<T, E>) + Send>;

/// A future's shared state, followed by its task or outcome and its submitter's header (`S`, a
/// `Tail`): one allocation per submitted task. `repr(C)`, so that the tail's offset is fixed for
/// its type (see `Future::from_raw`).
#[repr(C)]
pub(super) struct Inner<T, E, S: ?Sized> {
    pub(super) state: Mutex<State<T, E>>,
    /// `CLAIMED`, `DONE` and the outcome's kind, `WATCHED` and `SLEEPING` (see `status.rs`),
    /// and the references held, the `Future`s and the `Queued`, in units of `REF` (see
    /// `release`). Threads waiting for this future alone park on its address, until `DONE`
    /// (see `Future::sleep`).
    pub(super) status: AtomicU64,
    /// The outcome's type, kept in the tail.
    pub(super) _outcome: PhantomData<OutcomeCell<T, E>>,
    /// The task, until it is taken to run or dropped unrun, then the outcome, in one slot, and
    /// the submitter's header: a `Tail<H, F, T, E>`, which starts with the slot.
    pub(super) tail: S,
}

impl<T, E, S: ?Sized> Inner<T, E, S> {
    /// The outcome's cell, at the start of the tail (see `Tail`), where it replaces the task:
    /// see [`OutcomeCell`] for when it may be read or written.
    pub(super) fn outcome(&self) -> &OutcomeCell<T, E> {
        // SAFETY: the tail starts with its slot, a `repr(C)` union holding the task or the
        // outcome's cell at its start (`task.rs`); the cell's contents are only reached as
        // `OutcomeCell` allows, after the task is taken.
        unsafe { &*std::ptr::addr_of!(self.tail).cast::<OutcomeCell<T, E>>() }
    }
}

pub(super) struct State<T, E> {
    /// Notified or run once, on completion, in the completing thread, then removed (a standalone
    /// future may keep something here from then on: see `Listener::Kept`). One list
    /// for both, boxed once there is one, keeps the future small (see `Future::with_task`): a
    /// `Vec` in place made a C future 104 bytes, malloc's 112-byte chunks, where most futures
    /// never have a listener.
    #[allow(clippy::box_collection)] // the box is one pointer where the `Vec` is three
    pub(super) listeners: Option<Box<Vec<Listener<T, E>>>>,
}

pub(super) enum Listener<T, E> {
    /// A done callback; callbacks run in the order they were added.
    Callback(Callback<T, E>),
    /// A thread waiting for several futures, this one among them at the index given.
    Waiter(Arc<Waiter>, usize),
    /// Not a listener: what a standalone future keeps from its completion until it is freed
    /// (see `Future::set_result_keeping`), alone in the list, which is not used by then.
    #[cfg(feature = "capi")]
    #[allow(dead_code)] // never read: held to be dropped with the future
    Kept(Box<dyn Send>),
}

impl<T, E> Future<T, E> {
    pub(super) fn inner(&self) -> &Inner<T, E, dyn Send + Sync> {
        // SAFETY: this handle holds a reference, which keeps the allocation alive.
        unsafe { self.0.as_ref() }
    }

    /// The size of the future's allocation, for the tests that keep it small.
    #[cfg(test)]
    pub(crate) fn allocation_size(&self) -> usize {
        std::mem::size_of_val(self.inner())
    }

    /// The state, locked; [`Forked`] in a child made by `fork()` where a thread of the parent
    /// held it at the fork: the future is broken by the fork there, and counts as finished,
    /// with [`Outcome::Forked`](super::Outcome::Forked), for everything that would wait on it
    /// or register with it.
    pub(super) fn state(&self) -> Result<MutexGuard<'_, State<T, E>>, Forked> {
        self.inner().state.lock_checked()
    }
}
