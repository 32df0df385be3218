//! What both stores of the queue use: where their threads sleep and how a change wakes them,
//! the snapshot they report, and `task_done` and `join` over the unfinished-task count and the
//! joiners their mutex guards.

use crate::Error;
use crate::loom::MutexGuard;
use crate::park::{Condvar, Waiters};
use crate::timeout::Timeout;

/// Where a queue's threads sleep; each store counts its sleepers in its own state, and wakes
/// only those it picked off the counts.
#[derive(Debug)]
pub(super) struct Sleep {
    /// Getters wait here for an item (or the shutdown).
    pub(super) not_empty: Condvar,
    /// Putters wait here for a free slot (or the shutdown).
    pub(super) not_full: Condvar,
    /// Joiners wait here for the unfinished-task count to reach zero.
    pub(super) all_tasks_done: Condvar,
}

impl Sleep {
    pub(super) fn new() -> Sleep {
        Sleep {
            not_empty: Condvar::new(),
            not_full: Condvar::new(),
            all_tasks_done: Condvar::new(),
        }
    }

    /// The queue's key in the registry of `wait_any`: this place's address, the queue's own for
    /// its life.
    #[cfg(not(loom))]
    pub(super) fn key(&self) -> usize {
        std::ptr::from_ref(self) as usize
    }

    /// Wakes the getter a put picked, and tells the registry of `wait_any` (whose watchers
    /// count as getters). Out of line: the put that calls it is inline in its caller.
    #[inline(never)]
    pub(super) fn wake_getter(&self) {
        self.not_empty.notify_one();
        #[cfg(not(loom))]
        crate::wait_any::registry::notify(self.key());
    }

    /// Wakes whom a shutdown picked: every joiner, getter (and watcher) and putter.
    pub(super) fn wake_after_shutdown(&self, joiners: bool, getters: bool, putters: bool) {
        if joiners {
            self.all_tasks_done.notify_all();
        }
        if getters {
            self.not_empty.notify_all();
            #[cfg(not(loom))]
            crate::wait_any::registry::notify(self.key());
        }
        if putters {
            self.not_full.notify_all();
        }
    }
}

/// `task_done` with the queue's mutex held (`state`): one task fewer in the count `counts`
/// finds there, or [`Error::TaskDoneTooMany`]; if that was the last, wakes the joiners counted
/// beside it (on `sleep.all_tasks_done`, the mutex released).
pub(super) fn task_done<S>(
    mut state: MutexGuard<'_, S>,
    sleep: &Sleep,
    counts: fn(&mut S) -> (&mut usize, &mut Waiters),
) -> Result<(), Error> {
    let (unfinished, joiners) = counts(&mut state);
    *unfinished = unfinished.checked_sub(1).ok_or(Error::TaskDoneTooMany)?;
    let wake = *unfinished == 0 && joiners.pick_all();
    drop(state);
    if wake {
        sleep.all_tasks_done.notify_all();
    }
    Ok(())
}

/// `join` with the queue's mutex held (`state`): waits on `all_tasks_done` until `unfinished`
/// reads 0, counted among `joiners`, at most `timeout`; returns whether it did.
pub(super) fn join<S>(
    mut state: MutexGuard<'_, S>,
    all_tasks_done: &Condvar,
    unfinished: fn(&S) -> usize,
    joiners: fn(&mut S) -> &mut Waiters,
    timeout: Timeout,
) -> bool {
    let mut deadline = None;
    loop {
        if unfinished(&state) == 0 {
            return true;
        }
        let deadline = *deadline.get_or_insert_with(|| timeout.deadline());
        if deadline.expired() {
            return false;
        }
        all_tasks_done.wait_counted(&mut state, joiners, deadline);
    }
}

/// What the snapshot methods report, read at one moment.
#[derive(Debug, Default)]
pub(super) struct Snapshot {
    pub(super) items: usize,
    pub(super) is_shutdown: bool,
    pub(super) getters: usize,
    pub(super) putters: usize,
    pub(super) unfinished_tasks: usize,
}
