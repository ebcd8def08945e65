// resources/verify/VERIFY.html is built from electron/verifier-web/ and committed; the export copies
// it into every bag. It must be what the sources build today, self-contained and small.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
// @ts-expect-error: a plain .mjs build script without type declarations
import { buildVerifierHtml, VERIFY_HTML } from '../../scripts/build-verifier.mjs';

describe('VERIFY.html build', () => {
  it('is up to date with electron/verifier-web (run `npm run build:verifier` after changing it)', async () => {
    const built = (await buildVerifierHtml()) as string;
    const committed = readFileSync(VERIFY_HTML as string, 'utf8');
    expect(committed === built, 'resources/verify/VERIFY.html is stale: run `npm run build:verifier` and commit it').toBe(true);
  });

  it('is one self-contained file under 300 KB that allows no network', () => {
    const html = readFileSync(VERIFY_HTML as string, 'utf8');
    expect(Buffer.byteLength(html)).toBeLessThan(300 * 1024);
    expect(html).toContain(`<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:">`);
    // Nothing loaded from elsewhere: no src/href attributes, no URLs a script could fetch.
    expect(html).not.toMatch(/<(script|link|img|iframe)[^>]*\s(src|href)=/iu);
    expect(html).not.toMatch(/https?:\/\/(?!www\.w3\.org\/)[a-z0-9.-]+\.[a-z]{2,}/iu);
    expect(html.match(/<script>/gu)).toHaveLength(1);
  });
});
