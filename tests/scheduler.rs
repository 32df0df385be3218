//! `weft::Scheduler` at scale: ten thousand pending timers take no thread each and a bounded
//! amount of memory each; and in a child made by `fork()`, which has no scheduler thread. (Its
//! behaviour, timer by timer, is tested in `src/scheduler.rs`.)

mod common;

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicIsize, Ordering};
use std::time::Duration;

use weft::{Scheduler, Timeout, thread};

/// The system allocator, counting the bytes in use.
struct CountingAllocator;

static IN_USE: AtomicIsize = AtomicIsize::new(0);

// SAFETY: every call is forwarded to the system allocator unchanged.
unsafe impl GlobalAlloc for CountingAllocator {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // Relaxed: a counter read once the threads that allocate are quiet.
        IN_USE.fetch_add(layout.size() as isize, Ordering::Relaxed);
        // SAFETY: forwarded contract.
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        IN_USE.fetch_sub(layout.size() as isize, Ordering::Relaxed);
        // SAFETY: forwarded contract.
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static ALLOCATOR: CountingAllocator = CountingAllocator;

/// Taken by each test: the first counts threads and bytes, which the others' must not change
/// meanwhile.
static ONE_AT_A_TIME: std::sync::Mutex<()> = std::sync::Mutex::new(());

#[test]
fn ten_thousand_pending_timers_cost_no_thread_and_bounded_memory() {
    let _alone = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    const TIMERS: usize = 10_000;
    const HOUR: Duration = Duration::from_secs(3600);
    let scheduler = Scheduler::new().unwrap();
    let threads = thread::active_count();
    let before = IN_USE.load(Ordering::Relaxed);
    let futures: Vec<_> = (0..TIMERS)
        .map(|i| {
            scheduler
                .call_later(HOUR, move || Ok::<_, ()>(i))
                .ok()
                .unwrap()
        })
        .collect();
    let per_timer = (IN_USE.load(Ordering::Relaxed) - before) as usize / TIMERS;
    // At most: another test's thread that used weft may have ended meanwhile.
    assert!(thread::active_count() <= threads, "a thread per timer");
    assert_eq!(scheduler.len(), TIMERS);
    // The future's one allocation (its task inside), its heap entry (counting the heap's
    // doubling) and its place in `futures`: a few hundred bytes, whatever the count.
    assert!(per_timer <= 512, "{per_timer} bytes per pending timer");
    scheduler.shutdown(true).unwrap();
    assert!(futures.iter().all(weft::Future::cancelled));
    drop(futures);
}

/// A child made by `fork()` has no scheduler thread (as CPython's `Timer` threads vanish in a
/// child): a scheduler made before the fork refuses new timers there at once, as if shut down,
/// instead of accepting timers that never fire; it reports no timer (the parent's are not the
/// child's), and shutting it down or dropping it returns at once, touching nothing the vanished
/// thread may have held.
#[test]
fn a_scheduler_in_a_forked_child_refuses_timers_and_does_not_hang() {
    let _alone = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let scheduler = Scheduler::new().unwrap();
    let pending = scheduler
        .call_later(Duration::from_secs(3600), || Ok::<_, ()>(()))
        .ok()
        .unwrap();
    let failed = common::failed_in_forked_child(10, || {
        let refused = scheduler.call_later(Duration::ZERO, || Ok::<_, ()>(1));
        let refused = match refused {
            Err(rejected) => rejected.error == weft::Error::PoolShutDown,
            // Before: accepted, and never run.
            Ok(future) => future
                .outcome(Timeout::After(Duration::from_millis(500)))
                .is_some(),
        };
        let every = scheduler.call_every(
            Duration::ZERO,
            weft::scheduler::Period::FixedRate(Duration::from_millis(1)),
            || Ok::<_, ()>(()),
        );
        vec![
            refused,
            every.err().map(|r| r.error) == Some(weft::Error::PoolShutDown),
            scheduler.is_empty(),
            scheduler.shutdown(true).is_ok(),
            !pending.done(),
        ]
    });
    assert_eq!(
        failed,
        Vec::<usize>::new(),
        "checks that failed in the child"
    );
    // The parent's scheduler is untouched.
    assert_eq!(scheduler.len(), 1);
    assert!(pending.cancel());
    // Its thread gone before the next test counts threads.
    scheduler.shutdown(true).unwrap();
}
