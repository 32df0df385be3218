// weft::CancelToken: a token another thread sets ends the waits of the threads that installed it
// with weft::Interrupted (a weft::Error with WEFT_STATUS_INTERRUPTED), once they sleep;
// CancelScope puts the previous token back; weft::cancelled() is the cooperative check.
#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <mutex>
#include <thread>

#include "api/asleep.h"
#include "check.hpp"

using namespace std::chrono_literals;


// Runs `wait` in a weft thread under `token`, sets the token once the thread sleeps, and
// checks that `wait` threw weft::Interrupted (and that the thread then saw its token set).
static void interrupt(const char *what, const std::function<void()> &wait) {
    weft::CancelToken token;
    bool interrupted = false, cancelled = false;
    weft::Thread t([&] {
        weft::CancelScope scope(token);
        try {
            wait();
        } catch (const weft::Interrupted &e) {
            interrupted = e.status() == WEFT_STATUS_INTERRUPTED;
        }
        cancelled = weft::cancelled();
    });
    t.start();
    wait_until_asleep(t.native_id());
    token.set();
    EXPECT(t.join(60.0));
    if (!interrupted) {
        std::printf("not interrupted: %s\n", what);
    }
    EXPECT(interrupted && cancelled);
}

static void every_kind_of_wait_throws_interrupted() {
    weft::Lock lock;
    lock.acquire();
    interrupt("Lock::acquire", [&] { lock.acquire(); });
    interrupt("std::lock_guard", [&] { std::lock_guard guard(lock); });
    EXPECT(lock.locked());
    lock.release();

    weft::Event event;
    interrupt("Event::wait", [&] { event.wait(); });

    weft::Semaphore semaphore(0);
    interrupt("Semaphore::acquire", [&] { semaphore.acquire(); });

    // The lock is held again when the interruption is thrown: the guard releases it.
    weft::RLock rlock;
    weft::Condition condition(rlock);
    interrupt("Condition::wait", [&] {
        std::lock_guard guard(condition);
        try {
            condition.wait();
        } catch (const weft::Interrupted &) {
            EXPECT(rlock.is_owned());
            throw;
        }
    });
    EXPECT(!rlock.locked());

    weft::Barrier barrier(2);
    interrupt("Barrier::wait", [&] { barrier.wait(); });
    EXPECT(barrier.broken());

    weft::Queue<int> queue(1);
    interrupt("Queue::get", [&] { queue.get(); });
    queue.put(1);
    interrupt("Queue::put", [&] { queue.put(2); });
    interrupt("Queue::join", [&] { queue.join(); });
    EXPECT(queue.get() == 1);

    weft::ThreadPool pool(1);
    auto future = pool.submit([&] { event.wait(); return 7; });
    interrupt("Future::result", [&] { future.result(); });
    weft::Thread thread([&] { event.wait(); });
    thread.start();
    interrupt("Thread::join", [&] { thread.join(); });
    interrupt("ThreadPool::shutdown", [&] { pool.shutdown(); });

    event.set();
    EXPECT(thread.join(60.0));
    EXPECT(future.result() == 7);
    pool.shutdown();
}

static void a_scope_puts_the_previous_token_back() {
    EXPECT(!weft::CancelToken::installed());
    weft::CancelToken outer, inner;
    outer.set();
    {
        weft::CancelScope a(outer);
        EXPECT(weft::cancelled());
        {
            weft::CancelScope b(inner);
            EXPECT(!weft::cancelled());
            auto installed = weft::CancelToken::installed();
            EXPECT(installed && !installed->is_set());
            inner.set(); // the same token
            EXPECT(weft::cancelled());
        }
        EXPECT(weft::cancelled() && outer.is_set());
        weft::Lock lock;
        EXPECT(lock.acquire()); // free: a set token does not stop what need not wait
        EXPECT_ERROR(lock.acquire(), WEFT_STATUS_INTERRUPTED);
        EXPECT(!lock.acquire(false)); // non-blocking: as always
        outer.reset();
        EXPECT(!lock.acquire(true, 10ms)); // waits again, until its timeout
        lock.release();
    }
    EXPECT(!weft::cancelled() && !weft::CancelToken::installed());
}

// Future::interrupt: a running task's wait throws Interrupted, which the task handles; the
// future gets what the task returns, and the worker's next task runs without the interrupt.
static void a_running_task_is_interrupted() {
    weft::ThreadPool pool(1);
    weft::Event started, never;
    std::atomic<uint64_t> tid{0};
    auto future = pool.submit([&] {
        tid = weft::get_native_id();
        started.set();
        try {
            never.wait();
        } catch (const weft::Interrupted &) {
            return weft::cancelled() ? 1 : 2;
        }
        return 3;
    });
    auto next = pool.submit([] { return weft::cancelled(); });
    EXPECT(!next.interrupt()); // pending
    EXPECT(started.wait(60.0));
    wait_until_asleep(tid);
    EXPECT(!future.cancel());  // CPython's cancel(): not a running task
    EXPECT(future.interrupt());
    EXPECT(future.result(60.0) == 1);
    EXPECT(!future.cancelled() && !future.interrupt());
    EXPECT(!next.result(60.0));
    pool.shutdown();
}

int main() {
    every_kind_of_wait_throws_interrupted();
    a_running_task_is_interrupted();
    a_scope_puts_the_previous_token_back();
    return check_summary();
}
