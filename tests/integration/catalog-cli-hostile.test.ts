// Bugs a hostile tester found in the catalog commands, through the real CLI on a real archive:
// writes through a merged-away place id, impossible filter dates, `place export --json`, and a
// catalog whose user_version was set back by hand.
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { cliJson, runCli } from '../helpers/cli-inprocess.ts';

describe('catalog commands against hostile input', () => {
  const work = mkdtempSync(join(tmpdir(), 'ea-hostile-'));
  afterAll(() => rmSync(work, { recursive: true, force: true }));
  const A = ['--archive', join(work, 'archive')];

  it('refuses to merge or edit through an id that was merged away (exit 2), and changes nothing', async () => {
    expect((await runCli('init', A[1]!)).code).toBe(0);
    expect((await cliJson<{ id: string }>('place', 'add', 'Yard A', '--lat', '39.95', '--lon', '70.52', ...A)).id).toBe('yard-a');
    expect((await runCli('place', 'merge', 'yard-a', 'kok-tash-batken', ...A)).code).toBe(0);
    const before = await cliJson<{ id: string; notes: string | null; mergedInto: string | null }[]>('place', 'list', ...A, '--json');

    let r = await runCli('place', 'merge', 'yard-a', 'batken', ...A);
    expect([r.code, r.err]).toEqual([2, 'evidence: yard-a was merged into kok-tash-batken; use that id\n']);
    r = await runCli('place', 'merge', 'batken', 'yard-a', ...A);
    expect([r.code, r.err]).toEqual([2, 'evidence: yard-a was merged into kok-tash-batken; use that id\n']);
    r = await runCli('place', 'edit', 'yard-a', '--notes', 'x', ...A);
    expect([r.code, r.err]).toEqual([2, 'evidence: yard-a was merged into kok-tash-batken; use that id\n']);
    expect(await cliJson('place', 'list', ...A, '--json')).toEqual(before);

    // Reading still follows the merge.
    expect((await cliJson<{ id: string }>('place', 'show', 'yard-a', ...A, '--json')).id).toBe('kok-tash-batken');
    expect((await runCli('list', '--place', 'yard-a', ...A)).code).toBe(0);
  });

  it('refuses impossible --from/--to dates in list and export (exit 2), naming the option and value', async () => {
    const card = join(work, 'card');
    mkdirSync(card, { recursive: true });
    writeFileSync(join(card, 'note.txt'), 'a note\n');
    expect((await runCli('ingest', card, ...A)).code).toBe(0);
    for (const [opt, value] of [['--from', '2021-02-30'], ['--from', '2021-13-01'], ['--from', '2021-04-29T25:99'], ['--to', '2021-04-31']] as const) {
      let r = await runCli('list', opt, value, ...A);
      expect([r.code, r.err], `list ${opt} ${value}`).toEqual([2, expect.stringContaining(`evidence: ${opt} ${value}: no such date or time`)]);
      const out = join(work, `set-${opt}-${value.replace(/:/g, '')}`);
      r = await runCli('export', opt, value, '--out', out, ...A);
      expect([r.code, r.err], `export ${opt} ${value}`).toEqual([2, expect.stringContaining(`evidence: ${opt} ${value}: no such date or time`)]);
      expect(existsSync(out)).toBe(false);
    }
    expect((await runCli('list', '--from', '2020-02-29', '--to', '2021-04-29T23:59', ...A)).code).toBe(0);
  });

  it('does not print CSV for `place export --json`', async () => {
    const r = await runCli('place', 'export', '--json', ...A);
    expect(r.code).toBe(2);
    expect(r.out).toBe('');
    expect(r.err).toMatch(/--json: place export writes --format csv; for JSON use --format geojson/);
    const geo = JSON.parse((await runCli('place', 'export', '--json', '--format', 'geojson', ...A)).out) as { type: string };
    expect(geo.type).toBe('FeatureCollection');
    expect((await runCli('person', 'export', '--json', '--format', 'csv', ...A)).code).toBe(2);
  });

  it('refuses, without a stack trace, a catalog whose user_version was set back by hand', async () => {
    for (const v of [0, 1, 2]) {
      const dir = join(work, `downgraded-${v}`);
      expect((await runCli('init', dir)).code).toBe(0);
      const raw = new Database(join(dir, 'archive.sqlite'));
      raw.pragma(`user_version = ${v}`);
      raw.close();
      for (const args of [['list'], ['place', 'add', 'X']]) {
        const r = await runCli(...args, '--archive', dir);
        expect([r.code, v, args]).toEqual([1, v, args]);
        expect(r.err).toContain(`${join(dir, 'archive.sqlite')}: the catalog's schema version (${v}) does not match its tables`);
        expect(r.err).not.toMatch(/internal error|at .*\.ts:\d+/);
      }
      const raw2 = new Database(join(dir, 'archive.sqlite'));
      expect(raw2.pragma('user_version', { simple: true })).toBe(v); // nothing was changed
      raw2.close();
    }
  });
});
