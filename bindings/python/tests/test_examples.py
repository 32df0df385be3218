"""Every tutorial example in bindings/python/examples/ (ids and checks listed in
c-tests/examples/README.md) runs as its own program and shows what its tutorial shows.

Python 3's print() writes each argument, separator and line end separately, so lines printed by
several threads at once can interleave inside a line, with weft as with CPython. The checks
therefore count whole printed arguments, or compare the multiset of characters printed, rather
than whole lines, except where one thread prints. Log lines (on stderr) are written whole.
"""

import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from helpers import TIME_LIMIT

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


def run(example_id):
    result = subprocess.run(
        [sys.executable, "-W", "ignore::DeprecationWarning", str(EXAMPLES / f"{example_id}.py")],
        capture_output=True, text=True, timeout=TIME_LIMIT, cwd=EXAMPLES)
    return result


def same_chars(out, lines):
    """The output holds exactly these lines' characters (the lines may interleave)."""
    expected = "".join(line + "\n" for line in lines)
    assert Counter(out) == Counter(expected), f"expected the characters of {lines!r}"


def log_lines(err):
    return [line for line in err.splitlines() if not line.startswith(("  ", "/"))]


def check_effbot_counter(r):
    # Every worker's ten tasks, with the counter's values 1..100 each once.
    lines = "".join(f"Thread-{n} -- task {i} finished \n" for n in range(1, 11) for i in range(10))
    assert Counter(r.stdout) == Counter(lines + "".join(map(str, range(1, 101))))
    assert r.stdout.count("finished") == 100


def check_threading_simple(r):
    assert r.stdout.count("Worker") == 5
    same_chars(r.stdout, ["Worker"] * 5)


def check_threading_simpleargs(r):
    same_chars(r.stdout, [f"Worker: {i}" for i in range(5)])


def check_threading_names(r):
    names = ["worker", "Thread-1 (worker)", "my_service"]
    same_chars(r.stdout, [f"{n} {what}" for n in names for what in ("Starting", "Exiting")])
    assert r.stdout.count("Thread-1 (worker)") == 2


def check_threading_names_log(r):
    names = ["worker    ", "Thread-1 (worker)", "my_service"]
    expected = [f"[DEBUG] ({n}) {what}" for n in names for what in ("Starting", "Exiting")]
    assert Counter(log_lines(r.stderr)) == Counter(expected)


def check_threading_daemon(r):
    # The non-daemon thread's lines in full; of the daemon's first line, what it printed before
    # the process ended: print() writes "Starting:", " ", "daemon" and "\n" one by one, and on
    # a loaded machine the exit can come between any two (or before the daemon prints at all).
    non_daemon = Counter("Starting: non-daemon\nExiting : non-daemon\n")
    assert not non_daemon - Counter(r.stdout), r.stdout
    rest = Counter(r.stdout) - non_daemon
    pieces = ["Starting:", " ", "daemon", "\n"]
    assert any(rest == Counter("".join(pieces[:n])) for n in range(len(pieces) + 1)), r.stdout
    assert r.stdout.count("Exiting :") == 1


def check_threading_daemon_join(r):
    same_chars(r.stdout, ["Starting: daemon", "Starting: non-daemon", "Exiting : non-daemon",
                          "Exiting : daemon"])
    assert r.stdout.count("Exiting :") == 2


def check_threading_daemon_join_timeout(r):
    same_chars(r.stdout, ["Starting: daemon", "Starting: non-daemon", "Exiting : non-daemon",
                          "d.isAlive() True"])
    assert "d.isAlive()" in r.stdout and r.stdout.count("Exiting :") == 1


def check_threading_enumerate(r):
    names = [f"Thread-{i} (worker)" for i in (1, 2, 3)]
    for name in names:
        assert r.stdout.count(name) == 3  # Starting, Joining, Ending
    assert r.stdout.count("Joining :") == r.stdout.count("Ending :") == 3


def check_threading_subclass(r):
    same_chars(r.stdout, [f"MyThread: Thread-{i}" for i in range(1, 6)])
    for i in range(1, 6):
        assert f"Thread-{i}" in r.stdout


def check_threading_lock(r):
    lines = log_lines(r.stderr)
    assert lines[-1] == "(MainThread) Counter: 15"
    assert sum(line.endswith(") Acquired lock") for line in lines) == 15


def check_threading_lock_noblock(r):
    lines = log_lines(r.stderr)
    for n in (1, 2, 3):
        mine = [line for line in lines if f"(Thread-{n} (worker)) " in line]
        assert sum(line.endswith(": Acquired") for line in mine) == 3
        (done,) = [line for line in mine if " Done after " in line]
        tries = int(re.search(r"Done after (\d+) iterations", done).group(1))
        assert tries >= 3
        assert sum(" Iteration " in line for line in mine) == tries


def check_threading_lock_reacquire(r):
    assert r.stdout == "First try: True\nSecond try: False\n"


def check_threading_rlock(r):
    assert r.stdout == "First try: True\nSecond try: True\n"


def check_threading_lock_with(r):
    same_chars(r.stdout, ["Lock acquired via with", "Lock acquired directly"])
    assert "Lock acquired via with" in r.stdout and "Lock acquired directly" in r.stdout


def check_course_hello_threads(r):
    for i in (1, 2, 3):
        assert r.stdout.count(f"hello from thread Thread-{i} (func)") == 5
    assert r.stdout.count("\n") == 15


def check_course_mythread(r):
    assert r.stdout == "hello from Thread-1\n"


def check_course_race_condition(r):
    unlocked, locked = r.stdout.splitlines()
    assert locked == "with a lock: 101"
    assert 1 < int(unlocked.removeprefix("without a lock: ")) <= 101


def check_course_lock_f(r):
    for i in (1, 2, 3):
        assert r.stdout.count(f"Thread-{i} (f) got lock") == 1
    assert r.stdout.count("\n") == 3


def check_course_nonblocking(r):
    assert r.stdout == "couldn't get lock\ngot lock\n"


def check_notes_basics(r):
    assert r.stdout == "Hello threading!\n"
    assert r.stderr.endswith("\nRuntimeError: threads can only be started once\n")
    assert r.returncode == 1


def check_notes_sleepy(r):
    assert r.stdout == ("Hello form Thread\n"
                        "The main program continues to run in the foreground.\n")


def check_notes_sleeping_workers(r):
    sleeping = [r.stdout.index(f"sleeping 10 sec from thread {i}") for i in range(5)]
    finished = [r.stdout.index(f"finished sleeping from thread {i}") for i in range(5)]
    assert max(sleeping) < min(finished)
    assert r.stdout.count("\n") == 10


def check_notes_daemon(r):
    assert r.stdout == "main thread exits\n"


def check_notes_join_sequence(r):
    assert r.stdout.endswith("\nall threads joined\n")
    for line in ("foo done", "bar done", "main continues", "all threads joined"):
        assert r.stdout.count(line) == 1
    same_chars(r.stdout, ["foo done", "bar done", "main continues", "all threads joined"])


def check_threading_local(r):
    # The main thread's lines come before any thread starts; each worker sees no value first.
    assert r.stdout.startswith("MainThread : value= No value yet\nMainThread : value= 1000\n")
    assert r.stdout.count("No value yet") == 3
    for name in ("Thread-1 (worker)", "Thread-2 (worker)"):
        assert r.stdout.count(name) == 2
    assert r.stdout.count(": value=") == 6 and r.stdout.count("\n") == 6


def check_threading_local_defaults(r):
    # __init__ runs on the same object once per thread, which then sees 1000 first.
    inits = re.findall(r"\(Initializing (\d+) for (MainThread|Thread-\d \(worker\))\)", r.stdout)
    assert sorted(name for _, name in inits) == [
        "MainThread", "Thread-1 (worker)", "Thread-2 (worker)"]
    assert len({ident for ident, _ in inits}) == 1
    first = r.stdout.splitlines()[0]
    assert first == f"(Initializing {inits[0][0]} for MainThread) MainThread : value= 1000"
    assert len(re.findall(r"(?<!\d)1000(?!\d)", r.stdout)) == 3
    assert r.stdout.count("No value yet") == 0


def check_threading_timer(r):
    # t2 is cancelled before it fires; t1, not a daemon, runs after the main thread is done.
    assert r.stdout == ("Starting timers\nWaiting before canceling t2\nCanceling t2\n"
                        "Main thread done\nWorker running t1\n")


def check_threading_event(r):
    lines = [line.split(" ", 2)[2] for line in log_lines(r.stderr)]
    assert sorted(lines) == sorted([
        "(block     ) wait_for_event starting", "(non-block ) wait_for_event_timeout starting",
        "(MainThread) Waiting before calling Event.set()", "(non-block ) e.isSet()->False",
        "(MainThread) Event is set", "(block     ) e.isSet()->True"])
    assert lines.index("(non-block ) e.isSet()->False") < lines.index("(MainThread) Event is set")


def check_threading_condition(r):
    lines = [line.split(" ", 2)[2] for line in log_lines(r.stderr)]
    made = lines.index("(p ) Making resource available")
    assert sorted(lines[made + 1:]) == ["(c1) Resource is available to consumer",
                                        "(c2) Resource is available to consumer"]
    assert len(lines) == 6


def check_threading_semaphore(r):
    lines = log_lines(r.stderr)
    assert len(lines) == 20
    for line in lines:
        active = eval(line.split("Running: ", 1)[1])
        assert 1 <= len(active) <= 5, line


def check_nutshell_condition_loop(r):
    lines = r.stdout.splitlines()
    assert [line for line in lines if line.startswith("producer")] == [
        f"producer: state is now {n}" for n in (1, 2, 3)]
    seen = [tuple(map(int, re.findall(r"\d+", line))) for line in lines
            if line.startswith("consumer")]
    assert [wanted for wanted, _ in seen] == [1, 2, 3]
    assert all(state >= wanted for wanted, state in seen)


def check_notes_producer_consumer(r):
    # Every item is consumed once, after it was produced; join() returned after all of them.
    def position(text):
        (match,) = re.finditer(re.escape(text) + r"(?!\d)", r.stdout)
        return match.start()

    for value in (i * i for i in range(10)):
        assert position(f"produced {value}") < position(f"consumed {value}")
    assert r.stdout.endswith("\nall 10 items processed\n") and r.stdout.count("\n") == 21


def check_notes_echo_pool_queue(r):
    lines = r.stdout.splitlines()
    assert lines[0] == "Echo server running at 127.0.0.1"
    assert lines[1:-1] == [f"client {i} got back: hello from client {i}" for i in range(8)]
    assert lines[-1] == "Echo server shut down"


check_notes_echo_pool_executor = check_notes_echo_pool_queue


CHECKS = {name.removeprefix("check_"): check
          for name, check in globals().items() if name.startswith("check_")}
# Ids with a failure as their point exit with status 1; all others with 0.
EXIT_STATUS = {"notes_basics": 1}


def test_every_example_has_a_check():
    # Modules named _*.py are helpers the examples share, not examples.
    examples = {path.stem for path in EXAMPLES.glob("[!_]*.py")}
    assert examples == set(CHECKS)


@pytest.mark.parametrize("example_id", sorted(CHECKS))
def test_example(example_id):
    result = run(example_id)
    assert result.returncode == EXIT_STATUS.get(example_id, 0), result.stderr
    if example_id not in EXIT_STATUS:
        # Warnings are off; nothing else may reach stderr but log lines.
        assert all(line.startswith(("[", "(", "2")) for line in result.stderr.splitlines()), \
            result.stderr
    CHECKS[example_id](result)
