//! The LIFO and priority queues: one mutex guards the items, the unfinished-task count, the
//! shut-down flag and the threads waiting for each of the three things a thread can wait for
//! (`Waiters`); each of those has its own `Condvar`. A waiter counts itself in under the mutex
//! before it parks and out after it wakes, and a notifier picks the threads it wakes off the
//! count, so the thread that changes the state knows, under the same mutex, whether anyone still
//! needs waking:
//!
//! | change                        | who is woken                   | only if              |
//! |-------------------------------|--------------------------------|----------------------|
//! | an item is put                | one getter (`not_empty`)       | one is not yet woken |
//! | an item is got                | one putter (`not_full`)        | one is not yet woken |
//! | unfinished tasks drop to 0    | every joiner (`all_tasks_done`)| one is not yet woken |
//! | shutdown                      | every getter and putter (and every joiner if immediate) |
//!
//! So a put or a get with nobody asleep makes no call into the parking lot (not even while the
//! consumer it woke is still on its way), and each item wakes at most one thread. A thread of
//! the parent that held the mutex at a fork leaves the queue broken in the child
//! (`lock_checked`).

use std::cmp::Ordering;
use std::collections::BinaryHeap;

use super::shared::{self, Sleep, Snapshot};
use crate::loom::{Mutex, MutexGuard};
use crate::park::Waiters;
use crate::timeout::Timeout;
use crate::{Error, Rejected};

/// A LIFO or priority queue: see the module documentation.
#[derive(Debug)]
pub(super) struct Locked<T> {
    maxsize: usize,
    state: Mutex<State<T>>,
    sleep: Sleep,
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
    fn new(priority: bool) -> Items<T> {
        if priority {
            Items::Priority {
                heap: BinaryHeap::new(),
                next: 0,
            }
        } else {
            Items::Lifo(Vec::new())
        }
    }

    fn len(&self) -> usize {
        match self {
            Items::Lifo(items) => items.len(),
            Items::Priority { heap, .. } => heap.len(),
        }
    }

    /// Adds an item; `priority` only matters to a priority queue. Inline in every put (as
    /// `pop` is in every get), the heap's push out of line.
    #[inline(always)]
    fn push(&mut self, item: T, priority: i64) {
        match self {
            Items::Lifo(items) => items.push(item),
            Items::Priority { heap, next } => push_entry(heap, next, item, priority),
        }
    }

    fn pop(&mut self) -> Option<T> {
        match self {
            Items::Lifo(items) => items.pop(),
            Items::Priority { heap, .. } => heap.pop().map(|entry| entry.item),
        }
    }

    /// Removes every item, in the order `pop` would have returned them.
    fn drain(&mut self) -> Vec<T> {
        match self {
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

impl<T> Locked<T> {
    /// An empty priority queue, or LIFO queue (`priority` false).
    pub(super) fn new(priority: bool, maxsize: usize) -> Locked<T> {
        Locked {
            maxsize,
            state: Mutex::new(State {
                items: Items::new(priority),
                unfinished_tasks: 0,
                is_shutdown: false,
                getters: Waiters::default(),
                putters: Waiters::default(),
                joiners: Waiters::default(),
            }),
            sleep: Sleep::new(),
        }
    }

    /// [`Queue::put`](super::Queue::put) and `put_priority` (`priority` only matters to a
    /// priority queue): with room and the queue open, the item goes in at once, inline in the
    /// caller; otherwise [`Locked::push_wait`]. (With the wait in the same function, it was a
    /// call from `weft_queue_put` that saved six registers and returned the refused item
    /// through memory on every put: BENCHMARKS.md.)
    #[inline(always)]
    pub(super) fn put(&self, item: T, priority: i64, timeout: Timeout) -> Result<(), Rejected<T>> {
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
            self.sleep
                .not_full
                .wait_counted(&mut state, |s| &mut s.putters, deadline);
        }
    }

    /// Adds the item to the queue open with room (`state`), and wakes a getter if one waits.
    #[inline(always)]
    fn insert(&self, mut state: MutexGuard<'_, State<T>>, item: T, priority: i64) {
        state.items.push(item, priority);
        // Cannot overflow: each unfinished task is an item put, and memory runs out long before
        // usize::MAX items.
        state.unfinished_tasks += 1;
        let wake = state.getters.pick_one();
        drop(state);
        if wake {
            self.sleep.wake_getter();
        }
    }

    /// [`Queue::get`](super::Queue::get).
    pub(super) fn get(&self, timeout: Timeout) -> Result<T, Error> {
        let mut state = self.state.lock_checked()?;
        let mut deadline = None;
        loop {
            if let Some(item) = state.items.pop() {
                let wake = state.putters.pick_one();
                drop(state);
                if wake {
                    self.sleep.not_full.notify_one();
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
            self.sleep
                .not_empty
                .wait_counted(&mut state, |s| &mut s.getters, deadline);
        }
    }

    /// [`Queue::watch`](super::Queue::watch).
    #[cfg(not(loom))]
    pub(super) fn watch(&self, watch: impl FnOnce(usize)) -> bool {
        // A queue broken by a fork does not block a get: the get returns `Error::Forked`.
        let Ok(mut state) = self.state.lock_checked() else {
            return true;
        };
        if state.items.len() != 0 || state.is_shutdown {
            return true;
        }
        watch(self.sleep.key());
        state.getters.count_in();
        false
    }

    /// [`Queue::unwatch`](super::Queue::unwatch).
    #[cfg(not(loom))]
    pub(super) fn unwatch(&self) {
        // Never broken by a fork: `watch` counted this thread in, in this process.
        self.state.lock().getters.count_out();
    }

    /// [`Queue::task_done`](super::Queue::task_done), for either kind.
    pub(super) fn task_done(&self) -> Result<(), Error> {
        shared::task_done(self.state.lock_checked()?, &self.sleep, |s| {
            (&mut s.unfinished_tasks, &mut s.joiners)
        })
    }

    /// [`Queue::join`](super::Queue::join).
    pub(super) fn join(&self, timeout: Timeout) -> Result<bool, Error> {
        Ok(shared::join(
            self.state.lock_checked()?,
            &self.sleep.all_tasks_done,
            |s| s.unfinished_tasks,
            |s| &mut s.joiners,
            timeout,
        ))
    }

    /// [`Queue::shutdown`](super::Queue::shutdown).
    pub(super) fn shutdown(&self, immediate: bool) -> Result<Vec<T>, Error> {
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
        self.sleep
            .wake_after_shutdown(wake_joiners, wake_getters, wake_putters);
        Ok(drained)
    }

    /// The state for the snapshot methods; [`Forked`](crate::park::Forked) in a child where
    /// the queue is broken by the fork, whose state is not to be read.
    pub(super) fn snapshot(&self) -> Result<Snapshot, crate::park::Forked> {
        let state = self.state.lock_checked()?;
        Ok(Snapshot {
            items: state.items.len(),
            is_shutdown: state.is_shutdown,
            getters: state.getters.count(),
            putters: state.putters.count(),
            unfinished_tasks: state.unfinished_tasks,
        })
    }
}
