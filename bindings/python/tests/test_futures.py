"""weft.futures: ThreadPoolExecutor, Future, wait and as_completed, against CPython 3.11's
concurrent.futures behaviour."""

import contextlib
import gc
import logging
import time
import weakref

import pytest

import weft
import weft.futures as futures


@pytest.fixture
def pool():
    executor = futures.ThreadPoolExecutor(2, thread_name_prefix="test")
    yield executor
    executor.shutdown()


def test_result_and_exception(pool):
    f = pool.submit(divmod, 7, 2)
    assert f.result() == (3, 1) and f.exception() is None and f.done()
    assert repr(f).endswith("state=finished returned tuple>")
    bad = pool.submit(divmod, 1, 0)
    with pytest.raises(ZeroDivisionError):
        bad.result()
    assert isinstance(bad.exception(), ZeroDivisionError)
    assert repr(bad).endswith("state=finished raised ZeroDivisionError>")
    # BaseException too, as in CPython
    exiting = pool.submit(exit, 3)
    with pytest.raises(SystemExit):
        exiting.result()


def test_timeout_cancel_and_states(pool):
    started, gate = weft.Event(), weft.Event()
    pool2 = futures.ThreadPoolExecutor(1)
    try:
        running = pool2.submit(lambda: started.set() or gate.wait())
        started.wait()
        assert running.running() and repr(running).endswith("state=running>")
        pending = pool2.submit(lambda: "never")
        assert repr(pending).endswith("state=pending>")
        with pytest.raises(TimeoutError):
            running.result(timeout=0.01)
        with pytest.raises(TimeoutError):
            running.exception(timeout=-1)
        assert not running.cancel()
        assert pending.cancel() and pending.cancelled() and pending.done()
        assert repr(pending).endswith("state=cancelled>")
        with pytest.raises(futures.CancelledError):
            pending.result()
        with pytest.raises(futures.CancelledError):
            pending.exception()
    finally:
        gate.set()
    assert running.result() is True
    pool2.shutdown()


def test_done_callbacks(pool, caplog):
    gate = weft.Event()
    order = []
    f = pool.submit(gate.wait)
    try:
        f.add_done_callback(lambda fut: order.append(("first", fut is f)))
        f.add_done_callback(lambda fut: 1 / 0)
        f.add_done_callback(lambda fut: order.append(("third", fut.result())))
    finally:
        gate.set()
    with caplog.at_level(logging.ERROR, logger="concurrent.futures"):
        f.result()
        futures.wait([f])
        pool.shutdown()
    assert order == [("first", True), ("third", True)]
    assert "exception calling callback for" in caplog.text
    # Already done: called at once.
    f.add_done_callback(lambda fut: order.append("late"))
    assert order[-1] == "late"


def test_wait_and_as_completed(pool):
    gate = weft.Event()
    quick = pool.submit(lambda: 1)
    failing = pool.submit(lambda: 1 / 0)
    slow = pool.submit(gate.wait)
    try:
        done, not_done = futures.wait([quick, failing, slow],
                                      return_when=futures.FIRST_EXCEPTION)
        assert failing in done and slow in not_done
        quick.result()
        done, not_done = futures.wait([quick, slow, quick], timeout=0.01)
        assert done == {quick} and not_done == {slow}
        with pytest.raises(ValueError, match="Invalid return condition"):
            futures.wait([quick], return_when="SOMETIME")
        seen = []
        with pytest.raises(TimeoutError, match=r"1 \(of 3\) futures unfinished"):
            for f in futures.as_completed([quick, failing, slow, failing], timeout=0.05):
                seen.append(f)
        assert set(seen) == {quick, failing}
    finally:
        gate.set()
    assert list(futures.as_completed([slow])) == [slow]
    assert futures.wait([]) == ({*()}, {*()})


def test_as_completed_over_many_futures(pool):
    fs = [pool.submit(lambda i=i: i) for i in range(2000)]
    abandoned = futures.as_completed(fs)
    assert next(abandoned) in fs
    abandoned.close()  # frees the C iterator, which leaves the futures as they were
    seen = list(futures.as_completed(fs + fs[:10]))
    assert len(seen) == len(fs) and set(seen) == set(fs)


def test_results_are_referenced_exactly(pool):
    class Result:
        pass

    f = pool.submit(Result)
    ref = weakref.ref(f.result())
    gc.collect()
    assert ref() is not None  # the future keeps it
    del f
    gc.collect()
    assert ref() is None


def test_workers_are_weft_threads_named_after_the_prefix(pool):
    import threading
    names = pool.submit(lambda: (weft.current_thread().name,
                                 threading.current_thread().name)).result()
    assert names[0] == names[1] and names[0].startswith("test_")
    assert pool._max_workers == 2


def test_a_worker_keeps_its_thread_local_values_from_task_to_task():
    # As in CPython, a worker is one Python thread for its whole life, not one per task.
    import threading
    data = threading.local()
    with futures.ThreadPoolExecutor(1) as executor:
        executor.submit(setattr, data, "seen", "first task").result()
        assert executor.submit(getattr, data, "seen", None).result() == "first task"


def test_shutdown_frees_what_workers_kept_in_thread_locals():
    import threading
    data = threading.local()

    class Kept:
        pass

    executor = futures.ThreadPoolExecutor(2)
    refs = []

    def keep():
        data.kept = Kept()
        refs.append(weakref.ref(data.kept))

    for f in [executor.submit(keep) for _ in range(4)]:
        f.result()
    assert any(ref() is not None for ref in refs)
    executor.shutdown(wait=True)
    gc.collect()
    assert all(ref() is None for ref in refs)


def test_workers_free_their_own_thread_states():
    # Each worker gives back its Python thread state in its own thread, as it exits. Deleting
    # them from the thread calling shutdown() unbound that thread's own state (3.12+): its next
    # C callback made it a second one, which 3.13 aborts on ("_PyThreadState_Attach: non-NULL
    # old thread state").
    from helpers import run_python
    result = run_python("""
        import ctypes
        import weft, weft.futures

        api = ctypes.pythonapi
        api.PyGILState_GetThisThreadState.restype = ctypes.c_void_p
        api.PyThreadState_Get.restype = ctypes.c_void_p
        for _ in range(3):
            with weft.futures.ThreadPoolExecutor(4) as executor:
                list(executor.map(abs, range(100)))
            assert api.PyGILState_GetThisThreadState() == api.PyThreadState_Get()
            # A C callback in this thread (the barrier's action) uses this thread's state.
            weft.Barrier(1, action=lambda: print("action", flush=True)).wait()
    """)
    assert (result.returncode, result.stderr) == (0, "")
    assert result.stdout == "action\n" * 3


def test_errors_and_shutdown():
    with pytest.raises(ValueError, match="max_workers must be greater than 0"):
        futures.ThreadPoolExecutor(0)
    with pytest.raises(TypeError, match="initializer must be a callable"):
        futures.ThreadPoolExecutor(initializer=3)
    executor = futures.ThreadPoolExecutor(1)
    started, gate = weft.Event(), weft.Event()
    try:
        first = executor.submit(lambda: started.set() or gate.wait())
        started.wait()
        queued = executor.submit(lambda: "queued")
        executor.shutdown(wait=False, cancel_futures=True)
        assert queued.cancelled() and not first.cancelled()
        with pytest.raises(RuntimeError, match="cannot schedule new futures after shutdown"):
            executor.submit(print)
    finally:
        gate.set()
    assert first.result() is True
    executor.shutdown()


def test_broken_initializer(caplog):
    def initializer(x):
        raise ValueError(x)

    with caplog.at_level(logging.CRITICAL, logger="concurrent.futures"):
        executor = futures.ThreadPoolExecutor(1, initializer=initializer, initargs=("bad",))
        f = executor.submit(print)
        with pytest.raises(futures.BrokenThreadPool):
            f.result()
        assert isinstance(f.exception(), futures.BrokenThreadPool)
        with pytest.raises(futures.BrokenThreadPool):
            executor.submit(print)
        executor.shutdown()
    assert "Exception in initializer:" in caplog.text


def test_context_manager_and_map():
    with futures.ThreadPoolExecutor() as executor:
        assert list(executor.map(pow, [2, 3], [5, 2])) == [32, 9]
        assert isinstance(executor, futures.Executor)
    with pytest.raises(RuntimeError):
        executor.submit(print)


def test_a_child_forked_while_a_pool_lives_exits_cleanly():
    # The child has none of the parent's workers, whose thread states the interpreter freed at
    # the fork: its exit-time shutdown of the pool must not free them again (that crashed).
    from helpers import run_python
    result = run_python("""
        import multiprocessing, os, sys, warnings
        import weft.futures

        # 3.12+ warns about any fork() with threads running.
        warnings.simplefilter("ignore", DeprecationWarning)

        executor = weft.futures.ThreadPoolExecutor(2)
        executor.submit(print, "parent's task", flush=True).result()
        codes = []
        for _ in range(3):
            process = multiprocessing.get_context("fork").Process(target=print, args=("child",))
            process.start()
            process.join()
            codes.append(process.exitcode)
        pid = os.fork()
        if pid == 0:
            # A pool of the child's own still frees its workers' states.
            with weft.futures.ThreadPoolExecutor(1) as own:
                own.submit(print, "child's task", flush=True).result()
            sys.exit(0)  # an ordinary exit: the exit hooks run
        codes.append(os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1]))
        executor.shutdown()
        print(codes)
    """)
    assert result.stderr == ""
    assert result.stdout == "parent's task\n" + "child\n" * 3 + "child's task\n[0, 0, 0, 0]\n"
    assert result.returncode == 0


@pytest.mark.parametrize("module", ["concurrent.futures", "weft.futures"])
def test_shutdown_cancels_only_what_no_worker_was_handed(module):
    # As in CPython, a submit that starts a worker hands it a task: shutdown(cancel_futures=True)
    # right after the submits cancels only the others, and shutdown(wait=False) cancels nothing.
    import importlib
    cf = importlib.import_module(module)
    ran = []
    for _ in range(5):
        gate = weft.Event()
        executor = cf.ThreadPoolExecutor(5)
        fs = [executor.submit(gate.wait) for _ in range(50)]
        executor.shutdown(wait=False, cancel_futures=True)
        gate.set()
        executor.shutdown()
        ran.append(sum(not f.cancelled() for f in fs))
        assert all(f.result() for f in fs if not f.cancelled())

        gate = weft.Event()
        executor = cf.ThreadPoolExecutor()
        single = executor.submit(gate.wait)
        executor.shutdown(wait=False, cancel_futures=True)
        gate.set()
        assert single.result() is True
        executor = cf.ThreadPoolExecutor(1)
        fs = [executor.submit(pow, 2, i) for i in range(3)]
        executor.shutdown(wait=False)
        assert [f.result() for f in fs] == [1, 2, 4]
    assert ran == [5] * 5


def _until(done):
    """Waits until done(), at most 10 s (what the pool does at once)."""
    deadline = time.monotonic() + 10
    while not done():
        assert time.monotonic() < deadline
        time.sleep(0.001)


@contextlib.contextmanager
def _opened(gate):
    """Sets ``gate`` on the way out, so that a failed assertion fails the test instead of
    leaving the pool's shutdown waiting for a task held at the gate."""
    try:
        yield
    finally:
        gate.set()


def test_counts_resizing_and_a_bounded_work_list():
    gate = weft.Event()
    with futures.ThreadPoolExecutor(1) as pool, _opened(gate):
        assert (pool.pending, pool.active, pool.idle) == (0, 0, 0)
        assert pool.max_workers == pool._max_workers == 1 and pool.max_pending == 0
        held = pool.submit(gate.wait)
        _until(lambda: pool.active == 1)
        pool.max_pending = 1
        queued = pool.submit(lambda: 2)
        assert (pool.pending, pool.active, pool.idle) == (1, 1, 0)
        # Full: a submit waits, the GIL released, until a worker takes a call.
        waiting = []
        t = weft.Thread(target=lambda: waiting.append(pool.submit(lambda: 3)))
        t.start()
        pool.max_workers = 2
        assert queued.result(10) == 2
        t.join(10)
        assert not t.is_alive() and waiting[0].result(10) == 3
        gate.set()
        assert held.result(10)
        _until(lambda: pool.idle == 2)
        pool.max_workers = 1
        _until(lambda: (pool.active, pool.idle) == (0, 1))
        with pytest.raises(ValueError, match="max_workers must be greater than 0"):
            pool.max_workers = 0
        pool.max_pending = 0
        assert pool.max_pending == 0


def test_futures_and_pools_are_the_stdlibs():
    import concurrent.futures as cf
    with futures.ThreadPoolExecutor(1) as executor:
        f = executor.submit(int)
        assert isinstance(f, cf.Future) and isinstance(executor, cf.ThreadPoolExecutor)
        assert futures.Future[int].__origin__ is futures.Future
        f.result()
        for set_ in (f.set_result, f.set_exception):
            with pytest.raises(futures.InvalidStateError, match="set by its task"):
                set_(None)
        # As CPython's, for a future whose task ran.
        with pytest.raises(RuntimeError, match="^Future in unexpected state$"):
            f.set_running_or_notify_cancel()
        assert futures.InvalidStateError is cf.InvalidStateError
        assert f.result() == 0


def test_the_stdlibs_wait_and_as_completed_take_weft_futures(pool):
    import concurrent.futures as cf
    gate = weft.Event()
    quick = pool.submit(divmod, 7, 2)
    quick.result()
    held = pool.submit(gate.wait)
    failing = pool.submit(lambda: 1 / 0)
    failing.exception()
    queued = pool.submit(abs, -1)
    blocker = pool.submit(gate.wait)
    cancelled = pool.submit(abs, -2)  # behind held and blocker, which hold both workers
    assert cancelled.cancel()
    try:
        done, not_done = cf.wait([quick, held], timeout=0.05)
        assert (done, not_done) == ({quick}, {held})
        assert cf.wait([quick, held], return_when=cf.FIRST_COMPLETED).done == {quick}
        assert cf.wait([held, failing], return_when=cf.FIRST_EXCEPTION).done == {failing}
        assert cf.wait([held, cancelled], return_when=cf.FIRST_COMPLETED).done == {cancelled}
        with pytest.raises(TimeoutError):
            list(cf.as_completed([held, quick], timeout=0.05))
    finally:
        gate.set()
    everything = [quick, held, failing, queued, blocker, cancelled]
    assert cf.wait(everything, timeout=30).not_done == set()
    assert set(cf.as_completed(everything, timeout=30)) == set(everything)


def test_the_stdlibs_waiters_are_told_of_futures_done_while_they_install():
    # A future that is done in C but whose waiters were not yet told counts as not done for
    # the stdlib, so a waiter it installs then is told once (never lost, never told twice).
    import concurrent.futures as cf
    import time
    with futures.ThreadPoolExecutor(4) as executor:
        for _ in range(20):
            fs = [executor.submit(time.sleep, 0.0001) for i in range(50)]
            # A first wait makes each future's waiter list: the futures that are done next
            # while as_completed() holds their _condition wait for it to tell their waiters.
            cf.wait(fs, timeout=0)
            assert len(list(cf.as_completed(fs, timeout=30))) == 50
            fs = [executor.submit(time.sleep, 0.0001) for i in range(50)]
            assert cf.wait(fs, timeout=30).not_done == set()
            fs = [executor.submit(time.sleep, 0.0001) for i in range(50)]
            assert cf.wait(fs, timeout=30, return_when=cf.FIRST_COMPLETED).done


def test_weft_wait_and_as_completed_take_other_futures(pool):
    import concurrent.futures as cf
    with cf.ThreadPoolExecutor(1) as stdlib_pool:
        fs = [stdlib_pool.submit(abs, -1), pool.submit(abs, -2), cf.Future()]
        fs[2].set_result(3)
        assert futures.wait(fs, timeout=30) == (set(fs), set())
        assert set(futures.as_completed(fs, timeout=30)) == set(fs)
        pending = cf.Future()
        assert futures.wait([pending, fs[1]], timeout=0.01).not_done == {pending}


def test_asyncio_runs_calls_in_a_weft_pool():
    import asyncio

    async def main(executor):
        loop = asyncio.get_running_loop()
        ran = await loop.run_in_executor(executor, weft.current_thread)
        wrapped = await asyncio.wrap_future(executor.submit(pow, 2, 10))
        # Cancelling the asyncio future cancels the weft one it waits for.
        gate = weft.Event()
        executor.submit(gate.wait)
        queued = executor.submit(abs, -1)
        waiting = asyncio.wrap_future(queued)
        await asyncio.sleep(0)
        waiting.cancel()
        with pytest.raises(asyncio.CancelledError):
            await waiting
        await asyncio.sleep(0)
        cancelled = queued.cancelled()
        gate.set()
        loop.set_default_executor(executor)
        default = await asyncio.to_thread(weft.current_thread)
        return ran, wrapped, cancelled, default

    executor = futures.ThreadPoolExecutor(1, thread_name_prefix="loop")
    ran, wrapped, cancelled, default = asyncio.run(main(executor))
    assert ran.name == default.name == "loop_0"
    assert (wrapped, cancelled) == (1024, True)
    # asyncio.run shut its default executor down.
    with pytest.raises(RuntimeError, match="cannot schedule new futures after shutdown"):
        executor.submit(abs, 1)


# Futures made with Future(): the owner completes them (weft_future_new).


def test_a_future_made_standalone_is_set_as_in_cpython():
    import concurrent.futures as cf
    f = futures.Future()
    assert isinstance(f, cf.Future) and not f.done() and not f.running()
    assert repr(f).endswith("state=pending>")
    value = object()
    f.set_result(value)
    assert f.done() and f.result() is value and f.result(timeout=0) is value
    assert f.exception() is None
    assert repr(f).endswith("state=finished returned object>")
    with pytest.raises(cf.InvalidStateError,
                       match=r"^FINISHED: <Future at 0x[0-9a-f]+ state=finished returned object>$"):
        f.set_result(1)
    with pytest.raises(cf.InvalidStateError, match="^FINISHED: "):
        f.set_exception(ValueError())
    assert f.result() is value

    failed = futures.Future()
    error = KeyError("k")
    failed.set_exception(error)
    assert failed.exception() is error and failed.done()
    with pytest.raises(KeyError) as raised:
        failed.result()
    assert raised.value is error
    assert repr(failed).endswith("state=finished raised KeyError>")


def test_set_running_or_notify_cancel_on_a_future_made_standalone():
    running = futures.Future()
    assert running.set_running_or_notify_cancel() is True
    assert running.running() and not running.cancel()
    with pytest.raises(RuntimeError, match="^Future in unexpected state$"):
        running.set_running_or_notify_cancel()
    running.set_result(2)
    assert running.result() == 2

    cancelled = futures.Future()
    assert cancelled.cancel() and cancelled.cancelled()
    assert cancelled.set_running_or_notify_cancel() is False
    # The second time CPython finds it in an unexpected state.
    with pytest.raises(RuntimeError, match="^Future in unexpected state$"):
        cancelled.set_running_or_notify_cancel()
    with pytest.raises(futures.InvalidStateError, match="^CANCELLED_AND_NOTIFIED: .*state=cancelled>$"):
        cancelled.set_result(1)
    with pytest.raises(futures.CancelledError):
        cancelled.result()
    not_notified = futures.Future()
    assert not_notified.cancel()
    with pytest.raises(futures.InvalidStateError, match="^CANCELLED: "):
        not_notified.set_exception(ValueError())


def test_a_future_made_standalone_keeps_its_value_as_long_as_it_lives():
    class Value:
        pass

    f = futures.Future()
    value = Value()
    alive = weakref.ref(value)
    f.set_result(value)
    loser = Value()
    lost = weakref.ref(loser)
    with pytest.raises(futures.InvalidStateError):
        f.set_result(loser)
    del value, loser
    gc.collect()
    assert alive() is not None and lost() is None
    assert f.result() is alive()
    del f
    gc.collect()
    assert alive() is None


def test_of_concurrent_sets_of_a_future_made_standalone_one_wins():
    for _ in range(20):
        f = futures.Future()
        barrier = weft.Barrier(4)
        won = []

        def set_(i):
            barrier.wait()
            try:
                (f.set_result if i % 2 else f.set_exception)(ValueError(i) if i % 2 == 0 else i)
                won.append(i)
            except futures.InvalidStateError:
                pass

        threads = [weft.Thread(target=set_, args=(i,)) for i in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert len(won) == 1
        if won[0] % 2:
            assert f.result() == won[0]
        else:
            assert f.exception().args == (won[0],)


def test_a_future_made_standalone_wakes_its_waiters_and_callbacks():
    import asyncio
    import concurrent.futures as cf
    called = []
    f = futures.Future()
    f.add_done_callback(lambda done: called.append(done.result()))
    timer = weft.Timer(0.05, f.set_result, (5,))
    timer.start()
    assert f.result(timeout=30) == 5 and called == [5]
    timer.join()
    f.add_done_callback(lambda done: called.append(-done.result()))
    assert called == [5, -5]

    pending, done = futures.Future(), futures.Future()
    with pytest.raises(TimeoutError):
        pending.result(timeout=0.01)
    done.set_exception(OSError())
    for wait in (futures.wait, cf.wait):
        assert wait([pending, done], timeout=0.01) == ({done}, {pending})
        assert wait([pending, done], return_when=cf.FIRST_EXCEPTION).done == {done}
    for as_completed in (futures.as_completed, cf.as_completed):
        with pytest.raises(TimeoutError):
            list(as_completed([pending, done], timeout=0.01))
    later = futures.Future()
    weft.Timer(0.05, later.set_result, ("later",)).start()
    assert list(futures.as_completed([later], timeout=30)) == [later]
    assert list(cf.as_completed([pending, done, later][1:], timeout=30))

    async def main():
        wrapped = futures.Future()
        weft.Timer(0.05, wrapped.set_result, ("asyncio",)).start()
        return await asyncio.wrap_future(wrapped)

    assert asyncio.run(main()) == "asyncio"


def test_a_subclass_that_calls_init_without_arguments():
    class ProcessFuture(futures.Future[int]):
        def __init__(self):
            super().__init__()
            self.process = None

    f = ProcessFuture()
    f.set_result(3)
    assert f.result() == 3 and f.process is None
    assert futures.wait([f]).done == {f}


def test_interrupt_reaches_a_running_task_only():
    """Future.interrupt(): the running task's weft wait raises InterruptedError and
    interrupted() is True in it; the future gets what the task returns (not cancelled); a
    pending task, a done one and the worker's next task are not interrupted."""
    started, never = weft.Event(), weft.Event()

    def task():
        started.set()
        try:
            never.wait()
        except InterruptedError:
            return "interrupted", futures.interrupted()
        return "not interrupted", futures.interrupted()

    with futures.ThreadPoolExecutor(1) as executor:
        f = executor.submit(task)
        following = executor.submit(futures.interrupted)
        assert not following.interrupt()  # pending
        assert started.wait(60)
        assert not f.cancel()  # CPython's: False for a running task
        assert f.interrupt()
        assert f.result(60) == ("interrupted", True)
        assert not f.cancelled() and not f.interrupt()
        assert following.result(60) is False
    assert not futures.interrupted()
    assert not futures.Future().interrupt()
