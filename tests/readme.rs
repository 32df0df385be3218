//! The examples in README.md (C) and bindings/cpp/README.md (C++) compile with warnings as
//! errors, run, and print what the READMEs say they print.

mod cprog;

use std::path::PathBuf;

/// Writes the first ```` ```lang ```` block of `readme` (root-relative) to `file` in the C
/// programs' build directory, and returns its path.
fn code_block(readme: &str, lang: &str, file: &str) -> PathBuf {
    let text = std::fs::read_to_string(cprog::root().join(readme)).expect(readme);
    let fence = format!("```{lang}\n");
    let start = text.find(&fence).expect("a code block") + fence.len();
    let code = &text[start..start + text[start..].find("```").expect("closed code block")];
    let dir = cprog::profile_dir().join("c-tests");
    std::fs::create_dir_all(&dir).unwrap();
    let source = dir.join(file);
    std::fs::write(&source, code).unwrap();
    source
}

#[test]
fn readme_c_example_runs() {
    let source = code_block("README.md", "c", "readme_example.c");
    let exe = cprog::build(&source).unwrap_or_else(|e| panic!("{e}"));
    let out = cprog::run(&exe).unwrap_or_else(|e| panic!("{e}"));
    assert!(out.status.success(), "{out:?}");
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "counter = 4000\nrelease unlocked lock\n"
    );
}

#[test]
fn readme_cpp_example_runs() {
    let source = code_block("bindings/cpp/README.md", "cpp", "readme_example.cpp");
    let exe = cprog::build_as(&source, "c++17", &["bindings/cpp/include"])
        .unwrap_or_else(|e| panic!("{e}"));
    let out = cprog::run_built(&source, &exe).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(out, "counter = 4000\nanswer = 42\nrelease unlocked lock\n");
}
