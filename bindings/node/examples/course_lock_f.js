// Course "Locks": three workers run f(), which holds the lock while it prints and sleeps (1 s,
// scaled to 0.05 s), so they take it in turn. The script fails if two are ever inside at once.
'use strict';
const w = require('..');
const sleep = (s) => new Promise((resolve) => setTimeout(resolve, s * 1000));
const lock = new w.Lock();
let holders = 0; // workers between acquire and release: never more than 1

async function f(name) {
  await lock.withLock(async () => {
    if (++holders !== 1) throw new Error('two workers hold the lock');
    console.log(`${name} got lock`);
    await sleep(0.05);
    holders--;
  });
}

for (let i = 1; i <= 3; i++) f(`worker-${i}`);
