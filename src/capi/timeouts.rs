//! The timeout constants of the C API; every blocking call applies the rule documented on
//! [`WEFT_TIMEOUT_FOREVER`], converting its argument with `crate::timeout` (`Timeout::from_secs_f64`,
//! or `acquire_timeout` / `block_timeout` for Python's `blocking` / `block` flags).

use crate::timeout;

/// Pass as a timeout to wait without limit (Python's `None`, or `-1` for `Lock.acquire`).
///
/// The timeout rule, the same for every blocking call: a `double` number of seconds;
/// `WEFT_TIMEOUT_FOREVER` waits forever; `0.0` up to `WEFT_TIMEOUT_MAX` waits at most that long
/// (`0.0` does not wait); NaN and other negative values give `WEFT_STATUS_INVALID_TIMEOUT`;
/// values above `WEFT_TIMEOUT_MAX`, and infinity, give `WEFT_STATUS_TIMEOUT_TOO_LARGE`.
/// Deadlines are on the monotonic clock, unaffected by changes to the wall clock.
/// Every blocking call also ends, with `WEFT_STATUS_INTERRUPTED`, when it would wait and the
/// calling thread's cancellation token is set (see `weft_cancel`).
pub const WEFT_TIMEOUT_FOREVER: f64 = -1.0;

/// The largest timeout accepted, in seconds (about 292 years). Python: `threading.TIMEOUT_MAX`.
pub const WEFT_TIMEOUT_MAX: f64 = 9223372036.0;

const _: () = assert!(WEFT_TIMEOUT_FOREVER == timeout::FOREVER);
const _: () = assert!(WEFT_TIMEOUT_MAX == timeout::TIMEOUT_MAX);
