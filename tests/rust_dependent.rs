//! A Rust crate that depends on weft as the crate's documentation says (the `[dependencies]`
//! block of `src/lib.rs`, given a path to this checkout) builds the Rust library only: an rlib,
//! without the `capi` feature, so no `libweft.so` or `libweft.a` and no warning, and its program
//! (`tests/dependent/program.rs`) runs. Built offline, in a target directory of its own (under
//! this profile's), so that nothing another build made can be mistaken for its output.

mod cprog;

use std::path::Path;
use std::process::Command;

/// The dependency line of the crate's documentation, pointed at this checkout.
fn documented_dependency() -> String {
    let lib = std::fs::read_to_string(cprog::root().join("src/lib.rs")).expect("src/lib.rs");
    let line = lib
        .lines()
        .skip_while(|line| *line != "//! [dependencies]")
        .nth(1)
        .expect("a [dependencies] block in src/lib.rs");
    let line = line.trim_start_matches("//! ");
    assert!(
        line.starts_with("weft = { package = \"weft-threading\", version = ")
            && line.ends_with(" }"),
        "unexpected dependency line: {line}"
    );
    let root = cprog::root().display();
    format!("{}, path = \"{root}\" }}", line.trim_end_matches(" }"))
}

/// Every file under `dir` whose name starts with `prefix`.
fn files_named(dir: &Path, prefix: &str) -> Vec<String> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let path = entry.path();
        if path.is_dir() {
            found.extend(files_named(&path, prefix));
        } else if entry.file_name().to_string_lossy().starts_with(prefix) {
            found.push(path.display().to_string());
        }
    }
    found
}

#[test]
fn a_rust_dependent_builds_no_c_library() {
    let dir = cprog::profile_dir().join("rust-dependent");
    std::fs::create_dir_all(&dir).unwrap();
    let program = cprog::root().join("tests/dependent/program.rs");
    let manifest = format!(
        "[package]\nname = \"dependent\"\nversion = \"0.0.0\"\nedition = \"2024\"\n\
         publish = false\n\n[[bin]]\nname = \"dependent\"\npath = \"{}\"\n\n\
         [dependencies]\n{}\n\n[workspace]\n",
        program.display(),
        documented_dependency()
    );
    std::fs::write(dir.join("Cargo.toml"), manifest).unwrap();
    // weft's own lock file: the same libc as weft's build, already downloaded.
    std::fs::copy(cprog::root().join("Cargo.lock"), dir.join("Cargo.lock")).unwrap();
    let target = dir.join("target");
    // A C library left by a build of an older manifest is not this build's.
    for stale in [
        files_named(&target, "libweft.so"),
        files_named(&target, "libweft.a"),
    ]
    .concat()
    {
        std::fs::remove_file(stale).unwrap();
    }
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let out = Command::new(cargo)
        .current_dir(&dir)
        .env("CARGO_TARGET_DIR", &target)
        .args([
            "build",
            "--offline",
            "--message-format=json-render-diagnostics",
        ])
        .output()
        .expect("run cargo");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "cargo build failed:\n{stderr}");
    assert!(!stderr.contains("warning"), "the build warns:\n{stderr}");

    let messages = String::from_utf8_lossy(&out.stdout);
    let weft: Vec<&str> = messages
        .lines()
        .filter(|m| m.contains("\"reason\":\"compiler-artifact\"") && m.contains("weft-threading@"))
        .filter(|m| m.contains("\"name\":\"weft\""))
        .collect();
    assert_eq!(
        weft.len(),
        1,
        "weft-threading's library artifacts: {weft:?}"
    );
    assert!(
        weft[0].contains("\"crate_types\":[\"lib\"]"),
        "crate types: {}",
        weft[0]
    );
    assert!(weft[0].contains("\"features\":[]"), "features: {}", weft[0]);
    assert_eq!(files_named(&target, "libweft.so"), Vec::<String>::new());
    assert_eq!(files_named(&target, "libweft.a"), Vec::<String>::new());

    let run = Command::new(target.join("debug/dependent"))
        .output()
        .expect("run the dependent");
    assert!(run.status.success(), "{run:?}");
    assert_eq!(String::from_utf8_lossy(&run.stdout), "Some(Returned(42))\n");
}
