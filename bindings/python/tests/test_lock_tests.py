"""CPython 3.11's conformance tests for the synchronization primitives (Lib/test/lock_tests.py),
applied to weft's types exactly as Lib/test/test_threading.py applies them to threading's."""

from test import lock_tests

import weft


class LockTests(lock_tests.LockTests):
    locktype = staticmethod(weft.Lock)


class RLockTests(lock_tests.RLockTests):
    locktype = staticmethod(weft.RLock)
