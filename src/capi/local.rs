//! `weft_local`: Python's `threading.local` in C, one `void *` per thread.

use std::ffi::c_void;
use std::ptr;

use super::args::{OwnedArg, weft_free_fn};
use super::handle::{self, Handle, Tag};
use super::weft_status;
use crate::Local;

/// Thread-local storage (Python: `threading.local`): one `void *` value per thread, each thread
/// seeing only its own. Values are destroyed by the local's `value_free` when replaced, when
/// their thread exits (any thread: weft's, or one weft did not create), and when the local's last
/// handle is freed. Reference counted: see `weft_local_clone` / `weft_local_free`.
pub struct weft_local {
    _opaque: [u8; 0],
}

/// A local's values, each owning its pointer, with the destructor new values get.
pub(crate) struct CLocal {
    values: Local<OwnedArg>,
    value_free: weft_free_fn,
}

impl Handle for weft_local {
    type Inner = CLocal;
    const TAG: Tag = Tag::Local;
}

/// Makes the first value of a thread that has none: receives the `init_arg` given to
/// `weft_local_new`, runs in that thread, and returns the value. It must not use the local it
/// initializes, and must not unwind.
pub type weft_local_init_fn = Option<unsafe extern "C" fn(arg: *mut c_void) -> *mut c_void>;

/// Creates a thread-local slot. Python: `threading.local()`, or, with `init`, a
/// `threading.local` subclass whose `__init__` sets the value.
///
/// `init`, if not NULL, makes the value of a thread that has none: the first `weft_local_get` in
/// each thread calls `init(init_arg)` in that thread, once, and stores its result. (Python also
/// runs `__init__` at once in the creating thread; to do the same, call `weft_local_get` right
/// after this.) Without `init`, a thread's value is NULL until it calls `weft_local_set`, and
/// `init_arg` and `init_arg_free` are not used.
///
/// `value_free`, if not NULL, is called exactly once on every value stored (by
/// `weft_local_set` or by `init`, NULL values included): when the thread replaces it, in that
/// thread; when the thread exits, in that thread (for a weft thread, before `weft_thread_join`
/// returns; for a thread weft did not create, such as a `pthread_create` thread or `main` at
/// `exit()`, from its thread-local destructors); or, for the values left, when the last handle
/// is freed (see `weft_local_free`). A value stored by a `value_free` that itself runs at
/// thread exit may only be destroyed when the local is freed.
///
/// Ownership: on success `*local_out` is a new handle the caller releases with
/// `weft_local_free`. `init_arg_free`, if not NULL (and `init` is not), is called on `init_arg`
/// once, after the last value is destroyed. `init_arg` is used from every thread that reads the
/// local: the caller must make that safe. On failure nothing is called. Statuses:
/// `WEFT_STATUS_OK`; `WEFT_STATUS_NULL_ARGUMENT` if `local_out` is NULL.
/// Thread safety: safe from any thread.
///
/// # Safety
/// `local_out` is NULL or valid for writes; `init`, `init_arg_free` and `value_free` are each NULL
/// or a function that may run in any thread and does not unwind; `init_arg` may be used from any
/// thread.
#[must_use]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn weft_local_new(
    init: weft_local_init_fn,
    init_arg: *mut c_void,
    init_arg_free: weft_free_fn,
    value_free: weft_free_fn,
    local_out: *mut *mut weft_local,
) -> weft_status {
    ffi_status!({
        let out = handle::out_ptr(local_out)?;
        let values = match init {
            None => Local::new(),
            Some(init) => {
                let init_arg = OwnedArg::new(init_arg, init_arg_free);
                Local::with_init(move || {
                    let init_arg = &init_arg; // the whole `OwnedArg`, so it is freed with the local
                    // SAFETY: `init` is the caller's initializer and `init_arg` its argument,
                    // which lives as long as the local.
                    let value = unsafe { init(init_arg.arg.0) };
                    OwnedArg::new(value, value_free)
                })
            }
        };
        let local = CLocal { values, value_free };
        // SAFETY: checked non-NULL above.
        unsafe { handle::write(out, handle::new::<weft_local>(local)) };
        Ok(())
    })
}

/// Returns another reference to `local` (the same pointer); NULL for a NULL or wrong handle.
/// Thread safety: safe from any thread.
///
/// # Safety
/// `local` is NULL or a handle from weft the caller holds a reference to during the call.
#[must_use]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn weft_local_clone(local: *mut weft_local) -> *mut weft_local {
    ffi_value!(ptr::null_mut(), {
        // SAFETY: `local` is NULL or a handle from weft; the caller holds it.
        unsafe { handle::clone(local) }
    })
}

/// Releases one reference to `local`; the last one destroys every value still stored (with
/// `value_free`) and the local. NULL is ignored.
///
/// The values are destroyed in the calling thread, before this returns, unless a thread is
/// exiting at that moment: that thread then destroys its own value and, right after, the rest.
/// Thread safety: safe from any thread.
///
/// # Safety
/// `local` is NULL or a handle from weft whose reference the caller gives up: it does not use that
/// reference again.
/// What a use after the last reference is freed does: see `WEFT_STATUS_WRONG_HANDLE`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn weft_local_free(local: *mut weft_local) {
    ffi_value!((), {
        // SAFETY: `local` is NULL or a handle from weft; the caller gives up this reference.
        unsafe { handle::free(local) }
    })
}

/// Reads the calling thread's value. Python: reading an attribute of a `threading.local`.
///
/// If the thread has no value and the local has an initializer, runs it first (see
/// `weft_local_new`). `*value_out` receives the value, or NULL if the thread has none (Python
/// raises `AttributeError`; `weft_local_is_set` tells a stored NULL from none). Never blocks
/// for long. Ownership: the value stays owned by the local. Statuses: `WEFT_STATUS_OK`;
/// `WEFT_STATUS_NULL_ARGUMENT`, `WEFT_STATUS_WRONG_HANDLE`. Thread safety: safe from any thread;
/// each thread reads its own value.
///
/// # Safety
/// `local` is NULL or a handle from weft the caller holds a reference to during the call;
/// `value_out` is NULL or valid for writes.
#[must_use]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn weft_local_get(
    local: *mut weft_local,
    value_out: *mut *mut c_void,
) -> weft_status {
    ffi_status!({
        // SAFETY: `local` is NULL or a handle the caller holds (this function's contract).
        let local = unsafe { handle::borrow(local) }?;
        let out = handle::out_ptr(value_out)?;
        let value = local
            .values
            .with_value(|value| value.map_or(ptr::null_mut(), |v| v.arg.0));
        // SAFETY: checked non-NULL above.
        unsafe { handle::write(out, value) };
        Ok(())
    })
}

/// Stores the calling thread's value. Python: setting an attribute of a `threading.local`.
///
/// The thread's previous value, if it had one, is passed to the local's `value_free` before this
/// returns. Never blocks for long. Ownership: the local owns `value` from now on. Statuses:
/// `WEFT_STATUS_OK`; `WEFT_STATUS_NULL_ARGUMENT`, `WEFT_STATUS_WRONG_HANDLE`.
/// Thread safety: safe from any thread; each thread sets its own value.
///
/// # Safety
/// `local` is NULL or a handle from weft the caller holds a reference to during the call.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn weft_local_set(local: *mut weft_local, value: *mut c_void) -> weft_status {
    ffi_status!({
        // SAFETY: `local` is NULL or a handle the caller holds (this function's contract).
        let local = unsafe { handle::borrow(local) }?;
        local.values.set(OwnedArg::new(value, local.value_free));
        Ok(())
    })
}

/// Whether the calling thread has a value, stored by `weft_local_set` or made by the
/// initializer (a NULL value counts). Does not run the initializer. Python:
/// `hasattr(local, name)`, without triggering `__init__`.
/// False for a NULL or wrong handle. Thread safety: safe from any thread.
///
/// # Safety
/// `local` is NULL or a handle from weft the caller holds a reference to during the call.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn weft_local_is_set(local: *const weft_local) -> bool {
    ffi_value!(false, {
        // SAFETY: `local` is NULL or a handle the caller holds (this function's contract).
        unsafe { handle::borrow(local) }.is_ok_and(|l| l.values.is_set())
    })
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};

    use super::*;
    use crate::capi::weft_status::*;
    use crate::{Thread, Timeout};

    /// What the callbacks below count.
    #[derive(Default)]
    struct Counts {
        inits: AtomicUsize,
        /// The value `init` makes points here; its destructor bumps it.
        init_values: AtomicUsize,
        init_args: AtomicUsize,
    }

    fn load(c: &AtomicUsize) -> usize {
        c.load(Ordering::SeqCst)
    }

    /// `value_free`: bumps the counter the value points at.
    unsafe extern "C" fn bump(value: *mut c_void) {
        // SAFETY: every value in these tests points at a live AtomicUsize.
        unsafe { &*(value as *const AtomicUsize) }.fetch_add(1, Ordering::SeqCst);
    }

    unsafe extern "C" fn init(arg: *mut c_void) -> *mut c_void {
        // SAFETY: `arg` is a live `Counts`.
        let counts = unsafe { &*(arg as *const Counts) };
        counts.inits.fetch_add(1, Ordering::SeqCst);
        &counts.init_values as *const AtomicUsize as *mut c_void
    }

    unsafe extern "C" fn init_arg_free(arg: *mut c_void) {
        // SAFETY: `arg` is a live `Counts`.
        unsafe { &*(arg as *const Counts) }
            .init_args
            .fetch_add(1, Ordering::SeqCst);
    }

    fn ptr_of(c: &AtomicUsize) -> *mut c_void {
        c as *const AtomicUsize as *mut c_void
    }

    fn new_local(counts: Option<&Counts>) -> *mut weft_local {
        // SAFETY: every handle comes from weft and is freed once, after its last use; the
        // pointers passed point at live locals.
        unsafe {
            let mut l = ptr::null_mut();
            let status = match counts {
                None => weft_local_new(None, ptr::null_mut(), None, Some(bump), &mut l),
                Some(c) => weft_local_new(
                    Some(init),
                    c as *const Counts as *mut c_void,
                    Some(init_arg_free),
                    Some(bump),
                    &mut l,
                ),
            };
            assert_eq!(status, WEFT_STATUS_OK);
            l
        }
    }

    fn get(l: *mut weft_local) -> *mut c_void {
        // SAFETY: every handle comes from weft and is freed once, after its last use; the
        // pointers passed point at live locals.
        unsafe {
            let mut value = ptr::dangling_mut();
            assert_eq!(weft_local_get(l, &mut value), WEFT_STATUS_OK);
            value
        }
    }

    /// Runs `f` with the local in a weft thread (`weft`) or a `std::thread`, and waits for it.
    fn in_thread(weft: bool, l: *mut weft_local, f: fn(*mut weft_local)) {
        let l = l as usize;
        if weft {
            let t = Thread::new(move || f(l as *mut weft_local));
            t.start().unwrap();
            assert!(t.join(Timeout::Forever).unwrap());
            assert_eq!(t.result(), Ok(Some(())), "the thread panicked");
        } else {
            std::thread::spawn(move || f(l as *mut weft_local))
                .join()
                .unwrap();
        }
    }

    #[test]
    fn status_paths() {
        // SAFETY: every handle comes from weft and is freed once, after its last use; the
        // pointers passed point at live locals.
        unsafe {
            assert_eq!(
                weft_local_new(None, ptr::null_mut(), None, None, ptr::null_mut()),
                WEFT_STATUS_NULL_ARGUMENT
            );
            let mut value = ptr::null_mut();
            assert_eq!(
                weft_local_get(ptr::null_mut(), &mut value),
                WEFT_STATUS_NULL_ARGUMENT
            );
            assert_eq!(
                weft_local_set(ptr::null_mut(), ptr::null_mut()),
                WEFT_STATUS_NULL_ARGUMENT
            );
            assert!(!weft_local_is_set(ptr::null()));
            assert!(weft_local_clone(ptr::null_mut()).is_null());
            weft_local_free(ptr::null_mut());

            let mut lock = ptr::null_mut();
            assert_eq!(crate::capi::lock::weft_lock_new(&mut lock), WEFT_STATUS_OK);
            let wrong = lock.cast::<weft_local>();
            assert_eq!(weft_local_get(wrong, &mut value), WEFT_STATUS_WRONG_HANDLE);
            assert_eq!(
                weft_local_set(wrong, ptr::null_mut()),
                WEFT_STATUS_WRONG_HANDLE
            );
            assert!(!weft_local_is_set(wrong));
            assert!(weft_local_clone(wrong).is_null());
            weft_local_free(wrong); // ignored: the lock is still usable
            assert!(!crate::capi::lock::weft_lock_locked(lock));
            crate::capi::lock::weft_lock_free(lock);

            let l = new_local(None);
            assert_eq!(
                weft_local_get(l, ptr::null_mut()),
                WEFT_STATUS_NULL_ARGUMENT
            );
            weft_local_free(l);
        }
    }

    #[test]
    fn values_are_per_thread_and_freed_once() {
        // SAFETY: every handle comes from weft and is freed once, after its last use; the
        // pointers passed point at live locals.
        unsafe {
            static MAIN: AtomicUsize = AtomicUsize::new(0);
            static OLD: AtomicUsize = AtomicUsize::new(0);
            static WORKERS: AtomicUsize = AtomicUsize::new(0);
            let l = new_local(None);
            assert!(!weft_local_is_set(l));
            assert!(get(l).is_null(), "no value yet");
            assert_eq!(weft_local_set(l, ptr_of(&OLD)), WEFT_STATUS_OK);
            assert_eq!(weft_local_set(l, ptr_of(&MAIN)), WEFT_STATUS_OK);
            assert_eq!(load(&OLD), 1, "replaced value freed at once");
            assert!(weft_local_is_set(l));
            for weft in [true, false] {
                in_thread(weft, l, |l| {
                    assert!(!weft_local_is_set(l));
                    assert!(get(l).is_null());
                    assert_eq!(weft_local_set(l, ptr_of(&WORKERS)), WEFT_STATUS_OK);
                    assert_eq!(get(l), ptr_of(&WORKERS));
                });
            }
            assert_eq!(load(&WORKERS), 2, "freed at each thread's exit");
            assert_eq!(get(l), ptr_of(&MAIN));
            let other = weft_local_clone(l);
            assert_eq!(other, l);
            weft_local_free(l);
            assert_eq!(load(&MAIN), 0, "a reference remains");
            weft_local_free(other);
            assert_eq!([load(&MAIN), load(&OLD), load(&WORKERS)], [1, 1, 2]);
        }
    }

    #[test]
    fn initializer_runs_once_per_thread() {
        // SAFETY: every handle comes from weft and is freed once, after its last use; the
        // pointers passed point at live locals.
        unsafe {
            static REPLACED: AtomicUsize = AtomicUsize::new(0);
            let counts = Counts::default();
            let l = new_local(Some(&counts));
            assert!(!weft_local_is_set(l), "is_set does not initialize");
            assert_eq!(load(&counts.inits), 0);
            assert_eq!(get(l), ptr_of(&counts.init_values));
            assert_eq!(get(l), ptr_of(&counts.init_values));
            assert_eq!(load(&counts.inits), 1);
            // A weft thread replaces its initial value; a std::thread keeps it until it exits.
            in_thread(true, l, |l| {
                assert!(!weft_local_is_set(l));
                let first = get(l);
                assert!(!first.is_null());
                assert_eq!(weft_local_set(l, ptr_of(&REPLACED)), WEFT_STATUS_OK);
                assert_eq!(get(l), ptr_of(&REPLACED));
            });
            in_thread(false, l, |l| assert!(!get(l).is_null()));
            assert_eq!(load(&counts.inits), 3);
            assert_eq!(load(&counts.init_values), 2);
            assert_eq!(load(&REPLACED), 1);
            assert_eq!(load(&counts.init_args), 0);
            weft_local_free(l);
            assert_eq!(load(&counts.init_values), 3);
            assert_eq!(load(&counts.init_args), 1);
        }
    }

    #[test]
    fn a_null_value_is_a_value() {
        // SAFETY: every handle comes from weft and is freed once, after its last use; the
        // pointers passed point at live locals.
        unsafe {
            static NULLS: AtomicUsize = AtomicUsize::new(0);
            unsafe extern "C" fn count_null(value: *mut c_void) {
                assert!(value.is_null());
                NULLS.fetch_add(1, Ordering::SeqCst);
            }
            let mut l = ptr::null_mut();
            assert_eq!(
                weft_local_new(None, ptr::null_mut(), None, Some(count_null), &mut l),
                WEFT_STATUS_OK
            );
            assert_eq!(weft_local_set(l, ptr::null_mut()), WEFT_STATUS_OK);
            assert!(weft_local_is_set(l));
            assert_eq!(weft_local_set(l, ptr::null_mut()), WEFT_STATUS_OK);
            assert_eq!(load(&NULLS), 1);
            weft_local_free(l);
            assert_eq!(load(&NULLS), 2);
        }
    }
}
