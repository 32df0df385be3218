"""What a program using weft prints and how it ends: uncaught exceptions in threads, and the
exit-time wait for non-daemon threads (each case in its own interpreter)."""

import re
import time

import pytest

from helpers import run_python

FAILING_THREAD = """
    import {module} as threading

    def work():
        raise ValueError("boom")

    t = threading.Thread(target=work, name="bad worker")
    t.start()
    t.join()
    print("main continues")
"""


def traceback_shape(stderr):
    """The traceback without file names and line numbers, which differ between implementations."""
    lines = [line for line in stderr.splitlines() if not line.startswith("    ")]
    return [re.sub(r'File ".*", line \d+, ', "File ..., ", line) for line in lines]


def test_uncaught_exception_is_printed_as_cpython_prints_it():
    ours = run_python(FAILING_THREAD.format(module="weft"))
    theirs = run_python(FAILING_THREAD.format(module="threading"))
    assert ours.returncode == theirs.returncode == 0
    assert ours.stdout == theirs.stdout == "main continues\n"
    assert ours.stderr.startswith("Exception in thread bad worker:\nTraceback (most recent call last):\n")
    assert ours.stderr.endswith("ValueError: boom\n")
    assert traceback_shape(ours.stderr) == traceback_shape(theirs.stderr)


def test_system_exit_in_a_thread_is_silent():
    result = run_python("""
        import sys, weft
        t = weft.Thread(target=sys.exit, args=(3,))
        t.start()
        t.join()
        print("still here")
    """)
    assert (result.returncode, result.stdout, result.stderr) == (0, "still here\n", "")


def test_non_daemon_threads_are_waited_for_at_exit():
    # The thread can only finish after the main thread has finished its script.
    result = run_python("""
        import weft
        lock = weft.Lock()
        lock.acquire()

        def work():
            lock.acquire()
            print("thread finishes after main", flush=True)

        weft.Thread(target=work).start()
        print("main done", flush=True)
        lock.release()
    """)
    assert (result.returncode, result.stderr) == (0, "")
    assert result.stdout == "main done\nthread finishes after main\n"


def test_waited_for_before_atexit_handlers_and_finalization():
    # Like CPython's threads, weft's are joined before atexit handlers run, while the thread
    # can still use every module.
    result = run_python("""
        import atexit, weft
        atexit.register(print, "atexit handler")
        lock = weft.Lock()
        lock.acquire()

        def work():
            lock.acquire()
            import json
            print(json.dumps("thread done"), flush=True)

        weft.Thread(target=work).start()
        lock.release()
    """)
    assert (result.returncode, result.stderr) == (0, "")
    assert result.stdout == '"thread done"\natexit handler\n'


def test_blocked_daemon_thread_is_abandoned():
    result = run_python("""
        import weft
        lock = weft.Lock()
        lock.acquire()
        weft.Thread(target=lock.acquire, daemon=True).start()
        print("main done")
    """)
    assert (result.returncode, result.stdout, result.stderr) == (0, "main done\n", "")


def test_daemon_thread_running_python_at_exit_is_abandoned_quietly():
    result = run_python("""
        import weft
        started = weft.Lock()
        started.acquire()

        def spin():
            started.release()
            while True:
                sum(range(100))

        weft.Thread(target=spin, daemon=True).start()
        started.acquire()
        print("main done")
    """)
    assert (result.returncode, result.stdout, result.stderr) == (0, "main done\n", "")


def test_pools_run_their_queued_tasks_at_exit_and_idle_ones_do_not_hold_it():
    result = run_python("""
        import weft, weft.futures
        idle = weft.futures.ThreadPoolExecutor(2)
        idle.submit(print, "idle pool's task", flush=True).result()
        busy = weft.futures.ThreadPoolExecutor(1)
        lock = weft.Lock()
        lock.acquire()
        busy.submit(lock.acquire)
        busy.submit(print, "queued task ran", flush=True)
        print("main done", flush=True)
        lock.release()
    """)
    assert (result.returncode, result.stderr) == (0, "")
    assert result.stdout == "idle pool's task\nmain done\nqueued task ran\n"


# CPython's test_threading.ThreadJoinOnShutdown tests 1 and 2, run with weft: threading._shutdown
# marks the main thread stopped before it waits for the non-daemon threads, so a thread joining
# the main thread does not keep the interpreter from exiting.
JOIN_MAIN_ON_SHUTDOWN = """
    import sys, os, time
    import {module} as threading

    # a thread, which waits for the main program to terminate
    def joiningfunc(mainthread):
        mainthread.join({timeout})
        print('end of thread', mainthread.is_alive())
        # stdout is fully buffered because not a tty, we have to flush
        # before exit.
        sys.stdout.flush()
"""

JOIN_ON_SHUTDOWN = JOIN_MAIN_ON_SHUTDOWN + """
    t = threading.Thread(target=joiningfunc,
                         args=(threading.current_thread(),))
    t.start()
    time.sleep(0.1)
    print('end of main')
"""

JOIN_IN_FORKED_PROCESS = JOIN_MAIN_ON_SHUTDOWN + """
    childpid = os.fork()
    if childpid != 0:
        # parent process
        _, status = os.waitpid(childpid, 0)
        sys.exit(os.waitstatus_to_exitcode(status))

    # child process (a hang ends with SIGALRM rather than outliving the test)
    import signal
    signal.alarm(12)
    t = threading.Thread(target=joiningfunc,
                         args=(threading.current_thread(),))
    t.start()
    print('end of main')
"""


@pytest.mark.parametrize("script", [JOIN_ON_SHUTDOWN, JOIN_IN_FORKED_PROCESS],
                         ids=["join_on_shutdown", "join_in_forked_process"])
@pytest.mark.parametrize("timeout", ["", "30"], ids=["forever", "timeout"])
def test_thread_joining_the_main_thread_does_not_hold_the_exit(script, timeout):
    # Before the fix, the join kept the process alive for ever (or for its timeout).
    for module in "threading", "weft":
        start = time.monotonic()
        result = run_python(script.format(module=module, timeout=timeout), time_limit=15)
        assert (module, result.returncode, result.stderr) == (module, 0, "")
        assert result.stdout == "end of main\nend of thread False\n"
        assert time.monotonic() - start < 10
