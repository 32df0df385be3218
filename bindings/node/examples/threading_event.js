// PyMOTW threading_event: Event.wait with and without a timeout (sleeps scaled down).
'use strict';
const w = require('..');
const e = new w.Event();
async function waitForEvent(e) {
  console.log('wait_for_event starting');
  const set = await e.wait();
  console.log(`event set: ${set}`);
}
async function waitForEventTimeout(e, t) {
  while (!e.isSet()) {
    console.log('wait_for_event_timeout starting');
    const set = await e.wait(t);
    console.log(`event set: ${set}`);
    console.log(set ? 'processing event' : 'doing other work');
  }
}
const a = waitForEvent(e);
const b = waitForEventTimeout(e, 0.02);
console.log('Waiting before calling Event.set()');
setTimeout(() => { e.set(); console.log('Event is set'); }, 50);
Promise.all([a, b]);
