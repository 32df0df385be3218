//! The exit-time wait: when the process exits normally, the callbacks registered with
//! [`register_atexit`] run, then every non-daemon thread is waited for ([`shutdown`]).
//!
//! As CPython's `threading._shutdown()` does, the wait first marks the main thread finished when
//! it runs in the main thread (`main` returned or main called `exit()`), so that a thread joining
//! the main thread does not keep the process from exiting. A non-daemon thread started once the
//! wait is over (from an `atexit` handler registered before weft's, which runs after it) has the
//! wait run again ([`wait_again`]), as soon as the handler that started it returns.

use std::panic::{self, AssertUnwindSafe};
use std::sync::atomic::{AtomicBool, Ordering};

use super::functions::current;
use super::registry::{AT_EXIT, REGISTRY, REGISTRY_CHANGED};
use crate::Error;
use crate::os;
use crate::timeout::{Deadline, Timeout};

static EXIT_HOOK: os::Hook = os::Hook::new();
/// Whether the exit hook runs: see [`set_exit_wait`].
static EXIT_WAIT: AtomicBool = AtomicBool::new(true);

/// Whether the process's normal exit (`main` returns, `exit()`) shuts the thread pools down and
/// waits for the non-daemon threads (`true`, the default), or abandons them as it abandons
/// daemon threads (`false`), the rest of the exit going on as usual (other `atexit` handlers,
/// stdio flushed).
///
/// For a host that runs threads' code itself and stops running it before the C exit: the JVM
/// after its shutdown hooks, Ruby after its `at_exit` handlers. Such a host does the wait
/// earlier, while it still runs that code ([`shutdown`]), and turns this one off, so that a
/// thread stuck calling into the stopped host cannot hang the exit.
pub fn set_exit_wait(wait: bool) {
    // Relaxed: the flag publishes no data. A host sets it before the exit it is meant for, from
    // a thread the exiting one has synchronised with (a shutdown hook the JVM joined), or from
    // the exiting thread itself.
    EXIT_WAIT.store(wait, Ordering::Relaxed);
}

/// Waits until no non-daemon thread other than the caller is running, at most `timeout`;
/// returns how many are still running (0 when all finished).
///
/// This is what the process does by itself at exit; call it to do the same earlier, or with a
/// limit. Unlike the exit, it leaves the main thread running: called from the main thread, it
/// waits for a thread that joins the main thread until `timeout`.
pub fn shutdown(timeout: Timeout) -> usize {
    wait(timeout, false)
}

/// [`shutdown`]; `at_exit`: it is the exit-time wait, whose end (no thread left) is recorded in
/// the registry for `register`.
fn wait(timeout: Timeout, at_exit: bool) -> usize {
    // The caller is recognised by its ident, not by `current()`: when a thread calls `exit()`,
    // glibc destroys its thread-locals before running the exit hook that calls this.
    let me = os::current().ident();
    // The exit-time wait is weft's own: no cancellation token ends it.
    let deadline = if at_exit {
        Deadline::FOREVER
    } else {
        timeout.deadline()
    };
    let mut registry = REGISTRY.lock();
    loop {
        let pending = registry
            .alive
            .iter()
            .filter(|t| !t.is_daemon() && t.ident() != Some(me))
            .count();
        if pending == 0 && at_exit {
            registry.exit_waited = true;
        }
        if pending == 0 || deadline.expired() {
            return pending;
        }
        REGISTRY_CHANGED.wait_locked(&mut registry, deadline);
    }
}

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

/// Has the exit-time wait run again, for a non-daemon thread started after it (`register`
/// returned true): glibc runs a handler registered while the exit handlers run as soon as the
/// running one returns.
pub(super) fn wait_again() {
    os::at_exit_again(wait_at_exit);
}

/// Harmless twice (see `os::Hook`), and run again by [`wait_again`]: a later run finds no
/// callbacks, and marks the main thread finished again.
extern "C" fn wait_at_exit() {
    // Relaxed: see `set_exit_wait`.
    if !EXIT_WAIT.load(Ordering::Relaxed) {
        return;
    }
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
    let _ = panic::catch_unwind(|| {
        let me = current();
        let main = REGISTRY.lock().main.as_ref().is_some_and(|m| m.ptr_eq(&me));
        if main {
            me.stop();
        }
        wait(Timeout::Forever, true)
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};

    /// Forks, and returns the child's exit status (`None` if it did not exit normally) once it
    /// has run `child`, which must end the process; the child gets `seconds` before an alarm
    /// ends it.
    fn in_child(seconds: u32, child: impl FnOnce()) -> Option<i32> {
        // SAFETY: the child runs weft, std and libc calls only, and `child` ends it.
        let pid = unsafe { libc::fork() };
        if pid == 0 {
            // SAFETY: alarm is async-signal-safe; it turns a hang into a failure.
            unsafe { libc::alarm(seconds) };
            child();
            // SAFETY: _exit leaves at once; `child` should not return.
            unsafe { libc::_exit(99) };
        }
        assert!(pid > 0, "fork failed");
        let mut status = 0;
        // SAFETY: waits for the child made above.
        assert_eq!(unsafe { libc::waitpid(pid, &mut status, 0) }, pid);
        libc::WIFEXITED(status).then(|| libc::WEXITSTATUS(status))
    }

    /// Regression (issue 14): the list of exit callbacks was not held across `fork()`, so a
    /// child forked while another thread registered one could inherit its lock held, and hang in
    /// `exit()`, which runs the callbacks. Each round, in a process of its own (so that the
    /// callbacks do not pile up), threads register a burst of callbacks while it forks a child
    /// that only calls `exit()`.
    #[test]
    #[cfg_attr(miri, ignore = "Miri cannot fork")]
    fn a_child_forked_while_callbacks_are_registered_exits() {
        const ROUNDS: usize = 200;
        const THREADS: usize = 3;
        const BURST: usize = 4000;
        let round = || {
            let ready = Arc::new(AtomicUsize::new(0));
            let threads: Vec<_> = (0..THREADS)
                .map(|_| {
                    let ready = ready.clone();
                    std::thread::spawn(move || {
                        // Relaxed: a count, no data hangs on it.
                        ready.fetch_add(1, Ordering::Relaxed);
                        for _ in 0..BURST {
                            register_atexit(|| ()).unwrap();
                        }
                    })
                })
                .collect();
            while ready.load(Ordering::Relaxed) < THREADS {
                std::hint::spin_loop();
            }
            let exited = in_child(5, || std::process::exit(0));
            threads.into_iter().for_each(|t| t.join().unwrap());
            // SAFETY: leaves at once, without running the callbacks.
            unsafe { libc::_exit(i32::from(exited != Some(0))) };
        };
        let hung = (0..ROUNDS)
            .filter(|_| in_child(10, round) != Some(0))
            .count();
        assert_eq!(hung, 0, "children that hung in exit(), of {ROUNDS}");
    }
}
