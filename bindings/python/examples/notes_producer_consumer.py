# Python notes, "Communicating between threads": a producer puts data on a Queue, a consumer
# gets it, processes it and calls task_done(). The notes' loops run forever; here the producer
# makes ten items, main waits with join() until every item has been processed, then shuts the
# queue down (Python 3.13's Queue.shutdown), which ends the consumer's loop. With weft.
from __future__ import annotations
from weft.queue import Queue, ShutDown
from weft import Thread

def data_computation(i: int) -> int:
    return i * i

# create a data producer
def producer(output_queue: Queue[int]) -> None:
    for i in range(10):
        data = data_computation(i)
        print("produced %d" % data)
        output_queue.put(data)

# create a consumer
def consumer(input_queue: Queue[int]) -> None:
    while True:
        # retrieve data (blocking), until the queue is shut down and empty
        try:
            data = input_queue.get()
        except ShutDown:
            break

        # do something with the data
        print("consumed %d" % data)

        # indicate data has been consumed
        input_queue.task_done()

q: Queue[int] = Queue()

t1 = Thread(target=consumer, args=(q,))
t2 = Thread(target=producer, args=(q,))
t1.start()
t2.start()

t2.join()
q.join()
print("all 10 items processed")
q.shutdown()
t1.join()
