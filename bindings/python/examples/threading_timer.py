# PyMOTW threading_timer.py: a Timer runs later; one cancelled before it fires never runs.
# Ported to Python 3 with weft; timers scaled down 5x, the sleep 10x.
import weft as threading
import time

def delayed() -> None:
    print('Worker running', threading.currentThread().getName())
    return

t1 = threading.Timer(0.6, delayed)
t1.setName('t1')
t2 = threading.Timer(0.6, delayed)
t2.setName('t2')

print('Starting timers')
t1.start()
t2.start()

print('Waiting before canceling', t2.getName())
time.sleep(0.2)
print('Canceling', t2.getName())
t2.cancel()
print('Main thread done')
