//! Every self-checking program in `c-tests/api/` (C and C++) is built, run, and must exit with
//! status 0; each prints "N passed, M failed" and exits nonzero if a check failed.

mod cprog;

#[test]
fn every_api_program_passes() {
    let programs = cprog::programs("c-tests/api");
    assert!(!programs.is_empty(), "no programs in c-tests/api");
    let mut failures = Vec::new();
    for source in &programs {
        if let Err(why) = cprog::run_program(source) {
            failures.push(why);
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} program(s) failed:\n\n{}",
        failures.len(),
        programs.len(),
        failures.join("\n\n")
    );
}

/// The header is valid C99 too, without extensions: `bad_input.c` is written in C99.
#[test]
fn header_compiles_as_c99_pedantic() {
    let source = cprog::root().join("c-tests/api/bad_input.c");
    if let Err(why) = cprog::build_as(&source, "c99", &[]) {
        panic!("{why}");
    }
}
