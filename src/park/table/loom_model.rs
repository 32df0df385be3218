//! A model of the parking lot (`buckets.rs`) for loom: one table of parked threads under one
//! loom mutex (the real one's buckets, all in one), FIFO per key. A park with a deadline times
//! out as soon as it finds itself not unparked, which loom can schedule before or after any
//! unpark. A park with a cancellation token ends as soon as it finds the token set; the
//! token's `set` unparks the model's threads parked with it. The real table's fairness timer
//! is a switch here ([`set_fair`]): off, no unpark is fair; on, every one that wakes a thread
//! is, so that a model checks the hand-off path in every interleaving.

use crate::timeout::Deadline;

pub(crate) use super::{
    DEFAULT_PARK_TOKEN, DEFAULT_UNPARK_TOKEN, FilterOp, ParkResult, ParkToken, RequeueOp,
    UnparkResult, UnparkToken,
};

struct Parked {
    key: usize,
    token: ParkToken,
    id: usize,
    thread: loom::thread::Thread,
}

#[derive(Default)]
struct Table {
    /// Parked threads in arrival order (FIFO per key).
    queue: Vec<Parked>,
    /// Threads unparked but not yet returned from `park`, with their tokens.
    woken: Vec<(usize, UnparkToken)>,
    next_id: usize,
    /// Whether unparks that wake a thread are fair (see [`set_fair`]).
    fair: bool,
}

loom::lazy_static! {
    static ref TABLE: loom::sync::Mutex<Table> = loom::sync::Mutex::new(Table::default());
}

fn table() -> loom::sync::MutexGuard<'static, Table> {
    TABLE.lock().expect("no panics in models")
}

impl Table {
    fn has(&self, key: usize) -> bool {
        self.queue.iter().any(|p| p.key == key)
    }

    fn position(&self, key: usize) -> Option<usize> {
        self.queue.iter().position(|p| p.key == key)
    }

    fn wake(&mut self, parked: Parked, token: UnparkToken) {
        self.woken.push((parked.id, token));
        parked.thread.unpark();
    }
}

/// Makes every later unpark of this model's execution that wakes a thread fair (`true`) or
/// none (`false`, where each execution starts).
pub fn set_fair(fair: bool) {
    table().fair = fair;
}

/// `buckets::forks`: loom's threads never fork.
pub(crate) fn forks() -> u64 {
    0
}

/// The parking lot's `SpinWait` without the spinning: under loom, waiting is parking.
pub(crate) struct SpinWait;

impl SpinWait {
    pub(crate) fn new() -> SpinWait {
        SpinWait
    }

    pub(crate) fn spin(&mut self) -> bool {
        false
    }

    pub(crate) fn reset(&mut self) {}
}

pub(crate) fn park(
    key: usize,
    validate: impl FnOnce() -> bool,
    before_sleep: impl FnOnce(),
    timed_out: impl FnOnce(usize, bool),
    park_token: ParkToken,
    deadline: Deadline,
) -> ParkResult {
    let cancel = deadline.token();
    let id = {
        let mut table = table();
        if !validate() {
            return ParkResult::Invalid;
        }
        let id = table.next_id;
        table.next_id += 1;
        table.queue.push(Parked {
            key,
            token: park_token,
            id,
            thread: loom::thread::current(),
        });
        id
    };
    before_sleep();
    loop {
        if let Some(cancel) = &cancel {
            // Recorded before the look at the token below: a `set` after that look unparks
            // this thread, whose park then returns at once (loom keeps the permit).
            cancel.add_sleeper();
        }
        let mut table = table();
        if let Some(i) = table.woken.iter().position(|w| w.0 == id) {
            return ParkResult::Unparked(table.woken.remove(i).1);
        }
        let cancelled = cancel.as_ref().is_some_and(|c| c.sleep_value().is_none());
        if deadline.instant().is_some() || cancelled {
            let i = table.queue.iter().position(|p| p.id == id).expect("queued");
            let key = table.queue.remove(i).key;
            timed_out(key, !table.has(key));
            drop(table);
            // A caller whose deadline (on the real clock) has not passed parks again: let
            // the other threads run first, so that loom sees a retry loop, not a spin.
            loom::thread::yield_now();
            return ParkResult::TimedOut;
        }
        drop(table);
        loom::thread::park();
    }
}

pub(crate) fn unpark_one(
    key: usize,
    callback: impl FnOnce(UnparkResult) -> UnparkToken,
) -> UnparkResult {
    let mut table = table();
    let mut result = UnparkResult::default();
    let parked = table.position(key).map(|i| table.queue.remove(i));
    if parked.is_some() {
        result.unparked_threads = 1;
        result.have_more_threads = table.has(key);
        result.be_fair = table.fair;
    }
    let token = callback(result);
    if let Some(parked) = parked {
        table.wake(parked, token);
    }
    result
}

pub(crate) fn unpark_all(key: usize, token: UnparkToken) -> usize {
    let mut table = table();
    let mut count = 0;
    while let Some(i) = table.position(key) {
        let parked = table.queue.remove(i);
        table.wake(parked, token);
        count += 1;
    }
    count
}

pub(crate) fn unpark_requeue(
    key_from: usize,
    key_to: usize,
    validate: impl FnOnce() -> RequeueOp,
    callback: impl FnOnce(RequeueOp, UnparkResult) -> UnparkToken,
) -> UnparkResult {
    let mut table = table();
    let mut result = UnparkResult::default();
    let op = validate();
    let mut wake = None;
    let mut requeued = Vec::new();
    while let Some(i) = table.position(key_from) {
        let mut parked = table.queue.remove(i);
        if op == RequeueOp::UnparkOne {
            wake = Some(parked);
            result.unparked_threads = 1;
        } else {
            parked.key = key_to;
            requeued.push(parked);
            result.requeued_threads += 1;
        }
        if matches!(op, RequeueOp::UnparkOne | RequeueOp::RequeueOne) {
            result.have_more_threads = table.has(key_from);
            break;
        }
    }
    // Requeued threads join the end of the target's queue, in their order.
    table.queue.extend(requeued);
    result.be_fair = table.fair && result.unparked_threads > 0;
    let token = callback(op, result);
    if let Some(parked) = wake {
        table.wake(parked, token);
    }
    result
}

pub(crate) fn unpark_filter(
    key: usize,
    mut filter: impl FnMut(ParkToken) -> FilterOp,
    callback: impl FnOnce(UnparkResult) -> UnparkToken,
) -> UnparkResult {
    let mut table = table();
    let mut result = UnparkResult::default();
    let mut chosen = Vec::new();
    let mut i = 0;
    while i < table.queue.len() {
        if table.queue[i].key != key {
            i += 1;
            continue;
        }
        match filter(table.queue[i].token) {
            FilterOp::Unpark => chosen.push(table.queue.remove(i)),
            FilterOp::Skip => {
                result.have_more_threads = true;
                i += 1;
            }
            FilterOp::Stop => {
                result.have_more_threads = true;
                break;
            }
        }
    }
    result.unparked_threads = chosen.len();
    result.be_fair = table.fair && !chosen.is_empty();
    let token = callback(result);
    for parked in chosen {
        table.wake(parked, token);
    }
    result
}
