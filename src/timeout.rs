//! The one timeout rule, used by every blocking call in weft.
//!
//! A timeout is a `f64` number of seconds, as in Python:
//!
//! | value                                   | meaning                                      |
//! |-----------------------------------------|----------------------------------------------|
//! | [`FOREVER`] (`-1.0`)                     | wait without limit                           |
//! | `0.0 ..= TIMEOUT_MAX`                    | wait at most that long (`0.0`: do not wait)  |
//! | NaN, any other negative value, `-inf`   | [`Error::InvalidTimeout`]                    |
//! | above [`TIMEOUT_MAX`], `+inf`           | [`Error::TimeoutTooLarge`]                   |
//!
//! Deadlines are taken once on the monotonic clock ([`Instant`]); waits that wake early
//! (spuriously, or because the state they wait for was taken by another thread) wait again until
//! the same deadline. No arithmetic here can panic.
//!
//! A deadline made from a [`Timeout`] also passes when the calling thread's cancellation token
//! is set (see [`crate::cancel`]); [`Deadline::FOREVER`], for weft's own waits, never does.

use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::Error;
use crate::cancel::{self, CancelToken};

/// The "wait forever" sentinel, the same value CPython's `Lock.acquire(timeout=-1)` uses.
pub const FOREVER: f64 = -1.0;

/// The largest accepted timeout in seconds: CPython's `threading.TIMEOUT_MAX` on 64-bit Linux,
/// rounded down (about 292 years).
pub const TIMEOUT_MAX: f64 = 9223372036.0;

/// A validated timeout.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Timeout {
    /// Wait without limit.
    Forever,
    /// Wait at most this long; zero means "try once, do not wait".
    After(Duration),
}

impl Timeout {
    /// Applies the rule in the module documentation to a number of seconds.
    #[inline]
    pub fn from_secs_f64(seconds: f64) -> Result<Timeout, Error> {
        if seconds == FOREVER {
            Ok(Timeout::Forever)
        } else if seconds.is_nan() || seconds < 0.0 {
            Err(Error::InvalidTimeout)
        } else if seconds > TIMEOUT_MAX {
            Err(Error::TimeoutTooLarge)
        } else {
            // In range by the checks above, so this cannot fail; map the impossible error anyway
            // rather than unwrap.
            Duration::try_from_secs_f64(seconds)
                .map(Timeout::After)
                .map_err(|_| Error::TimeoutTooLarge)
        }
    }

    /// Whether this timeout asks not to wait at all.
    pub fn is_zero(self) -> bool {
        self == Timeout::After(Duration::ZERO)
    }

    /// The deadline this timeout gives when the wait starts now; the calling thread's
    /// cancellation token ends it too.
    pub fn deadline(self) -> Deadline {
        let at = match self {
            Timeout::Forever => None,
            // A deadline past what the clock can represent is as good as forever.
            Timeout::After(d) => Instant::now().checked_add(d),
        };
        Deadline {
            at,
            interruptible: true,
        }
    }
}

/// The timeout of an `acquire(blocking, timeout)` call, Python's way: a non-blocking call
/// tries once and takes no timeout ([`Error::NonBlockingTimeout`] if given one other than
/// [`FOREVER`]); a blocking call applies the rule above.
#[inline]
pub fn acquire_timeout(blocking: bool, seconds: f64) -> Result<Timeout, Error> {
    if !blocking {
        return if seconds == FOREVER {
            Ok(Timeout::After(Duration::ZERO))
        } else {
            Err(Error::NonBlockingTimeout)
        };
    }
    Timeout::from_secs_f64(seconds)
}

/// The timeout of a queue's `put(item, block, timeout)` or `get(block, timeout)`, Python's way:
/// a non-blocking call tries once and ignores `timeout`, whatever it is, as `queue.Queue`
/// does; a blocking call applies the rule above.
#[inline]
pub fn block_timeout(block: bool, seconds: f64) -> Result<Timeout, Error> {
    if block {
        Timeout::from_secs_f64(seconds)
    } else {
        Ok(Timeout::After(Duration::ZERO))
    }
}

/// A point on the monotonic clock after which a wait gives up (`None`: never), and whether
/// the waiting thread's cancellation token ends the wait too.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Deadline {
    at: Option<Instant>,
    interruptible: bool,
}

impl Deadline {
    /// A deadline that never passes, and that no cancellation token ends: weft's own waits.
    pub const FOREVER: Deadline = Deadline {
        at: None,
        interruptible: false,
    };

    /// The deadline at `instant`, which no cancellation token ends (the scheduler's own thread).
    // Used by the scheduler, which loom does not build.
    #[cfg_attr(loom, allow(dead_code))]
    pub(crate) fn at(instant: Instant) -> Deadline {
        Deadline {
            at: Some(instant),
            interruptible: false,
        }
    }

    /// The instant to hand to the parking lot's `park` (`None` = no limit).
    pub fn instant(self) -> Option<Instant> {
        self.at
    }

    /// Whether the deadline has passed, or the calling thread's token ends the wait.
    pub fn expired(self) -> bool {
        self.at.is_some_and(|at| Instant::now() >= at) || self.interruptible && cancel::cancelled()
    }

    /// Time left before the deadline, `None` for forever; zero once it has passed.
    pub fn remaining(self) -> Option<Duration> {
        self.at
            .map(|at| at.saturating_duration_since(Instant::now()))
    }

    /// The token that ends a wait until this deadline: the calling thread's, if it installed
    /// one and the wait is one a token may end. For the parking lot, as a thread parks.
    pub(crate) fn token(self) -> Option<Arc<CancelToken>> {
        if self.interruptible {
            cancel::installed()
        } else {
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_rule() {
        assert_eq!(Timeout::from_secs_f64(FOREVER), Ok(Timeout::Forever));
        assert_eq!(
            Timeout::from_secs_f64(0.0),
            Ok(Timeout::After(Duration::ZERO))
        );
        assert_eq!(
            Timeout::from_secs_f64(1.5),
            Ok(Timeout::After(Duration::from_millis(1500)))
        );
        assert!(Timeout::from_secs_f64(TIMEOUT_MAX).is_ok());
        for bad in [f64::NAN, -0.5, -2.0, f64::NEG_INFINITY] {
            assert_eq!(
                Timeout::from_secs_f64(bad),
                Err(Error::InvalidTimeout),
                "{bad}"
            );
        }
        for big in [TIMEOUT_MAX * 1.0001, f64::INFINITY, f64::MAX] {
            assert_eq!(
                Timeout::from_secs_f64(big),
                Err(Error::TimeoutTooLarge),
                "{big}"
            );
        }
    }

    #[test]
    fn acquire_rule() {
        assert_eq!(
            acquire_timeout(false, FOREVER),
            Ok(Timeout::After(Duration::ZERO))
        );
        assert_eq!(acquire_timeout(false, 0.0), Err(Error::NonBlockingTimeout));
        assert_eq!(
            acquire_timeout(false, f64::NAN),
            Err(Error::NonBlockingTimeout)
        );
        assert_eq!(acquire_timeout(true, FOREVER), Ok(Timeout::Forever));
        assert_eq!(acquire_timeout(true, -3.0), Err(Error::InvalidTimeout));
    }

    #[test]
    fn block_rule() {
        for ignored in [f64::NAN, -5.0, 1.0, f64::INFINITY, FOREVER] {
            assert_eq!(
                block_timeout(false, ignored),
                Ok(Timeout::After(Duration::ZERO))
            );
        }
        assert_eq!(block_timeout(true, FOREVER), Ok(Timeout::Forever));
        assert_eq!(block_timeout(true, -3.0), Err(Error::InvalidTimeout));
        assert_eq!(
            block_timeout(true, f64::INFINITY),
            Err(Error::TimeoutTooLarge)
        );
    }

    #[test]
    fn deadlines() {
        assert!(!Timeout::Forever.deadline().expired());
        assert_eq!(Timeout::Forever.deadline().remaining(), None);
        let d = Timeout::After(Duration::ZERO).deadline();
        assert!(d.expired());
        assert_eq!(d.remaining(), Some(Duration::ZERO));
        let far = Timeout::from_secs_f64(TIMEOUT_MAX).unwrap().deadline();
        assert!(!far.expired());
    }
}
