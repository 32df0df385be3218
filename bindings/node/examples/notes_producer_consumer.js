// notes: a Queue between a producer and a consumer, with task_done and join.
'use strict';
const w = require('..');
const q = new w.Queue();
async function consumer() {
  for (;;) {
    const item = await q.get();
    if (item === null) break;
    console.log(`consumed ${item}`);
    q.taskDone();
  }
}
(async () => {
  const c = consumer();
  for (let i = 0; i < 5; i++) await q.put(`item-${i}`);
  await q.join();
  console.log('all done');
  await q.put(null);
  await c;
})();
