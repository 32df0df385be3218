"""Running Python programs that use weft in a subprocess (for exit, signal and output checks)."""

import subprocess
import sys
import textwrap

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
