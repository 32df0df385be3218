//! Drives the weft library through the declarations bindgen made from `include/weft.h`: what a
//! Rust (or any FFI) user who starts from the header gets.

use std::ffi::{c_void, CStr};
use std::ptr;

use weft_abi::*;

/// The message `weft_status_str` gives for `status`.
fn message(status: weft_status) -> &'static str {
    // SAFETY: weft_status_str returns a static NUL-terminated string for any int.
    let message = unsafe { CStr::from_ptr(weft_status_str(status as i32)) };
    message.to_str().expect("messages are UTF-8")
}

/// What the thread below shares with the test.
struct Shared {
    lock: *mut weft_lock,
    counter: u32,
}

/// Takes the lock (waiting for the test to release it), counts, releases; returns `arg`.
unsafe extern "C" fn count_under_lock(arg: *mut c_void) -> *mut c_void {
    let shared = arg.cast::<Shared>();
    // SAFETY: `arg` is the test's `Shared`, alive until it has joined this thread; `counter` is
    // only touched under the lock here, and by the test after the join.
    unsafe {
        if weft_lock_acquire((*shared).lock, true, WEFT_TIMEOUT_FOREVER) == WEFT_STATUS_OK {
            (*shared).counter += 1;
            weft_lock_release((*shared).lock);
        }
    }
    arg
}

#[test]
fn statuses_and_version() {
    assert_eq!(message(WEFT_STATUS_OK), "ok");
    assert_eq!(
        message(WEFT_STATUS_RELEASE_UNLOCKED),
        "release unlocked lock"
    );
    assert_eq!(
        message(WEFT_STATUS_NOT_OWNER),
        "cannot release un-acquired lock"
    );
    assert_eq!(
        message(WEFT_STATUS_ALREADY_STARTED),
        "threads can only be started once"
    );
    assert_eq!(message(WEFT_STATUS_FORKED + 1), "unknown status");
    // SAFETY: no preconditions; the string is static.
    let version = unsafe { CStr::from_ptr(weft_version_string()) };
    let want = format!("{WEFT_VERSION_MAJOR}.{WEFT_VERSION_MINOR}.{WEFT_VERSION_PATCH}");
    assert_eq!(version.to_str(), Ok(want.as_str()));
    // SAFETY: no preconditions.
    assert_eq!(unsafe { weft_version_number() }, WEFT_VERSION_NUMBER);
}

#[test]
fn lock_and_thread() {
    // Shared with the thread through a raw pointer only, as C would.
    let shared = Box::into_raw(Box::new(Shared {
        lock: ptr::null_mut(),
        counter: 0,
    }));
    let mut thread = ptr::null_mut();
    let mut result = ptr::null_mut();
    // SAFETY: every handle comes from weft and is freed once; `shared` outlives the thread,
    // which is joined before `counter` is read and `shared` freed.
    unsafe {
        let lock = ptr::addr_of_mut!((*shared).lock);
        assert_eq!(weft_lock_new(lock), WEFT_STATUS_OK);
        let lock = *lock;
        assert_eq!(weft_lock_release(lock), WEFT_STATUS_RELEASE_UNLOCKED);
        assert_eq!(
            weft_lock_acquire(lock, false, 0.5),
            WEFT_STATUS_NONBLOCKING_TIMEOUT
        );
        assert_eq!(
            weft_lock_acquire(lock, true, f64::NAN),
            WEFT_STATUS_INVALID_TIMEOUT
        );
        assert_eq!(
            weft_lock_acquire(lock, true, WEFT_TIMEOUT_FOREVER),
            WEFT_STATUS_OK
        );
        assert!(weft_lock_locked(lock));

        let arg = shared.cast::<c_void>();
        let status = weft_thread_new(Some(count_under_lock), arg, None, &mut thread);
        assert_eq!(status, WEFT_STATUS_OK);
        assert_eq!(weft_thread_join(thread, 0.0), WEFT_STATUS_NOT_STARTED);
        assert_eq!(weft_thread_start(thread), WEFT_STATUS_OK);
        assert_eq!(weft_thread_start(thread), WEFT_STATUS_ALREADY_STARTED);
        // The thread waits for the lock the test holds.
        assert_eq!(weft_thread_join(thread, 0.0), WEFT_STATUS_TIMEOUT);
        assert!(weft_thread_is_alive(thread));
        assert_eq!(weft_lock_release(lock), WEFT_STATUS_OK);
        assert_eq!(
            weft_thread_join(thread, WEFT_TIMEOUT_FOREVER),
            WEFT_STATUS_OK
        );
        assert!(!weft_thread_is_alive(thread));
        assert_eq!(weft_thread_result(thread, &mut result), WEFT_STATUS_OK);
        assert_eq!(result, arg);
        weft_thread_free(thread);
        weft_lock_free(lock);
        assert_eq!(Box::from_raw(shared).counter, 1);
    }
}
