// PyMOTW threading_rlock: threading_lock_reacquire with an RLock, which its owner (here the JS
// thread) may acquire again, so the second try succeeds.
'use strict';
const w = require('..');
const lock = new w.RLock();

function second() {
  console.log(`Second try: ${lock.tryAcquire()}`); // lock.acquire(False)
}

function first() {
  console.log(`First try: ${lock.acquireSync()}`);
  second();
}

first();
