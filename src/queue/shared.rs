//! What both stores of the queue use: the snapshot they report, and `task_done` and `join` over
//! the unfinished-task count and the joiners their mutex guards.

use crate::Error;
use crate::loom::MutexGuard;
use crate::park::{Condvar, Waiters};
use crate::timeout::Timeout;

/// `task_done` on the unfinished-task count and the joiners a queue's mutex guards: one task
/// fewer, or [`Error::TaskDoneTooMany`]; true if that was the last and joiners wait (the caller
/// wakes them on its `all_tasks_done` condvar once it released the mutex).
pub(super) fn task_done(unfinished: &mut usize, joiners: &mut Waiters) -> Result<bool, Error> {
    *unfinished = unfinished.checked_sub(1).ok_or(Error::TaskDoneTooMany)?;
    Ok(*unfinished == 0 && joiners.pick_all())
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
