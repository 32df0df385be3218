//! The C ABI: every `extern "C"` item of `include/weft.h` (and the headers of `include/weft/` it
//! includes), and nothing else. `tests/header.rs` says which files make which header.
//!
//! Infrastructure: [`status`] (the result enum and its messages), [`handle`] (casting, NULL and
//! type checks, every type's tag), [`args`] (C arguments: pointers sent to other threads, owned
//! arguments and their destructors, C functions as closures, strings), [`boundary`] (the panic
//! boundary), [`version`], [`timeouts`] (the timeout constants; C timeouts are converted by
//! `crate::timeout`'s three rules, the `?` turning their errors into statuses). Then one module per exported type, mirroring the core.
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
mod timeouts;
mod version;

mod barrier;
mod cancel;
mod condition;
mod event;
mod future;
mod local;
mod lock;
mod map;
mod once;
mod pool;
mod queue;
mod rlock;
mod rwlock;
mod scheduler;
mod semaphore;
mod thread;
mod timer;
mod wait;

pub use args::weft_free_fn;
pub use barrier::{weft_barrier, weft_barrier_action_fn};
pub use cancel::weft_cancel;
pub use condition::{weft_condition, weft_predicate_fn};
pub use event::weft_event;
pub use future::{weft_future, weft_future_callback, weft_return_when};
pub use local::{weft_local, weft_local_init_fn};
pub use lock::weft_lock;
pub use map::weft_map;
pub use once::{WEFT_ONCE_INIT, weft_once, weft_once_fn};
pub use pool::{weft_init_fn, weft_pool, weft_task_fn};
pub use queue::{weft_queue, weft_queue_item_fn, weft_queue_kind};
pub use rlock::weft_rlock;
pub use rwlock::weft_rwlock;
pub use scheduler::{weft_periodic_fn, weft_schedule_kind, weft_scheduler};
pub use semaphore::weft_semaphore;
pub use status::{weft_status, weft_status_str};
pub use thread::{weft_thread, weft_thread_fn};
pub use timeouts::{WEFT_TIMEOUT_FOREVER, WEFT_TIMEOUT_MAX};
pub use version::*;
