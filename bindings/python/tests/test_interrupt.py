"""Ctrl-C (SIGINT) interrupts the main thread's blocking calls with KeyboardInterrupt, as in
CPython. Each case runs in its own interpreter, which prints "ready" and then blocks; the signal
is sent once its main thread is asleep."""

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
    import weft.futures
    pool = weft.futures.ThreadPoolExecutor(1)
    future = pool.submit(event.wait)
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
    "Future.result": "future.result()",
    "futures.wait": "weft.futures.wait([future])",
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
