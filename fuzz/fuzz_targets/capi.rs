//! Drives the C API with random call sequences, bad arguments included: any function applied to
//! any handle (of its type, of another type, or NULL), random timeouts (NaN, infinities,
//! negative, huge), NULL out-parameters and buffers, names that are not UTF-8, stack sizes out
//! of range. No call may crash, trip AddressSanitizer or LeakSanitizer, or report a panic
//! (`WEFT_STATUS_PANIC`); every `arg_free` must run exactly once.
//!
//! The target is single-threaded (so that libFuzzer's runs replay), apart from the threads it
//! starts: never-blocking bodies, each joined before the input ends. A call that could block
//! forever (acquiring a lock this thread holds) gets a tiny timeout instead. Cancellation tokens
//! are installed on the target's thread, set and reset at random, so acquires and joins also
//! meet a set token (`WEFT_STATUS_INTERRUPTED`).
#![no_main]

use std::ffi::{c_char, c_int, c_void};
use std::ptr;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use libfuzzer_sys::fuzz_target;

#[path = "../../tests/capi_sys/mod.rs"]
mod capi_sys;
use capi_sys::*;

const SLOTS: usize = 6;

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Kind {
    Lock,
    RLock,
    Thread,
    RwLock,
    Cancel,
}

const KINDS: [Kind; 5] = [Kind::Lock, Kind::RLock, Kind::Thread, Kind::RwLock, Kind::Cancel];

/// The bytes of one input, read front to back; zeros once they run out.
struct Input<'a>(&'a [u8]);

impl Input<'_> {
    fn byte(&mut self) -> u8 {
        let (&first, rest) = self.0.split_first().unwrap_or((&0, &[]));
        self.0 = rest;
        first
    }

    fn pick<T: Copy>(&mut self, from: &[T]) -> T {
        from[usize::from(self.byte()) % from.len()]
    }

    fn bool(&mut self) -> bool {
        self.byte() & 1 == 1
    }

    fn timeout(&mut self) -> f64 {
        let table = [
            WEFT_TIMEOUT_FOREVER,
            0.0,
            -0.0,
            1e-9,
            0.0005,
            -0.5,
            -2.0,
            f64::NAN,
            f64::INFINITY,
            f64::NEG_INFINITY,
            9223372036.0,
            9223372037.0,
            1e300,
            f64::MIN_POSITIVE,
        ];
        match self.byte() {
            255 => {
                let bits: [u8; 8] = std::array::from_fn(|_| self.byte());
                f64::from_le_bytes(bits)
            }
            b => table[usize::from(b) % table.len()],
        }
    }

    fn size(&mut self) -> usize {
        self.pick(&[
            0,
            1,
            32767,
            32768,
            65536,
            1 << 20,
            usize::MAX / 2,
            usize::MAX,
        ])
    }
}

/// Counts `arg_free` calls, to check each argument is freed exactly once.
static ARGS_MADE: AtomicUsize = AtomicUsize::new(0);
static ARGS_FREED: AtomicUsize = AtomicUsize::new(0);

unsafe extern "C" fn body(arg: *mut c_void) -> *mut c_void {
    arg
}

unsafe extern "C" fn free_arg(arg: *mut c_void) {
    // SAFETY: every `arg` given with this function is a `Box<u64>` made in `new_thread`.
    drop(unsafe { Box::from_raw(arg.cast::<u64>()) });
    ARGS_FREED.fetch_add(1, Ordering::Relaxed);
}

fn ok(status: weft_status) -> weft_status {
    assert_ne!(status, WEFT_STATUS_PANIC, "a panic reached the C boundary");
    status
}

#[derive(Default)]
struct Slots([Option<(Kind, *mut c_void)>; SLOTS]);

impl Slots {
    /// The handle in a slot (NULL if empty) and its real kind.
    fn get(&self, slot: usize) -> (Option<Kind>, *mut c_void) {
        match self.0[slot] {
            Some((kind, h)) => (Some(kind), h),
            None => (None, ptr::null_mut()),
        }
    }

    fn put(&mut self, slot: usize, kind: Kind, handle: *mut c_void) {
        self.free(slot);
        if !handle.is_null() {
            self.0[slot] = Some((kind, handle));
        }
    }

    fn free(&mut self, slot: usize) {
        if let Some((kind, h)) = self.0[slot].take() {
            // SAFETY: a live handle of this kind; the slot's reference is given up.
            unsafe {
                match kind {
                    Kind::Lock => weft_lock_free(h),
                    Kind::RLock => weft_rlock_free(h),
                    Kind::RwLock => weft_rwlock_free(h),
                    Kind::Thread => {
                        // Threads run a body that returns at once: join before letting go, so
                        // no thread outlives the input.
                        if weft_thread_is_alive(h) {
                            ok(weft_thread_join(h, WEFT_TIMEOUT_FOREVER));
                        }
                        weft_thread_free(h)
                    }
                    Kind::Cancel => weft_cancel_free(h),
                }
            }
        }
    }
}

/// Whether acquiring `h` as `family` could block forever, given that only this thread acquires
/// (a reader-writer lock this thread holds answers `WEFT_STATUS_DEADLOCK` instead).
fn could_block(kind: Option<Kind>, family: Kind, h: *mut c_void) -> bool {
    // SAFETY: `h` is a live handle of `kind`.
    kind == Some(family) && family == Kind::Lock && unsafe { weft_lock_locked(h) }
}

/// A once's initializer: fails when `arg` is NULL (the once stays not done).
unsafe extern "C-unwind" fn init_once(arg: *mut c_void) -> c_int {
    c_int::from(arg.is_null())
}

fn new_thread(input: &mut Input) -> *mut c_void {
    let mut t = ptr::null_mut();
    let (arg, free): (*mut c_void, FreeFn) = if input.bool() {
        ARGS_MADE.fetch_add(1, Ordering::Relaxed);
        (Box::into_raw(Box::new(7u64)).cast(), Some(free_arg))
    } else {
        (ptr::null_mut(), None)
    };
    let target: ThreadFn = if input.byte() == 0 { None } else { Some(body) };
    // SAFETY: valid function pointers and out-parameter.
    let status = ok(unsafe { weft_thread_new(target, arg, free, &mut t) });
    if status != WEFT_STATUS_OK && free.is_some() {
        // On failure the argument stays the caller's.
        // SAFETY: the box made above, not taken by weft.
        unsafe { free_arg(arg) };
    }
    t
}

fn step(input: &mut Input, slots: &mut Slots) {
    let slot = usize::from(input.byte()) % SLOTS;
    let (kind, h) = slots.get(slot);
    // The function family to call: often the handle's own, sometimes another (a wrong handle).
    let family = match kind {
        Some(k) if input.byte() < 200 => k,
        _ => input.pick(&KINDS),
    };
    // SAFETY (every block below): `h` is NULL or a live handle (of `kind`, which may differ from
    // `family`: weft checks the tag); out-parameters point at locals.
    match input.byte() % 13 {
        0 => {
            let new = input.pick(&KINDS);
            let mut out = ptr::null_mut();
            let status = match new {
                Kind::Lock => ok(unsafe { weft_lock_new(&mut out) }),
                Kind::RLock => ok(unsafe { weft_rlock_new(&mut out) }),
                Kind::RwLock => ok(unsafe { weft_rwlock_new(&mut out) }),
                Kind::Thread => {
                    out = new_thread(input);
                    if out.is_null() {
                        WEFT_STATUS_NULL_ARGUMENT
                    } else {
                        WEFT_STATUS_OK
                    }
                }
                Kind::Cancel => ok(unsafe { weft_cancel_new(&mut out) }),
            };
            if status == WEFT_STATUS_OK {
                slots.put(slot, new, out);
            }
        }
        1 => {
            let to = usize::from(input.byte()) % SLOTS;
            let copy = unsafe {
                match family {
                    Kind::Lock => weft_lock_clone(h),
                    Kind::RLock => weft_rlock_clone(h),
                    Kind::RwLock => weft_rwlock_clone(h),
                    Kind::Thread => weft_thread_clone(h),
                    Kind::Cancel => weft_cancel_clone(h),
                }
            };
            assert_eq!(
                copy.is_null(),
                kind != Some(family),
                "clone of a wrong handle"
            );
            if !copy.is_null() {
                slots.put(to, family, copy);
            }
        }
        2 => {
            if kind == Some(family) || kind.is_none() {
                slots.free(slot);
            } else {
                // A wrong handle is ignored, not freed.
                unsafe {
                    match family {
                        Kind::Lock => weft_lock_free(h),
                        Kind::RLock => weft_rlock_free(h),
                        Kind::RwLock => weft_rwlock_free(h),
                        Kind::Thread => weft_thread_free(h),
                        Kind::Cancel => weft_cancel_free(h),
                    }
                }
            }
        }
        3 => {
            let blocking = input.bool();
            let mut timeout = input.timeout();
            if could_block(kind, family, h)
                && (timeout == WEFT_TIMEOUT_FOREVER || timeout > 0.001 && timeout <= 9223372036.0)
            {
                timeout = 0.0005;
            }
            unsafe {
                match family {
                    Kind::Lock => ok(weft_lock_acquire(h, blocking, timeout)),
                    Kind::RLock => ok(weft_rlock_acquire(h, blocking, timeout)),
                    // Only this thread takes it: it never waits for another, and waiting for
                    // itself is refused.
                    Kind::RwLock if input.bool() => {
                        ok(weft_rwlock_acquire_read(h, blocking, timeout))
                    }
                    Kind::RwLock => ok(weft_rwlock_acquire_write(h, blocking, timeout)),
                    // Never long: started threads run a body that returns at once.
                    Kind::Thread => ok(weft_thread_join(h, timeout)),
                    // NULL uninstalls; a wrong handle is refused.
                    Kind::Cancel => ok(weft_cancel_install(h)),
                }
            };
        }
        4 => unsafe {
            match family {
                Kind::Lock => ok(weft_lock_release(h)),
                Kind::RLock => ok(weft_rlock_release(h)),
                Kind::RwLock if input.bool() => ok(weft_rwlock_release_read(h)),
                Kind::RwLock => ok(weft_rwlock_release_write(h)),
                Kind::Thread => ok(weft_thread_start(h)),
                Kind::Cancel => {
                    if input.bool() {
                        ok(weft_cancel_set(h))
                    } else {
                        ok(weft_cancel_reset(h))
                    }
                }
            };
        },
        5 => unsafe {
            match family {
                Kind::Lock => {
                    weft_lock_locked(h);
                }
                Kind::RLock => {
                    weft_rlock_locked(h);
                    weft_rlock_is_owned(h);
                    weft_rlock_recursion_count(h);
                    weft_rlock_owner(h);
                }
                Kind::RwLock => {
                    // The read-backs of the types this target makes no objects of: on these
                    // handles, always the wrong-handle answer.
                    assert_eq!(weft_semaphore_value(h), 0);
                    assert_eq!(weft_queue_getters(h) + weft_queue_putters(h), 0);
                    assert_eq!(weft_pool_max_pending(h), 0);
                    let mut count = 7usize;
                    assert_ne!(
                        ok(weft_pool_counts(h, &mut count, ptr::null_mut(), &mut count)),
                        WEFT_STATUS_OK
                    );
                    assert_eq!(count, 7, "nothing written");
                    assert_ne!(ok(weft_pool_set_max_workers(h, input.size())), WEFT_STATUS_OK);
                    assert_ne!(ok(weft_pool_set_max_pending(h, input.size())), WEFT_STATUS_OK);
                    let mut index = 7usize;
                    let objects = [h.cast_const()];
                    let count = usize::from(input.bool());
                    assert_ne!(
                        ok(weft_wait_any(objects.as_ptr(), count, input.timeout(), &mut index)),
                        WEFT_STATUS_OK
                    );
                    assert_eq!(index, 7, "nothing written");
                }
                Kind::Thread => {
                    weft_thread_is_alive(h);
                    weft_thread_is_daemon(h);
                    weft_thread_ident(h);
                    weft_thread_native_id(h);
                }
                Kind::Cancel => {
                    weft_cancel_is_set(h);
                    weft_cancelled();
                    weft_cancel_free(weft_cancel_installed());
                }
            }
        },
        6 => {
            let mut name: Vec<u8> = (0..input.byte() % 40).map(|_| input.byte()).collect();
            name.retain(|&b| b != 0);
            name.push(0);
            let name = if input.byte() == 0 {
                ptr::null()
            } else {
                name.as_ptr().cast::<c_char>()
            };
            ok(unsafe { weft_thread_set_name(h, name) });
        }
        7 => {
            let mut buf = [0u8; 64];
            let size = usize::from(input.byte()) % (buf.len() + 1);
            let buf = if input.byte() == 0 {
                ptr::null_mut()
            } else {
                buf.as_mut_ptr().cast::<c_char>()
            };
            let mut len = 0usize;
            let len_out = if input.bool() {
                ptr::null_mut()
            } else {
                &raw mut len
            };
            ok(unsafe { weft_thread_get_name(h, buf, size, len_out) });
        }
        8 => unsafe {
            if input.bool() {
                ok(weft_thread_set_daemon(h, input.bool()));
            } else {
                ok(weft_thread_set_stack_size(h, input.size()));
            }
        },
        9 => {
            let mut previous = 0usize;
            let out = if input.bool() {
                ptr::null_mut()
            } else {
                &raw mut previous
            };
            ok(unsafe { weft_stack_size(input.size(), out) });
            unsafe { weft_stack_size_get() };
        }
        10 => {
            let t = unsafe {
                if input.bool() {
                    weft_current_thread()
                } else {
                    weft_main_thread()
                }
            };
            assert!(!t.is_null());
            slots.put(slot, Kind::Thread, t);
        }
        11 => futures_and_timers(input),
        _ => unsafe {
            let mut result = ptr::null_mut();
            ok(weft_thread_result(h, &mut result));
            let (mut array, mut count) = (ptr::null_mut(), 0usize);
            if ok(weft_enumerate(&mut array, &mut count)) == WEFT_STATUS_OK {
                assert!(count >= 1 && count <= weft_active_count() + SLOTS + 1);
                weft_thread_array_free(array, count);
            }
            weft_thread_array_free(ptr::null_mut(), 0);
            assert_eq!(
                ok(weft_enumerate(ptr::null_mut(), &mut count)),
                WEFT_STATUS_NULL_ARGUMENT
            );
            assert_eq!(
                ok(weft_lock_new(ptr::null_mut())),
                WEFT_STATUS_NULL_ARGUMENT
            );
            assert!(!weft_status_str(c_int::from(input.byte()) - 128).is_null());
            let mut remaining = 0usize;
            ok(weft_shutdown(0.0, &mut remaining));
            // Either value: no thread of the fuzzer's outlives an input (wait_for_os_threads),
            // so its exit has nothing to wait for either way.
            weft_set_exit_wait(input.bool());
            // A once, NULL or not, with an initializer that fails or succeeds (or none).
            let mut once = 0usize;
            let once_ptr = if input.byte() == 0 {
                ptr::null_mut()
            } else {
                &raw mut once
            };
            let init: OnceFn = if input.byte() == 0 { None } else { Some(init_once) };
            let arg = if input.bool() {
                ptr::null_mut()
            } else {
                once_ptr.cast()
            };
            let status = ok(weft_once_call(once_ptr, init, arg));
            assert_eq!(
                weft_once_done(once_ptr),
                status == WEFT_STATUS_OK && !once_ptr.is_null()
            );
        },
    }
}

unsafe extern "C" fn echo(arg: *mut c_void, result_out: *mut *mut c_void) -> c_int {
    // SAFETY: weft passes a valid result pointer.
    unsafe { *result_out = arg };
    0
}

unsafe extern "C" fn fails_at_once(_: *mut c_void) -> c_int {
    1
}

/// A counted `arg` for `free_arg`, or none.
fn counted_arg(input: &mut Input) -> (*mut c_void, FreeFn) {
    if input.bool() {
        ARGS_MADE.fetch_add(1, Ordering::Relaxed);
        (Box::into_raw(Box::new(7u64)).cast(), Some(free_arg))
    } else {
        (ptr::null_mut(), None)
    }
}

/// A future made by hand and a scheduler, driven at random and released within the step: each
/// refused `arg` is freed here, every other by weft.
fn futures_and_timers(input: &mut Input) {
    // SAFETY (every block): the handles are live until freed below; out-parameters are locals.
    unsafe {
        let mut f = ptr::null_mut();
        assert_eq!(ok(weft_future_new(&mut f)), WEFT_STATUS_OK);
        for _ in 0..(input.byte() % 4) {
            match input.byte() % 5 {
                0 => {
                    ok(weft_future_set_running_or_notify_cancel(f));
                }
                1 => {
                    let (arg, free) = counted_arg(input);
                    if ok(weft_future_set_result(f, arg, free)) != WEFT_STATUS_OK && free.is_some()
                    {
                        free_arg(arg);
                    }
                }
                2 => {
                    ok(weft_future_set_exception(f, c_int::from(input.byte()) - 1));
                }
                3 => {
                    weft_future_cancel(f);
                    // No worker runs a future made by hand: never interrupted.
                    assert!(!weft_future_interrupt(f));
                }
                _ => {
                    let mut result = ptr::null_mut();
                    ok(weft_future_result(f, 0.0, &mut result));
                }
            }
        }
        weft_future_free(f);

        let mut s = ptr::null_mut();
        if ok(weft_scheduler_new(&mut s)) != WEFT_STATUS_OK {
            return;
        }
        for _ in 0..(input.byte() % 4) {
            let (arg, free) = counted_arg(input);
            let mut timer = ptr::null_mut();
            let status = if input.bool() {
                ok(weft_scheduler_call_later(
                    s,
                    input.timeout(),
                    Some(echo),
                    arg,
                    free,
                    &mut timer,
                ))
            } else {
                let call = if input.bool() {
                    Some(fails_at_once as _)
                } else {
                    None
                };
                let (delay, period) = (input.timeout(), input.timeout());
                let kind = c_int::from(input.byte() % 3);
                ok(weft_scheduler_call_every(
                    s, delay, period, kind, call, arg, free, &mut timer,
                ))
            };
            if status == WEFT_STATUS_OK {
                if input.bool() {
                    weft_future_cancel(timer);
                }
                // Nor a timer's: the scheduler's thread is no pool's worker.
                assert!(!weft_future_interrupt(timer));
                weft_future_free(timer);
            } else if free.is_some() {
                free_arg(arg);
            }
        }
        weft_scheduler_pending(s);
        // Waits for the thread, after which every timer's `arg` has been freed.
        assert_eq!(ok(weft_scheduler_shutdown(s, true)), WEFT_STATUS_OK);
        weft_scheduler_free(s);
    }
}

/// The OS threads of this process.
fn os_threads() -> usize {
    std::fs::read_dir("/proc/self/task").map_or(0, |d| d.count())
}

/// Waits until the threads an input started have left the OS too. `weft_thread_join` returns
/// once a thread's function is done, while the detached OS thread still runs its thread-local
/// destructors (dropping, among others, weft's own reference to the thread): LeakSanitizer,
/// which libFuzzer runs right after an input, does not scan such a dying thread and would report
/// what it still holds.
fn wait_for_os_threads(baseline: usize) {
    let start = Instant::now();
    while os_threads() > baseline {
        assert!(
            start.elapsed() < Duration::from_secs(10),
            "a joined thread did not exit"
        );
        std::thread::sleep(Duration::from_micros(50));
    }
}

static BASELINE: OnceLock<usize> = OnceLock::new();

fuzz_target!(|data: &[u8]| {
    let baseline = *BASELINE.get_or_init(os_threads);
    let mut input = Input(data);
    let mut slots = Slots::default();
    for _ in 0..64 {
        if input.0.is_empty() {
            break;
        }
        step(&mut input, &mut slots);
    }
    // Release what this input holds: every lock this thread took, every handle, and every thread
    // it started; then restore the process-wide stack size.
    for slot in 0..SLOTS {
        if let (Some(kind), h) = slots.get(slot) {
            // SAFETY: live handles of their kind.
            unsafe {
                match kind {
                    Kind::Lock => while weft_lock_release(h) == WEFT_STATUS_OK {},
                    Kind::RLock => while weft_rlock_release(h) == WEFT_STATUS_OK {},
                    Kind::RwLock => {
                        while weft_rwlock_release_read(h) == WEFT_STATUS_OK {}
                        ok(weft_rwlock_release_write(h));
                    }
                    Kind::Thread | Kind::Cancel => {}
                }
            }
        }
        slots.free(slot);
    }
    // SAFETY: valid calls; NULL is allowed for the out-parameter, and uninstalls the token.
    unsafe {
        weft_stack_size(0, ptr::null_mut());
        ok(weft_cancel_install(ptr::null_mut()));
    }
    wait_for_os_threads(baseline);
    assert_eq!(
        ARGS_MADE.load(Ordering::Relaxed),
        ARGS_FREED.load(Ordering::Relaxed),
        "every arg_free runs exactly once"
    );
});
