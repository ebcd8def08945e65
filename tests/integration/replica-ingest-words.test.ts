// An ingest's replica warnings in the user's language (issue 15 §4): a replica not connected, as
// `replica sync` words it, never the core's English sentence inside a translated prefix.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { setCliLanguage } from '../../electron/cli/i18n/index.ts';
import { runCli } from '../helpers/cli-inprocess.ts';

afterEach(() => setCliLanguage('en'));

/** English words left once paths, `commands`, "names" and --flags are taken out. */
function englishWords(text: string): string[] {
  const prose = text.replace(/`[^`]*`/gu, ' ').replace(/["“«][^"”»]*["”»]/gu, ' ').replace(/\S*[/.]\S*/gu, ' ').replace(/--[a-z-]+/gu, ' ');
  return (prose.match(/\b[A-Za-z]{2,}\b/gu) ?? []).filter((w) => !['evidence'].includes(w));
}

describe.each(['ru', 'ky'] as const)('ingest --lang %s with a replica not connected', (lang) => {
  it('warns in its own words and names the replica and the command to run', async () => {
    const root = mkdtempSync(join(tmpdir(), 'replica-ingest-words-'));
    const src = join(root, 'card');
    mkdirSync(src);
    writeFileSync(join(src, 'a.txt'), 'first\n');
    const A = ['--archive', join(root, 'arc')];
    expect((await runCli('ingest', src, ...A, '--no-previews')).code).toBe(0);
    expect((await runCli('replica', 'add', join(root, 'drive-b'), '--name', 'drive-b', ...A)).code).toBe(0);
    rmSync(join(root, 'drive-b'), { recursive: true });
    writeFileSync(join(src, 'b.txt'), 'second\n');
    const r = await runCli('--lang', lang, 'ingest', src, ...A, '--no-previews');
    expect(r.code, r.err).toBe(0);
    const warning = r.err.split('\n').find((l) => l.includes('drive-b'));
    expect(warning, r.err).toBeDefined();
    expect(warning).toMatch(lang === 'ru' ? /^предупреждение: / : /^эскертүү: /u);
    expect(warning).toContain('`evidence replica sync drive-b`');
    expect(englishWords(warning!)).toEqual([]);
    rmSync(root, { recursive: true, force: true });
  });
});
