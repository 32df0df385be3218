//! weft: Python's `threading`, `queue` and `concurrent.futures` for C and every language that
//! can load a C library.
//!
//! The primitives live in this crate's modules ([`sync`], [`thread`], ...) and can be used from
//! Rust directly; `capi`, with the `capi` feature, exposes them as an opaque-handle C ABI,
//! described by the generated header `include/weft.h`, and is what `libweft.so` and `libweft.a`
//! are built from.
//!
//! The core is safe Rust but for four places, each with its `// SAFETY:` reasoning and checked
//! by Miri, loom and memcheck (`make verify`): the system calls in `os` (threads, futexes, fork
//! and exit hooks), the parking lot's table pointer (`park/table`: a child made by `fork()`
//! gets a new table), the internal `Mutex<T>`'s cell (`park/mutex.rs`, a [`Lock`] owning its
//! data), and [`future`]'s one allocation per task, counted by hand so that a pool task costs
//! one `malloc` and no lock.
//!
//! # Using weft from Rust
//!
//! The crate is `weft-threading` on crates.io (the name `weft` belongs to another project); the
//! library is `weft`:
//!
//! ```toml
//! [dependencies]
//! weft = { package = "weft-threading", version = "0.1" }
//! ```
//!
//! A Rust dependent builds this library as an rlib and nothing else: the C ABI is behind the
//! `capi` feature, off unless asked for, and the crate declares no `cdylib` or `staticlib`
//! (the C library is built by `cargo capi`, an alias of the repository's `.cargo/config.toml`,
//! as cargo-c builds one), so no `libweft.so`, `libweft.a` or `weft_*` symbol comes with it.
//! Nor is there a `links` key: two versions of this crate can be linked into one program, as
//! any two Rust crates can. `tests/rust_dependent.rs` checks it.
//!
//! Python's `threading`, `queue` and `concurrent.futures`, with their semantics:
//!
//! ```
//! use std::sync::Arc;
//! use weft::{Lock, Outcome, Pool, Queue, QueueKind, Thread, Timeout};
//!
//! // A thread and a lock (`threading.Thread`, `threading.Lock`).
//! let lock = Arc::new(Lock::new());
//! let held = Arc::clone(&lock);
//! let thread = Thread::new(move || {
//!     assert!(held.acquire(Timeout::Forever));
//!     held.release().expect("held");
//!     40 + 2
//! });
//! thread.start()?;
//! assert!(thread.join(Timeout::Forever)?);
//! assert_eq!(thread.result::<i32>()?, Some(42));
//! assert_eq!(lock.release().unwrap_err().to_string(), "release unlocked lock");
//!
//! // A queue (`queue.Queue`).
//! let queue = Queue::new(QueueKind::Fifo, 0)?;
//! queue.put("item", Timeout::Forever).expect("unbounded");
//! assert_eq!(queue.get(Timeout::Forever)?, "item");
//!
//! // A pool and a future (`concurrent.futures.ThreadPoolExecutor`).
//! let pool = Pool::new(2, "worker", None);
//! let future = pool.submit(|| Ok::<_, ()>(6 * 7)).map_err(|refused| refused.error)?;
//! assert!(matches!(future.outcome(Timeout::Forever), Some(Outcome::Returned(42))));
//! pool.shutdown(true, false)?;
//! # Ok::<(), weft::Error>(())
//! ```
pub mod cancel;
#[cfg(all(feature = "capi", not(loom)))]
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
#[cfg(not(loom))]
mod runners;
#[cfg(not(loom))]
pub mod scheduler;
pub mod sync;
#[cfg(not(loom))]
pub mod thread;
pub mod timeout;
#[cfg(not(loom))]
mod timer;
#[cfg(not(loom))]
pub mod wait_any;

pub use cancel::CancelToken;
pub use error::{Error, Rejected};
pub use future::{Future, Outcome, ReturnWhen};
/// For loom models only: whether the model parking table's unparks are fair
/// (`park/table/loom_model.rs`).
#[cfg(loom)]
#[doc(hidden)]
pub use park::table::loom_model::set_fair as loom_set_fair;
pub use queue::{Queue, QueueKind};
pub use sync::{Barrier, Condition, Event, Lock, Once, RLock, RwLock, Semaphore};
#[cfg(not(loom))]
pub use thread::Thread;
pub use timeout::Timeout;
#[cfg(not(loom))]
pub use {local::Local, pool::Pool, scheduler::Scheduler};

/// Installs weft's fork handlers when the library is loaded, before any thread can use weft.
///
/// Each structure's handlers are also installed on its first use, but glibc (2.34 and later)
/// skips the handlers installed while another thread's `fork()` runs its `prepare` handlers: a
/// first `Pool::new` there could then lock the list of pools, unguarded, as that fork copies the
/// process, and the child's exit would wait for it for ever. Installed here, every fork runs
/// them, and in this order, whichever structure a program uses first: `pthread_atfork` runs the
/// `prepare` handlers last installed first, so the locals' mutexes are taken, then the pools'
/// states (a submit takes the registry with its pool's state locked), then the registry; the
/// watchers of `wait_any`, taken with nothing else held, first.
// SAFETY: `.init_array` holds pointers to functions the loader calls with no arguments before
// `main` (or before `dlopen` returns); this one is such a function and cannot unwind (it
// registers handlers, and a failure leaves them to be installed on first use).
#[cfg(not(any(loom, miri)))]
#[used]
#[unsafe(link_section = ".init_array")]
static INSTALL_FORK_HANDLERS: extern "C" fn() = install_fork_handlers;

#[cfg(not(any(loom, miri)))]
extern "C" fn install_fork_handlers() {
    thread::arm_fork_handlers();
    pool::arm_fork_handlers();
    local::arm_fork_handlers();
    wait_any::registry::arm_fork_handlers();
}
