import { describe, expect, it } from 'vitest';
import { ByteBudget, WholeFileBuffers } from '../../electron/core/ingest/byte-budget.ts';

const MiB = 1024 * 1024;
/** Resolves on the next macrotask: by then every acquire that can proceed has. */
const tick = () => new Promise<void>((r) => setImmediate(r));

describe('ByteBudget', () => {
  it('lets requests through while they fit, holds the rest until bytes are given back', async () => {
    const b = new ByteBudget(32 * MiB);
    const order: string[] = [];
    const take = (name: string, n: number) => b.acquire(n).then((release) => {
      order.push(name);
      return release;
    });
    const r1 = await take('8a', 8 * MiB);
    const r2 = await take('8b', 8 * MiB);
    const r3 = await take('8c', 8 * MiB);
    const p4 = take('24', 24 * MiB);
    const p5 = take('1', 1 * MiB); // fits, but waits behind the larger request: first come, first served
    await tick();
    expect(order).toEqual(['8a', '8b', '8c']);
    r1();
    r1(); // a second release gives nothing back twice
    await tick();
    expect(order).toEqual(['8a', '8b', '8c']); // 24 MiB do not fit beside the 16 MiB still held
    r2();
    await tick();
    expect(order).toEqual(['8a', '8b', '8c', '24']); // and the 1 MiB behind it does not fit beside 32
    r3();
    await tick();
    expect(order).toEqual(['8a', '8b', '8c', '24', '1']);
    (await p4)();
    (await p5)();
  });

  it('takes a request larger than the whole budget as the whole budget, once nothing else is held', async () => {
    const b = new ByteBudget(8 * MiB);
    const small = await b.acquire(MiB);
    let got = false;
    const big = b.acquire(100 * MiB).then((r) => {
      got = true;
      return r;
    });
    await tick();
    expect(got).toBe(false);
    small();
    await tick();
    expect(got).toBe(true);
    (await big)();
  });

  it('hands out two sizes of buffer only, reused, so a thread holds at most its slots whatever the files', async () => {
    const pool = new WholeFileBuffers(2, 1, 8 * MiB);
    const a = await pool.take(210_000); // a camera JPEG: a small buffer
    expect(a.buffer.length).toBe(MiB);
    const b = await pool.take(100); // the second small slot
    let third = false;
    const c = pool.take(500_000).then((r) => {
      third = true;
      return r;
    });
    await tick();
    expect(third).toBe(false); // two small slots
    a.release();
    expect((await c).buffer).toBe(a.buffer); // the same memory again, not a new allocation
    const big = await pool.take(4_100_000); // a phone photo: the one large buffer
    expect(big.buffer.length).toBe(8 * MiB);
    let second = false;
    const big2 = pool.take(8 * MiB).then((r) => {
      second = true;
      return r;
    });
    await tick();
    expect(second).toBe(false);
    big.release();
    expect((await big2).buffer).toBe(big.buffer);
    b.release();
    (await c).release();
    (await big2).release();
  });
});
