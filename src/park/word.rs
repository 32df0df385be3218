//! The parking protocol Lock, Semaphore and Event share: one `AtomicUsize` state word, one bit of
//! which (`parked`, chosen by each primitive) says that threads may be parked on the word's
//! address in the parking table (`park/table`).
//!
//! - A thread sets `parked` (a relaxed CAS) before it parks, and parks only if the word still
//!   holds the exact value it saw; the parking lot checks that under the bucket lock.
//! - `parked` is cleared only with the bucket lock held: by [`unpark`] when it wakes the last
//!   waiter, or by the last waiter to time out. So a thread that validated under the bucket lock
//!   is always seen by the next [`unpark`], and no wake-up is lost.
//! - Nobody waits, nobody calls into the parking lot: the fast paths stay single atomic
//!   operations in each primitive.

use crate::loom::atomic::{AtomicUsize, Ordering};
use crate::loom::table::{
    self, DEFAULT_PARK_TOKEN, DEFAULT_UNPARK_TOKEN, FilterOp, ParkResult, SpinWait, UnparkResult,
};
use crate::timeout::Deadline;

/// The parking lot key of a state word: its address.
pub(crate) fn key(state: &AtomicUsize) -> usize {
    state as *const AtomicUsize as usize
}

/// Parks the calling thread on `state` if it still holds `expected` (a value with `parked`
/// set), until [`unpark`] wakes it or `deadline` passes.
pub(crate) fn park(
    state: &AtomicUsize,
    expected: usize,
    parked: usize,
    deadline: Deadline,
) -> ParkResult {
    // Relaxed: read under the bucket lock, which orders it with every unpark and every clear of
    // `parked`.
    let validate = || state.load(Ordering::Relaxed) == expected;
    let timed_out = |_, was_last_thread: bool| {
        // Bucket lock held: no parker can slip in between the check and the clear.
        if was_last_thread {
            state.fetch_and(!parked, Ordering::Relaxed);
        }
    };
    // The callbacks only touch `state`: they never call into the parking lot, whose bucket
    // they run under.
    table::park(
        key(state),
        validate,
        || {},
        timed_out,
        DEFAULT_PARK_TOKEN,
        deadline,
    )
}

/// Wakes at most `n` threads parked on `state` (`usize::MAX`: all), clearing `parked` when none
/// remain.
pub(crate) fn unpark(state: &AtomicUsize, parked: usize, n: usize) {
    let mut woken = 0;
    let filter = |_| {
        if woken < n {
            woken += 1;
            FilterOp::Unpark
        } else {
            FilterOp::Stop
        }
    };
    let callback = |result: UnparkResult| {
        // Bucket lock held: a thread that wants to park after this re-validates and sees
        // `parked` clear, so it sets it again before it sleeps.
        if !result.have_more_threads {
            state.fetch_and(!parked, Ordering::Relaxed);
        }
        DEFAULT_UNPARK_TOKEN
    };
    table::unpark_filter(key(state), filter, callback);
}

/// The slow path of an acquire (Lock, Semaphore): `take(s)` is the state after taking from
/// state `s`, or `None` if nothing can be taken now. Spins a little while nobody is parked, then
/// parks until woken or `deadline`; returns whether it took.
///
/// Taking does not wait for parked threads (barging keeps throughput up; a woken waiter that
/// loses the race parks again).
pub(crate) fn acquire_slow(
    state: &AtomicUsize,
    parked: usize,
    deadline: Deadline,
    take: impl Fn(usize) -> Option<usize>,
) -> bool {
    let mut spin = SpinWait::new();
    // Relaxed: a guess at the state, checked by the CASes.
    let mut current = state.load(Ordering::Relaxed);
    loop {
        if let Some(next) = take(current) {
            // Acquire: the taker sees everything written before the Release that gave it back.
            match state.compare_exchange_weak(current, next, Ordering::Acquire, Ordering::Relaxed) {
                Ok(_) => return true,
                Err(now) => current = now,
            }
            continue;
        }
        // Nobody parked yet: spin a little, a holder may be about to give back.
        if current & parked == 0 && spin.spin() {
            current = state.load(Ordering::Relaxed);
            continue;
        }
        if current & parked == 0 {
            // Relaxed: the value is re-validated under the bucket lock before parking.
            if let Err(now) = state.compare_exchange_weak(
                current,
                current | parked,
                Ordering::Relaxed,
                Ordering::Relaxed,
            ) {
                current = now;
                continue;
            }
            current |= parked;
        }
        if let ParkResult::TimedOut = park(state, current, parked, deadline) {
            return false;
        }
        spin.reset();
        current = state.load(Ordering::Relaxed);
    }
}
