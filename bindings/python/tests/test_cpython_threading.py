"""CPython's Lib/test/test_threading.py (of the running Python) with weft as its threading
module: its classes of public behaviour, each test left out listed with its reason. The
programs its tests run in a subprocess make weft their threading (sys.modules) first. Its lock
classes are test_lock_tests.py's."""

import os

import weft
from helpers import cpython_test_module, skipped

# CPython's private names that test_threading reads at import, for its RLock classes (which this
# file does not run; test_lock_tests.py runs them on weft's RLock): stand-ins while it is
# imported, here and in the programs its tests run (test_4_daemon_threads' threads import it).
weft._PyRLock = weft._CRLock = None
try:
    cpython = cpython_test_module("test_threading", threading=weft)
finally:
    del weft._PyRLock, weft._CRLock

IN_PLACE = ("import sys, weft; sys.modules['threading'] = weft; "
            "weft._PyRLock = weft._CRLock = None\n")


def _in_place(check):
    """``check`` (script_helper's assert_python_ok or _failure) running ``-c`` programs with
    weft as their threading; the environment passed keeps weft importable (and turns off -I)."""
    def run(*args, **env):
        args = list(args)
        if "-c" in args:
            index = args.index("-c") + 1
            args[index] = IN_PLACE + args[index]
        env.setdefault("PYTHONPATH", os.environ["PYTHONPATH"])
        return check(*args, **env)
    return run


cpython.assert_python_ok = _in_place(cpython.assert_python_ok)
cpython.assert_python_failure = _in_place(cpython.assert_python_failure)


PRIVATE = "reads CPython's private state: "


@skipped({
    "test_foreign_thread": PRIVATE + "threading._active",
    "test_ident_of_no_threading_threads": PRIVATE + "threading._active",
    "test_limbo_cleanup": PRIVATE + "threading._start_new_thread, _limbo",
    "test_name": PRIVATE + "threading._counter",
    "test_shutdown_locks": PRIVATE + "threading._shutdown_locks",
    "test_tstate_lock": PRIVATE + "Thread._tstate_lock",
    "test_disallow_instantiation": "CPython's lock type (_thread.lock) cannot be instantiated; "
                                   "weft's Lock is the class weft.Lock",
    "test_import_from_another_thread": "its program must be the first to import threading; "
                                       "with weft in place it is imported first",
    # Python 3.13's tests.
    "test_lock_no_subclass": "3.13's Lock cannot be subclassed; weft's Lock is a Python class",
    "test_main_thread_after_fork_from_dummy_thread": PRIVATE + "threading._active, _dangling "
                                                     "(in the child; weft's public part: "
                                                     "test_after_fork.py)",
    "test_main_thread_after_fork_from_foreign_thread": PRIVATE + "as the test above",
})
class ThreadTests(cpython.ThreadTests):
    pass


class ThreadJoinOnShutdown(cpython.ThreadJoinOnShutdown):
    pass


class ThreadingExceptionTests(cpython.ThreadingExceptionTests):
    pass


class ExceptHookTests(cpython.ExceptHookTests):
    pass


class TimerTests(cpython.TimerTests):
    pass


class InterruptMainTests(cpython.InterruptMainTests):
    pass


class AtexitTests(cpython.AtexitTests):
    pass


def test_its_programs_can_import_it():
    # test_4_daemon_threads' threads import test.test_threading in a program whose threading is
    # weft: it failed there (AttributeError: _PyRLock), and the program, waiting for those
    # threads to run, never exited.
    cpython.assert_python_ok("-c", "import test.test_threading")
