//! Stress and fault injection: many threads on few locks with owner checks, thread creation
//! refused by the OS, and timeouts on a loaded machine.
//!
//! The `#[ignore]`d tests are the long or timing-sensitive ones; `make verify` runs them
//! (`cargo test --release --test stress -- --include-ignored`).

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use weft::thread::Thread;
use weft::{Error, Lock, RLock, Timeout};

/// Who holds each lock, checked by every holder: 0 when free.
struct Owned<L> {
    lock: L,
    owner: AtomicUsize,
}

/// A small deterministic generator, so that each thread takes its own path through the locks.
fn next(seed: &mut u64) -> u64 {
    *seed ^= *seed << 13;
    *seed ^= *seed >> 7;
    *seed ^= *seed << 17;
    *seed
}

/// `threads` threads take random locks among `locks` Locks and as many RLocks (an RLock
/// recursively, sometimes with a timeout) `rounds` times each; every holder checks it is alone.
fn many_threads_few_locks(threads: usize, locks: usize, rounds: usize) {
    let plain: Arc<Vec<Owned<Lock>>> = Arc::new(
        (0..locks)
            .map(|_| Owned {
                lock: Lock::new(),
                owner: AtomicUsize::new(0),
            })
            .collect(),
    );
    let recursive: Arc<Vec<Owned<RLock>>> = Arc::new(
        (0..locks)
            .map(|_| Owned {
                lock: RLock::new(),
                owner: AtomicUsize::new(0),
            })
            .collect(),
    );
    let workers: Vec<_> = (1..=threads)
        .map(|me| {
            let (plain, recursive) = (plain.clone(), recursive.clone());
            Thread::new(move || {
                let mut seed = (me as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15);
                for _ in 0..rounds {
                    let r = next(&mut seed);
                    let i = r as usize % locks;
                    let timeout = match r >> 32 & 3 {
                        0 => Timeout::After(Duration::from_micros(50)),
                        _ => Timeout::Forever,
                    };
                    if r >> 40 & 1 == 0 {
                        let slot = &plain[i];
                        if !slot.lock.acquire(timeout) {
                            continue;
                        }
                        // SeqCst: the checks must not be reordered around the critical section.
                        assert_eq!(slot.owner.swap(me, Ordering::SeqCst), 0, "two Lock holders");
                        std::hint::spin_loop();
                        assert_eq!(slot.owner.swap(0, Ordering::SeqCst), me);
                        slot.lock.release().unwrap();
                    } else {
                        let slot = &recursive[i];
                        if !slot.lock.acquire(timeout).unwrap() {
                            continue;
                        }
                        assert_eq!(slot.owner.swap(me, Ordering::SeqCst), 0, "two RLock owners");
                        assert!(slot.lock.acquire(Timeout::Forever).unwrap());
                        assert_eq!(slot.lock.recursion_count(), 2);
                        slot.lock.release().unwrap();
                        assert!(slot.lock.is_owned());
                        assert_eq!(slot.owner.swap(0, Ordering::SeqCst), me);
                        slot.lock.release().unwrap();
                    }
                }
            })
        })
        .collect();
    for w in &workers {
        w.start().unwrap();
    }
    for w in &workers {
        assert!(w.join(Timeout::Forever).unwrap());
        // A panicking worker (a failed check) leaves no result.
        assert_eq!(w.result::<()>(), Ok(Some(())), "a worker's check failed");
    }
    for slot in plain.iter() {
        assert!(!slot.lock.locked());
    }
    for slot in recursive.iter() {
        assert!(!slot.lock.locked());
    }
}

#[test]
fn many_threads_on_few_locks() {
    many_threads_few_locks(8, 2, 500);
}

#[test]
#[ignore = "long: run by make verify"]
fn many_threads_on_few_locks_long() {
    many_threads_few_locks(32, 3, 100_000);
}

#[test]
#[cfg_attr(miri, ignore = "Miri cannot fork")]
fn thread_creation_refused_in_a_forked_child_with_low_rlimit_as() {
    // With no address space left for a stack, the OS refuses the thread: `start` reports it and
    // the thread can be started later. In a child, so the limit touches nothing else.
    // SAFETY: the child only runs weft and libc calls, then leaves with _exit.
    let pid = unsafe { libc::fork() };
    if pid == 0 {
        // SAFETY: alarm and _exit are async-signal-safe; the alarm turns a hang into a failure.
        unsafe { libc::alarm(10) };
        let t = Thread::new(|| 3);
        // Bigger than any stack glibc keeps cached from finished threads, which it would reuse
        // without asking the OS.
        t.set_stack_size(64 << 20).unwrap();
        // The address space in use now, plus room for small allocations but not for a stack.
        let statm = std::fs::read_to_string("/proc/self/statm").unwrap_or_default();
        let pages: u64 = statm
            .split(' ')
            .next()
            .and_then(|p| p.parse().ok())
            .unwrap_or(0);
        let limit = libc::rlimit {
            rlim_cur: pages * 4096 + 512 * 1024,
            rlim_max: libc::RLIM_INFINITY,
        };
        // SAFETY: plain system calls on valid arguments.
        let refused = unsafe {
            let mut old = limit;
            libc::getrlimit(libc::RLIMIT_AS, &mut old);
            libc::setrlimit(libc::RLIMIT_AS, &limit);
            let refused = t.start() == Err(Error::CantStartThread) && !t.is_alive();
            libc::setrlimit(libc::RLIMIT_AS, &old);
            refused
        };
        let retried = t.set_stack_size(0).is_ok()
            && t.start().is_ok()
            && t.join(Timeout::Forever) == Ok(true);
        // SAFETY: leaves the child at once.
        unsafe { libc::_exit(i32::from(!refused) + 2 * i32::from(!retried)) };
    }
    assert!(pid > 0, "fork failed");
    let mut status = 0;
    // SAFETY: waits for the child made above.
    assert_eq!(unsafe { libc::waitpid(pid, &mut status, 0) }, pid);
    assert!(libc::WIFEXITED(status), "child status {status:#x}");
    // 1: the start was not refused; 2: the retry failed; 3: both.
    assert_eq!(libc::WEXITSTATUS(status), 0);
}

/// Runs `wait` (which must time out after `timeout`) on a machine loaded with busy threads:
/// it must never return early, and not wildly late; a late attempt is retried, since a loaded
/// machine may deschedule anyone for a while.
fn times_out_in_time(timeout: Duration, wait: impl Fn(Timeout)) {
    const LATE: Duration = Duration::from_secs(1);
    let stop = Arc::new(AtomicUsize::new(0));
    let load: Vec<_> = (0..4)
        .map(|_| {
            let stop = stop.clone();
            std::thread::spawn(move || {
                // Relaxed: only a flag to stop spinning.
                while stop.load(Ordering::Relaxed) == 0 {
                    std::hint::spin_loop();
                }
            })
        })
        .collect();
    let mut late = Vec::new();
    for _ in 0..5 {
        let start = Instant::now();
        wait(Timeout::After(timeout));
        let took = start.elapsed();
        assert!(took >= timeout, "timed out early: {took:?} < {timeout:?}");
        if took <= timeout + LATE {
            break;
        }
        late.push(took);
    }
    stop.store(1, Ordering::Relaxed);
    load.into_iter().for_each(|t| t.join().unwrap());
    assert!(late.len() < 5, "late every time: {late:?}");
}

#[test]
#[ignore = "timing on a loaded machine: run by make verify"]
fn timeouts_are_never_early_and_not_wildly_late() {
    let lock = Lock::new();
    assert!(lock.acquire(Timeout::Forever));
    for ms in [1, 20, 150] {
        let timeout = Duration::from_millis(ms);
        times_out_in_time(timeout, |t| assert!(!lock.acquire(t)));
    }
    let rlock = Arc::new(RLock::new());
    let gate = Arc::new(Lock::new());
    assert!(gate.acquire(Timeout::Forever));
    let holder = {
        let (rlock, gate) = (rlock.clone(), gate.clone());
        Thread::new(move || {
            assert!(rlock.acquire(Timeout::Forever).unwrap());
            assert!(gate.acquire(Timeout::Forever));
            rlock.release().unwrap();
        })
    };
    holder.start().unwrap();
    while !rlock.locked() {
        std::thread::yield_now();
    }
    times_out_in_time(Duration::from_millis(30), |t| {
        assert!(!rlock.acquire(t).unwrap());
        assert_eq!(holder.join(t), Ok(false));
    });
    gate.release().unwrap();
    assert!(holder.join(Timeout::Forever).unwrap());
}
