"""Every weft type wraps a handle C code made, with from_handle(), into a working object (issue
15, item 6). The handles are made here through the C API (ctypes), used through the Python
object, and the effect is checked through the C API again."""

import ctypes

import pytest

import weft
from weft import _capi
from weft._capi import lib, blocking

libc = ctypes.CDLL(None)


def made_in_c(new, *args):
    """A handle made by C (``new(*args, &out)``), freed by the C side at the end of the test."""
    out = ctypes.c_void_p()
    assert getattr(lib, new)(*args, ctypes.byref(out)) == _capi.OK
    return out.value


@pytest.mark.parametrize("kind", ["Lock", "RLock"])
def test_locks(kind):
    prefix = kind.lower()
    handle = made_in_c(f"weft_{prefix}_new")
    lock = getattr(weft, kind).from_handle(handle)
    with lock:
        assert getattr(lib, f"weft_{prefix}_locked")(handle)
        assert "locked" in repr(lock)
    assert not getattr(lib, f"weft_{prefix}_locked")(handle)
    del lock
    getattr(lib, f"weft_{prefix}_free")(handle)


def test_event():
    handle = made_in_c("weft_event_new")
    event = weft.Event.from_handle(handle)
    event.set()
    assert lib.weft_event_is_set(handle) and "set" in repr(event)
    del event
    lib.weft_event_free(handle)


@pytest.mark.parametrize("kind", ["Semaphore", "BoundedSemaphore"])
def test_semaphores(kind):
    # Before the fix: AttributeError (_value).
    bounded = kind == "BoundedSemaphore"
    handle = made_in_c("weft_bounded_semaphore_new" if bounded else "weft_semaphore_new", 1)
    semaphore = getattr(weft, kind).from_handle(handle)
    # The value is the C semaphore's (weft_semaphore_value); a bounded one's initial value is
    # not told by the C API.
    assert repr(semaphore).endswith(": value=1/?>" if bounded else ": value=1>")
    assert semaphore.acquire(timeout=0)
    assert semaphore._value == 0
    assert not semaphore.acquire(timeout=0)
    assert lib.weft_semaphore_acquire(handle, False, -1.0) == _capi.TIMEOUT  # seen from C
    semaphore.release()
    if bounded:
        with pytest.raises(ValueError):
            semaphore.release()
    assert lib.weft_semaphore_acquire(handle, False, -1.0) == _capi.OK
    assert semaphore._value == 0  # taken from C, seen from Python
    repr(semaphore)
    del semaphore
    lib.weft_semaphore_free(handle)


def test_barrier():
    # Before the fix: AttributeError (_failures).
    handle = made_in_c("weft_barrier_new", ctypes.c_size_t(2), None, None, None,
                       ctypes.c_double(-1.0))
    barrier = weft.Barrier.from_handle(handle)
    assert barrier.parties == 2 and "waiters=0/2" in repr(barrier)
    index = ctypes.c_size_t()
    statuses = []
    t = weft.Thread(target=lambda: statuses.append(
        blocking.weft_barrier_wait(handle, 10.0, ctypes.byref(index))))
    t.start()
    assert barrier.wait(10) in (0, 1)  # met C's wait
    t.join()
    assert statuses == [_capi.OK]
    barrier.abort()
    assert lib.weft_barrier_broken(handle)
    del barrier
    lib.weft_barrier_free(handle)


def test_condition():
    # Before the fix: AttributeError (acquire, _lock).
    lock = made_in_c("weft_lock_new")
    handle = made_in_c("weft_condition_new_with_lock", ctypes.c_void_p(lock))
    condition = weft.Condition.from_handle(handle)
    repr(condition)
    with condition:
        assert lib.weft_lock_locked(lock)  # the C condition's lock
        assert not condition.wait(0.01)
        assert lib.weft_lock_locked(lock)
    assert not lib.weft_lock_locked(lock)
    assert condition.acquire(False)
    ready = []

    def waiter():
        with condition:
            ready.append(True)
            condition.notify()
            ready.append(condition.wait(10))

    t = weft.Thread(target=waiter)
    t.start()
    assert condition.wait_for(lambda: ready, 10)
    assert lib.weft_condition_notify(handle, ctypes.c_size_t(1)) == _capi.OK  # from C
    condition.release()
    t.join()
    assert ready == [True, True]
    del condition
    lib.weft_condition_free(handle)
    lib.weft_lock_free(lock)


def test_thread():
    # Before the fix: join(), is_alive() and repr() raised "Thread.__init__() not called".
    usleep = _capi.thread_fn(ctypes.cast(libc.usleep, ctypes.c_void_p).value)
    handle = made_in_c("weft_thread_new_named", usleep, ctypes.c_void_p(10000), None, b"from C")
    thread = weft.Thread.from_handle(handle)
    assert repr(thread) == "<Thread(from C, initial)>"
    assert not thread.is_alive() and thread.ident is None
    thread.start()  # a thread C made runs its C function
    with pytest.raises(RuntimeError, match="threads can only be started once"):
        thread.start()
    thread.join()
    assert not thread.is_alive() and not lib.weft_thread_is_alive(handle)
    assert thread.ident == lib.weft_thread_ident(handle) and "stopped" in repr(thread)
    del thread
    lib.weft_thread_free(handle)


def test_the_main_thread_cannot_be_started():
    with pytest.raises(RuntimeError, match="threads can only be started once"):
        weft.main_thread().start()
