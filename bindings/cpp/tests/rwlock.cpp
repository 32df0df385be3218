// weft::RWLock through the standard guards (std::shared_lock reads, std::unique_lock writes,
// which need SharedTimedLockable and TimedLockable), and weft::Once as std::call_once.
#include <chrono>
#include <mutex>
#include <shared_mutex>
#include <stdexcept>
#include <vector>

#include "check.hpp"

using namespace std::chrono_literals;

static void rwlock_guards() {
    weft::RWLock rw;
    {
        std::shared_lock<weft::RWLock> a(rw);
        std::shared_lock<weft::RWLock> b(rw); // a reader reads again
        EXPECT(a.owns_lock() && b.owns_lock());
        EXPECT_ERROR(rw.lock(), WEFT_STATUS_DEADLOCK); // no upgrade
        weft::Thread t([rw] {
            EXPECT(rw.try_lock_shared());
            rw.unlock_shared();
            EXPECT(!rw.try_lock());
            EXPECT(!rw.try_lock_for(5ms));
            EXPECT_ERROR(rw.unlock_shared(), WEFT_STATUS_NOT_OWNER);
        });
        t.start();
        t.join();
    }
    {
        std::unique_lock<weft::RWLock> w(rw);
        EXPECT(w.owns_lock());
        EXPECT_ERROR(rw.lock_shared(), WEFT_STATUS_DEADLOCK);
        weft::Thread t([rw] {
            EXPECT(!rw.try_lock_shared());
            EXPECT(!rw.try_lock_shared_for(5ms));
            EXPECT(!rw.try_lock_shared_until(std::chrono::steady_clock::now() + 5ms));
            EXPECT_ERROR(rw.unlock(), WEFT_STATUS_NOT_OWNER);
        });
        t.start();
        t.join();
    }
    std::unique_lock<weft::RWLock> w(rw, std::try_to_lock);
    EXPECT(w.owns_lock());
}

static void rwlock_counter_is_exact() {
    weft::RWLock rw;
    long value = 0;
    std::vector<weft::Thread> threads;
    for (int i = 0; i < 4; i++) {
        threads.emplace_back([rw, &value, i]() mutable {
            for (int n = 0; n < 1000; n++) {
                if (i % 2 == 0) {
                    std::unique_lock<weft::RWLock> w(rw);
                    value++;
                } else {
                    std::shared_lock<weft::RWLock> r(rw);
                    (void)value;
                }
            }
        });
    }
    for (auto &t : threads) {
        t.start();
    }
    for (auto &t : threads) {
        t.join();
    }
    EXPECT(value == 2000);
}

static void once_as_call_once() {
    static weft::Once once;
    int runs = 0;
    bool threw = false;
    try {
        once.call([&] {
            runs++;
            throw std::runtime_error("not yet");
        });
    } catch (const std::runtime_error &e) {
        threw = std::strcmp(e.what(), "not yet") == 0;
    }
    EXPECT(threw);
    EXPECT(!once.done());
    once.call([&] { runs++; });
    once.call([&] { runs++; });
    EXPECT(runs == 2 && once.done());
}

int main() {
    rwlock_guards();
    rwlock_counter_is_exact();
    once_as_call_once();
    return check_summary();
}
