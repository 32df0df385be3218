//! The registry's fork handlers: the registry's lock is held across `fork()`, and in the child
//! every thread but the one that forked is dropped from the registry and marked lost.

use std::cell::{Cell, RefCell};

use super::handle::{MAIN_LOST, Thread};
use super::registry::{CURRENT, REGISTRY, Registry, STARTED, started_here};
use crate::fork;
use crate::loom::MutexGuard;
use crate::loom::atomic::Ordering;
use crate::os;

static FORK_HOOK: os::Hook = os::Hook::new();

thread_local! {
    /// Held by the forking thread from `before_fork` to the handler that runs after the fork (in
    /// the parent, or in the child, where that thread lives on): the registry's guard, and
    /// whether the forking thread is the process's initial thread.
    static FORK_GUARD: RefCell<Option<(MutexGuard<'static, Registry>, bool)>> =
        const { RefCell::new(None) };
}

extern "C" fn before_fork() {
    fork::hold_for_fork(&FORK_GUARD, || {
        (REGISTRY.lock(), os::is_process_main_thread())
    });
}

extern "C" fn after_fork_in_parent() {
    // Dropping the guard unlocks the registry.
    drop(fork::held_in_parent(&FORK_GUARD));
}

extern "C" fn after_fork_in_child() {
    let Some((mut registry, from_main)) = fork::held_in_child(&FORK_GUARD) else {
        return;
    };
    // Relaxed: see `is_lost`.
    let lose = |t: &Thread| t.0.lost.store(true, Ordering::Relaxed);
    // A thread weft started is known by its key (it may never have asked for `current`).
    let me = match STARTED.try_with(Cell::get) {
        Ok(0) | Err(_) => CURRENT
            .try_with(|current| current.0.try_borrow().ok().and_then(|t| t.clone()))
            .ok()
            .flatten(),
        Ok(started) => started_here(&registry, started),
    };
    registry.alive.retain(|t| {
        let mine = me.as_ref().is_some_and(|me| me.ptr_eq(t));
        if !mine {
            lose(t);
        }
        mine
    });
    if !from_main {
        // Relaxed: see `is_lost`.
        MAIN_LOST.store(true, Ordering::Relaxed);
    }
    // Dropping the guard unlocks the registry. The parent's threads that were queued on it
    // are forgotten with the parent's parking lot (the child has a new one).
}

/// Installs the handlers, once (see `os::Hook`).
pub(crate) fn arm() {
    os::at_fork(
        &FORK_HOOK,
        Some(before_fork),
        Some(after_fork_in_parent),
        after_fork_in_child,
    );
}
