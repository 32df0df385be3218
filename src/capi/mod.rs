//! The C ABI: every `extern "C"` item of `include/weft.h` (and the headers of `include/weft/` it
//! includes), and nothing else. `tests/header.rs` says which files make which header.
//!
//! Infrastructure: [`status`] (the result enum and its messages), [`handle`] (casting, NULL and
//! type checks), [`boundary`] (the panic boundary), [`version`], [`timeouts`] (the timeout
//! constants). Then one module per exported type, mirroring the core.
#![allow(non_camel_case_types)]

#[macro_use]
mod boundary;
mod handle;
mod status;
mod timeouts;
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
pub use thread::{weft_free_fn, weft_thread, weft_thread_fn};
pub use timeouts::{WEFT_TIMEOUT_FOREVER, WEFT_TIMEOUT_MAX};
pub use version::*;

use crate::timeout::Timeout;

/// Applies the timeout rule to a C argument.
#[inline]
fn timeout(seconds: f64) -> Result<Timeout, weft_status> {
    Ok(Timeout::from_secs_f64(seconds)?)
}
