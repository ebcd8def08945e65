// `evidence list` streams (issue 15 §1): its rows and JSON are what the listing printed when it
// read every record first (taggedItems over filterItemIds, printJson), byte for byte, over more
// than one batch of rows and for dense and sparse filters alike; --limit/--offset/--after pages
// cover every item exactly once, in order.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ItemFilter } from '../../electron/common/catalog.ts';
import { filterItemIds } from '../../electron/core/catalog/filters.ts';
import { taggedItems } from '../../electron/core/catalog/listing.ts';
import { streamTaggedItems } from '../../electron/core/catalog/stream.ts';
import { openDb, type Db } from '../../electron/core/db/open.ts';
import { seedArchive } from '../../bench/seed-archive.ts';
import { runCli } from '../helpers/cli-inprocess.ts';

const N = 2_600; // three batches of 1,000 rows
const dir = join(mkdtempSync(join(tmpdir(), 'ea-list-stream-')), 'archive');
const A = ['--archive', dir];
let db: Db;

/** What `list --json` printed before streaming: the whole array, indented. */
const printedBefore = (f: ItemFilter) => `${JSON.stringify(taggedItems(db, filterItemIds(db, f)), null, 2)}\n`;

beforeAll(async () => {
  await seedArchive(dir, N);
  db = openDb(join(dir, 'archive.sqlite'));
  // What the seed leaves out: notes, a second sighting (oldest first), a name that is not UTF-8
  // (shown escaped, with its bytes in base64), several tags and people on one item.
  db.prepare("INSERT INTO item_notes (item_id, description, notes, updated_at) VALUES (?, 'Школа после обстрела', 'line 1\nline 2 \"quoted\"', '2026-01-01T00:00:00Z')").run(14);
  const sighting = db.prepare(`INSERT INTO sightings (item_id, source_path, file_name, path_bytes, bytes, operator, host, ingested_at, run_id)
    VALUES (?, ?, ?, ?, 1, 'op', 'host', '2026-01-02T00:00:00Z', 'r2')`);
  sighting.run(14, '/media/second/copy.jpg', 'copy.jpg', Buffer.from('/media/second/copy.jpg'));
  sighting.run(1001, '/media/x/\\xFF.jpg', '\\xFF.jpg', Buffer.concat([Buffer.from('/media/x/'), Buffer.from([0xff]), Buffer.from('.jpg')]));
  db.prepare("INSERT INTO item_tags (item_id, tag) VALUES (14, 'а-тег'), (14, 'я-тег')").run();
  db.prepare("INSERT INTO item_people (item_id, person_id, role) VALUES (100, 1, 'testimony of')").run();
  db.prepare("INSERT INTO item_places (item_id, place_id, ord) VALUES (100, 'batken', 1)").run();
}, 60_000);
afterAll(() => db?.close());

describe('evidence list streams what it printed before', () => {
  const filters: [string[], ItemFilter][] = [
    [[], {}],
    [['--has-gps'], { hasGps: true }],
    [['--kind', 'video'], { kinds: ['video'] }],
    [['--tag', 'школа'], { tags: ['школа'] }],
    [['--search', 'сгоревший'], { search: 'сгоревший' }],
    [['--untagged'], { untagged: true }],
    [['--person', '1'], { people: [{ id: 1 }] }],
    [['--place', 'batken'], { places: ['batken'] }],
  ];
  for (const [args, f] of filters) {
    it(`list --json ${args.join(' ')} is byte for byte the array printed before`, async () => {
      const r = await runCli('list', ...args, '--json', ...A);
      expect(r.code, r.err).toBe(0);
      const before = printedBefore(f);
      expect(r.out.length).toBe(before.length);
      expect(r.out === before).toBe(true);
      expect((JSON.parse(r.out) as unknown[]).length).toBe(filterItemIds(db, f).length);
    });
  }

  it('the human rows list every match in id order with the count', async () => {
    const r = await runCli('list', '--tag', 'школа', ...A);
    expect(r.code, r.err).toBe(0);
    const lines = r.out.trimEnd().split('\n');
    const ids = filterItemIds(db, { tags: ['школа'] });
    expect(lines.at(-1)).toBe(`${ids.length} items`);
    expect(lines.slice(0, -1).map((l) => Number(l.trim().split(/\s+/u)[0]))).toEqual(ids);
    expect(lines[0]).toMatch(/^ {3}14 {2}[0-9a-f]{12} {2}other {4}\s+14 B {2}2021-06-15T12:00:00 \(zone unknown\) {2}Apple iPhone 12 {2}IMG_0000014\.JPG$/u);
  });

  it('an empty selection is [] as before', async () => {
    const r = await runCli('list', '--search', 'nothingmatchesthis', '--json', ...A);
    expect(r.out).toBe('[]\n');
    expect((await runCli('list', '--search', 'nothingmatchesthis', ...A)).out).toBe('0 items\n');
  });
});

describe('paging', () => {
  it('--limit with the --after cursor stderr gives covers every item once, in order', async () => {
    const seen: number[] = [];
    let after: string | null = null;
    for (let page = 0; page < 10; page++) {
      const r = await runCli('list', '--has-gps', '--json', '--limit', '600', ...(after ? ['--after', after] : []), ...A);
      expect(r.code, r.err).toBe(0);
      const ids = (JSON.parse(r.out) as { id: number }[]).map((i) => i.id);
      seen.push(...ids);
      after = /add --after (\d+) for the next page/u.exec(r.err)?.[1] ?? null;
      if (!after) break;
      expect(Number(after)).toBe(ids.at(-1));
    }
    expect(seen).toEqual(filterItemIds(db, { hasGps: true }));
    expect(seen.length).toBe(N / 2);
  });

  it('--offset and --limit take that slice; the last page says nothing more', async () => {
    const all = filterItemIds(db, {});
    const r = await runCli('list', '--json', '--offset', '995', '--limit', '10', ...A);
    expect((JSON.parse(r.out) as { id: number }[]).map((i) => i.id)).toEqual(all.slice(995, 1005));
    expect(r.err).toBe('more items: add --after 1005 for the next page\n');
    const tail = await runCli('list', '--offset', String(N - 3), '--limit', '3', ...A);
    expect(tail.out.trimEnd().split('\n').at(-1)).toBe('3 items');
    expect(tail.err).toBe('');
    const r2 = await runCli('list', '--json', '--after', '2000', '--offset', '5', '--limit', '2', ...A);
    expect((JSON.parse(r2.out) as { id: number }[]).map((i) => i.id)).toEqual([2006, 2007]);
  });

  it('refuses a bad page value with exit 2', async () => {
    for (const bad of [['--limit', '-1'], ['--offset', 'x'], ['--after', '1.5']]) {
      const r = await runCli('list', ...bad, ...A);
      expect(r.code).toBe(2);
      expect(r.err).toContain(`${bad[0]} ${bad[1]}: give a whole number`);
    }
  });

  it('streamTaggedItems reads no more rows than the page needs', () => {
    const it = streamTaggedItems(db, {}, { limit: 3 });
    expect([...it].map((i) => i.id)).toEqual([1, 2, 3]);
  });
});
