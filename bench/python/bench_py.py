"""bench_py: the Python-level benchmarks, weft's binding against CPython's own modules.

    bench_py.py list                         every "impl case" pair
    bench_py.py run IMPL CASE N REPEATS      a warm-up run of N/5 operations, then REPEATS timed
                                             runs of N operations

IMPL is `cpython` (threading, queue, concurrent.futures) or `weft` (weft, weft.queue,
weft.futures). Output, as for the C and Rust benchmarks, is one JSON line:
{"impl": ..., "case": ..., "n": N, "ns": [...]} or {"impl": ..., "case": ..., "missing": why}.
"""

import importlib
import json
import sys
import time

QUEUE_CAPACITY = 1024
POOL_WORKERS = 2

MODULES = {
    "cpython": ("threading", "queue", "concurrent.futures"),
    "weft": ("weft", "weft.queue", "weft.futures"),
}


class Impl:
    """The three modules of one implementation: `threading`, `queue`, `futures`; a module that
    cannot be imported is None, and `errors` says why."""

    def __init__(self, name):
        self.errors = {}
        for attr, module in zip(("threading", "queue", "futures"), MODULES[name]):
            try:
                setattr(self, attr, importlib.import_module(module))
            except Exception as e:  # noqa: BLE001 - reported instead of the figure
                setattr(self, attr, None)
                self.errors[attr] = f"{module} not importable ({type(e).__name__}: {e})"


def start_together(threading, targets):
    """Starts one `threading.Thread` per target, all released at once; returns (start_ns,
    threads). The start line itself uses CPython's primitives, whatever is measured."""
    import threading as std

    go = std.Event()
    ready = std.Semaphore(0)

    def wrap(target):
        def run():
            ready.release()
            go.wait()
            target()

        return run

    threads = [threading.Thread(target=wrap(t)) for t in targets]
    for t in threads:
        t.start()
    for _ in targets:
        ready.acquire()
    t0 = time.perf_counter_ns()
    go.set()
    return t0, threads


def case_lock_pair(m, n):
    lock = m.threading.Lock()
    acquire, release = lock.acquire, lock.release
    t0 = time.perf_counter_ns()
    for _ in range(n):
        acquire()
        release()
    return time.perf_counter_ns() - t0


def case_rlock_pair(m, n):
    lock = m.threading.RLock()
    acquire, release = lock.acquire, lock.release
    t0 = time.perf_counter_ns()
    for _ in range(n):
        acquire()
        release()
    return time.perf_counter_ns() - t0


def case_sem_pair(m, n):
    sem = m.threading.Semaphore(1)
    acquire, release = sem.acquire, sem.release
    t0 = time.perf_counter_ns()
    for _ in range(n):
        acquire()
        release()
    return time.perf_counter_ns() - t0


def case_event_pingpong(m, n):
    a, b = m.threading.Event(), m.threading.Event()

    def responder():
        for _ in range(n):
            a.wait()
            a.clear()
            b.set()

    t0, threads = start_together(m.threading, [responder])
    for _ in range(n):
        a.set()
        b.wait()
        b.clear()
    threads[0].join()
    return time.perf_counter_ns() - t0


def case_cond_pingpong(m, n):
    cond = m.threading.Condition(m.threading.Lock())
    turn = [0]

    def responder():
        with cond:
            for _ in range(n):
                while turn[0] != 1:
                    cond.wait()
                turn[0] = 0
                cond.notify()

    t0, threads = start_together(m.threading, [responder])
    with cond:
        for _ in range(n):
            turn[0] = 1
            cond.notify()
            while turn[0] != 0:
                cond.wait()
    threads[0].join()
    return time.perf_counter_ns() - t0


def case_barrier_round(m, n):
    barrier = m.threading.Barrier(2)

    def party():
        for _ in range(n):
            barrier.wait()

    t0, threads = start_together(m.threading, [party])
    party()
    threads[0].join()
    return time.perf_counter_ns() - t0


def case_queue(m, n):
    q = m.queue.Queue(QUEUE_CAPACITY)
    total = [0]

    def producer():
        put = q.put
        for i in range(1, n + 1):
            put(i)
        put(0)

    def consumer():
        get, s = q.get, 0
        while item := get():
            s += item
        total[0] = s

    t0, threads = start_together(m.threading, [producer, consumer])
    for t in threads:
        t.join()
    elapsed = time.perf_counter_ns() - t0
    assert total[0] == n * (n + 1) // 2
    return elapsed


def nothing():
    pass


def case_thread_start_join(m, n):
    Thread = m.threading.Thread
    t0 = time.perf_counter_ns()
    for _ in range(n):
        t = Thread(target=nothing)
        t.start()
        t.join()
    return time.perf_counter_ns() - t0


def case_executor(m, n):
    with m.futures.ThreadPoolExecutor(max_workers=POOL_WORKERS) as pool:
        # Start the workers before the clock, as the C pools are.
        for f in [pool.submit(nothing) for _ in range(POOL_WORKERS * 4)]:
            f.result()
        t0 = time.perf_counter_ns()
        futures = [pool.submit(nothing) for _ in range(n)]
        for f in futures:
            f.result()
        return time.perf_counter_ns() - t0


# name -> (function, the attributes it needs as "module.attr")
CASES = {
    "py_lock_pair": (case_lock_pair, ["threading.Lock"]),
    "py_rlock_pair": (case_rlock_pair, ["threading.RLock"]),
    "py_sem_pair": (case_sem_pair, ["threading.Semaphore"]),
    "py_event_pingpong": (case_event_pingpong, ["threading.Event"]),
    "py_cond_pingpong": (case_cond_pingpong, ["threading.Condition", "threading.Lock"]),
    "py_barrier_round": (case_barrier_round, ["threading.Barrier"]),
    "py_queue": (case_queue, ["queue.Queue"]),
    "py_thread_start_join": (case_thread_start_join, ["threading.Thread"]),
    "py_executor": (case_executor, ["futures.ThreadPoolExecutor"]),
}


def missing(impl, case):
    """Why `case` cannot run on `impl` (None if it can)."""
    m = Impl(impl)
    for need in CASES[case][1]:
        module, attr = need.split(".")
        if module in m.errors:
            return m.errors[module]
        if not hasattr(getattr(m, module), attr):
            return f"{MODULES[impl][0]}: no {need} yet"
    return None


def main(argv):
    if argv[1:] == ["list"]:
        for impl in MODULES:
            for case in CASES:
                print(impl, case)
        return 0
    if len(argv) != 6 or argv[1] != "run":
        print(__doc__, file=sys.stderr)
        return 2
    impl, case, n, repeats = argv[2], argv[3], int(argv[4]), int(argv[5])
    why = missing(impl, case)
    if why:
        print(json.dumps({"impl": impl, "case": case, "missing": why}))
        return 0
    m = Impl(impl)
    import threading

    # As in the C and Rust benchmarks: measure a process that has started a thread.
    t = threading.Thread(target=nothing)
    t.start()
    t.join()
    fn = CASES[case][0]
    fn(m, max(n // 5, 1))
    ns = [fn(m, n) for _ in range(repeats)]
    print(json.dumps({"impl": impl, "case": case, "n": n, "ns": ns}))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
