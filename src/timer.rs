//! `Timer`: Python's `threading.Timer`, a thread that calls a function after an interval unless
//! cancelled first.
//!
//! A timer is a [`Thread`] in every other way (named `Thread-N`, started, joined, renamed, a
//! non-daemon unless made otherwise), made by [`Thread::timer`] and stopped by
//! [`Thread::cancel`]. As in CPython, the thread waits on a flag that `cancel` sets, for at most
//! the interval, and calls the function only if the flag is still clear when the wait ends.

use std::any::Any;
use std::sync::Arc;
use std::time::Duration;

use crate::sync::Event;
use crate::thread::{self, Thread};
use crate::timeout::Timeout;

impl Thread {
    /// Python's `threading.Timer(interval, function)`: a thread that, once started, waits
    /// `interval` and then calls `function`, unless [`Thread::cancel`] was called first (before
    /// or after `start`). The value `function` returns is kept for [`Thread::result`]; a
    /// cancelled timer has none.
    pub fn timer<F, R>(interval: Duration, function: F) -> Thread
    where
        F: FnOnce() -> R + Send + 'static,
        R: Any + Send,
    {
        // CPython's `Timer.finished`: set by `cancel`, waited on by the timer thread.
        let finished = Arc::new(Event::new());
        let hook = Arc::clone(&finished);
        let mut function = thread::catching(function);
        let target = thread::once(move || {
            if finished.wait(Timeout::After(interval)) {
                return None;
            }
            let result = function();
            finished.set();
            result
        });
        Thread::regular(
            thread::new_name("Thread"),
            target,
            Some(Box::new(move || hook.set())),
        )
    }
}

#[cfg(test)]
mod tests {
    use std::sync::mpsc;
    use std::time::Instant;

    use super::*;

    const LONG: Duration = Duration::from_secs(3600);
    /// Long enough for any timer here to finish: a broken cancel fails instead of hanging.
    const FINISH: Timeout = Timeout::After(Duration::from_secs(10));

    #[test]
    fn fires_after_at_least_its_interval() {
        let interval = Duration::from_millis(50);
        let started = Instant::now();
        let timer = Thread::timer(interval, move || started.elapsed());
        timer.start().unwrap();
        assert!(timer.join(Timeout::Forever).unwrap());
        let waited: Duration = timer.result().unwrap().expect("the timer fired");
        assert!(waited >= interval, "fired early, after {waited:?}");
    }

    #[test]
    fn cancelled_while_waiting_never_runs() {
        let (tx, rx) = mpsc::channel();
        let timer = Thread::timer(LONG, move || tx.send(()).unwrap());
        timer.start().unwrap();
        assert!(timer.cancel());
        assert!(timer.join(FINISH).unwrap());
        // The function (and the sender it owns) was dropped without being called.
        assert_eq!(rx.recv(), Err(mpsc::RecvError));
        assert_eq!(timer.result::<()>(), Ok(None));
    }

    #[test]
    fn cancelled_before_start_never_runs() {
        let (tx, rx) = mpsc::channel();
        let timer = Thread::timer(Duration::ZERO, move || tx.send(()).unwrap());
        assert!(timer.cancel());
        timer.start().unwrap();
        assert!(timer.join(Timeout::Forever).unwrap());
        assert_eq!(rx.recv(), Err(mpsc::RecvError));
    }

    #[test]
    fn cancel_after_firing_and_twice_is_harmless() {
        let timer = Thread::timer(Duration::ZERO, || 7_u32);
        timer.start().unwrap();
        assert!(timer.join(Timeout::Forever).unwrap());
        assert!(timer.cancel());
        assert!(timer.cancel());
        assert_eq!(timer.result::<u32>(), Ok(Some(7)));
    }

    #[test]
    fn is_a_thread_in_every_other_way() {
        let timer = Thread::timer(LONG, || ());
        assert!(timer.name().starts_with("Thread-"), "{}", timer.name());
        // Daemon as its creator is, as every thread (test threads are daemon stand-ins).
        assert_eq!(timer.is_daemon(), thread::current().is_daemon());
        assert_eq!(timer.join(Timeout::Forever), Err(crate::Error::NotStarted));
        timer.set_name("t1");
        timer.set_daemon(true).unwrap(); // a failed test must not wait an hour at exit
        timer.start().unwrap();
        assert!(timer.is_alive());
        assert_eq!(timer.start(), Err(crate::Error::AlreadyStarted));
        assert!(!timer.join(Timeout::After(Duration::ZERO)).unwrap());
        assert!(timer.cancel());
        assert!(timer.join(FINISH).unwrap());
        assert!(!timer.is_alive());
        assert_eq!(timer.name(), "t1");
    }

    #[test]
    fn a_plain_thread_is_not_a_timer() {
        let thread = Thread::new(|| ());
        assert!(!thread.cancel());
        assert!(!thread::current().cancel());
    }
}
