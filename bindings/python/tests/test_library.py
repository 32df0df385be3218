"""Finding libweft at import: WEFT_LIBRARY, and the ImportError for a missing or mismatched
library, which lists what was looked for (each case in its own interpreter)."""

import os
import shutil
import subprocess

import pytest

from helpers import run_python


def import_with(library):
    env = dict(os.environ, WEFT_LIBRARY=str(library))
    return run_python("import weft", env=env)


def test_the_library_named_by_weft_library_is_used():
    result = run_python("""
        import os, weft
        maps = open("/proc/self/maps").read()
        print(os.environ["WEFT_LIBRARY"] in maps)
    """)
    assert (result.returncode, result.stdout, result.stderr) == (0, "True\n", "")


def test_missing_library(tmp_path):
    result = import_with(tmp_path / "libweft.so")
    assert result.returncode == 1
    assert "ImportError: weft: no usable libweft.so. Looked for:" in result.stderr
    assert f"WEFT_LIBRARY: {tmp_path / 'libweft.so'} does not exist" in result.stderr


def test_not_a_weft_library():
    result = import_with(subprocess.check_output(
        ["sh", "-c", "ldconfig -p | grep -m1 'libc.so.6 ' | sed 's/.*=> //'"], text=True).strip())
    assert "not a weft library (no weft_version_number)" in result.stderr


@pytest.mark.skipif(shutil.which("cc") is None, reason="no C compiler")
@pytest.mark.parametrize("number, message", [
    (10100, "version 1.1.0, but this binding needs 0.x.y at least 0.1.0"),
    (99, "version 0.0.99, but this binding needs 0.x.y at least 0.1.0"),
    (9901, "lacks a function this binding needs"),
])
def test_mismatched_library(tmp_path, number, message):
    source = tmp_path / "fake.c"
    source.write_text(f"unsigned weft_version_number(void) {{ return {number}; }}\n")
    library = tmp_path / "libweft.so"
    subprocess.run(["cc", "-shared", "-fPIC", str(source), "-o", str(library)], check=True)
    result = import_with(library)
    assert result.returncode == 1
    assert f"WEFT_LIBRARY: {library}: {message}" in result.stderr
