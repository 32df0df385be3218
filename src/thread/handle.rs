//! The `Thread` handle: a thread's configuration and state, and what any holder may ask of it.

use std::any::Any;
use std::sync::{Arc, Weak};

use crate::Error;
use crate::loom::atomic::{AtomicBool, Ordering};
use crate::loom::{Mutex, MutexGuard};
use crate::os::{self, OsThread};
use crate::park::Condvar;
use crate::timeout::Deadline;

/// The smallest stack size accepted, as in CPython (`THREAD_STACK_MIN`).
pub const STACK_SIZE_MIN: usize = 32 * 1024;

/// What a started thread runs, once (made by `lifecycle::once`: called again, it gives `None`);
/// the value it gives, if any, is kept for [`Thread::result`].
pub(crate) type Target = Box<dyn FnMut() -> Option<Box<dyn Any + Send>> + Send>;

/// What [`Thread::cancel`] calls: set for timers only (`timer.rs`).
pub(crate) type Cancel = Box<dyn Fn() + Send + Sync>;

/// A thread of execution, configured before `start` and joinable any number of times from any
/// number of threads. Cloning gives another handle to the same thread.
#[derive(Clone)]
pub struct Thread(pub(super) Arc<Inner>);

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Kind {
    /// Created with [`Thread::new`].
    Regular,
    /// The process's initial thread.
    Main,
    /// A thread weft did not create.
    Dummy,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Phase {
    New,
    Running,
    Finished,
}

/// Every `Thread` object alive (made, running or finished, registered or not), for the fork
/// handlers (`at_fork.rs`), which hold each one's state across `fork()`: a thread of the parent
/// inside `name`, `set_name`, `join`... at that moment would otherwise leave it locked for ever in
/// the child. Entries of dropped objects are pruned when the list is full.
pub(super) static OBJECTS: Mutex<Vec<Weak<Inner>>> = Mutex::new(Vec::new());

pub(super) struct Inner {
    pub(super) kind: Kind,
    /// Written only before `start` (under `state`), read freely after: `start` and the registry
    /// mutex order the last write before every read that matters.
    pub(super) daemon: AtomicBool,
    /// Set in a child made by `fork()` for every thread of the parent's that does not exist
    /// there, as its phase becomes `Finished`: a check that takes no lock (the scheduler's).
    pub(super) lost: AtomicBool,
    pub(super) target: Mutex<Option<Target>>,
    /// A timer's cancel hook; `None` for every other thread.
    pub(super) cancel: Option<Cancel>,
    pub(super) state: Mutex<State>,
    /// Notified when `phase` changes (the thread finished, or failed to start).
    pub(super) changed: Condvar,
    /// Notified when `native_id` becomes known (and when a start fails), apart from `changed`
    /// so that a joiner is not woken for nothing by a thread that has just started.
    pub(super) native: Condvar,
}

pub(super) struct State {
    pub(super) phase: Phase,
    pub(super) name: String,
    pub(super) stack_size: usize,
    pub(super) ident: Option<u64>,
    pub(super) native_id: Option<u64>,
    /// Set while the OS thread exists and may be renamed; cleared (under this lock) before the
    /// thread exits, so renaming never touches a dead `pthread_t`.
    pub(super) os: Option<OsThread>,
    pub(super) result: Option<Box<dyn Any + Send>>,
}

impl Thread {
    pub(super) fn with_kind(
        kind: Kind,
        name: String,
        daemon: bool,
        target: Option<Target>,
        cancel: Option<Cancel>,
    ) -> Thread {
        let started = kind != Kind::Regular;
        let (ident, native_id) = if started {
            (Some(os::current().ident()), Some(os::native_id()))
        } else {
            (None, None)
        };
        let inner = Arc::new(Inner {
            kind,
            daemon: AtomicBool::new(daemon),
            lost: AtomicBool::new(false),
            target: Mutex::new(target),
            cancel,
            state: Mutex::new(State {
                phase: if started { Phase::Running } else { Phase::New },
                name,
                stack_size: 0,
                ident,
                native_id,
                os: None,
                result: None,
            }),
            changed: Condvar::new(),
            native: Condvar::new(),
        });
        let mut objects = OBJECTS.lock();
        if objects.len() == objects.capacity() {
            objects.retain(|t| t.strong_count() > 0);
            // Room for as many again before the next pruning: amortized O(1) per object.
            let live = objects.len();
            objects.reserve(live);
        }
        objects.push(Arc::downgrade(&inner));
        drop(objects);
        Thread(inner)
    }

    pub(super) fn state(&self) -> MutexGuard<'_, State> {
        self.0.state.lock()
    }

    /// Whether two handles name the same thread.
    pub fn ptr_eq(&self, other: &Thread) -> bool {
        Arc::ptr_eq(&self.0, &other.0)
    }

    /// The address of the shared state: names the thread while a handle to it exists.
    pub(super) fn key(&self) -> usize {
        Arc::as_ptr(&self.0) as usize
    }

    /// The thread's name.
    pub fn name(&self) -> String {
        self.state().name.clone()
    }

    /// Renames the thread, at any time; a running thread's OS name follows (cut to 15 bytes).
    pub fn set_name(&self, name: &str) {
        let mut state = self.state();
        state.name = name.to_owned();
        if let Some(os) = state.os {
            os.set_name(name);
        }
    }

    /// Whether the thread is a daemon.
    pub fn is_daemon(&self) -> bool {
        // Relaxed: see the field's comment.
        self.0.daemon.load(Ordering::Relaxed)
    }

    /// Sets the daemon flag; only before `start` ([`Error::DaemonAfterStart`] after).
    pub fn set_daemon(&self, daemon: bool) -> Result<(), Error> {
        let state = self.state();
        if state.phase != Phase::New {
            return Err(Error::DaemonAfterStart);
        }
        self.0.daemon.store(daemon, Ordering::Relaxed);
        drop(state);
        Ok(())
    }

    /// Sets this thread's stack size in bytes (0: the process default); only before `start`.
    ///
    /// [`Error::StackSize`] below [`STACK_SIZE_MIN`], [`Error::WrongState`] after `start`.
    pub fn set_stack_size(&self, size: usize) -> Result<(), Error> {
        check_stack_size(size)?;
        let mut state = self.state();
        if state.phase != Phase::New {
            return Err(Error::WrongState);
        }
        state.stack_size = size;
        Ok(())
    }

    /// Python's `Timer.cancel()`: stops a timer ([`Thread::timer`]) that has not fired yet, so
    /// that its function never runs; harmless once it has fired, or when repeated. Returns false,
    /// doing nothing, if this thread is not a timer.
    pub fn cancel(&self) -> bool {
        self.0.cancel.as_ref().map(|cancel| cancel()).is_some()
    }

    /// Whether the thread has started and not yet finished.
    pub fn is_alive(&self) -> bool {
        self.state().phase == Phase::Running
    }

    /// Whether this thread was left behind by a `fork()` (see the module documentation).
    pub(crate) fn is_lost(&self) -> bool {
        // Relaxed: set in the child's fork handler, which runs before anything else in the
        // child's only thread.
        self.0.lost.load(Ordering::Relaxed)
    }

    /// Marks the main thread finished, waking its joiners: the exit-time wait does so before it
    /// waits (`exit.rs`).
    pub(super) fn stop(&self) {
        self.state().phase = Phase::Finished;
        self.0.changed.notify_all();
    }

    /// Whether `start` has been called (successfully).
    pub fn is_started(&self) -> bool {
        self.state().phase != Phase::New
    }

    /// Python's `Thread.ident`: the `pthread_t` as an integer, `None` before `start`.
    pub fn ident(&self) -> Option<u64> {
        self.state().ident
    }

    /// Python's `Thread.native_id`: the kernel's thread id, `None` before `start`.
    ///
    /// Right after `start` this may wait, briefly, for the new thread to report it. (Only a
    /// started thread reports it: `MainThread`'s, unknown when another thread asked for it
    /// first, stays unknown.)
    pub fn native_id(&self) -> Option<u64> {
        let mut state = self.state();
        while self.0.kind == Kind::Regular
            && state.phase == Phase::Running
            && state.native_id.is_none()
        {
            self.0.native.wait_locked(&mut state, Deadline::FOREVER);
        }
        state.native_id
    }

    /// A copy of the value the target returned, once the thread has finished.
    ///
    /// `Ok(None)` if the target panicked or returned another type, or for a cancelled timer;
    /// [`Error::WrongState`] if the thread has not finished.
    pub fn result<T: Any + Clone>(&self) -> Result<Option<T>, Error> {
        let state = self.state();
        if state.phase != Phase::Finished {
            return Err(Error::WrongState);
        }
        Ok(state
            .result
            .as_ref()
            .and_then(|r| r.downcast_ref::<T>())
            .cloned())
    }
}

impl std::fmt::Debug for Thread {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let state = self.state();
        let status = match (self.0.kind, state.phase) {
            (_, Phase::New) => "initial",
            (_, Phase::Finished) => "stopped",
            _ if self.is_daemon() => "started daemon",
            _ => "started",
        };
        write!(f, "<Thread({}, {status})>", state.name)
    }
}

pub(super) fn check_stack_size(size: usize) -> Result<(), Error> {
    if size != 0 && size < STACK_SIZE_MIN {
        return Err(Error::StackSize);
    }
    Ok(())
}
