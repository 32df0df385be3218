// PyMOTW threading_lock_with: the lock taken by a `with` block and by acquire/try/finally. In
// C++ the `with` block is a std::lock_guard; the other worker acquires and releases by hand.
// Each worker's copy of the Lock is another reference to the same lock.
#include <cstdio>
#include <mutex>

#include "weft.hpp"

static void worker_with(const weft::Lock &lock) {
    std::lock_guard guard(lock); // with lock:
    std::printf("Lock acquired via with\n");
}

static void worker_no_with(const weft::Lock &lock) {
    lock.acquire();
    // try:
    std::printf("Lock acquired directly\n");
    // finally:
    lock.release();
}

int main() {
    weft::Lock lock;
    weft::Thread w([lock] { worker_with(lock); });
    weft::Thread nw([lock] { worker_no_with(lock); });
    w.start();
    nw.start();
}
