//! `Scheduler`: one thread serving many timers, one-shot and periodic. Java's
//! `ScheduledExecutorService` (`schedule`, `scheduleAtFixedRate`, `scheduleWithFixedDelay`) with
//! one thread; Python's `asyncio` `loop.call_later` without the event loop.
//!
//! Where each [`Thread::timer`] is a thread of its own (as in CPython), a scheduler keeps its
//! timers in a binary heap ordered by when they are due (then by the order they were made), and
//! its one thread sleeps until the earliest is due, runs it, and sleeps again: a pending timer
//! costs its heap entry and its future, no thread. The calls run in the scheduler's thread, one
//! at a time: a call that takes long delays the others (hand long work to a [`Pool`] from the
//! call).
//!
//! Each timer is a [`Future`]: a one-shot's is its call's result, made and completed as a
//! pool's task (cancelling it before it is due keeps the call from running); a periodic one's
//! never returns, and ends cancelled ([`Future::cancel`], at any time, even while a run is under
//! way: that run finishes, no other starts) or failed, by the first run that fails (Java's
//! `ScheduledFuture`). A cancelled timer stays in the heap until it is due, or until the heap
//! has doubled since it was last swept: so the heap holds at most about twice the timers alive.
//!
//! The thread is a daemon: at process exit, timers not yet due never fire and nothing waits for
//! them. [`Scheduler::shutdown`] (or dropping the [`Scheduler`]) cancels every pending timer and
//! ends the thread.
//!
//! A child made by `fork()` has no scheduler thread (as CPython's `Timer` threads vanish in a
//! child), and the state it shared may have been locked by that thread at the fork. So in the
//! child a scheduler made before the fork acts as one shut down, without touching that state:
//! new timers are refused with [`Error::PoolShutDown`] rather than accepted and never run, it
//! holds no timer, and shutting it down or dropping it does nothing. The parent's timers are
//! not the child's: their futures stay pending there (as the futures of a pool's tasks running
//! at the fork do). Make a new scheduler in the child.
//!
//! [`Pool`]: crate::Pool

use std::cmp::Ordering as Order;
use std::collections::BinaryHeap;
use std::panic::{self, AssertUnwindSafe};
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::future::{Future, Outcome, Queued, TaskFn};
use crate::loom::atomic::{AtomicUsize, Ordering};
use crate::loom::{Mutex, MutexGuard};
use crate::park::{Condvar, Waiters};
use crate::runners::Runner;
use crate::thread::Thread;
use crate::timeout::{Deadline, Timeout};
use crate::{Error, Rejected};

/// How a periodic timer's runs are spaced. Java: `scheduleAtFixedRate` and
/// `scheduleWithFixedDelay`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Period {
    /// Runs start `period` apart, counted from when each was due: a run that starts late (the
    /// thread was busy) is followed by the next one as soon as it is due, to catch up. Runs never
    /// overlap.
    FixedRate(Duration),
    /// Each run starts `period` after the previous one ended.
    FixedDelay(Duration),
}

/// One thread running timers, one-shot and periodic. See the module documentation.
pub struct Scheduler {
    shared: Arc<Shared>,
    thread: Thread,
}

/// What the handle and the thread share.
struct Shared {
    state: Mutex<State>,
    /// The thread waits here for the earliest timer to be due, or for an earlier one.
    wake: Condvar,
}

struct State {
    /// The timers, earliest due at the top.
    timers: BinaryHeap<Entry>,
    /// How many timers were made: numbers them, so that timers due at one instant run in the
    /// order they were made.
    made: u64,
    /// The heap's size after its last sweep of cancelled timers: the next sweep comes when it
    /// has doubled.
    swept: usize,
    /// The thread, while it waits: a timer that does not become the earliest makes no call into
    /// the parking lot.
    sleepers: Waiters,
    shutdown: bool,
}

/// The smallest heap that is swept: below, cancelled timers are left to fall due.
const SWEEP_FROM: usize = 64;

/// Numbers the schedulers' threads, `Scheduler-N` from 0.
static SCHEDULER_COUNTER: AtomicUsize = AtomicUsize::new(0);

/// A timer in the heap.
struct Entry {
    due: Instant,
    /// `State::made` when it was made: ties in `due` run in this order.
    order: u64,
    job: Job,
}

enum Job {
    /// A one-shot timer: a pool's kind of task, run (unless cancelled) or abandoned once.
    Once(Queued),
    /// A periodic timer.
    Every(Box<dyn Repeat>),
}

/// A periodic timer's call and its future, their types erased.
trait Repeat: Send {
    /// Runs the call once, unless its future is done; whether to run it again.
    fn run(&mut self) -> bool;
    /// Whether its future is done: cancelled, failed or completed by hand.
    fn done(&self) -> bool;
    /// Cancels its future (the scheduler shuts down).
    fn cancel(&self);
    fn period(&self) -> Period;
}

struct Repeating<T, E, F> {
    future: Future<T, E>,
    call: F,
    period: Period,
}

impl<T, E, F> Repeat for Repeating<T, E, F>
where
    T: Send + 'static,
    E: Send + 'static,
    F: FnMut() -> Result<(), E> + Send + 'static,
{
    fn run(&mut self) -> bool {
        if self.future.done() {
            return false;
        }
        let outcome = match panic::catch_unwind(AssertUnwindSafe(&mut self.call)) {
            Ok(Ok(())) => return true,
            Ok(Err(error)) => Outcome::Failed(error),
            Err(_) => Outcome::Panicked,
        };
        // Refused only if the future was cancelled (or completed) meanwhile: it is over anyway.
        let _ = self.future.settle(outcome);
        false
    }

    fn done(&self) -> bool {
        self.future.done()
    }

    fn cancel(&self) {
        self.future.cancel();
    }

    fn period(&self) -> Period {
        self.period
    }
}

impl Job {
    fn done(&self) -> bool {
        match self {
            Job::Once(task) => task.done(),
            Job::Every(repeat) => repeat.done(),
        }
    }

    /// Gives the timer up unrun: its future is cancelled.
    fn abandon(self) {
        match self {
            Job::Once(task) => task.abandon(false),
            Job::Every(repeat) => repeat.cancel(),
        }
    }
}

impl PartialEq for Entry {
    fn eq(&self, other: &Entry) -> bool {
        self.cmp(other) == Order::Equal
    }
}

impl Eq for Entry {}

impl PartialOrd for Entry {
    fn partial_cmp(&self, other: &Entry) -> Option<Order> {
        Some(self.cmp(other))
    }
}

impl Ord for Entry {
    /// Reversed, so that `BinaryHeap`, a max-heap, keeps the earliest (then the oldest) on top.
    fn cmp(&self, other: &Entry) -> Order {
        (other.due, other.order).cmp(&(self.due, self.order))
    }
}

impl Scheduler {
    /// A scheduler and its thread, a daemon named `Scheduler-N`, started now.
    /// [`Error::CantStartThread`] if the OS cannot create it.
    pub fn new() -> Result<Scheduler, Error> {
        let shared = Arc::new(Shared {
            state: Mutex::new(State {
                timers: BinaryHeap::new(),
                made: 0,
                swept: 0,
                sleepers: Waiters::default(),
                shutdown: false,
            }),
            wake: Condvar::new(),
        });
        // Relaxed: only uniqueness matters.
        let n = SCHEDULER_COUNTER.fetch_add(1, Ordering::Relaxed);
        let serving = Arc::clone(&shared);
        let thread = Thread::named(&format!("Scheduler-{n}"), move || serving.run());
        thread.set_daemon(true)?;
        thread.start()?;
        Ok(Scheduler { shared, thread })
    }

    /// Calls `call` once, `delay` from now, unless its future is cancelled first; the future
    /// gets its result. Java: `schedule(callable, delay)`; Python: `loop.call_later(delay, fn)`.
    /// Refused, `call` handed back: [`Error::PoolShutDown`] after [`Scheduler::shutdown`].
    pub fn call_later<T, E, F>(&self, delay: Duration, call: F) -> Result<Future<T, E>, Rejected<F>>
    where
        T: Send + 'static,
        E: Send + 'static,
        F: FnOnce() -> Result<T, E> + Send + 'static,
    {
        self.call_later_with_header(delay, (), call)
    }

    /// [`Scheduler::call_later`] for any [`TaskFn`], its future made with `header` (see
    /// `Future::into_raw`).
    pub(crate) fn call_later_with_header<T, E, H, F>(
        &self,
        delay: Duration,
        header: H,
        task: F,
    ) -> Result<Future<T, E>, Rejected<F>>
    where
        T: Send + 'static,
        E: Send + 'static,
        H: Send + Sync + 'static,
        F: TaskFn<T, E>,
    {
        if self.forked() {
            return Err(Rejected {
                error: Error::PoolShutDown,
                value: task,
            });
        }
        let mut state = self.shared.state.lock();
        if state.shutdown {
            return Err(Rejected {
                error: Error::PoolShutDown,
                value: task,
            });
        }
        let (future, task) = Future::with_task(header, task);
        self.shared.add(&mut state, delay, Job::Once(task));
        Ok(future)
    }

    /// Calls `call` `delay` from now, then again every `period` (see [`Period`]), until its
    /// future is cancelled or a call fails (the future then fails with its error) or panics.
    /// Java: `scheduleAtFixedRate` and `scheduleWithFixedDelay`. The future never returns a
    /// value. Refused, `call` handed back: [`Error::PoolShutDown`] after
    /// [`Scheduler::shutdown`]; [`Error::InvalidArgument`] for a zero period.
    pub fn call_every<E, F>(
        &self,
        delay: Duration,
        period: Period,
        call: F,
    ) -> Result<Future<(), E>, Rejected<F>>
    where
        E: Send + 'static,
        F: FnMut() -> Result<(), E> + Send + 'static,
    {
        let future = Future::new();
        self.call_every_with(delay, period, future.clone(), call)?;
        Ok(future)
    }

    /// [`Scheduler::call_every`], with the future it ends: one made by `Future::standalone`.
    pub(crate) fn call_every_with<T, E, F>(
        &self,
        delay: Duration,
        period: Period,
        future: Future<T, E>,
        call: F,
    ) -> Result<(), Rejected<F>>
    where
        T: Send + 'static,
        E: Send + 'static,
        F: FnMut() -> Result<(), E> + Send + 'static,
    {
        let (Period::FixedRate(every) | Period::FixedDelay(every)) = period;
        if self.forked() {
            return Err(Rejected {
                error: Error::PoolShutDown,
                value: call,
            });
        }
        let mut state = self.shared.state.lock();
        let refused = if every.is_zero() {
            Some(Error::InvalidArgument)
        } else if state.shutdown {
            Some(Error::PoolShutDown)
        } else {
            None
        };
        if let Some(error) = refused {
            return Err(Rejected { error, value: call });
        }
        let repeating = Repeating {
            future,
            call,
            period,
        };
        self.shared
            .add(&mut state, delay, Job::Every(Box::new(repeating)));
        Ok(())
    }

    /// How many timers the heap holds: those pending, and those cancelled but not yet removed
    /// (see the module documentation); 0 in a child made by `fork()`.
    pub fn len(&self) -> usize {
        if self.forked() {
            return 0;
        }
        self.shared.state.lock().timers.len()
    }

    /// Whether the heap holds no timer.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Stops the scheduler: every timer not yet run is cancelled (a periodic timer's run under
    /// way finishes), later calls are refused, and the thread ends; with `wait`, waits for it.
    /// Calling it again is harmless. [`Error::JoinCurrent`] if called with `wait` from a timer's
    /// call (the scheduler's own thread). In a child made by `fork()`, does nothing (see the
    /// module documentation).
    pub fn shutdown(&self, wait: bool) -> Result<(), Error> {
        if self.forked() {
            return Ok(());
        }
        self.shared.stop();
        if wait {
            self.thread.join(Timeout::Forever)?;
        }
        Ok(())
    }

    /// Whether this is a child made by `fork()` since the thread started: the thread is not
    /// here, and the state may have been locked by it at the fork (see the module
    /// documentation). Read without a lock.
    fn forked(&self) -> bool {
        self.thread.is_lost()
    }
}

impl Drop for Scheduler {
    /// Shuts the scheduler down without waiting.
    fn drop(&mut self) {
        if !self.forked() {
            self.shared.stop();
        }
    }
}

impl Shared {
    /// Puts a timer due `delay` from now in the heap, sweeping the heap if it has doubled, and
    /// wakes the thread if this timer is the earliest.
    fn add(&self, state: &mut MutexGuard<'_, State>, delay: Duration, job: Job) {
        // Beyond what an `Instant` holds (centuries): never due.
        let Some(due) = Instant::now().checked_add(delay) else {
            drop(job);
            return;
        };
        self.insert(state, due, job);
        if state.timers.len() >= SWEEP_FROM.max(2 * state.swept) {
            state.timers.retain(|entry| !entry.job.done());
            state.swept = state.timers.len();
        }
    }

    /// Puts a timer due at `due` in the heap, and wakes the thread if it is the earliest.
    fn insert(&self, state: &mut MutexGuard<'_, State>, due: Instant, job: Job) {
        let order = state.made;
        state.made += 1;
        let earliest = state.timers.peek().is_none_or(|top| due < top.due);
        state.timers.push(Entry { due, order, job });
        if earliest && state.sleepers.pick_one() {
            MutexGuard::unlocked(state, || self.wake.notify_one());
        }
    }

    /// The thread's body: runs each timer when due, until the scheduler shuts down.
    fn run(&self) {
        // As a pool's worker: `Future::interrupt` reaches a one-shot timer's call while it runs.
        let runner = Runner::register();
        let mut state = self.state.lock();
        while !state.shutdown {
            let due = state.timers.peek().map(|top| top.due);
            if due.is_none_or(|due| due > Instant::now()) {
                let deadline = due.map_or(Deadline::FOREVER, Deadline::at);
                self.wake
                    .wait_counted(&mut state, |s| &mut s.sleepers, deadline);
                continue;
            }
            let entry = state.timers.pop().expect("a timer is due");
            let again = MutexGuard::unlocked(&mut state, || fire(entry, &runner));
            if let Some((due, job)) = again {
                if state.shutdown {
                    MutexGuard::unlocked(&mut state, || job.abandon());
                } else {
                    self.insert(&mut state, due, job);
                }
            }
        }
    }

    /// Marks the scheduler shut down, wakes its thread and cancels every timer in the heap.
    fn stop(&self) {
        let mut state = self.state.lock();
        state.shutdown = true;
        let timers = std::mem::take(&mut state.timers);
        let wake = state.sleepers.pick_all();
        drop(state);
        if wake {
            self.wake.notify_all();
        }
        for entry in timers {
            entry.job.abandon();
        }
    }
}

/// Runs a due timer in the scheduler's thread, `runner`; a periodic one to run again comes back
/// with when.
fn fire(entry: Entry, runner: &Runner) -> Option<(Instant, Job)> {
    match entry.job {
        Job::Once(task) => {
            task.run(runner.number());
            runner.task_done();
            None
        }
        Job::Every(mut repeat) => {
            if !repeat.run() {
                return None;
            }
            let next = match repeat.period() {
                Period::FixedRate(period) => entry.due.checked_add(period),
                Period::FixedDelay(period) => Instant::now().checked_add(period),
            };
            next.map(|due| (due, Job::Every(repeat)))
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::AtomicUsize;
    use std::sync::{Barrier, mpsc};

    use super::*;
    use crate::future::{ReturnWhen, wait};
    use crate::sync::Event;

    const HOUR: Duration = Duration::from_secs(3600);
    /// Long enough for anything here: a broken scheduler fails instead of hanging.
    const LIMIT: Duration = Duration::from_secs(20);

    fn done<T, E>(future: &Future<T, E>) -> bool {
        wait(&[future], Timeout::After(LIMIT), ReturnWhen::AllCompleted).satisfied
    }

    /// Holds the scheduler's thread in a call until the returned barrier is waited on twice
    /// more (once to know it is held, once to let it go).
    fn hold(scheduler: &Scheduler) -> Arc<Barrier> {
        let gate = Arc::new(Barrier::new(2));
        let held = Arc::clone(&gate);
        let blocker = scheduler.call_later(Duration::ZERO, move || {
            held.wait();
            held.wait();
            Ok::<_, ()>(())
        });
        assert!(blocker.is_ok());
        gate.wait();
        gate
    }

    #[test]
    fn timers_fire_in_the_order_they_are_due() {
        let scheduler = Scheduler::new().unwrap();
        let fired = Arc::new(std::sync::Mutex::new(Vec::new()));
        // Made longest first, so that made order and due order differ.
        let delays_ms = [120u64, 0, 90, 30, 60, 10, 100, 20, 50, 0];
        let mut futures = Vec::new();
        let mut windows = Vec::new();
        for (i, &ms) in delays_ms.iter().enumerate() {
            let delay = Duration::from_millis(ms);
            let fired = Arc::clone(&fired);
            let before = Instant::now();
            let future = scheduler.call_later(delay, move || {
                fired.lock().unwrap().push((i, Instant::now()));
                Ok::<_, ()>(i)
            });
            windows.push((before + delay, Instant::now() + delay));
            futures.push(future.ok().unwrap());
        }
        let refs: Vec<&Future<usize, ()>> = futures.iter().collect();
        assert!(wait(&refs, Timeout::After(LIMIT), ReturnWhen::AllCompleted).satisfied);
        let fired = fired.lock().unwrap().clone();
        assert_eq!(fired.len(), delays_ms.len());
        let position = |i| fired.iter().position(|&(j, _)| j == i).unwrap();
        for (i, &(earliest, latest)) in windows.iter().enumerate() {
            assert!(fired[position(i)].1 >= earliest, "timer {i} fired early");
            for (j, &(other_earliest, _)) in windows.iter().enumerate() {
                if latest < other_earliest {
                    assert!(position(i) < position(j), "{j} fired before {i}: {fired:?}");
                }
            }
        }
    }

    #[test]
    fn a_longer_delay_never_fires_before_a_shorter_one() {
        let scheduler = Scheduler::new().unwrap();
        let long = scheduler.call_later(HOUR, || Ok::<_, ()>(1)).ok().unwrap();
        let short = scheduler
            .call_later(Duration::ZERO, || Ok::<_, ()>(2))
            .ok()
            .unwrap();
        assert!(done(&short));
        assert_eq!(short.outcome(Timeout::Forever), Some(Outcome::Returned(2)));
        assert!(!long.done());
        assert_eq!(scheduler.len(), 1);
    }

    #[test]
    fn cancelled_before_it_is_due_it_never_runs() {
        let scheduler = Scheduler::new().unwrap();
        let gate = hold(&scheduler);
        let (tx, rx) = mpsc::channel::<()>();
        let cancelled = scheduler
            .call_later(Duration::ZERO, move || tx.send(()).map_err(drop))
            .ok()
            .unwrap();
        // Due now, while the thread is busy: cancelled before it can run.
        assert!(cancelled.cancel());
        gate.wait();
        let after = scheduler
            .call_later(Duration::ZERO, || Ok::<_, ()>(()))
            .ok()
            .unwrap();
        assert!(done(&after));
        // Dropped unrun: the sender is gone, nothing was sent.
        assert_eq!(
            rx.recv_timeout(LIMIT),
            Err(mpsc::RecvTimeoutError::Disconnected)
        );
        assert_eq!(
            cancelled.outcome(Timeout::Forever),
            Some(Outcome::Cancelled)
        );
    }

    #[test]
    fn a_periodic_timer_runs_until_cancelled() {
        for period in [
            Period::FixedRate(Duration::from_millis(1)),
            Period::FixedDelay(Duration::from_millis(1)),
        ] {
            const RUNS: usize = 5;
            let scheduler = Scheduler::new().unwrap();
            let runs = Arc::new(AtomicUsize::new(0));
            let (reached, go) = (Arc::new(Event::new()), Arc::new(Event::new()));
            let (tx, rx) = mpsc::channel::<()>();
            let (counter, at_n, resume) = (runs.clone(), reached.clone(), go.clone());
            let future = scheduler
                .call_every(Duration::ZERO, period, move || {
                    let _alive = &tx;
                    if counter.fetch_add(1, Ordering::Relaxed) + 1 == RUNS {
                        at_n.set();
                        assert!(resume.wait(Timeout::After(LIMIT)));
                    }
                    Ok::<_, ()>(())
                })
                .ok()
                .unwrap();
            assert!(reached.wait(Timeout::After(LIMIT)));
            assert!(!future.done() && !future.running());
            // Cancelled during its fifth run: that run finishes, no other starts.
            assert!(future.cancel());
            go.set();
            assert_eq!(
                rx.recv_timeout(LIMIT),
                Err(mpsc::RecvTimeoutError::Disconnected)
            );
            assert_eq!(runs.load(Ordering::Relaxed), RUNS, "{period:?}");
            assert!(scheduler.is_empty());
        }
    }

    #[test]
    fn a_periodic_timer_that_fails_stops_and_fails_its_future() {
        let scheduler = Scheduler::new().unwrap();
        let runs = Arc::new(AtomicUsize::new(0));
        let counter = runs.clone();
        let future = scheduler
            .call_every(
                Duration::ZERO,
                Period::FixedDelay(Duration::from_micros(100)),
                move || match counter.fetch_add(1, Ordering::Relaxed) {
                    2 => Err(7),
                    _ => Ok(()),
                },
            )
            .ok()
            .unwrap();
        assert_eq!(
            future.outcome(Timeout::After(LIMIT)),
            Some(Outcome::Failed(7))
        );
        assert_eq!(runs.load(Ordering::Relaxed), 3);
        let zero = scheduler.call_every(Duration::ZERO, Period::FixedRate(Duration::ZERO), || {
            Ok::<_, ()>(())
        });
        assert_eq!(zero.err().map(|r| r.error), Some(Error::InvalidArgument));
    }

    #[test]
    fn cancelled_timers_are_swept_as_the_heap_grows() {
        let scheduler = Scheduler::new().unwrap();
        // Under Miri 10,000 timers take a minute; 1,000 still sweep many times over.
        let cancelled = if cfg!(miri) { 1_000 } else { 10_000 };
        for _ in 0..cancelled {
            let future = scheduler.call_later(HOUR, || Ok::<_, ()>(())).ok().unwrap();
            assert!(future.cancel());
        }
        let live: Vec<_> = (0..100)
            .map(|_| scheduler.call_later(HOUR, || Ok::<_, ()>(())).ok().unwrap())
            .collect();
        assert!(
            scheduler.len() <= 2 * (live.len() + SWEEP_FROM),
            "{}",
            scheduler.len()
        );
        assert!(live.iter().all(|f| !f.done()));
    }

    #[test]
    fn shutdown_cancels_what_is_pending_and_refuses_more() {
        let scheduler = Scheduler::new().unwrap();
        let once = scheduler.call_later(HOUR, || Ok::<_, ()>(())).ok().unwrap();
        let every = scheduler
            .call_every(HOUR, Period::FixedRate(HOUR), || Ok::<_, ()>(()))
            .ok()
            .unwrap();
        scheduler.shutdown(true).unwrap();
        assert!(once.cancelled() && every.cancelled());
        assert!(!scheduler.thread.is_alive());
        let refused = scheduler.call_later(Duration::ZERO, || Ok::<_, ()>(()));
        assert_eq!(refused.err().map(|r| r.error), Some(Error::PoolShutDown));
        scheduler.shutdown(true).unwrap();
    }

    #[test]
    fn shutdown_from_a_call_cannot_wait_for_itself() {
        let scheduler = Arc::new(Scheduler::new().unwrap());
        let inner = Arc::clone(&scheduler);
        let future = scheduler
            .call_later(Duration::ZERO, move || Ok::<_, ()>(inner.shutdown(true)))
            .ok()
            .unwrap();
        assert_eq!(
            future.outcome(Timeout::After(LIMIT)),
            Some(Outcome::Returned(Err(Error::JoinCurrent)))
        );
    }
}
