// Invalid Content Credentials on the Item screen: each fact read from the manifest (signer,
// certificate issuer, signing time, claim generator, actions, ingredients) carries the caveat
// "(as the altered manifest claims; not verified)", as the CLI's `show` does, so a claimed signer
// never reads as proven; valid credentials carry none. The real tampered files of the shared C2PA
// fixtures (expected.json): E-sig-CA's claim was altered after signing (its claim generator reads
// "make_test_xxxxxx"), XCA's bytes were. Production renderer in Chromium, loopback host, real core.
import { copyFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli-inprocess.ts';
import { SHARED_DIR } from '../helpers/corpus.ts';
import { HAS_CHROMIUM } from './chromium.ts';
import { closeRendererHost, openArchiveWindow, startRendererHost, type ArchiveWindow, type HostedRenderer } from './window.ts';
import { errorColour } from './colours.ts';

const DIR = join(SHARED_DIR, 'fixtures', 'c2pa');
const ALTERED_CLAIM = 'adobe-20220124-E-sig-CA.jpg';
const ALTERED_BYTES = 'adobe-20220124-XCA.jpg';
const VALID = 'adobe-20220124-CA.jpg';
const HAS_FIXTURES = [ALTERED_CLAIM, ALTERED_BYTES, VALID, 'expected.json'].every((f) => existsSync(join(DIR, f)));

interface Expected { claimGenerator: string | null; signerIssuer: string | null; signedAt: string | null; verdict: string }

describe.skipIf(!HAS_CHROMIUM || !HAS_FIXTURES)('Item screen: what invalid Content Credentials claim is marked as not verified', () => {
  let hosted: HostedRenderer | undefined;
  let win: ArchiveWindow | undefined;
  let page: Page;
  let expected: Record<string, Expected>;
  const tid = (x: string) => page.getByTestId(x);
  /** The credentials panel's value of `field` (data-field: signedBy, issuedBy, signedAt, madeWith, actions, ingredients). */
  const fact = (field: string) => tid('credentials').locator(`dd[data-field=${field}]`).textContent();
  const open = async (name: string) => {
    await tid('nav-library').click();
    await page.locator(`[data-testid=item-tile] .name[title="${name}"]`).click();
    await tid('item-name').filter({ hasText: name }).waitFor();
    await tid('credentials').waitFor();
  };

  beforeAll(async () => {
    expected = JSON.parse(readFileSync(join(DIR, 'expected.json'), 'utf8')) as Record<string, Expected>;
    hosted = await startRendererHost('evidence-e2e-c2pa-claim-');
    const archive = join(hosted.tmp, 'archive');
    mkdirSync(join(hosted.tmp, 'card'));
    for (const f of [ALTERED_CLAIM, ALTERED_BYTES, VALID]) copyFileSync(join(DIR, f), join(hosted.tmp, 'card', f));
    const r = await runCli('ingest', join(hosted.tmp, 'card'), '--archive', archive);
    expect(r.code, r.err).toBe(0);
    win = await openArchiveWindow(hosted.host, archive, /^3 items$/u, 'nav-library');
    page = win.page;
  }, 120_000);

  afterAll(() => closeRendererHost(hosted, win));

  it('marks the altered claim\'s signer, tool, actions and ingredients as claimed, not verified', async () => {
    const e = expected[ALTERED_CLAIM]!;
    expect(e.verdict).toBe('invalid');
    await open(ALTERED_CLAIM);
    expect(await tid('credentials').getAttribute('data-verdict')).toBe('invalid');
    const caveat = ' (as the altered manifest claims; not verified)';
    expect(await fact('madeWith')).toBe(`${e.claimGenerator}${caveat}`);
    expect(await fact('signedBy')).toMatch(new RegExp(`^${e.signerIssuer} \\(.+\\)${caveat.replace(/[()]/gu, '\\$&')}$`, 'u'));
    expect(await fact('issuedBy')).toMatch(/\(as the altered manifest claims; not verified\)$/u);
    expect(await fact('ingredients')).toMatch(/\(as the altered manifest claims; not verified\)$/u);
    // No signing time is claimed: our own words for that carry no caveat.
    expect(e.signedAt).toBeNull();
    expect(await fact('signedAt')).toBe('no validated time-stamp');
    const rows = await tid('credentials').locator('dd[data-field]').evaluateAll((dds) => dds.map((d) => d.getAttribute('data-field')));
    expect(await tid('claim-caveat').count()).toBe(rows.filter((f) => f !== 'signedAt').length);
    // The caveat is red, as the verdict is.
    const bad = await errorColour(page);
    expect(await tid('claim-caveat').first().evaluate((el) => getComputedStyle(el).color)).toBe(bad);
  });

  it('says so in Russian and Kyrgyz', async () => {
    const gen = expected[ALTERED_CLAIM]!.claimGenerator!;
    try {
      await tid('language').selectOption('ru');
      await expect.poll(() => fact('madeWith')).toBe(`${gen} (так утверждает изменённый манифест; не проверено)`);
      await tid('language').selectOption('ky');
      await expect.poll(() => fact('madeWith')).toBe(`${gen} (өзгөртүлгөн манифест ушинтип айтат; текшерилген эмес)`);
    } finally {
      await tid('language').selectOption('en');
    }
  });

  it('marks the claimed signing time of a file whose bytes were altered after signing', async () => {
    expect(expected[ALTERED_BYTES]!.verdict).toBe('invalid');
    await open(ALTERED_BYTES);
    expect(await fact('signedAt')).toMatch(/^.+ \(as the altered manifest claims; not verified\)$/u);
    expect(await fact('signedBy')).toMatch(new RegExp(`^${expected[ALTERED_BYTES]!.signerIssuer} .*\\(as the altered manifest claims; not verified\\)$`, 'u'));
  });

  it('puts no caveat on valid credentials', async () => {
    expect(expected[VALID]!.verdict).toBe('valid-untrusted');
    await open(VALID);
    expect(await tid('credentials').getAttribute('data-verdict')).toBe('valid-untrusted');
    expect(await fact('madeWith')).toBe(expected[VALID]!.claimGenerator);
    expect(await tid('claim-caveat').count()).toBe(0);
  });

  it('logged no CSP violation and no console error', async () => {
    expect(await win!.csp.violations()).toEqual([]);
    expect(win!.csp.consoleErrors).toEqual([]);
  });
});
