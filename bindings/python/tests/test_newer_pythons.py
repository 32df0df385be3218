"""The names CPython 3.12 to 3.14 added, present in weft from the same version as in the running
Python (issue 15, item 12). The gated tests run with an interpreter of that version."""

import contextvars
import queue
import sys
import threading

import pytest

import weft
import weft.futures
import weft.queue


def test_weft_has_the_names_the_running_python_has():
    for name in ("settrace_all_threads", "setprofile_all_threads"):
        assert hasattr(weft, name) == hasattr(threading, name), name
    assert hasattr(weft.RLock(), "locked") == hasattr(threading.RLock(), "locked")
    # On 3.13+ weft's ShutDown is the stdlib's.
    assert getattr(queue, "ShutDown", weft.queue.ShutDown) is weft.queue.ShutDown


@pytest.mark.skipif(sys.version_info < (3, 13), reason="queue.ShutDown is 3.13's")
def test_except_queue_shutdown_catches_weft_s():
    q = weft.queue.Queue()
    q.shutdown()
    with pytest.raises(queue.ShutDown):
        q.put(1)


@pytest.mark.skipif(sys.version_info < (3, 14), reason="RLock.locked is 3.14's")
def test_rlock_locked():
    lock = weft.RLock()
    assert not lock.locked()
    with lock:
        assert lock.locked()


@pytest.mark.skipif(sys.version_info < (3, 12), reason="3.12's")
@pytest.mark.parametrize("which", ["trace", "profile"])
def test_hooks_for_all_threads_reach_running_threads(which):
    calls = []
    go, done = weft.Event(), weft.Event()

    def hook(frame, event, arg):
        if frame.f_code.co_name == "marker":
            calls.append(event)
        return hook if which == "trace" else None

    def marker():
        pass

    def body():
        go.wait()
        marker()
        done.set()

    t = weft.Thread(target=body)
    t.start()  # running before the hook is set
    getattr(weft, f"set{which}_all_threads")(hook)
    try:
        assert getattr(weft, f"get{which}")() is hook
        go.set()
        done.wait(10)
        t.join()
    finally:
        getattr(weft, f"set{which}_all_threads")(None)
    assert "call" in calls


VAR = contextvars.ContextVar("VAR", default="unset")


def value_in_thread(**kwargs):
    seen = []
    t = weft.Thread(target=lambda: seen.append(VAR.get()), **kwargs)
    t.start()
    t.join()
    return seen[0]


def test_a_thread_starts_with_an_empty_context():
    token = VAR.set("caller")
    try:
        inherit = getattr(sys.flags, "thread_inherit_context", False)
        assert value_in_thread() == ("caller" if inherit else "unset")
    finally:
        VAR.reset(token)


@pytest.mark.skipif(sys.version_info >= (3, 14), reason="before 3.14")
def test_no_context_argument_before_3_14():
    with pytest.raises(TypeError):
        weft.Thread(context=contextvars.Context())


@pytest.mark.skipif(sys.version_info < (3, 14), reason="Thread(context=) is 3.14's")
def test_thread_context():
    token = VAR.set("caller")
    try:
        assert value_in_thread(context=contextvars.copy_context()) == "caller"
        assert value_in_thread(context=contextvars.Context()) == "unset"
    finally:
        VAR.reset(token)


@pytest.mark.skipif(sys.version_info < (3, 14), reason="Executor.map(buffersize=) is 3.14's")
def test_map_buffersize():
    with weft.futures.ThreadPoolExecutor(2) as pool:
        assert list(pool.map(lambda x: x * 2, range(10), buffersize=2)) == list(range(0, 20, 2))
