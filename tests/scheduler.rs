//! `weft::Scheduler` at scale: ten thousand pending timers take no thread each and a bounded
//! amount of memory each. (Its behaviour, timer by timer, is tested in `src/scheduler.rs`.)

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicIsize, Ordering};
use std::time::Duration;

use weft::{Scheduler, thread};

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

#[test]
fn ten_thousand_pending_timers_cost_no_thread_and_bounded_memory() {
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
    assert_eq!(thread::active_count(), threads, "a thread per timer");
    assert_eq!(scheduler.len(), TIMERS);
    // The future's one allocation (its task inside), its heap entry (counting the heap's
    // doubling) and its place in `futures`: a few hundred bytes, whatever the count.
    assert!(per_timer <= 512, "{per_timer} bytes per pending timer");
    scheduler.shutdown(true).unwrap();
    assert!(futures.iter().all(weft::Future::cancelled));
    drop(futures);
}
