use std::ffi::c_void;
use std::ptr;
use std::sync::Arc;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::thread;

use weft::sync::ConditionLock;
use weft::{Condition, Error, Lock, RLock, Timeout};

use super::ffi::*;
use super::{SHORT, Shared, expires, says};
use weft_status::*;

const FOREVER: Timeout = Timeout::Forever;

fn secs(s: f64) -> Timeout {
    Timeout::from_secs_f64(s).unwrap()
}

/// Two conditions over one lock: `cond` under test, `seen` for the test's own bookkeeping.
fn pair(lock: Arc<dyn ConditionLock>) -> (Condition, Condition) {
    (
        Condition::with_lock(lock.clone()),
        Condition::with_lock(lock),
    )
}

#[test]
fn wait_and_notify_need_the_lock() {
    for lock in [
        Arc::new(Lock::new()) as Arc<dyn ConditionLock>,
        Arc::new(RLock::new()),
    ] {
        let c = Condition::with_lock(lock);
        assert_eq!(c.wait(FOREVER), Err(Error::WaitUnacquired));
        assert_eq!(c.wait_for(|| false, FOREVER), Err(Error::WaitUnacquired));
        assert_eq!(c.notify(1), Err(Error::NotifyUnacquired));
        assert_eq!(c.notify_all(), Err(Error::NotifyUnacquired));
    }
    // An RLock held by another thread is not ours.
    let c = Arc::new(Condition::new());
    assert_eq!(c.acquire(FOREVER), Ok(true));
    let other = Arc::clone(&c);
    thread::spawn(move || {
        assert_eq!(other.wait(FOREVER), Err(Error::WaitUnacquired));
        assert_eq!(other.notify(1), Err(Error::NotifyUnacquired));
        assert_eq!(other.release(), Err(Error::NotOwner));
    })
    .join()
    .unwrap();
    c.release().unwrap();
}

#[test]
fn acquire_and_release_go_to_the_lock() {
    let lock = Arc::new(Lock::new());
    let c = Condition::with_lock(lock.clone());
    assert_eq!(c.acquire(FOREVER), Ok(true));
    assert!(lock.locked());
    assert_eq!(
        c.acquire(Timeout::After(std::time::Duration::ZERO)),
        Ok(false)
    );
    c.release().unwrap();
    assert!(!lock.locked());
    assert_eq!(c.release(), Err(Error::ReleaseUnlocked));
}

#[test]
fn wait_times_out_holding_the_lock_again() {
    let lock = Arc::new(RLock::new());
    let c = Condition::with_lock(lock.clone());
    c.acquire(FOREVER).unwrap();
    c.acquire(FOREVER).unwrap();
    assert_eq!(expires(SHORT, || c.wait(secs(SHORT))), Ok(false));
    assert_eq!(lock.recursion_count(), 2);
    // A zero timeout releases and re-takes the lock without waiting.
    assert_eq!(c.wait(secs(0.0)), Ok(false));
    assert_eq!(lock.recursion_count(), 2);
    assert_eq!(
        expires(SHORT, || c.wait_for(|| false, secs(SHORT))),
        Ok(false)
    );
    assert_eq!(lock.recursion_count(), 2);
    c.release().unwrap();
    c.release().unwrap();
}

#[test]
fn wait_for_true_predicate_does_not_wait() {
    let c = Condition::new();
    c.acquire(FOREVER).unwrap();
    let mut calls = 0;
    let result = c.wait_for(
        || {
            calls += 1;
            true
        },
        FOREVER,
    );
    assert_eq!((result, calls), (Ok(true), 1));
    c.release().unwrap();
}

/// A recursive hold is released completely while waiting (the notifier could not take the lock
/// otherwise) and restored after.
#[test]
fn rlock_hold_is_released_and_restored() {
    let lock = Arc::new(RLock::new());
    let (c, seen) = pair(lock.clone());
    let ready = AtomicBool::new(false);
    thread::scope(|s| {
        s.spawn(|| {
            for _ in 0..3 {
                c.acquire(FOREVER).unwrap();
            }
            ready.store(true, Ordering::Relaxed);
            seen.notify_all().unwrap();
            assert_eq!(c.wait(FOREVER), Ok(true));
            assert_eq!(lock.recursion_count(), 3);
            for _ in 0..3 {
                c.release().unwrap();
            }
        });
        c.acquire(FOREVER).unwrap();
        seen.wait_for(|| ready.load(Ordering::Relaxed), FOREVER)
            .unwrap();
        // The waiter released all three levels in its wait, or we would not be here.
        assert_eq!(lock.recursion_count(), 1);
        c.notify(1).unwrap();
        c.release().unwrap();
    });
    assert!(!lock.locked());
}

/// Queues `n` waiters on `c` in order 0..n; each records its index in `woken` when it returns
/// from `wait(timeout)`, and whether it was notified in `notified`.
fn queue_waiters<'s>(
    s: &'s thread::Scope<'s, '_>,
    c: &'s Condition,
    seen: &'s Condition,
    n: usize,
    timeout: Timeout,
    woken: &'s Mutex<Vec<(usize, bool)>>,
) {
    let queued = Arc::new(AtomicUsize::new(0));
    for i in 0..n {
        let mine = Arc::clone(&queued);
        s.spawn(move || {
            c.acquire(FOREVER).unwrap();
            mine.fetch_add(1, Ordering::Relaxed);
            seen.notify_all().unwrap();
            let notified = c.wait(timeout).unwrap();
            woken.lock().unwrap().push((i, notified));
            seen.notify_all().unwrap();
            c.release().unwrap();
        });
        // Waiter i is parked once it has released the lock we get back here.
        c.acquire(FOREVER).unwrap();
        seen.wait_for(|| queued.load(Ordering::Relaxed) == i + 1, FOREVER)
            .unwrap();
        c.release().unwrap();
    }
}

#[test]
fn notify_wakes_in_fifo_order() {
    for lock in [
        Arc::new(Lock::new()) as Arc<dyn ConditionLock>,
        Arc::new(RLock::new()),
    ] {
        let (c, seen) = pair(lock);
        let woken = Mutex::new(Vec::new());
        thread::scope(|s| {
            queue_waiters(s, &c, &seen, 4, FOREVER, &woken);
            for i in 0..4 {
                c.acquire(FOREVER).unwrap();
                c.notify(1).unwrap();
                seen.wait_for(|| woken.lock().unwrap().len() == i + 1, FOREVER)
                    .unwrap();
                c.release().unwrap();
            }
        });
        let order: Vec<usize> = woken.into_inner().unwrap().iter().map(|w| w.0).collect();
        assert_eq!(order, [0, 1, 2, 3]);
    }
}

#[test]
fn notify_n_wakes_at_most_n() {
    let (c, seen) = pair(Arc::new(Lock::new()));
    let woken = Mutex::new(Vec::new());
    thread::scope(|s| {
        // Timed waits: the one not notified times out and says so.
        queue_waiters(s, &c, &seen, 3, secs(SHORT * 4.0), &woken);
        c.acquire(FOREVER).unwrap();
        c.notify(0).unwrap();
        c.notify(2).unwrap();
        c.release().unwrap();
    });
    let mut woken = woken.into_inner().unwrap();
    woken.sort();
    assert_eq!(woken, [(0, true), (1, true), (2, false)]);
}

#[test]
fn notify_all_wakes_everyone_and_nobody_is_a_no_op() {
    for lock in [
        Arc::new(Lock::new()) as Arc<dyn ConditionLock>,
        Arc::new(RLock::new()),
    ] {
        let (c, seen) = pair(lock);
        c.acquire(FOREVER).unwrap();
        c.notify(1).unwrap();
        c.notify_all().unwrap();
        c.release().unwrap();
        let woken = Mutex::new(Vec::new());
        thread::scope(|s| {
            queue_waiters(s, &c, &seen, 5, FOREVER, &woken);
            c.acquire(FOREVER).unwrap();
            c.notify_all().unwrap();
            c.release().unwrap();
        });
        assert_eq!(woken.into_inner().unwrap().len(), 5);
    }
}

/// Threads take turns through the condition; whoever holds the lock checks it is alone, also
/// right after each wait re-took it.
#[test]
fn owner_assertion_stress() {
    const THREADS: usize = 6;
    const ROUNDS: usize = 150;
    for recursive in [false, true] {
        let lock: Arc<dyn ConditionLock> = if recursive {
            Arc::new(RLock::new())
        } else {
            Arc::new(Lock::new())
        };
        let c = Condition::with_lock(lock);
        let inside = AtomicBool::new(false);
        let turn = AtomicUsize::new(0);
        let enter = || assert!(!inside.swap(true, Ordering::Relaxed), "two holders");
        let leave = || inside.store(false, Ordering::Relaxed);
        thread::scope(|s| {
            for me in 0..THREADS {
                let (c, turn) = (&c, &turn);
                s.spawn(move || {
                    for round in 0..ROUNDS {
                        c.acquire(FOREVER).unwrap();
                        if recursive {
                            c.acquire(FOREVER).unwrap();
                        }
                        enter();
                        let mine = round * THREADS + me;
                        while turn.load(Ordering::Relaxed) != mine {
                            leave();
                            assert_eq!(c.wait(FOREVER), Ok(true));
                            enter();
                        }
                        turn.store(mine + 1, Ordering::Relaxed);
                        // Alternate notify_all with single notifies (which may wake a thread
                        // whose turn it is not: it waits again).
                        if round % 2 == 0 {
                            c.notify_all().unwrap();
                        } else {
                            c.notify(THREADS - 1).unwrap();
                        }
                        leave();
                        c.release().unwrap();
                        if recursive {
                            c.release().unwrap();
                        }
                    }
                });
            }
        });
        assert_eq!(turn.into_inner(), THREADS * ROUNDS);
    }
}

/// A C predicate: reads the `AtomicBool` behind `arg`.
unsafe extern "C" fn flag_is_set(arg: *mut c_void) -> bool {
    // SAFETY: the tests pass a pointer to a live AtomicBool.
    unsafe { &*(arg as *const AtomicBool) }.load(Ordering::Relaxed)
}

#[test]
fn c_constructors_and_handles() {
    let mut c = ptr::null_mut();
    assert_eq!(
        weft_condition_new(ptr::null_mut()),
        WEFT_STATUS_NULL_ARGUMENT
    );
    assert_eq!(weft_condition_new(&mut c), WEFT_STATUS_OK);
    let c2 = weft_condition_clone(c);
    assert_eq!(c2, c);
    weft_condition_free(c2);
    assert!(weft_condition_clone(ptr::null_mut()).is_null());
    weft_condition_free(ptr::null_mut());

    // The condition keeps its own reference to the lock.
    let mut lock = ptr::null_mut();
    assert_eq!(weft_lock_new(&mut lock), WEFT_STATUS_OK);
    let mut over_lock = ptr::null_mut();
    assert_eq!(
        weft_condition_new_with_lock(lock, ptr::null_mut()),
        WEFT_STATUS_NULL_ARGUMENT
    );
    assert_eq!(
        weft_condition_new_with_lock(ptr::null_mut(), &mut over_lock),
        WEFT_STATUS_NULL_ARGUMENT
    );
    assert_eq!(
        weft_condition_new_with_lock(lock, &mut over_lock),
        WEFT_STATUS_OK
    );
    assert_eq!(weft_lock_acquire(lock, true, -1.0), WEFT_STATUS_OK);
    weft_lock_free(lock);
    assert_eq!(weft_condition_release(over_lock), WEFT_STATUS_OK);
    assert_eq!(
        weft_condition_release(over_lock),
        WEFT_STATUS_RELEASE_UNLOCKED
    );

    let mut rlock = ptr::null_mut();
    assert_eq!(weft_rlock_new(&mut rlock), WEFT_STATUS_OK);
    let mut over_rlock = ptr::null_mut();
    // A handle of the wrong type is refused.
    assert_eq!(
        weft_condition_new_with_lock(rlock.cast(), &mut over_rlock),
        WEFT_STATUS_WRONG_HANDLE
    );
    assert_eq!(
        weft_condition_new_with_rlock(c.cast(), &mut over_rlock),
        WEFT_STATUS_WRONG_HANDLE
    );
    assert_eq!(
        weft_condition_new_with_rlock(rlock, &mut over_rlock),
        WEFT_STATUS_OK
    );
    assert_eq!(
        weft_condition_acquire(over_rlock, true, -1.0),
        WEFT_STATUS_OK
    );
    assert_eq!(weft_rlock_acquire(rlock, true, -1.0), WEFT_STATUS_OK);
    assert_eq!(weft_rlock_recursion_count(rlock), 2);
    assert_eq!(weft_rlock_release(rlock), WEFT_STATUS_OK);
    assert_eq!(weft_condition_release(over_rlock), WEFT_STATUS_OK);
    assert_eq!(weft_condition_release(over_rlock), WEFT_STATUS_NOT_OWNER);
    weft_rlock_free(rlock);

    for cond in [c, over_lock, over_rlock] {
        weft_condition_free(cond);
    }
    // Every call refuses NULL and other handle types.
    let event: *mut weft_condition = {
        let mut e = ptr::null_mut();
        assert_eq!(weft_event_new(&mut e), WEFT_STATUS_OK);
        e.cast()
    };
    for bad in [ptr::null_mut(), event] {
        let status = if bad.is_null() {
            WEFT_STATUS_NULL_ARGUMENT
        } else {
            WEFT_STATUS_WRONG_HANDLE
        };
        let mut result = false;
        assert_eq!(weft_condition_acquire(bad, true, -1.0), status);
        assert_eq!(weft_condition_release(bad), status);
        assert_eq!(weft_condition_wait(bad, -1.0), status);
        assert_eq!(
            weft_condition_wait_for(bad, Some(flag_is_set), ptr::null_mut(), -1.0, &mut result),
            status
        );
        assert_eq!(weft_condition_notify(bad, 1), status);
        assert_eq!(weft_condition_notify_all(bad), status);
        assert!(weft_condition_clone(bad).is_null());
        weft_condition_free(bad); // ignored
    }
    weft_event_free(event.cast());
}

#[test]
fn c_statuses() {
    let mut c = ptr::null_mut();
    assert_eq!(weft_condition_new(&mut c), WEFT_STATUS_OK);
    let flag = AtomicBool::new(false);
    let arg = &flag as *const AtomicBool as *mut c_void;
    let mut result = true;

    assert_eq!(weft_condition_wait(c, -1.0), WEFT_STATUS_WAIT_UNACQUIRED);
    says(
        WEFT_STATUS_WAIT_UNACQUIRED,
        "cannot wait on un-acquired lock",
    );
    assert_eq!(
        weft_condition_wait_for(c, Some(flag_is_set), arg, -1.0, &mut result),
        WEFT_STATUS_WAIT_UNACQUIRED
    );
    assert!(result, "result_out written on failure");
    assert_eq!(weft_condition_notify(c, 1), WEFT_STATUS_NOTIFY_UNACQUIRED);
    assert_eq!(weft_condition_notify_all(c), WEFT_STATUS_NOTIFY_UNACQUIRED);
    says(
        WEFT_STATUS_NOTIFY_UNACQUIRED,
        "cannot notify on un-acquired lock",
    );
    assert_eq!(weft_condition_release(c), WEFT_STATUS_NOT_OWNER);

    assert_eq!(
        weft_condition_acquire(c, false, 1.0),
        WEFT_STATUS_NONBLOCKING_TIMEOUT
    );
    assert_eq!(
        weft_condition_acquire(c, true, -2.0),
        WEFT_STATUS_INVALID_TIMEOUT
    );
    assert_eq!(weft_condition_acquire(c, false, -1.0), WEFT_STATUS_OK);
    assert_eq!(
        weft_condition_wait(c, f64::NAN),
        WEFT_STATUS_INVALID_TIMEOUT
    );
    assert_eq!(
        weft_condition_wait(c, f64::INFINITY),
        WEFT_STATUS_TIMEOUT_TOO_LARGE
    );
    assert_eq!(
        expires(SHORT, || weft_condition_wait(c, SHORT)),
        WEFT_STATUS_TIMEOUT
    );
    assert_eq!(
        weft_condition_wait_for(c, None, arg, -1.0, &mut result),
        WEFT_STATUS_NULL_ARGUMENT
    );
    assert_eq!(
        weft_condition_wait_for(c, Some(flag_is_set), arg, -1.0, ptr::null_mut()),
        WEFT_STATUS_NULL_ARGUMENT
    );
    assert_eq!(
        weft_condition_wait_for(c, Some(flag_is_set), arg, -5.0, &mut result),
        WEFT_STATUS_INVALID_TIMEOUT
    );
    assert_eq!(
        expires(SHORT, || weft_condition_wait_for(
            c,
            Some(flag_is_set),
            arg,
            SHORT,
            &mut result
        )),
        WEFT_STATUS_OK
    );
    assert!(!result);
    flag.store(true, Ordering::Relaxed);
    assert_eq!(
        weft_condition_wait_for(c, Some(flag_is_set), arg, -1.0, &mut result),
        WEFT_STATUS_OK
    );
    assert!(result);
    assert_eq!(weft_condition_notify(c, 3), WEFT_STATUS_OK);
    assert_eq!(weft_condition_notify_all(c), WEFT_STATUS_OK);
    assert_eq!(weft_condition_release(c), WEFT_STATUS_OK);
    weft_condition_free(c);
}

/// A C producer/consumer: the consumer waits (wait_for with a C predicate) until the producer
/// sets the flag and notifies, through a condition over a C lock whose handle was freed.
#[test]
fn c_wait_for_is_woken_by_notify() {
    let mut lock = ptr::null_mut();
    assert_eq!(weft_lock_new(&mut lock), WEFT_STATUS_OK);
    let mut c = ptr::null_mut();
    assert_eq!(weft_condition_new_with_lock(lock, &mut c), WEFT_STATUS_OK);
    weft_lock_free(lock);
    let flag = Arc::new(AtomicBool::new(false));
    let (shared, producer_flag) = (Shared(c), Arc::clone(&flag));
    assert_eq!(weft_condition_acquire(c, true, -1.0), WEFT_STATUS_OK);
    let producer = thread::spawn(move || {
        let c = shared;
        // Gets the lock only once the consumer waits (it holds it until then).
        assert_eq!(weft_condition_acquire(c.0, true, -1.0), WEFT_STATUS_OK);
        producer_flag.store(true, Ordering::Relaxed);
        assert_eq!(weft_condition_notify(c.0, 1), WEFT_STATUS_OK);
        assert_eq!(weft_condition_release(c.0), WEFT_STATUS_OK);
    });
    let mut result = false;
    let arg = Arc::as_ptr(&flag) as *mut c_void;
    assert_eq!(
        weft_condition_wait_for(c, Some(flag_is_set), arg, -1.0, &mut result),
        WEFT_STATUS_OK
    );
    assert!(result);
    assert_eq!(weft_condition_release(c), WEFT_STATUS_OK);
    producer.join().unwrap();
    weft_condition_free(c);
}
