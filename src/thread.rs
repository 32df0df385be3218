//! `Thread`: Python's `threading.Thread` and the module-level functions about threads.
//!
//! Every thread weft starts is in a process-wide registry while it runs, which gives
//! `enumerate()`, `active_count()` and the exit-time wait: when the process exits normally
//! (`main` returns or `exit()` is called), an `atexit` hook waits for every running non-daemon
//! thread, as CPython does at interpreter exit. Daemon threads are abandoned. Before that wait, the
//! hook runs the callbacks registered with `register_atexit` (thread pools shut down there).
//! The hook is installed when the first thread is started or the first callback registered.
//!
//! Threads weft did not create get a stand-in object the first time they ask for
//! [`current`]: the process's initial thread is `MainThread`; any other is `Dummy-N`, a daemon
//! that leaves the registry when the OS thread exits.
//!
//! `fork()`: only the forking thread exists in the child. Fork handlers (armed with the registry)
//! hold the registry's lock across the fork, so the child never inherits it half-updated or held
//! by a thread it does not have; in the child they drop every other thread from the registry
//! and mark it lost: not alive, joined at once, not waited for at exit. (The forking thread's
//! `native_id` is the parent's. A lock that another thread held or waited for at the fork stays
//! unusable in the child, as with any POSIX lock.)

use std::any::Any;
use std::cell::{Cell, RefCell};
use std::panic::{self, AssertUnwindSafe};
use std::sync::{Arc, OnceLock};

use crate::Error;
use crate::fork;
use crate::local;
use crate::loom::atomic::{AtomicBool, AtomicUsize, Ordering};
use crate::loom::{Mutex, MutexGuard};
use crate::os::{self, OsThread};
use crate::park::Condvar;
use crate::timeout::{Deadline, Timeout};

/// The smallest stack size accepted, as in CPython (`THREAD_STACK_MIN`).
pub const STACK_SIZE_MIN: usize = 32 * 1024;

/// What a started thread runs; the value it gives, if any, is kept for [`Thread::result`].
pub(crate) type Target = Box<dyn FnOnce() -> Option<Box<dyn Any + Send>> + Send>;

/// What [`Thread::cancel`] calls: set for timers only (`timer.rs`).
pub(crate) type Cancel = Box<dyn Fn() + Send + Sync>;

/// A thread of execution, configured before `start` and joinable any number of times from any
/// number of threads. Cloning gives another handle to the same thread.
#[derive(Clone)]
pub struct Thread(Arc<Inner>);

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    /// Created with [`Thread::new`].
    Regular,
    /// The process's initial thread.
    Main,
    /// A thread weft did not create.
    Dummy,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Phase {
    New,
    Running,
    Finished,
}

struct Inner {
    kind: Kind,
    /// Set, in a child made by `fork()`, on every thread but the one that forked: the thread
    /// does not exist there. Read before `state`, whose lock such a thread may have held.
    lost: AtomicBool,
    /// Written only before `start` (under `state`), read freely after: `start` and the registry
    /// mutex order the last write before every read that matters.
    daemon: AtomicBool,
    target: Mutex<Option<Target>>,
    /// A timer's cancel hook; `None` for every other thread.
    cancel: Option<Cancel>,
    state: Mutex<State>,
    /// Notified when `phase` changes (the thread finished, or failed to start).
    changed: Condvar,
    /// Notified when `native_id` becomes known (and when a start fails), apart from `changed`
    /// so that a joiner is not woken for nothing by a thread that has just started.
    native: Condvar,
}

struct State {
    phase: Phase,
    name: String,
    stack_size: usize,
    ident: Option<u64>,
    native_id: Option<u64>,
    /// Set while the OS thread exists and may be renamed; cleared (under this lock) before the
    /// thread exits, so renaming never touches a dead `pthread_t`.
    os: Option<OsThread>,
    result: Option<Box<dyn Any + Send>>,
}

struct Registry {
    /// Started, unfinished threads and live dummies, in start order.
    alive: Vec<Thread>,
}

static REGISTRY: Mutex<Registry> = Mutex::new(Registry { alive: Vec::new() });
/// Notified whenever a thread leaves the registry.
static REGISTRY_CHANGED: Condvar = Condvar::new();
/// Numbers the default names `Thread-N` and `Dummy-N`, shared as in CPython.
static NAME_COUNTER: AtomicUsize = AtomicUsize::new(0);
/// The stack size for threads started from now on (`stack_size()`), 0 for the default.
static STACK_SIZE: AtomicUsize = AtomicUsize::new(0);
static MAIN: OnceLock<Thread> = OnceLock::new();
static EXIT_HOOK: os::Hook = os::Hook::new();
static FORK_HOOK: os::Hook = os::Hook::new();
/// Set in a child made by `fork()` from a thread other than the process's initial thread, which
/// does not exist there: `MainThread` is then lost (see `Inner::lost`).
static MAIN_LOST: AtomicBool = AtomicBool::new(false);

/// The calling thread's object, dropped (and, for a dummy, unregistered) when the thread exits.
struct CurrentSlot(RefCell<Option<Thread>>);

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
    static CURRENT: CurrentSlot = const { CurrentSlot(RefCell::new(None)) };
    /// In a thread weft started, the address of its `Inner`, by which [`current`] finds it in
    /// the registry; 0 elsewhere. Without a destructor, setting it registers nothing.
    static STARTED: Cell<usize> = const { Cell::new(0) };
}

/// The next default name with this prefix (`Thread-1`, `Dummy-2`, ...).
pub fn new_name(prefix: &str) -> String {
    // Relaxed: only uniqueness matters, which fetch_add gives under any ordering.
    let mut n = NAME_COUNTER.fetch_add(1, Ordering::Relaxed) + 1;
    // The decimal digits, last first, without the formatting machinery (this is on the path
    // of every thread start).
    let mut digits = [0u8; 20];
    let mut len = 0;
    loop {
        digits[len] = b'0' + (n % 10) as u8;
        len += 1;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    let mut name = String::with_capacity(prefix.len() + 1 + len);
    name.push_str(prefix);
    name.push('-');
    name.extend(digits[..len].iter().rev().map(|&d| char::from(d)));
    name
}

impl Thread {
    /// A new thread that will run `target` once started, named `Thread-N`, daemon if the
    /// creating thread is a daemon (as in Python). The value `target` returns is kept for
    /// [`Thread::result`].
    pub fn new<F, R>(target: F) -> Thread
    where
        F: FnOnce() -> R + Send + 'static,
        R: Any + Send,
    {
        Thread::with_target(new_name("Thread"), target)
    }

    /// A new thread named `name` (Python's `Thread(name=name, target=target)`); otherwise as
    /// [`Thread::new`]. As in Python, it takes no number from the `Thread-N` sequence, so the
    /// next unnamed thread still gets the next number.
    pub fn named<F, R>(name: &str, target: F) -> Thread
    where
        F: FnOnce() -> R + Send + 'static,
        R: Any + Send,
    {
        Thread::with_target(name.to_owned(), target)
    }

    /// A thread running foreign (C) code: like [`Thread::named`] (or [`Thread::new`] without a
    /// name), but nothing catches unwinding around `target`, so C code may end the thread with
    /// `pthread_exit()`; the thread is then finished without a result. `target` must not panic.
    pub(crate) fn foreign<F, R>(name: Option<&str>, target: F) -> Thread
    where
        F: FnOnce() -> R + Send + 'static,
        R: Any + Send,
    {
        let name = name.map_or_else(|| new_name("Thread"), str::to_owned);
        let target: Target = Box::new(move || Some(Box::new(target()) as Box<dyn Any + Send>));
        Thread::regular(name, target, None)
    }

    fn with_target<F, R>(name: String, target: F) -> Thread
    where
        F: FnOnce() -> R + Send + 'static,
        R: Any + Send,
    {
        Thread::regular(name, catching(target), None)
    }

    /// A new thread named `name` running `target`, daemon if the creating thread is; `cancel`,
    /// if given, is what [`Thread::cancel`] calls.
    pub(crate) fn regular(name: String, target: Target, cancel: Option<Cancel>) -> Thread {
        Thread::with_kind(
            Kind::Regular,
            name,
            current().is_daemon(),
            Some(target),
            cancel,
        )
    }

    fn with_kind(
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
        Thread(Arc::new(Inner {
            kind,
            lost: AtomicBool::new(false),
            daemon: AtomicBool::new(daemon),
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
        }))
    }

    fn state(&self) -> MutexGuard<'_, State> {
        self.0.state.lock()
    }

    /// Whether two handles name the same thread.
    pub fn ptr_eq(&self, other: &Thread) -> bool {
        Arc::ptr_eq(&self.0, &other.0)
    }

    /// The address of the shared state: names the thread while a handle to it exists.
    fn key(&self) -> usize {
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

    /// Starts the thread; [`Error::AlreadyStarted`] the second time.
    ///
    /// If the OS cannot create the thread, [`Error::CantStartThread`] is returned and the thread
    /// may be started again later.
    pub fn start(&self) -> Result<(), Error> {
        let mut state = self.state();
        if state.phase != Phase::New || self.0.kind != Kind::Regular {
            return Err(Error::AlreadyStarted);
        }
        state.phase = Phase::Running;
        let stack_size = match state.stack_size {
            // Relaxed: a configuration value with no data behind it.
            0 => STACK_SIZE.load(Ordering::Relaxed),
            size => size,
        };
        drop(state);

        install_exit_hook();
        register(self);

        let me = self.clone();
        match os::spawn(stack_size, Box::new(move || me.run())) {
            Ok(os) => {
                let mut state = self.state();
                state.ident.get_or_insert(os.ident());
                Ok(())
            }
            Err(_) => {
                // Back to New, waking any thread that began joining meanwhile (it then reports
                // NotStarted) or asking for the native id; the thread may be started again.
                self.leave_registry(Phase::New, None);
                self.0.native.notify_all();
                Err(Error::CantStartThread)
            }
        }
    }

    /// The body of a started thread.
    fn run(self) {
        let os = os::current();
        {
            let mut state = self.state();
            state.os = Some(os);
            state.ident = Some(os.ident());
            state.native_id = Some(os::native_id());
            os.set_name(&state.name);
        }
        self.0.native.notify_all();
        // A thread-local is always accessible at the start of the thread.
        STARTED.with(|started| started.set(self.key()));

        /// Finishes the thread however its target ends: by returning, or torn down by a forced
        /// unwind (`pthread_exit()`, which CPython calls on daemon threads at interpreter
        /// shutdown), which runs this destructor on its way out.
        struct Finish(Thread, Option<Box<dyn Any + Send>>);
        impl Drop for Finish {
            fn drop(&mut self) {
                // Joiners see the thread's `Local` values already destroyed.
                local::release_thread_values();
                self.0.finish(self.1.take());
            }
        }
        let mut finish = Finish(self.clone(), None);
        let target = self.0.target.lock().take();
        // No catch_unwind here: it would turn a forced unwind into an abort. Targets made from
        // Rust closures catch their own panics (`catching`).
        finish.1 = target.and_then(|target| target());
    }

    /// Leaves the registry, then marks the thread finished and wakes its joiners: once `join`
    /// returns, `enumerate()` and `active_count()` no longer count the thread, as in CPython.
    fn finish(&self, result: Option<Box<dyn Any + Send>>) {
        self.leave_registry(Phase::Finished, result);
    }

    /// Takes the thread out of the registry and moves it to `phase` in one step, under the
    /// registry lock (lock order: registry, then state), so that `enumerate`, `shutdown`,
    /// `is_alive` and `join` never disagree: a joined thread is no longer listed, and a thread
    /// `shutdown` stopped waiting for is no longer alive. Wakes everyone waiting on either.
    fn leave_registry(&self, phase: Phase, result: Option<Box<dyn Any + Send>>) {
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

    /// Waits for the thread to finish, at most `timeout`; returns whether it has finished.
    ///
    /// [`Error::NotStarted`] before `start`, [`Error::JoinCurrent`] on the calling thread,
    /// [`Error::WrongState`] for a dummy thread (CPython: "cannot join a dummy thread").
    pub fn join(&self, timeout: Timeout) -> Result<bool, Error> {
        if self.is_lost() {
            return Ok(true);
        }
        if self.state().phase == Phase::New {
            return Err(Error::NotStarted);
        }
        if self.ptr_eq(&current()) {
            return Err(Error::JoinCurrent);
        }
        if self.0.kind == Kind::Dummy {
            return Err(Error::WrongState);
        }
        let deadline = timeout.deadline();
        let mut state = self.state();
        loop {
            match state.phase {
                Phase::Finished => return Ok(true),
                // Its start failed while we waited.
                Phase::New => return Err(Error::NotStarted),
                Phase::Running => {}
            }
            if !self.0.changed.wait_locked(&mut state, deadline) {
                return Ok(state.phase == Phase::Finished);
            }
        }
    }

    /// Python's `Timer.cancel()`: stops a timer ([`Thread::timer`]) that has not fired yet, so
    /// that its function never runs; harmless once it has fired, or when repeated. Returns false,
    /// doing nothing, if this thread is not a timer.
    pub fn cancel(&self) -> bool {
        self.0.cancel.as_ref().map(|cancel| cancel()).is_some()
    }

    /// Whether the thread has started and not yet finished.
    pub fn is_alive(&self) -> bool {
        !self.is_lost() && self.state().phase == Phase::Running
    }

    /// Whether this thread was left behind by a `fork()` (see the module documentation).
    fn is_lost(&self) -> bool {
        // Relaxed: both are set in the child's fork handler, which runs before anything else in
        // the child's only thread.
        self.0.lost.load(Ordering::Relaxed)
            || (self.0.kind == Kind::Main && MAIN_LOST.load(Ordering::Relaxed))
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

/// A target running `f`, which reports a panic as CPython's `excepthook` reports an uncaught
/// exception ("Exception in thread NAME:") and then ends the thread without a result.
pub(crate) fn catching<F, R>(f: F) -> Target
where
    F: FnOnce() -> R + Send + 'static,
    R: Any + Send,
{
    Box::new(move || match panic::catch_unwind(AssertUnwindSafe(f)) {
        Ok(result) => Some(Box::new(result) as Box<dyn Any + Send>),
        Err(payload) => {
            let message = payload
                .downcast_ref::<&str>()
                .copied()
                .or_else(|| payload.downcast_ref::<String>().map(String::as_str))
                .unwrap_or("a panic with a non-string payload");
            eprintln!(
                "Exception in thread {}:\npanic: {message}",
                current().name()
            );
            None
        }
    })
}

fn check_stack_size(size: usize) -> Result<(), Error> {
    if size != 0 && size < STACK_SIZE_MIN {
        return Err(Error::StackSize);
    }
    Ok(())
}

/// Python's `threading.current_thread()`: the calling thread's object, made on first use for a
/// thread weft did not start (`MainThread` or `Dummy-N`).
pub fn current() -> Thread {
    // Called while this thread's thread-locals are being destroyed, or in a thread weft started
    // once it has left the registry (only its other thread-locals' destructors run then): a
    // stand-in that is never registered (nothing would unregister it).
    let stand_in = || Thread::with_kind(Kind::Dummy, new_name("Dummy"), true, None, None);
    CURRENT
        .try_with(|slot| {
            if let Some(thread) = slot.0.borrow().as_ref() {
                return thread.clone();
            }
            let thread = match STARTED.with(Cell::get) {
                // In a child forked from another thread, the forking thread is the child's
                // initial thread to the OS (its id is the pid) but not `MainThread`, which is
                // lost. Relaxed: see `Thread::is_lost`.
                0 if os::is_process_main_thread() && !MAIN_LOST.load(Ordering::Relaxed) => {
                    main_thread()
                }
                0 => new_dummy(),
                started => match started_here(&REGISTRY.lock(), started) {
                    Some(thread) => thread,
                    None => return stand_in(),
                },
            };
            *slot.0.borrow_mut() = Some(thread.clone());
            thread
        })
        .unwrap_or_else(|_| stand_in())
}

/// The registered thread whose key (`Thread::key`) is `started`.
fn started_here(registry: &Registry, started: usize) -> Option<Thread> {
    registry.alive.iter().find(|t| t.key() == started).cloned()
}

fn new_dummy() -> Thread {
    let thread = Thread::with_kind(Kind::Dummy, new_name("Dummy"), true, None, None);
    register(&thread);
    thread
}

/// Adds a thread to the registry, arming the fork handlers the first time.
fn register(thread: &Thread) {
    os::at_fork(
        &FORK_HOOK,
        Some(before_fork),
        Some(after_fork_in_parent),
        after_fork_in_child,
    );
    REGISTRY.lock().alive.push(thread.clone());
}

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

/// Python's `threading.main_thread()`: the process's initial thread, named `MainThread`.
///
/// Its `ident` and `native_id` are those of the thread that first asks for it, if that is the
/// initial thread; asked from another thread first, they stay unknown until the initial thread
/// calls into weft.
pub fn main_thread() -> Thread {
    if let Some(main) = MAIN.get() {
        return main.clone();
    }
    // Made outside `get_or_init`, which only stores it: a child forked while another thread is
    // inside `get_or_init` would find it "running" for ever, so the window is kept to a move.
    let made = Thread::with_kind(Kind::Main, "MainThread".to_owned(), false, None, None);
    if !os::is_process_main_thread() {
        let mut state = made.state();
        state.ident = None;
        state.native_id = None;
    }
    MAIN.get_or_init(|| made).clone()
}

/// Python's `threading.enumerate()`: the main thread, then every alive thread.
pub fn enumerate() -> Vec<Thread> {
    let main = main_thread();
    let registry = REGISTRY.lock();
    std::iter::once(main)
        .filter(|main| !main.is_lost())
        .chain(registry.alive.iter().cloned())
        .collect()
}

/// Python's `threading.active_count()`: `enumerate().len()`.
pub fn active_count() -> usize {
    // Relaxed: see `Thread::is_lost`.
    usize::from(!MAIN_LOST.load(Ordering::Relaxed)) + REGISTRY.lock().alive.len()
}

/// Python's `threading.get_ident()`.
pub fn get_ident() -> u64 {
    os::current().ident()
}

/// Python's `threading.get_native_id()`.
pub fn get_native_id() -> u64 {
    os::native_id()
}

/// Python's `threading.stack_size([size])`: sets the stack size for threads started from now
/// on (0: the default) when `size` is given, and returns the previous setting.
pub fn stack_size(size: Option<usize>) -> Result<usize, Error> {
    // Relaxed: a configuration value with no data behind it.
    match size {
        None => Ok(STACK_SIZE.load(Ordering::Relaxed)),
        Some(size) => {
            check_stack_size(size)?;
            Ok(STACK_SIZE.swap(size, Ordering::Relaxed))
        }
    }
}

/// Waits until no non-daemon thread other than the caller is running, at most `timeout`;
/// returns how many are still running (0 when all finished).
///
/// This is what the process does by itself at exit; call it to do the same earlier, or with a
/// limit.
pub fn shutdown(timeout: Timeout) -> usize {
    // The caller is recognised by its ident, not by `current()`: when a thread calls `exit()`,
    // glibc destroys its thread-locals before running the exit hook that calls this.
    let me = get_ident();
    let deadline = timeout.deadline();
    let mut registry = REGISTRY.lock();
    loop {
        let pending = registry
            .alive
            .iter()
            .filter(|t| !t.is_daemon() && t.ident() != Some(me))
            .count();
        if pending == 0 || deadline.expired() {
            return pending;
        }
        REGISTRY_CHANGED.wait_locked(&mut registry, deadline);
    }
}

/// Callbacks the exit hook runs before it waits for the non-daemon threads.
struct AtExit {
    callbacks: Vec<Box<dyn FnOnce() + Send>>,
    /// Set once the exit hook has taken the callbacks; later registrations are refused.
    running: bool,
}

static AT_EXIT: Mutex<AtExit> = Mutex::new(AtExit {
    callbacks: Vec::new(),
    running: false,
});

/// Registers `callback` to run when the process exits normally, before weft waits for the
/// non-daemon threads (CPython's `threading._register_atexit`, which `concurrent.futures` uses to
/// shut its thread pools down so that their idle workers do not keep the process alive).
/// Callbacks run in the exiting thread, the last registered first.
///
/// [`Error::WrongState`] once the exit has begun (CPython: "can't register atexit after
/// shutdown").
pub(crate) fn register_atexit(callback: impl FnOnce() + Send + 'static) -> Result<(), Error> {
    let mut at_exit = AT_EXIT.lock();
    if at_exit.running {
        return Err(Error::WrongState);
    }
    install_exit_hook();
    at_exit.callbacks.push(Box::new(callback));
    Ok(())
}

fn install_exit_hook() {
    os::at_exit(&EXIT_HOOK, wait_at_exit);
}

/// Harmless twice (see `os::Hook`): the second run finds no callbacks and no thread to wait for.
extern "C" fn wait_at_exit() {
    let callbacks = {
        let mut at_exit = AT_EXIT.lock();
        at_exit.running = true;
        std::mem::take(&mut at_exit.callbacks)
    };
    // A panic must not unwind into libc's exit(); there is nobody to report it to. One failing
    // callback does not keep the others from running.
    for callback in callbacks.into_iter().rev() {
        let _ = panic::catch_unwind(AssertUnwindSafe(callback));
    }
    let _ = panic::catch_unwind(|| shutdown(Timeout::Forever));
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Regression: `finish` used to wake joiners before leaving the registry, so right after
    /// `join` returned, `enumerate()` often still listed the finished thread.
    #[test]
    fn a_joined_thread_is_not_enumerated() {
        for _ in 0..1000 {
            let t = Thread::new(|| ());
            t.start().unwrap();
            assert_eq!(t.join(Timeout::Forever), Ok(true));
            assert!(!enumerate().iter().any(|e| e.ptr_eq(&t)));
        }
    }
}
