// Issue 11 §4: a fixity check that fails must not look like one that passed. After a flipped byte,
// `show ITEM` listed the failed check exactly like a passing one ("fixity check by …"). Now it
// shows FAILED with what was found — the expected and found digests, a missing object, an object
// that could not be read — in the human listing and in --json; events written before the check
// recorded its finding as fields are read from their reason.
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { objectPath } from '../../electron/core/archive.ts';
import { appendCustodyEvent } from '../../electron/core/custody/log.ts';
import { openDb } from '../../electron/core/db/open.ts';
import { cliJson, runCli } from '../helpers/cli-inprocess.ts';

const work = mkdtempSync(join(tmpdir(), 'ea-show-fixity-'));
const archive = join(work, 'archive');
const A = ['--archive', archive];
process.env.EVIDENCE_OPERATOR = 'A. Usenova';
const id: Record<string, number> = {};
const sha: Record<string, string> = {};
let foundSha: string;

interface FixityCheck { seq: number; at: string; actor: string; outcome: string; finding: Record<string, unknown> | null }

beforeAll(async () => {
  mkdirSync(join(work, 'card'));
  for (const f of ['altered.txt', 'missing.txt', 'unreadable.txt', 'intact.txt']) writeFileSync(join(work, 'card', f), `content of ${f}\n`);
  expect((await runCli('ingest', join(work, 'card'), ...A)).code).toBe(0);
  for (const it of await cliJson<{ id: number; sha256: string; sources: { name: string }[] }[]>('list', '--json', ...A)) {
    id[it.sources[0]!.name] = it.id;
    sha[it.sources[0]!.name] = it.sha256;
  }
  expect((await runCli('verify', ...A)).code).toBe(0);
  const path = (name: string) => objectPath(join(archive, 'objects'), sha[name]!);
  chmodSync(path('altered.txt'), 0o644);
  const damaged = Buffer.from('content of altered.txt!!\n');
  writeFileSync(path('altered.txt'), damaged);
  foundSha = (await import('node:crypto')).createHash('sha256').update(damaged).digest('hex');
  renameSync(path('missing.txt'), `${path('missing.txt')}.away`);
  renameSync(path('unreadable.txt'), `${path('unreadable.txt')}.away`);
  mkdirSync(path('unreadable.txt'));
  expect((await runCli('verify', ...A)).code).toBe(1);
}, 60_000);
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('show ITEM after a failed fixity check', () => {
  it('says FAILED, with the expected and found SHA-256, where it said "fixity check by …"', async () => {
    const r = await runCli('show', String(id['altered.txt']), ...A);
    expect(r.code, r.err).toBe(0);
    const lines = r.out.split('\n');
    const checks = lines.filter((l) => /fixity check/.test(l));
    expect(checks).toHaveLength(2);
    // The first check is the run that passed it: a run event in the item's timeline, named by its run.
    expect(checks[0]).toMatch(/^ {2}#\d+ \S+ {2}fixity check {2}passed {2}by A\. Usenova {2}\(run 1\)$/);
    expect(checks[1]).toMatch(/^ {2}#\d+ \S+ {2}fixity check {2}FAILED {2}by A\. Usenova$/);
    const i = lines.indexOf(checks[1]!);
    expect(lines[i + 1]).toBe(`      content altered: SHA-256 expected ${sha['altered.txt']}, found ${foundSha}`);
    expect(lines[i + 2]).toBe(`      size expected ${readFileSync(join(work, 'card', 'altered.txt')).length} bytes, found ${Buffer.byteLength('content of altered.txt!!\n')}`);
  });

  it('says FAILED for a missing object and for one that could not be read', async () => {
    const missing = (await runCli('show', String(id['missing.txt']), ...A)).out.split('\n');
    const m = missing.findIndex((l) => /fixity check {2}FAILED/.test(l));
    expect(m).toBeGreaterThan(0);
    expect(missing[m + 1]).toBe('      object missing from the store (objects/sha256/' + `${sha['missing.txt']!.slice(0, 2)}/${sha['missing.txt']!.slice(2, 4)}/${sha['missing.txt']})`);
    const unreadable = (await runCli('show', String(id['unreadable.txt']), ...A)).out.split('\n');
    const u = unreadable.findIndex((l) => /fixity check {2}FAILED/.test(l));
    expect(u).toBeGreaterThan(0);
    // A folder in the object's place (how a test running as root makes an object unreadable) is no
    // file held by the archive: missing, saying what stands there instead.
    expect(unreadable[u + 1]).toMatch(/^ {6}object missing from the store: a folder stands in its place, not a file held by the archive \(objects\/sha256\/.+\)$/);
    const intact = (await runCli('show', String(id['intact.txt']), ...A)).out;
    expect(intact).not.toContain('FAILED');
    expect(intact.match(/fixity check {2}passed/g)).toHaveLength(2);
  });

  it('gives each fixity check with its outcome and finding in --json, the custody rows verbatim', async () => {
    const j = await cliJson<{ fixityChecks: FixityCheck[]; custody: { type: string; detail: Record<string, unknown> }[] }>('show', String(id['altered.txt']), '--json', ...A);
    expect(j.fixityChecks.map((c) => c.outcome)).toEqual(['pass', 'fail']);
    expect(j.fixityChecks[0]!.finding).toBeNull();
    expect(j.fixityChecks[1]).toMatchObject({ actor: 'A. Usenova', status: 'FAILED', finding: {
      kind: 'altered', expected: { sha256: sha['altered.txt'] }, found: { sha256: foundSha },
    } });
    const rows = j.custody.filter((e) => e.type === 'fixity check');
    expect(rows[1]!.detail).not.toHaveProperty('status');
    const missing = await cliJson<{ fixityChecks: FixityCheck[] }>('show', String(id['missing.txt']), '--json', ...A);
    expect(missing.fixityChecks[1]).toMatchObject({ status: 'FAILED', finding: { kind: 'missing' } });
    const unreadable = await cliJson<{ fixityChecks: FixityCheck[] }>('show', String(id['unreadable.txt']), '--json', ...A);
    expect(unreadable.fixityChecks[1]).toMatchObject({ status: 'FAILED', finding: { kind: 'missing', notAFile: 'folder' } });
  });

  it('reads what was found from the reason of an event an older version wrote', async () => {
    const db = openDb(join(archive, 'archive.sqlite'));
    try {
      appendCustodyEvent(db, { actor: 'B. Old', type: 'fixity check', item: sha['intact.txt']!, detail: {
        outcome: 'fail', algorithms: ['sha256', 'md5'],
        reason: `item ${id['intact.txt']} (/home/u/archive/objects/sha256/aa/bb/${sha['intact.txt']}): content altered: sha256 expected ${sha['intact.txt']}, found ${'f'.repeat(64)}; md5 expected ${'a'.repeat(32)}, found ${'b'.repeat(32)}`,
      } });
    } finally {
      db.close();
    }
    const out = (await runCli('show', String(id['intact.txt']), ...A)).out.split('\n');
    const i = out.findIndex((l) => /fixity check {2}FAILED {2}by B\. Old/.test(l));
    expect(i).toBeGreaterThan(0);
    expect(out[i + 1]).toBe(`      content altered: SHA-256 expected ${sha['intact.txt']}, found ${'f'.repeat(64)}`);
    expect(out[i + 2]).toBe(`      content altered: MD5 expected ${'a'.repeat(32)}, found ${'b'.repeat(32)}`);
    const j = await cliJson<{ fixityChecks: FixityCheck[] }>('show', String(id['intact.txt']), '--json', ...A);
    expect(j.fixityChecks.at(-1)).toMatchObject({ status: 'FAILED', finding: { kind: 'altered', expected: { sha256: sha['intact.txt'], md5: 'a'.repeat(32) }, found: { sha256: 'f'.repeat(64), md5: 'b'.repeat(32) } } });
  });
});
