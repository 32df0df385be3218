//! The panic boundary: no Rust panic ever unwinds into C.
//!
//! Every exported function runs its body through [`ffi_status!`] (for functions returning
//! `weft_status`) or [`ffi_value!`] (for the few returning a pointer, a bool or a number). A
//! panic becomes `WEFT_STATUS_PANIC`, or the given fallback value.

/// Runs a body returning `Result<(), weft_status>` and turns it into a `weft_status`; a panic
/// becomes `WEFT_STATUS_PANIC`. `Err` carries every non-OK outcome, `WEFT_STATUS_TIMEOUT`
/// included, so bodies can use `?` on core results.
macro_rules! ffi_status {
    ($body:block) => {{
        let result = ::std::panic::catch_unwind(::std::panic::AssertUnwindSafe(
            || -> ::std::result::Result<(), $crate::capi::weft_status> { $body },
        ));
        match result {
            Ok(Ok(())) => $crate::capi::weft_status::WEFT_STATUS_OK,
            Ok(Err(status)) => status,
            Err(_) => $crate::capi::weft_status::WEFT_STATUS_PANIC,
        }
    }};
}

/// Runs a body returning a plain value; a panic gives `$on_panic` instead.
macro_rules! ffi_value {
    ($on_panic:expr, $body:block) => {{
        match ::std::panic::catch_unwind(::std::panic::AssertUnwindSafe(|| $body)) {
            Ok(value) => value,
            Err(_) => $on_panic,
        }
    }};
}

/// Runs `body`, the slow path of an exported function whose fast path cannot panic, out of line
/// behind a panic boundary of its own, and gives back its result (a panic: `WEFT_STATUS_PANIC`,
/// as with [`ffi_status!`]).
///
/// The call goes through an `extern "C"` function, which cannot unwind (a panic that escaped one
/// would abort the process), so the compiler knows the call cannot unwind either: the exported
/// function has nothing to catch on its fast path and needs neither landing pads nor a stack
/// frame there (BENCHMARKS.md, "Fast paths through the C API").
#[inline]
pub(crate) fn out_of_line<F: FnOnce() -> Result<(), super::weft_status>>(
    body: F,
) -> Result<(), super::weft_status> {
    #[cold]
    #[inline(never)]
    extern "C" fn guarded<F: FnOnce() -> Result<(), super::weft_status>>(
        body: F,
    ) -> super::weft_status {
        ffi_status!({ body() })
    }
    match guarded(body) {
        super::weft_status::WEFT_STATUS_OK => Ok(()),
        status => Err(status),
    }
}
