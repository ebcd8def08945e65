// A capture time whose zone is unknown must never read as UTC (issue 14 hostile test, f14b §4):
// a GoPro writes local wall time into the "UTC" mvhd field, and with no GPS clock to confirm it
// the archive stores capturedAtHasZone false. items.csv, items.json, list, reel list/show and
// show then give the wall-clock time without "Z" or offset, and say the zone is unknown. The
// bag still verifies (items.csv says what items.json says).
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli-inprocess.ts';
import { MEDIA_DIR } from '../helpers/corpus.ts';

const CLIP = join(MEDIA_DIR, 'gpmf-parser', 'max-heromode.mp4');

describe.skipIf(!existsSync(CLIP))('capture time with unknown zone', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'f14b-zone-'));
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));
  const archive = join(tmp, 'arch');
  const cli = (...a: string[]) => runCli(...a, '--archive', archive);

  it('is printed and exported as wall-clock time with an explicit "zone unknown", never with Z', async () => {
    const dir = join(tmp, 'cards', 'GOPRO', 'DCIM', '100GOPRO');
    mkdirSync(dir, { recursive: true });
    copyFileSync(CLIP, join(dir, 'GX010001.MP4'));
    expect((await cli('ingest', join(tmp, 'cards', 'GOPRO'), '--no-previews', '--operator', 'T')).code).toBe(0);

    // The machine listing keeps the stored value and its flag (compare_expected.py reads it).
    const [item] = JSON.parse((await cli('list', '--json')).out) as { capturedAt: string; capturedAtHasZone: boolean }[];
    expect(item).toMatchObject({ capturedAt: '2019-11-18T15:45:32Z', capturedAtHasZone: false });

    const list = (await cli('list')).out;
    expect(list).toContain('2019-11-18T15:45:32 (zone unknown)');
    expect(list).not.toContain('15:45:32Z');
    const reels = (await cli('reel', 'list')).out;
    expect(reels).toContain('2019-11-18T15:45:32 (zone unknown)');
    expect(reels).not.toContain('15:45:32Z');
    const reel = (await cli('reel', 'show', 'GOPRO')).out;
    expect(reel).toContain('2019-11-18T15:45:32 (zone unknown)');
    expect(reel).not.toContain('15:45:32Z');
    const show = (await cli('show', '1')).out;
    // The record's lines (raw metadata below them stays as the file has it).
    const fields = show.split('\n').filter((l) => /^(capturedAt|other date)/.test(l)).join('\n');
    expect(fields).toContain('2019-11-18T15:45:32 (QuickTime mvhd creation_time (UTC), time zone unknown)');
    expect(fields).toContain('2019-11-18T15:45:32 (time zone unknown; QuickTime mvhd modification_time (UTC))');
    expect(fields).not.toContain('15:45:32Z');

    const bag = join(tmp, 'bag');
    expect((await cli('export', '--all', '--out', bag)).code).toBe(0);
    const json = JSON.parse(readFileSync(join(bag, 'evidence', 'items.json'), 'utf8')) as Record<string, unknown>[];
    // items.json keeps the value the metadata extraction event pinned, and says its zone is unknown.
    expect(json[0]).toMatchObject({ capturedAt: '2019-11-18T15:45:32Z', capturedAtHasZone: false, capturedAtZone: 'unknown' });
    expect(readFileSync(join(bag, 'bag-info.txt'), 'utf8')).toContain('Evidence-Capture-Times: where capturedAtZone is "unknown"');
    const rows = parse(readFileSync(join(bag, 'evidence', 'items.csv'), 'utf8'), { bom: true, columns: true }) as Record<string, string>[];
    expect(rows[0]).toMatchObject({ capturedAt: '2019-11-18T15:45:32', capturedAtZone: 'unknown' });
    const problems = async () => (JSON.parse((await runCli('verify-bag', bag, '--json')).out) as { problems: { file: string; reason: string }[] }).problems;
    expect(await problems()).toEqual([]);
    // The verifier holds the CSV to the rule: a "Z" put back into the cell is a problem.
    const csvPath = join(bag, 'evidence', 'items.csv');
    writeFileSync(csvPath, readFileSync(csvPath, 'utf8').replace('2019-11-18T15:45:32,', '2019-11-18T15:45:32Z,'));
    expect((await problems()).filter((p) => p.file === 'evidence/items.csv' && p.reason.includes('capturedAt'))).toHaveLength(1);
  }, 60_000);
});
