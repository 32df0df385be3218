//! What several test files share.
#![allow(dead_code)] // each includer uses part of it

/// Runs `checks` in a child made by `fork()` and returns the indices of those that failed
/// there. The child has `seconds` before an alarm ends it, so a hang fails the test, and leaves
/// with `_exit` (the failed checks as a bit set), without running the parent's exit handlers.
/// At most 8 checks: they travel in the exit code.
///
/// Panics if the fork fails or the child does not exit normally (a crash, the alarm, a panic
/// in `checks`, which aborts the child).
pub fn failed_in_forked_child(seconds: u32, checks: impl FnOnce() -> Vec<bool>) -> Vec<usize> {
    // SAFETY: the child only runs weft, std and libc calls, then leaves with _exit.
    let pid = unsafe { libc::fork() };
    if pid == 0 {
        // SAFETY: alarm is async-signal-safe; it turns a hang into a failure.
        unsafe { libc::alarm(seconds) };
        // A panic must not unwind into the parent's test harness, which the child copied.
        let failed = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            let checks = checks();
            assert!(checks.len() <= 8, "at most 8 checks");
            checks
                .iter()
                .enumerate()
                .fold(0, |bits, (i, ok)| if *ok { bits } else { bits | 1 << i })
        }));
        let failed = failed.unwrap_or_else(|_| std::process::abort());
        // SAFETY: _exit is async-signal-safe and leaves the child at once.
        unsafe { libc::_exit(failed) };
    }
    assert!(pid > 0, "fork failed");
    let mut status = 0;
    // SAFETY: waits for the child made above.
    assert_eq!(unsafe { libc::waitpid(pid, &mut status, 0) }, pid);
    assert!(libc::WIFEXITED(status), "child status {status:#x}");
    (0..8)
        .filter(|i| libc::WEXITSTATUS(status) & 1 << i != 0)
        .collect()
}

/// How a child made by `fork()` leaves.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Leave {
    /// `exit()` (`std::process::exit`): the exit handlers run, weft's among them (pools shut
    /// down, non-daemon threads waited for, the exiting thread's thread-local values destroyed).
    Exit,
    /// `_exit()`: no handler runs.
    UnderscoreExit,
    /// `execv("/bin/true")`: the process image is replaced.
    Exec,
}

impl Leave {
    pub const ALL: [Leave; 3] = [Leave::Exit, Leave::UnderscoreExit, Leave::Exec];
}

/// Forks a child that runs `body` and leaves by `leave`, with status 0 if `body` returned true.
/// The child has `seconds` before an alarm ends it, so a hang (in `body` or on the way out) is an
/// error, as is a crash or a failed `body`: `Err` describes how the child ended.
pub fn forked_child_leaves(
    seconds: u32,
    leave: Leave,
    body: impl FnOnce() -> bool,
) -> Result<(), String> {
    // SAFETY: the child only runs weft, std and libc calls, then leaves by `leave`.
    let pid = unsafe { libc::fork() };
    if pid == 0 {
        // SAFETY: alarm is async-signal-safe; it turns a hang into a failure, and an exec keeps
        // it, which is harmless (/bin/true exits at once).
        unsafe { libc::alarm(seconds) };
        // A panic must not unwind into the parent's test harness, which the child copied.
        let ok = std::panic::catch_unwind(std::panic::AssertUnwindSafe(body)).unwrap_or(false);
        if !ok {
            // SAFETY: _exit is async-signal-safe and leaves the child at once.
            unsafe { libc::_exit(1) };
        }
        match leave {
            Leave::Exit => std::process::exit(0),
            // SAFETY: as above.
            Leave::UnderscoreExit => unsafe { libc::_exit(0) },
            Leave::Exec => {
                let path = c"/bin/true";
                let argv = [path.as_ptr(), std::ptr::null()];
                // SAFETY: `path` and `argv` are NUL-terminated and outlive the call; execv
                // returns only on failure, and the child then leaves with _exit.
                unsafe {
                    libc::execv(path.as_ptr(), argv.as_ptr());
                    libc::_exit(127);
                }
            }
        }
    }
    assert!(pid > 0, "fork failed");
    let mut status = 0;
    // SAFETY: waits for the child made above.
    assert_eq!(unsafe { libc::waitpid(pid, &mut status, 0) }, pid);
    if libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0 {
        Ok(())
    } else if libc::WIFSIGNALED(status) && libc::WTERMSIG(status) == libc::SIGALRM {
        Err(format!("hung (no end within {seconds} s)"))
    } else if libc::WIFEXITED(status) {
        Err(format!("exited with status {}", libc::WEXITSTATUS(status)))
    } else {
        Err(format!("ended by signal {}", libc::WTERMSIG(status)))
    }
}

/// Waits until the thread with kernel id `tid` sleeps in the kernel (state `S` in
/// `/proc/self/task/<tid>/stat`): a weft thread blocked in a wait has parked, not just spun.
pub fn wait_until_asleep(tid: u64) {
    let path = format!("/proc/self/task/{tid}/stat");
    loop {
        let stat = std::fs::read_to_string(&path).expect("the thread is alive");
        // The state follows the name, which is in parentheses and may hold spaces.
        let state = stat.rsplit_once(") ").map(|(_, rest)| rest.as_bytes()[0]);
        if state == Some(b'S') {
            return;
        }
        std::thread::yield_now();
    }
}
