"""Ctrl-C (SIGINT) interrupts the main thread's blocking calls with KeyboardInterrupt, as in
CPython, without polling: the main thread sleeps until the signal comes. Each case runs in its
own interpreter, which prints "ready" and then blocks; the signal is sent once its main thread
is asleep."""

import os
import signal
import subprocess
import sys
import textwrap
import time

import pytest

from helpers import run_python, start_python, TIME_LIMIT

SETUP = """
    import weft
    lock = weft.Lock()
    lock.acquire()
    rlock = weft.RLock()
    holder = weft.Thread(target=rlock.acquire, daemon=True)
    holder.start()
    holder.join()
    blocked = weft.Thread(target=lock.acquire, daemon=True)
    blocked.start()
    condition = weft.Condition()
    event = weft.Event()
    semaphore = weft.Semaphore(0)
    import weft.queue
    q = weft.queue.Queue()
    full = weft.queue.Queue(1)
    full.put(None)
    barrier = weft.Barrier(2)
    import weft.futures
    pool = weft.futures.ThreadPoolExecutor(1)
    future = pool.submit(event.wait)
    busy = weft.futures.ThreadPoolExecutor(1)
    busy.submit(event.wait)
"""

CALLS = {
    "Lock.acquire": "lock.acquire()",
    "Lock.acquire with a timeout": "lock.acquire(timeout=60)",
    "RLock.acquire": "rlock.acquire()",
    "Thread.join": "blocked.join()",
    "Thread.join with a timeout": "blocked.join(60)",
    "Condition.wait": "condition.acquire(); condition.wait()",
    "Event.wait": "event.wait()",
    "Event.wait with a timeout": "event.wait(60)",
    "Semaphore.acquire": "semaphore.acquire()",
    "Queue.get": "q.get()",
    "Queue.get with a timeout": "q.get(timeout=60)",
    "Queue.put": "full.put(1)",
    "Queue.join": "full.join()",
    "Barrier.wait": "barrier.wait()",
    "Future.result": "future.result()",
    "Future.exception": "future.exception()",
    "futures.wait": "weft.futures.wait([future])",
    "futures.as_completed": "next(weft.futures.as_completed([future]))",
    "ThreadPoolExecutor.shutdown": "busy.shutdown(wait=True)",
    "wait_any": "weft.wait_any([q, event, future])",
}


def wait_until_asleep(pid):
    """Waits until the process's main thread is sleeping (blocked) rather than running."""
    deadline = time.monotonic() + TIME_LIMIT
    while time.monotonic() < deadline:
        with open(f"/proc/{pid}/stat") as f:
            state = f.read().rpartition(")")[2].split()[0]
        if state == "S":
            return
        time.sleep(0.01)
    raise AssertionError("the program never blocked")


@pytest.mark.parametrize("call", CALLS.values(), ids=list(CALLS))
def test_sigint_interrupts_a_wait_in_the_main_thread(call):
    # The main thread also sleeps while it waits for the GIL, which the other threads take on
    # their way into their own waits: a SIGINT that lands then is raised before the call. The
    # program says "early" and asks for another. (An alarm ends a program that hangs.)
    program = start_python(SETUP + f"""
    import signal
    signal.alarm({TIME_LIMIT})
    while True:
        in_call = False
        try:
            print("ready", flush=True)
            in_call = True
            {call}
        except KeyboardInterrupt:
            print("KeyboardInterrupt" if in_call else "early", flush=True)
            if in_call:
                break
    event.set()  # lets the pool's task end, so that the exit does not wait for ever
    """)
    try:
        for _ in range(20):
            assert program.stdout.readline() == "ready\n"
            wait_until_asleep(program.pid)
            os.kill(program.pid, signal.SIGINT)
            said = program.stdout.readline()
            if said != "early\n":
                break
        out, err = program.communicate(timeout=TIME_LIMIT)
    finally:
        program.kill()
    assert (program.returncode, said + out, err) == (0, "KeyboardInterrupt\n", "")


def voluntary_switches(pid):
    """How often the process's main thread has gone to sleep so far."""
    with open(f"/proc/{pid}/task/{pid}/status") as f:
        for line in f:
            if line.startswith("voluntary_ctxt_switches:"):
                return int(line.split()[1])
    raise AssertionError("no voluntary_ctxt_switches")


def test_the_main_thread_sleeps_until_the_signal_comes():
    # Regression: the main thread waited in 50 ms slices, waking up 20 times a second to look
    # for signals. Now it sleeps in one wait, which the signal ends.
    program = start_python(SETUP + f"""
    import signal
    signal.alarm({TIME_LIMIT})
    print("ready", flush=True)
    try:
        event.wait()
    except KeyboardInterrupt:
        print("KeyboardInterrupt", flush=True)
    event.set()
    """)
    try:
        assert program.stdout.readline() == "ready\n"
        wait_until_asleep(program.pid)
        before = voluntary_switches(program.pid)
        time.sleep(0.5)  # a window to count wake-ups in, not an ordering
        woke = voluntary_switches(program.pid) - before
        os.kill(program.pid, signal.SIGINT)
        out, err = program.communicate(timeout=TIME_LIMIT)
    finally:
        program.kill()
    assert (program.returncode, out, err) == (0, "KeyboardInterrupt\n", "")
    assert woke <= 1, f"the main thread woke {woke} times in 0.5 s"


def test_a_handler_that_does_not_raise_lets_the_wait_go_on():
    # CPython's semantics: the handler runs in the main thread during the wait, which then goes
    # on; here the second signal's handler sets the event the wait is for.
    program = start_python("""
    import signal
    import weft
    event = weft.Event()
    calls = []

    def handler(signum, frame):
        calls.append(signum)
        print("handled", flush=True)
        if len(calls) == 2:
            event.set()

    signal.signal(signal.SIGUSR1, handler)
    print("ready", flush=True)
    print(event.wait(), len(calls), flush=True)
    """)
    try:
        assert program.stdout.readline() == "ready\n"
        for _ in range(2):
            wait_until_asleep(program.pid)
            os.kill(program.pid, signal.SIGUSR1)
            assert program.stdout.readline() == "handled\n"
        # Read here, not by communicate(), which would miss what readline() already buffered.
        said = program.stdout.readline()
        out, err = program.communicate(timeout=TIME_LIMIT)
    finally:
        program.kill()
    assert (program.returncode, said + out, err) == (0, "True 2\n", "")


def test_a_barrier_wait_interrupted_breaks_the_barrier():
    # As in CPython, where an exception in Barrier.wait breaks the barrier for the others.
    program = start_python(f"""
    import signal
    import weft
    signal.alarm({TIME_LIMIT})
    barrier = weft.Barrier(3)
    other = []
    def wait():
        try:
            barrier.wait()
        except weft.BrokenBarrierError:
            other.append("broken")
    t = weft.Thread(target=wait)
    t.start()
    while barrier.n_waiting < 1:
        pass
    print("ready", flush=True)
    try:
        barrier.wait()
    except KeyboardInterrupt:
        t.join()
        print(barrier.broken, other, flush=True)
    """)
    try:
        assert program.stdout.readline() == "ready\n"
        wait_until_asleep(program.pid)
        os.kill(program.pid, signal.SIGINT)
        out, err = program.communicate(timeout=TIME_LIMIT)
    finally:
        program.kill()
    assert (program.returncode, out, err) == (0, "True ['broken']\n", "")


def test_a_program_that_never_blocks_in_the_main_thread_stays_single_threaded():
    # Regression: importing weft started the signal watcher, so every program using weft was
    # multi-threaded, and fork() said so (a DeprecationWarning from Python 3.12). The watcher
    # now starts when the main thread first waits, or starts threads.
    result = run_python("""
    import os
    import weft, weft.queue, weft.futures
    lock = weft.Lock()
    with lock:
        pass
    rlock = weft.RLock()
    with rlock, rlock:
        pass
    semaphore = weft.BoundedSemaphore(1)
    with semaphore:
        pass
    event = weft.Event()
    event.set()
    condition = weft.Condition()
    with condition:
        condition.notify_all()
    for q in weft.queue.Queue(), weft.queue.LifoQueue(), weft.queue.SimpleQueue():
        q.put(1)
        q.get()
    barrier = weft.Barrier(2)
    future = weft.futures.Future()
    future.set_result(1)
    local = weft.local()
    local.x = future.result()
    print(len(os.listdir("/proc/self/task")), flush=True)
    pid = os.fork()
    if pid == 0:
        os._exit(0)
    print(os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1]))
    """)
    assert (result.returncode, result.stdout, result.stderr) == (0, "1\n0\n", "")


def test_sigint_interrupts_the_exit_waiting_for_threads_of_a_main_that_never_waited():
    # The main thread only starts a thread, whose end the exit waits for. Python 3.12 starts no
    # thread at its exit, so the watcher must be running by then (Thread.start starts it).
    program = subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(f"""
    import signal, sys
    import weft
    signal.alarm({TIME_LIMIT})
    weft.Thread(target=sys.stdin.read).start()
    print("ready", flush=True)
    """)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert program.stdout.readline() == "ready\n"
        wait_until_asleep(program.pid)
        os.kill(program.pid, signal.SIGINT)
        said = []
        for line in program.stderr:
            said.append(line)
            if line.startswith("KeyboardInterrupt"):
                break
        # The thread still reads: the program ends without it, as CPython's does.
        said.append(program.stderr.read())
        program.wait(timeout=TIME_LIMIT)
    finally:
        program.kill()
    said = "".join(said)
    # As CPython's exit says it: KeyboardInterrupt in threading._shutdown, status 0.
    assert (program.returncode, "_shutdown" in said, "\nKeyboardInterrupt" in said) == (
        0, True, True), said


def test_an_exit_waiting_for_threads_started_elsewhere_than_in_main_waits_for_them():
    # Neither started nor waited on by the main thread: the exit waits for the weft thread a
    # CPython thread started (on Python 3.12, where no watcher can start at the exit, with no
    # way to interrupt that wait, and no error).
    result = run_python("""
    import threading
    import weft

    # Set by the exit just before it waits: the thread cannot end (it needs the GIL) before the
    # wait has started.
    exiting = weft.Event()
    weft._register_atexit(exiting.set)

    def last():
        exiting.wait()
        print("last thread", flush=True)

    starter = threading.Thread(target=lambda: weft.Thread(target=last).start())
    starter.start()
    starter.join()
    print("end of main", flush=True)
    """)
    assert (result.returncode, result.stdout, result.stderr) == (
        0, "end of main\nlast thread\n", "")
