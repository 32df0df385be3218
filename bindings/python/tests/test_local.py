"""CPython 3.11's tests of threading.local (Lib/test/test_threading_local.py, BaseLocalTest)
with weft.local, and weft.local in weft threads."""

import unittest
from test import test_threading_local

import weft


class WeftLocalTest(unittest.TestCase, test_threading_local.BaseLocalTest):
    _local = weft.local


def test_values_are_per_weft_thread():
    data = weft.local()
    data.value = "main"
    seen = []

    def work(n):
        seen.append(hasattr(data, "value"))
        data.value = n
        seen.append(data.value)

    threads = [weft.Thread(target=work, args=(n,)) for n in range(3)]
    for t in threads:
        t.start()
        t.join()
    assert seen == [False, 0, False, 1, False, 2]
    assert data.value == "main"


def test_subclass_init_runs_once_per_thread():
    calls = []

    class MyLocal(weft.local):
        def __init__(self, value):
            calls.append(weft.current_thread().name)
            self.value = value

    data = MyLocal(1000)
    t = weft.Thread(target=lambda: calls.append(data.value), name="reader")
    t.start()
    t.join()
    assert calls == ["MainThread", "reader", 1000]
