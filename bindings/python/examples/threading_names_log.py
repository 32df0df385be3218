# PyMOTW threading_names_log.py: the thread name in log lines. Ported to Python 3 with weft;
# sleeps scaled down 10x.
import logging
import weft as threading
import time

logging.basicConfig(level=logging.DEBUG,
                    format='[%(levelname)s] (%(threadName)-10s) %(message)s',
                    )

def worker() -> None:
    logging.debug('Starting')
    time.sleep(0.2)
    logging.debug('Exiting')

def my_service() -> None:
    logging.debug('Starting')
    time.sleep(0.3)
    logging.debug('Exiting')

t = threading.Thread(name='my_service', target=my_service)
w = threading.Thread(name='worker', target=worker)
w2 = threading.Thread(target=worker) # use default name
w.start()
w2.start()
t.start()
