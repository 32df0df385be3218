//! Reads `include/weft.h` twice, as a Rust program linking the library would:
//!
//! 1. bindgen turns it into Rust declarations, `$OUT_DIR/weft.rs` (the library's `src/lib.rs`
//!    includes it);
//! 2. ctest2 parses that file and generates a test, `$OUT_DIR/ctest.rs` and its C half, which
//!    compares every declaration with the header as the C compiler sees it: function types and
//!    addresses, type sizes, alignments and signedness, constant values.
//!
//! bindgen needs libclang (Debian: `apt-get install libclang-dev`).

use std::env;
use std::path::PathBuf;

/// The handle types: incomplete in C (`typedef struct weft_lock weft_lock;`), so they have no
/// size to compare. bindgen declares each as a zero-sized struct with a single `_unused` field,
/// only ever used behind pointers, and the pointer types are checked through every function
/// signature that uses them. Returns their names, read from the generated bindings.
fn opaque_structs(bindings: &str) -> Vec<String> {
    let mut names = Vec::new();
    let mut rest = bindings;
    while let Some(at) = rest.find("pub struct ") {
        rest = &rest[at + "pub struct ".len()..];
        let name = rest
            .split(|c: char| !c.is_alphanumeric() && c != '_')
            .next()
            .unwrap_or("");
        let body = rest.split('}').next().unwrap_or("");
        if body.contains("_unused: [u8; 0]") {
            names.push(name.to_owned());
        }
    }
    names
}

fn main() {
    let manifest = PathBuf::from(env::var_os("CARGO_MANIFEST_DIR").expect("CARGO_MANIFEST_DIR"));
    let include = manifest.join("../../include");
    let header = include.join("weft.h");
    let out = PathBuf::from(env::var_os("OUT_DIR").expect("OUT_DIR"));
    let bindings = out.join("weft.rs");
    // weft.h and the headers of include/weft/ it includes.
    println!("cargo:rerun-if-changed={}", header.display());
    println!("cargo:rerun-if-changed={}", include.join("weft").display());
    println!("cargo:rerun-if-changed=build.rs");

    bindgen::Builder::default()
        .header(header.to_str().expect("UTF-8 path"))
        .allowlist_function("weft_.*")
        .allowlist_type("weft_.*")
        .allowlist_var("WEFT_.*")
        // C's names for the statuses (WEFT_STATUS_OK, not weft_status_WEFT_STATUS_OK), as
        // integer constants of type `weft_status`: ctest2 then checks each value against C, and
        // a value unknown to these bindings is still a valid `weft_status` in Rust.
        .prepend_enum_name(false)
        // ctest2 checks layouts against the C compiler itself.
        .layout_tests(false)
        // ctest2's parser predates `unsafe extern "C"` blocks (Rust 1.82): emit plain ones.
        .rust_target(bindgen::RustTarget::stable(81, 0).expect("a known Rust version"))
        .generate()
        .expect("bindgen could not read include/weft.h")
        .write_to_file(&bindings)
        .expect("write the bindings");

    let opaque = opaque_structs(&std::fs::read_to_string(&bindings).expect("read the bindings"));
    assert!(
        opaque.iter().any(|n| n == "weft_lock"),
        "no handle types found: {opaque:?}"
    );

    ctest2::TestGenerator::new()
        .header("weft.h")
        .include(&include)
        .skip_struct(move |name| opaque.iter().any(|o| o == name))
        // bindgen writes C's `double` as `f64`, which ctest2 does not know; the rest is
        // ctest2's default naming.
        .type_name(|ty, is_struct, is_union| match ty {
            "f64" => "double".to_owned(),
            _ if is_struct => format!("struct {ty}"),
            _ if is_union => format!("union {ty}"),
            _ => ty.to_owned(),
        })
        .generate(&bindings, "ctest.rs");
}
