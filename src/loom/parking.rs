//! A model of `parking_lot_core`'s parking API for loom, used in its place under `cfg(loom)`.
//!
//! `parking_lot_core` keeps a hash table of queues of parked threads, one lock per bucket. The
//! model keeps one queue of `(key, id)` pairs in FIFO order behind a single loom `Mutex`, as if
//! every key hashed to the same bucket (a legal layout of the real table), and a loom `Condvar`
//! on which parked threads sleep. Every callback runs with that mutex held, where the real
//! functions run it with the bucket lock held, so the primitives' reasoning "the bucket is
//! locked here" carries over unchanged.
//!
//! Timeouts: loom has no clock. A timed `park` enqueues, lets loom schedule any other thread,
//! and then times out unless it was unparked by then: loom thus explores both a wakeup that wins
//! against the timeout and one that loses, at every point it can interleave. A model that relies
//! on a timeout therefore sees it fire as early as possible, which the real clock also allows.
//! The functions keep `parking_lot_core`'s signatures (`unsafe` included) so that the call sites
//! compile unchanged; here nothing about them is actually unsafe.

use std::time::Instant;

use loom::sync::{Condvar, Mutex, MutexGuard};

pub(crate) use parking_lot_core::{
    DEFAULT_PARK_TOKEN, DEFAULT_UNPARK_TOKEN, ParkResult, ParkToken, RequeueOp, UnparkResult,
    UnparkToken,
};

/// A parked thread: the key it waits on, and an id that tells it its own wakeup.
struct Waiter {
    key: usize,
    id: usize,
}

#[derive(Default)]
struct Queue {
    /// Parked threads, oldest first.
    parked: Vec<Waiter>,
    /// Threads unparked but not yet returned from `park`, with the token they were given.
    woken: Vec<(usize, UnparkToken)>,
    next_id: usize,
}

impl Queue {
    fn count(&self, key: usize) -> usize {
        self.parked.iter().filter(|w| w.key == key).count()
    }

    /// Removes the oldest thread parked on `key`.
    fn take(&mut self, key: usize) -> Option<Waiter> {
        let at = self.parked.iter().position(|w| w.key == key)?;
        Some(self.parked.remove(at))
    }

    fn wake(&mut self, waiter: Waiter, token: UnparkToken) {
        self.woken.push((waiter.id, token));
    }
}

struct Table {
    queue: Mutex<Queue>,
    changed: Condvar,
}

loom::lazy_static! {
    // A loom lazy static is made anew for every execution of the model.
    static ref TABLE: Table = Table { queue: Mutex::new(Queue::default()), changed: Condvar::new() };
}

fn lock() -> MutexGuard<'static, Queue> {
    TABLE.queue.lock().expect("no callback panics")
}

/// `parking_lot_core::park`: the same contract and outcomes; see the module documentation for
/// what a timeout means here.
///
/// # Safety
/// None beyond `parking_lot_core::park`'s, kept so that call sites are the same.
pub(crate) unsafe fn park(
    key: usize,
    validate: impl FnOnce() -> bool,
    before_sleep: impl FnOnce(),
    timed_out: impl FnOnce(usize, bool),
    _park_token: ParkToken,
    timeout: Option<Instant>,
) -> ParkResult {
    let mut queue = lock();
    if !validate() {
        return ParkResult::Invalid;
    }
    let id = queue.next_id;
    queue.next_id += 1;
    queue.parked.push(Waiter { key, id });
    drop(queue);
    before_sleep();
    let mut queue = lock();
    loop {
        if let Some(at) = queue.woken.iter().position(|&(woken, _)| woken == id) {
            return ParkResult::Unparked(queue.woken.remove(at).1);
        }
        if timeout.is_some() {
            // Not woken by the time loom ran us again: time out. The thread may have been
            // requeued, so report the key it is parked on now.
            let at = queue
                .parked
                .iter()
                .position(|w| w.id == id)
                .expect("a thread neither woken nor parked");
            let key = queue.parked.remove(at).key;
            timed_out(key, queue.count(key) == 0);
            return ParkResult::TimedOut;
        }
        queue = TABLE.changed.wait(queue).expect("no callback panics");
    }
}

/// `parking_lot_core::unpark_one`.
///
/// # Safety
/// None beyond `parking_lot_core::unpark_one`'s.
pub(crate) unsafe fn unpark_one(
    key: usize,
    callback: impl FnOnce(UnparkResult) -> UnparkToken,
) -> UnparkResult {
    let mut queue = lock();
    let waiter = queue.take(key);
    let mut result = UnparkResult::default();
    result.unparked_threads = usize::from(waiter.is_some());
    result.have_more_threads = queue.count(key) > 0;
    let token = callback(result);
    if let Some(waiter) = waiter {
        queue.wake(waiter, token);
        TABLE.changed.notify_all();
    }
    result
}

/// `parking_lot_core::unpark_all`.
///
/// # Safety
/// None beyond `parking_lot_core::unpark_all`'s.
pub(crate) unsafe fn unpark_all(key: usize, token: UnparkToken) -> usize {
    let mut queue = lock();
    let mut count = 0;
    while let Some(waiter) = queue.take(key) {
        queue.wake(waiter, token);
        count += 1;
    }
    TABLE.changed.notify_all();
    count
}

/// `parking_lot_core::unpark_requeue`.
///
/// # Safety
/// None beyond `parking_lot_core::unpark_requeue`'s.
pub(crate) unsafe fn unpark_requeue(
    key_from: usize,
    key_to: usize,
    validate: impl FnOnce() -> RequeueOp,
    callback: impl FnOnce(RequeueOp, UnparkResult) -> UnparkToken,
) -> UnparkResult {
    let mut queue = lock();
    let mut result = UnparkResult::default();
    let op = validate();
    if op == RequeueOp::Abort {
        return result;
    }
    let unpark = match op {
        RequeueOp::UnparkOneRequeueRest | RequeueOp::UnparkOne => queue.take(key_from),
        _ => None,
    };
    let requeue = match op {
        RequeueOp::UnparkOneRequeueRest | RequeueOp::RequeueAll => usize::MAX,
        RequeueOp::RequeueOne => 1,
        _ => 0,
    };
    // Requeued threads keep their place relative to each other, behind those already parked on
    // `key_to` (a requeue appends to the target queue).
    let mut moved = Vec::new();
    queue.parked.retain(|w| {
        let take = w.key == key_from && moved.len() < requeue;
        if take {
            moved.push(Waiter {
                key: key_to,
                id: w.id,
            });
        }
        !take
    });
    result.requeued_threads = moved.len();
    queue.parked.extend(moved);
    result.unparked_threads = usize::from(unpark.is_some());
    result.have_more_threads = queue.count(key_from) > 0;
    let token = callback(op, result);
    if let Some(waiter) = unpark {
        queue.wake(waiter, token);
        TABLE.changed.notify_all();
    }
    result
}

/// `parking_lot_core::SpinWait`, which never spins here: spinning only delays, and loom already
/// explores every delay, so a spinning thread goes straight to its slow path.
#[derive(Default)]
pub(crate) struct SpinWait;

impl SpinWait {
    /// A new spinner.
    pub(crate) fn new() -> SpinWait {
        SpinWait
    }

    /// Always false: "stop spinning and park".
    pub(crate) fn spin(&mut self) -> bool {
        false
    }

    /// Nothing to reset.
    pub(crate) fn reset(&mut self) {}
}
