//! The argument plumbing every C entry point shares: C pointers sent to other threads, owned
//! arguments with their destructors, C thread functions as Rust closures, and string arguments.

use std::ffi::{CStr, c_char, c_void};

use super::weft_status::{self, WEFT_STATUS_NULL_ARGUMENT};
use crate::Error;

/// Releases an argument weft was given ownership of, called once, in an unspecified thread.
pub type weft_free_fn = Option<unsafe extern "C" fn(arg: *mut c_void)>;

/// A C pointer handed to another thread. The C caller vouches that it may cross threads, as it
/// does with `pthread_create`.
#[derive(Clone, Copy)]
pub(crate) struct SendPtr(pub(crate) *mut c_void);

// SAFETY: the pointer is only handed back to C code, which took responsibility for its use from
// other threads by passing it to weft (documented on every function that takes one).
unsafe impl Send for SendPtr {}
// SAFETY: as above; weft never dereferences it.
unsafe impl Sync for SendPtr {}

/// A C argument with its optional destructor, called exactly once when this is dropped.
pub(crate) struct OwnedArg {
    pub(crate) arg: SendPtr,
    free: weft_free_fn,
}

impl OwnedArg {
    pub(crate) fn new(arg: *mut c_void, free: weft_free_fn) -> OwnedArg {
        OwnedArg {
            arg: SendPtr(arg),
            free,
        }
    }

    /// Gives the argument back without calling its destructor: the caller owns it again.
    pub(crate) fn into_raw(mut self) -> *mut c_void {
        self.free = None;
        self.arg.0
    }
}

impl Drop for OwnedArg {
    fn drop(&mut self) {
        if let Some(free) = self.free {
            // SAFETY: the caller gave us `free` to release `arg`; this is its only call.
            unsafe { free(self.arg.0) };
        }
    }
}

/// `target(arg)` as a Rust closure; `arg` is freed when the closure is dropped, after the call
/// or, if it is never called, without it.
pub(crate) fn call_with(
    target: unsafe extern "C-unwind" fn(*mut c_void) -> *mut c_void,
    arg: OwnedArg,
) -> impl FnOnce() -> SendPtr + Send + 'static {
    move || {
        let arg = arg;
        // SAFETY: `target` is the caller's thread function and `arg` its argument, as the caller
        // asked; `arg` is freed when it drops, after the call.
        SendPtr(unsafe { target(arg.arg.0) })
    }
}

/// Reads a NUL-terminated UTF-8 string argument.
///
/// # Safety
/// `s` is NULL or a NUL-terminated string that stays valid and unchanged during `'a`.
pub(crate) unsafe fn c_str<'a>(s: *const c_char) -> Result<&'a str, weft_status> {
    if s.is_null() {
        return Err(WEFT_STATUS_NULL_ARGUMENT);
    }
    // SAFETY: non-NULL; per the contract, a NUL-terminated string valid for 'a.
    let s = unsafe { CStr::from_ptr(s) };
    Ok(s.to_str().map_err(|_| Error::InvalidUtf8)?)
}
