"""fork() from a thread other than the main thread: in the child, the forking thread is the main
thread, as CPython's threading._after_fork() makes it (issue 15, item 4)."""

import os
import sys

import pytest

from helpers import run_python

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork()")

CHILD_CHECKS = """
    import os, signal, sys, threading, time
    import weft

    def checks():
        me = weft.current_thread()
        problems = []
        if weft.main_thread() is not me:
            problems.append(f"main_thread() is {weft.main_thread()!r}, not {me!r}")
        if weft.enumerate() != [me]:
            problems.append(f"enumerate() is {weft.enumerate()!r}")
        if weft.active_count() != 1:
            problems.append(f"active_count() is {weft.active_count()}")
        if not me.is_alive():
            problems.append("the forking thread is not alive")
        if parent_main.is_alive():
            problems.append("the parent's main thread is alive")
        # CPython's test_3_join_in_forked_from_thread: the parent's main thread is stopped.
        start = time.monotonic()
        parent_main.join(5)
        if time.monotonic() - start > 4:
            problems.append("joining the parent's main thread waited")
        # The child's main thread gets the signals, and its waits are cut into slices so
        # that a handler runs (here SIGALRM raises out of a wait with no timeout).
        def alarm(*args):
            raise TimeoutError("alarm")
        signal.signal(signal.SIGALRM, alarm)
        signal.setitimer(signal.ITIMER_REAL, 0.2)
        start = time.monotonic()
        try:
            weft.Event().wait(5)
        except TimeoutError:
            pass
        if time.monotonic() - start > 4:
            problems.append("SIGALRM did not interrupt a wait")
        return problems

    def fork_and_check():
        pid = os.fork()
        if pid == 0:
            problems = checks()
            print("\\n".join(problems), flush=True)
            os._exit(1 if problems else 0)
        _, status = os.waitpid(pid, 0)
        result.append(os.waitstatus_to_exitcode(status))

    parent_main = weft.main_thread()
    result = []
    t = KIND(target=fork_and_check)
    t.start()
    t.join()
    sys.exit(result[0])
"""


@pytest.mark.parametrize("kind", ["weft.Thread", "threading.Thread"])
def test_the_forking_thread_is_the_main_thread_in_the_child(kind):
    # Before the fix, main_thread() in the child was the parent's MainThread (stopped), the
    # forking thread was not main_thread(), and joining the parent's main thread hung.
    result = run_python(CHILD_CHECKS.replace("KIND", kind), time_limit=30)
    assert result.returncode == 0, result.stdout + result.stderr


def test_a_fork_from_the_main_thread_keeps_it():
    result = run_python("""
        import os, weft
        main = weft.main_thread()
        pid = os.fork()
        if pid == 0:
            ok = weft.main_thread() is main is weft.current_thread() and main.is_alive()
            os._exit(0 if ok and weft.enumerate() == [main] else 1)
        _, status = os.waitpid(pid, 0)
        raise SystemExit(os.waitstatus_to_exitcode(status))
    """, time_limit=30)
    assert result.returncode == 0, result.stdout + result.stderr


def test_a_child_forked_from_a_weft_thread_exits_when_that_thread_returns():
    # As CPython's test_main_thread_after_fork_from_nonmain_thread: the child does not leave
    # with os._exit(); its only thread returns, and with it the process. It hung (weft's exit
    # hook deadlocked on the registry's lock; seen on 3.13): SIGALRM ends it then.
    result = run_python("""
        import os, signal, weft

        def fork():
            pid = os.fork()
            if pid == 0:
                signal.alarm(10)
                print("child", flush=True)
                return
            _, status = os.waitpid(pid, 0)
            print("exit code", os.waitstatus_to_exitcode(status))

        t = weft.Thread(target=fork)
        t.start()
        t.join()
    """, time_limit=30)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout == "child\nexit code 0\n", result.stderr


def test_cpython_s_after_fork_handles_weft_threads():
    # CPython's threading._after_fork() calls _after_fork() (3.13; _reset_internal_locks() and
    # _stop() before) on every thread in its _active, where weft's threads are too. On 3.13 the
    # child printed "AttributeError: 'Thread' object has no attribute '_after_fork'" (and
    # CPython's threading state there was left half reset).
    result = run_python("""
        import os, warnings, weft
        warnings.simplefilter("ignore", DeprecationWarning)  # 3.12+: fork() with threads

        gate = weft.Event()
        t = weft.Thread(target=gate.wait)
        t.start()
        pid = os.fork()
        if pid == 0:
            os._exit(0)
        _, status = os.waitpid(pid, 0)
        gate.set()
        t.join()
        raise SystemExit(os.waitstatus_to_exitcode(status))
    """, time_limit=30)
    assert (result.returncode, result.stderr) == (0, "")


@pytest.mark.parametrize("asked_before", [False, True])
def test_a_fork_from_a_foreign_thread_makes_it_a_main_thread(asked_before):
    # The public part of CPython 3.13's test_main_thread_after_fork_from_foreign_thread and
    # _dummy_thread (which read threading._active and _dangling too). main_thread() was a
    # _DummyThread; after a current_thread() before the fork, the finished stand-in Dummy-1,
    # not alive and not in enumerate().
    result = run_python(f"""
        import os, _thread, warnings, weft
        warnings.simplefilter("ignore", DeprecationWarning)  # 3.12+: fork() with threads

        def fork(done):
            if {asked_before}:
                assert type(weft.current_thread()).__name__ == "_DummyThread"
            pid = os.fork()
            if pid == 0:
                main = weft.main_thread()
                print(type(main).__name__, main.name, main.is_alive(),
                      main.ident == weft.get_ident(), weft.current_thread() is main,
                      weft.enumerate() == [main], flush=True)
                os._exit(0)
            os.waitpid(pid, 0)
            done.release()

        done = _thread.allocate_lock()
        done.acquire()
        _thread.start_new_thread(fork, (done,))
        done.acquire()
    """, time_limit=30)
    assert result.stdout == "_MainThread MainThread True True True True\n", result.stderr
