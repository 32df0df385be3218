"""CPython 3.11's conformance tests for the synchronization primitives (Lib/test/lock_tests.py),
applied to weft's types exactly as Lib/test/test_threading.py applies them to threading's."""

from test import lock_tests

import weft


class LockTests(lock_tests.LockTests):
    locktype = staticmethod(weft.Lock)


class RLockTests(lock_tests.RLockTests):
    locktype = staticmethod(weft.RLock)


class EventTests(lock_tests.EventTests):
    eventtype = staticmethod(weft.Event)

    def test_at_fork_reinit(self):
        self.skipTest("inspects CPython's Event internals (the Condition in Event._cond); a "
                      "weft Event is one weft_event, without a Python-level condition")


class ConditionAsRLockTests(lock_tests.RLockTests):
    # Condition uses an RLock by default and exports its API.
    locktype = staticmethod(weft.Condition)

    def test_recursion_count(self):
        # As in CPython's test_threading.py.
        self.skipTest("Condition does not expose _recursion_count()")


class ConditionTests(lock_tests.ConditionTests):
    condtype = staticmethod(weft.Condition)


class SemaphoreTests(lock_tests.SemaphoreTests):
    semtype = staticmethod(weft.Semaphore)


class BoundedSemaphoreTests(lock_tests.BoundedSemaphoreTests):
    semtype = staticmethod(weft.BoundedSemaphore)


class BarrierTests(lock_tests.BarrierTests):
    barriertype = staticmethod(weft.Barrier)
