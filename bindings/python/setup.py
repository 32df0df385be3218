"""Builds libweft with cargo and ships it inside the package (weft/libweft.so).

The configuration is in pyproject.toml; this file only adds the build step, so that
`pip install ./bindings/python` from a weft checkout gives a self-contained package. The wheel
holds no Python extension, only a C library loaded with ctypes: it is tagged py3-none-<platform>.
"""

import os
import shutil
import subprocess
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py
from wheel.bdist_wheel import bdist_wheel

HERE = Path(__file__).resolve().parent


def repository():
    """The weft checkout this package sits in (the directory with Cargo.toml and weft.h)."""
    for directory in [HERE, *HERE.parents]:
        if (directory / "Cargo.toml").is_file() and (directory / "include" / "weft.h").is_file():
            return directory
    raise RuntimeError(f"weft: {HERE} is not inside a weft checkout; cannot build libweft")


class build_py_with_library(build_py):
    """build_py, then `cargo build --release` and a copy of libweft.so into the package."""

    def run(self):
        super().run()
        repo = repository()
        subprocess.run(["cargo", "build", "--release", "--lib"], cwd=repo, check=True)
        target = Path(os.environ.get("CARGO_TARGET_DIR", repo / "target"))
        if not target.is_absolute():
            target = repo / target
        destination = Path(self.build_lib) / "weft" / "libweft.so"
        destination.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(target / "release" / "libweft.so", destination)


class bdist_wheel_platform(bdist_wheel):
    """A wheel for this platform, any Python 3: the package carries a native library."""

    def finalize_options(self):
        super().finalize_options()
        self.root_is_pure = False

    def get_tag(self):
        return ("py3", "none", super().get_tag()[2])


setup(cmdclass={"build_py": build_py_with_library, "bdist_wheel": bdist_wheel_platform})
