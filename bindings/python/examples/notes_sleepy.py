# Python notes, "Multithreading": a custom Thread class; main joins, then continues. Ported
# with weft; sleeps scaled down 25x.
from weft import Thread
import time

class Sleepy(Thread):

    def run(self) -> None:
        time.sleep(0.2)
        print("Hello form Thread")

if __name__ == "__main__":
    t = Sleepy()
    t.start()      # start method automatic call Thread class run method.
    # print 'The main program continues to run in foreground.'
    t.join()
    print("The main program continues to run in the foreground.")
