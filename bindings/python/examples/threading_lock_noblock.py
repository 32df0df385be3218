# PyMOTW threading_lock_noblock.py: acquire(False) (the tutorial's acquire(0)) tries without blocking. Ported to Python 3 with
# weft; sleeps scaled down 10x.
import logging
import random
import weft as threading
import time

logging.basicConfig(level=logging.DEBUG,
                    format='%(asctime)s (%(threadName)-8s) %(message)s',
                    )

def random_pause() -> None:
    pause = random.random() / 10
    time.sleep(pause)

def worker(lock: threading.Lock) -> None:
    logging.debug('Starting')
    num_tries = 0
    num_acquires = 0
    while num_acquires < 3:
        random_pause()
        have_it = lock.acquire(False)
        try:
            num_tries += 1
            if have_it:
                logging.debug('Iteration %d: Acquired', num_tries)
                num_acquires += 1
                random_pause()
            else:
                logging.debug('Iteration %d: Not acquired', num_tries)
        finally:
            if have_it:
                lock.release()
    logging.debug('Done after %d iterations', num_tries)

lock = threading.Lock()
for i in range(3):
    t = threading.Thread(target=worker, args=(lock,))
    t.start()
