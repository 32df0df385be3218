'use strict';
const test = require('node:test');
const assert = require('node:assert');
const { spawnSync } = require('node:child_process');
const path = require('node:path');

function run(name) {
  const r = spawnSync(process.execPath, [path.join(__dirname, '..', 'examples', `${name}.js`)],
    { encoding: 'utf8', timeout: 10000 });
  assert.strictEqual(r.status, 0, r.stderr);
  return r.stdout.split('\n').filter(Boolean);
}

/** The same lines in any order (a multiset). */
function sameLines(lines, expected) {
  assert.deepStrictEqual([...lines].sort(), [...expected].sort());
}

/** `a` is printed before `b`. */
function before(lines, a, b) {
  assert.ok(lines.includes(a) && lines.includes(b), `missing ${a} or ${b}`);
  assert.ok(lines.indexOf(a) < lines.indexOf(b), `${a} not before ${b}`);
}

test('threading_event: the timed wait times out first; both see the event set', () => {
  const lines = run('threading_event');
  assert.ok(lines.includes('event set: false'));
  assert.ok(lines.indexOf('Event is set') < lines.lastIndexOf('event set: true'));
  assert.strictEqual(lines.filter((l) => l === 'event set: true').length, 2);
  assert.ok(lines.includes('processing event'));
});

test('notes_producer_consumer: every item consumed once, in order, before join returns', () => {
  assert.deepStrictEqual(run('notes_producer_consumer'),
    [0, 1, 2, 3, 4].map((i) => `consumed item-${i}`).concat(['all done']));
});

test('threading_simple: five threads each print "Worker"', () => {
  assert.deepStrictEqual(run('threading_simple'), Array(5).fill('Worker'));
});

test('threading_simpleargs: "Worker: 0".."Worker: 4", in any order', () => {
  sameLines(run('threading_simpleargs'), [0, 1, 2, 3, 4].map((i) => `Worker: ${i}`));
});

test('threading_lock: each worker sleeps and takes the lock 3 times, then Done; Counter: 15', () => {
  const lines = run('threading_lock');
  for (let i = 1; i <= 5; i++) {
    const prefix = `(${`worker-${i}`.padEnd(10)}) `;
    const msgs = lines.filter((l) => l.startsWith(prefix)).map((l) => l.slice(prefix.length));
    assert.strictEqual(msgs.filter((m) => m === 'Acquired lock').length, 3, msgs.join('\n'));
    assert.strictEqual(msgs.filter((m) => /^Sleeping \d\.\d\d$/.test(m)).length, 3, msgs.join('\n'));
    assert.strictEqual(msgs[msgs.length - 1], 'Done');
  }
  assert.ok(lines.includes('(MainThread) Waiting for worker threads'));
  assert.strictEqual(lines.length, 5 * 7 + 2);
  assert.strictEqual(lines[lines.length - 1], '(MainThread) Counter: 15');
});

test('threading_lock_with: both the scoped and the try/finally worker get the lock', () => {
  sameLines(run('threading_lock_with'), ['Lock acquired via with', 'Lock acquired directly']);
});

test('threading_lock_reacquire: a Lock is not reentrant', () => {
  assert.deepStrictEqual(run('threading_lock_reacquire'), ['First try: true', 'Second try: false']);
});

test('threading_rlock: an RLock is, the second try succeeds', () => {
  assert.deepStrictEqual(run('threading_rlock'), ['First try: true', 'Second try: true']);
});

test('threading_condition: both consumers see the resource after the producer made it', () => {
  const lines = run('threading_condition');
  sameLines(lines, [
    '(c1) Starting consumer thread', '(c2) Starting consumer thread',
    '(p ) Starting producer thread', '(p ) Making resource available',
    '(c1) Resource is available to consumer', '(c2) Resource is available to consumer',
  ]);
  before(lines, '(c1) Starting consumer thread', '(c2) Starting consumer thread');
  before(lines, '(c2) Starting consumer thread', '(p ) Starting producer thread');
  for (const c of ['c1', 'c2']) {
    before(lines, '(p ) Making resource available', `(${c}) Resource is available to consumer`);
  }
});

test('threading_semaphore: never more than 5 active; each of the 20 workers runs once', () => {
  const names = [];
  for (const line of run('threading_semaphore')) {
    const m = /^\((\d+) ?\) Running: \[(.*)\]$/.exec(line);
    assert.ok(m, `unexpected line ${line}`);
    const active = m[2].split(', ').map((n) => n.replace(/'/g, ''));
    assert.ok(active.length <= 5, `more than 5 active: ${line}`);
    assert.ok(active.includes(m[1]), `${m[1]} not in its pool: ${line}`);
    names.push(Number(m[1]));
  }
  assert.deepStrictEqual(names.sort((a, b) => a - b), Array.from({ length: 20 }, (_, i) => i));
});

test('threading_timer: t2 is cancelled and never runs; t1 runs after main is done', () => {
  assert.deepStrictEqual(run('threading_timer'), [
    'Starting timers', 'Waiting before canceling t2', 'Canceling t2', 'Main thread done',
    'Worker running t1',
  ]);
});

test('threading_daemon_join_timeout: the daemon is alive after the timed join, never exits', () => {
  sameLines(run('threading_daemon_join_timeout'), [
    'Starting: daemon', 'Starting: non-daemon', 'Exiting : non-daemon', 'd.isAlive() true',
  ]);
});

test('course_lock_f: three "got lock" lines (the script fails if two hold the lock at once)', () => {
  sameLines(run('course_lock_f'), [1, 2, 3].map((i) => `worker-${i} got lock`));
});

test('course_nonblocking: "couldn\'t get lock" while held, then "got lock"', () => {
  assert.deepStrictEqual(run('course_nonblocking'), ["couldn't get lock", 'got lock']);
});

test('notes_pool: the pool\'s results, in submission order', () => {
  assert.deepStrictEqual(run('notes_pool'), ['squares: 0 1 4 9 16']);
});
