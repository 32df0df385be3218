"""A program whose sys.modules['threading'] is weft: the stdlib modules that reach threading's
private names (concurrent.futures, multiprocessing) import and work, and weft's _shutdown runs
what is registered with _register_atexit, as CPython's threading does (each in its own
interpreter)."""

import textwrap

import pytest

from helpers import run_python

IN_PLACE = """
    import sys, weft
    sys.modules['threading'] = weft
"""


def in_place(source, prelude=IN_PLACE):
    """``source`` after ``prelude``, each dedented."""
    return textwrap.dedent(prelude) + textwrap.dedent(source)


def test_stdlib_modules_import_and_work():
    result = run_python(in_place("""
        import threading
        import concurrent.futures.process, concurrent.futures.thread  # _register_atexit
        import asyncio, multiprocessing, multiprocessing.dummy

        async def main():
            return await asyncio.to_thread(pow, 2, 7)

        print(asyncio.run(main()))
        with multiprocessing.dummy.Pool(2) as pool:
            print(pool.map(abs, [-1, -2]))
        # The child calls threading._shutdown() and checks threading._HAVE_THREAD_NATIVE_ID.
        process = multiprocessing.get_context("fork").Process(target=print, args=("child",))
        process.start()
        process.join()
        print("exit code", process.exitcode)
        # concurrent.futures' exit hook runs at exit: the queued call still runs.
        executor = concurrent.futures.ThreadPoolExecutor(1)
        lock = threading.Lock()
        lock.acquire()
        executor.submit(lock.acquire)
        executor.submit(print, "queued call ran", flush=True)
        print("main done", flush=True)
        lock.release()
    """))
    assert (result.returncode, result.stderr) == (0, "")
    assert result.stdout == "128\n[1, 2]\nchild\nexit code 0\nmain done\nqueued call ran\n"


def test_threads_of_cpythons_threading_are_still_joined_at_exit():
    # Started through CPython's module before weft took its place: the interpreter now calls
    # weft's _shutdown, which runs CPython's too.
    result = run_python("""
        import sys, threading, weft
        lock = threading.Lock()
        lock.acquire()

        def at_exit():
            print("CPython's exit function", flush=True)
            lock.release()

        threading._register_atexit(at_exit)
        threading.Thread(target=lambda: lock.acquire() and print("thread done")).start()
        sys.modules['threading'] = weft
    """)
    assert (result.returncode, result.stderr) == (0, "")
    assert result.stdout == "CPython's exit function\nthread done\n"


@pytest.mark.parametrize("prelude", ["import weft\n", IN_PLACE])
def test_register_atexit_runs_the_last_first_before_threads_are_joined(prelude):
    result = run_python(in_place("""
        lock = weft.Lock()
        lock.acquire()
        worker = weft.Thread(target=lambda: lock.acquire() and print("thread done"))
        worker.start()

        def at_exit():
            print("alive:", worker.is_alive())
            try:
                weft._register_atexit(print, "too late")
            except RuntimeError as e:
                print(e)
            lock.release()

        weft._register_atexit(at_exit)
        weft._register_atexit(print, "registered last", flush=True)
    """, prelude))
    assert (result.returncode, result.stderr) == (0, "")
    assert result.stdout == ("registered last\nalive: True\n"
                             "can't register atexit after shutdown\nthread done\n")
