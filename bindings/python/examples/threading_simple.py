# PyMOTW threading_simple.py: Thread(target=...), start. Ported to Python 3 with weft.
import weft as threading

def worker() -> None:
    """thread worker function"""
    print('Worker')
    return

threads = []
for i in range(5):
    t = threading.Thread(target=worker)
    threads.append(t)
    t.start()
