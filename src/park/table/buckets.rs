//! The table itself: buckets of parked threads, and the operations on them.

use std::collections::VecDeque;
use std::sync::atomic::{AtomicPtr, AtomicU32, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

use super::{FilterOp, ParkResult, ParkToken, RequeueOp, UnparkResult, UnparkToken};
use crate::cancel::CancelToken;
use crate::os;
use crate::timeout::Deadline;

/// Buckets in the table: enough that unrelated keys rarely share one while threads are
/// parked on both (parking_lot_core sizes its table to three buckets per thread).
const BUCKETS: usize = 512;

/// A thread's place to sleep, shared by the thread and the queue entry that names it.
struct Parker {
    /// [`WAITING`] while the thread is queued; [`WOKEN`] once an unparker took its entry.
    /// The futex word the thread sleeps on, unless it parked with a cancellation token.
    state: AtomicU32,
    /// The unparker's token, written before `state` is set to [`WOKEN`].
    token: AtomicUsize,
    /// The key the thread is queued under now (a requeue changes it under both buckets'
    /// locks): where a thread that times out looks for its entry.
    key: AtomicUsize,
}

const WAITING: u32 = 0;
const WOKEN: u32 = 1;

impl Parker {
    fn new() -> Parker {
        Parker {
            state: AtomicU32::new(WAITING),
            token: AtomicUsize::new(0),
            key: AtomicUsize::new(0),
        }
    }

    /// The calling thread's parker (a new one while the thread's locals are being
    /// destroyed, when a destructor may still wait on a lock).
    fn mine() -> Arc<Parker> {
        thread_local! {
            static MINE: Arc<Parker> = Arc::new(Parker::new());
        }
        MINE.try_with(Arc::clone)
            .unwrap_or_else(|_| Arc::new(Parker::new()))
    }

    /// Marks the thread woken with `token`. Bucket lock held: the thread is no longer
    /// queued. The caller then calls [`Entry::wake`] (best after releasing the lock).
    fn set_woken(&self, token: UnparkToken) {
        // Relaxed: published by the Release store below.
        self.token.store(token.0, Ordering::Relaxed);
        // Release: the woken thread's Acquire load sees the token and everything the
        // unparker wrote before (the lock released, the item put, the event set).
        self.state.store(WOKEN, Ordering::Release);
    }
}

/// A parked thread in a bucket's list.
pub(super) struct Entry {
    /// The parker's `key`, copied here so that scanning a bucket stays in its list (both
    /// change together, under the bucket locks).
    pub(super) key: usize,
    token: ParkToken,
    parker: Arc<Parker>,
    /// Picked by an `unpark_filter` under way (set and cleared under the bucket lock).
    chosen: bool,
    /// The token that ends the thread's wait, whose word it then sleeps on instead of its
    /// parker's.
    cancel: Option<Arc<CancelToken>>,
}

#[cfg(test)]
impl Entry {
    /// An entry no thread sleeps on (its parker is a new one's): for the tests that queue
    /// more entries than they could start threads.
    pub(super) fn idle(key: usize, token: ParkToken) -> Entry {
        Entry {
            key,
            token,
            parker: Arc::new(Parker::new()),
            chosen: false,
            cancel: None,
        }
    }
}

impl Entry {
    /// Wakes the thread of an entry taken out of its bucket, its parker marked woken (best
    /// after releasing the bucket lock). A thread parked with a token sleeps on the token's
    /// word: the wake-up goes through it.
    fn wake(self) {
        match self.cancel {
            Some(cancel) => cancel.woke_one(),
            None => os::futex_wake(&self.parker.state),
        }
    }
}

/// What a bucket's lock guards: the threads parked under the keys that hash to it, oldest
/// first, and its fairness timer. A deque, so that taking the oldest (most unparks) moves no
/// other entry, and waking or moving many is one pass through it (see [`take_each`]), not a
/// removal from the middle for each.
pub(super) struct Queue {
    pub(super) entries: VecDeque<Entry>,
    fair: FairTimer,
}

/// When an unpark under a bucket should next be fair ([`UnparkResult::be_fair`]): a random
/// 0 to 1 ms (0.5 ms on average) after the last fair one, as in `parking_lot_core`, so that
/// a lock hands itself to a waiter about every 0.5 ms while others keep re-taking it, and
/// the keys of a bucket do not fall into step.
struct FairTimer {
    /// The instant after which the next unpark is fair; `None` before the first.
    at: Option<Instant>,
    /// Xorshift state for the jitter; 0 until seeded (xorshift never leaves 0).
    seed: u32,
}

impl FairTimer {
    /// Whether an unpark now is fair; if so, sets the next instant. `key` seeds the jitter
    /// the first time: buckets start at different points of it.
    fn due(&mut self, key: usize) -> bool {
        let now = Instant::now();
        if self.at.is_some_and(|at| now <= at) {
            return false;
        }
        if self.seed == 0 {
            self.seed = index(key) as u32 + 1;
        }
        // Marsaglia's xorshift32: cheap, and random enough to keep buckets out of step.
        self.seed ^= self.seed << 13;
        self.seed ^= self.seed >> 17;
        self.seed ^= self.seed << 5;
        self.at = now.checked_add(Duration::from_nanos(u64::from(self.seed % 1_000_000)));
        true
    }
}

/// One lock and what it guards.
#[repr(align(64))] // one cache line each: threads parked on unrelated keys do not share it
struct Bucket(Mutex<Queue>);

struct Table([Bucket; BUCKETS]);

impl Table {
    const fn new() -> Table {
        const EMPTY: Queue = Queue {
            entries: VecDeque::new(),
            fair: FairTimer { at: None, seed: 0 },
        };
        Table([const { Bucket(Mutex::new(EMPTY)) }; BUCKETS])
    }
}

/// The table threads park in before any fork.
static FIRST: Table = Table::new();
/// The table in use: [`FIRST`], or in a child made by `fork()`, a new one the child made.
static TABLE: AtomicPtr<Table> = AtomicPtr::new(&FIRST as *const Table as *mut Table);
/// The process [`TABLE`] was made for (0: the first process, which uses [`FIRST`]).
static TABLE_OWNER: AtomicU32 = AtomicU32::new(0);
/// How many forks separate this process from the one that loaded weft: 0 there, one more in
/// each child made by `fork()` (counted with the child's new table).
static FORKS: AtomicU64 = AtomicU64::new(0);
static FORK_HOOK: os::Hook = os::Hook::new();

/// Gives a child made by `fork()` an empty table of its own. The parent's table, with the
/// entries of threads the child does not have and possibly a bucket locked by one of them,
/// is left as it is: nothing in the child uses it again. Acts once per child however often
/// it is called: weft's other child handlers call it first (`fork::held_in_child`), since
/// they release a lock (and so may unpark) before this handler's turn comes.
pub(crate) extern "C" fn after_fork_in_child() {
    let me = os::process_id();
    // Relaxed: the child has one thread for now.
    if TABLE_OWNER.swap(me, Ordering::Relaxed) == me {
        return;
    }
    // Relaxed: as above.
    FORKS.fetch_add(1, Ordering::Relaxed);
    let fresh: &'static Table = Box::leak(Box::new(Table::new()));
    // Release: the child's later threads, started after this, see a complete table (thread
    // creation orders it anyway).
    TABLE.store(fresh as *const Table as *mut Table, Ordering::Release);
}

/// [`FORKS`]: an object that counts the threads waiting in it (a Barrier) keeps it with the
/// count, and so knows, when it differs, that the count is a parent's, whose threads do not
/// exist here. Distinct for a process and each of its ancestors.
pub(crate) fn forks() -> u64 {
    // Relaxed: it changes only in a child's fork handler, before the child has another thread
    // (whose creation orders the change before everything that thread does).
    FORKS.load(Ordering::Relaxed)
}

fn table() -> &'static Table {
    // Acquire: pairs with the store in `after_fork_in_child`.
    let table = TABLE.load(Ordering::Acquire);
    // SAFETY: TABLE only ever holds `&FIRST` or a table leaked by `after_fork_in_child`:
    // both live, unmoved and never mutably borrowed, for the rest of the process.
    unsafe { &*table }
}

/// (Visible to the tests, which look into the buckets.)
pub(super) fn index(key: usize) -> usize {
    // Fibonacci hashing: the top bits of the address times 2^64/φ, so that neighbouring
    // addresses (a queue's two condvars, an array of locks) land far apart.
    const PHI: u64 = 0x9E37_79B9_7F4A_7C15;
    ((key as u64).wrapping_mul(PHI) >> (64 - BUCKETS.trailing_zeros())) as usize
}

pub(super) fn lock(index: usize) -> MutexGuard<'static, Queue> {
    table().0[index]
        .0
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
}

/// Locks the bucket `key` is queued under for the parker, following it if a requeue moves
/// it meanwhile.
fn lock_current(parker: &Parker) -> (usize, MutexGuard<'static, Queue>) {
    loop {
        // Relaxed: re-checked under the bucket lock, with which requeues change it.
        let key = parker.key.load(Ordering::Relaxed);
        let bucket = lock(index(key));
        if parker.key.load(Ordering::Relaxed) == key {
            return (key, bucket);
        }
    }
}

fn has(bucket: &VecDeque<Entry>, key: usize) -> bool {
    bucket.iter().any(|e| e.key == key)
}

/// What [`take_each`]'s caller did with an entry offered to it.
enum Offer {
    /// Left it: the entry, to be kept in its place.
    Kept(Entry),
    /// Took it; the next one, please.
    Taken,
    /// Took it, and wants no more: the rest stay as they are.
    TakenLast,
}

/// Offers the bucket's entries, oldest first, to `take`, keeping those it leaves in their
/// order. One pass, moving each entry at most once: taking entries from the middle with
/// `VecDeque::remove` would move those after each, and waking a thousand waiters would then
/// move half a million entries with the bucket locked.
fn take_each(bucket: &mut VecDeque<Entry>, mut take: impl FnMut(Entry) -> Offer) {
    let len = bucket.len();
    let (mut seen, mut kept) = (0, 0);
    while seen < len {
        let entry = bucket
            .pop_front()
            .expect("`len` entries are offered once each");
        seen += 1;
        match take(entry) {
            Offer::Kept(entry) => {
                bucket.push_back(entry);
                kept += 1;
            }
            Offer::Taken => {}
            Offer::TakenLast => break,
        }
    }
    // The entries not offered are at the front now, those kept behind them: put them back in
    // front of the kept ones (moving the fewer of the two). Most unparks take the first entry
    // and keep none, and have nothing to put back.
    let unreached = len - seen;
    if kept > 0 && unreached > 0 {
        bucket.rotate_left(unreached);
    }
}

/// Queues the calling thread under `key` if `validate` (run with the bucket locked) says
/// so, runs `before_sleep` once queued and unlocked, then sleeps until an unparker wakes it
/// or `deadline` passes (or the thread's cancellation token, if the deadline takes it, is
/// set: that ends the wait as a timeout does). On a timeout, `timed_out` runs with the bucket
/// locked and the entry removed, given the key the thread was queued under then (a requeue may
/// have moved it) and whether it was the last thread under that key.
pub(crate) fn park(
    key: usize,
    validate: impl FnOnce() -> bool,
    before_sleep: impl FnOnce(),
    timed_out: impl FnOnce(usize, bool),
    token: ParkToken,
    deadline: Deadline,
) -> ParkResult {
    os::at_fork(&FORK_HOOK, None, None, after_fork_in_child);
    let parker = Parker::mine();
    let cancel = deadline.token();
    {
        let mut bucket = lock(index(key));
        if !validate() {
            return ParkResult::Invalid;
        }
        // Relaxed: this thread's own words, read by unparkers under this bucket's lock.
        parker.state.store(WAITING, Ordering::Relaxed);
        parker.key.store(key, Ordering::Relaxed);
        bucket.entries.push_back(Entry {
            key,
            token,
            parker: parker.clone(),
            chosen: false,
            cancel: cancel.clone(),
        });
    }
    before_sleep();
    loop {
        // With a token, the word to sleep on is read first: an unparker changes it after
        // setting `state` (`Entry::wake`), so a wake-up after the look at `state` below
        // stops the sleep. A set token ends the wait.
        let word = match &cancel {
            None => None,
            Some(cancel) => match cancel.sleep_value() {
                None => break,
                some => some,
            },
        };
        // Acquire: see `set_woken`.
        if parker.state.load(Ordering::Acquire) == WOKEN {
            return ParkResult::Unparked(UnparkToken(parker.token.load(Ordering::Relaxed)));
        }
        let left = match deadline.instant() {
            None => None,
            Some(at) => match at.checked_duration_since(Instant::now()) {
                Some(left) if !left.is_zero() => Some(left),
                _ => break,
            },
        };
        match (&cancel, word) {
            (Some(cancel), Some(word)) => os::futex_wait(cancel.word(), word, left),
            _ => os::futex_wait(&parker.state, WAITING, left),
        }
    }
    // The deadline passed or the token was set: leave the queue, unless an unparker took the
    // entry first.
    let (key, mut bucket) = lock_current(&parker);
    // Acquire: see `set_woken` (an unparker that took the entry did so under this lock).
    if parker.state.load(Ordering::Acquire) == WOKEN {
        return ParkResult::Unparked(UnparkToken(parker.token.load(Ordering::Relaxed)));
    }
    let at = bucket
        .entries
        .iter()
        .position(|e| Arc::ptr_eq(&e.parker, &parker))
        .expect("a thread not woken is still queued");
    bucket.entries.remove(at);
    timed_out(key, !has(&bucket.entries, key));
    ParkResult::TimedOut
}

/// Wakes the first thread queued under `key`, if any; `callback` runs first (bucket
/// locked) with what is about to happen, and returns the token to hand over.
pub(crate) fn unpark_one(
    key: usize,
    callback: impl FnOnce(UnparkResult) -> UnparkToken,
) -> UnparkResult {
    let mut bucket = lock(index(key));
    let mut result = UnparkResult::default();
    let woken = bucket
        .entries
        .iter()
        .position(|e| e.key == key)
        .and_then(|at| bucket.entries.remove(at));
    if woken.is_some() {
        result.unparked_threads = 1;
        result.have_more_threads = has(&bucket.entries, key);
        result.be_fair = bucket.fair.due(key);
    }
    let token = callback(result);
    if let Some(entry) = &woken {
        entry.parker.set_woken(token);
    }
    drop(bucket);
    if let Some(entry) = woken {
        entry.wake();
    }
    result
}

/// Wakes every thread queued under `key` with `token`; returns how many.
pub(crate) fn unpark_all(key: usize, token: UnparkToken) -> usize {
    unpark_filter(key, |_| FilterOp::Unpark, |_| token).unparked_threads
}

/// Offers each thread queued under `key`, oldest first, to `filter`; wakes those it picks
/// with the token `callback` returns (it runs after the filter, bucket locked).
pub(crate) fn unpark_filter(
    key: usize,
    mut filter: impl FnMut(ParkToken) -> FilterOp,
    callback: impl FnOnce(UnparkResult) -> UnparkToken,
) -> UnparkResult {
    let mut bucket = lock(index(key));
    let mut result = UnparkResult::default();
    // Marked first, taken out once the callback has given the token.
    for entry in bucket.entries.iter_mut().filter(|e| e.key == key) {
        match filter(entry.token) {
            FilterOp::Unpark => {
                entry.chosen = true;
                result.unparked_threads += 1;
            }
            FilterOp::Skip => result.have_more_threads = true,
            FilterOp::Stop => {
                result.have_more_threads = true;
                break;
            }
        }
    }
    if result.unparked_threads > 0 {
        result.be_fair = bucket.fair.due(key);
    }
    let token = callback(result);
    // Taken out in one pass and woken once the lock is released, oldest first: the first on
    // its own (most unparks wake one), any others from a list (the only allocation here: their
    // system calls, a few hundred nanoseconds each, are not made with the bucket locked).
    let mut first = None;
    let mut others = Vec::new();
    let mut left = result.unparked_threads;
    if left > 0 {
        take_each(&mut bucket.entries, |entry| {
            if !entry.chosen {
                return Offer::Kept(entry);
            }
            left -= 1;
            entry.parker.set_woken(token);
            match first {
                None => first = Some(entry),
                Some(_) => others.push(entry),
            }
            if left == 0 {
                Offer::TakenLast
            } else {
                Offer::Taken
            }
        });
    }
    drop(bucket);
    if let Some(entry) = first {
        entry.wake();
    }
    if !others.is_empty() {
        others.into_iter().for_each(Entry::wake);
    }
    result
}

/// Moves the first or every thread queued under `from` to the end of `to`'s queue, or wakes
/// the first, as `validate` (both buckets locked) decides; `callback` then runs with what
/// was done and returns the token for a thread woken.
pub(crate) fn unpark_requeue(
    from: usize,
    to: usize,
    validate: impl FnOnce() -> RequeueOp,
    callback: impl FnOnce(RequeueOp, UnparkResult) -> UnparkToken,
) -> UnparkResult {
    let (i, j) = (index(from), index(to));
    // Both buckets, the lower index first, so that two requeues cannot deadlock.
    let mut first = lock(i.min(j));
    let mut second = (i != j).then(|| lock(i.max(j)));
    let (source, mut target) = match &mut second {
        None => (&mut *first, None),
        Some(second) if i < j => (&mut *first, Some(&mut second.entries)),
        Some(second) => (&mut **second, Some(&mut first.entries)),
    };
    let mut result = UnparkResult::default();
    let op = validate();
    let mut woken = None;
    // Entries moved within one bucket go to its end, behind those already under `to`, once
    // the pass is over: meanwhile they wait here (the one allocation in the parking lot, made
    // only when `from` and `to` share a bucket).
    let mut moved_here = Vec::new();
    let only_one = matches!(op, RequeueOp::UnparkOne | RequeueOp::RequeueOne);
    take_each(&mut source.entries, |mut entry| {
        if entry.key != from {
            return Offer::Kept(entry);
        }
        if op == RequeueOp::UnparkOne {
            woken = Some(entry);
            result.unparked_threads = 1;
        } else {
            // Relaxed: read under this lock or `to`'s, both held.
            entry.parker.key.store(to, Ordering::Relaxed);
            entry.key = to;
            match &mut target {
                Some(target) => target.push_back(entry),
                None => moved_here.push(entry),
            }
            result.requeued_threads += 1;
        }
        if only_one {
            Offer::TakenLast
        } else {
            Offer::Taken
        }
    });
    if only_one && result.unparked_threads + result.requeued_threads > 0 {
        result.have_more_threads = has(&source.entries, from);
    }
    if !moved_here.is_empty() {
        source.entries.extend(moved_here);
    }
    if result.unparked_threads > 0 {
        result.be_fair = source.fair.due(from);
    }
    let token = callback(op, result);
    if let Some(entry) = &woken {
        entry.parker.set_woken(token);
    }
    drop(second);
    drop(first);
    if let Some(entry) = woken {
        entry.wake();
    }
    result
}

/// `parking_lot_core`'s `SpinWait`: a few rounds of growing busy-waits, then of yields,
/// before a caller gives up and parks.
pub(crate) struct SpinWait {
    rounds: u32,
}

impl SpinWait {
    pub(crate) fn new() -> SpinWait {
        SpinWait { rounds: 0 }
    }

    /// Waits a little; false once the caller should park instead.
    pub(crate) fn spin(&mut self) -> bool {
        if self.rounds >= 10 {
            return false;
        }
        self.rounds += 1;
        if self.rounds <= 3 {
            for _ in 0..1 << self.rounds {
                std::hint::spin_loop();
            }
        } else {
            std::thread::yield_now();
        }
        true
    }

    /// Starts over, after the caller was woken.
    pub(crate) fn reset(&mut self) {
        self.rounds = 0;
    }
}
