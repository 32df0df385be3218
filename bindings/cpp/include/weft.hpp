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

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <exception>
#include <future>
#include <iterator>
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

    /// The owning thread's ident (`weft::get_ident()`), 0 while free; a snapshot. Python: the
    /// `owner=` of `repr(rlock)`.
    std::uint64_t owner() const noexcept { return weft_rlock_owner(native_handle()); }
};

/// A reader-writer lock (pthreads: `pthread_rwlock_t`; C++: `std::shared_timed_mutex`): any
/// number of readers, or one writer; writers first, in phases, so neither side starves (see
/// `weft_rwlock`). Each hold belongs to its thread; a thread holding it that asks to write (or,
/// writing, asks again) throws `WEFT_STATUS_DEADLOCK`. SharedTimedLockable and TimedLockable:
/// `std::shared_lock<weft::RWLock>` reads, `std::unique_lock<weft::RWLock>` writes.
class RWLock : public detail::Handle<weft_rwlock, weft_rwlock_clone, weft_rwlock_free>,
               public detail::Lockable<RWLock> {
public:
    using Handle::Handle;

    /// A new, free lock.
    RWLock() { detail::check(weft_rwlock_new(out())); }

    /// Takes the write hold; false if not taken in time (or at once, with `blocking` false).
    bool acquire(bool blocking = true, Timeout timeout = forever) const {
        return detail::check_timed(
            weft_rwlock_acquire_write(native_handle(), blocking, timeout.seconds()));
    }

    /// Gives back the write hold; throws `WEFT_STATUS_NOT_OWNER` unless the caller writes.
    void release() const { detail::check(weft_rwlock_release_write(native_handle())); }

    /// Takes a read hold; false if not taken in time (or at once, with `blocking` false).
    bool acquire_shared(bool blocking = true, Timeout timeout = forever) const {
        return detail::check_timed(
            weft_rwlock_acquire_read(native_handle(), blocking, timeout.seconds()));
    }

    /// Gives back a read hold; throws `WEFT_STATUS_NOT_OWNER` unless the caller reads.
    void release_shared() const { detail::check(weft_rwlock_release_read(native_handle())); }

    void lock_shared() const { acquire_shared(); }
    void unlock_shared() const { release_shared(); }
    bool try_lock_shared() const { return acquire_shared(false); }

    template <class Rep, class Period>
    bool try_lock_shared_for(const std::chrono::duration<Rep, Period> &timeout) const {
        return acquire_shared(true, timeout);
    }

    template <class Clock, class Duration>
    bool try_lock_shared_until(const std::chrono::time_point<Clock, Duration> &deadline) const {
        return try_lock_shared_for(deadline - Clock::now());
    }
};

/// An initializer run exactly once across threads (C++: `std::once_flag` with
/// `std::call_once`; pthreads: `pthread_once_t`). Neither copyable nor movable: threads share it
/// by reference, as a `static` or a member.
class Once {
public:
    Once() noexcept = default;
    Once(const Once &) = delete;
    Once &operator=(const Once &) = delete;

    /// Runs `f()` unless a run already succeeded; waits while another thread runs it. An
    /// exception `f` throws leaves it not done (the next caller runs its own `f`) and is
    /// rethrown here, as with `std::call_once`.
    template <class F, detail::if_callable<F> = 0>
    void call(F &&f) {
        auto run = [](void *arg) -> int {
            try {
                (*static_cast<std::remove_reference_t<F> *>(arg))();
                return 0;
            } catch (...) {
                detail::callback_error = std::current_exception();
                return 1;
            }
        };
        weft_status status = weft_once_call(&once_, run, &f);
        detail::rethrow_callback_error();
        detail::check(status);
    }

    /// Whether a run has succeeded (final once true).
    bool done() const noexcept { return weft_once_done(&once_); }

private:
    weft_once once_ = WEFT_ONCE_INIT;
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

    /// The permits free now (a snapshot). Python: `_value`; pthreads: `sem_getvalue`.
    std::size_t value() const noexcept { return weft_semaphore_value(native_handle()); }

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

    /// What the thread's function returned, once it has finished (`pthread_join`'s `retval`;
    /// Python threads have none): for a thread made by C code with `weft_thread_new` and adopted
    /// here. A `weft::Thread` body returns nothing, so its result is `nullptr`. Throws
    /// `WEFT_STATUS_WRONG_STATE` until the thread has finished: `join()` first.
    void *result() const {
        void *value = nullptr;
        detail::check(weft_thread_result(native_handle(), &value));
        return value;
    }

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
/// Waits for every running non-daemon thread other than the caller, as the process does when
/// `main` returns (Python: `threading._shutdown()`, without marking the main thread finished).
/// False if some are still running when `timeout` passes.
inline bool shutdown(Timeout timeout = forever) {
    return detail::check_timed(weft_shutdown(timeout.seconds(), nullptr));
}

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

    /// The threads waiting in `get()` for an item (a snapshot). CPython:
    /// `len(not_empty._waiters)`.
    std::size_t getters() const noexcept { return weft_queue_getters(native_handle()); }

    /// The threads waiting in `put()` for a free slot (a snapshot). CPython:
    /// `len(not_full._waiters)`.
    std::size_t putters() const noexcept { return weft_queue_putters(native_handle()); }

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

/// When `weft::wait` returns. Python: `concurrent.futures.FIRST_COMPLETED`, `FIRST_EXCEPTION`,
/// `ALL_COMPLETED`.
enum class ReturnWhen : weft_return_when {
    first_completed = WEFT_FIRST_COMPLETED,
    first_exception = WEFT_FIRST_EXCEPTION,
    all_completed = WEFT_ALL_COMPLETED,
};

/// How a periodic timer's runs are spaced (`Scheduler::call_every`): `fixed_rate` counts from
/// when each run was due (Java: `scheduleAtFixedRate`), `fixed_delay` from when the previous
/// one ended (`scheduleWithFixedDelay`).
enum class Schedule : weft_schedule_kind {
    fixed_rate = WEFT_FIXED_RATE,
    fixed_delay = WEFT_FIXED_DELAY,
};

template <class R>
class Future;

namespace detail {

/// Makes and reads futures for the classes that create them (a future's constructor is private:
/// a `Future<R>` is always paired with the outcome its task or promise writes).
struct FutureAccess {
    template <class R>
    static Future<R> make(weft_future *raw, std::shared_ptr<Outcome<R>> outcome) noexcept {
        return Future<R>(raw, std::move(outcome));
    }

    template <class R>
    static const std::shared_ptr<Outcome<R>> &outcome(const Future<R> &future) noexcept {
        return future.outcome_;
    }
};

/// An iterator over what `source->next()` hands out (a `std::optional`), until it is empty: a
/// single-pass input iterator, for range `for`.
template <class Source, class V>
class InputIterator {
public:
    using iterator_category = std::input_iterator_tag;
    using value_type = V;
    using difference_type = std::ptrdiff_t;
    using pointer = V *;
    using reference = V &;

    /// The end.
    InputIterator() noexcept = default;

    /// The first value of `source` (its first `next()`).
    explicit InputIterator(const Source *source) : source_(source) { ++*this; }

    V &operator*() { return *current_; }
    V *operator->() { return &*current_; }

    InputIterator &operator++() {
        current_ = source_->next();
        if (!current_) {
            source_ = nullptr;
        }
        return *this;
    }

    friend bool operator==(const InputIterator &a, const InputIterator &b) noexcept {
        return a.source_ == b.source_;
    }
    friend bool operator!=(const InputIterator &a, const InputIterator &b) noexcept {
        return !(a == b);
    }

private:
    const Source *source_ = nullptr;
    std::optional<V> current_;
};

/// Python's `end_time`: when a timeout given for a whole iteration runs out.
class Deadline {
public:
    explicit Deadline(Timeout timeout) : given_(timeout) {
        double seconds = timeout.seconds();
        // Others are passed on as given: forever, those weft refuses, and those so long (over 30
        // years) that `now()` plus them could overflow the clock, for which each step may wait
        // the whole timeout.
        if (seconds >= 0.0 && seconds <= 1e9) {
            at_ = std::chrono::steady_clock::now() +
                  std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                      std::chrono::duration<double>(seconds));
        }
    }

    /// What is left of it.
    Timeout remaining() const {
        if (!at_) {
            return given_;
        }
        return Timeout(*at_ - std::chrono::steady_clock::now());
    }

private:
    Timeout given_;
    std::optional<std::chrono::steady_clock::time_point> at_;
};

/// Boxes `task` with a new outcome and hands it to `submit(run, arg, arg_free, &future)` (a C
/// call that takes over the box on success): `weft_pool_submit`, `weft_scheduler_call_later`.
template <class F, class Submit>
auto submit_task(F &&task, Submit &&submit) {
    using R = std::decay_t<std::invoke_result_t<Boxed<F> &>>;
    using T = Task<Boxed<F>, R>;
    auto outcome = std::make_shared<Outcome<R>>();
    auto boxed = std::unique_ptr<T>(new T{std::forward<F>(task), outcome});
    weft_future *future = nullptr;
    check(submit(T::run, boxed.get(), destroy<T>, &future));
    boxed.release();
    return FutureAccess::make<R>(future, std::move(outcome));
}

} // namespace detail

/// Python's `concurrent.futures.Future` of a task returning `R` (`void` for none): made by
/// `ThreadPool::submit`, `Scheduler::call_later`/`call_every`, or a `Promise<R>`. Copies are the
/// same future, as `std::shared_future`.
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

    /// Python: `cancel()`: false once the task runs (see `interrupt()`).
    bool cancel() const noexcept { return weft_future_cancel(native_handle()); }

    /// Java: `cancel(true)` for a running task (`weft_future_interrupt`): for the rest of the
    /// task's run, `weft::cancelled()` is true in it and its waits throw `Interrupted`; the
    /// future ends with what the task returns or throws, not cancelled. Returns whether the
    /// task was running (false if pending: `cancel()` it; done; or a `Promise`'s).
    bool interrupt() const noexcept { return weft_future_interrupt(native_handle()); }

    /// Python: `cancelled()`.
    bool cancelled() const noexcept { return weft_future_cancelled(native_handle()); }

    /// Python: `running()`.
    bool running() const noexcept { return weft_future_running(native_handle()); }

    /// Python: `done()`.
    bool done() const noexcept { return weft_future_done(native_handle()); }

    /// Python: `add_done_callback(fn)`: calls `fn(future)` (a `const Future<R> &`) once the
    /// future is done, in the thread that completes it (a worker, the scheduler's thread, the
    /// canceller or the promise's setter), or now, in this thread, if it is done already. The
    /// callable is moved (or copied) to the heap and destroyed after its call. An exception from
    /// it is printed to stderr ("exception calling callback for future:" and `what()`, as
    /// CPython logs one) and does not keep the other callbacks from running.
    template <class F, std::enable_if_t<std::is_invocable_v<std::decay_t<F> &, const Future &>,
                                        int> = 0>
    void add_done_callback(F &&fn) const {
        struct Callback {
            std::decay_t<F> fn;
            std::shared_ptr<detail::Outcome<R>> outcome;
        };
        auto call = [](weft_future *raw, void *arg) noexcept {
            std::unique_ptr<Callback> callback(static_cast<Callback *>(arg));
            try {
                // The handle is borrowed for the call: this copy takes a reference of its own.
                const Future self(weft_future_clone(raw), callback->outcome);
                callback->fn(self);
            } catch (...) {
                detail::print_exception("exception calling callback for future:");
            }
        };
        auto callback = std::unique_ptr<Callback>(new Callback{std::forward<F>(fn), outcome_});
        detail::check(weft_future_add_done_callback(native_handle(), call, callback.get()));
        callback.release();
    }

private:
    friend struct detail::FutureAccess;

    Future(weft_future *raw, std::shared_ptr<detail::Outcome<R>> outcome) noexcept
        : Handle(adopt, raw), outcome_(std::move(outcome)) {}

    std::shared_ptr<detail::Outcome<R>> outcome_;
};

/// The setter side of a future that no task completes (Python: `concurrent.futures.Future()`
/// made by hand; C++: `std::promise`): `get_future()`, then `set_value` or `set_exception` once.
/// Copies share the promise. If the last copy goes before a value or exception was set, the
/// future fails with `std::future_error(std::future_errc::broken_promise)`, as `std::promise`'s
/// does, unless it was cancelled.
template <class R>
class Promise {
public:
    /// A promise with a new pending future (`weft_future_new`).
    Promise() {
        weft_future *raw = nullptr;
        detail::check(weft_future_new(&raw));
        state_ = std::make_shared<State>(
            detail::FutureAccess::make<R>(raw, std::make_shared<detail::Outcome<R>>()));
    }

    /// The future (std::promise: `get_future()`; here as often as asked: the same future).
    Future<R> get_future() const { return state_->future; }

    /// Python: `set_running_or_notify_cancel()`: true if the work should go ahead (the future is
    /// running now and can no longer be cancelled), false if it was cancelled (do not do it).
    /// Throws `WEFT_STATUS_WRONG_STATE` if it is running or done already.
    bool set_running_or_notify_cancel() const {
        weft_status status =
            weft_future_set_running_or_notify_cancel(state_->future.native_handle());
        if (status == WEFT_STATUS_CANCELLED) {
            return false;
        }
        detail::check(status);
        return true;
    }

    /// Python: `set_result(value)` (std::promise: `set_value`; `set_value()` for `void`). The
    /// future's waiters wake and its callbacks run now, in this thread. Throws
    /// `WEFT_STATUS_INVALID_STATE_FINISHED` if a value or exception was set already,
    /// `WEFT_STATUS_INVALID_STATE_CANCELLED` if the future was cancelled (Python:
    /// `InvalidStateError`; std::promise: `promise_already_satisfied`).
    template <class... V>
    void set_value(V &&...value) const {
        const auto &outcome = claim();
        if constexpr (!std::is_void_v<R>) {
            outcome->value.emplace(std::forward<V>(value)...);
        }
        detail::check(weft_future_set_result(state_->future.native_handle(), nullptr, nullptr));
    }

    /// Python: `set_exception(exception)`: `result()` rethrows `error`. Otherwise as
    /// `set_value`.
    void set_exception(std::exception_ptr error) const {
        claim()->error = std::move(error);
        detail::check(weft_future_set_exception(state_->future.native_handle(), 1));
    }

private:
    struct State {
        Future<R> future;
        /// Set by the first setter: only it writes the outcome, before completing the future.
        std::atomic<bool> claimed{false};

        explicit State(Future<R> f) noexcept : future(std::move(f)) {}
        State(const State &) = delete;
        State &operator=(const State &) = delete;
        ~State() {
            if (!claimed.load(std::memory_order_relaxed)) {
                detail::FutureAccess::outcome(future)->error =
                    std::make_exception_ptr(std::future_error(std::future_errc::broken_promise));
                // Refused if cancelled: nothing to report then.
                (void)weft_future_set_exception(future.native_handle(), 1);
            }
        }
    };

    /// The outcome, for this call alone to write; throws if another setter came first.
    const std::shared_ptr<detail::Outcome<R>> &claim() const {
        // acq_rel: one setter wins; the outcome it writes is published by the weft call.
        if (state_->claimed.exchange(true, std::memory_order_acq_rel)) {
            throw Error(state_->future.cancelled() ? WEFT_STATUS_INVALID_STATE_CANCELLED
                                                   : WEFT_STATUS_INVALID_STATE_FINISHED);
        }
        return detail::FutureAccess::outcome(state_->future);
    }

    std::shared_ptr<State> state_;
};

/// Python's `concurrent.futures.wait`'s result: the futures done, and those not done, each in
/// the order given.
template <class R>
struct DoneAndNotDone {
    std::vector<Future<R>> done;
    std::vector<Future<R>> not_done;
};

/// Python: `concurrent.futures.wait(fs, timeout=None, return_when=ALL_COMPLETED)`: waits at most
/// `timeout` for the condition and returns the futures done and not done either way.
template <class R>
DoneAndNotDone<R> wait(const std::vector<Future<R>> &futures, Timeout timeout = forever,
                       ReturnWhen return_when = ReturnWhen::all_completed) {
    std::vector<weft_future *> raw;
    raw.reserve(futures.size());
    for (const Future<R> &f : futures) {
        raw.push_back(f.native_handle());
    }
    auto done = std::make_unique<bool[]>(futures.size());
    detail::check_timed(weft_futures_wait(raw.data(), raw.size(), timeout.seconds(),
                                          static_cast<weft_return_when>(return_when),
                                          done.get()));
    DoneAndNotDone<R> sets;
    for (std::size_t i = 0; i < futures.size(); i++) {
        (done[i] ? sets.done : sets.not_done).push_back(futures[i]);
    }
    return sets;
}

/// Python: the iterator of `concurrent.futures.as_completed(fs, timeout=None)`: hands out the
/// futures as they complete (those done already first), each once. Iterate with `next()` or a
/// range `for`. `timeout` is for the whole iteration, counted from `as_completed`.
template <class R>
class AsCompleted
    : public detail::Handle<weft_as_completed, weft_as_completed_clone, weft_as_completed_free> {
public:
    /// The next future to complete; empty once every future was handed out. Throws
    /// `WEFT_STATUS_TIMEOUT` (Python: `TimeoutError`) if none completes in what is left of the
    /// timeout.
    std::optional<Future<R>> next() const {
        std::size_t index = 0;
        weft_status status =
            weft_as_completed_next(native_handle(), deadline_.remaining().seconds(), &index);
        if (status == WEFT_STATUS_INVALID_ARGUMENT) {
            return std::nullopt;
        }
        detail::check(status);
        return futures_[index];
    }

    detail::InputIterator<AsCompleted, Future<R>> begin() const {
        return detail::InputIterator<AsCompleted, Future<R>>(this);
    }
    detail::InputIterator<AsCompleted, Future<R>> end() const { return {}; }

private:
    template <class T>
    friend AsCompleted<T> as_completed(std::vector<Future<T>>, Timeout);

    AsCompleted(std::vector<Future<R>> futures, Timeout timeout)
        : futures_(std::move(futures)), deadline_(timeout) {
        std::vector<weft_future *> raw;
        raw.reserve(futures_.size());
        for (const Future<R> &f : futures_) {
            raw.push_back(f.native_handle());
        }
        detail::check(weft_as_completed_new(raw.data(), raw.size(), out()));
    }

    std::vector<Future<R>> futures_;
    detail::Deadline deadline_;
};

/// Python: `concurrent.futures.as_completed(fs, timeout=None)`.
template <class R>
AsCompleted<R> as_completed(std::vector<Future<R>> futures, Timeout timeout = forever) {
    return AsCompleted<R>(std::move(futures), timeout);
}

/// Python: the iterator `executor.map(fn, args, timeout)` returns: the tasks' values in the order
/// of their arguments (`weft_pool_map`). Iterate with `next()` or, for a non-void `R`, a range
/// `for`. The iteration ends at the first task that throws (`next()` rethrows it), is cancelled
/// or is not done within the timeout (which counts from `map`): the tasks not yet handed out
/// are cancelled then, as when the last copy of the iterator goes early.
template <class R>
class Map : public detail::Handle<weft_map, weft_map_clone, weft_map_free> {
public:
    using Value = std::conditional_t<std::is_void_v<R>, bool, R>;

    /// The next task's value (for `void` tasks: `true`); empty once every task was handed out
    /// or the iteration ended. Throws `WEFT_STATUS_TIMEOUT`, `WEFT_STATUS_CANCELLED`,
    /// `WEFT_STATUS_POOL_BROKEN`, or rethrows the task's exception.
    std::optional<Value> next() const {
        void *ignored = nullptr;
        int code = 0;
        weft_status status = weft_map_next(native_handle(), &ignored, &code);
        if (status == WEFT_STATUS_INVALID_ARGUMENT) {
            return std::nullopt;
        }
        // In order: the status is about the next outcome.
        const auto &outcome = (*outcomes_)[next_->fetch_add(1)];
        if (status == WEFT_STATUS_TASK_FAILED) {
            std::rethrow_exception(outcome->error);
        }
        detail::check(status);
        if constexpr (std::is_void_v<R>) {
            return true;
        } else {
            return std::move(*outcome->value);
        }
    }

    detail::InputIterator<Map, Value> begin() const {
        return detail::InputIterator<Map, Value>(this);
    }
    detail::InputIterator<Map, Value> end() const { return {}; }

private:
    friend class ThreadPool;

    Map(weft_map *raw, std::vector<std::shared_ptr<detail::Outcome<R>>> outcomes) noexcept
        : Handle(adopt, raw),
          outcomes_(std::make_shared<std::vector<std::shared_ptr<detail::Outcome<R>>>>(
              std::move(outcomes))),
          next_(std::make_shared<std::atomic<std::size_t>>(0)) {}

    std::shared_ptr<std::vector<std::shared_ptr<detail::Outcome<R>>>> outcomes_;
    /// Shared by copies, as the C iterator is: which outcome the next result is.
    std::shared_ptr<std::atomic<std::size_t>> next_;
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
        return detail::submit_task(std::forward<F>(task),
                                   [this](auto run, void *arg, auto free, weft_future **future) {
                                       return weft_pool_submit(native_handle(), run, arg, free,
                                                               future);
                                   });
    }

    /// Python: `map(fn, args, timeout=None)`: submits `fn(arg)` for each argument now (each
    /// argument moved into its task) and returns the iterator over their values, in order (see
    /// `Map`). Throws as `submit` does, the tasks submitted then cancelled.
    template <class F, class A,
              std::enable_if_t<std::is_invocable_v<std::decay_t<F> &, A &>, int> = 0>
    auto map(F &&fn, std::vector<A> args, Timeout timeout = forever) const {
        using R = std::decay_t<std::invoke_result_t<std::decay_t<F> &, A &>>;
        auto shared = std::make_shared<std::decay_t<F>>(std::forward<F>(fn));
        auto bind = [shared](A arg) { return [shared, arg = std::move(arg)]() mutable {
                                          return (*shared)(arg);
                                      }; };
        using T = detail::Task<std::invoke_result_t<decltype(bind) &, A>, R>;
        std::vector<std::shared_ptr<detail::Outcome<R>>> outcomes;
        std::vector<std::unique_ptr<T>> tasks;
        for (A &arg : args) {
            outcomes.push_back(std::make_shared<detail::Outcome<R>>());
            tasks.push_back(std::unique_ptr<T>(new T{bind(std::move(arg)), outcomes.back()}));
        }
        std::vector<void *> raw;
        for (auto &task : tasks) {
            raw.push_back(task.get());
        }
        weft_map *map = nullptr;
        weft_status status = weft_pool_map(native_handle(), T::run, raw.data(), raw.size(),
                                           detail::destroy<T>, timeout.seconds(), &map);
        // weft owns the tasks once it accepted the call, and frees them itself when the pool
        // refuses one; for the other statuses they are still this call's.
        if (status == WEFT_STATUS_OK || status == WEFT_STATUS_POOL_SHUT_DOWN ||
            status == WEFT_STATUS_POOL_BROKEN || status == WEFT_STATUS_CANT_START_THREAD) {
            for (auto &task : tasks) {
                task.release();
            }
        }
        detail::check(status);
        return Map<R>(map, std::move(outcomes));
    }

    /// `submit(task)` that waits at most `timeout` for room in a full work list
    /// (`set_max_pending`; 0 s: not at all); empty if none came (`task` is then not run).
    /// `weft_pool_submit_timeout`.
    template <class F, detail::if_callable<F> = 0>
    auto try_submit(F &&task, Timeout timeout) const
        -> std::optional<Future<std::decay_t<std::invoke_result_t<detail::Boxed<F> &>>>> {
        using R = std::decay_t<std::invoke_result_t<detail::Boxed<F> &>>;
        using Task = detail::Task<detail::Boxed<F>, R>;
        auto outcome = std::make_shared<detail::Outcome<R>>();
        auto boxed = std::unique_ptr<Task>(new Task{std::forward<F>(task), outcome});
        weft_future *future = nullptr;
        weft_status status = weft_pool_submit_timeout(native_handle(), Task::run, boxed.get(),
                                                      detail::destroy<Task>, true,
                                                      timeout.seconds(), &future);
        if (status == WEFT_STATUS_FULL) {
            return std::nullopt;
        }
        detail::check(status);
        boxed.release();
        return detail::FutureAccess::make<R>(future, std::move(outcome));
    }

    /// Python: `shutdown(wait=True, cancel_futures=False)`.
    void shutdown(bool wait = true, bool cancel_futures = false) const {
        detail::check(weft_pool_shutdown(native_handle(), wait, cancel_futures));
    }

    /// Python: `_max_workers`.
    std::size_t max_workers() const noexcept { return weft_pool_max_workers(native_handle()); }

    /// Resizes the pool (0: the default): more starts workers for the queued tasks, fewer
    /// retires workers as they finish their tasks. Java: `setMaximumPoolSize`.
    void set_max_workers(std::size_t max_workers) const {
        detail::check(weft_pool_set_max_workers(native_handle(), max_workers));
    }

    /// The most tasks queued at once, 0 for no limit.
    std::size_t max_pending() const noexcept { return weft_pool_max_pending(native_handle()); }

    /// Bounds the tasks queued at once (0: no limit): `submit` then waits for room,
    /// `try_submit` as long as told.
    void set_max_pending(std::size_t max_pending) const {
        detail::check(weft_pool_set_max_pending(native_handle(), max_pending));
    }

    /// What `counts()` reads back, at one instant.
    struct Counts {
        std::size_t pending; ///< tasks waiting for a worker
        std::size_t active;  ///< workers running a task (or starting)
        std::size_t idle;    ///< workers waiting for a task
    };

    /// The pool's counts now (a snapshot). `weft_pool_counts`.
    Counts counts() const {
        Counts c{};
        detail::check(weft_pool_counts(native_handle(), &c.pending, &c.active, &c.idle));
        return c;
    }
};

/// A timer service: one thread running one-shot and periodic timers (`weft_scheduler`; Java: a
/// one-thread `ScheduledExecutorService`), where each `weft::Timer` is a whole thread. The
/// calls run one at a time in the scheduler's thread, in the order they fall due. Dropping the
/// last handle shuts it down without waiting.
class Scheduler
    : public detail::Handle<weft_scheduler, weft_scheduler_clone, weft_scheduler_free> {
public:
    using Handle::Handle;

    /// A scheduler with its thread started.
    Scheduler() { detail::check(weft_scheduler_new(out())); }

    /// Calls `task()` once, `delay` from now; its value or exception goes to the future, and
    /// cancelling the future before it is due keeps it from running. Java: `schedule`; Python:
    /// `loop.call_later`.
    template <class F, detail::if_callable<F> = 0>
    auto call_later(Timeout delay, F &&task) const {
        return detail::submit_task(
            std::forward<F>(task),
            [this, delay](auto run, void *arg, auto free, weft_future **future) {
                return weft_scheduler_call_later(native_handle(), delay.seconds(), run, arg, free,
                                                 future);
            });
    }

    /// Calls `task()` `delay` from now, then every `period` (`schedule`), until the future is
    /// cancelled (a call under way finishes) or a call throws: the future then rethrows that
    /// exception from `result()`. The future never has a value. Java: `scheduleAtFixedRate`,
    /// `scheduleWithFixedDelay`. Throws `WEFT_STATUS_INVALID_ARGUMENT` for a zero period.
    template <class F, detail::if_callable<F> = 0>
    Future<void> call_every(Timeout delay, Timeout period, F &&task,
                            Schedule schedule = Schedule::fixed_rate) const {
        struct Periodic {
            detail::Boxed<F> f;
            std::shared_ptr<detail::Outcome<void>> outcome;

            static int run(void *arg) noexcept {
                auto *periodic = static_cast<Periodic *>(arg);
                try {
                    periodic->f();
                    return 0;
                } catch (...) {
                    periodic->outcome->error = std::current_exception();
                    return 1;
                }
            }
        };
        auto outcome = std::make_shared<detail::Outcome<void>>();
        auto boxed = std::unique_ptr<Periodic>(new Periodic{std::forward<F>(task), outcome});
        weft_future *future = nullptr;
        detail::check(weft_scheduler_call_every(
            native_handle(), delay.seconds(), period.seconds(),
            static_cast<weft_schedule_kind>(schedule), Periodic::run, boxed.get(),
            detail::destroy<Periodic>, &future));
        boxed.release();
        return detail::FutureAccess::make<void>(future, std::move(outcome));
    }

    /// Cancels every timer not yet run, refuses new ones (`WEFT_STATUS_POOL_SHUT_DOWN`) and,
    /// with `wait`, waits for the thread to end. Java: `shutdownNow()`.
    void shutdown(bool wait = true) const {
        detail::check(weft_scheduler_shutdown(native_handle(), wait));
    }

    /// How many timers it holds (pending, and cancelled ones not yet swept).
    std::size_t pending() const noexcept { return weft_scheduler_pending(native_handle()); }
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

/// One object `wait_any` can wait for, borrowed for the call: a `Queue` (of any kind: ready when
/// it holds an item or is shut down), an `Event` (set) or a `Future` (done). Made implicitly
/// from them, so `wait_any({queue, event, future})` reads as Go's `select`.
class Waitable {
public:
    template <class T>
    Waitable(const Queue<T> &queue) noexcept : raw_(queue.native_handle()) {}
    Waitable(const Event &event) noexcept : raw_(event.native_handle()) {}
    template <class R>
    Waitable(const Future<R> &future) noexcept : raw_(future.native_handle()) {}

    /// The C handle, a `weft_queue *`, `weft_event *` or `weft_future *`.
    const void *native_handle() const noexcept { return raw_; }

private:
    const void *raw_;
};

/// Waits until any of `objects` is ready (`weft_wait_any`; Go: `select`, Windows:
/// `WaitForMultipleObjects`) and returns its index, or `std::nullopt` if none became ready
/// within `timeout`. Ready on entry: the first such; otherwise the first to become ready. A
/// queue's item is not taken: `get(false)` it (and expect `Empty` if other threads take from it
/// too). Throws `Interrupted` (the thread's `CancelToken`), `WEFT_STATUS_INVALID_ARGUMENT` for
/// no objects, the timeout statuses.
inline std::optional<std::size_t> wait_any(const std::vector<Waitable> &objects,
                                           Timeout timeout = forever) {
    std::vector<const void *> handles;
    handles.reserve(objects.size());
    for (const Waitable &object : objects) {
        handles.push_back(object.native_handle());
    }
    std::size_t index = 0;
    if (!detail::check_timed(
            weft_wait_any(handles.data(), handles.size(), timeout.seconds(), &index))) {
        return std::nullopt;
    }
    return index;
}

} // namespace weft

#endif // WEFT_HPP
