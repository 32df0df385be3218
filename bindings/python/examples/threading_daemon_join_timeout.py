# PyMOTW threading_daemon_join_timeout.py: join(timeout) returns while the thread still runs.
# Ported to Python 3 with weft (isAlive() is is_alive() there); sleeps scaled down 10x.
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

d.join(0.1)
print('d.isAlive()', d.is_alive())
t.join()
