//! `Queue`: Python's `queue` module (`Queue`, `LifoQueue`, `PriorityQueue`, `SimpleQueue`), with
//! Python 3.13's `shutdown`.
//!
//! Two stores behind one API:
//!
//! - `ring`: the first-in, first-out kinds (`Queue`, `SimpleQueue`), whose two ends do not
//!   share a lock. The items sit in a ring of slots, each marked full or free; producers take
//!   turns at the tail under one internal mutex, consumers at the head under another, and a
//!   put and a get meet only in the slot they hand over (and in a count of sleepers each reads,
//!   written only by a thread about to sleep). The ring starts small and doubles, up to
//!   `maxsize`, when a put finds it full.
//! - `locked`: the LIFO and priority kinds, whose two ends are the same end: one mutex guards
//!   the items and everything else.
//!
//! Both wake only the threads that wait for the change made (a put wakes one getter, a get one
//! putter, the last `task_done` every joiner, a shutdown everyone), and a put or a get with
//! nobody asleep makes no call into the parking lot. A woken thread re-checks the state, as
//! with a condition variable: if another thread took the item first it waits again, until the
//! same deadline.
//!
//! In a child made by `fork()`, a queue that a thread of the parent was inside (one of its
//! mutexes held) at the fork is broken by the fork: every call that can fail returns
//! [`Error::Forked`] (a put hands its item back), the snapshots (`qsize`, `empty`,
//! `is_shutdown`...) give 0 and false, and dropping it leaks the items (the state may be
//! half-updated). See the README, "Fork".

mod locked;
mod ring;
mod shared;

use crate::timeout::Timeout;
use crate::{Error, Rejected};
use locked::Locked;
use ring::Ring;
use shared::Snapshot;

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
    store: Store<T>,
}

/// Where the items are: see the module documentation.
#[derive(Debug)]
#[allow(clippy::large_enum_variant)] // the ring's ends on lines of their own; a box would add a load to each put
enum Store<T> {
    Ring(Ring<T>),
    Locked(Locked<T>),
}

impl<T> Queue<T> {
    /// A new queue of `kind` holding at most `maxsize` items (0: no limit). Python:
    /// `queue.Queue(maxsize)` and its siblings.
    ///
    /// [`Error::InvalidArgument`] for a [`QueueKind::Simple`] queue with a `maxsize`: Python's
    /// `SimpleQueue` is unbounded.
    pub fn new(kind: QueueKind, maxsize: usize) -> Result<Queue<T>, Error> {
        let store = match kind {
            QueueKind::Simple if maxsize != 0 => return Err(Error::InvalidArgument),
            QueueKind::Fifo | QueueKind::Simple => Store::Ring(Ring::new(maxsize)),
            QueueKind::Lifo | QueueKind::Priority => {
                Store::Locked(Locked::new(kind == QueueKind::Priority, maxsize))
            }
        };
        Ok(Queue {
            kind,
            maxsize,
            store,
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
    ///
    /// Inline, as each store's fast path is: with room and the queue open, the item goes in
    /// within the caller (`weft_queue_put`), and only a wait is a call.
    #[inline(always)]
    pub fn put(&self, item: T, timeout: Timeout) -> Result<(), Rejected<T>> {
        match &self.store {
            Store::Ring(ring) => ring.put(item, timeout),
            Store::Locked(locked) => locked.put(item, 0, timeout),
        }
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
        match &self.store {
            Store::Locked(locked) if self.kind == QueueKind::Priority => {
                locked.put(item, priority, timeout)
            }
            _ => Err(Rejected {
                error: Error::InvalidArgument,
                value: item,
            }),
        }
    }

    /// Removes and returns an item, waiting at most `timeout` for one. Python: `q.get(block,
    /// timeout)`; `Timeout::After(ZERO)` is `block=False`.
    ///
    /// [`Error::QueueEmpty`] if none came in time (Python's `Empty`); once the queue is shut
    /// down, the remaining items are still handed out, then [`Error::QueueShutDown`].
    pub fn get(&self, timeout: Timeout) -> Result<T, Error> {
        match &self.store {
            Store::Ring(ring) => ring.get(timeout),
            Store::Locked(locked) => locked.get(timeout),
        }
    }

    /// For [`wait_any`](crate::wait_any::wait_any): whether a get would not block now (an item
    /// is there, or the queue is shut down). If it would, calls `watch` (which adds the caller
    /// to the registry, under the key it is given) and counts the caller in as a getter, so that
    /// the next put, or the shutdown, takes its slow path and notifies the registry;
    /// [`Queue::unwatch`] counts it out.
    #[cfg(not(loom))]
    pub(crate) fn watch(&self, watch: impl FnOnce(usize)) -> bool {
        match &self.store {
            Store::Ring(ring) => ring.watch(watch),
            Store::Locked(locked) => locked.watch(watch),
        }
    }

    /// Counts out a caller of [`Queue::watch`] that was counted in.
    #[cfg(not(loom))]
    pub(crate) fn unwatch(&self) {
        match &self.store {
            Store::Ring(ring) => ring.unwatch(),
            Store::Locked(locked) => locked.unwatch(),
        }
    }

    /// Marks one item got earlier as processed. Python: `q.task_done()`.
    ///
    /// [`Error::TaskDoneTooMany`] ("task_done() called too many times") when no task is
    /// unfinished, leaving the count at 0; [`Error::WrongState`] on a simple queue, which does
    /// not track tasks.
    pub fn task_done(&self) -> Result<(), Error> {
        match &self.store {
            _ if self.kind == QueueKind::Simple => Err(Error::WrongState),
            Store::Ring(ring) => ring.task_done(),
            Store::Locked(locked) => locked.task_done(),
        }
    }

    /// Waits until every item put has been marked done, at most `timeout`; returns whether that
    /// happened. Python: `q.join()` (which has no timeout).
    ///
    /// [`Error::WrongState`] on a simple queue.
    pub fn join(&self, timeout: Timeout) -> Result<bool, Error> {
        match &self.store {
            _ if self.kind == QueueKind::Simple => Err(Error::WrongState),
            Store::Ring(ring) => ring.join(timeout),
            Store::Locked(locked) => locked.join(timeout),
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
        match &self.store {
            Store::Ring(ring) => ring.shutdown(immediate),
            Store::Locked(locked) => locked.shutdown(immediate),
        }
    }

    /// Whether the queue was shut down. Python: `q.is_shutdown`.
    pub fn is_shutdown(&self) -> bool {
        self.snapshot().is_shutdown
    }

    /// How many items the queue holds (a snapshot). Python: `q.qsize()`.
    pub fn qsize(&self) -> usize {
        self.snapshot().items
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
        self.snapshot().getters
    }

    /// How many threads wait in [`Queue::put`] for a free slot (a snapshot). CPython:
    /// `len(q.not_full._waiters)`.
    pub fn putters(&self) -> usize {
        self.snapshot().putters
    }

    /// How many items were put and not yet marked done (always 0 for a simple queue).
    /// Python: `q.unfinished_tasks`.
    pub fn unfinished_tasks(&self) -> usize {
        match self.kind {
            QueueKind::Simple => 0,
            _ => self.snapshot().unfinished_tasks,
        }
    }

    /// The state at one moment, or the default (0, false) in a child where the queue is broken
    /// by the fork, whose state is not to be read.
    fn snapshot(&self) -> Snapshot {
        match &self.store {
            Store::Ring(ring) => ring.snapshot(),
            Store::Locked(locked) => locked.snapshot(),
        }
        .unwrap_or_default()
    }
}
