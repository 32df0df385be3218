'use strict';
const test = require('node:test');
const assert = require('node:assert');
const { spawnSync } = require('node:child_process');
const path = require('node:path');

test('index.d.ts type-checks with tsc --strict', () => {
  const tsc = require.resolve('typescript/bin/tsc');
  const r = spawnSync(process.execPath, [tsc, '--noEmit', '--strict', '--target', 'es2022',
    '--module', 'commonjs', '--lib', 'es2022,esnext.disposable', '--types', 'node',
    path.join(__dirname, 'types-check.ts')], { encoding: 'utf8', cwd: path.join(__dirname, '..'), timeout: 60000 });
  assert.strictEqual(r.status, 0, r.stdout + r.stderr);
});
