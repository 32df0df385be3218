# PyMOTW threading_enumerate.py: enumerate() to join every thread but the main one. Ported to
# Python 3 with weft; sleeps scaled down 20x.
import random
import weft as threading
import time

def worker() -> None:
    """thread worker function"""
    t = threading.currentThread()
    pause = random.randint(1,5)
    print('Starting:', t.getName(), 'sleeping', pause)
    time.sleep(pause / 20.0)
    print('Ending :', t.getName())
    return

for i in range(3):
    t = threading.Thread(target=worker)
    t.setDaemon(True)
    t.start()

main_thread = threading.currentThread()
for t in threading.enumerate():
    if t is main_thread:
        continue
    print('Joining :', t.getName())
    t.join()
