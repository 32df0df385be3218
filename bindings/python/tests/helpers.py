"""Running Python programs that use weft in a subprocess (for exit, signal and output checks),
and running CPython's own test modules against weft."""

import subprocess
import sys
import textwrap
import unittest

# A program that hangs is killed and reported after this long.
TIME_LIMIT = 60


def run_python(source, *args, time_limit=TIME_LIMIT, **kwargs):
    """Runs ``source`` (dedented) with this interpreter, killed (TimeoutExpired) after
    ``time_limit`` seconds; returns the CompletedProcess."""
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(source), *args],
        capture_output=True, text=True, timeout=time_limit, **kwargs)


def start_python(source):
    """Starts ``source`` with pipes for stdout and stderr; returns the Popen."""
    return subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(source)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def cpython_test_module(name, threading=None):
    """A copy of CPython's test module ``Lib/test/<name>.py`` of this Python version, loaded as
    ``test._weft_<name>`` (apart from the stdlib's own run): the running Python's, else
    Debian's ``libpython3.X-testsuite`` one (pyenv's and some distributions' Pythons lack some
    tests); the calling test module is skipped if neither has it. With ``threading``, the
    module imports that module as ``threading`` (and so subclasses its Thread)."""
    import importlib.util
    from pathlib import Path

    import pytest

    found = importlib.util.find_spec("test." + name)
    version = "%d.%d" % sys.version_info[:2]
    path = Path(found.origin) if found else Path(f"/usr/lib/python{version}/test/{name}.py")
    if path.name == "__init__.py":
        pytest.skip(f"test.{name} is a package in Python {version}; this file runs the module "
                    f"of Python 3.11", allow_module_level=True)
    if not path.is_file():
        pytest.skip(f"no test.{name} for Python {version} (on Debian, install "
                    f"libpython{version}-testsuite; ci/install-deps.sh does)",
                    allow_module_level=True)
    # The test helpers keep CPython's threading (for its private state they read).
    import test.lock_tests  # noqa: F401
    import test.support.script_helper  # noqa: F401
    import test.support.threading_helper  # noqa: F401
    spec = importlib.util.spec_from_file_location("test._weft_" + name, path)
    module = importlib.util.module_from_spec(spec)
    saved = sys.modules["threading"]
    sys.modules["threading"] = threading or saved
    try:
        spec.loader.exec_module(module)
    finally:
        sys.modules["threading"] = saved
    return module


def skipped(reasons):
    """A class decorator: each test named in ``reasons`` is skipped with its reason (a name
    this Python's version of the tests lacks is ignored)."""
    def skip(cls):
        for name, reason in reasons.items():
            if hasattr(cls, name):
                setattr(cls, name, unittest.skip(reason)(getattr(cls, name)))
        return cls
    return skip
