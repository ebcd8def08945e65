// Issue 13 hardening, defect 3: the catalog passphrase prompt read "Passphrase of the archive
// /tmp/t13/B: : " (two colons), and a wrong EVIDENCE_PASSPHRASE without a terminal was told to
// "type it again", when there is nothing to type: the variable is wrong. In en, ru and ky.
import { PassThrough } from 'node:stream';
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { catalogPassphraseSource, newCatalogPassphrase, wrongCatalogPassphraseMessage } from '../../electron/cli/catalog-passphrase.ts';
import { setCliLanguage } from '../../electron/cli/i18n/index.ts';
import type { Io } from '../../electron/cli/io.ts';
import type { Terminal } from '../../electron/cli/passphrase.ts';
import { runCli } from '../helpers/cli-inprocess.ts';

const io: Io = { out: () => {}, err: () => {}, isTTY: false, signal: new AbortController().signal };

/** A terminal that answers every prompt with `answer` and records what was written to it. */
function fakeTerminal(answer: string): { terminal: Terminal; shown: () => string } {
  let shown = '';
  const input = Object.assign(new PassThrough(), { setRawMode: () => input, isTTY: true }) as unknown as NodeJS.ReadStream;
  const terminal: Terminal = {
    input,
    write: (s) => {
      shown += s;
      if (s.endsWith(': ')) setImmediate(() => (input as unknown as PassThrough).write(`${answer}\r`));
    },
  };
  return { terminal, shown: () => shown };
}

let root: string;
let arch: string;
const PASS = 'right passphrase';
const saved = process.env.EVIDENCE_PASSPHRASE;

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'ea-catalog-pass-'));
  arch = join(root, 'B');
  mkdirSync(join(root, 'in'));
  writeFileSync(join(root, 'in', 'n.txt'), 'note\n');
  process.env.EVIDENCE_PASSPHRASE = PASS;
  expect((await runCli('init', arch, '--encrypt')).code).toBe(0);
}, 60_000);

afterEach(() => {
  setCliLanguage('en');
  if (saved === undefined) delete process.env.EVIDENCE_PASSPHRASE;
  else process.env.EVIDENCE_PASSPHRASE = saved;
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('catalog passphrase prompts and errors', () => {
  it.each([
    ['en', 'Passphrase of the archive /tmp/t13/B: ', 'New passphrase for the catalog: '],
    ['ru', 'Парольная фраза архива /tmp/t13/B: ', 'Новая парольная фраза каталога: '],
    ['ky', '/tmp/t13/B архивинин купуя сөзү: ', 'Каталогдун жаңы купуя сөзү: '],
  ] as const)('%s: each prompt ends in one colon', async (lang, prompt, promptNew) => {
    setCliLanguage(lang);
    const a = fakeTerminal('x');
    expect(await catalogPassphraseSource(io, { env: {}, terminal: a.terminal })('/tmp/t13/B')).toBe('x');
    expect(a.shown()).toBe(`${prompt}\n`);
    const b = fakeTerminal('y');
    expect(await newCatalogPassphrase(io, { envVar: 'EVIDENCE_PASSPHRASE', env: {}, terminal: b.terminal })).toBe('y');
    expect(b.shown().split('\n')[0]).toBe(promptNew);
  });

  it.each([
    ['en', /the passphrase in the environment variable EVIDENCE_PASSPHRASE does not open this archive's catalog \(nothing was changed\)\. Set EVIDENCE_PASSPHRASE to the right passphrase/u],
    ['ru', /парольная фраза из переменной окружения EVIDENCE_PASSPHRASE не открывает каталог этого архива/u],
    ['ky', /EVIDENCE_PASSPHRASE айлана-чөйрө өзгөрмөсүндөгү купуя сөз бул архивдин каталогун ачпайт/u],
  ] as const)('%s: a wrong EVIDENCE_PASSPHRASE without a terminal says the variable is wrong, not to type it again (exit 2)', async (lang, said) => {
    process.env.EVIDENCE_PASSPHRASE = 'wrong passphrase';
    const r = await runCli('--lang', lang, 'list', '--archive', arch);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(said);
    expect(r.err).toContain(join(arch, 'archive.sqlite'));
    expect(r.err).not.toMatch(/type it again|введите её ещё раз|кайра териңиз/u);
  });

  it('a passphrase typed at the prompt that is wrong: type it again', async () => {
    await catalogPassphraseSource(io, { env: {}, terminal: fakeTerminal('typo').terminal })(arch);
    expect(wrongCatalogPassphraseMessage('/a/archive.sqlite')).toBe("/a/archive.sqlite: the passphrase typed does not open this archive's catalog " +
      '(nothing was changed); run the command again and type it again. A lost passphrase cannot be recovered.');
  });
});
