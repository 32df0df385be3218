"""CPython's Lib/test/test_concurrent_futures.py (of the running Python; Debian's
libpython3.X-testsuite has it where the Python lacks it) with weft.futures in place of
concurrent.futures: its thread-pool classes, each test left out listed with its reason."""

import concurrent.futures
import os
import types

import weft.futures
from helpers import cpython_test_module, skipped

cpython = cpython_test_module("test_concurrent_futures")
# Its `futures` (concurrent.futures) with weft's names (ThreadPoolExecutor, wait, ...) and the
# stdlib's others (ProcessPoolExecutor). Its futures in each state, made at import, stay the
# stdlib's: weft's wait() and as_completed() hand those to the stdlib's.
cpython.futures = types.ModuleType("concurrent.futures")
vars(cpython.futures).update(vars(concurrent.futures))
vars(cpython.futures).update({name: getattr(weft.futures, name) for name in weft.futures.__all__})

# The programs its tests run in a subprocess use weft's pool, and import this copy of it.
IN_PLACE = f"""\
import importlib.util, sys, concurrent.futures, weft.futures
concurrent.futures.ThreadPoolExecutor = weft.futures.ThreadPoolExecutor
spec = importlib.util.spec_from_file_location('test.test_concurrent_futures', {cpython.__file__!r})
sys.modules[spec.name] = module = importlib.util.module_from_spec(spec)
spec.loader.exec_module(module)
"""


def _assert_python_ok(*args, **env):
    args = list(args)
    index = args.index("-c") + 1
    args[index] = IN_PLACE + args[index]
    env.setdefault("PYTHONPATH", os.environ["PYTHONPATH"])
    return _stdlib_assert_python_ok(*args, **env)


_stdlib_assert_python_ok, cpython.assert_python_ok = cpython.assert_python_ok, _assert_python_ok


THREADS = "reads CPython's private state: executor._threads"


class Weft:
    executor_type = weft.futures.ThreadPoolExecutor


class ThreadPoolInitializerTest(Weft, cpython.ThreadPoolInitializerTest):
    pass


@skipped({"test_initializer": "reads CPython's private state: executor._broken"})
class ThreadPoolFailingInitializerTest(Weft, cpython.ThreadPoolFailingInitializerTest):
    pass


@skipped({name: THREADS for name in [
    "test_threads_terminate", "test_context_manager_shutdown", "test_del_shutdown",
    "test_shutdown_no_wait", "test_thread_names_assigned", "test_thread_names_default"]})
class ThreadPoolShutdownTest(Weft, cpython.ThreadPoolShutdownTest):
    pass


class ThreadPoolWaitTests(Weft, cpython.ThreadPoolWaitTests):
    pass


class ThreadPoolAsCompletedTest(Weft, cpython.ThreadPoolAsCompletedTest):
    pass


@skipped({name: THREADS for name in ["test_idle_thread_reuse", "test_saturation"]})
class ThreadPoolExecutorTest(Weft, cpython.ThreadPoolExecutorTest):
    pass
