//! The threads in [`wait_any`](super::wait_any) waiting for a queue or an event: a process-wide
//! list of (object, waiter, index) entries, which the object's slow path reports to.
//!
//! Neither `Queue` nor `Event` holds a list of its own, so their layout and their fast paths are
//! those of a plain `Queue` or `Event`. A watcher makes the object take its slow path instead: it
//! counts itself in as one of a queue's getters (a put then picks a getter to wake), or sets an
//! event's `PARKED` bit (a set then unparks); that path calls [`notify`], which costs one load
//! while nobody watches anything.
//!
//! The list is held across `fork()` (the pattern `fork.rs` describes), so that a child never
//! inherits it locked by a thread it does not have; the child forgets the parent's watchers.

use std::cell::RefCell;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering, fence};

use crate::fork;
use crate::future::Waiter;
use crate::os;
use crate::park::mutex::{Mutex, MutexGuard};

/// One watcher: the address of the object it watches, its waiter, the object's index in the
/// waiter's list.
type Entry = (usize, Arc<Waiter>, usize);

static WATCHERS: Mutex<Vec<Entry>> = Mutex::new(Vec::new());
/// How many entries `WATCHERS` holds: [`notify`] looks here first.
static WATCHED: AtomicUsize = AtomicUsize::new(0);
static FORK_HOOK: os::Hook = os::Hook::new();

thread_local! {
    /// The forking thread's guard of `WATCHERS`, from `prepare` to after the fork.
    static WATCHERS_HELD_FOR_FORK: RefCell<Option<MutexGuard<'static, Vec<Entry>>>> =
        const { RefCell::new(None) };
}

/// Installs the list's fork handlers, once (see `os::Hook`; the library's constructor does it
/// first, see `lib.rs`). The list is taken with no other lock held, and nothing is locked with
/// it held: its handlers need no place in the order of the others.
pub(crate) fn arm_fork_handlers() {
    os::at_fork(
        &FORK_HOOK,
        Some(lock_before_fork),
        Some(unlock_in_parent),
        unlock_in_child,
    );
}

extern "C" fn lock_before_fork() {
    fork::hold_for_fork(&WATCHERS_HELD_FOR_FORK, || WATCHERS.lock());
}

extern "C" fn unlock_in_parent() {
    drop(fork::held_in_parent(&WATCHERS_HELD_FOR_FORK));
}

/// The parent's watchers are threads the child does not have: forgotten.
extern "C" fn unlock_in_child() {
    if let Some(mut watchers) = fork::held_in_child(&WATCHERS_HELD_FOR_FORK) {
        // Relaxed: the child has one thread yet.
        WATCHED.fetch_sub(watchers.len(), Ordering::Relaxed);
        watchers.clear();
    }
}

/// Adds `waiter` as watching the object at `address`, under `index`. Call it before making the
/// object take its slow path (see the module documentation).
pub(crate) fn watch(address: usize, waiter: &Arc<Waiter>, index: usize) {
    arm_fork_handlers();
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
