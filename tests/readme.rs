//! The C example in README.md compiles with warnings as errors, runs, and prints what the
//! README says it prints.

mod cprog;

#[test]
fn readme_c_example_runs() {
    let readme = std::fs::read_to_string(cprog::root().join("README.md")).expect("README.md");
    let start = readme.find("```c\n").expect("a C block in README.md") + "```c\n".len();
    let code = &readme[start..start + readme[start..].find("```").expect("closed C block")];
    let dir = cprog::profile_dir().join("c-tests");
    std::fs::create_dir_all(&dir).unwrap();
    let source = dir.join("readme_example.c");
    std::fs::write(&source, code).unwrap();
    let exe = cprog::build(&source).unwrap_or_else(|e| panic!("{e}"));
    let out = cprog::run(&exe).unwrap_or_else(|e| panic!("{e}"));
    assert!(out.status.success(), "{out:?}");
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "counter = 4000\nrelease unlocked lock\n"
    );
}
