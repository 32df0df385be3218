//! weft: Python's `threading`, `queue` and `concurrent.futures` for C and every language that
//! can load a C library.
//!
//! The primitives live in safe Rust in this crate's modules ([`sync`], [`thread`], ...) and can be
//! used from Rust directly; [`capi`] exposes them as an opaque-handle C ABI, described by the
//! generated header `include/weft.h`.

pub mod capi;
mod error;
pub mod future;
mod loom;
mod os;
pub mod pool;
pub mod queue;
pub mod sync;
pub mod thread;
pub mod timeout;

pub use error::{Error, Rejected};
pub use future::{Future, Outcome, ReturnWhen};
pub use pool::Pool;
pub use queue::{Queue, QueueKind};
pub use sync::{Lock, RLock};
pub use thread::Thread;
pub use timeout::Timeout;
