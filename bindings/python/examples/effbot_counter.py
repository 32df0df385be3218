# effbot, "The threading module", threading-example-1.py: Thread subclass workers and a
# Lock-protected counter. Ported to Python 3 with weft; sleeps scaled down 10x.
import weft as threading
import time, random

class Counter:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.value = 0

    def increment(self) -> int:
        self.lock.acquire() # critical section
        self.value = value = self.value + 1
        self.lock.release()
        return value

counter = Counter()

class Worker(threading.Thread):

    def run(self) -> None:
        for i in range(10):
            # pretend we're doing something that takes 10-100 ms
            value = counter.increment() # increment global counter
            time.sleep(random.randint(10, 100) / 10000.0)
            print(self.getName(), "-- task", i, "finished", value)

#
# try it

for i in range(10):
    Worker().start() # start a worker
