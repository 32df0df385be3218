"""CPython 3.11's tests of the queue module (Lib/test/test_queue.py) with weft.queue as the
module: the Queue, LifoQueue, PriorityQueue, SimpleQueue and FailingQueue (a subclass
overriding the storage hooks) tests."""

import unittest
from test import test_queue

import weft.queue


class QueueTest(test_queue.QueueTest, unittest.TestCase):
    queue = weft.queue


class LifoQueueTest(test_queue.LifoQueueTest, unittest.TestCase):
    queue = weft.queue


class PriorityQueueTest(test_queue.PriorityQueueTest, unittest.TestCase):
    queue = weft.queue


class SimpleQueueTest(test_queue.CSimpleQueueTest):
    queue = weft.queue


class FailingQueueTest(test_queue.FailingQueueTest, unittest.TestCase):
    # A Queue subclass overriding _put and _get: weft.queue gives it CPython's Python Queue.
    queue = weft.queue
