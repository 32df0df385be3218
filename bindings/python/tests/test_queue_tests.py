"""CPython 3.11's tests of the queue module (Lib/test/test_queue.py) with weft.queue as the
module: the Queue, LifoQueue, PriorityQueue and SimpleQueue tests."""

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
