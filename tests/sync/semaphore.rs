use std::ptr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::thread;
use std::time::Duration;

use weft::{Error, Semaphore, Timeout};

use super::ffi::*;
use super::{SHORT, Shared, expires, says, until};
use weft_status::*;

const NOW: Timeout = Timeout::After(Duration::ZERO);

#[test]
fn counts_permits() {
    let s = Semaphore::new(2).unwrap();
    assert_eq!(s.value(), 2);
    assert!(s.acquire(Timeout::Forever));
    assert!(s.try_acquire());
    assert!(!s.acquire(NOW));
    assert!(!s.try_acquire());
    assert!(!expires(SHORT, || s.acquire(Timeout::from_secs_f64(SHORT).unwrap())));
    s.release(3).unwrap();
    assert_eq!(s.value(), 3);
    // An unbounded semaphore may go above its initial value.
    s.release(1).unwrap();
    assert_eq!(s.value(), 4);
    assert!(Semaphore::new(0).unwrap().value() == 0);
}

#[test]
fn errors_leave_the_count_unchanged() {
    assert_eq!(Semaphore::new(-1).err(), Some(Error::SemaphoreNegative));
    assert_eq!(Semaphore::bounded(-1).err(), Some(Error::SemaphoreNegative));
    let s = Semaphore::new(1).unwrap();
    assert_eq!(s.release(0), Err(Error::ReleaseCount));
    assert_eq!(s.value(), 1);
    assert_eq!(s.release(usize::MAX), Err(Error::Overflow));
    assert_eq!(s.value(), 1);
    let max = Semaphore::new(i64::MAX).unwrap();
    assert_eq!(max.release(1), Err(Error::Overflow));

    let b = Semaphore::bounded(2).unwrap();
    assert_eq!(b.release(1), Err(Error::SemaphoreOverRelease));
    assert_eq!(b.value(), 2);
    assert!(b.acquire(NOW));
    assert_eq!(b.release(2), Err(Error::SemaphoreOverRelease));
    assert_eq!(b.release(usize::MAX), Err(Error::SemaphoreOverRelease));
    assert_eq!(b.value(), 1);
    b.release(1).unwrap();
    assert_eq!(b.value(), 2);
    assert_eq!(b.release(0), Err(Error::ReleaseCount));
}

/// `release(n)` lets exactly `n` blocked acquirers through: permits are neither lost nor made.
#[test]
fn release_n_admits_n() {
    const WAITERS: usize = 5;
    let s = Semaphore::new(0).unwrap();
    let started = AtomicUsize::new(0);
    let through = AtomicUsize::new(0);
    thread::scope(|scope| {
        for _ in 0..WAITERS {
            scope.spawn(|| {
                started.fetch_add(1, Ordering::Relaxed);
                assert!(s.acquire(Timeout::Forever));
                through.fetch_add(1, Ordering::Relaxed);
            });
        }
        until(|| started.load(Ordering::Relaxed) == WAITERS);
        s.release(2).unwrap();
        until(|| through.load(Ordering::Relaxed) == 2);
        // Two permits, two passed, none left for the others.
        assert_eq!(s.value(), 0);
        s.release(3).unwrap();
    });
    assert_eq!(through.into_inner(), WAITERS);
    assert_eq!(s.value(), 0);
}

/// Many threads acquire and release; no more than `LIMIT` are ever inside, and every permit is
/// back at the end.
#[test]
fn permits_are_conserved() {
    const LIMIT: usize = 3;
    const THREADS: usize = 8;
    const ROUNDS: usize = 300;
    for bounded in [false, true] {
        let s = if bounded {
            Semaphore::bounded(LIMIT as i64).unwrap()
        } else {
            Semaphore::new(LIMIT as i64).unwrap()
        };
        let inside = AtomicUsize::new(0);
        let peak = AtomicUsize::new(0);
        thread::scope(|scope| {
            for t in 0..THREADS {
                let (s, inside, peak) = (&s, &inside, &peak);
                scope.spawn(move || {
                    for round in 0..ROUNDS {
                        // A mix of waiting forever, with a long timeout, and trying.
                        let took = match (t + round) % 3 {
                            0 => s.acquire(Timeout::Forever),
                            1 => s.acquire(Timeout::from_secs_f64(1e6).unwrap()),
                            _ => s.acquire(NOW),
                        };
                        if !took {
                            continue;
                        }
                        let now = inside.fetch_add(1, Ordering::Relaxed) + 1;
                        assert!(now <= LIMIT, "{now} holders of {LIMIT} permits");
                        peak.fetch_max(now, Ordering::Relaxed);
                        inside.fetch_sub(1, Ordering::Relaxed);
                        s.release(1).unwrap();
                    }
                });
            }
        });
        assert_eq!(s.value(), LIMIT);
        assert!(peak.into_inner() >= 1);
    }
}

#[test]
fn c_statuses() {
    let mut s = ptr::null_mut();
    assert_eq!(
        weft_semaphore_new(1, ptr::null_mut()),
        WEFT_STATUS_NULL_ARGUMENT
    );
    assert_eq!(
        weft_semaphore_new(-1, &mut s),
        WEFT_STATUS_SEMAPHORE_NEGATIVE
    );
    assert_eq!(
        weft_bounded_semaphore_new(-5, &mut s),
        WEFT_STATUS_SEMAPHORE_NEGATIVE
    );
    assert!(s.is_null(), "out-parameter written on failure");
    says(
        WEFT_STATUS_SEMAPHORE_NEGATIVE,
        "semaphore initial value must be >= 0",
    );
    assert_eq!(weft_semaphore_new(1, &mut s), WEFT_STATUS_OK);
    assert_eq!(weft_semaphore_acquire(s, true, -1.0), WEFT_STATUS_OK);
    assert_eq!(weft_semaphore_acquire(s, false, -1.0), WEFT_STATUS_TIMEOUT);
    assert_eq!(
        weft_semaphore_acquire(s, false, 0.0),
        WEFT_STATUS_NONBLOCKING_TIMEOUT
    );
    assert_eq!(
        weft_semaphore_acquire(s, true, f64::NAN),
        WEFT_STATUS_INVALID_TIMEOUT
    );
    assert_eq!(
        weft_semaphore_acquire(s, true, f64::INFINITY),
        WEFT_STATUS_TIMEOUT_TOO_LARGE
    );
    assert_eq!(
        expires(SHORT, || weft_semaphore_acquire(s, true, SHORT)),
        WEFT_STATUS_TIMEOUT
    );
    assert_eq!(weft_semaphore_release(s, 0), WEFT_STATUS_RELEASE_COUNT);
    says(WEFT_STATUS_RELEASE_COUNT, "n must be one or more");
    assert_eq!(weft_semaphore_release(s, usize::MAX), WEFT_STATUS_OVERFLOW);
    assert_eq!(weft_semaphore_release(s, 2), WEFT_STATUS_OK);

    // A releaser in another thread wakes a blocked acquirer.
    assert_eq!(weft_semaphore_acquire(s, true, -1.0), WEFT_STATUS_OK);
    assert_eq!(weft_semaphore_acquire(s, true, -1.0), WEFT_STATUS_OK);
    let other = Shared(weft_semaphore_clone(s));
    let t = thread::spawn(move || {
        let s = other;
        let status = weft_semaphore_release(s.0, 1);
        weft_semaphore_free(s.0);
        status
    });
    assert_eq!(weft_semaphore_acquire(s, true, -1.0), WEFT_STATUS_OK);
    assert_eq!(t.join().unwrap(), WEFT_STATUS_OK);
    weft_semaphore_free(s);

    let mut b = ptr::null_mut();
    assert_eq!(weft_bounded_semaphore_new(1, &mut b), WEFT_STATUS_OK);
    assert_eq!(
        weft_semaphore_release(b, 1),
        WEFT_STATUS_SEMAPHORE_OVER_RELEASE
    );
    says(
        WEFT_STATUS_SEMAPHORE_OVER_RELEASE,
        "Semaphore released too many times",
    );
    assert_eq!(weft_semaphore_acquire(b, false, -1.0), WEFT_STATUS_OK);
    assert_eq!(
        weft_semaphore_release(b, 2),
        WEFT_STATUS_SEMAPHORE_OVER_RELEASE
    );
    assert_eq!(weft_semaphore_release(b, 1), WEFT_STATUS_OK);
    assert_eq!(weft_semaphore_acquire(b, false, -1.0), WEFT_STATUS_OK);
    assert_eq!(weft_semaphore_acquire(b, false, -1.0), WEFT_STATUS_TIMEOUT);

    let mut e = ptr::null_mut();
    assert_eq!(weft_event_new(&mut e), WEFT_STATUS_OK);
    for (bad, status) in [
        (ptr::null_mut(), WEFT_STATUS_NULL_ARGUMENT),
        (e.cast::<weft_semaphore>(), WEFT_STATUS_WRONG_HANDLE),
    ] {
        assert_eq!(weft_semaphore_acquire(bad, true, -1.0), status);
        assert_eq!(weft_semaphore_release(bad, 1), status);
        assert!(weft_semaphore_clone(bad).is_null());
        weft_semaphore_free(bad); // ignored
    }
    weft_event_free(e);
    weft_semaphore_free(b);
}
