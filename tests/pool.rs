//! `weft::Pool` and `weft::Future`: results, failures, cancellation, callbacks, `wait`,
//! `AsCompleted` and `as_completed_next`, shutdown, broken pools, conservation of tasks, and the shutdown of every
//! pool at process exit.

mod cprog;

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::collections::HashSet;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::thread as std_thread;
use std::time::Duration;

use weft::future::{AsCompleted, Waited, as_completed_next, wait};
use weft::pool::{PoolCounts, default_max_workers};
use weft::{Error, Future, Outcome, Pool, ReturnWhen, Timeout, thread};

const NOW: Timeout = Timeout::After(Duration::ZERO);
const FOREVER: Timeout = Timeout::Forever;

type F = Future<usize, i32>;

fn submit(pool: &Pool, task: impl FnOnce() -> Result<usize, i32> + Send + 'static) -> F {
    pool.submit(task).map_err(|r| r.error).unwrap()
}

/// A task that blocks until its gate is opened; `started` reports that it runs.
fn gated(pool: &Pool, value: usize) -> (F, mpsc::Receiver<()>, mpsc::Sender<()>) {
    let (started_tx, started) = mpsc::channel();
    let (open, gate) = mpsc::channel::<()>();
    let future = submit(pool, move || {
        started_tx.send(()).unwrap();
        gate.recv().unwrap();
        Ok(value)
    });
    (future, started, open)
}

/// The system allocator, counting the allocations each thread makes.
struct CountingAllocator;

thread_local! {
    static ALLOCATIONS: Cell<usize> = const { Cell::new(0) };
}

// SAFETY: every call is forwarded to the system allocator unchanged.
unsafe impl GlobalAlloc for CountingAllocator {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // A thread being torn down has no counter left: not counted.
        let _ = ALLOCATIONS.try_with(|n| n.set(n.get() + 1));
        // SAFETY: forwarded contract.
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: forwarded contract.
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static ALLOCATOR: CountingAllocator = CountingAllocator;

/// The allocations this thread has made so far.
fn allocations() -> usize {
    ALLOCATIONS.with(Cell::get)
}

/// Counts its drops.
struct Counted(Arc<AtomicUsize>);

impl Drop for Counted {
    fn drop(&mut self) {
        self.0.fetch_add(1, Ordering::Relaxed);
    }
}

#[test]
fn results_failures_and_panics() {
    let pool = Pool::new(2, "", None);
    let ok = submit(&pool, || Ok(42));
    let failed = submit(&pool, || Err(7));
    let panicked = submit(&pool, || panic!("task panics"));
    assert_eq!(ok.outcome(FOREVER), Some(Outcome::Returned(42)));
    assert_eq!(failed.outcome(FOREVER), Some(Outcome::Failed(7)));
    assert_eq!(panicked.outcome(FOREVER), Some(Outcome::Panicked));
    assert!(ok.done() && !ok.running() && !ok.cancelled());
    assert!(!ok.cancel(), "a finished future cannot be cancelled");
    // The workers survived the panic.
    assert_eq!(
        submit(&pool, || Ok(1)).outcome(FOREVER),
        Some(Outcome::Returned(1))
    );
    // Results can be read any number of times.
    assert_eq!(ok.outcome(NOW), Some(Outcome::Returned(42)));
}

#[test]
fn outcome_times_out_while_the_task_runs() {
    let pool = Pool::new(1, "", None);
    let (future, started, open) = gated(&pool, 5);
    started.recv().unwrap();
    assert!(future.running() && !future.done());
    assert_eq!(future.outcome(NOW), None);
    assert_eq!(
        future.outcome(Timeout::After(Duration::from_millis(5))),
        None
    );
    assert!(!future.cancel(), "a running future cannot be cancelled");
    open.send(()).unwrap();
    assert_eq!(future.outcome(FOREVER), Some(Outcome::Returned(5)));
}

#[test]
fn max_workers_and_names() {
    assert_eq!(
        default_max_workers(),
        32.min(std_thread::available_parallelism().unwrap().get() + 4)
    );
    assert_eq!(Pool::new(0, "", None).max_workers(), default_max_workers());
    let pool = Pool::new(3, "namesake", None);
    assert_eq!(pool.max_workers(), 3);
    let workers = |prefix: &str| {
        thread::enumerate()
            .iter()
            .filter(|t| t.name().starts_with(prefix))
            .count()
    };
    assert_eq!(workers("namesake_"), 0, "workers start on demand");
    let futures: Vec<F> = (0..20)
        .map(|_| {
            submit(&pool, || {
                let name = thread::current().name();
                Ok(name.strip_prefix("namesake_").unwrap().parse().unwrap())
            })
        })
        .collect();
    let mut used = HashSet::new();
    for f in &futures {
        match f.outcome(FOREVER) {
            Some(Outcome::Returned(n)) => used.insert(n),
            other => panic!("{other:?}"),
        };
    }
    assert!(!used.is_empty() && used.iter().all(|&n| n < 3), "{used:?}");
    assert!((1..=3).contains(&workers("namesake_")));

    // The default prefix, numbered per pool.
    let pool = Pool::new(1, "", None);
    let name = pool
        .submit(|| Ok::<_, ()>(thread::current().name()))
        .map_err(|r| r.error)
        .unwrap()
        .outcome(FOREVER);
    let Some(Outcome::Returned(name)) = name else {
        panic!("{name:?}")
    };
    let rest = name.strip_prefix("ThreadPoolExecutor-").unwrap();
    let (n, m) = rest.split_once('_').unwrap();
    assert!(n.parse::<usize>().is_ok() && m == "0", "{name}");
}

/// A future's result lives as long as a reference to the future does, and is dropped once.
#[test]
fn a_result_is_dropped_with_the_last_reference() {
    let pool = Pool::new(1, "", None);
    let drops = Arc::new(AtomicUsize::new(0));
    let counted = Counted(Arc::clone(&drops));
    let future: Future<Counted, ()> = pool
        .submit(move || Ok(counted))
        .map_err(|r| r.error)
        .unwrap();
    let other = future.clone();
    // Joining the worker gives up the pool's reference too.
    pool.shutdown(true, false).unwrap();
    assert!(future.done());
    drop(future);
    assert_eq!(drops.load(Ordering::Relaxed), 0, "kept by the other handle");
    drop(other);
    assert_eq!(drops.load(Ordering::Relaxed), 1);
}

#[test]
fn cancel_only_pending_futures() {
    let pool = Pool::new(1, "", None);
    let (running, started, open) = gated(&pool, 1);
    started.recv().unwrap();
    let ran = Arc::new(AtomicUsize::new(0));
    let drops = Arc::new(AtomicUsize::new(0));
    let pending = {
        let (ran, counted) = (Arc::clone(&ran), Counted(Arc::clone(&drops)));
        submit(&pool, move || {
            let _counted = counted;
            ran.fetch_add(1, Ordering::Relaxed);
            Ok(2)
        })
    };
    assert!(!pending.running() && !pending.done());
    assert!(pending.cancel());
    assert!(pending.cancel(), "cancelling twice is still true");
    assert!(pending.cancelled() && pending.done());
    assert_eq!(pending.outcome(NOW), Some(Outcome::Cancelled));
    open.send(()).unwrap();
    assert_eq!(running.outcome(FOREVER), Some(Outcome::Returned(1)));
    pool.shutdown(true, false).unwrap();
    assert_eq!(
        ran.load(Ordering::Relaxed),
        0,
        "a cancelled task never runs"
    );
    assert_eq!(drops.load(Ordering::Relaxed), 1, "and is dropped once");
}

#[test]
fn done_callbacks() {
    let pool = Pool::new(1, "", None);
    let calls = Arc::new(Mutex::new(Vec::new()));
    let (future, started, open) = gated(&pool, 3);
    started.recv().unwrap();
    for i in 0..3 {
        let calls = Arc::clone(&calls);
        future.add_done_callback(move |f| {
            assert_eq!(f.outcome(NOW), Some(Outcome::Returned(3)));
            calls.lock().unwrap().push((i, thread::current().name()));
        });
    }
    assert!(calls.lock().unwrap().is_empty());
    open.send(()).unwrap();
    pool.shutdown(true, false).unwrap();
    let worker = calls.lock().unwrap()[0].1.clone();
    assert!(worker.ends_with("_0"), "run by the worker: {worker}");
    assert_eq!(
        calls
            .lock()
            .unwrap()
            .iter()
            .map(|c| c.0)
            .collect::<Vec<_>>(),
        [0, 1, 2],
        "in the order they were added"
    );
    // Already done: run at once, in the calling thread.
    let me = thread::current().name();
    let calls2 = Arc::clone(&calls);
    future.add_done_callback(move |_| calls2.lock().unwrap().push((3, thread::current().name())));
    assert_eq!(calls.lock().unwrap()[3], (3, me));
    // A panicking callback does not stop the others.
    let pool = Pool::new(1, "", None);
    let (future, started, open) = gated(&pool, 4);
    started.recv().unwrap();
    future.add_done_callback(|_| panic!("callback panics"));
    let after = Arc::new(AtomicUsize::new(0));
    let after2 = Arc::clone(&after);
    future.add_done_callback(move |_| {
        after2.fetch_add(1, Ordering::Relaxed);
    });
    open.send(()).unwrap();
    pool.shutdown(true, false).unwrap();
    assert_eq!(after.load(Ordering::Relaxed), 1);
}

#[test]
fn cancel_runs_callbacks_in_the_canceller() {
    let pool = Pool::new(1, "", None);
    let (_running, started, open) = gated(&pool, 0);
    started.recv().unwrap();
    let pending = submit(&pool, || Ok(1));
    let seen = Arc::new(Mutex::new(None));
    let seen2 = Arc::clone(&seen);
    pending.add_done_callback(move |f| {
        *seen2.lock().unwrap() = Some((f.cancelled(), thread::current().name()))
    });
    assert!(pending.cancel());
    assert_eq!(
        *seen.lock().unwrap(),
        Some((true, thread::current().name()))
    );
    open.send(()).unwrap();
}

#[test]
fn shutdown_runs_queued_tasks_then_refuses_work() {
    let pool = Pool::new(2, "", None);
    let ran = Arc::new(AtomicUsize::new(0));
    let futures: Vec<F> = (0..10)
        .map(|i| {
            let ran = Arc::clone(&ran);
            submit(&pool, move || {
                ran.fetch_add(1, Ordering::Relaxed);
                Ok(i)
            })
        })
        .collect();
    pool.shutdown(true, false).unwrap();
    assert_eq!(ran.load(Ordering::Relaxed), 10);
    for (i, f) in futures.iter().enumerate() {
        assert_eq!(f.outcome(NOW), Some(Outcome::Returned(i)));
    }
    let refused = pool.submit(|| Ok::<usize, i32>(0)).err().map(|r| r.error);
    assert_eq!(refused, Some(Error::PoolShutDown));
    pool.shutdown(true, true).unwrap();
}

#[test]
fn shutdown_with_cancel_futures_cancels_the_queued_tasks() {
    let pool = Pool::new(1, "", None);
    let (running, started, open) = gated(&pool, 1);
    started.recv().unwrap();
    let drops = Arc::new(AtomicUsize::new(0));
    let queued: Vec<F> = (0..5)
        .map(|_| {
            let counted = Counted(Arc::clone(&drops));
            submit(&pool, move || {
                let _counted = counted;
                Ok(0)
            })
        })
        .collect();
    pool.shutdown(false, true).unwrap();
    for f in &queued {
        assert_eq!(f.outcome(NOW), Some(Outcome::Cancelled));
    }
    assert_eq!(
        drops.load(Ordering::Relaxed),
        5,
        "each cancelled task dropped once"
    );
    open.send(()).unwrap();
    assert_eq!(running.outcome(FOREVER), Some(Outcome::Returned(1)));
    pool.shutdown(true, false).unwrap();
}

#[test]
fn cancel_futures_spares_the_tasks_handed_to_starting_workers() {
    // The initializers hold both workers in their start until the pool is shut down: each was
    // handed a task by the submit that started it, as in CPython; the third task only waits.
    let (release, gate) = mpsc::channel::<()>();
    let gate = Mutex::new(gate);
    let pool = Pool::new(
        2,
        "",
        Some(Box::new(move || gate.lock().unwrap().recv().is_ok())),
    );
    let futures: Vec<F> = (0..3).map(|i| submit(&pool, move || Ok(i))).collect();
    pool.shutdown(false, true).unwrap();
    assert_eq!(futures[2].outcome(NOW), Some(Outcome::Cancelled));
    release.send(()).unwrap();
    release.send(()).unwrap();
    pool.shutdown(true, false).unwrap();
    assert_eq!(futures[0].outcome(NOW), Some(Outcome::Returned(0)));
    assert_eq!(futures[1].outcome(NOW), Some(Outcome::Returned(1)));
}

#[test]
fn shutdown_with_wait_from_a_worker_cannot_join_itself() {
    let pool = Arc::new(Pool::new(1, "", None));
    let inner = Arc::clone(&pool);
    let f = pool
        .submit(move || inner.shutdown(true, false))
        .map_err(|r| r.error)
        .unwrap();
    assert_eq!(
        f.outcome(FOREVER),
        Some(Outcome::Failed(Error::JoinCurrent))
    );
}

#[test]
fn a_failed_initializer_breaks_the_pool() {
    for panics in [false, true] {
        let calls = Arc::new(AtomicUsize::new(0));
        let calls2 = Arc::clone(&calls);
        let pool = Pool::new(
            2,
            "",
            Some(Box::new(move || {
                calls2.fetch_add(1, Ordering::Relaxed);
                if panics {
                    panic!("initializer panics");
                }
                false
            })),
        );
        let ran = Arc::new(AtomicUsize::new(0));
        let ran2 = Arc::clone(&ran);
        let f = submit(&pool, move || {
            ran2.fetch_add(1, Ordering::Relaxed);
            Ok(0)
        });
        assert_eq!(f.outcome(FOREVER), Some(Outcome::Broken));
        let refused = pool.submit(|| Ok::<usize, i32>(0)).err().map(|r| r.error);
        assert_eq!(refused, Some(Error::PoolBroken));
        pool.shutdown(true, false).unwrap();
        assert_eq!(ran.load(Ordering::Relaxed), 0);
        assert!(calls.load(Ordering::Relaxed) >= 1);
    }
}

#[test]
fn a_good_initializer_runs_once_per_worker() {
    let calls = Arc::new(Mutex::new(Vec::new()));
    let calls2 = Arc::clone(&calls);
    let pool = Pool::new(
        1,
        "init",
        Some(Box::new(move || {
            calls2.lock().unwrap().push(thread::current().name());
            true
        })),
    );
    for _ in 0..5 {
        submit(&pool, || Ok(0)).outcome(FOREVER);
    }
    pool.shutdown(true, false).unwrap();
    assert_eq!(*calls.lock().unwrap(), ["init_0"]);
}

#[test]
fn dropping_the_pool_lets_queued_tasks_finish() {
    let pool = Pool::new(1, "", None);
    let (running, started, open) = gated(&pool, 1);
    started.recv().unwrap();
    let queued: Vec<F> = (0..3).map(|i| submit(&pool, move || Ok(i))).collect();
    drop(pool);
    open.send(()).unwrap();
    assert_eq!(running.outcome(FOREVER), Some(Outcome::Returned(1)));
    for (i, f) in queued.iter().enumerate() {
        assert_eq!(f.outcome(FOREVER), Some(Outcome::Returned(i)));
    }
}

#[test]
fn wait_for_several_futures() {
    let pool = Pool::new(3, "", None);
    let empty: [&F; 0] = [];
    let all_done = Waited {
        done: vec![],
        satisfied: true,
    };
    assert_eq!(wait(&empty, NOW, ReturnWhen::AllCompleted), all_done);
    let (slow, slow_started, open_slow) = gated(&pool, 1);
    slow_started.recv().unwrap();
    let fast = submit(&pool, || Ok(2));
    let failing = submit(&pool, || Err(3));

    // Blocking paths: threads wait while `slow` runs.
    let waiter = |futures: Vec<F>, return_when| {
        std_thread::spawn(move || {
            let futures: Vec<&F> = futures.iter().collect();
            wait(&futures, FOREVER, return_when)
        })
    };
    let first = waiter(vec![slow.clone()], ReturnWhen::FirstCompleted);
    let no_failure = waiter(vec![slow.clone(), fast.clone()], ReturnWhen::FirstException);
    let a_failure = waiter(
        vec![slow.clone(), failing.clone()],
        ReturnWhen::FirstException,
    );
    assert_eq!(
        a_failure.join().unwrap(),
        Waited {
            done: vec![false, true],
            satisfied: true
        }
    );
    fast.outcome(FOREVER).unwrap();
    let all = [&slow, &fast, &failing];
    let timed_out = Waited {
        done: vec![false, true, true],
        satisfied: false,
    };
    let short = Timeout::After(Duration::from_millis(5));
    assert_eq!(wait(&all, short, ReturnWhen::AllCompleted), timed_out);
    assert!(!wait(&[&slow, &fast], NOW, ReturnWhen::FirstException).satisfied);
    let first_completed = wait(&all, NOW, ReturnWhen::FirstCompleted);
    assert!(first_completed.satisfied && first_completed.done == [false, true, true]);

    open_slow.send(()).unwrap();
    let both = Waited {
        done: vec![true, true],
        satisfied: true,
    };
    assert_eq!(no_failure.join().unwrap(), both);
    assert!(first.join().unwrap().satisfied);
    assert!(wait(&all, NOW, ReturnWhen::AllCompleted).satisfied);
}

#[test]
fn as_completed_hands_out_each_future_once_as_it_completes() {
    let pool = Pool::new(2, "", None);
    let (a, a_started, open_a) = gated(&pool, 0);
    let (b, b_started, open_b) = gated(&pool, 1);
    a_started.recv().unwrap();
    b_started.recv().unwrap();
    let cancelled_early = {
        // Queued behind the two gated tasks: cancellable.
        let f = submit(&pool, || Ok(2));
        assert!(f.cancel());
        f
    };
    let all = [&a, &b, &cancelled_early];
    let mut yielded = [false; 3];
    assert_eq!(as_completed_next(&all, &mut yielded, FOREVER), Ok(Some(2)));
    assert_eq!(as_completed_next(&all, &mut yielded, NOW), Ok(None));
    open_b.send(()).unwrap();
    assert_eq!(as_completed_next(&all, &mut yielded, FOREVER), Ok(Some(1)));
    open_a.send(()).unwrap();
    assert_eq!(as_completed_next(&all, &mut yielded, FOREVER), Ok(Some(0)));
    assert_eq!(yielded, [true; 3]);
    assert_eq!(
        as_completed_next(&all, &mut yielded, FOREVER),
        Err(Error::InvalidArgument),
        "the iteration is over"
    );
    assert_eq!(
        as_completed_next(&all, &mut [false; 2], NOW),
        Err(Error::InvalidArgument)
    );
}

#[test]
fn as_completed_iterator_hands_out_each_future_once_as_it_completes() {
    let pool = Pool::new(2, "", None);
    let (a, a_started, open_a) = gated(&pool, 0);
    let (b, b_started, open_b) = gated(&pool, 1);
    a_started.recv().unwrap();
    b_started.recv().unwrap();
    let queued = submit(&pool, || Ok(2));
    let cancelled = submit(&pool, || Ok(3));
    assert!(cancelled.cancel());
    let done = submit(&Pool::new(1, "", None), || Ok(4));
    done.outcome(FOREVER).unwrap();
    let iterator = AsCompleted::new(&[&a, &b, &cancelled, &queued, &done]);
    // Those done already first, lowest index first.
    assert_eq!(iterator.next(NOW), Ok(Some(2)));
    assert_eq!(iterator.next(NOW), Ok(Some(4)));
    assert_eq!(
        iterator.next(Timeout::After(Duration::from_millis(5))),
        Ok(None)
    );
    // Then in the order they complete: `b`, then `queued` on the worker `b` frees, then `a`.
    open_b.send(()).unwrap();
    assert_eq!(iterator.next(FOREVER), Ok(Some(1)));
    assert_eq!(iterator.next(FOREVER), Ok(Some(3)));
    open_a.send(()).unwrap();
    assert_eq!(iterator.next(FOREVER), Ok(Some(0)));
    for timeout in [NOW, FOREVER] {
        assert_eq!(
            iterator.next(timeout),
            Err(Error::InvalidArgument),
            "the iteration is over"
        );
    }
    let empty: [&F; 0] = [];
    assert_eq!(
        AsCompleted::new(&empty).next(FOREVER),
        Err(Error::InvalidArgument)
    );
}

/// An iterator dropped before its futures complete leaves them to complete as usual (it takes
/// its waiter back from each); one made with a future twice hands it out twice.
#[test]
fn as_completed_iterator_dropped_early() {
    let pool = Pool::new(1, "", None);
    let (a, a_started, open_a) = gated(&pool, 0);
    a_started.recv().unwrap();
    let queued = submit(&pool, || Ok(1));
    let iterator = AsCompleted::new(&[&a, &queued, &a]);
    assert_eq!(iterator.next(NOW), Ok(None));
    drop(iterator);
    let twice = AsCompleted::new(&[&queued, &queued]);
    open_a.send(()).unwrap();
    assert_eq!(queued.outcome(FOREVER), Some(Outcome::Returned(1)));
    let mut got = [twice.next(FOREVER).unwrap(), twice.next(FOREVER).unwrap()];
    got.sort();
    assert_eq!(got, [Some(0), Some(1)]);
    assert_eq!(a.outcome(NOW), Some(Outcome::Returned(0)));
}

/// Many futures completing while the iterator and `wait` look on: each handed out exactly once,
/// and `wait` returns once all are done.
#[test]
fn as_completed_and_wait_over_many_futures() {
    const N: usize = 2000;
    let pool = Pool::new(2, "", None);
    let (gate, gate_started, open) = gated(&pool, N);
    gate_started.recv().unwrap();
    let futures: Vec<F> = (0..N).map(|i| submit(&pool, move || Ok(i))).collect();
    let all: Vec<&F> = futures.iter().chain([&gate]).collect();
    let iterator = AsCompleted::new(&all);
    let waiter = {
        let all: Vec<F> = all.iter().map(|&f| f.clone()).collect();
        std_thread::spawn(move || {
            let all: Vec<&F> = all.iter().collect();
            wait(&all, FOREVER, ReturnWhen::AllCompleted)
        })
    };
    open.send(()).unwrap();
    let mut seen = vec![false; N + 1];
    for _ in 0..=N {
        let index = iterator.next(FOREVER).unwrap().unwrap();
        assert!(!seen[index], "{index} handed out twice");
        seen[index] = true;
    }
    assert_eq!(iterator.next(NOW), Err(Error::InvalidArgument));
    let waited = waiter.join().unwrap();
    assert!(waited.satisfied && waited.done.iter().all(|&d| d));
}

/// Several threads submit many tasks and cancel some: every task runs exactly once or is
/// cancelled, never both, and each is dropped exactly once.
#[test]
fn conservation_of_tasks() {
    const SUBMITTERS: usize = 4;
    const TASKS: usize = 500;
    let pool = Arc::new(Pool::new(4, "", None));
    let runs: Arc<Vec<AtomicUsize>> = Arc::new(
        (0..SUBMITTERS * TASKS)
            .map(|_| AtomicUsize::new(0))
            .collect(),
    );
    let drops = Arc::new(AtomicUsize::new(0));
    let submitters: Vec<_> = (0..SUBMITTERS)
        .map(|s| {
            let (pool, runs, drops) = (Arc::clone(&pool), Arc::clone(&runs), Arc::clone(&drops));
            std_thread::spawn(move || {
                let mut futures = Vec::new();
                for i in 0..TASKS {
                    let id = s * TASKS + i;
                    let (runs, counted) = (Arc::clone(&runs), Counted(Arc::clone(&drops)));
                    let f: F = submit(&pool, move || {
                        let _counted = counted;
                        runs[id].fetch_add(1, Ordering::Relaxed);
                        Ok(id)
                    });
                    let cancelled = i % 3 == 0 && f.cancel();
                    futures.push((id, f, cancelled));
                }
                futures
            })
        })
        .collect();
    let futures: Vec<_> = submitters
        .into_iter()
        .flat_map(|s| s.join().unwrap())
        .collect();
    pool.shutdown(true, false).unwrap();
    for (id, f, cancelled) in futures {
        let ran = runs[id].load(Ordering::Relaxed);
        match f.outcome(NOW) {
            Some(Outcome::Returned(v)) => assert!(v == id && ran == 1 && !cancelled),
            Some(Outcome::Cancelled) => assert!(ran == 0 && cancelled),
            other => panic!("task {id}: {other:?}"),
        }
    }
    assert_eq!(drops.load(Ordering::Relaxed), SUBMITTERS * TASKS);
}

/// A C program that returns from `main` with work queued in pools it never shut down: every task
/// still runs and the process exits (a hang is killed and reported by `cprog::run`).
#[test]
#[cfg_attr(miri, ignore = "builds and runs a C program, which Miri cannot")]
fn process_exit_shuts_every_pool_down() {
    let exe = cprog::build(&cprog::root().join("c-tests/api/pool_exit.c")).unwrap();
    let out = cprog::run(&exe).unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{}\n{stdout}", out.status);
    let mut lines: Vec<&str> = stdout.lines().collect();
    lines.sort_unstable();
    let mut expected = vec!["main returns".to_owned()];
    expected.extend([0, 1, 2, 3, 4, 10, 11, 12].map(|i| format!("task {i} done")));
    expected.sort_unstable();
    assert_eq!(lines, expected);
}

/// Submitting a task and taking its result allocates once, in the submitting thread: the future
/// and its task share one allocation. (Once the worker runs and the work list has room.)
///
/// The submitter waits for each task by polling `done()`: a thread that parks on a future may
/// be the first to use one of the parking lot's buckets, which then makes its list (a few
/// hundred allocations per process at most, whatever the number of tasks).
#[test]
fn one_allocation_per_task() {
    let pool = Pool::new(1, "", None);
    for _ in 0..4 {
        submit(&pool, || Ok(0)).outcome(FOREVER);
    }
    let before = allocations();
    for i in 0..100 {
        let captured = [i; 4];
        let future = submit(&pool, move || Ok(captured.iter().sum()));
        while !future.done() {
            std::thread::yield_now();
        }
        assert_eq!(future.outcome(NOW), Some(Outcome::Returned(4 * i)));
    }
    assert_eq!(allocations() - before, 100);
}

#[test]
fn a_standalone_future_is_completed_by_its_owner() {
    // Pending, then completed by `set_result`: waiters wake, callbacks run in the setter.
    let future = F::new();
    assert!(!future.done() && !future.running() && !future.cancelled());
    let waiter = {
        let future = future.clone();
        std_thread::spawn(move || future.outcome(FOREVER))
    };
    let seen = Arc::new(Mutex::new(None));
    let record = Arc::clone(&seen);
    future.add_done_callback(move |f| {
        *record.lock().unwrap() = Some((f.done(), std_thread::current().id()));
    });
    assert_eq!(future.set_running_or_notify_cancel(), Ok(true));
    assert!(future.running());
    assert!(!future.cancel(), "a running future cannot be cancelled");
    assert_eq!(
        future.set_running_or_notify_cancel(),
        Err(Error::WrongState),
        "CPython: RuntimeError('Future in unexpected state')"
    );
    future.set_result(42).unwrap();
    assert_eq!(waiter.join().unwrap(), Some(Outcome::Returned(42)));
    assert_eq!(
        *seen.lock().unwrap(),
        Some((true, std_thread::current().id()))
    );
    // Done: refused, the value handed back.
    let again = future.set_result(7).unwrap_err();
    assert_eq!((again.error, again.value), (Error::InvalidStateFinished, 7));
    let again = future.set_exception(3).unwrap_err();
    assert_eq!((again.error, again.value), (Error::InvalidStateFinished, 3));
    assert_eq!(
        Error::InvalidStateFinished.to_string(),
        "FINISHED: <Future state=finished>"
    );
    assert_eq!(
        future.set_running_or_notify_cancel(),
        Err(Error::WrongState)
    );

    // Failed by `set_exception`, from pending, and counted as an exception by `wait`.
    let failed = F::new();
    failed.set_exception(-5).unwrap();
    assert_eq!(failed.outcome(NOW), Some(Outcome::Failed(-5)));
    let pending = F::new();
    let waited = wait(&[&pending, &failed], NOW, ReturnWhen::FirstException);
    assert_eq!(
        waited,
        Waited {
            done: vec![false, true],
            satisfied: true
        }
    );

    // Cancelled while pending: `set_running_or_notify_cancel` says not to run, completing is
    // refused.
    assert!(pending.cancel());
    assert_eq!(pending.set_running_or_notify_cancel(), Ok(false));
    let refused = pending.set_result(1).unwrap_err();
    assert_eq!(refused.error, Error::InvalidStateCancelled);
    assert_eq!(pending.outcome(NOW), Some(Outcome::Cancelled));
}

#[test]
fn only_standalone_futures_are_completed_by_hand() {
    let pool = Pool::new(1, "", None);
    let (future, started, open) = gated(&pool, 1);
    started.recv().unwrap();
    // The worker completes it: completing it by hand would race the worker.
    assert_eq!(future.set_result(9).unwrap_err().error, Error::WrongState);
    assert_eq!(
        future.set_running_or_notify_cancel(),
        Err(Error::WrongState)
    );
    open.send(()).unwrap();
    assert_eq!(future.outcome(FOREVER), Some(Outcome::Returned(1)));
    pool.shutdown(true, false).unwrap();
}

#[test]
fn a_standalone_future_completed_by_racing_threads_takes_one_value() {
    for _ in 0..200 {
        let future = F::new();
        let setters: Vec<_> = (0..4)
            .map(|i| {
                let future = future.clone();
                std_thread::spawn(move || future.set_result(i).is_ok())
            })
            .collect();
        let won: usize = setters
            .into_iter()
            .map(|s| usize::from(s.join().unwrap()))
            .sum();
        assert_eq!(won, 1);
        assert!(matches!(future.outcome(NOW), Some(Outcome::Returned(0..4))));
    }
}

#[test]
fn as_completed_hands_out_standalone_futures() {
    let futures: Vec<F> = (0..3).map(|_| F::new()).collect();
    let refs: Vec<&F> = futures.iter().collect();
    let it = AsCompleted::new(&refs);
    futures[2].set_result(2).unwrap();
    futures[0].set_exception(1).unwrap();
    assert_eq!(it.next(NOW), Ok(Some(2)));
    assert_eq!(it.next(NOW), Ok(Some(0)));
    assert_eq!(it.next(NOW), Ok(None));
    assert!(futures[1].cancel());
    assert_eq!(it.next(NOW), Ok(Some(1)));
}

/// Waits until `done()`; fails the test after `BOUND` (what a correct pool does at once).
fn until(what: &str, done: impl Fn() -> bool) {
    const BOUND: Duration = Duration::from_secs(10);
    let start = std::time::Instant::now();
    while !done() {
        assert!(start.elapsed() < BOUND, "never: {what}");
        std_thread::yield_now();
    }
}

fn counts(pending: usize, active: usize, idle: usize) -> PoolCounts {
    PoolCounts {
        pending,
        active,
        idle,
    }
}

/// The pending, active and idle counts follow the tasks through the workers.
#[test]
fn counts_follow_tasks_and_workers() {
    let pool = Pool::new(2, "counted", None);
    assert_eq!(pool.counts(), counts(0, 0, 0));
    let (a, a_started, open_a) = gated(&pool, 1);
    a_started.recv().unwrap();
    let (b, b_started, open_b) = gated(&pool, 2);
    b_started.recv().unwrap();
    let c = submit(&pool, || Ok(3));
    assert_eq!(
        pool.counts(),
        counts(1, 2, 0),
        "both workers busy, one task queued"
    );
    open_a.send(()).unwrap();
    open_b.send(()).unwrap();
    for (f, v) in [(a, 1), (b, 2), (c, 3)] {
        assert!(matches!(f.outcome(FOREVER), Some(Outcome::Returned(n)) if n == v));
    }
    until("both workers idle", || pool.counts() == counts(0, 0, 2));
    pool.shutdown(true, false).unwrap();
    assert_eq!(pool.counts(), counts(0, 0, 0), "the workers exited");
}

/// A larger limit starts a worker for a task queued behind busy workers; a smaller one retires
/// workers as they go idle.
#[test]
fn max_workers_can_be_changed_while_running() {
    let pool = Pool::new(1, "resized", None);
    let (a, a_started, open_a) = gated(&pool, 1);
    a_started.recv().unwrap();
    let (b, b_started, open_b) = gated(&pool, 2);
    assert_eq!(
        pool.counts(),
        counts(1, 1, 0),
        "at the limit, the task waits"
    );
    pool.set_max_workers(2).unwrap();
    assert_eq!(pool.max_workers(), 2);
    b_started
        .recv_timeout(Duration::from_secs(10))
        .expect("a second worker started");
    assert_eq!(pool.counts(), counts(0, 2, 0));
    pool.set_max_workers(1).unwrap();
    open_a.send(()).unwrap();
    open_b.send(()).unwrap();
    assert!(a.outcome(FOREVER).is_some() && b.outcome(FOREVER).is_some());
    until("one worker retired", || pool.counts() == counts(0, 0, 1));
    pool.set_max_workers(0).unwrap();
    assert_eq!(pool.max_workers(), default_max_workers());
}

/// A bounded work list: a submit that finds it full is refused at once, after its timeout, or
/// waits until a worker takes a task; the shutdown fails a waiting submit.
#[test]
fn a_refused_task_comes_back_whole() {
    // The future is made before the pool's lock is taken; a refused task is taken back out of
    // it, not run, its captures alive, and the future freed.
    let pool = Pool::new(1, "", None);
    pool.shutdown(true, false).unwrap();
    let drops = Arc::new(AtomicUsize::new(0));
    let captured = Counted(Arc::clone(&drops));
    let rejected = pool
        .submit(move || {
            let _captured = &captured;
            Ok::<usize, i32>(5)
        })
        .err()
        .expect("refused");
    assert_eq!(rejected.error, Error::PoolShutDown);
    assert_eq!(drops.load(Ordering::Relaxed), 0);
    assert_eq!((rejected.value)(), Ok(5));
    assert_eq!(drops.load(Ordering::Relaxed), 1);
    // Only this test's references are left: nothing of the future holds the counter.
    assert_eq!(Arc::strong_count(&drops), 1);
}

#[test]
fn a_bounded_pool_pushes_back() {
    let pool = Arc::new(Pool::new(1, "bounded", None));
    assert_eq!(pool.max_pending(), 0);
    pool.set_max_pending(1);
    assert_eq!(pool.max_pending(), 1);
    let (a, a_started, open_a) = gated(&pool, 1);
    a_started.recv().unwrap();
    let b = submit(&pool, || Ok(2));
    let full = |timeout| {
        pool.submit_timeout(|| Ok::<usize, i32>(0), timeout)
            .map(drop)
            .map_err(|r| r.error)
    };
    assert_eq!(full(NOW), Err(Error::QueueFull));
    assert_eq!(
        full(Timeout::After(Duration::from_millis(20))),
        Err(Error::QueueFull)
    );
    let (done_tx, done) = mpsc::channel();
    let waiting = {
        let pool = Arc::clone(&pool);
        std_thread::spawn(move || {
            let f = pool.submit(|| Ok::<usize, i32>(3)).map_err(|r| r.error);
            done_tx.send(()).unwrap();
            f
        })
    };
    assert!(
        done.recv_timeout(Duration::from_millis(50)).is_err(),
        "the submit waits for room"
    );
    open_a.send(()).unwrap();
    // Bounded: a submit nobody wakes fails the test instead of hanging it.
    done.recv_timeout(Duration::from_secs(10))
        .expect("a worker took a task: room");
    let c = waiting.join().unwrap().unwrap();
    for (f, v) in [(a, 1), (b, 2), (c, 3)] {
        assert!(matches!(f.outcome(FOREVER), Some(Outcome::Returned(n)) if n == v));
    }

    let (_d, d_started, open_d) = gated(&pool, 4);
    d_started.recv().unwrap();
    let _e = submit(&pool, || Ok(5));
    let (done_tx, done) = mpsc::channel();
    let waiting = {
        let pool = Arc::clone(&pool);
        std_thread::spawn(move || {
            let f = pool
                .submit(|| Ok::<usize, i32>(6))
                .map(drop)
                .map_err(|r| r.error);
            done_tx.send(()).unwrap();
            f
        })
    };
    assert!(
        done.recv_timeout(Duration::from_millis(50)).is_err(),
        "the submit waits for room"
    );
    let shutdown = {
        let pool = Arc::clone(&pool);
        std_thread::spawn(move || pool.shutdown(true, false))
    };
    assert_eq!(waiting.join().unwrap(), Err(Error::PoolShutDown));
    open_d.send(()).unwrap();
    shutdown.join().unwrap().unwrap();
}
