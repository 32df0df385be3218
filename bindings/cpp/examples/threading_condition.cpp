// PyMOTW threading_condition: two consumers wait on a Condition until the producer makes the
// resource available and notifies them all; `with cond:` is a std::lock_guard on the condition.
// Sleeps are scaled down (2 s become 0.25 s); log lines keep the seed's
// "(%(threadName)-2s) %(message)s" without the timestamp.
#include <chrono>
#include <cstdio>
#include <mutex>
#include <thread>

#include "weft.hpp"

using namespace std::chrono_literals;

static void log(const char *message) {
    std::printf("(%-2s) %s\n", weft::current_thread().name().c_str(), message);
}

// wait for the condition and use the resource
static void consumer(const weft::Condition &cond) {
    log("Starting consumer thread");
    std::lock_guard guard(cond);
    cond.wait();
    log("Resource is available to consumer");
}

// set up the resource to be used by the consumer
static void producer(const weft::Condition &cond) {
    log("Starting producer thread");
    std::lock_guard guard(cond);
    log("Making resource available");
    cond.notify_all();
}

int main() {
    weft::Condition condition;
    weft::Thread c1([condition] { consumer(condition); }, {"c1"});
    weft::Thread c2([condition] { consumer(condition); }, {"c2"});
    weft::Thread p([condition] { producer(condition); }, {"p"});

    c1.start();
    std::this_thread::sleep_for(250ms);
    c2.start();
    std::this_thread::sleep_for(250ms);
    p.start();
}
