// weft::ThreadPool and weft::Future: values, exceptions rethrown by result(), cancellation,
// timeouts, shutdown, a failing initializer.
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "check.hpp"

static void results() {
    weft::ThreadPool pool(4, "worker");
    EXPECT(pool.max_workers() == 4);
    weft::Future<int> answer = pool.submit([] { return 42; });
    weft::Future<std::string> name = pool.submit([] { return weft::current_thread().name(); });
    weft::Future<std::unique_ptr<int>> boxed = pool.submit([] { return std::make_unique<int>(7); });
    int side = 0;
    weft::Future<void> nothing = pool.submit([&side] { side = 1; });
    EXPECT(answer.result() == 42);
    EXPECT(answer.result() == 42); // as often as asked
    EXPECT(name.result().rfind("worker_", 0) == 0);
    EXPECT(*boxed.result() == 7);
    nothing.result();
    EXPECT(side == 1 && nothing.done() && !nothing.cancelled() && !nothing.running());
    EXPECT(answer.exception() == nullptr);
    weft::Future<int> copy = answer; // the same future and outcome
    EXPECT(copy.result() == 42);

    std::vector<weft::Future<int>> squares;
    for (int i = 0; i < 50; i++) {
        squares.push_back(pool.submit([i] { return i * i; }));
    }
    int sum = 0;
    for (const auto &f : squares) {
        sum += f.result();
    }
    EXPECT(sum == 40425);
    pool.shutdown();
    EXPECT_ERROR(pool.submit([] {}), WEFT_STATUS_POOL_SHUT_DOWN);
}

static void exceptions_are_rethrown() {
    weft::ThreadPool pool(1);
    auto failing = pool.submit([]() -> int { throw std::invalid_argument("bad task"); });
    try {
        failing.result();
        EXPECT(false);
    } catch (const std::invalid_argument &e) {
        EXPECT(std::string(e.what()) == "bad task");
    }
    std::exception_ptr error = failing.exception();
    EXPECT(error != nullptr);
    try {
        std::rethrow_exception(error);
    } catch (const std::invalid_argument &e) {
        EXPECT(std::string(e.what()) == "bad task");
    }
    EXPECT(failing.done());
    pool.shutdown();
}

static void cancel_and_timeouts() {
    weft::ThreadPool pool(1);
    weft::Event started, go;
    auto blocker = pool.submit([started, go] {
        started.set();
        go.wait();
        return 1;
    });
    auto queued = pool.submit([] { return 2; });
    started.wait();
    EXPECT(blocker.running() && !blocker.done());
    EXPECT_ERROR(blocker.result(0.01), WEFT_STATUS_TIMEOUT); // Python: TimeoutError
    EXPECT_ERROR(blocker.exception(0.0), WEFT_STATUS_TIMEOUT);
    EXPECT(!blocker.cancel()); // running
    EXPECT(queued.cancel() && queued.cancelled() && queued.done());
    EXPECT_ERROR(queued.result(), WEFT_STATUS_CANCELLED);
    EXPECT_ERROR(queued.exception(), WEFT_STATUS_CANCELLED);
    go.set();
    EXPECT(blocker.result() == 1);

    go.clear();
    started.clear();
    auto running = pool.submit([started, go] {
        started.set();
        go.wait();
    });
    auto dropped = pool.submit([] {});
    started.wait();
    pool.shutdown(false, true); // cancel_futures: the queued task is cancelled now
    EXPECT(dropped.cancelled());
    go.set();
    running.result();
}

static void a_failing_initializer_breaks_the_pool() {
    weft::Future<int> f = weft::ThreadPool().submit([] { return 0; }); // a temporary pool
    EXPECT(f.result() == 0);

    std::exception_ptr error;
    std::string err = capture_stderr([&error] {
        weft::ThreadPool pool(1, "", [] { throw std::runtime_error("no init"); });
        auto task = pool.submit([] { return 1; });
        EXPECT_ERROR(task.result(), WEFT_STATUS_POOL_BROKEN);
        error = task.exception();
        EXPECT_ERROR(pool.submit([] { return 2; }), WEFT_STATUS_POOL_BROKEN);
    });
    EXPECT(err == "Exception in initializer:\nno init\n");
    try {
        std::rethrow_exception(error);
    } catch (const weft::Error &e) {
        EXPECT(e.status() == WEFT_STATUS_POOL_BROKEN);
    }

    int inits = 0;
    weft::ThreadPool good(1, "", [&inits] { ++inits; });
    EXPECT(good.submit([&inits] { return inits; }).result() == 1);
}

int main() {
    results();
    exceptions_are_rethrown();
    cancel_and_timeouts();
    a_failing_initializer_breaks_the_pool();
    return check_summary();
}
