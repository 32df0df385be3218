// PyMOTW threading_semaphore: twenty workers share a Semaphore(5), so at most five are in the
// ActivePool at once. Each logs the pool (as Python prints a list of names) when it gets in, then
// sleeps up to 1 s (scaled down to 0.05 s). Log lines keep the seed's
// "(%(threadName)-2s) %(message)s" without the timestamp.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <mutex>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "weft.hpp"

class ActivePool {
public:
    void make_active(const std::string &name) {
        std::lock_guard guard(lock_);
        active_.push_back(name);
    }

    void make_inactive(const std::string &name) {
        std::lock_guard guard(lock_);
        active_.erase(std::find(active_.begin(), active_.end(), name));
    }

    // str(self.active): "['0', '1']"
    std::string str() const {
        std::lock_guard guard(lock_);
        std::string s = "[";
        for (const std::string &name : active_) {
            s += (s.size() > 1 ? ", '" : "'") + name + "'";
        }
        return s + "]";
    }

private:
    weft::Lock lock_;
    std::vector<std::string> active_;
};

static void worker(const weft::Semaphore &s, ActivePool &pool, unsigned seed) {
    std::lock_guard guard(s); // with s:
    std::string name = weft::current_thread().name();
    pool.make_active(name);
    std::printf("(%-2s) Running: %s\n", name.c_str(), pool.str().c_str());
    std::minstd_rand random(seed); // time.sleep(random.random())
    std::this_thread::sleep_for(std::chrono::milliseconds(random() % 50));
    pool.make_inactive(name);
}

int main() {
    static ActivePool pool; // outlives main: weft waits for the workers at exit
    weft::Semaphore s(5);
    for (unsigned i = 0; i < 20; i++) {
        weft::Thread t([s, i] { worker(s, pool, i + 1); }, {std::to_string(i)});
        t.start();
    }
}
