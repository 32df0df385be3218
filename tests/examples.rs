//! Every tutorial example in `c-tests/examples/` is built, run and its output checked.

mod cprog;

#[test]
fn every_example_has_a_check_and_passes() {
    let mut failures = Vec::new();
    for id in cprog::example_ids() {
        if let Err(why) = cprog::run_example(&id) {
            failures.push(why);
        }
    }
    assert!(
        failures.is_empty(),
        "{} example(s) failed:\n\n{}",
        failures.len(),
        failures.join("\n\n")
    );
}
