//! Python's module-level functions about threads (`current_thread()`, `enumerate()`, ...).

use std::cell::Cell;

use super::at_fork;
use super::handle::{Kind, Thread, check_stack_size};
use super::registry::{CURRENT, REGISTRY, Registry, STARTED, started_here};
use crate::Error;
use crate::loom::atomic::{AtomicUsize, Ordering};
use crate::os;

/// Numbers the default names `Thread-N` and `Dummy-N`, shared as in CPython.
static NAME_COUNTER: AtomicUsize = AtomicUsize::new(0);

/// The stack size for threads started from now on (`stack_size()`), 0 for the default.
pub(super) static STACK_SIZE: AtomicUsize = AtomicUsize::new(0);

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

/// Python's `threading.current_thread()`: the calling thread's object, made on first use for a
/// thread weft did not start (`MainThread` or `Dummy-N`).
///
/// The process's initial thread is `MainThread` for its whole life, also once its thread-locals
/// are destroyed: glibc destroys them when `exit()` begins, before the `atexit` handlers run.
pub fn current() -> Thread {
    // Called while this thread's thread-locals are being destroyed, or in a thread weft started
    // once it has left the registry (only its other thread-locals' destructors run then): a
    // stand-in that is never registered (nothing would unregister it).
    let stand_in = || {
        main_if_initial()
            .unwrap_or_else(|| Thread::with_kind(Kind::Dummy, new_name("Dummy"), true, None, None))
    };
    CURRENT
        .try_with(|slot| {
            if let Some(thread) = slot.0.borrow().as_ref() {
                return thread.clone();
            }
            let thread = match STARTED.with(Cell::get) {
                0 => main_if_initial().unwrap_or_else(new_dummy),
                started => {
                    // Unlocked before `stand_in`, which may lock it again (`main_thread`): in a
                    // child made by `fork()`, the thread that forked is the initial thread.
                    let registered = started_here(&REGISTRY.lock(), started);
                    match registered {
                        Some(thread) => thread,
                        None => return stand_in(),
                    }
                }
            };
            *slot.0.borrow_mut() = Some(thread.clone());
            thread
        })
        .unwrap_or_else(|_| stand_in())
}

/// `MainThread` if the calling thread is the process's initial thread, known by its id (the
/// pid), which needs no thread-local. (In a child made by `fork()`, the thread that forked is
/// the initial thread, and the main thread: see `at_fork.rs`.)
fn main_if_initial() -> Option<Thread> {
    os::is_process_main_thread().then(main_thread)
}

fn new_dummy() -> Thread {
    let thread = Thread::with_kind(Kind::Dummy, new_name("Dummy"), true, None, None);
    // A daemon: the exit-time wait is not concerned.
    let _ = register(&thread);
    thread
}

/// Adds a thread to the registry, arming the fork handlers the first time.
///
/// Returns true, once, for a non-daemon thread registered after the exit-time wait found nothing
/// left to wait for: the caller must have the wait run again (`exit::wait_again`).
pub(super) fn register(thread: &Thread) -> bool {
    at_fork::arm();
    let mut registry = REGISTRY.lock();
    registry.alive.push(thread.clone());
    !thread.is_daemon() && std::mem::take(&mut registry.exit_waited)
}

/// Python's `threading.main_thread()`: the process's initial thread, named `MainThread`.
///
/// Its `ident` and `native_id` are those of the thread that first asks for it, if that is the
/// initial thread; asked from another thread first, they stay unknown until the initial thread
/// calls into weft. In a child made by `fork()` from another thread, the main thread is the
/// thread that forked, as CPython's `threading._after_fork` makes it: that thread's own object if
/// weft started it, else a new `MainThread` (see `at_fork.rs`).
pub fn main_thread() -> Thread {
    main_in(&mut REGISTRY.lock())
}

/// [`main_thread`], with the registry locked: made on first use, under the registry's lock,
/// which the fork handlers hold across `fork()`, so a child never finds it half-made.
fn main_in(registry: &mut Registry) -> Thread {
    if let Some(main) = &registry.main {
        return main.clone();
    }
    let made = Thread::with_kind(Kind::Main, "MainThread".to_owned(), false, None, None);
    if !os::is_process_main_thread() {
        let mut state = made.state();
        state.ident = None;
        state.native_id = None;
    }
    registry.main = Some(made.clone());
    made
}

/// Python's `threading.enumerate()`: the main thread, then every other alive thread.
pub fn enumerate() -> Vec<Thread> {
    let mut registry = REGISTRY.lock();
    let main = main_in(&mut registry);
    let others = registry.alive.iter().filter(|t| !t.ptr_eq(&main)).cloned();
    std::iter::once(main.clone()).chain(others).collect()
}

/// Python's `threading.active_count()`: `enumerate().len()`.
pub fn active_count() -> usize {
    let registry = REGISTRY.lock();
    // The main thread, unless it is listed among the started threads (a child's, forked from
    // a thread weft started).
    let main = registry.main.as_ref();
    1 + registry
        .alive
        .iter()
        .filter(|t| !main.is_some_and(|m| m.ptr_eq(t)))
        .count()
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
