//! `Queue`: Python's `queue` module (`Queue`, `LifoQueue`, `PriorityQueue`, `SimpleQueue`), with
//! Python 3.13's `shutdown`.
//!
//! One mutex guards the items, the unfinished-task count, the shut-down flag and the threads
//! waiting for each of the three things a thread can wait for (`Waiters`); each of those has
//! its own `Condvar`. A waiter counts itself in under the mutex before it parks and out after it
//! wakes, and a notifier picks the threads it wakes off the count, so the thread that changes the
//! state knows, under the same mutex, whether anyone still needs waking:
//!
//! | change                        | who is woken                   | only if              |
//! |-------------------------------|--------------------------------|----------------------|
//! | an item is put                | one getter (`not_empty`)       | one is not yet woken |
//! | an item is got                | one putter (`not_full`)        | one is not yet woken |
//! | unfinished tasks drop to 0    | every joiner (`all_tasks_done`)| one is not yet woken |
//! | shutdown                      | every getter and putter (and every joiner if immediate) |
//!
//! So a put or a get with nobody asleep makes no call into the parking lot (not even while the
//! consumer it woke is still on its way), and each item wakes at most one thread. A woken thread
//! re-checks the state under the mutex, as with a condition variable: if another thread took the
//! item first it waits again, until the same deadline.
//!
//! In a child made by `fork()`, a queue that a thread of the parent was inside (its mutex held)
//! at the fork is broken by the fork: every call that can fail returns [`Error::Forked`] (a put
//! hands its item back), the snapshots (`qsize`, `empty`, `is_shutdown`...) give 0 and false,
//! and dropping it leaks the items (the state may be half-updated). See the README, "Fork".

use std::cmp::Ordering;
use std::collections::{BinaryHeap, VecDeque};

use crate::loom::{Mutex, MutexGuard};
use crate::park::{Condvar, Waiters};
use crate::timeout::Timeout;
use crate::{Error, Rejected};

/// Which of Python's queue classes a [`Queue`] behaves like.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum QueueKind {
    /// First in, first out: `queue.Queue`.
    Fifo,
    /// Last in, first out: `queue.LifoQueue`.
    Lifo,
    /// Lowest priority first, first in first out among equal priorities: `queue.PriorityQueue`
    /// with `(priority, count, item)` entries.
    Priority,
    /// Unbounded first in, first out, without task tracking: `queue.SimpleQueue`.
    Simple,
}

/// A multi-producer, multi-consumer queue. See the module documentation. The items left when
/// it is dropped are dropped in the order [`Queue::get`] would have returned them.
///
/// ```
/// use std::time::Duration;
/// use weft::{Queue, QueueKind, Timeout};
///
/// // `queue.PriorityQueue`: the lowest priority first, equal priorities in insertion order.
/// let queue = Queue::new(QueueKind::Priority, 0)?;
/// for (item, priority) in [("later", 2), ("first", 1), ("last", 2)] {
///     queue.put_priority(item, priority, Timeout::Forever).expect("unbounded");
/// }
/// let got: Vec<_> = (0..3).map(|_| queue.get(Timeout::Forever)).collect::<Result<_, _>>()?;
/// assert_eq!(got, ["first", "later", "last"]);
/// // Empty: `get` with a timeout times out (Python's `queue.Empty`).
/// let empty = queue.get(Timeout::After(Duration::from_millis(1))).unwrap_err();
/// assert_eq!(empty, weft::Error::QueueEmpty);
/// # Ok::<(), weft::Error>(())
/// ```
#[derive(Debug)]
pub struct Queue<T> {
    kind: QueueKind,
    maxsize: usize,
    state: Mutex<State<T>>,
    /// Getters wait here for an item (or the shutdown).
    not_empty: Condvar,
    /// Putters wait here for a free slot (or the shutdown).
    not_full: Condvar,
    /// Joiners wait here for the unfinished-task count to reach zero.
    all_tasks_done: Condvar,
}

#[derive(Debug)]
struct State<T> {
    items: Items<T>,
    unfinished_tasks: usize,
    is_shutdown: bool,
    /// Threads between deciding to wait on `not_empty` and re-locking after the wait.
    getters: Waiters,
    /// The same for `not_full`.
    putters: Waiters,
    /// The same for `all_tasks_done`.
    joiners: Waiters,
}

/// The items, in the order the queue's kind hands them out.
#[derive(Debug)]
enum Items<T> {
    Fifo(VecDeque<T>),
    Lifo(Vec<T>),
    Priority {
        heap: BinaryHeap<Entry<T>>,
        /// Numbers the entries, so that equal priorities come out first in, first out.
        next: u64,
    },
}

/// A priority queue entry; ordered so that `BinaryHeap` (a max-heap) pops the lowest priority,
/// then the oldest entry.
#[derive(Debug)]
struct Entry<T> {
    priority: i64,
    seq: u64,
    item: T,
}

impl<T> Entry<T> {
    fn key(&self) -> (i64, u64) {
        (self.priority, self.seq)
    }
}

impl<T> PartialEq for Entry<T> {
    fn eq(&self, other: &Self) -> bool {
        self.key() == other.key()
    }
}

impl<T> Eq for Entry<T> {}

impl<T> PartialOrd for Entry<T> {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl<T> Ord for Entry<T> {
    fn cmp(&self, other: &Self) -> Ordering {
        other.key().cmp(&self.key())
    }
}

impl<T> Items<T> {
    fn new(kind: QueueKind) -> Items<T> {
        match kind {
            QueueKind::Fifo | QueueKind::Simple => Items::Fifo(VecDeque::new()),
            QueueKind::Lifo => Items::Lifo(Vec::new()),
            QueueKind::Priority => Items::Priority {
                heap: BinaryHeap::new(),
                next: 0,
            },
        }
    }

    fn len(&self) -> usize {
        match self {
            Items::Fifo(items) => items.len(),
            Items::Lifo(items) => items.len(),
            Items::Priority { heap, .. } => heap.len(),
        }
    }

    /// Adds an item; `priority` only matters to a priority queue. Inline in every put (as
    /// `pop` is in every get), the heap's push out of line.
    #[inline(always)]
    fn push(&mut self, item: T, priority: i64) {
        match self {
            Items::Fifo(items) => items.push_back(item),
            Items::Lifo(items) => items.push(item),
            Items::Priority { heap, next } => push_entry(heap, next, item, priority),
        }
    }

    fn pop(&mut self) -> Option<T> {
        match self {
            Items::Fifo(items) => items.pop_front(),
            Items::Lifo(items) => items.pop(),
            Items::Priority { heap, .. } => heap.pop().map(|entry| entry.item),
        }
    }

    /// Removes every item, in the order `pop` would have returned them.
    fn drain(&mut self) -> Vec<T> {
        match self {
            Items::Fifo(items) => items.drain(..).collect(),
            Items::Lifo(items) => items.drain(..).rev().collect(),
            Items::Priority { heap, .. } => {
                // Ascending in `Entry`'s order is the reverse of the pop order.
                let sorted = std::mem::take(heap).into_sorted_vec();
                sorted.into_iter().rev().map(|entry| entry.item).collect()
            }
        }
    }
}

/// Adds an item to a priority queue's heap, numbered `next` (then incremented).
#[inline(never)]
fn push_entry<T>(heap: &mut BinaryHeap<Entry<T>>, next: &mut u64, item: T, priority: i64) {
    heap.push(Entry {
        priority,
        seq: *next,
        item,
    });
    // A u64 count of puts cannot wrap in practice; wrapping would only reorder equal
    // priorities.
    *next = next.wrapping_add(1);
}

/// The items left when the queue is dropped are dropped in the order `get` would have returned
/// them, as an immediate shutdown hands them out (the containers' own order is insertion order
/// for a LIFO queue, the heap's layout for a priority queue).
impl<T> Drop for Items<T> {
    fn drop(&mut self) {
        drop(self.drain());
    }
}

impl<T> Queue<T> {
    /// A new queue of `kind` holding at most `maxsize` items (0: no limit). Python:
    /// `queue.Queue(maxsize)` and its siblings.
    ///
    /// [`Error::InvalidArgument`] for a [`QueueKind::Simple`] queue with a `maxsize`: Python's
    /// `SimpleQueue` is unbounded.
    pub fn new(kind: QueueKind, maxsize: usize) -> Result<Queue<T>, Error> {
        if kind == QueueKind::Simple && maxsize != 0 {
            return Err(Error::InvalidArgument);
        }
        Ok(Queue {
            kind,
            maxsize,
            state: Mutex::new(State {
                items: Items::new(kind),
                unfinished_tasks: 0,
                is_shutdown: false,
                getters: Waiters::default(),
                putters: Waiters::default(),
                joiners: Waiters::default(),
            }),
            not_empty: Condvar::new(),
            not_full: Condvar::new(),
            all_tasks_done: Condvar::new(),
        })
    }

    /// The queue's kind.
    pub fn kind(&self) -> QueueKind {
        self.kind
    }

    /// The capacity given at creation, 0 for unbounded. Python: `q.maxsize`.
    pub fn maxsize(&self) -> usize {
        self.maxsize
    }

    /// Puts an item, waiting at most `timeout` for a free slot. Python: `q.put(item, block,
    /// timeout)`; `Timeout::After(ZERO)` is `block=False`.
    ///
    /// On a priority queue the item gets priority 0. A refused item comes back in the error:
    /// [`Error::QueueFull`] if no slot freed up in time (Python's `Full`),
    /// [`Error::QueueShutDown`] once the queue is shut down.
    pub fn put(&self, item: T, timeout: Timeout) -> Result<(), Rejected<T>> {
        self.push(item, 0, timeout)
    }

    /// Puts an item with a priority (lowest first) on a priority queue, as `put` does.
    ///
    /// [`Error::InvalidArgument`] (the item comes back) on a queue of another kind.
    pub fn put_priority(
        &self,
        item: T,
        priority: i64,
        timeout: Timeout,
    ) -> Result<(), Rejected<T>> {
        if self.kind != QueueKind::Priority {
            return Err(Rejected {
                error: Error::InvalidArgument,
                value: item,
            });
        }
        self.push(item, priority, timeout)
    }

    /// `put` and `put_priority`: with room and the queue open, the item goes in at once, inline
    /// in the caller; otherwise [`Queue::push_wait`]. (With the wait in the same function, it
    /// was a call from `weft_queue_put` that saved six registers and returned the refused item
    /// through memory on every put: BENCHMARKS.md.)
    #[inline(always)]
    fn push(&self, item: T, priority: i64, timeout: Timeout) -> Result<(), Rejected<T>> {
        let state = match self.state.lock_checked() {
            Ok(state) => state,
            Err(forked) => {
                return Err(Rejected {
                    error: forked.into(),
                    value: item,
                });
            }
        };
        if state.is_shutdown || (self.maxsize != 0 && state.items.len() >= self.maxsize) {
            return self.push_wait(state, item, priority, timeout);
        }
        self.insert(state, item, priority);
        Ok(())
    }

    /// A put that found the queue full or shut down: waits at most `timeout` for a free slot,
    /// then puts the item, or refuses it.
    #[inline(never)]
    fn push_wait(
        &self,
        mut state: MutexGuard<'_, State<T>>,
        item: T,
        priority: i64,
        timeout: Timeout,
    ) -> Result<(), Rejected<T>> {
        let mut deadline = None;
        loop {
            if state.is_shutdown {
                return Err(Rejected {
                    error: Error::QueueShutDown,
                    value: item,
                });
            }
            if self.maxsize == 0 || state.items.len() < self.maxsize {
                self.insert(state, item, priority);
                return Ok(());
            }
            let deadline = *deadline.get_or_insert_with(|| timeout.deadline());
            if deadline.expired() {
                return Err(Rejected {
                    error: Error::QueueFull,
                    value: item,
                });
            }
            self.not_full
                .wait_counted(&mut state, |s| &mut s.putters, deadline);
        }
    }

    /// Adds the item to the queue open with room (`state`), and wakes a getter if one waits.
    #[inline(always)]
    fn insert(&self, mut state: MutexGuard<'_, State<T>>, item: T, priority: i64) {
        state.items.push(item, priority);
        if self.kind != QueueKind::Simple {
            // Cannot overflow: each unfinished task is an item put, and memory runs out long
            // before usize::MAX items.
            state.unfinished_tasks += 1;
        }
        let wake = state.getters.pick_one();
        drop(state);
        if wake {
            self.not_empty.notify_one();
            #[cfg(not(loom))]
            crate::wait_any::registry::notify(self.address());
        }
    }

    /// Removes and returns an item, waiting at most `timeout` for one. Python: `q.get(block,
    /// timeout)`; `Timeout::After(ZERO)` is `block=False`.
    ///
    /// [`Error::QueueEmpty`] if none came in time (Python's `Empty`); once the queue is shut
    /// down, the remaining items are still handed out, then [`Error::QueueShutDown`].
    pub fn get(&self, timeout: Timeout) -> Result<T, Error> {
        let mut state = self.state.lock_checked()?;
        let mut deadline = None;
        loop {
            if let Some(item) = state.items.pop() {
                let wake = state.putters.pick_one();
                drop(state);
                if wake {
                    self.not_full.notify_one();
                }
                return Ok(item);
            }
            if state.is_shutdown {
                return Err(Error::QueueShutDown);
            }
            let deadline = *deadline.get_or_insert_with(|| timeout.deadline());
            if deadline.expired() {
                return Err(Error::QueueEmpty);
            }
            self.not_empty
                .wait_counted(&mut state, |s| &mut s.getters, deadline);
        }
    }

    /// For [`wait_any`](crate::wait_any::wait_any): whether a get would not block now (an item
    /// is there, or the queue is shut down). If it would, calls `watch` (which adds the caller
    /// to the registry) and counts the caller in as a getter, so that the next put, or the
    /// shutdown, takes its slow path and notifies the registry; [`Queue::unwatch`] counts it out.
    #[cfg(not(loom))]
    pub(crate) fn watch(&self, watch: impl FnOnce(usize)) -> bool {
        // A queue broken by a fork does not block a get: the get returns `Error::Forked`.
        let Ok(mut state) = self.state.lock_checked() else {
            return true;
        };
        if state.items.len() != 0 || state.is_shutdown {
            return true;
        }
        watch(self.address());
        state.getters.count_in();
        false
    }

    /// Counts out a caller of [`Queue::watch`] that was counted in.
    #[cfg(not(loom))]
    pub(crate) fn unwatch(&self) {
        // Never broken by a fork: `watch` counted this thread in, in this process.
        self.state.lock().getters.count_out();
    }

    /// The queue's address: its key in the registry of `wait_any`.
    #[cfg(not(loom))]
    fn address(&self) -> usize {
        self as *const Queue<T> as usize
    }

    /// Marks one item got earlier as processed. Python: `q.task_done()`.
    ///
    /// [`Error::TaskDoneTooMany`] ("task_done() called too many times") when no task is
    /// unfinished, leaving the count at 0; [`Error::WrongState`] on a simple queue, which does
    /// not track tasks.
    pub fn task_done(&self) -> Result<(), Error> {
        if self.kind == QueueKind::Simple {
            return Err(Error::WrongState);
        }
        let mut state = self.state.lock_checked()?;
        let unfinished = state
            .unfinished_tasks
            .checked_sub(1)
            .ok_or(Error::TaskDoneTooMany)?;
        state.unfinished_tasks = unfinished;
        let wake = unfinished == 0 && state.joiners.pick_all();
        drop(state);
        if wake {
            self.all_tasks_done.notify_all();
        }
        Ok(())
    }

    /// Waits until every item put has been marked done, at most `timeout`; returns whether that
    /// happened. Python: `q.join()` (which has no timeout).
    ///
    /// [`Error::WrongState`] on a simple queue.
    pub fn join(&self, timeout: Timeout) -> Result<bool, Error> {
        if self.kind == QueueKind::Simple {
            return Err(Error::WrongState);
        }
        let mut state = self.state.lock_checked()?;
        let mut deadline = None;
        loop {
            if state.unfinished_tasks == 0 {
                return Ok(true);
            }
            let deadline = *deadline.get_or_insert_with(|| timeout.deadline());
            if deadline.expired() {
                return Ok(false);
            }
            self.all_tasks_done
                .wait_counted(&mut state, |s| &mut s.joiners, deadline);
        }
    }

    /// Shuts the queue down (Python 3.13: `q.shutdown(immediate)`) and returns the items an
    /// immediate shutdown removed, in the order `get` would have returned them.
    ///
    /// From now on `put` fails with [`Error::QueueShutDown`]; `get` hands out what is left, then
    /// fails the same way; blocked putters and getters wake. With `immediate`, the items are
    /// removed now and each is marked done (which may release `join`). Calling it again is
    /// harmless.
    pub fn shutdown(&self, immediate: bool) -> Result<Vec<T>, Error> {
        let mut state = self.state.lock_checked()?;
        state.is_shutdown = true;
        let drained = if immediate {
            state.items.drain()
        } else {
            Vec::new()
        };
        // Python: one `task_done` per removed item, never below zero.
        state.unfinished_tasks = state.unfinished_tasks.saturating_sub(drained.len());
        let wake_joiners = immediate && state.unfinished_tasks == 0 && state.joiners.pick_all();
        let (wake_getters, wake_putters) = (state.getters.pick_all(), state.putters.pick_all());
        drop(state);
        if wake_joiners {
            self.all_tasks_done.notify_all();
        }
        if wake_getters {
            self.not_empty.notify_all();
            #[cfg(not(loom))]
            crate::wait_any::registry::notify(self.address());
        }
        if wake_putters {
            self.not_full.notify_all();
        }
        Ok(drained)
    }

    /// Whether the queue was shut down. Python: `q.is_shutdown`.
    pub fn is_shutdown(&self) -> bool {
        self.snapshot(|state| state.is_shutdown)
    }

    /// How many items the queue holds (a snapshot). Python: `q.qsize()`.
    pub fn qsize(&self) -> usize {
        self.snapshot(|state| state.items.len())
    }

    /// Whether the queue holds no item (a snapshot). Python: `q.empty()`.
    pub fn empty(&self) -> bool {
        self.qsize() == 0
    }

    /// Whether the queue is bounded and at its limit (a snapshot). Python: `q.full()`.
    pub fn full(&self) -> bool {
        self.maxsize != 0 && self.qsize() >= self.maxsize
    }

    /// How many threads wait in [`Queue::get`] for an item, or in
    /// [`wait_any`](crate::wait_any::wait_any) with this queue among their objects (a snapshot).
    /// CPython: `len(q.not_empty._waiters)`.
    pub fn getters(&self) -> usize {
        self.snapshot(|state| state.getters.count())
    }

    /// How many threads wait in [`Queue::put`] for a free slot (a snapshot). CPython:
    /// `len(q.not_full._waiters)`.
    pub fn putters(&self) -> usize {
        self.snapshot(|state| state.putters.count())
    }

    /// How many items were put and not yet marked done (always 0 for a simple queue).
    /// Python: `q.unfinished_tasks`.
    pub fn unfinished_tasks(&self) -> usize {
        self.snapshot(|state| state.unfinished_tasks)
    }

    /// `look` at the state, or the default (0, false) in a child where the queue is broken by
    /// the fork, whose state is not to be read.
    fn snapshot<U: Default>(&self, look: impl FnOnce(&State<T>) -> U) -> U {
        self.state
            .lock_checked()
            .map_or_else(|_| U::default(), |state| look(&state))
    }
}
