// The harness of the C API programs (c-tests/api/check.h: EXPECT, EXPECT_STATUS,
// check_summary), plus what the C++ tests need: EXPECT_ERROR for a weft::Error, a value that
// counts its instances, and a capture of what the program writes to stderr.
#ifndef WEFT_CPP_CHECK_HPP
#define WEFT_CPP_CHECK_HPP

#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <cstring>
#include <string>

#include "api/check.h"
#include "weft.hpp"

// Runs `f`; records whether it threw a weft::Error with `want` as status and the message
// expected_message(want).
template <class F>
void check_error(F &&f, weft_status want, const char *what, int line) {
    try {
        f();
    } catch (const weft::Error &e) {
        const char *want_msg = expected_message(want);
        bool ok = e.status() == want && want_msg != nullptr && std::strcmp(e.what(), want_msg) == 0;
        if (!check_record(ok, what, line)) {
            std::printf("    threw %d \"%s\", want %d\n", e.status(), e.what(), want);
        }
        return;
    }
    check_record(0, what, line);
    std::printf("    threw nothing, want %d\n", want);
}

// `expr` throws weft::Error(status).
#define EXPECT_ERROR(expr, status) check_error([&] { (void)(expr); }, (status), #expr, __LINE__)

// A value that counts its live instances, to check that what weft owns is destroyed.
struct Tracked {
    static inline std::atomic<int> alive{0};
    int value;

    explicit Tracked(int v = 0) : value(v) { ++alive; }
    Tracked(const Tracked &other) : value(other.value) { ++alive; }
    Tracked &operator=(const Tracked &) = default;
    ~Tracked() { --alive; }
};

// Everything written to stderr (fd 2) while `f` runs.
template <class F>
std::string capture_stderr(F &&f) {
    std::fflush(stderr);
    std::FILE *tmp = std::tmpfile();
    int saved = dup(2);
    dup2(fileno(tmp), 2);
    f();
    std::fflush(stderr);
    dup2(saved, 2);
    close(saved);
    std::string text;
    std::rewind(tmp);
    for (int c; (c = std::fgetc(tmp)) != EOF;) {
        text += static_cast<char>(c);
    }
    std::fclose(tmp);
    return text;
}

#endif
