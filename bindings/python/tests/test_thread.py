"""weft.Thread and the module-level functions, against CPython 3.11's threading behaviour."""

import logging
import re
import sys
import threading
import _thread

import pytest

import weft
from weft import _capi


def run_in_thread(func, **kwargs):
    """Runs func in a weft thread, returns what it returned (re-raising what it raised)."""
    result = {}

    def body():
        try:
            result["value"] = func()
        except BaseException as e:  # noqa: B902 - handed back to the caller
            result["error"] = e

    t = weft.Thread(target=body, **kwargs)
    t.start()
    t.join()
    if "error" in result:
        raise result["error"]
    return result["value"]


def test_target_args_kwargs():
    seen = []
    t = weft.Thread(target=lambda *a, **k: seen.append((a, k)), args=(1, 2), kwargs={"x": 3})
    t.start()
    t.join()
    assert seen == [((1, 2), {"x": 3})]
    assert not hasattr(t, "_target")  # run() drops its references, as CPython's does


def test_subclass_run():
    class Worker(weft.Thread):
        def __init__(self, box):
            super().__init__()
            self.box = box

        def run(self):
            self.box.append(weft.current_thread())

    box = []
    w = Worker(box)
    w.start()
    w.join()
    assert box == [w]


def test_default_names():
    def work():
        pass

    numbers = []
    for t in (weft.Thread(target=work), weft.Thread(), weft.Thread(target=work)):
        match = re.fullmatch(r"Thread-(\d+)( \(work\))?", t.name)
        assert match, t.name
        assert bool(match.group(2)) == (t._target is not None)
        numbers.append(int(match.group(1)))
    assert numbers == sorted(numbers) and len(set(numbers)) == 3
    assert weft.Thread(target=work, name="").name.endswith(" (work)")


def test_name_is_shared_with_threading_and_logging():
    records = []
    handler = logging.Handler()
    handler.emit = lambda record: records.append(record.threadName)
    log = logging.getLogger("weft-test-names")
    log.addHandler(handler)
    log.setLevel(logging.DEBUG)
    try:
        def body():
            me = weft.current_thread()
            log.debug("hello")
            me.name = "renamed"
            log.debug("again")
            return me, threading.current_thread(), threading.current_thread().name

        me, theirs, their_name = run_in_thread(body, name=42)
    finally:
        log.removeHandler(handler)
    assert theirs is me
    assert their_name == "renamed" == me.name
    assert records == ["42", "renamed"]
    assert threading.current_thread() is threading.main_thread()


def test_current_thread_and_main_thread():
    main = weft.main_thread()
    assert weft.current_thread() is main
    assert main.name == "MainThread"
    assert not main.daemon
    assert main.is_alive()
    assert main.ident == threading.get_ident() == weft.get_ident()
    assert main.native_id == threading.get_native_id() == weft.get_native_id()
    assert run_in_thread(weft.main_thread) is main
    with pytest.raises(RuntimeError, match="cannot join current thread"):
        main.join()


def test_thread_not_started_by_weft():
    # A thread CPython started: weft gives it a daemon stand-in, Dummy-N, the same one each time.
    seen = []
    done = threading.Event()

    def body():
        seen.extend([weft.current_thread(), weft.current_thread()])
        seen.append(seen[0] in weft.enumerate())
        done.set()

    _thread.start_new_thread(body, ())
    done.wait()
    dummy, again, listed = seen
    assert dummy is again
    assert re.fullmatch(r"Dummy-\d+", dummy.name)
    assert dummy.daemon
    assert listed


def test_daemon_flag():
    assert not weft.Thread().daemon
    assert weft.Thread(daemon=True).daemon
    # Inherited from the creating thread.
    assert run_in_thread(lambda: weft.Thread().daemon, daemon=True)
    assert not run_in_thread(lambda: weft.Thread().daemon, daemon=False)
    # A thread CPython started passes on its own flag, as it does in CPython.
    made = []
    t = threading.Thread(target=lambda: made.append(weft.Thread()), daemon=False)
    t.start()
    t.join()
    assert not made[0].daemon


def test_lifecycle_errors_and_states():
    lock = weft.Lock()
    lock.acquire()
    t = weft.Thread(target=lock.acquire, name="holder")
    assert t.ident is None and t.native_id is None and not t.is_alive()
    assert repr(t) == "<Thread(holder, initial)>"
    with pytest.raises(RuntimeError, match="cannot join thread before it is started"):
        t.join()
    t.start()
    with pytest.raises(RuntimeError, match="threads can only be started once"):
        t.start()
    with pytest.raises(RuntimeError, match="cannot set daemon status of active thread"):
        t.daemon = True
    t.join(0.01)
    assert t.is_alive()
    t.join(-5)  # a negative timeout acts as 0
    assert t.is_alive()
    assert repr(t) == f"<Thread(holder, started {t.ident})>"
    assert t in weft.enumerate()
    assert weft.active_count() == len(weft.enumerate())
    lock.release()
    t.join()
    assert not t.is_alive()
    assert repr(t) == f"<Thread(holder, stopped {t.ident})>"
    assert t not in weft.enumerate()
    with pytest.raises(OverflowError):
        t.join(1e100)
    with pytest.raises(TypeError):
        t.join("1")


def test_join_current_thread():
    def body():
        with pytest.raises(RuntimeError, match="cannot join current thread"):
            weft.current_thread().join()

    run_in_thread(body)


def test_idents():
    t = weft.Thread(target=lambda: ids.append((weft.get_ident(), weft.get_native_id())))
    ids = []
    t.start()
    t.join()
    assert ids == [(t.ident, t.native_id)]
    assert weft.get_ident() == _thread.get_ident()


def test_uninitialized_subclass():
    class Bad(weft.Thread):
        def __init__(self):
            pass

    with pytest.raises(RuntimeError, match=r"thread.__init__\(\) not called"):
        Bad().start()
    with pytest.raises(RuntimeError, match=r"Thread.__init__\(\) not called"):
        Bad().join()
    with pytest.raises(RuntimeError, match=r"Thread.__init__\(\) not called"):
        Bad().daemon = True


def test_excepthook_receives_exceptions(monkeypatch):
    seen = []
    monkeypatch.setattr(weft, "excepthook", seen.append)
    t = weft.Thread(target=lambda: 1 / 0, name="bad")
    t.start()
    t.join()
    (args,) = seen
    assert args.exc_type is ZeroDivisionError
    assert isinstance(args.exc_value, ZeroDivisionError)
    assert args.exc_traceback is not None
    assert args.thread is t
    assert weft.ExceptHookArgs is threading.ExceptHookArgs
    # weft's original hook, which passes exceptions on to threading.excepthook (see
    # test_excepthook.py).
    assert weft.__excepthook__ is not seen.append and callable(weft.__excepthook__)


def test_failing_excepthook(monkeypatch, capsys):
    def hook(args):
        raise ValueError("hook failed")

    monkeypatch.setattr(weft, "excepthook", hook)
    monkeypatch.setattr(sys, "excepthook", lambda *exc: print("sys.excepthook", exc[0].__name__,
                                                               file=sys.stderr))
    t = weft.Thread(target=lambda: 1 / 0)
    t.start()
    t.join()
    err = capsys.readouterr().err
    assert err == "Exception in threading.excepthook:\nsys.excepthook ValueError\n"


def test_settrace_and_setprofile():
    calls = []

    def tracer(frame, event, arg):
        calls.append(("trace", frame.f_code.co_name))

    def profiler(frame, event, arg):
        if event == "call":
            calls.append(("profile", frame.f_code.co_name))

    def traced_target():
        pass

    weft.settrace(tracer)
    weft.setprofile(profiler)
    try:
        assert weft.gettrace() is tracer and weft.getprofile() is profiler
        t = weft.Thread(target=traced_target)
        t.start()
        t.join()
    finally:
        weft.settrace(None)
        weft.setprofile(None)
    assert ("trace", "traced_target") in calls
    assert ("profile", "traced_target") in calls


def test_stack_size():
    assert weft.stack_size() == 0
    with pytest.raises(ValueError, match="size not valid"):
        weft.stack_size(4096)
    with pytest.raises(ValueError):
        weft.stack_size(-1)
    assert weft.stack_size(1 << 20) == 0
    try:
        assert weft.stack_size() == 1 << 20
        # Deep enough recursion to need more than a small stack still works.
        assert run_in_thread(lambda: len(str(list(range(1000))))) > 0
    finally:
        assert weft.stack_size(0) == 1 << 20


def test_module_constants_and_aliases():
    assert weft.TIMEOUT_MAX == threading.TIMEOUT_MAX
    assert weft.ThreadError is RuntimeError
    assert weft.BrokenBarrierError is threading.BrokenBarrierError
    for name in threading.__all__:
        if name not in ("Condition", "Event", "Semaphore", "BoundedSemaphore", "Barrier",
                        "Timer", "local"):
            assert hasattr(weft, name), name
    with pytest.warns(DeprecationWarning, match="currentThread"):
        assert weft.currentThread() is weft.main_thread()
    with pytest.warns(DeprecationWarning, match="activeCount"):
        assert weft.activeCount() == weft.active_count()
    t = weft.Thread()
    with pytest.warns(DeprecationWarning):
        t.setName("x")
    with pytest.warns(DeprecationWarning):
        assert t.getName() == "x"
    with pytest.warns(DeprecationWarning):
        t.setDaemon(True)
    with pytest.warns(DeprecationWarning):
        assert t.isDaemon()


def test_thread_started_by_c_code():
    # A weft thread made through the C API shows up in enumerate(), with its name.
    lock = weft.Lock()
    lock.acquire()
    body = _capi.thread_fn(lambda arg: _capi.lib.weft_lock_acquire(lock, True, -1.0) and None)
    handle = _capi.new_handle(_capi.lib.weft_thread_new, body, None, None)
    try:
        _capi.check(_capi.lib.weft_thread_set_name(handle, b"from C"))
        _capi.check(_capi.lib.weft_thread_start(handle))
        (seen,) = [t for t in weft.enumerate() if t.name == "from C"]
        assert seen.is_alive()
        lock.release()
        seen.join()
        assert not seen.is_alive()
    finally:
        _capi.lib.weft_thread_free(handle)


def test_status_table():
    # Every status but OK maps to an exception carrying weft's message for it.
    for status in range(1, _capi.STATUS_COUNT):
        e = _capi.error(status)
        assert isinstance(e, Exception)
        assert str(e) == _capi.lib.weft_status_str(status).decode()
    assert isinstance(_capi.error(_capi.RELEASE_UNLOCKED), RuntimeError)
    assert isinstance(_capi.error(_capi.TIMEOUT_TOO_LARGE), OverflowError)
    with pytest.raises(RuntimeError, match="release unlocked lock"):
        weft.Lock().release()
    with pytest.raises(RuntimeError, match="cannot release un-acquired lock"):
        weft.RLock().release()


def test_sharing_a_lock_with_c():
    # A weft object is passed to C as its handle; C code sees the same lock.
    lock = weft.Lock()
    locked = _capi.lib.weft_lock_locked
    assert not locked(lock)
    with lock:
        assert locked(lock)
        assert locked(lock.handle)
        other = weft.Lock.from_handle(lock.handle)
        assert other.locked()
    assert not other.locked()
    del lock
    assert other.acquire(False)  # the second reference keeps the lock alive
    with pytest.raises(SystemError):
        weft.RLock.from_handle(other.handle)  # a lock is not an rlock
