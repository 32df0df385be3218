"""weft.queue beyond CPython's test_queue: exact references to items, Python 3.13's shutdown,
and Ctrl-C in the main thread's get()."""

import ctypes
import gc
import os
import itertools
import sys
import weakref

import pytest

import weft
import weft.queue as queue


class Item:
    pass


_numbers = itertools.count()


KINDS = [queue.Queue, queue.LifoQueue, queue.PriorityQueue, queue.SimpleQueue]


def sortable(kind):
    """An item each kind of queue accepts (a PriorityQueue compares them)."""
    return (lambda: (next(_numbers), Item())) if kind is queue.PriorityQueue else Item


@pytest.mark.parametrize("kind", KINDS)
def test_items_are_referenced_exactly(kind):
    q = kind()
    item = sortable(kind)()
    before = sys.getrefcount(item)
    q.put(item)
    assert sys.getrefcount(item) == before + 1
    assert q.get() is item
    assert sys.getrefcount(item) == before


@pytest.mark.parametrize("kind", KINDS)
def test_items_left_in_a_freed_queue_are_released(kind):
    q = kind()
    items = [sortable(kind)() for _ in range(3)]
    for item in items:
        q.put(item)
    refs = [weakref.ref(item[-1] if isinstance(item, tuple) else item) for item in items]
    del items, item
    assert all(ref() is not None for ref in refs)
    del q
    gc.collect()
    assert all(ref() is None for ref in refs)


@pytest.mark.parametrize("kind", [queue.Queue, queue.LifoQueue, queue.PriorityQueue])
def test_immediate_shutdown_releases_items(kind):
    q = kind()
    items = [sortable(kind)() for _ in range(3)]
    for item in items:
        q.put(item)
    refs = [weakref.ref(item[-1] if isinstance(item, tuple) else item) for item in items]
    del items, item
    q.shutdown(immediate=True)
    assert q.is_shutdown and q.qsize() == 0 and q.unfinished_tasks == 0
    gc.collect()
    assert all(ref() is None for ref in refs)
    with pytest.raises(queue.ShutDown):
        q.get()
    with pytest.raises(queue.ShutDown):
        q.put(1)
    q.join()  # every item counted as done


@pytest.mark.parametrize("kind", [queue.Queue, queue.LifoQueue, queue.PriorityQueue])
def test_shutdown_lets_gets_drain_then_raises(kind):
    q = kind()
    q.put((1, "a"))
    q.put((0, "b"))
    q.shutdown()
    with pytest.raises(queue.ShutDown):
        q.put((2, "c"))
    got = {q.get(), q.get()}
    assert got == {(1, "a"), (0, "b")}
    with pytest.raises(queue.ShutDown):
        q.get()


def test_shutdown_wakes_a_blocked_get():
    q = queue.Queue()
    outcome = []

    def getter():
        try:
            q.get()
        except queue.ShutDown:
            outcome.append("ShutDown")

    t = weft.Thread(target=getter)
    t.start()
    q.shutdown()
    t.join()
    assert outcome == ["ShutDown"]


def test_priority_order_and_errors():
    q = queue.PriorityQueue(2)
    q.put((2, "b"))
    q.put((1, "a"))
    with pytest.raises(queue.Full, match="queue is full"):
        q.put((0, "c"), timeout=0.01)
    assert [q.get(), q.get()] == [(1, "a"), (2, "b")]
    with pytest.raises(queue.Empty):
        q.get(timeout=0.01)
    with pytest.raises(ValueError, match="task_done"):
        for _ in range(3):
            q.task_done()
    assert queue.Empty is __import__("queue").Empty


def test_simple_queue_has_no_maxsize():
    assert not hasattr(queue.SimpleQueue(), "maxsize")
    assert queue.Queue(5).maxsize == 5


# --- Subclasses overriding the storage hooks (CPython's _init, _qsize, _put, _get) -------------


@pytest.mark.parametrize("kind", [queue.Queue, queue.LifoQueue, queue.PriorityQueue])
def test_a_subclass_overriding_a_hook_is_honoured(kind):
    class OneSlot(kind):
        """Keeps only the last item put, as a hooked subclass may."""

        def _put(self, item):
            self.queue.clear()
            kind._put(self, item)

    q = OneSlot()
    q.put((1, "a"))
    q.put((2, "b"))
    assert q.qsize() == 1  # the hooks decide (a plain weft Queue would say 2)
    assert q.get() == (2, "b")
    with pytest.raises(queue.Empty):
        q.get_nowait()
    assert isinstance(q, kind) and q.handle is None
    with pytest.raises(TypeError, match="storage hooks"):
        OneSlot.from_handle(queue.Queue().handle)


def test_a_hooked_subclass_keeps_the_methods_of_its_own_bases():
    calls = []

    class Logging(queue.LifoQueue):  # no hook: the C queue
        def put(self, item, *args, **kwargs):
            calls.append(item)
            super().put(item, *args, **kwargs)

    class Counting(Logging):  # a hook: Python's queue, under Logging's put
        def _qsize(self):
            return len(self.queue)

    q = Counting()
    q.put(1)
    q.put(2)
    assert calls == [1, 2] and q.queue == [1, 2] and q.get() == 2
    assert type(Logging().handle) is int


# --- What CPython's Queue has beyond its methods ---------------------------------------------


@pytest.mark.parametrize("kind", KINDS)
def test_generic_alias(kind):
    alias = kind[int]
    assert alias.__origin__ is kind and alias.__args__ == (int,)


@pytest.mark.parametrize("kind", [queue.Queue, queue.LifoQueue, queue.PriorityQueue])
def test_clearing_under_the_mutex(kind):
    q = kind(3)
    for i in range(3):
        q.put(i)
    with q.mutex:
        assert len(q.queue) == 3 and q.queue
        q.queue.clear()
        q.all_tasks_done.notify_all()
        q.unfinished_tasks = 0
    assert q.qsize() == 0 and not q.queue and q.unfinished_tasks == 0
    q.join()  # the tasks count as done
    q.put_nowait(7)  # room again
    assert q.get() == 7
    with pytest.raises(ValueError, match="cannot be raised"):
        q.unfinished_tasks = 5


def test_the_mutex_and_conditions():
    q = queue.Queue()
    assert isinstance(q.mutex, weft.Lock) and q.mutex is q.mutex
    for condition in (q.not_empty, q.not_full, q.all_tasks_done):
        with condition:
            assert q.mutex.locked()
            condition.notify()
            condition.notify_all()
            with pytest.raises(RuntimeError, match="do not notify"):
                condition.wait(0)
        assert not q.mutex.locked()
    with pytest.raises(TypeError, match="only len"):
        list(q.queue)
    with pytest.raises(AttributeError):
        q.no_such_attribute
    assert not hasattr(queue.SimpleQueue(), "mutex")


# --- Sharing a queue with C -------------------------------------------------------------------


@pytest.mark.parametrize("kind", KINDS)
def test_items_put_by_c_come_out_as_pointers(kind):
    put = ctypes.CDLL(os.environ["WEFT_LIBRARY"]).weft_queue_put
    put.argtypes = [ctypes.c_void_p, ctypes.c_void_p, ctypes.c_bool, ctypes.c_double]
    q = kind()
    item = sortable(kind)()
    q.put(item)
    assert put(q.handle, 0xdead0, False, -1.0) == 0
    assert put(q.handle, None, False, -1.0) == 0
    got = [q.get() for _ in range(3)]  # in the kind's order
    assert [g for g in got if g is item] == [item]
    assert sorted(g for g in got if g is not item) == [0, 0xdead0]
    assert q.empty()


@pytest.mark.parametrize("kind", KINDS)
def test_from_handle(kind):
    q = kind(*(() if kind is queue.SimpleQueue else (2,)))
    other = kind.from_handle(q.handle)
    assert type(other) is kind and other.handle == q.handle
    item = sortable(kind)()
    other.put(item)
    assert q.qsize() == 1 and q.get() is item
    if kind is not queue.SimpleQueue:
        assert other.maxsize == 2
    del q
    other.put(item)  # the handle lives while either object does
    assert other.get() is item
    with pytest.raises(SystemError):
        kind.from_handle(weft.Lock().handle)


def _until(condition, limit=60.0):
    """Polls ``condition()`` until it holds (a read-back catching up with a thread that is on
    its way to block); fails after ``limit`` seconds."""
    import time

    deadline = time.monotonic() + limit
    while not condition():
        assert time.monotonic() < deadline, "never held"
        time.sleep(0.001)


@pytest.mark.parametrize("kind", KINDS)
def test_getters_and_putters_count_the_waiting_threads(kind):
    """getters and putters (weft_queue_getters/putters): the threads blocked in get() and in
    put() now."""
    q = kind() if kind is queue.SimpleQueue else kind(1)
    assert (q.getters, q.putters) == (0, 0)
    getter = weft.Thread(target=q.get)
    getter.start()
    _until(lambda: q.getters == 1)
    assert q.putters == 0
    q.put(sortable(kind)())
    getter.join()
    assert q.getters == 0
    if kind is queue.SimpleQueue:
        return  # unbounded: a put never waits
    q.put(sortable(kind)())
    putter = weft.Thread(target=q.put, args=(sortable(kind)(),))
    putter.start()
    _until(lambda: q.putters == 1)
    assert q.getters == 0
    q.get()
    putter.join()
    assert (q.getters, q.putters) == (0, 0)


def test_a_hooked_queue_has_no_waiter_counts():
    class Hooked(queue.Queue):
        def _qsize(self):
            return len(self.queue)

    q = Hooked()
    for name in ("getters", "putters"):
        with pytest.raises(TypeError):
            getattr(q, name)
