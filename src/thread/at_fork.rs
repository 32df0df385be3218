//! The registry's fork handlers: the registry's lock, the list of exit callbacks', and the
//! state of every `Thread` object (`handle::OBJECTS`) are held across `fork()`, so that every
//! Thread object works in the child, also one a parent thread was renaming or joining at that
//! moment. In the child every thread but the one that forked is dropped from the registry and
//! marked finished, as CPython's `threading._after_fork` marks them stopped: not alive, joined at
//! once, not waited for at exit. The thread that forked becomes the main thread, as CPython makes
//! it: its own object if weft started it, else a new `MainThread` (a stand-in `Dummy-N` it had
//! is finished: it was a daemon, and `MainThread` is not).

use crate::loom::atomic::Ordering;
use std::cell::{Cell, RefCell};
use std::sync::{Arc, Weak};

use super::handle::{Inner, Kind, OBJECTS, Phase, State};
use super::registry::{AT_EXIT, AtExit, CURRENT, REGISTRY, Registry, STARTED, started_here};
use crate::fork;
use crate::loom::{ArcGuard, Mutex, MutexGuard};
use crate::os;

static FORK_HOOK: os::Hook = os::Hook::new();

thread_local! {
    /// Held by the forking thread from `before_fork` to the handler that runs after the fork (in
    /// the parent, or in the child, where that thread lives on).
    static FORK_GUARD: RefCell<Option<Held>> = const { RefCell::new(None) };
}

struct Held {
    at_exit: MutexGuard<'static, AtExit>,
    registry: MutexGuard<'static, Registry>,
    objects: MutexGuard<'static, Vec<Weak<Inner>>>,
    /// The state of every Thread object in `objects`.
    states: Vec<ArcGuard<Inner, State>>,
    /// Whether the forking thread is the process's initial thread.
    from_main: bool,
}

extern "C" fn before_fork() {
    // In the order the rest of the thread module takes them: the exit callbacks and the registry
    // are never taken one inside the other; the registry before the list of objects and before
    // a thread's state (`main_in` makes a Thread, `leave_registry` updates one, with it held);
    // the list before a state (nothing makes a Thread with a state held), and one state at a
    // time elsewhere.
    fork::hold_for_fork(&FORK_GUARD, || {
        let at_exit = AT_EXIT.lock();
        let registry = REGISTRY.lock();
        let objects = OBJECTS.lock();
        let states = objects
            .iter()
            .filter_map(Weak::upgrade)
            .map(|t| Mutex::lock_arc(t, |t| &t.state))
            .collect();
        Held {
            at_exit,
            registry,
            objects,
            states,
            from_main: os::is_process_main_thread(),
        }
    });
}

impl Held {
    /// Unlocks everything, the states last: dropping a state's guard may drop the last handle
    /// to its thread, and with it a value of the user's (a result, an unstarted target), whose
    /// destructor must find the registry unlocked.
    fn release(self) {
        let Held {
            at_exit,
            registry,
            objects,
            states,
            from_main: _,
        } = self;
        drop((at_exit, registry, objects));
        drop(states);
    }
}

extern "C" fn after_fork_in_parent() {
    if let Some(held) = fork::held_in_parent(&FORK_GUARD) {
        held.release();
    }
}

extern "C" fn after_fork_in_child() {
    let Some(mut held) = fork::held_in_child(&FORK_GUARD) else {
        return;
    };
    let registry = &mut held.registry;
    // A thread weft started is known by its key (it may never have asked for `current`).
    let me = match STARTED.try_with(Cell::get) {
        Ok(0) | Err(_) => CURRENT
            .try_with(|current| current.0.try_borrow().ok().and_then(|t| t.clone()))
            .ok()
            .flatten(),
        Ok(started) => started_here(registry, started),
    };
    // A stand-in `Dummy-N` that forked is replaced by a `MainThread`, made on first use.
    let me = me.filter(|me| {
        if held.from_main || me.0.kind != Kind::Dummy {
            return true;
        }
        let _ = CURRENT.try_with(|current| current.0.try_borrow_mut().map(|mut t| t.take()));
        false
    });
    registry
        .alive
        .retain(|t| me.as_ref().is_some_and(|me| me.ptr_eq(t)));
    if !held.from_main {
        // The parent's main thread does not exist here.
        registry.main = me;
    }
    // Every other thread that was running (registered, being started, the parent's main thread,
    // a stand-in) does not exist here: finished, and never renamed through a `pthread_t` of the
    // parent's.
    let kept = [registry.main.as_ref(), registry.alive.first()];
    for state in &mut held.states {
        let thread = Arc::clone(ArcGuard::owner(state));
        if !kept.iter().flatten().any(|t| Arc::ptr_eq(&t.0, &thread))
            && state.phase == Phase::Running
        {
            state.phase = Phase::Finished;
            state.os = None;
            // Relaxed: the child has only this thread yet.
            thread.lost.store(true, Ordering::Relaxed);
        }
    }
    // The parent's threads that were queued on these locks are forgotten with the parent's
    // parking lot (the child has a new one).
    held.release();
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
