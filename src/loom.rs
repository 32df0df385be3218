//! The one place the core takes its synchronization building blocks from.
//!
//! Every primitive imports atomics, parking, mutexes and thread-locals from here and nowhere
//! else, so that a model checker can be swapped in under `cfg(loom)` without touching the
//! primitives (the pattern tokio's `src/loom/mod.rs` uses). Under loom, `parking` is a model of
//! the parking lot (`sync/lot.rs`, below) and the mutex is loom's.
//! The primitives in `sync`, the queue and futures are built under loom (`tests/loom.rs`).

#[cfg(not(loom))]
pub(crate) mod atomic {
    pub(crate) use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
}

#[cfg(not(loom))]
pub(crate) use crate::sync::lot as parking;

/// A `const fn` normally; a plain `fn` under loom, whose atomics cannot be made in constants.
macro_rules! const_fn {
    ($(#[$attr:meta])* $vis:vis fn $name:ident() -> $ret:ty $body:block) => {
        #[cfg(not(loom))]
        $(#[$attr])*
        $vis const fn $name() -> $ret $body

        #[cfg(loom)]
        $(#[$attr])*
        $vis fn $name() -> $ret $body
    };
}
pub(crate) use const_fn;

#[cfg(loom)]
pub(crate) mod atomic {
    pub(crate) use loom::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
}

#[cfg(not(loom))]
pub(crate) use crate::sync::mutex::{Mutex, MutexGuard};
#[cfg(loom)]
pub(crate) use loom::thread_local;
#[cfg(loom)]
pub(crate) use model::{Mutex, MutexGuard};

/// loom's mutex with the API of weft's own (`sync/mutex.rs`).
#[cfg(loom)]
mod model {
    use std::ops::{Deref, DerefMut};

    /// loom's mutex without poisoning (a model run that panics fails).
    #[derive(Debug)]
    pub(crate) struct Mutex<T>(loom::sync::Mutex<T>);

    /// Holds `Some` except in the middle of `unlocked`.
    pub(crate) struct MutexGuard<'a, T> {
        mutex: &'a Mutex<T>,
        guard: Option<loom::sync::MutexGuard<'a, T>>,
    }

    impl<T> Mutex<T> {
        pub(crate) fn new(value: T) -> Mutex<T> {
            Mutex(loom::sync::Mutex::new(value))
        }

        pub(crate) fn lock(&self) -> MutexGuard<'_, T> {
            MutexGuard {
                mutex: self,
                guard: Some(self.0.lock().expect("no panics in models")),
            }
        }
    }

    impl<T> MutexGuard<'_, T> {
        /// Runs `f` with the mutex released, then locks it again.
        pub(crate) fn unlocked<U>(this: &mut Self, f: impl FnOnce() -> U) -> U {
            drop(this.guard.take());
            let result = f();
            this.guard = Some(this.mutex.0.lock().expect("no panics in models"));
            result
        }
    }

    impl<T> Deref for MutexGuard<'_, T> {
        type Target = T;
        fn deref(&self) -> &T {
            self.guard.as_ref().expect("guard held")
        }
    }

    impl<T> DerefMut for MutexGuard<'_, T> {
        fn deref_mut(&mut self) -> &mut T {
            self.guard.as_mut().expect("guard held")
        }
    }
}

/// A model of the parking lot (`sync/lot.rs`) for loom: one table of parked threads under one
/// loom mutex (the real one's buckets, all in one), FIFO per key. A park with a deadline times
/// out as soon as it finds itself not unparked, which loom can schedule before or after any
/// unpark.
#[cfg(loom)]
pub(crate) mod parking {
    use std::time::Instant;

    pub(crate) use crate::sync::lot::{
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
        timeout: Option<Instant>,
    ) -> ParkResult {
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
            let mut table = table();
            if let Some(i) = table.woken.iter().position(|w| w.0 == id) {
                return ParkResult::Unparked(table.woken.remove(i).1);
            }
            if timeout.is_some() {
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
        let token = callback(result);
        for parked in chosen {
            table.wake(parked, token);
        }
        result
    }
}
