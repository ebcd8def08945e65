// Issue 14 §3 end to end through the CLI: ingest the C2PA fixtures and a plain JPEG, then every
// verdict is stored with the item and recorded as a custody event (PREMIS "validation"), `show`
// says it in plain words, `list --credentials` filters in SQL, `credentials show` validates again
// with the trust anchors configured by `credentials trust add|list|remove`, an export carries the
// report in items.json and still verifies, and the originals are byte-identical after all of it.
import { createHash, X509Certificate } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { objectPath } from '../../electron/core/archive.ts';
import { scanC2pa } from '../../electron/core/c2pa/read.ts';
import { cliJson, runCli } from '../helpers/cli-inprocess.ts';
import { MEDIA_DIR, SHARED_DIR } from '../helpers/corpus.ts';

const DIR = join(SHARED_DIR, 'fixtures', 'c2pa');
const PLAIN = join(MEDIA_DIR, 'metadata-extractor-images', 'jpg', 'Nikon D5000.jpg');
const READY = existsSync(join(DIR, 'expected.json')) && existsSync(PLAIN);
const FILES = ['adobe-20220124-A.jpg', 'adobe-20220124-CA.jpg', 'adobe-20220124-E-sig-CA.jpg', 'adobe-20220124-XCA.jpg', 'truepic-20230212-camera.jpg'];

const work = mkdtempSync(join(tmpdir(), 'ea-c2pa-'));
const archive = join(work, 'archive');
const card = join(work, 'card');
const A = ['--archive', archive];
const id: Record<string, number> = {};
const sha: Record<string, string> = {};
const digest = (p: string) => createHash('sha256').update(readFileSync(p)).digest('hex');
process.env.EVIDENCE_OPERATOR = 'A. Usenova';

interface Listed { id: number; sha256: string; sources: { name: string }[] }
interface Ev { seq: number; type: string; detail: Record<string, unknown> }

beforeAll(async () => {
  if (!READY) return;
  mkdirSync(card);
  for (const f of FILES) copyFileSync(join(DIR, f), join(card, f));
  copyFileSync(PLAIN, join(card, 'plain.jpg'));
  const r = await runCli('ingest', card, ...A);
  expect(r.code, r.err).toBe(0);
  for (const it of await cliJson<Listed[]>('list', '--json', ...A)) {
    id[it.sources[0]!.name] = it.id;
    sha[it.sources[0]!.name] = it.sha256;
  }
}, 120_000);
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe.skipIf(!READY)('C2PA Content Credentials through ingest and the CLI', () => {
  it('records each verdict at ingest, with a validation custody event only where a store is', async () => {
    const expected = JSON.parse(readFileSync(join(DIR, 'expected.json'), 'utf8')) as Record<string, { verdict: string; validationCodes: string[]; signerIssuer: string | null }>;
    for (const f of [...FILES, 'plain.jpg']) {
      const s = await cliJson<{ credentials: { verdict: string; codes: string[]; signer: { issuer: string } | null; storeSha256: string | null } | null; custody: Ev[] }>('show', String(id[f]), '--json', ...A);
      const want = expected[f] ?? { verdict: 'absent', validationCodes: [], signerIssuer: null };
      expect(s.credentials, f).toMatchObject({ verdict: want.verdict, codes: want.validationCodes });
      expect(s.credentials!.signer?.issuer ?? null, f).toBe(want.signerIssuer);
      const events = s.custody.filter((e) => e.type === 'validation');
      if (want.verdict === 'absent') expect(events, f).toEqual([]);
      else {
        expect(events, f).toHaveLength(1);
        expect(events[0]!.detail).toMatchObject({ action: 'c2pa validation', trigger: 'ingest', verdict: want.verdict, codes: want.validationCodes, library: '@trustnxt/c2pa-ts 0.9.4', trustList: { name: 'none configured', anchors: 0 } });
        // The store kept is the file's own bytes.
        const scan = await scanC2pa(join(DIR, f));
        expect(s.credentials!.storeSha256).toBe(createHash('sha256').update(scan.store!).digest('hex'));
      }
    }
  });

  it('`show` says who signed, when, with what, what was done and the verdict with its codes explained', async () => {
    const ca = await runCli('show', String(id['adobe-20220124-CA.jpg']), ...A);
    expect(ca.out).toContain('Content Credentials (C2PA):');
    expect(ca.out).toMatch(/verdict +valid, but the signer is on no trust list you configured {2}\[valid-untrusted\]/);
    expect(ca.out).toMatch(/signed by +C2PA Test Signing Cert {2}\(C=US, .*CN=C2PA Signer\)/);
    expect(ca.out).toMatch(/signed at +2023-01-24T14:48:56\.000Z/);
    expect(ca.out).toMatch(/made with +make_test_images\/0\.16\.1 c2pa-rs\/0\.16\.1/);
    expect(ca.out).toMatch(/actions +opened an existing file \(c2pa\.opened\); colour adjustments \(c2pa\.color_adjustments\): brightnesscontrast/);
    expect(ca.out).toMatch(/ingredients +A\.jpg \(image\/jpeg, parentOf, no credentials of its own\)/);
    const x = await runCli('show', String(id['adobe-20220124-XCA.jpg']), ...A);
    expect(x.out).toMatch(/verdict +INVALID: the credentials do not hold {2}\[invalid\]/);
    expect(x.out).toContain('problems     assertion.dataHash.mismatch: the file\'s bytes were changed after signing');
    const e = await runCli('show', String(id['adobe-20220124-E-sig-CA.jpg']), ...A);
    expect(e.out).toContain('timeStamp.mismatch: the time-stamp does not match the signature');
    expect(e.out).toMatch(/signed at +no validated time-stamp/);
    const plain = await runCli('show', String(id['plain.jpg']), ...A);
    expect(plain.out).toMatch(/verdict +none: the file carries no C2PA manifest {2}\[absent\]/);
  });

  it('`list --credentials` selects absent, valid and invalid items', async () => {
    const names = async (v: string) => (await cliJson<Listed[]>('list', '--credentials', v, '--json', ...A)).map((i) => i.sources[0]!.name).sort();
    expect(await names('valid')).toEqual(['adobe-20220124-CA.jpg', 'truepic-20230212-camera.jpg']);
    expect(await names('invalid')).toEqual(['adobe-20220124-E-sig-CA.jpg', 'adobe-20220124-XCA.jpg']);
    expect(await names('absent')).toEqual(['adobe-20220124-A.jpg', 'plain.jpg']);
    const bad = await runCli('list', '--credentials', 'maybe', ...A);
    expect(bad.code).not.toBe(0);
    expect(bad.err).toContain('--credentials maybe: one of absent, valid, valid-trusted, valid-untrusted, invalid');
  });

  it('trust anchors: the signer\'s root added gives valid-trusted on re-validation; removed, valid-untrusted again; each a custody event', async () => {
    const scan = await scanC2pa(join(DIR, 'adobe-20220124-CA.jpg'));
    const pem = join(work, 'adobe-test-root.pem');
    writeFileSync(pem, new X509Certificate(Buffer.from(scan.chain.at(-1)!)).toString());
    const add = await runCli('credentials', 'trust', 'add', pem, ...A);
    expect(add.code, add.err).toBe(0);
    expect(add.out).toMatch(/Added 1 trust anchor:\n {2}[0-9a-f]{64} {2}C=US, .*CN=Root CA/);
    expect((await runCli('credentials', 'trust', 'add', pem, ...A)).out).toContain('already a trust anchor');
    const anchors = await cliJson<{ sha256: string; subject: string }[]>('credentials', 'trust', 'list', '--json', ...A);
    expect(anchors).toHaveLength(1);

    const r = await cliJson<{ credentials: { verdict: string; validator: { trustList: { name: string; anchors: { sha256: string }[] } } }; custodyEvent: number }>('credentials', 'show', String(id['adobe-20220124-CA.jpg']), '--json', ...A);
    expect(r.credentials.verdict).toBe('valid-trusted');
    expect(r.credentials.validator.trustList).toMatchObject({ name: 'archive trust anchors', anchors: [{ sha256: anchors[0]!.sha256 }] });
    const text = await runCli('credentials', 'show', String(id['truepic-20230212-camera.jpg']), ...A);
    expect(text.code).toBe(0);
    expect(text.out).toMatch(/\[valid-untrusted\]/);
    expect(text.out).toMatch(/Recorded as custody event #\d+ \(validation\)\./);
    expect((await runCli('credentials', 'show', String(id['adobe-20220124-XCA.jpg']), ...A)).code).toBe(1);

    const rm = await runCli('credentials', 'trust', 'remove', anchors[0]!.sha256.slice(0, 12), ...A);
    expect(rm.code, rm.err).toBe(0);
    const again = await cliJson<{ credentials: { verdict: string } }>('credentials', 'show', String(id['adobe-20220124-CA.jpg']), '--json', ...A);
    expect(again.credentials.verdict).toBe('valid-untrusted');
    const custody = (await cliJson<{ custody: Ev[] }>('show', String(id['adobe-20220124-CA.jpg']), '--json', ...A)).custody.filter((e) => e.type === 'validation');
    expect(custody.map((e) => [e.detail.trigger, e.detail.verdict])).toEqual([['ingest', 'valid-untrusted'], ['on demand', 'valid-trusted'], ['on demand', 'valid-untrusted']]);
    // On demand, a file without credentials gets its event too.
    expect((await runCli('credentials', 'show', String(id['plain.jpg']), ...A)).out).toMatch(/\[absent\][\s\S]*custody event #\d+/);
  });

  it('an export carries the report in items.json and the verdict in items.csv, and still verifies', async () => {
    const out = join(work, 'set');
    const ex = await runCli('export', '--all', '--out', out, ...A);
    expect(ex.code, ex.err).toBe(0);
    const items = JSON.parse(readFileSync(join(out, 'evidence', 'items.json'), 'utf8')) as { sha256: string; credentialsVerdict?: string; credentials?: { verdict: string; signer: { issuer: string } } }[];
    const bySha = new Map(items.map((i) => [i.sha256, i]));
    expect(bySha.get(sha['truepic-20230212-camera.jpg']!)).toMatchObject({ credentialsVerdict: 'valid-untrusted', credentials: { verdict: 'valid-untrusted', signer: { issuer: 'Truepic' } } });
    expect(bySha.get(sha['adobe-20220124-XCA.jpg']!)).toMatchObject({ credentialsVerdict: 'invalid' });
    expect(bySha.get(sha['plain.jpg']!)!.credentials).toBeUndefined();
    expect(readFileSync(join(out, 'evidence', 'items.csv'), 'utf8').split('\n')[0]).toContain('credentialsVerdict');
    // Unsigned and unsealed, verify-bag exits 5 ("intact, not fully proven"); what matters here is 0 problems.
    const vb = await runCli('verify-bag', out);
    expect(vb.out, vb.err).toMatch(/INTACT: .* 0 problems/);
  }, 60_000);

  it('leaves the originals byte-identical and the archive verifiable', async () => {
    for (const f of FILES) {
      expect(digest(join(card, f)), f).toBe(digest(join(DIR, f)));
      expect(digest(objectPath(join(archive, 'objects'), sha[f]!)), f).toBe(digest(join(DIR, f)));
    }
    const v = await runCli('verify', ...A);
    expect(v.code, v.out + v.err).toBe(0);
  }, 60_000);
});
