//! Gives the C library a versioned soname (`libweft.so.0`), so that it can be installed as a
//! system library next to later, incompatible versions, and tells the C test driver which target
//! to compile for.

fn main() {
    // The C test driver (tests/cprog) compiles for the same target as the crate.
    let target = std::env::var("TARGET").unwrap_or_default();
    println!("cargo:rustc-env=WEFT_TARGET={target}");
    // Only the C library (the `capi` feature, built as a cdylib by `cargo capi`) has a soname: a
    // Rust dependent links nothing of it. The manifest declares no cdylib (Cargo.toml), so the
    // argument goes to every binary this package links with `capi` on: the cdylib, and the
    // tests' and examples' executables, whose soname nothing reads (`rustc-cdylib-link-arg`
    // would warn that the package has no cdylib target).
    if std::env::var_os("CARGO_FEATURE_CAPI").is_some() {
        let major = std::env::var("CARGO_PKG_VERSION_MAJOR").unwrap_or_else(|_| "0".into());
        if target.contains("apple") {
            println!("cargo:rustc-link-arg=-Wl,-install_name,@rpath/libweft.{major}.dylib");
        } else {
            println!("cargo:rustc-link-arg=-Wl,-soname,libweft.so.{major}");
        }
    }
    println!("cargo:rerun-if-changed=build.rs");
}
