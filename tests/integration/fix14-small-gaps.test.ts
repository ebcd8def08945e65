// Issue 14 hostile test, small gaps: list --credentials takes every verdict, --search finds reel
// names, invalid credentials' facts carry a caveat, an NFD-named XMP links to its NFC photo, and
// a bad --reel name is echoed without its control characters.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli-inprocess.ts';
import { writeCard } from '../helpers/mhl-card.ts';
import { buildItemFilterWhere } from '../../electron/core/catalog/filters.ts';
import { credentialLines } from '../../electron/cli/commands/credentials.ts';
import { fileRole } from '../../electron/core/sidecars/names.ts';
import type { CredentialReport } from '../../electron/common/c2pa.ts';

const tmp = mkdtempSync(join(tmpdir(), 'fix14-gaps-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const archive = join(tmp, 'arch');

describe('list', () => {
  it('--credentials accepts each verdict: valid-trusted selects only trusted signers', async () => {
    expect(buildItemFilterWhere({ credentials: 'valid-trusted' }).params).toEqual(['valid-trusted']);
    expect(buildItemFilterWhere({ credentials: 'valid-untrusted' }).params).toEqual(['valid-untrusted']);
    const card = join(tmp, 'card1');
    writeCard(card, { 'DCIM/IMG_0001.JPG': 'one' });
    expect((await runCli('ingest', card, '--reel', 'Kitchen-Card-7', '--archive', archive, '--operator', 'T', '--no-previews')).code).toBe(0);
    const r = await runCli('list', '--credentials', 'valid-trusted', '--archive', archive, '--json');
    expect(r.code, r.err).toBe(0);
    expect(JSON.parse(r.out)).toEqual([]);
    expect((await runCli('list', '--credentials', 'bogus', '--archive', archive)).code).toBe(2);
  });

  it('--search finds items by the name of their reel', async () => {
    const r = await runCli('list', '--search', 'kitchen-card', '--archive', archive, '--json');
    expect(r.code, r.err).toBe(0);
    expect((JSON.parse(r.out) as { sources: { name: string }[] }[]).map((i) => i.sources[0]!.name)).toEqual(['IMG_0001.JPG']);
    expect(JSON.parse((await runCli('list', '--search', 'Kitchen-Card-8', '--archive', archive, '--json')).out)).toEqual([]);
  });

  it('a --reel name with a newline and ESC is echoed escaped', async () => {
    const r = await runCli('ingest', join(tmp, 'card1'), '--reel', 'bad\nname\u001b[31m', '--archive', archive, '--no-previews');
    expect(r.code).toBe(2);
    expect(r.err).not.toContain('\u001b');
    expect(r.err).toContain('bad\\u000aname\\u001b[31m');
  });
});

describe('invalid credentials', () => {
  it('say that the signer and tool are what the altered manifest claims', () => {
    const rep = {
      verdict: 'invalid', codes: ['claimSignature.mismatch'], trust: null, container: 'jpeg',
      signer: { issuer: 'Leica', subject: 'Leica Camera AG', issuerDn: 'CN=Leica CA' }, statuses: [], storeSha256: null, storeBytes: null, error: null,
      validator: { library: 'x', version: '1', trustList: { name: 'none configured', anchors: [], sha256: null }, validatedAt: '2024-01-01T00:00:00Z', notes: [] },
      activeManifest: 'urn:x', manifests: 1, claimGenerator: 'Leica M11-P', title: null, format: 'image/jpeg', instanceId: null, signedAt: null, ingredients: [], actions: [],
    } as unknown as CredentialReport;
    const lines = credentialLines(rep);
    expect(lines.find((l) => l.includes('Leica M11-P'))).toContain('as the altered manifest claims; not verified');
    expect(lines.find((l) => l.includes('Leica Camera AG'))).toContain('as the altered manifest claims; not verified');
    const valid = credentialLines({ ...rep, verdict: 'valid-untrusted', codes: [] } as CredentialReport);
    expect(valid.join('\n')).not.toContain('not verified');
  });
});

describe('sidecars', () => {
  it('an XMP named in NFD belongs to the photo named in NFC', () => {
    const photo = fileRole('/card/DCIM/Сүрөт_é_1.JPG'.normalize('NFC'));
    const xmp = fileRole('/card/DCIM/Сүрөт_é_1.JPG.xmp'.normalize('NFD'));
    expect(xmp.role).toBe('sidecar');
    expect(xmp.keys.some((k) => photo.keys.includes(k))).toBe(true);
  });
});
