"""Builds libweft from its Rust sources with setuptools-rust and ships it in the package as
weft/libweft.so, which weft loads with ctypes.

The metadata is in pyproject.toml; this file says where the crate is and adds three things
setuptools-rust does not do for a library that is not a Python extension module:

- the file keeps the name weft looks for (libweft.so, not an extension module's
  libweft.cpython-311-x86_64-linux-gnu.so);
- the wheel is tagged py3-none-<platform>: it holds no extension module, only a C library, so one
  wheel serves every Python 3 on the platform (`auditwheel repair` then gives it a manylinux tag);
- the sdist carries the crate: in a checkout the crate is the repository's root, two levels up,
  outside this project, so `sdist` lays out in rust/ what building libweft needs (the manifest
  made a workspace of its own, Cargo.lock, build.rs, src/, include/ and the licences), and a
  build from the sdist uses rust/.
"""

import re
import shutil
import subprocess
import tomllib
from pathlib import Path

from setuptools import setup
from setuptools.command.bdist_wheel import bdist_wheel
from setuptools.command.sdist import sdist
from setuptools_rust import Binding, RustExtension, Strip, build_rust

HERE = Path(__file__).resolve().parent
# The crate: rust/ in an sdist, the repository's root in a checkout (relative paths, as
# setuptools runs this file from its own directory).
CRATE = Path("rust") if (HERE / "rust" / "Cargo.toml").is_file() else Path("../..")
CRATE_FILES = ["Cargo.toml", "Cargo.lock", "build.rs", "LICENSE-MIT", "LICENSE-APACHE"]
CRATE_DIRS = ["src", "include"]


class build_rust_library(build_rust):
    """build_rust, naming the library libweft.so, the name weft loads."""

    def get_dylib_ext_path(self, ext, target_fname):
        return str(Path(super().get_dylib_ext_path(ext, target_fname)).with_name("libweft.so"))


class bdist_wheel_any_python(bdist_wheel):
    """A wheel for this platform and any Python 3: the package carries no extension module."""

    def get_tag(self):
        return ("py3", "none", super().get_tag()[2])


class sdist_with_crate(sdist):
    """sdist, with the crate laid out in rust/ (see the module's doc)."""

    def make_release_tree(self, base_dir, files):
        super().make_release_tree(base_dir, files)
        source, destination = HERE / CRATE, Path(base_dir) / "rust"
        destination.mkdir()
        for name in CRATE_FILES:
            shutil.copy2(source / name, destination / name)
        for name in CRATE_DIRS:
            shutil.copytree(source / name, destination / name)
        manifest = destination / "Cargo.toml"
        manifest.write_text(standalone(manifest.read_text()))
        # Drops the other workspace members' packages from Cargo.lock, so that `--locked` holds.
        subprocess.run(["cargo", "metadata", "--format-version=1", "--manifest-path",
                        str(manifest)], check=True, stdout=subprocess.DEVNULL)


def standalone(manifest):
    """The crate's Cargo.toml, its [workspace] table emptied: a workspace of its own (the other
    members, tests/abi, are not in the sdist), which no directory above it can claim."""
    text = re.sub(r"(?ms)^\[workspace\]\n.*?(?=^\[)", "[workspace]\n\n", manifest)
    if tomllib.loads(text).get("workspace") != {}:
        raise RuntimeError("weft: could not empty the [workspace] table of Cargo.toml")
    return text


setup(
    rust_extensions=[
        RustExtension(
            "weft.libweft",
            path=str(CRATE / "Cargo.toml"),
            binding=Binding.NoBinding,
            # The C ABI: the crate without it is the Rust library only. setuptools-rust builds
            # with `cargo rustc --lib --crate-type cdylib`, as `cargo capi` does (the crate
            # declares no cdylib: Cargo.toml).
            features=["capi"],
            # Without the debug line tables, as `make` installs it (strip --strip-debug).
            strip=Strip.Debug,
            args=["--locked"],
        )
    ],
    cmdclass={
        "build_rust": build_rust_library,
        "bdist_wheel": bdist_wheel_any_python,
        "sdist": sdist_with_crate,
    },
)
