# UW Python course, part 5: race_condition.py (named, not shown, in the seed): threads doing a
# read-sleep-write update of a shared value lose updates; the same update under a Lock loses
# none. Written for weft.
import weft as threading
import time
from collections.abc import Callable


class shared:
    val = 1


def func() -> None:
    y = shared.val
    time.sleep(0.00001)
    y += 1
    shared.val = y


lock = threading.Lock()


def locked_func() -> None:
    with lock:
        func()


def run(target: Callable[[], None]) -> int:
    shared.val = 1
    threads = []
    # with enough threads, there's sufficient overhead to cause a race condition
    for i in range(100):
        thread = threading.Thread(target=target)
        threads.append(thread)
        thread.start()
    for thread in threads:
        thread.join()
    return shared.val


print("without a lock:", run(func))
print("with a lock:", run(locked_func))
