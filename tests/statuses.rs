//! The statuses of the header (generated from `capi/status.rs`) against the library: their values
//! are 0 to N-1 with none missing, each has its own message, and N is unknown to the library.

use std::collections::HashSet;
use std::ffi::{CStr, c_int};
use std::path::Path;

/// `(name, value)` of every `WEFT_STATUS_*` in the headers under `include/`.
fn header_statuses() -> Vec<(String, c_int)> {
    let mut statuses = Vec::new();
    let mut dirs = vec![Path::new(env!("CARGO_MANIFEST_DIR")).join("include")];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).expect("include/") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                dirs.push(path);
            } else if path.extension().is_some_and(|e| e == "h") {
                let text = std::fs::read_to_string(&path).expect("header");
                for line in text.lines() {
                    if let Some((name, value)) = line.trim().trim_end_matches(',').split_once(" = ")
                        && name.starts_with("WEFT_STATUS_")
                    {
                        statuses.push((name.to_owned(), value.parse().expect("a number")));
                    }
                }
            }
        }
    }
    statuses
}

fn message(status: c_int) -> &'static str {
    // SAFETY: weft_status_str has no requirement: it accepts any int.
    let message = unsafe { weft::capi::weft_status_str(status) };
    // SAFETY: its result is never NULL, static and NUL-terminated.
    unsafe { CStr::from_ptr(message) }.to_str().expect("ASCII")
}

#[test]
fn header_statuses_are_dense_and_each_has_its_own_message() {
    let statuses = header_statuses();
    let mut values: Vec<c_int> = statuses.iter().map(|s| s.1).collect();
    values.sort_unstable();
    let count = c_int::try_from(values.len()).expect("few");
    assert!(count > 30, "parsed {statuses:?}");
    assert_eq!(
        values,
        (0..count).collect::<Vec<_>>(),
        "values not 0..{count}"
    );
    let mut seen = HashSet::new();
    for (name, value) in &statuses {
        let message = message(*value);
        assert_ne!(message, "unknown status", "{name}");
        assert!(seen.insert(message), "{name} shares its message");
    }
    assert_eq!(message(count), "unknown status");
}
