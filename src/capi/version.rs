//! Version macros and run-time version calls, so a program can tell when the header it was
//! compiled with and the library it runs with disagree.

use std::ffi::{CStr, c_char};

/// The major version of the header (semantic versioning: changes only with an ABI break).
pub const WEFT_VERSION_MAJOR: u32 = 0;
/// The minor version of the header.
pub const WEFT_VERSION_MINOR: u32 = 1;
/// The patch version of the header.
pub const WEFT_VERSION_PATCH: u32 = 0;
/// `MAJOR * 10000 + MINOR * 100 + PATCH`, as `weft_version_number()` returns it.
pub const WEFT_VERSION_NUMBER: u32 = 100;

const VERSION: &CStr = c"0.1.0";

const _: () = assert!(
    WEFT_VERSION_NUMBER
        == WEFT_VERSION_MAJOR * 10000 + WEFT_VERSION_MINOR * 100 + WEFT_VERSION_PATCH
);

/// The library's version as `"MAJOR.MINOR.PATCH"`. Static: never free it.
/// Thread safety: safe from any thread.
///
/// # Safety
/// No requirement: it takes no arguments.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn weft_version_string() -> *const c_char {
    VERSION.as_ptr()
}

/// The library's version as `MAJOR * 10000 + MINOR * 100 + PATCH`; compare it with
/// `WEFT_VERSION_NUMBER` to detect a header/library mismatch.
/// Thread safety: safe from any thread.
///
/// # Safety
/// No requirement: it takes no arguments.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn weft_version_number() -> u32 {
    WEFT_VERSION_NUMBER
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_the_crate_version() {
        let parts: Vec<u32> = env!("CARGO_PKG_VERSION")
            .split('.')
            .map(|p| p.parse().unwrap())
            .collect();
        assert_eq!(
            parts,
            [WEFT_VERSION_MAJOR, WEFT_VERSION_MINOR, WEFT_VERSION_PATCH]
        );
        assert_eq!(VERSION.to_str().unwrap(), env!("CARGO_PKG_VERSION"));
    }
}
