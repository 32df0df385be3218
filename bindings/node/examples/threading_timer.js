// PyMOTW threading_timer: two Timers (threads that run a function after a delay); t2 is
// cancelled before it fires and never runs. t1 is not a daemon, so it fires after main has
// printed "Main thread done": the script's natural end waits for it.
// The tutorial orders this with sleeps (3 s timers, cancelled after 2 s). Here main runs without
// yielding, so t1's function, which runs on the JS thread, can only come after main's last line,
// and t2's delay is long enough that the cancel, microseconds after its start, always wins.
'use strict';
const w = require('..');

function delayed(name) {
  console.log(`Worker running ${name}`);
}

const t1 = new w.Timer(0.2, delayed, ['t1']);
const t2 = new w.Timer(30, delayed, ['t2']);

console.log('Starting timers');
t1.start();
t2.start();

console.log('Waiting before canceling t2');
console.log('Canceling t2');
t2.cancel();
console.log('Main thread done');
