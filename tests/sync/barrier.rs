use std::ffi::c_void;
use std::panic::{self, AssertUnwindSafe};
use std::ptr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::thread;

use weft::{Barrier, Error, Event, Timeout};

use super::ffi::*;
use super::{SHORT, Shared, expires, says, until};
use weft_status::*;

fn secs(s: f64) -> Timeout {
    Timeout::from_secs_f64(s).unwrap()
}

#[test]
fn needs_a_party() {
    assert_eq!(
        Barrier::new(0, None, Timeout::Forever).err(),
        Some(Error::BarrierParties)
    );
    let b = Barrier::new(1, None, Timeout::Forever).unwrap();
    assert_eq!(b.parties(), 1);
    assert_eq!(b.wait(None), Ok(0));
    assert_eq!(b.wait(Some(secs(0.0))), Ok(0));
    assert!(!b.broken());
}

/// Over several cycles: indices 0..parties each once per cycle, the action run once per cycle
/// by the thread that arrived last, before anyone leaves.
#[test]
fn cycles_indices_and_action() {
    const PARTIES: usize = 4;
    const CYCLES: usize = 20;
    let actions = Arc::new(AtomicUsize::new(0));
    let runner = Arc::new(Mutex::new(Vec::new()));
    let (a, r) = (Arc::clone(&actions), Arc::clone(&runner));
    let action = Box::new(move || {
        a.fetch_add(1, Ordering::Relaxed);
        r.lock().unwrap().push(thread::current().id());
    });
    let b = Barrier::new(PARTIES, Some(action), Timeout::Forever).unwrap();
    let seen = Mutex::new(vec![Vec::new(); CYCLES]);
    let last = Mutex::new(vec![None; CYCLES]);
    thread::scope(|s| {
        for _ in 0..PARTIES {
            s.spawn(|| {
                for cycle in 0..CYCLES {
                    let index = b.wait(None).unwrap();
                    assert!(
                        actions.load(Ordering::Relaxed) > cycle,
                        "left before the action"
                    );
                    seen.lock().unwrap()[cycle].push(index);
                    if index == PARTIES - 1 {
                        last.lock().unwrap()[cycle] = Some(thread::current().id());
                    }
                }
            });
        }
    });
    for mut indices in seen.into_inner().unwrap() {
        indices.sort();
        assert_eq!(indices, (0..PARTIES).collect::<Vec<_>>());
    }
    assert_eq!(actions.load(Ordering::Relaxed), CYCLES);
    let runner = runner.lock().unwrap().clone();
    let last: Vec<_> = last.into_inner().unwrap().into_iter().flatten().collect();
    assert_eq!(runner, last, "the action runs in the last thread to arrive");
    assert_eq!(b.n_waiting(), 0);
}

/// More threads than parties, cycling until an abort: a thread can come back for the next
/// cycle, and fill it, before a waiter of the previous one has left, and a waiter of a cycle
/// that tripped may only wake after the abort. Each cycle that tripped (ran the action) handed
/// out each index exactly once; every other wait failed.
#[test]
fn more_threads_than_parties_until_abort() {
    const PARTIES: usize = 3;
    const THREADS: usize = 7;
    const CYCLES: usize = if cfg!(miri) { 5 } else { 300 };
    let actions = Arc::new(AtomicUsize::new(0));
    let enough = Arc::new(Event::new());
    let (counter, done) = (Arc::clone(&actions), Arc::clone(&enough));
    let action = Box::new(move || {
        if counter.fetch_add(1, Ordering::Relaxed) + 1 == CYCLES {
            done.set();
        }
    });
    let b = Barrier::new(PARTIES, Some(action), Timeout::Forever).unwrap();
    let by_index: Vec<AtomicUsize> = (0..PARTIES).map(|_| AtomicUsize::new(0)).collect();
    thread::scope(|s| {
        for _ in 0..THREADS {
            s.spawn(|| {
                while let Ok(index) = b.wait(None) {
                    by_index[index].fetch_add(1, Ordering::Relaxed);
                }
            });
        }
        assert!(enough.wait(Timeout::Forever));
        b.abort();
    });
    let cycles = actions.load(Ordering::Relaxed);
    assert!(cycles >= CYCLES);
    for count in &by_index {
        assert_eq!(count.load(Ordering::Relaxed), cycles);
    }
    assert!(b.broken());
    assert_eq!(b.n_waiting(), 0);
}

/// A timeout breaks the barrier for every waiter until reset; then it works again.
#[test]
fn timeout_breaks_it_for_everyone() {
    let b = Barrier::new(3, None, Timeout::Forever).unwrap();
    thread::scope(|s| {
        let other = s.spawn(|| b.wait(None));
        until(|| b.n_waiting() == 1);
        assert_eq!(
            expires(SHORT, || b.wait(Some(secs(SHORT)))),
            Err(Error::BrokenBarrier)
        );
        assert_eq!(other.join().unwrap(), Err(Error::BrokenBarrier));
    });
    assert!(b.broken());
    assert_eq!(b.n_waiting(), 0);
    assert_eq!(b.wait(None), Err(Error::BrokenBarrier));
    b.reset();
    assert!(!b.broken());
    full_cycle(&b);
}

/// The default timeout applies when a wait gives none.
#[test]
fn default_timeout() {
    let b = Barrier::new(2, None, secs(SHORT)).unwrap();
    assert_eq!(expires(SHORT, || b.wait(None)), Err(Error::BrokenBarrier));
    assert!(b.broken());
}

fn full_cycle(b: &Barrier) {
    thread::scope(|s| {
        let others: Vec<_> = (1..b.parties()).map(|_| s.spawn(|| b.wait(None))).collect();
        let mut indices = vec![b.wait(None).unwrap()];
        indices.extend(others.into_iter().map(|t| t.join().unwrap().unwrap()));
        indices.sort();
        assert_eq!(indices, (0..b.parties()).collect::<Vec<_>>());
    });
}

#[test]
fn abort_breaks_waiters_and_arrivals() {
    let b = Barrier::new(3, None, Timeout::Forever).unwrap();
    thread::scope(|s| {
        let waiters: Vec<_> = (0..2).map(|_| s.spawn(|| b.wait(None))).collect();
        until(|| b.n_waiting() == 2);
        b.abort();
        for w in waiters {
            assert_eq!(w.join().unwrap(), Err(Error::BrokenBarrier));
        }
    });
    assert!(b.broken());
    assert_eq!(b.wait(Some(secs(0.0))), Err(Error::BrokenBarrier));
    b.reset();
    full_cycle(&b);
}

/// A reset while threads wait sends them away broken, but leaves the barrier usable.
#[test]
fn reset_while_waiting() {
    let b = Barrier::new(3, None, Timeout::Forever).unwrap();
    thread::scope(|s| {
        let waiters: Vec<_> = (0..2).map(|_| s.spawn(|| b.wait(None))).collect();
        until(|| b.n_waiting() == 2);
        b.reset();
        for w in waiters {
            assert_eq!(w.join().unwrap(), Err(Error::BrokenBarrier));
        }
    });
    assert!(!b.broken());
    full_cycle(&b);
    // A reset with nobody waiting is harmless.
    b.reset();
    full_cycle(&b);
}

#[test]
fn a_panicking_action_breaks_the_barrier() {
    let b = Barrier::new(
        2,
        Some(Box::new(|| panic!("action failed"))),
        Timeout::Forever,
    )
    .unwrap();
    thread::scope(|s| {
        let other = s.spawn(|| b.wait(None));
        until(|| b.n_waiting() == 1);
        let last = panic::catch_unwind(AssertUnwindSafe(|| b.wait(None)));
        assert!(last.is_err(), "the panic goes on in the action's thread");
        assert_eq!(other.join().unwrap(), Err(Error::BrokenBarrier));
    });
    assert!(b.broken());
}

unsafe extern "C" fn count_up(arg: *mut c_void) {
    // SAFETY: the tests pass a pointer to a live AtomicUsize.
    unsafe { &*(arg as *const AtomicUsize) }.fetch_add(1, Ordering::Relaxed);
}

unsafe extern "C" fn free_counter(arg: *mut c_void) {
    // SAFETY: the tests pass a pointer from Arc::into_raw, one reference given to the barrier.
    drop(unsafe { Arc::from_raw(arg as *const AtomicUsize) });
}

#[test]
fn c_statuses() {
    let counter = Arc::new(AtomicUsize::new(0));
    let arg = Arc::into_raw(Arc::clone(&counter)) as *mut c_void;
    let mut b = ptr::null_mut();
    for (parties, timeout, out, status) in [
        (0, -1.0, &mut b as *mut _, WEFT_STATUS_BARRIER_PARTIES),
        (2, -2.0, &mut b, WEFT_STATUS_INVALID_TIMEOUT),
        (2, f64::INFINITY, &mut b, WEFT_STATUS_TIMEOUT_TOO_LARGE),
        (2, -1.0, ptr::null_mut(), WEFT_STATUS_NULL_ARGUMENT),
    ] {
        assert_eq!(
            weft_barrier_new(
                parties,
                Some(count_up),
                arg,
                Some(free_counter),
                timeout,
                out
            ),
            status
        );
    }
    says(WEFT_STATUS_BARRIER_PARTIES, "parties must be > 0");
    assert!(b.is_null());
    assert_eq!(Arc::strong_count(&counter), 2, "arg_free called on failure");
    assert_eq!(
        weft_barrier_new(2, Some(count_up), arg, Some(free_counter), -1.0, &mut b),
        WEFT_STATUS_OK
    );
    assert_eq!(weft_barrier_parties(b), 2);
    assert_eq!(weft_barrier_n_waiting(b), 0);
    assert!(!weft_barrier_broken(b));

    let mut index = usize::MAX;
    assert_eq!(
        weft_barrier_wait(b, -1.0, ptr::null_mut()),
        WEFT_STATUS_NULL_ARGUMENT
    );
    assert_eq!(
        weft_barrier_wait(b, -3.0, &mut index),
        WEFT_STATUS_INVALID_TIMEOUT
    );
    assert_eq!(
        weft_barrier_n_waiting(b),
        0,
        "a refused wait did not arrive"
    );

    // A full cycle across two threads, each with its own reference.
    let other = Shared(weft_barrier_clone(b));
    let t = thread::spawn(move || {
        let b = other;
        let mut index = usize::MAX;
        let status = weft_barrier_wait(b.0, -1.0, &mut index);
        weft_barrier_free(b.0);
        (status, index)
    });
    assert_eq!(weft_barrier_wait(b, -1.0, &mut index), WEFT_STATUS_OK);
    let (status, other_index) = t.join().unwrap();
    assert_eq!(status, WEFT_STATUS_OK);
    let mut indices = [index, other_index];
    indices.sort();
    assert_eq!(indices, [0, 1]);
    assert_eq!(counter.load(Ordering::Relaxed), 1, "the action ran once");

    // A timeout breaks it; a reset mends it.
    index = usize::MAX;
    assert_eq!(
        expires(SHORT, || weft_barrier_wait(b, SHORT, &mut index)),
        WEFT_STATUS_BROKEN_BARRIER
    );
    says(WEFT_STATUS_BROKEN_BARRIER, "broken barrier");
    assert_eq!(index, usize::MAX, "index_out written on failure");
    assert!(weft_barrier_broken(b));
    assert_eq!(
        weft_barrier_wait(b, 0.0, &mut index),
        WEFT_STATUS_BROKEN_BARRIER
    );
    assert_eq!(weft_barrier_reset(b), WEFT_STATUS_OK);
    assert!(!weft_barrier_broken(b));
    assert_eq!(weft_barrier_abort(b), WEFT_STATUS_OK);
    assert!(weft_barrier_broken(b));
    assert_eq!(
        weft_barrier_wait(b, -1.0, &mut index),
        WEFT_STATUS_BROKEN_BARRIER
    );
    assert_eq!(counter.load(Ordering::Relaxed), 1);

    weft_barrier_free(b);
    assert_eq!(Arc::strong_count(&counter), 1, "arg_free called when freed");

    // A default timeout, used when a wait passes WEFT_TIMEOUT_FOREVER; no action.
    assert_eq!(
        weft_barrier_new(2, None, ptr::null_mut(), None, SHORT, &mut b),
        WEFT_STATUS_OK
    );
    assert_eq!(
        expires(SHORT, || weft_barrier_wait(b, -1.0, &mut index)),
        WEFT_STATUS_BROKEN_BARRIER
    );
    let mut e = ptr::null_mut();
    assert_eq!(weft_event_new(&mut e), WEFT_STATUS_OK);
    for (bad, status) in [
        (ptr::null_mut(), WEFT_STATUS_NULL_ARGUMENT),
        (e.cast::<weft_barrier>(), WEFT_STATUS_WRONG_HANDLE),
    ] {
        assert_eq!(weft_barrier_wait(bad, -1.0, &mut index), status);
        assert_eq!(weft_barrier_reset(bad), status);
        assert_eq!(weft_barrier_abort(bad), status);
        assert!(!weft_barrier_broken(bad));
        assert_eq!(weft_barrier_n_waiting(bad), 0);
        assert_eq!(weft_barrier_parties(bad), 0);
        assert!(weft_barrier_clone(bad).is_null());
        weft_barrier_free(bad); // ignored
    }
    weft_event_free(e);
    weft_barrier_free(b);
}
