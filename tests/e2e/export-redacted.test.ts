// The Export screen's "send the redacted copies" box (issue 13 §1), in Debian's Chromium against
// the loopback host and the real core: a public release with it ticked ships the redacted copy
// (made through the host's `redact.make`) in place of its original, with no GPS or camera serial
// in the file, items.json naming the original by SHA-256, and the bag verifying; the item without
// a copy goes out as received, as the screen said it would.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { verifyBag } from '../../electron/core/verify/bag.ts';
import { HAS_CORPUS, MEDIA_DIR } from '../helpers/corpus.ts';
import { HAS_CHROMIUM } from './chromium.ts';
import { closeRendererHost, openArchiveWindow, startRendererHost, type ArchiveWindow, type HostedRenderer } from './window.ts';

const GPS_PHOTO = join(MEDIA_DIR, 'metadata-extractor-images/jpg/Apple iPhone 4.jpg');
const OTHER = join(MEDIA_DIR, 'exif-samples/canon_hdr_NO.jpg');
const sha = (p: string) => createHash('sha256').update(readFileSync(p)).digest('hex');

interface Entry { id?: number; sha256: string; path: string; originalName: string; gps: unknown; serial: unknown; redactedFrom?: { sha256: string } }

describe.skipIf(!HAS_CHROMIUM || !HAS_CORPUS)('Export screen: redacted copies in a public release', () => {
  let hosted: HostedRenderer | undefined;
  let win: ArchiveWindow | undefined;
  let page: Page;
  let copySha = '';
  const tid = (id: string) => page.getByTestId(id);

  beforeAll(async () => {
    hosted = await startRendererHost('evidence-e2e-export-redacted-');
    const h = hosted.host.service.handlers;
    const archive = join(hosted.tmp, 'archive');
    await h['archive.open']({ dir: archive, create: true });
    const { jobId } = await h['jobs.start']({ kind: 'ingest', inputs: [GPS_PHOTO, OTHER] });
    const ended = () => hosted!.host.events.flatMap((e) => (e.type === 'state' && e.job.id === jobId && !['queued', 'running'].includes(e.job.state) ? [e.job.state] : []))[0];
    expect(await vi.waitFor(() => ended() ?? Promise.reject(new Error('the import is still running')), { timeout: 60_000, interval: 50 })).toBe('done');
    const items = (await h['items.list']({ filter: {}, sort: { by: 'id', dir: 'asc' } })).items;
    const gpsItem = items.find((i) => i.sha256 === sha(GPS_PHOTO))!;
    copySha = (await h['redact.make']({ id: gpsItem.id, blurFaces: false, mode: 'blur', date: 'keep' })).sha256;
    await h['archive.close']({});
    win = await openArchiveWindow(hosted.host, archive, /^2 items$/u, 'nav-export');
    page = win.page;
  }, 180_000);

  afterAll(() => closeRendererHost(hosted, win));

  it('ships the redacted copy in place of its original, names the original, and the bag verifies', async () => {
    await tid('nav-export').click();
    await tid('source-filter').check();
    await tid('kind-public').check();
    await tid('use-redacted').waitFor();
    expect(await tid('redacted-missing').textContent()).toContain('1 item has no redacted copy');
    await tid('use-redacted').check();
    await tid('export-dest').fill(join(hosted!.tmp, 'public'));
    await tid('export-unsigned').check();
    await tid('start-export').click();
    await tid('export-result').waitFor({ timeout: 120_000 });
    expect(await tid('export-failed').count()).toBe(0);
    const bagDir = (await tid('bag-dir').textContent())!;

    const entries = JSON.parse(readFileSync(join(bagDir, 'evidence', 'items.json'), 'utf8')) as Entry[];
    expect(entries).toHaveLength(2);
    const copy = entries.find((e) => e.redactedFrom)!;
    expect(copy).toMatchObject({ sha256: copySha, gps: null, serial: null, redactedFrom: { sha256: sha(GPS_PHOTO) } });
    expect(copy.path).toMatch(/\.redacted\.jpg$/u);
    const file = join(bagDir, copy.path);
    expect(sha(file)).toBe(copySha);
    const tags = JSON.parse(execFileSync('exiftool', ['-j', '-G1', '-a', file], { encoding: 'utf8' }))[0] as Record<string, unknown>;
    expect(Object.keys(tags).filter((k) => /GPS|Serial|Thumbnail|OwnerName|MakerNote/u.test(k))).toEqual([]);
    // the other item had no copy: it went out as received, as the screen said
    const plain = entries.find((e) => !e.redactedFrom)!;
    expect(plain.sha256).toBe(sha(OTHER));
    expect(readFileSync(join(bagDir, 'bag-info.txt'), 'utf8')).toMatch(/^Evidence-Redacted-Media: 1 item under data\/ is a redacted copy/mu);
    expect(readFileSync(join(bagDir, 'evidence', 'items.csv'), 'utf8')).toContain(sha(GPS_PHOTO));

    const report = await verifyBag(bagDir);
    expect(report.problems).toEqual([]);
    expect(report.payloadFiles).toBe(2);
  });
});
