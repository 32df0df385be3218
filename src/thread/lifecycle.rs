//! A thread's life: made, started, run, finished, joined.

use std::any::Any;
use std::mem::MaybeUninit;
use std::panic::{self, AssertUnwindSafe};
use std::sync::Arc;

use super::exit::{install_exit_hook, wait_again};
use super::functions::{STACK_SIZE, current, new_name, register};
use super::handle::{Cancel, Inner, Kind, Phase, Target, Thread};
use super::registry::STARTED;
use crate::Error;
use crate::local;
use crate::loom::atomic::Ordering;
use crate::os;
use crate::timeout::Timeout;

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
    #[cfg(feature = "capi")] // for the C API only
    pub(crate) fn foreign<F, R>(name: Option<&str>, target: F) -> Thread
    where
        F: FnOnce() -> R + Send + 'static,
        R: Any + Send,
    {
        let name = name.map_or_else(|| new_name("Thread"), str::to_owned);
        let slot = Box::new_uninit();
        let target = once(move || Some(keep(slot, target())));
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
        if register(self) {
            wait_again();
        }

        match os::spawn(stack_size, Arc::clone(&self.0)) {
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
        let mut target = self.0.target.lock().take();
        // No catch_unwind here: it would turn a forced unwind into an abort. Targets made from
        // Rust closures catch their own panics (`catching`).
        finish.1 = target.as_mut().and_then(|target| target());
        // The spent target goes back rather than being freed here: its box is freed with the
        // thread object, usually by the thread that made it, so that a thread whose target
        // allocates nothing calls neither malloc nor free (see `os::Body`).
        *self.0.target.lock() = target;
    }

    /// Waits for the thread to finish, at most `timeout`; returns whether it has finished.
    ///
    /// [`Error::NotStarted`] before `start`, [`Error::JoinCurrent`] on the calling thread,
    /// [`Error::WrongState`] for a dummy thread (CPython: "cannot join a dummy thread").
    pub fn join(&self, timeout: Timeout) -> Result<bool, Error> {
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
}

/// The thread body of a started thread object.
impl os::Body for Inner {
    fn run(self: Arc<Self>) {
        Thread(self).run();
    }
}

/// A [`Target`] that runs `f` the first time it is called and returns `None` after.
pub(crate) fn once<F>(f: F) -> Target
where
    F: FnOnce() -> Option<Box<dyn Any + Send>> + Send + 'static,
{
    let mut f = Some(f);
    Box::new(move || f.take().and_then(|f| f()))
}

/// `value` in `slot`, a box the target's maker allocated (`Box::new_uninit`) so that the
/// thread running the target does not (see `os::Body`).
fn keep<R: Any + Send>(mut slot: Box<MaybeUninit<R>>, value: R) -> Box<dyn Any + Send> {
    slot.write(value);
    // SAFETY: written just above.
    unsafe { slot.assume_init() }
}

/// A target running `f`, which reports a panic as CPython's `excepthook` reports an uncaught
/// exception ("Exception in thread NAME:") and then ends the thread without a result.
pub(crate) fn catching<F, R>(f: F) -> Target
where
    F: FnOnce() -> R + Send + 'static,
    R: Any + Send,
{
    let slot = Box::new_uninit();
    once(move || match panic::catch_unwind(AssertUnwindSafe(f)) {
        Ok(result) => Some(keep(slot, result)),
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::thread::enumerate;

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
