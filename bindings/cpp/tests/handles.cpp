// weft.hpp's handles and errors: copy = clone, move = steal, destructor = free (what weft owns
// is destroyed with the last handle); weft::Error; timeouts as seconds or durations.
#include <chrono>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <type_traits>
#include <utility>

#include "check.hpp"

using namespace std::chrono_literals;

static_assert(std::is_base_of_v<std::runtime_error, weft::Error>);
static_assert(weft::Timeout(1500ms).seconds() == 1.5);
static_assert(weft::Timeout(-3s).seconds() == 0.0, "a negative duration does not wait");
static_assert(weft::Timeout(2).seconds() == 2.0);
static_assert(weft::forever.seconds() == WEFT_TIMEOUT_FOREVER);

static void copies_share_the_object() {
    weft::Lock a;
    weft::Lock b = a; // weft_lock_clone: the same lock
    EXPECT(b.native_handle() == a.native_handle());
    a.acquire();
    EXPECT(b.locked());
    b.release();
    EXPECT(!a.locked());

    weft::Lock c;
    c = a; // drops c's own lock, shares a's
    EXPECT(c.native_handle() == a.native_handle());
    weft::Lock &same = c;
    c = same; // self-assignment
    EXPECT(c.native_handle() == a.native_handle());

    // Adopting a reference from C, and giving one back.
    weft::Lock adopted(weft::adopt, weft_lock_clone(a.native_handle()));
    adopted.acquire();
    EXPECT(a.locked());
    weft_lock *raw = adopted.release_native_handle();
    EXPECT(adopted.native_handle() == nullptr && raw == a.native_handle());
    EXPECT_STATUS(weft_lock_release(raw), WEFT_STATUS_OK);
    weft_lock_free(raw);
}

static void moves_steal_the_reference() {
    weft::Event e;
    weft_event *raw = e.native_handle();
    weft::Event moved = std::move(e);
    EXPECT(moved.native_handle() == raw);
    EXPECT(e.native_handle() == nullptr); // NOLINT: checking the moved-from state
    EXPECT_ERROR(e.set(), WEFT_STATUS_NULL_ARGUMENT);
    EXPECT_ERROR(e.wait(), WEFT_STATUS_NULL_ARGUMENT);
    EXPECT(!e.is_set());
    weft::Event copy = e; // copying an empty handle gives an empty handle
    EXPECT(copy.native_handle() == nullptr);
    e = std::move(moved);
    EXPECT(e.native_handle() == raw);
    e.set();
    EXPECT(e.is_set());
}

static void the_last_handle_destroys_what_weft_owns() {
    int before = Tracked::alive;
    {
        // A thread never started frees its callable with its last handle.
        weft::Thread t([probe = Tracked()] { (void)probe; });
        EXPECT(Tracked::alive == before + 1);
        {
            weft::Thread copy = t;
        }
        EXPECT(Tracked::alive == before + 1);
        weft::Thread moved = std::move(t);
        EXPECT(Tracked::alive == before + 1);
    }
    EXPECT(Tracked::alive == before);

    {
        // A started thread frees its callable once it returns.
        weft::Thread t([probe = Tracked()] { (void)probe; });
        t.start();
        t.join();
        EXPECT(Tracked::alive == before);
    }

    {
        weft::Queue<Tracked> q;
        q.put(Tracked(1));
        q.put(Tracked(2));
        weft::Queue<Tracked> other = q;
        EXPECT(Tracked::alive == before + 2);
        EXPECT(other.get().value == 1);
        EXPECT(Tracked::alive == before + 1);
    }
    EXPECT(Tracked::alive == before);

    {
        weft::Barrier barrier(1, [probe = Tracked()] { (void)probe; });
        EXPECT(barrier.wait() == 0);
        EXPECT(Tracked::alive == before + 1);
    }
    EXPECT(Tracked::alive == before);

    {
        weft::Local<Tracked> local;
        local->value = 5;
        EXPECT(Tracked::alive == before + 1);
    }
    EXPECT(Tracked::alive == before);
}

static void errors_carry_the_status_and_its_message() {
    weft::Lock lock;
    try {
        lock.release();
        EXPECT(false);
    } catch (const std::runtime_error &e) {
        const auto *error = dynamic_cast<const weft::Error *>(&e);
        EXPECT(error != nullptr && error->status() == WEFT_STATUS_RELEASE_UNLOCKED);
        EXPECT(std::strcmp(e.what(), "release unlocked lock") == 0);
    }
    weft::Error error(WEFT_STATUS_BROKEN_BARRIER);
    EXPECT(std::strcmp(error.what(), "broken barrier") == 0);
}

static void timeouts() {
    weft::Lock lock;
    lock.acquire();
    EXPECT(!lock.acquire(true, 0.0));
    EXPECT(!lock.acquire(true, -5ms)); // tries once
    EXPECT(!lock.try_lock_for(-1s));
    EXPECT_ERROR(lock.acquire(true, -2.0), WEFT_STATUS_INVALID_TIMEOUT);
    EXPECT_ERROR(lock.acquire(true, std::nan("")), WEFT_STATUS_INVALID_TIMEOUT);
    EXPECT_ERROR(lock.acquire(true, 1e300), WEFT_STATUS_TIMEOUT_TOO_LARGE);
    EXPECT_ERROR(lock.acquire(true, std::numeric_limits<double>::infinity()),
                 WEFT_STATUS_TIMEOUT_TOO_LARGE);
    EXPECT_ERROR(lock.try_lock_for(std::chrono::hours::max()), WEFT_STATUS_TIMEOUT_TOO_LARGE);
    EXPECT_ERROR(lock.acquire(false, 1.0), WEFT_STATUS_NONBLOCKING_TIMEOUT);
    lock.release();
    EXPECT(lock.acquire(true, weft::forever));
    lock.release();
}

int main() {
    copies_share_the_object();
    moves_steal_the_reference();
    the_last_handle_destroys_what_weft_owns();
    errors_carry_the_status_and_its_message();
    timeouts();
    return check_summary();
}
