// PyMOTW threading_lock_with: a lock taken by a scoped block (Python's `with lock:`, here
// withLock, which releases it however the block ends) and by acquire/try/finally.
'use strict';
const w = require('..');

async function workerWith(lock) {
  await lock.withLock(() => {
    console.log('Lock acquired via with');
  });
}

async function workerNoWith(lock) {
  await lock.acquire();
  try {
    console.log('Lock acquired directly');
  } finally {
    lock.release();
  }
}

const lock = new w.Lock();
Promise.all([workerWith(lock), workerNoWith(lock)]);
