# PyMOTW threading_rlock.py: an RLock is reentrant. Ported to Python 3 with weft.
import weft as threading

lock = threading.RLock()

def first():
    print('First try:', lock.acquire())
    second()

def second():
    print('Second try:', lock.acquire(0))

first()
