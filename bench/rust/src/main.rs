//! bench_rs: the Rust anchors, with the same command line and output as `bench/c/main.c`.
//!
//! ```text
//! bench_rs list                        every "impl case" pair
//! bench_rs run IMPL CASE N REPEATS     a warm-up run of N/5 operations, then REPEATS timed runs
//!                                      of N operations
//! ```

use std::hint::black_box;
use std::sync::Barrier;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::thread;
use std::time::Instant;

use parking_lot::{Condvar, Mutex, ReentrantMutex};

/// The queue benchmarks' capacity and the pool benchmarks' workers, as in `bench/c/harness.h`.
const QUEUE_CAPACITY: usize = 1024;
const POOL_WORKERS: usize = 2;

type Case = fn(u64) -> u64;

const CASES: &[(&str, &str, Case)] = &[
    ("parking_lot", "lock_uncontended", lock_uncontended),
    ("parking_lot", "lock_contended", lock_contended),
    ("parking_lot", "rlock_3", rlock_3),
    ("parking_lot", "notify_empty", notify_empty),
    ("parking_lot", "cond_pingpong", cond_pingpong),
    ("parking_lot", "event_pingpong", event_pingpong),
    ("std", "barrier_round", barrier_round),
    ("crossbeam", "queue_1p1c", |n| queue(1, 1, n)),
    ("crossbeam", "queue_2p2c", |n| queue(2, 2, n)),
    ("std", "thread_create_join", thread_create_join),
    ("rayon", "pool_tasks", pool_tasks),
    ("rayon_scope", "pool_tasks", pool_tasks_scope),
    ("parking_lot", "fair_lock_4", |ms| {
        fairness(&Mutex::new(()), 4, ms)
    }),
    ("parking_lot", "fair_lock_16", |ms| {
        fairness(&Mutex::new(()), 16, ms)
    }),
    ("parking_lot", "fair_rlock_4", |ms| {
        fairness(&ReentrantMutex::new(()), 4, ms)
    }),
    ("parking_lot", "fair_rlock_16", |ms| {
        fairness(&ReentrantMutex::new(()), 16, ms)
    }),
    ("parking_lot", "wake_condition", |n| {
        wake_all(&FlagCondvar::default(), n)
    }),
    ("parking_lot", "wake_event", |n| {
        wake_all(&FlagCondvar::default(), n)
    }),
    ("std", "wake_barrier", |n| {
        wake_all(&Barrier::new(n as usize + 1), n)
    }),
    ("crossbeam", "wake_queue", |n| wake_all(&Channel::new(), n)),
    ("parking_lot", "lock_2000_threads", lock_2000_threads),
];

/// Extra JSON fields the last run of a case leaves to be printed with its samples, as
/// `bench_extra` in `bench/c/harness.h`.
static EXTRA: std::sync::Mutex<String> = std::sync::Mutex::new(String::new());

fn main() {
    let args: Vec<String> = std::env::args().collect();
    match args.iter().map(String::as_str).collect::<Vec<_>>()[1..] {
        ["list"] => {
            for (imp, case, _) in CASES {
                println!("{imp} {case}");
            }
        }
        ["run", imp, case, n, repeats] => {
            let (_, _, f) = CASES
                .iter()
                .find(|(i, c, _)| *i == imp && *c == case)
                .unwrap_or_else(|| panic!("no case {imp} {case}"));
            let n: u64 = n.parse().expect("N");
            let repeats: usize = repeats.parse().expect("REPEATS");
            // As in main.c: measure a process that has started a thread.
            thread::spawn(|| {}).join().unwrap();
            f((n / 5).max(1));
            let ns: Vec<String> = (0..repeats).map(|_| f(n).to_string()).collect();
            let extra = EXTRA.lock().unwrap();
            let extra = if extra.is_empty() {
                String::new()
            } else {
                format!(", {extra}")
            };
            println!(
                "{{\"impl\": \"{imp}\", \"case\": \"{case}\", \"n\": {n}, \"ns\": [{}]{extra}}}",
                ns.join(", ")
            );
        }
        _ => {
            eprintln!("usage: bench_rs list | run IMPL CASE N REPEATS");
            std::process::exit(2);
        }
    }
}

fn elapsed(t0: Instant) -> u64 {
    t0.elapsed().as_nanos() as u64
}

/// Runs `parties` copies of `body` on fresh threads, started together; returns the time from
/// the start until all of them finished.
fn run_together(parties: usize, body: impl Fn(usize) + Sync) -> u64 {
    let go = AtomicBool::new(false);
    let ready = AtomicUsize::new(0);
    thread::scope(|s| {
        let handles: Vec<_> = (0..parties)
            .map(|i| {
                let (go, ready, body) = (&go, &ready, &body);
                s.spawn(move || {
                    ready.fetch_add(1, Ordering::AcqRel);
                    while !go.load(Ordering::Acquire) {
                        thread::yield_now();
                    }
                    body(i)
                })
            })
            .collect();
        while ready.load(Ordering::Acquire) < parties {
            thread::yield_now();
        }
        let t0 = Instant::now();
        go.store(true, Ordering::Release);
        for h in handles {
            h.join().unwrap();
        }
        elapsed(t0)
    })
}

fn lock_uncontended(n: u64) -> u64 {
    let m = Mutex::new(());
    let t0 = Instant::now();
    for _ in 0..n {
        drop(black_box(m.lock()));
    }
    elapsed(t0)
}

fn lock_contended(n: u64) -> u64 {
    let m = Mutex::new(0u64);
    let t = run_together(2, |_| {
        for _ in 0..n / 2 {
            *m.lock() += 1;
        }
    });
    assert_eq!(*m.lock(), n / 2 * 2);
    t
}

fn rlock_3(n: u64) -> u64 {
    let m = ReentrantMutex::new(());
    let t0 = Instant::now();
    for _ in 0..n {
        let a = m.lock();
        let b = m.lock();
        let c = m.lock();
        drop(black_box(c));
        drop(black_box(b));
        drop(black_box(a));
    }
    elapsed(t0)
}

fn notify_empty(n: u64) -> u64 {
    let m = Mutex::new(());
    let c = Condvar::new();
    let _held = m.lock();
    let t0 = Instant::now();
    for _ in 0..n {
        black_box(c.notify_one());
    }
    elapsed(t0)
}

/// The same pattern as `run_cond_pingpong` in `bench/c/drivers.c`.
fn cond_pingpong(n: u64) -> u64 {
    let turn = Mutex::new(0u8);
    let cv = Condvar::new();
    run_together(2, |i| {
        let mut turn = turn.lock();
        for _ in 0..n {
            if i == 0 {
                *turn = 1;
                cv.notify_one();
                while *turn != 0 {
                    cv.wait(&mut turn);
                }
            } else {
                while *turn != 1 {
                    cv.wait(&mut turn);
                }
                *turn = 0;
                cv.notify_one();
            }
        }
    })
}

/// CPython's Event: a flag under a lock, set with notify_all.
#[derive(Default)]
struct Event {
    flag: Mutex<bool>,
    cv: Condvar,
}

impl Event {
    fn set(&self) {
        *self.flag.lock() = true;
        self.cv.notify_all();
    }
    fn wait(&self) {
        let mut flag = self.flag.lock();
        while !*flag {
            self.cv.wait(&mut flag);
        }
    }
    fn clear(&self) {
        *self.flag.lock() = false;
    }
}

/// The same pattern as `run_event_pingpong` in `bench/c/drivers.c`.
fn event_pingpong(n: u64) -> u64 {
    let (a, b) = (Event::default(), Event::default());
    run_together(2, |i| {
        for _ in 0..n {
            if i == 0 {
                a.set();
                b.wait();
                b.clear();
            } else {
                a.wait();
                a.clear();
                b.set();
            }
        }
    })
}

fn barrier_round(n: u64) -> u64 {
    let b = Barrier::new(2);
    run_together(2, |_| {
        for _ in 0..n {
            b.wait();
        }
    })
}

/// The same pattern as `run_queue` in `bench/c/drivers.c`: items 1..=n/producers from each
/// producer; consumers stop at a 0, one per consumer, sent once the producers are done.
fn queue(producers: usize, consumers: usize, n: u64) -> u64 {
    let (tx, rx) = crossbeam_channel::bounded::<u64>(QUEUE_CAPACITY);
    let per = n / producers as u64;
    let sum = AtomicU64::new(0);
    let done = AtomicUsize::new(0);
    let t = run_together(producers + consumers, |i| {
        if i < producers {
            for item in 1..=per {
                tx.send(item).unwrap();
            }
            if done.fetch_add(1, Ordering::AcqRel) + 1 == producers {
                for _ in 0..consumers {
                    tx.send(0).unwrap();
                }
            }
        } else {
            let mut s = 0;
            while let Ok(item @ 1..) = rx.recv() {
                s += item;
            }
            sum.fetch_add(s, Ordering::Relaxed);
        }
    });
    assert_eq!(sum.into_inner(), producers as u64 * per * (per + 1) / 2);
    t
}

fn thread_create_join(n: u64) -> u64 {
    let t0 = Instant::now();
    for _ in 0..n {
        thread::spawn(|| {}).join().unwrap();
    }
    elapsed(t0)
}

fn rayon_pool() -> rayon::ThreadPool {
    rayon::ThreadPoolBuilder::new()
        .num_threads(POOL_WORKERS)
        .build()
        .unwrap()
}

/// n tiny tasks spawned into a rayon pool from outside it (as the C pools are fed from the main
/// thread), then waited for: each task counts itself down; the last one wakes the main thread.
fn pool_tasks(n: u64) -> u64 {
    let pool = rayon_pool();
    // Leaked (a few bytes per run) so that tasks can borrow it without an Arc per task.
    let done: &'static (AtomicU64, Mutex<()>, Condvar) = Box::leak(Box::new((
        AtomicU64::new(n),
        Mutex::new(()),
        Condvar::new(),
    )));
    let t0 = Instant::now();
    for _ in 0..n {
        pool.spawn(move || {
            if done.0.fetch_sub(1, Ordering::AcqRel) == 1 {
                let _guard = done.1.lock();
                done.2.notify_one();
            }
        });
    }
    let mut guard = done.1.lock();
    while done.0.load(Ordering::Acquire) != 0 {
        done.2.wait(&mut guard);
    }
    elapsed(t0)
}

/// rayon's own idiom: n tiny tasks spawned in a scope, from inside the pool (onto a worker's
/// local deque, where the other worker steals them), and waited for at the scope's end.
fn pool_tasks_scope(n: u64) -> u64 {
    let pool = rayon_pool();
    let counter = AtomicU64::new(0);
    let t0 = Instant::now();
    pool.scope(|s| {
        for _ in 0..n {
            s.spawn(|_| {
                counter.fetch_add(1, Ordering::Relaxed);
            });
        }
    });
    let t = elapsed(t0);
    assert_eq!(counter.into_inner(), n);
    t
}

// ---- the cases a 2-core run hides, as in bench/c/drivers.c ----

/// A lock for the fairness and many-thread cases.
trait Hammer: Sync {
    fn with(&self, f: impl FnOnce());
}

impl Hammer for Mutex<()> {
    fn with(&self, f: impl FnOnce()) {
        let _guard = self.lock();
        f();
    }
}

impl Hammer for ReentrantMutex<()> {
    fn with(&self, f: impl FnOnce()) {
        let _guard = self.lock();
        f();
    }
}

/// `run_fairness` in `bench/c/drivers.c`: `threads` threads take the lock as fast as they can
/// for `ms` milliseconds; leaves each one's count and the longest gap between two of a thread's
/// acquisitions.
fn fairness(lock: &impl Hammer, threads: usize, ms: u64) -> u64 {
    let end = std::sync::OnceLock::<Instant>::new();
    let counter = AtomicU64::new(0);
    let results = std::sync::Mutex::new(Vec::new());
    let t = run_together(threads, |_| {
        let end = *end.get_or_init(|| Instant::now() + std::time::Duration::from_millis(ms));
        let (mut count, mut longest, mut last) = (0u64, 0u64, Instant::now());
        loop {
            let mut now = last;
            lock.with(|| {
                now = Instant::now();
                // Only ever touched under the lock: a relaxed load and store, not an RMW.
                counter.store(counter.load(Ordering::Relaxed) + 1, Ordering::Relaxed);
            });
            longest = longest.max(now.duration_since(last).as_nanos() as u64);
            last = now;
            count += 1;
            if now >= end {
                break;
            }
        }
        results.lock().unwrap().push((count, longest));
    });
    let results = results.into_inner().unwrap();
    assert_eq!(
        counter.into_inner(),
        results.iter().map(|r| r.0).sum::<u64>()
    );
    let counts: Vec<String> = results.iter().map(|r| r.0.to_string()).collect();
    let longest = results.iter().map(|r| r.1).max().unwrap_or(0);
    *EXTRA.lock().unwrap() = format!(
        "\"acquisitions\": [{}], \"longest_wait_ns\": {longest}",
        counts.join(", ")
    );
    t
}

fn lock_2000_threads(n: u64) -> u64 {
    const THREADS: u64 = 2000;
    let m = Mutex::new(0u64);
    let per = (n / THREADS).max(1);
    let t = run_together(THREADS as usize, |_| {
        for _ in 0..per {
            *m.lock() += 1;
        }
    });
    assert_eq!(*m.lock(), per * THREADS);
    t
}

/// Something many threads wait on and one call wakes them all (`struct wake_ops` in
/// `bench/c/harness.h`).
trait WakeAll: Sync {
    fn wait(&self);
    fn wake(&self, waiters: u64);
}

/// A flag under a mutex with a condition variable: notify_all, or CPython's Event.
#[derive(Default)]
struct FlagCondvar {
    state: Mutex<(u64, bool)>,
    cv: Condvar,
}

impl WakeAll for FlagCondvar {
    fn wait(&self) {
        let mut state = self.state.lock();
        state.0 += 1;
        while !state.1 {
            self.cv.wait(&mut state);
        }
    }
    fn wake(&self, waiters: u64) {
        let mut state = self.state.lock();
        assert_eq!(state.0, waiters, "each released the mutex in wait");
        state.1 = true;
        self.cv.notify_all();
    }
}

impl WakeAll for Barrier {
    fn wait(&self) {
        Barrier::wait(self);
    }
    fn wake(&self, _: u64) {
        Barrier::wait(self);
    }
}

/// Receivers blocked on an empty channel, woken when its last sender is dropped (the closest
/// crossbeam has to a queue's shutdown).
struct Channel {
    tx: std::sync::Mutex<Option<crossbeam_channel::Sender<u64>>>,
    rx: crossbeam_channel::Receiver<u64>,
}

impl Channel {
    fn new() -> Channel {
        let (tx, rx) = crossbeam_channel::bounded(QUEUE_CAPACITY);
        Channel {
            tx: std::sync::Mutex::new(Some(tx)),
            rx,
        }
    }
}

impl WakeAll for Channel {
    fn wait(&self) {
        assert!(self.rx.recv().is_err(), "disconnected");
    }
    fn wake(&self, _: u64) {
        drop(self.tx.lock().unwrap().take());
    }
}

/// `run_wake_all` in `bench/c/drivers.c`: `n` threads wait; 20 ms after the last has called
/// `wait`, one `wake`; the time until the last waiter has returned.
fn wake_all(obj: &impl WakeAll, n: u64) -> u64 {
    let arrived = AtomicU64::new(0);
    let woken = AtomicU64::new(0);
    let last = std::sync::OnceLock::<Instant>::new();
    let t0 = thread::scope(|s| {
        for _ in 0..n {
            thread::Builder::new()
                .stack_size(64 * 1024)
                .spawn_scoped(s, || {
                    arrived.fetch_add(1, Ordering::AcqRel);
                    obj.wait();
                    if woken.fetch_add(1, Ordering::AcqRel) + 1 == n {
                        last.set(Instant::now()).unwrap();
                    }
                })
                .unwrap();
        }
        while arrived.load(Ordering::Acquire) < n {
            thread::yield_now();
        }
        thread::sleep(std::time::Duration::from_millis(20));
        let t0 = Instant::now();
        obj.wake(n);
        t0
    });
    last.get().unwrap().duration_since(t0).as_nanos() as u64
}
