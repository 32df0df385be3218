//! The registry of running threads, how a thread finds its own object, and the list of exit
//! callbacks (beside the registry, whose fork handlers hold both).

use std::any::Any;
use std::cell::{Cell, RefCell};

use super::handle::{Kind, Phase, Thread};
use crate::loom::Mutex;
use crate::park::Condvar;

pub(super) struct Registry {
    /// Started, unfinished threads and live dummies, in start order.
    pub(super) alive: Vec<Thread>,
    /// `MainThread`, made on the first `main_thread()`; in a child made by `fork()` from another
    /// thread, the thread that forked (see `at_fork.rs`), or `None` until that thread asks.
    pub(super) main: Option<Thread>,
    /// Set when the exit-time wait has found no non-daemon thread left to wait for, cleared when
    /// a non-daemon thread starts after that (from an `atexit` handler that runs after weft's):
    /// its starter has the wait run again (see `exit::wait_again`).
    pub(super) exit_waited: bool,
}

pub(super) static REGISTRY: Mutex<Registry> = Mutex::new(Registry {
    alive: Vec::new(),
    main: None,
    exit_waited: false,
});

/// Callbacks the exit hook runs before it waits for the non-daemon threads.
pub(super) struct AtExit {
    pub(super) callbacks: Vec<Box<dyn FnOnce() + Send>>,
    /// Set once the exit hook has taken the callbacks; later registrations are refused.
    pub(super) running: bool,
}

/// Held across `fork()` by the registry's fork handlers (`at_fork.rs`); used by `exit.rs`.
pub(super) static AT_EXIT: Mutex<AtExit> = Mutex::new(AtExit {
    callbacks: Vec::new(),
    running: false,
});

/// Notified whenever a thread leaves the registry.
pub(super) static REGISTRY_CHANGED: Condvar = Condvar::new();

/// The calling thread's object, dropped (and, for a dummy, unregistered) when the thread exits.
pub(super) struct CurrentSlot(pub(super) RefCell<Option<Thread>>);

impl Drop for CurrentSlot {
    fn drop(&mut self) {
        if let Some(thread) = self.0.get_mut().take() {
            if thread.0.kind == Kind::Dummy {
                thread.finish(None);
            }
        }
    }
}

thread_local! {
    /// Filled on the first [`current`] call: a thread-local with a destructor costs the thread a
    /// registration, and with it an allocation, that threads which never ask are spared.
    pub(super) static CURRENT: CurrentSlot = const { CurrentSlot(RefCell::new(None)) };
    /// In a thread weft started, the address of its `Inner`, by which [`current`] finds it in
    /// the registry; 0 elsewhere. Without a destructor, setting it registers nothing.
    pub(super) static STARTED: Cell<usize> = const { Cell::new(0) };
}

impl Thread {
    /// Leaves the registry, then marks the thread finished and wakes its joiners: once `join`
    /// returns, `enumerate()` and `active_count()` no longer count the thread, as in CPython.
    pub(super) fn finish(&self, result: Option<Box<dyn Any + Send>>) {
        self.leave_registry(Phase::Finished, result);
    }

    /// Takes the thread out of the registry and moves it to `phase` in one step, under the
    /// registry lock (lock order: registry, then state), so that `enumerate`, `shutdown`,
    /// `is_alive` and `join` never disagree: a joined thread is no longer listed, and a thread
    /// `shutdown` stopped waiting for is no longer alive. Wakes everyone waiting on either.
    pub(super) fn leave_registry(&self, phase: Phase, result: Option<Box<dyn Any + Send>>) {
        let mut registry = REGISTRY.lock();
        registry.alive.retain(|t| !t.ptr_eq(self));
        {
            let mut state = self.state();
            state.phase = phase;
            state.os = None;
            state.result = result;
        }
        drop(registry);
        REGISTRY_CHANGED.notify_all();
        self.0.changed.notify_all();
    }
}

/// The registered thread whose key (`Thread::key`) is `started`.
pub(super) fn started_here(registry: &Registry, started: usize) -> Option<Thread> {
    registry.alive.iter().find(|t| t.key() == started).cloned()
}
