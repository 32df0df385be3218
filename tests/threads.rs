//! Core behaviour of `Thread` and the module-level thread functions.

mod common;

use std::sync::Arc;
use std::sync::mpsc;
use std::time::{Duration, Instant};

use weft::thread::{self, Thread};
use weft::{Error, Lock, Timeout};

const NOW: Timeout = Timeout::After(Duration::ZERO);

/// A lock held by the test, which the thread under test waits for: the thread stays alive,
/// deterministically, until the test releases it.
fn gate() -> Arc<Lock> {
    let gate = Arc::new(Lock::new());
    assert!(gate.acquire(Timeout::Forever));
    gate
}

fn blocked_on(gate: &Arc<Lock>) -> Thread {
    let gate = gate.clone();
    Thread::new(move || {
        assert!(gate.acquire(Timeout::Forever));
        gate.release().unwrap();
    })
}

#[test]
fn runs_once_and_returns_its_value() {
    let t = Thread::new(|| 41 + 1);
    assert!(!t.is_alive() && !t.is_started());
    assert_eq!(t.ident(), None);
    assert_eq!(t.result::<i32>(), Err(Error::WrongState));
    t.start().unwrap();
    assert_eq!(t.start(), Err(Error::AlreadyStarted));
    assert_eq!(
        Error::AlreadyStarted.to_string(),
        "threads can only be started once"
    );
    assert!(t.join(Timeout::Forever).unwrap());
    assert!(!t.is_alive());
    assert_eq!(t.result::<i32>(), Ok(Some(42)));
    assert_eq!(t.result::<String>(), Ok(None), "another type");
    assert!(t.ident().is_some() && t.native_id().is_some());
    // Joining a finished thread again, any number of times.
    assert!(t.join(NOW).unwrap());
}

#[test]
fn join_errors() {
    let t = Thread::new(|| ());
    assert_eq!(t.join(Timeout::Forever), Err(Error::NotStarted));
    let (tx, rx) = mpsc::channel();
    let me = Thread::new(move || {
        let me = thread::current();
        tx.send(me.join(Timeout::Forever)).unwrap();
    });
    me.start().unwrap();
    assert_eq!(rx.recv().unwrap(), Err(Error::JoinCurrent));
    assert!(me.join(Timeout::Forever).unwrap());
}

#[test]
fn timed_join_returns_while_alive() {
    let gate = gate();
    let t = blocked_on(&gate);
    t.start().unwrap();
    let start = Instant::now();
    assert!(!t.join(Timeout::After(Duration::from_millis(20))).unwrap());
    assert!(start.elapsed() >= Duration::from_millis(20));
    assert!(t.is_alive());
    gate.release().unwrap();
    assert!(t.join(Timeout::Forever).unwrap());
}

#[test]
fn many_joiners_all_return() {
    let gate = gate();
    let t = blocked_on(&gate);
    t.start().unwrap();
    let joiners: Vec<_> = (0..4)
        .map(|_| {
            let t = t.clone();
            std::thread::spawn(move || t.join(Timeout::Forever))
        })
        .collect();
    gate.release().unwrap();
    for j in joiners {
        assert_eq!(j.join().unwrap(), Ok(true));
    }
}

#[test]
fn names_and_daemon_flag() {
    let t = Thread::new(|| thread::current().name());
    assert!(t.name().starts_with("Thread-"));
    // Test threads are not weft threads: their stand-ins are daemons, and so are their children.
    assert!(t.is_daemon(), "inherits the creating thread's flag");
    t.set_name("worker");
    t.set_daemon(true).unwrap();
    t.start().unwrap();
    assert_eq!(t.set_daemon(false), Err(Error::DaemonAfterStart));
    assert!(t.join(Timeout::Forever).unwrap());
    assert_eq!(t.result::<String>().unwrap().as_deref(), Some("worker"));
    assert!(t.is_daemon());
    // A non-daemon weft thread creates non-daemon threads.
    let parent = Thread::new(|| Thread::new(|| ()).is_daemon());
    parent.set_daemon(false).unwrap();
    parent.start().unwrap();
    parent.join(Timeout::Forever).unwrap();
    assert_eq!(parent.result::<bool>(), Ok(Some(false)));
}

#[test]
fn default_names_count_up() {
    let a = Thread::new(|| ()).name();
    let b = Thread::new(|| ()).name();
    let n = |s: &str| s.strip_prefix("Thread-").unwrap().parse::<usize>().unwrap();
    assert!(n(&b) > n(&a));
}

#[test]
#[cfg_attr(miri, ignore = "reads /proc, which Miri's isolation forbids")]
fn os_name_follows_renames_cut_at_a_char_boundary() {
    let (tx, rx) = mpsc::channel();
    let gate = gate();
    let t = {
        let gate = gate.clone();
        Thread::new(move || {
            let comm = || {
                let tid = thread::get_native_id();
                std::fs::read_to_string(format!("/proc/self/task/{tid}/comm")).unwrap()
            };
            tx.send(comm()).unwrap();
            assert!(gate.acquire(Timeout::Forever));
            comm()
        })
    };
    t.set_name("first");
    t.start().unwrap();
    assert_eq!(rx.recv().unwrap().trim_end(), "first");
    // 14 ASCII bytes then a 2-byte character: the cut at 15 bytes must drop the character.
    t.set_name("abcdefghijklmné-tail");
    gate.release().unwrap();
    t.join(Timeout::Forever).unwrap();
    assert_eq!(
        t.result::<String>().unwrap().unwrap().trim_end(),
        "abcdefghijklmn"
    );
    assert_eq!(t.name(), "abcdefghijklmné-tail");
}

#[test]
fn current_main_and_dummy_threads() {
    let main = thread::main_thread();
    assert_eq!(main.name(), "MainThread");
    assert!(main.is_alive());
    // A std thread is not a weft thread: it gets a daemon Dummy-N that lives while it does.
    let (name, daemon, same, listed) = std::thread::spawn(|| {
        let me = thread::current();
        let listed = thread::enumerate().iter().any(|t| t.ptr_eq(&me));
        (
            me.name(),
            me.is_daemon(),
            me.ptr_eq(&thread::current()),
            listed,
        )
    })
    .join()
    .unwrap();
    assert!(name.starts_with("Dummy-"), "{name}");
    assert!(daemon && same && listed);
}

/// Regression: asked from another thread first, `MainThread`'s ids are unknown, and
/// `native_id` waited for ever for the main thread to report its own.
#[test]
fn main_thread_ids_unknown_when_asked_from_another_thread() {
    // Tests run outside the process's initial thread; skip if this one is it.
    if thread::get_native_id() == u64::from(std::process::id()) {
        return;
    }
    let main = thread::main_thread();
    assert_eq!(main.ident(), None);
    assert_eq!(main.native_id(), None);
}

#[test]
fn enumerate_lists_running_threads() {
    let gate = gate();
    let t = blocked_on(&gate);
    t.start().unwrap();
    let all = thread::enumerate();
    assert!(all[0].ptr_eq(&thread::main_thread()));
    assert!(all.iter().any(|x| x.ptr_eq(&t)));
    assert!(thread::active_count() >= 2);
    gate.release().unwrap();
    t.join(Timeout::Forever).unwrap();
    // It leaves the registry right after `finish`; wait for that without sleeping blindly.
    let deadline = Instant::now() + Duration::from_secs(10);
    while thread::enumerate().iter().any(|x| x.ptr_eq(&t)) {
        assert!(Instant::now() < deadline, "finished thread still listed");
        std::thread::yield_now();
    }
}

#[test]
fn idents() {
    let t = Thread::new(|| (thread::get_ident(), thread::get_native_id()));
    t.start().unwrap();
    t.join(Timeout::Forever).unwrap();
    let (ident, native) = t.result::<(u64, u64)>().unwrap().unwrap();
    assert_eq!(t.ident(), Some(ident));
    assert_eq!(t.native_id(), Some(native));
    assert_ne!(ident, thread::get_ident());
}

#[test]
fn stack_sizes() {
    assert_eq!(thread::stack_size(Some(1000)), Err(Error::StackSize));
    let t = Thread::new(|| {
        // Use a good part of a 1 MiB stack.
        let buf = [7u8; 512 * 1024];
        std::hint::black_box(&buf)
            .iter()
            .map(|&b| b as usize)
            .sum::<usize>()
    });
    assert_eq!(t.set_stack_size(100), Err(Error::StackSize));
    t.set_stack_size(1 << 20).unwrap();
    t.start().unwrap();
    assert_eq!(t.set_stack_size(1 << 20), Err(Error::WrongState));
    t.join(Timeout::Forever).unwrap();
    assert_eq!(t.result::<usize>(), Ok(Some(7 * 512 * 1024)));
}

#[test]
#[cfg_attr(
    miri,
    ignore = "Miri gives threads no real stack, so a huge one does not fail"
)]
fn failed_start_can_be_retried() {
    // A stack larger than the address space makes the OS refuse the thread.
    let t = Thread::new(|| 5);
    t.set_stack_size(usize::MAX / 2).unwrap();
    assert_eq!(t.start(), Err(Error::CantStartThread));
    assert!(!t.is_alive() && !t.is_started());
    assert!(!thread::enumerate().iter().any(|x| x.ptr_eq(&t)));
    t.set_stack_size(0).unwrap();
    t.start().unwrap();
    t.join(Timeout::Forever).unwrap();
    assert_eq!(t.result::<i32>(), Ok(Some(5)));
}

#[test]
fn a_panicking_target_is_reported_and_the_thread_finishes() {
    let t = Thread::new(|| -> i32 { panic!("boom") });
    t.start().unwrap();
    assert!(t.join(Timeout::Forever).unwrap());
    assert_eq!(t.result::<i32>(), Ok(None));
}

#[test]
fn shutdown_waits_for_non_daemon_threads_only() {
    // Every other thread in this test binary is a daemon unless made otherwise, so the count is
    // this test's.
    let (daemon_gate, gate) = (gate(), gate());
    let daemon = blocked_on(&daemon_gate);
    daemon.set_daemon(true).unwrap();
    daemon.start().unwrap();
    let worker = blocked_on(&gate);
    worker.set_daemon(false).unwrap();
    worker.start().unwrap();
    assert!(thread::shutdown(Timeout::After(Duration::from_millis(20))) >= 1);
    assert!(worker.is_alive());
    gate.release().unwrap();
    assert_eq!(
        thread::shutdown(Timeout::Forever),
        0,
        "the daemon is not waited for"
    );
    assert!(!worker.is_alive());
    assert!(daemon.is_alive());
    daemon_gate.release().unwrap();
    daemon.join(Timeout::Forever).unwrap();
}

#[test]
#[cfg_attr(miri, ignore = "Miri cannot fork")]
fn a_forked_child_sees_only_the_forking_thread() {
    // Regression: the child inherited the parent's registry, so there its threads looked alive,
    // `join` on them and the exit-time wait hung, and `active_count` counted them.
    let gate = gate();
    let t = blocked_on(&gate);
    t.start().unwrap();
    let failed = common::failed_in_forked_child(10, || {
        let fresh = Thread::new(|| 7);
        vec![
            !t.is_alive(),
            t.join(Timeout::Forever) == Ok(true),
            !thread::enumerate().iter().any(|x| x.ptr_eq(&t)),
            thread::active_count() == 1,
            fresh.start().is_ok(),
            fresh.join(Timeout::Forever) == Ok(true),
            fresh.result::<i32>() == Ok(Some(7)),
            thread::shutdown(Timeout::Forever) == 0,
        ]
    });
    assert_eq!(failed, [], "checks that failed in the child");
    assert!(t.is_alive(), "the parent's thread is unaffected");
    gate.release().unwrap();
    assert!(t.join(Timeout::Forever).unwrap());
}

#[test]
#[cfg_attr(miri, ignore = "Miri cannot fork")]
fn a_weft_thread_that_forks_lives_on_in_the_child() {
    // It never asked for `current()` before the fork: the child still knows it as itself.
    let t = Thread::new(|| {
        common::failed_in_forked_child(10, || {
            let me = thread::current();
            vec![
                me.is_alive(),
                me.name().starts_with("Thread-"),
                thread::enumerate().iter().any(|x| x.ptr_eq(&me)),
                thread::active_count() == 1,
            ]
        })
    });
    t.start().unwrap();
    assert!(t.join(Timeout::Forever).unwrap());
    let failed = t
        .result::<Vec<usize>>()
        .unwrap()
        .expect("the thread returned");
    assert_eq!(failed, [], "checks that failed in the child");
}

#[test]
#[cfg_attr(miri, ignore = "Miri cannot fork")]
fn a_child_forked_from_a_weft_thread_exits_when_that_thread_ends() {
    // Regression: there the thread that forked is the initial thread, and the last one; as it
    // ended, libc's exit(0) ran weft's exit hook, whose `current()` (asked for the first time by
    // a thread that had left the registry) kept the registry locked while it asked for the main
    // thread, and hung (a Python child of a fork from a `weft.Thread` never exited).
    let t = Thread::new(|| {
        // SAFETY: the child only calls alarm and returns: its thread, and with it the process,
        // then ends.
        let pid = unsafe { libc::fork() };
        if pid == 0 {
            // SAFETY: alarm is async-signal-safe; it turns a hang into a failure.
            unsafe { libc::alarm(10) };
            return None;
        }
        assert!(pid > 0, "fork failed");
        let mut status = 0;
        // SAFETY: waits for the child made above.
        assert_eq!(unsafe { libc::waitpid(pid, &mut status, 0) }, pid);
        Some(status)
    });
    t.start().unwrap();
    assert!(t.join(Timeout::Forever).unwrap());
    let status = t
        .result::<Option<i32>>()
        .unwrap()
        .flatten()
        .expect("the parent's result");
    assert!(
        libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0,
        "child status {status:#x} (SIGALRM, 14: it hung)"
    );
}
