// Overlapping inputs (a folder, a folder inside it, the folder again, a file inside it) are walked
// once each way: every file is a candidate once and every skipped entry is reported once.
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { walkInputs } from '../../electron/core/ingest/walk.ts';

const work = mkdtempSync(join(tmpdir(), 'ea-walk-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('walkInputs with overlapping inputs', () => {
  it('reports each file and each skipped entry once', async () => {
    const ov = join(work, 'ov');
    mkdirSync(join(ov, 'sub'), { recursive: true });
    writeFileSync(join(ov, 'a.jpg'), 'a');
    writeFileSync(join(ov, 'sub', 'b.jpg'), 'b');
    writeFileSync(join(ov, '.hidden'), 'h');
    writeFileSync(join(ov, 'sub', '.DS_Store'), 'd');
    symlinkSync(join(ov, 'a.jpg'), join(ov, 'sub', 'link.jpg'));
    const r = await walkInputs([ov, join(ov, 'sub'), ov, join(ov, 'sub', 'b.jpg')]);
    expect(r.files.map((f) => f.path).sort()).toEqual([join(ov, 'a.jpg'), join(ov, 'sub', 'b.jpg')]);
    expect(r.decided.map((d) => [d.path, d.status]).sort()).toEqual([
      [join(ov, '.hidden'), 'skipped'],
      [join(ov, 'sub', '.DS_Store'), 'skipped'],
      [join(ov, 'sub', 'link.jpg'), 'skipped'],
    ]);
  });
});
