//! `Local`: Python's `threading.local`, one value per thread.
//!
//! A `Local` keeps its values in a map from thread key to value, under a mutex. A thread key is
//! a number no other thread ever had (unlike `get_ident()`, which the OS reuses), so no thread
//! can see a value an exited thread left behind. Each thread also keeps a list of weak
//! references to the locals it stored a value in, to destroy its values when it exits.
//!
//! Every value is destroyed (dropped) exactly once, outside the mutex, so a destructor may use
//! the local again:
//!
//! - replaced by [`Local::set`]: in the setting thread;
//! - its thread exits: in that thread. A weft thread does it just before it is marked finished,
//!   so a `join` that returned has seen them destroyed; any other thread (Rust's `std::thread`,
//!   C's `pthread_create`, the main thread at `exit()`) from a thread-local destructor;
//! - the last reference to the local drops: in the thread dropping it.
//!
//! A thread exiting while another drops the local: the exiting thread upgrades its weak
//! reference. If that fails, the drop owns the map and destroys the value; if it succeeds, the
//! exiting thread holds a strong reference, removes its value under the mutex, and may itself be
//! the one that drops the local (destroying the other threads' values). Either way the value
//! leaves the map once.
//!
//! A value set while the thread's thread-locals are being destroyed (by a destructor running at
//! thread exit) cannot be listed any more; it stays in the local until the local is dropped.
//!
//! Every local's mutex is held across `fork()` (see `fork.rs`), so a child never inherits one
//! locked by a thread it does not have: it can use every local, and its exit can destroy its
//! values. The values of the parent's other threads are unreachable in the child; they are
//! destroyed when the local is dropped there.

use std::any::Any;
use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
use std::sync::{Arc, Weak};

use crate::loom::atomic::{AtomicU64, Ordering};
use crate::loom::{Mutex, MutexGuard};
use crate::{fork, os};

type Init<T> = Box<dyn Fn() -> T + Send + Sync>;

/// Python's `threading.local`: each thread sees only the value it stored (or the initializer
/// made for it). Cloning gives another handle to the same local.
pub struct Local<T: Send + 'static>(Arc<Inner<T>>);

struct Inner<T> {
    values: Mutex<HashMap<u64, T, BuildHasherDefault<KeyHasher>>>,
    init: Option<Init<T>>,
}

/// The hash of a thread's key: the key times 2^64/φ (Fibonacci hashing), which spreads the
/// consecutive keys over the table's groups. Keys are weft's own counter, not input an attacker
/// chooses, so std's SipHash (about 60 more instructions per `get`, BENCHMARKS.md) buys nothing.
#[derive(Default)]
struct KeyHasher(u64);

impl Hasher for KeyHasher {
    fn write(&mut self, bytes: &[u8]) {
        // Only `write_u64` is called (the keys are u64); folded byte by byte all the same.
        for &byte in bytes {
            self.write_u64(self.0 ^ u64::from(byte));
        }
    }

    fn write_u64(&mut self, key: u64) {
        self.0 = key.wrapping_mul(0x9E37_79B9_7F4A_7C15);
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

/// What a thread's exit needs from each local it stored a value in, and a fork from every
/// local, whatever the value's type.
trait Forget: Send + Sync {
    /// Removes and destroys the value of the thread with this key, if any.
    fn forget(&self, thread: u64);

    /// Takes the local's mutex; it is released when the result is dropped.
    fn lock_values(self: Arc<Self>) -> Box<dyn Any>;
}

impl<T: Send + 'static> Forget for Inner<T> {
    fn forget(&self, thread: u64) {
        let value = self.values.lock().remove(&thread);
        // Destroyed after the unlock above: the destructor may use this local.
        drop(value);
    }

    fn lock_values(self: Arc<Self>) -> Box<dyn Any> {
        Box::new(Mutex::lock_arc(self, |inner| &inner.values))
    }
}

/// Every local alive, for the fork handlers; entries of dropped locals are pruned as locals are
/// made.
static LOCALS: Mutex<Vec<Weak<dyn Forget>>> = Mutex::new(Vec::new());
static FORK_HOOK: os::Hook = os::Hook::new();

/// What the thread that calls `fork()` holds from just before the fork to just after, in the
/// parent and in the child: [`LOCALS`], and the mutex of every local in it.
type HeldForFork = (
    MutexGuard<'static, Vec<Weak<dyn Forget>>>,
    Vec<Box<dyn Any>>,
);

extern "C" fn lock_locals_before_fork() {
    fork::hold_for_fork(&LOCALS_HELD_FOR_FORK, || {
        let locals = LOCALS.lock();
        let values = locals
            .iter()
            .filter_map(Weak::upgrade)
            .map(Forget::lock_values)
            .collect();
        (locals, values)
    });
}

/// Installs the locals' fork handlers, once (see `os::Hook`; the library's constructor does it
/// first, see `lib.rs`).
pub(crate) fn arm_fork_handlers() {
    os::at_fork(
        &FORK_HOOK,
        Some(lock_locals_before_fork),
        Some(unlock_locals_in_parent),
        unlock_locals_in_child,
    );
}

// Dropping the guards unlocks the list and the locals.
extern "C" fn unlock_locals_in_parent() {
    drop(fork::held_in_parent(&LOCALS_HELD_FOR_FORK));
}

extern "C" fn unlock_locals_in_child() {
    drop(fork::held_in_child(&LOCALS_HELD_FOR_FORK));
}

/// The locals a thread stored a value in; its destructor runs when the thread exits.
struct Stored(RefCell<Vec<Weak<dyn Forget>>>);

impl Drop for Stored {
    fn drop(&mut self) {
        forget_all(std::mem::take(self.0.get_mut()));
    }
}

/// The next thread key; 0 means "none yet".
static NEXT_KEY: AtomicU64 = AtomicU64::new(1);

thread_local! {
    /// The calling thread's key, 0 until first needed. It has no destructor, so it stays
    /// readable while the thread's other thread-locals are destroyed.
    static KEY: Cell<u64> = const { Cell::new(0) };
    static STORED: Stored = const { Stored(RefCell::new(Vec::new())) };
    static LOCALS_HELD_FOR_FORK: RefCell<Option<HeldForFork>> = const { RefCell::new(None) };
}

/// The calling thread's key, never given to another thread.
fn key() -> u64 {
    KEY.with(|key| {
        if key.get() == 0 {
            // Relaxed: only uniqueness matters, which fetch_add gives under any ordering.
            key.set(NEXT_KEY.fetch_add(1, Ordering::Relaxed));
        }
        key.get()
    })
}

/// Lists `local` as holding a value of the calling thread, dropping the entries of dead locals.
/// Does nothing while the thread's thread-locals are being destroyed (see the module docs).
fn remember(local: Weak<dyn Forget>) {
    let _ = STORED.try_with(|stored| {
        let mut stored = stored.0.borrow_mut();
        stored.retain(|l| l.strong_count() > 0);
        stored.push(local);
    });
}

fn forget_all(locals: Vec<Weak<dyn Forget>>) {
    let thread = key();
    for local in locals {
        if let Some(local) = local.upgrade() {
            local.forget(thread);
        }
    }
}

/// Destroys the calling thread's values in every local; called by a weft thread as it
/// finishes.
///
/// Destructors may store new values: as pthread does for its keys, this repeats up to
/// [`RELEASE_ROUNDS`] times; values stored after that are destroyed at the OS thread's exit.
pub(crate) fn release_thread_values() {
    // A thread that never took a key stored no value; it is spared `STORED`, whose first use
    // registers its destructor (an allocation).
    if KEY.with(Cell::get) == 0 {
        return;
    }
    for _ in 0..RELEASE_ROUNDS {
        match STORED.try_with(|stored| stored.0.take()) {
            Ok(locals) if !locals.is_empty() => forget_all(locals),
            _ => return,
        }
    }
}

/// pthread's `PTHREAD_DESTRUCTOR_ITERATIONS` on Linux.
const RELEASE_ROUNDS: usize = 4;

impl<T: Send + 'static> Local<T> {
    /// A local with no value in any thread. Python: `threading.local()`.
    pub fn new() -> Local<T> {
        Local::from_init(None)
    }

    /// A local whose value, in a thread that has none, is made by `init`, run in that thread on
    /// its first [`Local::get`] or [`Local::with_value`]. Python: a `threading.local` subclass
    /// with an `__init__` (which, unlike this, also runs at once in the creating thread).
    /// `init` must not use this local.
    pub fn with_init(init: impl Fn() -> T + Send + Sync + 'static) -> Local<T> {
        Local::from_init(Some(Box::new(init)))
    }

    fn from_init(init: Option<Init<T>>) -> Local<T> {
        let inner = Arc::new(Inner {
            values: Mutex::new(HashMap::default()),
            init,
        });
        arm_fork_handlers();
        let mut locals = LOCALS.lock();
        locals.retain(|l| l.strong_count() > 0);
        locals.push(Arc::downgrade(&inner) as Weak<dyn Forget>);
        drop(locals);
        Local(inner)
    }

    /// Stores the calling thread's value; its previous value, if any, is dropped.
    pub fn set(&self, value: T) {
        let previous = self.0.values.lock().insert(key(), value);
        match previous {
            // Dropped after the unlock: the destructor may use this local.
            Some(previous) => drop(previous),
            None => remember(Arc::downgrade(&self.0) as Weak<dyn Forget>),
        }
    }

    /// Whether the calling thread has a value (stored, or made by the initializer). Does not run
    /// the initializer.
    pub fn is_set(&self) -> bool {
        self.0.values.lock().contains_key(&key())
    }

    /// Calls `f` with the calling thread's value, first making it with the initializer if there
    /// is one and the thread has no value; `None` if there is still none.
    ///
    /// `f` runs with the local locked: it must not use this local.
    pub fn with_value<R>(&self, f: impl FnOnce(Option<&T>) -> R) -> R {
        if let Some(init) = &self.0.init {
            if !self.is_set() {
                // Made outside the lock: `init` is the caller's code.
                self.set(init());
            }
        }
        f(self.0.values.lock().get(&key()))
    }

    /// A copy of the calling thread's value, as [`Local::with_value`] finds it.
    pub fn get(&self) -> Option<T>
    where
        T: Clone,
    {
        self.with_value(|value| value.cloned())
    }
}

impl<T: Send + 'static> Default for Local<T> {
    fn default() -> Local<T> {
        Local::new()
    }
}

impl<T: Send + 'static> Clone for Local<T> {
    fn clone(&self) -> Local<T> {
        Local(Arc::clone(&self.0))
    }
}

#[cfg(test)]
mod tests {
    use std::sync::{Barrier, mpsc};

    use super::*;
    use crate::{Thread, Timeout};

    /// A value that logs its id when dropped.
    struct Tracked {
        id: u32,
        log: Arc<std::sync::Mutex<Vec<u32>>>,
    }

    impl Drop for Tracked {
        fn drop(&mut self) {
            self.log.lock().unwrap().push(self.id);
        }
    }

    type Log = Arc<std::sync::Mutex<Vec<u32>>>;

    fn tracked(log: &Log, id: u32) -> Tracked {
        Tracked {
            id,
            log: Arc::clone(log),
        }
    }

    fn dropped(log: &Log) -> Vec<u32> {
        let mut ids = log.lock().unwrap().clone();
        ids.sort_unstable();
        ids
    }

    #[test]
    fn values_are_per_thread() {
        let local = Local::new();
        assert_eq!(local.get(), None);
        assert!(!local.is_set());
        local.set(1000);
        assert!(local.is_set());
        let other = local.clone();
        let t = std::thread::spawn(move || {
            let before = (other.is_set(), other.get());
            other.set(7);
            (before, other.get())
        });
        assert_eq!(t.join().unwrap(), ((false, None), Some(7)));
        assert_eq!(local.get(), Some(1000));
    }

    #[test]
    fn initializer_runs_once_per_thread_in_that_thread() {
        let calls = Arc::new(std::sync::Mutex::new(Vec::new()));
        let log = Arc::clone(&calls);
        let local = Local::with_init(move || {
            log.lock().unwrap().push(crate::thread::get_ident());
            1000
        });
        assert!(!local.is_set(), "the initializer runs on first use only");
        assert_eq!(local.get(), Some(1000));
        assert_eq!(local.get(), Some(1000));
        let mut idents = vec![crate::thread::get_ident()];
        for _ in 0..2 {
            let local = local.clone();
            let t = Thread::new(move || {
                let first = local.get();
                local.set(5);
                (crate::thread::get_ident(), first, local.get())
            });
            t.start().unwrap();
            assert!(t.join(Timeout::Forever).unwrap());
            let (ident, first, then) = t.result().unwrap().unwrap();
            assert_eq!((first, then), (Some(1000), Some(5)));
            idents.push(ident);
        }
        assert_eq!(*calls.lock().unwrap(), idents);
        assert_eq!(local.get(), Some(1000));
    }

    #[test]
    fn set_drops_the_previous_value_at_once() {
        let log = Log::default();
        let local = Local::new();
        local.set(tracked(&log, 1));
        local.set(tracked(&log, 2));
        assert_eq!(dropped(&log), [1]);
        drop(local);
        assert_eq!(dropped(&log), [1, 2]);
    }

    #[test]
    fn a_weft_thread_drops_its_values_before_join_returns() {
        let log = Log::default();
        let (a, b) = (Local::new(), Local::new());
        let (a2, b2, log2) = (a.clone(), b.clone(), Arc::clone(&log));
        let t = Thread::new(move || {
            a2.set(tracked(&log2, 1));
            b2.set(tracked(&log2, 2));
        });
        t.start().unwrap();
        assert!(t.join(Timeout::Forever).unwrap());
        assert_eq!(dropped(&log), [1, 2]);
        drop((a, b));
        assert_eq!(dropped(&log), [1, 2]);
    }

    #[test]
    fn a_foreign_thread_drops_its_values_when_it_exits() {
        let log = Log::default();
        let local = Local::new();
        let (local2, log2) = (local.clone(), Arc::clone(&log));
        std::thread::spawn(move || local2.set(tracked(&log2, 1)))
            .join()
            .unwrap();
        assert_eq!(dropped(&log), [1]);
        drop(local);
        assert_eq!(dropped(&log), [1]);
    }

    #[test]
    fn dropping_the_local_drops_every_remaining_value_once() {
        let log = Log::default();
        let local = Local::new();
        local.set(tracked(&log, 1));
        let (set_tx, set_rx) = mpsc::channel();
        let (exit_tx, exit_rx) = mpsc::channel::<()>();
        let (local2, log2) = (local.clone(), Arc::clone(&log));
        let t = std::thread::spawn(move || {
            local2.set(tracked(&log2, 2));
            drop(local2);
            set_tx.send(()).unwrap();
            let _ = exit_rx.recv();
        });
        set_rx.recv().unwrap();
        drop(local);
        assert_eq!(dropped(&log), [1, 2]);
        drop(exit_tx);
        t.join().unwrap();
        assert_eq!(dropped(&log), [1, 2]);
    }

    #[test]
    fn exit_racing_the_drop_drops_each_value_once() {
        let log = Log::default();
        for round in 0..50 {
            let local = Local::new();
            let go = Arc::new(Barrier::new(2));
            let (local2, log2, go2) = (local.clone(), Arc::clone(&log), Arc::clone(&go));
            let t = std::thread::spawn(move || {
                local2.set(tracked(&log2, 2 * round + 1));
                go2.wait();
                // Exits (dropping its value) while the other thread drops the local.
            });
            local.set(tracked(&log, 2 * round));
            go.wait();
            drop(local);
            t.join().unwrap();
        }
        assert_eq!(dropped(&log), (0..100).collect::<Vec<_>>());
    }

    /// Sets a value in another local when dropped, as a destructor at thread exit may.
    struct SetsAnother {
        other: Local<Tracked>,
        log: Log,
    }

    impl Drop for SetsAnother {
        fn drop(&mut self) {
            self.other.set(tracked(&self.log, 2));
        }
    }

    #[test]
    fn a_value_set_by_a_destructor_at_exit_is_dropped_once() {
        for weft in [false, true] {
            let log = Log::default();
            let (first, other) = (Local::new(), Local::new());
            let body = {
                let (first, other, log) = (first.clone(), other.clone(), Arc::clone(&log));
                move || first.set(SetsAnother { other, log })
            };
            if weft {
                // Released in a second round, before `join` returns.
                let t = Thread::new(body);
                t.start().unwrap();
                assert!(t.join(Timeout::Forever).unwrap());
                assert_eq!(dropped(&log), [2]);
            } else {
                // Stored while the thread's thread-locals are destroyed: kept by `other`.
                std::thread::spawn(body).join().unwrap();
                assert!(dropped(&log).is_empty());
            }
            drop((first, other));
            assert_eq!(dropped(&log), [2], "weft thread: {weft}");
        }
    }

    #[test]
    fn a_destructor_may_use_its_local() {
        // Replacing a value whose destructor reads the same local must not deadlock.
        struct ReadsLocal(Local<ReadsLocal>, Log);
        impl Drop for ReadsLocal {
            fn drop(&mut self) {
                let set = self.0.is_set();
                self.1.lock().unwrap().push(u32::from(set));
            }
        }
        let log = Log::default();
        let local = Local::new();
        local.set(ReadsLocal(local.clone(), Arc::clone(&log)));
        local.set(ReadsLocal(Local::new(), Arc::clone(&log)));
        assert_eq!(dropped(&log), [1]);
    }
}
