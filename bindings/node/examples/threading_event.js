// PyMOTW threading_event: Event.wait with and without a timeout (sleeps scaled down).
'use strict';
const w = require('..');
const e = new w.Event();
async function waitForEvent(e) {
  console.log('wait_for_event starting');
  const set = await e.wait();
  console.log(`event set: ${set}`);
}
// The event is set once the timed wait has timed out (the tutorial orders the two by sleeping
// longer than the timeout; here the order is kept without depending on the machine's speed).
let timedOut;
const firstTimeout = new Promise((resolve) => { timedOut = resolve; });
async function waitForEventTimeout(e, t) {
  while (!e.isSet()) {
    console.log('wait_for_event_timeout starting');
    const set = await e.wait(t);
    console.log(`event set: ${set}`);
    console.log(set ? 'processing event' : 'doing other work');
    if (!set) timedOut();
  }
}
const a = waitForEvent(e);
const b = waitForEventTimeout(e, 0.02);
console.log('Waiting before calling Event.set()');
firstTimeout.then(() => { e.set(); console.log('Event is set'); });
Promise.all([a, b]);
