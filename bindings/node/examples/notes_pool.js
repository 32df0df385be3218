// notes: a ThreadPoolExecutor; each submit returns a Promise of the task's result, collected in
// submission order whatever order the three workers finish in.
'use strict';
const w = require('..');

(async () => {
  const pool = new w.ThreadPoolExecutor({ maxWorkers: 3, threadNamePrefix: 'square' });
  try {
    const squares = await Promise.all([0, 1, 2, 3, 4].map((i) => pool.submit((x) => x * x, i)));
    console.log(`squares: ${squares.join(' ')}`);
  } finally {
    await pool.shutdown();
  }
})();
