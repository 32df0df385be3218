# PyMOTW threading_local.py: thread-local values. Ported to Python 3 with weft (Python 2's
# trailing-comma print is print(..., end=' ')).
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

local_data = threading.local()
show_value(local_data)
local_data.value = 1000
show_value(local_data)

for i in range(2):
    t = threading.Thread(target=worker, args=(local_data,))
    t.start()
