"""The C ABI of libweft (include/weft.h) through ctypes: finding and checking the library, the
function prototypes, the status table, and the one way every blocking call waits.

Two views of the same library are used. Calls that never block go through ``ctypes.PyDLL``,
which keeps the GIL (cheaper); calls that may block go through ``ctypes.CDLL``, which releases
the GIL for the duration of the call. The hot paths' functions are also reachable through each
view without argtypes (``raw``, ``raw_blocking``), for calls whose arguments need no conversion.
"""

import ctypes
import ctypes.util
import gc
import operator
import os
import weakref
import queue as _queue
import select as _select
import signal as _signal
import threading as _threading
from _thread import get_ident
from concurrent.futures import BrokenExecutor as _BrokenExecutor
from concurrent.futures import InvalidStateError as _InvalidStateError
from concurrent.futures import CancelledError
from concurrent.futures.thread import BrokenThreadPool
from pathlib import Path
from time import monotonic as _time

# The library version this binding is written against (include/weft.h's WEFT_VERSION_*). A
# library with the same major version and at least this version is compatible.
VERSION = (0, 1, 0)
VERSION_NUMBER = VERSION[0] * 10000 + VERSION[1] * 100 + VERSION[2]

# Constants of include/weft.h.
TIMEOUT_FOREVER = -1.0
TIMEOUT_MAX = 9223372036.0

# weft_status, in value order (append-only in the C ABI, so a value never changes meaning).
(OK, TIMEOUT, NULL_ARGUMENT, WRONG_HANDLE, PANIC, INVALID_ARGUMENT, INVALID_UTF8, INVALID_TIMEOUT,
 TIMEOUT_TOO_LARGE, NONBLOCKING_TIMEOUT, OVERFLOW, RELEASE_UNLOCKED, NOT_OWNER, ALREADY_STARTED,
 NOT_STARTED, JOIN_CURRENT, DAEMON_AFTER_START, CANT_START_THREAD, STACK_SIZE, WRONG_STATE,
 WAIT_UNACQUIRED, NOTIFY_UNACQUIRED, SEMAPHORE_NEGATIVE, RELEASE_COUNT, SEMAPHORE_OVER_RELEASE,
 BROKEN_BARRIER, BARRIER_PARTIES, EMPTY, FULL, SHUT_DOWN, TASK_DONE_TOO_MANY, POOL_SHUT_DOWN,
 POOL_BROKEN, CANCELLED, TASK_FAILED, MAX_WORKERS, INTERRUPTED, DEADLOCK,
 INVALID_STATE_FINISHED, INVALID_STATE_CANCELLED, FORKED) = range(41)
STATUS_COUNT = 41


if hasattr(_queue, "ShutDown"):
    # From 3.13, the stdlib's, so that `except queue.ShutDown` catches weft's.
    ShutDown = _queue.ShutDown
else:
    class ShutDown(Exception):
        """Raised when put/get with shut-down queue (Python 3.13's ``queue.ShutDown``)."""


BrokenBarrierError = _threading.BrokenBarrierError

# What CPython raises for each status; the message is always weft_status_str(status).
# TIMEOUT is an outcome each call turns into its own return value (False, Empty, ...).
_EXCEPTIONS = {
    NULL_ARGUMENT: SystemError,
    WRONG_HANDLE: SystemError,
    PANIC: SystemError,
    INVALID_ARGUMENT: ValueError,
    INVALID_UTF8: ValueError,
    INVALID_TIMEOUT: ValueError,
    TIMEOUT_TOO_LARGE: OverflowError,
    NONBLOCKING_TIMEOUT: ValueError,
    OVERFLOW: OverflowError,
    RELEASE_UNLOCKED: RuntimeError,
    NOT_OWNER: RuntimeError,
    ALREADY_STARTED: RuntimeError,
    NOT_STARTED: RuntimeError,
    JOIN_CURRENT: RuntimeError,
    DAEMON_AFTER_START: RuntimeError,
    CANT_START_THREAD: RuntimeError,
    STACK_SIZE: ValueError,
    WRONG_STATE: RuntimeError,
    WAIT_UNACQUIRED: RuntimeError,
    NOTIFY_UNACQUIRED: RuntimeError,
    SEMAPHORE_NEGATIVE: ValueError,
    RELEASE_COUNT: ValueError,
    SEMAPHORE_OVER_RELEASE: ValueError,
    BROKEN_BARRIER: BrokenBarrierError,
    BARRIER_PARTIES: ValueError,
    EMPTY: _queue.Empty,
    FULL: _queue.Full,
    SHUT_DOWN: ShutDown,
    TASK_DONE_TOO_MANY: ValueError,
    POOL_SHUT_DOWN: RuntimeError,
    POOL_BROKEN: BrokenThreadPool,
    CANCELLED: CancelledError,
    TASK_FAILED: RuntimeError,
    MAX_WORKERS: ValueError,
    DEADLOCK: RuntimeError,
    INVALID_STATE_FINISHED: _InvalidStateError,
    INVALID_STATE_CANCELLED: _InvalidStateError,
    FORKED: RuntimeError,
    # A wait ended by the calling thread's cancellation token: the main thread's waits handle
    # it (see wait()); elsewhere it is what CPython raises for EINTR.
    INTERRUPTED: InterruptedError,
}
assert issubclass(BrokenThreadPool, _BrokenExecutor)


def error(status):
    """The exception CPython raises for ``status``, with weft's message for it."""
    message = lib.weft_status_str(status).decode()
    return _EXCEPTIONS.get(status, SystemError)(message)


def check(status):
    """Raises the exception for ``status`` unless it is OK."""
    if status:
        raise error(status)


# --- Finding the library --------------------------------------------------------------------

_handle = ctypes.c_void_p
_status = ctypes.c_int
_double, _bool, _size, _u64 = ctypes.c_double, ctypes.c_bool, ctypes.c_size_t, ctypes.c_uint64
_ptr = ctypes.POINTER
thread_fn = ctypes.CFUNCTYPE(ctypes.c_void_p, ctypes.c_void_p)
free_fn = ctypes.CFUNCTYPE(None, ctypes.c_void_p)
barrier_action_fn = ctypes.CFUNCTYPE(None, ctypes.c_void_p)
queue_item_fn = ctypes.CFUNCTYPE(None, ctypes.c_void_p, ctypes.c_void_p)
# The result pointer (void **) is taken as a plain pointer: a ctypes POINTER would be made for
# every task (weft.futures keeps a task's result on its Future and does not use it).
task_fn = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.c_void_p, ctypes.c_void_p)
init_fn = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.c_void_p)
future_callback = ctypes.CFUNCTYPE(None, ctypes.c_void_p, ctypes.c_void_p)

# weft_queue_kind values (WEFT_QUEUE_*).
QUEUE_FIFO, QUEUE_LIFO, QUEUE_PRIORITY, QUEUE_SIMPLE = range(4)

# name: (restype, argtypes, may block). A blocking function is reachable both ways: through
# `blocking` (releases the GIL) and `lib` (keeps it, for the non-blocking variant of the call).
_PROTOTYPES = {
    "weft_status_str": (ctypes.c_char_p, [ctypes.c_int], False),
    "weft_version_string": (ctypes.c_char_p, [], False),
    "weft_version_number": (ctypes.c_uint32, [], False),
    # Lock
    "weft_lock_new": (_status, [_ptr(_handle)], False),
    "weft_lock_clone": (_handle, [_handle], False),
    "weft_lock_free": (None, [_handle], False),
    "weft_lock_acquire": (_status, [_handle, _bool, _double], True),
    "weft_lock_release": (_status, [_handle], False),
    "weft_lock_locked": (_bool, [_handle], False),
    # RWLock
    "weft_rwlock_new": (_status, [_ptr(_handle)], False),
    "weft_rwlock_clone": (_handle, [_handle], False),
    "weft_rwlock_free": (None, [_handle], False),
    "weft_rwlock_acquire_read": (_status, [_handle, _bool, _double], True),
    "weft_rwlock_release_read": (_status, [_handle], False),
    "weft_rwlock_acquire_write": (_status, [_handle, _bool, _double], True),
    "weft_rwlock_release_write": (_status, [_handle], False),
    # RLock
    "weft_rlock_new": (_status, [_ptr(_handle)], False),
    "weft_rlock_clone": (_handle, [_handle], False),
    "weft_rlock_free": (None, [_handle], False),
    "weft_rlock_acquire": (_status, [_handle, _bool, _double], True),
    "weft_rlock_release": (_status, [_handle], False),
    "weft_rlock_locked": (_bool, [_handle], False),
    "weft_rlock_is_owned": (_bool, [_handle], False),
    "weft_rlock_recursion_count": (_size, [_handle], False),
    "weft_rlock_owner": (_u64, [_handle], False),
    # Condition
    "weft_condition_new_with_lock": (_status, [_handle, _ptr(_handle)], False),
    "weft_condition_new_with_rlock": (_status, [_handle, _ptr(_handle)], False),
    "weft_condition_clone": (_handle, [_handle], False),
    "weft_condition_free": (None, [_handle], False),
    "weft_condition_acquire": (_status, [_handle, _bool, _double], True),
    "weft_condition_release": (_status, [_handle], False),
    "weft_condition_wait": (_status, [_handle, _double], True),
    "weft_condition_notify": (_status, [_handle, _size], False),
    "weft_condition_notify_all": (_status, [_handle], False),
    # Semaphore, BoundedSemaphore
    "weft_semaphore_new": (_status, [ctypes.c_int64, _ptr(_handle)], False),
    "weft_bounded_semaphore_new": (_status, [ctypes.c_int64, _ptr(_handle)], False),
    "weft_semaphore_clone": (_handle, [_handle], False),
    "weft_semaphore_free": (None, [_handle], False),
    "weft_semaphore_acquire": (_status, [_handle, _bool, _double], True),
    "weft_semaphore_release": (_status, [_handle, _size], False),
    "weft_semaphore_value": (_size, [_handle], False),
    # Event
    "weft_event_new": (_status, [_ptr(_handle)], False),
    "weft_event_clone": (_handle, [_handle], False),
    "weft_event_free": (None, [_handle], False),
    "weft_event_set": (_status, [_handle], False),
    "weft_event_clear": (_status, [_handle], False),
    "weft_event_is_set": (_bool, [_handle], False),
    "weft_event_wait": (_status, [_handle, _double], True),
    # Barrier
    # The action and its argument's destructor are passed as pointers (NULL without an action).
    "weft_barrier_new": (
        _status, [_size, ctypes.c_void_p, ctypes.c_void_p, ctypes.c_void_p, _double,
                  _ptr(_handle)], False),
    "weft_barrier_clone": (_handle, [_handle], False),
    "weft_barrier_free": (None, [_handle], False),
    "weft_barrier_wait": (_status, [_handle, _double, _ptr(_size)], True),
    "weft_barrier_reset": (_status, [_handle], False),
    "weft_barrier_abort": (_status, [_handle], False),
    "weft_barrier_broken": (_bool, [_handle], False),
    "weft_barrier_n_waiting": (_size, [_handle], False),
    "weft_barrier_parties": (_size, [_handle], False),
    # Pool and futures (callbacks are passed as pointers, NULL for none)
    "weft_pool_new": (
        _status, [_size, ctypes.c_char_p, ctypes.c_void_p, ctypes.c_void_p, ctypes.c_void_p,
                  _ptr(_handle)], False),
    "weft_pool_clone": (_handle, [_handle], False),
    "weft_pool_free": (None, [_handle], False),
    "weft_pool_submit": (
        _status, [_handle, ctypes.c_void_p, ctypes.c_void_p, ctypes.c_void_p, _ptr(_handle)],
        False),
    "weft_pool_shutdown": (_status, [_handle, _bool, _bool], True),
    "weft_pool_max_workers": (_size, [_handle], False),
    "weft_pool_submit_timeout": (
        _status, [_handle, ctypes.c_void_p, ctypes.c_void_p, ctypes.c_void_p, _bool, _double,
                  _ptr(_handle)], True),
    "weft_pool_set_max_workers": (_status, [_handle, _size], False),
    "weft_pool_set_max_pending": (_status, [_handle, _size], False),
    "weft_pool_max_pending": (_size, [_handle], False),
    "weft_pool_counts": (_status, [_handle, _ptr(_size), _ptr(_size), _ptr(_size)], False),
    "weft_future_new": (_status, [_ptr(_handle)], False),
    "weft_future_set_running_or_notify_cancel": (_status, [_handle], False),
    # The result is passed as a pointer, with no free function (NULL).
    "weft_future_set_result": (_status, [_handle, ctypes.c_void_p, ctypes.c_void_p], False),
    "weft_future_set_exception": (_status, [_handle, ctypes.c_int], False),
    "weft_future_clone": (_handle, [_handle], False),
    "weft_future_free": (None, [_handle], False),
    "weft_future_result": (_status, [_handle, _double, _ptr(ctypes.c_void_p)], True),
    "weft_future_exception": (_status, [_handle, _double, _ptr(ctypes.c_int)], True),
    "weft_future_cancel": (_bool, [_handle], False),
    "weft_future_interrupt": (_bool, [_handle], False),
    "weft_future_cancelled": (_bool, [_handle], False),
    "weft_future_running": (_bool, [_handle], False),
    "weft_future_done": (_bool, [_handle], False),
    "weft_future_add_done_callback": (_status, [_handle, ctypes.c_void_p, ctypes.c_void_p], False),
    "weft_futures_wait": (
        _status, [ctypes.c_void_p, _size, _double, ctypes.c_int, ctypes.c_void_p], True),
    "weft_futures_as_completed": (
        _status, [ctypes.c_void_p, _size, ctypes.c_void_p, _double, _ptr(_size)], True),
    "weft_as_completed_new": (_status, [ctypes.c_void_p, _size, _ptr(_handle)], False),
    "weft_as_completed_free": (None, [_handle], False),
    "weft_as_completed_next": (_status, [_handle, _double, _ptr(_size)], True),
    # Waiting on several objects (weft.wait_any)
    "weft_wait_any": (_status, [ctypes.c_void_p, _size, _double, _ptr(_size)], True),
    # Local (weft.futures keeps each pool worker's Python thread state in one)
    "weft_local_new": (
        _status, [ctypes.c_void_p, ctypes.c_void_p, ctypes.c_void_p, ctypes.c_void_p,
                  _ptr(_handle)], False),
    "weft_local_set": (_status, [_handle, ctypes.c_void_p], False),
    # Queue
    # The item destructor is passed as a pointer (NULL for a queue of tokens).
    "weft_queue_new": (_status, [ctypes.c_int, _size, ctypes.c_void_p, _ptr(_handle)], False),
    "weft_queue_clone": (_handle, [_handle], False),
    "weft_queue_free": (None, [_handle], False),
    "weft_queue_put": (_status, [_handle, ctypes.c_void_p, _bool, _double], True),
    "weft_queue_get": (_status, [_handle, _bool, _double, _ptr(ctypes.c_void_p)], True),
    "weft_queue_task_done": (_status, [_handle], False),
    "weft_queue_join": (_status, [_handle, _double], True),
    # The drain function is passed as a pointer (NULL for none).
    "weft_queue_shutdown": (_status, [_handle, _bool, ctypes.c_void_p, ctypes.c_void_p], False),
    "weft_queue_is_shutdown": (_bool, [_handle], False),
    "weft_queue_qsize": (_size, [_handle], False),
    "weft_queue_empty": (_bool, [_handle], False),
    "weft_queue_full": (_bool, [_handle], False),
    "weft_queue_maxsize": (_size, [_handle], False),
    "weft_queue_unfinished_tasks": (_size, [_handle], False),
    "weft_queue_getters": (_size, [_handle], False),
    "weft_queue_putters": (_size, [_handle], False),
    # Thread
    # The argument destructor (weft_free_fn) is always NULL here.
    "weft_thread_new": (_status, [thread_fn, ctypes.c_void_p, ctypes.c_void_p, _ptr(_handle)], False),
    "weft_thread_new_named": (
        _status, [thread_fn, ctypes.c_void_p, ctypes.c_void_p, ctypes.c_char_p, _ptr(_handle)],
        False),
    "weft_thread_clone": (_handle, [_handle], False),
    "weft_thread_is": (_bool, [_handle, _handle], False),
    "weft_thread_free": (None, [_handle], False),
    "weft_thread_start": (_status, [_handle], False),
    "weft_thread_join": (_status, [_handle, _double], True),
    "weft_thread_is_alive": (_bool, [_handle], False),
    "weft_thread_get_name": (_status, [_handle, ctypes.c_char_p, _size, _ptr(_size)], False),
    "weft_thread_set_name": (_status, [_handle, ctypes.c_char_p], False),
    "weft_thread_is_daemon": (_bool, [_handle], False),
    "weft_thread_set_daemon": (_status, [_handle, _bool], False),
    "weft_thread_ident": (_u64, [_handle], False),
    # May wait briefly for a just-started thread to report its id.
    "weft_thread_native_id": (_u64, [_handle], True),
    "weft_current_thread": (_handle, [], False),
    "weft_main_thread": (_handle, [], False),
    "weft_enumerate": (_status, [_ptr(_ptr(_handle)), _ptr(_size)], False),
    "weft_thread_array_free": (None, [_ptr(_handle), _size], False),
    "weft_active_count": (_size, [], False),
    "weft_get_ident": (_u64, [], False),
    "weft_get_native_id": (_u64, [], False),
    "weft_stack_size": (_status, [_size, _ptr(_size)], False),
    "weft_stack_size_get": (_size, [], False),
    "weft_shutdown": (_status, [_double, _ptr(_size)], True),
    "weft_set_exit_wait": (None, [ctypes.c_bool], False),
    # Cancellation
    "weft_cancel_new": (_status, [_ptr(_handle)], False),
    "weft_cancel_free": (None, [_handle], False),
    "weft_cancel_set": (_status, [_handle], False),
    "weft_cancel_reset": (_status, [_handle], False),
    "weft_cancel_is_set": (_bool, [_handle], False),
    "weft_cancel_install": (_status, [_handle], False),
    "weft_cancelled": (_bool, [], False),
}


# The functions of the hot paths, also reachable without argtypes (through `raw` and
# `raw_blocking`): ctypes then converts no argument (the conversions are about 40 % of a call),
# so these take only bools, None and the C arguments that `from_param` makes (a handle's
# `_as_parameter_`, c_double.from_param(-1.0), ...), which ctypes passes as they are.
_HOT = {
    "weft_lock_acquire", "weft_lock_release", "weft_rlock_acquire", "weft_rlock_release",
    "weft_semaphore_acquire", "weft_semaphore_release", "weft_event_set", "weft_event_clear",
    "weft_event_is_set", "weft_event_wait", "weft_condition_wait", "weft_condition_notify",
    "weft_queue_put", "weft_queue_get", "weft_pool_submit", "weft_future_result",
}


class _Functions:
    """The library's functions as attributes, with their prototypes set (or, with
    ``prototypes`` false, the functions of _HOT with their result type only).

    A function of _HOT that returns a weft_status has no result type set: ctypes then returns
    the C int as it is, which is what c_int gives, without looking up c_int's converter on
    every call (about 200 instructions of a call's 1,950)."""

    def __init__(self, dll, blocking, prototypes=True):
        # The functions of _HOT are of a function type with no default result type (the
        # library's own, dll._FuncPtr, defaults to c_int), and otherwise the same flags.
        raw_function = type("_RawFunction", (ctypes._CFuncPtr,),
                            {"_flags_": dll._FuncPtr._flags_})
        for name, (restype, argtypes, may_block) in _PROTOTYPES.items():
            if blocking and not may_block:
                continue
            if prototypes:
                function = getattr(dll, name)
                function.argtypes = argtypes
            elif name in _HOT:
                function = raw_function((name, dll))  # without argtypes
            else:
                continue
            if prototypes or restype is not _status:
                function.restype = restype
            setattr(self, name, function)


def _candidates():
    """(where, path) pairs in search order."""
    here = Path(__file__).resolve().parent
    repo = here.parent.parent.parent  # bindings/python/weft -> the repository
    yield "the package", here / "libweft.so"
    yield "the repository's target/release", repo / "target" / "release" / "libweft.so"
    yield "the repository's target/debug", repo / "target" / "debug" / "libweft.so"
    yield "the system", ctypes.util.find_library("weft")


def _open(path):
    """Loads and checks the library at ``path``; returns (lib, blocking) or raises OSError."""
    nonblocking = ctypes.PyDLL(str(path))
    try:
        number = nonblocking.weft_version_number
    except AttributeError:
        raise OSError("not a weft library (no weft_version_number)") from None
    number.restype = ctypes.c_uint32
    got = number()
    if got // 10000 != VERSION[0] or got < VERSION_NUMBER:
        raise OSError(
            f"version {got // 10000}.{got // 100 % 100}.{got % 100}, but this binding needs "
            f"{VERSION[0]}.x.y at least {'.'.join(map(str, VERSION))}"
        )
    releasing = ctypes.CDLL(str(path))
    try:
        return tuple(_Functions(dll, blocking, prototypes)
                     for prototypes in (True, False)
                     for dll, blocking in ((nonblocking, False), (releasing, True)))
    except AttributeError as e:
        raise OSError(f"lacks a function this binding needs ({e})") from None


def _load():
    tried = []
    explicit = os.environ.get("WEFT_LIBRARY")
    if explicit:
        candidates = [("WEFT_LIBRARY", explicit)]
    else:
        tried.append("WEFT_LIBRARY: not set")
        candidates = _candidates()
    for where, path in candidates:
        if path is None:
            tried.append(f"{where}: find_library('weft') found nothing")
            continue
        if where != "the system" and not Path(path).is_file():
            tried.append(f"{where}: {path} does not exist")
            continue
        try:
            return _open(path)
        except OSError as e:
            tried.append(f"{where}: {path}: {e}")
    raise ImportError(
        "weft: no usable libweft.so. Looked for:\n  "
        + "\n  ".join(tried)
        + "\nBuild it with `cargo capi --release` in the weft repository, "
        "install the package with `pip install ./bindings/python`, or set WEFT_LIBRARY to its path."
    )


# `lib`: every function, keeping the GIL. `blocking`: the functions that may block, releasing it.
# `raw` and `raw_blocking`: the same for the functions of _HOT, without argtypes.
lib, blocking, raw, raw_blocking = _load()


def _set_handle(obj, handle):
    obj._h = handle
    obj._as_parameter_ = ctypes.c_void_p.from_param(handle)


def new_buffer():
    """A (c_void_p, pointer to it) pair for `buffers`."""
    out = ctypes.c_void_p()
    return out, ctypes.byref(out)


# Buffers for the pointers that the hot paths' calls hand back, each with a pointer to it that
# ctypes passes as it is (a new one costs about 2,000 instructions): a call takes one with
# `buffers.pop()` (or `new_buffer()` if there is none), and appends it again once read. There
# are a few from the start: a list that falls below half its allocation shrinks, so taking
# the only one and giving it back would reallocate the list twice (about 350 instructions).
buffers = [new_buffer() for _ in range(8)]


# The `_handle` attribute of the objects wrapping a handle: the handle as an int, kept with its
# C argument in `_as_parameter_`, so the object, or that attribute, can be passed to a ctypes
# function taking the C type (the functions of `raw` take nothing else). The argument is what
# c_void_p.from_param makes (a "cparam"), which ctypes passes as it is: a c_void_p would be
# converted to one on every call, about 400 instructions.
handle_attribute = property(operator.attrgetter("_h"), _set_handle)


# --- Timeouts and waiting -------------------------------------------------------------------


def seconds(timeout):
    """A timeout argument as a float, accepting what CPython accepts (floats and integers)."""
    if isinstance(timeout, float):
        return timeout
    return float(operator.index(timeout))


def check_timeout(timeout):
    """Applies weft's timeout rule (FOREVER, or 0 to TIMEOUT_MAX) before a wait is cut into
    slices, raising what the C call would."""
    if timeout == TIMEOUT_FOREVER:
        return
    if not timeout >= 0.0:  # also NaN
        raise error(INVALID_TIMEOUT)
    if timeout > TIMEOUT_MAX:
        raise error(TIMEOUT_TOO_LARGE)


_main_ident = _threading.main_thread().ident
_check_signals = ctypes.pythonapi.PyErr_CheckSignals
_check_signals.restype = ctypes.c_int
_check_signals.argtypes = []

# Ctrl-C in the main thread, without polling: the main thread installs a cancellation token
# (weft_cancel) for its waits, and a watcher thread sets it whenever a signal arrives: Python's
# C-level handler writes the signal's number to the wakeup fd (signal.set_wakeup_fd), the
# watcher reads it from the other end of the pipe. The main thread's wait then returns
# INTERRUPTED, and wait() below runs the Python-level handlers there, as CPython does when a
# signal interrupts a lock's wait. A wakeup fd set before weft's (by another library) still gets
# every byte. The watcher starts when the main thread first waits, or first starts threads
# (whose end the exit may wait for, and Python 3.12 starts no thread at its exit), not at
# import: a program that never does stays single-threaded (fork() warns in a threaded process
# from 3.12). `_token` is None until then, 0 where no watcher can be (not the main interpreter,
# or 3.12's exit).
_token = None
# In a child forked from a thread other than the main one, the forking thread's is_alive: the
# process ends when that thread does, so the watcher looks every 0.1 s and leaves after it.
_main_alive = None


def _watch(read_end, forward_to, token, alive):
    """The watcher thread: sets ``token`` for every signal written to the pipe, forwarding the
    bytes to the wakeup fd weft's replaced, if any; returns once ``alive()`` is false."""
    while True:
        try:
            if alive is not None and not _select.select([read_end], [], [], 0.1)[0]:
                if alive():
                    continue
                return
            data = os.read(read_end, 512)
        except OSError:
            return
        if not data:
            return
        if forward_to >= 0:
            try:
                os.write(forward_to, data)
            except OSError:
                pass  # full or closed: that fd's owner would have lost them too
        lib.weft_cancel_set(token)


def watch_signals():
    """In the main thread, the first time (again in a child made by fork(), whose watcher is
    gone): installs the main thread's token and starts the watcher. Elsewhere, or once done,
    it does nothing."""
    global _token
    if _token is not None or get_ident() != _main_ident:
        return
    token = new_handle(lib.weft_cancel_new)
    read_end, write_end = os.pipe()
    os.set_blocking(write_end, False)
    try:
        forward_to = _signal.set_wakeup_fd(write_end, warn_on_full_buffer=False)
        try:
            _threading.Thread(target=_watch, args=(read_end, forward_to, token, _main_alive),
                              name="weft-signal-watcher", daemon=True).start()
        except RuntimeError:
            _signal.set_wakeup_fd(forward_to)
            raise
    except (ValueError, RuntimeError):
        # ValueError: not the main interpreter's main thread; RuntimeError: Python 3.12 at its
        # exit, which starts no thread. Waits here stay uninterruptible.
        os.close(read_end)
        os.close(write_end)
        lib.weft_cancel_free(token)
        _token = 0
        return
    check(lib.weft_cancel_install(token))
    _token = token


def wait(call, timeout, missed=None):
    """Runs the blocking C call ``call(seconds)`` (which releases the GIL) with ``timeout``
    (TIMEOUT_FOREVER or seconds, checked), and returns its status.

    Every thread waits in one call. In the main thread a signal ends it (the call returns
    INTERRUPTED, see watch_signals): the signal handlers run, so Ctrl-C raises
    KeyboardInterrupt there as it does in CPython, and if they raise nothing the wait goes on
    for the time left. ``call`` must be safe to repeat after an INTERRUPTED. ``missed()``, if
    given, is asked after such an interruption whether what the call waits for happened while
    this thread was not waiting; if so, the wait ends with OK.
    """
    if get_ident() != _main_ident:
        return call(timeout)
    if _token is None:
        watch_signals()
    deadline = None if timeout == TIMEOUT_FOREVER else _time() + timeout
    while True:
        status = call(timeout)
        if status != INTERRUPTED:
            return status
        handled()
        if missed is not None and missed():
            return OK
        if deadline is not None:
            timeout = max(deadline - _time(), 0.0)


def handled():
    """After a main-thread call returned INTERRUPTED: clears the token, then runs the signal
    handlers (raising what they raise, KeyboardInterrupt for Ctrl-C)."""
    lib.weft_cancel_reset(_token)
    _check_signals()


# Handles of objects finalized during a cycle collection: other objects of the same garbage may
# still use them in their own __del__, so the handle is released once the collection is over,
# if the object is gone by then (a resurrected object keeps it).
_collecting = False
_deferred = []


def _collection_phase(phase, info):
    global _collecting
    _collecting = phase == "start"
    while not _collecting and _deferred:
        free, handle, alive = _deferred.pop()
        if alive() is None:
            free(handle)


gc.callbacks.append(_collection_phase)


def release(obj, free):
    """For ``obj.__del__``: releases ``obj._handle`` with ``free``, at once or, during a cycle
    collection, once it is over."""
    handle = getattr(obj, "_handle", None)
    if not handle:
        return
    if _collecting:
        _deferred.append((free, handle, weakref.ref(obj)))
    else:
        # handle_attribute's two attributes, set as its setter would for None (a setter is a
        # Python call more).
        obj._h = obj._as_parameter_ = None
        free(handle)


def new_handle(constructor, *args):
    """Calls ``constructor(*args, &handle)`` and returns the new handle (an int)."""
    handle = _handle()
    check(constructor(*args, ctypes.byref(handle)))
    return handle.value
