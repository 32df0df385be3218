'use strict';
// Every exit path, with daemon and non-daemon weft threads, with and without callbacks into JS,
// ends in bounded time with the documented output (README.md, "Exit").
const test = require('node:test');
const assert = require('node:assert');
const { spawnSync } = require('node:child_process');
const path = require('node:path');

const scenario = path.join(__dirname, '..', 'fixtures', 'exit_scenario.js');

function run(...args) {
  const r = spawnSync(process.execPath, [scenario, ...args], { encoding: 'utf8', timeout: 10000 });
  assert.notStrictEqual(r.error?.code, 'ETIMEDOUT', `hung: ${args.join(' ')}`);
  return r;
}

const expected = {
  // A natural end waits for non-daemon work (the callback runs, the get times out) but not for
  // daemon work: the daemon timer's callback never runs.
  natural: { code: 0, signal: null, lines: {
    'daemon callback': ['main done'],
    'daemon nocallback': ['main done', 'wait ended false'],
    'nondaemon callback': ['main done', 'callback ran'],
    'nondaemon nocallback': ['main done', 'get ended Empty'],
  } },
  exit: { code: 3, signal: null },
  throw: { code: 1, signal: null },
  sigterm: { code: null, signal: 'SIGTERM' },
};

for (const how of Object.keys(expected)) {
  for (const kind of ['daemon', 'nondaemon']) {
    for (const cb of ['callback', 'nocallback']) {
      test(`${how}, ${kind}, ${cb}`, () => {
        const r = run(how, kind, cb);
        const e = expected[how];
        assert.strictEqual(r.status, e.code, r.stderr);
        assert.strictEqual(r.signal, e.signal);
        const lines = r.stdout.split('\n').filter(Boolean);
        assert.deepStrictEqual(lines, e.lines ? e.lines[`${kind} ${cb}`] : ['main done']);
        if (how === 'throw') assert.match(r.stderr, /Error: uncaught/);
      });
    }
  }
}
