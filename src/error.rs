//! The errors weft's primitives report, with CPython's words where CPython has them.
//!
//! The core returns `Result<T, Error>`; the C layer maps each variant to one `weft_status`
//! (`capi/status.rs`). A timeout is an outcome, not an error: calls that can time out return
//! `Ok(false)` (or a dedicated enum) rather than an `Error`.

use std::ffi::CStr;
use std::fmt;

/// Everything a weft primitive can refuse to do.
///
/// Each variant's [`Error::message`] is the message CPython gives for the same misuse, so that
/// bindings can raise exactly what CPython raises.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Error {
    /// A generic out-of-range or malformed argument.
    InvalidArgument,
    /// A string argument is not valid UTF-8.
    InvalidUtf8,
    /// A negative (other than the "forever" sentinel) or NaN timeout. CPython 3.11: `ValueError`
    /// with this message (later versions say "must be a non-negative number").
    InvalidTimeout,
    /// A timeout above [`crate::timeout::TIMEOUT_MAX`], or infinite. CPython: `OverflowError`.
    TimeoutTooLarge,
    /// `acquire(blocking=False, timeout=...)`. CPython: `ValueError`.
    NonBlockingTimeout,
    /// A counter would overflow (RLock recursion, semaphore value). CPython: `OverflowError`.
    Overflow,
    /// `Lock.release()` on an unlocked lock. CPython: `RuntimeError`.
    ReleaseUnlocked,
    /// `RLock.release()` by a thread that does not own it. CPython: `RuntimeError`.
    NotOwner,
    /// `Thread.start()` called twice. CPython: `RuntimeError`.
    AlreadyStarted,
    /// `Thread.join()` before `start()`. CPython: `RuntimeError`.
    NotStarted,
    /// `Thread.join()` on the calling thread. CPython: `RuntimeError`.
    JoinCurrent,
    /// Setting the daemon flag of a started thread. CPython: `RuntimeError`.
    DaemonAfterStart,
    /// The OS refused to create a thread. CPython: `RuntimeError`.
    CantStartThread,
    /// A stack size that is neither 0 nor at least 32 KiB. CPython: `ValueError`.
    StackSize,
    /// The object is not in a state where the call makes sense (e.g. a result read before the
    /// thread finished).
    WrongState,
    /// `Condition.wait()` without holding the lock. CPython: `RuntimeError`.
    WaitUnacquired,
    /// `Condition.notify()` without holding the lock. CPython: `RuntimeError`.
    NotifyUnacquired,
    /// A semaphore created with a negative value. CPython: `ValueError`.
    SemaphoreNegative,
    /// `Semaphore.release(n)` with `n < 1`. CPython: `ValueError`.
    ReleaseCount,
    /// `BoundedSemaphore.release()` past its initial value. CPython: `ValueError`.
    SemaphoreOverRelease,
    /// A barrier that was reset, aborted or timed out. CPython: `BrokenBarrierError`.
    BrokenBarrier,
    /// A barrier with no parties.
    BarrierParties,
    /// A non-blocking or timed get on an empty queue. CPython: `queue.Empty`.
    QueueEmpty,
    /// A non-blocking or timed put on a full queue. CPython: `queue.Full`.
    QueueFull,
    /// A put on a shut-down queue, or a get on a shut-down, drained queue. CPython: `queue.ShutDown`.
    QueueShutDown,
    /// More `task_done()` calls than items. CPython: `ValueError`.
    TaskDoneTooMany,
    /// `submit()` after `shutdown()`. CPython: `RuntimeError`.
    PoolShutDown,
    /// A worker initializer failed. CPython: `BrokenThreadPool`.
    PoolBroken,
    /// The future was cancelled. CPython: `CancelledError`.
    Cancelled,
    /// The task reported a failure; its code is on the future.
    TaskFailed,
    /// A pool with `max_workers <= 0`. CPython: `ValueError`.
    MaxWorkers,
}

impl Error {
    /// Every variant, in declaration order.
    pub const ALL: [Error; 31] = [
        Error::InvalidArgument,
        Error::InvalidUtf8,
        Error::InvalidTimeout,
        Error::TimeoutTooLarge,
        Error::NonBlockingTimeout,
        Error::Overflow,
        Error::ReleaseUnlocked,
        Error::NotOwner,
        Error::AlreadyStarted,
        Error::NotStarted,
        Error::JoinCurrent,
        Error::DaemonAfterStart,
        Error::CantStartThread,
        Error::StackSize,
        Error::WrongState,
        Error::WaitUnacquired,
        Error::NotifyUnacquired,
        Error::SemaphoreNegative,
        Error::ReleaseCount,
        Error::SemaphoreOverRelease,
        Error::BrokenBarrier,
        Error::BarrierParties,
        Error::QueueEmpty,
        Error::QueueFull,
        Error::QueueShutDown,
        Error::TaskDoneTooMany,
        Error::PoolShutDown,
        Error::PoolBroken,
        Error::Cancelled,
        Error::TaskFailed,
        Error::MaxWorkers,
    ];

    /// The message CPython gives for this error (or weft's own where CPython has none).
    pub const fn message(self) -> &'static CStr {
        match self {
            Error::InvalidArgument => c"invalid argument",
            Error::InvalidUtf8 => c"string is not valid UTF-8",
            Error::InvalidTimeout => c"timeout value must be positive",
            Error::TimeoutTooLarge => c"timeout value is too large",
            Error::NonBlockingTimeout => c"can't specify a timeout for a non-blocking call",
            Error::Overflow => c"Internal lock count overflowed",
            Error::ReleaseUnlocked => c"release unlocked lock",
            Error::NotOwner => c"cannot release un-acquired lock",
            Error::AlreadyStarted => c"threads can only be started once",
            Error::NotStarted => c"cannot join thread before it is started",
            Error::JoinCurrent => c"cannot join current thread",
            Error::DaemonAfterStart => c"cannot set daemon status of active thread",
            Error::CantStartThread => c"can't start new thread",
            Error::StackSize => c"size not valid: must be 0 or at least 32768 bytes",
            Error::WrongState => c"operation not valid in the object's current state",
            Error::WaitUnacquired => c"cannot wait on un-acquired lock",
            Error::NotifyUnacquired => c"cannot notify on un-acquired lock",
            Error::SemaphoreNegative => c"semaphore initial value must be >= 0",
            Error::ReleaseCount => c"n must be one or more",
            Error::SemaphoreOverRelease => c"Semaphore released too many times",
            Error::BrokenBarrier => c"broken barrier",
            Error::BarrierParties => c"parties must be > 0",
            Error::QueueEmpty => c"queue is empty",
            Error::QueueFull => c"queue is full",
            Error::QueueShutDown => c"queue is shut down",
            Error::TaskDoneTooMany => c"task_done() called too many times",
            Error::PoolShutDown => c"cannot schedule new futures after shutdown",
            Error::PoolBroken => {
                c"A thread initializer failed, the thread pool is not usable anymore"
            }
            Error::Cancelled => c"the future was cancelled",
            Error::TaskFailed => c"the task failed",
            Error::MaxWorkers => c"max_workers must be greater than 0",
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Every message is an ASCII literal above, so this never takes the lossy path.
        f.write_str(&self.message().to_string_lossy())
    }
}

impl std::error::Error for Error {}

/// An [`Error`] that hands back the value the call was given (the item of a refused
/// `Queue::put`, the task of a refused `Pool::submit`), so that a refusal never loses it.
#[derive(Debug, PartialEq, Eq)]
pub struct Rejected<T> {
    /// Why the call was refused.
    pub error: Error,
    /// The value, untouched.
    pub value: T,
}

impl<T> From<Rejected<T>> for Error {
    fn from(rejected: Rejected<T>) -> Error {
        rejected.error
    }
}

impl<T> fmt::Display for Rejected<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.error.fmt(f)
    }
}

impl<T: fmt::Debug> std::error::Error for Rejected<T> {}
