# UW Python course, part 5: subclassing Thread. Ported with weft.
import weft as threading

class MyThread(threading.Thread):

    def run(self) -> None:
        print("hello from %s" % threading.current_thread().name)

thread = MyThread()
thread.start()
