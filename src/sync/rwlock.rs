//! `RwLock`: a reader-writer lock (`pthread_rwlock_t`, GLib's `GRWLock`, Java's
//! `ReentrantReadWriteLock`): many readers at once, or one writer.
//!
//! State (one `AtomicUsize`): the number of read holds in the upper bits, four flags below.
//!
//! | flag             | meaning                                                                |
//! |------------------|------------------------------------------------------------------------|
//! | `WRITER`         | a writer holds the lock                                                |
//! | `WRITERS_PARKED` | writers may be parked (on the writers' key): no new reader gets in     |
//! | `READERS_PARKED` | readers may be parked (on the readers' key)                            |
//! | `SLOT`           | a reader's holds are counted in the lock's own slot (see "Owners")      |
//!
//! Readers park on the state word's address, writers on that address plus one (never another
//! object's key: keys are addresses of aligned words), with the protocol of
//! [`park::word`](crate::park::word): a flag is set by a thread about to park, which parks only
//! if the word still holds the value it saw (checked under the bucket lock); a flag is cleared
//! only with its bucket locked, when its queue empties.
//!
//! # Fairness: writers first, in phases
//!
//! While a writer waits, no new reader gets in (a thread that already reads may read again: it
//! would otherwise deadlock against the writer waiting for it). Once anyone is parked, the lock
//! is handed over, never left free for a race:
//! - a writer's release hands it to every reader parked then, if any, else to the writer that
//!   has waited longest;
//! - the last reader out hands it to the writer that has waited longest.
//!
//! So while both wait, a phase of readers and one writer alternate: a writer waits at most for
//! the readers in before it and the writers queued before it, a reader at most for the writer
//! holding the lock and the one phase of readers after it. Nobody waits for ever. A writer that
//! finds nobody parked takes a free lock at once (barging, as [`Lock`](super::Lock) does).
//!
//! # Owners
//!
//! Each hold belongs to the thread that took it (as in Java): the writer's thread token is kept,
//! and each thread's read holds are counted per lock, so that a release by a thread that does not
//! hold the lock, and a wait that could never end (a reader asking to write, a writer asking
//! again), are refused with an error instead of deadlocking.
//!
//! One reader at a time counts its holds in the lock itself (its slot: `reader`,
//! `reader_holds`, taken with `SLOT` by the CAS that takes its first hold, given back with the
//! last): the uncontended read is then a CAS each way and no thread-local access (a thread-local
//! in a shared library is a `__tls_get_addr` call). The other readers count theirs in a
//! thread-local list. As with [`RLock`](super::RLock)'s owner, the slot names its reader by its
//! thread token, which a thread created after the reader has exited may reuse.

use std::cell::RefCell;

use crate::Error;
use crate::loom::atomic::{AtomicUsize, Ordering};
use crate::loom::table::{
    self, DEFAULT_PARK_TOKEN, FilterOp, ParkResult, SpinWait, UnparkResult, UnparkToken,
};
use crate::sync::thread_token;
use crate::timeout::{Deadline, Timeout};

const WRITER: usize = 0b001;
const WRITERS_PARKED: usize = 0b010;
const READERS_PARKED: usize = 0b100;
/// A reader holds the slot (`RwLock::reader`); its holds are among the readers counted.
const SLOT: usize = 0b1000;
/// One read hold in the state word.
const READER: usize = 0b1_0000;
/// The most readers at once.
const MAX_READERS: usize = usize::MAX / READER;

/// The token of a thread woken with the lock handed to it.
const HANDED: UnparkToken = UnparkToken(1);
/// The token of a thread woken to try again.
const RETRY: UnparkToken = UnparkToken(0);

#[cfg(not(loom))]
std::thread_local! {
    /// The read holds of the calling thread: `(lock key, count)`, one entry per lock it reads.
    static READS: RefCell<Vec<(usize, usize)>> = const { RefCell::new(Vec::new()) };
}

// loom runs every model thread on one OS thread: its thread-locals tell them apart.
#[cfg(loom)]
crate::loom::thread_local! {
    static READS: RefCell<Vec<(usize, usize)>> = RefCell::new(Vec::new());
}

/// How many read holds the calling thread has on the lock with key `key` in its list.
fn listed_reads(key: usize) -> usize {
    READS.with(|r| {
        r.borrow()
            .iter()
            .find(|(k, _)| *k == key)
            .map_or(0, |(_, n)| *n)
    })
}

/// A reader-writer lock: any number of readers, or one writer. See the module documentation
/// for its fairness.
#[derive(Debug, Default)]
pub struct RwLock {
    state: AtomicUsize,
    /// `thread_token()` of the writer, 0 when none. Written only by the writer (set after it
    /// takes the lock, cleared before it releases it), so a thread comparing it with its own
    /// token sees its own exactly when it writes.
    writer: AtomicUsize,
    /// `thread_token()` of the reader holding the slot, 0 when none. Written only by that reader
    /// (set after the CAS that sets `SLOT`, cleared before the one that clears it), so, as
    /// `writer`, a thread sees its own token here exactly when it holds the slot.
    reader: AtomicUsize,
    /// The slot reader's read holds (at least 1 while it holds the slot); read and written only
    /// by it (the state word's Release and Acquire order it between successive slot readers).
    reader_holds: AtomicUsize,
}

impl RwLock {
    crate::loom::const_fn! {
        /// A new, free lock.
        pub fn new() -> RwLock {
            RwLock {
                state: AtomicUsize::new(0),
                writer: AtomicUsize::new(0),
                reader: AtomicUsize::new(0),
                reader_holds: AtomicUsize::new(0),
            }
        }
    }

    /// Where readers park, and the key of the calling thread's read holds.
    fn readers_key(&self) -> usize {
        &self.state as *const AtomicUsize as usize
    }

    /// Where writers park.
    fn writers_key(&self) -> usize {
        self.readers_key() + 1
    }

    /// Takes a read hold, waiting at most `timeout`; returns whether it took one.
    /// `Timeout::After(ZERO)` tries once without waiting.
    ///
    /// A thread that already reads takes another hold at once, even while a writer waits.
    /// [`Error::Deadlock`] if the calling thread writes; [`Error::Overflow`] past the most
    /// readers a word counts.
    #[inline]
    pub fn acquire_read(&self, timeout: Timeout) -> Result<bool, Error> {
        if self.acquire_read_fast() {
            return Ok(true);
        }
        self.acquire_read_slow(timeout)
    }

    /// The uncontended first read hold, counted in the free slot: one CAS, no thread-local.
    /// False, having changed nothing, when that needs `acquire_read_slow` (a writer holds the
    /// lock or waits, or the slot is taken, by another reader or by this one).
    #[inline]
    pub(crate) fn acquire_read_fast(&self) -> bool {
        // Relaxed: a guess at the state, checked by the CAS.
        let s = self.state.load(Ordering::Relaxed);
        // Acquire: as in `read_slow`.
        let took = s & (WRITER | WRITERS_PARKED | SLOT) == 0
            && s / READER < MAX_READERS
            && self
                .state
                .compare_exchange_weak(s, s + READER + SLOT, Ordering::Acquire, Ordering::Relaxed)
                .is_ok();
        if took {
            // Relaxed: see the fields' comments; the slot is ours.
            self.reader.store(thread_token(), Ordering::Relaxed);
            self.reader_holds.store(1, Ordering::Relaxed);
        }
        took
    }

    /// The read hold `acquire_read_fast` could not take: another level of the caller's own
    /// holds, or a hold counted in the thread's list, waiting for it if need be.
    #[cold]
    pub(crate) fn acquire_read_slow(&self, timeout: Timeout) -> Result<bool, Error> {
        if self.writes() {
            return Err(Error::Deadlock);
        }
        if self.holds_slot() {
            // Our own hold keeps writers out: no need to wait.
            self.add_own_read()?;
            // Relaxed: see the field's comment.
            let holds = self.reader_holds.load(Ordering::Relaxed);
            self.reader_holds.store(holds + 1, Ordering::Relaxed);
            return Ok(true);
        }
        let key = self.readers_key();
        // One look at the thread's holds for the whole call (a thread-local costs a call in a
        // shared library); nothing else on this thread uses them meanwhile.
        READS.with(|reads| {
            let mut reads = reads.borrow_mut();
            if let Some((_, held)) = reads.iter_mut().find(|(k, _)| *k == key) {
                // Our own hold keeps writers out: no need to wait.
                self.add_own_read()?;
                *held += 1;
                return Ok(true);
            }
            let took = self.read_slow(timeout)?;
            if took {
                reads.push((key, 1));
            }
            Ok(took)
        })
    }

    /// Counts one more read hold of a thread that already has one (which keeps writers out);
    /// [`Error::Overflow`] past the most readers a word counts.
    fn add_own_read(&self) -> Result<(), Error> {
        // Acquire: as in `read_slow`.
        self.state
            .fetch_update(Ordering::Acquire, Ordering::Relaxed, |s| {
                (s / READER < MAX_READERS).then(|| s + READER)
            })
            .map(|_| ())
            .map_err(|_| Error::Overflow)
    }

    #[cold]
    fn read_slow(&self, timeout: Timeout) -> Result<bool, Error> {
        let deadline = timeout.deadline();
        let mut spin = SpinWait::new();
        // Relaxed: a guess at the state, checked by the CASes.
        let mut s = self.state.load(Ordering::Relaxed);
        loop {
            if s & (WRITER | WRITERS_PARKED) == 0 {
                if s / READER >= MAX_READERS {
                    return Err(Error::Overflow);
                }
                // Acquire: the reader sees everything the last writer wrote before its Release.
                match self.state.compare_exchange_weak(
                    s,
                    s + READER,
                    Ordering::Acquire,
                    Ordering::Relaxed,
                ) {
                    Ok(_) => return Ok(true),
                    Err(now) => s = now,
                }
                continue;
            }
            if timeout.is_zero() {
                return Ok(false);
            }
            if s & (WRITERS_PARKED | READERS_PARKED) == 0 && spin.spin() {
                s = self.state.load(Ordering::Relaxed);
                continue;
            }
            if s & READERS_PARKED == 0 {
                // Relaxed: re-validated under the bucket lock before parking.
                if let Err(now) = self.state.compare_exchange_weak(
                    s,
                    s | READERS_PARKED,
                    Ordering::Relaxed,
                    Ordering::Relaxed,
                ) {
                    s = now;
                    continue;
                }
                s |= READERS_PARKED;
            }
            match self.park(self.readers_key(), s, READERS_PARKED, deadline) {
                ParkResult::Unparked(HANDED) => return Ok(true),
                ParkResult::TimedOut => return Ok(false),
                _ => {}
            }
            spin.reset();
            s = self.state.load(Ordering::Relaxed);
        }
    }

    /// Gives back one read hold of the calling thread; the last reader out hands the lock to
    /// the writer that has waited longest.
    ///
    /// [`Error::NotOwner`] if the calling thread has no read hold.
    #[inline]
    pub fn release_read(&self) -> Result<(), Error> {
        if self.release_read_fast() {
            Ok(())
        } else {
            self.release_read_slow()
        }
    }

    /// Gives back one of the slot reader's holds, unless it is the last hold with a writer
    /// waiting for it: one CAS, no thread-local. False, having changed nothing, when that needs
    /// `release_read_slow` (the caller does not hold the slot, a writer is due the lock, or the
    /// state changed under the CAS).
    #[inline]
    pub(crate) fn release_read_fast(&self) -> bool {
        if !self.holds_slot() {
            return false;
        }
        // Relaxed: see the fields' comments (the slot is ours).
        let holds = self.reader_holds.load(Ordering::Relaxed);
        // Relaxed: a guess at the state, checked by the CAS.
        let s = self.state.load(Ordering::Relaxed);
        let release = if holds > 1 { READER } else { READER | SLOT };
        if s & !READERS_PARKED == READER | SLOT | WRITERS_PARKED {
            // The last reader out, with a writer parked: the hand-off is `release_read_slow`'s.
            return false;
        }
        self.reader_holds.store(holds - 1, Ordering::Relaxed);
        if holds == 1 {
            self.reader.store(0, Ordering::Relaxed);
        }
        // Release: publishes the reader's accesses to the next writer.
        if self
            .state
            .compare_exchange(s, s - release, Ordering::Release, Ordering::Relaxed)
            .is_ok()
        {
            return true;
        }
        // The slot is still ours: its fields get their values back.
        self.reader.store(thread_token(), Ordering::Relaxed);
        self.reader_holds.store(holds, Ordering::Relaxed);
        false
    }

    /// The release `release_read_fast` could not do: a hold from the thread's list (or
    /// [`Error::NotOwner`]), or the slot's when a writer is due the lock or the state changed.
    #[cold]
    pub(crate) fn release_read_slow(&self) -> Result<(), Error> {
        let release = if self.holds_slot() {
            // Relaxed: see the fields' comments (the slot is ours).
            let holds = self.reader_holds.load(Ordering::Relaxed) - 1;
            self.reader_holds.store(holds, Ordering::Relaxed);
            if holds == 0 {
                self.reader.store(0, Ordering::Relaxed);
                READER | SLOT
            } else {
                READER
            }
        } else {
            let key = self.readers_key();
            READS.with(|reads| {
                let mut reads = reads.borrow_mut();
                let at = reads
                    .iter()
                    .position(|(k, _)| *k == key)
                    .ok_or(Error::NotOwner)?;
                if reads[at].1 == 1 {
                    reads.swap_remove(at);
                } else {
                    reads[at].1 -= 1;
                }
                Ok::<(), Error>(())
            })?;
            READER
        };
        // Release: publishes the reader's accesses to the next writer. Acquire: the last reader
        // out hands the lock to a writer, which is ordered after this thread only (through the
        // parking lot), so this thread must first be ordered after every other reader's
        // release (as the last `Arc` dropped is).
        let before = self.state.fetch_sub(release, Ordering::AcqRel);
        if before & !(READERS_PARKED | SLOT) == READER | WRITERS_PARKED {
            self.hand_to_writer(false);
        }
        Ok(())
    }

    /// Takes the write hold, waiting at most `timeout`; returns whether it took it.
    /// `Timeout::After(ZERO)` tries once without waiting.
    ///
    /// [`Error::Deadlock`] if the calling thread already holds the lock, to read or to write:
    /// it would wait for itself (a read hold cannot be upgraded).
    pub fn acquire_write(&self, timeout: Timeout) -> Result<bool, Error> {
        if self.writes() || self.reads() > 0 {
            return Err(Error::Deadlock);
        }
        // Acquire: the writer sees everything every earlier holder wrote before its Release.
        let took = self
            .state
            .compare_exchange(0, WRITER, Ordering::Acquire, Ordering::Relaxed)
            .is_ok()
            || self.write_slow(timeout);
        if took {
            // Relaxed: see the field's comment.
            self.writer.store(thread_token(), Ordering::Relaxed);
        }
        Ok(took)
    }

    fn write_slow(&self, timeout: Timeout) -> bool {
        let deadline = timeout.deadline();
        let mut spin = SpinWait::new();
        // Relaxed: a guess at the state, checked by the CASes.
        let mut s = self.state.load(Ordering::Relaxed);
        loop {
            if s & !READERS_PARKED == 0 {
                // Acquire: as in `acquire_write`.
                match self.state.compare_exchange_weak(
                    s,
                    s | WRITER,
                    Ordering::Acquire,
                    Ordering::Relaxed,
                ) {
                    Ok(_) => return true,
                    Err(now) => s = now,
                }
                continue;
            }
            if timeout.is_zero() {
                return false;
            }
            if s & (WRITERS_PARKED | READERS_PARKED) == 0 && spin.spin() {
                s = self.state.load(Ordering::Relaxed);
                continue;
            }
            if s & WRITERS_PARKED == 0 {
                // Relaxed: re-validated under the bucket lock before parking.
                if let Err(now) = self.state.compare_exchange_weak(
                    s,
                    s | WRITERS_PARKED,
                    Ordering::Relaxed,
                    Ordering::Relaxed,
                ) {
                    s = now;
                    continue;
                }
                s |= WRITERS_PARKED;
            }
            match self.park(self.writers_key(), s, WRITERS_PARKED, deadline) {
                ParkResult::Unparked(HANDED) => return true,
                ParkResult::TimedOut => {
                    // The last writer gone may leave readers parked behind it alone.
                    self.wake_readers_if_free();
                    return false;
                }
                _ => {}
            }
            spin.reset();
            s = self.state.load(Ordering::Relaxed);
        }
    }

    /// Gives back the write hold: to every reader parked, if any, else to the writer that has
    /// waited longest, else the lock is free.
    ///
    /// [`Error::NotOwner`] if the calling thread does not write.
    pub fn release_write(&self) -> Result<(), Error> {
        if !self.writes() {
            return Err(Error::NotOwner);
        }
        // Relaxed: see the field's comment.
        self.writer.store(0, Ordering::Relaxed);
        // Release: publishes the critical section to the next holders.
        if self
            .state
            .compare_exchange(WRITER, 0, Ordering::Release, Ordering::Relaxed)
            .is_err()
        {
            self.release_write_slow();
        }
        Ok(())
    }

    #[cold]
    fn release_write_slow(&self) {
        loop {
            // Relaxed: a guess, checked by the CAS or under the bucket locks.
            let s = self.state.load(Ordering::Relaxed);
            if s & READERS_PARKED != 0 {
                if self.hand_to_readers(true) {
                    return;
                }
            } else if s & WRITERS_PARKED != 0 {
                if self.hand_to_writer(true) {
                    return;
                }
            } else if self
                .state
                .compare_exchange(s, s & !WRITER, Ordering::Release, Ordering::Relaxed)
                .is_ok()
            {
                return;
            }
        }
    }

    /// Wakes every parked reader, handing them the lock unless a writer holds it (other than
    /// the caller, if `from_writer`: the caller's write hold is then given up). Returns whether
    /// it handed the lock to at least one reader.
    fn hand_to_readers(&self, from_writer: bool) -> bool {
        let mut handed = false;
        let callback = |result: UnparkResult| {
            // Bucket lock held: every reader is taken off the queue, so the flag goes.
            let n = result.unparked_threads;
            // Release: the readers see the writer's critical section (their wake-up is also
            // ordered after this by the parking lot).
            let update = self
                .state
                .fetch_update(Ordering::Release, Ordering::Relaxed, |s| {
                    let s = if from_writer { s & !WRITER } else { s };
                    (n > 0 && s & WRITER == 0).then(|| (s & !READERS_PARKED) + n * READER)
                });
            handed = update.is_ok();
            if !handed {
                self.state.fetch_and(!READERS_PARKED, Ordering::Relaxed);
            }
            if handed { HANDED } else { RETRY }
        };
        table::unpark_filter(self.readers_key(), |_| FilterOp::Unpark, callback);
        handed
    }

    /// Wakes the writer that has waited longest, handing it the lock: the caller's write hold
    /// if `from_writer`, else the free lock the last reader left. Returns whether it handed it.
    fn hand_to_writer(&self, from_writer: bool) -> bool {
        let mut handed = false;
        let callback = |result: UnparkResult| {
            // Bucket lock held: the flag goes with the last parked writer.
            let parked = if result.have_more_threads {
                0
            } else {
                WRITERS_PARKED
            };
            // Relaxed: the parking lot orders the woken writer after this.
            let update = self
                .state
                .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |s| {
                    let free = from_writer || s & !(WRITERS_PARKED | READERS_PARKED) == 0;
                    (result.unparked_threads == 1 && free).then_some((s | WRITER) & !parked)
                });
            handed = update.is_ok();
            if !handed {
                self.state.fetch_and(!parked, Ordering::Relaxed);
            }
            if handed { HANDED } else { RETRY }
        };
        table::unpark_one(self.writers_key(), callback);
        if !handed && !from_writer {
            self.wake_readers_if_free();
        }
        handed
    }

    /// After `WRITERS_PARKED` went without a hand-off: readers parked behind it alone would
    /// wait for nobody, so they are woken.
    fn wake_readers_if_free(&self) {
        // Relaxed: checked again under the bucket lock.
        if self.state.load(Ordering::Relaxed) & (WRITER | WRITERS_PARKED | READERS_PARKED)
            == READERS_PARKED
        {
            self.hand_to_readers(false);
        }
    }

    /// Parks on `key` if the state is still `expected`; the last thread to time out clears
    /// `parked`.
    fn park(&self, key: usize, expected: usize, parked: usize, deadline: Deadline) -> ParkResult {
        // Relaxed: read under the bucket lock, which orders it with every hand-off and clear.
        let validate = || self.state.load(Ordering::Relaxed) == expected;
        let timed_out = |_, was_last_thread: bool| {
            if was_last_thread {
                self.state.fetch_and(!parked, Ordering::Relaxed);
            }
        };
        table::park(
            key,
            validate,
            || {},
            timed_out,
            DEFAULT_PARK_TOKEN,
            deadline,
        )
    }

    /// Whether the calling thread holds the write lock.
    pub fn writes(&self) -> bool {
        // Relaxed: see the field's comment; only our own writes can make this equal ours.
        self.writer.load(Ordering::Relaxed) == thread_token()
    }

    /// Whether the calling thread holds the slot (its read holds are counted there).
    #[inline]
    fn holds_slot(&self) -> bool {
        // Relaxed: see the field's comment; only our own writes can make this equal ours.
        self.reader.load(Ordering::Relaxed) == thread_token()
    }

    /// How many read holds the calling thread has.
    pub fn reads(&self) -> usize {
        let slot = if self.holds_slot() {
            // Relaxed: see the field's comment (the slot is ours).
            self.reader_holds.load(Ordering::Relaxed)
        } else {
            0
        };
        slot + listed_reads(self.readers_key())
    }

    /// The number of read holds of all threads (a snapshot).
    pub fn readers(&self) -> usize {
        // Relaxed: a snapshot that orders nothing.
        self.state.load(Ordering::Relaxed) / READER
    }

    /// Whether some thread holds the write lock (a snapshot).
    pub fn write_locked(&self) -> bool {
        // Relaxed: a snapshot that orders nothing.
        self.state.load(Ordering::Relaxed) & WRITER != 0
    }
}
