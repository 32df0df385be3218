// PyMOTW threading_simple: five threads, each given a target function and started. Nothing joins
// them: like Python's interpreter, the script's natural end waits for non-daemon threads.
'use strict';
const w = require('..');

// thread worker function
function worker() {
  console.log('Worker');
}

for (let i = 0; i < 5; i++) {
  new w.Thread({ target: worker }).start();
}
