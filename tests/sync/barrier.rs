use std::ffi::c_void;
use std::panic::{self, AssertUnwindSafe};
use std::ptr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, mpsc};
use std::thread;
use std::time::Duration;

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
        b.abort().unwrap();
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
    b.reset().unwrap();
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
        b.abort().unwrap();
        for w in waiters {
            assert_eq!(w.join().unwrap(), Err(Error::BrokenBarrier));
        }
    });
    assert!(b.broken());
    assert_eq!(b.wait(Some(secs(0.0))), Err(Error::BrokenBarrier));
    b.reset().unwrap();
    full_cycle(&b);
}

/// A reset while threads wait sends them away broken, but leaves the barrier usable.
#[test]
fn reset_while_waiting() {
    let b = Barrier::new(3, None, Timeout::Forever).unwrap();
    thread::scope(|s| {
        let waiters: Vec<_> = (0..2).map(|_| s.spawn(|| b.wait(None))).collect();
        until(|| b.n_waiting() == 2);
        b.reset().unwrap();
        for w in waiters {
            assert_eq!(w.join().unwrap(), Err(Error::BrokenBarrier));
        }
    });
    assert!(!b.broken());
    full_cycle(&b);
    // A reset with nobody waiting is harmless.
    b.reset().unwrap();
    full_cycle(&b);
}

/// Runs `f` in a thread of its own and returns its result; fails the test if `f` has not
/// returned after 10 s, so that a deadlock fails rather than hangs (the stuck thread is left
/// behind).
fn within_10s<R: Send + 'static>(f: impl FnOnce() -> R + Send + 'static) -> R {
    let (tx, rx) = mpsc::channel();
    thread::spawn(move || tx.send(f()));
    rx.recv_timeout(Duration::from_secs(10))
        .expect("deadlocked: no result within 10 s")
}

/// What an action saw of its own barrier.
#[derive(Debug, Default, PartialEq)]
struct Seen {
    n_waiting: usize,
    broken: bool,
    parties: usize,
    wait: Option<Result<usize, Error>>,
    debug: String,
}

/// The action may look at its barrier, with CPython's answers (the cycle is full, not broken);
/// a `wait` from it is refused. Before, each call deadlocked the barrier, the other waiters
/// with their timeouts included.
#[test]
fn the_action_may_look_at_its_barrier() {
    let (seen, results) = within_10s(|| {
        let barrier = Arc::new(std::sync::OnceLock::<Barrier>::new());
        let seen = Arc::new(Mutex::new(Seen::default()));
        let (b, s) = (Arc::clone(&barrier), Arc::clone(&seen));
        let action = Box::new(move || {
            let b = b.get().unwrap();
            *s.lock().unwrap() = Seen {
                n_waiting: b.n_waiting(),
                broken: b.broken(),
                parties: b.parties(),
                wait: Some(b.wait(Some(secs(0.0)))),
                debug: format!("{b:?}"),
            };
        });
        barrier
            .set(Barrier::new(3, Some(action), Timeout::Forever).unwrap())
            .unwrap();
        let b = barrier.get().unwrap();
        let results = thread::scope(|s| {
            // One waiter with a timeout, which must not be stuck behind the action either.
            let timed = s.spawn(|| b.wait(Some(secs(60.0))));
            let other = s.spawn(|| b.wait(None));
            until(|| b.n_waiting() == 2);
            let last = b.wait(None);
            [last, timed.join().unwrap(), other.join().unwrap()]
        });
        assert_eq!(b.n_waiting(), 0);
        let seen = std::mem::take(&mut *seen.lock().unwrap());
        (seen, results)
    });
    assert_eq!(
        seen,
        Seen {
            n_waiting: 3,
            broken: false,
            parties: 3,
            wait: Some(Err(Error::WrongState)),
            debug: "Barrier { parties: 3, n_waiting: 3, broken: false, .. }".into(),
        }
    );
    let mut indices: Vec<usize> = results.into_iter().map(Result::unwrap).collect();
    indices.sort();
    assert_eq!(indices, [0, 1, 2]);
}

/// A barrier whose action runs `act` on it in its first cycle only.
fn acting_on_itself(parties: usize, act: fn(&Barrier)) -> Arc<std::sync::OnceLock<Barrier>> {
    let barrier = Arc::new(std::sync::OnceLock::<Barrier>::new());
    let b = Arc::clone(&barrier);
    let cycles = AtomicUsize::new(0);
    let action = Box::new(move || {
        if cycles.fetch_add(1, Ordering::Relaxed) == 0 {
            act(b.get().unwrap());
        }
    });
    barrier
        .set(Barrier::new(parties, Some(action), Timeout::Forever).unwrap())
        .unwrap();
    barrier
}

/// Runs one cycle of `b` over two threads; the results of both waits.
fn two_party_cycle(b: &Barrier) -> [Result<usize, Error>; 2] {
    thread::scope(|s| {
        let other = s.spawn(|| b.wait(None));
        until(|| b.n_waiting() == 1);
        [b.wait(None), other.join().unwrap()]
    })
}

/// An abort from the action fails its cycle as a panic would: the barrier is broken (the
/// action sees it so), and every thread of the cycle, the action's own included, leaves with
/// BrokenBarrier. A reset mends it.
#[test]
fn an_abort_from_the_action_breaks_its_cycle() {
    within_10s(|| {
        let barrier = acting_on_itself(2, |b| {
            b.abort().unwrap();
            assert!(b.broken());
        });
        let b = barrier.get().unwrap();
        let broken = Err(Error::BrokenBarrier);
        assert_eq!(two_party_cycle(b), [broken, broken]);
        assert!(b.broken());
        assert_eq!(b.wait(None), broken);
        b.reset().unwrap();
        assert!(two_party_cycle(b).iter().all(Result::is_ok));
    });
}

/// A reset from the action sends the cycle's threads away, the action's own included, and
/// leaves the barrier usable, undoing an abort made before it in the action.
#[test]
fn a_reset_from_the_action_sends_its_cycle_away() {
    within_10s(|| {
        let barrier = acting_on_itself(2, |b| {
            b.abort().unwrap();
            b.reset().unwrap();
            assert!(!b.broken());
        });
        let b = barrier.get().unwrap();
        let broken = Err(Error::BrokenBarrier);
        assert_eq!(two_party_cycle(b), [broken, broken]);
        assert!(!b.broken());
        assert!(two_party_cycle(b).iter().all(Result::is_ok));
    });
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

/// What a C action saw of its barrier through the C API.
#[derive(Debug, Default, PartialEq)]
struct SeenInC {
    n_waiting: usize,
    broken: bool,
    parties: usize,
    wait: Option<weft_status>,
    abort: Option<weft_status>,
    broken_after_abort: bool,
}

struct CActionArg {
    barrier: std::sync::OnceLock<Shared<weft_barrier>>,
    seen: Mutex<SeenInC>,
}

unsafe extern "C" fn look_and_abort(arg: *mut c_void) {
    // SAFETY: the test passes a pointer to a CActionArg that outlives the barrier.
    let arg = unsafe { &*(arg as *const CActionArg) };
    let b = arg.barrier.get().unwrap().0;
    let mut index = usize::MAX;
    *arg.seen.lock().unwrap() = SeenInC {
        n_waiting: weft_barrier_n_waiting(b),
        broken: weft_barrier_broken(b),
        parties: weft_barrier_parties(b),
        wait: Some(weft_barrier_wait(b, 0.0, &mut index)),
        abort: Some(weft_barrier_abort(b)),
        broken_after_abort: weft_barrier_broken(b),
    };
}

/// Through the C API: a C action looks at its barrier, is refused a wait
/// (WEFT_STATUS_WRONG_STATE), and fails its cycle with an abort.
#[test]
fn c_action_on_its_barrier() {
    let seen = within_10s(|| {
        let arg: &'static CActionArg = Box::leak(Box::new(CActionArg {
            barrier: std::sync::OnceLock::new(),
            seen: Mutex::new(SeenInC::default()),
        }));
        let mut b = ptr::null_mut();
        assert_eq!(
            weft_barrier_new(
                2,
                Some(look_and_abort),
                arg as *const CActionArg as *mut c_void,
                None,
                -1.0,
                &mut b
            ),
            WEFT_STATUS_OK
        );
        arg.barrier.set(Shared(b)).ok().unwrap();
        let shared = Shared(b);
        let statuses = thread::scope(|s| {
            let other = s.spawn(move || {
                let b = shared;
                let mut index = usize::MAX;
                weft_barrier_wait(b.0, 60.0, &mut index)
            });
            until(|| weft_barrier_n_waiting(b) == 1);
            let mut index = usize::MAX;
            [
                weft_barrier_wait(b, -1.0, &mut index),
                other.join().unwrap(),
            ]
        });
        assert_eq!(statuses, [WEFT_STATUS_BROKEN_BARRIER; 2]);
        assert!(weft_barrier_broken(b));
        weft_barrier_free(b);
        std::mem::take(&mut *arg.seen.lock().unwrap())
    });
    assert_eq!(
        seen,
        SeenInC {
            n_waiting: 2,
            broken: false,
            parties: 2,
            wait: Some(WEFT_STATUS_WRONG_STATE),
            abort: Some(WEFT_STATUS_OK),
            broken_after_abort: true,
        }
    );
}
