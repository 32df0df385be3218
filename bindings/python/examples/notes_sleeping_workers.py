# Python notes, "Multithreading": a very basic example, five workers sleeping together. Ported
# with weft; sleeps scaled down 50x.
import time
from weft import Thread

def worker(i: int) -> None:
    print("sleeping 10 sec from thread {}".format(i))
    time.sleep(0.2)
    print("finished sleeping from thread {}".format(i))

for i in range(5):
    t = Thread(target=worker, args=(i,))
    t.start()
