//! The exit-time wait: when the process exits normally, the callbacks registered with
//! [`register_atexit`] run, then every non-daemon thread is waited for ([`shutdown`]).

use std::panic::{self, AssertUnwindSafe};

use super::registry::{REGISTRY, REGISTRY_CHANGED};
use crate::Error;
use crate::loom::Mutex;
use crate::os;
use crate::timeout::Timeout;

static EXIT_HOOK: os::Hook = os::Hook::new();

/// Waits until no non-daemon thread other than the caller is running, at most `timeout`;
/// returns how many are still running (0 when all finished).
///
/// This is what the process does by itself at exit; call it to do the same earlier, or with a
/// limit.
pub fn shutdown(timeout: Timeout) -> usize {
    // The caller is recognised by its ident, not by `current()`: when a thread calls `exit()`,
    // glibc destroys its thread-locals before running the exit hook that calls this.
    let me = os::current().ident();
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

pub(super) fn install_exit_hook() {
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
