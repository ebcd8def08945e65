// Issue 11 part 2, each recovery path on its own: the steps of exportEvidenceSet run in-process and
// stopped where a kill would stop them, then the state checked (verify clean, the half-made folder
// refused, transfer refused) and recoverInterruptedExports run (removes or finishes).
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, renameSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openArchive, type Archive } from '../../electron/core/archive.ts';
import { listCustodyEvents } from '../../electron/core/custody/log.ts';
import {
  checkExportTarget, exportEvidenceSet, ExportTargetError, prepareExport, recordExportComplete, recordExportInProgress, writeExportDraft,
  type ExportOptions, type ExportPlan,
} from '../../electron/core/export/evidence-set.ts';
import { publishBag } from '../../electron/core/export/publish.ts';
import { recoverInterruptedExports } from '../../electron/core/export/recovery.ts';
import { getExportRun, recordExportZipped } from '../../electron/core/export/runs.ts';
import { writeZipPartial } from '../../electron/core/export/zip.ts';
import { completeBag } from '../../electron/core/export/bagit.ts';
import { verifyBag } from '../../electron/core/verify/bag.ts';
import { runCli } from '../helpers/cli-inprocess.ts';

const BAGCHECK = ['/work/shared/tools/bagcheck.py', join(__dirname, '..', '..', '..', 'shared', 'tools', 'bagcheck.py')].find((p) => existsSync(p));
const work = mkdtempSync(join(tmpdir(), 'ea-export-recovery-'));
const archiveDir = join(work, 'archive');
const A = ['--archive', archiveDir];
let ids: number[] = [];
let n = 0;

const sha256 = (p: string) => createHash('sha256').update(readFileSync(p)).digest('hex');
const stageEvents = (a: Archive, id: string) => listCustodyEvents(a.db).filter((e) => e.detail.exportId === id && e.item === null).map((e) => e.detail.stage ?? 'set');

async function withArchive<T>(fn: (a: Archive) => Promise<T>): Promise<T> {
  const a = await openArchive(archiveDir, { write: true });
  try {
    return await fn(a);
  } finally {
    await a.close();
  }
}

/** Runs the steps of an export up to `stop` (a kill right after it) and returns the plan. */
async function exportUntil(stop: 'started' | 'draft' | 'recorded' | 'declared' | 'published' | 'zipped', zip = true): Promise<ExportPlan> {
  const out = join(work, `set-${++n}`);
  return withArchive(async (a) => {
    const opts: ExportOptions = { itemIds: ids, outDir: out, actor: 'tester', zip, selection: { all: true } };
    const plan = prepareExport(a, opts);
    recordExportInProgress(a, plan);
    if (stop === 'started') return plan;
    const bag = await writeExportDraft(plan);
    if (stop === 'draft') return plan;
    recordExportComplete(a, plan, bag);
    if (stop === 'recorded') return plan;
    if (stop === 'declared') {
      await completeBag(plan.workDir, 'EXPORT-INCOMPLETE.txt');
      return plan;
    }
    await publishBag(plan.workDir, plan.bagDir);
    if (stop === 'published') return plan;
    const z = await writeZipPartial(plan.bagDir, plan.zipPath!);
    recordExportZipped(a.db, getExportRun(a.db, plan.exportId)!, z, 'tester');
    return plan;
  });
}

async function verifyClean(): Promise<void> {
  const v = await runCli('verify', ...A, '--operator', 'tester');
  expect(v.code, `${v.out}\n${v.err}`).toBe(0);
}

const recover = () => withArchive((a) => recoverInterruptedExports(a, { actor: 'tester' }));

beforeAll(async () => {
  const input = join(work, 'card');
  mkdirSync(input);
  writeFileSync(join(input, 'a.jpg'), 'photo a'.repeat(1000));
  writeFileSync(join(input, 'b.mov'), 'video b'.repeat(5000));
  const r = await runCli('ingest', input, ...A, '--operator', 'tester');
  expect(r.code, r.err).toBe(0);
  ids = (JSON.parse((await runCli('list', ...A, '--json')).out) as { id: number }[]).map((i) => i.id);
}, 60_000);
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('killed before the archive recorded the export', () => {
  it('right after "started": verify is clean, transfer refuses, recovery records it abandoned', async () => {
    const plan = await exportUntil('started');
    await verifyClean();
    const t = await runCli('transfer', '--to', 'Court', '--export', plan.exportId, ...A);
    // The transfer command itself recovers first, so the run is abandoned by then.
    expect(t.code).toBe(2);
    expect(t.err).toContain(`note: export ${plan.exportId} was interrupted before the archive recorded it; recorded as abandoned, it had written nothing`);
    expect(t.err).toContain(`export ${plan.exportId}: was abandoned before it was finished`);
    await withArchive(async (a) => {
      expect(getExportRun(a.db, plan.exportId)!.status).toBe('abandoned');
      expect(stageEvents(a, plan.exportId)).toEqual(['started', 'abandoned']);
    });
    await verifyClean();
  });

  it('with the bag written: the folder is refused by verify-bag and bagcheck.py, and recovery removes it', async () => {
    const plan = await exportUntil('draft');
    expect(readdirSync(plan.workDir).sort()).toEqual(['EXPORT-INCOMPLETE.txt', 'bag-info.txt', 'data', 'evidence', 'manifest-sha256.txt', 'tagmanifest-sha256.txt']);
    const reasons = (await verifyBag(plan.workDir)).problems.map((p) => `${p.file}: ${p.reason}`);
    expect(reasons).toContain('bagit.txt: bag declaration bagit.txt is missing (RFC 8493 §2.1.1)');
    expect(reasons[0]).toMatch(/^EXPORT-INCOMPLETE\.txt: an unfinished export, not an evidence set/u);
    const cli = await runCli('verify-bag', plan.workDir);
    expect(cli.code).toBe(1);
    expect(cli.out + cli.err).toContain('an unfinished export, not an evidence set');
    if (BAGCHECK) expect(spawnSync('python3', [BAGCHECK, plan.workDir], { encoding: 'utf8' }).stdout).toContain('missing bagit.txt');
    await verifyClean();
    const [r] = await recover();
    expect(r).toMatchObject({ exportId: plan.exportId, outcome: 'abandoned', removed: [plan.workDir], left: [], problems: [] });
    expect(existsSync(plan.workDir)).toBe(false);
    expect(existsSync(plan.bagDir)).toBe(false);
    await verifyClean();
    expect(await recover()).toEqual([]);
  });

  it('leaves a folder at the work path that does not carry the export id, and says so', async () => {
    const plan = await exportUntil('started');
    mkdirSync(plan.workDir);
    writeFileSync(join(plan.workDir, 'someone-elses.txt'), 'not ours');
    const [r] = await recover();
    expect(r!.outcome).toBe('abandoned');
    expect(r!.removed).toEqual([]);
    expect(r!.left).toEqual([{ path: plan.workDir, why: 'does not carry this export\'s id; not removed' }]);
    expect(readFileSync(join(plan.workDir, 'someone-elses.txt'), 'utf8')).toBe('not ours');
    await verifyClean();
  });

  it('a failing beforeComplete step abandons the export and removes the bag; nothing is published', async () => {
    const out = join(work, 'hook-fails');
    await withArchive(async (a) => {
      await expect(exportEvidenceSet(a, { itemIds: ids, outDir: out, actor: 'tester', zip: true, selection: { all: true },
        beforeComplete: () => { throw new Error('signing key not available'); } })).rejects.toThrow('signing key not available');
      const run = a.db.prepare('SELECT id, status, note FROM export_runs WHERE out_path = ?').get(out) as { id: string; status: string; note: string };
      expect(run).toMatchObject({ status: 'abandoned', note: 'signing key not available' });
      expect(a.db.prepare('SELECT 1 FROM exports WHERE id = ?').get(run.id)).toBeUndefined();
    });
    expect(readdirSync(work).filter((f) => f.startsWith('hook-fails'))).toEqual([]);
    await verifyClean();
  });
});

describe('killed after the archive recorded the export', () => {
  it('between the record and the rename: verify is clean, transfer refuses, recovery publishes the bag and makes the zip', async () => {
    const plan = await exportUntil('recorded');
    expect(existsSync(join(plan.workDir, 'bagit.txt'))).toBe(false);
    await verifyClean();
    await withArchive(async (a) => {
      const { recordTransfer } = await import('../../electron/core/custody/transfer.ts');
      await expect(recordTransfer(a.db, { exportId: plan.exportId, recipient: 'Court', actor: 'tester' }))
        .rejects.toThrow(`export ${plan.exportId}: is recorded but its bag or zip was not yet put in place`);
    });
    const [r] = await recover();
    expect(r).toMatchObject({ exportId: plan.exportId, outcome: 'finished', problems: [] });
    expect(r!.done[0]).toBe(`moved the bag into place at ${plan.bagDir}`);
    expect(r!.done[1]).toMatch(new RegExp(`^made the zip ${plan.zipPath} \\(SHA-256 [0-9a-f]{64}\\)$`));
    expect((await verifyBag(plan.bagDir)).problems).toEqual([]);
    if (BAGCHECK) expect(spawnSync('python3', [BAGCHECK, plan.bagDir]).status).toBe(0);
    expect(existsSync(plan.workDir)).toBe(false);
    expect(readdirSync(plan.bagDir)).not.toContain('EXPORT-INCOMPLETE.txt');
    await withArchive(async (a) => {
      const run = getExportRun(a.db, plan.exportId)!;
      expect(run.status).toBe('complete');
      expect(run.zipSha256).toBe(sha256(plan.zipPath!));
      expect(stageEvents(a, plan.exportId)).toEqual(['started', 'set', 'zipped', 'finished']);
    });
    await verifyClean();
    const t = await runCli('transfer', '--to', 'Court', '--export', plan.exportId, ...A, '--json');
    expect(t.code, t.err).toBe(0);
    expect(JSON.parse(t.out)).toMatchObject({ exportId: plan.exportId, bagVerified: true });
  });

  it('after bagit.txt was written but before the rename: recovery renames it', async () => {
    const plan = await exportUntil('declared', false);
    expect(existsSync(join(plan.workDir, 'bagit.txt'))).toBe(true);
    await verifyClean();
    const [r] = await recover();
    expect(r).toMatchObject({ outcome: 'finished', done: [`moved the bag into place at ${plan.bagDir}`], removed: [] });
    expect((await verifyBag(plan.bagDir)).problems).toEqual([]);
    await verifyClean();
  });

  it('after the rename, before the zip: recovery makes the zip', async () => {
    const plan = await exportUntil('published');
    const [r] = await recover();
    expect(r!.outcome).toBe('finished');
    expect(r!.done).toHaveLength(1);
    expect(r!.done[0]).toMatch(/^made the zip /u);
    expect(existsSync(plan.zipPath!)).toBe(true);
    await verifyClean();
  });

  it('after the rename, the bag moved away by its user (a USB drive) before the zip: finished, not abandoned, and transfer accepts it', async () => {
    const plan = await exportUntil('published');
    const usb = join(work, `usb-${n}`);
    renameSync(plan.bagDir, usb);
    const [r] = await recover();
    expect(r!.outcome).toBe('finished');
    expect(r!.done[0]).toMatch(/is no longer at .*\(moved or removed since it was written\); no zip was made/u);
    expect(await withArchive(async (a) => stageEvents(a, plan.exportId))).not.toContain('abandoned');
    const t = await runCli('transfer', ...A, '--to', 'Prosecutor General', '--export', plan.exportId, '--operator', 'tester');
    expect(t.code, t.err).toBe(0);
    await verifyClean();
  });

  it('while zipping: recovery removes the partial zip and makes it anew', async () => {
    const plan = await exportUntil('published');
    // What a kill during the zip leaves: the start of a zip under "<out>.zip.partial", not recorded.
    const z = await writeZipPartial(plan.bagDir, `${plan.bagDir}.zip`);
    truncateSync(z.partialPath, 1000);
    await verifyClean();
    const [r] = await recover();
    expect(r).toMatchObject({ outcome: 'finished', removed: [z.partialPath], problems: [] });
    expect(existsSync(z.partialPath)).toBe(false);
    await withArchive(async (a) => expect(getExportRun(a.db, plan.exportId)!.zipSha256).toBe(sha256(plan.zipPath!)));
    await verifyClean();
  });

  it('after the zip was recorded, before its rename: recovery moves the recorded zip into place', async () => {
    const plan = await exportUntil('zipped');
    const recorded = sha256(`${plan.zipPath}.partial`);
    await verifyClean();
    const [r] = await recover();
    expect(r).toMatchObject({ outcome: 'finished', done: [`moved the zip (recorded SHA-256 ${recorded}) into place at ${plan.zipPath}`], removed: [] });
    expect(sha256(plan.zipPath!)).toBe(recorded);
    expect(existsSync(`${plan.zipPath}.partial`)).toBe(false);
    await verifyClean();
  });

  it('leaves a zip under the final name that it never recorded, and reports it', async () => {
    const plan = await exportUntil('published');
    writeFileSync(plan.zipPath!, 'someone else put this here');
    const [r] = await recover();
    expect(r!.outcome).toBe('unfinished');
    expect(r!.problems).toEqual([`export ${plan.exportId}: ${plan.zipPath} exists but this export never recorded a zip there; move it away and run export again`]);
    expect(readFileSync(plan.zipPath!, 'utf8')).toBe('someone else put this here');
    await verifyClean();
    rmSync(plan.zipPath!);
    expect((await recover())[0]!.outcome).toBe('finished');
  });
});

describe('the export command', () => {
  it('refuses an --out whose "<out>.partial" exists and no unfinished export claims', async () => {
    const out = join(work, 'claimed');
    mkdirSync(`${out}.partial`);
    expect(() => checkExportTarget(archiveDir, out, false)).toThrow(ExportTargetError);
    const r = await runCli('export', '--all', '--out', out, ...A);
    expect(r.code).toBe(2);
    expect(r.err).toContain(`--out: ${out}.partial already exists`);
    expect(existsSync(`${out}.partial`)).toBe(true);
  });

  it('re-run with the same --out after a kill past the record: finishes the earlier export and says so', async () => {
    const plan = await exportUntil('recorded');
    const r = await runCli('export', '--all', '--zip', '--out', plan.bagDir, ...A);
    expect(r.code).toBe(2);
    expect(r.err).toContain(`note: export ${plan.exportId} was interrupted after the archive recorded it; finished it: moved the bag into place at ${plan.bagDir}`);
    expect(r.err).toContain(`holds export ${plan.exportId}, which was interrupted and is finished now; nothing new was exported`);
    expect((await verifyBag(plan.bagDir)).problems).toEqual([]);
    await verifyClean();
  });

  it('beforeComplete can add a tag file: it is in the tag manifest and the recorded digest', async () => {
    const out = join(work, 'with-report');
    await withArchive(async (a) => {
      const r = await exportEvidenceSet(a, { itemIds: ids, outDir: out, actor: 'tester', selection: { all: true },
        beforeComplete: async (d) => {
          expect(existsSync(join(d.bagDir, 'bagit.txt'))).toBe(false);
          await d.addTagFiles([{ path: 'evidence/report.txt', content: 'a report\n' }]);
        } });
      expect(r.tagManifestSha256).toBe(sha256(join(out, 'tagmanifest-sha256.txt')));
      expect(readFileSync(join(out, 'tagmanifest-sha256.txt'), 'utf8')).toContain(`${createHash('sha256').update('a report\n').digest('hex')}  evidence/report.txt\n`);
    });
    expect((await verifyBag(out)).problems).toEqual([]);
    await verifyClean();
  });
});
