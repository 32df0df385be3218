"""weft: Python's ``threading`` module over libweft, a drop-in replacement::

    import weft as threading

(``weft.queue`` and ``weft.futures`` likewise replace ``queue`` and ``concurrent.futures``.)

Threads are weft threads (created by libweft, visible to C code sharing the library); locks and
the other primitives are weft objects, whose handles C code can use too. Names, signatures,
defaults, return values and exceptions are CPython 3.11's.
"""

# First: raises ImportError in a subinterpreter, before anything is loaded or started.
from weft import _main_interpreter  # noqa: F401
import contextlib as _contextlib
import contextvars as _contextvars
import ctypes as _ctypes
import itertools as _itertools
import os as _os
import sys as _sys
import threading as _threading
import weakref as _weakref
import _thread

from weft import _capi
from weft._capi import blocking as _blocking
from weft._capi import lib as _lib
from weft._capi import raw as _raw
from weft._capi import raw_blocking as _raw_blocking

__all__ = ['get_ident', 'active_count', 'current_thread',
           'enumerate', 'main_thread', 'TIMEOUT_MAX',
           'Event', 'Lock', 'RLock', 'RWLock', 'Semaphore', 'BoundedSemaphore', 'Thread',
           'Barrier', 'Condition', 'Timer',
           'BrokenBarrierError', 'ThreadError',
           'setprofile', 'settrace', 'local', 'stack_size',
           'excepthook', 'ExceptHookArgs', 'gettrace', 'getprofile', 'get_native_id']

__version__ = "0.1.0"

TIMEOUT_MAX = _capi.TIMEOUT_MAX
ThreadError = _thread.error
BrokenBarrierError = _capi.BrokenBarrierError

_FOREVER = _capi.TIMEOUT_FOREVER
_main_ident = _capi._main_ident
# The hot paths' calls (see _capi._HOT): they take a handle's _as_parameter_, bools and what
# from_param makes only.
_lock_try, _lock_release = _raw.weft_lock_acquire, _raw.weft_lock_release
_rlock_try, _rlock_release = _raw.weft_rlock_acquire, _raw.weft_rlock_release
_semaphore_try, _semaphore_release = _raw.weft_semaphore_acquire, _raw.weft_semaphore_release
_event_set, _event_clear = _raw.weft_event_set, _raw.weft_event_clear
_event_is_set, _event_wait = _raw.weft_event_is_set, _raw_blocking.weft_event_wait
_condition_notify, _condition_wait = _raw.weft_condition_notify, _raw_blocking.weft_condition_wait
_ONE_INT, _ONE = 1, _ctypes.c_size_t.from_param(1)
_C_FOREVER = _ctypes.c_double.from_param(_FOREVER)
_OK, _TIMEOUT = _capi.OK, _capi.TIMEOUT
_check, _error, _seconds, _wait = _capi.check, _capi.error, _capi.seconds, _capi.wait


def get_ident():
    """Return a non-zero integer that uniquely identifies the current thread amongst other
    threads that exist simultaneously (weft_get_ident, the same value as _thread.get_ident)."""
    return _lib.weft_get_ident()


def get_native_id():
    """Return the native integral thread ID of the current thread assigned by the kernel."""
    return _lib.weft_get_native_id()


# Support for profile and trace hooks

_profile_hook = None
_trace_hook = None


def setprofile(func):
    """Set a profile function for all threads started from the weft module.

    The func will be passed to sys.setprofile() for each thread, before its
    run() method is called.
    """
    global _profile_hook
    _profile_hook = func


def getprofile():
    """Get the profiler function as set by weft.setprofile()."""
    return _profile_hook


if _sys.version_info >= (3, 12):
    def setprofile_all_threads(func):
        """Set a profile function for all threads started from the weft module
        and all Python threads that are currently executing.

        The func will be passed to sys.setprofile() for each thread, before its
        run() method is called.
        """
        setprofile(func)
        _sys._setprofileallthreads(func)

    __all__.append('setprofile_all_threads')


def settrace(func):
    """Set a trace function for all threads started from the weft module.

    The func will be passed to sys.settrace() for each thread, before its run()
    method is called.
    """
    global _trace_hook
    _trace_hook = func


def gettrace():
    """Get the trace function as set by weft.settrace()."""
    return _trace_hook


if _sys.version_info >= (3, 12):
    def settrace_all_threads(func):
        """Set a trace function for all threads started from the weft module
        and all Python threads that are currently executing.

        The func will be passed to sys.settrace() for each thread, before its run()
        method is called.
        """
        settrace(func)
        _sys._settraceallthreads(func)

    __all__.append('settrace_all_threads')


# Keys that C code passes back to this module's callbacks (threads, barrier actions).
_keys = _itertools.count(1)


# --- Sharing objects with C -------------------------------------------------------------------


class _Handle:
    """A Python object owning one reference to a weft handle.

    ``obj.handle`` is the C pointer (an int) and ``obj._as_parameter_`` (its c_void_p) lets the
    object be passed straight to a ctypes function taking the C type; C code that keeps the
    handle beyond the call takes its own reference with ``weft_<type>_clone``.
    ``Type.from_handle(ptr)`` wraps a handle made by C code, taking a new reference to it.
    """

    __slots__ = ("_h", "_as_parameter_", "__weakref__")
    _clone = _free = None  # set per type
    _handle = _capi.handle_attribute

    @property
    def handle(self):
        """The weft handle (a C pointer as an int), valid while this object lives."""
        return self._handle

    @classmethod
    def from_handle(cls, handle):
        """An object for a handle C code made; takes a new reference (the caller keeps its own)."""
        clone = cls._clone(handle)
        if not clone:
            raise _error(_capi.WRONG_HANDLE)
        self = cls.__new__(cls)
        self._handle = clone
        self._adopt()
        return self

    def _adopt(self):
        """Sets what __init__ would besides the handle, for an object made by from_handle()."""

    def __del__(self, release=_capi.release):
        release(self, type(self)._free)


def _acquire(try_acquire, wait_acquire, handle, blocking, timeout):
    """acquire(blocking=True, timeout=-1) of Lock and RLock: one attempt keeping the GIL, then,
    if needed and allowed, a wait that releases it."""
    timeout = _seconds(timeout)
    if not blocking:
        status = try_acquire(handle, False, timeout)
    else:
        _capi.check_timeout(timeout)
        status = try_acquire(handle, False, _FOREVER)
        if status == _TIMEOUT and timeout != 0.0:
            status = _wait(lambda t: wait_acquire(handle, True, t), timeout)
    if status == _TIMEOUT:
        return False
    _check(status)
    return True


class Lock(_Handle):
    """A primitive lock (weft_lock), like ``_thread.LockType``: not reentrant, and any thread may
    release it."""

    __slots__ = ()
    _clone = _lib.weft_lock_clone
    _free = _lib.weft_lock_free

    def __init__(self):
        self._handle = _capi.new_handle(_lib.weft_lock_new)

    def acquire(self, blocking=True, timeout=-1):
        """Lock the lock. Without argument, this blocks if the lock is already locked (even by
        the same thread), waiting for another thread to release the lock, and returns True once
        the lock is acquired. With an argument, this will only block if the argument is true,
        and the return value reflects whether the lock is acquired. The blocking operation is
        interruptible."""
        # The common case first: no arguments, and the lock is free.
        if blocking is True and timeout == -1 and not _lock_try(
                self._as_parameter_, False, _C_FOREVER):
            return True
        return _acquire(_lib.weft_lock_acquire, _blocking.weft_lock_acquire, self._handle,
                        blocking, timeout)

    acquire_lock = acquire
    # As CPython's: `with` calls this class's acquire and release, not a subclass's. Each is
    # the method itself, or its body, not a call to it (a Python call costs a frame).
    __enter__ = acquire

    def release(self):
        """Release the lock, allowing another thread that is blocked waiting for the lock to
        acquire the lock. The lock must be in the locked state, but it needn't be locked by the
        same thread that unlocks it."""
        status = _lock_release(self._as_parameter_)
        if status:
            raise _error(status)

    release_lock = release

    def __exit__(self, t, v, tb):
        status = _lock_release(self._as_parameter_)
        if status:
            raise _error(status)

    def locked(self):
        """Return whether the lock is in the locked state."""
        return _lib.weft_lock_locked(self._handle)

    locked_lock = locked

    def _at_fork_reinit(self):
        old, self._handle = self._handle, _capi.new_handle(_lib.weft_lock_new)
        _lib.weft_lock_free(old)

    def __repr__(self):
        return "<%s %s.%s object at %s>" % (
            "locked" if self.locked() else "unlocked",
            self.__class__.__module__,
            self.__class__.__qualname__,
            hex(id(self)),
        )


class RLock(_Handle):
    """A reentrant lock (weft_rlock): the owning thread may acquire it again, and must release it
    as many times. Only the owner may release it."""

    __slots__ = ()
    _clone = _lib.weft_rlock_clone
    _free = _lib.weft_rlock_free

    def __init__(self):
        self._handle = _capi.new_handle(_lib.weft_rlock_new)

    def acquire(self, blocking=True, timeout=-1):
        """Acquire a lock, blocking or non-blocking, as threading.RLock.acquire."""
        # The common case first: no arguments, and the lock is free or this thread's.
        if blocking is True and timeout == -1 and not _rlock_try(
                self._as_parameter_, False, _C_FOREVER):
            return True
        return _acquire(_lib.weft_rlock_acquire, _blocking.weft_rlock_acquire, self._handle,
                        blocking, timeout)

    __enter__ = acquire  # as in Lock

    def release(self):
        """Release a lock, decrementing the recursion level; RuntimeError if the calling thread
        does not own it."""
        status = _rlock_release(self._as_parameter_)
        if status:
            raise _error(status)

    def __exit__(self, t, v, tb):
        status = _rlock_release(self._as_parameter_)
        if status:
            raise _error(status)

    if _sys.version_info >= (3, 14):
        def locked(self):
            """Return whether this object is locked."""
            return _lib.weft_rlock_locked(self._handle)

    # Internal methods used by condition variables

    def _is_owned(self):
        return _lib.weft_rlock_is_owned(self._handle)

    def _recursion_count(self):
        return _lib.weft_rlock_recursion_count(self._handle)

    def _release_save(self):
        count = self._recursion_count()
        if not count:
            raise _error(_capi.NOT_OWNER)
        for _ in range(count):
            self.release()
        return (count, get_ident())

    def _acquire_restore(self, state):
        count, _owner = state
        self.acquire()
        for _ in range(count - 1):
            self.acquire()

    def _at_fork_reinit(self):
        old, self._handle = self._handle, _capi.new_handle(_lib.weft_rlock_new)
        _lib.weft_rlock_free(old)

    def __repr__(self):
        # Only the owner's own count is visible through the C API (weft_rlock_recursion_count);
        # any thread sees who the owner is (weft_rlock_owner).
        owner = _lib.weft_rlock_owner(self._handle)
        return "<%s %s.%s object owner=%r count=%d at %s>" % (
            "locked" if owner else "unlocked",
            self.__class__.__module__,
            self.__class__.__qualname__,
            owner or None,
            self._recursion_count(),
            hex(id(self)),
        )


def _blocking_wait(call, handle, timeout):
    """wait(timeout=None) of Condition and Event: None waits without limit and, as in CPython,
    a negative timeout acts as 0. Returns the status of the C call."""
    if timeout is None:
        timeout = _FOREVER
    else:
        timeout = max(_seconds(timeout), 0.0)
        _capi.check_timeout(timeout)
    return _wait(lambda t: call(handle, t), timeout)



class RWLock(_Handle):
    """A reader-writer lock (weft_rwlock; pthreads' ``pthread_rwlock_t``, Java's
    ``ReentrantReadWriteLock``), not in CPython: any number of readers, or one writer. Writers
    first, in phases: while a writer waits, no new reader gets in, and a writer's release hands
    the lock to every reader waiting, so neither side waits for ever. Each hold belongs to its
    thread; a reader asking to write (no upgrade), or the writer asking again, raises
    ``RuntimeError`` instead of deadlocking. ``with lock.read():`` and ``with lock.write():``
    hold it for a block."""

    __slots__ = ()
    _clone = _lib.weft_rwlock_clone
    _free = _lib.weft_rwlock_free

    def __init__(self):
        self._handle = _capi.new_handle(_lib.weft_rwlock_new)

    def acquire_read(self, blocking=True, timeout=-1):
        """Take a read hold, as ``Lock.acquire`` takes the lock; return whether it was taken."""
        return _acquire(_lib.weft_rwlock_acquire_read, _blocking.weft_rwlock_acquire_read,
                        self._handle, blocking, timeout)

    def release_read(self):
        """Give back one read hold of the calling thread."""
        _check(_lib.weft_rwlock_release_read(self._handle))

    def acquire_write(self, blocking=True, timeout=-1):
        """Take the write hold, as ``Lock.acquire`` takes the lock; return whether it was
        taken."""
        return _acquire(_lib.weft_rwlock_acquire_write, _blocking.weft_rwlock_acquire_write,
                        self._handle, blocking, timeout)

    def release_write(self):
        """Give back the calling thread's write hold."""
        _check(_lib.weft_rwlock_release_write(self._handle))

    @_contextlib.contextmanager
    def read(self):
        """Hold a read lock for a ``with`` block."""
        self.acquire_read()
        try:
            yield self
        finally:
            self.release_read()

    @_contextlib.contextmanager
    def write(self):
        """Hold the write lock for a ``with`` block."""
        self.acquire_write()
        try:
            yield self
        finally:
            self.release_write()


class Condition(_Handle):
    """Class that implements a condition variable (a weft_condition).

    A condition variable allows one or more threads to wait until they are
    notified by another thread.

    If the lock argument is given and not None, it must be a Lock or RLock
    object, and it is used as the underlying lock. Otherwise, a new RLock object
    is created and used as the underlying lock. (A lock of another kind, such as
    CPython's own, gets CPython's threading.Condition, which works with any lock.)
    """

    __slots__ = ("_lock", "acquire", "release", "_notifies", "__dict__")
    _clone = _lib.weft_condition_clone
    _free = _lib.weft_condition_free

    def __new__(cls, lock=None):
        if lock is not None and not isinstance(lock, (Lock, RLock)):
            return _threading.Condition(lock)
        return super().__new__(cls)

    def __init__(self, lock=None):
        if lock is None:
            lock = RLock()
        if isinstance(lock, RLock):
            self._handle = _capi.new_handle(_lib.weft_condition_new_with_rlock, lock)
        else:
            self._handle = _capi.new_handle(_lib.weft_condition_new_with_lock, lock)
        self._adopt(lock)

    def _adopt(self, lock=None):
        # A condition C code made has the lock it was made with, which the C API does not give:
        # this object then reaches it through the condition.
        if lock is None:
            lock = _ConditionLock(self)
        self._lock = lock
        # Export the lock's acquire() and release() methods
        self.acquire = lock.acquire
        self.release = lock.release
        # Notifications made through this object (see wait()).
        self._notifies = 0

    def __enter__(self):
        return self._lock.__enter__()

    def __exit__(self, *args):
        return self._lock.__exit__(*args)

    def __repr__(self):
        return "<Condition(%s)>" % (self._lock,)

    def _release_save(self):
        if isinstance(self._lock, RLock):
            return self._lock._release_save()
        self._lock.release()           # No state to save

    def _acquire_restore(self, x):
        if isinstance(self._lock, RLock):
            return self._lock._acquire_restore(x)
        self._lock.acquire()           # Ignore saved state

    def _is_owned(self):
        # Return True if lock is owned by current_thread.
        if isinstance(self._lock, RLock):
            return self._lock._is_owned()
        # This method is called only if _lock doesn't have _is_owned().
        if self._lock.acquire(False):
            self._lock.release()
            return False
        return True

    def _at_fork_reinit(self):
        self._lock._at_fork_reinit()
        old = self._handle
        self.__init__(self._lock)
        _lib.weft_condition_free(old)

    def wait(self, timeout=None):
        """Wait until notified or until a timeout occurs.

        If the calling thread has not acquired the lock when this method is
        called, a RuntimeError is raised.

        This method releases the underlying lock, and then blocks until it is
        awakened by a notify() or notify_all() call for the same condition
        variable in another thread, or until the optional timeout occurs. Once
        awakened or timed out, it re-acquires the lock and returns.

        When the timeout argument is present and not None, it should be a
        floating point number specifying a timeout for the operation in seconds
        (or fractions thereof).

        The return value is True unless a given timeout expired, in which
        case it is False.

        In the main thread a signal ends the C wait with the lock held again, to run the
        signal handlers (Ctrl-C raises KeyboardInterrupt); a notification that came while
        they ran, while this thread was not waiting, ends the wait as if it had been received.
        """
        if timeout is None:
            if _thread.get_ident() != _main_ident:
                # The common case first: one call.
                status = _condition_wait(self._as_parameter_, _C_FOREVER)
                if status:
                    raise _error(status)
                return True
            timeout = _FOREVER
        else:
            timeout = max(_seconds(timeout), 0.0)
            _capi.check_timeout(timeout)
        handle = self._handle
        wait = _blocking.weft_condition_wait
        seen = self._notifies

        def one_call(t):
            nonlocal seen
            seen = self._notifies
            return wait(handle, t)

        status = _wait(one_call, timeout, missed=lambda: self._notifies != seen)
        if status == _TIMEOUT:
            return False
        _check(status)
        return True

    def wait_for(self, predicate, timeout=None):
        """Wait until a condition evaluates to True.

        predicate should be a callable which result will be interpreted as a
        boolean value.  A timeout may be provided giving the maximum time to
        wait.
        """
        endtime = None
        waittime = timeout
        result = predicate()
        while not result:
            if waittime is not None:
                if endtime is None:
                    endtime = _capi._time() + waittime
                else:
                    waittime = endtime - _capi._time()
                    if waittime <= 0:
                        break
            self.wait(waittime)
            result = predicate()
        return result

    def notify(self, n=1):
        """Wake up one or more threads waiting on this condition, if any.

        If the calling thread has not acquired the lock when this method is
        called, a RuntimeError is raised.

        This method wakes up at most n of the threads waiting for the condition
        variable; it is a no-op if no threads are waiting.
        """
        if n is _ONE_INT:  # the int 1 (CPython has one object for it): no conversion needed
            count = _ONE
        else:
            n = n.__index__()
            if n < 0:
                raise ValueError("Stop argument for islice() must be None or an integer: "
                                 "0 <= x <= sys.maxsize.")
            count = _ctypes.c_size_t.from_param(n)
        status = _condition_notify(self._as_parameter_, count)
        if status:
            raise _error(status)
        self._notifies += 1

    def notify_all(self):
        """Wake up all threads waiting on this condition.

        If the calling thread has not acquired the lock when this method
        is called, a RuntimeError is raised.
        """
        _check(_lib.weft_condition_notify_all(self._handle))
        self._notifies += 1

    def notifyAll(self):
        """Wake up all threads waiting on this condition.

        This method is deprecated, use notify_all() instead.
        """
        import warnings
        warnings.warn('notifyAll() is deprecated, use notify_all() instead',
                      DeprecationWarning, stacklevel=2)
        self.notify_all()


class _ConditionLock:
    """The lock of a Condition made by C code (Condition.from_handle), acquired and released
    through the condition (weft_condition_acquire, weft_condition_release). Whether it is
    reentrant is not known, so the Condition treats it as a Lock."""

    __slots__ = ("_condition",)

    def __init__(self, condition):
        self._condition = condition

    def acquire(self, blocking=True, timeout=-1):
        """Acquire the condition's lock, as Lock.acquire (or RLock.acquire for a reentrant one)."""
        return _acquire(_lib.weft_condition_acquire, _blocking.weft_condition_acquire,
                        self._condition._handle, blocking, timeout)

    def release(self):
        """Release the condition's lock."""
        _check(_lib.weft_condition_release(self._condition._handle))

    def __enter__(self):
        return self.acquire()

    def __exit__(self, t, v, tb):
        self.release()

    def __repr__(self):
        return "<the lock of weft condition %#x>" % self._condition._handle


class Semaphore(_Handle):
    """This class implements semaphore objects (a weft_semaphore).

    Semaphores manage a counter representing the number of release() calls minus
    the number of acquire() calls, plus an initial value. The acquire() method
    blocks if necessary until it can return without making the counter
    negative. If not given, value defaults to 1.
    """

    __slots__ = ("__dict__",)
    _clone = _lib.weft_semaphore_clone
    _free = _lib.weft_semaphore_free
    _new = _lib.weft_semaphore_new

    def __init__(self, value=1):
        self._handle = _capi.new_handle(type(self)._new, value)

    @property
    def _value(self):
        """The counter now (weft_semaphore_value), whoever changed it: C code, any thread."""
        return _lib.weft_semaphore_value(self._handle)

    def __repr__(self):
        cls = self.__class__
        return (f"<{cls.__module__}.{cls.__qualname__} at {id(self):#x}:"
                f" value={self._value}>")

    def acquire(self, blocking=True, timeout=None):
        """Acquire a semaphore, decrementing the internal counter by one.

        When invoked without arguments: if the internal counter is larger than
        zero on entry, decrement it by one and return immediately. If it is zero
        on entry, block, waiting until some other thread has called release() to
        make it larger than zero. There is no return value in this case.

        When invoked with blocking set to true, do the same thing as when called
        without arguments, and return true.

        When invoked with blocking set to false, do not block. If a call without
        an argument would block, return false immediately; otherwise, do the
        same thing as when called without arguments, and return true.

        When invoked with a timeout other than None, it will block for at
        most timeout seconds.  If acquire does not complete successfully in
        that interval, return false.  Return true otherwise.
        """
        # The common case first: no arguments, and the counter is above zero.
        if blocking is True and timeout is None and not _semaphore_try(
                self._as_parameter_, False, _C_FOREVER):
            return True
        if not blocking and timeout is not None:
            raise ValueError("can't specify timeout for non-blocking acquire")
        if timeout is None:
            timeout = _FOREVER
        else:
            timeout = max(_seconds(timeout), 0.0)
        handle = self._handle
        return _acquire(_lib.weft_semaphore_acquire, _blocking.weft_semaphore_acquire, handle,
                        blocking, timeout)

    # As CPython's: `with` calls this class's acquire (the method itself, one Python call
    # fewer), and a subclass's release.
    __enter__ = acquire

    def release(self, n=1):
        """Release a semaphore, incrementing the internal counter by one or more.

        When the counter is zero on entry and another thread is waiting for it
        to become larger than zero again, wake up that thread.
        """
        if n is _ONE_INT:  # the int 1 (CPython has one object for it): no conversion needed
            status = _semaphore_release(self._as_parameter_, _ONE)
        else:
            n = n.__index__()
            status = _semaphore_release(self._as_parameter_,
                                        _ctypes.c_size_t.from_param(max(n, 0)))
        if status:
            raise _error(status)

    def __exit__(self, t, v, tb):
        self.release()

    def _at_fork_reinit(self):
        old, self._handle = self._handle, _capi.new_handle(type(self)._new, self._value)
        type(self)._free(old)


class BoundedSemaphore(Semaphore):
    """Implements a bounded semaphore (a weft_semaphore made bounded).

    A bounded semaphore checks to make sure its current value doesn't exceed its
    initial value. If it does, ValueError is raised. In most situations
    semaphores are used to guard resources with limited capacity.

    If the semaphore is released too many times it's a sign of a bug. If not
    given, value defaults to 1.
    """

    __slots__ = ("_initial_value",)
    _new = _lib.weft_bounded_semaphore_new

    def __init__(self, value=1):
        super().__init__(value)
        self._initial_value = value

    def _adopt(self):
        self._initial_value = "?"

    def __repr__(self):
        cls = self.__class__
        return (f"<{cls.__module__}.{cls.__qualname__} at {id(self):#x}:"
                f" value={self._value}/{self._initial_value}>")


class Event(_Handle):
    """Class implementing event objects (a weft_event).

    Events manage a flag that can be set to true with the set() method and reset
    to false with the clear() method. The wait() method blocks until the flag is
    true.  The flag is initially false.
    """

    __slots__ = ()
    _clone = _lib.weft_event_clone
    _free = _lib.weft_event_free

    def __init__(self):
        self._handle = _capi.new_handle(_lib.weft_event_new)

    def __repr__(self):
        cls = self.__class__
        status = 'set' if self.is_set() else 'unset'
        return f"<{cls.__module__}.{cls.__qualname__} at {id(self):#x}: {status}>"

    def _at_fork_reinit(self):
        old, self._handle = self._handle, _capi.new_handle(_lib.weft_event_new)
        _lib.weft_event_free(old)

    def is_set(self):
        """Return true if and only if the internal flag is true."""
        return _event_is_set(self._as_parameter_)

    def isSet(self):
        """Return true if and only if the internal flag is true.

        This method is deprecated, use is_set() instead.
        """
        import warnings
        warnings.warn('isSet() is deprecated, use is_set() instead',
                      DeprecationWarning, stacklevel=2)
        return self.is_set()

    def set(self):
        """Set the internal flag to true.

        All threads waiting for it to become true are awakened. Threads
        that call wait() once the flag is true will not block at all.
        """
        status = _event_set(self._as_parameter_)
        if status:
            raise _error(status)

    def clear(self):
        """Reset the internal flag to false.

        Subsequently, threads calling wait() will block until set() is called to
        set the internal flag to true again.
        """
        status = _event_clear(self._as_parameter_)
        if status:
            raise _error(status)

    def wait(self, timeout=None):
        """Block until the internal flag is true.

        If the internal flag is true on entry, return immediately. Otherwise,
        block until another thread calls set() to set the flag to true, or until
        the optional timeout occurs.

        When the timeout argument is present and not None, it should be a
        floating point number specifying a timeout for the operation in seconds
        (or fractions thereof).

        This method returns the internal flag on exit, so it will always return
        True except if a timeout is given and the operation times out.
        """
        # The common cases first: the flag is set (a call that keeps the GIL tells; as in
        # CPython, the timeout is then not looked at); or no timeout, outside the main thread
        # (one call). The main thread's waits may be interrupted by a signal (see _capi.wait).
        if _event_is_set(self._as_parameter_):
            return True
        if timeout is None and _thread.get_ident() != _main_ident:
            status = _event_wait(self._as_parameter_, _C_FOREVER)
        else:
            status = _blocking_wait(_blocking.weft_event_wait, self._handle, timeout)
        if status == _TIMEOUT:
            return False
        _check(status)
        return True


# Barrier actions by the key their C barrier passes back, until it frees the key.
_barrier_actions = {}


@_capi.barrier_action_fn
def _run_barrier_action(key, actions=_barrier_actions):
    action, failures, handle = actions[key]
    try:
        action()
    except BaseException as e:  # noqa: B902 - raised again by Barrier.wait()
        failures[_thread.get_ident()] = e
        # As in CPython, the barrier breaks and the others of the cycle raise
        # BrokenBarrierError: an abort from the action fails its cycle.
        _lib.weft_barrier_abort(handle[0])


@_capi.free_fn
def _forget_barrier_action(key, actions=_barrier_actions):
    # Bound as a default: the barrier may be freed while the module is being torn down.
    actions.pop(key, None)


class Barrier(_Handle):
    """Implements a Barrier (a weft_barrier).

    Useful for synchronizing a fixed number of threads at known synchronization
    points.  Threads block on 'wait()' and are simultaneously awoken once they
    have all made that call.
    """

    __slots__ = ("_failures", "__dict__")
    _clone = _lib.weft_barrier_clone
    _free = _lib.weft_barrier_free

    def __init__(self, parties, action=None, timeout=None):
        """Create a barrier, initialised to 'parties' threads.

        'action' is a callable which, when supplied, will be called by one of
        the threads after they have all entered the barrier and just prior to
        releasing them all. If a 'timeout' is provided, it is used as the
        default for all subsequent 'wait()' calls.
        """
        parties = parties.__index__()
        timeout = _FOREVER if timeout is None else max(_seconds(timeout), 0.0)
        self._adopt()
        # The handle, for the action to abort the barrier with (not `self`, which would live
        # as long as the C barrier, which lives as long as `self`).
        handle = [None]
        key = None
        if action is not None:
            key = next(_keys)
            _barrier_actions[key] = (action, self._failures, handle)
        callbacks = (_run_barrier_action, _forget_barrier_action) if key else (None, None)
        action_fn, free_fn = (_ctypes.cast(f, _ctypes.c_void_p) for f in callbacks)
        self._handle = handle[0] = _capi.new_handle(
            _lib.weft_barrier_new, max(parties, 0), action_fn, key, free_fn, timeout)

    def _adopt(self):
        # The action's exceptions, by the ident of the thread that ran it.
        self._failures = {}

    def __repr__(self):
        cls = self.__class__
        if self.broken:
            return f"<{cls.__module__}.{cls.__qualname__} at {id(self):#x}: broken>"
        return (f"<{cls.__module__}.{cls.__qualname__} at {id(self):#x}:"
                f" waiters={self.n_waiting}/{self.parties}>")

    def wait(self, timeout=None):
        """Wait for the barrier.

        When the specified number of threads have started waiting, they are all
        simultaneously awoken. If an 'action' was provided for the barrier, one
        of the threads will have executed that callback prior to returning.
        Returns an individual index number from 0 to 'parties-1'.

        In the main thread a signal ends the wait and breaks the barrier, as an exception
        does in CPython's: the signal handlers run (Ctrl-C raises KeyboardInterrupt), and if
        they raise nothing, BrokenBarrierError is raised.
        """
        timeout = _FOREVER if timeout is None else max(_seconds(timeout), 0.0)
        _capi.check_timeout(timeout)
        index = _ctypes.c_size_t()
        _capi.watch_signals()
        status = _blocking.weft_barrier_wait(self._handle, timeout, _ctypes.byref(index))
        if status == _capi.INTERRUPTED:
            _capi.handled()
            status = _capi.BROKEN_BARRIER
        failure = self._failures.pop(_thread.get_ident(), None)
        if failure is not None:
            # As in CPython, an exception in the action (which aborted the barrier) is raised
            # in the thread that ran it.
            raise failure
        _check(status)
        return index.value

    def reset(self):
        """Reset the barrier to the initial state.

        Any threads currently waiting will get the BrokenBarrier exception
        raised.
        """
        _check(_lib.weft_barrier_reset(self._handle))

    def abort(self):
        """Place the barrier into a 'broken' state.

        Useful in case of error.  Any currently waiting threads and threads
        attempting to 'wait()' will have BrokenBarrierError raised.
        """
        _check(_lib.weft_barrier_abort(self._handle))

    @property
    def parties(self):
        """Return the number of threads required to trip the barrier."""
        return _lib.weft_barrier_parties(self._handle)

    @property
    def n_waiting(self):
        """Return the number of threads currently waiting at the barrier."""
        return _lib.weft_barrier_n_waiting(self._handle)

    @property
    def broken(self):
        """Return True if the barrier is in a broken state."""
        return _lib.weft_barrier_broken(self._handle)


# --- Threads ------------------------------------------------------------------------------------

# Python-started weft threads that are running, and the main thread, by ident.
_active = {}
# Threads between start() and their first Python code, by the key their C thread receives.
_starting = {}


class Thread(_Handle):
    """A class that represents a thread of control (a weft_thread).

    This class can be safely subclassed in a limited fashion. There are two ways
    to specify the activity: by passing a callable object to the constructor, or
    by overriding the run() method in a subclass.
    """

    __slots__ = ("__dict__",)
    _initialized = False
    _clone = _lib.weft_thread_clone
    _free = _lib.weft_thread_free

    def __init__(self, group=None, target=None, name=None,
                 args=(), kwargs=None, *, daemon=None, context=None):
        """This constructor should always be called with keyword arguments. Arguments are:

        *group* should be None; reserved for future extension when a ThreadGroup
        class is implemented.

        *target* is the callable object to be invoked by the run()
        method. Defaults to None, meaning nothing is called.

        *name* is the thread name. By default, a unique name is constructed of
        the form "Thread-N" where N is a small decimal number.

        *args* is a list or tuple of arguments for the target invocation. Defaults to ().

        *kwargs* is a dictionary of keyword arguments for the target
        invocation. Defaults to {}.

        *context* (Python 3.14) is the contextvars.Context value to use for the
        thread. The default value is None, which means to check
        sys.flags.thread_inherit_context.  If that flag is true, use a copy of
        the context of the caller.  If false, use an empty context.  To
        explicitly start with an empty context, pass a new instance of
        contextvars.Context().  To explicitly start with a copy of the current
        context, pass the value from contextvars.copy_context().

        If a subclass overrides the constructor, it must make sure to invoke
        the base class constructor (Thread.__init__()) before doing anything
        else to the thread.
        """
        assert group is None, "group argument must be None for now"
        if context is not None and _sys.version_info < (3, 14):
            raise TypeError("Thread.__init__() got an unexpected keyword argument 'context'")
        if kwargs is None:
            kwargs = {}
        self._key = next(_keys)
        # weft names an unnamed thread Thread-N (as CPython, only unnamed threads take a number)
        # and makes it a daemon if the creating weft thread is one.
        self._handle = _capi.new_handle(
            _lib.weft_thread_new_named, _bootstrap, _ctypes.c_void_p(self._key), None,
            str(name).encode() if name else None)
        if not name and target is not None:
            try:
                target_name = target.__name__
                self.name = f"{self.name} ({target_name})"
            except AttributeError:
                pass
        if daemon is None:
            # A thread started by CPython's threading passes on its own daemon flag, as there.
            creator = _threading._active.get(_thread.get_ident())
            if creator is not None:
                daemon = creator.daemon
        if daemon is not None:
            self.daemon = daemon
        self._target = target
        self._args = args
        self._kwargs = kwargs
        self._context = context
        self._initialized = True
        # Copy of sys.stderr used by self._invoke_excepthook()
        self._stderr = _sys.stderr
        self._invoke_excepthook = _make_invoke_excepthook()

    def _adopt(self):
        # A thread this module did not start (made by C code, or weft's object for a thread it
        # did not create): it runs no Python target.
        self._key = None
        self._target, self._args, self._kwargs, self._context = None, (), {}, None
        self._initialized = True
        self._stderr = _sys.stderr
        self._invoke_excepthook = _make_invoke_excepthook()

    def __repr__(self):
        assert self._initialized, "Thread.__init__() was not called"
        ident = self.ident
        status = "initial"
        if ident is not None:
            status = "started" if self.is_alive() else "stopped"
        if self.daemon:
            status += " daemon"
        if ident is not None:
            status += " %s" % ident
        return "<%s(%s, %s)>" % (self.__class__.__name__, self.name, status)

    def start(self):
        """Start the thread's activity.

        It must be called at most once per thread object. It arranges for the
        object's run() method to be invoked in a separate thread of control.

        This method will raise a RuntimeError if called more than once on the
        same thread object.
        """
        if not self._initialized:
            raise RuntimeError("thread.__init__() not called")
        # The exit may wait for this thread: in the main thread, a signal must end that wait.
        _capi.watch_signals()
        if self._key is None:
            # A thread C code made (from_handle) runs C code: weft starts it as it is.
            _check(_lib.weft_thread_start(self._handle))
            return
        if self._key in _starting or self.ident is not None:
            raise _error(_capi.ALREADY_STARTED)
        if _sys.version_info >= (3, 14) and self._context is None:
            # As in CPython 3.14: a copy of the starter's context if
            # sys.flags.thread_inherit_context, else an empty one.
            if _sys.flags.thread_inherit_context:
                self._context = _contextvars.copy_context()
            else:
                self._context = _contextvars.Context()
        self._started = started = Lock()
        started.acquire()
        _starting[self._key] = self
        status = _lib.weft_thread_start(self._handle)
        if status:
            if status != _capi.ALREADY_STARTED:
                del _starting[self._key]
            raise _error(status)
        # As in CPython, return once the thread runs: a daemon thread then holds an interpreter
        # thread state before the interpreter can start to exit.
        started.acquire()

    def run(self):
        """Method representing the thread's activity.

        You may override this method in a subclass. The standard run() method
        invokes the callable object passed to the object's constructor as the
        target argument, if any, with sequential and keyword arguments taken
        from the args and kwargs arguments, respectively.
        """
        try:
            if self._target is not None:
                self._target(*self._args, **self._kwargs)
        finally:
            # Avoid a refcycle if the thread is running a function with
            # an argument that has a member that points to the thread.
            del self._target, self._args, self._kwargs

    def _bootstrap(self):
        # As in CPython: ignore exceptions raised while reporting one in a daemon thread that
        # woke up during interpreter shutdown and finds the world destroyed.
        try:
            self._bootstrap_inner()
        except:
            if self.daemon and _sys is None:
                return
            raise

    def _bootstrap_inner(self):
        ident = get_ident()
        try:
            # CPython's threading.current_thread() (and so logging's %(threadName)s) find this
            # object too.
            with _threading._active_limbo_lock:
                _threading._active[ident] = self
            _active[ident] = self
            self._started.release()
            if _trace_hook:
                _sys.settrace(_trace_hook)
            if _profile_hook:
                _sys.setprofile(_profile_hook)
            try:
                if self._context is None:
                    self.run()  # before 3.14: the thread state's own context, empty
                else:
                    self._context.run(self.run)
            except:
                self._invoke_excepthook(self)
        finally:
            _active.pop(ident, None)
            with _threading._active_limbo_lock:
                _threading._active.pop(ident, None)

    # What CPython's threading._after_fork() calls on the threads it knows (3.13 calls
    # _after_fork, earlier versions the other two): weft's own _after_fork() has done it.
    def _reset_internal_locks(self, is_alive):
        pass

    def _stop(self):
        pass

    def _after_fork(self, new_ident=None):
        pass

    def join(self, timeout=None):
        """Wait until the thread terminates.

        This blocks the calling thread until the thread whose join() method is
        called terminates -- either normally or through an unhandled exception
        or until the optional timeout occurs.

        When the timeout argument is present and not None, it should be a
        floating point number specifying a timeout for the operation in seconds
        (or fractions thereof). As join() always returns None, you must call
        is_alive() after join() to decide whether a timeout happened -- if the
        thread is still alive, the join() call timed out.

        When the timeout argument is not present or None, the operation will
        block until the thread terminates.

        A thread can be join()ed many times.

        join() raises a RuntimeError if an attempt is made to join the current
        thread as that would cause a deadlock. It is also an error to join() a
        thread before it has been started and attempts to do so raises the same
        exception.
        """
        if not self._initialized:
            raise RuntimeError("Thread.__init__() not called")
        if timeout is None:
            timeout = _FOREVER
        else:
            # As in CPython, a negative timeout acts as 0.
            timeout = max(_seconds(timeout), 0.0)
            _capi.check_timeout(timeout)
        handle = self._handle
        status = _wait(lambda t: _blocking.weft_thread_join(handle, t), timeout)
        if status != _TIMEOUT:
            _check(status)

    @property
    def name(self):
        """A string used for identification purposes only.

        It has no semantics. Multiple threads may be given the same name. The
        initial name is set by the constructor.
        """
        return _thread_name(self._handle)

    @name.setter
    def name(self, name):
        _check(_lib.weft_thread_set_name(self._handle, str(name).encode()))

    @property
    def ident(self):
        """Thread identifier of this thread or None if it has not been started.

        This is a nonzero integer. See the get_ident() function. Thread
        identifiers may be recycled when a thread exits and another thread is
        created. The identifier is available even after the thread has exited.
        """
        return _lib.weft_thread_ident(self._handle) or None

    @property
    def native_id(self):
        """Native integral thread ID of this thread, or None if it has not been started.

        This is a non-negative integer. See the get_native_id() function.
        This represents the Thread ID as reported by the kernel.
        """
        return _blocking.weft_thread_native_id(self._handle) or None

    def is_alive(self):
        """Return whether the thread is alive.

        This method returns True just before the run() method starts until just
        after the run() method terminates. See also the module function
        enumerate().
        """
        assert self._initialized, "Thread.__init__() not called"
        return _lib.weft_thread_is_alive(self._handle)

    @property
    def daemon(self):
        """A boolean value indicating whether this thread is a daemon thread.

        This must be set before start() is called, otherwise RuntimeError is
        raised. Its initial value is inherited from the creating thread; the
        main thread is not a daemon thread and therefore all threads created in
        the main thread default to daemon = False.

        The entire Python program exits when only daemon threads are left.
        """
        return _lib.weft_thread_is_daemon(self._handle)

    @daemon.setter
    def daemon(self, daemonic):
        if getattr(self, "_handle", None) is None:
            raise RuntimeError("Thread.__init__() not called")
        _check(_lib.weft_thread_set_daemon(self._handle, bool(daemonic)))

    def isDaemon(self):
        """Return whether this thread is a daemon.

        This method is deprecated, use the daemon attribute instead.
        """
        import warnings
        warnings.warn('isDaemon() is deprecated, get the daemon attribute instead',
                      DeprecationWarning, stacklevel=2)
        return self.daemon

    def setDaemon(self, daemonic):
        """Set whether this thread is a daemon.

        This method is deprecated, use the .daemon property instead.
        """
        import warnings
        warnings.warn('setDaemon() is deprecated, set the daemon attribute instead',
                      DeprecationWarning, stacklevel=2)
        self.daemon = daemonic

    def getName(self):
        """Return a string used for identification purposes only.

        This method is deprecated, use the name attribute instead.
        """
        import warnings
        warnings.warn('getName() is deprecated, get the name attribute instead',
                      DeprecationWarning, stacklevel=2)
        return self.name

    def setName(self, name):
        """Set the name string for this thread.

        This method is deprecated, use the name attribute instead.
        """
        import warnings
        warnings.warn('setName() is deprecated, set the name attribute instead',
                      DeprecationWarning, stacklevel=2)
        self.name = name


# The timer class was contributed by Itamar Shtull-Trauring

class Timer(Thread):
    """Call a function after a specified number of seconds:

            t = Timer(30.0, f, args=None, kwargs=None)
            t.start()
            t.cancel()     # stop the timer's action if it's still waiting

    As CPython's: a Thread whose run() waits on an Event (both weft's), so a subclass may
    override run().
    """

    def __init__(self, interval, function, args=None, kwargs=None):
        Thread.__init__(self)
        self.interval = interval
        self.function = function
        self.args = args if args is not None else []
        self.kwargs = kwargs if kwargs is not None else {}
        self.finished = Event()

    def cancel(self):
        """Stop the timer if it hasn't finished yet."""
        self.finished.set()

    def run(self):
        self.finished.wait(self.interval)
        if not self.finished.is_set():
            self.function(*self.args, **self.kwargs)
        self.finished.set()


def wait_any(objects, timeout=None):
    """Wait until any of ``objects`` is ready and return it (weft_wait_any; not in CPython: Go's
    ``select``, Windows' ``WaitForMultipleObjects``); None if none was within ``timeout``
    seconds (None: no limit).

    The objects, mixed: weft Events (ready when set), weft.queue queues (when they hold an
    item or are shut down; the item is not taken: ``get_nowait()`` it, and expect ``Empty`` if
    other threads take from the queue too) and weft.futures Futures (when done). Returns the
    first of them ready on entry, otherwise the first to become ready. In the main thread a
    signal interrupts the wait as any other (Ctrl-C raises KeyboardInterrupt); in a task
    whose future was interrupted it raises InterruptedError.
    """
    from weft import futures, queue  # they import this module
    waitable = (Event, queue._Base, futures.Future)
    objects = list(objects)
    if not objects:
        raise ValueError("wait_any() needs at least one object")
    handles = (_ctypes.c_void_p * len(objects))()
    for index, obj in zip(range(len(objects)), objects):
        # A queue with storage hooks (CPython's implementation) has no C queue: handle None.
        handle = obj.handle if isinstance(obj, waitable) else None
        if not handle:
            raise TypeError("wait_any() takes weft events, queues and futures, not %r"
                            % type(obj).__name__)
        handles[index] = handle
    if timeout is None:
        timeout = _FOREVER
    else:
        timeout = max(_seconds(timeout), 0.0)
        _capi.check_timeout(timeout)
    ready = _ctypes.c_size_t()
    status = _wait(lambda t: _blocking.weft_wait_any(handles, len(objects), t,
                                                     _ctypes.byref(ready)), timeout)
    if status == _capi.TIMEOUT:
        return None
    _check(status)
    return objects[ready.value]


def _thread_name(handle, size=64):
    buf = _ctypes.create_string_buffer(size)
    length = _ctypes.c_size_t()
    _check(_lib.weft_thread_get_name(handle, buf, size, _ctypes.byref(length)))
    if length.value >= size:
        return _thread_name(handle, length.value + 1)
    return buf.raw[:length.value].decode()


@_capi.thread_fn
def _bootstrap(key):
    """The C entry point of every thread started by Thread.start()."""
    _starting.pop(key)._bootstrap()


from _thread import _ExceptHookArgs as ExceptHookArgs  # noqa: E402


def excepthook(args, /):
    """Handle uncaught Thread.run() exception.

    Passes it on to CPython's threading.excepthook as it is at the time, so that a hook installed
    there (pytest's, a logging or error-reporting tool's) sees the exceptions of weft threads
    too; CPython's default prints it (SystemExit is ignored). Assign another function to
    weft.excepthook to handle them instead, or weft.__excepthook__ to print them.
    """
    hook = _threading.excepthook
    if hook is _pass_on_excepthook:  # CPython's was made weft's: print as it would have
        hook = __excepthook__
    return hook(args)


_pass_on_excepthook = excepthook

# CPython's default hook (its threading.__excepthook__): prints the exception to the sys.stderr
# of the time and ignores SystemExit. Assigned to weft.excepthook, it restores CPython's default
# handling, as assigning it to CPython's threading.excepthook does there: a hook installed on
# CPython's threading (pytest's, which keeps the exception, and with it the thread's target,
# until the test ends) no longer receives weft threads' exceptions.
__excepthook__ = _thread._excepthook


def _make_invoke_excepthook():
    # Create a local namespace to ensure that variables remain alive
    # when _invoke_excepthook() is called, even if it is called late during
    # Python shutdown. It is mostly needed for daemon threads.

    old_excepthook = excepthook
    old_sys_excepthook = _sys.excepthook
    if old_excepthook is None:
        raise RuntimeError("weft.excepthook is None")
    if old_sys_excepthook is None:
        raise RuntimeError("sys.excepthook is None")

    sys_exc_info = _sys.exc_info
    local_print = print
    local_sys = _sys

    def invoke_excepthook(thread):
        try:
            hook = excepthook
            if hook is None:
                hook = old_excepthook

            args = ExceptHookArgs([*sys_exc_info(), thread])

            hook(args)
        except Exception as exc:
            exc.__suppress_context__ = True
            del exc

            if local_sys is not None and local_sys.stderr is not None:
                stderr = local_sys.stderr
            else:
                stderr = thread._stderr

            local_print("Exception in threading.excepthook:",
                        file=stderr, flush=True)

            if local_sys is not None and local_sys.excepthook is not None:
                sys_excepthook = local_sys.excepthook
            else:
                sys_excepthook = old_sys_excepthook

            sys_excepthook(*sys_exc_info())
        finally:
            # Break reference cycle (exception stored in a variable)
            args = None

    return invoke_excepthook


class _HandleThread(Thread):
    """A thread this module did not start, seen through a weft handle it owns."""

    def __init__(self, handle):
        if not handle:
            raise _error(_capi.PANIC)
        self._handle = handle
        self._adopt()


class _MainThread(_HandleThread):
    """The process's initial thread, MainThread."""

    def __init__(self, handle):
        super().__init__(handle)
        # Set by _shutdown, as CPython's threading._shutdown() marks its main thread stopped
        # before it waits for the non-daemon threads, so that one joining the main thread does
        # not keep the interpreter from exiting. (weft marks it finished only at the process's
        # exit(), after the interpreter is gone.)
        self._stopped = Event()

    def is_alive(self):
        return not self._stopped.is_set() and super().is_alive()

    def join(self, timeout=None):
        super().join(0)  # Thread.join's checks ("cannot join current thread"), without waiting
        self._stopped.wait(None if timeout is None else max(_seconds(timeout), 0.0))


class _DummyThread(_HandleThread):
    """A thread not started by this module: a thread weft's C API started, or a stand-in
    (Dummy-N) that weft made for a thread it did not start."""


# --- Thread-local data -----------------------------------------------------------------------

# CPython's own thread-local type works unchanged in weft threads: a weft thread runs its Python
# code with one interpreter thread state, from start to end, and the values live in it. (weft's
# C weft_local is for C values: Python's cycle collector could not see values it held, and its
# destructors may run after the interpreter is gone, from the main thread's exit().)
from _thread import _local as local  # noqa: E402


# --- Module functions --------------------------------------------------------------------------

_main_thread = _MainThread(_lib.weft_main_thread())
_active[_capi._main_ident] = _main_thread
# Objects for threads not started here, by ident, while someone uses them: a thread's own in
# _stand_ins, the others' in what enumerate() returned.
_wrappers = _weakref.WeakValueDictionary()
_stand_ins = _thread._local()


def _wrap(handle):
    """The _DummyThread for a thread not started here, given a handle to it (which it takes)."""
    ident = _lib.weft_thread_ident(handle)
    thread = _wrappers.get(ident)
    if thread is not None and _lib.weft_thread_is(thread._handle, handle):
        _lib.weft_thread_free(handle)
        return thread
    thread = _wrappers[ident] = _DummyThread(handle)
    return thread


def current_thread():
    """Return the current Thread object, corresponding to the caller's thread of control.

    If the caller's thread of control was not created through the weft module, a dummy thread
    object with limited functionality is returned (weft's stand-in for that thread).
    """
    try:
        return _active[_thread.get_ident()]
    except KeyError:
        pass
    try:
        return _stand_ins.thread
    except AttributeError:
        _stand_ins.thread = thread = _wrap(_lib.weft_current_thread())
        return thread


def currentThread():
    """Return the current Thread object, corresponding to the caller's thread of control.

    This function is deprecated, use current_thread() instead.
    """
    import warnings
    warnings.warn('currentThread() is deprecated, use current_thread() instead',
                  DeprecationWarning, stacklevel=2)
    return current_thread()


def active_count():
    """Return the number of Thread objects currently alive.

    The returned count is equal to the length of the list returned by
    enumerate().
    """
    return _lib.weft_active_count()


def activeCount():
    """Return the number of Thread objects currently alive.

    This function is deprecated, use active_count() instead.
    """
    import warnings
    warnings.warn('activeCount() is deprecated, use active_count() instead',
                  DeprecationWarning, stacklevel=2)
    return active_count()


def enumerate():
    """Return a list of all Thread objects currently alive.

    The list includes daemonic threads, dummy thread objects created by
    current_thread(), threads started through weft's C API, and the main thread. It excludes
    terminated threads and threads that have not yet been started.
    """
    array = _ctypes.POINTER(_ctypes.c_void_p)()
    count = _ctypes.c_size_t()
    _check(_lib.weft_enumerate(_ctypes.byref(array), _ctypes.byref(count)))
    try:
        starting = {t.ident: t for t in list(_starting.values())}
        threads = []
        for handle in array[:count.value]:
            ident = _lib.weft_thread_ident(handle)
            thread = _active.get(ident) or starting.get(ident)
            threads.append(thread or _wrap(_lib.weft_thread_clone(handle)))
        return threads
    finally:
        _lib.weft_thread_array_free(array, count)


def main_thread():
    """Return the main thread object.

    In normal conditions, the main thread is the thread from which the
    Python interpreter was started.
    """
    return _main_thread


def stack_size(size=None):
    """Return the thread stack size used when creating new threads. The optional size argument
    specifies the stack size (in bytes) to be used for subsequently created threads, and must be
    0 (use platform or configured default) or a positive integer value of at least 32,768 (32
    KiB)."""
    if size is None:
        return _lib.weft_stack_size_get()
    size = size.__index__()
    if size < 0:
        raise ValueError("size must be 0 or a positive value")
    previous = _ctypes.c_size_t()
    _check(_lib.weft_stack_size(size, _ctypes.byref(previous)))
    return previous.value


# What the stdlib reaches on its `threading` module beyond the public names, for a program whose
# sys.modules['threading'] is weft: concurrent.futures registers its exit hook with
# _register_atexit at import; a process multiprocessing forks calls _shutdown() at its end, and
# main_thread()._set_native_id() if _HAVE_THREAD_NATIVE_ID (a weft thread's native_id is
# libweft's, which Python cannot set).
_HAVE_THREAD_NATIVE_ID = False
_threading_atexits = []
_SHUTTING_DOWN = False


def _register_atexit(func, *arg, **kwargs):
    """CPython internal: register *func* to be called before joining threads.

    The registered *func* is called with its arguments just before all
    non-daemon threads are joined in `_shutdown()`. It provides a similar
    purpose to `atexit.register()`, but its functions are called prior to
    threading shutdown instead of interpreter shutdown.

    For similarity to atexit, the registered functions are called in reverse.
    """
    if _SHUTTING_DOWN:
        raise RuntimeError("can't register atexit after shutdown")
    _threading_atexits.append(lambda: func(*arg, **kwargs))


def _shutdown():
    """Runs the functions given to _register_atexit(), the last first, marks the main thread
    stopped, then waits for every non-daemon weft thread, as CPython's threading._shutdown()
    does for its own. Run by it, before the interpreter is finalized; or, when
    sys.modules['threading'] is weft, by the interpreter in its place, and then it runs
    CPython's too (its functions, its threads)."""
    global _SHUTTING_DOWN
    if _SHUTTING_DOWN:
        return
    _SHUTTING_DOWN = True
    for atexit_call in reversed(_threading_atexits):
        atexit_call()
    if _main_thread.ident == get_ident() and isinstance(_main_thread, _MainThread):
        _main_thread._stopped.set()
    if not _threading._SHUTTING_DOWN:
        _threading._shutdown()
    # Nothing to wait for (the common case) starts no signal watcher (_capi.watch_signals).
    if _lib.weft_shutdown(0.0, None) == _TIMEOUT:
        try:
            _wait(lambda t: _blocking.weft_shutdown(t, None), _FOREVER)
        except BaseException:
            # Interrupted (Ctrl-C): the interpreter exits now, leaving the threads not waited
            # for, as CPython's does; weft's own exit-time wait must not wait for them again.
            _lib.weft_set_exit_wait(False)
            raise


_threading._register_atexit(_shutdown)


def _after_fork():
    """After fork(), in the child: the thread that forked is the only one, and the main thread,
    as CPython's threading._after_fork() makes it (and as the interpreter does for signals)."""
    global _main_thread, _main_ident
    ident = get_ident()
    current = _active.get(ident)
    _active.clear()
    _starting.clear()
    if current is None:
        # A thread this module did not start: weft made it the main thread, a new MainThread in
        # place of a stand-in Dummy-N (as CPython 3.13 makes it a _MainThread).
        current = _MainThread(_lib.weft_main_thread())
    _active[ident] = current
    forked_from_main = current is _main_thread
    if not forked_from_main:
        # The parent's main thread does not exist here: it is stopped, and joins at once.
        if isinstance(_main_thread, _MainThread):
            _main_thread._stopped.set()
        _main_thread = current
    _main_ident = _capi._main_ident = ident
    # The parent's signal watcher is not here; the forking thread's waits get one of their own.
    # A child forked from another thread ends when that thread does (the last thread's exit),
    # so its watcher must not outlive it: it leaves once `current` has finished.
    _capi._token = None
    _capi._main_alive = None if forked_from_main else current.is_alive


_os.register_at_fork(after_in_child=_after_fork)
