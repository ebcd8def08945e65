// What the recipient of an evidence set reads in Russian and Kyrgyz (verify-bag --lang ru|ky):
// each check, each problem and the verdict in their words, on real exported sets, intact and
// tampered with; exit codes as before, and --json still carrying the English reasons.
import { appendFileSync, cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { setCliLanguage } from '../../electron/cli/i18n/index.ts';
import { runCli } from '../helpers/cli-inprocess.ts';

/** Words a translated line may still hold: names of standards and formats, file, field and CSV column names, the test key's name (sender). */
const ALLOWED = new Set(['SHA', 'BagIt', 'RFC', 'TSA', 'CA', 'SSH', 'OpenPGP', 'Ed25519', 'Payload', 'Oxum', 'UTF', 'JSON', 'GPS', 'tag', 'evidence', 'FILE', 'sshsig', 'openpgp', 'sender', 'originalName']);

/** The English words left in `text` once paths, flags, quoted names, hex digests and fingerprints are taken out. */
function englishWords(text: string): string[] {
  const prose = text
    .replace(/`[^`]*`/gu, ' ')
    .replace(/"[^"]*"/gu, ' ')
    .replace(/SHA256:[A-Za-z0-9+/]{43}/gu, ' ')
    .replace(/\S*[/.]\S*/gu, ' ')
    .replace(/--[a-z-]+/gu, ' ')
    .replace(/\b[0-9a-f]{12,}\b/gu, ' ');
  return (prose.match(/\b[A-Za-z]{2,}\b/gu) ?? []).filter((w) => !ALLOWED.has(w));
}

const RAW_KEY = /\b[a-z][\w-]*:[a-z][\w-]*(\.[\w-]+)+\b/u;

function expectTranslated(text: string): void {
  expect(text.trim()).not.toBe('');
  expect(englishWords(text)).toEqual([]);
  expect(text).not.toMatch(RAW_KEY);
}

let root: string;
let plain: string;
let signed: string;
const saved = { keys: process.env.EVIDENCE_KEYS_DIR, pass: process.env.EVIDENCE_KEY_PASSPHRASE };

/** Ingests three generated notes (and a real photo when the shared corpus is there) and exports them all to `out`. */
async function exportSet(name: string, out: string): Promise<void> {
  const src = join(root, `${name}-src`);
  mkdirSync(src);
  for (let i = 0; i < 3; i++) writeFileSync(join(src, `note-${i}.txt`), `note ${i} of ${name}\n`);
  const media = join(process.env.EVIDENCE_SHARED_DIR ?? '/work/shared', 'fixtures', 'media');
  try {
    const jpg = readFileSync(join(media, 'jpeg', 'canon_eos_gps.jpg'));
    writeFileSync(join(src, 'photo.jpg'), jpg);
  } catch {
    // the shared corpus is optional: generated files carry the test
  }
  const arc = join(root, `${name}-arc`);
  expect((await runCli('ingest', src, '--archive', arc, '--threads', '1', '--no-previews')).code).toBe(0);
  const e = await runCli('export', '--archive', arc, '--all', '--out', out);
  expect(e.code, e.err).toBe(0);
}

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'verify-bag-words-'));
  plain = join(root, 'plain');
  await exportSet('plain', plain);
  process.env.EVIDENCE_KEYS_DIR = join(root, 'keys');
  process.env.EVIDENCE_KEY_PASSPHRASE = 'a long passphrase';
  expect((await runCli('key', 'create', '--name', 'sender')).code).toBe(0);
  signed = join(root, 'signed');
  await exportSet('signed', signed);
}, 120_000);

afterAll(() => {
  for (const [k, v] of [['EVIDENCE_KEYS_DIR', saved.keys], ['EVIDENCE_KEY_PASSPHRASE', saved.pass]] as const) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
  rmSync(root, { recursive: true, force: true });
});
afterEach(() => setCliLanguage('en'));

let copies = 0;
/** A copy of `bag` changed by `change`. */
function tampered(bag: string, change: (dir: string) => void): string {
  const dir = join(root, `copy-${++copies}`);
  cpSync(bag, dir, { recursive: true });
  change(dir);
  return dir;
}

const cases: { name: string; code: number; bag: () => string; args?: string[]; words: { ru: RegExp[]; ky: RegExp[] } }[] = [
  { name: 'an intact unsigned set', code: 5, bag: () => plain,
    words: { ru: [/^ок +файлы: 3 файла содержимого/mu, /^ВНИМАНИЕ подпись: не подписан/mu, /^ЦЕЛ, НО НЕ ВСЁ ДОКАЗАНО:/mu], ky: [/^ок +файлдар: /mu, /^ЭСКЕРТҮҮ кол: кол коюлган эмес/mu, /^БҮТҮН, БИРОК БААРЫ ДАЛИЛДЕНГЕН ЭМЕС:/mu] } },
  { name: 'a payload file altered', code: 1, bag: () => tampered(plain, (d) => appendFileSync(join(d, 'data', 'note-1.txt'), 'x')),
    words: { ru: [/^ОШИБКА data\/note-1\.txt: файл изменён: в manifest-sha256\.txt sha256 [0-9a-f]{64}, у файла [0-9a-f]{64}$/mu, /^НЕДЕЙСТВИТЕЛЕН: набор не такой/mu], ky: [/^КАТА data\/note-1\.txt: файл өзгөртүлгөн: /mu, /^ЖАРАКСЫЗ: топтом түзүлгөндөй эмес/mu] } },
  { name: 'a payload file missing', code: 1, bag: () => tampered(plain, (d) => rmSync(join(d, 'data', 'note-2.txt'))),
    words: { ru: [/^ОШИБКА data\/note-2\.txt: указан в manifest-sha256\.txt, но файла нет/mu], ky: [/^КАТА data\/note-2\.txt: manifest-sha256\.txt ичинде көрсөтүлгөн, бирок файл жок/mu] } },
  { name: 'an extra file added', code: 1, bag: () => tampered(plain, (d) => writeFileSync(join(d, 'data', 'planted.txt'), 'planted\n')),
    words: { ru: [/^ОШИБКА data\/planted\.txt: файл содержимого не указан в manifest-sha256\.txt/mu, /Payload-Oxum говорит/u], ky: [/^КАТА data\/planted\.txt: мазмун файлы manifest-sha256\.txt ичинде көрсөтүлгөн эмес/mu, /Payload-Oxum .* дейт/u] } },
  { name: 'a tag file edited', code: 1, bag: () => tampered(plain, (d) => appendFileSync(join(d, 'bag-info.txt'), 'Contact-Name: someone else\n')),
    words: { ru: [/^ОШИБКА bag-info\.txt: служебный файл изменён: в tagmanifest-sha256\.txt/mu], ky: [/^КАТА bag-info\.txt: кызматтык файл өзгөртүлгөн: /mu] } },
  { name: 'items.json edited, so items.csv disagrees with it', code: 1, bag: () => tampered(plain, (d) => {
    const f = join(d, 'evidence', 'items.json');
    const items = JSON.parse(readFileSync(f, 'utf8')) as { originalName?: string }[];
    items[0]!.originalName = 'renamed.txt';
    writeFileSync(f, JSON.stringify(items, null, 2));
  }),
  words: { ru: [/^ОШИБКА evidence\/items\.json: служебный файл изменён/mu, /^ОШИБКА evidence\/items\.csv: строка \d+, материал [0-9a-f]{64} \(data\/\S+\): в столбце originalName "[^"]+", а в evidence\/items\.json "renamed\.txt"$/mu],
    ky: [/^КАТА evidence\/items\.csv: \d+-сап, [0-9a-f]{64} \(data\/\S+\) материалы: originalName тилкесинде "[^"]+", бирок evidence\/items\.json ичинде "renamed\.txt"$/mu] } },
  { name: 'custody.json edited', code: 1, bag: () => tampered(plain, (d) => {
    const f = join(d, 'evidence', 'custody.json');
    const doc = JSON.parse(readFileSync(f, 'utf8')) as { events: { actor: string }[] };
    doc.events[0]!.actor = 'someone else';
    writeFileSync(f, JSON.stringify(doc));
  }),
  words: { ru: [/строка журнала хранения \d+: строка изменена: записанный хеш/u, /^ОШИБКА печать истории хранения: строка журнала \d+ изменена/mu], ky: [/сап өзгөртүлгөн: жазылган хеш/u, /^КАТА сактоо тарыхынын мөөрү: \d+-журнал сабы өзгөртүлгөн/mu] } },
  { name: 'a signed set checked with another key', code: 1, bag: () => signed, args: ['--expect-key', `SHA256:${'A'.repeat(43)}`],
    words: { ru: [/^ОШИБКА подписант: подписано ключом SHA256:\S+ \(sender\), а НЕ ожидаемым вами ключом/mu, /^НЕДЕЙСТВИТЕЛЕН: подписант: /mu, /^ок +подпись \(sshsig\): SSH-подпись над tagmanifest-sha256\.txt верна/mu],
      ky: [/^КАТА кол коюучу: SHA256:\S+ \(sender\) ачкычы менен кол коюлган, сиз күткөн ачкыч .* менен ЭМЕС/mu, /^ЖАРАКСЫЗ: кол коюучу: /mu] } },
];

describe.each(['ru', 'ky'] as const)('verify-bag --lang %s', (lang) => {
  it.each(cases.map((c) => [c.name, c] as const))('%s: in its words, exit code and --json as in English', async (_name, c) => {
    const bag = c.bag();
    const args = ['verify-bag', bag, ...(c.args ?? [])];
    const said = await runCli('--lang', lang, ...args);
    expect(said.code, said.err).toBe(c.code);
    expectTranslated(said.out.split(bag).join(' '));
    for (const w of c.words[lang]) expect(said.out).toMatch(w);

    // --json is the same report whatever the language, its English reasons and sentence unchanged.
    const en = JSON.parse((await runCli('verify-bag', bag, '--json', ...(c.args ?? []))).out) as { problems: { reason: string; code?: string }[]; checks: { name: string; detail: string; code: string }[]; verdict: { sentence: string; code: string } };
    const local = JSON.parse((await runCli('--lang', lang, 'verify-bag', bag, '--json', ...(c.args ?? []))).out) as typeof en;
    expect(local).toEqual(en);
    expect(en.verdict.sentence).toMatch(/^(INVALID|INTACT, NOT FULLY PROVEN|VALID): /u);
    for (const p of en.problems) expect(p.code, p.reason).toMatch(/^[a-z][\w-]*(\.[\w-]+)+$/u);
    for (const ch of en.checks) expect(ch.detail).toMatch(/[a-z]{3,}/u);
  });
});

describe('verify-bag codes in --json', () => {
  it('an altered payload file is payload.altered with the file, the manifest\'s and the found digest; the English reason is as before', async () => {
    const bag = tampered(plain, (d) => appendFileSync(join(d, 'data', 'note-0.txt'), 'x'));
    const r = await runCli('verify-bag', bag, '--json');
    expect(r.code).toBe(1);
    const j = JSON.parse(r.out) as { problems: { file?: string; reason: string; code?: string; params?: Record<string, unknown> }[]; verdict: { code: string } };
    const p = j.problems.find((x) => x.file === 'data/note-0.txt')!;
    expect(p.code).toBe('payload.altered');
    expect(p.params).toMatchObject({ alg: 'sha256', manifest: 'manifest-sha256.txt' });
    expect(p.reason).toBe(`sha256 mismatch: manifest-sha256.txt has ${String(p.params!.expected)}, file has ${String(p.params!.found)}`);
    expect(j.verdict.code).toBe('verdict.invalid-files');
    // In English the human lines are the core's sentences, word for word as before.
    const human = await runCli('verify-bag', bag);
    expect(human.out).toContain(`FAIL data/note-0.txt: ${p.reason}\n`);
    expect(human.out).toMatch(/^INVALID: this set is not as it was made: /mu);
  });

  it('translates the --tsa-ca usage errors', async () => {
    const none = await runCli('--lang', 'ru', 'verify-bag', plain, '--tsa-ca', join(root, 'no-such.pem'));
    expect(none.code).toBe(2);
    expect(none.err).toContain('файл не читается (ENOENT)');
    const notPem = join(root, 'not.pem');
    writeFileSync(notPem, 'hello\n');
    const ky = await runCli('--lang', 'ky', 'verify-bag', plain, '--tsa-ca', notPem);
    expect(ky.code).toBe(2);
    expect(ky.err).toContain('анда PEM сертификаты жок');
  });
});
