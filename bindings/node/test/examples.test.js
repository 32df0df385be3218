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
