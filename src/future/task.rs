//! A future's task, its type erased: what a pool queues ([`Queued`]) and runs or abandons once.

use std::alloc::{self, Layout};
use std::cell::UnsafeCell;
use std::marker::PhantomData;
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

/// The end of a future's allocation: the slot that holds the task, then its outcome, and a
/// header its submitter chose, which stays in place for the allocation's life, at the address
/// [`Future::into_raw`] gives (the C API keeps a handle's tag there, so that the future's own
/// pointer is its handle). A Rust pool's header is `()`. `repr(C)` keeps the slot first, where
/// a future that does not know its task's type finds its outcome (`Inner::outcome`).
#[repr(C)]
struct Tail<H, F, T, E> {
    slot: Slot<F, T, E>,
    header: H,
}

/// A future's allocation, with a header of type `H` and a task of type `F`.
type Allocation<T, E, H, F> = Inner<T, E, Tail<H, F, T, E>>;

/// A future's task until it is taken, then its outcome: one place for both, since the task is
/// taken (by the future's one [`Queued`], or its executor refusing it: [`Future::take_back`])
/// before anything stores an outcome, which only the claimer does, once: the worker that took
/// the task to run it, the pool that took it to abandon it, or the owner of a standalone future,
/// which never has a task. A cancellation stores no outcome (the status word says it, see
/// `outcome_stored`), so a cancelled future's task may stay in the slot until its `Queued`
/// takes it. `repr(C)`: both at the start, where [`OutcomeCell`] is found.
#[repr(C)]
union Slot<F, T, E> {
    task: ManuallyDrop<TaskCell<F>>,
    outcome: ManuallyDrop<OutcomeCell<T, E>>,
}

/// A future's task, taken once without a lock: only the future's one [`Queued`] takes it (or
/// its executor, refusing it: [`Future::take_back`]).
struct TaskCell<F>(UnsafeCell<Option<F>>);

// SAFETY: the cell is only read through `TaskCell::take`, which only `Task::run`,
// `Task::abandon`, `Queued`'s drop and `Future::take_back` call: the first three are private
// to this module and reached only through the one `Queued` that `with_task` makes for the
// future, each consuming it, as `take_back` does. So one thread, once, moves the task out
// (`F: Send`), before any outcome is stored in its place (see `Slot`); the future's other
// references never touch the cell. A standalone future has no `Queued`, and no task.
unsafe impl<F: Send> Sync for TaskCell<F> {}

impl<F> TaskCell<F> {
    /// Moves the task out. Called once per future (see the `Sync` impl).
    fn take(&self) -> Option<F> {
        // SAFETY: no other access to the cell can happen meanwhile (see the `Sync` impl).
        unsafe { (*self.0.get()).take() }
    }
}

impl<H, F, T, E> Tail<H, F, T, E> {
    /// The task's cell: see [`TaskCell`] for who may take from it, and when.
    fn task(&self) -> &TaskCell<F> {
        // SAFETY: the task's part of the slot is the one written at allocation and read until
        // the task is taken; the outcome is stored in its place only after that (see `Slot`).
        unsafe { &self.slot.task }
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
    /// Drops the task unrun, for a `Queued` dropped without being run or abandoned.
    fn drop_task(&self);
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
        // The task is taken; its slot may hold the outcome now, which `drop` must not take.
        let this = ManuallyDrop::new(self);
        // SAFETY: this holds one reference to a future from `with_task`, given up here.
        unsafe { release(this.0) };
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
    /// A `Queued` neither run nor abandoned: its task is dropped unrun (its slot then holds no
    /// outcome, cancelled or pending: see `Slot`), and its reference given up.
    fn drop(&mut self) {
        self.task().drop_task();
        // SAFETY: this holds one reference to a future from `with_task`, given up here.
        unsafe { release(self.0) };
    }
}

impl<T, E, H, F> Task for Allocation<T, E, H, F>
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
        drop(self.tail.task().take());
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

    fn drop_task(&self) {
        drop(self.tail.task().take());
    }
}

impl<T, E, H, F> Allocation<T, E, H, F>
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
        let task = unsafe { this.0.cast::<Self>().as_ref() }.tail.task().take();
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
        let inner = unsafe { future.0.cast::<Allocation<T, E, H, F>>().as_ref() };
        // The one `Queued` is consumed here instead of by `run` or `abandon` (see `TaskCell`);
        // its drop finds the task taken.
        let task = inner.tail.task().take().expect("a task is taken once");
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
    fn allocate<H, F>(status: u64, header: H, task: Option<F>) -> NonNull<Allocation<T, E, H, F>>
    where
        H: Send + Sync + 'static,
        F: TaskFn<T, E>,
    {
        let layout = Layout::new::<Allocation<T, E, H, F>>();
        // SAFETY: not zero-sized (it holds a status word).
        let inner = unsafe { alloc::alloc(layout) }.cast::<Allocation<T, E, H, F>>();
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
                _outcome: PhantomData,
                tail: Tail {
                    slot: Slot {
                        task: ManuallyDrop::new(TaskCell(UnsafeCell::new(task))),
                    },
                    header,
                },
            })
        };
        inner
    }

    /// Gives up this reference as a pointer to the header it was made with (see
    /// [`Future::with_task`]; `H` is its type, `F` its task's), for [`Future::from_raw`].
    ///
    /// # Safety
    /// The future was made with a header of type `H` and a task of type `F`.
    #[cfg(feature = "capi")] // for the C API's handles only
    pub(crate) unsafe fn into_raw<H, F>(self) -> *const H
    where
        H: Send + Sync + 'static,
        F: TaskFn<T, E>,
    {
        let inner = ManuallyDrop::new(self)
            .0
            .cast::<Allocation<T, E, H, F>>()
            .as_ptr();
        // SAFETY: per the contract, an `Inner` of this type, which the reference given up keeps
        // alive; `addr_of!` makes no reference, so the pointer keeps the whole allocation's
        // provenance for `from_raw`.
        unsafe { std::ptr::addr_of!((*inner).tail.header) }
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
        let offset = std::mem::offset_of!(Allocation<T, E, H, F>, tail.header);
        // SAFETY: per the contract, `raw` points at the header of an `Inner` of this type,
        // `offset` bytes into the allocation, with the provenance of the whole allocation
        // (`into_raw`); so the result is that `Inner`, not null. The reference is taken back.
        let inner = unsafe { raw.byte_sub(offset) }.cast::<Allocation<T, E, H, F>>();
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

#[cfg(all(test, not(loom)))]
mod tests {
    use super::*;
    use std::sync::Arc;
    use std::sync::atomic::AtomicUsize;

    /// Counts its drops.
    struct Counted(Arc<AtomicUsize>);

    impl Drop for Counted {
        fn drop(&mut self) {
            // Relaxed: read by this thread.
            self.0.fetch_add(1, Ordering::Relaxed);
        }
    }

    /// Takes a future, whose task counts its drops and returns a result that counts its own,
    /// and its `Queued` down one `path`, which drops both; returns the drops of the task and of
    /// its result.
    fn drops_after(path: impl FnOnce(Future<Counted, ()>, Queued, &AtomicUsize)) -> (usize, usize) {
        let (task_drops, result_drops) = (Arc::new(AtomicUsize::new(0)), Arc::default());
        let captured = Counted(Arc::clone(&task_drops));
        let result = Arc::clone(&result_drops);
        let (future, queued) = Future::with_task((), move || {
            let _captured = captured;
            Ok(Counted(result))
        });
        path(future, queued, &task_drops);
        (count(&task_drops), count(&result_drops))
    }

    fn count(drops: &AtomicUsize) -> usize {
        drops.load(Ordering::Relaxed)
    }

    /// The outcome of a done future.
    fn outcome<T, E>(future: &Future<T, E>) -> &Outcome<T, E> {
        assert!(future.completed());
        // SAFETY: `DONE` seen with acquire ordering (`completed`); one thread uses the future.
        unsafe { future.done_outcome() }
    }

    // The task and the outcome share one slot (`Slot`): each is dropped once, and only what is
    // there is dropped.

    #[test]
    fn a_task_run_leaves_its_result_in_its_place() {
        let drops = drops_after(|future, queued, task_drops| {
            queued.run(1);
            assert_eq!(count(task_drops), 1);
            assert!(matches!(outcome(&future), Outcome::Returned(_)));
        });
        assert_eq!(drops, (1, 1));
    }

    #[test]
    fn a_cancelled_future_keeps_its_task_until_its_queued_is_dropped() {
        let drops = drops_after(|future, queued, task_drops| {
            assert!(future.cancel());
            assert!(matches!(outcome(&future), Outcome::Cancelled));
            assert_eq!(count(task_drops), 0, "still in the slot");
            drop(queued);
            assert_eq!(count(task_drops), 1);
        });
        assert_eq!(drops, (1, 0));
    }

    #[test]
    fn a_cancelled_task_run_is_dropped_unrun() {
        let drops = drops_after(|future, queued, _| {
            assert!(future.cancel());
            queued.run(1);
        });
        assert_eq!(drops, (1, 0));
    }

    #[test]
    fn a_pending_future_outlived_by_its_queued_frees_the_task_unrun() {
        let drops = drops_after(|future, queued, task_drops| {
            drop(future);
            assert_eq!(count(task_drops), 0);
            drop(queued);
        });
        assert_eq!(drops, (1, 0));
    }

    #[test]
    fn an_abandoned_task_leaves_the_future_broken() {
        let drops = drops_after(|future, queued, task_drops| {
            queued.abandon(true);
            assert_eq!(count(task_drops), 1);
            assert!(matches!(outcome(&future), Outcome::Broken));
        });
        assert_eq!(drops, (1, 0));
    }
}
