//! The registry's fork handlers: the registry's lock (and the list of exit callbacks') is held
//! across `fork()`, and in the child every thread but the one that forked is dropped from the
//! registry and marked lost. The thread that forked becomes the main thread, as CPython's
//! `threading._after_fork` makes it: its own object if weft started it, else a new `MainThread`
//! (a stand-in `Dummy-N` it had is lost: it was a daemon, and `MainThread` is not).

use std::cell::{Cell, RefCell};

use super::handle::{Kind, Thread};
use super::registry::{AT_EXIT, AtExit, CURRENT, REGISTRY, Registry, STARTED, started_here};
use crate::fork;
use crate::loom::MutexGuard;
use crate::loom::atomic::Ordering;
use crate::os;

static FORK_HOOK: os::Hook = os::Hook::new();

thread_local! {
    /// Held by the forking thread from `before_fork` to the handler that runs after the fork (in
    /// the parent, or in the child, where that thread lives on): the guards of the exit
    /// callbacks and of the registry, and whether the forking thread is the process's initial
    /// thread.
    static FORK_GUARD: RefCell<Option<Held>> = const { RefCell::new(None) };
}

type Held = (
    MutexGuard<'static, AtExit>,
    MutexGuard<'static, Registry>,
    bool,
);

extern "C" fn before_fork() {
    // Each is taken alone elsewhere, so any order is deadlock-free.
    fork::hold_for_fork(&FORK_GUARD, || {
        (
            AT_EXIT.lock(),
            REGISTRY.lock(),
            os::is_process_main_thread(),
        )
    });
}

extern "C" fn after_fork_in_parent() {
    // Dropping the guard unlocks the registry.
    drop(fork::held_in_parent(&FORK_GUARD));
}

extern "C" fn after_fork_in_child() {
    let Some((at_exit, mut registry, from_main)) = fork::held_in_child(&FORK_GUARD) else {
        return;
    };
    drop(at_exit);
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
    // A stand-in `Dummy-N` that forked is replaced by a `MainThread`, made on first use.
    let me = me.filter(|me| {
        if from_main || me.0.kind != Kind::Dummy {
            return true;
        }
        let _ = CURRENT.try_with(|current| current.0.try_borrow_mut().map(|mut t| t.take()));
        false
    });
    registry.alive.retain(|t| {
        let mine = me.as_ref().is_some_and(|me| me.ptr_eq(t));
        if !mine {
            lose(t);
        }
        mine
    });
    if !from_main {
        // The parent's main thread does not exist here.
        if let Some(main) = registry.main.take() {
            lose(&main);
        }
        registry.main = me;
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
