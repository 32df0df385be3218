//! `include/weft.h` as bindgen translates it (see build.rs), linked to the weft library.
#![allow(non_camel_case_types, non_upper_case_globals)]

// The library defines every declared symbol; this links it into whatever uses these bindings.
use weft as _;

include!(concat!(env!("OUT_DIR"), "/weft.rs"));
