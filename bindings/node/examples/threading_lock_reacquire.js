// PyMOTW threading_lock_reacquire: a Lock is not reentrant, so a second, non-blocking acquire by
// the same code fails while the first is held.
'use strict';
const w = require('..');
const lock = new w.Lock();

function second() {
  console.log(`Second try: ${lock.tryAcquire()}`); // lock.acquire(False)
}

async function first() {
  console.log(`First try: ${await lock.acquire()}`);
  second();
}

first();
