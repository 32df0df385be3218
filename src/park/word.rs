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
//! - Taking barges: a thread takes whatever is free, whether or not others are parked, and a
//!   woken waiter that finds it taken parks again. That keeps throughput up but could starve a
//!   waiter while others keep re-taking, so a release is now and then fair ([`release_one`]):
//!   about every 0.5 ms per parking bucket (the table's fairness timer), it hands what it
//!   releases to the oldest waiter instead of freeing it ([`HANDOFF`]).

use crate::loom::atomic::{AtomicUsize, Ordering};
use crate::loom::table::{
    self, DEFAULT_PARK_TOKEN, DEFAULT_UNPARK_TOKEN, FilterOp, ParkResult, SpinWait, UnparkResult,
    UnparkToken,
};
use crate::timeout::Deadline;

/// The token of a fair release ([`release_one`]): what was released was not freed but handed
/// to the woken thread, which returns from [`acquire_slow`] holding it (a Condition's waiter,
/// moved onto a Lock's queue, holding the Lock) and must not take it again.
pub(crate) const HANDOFF: UnparkToken = UnparkToken(1);

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

/// The release of a Lock whose `parked` bit is set: gives back what the caller holds and wakes
/// the oldest waiter. `release(s)` is the state after giving back from state `s`, or `None` if
/// nothing is held (then nothing is given back, and this returns false).
///
/// The state changes with the bucket locked, after the unpark has picked its thread: a fair
/// unpark (`UnparkResult::be_fair`, about every 0.5 ms) leaves what is held held and hands it
/// to the woken thread with [`HANDOFF`]; otherwise it is freed for any thread to take (the
/// woken one included). Either way `parked` is cleared when nobody is left.
pub(crate) fn release_one(
    state: &AtomicUsize,
    parked: usize,
    release: impl Fn(usize) -> Option<usize>,
) -> bool {
    let mut released = false;
    let callback = |result: UnparkResult| {
        let hand_off = result.unparked_threads > 0 && result.be_fair;
        // Release: publishes the releaser's writes to the next taker (a thread handed the lock
        // sees them through its parker's word, written after this). Bucket lock held: a
        // thread about to park re-validates after this, and sets `parked` again.
        let _ = state.fetch_update(Ordering::Release, Ordering::Relaxed, |s| {
            let given = release(s);
            released = given.is_some();
            let next = match given {
                Some(next) if !hand_off => next,
                _ => s,
            };
            Some(if result.have_more_threads {
                next
            } else {
                next & !parked
            })
        });
        if released && hand_off {
            HANDOFF
        } else {
            DEFAULT_UNPARK_TOKEN
        }
    };
    table::unpark_one(key(state), callback);
    released
}

/// The slow path of an acquire (Lock, Semaphore): `take(s)` is the state after taking from
/// state `s`, or `None` if nothing can be taken now. Spins a little while nobody is parked, then
/// parks until woken or `deadline`; returns whether it took.
///
/// Taking does not wait for parked threads (barging keeps throughput up; a woken waiter that
/// loses the race parks again), except that a waiter woken by a fair [`release_one`] returns
/// at once: what it waited for was handed to it. So does one whose deadline passed (or whose
/// token was set) just as it was handed over: the unparker took its entry first, and it owns
/// what it was given.
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
        match park(state, current, parked, deadline) {
            ParkResult::TimedOut => return false,
            ParkResult::Unparked(HANDOFF) => return true,
            ParkResult::Unparked(_) | ParkResult::Invalid => {}
        }
        spin.reset();
        current = state.load(Ordering::Relaxed);
    }
}
