// What C++ reads back: Semaphore::value, RLock::owner, Queue::getters/putters, and a
// ThreadPool's counts, resizing and bounded work list (try_submit refused when full).
#include <chrono>
#include <ctime>
#include <thread>

#include "check.hpp"

// Waits until `done()`, at most 10 s (what weft does at once); false if it never happened.
template <class F>
static bool until(F done) {
    std::time_t start = std::time(nullptr);
    while (!done()) {
        if (std::time(nullptr) - start > 10) {
            return false;
        }
        std::this_thread::yield();
    }
    return true;
}

static void locks() {
    weft::Semaphore s(3);
    EXPECT(s.value() == 3);
    EXPECT(s.acquire());
    EXPECT(s.value() == 2);
    weft::RLock r;
    EXPECT(r.owner() == 0);
    r.acquire();
    EXPECT(r.owner() == weft::get_ident());
    std::uint64_t seen = 0;
    std::thread([&] { seen = r.owner(); }).join();
    EXPECT(seen == weft::get_ident());
    r.release();
    EXPECT(r.owner() == 0);
}

static void queue_waiters() {
    weft::Queue<int> q(1);
    std::thread getter([&] { EXPECT(q.get() == 1); });
    EXPECT(until([&] { return q.getters() == 1; }));
    q.put(1);
    getter.join();
    EXPECT(q.getters() == 0);
    q.put(2);
    std::thread putter([&] { q.put(3); });
    EXPECT(until([&] { return q.putters() == 1; }));
    EXPECT(q.get() == 2);
    putter.join();
    EXPECT(q.putters() == 0 && q.get() == 3);
}

static bool counts_are(const weft::ThreadPool &pool, std::size_t pending, std::size_t active,
                       std::size_t idle) {
    weft::ThreadPool::Counts c = pool.counts();
    return c.pending == pending && c.active == active && c.idle == idle;
}

static void pool() {
    weft::ThreadPool pool(1, "readback");
    weft::Event gate;
    EXPECT(counts_are(pool, 0, 0, 0) && pool.max_pending() == 0);
    weft::Future<bool> held = pool.submit([gate] { return gate.wait(); });
    EXPECT(until([&] { return counts_are(pool, 0, 1, 0); }));
    pool.set_max_pending(1);
    EXPECT(pool.max_pending() == 1);
    weft::Future<int> queued = pool.submit([] { return 2; });
    EXPECT(counts_are(pool, 1, 1, 0));
    EXPECT(!pool.try_submit([] { return 3; }, 0.0).has_value());
    EXPECT(!pool.try_submit([] { return 3; }, std::chrono::milliseconds(10)).has_value());
    pool.set_max_workers(2);
    EXPECT(pool.max_workers() == 2);
    EXPECT(queued.result() == 2);
    auto third = pool.try_submit([] { return 3; }, weft::forever);
    EXPECT(third.has_value() && third->result() == 3);
    EXPECT(until([&] { return counts_are(pool, 0, 1, 1); }));
    pool.set_max_workers(1);
    EXPECT(until([&] { return counts_are(pool, 0, 1, 0); }));
    gate.set();
    EXPECT(held.result());
    pool.shutdown();
    EXPECT(counts_are(pool, 0, 0, 0));
}

int main() {
    locks();
    queue_waiters();
    pool();
    return check_summary();
}
