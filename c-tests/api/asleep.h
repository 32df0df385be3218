/*
 * wait_until_asleep(tid): for the programs that must act once another thread is blocked in
 * weft (not just spinning on its way there), from C and C++; now(): how long such a wait took.
 */
#ifndef WEFT_ASLEEP_H
#define WEFT_ASLEEP_H

#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

/* The monotonic clock, in seconds. */
static inline double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Waits until the thread with kernel id `tid` sleeps in the kernel (state S in
 * /proc/self/task/<tid>/stat): blocked in weft, it has parked, not just spun. Returns at once if
 * the thread is gone (the checks that follow will say). */
static inline void wait_until_asleep(uint64_t tid) {
    char path[64];
    snprintf(path, sizeof path, "/proc/self/task/%llu/stat", (unsigned long long)tid);
    for (;;) {
        char stat[512] = {0};
        FILE *f = fopen(path, "r");
        if (f == NULL) {
            return;
        }
        size_t n = fread(stat, 1, sizeof stat - 1, f);
        fclose(f);
        stat[n] = '\0';
        const char *end = strrchr(stat, ')'); /* the name, in parentheses, may hold spaces */
        if (end != NULL && end[1] == ' ' && end[2] == 'S') {
            return;
        }
        sched_yield();
    }
}

#endif
