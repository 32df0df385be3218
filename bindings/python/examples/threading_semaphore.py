# PyMOTW threading_semaphore.py: a Semaphore(5) limits how many workers run at once. Ported to
# Python 3 with weft; sleeps scaled down 10x.
import logging
import random
import weft as threading
import time

logging.basicConfig(level=logging.DEBUG,
                    format='%(asctime)s (%(threadName)-2s) %(message)s',
                    )

class ActivePool(object):
    def __init__(self) -> None:
        super(ActivePool, self).__init__()
        self.active: list[str] = []
        self.lock = threading.Lock()
    def makeActive(self, name: str) -> None:
        with self.lock:
            self.active.append(name)
    def makeInactive(self, name: str) -> None:
        with self.lock:
            self.active.remove(name)
    def __str__(self) -> str:
        with self.lock:
            return str(self.active)

def worker(s: threading.Semaphore, pool: ActivePool) -> None:
    with s:
        name = threading.currentThread().getName()
        pool.makeActive(name)
        logging.debug('Running: %s', str(pool))
        time.sleep(random.random() / 10)
        pool.makeInactive(name)

pool = ActivePool()
s = threading.Semaphore(5)
for i in range(20):
    t = threading.Thread(target=worker, name=str(i), args=(s, pool))
    t.start()
