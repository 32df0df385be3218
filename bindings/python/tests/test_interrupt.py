"""Ctrl-C (SIGINT) interrupts the main thread's blocking calls with KeyboardInterrupt, as in
CPython, without polling: the main thread sleeps until the signal comes. Each case runs in its
own interpreter, which prints "ready" and then blocks; the signal is sent once its main thread
is asleep."""

import os
import signal
import time

import pytest

from helpers import start_python, TIME_LIMIT

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
