// A place filter takes in the places within it: a village → a yard in it → a well in the yard,
// items tagged to each level, through the real `evidence` CLI (a child process): `list --place`
// of the village returns all three levels, of the yard only the yard and below; the village's
// export holds all their files under data/ and verify-bag calls it VALID; `place show` gives the
// same items; and a parent cycle (made through SQL, as a careless edit could) still terminates.
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli, runCliJson } from '../helpers/cli.ts';

const sha = (b: Buffer | string) => createHash('sha256').update(b).digest('hex');

/** Every file under `dir`, recursively. */
function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
}

describe('--place includes sub-places (village → yard → well)', () => {
  const work = mkdtempSync(join(tmpdir(), 'ea-subtree-'));
  const archive = join(work, 'archive');
  const A = ['--archive', archive];
  // One file per level, one in another village, one untagged.
  const FILES: Record<string, string> = {
    'village.jpg': 'the street of Kok-Tash after the shelling',
    'yard.jpg': 'the Tashievs\' yard, burned shed',
    'well.jpg': 'the well in the Tashievs\' yard',
    'ak-sai.jpg': 'Ak-Sai, school roof',
    'untagged.jpg': 'not yet catalogued',
  };
  const id: Record<string, number> = {};
  let yard = '';
  let well = '';
  const list = (...places: string[]) => {
    const r = runCliJson<{ id: number }[]>(['list', ...places.flatMap((p) => ['--place', p]), ...A, '--json']);
    expect(r.code, r.stderr).toBe(0);
    return r.json.map((x) => x.id).sort((a, b) => a - b);
  };
  const ids = (...names: string[]) => names.map((n) => id[n]!).sort((a, b) => a - b);

  beforeAll(() => {
    const input = join(work, 'input');
    mkdirSync(input);
    for (const [name, text] of Object.entries(FILES)) writeFileSync(join(input, name), text);
    expect(runCli(['init', archive]).code).toBe(0);
    const ing = runCli(['ingest', input, ...A]);
    expect(ing.code, ing.stderr).toBe(0);
    for (const it of runCliJson<{ id: number; sources: { name: string }[] }[]>(['list', ...A, '--json']).json) id[it.sources[0]!.name] = it.id;
    expect(Object.keys(id).sort()).toEqual(Object.keys(FILES).sort());

    const y = runCliJson<{ id: string; parentId: string }>(['place', 'add', 'Двор Ташиевых', '--kind', 'yard', '--parent', 'kok-tash-batken', ...A, '--json']);
    expect(y.code, y.stderr).toBe(0);
    yard = y.json.id;
    const w = runCliJson<{ id: string; parentId: string }>(['place', 'add', 'Tashievs well', '--kind', 'well', '--parent', yard, ...A, '--json']);
    expect(w.code, w.stderr).toBe(0);
    well = w.json.id;
    expect(w.json.parentId).toBe(yard);
    for (const [name, place] of [['village.jpg', 'kok-tash-batken'], ['yard.jpg', yard], ['well.jpg', well], ['ak-sai.jpg', 'ak-sai']] as const) {
      const t = runCli(['tag', String(id[name]), '--place', place, ...A]);
      expect(t.code, t.stderr).toBe(0);
    }
  }, 120_000);

  it('list --place: a village gives all its levels, a yard only itself and below', () => {
    expect(list('kok-tash-batken')).toEqual(ids('village.jpg', 'yard.jpg', 'well.jpg'));
    expect(list(yard)).toEqual(ids('yard.jpg', 'well.jpg'));
    expect(list(well)).toEqual(ids('well.jpg'));
    expect(list('ak-sai')).toEqual(ids('ak-sai.jpg'));
    // Several places: the union of their subtrees, as before.
    expect(list(yard, 'ak-sai')).toEqual(ids('yard.jpg', 'well.jpg', 'ak-sai.jpg'));
    expect(list('kok-tash-batken', yard)).toEqual(ids('village.jpg', 'yard.jpg', 'well.jpg'));
  }, 60_000);

  it('place show counts the same items, and says which are tagged to the place itself', () => {
    const r = runCliJson<{ id: string; items: number[]; taggedHere: number[] }>(['place', 'show', 'kok-tash-batken', ...A, '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.json.items).toEqual(ids('village.jpg', 'yard.jpg', 'well.jpg'));
    expect(r.json.taggedHere).toEqual(ids('village.jpg'));
    const text = runCli(['place', 'show', yard, ...A]);
    expect(text.stdout).toContain(`items (sub-places included): ${ids('yard.jpg', 'well.jpg').join(', ')}`);
    expect(text.stdout).toContain(`tagged to this place itself: ${id['yard.jpg']}`);
  }, 60_000);

  it('export --place <village> holds every file of the village, its yard and well under data/; verify-bag: VALID', () => {
    const out = join(work, 'kok-tash-set');
    const r = runCliJson<{ items: number }>(['export', '--place', 'kok-tash-batken', '--out', out, ...A, '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.json.items).toBe(3);
    const data = filesUnder(join(out, 'data')).map((f) => sha(readFileSync(f))).sort();
    expect(data).toEqual(['village.jpg', 'yard.jpg', 'well.jpg'].map((n) => sha(FILES[n]!)).sort());
    const v = runCli(['verify-bag', out]);
    expect(v.code, v.stdout + v.stderr).toBe(5); // intact, unsigned (no key in the tests)
    expect(v.stdout).toMatch(/^INTACT: .*3 payload files/m);
  }, 120_000);

  it('a parent cycle (village under its own well) terminates and selects the cycle once', () => {
    const db = new Database(join(archive, 'archive.sqlite'));
    try {
      db.prepare('UPDATE places SET parent_id = ? WHERE id = ?').run(well, 'kok-tash-batken');
    } finally {
      db.close();
    }
    // Now each of the three is within each other; Ak-Sai and the untagged item stay out.
    const all3 = ids('village.jpg', 'yard.jpg', 'well.jpg');
    expect(list('kok-tash-batken')).toEqual(all3);
    expect(list(yard)).toEqual(all3);
    expect(list(well)).toEqual(all3);
    expect(list(well, 'ak-sai')).toEqual(ids('village.jpg', 'yard.jpg', 'well.jpg', 'ak-sai.jpg'));
    const show = runCliJson<{ items: number[] }>(['place', 'show', well, ...A, '--json']);
    expect(show.json.items).toEqual(all3);
  }, 60_000);
});
