# UW Python course, part 5: three threads take a lock in turn. Ported with weft; sleeps
# scaled down 20x.
import weft as threading
import time

lock = threading.Lock()

def f() -> None:
    lock.acquire()
    print("%s got lock" % threading.current_thread().name)
    time.sleep(0.05)
    lock.release()

threading.Thread(target=f).start()
threading.Thread(target=f).start()
threading.Thread(target=f).start()
