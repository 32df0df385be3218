//! weft: Python's `threading`, `queue` and `concurrent.futures` for C and every language that
//! can load a C library.
//!
//! The primitives live in safe Rust in this crate's modules ([`sync`], [`thread`], ...) and can be
//! used from Rust directly; [`capi`] exposes them as an opaque-handle C ABI, described by the
//! generated header `include/weft.h`.

pub mod capi;
mod error;
pub mod local;
mod loom;
mod os;
pub mod sync;
pub mod thread;
pub mod timeout;
mod timer;

pub use error::Error;
pub use local::Local;
pub use sync::{Lock, RLock};
pub use thread::Thread;
pub use timeout::Timeout;
