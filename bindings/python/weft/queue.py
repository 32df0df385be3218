"""weft.queue: Python's ``queue`` module over weft_queue, a drop-in replacement::

    import weft.queue as queue

Queue, LifoQueue and SimpleQueue keep their items in a dictionary here, by a key; their C queue
holds the keys, so a put or a get is one ctypes call with no reference count or cast crossing it.
A key is the address of a byte of memory this module owns, so no pointer C code puts on a queue
can be mistaken for one: ``get()`` returns such a pointer as an int. Items a queue drops (an
immediate shutdown, or the queue freed with items in it) are forgotten. PriorityQueue orders its
items by comparing them, which C cannot do: they stay in a heap here, and the C queue holds one
token (a key kept for that) per item. Either way the C queue gives blocking, capacity, task
counting and shutdown. ``shutdown()`` and ShutDown are Python 3.13's.

A subclass that overrides one of the storage hooks ``_init``, ``_qsize``, ``_put`` or ``_get``
gets CPython's Python implementation instead (_HookedQueue: a deque or list in ``queue``, a
weft Lock in ``mutex`` and weft Conditions over it), since the hooks cannot reach into the C
queue.
"""

import collections as _collections
import ctypes as _ctypes
import heapq as _heapq
import time as _time
import types as _types
import weakref as _weakref

import weft as _weft
from weft import _capi
from weft._capi import ShutDown
from weft._capi import blocking as _blocking
from weft._capi import lib as _lib

__all__ = ['Empty', 'Full', 'ShutDown', 'Queue', 'PriorityQueue', 'LifoQueue', 'SimpleQueue']

Empty = _capi._queue.Empty
Full = _capi._queue.Full

_FOREVER = _capi.TIMEOUT_FOREVER
_C_FOREVER = _ctypes.c_double.from_param(_FOREVER)
_FULL, _EMPTY = _capi.FULL, _capi.EMPTY
# One attempt that keeps the GIL (see _capi._HOT: these take ctypes objects and bools only).
_put, _get = _capi.raw.weft_queue_put, _capi.raw.weft_queue_get
_buffers, _new_buffer = _capi.buffers, _capi.new_buffer
# The items of every Queue, LifoQueue and SimpleQueue, by the key their C queue holds.
_items = {}
# Each key's C argument, made once (a c_void_p.from_param "cparam", which ctypes passes as it
# is). Making none during a put also means a put makes no object that the cycle collector
# tracks, so a put() from a __del__ that a collection runs cannot overtake a put under way.
_params = {}
# The keys not in use. A key goes back once its item has left the C queue.
_free_keys = []
_pop_key, _free_key = _free_keys.pop, _free_keys.append
_KEY_BLOCK = 4096
_key_blocks = []  # the memory whose addresses the keys are, kept for the life of the module


def _more_keys():
    """Makes _KEY_BLOCK new keys, the addresses of a block of memory owned here (so no pointer C
    code puts can be one): frees all but one, and returns that one."""
    block = (_ctypes.c_char * _KEY_BLOCK)()
    _key_blocks.append(block)
    base = _ctypes.addressof(block)
    for key in range(base, base + _KEY_BLOCK):
        _params[key] = _ctypes.c_void_p.from_param(key)
    _free_keys.extend(range(base + _KEY_BLOCK - 1, base, -1))
    return base


def _forget(key, items=_items):
    """Forgets the item of ``key`` and frees the key (nothing if C code put ``key``)."""
    if key in items:
        del items[key]
        _free_key(key)


# The item destructor of those queues: forgets the item of a key the C queue dropped.
_forget_item = _capi.free_fn(_forget)

# A PriorityQueue's token, the item its C queue holds for each of its items.
_TOKEN = _more_keys()
# A PriorityQueue object of each handle, for another object of it to share its heap.
_priority_queues = _weakref.WeakValueDictionary()


def _block_timeout(block, timeout):
    """The C timeout for put/get(block, timeout), with CPython's checks."""
    if not block or timeout is None:
        return _FOREVER
    timeout = _capi.seconds(timeout)
    if timeout < 0:
        raise ValueError("'timeout' must be a non-negative number")
    _capi.check_timeout(timeout)
    return timeout


class _Base(object):
    """A weft_queue handle and what every kind shares."""

    _kind = None
    _handle = _capi.handle_attribute

    def __init__(self, capacity=0, item_free=_forget_item):
        self._handle = _capi.new_handle(
            _lib.weft_queue_new, self._kind, capacity, _ctypes.cast(item_free, _ctypes.c_void_p))

    def __del__(self, free=_lib.weft_queue_free, release=_capi.release):
        release(self, free)

    __class_getitem__ = classmethod(_types.GenericAlias)

    @classmethod
    def from_handle(cls, handle):
        """A queue object for a weft_queue handle C code made; takes a new reference (the caller
        keeps its own). ``get()`` returns an item C code put as its pointer, an int (0 for
        NULL). What Python puts is a key only this module understands: C code must not get it,
        nor drop it with an item destructor of its own."""
        if issubclass(cls, _HookedQueue):
            raise TypeError(f"{cls.__name__} overrides the storage hooks: it has no C queue")
        clone = _lib.weft_queue_clone(handle)
        if not clone:
            raise _capi.error(_capi.WRONG_HANDLE)
        self = cls.__new__(cls)
        self._handle = clone
        self._state(_lib.weft_queue_maxsize(clone))
        return self

    def _state(self, maxsize):
        """Sets what the object keeps besides its handle, for a C queue of capacity ``maxsize``."""

    @property
    def handle(self):
        """The weft_queue handle (a C pointer as an int), valid while this object lives."""
        return self._handle

    @property
    def getters(self):
        """How many threads wait in ``get()`` now, a snapshot (weft_queue_getters; not in
        CPython, where it is ``len(q.not_empty._waiters)``); a thread in ``weft.wait_any()``
        watching the queue counts as one."""
        return _lib.weft_queue_getters(self._handle)

    @property
    def putters(self):
        """How many threads wait in ``put()`` for a free slot now, a snapshot
        (weft_queue_putters; CPython: ``len(q.not_full._waiters)``)."""
        return _lib.weft_queue_putters(self._handle)

    def qsize(self):
        '''Return the approximate size of the queue (not reliable!).'''
        return _lib.weft_queue_qsize(self._handle)

    def empty(self):
        '''Return True if the queue is empty, False otherwise (not reliable!).'''
        return _lib.weft_queue_empty(self._handle)

    def put_nowait(self, item):
        '''Put an item into the queue without blocking.

        Only enqueue the item if a free slot is immediately available.
        Otherwise raise the Full exception.
        '''
        return self.put(item, block=False)

    def get_nowait(self):
        '''Remove and return an item from the queue without blocking.

        Only get an item if one is immediately available. Otherwise
        raise the Empty exception.
        '''
        return self.get(block=False)

    def _put_key(self, key, block, timeout):
        """Puts ``key`` (an int) in the C queue as put(item, block, timeout)
        does: one attempt keeping the GIL, then, if blocking, a wait that releases it. Returns
        the status. Before the key is in the queue, it makes no object that the cycle collector
        tracks (see _params)."""
        if timeout is not None:
            _block_timeout(block, timeout)  # CPython's checks, full or not
        status = _put(self._as_parameter_, _params[key], False, _C_FOREVER)
        if status == _FULL and block:
            c_timeout = _block_timeout(block, timeout)
            if c_timeout != 0.0:
                handle = self._handle
                status = _capi.wait(lambda t: _blocking.weft_queue_put(handle, key, True, t),
                                    c_timeout)
        return status

    def _get_key(self, ref, block, timeout):
        """Takes a key from the C queue as get(block, timeout) does, into the buffer that
        ``ref`` points to (see _new_buffer); raises what get() raises."""
        if timeout is not None:
            _block_timeout(block, timeout)  # CPython's checks, empty or not
        status = _get(self._as_parameter_, False, _C_FOREVER, ref)
        if status:
            if status == _EMPTY and block:
                c_timeout = _block_timeout(block, timeout)
                if c_timeout != 0.0:
                    handle = self._handle
                    status = _capi.wait(lambda t: _blocking.weft_queue_get(handle, True, t, ref),
                                        c_timeout)
            if status:
                raise _capi.error(status)

    def put(self, item, block=True, timeout=None):
        '''Put an item into the queue.

        If optional args 'block' is true and 'timeout' is None (the default),
        block if necessary until a free slot is available. If 'timeout' is
        a non-negative number, it blocks at most 'timeout' seconds and raises
        the Full exception if no free slot was available within that time.
        Otherwise ('block' is false), put an item on the queue if a free slot
        is immediately available, else raise the Full exception ('timeout'
        is ignored in that case).

        Raises ShutDown if the queue has been shut down.
        '''
        try:
            key = _pop_key()
        except IndexError:
            key = _more_keys()
        _items[key] = item
        # The common case first: no timeout, and room in the queue.
        if timeout is None and not _put(self._as_parameter_, _params[key], False, _C_FOREVER):
            return
        try:
            status = self._put_key(key, block, timeout)
        except BaseException:
            _forget(key)
            raise
        if status:
            _forget(key)
            raise _capi.error(status)

    def get(self, block=True, timeout=None):
        '''Remove and return an item from the queue.

        If optional args 'block' is true and 'timeout' is None (the default),
        block if necessary until an item is available. If 'timeout' is
        a non-negative number, it blocks at most 'timeout' seconds and raises
        the Empty exception if no item was available within that time.
        Otherwise ('block' is false), return an item if one is immediately
        available, else raise the Empty exception ('timeout' is ignored
        in that case).

        Raises ShutDown if the queue has been shut down and is empty,
        or if the queue has been shut down immediately.

        An item C code put is returned as its pointer, an int (0 for NULL).
        '''
        try:
            buffer = _buffers.pop()
        except IndexError:
            buffer = _new_buffer()
        out, ref = buffer
        try:
            # The common case first: no timeout, and an item in the queue.
            if timeout is not None or _get(self._as_parameter_, False, _C_FOREVER, ref):
                self._get_key(ref, block, timeout)
            key = out.value
        finally:
            _buffers.append(buffer)
        try:
            item = _items.pop(key)
        except KeyError:  # put by C code
            return key or 0
        _free_key(key)
        return item


# The storage hooks of CPython's Queue: a subclass that overrides one is a _HookedQueue.
_HOOKS = ("_init", "_qsize", "_put", "_get")
# The attributes a Queue makes on first use (see Queue.__getattr__).
_SYNC = ("mutex", "not_empty", "not_full", "all_tasks_done")
_sync_lock = _weft.Lock()


class _QueueType(type):
    """The type of Queue and its subclasses: a subclass of them that overrides a storage hook
    (_HOOKS) gets _HookedQueue, CPython's Python implementation, placed in its method resolution
    order just before the first class of this module, so the subclass's own methods and those
    of its other bases still come first."""

    def mro(cls):
        mro = super().mro()
        # (c.__module__ of a class being made is not its own yet: read its namespace)
        ours = [c.__dict__.get("__module__") == __name__ for c in mro]
        if ours[0] or _HookedQueue in mro:
            return mro
        first = ours.index(True)
        if any(hook in c.__dict__ for c in mro[:first] for hook in _HOOKS):
            mro.insert(first, _HookedQueue)
        return mro


class _QueueCondition(_weft.Condition):
    """A Queue's ``not_empty``, ``not_full`` or ``all_tasks_done``: a Condition over its
    ``mutex`` that code may hold and notify, but not wait on: put(), get() and task_done() are
    calls to the C queue, which neither take ``mutex`` nor notify these."""

    __slots__ = ()

    def wait(self, *args, **kwargs):
        raise RuntimeError(
            "weft.queue: put(), get() and task_done() do not notify a Queue's conditions "
            "(see the binding's README); wait with get(), put() or join() instead")

    wait_for = wait


class _Items:
    """A Queue's ``queue``: what CPython's deque there is used for that the C queue can do.
    ``len()`` is the size and ``clear()`` gets every item there is; the C queue cannot show its
    items without taking them, so iterating, indexing and ``in`` raise TypeError."""

    __slots__ = ("_queue",)

    def __init__(self, queue):
        self._queue = queue

    def __len__(self):
        return self._queue.qsize()

    def clear(self):
        """Gets every item there is (as get_nowait() until Empty); the task count stays."""
        get = self._queue.get_nowait
        try:
            while True:
                get()
        except (Empty, ShutDown):
            pass

    def _unreadable(self, *args):
        raise TypeError(
            "weft.queue: a Queue's items are in its C queue, which cannot show them without "
            "taking them; only len() and clear() work on Queue.queue (see the binding's README)")

    __iter__ = __getitem__ = __contains__ = _unreadable


class Queue(_Base, metaclass=_QueueType):
    '''Create a queue object with a given maximum size.

    If maxsize is <= 0, the queue size is infinite.
    '''

    _kind = _capi.QUEUE_FIFO

    def __init__(self, maxsize=0):
        if isinstance(self, _HookedQueue):  # Queue.__init__(self) from such a subclass
            _HookedQueue.__init__(self, maxsize)
            return
        super().__init__(max(maxsize, 0))
        self._state(maxsize)

    def _state(self, maxsize):
        # A plain attribute, as in CPython; but the C queue's capacity stays the one given here.
        self.maxsize = maxsize

    def __getattr__(self, name):
        """``mutex`` (a weft Lock that put() and get() do not take) and ``not_empty``,
        ``not_full`` and ``all_tasks_done`` (_QueueCondition over it), made on first use."""
        if name not in _SYNC:
            raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")
        with _sync_lock:
            if "mutex" not in self.__dict__:
                mutex = _weft.Lock()
                self.__dict__.update(
                    mutex=mutex, not_empty=_QueueCondition(mutex),
                    not_full=_QueueCondition(mutex), all_tasks_done=_QueueCondition(mutex))
        return self.__dict__[name]

    @property
    def queue(self):
        """The items, for len() and clear() (see _Items)."""
        return _Items(self)

    def task_done(self):
        '''Indicate that a formerly enqueued task is complete.

        Used by Queue consumer threads.  For each get() used to fetch a task,
        a subsequent call to task_done() tells the queue that the processing
        on the task is complete.

        If a join() is currently blocking, it will resume when all items
        have been processed (meaning that a task_done() call was received
        for every item that had been put() into the queue).

        Raises a ValueError if called more times than there were items
        placed in the queue.
        '''
        _capi.check(_lib.weft_queue_task_done(self._handle))

    def join(self):
        '''Blocks until all items in the Queue have been gotten and processed.

        The count of unfinished tasks goes up whenever an item is added to the
        queue. The count goes down whenever a consumer thread calls task_done()
        to indicate the item was retrieved and all work on it is complete.

        When the count of unfinished tasks drops to zero, join() unblocks.
        '''
        handle = self._handle
        _capi.check(_capi.wait(lambda t: _blocking.weft_queue_join(handle, t), _FOREVER))

    @property
    def unfinished_tasks(self):
        """How many items were put and not yet marked done. Lowering it marks tasks done (as
        task_done() would, so join() may return); it cannot be raised."""
        return _lib.weft_queue_unfinished_tasks(self._handle)

    @unfinished_tasks.setter
    def unfinished_tasks(self, count):
        surplus = self.unfinished_tasks - count
        if surplus < 0:
            raise ValueError("weft.queue: unfinished_tasks counts the items put; it cannot be raised")
        for _ in range(surplus):
            if _lib.weft_queue_task_done(self._handle):
                break  # other threads marked the rest done

    # CPython's storage hooks, for a subclass's overrides to call (see _HookedQueue).
    def _init(self, maxsize):
        self.queue = _collections.deque()

    def _qsize(self):
        return len(self.queue)

    def _put(self, item):
        self.queue.append(item)

    def _get(self):
        return self.queue.popleft()

    @property
    def is_shutdown(self):
        """Whether shutdown() was called (Python 3.13)."""
        return _lib.weft_queue_is_shutdown(self._handle)

    def shutdown(self, immediate=False):
        '''Shut-down the queue, making queue gets and puts raise ShutDown.

        By default, gets will only raise once the queue is empty. Set
        'immediate' to True to make gets raise immediately instead.

        All blocked callers of put() and get() will be unblocked. If
        'immediate', a task is marked as done for each item remaining in
        the queue, which may unblock callers of join().
        '''
        _capi.check(_lib.weft_queue_shutdown(self._handle, bool(immediate), None, None))

    def full(self):
        '''Return True if the queue is full, False otherwise (not reliable!).'''
        return _lib.weft_queue_full(self._handle)


class LifoQueue(Queue):
    '''Variant of Queue that retrieves most recently added entries first.'''

    _kind = _capi.QUEUE_LIFO

    def _init(self, maxsize):
        self.queue = []

    def _get(self):
        return self.queue.pop()


class PriorityQueue(Queue):
    '''Variant of Queue that retrieves open entries in priority order (lowest first).

    Entries are typically tuples of the form:  (priority number, data).
    '''

    _kind = _capi.QUEUE_FIFO

    def __init__(self, maxsize=0):
        if isinstance(self, _HookedQueue):  # PriorityQueue.__init__(self) from such a subclass
            _HookedQueue.__init__(self, maxsize)
            return
        # The C queue holds a token (_TOKEN) per item; the items are in this heap.
        _Base.__init__(self, max(maxsize, 0), item_free=None)
        self._state(maxsize)

    def _state(self, maxsize):
        Queue._state(self, maxsize)
        # Every PriorityQueue object of one handle (see from_handle) shares one heap.
        other = _priority_queues.get(self._handle)
        self._heap = [] if other is None else other._heap
        _priority_queues[self._handle] = self

    def put(self, item, block=True, timeout=None):
        _capi.check(self._put_key(_TOKEN, block, timeout))
        _heapq.heappush(self._heap, item)

    def get(self, block=True, timeout=None):
        out, ref = _new_buffer()
        self._get_key(ref, block, timeout)
        if out.value != _TOKEN:  # put by C code
            return out.value or 0
        # Our token's put may not have pushed its item yet: it is about to.
        while not self._heap:
            _time.sleep(0)
        return _heapq.heappop(self._heap)

    def shutdown(self, immediate=False):
        dropped = [0]

        @_capi.queue_item_fn
        def drop(token, arg):
            dropped[0] += token == _TOKEN

        _capi.check(_lib.weft_queue_shutdown(
            self._handle, bool(immediate), _ctypes.cast(drop, _ctypes.c_void_p), None))
        # The items of the tokens dropped go too (the largest: gets under way take the smallest).
        keep = max(len(self._heap) - dropped[0], 0)
        self._heap[:] = _heapq.nsmallest(keep, self._heap)

    def _init(self, maxsize):
        self.queue = []

    def _put(self, item):
        _heapq.heappush(self.queue, item)

    def _get(self):
        return _heapq.heappop(self.queue)


class SimpleQueue(_Base):
    '''Simple, unbounded, reentrant FIFO queue.'''

    _kind = _capi.QUEUE_SIMPLE

    def __init__(self):
        super().__init__()

    def put(self, item, block=True, timeout=None):
        '''Put the item on the queue.

        The optional 'block' and 'timeout' arguments are ignored, as this method
        never blocks.  They are provided for compatibility with the Queue class.
        '''
        # _Base.put's common case, the only one of an unbounded queue, here rather than a call
        # to it (a Python call costs about 400 instructions).
        try:
            key = _pop_key()
        except IndexError:
            key = _more_keys()
        _items[key] = item
        status = _put(self._as_parameter_, _params[key], False, _C_FOREVER)
        if status:
            _forget(key)
            raise _capi.error(status)

    # get() is _Base.get, called directly.


class _HookedQueue(Queue):
    """CPython's Queue in Python over a weft Lock and Conditions, for a subclass that overrides
    a storage hook (see _QueueType): the items are in ``queue``, as the hooks keep them, and
    there is no C queue (``handle`` is None)."""

    # Plain attributes here, as in CPython (they shadow Queue's properties).
    handle = queue = None
    unfinished_tasks = 0
    is_shutdown = False

    @property
    def getters(self):
        """Not counted: CPython's implementation has no C queue."""
        raise TypeError(f"{type(self).__name__} overrides the storage hooks: it has no C queue")

    putters = getters

    def __init__(self, maxsize=0):
        self.maxsize = maxsize
        self._init(maxsize)
        self.mutex = _weft.Lock()
        self.not_empty = _weft.Condition(self.mutex)
        self.not_full = _weft.Condition(self.mutex)
        self.all_tasks_done = _weft.Condition(self.mutex)

    def task_done(self):
        with self.all_tasks_done:
            unfinished = self.unfinished_tasks - 1
            if unfinished <= 0:
                if unfinished < 0:
                    raise ValueError('task_done() called too many times')
                self.all_tasks_done.notify_all()
            self.unfinished_tasks = unfinished

    def join(self):
        with self.all_tasks_done:
            while self.unfinished_tasks:
                self.all_tasks_done.wait()

    def qsize(self):
        with self.mutex:
            return self._qsize()

    def empty(self):
        with self.mutex:
            return not self._qsize()

    def full(self):
        with self.mutex:
            return 0 < self.maxsize <= self._qsize()

    def put(self, item, block=True, timeout=None):
        with self.not_full:
            if self.is_shutdown:
                raise ShutDown
            if self.maxsize > 0:
                if not block:
                    if self._qsize() >= self.maxsize:
                        raise Full
                elif timeout is None:
                    while self._qsize() >= self.maxsize:
                        self.not_full.wait()
                        if self.is_shutdown:
                            raise ShutDown
                elif timeout < 0:
                    raise ValueError("'timeout' must be a non-negative number")
                else:
                    endtime = _time.monotonic() + timeout
                    while self._qsize() >= self.maxsize:
                        remaining = endtime - _time.monotonic()
                        if remaining <= 0.0:
                            raise Full
                        self.not_full.wait(remaining)
                        if self.is_shutdown:
                            raise ShutDown
            self._put(item)
            self.unfinished_tasks += 1
            self.not_empty.notify()

    def get(self, block=True, timeout=None):
        with self.not_empty:
            if self.is_shutdown and not self._qsize():
                raise ShutDown
            if not block:
                if not self._qsize():
                    raise Empty
            elif timeout is None:
                while not self._qsize():
                    self.not_empty.wait()
                    if self.is_shutdown and not self._qsize():
                        raise ShutDown
            elif timeout < 0:
                raise ValueError("'timeout' must be a non-negative number")
            else:
                endtime = _time.monotonic() + timeout
                while not self._qsize():
                    remaining = endtime - _time.monotonic()
                    if remaining <= 0.0:
                        raise Empty
                    self.not_empty.wait(remaining)
                    if self.is_shutdown and not self._qsize():
                        raise ShutDown
            item = self._get()
            self.not_full.notify()
            return item

    def shutdown(self, immediate=False):
        with self.mutex:
            self.is_shutdown = True
            if immediate:
                while self._qsize():
                    self._get()
                    if self.unfinished_tasks > 0:
                        self.unfinished_tasks -= 1
                # release all blocked threads in `join()`
                self.all_tasks_done.notify_all()
            # All getters need to re-check queue-empty to raise ShutDown
            self.not_empty.notify_all()
            self.not_full.notify_all()
