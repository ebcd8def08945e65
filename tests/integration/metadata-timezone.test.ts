// No record may depend on the machine's time zone: extract the whole corpus in child processes
// under different TZ values and require byte-identical JSON.
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { HAS_CORPUS, REPO_ROOT } from '../helpers/corpus.ts';

const run = promisify(execFile);
const SCRIPT = join(REPO_ROOT, 'tests', 'helpers', 'extract-corpus.ts');

async function extractUnder(tz: string): Promise<string> {
  const { stdout } = await run(process.execPath, ['--import', 'tsx', SCRIPT], {
    cwd: REPO_ROOT,
    env: { ...process.env, TZ: tz },
    maxBuffer: 64 * 1024 * 1024,
  });
  return stdout;
}

describe.skipIf(!HAS_CORPUS)('time-zone independence', () => {
  it('gives identical records under Asia/Bishkek, America/Los_Angeles and Pacific/Chatham', async () => {
    const [bishkek, la, chatham] = await Promise.all(['Asia/Bishkek', 'America/Los_Angeles', 'Pacific/Chatham'].map(extractUnder));
    const parsed = JSON.parse(bishkek!) as Record<string, { metadata: { fields: { capturedAt: string | null } } }>;
    expect(Object.keys(parsed)).toHaveLength(39);
    // Guard against a vacuous pass: the corpus has dozens of dated files.
    expect(Object.values(parsed).filter((r) => r.metadata.fields.capturedAt !== null).length).toBeGreaterThan(30);
    expect(la).toBe(bishkek);
    expect(chatham).toBe(bishkek);
  }, 120_000);
});
