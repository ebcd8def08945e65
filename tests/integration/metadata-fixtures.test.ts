// Every corpus file against expected.json (facts read by ExifTool/ffprobe), judged by the same
// rules as ../shared/tools/compare_expected.py.
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sniffFile } from '../../electron/core/ingest/sniff.ts';
import { extractMetadata } from '../../electron/core/metadata/index.ts';
import { HAS_CORPUS, MEDIA_DIR, loadExpected } from '../helpers/corpus.ts';
import { compareWithExpected } from '../helpers/expectedCompare.ts';

const expected = loadExpected();
const cases = Object.entries(expected).map(([rel, exp]) => ({ rel, exp }));

describe.skipIf(!HAS_CORPUS)('metadata of the media corpus matches expected.json', () => {
  it('covers every file listed in expected.json', () => {
    expect(cases.length).toBe(39);
  });

  it.each(cases)('$rel', async ({ rel, exp }) => {
    const path = join(MEDIA_DIR, rel);
    const sniff = await sniffFile(path);
    const result = await extractMetadata(path, sniff.mime, sniff.kind);
    const record = { bytes: statSync(path).size, mime: sniff.mime, kind: sniff.kind, ...result.fields };
    expect(compareWithExpected(exp, record)).toEqual([]);
    // The record must survive the archive's JSON round trip unchanged.
    expect(JSON.parse(JSON.stringify(result))).toEqual(result);
    if (exp.kind !== 'other') expect(result.error).toBeNull();
    if (exp.gps && exp.gps.lat === 0 && exp.gps.lon === 0) {
      expect(result.fields.gps?.noFix).toBe(true);
      expect(result.warnings.join('\n')).toMatch(/no-fix/);
    }
    // capturedAtHasZone must agree with the text: Z/offset ⇔ instant (GoPro aside, see avFields).
    if (result.fields.capturedAt && !/GoPro/.test(result.warnings.join())) {
      expect(result.fields.capturedAtHasZone).toBe(/(Z|[+-]\d\d:\d\d)$/.test(result.fields.capturedAt));
    }
  });
});
