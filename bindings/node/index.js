'use strict';
// weft for Node.js: a thin layer over libweft's C API (include/weft/*.h) through koffi.
//
// Blocking calls run with koffi's `.async` on libuv's thread pool, so the JS thread never blocks:
// they return Promises. Callbacks from weft threads into JS (a Thread's target, a Timer's
// function, a pool task, a future's completion, a Barrier's action) are queued by koffi to the
// JS thread, and the weft thread waits for them. The exit rules that follow from this are in
// README.md ("Exit"); the code for them is at the end of this file.

const fs = require('node:fs');
const path = require('node:path');
const v8 = require('node:v8');
const koffi = require('koffi');

// --- Finding the library ------------------------------------------------------------------------

/** The places searched for libweft, in order: WEFT_LIBRARY, the repository's build, the system. */
function candidates() {
  const out = [];
  if (process.env.WEFT_LIBRARY) out.push(process.env.WEFT_LIBRARY);
  const root = path.resolve(__dirname, '..', '..');
  const target = process.env.CARGO_TARGET_DIR || path.join(root, 'target');
  for (const profile of ['release', 'debug']) {
    const p = path.join(target, profile, 'libweft.so');
    if (fs.existsSync(p)) out.push(p);
  }
  out.push('libweft.so.0');
  return out;
}

function loadLibrary() {
  const tried = [];
  for (const p of candidates()) {
    try {
      return koffi.load(p);
    } catch (e) {
      tried.push(`  ${p}: ${e.message}`);
    }
  }
  throw new Error(`libweft not found; tried:\n${tried.join('\n')}\n` +
    'set WEFT_LIBRARY to the path of libweft.so, or build it with `cargo capi`');
}

const lib = loadLibrary();
const libc = koffi.load('libc.so.6');

const VERSION_NUMBER = 100; // include/weft.h's WEFT_VERSION_NUMBER this binding is written for
const TIMEOUT_FOREVER = -1.0;

// --- The C API ----------------------------------------------------------------------------------

const ThreadFn = koffi.proto('void *weft_node_thread_fn(intptr_t arg)');
const TaskFn = koffi.proto('int weft_node_task_fn(intptr_t arg, void **result_out)');
const FutureCallback = koffi.proto('void weft_node_future_cb(void *future, intptr_t arg)');
const BarrierAction = koffi.proto('void weft_node_barrier_action(intptr_t arg)');

const C = {};
const BLOCKING = new Set();
for (const decl of [
  'const char *weft_status_str(int status)',
  'uint32_t weft_version_number()',
  'const char *weft_version_string()',
  // Lock, RLock
  'int weft_lock_new(_Out_ void **out)',
  'void *weft_lock_clone(void *h)',
  'void weft_lock_free(void *h)',
  '!int weft_lock_acquire(void *h, bool blocking, double timeout)',
  'int weft_lock_release(void *h)',
  'bool weft_lock_locked(void *h)',
  'int weft_rlock_new(_Out_ void **out)',
  'void weft_rlock_free(void *h)',
  'int weft_rlock_acquire(void *h, bool blocking, double timeout)',
  'int weft_rlock_release(void *h)',
  'bool weft_rlock_locked(void *h)',
  'bool weft_rlock_is_owned(void *h)',
  'size_t weft_rlock_recursion_count(void *h)',
  // Condition
  'int weft_condition_new_with_lock(void *lock, _Out_ void **out)',
  'void weft_condition_free(void *h)',
  '!int weft_condition_wait(void *h, double timeout)',
  'int weft_condition_notify(void *h, size_t n)',
  'int weft_condition_notify_all(void *h)',
  // Semaphore
  'int weft_semaphore_new(int64_t value, _Out_ void **out)',
  'int weft_bounded_semaphore_new(int64_t value, _Out_ void **out)',
  'void weft_semaphore_free(void *h)',
  '!int weft_semaphore_acquire(void *h, bool blocking, double timeout)',
  'int weft_semaphore_release(void *h, size_t n)',
  // Event
  'int weft_event_new(_Out_ void **out)',
  'void weft_event_free(void *h)',
  'int weft_event_set(void *h)',
  'int weft_event_clear(void *h)',
  'bool weft_event_is_set(void *h)',
  '!int weft_event_wait(void *h, double timeout)',
  // Barrier
  'int weft_barrier_new(size_t parties, weft_node_barrier_action *action, intptr_t arg, void *arg_free, double timeout, _Out_ void **out)',
  'void weft_barrier_free(void *h)',
  '!int weft_barrier_wait(void *h, double timeout, _Out_ size_t *index)',
  'int weft_barrier_reset(void *h)',
  'int weft_barrier_abort(void *h)',
  'bool weft_barrier_broken(void *h)',
  'size_t weft_barrier_n_waiting(void *h)',
  'size_t weft_barrier_parties(void *h)',
  // Thread, Timer
  'int weft_thread_new_named(weft_node_thread_fn *target, intptr_t arg, void *arg_free, const char *name, _Out_ void **out)',
  'void weft_thread_free(void *h)',
  'int weft_thread_start(void *h)',
  '!int weft_thread_join(void *h, double timeout)',
  'bool weft_thread_is_alive(void *h)',
  'int weft_thread_get_name(void *h, _Out_ uint8_t *buf, size_t size, _Out_ size_t *len_out)',
  'int weft_thread_set_daemon(void *h, bool daemon)',
  'uint64_t weft_thread_ident(void *h)',
  'uint64_t weft_thread_native_id(void *h)',
  'int weft_timer_new(double interval, weft_node_thread_fn *fn, intptr_t arg, void *arg_free, _Out_ void **out)',
  'int weft_timer_cancel(void *h)',
  'size_t weft_active_count()',
  // Queue
  'int weft_queue_new(int kind, size_t maxsize, void *item_free, _Out_ void **out)',
  'void *weft_queue_clone(void *h)',
  'void weft_queue_free(void *h)',
  '!int weft_queue_put(void *h, void *item, bool block, double timeout)',
  '!int weft_queue_put_priority(void *h, void *item, int64_t priority, bool block, double timeout)',
  '!int weft_queue_get(void *h, bool block, double timeout, _Out_ void **item)',
  'int weft_queue_task_done(void *h)',
  '!int weft_queue_join(void *h, double timeout)',
  'int weft_queue_shutdown(void *h, bool immediate, void *drain, void *drain_arg)',
  'size_t weft_queue_qsize(void *h)',
  'bool weft_queue_empty(void *h)',
  'bool weft_queue_full(void *h)',
  // Pool, Future
  'int weft_pool_new(size_t max_workers, const char *prefix, void *init, void *init_arg, void *init_arg_free, _Out_ void **out)',
  'void weft_pool_free(void *h)',
  'int weft_pool_submit(void *h, weft_node_task_fn *task, intptr_t arg, void *arg_free, _Out_ void **out)',
  '!int weft_pool_shutdown(void *h, bool wait, bool cancel_futures)',
  'size_t weft_pool_max_workers(void *h)',
  'void weft_future_free(void *h)',
  'int weft_future_result(void *h, double timeout, _Out_ void **result)',
  'bool weft_future_cancel(void *h)',
  'int weft_future_add_done_callback(void *h, weft_node_future_cb *cb, intptr_t arg)',
]) {
  const blocking = decl.startsWith('!');
  const f = lib.func(blocking ? decl.slice(1) : decl);
  C[f.info.name] = f;
  if (blocking) BLOCKING.add(f.info.name);
}
const libcFree = libc.func('void *dlsym(void *handle, const char *name)')(null, 'free');
const malloc = libc.func('void *malloc(size_t n)');
const cfree = libc.func('void free(void *p)');
const memcpy = libc.func('void *memcpy(void *dst, void *src, size_t n)');
const memcpyIn = libc.func('void *memcpy(void *dst, const uint8_t *src, size_t n)');
const _exit = libc.func('void _exit(int status)');

if (Math.floor(C.weft_version_number() / 10000) !== Math.floor(VERSION_NUMBER / 10000) ||
    C.weft_version_number() < VERSION_NUMBER) {
  throw new Error(`libweft ${C.weft_version_string()} does not match this binding (${VERSION_NUMBER})`);
}

// --- Statuses and errors ------------------------------------------------------------------------

const STATUS = {
  OK: 0, TIMEOUT: 1, NULL_ARGUMENT: 2, WRONG_HANDLE: 3, PANIC: 4, INVALID_ARGUMENT: 5,
  INVALID_UTF8: 6, INVALID_TIMEOUT: 7, TIMEOUT_TOO_LARGE: 8, NONBLOCKING_TIMEOUT: 9, OVERFLOW: 10,
  RELEASE_UNLOCKED: 11, NOT_OWNER: 12, ALREADY_STARTED: 13, NOT_STARTED: 14, JOIN_CURRENT: 15,
  DAEMON_AFTER_START: 16, CANT_START_THREAD: 17, STACK_SIZE: 18, WRONG_STATE: 19,
  WAIT_UNACQUIRED: 20, NOTIFY_UNACQUIRED: 21, SEMAPHORE_NEGATIVE: 22, RELEASE_COUNT: 23,
  SEMAPHORE_OVER_RELEASE: 24, BROKEN_BARRIER: 25, BARRIER_PARTIES: 26, EMPTY: 27, FULL: 28,
  SHUT_DOWN: 29, TASK_DONE_TOO_MANY: 30, POOL_SHUT_DOWN: 31, POOL_BROKEN: 32, CANCELLED: 33,
  TASK_FAILED: 34, MAX_WORKERS: 35, INTERRUPTED: 36, DEADLOCK: 37, INVALID_STATE_FINISHED: 38,
  INVALID_STATE_CANCELLED: 39, FORKED: 40,
};

/** A weft status other than OK: `.status` is its value, the message CPython's (weft_status_str). */
class WeftError extends Error {
  constructor(status, message) {
    super(message === undefined ? C.weft_status_str(status) : message);
    this.name = new.target.name;
    this.status = status;
  }
}
/** CPython's RuntimeError: misuse of an object's state (release unlocked lock, ...). */
class RuntimeError extends WeftError {}
/** CPython's ValueError / OverflowError: a bad argument or timeout. */
class ValueError extends WeftError {}
/** TimeoutError: a join/result/wait that ran out of time where CPython raises. */
class TimeoutError extends WeftError {}
class BrokenBarrierError extends WeftError {}
/** queue.Empty, queue.Full, queue.ShutDown. */
class Empty extends WeftError {}
class Full extends WeftError {}
class ShutDown extends WeftError {}
/** concurrent.futures' CancelledError and BrokenThreadPool. */
class CancelledError extends WeftError {}
class BrokenThreadPool extends WeftError {}

const ERROR_CLASSES = {
  [STATUS.TIMEOUT]: TimeoutError,
  [STATUS.BROKEN_BARRIER]: BrokenBarrierError,
  [STATUS.EMPTY]: Empty,
  [STATUS.FULL]: Full,
  [STATUS.SHUT_DOWN]: ShutDown,
  [STATUS.CANCELLED]: CancelledError,
  [STATUS.POOL_BROKEN]: BrokenThreadPool,
};
for (const s of [STATUS.INVALID_ARGUMENT, STATUS.INVALID_UTF8, STATUS.INVALID_TIMEOUT,
  STATUS.TIMEOUT_TOO_LARGE, STATUS.NONBLOCKING_TIMEOUT, STATUS.OVERFLOW, STATUS.STACK_SIZE,
  STATUS.SEMAPHORE_NEGATIVE, STATUS.RELEASE_COUNT, STATUS.SEMAPHORE_OVER_RELEASE,
  STATUS.BARRIER_PARTIES, STATUS.TASK_DONE_TOO_MANY, STATUS.MAX_WORKERS]) {
  ERROR_CLASSES[s] = ValueError;
}

function error(status) {
  return new (ERROR_CLASSES[status] || RuntimeError)(status);
}
function check(status) {
  if (status !== STATUS.OK) throw error(status);
}

/** The timeout rule: undefined/null waits forever; seconds otherwise (checked by weft). */
function secs(timeout) {
  return timeout === undefined || timeout === null ? TIMEOUT_FOREVER : timeout;
}

// --- Blocking calls and what the exit must know -------------------------------------------------

// What weft still owes to the JS thread: blocking calls running on libuv's pool and callbacks a
// weft thread will make into JS. See "Exit" below.
let owed = 0;

/** Runs blocking C function `name` on libuv's pool; resolves with its status. */
function blocking(name, ...args) {
  owed++;
  return new Promise((resolve, reject) => {
    C[name].async(...args, (err, status) => {
      owed--;
      if (err) reject(err); else resolve(status);
    });
  });
}

/** Makes `newFn(out)` and returns the handle. */
function make(newFn, ...args) {
  const out = [null];
  check(newFn(...args, out));
  return out[0];
}

/** A blocking acquire/wait: true once done, false if `timeout` passed first. */
async function waited(name, ...args) {
  const s = await blocking(name, ...args);
  if (s === STATUS.TIMEOUT) return false;
  check(s);
  return true;
}
/** A non-blocking acquire through `fn` (weft_*_acquire): true if acquired. */
function tried(fn, handle) {
  const s = fn(handle, false, TIMEOUT_FOREVER);
  if (s === STATUS.TIMEOUT) return false;
  check(s);
  return true;
}

// Handles not closed explicitly are freed when their object is collected.
const registry = new FinalizationRegistry(({ free, handle }) => free(handle));

class Handle {
  constructor(handle, free) {
    this._handle = handle;
    this._free = free;
    registry.register(this, { free, handle }, this);
  }
  /** The C handle (for C code through koffi): valid until close(). */
  get handle() {
    if (this._handle === null) throw new RuntimeError(STATUS.WRONG_HANDLE, 'handle is closed');
    return this._handle;
  }
  /** Frees this object's reference to the C object (the object lives on while others hold one). */
  close() {
    if (this._handle === null) return;
    registry.unregister(this);
    this._free(this._handle);
    this._handle = null;
  }
  [Symbol.dispose]() { this.close(); }
}

// --- Locks --------------------------------------------------------------------------------------

class Lock extends Handle {
  constructor(handle = null) { super(handle || make(C.weft_lock_new), C.weft_lock_free); }
  /** A new reference to a lock made elsewhere (C code, through koffi): `handle` stays the caller's. */
  static fromHandle(handle) {
    const h = C.weft_lock_clone(handle);
    if (!h) throw new RuntimeError(STATUS.WRONG_HANDLE);
    return new Lock(h);
  }
  /** Resolves true once acquired, false if `timeout` seconds passed first. */
  acquire(timeout) { return waited('weft_lock_acquire', this.handle, true, secs(timeout)); }
  /** Acquires without waiting: true if acquired. */
  tryAcquire() { return tried(C.weft_lock_acquire, this.handle); }
  release() { check(C.weft_lock_release(this.handle)); }
  locked() { return C.weft_lock_locked(this.handle); }
  /** Runs `fn` (sync or async) holding the lock; releases it however `fn` ends. */
  async withLock(fn) {
    await this.acquire();
    try { return await fn(); } finally { this.release(); }
  }
}

// An RLock is owned by an OS thread, and a call on libuv's pool runs in some pool thread: so an
// RLock is acquired by the JS thread itself (blocking it for at most `timeout`).
class RLock extends Handle {
  constructor() { super(make(C.weft_rlock_new), C.weft_rlock_free); }
  acquireSync(timeout) {
    const s = C.weft_rlock_acquire(this.handle, true, secs(timeout));
    if (s === STATUS.TIMEOUT) return false;
    check(s);
    return true;
  }
  /** As acquireSync (the JS thread must own the lock), as a Promise for symmetry with Lock. */
  async acquire(timeout) { return this.acquireSync(timeout); }
  tryAcquire() { return tried(C.weft_rlock_acquire, this.handle); }
  release() { check(C.weft_rlock_release(this.handle)); }
  locked() { return C.weft_rlock_locked(this.handle); }
  isOwned() { return C.weft_rlock_is_owned(this.handle); }
  get recursionCount() { return Number(C.weft_rlock_recursion_count(this.handle)); }
  async withLock(fn) {
    this.acquireSync();
    try { return await fn(); } finally { this.release(); }
  }
}

/** Python's Condition over a Lock (made if not given). */
class Condition extends Handle {
  constructor(lock = new Lock()) {
    super(make(C.weft_condition_new_with_lock, lock.handle), C.weft_condition_free);
    this.lock = lock;
  }
  acquire(timeout) { return this.lock.acquire(timeout); }
  release() { this.lock.release(); }
  withLock(fn) { return this.lock.withLock(fn); }
  /** Releases the lock, waits for a notify (or `timeout`), reacquires; resolves false on timeout. */
  async wait(timeout) {
    return waited('weft_condition_wait', this.handle, secs(timeout));
  }
  /** Waits until `predicate()` is true (checked on the JS thread, with the lock held). */
  async waitFor(predicate, timeout) {
    const deadline = timeout === undefined ? Infinity : performance.now() + timeout * 1000;
    let result = predicate();
    while (!result) {
      const left = deadline === Infinity ? undefined : Math.max(0, (deadline - performance.now()) / 1000);
      if (left === 0) break;
      await this.wait(left);
      result = predicate();
    }
    return result;
  }
  notify(n = 1) { check(C.weft_condition_notify(this.handle, n)); }
  notifyAll() { check(C.weft_condition_notify_all(this.handle)); }
}

class Semaphore extends Handle {
  constructor(value = 1, newFn = C.weft_semaphore_new) {
    super(make(newFn, value), C.weft_semaphore_free);
  }
  acquire(timeout) { return waited('weft_semaphore_acquire', this.handle, true, secs(timeout)); }
  tryAcquire() { return tried(C.weft_semaphore_acquire, this.handle); }
  release(n = 1) { check(C.weft_semaphore_release(this.handle, n)); }
  async withLock(fn) {
    await this.acquire();
    try { return await fn(); } finally { this.release(); }
  }
}

class BoundedSemaphore extends Semaphore {
  constructor(value = 1) { super(value, C.weft_bounded_semaphore_new); }
}

class Event extends Handle {
  constructor() { super(make(C.weft_event_new), C.weft_event_free); }
  set() { check(C.weft_event_set(this.handle)); }
  clear() { check(C.weft_event_clear(this.handle)); }
  isSet() { return C.weft_event_is_set(this.handle); }
  /** Resolves true once set, false if `timeout` passed first. */
  async wait(timeout) {
    return waited('weft_event_wait', this.handle, secs(timeout));
  }
}

// --- Callbacks into JS --------------------------------------------------------------------------

// One koffi callback per kind, registered once; the C `arg` is an id into `calls`.
const calls = new Map();
let nextCall = 1;
function callId(fn) {
  const id = nextCall++;
  calls.set(id, fn);
  return id;
}
const threadTrampoline = koffi.register((id) => { calls.get(Number(id))(); return null; },
  koffi.pointer(ThreadFn));
const barrierTrampoline = koffi.register((id) => { calls.get(Number(id))(); },
  koffi.pointer(BarrierAction));
const taskTrampoline = koffi.register((id) => calls.get(Number(id))(), koffi.pointer(TaskFn));
const futureTrampoline = koffi.register((_f, id) => { calls.get(Number(id))(); },
  koffi.pointer(FutureCallback));

// A ref'd handle keeps the event loop alive while non-daemon work is owed to JS, as the
// interpreter waits for non-daemon threads at its exit.
let keepAlive = null;
let keepAliveCount = 0;
function hold() {
  if (keepAliveCount++ === 0) keepAlive = setInterval(() => {}, 1 << 30);
}
function unhold() {
  if (--keepAliveCount === 0) { clearInterval(keepAlive); keepAlive = null; }
}

class Barrier extends Handle {
  constructor(parties, action, timeout) {
    let id = 0;
    if (action) id = callId(() => action());
    super(make(C.weft_barrier_new, parties, action ? barrierTrampoline : null, id, null,
      secs(timeout)), C.weft_barrier_free);
  }
  /** Resolves with this party's index (0 .. parties-1); BrokenBarrierError if broken. */
  async wait(timeout) {
    const index = [0];
    const s = await blocking('weft_barrier_wait', this.handle, secs(timeout), index);
    check(s);
    return Number(index[0]);
  }
  reset() { check(C.weft_barrier_reset(this.handle)); }
  abort() { check(C.weft_barrier_abort(this.handle)); }
  get broken() { return C.weft_barrier_broken(this.handle); }
  get nWaiting() { return Number(C.weft_barrier_n_waiting(this.handle)); }
  get parties() { return Number(C.weft_barrier_parties(this.handle)); }
}

// --- Threads ------------------------------------------------------------------------------------

// Every weft thread this binding starts is a daemon for weft (its C exit wait never waits for a
// thread that may be waiting for the JS thread); `daemon: false` (the default) is kept by
// holding the event loop alive until the target has run. See README.md, "Exit".
class Thread extends Handle {
  constructor({ target, args = [], name, daemon = false } = {}) {
    let id;
    const handle = make(C.weft_thread_new_named, threadTrampoline, (id = callId(() => this._body())),
      null, name === undefined ? null : String(name));
    super(handle, C.weft_thread_free);
    this._id = id;
    this._target = target;
    this._args = args;
    this.daemon = daemon;
    this._started = false;
    this.error = undefined;
  }
  /** The thread's body (in the JS thread, the weft thread waiting): calls the target. */
  run() {
    if (this._target) this._target(...this._args);
  }
  _body() {
    calls.delete(this._id);
    try {
      this.run();
    } catch (e) {
      this.error = e;
      // As Python's threading.excepthook: reported, and the thread ends.
      process.stderr.write(`Exception in thread ${this.name}: ${e && e.stack || e}\n`);
    } finally {
      owed--;
      if (!this.daemon) unhold();
    }
  }
  start() {
    if (!this._started) check(C.weft_thread_set_daemon(this.handle, true));
    check(C.weft_thread_start(this.handle));
    this._started = true;
    owed++;
    if (!this.daemon) hold();
  }
  /** Resolves once the thread finished (true), or false if `timeout` passed first. */
  async join(timeout) {
    return waited('weft_thread_join', this.handle, secs(timeout));
  }
  isAlive() { return C.weft_thread_is_alive(this.handle); }
  get name() {
    const len = [0];
    check(C.weft_thread_get_name(this.handle, null, 0, len));
    const buf = Buffer.alloc(Number(len[0]) + 1);
    check(C.weft_thread_get_name(this.handle, buf, buf.length, len));
    return buf.toString('utf8', 0, Number(len[0]));
  }
  get ident() { return C.weft_thread_ident(this.handle); }
  get nativeId() { return C.weft_thread_native_id(this.handle); }
}

class Timer extends Handle {
  constructor(interval, fn, args = []) {
    let id;
    const handle = make(C.weft_timer_new, interval, threadTrampoline,
      (id = callId(() => this._fire())), null);
    super(handle, C.weft_thread_free);
    this._id = id;
    this._fn = fn;
    this._args = args;
    this._pending = false;
    this._cancelled = false;
    this.daemon = false;
  }
  _settle() {
    if (!this._pending) return;
    this._pending = false;
    calls.delete(this._id);
    owed--;
    if (!this.daemon) unhold();
  }
  _fire() {
    try { this._fn(...this._args); } finally { this._settle(); }
  }
  start() {
    check(C.weft_thread_set_daemon(this.handle, true));
    check(C.weft_thread_start(this.handle));
    this._pending = true;
    owed++;
    if (!this.daemon) hold();
    // Cancelled before it started: its function never comes, so settle once its thread ends.
    if (this._cancelled) this.join().then(() => this._settle());
  }
  /** Stops the timer if it has not fired yet (its function then never runs). */
  cancel() {
    check(C.weft_timer_cancel(this.handle));
    this._cancelled = true;
    // A function already on its way to the JS thread still runs: settled once the thread ends.
    if (this._pending) this.join().then(() => this._settle());
  }
  async join(timeout) { return Thread.prototype.join.call(this, timeout); }
  isAlive() { return C.weft_thread_is_alive(this.handle); }
}

// --- Queues -------------------------------------------------------------------------------------

// An item is a malloc'd block: an 8-byte length, then the value as v8.serialize writes it (the
// structured clone: strings, numbers, Buffers, arrays, plain objects...). So items cross from
// any JS thread (worker_threads included) to any other, and weft frees what is left with C's
// free() when the queue goes.
function encode(value) {
  const data = v8.serialize(value);
  const block = malloc(8 + data.length);
  if (!block) throw new RangeError('out of memory');
  koffi.encode(block, 0, 'uint64_t', BigInt(data.length));
  if (data.length) koffi.encode(block, 8, koffi.array('uint8_t', data.length, 'Typed'), data);
  return block;
}
/** The value in `block`, which it frees. */
function decode(block) {
  try {
    const n = Number(koffi.decode(block, 0, 'uint64_t'));
    const bytes = n ? koffi.decode(block, 8, koffi.array('uint8_t', n, 'Typed')) : new Uint8Array(0);
    return v8.deserialize(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  } finally {
    cfree(block);
  }
}

const QUEUE_FIFO = 0, QUEUE_LIFO = 1, QUEUE_PRIORITY = 2, QUEUE_SIMPLE = 3;

/** Python's queue.Queue carrying JS values (see encode). */
class Queue extends Handle {
  constructor(maxsize = 0, kind = QUEUE_FIFO, handle = null) {
    super(handle || make(C.weft_queue_new, kind, maxsize, libcFree), C.weft_queue_free);
  }
  /**
   * A new reference to the queue at `address` (`queue.address` in another worker_thread, or a
   * handle from C): the caller must keep its own reference alive until this returns.
   */
  static fromAddress(address) {
    return this.fromHandle(koffi.decode(new BigUint64Array([BigInt(address)]), 'void *'));
  }
  /** A new reference to a queue made elsewhere (C code, through koffi). */
  static fromHandle(handle) {
    const h = C.weft_queue_clone(handle);
    if (!h) throw new RuntimeError(STATUS.WRONG_HANDLE);
    return new this(0, 0, h);
  }
  /** The handle's address, a BigInt to post to a worker (Queue.fromAddress). */
  get address() { return koffi.address(this.handle); }
  async _put(item, block, timeout, priority) {
    const put = priority === undefined ? 'weft_queue_put' : 'weft_queue_put_priority';
    const args = priority === undefined ? [item, block, secs(timeout)]
      : [item, priority, block, secs(timeout)];
    const s = block ? await blocking(put, this.handle, ...args) : C[put](this.handle, ...args);
    if (s !== STATUS.OK) { cfree(item); throw error(s === STATUS.TIMEOUT ? STATUS.FULL : s); }
  }
  /** Puts `value` (waiting for a slot, at most `timeout`); rejects with Full or ShutDown. */
  put(value, { timeout, priority } = {}) { return this._put(encode(value), true, timeout, priority); }
  /** Puts without waiting; throws Full if no slot is free. */
  putNowait(value, { priority } = {}) {
    const item = encode(value);
    const put = priority === undefined ? C.weft_queue_put(this.handle, item, false, TIMEOUT_FOREVER)
      : C.weft_queue_put_priority(this.handle, item, priority, false, TIMEOUT_FOREVER);
    if (put !== STATUS.OK) { cfree(item); check(put === STATUS.TIMEOUT ? STATUS.FULL : put); }
  }
  /** Resolves with the next value (waiting at most `timeout`); rejects with Empty or ShutDown. */
  async get(timeout) {
    const out = [null];
    const s = await blocking('weft_queue_get', this.handle, true, secs(timeout), out);
    check(s === STATUS.TIMEOUT ? STATUS.EMPTY : s);
    return decode(out[0]);
  }
  /** The next value without waiting; throws Empty. */
  getNowait() {
    const out = [null];
    const s = C.weft_queue_get(this.handle, false, TIMEOUT_FOREVER, out);
    check(s === STATUS.TIMEOUT ? STATUS.EMPTY : s);
    return decode(out[0]);
  }
  taskDone() { check(C.weft_queue_task_done(this.handle)); }
  /** Resolves once every item put has been marked done (true), false after `timeout`. */
  async join(timeout) {
    return waited('weft_queue_join', this.handle, secs(timeout));
  }
  /** Python 3.13's shutdown(immediate): items an immediate shutdown drops are freed. */
  shutdown(immediate = false) { check(C.weft_queue_shutdown(this.handle, immediate, null, null)); }
  qsize() { return Number(C.weft_queue_qsize(this.handle)); }
  empty() { return C.weft_queue_empty(this.handle); }
  full() { return C.weft_queue_full(this.handle); }
}
class LifoQueue extends Queue {
  constructor(maxsize = 0, _kind, handle = null) { super(maxsize, QUEUE_LIFO, handle); }
}
class PriorityQueue extends Queue {
  constructor(maxsize = 0, _kind, handle = null) { super(maxsize, QUEUE_PRIORITY, handle); }
}
class SimpleQueue extends Queue {
  constructor(_maxsize, _kind, handle = null) { super(0, QUEUE_SIMPLE, handle); }
}

// --- Thread pool --------------------------------------------------------------------------------

/** concurrent.futures.ThreadPoolExecutor: `submit(fn, ...args)` returns a Promise. */
class ThreadPoolExecutor extends Handle {
  constructor({ maxWorkers = 0, threadNamePrefix } = {}) {
    super(make(C.weft_pool_new, maxWorkers, threadNamePrefix ?? null, null, null, null),
      C.weft_pool_free);
    this._futures = new Set();
  }
  get maxWorkers() { return Number(C.weft_pool_max_workers(this.handle)); }
  /**
   * Runs `fn(...args)` on a worker (the call itself is made on the JS thread while the worker
   * waits) and returns a Promise of its result; `.future` on it has `cancel()`.
   */
  submit(fn, ...args) {
    let value, failure;
    const task = callId((resultOut) => {
      void resultOut;
      try { value = fn(...args); return 0; } catch (e) { failure = e; return 1; }
    });
    const out = [null];
    const s = C.weft_pool_submit(this.handle, taskTrampoline, task, null, out);
    if (s !== STATUS.OK) { calls.delete(task); throw error(s); }
    const future = out[0];
    owed++;
    hold();
    let resolve, reject;
    const promise = new Promise((res, rej) => { resolve = res; reject = rej; });
    const done = callId(() => {
      calls.delete(task);
      calls.delete(done);
      this._futures.delete(record);
      const result = [null];
      const st = C.weft_future_result(future, 0, result);
      C.weft_future_free(future);
      owed--;
      unhold();
      if (st === STATUS.OK) resolve(value);
      else if (st === STATUS.TASK_FAILED) reject(failure);
      else reject(error(st));
    });
    const record = { future, cancel: () => C.weft_future_cancel(future) };
    this._futures.add(record);
    check(C.weft_future_add_done_callback(future, futureTrampoline, done));
    promise.future = { cancel: record.cancel };
    return promise;
  }
  /** Python's shutdown(wait, cancelFutures); resolves once the workers are gone if `wait`. */
  async shutdown({ wait = true, cancelFutures = false } = {}) {
    check(await blocking('weft_pool_shutdown', this.handle, wait, cancelFutures));
  }
}

// --- Exit ---------------------------------------------------------------------------------------

// A natural end comes only once no non-daemon work is owed (hold()); the process then exits as
// usual, weft's own exit wait finding no thread that waits for JS. On any other exit
// (process.exit(), an uncaught exception, a signal handler calling process.exit(), or a natural
// end with daemon threads still owing a callback), weft threads may be waiting for the JS thread,
// which will not run again, and libuv's pool threads may be blocked in weft calls: Node's
// teardown and libc's exit() would wait for them for ever. So when anything is owed, the 'exit'
// listeners registered after this one are run, then the process ends at once with _exit(code),
// as Python's os._exit: threads are abandoned, as daemon threads are.
// Node prints an uncaught exception after the 'exit' listeners: printed here before ending.
let uncaught = null;
function onExit(code) {
  if (owed === 0) return;
  const listeners = process.listeners('exit');
  for (const l of listeners.slice(listeners.indexOf(onExit) + 1)) l.call(process, code);
  if (uncaught) {
    const { error: e } = uncaught;
    fs.writeSync(2, `${e && e.stack || e}\n\nNode.js ${process.version}\n`);
  }
  _exit(code ?? process.exitCode ?? 0);
}
process.on('exit', onExit);
process.on('uncaughtExceptionMonitor', (e) => {
  if (process.listenerCount('uncaughtException') === 0) uncaught = { error: e };
});

/** What is owed to the JS thread now (blocking calls under way, callbacks to come): for tests. */
function pending() { return owed; }

module.exports = {
  WeftError, RuntimeError, ValueError, TimeoutError, BrokenBarrierError, Empty, Full, ShutDown,
  CancelledError, BrokenThreadPool, STATUS,
  Lock, RLock, Condition, Semaphore, BoundedSemaphore, Event, Barrier, Thread, Timer,
  Queue, LifoQueue, PriorityQueue, SimpleQueue, ThreadPoolExecutor,
  activeCount: () => Number(C.weft_active_count()),
  versionString: () => C.weft_version_string(),
  pending, lib, C, koffi, TIMEOUT_FOREVER, encode, decode,
};
