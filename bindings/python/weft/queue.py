"""weft.queue: Python's ``queue`` module over weft_queue, a drop-in replacement::

    import weft.queue as queue

Queue, LifoQueue and SimpleQueue keep their items in a dictionary here, by a key (a number);
their C queue holds the keys, so a put or a get is one ctypes call with no reference count or
cast crossing it. Items a queue drops (an immediate shutdown, or the queue freed with items in
it) are forgotten. PriorityQueue orders its items by comparing them, which C cannot do: they stay
in a heap here, and the C queue holds one token (NULL) per item. Either way the C queue gives
blocking, capacity, task counting and shutdown. ``shutdown()`` and ShutDown are Python 3.13's.
"""

import ctypes as _ctypes
import heapq as _heapq
import itertools as _itertools
import time as _time

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
# A key as C takes it. Unlike a c_void_p, the object made is not tracked by the cycle
# collector, so a put() from a __del__ that a collection runs cannot overtake a put under way.
_key = _ctypes.c_void_p.from_param

# The items of every Queue, LifoQueue and SimpleQueue, by the key their C queue holds.
_items = {}
_next_key = _itertools.count(1).__next__


@_capi.free_fn
def _forget_item(key, items=_items):
    """The item destructor of those queues: forgets the item of a key the C queue dropped."""
    items.pop(key, None)


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

    @property
    def handle(self):
        """The weft_queue handle (a C pointer as an int), valid while this object lives."""
        return self._handle

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
        """Puts ``key`` (an int, or None for NULL) in the C queue as put(item, block, timeout)
        does: one attempt keeping the GIL, then, if blocking, a wait that releases it. Returns
        the status. Before the key is in the queue, it makes no object that the cycle collector
        tracks (see _key)."""
        if timeout is not None:
            _block_timeout(block, timeout)  # CPython's checks, full or not
        status = _put(self._as_parameter_, _key(key), False, _C_FOREVER)
        if status == _FULL and block:
            c_timeout = _block_timeout(block, timeout)
            if c_timeout != 0.0:
                handle = self._handle
                status = _capi.wait(lambda t: _blocking.weft_queue_put(handle, key, True, t),
                                    c_timeout, timed_out=status)
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
                                        c_timeout, timed_out=status)
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
        key = _next_key()
        _items[key] = item
        # The common case first: no timeout, and room in the queue.
        if timeout is None and not _put(self._as_parameter_, _key(key), False, _C_FOREVER):
            return
        try:
            status = self._put_key(key, block, timeout)
        except BaseException:
            del _items[key]
            raise
        if status:
            del _items[key]
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
        return _items.pop(key)


class Queue(_Base):
    '''Create a queue object with a given maximum size.

    If maxsize is <= 0, the queue size is infinite.
    '''

    _kind = _capi.QUEUE_FIFO

    def __init__(self, maxsize=0):
        super().__init__(max(maxsize, 0))
        # A plain attribute, as in CPython; but the C queue's capacity stays the one given here.
        self.maxsize = maxsize

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
        """How many items were put and not yet marked done."""
        return _lib.weft_queue_unfinished_tasks(self._handle)

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


class PriorityQueue(Queue):
    '''Variant of Queue that retrieves open entries in priority order (lowest first).

    Entries are typically tuples of the form:  (priority number, data).
    '''

    _kind = _capi.QUEUE_FIFO

    def __init__(self, maxsize=0):
        # The C queue holds a token (NULL) per item; the items are in this heap.
        _Base.__init__(self, max(maxsize, 0), item_free=None)
        self.maxsize = maxsize
        self._heap = []

    def put(self, item, block=True, timeout=None):
        _capi.check(self._put_key(None, block, timeout))
        _heapq.heappush(self._heap, item)

    def get(self, block=True, timeout=None):
        self._get_key(_new_buffer()[1], block, timeout)
        # Our token's put may not have pushed its item yet: it is about to.
        while not self._heap:
            _time.sleep(0)
        return _heapq.heappop(self._heap)

    def shutdown(self, immediate=False):
        dropped = [0]

        @_capi.queue_item_fn
        def drop(token, arg):
            dropped[0] += 1

        _capi.check(_lib.weft_queue_shutdown(
            self._handle, bool(immediate), _ctypes.cast(drop, _ctypes.c_void_p), None))
        # The items of the tokens dropped go too (the largest: gets under way take the smallest).
        keep = max(len(self._heap) - dropped[0], 0)
        self._heap[:] = _heapq.nsmallest(keep, self._heap)


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
        _Base.put(self, item)

    def get(self, block=True, timeout=None):
        '''Remove and return an item from the queue.

        If optional args 'block' is true and 'timeout' is None (the default),
        block if necessary until an item is available. If 'timeout' is
        a non-negative number, it blocks at most 'timeout' seconds and raises
        the Empty exception if no item was available within that time.
        Otherwise ('block' is false), return an item if one is immediately
        available, else raise the Empty exception ('timeout' is ignored
        in that case).
        '''
        return _Base.get(self, block, timeout)
