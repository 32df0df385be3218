// Course "Nonblocking Locking": a non-blocking acquire (Python's acquire(False)) returns at once,
// false while the lock is held and true once it is free.
'use strict';
const w = require('..');

(async () => {
  const lock = new w.Lock();
  await lock.acquire();
  if (!lock.tryAcquire()) console.log("couldn't get lock");
  lock.release();
  if (lock.tryAcquire()) console.log('got lock');
  lock.release();
})();
