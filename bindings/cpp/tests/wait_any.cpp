// weft::wait_any: the index of the first ready of several queues, events and futures, mixed
// (Go's select); std::nullopt on timeout; Interrupted through the thread's CancelToken.
#include <chrono>
#include <optional>
#include <thread>

#include "check.hpp"

using namespace std::chrono_literals;

static void ready_objects_are_reported_by_index() {
    weft::Queue<int> queue;
    weft::LifoQueue<int> lifo;
    weft::Event event;
    weft::Promise<int> promise;
    weft::Future<int> future = promise.get_future();

    EXPECT(weft::wait_any({queue, lifo, event, future}, 0.0) == std::nullopt);
    EXPECT(weft::wait_any({queue, event}, 10ms) == std::nullopt);

    event.set();
    EXPECT(weft::wait_any({queue, lifo, event, future}) == std::optional<std::size_t>(2));
    event.clear();

    lifo.put(7);
    EXPECT(weft::wait_any({queue, lifo, event, future}, 0.0) == std::optional<std::size_t>(1));
    EXPECT(lifo.get(false) == 7); // reported, not taken

    promise.set_value(42);
    EXPECT(weft::wait_any({queue, lifo, event, future}) == std::optional<std::size_t>(3));
    EXPECT(future.result() == 42);

    EXPECT_ERROR(weft::wait_any({}), WEFT_STATUS_INVALID_ARGUMENT);
}

// A wait that blocks ends when another thread makes an object ready.
static void a_wait_ends_when_an_object_becomes_ready() {
    weft::Queue<int> queue;
    weft::Event event;
    std::thread putter([&] { queue.put(1); });
    EXPECT(weft::wait_any({event, queue}, 60.0) == std::optional<std::size_t>(1));
    putter.join();
    EXPECT(queue.get(false) == 1);
}

static void a_set_token_interrupts_it() {
    weft::Event event;
    weft::CancelToken token;
    token.set();
    {
        weft::CancelScope scope(token);
        EXPECT_ERROR(weft::wait_any({event}, 60.0), WEFT_STATUS_INTERRUPTED);
        event.set();
        EXPECT(weft::wait_any({event}) == std::optional<std::size_t>(0)); // ready: no wait
    }
}

int main() {
    ready_objects_are_reported_by_index();
    a_wait_ends_when_an_object_becomes_ready();
    a_set_token_interrupts_it();
    return check_summary();
}
