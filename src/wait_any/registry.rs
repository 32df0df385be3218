//! The threads in [`wait_any`](super::wait_any) waiting for a queue or an event: a process-wide
//! list of (object, waiter, index) entries, which the object's slow path reports to.
//!
//! Neither `Queue` nor `Event` holds a list of its own, so their layout and their fast paths are
//! those of a plain `Queue` or `Event`. A watcher makes the object take its slow path instead: it
//! counts itself in as one of a queue's getters (a put then picks a getter to wake), or sets an
//! event's `PARKED` bit (a set then unparks); that path calls [`notify`], which costs one load
//! while nobody watches anything.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering, fence};

use crate::future::Waiter;
use crate::park::mutex::Mutex;

/// One watcher: the address of the object it watches, its waiter, the object's index in the
/// waiter's list.
type Entry = (usize, Arc<Waiter>, usize);

static WATCHERS: Mutex<Vec<Entry>> = Mutex::new(Vec::new());
/// How many entries `WATCHERS` holds: [`notify`] looks here first.
static WATCHED: AtomicUsize = AtomicUsize::new(0);

/// Adds `waiter` as watching the object at `address`, under `index`. Call it before making the
/// object take its slow path (see the module documentation).
pub(crate) fn watch(address: usize, waiter: &Arc<Waiter>, index: usize) {
    let mut watchers = WATCHERS.lock();
    watchers.push((address, Arc::clone(waiter), index));
    // Relaxed: published by what follows the watch (the queue's mutex, the event's Release
    // CAS), which `notify`'s caller reads before calling it.
    WATCHED.fetch_add(1, Ordering::Relaxed);
}

/// Takes back every entry of `waiter` still there (those not notified).
pub(crate) fn forget(waiter: &Arc<Waiter>) {
    let mut watchers = WATCHERS.lock();
    let before = watchers.len();
    watchers.retain(|(_, w, _)| !Arc::ptr_eq(w, waiter));
    // Relaxed: see `watch`.
    WATCHED.fetch_sub(before - watchers.len(), Ordering::Relaxed);
}

/// The object at `address` became ready (an item put, the event set, the queue shut down):
/// reports it to each of its watchers, once, and takes their entries. Called on the object's
/// slow path, after the operation that saw the watcher's mark (the pick of a getter under the
/// queue's mutex, the event's state word with its `PARKED` bit).
pub(crate) fn notify(address: usize) {
    // Acquire: with the read of the mark that led here (the event's word, read by a Release
    // RMW), makes the watcher's `watch` visible; the queue's mutex does it for a queue.
    fence(Ordering::Acquire);
    // Relaxed: ordered by the fence.
    if WATCHED.load(Ordering::Relaxed) == 0 {
        return;
    }
    let mut found = Vec::new();
    {
        let mut watchers = WATCHERS.lock();
        watchers.retain(|(a, w, i)| {
            let hit = *a == address;
            if hit {
                found.push((Arc::clone(w), *i));
            }
            !hit
        });
        // Relaxed: see `watch`.
        WATCHED.fetch_sub(found.len(), Ordering::Relaxed);
    }
    // Outside the list's lock: `completed` takes the waiter's.
    for (waiter, index) in found {
        waiter.completed(index, false);
    }
}
