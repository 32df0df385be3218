use std::ptr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::thread;
use std::time::Duration;

use weft::{Event, Timeout};

use super::ffi::*;
use super::{SHORT, Shared, expires, until};
use weft_status::*;

fn secs(s: f64) -> Timeout {
    Timeout::from_secs_f64(s).unwrap()
}

#[test]
fn set_clear_and_wait() {
    let e = Event::new();
    assert!(!e.is_set());
    assert!(!e.wait(Timeout::After(Duration::ZERO)));
    assert!(!expires(SHORT, || e.wait(secs(SHORT))));
    e.set();
    assert!(e.is_set());
    e.set();
    assert!(e.is_set());
    assert!(e.wait(Timeout::Forever));
    assert!(e.wait(Timeout::After(Duration::ZERO)));
    e.clear();
    assert!(!e.is_set());
    e.clear();
    assert!(!expires(SHORT, || e.wait(secs(SHORT))));
}

/// Every waiter parked on the event is released by one `set`, timed waiters included.
#[test]
fn set_wakes_every_waiter() {
    const WAITERS: usize = 6;
    let e = Event::new();
    let started = AtomicUsize::new(0);
    let woken = AtomicUsize::new(0);
    thread::scope(|s| {
        for i in 0..WAITERS {
            let (e, started, woken) = (&e, &started, &woken);
            s.spawn(move || {
                started.fetch_add(1, Ordering::Relaxed);
                let timeout = if i % 2 == 0 {
                    Timeout::Forever
                } else {
                    secs(1e6)
                };
                assert!(e.wait(timeout));
                woken.fetch_add(1, Ordering::Relaxed);
            });
        }
        until(|| started.load(Ordering::Relaxed) == WAITERS);
        e.set();
    });
    assert_eq!(woken.into_inner(), WAITERS);
}

/// Ping-pong through two events, with clears in between: no set is ever missed.
#[test]
fn ping_pong_with_clear() {
    const ROUNDS: usize = 300;
    let (ping, pong) = (Event::new(), Event::new());
    thread::scope(|s| {
        s.spawn(|| {
            for _ in 0..ROUNDS {
                assert!(ping.wait(Timeout::Forever));
                ping.clear();
                pong.set();
            }
        });
        for _ in 0..ROUNDS {
            ping.set();
            assert!(pong.wait(Timeout::Forever));
            pong.clear();
        }
    });
    assert!(!ping.is_set() && !pong.is_set());
}

#[test]
fn c_statuses() {
    let mut e = ptr::null_mut();
    assert_eq!(weft_event_new(ptr::null_mut()), WEFT_STATUS_NULL_ARGUMENT);
    assert_eq!(weft_event_new(&mut e), WEFT_STATUS_OK);
    assert!(!weft_event_is_set(e));
    assert_eq!(weft_event_wait(e, 0.0), WEFT_STATUS_TIMEOUT);
    assert_eq!(
        expires(SHORT, || weft_event_wait(e, SHORT)),
        WEFT_STATUS_TIMEOUT
    );
    assert_eq!(weft_event_wait(e, -0.5), WEFT_STATUS_INVALID_TIMEOUT);
    assert_eq!(weft_event_wait(e, 1e300), WEFT_STATUS_TIMEOUT_TOO_LARGE);
    assert_eq!(weft_event_set(e), WEFT_STATUS_OK);
    assert!(weft_event_is_set(e));
    assert_eq!(weft_event_wait(e, -1.0), WEFT_STATUS_OK);
    assert_eq!(weft_event_wait(e, 0.0), WEFT_STATUS_OK);
    assert_eq!(weft_event_clear(e), WEFT_STATUS_OK);
    assert!(!weft_event_is_set(e));

    let e2 = weft_event_clone(e);
    assert_eq!(e2, e);
    let waiter = Shared(e2);
    let t = thread::spawn(move || {
        let e = waiter;
        let status = weft_event_wait(e.0, -1.0);
        weft_event_free(e.0);
        status
    });
    assert_eq!(weft_event_set(e), WEFT_STATUS_OK);
    assert_eq!(t.join().unwrap(), WEFT_STATUS_OK);

    let mut lock = ptr::null_mut();
    assert_eq!(weft_lock_new(&mut lock), WEFT_STATUS_OK);
    for (bad, status) in [
        (ptr::null_mut(), WEFT_STATUS_NULL_ARGUMENT),
        (lock.cast::<weft_event>(), WEFT_STATUS_WRONG_HANDLE),
    ] {
        assert_eq!(weft_event_set(bad), status);
        assert_eq!(weft_event_clear(bad), status);
        assert_eq!(weft_event_wait(bad, -1.0), status);
        assert!(!weft_event_is_set(bad));
        assert!(weft_event_clone(bad).is_null());
        weft_event_free(bad); // ignored
    }
    weft_lock_free(lock);
    weft_event_free(e);
}
