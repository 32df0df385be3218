// weft::Condition, weft::Event, weft::Semaphore / BoundedSemaphore, weft::Barrier and
// weft::Local: their Python behaviour, their guards, and exceptions from their callbacks.
#include <atomic>
#include <chrono>
#include <mutex>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

#include "check.hpp"

using namespace std::chrono_literals;

static void condition_needs_its_lock() {
    weft::RLock r;
    weft::Condition cond(r);
    EXPECT_ERROR(cond.wait(), WEFT_STATUS_WAIT_UNACQUIRED);
    EXPECT(cond.wait_for([] { return true; })); // as Python: the predicate is checked first
    EXPECT_ERROR(cond.wait_for([] { return false; }), WEFT_STATUS_WAIT_UNACQUIRED);
    EXPECT_ERROR(cond.notify(), WEFT_STATUS_NOTIFY_UNACQUIRED);
    EXPECT_ERROR(cond.notify_all(), WEFT_STATUS_NOTIFY_UNACQUIRED);
    std::lock_guard guard(cond); // Python's `with cond:`
    EXPECT(r.is_owned());
    EXPECT(!cond.wait(0.01)); // timed out, the lock held again
    EXPECT(r.is_owned());
    int calls = 0;
    EXPECT(!cond.wait_for([&calls] { return ++calls > 100; }, 0.01));
    EXPECT(calls >= 1 && r.is_owned());
    const auto yes = [] { return 1; }; // a const predicate, converted to bool
    EXPECT(cond.wait_for(yes, 0.0));
    cond.notify(0);
    cond.notify_all();
}

static void wait_for_sees_the_state_change() {
    weft::Condition cond;
    bool ready = false;
    int seen = 0, value = 0;
    weft::Thread consumer([&, cond] {
        std::lock_guard guard(cond);
        cond.wait_for([&ready] { return ready; });
        seen = value;
    });
    consumer.start();
    {
        std::lock_guard guard(cond);
        value = 42;
        ready = true;
        cond.notify_all();
    }
    consumer.join();
    EXPECT(seen == 42);
}

static void predicate_exceptions_propagate_with_the_lock_held() {
    weft::RLock r;
    weft::Condition cond(r);
    std::lock_guard guard(cond);
    try {
        cond.wait_for([]() -> bool { throw std::runtime_error("predicate"); });
        EXPECT(false);
    } catch (const std::runtime_error &e) {
        EXPECT(std::string(e.what()) == "predicate");
        EXPECT(r.is_owned());
    }
    EXPECT(cond.wait_for([] { return true; })); // nothing left over
}

// notify(2) wakes two of three waiters; two conditions share one Lock.
static void notify_n_wakes_n() {
    weft::Lock lock;
    weft::Condition cond(lock), arrived(lock);
    int waiting = 0, woken = 0;
    std::vector<weft::Thread> waiters;
    for (int i = 0; i < 3; i++) {
        waiters.emplace_back([&, lock, cond, arrived] {
            std::lock_guard guard(lock); // the condition's own lock
            ++waiting;
            arrived.notify();
            cond.wait();
            ++woken;
            arrived.notify();
        });
        waiters.back().start();
    }
    {
        std::lock_guard guard(lock);
        arrived.wait_for([&] { return waiting == 3; });
        cond.notify(2);
        arrived.wait_for([&] { return woken == 2; });
        EXPECT(woken == 2); // nobody notified the third
        cond.notify_all();
    }
    for (const weft::Thread &t : waiters) {
        t.join();
    }
    EXPECT(woken == 3);
}

static void events() {
    weft::Event e;
    EXPECT(!e.is_set());
    EXPECT(!e.wait(0.0));
    EXPECT(!e.wait(10ms));
    weft::Thread setter([e] { e.set(); });
    setter.start();
    EXPECT(e.wait());
    EXPECT(e.is_set() && e.wait(0.0));
    e.clear();
    EXPECT(!e.is_set());
    setter.join();
}

static void semaphores() {
    weft::Semaphore s(2);
    EXPECT(s.acquire() && s.acquire());
    EXPECT(!s.acquire(false));
    EXPECT(!s.try_lock_for(5ms));
    s.release(2);
    {
        std::lock_guard one(s), two(s); // Python's `with semaphore:`
        EXPECT(!s.try_lock());
    }
    EXPECT(s.try_lock());
    s.unlock();
    EXPECT_ERROR(s.release(0), WEFT_STATUS_RELEASE_COUNT);
    EXPECT_ERROR(weft::Semaphore(-1), WEFT_STATUS_SEMAPHORE_NEGATIVE);
    weft::Semaphore unbounded(0);
    unbounded.release(5); // above the initial value: fine
    EXPECT(unbounded.acquire(false));

    weft::BoundedSemaphore b(1);
    EXPECT_ERROR(b.release(), WEFT_STATUS_SEMAPHORE_OVER_RELEASE);
    b.acquire();
    b.release();
    weft::Semaphore as_base = b; // the same bounded semaphore
    EXPECT_ERROR(as_base.release(), WEFT_STATUS_SEMAPHORE_OVER_RELEASE);
    EXPECT_ERROR(weft::BoundedSemaphore(-1), WEFT_STATUS_SEMAPHORE_NEGATIVE);
}

static void barriers() {
    std::atomic<int> actions{0};
    weft::Barrier barrier(3, [&actions] { ++actions; });
    EXPECT(barrier.parties() == 3 && barrier.n_waiting() == 0 && !barrier.broken());
    std::size_t indices[3] = {};
    std::vector<weft::Thread> threads;
    for (std::size_t i = 1; i < 3; i++) {
        threads.emplace_back([barrier, &indices, i] {
            indices[i] = barrier.wait();
            barrier.wait(); // a second cycle
        });
        threads.back().start();
    }
    indices[0] = barrier.wait();
    barrier.wait();
    for (const weft::Thread &t : threads) {
        t.join();
    }
    EXPECT((std::set<std::size_t>(indices, indices + 3) == std::set<std::size_t>{0, 1, 2}));
    EXPECT(actions == 2); // once per cycle

    weft::Barrier pair(2);
    EXPECT_ERROR(pair.wait(0.01), WEFT_STATUS_BROKEN_BARRIER); // a timeout breaks it
    EXPECT(pair.broken());
    EXPECT_ERROR(pair.wait(), WEFT_STATUS_BROKEN_BARRIER);
    pair.reset();
    EXPECT(!pair.broken());
    pair.abort();
    EXPECT_ERROR(pair.wait(), WEFT_STATUS_BROKEN_BARRIER);
    EXPECT_ERROR(weft::Barrier(0), WEFT_STATUS_BARRIER_PARTIES);
    weft::Barrier with_default(2, 0.01);
    EXPECT_ERROR(with_default.wait(), WEFT_STATUS_BROKEN_BARRIER);
}

static void barrier_action_exceptions_abort_it() {
    weft::Barrier barrier(1, [] { throw std::logic_error("action"); });
    try {
        barrier.wait();
        EXPECT(false);
    } catch (const std::logic_error &e) {
        EXPECT(std::string(e.what()) == "action");
    }
    EXPECT(barrier.broken());
    EXPECT_ERROR(barrier.wait(), WEFT_STATUS_BROKEN_BARRIER);
}

static void locals() {
    std::atomic<int> inits{0};
    weft::Local<int> local([&inits] { return ++inits; });
    EXPECT(!local.is_set());
    EXPECT(*local == 1); // made on first use
    EXPECT(local.is_set() && local.get() == 1 && inits == 1);
    local.set(10);
    int seen_before = -1, seen = -1;
    weft::Thread t([&, local] {
        seen_before = local.is_set();
        seen = local.get(); // its own value
        local.set(20);
    });
    t.start();
    t.join();
    EXPECT(seen_before == 0 && seen == 2 && local.get() == 10);

    weft::Local<std::string> names;
    EXPECT(names->empty()); // T() by default
    names->append("main");
    EXPECT(names.get() == "main");

    // A thread's value is destroyed when the thread exits, before join returns.
    int before = Tracked::alive;
    weft::Local<Tracked> tracked;
    weft::Thread user([tracked] { tracked->value = 3; });
    user.start();
    user.join();
    EXPECT(Tracked::alive == before);

    weft::Local<int> failing([]() -> int { throw std::runtime_error("init"); });
    try {
        failing.get();
        EXPECT(false);
    } catch (const std::runtime_error &e) {
        EXPECT(std::string(e.what()) == "init");
    }
    EXPECT(failing.is_set()); // as Python: __init__ raised, the dict exists
    EXPECT_ERROR(failing.get(), WEFT_STATUS_WRONG_STATE);
    failing.set(7);
    EXPECT(*failing == 7);
}

int main() {
    condition_needs_its_lock();
    wait_for_sees_the_state_change();
    predicate_exceptions_propagate_with_the_lock_held();
    notify_n_wakes_n();
    events();
    semaphores();
    barriers();
    barrier_action_exceptions_abort_it();
    locals();
    return check_summary();
}
