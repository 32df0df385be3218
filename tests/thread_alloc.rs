//! A started thread whose target allocates nothing calls neither the allocator's `alloc` nor its
//! `dealloc`: a thread's first malloc or free sets up glibc's per-thread cache, which its exit
//! tears down again (BENCHMARKS.md, "At the line"). Its own test binary, as it counts
//! through a global allocator.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::sync::atomic::{AtomicUsize, Ordering};

use weft::Timeout;
use weft::thread::Thread;

/// Counts the calls made on threads that set `WATCHED`.
struct Counting;

static CALLS: AtomicUsize = AtomicUsize::new(0);

thread_local! {
    static WATCHED: Cell<bool> = const { Cell::new(false) };
}

fn count() {
    // `try_with`: the allocator may be called while the thread's locals are torn down.
    if WATCHED.try_with(Cell::get).unwrap_or(false) {
        // Relaxed: read after the join, which orders it.
        CALLS.fetch_add(1, Ordering::Relaxed);
    }
}

// SAFETY: forwards every call to `System` unchanged.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        count();
        // SAFETY: forwarded contract.
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        count();
        // SAFETY: forwarded contract.
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// Fails on the code before: the thread freed its start closure's two boxes and its target's
/// box, and allocated the box of its result.
#[test]
fn a_thread_that_allocates_nothing_calls_no_allocator() {
    for _ in 0..10 {
        let t = Thread::new(|| {
            WATCHED.with(|w| w.set(true));
            7_u64
        });
        t.start().unwrap();
        assert_eq!(t.join(Timeout::Forever), Ok(true));
        assert_eq!(t.result::<u64>(), Ok(Some(7)));
    }
    // Relaxed: every watched thread was joined above.
    assert_eq!(CALLS.load(Ordering::Relaxed), 0);
}
