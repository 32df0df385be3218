# PyMOTW threading_lock_with.py: a lock in a with statement and with acquire/try/finally.
# Ported to Python 3 with weft.
import weft as threading

def worker_with(lock: threading.Lock) -> None:
    with lock:
        print('Lock acquired via with')

def worker_no_with(lock: threading.Lock) -> None:
    lock.acquire()
    try:
        print('Lock acquired directly')
    finally:
        lock.release()

lock = threading.Lock()
w = threading.Thread(target=worker_with, args=(lock,))
nw = threading.Thread(target=worker_no_with, args=(lock,))

w.start()
nw.start()
