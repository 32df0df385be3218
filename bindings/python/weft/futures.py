"""weft.futures: ``concurrent.futures``' thread pool over weft_pool, a drop-in replacement::

    import weft.futures as futures

ThreadPoolExecutor is a weft_pool whose workers are weft threads; each Future is the task's
weft_future, and ``Future()`` makes one no task completes (weft_future_new), for the caller's
``set_result()``/``set_exception()``. A result or exception stays with its Future object here (C
keeps only the outcome), so it lives exactly as long as the Future. ``wait`` and
``as_completed`` are weft's.

Both are also the stdlib's: a Future is a ``concurrent.futures.Future`` and the executor a
``concurrent.futures.ThreadPoolExecutor`` (for asyncio's ``wrap_future``, ``run_in_executor`` and
``set_default_executor``), whose every method weft's override; a Future takes part in the
stdlib's ``wait()`` and ``as_completed()`` (see Future._waiters), and weft's hand a set with
other futures to those.
"""

import ctypes as _ctypes
import itertools as _itertools
import weakref as _weakref
from concurrent.futures import _base
from concurrent.futures import BrokenExecutor, CancelledError, Executor, InvalidStateError
from concurrent.futures import thread as _thread
from concurrent.futures.thread import BrokenThreadPool
from time import monotonic as _time

import weft as _weft
from weft import _capi
# CPython's threading module, even when sys.modules['threading'] is weft.
from weft import _threading
from weft._capi import blocking as _blocking
from weft._capi import lib as _lib

__all__ = ['FIRST_COMPLETED', 'FIRST_EXCEPTION', 'ALL_COMPLETED', 'CancelledError',
           'TimeoutError', 'InvalidStateError', 'BrokenExecutor', 'BrokenThreadPool', 'Future',
           'Executor', 'wait', 'as_completed', 'ThreadPoolExecutor']

FIRST_COMPLETED = 'FIRST_COMPLETED'
FIRST_EXCEPTION = 'FIRST_EXCEPTION'
ALL_COMPLETED = 'ALL_COMPLETED'
# weft_return_when values (WEFT_FIRST_COMPLETED, ...).
_RETURN_WHEN = {FIRST_COMPLETED: 0, FIRST_EXCEPTION: 1, ALL_COMPLETED: 2}

TimeoutError = TimeoutError
DoneAndNotDoneFutures = _base.DoneAndNotDoneFutures

_FOREVER, _OK, _TIMEOUT = _capi.TIMEOUT_FOREVER, _capi.OK, _capi.TIMEOUT
_CANCELLED = _capi.CANCELLED
# The hot paths' calls (see _capi._HOT) and what they take.
_submit, _result_now = _capi.raw.weft_pool_submit, _capi.raw.weft_future_result
_buffers, _new_buffer = _capi.buffers, _capi.new_buffer
_C_NOW = _ctypes.c_double.from_param(0.0)
_key = _ctypes.c_void_p.from_param
_keys = _itertools.count(1)
_new_object = object.__new__
# What a task's C callback needs, by the key it passes back: (future, fn, args, kwargs).
_tasks = {}
# Done callbacks not yet run, by key: (fn, future).
_done_callbacks = {}
# Executors not yet shut down, to shut down before the interpreter finalizes.
_executors = _weakref.WeakSet()


def _timeout(timeout):
    """A C timeout for result(timeout)/exception(timeout): None waits, negative acts as 0."""
    if timeout is None:
        return _FOREVER
    timeout = max(_capi.seconds(timeout), 0.0)
    _capi.check_timeout(timeout)
    return timeout


class Future(_base.Future):
    """Represents the result of an asynchronous computation (a weft_future).

    ThreadPoolExecutor.submit() makes those of its tasks; ``Future()`` makes one that its
    owner completes with set_result() or set_exception() (weft_future_new), as CPython's. The C
    future is the state: the stdlib's attributes are not set, but for those its ``wait()`` and
    ``as_completed()`` use (``_condition``, ``_state``, ``_waiters``).
    """

    _handle = _capi.handle_attribute
    # Made on first use by the stdlib's wait() or as_completed(), and kept on the instance.
    _lock = None
    _waiter_list = None
    # The state those waiters were told (FINISHED or CANCELLED_AND_NOTIFIED), once told.
    _told = None
    # A future of Future(): what each set_result() and set_exception() call gave, by the key
    # it passed to C as the result pointer or failure code (those that lost to another call
    # are removed), so that the one C kept is found by the key C gives back. None for a
    # pool's future, whose task keeps its outcome in _result and _exception.
    _values = None
    # A pool's future: its task's outcome, set by the task (_run_task).
    _result = _exception = None

    def __init__(self):
        """Initializes the future: pending until set_result(), set_exception() or cancel()."""
        self._handle = _capi.new_handle(_lib.weft_future_new)
        self._values = {}

    @property
    def _condition(self):
        """The lock the stdlib's wait() and as_completed() hold while they read ``_state`` and
        install a waiter, and _tell_waiters while it tells them."""
        lock = self._lock
        if lock is None:
            lock = self.__dict__.setdefault('_lock', _weft.Condition())
        return lock

    @property
    def _waiters(self):
        """The waiters of the stdlib's wait() and as_completed(): told by _tell_waiters, a done
        callback added at the first use (at once, in this thread, if the task is done)."""
        waiters = self._waiter_list
        if waiters is None:
            new = []
            waiters = self.__dict__.setdefault('_waiter_list', new)
            if waiters is new:
                self.add_done_callback(_tell_waiters)
        return waiters

    @property
    def _state(self):
        """CPython's state name, for the stdlib's wait() and as_completed(): done only once the
        waiters have been told, so that each waiter installed while it was not is told once."""
        self._waiters  # adds the callback that tells them
        return self._told or (_base.RUNNING if self.running() else _base.PENDING)

    def set_running_or_notify_cancel(self):
        """Mark the future as running or process any cancel notifications.

        Should only be used by Executor implementations and unit tests.

        If the future has been cancelled (cancel() was called and returned
        True) then any threads waiting on the future completing (though calls
        to as_completed() or wait()) are notified and False is returned.

        If the future was not cancelled then it is put in the running state
        (future calls to running() will return True) and True is returned.

        This method should be called by Executor implementations before
        executing the work associated with this future. If this method returns
        False then the work should not be executed.

        Returns:
            False if the Future was cancelled, True otherwise.

        Raises:
            RuntimeError: if this method was already called or if set_result()
                or set_exception() was called.
        """
        status = _lib.weft_future_set_running_or_notify_cancel(self._handle)
        if status == _OK:
            return True
        # C says CANCELLED every time; CPython raises from the second call on.
        first = object()
        if status == _CANCELLED and self.__dict__.setdefault('_notified', first) is first:
            return False
        if status in (_CANCELLED, _capi.WRONG_STATE):
            _base.LOGGER.critical('Future %s in unexpected state: %s', id(self), self._state)
            raise RuntimeError('Future in unexpected state')
        _capi.check(status)

    def _set(self, value, call):
        """set_result(value) or set_exception(value): ``call(handle, key)`` completes the C
        future with ``key`` (a nonzero C int), under which ``value`` is kept."""
        if self._values is None:
            raise InvalidStateError('{!r}: a future of a weft pool is set by its task'.format(self))
        key = next(_keys) & 0x7FFFFFFF or 1
        self._values[key] = value
        status = call(self._handle, key)
        if status:
            del self._values[key]
            if status == _capi.INVALID_STATE_FINISHED:
                raise InvalidStateError('{}: {!r}'.format(_base.FINISHED, self))
            if status == _capi.INVALID_STATE_CANCELLED:
                state = _base.CANCELLED_AND_NOTIFIED if '_notified' in self.__dict__ else _base.CANCELLED
                raise InvalidStateError('{}: {!r}'.format(state, self))
            _capi.check(status)

    def set_result(self, result):
        """Sets the return value of work associated with the future.

        Should only be used by Executor implementations and unit tests.
        """
        self._set(result, lambda handle, key: _lib.weft_future_set_result(handle, key, None))

    def set_exception(self, exception):
        """Sets the result of the future as being the given exception.

        Should only be used by Executor implementations and unit tests.
        """
        self._set(exception, _lib.weft_future_set_exception)

    def _failure(self):
        """The exception of a done future that was not cancelled (None if it has none)."""
        if self._values is None:
            return self._exception
        code = _ctypes.c_int()
        _capi.check(_lib.weft_future_exception(self._handle, 0.0, _ctypes.byref(code)))
        return self._values[code.value] if code.value else None

    def __del__(self, free=_lib.weft_future_free, release=_capi.release):
        release(self, free)

    def __repr__(self):
        if self.cancelled():
            state = 'cancelled'
        elif self.done():
            exception = self._failure()
            if exception is not None:
                state = 'finished raised %s' % exception.__class__.__name__
            else:
                result = self._result if self._values is None else self.result(0)
                state = 'finished returned %s' % result.__class__.__name__
        else:
            state = 'running' if self.running() else 'pending'
        return '<%s at %#x state=%s>' % (self.__class__.__name__, id(self), state)

    @property
    def handle(self):
        """The weft_future handle (a C pointer as an int), valid while this object lives."""
        return self._handle

    def cancel(self):
        """Cancel the future if possible.

        Returns True if the future was cancelled, False otherwise. A future
        cannot be cancelled if it is running or has already completed.
        """
        return _lib.weft_future_cancel(self._handle)

    def interrupt(self):
        """Interrupt the task if a worker is running it (not in CPython; Java's
        ``cancel(True)``), where cancel() returns False.

        For the rest of the task's run, its weft waits (a Lock's acquire, an Event's wait, a
        queue's get, ...) raise InterruptedError and interrupted() is True in it, so that it
        can stop early; the future then ends with what the task returns or raises, and is not
        cancelled. Returns True if the task was running, False if it is pending (cancel() it),
        done, or a Future() made by hand (weft_future_interrupt).
        """
        return _lib.weft_future_interrupt(self._handle)

    def cancelled(self):
        """Return True if the future was cancelled."""
        return _lib.weft_future_cancelled(self._handle)

    def running(self):
        """Return True if the future is currently executing."""
        return _lib.weft_future_running(self._handle)

    def done(self):
        """Return True if the future was cancelled or finished executing."""
        return _lib.weft_future_done(self._handle)

    def add_done_callback(self, fn):
        """Attaches a callable that will be called when the future finishes.

        Args:
            fn: A callable that will be called with this future as its only
                argument when the future completes or is cancelled. The callable
                will always be called by a thread in the same process in which
                it was added. If the future has already completed or been
                cancelled then the callable will be called immediately. These
                callables are called in the order that they were added.
        """
        key = next(_keys)
        _done_callbacks[key] = (fn, self)
        status = _lib.weft_future_add_done_callback(self._handle, _DONE_CALLBACK, key)
        if status:
            del _done_callbacks[key]
            _capi.check(status)

    def _outcome(self, call, timeout):
        handle = self._handle
        status = _capi.wait(lambda t: call(handle, t), _timeout(timeout))
        if status == _TIMEOUT:
            raise TimeoutError()
        if status == _capi.CANCELLED:
            raise CancelledError()
        return status

    def result(self, timeout=None):
        """Return the result of the call that the future represents.

        Args:
            timeout: The number of seconds to wait for the result if the future
                isn't done. If None, then there is no limit on the wait time.

        Returns:
            The result of the call that the future represents.

        Raises:
            CancelledError: If the future was cancelled.
            TimeoutError: If the future didn't finish executing before the given
                timeout.
            Exception: If the call raised then that exception will be raised.
        """
        # The common case first: the task is done, and one call that keeps the GIL tells. (The
        # result pointer is used by a future of Future() only, see _values: a task's result
        # is on this object.)
        try:
            buffer = _buffers.pop()
        except IndexError:
            buffer = _new_buffer()
        values = self._values
        status = _result_now(self._as_parameter_, _C_NOW, buffer[1])
        key = None if values is None else buffer[0].value
        _buffers.append(buffer)
        if status == _TIMEOUT:
            out = _ctypes.c_void_p()
            status = self._outcome(
                lambda handle, t: _blocking.weft_future_result(handle, t, _ctypes.byref(out)),
                timeout)
            key = out.value
        elif status == _CANCELLED:
            raise CancelledError()
        if status:
            if status == _capi.TASK_FAILED:
                try:
                    raise self._failure()
                finally:
                    # Break a reference cycle with the exception in self._exception
                    self = None
            raise _capi.error(status)
        return self._result if values is None else values[key]

    def exception(self, timeout=None):
        """Return the exception raised by the call that the future represents.

        Args:
            timeout: The number of seconds to wait for the exception if the
                future isn't done. If None, then there is no limit on the wait
                time.

        Returns:
            The exception raised by the call that the future represents or None
            if the call completed without raising.

        Raises:
            CancelledError: If the future was cancelled.
            TimeoutError: If the future didn't finish executing before the given
                timeout.
        """
        code = _ctypes.c_int()
        status = self._outcome(
            lambda handle, t: _blocking.weft_future_exception(handle, t, _ctypes.byref(code)),
            timeout)
        if status == _capi.POOL_BROKEN:
            return _capi.error(status)
        _capi.check(status)
        if not code.value:
            return None
        return self._exception if self._values is None else self._values[code.value]


def interrupted():
    """True in a task whose future's interrupt() was called (weft_cancelled()): the check a
    task that does not wait makes at points of its choosing to stop early. Not in CPython."""
    return _lib.weft_cancelled()


def _tell_waiters(future):
    """Tells the waiters of the stdlib's wait() and as_completed() that ``future`` is done, as
    CPython's set_result(), set_exception() and cancellation do, under its ``_condition``."""
    with future._condition:
        if future.cancelled():
            future._told, tell = _base.CANCELLED_AND_NOTIFIED, 'add_cancelled'
        else:
            future._told = _base.FINISHED
            tell = 'add_result' if future.exception() is None else 'add_exception'
        for waiter in future._waiters:
            getattr(waiter, tell)(future)


@_capi.task_fn
def _run_task(key, result_out, tasks=_tasks):
    """The C task of every submit(): runs fn(*args, **kwargs) and keeps its outcome on the
    future. Returns 0, or 1 if it raised."""
    future, fn, args, kwargs = tasks[key]
    ident = _threading.get_ident()
    # CPython's threading.current_thread() (and logging) see the worker as weft does (its
    # object, made by the initializer, in a thread-local that lives as long as the worker).
    _threading._active[ident] = _worker.thread
    try:
        future._result = fn(*args, **kwargs)
        return 0
    except BaseException as exc:  # noqa: B902 - raised again by result()
        future._exception = exc
        return 1
    finally:
        _threading._active.pop(ident, None)


@_capi.free_fn
def _forget_task(key, tasks=_tasks):
    tasks.pop(key, None)


@_capi.future_callback
def _run_done_callback(handle, key, callbacks=_done_callbacks):
    fn, future = callbacks.pop(key)
    try:
        fn(future)
    except Exception:
        _base.LOGGER.exception('exception calling callback for %r', future)


# What a worker keeps (its weft.Thread object, as `thread`).
_worker = _threading.local()
_gil_ensure = _ctypes.pythonapi.PyGILState_Ensure
_gil_ensure.restype = _ctypes.c_int
_gil_ensure.argtypes = []
_gil_release = _ctypes.pythonapi.PyGILState_Release
_gil_release.restype = None
_gil_release.argtypes = [_ctypes.c_int]
_GIL_LOCKED = 0  # PyGILState_LOCKED: what _gil_ensure() gives inside a C callback


@_capi.free_fn
def _release_worker_state(_):
    """Run by each worker as it exits (the ``value_free`` of ``_worker_states``): gives back the
    GIL state its initializer took. The C callback this runs in gives back its own on return,
    the last one, so Python clears the worker's thread state (its ``threading.local`` values)
    and deletes it there, in its own thread, as CPython requires (3.13 aborts otherwise)."""
    _gil_release(_GIL_LOCKED)


_RELEASE_WORKER_STATE = _ctypes.cast(_release_worker_state, _ctypes.c_void_p).value
# A weft_local in which each worker stores a value (none: NULL) so that weft calls
# _release_worker_state in it as it exits, before a join returns. It is never freed: no worker
# ever outlives it, and in a child made by fork() the parent's workers' values stay in it,
# unused (the interpreter freed their thread states at the fork).
_worker_states = _capi.new_handle(_lib.weft_local_new, None, None, None, _RELEASE_WORKER_STATE)


@_capi.init_fn
def _run_initializer(key, tasks=_tasks):
    """The initializer of every pool's workers: ``tasks[key]`` is (initializer or None,
    initargs).

    A worker is a weft thread Python did not start, so each C callback into Python (each task)
    would make a Python thread state and destroy it on return. Taking the GIL state once more
    here, given back as the worker exits (see _release_worker_state), keeps one thread state
    for the worker's whole life, as a worker of CPython's executor has (its ``threading.local``
    values, too, outlive a task, and are freed once shutdown(wait=True) has returned).
    """
    _gil_ensure()
    _capi.check(_lib.weft_local_set(_worker_states, None))
    _worker.thread = _weft.current_thread()
    initializer, initargs = tasks[key]
    if initializer is None:
        return 0
    try:
        initializer(*initargs)
        return 0
    except BaseException:  # noqa: B902 - logged and breaks the pool, as in CPython
        _base.LOGGER.critical('Exception in initializer:', exc_info=True)
        return 1


# The callbacks as the C pointers passed to weft.
_TASK, _FORGET_TASK, _DONE_CALLBACK, _INITIALIZER = (
    _ctypes.cast(f, _ctypes.c_void_p).value
    for f in (_run_task, _forget_task, _run_done_callback, _run_initializer))
_C_TASK, _C_FORGET_TASK = _key(_TASK), _key(_FORGET_TASK)


class ThreadPoolExecutor(_thread.ThreadPoolExecutor):
    """A pool of weft threads (a weft_pool) running the calls submitted to it."""

    _handle = _capi.handle_attribute

    def __init__(self, max_workers=None, thread_name_prefix='',
                 initializer=None, initargs=()):
        """Initializes a new ThreadPoolExecutor instance.

        Args:
            max_workers: The maximum number of threads that can be used to
                execute the given calls.
            thread_name_prefix: An optional name prefix to give our threads.
            initializer: A callable used to initialize worker threads.
            initargs: A tuple of arguments to pass to the initializer.
        """
        if max_workers is not None and max_workers <= 0:
            raise _capi.error(_capi.MAX_WORKERS)
        if initializer is not None and not callable(initializer):
            raise TypeError("initializer must be a callable")
        key = next(_keys)
        _tasks[key] = (initializer, initargs)
        try:
            self._handle = _capi.new_handle(
                _lib.weft_pool_new, max_workers or 0, str(thread_name_prefix).encode() or None,
                _INITIALIZER, key, _FORGET_TASK)
        except BaseException:
            del _tasks[key]
            raise
        # Whether the work list is bounded (max_pending): submit() then waits for room with
        # the GIL released.
        self._bounded = False
        self._thread_name_prefix = thread_name_prefix
        _executors.add(self)
        # The exit waits for the workers: in the main thread, a signal must end that wait.
        _capi.watch_signals()

    def __del__(self, free=_lib.weft_pool_free, release=_capi.release):
        release(self, free)

    @property
    def handle(self):
        """The weft_pool handle (a C pointer as an int), valid while this object lives."""
        return self._handle

    @property
    def _max_workers(self):
        """The most worker threads (CPython's attribute; ``max_workers`` changes it)."""
        return _lib.weft_pool_max_workers(self._handle)

    @property
    def max_workers(self):
        """The most worker threads. Setting it resizes the pool (weft_pool_set_max_workers):
        more starts workers for the calls waiting; fewer retires workers as they finish their
        calls. None sets CPython's default, min(32, os.cpu_count() + 4)."""
        return _lib.weft_pool_max_workers(self._handle)

    @max_workers.setter
    def max_workers(self, value):
        if value is not None and value <= 0:
            raise _capi.error(_capi.MAX_WORKERS)
        _capi.check(_lib.weft_pool_set_max_workers(self._handle, value or 0))

    @property
    def max_pending(self):
        """The most calls submitted and waiting for a worker at once, 0 for no limit (the
        default). Setting it bounds the pool's work list (weft_pool_set_max_pending): a
        submit() that finds it full waits for a worker to take a call."""
        return _lib.weft_pool_max_pending(self._handle)

    @max_pending.setter
    def max_pending(self, value):
        value = max(value.__index__(), 0)
        _capi.check(_lib.weft_pool_set_max_pending(self._handle, value))
        self._bounded = value > 0

    def _counts(self):
        counts = [_ctypes.c_size_t() for _ in range(3)]
        _capi.check(_lib.weft_pool_counts(self._handle, *map(_ctypes.byref, counts)))
        return [c.value for c in counts]

    @property
    def pending(self):
        """How many calls wait for a worker now (CPython: ``_work_queue.qsize()``)."""
        return self._counts()[0]

    @property
    def active(self):
        """How many workers run a call (or their initializer) now."""
        return self._counts()[1]

    @property
    def idle(self):
        """How many workers wait for a call now."""
        return self._counts()[2]

    def submit(self, fn, /, *args, **kwargs):
        """Submits a callable to be executed with the given arguments.

        Schedules the callable to be executed as fn(*args, **kwargs) and returns
        a Future instance representing the execution of the callable.
        """
        if _shutting_down:
            raise RuntimeError('cannot schedule new futures after interpreter shutdown')
        key = next(_keys)
        # The future of the task, without __init__ (the handle is the task's, given below):
        # this makes no Python call.
        future = _new_object(Future)
        _tasks[key] = (future, fn, args, kwargs)
        try:
            buffer = _buffers.pop()
        except IndexError:
            buffer = _new_buffer()
        if self._bounded:
            pool = self._handle
            status = _capi.wait(
                lambda t: _blocking.weft_pool_submit_timeout(
                    pool, _C_TASK, _key(key), _C_FORGET_TASK, True, t, buffer[1]),
                _FOREVER)
        else:
            status = _submit(self._as_parameter_, _C_TASK, _key(key), _C_FORGET_TASK, buffer[1])
        handle = buffer[0].value
        _buffers.append(buffer)
        if status:
            _tasks.pop(key, None)
            _capi.check(status)
        # What handle_attribute's setter does, without the Python call.
        future._h, future._as_parameter_ = handle, _key(handle)
        return future

    submit.__doc__ = Executor.submit.__doc__

    def shutdown(self, wait=True, *, cancel_futures=False):
        """Clean-up the resources associated with the Executor.

        It is safe to call this method several times. Otherwise, no other
        methods can be called after this one.
        """
        handle = self._handle
        if wait:
            status = _capi.wait(
                lambda t: _blocking.weft_pool_shutdown(handle, True, bool(cancel_futures)),
                _FOREVER)
        else:
            status = _lib.weft_pool_shutdown(handle, False, bool(cancel_futures))
        _capi.check(status)
        _executors.discard(self)


def _all_weft(fs):
    """Whether weft can wait for ``fs`` (else the stdlib's wait() and as_completed() can)."""
    return all(isinstance(f, Future) for f in fs)


def _take(items, index):
    """``items[index]``, replaced there by None."""
    item, items[index] = items[index], None
    return item


def _handles(fs):
    return (_ctypes.c_void_p * len(fs))(*[f._handle for f in fs])


def wait(fs, timeout=None, return_when=ALL_COMPLETED):
    """Wait for the futures in the given sequence to complete.

    Args:
        fs: The sequence of Futures (possibly created by different Executors) to
            wait upon.
        timeout: The maximum number of seconds to wait. If None, then there
            is no limit on the wait time.
        return_when: Indicates when this function should return. The options
            are:

            FIRST_COMPLETED - Return when any future finishes or is
                              cancelled.
            FIRST_EXCEPTION - Return when any future finishes by raising an
                              exception. If no future raises an exception
                              then it is equivalent to ALL_COMPLETED.
            ALL_COMPLETED -   Return when all futures finish or are cancelled.

    Returns:
        A named 2-tuple of sets. The first set, named 'done', contains the
        futures that completed (is finished or cancelled) before the wait
        completed. The second set, named 'not_done', contains uncompleted
        futures. Duplicate futures given to *fs* are removed and will be
        returned only once.
    """
    fs = list(dict.fromkeys(fs))
    if not _all_weft(fs):
        return _base.wait(fs, timeout, return_when)
    if return_when not in _RETURN_WHEN:
        raise ValueError("Invalid return condition: %r" % return_when)
    handles = _handles(fs)
    done = (_ctypes.c_bool * len(fs))()
    when = _RETURN_WHEN[return_when]
    status = _capi.wait(
        lambda t: _blocking.weft_futures_wait(handles, len(fs), t, when, done),
        _timeout(timeout))
    if status != _TIMEOUT:
        _capi.check(status)
    return DoneAndNotDoneFutures({f for f, d in zip(fs, done) if d},
                                 {f for f, d in zip(fs, done) if not d})


def as_completed(fs, timeout=None):
    """An iterator over the given futures that yields each as it completes.

    Args:
        fs: The sequence of Futures (possibly created by different Executors) to
            iterate over.
        timeout: The maximum number of seconds to wait. If None, then there
            is no limit on the wait time.

    Returns:
        An iterator that yields the given Futures as they complete (finished or
        cancelled). If any given Futures are duplicated, they will be returned
        once.

    Raises:
        TimeoutError: If the entire result iterator could not be generated
            before the given timeout.
    """
    fs = list(dict.fromkeys(fs))
    if not _all_weft(fs):
        return _base.as_completed(fs, timeout)
    return _as_completed(fs, timeout)


def _as_completed(fs, timeout):
    """as_completed() for weft futures only (``fs``, without duplicates)."""
    end_time = None if timeout is None else timeout + _time()
    # A weft_as_completed: registered with each future once, it hands them out in linear time.
    iterator = _ctypes.c_void_p()
    _capi.check(_lib.weft_as_completed_new(_handles(fs), len(fs), _ctypes.byref(iterator)))
    index = _ctypes.c_size_t()
    try:
        for taken in range(len(fs)):
            remaining = None if end_time is None else end_time - _time()
            status = _capi.wait(
                lambda t: _blocking.weft_as_completed_next(iterator, t, _ctypes.byref(index)),
                _timeout(remaining))
            if status == _TIMEOUT:
                raise TimeoutError('%d (of %d) futures unfinished' % (len(fs) - taken, len(fs)))
            _capi.check(status)
            # As CPython's: the caller's reference is the only one this generator keeps.
            yield _take(fs, index.value)
    finally:
        _lib.weft_as_completed_free(iterator)


_shutting_down = False


def _python_exit():
    """Shuts every executor down before the interpreter finalizes, as CPython does: queued
    calls still run, and the workers are waited for."""
    global _shutting_down
    _shutting_down = True
    for executor in list(_executors):
        executor.shutdown(wait=True)


_weft._register_atexit(_python_exit)
