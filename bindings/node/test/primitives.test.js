'use strict';
const test = require('node:test');
const assert = require('node:assert');
const path = require('node:path');
const { Worker } = require('node:worker_threads');
const w = require('..');

test('Lock: acquire, tryAcquire, release errors carry status and CPython message', async () => {
  const l = new w.Lock();
  assert.strictEqual(await l.acquire(), true);
  assert.strictEqual(l.tryAcquire(), false);
  assert.strictEqual(await l.acquire(0.01), false);
  l.release();
  const e = assert.throws(() => l.release(), w.RuntimeError);
  const err = (() => { try { l.release(); } catch (x) { return x; } })();
  assert.ok(err instanceof w.WeftError && err instanceof Error);
  assert.strictEqual(err.status, w.STATUS.RELEASE_UNLOCKED);
  assert.strictEqual(err.message, 'release unlocked lock');
  void e;
  await assert.rejects(l.acquire(-2), (x) => x instanceof w.ValueError && x.status === w.STATUS.INVALID_TIMEOUT);
  l.close();
  assert.throws(() => l.locked(), w.WeftError);
});

test('Lock.withLock releases on throw; acquire waits for a release without blocking JS', async () => {
  const l = new w.Lock();
  await assert.rejects(l.withLock(() => { throw new Error('inside'); }), /inside/);
  assert.strictEqual(l.locked(), false);
  l.tryAcquire();
  let got = false;
  const p = l.acquire().then(() => { got = true; });
  await new Promise((r) => setTimeout(r, 30));
  assert.strictEqual(got, false); // JS still runs while the acquire waits
  l.release();
  await p;
  assert.strictEqual(got, true);
  l.release();
});

test('RLock is reentrant and owned by the JS thread', async () => {
  const r = new w.RLock();
  assert.ok(r.tryAcquire());
  assert.ok(await r.acquire());
  assert.strictEqual(r.recursionCount, 2);
  assert.ok(r.isOwned());
  r.release(); r.release();
  assert.throws(() => r.release(), (e) => e.message === 'cannot release un-acquired lock');
});

test('Condition: wait releases the lock, notify wakes the waiter', async () => {
  const c = new w.Condition();
  let ready = false;
  await c.acquire();
  const waiter = c.waitFor(() => ready, 5);
  setTimeout(async () => { await c.acquire(); ready = true; c.notifyAll(); c.release(); }, 20);
  assert.strictEqual(await waiter, true);
  c.release();
  assert.throws(() => c.notify(), (e) => e.status === w.STATUS.NOTIFY_UNACQUIRED);
});

test('Event, Semaphore, BoundedSemaphore', async () => {
  const e = new w.Event();
  assert.strictEqual(await e.wait(0.01), false);
  setTimeout(() => e.set(), 10);
  assert.strictEqual(await e.wait(5), true);
  assert.ok(e.isSet());
  const s = new w.Semaphore(2);
  assert.ok(s.tryAcquire()); assert.ok(await s.acquire()); assert.strictEqual(s.tryAcquire(), false);
  s.release(2);
  const b = new w.BoundedSemaphore(1);
  assert.throws(() => b.release(), (x) => x instanceof w.ValueError && x.message === 'Semaphore released too many times');
});

test('Barrier: the action runs once, parties get distinct indexes; abort breaks it', async () => {
  let actions = 0;
  const b = new w.Barrier(3, () => { actions++; });
  const idx = await Promise.all([b.wait(), b.wait(), b.wait()]);
  assert.deepStrictEqual(idx.sort(), [0, 1, 2]);
  assert.strictEqual(actions, 1);
  const p = b.wait();
  b.abort();
  await assert.rejects(p, w.BrokenBarrierError);
});

test('Thread runs its target with args on a weft thread; join; start twice fails', async () => {
  const seen = [];
  const t = new w.Thread({ target: (a, b) => seen.push(a + b), args: [2, 3], name: 'adder' });
  assert.strictEqual(t.name, 'adder');
  assert.strictEqual(t.isAlive(), false);
  t.start();
  assert.strictEqual(await t.join(5), true);
  assert.deepStrictEqual(seen, [5]);
  assert.throws(() => t.start(), (e) => e.message === 'threads can only be started once');
  const u = new w.Thread({ target: () => {} });
  await assert.rejects(u.join(), (e) => e.message === 'cannot join thread before it is started');
});

test('Timer fires once, and never after cancel', async () => {
  let fired = 0;
  const t = new w.Timer(0.01, () => fired++);
  t.start();
  await t.join();
  const c = new w.Timer(5, () => fired++);
  c.start();
  c.cancel();
  await c.join(5);
  assert.strictEqual(fired, 1);
});

test('A Timer cancelled before start never runs and does not keep the process alive', () => {
  const { spawnSync } = require('node:child_process');
  const script = `const w = require(${JSON.stringify(path.join(__dirname, '..'))});
    const t = new w.Timer(0.01, () => console.log('fired'));
    t.cancel(); t.start(); console.log('started');`;
  const r = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8', timeout: 10000 });
  assert.notStrictEqual(r.error?.code, 'ETIMEDOUT', 'the process hung');
  assert.strictEqual(r.stdout, 'started\n');
  assert.strictEqual(r.status, 0);
});

test('Queues carry strings, numbers, Buffers and objects, in their order', async () => {
  const q = new w.Queue(2);
  await q.put('a'); await q.put(1.5);
  assert.ok(q.full());
  await assert.rejects(q.put('x', { timeout: 0.01 }), w.Full);
  assert.deepStrictEqual([await q.get(), await q.get()], ['a', 1.5]);
  await assert.rejects(q.get(0.01), w.Empty);
  const lifo = new w.LifoQueue();
  lifo.putNowait(Buffer.from('x')); lifo.putNowait({ k: [1] });
  assert.deepStrictEqual(lifo.getNowait(), { k: [1] });
  assert.deepStrictEqual(Buffer.from(lifo.getNowait()), Buffer.from('x'));
  const pq = new w.PriorityQueue();
  pq.putNowait('low', { priority: 5 }); pq.putNowait('high', { priority: 1 });
  assert.strictEqual(pq.getNowait(), 'high');
  const sq = new w.SimpleQueue();
  sq.putNowait(7);
  assert.strictEqual(await sq.get(), 7);
  q.putNowait('left'); // freed with the queue, by C's free()
  q.shutdown();
  await assert.rejects(q.put('y'), w.ShutDown);
  q.close();
});

test('the same weft queue is used from two worker_threads', async () => {
  const inbox = new w.Queue();
  const outbox = new w.Queue();
  const workers = [0, 1].map(() => new Worker(path.join(__dirname, '..', 'fixtures', 'queue_worker.js'),
    { workerData: { inbox: inbox.address, outbox: outbox.address } }));
  // Listening from the start: a worker may exit before the test gets to wait for it.
  const exited = workers.map((wk) => new Promise((r) => wk.on('exit', r)));
  const items = [1, 2, 'ab', Buffer.from('z'), 10];
  for (const v of items) await inbox.put(v);
  const got = [];
  for (let i = 0; i < items.length; i++) got.push(await outbox.get(10));
  await inbox.put(null); await inbox.put(null);
  await Promise.all(exited);
  const norm = got.map((v) => (typeof v === 'object' ? Buffer.from(v).toString() : v));
  assert.deepStrictEqual(norm.sort(), [2, 4, 20, 'abab', 'zz'].sort());
});

test('ThreadPoolExecutor: futures are Promises; exceptions and cancellation', async () => {
  const pool = new w.ThreadPoolExecutor({ maxWorkers: 2, threadNamePrefix: 'p' });
  assert.strictEqual(pool.maxWorkers, 2);
  assert.deepStrictEqual(await Promise.all([1, 2, 3, 4].map((i) => pool.submit((x) => x * x, i))), [1, 4, 9, 16]);
  await assert.rejects(pool.submit(() => { throw new Error('task failed'); }), /task failed/);
  await pool.shutdown();
  assert.throws(() => pool.submit(() => 1), (e) => e.message === 'cannot schedule new futures after shutdown');
  assert.strictEqual(w.pending(), 0);
});

test('cross-language: a lock and a queue made by C, used by both sides', async () => {
  const { C, koffi } = w;
  const lockOut = [null];
  assert.strictEqual(C.weft_lock_new(lockOut), 0);
  const qOut = [null];
  assert.strictEqual(C.weft_queue_new(0, 0, null, qOut), 0);
  const lock = w.Lock.fromHandle(lockOut[0]);
  const queue = w.Queue.fromHandle(qOut[0]);
  assert.strictEqual(C.weft_lock_acquire(lockOut[0], false, -1), 0); // C takes it
  assert.strictEqual(lock.tryAcquire(), false);                      // JS sees it held
  assert.strictEqual(C.weft_lock_release(lockOut[0]), 0);
  assert.strictEqual(lock.tryAcquire(), true);                       // and released
  assert.strictEqual(C.weft_lock_locked(lockOut[0]), true);          // C sees JS's hold
  lock.release();
  await queue.put('from JS');
  const item = [null];
  assert.strictEqual(C.weft_queue_get(qOut[0], false, -1, item), 0); // C gets JS's item
  assert.strictEqual(w.decode(item[0]), 'from JS');
  assert.strictEqual(C.weft_queue_put(qOut[0], w.encode([1, 'C']), false, -1), 0);
  assert.deepStrictEqual(await queue.get(1), [1, 'C']);
  C.weft_lock_free(lockOut[0]);
  C.weft_queue_free(qOut[0]);
  assert.strictEqual(lock.locked(), false); // still alive through the binding's own reference
  void koffi;
});
