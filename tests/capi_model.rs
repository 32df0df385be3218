//! The C API of `weft_lock` and `weft_rlock` driven by random call sequences (proptest), each
//! call made from one of two threads and checked against a simple model: handles created,
//! cloned and freed, locks acquired (non-blocking, timed, forever when the model says it will not
//! block) and released, queries, and bad arguments (NULL handles and out-parameters, handles of
//! the other type, bad timeouts).
//!
//! The calls go through the exported C symbols, so `cargo miri test --test capi_model` checks
//! the handle code (`src/capi/handle.rs`) for undefined behaviour. `PROPTEST_CASES` sets the
//! number of sequences (`make verify` runs more).

use std::ffi::c_void;
use std::ptr;
use std::sync::mpsc;
use std::thread;

use proptest::prelude::*;

mod capi_sys;
use capi_sys::*;

const FOREVER: f64 = WEFT_TIMEOUT_FOREVER;
const SLOTS: usize = 4;
const THREADS: usize = 2;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Lock,
    RLock,
}

#[derive(Clone, Copy, Debug)]
enum How {
    NonBlocking,
    /// A short timeout: used as is, and instead of "forever" when the model says it would block.
    Timed,
    Forever,
    /// A timeout the rule refuses, or a non-blocking call with a timeout.
    Bad {
        blocking: bool,
        timeout: f64,
    },
}

#[derive(Clone, Debug)]
enum Op {
    New {
        slot: usize,
        kind: Kind,
    },
    Clone {
        from: usize,
        to: usize,
    },
    Free {
        slot: usize,
    },
    Acquire {
        slot: usize,
        thread: usize,
        how: How,
    },
    Release {
        slot: usize,
        thread: usize,
    },
    Query {
        slot: usize,
        thread: usize,
    },
    /// The other type's functions on this handle.
    WrongType {
        slot: usize,
        thread: usize,
    },
    /// Every function with NULL for its handle or out-parameter.
    Null,
}

fn bad_timeout() -> impl Strategy<Value = How> {
    prop_oneof![
        Just(How::Bad {
            blocking: true,
            timeout: f64::NAN
        }),
        Just(How::Bad {
            blocking: true,
            timeout: -0.5
        }),
        Just(How::Bad {
            blocking: true,
            timeout: f64::NEG_INFINITY
        }),
        Just(How::Bad {
            blocking: true,
            timeout: f64::INFINITY
        }),
        Just(How::Bad {
            blocking: true,
            timeout: 1e300
        }),
        Just(How::Bad {
            blocking: false,
            timeout: 0.0
        }),
        Just(How::Bad {
            blocking: false,
            timeout: f64::NAN
        }),
    ]
}

fn op() -> impl Strategy<Value = Op> {
    let slot = 0..SLOTS;
    let thread = 0..THREADS;
    let kind = prop_oneof![Just(Kind::Lock), Just(Kind::RLock)];
    let how = prop_oneof![
        3 => Just(How::NonBlocking),
        2 => Just(How::Timed),
        4 => Just(How::Forever),
        1 => bad_timeout(),
    ];
    prop_oneof![
        2 => (slot.clone(), kind).prop_map(|(slot, kind)| Op::New { slot, kind }),
        1 => (slot.clone(), slot.clone()).prop_map(|(from, to)| Op::Clone { from, to }),
        1 => slot.clone().prop_map(|slot| Op::Free { slot }),
        4 => (slot.clone(), thread.clone(), how)
            .prop_map(|(slot, thread, how)| Op::Acquire { slot, thread, how }),
        3 => (slot.clone(), thread.clone()).prop_map(|(slot, thread)| Op::Release { slot, thread }),
        1 => (slot.clone(), thread.clone()).prop_map(|(slot, thread)| Op::Query { slot, thread }),
        1 => (slot.clone(), thread.clone())
            .prop_map(|(slot, thread)| Op::WrongType { slot, thread }),
        1 => Just(Op::Null),
    ]
}

/// One lock object of the model.
#[derive(Debug)]
struct Object {
    kind: Kind,
    refs: usize,
    /// The thread holding it (for a `Lock`, the one that acquired it: any thread may release).
    holder: Option<usize>,
    count: usize,
}

/// A handle, handed to the worker threads as C code would hand it.
#[derive(Clone, Copy, Debug, PartialEq)]
struct Handle(*mut c_void);

// SAFETY: weft handles may be used from any thread (the C API's contract).
unsafe impl Send for Handle {}

impl Handle {
    /// The pointer. A method, so that a closure calling it captures the whole `Send` handle.
    fn ptr(self) -> *mut c_void {
        self.0
    }
}

/// A handle in a slot and the model object behind it.
#[derive(Clone, Copy, Debug)]
struct Slot {
    handle: Handle,
    object: usize,
}

/// Two threads that run closures one at a time, in the order given: the sequence is
/// deterministic, but each call really comes from the thread the op names.
struct Workers {
    jobs: Vec<mpsc::Sender<Box<dyn FnOnce() + Send>>>,
    threads: Vec<thread::JoinHandle<()>>,
}

impl Workers {
    fn new() -> Workers {
        let (jobs, threads) = (0..THREADS)
            .map(|_| {
                let (tx, rx) = mpsc::channel::<Box<dyn FnOnce() + Send>>();
                (
                    tx,
                    thread::spawn(move || rx.into_iter().for_each(|job| job())),
                )
            })
            .unzip();
        Workers { jobs, threads }
    }

    fn run<R: Send + 'static>(&self, thread: usize, job: impl FnOnce() -> R + Send + 'static) -> R {
        let (tx, rx) = mpsc::channel();
        self.jobs[thread]
            .send(Box::new(move || tx.send(job()).unwrap()))
            .unwrap();
        rx.recv().unwrap()
    }

    fn finish(self) {
        drop(self.jobs);
        self.threads.into_iter().for_each(|t| t.join().unwrap());
    }
}

/// The calls of one kind of handle, so that both kinds share the model's code.
#[derive(Clone, Copy)]
struct Api {
    acquire: unsafe extern "C" fn(*mut c_void, bool, f64) -> weft_status,
    release: unsafe extern "C" fn(*mut c_void) -> weft_status,
    locked: unsafe extern "C" fn(*const c_void) -> bool,
    clone: unsafe extern "C" fn(*mut c_void) -> *mut c_void,
    free: unsafe extern "C" fn(*mut c_void),
}

fn api(kind: Kind) -> Api {
    match kind {
        Kind::Lock => Api {
            acquire: weft_lock_acquire,
            release: weft_lock_release,
            locked: weft_lock_locked,
            clone: weft_lock_clone,
            free: weft_lock_free,
        },
        Kind::RLock => Api {
            acquire: weft_rlock_acquire,
            release: weft_rlock_release,
            locked: weft_rlock_locked,
            clone: weft_rlock_clone,
            free: weft_rlock_free,
        },
    }
}

fn other(kind: Kind) -> Kind {
    match kind {
        Kind::Lock => Kind::RLock,
        Kind::RLock => Kind::Lock,
    }
}

struct Model {
    objects: Vec<Object>,
    slots: [Option<Slot>; SLOTS],
    workers: Workers,
}

impl Model {
    fn new() -> Model {
        Model {
            objects: Vec::new(),
            slots: [None; SLOTS],
            workers: Workers::new(),
        }
    }

    fn kind(&self, slot: Slot) -> Kind {
        self.objects[slot.object].kind
    }

    fn free(&mut self, index: usize) {
        if let Some(slot) = self.slots[index].take() {
            let free = api(self.kind(slot)).free;
            // SAFETY: a live handle; this slot's reference is given up.
            unsafe { free(slot.handle.ptr()) };
            self.objects[slot.object].refs -= 1;
        }
    }

    fn apply(&mut self, op: &Op) -> Result<(), TestCaseError> {
        match *op {
            Op::New { slot, kind } => {
                self.free(slot);
                let mut handle = ptr::null_mut::<c_void>();
                // SAFETY: `handle` is a valid out-parameter.
                let status = unsafe {
                    match kind {
                        Kind::Lock => weft_lock_new(ptr::from_mut(&mut handle).cast()),
                        Kind::RLock => weft_rlock_new(ptr::from_mut(&mut handle).cast()),
                    }
                };
                prop_assert_eq!(status, WEFT_STATUS_OK);
                prop_assert!(!handle.is_null());
                self.objects.push(Object {
                    kind,
                    refs: 1,
                    holder: None,
                    count: 0,
                });
                self.slots[slot] = Some(Slot {
                    handle: Handle(handle),
                    object: self.objects.len() - 1,
                });
            }
            Op::Clone { from, to } => {
                let Some(source) = self.slots[from] else {
                    return Ok(());
                };
                if from == to {
                    return Ok(());
                }
                self.free(to);
                let clone = api(self.kind(source)).clone;
                // SAFETY: a live handle.
                let handle = unsafe { clone(source.handle.ptr()) };
                prop_assert_eq!(Handle(handle), source.handle, "a clone is the same pointer");
                self.objects[source.object].refs += 1;
                self.slots[to] = Some(source);
            }
            Op::Free { slot } => self.free(slot),
            Op::Acquire { slot, thread, how } => {
                let Some(slot) = self.slots[slot] else {
                    return Ok(());
                };
                let object = &mut self.objects[slot.object];
                let free = match object.kind {
                    Kind::Lock => object.holder.is_none(),
                    Kind::RLock => object.holder.is_none_or(|h| h == thread),
                };
                let (blocking, timeout, expect) = match how {
                    How::NonBlocking => (false, FOREVER, None),
                    How::Timed => (true, 0.001, None),
                    How::Forever if free => (true, FOREVER, None),
                    How::Forever => (true, 0.001, None),
                    How::Bad { blocking, timeout } => {
                        (blocking, timeout, Some(bad(blocking, timeout)))
                    }
                };
                let acquire = api(object.kind).acquire;
                let handle = slot.handle;
                let status = self.workers.run(thread, move || {
                    // SAFETY: a live handle; the model holds a reference while the call runs.
                    unsafe { acquire(handle.ptr(), blocking, timeout) }
                });
                let object = &mut self.objects[slot.object];
                match expect {
                    Some(expect) => prop_assert_eq!(status, expect),
                    None if free => {
                        prop_assert_eq!(status, WEFT_STATUS_OK);
                        object.holder = Some(thread);
                        object.count += 1;
                    }
                    None => prop_assert_eq!(status, WEFT_STATUS_TIMEOUT),
                }
            }
            Op::Release { slot, thread } => {
                let Some(slot) = self.slots[slot] else {
                    return Ok(());
                };
                let release = api(self.kind(slot)).release;
                let handle = slot.handle;
                // SAFETY: a live handle.
                let status = self
                    .workers
                    .run(thread, move || unsafe { release(handle.ptr()) });
                let object = &mut self.objects[slot.object];
                let expect = match (object.kind, object.holder) {
                    (Kind::Lock, None) => WEFT_STATUS_RELEASE_UNLOCKED,
                    (Kind::Lock, Some(_)) => WEFT_STATUS_OK,
                    (Kind::RLock, Some(h)) if h == thread => WEFT_STATUS_OK,
                    (Kind::RLock, _) => WEFT_STATUS_NOT_OWNER,
                };
                prop_assert_eq!(status, expect);
                if expect == WEFT_STATUS_OK {
                    object.count -= 1;
                    if object.kind == Kind::Lock || object.count == 0 {
                        object.holder = None;
                        object.count = 0;
                    }
                }
            }
            Op::Query { slot, thread } => {
                let Some(slot) = self.slots[slot] else {
                    return Ok(());
                };
                let object = &self.objects[slot.object];
                let handle = slot.handle;
                let locked = api(object.kind).locked;
                // SAFETY: a live handle.
                let is_locked = self
                    .workers
                    .run(thread, move || unsafe { locked(handle.ptr()) });
                prop_assert_eq!(is_locked, object.holder.is_some());
                if object.kind == Kind::RLock {
                    // SAFETY: a live RLock handle.
                    let (owned, count) = self.workers.run(thread, move || unsafe {
                        let h = handle.ptr();
                        (weft_rlock_is_owned(h), weft_rlock_recursion_count(h))
                    });
                    let mine = object.holder == Some(thread);
                    prop_assert_eq!(owned, mine);
                    prop_assert_eq!(count, if mine { object.count } else { 0 });
                }
            }
            Op::WrongType { slot, thread } => {
                let Some(slot) = self.slots[slot] else {
                    return Ok(());
                };
                let wrong = api(other(self.kind(slot)));
                let handle = slot.handle;
                // SAFETY: a live handle of the other type: its tag is read and refused, and a
                // refused handle is neither changed nor freed.
                let results = self.workers.run(thread, move || unsafe {
                    let h = handle.ptr();
                    let results = (
                        (wrong.acquire)(h, false, FOREVER),
                        (wrong.release)(h),
                        (wrong.locked)(h),
                        (wrong.clone)(h).is_null(),
                    );
                    (wrong.free)(h);
                    results
                });
                prop_assert_eq!(
                    results,
                    (
                        WEFT_STATUS_WRONG_HANDLE,
                        WEFT_STATUS_WRONG_HANDLE,
                        false,
                        true
                    )
                );
            }
            Op::Null => {
                // SAFETY: every call is given NULL where weft checks for it.
                unsafe {
                    prop_assert_eq!(weft_lock_new(ptr::null_mut()), WEFT_STATUS_NULL_ARGUMENT);
                    prop_assert_eq!(weft_rlock_new(ptr::null_mut()), WEFT_STATUS_NULL_ARGUMENT);
                    for kind in [Kind::Lock, Kind::RLock] {
                        let a = api(kind);
                        let null = ptr::null_mut();
                        prop_assert_eq!(
                            (a.acquire)(null, true, FOREVER),
                            WEFT_STATUS_NULL_ARGUMENT
                        );
                        prop_assert_eq!((a.release)(null), WEFT_STATUS_NULL_ARGUMENT);
                        prop_assert!(!(a.locked)(null));
                        prop_assert!((a.clone)(null).is_null());
                        (a.free)(null);
                    }
                    prop_assert!(!weft_rlock_is_owned(ptr::null()));
                    prop_assert_eq!(weft_rlock_recursion_count(ptr::null()), 0);
                }
            }
        }
        Ok(())
    }

    /// Frees every handle; the objects' reference counts must then all be zero.
    fn finish(mut self) -> Result<(), TestCaseError> {
        for slot in 0..SLOTS {
            self.free(slot);
        }
        for object in &self.objects {
            prop_assert_eq!(object.refs, 0);
        }
        self.workers.finish();
        Ok(())
    }
}

/// The status the timeout rule gives for a refused timeout.
fn bad(blocking: bool, timeout: f64) -> weft_status {
    if !blocking {
        WEFT_STATUS_NONBLOCKING_TIMEOUT
    } else if timeout.is_nan() || timeout < 0.0 {
        WEFT_STATUS_INVALID_TIMEOUT
    } else {
        WEFT_STATUS_TIMEOUT_TOO_LARGE
    }
}

fn config() -> ProptestConfig {
    // The default honours PROPTEST_CASES.
    let mut config = ProptestConfig::default();
    if cfg!(miri) {
        // Miri interprets every instruction, and its isolation forbids the regression file.
        config.cases = 4;
        config.failure_persistence = None;
    }
    config
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn lock_and_rlock_calls_match_the_model(ops in prop::collection::vec(op(), 1..40)) {
        let mut model = Model::new();
        for op in &ops {
            model.apply(op)?;
        }
        model.finish()?;
    }
}
