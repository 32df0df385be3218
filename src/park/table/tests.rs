//! The table's tests: threads parked and woken in every way the primitives use.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::thread::{self, JoinHandle};
use std::time::Duration;

use crate::timeout::{Deadline, Timeout};

use super::*;

/// Keys no other test uses (the tests run side by side in one table): addresses of bytes
/// nothing else parks on.
fn keys<const N: usize>() -> [usize; N] {
    static BYTES: [u8; 64] = [0; 64];
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    // Relaxed: only the uniqueness of the numbers handed out matters.
    std::array::from_fn(|_| &BYTES[NEXT.fetch_add(1, Ordering::Relaxed)] as *const u8 as usize)
}

/// Threads queued under `key` now.
fn queued(key: usize) -> usize {
    buckets::lock(buckets::index(key))
        .entries
        .iter()
        .filter(|e| e.key == key)
        .count()
}

/// Starts a thread that parks under `key` with `token` (and `deadline`), and returns once it
/// is queued (or, with a deadline, has already timed out: Miri's clock runs fast): what
/// `park` returned, and the key and last-thread flag `timed_out` was given.
fn parked(
    key: usize,
    token: usize,
    deadline: Deadline,
) -> JoinHandle<(ParkResult, Option<(usize, bool)>)> {
    let before = queued(key);
    let handle = thread::spawn(move || {
        let mut timed_out_with = None;
        let result = park(
            key,
            || true,
            || {},
            |at, last| timed_out_with = Some((at, last)),
            ParkToken(token),
            deadline,
        );
        (result, timed_out_with)
    });
    while queued(key) == before && !handle.is_finished() {
        thread::yield_now();
    }
    handle
}

#[test]
fn each_key_is_woken_in_arrival_order_with_the_unparkers_token() {
    let [key, other] = keys();
    let first = parked(key, 1, Deadline::FOREVER);
    let beside = parked(other, 9, Deadline::FOREVER);
    let second = parked(key, 2, Deadline::FOREVER);
    let result = unpark_one(key, |result| {
        assert_eq!(result.unparked_threads, 1);
        assert!(result.have_more_threads);
        UnparkToken(41)
    });
    assert_eq!(result.unparked_threads, 1);
    assert_eq!(
        first.join().unwrap(),
        (ParkResult::Unparked(UnparkToken(41)), None)
    );
    let result = unpark_one(key, |result| {
        assert!(!result.have_more_threads);
        UnparkToken(42)
    });
    assert_eq!(result.unparked_threads, 1);
    assert_eq!(
        second.join().unwrap().0,
        ParkResult::Unparked(UnparkToken(42))
    );
    assert_eq!(unpark_one(key, |_| UnparkToken(0)).unparked_threads, 0);
    assert_eq!(unpark_all(other, UnparkToken(0)), 1);
    assert_eq!(
        beside.join().unwrap().0,
        ParkResult::Unparked(UnparkToken(0))
    );
}

#[test]
fn a_refused_validation_never_queues() {
    let [key] = keys();
    let result = park(
        key,
        || false,
        || unreachable!(),
        |_, _| {},
        ParkToken(0),
        Deadline::FOREVER,
    );
    assert_eq!(result, ParkResult::Invalid);
    assert_eq!(queued(key), 0);
}

#[test]
fn a_filter_skips_and_stops() {
    let [key] = keys();
    let threads: Vec<_> = (1..=4)
        .map(|token| parked(key, token, Deadline::FOREVER))
        .collect();
    // Wakes the even tokens up to 2, skipping 1; stops at 3.
    let result = unpark_filter(
        key,
        |token| match token.0 {
            1 => FilterOp::Skip,
            2 => FilterOp::Unpark,
            _ => FilterOp::Stop,
        },
        |result| {
            assert_eq!(result.unparked_threads, 1);
            assert!(result.have_more_threads);
            UnparkToken(7)
        },
    );
    assert_eq!(result.unparked_threads, 1);
    assert_eq!(queued(key), 3);
    assert_eq!(unpark_all(key, UnparkToken(8)), 3);
    let tokens: Vec<_> = threads.into_iter().map(|t| t.join().unwrap().0).collect();
    let woken = |t| ParkResult::Unparked(UnparkToken(t));
    assert_eq!(tokens, [woken(8), woken(7), woken(8), woken(8)]);
}

#[test]
fn a_requeue_moves_threads_behind_the_targets_own() {
    let [from, to] = keys();
    let on_target = parked(to, 1, Deadline::FOREVER);
    let moved_first = parked(from, 2, Deadline::FOREVER);
    let moved_second = parked(from, 3, Deadline::FOREVER);
    let result = unpark_requeue(
        from,
        to,
        || RequeueOp::RequeueOne,
        |_, result| {
            assert_eq!(result.requeued_threads, 1);
            assert!(result.have_more_threads);
            UnparkToken(0)
        },
    );
    assert_eq!(
        (result.requeued_threads, queued(from), queued(to)),
        (1, 1, 2)
    );
    let result = unpark_requeue(from, to, || RequeueOp::RequeueAll, |_, _| UnparkToken(0));
    assert_eq!(
        (result.requeued_threads, queued(from), queued(to)),
        (1, 0, 3)
    );
    // Woken one by one from the target: its own thread first, then the moved ones in order.
    let mut order = Vec::new();
    for handle in [on_target, moved_first, moved_second] {
        unpark_one(to, |_| UnparkToken(order.len() + 1));
        order.push(handle.join().unwrap().0);
    }
    let woken = |t| ParkResult::Unparked(UnparkToken(t));
    assert_eq!(order, [woken(1), woken(2), woken(3)]);
    // UnparkOne wakes instead of moving.
    let waiting = parked(from, 4, Deadline::FOREVER);
    let result = unpark_requeue(from, to, || RequeueOp::UnparkOne, |_, _| UnparkToken(5));
    assert_eq!((result.unparked_threads, result.requeued_threads), (1, 0));
    assert_eq!(waiting.join().unwrap().0, woken(5));
}

#[test]
fn a_timeout_leaves_the_queue_and_reports_the_key_it_was_moved_to() {
    let [from, to, alone] = keys();
    let soon = || Timeout::After(Duration::from_millis(10)).deadline();
    // Two on one key, the one that times out queued second: it is not the last there.
    let stays = parked(alone, 0, Deadline::FOREVER);
    let leaves = parked(alone, 0, soon());
    assert_eq!(
        leaves.join().unwrap(),
        (ParkResult::TimedOut, Some((alone, false)))
    );
    assert_eq!(queued(alone), 1);
    unpark_all(alone, UnparkToken(0));
    assert_eq!(
        stays.join().unwrap().0,
        ParkResult::Unparked(UnparkToken(0))
    );
    // Moved to `to` before it sleeps (its own `before_sleep` moves it, so the deadline
    // cannot pass first): it times out under `to`.
    let mut timed_out_with = None;
    let result = park(
        from,
        || true,
        || {
            unpark_requeue(from, to, || RequeueOp::RequeueAll, |_, _| UnparkToken(0));
        },
        |at, last| timed_out_with = Some((at, last)),
        ParkToken(0),
        soon(),
    );
    assert_eq!(
        (result, timed_out_with),
        (ParkResult::TimedOut, Some((to, true)))
    );
    assert_eq!((queued(from), queued(to)), (0, 0));
}

#[test]
fn before_sleep_runs_once_queued_and_may_unpark_its_own_thread() {
    let [key] = keys();
    let mut ran = 0;
    let result = park(
        key,
        || true,
        || {
            assert_eq!(queued(key), 1, "queued before it sleeps");
            ran += 1;
            unpark_one(key, |_| UnparkToken(3));
        },
        |_, _| unreachable!(),
        ParkToken(0),
        Deadline::FOREVER,
    );
    assert_eq!(result, ParkResult::Unparked(UnparkToken(3)));
    assert_eq!(ran, 1);
}

/// `N` keys that all hash to one bucket: addresses in `bytes`, a test's own (the tests run side
/// by side in one table).
fn sharing_a_bucket<const N: usize>(bytes: &'static [u8; 4096]) -> [usize; N] {
    let first = bytes.as_ptr() as usize;
    let same = |key: &usize| buckets::index(*key) == buckets::index(first);
    let mut keys = (first..first + bytes.len()).filter(same);
    std::array::from_fn(|_| {
        keys.next()
            .expect("4096 keys fill 512 buckets several times over")
    })
}

/// The park tokens of the entries queued under `key`, oldest first (none is woken: the filter
/// stops at each).
fn tokens(key: usize) -> Vec<usize> {
    let mut tokens = Vec::new();
    unpark_filter(
        key,
        |token| {
            tokens.push(token.0);
            FilterOp::Skip
        },
        |_| UnparkToken(0),
    );
    tokens
}

#[test]
fn a_requeue_within_one_bucket_moves_threads_behind_the_targets_own() {
    static BYTES: [u8; 4096] = [0; 4096];
    let [from, to, other] = sharing_a_bucket(&BYTES);
    let order = [(to, 1), (from, 2), (other, 3), (to, 4), (from, 5)];
    for (key, token) in order {
        buckets::lock(buckets::index(key))
            .entries
            .push_back(buckets::Entry::idle(key, ParkToken(token)));
    }
    let result = unpark_requeue(from, to, || RequeueOp::RequeueAll, |_, _| UnparkToken(0));
    assert_eq!(result.requeued_threads, 2);
    assert_eq!(
        (tokens(from), tokens(to), tokens(other)),
        (vec![], vec![1, 4, 2, 5], vec![3])
    );
    assert_eq!(
        (
            unpark_all(to, UnparkToken(0)),
            unpark_all(other, UnparkToken(0))
        ),
        (4, 1)
    );
}

/// Waking (or moving) many threads queued under one key is one pass through the bucket, and
/// waking the oldest moves no other entry: taking each from its place in a list moved all the
/// entries behind it, over a billion entry moves (seconds) for the 60,000 queued here.
#[test]
#[cfg_attr(miri, ignore = "60,000 entries")]
fn many_threads_under_one_key_are_woken_in_one_pass() {
    const MANY: usize = 60_000;
    static BYTES: [u8; 4096] = [0; 4096];
    let [key, to, beside] = sharing_a_bucket(&BYTES);
    let started = std::time::Instant::now();
    let index = buckets::index(key);
    for token in 0..MANY {
        let mut bucket = buckets::lock(index);
        bucket
            .entries
            .push_back(buckets::Entry::idle(key, ParkToken(token)));
        // One under another key between each two: they stay where they are.
        bucket
            .entries
            .push_back(buckets::Entry::idle(beside, ParkToken(token)));
    }
    // The yardstick: queueing the entries, one at a time, which is linear.
    let queueing = started.elapsed();
    let mut woken = Vec::new();
    let filter = |token: ParkToken| {
        woken.push(token.0);
        FilterOp::Unpark
    };
    assert_eq!(
        unpark_filter(key, filter, |_| UnparkToken(0)).unparked_threads,
        MANY
    );
    assert!(woken.iter().copied().eq(0..MANY), "oldest first");
    assert!(tokens(beside).iter().copied().eq(0..MANY));
    assert_eq!(unpark_all(beside, UnparkToken(0)), MANY);
    // Moved all at once within the bucket, then (a Lock's successive releases) woken one by
    // one, oldest first.
    for token in 0..MANY {
        buckets::lock(index)
            .entries
            .push_back(buckets::Entry::idle(key, ParkToken(token)));
    }
    let moved = unpark_requeue(key, to, || RequeueOp::RequeueAll, |_, _| UnparkToken(0));
    assert_eq!(moved.requeued_threads, MANY);
    for _ in 0..MANY {
        assert_eq!(unpark_one(to, |_| UnparkToken(0)).unparked_threads, 1);
    }
    assert_eq!(queued(to), 0);
    // Waking them (three passes and a queueing like the yardstick) takes 6 to 8 times as long
    // as queueing them when each wake is O(1); a wake that scanned or shifted the queue takes
    // hundreds to thousands of times as long (the quadratic bug this catches took seconds
    // against milliseconds; one that copies the queue per wake, 4,000 times). Measured against
    // the yardstick, not the clock, so that a slow build (a sanitizer, a debug build) or a
    // loaded machine slows both alike.
    let waking = started.elapsed() - queueing;
    assert!(
        waking < queueing * 100,
        "waking took {waking:?}, queueing {queueing:?}"
    );
}

/// An unpark that wakes a thread is fair once the bucket's timer has run out (it is set 0 to
/// 1 ms past the last fair one), and then not again until the timer runs out anew.
#[test]
#[cfg_attr(
    miri,
    ignore = "timing: under Miri each unpark outlasts the 1 ms timer"
)]
fn unparks_are_fair_once_the_timer_runs_out() {
    let [key] = keys();
    let unpark = || {
        buckets::lock(buckets::index(key))
            .entries
            .push_back(buckets::Entry::idle(key, ParkToken(0)));
        let mut fair = None;
        unpark_one(key, |result| {
            fair = Some(result.be_fair);
            DEFAULT_UNPARK_TOKEN
        });
        fair.expect("the callback runs")
    };
    // Not for ordering: lets the timer, at most 1 ms ahead, run out.
    thread::sleep(Duration::from_millis(2));
    assert!(unpark(), "the timer ran out: this unpark is fair");
    let fair = (0..100).filter(|_| unpark()).count();
    assert!(fair < 50, "{fair} of 100 unparks in a row were fair");
    let mut nobody = UnparkResult::default();
    unpark_one(key, |result| {
        nobody = result;
        DEFAULT_UNPARK_TOKEN
    });
    assert!(!nobody.be_fair, "an unpark that wakes nobody is never fair");
}

/// A Lock's release with a thread parked, once the fairness timer has run out, hands the lock
/// to that thread: the lock stays held, the releaser cannot take it back, and the waiter's
/// acquire returns true. (Before the hand-off, the releaser took it straight back.)
#[test]
fn a_fair_release_hands_a_lock_to_its_waiter() {
    let lock = std::sync::Arc::new(crate::sync::Lock::new());
    for _ in 0..3 {
        assert!(lock.acquire(Timeout::Forever));
        let waiter = {
            let lock = lock.clone();
            thread::spawn(move || lock.acquire(Timeout::Forever))
        };
        while queued(lock.park_key()) == 0 {
            thread::yield_now();
        }
        // Not for ordering: lets the timer, at most 1 ms ahead, run out.
        thread::sleep(Duration::from_millis(2));
        lock.release().unwrap();
        assert!(
            !lock.try_acquire(),
            "the released lock was handed to the waiter"
        );
        assert!(waiter.join().unwrap());
        assert!(lock.locked());
        lock.release().unwrap();
    }
}
