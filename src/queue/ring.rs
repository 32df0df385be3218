//! The first-in, first-out queues (`queue.Queue`, `queue.SimpleQueue`): a ring of slots whose
//! two ends do not share a lock.
//!
//! Each slot is marked full or free. Producers take turns at the tail under one internal mutex
//! (`Tail`), consumers at the head under another (`Head`), each on its own cache line; between
//! the two turn-holders the ring is a single-producer, single-consumer queue in which a put
//! fills the slot at the tail if it is free and a get empties the slot at the head if it is
//! full (the slot's mark, Release when written and Acquire when read, hands the item over).
//! Neither end reads the other's index: a put and a get meet only in the slot they hand over.
//! (The one-mutex design before this took that mutex from both cores for every item, and two
//! threads running at once spent most of their time there: BENCHMARKS.md.)
//!
//! The ring starts small and doubles, up to `maxsize` (no limit for an unbounded queue), when a
//! put finds the slot at the tail full: the putter takes the head's mutex too (always tail then
//! head), so both ends are still, and copies the items into a ring twice the size, in order.
//! Only a put that finds the ring full at `maxsize` waits.
//!
//! A sleeper counts itself in at the other end, under that end's mutex: a getter among the
//! tail's `getters`, a putter among the head's `putters`, then looks at its slot again before
//! it parks. A put fills its slot and picks a getter to wake holding the tail's mutex, so of the
//! two critical sections one comes first: either the put sees the getter counted, or the getter
//! sees the slot full (the same for a get and a putter). The epoch of the condvar, read before
//! counting in, makes sure a wake-up that comes before the park is not lost. So a put with
//! nobody asleep touches only the tail's line and its slot, with no fence: the counts are on the
//! line the put holds anyway, written from the other side only by a thread going to sleep (which
//! spins first: see `get_wait`).
//!
//! The shut-down flag is kept at both ends (written with both mutexes held, read under either);
//! the unfinished-task count and the joiners at the tail, under its mutex (a put counts its task
//! before the slot is marked full, so a `task_done` never sees it too early). A thread of the
//! parent that held either mutex at a fork leaves the queue broken in the child: each call checks
//! the other end's mutex too, once it knows it runs in a child.

use std::mem::MaybeUninit;
use std::sync::Arc;

use super::shared::{self, Sleep, Snapshot};
use crate::loom::atomic::{AtomicBool, Ordering};
use crate::loom::cell::UnsafeCell;
use crate::loom::table::{self, SpinWait};
use crate::loom::{Mutex, MutexGuard};
use crate::park::{Forked, Waiters};
use crate::timeout::Timeout;
use crate::{Error, Rejected};

/// How many slots a new ring has (fewer if `maxsize` is smaller). Small under loom, so that the
/// models go through the ring's growth.
const FIRST_SLOTS: usize = if cfg!(loom) { 1 } else { 32 };

/// A first-in, first-out queue: see the module documentation.
#[derive(Debug)]
pub(super) struct Ring<T> {
    /// The producers' end.
    tail: Padded<Mutex<Tail<T>>>,
    /// The consumers' end.
    head: Padded<Mutex<Head<T>>>,
    /// The condvars, written only to wake a sleeper.
    sleep: Padded<Sleep>,
    /// 0: no limit.
    maxsize: usize,
}

/// One cache line (two, where the hardware fetches lines in pairs) of its own.
#[derive(Debug)]
#[repr(align(128))]
struct Padded<T>(T);

impl<T> std::ops::Deref for Padded<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.0
    }
}

/// The producers' end, under its mutex.
#[derive(Debug)]
struct Tail<T> {
    /// The ring, shared with the head (replaced at both ends when it grows).
    slots: Arc<[Slot<T>]>,
    /// The slot the next put fills.
    at: usize,
    /// Items ever put (wrapping): `qsize` subtracts the head's `gets`.
    puts: usize,
    /// Set with both mutexes held.
    is_shutdown: bool,
    unfinished_tasks: usize,
    /// Threads waiting in `get` (or `wait_any`) for an item, on `not_empty`: counted here, where
    /// the put that fills a slot looks.
    getters: Waiters,
    /// Threads waiting in `join`, on `all_tasks_done`.
    joiners: Waiters,
}

/// The consumers' end, under its mutex.
#[derive(Debug)]
struct Head<T> {
    /// The same ring as the tail's.
    slots: Arc<[Slot<T>]>,
    /// The slot the next get empties.
    at: usize,
    /// Items ever got (wrapping).
    gets: usize,
    /// Set with both mutexes held.
    is_shutdown: bool,
    /// Threads waiting in `put` for a free slot, on `not_full`: counted here, where the get that
    /// frees a slot looks.
    putters: Waiters,
}

/// A place for one item, which is there when `full` is true.
struct Slot<T> {
    /// Written by the put that fills the slot (Release, after the item) and by the get that
    /// empties it (Release, after taking the item); each reads it with Acquire before touching
    /// the item.
    full: AtomicBool,
    item: UnsafeCell<MaybeUninit<T>>,
}

// SAFETY: a slot's item is reached only by the holder of the tail's mutex while `full` is false
// and by the holder of the head's mutex while it is true, and `full` hands it over (see `fill`
// and `empty`): one thread at a time, which `T: Send` allows. (A slot holding an item when the
// ring is dropped leaks it: the queue empties the ring first.)
unsafe impl<T: Send> Sync for Slot<T> {}
// SAFETY: as for `Sync`: the item moves between threads, which `T: Send` allows.
unsafe impl<T: Send> Send for Slot<T> {}

impl<T> std::fmt::Debug for Slot<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Slot")
            .field("full", &self.full)
            .finish_non_exhaustive()
    }
}

impl<T> Slot<T> {
    fn free() -> Slot<T> {
        Slot {
            full: AtomicBool::new(false),
            item: UnsafeCell::new(MaybeUninit::uninit()),
        }
    }

    /// Whether the slot holds an item.
    #[inline(always)]
    fn is_full(&self) -> bool {
        // Acquire: a full slot's item, or a free slot's emptying, is then visible.
        self.full.load(Ordering::Acquire)
    }

    /// Puts `item` in the slot, which the caller saw free holding the tail's mutex (or both).
    #[inline(always)]
    fn fill(&self, item: T) {
        // SAFETY: the slot is free, so no get reaches the item until `full` is set below, and
        // the caller holds the tail's mutex, so no other put does; the get that emptied it
        // finished with it before its Release store of `full`, which the caller's Acquire read
        // saw.
        self.item.with_mut(|slot| unsafe { (*slot).write(item) });
        // Release: the item is written before a get can see the slot full.
        self.full.store(true, Ordering::Release);
    }

    /// Takes the item out of the slot, if it is full; the caller holds the head's mutex.
    #[inline(always)]
    fn empty(&self) -> Option<T> {
        if !self.is_full() {
            return None;
        }
        // SAFETY: the slot is full (its item written before the Release store this Acquire
        // read saw), so no put reaches it until `full` is cleared below, and the caller holds
        // the head's mutex, so no other get does; the item is read once, then the slot is free.
        let item = self
            .item
            .with_mut(|slot| unsafe { (*slot).assume_init_read() });
        // Release: the item is read before a put can see the slot free.
        self.full.store(false, Ordering::Release);
        Some(item)
    }
}

/// `at`, one slot on in a ring of `len`.
#[inline(always)]
fn next(at: usize, len: usize) -> usize {
    if at + 1 == len { 0 } else { at + 1 }
}

impl<T> Head<T> {
    /// Takes the item at the head, if there is one.
    #[inline(always)]
    fn take(&mut self) -> Option<T> {
        let item = self.slots[self.at].empty()?;
        self.at = next(self.at, self.slots.len());
        self.gets = self.gets.wrapping_add(1);
        Some(item)
    }
}

impl<T> Tail<T> {
    /// Whether the slot the next put fills still holds an item (the ring is full).
    #[inline(always)]
    fn ring_full(&self) -> bool {
        self.slots[self.at].is_full()
    }

    /// Adds `item` to the free slot at the tail.
    #[inline(always)]
    fn add(&mut self, item: T) {
        // Cannot overflow: each unfinished task is an item put, and memory runs out long before
        // usize::MAX items. Counted before the slot is full, so before any get has the item.
        self.unfinished_tasks += 1;
        self.puts = self.puts.wrapping_add(1);
        self.slots[self.at].fill(item);
        self.at = next(self.at, self.slots.len());
    }
}

impl<T> Ring<T> {
    /// An empty queue of at most `maxsize` items (0: no limit).
    pub(super) fn new(maxsize: usize) -> Ring<T> {
        let len = match maxsize {
            0 => FIRST_SLOTS,
            _ => maxsize.min(FIRST_SLOTS),
        };
        let slots: Arc<[Slot<T>]> = (0..len).map(|_| Slot::free()).collect();
        Ring {
            tail: Padded(Mutex::new(Tail {
                slots: slots.clone(),
                at: 0,
                puts: 0,
                is_shutdown: false,
                unfinished_tasks: 0,
                getters: Waiters::default(),
                joiners: Waiters::default(),
            })),
            head: Padded(Mutex::new(Head {
                slots,
                at: 0,
                gets: 0,
                is_shutdown: false,
                putters: Waiters::default(),
            })),
            sleep: Padded(Sleep::new()),
            maxsize,
        }
    }

    /// In a child made by `fork()`, whether a thread of the parent held either end's mutex at
    /// the fork (checked by every call once it holds one of them: the other may be the broken
    /// one).
    #[inline(always)]
    fn broken(&self) -> bool {
        table::forks() != 0 && self.broken_in_child()
    }

    #[inline(never)]
    fn broken_in_child(&self) -> bool {
        self.tail.broken_by_fork() || self.head.broken_by_fork()
    }

    /// The tail's mutex, or [`Forked`].
    #[inline(always)]
    fn lock_tail(&self) -> Result<MutexGuard<'_, Tail<T>>, Forked> {
        let tail = self.tail.lock_checked()?;
        if self.broken() {
            return Err(Forked);
        }
        Ok(tail)
    }

    /// The head's mutex, or [`Forked`].
    #[inline(always)]
    fn lock_head(&self) -> Result<MutexGuard<'_, Head<T>>, Forked> {
        let head = self.head.lock_checked()?;
        if self.broken() {
            return Err(Forked);
        }
        Ok(head)
    }

    /// [`Queue::put`](super::Queue::put): with a free slot and the queue open, the item goes in
    /// at once, inline in the caller; otherwise [`Ring::put_wait`].
    #[inline(always)]
    pub(super) fn put(&self, item: T, timeout: Timeout) -> Result<(), Rejected<T>> {
        let tail = match self.lock_tail() {
            Ok(tail) => tail,
            Err(forked) => {
                return Err(Rejected {
                    error: forked.into(),
                    value: item,
                });
            }
        };
        if tail.is_shutdown || tail.ring_full() {
            return self.put_wait(tail, item, timeout);
        }
        self.add(tail, item);
        Ok(())
    }

    /// A put that found the ring full or the queue shut down: grows the ring, or waits at most
    /// `timeout` for a free slot, then puts the item, or refuses it.
    #[inline(never)]
    fn put_wait(
        &self,
        mut tail: MutexGuard<'_, Tail<T>>,
        item: T,
        timeout: Timeout,
    ) -> Result<(), Rejected<T>> {
        let mut deadline = None;
        let mut spin = SpinWait::new();
        loop {
            if tail.is_shutdown {
                return Err(Rejected {
                    error: Error::QueueShutDown,
                    value: item,
                });
            }
            if !tail.ring_full() {
                break;
            }
            if self.maxsize == 0 || tail.slots.len() < self.maxsize {
                if let Err(forked) = self.grow(&mut tail) {
                    return Err(Rejected {
                        error: forked.into(),
                        value: item,
                    });
                }
                continue;
            }
            let deadline = *deadline.get_or_insert_with(|| timeout.deadline());
            if deadline.expired() {
                return Err(Rejected {
                    error: Error::QueueFull,
                    value: item,
                });
            }
            if MutexGuard::unlocked(&mut tail, || spin.spin()) {
                // A get frees a slot within a few hundred nanoseconds when the two ends are in
                // step: look again before counting in as a sleeper (see `get_wait`).
                continue;
            }
            // Counted in at the head (tail, then head: the order `grow` takes them in), so
            // that the get that frees the slot sees this putter, or the look below the slot.
            let not_full = &self.sleep.not_full;
            let seen = not_full.epoch();
            if let Err(forked) = self.head.lock_checked().map(|mut h| h.putters.count_in()) {
                return Err(Rejected {
                    error: forked.into(),
                    value: item,
                });
            }
            // The flag too: a shutdown may have come while the tail's mutex was released for
            // the spin, before this putter was counted.
            if tail.ring_full() && !tail.is_shutdown {
                MutexGuard::unlocked(&mut tail, || not_full.wait(seen, deadline));
            }
            // Never broken by a fork: this thread lived through none since it counted in.
            self.head.lock().putters.count_out();
        }
        self.add(tail, item);
        Ok(())
    }

    /// Adds the item to the free slot at the tail (the queue open), and wakes a getter if one
    /// waits.
    #[inline(always)]
    fn add(&self, mut tail: MutexGuard<'_, Tail<T>>, item: T) {
        tail.add(item);
        let wake = tail.getters.pick_one();
        drop(tail);
        if wake {
            self.sleep.wake_getter();
        }
    }

    /// Doubles the ring (up to `maxsize`), whose slot at the tail the caller found full: takes
    /// the head's mutex too, so that both ends are still, and moves the items, in order.
    #[cold]
    fn grow(&self, tail: &mut Tail<T>) -> Result<(), Forked> {
        let mut head = self.head.lock_checked()?;
        if !tail.ring_full() {
            // A get freed the slot meanwhile.
            return Ok(());
        }
        // The slot at the tail is full: every slot is, from the head's round to the tail.
        let len = tail.slots.len();
        let bigger = match self.maxsize {
            0 => len * 2,
            maxsize => (len * 2).min(maxsize),
        };
        let slots: Arc<[Slot<T>]> = (0..bigger).map(|_| Slot::free()).collect();
        for slot in &slots[..len] {
            let item = head.slots[head.at].empty().expect("a full ring");
            head.at = next(head.at, len);
            slot.fill(item);
        }
        (tail.slots, tail.at) = (slots.clone(), len);
        (head.slots, head.at) = (slots, 0);
        Ok(())
    }

    /// [`Queue::get`](super::Queue::get).
    #[inline(always)]
    pub(super) fn get(&self, timeout: Timeout) -> Result<T, Error> {
        let head = self.lock_head()?;
        self.take(head)
            .map_or_else(|head| self.get_wait(head, timeout), Ok)
    }

    /// The item at the head, if there is one (then wakes a putter if one waits), or the guard
    /// back.
    #[inline(always)]
    fn take<'a>(&self, mut head: MutexGuard<'a, Head<T>>) -> Result<T, MutexGuard<'a, Head<T>>> {
        let Some(item) = head.take() else {
            return Err(head);
        };
        let wake = head.putters.pick_one();
        drop(head);
        if wake {
            self.sleep.not_full.notify_one();
        }
        Ok(item)
    }

    /// A get that found the queue empty: waits at most `timeout` for an item.
    #[inline(never)]
    fn get_wait(&self, mut head: MutexGuard<'_, Head<T>>, timeout: Timeout) -> Result<T, Error> {
        let mut deadline = None;
        let mut spin = SpinWait::new();
        loop {
            head = match self.take(head) {
                Ok(item) => return Ok(item),
                Err(head) => head,
            };
            if head.is_shutdown {
                return Err(Error::QueueShutDown);
            }
            let deadline = *deadline.get_or_insert_with(|| timeout.deadline());
            if deadline.expired() {
                return Err(Error::QueueEmpty);
            }
            // With both ends running at once the consumer often catches up with the producer,
            // whose next item comes within a few hundred nanoseconds: look again before counting
            // in as a sleeper, which takes the tail's mutex from this core and costs the put a
            // wake-up. Not holding the head's mutex meanwhile: a putter woken from a full ring
            // counts itself out there, and spinning with it held made the two ends wait for each
            // other's spins (a slow mode with thousands of yields per 500,000 items).
            if MutexGuard::unlocked(&mut head, || spin.spin()) {
                continue;
            }
            // Counted in at the tail, so that the put that fills the slot sees this getter, or
            // the look below the slot; the head's mutex is released meanwhile (head, then tail
            // would invert `grow`'s order).
            let not_empty = &self.sleep.not_empty;
            let seen = not_empty.epoch();
            MutexGuard::unlocked(&mut head, || {
                // Never broken by a fork: checked when this get began, and this thread lived
                // through none since.
                self.tail.lock().getters.count_in();
            });
            // The flag too: a shutdown may have come while the head's mutex was released (for
            // the spin, or to count in), before this getter was counted.
            if !head.slots[head.at].is_full() && !head.is_shutdown {
                MutexGuard::unlocked(&mut head, || not_empty.wait(seen, deadline));
            }
            MutexGuard::unlocked(&mut head, || self.tail.lock().getters.count_out());
        }
    }

    /// [`Queue::watch`](super::Queue::watch): with both mutexes held (tail then head).
    #[cfg(not(loom))]
    pub(super) fn watch(&self, watch: impl FnOnce(usize)) -> bool {
        // A queue broken by a fork does not block a get: the get returns `Error::Forked`.
        let (Ok(mut tail), Ok(head)) = (self.lock_tail(), self.head.lock_checked()) else {
            return true;
        };
        if head.slots[head.at].is_full() || head.is_shutdown {
            return true;
        }
        watch(self.sleep.key());
        tail.getters.count_in();
        false
    }

    /// [`Queue::unwatch`](super::Queue::unwatch).
    #[cfg(not(loom))]
    pub(super) fn unwatch(&self) {
        // Never broken by a fork: `watch` counted this thread in, in this process.
        self.tail.lock().getters.count_out();
    }

    /// [`Queue::task_done`](super::Queue::task_done).
    pub(super) fn task_done(&self) -> Result<(), Error> {
        shared::task_done(self.lock_tail()?, &self.sleep, |t| {
            (&mut t.unfinished_tasks, &mut t.joiners)
        })
    }

    /// [`Queue::join`](super::Queue::join).
    pub(super) fn join(&self, timeout: Timeout) -> Result<bool, Error> {
        Ok(shared::join(
            self.lock_tail()?,
            &self.sleep.all_tasks_done,
            |t| t.unfinished_tasks,
            |t| &mut t.joiners,
            timeout,
        ))
    }

    /// [`Queue::shutdown`](super::Queue::shutdown): with both mutexes held (tail then head).
    pub(super) fn shutdown(&self, immediate: bool) -> Result<Vec<T>, Error> {
        let mut tail = self.lock_tail()?;
        let mut head = self.head.lock_checked()?;
        (tail.is_shutdown, head.is_shutdown) = (true, true);
        let mut drained = Vec::new();
        if immediate {
            drained.extend(std::iter::from_fn(|| head.take()));
        }
        let wake_putters = head.putters.pick_all();
        drop(head);
        // Python: one `task_done` per removed item, never below zero.
        tail.unfinished_tasks = tail.unfinished_tasks.saturating_sub(drained.len());
        let wake_joiners = immediate && tail.unfinished_tasks == 0 && tail.joiners.pick_all();
        let wake_getters = tail.getters.pick_all();
        drop(tail);
        self.sleep
            .wake_after_shutdown(wake_joiners, wake_getters, wake_putters);
        Ok(drained)
    }

    /// The state for the snapshot methods; [`Forked`] in a child where the queue is broken by
    /// the fork, whose state is not to be read.
    pub(super) fn snapshot(&self) -> Result<Snapshot, Forked> {
        let tail = self.lock_tail()?;
        let head = self.head.lock_checked()?;
        Ok(Snapshot {
            items: tail.puts.wrapping_sub(head.gets),
            is_shutdown: tail.is_shutdown,
            getters: tail.getters.count(),
            putters: head.putters.count(),
            unfinished_tasks: tail.unfinished_tasks,
        })
    }
}

/// The items left are dropped in the order `get` would have returned them; a queue broken by a
/// fork leaks them (its state may be half-updated), and its ring with them.
impl<T> Drop for Ring<T> {
    fn drop(&mut self) {
        if let Ok(mut head) = self.lock_head() {
            while head.take().is_some() {}
        }
    }
}
