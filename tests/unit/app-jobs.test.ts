// The job runner: exclusive jobs run one at a time in order, others beside them; cancellation;
// progress throttled with rate and time left; failures reported as events.
import { describe, expect, it } from 'vitest';
import type { JobEvent, JobResult } from '../../electron/common/ipc.ts';
import { JobRunner, progressView } from '../../electron/core/jobs/runner.ts';
import { toIpcError } from '../../electron/core/service/errors.ts';

const result: JobResult = { kind: 'derivatives', report: { made: 0, existing: 0, unsupported: 0, failed: 0 } };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('JobRunner', () => {
  it('runs exclusive jobs in order and non-exclusive ones at once', async () => {
    const order: string[] = [];
    const events: JobEvent[] = [];
    const r = new JobRunner((e) => events.push(e), toIpcError);
    const job = (name: string, exclusive: boolean, ms: number) => r.start({ kind: 'verifyArchive', exclusive, run: async () => {
      order.push(`${name}:start`);
      await sleep(ms);
      order.push(`${name}:end`);
      return result;
    } });
    job('a', true, 40);
    job('b', true, 10);
    job('c', false, 5);
    await expect.poll(() => r.busy(), { timeout: 2000 }).toBe(false);
    expect(order.indexOf('a:end')).toBeLessThan(order.indexOf('b:start'));
    expect(order.indexOf('c:end')).toBeLessThan(order.indexOf('a:end'));
    expect(events.filter((e) => e.type === 'state' && e.job.state === 'done')).toHaveLength(3);
  });

  it('cancels a running job through its signal and a queued one before it starts', async () => {
    const events: JobEvent[] = [];
    const r = new JobRunner((e) => events.push(e), toIpcError);
    const running = r.start({ kind: 'ingest', exclusive: true, run: (ctx) => new Promise((_res, rej) => ctx.signal.addEventListener('abort', () => rej(new Error('aborted')))) });
    let ran = false;
    const queued = r.start({ kind: 'export', exclusive: true, run: async () => {
      ran = true;
      return result;
    } });
    expect(r.cancel(queued)).toBe(true);
    expect(r.cancel(running)).toBe(true);
    await expect.poll(() => r.list().find((j) => j.id === running)?.state).toBe('cancelled');
    expect(r.list().find((j) => j.id === queued)?.state).toBe('cancelled');
    expect(ran).toBe(false);
    expect(r.cancel('nope')).toBe(false);
  });

  it('reports a failure with its code and message', async () => {
    const r = new JobRunner(() => {}, toIpcError);
    const id = r.start({ kind: 'verifyBag', exclusive: false, run: async () => {
      throw new Error('bag folder unreadable');
    } });
    await expect.poll(() => r.list().find((j) => j.id === id)?.state).toBe('failed');
    expect(r.list().find((j) => j.id === id)?.error).toEqual({ code: 'FAILED', message: 'bag folder unreadable' });
  });

  it('throttles progress and keeps the last sample', async () => {
    const events: JobEvent[] = [];
    const r = new JobRunner((e) => events.push(e), toIpcError, 50);
    r.start({ kind: 'ingest', exclusive: true, run: async (ctx) => {
      for (let i = 1; i <= 100; i++) ctx.progress({ filesDone: i, filesTotal: 100, bytesDone: i * 10, bytesTotal: 1000, currentFile: `f${i}` });
      return result;
    } });
    await expect.poll(() => r.busy()).toBe(false);
    const p = events.filter((e) => e.type === 'progress');
    expect(p.length).toBeLessThan(10);
    expect(p.at(-1)?.type === 'progress' && p.at(-1)!.progress.filesDone).toBe(100);
  });

  it('computes rate and time left from bytes', () => {
    const v = progressView({ filesDone: 1, filesTotal: 2, bytesDone: 500, bytesTotal: 1500, currentFile: null }, 0, 5000);
    expect(v.rateBytesPerSec).toBe(100);
    expect(v.etaSec).toBe(10);
    expect(progressView({ filesDone: 0, filesTotal: 2, bytesDone: 0, bytesTotal: 1500, currentFile: null }, 0, 5000).etaSec).toBeNull();
  });
});
