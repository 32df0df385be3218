// PyMOTW threading_condition: two consumers wait on a Condition until the producer makes the
// resource available and notifies them all. The tutorial starts the producer two seconds after
// the consumers so that they are already waiting; here the consumers wait for a predicate
// (Python's wait_for), so a notify can never be missed, however the three are scheduled.
'use strict';
const w = require('..');
const log = (name, msg) => console.log(`(${name.padEnd(2)}) ${msg}`);
let available = false;

// wait for the condition and use the resource
async function consumer(name, cond) {
  log(name, 'Starting consumer thread');
  await cond.withLock(async () => {
    await cond.waitFor(() => available);
    log(name, 'Resource is available to consumer');
  });
}

// set up the resource to be used by the consumer
async function producer(name, cond) {
  log(name, 'Starting producer thread');
  await cond.withLock(() => {
    log(name, 'Making resource available');
    available = true;
    cond.notifyAll();
  });
}

const condition = new w.Condition();
Promise.all([consumer('c1', condition), consumer('c2', condition), producer('p', condition)]);
