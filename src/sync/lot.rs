//! The parking lot: where every blocked weft thread sleeps, in one process-wide table of
//! queues keyed by an address (the word or object the thread waits on).
//!
//! It offers the operations of `parking_lot_core` that weft's primitives are written against
//! (`park` with a validation under the queue's lock, `unpark_one`, `unpark_all`,
//! `unpark_filter`, `unpark_requeue`) and is weft's own for one reason: `fork()`. A child made
//! by `fork()` has only the thread that forked, but inherits the table with the queue entries of
//! the parent's other threads; a wake-up meant for the child's own waiters would go to a thread
//! that does not exist there, and a queue lock a vanished thread held would never be released.
//! So the child starts with an empty table ([`after_fork_in_child`]): every thread that can
//! ever wait there is one the child starts itself.
//!
//! - The table is a fixed array of buckets (no resizing, so no global lock); a key's bucket is
//!   picked by hashing the address. Each bucket is a `std` mutex around a list of entries, in
//!   arrival order, so each key's queue is FIFO.
//! - Each thread has a [`Parker`] (shared with the entries that name it, so that a late wake-up
//!   never touches freed memory): a futex word it sleeps on, the unpark token, and the key it is
//!   queued under now (a requeue moves it).
//! - An unparker removes the entry and marks the parker woken under the bucket lock, and makes
//!   the wake-up system call after releasing it (for one thread; when it wakes several, the
//!   others at once, which keeps unparking free of allocation). A parker that times out re-takes its bucket
//!   lock: if no unparker got there first it removes its own entry, so a wake-up is either
//!   delivered or never sent, never lost.
//!
//! Callbacks run with the bucket (or, for a requeue, both buckets) locked: they must not call
//! into the parking lot, except `park`'s `before_sleep`, which runs after the lock is released.
//! A callback that panicked would leave the bucket consistent (entries are moved before or
//! after callbacks run, never during), and the lock ignores poisoning.

#[cfg(not(loom))]
pub(crate) use table::{SpinWait, after_fork_in_child, park, unpark_all, unpark_filter};
#[cfg(not(loom))]
pub(crate) use table::{unpark_one, unpark_requeue};

/// What a parked thread leaves for its unparkers' filters (Condition: the thread's token).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct ParkToken(pub(crate) usize);

/// What an unparker hands to the thread it wakes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct UnparkToken(pub(crate) usize);

/// The park token of a parker with nothing to say.
pub(crate) const DEFAULT_PARK_TOKEN: ParkToken = ParkToken(0);
/// The unpark token of an unparker with nothing to say.
pub(crate) const DEFAULT_UNPARK_TOKEN: UnparkToken = UnparkToken(0);

/// How a [`park`] ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum ParkResult {
    /// Woken by an unparker, with its token.
    Unparked(UnparkToken),
    /// `validate` said no: the thread never slept.
    Invalid,
    /// The deadline passed first.
    TimedOut,
}

/// What an unpark did, as its callback and its caller see it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct UnparkResult {
    /// Threads woken.
    pub(crate) unparked_threads: usize,
    /// Threads moved to the other key (`unpark_requeue`).
    pub(crate) requeued_threads: usize,
    /// Whether threads remain queued under the key.
    pub(crate) have_more_threads: bool,
}

/// An `unpark_filter` filter's verdict on one parked thread.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum FilterOp {
    /// Wake it.
    Unpark,
    /// Leave it and look at the next one.
    Skip,
    /// Leave it and every later one.
    Stop,
}

/// What an `unpark_requeue` does, as its `validate` decides.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum RequeueOp {
    /// Wake the first thread; leave the others.
    UnparkOne,
    /// Move the first thread.
    RequeueOne,
    /// Move every thread.
    RequeueAll,
}

#[cfg(not(loom))]
mod table {
    use std::sync::atomic::{AtomicPtr, AtomicU32, AtomicUsize, Ordering};
    use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
    use std::time::Instant;

    use super::{FilterOp, ParkResult, ParkToken, RequeueOp, UnparkResult, UnparkToken};
    use crate::os;

    /// Buckets in the table: enough that unrelated keys rarely share one while threads are
    /// parked on both (parking_lot_core sizes its table to three buckets per thread).
    const BUCKETS: usize = 512;

    /// A thread's place to sleep, shared by the thread and the queue entry that names it.
    struct Parker {
        /// [`WAITING`] while the thread is queued; [`WOKEN`] once an unparker took its entry.
        /// The futex word the thread sleeps on.
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
        /// queued. The caller then calls [`Parker::wake`] (best after releasing the lock).
        fn set_woken(&self, token: UnparkToken) {
            // Relaxed: published by the Release store below.
            self.token.store(token.0, Ordering::Relaxed);
            // Release: the woken thread's Acquire load sees the token and everything the
            // unparker wrote before (the lock released, the item put, the event set).
            self.state.store(WOKEN, Ordering::Release);
        }

        fn wake(&self) {
            os::futex_wake(&self.state);
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
    }

    /// One lock and the threads parked under the keys that hash to it, oldest first.
    #[repr(align(64))] // one cache line each: threads parked on unrelated keys do not share it
    struct Bucket(Mutex<Vec<Entry>>);

    struct Table([Bucket; BUCKETS]);

    impl Table {
        const fn new() -> Table {
            Table([const { Bucket(Mutex::new(Vec::new())) }; BUCKETS])
        }
    }

    /// The table threads park in before any fork.
    static FIRST: Table = Table::new();
    /// The table in use: [`FIRST`], or in a child made by `fork()`, a new one the child made.
    static TABLE: AtomicPtr<Table> = AtomicPtr::new(&FIRST as *const Table as *mut Table);
    /// The process [`TABLE`] was made for (0: the first process, which uses [`FIRST`]).
    static TABLE_OWNER: AtomicU32 = AtomicU32::new(0);
    static FORK_HOOK: os::Hook = os::Hook::new();

    /// Gives a child made by `fork()` an empty table of its own. The parent's table, with the
    /// entries of threads the child does not have and possibly a bucket locked by one of them,
    /// is left as it is: nothing in the child uses it again. Acts once per child however often
    /// it is called: weft's other child handlers call it first (`os::held_in_child`), since
    /// they release a lock (and so may unpark) before this handler's turn comes.
    pub(crate) extern "C" fn after_fork_in_child() {
        let me = os::process_id();
        // Relaxed: the child has one thread for now.
        if TABLE_OWNER.swap(me, Ordering::Relaxed) == me {
            return;
        }
        let fresh: &'static Table = Box::leak(Box::new(Table::new()));
        // Release: the child's later threads, started after this, see a complete table (thread
        // creation orders it anyway).
        TABLE.store(fresh as *const Table as *mut Table, Ordering::Release);
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
        // addresses (a queue's two signals, an array of locks) land far apart.
        const PHI: u64 = 0x9E37_79B9_7F4A_7C15;
        ((key as u64).wrapping_mul(PHI) >> (64 - BUCKETS.trailing_zeros())) as usize
    }

    pub(super) fn lock(index: usize) -> MutexGuard<'static, Vec<Entry>> {
        table().0[index]
            .0
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }

    /// Locks the bucket `key` is queued under for the parker, following it if a requeue moves
    /// it meanwhile.
    fn lock_current(parker: &Parker) -> (usize, MutexGuard<'static, Vec<Entry>>) {
        loop {
            // Relaxed: re-checked under the bucket lock, with which requeues change it.
            let key = parker.key.load(Ordering::Relaxed);
            let bucket = lock(index(key));
            if parker.key.load(Ordering::Relaxed) == key {
                return (key, bucket);
            }
        }
    }

    fn has(bucket: &[Entry], key: usize) -> bool {
        bucket.iter().any(|e| e.key == key)
    }

    /// Queues the calling thread under `key` if `validate` (run with the bucket locked) says
    /// so, runs `before_sleep` once queued and unlocked, then sleeps until an unparker wakes it
    /// or `deadline` passes. On a timeout, `timed_out` runs with the bucket locked and the
    /// entry removed, given the key the thread was queued under then (a requeue may have moved
    /// it) and whether it was the last thread under that key.
    pub(crate) fn park(
        key: usize,
        validate: impl FnOnce() -> bool,
        before_sleep: impl FnOnce(),
        timed_out: impl FnOnce(usize, bool),
        token: ParkToken,
        deadline: Option<Instant>,
    ) -> ParkResult {
        os::at_fork(&FORK_HOOK, None, None, after_fork_in_child);
        let parker = Parker::mine();
        {
            let mut bucket = lock(index(key));
            if !validate() {
                return ParkResult::Invalid;
            }
            // Relaxed: this thread's own words, read by unparkers under this bucket's lock.
            parker.state.store(WAITING, Ordering::Relaxed);
            parker.key.store(key, Ordering::Relaxed);
            bucket.push(Entry {
                key,
                token,
                parker: parker.clone(),
                chosen: false,
            });
        }
        before_sleep();
        loop {
            // Acquire: see `set_woken`.
            if parker.state.load(Ordering::Acquire) == WOKEN {
                return ParkResult::Unparked(UnparkToken(parker.token.load(Ordering::Relaxed)));
            }
            let left = match deadline {
                None => None,
                Some(at) => match at.checked_duration_since(Instant::now()) {
                    Some(left) if !left.is_zero() => Some(left),
                    _ => break,
                },
            };
            os::futex_wait(&parker.state, WAITING, left);
        }
        // The deadline passed: leave the queue, unless an unparker took the entry first.
        let (key, mut bucket) = lock_current(&parker);
        // Acquire: see `set_woken` (an unparker that took the entry did so under this lock).
        if parker.state.load(Ordering::Acquire) == WOKEN {
            return ParkResult::Unparked(UnparkToken(parker.token.load(Ordering::Relaxed)));
        }
        let at = bucket
            .iter()
            .position(|e| Arc::ptr_eq(&e.parker, &parker))
            .expect("a thread not woken is still queued");
        bucket.remove(at);
        timed_out(key, !has(&bucket, key));
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
            .iter()
            .position(|e| e.key == key)
            .map(|at| bucket.remove(at));
        if woken.is_some() {
            result.unparked_threads = 1;
            result.have_more_threads = has(&bucket, key);
        }
        let token = callback(result);
        let parker = woken.map(|entry| {
            entry.parker.set_woken(token);
            entry.parker
        });
        drop(bucket);
        if let Some(parker) = parker {
            parker.wake();
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
        // Marked first, taken out once the callback has given the token (no allocation).
        for entry in bucket.iter_mut().filter(|e| e.key == key) {
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
        let token = callback(result);
        // The first thread is woken once the lock is released (most unparks wake one); any
        // others at once, which needs no allocation: they do not need the lock to return.
        let mut first = None;
        let mut left = result.unparked_threads;
        let mut at = 0;
        while left > 0 {
            if !bucket[at].chosen {
                at += 1;
                continue;
            }
            let entry = bucket.remove(at);
            left -= 1;
            entry.parker.set_woken(token);
            match first {
                None => first = Some(entry.parker),
                Some(_) => entry.parker.wake(),
            }
        }
        drop(bucket);
        if let Some(parker) = first {
            parker.wake();
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
            Some(second) if i < j => (&mut *first, Some(&mut **second)),
            Some(second) => (&mut **second, Some(&mut *first)),
        };
        let mut result = UnparkResult::default();
        let op = validate();
        let mut woken = None;
        // Entries moved within one bucket go to its end, behind those already under `to`;
        // `end` keeps the loop off them.
        let mut end = source.len();
        let mut at = 0;
        while at < end {
            if source[at].key != from {
                at += 1;
                continue;
            }
            let mut entry = source.remove(at);
            end -= 1;
            if op == RequeueOp::UnparkOne {
                woken = Some(entry.parker);
                result.unparked_threads = 1;
            } else {
                // Relaxed: read under this lock or `to`'s, both held.
                entry.parker.key.store(to, Ordering::Relaxed);
                entry.key = to;
                match &mut target {
                    Some(target) => target.push(entry),
                    None => source.push(entry),
                }
                result.requeued_threads += 1;
            }
            if matches!(op, RequeueOp::UnparkOne | RequeueOp::RequeueOne) {
                result.have_more_threads = has(&source[..end], from);
                break;
            }
        }
        let token = callback(op, result);
        if let Some(parker) = &woken {
            parker.set_woken(token);
        }
        drop(second);
        drop(first);
        if let Some(parker) = woken {
            parker.wake();
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
}

#[cfg(all(test, not(loom)))]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::thread::{self, JoinHandle};
    use std::time::{Duration, Instant};

    use super::*;

    /// Keys no other test uses (the tests run side by side in one table): addresses of bytes
    /// nothing else parks on.
    fn keys<const N: usize>() -> [usize; N] {
        static BYTES: [u8; 64] = [0; 64];
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        // Relaxed: only the uniqueness of the numbers handed out matters.
        std::array::from_fn(|_| &BYTES[NEXT.fetch_add(1, Ordering::Relaxed)] as *const u8 as usize)
    }

    /// Threads queued under `key` now.
    fn queued(key: usize) -> usize {
        table::lock(table::index(key))
            .iter()
            .filter(|e| e.key == key)
            .count()
    }

    /// Starts a thread that parks under `key` with `token` (and `deadline`), and returns once it
    /// is queued (or, with a deadline, has already timed out: Miri's clock runs fast): what
    /// `park` returned, and the key and last-thread flag `timed_out` was given.
    fn parked(
        key: usize,
        token: usize,
        deadline: Option<Instant>,
    ) -> JoinHandle<(ParkResult, Option<(usize, bool)>)> {
        let before = queued(key);
        let handle = thread::spawn(move || {
            let mut timed_out_with = None;
            let result = park(
                key,
                || true,
                || {},
                |at, last| timed_out_with = Some((at, last)),
                ParkToken(token),
                deadline,
            );
            (result, timed_out_with)
        });
        while queued(key) == before && !handle.is_finished() {
            thread::yield_now();
        }
        handle
    }

    #[test]
    fn each_key_is_woken_in_arrival_order_with_the_unparkers_token() {
        let [key, other] = keys();
        let first = parked(key, 1, None);
        let beside = parked(other, 9, None);
        let second = parked(key, 2, None);
        let result = unpark_one(key, |result| {
            assert_eq!(result.unparked_threads, 1);
            assert!(result.have_more_threads);
            UnparkToken(41)
        });
        assert_eq!(result.unparked_threads, 1);
        assert_eq!(
            first.join().unwrap(),
            (ParkResult::Unparked(UnparkToken(41)), None)
        );
        let result = unpark_one(key, |result| {
            assert!(!result.have_more_threads);
            UnparkToken(42)
        });
        assert_eq!(result.unparked_threads, 1);
        assert_eq!(
            second.join().unwrap().0,
            ParkResult::Unparked(UnparkToken(42))
        );
        assert_eq!(unpark_one(key, |_| UnparkToken(0)).unparked_threads, 0);
        assert_eq!(unpark_all(other, UnparkToken(0)), 1);
        assert_eq!(
            beside.join().unwrap().0,
            ParkResult::Unparked(UnparkToken(0))
        );
    }

    #[test]
    fn a_refused_validation_never_queues() {
        let [key] = keys();
        let result = park(
            key,
            || false,
            || unreachable!(),
            |_, _| {},
            ParkToken(0),
            None,
        );
        assert_eq!(result, ParkResult::Invalid);
        assert_eq!(queued(key), 0);
    }

    #[test]
    fn a_filter_skips_and_stops() {
        let [key] = keys();
        let threads: Vec<_> = (1..=4).map(|token| parked(key, token, None)).collect();
        // Wakes the even tokens up to 2, skipping 1; stops at 3.
        let result = unpark_filter(
            key,
            |token| match token.0 {
                1 => FilterOp::Skip,
                2 => FilterOp::Unpark,
                _ => FilterOp::Stop,
            },
            |result| {
                assert_eq!(result.unparked_threads, 1);
                assert!(result.have_more_threads);
                UnparkToken(7)
            },
        );
        assert_eq!(result.unparked_threads, 1);
        assert_eq!(queued(key), 3);
        assert_eq!(unpark_all(key, UnparkToken(8)), 3);
        let tokens: Vec<_> = threads.into_iter().map(|t| t.join().unwrap().0).collect();
        let woken = |t| ParkResult::Unparked(UnparkToken(t));
        assert_eq!(tokens, [woken(8), woken(7), woken(8), woken(8)]);
    }

    #[test]
    fn a_requeue_moves_threads_behind_the_targets_own() {
        let [from, to] = keys();
        let on_target = parked(to, 1, None);
        let moved_first = parked(from, 2, None);
        let moved_second = parked(from, 3, None);
        let result = unpark_requeue(
            from,
            to,
            || RequeueOp::RequeueOne,
            |_, result| {
                assert_eq!(result.requeued_threads, 1);
                assert!(result.have_more_threads);
                UnparkToken(0)
            },
        );
        assert_eq!(
            (result.requeued_threads, queued(from), queued(to)),
            (1, 1, 2)
        );
        let result = unpark_requeue(from, to, || RequeueOp::RequeueAll, |_, _| UnparkToken(0));
        assert_eq!(
            (result.requeued_threads, queued(from), queued(to)),
            (1, 0, 3)
        );
        // Woken one by one from the target: its own thread first, then the moved ones in order.
        let mut order = Vec::new();
        for handle in [on_target, moved_first, moved_second] {
            unpark_one(to, |_| UnparkToken(order.len() + 1));
            order.push(handle.join().unwrap().0);
        }
        let woken = |t| ParkResult::Unparked(UnparkToken(t));
        assert_eq!(order, [woken(1), woken(2), woken(3)]);
        // UnparkOne wakes instead of moving.
        let waiting = parked(from, 4, None);
        let result = unpark_requeue(from, to, || RequeueOp::UnparkOne, |_, _| UnparkToken(5));
        assert_eq!((result.unparked_threads, result.requeued_threads), (1, 0));
        assert_eq!(waiting.join().unwrap().0, woken(5));
    }

    #[test]
    fn a_timeout_leaves_the_queue_and_reports_the_key_it_was_moved_to() {
        let [from, to, alone] = keys();
        let soon = || Some(Instant::now() + Duration::from_millis(10));
        // Two on one key, the one that times out queued second: it is not the last there.
        let stays = parked(alone, 0, None);
        let leaves = parked(alone, 0, soon());
        assert_eq!(
            leaves.join().unwrap(),
            (ParkResult::TimedOut, Some((alone, false)))
        );
        assert_eq!(queued(alone), 1);
        unpark_all(alone, UnparkToken(0));
        assert_eq!(
            stays.join().unwrap().0,
            ParkResult::Unparked(UnparkToken(0))
        );
        // Moved to `to` before it sleeps (its own `before_sleep` moves it, so the deadline
        // cannot pass first): it times out under `to`.
        let mut timed_out_with = None;
        let result = park(
            from,
            || true,
            || {
                unpark_requeue(from, to, || RequeueOp::RequeueAll, |_, _| UnparkToken(0));
            },
            |at, last| timed_out_with = Some((at, last)),
            ParkToken(0),
            soon(),
        );
        assert_eq!(
            (result, timed_out_with),
            (ParkResult::TimedOut, Some((to, true)))
        );
        assert_eq!((queued(from), queued(to)), (0, 0));
    }

    #[test]
    fn before_sleep_runs_once_queued_and_may_unpark_its_own_thread() {
        let [key] = keys();
        let mut ran = 0;
        let result = park(
            key,
            || true,
            || {
                assert_eq!(queued(key), 1, "queued before it sleeps");
                ran += 1;
                unpark_one(key, |_| UnparkToken(3));
            },
            |_, _| unreachable!(),
            ParkToken(0),
            None,
        );
        assert_eq!(result, ParkResult::Unparked(UnparkToken(3)));
        assert_eq!(ran, 1);
    }
}
