// PyMOTW threading_lock: five workers increment a Lock-protected counter three times each,
// pausing a random time before each increment (sleeps scaled down by 1/20); main waits for them
// all, then prints the total, 15. The workers are async functions: JS runs on one thread, and
// each `await lock.acquire()` waits on a weft lock off the JS thread.
'use strict';
const w = require('..');
const sleep = (s) => new Promise((resolve) => setTimeout(resolve, s * 1000));
const debug = (name, msg) => console.log(`(${name.padEnd(10)}) ${msg}`);

class Counter {
  constructor(start = 0) {
    this.lock = new w.Lock();
    this.value = start;
  }
  async increment(name) {
    await this.lock.acquire();
    try {
      debug(name, 'Acquired lock');
      this.value = this.value + 1;
    } finally {
      this.lock.release();
    }
  }
}

async function worker(name, c) {
  for (let i = 0; i < 3; i++) {
    const pause = Math.random();
    debug(name, `Sleeping ${pause.toFixed(2)}`);
    await sleep(pause / 20);
    await c.increment(name);
  }
  debug(name, 'Done');
}

(async () => {
  const counter = new Counter();
  const workers = [1, 2, 3, 4, 5].map((i) => worker(`worker-${i}`, counter));
  debug('MainThread', 'Waiting for worker threads');
  await Promise.all(workers);
  debug('MainThread', `Counter: ${counter.value}`);
})();
