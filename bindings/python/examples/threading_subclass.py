# PyMOTW threading_subclass.py: a Thread subclass overriding run. Ported to Python 3 with weft.
import weft as threading

class MyThread(threading.Thread):

    def run(self) -> None:
        print('MyThread:', self.getName())
        return

for i in range(5):
    t = MyThread()
    t.start()
