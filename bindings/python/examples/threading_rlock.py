# PyMOTW threading_rlock.py: an RLock is reentrant. Ported to Python 3 with weft.
import weft as threading

lock = threading.RLock()

def first() -> None:
    print('First try:', lock.acquire())
    second()

def second() -> None:
    print('Second try:', lock.acquire(False))

first()
