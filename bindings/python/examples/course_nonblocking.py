# UW Python course, part 5: non-blocking locking. Ported with weft.
import weft as threading

lock = threading.Lock()
lock.acquire()
if not lock.acquire(False):
    print("couldn't get lock")
lock.release()
if lock.acquire(False):
    print("got lock")
