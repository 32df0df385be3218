// Compiled by tsc --noEmit --strict in types.test.js: the declarations as a user writes them.
import * as w from '..';
async function main(): Promise<void> {
  const l = new w.Lock();
  const ok: boolean = await l.acquire(1);
  const n: number = await l.withLock(() => 1);
  const q = new w.Queue<string>(2);
  await q.put('x', { timeout: 1 });
  const s: string = await q.get();
  const t = new w.Thread({ target: (a: number) => a + 1, args: [1], name: 't' });
  t.start();
  await t.join();
  const pool = new w.ThreadPoolExecutor({ maxWorkers: 2 });
  const r: number = await pool.submit((x: number) => x * 2, 3);
  const b = new w.Barrier(2);
  const i: number = await b.wait();
  try { l.release(); } catch (e) { if (e instanceof w.WeftError) console.log(e.status, e.message); }
  const q2: w.Queue = w.Queue.fromAddress(q.address);
  void [ok, n, s, r, i, q2];
}
void main;
