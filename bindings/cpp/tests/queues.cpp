// weft::Queue, LifoQueue, PriorityQueue and SimpleQueue of C++ values: order, bounds, task
// tracking, shutdown, move-only items, and the items the queue destroys.
#include <memory>
#include <string>
#include <vector>

#include "check.hpp"

static void fifo_bounds_and_sizes() {
    weft::Queue<std::string> q(2);
    EXPECT(q.maxsize() == 2 && q.empty() && !q.full() && q.qsize() == 0);
    q.put("a");
    q.put(std::string("b"));
    EXPECT(q.full() && q.qsize() == 2);
    EXPECT_ERROR(q.put("c", false), WEFT_STATUS_FULL);
    EXPECT_ERROR(q.put("c", true, 0.01), WEFT_STATUS_FULL);
    EXPECT(q.get() == "a" && q.get() == "b");
    EXPECT_ERROR(q.get(false), WEFT_STATUS_EMPTY);
    EXPECT_ERROR(q.get(true, 0.01), WEFT_STATUS_EMPTY);
}

static void kinds() {
    weft::LifoQueue<int> lifo;
    for (int i = 0; i < 3; i++) {
        lifo.put(i);
    }
    EXPECT(lifo.get() == 2 && lifo.get() == 1 && lifo.get() == 0);

    weft::PriorityQueue<std::string> prio;
    prio.put("low", 5);
    prio.put("first", 1);
    prio.put("second", 1);
    prio.put("urgent", -3);
    EXPECT(prio.get() == "urgent" && prio.get() == "first" && prio.get() == "second" &&
           prio.get() == "low");

    weft::SimpleQueue<int> simple;
    simple.put(1);
    EXPECT(simple.get() == 1 && simple.maxsize() == 0);
    EXPECT_ERROR(simple.task_done(), WEFT_STATUS_WRONG_STATE);
    EXPECT_ERROR(simple.join(), WEFT_STATUS_WRONG_STATE);
}

static void task_tracking() {
    weft::Queue<int> q;
    EXPECT_ERROR(q.task_done(), WEFT_STATUS_TASK_DONE_TOO_MANY);
    q.put(1);
    q.put(2);
    EXPECT(q.unfinished_tasks() == 2);
    EXPECT(!q.join(0.0));
    q.get();
    q.task_done();
    q.get();
    q.task_done();
    EXPECT(q.unfinished_tasks() == 0 && q.join());
}

static void producer_and_consumer() {
    weft::Queue<std::unique_ptr<int>> q(1); // move-only items, a bounded queue
    std::vector<int> got;
    weft::Thread consumer([q, &got] {
        try {
            for (;;) {
                std::unique_ptr<int> item = q.get();
                got.push_back(*item);
                q.task_done();
            }
        } catch (const weft::Error &e) {
            if (e.status() != WEFT_STATUS_SHUT_DOWN) {
                throw;
            }
        }
    });
    consumer.start();
    for (int i = 0; i < 5; i++) {
        q.put(std::make_unique<int>(i * i));
    }
    EXPECT(q.join());
    q.shutdown();
    EXPECT(q.is_shutdown());
    consumer.join();
    EXPECT((got == std::vector<int>{0, 1, 4, 9, 16}));
    EXPECT_ERROR(q.put(std::make_unique<int>(0)), WEFT_STATUS_SHUT_DOWN);
}

static void shutdown_and_the_items_left() {
    int before = Tracked::alive;
    weft::Queue<Tracked> q;
    q.put(Tracked(1));
    q.put(Tracked(2));
    q.shutdown();
    EXPECT(q.get().value == 1); // a shutdown queue still hands out what it holds
    q.task_done();
    EXPECT_ERROR(q.put(Tracked(3)), WEFT_STATUS_SHUT_DOWN);
    EXPECT(Tracked::alive == before + 1); // the refused item is not kept
    q.shutdown(true);                     // immediate: the items left are destroyed now
    EXPECT(Tracked::alive == before);
    EXPECT(q.join()); // and counted as done
    EXPECT_ERROR(q.get(), WEFT_STATUS_SHUT_DOWN);

    {
        weft::LifoQueue<Tracked> left;
        left.put(Tracked(4));
        EXPECT(Tracked::alive == before + 1);
    }
    EXPECT(Tracked::alive == before); // destroyed with the queue
}

int main() {
    fifo_bounds_and_sizes();
    kinds();
    task_tracking();
    producer_and_consumer();
    shutdown_and_the_items_left();
    return check_summary();
}
