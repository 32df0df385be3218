"""CPython's Lib/test/test_concurrent_futures.py (of the running Python; Debian's
libpython3.X-testsuite has it where the Python lacks it) with weft.futures in place of
concurrent.futures: its thread-pool classes and FutureTests (against weft's Future()), each
test left out listed with its reason."""

import concurrent.futures
import logging
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


def _create_future(state=cpython.PENDING, exception=None, result=None):
    """Its create_future(), with weft's Future brought to ``state`` through the public API (it
    sets CPython's private ``_state``)."""
    f = weft.futures.Future()
    if state in (cpython.RUNNING, cpython.CANCELLED_AND_NOTIFIED):
        f.cancel() if state != cpython.RUNNING else None
        f.set_running_or_notify_cancel()
    elif state == cpython.CANCELLED:
        f.cancel()
    elif state == cpython.FINISHED:
        f.set_exception(exception) if exception is not None else f.set_result(result)
    return f


# Its module's names that FutureTests read, weft's while they run; the futures of each state
# stay the stdlib's for the other classes (whose wait() tests count a future cancelled but not
# notified as not done, as weft's C future does not).
FUTURE_TESTS_NAMES = {
    "Future": weft.futures.Future,
    "create_future": _create_future,
    **{name: _create_future(state=state, **outcome) for name, state, outcome in [
        ("PENDING_FUTURE", cpython.PENDING, {}),
        ("RUNNING_FUTURE", cpython.RUNNING, {}),
        ("CANCELLED_FUTURE", cpython.CANCELLED, {}),
        ("CANCELLED_AND_NOTIFIED_FUTURE", cpython.CANCELLED_AND_NOTIFIED, {}),
        ("EXCEPTION_FUTURE", cpython.FINISHED, {"exception": OSError()}),
        ("SUCCESSFUL_FUTURE", cpython.FINISHED, {"result": 42}),
    ]},
}
PRIVATE_STATE = "reads or writes CPython's private state: Future._state"


@skipped({"test_cancel": PRIVATE_STATE, "test_exception_with_success": PRIVATE_STATE})
class FutureTests(cpython.FutureTests):
    def setUp(self):
        saved = {name: getattr(cpython, name) for name in FUTURE_TESTS_NAMES}
        vars(cpython).update(FUTURE_TESTS_NAMES)
        self.addCleanup(vars(cpython).update, saved)
        # test_done_callback_raises* expect a callback's logged error on stderr, from logging's
        # last-resort handler: pytest's log capture handlers on the root logger would take it.
        root = logging.getLogger()
        self.addCleanup(setattr, root, "handlers", root.handlers)
        root.handlers = []
        super().setUp()
