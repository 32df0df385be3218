# PyMOTW threading_local_defaults.py: a threading.local subclass initialized once per thread.
# Ported to Python 3 with weft (Python 2's trailing-comma print is print(..., end=' ')).
import random
import weft as threading

def show_value(data: threading.local) -> None:
    print(threading.currentThread().getName(), ': value=', end=' ')
    try:
        print(data.value)
    except AttributeError:
        print('No value yet')

def worker(data: threading.local) -> None:
    show_value(data)
    data.value = random.randint(1, 100)
    show_value(data)

class MyLocal(threading.local):
    def __init__(self, value: int) -> None:
        print('(Initializing %s for %s)' % (id(self), threading.currentThread().getName()), end=' ')
        self.value = value

local_data = MyLocal(1000)
show_value(local_data)

for i in range(2):
    t = threading.Thread(target=worker, args=(local_data,))
    t.start()
