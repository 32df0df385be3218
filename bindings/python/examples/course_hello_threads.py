# UW Python course, part 5: three threads printing their names. Ported with weft; sleeps
# scaled down 20x.
import sys
import weft as threading
import time

def func() -> None:
    for i in range(5):
        print("hello from thread %s" % threading.current_thread().name)
        time.sleep(0.05)

threads = []
for i in range(3):
    thread = threading.Thread(target=func, args=())
    thread.start()
    threads.append(thread)
