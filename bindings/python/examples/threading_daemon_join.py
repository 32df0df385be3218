# PyMOTW threading_daemon_join.py: join waits for a daemon thread. Ported to Python 3 with
# weft; sleeps scaled down 10x.
import weft as threading
import time

def daemon() -> None:
    print('Starting:', threading.currentThread().getName())
    time.sleep(0.2)
    print('Exiting :', threading.currentThread().getName())

d = threading.Thread(name='daemon', target=daemon)
d.setDaemon(True)

def non_daemon() -> None:
    print('Starting:', threading.currentThread().getName())
    print('Exiting :', threading.currentThread().getName())

t = threading.Thread(name='non-daemon', target=non_daemon)

d.start()
t.start()

d.join()
t.join()
