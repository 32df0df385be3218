// The C++ binding from an installed weft (ci/test-install.sh): weft.hpp over libweft.so.
#include <cstdio>
#include <weft.hpp>

int main() {
    weft::Queue<int> queue;
    weft::Thread thread([&queue] { queue.put(42); });
    thread.start();
    int item = queue.get();
    if (!thread.join()) {
        return 1;
    }
    std::printf("%d from weft %s\n", item, weft_version_string());
    return item == 42 ? 0 : 1;
}
