// Python Notes "Communicating between threads": a producer puts data on a Queue, a consumer gets
// it, processes it and calls task_done(). The seed's loops run forever; here the producer makes
// ten items, main waits until every item has been processed with join(), then shuts the queue
// down (Python 3.13's Queue.shutdown), which ends the consumer's loop with queue.ShutDown.
#include <cstdio>

#include "weft.hpp"

constexpr int items = 10;

static int data_computation(int i) { return i * i; }

// create a data producer
static void producer(const weft::Queue<int> &output_queue) {
    for (int i = 0; i < items; i++) {
        int data = data_computation(i);
        std::printf("produced %d\n", data);
        output_queue.put(data);
    }
}

// create a consumer
static void consumer(const weft::Queue<int> &input_queue) {
    try {
        for (;;) {
            int data = input_queue.get();       // retrieve data (blocking)
            std::printf("consumed %d\n", data); // do something with the data
            input_queue.task_done();            // indicate data has been consumed
        }
    } catch (const weft::Error &e) { // queue.ShutDown: shut down, and empty
        if (e.status() != WEFT_STATUS_SHUT_DOWN) {
            throw;
        }
    }
}

int main() {
    weft::Queue<int> q;
    weft::Thread t1([q] { consumer(q); });
    weft::Thread t2([q] { producer(q); });
    t1.start();
    t2.start();

    t2.join();
    q.join(); // every item got and task_done()
    std::printf("all %d items processed\n", items);
    q.shutdown();
    t1.join();
}
