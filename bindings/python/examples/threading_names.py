# PyMOTW threading_names.py: named threads and the default name. Ported to Python 3 with weft;
# sleeps scaled down 10x.
import weft as threading
import time

def worker() -> None:
    print(threading.currentThread().getName(), 'Starting')
    time.sleep(0.2)
    print(threading.currentThread().getName(), 'Exiting')

def my_service() -> None:
    print(threading.currentThread().getName(), 'Starting')
    time.sleep(0.3)
    print(threading.currentThread().getName(), 'Exiting')

t = threading.Thread(name='my_service', target=my_service)
w = threading.Thread(name='worker', target=worker)
w2 = threading.Thread(target=worker) # use default name
w.start()
w2.start()
t.start()
