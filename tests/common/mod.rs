//! What several test files share.

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
