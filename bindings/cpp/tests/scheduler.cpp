// weft::Scheduler (call_later, call_every, shutdown), a C thread's result and weft::shutdown.
#include <atomic>
#include <chrono>
#include <mutex>
#include <stdexcept>
#include <string>
#include <vector>

#include "check.hpp"

using namespace std::chrono_literals;

static void one_shot_timers() {
    weft::Scheduler scheduler;
    std::mutex m;
    std::vector<int> order;
    auto record = [&](int i) {
        return [&, i] {
            std::lock_guard guard(m);
            order.push_back(i);
            return i;
        };
    };
    // Made last-due first: they run in the order they fall due.
    auto c = scheduler.call_later(60ms, record(3));
    auto a = scheduler.call_later(0.0, record(1));
    auto b = scheduler.call_later(30ms, record(2));
    EXPECT(c.result() == 3 && a.result() == 1 && b.result() == 2);
    EXPECT((order == std::vector<int>{1, 2, 3}));

    // Cancelled before it is due: never runs.
    bool ran = false;
    auto never = scheduler.call_later(3600.0, [&ran] { ran = true; });
    EXPECT(scheduler.pending() == 1);
    EXPECT(never.cancel());
    EXPECT_ERROR(never.result(), WEFT_STATUS_CANCELLED);

    auto failing = scheduler.call_later(0.0, []() -> int { throw std::runtime_error("late"); });
    try {
        failing.result();
        EXPECT(false);
    } catch (const std::runtime_error &e) {
        EXPECT(std::string(e.what()) == "late");
    }
    EXPECT_ERROR(scheduler.call_later(-2.0, [] {}), WEFT_STATUS_INVALID_TIMEOUT);

    // Shutdown cancels what is pending and refuses more.
    auto pending = scheduler.call_later(3600.0, [tracked = Tracked(1)] { return tracked.value; });
    scheduler.shutdown();
    EXPECT(pending.cancelled());
    EXPECT_ERROR(scheduler.call_later(0.0, [] {}), WEFT_STATUS_POOL_SHUT_DOWN);
    EXPECT(!ran);
}

static void periodic_timers() {
    for (weft::Schedule schedule : {weft::Schedule::fixed_rate, weft::Schedule::fixed_delay}) {
        weft::Scheduler scheduler;
        std::atomic<int> runs{0};
        weft::Event fifth;
        weft::Future<void> every = scheduler.call_every(
            0.0, 1ms,
            [&] {
                if (++runs == 5) {
                    fifth.set();
                }
            },
            schedule);
        EXPECT(fifth.wait(10.0));
        EXPECT(!every.done());
        EXPECT(every.cancel());
        EXPECT_ERROR(every.result(), WEFT_STATUS_CANCELLED);
        scheduler.shutdown(); // waits for a run under way
        int after = runs;
        EXPECT(after >= 5);
        weft::Event().wait(0.02);
        EXPECT(runs == after); // no run after the cancel
    }

    // A run that throws ends the timer and fails its future with that exception.
    weft::Scheduler scheduler;
    std::atomic<int> runs{0};
    auto failing = scheduler.call_every(0.0, 1ms, [&runs] {
        if (++runs == 3) {
            throw std::logic_error("third");
        }
    });
    try {
        failing.result(10.0);
        EXPECT(false);
    } catch (const std::logic_error &e) {
        EXPECT(std::string(e.what()) == "third");
    }
    EXPECT(runs == 3);
    EXPECT_ERROR(scheduler.call_every(0.0, 0.0, [] {}), WEFT_STATUS_INVALID_ARGUMENT);
}

static int answer = 42;

extern "C" void *c_thread(void *arg) { return arg; }

static void thread_results_and_shutdown() {
    weft_thread *raw = nullptr;
    EXPECT_STATUS(weft_thread_new(c_thread, &answer, nullptr, &raw), WEFT_STATUS_OK);
    weft::Thread c(weft::adopt, raw);
    EXPECT_ERROR(c.result(), WEFT_STATUS_WRONG_STATE); // not started
    c.start();
    EXPECT(c.join(10.0));
    EXPECT(c.result() == &answer);

    weft::Thread cpp([] {});
    cpp.start();
    cpp.join();
    EXPECT(cpp.result() == nullptr);

    // weft::shutdown waits for non-daemon threads, not daemon ones.
    weft::Event go;
    weft::Thread worker([go] { go.wait(); });
    weft::Thread daemon([] { weft::Event().wait(); }, {"daemon", true});
    worker.start();
    daemon.start();
    EXPECT(!weft::shutdown(0.02));
    go.set();
    EXPECT(weft::shutdown(10.0));
    EXPECT(!worker.is_alive() && daemon.is_alive());
}

int main() {
    one_shot_timers();
    periodic_timers();
    thread_results_and_shutdown();
    EXPECT(Tracked::alive == 0);
    return check_summary();
}
