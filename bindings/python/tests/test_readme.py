"""The README's example of sharing a weft Lock with C compiles and prints what it says."""

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from conftest import PACKAGE_ROOT, REPOSITORY
from helpers import run_python

README = (PACKAGE_ROOT / "README.md").read_text()


def block(language, containing):
    (code,) = [c for c in re.findall(rf"```{language}\n(.*?)```", README, re.S) if containing in c]
    return code


@pytest.mark.skipif(shutil.which("cc") is None, reason="no C compiler")
def test_sharing_a_lock_with_c(tmp_path):
    (tmp_path / "shared.c").write_text(block("c", "keep_lock"))
    library = Path(os.environ["WEFT_LIBRARY"]).parent
    subprocess.run(
        ["cc", "-shared", "-fPIC", "-Wall", "-Werror", "shared.c", "-o", "libshared.so",
         "-I", str(REPOSITORY / "include"), "-L", str(library), f"-Wl,-rpath,{library}",
         "-lweft"],
        cwd=tmp_path, check=True)
    result = run_python(block("python", "libshared.so"), cwd=tmp_path)
    assert (result.returncode, result.stderr) == (0, "")
    assert result.stdout == "0\n1\n"


def test_first_example():
    result = run_python(block("python", "import weft as threading"))
    assert (result.returncode, result.stdout, result.stderr) == (0, "4000\n", "")
