// The packaged app must carry what every evidence set copies in (VERIFY.html) and what every new
// archive is seeded with (the gazetteer), and the archive worker must be pointed at them.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../helpers/corpus.ts';

describe('packaged resources', () => {
  it('electron-builder ships resources/verify and resources/gazetteer, and main hands both paths to the archive worker', () => {
    const yml = readFileSync(join(REPO_ROOT, 'electron-builder.yml'), 'utf8');
    for (const dir of ['gazetteer', 'verify']) {
      expect(yml).toMatch(new RegExp(`- from: resources/${dir}\\n\\s+to: ${dir}\\n`, 'u'));
    }
    expect(existsSync(join(REPO_ROOT, 'resources', 'verify', 'VERIFY.html'))).toBe(true);
    const main = readFileSync(join(REPO_ROOT, 'electron', 'main', 'index.ts'), 'utf8');
    expect(main).toContain("verifyHtml: join(resources, 'verify', 'VERIFY.html')");
    const worker = readFileSync(join(REPO_ROOT, 'electron', 'main', 'archive-worker.ts'), 'utf8');
    expect(worker).toContain('process.env.EVIDENCE_VERIFY_HTML ??= data.verifyHtml');
  });
});
