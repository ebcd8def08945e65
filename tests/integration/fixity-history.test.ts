// Issue 15 "Done when": a repaired object leaves a readable fail → repair → pass history. Since a
// fixity check run records passes only as leaves of its Merkle root (one event per run), an item's
// history (`log --item`, `show`, the Item screen, an evidence set's custody excerpt and report) must
// take in the runs it passed in. And `repair` and the unrecorded-change check must agree on how a
// `recovery` event names the item: a repair is never an unrecorded change; a copy put back by hand is.
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { objectPath } from '../../electron/core/archive.ts';
import { checkFixityRuns, type FixityRunsSection } from '../../electron/core/verify/bag-fixity-runs.ts';
import { itemDetail } from '../../electron/core/service/items-query.ts';
import { cliJson, runCli } from '../helpers/cli-inprocess.ts';

const work = mkdtempSync(join(tmpdir(), 'ea-fixity-history-'));
const archive = join(work, 'archive');
const A = ['--archive', archive];
process.env.EVIDENCE_OPERATOR = 'A. Usenova';
const files: Record<string, string> = { 'IMG_0001.JPG': 'photo of the school gate\n', 'IMG_0002.JPG': 'photo of the road\n', 'Показания.txt': 'statement of 29 April\n' };
const item: Record<string, { id: number; sha256: string }> = {};
const obj = (name: string) => objectPath(join(archive, 'objects'), item[name]!.sha256);

function damage(name: string): void {
  chmodSync(obj(name), 0o644);
  writeFileSync(obj(name), 'altered!\n');
}

afterAll(() => rmSync(work, { recursive: true, force: true }));

beforeAll(async () => {
  mkdirSync(join(work, 'card'));
  for (const [n, c] of Object.entries(files)) writeFileSync(join(work, 'card', n), c);
  expect((await runCli('ingest', join(work, 'card'), '--reel', 'A001', ...A)).code).toBe(0);
  for (const it of await cliJson<{ id: number; sha256: string; sources: { name: string }[] }[]>('list', '--json', ...A)) item[it.sources[0]!.name] = { id: it.id, sha256: it.sha256 };
  expect((await runCli('verify', ...A)).code).toBe(0); // run 1: all pass
}, 60_000);

describe('fail → repair → pass', () => {
  it('repair is not an unrecorded change, and log --item reads failure, recovery, then the run that passed it', async () => {
    damage('IMG_0001.JPG');
    expect((await runCli('verify', ...A)).code).toBe(1); // run 2
    const backup = join(work, 'backup.jpg');
    writeFileSync(backup, files['IMG_0001.JPG']!);
    const rep = await runCli('repair', String(item['IMG_0001.JPG']!.id), '--from', backup, ...A);
    expect(rep.code, rep.out + rep.err).toBe(0);
    // The recovery event names the item by its SHA-256, as the unrecorded-change check looks it up.
    const db = new Database(join(archive, 'archive.sqlite'), { readonly: true });
    const rec = db.prepare("SELECT item FROM custody_events WHERE type = 'recovery'").pluck().all();
    db.close();
    expect(rec).toEqual([item['IMG_0001.JPG']!.sha256]);
    const v = await runCli('verify', ...A); // run 3
    expect(v.code, v.out).toBe(0);
    expect(v.out).not.toContain('unrecorded');

    const lines = (await runCli('log', '--item', String(item['IMG_0001.JPG']!.id), '--type', 'fixity', '--type', 'recovery', ...A)).out.trimEnd().split('\n');
    expect(lines.map((l) => / {2}(fixity check|recovery) {2}IMG_0001\.JPG {2}(\S+) — /u.exec(l)?.slice(1))).toEqual([
      ['fixity check', 'passed'], ['fixity check', 'FAILED'], ['recovery', 'done'], ['fixity check', 'passed'],
    ]);
    expect(lines[0]).toMatch(/passed — Integrity check: PASSED in fixity check run 1 \(the whole archive, 3 items checked\)/u);
    expect(lines[1]).toMatch(/FAILED — content altered: SHA-256 expected /u);
    expect(lines[2]).toMatch(/done — Repaired: the stored copy was altered/u);
    expect(lines[3]).toMatch(/passed — Integrity check: PASSED in fixity check run 3 \(the whole archive, 3 items checked\)/u);
    // Run 2 failed for this item: its own failure event stands for it, the run's event does not come twice.
    expect(lines.join('\n')).not.toMatch(/run 2/u);

    // show: the last check passed in run 3; --json lists pass, FAILED, pass.
    const show = await runCli('show', String(item['IMG_0001.JPG']!.id), ...A);
    expect(show.out).toMatch(/^last check {3}\S+ {2}passed {2}\(run 3, custody row #\d+\)$/mu);
    const j = await cliJson<{ fixityChecks: { status: string; run?: number }[] }>('show', String(item['IMG_0001.JPG']!.id), '--json', ...A);
    expect(j.fixityChecks.map((c) => [c.status, c.run])).toEqual([['PASSED', 1], ['FAILED', 2], ['PASSED', 3]]);

    // The Item screen's data: the same timeline, and the last check.
    const { openArchive } = await import('../../electron/core/archive.ts');
    const a = await openArchive(archive, { write: false });
    try {
      const d = itemDetail(a.db, item['IMG_0001.JPG']!.id, new Set())!;
      const fixity = d.custody.filter((e) => e.type === 'fixity check' || e.type === 'recovery');
      expect(fixity.map((e) => [e.type, e.item === null ? `run ${String(e.detail.run)}` : e.detail.outcome])).toEqual([
        ['fixity check', 'run 1'], ['fixity check', 'fail'], ['recovery', 'success'], ['fixity check', 'run 3'],
      ]);
      expect(d.lastCheck).toMatchObject({ runId: 3, outcome: 'pass', status: 'PASSED' });
    } finally {
      await a.close();
    }
  }, 60_000);

  it('a copy put back by hand after a failure is an unrecorded change', async () => {
    damage('IMG_0002.JPG');
    expect((await runCli('verify', '--item', String(item['IMG_0002.JPG']!.id), ...A)).code).toBe(1);
    writeFileSync(obj('IMG_0002.JPG'), files['IMG_0002.JPG']!);
    const v = await runCli('verify', ...A);
    expect(v.code).toBe(1);
    expect(v.out).toContain(`FAIL unrecorded-change: item ${item['IMG_0002.JPG']!.id} “IMG_0002.JPG”`);
    expect(v.out).toContain('      card/reel: A001');
    // Said once; the next run passes.
    expect((await runCli('verify', ...A)).code).toBe(0);
  }, 60_000);
});

describe('an evidence set made after a few runs', () => {
  const bag = join(work, 'set');
  let custody: { events: { seq: number; item: string | null; type: string; detail: Record<string, unknown> }[]; fixityRuns?: FixityRunsSection };
  beforeAll(async () => {
    const ex = await runCli('export', '--item', String(item['IMG_0001.JPG']!.id), String(item['Показания.txt']!.id), '--out', bag, '--recipient', 'Prosecutor General', ...A);
    expect(ex.code, ex.err).toBe(0);
    custody = JSON.parse(readFileSync(join(bag, 'evidence', 'custody.json'), 'utf8')) as typeof custody;
  }, 120_000);

  it('carries each run that checked its items, with a proof of their outcomes, and verify-bag checks them', async () => {
    const runs = custody.fixityRuns!.runs;
    // Runs 1–3 and the two later whole-archive runs checked both items; run 4 (--item of the road photo) neither.
    expect(runs.map((r) => r.event.detail.run)).toEqual([1, 2, 3, 5, 6]);
    const photo = item['IMG_0001.JPG']!.sha256;
    expect(runs.map((r) => r.revealed.find((x) => x.leaf.sha256 === photo)?.leaf.outcome)).toEqual(['pass', 'altered', 'pass', 'pass', 'pass']);
    for (const r of runs) expect(r.revealed).toHaveLength(2);
    // Run 2's failure of the photo is in the excerpt as the photo's own event.
    expect(custody.events.some((e) => e.item === photo && e.type === 'fixity check' && e.detail.run === 2)).toBe(true);
    const v = await runCli('verify-bag', bag, '--json');
    const report = JSON.parse(v.out) as { problems: unknown[] };
    expect(report.problems).toEqual([]);
    // Exit 5: intact, but this archive has no signing key, so the set is unsigned.
    expect(v.code, v.out).toBe(5);
  });

  it('a changed outcome, a changed run event or a proof for another item is found', () => {
    const shas = new Set([item['IMG_0001.JPG']!.sha256, item['Показания.txt']!.sha256]);
    const head = Math.max(...custody.events.map((e) => e.seq));
    const check = (s: FixityRunsSection) => checkFixityRuns(s, shas, custody.events as never, head + 100, false).map((p) => p.reason);
    expect(check(custody.fixityRuns!)).toEqual([]);
    const copy = () => JSON.parse(JSON.stringify(custody.fixityRuns)) as FixityRunsSection;
    const failToPass = copy();
    failToPass.runs[1]!.revealed.find((x) => x.leaf.outcome === 'altered')!.leaf.outcome = 'pass';
    expect(check(failToPass)).toEqual([expect.stringMatching(/^fixityRuns\.runs\[1\]: the revealed leaves and nodes give root [0-9a-f]{64}, not the run's [0-9a-f]{64}: a revealed leaf \(an item's SHA-256 or outcome\) or a node of the proof was changed$/u)]);
    const event = copy();
    (event.runs[0]!.event.detail as { passed: number }).passed = 99;
    expect(check(event)).toEqual(['fixityRuns.runs[0]: the run event\'s hash does not recompute: the row was changed']);
    const other = copy();
    expect(checkFixityRuns(other, new Set([item['IMG_0001.JPG']!.sha256]), custody.events as never, null, false).some((p) => /not an item of this set/u.test(p.reason))).toBe(true);
  });

  it('the custody report gives each item its passes in runs, and a failure in red', () => {
    const html = readFileSync(join(bag, 'evidence', 'custody-report.html'), 'utf8');
    expect(html).toContain('Integrity check: PASSED in fixity check run 3, which checked 3 item(s).');
    expect(html).toMatch(/<tr class="failed">[^]*?Integrity check: FAILED\./u);
    // The photo passed in runs 1, 3, 5 and 6; the statement in all five.
    expect((html.match(/PASSED in fixity check run \d+/gu) ?? []).length).toBe(4 + 5);
  });
});
