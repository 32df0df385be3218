// weft::Lock and weft::RLock, directly and through the standard guards (std::lock_guard,
// std::unique_lock, std::scoped_lock, std::lock), which need Lockable and TimedLockable.
#include <chrono>
#include <mutex>
#include <vector>

#include "check.hpp"

using namespace std::chrono_literals;

static void lock_basics() {
    weft::Lock lock;
    EXPECT(!lock.locked());
    EXPECT(lock.acquire());
    EXPECT(lock.locked());
    EXPECT(!lock.acquire(false)); // not reentrant
    EXPECT(!lock.try_lock());
    lock.release();
    EXPECT_ERROR(lock.release(), WEFT_STATUS_RELEASE_UNLOCKED);
    EXPECT(lock.try_lock());
    lock.unlock();
}

static void timed_acquires_expire() {
    weft::Lock lock;
    lock.lock();
    auto start = std::chrono::steady_clock::now();
    EXPECT(!lock.try_lock_for(20ms));
    EXPECT(std::chrono::steady_clock::now() - start >= 20ms); // not early
    EXPECT(!lock.try_lock_until(std::chrono::steady_clock::now() + 5ms));
    EXPECT(!lock.try_lock_until(std::chrono::system_clock::now() - 1s));
    lock.unlock();
    EXPECT(lock.try_lock_until(std::chrono::steady_clock::now() + 1s));
    lock.unlock();
}

static void any_thread_may_release_a_lock() {
    weft::Lock lock;
    lock.acquire();
    weft::Thread t([lock] { lock.release(); });
    t.start();
    t.join();
    EXPECT(!lock.locked());
}

static void standard_guards() {
    weft::Lock a, b;
    {
        std::lock_guard<weft::Lock> guard(a);
        EXPECT(a.locked());
    }
    EXPECT(!a.locked());
    {
        std::unique_lock<weft::Lock> u(a, std::defer_lock);
        EXPECT(!u.owns_lock());
        u.lock();
        EXPECT(a.locked());
        u.unlock();
        EXPECT(u.try_lock());
        std::unique_lock<weft::Lock> other(a, std::try_to_lock);
        EXPECT(!other.owns_lock());
        std::unique_lock<weft::Lock> timed(a, 1ms);
        EXPECT(!timed.owns_lock());
    }
    EXPECT(!a.locked());
    {
        std::scoped_lock both(a, b);
        EXPECT(a.locked() && b.locked());
    }
    EXPECT(!a.locked() && !b.locked());
    b.lock(); // std::lock must back off and retry, not deadlock
    weft::Thread t([b] { b.unlock(); });
    t.start();
    std::lock(a, b);
    t.join();
    EXPECT(a.locked() && b.locked());
    a.unlock();
    b.unlock();
}

static void a_guarded_counter_is_exact() {
    weft::Lock lock;
    int counter = 0;
    std::vector<weft::Thread> threads;
    for (int i = 0; i < 4; i++) {
        threads.emplace_back([lock, &counter] {
            for (int n = 0; n < 1000; n++) {
                std::lock_guard guard(lock); // a const copy: the methods are const
                ++counter;
            }
        });
        threads.back().start();
    }
    for (const weft::Thread &t : threads) {
        t.join();
    }
    EXPECT(counter == 4000);
}

static void rlock_is_reentrant() {
    weft::RLock r;
    EXPECT(!r.is_owned() && r.recursion_count() == 0 && !r.locked());
    {
        std::lock_guard outer(r);
        std::lock_guard inner(r);
        EXPECT(r.is_owned() && r.recursion_count() == 2 && r.locked());
        EXPECT(r.acquire(false));
        r.release();
    }
    EXPECT(!r.locked());
    EXPECT_ERROR(r.release(), WEFT_STATUS_NOT_OWNER);

    r.acquire();
    bool tried = true, owned = true;
    weft_status released = WEFT_STATUS_OK;
    weft::Thread t([&, r] {
        tried = r.try_lock();
        owned = r.is_owned();
        try {
            r.release();
        } catch (const weft::Error &e) {
            released = e.status();
        }
    });
    t.start();
    t.join();
    EXPECT(!tried && !owned && released == WEFT_STATUS_NOT_OWNER);
    std::unique_lock<weft::RLock> again(r, std::try_to_lock);
    EXPECT(again.owns_lock() && r.recursion_count() == 2);
    again.unlock();
    r.release();
    EXPECT(!r.locked());
}

int main() {
    lock_basics();
    timed_acquires_expire();
    any_thread_may_release_a_lock();
    standard_guards();
    a_guarded_counter_is_exact();
    rlock_is_reentrant();
    return check_summary();
}
