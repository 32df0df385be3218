//! A future's task, its type erased: what a pool queues ([`Queued`]) and runs or abandons once.

use std::alloc::{self, Layout};
use std::cell::UnsafeCell;
use std::mem::ManuallyDrop;
use std::panic::{self, AssertUnwindSafe};
use std::ptr::NonNull;

use super::handle::{Counted, Future, Inner, REF, State, release};
use super::outcome::{Outcome, OutcomeCell};
use super::status::{DONE, STANDALONE};
use crate::loom::Mutex;
use crate::loom::atomic::{AtomicU64, Ordering};

/// What a pool runs: a closure returning the task's result or error, or another type that
/// says how to call it (the C API's task function and argument).
pub(crate) trait TaskFn<T, E>: Send + 'static {
    /// Runs the task.
    fn call(self) -> Result<T, E>;
}

impl<T, E, F: FnOnce() -> Result<T, E> + Send + 'static> TaskFn<T, E> for F {
    fn call(self) -> Result<T, E> {
        self()
    }
}

/// The end of a future's allocation: a header its submitter chose, which stays in place for the
/// allocation's life, at the address [`Future::into_raw`] gives (the C API keeps a handle's tag
/// there, so that the future's own pointer is its handle), then the task (for a future made by
/// [`Future::standalone`], which has none: what its owner keeps with it, see
/// [`Future::set_result_keeping`]). `repr(C)` keeps the header first. A Rust pool's header is `()`.
#[repr(C)]
struct Tail<H, F> {
    header: H,
    task: TaskCell<F>,
}

/// A future's task, taken once without a lock: only the future's one [`Queued`] takes it (or
/// its executor, refusing it: [`Future::take_back`]).
struct TaskCell<F>(UnsafeCell<Option<F>>);

// SAFETY: the cell is only read through `TaskCell::take`, which only `Task::run`,
// `Task::abandon` and `Future::take_back` call: the first two are private to this module and
// called only by `Queued::run` and `Queued::abandon`, and all three consume the one `Queued`
// that `with_task` makes for the future. So one thread, once, moves the task out (`F: Send`);
// the future's other references never touch the cell. A standalone future has no `Queued`: its
// cell is only written, by `TaskCell::keep`, once, under the state lock
// (`Future::set_result_keeping`).
unsafe impl<F: Send> Sync for TaskCell<F> {}

impl<F> TaskCell<F> {
    /// Moves the task out. Called once per future (see the `Sync` impl).
    fn take(&self) -> Option<F> {
        // SAFETY: no other access to the cell can happen meanwhile (see the `Sync` impl).
        unsafe { (*self.0.get()).take() }
    }

    /// Puts `value` in the empty cell of a standalone future, to be dropped with the allocation.
    ///
    /// # Safety
    /// The future is standalone (it has no `Queued`, so nothing takes from the cell), and this is
    /// its one call (see the `Sync` impl).
    #[cfg(feature = "capi")] // for the C API only, as `set_result_keeping`
    unsafe fn keep(&self, value: F) {
        // SAFETY: no other access to the cell, now or later (the contract), but the
        // allocation's drop, after the last reference.
        unsafe { *self.0.get() = Some(value) };
    }
}

/// A task stored with its future, its types erased. Only [`Queued`] calls these, with its own
/// pointer to the future (`this`, pointing at `self`).
trait Task: Counted + Send + Sync {
    /// The function that runs the task of `this` (a `Queued` for it) and completes its future,
    /// unless the future was cancelled (the task is then dropped unrun), giving up the reference
    /// of `this`. A function, not a method: it may free the allocation, which must not be
    /// borrowed meanwhile (as a method's `&self` would be).
    fn runner(&self) -> fn(Queued, u32);
    /// Drops the task unrun, then completes its future: cancelled, or failed as broken.
    fn abandon(&self, this: &Queued, broken: bool);
}

/// A submitted task with its future: what a pool queues, to run or abandon once. A counted
/// reference to the future's allocation (see [`Future`]).
pub(crate) struct Queued(NonNull<dyn Task>);

// SAFETY: a counted reference to a `dyn Task`, which is `Send + Sync`, like an `Arc<dyn Task>`.
unsafe impl Send for Queued {}

impl Queued {
    /// Runs the task and completes its future, unless the future was cancelled (the task is
    /// then dropped unrun). `runner`: the number of the calling worker (see `runners.rs`), not 0,
    /// recorded in the future for `Future::interrupt`.
    pub(crate) fn run(self, runner: u32) {
        let run = self.task().runner();
        run(self, runner);
    }

    /// Drops the task unrun, then completes its future: cancelled, or failed as broken.
    pub(crate) fn abandon(self, broken: bool) {
        self.task().abandon(&self, broken);
    }

    /// Whether its future is done: cancelled, most likely, since it was queued.
    pub(crate) fn done(&self) -> bool {
        // Acquire: as `Future::status`.
        self.task().status_word().load(Ordering::Acquire) & DONE != 0
    }

    fn task(&self) -> &dyn Task {
        // SAFETY: this holds a reference, which keeps the allocation alive.
        unsafe { self.0.as_ref() }
    }
}

impl Drop for Queued {
    fn drop(&mut self) {
        // SAFETY: this holds one reference to a future from `with_task`, given up here.
        unsafe { release(self.0) };
    }
}

impl<T, E, H, F> Task for Inner<T, E, Tail<H, F>>
where
    T: Send + 'static,
    E: Send + 'static,
    H: Send + Sync + 'static,
    F: TaskFn<T, E>,
{
    fn runner(&self) -> fn(Queued, u32) {
        Self::run
    }

    fn abandon(&self, this: &Queued, broken: bool) {
        // The task's captures are released before anyone waiting on the future wakes.
        drop(self.tail.task.take());
        let future = Self::future(this);
        if !broken {
            future.cancel();
            return;
        }
        // Under the lock, as a canceller claims (see `running`); a future broken by a fork is
        // left as it is (it counts as finished, `Outcome::Forked`, in this child).
        if let Ok(state) = future.state() {
            if future.claim() {
                future.complete(Some(state), Outcome::Broken);
            }
        }
    }
}

impl<T, E, H, F> Inner<T, E, Tail<H, F>>
where
    T: Send + 'static,
    E: Send + 'static,
    H: Send + Sync + 'static,
    F: TaskFn<T, E>,
{
    /// The future that `this` (a `Queued` for this task) stands for, borrowed: the reference
    /// stays the `Queued`'s.
    fn future(this: &Queued) -> ManuallyDrop<Future<T, E>> {
        // `this` points at an `Inner` of this type: `Task` is implemented for it alone, and a
        // `Queued`'s pointer comes from `with_task`, made from a `Box<Self>`.
        ManuallyDrop::new(Future(this.0.cast::<Self>()))
    }

    /// [`Task::runner`]'s function.
    fn run(this: Queued, runner: u32) {
        // SAFETY: `this` holds a reference, which keeps the allocation alive, and points at an
        // `Inner` of this type (see `future`).
        let task = unsafe { this.0.cast::<Self>().as_ref() }.tail.task.take();
        let task = task.expect("a task runs once");
        // The reference of `this` passes to a future.
        let this = ManuallyDrop::new(this);
        let future = ManuallyDrop::into_inner(Self::future(&this));
        // Python's `set_running_or_notify_cancel`, without the lock: see `CLAIMED`.
        if !future.claim_as(runner) {
            return;
        }
        let outcome = match panic::catch_unwind(AssertUnwindSafe(|| task.call())) {
            Ok(Ok(value)) => Outcome::Returned(value),
            Ok(Err(error)) => Outcome::Failed(error),
            Err(_) => Outcome::Panicked,
        };
        future.complete_and_release(outcome);
    }
}

impl<T: Send + 'static, E: Send + 'static> Future<T, E> {
    /// A pending future that no task completes: its owner runs the work and completes it with
    /// [`Future::set_result`] or [`Future::set_exception`] (after
    /// [`Future::set_running_or_notify_cancel`], if it should be seen running). Python:
    /// `concurrent.futures.Future()`. Everything else (waiting, callbacks, `cancel`, [`wait`],
    /// [`AsCompleted`]) works on it as on a pool's future.
    ///
    /// [`wait`]: super::wait
    /// [`AsCompleted`]: super::AsCompleted
    #[allow(clippy::new_without_default)]
    pub fn new() -> Future<T, E> {
        Self::standalone::<(), fn() -> Result<T, E>>(())
    }

    /// A pending future holding `task`, with `header` at the address [`Future::into_raw`]
    /// gives, and the task, for an executor to run or abandon once.
    // Inlined, as `allocate`, into `Pool::submit_with_header` (itself inlined): else, with the
    // callers that share them, they become calls on the pool's path (BENCHMARKS.md).
    #[inline(always)]
    pub(crate) fn with_task<H, F>(header: H, task: F) -> (Future<T, E>, Queued)
    where
        H: Send + Sync + 'static,
        F: TaskFn<T, E>,
    {
        // Pending, and two references: the future returned and the `Queued`.
        let inner = Self::allocate(2 * REF, header, Some(task));
        (Future(inner), Queued(inner))
    }

    /// Undoes [`Future::with_task`] for a task its executor refused: frees the allocation and
    /// returns the task, not run.
    ///
    /// # Safety
    /// `future` and `queued` are the two references `with_task` made, with a header of type `H`
    /// and a task of type `F`, and no other reference to the future was made.
    #[cfg(not(loom))] // for the pool only
    #[inline]
    pub(crate) unsafe fn take_back<H, F>(future: Future<T, E>, queued: Queued) -> F
    where
        H: Send + Sync + 'static,
        F: TaskFn<T, E>,
    {
        // SAFETY: per the contract, the future is an `Inner` of this type, kept alive by the
        // references held.
        let inner = unsafe { future.0.cast::<Inner<T, E, Tail<H, F>>>().as_ref() };
        // The one `Queued` is consumed here instead of by `run` or `abandon` (see `TaskCell`).
        let task = inner.tail.task.take().expect("a task is taken once");
        // The last two references: the allocation is freed.
        drop(queued);
        drop(future);
        task
    }

    /// A pending future without a task, with `header` at the address [`Future::into_raw`]
    /// gives, completed by its owner (see `STANDALONE`). `F` is the type of task a handle of it
    /// is read back with ([`Future::from_raw`]); it never holds one.
    pub(crate) fn standalone<H, F>(header: H) -> Future<T, E>
    where
        H: Send + Sync + 'static,
        F: TaskFn<T, E>,
    {
        Future(Self::allocate::<H, F>(REF | STANDALONE, header, None))
    }

    /// A future's one allocation, with its status word starting at `status`.
    #[inline(always)]
    fn allocate<H, F>(status: u64, header: H, task: Option<F>) -> NonNull<Inner<T, E, Tail<H, F>>>
    where
        H: Send + Sync + 'static,
        F: TaskFn<T, E>,
    {
        let layout = Layout::new::<Inner<T, E, Tail<H, F>>>();
        // SAFETY: not zero-sized (it holds a status word).
        let inner = unsafe { alloc::alloc(layout) }.cast::<Inner<T, E, Tail<H, F>>>();
        let Some(inner) = NonNull::new(inner) else {
            alloc::handle_alloc_error(layout)
        };
        // Written in place, once allocated: `Box::new` builds the value on the stack and copies
        // it, and `Box::new_uninit` stayed a call on the pool's path (BENCHMARKS.md).
        // SAFETY: freshly allocated for this type by the global allocator, as a `Box` is, which
        // `free` makes of it.
        unsafe {
            inner.write(Inner {
                state: Mutex::new(State { listeners: None }),
                status: AtomicU64::new(status),
                outcome: OutcomeCell(UnsafeCell::new(None)),
                tail: Tail {
                    header,
                    task: TaskCell(UnsafeCell::new(task)),
                },
            })
        };
        inner
    }

    /// Completes a future made by [`Future::standalone`] with `value` as [`Future::set_result`]
    /// does, and keeps `keep` in its task slot, which such a future does not use otherwise, until
    /// its allocation is freed: for an owner whose result must live and be released with the
    /// future (the C API's result and the function that frees it), at no cost to a pool's
    /// futures. Refused as [`Future::set_result`] is, `value` and `keep` handed back.
    ///
    /// # Safety
    /// The future was made with a header of type `H` and a task of type `F` (as for
    /// [`Future::from_raw`]).
    #[cfg(feature = "capi")] // for the C API only
    pub(crate) unsafe fn set_result_keeping<H, F>(
        &self,
        value: T,
        keep: F,
    ) -> Result<(), crate::Rejected<(T, F)>>
    where
        H: Send + Sync + 'static,
        F: TaskFn<T, E>,
    {
        let state = match self.lock_to_settle() {
            Ok(state) => state,
            Err(error) => {
                return Err(crate::Rejected {
                    error,
                    value: (value, keep),
                });
            }
        };
        // SAFETY: per the contract, `self.0` points at an `Inner` of this type, which the
        // reference held keeps alive. Accepted by `lock_to_settle`, so standalone, and not done
        // yet: with the lock held, this is the one settle it accepts.
        let inner = unsafe { self.0.cast::<Inner<T, E, Tail<H, F>>>().as_ref() };
        // SAFETY: as above: standalone, and the one call.
        unsafe { inner.tail.task.keep(keep) };
        self.settle_locked(state, Outcome::Returned(value));
        Ok(())
    }

    /// Gives up this reference as a pointer to the header it was made with (see
    /// [`Future::with_task`]; `H` is its type), for [`Future::from_raw`].
    #[cfg(feature = "capi")] // for the C API's handles only
    pub(crate) fn into_raw<H>(self) -> *const H {
        let inner = ManuallyDrop::new(self).0.as_ptr();
        // SAFETY: the reference given up keeps the allocation alive; `addr_of!` makes no
        // reference, so the pointer keeps the whole allocation's provenance for `from_raw`. The
        // header is the tail's first field (`repr(C)`).
        unsafe { std::ptr::addr_of!((*inner).tail) }.cast()
    }

    /// Takes back a reference given up by [`Future::into_raw`].
    ///
    /// # Safety
    /// `raw` came from `into_raw` of a future made by `with_task` with a header of type `H` and a
    /// task of type `F`, and the reference it stands for is given up by the caller.
    #[cfg(feature = "capi")] // for the C API's handles only
    pub(crate) unsafe fn from_raw<H, F>(raw: *const H) -> Future<T, E>
    where
        H: Send + Sync + 'static,
        F: TaskFn<T, E>,
    {
        let offset = std::mem::offset_of!(Inner<T, E, Tail<H, F>>, tail);
        // SAFETY: per the contract, `raw` points at the tail of an `Inner` of this type, `offset`
        // bytes into the allocation, with the provenance of the whole allocation (`into_raw`);
        // so the result is that `Inner`, not null. The reference is taken back.
        let inner = unsafe { raw.byte_sub(offset) }.cast::<Inner<T, E, Tail<H, F>>>();
        // SAFETY: as above, not null.
        Future(unsafe { NonNull::new_unchecked(inner.cast_mut()) })
    }
}

/// A pending future holding `task`, and a closure that runs it once as a pool's worker does:
/// for the loom models (`tests/loom.rs`), which have no pool.
#[cfg(loom)]
pub fn model_task<T, E, F>(task: F) -> (Future<T, E>, impl FnOnce() + Send)
where
    T: Send + 'static,
    E: Send + 'static,
    F: FnOnce() -> Result<T, E> + Send + 'static,
{
    let (future, task) = Future::with_task((), task);
    // Any number: no model interrupts.
    (future, move || task.run(1))
}
