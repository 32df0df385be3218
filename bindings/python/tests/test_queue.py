"""weft.queue beyond CPython's test_queue: exact references to items, Python 3.13's shutdown,
and Ctrl-C in the main thread's get()."""

import gc
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
