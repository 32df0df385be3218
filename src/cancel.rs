//! Cancellation: a token that ends the blocking waits of the threads that installed it, from any
//! thread (Java's per-thread interrupt status, Go's `context.Context`, made one object).
//!
//! A thread installs a [`CancelToken`] for its own waits with [`install`]; any thread holding
//! the token ends every such wait at once with [`CancelToken::set`]. A wait ended this way
//! returns as if its time had run out (a `false`, an `Error::QueueEmpty`, a broken barrier), and
//! [`cancelled`] tells the two apart (the C layer reports `WEFT_STATUS_INTERRUPTED`). Running
//! code checks [`cancelled`] at points of its choosing (cooperative cancellation).
//!
//! - **Sticky.** A token stays set until [`CancelToken::reset`] (like a Go context, unlike
//!   Java's interrupt status, which the exception clears): every thread sharing it sees it.
//! - **Checked only where a call would block.** A call that can proceed at once does so, set
//!   token or not (a free lock is taken, a queue with an item gives it); one that would sleep
//!   ends at once. So the uncontended paths do no work for cancellation: the token is looked at
//!   by the parking lot (`park/table`) when a thread is about to sleep, and by the wait loops'
//!   [`Deadline::expired`](crate::timeout::Deadline::expired).
//! - **What an ended wait leaves.** Whatever its timeout leaves: a `Condition` wait holds the
//!   lock again, a `Barrier` wait breaks the barrier (as CPython's does on an exception), a
//!   queue's `put` did not put its item.
//! - weft's own waits (its internal mutex, a Condition re-taking its lock, a pool's idle
//!   workers, the exit-time wait for non-daemon threads) are never ended by a token.
//!
//! How a sleeper is reached: a thread parked with a token sleeps on the token's word rather than
//! on its own; [`CancelToken::set`] changes the word and wakes every thread sleeping on it, and
//! an unparker that wakes such a thread bumps the word's wake-up counter before waking it (see
//! `park/table`). Setting a token is one atomic operation and one system call, with no lock and
//! no allocation: it is async-signal-safe.

use std::cell::{Cell, RefCell};
use std::sync::Arc;

use crate::loom::atomic::{AtomicU32, Ordering};

/// The bit of the word that says the token is set; the bits above count wake-ups.
const SET: u32 = 1;
/// One wake-up of a thread parked with this token, in the word's counter.
#[cfg(not(loom))]
const WAKE_UP: u32 = 2;

/// A cancellation token: set by any thread, it ends the waits of the threads that installed it.
/// See the module documentation.
#[derive(Debug)]
pub struct CancelToken {
    /// [`SET`], and above it a counter every wake-up of a thread sleeping on this word bumps.
    /// The futex word the threads parked with this token sleep on.
    word: AtomicU32,
    /// The model's threads parked with this token (loom has no futex).
    #[cfg(loom)]
    sleepers: loom::sync::Mutex<Vec<loom::thread::Thread>>,
}

impl CancelToken {
    /// A token not set.
    pub fn new() -> CancelToken {
        CancelToken {
            word: AtomicU32::new(0),
            #[cfg(loom)]
            sleepers: loom::sync::Mutex::new(Vec::new()),
        }
    }

    /// Sets the token: every wait of a thread that installed it ends now, and later ones end at
    /// once, until [`CancelToken::reset`]. Async-signal-safe: an atomic operation and a futex
    /// wake.
    pub fn set(&self) {
        // Release: a thread whose wait the token ends (it reads the word with Acquire) sees what
        // the setter wrote before setting it.
        if self.word.fetch_or(SET, Ordering::Release) & SET == 0 {
            self.wake_sleepers();
        }
    }

    /// Clears the token: waits block again.
    pub fn reset(&self) {
        // Relaxed: orders nothing; a wait that reads the old value ends early, as it may.
        self.word.fetch_and(!SET, Ordering::Relaxed);
    }

    /// Whether the token is set.
    pub fn is_set(&self) -> bool {
        // Acquire: see `set`.
        self.word.load(Ordering::Acquire) & SET != 0
    }

    /// The futex word a thread parked with this token sleeps on (see
    /// [`CancelToken::sleep_value`]).
    #[cfg(not(loom))]
    pub(crate) fn word(&self) -> &std::sync::atomic::AtomicU32 {
        &self.word
    }

    /// The word's value for a thread about to sleep on it, or `None` if the token is set. Read
    /// it before the last look at the thread's own wake-up flag: a wake-up after that look
    /// changes the word (see [`CancelToken::woke_one`]), so the sleep does not start.
    pub(crate) fn sleep_value(&self) -> Option<u32> {
        // Acquire: pairs with the Release of `set` and of `woke_one`, which follow the
        // unparker's store of the thread's wake-up flag: a thread that reads the new value
        // sees the flag set.
        let word = self.word.load(Ordering::Acquire);
        (word & SET == 0).then_some(word)
    }

    /// Records that an unparker woke a thread parked with this token (its flag already set),
    /// and wakes the sleepers on the word so that it sees it. Every thread sleeping on the word
    /// wakes; those not woken for their own sake sleep again.
    #[cfg(not(loom))]
    pub(crate) fn woke_one(&self) {
        // Release: see `sleep_value`. Wraps harmlessly: only compared for equality.
        self.word.fetch_add(WAKE_UP, Ordering::Release);
        self.wake_sleepers();
    }

    #[cfg(not(loom))]
    fn wake_sleepers(&self) {
        crate::os::futex_wake_all(&self.word);
    }

    #[cfg(loom)]
    fn wake_sleepers(&self) {
        for thread in self.sleepers.lock().expect("no panics in models").drain(..) {
            thread.unpark();
        }
    }

    /// Under loom: records the calling thread as sleeping on this token, before it parks.
    #[cfg(loom)]
    pub(crate) fn add_sleeper(&self) {
        let mut sleepers = self.sleepers.lock().expect("no panics in models");
        sleepers.push(loom::thread::current());
    }
}

#[cfg(not(loom))]
thread_local! {
    static INSTALLED: RefCell<Option<Arc<CancelToken>>> = const { RefCell::new(None) };
    /// Whether `INSTALLED` holds a token: looked at first, so that a thread without one (most
    /// threads) pays one load of a thread-local without a destructor on its way into a wait.
    static HAS_TOKEN: Cell<bool> = const { Cell::new(false) };
}
#[cfg(loom)]
crate::loom::thread_local! {
    static INSTALLED: RefCell<Option<Arc<CancelToken>>> = RefCell::new(None);
    static HAS_TOKEN: Cell<bool> = Cell::new(false);
}

impl Default for CancelToken {
    fn default() -> CancelToken {
        CancelToken::new()
    }
}

/// Installs `token` for the calling thread's waits (`None`: none), and returns the one it
/// replaces. The thread keeps its reference until it installs another or exits.
pub fn install(token: Option<Arc<CancelToken>>) -> Option<Arc<CancelToken>> {
    // A thread whose locals are being destroyed has no token any more.
    let has = token.is_some();
    let previous = INSTALLED
        .try_with(|installed| installed.replace(token))
        .ok()
        .flatten();
    let _ = HAS_TOKEN.try_with(|flag| flag.set(has));
    previous
}

/// The token the calling thread installed, if any.
// Not inlined, here and in `cancelled`: inlined into a wait loop, the thread-local's address
// was computed before the loop, on the path that does not wait too (a `__tls_get_addr` call
// per queue put and get in the shared library).
#[inline(never)]
pub fn installed() -> Option<Arc<CancelToken>> {
    if !HAS_TOKEN.try_with(Cell::get).unwrap_or(false) {
        return None;
    }
    INSTALLED
        .try_with(|installed| installed.borrow().clone())
        .ok()
        .flatten()
}

/// Whether the calling thread's token is set (false without one): the cooperative check of
/// running code, and how a caller tells a wait the token ended from one that timed out.
#[inline(never)]
pub fn cancelled() -> bool {
    if !HAS_TOKEN.try_with(Cell::get).unwrap_or(false) {
        return false;
    }
    INSTALLED
        .try_with(|installed| installed.borrow().as_ref().is_some_and(|t| t.is_set()))
        .unwrap_or(false)
}
