//! The tour: builds every tutorial example in `c-tests/examples/` against the library just built,
//! runs it, shows its output and checks it as c-tests/examples/README.md says.
//!
//! Run it with `make tour` (which first builds `libweft.so` with `cargo capi --release`); pass
//! ids to `cargo run --release --example tour -- ID...` to run only those.

#[path = "../tests/cprog/mod.rs"]
mod cprog;

fn main() {
    let wanted: Vec<String> = std::env::args().skip(1).collect();
    let ids: Vec<String> = cprog::example_ids()
        .into_iter()
        .filter(|id| wanted.is_empty() || wanted.contains(id))
        .collect();
    let (mut passed, mut failed) = (0, 0);
    for id in &ids {
        println!("==> {id}");
        match cprog::run_example(id) {
            Ok(stdout) => {
                print!("{stdout}");
                println!("--- {id}: ok\n");
                passed += 1;
            }
            Err(why) => {
                println!("{why}");
                println!("--- {id}: FAILED\n");
                failed += 1;
            }
        }
    }
    println!("tour: {passed} passed, {failed} failed");
    if failed > 0 || ids.is_empty() {
        std::process::exit(1);
    }
}
