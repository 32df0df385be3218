# PyMOTW threading_daemon.py: a daemon thread does not keep the process alive. Ported to
# Python 3 with weft; sleeps scaled down 4x.
import weft as threading
import time

def daemon() -> None:
    print('Starting:', threading.currentThread().getName())
    time.sleep(0.5)
    print('Exiting :', threading.currentThread().getName())

d = threading.Thread(name='daemon', target=daemon)
d.setDaemon(True)

def non_daemon() -> None:
    print('Starting:', threading.currentThread().getName())
    print('Exiting :', threading.currentThread().getName())

t = threading.Thread(name='non-daemon', target=non_daemon)

d.start()
t.start()
