# Python notes, "Multithreading", daemon threads: a daemon thread does not keep Python alive.
# The notes leave foo() undefined; here it is the basics' greeting after a nap (longer than the
# main program takes). Ported with weft.
import weft as threading
import time

def foo() -> None:
    time.sleep(1)
    print("Hello threading!")

my_thread = threading.Thread(target=foo)
my_thread.setDaemon(True)
my_thread.start()
print("main thread exits")
