// The Export screen before and after a public release of redacted copies (the CLI's
// `export --redacted-media`): the items no redacted copy can be made of (here a WAV recording and
// a PDF) will be left out, and the screen says how many, why and which before the user exports
// (export.unredactable, the export's own rule), counts them out of the "Export N items" button,
// and after the export shows how many the set left out. The bag holds the photo's copy only, and
// evidence/left-out.json names the two by SHA-256. Production renderer in Debian's Chromium
// against the loopback host and the real core; the media are made with ffmpeg and pdfkit.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createWriteStream, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import PDFDocument from 'pdfkit';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { verifyBag } from '../../electron/core/verify/bag.ts';
import { HAS_CHROMIUM } from './chromium.ts';
import { closeRendererHost, openArchiveWindow, startRendererHost, type ArchiveWindow, type HostedRenderer } from './window.ts';
import { errorColour } from './colours.ts';

const sha = (p: string) => createHash('sha256').update(readFileSync(p)).digest('hex');

/** A one-page PDF letter at `path`, written by pdfkit. */
async function writePdf(path: string): Promise<void> {
  const doc = new PDFDocument();
  const done = new Promise<void>((res, rej) => {
    const out = createWriteStream(path);
    out.on('finish', res);
    out.on('error', rej);
    doc.pipe(out);
  });
  doc.text('Statement of a witness, Batken, 2021.');
  doc.end();
  await done;
}

describe.skipIf(!HAS_CHROMIUM)('Export screen: items a set of redacted copies leaves out', () => {
  let hosted: HostedRenderer | undefined;
  let win: ArchiveWindow | undefined;
  let page: Page;
  const files: Record<string, string> = {};
  /** Item id by file name, and the MIME type the catalog gave each. */
  const id: Record<string, number> = {};
  const mime: Record<string, string> = {};
  const tid = (x: string) => page.getByTestId(x);

  beforeAll(async () => {
    hosted = await startRendererHost('evidence-e2e-export-left-out-');
    const card = join(hosted.tmp, 'card');
    mkdirSync(card);
    files.photo = join(card, 'yard.jpg');
    files.audio = join(card, 'interview.wav');
    files.pdf = join(card, 'statement.pdf');
    execFileSync('ffmpeg', ['-v', 'error', '-f', 'lavfi', '-i', 'testsrc=size=320x240', '-frames:v', '1', files.photo]);
    execFileSync('ffmpeg', ['-v', 'error', '-f', 'lavfi', '-i', 'sine=frequency=440:duration=1', files.audio]);
    await writePdf(files.pdf);

    const h = hosted.host.service.handlers;
    const archive = join(hosted.tmp, 'archive');
    await h['archive.open']({ dir: archive, create: true });
    const { jobId } = await h['jobs.start']({ kind: 'ingest', inputs: [card] });
    const ended = () => hosted!.host.events.flatMap((e) => (e.type === 'state' && e.job.id === jobId && !['queued', 'running'].includes(e.job.state) ? [e.job.state] : []))[0];
    expect(await vi.waitFor(() => ended() ?? Promise.reject(new Error('the import is still running')), { timeout: 60_000, interval: 50 })).toBe('done');
    for (const it of (await h['items.list']({ filter: {}, sort: { by: 'id', dir: 'asc' } })).items) {
      id[it.name] = it.id;
      mime[it.name] = it.mime ?? '';
    }
    expect(Object.keys(id).sort()).toEqual(['interview.wav', 'statement.pdf', 'yard.jpg']);
    expect(mime['interview.wav']).toMatch(/^audio\//u);
    expect(mime['statement.pdf']).toBe('application/pdf');
    // The photo's redacted copy, made as the Item screen makes it.
    await h['redact.make']({ id: id['yard.jpg']!, blurFaces: false, mode: 'blur', date: 'keep' });
    await h['archive.close']({});
    win = await openArchiveWindow(hosted.host, archive, /^3 items$/u, 'nav-export');
    page = win.page;
  }, 180_000);

  afterAll(() => closeRendererHost(hosted, win));

  it('warns before the export how many chosen items will be left out, why and which', async () => {
    await tid('source-filter').check();
    await tid('kind-public').check();
    await tid('use-redacted').waitFor();
    // Not chosen yet: nothing is left out, all three go.
    expect(await tid('unredactable-preview').count()).toBe(0);
    expect(await tid('start-export').textContent()).toBe('Export 3 items');
    // The recording and the PDF are not counted among the items "that would go out as received".
    expect(await tid('redacted-missing').count()).toBe(0);
    await tid('use-redacted').check();
    await tid('unredactable-preview').waitFor();
    expect(await tid('unredactable-count').textContent()).toBe('2 chosen items will be left out of this set: they cannot be redacted');
    expect(await tid('unredactable-why').textContent()).toContain('A set of redacted copies never sends an original');
    const rows = await tid('unredactable-list').getByTestId('left-out-item').evaluateAll((trs) => trs.map((tr) => Array.from(tr.querySelectorAll('td')).map((td) => td.textContent)));
    expect(rows).toEqual([
      [String(id['interview.wav']), 'interview.wav', mime['interview.wav']],
      [String(id['statement.pdf']), 'statement.pdf', mime['statement.pdf']],
    ].sort((a, b) => Number(a[0]) - Number(b[0])));
    expect(await tid('start-export').textContent()).toBe('Export 1 item');
    // In the failure colour, as the other items a public release leaves out.
    const bad = await errorColour(page);
    expect(await tid('unredactable-count').evaluate((el) => getComputedStyle(el).color)).toBe(bad);
  });

  it('says so in Russian and Kyrgyz', async () => {
    try {
      await tid('language').selectOption('ru');
      await expect.poll(() => tid('unredactable-count').textContent()).toBe('2 выбранных материала не войдут в этот набор: их нельзя обезличить');
      await tid('language').selectOption('ky');
      await expect.poll(() => tid('unredactable-count').textContent()).toBe('Тандалган 2 материал бул топтомго кирбейт: аларды жашырууга болбойт');
    } finally {
      await tid('language').selectOption('en');
    }
  });

  it('exports the photo\'s copy only and says how many the set left out', async () => {
    await tid('export-dest').fill(join(hosted!.tmp, 'public'));
    await tid('export-unsigned').check();
    await tid('start-export').click();
    await tid('export-result').waitFor({ timeout: 120_000 });
    expect(await tid('export-failed').count()).toBe(0);
    expect(await tid('export-left-out-count').textContent()).toBe('2 items left out: they cannot be redacted');
    expect(await tid('export-left-out').getByTestId('left-out-item').evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-item')).sort()))
      .toEqual([String(id['interview.wav']), String(id['statement.pdf'])].sort());
    const bagDir = (await tid('bag-dir').textContent())!;
    const entries = JSON.parse(readFileSync(join(bagDir, 'evidence', 'items.json'), 'utf8')) as { redactedFrom?: { sha256: string } }[];
    expect(entries.map((e) => e.redactedFrom?.sha256)).toEqual([sha(files.photo!)]);
    const leftOut = JSON.parse(readFileSync(join(bagDir, 'evidence', 'left-out.json'), 'utf8')) as { sha256: string; reason: string }[];
    expect(leftOut.map((l) => [l.sha256, l.reason]).sort()).toEqual([[sha(files.audio!), 'cannot-redact'], [sha(files.pdf!), 'cannot-redact']].sort());
    expect((await verifyBag(bagDir)).problems).toEqual([]);
  });

  it('logged no CSP violation and no console error', async () => {
    expect(await win!.csp.violations()).toEqual([]);
    expect(win!.csp.consoleErrors).toEqual([]);
  });
});
