/*
 * weft.hpp: a thin, header-only C++17 binding over weft.h (Python's threading, queue and
 * concurrent.futures for C). See bindings/cpp/README.md.
 *
 * Every class is a handle: copying it adds a reference to the same object (weft_<type>_clone),
 * moving it steals the reference, destroying it drops one (weft_<type>_free). Methods are const
 * because they never change the handle, only the object it refers to (as with std::shared_ptr).
 * A moved-from handle is empty: its calls throw weft::Error(WEFT_STATUS_NULL_ARGUMENT), its
 * queries return false or 0.
 *
 * Errors: every status other than WEFT_STATUS_OK throws weft::Error, except where Python returns
 * False (a timed-out acquire, wait or join), which returns false. A wait ended by the calling
 * thread's cancellation token (weft::CancelToken) throws weft::Interrupted, a weft::Error.
 */
#ifndef WEFT_HPP
#define WEFT_HPP

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <exception>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "weft.h"

namespace weft {

/// A weft call failed: `status()` says how, `what()` is `weft_status_str(status())`, CPython's
/// message where CPython raises for the same misuse.
class Error : public std::runtime_error {
public:
    explicit Error(weft_status status)
        : std::runtime_error(weft_status_str(static_cast<int>(status))), status_(status) {}

    /// The status the call returned.
    weft_status status() const noexcept { return status_; }

private:
    weft_status status_;
};

/// A blocking call was ended by the calling thread's cancellation token
/// (`WEFT_STATUS_INTERRUPTED`; see `CancelToken`). Java: `InterruptedException`.
class Interrupted : public Error {
public:
    Interrupted() : Error(WEFT_STATUS_INTERRUPTED) {}
};

/// A timeout: double seconds as in Python (`-1.0` is `forever`; NaN and other negative values
/// throw `WEFT_STATUS_INVALID_TIMEOUT`), or a `std::chrono::duration`, where a negative one means
/// "do not wait", as in the standard library. Above `WEFT_TIMEOUT_MAX` throws
/// `WEFT_STATUS_TIMEOUT_TOO_LARGE`.
class Timeout {
public:
    constexpr Timeout(double seconds) noexcept : seconds_(seconds) {}

    template <class Rep, class Period>
    constexpr Timeout(std::chrono::duration<Rep, Period> duration) noexcept
        : seconds_(duration < duration.zero()
                       ? 0.0
                       : std::chrono::duration<double>(duration).count()) {}

    /// The timeout as weft.h takes it.
    constexpr double seconds() const noexcept { return seconds_; }

private:
    double seconds_;
};

/// Wait without limit (Python's `None`).
inline constexpr Timeout forever{WEFT_TIMEOUT_FOREVER};

/// Tags a constructor that takes over a reference to a C handle: `weft::Lock lock(weft::adopt,
/// raw)` frees `raw` with `weft_lock_free` when the last copy of `lock` goes.
struct adopt_t {
    explicit adopt_t() = default;
};
inline constexpr adopt_t adopt{};

namespace detail {

/// Throws `Error(status)` (`Interrupted` for `WEFT_STATUS_INTERRUPTED`) unless it is
/// `WEFT_STATUS_OK`.
inline void check(weft_status status) {
    if (status == WEFT_STATUS_INTERRUPTED) {
        throw Interrupted();
    }
    if (status != WEFT_STATUS_OK) {
        throw Error(status);
    }
}

/// Python's result of an acquire, wait or join: true for OK, false for TIMEOUT; throws otherwise.
inline bool check_timed(weft_status status) {
    if (status == WEFT_STATUS_TIMEOUT) {
        return false;
    }
    check(status);
    return true;
}

/// The exception a synchronous callback (a predicate, a barrier action, a thread-local
/// initializer) threw in this thread, caught before it could unwind through C; the wrapper that
/// made the C call rethrows it when the call returns.
inline thread_local std::exception_ptr callback_error;

/// Rethrows `callback_error`, if set, clearing it.
inline void rethrow_callback_error() {
    if (callback_error) {
        std::rethrow_exception(std::exchange(callback_error, nullptr));
    }
}

/// Prints the exception being handled after `heading`, to stderr, as CPython's excepthook does.
inline void print_exception(const std::string &heading) noexcept {
    try {
        throw;
    } catch (const std::exception &e) {
        std::fprintf(stderr, "%s\n%s\n", heading.c_str(), e.what());
    } catch (...) {
        std::fprintf(stderr, "%s\nunknown exception\n", heading.c_str());
    }
}

/// A `weft_free_fn` for a `T` allocated with `new`.
template <class T>
void destroy(void *object) noexcept {
    delete static_cast<T *>(object);
}

/// Enables a constructor or method for callables taking no argument.
template <class F>
using if_callable = std::enable_if_t<std::is_invocable_v<std::decay_t<F> &>, int>;

/// A callable as weft keeps it: a copy of `F` on the heap, passed as a callback's `void *arg`
/// and freed by `destroy<Boxed<F>>`.
template <class F>
using Boxed = std::decay_t<F>;

/// Moves (or copies) `f` to the heap; the caller releases it once weft owns it.
template <class F>
std::unique_ptr<Boxed<F>> box(F &&f) {
    return std::make_unique<Boxed<F>>(std::forward<F>(f));
}

inline std::string current_thread_name();

/// A `weft_thread_fn` running a boxed callable; an exception is reported as CPython's excepthook
/// reports one ("Exception in thread NAME:") and ends the thread.
template <class F>
void *run_thread(void *body) noexcept {
    try {
        (*static_cast<F *>(body))();
    } catch (...) {
        print_exception("Exception in thread " + current_thread_name() + ":");
    }
    return nullptr;
}

/// A `weft_barrier_action_fn` running a boxed callable; an exception goes to `callback_error`.
template <class F>
void run_action(void *action) noexcept {
    try {
        (*static_cast<F *>(action))();
    } catch (...) {
        callback_error = std::current_exception();
    }
}

/// The owner of a weft handle: copy = `Clone`, move = steal, destructor = `Free`.
template <class T, T *(*Clone)(T *), void (*Free)(T *)>
class Handle {
public:
    /// Takes over one reference to `raw` (for instance from C code).
    Handle(adopt_t, T *raw) noexcept : raw_(raw) {}
    Handle(const Handle &other) noexcept : raw_(Clone(other.raw_)) {}
    Handle(Handle &&other) noexcept : raw_(std::exchange(other.raw_, nullptr)) {}
    Handle &operator=(Handle other) noexcept {
        std::swap(raw_, other.raw_);
        return *this;
    }
    ~Handle() { Free(raw_); }

    /// The C handle, still owned by this object (NULL once moved from).
    T *native_handle() const noexcept { return raw_; }

    /// Gives up the reference: the caller frees it with `weft_<type>_free`.
    T *release_native_handle() noexcept { return std::exchange(raw_, nullptr); }

protected:
    Handle() noexcept = default;

    /// Where a constructor's `weft_<type>_new` writes the new handle (only on success).
    T **out() noexcept { return &raw_; }

private:
    T *raw_ = nullptr;
};

/// The standard Lockable and TimedLockable operations, for `std::lock_guard`,
/// `std::unique_lock`, `std::scoped_lock`, from `Derived::acquire(blocking, timeout)` and
/// `Derived::release()`.
template <class Derived>
class Lockable {
public:
    void lock() const { self().acquire(); }
    void unlock() const { self().release(); }
    bool try_lock() const { return self().acquire(false); }

    template <class Rep, class Period>
    bool try_lock_for(const std::chrono::duration<Rep, Period> &timeout) const {
        return self().acquire(true, timeout);
    }

    template <class Clock, class Duration>
    bool try_lock_until(const std::chrono::time_point<Clock, Duration> &deadline) const {
        return try_lock_for(deadline - Clock::now());
    }

private:
    const Derived &self() const { return static_cast<const Derived &>(*this); }
};

} // namespace detail

/// Python's `threading.Lock`: not reentrant, released by any thread. Lockable.
class Lock : public detail::Handle<weft_lock, weft_lock_clone, weft_lock_free>,
             public detail::Lockable<Lock> {
public:
    using Handle::Handle;

    /// A new, unlocked lock. Python: `Lock()`.
    Lock() { detail::check(weft_lock_new(out())); }

    /// Python: `acquire(blocking=True, timeout=-1)`; false if not acquired.
    bool acquire(bool blocking = true, Timeout timeout = forever) const {
        return detail::check_timed(
            weft_lock_acquire(native_handle(), blocking, timeout.seconds()));
    }

    /// Python: `release()`; throws `WEFT_STATUS_RELEASE_UNLOCKED` if not locked.
    void release() const { detail::check(weft_lock_release(native_handle())); }

    /// Python: `locked()`.
    bool locked() const noexcept { return weft_lock_locked(native_handle()); }
};

/// Python's `threading.RLock`: the owner may acquire it again and must release it as often.
/// Lockable.
class RLock : public detail::Handle<weft_rlock, weft_rlock_clone, weft_rlock_free>,
              public detail::Lockable<RLock> {
public:
    using Handle::Handle;

    /// A new, unowned reentrant lock. Python: `RLock()`.
    RLock() { detail::check(weft_rlock_new(out())); }

    /// Python: `acquire(blocking=True, timeout=-1)`; false if not acquired.
    bool acquire(bool blocking = true, Timeout timeout = forever) const {
        return detail::check_timed(
            weft_rlock_acquire(native_handle(), blocking, timeout.seconds()));
    }

    /// Python: `release()`; throws `WEFT_STATUS_NOT_OWNER` unless the caller owns it.
    void release() const { detail::check(weft_rlock_release(native_handle())); }

    /// Python: `locked()` (3.14).
    bool locked() const noexcept { return weft_rlock_locked(native_handle()); }

    /// Python: `_is_owned()`.
    bool is_owned() const noexcept { return weft_rlock_is_owned(native_handle()); }

    /// Python: `_recursion_count()`.
    std::size_t recursion_count() const noexcept {
        return weft_rlock_recursion_count(native_handle());
    }
};

/// Python's `threading.Condition`, over its own RLock or a given Lock or RLock. Lockable (its
/// lock), so `std::lock_guard<weft::Condition>` is Python's `with cond:`.
class Condition
    : public detail::Handle<weft_condition, weft_condition_clone, weft_condition_free>,
      public detail::Lockable<Condition> {
public:
    using Handle::Handle;

    /// Python: `Condition()`, over a new RLock.
    Condition() { detail::check(weft_condition_new(out())); }

    /// Python: `Condition(lock)`; the condition keeps its own reference to the lock.
    explicit Condition(const Lock &lock) {
        detail::check(weft_condition_new_with_lock(lock.native_handle(), out()));
    }

    /// Python: `Condition(rlock)`.
    explicit Condition(const RLock &lock) {
        detail::check(weft_condition_new_with_rlock(lock.native_handle(), out()));
    }

    /// Acquires the lock. Python: `acquire(blocking=True, timeout=-1)`.
    bool acquire(bool blocking = true, Timeout timeout = forever) const {
        return detail::check_timed(
            weft_condition_acquire(native_handle(), blocking, timeout.seconds()));
    }

    /// Releases the lock. Python: `release()`.
    void release() const { detail::check(weft_condition_release(native_handle())); }

    /// Python: `wait(timeout=None)`: false if not notified in time; the lock is held again
    /// either way. Throws `WEFT_STATUS_WAIT_UNACQUIRED` without the lock.
    bool wait(Timeout timeout = forever) const {
        return detail::check_timed(weft_condition_wait(native_handle(), timeout.seconds()));
    }

    /// Python: `wait_for(predicate, timeout=None)`: waits until `predicate()` is true, and
    /// returns its last result. An exception from the predicate propagates, the lock held.
    template <class Predicate>
    bool wait_for(Predicate &&predicate, Timeout timeout = forever) const {
        using P = std::remove_reference_t<Predicate>; // const included
        auto call = [](void *arg) noexcept -> bool {
            try {
                return static_cast<bool>((*static_cast<P *>(arg))());
            } catch (...) {
                detail::callback_error = std::current_exception();
                return true; // stop waiting
            }
        };
        void *arg = const_cast<void *>(static_cast<const void *>(&predicate));
        bool result = false;
        weft_status status =
            weft_condition_wait_for(native_handle(), call, arg, timeout.seconds(), &result);
        detail::rethrow_callback_error();
        detail::check(status);
        return result;
    }

    /// Python: `notify(n=1)`. Throws `WEFT_STATUS_NOTIFY_UNACQUIRED` without the lock.
    void notify(std::size_t n = 1) const {
        detail::check(weft_condition_notify(native_handle(), n));
    }

    /// Python: `notify_all()`.
    void notify_all() const { detail::check(weft_condition_notify_all(native_handle())); }
};

/// Python's `threading.Event`.
class Event : public detail::Handle<weft_event, weft_event_clone, weft_event_free> {
public:
    using Handle::Handle;

    /// A new event, not set. Python: `Event()`.
    Event() { detail::check(weft_event_new(out())); }

    /// Python: `set()`.
    void set() const { detail::check(weft_event_set(native_handle())); }

    /// Python: `clear()`.
    void clear() const { detail::check(weft_event_clear(native_handle())); }

    /// Python: `is_set()`.
    bool is_set() const noexcept { return weft_event_is_set(native_handle()); }

    /// Python: `wait(timeout=None)`: false if the timeout passed first.
    bool wait(Timeout timeout = forever) const {
        return detail::check_timed(weft_event_wait(native_handle(), timeout.seconds()));
    }
};

/// Python's `threading.Semaphore`. Lockable (one permit), as Python's `with semaphore:`.
class Semaphore
    : public detail::Handle<weft_semaphore, weft_semaphore_clone, weft_semaphore_free>,
      public detail::Lockable<Semaphore> {
public:
    using Handle::Handle;

    /// Python: `Semaphore(value=1)`; throws `WEFT_STATUS_SEMAPHORE_NEGATIVE` below 0.
    explicit Semaphore(std::int64_t value = 1) : Semaphore(weft_semaphore_new, value) {}

    /// Takes a permit. Python: `acquire(blocking=True, timeout=None)`; false if none came.
    bool acquire(bool blocking = true, Timeout timeout = forever) const {
        return detail::check_timed(
            weft_semaphore_acquire(native_handle(), blocking, timeout.seconds()));
    }

    /// Gives back `n` permits. Python: `release(n=1)`.
    void release(std::size_t n = 1) const {
        detail::check(weft_semaphore_release(native_handle(), n));
    }

protected:
    Semaphore(weft_status (*make)(std::int64_t, weft_semaphore **), std::int64_t value) {
        detail::check(make(value, out()));
    }
};

/// Python's `threading.BoundedSemaphore`: releasing above the initial value throws
/// `WEFT_STATUS_SEMAPHORE_OVER_RELEASE`.
class BoundedSemaphore : public Semaphore {
public:
    explicit BoundedSemaphore(std::int64_t value = 1)
        : Semaphore(weft_bounded_semaphore_new, value) {}
    BoundedSemaphore(adopt_t, weft_semaphore *raw) noexcept : Semaphore(adopt, raw) {}
};

/// Python's `threading.Barrier`.
class Barrier : public detail::Handle<weft_barrier, weft_barrier_clone, weft_barrier_free> {
public:
    using Handle::Handle;

    /// Python: `Barrier(parties, timeout=None)`; throws `WEFT_STATUS_BARRIER_PARTIES` for 0.
    explicit Barrier(std::size_t parties, Timeout timeout = forever) {
        detail::check(
            weft_barrier_new(parties, nullptr, nullptr, nullptr, timeout.seconds(), out()));
    }

    /// Python: `Barrier(parties, action, timeout=None)`: the last thread to arrive calls
    /// `action()` before the others are released. If it throws, that thread's `wait` aborts the
    /// barrier and rethrows (the cycle's other threads are already released: see the README).
    template <class F, detail::if_callable<F> = 0>
    Barrier(std::size_t parties, F &&action, Timeout timeout = forever) {
        auto boxed = detail::box(std::forward<F>(action));
        detail::check(weft_barrier_new(parties, detail::run_action<detail::Boxed<F>>,
                                       boxed.get(), detail::destroy<detail::Boxed<F>>,
                                       timeout.seconds(), out()));
        boxed.release();
    }

    /// Python: `wait(timeout=None)` (`forever`: the barrier's default); returns the arrival
    /// index. Throws `WEFT_STATUS_BROKEN_BARRIER` if broken, reset or timed out.
    std::size_t wait(Timeout timeout = forever) const {
        std::size_t index = 0;
        weft_status status = weft_barrier_wait(native_handle(), timeout.seconds(), &index);
        if (detail::callback_error) {
            abort();
            detail::rethrow_callback_error();
        }
        detail::check(status);
        return index;
    }

    /// Python: `reset()`.
    void reset() const { detail::check(weft_barrier_reset(native_handle())); }

    /// Python: `abort()`.
    void abort() const { detail::check(weft_barrier_abort(native_handle())); }

    /// Python: `broken`.
    bool broken() const noexcept { return weft_barrier_broken(native_handle()); }

    /// Python: `n_waiting`.
    std::size_t n_waiting() const noexcept { return weft_barrier_n_waiting(native_handle()); }

    /// Python: `parties`.
    std::size_t parties() const noexcept { return weft_barrier_parties(native_handle()); }
};

/// Python's `Thread(name=..., daemon=...)` keywords. An empty name gives the default `Thread-N`
/// (as Python's `name or _newname()`); no daemon value inherits the creating thread's flag.
struct ThreadOptions {
    std::string name = {};
    std::optional<bool> daemon = std::nullopt;
};

/// Python's `threading.Thread`, running a callable (moved to the heap, freed after it returns).
/// Not started by the constructor. An exception leaving the callable is printed to stderr as
/// CPython's excepthook prints it ("Exception in thread NAME:" and `what()`) and ends the thread.
class Thread : public detail::Handle<weft_thread, weft_thread_clone, weft_thread_free> {
public:
    using Handle::Handle;

    /// Python: `Thread(target=target, name=..., daemon=...)`.
    template <class F, detail::if_callable<F> = 0>
    explicit Thread(F &&target, const ThreadOptions &options = {}) {
        auto body = detail::box(std::forward<F>(target));
        detail::check(weft_thread_new_named(
            detail::run_thread<detail::Boxed<F>>, body.get(), detail::destroy<detail::Boxed<F>>,
            options.name.empty() ? nullptr : options.name.c_str(), out()));
        body.release();
        if (options.daemon) {
            set_daemon(*options.daemon);
        }
    }

    /// Python: `start()`; throws `WEFT_STATUS_ALREADY_STARTED` the second time.
    void start() const { detail::check(weft_thread_start(native_handle())); }

    /// Python: `join(timeout=None)`; false if the thread is still running.
    bool join(Timeout timeout = forever) const {
        return detail::check_timed(weft_thread_join(native_handle(), timeout.seconds()));
    }

    /// Python: `is_alive()`.
    bool is_alive() const noexcept { return weft_thread_is_alive(native_handle()); }

    /// Python: `name`.
    std::string name() const {
        std::string buf(16, '\0');
        for (;;) {
            std::size_t len = 0;
            detail::check(weft_thread_get_name(native_handle(), buf.data(), buf.size(), &len));
            if (len < buf.size()) {
                buf.resize(len);
                return buf;
            }
            buf.resize(len + 1); // renamed meanwhile, or longer than the buffer: again
        }
    }

    /// Python: `name = name`.
    void set_name(const std::string &name) const {
        detail::check(weft_thread_set_name(native_handle(), name.c_str()));
    }

    /// Python: `daemon`.
    bool daemon() const noexcept { return weft_thread_is_daemon(native_handle()); }

    /// Python: `daemon = daemon`, before `start()` only.
    void set_daemon(bool daemon) const {
        detail::check(weft_thread_set_daemon(native_handle(), daemon));
    }

    /// This thread's stack size in bytes, before `start()` only (0: `weft::stack_size()`).
    void set_stack_size(std::size_t size) const {
        detail::check(weft_thread_set_stack_size(native_handle(), size));
    }

    /// Python: `ident` (0 before start).
    std::uint64_t ident() const noexcept { return weft_thread_ident(native_handle()); }

    /// Python: `native_id` (0 before start).
    std::uint64_t native_id() const noexcept { return weft_thread_native_id(native_handle()); }

    /// Python: `a is b` (handles to one thread may differ).
    friend bool operator==(const Thread &a, const Thread &b) noexcept {
        return weft_thread_is(a.native_handle(), b.native_handle());
    }
    friend bool operator!=(const Thread &a, const Thread &b) noexcept { return !(a == b); }

protected:
    Thread() noexcept = default;
};

/// Python's `threading.Timer`: a thread that calls `function()` after `interval`, unless
/// cancelled first. Named and configured as any Thread.
class Timer : public Thread {
public:
    Timer(adopt_t, weft_thread *raw) noexcept : Thread(adopt, raw) {}

    /// Python: `Timer(interval, function)`.
    template <class F, detail::if_callable<F> = 0>
    Timer(Timeout interval, F &&function) {
        auto body = detail::box(std::forward<F>(function));
        detail::check(weft_timer_new(interval.seconds(), detail::run_thread<detail::Boxed<F>>,
                                     body.get(), detail::destroy<detail::Boxed<F>>, out()));
        body.release();
    }

    /// Python: `cancel()`.
    void cancel() const { detail::check(weft_timer_cancel(native_handle())); }
};

namespace detail {

/// A returned handle that is NULL only on an internal error.
inline weft_thread *non_null(weft_thread *thread) {
    if (thread == nullptr) {
        throw Error(WEFT_STATUS_PANIC);
    }
    return thread;
}

} // namespace detail

/// Python: `threading.current_thread()`.
inline Thread current_thread() { return Thread(adopt, detail::non_null(weft_current_thread())); }

/// Python: `threading.main_thread()`.
inline Thread main_thread() { return Thread(adopt, detail::non_null(weft_main_thread())); }

/// Python: `threading.enumerate()`.
inline std::vector<Thread> enumerate() {
    weft_thread **array = nullptr;
    std::size_t count = 0;
    detail::check(weft_enumerate(&array, &count));
    std::vector<Thread> threads;
    try {
        threads.reserve(count);
        for (std::size_t i = 0; i < count; i++) {
            threads.emplace_back(adopt, weft_thread_clone(array[i]));
        }
    } catch (...) {
        weft_thread_array_free(array, count);
        throw;
    }
    weft_thread_array_free(array, count);
    return threads;
}

/// Python: `threading.active_count()`.
inline std::size_t active_count() noexcept { return weft_active_count(); }

/// Python: `threading.get_ident()`.
inline std::uint64_t get_ident() noexcept { return weft_get_ident(); }

/// Python: `threading.get_native_id()`.
inline std::uint64_t get_native_id() noexcept { return weft_get_native_id(); }

/// Python: `threading.stack_size()`.
inline std::size_t stack_size() noexcept { return weft_stack_size_get(); }

/// Python: `threading.stack_size(size)`: returns the previous setting.
inline std::size_t stack_size(std::size_t size) {
    std::size_t previous = 0;
    detail::check(weft_stack_size(size, &previous));
    return previous;
}

inline std::string detail::current_thread_name() { return current_thread().name(); }

/// Python's `threading.local`, holding one `T` per thread, made by `init()` on a thread's
/// first `get()` (default: `T()`) and destroyed when replaced, when its thread exits, or with the
/// last handle. If `init()` throws, `get()` rethrows it and the thread has no value (later
/// `get()`s throw `WEFT_STATUS_WRONG_STATE`) until it calls `set()`.
template <class T>
class Local : public detail::Handle<weft_local, weft_local_clone, weft_local_free> {
public:
    using Handle::Handle;

    /// A local whose values start as `T()`.
    Local() : Local([] { return T(); }) {}

    /// A local whose values start as `init()`, called in each thread on its first `get()`.
    template <class F, detail::if_callable<F> = 0>
    explicit Local(F &&init) {
        using Init = detail::Boxed<F>;
        auto boxed = detail::box(std::forward<F>(init));
        auto make = [](void *arg) noexcept -> void * {
            try {
                return new T((*static_cast<Init *>(arg))());
            } catch (...) {
                detail::callback_error = std::current_exception();
                return nullptr;
            }
        };
        detail::check(weft_local_new(make, boxed.get(), detail::destroy<Init>,
                                     detail::destroy<T>, out()));
        boxed.release();
    }

    /// The calling thread's value (made now if it has none), valid until replaced by `set()` or
    /// until the thread exits.
    T &get() const {
        void *value = nullptr;
        weft_status status = weft_local_get(native_handle(), &value);
        detail::rethrow_callback_error();
        detail::check(status);
        if (value == nullptr) {
            throw Error(WEFT_STATUS_WRONG_STATE);
        }
        return *static_cast<T *>(value);
    }

    T &operator*() const { return get(); }
    T *operator->() const { return &get(); }

    /// Replaces the calling thread's value.
    void set(T value) const {
        auto boxed = std::make_unique<T>(std::move(value));
        detail::check(weft_local_set(native_handle(), boxed.get()));
        boxed.release();
    }

    /// Whether the calling thread has a value (Python: `hasattr`), without making one.
    bool is_set() const noexcept { return weft_local_is_set(native_handle()); }
};

/// Python's `queue.Queue` of `T` values (each moved to the heap while queued). `put` and `get`
/// throw `WEFT_STATUS_FULL`, `WEFT_STATUS_EMPTY` and `WEFT_STATUS_SHUT_DOWN` where Python raises
/// `queue.Full`, `queue.Empty` and `queue.ShutDown`. Items left in the queue are destroyed with
/// it, or by an immediate shutdown.
template <class T>
class Queue : public detail::Handle<weft_queue, weft_queue_clone, weft_queue_free> {
public:
    using Handle::Handle;

    /// Python: `Queue(maxsize=0)` (0: unbounded).
    explicit Queue(std::size_t maxsize = 0) : Queue(WEFT_QUEUE_FIFO, maxsize) {}

    /// Python: `put(item, block=True, timeout=None)`.
    void put(T item, bool block = true, Timeout timeout = forever) const {
        auto boxed = std::make_unique<T>(std::move(item));
        detail::check(weft_queue_put(native_handle(), boxed.get(), block, timeout.seconds()));
        boxed.release();
    }

    /// Python: `get(block=True, timeout=None)`.
    T get(bool block = true, Timeout timeout = forever) const {
        void *item = nullptr;
        detail::check(weft_queue_get(native_handle(), block, timeout.seconds(), &item));
        return std::move(*std::unique_ptr<T>(static_cast<T *>(item)));
    }

    /// Python: `task_done()`.
    void task_done() const { detail::check(weft_queue_task_done(native_handle())); }

    /// Python: `join()`, with a timeout: false if tasks are still unfinished.
    bool join(Timeout timeout = forever) const {
        return detail::check_timed(weft_queue_join(native_handle(), timeout.seconds()));
    }

    /// Python 3.13: `shutdown(immediate=False)`; an immediate shutdown destroys the items.
    void shutdown(bool immediate = false) const {
        detail::check(weft_queue_shutdown(native_handle(), immediate, nullptr, nullptr));
    }

    /// Python 3.13: `is_shutdown`.
    bool is_shutdown() const noexcept { return weft_queue_is_shutdown(native_handle()); }

    /// Python: `qsize()`.
    std::size_t qsize() const noexcept { return weft_queue_qsize(native_handle()); }

    /// Python: `empty()`.
    bool empty() const noexcept { return weft_queue_empty(native_handle()); }

    /// Python: `full()`.
    bool full() const noexcept { return weft_queue_full(native_handle()); }

    /// Python: `maxsize`.
    std::size_t maxsize() const noexcept { return weft_queue_maxsize(native_handle()); }

    /// Python: `unfinished_tasks`.
    std::size_t unfinished_tasks() const noexcept {
        return weft_queue_unfinished_tasks(native_handle());
    }

protected:
    Queue(weft_queue_kind kind, std::size_t maxsize) {
        detail::check(weft_queue_new(kind, maxsize, detail::destroy<T>, out()));
    }
};

/// Python's `queue.LifoQueue`.
template <class T>
class LifoQueue : public Queue<T> {
public:
    explicit LifoQueue(std::size_t maxsize = 0) : Queue<T>(WEFT_QUEUE_LIFO, maxsize) {}
};

/// Python's `queue.PriorityQueue`: lowest priority first, first in first out among equals.
template <class T>
class PriorityQueue : public Queue<T> {
public:
    explicit PriorityQueue(std::size_t maxsize = 0) : Queue<T>(WEFT_QUEUE_PRIORITY, maxsize) {}

    /// Python: `put((priority, item), block=True, timeout=None)`.
    void put(T item, std::int64_t priority, bool block = true, Timeout timeout = forever) const {
        auto boxed = std::make_unique<T>(std::move(item));
        detail::check(weft_queue_put_priority(this->native_handle(), boxed.get(), priority, block,
                                              timeout.seconds()));
        boxed.release();
    }
};

/// Python's `queue.SimpleQueue`: unbounded, without task tracking.
template <class T>
class SimpleQueue : public Queue<T> {
public:
    SimpleQueue() : Queue<T>(WEFT_QUEUE_SIMPLE, 0) {}
};

namespace detail {

/// What a task left: its value or its exception, shared by the task and its futures.
template <class R>
struct Outcome {
    std::optional<R> value;
    std::exception_ptr error;

    template <class F>
    void run(F &f) {
        value.emplace(f());
    }
};

template <>
struct Outcome<void> {
    std::exception_ptr error;

    template <class F>
    void run(F &f) {
        f();
    }
};

/// A submitted callable and where its outcome goes.
template <class F, class R>
struct Task {
    F f;
    std::shared_ptr<Outcome<R>> outcome;

    /// A `weft_task_fn`: an exception is kept for `Future::result` and fails the task.
    static int run(void *arg, void ** /* result_out: the outcome holds it */) noexcept {
        auto *task = static_cast<Task *>(arg);
        try {
            task->outcome->run(task->f);
            return 0;
        } catch (...) {
            task->outcome->error = std::current_exception();
            return 1;
        }
    }
};

/// `Future<R>::result`'s return type.
template <class R>
struct ResultOf {
    using type = const R &;
};

template <>
struct ResultOf<void> {
    using type = void;
};

} // namespace detail

class ThreadPool;

/// Python's `concurrent.futures.Future` of a task returning `R`.
template <class R>
class Future : public detail::Handle<weft_future, weft_future_clone, weft_future_free> {
public:
    /// Python: `result(timeout=None)`: the task's value (kept in the future), or its exception
    /// rethrown. Throws `WEFT_STATUS_TIMEOUT` (Python's `TimeoutError`),
    /// `WEFT_STATUS_CANCELLED`, `WEFT_STATUS_POOL_BROKEN`.
    typename detail::ResultOf<R>::type result(Timeout timeout = forever) const {
        void *ignored = nullptr;
        weft_status status = weft_future_result(native_handle(), timeout.seconds(), &ignored);
        if (status == WEFT_STATUS_TASK_FAILED) {
            std::rethrow_exception(outcome_->error);
        }
        detail::check(status);
        if constexpr (std::is_void_v<R>) {
            return;
        } else {
            return *outcome_->value;
        }
    }

    /// Python: `exception(timeout=None)`: the task's exception, null if it succeeded.
    std::exception_ptr exception(Timeout timeout = forever) const {
        int code = 0;
        weft_status status = weft_future_exception(native_handle(), timeout.seconds(), &code);
        if (status == WEFT_STATUS_POOL_BROKEN) {
            return std::make_exception_ptr(Error(status));
        }
        detail::check(status);
        return code == 0 ? nullptr : outcome_->error;
    }

    /// Python: `cancel()`.
    bool cancel() const noexcept { return weft_future_cancel(native_handle()); }

    /// Python: `cancelled()`.
    bool cancelled() const noexcept { return weft_future_cancelled(native_handle()); }

    /// Python: `running()`.
    bool running() const noexcept { return weft_future_running(native_handle()); }

    /// Python: `done()`.
    bool done() const noexcept { return weft_future_done(native_handle()); }

private:
    friend class ThreadPool;

    Future(weft_future *raw, std::shared_ptr<detail::Outcome<R>> outcome) noexcept
        : Handle(adopt, raw), outcome_(std::move(outcome)) {}

    std::shared_ptr<detail::Outcome<R>> outcome_;
};

/// Python's `concurrent.futures.ThreadPoolExecutor`. Dropping the last handle shuts the pool
/// down without waiting (queued tasks still run); call `shutdown()` to wait.
class ThreadPool : public detail::Handle<weft_pool, weft_pool_clone, weft_pool_free> {
public:
    using Handle::Handle;

    /// Python: `ThreadPoolExecutor(max_workers, thread_name_prefix)`; 0 workers: the default.
    explicit ThreadPool(std::size_t max_workers = 0, const std::string &thread_name_prefix = "") {
        detail::check(weft_pool_new(max_workers, thread_name_prefix.c_str(), nullptr, nullptr,
                                    nullptr, out()));
    }

    /// Python: `ThreadPoolExecutor(max_workers, thread_name_prefix, initializer)`: if
    /// `initializer()` throws in a worker, it is printed ("Exception in initializer:") and the
    /// pool is broken (`WEFT_STATUS_POOL_BROKEN`).
    template <class F, detail::if_callable<F> = 0>
    ThreadPool(std::size_t max_workers, const std::string &thread_name_prefix, F &&initializer) {
        using Init = detail::Boxed<F>;
        auto boxed = detail::box(std::forward<F>(initializer));
        auto init = [](void *arg) noexcept -> int {
            try {
                (*static_cast<Init *>(arg))();
                return 0;
            } catch (...) {
                detail::print_exception("Exception in initializer:");
                return 1;
            }
        };
        detail::check(weft_pool_new(max_workers, thread_name_prefix.c_str(), init, boxed.get(),
                                    detail::destroy<Init>, out()));
        boxed.release();
    }

    /// Python: `submit(fn)`: runs `task()` on a worker; its value or exception goes to the
    /// future.
    template <class F, detail::if_callable<F> = 0>
    auto submit(F &&task) const {
        using R = std::decay_t<std::invoke_result_t<detail::Boxed<F> &>>;
        using Task = detail::Task<detail::Boxed<F>, R>;
        auto outcome = std::make_shared<detail::Outcome<R>>();
        auto boxed = std::unique_ptr<Task>(new Task{std::forward<F>(task), outcome});
        weft_future *future = nullptr;
        detail::check(weft_pool_submit(native_handle(), Task::run, boxed.get(),
                                       detail::destroy<Task>, &future));
        boxed.release();
        return Future<R>(future, std::move(outcome));
    }

    /// Python: `shutdown(wait=True, cancel_futures=False)`.
    void shutdown(bool wait = true, bool cancel_futures = false) const {
        detail::check(weft_pool_shutdown(native_handle(), wait, cancel_futures));
    }

    /// Python: `_max_workers`.
    std::size_t max_workers() const noexcept { return weft_pool_max_workers(native_handle()); }
};

/// A cancellation token (`weft_cancel`; Java: a thread's interrupt status, Go: a context's
/// cancellation): a thread installs it for its waits (`install()`, or a `CancelScope`); any
/// thread sets it with `set()`, and every blocking call of every thread that installed it throws
/// `Interrupted`, at once. Sticky until `reset()`; a call that need not wait proceeds as usual.
/// What an interrupted call leaves is what its timeout would (a Condition's lock is held again,
/// a Barrier is broken). See `weft_cancel` in weft.h.
class CancelToken : public detail::Handle<weft_cancel, weft_cancel_clone, weft_cancel_free> {
public:
    using Handle::Handle;

    /// A new token, not set.
    CancelToken() { detail::check(weft_cancel_new(out())); }

    /// Sets it: the waits of every thread that installed it throw `Interrupted`. Java:
    /// `thread.interrupt()`. The C call is async-signal-safe (a signal handler may call
    /// `weft_cancel_set(token.native_handle())`).
    void set() const { detail::check(weft_cancel_set(native_handle())); }

    /// Clears it: waits wait again.
    void reset() const { detail::check(weft_cancel_reset(native_handle())); }

    /// Whether it is set.
    bool is_set() const noexcept { return weft_cancel_is_set(native_handle()); }

    /// Installs it for the calling thread's waits, replacing the thread's token.
    void install() const { detail::check(weft_cancel_install(native_handle())); }

    /// Removes the calling thread's token: its waits are no longer ended by one.
    static void uninstall() { detail::check(weft_cancel_install(nullptr)); }

    /// The calling thread's token, if it installed one.
    static std::optional<CancelToken> installed() {
        weft_cancel *raw = weft_cancel_installed();
        if (raw == nullptr) {
            return std::nullopt;
        }
        return CancelToken(adopt, raw);
    }
};

/// Installs a token for the calling thread's waits for the scope's lifetime, then puts back the
/// token the thread had before (or none).
class CancelScope {
public:
    explicit CancelScope(const CancelToken &token) : previous_(CancelToken::installed()) {
        token.install();
    }
    CancelScope(const CancelScope &) = delete;
    CancelScope &operator=(const CancelScope &) = delete;
    ~CancelScope() {
        (void)weft_cancel_install(previous_ ? previous_->native_handle() : nullptr);
    }

private:
    std::optional<CancelToken> previous_;
};

/// Whether the calling thread's token is set (false without one): the check running code makes
/// to stop early. Java: `Thread.currentThread().isInterrupted()`.
inline bool cancelled() noexcept { return weft_cancelled(); }

} // namespace weft

#endif // WEFT_HPP
