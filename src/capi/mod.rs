//! The C ABI: every `extern "C"` item of `include/weft.h`, and nothing else.
//!
//! Infrastructure: [`status`] (the result enum and its messages), [`handle`] (casting, NULL and
//! type checks, every type's tag), [`args`] (C arguments: pointers sent to other threads, owned
//! arguments and their destructors, C functions as closures, strings), [`boundary`] (the panic
//! boundary), [`version`]. Then one module per exported type, mirroring the core.
//!
//! Every exported function is a `pub unsafe extern "C" fn`, even those that take no pointer, so
//! that one rule holds: Rust code calling the C ABI says `unsafe`, as a C caller implicitly does
//! (Rust users have the safe core types instead). Each function's `# Safety` section, copied into
//! `include/weft.h`, says what its caller guarantees. A function is `#[must_use]` when ignoring
//! its result loses something: it writes an out-parameter, returns a new reference, or its status
//! can be an outcome (`WEFT_STATUS_TIMEOUT`, `WEFT_STATUS_FULL`, `WEFT_STATUS_CANT_START_THREAD`,
//! ...) rather than only a misuse report; releases, notifications, setters, cancellations,
//! shutdowns, `_free` and queries are not.
#![allow(non_camel_case_types)]

#[macro_use]
mod boundary;
mod args;
mod handle;
mod status;
mod version;

mod barrier;
mod condition;
mod event;
mod future;
mod local;
mod lock;
mod pool;
mod queue;
mod rlock;
mod semaphore;
mod thread;
mod timer;

pub use args::weft_free_fn;
pub use barrier::{weft_barrier, weft_barrier_action_fn};
pub use condition::{weft_condition, weft_predicate_fn};
pub use event::weft_event;
pub use future::{weft_future, weft_future_callback, weft_return_when};
pub use local::{weft_local, weft_local_init_fn};
pub use lock::weft_lock;
pub use pool::{weft_init_fn, weft_pool, weft_task_fn};
pub use queue::{weft_queue, weft_queue_item_fn, weft_queue_kind};
pub use rlock::weft_rlock;
pub use semaphore::weft_semaphore;
pub use status::{weft_status, weft_status_str};
pub use thread::{weft_thread, weft_thread_fn};
pub use version::*;

use crate::timeout::{self, Timeout};

/// Pass as a timeout to wait without limit (Python's `None`, or `-1` for `Lock.acquire`).
///
/// The timeout rule, the same for every blocking call: a `double` number of seconds;
/// `WEFT_TIMEOUT_FOREVER` waits forever; `0.0` up to `WEFT_TIMEOUT_MAX` waits at most that long
/// (`0.0` does not wait); NaN and other negative values give `WEFT_STATUS_INVALID_TIMEOUT`;
/// values above `WEFT_TIMEOUT_MAX`, and infinity, give `WEFT_STATUS_TIMEOUT_TOO_LARGE`.
/// Deadlines are on the monotonic clock, unaffected by changes to the wall clock.
pub const WEFT_TIMEOUT_FOREVER: f64 = -1.0;

/// The largest timeout accepted, in seconds (about 292 years). Python: `threading.TIMEOUT_MAX`.
pub const WEFT_TIMEOUT_MAX: f64 = 9223372036.0;

const _: () = assert!(WEFT_TIMEOUT_FOREVER == timeout::FOREVER);
const _: () = assert!(WEFT_TIMEOUT_MAX == timeout::TIMEOUT_MAX);

/// Applies the timeout rule to a C argument.
#[inline]
fn timeout(seconds: f64) -> Result<Timeout, weft_status> {
    Ok(Timeout::from_secs_f64(seconds)?)
}
