//! `Thread`: Python's `threading.Thread` and the module-level functions about threads.
//!
//! Every thread weft starts is in a process-wide registry while it runs, which gives
//! `enumerate()`, `active_count()` and the exit-time wait: when the process exits normally
//! (`main` returns or `exit()` is called), an `atexit` hook waits for every running non-daemon
//! thread, as CPython does at interpreter exit. Daemon threads are abandoned. Before that wait, the
//! hook runs the callbacks registered with `register_atexit` (thread pools shut down there) and,
//! in the main thread, marks `MainThread` finished, so that its joiners do not hold the exit.
//! The hook is installed when the first thread is started or the first callback registered.
//!
//! Threads weft did not create get a stand-in object the first time they ask for
//! [`current`]: the process's initial thread is `MainThread` (known by its id even once its
//! thread-locals are gone, in `atexit` handlers); any other is `Dummy-N`, a daemon that leaves the
//! registry when the OS thread exits.
//!
//! `fork()`: only the forking thread exists in the child. Fork handlers (armed with the registry)
//! hold the registry's lock and the state of every Thread object across the fork, so the child
//! never inherits them half-updated or held by a thread it does not have: every Thread object
//! works there, also one a parent thread was renaming or joining at the fork. In the child they
//! drop every other thread from the registry and mark it finished (CPython's `_after_fork` marks
//! them stopped): not alive, joined at once, not waited for at exit; the forking thread becomes
//! the main thread, as in CPython. (The forking thread's `native_id` is the parent's. A lock that
//! another thread held or waited for at the fork stays unusable in the child, as with any POSIX
//! lock.)
//!
//! One file per part: the [`Thread`] handle (`handle.rs`), its life from start to join
//! (`lifecycle.rs`), the registry of running threads (`registry.rs`) with its fork handlers
//! (`at_fork.rs`), the exit-time wait (`exit.rs`) and the module-level functions
//! (`functions.rs`).

mod at_fork;
mod exit;
mod functions;
mod handle;
mod lifecycle;
mod registry;

pub(crate) use at_fork::arm as arm_fork_handlers;
pub(crate) use exit::register_atexit;
pub use exit::{set_exit_wait, shutdown};
pub use functions::{
    active_count, current, enumerate, get_ident, get_native_id, main_thread, new_name, stack_size,
};
pub use handle::{STACK_SIZE_MIN, Thread};
pub(crate) use lifecycle::{catching, once};
