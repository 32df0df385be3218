# PyMOTW threading_lock_reacquire.py: a Lock is not reentrant. Ported to Python 3 with weft.
import weft as threading

lock = threading.Lock()

def first() -> None:
    print('First try:', lock.acquire())
    second()

def second() -> None:
    print('Second try:', lock.acquire(False))

first()
