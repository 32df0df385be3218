//! `weft::Queue`: every outcome of every call, the order of each kind, shutdown semantics, and
//! conservation of items under several producers and consumers.

use std::collections::HashSet;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::thread;
use std::time::{Duration, Instant};

use weft::{Error, Queue, QueueKind, Rejected, Timeout};

const NOW: Timeout = Timeout::After(Duration::ZERO);
const FOREVER: Timeout = Timeout::Forever;

fn queue<T>(kind: QueueKind, maxsize: usize) -> Arc<Queue<T>> {
    Arc::new(Queue::new(kind, maxsize).unwrap())
}

fn drain<T>(q: &Queue<T>) -> Vec<T> {
    std::iter::from_fn(|| q.get(NOW).ok()).collect()
}

#[test]
fn each_kind_hands_items_out_in_its_order() {
    for (kind, expected) in [
        (QueueKind::Fifo, [1, 2, 3]),
        (QueueKind::Simple, [1, 2, 3]),
        (QueueKind::Lifo, [3, 2, 1]),
    ] {
        let q = Queue::new(kind, 0).unwrap();
        for i in 1..=3 {
            q.put(i, NOW).unwrap();
        }
        assert_eq!(drain(&q), expected, "{kind:?}");
    }
}

#[test]
fn priority_queue_is_lowest_first_then_first_in_first_out() {
    let q = Queue::new(QueueKind::Priority, 0).unwrap();
    for (item, priority) in [
        ("c", 5),
        ("a", -1),
        ("d", 5),
        ("b", 0),
        ("e", 5),
        ("z", i64::MAX),
    ] {
        q.put_priority(item, priority, NOW).unwrap();
    }
    q.put("b2", NOW).unwrap(); // priority 0, after "b"
    assert_eq!(drain(&q), ["a", "b", "b2", "c", "d", "e", "z"]);
}

#[test]
fn priorities_only_on_priority_queues() {
    let q = Queue::new(QueueKind::Fifo, 0).unwrap();
    assert_eq!(
        q.put_priority("x", 1, NOW),
        Err(Rejected {
            error: Error::InvalidArgument,
            value: "x"
        })
    );
    assert!(q.empty());
}

#[test]
fn simple_queues_are_unbounded_and_untracked() {
    assert_eq!(
        Queue::<()>::new(QueueKind::Simple, 1).err(),
        Some(Error::InvalidArgument)
    );
    let q = Queue::new(QueueKind::Simple, 0).unwrap();
    q.put(1, NOW).unwrap();
    assert_eq!(q.unfinished_tasks(), 0);
    assert_eq!(q.task_done(), Err(Error::WrongState));
    assert_eq!(q.join(NOW), Err(Error::WrongState));
    assert_eq!(q.kind(), QueueKind::Simple);
}

#[test]
fn sizes() {
    let q = Queue::new(QueueKind::Fifo, 2).unwrap();
    assert_eq!(q.maxsize(), 2);
    assert!(q.empty() && !q.full());
    q.put(1, NOW).unwrap();
    assert_eq!(q.qsize(), 1);
    assert!(!q.empty() && !q.full());
    q.put(2, NOW).unwrap();
    assert!(q.full());
    let unbounded = Queue::new(QueueKind::Lifo, 0).unwrap();
    for i in 0..100 {
        unbounded.put(i, NOW).unwrap();
    }
    assert!(!unbounded.full());
    assert_eq!(unbounded.qsize(), 100);
}

#[test]
fn get_on_empty_is_empty_at_once_or_after_the_timeout() {
    let q = Queue::<u8>::new(QueueKind::Fifo, 0).unwrap();
    assert_eq!(q.get(NOW), Err(Error::QueueEmpty));
    let timeout = Duration::from_millis(20);
    let start = Instant::now();
    assert_eq!(q.get(Timeout::After(timeout)), Err(Error::QueueEmpty));
    assert!(start.elapsed() >= timeout, "returned early");
}

#[test]
fn put_on_full_is_full_at_once_or_after_the_timeout_and_returns_the_item() {
    let q = Queue::new(QueueKind::Fifo, 1).unwrap();
    q.put(1, NOW).unwrap();
    let full = |value| {
        Err(Rejected {
            error: Error::QueueFull,
            value,
        })
    };
    assert_eq!(q.put(2, NOW), full(2));
    let timeout = Duration::from_millis(20);
    let start = Instant::now();
    assert_eq!(q.put(3, Timeout::After(timeout)), full(3));
    assert!(start.elapsed() >= timeout, "returned early");
    assert_eq!(
        Error::from(Rejected {
            error: Error::QueueFull,
            value: 3
        }),
        Error::QueueFull
    );
    assert_eq!(drain(&q), [1]);
}

#[test]
fn a_blocked_getter_gets_the_next_item() {
    let q = queue(QueueKind::Fifo, 0);
    let getter = {
        let q = Arc::clone(&q);
        thread::spawn(move || q.get(FOREVER))
    };
    q.put(7, NOW).unwrap();
    assert_eq!(getter.join().unwrap(), Ok(7));
}

#[test]
fn a_blocked_putter_gets_the_freed_slot() {
    let q = queue(QueueKind::Fifo, 1);
    q.put(1, NOW).unwrap();
    let putter = {
        let q = Arc::clone(&q);
        thread::spawn(move || q.put(2, FOREVER))
    };
    assert_eq!(q.get(FOREVER), Ok(1));
    assert_eq!(putter.join().unwrap(), Ok(()));
    assert_eq!(q.get(FOREVER), Ok(2));
}

/// Waits until `count()` is `n`; fails the test after `BOUND` (a count that never gets there).
fn until(n: usize, count: impl Fn() -> usize) {
    const BOUND: Duration = Duration::from_secs(10);
    let start = Instant::now();
    while count() != n {
        assert!(
            start.elapsed() < BOUND,
            "count stuck at {}, not {n}",
            count()
        );
        thread::yield_now();
    }
}

/// The blocked getters and putters are counted while they wait, and no longer once served.
#[test]
fn waiting_getters_and_putters_are_counted() {
    let q = queue(QueueKind::Fifo, 1);
    assert_eq!((q.maxsize(), q.getters(), q.putters()), (1, 0, 0));
    let getters: Vec<_> = (0..2)
        .map(|_| {
            let q = Arc::clone(&q);
            thread::spawn(move || q.get(FOREVER))
        })
        .collect();
    until(2, || q.getters());
    q.put(1, NOW).unwrap();
    until(1, || q.getters());
    q.put(2, FOREVER).unwrap();
    let mut got: Vec<_> = getters
        .into_iter()
        .map(|g| g.join().unwrap().unwrap())
        .collect();
    got.sort();
    assert_eq!(got, [1, 2]);
    assert_eq!(q.getters(), 0);
    q.put(3, NOW).unwrap();
    let putter = {
        let q = Arc::clone(&q);
        thread::spawn(move || q.put(4, FOREVER))
    };
    until(1, || q.putters());
    assert_eq!(q.get(NOW), Ok(3));
    assert_eq!(putter.join().unwrap(), Ok(()));
    assert_eq!(q.putters(), 0);
}

#[test]
fn task_done_and_join() {
    let q = queue(QueueKind::Fifo, 0);
    assert_eq!(q.join(NOW), Ok(true));
    assert_eq!(q.task_done(), Err(Error::TaskDoneTooMany));
    assert_eq!(
        q.unfinished_tasks(),
        0,
        "a refused task_done changes nothing"
    );
    q.put(1, NOW).unwrap();
    q.put(2, NOW).unwrap();
    assert_eq!(q.unfinished_tasks(), 2);
    q.get(NOW).unwrap();
    assert_eq!(q.unfinished_tasks(), 2, "get does not finish a task");
    assert_eq!(q.join(Timeout::After(Duration::from_millis(5))), Ok(false));
    let joiners: Vec<_> = (0..3)
        .map(|_| {
            let q = Arc::clone(&q);
            thread::spawn(move || q.join(FOREVER))
        })
        .collect();
    q.task_done().unwrap();
    q.get(NOW).unwrap();
    q.task_done().unwrap();
    for joiner in joiners {
        assert_eq!(joiner.join().unwrap(), Ok(true));
    }
    assert_eq!(q.task_done(), Err(Error::TaskDoneTooMany));
}

#[test]
fn shutdown_refuses_puts_and_drains_gets() {
    let q = Queue::new(QueueKind::Fifo, 0).unwrap();
    q.put(1, NOW).unwrap();
    q.put(2, NOW).unwrap();
    assert!(!q.is_shutdown());
    assert!(q.shutdown(false).unwrap().is_empty());
    assert!(q.is_shutdown());
    let shut = |value| {
        Err(Rejected {
            error: Error::QueueShutDown,
            value,
        })
    };
    assert_eq!(q.put(3, NOW), shut(3));
    assert_eq!(q.put(4, FOREVER), shut(4));
    assert_eq!(q.get(FOREVER), Ok(1));
    assert_eq!(q.get(NOW), Ok(2));
    assert_eq!(q.get(NOW), Err(Error::QueueShutDown));
    assert_eq!(q.get(FOREVER), Err(Error::QueueShutDown));
    assert_eq!(q.unfinished_tasks(), 2, "a plain shutdown finishes nothing");
    assert!(
        q.shutdown(false).unwrap().is_empty(),
        "a second shutdown is harmless"
    );
}

#[test]
fn shutdown_wakes_blocked_getters_and_putters() {
    let empty = queue::<u8>(QueueKind::Fifo, 0);
    let full = queue(QueueKind::Fifo, 1);
    full.put(0, NOW).unwrap();
    let getters: Vec<_> = (0..3)
        .map(|_| {
            let q = Arc::clone(&empty);
            thread::spawn(move || q.get(FOREVER))
        })
        .collect();
    let putters: Vec<_> = (1..=3)
        .map(|i| {
            let q = Arc::clone(&full);
            thread::spawn(move || q.put(i, FOREVER).map_err(|r| (r.error, r.value)))
        })
        .collect();
    empty.shutdown(false).unwrap();
    full.shutdown(false).unwrap();
    for getter in getters {
        assert_eq!(getter.join().unwrap(), Err(Error::QueueShutDown));
    }
    let mut returned: Vec<_> = putters
        .into_iter()
        .map(|p| {
            let (error, item) = p.join().unwrap().unwrap_err();
            assert_eq!(error, Error::QueueShutDown);
            item
        })
        .collect();
    returned.sort();
    assert_eq!(returned, [1, 2, 3], "every refused item comes back");
    assert_eq!(drain(&full), [0]);
}

#[test]
fn immediate_shutdown_removes_the_items_and_finishes_their_tasks() {
    for (kind, expected) in [
        (QueueKind::Fifo, [1, 2, 3]),
        (QueueKind::Lifo, [3, 2, 1]),
        (QueueKind::Priority, [1, 2, 3]),
    ] {
        let q = queue(kind, 0);
        if kind == QueueKind::Priority {
            for i in [3, 1, 2] {
                q.put_priority(i, i64::from(i), NOW).unwrap();
            }
        } else {
            for i in 1..=3 {
                q.put(i, NOW).unwrap();
            }
        }
        assert_eq!(q.unfinished_tasks(), 3, "{kind:?}");
        let joiner = {
            let q = Arc::clone(&q);
            thread::spawn(move || q.join(FOREVER))
        };
        assert_eq!(q.shutdown(true).unwrap(), expected, "{kind:?}");
        assert_eq!(joiner.join().unwrap(), Ok(true));
        assert_eq!(q.unfinished_tasks(), 0);
        assert_eq!(q.get(NOW), Err(Error::QueueShutDown));
        assert!(q.shutdown(true).unwrap().is_empty());
    }
}

#[test]
fn immediate_shutdown_never_finishes_tasks_below_zero() {
    let q = Queue::new(QueueKind::Fifo, 0).unwrap();
    q.put(1, NOW).unwrap();
    q.put(2, NOW).unwrap();
    // Tasks marked done before their items were got, as Python allows.
    q.task_done().unwrap();
    q.task_done().unwrap();
    assert_eq!(q.shutdown(true).unwrap(), [1, 2]);
    assert_eq!(q.unfinished_tasks(), 0);
}

/// Counts its drops.
#[derive(Debug)]
struct Counted(Arc<AtomicUsize>);

impl Drop for Counted {
    fn drop(&mut self) {
        self.0.fetch_add(1, Ordering::Relaxed);
    }
}

#[test]
fn dropping_a_queue_drops_each_item_once() {
    let drops = Arc::new(AtomicUsize::new(0));
    let q = Queue::new(QueueKind::Priority, 0).unwrap();
    for i in 0..5 {
        q.put_priority(Counted(Arc::clone(&drops)), i, NOW).unwrap();
    }
    drop(q.get(NOW).unwrap());
    assert_eq!(drops.load(Ordering::Relaxed), 1);
    drop(q);
    assert_eq!(drops.load(Ordering::Relaxed), 5);
}

/// A FIFO queue's ring starts small and doubles when a put finds it full, wherever the head is
/// in it by then: the items keep their order through growth and wrap-around, `qsize` counts
/// them, and a bounded queue (of any size, not only powers of two) is full at `maxsize`
/// exactly; the items left are dropped in get order.
#[test]
fn fifo_order_survives_the_ring_growing_and_wrapping() {
    for maxsize in [0, 33, 100, 1000] {
        let q = Queue::new(QueueKind::Fifo, maxsize).unwrap();
        let limit = if maxsize == 0 { 700 } else { maxsize };
        let (mut next_put, mut next_get) = (0, 0);
        // Rounds of puts and fewer gets: the head moves through the ring while it grows.
        while next_put < limit {
            for _ in 0..(limit - next_put).min(next_put / 2 + 7) {
                q.put(next_put, NOW).unwrap();
                next_put += 1;
            }
            for _ in 0..3.min(next_put - next_get) {
                assert_eq!(q.get(NOW), Ok(next_get), "maxsize {maxsize}");
                next_get += 1;
            }
            assert_eq!(q.qsize(), next_put - next_get, "maxsize {maxsize}");
        }
        if maxsize != 0 {
            // Refill what the gets freed: full at maxsize exactly.
            while q.qsize() < maxsize {
                q.put(next_put, NOW).unwrap();
                next_put += 1;
            }
            assert!(q.full());
            let refused = q.put(usize::MAX, NOW).unwrap_err();
            assert_eq!(
                (refused.error, refused.value),
                (Error::QueueFull, usize::MAX)
            );
        }
        assert_eq!(q.unfinished_tasks(), next_put);
        assert_eq!(drain(&q), (next_get..next_put).collect::<Vec<_>>());
    }
    // Dropped in get order, with the items wrapped around the end of the ring (of 32 slots):
    // 20 put, 15 got, 20 more put.
    let dropped = Arc::new(std::sync::Mutex::new(Vec::new()));
    let q = Queue::new(QueueKind::Simple, 0).unwrap();
    for i in 0..40 {
        q.put(Recorded(i, Arc::clone(&dropped)), NOW).unwrap();
        if i == 19 {
            drain_n(&q, 15);
        }
    }
    dropped.lock().unwrap().clear();
    drop(q);
    assert_eq!(*dropped.lock().unwrap(), (15..40).collect::<Vec<_>>());
}

fn drain_n<T>(q: &Queue<T>, n: usize) {
    for _ in 0..n {
        drop(q.get(NOW).unwrap());
    }
}

/// Records its number when dropped.
#[derive(Debug)]
struct Recorded(usize, Arc<std::sync::Mutex<Vec<usize>>>);

impl Drop for Recorded {
    fn drop(&mut self) {
        self.1.lock().unwrap().push(self.0);
    }
}

/// Every item put by several producers is got exactly once by several consumers, through a
/// small bounded queue so that both sides block (some with timeouts); `join` returns once every
/// item is done.
#[test]
fn conservation_with_several_producers_and_consumers() {
    const PRODUCERS: usize = 4;
    const CONSUMERS: usize = 4;
    // Fewer under Miri, which interprets each operation.
    const ITEMS: usize = if cfg!(miri) { 40 } else { 2_000 };
    for kind in [QueueKind::Fifo, QueueKind::Lifo, QueueKind::Priority] {
        let q = queue::<(usize, usize)>(kind, 8);
        let producers: Vec<_> = (0..PRODUCERS)
            .map(|p| {
                let q = Arc::clone(&q);
                thread::spawn(move || {
                    for i in 0..ITEMS {
                        q.put_priority((p, i), (i % 7) as i64, FOREVER)
                            .or_else(|r| q.put(r.value, FOREVER))
                            .unwrap();
                    }
                })
            })
            .collect();
        let consumers: Vec<_> = (0..CONSUMERS)
            .map(|c| {
                let q = Arc::clone(&q);
                // Half the consumers time out and retry, racing their timeouts with the puts.
                let timeout = if c % 2 == 0 {
                    FOREVER
                } else {
                    Timeout::After(Duration::from_micros(50))
                };
                thread::spawn(move || {
                    let mut got = Vec::new();
                    loop {
                        match q.get(timeout) {
                            Ok(item) => {
                                got.push(item);
                                q.task_done().unwrap();
                            }
                            Err(Error::QueueEmpty) => {}
                            Err(e) => {
                                assert_eq!(e, Error::QueueShutDown);
                                return got;
                            }
                        }
                    }
                })
            })
            .collect();
        for p in producers {
            p.join().unwrap();
        }
        assert_eq!(q.join(FOREVER), Ok(true));
        q.shutdown(false).unwrap();
        let mut seen = HashSet::new();
        for c in consumers {
            for item in c.join().unwrap() {
                assert!(seen.insert(item), "{item:?} got twice ({kind:?})");
            }
        }
        assert_eq!(seen.len(), PRODUCERS * ITEMS, "{kind:?}");
        assert_eq!(q.unfinished_tasks(), 0);
    }
}
