"""weft's Condition, Semaphore, Event, Barrier and Timer beyond CPython's lock_tests."""

import threading
import time

import pytest

import weft
from weft import _capi


def test_condition_over_another_lock_is_cpythons():
    cpython_lock = threading.Lock()
    condition = weft.Condition(cpython_lock)
    assert type(condition) is threading.Condition
    with condition:
        assert cpython_lock.locked()
    assert type(weft.Condition(weft.Lock())) is weft.Condition


def test_condition_errors():
    condition = weft.Condition(weft.Lock())
    with pytest.raises(RuntimeError, match="cannot wait on un-acquired lock"):
        condition.wait()
    with pytest.raises(RuntimeError, match="cannot notify on un-acquired lock"):
        condition.notify()
    with condition:
        with pytest.raises(ValueError):
            condition.notify(-1)
        assert not condition.wait(-1)  # a negative timeout acts as 0
        with pytest.warns(DeprecationWarning):
            condition.notifyAll()


def test_semaphore():
    with pytest.raises(ValueError, match="semaphore initial value must be >= 0"):
        weft.Semaphore(-1)
    s = weft.Semaphore(2)
    with pytest.raises(ValueError, match="can't specify timeout for non-blocking acquire"):
        s.acquire(False, 1)
    with pytest.raises(ValueError, match="n must be one or more"):
        s.release(0)
    assert s.acquire() and s.acquire(timeout=-1)
    assert not s.acquire(False) and not s.acquire(timeout=0.01)
    s.release(2)
    assert repr(s).endswith(": value=2>")
    # The counter is the C semaphore's, whoever changes it.
    same = weft.Semaphore.from_handle(s.handle)
    assert same.acquire() and s._value == 1 and same._value == 1
    same.release(3)
    assert s._value == 4 and repr(same).endswith(": value=4>")
    b = weft.BoundedSemaphore(1)
    with pytest.raises(ValueError, match="Semaphore released too many times"):
        b.release()


def test_event_flag():
    e = weft.Event()
    assert not e.is_set() and not e.wait(0) and not e.wait(-1)
    e.set()
    assert e.is_set() and e.wait() and e.wait(0)
    with pytest.warns(DeprecationWarning):
        assert e.isSet()
    e.clear()
    assert not e.is_set()


def test_event_wait_on_a_set_event_does_not_look_at_the_timeout():
    # As CPython's: wait() reads the flag first, and returns True if it is set.
    for module in (threading, weft):
        e = module.Event()
        e.set()
        assert e.wait("not a number") is True, module.__name__
        e.clear()
        with pytest.raises(TypeError):
            e.wait("not a number")


def test_event_set_from_c():
    e = weft.Event()
    waiter = weft.Thread(target=lambda: results.append(e.wait(60)))
    results = []
    waiter.start()
    _capi.check(_capi.lib.weft_event_set(e))
    waiter.join()
    assert results == [True]


def test_barrier_action_failure_breaks_it():
    def action():
        raise KeyError("from the action")

    barrier = weft.Barrier(1, action=action)
    with pytest.raises(KeyError, match="from the action"):
        barrier.wait()
    assert barrier.broken
    with pytest.raises(weft.BrokenBarrierError):
        barrier.wait()
    barrier.reset()
    assert not barrier.broken and barrier.parties == 1 and barrier.n_waiting == 0
    with pytest.raises(ValueError, match="parties must be > 0"):
        weft.Barrier(0)


def test_barrier_action_failure_breaks_its_cycle():
    # As in CPython: the others of the cycle raise BrokenBarrierError; they used to return.
    def action():
        raise KeyError("from the action")

    barrier = weft.Barrier(2, action=action)
    others = []

    def other():
        try:
            others.append(barrier.wait(60))
        except weft.BrokenBarrierError as e:
            others.append(e)

    t = weft.Thread(target=other)
    t.start()
    while barrier.n_waiting != 1:
        time.sleep(0.001)
    with pytest.raises(KeyError, match="from the action"):
        barrier.wait()
    t.join()
    assert len(others) == 1 and isinstance(others[0], weft.BrokenBarrierError)
    assert barrier.broken


def test_barrier_action_looks_at_its_barrier():
    # As in CPython: the cycle is full and not broken; a wait (a deadlock in CPython) raises.
    seen = []

    def action():
        seen.append((barrier.n_waiting, barrier.broken, barrier.parties))
        with pytest.raises(RuntimeError):
            barrier.wait(0)
        seen.append("refused")

    barrier = weft.Barrier(1, action=action)
    assert barrier.wait() == 0
    assert seen == [(1, False, 1), "refused"]


def test_barrier_indices_and_action():
    ran = []
    barrier = weft.Barrier(3, action=lambda: ran.append(weft.current_thread().name))
    indices = []
    threads = [weft.Thread(target=lambda: indices.append(barrier.wait())) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(indices) == [0, 1, 2]
    assert len(ran) == 1 and ran[0] in [t.name for t in threads]


def test_timer_cancel_and_subclass():
    fired = []
    t = weft.Timer(60, fired.append, args=("late",))
    t.start()
    t.cancel()
    t.join()
    assert fired == [] and t.finished.is_set()

    class Repeat(weft.Timer):
        def run(self):
            while not self.finished.wait(self.interval):
                self.function(*self.args, **self.kwargs)

    ticks = []

    def tick():
        ticks.append(1)
        if len(ticks) == 3:
            r.cancel()

    r = Repeat(0.001, tick)
    r.start()
    r.join()
    assert ticks == [1, 1, 1]
    assert isinstance(r, weft.Thread) and r.name.startswith("Thread-")


def test_rlock_repr_shows_the_owner_to_every_thread():
    r = weft.RLock()
    assert " owner=None count=0 " in repr(r)
    with r:
        mine = repr(r)
        seen = []
        t = weft.Thread(target=lambda: seen.append(repr(r)))
        t.start()
        t.join()
    assert mine.startswith("<locked ") and f" owner={weft.get_ident()} count=1 " in mine
    assert f" owner={weft.get_ident()} count=0 " in seen[0]


def test_wait_any_returns_the_first_ready_object():
    """weft.wait_any: the ready one of queues, events and futures, mixed; None on timeout; a
    queue's item is not taken."""
    import weft.futures
    import weft.queue

    q, lifo, simple = weft.queue.Queue(), weft.queue.LifoQueue(), weft.queue.SimpleQueue()
    event = weft.Event()
    future = weft.futures.Future()
    objects = [q, lifo, simple, event, future]
    assert weft.wait_any(objects, timeout=0) is None
    assert weft.wait_any(iter(objects), timeout=0.01) is None
    event.set()
    assert weft.wait_any(objects) is event
    event.clear()
    simple.put("item")
    assert weft.wait_any(objects, 0) is simple
    assert simple.get_nowait() == "item"  # reported, not taken
    future.set_result(1)
    assert weft.wait_any(objects) is future
    q.shutdown()
    assert weft.wait_any([event, q]) is q  # shut down: a get would not block


def test_wait_any_wakes_when_another_thread_makes_one_ready():
    import weft.queue

    q, event = weft.queue.Queue(), weft.Event()
    putter = weft.Thread(target=q.put, args=(7,))
    putter.start()
    assert weft.wait_any([event, q], timeout=60) is q
    putter.join()
    assert q.get_nowait() == 7


def test_wait_any_refuses_what_it_cannot_wait_for():
    import concurrent.futures
    import weft.queue

    class Hooked(weft.queue.Queue):  # CPython's implementation: no C queue
        def _qsize(self):
            return len(self.queue)

    for other in (weft.Lock(), concurrent.futures.Future(), Hooked(), object()):
        with pytest.raises(TypeError):
            weft.wait_any([weft.Event(), other])
    with pytest.raises(ValueError):
        weft.wait_any([])
    with pytest.raises(ValueError):
        weft.wait_any([weft.Event()], timeout=float("nan"))


def test_wait_any_in_an_interrupted_task_raises_interrupted_error():
    import weft.futures

    started = weft.Event()

    def task():
        started.set()
        return weft.wait_any([weft.Event()])

    with weft.futures.ThreadPoolExecutor(1) as executor:
        f = executor.submit(task)
        assert started.wait(60)
        assert f.interrupt()
        with pytest.raises(InterruptedError):
            f.result(60)
