# PyMOTW threading_simpleargs.py: passing arguments to a thread. Ported to Python 3 with weft.
import weft as threading

def worker(num: int) -> None:
    """thread worker function"""
    print('Worker:', num)
    return

threads = []
for i in range(5):
    t = threading.Thread(target=worker, args=(i,))
    threads.append(t)
    t.start()
