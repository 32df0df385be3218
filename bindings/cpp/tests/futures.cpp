// weft::Promise (standalone futures), add_done_callback, weft::wait, weft::as_completed and
// ThreadPool::map.
#include <future>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "check.hpp"

static void promises() {
    weft::Promise<int> promise;
    weft::Future<int> future = promise.get_future();
    EXPECT(!future.done() && !future.running());
    EXPECT_ERROR(future.result(0.0), WEFT_STATUS_TIMEOUT);
    EXPECT(promise.set_running_or_notify_cancel());
    EXPECT(future.running() && !future.cancel());
    EXPECT_ERROR(promise.set_running_or_notify_cancel(), WEFT_STATUS_WRONG_STATE);
    promise.set_value(42);
    EXPECT(future.done() && future.result() == 42 && future.exception() == nullptr);
    EXPECT_ERROR(promise.set_value(7), WEFT_STATUS_INVALID_STATE_FINISHED);
    EXPECT_ERROR(promise.set_exception(nullptr), WEFT_STATUS_INVALID_STATE_FINISHED);
    EXPECT(future.result() == 42); // the refused value did not replace it

    // Set from another thread while this one waits.
    weft::Promise<std::string> later;
    weft::Thread setter([later] { later.set_value("from a thread"); });
    setter.start();
    EXPECT(later.get_future().result() == "from a thread");
    setter.join();

    weft::Promise<void> failing;
    failing.set_exception(std::make_exception_ptr(std::invalid_argument("by hand")));
    try {
        failing.get_future().result();
        EXPECT(false);
    } catch (const std::invalid_argument &e) {
        EXPECT(std::string(e.what()) == "by hand");
    }
    EXPECT(failing.get_future().exception() != nullptr);

    // Cancelled while pending: the owner is told not to run it, and cannot set it.
    weft::Promise<int> cancelled;
    EXPECT(cancelled.get_future().cancel());
    EXPECT(!cancelled.set_running_or_notify_cancel());
    EXPECT_ERROR(cancelled.set_value(1), WEFT_STATUS_INVALID_STATE_CANCELLED);
    EXPECT_ERROR(cancelled.get_future().result(), WEFT_STATUS_CANCELLED);

    // A promise dropped unset breaks its future, as std::promise's does.
    weft::Future<int> orphan = [] {
        weft::Promise<int> dropped;
        return dropped.get_future();
    }();
    try {
        (void)orphan.result(5.0);
        EXPECT(false);
    } catch (const std::future_error &e) {
        EXPECT(e.code() == std::future_errc::broken_promise);
    }
    // A copy keeps it alive: only the last one breaks it.
    std::optional<weft::Future<int>> kept;
    {
        weft::Promise<int> first;
        weft::Promise<int> copy = first;
        kept = first.get_future();
        { weft::Promise<int> gone = std::move(first); }
        EXPECT(!kept->done());
        copy.set_value(3);
    }
    EXPECT(kept->result() == 3);

    // Values weft's future does not own are destroyed once, with the last copy.
    {
        weft::Promise<Tracked> tracked;
        tracked.set_value(Tracked(5));
        EXPECT(tracked.get_future().result().value == 5);
    }
    EXPECT(Tracked::alive == 0);
}

static void done_callbacks() {
    weft::ThreadPool pool(1);
    weft::Event go;
    auto blocked = pool.submit([go] {
        go.wait();
        return 9;
    });
    std::atomic<int> calls{0};
    std::atomic<int> seen{0};
    weft::Thread caller = weft::current_thread();
    weft::Event called;
    blocked.add_done_callback([&, tracked = Tracked(1)](const weft::Future<int> &f) {
        EXPECT(f.done() && f.result() == 9 && tracked.value == 1);
        seen = f.result();
        calls++;
        called.set();
    });
    EXPECT(calls == 0);
    go.set();
    EXPECT(called.wait(10.0));
    EXPECT(calls == 1 && seen == 9);

    // Done already: runs now, in this thread.
    bool ran_here = false;
    blocked.add_done_callback([&](const weft::Future<int> &) {
        ran_here = weft::current_thread() == caller;
        calls++;
    });
    EXPECT(ran_here && calls == 2);

    // An exception is printed and does not stop the next callback.
    weft::Promise<void> promise;
    promise.get_future().add_done_callback(
        [](const weft::Future<void> &) { throw std::runtime_error("callback failed"); });
    promise.get_future().add_done_callback([&](const weft::Future<void> &) { calls++; });
    std::string printed = capture_stderr([&] { promise.set_value(); });
    EXPECT(printed.find("exception calling callback for future:") != std::string::npos);
    EXPECT(printed.find("callback failed") != std::string::npos);
    EXPECT(calls == 3);
    pool.shutdown();
    EXPECT(Tracked::alive == 0); // the callables were destroyed
}

static void waiting() {
    std::vector<weft::Promise<int>> promises(3);
    std::vector<weft::Future<int>> futures;
    for (const auto &p : promises) {
        futures.push_back(p.get_future());
    }
    auto none = weft::wait(futures, 0.02, weft::ReturnWhen::first_completed);
    EXPECT(none.done.empty() && none.not_done.size() == 3);
    promises[1].set_value(11);
    auto first = weft::wait(futures, weft::forever, weft::ReturnWhen::first_completed);
    EXPECT(first.done.size() == 1 && first.done[0].result() == 11 && first.not_done.size() == 2);
    // All: times out with two not done; the sets come back either way.
    auto all = weft::wait(futures, 0.02);
    EXPECT(all.done.size() == 1 && all.not_done.size() == 2);
    promises[2].set_exception(std::make_exception_ptr(std::runtime_error("x")));
    auto failed = weft::wait(futures, weft::forever, weft::ReturnWhen::first_exception);
    EXPECT(failed.done.size() == 2 && failed.not_done.size() == 1);
    promises[0].set_value(10);
    EXPECT(weft::wait(futures).done.size() == 3);

    // as_completed: those done first, then in the order they complete.
    std::vector<weft::Promise<int>> more(3);
    std::vector<weft::Future<int>> in;
    for (const auto &p : more) {
        in.push_back(p.get_future());
    }
    more[1].set_value(1);
    auto iterator = weft::as_completed(in);
    auto got = iterator.next();
    EXPECT(got && got->result() == 1);
    more[2].set_value(2);
    got = iterator.next();
    EXPECT(got && got->result() == 2);
    more[0].set_value(0);
    got = iterator.next();
    EXPECT(got && got->result() == 0);
    EXPECT(!iterator.next()); // over

    // The timeout covers the whole iteration.
    std::vector<weft::Promise<int>> slow(2);
    slow[0].set_value(5);
    auto timed = weft::as_completed(std::vector{slow[0].get_future(), slow[1].get_future()}, 0.05);
    EXPECT(timed.next()->result() == 5);
    EXPECT_ERROR(timed.next(), WEFT_STATUS_TIMEOUT);
    slow[1].set_value(6);

    // A range for.
    weft::ThreadPool pool(2);
    std::vector<weft::Future<int>> tasks;
    for (int i = 0; i < 10; i++) {
        tasks.push_back(pool.submit([i] { return i; }));
    }
    int sum = 0, count = 0;
    for (const weft::Future<int> &f : weft::as_completed(tasks)) {
        sum += f.result();
        count++;
    }
    EXPECT(sum == 45 && count == 10);
    pool.shutdown();
}

static void map() {
    weft::ThreadPool pool(3);
    std::vector<int> args{1, 2, 3, 4, 5, 6, 7, 8};
    std::vector<int> squares;
    for (int v : pool.map([](int x) { return x * x; }, args)) {
        squares.push_back(v);
    }
    EXPECT((squares == std::vector<int>{1, 4, 9, 16, 25, 36, 49, 64}));

    // Strings moved in, in order even when the first finishes last.
    weft::Event first_may_finish;
    auto names = pool.map(
        [first_may_finish](const std::string &s) {
            if (s == "a") {
                first_may_finish.wait();
            }
            return s + s;
        },
        std::vector<std::string>{"a", "b", "c"});
    first_may_finish.set();
    EXPECT(names.next() == std::optional<std::string>("aa"));
    EXPECT(names.next() == std::optional<std::string>("bb"));
    EXPECT(names.next() == std::optional<std::string>("cc"));
    EXPECT(!names.next());

    // The first exception ends the iteration.
    auto failing = pool.map(
        [](int x) {
            if (x == 2) {
                throw std::invalid_argument("two");
            }
            return x;
        },
        std::vector<int>{1, 2, 3});
    EXPECT(failing.next() == std::optional<int>(1));
    try {
        failing.next();
        EXPECT(false);
    } catch (const std::invalid_argument &e) {
        EXPECT(std::string(e.what()) == "two");
    }
    EXPECT(!failing.next());

    // The timeout counts from map(); void tasks.
    weft::Event go;
    auto slow = pool.map([go](int) { go.wait(); }, std::vector<int>{1}, 0.02);
    EXPECT_ERROR(slow.next(), WEFT_STATUS_TIMEOUT);
    go.set();
    auto quick = pool.map([](int) {}, std::vector<int>{1, 2});
    EXPECT(quick.next() == std::optional<bool>(true));

    // Arguments are destroyed, whether the tasks ran or the pool refused them.
    { (void)pool.map([](const Tracked &t) { return t.value; }, std::vector<Tracked>(4)); }
    pool.shutdown();
    EXPECT(Tracked::alive == 0);
    EXPECT_ERROR(pool.map([](const Tracked &t) { return t.value; }, std::vector<Tracked>(3)),
                 WEFT_STATUS_POOL_SHUT_DOWN);
    EXPECT(Tracked::alive == 0);
    EXPECT_ERROR(pool.map([](int x) { return x; }, std::vector<int>{1}, -2.0),
                 WEFT_STATUS_INVALID_TIMEOUT);
}

int main() {
    promises();
    done_callbacks();
    waiting();
    map();
    return check_summary();
}
