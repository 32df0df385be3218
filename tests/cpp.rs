//! The C++ binding (`bindings/cpp/`): every self-checking test program in `tests/` and every
//! tutorial example in `examples/` is built as C++17 against `weft.hpp` (warnings as errors) and
//! run; the tests print "N passed, M failed" and exit nonzero on a failure, the examples' output
//! passes the same check as the C example of the same id.

mod cprog;

use std::path::Path;

/// Builds `source` with `bindings/cpp/include` on the include path and runs it.
fn run_cpp(source: &Path) -> Result<String, String> {
    let exe = cprog::build_as(source, "c++17", &["bindings/cpp/include"])?;
    cprog::run_built(source, &exe)
}

/// Runs `check` on every program in `dir`; fails with every failure.
fn every(dir: &str, check: impl Fn(&Path) -> Result<(), String>) {
    let programs = cprog::programs(dir);
    assert!(!programs.is_empty(), "no programs in {dir}");
    let failures: Vec<String> = programs.iter().filter_map(|p| check(p).err()).collect();
    assert!(
        failures.is_empty(),
        "{} of {} program(s) failed:\n\n{}",
        failures.len(),
        programs.len(),
        failures.join("\n\n")
    );
}

#[test]
fn every_cpp_test_passes() {
    every("bindings/cpp/tests", |source| run_cpp(source).map(drop));
}

#[test]
fn every_cpp_example_passes_its_check() {
    every("bindings/cpp/examples", |source| {
        let id = source.file_stem().and_then(|s| s.to_str()).expect("a name");
        let stdout = run_cpp(source)?;
        cprog::checks::check(id, &stdout).map_err(|why| format!("{id}: {why}\nstdout:\n{stdout}"))
    });
}
