// PyMOTW threading_simpleargs: passing an argument to the thread's target (Python's args=(i,)).
'use strict';
const w = require('..');

// thread worker function
function worker(num) {
  console.log(`Worker: ${num}`);
}

for (let i = 0; i < 5; i++) {
  new w.Thread({ target: worker, args: [i] }).start();
}
