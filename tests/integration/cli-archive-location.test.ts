// Where the archive is when --archive is not given: $EVIDENCE_ARCHIVE, else ~/EvidenceArchive,
// created on first use; `evidence init` makes one explicitly.
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli, runCliJson } from '../helpers/cli.ts';

const work = mkdtempSync(join(tmpdir(), 'ea-where-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));
const photo = join(work, 'photo.jpg');
writeFileSync(photo, 'stand-in for a photo');

describe('archive location', () => {
  it('defaults to ~/EvidenceArchive, created on first use', () => {
    const home = join(work, 'home');
    const env = { HOME: home, EVIDENCE_ARCHIVE: '' };
    const r = runCliJson<{ archive: string; counts: { added: number } }>(['ingest', photo, '--json'], env);
    expect(r.code, r.stderr).toBe(0);
    expect(r.json.archive).toBe(join(home, 'EvidenceArchive'));
    expect(existsSync(join(home, 'EvidenceArchive', 'archive.sqlite'))).toBe(true);
    expect(runCliJson<unknown[]>(['list', '--json'], env).json).toHaveLength(1);
  });

  it('uses $EVIDENCE_ARCHIVE when set, and --archive over both', () => {
    const viaEnv = join(work, 'env-archive');
    expect(runCliJson<{ archive: string }>(['ingest', photo, '--json'], { EVIDENCE_ARCHIVE: viaEnv }).json.archive).toBe(viaEnv);
    const viaOpt = join(work, 'opt-archive');
    expect(runCliJson<{ archive: string }>(['ingest', photo, '--archive', viaOpt, '--json'], { EVIDENCE_ARCHIVE: viaEnv }).json.archive).toBe(viaOpt);
  });

  it('evidence init creates an empty archive that the other commands accept', () => {
    const dir = join(work, 'made-by-init');
    const r = runCliJson<{ archive: string }>(['init', dir, '--json']);
    expect(r.json.archive).toBe(dir);
    expect(runCliJson<unknown[]>(['list', '--archive', dir, '--json']).json).toEqual([]);
    expect(runCli(['verify', '--archive', dir]).code).toBe(0);
  });
});
