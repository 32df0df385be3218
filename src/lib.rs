//! weft: Python's `threading`, `queue` and `concurrent.futures` for C and every language that
//! can load a C library.
//!
//! The primitives live in this crate's modules ([`sync`], [`thread`], ...) and can be used from
//! Rust directly; [`capi`] exposes them as an opaque-handle C ABI, described by the generated
//! header `include/weft.h`.
//!
//! The core is safe Rust but for four places, each with its `// SAFETY:` reasoning and checked
//! by Miri, loom and memcheck (`make verify`): the system calls in `os` (threads, futexes, fork
//! and exit hooks), the parking lot's table pointer (`park/table`: a child made by `fork()`
//! gets a new table), the internal `Mutex<T>`'s cell (`park/mutex.rs`, a [`Lock`] owning its
//! data), and [`future`]'s one allocation per task, counted by hand so that a pool task costs
//! one `malloc` and no lock.

#[cfg(not(loom))]
pub mod capi;
mod error;
#[cfg(not(loom))]
mod fork;
pub mod future;
#[cfg(not(loom))]
pub mod local;
mod loom;
#[cfg(not(loom))]
mod os;
mod park;
#[cfg(not(loom))]
pub mod pool;
pub mod queue;
pub mod sync;
#[cfg(not(loom))]
pub mod thread;
pub mod timeout;
#[cfg(not(loom))]
mod timer;

pub use error::{Error, Rejected};
pub use future::{Future, Outcome, ReturnWhen};
pub use queue::{Queue, QueueKind};
pub use sync::{Barrier, Condition, Event, Lock, RLock, Semaphore};
#[cfg(not(loom))]
pub use thread::Thread;
pub use timeout::Timeout;
#[cfg(not(loom))]
pub use {local::Local, pool::Pool};
