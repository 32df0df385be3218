// PyMOTW threading_semaphore: twenty workers share a Semaphore(5), so at most five are in the
// ActivePool at once; each logs the pool when it gets in, then sleeps up to 1 s (scaled down to
// 0.05 s). The pool's list needs no lock here: JS code runs on one thread, and nothing awaits
// between reading and changing it. (With a weft Lock around it, the 15 workers blocked in
// `s.acquire()` would hold libuv's 4 pool threads, and the lock's acquire would wait behind them.)
'use strict';
const w = require('..');
const sleep = (s) => new Promise((resolve) => setTimeout(resolve, s * 1000));

class ActivePool {
  constructor() { this.active = []; }
  makeActive(name) { this.active.push(name); }
  makeInactive(name) { this.active.splice(this.active.indexOf(name), 1); }
  toString() { return `[${this.active.map((n) => `'${n}'`).join(', ')}]`; }
}

async function worker(s, pool, name) {
  await s.withLock(async () => { // with s:
    pool.makeActive(name);
    if (pool.active.length > 5) throw new Error(`more than 5 active: ${pool}`);
    console.log(`(${name.padEnd(2)}) Running: ${pool}`);
    await sleep(Math.random() / 20);
    pool.makeInactive(name);
  });
}

const pool = new ActivePool();
const s = new w.Semaphore(5);
Promise.all(Array.from({ length: 20 }, (_, i) => worker(s, pool, String(i))));
