//! `Pool`: Python's `concurrent.futures.ThreadPoolExecutor`.
//!
//! Submitted tasks go, each stored in its [`Future`]'s allocation, through a work list under the
//! pool's state lock to worker threads ([`Thread`]s named `<prefix>_N`, so `enumerate()` lists
//! them): one allocation and one lock per submit, and a wake-up only when a worker sleeps.
//! Workers start lazily, one per submit while none is idle, up to `max_workers`; the idle count
//! is CPython's idle semaphore: a worker adds one each time it finishes a task, a submit takes
//! one instead of starting a thread.
//!
//! Shutting the pool down wakes every sleeping worker: workers run what is queued, then find the
//! list empty and the pool shut down, and exit. `cancel_futures` empties the list at once but for
//! the tasks handed to workers still starting (below), and the tasks removed are cancelled
//! without running; a failed initializer, which breaks the pool, empties it entirely and fails
//! the tasks removed as broken.
//!
//! A submit that starts a worker hands it a task, as in CPython, where the new worker takes the
//! oldest queued task before the submitting thread, which waits for it to start, has the GIL
//! back: here a worker counts as starting until it first asks for work, and each starting worker
//! keeps one queued task, the oldest, from `cancel_futures`. A task submitted just before
//! `shutdown(cancel_futures)` thus runs whenever its submit started a worker.
//!
//! The pool can be resized ([`Pool::set_max_workers`]): a larger limit starts workers for the
//! queued tasks no worker is free for; a smaller one retires workers as they next ask for work
//! (as Java's `ThreadPoolExecutor.setMaximumPoolSize` does), waking the idle ones to retire. Its
//! work list can be bounded ([`Pool::set_max_pending`]): a submit that finds it full waits on
//! `room`, counted in `submitters`, for a worker to take a task, as a bounded queue's put does.
//! The check is one comparison with the limit (`usize::MAX` when unbounded) beside the
//! shutdown checks, under the lock the submit takes anyway.
//!
//! A pool whose [`Pool`] is dropped shuts down without waiting; and at process exit every pool is
//! shut down and its workers joined before weft waits for the non-daemon threads, as CPython's
//! `_python_exit` does, so idle workers never keep the process alive.

use std::cell::RefCell;
use std::collections::VecDeque;
use std::num::NonZero;
use std::panic::{self, AssertUnwindSafe};
use std::sync::{Arc, Weak};

use crate::future::{Future, InOrder, Queued, TaskFn};
use crate::loom::atomic::{AtomicBool, AtomicUsize, Ordering};
use crate::loom::{ArcGuard, Mutex, MutexGuard};
use crate::park::{Condvar, Waiters};
use crate::runners::{self, Runner};
use crate::thread::{self, Thread};
use crate::timeout::Deadline;
use crate::{Error, Rejected, Timeout};
use crate::{fork, os};

/// A worker initializer: called once at the start of each worker; false means it failed, which
/// breaks the pool.
pub type Initializer = Box<dyn Fn() -> bool + Send + Sync>;

/// A pool of worker threads running submitted tasks. Python:
/// `concurrent.futures.ThreadPoolExecutor`.
pub struct Pool {
    shared: Arc<Shared>,
}

/// What the pool's handle and its workers share.
struct Shared {
    thread_name_prefix: String,
    initializer: Option<Initializer>,
    /// Idle workers wait here for work (or the shutdown) under the state lock.
    work_ready: Condvar,
    /// Submits wait here for room in a bounded work list (or the shutdown).
    room: Condvar,
    state: Mutex<State>,
}

struct State {
    /// Every worker started, for the shutdown to join: those that retired too.
    threads: Vec<Thread>,
    /// The most workers that run at once.
    max_workers: usize,
    /// Workers started that have not exited (nor retired).
    live: usize,
    /// Queued tasks, oldest first.
    work: VecDeque<Queued>,
    /// The most tasks `work` holds; `usize::MAX` for no limit.
    max_pending: usize,
    /// Submits waiting on `room`.
    submitters: Waiters,
    /// CPython's `_idle_semaphore`: tasks finished minus submits that relied on an idle worker.
    idle: usize,
    /// Workers started that have not yet asked for work: each is owed the oldest queued task
    /// (see the module documentation).
    starting: usize,
    /// Workers that found no work and wait (or are about to) on `work_ready`: a submit wakes
    /// one only if one sleeps and no other submit woke it already.
    sleepers: Waiters,
    shutdown: bool,
    broken: bool,
}

/// Every pool alive, for the exit hook; entries of dropped pools are pruned as pools are made.
static POOLS: Mutex<Vec<Weak<Shared>>> = Mutex::new(Vec::new());
/// Set by the exit hook: no pool accepts work from then on (CPython's global `_shutdown`).
static EXITING: AtomicBool = AtomicBool::new(false);
static EXIT_CALLBACK: os::Hook = os::Hook::new();
static FORK_HOOK: os::Hook = os::Hook::new();
/// Numbers the default thread name prefixes `ThreadPoolExecutor-N`, from 0 as in CPython.
static POOL_COUNTER: AtomicUsize = AtomicUsize::new(0);

/// What the thread that calls `fork()` holds from just before the fork to just after, in the
/// parent and in the child: [`POOLS`], and the state of every pool in it. So the child never
/// inherits the list, or a pool's state, locked by a thread it does not have (its first
/// `Pool::new`, a submit, or the exit hook shutting the pools down would wait for ever), nor a
/// state half-updated.
type HeldForFork = (
    MutexGuard<'static, Vec<Weak<Shared>>>,
    Vec<ArcGuard<Shared, State>>,
);

thread_local! {
    static POOLS_HELD_FOR_FORK: RefCell<Option<HeldForFork>> = const { RefCell::new(None) };
}

extern "C" fn lock_pools_before_fork() {
    fork::hold_for_fork(&POOLS_HELD_FOR_FORK, || {
        let pools = POOLS.lock();
        let states = pools
            .iter()
            .filter_map(Weak::upgrade)
            .map(|pool| Mutex::lock_arc(pool, |pool| &pool.state))
            .collect();
        (pools, states)
    });
    // The workers' numbers too (no lock is taken while that list is held).
    runners::lock_before_fork();
}

// Dropping the guards unlocks the list and the states.
extern "C" fn unlock_pools_in_parent() {
    runners::unlock_in_parent();
    drop(fork::held_in_parent(&POOLS_HELD_FOR_FORK));
}

/// The parent's workers are not the child's (nor is the work they were running, whose futures
/// stay pending there): each pool forgets them, so that the exit hook has none to wait for and a
/// task the child submits starts a worker of the child's instead of counting on an idle one of
/// the parent. Queued tasks stay queued for the child's workers.
extern "C" fn unlock_pools_in_child() {
    runners::unlock_in_child();
    let Some((pools, mut states)) = fork::held_in_child(&POOLS_HELD_FOR_FORK) else {
        return;
    };
    for state in &mut states {
        state.threads.clear();
        state.live = 0;
        state.idle = 0;
        state.sleepers = Waiters::default();
        state.submitters = Waiters::default();
    }
    drop((states, pools));
}

/// Installs the pools' fork handlers, once (see `os::Hook`; the library's constructor does it
/// first, see `lib.rs`).
pub(crate) fn arm_fork_handlers() {
    // A submit starts a worker, which takes the thread registry, with its pool's state locked:
    // the pools' `prepare` must take the states before the registry's takes the registry, and
    // `pthread_atfork` runs the `prepare` handlers last installed first.
    thread::arm_fork_handlers();
    os::at_fork(
        &FORK_HOOK,
        Some(lock_pools_before_fork),
        Some(unlock_pools_in_parent),
        unlock_pools_in_child,
    );
}

/// The default `max_workers`: `min(32, cpu count + 4)`, as in CPython.
pub fn default_max_workers() -> usize {
    let cpus = std::thread::available_parallelism().map_or(1, NonZero::get);
    32.min(cpus + 4)
}

impl Pool {
    /// A pool of at most `max_workers` threads (0: [`default_max_workers`]), named
    /// `<thread_name_prefix>_N` (an empty prefix gives `ThreadPoolExecutor-M`), each running
    /// `initializer` first if given. Python: `ThreadPoolExecutor(max_workers, thread_name_prefix,
    /// initializer)`. No thread starts before the first submit.
    pub fn new(
        max_workers: usize,
        thread_name_prefix: &str,
        initializer: Option<Initializer>,
    ) -> Pool {
        let max_workers = match max_workers {
            0 => default_max_workers(),
            n => n,
        };
        let thread_name_prefix = if thread_name_prefix.is_empty() {
            // Relaxed: only uniqueness matters.
            let n = POOL_COUNTER.fetch_add(1, Ordering::Relaxed);
            format!("ThreadPoolExecutor-{n}")
        } else {
            thread_name_prefix.to_owned()
        };
        let shared = Arc::new(Shared {
            thread_name_prefix,
            initializer,
            work_ready: Condvar::new(),
            room: Condvar::new(),
            state: Mutex::new(State {
                threads: Vec::new(),
                max_workers,
                live: 0,
                work: VecDeque::new(),
                max_pending: usize::MAX,
                submitters: Waiters::default(),
                idle: 0,
                starting: 0,
                sleepers: Waiters::default(),
                shutdown: false,
                broken: false,
            }),
        });
        EXIT_CALLBACK.install(|| {
            // Refused only once the process is exiting, when EXITING keeps pools from starting
            // workers anyway. Harmless twice: a pool shut down is shut down again at once.
            let _ = thread::register_atexit(shut_down_every_pool);
        });
        arm_fork_handlers();
        let mut pools = POOLS.lock();
        pools.retain(|p| p.strong_count() > 0);
        pools.push(Arc::downgrade(&shared));
        drop(pools);
        Pool { shared }
    }

    /// The most threads this pool runs. Python: `executor._max_workers`.
    pub fn max_workers(&self) -> usize {
        self.shared.state.lock().max_workers
    }

    /// Changes the most threads this pool runs (0: [`default_max_workers`]). Java:
    /// `ThreadPoolExecutor.setMaximumPoolSize`.
    ///
    /// A larger limit starts a worker now for each queued task that no idle or starting worker
    /// will take, up to the limit; a smaller one retires workers as they next ask for work (a
    /// running task is never interrupted), waking the idle ones to do so.
    /// [`Error::CantStartThread`] if a worker could not be started (the limit is set anyway).
    pub fn set_max_workers(&self, max_workers: usize) -> Result<(), Error> {
        let shared = &self.shared;
        let mut state = shared.state.lock();
        state.max_workers = match max_workers {
            0 => default_max_workers(),
            n => n,
        };
        let taken = state.sleepers.count() + state.starting;
        let mut uncovered = state.work.len().saturating_sub(taken);
        let mut result = Ok(());
        while uncovered > 0 && state.live < state.max_workers && !state.shutdown && !state.broken {
            if let Err(error) = shared.start_worker(&mut state) {
                result = Err(error);
                break;
            }
            uncovered -= 1;
        }
        let wake = state.live > state.max_workers && state.sleepers.pick_all();
        drop(state);
        if wake {
            shared.work_ready.notify_all();
        }
        result
    }

    /// The most tasks queued at once (waiting for a worker), 0 for no limit (the default).
    pub fn max_pending(&self) -> usize {
        match self.shared.state.lock().max_pending {
            usize::MAX => 0,
            n => n,
        }
    }

    /// Bounds the tasks queued at once (waiting for a worker) to `max_pending`, 0 for no limit.
    /// A submit that finds that many waits for a worker to take one (back-pressure), as a
    /// bounded queue's put does. Tasks already queued beyond a lowered limit stay queued. A
    /// task that submits to its own pool waits too: when every worker does so on a full list,
    /// none ever makes room (use [`Pool::submit_timeout`] there).
    pub fn set_max_pending(&self, max_pending: usize) {
        let mut state = self.shared.state.lock();
        state.max_pending = match max_pending {
            0 => usize::MAX,
            n => n,
        };
        // The waiting submits look again at the new limit.
        let wake = state.submitters.pick_all();
        drop(state);
        if wake {
            self.shared.room.notify_all();
        }
    }

    /// The pool's workers and tasks now (a snapshot).
    pub fn counts(&self) -> PoolCounts {
        let state = self.shared.state.lock();
        let idle = state.sleepers.count();
        PoolCounts {
            pending: state.work.len(),
            active: state.live - idle,
            idle,
        }
    }

    /// Schedules `task` and returns its future. Python: `executor.submit(fn)`.
    ///
    /// Starts a worker if none is idle and fewer than `max_workers` run. When the work list
    /// is full ([`Pool::set_max_pending`]), waits without limit for room. A refused task comes
    /// back, not run: [`Error::PoolBroken`] if an initializer failed, [`Error::PoolShutDown`]
    /// after `shutdown` or once the process is exiting, [`Error::CantStartThread`] if a needed
    /// worker could not be started.
    pub fn submit<T, E, F>(&self, task: F) -> Result<Future<T, E>, Rejected<F>>
    where
        T: Send + 'static,
        E: Send + 'static,
        F: FnOnce() -> Result<T, E> + Send + 'static,
    {
        self.submit_with_header((), task, Timeout::Forever)
    }

    /// [`Pool::submit`], waiting at most `timeout` for room in a full work list
    /// (`Timeout::After(ZERO)`: not at all); [`Error::QueueFull`] if none came in time.
    pub fn submit_timeout<T, E, F>(
        &self,
        task: F,
        timeout: Timeout,
    ) -> Result<Future<T, E>, Rejected<F>>
    where
        T: Send + 'static,
        E: Send + 'static,
        F: FnOnce() -> Result<T, E> + Send + 'static,
    {
        self.submit_with_header((), task, timeout)
    }

    /// [`Pool::submit_timeout`] for any [`TaskFn`], its future made with `header` (see
    /// [`Future::into_raw`]).
    // Inlined into every caller: shared by `weft_pool_submit` and `map_with_header`, it was a
    // call of its own, 25 instructions more per C task (BENCHMARKS.md, standalone futures).
    #[inline(always)]
    pub(crate) fn submit_with_header<T, E, H, F>(
        &self,
        header: H,
        task: F,
        timeout: Timeout,
    ) -> Result<Future<T, E>, Rejected<F>>
    where
        T: Send + 'static,
        E: Send + 'static,
        H: Send + Sync + 'static,
        F: TaskFn<T, E>,
    {
        let shared = &self.shared;
        // The future is made before the lock is taken, so that its allocation (with the page
        // faults of a growing heap) is no part of the time the lock is held; a refused task is
        // taken back out of it.
        let (future, queued) = Future::with_task(header, task);
        let mut state = shared.state.lock();
        // Relaxed: the exit hook shuts each pool down under its state lock after setting
        // EXITING, so work accepted here before it does so still runs.
        let refused = if state.broken
            || state.shutdown
            || EXITING.load(Ordering::Relaxed)
            || state.work.len() >= state.max_pending
        {
            shared.wait_for_room(&mut state, timeout).err()
        } else {
            None
        };
        let refused = refused.or_else(|| shared.adjust_thread_count(&mut state).err());
        if let Some(error) = refused {
            drop(state);
            // SAFETY: the two references `with_task` made above, with this header and task.
            let task = unsafe { Future::take_back::<H, F>(future, queued) };
            return Err(Rejected { error, value: task });
        }
        state.work.push_back(queued);
        let wake = state.sleepers.pick_one();
        drop(state);
        if wake {
            shared.work_ready.notify_one();
        }
        Ok(future)
    }

    /// Submits each of `tasks` and hands out their futures in order, as each is done, all by
    /// `timeout` from now. Python: `executor.map(fn, *iterables, timeout)`: see [`InOrder`] for
    /// when the iteration ends. If a task is refused (see [`Pool::submit`]), the tasks
    /// submitted are cancelled (those running finish), the others dropped, and the error
    /// returned.
    pub fn map<T, E, F>(
        &self,
        tasks: impl IntoIterator<Item = F>,
        timeout: Timeout,
    ) -> Result<InOrder<T, E>, Error>
    where
        T: Send + 'static,
        E: Send + 'static,
        F: FnOnce() -> Result<T, E> + Send + 'static,
    {
        self.map_with_header(|| (), tasks, timeout)
    }

    /// [`Pool::map`] for any [`TaskFn`], each future made with a `header()` (see
    /// [`Future::into_raw`]).
    pub(crate) fn map_with_header<T, E, H, F>(
        &self,
        header: impl Fn() -> H,
        tasks: impl IntoIterator<Item = F>,
        timeout: Timeout,
    ) -> Result<InOrder<T, E>, Error>
    where
        T: Send + 'static,
        E: Send + 'static,
        H: Send + Sync + 'static,
        F: TaskFn<T, E>,
    {
        let deadline = timeout.deadline();
        let mut futures = Vec::new();
        for task in tasks {
            // A bounded pool's full work list makes this wait for room, as `submit` does.
            match self.submit_with_header(header(), task, Timeout::Forever) {
                Ok(future) => futures.push(future),
                Err(rejected) => {
                    // Dropping the iteration cancels what was submitted.
                    drop(InOrder::new(futures, deadline));
                    return Err(rejected.error);
                }
            }
        }
        Ok(InOrder::new(futures, deadline))
    }

    /// Stops accepting work and, with `wait`, waits for every worker to exit. Python:
    /// `executor.shutdown(wait, cancel_futures)`.
    ///
    /// Queued tasks still run, unless `cancel_futures`: then they are cancelled now (their
    /// callbacks run in the calling thread), but for one per worker still starting, which the
    /// submit that started it handed it, as in CPython. Calling it again is harmless.
    /// [`Error::JoinCurrent`] if called with `wait` from one of the pool's workers (after
    /// waiting for the others); [`Error::Interrupted`] if the calling thread's cancellation
    /// token ended the wait (the shutdown goes on; calling it again waits for the rest).
    pub fn shutdown(&self, wait: bool, cancel_futures: bool) -> Result<(), Error> {
        let threads = self.shared.begin_shutdown(cancel_futures);
        let mut result = Ok(());
        if wait {
            for thread in threads {
                match thread.join(Timeout::Forever) {
                    Ok(true) => {}
                    // Only a cancellation token ends a join without a timeout early.
                    Ok(false) => return Err(Error::Interrupted),
                    Err(error) => result = Err(error),
                }
            }
        }
        result
    }
}

impl Drop for Pool {
    /// Shuts the pool down without waiting: the workers run what is queued, then exit.
    fn drop(&mut self) {
        self.shared.begin_shutdown(false);
    }
}

/// What [`Pool::counts`] reads back.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct PoolCounts {
    /// Tasks submitted that no worker has taken yet.
    pub pending: usize,
    /// Workers running a task, or starting (their initializer).
    pub active: usize,
    /// Workers waiting for a task.
    pub idle: usize,
}

impl Shared {
    /// Why a submit cannot queue its task now: the pool is broken or shut down, or, after
    /// waiting at most `timeout` for room in a full work list, [`Error::QueueFull`]. Called with
    /// the state lock held.
    #[cold]
    fn wait_for_room(
        &self,
        state: &mut MutexGuard<'_, State>,
        timeout: Timeout,
    ) -> Result<(), Error> {
        let mut deadline = None;
        loop {
            if state.broken {
                return Err(Error::PoolBroken);
            }
            // Relaxed: see `Pool::submit_with_header`.
            if state.shutdown || EXITING.load(Ordering::Relaxed) {
                return Err(Error::PoolShutDown);
            }
            if state.work.len() < state.max_pending {
                return Ok(());
            }
            let deadline = *deadline.get_or_insert_with(|| timeout.deadline());
            if deadline.expired() {
                return Err(Error::QueueFull);
            }
            self.room
                .wait_counted(state, |s| &mut s.submitters, deadline);
        }
    }

    /// CPython's `_adjust_thread_count`: takes an idle worker if there is one, else starts a
    /// worker if fewer than `max_workers` run. Called with the state lock held.
    fn adjust_thread_count(self: &Arc<Self>, state: &mut State) -> Result<(), Error> {
        if state.idle > 0 {
            state.idle -= 1;
            return Ok(());
        }
        if state.live >= state.max_workers {
            return Ok(());
        }
        self.start_worker(state)
    }

    /// Starts a worker. Called with the state lock held.
    fn start_worker(self: &Arc<Self>, state: &mut State) -> Result<(), Error> {
        let name = format!("{}_{}", self.thread_name_prefix, state.threads.len());
        let shared = Arc::clone(self);
        let thread = Thread::named(&name, move || shared.run_worker());
        thread.start()?;
        state.threads.push(thread);
        state.live += 1;
        state.starting += 1;
        Ok(())
    }

    /// A worker's body: the initializer, then tasks until the pool is shut down (or broken) and
    /// no work is left.
    fn run_worker(&self) {
        if let Some(initializer) = &self.initializer {
            // A panicking Rust initializer fails like one that returns false.
            if !panic::catch_unwind(AssertUnwindSafe(initializer)).unwrap_or(false) {
                self.initializer_failed();
                return;
            }
        }
        // The worker's cancellation token, for `Future::interrupt` (see `runners.rs`).
        let runner = Runner::register();
        let mut ran = false;
        while let Some(task) = self.next_task(ran) {
            task.run(runner.number());
            runner.task_done();
            ran = true;
        }
    }

    /// The oldest queued task, waiting for one while the pool accepts work; `None` once it
    /// does not and the list is empty, or when the worker retires (more run than
    /// `max_workers`). `ran`: the worker just finished a task, so it counts as idle again
    /// (CPython releases the idle semaphore), in the same critical section; otherwise this is
    /// the worker's first call, and it is no longer starting. Taking a task wakes a submit
    /// waiting for room.
    fn next_task(&self, ran: bool) -> Option<Queued> {
        let mut state = self.state.lock();
        state.idle += usize::from(ran);
        state.starting -= usize::from(!ran);
        loop {
            if state.live > state.max_workers {
                // Retiring: no longer counted idle, nor among the workers.
                state.idle = state.idle.saturating_sub(usize::from(ran));
                state.live -= 1;
                return None;
            }
            if let Some(task) = state.work.pop_front() {
                if state.submitters.pick_one() {
                    drop(state);
                    self.room.notify_one();
                }
                return Some(task);
            }
            if state.shutdown || state.broken {
                state.live -= 1;
                return None;
            }
            // No cancellation token ends it: a task may leave one installed on its worker.
            self.work_ready
                .wait_counted(&mut state, |s| &mut s.sleepers, Deadline::FOREVER);
        }
    }

    /// Stops the workers taking work: `set` sets `shutdown` or `broken` and returns how many
    /// queued tasks, the oldest, stay queued; the others are removed. Wakes every sleeping
    /// worker. Returns the removed tasks and the workers.
    fn stop(&self, set: impl FnOnce(&mut State) -> usize) -> (VecDeque<Queued>, Vec<Thread>) {
        let mut state = self.state.lock();
        let keep = set(&mut state).min(state.work.len());
        let removed = state.work.split_off(keep);
        let threads = state.threads.clone();
        let wake = state.sleepers.pick_all();
        // The waiting submits fail.
        let wake_submitters = state.submitters.pick_all();
        drop(state);
        if wake {
            self.work_ready.notify_all();
        }
        if wake_submitters {
            self.room.notify_all();
        }
        (removed, threads)
    }

    /// Breaks the pool: later submits fail, and queued tasks fail as broken without running.
    /// Called by a worker whose initializer failed, which never asks for work.
    fn initializer_failed(&self) {
        let (abandoned, _) = self.stop(|state| {
            state.broken = true;
            state.starting -= 1;
            state.live -= 1;
            0
        });
        for task in abandoned {
            task.abandon(true);
        }
    }

    /// Stops accepting work, cancels the queued tasks if asked (but those owed to starting
    /// workers), and returns the workers.
    fn begin_shutdown(&self, cancel_futures: bool) -> Vec<Thread> {
        let (abandoned, threads) = self.stop(|state| {
            state.shutdown = true;
            if cancel_futures {
                state.starting
            } else {
                usize::MAX
            }
        });
        for task in abandoned {
            task.abandon(false);
        }
        threads
    }
}

/// The exit hook's callback (CPython's `_python_exit`): shuts every pool down, letting queued
/// tasks run, and waits for their workers.
fn shut_down_every_pool() {
    // Relaxed: see `Pool::submit`.
    EXITING.store(true, Ordering::Relaxed);
    let pools: Vec<Arc<Shared>> = POOLS.lock().iter().filter_map(Weak::upgrade).collect();
    let threads: Vec<Thread> = pools.iter().flat_map(|p| p.begin_shutdown(false)).collect();
    for thread in threads {
        // A worker exiting the process from a task cannot join itself; nothing else can fail.
        let _ = thread.join(Timeout::Forever);
    }
}
