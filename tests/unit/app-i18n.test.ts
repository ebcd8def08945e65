// Languages and hard-coded text: the three locale files hold the same keys (plural forms aside),
// every key the renderer asks for exists, no JSX text or user-facing attribute is a literal,
// and renderer/index.html carries the same CSP as the app sends.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RENDERER_CSP } from '../../electron/common/csp.ts';
import { REPO_ROOT } from '../helpers/corpus.ts';

const SRC = join(REPO_ROOT, 'renderer', 'src');
const PLURAL = /_(zero|one|two|few|many|other)$/u;

function flatten(o: Record<string, unknown>, prefix = ''): string[] {
  return Object.entries(o).flatMap(([k, v]) => (typeof v === 'object' && v !== null ? flatten(v as Record<string, unknown>, `${prefix}${k}.`) : [`${prefix}${k}`]));
}
const load = (lng: string) => JSON.parse(readFileSync(join(SRC, 'i18n', `${lng}.json`), 'utf8')) as Record<string, unknown>;
const keys = (lng: string) => new Set(flatten(load(lng)).map((k) => k.replace(PLURAL, '')));
const sources = (): { file: string; text: string }[] =>
  (readdirSync(SRC, { recursive: true }) as string[]).filter((f) => /\.tsx?$/u.test(f)).map((f) => ({ file: f, text: readFileSync(join(SRC, f), 'utf8') }));

describe('locales', () => {
  it('en, ru and ky have the same keys', () => {
    const en = keys('en');
    for (const lng of ['ru', 'ky']) {
      const other = keys(lng);
      expect([...en].filter((k) => !other.has(k)), `${lng} lacks`).toEqual([]);
      expect([...other].filter((k) => !en.has(k)), `${lng} has extra`).toEqual([]);
    }
  });

  it('each plural key has the forms its language needs (ru: one/few/many/other; en, ky: one/other)', () => {
    const forms = (lng: string, base: string) => flatten(load(lng)).filter((k) => k.replace(PLURAL, '') === base && PLURAL.test(k)).map((k) => PLURAL.exec(k)![1]).sort();
    const plurals = [...new Set(flatten(load('en')).filter((k) => PLURAL.test(k)).map((k) => k.replace(PLURAL, '')))];
    expect(plurals.length).toBeGreaterThan(3);
    for (const base of plurals) {
      expect(forms('en', base), base).toEqual(['one', 'other']);
      expect(forms('ky', base), base).toEqual(['one', 'other']);
      expect(forms('ru', base), base).toEqual(['few', 'many', 'one', 'other']);
    }
  });

  it('every literal key the renderer uses exists in English', () => {
    const en = keys('en');
    const used = sources().flatMap(({ text }) => [...text.matchAll(/\bt\('([a-zA-Z0-9_.]+)'/gu)].map((m) => m[1]!));
    expect(used.length).toBeGreaterThan(100);
    expect(used.filter((k) => !en.has(k))).toEqual([]);
  });
});

describe('no hard-coded user-facing text in renderer/src', () => {
  // Text between JSX tags that contains a letter, and literal user-facing attributes.
  const JSX_TEXT = />\s*([^<>{}\s][^<>{}]*?)\s*</gu;
  const ATTR = /\b(placeholder|title|alt|aria-label|label)="([^"]*\p{L}[^"]*)"/gu;

  it('finds none', () => {
    const found: string[] = [];
    for (const { file, text } of sources().filter((s) => s.file.endsWith('.tsx'))) {
      // Only look at JSX-looking lines, not at TypeScript generics (Map<string, number>) or comments.
      for (const line of text.split('\n').filter((l) => !/^\s*(\/\/|\*|import )/u.test(l))) {
        for (const m of line.matchAll(JSX_TEXT)) if (/\p{L}/u.test(m[1]!) && !/[=;()]|=>|&&/u.test(m[1]!)) found.push(`${file}: ${m[1]}`);
        for (const m of line.matchAll(ATTR)) found.push(`${file}: ${m[1]}="${m[2]}"`);
      }
    }
    expect(found).toEqual([]);
  });

  it('the scan catches a literal (it is not a test that cannot fail)', () => {
    const sample = '  return <button type="button" title="Delete all">Delete everything</button>;';
    expect([...sample.matchAll(JSX_TEXT)].map((m) => m[1])).toContain('Delete everything');
    expect([...sample.matchAll(ATTR)].map((m) => m[2])).toContain('Delete all');
  });
});

describe('content security policy', () => {
  it('renderer/index.html carries the policy main sends', () => {
    const html = readFileSync(join(REPO_ROOT, 'renderer', 'index.html'), 'utf8');
    const meta = /http-equiv="Content-Security-Policy" content="([^"]+)"/u.exec(html)?.[1];
    expect(meta).toBe(RENDERER_CSP);
    expect(RENDERER_CSP).not.toMatch(/unsafe-(inline|eval)/u);
    expect(RENDERER_CSP).toContain("script-src 'self'");
  });
});
