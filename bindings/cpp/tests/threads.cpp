// weft::Thread, weft::Timer and the module functions: names, daemon flag, start/join rules,
// identities, exceptions reported as CPython's excepthook reports them.
#include <algorithm>
#include <functional>
#include <stdexcept>
#include <string>

#include "check.hpp"

static void body() {}

// Runs first: no other thread has taken a number yet.
static void default_names_are_numbered() {
    weft::Thread first(body);
    weft::Thread named(body, {"worker"});
    weft::Thread second([] {});
    weft::Thread empty_name(std::function<void()>(body), {""});
    EXPECT(first.name() == "Thread-1");
    EXPECT(named.name() == "worker"); // a named thread takes no number, as in Python
    EXPECT(second.name() == "Thread-2");
    EXPECT(empty_name.name() == "Thread-3"); // Python's `name or _newname()`
    std::string long_name(100, 'x');
    named.set_name(long_name);
    EXPECT(named.name() == long_name);
}

static void start_join_and_state() {
    weft::Event go;
    bool ran = false;
    weft::Thread t([go, &ran] {
        go.wait();
        ran = true;
    });
    EXPECT(!t.is_alive());
    EXPECT(t.ident() == 0 && t.native_id() == 0);
    EXPECT_ERROR(t.join(), WEFT_STATUS_NOT_STARTED);
    t.start();
    EXPECT_ERROR(t.start(), WEFT_STATUS_ALREADY_STARTED);
    EXPECT(t.is_alive());
    EXPECT(!t.join(0.01)); // still running: Python's join returns and is_alive() is true
    EXPECT(t.is_alive());
    EXPECT_ERROR(t.set_daemon(true), WEFT_STATUS_DAEMON_AFTER_START);
    EXPECT(t.ident() != 0 && t.native_id() != 0);
    go.set();
    EXPECT(t.join());
    EXPECT(t.join(0.0)); // any number of times
    EXPECT(!t.is_alive() && ran);
}

static void daemon_flag() {
    weft::Thread inherited(body);
    EXPECT(!inherited.daemon()); // main is not a daemon
    weft::Thread daemon(body, {"d", true});
    EXPECT(daemon.daemon());
    daemon.set_daemon(false);
    EXPECT(!daemon.daemon());
    weft::Thread explicit_false(body, {{}, false});
    EXPECT(!explicit_false.daemon());
}

static void identities() {
    weft::Thread main = weft::current_thread();
    EXPECT(main == weft::main_thread());
    EXPECT(main.name() == "MainThread");
    EXPECT(main.ident() == weft::get_ident());
    EXPECT(main.native_id() == weft::get_native_id());
    EXPECT_ERROR(main.join(), WEFT_STATUS_JOIN_CURRENT);

    weft::Event inside, go;
    bool is_self = false, is_main = true;
    std::uint64_t ident = 0;
    weft_status join_self = WEFT_STATUS_OK;
    weft::Thread t([&, inside, go] {
        weft::Thread me = weft::current_thread();
        is_self = me == weft::current_thread();
        is_main = me == weft::main_thread();
        ident = weft::get_ident();
        try {
            me.join();
        } catch (const weft::Error &e) {
            join_self = e.status();
        }
        inside.set();
        go.wait();
    });
    t.start();
    inside.wait();
    EXPECT(is_self && !is_main && ident == t.ident());
    EXPECT(join_self == WEFT_STATUS_JOIN_CURRENT);
    EXPECT(t != main);
    std::vector<weft::Thread> all = weft::enumerate();
    EXPECT(all.front() == main);
    EXPECT(std::count(all.begin(), all.end(), t) == 1);
    EXPECT(weft::active_count() == all.size());
    go.set();
    t.join();
    all = weft::enumerate();
    EXPECT(std::count(all.begin(), all.end(), t) == 0);
}

static void stack_sizes() {
    EXPECT_ERROR(weft::stack_size(16), WEFT_STATUS_STACK_SIZE);
    EXPECT(weft::stack_size(1 << 16) == 0);
    EXPECT(weft::stack_size() == 1 << 16);
    EXPECT(weft::stack_size(0) == 1 << 16);
    weft::Thread t(body);
    EXPECT_ERROR(t.set_stack_size(16), WEFT_STATUS_STACK_SIZE);
    t.set_stack_size(1 << 18);
    t.start();
    t.join();
}

static void callables_of_every_kind() {
    int calls = 0;
    struct Functor {
        int *calls;
        void operator()() { ++*calls; } // not const: called on weft's own copy
    };
    auto mutable_lambda = [&calls, n = 0]() mutable { calls += ++n; };
    std::vector<weft::Thread> threads;
    threads.emplace_back(body);
    threads.emplace_back(&body);
    threads.emplace_back(Functor{&calls});
    threads.emplace_back(mutable_lambda);
    threads.emplace_back(std::function<void()>([&calls] { ++calls; }));
    for (const weft::Thread &t : threads) {
        t.start();
        t.join();
    }
    EXPECT(calls == 3);
}

static void exceptions_are_reported_like_excepthook() {
    bool after = false;
    std::string err = capture_stderr([&after] {
        weft::Thread t([] { throw std::runtime_error("boom"); }, {"thrower"});
        t.start();
        t.join();
        weft::Thread other([] { throw 42; }, {"other"});
        other.start();
        other.join();
        after = true;
    });
    EXPECT(after);
    EXPECT(err == "Exception in thread thrower:\nboom\nException in thread other:\n"
                  "unknown exception\n");
}

static void timers() {
    bool fired = false;
    weft::Timer t(0.0, [&fired] { fired = true; });
    EXPECT(t.name().rfind("Thread-", 0) == 0);
    t.set_name("timer");
    EXPECT(t.name() == "timer");
    t.start();
    t.join();
    EXPECT(fired);

    bool late = false;
    weft::Timer cancelled(std::chrono::seconds(30), [&late] { late = true; });
    cancelled.start();
    cancelled.cancel();
    cancelled.cancel(); // harmless
    cancelled.join();   // ends soon after the cancel
    EXPECT(!late);

    weft::Timer before_start(0.0, [&late] { late = true; });
    before_start.cancel();
    before_start.start();
    before_start.join();
    EXPECT(!late);

    EXPECT_ERROR(weft::Timer(weft::forever, body), WEFT_STATUS_INVALID_TIMEOUT);
    weft::Thread plain(body);
    weft::Timer not_a_timer(weft::adopt, weft_thread_clone(plain.native_handle()));
    EXPECT_ERROR(not_a_timer.cancel(), WEFT_STATUS_WRONG_HANDLE);
}

int main() {
    default_names_are_numbered();
    start_join_and_state();
    daemon_flag();
    identities();
    stack_sizes();
    callables_of_every_kind();
    exceptions_are_reported_like_excepthook();
    timers();
    return check_summary();
}
