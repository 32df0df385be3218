//! Gives the shared library a versioned soname (`libweft.so.0`), so that it can be installed as
//! a system library next to later, incompatible versions, and tells the C test driver which
//! target to compile for.

fn main() {
    // The C test driver (tests/cprog) compiles for the same target as the crate.
    let target = std::env::var("TARGET").unwrap_or_default();
    println!("cargo:rustc-env=WEFT_TARGET={target}");
    let major = std::env::var("CARGO_PKG_VERSION_MAJOR").unwrap_or_else(|_| "0".into());
    if target.contains("apple") {
        println!("cargo:rustc-cdylib-link-arg=-Wl,-install_name,@rpath/libweft.{major}.dylib");
    } else {
        println!("cargo:rustc-cdylib-link-arg=-Wl,-soname,libweft.so.{major}");
    }
    println!("cargo:rerun-if-changed=build.rs");
}
