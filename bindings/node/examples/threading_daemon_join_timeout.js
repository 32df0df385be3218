// PyMOTW threading_daemon_join_timeout: join(timeout) gives up before the daemon finishes, so it
// is still alive afterwards; the script then ends and the daemon is abandoned, its last line
// never printed. A thread's body runs on the JS thread, which cannot sleep, so the daemon's
// sleep is a Timer's delay (a Timer is a thread that waits, then runs its function); the delay
// is long, as the process does not wait for a daemon, so the join always times out.
'use strict';
const w = require('..');

const d = new w.Timer(60, () => console.log('Exiting : daemon'));
d.daemon = true;

const t = new w.Thread({
  name: 'non-daemon',
  target() {
    console.log(`Starting: ${t.name}`);
    console.log(`Exiting : ${t.name}`);
  },
});

(async () => {
  console.log('Starting: daemon');
  d.start();
  t.start();
  await d.join(0.1); // d.join(1): resolves false when the time is up
  console.log(`d.isAlive() ${d.isAlive()}`);
  await t.join();
})();
