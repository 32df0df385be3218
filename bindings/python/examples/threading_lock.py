# PyMOTW threading_lock.py: a Lock around a counter, joining through enumerate(). Ported to
# Python 3 with weft; sleeps scaled down 10x.
import logging
import random
import weft as threading
import time

logging.basicConfig(level=logging.DEBUG,
                    format='(%(threadName)-10s) %(message)s',
                    )

class Counter(object):
    def __init__(self, start: int = 0) -> None:
        self.lock = threading.Lock()
        self.value = start
    def increment(self) -> None:
        self.lock.acquire()
        try:
            logging.debug('Acquired lock')
            self.value = self.value + 1
        finally:
            self.lock.release()

def worker(c: Counter) -> None:
    for i in range(3):
        pause = random.random() / 10
        logging.debug('Sleeping %0.02f', pause)
        time.sleep(pause)
        c.increment()
    logging.debug('Done')

counter = Counter()
for i in range(5):
    t = threading.Thread(target=worker, args=(counter,))
    t.start()

logging.debug('Waiting for worker threads')
main_thread = threading.currentThread()
for t in threading.enumerate():
    if t is not main_thread:
        t.join()
logging.debug('Counter: %d', counter.value)
