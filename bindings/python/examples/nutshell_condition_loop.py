# Python in a Nutshell, 14.4.2 "Condition objects": a thread that needs the shared state s to
# change waits in a loop until is_ok_state(s) holds; each thread that changes s notifies. The
# chapter gives the two code fragments; here they make a program with weft: a producer makes
# three items, one at a time, and a consumer waits for each.
import weft as threading
import time

c = threading.Condition()
s = 0  # the shared state: how many items were made


def is_ok_state(s: int, wanted: int) -> bool:
    return s >= wanted


def consumer() -> None:
    for wanted in (1, 2, 3):
        c.acquire()
        while not is_ok_state(s, wanted):
            c.wait()
        print("consumer: item %d is there (state %d)" % (wanted, s))
        c.release()


def producer() -> None:
    global s
    for i in range(3):
        time.sleep(0.05)
        c.acquire()
        s += 1
        print("producer: state is now %d" % s)
        c.notify()    # or, c.notifyAll()
        c.release()


threads = [threading.Thread(target=consumer), threading.Thread(target=producer)]
for t in threads:
    t.start()
for t in threads:
    t.join()
