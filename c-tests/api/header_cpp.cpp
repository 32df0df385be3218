// The header from C++17 (-Wall -Wextra -Werror -pedantic): a lock handed between two threads,
// a captureless lambda as the thread function and another as arg_free, statuses checked.
#include <cstdint>
#include <cstring>

#include "check.h"
#include "weft.h"

namespace {

struct shared {
    weft_lock *lock;
    weft_lock *tried; // held by main until the thread has tried the lock once
    int counter;
    weft_status first_try;
    weft_status second_try;
};

} // namespace

int main() {
    shared s{};
    weft_thread *t = nullptr;
    void *result = nullptr;
    int freed = 0;

    EXPECT_STATUS(weft_lock_new(&s.lock), WEFT_STATUS_OK);
    EXPECT_STATUS(weft_lock_new(&s.tried), WEFT_STATUS_OK);
    EXPECT_STATUS(weft_lock_acquire(s.lock, true, WEFT_TIMEOUT_FOREVER), WEFT_STATUS_OK);
    EXPECT_STATUS(weft_lock_acquire(s.tried, false, WEFT_TIMEOUT_FOREVER), WEFT_STATUS_OK);

    auto body = [](void *arg) -> void * {
        auto *s = static_cast<shared *>(arg);
        s->first_try = weft_lock_acquire(s->lock, true, 0.0);
        s->second_try = weft_lock_acquire(s->lock, false, WEFT_TIMEOUT_FOREVER);
        weft_lock_release(s->tried);
        if (weft_lock_acquire(s->lock, true, WEFT_TIMEOUT_FOREVER) == WEFT_STATUS_OK) {
            s->counter++;
            weft_lock_release(s->lock);
        }
        return &s->counter;
    };
    EXPECT_STATUS(weft_thread_new(body, &s, nullptr, &t), WEFT_STATUS_OK);
    EXPECT_STATUS(weft_thread_set_name(t, "cpp-worker"), WEFT_STATUS_OK);
    EXPECT_STATUS(weft_thread_start(t), WEFT_STATUS_OK);
    EXPECT_STATUS(weft_thread_start(t), WEFT_STATUS_ALREADY_STARTED);

    EXPECT_STATUS(weft_lock_acquire(s.tried, true, WEFT_TIMEOUT_FOREVER), WEFT_STATUS_OK);
    EXPECT(weft_thread_is_alive(t));
    EXPECT_STATUS(weft_lock_release(s.lock), WEFT_STATUS_OK);
    EXPECT_STATUS(weft_thread_join(t, WEFT_TIMEOUT_FOREVER), WEFT_STATUS_OK);
    EXPECT_STATUS(s.first_try, WEFT_STATUS_TIMEOUT);
    EXPECT_STATUS(s.second_try, WEFT_STATUS_TIMEOUT);
    EXPECT(s.counter == 1);
    EXPECT_STATUS(weft_thread_result(t, &result), WEFT_STATUS_OK);
    EXPECT(result == &s.counter);

    char name[32];
    std::size_t len = 0;
    EXPECT_STATUS(weft_thread_get_name(t, name, sizeof name, &len), WEFT_STATUS_OK);
    EXPECT(std::strcmp(name, "cpp-worker") == 0 && len == 10);
    EXPECT_STATUS(weft_lock_release(s.lock), WEFT_STATUS_RELEASE_UNLOCKED);
    EXPECT(std::strcmp(weft_status_str(WEFT_STATUS_RELEASE_UNLOCKED), "release unlocked lock") ==
           0);
    weft_thread_free(t);

    // A captureless lambda as arg_free: a thread never started frees its argument with its
    // last handle.
    auto count_free = [](void *arg) { ++*static_cast<int *>(arg); };
    auto unused = [](void *arg) -> void * { return arg; };
    EXPECT_STATUS(weft_thread_new(unused, &freed, count_free, &t), WEFT_STATUS_OK);
    weft_thread *other = weft_thread_clone(t);
    EXPECT(other == t);
    weft_thread_free(t);
    EXPECT(freed == 0);
    weft_thread_free(other);
    EXPECT(freed == 1);

    weft_lock_free(s.lock);
    weft_lock_free(s.tried);
    EXPECT(weft_version_number() == WEFT_VERSION_NUMBER);
    return check_summary();
}
