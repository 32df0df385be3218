//! The errors weft's primitives report, with CPython's words where CPython has them.
//!
//! The core returns `Result<T, Error>`; the C layer maps each variant to one `weft_status`
//! (`capi/status.rs`). A timeout is an outcome, not an error: calls that can time out return
//! `Ok(false)` (or a dedicated enum) rather than an `Error`.

use std::ffi::CStr;
use std::fmt;

/// Defines [`Error`] from one table: each variant with its documentation and its message.
/// `capi/status.rs` maps each variant to its C status, whose message is the variant's.
macro_rules! errors {
    ($($(#[doc = $doc:literal])* $variant:ident => $message:literal,)*) => {
        /// Everything a weft primitive can refuse to do.
        ///
        /// Each variant's [`Error::message`] is the message CPython gives for the same misuse, so
        /// that bindings can raise exactly what CPython raises.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum Error {
            $($(#[doc = $doc])* $variant,)*
        }

        impl Error {
            /// Every variant, in declaration order.
            pub const ALL: &'static [Error] = &[$(Error::$variant),*];

            /// The message CPython gives for this error (or weft's own where CPython has none).
            pub const fn message(self) -> &'static CStr {
                match self {
                    $(Error::$variant => $message,)*
                }
            }
        }
    };
}

errors! {
    /// A generic out-of-range or malformed argument.
    InvalidArgument => c"invalid argument",
    /// A string argument is not valid UTF-8.
    InvalidUtf8 => c"string is not valid UTF-8",
    /// A negative (other than the "forever" sentinel) or NaN timeout. CPython 3.11: `ValueError`
    /// with this message (later versions say "must be a non-negative number").
    InvalidTimeout => c"timeout value must be positive",
    /// A timeout above [`crate::timeout::TIMEOUT_MAX`], or infinite. CPython: `OverflowError`.
    TimeoutTooLarge => c"timeout value is too large",
    /// `acquire(blocking=False, timeout=...)`. CPython: `ValueError`.
    NonBlockingTimeout => c"can't specify a timeout for a non-blocking call",
    /// A counter would overflow (RLock recursion, semaphore value). CPython: `OverflowError`.
    Overflow => c"Internal lock count overflowed",
    /// `Lock.release()` on an unlocked lock. CPython: `RuntimeError`.
    ReleaseUnlocked => c"release unlocked lock",
    /// `RLock.release()` by a thread that does not own it. CPython: `RuntimeError`.
    NotOwner => c"cannot release un-acquired lock",
    /// `Thread.start()` called twice. CPython: `RuntimeError`.
    AlreadyStarted => c"threads can only be started once",
    /// `Thread.join()` before `start()`. CPython: `RuntimeError`.
    NotStarted => c"cannot join thread before it is started",
    /// `Thread.join()` on the calling thread. CPython: `RuntimeError`.
    JoinCurrent => c"cannot join current thread",
    /// Setting the daemon flag of a started thread. CPython: `RuntimeError`.
    DaemonAfterStart => c"cannot set daemon status of active thread",
    /// The OS refused to create a thread. CPython: `RuntimeError`.
    CantStartThread => c"can't start new thread",
    /// A stack size that is neither 0 nor at least 32 KiB. CPython: `ValueError`.
    StackSize => c"size not valid: must be 0 or at least 32768 bytes",
    /// The object is not in a state where the call makes sense (e.g. a result read before the
    /// thread finished).
    WrongState => c"operation not valid in the object's current state",
    /// `Condition.wait()` without holding the lock. CPython: `RuntimeError`.
    WaitUnacquired => c"cannot wait on un-acquired lock",
    /// `Condition.notify()` without holding the lock. CPython: `RuntimeError`.
    NotifyUnacquired => c"cannot notify on un-acquired lock",
    /// A semaphore created with a negative value. CPython: `ValueError`.
    SemaphoreNegative => c"semaphore initial value must be >= 0",
    /// `Semaphore.release(n)` with `n < 1`. CPython: `ValueError`.
    ReleaseCount => c"n must be one or more",
    /// `BoundedSemaphore.release()` past its initial value. CPython: `ValueError`.
    SemaphoreOverRelease => c"Semaphore released too many times",
    /// A barrier that was reset, aborted or timed out. CPython: `BrokenBarrierError`.
    BrokenBarrier => c"broken barrier",
    /// A barrier with no parties.
    BarrierParties => c"parties must be > 0",
    /// A non-blocking or timed get on an empty queue. CPython: `queue.Empty`.
    QueueEmpty => c"queue is empty",
    /// A non-blocking or timed put on a full queue. CPython: `queue.Full`.
    QueueFull => c"queue is full",
    /// A put on a shut-down queue, or a get on a shut-down, drained queue. CPython: `queue.ShutDown`.
    QueueShutDown => c"queue is shut down",
    /// More `task_done()` calls than items. CPython: `ValueError`.
    TaskDoneTooMany => c"task_done() called too many times",
    /// `submit()` after `shutdown()`. CPython: `RuntimeError`.
    PoolShutDown => c"cannot schedule new futures after shutdown",
    /// A worker initializer failed. CPython: `BrokenThreadPool`.
    PoolBroken => c"A thread initializer failed, the thread pool is not usable anymore",
    /// The future was cancelled. CPython: `CancelledError`.
    Cancelled => c"the future was cancelled",
    /// The task reported a failure; its code is on the future.
    TaskFailed => c"the task failed",
    /// A pool with `max_workers <= 0`. CPython: `ValueError`.
    MaxWorkers => c"max_workers must be greater than 0",
    /// A wait ended by the calling thread's cancellation token (see [`crate::cancel`]). Python:
    /// `KeyboardInterrupt` in the binding's main thread.
    Interrupted => c"interrupted",
    /// A thread asking for a lock it already holds in a way that would wait for itself for ever:
    /// a reader of an `RwLock` asking to write (no upgrade), its writer asking again. pthreads:
    /// `EDEADLK`.
    Deadlock => c"resource deadlock avoided: the calling thread already holds the lock",
    /// `set_result` or `set_exception` on a future already done. CPython: `InvalidStateError`,
    /// whose message is the state and the future's `repr`.
    InvalidStateFinished => c"FINISHED: <Future state=finished>",
    /// `set_result` or `set_exception` on a cancelled future. CPython: `InvalidStateError`.
    InvalidStateCancelled => c"CANCELLED: <Future state=cancelled>",
    /// In a child made by `fork()`: the object was in use by a thread of the parent at the
    /// fork (inside a queue's `put`, a future's `result`...), a thread the child does not have,
    /// and its state may be half-updated; the child cannot use it. CPython has no such error
    /// (its objects are left locked for ever, and a child that uses one hangs).
    Forked => c"the object was in use by another thread when the process forked",
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
