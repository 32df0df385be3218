//! `weft_status`: what every fallible C call returns, and its messages.

use std::ffi::{CStr, c_char, c_int};

use crate::Error;

/// The result of a weft call. `WEFT_STATUS_OK` is 0; every other value names one outcome, with a
/// message from `weft_status_str()`. Values are explicit and append-only: a value, once released,
/// keeps its meaning forever.
///
/// Where CPython raises an exception for the same situation, the message is CPython's.
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[allow(non_camel_case_types)]
pub enum weft_status {
    /// Success.
    WEFT_STATUS_OK = 0,
    /// The call gave up: its timeout passed, or a non-blocking call could not proceed at once.
    /// An outcome, not an error (Python's `False` from `acquire`/`wait`).
    WEFT_STATUS_TIMEOUT = 1,
    /// A required pointer argument (a handle, a callback, an out-parameter) is NULL.
    WEFT_STATUS_NULL_ARGUMENT = 2,
    /// The handle is not of the expected type, or was already freed.
    ///
    /// A freed handle (its last reference given to its `_free`) must not be used. If it is: a
    /// debug build of libweft (built with debug assertions, as `cargo capi` makes it) never
    /// reuses a handle's memory, so every call reliably returns this status (queries false, 0
    /// or NULL; `_free` does nothing); the memory kept is a few dozen bytes per object freed,
    /// until the process exits. A release build gives the memory back: the call may return
    /// this status, or, once a new object has been given the same address (often the next one
    /// made), work on that object. A future's handle, whose memory is the future's own, is
    /// never kept: in both builds it behaves as in a release build. Checking every call against
    /// reuse would cost the hot paths (BENCHMARKS.md, "Freed handles").
    WEFT_STATUS_WRONG_HANDLE = 3,
    /// A Rust panic was caught at the API boundary; this is a bug in weft, please report it.
    WEFT_STATUS_PANIC = 4,
    /// An argument is out of range or malformed.
    WEFT_STATUS_INVALID_ARGUMENT = 5,
    /// A string argument is not valid UTF-8.
    WEFT_STATUS_INVALID_UTF8 = 6,
    /// A timeout is NaN or negative (other than `WEFT_TIMEOUT_FOREVER`). Python: `ValueError`.
    WEFT_STATUS_INVALID_TIMEOUT = 7,
    /// A timeout is above `WEFT_TIMEOUT_MAX` or infinite. Python: `OverflowError`.
    WEFT_STATUS_TIMEOUT_TOO_LARGE = 8,
    /// A timeout was given to a non-blocking call. Python: `ValueError`.
    WEFT_STATUS_NONBLOCKING_TIMEOUT = 9,
    /// A counter would overflow (RLock recursion, semaphore value). Python: `OverflowError`.
    WEFT_STATUS_OVERFLOW = 10,
    /// Releasing a lock that is not locked. Python: `RuntimeError`.
    WEFT_STATUS_RELEASE_UNLOCKED = 11,
    /// Releasing an RLock the calling thread does not own. Python: `RuntimeError`.
    WEFT_STATUS_NOT_OWNER = 12,
    /// Starting a thread a second time. Python: `RuntimeError`.
    WEFT_STATUS_ALREADY_STARTED = 13,
    /// Joining a thread that was never started. Python: `RuntimeError`.
    WEFT_STATUS_NOT_STARTED = 14,
    /// A thread joining itself, which would deadlock. Python: `RuntimeError`.
    WEFT_STATUS_JOIN_CURRENT = 15,
    /// Setting the daemon flag of a started thread. Python: `RuntimeError`.
    WEFT_STATUS_DAEMON_AFTER_START = 16,
    /// The OS could not create a thread (out of resources). Python: `RuntimeError`.
    WEFT_STATUS_CANT_START_THREAD = 17,
    /// A stack size that is neither 0 nor at least 32 KiB. Python: `ValueError`.
    WEFT_STATUS_STACK_SIZE = 18,
    /// The object is not in a state where the call makes sense.
    WEFT_STATUS_WRONG_STATE = 19,
    /// Waiting on a condition without holding its lock. Python: `RuntimeError`.
    WEFT_STATUS_WAIT_UNACQUIRED = 20,
    /// Notifying a condition without holding its lock. Python: `RuntimeError`.
    WEFT_STATUS_NOTIFY_UNACQUIRED = 21,
    /// A semaphore's initial value is negative. Python: `ValueError`.
    WEFT_STATUS_SEMAPHORE_NEGATIVE = 22,
    /// A release count below one. Python: `ValueError`.
    WEFT_STATUS_RELEASE_COUNT = 23,
    /// A bounded semaphore released above its initial value. Python: `ValueError`.
    WEFT_STATUS_SEMAPHORE_OVER_RELEASE = 24,
    /// The barrier is broken (reset, aborted, or a wait timed out). Python: `BrokenBarrierError`.
    WEFT_STATUS_BROKEN_BARRIER = 25,
    /// A barrier needs at least one party.
    WEFT_STATUS_BARRIER_PARTIES = 26,
    /// The queue is empty. Python: `queue.Empty`.
    WEFT_STATUS_EMPTY = 27,
    /// The queue is full. Python: `queue.Full`.
    WEFT_STATUS_FULL = 28,
    /// The queue is shut down. Python: `queue.ShutDown`.
    WEFT_STATUS_SHUT_DOWN = 29,
    /// More `task_done` calls than items. Python: `ValueError`.
    WEFT_STATUS_TASK_DONE_TOO_MANY = 30,
    /// Submitting to a pool after its shutdown. Python: `RuntimeError`.
    WEFT_STATUS_POOL_SHUT_DOWN = 31,
    /// A worker initializer failed; the pool is unusable. Python: `BrokenThreadPool`.
    WEFT_STATUS_POOL_BROKEN = 32,
    /// The future was cancelled. Python: `CancelledError`.
    WEFT_STATUS_CANCELLED = 33,
    /// The task reported a failure. Python: the task's exception, raised by `result()`.
    WEFT_STATUS_TASK_FAILED = 34,
    /// A pool needs at least one worker. Python: `ValueError`.
    WEFT_STATUS_MAX_WORKERS = 35,
    /// The wait was ended by the calling thread's cancellation token (`weft_cancel_install`,
    /// `weft_cancel_set`); what it waited for did not happen. Python: `KeyboardInterrupt` in the
    /// main thread; Java: `InterruptedException`.
    WEFT_STATUS_INTERRUPTED = 36,
    /// The calling thread already holds the lock, and waiting would deadlock: an `RwLock`
    /// reader asking to write (no upgrade), its writer asking again. pthreads: `EDEADLK`.
    WEFT_STATUS_DEADLOCK = 37,
    /// Completing a future that is already done. Python: `InvalidStateError`.
    WEFT_STATUS_INVALID_STATE_FINISHED = 38,
    /// Completing a future that was cancelled. Python: `InvalidStateError`.
    WEFT_STATUS_INVALID_STATE_CANCELLED = 39,
    /// In a child made by `fork()`: a thread of the parent was inside a call on this object (a
    /// queue, a future, a barrier) at the fork, and its state may be half-updated; it is broken
    /// by the fork, and every call on it in the child returns this (see `weft_queue`,
    /// `weft_future`, `weft_barrier`). Python: `RuntimeError`.
    WEFT_STATUS_FORKED = 40,
}

use weft_status::*;

impl From<Error> for weft_status {
    fn from(error: Error) -> weft_status {
        match error {
            Error::InvalidArgument => WEFT_STATUS_INVALID_ARGUMENT,
            Error::InvalidUtf8 => WEFT_STATUS_INVALID_UTF8,
            Error::InvalidTimeout => WEFT_STATUS_INVALID_TIMEOUT,
            Error::TimeoutTooLarge => WEFT_STATUS_TIMEOUT_TOO_LARGE,
            Error::NonBlockingTimeout => WEFT_STATUS_NONBLOCKING_TIMEOUT,
            Error::Overflow => WEFT_STATUS_OVERFLOW,
            Error::ReleaseUnlocked => WEFT_STATUS_RELEASE_UNLOCKED,
            Error::NotOwner => WEFT_STATUS_NOT_OWNER,
            Error::AlreadyStarted => WEFT_STATUS_ALREADY_STARTED,
            Error::NotStarted => WEFT_STATUS_NOT_STARTED,
            Error::JoinCurrent => WEFT_STATUS_JOIN_CURRENT,
            Error::DaemonAfterStart => WEFT_STATUS_DAEMON_AFTER_START,
            Error::CantStartThread => WEFT_STATUS_CANT_START_THREAD,
            Error::StackSize => WEFT_STATUS_STACK_SIZE,
            Error::WrongState => WEFT_STATUS_WRONG_STATE,
            Error::WaitUnacquired => WEFT_STATUS_WAIT_UNACQUIRED,
            Error::NotifyUnacquired => WEFT_STATUS_NOTIFY_UNACQUIRED,
            Error::SemaphoreNegative => WEFT_STATUS_SEMAPHORE_NEGATIVE,
            Error::ReleaseCount => WEFT_STATUS_RELEASE_COUNT,
            Error::SemaphoreOverRelease => WEFT_STATUS_SEMAPHORE_OVER_RELEASE,
            Error::BrokenBarrier => WEFT_STATUS_BROKEN_BARRIER,
            Error::BarrierParties => WEFT_STATUS_BARRIER_PARTIES,
            Error::QueueEmpty => WEFT_STATUS_EMPTY,
            Error::QueueFull => WEFT_STATUS_FULL,
            Error::QueueShutDown => WEFT_STATUS_SHUT_DOWN,
            Error::TaskDoneTooMany => WEFT_STATUS_TASK_DONE_TOO_MANY,
            Error::PoolShutDown => WEFT_STATUS_POOL_SHUT_DOWN,
            Error::PoolBroken => WEFT_STATUS_POOL_BROKEN,
            Error::Cancelled => WEFT_STATUS_CANCELLED,
            Error::TaskFailed => WEFT_STATUS_TASK_FAILED,
            Error::MaxWorkers => WEFT_STATUS_MAX_WORKERS,
            Error::Interrupted => WEFT_STATUS_INTERRUPTED,
            Error::Deadlock => WEFT_STATUS_DEADLOCK,
            Error::InvalidStateFinished => WEFT_STATUS_INVALID_STATE_FINISHED,
            Error::InvalidStateCancelled => WEFT_STATUS_INVALID_STATE_CANCELLED,
            Error::Forked => WEFT_STATUS_FORKED,
        }
    }
}

impl weft_status {
    /// The status's message.
    pub fn message(self) -> &'static CStr {
        message(self as c_int)
    }
}

/// The message of the status with value `status`: the five statuses of the C layer's own have
/// theirs here, every other one is an [`Error`]'s.
fn message(status: c_int) -> &'static CStr {
    const OWN: [(weft_status, &CStr); 5] = [
        (WEFT_STATUS_OK, c"ok"),
        (WEFT_STATUS_TIMEOUT, c"timed out"),
        (
            WEFT_STATUS_NULL_ARGUMENT,
            c"a required pointer argument is NULL",
        ),
        (
            WEFT_STATUS_WRONG_HANDLE,
            c"the handle is not of the expected type, or was already freed",
        ),
        (
            WEFT_STATUS_PANIC,
            c"internal error: a Rust panic was caught at the weft API boundary",
        ),
    ];
    let own = OWN
        .iter()
        .find(|(s, _)| *s as c_int == status)
        .map(|(_, m)| *m);
    own.or_else(|| {
        Error::ALL
            .iter()
            .find(|e| weft_status::from(**e) as c_int == status)
            .map(|e| e.message())
    })
    .unwrap_or(c"unknown status")
}

/// The message for a status, for printing. Python: the exception's message.
///
/// Takes an `int` so that any value, even one this library version does not know, is safe to
/// pass; unknown values give "unknown status". The string is static: never free it.
/// Thread safety: safe from any thread.
///
/// # Safety
/// No requirement: any `status` is accepted.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn weft_status_str(status: c_int) -> *const c_char {
    message(status).as_ptr()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The number of statuses: one past the largest value (`tests/statuses.rs` checks that the
    /// header's values are exactly 0 to this, less one).
    const COUNT: c_int = WEFT_STATUS_FORKED as c_int + 1;

    #[test]
    fn every_status_has_its_own_message() {
        let mut seen = std::collections::HashSet::new();
        for status in 0..COUNT {
            let message = message(status);
            assert_ne!(message, c"unknown status", "{status}");
            assert!(seen.insert(message), "{status} shares a message");
        }
        assert_eq!(message(COUNT), c"unknown status");
        assert_eq!(message(-1), c"unknown status");
    }

    #[test]
    fn every_error_has_a_status_with_its_message() {
        for error in Error::ALL {
            assert_eq!(weft_status::from(*error).message(), error.message());
        }
        assert_eq!(Error::ALL.len() + 5, COUNT as usize);
    }
}
