//! `Semaphore`: Python's `threading.Semaphore` and `BoundedSemaphore`, a counter on one word.
//!
//! State (one `AtomicUsize`): the count in the upper bits, `PARKED` in the lowest.
//!
//! | count | `PARKED` | meaning                                                             |
//! |-------|----------|---------------------------------------------------------------------|
//! | > 0   | any      | permits left: `acquire` is one CAS                                  |
//! | 0     | 0        | none left, nobody waits                                             |
//! | 0     | 1        | none left, threads may be parked                                    |
//!
//! `release(n)` adds `n` in one CAS and, if `PARKED` was set, unparks at most `n` waiters (no
//! thundering herd). A woken waiter takes a permit like anyone else, and parks again if a
//! barging thread took it first; permits are never handed over, so none can be lost. `PARKED`
//! is set only by a thread about to park and cleared only with the bucket locked, when the
//! queue empties (as in [`Lock`](super::Lock)): a parker that validated "count 0, `PARKED`"
//! under the bucket lock is seen by the next `release`.

use crate::Error;
use crate::loom::atomic::{AtomicUsize, Ordering};
use crate::park::word;
use crate::timeout::Timeout;

const PARKED: usize = 0b1;
/// One permit in the state word.
const ONE: usize = 0b10;
/// The largest count the state word holds (`i64::MAX` on 64-bit targets).
const MAX_COUNT: usize = usize::MAX >> 1;

/// Python's `threading.Semaphore` (and, made with [`Semaphore::bounded`],
/// `threading.BoundedSemaphore`): a count of permits; `acquire` takes one, waiting while there
/// are none, and `release(n)` gives `n` back.
///
/// ```
/// use weft::{Semaphore, Timeout};
///
/// let slots = Semaphore::bounded(2)?;
/// assert!(slots.acquire(Timeout::Forever));
/// assert!(slots.try_acquire());
/// assert!(!slots.try_acquire()); // none left
/// slots.release(2)?;
/// let error = slots.release(1).unwrap_err(); // above the bound
/// assert_eq!(error.to_string(), "Semaphore released too many times");
/// # Ok::<(), weft::Error>(())
/// ```
#[derive(Debug)]
pub struct Semaphore {
    state: AtomicUsize,
    /// A bounded semaphore's initial value, which `release` may not exceed.
    bound: Option<usize>,
}

impl Semaphore {
    /// Python's `Semaphore(value)`: [`Error::SemaphoreNegative`] if `value < 0`,
    /// [`Error::Overflow`] if it does not fit the counter.
    pub fn new(value: i64) -> Result<Semaphore, Error> {
        Ok(Semaphore {
            state: AtomicUsize::new(count(value)? * ONE),
            bound: None,
        })
    }

    /// Python's `BoundedSemaphore(value)`: a release above `value` fails. Errors as
    /// [`Semaphore::new`].
    pub fn bounded(value: i64) -> Result<Semaphore, Error> {
        let value = count(value)?;
        Ok(Semaphore {
            state: AtomicUsize::new(value * ONE),
            bound: Some(value),
        })
    }

    /// Takes a permit, waiting at most `timeout` for one; returns whether it took one.
    ///
    /// `Timeout::After(ZERO)` tries once without waiting (Python's `acquire(blocking=False)`).
    #[inline]
    pub fn acquire(&self, timeout: Timeout) -> bool {
        self.acquire_fast() || self.acquire_slow(timeout)
    }

    /// Takes a permit with one CAS if one is left; false, having changed nothing, otherwise.
    #[inline]
    pub(crate) fn acquire_fast(&self) -> bool {
        // Relaxed: a guess at the state, checked by the CAS.
        let state = self.state.load(Ordering::Relaxed);
        // Acquire: the permit's new holder sees what the releaser wrote before `release`.
        state >= ONE
            && self
                .state
                .compare_exchange_weak(state, state - ONE, Ordering::Acquire, Ordering::Relaxed)
                .is_ok()
    }

    /// Takes a permit if one is left, without waiting; returns whether it took one.
    #[inline]
    pub fn try_acquire(&self) -> bool {
        // Relaxed: a guess at the state, checked by the CAS.
        let mut state = self.state.load(Ordering::Relaxed);
        while state >= ONE {
            // Acquire: as in `acquire`.
            match self.state.compare_exchange_weak(
                state,
                state - ONE,
                Ordering::Acquire,
                Ordering::Relaxed,
            ) {
                Ok(_) => return true,
                Err(now) => state = now,
            }
        }
        false
    }

    #[cold]
    pub(crate) fn acquire_slow(&self, timeout: Timeout) -> bool {
        if timeout.is_zero() {
            return self.try_acquire();
        }
        word::acquire_slow(&self.state, PARKED, timeout.deadline(), |s| {
            (s >= ONE).then(|| s - ONE)
        })
    }

    /// Gives back `n` permits, waking at most `n` waiters.
    ///
    /// [`Error::ReleaseCount`] if `n == 0`; for a bounded semaphore,
    /// [`Error::SemaphoreOverRelease`] if the count would exceed the initial value;
    /// [`Error::Overflow`] if it would exceed the counter. On error the count is unchanged.
    #[inline]
    pub fn release(&self, n: usize) -> Result<(), Error> {
        if self.release_fast(n) {
            Ok(())
        } else {
            self.release_slow(n)
        }
    }

    /// Gives back `n` permits with one CAS when nobody waits and the count stays in bounds;
    /// false, having changed nothing, otherwise.
    #[inline]
    pub(crate) fn release_fast(&self, n: usize) -> bool {
        // Relaxed: a guess at the state, checked by the CAS.
        let state = self.state.load(Ordering::Relaxed);
        let limit = self.bound.unwrap_or(MAX_COUNT);
        let count = (state >> 1).wrapping_add(n);
        // Release: as in `release_slow`.
        state & PARKED == 0
            && n != 0
            && count >= n
            && count <= limit
            && self
                .state
                .compare_exchange_weak(state, count * ONE, Ordering::Release, Ordering::Relaxed)
                .is_ok()
    }

    /// The release `release_fast` could not do: an error, a lost race, or waiters to wake.
    #[cold]
    pub(crate) fn release_slow(&self, n: usize) -> Result<(), Error> {
        if n == 0 {
            return Err(Error::ReleaseCount);
        }
        // Relaxed: a guess at the state, checked by the CAS.
        let mut state = self.state.load(Ordering::Relaxed);
        loop {
            let count = (state >> 1).checked_add(n).filter(|&c| c <= MAX_COUNT);
            let count = match (count, self.bound) {
                (Some(c), Some(bound)) if c > bound => Err(Error::SemaphoreOverRelease),
                (None, Some(_)) => Err(Error::SemaphoreOverRelease),
                (None, None) => Err(Error::Overflow),
                (Some(c), _) => Ok(c),
            }?;
            // Release: publishes the releaser's writes to the permits' next holders.
            match self.state.compare_exchange_weak(
                state,
                (count * ONE) | (state & PARKED),
                Ordering::Release,
                Ordering::Relaxed,
            ) {
                Ok(_) => break,
                Err(now) => state = now,
            }
        }
        if state & PARKED != 0 {
            word::unpark(&self.state, PARKED, n);
        }
        Ok(())
    }

    /// The number of permits left (a snapshot). Python: `semaphore._value`.
    pub fn value(&self) -> usize {
        // Relaxed: a snapshot that orders nothing.
        self.state.load(Ordering::Relaxed) >> 1
    }
}

/// Checks an initial value.
fn count(value: i64) -> Result<usize, Error> {
    if value < 0 {
        return Err(Error::SemaphoreNegative);
    }
    usize::try_from(value)
        .ok()
        .filter(|&v| v <= MAX_COUNT)
        .ok_or(Error::Overflow)
}
