// PyMOTW threading_simple: five threads, each given a target function and started; each prints
// "Worker". main keeps the threads in a vector, as the seed keeps them in a list, and returns:
// weft waits for the non-daemon workers at exit.
#include <cstdio>
#include <vector>

#include "weft.hpp"

// thread worker function
static void worker() { std::printf("Worker\n"); }

int main() {
    std::vector<weft::Thread> threads;
    for (int i = 0; i < 5; i++) {
        weft::Thread t(worker);
        threads.push_back(t);
        t.start();
    }
}
