// The desktop ingest fills replicas as the CLI's ingest does (issue 15 §3): the objects a job
// added are copied, verified, to every connected replica, recorded by a `replication` custody
// event (trigger "ingest"); a replica not reached is a warning in the job's result, never a
// failure of the ingest.
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { JobEvent, JobResult } from '../../electron/common/ipc.ts';
import { createArchiveService } from '../../electron/core/service/service.ts';
import { cliJson, runCli } from '../helpers/cli-inprocess.ts';

const work = mkdtempSync(join(tmpdir(), 'ea-desktop-replicas-'));
const archive = join(work, 'archive');
const replica = join(work, 'drive-b', 'replica');
const sha = (b: string) => createHash('sha256').update(b).digest('hex');
const objectIn = (root: string, s: string) => join(root, 'objects', 'sha256', s.slice(0, 2), s.slice(2, 4), s);
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('desktop ingest and replicas', () => {
  const events: JobEvent[] = [];
  const service = createArchiveService({
    settingsFile: join(work, 'settings.json'), appInfo: { version: 'test', platform: process.platform, packaged: false }, threads: 2,
    autoDerivatives: false, emit: (e) => events.push(e),
  });
  const h = service.handlers;
  const ingest = async (dir: string): Promise<Extract<JobResult, { kind: 'ingest' }>['report']> => {
    const { jobId } = await h['jobs.start']({ kind: 'ingest', inputs: [dir] });
    await expect.poll(() => events.some((e) => e.type === 'state' && e.job.id === jobId && e.job.state === 'done'), { timeout: 30_000 }).toBe(true);
    const job = events.flatMap((e) => (e.type === 'state' && e.job.id === jobId && e.job.state === 'done' ? [e.job] : []))[0]!;
    if (job.result?.kind !== 'ingest') throw new Error('not an ingest result');
    return job.result.report;
  };

  it('copies what a desktop ingest added to the connected replica, and records it', async () => {
    expect((await runCli('init', archive)).code).toBe(0);
    mkdirSync(replica, { recursive: true });
    const add = await runCli('replica', 'add', replica, '--name', 'drive-b', '--archive', archive);
    expect(add.code, add.err).toBe(0);
    const card = join(work, 'card1');
    mkdirSync(card);
    writeFileSync(join(card, 'a.txt'), 'statement one\n');
    writeFileSync(join(card, 'b.txt'), 'statement two\n');
    await h['archive.open']({ dir: archive, create: false });
    const report = await ingest(card);
    expect(report.counts.added).toBe(2);
    expect(report.replicas).toEqual([{ name: 'drive-b', copied: 2 }]);
    expect(report.replicaWarnings).toEqual([]);
    for (const text of ['statement one\n', 'statement two\n']) expect(readFileSync(objectIn(replica, sha(text)), 'utf8')).toBe(text);
    await h['archive.close']({});
    const log = await cliJson<{ events: { type: string; detail: Record<string, unknown> }[] }>('log', '--json', '--archive', archive);
    expect(log.events.filter((e) => e.type === 'replication' && e.detail.action === 'replica sync')).toEqual([expect.objectContaining({ detail: expect.objectContaining({ replica: 'drive-b', trigger: 'ingest', copied: 2 }) })]);
  });

  it('warns, and still ingests, when the replica is not connected', async () => {
    renameSync(join(work, 'drive-b'), join(work, 'drive-b-away'));
    const card = join(work, 'card2');
    mkdirSync(card);
    writeFileSync(join(card, 'c.txt'), 'statement three\n');
    await h['archive.open']({ dir: archive, create: false });
    const report = await ingest(card);
    expect(report.counts.added).toBe(1);
    expect(report.replicas).toEqual([]);
    expect(report.replicaWarnings).toEqual([expect.stringMatching(/drive-b.*not updated \(run `evidence replica sync drive-b` when it is back\)/u)]);
    await h['archive.close']({});
  });
});
