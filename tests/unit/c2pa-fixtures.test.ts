// Issue 14 §3: every file of ../shared/fixtures/c2pa/ gives the verdict, codes, signer, claim
// generator, signing time and ingredients expected.json records from c2patool's reports; the trust
// decision follows the anchors given; a large file's store is found by probing its segments.
import { createHash, X509Certificate } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { C2PA_LIBRARY, probeStore, scanC2pa } from '../../electron/core/c2pa/read.ts';
import { credentialReport } from '../../electron/core/c2pa/report.ts';
import { chainsToAnchor, parseTrustAnchors } from '../../electron/core/c2pa/trust.ts';
import { withByteSource } from '../../electron/core/metadata/io.ts';
import { MEDIA_DIR, REPO_ROOT, SHARED_DIR } from '../helpers/corpus.ts';

const DIR = join(SHARED_DIR, 'fixtures', 'c2pa');
const HAS_C2PA = existsSync(join(DIR, 'expected.json'));

interface Expected {
  sha256: string;
  bytes: number;
  hasManifest: boolean;
  activeManifestLabel: string | null;
  claimGenerator: string | null;
  signerIssuer: string | null;
  signedAt: string | null;
  validationCodes: string[];
  verdict: string;
  ingredients: number;
  reports?: { manifestStore: string };
}
const expected: Record<string, Expected> = HAS_C2PA ? JSON.parse(readFileSync(join(DIR, 'expected.json'), 'utf8')) as Record<string, Expected> : {};
const NOW = '2026-12-07T00:00:00.000Z';
const work = mkdtempSync(join(tmpdir(), 'ea-c2pa-unit-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** The self-signed root the Adobe test files carry at the end of their x5chain, as PEM. */
async function adobeTestRoot(): Promise<string> {
  const scan = await scanC2pa(join(DIR, 'adobe-20220124-CA.jpg'));
  const root = new X509Certificate(Buffer.from(scan.chain.at(-1)!));
  expect(root.subject).toContain('CN=Root CA');
  expect(root.checkIssued(root)).toBe(true);
  return root.toString();
}

it('names the installed library version in its reports', () => {
  const pkg = JSON.parse(readFileSync(join(REPO_ROOT, 'node_modules', '@trustnxt', 'c2pa-ts', 'package.json'), 'utf8')) as { name: string; version: string };
  expect({ name: pkg.name, version: pkg.version }).toEqual({ ...C2PA_LIBRARY });
});

describe.skipIf(!HAS_C2PA)('C2PA fixtures against expected.json (c2patool reports)', () => {
  it('has the five files SOURCES.md lists, byte for byte', () => {
    expect(Object.keys(expected).sort()).toEqual(['adobe-20220124-A.jpg', 'adobe-20220124-CA.jpg', 'adobe-20220124-E-sig-CA.jpg', 'adobe-20220124-XCA.jpg', 'truepic-20230212-camera.jpg']);
    for (const [name, e] of Object.entries(expected)) expect(createHash('sha256').update(readFileSync(join(DIR, name))).digest('hex'), name).toBe(e.sha256);
  });

  for (const name of Object.keys(expected)) {
    it(`${name}: verdict, codes, manifest, signer, time and ingredients as expected.json says`, async () => {
      const e = expected[name]!;
      const rep = credentialReport(await scanC2pa(join(DIR, name)), [], NOW);
      expect(rep.verdict).toBe(e.verdict);
      expect(rep.codes).toEqual(e.validationCodes);
      expect(rep.activeManifest).toBe(e.activeManifestLabel);
      expect(rep.claimGenerator).toBe(e.claimGenerator);
      expect(rep.signer?.issuer ?? null).toBe(e.signerIssuer);
      expect(rep.signedAt === null ? null : Date.parse(rep.signedAt)).toBe(e.signedAt === null ? null : Date.parse(e.signedAt));
      expect(rep.ingredients).toHaveLength(e.ingredients);
      expect(rep.storeBytes !== null).toBe(e.hasManifest);
      expect(rep.validator).toMatchObject({ library: '@trustnxt/c2pa-ts', version: '0.9.4', validatedAt: NOW, trustList: { name: 'none configured', anchors: [] } });
      if (e.hasManifest) expect(rep.trust).toBe('signingCredential.untrusted');
      if (e.reports) {
        // c2patool's own report of the same file: serial number, title, ingredient titles.
        const ms = JSON.parse(readFileSync(join(DIR, e.reports.manifestStore), 'utf8')) as { manifests: Record<string, { title: string; signature_info: { cert_serial_number: string }; ingredients: { title: string; relationship: string }[] }> };
        const m = ms.manifests[e.activeManifestLabel!]!;
        expect(rep.signer!.serialNumber).toBe(m.signature_info.cert_serial_number);
        expect(rep.title).toBe(m.title);
        expect(rep.ingredients.map((i) => [i.title, i.relationship])).toEqual(m.ingredients.map((i) => [i.title, i.relationship]));
      }
    });
  }

  it('says what was done: the CA file\'s actions and its parent ingredient', async () => {
    const rep = credentialReport(await scanC2pa(join(DIR, 'adobe-20220124-CA.jpg')), [], NOW);
    expect(rep.actions.map((a) => [a.action, a.name])).toEqual([['c2pa.opened', null], ['c2pa.color_adjustments', 'brightnesscontrast']]);
    expect(rep.ingredients[0]).toMatchObject({ title: 'A.jpg', format: 'image/jpeg', relationship: 'parentOf', hasManifest: false });
    expect(rep.signer).toMatchObject({ commonName: 'C2PA Signer', organization: 'C2PA Test Signing Cert', algorithm: 'PS256' });
    expect(rep.signer!.chain).toEqual([expect.stringContaining('CN=Intermediate CA'), expect.stringContaining('CN=Root CA')]);
  });

  it('a plain JPEG of the media corpus has no credentials', async () => {
    const plain = join(MEDIA_DIR, 'metadata-extractor-images', 'jpg', 'Nikon D5000.jpg');
    if (!existsSync(plain)) return;
    const scan = await scanC2pa(plain);
    expect(scan).toMatchObject({ store: null, error: null, container: null });
    expect(credentialReport(scan, [], NOW)).toMatchObject({ verdict: 'absent', codes: [], trust: null, signer: null });
  });

  it('with the signer\'s root as a trust anchor: valid-trusted; without it, or with another anchor: valid-untrusted', async () => {
    const anchors = parseTrustAnchors(await adobeTestRoot(), 'adobe-root.pem', NOW);
    expect(anchors).toHaveLength(1);
    const ca = await scanC2pa(join(DIR, 'adobe-20220124-CA.jpg'));
    const trusted = credentialReport(ca, anchors, NOW);
    expect(trusted).toMatchObject({ verdict: 'valid-trusted', codes: [], trust: 'signingCredential.trusted' });
    expect(trusted.validator.trustList).toMatchObject({ name: 'archive trust anchors', anchors: [{ sha256: anchors[0]!.sha256 }] });
    expect(trusted.statuses.filter((s) => s.code.startsWith('signingCredential.'))).toEqual([expect.objectContaining({ code: 'signingCredential.trusted', success: true })]);
    expect(credentialReport(ca, [], NOW).verdict).toBe('valid-untrusted');
    // Truepic's intermediate is a CA, but not the Adobe signer's: untrusted.
    const truepic = await scanC2pa(join(DIR, 'truepic-20230212-camera.jpg'));
    const other = parseTrustAnchors(new X509Certificate(Buffer.from(truepic.chain[1]!)).toString(), 'truepic-ca.pem', NOW);
    expect(credentialReport(ca, other, NOW).verdict).toBe('valid-untrusted');
    expect(credentialReport(truepic, other, NOW).verdict).toBe('valid-trusted');
    expect(credentialReport(truepic, anchors, NOW).verdict).toBe('valid-untrusted');
    // A trusted signer does not rescue a broken signature or binding.
    for (const [name, code] of [['adobe-20220124-E-sig-CA.jpg', 'claimSignature.mismatch'], ['adobe-20220124-XCA.jpg', 'assertion.dataHash.mismatch']] as const) {
      const rep = credentialReport(await scanC2pa(join(DIR, name)), anchors, NOW);
      expect(rep.verdict, name).toBe('invalid');
      expect(rep.codes, name).toContain(code);
    }
  });

  it('does not trust a chain because it ends in a self-signed root it carries itself', async () => {
    const ca = await scanC2pa(join(DIR, 'adobe-20220124-CA.jpg'));
    expect(chainsToAnchor(ca.chain, [])).toBe(false);
    expect(() => parseTrustAnchors('not a certificate', 'junk.pem', NOW)).toThrow(/junk\.pem: no PEM certificate/);
  });

  it('finds the store of a file too large to read whole by probing its segments, and reads none where there is none', async () => {
    const pad = Buffer.alloc(9 * 1024 * 1024);
    const big = join(work, 'big-CA.jpg');
    writeFileSync(big, Buffer.concat([readFileSync(join(DIR, 'adobe-20220124-CA.jpg')), pad]));
    const plainBig = join(work, 'big-A.jpg');
    writeFileSync(plainBig, Buffer.concat([readFileSync(join(DIR, 'adobe-20220124-A.jpg')), pad]));
    expect(await withByteSource(big, probeStore)).toBe('jpeg');
    expect(await withByteSource(plainBig, probeStore)).toBeNull();
    // Bytes appended after signing: the hard binding no longer matches.
    const rep = credentialReport(await scanC2pa(big), [], NOW);
    expect(rep).toMatchObject({ verdict: 'invalid', codes: ['assertion.dataHash.mismatch'] });
    expect(credentialReport(await scanC2pa(plainBig), [], NOW).verdict).toBe('absent');
  });
});
